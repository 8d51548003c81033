/* package.c - a Frictionless Data Package (datapackage.json): its tabular
 * resources, each with its file, its dialect and its schema.
 *
 * The package is only a list: each resource's schema, inline or in a file
 * of its own, goes to the ordinary schema loader (kpix_schema_load_json),
 * which knows every field keyword; nothing here reads a field. What this
 * file adds is the resource's file (a path relative to the package), how
 * to read it (the CSV Dialect: delimiter, quote, header rows, initial
 * spaces), and foreign keys that name another resource: the loader reads
 * that resource's file as its dialect says, and the values compare in the
 * types of the other resource's fields. docs/schema-format.md, "Data
 * Packages and dialects", says what is read and what is refused. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "kpix/kpix.h"
#include "schema.h"
#include "util.h"

typedef struct {
	char *name;
	char *path;            /* as kpix opens it: the package's directory joined */
	char *schema_name;     /* what the schema is called in messages */
	char *schema_text;     /* an inline schema's JSON text; NULL: the file schema_name */
	char *schema_dir;      /* where its reference files are */
	char *header_join;
	kpix_schema_resource res;
	kpix_encoding encoding;
	kpix_schema *schema;
} package_resource;

struct kpix_package {
	char *path;
	char *dir;
	package_resource *res;
	size_t nres;
	kpix_schema_resource *table; /* res[i].res, as the loader takes them */
	char **skipped;        /* "NAME: why", for resources that are not tables kpix reads */
	size_t nskipped;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool kpix_package_is(const char *path)
{
	const char *base = kpix_base_name(path);
	if (strcmp(base, "datapackage.json") == 0)
		return true;
	if (!ends_with(base, ".json"))
		return false;
	/* by content: an object with a list of resources and no schema's
	 * fields */
	kpix_json_doc *doc;
	if (kpix_json_read(&doc, path, "data package") != 0) {
		kpix_error_clear();
		return false;
	}
	const kpix_json *root = kpix_json_root(doc);
	bool is = kpix_json_is_array(kpix_json_get(root, "resources")) &&
	          !kpix_json_get(root, "fields");
	kpix_json_free(doc);
	return is;
}

/* Whether a path the package gives is one the spec allows: relative,
 * without "..", not a URL (kpix reads local files only). */
static int check_path(const kpix_json_doc *doc, const char *at, const char *p)
{
	if (strstr(p, "://"))
		return kpix_json_fail(doc, at, "'%s' is a URL; kpix reads only files beside the "
		                      "package: download it and give its path", p);
	if (p[0] == '/' || strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
	    strstr(p, "/../") || ends_with(p, "/.."))
		return kpix_json_fail(doc, at, "'%s' is not a path within the package: the Data "
		                      "Package spec allows only relative paths without '..'", p);
	if (!*p)
		return kpix_json_fail(doc, at, "expected a path, not an empty string");
	return 0;
}

/* A one-character member of a dialect, into *out. */
static int dialect_char(const kpix_json_doc *doc, const char *at, const kpix_json *d,
                        const char *key, char *out)
{
	const kpix_json *v = kpix_json_get(d, key);
	if (!v)
		return 0;
	char *p = kpix_json_path(at, key);
	int rc = 0;
	if (!kpix_json_is_string(v) || kpix_json_string_len(v) != 1 ||
	    (unsigned char)kpix_json_string(v)[0] >= 0x80 || kpix_json_string(v)[0] == '\n' ||
	    kpix_json_string(v)[0] == '\r')
		rc = kpix_json_fail(doc, p, "expected one character (kpix reads a %s of one ASCII "
		                    "character other than a line end)", key);
	else
		*out = kpix_json_string(v)[0];
	free(p);
	return rc;
}

/* The resource's dialect (CSV Dialect 1.2, and Table Dialect 2's form of
 * its keys) into r->res.opts. Keys kpix cannot honour are refused: reading
 * the file otherwise than its dialect says would report wrong problems. */
static int load_dialect(const kpix_json_doc *doc, const char *at, const kpix_json *d,
                        package_resource *r)
{
	kpix_source_options *o = &r->res.opts;
	if (!d)
		return 0;
	if (kpix_json_is_string(d))
		return kpix_json_fail(doc, at, "a dialect in a file of its own is not read by kpix; "
		                      "put the dialect in the package");
	if (!kpix_json_is_object(d))
		return kpix_json_fail(doc, at, "expected an object describing the CSV dialect");
	static const char *const refused[] = {"escapeChar", "commentChar", "nullSequence",
	                                      "commentRows", NULL};
	for (size_t i = 0; refused[i]; i++)
		if (kpix_json_get(d, refused[i])) {
			char *p = kpix_json_path(at, refused[i]);
			int rc = kpix_json_fail(doc, p, "kpix does not read files with a dialect's "
			                        "\"%s\"; it reads doubled quotes inside quoted cells",
			                        refused[i]);
			free(p);
			return rc;
		}
	int rc;
	bool header = true, dq = true, skip = false, has_rows = false;
	double rows = 1;
	if ((rc = dialect_char(doc, at, d, "delimiter", &o->delimiter)) ||
	    (rc = dialect_char(doc, at, d, "quoteChar", &o->quote)) ||
	    (rc = kpix_json_get_bool(doc, at, d, "header", &header)) ||
	    (rc = kpix_json_get_bool(doc, at, d, "doubleQuote", &dq)) ||
	    (rc = kpix_json_get_bool(doc, at, d, "skipInitialSpace", &skip)) ||
	    (rc = kpix_json_get_num(doc, at, d, "headerRowCount", &has_rows, &rows)) ||
	    (rc = kpix_json_get_str(doc, at, d, "headerJoin", &r->header_join, false)))
		return rc;
	if (!dq) {
		char *p = kpix_json_path(at, "doubleQuote");
		rc = kpix_json_fail(doc, p, "kpix reads a quote inside a quoted cell only as two "
		                    "quotes (doubleQuote true)");
		free(p);
		return rc;
	}
	if (has_rows && !(rows >= 1 && rows <= 100 && rows == (unsigned)rows)) {
		char *p = kpix_json_path(at, "headerRowCount");
		rc = kpix_json_fail(doc, p, "expected a whole number of rows, from 1 to 100");
		free(p);
		return rc;
	}
	/* Table Dialect 2: "headerRows": [1, 2] */
	const kpix_json *hr = kpix_json_get(d, "headerRows");
	if (hr) {
		size_t n = kpix_json_size(hr);
		for (size_t i = 0; i < n; i++)
			if (!kpix_json_is_integer(kpix_json_at(hr, i)) ||
			    kpix_json_integer(kpix_json_at(hr, i)) != (int64_t)i + 1 || n > 100) {
				char *p = kpix_json_path(at, "headerRows");
				rc = kpix_json_fail(doc, p, "kpix reads header rows only at the top of the "
				                    "file, one after another: [1], [1, 2], ...");
				free(p);
				return rc;
			}
		if (!kpix_json_is_array(hr) || n == 0)
			header = false;
		else
			rows = (double)n;
	}
	const kpix_json *lt = kpix_json_get(d, "lineTerminator");
	if (lt && !(kpix_json_is_string(lt) && (strcmp(kpix_json_string(lt), "\r\n") == 0 ||
	                                        strcmp(kpix_json_string(lt), "\n") == 0 ||
	                                        strcmp(kpix_json_string(lt), "\r") == 0))) {
		char *p = kpix_json_path(at, "lineTerminator");
		rc = kpix_json_fail(doc, p, "kpix reads lines ended by \"\\r\\n\", \"\\n\" or \"\\r\" "
		                    "(each of them, whichever the dialect names), and no other");
		free(p);
		return rc;
	}
	o->skip_initial_space = skip;
	o->no_header = !header;
	o->header_rows = (unsigned)rows;
	o->header_join = r->header_join;
	return 0;
}

static void resource_free(package_resource *r)
{
	free(r->name);
	free(r->path);
	free(r->schema_name);
	free(r->schema_text);
	free(r->schema_dir);
	free(r->header_join);
	kpix_schema_free(r->schema);
}

void kpix_package_free(kpix_package *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nres; i++)
		resource_free(&p->res[i]);
	free(p->res);
	free(p->table);
	for (size_t i = 0; i < p->nskipped; i++)
		free(p->skipped[i]);
	free(p->skipped);
	free(p->path);
	free(p->dir);
	free(p);
}

