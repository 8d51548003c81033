/* schema.c - load a schema file into struct kpix_schema, refusing anything
 * malformed or unknown with the place (file, line, column, path) and what
 * was expected. */
#define _POSIX_C_SOURCE 200809L
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "period.h"
#include "schema_re.h"
#include "source.h"
#include "suggest.h"
#include "util.h"

#ifndef KPIX_SCHEMA_DIR
#define KPIX_SCHEMA_DIR "/usr/local/share/kpix/schemas"
#endif

#define FORMAT_MARKER "schema/1"

typedef struct {
	const kpix_json_doc *doc;
	kpix_schema *s;
	size_t ref_memory; /* what the reference files loaded so far keep in memory */
	bool plain;        /* a plain Table Schema (no "$kpix"): see check_keys */
	const kpix_schema_resource *res; /* a Data Package's resources, or NULL */
	size_t nres;
} loader;

/* The most paths of ignored properties a schema remembers. */
#define MAX_IGNORED 100

/* Whether key is a property that Data Package descriptors and published
 * Table Schemas commonly carry as metadata ("sources", "examples"): never
 * a slip, however near a keyword it is. */
static bool metadata_key(const char *key)
{
	static const char *const words[] = {
		"name",     "profile",  "licenses", "homepage",     "sources",      "keywords",
		"contributors", "created", "image", "resources",    "countryCode",  "lastModified",
		"path",     "schema",   "examples", "publisher",    "encoding",     "mediatype", NULL};
	for (size_t i = 0; words[i]; i++)
		if (strcmp(key, words[i]) == 0)
			return true;
	return false;
}

/* Checks the keys of obj, a Table Schema object (the schema, a field, its
 * constraints, a foreign key): each must be one of known, "$comment", or
 * a namespaced key ("ns:prop"), which Table Schema leaves to extensions.
 * In a schema with "$kpix" any other key is refused, as it always was. A
 * plain Table Schema "MAY contain any number of other properties": those
 * are accepted and their paths kept in s->ignored, unless a key is one of
 * misplaced (a keyword of another level, such as "required" on a field,
 * said with where it belongs) or a slip away from a known keyword ("did
 * you mean", unless it is common metadata: metadata_key), which are
 * errors as in kpix's own schemas. */
static int check_keys(loader *ld, const char *path, const kpix_json *obj,
                      const char *const *known, const char *const *misplaced,
                      const char *where)
{
	if (!ld->plain) {
		kpix_json_iter it = kpix_json_members(obj);
		const char *key;
		const kpix_json *v;
		bool namespaced = false;
		while (kpix_json_next(&it, &key, &v))
			namespaced = namespaced || strchr(key, ':');
		if (!namespaced)
			return kpix_json_only_keys(ld->doc, path, obj, known);
	}
	kpix_json_iter it = kpix_json_members(obj);
	const char *key;
	const kpix_json *v;
	size_t nknown = 0, nmis = 0;
	while (known[nknown])
		nknown++;
	while (misplaced && misplaced[nmis])
		nmis++;
	while (kpix_json_next(&it, &key, &v)) {
		bool ok = strcmp(key, "$comment") == 0 || strchr(key, ':');
		for (size_t i = 0; !ok && i < nknown; i++)
			ok = strcmp(key, known[i]) == 0;
		if (ok)
			continue;
		char *p = kpix_json_path(path, key);
		int rc = 0;
		kpix_buf list = KPIX_BUF_INIT, near = KPIX_BUF_INIT;
		for (size_t i = 0; i < nknown; i++)
			kpix_buf_printf(&list, "%s%s", i ? ", " : "", known[i]);
		bool moved = false;
		for (size_t i = 0; i < nmis && !moved; i++)
			moved = strcmp(key, misplaced[i]) == 0;
		if (!ld->plain) {
			kpix_suggest(&near, key, strlen(key), known, nknown);
			rc = near.len ? kpix_json_fail(ld->doc, p, "unknown keyword '%s'; did you mean %s? "
			                               "Expected one of: %s", key, near.data, list.data)
			              : kpix_json_fail(ld->doc, p, "unknown keyword '%s'; expected one of: %s",
			                               key, list.data);
		} else if (moved) {
			rc = kpix_json_fail(ld->doc, p, "'%s' belongs in %s, not here", key, where);
		} else if (!metadata_key(key) &&
		           (kpix_suggest(&near, key, strlen(key), known, nknown) ||
		            (misplaced && kpix_suggest(&near, key, strlen(key), misplaced, nmis)))) {
			rc = kpix_json_fail(ld->doc, p,
			                    "unknown keyword '%s'; did you mean %s? (kpix leaves alone a "
			                    "property it does not know, but this one looks like a slip; a "
			                    "property of your own may be written 'prefix:%s')",
			                    key, near.data, key);
		} else if (ld->s->ignored.n < MAX_IGNORED) {
			ld->s->ignored.items = kpix_xrealloc(ld->s->ignored.items,
			                                     (ld->s->ignored.n + 2) * sizeof(char *));
			ld->s->ignored.items[ld->s->ignored.n++] = p;
			ld->s->ignored.items[ld->s->ignored.n] = NULL;
			p = NULL;
		}
		free(p);
		kpix_buf_free(&list);
		kpix_buf_free(&near);
		if (rc)
			return rc;
	}
	return 0;
}

/* A title or a description: a string, or (as some Table Schemas write
 * them in several languages) an object of strings, of which the "en" one
 * or else the first is taken. */
static int get_text(loader *ld, const char *path, const kpix_json *obj, const char *key,
                    char **out)
{
	const kpix_json *v = kpix_json_get(obj, key);
	if (!v || kpix_json_is_string(v))
		return kpix_json_get_str(ld->doc, path, obj, key, out, false);
	if (kpix_json_is_object(v)) {
		const kpix_json *en = kpix_json_get(v, "en");
		kpix_json_iter it = kpix_json_members(v);
		const char *k;
		const kpix_json *m;
		if (!kpix_json_is_string(en))
			for (en = NULL; !en && kpix_json_next(&it, &k, &m);)
				en = kpix_json_is_string(m) ? m : NULL;
		if (en) {
			*out = kpix_xstrdup(kpix_json_string(en));
			return 0;
		}
	}
	char *p = kpix_json_path(path, key);
	int rc = kpix_json_fail(ld->doc, p, "expected a string (or an object of strings by language)");
	free(p);
	return rc;
}

/* missingValues: a list of strings, or (Table Schema 2) of objects
 * {"value": ..., "label": ...}, of which the values are kept. */
static int get_missing(loader *ld, const char *path, const kpix_json *obj, kpix_strlist *out)
{
	const kpix_json *v = kpix_json_get(obj, "missingValues");
	bool objects = false;
	size_t i;
	const kpix_json *item;
	if (kpix_json_is_array(v))
		kpix_json_array_foreach(v, i, item)
			objects = objects || kpix_json_is_object(item);
	if (!objects)
		return kpix_json_get_strlist(ld->doc, path, obj, "missingValues", out, false, NULL);
	out->items = kpix_xcalloc(kpix_json_size(v) + 1, sizeof(char *));
	kpix_json_array_foreach(v, i, item) {
		const kpix_json *value = kpix_json_is_object(item) ? kpix_json_get(item, "value") : item;
		if (!kpix_json_is_string(value)) {
			char *p = kpix_xasprintf("%s%smissingValues[%zu]", path, *path ? "." : "", i);
			int rc = kpix_json_fail(ld->doc, p, "expected a string or {\"value\": \"...\", "
			                                    "\"label\": \"...\"}");
			free(p);
			kpix_strlist_free(out);
			return rc;
		}
		out->items[out->n++] = kpix_xstrdup(kpix_json_string(value));
	}
	return 0;
}

static void strlist_copy(kpix_strlist *dst, const kpix_strlist *src)
{
	dst->n = src->n;
	dst->items = kpix_xcalloc(src->n + 1, sizeof(char *));
	for (size_t i = 0; i < src->n; i++)
		dst->items[i] = kpix_xstrdup(src->items[i]);
}

static long field_index(const kpix_schema *s, const char *name)
{
	return kpix_scope_field(&s->scope, name, strlen(name));
}

/* Reads the member key of obj naming a field: *out is the field's index,
 * left as it is when there is no such member. */
static int get_field(loader *ld, const kpix_json *obj, const char *key, long *out)
{
	char *name = NULL;
	int rc = kpix_json_get_str(ld->doc, "", obj, key, &name, false);
	if (rc || !name)
		return rc;
	*out = field_index(ld->s, name);
	free(name);
	return *out < 0 ? kpix_json_fail(ld->doc, key, "not one of the schema's fields") : 0;
}

/* Resolves a list of field names to indexes. */
static int resolve_fields(loader *ld, const char *path, const kpix_strlist *names, size_t **out)
{
	*out = kpix_xcalloc(names->n ? names->n : 1, sizeof(size_t));
	for (size_t i = 0; i < names->n; i++) {
		long f = field_index(ld->s, names->items[i]);
		if (f < 0)
			return kpix_json_fail(ld->doc, path, "'%s' is not one of the schema's fields", names->items[i]);
		(*out)[i] = (size_t)f;
	}
	return 0;
}

/* ---------------------------------------------------------------- fields */

/* The names of the types, in the order of kpix_type. */
static const char *const type_names[] = {
	"string", "integer", "number",   "boolean",  "date",    "year",   "yearmonth", "any",
	"time",   "datetime", "duration", "geopoint", "geojson", "object", "array",     NULL};

const char *kpix_type_name(kpix_type t)
{
	return t <= KPIX_T_LAST ? type_names[t] : "string";
}


