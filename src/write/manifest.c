/* manifest.c - write and read the manifest.json of an export or a pack;
 * see manifest.h. */
#include "manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <zlib.h>

#include "digest.h"
#include "json.h"
#include "jsonw.h"
#include "outdir.h"
#include "period.h"
#include "schema.h"
#include "xlsx.h"
#include "util.h"

#define FORMAT_MARKER "kpix-manifest/1"

/* ------------------------------------------------------------- reading */

/* Every problem is "FILE:LINE:COL: PATH: what is wrong" (kpix_json_fail),
 * KPIX_EMANIFEST. */

/* The member key of obj as an object or array (want_array); *out NULL and
 * no error when it is absent and not required. */
static int get_container(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                         const char *key, bool want_array, bool required, const kpix_json **out)
{
	*out = kpix_json_get(obj, key);
	if (!*out)
		return required ? kpix_json_fail(doc, path, "'%s' is missing; it is required here",
		                                 key)
		                : 0;
	if (want_array ? kpix_json_is_array(*out) : kpix_json_is_object(*out))
		return 0;
	char *p = kpix_json_path(path, key);
	int rc = kpix_json_fail(doc, p, want_array ? "expected a list" : "expected an object");
	free(p);
	return rc;
}

/* A whole number from min to max; *has false when it is absent and not
 * required. expected says what it should be, for the message. */
static int get_int(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                   const char *key, bool required, int64_t min, int64_t max, const char *expected,
                   bool *has, int64_t *out)
{
	const kpix_json *v = kpix_json_get(obj, key);
	if (has)
		*has = v != NULL;
	if (!v)
		return required ? kpix_json_fail(doc, path, "'%s' is missing; it is required here",
		                                 key)
		                : 0;
	if (kpix_json_is_integer(v) && kpix_json_integer(v) >= min && kpix_json_integer(v) <= max) {
		*out = kpix_json_integer(v);
		return 0;
	}
	char *p = kpix_json_path(path, key);
	int rc = kpix_json_fail(doc, p, "expected %s", expected);
	free(p);
	return rc;
}

/* A count: a whole number of 0 or more. */
static int get_count(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                     const char *key, bool required, bool *has, uint64_t *out)
{
	int64_t n = 0;
	int rc = get_int(doc, path, obj, key, required, 0, INT64_MAX, "a whole number of 0 or more",
	                 has, &n);
	if (!rc && n >= 0)
		*out = (uint64_t)n;
	return rc;
}

/* Whether the string at s holds a control character (C0 or DEL). */
static bool has_control(const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return true;
	return false;
}

/* A string member; with required, there and not empty. Every string a
 * manifest records can reach a message or a file name, so it holds no
 * control character, unless checked_later: a value the caller checks
 * by a rule of its own (an encoding, a period). */
static int get_text(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                    const char *key, bool required, bool checked_later, char **out)
{
	int rc = kpix_json_get_str(doc, path, obj, key, out, required);
	if (rc || !*out || checked_later || !has_control(*out))
		return rc;
	char *p = kpix_json_path(path, key);
	rc = kpix_json_fail(doc, p, "expected text without control characters");
	free(p);
	free(*out);
	*out = NULL;
	return rc;
}