static void skip(kpix_package *p, const char *name, const char *why)
{
	p->skipped = kpix_xrealloc(p->skipped, (p->nskipped + 1) * sizeof(char *));
	p->skipped[p->nskipped++] = kpix_xasprintf("%s: %s", name, why);
}

/* The resource at index i of the package, into r; a resource kpix does not
 * read as a table (no schema, inline data, not CSV) is skipped with the
 * reason, *tabular false. */
static int load_resource(kpix_package *p, const kpix_json_doc *doc, size_t i,
                         const kpix_json *j, package_resource *r, bool *tabular)
{
	*tabular = false;
	char at[48];
	snprintf(at, sizeof(at), "resources[%zu]", i);
	if (!kpix_json_is_object(j))
		return kpix_json_fail(doc, at, "expected an object describing a resource");
	int rc;
	char *name = NULL, *fmt = NULL, *profile = NULL, *enc = NULL;
	if ((rc = kpix_json_get_str(doc, at, j, "name", &name, true)) ||
	    (rc = kpix_json_get_str(doc, at, j, "format", &fmt, false)) ||
	    (rc = kpix_json_get_str(doc, at, j, "encoding", &enc, false)))
		goto out;
	const kpix_json *pj = kpix_json_get(j, "profile");
	if (kpix_json_is_string(pj))
		profile = kpix_xstrdup(kpix_json_string(pj));
	const kpix_json *schema = kpix_json_get(j, "schema");
	const kpix_json *path = kpix_json_get(j, "path");
	bool table = schema || (profile && strstr(profile, "tabular"));
	if (!table) {
		skip(p, name, "no schema: not a table kpix checks");
		goto out;
	}
	if (!path) {
		skip(p, name, kpix_json_get(j, "data")
		                      ? "its data is inline in the package, which kpix does not read"
		                      : "no path to a file");
		goto out;
	}
	char *pat = kpix_json_path(at, "path");
	if (kpix_json_is_array(path)) {
		if (kpix_json_size(path) != 1) {
			rc = kpix_json_fail(doc, pat, "the resource '%s' is in %zu files (a multipart "
			                    "resource), which kpix does not read: validate each file "
			                    "with --schema", name, kpix_json_size(path));
			free(pat);
			goto out;
		}
		path = kpix_json_at(path, 0);
	}
	if (!kpix_json_is_string(path)) {
		rc = kpix_json_fail(doc, pat, "expected the path of the resource's file");
		free(pat);
		goto out;
	}
	rc = check_path(doc, pat, kpix_json_string(path));
	free(pat);
	if (rc)
		goto out;
	const char *ext = strrchr(kpix_json_string(path), '.');
	if (fmt ? !(strcmp(fmt, "csv") == 0 || strcmp(fmt, "tsv") == 0 || strcmp(fmt, "xlsx") == 0)
	        : ext && (strcmp(ext, ".json") == 0 || strcmp(ext, ".geojson") == 0 ||
	                  strcmp(ext, ".zip") == 0 || strcmp(ext, ".xls") == 0)) {
		skip(p, name, "not a CSV file or an .xlsx workbook");
		goto out;
	}
	r->name = name;
	name = NULL;
	r->path = strchr(p->path, '/') ? kpix_xasprintf("%s/%s", p->dir, kpix_json_string(path))
	                               : kpix_xstrdup(kpix_json_string(path));
	r->res.name = r->name;
	r->res.path = r->path;
	if ((fmt && strcmp(fmt, "tsv") == 0) || (ext && strcmp(ext, ".tsv") == 0))
		r->res.opts.delimiter = '\t';
	if (enc) {
		if (strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0)
			r->encoding = KPIX_ENCODING_UTF8;
		else if (strcasecmp(enc, "windows-1252") == 0 || strcasecmp(enc, "cp1252") == 0 ||
		         strcasecmp(enc, "iso-8859-1") == 0 || strcasecmp(enc, "latin1") == 0)
			r->encoding = KPIX_ENCODING_CP1252;
		r->res.opts.encoding = r->encoding;
	}
	char *dat = kpix_json_path(at, "dialect");
	rc = load_dialect(doc, dat, kpix_json_get(j, "dialect"), r);
	free(dat);
	if (rc)
		goto out;
	char *sat = kpix_json_path(at, "schema");
	if (kpix_json_is_object(schema)) {
		r->schema_text = kpix_json_dump(schema);
		r->schema_name = kpix_xasprintf("%s: %s (inline)", p->path, sat);
		r->schema_dir = kpix_xstrdup(p->dir);
	} else if (kpix_json_is_string(schema)) {
		if ((rc = check_path(doc, sat, kpix_json_string(schema))) == 0) {
			r->schema_name = strchr(p->path, '/')
			                         ? kpix_xasprintf("%s/%s", p->dir, kpix_json_string(schema))
			                         : kpix_xstrdup(kpix_json_string(schema));
			const char *slash = strrchr(r->schema_name, '/');
			r->schema_dir = slash ? kpix_xstrndup(r->schema_name,
			                                      (size_t)(slash - r->schema_name))
			                      : kpix_xstrdup(".");
		}
	} else {
		rc = kpix_json_fail(doc, sat, "expected a schema: an object, or the path of a file");
	}
	free(sat);
	*tabular = rc == 0;
out:
	free(name);
	free(fmt);
	free(profile);
	free(enc);
	return rc;
}

