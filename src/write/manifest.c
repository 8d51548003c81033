/* manifest.c - read the manifest.json of an export or a pack; see manifest.h. */
#include "manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <zlib.h>

#include "digest.h"
#include "jsonpos.h"
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
	    (rc = get_str(rd, "pack", pk, "id", true, &m->pack_id)) ||
	    (rc = get_str(rd, "pack", pk, "version", false, &m->pack_version)) ||
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
		m->is_pack = true;
	else if (cmd && (!json_is_string(cmd) || strcmp(json_string_value(cmd), "export") != 0))
		return bad(rd, "command", "only the manifest of an export or of a pack can be verified");
	json_t *ver, *sch, *rec, *val;
	if ((rc = get_container(rd, "", root, "versions", false, true, &ver)) ||
	    (rc = get_str(rd, "versions", ver, "kpix", true, &m->ver_kpix)) ||
	    (rc = get_str(rd, "versions", ver, "libxlsxwriter", false, &m->ver_xlsxwriter)) ||
	    (rc = get_str(rd, "versions", ver, "zlib", false, &m->ver_zlib)) ||
	    (rc = get_str(rd, "versions", ver, "libcsv", false, &m->ver_csv)))
		return rc;
	if ((rc = get_container(rd, "", root, "schema", false, true, &sch)) ||
	    (rc = read_file_entry(rd, "schema", sch, false, &m->schema)) ||
	    (rc = get_str(rd, "schema", sch, "id", true, &m->schema_id)) ||
	    (rc = get_str(rd, "schema", sch, "version", false, &m->schema_version)))
		return rc;
	if (m->is_pack && (rc = read_pack(rd, root)))
		return rc;
	json_t *prev = m->is_pack ? NULL : json_object_get(root, "previous");
	m->has_previous = prev != NULL;
	if (prev && (rc = read_file_entry(rd, "previous", prev, false, &m->previous)))
		return rc;
	if ((rc = read_file_list(rd, root, "inputs", &m->inputs, &m->ninputs)) ||
	    (rc = read_options(rd, root)) ||
	    (rc = read_file_list(rd, root, "outputs", &m->outputs, &m->noutputs)))
		return rc;
	if (m->ninputs == 0)
		return bad(rd, "inputs", "the manifest lists no input, so there is nothing to re-run");
	if (m->is_pack && (rc = get_str(rd, "options", json_object_get(root, "options"), "period",
	                                true, &m->period)))
		return rc;
	if ((rc = get_container(rd, "", root, "reconciliation", false, true, &rec)) ||
	    (rc = get_count(rd, "reconciliation", rec, "rows_read", true, NULL, &m->rows_read)))
		return rc;
	if (m->is_pack) {
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
	if (e) {
		kpix_buf_free(&b);
		return kpix_fail(KPIX_EIO, "cannot read manifest '%s': %s", path,
		                 strerror(e == 0 ? EIO : e));
	}
	if (b.len > MAX_MANIFEST_BYTES) {
		kpix_buf_free(&b);
		return kpix_fail(KPIX_EMANIFEST, "%s: larger than %u MiB: this is not a kpix manifest",
		                 path, MAX_MANIFEST_BYTES / (1024 * 1024));
	}
	json_error_t jerr;
	json_t *root = json_loadb(b.data ? b.data : "", b.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		int rc = kpix_fail(KPIX_EMANIFEST, "%s:%d:%d: the manifest is not valid JSON: %s", path,
		                   jerr.line, jerr.column, jerr.text);
		kpix_buf_free(&b);
		return rc;
	}
	kpix_manifest *m = kpix_xcalloc(1, sizeof(*m));
	m->created = -1;
	reader rd = {path, b.data, b.len, m};
	int rc = read_manifest(&rd, root);
	json_decref(root);
	kpix_buf_free(&b);
	if (rc) {
		kpix_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

static void free_files(kpix_mfile *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(files[i].name);
	free(files);
}

void kpix_manifest_free(kpix_manifest *m)
{
	if (!m)
		return;
	free(m->ver_kpix);
	free(m->ver_xlsxwriter);
	free(m->ver_zlib);
	free(m->ver_csv);
	free(m->schema.name);
	free(m->previous.name);
	free(m->schema_id);
	free(m->schema_version);
	free(m->pack.name);
	free(m->pack_id);
	free(m->pack_version);
	free(m->period);
	free_files(m->inputs, m->ninputs);
	kpix_strings_free(m->params, m->nparams);
	kpix_strings_free(m->exports, m->nexports);
	free_files(m->outputs, m->noutputs);
	free(m);
}

/* ------------------------------------------------------------- writing */

/* A manifest entry for a file with its size and SHA-256, or NULL (with
 * the error set) when it cannot be read: a manifest without a file's hash
 * could prove nothing about it. */
json_t *kpix_manifest_file_entry(const char *name, const char *path, uint64_t rows, bool with_rows)
{
	char hex[KPIX_SHA256_HEX_SIZE];
	uint64_t size = 0;
	if (kpix_sha256_file(path, hex, &size) != 0)
		return NULL;
	return kpix_manifest_entry(name, size, hex, rows, with_rows);
}

json_t *kpix_manifest_entry(const char *name, uint64_t size, const char *sha256, uint64_t rows,
                            bool with_rows)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "size", json_integer((json_int_t)size));
	json_object_set_new(o, "sha256", json_string(sha256));
	if (with_rows)
		json_object_set_new(o, "rows", json_integer((json_int_t)rows));
	return o;
}

json_t *kpix_manifest_versions(void)
{
	json_t *ver = json_object();
	json_object_set_new(ver, "kpix", json_string(KPIX_VERSION));
	json_object_set_new(ver, "libxlsxwriter", json_string(kpix_xlsx_version()));
	json_object_set_new(ver, "zlib", json_string(zlibVersion()));
	char csvver[32];
	snprintf(csvver, sizeof(csvver), "%d.%d.%d", CSV_MAJOR, CSV_MINOR, CSV_RELEASE);
	json_object_set_new(ver, "libcsv", json_string(csvver));
	json_object_set_new(ver, "jansson", json_string(JANSSON_VERSION));
	return ver;
}

int kpix_manifest_write(struct json_t *m, const kpix_report *rep, kpix_outdir *od)
{
	json_t *val = json_object();
	json_object_set_new(val, "errors", json_integer((json_int_t)kpix_report_errors(rep)));
	json_object_set_new(val, "warnings", json_integer((json_int_t)kpix_report_warnings(rep)));
	json_object_set_new(m, "validation", val);
	char *text = json_dumps(m, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(m);
	FILE *f = NULL;
	int rc = kpix_outdir_begin_file(od, "manifest.json", &f);
	if (!rc && (fputs(text, f) == EOF || fputc('\n', f) == EOF))
		rc = kpix_fail(KPIX_EIO, "cannot write '%s/manifest.json'", kpix_outdir_dir(od));
	free(text);
	return rc;
}