/* Reads a bound (minimum or maximum) in the field's own terms. */
static int read_bound(loader *ld, const char *path, kpix_field *f, const kpix_json *v, double *out,
                      char **text)
{
	char buf[32];
	if (kpix_json_is_number(v)) {
		if (f->type != KPIX_T_INTEGER && f->type != KPIX_T_NUMBER && f->type != KPIX_T_YEAR)
			return kpix_json_fail(ld->doc, path, "expected a %s as text, as the field is of type %s",
			           kpix_type_name(f->type), kpix_type_name(f->type));
		*out = kpix_json_number(v);
		kpix_format_number(*out, buf);
		*text = kpix_xstrdup(buf);
		return 0;
	}
	if (!kpix_json_is_string(v))
		return kpix_json_fail(ld->doc, path, "expected a number or a string");
	const char *s = kpix_json_string(v);
	size_t n = strlen(s);
	static const kpix_numfmt plain = KPIX_NUMFMT_INIT;
	int ok = -1;
	switch (f->type) {
	case KPIX_T_INTEGER: {
		int64_t i;
		ok = kpix_cast_integer(s, n, &plain, &i);
		*out = (double)i;
		break;
	}
	case KPIX_T_NUMBER:
		ok = kpix_cast_number(s, n, &plain, out);
		break;
	case KPIX_T_DATE: {
		kpix_date d;
		ok = kpix_cast_date(s, n, NULL, &d);
		if (ok != 0 && f->format)
			ok = kpix_cast_date(s, n, f->format, &d);
		*out = d;
		break;
	}
	case KPIX_T_YEAR: {
		int32_t y;
		ok = kpix_cast_year(s, n, &y);
		*out = y;
		break;
	}
	case KPIX_T_YEARMONTH: {
		int32_t ym;
		ok = kpix_cast_yearmonth(s, n, &ym);
		*out = ym;
		break;
	}
	case KPIX_T_TIME:
		ok = kpix_cast_time(s, n, NULL, out);
		if (ok != 0 && f->format)
			ok = kpix_cast_time(s, n, f->format, out);
		break;
	case KPIX_T_DATETIME:
		ok = kpix_cast_datetime(s, n, NULL, out);
		if (ok != 0 && f->format)
			ok = kpix_cast_datetime(s, n, f->format, out);
		break;
	default:
		return kpix_json_fail(ld->doc, path, "minimum and maximum apply to numbers and dates, not to a %s",
		           kpix_type_name(f->type));
	}
	if (ok != 0)
		return kpix_json_fail(ld->doc, path, "'%s' is not a valid %s", s, kpix_type_name(f->type));
	*text = kpix_xstrdup(s);
	return 0;
}

static int char_option(loader *ld, const char *path, const kpix_json *fj, const char *key, char *out)
{
	const kpix_json *v = kpix_json_get(fj, key);
	if (!v)
		return 0;
	if (!kpix_json_is_string(v) || kpix_json_string_len(v) > 1) {
		char *p = kpix_json_path(path, key);
		int rc = kpix_json_fail(ld->doc, p, "expected a single character (or \"\" for none)");
		free(p);
		return rc;
	}
	*out = kpix_json_string(v)[0];
	return 0;
}

/* The enum's values as numbers, for a numeric field. */
static int enum_numbers(loader *ld, const char *path, kpix_field *f)
{
	if (f->type != KPIX_T_INTEGER && f->type != KPIX_T_NUMBER)
		return 0;
	free(f->enum_num);
	f->enum_num = kpix_xcalloc(f->enum_text.n ? f->enum_text.n : 1, sizeof(double));
	for (size_t i = 0; i < f->enum_text.n; i++) {
		const char *t = f->enum_text.items[i];
		if (kpix_cast_number(t, strlen(t), &f->numfmt, &f->enum_num[i]) != 0) {
			char *p = kpix_xasprintf("%s[%zu]", path, i);
			int rc = kpix_json_fail(ld->doc, p, "'%s' is not a number, but the field is", t);
			free(p);
			return rc;
		}
	}
	return 0;
}

static int load_constraints(loader *ld, const char *path, const kpix_json *c, kpix_field *f)
{
	static const char *const keys[] = {"required", "unique", "minimum", "maximum", "minLength",
	                                   "maxLength", "pattern", "enum", "exclusiveMinimum",
	                                   "exclusiveMaximum", NULL};
	int rc;
	if (!kpix_json_is_object(c))
		return kpix_json_fail(ld->doc, path, "expected an object of constraints");
	if ((rc = check_keys(ld, path, c, keys, NULL, NULL)) || (rc = kpix_json_get_bool(ld->doc, path, c, "required", &f->required)) ||
	    (rc = kpix_json_get_bool(ld->doc, path, c, "unique", &f->unique)))
		return rc;
	const char *bounds[4] = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"};
	for (int k = 0; k < 4; k++) {
		const kpix_json *v = kpix_json_get(c, bounds[k]);
		int b = k % 2;
		bool exclusive = k >= 2;
		if (!v)
			continue;
		char *p = kpix_json_path(path, bounds[k]);
		double bound;
		char *text = NULL;
		rc = read_bound(ld, p, f, v, &bound, &text);
		free(p);
		if (rc)
			return rc;
		/* with both an inclusive and an exclusive bound, the stricter holds */
		bool *has = b ? &f->has_maximum : &f->has_minimum;
		double *cur = b ? &f->maximum : &f->minimum;
		bool stricter = !*has || (b ? bound < *cur : bound > *cur) || (bound == *cur && exclusive);
		if (stricter) {
			*has = true;
			*cur = bound;
			*(b ? &f->max_exclusive : &f->min_exclusive) = exclusive;
			char **t = b ? &f->maximum_text : &f->minimum_text;
			free(*t);
			*t = text;
		} else {
			free(text);
		}
	}
	const char *lens[2] = {"minLength", "maxLength"};
	for (int b = 0; b < 2; b++) {
		const kpix_json *v = kpix_json_get(c, lens[b]);
		if (!v)
			continue;
		if (!kpix_json_is_integer(v) || kpix_json_integer(v) < 0) {
			char *p = kpix_json_path(path, lens[b]);
			rc = kpix_json_fail(ld->doc, p, "expected a whole number of characters, 0 or more");
			free(p);
			return rc;
		}
		*(b ? &f->max_length : &f->min_length) = kpix_json_integer(v);
	}
	if ((rc = kpix_json_get_str(ld->doc, path, c, "pattern", &f->pattern, false)))
		return rc;
	if (f->pattern) {
		int err;
		PCRE2_SIZE off;
		pcre2_code *code = pcre2_compile((PCRE2_SPTR)f->pattern, PCRE2_ZERO_TERMINATED,
		                                 PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err,
		                                 &off, NULL);
		if (!code) {
			PCRE2_UCHAR msg[200];
			pcre2_get_error_message(err, msg, sizeof(msg));
			char *p = kpix_json_path(path, "pattern");
			rc = kpix_json_fail(ld->doc, p, "the pattern does not compile: %s at character %zu", (char *)msg,
			         (size_t)off + 1);
			free(p);
			return rc;
		}
		f->re = kpix_xcalloc(1, sizeof(*f->re));
		f->re->code = code;
		f->re->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	}
	if ((rc = kpix_json_get_strlist(ld->doc, path, c, "enum", &f->enum_text, false, kpix_format_number)))
		return rc;
	if (kpix_json_get(c, "enum")) {
		char *p = kpix_json_path(path, "enum");
		rc = enum_numbers(ld, p, f);
		free(p);
	}
	return rc;
}

/* Table Schema 2's categories: a list of values, or of objects
 * {"value": ..., "label": ...}; a cell must hold one of the values, as
 * with an enum (with both, one that is in both). */
static int load_categories(loader *ld, const char *path, const kpix_json *fj, kpix_field *f)
{
	const kpix_json *cats = kpix_json_get(fj, "categories");
	if (!cats)
		return 0;
	char *p = kpix_json_path(path, "categories");
	int rc = 0;
	if (!kpix_json_is_array(cats) || kpix_json_size(cats) == 0) {
		rc = kpix_json_fail(ld->doc, p, "expected a list of values, or of {\"value\": ..., "
		                                "\"label\": ...}");
		free(p);
		return rc;
	}
	kpix_strlist values = {kpix_xcalloc(kpix_json_size(cats) + 1, sizeof(char *)), 0};
	size_t i;
	const kpix_json *item;
	kpix_json_array_foreach(cats, i, item) {
		const kpix_json *v = kpix_json_is_object(item) ? kpix_json_get(item, "value") : item;
		char num[32];
		if (kpix_json_is_string(v)) {
			values.items[values.n++] = kpix_xstrdup(kpix_json_string(v));
		} else if (kpix_json_is_number(v)) {
			kpix_format_number(kpix_json_number(v), num);
			values.items[values.n++] = kpix_xstrdup(num);
		} else {
			char *ip = kpix_xasprintf("%s[%zu]", p, i);
			rc = kpix_json_fail(ld->doc, ip, "expected a string or a number, or an object with "
			                                 "one as its \"value\"");
			free(ip);
			goto out;
		}
	}
	if (kpix_json_get(kpix_json_get(fj, "constraints"), "enum")) {
		/* keep the enum's values that are categories too */
		size_t kept = 0;
		for (size_t a = 0; a < f->enum_text.n; a++) {
			bool in = false;
			for (size_t b = 0; b < values.n && !in; b++)
				in = strcmp(f->enum_text.items[a], values.items[b]) == 0;
			if (in)
				f->enum_text.items[kept++] = f->enum_text.items[a];
			else
				free(f->enum_text.items[a]);
		}
		f->enum_text.n = kept;
		f->enum_text.items[kept] = NULL;
		kpix_strlist_free(&values);
	} else {
		f->enum_text = values;
		values = (kpix_strlist){0};
	}
	rc = enum_numbers(ld, p, f);
out:
	kpix_strlist_free(&values);
	free(p);
	return rc;
}

