/* manifest.c - write and read the manifest.json of an export or a pack;
 * see manifest.h. */
#include "manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <zlib.h>

#include "digest.h"
#include "json.h"
#include "outdir.h"
#include "xlsx.h"
#include "util.h"

#define FORMAT_MARKER "kpix-manifest/1"
#define MAX_MANIFEST_BYTES (16u * 1024 * 1024)

typedef struct {
	const char *file;
	const char *text;
	size_t len;
	kpix_manifest *m;
} reader;

/* "FILE:LINE:COL: PATH: message", with the position of PATH in the text. */
static int bad(reader *rd, const char *path, const char *fmt, ...) KPIX_PRINTF(3, 4);
static int bad(reader *rd, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	int line = 0, col = 0;
	kpix_json_locate(rd->text, rd->len, path, &line, &col);
	return kpix_fail(KPIX_EMANIFEST, "%s:%d:%d: %s%s%s", rd->file, line, col, path,
	                 *path ? ": " : "", msg);
}

static char *sub(const char *path, const char *key)
{
	return *path ? kpix_xasprintf("%s.%s", path, key) : kpix_xstrdup(key);
}

/* The member key of obj as an object or array (want_array); *out NULL and
 * no error when it is absent and not required. */
static int get_container(reader *rd, const char *path, json_t *obj, const char *key,
                         bool want_array, bool required, json_t **out)
{
	*out = json_object_get(obj, key);
	char *p = sub(path, key);
	int rc = 0;
	if (!*out && required)
		rc = bad(rd, path, "the manifest has no \"%s\"", key);
	else if (*out && want_array && !json_is_array(*out))
		rc = bad(rd, p, "expected a list");
	else if (*out && !want_array && !json_is_object(*out))
		rc = bad(rd, p, "expected an object");
	free(p);
	return rc;
}

/* A string member, copied into *out (NULL when absent and not required). */
static int get_str(reader *rd, const char *path, json_t *obj, const char *key, bool required,
                   char **out)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v)
		return required ? bad(rd, path, "the manifest has no \"%s\"", key) : 0;
	if (!json_is_string(v)) {
		char *p = sub(path, key);
		int rc = bad(rd, p, "expected a string");
		free(p);
		return rc;
	}
	*out = kpix_xstrdup(json_string_value(v));
	return 0;
}

/* A member kpix records but verifying does not need: copied when it is a
 * string, otherwise left NULL. */
static char *opt_str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_string(v) ? kpix_xstrdup(json_string_value(v)) : NULL;
}

/* A whole number of 0 or more; *has false when absent and not required. */
static int get_count(reader *rd, const char *path, json_t *obj, const char *key, bool required,
                     bool *has, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (has)
		*has = v != NULL;
	if (!v)
		return required ? bad(rd, path, "the manifest has no \"%s\"", key) : 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		char *p = sub(path, key);
		int rc = bad(rd, p, "expected a whole number of 0 or more");
		free(p);
		return rc;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* A name that joined to a directory stays in it. */
static bool plain_name(const char *s)
{
	return *s && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && !strchr(s, '/') &&
	       !strchr(s, '\\');
}

static int read_file_entry(reader *rd, const char *path, json_t *j, bool rows_required,
                           kpix_mfile *f)
{
	if (!json_is_object(j))
		return bad(rd, path, "expected an object with the file's name, size and sha256");
	int rc;
	char *hash = NULL;
	if ((rc = get_str(rd, path, j, "name", true, &f->name)) ||
	    (rc = get_count(rd, path, j, "size", true, NULL, &f->size)) ||
	    (rc = get_str(rd, path, j, "sha256", true, &hash)) ||
	    (rc = get_count(rd, path, j, "rows", rows_required, &f->has_rows, &f->rows))) {
		free(hash);
		return rc;
	}
	if (!plain_name(f->name)) {
		char *p = sub(path, "name");
		rc = bad(rd, p, "'%s' is not a plain file name: a manifest names files without their "
		                "directories", f->name);
		free(p);
	} else if (strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64) {
		char *p = sub(path, "sha256");
		rc = bad(rd, p, "expected a SHA-256 as 64 lower-case hex digits");
		free(p);
	} else {
		memcpy(f->sha256, hash, KPIX_SHA256_HEX_SIZE);
		f->encoding = opt_str(j, "encoding");
		f->export = opt_str(j, "export");
		f->format = opt_str(j, "format");
	}
	free(hash);
	return rc;
}

static int read_file_list(reader *rd, json_t *root, const char *key, kpix_mfile **out,
                          size_t *n)
{
	json_t *arr;
	int rc = get_container(rd, "", root, key, true, true, &arr);
	if (rc)
		return rc;
	*out = kpix_xcalloc(json_array_size(arr) + 1, sizeof(kpix_mfile));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		char *p = kpix_xasprintf("%s[%zu]", key, i);
		rc = read_file_entry(rd, p, json_array_get(arr, i), false, &(*out)[i]);
		free(p);
		(*n)++;
		if (rc)
			return rc;
	}
	return 0;
}