/* For each foreign key to another resource of the package: the fields it
 * refers to, whose types its values compare in. */
static int link_references(kpix_package *p)
{
	for (size_t i = 0; i < p->nres; i++) {
		kpix_schema *s = p->res[i].schema;
		for (size_t k = 0; k < s->nfkeys; k++) {
			kpix_fkey *fk = &s->fkeys[k];
			if (fk->kind != KPIX_REF_FILE)
				continue;
			const kpix_schema *other = NULL;
			for (size_t j = 0; j < p->nres && !other; j++)
				if (strcmp(p->res[j].name, fk->resource) == 0)
					other = p->res[j].schema;
			if (!other)
				continue;
			fk->ref_defs = kpix_xcalloc(fk->nfields, sizeof(*fk->ref_defs));
			for (size_t f = 0; f < fk->nfields; f++) {
				for (size_t c = 0; c < other->nfields && !fk->ref_defs[f]; c++)
					if (strcmp(other->fields[c].name, fk->ref_fields.items[f]) == 0)
						fk->ref_defs[f] = &other->fields[c];
				if (!fk->ref_defs[f])
					return kpix_fail(KPIX_ESCHEMA,
					                 "%s: a foreign key of the resource '%s' refers to the "
					                 "field '%s' of the resource '%s', which has no such field",
					                 p->path, p->res[i].name, fk->ref_fields.items[f],
					                 fk->resource);
			}
		}
	}
	return 0;
}