/* The field's "format", checked for its type and kept in f. */
static int load_format(loader *ld, const char *path, kpix_field *f, char *format)
{
	static const char *const strfmts[] = {"default", "email", "uri", "uuid", "binary", NULL};
	char *p = kpix_json_path(path, "format");
	const char *why = NULL;
	int rc = 0;
	/* Table Schema 1.0-rc wrote a date pattern as "fmt:%d/%m/%Y" */
	const char *pattern = strncmp(format, "fmt:", 4) == 0 ? format + 4 : format;
	switch (f->type) {
	case KPIX_T_STRING:
		for (int i = 0; strfmts[i]; i++)
			if (strcmp(format, strfmts[i]) == 0)
				f->strfmt = (kpix_strfmt)i;
		if (f->strfmt == KPIX_STR_DEFAULT && strcmp(format, "default") != 0)
			rc = kpix_json_fail(ld->doc, p, "kpix does not know the string format '%s'; expected "
			                                "default, email, uri, uuid or binary", format);
		break;
	case KPIX_T_DATE:
	case KPIX_T_TIME:
	case KPIX_T_DATETIME: {
		kpix_stamp_kind kind = f->type == KPIX_T_DATE ? KPIX_STAMP_DATE
		                       : f->type == KPIX_T_TIME ? KPIX_STAMP_TIME : KPIX_STAMP_DATETIME;
		if (kpix_stamp_format_check(pattern, kind, &why) != 0)
			rc = kpix_json_fail(ld->doc, p, "the %s format '%s' is not one kpix reads: %s",
			                    kpix_type_name(f->type), format, why ? why : "unsupported");
		else
			f->format = kpix_xstrdup(pattern);
		break;
	}
	case KPIX_T_GEOPOINT:
		if (strcmp(format, "array") != 0 && strcmp(format, "object") != 0)
			rc = kpix_json_fail(ld->doc, p, "expected the geopoint format default, array or object");
		else
			f->format = kpix_xstrdup(format);
		break;
	case KPIX_T_GEOJSON:
		if (strcmp(format, "topojson") != 0)
			rc = kpix_json_fail(ld->doc, p, "expected the geojson format default or topojson");
		else
			f->format = kpix_xstrdup(format);
		break;
	default:
		rc = kpix_json_fail(ld->doc, p, "kpix does not check the format '%s' of a %s field", format,
		                    kpix_type_name(f->type));
	}
	free(p);
	return rc;
}

/* Reads the field described by fj; named by its "name", or, when name is
 * not NULL, by name (a data point's value, which has no "name" of its
 * own). */
static int load_field(loader *ld, const char *path, const kpix_json *fj, kpix_field *f,
                      const char *name)
{
	static const char *const keys[] = {"name",        "title",       "description", "example",
	                                   "type",        "format",      "decimalChar", "groupChar",
	                                   "bareNumber",  "trueValues",  "falseValues", "missingValues",
	                                   "constraints", "rdfType",     "categories",
	                                   "categoriesOrdered", NULL};
	static const char *const constraint_keys[] = {"required",  "unique",  "minimum",
	                                              "maximum",   "minLength", "maxLength",
	                                              "pattern",   "enum",    "exclusiveMinimum",
	                                              "exclusiveMaximum", NULL};
	int rc;
	f->min_length = f->max_length = -1;
	f->numfmt = (kpix_numfmt)KPIX_NUMFMT_INIT;
	f->numfmt.special = ld->plain;
	if (name)
		f->name = kpix_xstrdup(name);
	if (!kpix_json_is_object(fj))
		return kpix_json_fail(ld->doc, path, "expected an object describing a field");
	if ((rc = check_keys(ld, path, fj, name ? keys + 1 : keys, constraint_keys,
	                     "\"constraints\"")) ||
	    (!name && (rc = kpix_json_get_str(ld->doc, path, fj, "name", &f->name, true))) ||
	    (rc = get_text(ld, path, fj, "title", &f->title)) ||
	    (rc = get_text(ld, path, fj, "description", &f->description)))
		return rc;
	char *rdf = NULL;
	if ((rc = kpix_json_get_str(ld->doc, path, fj, "rdfType", &rdf, false)))
		return rc;
	free(rdf);
	bool ordered = false;
	if ((rc = kpix_json_get_bool(ld->doc, path, fj, "categoriesOrdered", &ordered)))
		return rc;
	const kpix_json *ex = kpix_json_get(fj, "example");
	if (ex && kpix_json_is_string(ex))
		f->example = kpix_xstrdup(kpix_json_string(ex));
	else if (ex && kpix_json_is_number(ex)) {
		char num[32];
		kpix_format_number(kpix_json_number(ex), num);
		f->example = kpix_xstrdup(num);
	}
	int type = KPIX_T_STRING;
	if ((rc = kpix_json_get_one_of(ld->doc, path, fj, "type", type_names,
	                               "one of: string, integer, number, boolean, date, year, "
	                               "yearmonth, any, time, datetime, duration, geopoint, "
	                               "geojson, object, array",
	                               false, &type)))
		return rc;
	f->type = (kpix_type)type;
	char *format = NULL;
	if ((rc = kpix_json_get_str(ld->doc, path, fj, "format", &format, false)))
		return rc;
	if (format && strcmp(format, "default") != 0)
		rc = load_format(ld, path, f, format);
	free(format);
	if (rc)
		return rc;
	if ((rc = char_option(ld, path, fj, "decimalChar", &f->numfmt.decimal_char)) ||
	    (rc = char_option(ld, path, fj, "groupChar", &f->numfmt.group_char)) ||
	    (rc = kpix_json_get_bool(ld->doc, path, fj, "bareNumber", &f->numfmt.bare_number)))
		return rc;
	if (!f->numfmt.decimal_char)
		f->numfmt.decimal_char = '.';
	if (f->numfmt.decimal_char == f->numfmt.group_char) {
		return kpix_json_fail(ld->doc, path, "decimalChar and groupChar are both '%c'", f->numfmt.decimal_char);
	}
	if ((rc = kpix_json_get_strlist(ld->doc, path, fj, "trueValues", &f->true_values, false, NULL)) ||
	    (rc = kpix_json_get_strlist(ld->doc, path, fj, "falseValues", &f->false_values, false, NULL)))
		return rc;
	if (kpix_json_get(fj, "missingValues")) {
		if ((rc = get_missing(ld, path, fj, &f->missing)))
			return rc;
	} else {
		strlist_copy(&f->missing, &ld->s->missing);
	}
	for (size_t i = 0; i < f->missing.n; i++) {
		size_t n = strlen(f->missing.items[i]);
		f->missing_empty = f->missing_empty || n == 0;
		if (n > f->missing_maxlen)
			f->missing_maxlen = n;
	}
	const kpix_json *c = kpix_json_get(fj, "constraints");
	if (c) {
		char *p = kpix_json_path(path, "constraints");
		rc = load_constraints(ld, p, c, f);
		free(p);
		if (rc)
			return rc;
	}
	return load_categories(ld, path, fj, f);
}

/* ------------------------------------------------------------- references */

static void join_key(kpix_buf *b, const char *const *parts, const size_t *lens, size_t n)
{
	kpix_buf_clear(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			kpix_buf_addc(b, '\x1f');
		kpix_buf_add(b, parts[i], lens[i]);
	}
}

/* The most memory the values of a schema's reference files may take
 * together, as kpix_keyset_memory counts it: each value's bytes and 10
 * more, rounded up to 8, and its place in the index (docs/limits.md). */
#define REF_MAX_MEMORY ((size_t)128 << 20)

typedef struct {
	loader *ld;
	kpix_fkey *fk;
	long *cols;
	bool header_done;
	kpix_buf key;
	int rc;
	const char *path;
	char *unreadable; /* the source-error that stopped the reading, if any */
} refload;

/* A reference file that kpix could open but not read as a table (a legacy
 * .xls workbook, a damaged one, a PDF) is a schema that cannot be used,
 * not a file of no values that every row then fails. */
static void ref_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row,
                        uint32_t column, const char *value, const char *message)
{
	refload *r = ctx;
	(void)sev, (void)row, (void)column, (void)value;
	if (strcmp(code, "source-error") == 0 && !r->unreadable)
		r->unreadable = kpix_xstrdup(message);
}

static int ref_record(void *ctx, const kpix_record *rec)
{
	refload *r = ctx;
	if (!r->header_done) {
		r->header_done = true;
		for (size_t i = 0; i < r->fk->ref_fields.n; i++) {
			r->cols[i] = -1;
			for (size_t c = 0; c < rec->ncells; c++)
				if (strcmp(rec->cells[c].data, r->fk->ref_fields.items[i]) == 0)
					r->cols[i] = (long)c;
			if (r->cols[i] < 0) {
				r->rc = kpix_json_fail(r->ld->doc, r->path, "the reference file '%s' has no column '%s'",
				            r->fk->resource, r->fk->ref_fields.items[i]);
				return 1;
			}
		}
		return 0;
	}
	const char *parts[16];
	size_t lens[16];
	for (size_t i = 0; i < r->fk->ref_fields.n; i++) {
		long c = r->cols[i];
		parts[i] = c < (long)rec->ncells ? rec->cells[c].data : "";
		lens[i] = c < (long)rec->ncells ? rec->cells[c].len : 0;
	}
	join_key(&r->key, parts, lens, r->fk->ref_fields.n);
	bool added;
	kpix_keyset_upsert(r->fk->values, r->key.data, r->key.len, &added);
	if (added && r->ld->ref_memory + kpix_keyset_memory(r->fk->values) > REF_MAX_MEMORY) {
		r->rc = kpix_json_fail(r->ld->doc, r->path,
		                       "the reference file '%s' holds more values than kpix keeps in "
		                       "memory: by row %llu its %zu different values, with those of the "
		                       "schema's other reference files, take more than %zu MiB; keep in "
		                       "the file only the values the data may name",
		                       r->fk->resource, (unsigned long long)rec->row,
		                       kpix_keyset_size(r->fk->values), REF_MAX_MEMORY >> 20);
		return 1;
	}
	return 0;
}

/* The resource of the package that a reference names, or NULL after
 * saying which names there are. */