static int read_options(reader *rd, json_t *root)
{
	kpix_manifest *m = rd->m;
	json_t *opt, *params, *exports;
	int rc;
	if ((rc = get_container(rd, "", root, "options", false, true, &opt)) ||
	    (rc = get_container(rd, "options", opt, "parameters", false, false, &params)) ||
	    (rc = get_container(rd, "options", opt, "exports", true, false, &exports)))
		return rc;
	m->params = kpix_xcalloc(json_object_size(params) + 1, sizeof(char *));
	const char *name;
	json_t *v;
	json_object_foreach(params, name, v) {
		if (!json_is_string(v)) {
			char *p = kpix_xasprintf("options.parameters.%s", name);
			rc = bad(rd, p, "expected a string");
			free(p);
			return rc;
		}
		m->params[m->nparams++] = kpix_xasprintf("%s=%s", name, json_string_value(v));
	}
	m->exports = kpix_xcalloc(json_array_size(exports) + 1, sizeof(char *));
	for (size_t i = 0; i < json_array_size(exports); i++) {
		json_t *e = json_array_get(exports, i);
		if (!json_is_string(e)) {
			char *p = kpix_xasprintf("options.exports[%zu]", i);
			rc = bad(rd, p, "expected the name of an export");
			free(p);
			return rc;
		}
		m->exports[m->nexports++] = kpix_xstrdup(json_string_value(e));
	}
	char *enc = NULL;
	if ((rc = get_str(rd, "options", opt, "encoding", false, &enc)))
		return rc;
	if (!enc || strcmp(enc, "auto") == 0)
		m->encoding = KPIX_ENCODING_AUTO;
	else if (strcmp(enc, "utf-8") == 0)
		m->encoding = KPIX_ENCODING_UTF8;
	else if (strcmp(enc, "windows-1252") == 0)
		m->encoding = KPIX_ENCODING_CP1252;
	else
		rc = bad(rd, "options.encoding", "expected auto, utf-8 or windows-1252, not '%s'", enc);
	free(enc);
	if (rc)
		return rc;
	bool has;
	uint64_t n = 0;
	if ((rc = get_count(rd, "options", opt, "source_date_epoch", false, &has, &n)))
		return rc;
	m->created = has && n <= INT64_MAX ? (int64_t)n : -1;
	return get_count(rd, "options", opt, "max_errors", false, NULL, &m->max_errors);
}

/* A pack's definition {"name", "size", "sha256", "id"[, "version"]} and
 * the fingerprint of everything it read. */
static int read_pack(reader *rd, json_t *root)
{
	kpix_manifest *m = rd->m;
	json_t *pk;
	char *fp = NULL;
	int rc;
	if ((rc = get_container(rd, "", root, "pack", false, true, &pk)) ||
	    (rc = read_file_entry(rd, "pack", pk, false, &m->pack)) ||
	    (rc = get_str(rd, "pack", pk, "id", true, &m->pack.id)) ||
	    (rc = get_str(rd, "pack", pk, "version", false, &m->pack.version)) ||
	    (rc = get_str(rd, "", root, "fingerprint", true, &fp)))
		return rc;
	if (strlen(fp) != 64 || strspn(fp, "0123456789abcdef") != 64)
		rc = bad(rd, "fingerprint", "expected a SHA-256 as 64 lower-case hex digits");
	else
		memcpy(m->fingerprint, fp, KPIX_SHA256_HEX_SIZE);
	free(fp);
	return rc;
}