static bool is_sha256(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int get_sha256(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                      const char *key, char out[KPIX_SHA256_HEX_SIZE])
{
	char *hex = NULL;
	int rc = kpix_json_get_str(doc, path, obj, key, &hex, true);
	if (!rc && !is_sha256(hex)) {
		char *p = kpix_json_path(path, key);
		rc = kpix_json_fail(doc, p, "expected a SHA-256 as 64 lower-case hex digits");
		free(p);
	} else if (!rc) {
		memcpy(out, hex, KPIX_SHA256_HEX_SIZE);
	}
	free(hex);
	return rc;
}

/* What a file entry is of: its members beyond name, size and sha256. */
typedef enum { F_DESCRIBED, F_INPUT, F_PREVIOUS, F_OUTPUT } file_kind;

/* A file: {"name", "size", "sha256", ...}. Its name is joined to a
 * directory by kpix verify, so it is a plain file name by the rule of
 * output names (outdir.h); an input's may start with '.'. */
static int read_file_entry(const kpix_json_doc *doc, const char *path, const kpix_json *j,
                           file_kind kind, kpix_mfile *f)
{
	static const char *const described[] = {"name", "size", "sha256", "id", "version", NULL};
	static const char *const input[] = {"name", "size", "sha256", "rows", "encoding", NULL};
	static const char *const previous[] = {"name", "size", "sha256", NULL};
	static const char *const output[] = {"name",   "size",   "sha256", "rows",
	                                     "export", "format", NULL};
	static const char *const *const keys[] = {described, input, previous, output};
	if (!kpix_json_is_object(j))
		return kpix_json_fail(doc, path,
		                      "expected an object with the file's name, size and sha256");
	int rc;
	if ((rc = kpix_json_only_keys(doc, path, j, keys[kind])) ||
	    (rc = kpix_json_get_str(doc, path, j, "name", &f->name, true)))
		return rc;
	const char *why = kpix_name_problem(f->name, kind != F_OUTPUT);
	if (why) {
		char *p = kpix_json_path(path, "name");
		rc = kpix_json_fail(doc, p,
		                    "expected a plain file name, as kpix writes them (no "
		                    "directory, no control character, at most 255 bytes%s): "
		                    "this one %s",
		                    kind == F_OUTPUT ? ", not starting with '.'" : "", why);
		free(p);
		return rc;
	}
	if ((rc = get_count(doc, path, j, "size", true, NULL, &f->size)) ||
	    (rc = get_sha256(doc, path, j, "sha256", f->sha256)) ||
	    (rc = get_count(doc, path, j, "rows", false, &f->has_rows, &f->rows)) ||
	    (rc = get_text(doc, path, j, "encoding", false, false, &f->encoding)) ||
	    (rc = get_text(doc, path, j, "export", false, false, &f->export)) ||
	    (rc = get_text(doc, path, j, "format", false, false, &f->format)) ||
	    (rc = get_text(doc, path, j, "version", false, false, &f->version)) ||
	    (rc = get_text(doc, path, j, "id", kind == F_DESCRIBED, false, &f->id)))
		return rc;
	return 0;
}

static int read_file_list(const kpix_json_doc *doc, const kpix_json *root, const char *key,
                          file_kind kind, kpix_mfile **out, size_t *n)
{
	const kpix_json *arr;
	int rc = get_container(doc, "", root, key, true, true, &arr);
	if (rc)
		return rc;
	*out = kpix_xcalloc(kpix_json_size(arr) + 1, sizeof(kpix_mfile));
	size_t i;
	const kpix_json *e;
	kpix_json_array_foreach(arr, i, e) {
		char *p = kpix_xasprintf("%s[%zu]", key, i);
		rc = read_file_entry(doc, p, e, kind, &(*out)[i]);
		free(p);
		(*n)++;
		if (rc)
			return rc;
	}
	return 0;
}

/* An export's parameters, {"NAME": "VALUE"}, as "NAME=VALUE": a name
 * without '=' (the export splits NAME=VALUE at the first) or a control
 * character. A value may hold control characters, as --param takes them
 * (the workbook cleans them, JSON escapes them); kpix_export checks it is
 * UTF-8 when verify gives it back. */
static int read_params(const kpix_json_doc *doc, const kpix_json *params, kpix_manifest *m)
{
	m->params = kpix_xcalloc(kpix_json_size(params) + 1, sizeof(char *));
	kpix_json_iter it = kpix_json_members(params);
	const char *name;
	const kpix_json *v;
	while (kpix_json_next(&it, &name, &v)) {
		const char *problem =
		        !*name || strchr(name, '=') || has_control(name)
		                ? "a parameter's name, without '=' or control characters"
		        : !kpix_json_is_string(v) ? "a string"
		                                  : NULL;
		if (problem) {
			char *p = kpix_json_path("options.parameters", name);
			int rc = kpix_json_fail(doc, p, "expected %s", problem);
			free(p);
			return rc;
		}
		m->params[m->nparams++] = kpix_xasprintf("%s=%s", name, kpix_json_string(v));
	}
	return 0;
}

/* The options the run was given, checked as the command line checks them
 * (docs/exports.md): kpix verify gives them to kpix_export or kpix_pack
 * again. */
static int read_options(const kpix_json_doc *doc, const kpix_json *root, kpix_manifest *m)
{
	static const char *const export_keys[] = {"parameters", "exports",  "source_date_epoch",
	                                          "previous",   "encoding", "max_errors",
	                                          "sheet",      "header_row", "sector",
	                                          NULL};
	static const char *const pack_keys[] = {"period",     "source_date_epoch", "encoding",
	                                        "max_errors", "sheet",             "header_row",
	                                        NULL};
	bool pack = m->kind == KPIX_MANIFEST_PACK;
	const kpix_json *opt, *params, *exports;
	int rc;
	if ((rc = get_container(doc, "", root, "options", false, true, &opt)) ||
	    (rc = kpix_json_only_keys(doc, "options", opt, pack ? pack_keys : export_keys)) ||
	    (rc = get_container(doc, "options", opt, "parameters", false, false, &params)) ||
	    (rc = get_container(doc, "options", opt, "exports", true, false, &exports)) ||
	    (rc = read_params(doc, params, m)))
		return rc;
	m->exports = kpix_xcalloc(kpix_json_size(exports) + 1, sizeof(char *));
	size_t i;
	const kpix_json *e;
	kpix_json_array_foreach(exports, i, e) {
		if (!kpix_json_is_string(e) || !kpix_json_string_len(e) ||
		    has_control(kpix_json_string(e))) {
			char *p = kpix_xasprintf("options.exports[%zu]", i);
			rc = kpix_json_fail(doc, p, "expected the name of an export");
			free(p);
			return rc;
		}
		m->exports[m->nexports++] = kpix_xstrdup(kpix_json_string(e));
	}
	char *s = NULL;
	if ((rc = get_text(doc, "options", opt, "encoding", false, true, &s)))
		return rc;
	if (s && kpix_encoding_parse(s, &m->encoding) != 0)
		rc = kpix_json_fail(doc, "options.encoding",
		                    "expected auto, utf-8 or windows-1252, not '%s'", s);
	free(s);
	for (int k = 0; k < 2 && !rc; k++) {
		const char *key = k ? "sector" : "previous";
		if ((rc = get_text(doc, "options", opt, key, false, true, &s)))
			return rc;
		if (s && kpix_name_problem(s, true)) {
			char *at = kpix_json_path("options", key);
			rc = kpix_json_fail(doc, at, "expected a plain file name");
			free(at);
		}
		free(s);
	}
	if (rc)
		return rc;
	bool has = false;
	int64_t n = 0;
	if ((rc = get_int(doc, "options", opt, "source_date_epoch", false, KPIX_CREATED_MIN,
	                  KPIX_CREATED_MAX,
	                  "seconds since 1970 between 1980 and 2100 (315532800 to 4102444800), as "
	                  "SOURCE_DATE_EPOCH takes them",
	                  &has, &n)))
		return rc;
	m->created = has ? n : -1;
	if ((rc = get_int(doc, "options", opt, "max_errors", false, 1, INT64_MAX,
	                  "a whole number of 1 or more, as --max-errors takes it", &has, &n)))
		return rc;
	m->max_errors = has ? (uint64_t)n : 0;
	if ((rc = get_int(doc, "options", opt, "header_row", false, 1, 1048576,
	                  "a row number from 1 to 1048576, as --header-row takes it", &has, &n)))
		return rc;
	m->header_row = has ? (uint64_t)n : 0;
	if ((rc = get_text(doc, "options", opt, "sheet", false, false, &m->sheet)))
		return rc;
	if (m->sheet && !*m->sheet)
		return kpix_json_fail(doc, "options.sheet", "expected the name of a sheet, as --sheet "
		                                            "takes it");
	if (!pack)
		return 0;
	kpix_period period;
	if ((rc = get_text(doc, "options", opt, "period", true, true, &m->period)))
		return rc;
	if (kpix_period_parse(&period, m->period, strlen(m->period), KPIX_PERIOD_QUARTER))
		return kpix_json_fail(
		        doc, "options.period",
		        "expected a financial year and quarter such as \"2025-26 Q2\", "
		        "as --period takes it");
	return 0;
}

/* The schema or a pack's definition {"name", "size", "sha256", "id"[,
 * "version"]}: its id is looked up on the search path, so it must be one a
 * schema may have, or a plain file name for a pack's definition. */
static int read_described(const kpix_json_doc *doc, const kpix_json *root, const char *key,
                          kpix_mfile *f)
{
	const kpix_json *j;
	int rc;
	if ((rc = get_container(doc, "", root, key, false, true, &j)) ||
	    (rc = read_file_entry(doc, key, j, F_DESCRIBED, f)))
		return rc;
	bool schema = strcmp(key, "schema") == 0;
	if (schema ? kpix_schema_id_valid(f->id) : !kpix_name_problem(f->id, false))
		return 0;
	char *p = kpix_json_path(key, "id");
	rc = kpix_json_fail(doc, p,
	                    schema ? "expected a schema's id: lower-case letters, digits "
	                             "and '-'"
	                           : "expected a pack's id: a plain file name");
	free(p);
	return rc;
}

/* "schemaBases", when the schema extends others: each a schema as
 * "schema" is recorded. */
static int read_bases(const kpix_json_doc *doc, const kpix_json *root, kpix_manifest *m)
{
	if (!kpix_json_get(root, "schemaBases"))
		return 0;
	int rc = read_file_list(doc, root, "schemaBases", F_DESCRIBED, &m->schema_bases,
	                        &m->nschema_bases);
	for (size_t i = 0; !rc && i < m->nschema_bases; i++)
		if (!kpix_schema_id_valid(m->schema_bases[i].id)) {
			char *p = kpix_xasprintf("schemaBases[%zu].id", i);
			rc = kpix_json_fail(doc, p, "expected a schema's id: lower-case letters, digits "
			                            "and '-'");
			free(p);
		}
	return rc;
}

static int read_manifest(const kpix_json_doc *doc, kpix_manifest *m)
{
	static const char *const export_keys[] = {
	        "manifest", "command", "versions", "schema",  "schemaBases",    "inputs",
	        "previous", "sector",  "options",  "outputs", "reconciliation", "validation", NULL};
	static const char *const pack_keys[] = {
	        "manifest",    "command", "versions", "schema",         "schemaBases", "pack",
	        "inputs",      "fingerprint", "options", "outputs",  "reconciliation",
	        "validation",  NULL};
	static const char *const version_keys[] = {"kpix",   "libxlsxwriter", "zlib",
	                                           "libcsv", "jansson",       NULL};
	static const char *const export_counts[] = {"rows_read", "rows_exported", "rows_rejected",
	                                            NULL};
	static const char *const pack_counts[] = {"rows_read",
	                                          "rows_shown",
	                                          "rows_later",
	                                          "rows_other_indicators",
	                                          "rows_other_organisations",
	                                          NULL};
	static const char *const validation_keys[] = {"errors", "warnings", NULL};
	const kpix_json *root = kpix_json_root(doc);
	int rc;
	if (!kpix_json_is_object(root))
		return kpix_json_fail(doc, "",
		                      "expected a JSON object: this is not a kpix manifest");
	const kpix_json *marker = kpix_json_get(root, "manifest");
	if (!kpix_json_is_string(marker))
		return kpix_json_fail(
		        doc, "",
		        "this is not a kpix manifest: it has no \"manifest\": \"" FORMAT_MARKER
		        "\"");
	if (strcmp(kpix_json_string(marker), FORMAT_MARKER) != 0)
		return kpix_json_fail(
		        doc, "manifest",
		        "the manifest's format is '%s', but this kpix reads " FORMAT_MARKER,
		        kpix_json_string(marker));
	const kpix_json *cmd = kpix_json_get(root, "command");
	if (kpix_json_is_string(cmd) && strcmp(kpix_json_string(cmd), "pack") == 0)
		m->kind = KPIX_MANIFEST_PACK;
	else if (cmd && (!kpix_json_is_string(cmd) || strcmp(kpix_json_string(cmd), "export") != 0))
		return kpix_json_fail(
		        doc, "command",
		        "only the manifest of an export or of a pack can be verified");
	bool pack = m->kind == KPIX_MANIFEST_PACK;
	const kpix_json *ver, *prev, *rec, *val;
	kpix_mversions *v = &m->made_by;
	if ((rc = kpix_json_only_keys(doc, "", root, pack ? pack_keys : export_keys)) ||
	    (rc = get_container(doc, "", root, "versions", false, true, &ver)) ||
	    (rc = kpix_json_only_keys(doc, "versions", ver, version_keys)) ||
	    (rc = get_text(doc, "versions", ver, "kpix", true, false, &v->kpix)) ||
	    (rc = get_text(doc, "versions", ver, "libxlsxwriter", false, false,
	                   &v->libxlsxwriter)) ||
	    (rc = get_text(doc, "versions", ver, "zlib", false, false, &v->zlib)) ||
	    (rc = get_text(doc, "versions", ver, "libcsv", false, false, &v->libcsv)) ||
	    (rc = get_text(doc, "versions", ver, "jansson", false, false, &v->jansson)) ||
	    (rc = read_described(doc, root, "schema", &m->schema)) ||
	    (rc = read_bases(doc, root, m)))
		return rc;
	if (pack && ((rc = read_described(doc, root, "pack", &m->pack)) ||
	             (rc = get_sha256(doc, "", root, "fingerprint", m->fingerprint))))
		return rc;
	prev = pack ? NULL : kpix_json_get(root, "previous");
	m->has_previous = prev != NULL;
	const kpix_json *sector = pack ? NULL : kpix_json_get(root, "sector");
	m->has_sector = sector != NULL;
	if ((prev && (rc = read_file_entry(doc, "previous", prev, F_PREVIOUS, &m->previous))) ||
	    (sector && (rc = read_file_entry(doc, "sector", sector, F_PREVIOUS, &m->sector))) ||
	    (rc = read_file_list(doc, root, "inputs", F_INPUT, &m->inputs, &m->ninputs)) ||
	    (rc = read_options(doc, root, m)) ||
	    (rc = read_file_list(doc, root, "outputs", F_OUTPUT, &m->outputs, &m->noutputs)))
		return rc;
	if (m->ninputs == 0)
		return kpix_json_fail(doc, "inputs",
		                      "the manifest lists no input, so there is nothing to re-run");
	const char *const *counts = pack ? pack_counts : export_counts;
	uint64_t *export_to[] = {&m->rows_read, &m->rows_exported, &m->rows_rejected};
	uint64_t *pack_to[] = {&m->rows_read, &m->rows_shown, &m->rows_later,
	                       &m->rows_other_indicators, &m->rows_other_organisations};
	if ((rc = get_container(doc, "", root, "reconciliation", false, true, &rec)) ||
	    (rc = kpix_json_only_keys(doc, "reconciliation", rec, counts)))
		return rc;
	for (size_t i = 0; counts[i]; i++)
		if ((rc = get_count(doc, "reconciliation", rec, counts[i], true, NULL,
		                    pack ? pack_to[i] : export_to[i])))
			return rc;
	if ((rc = get_container(doc, "", root, "validation", false, false, &val)) ||
	    (rc = kpix_json_only_keys(doc, "validation", val, validation_keys)) ||
	    (rc = get_count(doc, "validation", val, "errors", false, NULL, &m->errors)) ||
	    (rc = get_count(doc, "validation", val, "warnings", false, NULL, &m->warnings)))
		return rc;
	return 0;
}

/* Reads the document doc (or the failure rc of reading it) into *out. */
static int load(kpix_manifest **out, kpix_json_doc *doc, int rc)
{
	*out = NULL;
	if (rc)
		return rc;
	kpix_manifest *m = kpix_xcalloc(1, sizeof(*m));
	m->created = -1;
	rc = read_manifest(doc, m);
	kpix_json_free(doc);
	if (rc) {
		kpix_manifest_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int kpix_manifest_load(kpix_manifest **out, const char *path)
{
	kpix_json_doc *doc = NULL;
	int rc = kpix_json_read_as(&doc, path, "manifest", KPIX_EMANIFEST);
	if (rc == KPIX_ENOTFOUND) {
		/* a manifest that is not there is a file that cannot be read */
		char *msg = kpix_xstrdup(kpix_error_last());
		rc = kpix_fail(KPIX_EIO, "%s", msg);
		free(msg);
	}
	return load(out, doc, rc);
}

int kpix_manifest_parse(kpix_manifest **out, const char *file, const char *text, size_t len)
{
	kpix_json_doc *doc = NULL;
	int rc = kpix_json_parse_as(&doc, file, text, len, "manifest", KPIX_EMANIFEST);
	return load(out, doc, rc);
}

int kpix_encoding_parse(const char *s, kpix_encoding *out)
{
	if (strcmp(s, "auto") == 0)
		*out = KPIX_ENCODING_AUTO;
	else if (strcmp(s, "utf-8") == 0 || strcmp(s, "utf8") == 0)
		*out = KPIX_ENCODING_UTF8;
	else if (strcmp(s, "windows-1252") == 0 || strcmp(s, "cp1252") == 0)
		*out = KPIX_ENCODING_CP1252;
	else
		return -1;
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
	free_files(m->schema_bases, m->nschema_bases);
	free_file(&m->pack);
	free_files(m->inputs, m->ninputs);
	free_file(&m->previous);
	free_file(&m->sector);
	free(m->period);
	free(m->sheet);
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
	out->jansson = kpix_xstrdup(kpix_json_version());
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

/* The manifest being written: a string that is not UTF-8 would be written
 * as U+FFFD, and so recorded as a name or value it is not; the first such
 * member is kept for kpix_manifest_write to refuse. */
typedef struct {
	kpix_jsonw *w;
	const char *bad; /* the key of the first string that is not UTF-8 */
} writer;

/* key: s, when s is not NULL. */
static void put_str(writer *wr, const char *key, const char *s)
{
	if (!s)
		return;
	if (!wr->bad && !kpix_utf8_valid(s, strlen(s)))
		wr->bad = key;
	kpix_jsonw_member_string(wr->w, key, s);
}

static void put_file(writer *wr, const kpix_mfile *f)
{
	kpix_jsonw_object(wr->w);
	put_str(wr, "name", f->name);
	kpix_jsonw_member_int(wr->w, "size", f->size);
	put_str(wr, "sha256", f->sha256);
	if (f->has_rows)
		kpix_jsonw_member_int(wr->w, "rows", f->rows);
	put_str(wr, "encoding", f->encoding);
	put_str(wr, "export", f->export);
	put_str(wr, "format", f->format);
	put_str(wr, "id", f->id);
	put_str(wr, "version", f->version);
	kpix_jsonw_end(wr->w);
}

static void put_files(writer *wr, const char *key, const kpix_mfile *files, size_t n)
{
	kpix_jsonw_key(wr->w, key);
	kpix_jsonw_array(wr->w);
	for (size_t i = 0; i < n; i++)
		put_file(wr, &files[i]);
	kpix_jsonw_end(wr->w);
}

static const char *encoding_name(kpix_encoding e)
{
	static const char *const names[] = {"auto", "utf-8", "windows-1252"};
	return (size_t)e < sizeof(names) / sizeof(*names) ? names[e] : "auto";
}

static void put_options(writer *wr, const kpix_manifest *m)
{
	bool pack = m->kind == KPIX_MANIFEST_PACK;
	kpix_jsonw_key(wr->w, "options");
	kpix_jsonw_object(wr->w);
	if (pack)
		put_str(wr, "period", m->period);
	if (!pack) {
		/* a name given twice would be a duplicate key, which the
		 * reader refuses: kpix_manifest_write does not write it */
		kpix_jsonw_key(wr->w, "parameters");
		kpix_jsonw_object(wr->w);
		for (size_t i = 0; i < m->nparams; i++) {
			const char *eq = strchr(m->params[i], '=');
			char *name =
			        kpix_xstrndup(m->params[i], eq ? (size_t)(eq - m->params[i]) : 0);
			put_str(wr, name, eq ? eq + 1 : "");
			if (wr->bad == name)
				wr->bad = "parameters";
			free(name);
		}
		kpix_jsonw_end(wr->w);
		kpix_jsonw_key(wr->w, "exports");
		kpix_jsonw_array(wr->w);
		for (size_t i = 0; i < m->nexports; i++) {
			if (!wr->bad && !kpix_utf8_valid(m->exports[i], strlen(m->exports[i])))
				wr->bad = "exports";
			kpix_jsonw_string(wr->w, m->exports[i]);
		}
		kpix_jsonw_end(wr->w);
	}
	if (m->created >= 0)
		kpix_jsonw_member_int(wr->w, "source_date_epoch", m->created);
	if (!pack && m->has_previous)
		put_str(wr, "previous", m->previous.name);
	if (!pack && m->has_sector)
		put_str(wr, "sector", m->sector.name);
	put_str(wr, "encoding", encoding_name(m->encoding));
	/* it decides how many warnings a Validation sheet lists */
	if (m->max_errors)
		kpix_jsonw_member_int(wr->w, "max_errors", m->max_errors);
	/* the re-run must read the same sheet, from the same row */
	if (m->sheet)
		put_str(wr, "sheet", m->sheet);
	if (m->header_row)
		kpix_jsonw_member_int(wr->w, "header_row", m->header_row);
	kpix_jsonw_end(wr->w);
}

static void put_reconciliation(writer *wr, const kpix_manifest *m)
{
	kpix_jsonw_key(wr->w, "reconciliation");
	kpix_jsonw_object(wr->w);
	kpix_jsonw_member_int(wr->w, "rows_read", m->rows_read);
	if (m->kind == KPIX_MANIFEST_PACK) {
		kpix_jsonw_member_int(wr->w, "rows_shown", m->rows_shown);
		kpix_jsonw_member_int(wr->w, "rows_later", m->rows_later);
		kpix_jsonw_member_int(wr->w, "rows_other_indicators", m->rows_other_indicators);
		kpix_jsonw_member_int(wr->w, "rows_other_organisations",
		                      m->rows_other_organisations);
	} else {
		kpix_jsonw_member_int(wr->w, "rows_exported", m->rows_exported);
		kpix_jsonw_member_int(wr->w, "rows_rejected", m->rows_rejected);
	}
	kpix_jsonw_end(wr->w);
}

/* The manifest's text into a new string; *bad as writer's. */
static char *text_of(const kpix_manifest *m, const char **bad)
{
	bool pack = m->kind == KPIX_MANIFEST_PACK;
	writer wr = {kpix_jsonw_new(NULL, 2), NULL};
	kpix_jsonw_ascii(wr.w);
	kpix_jsonw_object(wr.w);
	put_str(&wr, "manifest", FORMAT_MARKER);
	put_str(&wr, "command", pack ? "pack" : "export");
	kpix_jsonw_key(wr.w, "versions");
	kpix_jsonw_object(wr.w);
	put_str(&wr, "kpix", m->made_by.kpix);
	put_str(&wr, "libxlsxwriter", m->made_by.libxlsxwriter);
	put_str(&wr, "zlib", m->made_by.zlib);
	put_str(&wr, "libcsv", m->made_by.libcsv);
	put_str(&wr, "jansson", m->made_by.jansson);
	kpix_jsonw_end(wr.w);
	kpix_jsonw_key(wr.w, "schema");
	put_file(&wr, &m->schema);
	if (m->nschema_bases)
		put_files(&wr, "schemaBases", m->schema_bases, m->nschema_bases);
	if (pack) {
		kpix_jsonw_key(wr.w, "pack");
		put_file(&wr, &m->pack);
	}
	put_files(&wr, "inputs", m->inputs, m->ninputs);
	if (!pack && m->has_previous) {
		kpix_jsonw_key(wr.w, "previous");
		put_file(&wr, &m->previous);
	}
	if (!pack && m->has_sector) {
		kpix_jsonw_key(wr.w, "sector");
		put_file(&wr, &m->sector);
	}
	if (pack)
		put_str(&wr, "fingerprint", m->fingerprint);
	put_options(&wr, m);
	put_files(&wr, "outputs", m->outputs, m->noutputs);
	put_reconciliation(&wr, m);
	kpix_jsonw_key(wr.w, "validation");
	kpix_jsonw_object(wr.w);
	kpix_jsonw_member_int(wr.w, "errors", m->errors);
	kpix_jsonw_member_int(wr.w, "warnings", m->warnings);
	kpix_jsonw_end(wr.w);
	kpix_jsonw_end(wr.w);
	kpix_jsonw_raw(wr.w, "\n");
	char *text = kpix_xstrdup(kpix_jsonw_text(wr.w, NULL));
	kpix_jsonw_free(wr.w);
	if (bad)
		*bad = wr.bad;
	return text;
}

char *kpix_manifest_text(const kpix_manifest *m)
{
	return text_of(m, NULL);
}

int kpix_manifest_write(const kpix_manifest *m, kpix_outdir *od)
{
	const char *bad = NULL;
	char *text = text_of(m, &bad);
	/* what is written is what kpix verify will read: a manifest it would
	 * refuse is not written, and the run fails before its commit */
	kpix_manifest *back = NULL;
	int rc = 0;
	if (bad)
		rc = kpix_fail(KPIX_EUSAGE,
		               "cannot record this run in %s/manifest.json: its %s is "
		               "not valid UTF-8",
		               kpix_outdir_dir(od), bad);
	else if (kpix_manifest_parse(&back, "manifest.json", text, strlen(text)) != 0) {
		char *msg = kpix_xstrdup(kpix_error_last());
		rc = kpix_fail(KPIX_EUSAGE,
		               "cannot record this run in %s/manifest.json so that kpix "
		               "verify can read it: %s",
		               kpix_outdir_dir(od), msg);
		free(msg);
	}
	kpix_manifest_free(back);
	FILE *f = NULL;
	if (!rc && !(rc = kpix_outdir_begin_file(od, "manifest.json", &f)) && fputs(text, f) == EOF)
		rc = kpix_fail(KPIX_EIO, "cannot write '%s/manifest.json'", kpix_outdir_dir(od));
	free(text);
	return rc;
}