static const kpix_schema_resource *package_resource(loader *ld, const char *path, kpix_fkey *fk)
{
	for (size_t i = 0; i < ld->nres; i++)
		if (strcmp(ld->res[i].name, fk->resource) == 0) {
			if (ld->res[i].opts.no_header) {
				kpix_json_fail(ld->doc, path, "the resource '%s' has no header row: kpix reads "
				               "the values a foreign key refers to only from a file whose "
				               "header names its columns", fk->resource);
				return NULL;
			}
			return &ld->res[i];
		}
	kpix_buf names = KPIX_BUF_INIT;
	for (size_t i = 0; i < ld->nres; i++)
		kpix_buf_printf(&names, "%s'%s'", i ? ", " : "", ld->res[i].name);
	kpix_json_fail(ld->doc, path, "the package has no resource named '%s'; its tabular resources "
	               "are %s", fk->resource, names.data ? names.data : "none");
	kpix_buf_free(&names);
	return NULL;
}

static int load_ref_file(loader *ld, const char *path, kpix_fkey *fk)
{
	const kpix_schema_resource *pr = NULL;
	if (ld->res && !(pr = package_resource(ld, path, fk)))
		return KPIX_ESCHEMA;
	/* beside the file the foreign key is written in: a base's, when a
	 * schema extends it (extends.h); else in the schema's directory */
	const char *in = kpix_json_written_in(ld->doc, path);
	const char *slash = strrchr(in, '/');
	bool from_base = strcmp(in, ld->s->path) != 0;
	const char *file = fk->file =
	        pr                            ? kpix_xstrdup(pr->path)
	        : fk->resource[0] == '/'      ? kpix_xstrdup(fk->resource)
	        : from_base && slash          ? kpix_xasprintf("%.*s/%s", (int)(slash - in), in, fk->resource)
	        : from_base                   ? kpix_xasprintf("./%s", fk->resource)
	                                      : kpix_xasprintf("%s/%s", ld->s->dir, fk->resource);
	refload r = {ld, fk, kpix_xcalloc(fk->ref_fields.n, sizeof(long)), false, KPIX_BUF_INIT, 0,
	             path, NULL};
	kpix_source_handler h = {ref_record, ref_problem, &r};
	/* a device or a pipe (/dev/zero, say) could be read for ever */
	struct stat sb;
	const char *kind = stat(file, &sb) == 0 ? kpix_odd_file_kind(sb.st_mode) : NULL;
	int rc;
	if (kind)
		rc = kpix_json_fail(ld->doc, path, "the reference file '%s' is %s, not a regular file: kpix reads "
		                   "reference values only from a CSV file or a workbook",
		         fk->resource, kind);
	else if ((rc = kpix_source_read_file(file, pr ? &pr->opts : NULL, &h)) != 0)
		rc = kpix_json_fail(ld->doc, path, "cannot read the reference file: %s", kpix_error_last());
	else if (!r.rc && r.unreadable)
		rc = kpix_json_fail(ld->doc, path, "the reference file '%s' cannot be read: %s",
		                    fk->resource, r.unreadable);
	else
		rc = r.rc;
	free(r.unreadable);
	ld->ref_memory += kpix_keyset_memory(fk->values);
	free(r.cols);
	kpix_buf_free(&r.key);
	return rc;
}

/* Adds a copy of s to the NULL-ended list l. */
static void strlist_add(kpix_strlist *l, const char *s)
{
	l->items = kpix_xrealloc(l->items, (l->n + 2) * sizeof(char *));
	l->items[l->n++] = kpix_xstrdup(s);
	l->items[l->n] = NULL;
}

static int load_ref_list(loader *ld, const char *path, const kpix_json *lists, kpix_fkey *fk)
{
	const kpix_json *list = lists ? kpix_json_get(lists, fk->resource + 1) : NULL;
	if (!list || !kpix_json_is_array(list))
		return kpix_json_fail(ld->doc, path, "there is no list '%s' under \"lists\"", fk->resource + 1);
	kpix_buf key = KPIX_BUF_INIT;
	size_t i;
	const kpix_json *item;
	int rc = 0;
	kpix_json_array_foreach(list, i, item) {
		const char *parts[16];
		size_t lens[16];
		char nums[16][32];
		for (size_t k = 0; k < fk->ref_fields.n; k++) {
			const kpix_json *v = kpix_json_is_object(item) ? kpix_json_get(item, fk->ref_fields.items[k]) : NULL;
			if (v && kpix_json_is_string(v)) {
				parts[k] = kpix_json_string(v);
			} else if (v && kpix_json_is_number(v)) {
				kpix_format_number(kpix_json_number(v), nums[k]);
				parts[k] = nums[k];
			} else {
				char *p = kpix_xasprintf("lists.%s[%zu]", fk->resource + 1, i);
				rc = kpix_json_fail(ld->doc, p, "expected an object with a string '%s'", fk->ref_fields.items[k]);
				free(p);
				goto done;
			}
			lens[k] = strlen(parts[k]);
		}
		join_key(&key, parts, lens, fk->ref_fields.n);
		bool added;
		kpix_keyset_upsert(fk->values, key.data, key.len, &added);
		if (added && fk->ref_fields.n == 1)
			strlist_add(&fk->choices, parts[0]);
	}
done:
	kpix_buf_free(&key);
	return rc;
}

static int load_fkey(loader *ld, const char *path, const kpix_json *j, const kpix_json *lists, kpix_fkey *fk)
{
	static const char *const keys[] = {"fields", "reference", NULL};
	static const char *const refkeys[] = {"resource", "fields", NULL};
	int rc;
	kpix_strlist names = {0};
	if (!kpix_json_is_object(j))
		return kpix_json_fail(ld->doc, path, "expected an object with \"fields\" and \"reference\"");
	if ((rc = check_keys(ld, path, j, keys, NULL, NULL)) ||
	    (rc = kpix_json_get_strlist(ld->doc, path, j, "fields", &names, true, NULL)))
		return rc;
	rc = resolve_fields(ld, path, &names, &fk->fields);
	fk->nfields = names.n;
	kpix_strlist_free(&names);
	if (rc)
		return rc;
	if (fk->nfields == 0 || fk->nfields > 16)
		return kpix_json_fail(ld->doc, path, "a foreign key needs between 1 and 16 fields");
	const kpix_json *ref = kpix_json_get(j, "reference");
	char *rp = kpix_json_path(path, "reference");
	if (!ref || !kpix_json_is_object(ref)) {
		rc = kpix_json_fail(ld->doc, path, "expected \"reference\": {\"resource\": ..., \"fields\": ...}");
		goto out;
	}
	if ((rc = check_keys(ld, rp, ref, refkeys, NULL, NULL)) ||
	    (rc = kpix_json_get_str(ld->doc, rp, ref, "resource", &fk->resource, false)) ||
	    (rc = kpix_json_get_strlist(ld->doc, rp, ref, "fields", &fk->ref_fields, true, NULL)))
		goto out;
	if (!fk->resource)
		fk->resource = kpix_xstrdup("");
	if (fk->ref_fields.n != fk->nfields) {
		rc = kpix_json_fail(ld->doc, rp, "the reference names %zu fields but the key has %zu", fk->ref_fields.n,
		         fk->nfields);
		goto out;
	}
	if (fk->resource[0] == '\0') {
		fk->kind = KPIX_REF_SELF;
		rc = resolve_fields(ld, rp, &fk->ref_fields, &fk->ref_self);
		fk->describe = kpix_xasprintf("a value of %s elsewhere in this table",
		                              fk->ref_fields.items[0]);
		goto out;
	}
	fk->values = kpix_keyset_new();
	if (strcmp(fk->resource, "#indicators") == 0) {
		fk->kind = KPIX_REF_CATALOGUE;
		if (fk->nfields != 1 || strcmp(fk->ref_fields.items[0], "code") != 0) {
			rc = kpix_json_fail(ld->doc, rp, "a reference to #indicators must name the one field \"code\"");
			goto out;
		}
		fk->describe = kpix_xstrdup("an indicator code in the schema's catalogue");
		/* filled once the catalogue is loaded */
	} else if (fk->resource[0] == '#') {
		fk->kind = KPIX_REF_LIST;
		rc = load_ref_list(ld, rp, lists, fk);
		fk->describe = kpix_xasprintf("a %s in the list '%s'", fk->ref_fields.items[0],
		                              fk->resource + 1);
	} else {
		fk->kind = KPIX_REF_FILE;
		rc = load_ref_file(ld, rp, fk);
		fk->describe = kpix_xasprintf("a %s listed in %s", fk->ref_fields.items[0], fk->resource);
	}
out:
	free(rp);
	return rc;
}

/* ------------------------------------------------------------- catalogue */

static void field_free(kpix_field *f);

const char *const kpix_polarity_words[] = {"none", "higher", "lower", NULL};

/* An indicator's "from": the quarter (or the year, from its Q1) it is first
 * due in; before it, completeness does not ask for it (period.h). */
static int load_from(loader *ld, const char *path, const kpix_json *j, kpix_indicator *ind)
{
	ind->from_index = -1;
	int rc = kpix_json_get_str(ld->doc, path, j, "from", &ind->from, false);
	if (rc || !ind->from)
		return rc;
	kpix_period p;
	if (kpix_period_parse(&p, ind->from, strlen(ind->from), KPIX_PERIOD_ANY) != 0) {
		char *fp = kpix_json_path(path, "from");
		rc = kpix_json_fail(ld->doc, fp,
		                    "expected the first period the indicator is due in, a financial "
		                    "year and quarter such as \"2025-26 Q1\" or a year such as "
		                    "\"2025-26\"");
		free(fp);
		return rc;
	}
	if (p.quarter == 0)
		p.quarter = 1;
	ind->from_index = kpix_period_index(&p);
	return 0;
}