int kpix_package_load(kpix_package **out, const char *path)
{
	*out = NULL;
	kpix_error_clear();
	kpix_json_doc *doc;
	int rc = kpix_json_read(&doc, path, "data package");
	if (rc)
		return rc;
	kpix_package *p = kpix_xcalloc(1, sizeof(*p));
	p->path = kpix_xstrdup(path);
	const char *slash = strrchr(path, '/');
	p->dir = slash ? kpix_xstrndup(path, (size_t)(slash - path)) : kpix_xstrdup(".");
	const kpix_json *root = kpix_json_root(doc);
	const kpix_json *list = kpix_json_get(root, "resources");
	if (!kpix_json_is_object(root) || !kpix_json_is_array(list)) {
		rc = kpix_json_fail(doc, kpix_json_is_object(root) ? "resources" : "",
		                    "expected a Data Package: an object with a list of \"resources\"");
		goto fail;
	}
	size_t n = kpix_json_size(list);
	p->res = kpix_xcalloc(n ? n : 1, sizeof(*p->res));
	for (size_t i = 0; i < n; i++) {
		bool tabular;
		package_resource *r = &p->res[p->nres];
		rc = load_resource(p, doc, i, kpix_json_at(list, i), r, &tabular);
		if (rc) {
			resource_free(r);
			memset(r, 0, sizeof(*r));
			goto fail;
		}
		if (tabular)
			p->nres++;
		for (size_t k = 0; k + 1 < p->nres && tabular; k++)
			if (strcmp(p->res[k].name, r->name) == 0) {
				char at[48];
				snprintf(at, sizeof(at), "resources[%zu].name", i);
				rc = kpix_json_fail(doc, at, "a second resource named '%s'", r->name);
				goto fail;
			}
	}
	p->table = kpix_xcalloc(p->nres ? p->nres : 1, sizeof(*p->table));
	for (size_t i = 0; i < p->nres; i++)
		p->table[i] = p->res[i].res;
	for (size_t i = 0; i < p->nres; i++) {
		package_resource *r = &p->res[i];
		if ((rc = kpix_schema_load_json(&r->schema, r->schema_name, r->schema_text,
		                                r->schema_text ? strlen(r->schema_text) : 0,
		                                r->schema_dir, p->table, p->nres)))
			goto fail;
	}
	if ((rc = link_references(p)))
		goto fail;
	kpix_json_free(doc);
	*out = p;
	return 0;
fail:
	kpix_json_free(doc);
	kpix_package_free(p);
	return rc;
}

size_t kpix_package_count(const kpix_package *p)
{
	return p->nres;
}

const char *kpix_package_resource_name(const kpix_package *p, size_t i)
{
	return i < p->nres ? p->res[i].name : NULL;
}

const char *kpix_package_resource_path(const kpix_package *p, size_t i)
{
	return i < p->nres ? p->res[i].path : NULL;
}

const kpix_schema *kpix_package_resource_schema(const kpix_package *p, size_t i)
{
	return i < p->nres ? p->res[i].schema : NULL;
}

void kpix_package_resource_options(const kpix_package *p, size_t i, kpix_validate_options *opts)
{
	if (i >= p->nres)
		return;
	const kpix_source_options *o = &p->res[i].res.opts;
	if (p->res[i].encoding != KPIX_ENCODING_AUTO)
		opts->encoding = p->res[i].encoding;
	if (o->delimiter)
		opts->delimiter = o->delimiter;
	opts->quote_char = o->quote;
	opts->skip_initial_space = o->skip_initial_space;
	opts->header_rows = o->header_rows;
	opts->header_join = o->header_join;
	opts->no_header = o->no_header;
}

size_t kpix_package_skipped(const kpix_package *p, size_t i, const char **note)
{
	if (i < p->nskipped)
		*note = p->skipped[i];
	return p->nskipped;
}