static int read_manifest(reader *rd, json_t *root)
{
	kpix_manifest *m = rd->m;
	int rc;
	if (!json_is_object(root))
		return bad(rd, "", "expected a JSON object: this is not a kpix manifest");
	json_t *marker = json_object_get(root, "manifest");
	if (!marker || !json_is_string(marker))
		return bad(rd, "", "this is not a kpix manifest: it has no \"manifest\": \"" FORMAT_MARKER
		                   "\"");
	if (strcmp(json_string_value(marker), FORMAT_MARKER) != 0)
		return bad(rd, "manifest",
		           "the manifest's format is '%s', but this kpix reads " FORMAT_MARKER,
		           json_string_value(marker));
	json_t *cmd = json_object_get(root, "command");
	if (cmd && json_is_string(cmd) && strcmp(json_string_value(cmd), "pack") == 0)
		m->kind = KPIX_MANIFEST_PACK;
	else if (cmd && (!json_is_string(cmd) || strcmp(json_string_value(cmd), "export") != 0))
		return bad(rd, "command", "only the manifest of an export or of a pack can be verified");
	json_t *ver, *sch, *rec, *val;
	if ((rc = get_container(rd, "", root, "versions", false, true, &ver)) ||
	    (rc = get_str(rd, "versions", ver, "kpix", true, &m->made_by.kpix)) ||
	    (rc = get_str(rd, "versions", ver, "libxlsxwriter", false, &m->made_by.libxlsxwriter)) ||
	    (rc = get_str(rd, "versions", ver, "zlib", false, &m->made_by.zlib)) ||
	    (rc = get_str(rd, "versions", ver, "libcsv", false, &m->made_by.libcsv)))
		return rc;
	m->made_by.jansson = opt_str(ver, "jansson");
	if ((rc = get_container(rd, "", root, "schema", false, true, &sch)) ||
	    (rc = read_file_entry(rd, "schema", sch, false, &m->schema)) ||
	    (rc = get_str(rd, "schema", sch, "id", true, &m->schema.id)) ||
	    (rc = get_str(rd, "schema", sch, "version", false, &m->schema.version)))
		return rc;
	if (m->kind == KPIX_MANIFEST_PACK && (rc = read_pack(rd, root)))
		return rc;
	json_t *prev = m->kind == KPIX_MANIFEST_PACK ? NULL : json_object_get(root, "previous");
	m->has_previous = prev != NULL;
	if (prev && (rc = read_file_entry(rd, "previous", prev, false, &m->previous)))
		return rc;
	if ((rc = read_file_list(rd, root, "inputs", &m->inputs, &m->ninputs)) ||
	    (rc = read_options(rd, root)) ||
	    (rc = read_file_list(rd, root, "outputs", &m->outputs, &m->noutputs)))
		return rc;
	if (m->ninputs == 0)
		return bad(rd, "inputs", "the manifest lists no input, so there is nothing to re-run");
	if (m->kind == KPIX_MANIFEST_PACK && (rc = get_str(rd, "options", json_object_get(root, "options"), "period",
	                                true, &m->period)))
		return rc;
	if ((rc = get_container(rd, "", root, "reconciliation", false, true, &rec)) ||
	    (rc = get_count(rd, "reconciliation", rec, "rows_read", true, NULL, &m->rows_read)))
		return rc;
	if (m->kind == KPIX_MANIFEST_PACK) {
		if ((rc = get_count(rd, "reconciliation", rec, "rows_shown", true, NULL,
		                    &m->rows_shown)) ||
		    (rc = get_count(rd, "reconciliation", rec, "rows_later", true, NULL,
		                    &m->rows_later)) ||
		    (rc = get_count(rd, "reconciliation", rec, "rows_other_indicators", true, NULL,
		                    &m->rows_other_indicators)) ||
		    (rc = get_count(rd, "reconciliation", rec, "rows_other_organisations", true, NULL,
		                    &m->rows_other_organisations)))
			return rc;
	} else if ((rc = get_count(rd, "reconciliation", rec, "rows_exported", true, NULL,
	                           &m->rows_exported)) ||
	           (rc = get_count(rd, "reconciliation", rec, "rows_rejected", true, NULL,
	                           &m->rows_rejected))) {
		return rc;
	}
	if ((rc = get_container(rd, "", root, "validation", false, false, &val)) ||
	    (rc = get_count(rd, "validation", val, "errors", false, NULL, &m->errors)) ||
	    (rc = get_count(rd, "validation", val, "warnings", false, NULL, &m->warnings)))
		return rc;
	return 0;
}