static int load_indicator(loader *ld, const char *path, const kpix_json *j, kpix_indicator *ind)
{
	static const char *const keys[] = {"code",  "part", "title",      "description", "unit",
	                                   "decimals", "polarity", "frequency",   "dueIn",
	                                   "derivation", "min",    "max",         "breakdowns",
	                                   "target", "source",     "section",     "question",
	                                   "dataPoint", "value",   "calculate",   "appliesWhen",
	                                   "optional", "rag", "from", NULL};
	static const char *const dkeys[] = {"numerator", "denominator", "multiplier", NULL};
	static const char *const units[] = {"percent", "per1000", "count", "days", "money",
	                                    "ratio",   "score",   NULL};
	static const char *const frequencies[] = {"quarterly", "biannual", "annual", "monthly",
	                                          NULL};
	int rc;
	if (!kpix_json_is_object(j))
		return kpix_json_fail(ld->doc, path, "expected an object describing an indicator");
	char *pol = NULL;
	if ((rc = kpix_json_only_keys(ld->doc, path, j, keys)) || (rc = kpix_json_get_str(ld->doc, path, j, "code", &ind->code, true)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "part", &ind->part, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "title", &ind->title, true)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "description", &ind->description, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "unit", &ind->unit, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "frequency", &ind->frequency, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "source", &ind->source, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "polarity", &pol, false)) ||
	    (rc = kpix_json_get_strlist(ld->doc, path, j, "dueIn", &ind->due_in, false, NULL)) ||
	    (rc = kpix_json_get_strlist(ld->doc, path, j, "breakdowns", &ind->breakdowns, false, NULL)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "section", &ind->section, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "question", &ind->question, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "dataPoint", &ind->data_point, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "calculate", &ind->calculate_src, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "appliesWhen", &ind->applies_src, false)) ||
	    (rc = kpix_json_get_bool(ld->doc, path, j, "optional", &ind->optional)) ||
	    (rc = load_from(ld, path, j, ind)))
		goto out;
	const kpix_json *value = kpix_json_get(j, "value");
	if (value) {
		char *p = kpix_json_path(path, "value");
		ind->value = kpix_xcalloc(1, sizeof(kpix_field));
		rc = load_field(ld, p, value, ind->value, ind->code);
		free(p);
		if (rc)
			goto out;
	}
	int polarity = KPIX_POL_NONE;
	if ((ind->unit && (rc = kpix_json_one_of(ld->doc, path, "unit", ind->unit, units,
	                                         "one of: percent, per1000, count, days, money, "
	                                         "ratio, score",
	                                         NULL))) ||
	    (ind->frequency &&
	     (rc = kpix_json_one_of(ld->doc, path, "frequency", ind->frequency, frequencies,
	                            "quarterly, biannual, annual or monthly", NULL))) ||
	    (pol && (rc = kpix_json_one_of(ld->doc, path, "polarity", pol, kpix_polarity_words,
	                                   "higher, lower or none", &polarity))))
		goto out;
	ind->polarity = (kpix_polarity)polarity;
	const kpix_json *dec = kpix_json_get(j, "decimals");
	if (dec && (!kpix_json_is_integer(dec) || kpix_json_integer(dec) < 0 || kpix_json_integer(dec) > 10)) {
		char *p = kpix_json_path(path, "decimals");
		rc = kpix_json_fail(ld->doc, p, "expected a whole number from 0 to 10");
		free(p);
		goto out;
	}
	ind->decimals = dec ? (int)kpix_json_integer(dec) : 0;
	const kpix_json *rag = kpix_json_get(j, "rag");
	ind->rag = ld->s->rag;
	ind->has_rag = ld->s->has_rag || rag;
	if (rag) {
		char *p = kpix_json_path(path, "rag");
		rc = kpix_rag_rule_load(ld->doc, p, rag, &ind->rag);
		free(p);
		if (rc)
			goto out;
	}

	kpix_val *a = ind->attrs;
	for (int i = 0; i < KPIX_IND_NATTRS; i++)
		a[i].kind = KPIX_VAL_NULL;
#define STRVAL(slot, s)                                      \
	if (s) {                                             \
		a[slot].kind = KPIX_VAL_STRING;              \
		a[slot].str = s;                             \
		a[slot].len = strlen(s);                     \
	}
	STRVAL(KPIX_IND_code, ind->code)
	STRVAL(KPIX_IND_part, ind->part)
	STRVAL(KPIX_IND_title, ind->title)
	STRVAL(KPIX_IND_unit, ind->unit)
	STRVAL(KPIX_IND_frequency, ind->frequency)
	STRVAL(KPIX_IND_description, ind->description)
	STRVAL(KPIX_IND_section, ind->section)
	STRVAL(KPIX_IND_question, ind->question)
	STRVAL(KPIX_IND_dataPoint, ind->data_point)
#undef STRVAL
	static const char *pol_names[] = {"none", "higher", "lower"};
	a[KPIX_IND_polarity] = (kpix_val){KPIX_VAL_STRING, false, 0, pol_names[ind->polarity],
	                                  strlen(pol_names[ind->polarity])};
	a[KPIX_IND_decimals] = (kpix_val){KPIX_VAL_NUMBER, false, ind->decimals, NULL, 0};
	kpix_rag_rule_attrs(&ind->rag, ind->has_rag, &a[KPIX_IND_rag], &a[KPIX_IND_ragPoints],
	                    &a[KPIX_IND_ragPercent]);
	const char *nums[] = {"min", "max", "target"};
	const int slots[] = {KPIX_IND_min, KPIX_IND_max, KPIX_IND_target};
	for (int i = 0; i < 3; i++) {
		bool has;
		double v;
		if ((rc = kpix_json_get_num(ld->doc, path, j, nums[i], &has, &v)))
			goto out;
		if (has)
			a[slots[i]] = (kpix_val){KPIX_VAL_NUMBER, false, v, NULL, 0};
	}
	const kpix_json *der = kpix_json_get(j, "derivation");
	if (der) {
		char *p = kpix_json_path(path, "derivation");
		bool has;
		double m = 1;
		if (!kpix_json_is_object(der))
			rc = kpix_json_fail(ld->doc, p, "expected an object with numerator, denominator and multiplier");
		if (!rc)
			rc = kpix_json_only_keys(ld->doc, p, der, dkeys);
		if (!rc)
			rc = kpix_json_get_str(ld->doc, p, der, "numerator", &ind->numerator, false);
		if (!rc)
			rc = kpix_json_get_str(ld->doc, p, der, "denominator", &ind->denominator, false);
		if (!rc)
			rc = kpix_json_get_num(ld->doc, p, der, "multiplier", &has, &m);
		free(p);
		if (rc)
			goto out;
		a[KPIX_IND_multiplier] = (kpix_val){KPIX_VAL_NUMBER, false, has ? m : 1, NULL, 0};
	}
out:
	free(pol);
	return rc;
}

/* ------------------------------------------------------------- completeness */

static int load_completeness(loader *ld, const char *path, const kpix_json *j, kpix_completeness *c)
{
	static const char *const keys[] = {"code",        "severity",       "message", "groupBy",
	                                   "breakdownsReplaceWhole", "wholeName",
	                                   "periodField", "breakdownField", "require", NULL};
	int rc;
	kpix_strlist names = {0};
	char *period = NULL, *breakdown = NULL, *require = NULL;
	if (!kpix_json_is_object(j))
		return kpix_json_fail(ld->doc, path, "expected an object describing a completeness rule");
	if ((rc = kpix_json_only_keys(ld->doc, path, j, keys)) || (rc = kpix_json_get_str(ld->doc, path, j, "code", &c->code, true)) ||
	    (rc = kpix_rule_severity(ld->doc, path, j, &c->severity)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "message", &c->message, true)) ||
	    (rc = kpix_json_get_strlist(ld->doc, path, j, "groupBy", &names, true, NULL)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "periodField", &period, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "breakdownField", &breakdown, false)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "require", &require, true)) ||
	    (rc = kpix_json_get_bool(ld->doc, path, j, "breakdownsReplaceWhole", &c->breakdowns_only)) ||
	    (rc = kpix_json_get_str(ld->doc, path, j, "wholeName", &c->whole_name, false)))
		goto out;
	if (strcmp(require, "indicators") != 0) {
		char *p = kpix_json_path(path, "require");
		rc = kpix_json_fail(ld->doc, p, "expected \"indicators\" (the only completeness requirement so far)");
		free(p);
		goto out;
	}
	if (ld->s->indicator_field < 0 || ld->s->nindicators == 0) {
		rc = kpix_json_fail(ld->doc, path, "completeness needs \"indicatorField\" and an indicator catalogue");
		goto out;
	}
	if ((rc = resolve_fields(ld, path, &names, &c->group_by)))
		goto out;
	c->ngroup_by = names.n;
	c->period_field = period ? field_index(ld->s, period) : -1;
	c->breakdown_field = breakdown ? field_index(ld->s, breakdown) : -1;
	if ((period && c->period_field < 0) || (breakdown && c->breakdown_field < 0))
		rc = kpix_json_fail(ld->doc, path, "'%s' is not one of the schema's fields",
		         period && c->period_field < 0 ? period : breakdown);
out:
	kpix_strlist_free(&names);
	free(period);
	free(breakdown);
	free(require);
	return rc;
}

/* ------------------------------------------------------------- top level */

int kpix_schema_slot(const kpix_schema *s, const char *name, size_t len)
{
	return kpix_scope_slot(&s->scope, KPIX_SCOPE_ROW, name, len);
}

/* The catalogue's key for a code and part: the code alone, or the code, a
 * unit separator and the part. */
static void indicator_key(kpix_buf *b, const char *code, size_t len, const char *part, size_t plen)
{
	kpix_buf_clear(b);
	kpix_buf_add(b, code, len);
	if (part && plen) {
		kpix_buf_addc(b, '\x1f');
		kpix_buf_add(b, part, plen);
	}
}

const kpix_indicator *kpix_schema_indicator(const kpix_schema *s, const char *code, size_t len,
                                            const char *part, size_t plen)
{
	if (!s->indicator_index)
		return NULL;
	char small[64];
	const char *key = code;
	size_t klen = len;
	kpix_buf b = KPIX_BUF_INIT;
	if (part && plen) {
		if (len + 1 + plen <= sizeof(small)) {
			memcpy(small, code, len);
			small[len] = '\x1f';
			memcpy(small + len + 1, part, plen);
			key = small;
		} else {
			indicator_key(&b, code, len, part, plen);
			key = b.data;
		}
		klen = len + 1 + plen;
	}
	uint64_t *v = kpix_keyset_find(s->indicator_index, key, klen);
	kpix_buf_free(&b);
	return v ? &s->indicators[*v - 1] : NULL;
}

#define EACH_ARRAY(key, what, body)                                                  \
	do {                                                                         \
		const kpix_json *arr_ = kpix_json_get(root, key);                           \
		if (!arr_)                                                           \
			break;                                                       \
		if (!kpix_json_is_array(arr_)) {                                          \
			rc = kpix_json_fail(ld.doc, key, "expected a list of " what);              \
			goto fail;                                                   \
		}                                                                    \
		size_t i;                                                            \
		const kpix_json *item;                                                        \
		kpix_json_array_foreach(arr_, i, item) {                                  \
			char *path = kpix_xasprintf("%s[%zu]", key, i);              \
			body;                                                        \
			free(path);                                                  \
			if (rc)                                                      \
				goto fail;                                           \
		}                                                                    \
	} while (0)

/* A plain Table Schema's id: the base name of file without ".json", in
 * lower case, every run of other characters than letters and digits as
 * one '-'; "table-schema" when nothing is left. */
static char *id_from_name(const char *file)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".json") == 0)
		n -= 5;
	char *id = kpix_xcalloc(n + 1, 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char c = base[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			id[k++] = c;
		else if (k && id[k - 1] != '-')
			id[k++] = '-';
	}
	while (k && id[k - 1] == '-')
		k--;
	id[k] = '\0';
	if (!k) {
		free(id);
		id = kpix_xstrdup("table-schema");
	}
	return id;
}

/* A plain Table Schema's id (from name) and version: its "version" as
 * written (a string or a number), or "unversioned". */
static int plain_identity(loader *ld, const kpix_json *root, const char *name)
{
	kpix_schema *s = ld->s;
	const kpix_json *v = kpix_json_get(root, "version");
	s->id = id_from_name(name);
	if (kpix_json_is_number(v)) {
		char num[32];
		kpix_format_number(kpix_json_number(v), num);
		s->version = kpix_xstrdup(num);
	} else if (kpix_json_is_string(v) && kpix_json_string_len(v)) {
		s->version = kpix_xstrdup(kpix_json_string(v));
	} else if (v) {
		return kpix_json_fail(ld->doc, "version", "expected a string or a number");
	} else {
		s->version = kpix_xstrdup("unversioned");
	}
	return 0;
}

/* uniqueKeys: a list of lists of field names (a name alone is a list of one). */
static int load_unique_keys(loader *ld, const kpix_json *root)
{
	const kpix_json *uk = kpix_json_get(root, "uniqueKeys");
	if (!uk)
		return 0;
	if (!kpix_json_is_array(uk))
		return kpix_json_fail(ld->doc, "uniqueKeys", "expected a list of lists of field names");
	kpix_schema *s = ld->s;
	s->ukeys = kpix_xcalloc(kpix_json_size(uk) + 1, sizeof(kpix_unique_key));
	size_t i;
	const kpix_json *item;
	kpix_json_array_foreach(uk, i, item) {
		char *p = kpix_xasprintf("uniqueKeys[%zu]", i);
		kpix_strlist names = {0};
		int rc = 0;
		if (kpix_json_is_string(item)) {
			names.items = kpix_xcalloc(2, sizeof(char *));
			names.items[names.n++] = kpix_xstrdup(kpix_json_string(item));
		} else if (!kpix_json_is_array(item) || kpix_json_size(item) == 0) {
			rc = kpix_json_fail(ld->doc, p, "expected a list of field names");
		} else {
			names.items = kpix_xcalloc(kpix_json_size(item) + 1, sizeof(char *));
			size_t k;
			const kpix_json *name;
			kpix_json_array_foreach(item, k, name) {
				if (!kpix_json_is_string(name)) {
					rc = kpix_json_fail(ld->doc, p, "expected a list of field names");
					break;
				}
				names.items[names.n++] = kpix_xstrdup(kpix_json_string(name));
			}
		}
		if (!rc) {
			rc = resolve_fields(ld, p, &names, &s->ukeys[i].fields);
			s->ukeys[i].nfields = names.n;
			s->nukeys = i + 1;
		}
		kpix_strlist_free(&names);
		free(p);
		if (rc)
			return rc;
	}
	return 0;
}

/* Loads the schema at root in doc (neither freed here), read from file,
 * which names it and locates its reference files unless dir is given; a
 * foreign key's resource is one of res (nres) when res is not NULL. ext,
 * what the schema extends (extends.h), becomes the schema's, freed with it
 * whatever happens. */
static int load_value(kpix_schema **out, const char *file, const kpix_json_doc *doc,
                      const kpix_json *root, const char *dir, kpix_extension ext,
                      const kpix_schema_resource *res, size_t nres)
{
	kpix_schema *s = kpix_xcalloc(1, sizeof(*s));
	s->ext = ext;
	s->path = kpix_xstrdup(file);
	kpix_json_sha256(doc, s->sha256, &s->size);
	const char *slash = strrchr(file, '/');
	s->dir = dir ? kpix_xstrdup(dir)
	         : slash ? kpix_xstrndup(file, (size_t)(slash - file)) : kpix_xstrdup(".");
	s->indicator_field = -1;
	s->figures.value_field = s->figures.breakdown_field = -1;
	s->part_field = -1;
	loader ld = {doc, s, 0, false, res, nres};
	int rc = 0;
	static const char *const keys[] = {"$kpix",       "id",          "version",      "title",
	                                   "description", "source",      "fields",       "missingValues",
	                                   "primaryKey",  "foreignKeys", "indicatorField", "partField", "indicators",
	                                   "lists",       "rules",       "completeness", "fieldsMatch",
	                                   "parameters",  "exports",     "figures",     "rag",
	                                   "sector",      "$schema",     "uniqueKeys",  NULL};
	if (!kpix_json_is_object(root)) {
		rc = kpix_json_fail(ld.doc, "", "expected a JSON object at the top of the schema");
		goto fail;
	}
	const kpix_json *marker = kpix_json_get(root, "$kpix");
	if (marker && (!kpix_json_is_string(marker) || strcmp(kpix_json_string(marker), FORMAT_MARKER))) {
		rc = kpix_json_fail(ld.doc, "$kpix",
		         "expected \"$kpix\": \"" FORMAT_MARKER "\" (this kpix reads schema format 1)");
		goto fail;
	}
	ld.plain = s->plain = !marker;
	char *fm = NULL, *dollar_schema = NULL;
	if ((rc = check_keys(&ld, "", root, keys, NULL, NULL)) ||
	    (!ld.plain && (rc = kpix_json_get_str(ld.doc, "", root, "id", &s->id, true))) ||
	    (!ld.plain && (rc = kpix_json_get_str(ld.doc, "", root, "version", &s->version, true))) ||
	    (ld.plain && (rc = plain_identity(&ld, root, file))) ||
	    (rc = kpix_json_get_str(ld.doc, "", root, "$schema", &dollar_schema, false)) ||
	    (rc = get_text(&ld, "", root, "title", &s->title)) ||
	    (rc = get_text(&ld, "", root, "description", &s->description)) ||
	    (rc = kpix_json_get_str(ld.doc, "", root, "source", &s->source, false)) ||
	    (rc = kpix_json_get_str(ld.doc, "", root, "fieldsMatch", &fm, false))) {
		free(dollar_schema);
		goto fail;
	}
	free(dollar_schema);
	if (!kpix_schema_id_valid(s->id)) {
		rc = kpix_json_fail(ld.doc, "id", "an id may hold only lower-case letters, digits and '-'");
		free(fm);
		goto fail;
	}
	if (fm) {
		static const char *const m[] = {"exact", "equal", "subset", "superset", "partial"};
		size_t k = 0;
		while (k < 5 && strcmp(m[k], fm))
			k++;
		free(fm);
		if (k == 5) {
			rc = kpix_json_fail(ld.doc, "fieldsMatch", "expected exact, equal, subset, superset or partial");
			goto fail;
		}
		s->fields_match = (kpix_fields_match)k;
	}
	if (kpix_json_get(root, "missingValues")) {
		if ((rc = get_missing(&ld, "", root, &s->missing)))
			goto fail;
	} else {
		s->missing.items = kpix_xcalloc(2, sizeof(char *));
		s->missing.items[0] = kpix_xstrdup("");
		s->missing.n = 1;
	}

	const kpix_json *fields = kpix_json_get(root, "fields");
	if (!fields || !kpix_json_is_array(fields) || kpix_json_size(fields) == 0) {
		rc = kpix_json_fail(ld.doc, fields ? "fields" : "", "expected \"fields\": a list of at least one field");
		goto fail;
	}
	s->fields = kpix_xcalloc(kpix_json_size(fields), sizeof(kpix_field));
	EACH_ARRAY("fields", "fields", {
		rc = load_field(&ld, path, item, &s->fields[i], NULL);
		s->nfields = i + 1;
		if (!rc && !kpix_scope_add_field(&s->scope, s->fields[i].name))
			rc = kpix_json_fail(ld.doc, path,
			                    "a second field named '%s'; field names must differ",
			                    s->fields[i].name);
	});

	kpix_strlist pk = {0};
	if ((rc = kpix_json_get_strlist(ld.doc, "", root, "primaryKey", &pk, true, NULL)))
		goto fail;
	rc = resolve_fields(&ld, "primaryKey", &pk, &s->pk);
	s->npk = pk.n;
	kpix_strlist_free(&pk);
	if (rc || (rc = load_unique_keys(&ld, root)))
		goto fail;

	if ((rc = get_field(&ld, root, "indicatorField", &s->indicator_field)) ||
	    (rc = get_field(&ld, root, "partField", &s->part_field)))
		goto fail;
	if (s->part_field >= 0 && s->indicator_field < 0) {
		rc = kpix_json_fail(ld.doc, "partField", "needs \"indicatorField\" as well");
		goto fail;
	}
	const kpix_json *rag = kpix_json_get(root, "rag");
	if (rag && (rc = kpix_rag_rule_load(ld.doc, "rag", rag, &s->rag)))
		goto fail;
	s->has_rag = rag != NULL;
	const kpix_json *inds = kpix_json_get(root, "indicators");
	if (inds && kpix_json_is_array(inds)) {
		s->indicators = kpix_xcalloc(kpix_json_size(inds) + 1, sizeof(kpix_indicator));
		s->indicator_index = kpix_keyset_new();
	}
	EACH_ARRAY("indicators", "indicators", {
		rc = load_indicator(&ld, path, item, &s->indicators[i]);
		s->nindicators = i + 1;
		if (!rc) {
			bool added;
			const kpix_indicator *ind = &s->indicators[i];
			kpix_buf key = KPIX_BUF_INIT;
			indicator_key(&key, ind->code, strlen(ind->code), ind->part,
			              ind->part ? strlen(ind->part) : 0);
			uint64_t *v = kpix_keyset_upsert(s->indicator_index, key.data, key.len, &added);
			kpix_buf_free(&key);
			if (!added)
				rc = ind->part ? kpix_json_fail(ld.doc, path, "a second indicator with the code '%s' and "
				                                "the part '%s'", ind->code, ind->part)
				               : kpix_json_fail(ld.doc, path, "a second indicator with the code '%s'",
				                     ind->code);
			*v = i + 1;
		}
	});

	const kpix_json *lists = kpix_json_get(root, "lists");
	if (lists && !kpix_json_is_object(lists)) {
		rc = kpix_json_fail(ld.doc, "lists", "expected an object of named lists");
		goto fail;
	}
	const kpix_json *fks = kpix_json_get(root, "foreignKeys");
	if (fks && kpix_json_is_array(fks))
		s->fkeys = kpix_xcalloc(kpix_json_size(fks) + 1, sizeof(kpix_fkey));
	EACH_ARRAY("foreignKeys", "foreign keys", {
		rc = load_fkey(&ld, path, item, lists, &s->fkeys[i]);
		s->nfkeys = i + 1;
		if (!rc && s->fkeys[i].kind == KPIX_REF_CATALOGUE) {
			if (!s->nindicators)
				rc = kpix_json_fail(ld.doc, path, "refers to #indicators but the schema has no catalogue");
			for (size_t k = 0; k < s->nindicators; k++) {
				bool added;
				const char *code = s->indicators[k].code;
				kpix_keyset_upsert(s->fkeys[i].values, code, strlen(code), &added);
				if (added)
					strlist_add(&s->fkeys[i].choices, code);
			}
		}
	});

	/* before the rules, which may name the figures and last period's
	 * figure (prev.value) */
	const kpix_json *figures = kpix_json_get(root, "figures");
	kpix_figures *fg = &s->figures;
	bool ind = s->indicator_field >= 0;
	if ((rc = kpix_figures_load(fg, ld.doc, figures, &s->scope, ind ? s->indicators : NULL,
	                            ind ? s->nindicators : 0)))
		goto fail;
	kpix_scope_lay_out(&s->scope, ind, fg->value_field >= 0 ? s->fields[fg->value_field].name : NULL,
	                   fg->index, fg->n);
	if ((rc = kpix_figures_compile(fg, ld.doc, figures, &s->scope, s->indicators,
	                               s->nindicators)) ||
	    (rc = kpix_rules_load(ld.doc, "figures.rules", kpix_json_get(figures, "rules"), &s->scope,
	                          KPIX_SCOPE_FIGURES, &fg->rules, &fg->nrules)) ||
	    (rc = kpix_rules_load(ld.doc, "rules", kpix_json_get(root, "rules"), &s->scope,
	                          KPIX_SCOPE_ROW, &s->rules, &s->nrules)))
		goto fail;

	const kpix_json *comp = kpix_json_get(root, "completeness");
	if (comp && kpix_json_is_array(comp))
		s->completeness = kpix_xcalloc(kpix_json_size(comp) + 1, sizeof(kpix_completeness));
	EACH_ARRAY("completeness", "completeness rules", {
		rc = load_completeness(&ld, path, item, &s->completeness[i]);
		s->ncompleteness = i + 1;
	});

	if ((rc = kpix_layouts_load(&s->layouts, ld.doc, kpix_json_get(root, "parameters"),
	                            kpix_json_get(root, "exports"), &s->scope)) ||
	    (rc = kpix_sector_def_load(&s->sector, ld.doc, kpix_json_get(root, "sector"),
	                               s->figures.index, &s->layouts)))
		goto fail;

	s->files = kpix_xcalloc(s->nfkeys + s->ext.nbases + 1, sizeof(char *));
	s->files[s->nfiles++] = s->path;
	for (size_t i = 0; i < s->ext.nbases; i++)
		s->files[s->nfiles++] = s->ext.bases[i].path;
	for (size_t i = 0; i < s->nfkeys; i++)
		if (s->fkeys[i].file)
			s->files[s->nfiles++] = s->fkeys[i].file;
	*out = s;
	return 0;
fail:
	kpix_schema_free(s);
	return rc;
}