int kpix_manifest_load(kpix_manifest **out, const char *path)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return kpix_fail(KPIX_EIO, "cannot read manifest '%s': %s", path, strerror(errno));
	kpix_buf b = KPIX_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len <= MAX_MANIFEST_BYTES)
		kpix_buf_add(&b, chunk, n);
	int e = ferror(f) ? errno : 0;
	fclose(f);
	int rc;
	if (e)
		rc = kpix_fail(KPIX_EIO, "cannot read manifest '%s': %s", path,
		               strerror(e == 0 ? EIO : e));
	else if (b.len > MAX_MANIFEST_BYTES)
		rc = kpix_fail(KPIX_EMANIFEST, "%s: larger than %u MiB: this is not a kpix manifest",
		               path, MAX_MANIFEST_BYTES / (1024 * 1024));
	else
		rc = kpix_manifest_parse(out, path, b.data ? b.data : "", b.len);
	kpix_buf_free(&b);
	return rc;
}

int kpix_manifest_parse(kpix_manifest **out, const char *file, const char *text, size_t len)
{
	*out = NULL;
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return kpix_fail(KPIX_EMANIFEST, "%s:%d:%d: the manifest is not valid JSON: %s", file,
		                 jerr.line, jerr.column, jerr.text);
	kpix_manifest *m = kpix_xcalloc(1, sizeof(*m));
	m->created = -1;
	reader rd = {file, text, len, m};
	int rc = read_manifest(&rd, root);
	json_decref(root);
	if (rc) {
		kpix_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

static void free_file(kpix_mfile *f)
{
	free(f->name);
	free(f->encoding);
	free(f->export);
	free(f->format);
	free(f->id);
	free(f->version);
}

static void free_files(kpix_mfile *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free_file(&files[i]);
	free(files);
}

void kpix_mversions_free(kpix_mversions *v)
{
	free(v->kpix);
	free(v->libxlsxwriter);
	free(v->zlib);
	free(v->libcsv);
	free(v->jansson);
	*v = (kpix_mversions){0};
}

void kpix_manifest_free(kpix_manifest *m)
{
	if (!m)
		return;
	kpix_mversions_free(&m->made_by);
	free_file(&m->schema);
	free_file(&m->pack);
	free_files(m->inputs, m->ninputs);
	free_file(&m->previous);
	free(m->period);
	kpix_strings_free(m->params, m->nparams);
	kpix_strings_free(m->exports, m->nexports);
	free_files(m->outputs, m->noutputs);
	free(m);
}

/* ------------------------------------------------------------- writing */

void kpix_mversions_now(kpix_mversions *out)
{
	out->kpix = kpix_xstrdup(KPIX_VERSION);
	out->libxlsxwriter = kpix_xstrdup(kpix_xlsx_version());
	out->zlib = kpix_xstrdup(zlibVersion());
	out->libcsv = kpix_xasprintf("%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
	out->jansson = kpix_xstrdup(JANSSON_VERSION);
}

kpix_manifest *kpix_manifest_new(kpix_manifest_kind kind)
{
	kpix_manifest *m = kpix_xcalloc(1, sizeof(*m));
	m->kind = kind;
	m->created = -1;
	kpix_mversions_now(&m->made_by);
	return m;
}

int kpix_mfile_hash(kpix_mfile *f, const char *name, const char *path)
{
	char hex[KPIX_SHA256_HEX_SIZE];
	uint64_t size = 0;
	if (kpix_sha256_file(path, hex, &size) != 0)
		return KPIX_EIO;
	char *copy = kpix_xstrdup(name); /* name may be f->name */
	free(f->name);
	f->name = copy;
	f->size = size;
	memcpy(f->sha256, hex, KPIX_SHA256_HEX_SIZE);
	return 0;
}

/* Sets key to a string when s is one. A string that is not UTF-8 cannot
 * be written: the member is then left out, as jansson leaves it. */
static void put_str(json_t *o, const char *key, const char *s)
{
	if (s)
		json_object_set_new(o, key, json_string(s));
}

static void put_count(json_t *o, const char *key, uint64_t n)
{
	json_object_set_new(o, key, json_integer((json_int_t)n));
}

static json_t *file_json(const kpix_mfile *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(f->name));
	put_count(o, "size", f->size);
	put_str(o, "sha256", f->sha256);
	if (f->has_rows)
		put_count(o, "rows", f->rows);
	put_str(o, "encoding", f->encoding);
	put_str(o, "export", f->export);
	put_str(o, "format", f->format);
	put_str(o, "id", f->id);
	put_str(o, "version", f->version);
	return o;
}

static json_t *files_json(const kpix_mfile *files, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, file_json(&files[i]));
	return a;
}

static json_t *options_json(const kpix_manifest *m)
{
	bool pack = m->kind == KPIX_MANIFEST_PACK;
	json_t *opt = json_object();
	if (pack)
		put_str(opt, "period", m->period);
	if (!pack) {
		json_t *params = json_object();
		for (size_t i = 0; i < m->nparams; i++) {
			const char *eq = strchr(m->params[i], '=');
			char *name = kpix_xstrndup(m->params[i], eq ? (size_t)(eq - m->params[i]) : 0);
			json_object_set_new(params, name, json_string(eq ? eq + 1 : ""));
			free(name);
		}
		json_object_set_new(opt, "parameters", params);
		json_t *only = json_array();
		for (size_t i = 0; i < m->nexports; i++)
			json_array_append_new(only, json_string(m->exports[i]));
		json_object_set_new(opt, "exports", only);
	}
	if (m->created >= 0)
		put_count(opt, "source_date_epoch", (uint64_t)m->created);
	if (!pack && m->has_previous)
		put_str(opt, "previous", m->previous.name);
	static const char *const encs[] = {"auto", "utf-8", "windows-1252"};
	put_str(opt, "encoding", encs[m->encoding]);
	/* it decides how many warnings a Validation sheet lists */
	if (m->max_errors)
		put_count(opt, "max_errors", m->max_errors);
	return opt;
}

static json_t *reconciliation_json(const kpix_manifest *m)
{
	json_t *rec = json_object();
	put_count(rec, "rows_read", m->rows_read);
	if (m->kind == KPIX_MANIFEST_PACK) {
		put_count(rec, "rows_shown", m->rows_shown);
		put_count(rec, "rows_later", m->rows_later);
		put_count(rec, "rows_other_indicators", m->rows_other_indicators);
		put_count(rec, "rows_other_organisations", m->rows_other_organisations);
	} else {
		put_count(rec, "rows_exported", m->rows_exported);
		put_count(rec, "rows_rejected", m->rows_rejected);
	}
	return rec;
}

char *kpix_manifest_text(const kpix_manifest *m)
{
	bool pack = m->kind == KPIX_MANIFEST_PACK;
	json_t *o = json_object();
	put_str(o, "manifest", FORMAT_MARKER);
	put_str(o, "command", pack ? "pack" : "export");
	json_t *ver = json_object();
	put_str(ver, "kpix", m->made_by.kpix);
	put_str(ver, "libxlsxwriter", m->made_by.libxlsxwriter);
	put_str(ver, "zlib", m->made_by.zlib);
	put_str(ver, "libcsv", m->made_by.libcsv);
	put_str(ver, "jansson", m->made_by.jansson);
	json_object_set_new(o, "versions", ver);
	json_object_set_new(o, "schema", file_json(&m->schema));
	if (pack)
		json_object_set_new(o, "pack", file_json(&m->pack));
	json_object_set_new(o, "inputs", files_json(m->inputs, m->ninputs));
	if (!pack && m->has_previous)
		json_object_set_new(o, "previous", file_json(&m->previous));
	if (pack)
		put_str(o, "fingerprint", m->fingerprint);
	json_object_set_new(o, "options", options_json(m));
	json_object_set_new(o, "outputs", files_json(m->outputs, m->noutputs));
	json_object_set_new(o, "reconciliation", reconciliation_json(m));
	json_t *val = json_object();
	put_count(val, "errors", m->errors);
	put_count(val, "warnings", m->warnings);
	json_object_set_new(o, "validation", val);
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	char *with_end = kpix_xasprintf("%s\n", text);
	free(text);
	return with_end;
}

int kpix_manifest_write(const kpix_manifest *m, kpix_outdir *od)
{
	char *text = kpix_manifest_text(m);
	FILE *f = NULL;
	int rc = kpix_outdir_begin_file(od, "manifest.json", &f);
	if (!rc && fputs(text, f) == EOF)
		rc = kpix_fail(KPIX_EIO, "cannot write '%s/manifest.json'", kpix_outdir_dir(od));
	free(text);
	return rc;
}