/* Loads the whole of doc, which is freed here, with a Data Package's
 * resources res (nres; NULL when the schema is not a package's); a schema
 * that extends another is merged with it first (extends.h), its bases
 * found through search_path. */
static int load_doc_in(kpix_schema **out, const char *file, kpix_json_doc *doc, const char *dir,
                       const char *search_path, const kpix_schema_resource *res, size_t nres)
{
	kpix_extension ext;
	int rc = kpix_schema_extend(&doc, file, search_path, &ext);
	if (rc)
		return rc;
	rc = load_value(out, file, doc, kpix_json_root(doc), dir, ext, res, nres);
	kpix_json_free(doc);
	return rc;
}

static int load_doc(kpix_schema **out, const char *file, kpix_json_doc *doc, const char *dir,
                    const char *search_path)
{
	return load_doc_in(out, file, doc, dir, search_path, NULL, 0);
}

static int load_file(kpix_schema **out, const char *file, const char *search_path)
{
	kpix_json_doc *doc;
	int rc = kpix_json_read(&doc, file, "schema");
	return rc ? rc : load_doc(out, file, doc, NULL, search_path);
}

int kpix_schema_load_text(kpix_schema **out, const char *name, const char *data, size_t len,
                          const char *dir)
{
	*out = NULL;
	kpix_error_clear();
	kpix_json_doc *doc;
	int rc = kpix_json_parse(&doc, name, data, len, "schema");
	return rc ? rc : load_doc(out, name, doc, dir, NULL);
}

int kpix_schema_load_mem(kpix_schema **out, const char *name, const char *data, size_t len)
{
	return kpix_schema_load_text(out, name, data, len, NULL);
}

int kpix_schema_load_value(kpix_schema **out, const char *name, const kpix_json_doc *doc,
                           const kpix_json *root, const char *dir)
{
	*out = NULL;
	kpix_error_clear();
	kpix_extension none = {0};
	return load_value(out, name, doc, root, dir, none, NULL, 0);
}

int kpix_schema_load_json(kpix_schema **out, const char *name, const char *data, size_t len,
                          const char *dir, const kpix_schema_resource *res, size_t nres)
{
	*out = NULL;
	kpix_error_clear();
	kpix_json_doc *doc;
	int rc = data ? kpix_json_parse(&doc, name, data, len, "schema")
	              : kpix_json_read(&doc, name, "schema");
	return rc ? rc : load_doc_in(out, name, doc, dir, NULL, res, nres);
}

const char *kpix_default_schema_path(void)
{
	const char *env = getenv("KPIX_SCHEMA_PATH");
	return env && *env ? env : KPIX_SCHEMA_DIR;
}

static bool looks_like_path(const char *ref)
{
	size_t n = strlen(ref);
	return strchr(ref, '/') || (n > 5 && strcmp(ref + n - 5, ".json") == 0);
}

char *kpix_path_find(const char *search_path, const char *sub, const char *id)
{
	const char *p = search_path ? search_path : kpix_default_schema_path();
	while (*p) {
		size_t n = strcspn(p, ":");
		if (n) {
			char *file = kpix_xasprintf("%.*s/%s%s.json", (int)n, p, sub, id);
			struct stat st;
			if (stat(file, &st) == 0)
				return file;
			free(file);
		}
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

bool kpix_schema_id_valid(const char *id)
{
	for (const char *c = id; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return false;
	return *id != '\0';
}

char *kpix_schema_find(const char *id, const char *search_path)
{
	return kpix_path_find(search_path, "", id);
}

/* The shipped schemas an unknown id may have meant, for "did you mean":
 * those whose id begins with it (rsh-tsm: rsh-tsm-2024-25 and the other
 * schemas of a year), else those a slip away (council-kpi-quartely). */
static void schema_suggest(kpix_buf *out, const char *ref, const char *search_path)
{
	char **ids;
	size_t n;
	kpix_schema_list(&ids, &n, search_path);
	size_t len = strlen(ref), nfamily = 0;
	const char *family[3];
	for (size_t i = 0; i < n && nfamily < 3; i++)
		if (strncmp(ids[i], ref, len) == 0 && ids[i][len] != '\0')
			family[nfamily++] = ids[i];
	if (nfamily)
		kpix_quote_words(out, family, nfamily);
	else
		kpix_suggest(out, ref, len, (const char *const *)ids, n);
	kpix_strings_free(ids, n);
}

int kpix_schema_load(kpix_schema **out, const char *ref, const char *search_path)
{
	*out = NULL;
	int rc;
	kpix_error_clear();
	if (!ref || !*ref)
		return kpix_fail(KPIX_EUSAGE, "no schema given");
	if (looks_like_path(ref))
		return load_file(out, ref, search_path);
	char *file = kpix_schema_find(ref, search_path);
	if (!file) {
		kpix_buf near = KPIX_BUF_INIT;
		schema_suggest(&near, ref, search_path);
		rc = kpix_fail(KPIX_ENOTFOUND,
		               "no schema '%s': it is not a file and not the id of a shipped schema%s%s%s "
		               "(see 'kpix schemas list')",
		               ref, near.len ? "; did you mean " : "", near.len ? near.data : "",
		               near.len ? "?" : "");
		kpix_buf_free(&near);
		return rc;
	}
	rc = load_file(out, file, search_path);
	if (rc == 0 && strcmp((*out)->id, ref) != 0) {
		rc = kpix_fail(KPIX_ESCHEMA,
		               "%s: the schema's id is '%s', but a schema looked up as "
		               "'%s' must have the id '%s' (the file name without .json)",
		               file, (*out)->id, ref, ref);
		kpix_schema_free(*out);
		*out = NULL;
	}
	free(file);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kpix_schema_list(char ***out, size_t *count, const char *search_path)
{
	const char *sp = search_path ? search_path : kpix_default_schema_path();
	char **ids = NULL;
	size_t n = 0, cap = 0;
	kpix_keyset *seen = kpix_keyset_new(); /* an id in two directories: the first */
	const char *p = sp;
	while (*p) {
		size_t len = strcspn(p, ":");
		char *dir = kpix_xstrndup(p, len);
		DIR *d = len ? opendir(dir) : NULL;
		struct dirent *e;
		while (d && (e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (l <= 5 || strcmp(e->d_name + l - 5, ".json") != 0)
				continue;
			bool added;
			kpix_keyset_upsert(seen, e->d_name, l - 5, &added);
			if (!added)
				continue;
			char *id = kpix_xstrndup(e->d_name, l - 5);
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				ids = kpix_xrealloc(ids, cap * sizeof(char *));
			}
			ids[n++] = id;
		}
		if (d)
			closedir(d);
		free(dir);
		p += len;
		if (*p == ':')
			p++;
	}
	kpix_keyset_free(seen);
	if (n)
		qsort(ids, n, sizeof(char *), cmp_str);
	*out = ids;
	*count = n;
	return 0;
}

void kpix_strings_free(char **strings, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(strings[i]);
	free(strings);
}

static void field_free(kpix_field *f)
{
	free(f->name);
	free(f->title);
	free(f->description);
	free(f->example);
	free(f->format);
	kpix_strlist_free(&f->true_values);
	kpix_strlist_free(&f->false_values);
	kpix_strlist_free(&f->missing);
	free(f->minimum_text);
	free(f->maximum_text);
	free(f->pattern);
	if (f->re)
		pcre2_code_free(f->re->code);
	free(f->re);
	kpix_strlist_free(&f->enum_text);
	free(f->enum_num);
}

/* Frees what a catalogue entry owns. */
static void indicator_free(kpix_indicator *ind)
{
	char *owned[] = {ind->code,       ind->part,          ind->title,      ind->description,
	                 ind->unit,       ind->frequency,     ind->source,     ind->numerator,
	                 ind->denominator, ind->section,      ind->question,   ind->data_point,
	                 ind->calculate_src, ind->applies_src, ind->from};
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		free(owned[i]);
	kpix_strlist_free(&ind->due_in);
	kpix_strlist_free(&ind->breakdowns);
	if (ind->value)
		field_free(ind->value);
	free(ind->value);
	kpix_expr_free(ind->calculate);
	kpix_expr_free(ind->applies);
}

void kpix_schema_free(kpix_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfields; i++)
		field_free(&s->fields[i]);
	free(s->fields);
	for (size_t i = 0; i < s->nfkeys; i++) {
		kpix_fkey *fk = &s->fkeys[i];
		free(fk->fields);
		free(fk->resource);
		free(fk->file);
		kpix_strlist_free(&fk->ref_fields);
		free(fk->ref_self);
		free(fk->ref_defs);
		kpix_keyset_free(fk->values);
		free(fk->describe);
		kpix_strlist_free(&fk->choices);
	}
	free(s->fkeys);
	for (size_t i = 0; i < s->nindicators; i++)
		indicator_free(&s->indicators[i]);
	free(s->indicators);
	kpix_keyset_free(s->indicator_index);
	kpix_layouts_free(&s->layouts);
	kpix_sector_def_free(&s->sector);
	kpix_figures_free(&s->figures);
	kpix_rules_free(s->rules, s->nrules);
	kpix_scope_free(&s->scope);
	for (size_t i = 0; i < s->ncompleteness; i++) {
		free(s->completeness[i].code);
		free(s->completeness[i].message);
		free(s->completeness[i].group_by);
		free(s->completeness[i].whole_name);
	}
	free(s->completeness);
	kpix_strlist_free(&s->missing);
	free(s->pk);
	for (size_t i = 0; i < s->nukeys; i++)
		free(s->ukeys[i].fields);
	free(s->ukeys);
	kpix_strlist_free(&s->ignored);
	free(s->files);
	free(s->path);
	free(s->dir);
	free(s->id);
	free(s->version);
	free(s->title);
	free(s->description);
	free(s->source);
	kpix_extension_free(&s->ext);
	free(s);
}

const char *kpix_schema_id(const kpix_schema *s) { return s->id; }
const char *kpix_schema_version(const kpix_schema *s) { return s->version; }
const char *kpix_schema_title(const kpix_schema *s) { return s->title ? s->title : s->id; }
const char *kpix_schema_description(const kpix_schema *s) { return s->description ? s->description : ""; }
const char *kpix_schema_path(const kpix_schema *s) { return s->path; }

const char *const *kpix_schema_files(const kpix_schema *s, size_t *n)
{
	*n = s->nfiles;
	return s->files;
}

/* A date or time pattern in the letters an officer knows: %d/%m/%Y is
 * DD/MM/YYYY, %H:%M is hh:mm. Returns shape. */
static const char *pattern_shape(const char *format, char *shape, size_t size)
{
	size_t n = 0;
	for (const char *p = format; *p && n + 7 < size; p++) {
		const char *w = NULL;
		if (*p == '%' && p[1]) {
			switch (*++p) {
			case 'd': case 'e': w = "DD"; break;
			case 'm': w = "MM"; break;
			case 'Y': w = "YYYY"; break;
			case 'y': w = "YY"; break;
			case 'b': w = "Mon"; break;
			case 'B': w = "Month"; break;
			case 'H': case 'I': w = "hh"; break;
			case 'M': w = "mm"; break;
			case 'S': w = "ss"; break;
			case 'f': w = "ffffff"; break;
			case 'p': w = "AM"; break;
			case 'z': w = "+hh:mm"; break;
			default: w = "%"; break;
			}
		}
		if (w) {
			memcpy(shape + n, w, strlen(w));
			n += strlen(w);
		} else {
			shape[n++] = *p;
		}
	}
	shape[n] = '\0';
	return shape;
}

const char *kpix_type_expectation(const kpix_field *f, char *buf, size_t buflen)
{
	char shape[64];
	switch (f->type) {
	case KPIX_T_INTEGER:
		snprintf(buf, buflen, "a whole number%s", f->numfmt.group_char ? " (thousands separators allowed)" : "");
		break;
	case KPIX_T_NUMBER:
		snprintf(buf, buflen, "a number%s%s",
		         f->numfmt.decimal_char != '.' ? " with a decimal comma" : "",
		         f->numfmt.bare_number ? "" : " (a sign such as % or £ around it is allowed)");
		break;
	case KPIX_T_BOOLEAN:
		snprintf(buf, buflen, "%s or %s",
		         f->true_values.n ? f->true_values.items[0] : "true",
		         f->false_values.n ? f->false_values.items[0] : "false");
		break;
	case KPIX_T_DATE:
		if (!f->format)
			snprintf(buf, buflen, "a date written YYYY-MM-DD, such as 2025-03-31");
		else if (strcmp(f->format, "any") == 0)
			snprintf(buf, buflen, "a date such as 2025-03-31 or 31/03/2025");
		else {
			pattern_shape(f->format, shape, sizeof(shape));
			snprintf(buf, buflen, "a date written %s", shape);
		}
		break;
	case KPIX_T_YEAR:
		snprintf(buf, buflen, "a year such as 2025");
		break;
	case KPIX_T_YEARMONTH:
		snprintf(buf, buflen, "a year and month such as 2025-03");
		break;
	case KPIX_T_TIME:
		if (f->format && strcmp(f->format, "any") != 0)
			snprintf(buf, buflen, "a time written %s",
			         pattern_shape(f->format, shape, sizeof(shape)));
		else
			snprintf(buf, buflen, "a time such as 14:30:00%s",
			         f->format ? " or 14:30" : " (hours, minutes and seconds)");
		break;
	case KPIX_T_DATETIME:
		if (f->format && strcmp(f->format, "any") != 0)
			snprintf(buf, buflen, "a date and time written %s",
			         pattern_shape(f->format, shape, sizeof(shape)));
		else
			snprintf(buf, buflen, "a date and time such as 2025-03-31T14:30:00%s",
			         f->format ? " or 31/03/2025 14:30" : " (a zone such as Z or +01:00 may follow)");
		break;
	case KPIX_T_DURATION:
		snprintf(buf, buflen, "an ISO 8601 duration such as P1Y2M, P3D or PT4H30M");
		break;
	case KPIX_T_GEOPOINT:
		snprintf(buf, buflen, "%s",
		         !f->format ? "a point written 'longitude, latitude', such as '-0.13, 51.51'"
		         : strcmp(f->format, "array") == 0
		             ? "a point written as a JSON array [longitude, latitude], such as [-0.13, 51.51]"
		             : "a point written as a JSON object such as {\"lon\": -0.13, \"lat\": 51.51}");
		break;
	case KPIX_T_GEOJSON:
		snprintf(buf, buflen, "%s", f->format ? "a TopoJSON object (\"type\": \"Topology\" and "
		                                        "\"objects\")"
		                                      : "a GeoJSON object: a \"type\" such as Point and "
		                                        "that type's members, such as \"coordinates\"");
		break;
	case KPIX_T_OBJECT:
		snprintf(buf, buflen, "a JSON object, such as {\"a\": 1}");
		break;
	case KPIX_T_ARRAY:
		snprintf(buf, buflen, "a JSON array, such as [1, 2]");
		break;
	default: {
		static const char *const words[] = {"text", "an e-mail address such as name@example.org",
		                                    "a URI such as https://example.org/page",
		                                    "a UUID such as 123e4567-e89b-12d3-a456-426614174000",
		                                    "base64 data, such as aGVsbG8="};
		snprintf(buf, buflen, "%s", f->type == KPIX_T_STRING ? words[f->strfmt] : "text");
	}
	}
	return buf;
}
