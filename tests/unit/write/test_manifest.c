/* test_manifest.c - the manifest type: what kpix_manifest_write writes,
 * kpix_manifest_load reads back unchanged, and the bytes of the manifests
 * that kpix export and kpix pack wrote for the golden cases are what the
 * writer gives again for what the reader read from them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "manifest.h"
#include "outdir.h"
#include "util.h"

/* The whole file at path, NUL-terminated. */
static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long size = ftell(fp);
	assert_true(size >= 0);
	rewind(fp);
	char *text = kpix_xcalloc((size_t)size + 1, 1);
	assert_int_equal(fread(text, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	return text;
}

static void assert_same_str(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void assert_same_file(const kpix_mfile *a, const kpix_mfile *b)
{
	assert_same_str(a->name, b->name);
	assert_int_equal(a->size, b->size);
	assert_string_equal(a->sha256, b->sha256);
	assert_int_equal(a->has_rows, b->has_rows);
	assert_int_equal(a->rows, b->rows);
	assert_same_str(a->encoding, b->encoding);
	assert_same_str(a->export, b->export);
	assert_same_str(a->format, b->format);
	assert_same_str(a->id, b->id);
	assert_same_str(a->version, b->version);
}

static void assert_same_manifest(const kpix_manifest *a, const kpix_manifest *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_same_str(a->made_by.kpix, b->made_by.kpix);
	assert_same_str(a->made_by.libxlsxwriter, b->made_by.libxlsxwriter);
	assert_same_str(a->made_by.zlib, b->made_by.zlib);
	assert_same_str(a->made_by.libcsv, b->made_by.libcsv);
	assert_same_str(a->made_by.jansson, b->made_by.jansson);
	assert_same_file(&a->schema, &b->schema);
	assert_int_equal(a->nschema_bases, b->nschema_bases);
	for (size_t i = 0; i < a->nschema_bases; i++)
		assert_same_file(&a->schema_bases[i], &b->schema_bases[i]);
	if (a->kind == KPIX_MANIFEST_PACK) {
		assert_same_file(&a->pack, &b->pack);
		assert_string_equal(a->fingerprint, b->fingerprint);
		assert_same_str(a->period, b->period);
	}
	assert_int_equal(a->ninputs, b->ninputs);
	for (size_t i = 0; i < a->ninputs; i++)
		assert_same_file(&a->inputs[i], &b->inputs[i]);
	assert_int_equal(a->has_previous, b->has_previous);
	if (a->has_previous)
		assert_same_file(&a->previous, &b->previous);
	assert_int_equal(a->nparams, b->nparams);
	for (size_t i = 0; i < a->nparams; i++)
		assert_string_equal(a->params[i], b->params[i]);
	assert_int_equal(a->nexports, b->nexports);
	for (size_t i = 0; i < a->nexports; i++)
		assert_string_equal(a->exports[i], b->exports[i]);
	assert_int_equal(a->created, b->created);
	assert_int_equal(a->encoding, b->encoding);
	assert_int_equal(a->max_errors, b->max_errors);
	assert_int_equal(a->noutputs, b->noutputs);
	for (size_t i = 0; i < a->noutputs; i++)
		assert_same_file(&a->outputs[i], &b->outputs[i]);
	assert_int_equal(a->rows_read, b->rows_read);
	assert_int_equal(a->rows_exported, b->rows_exported);
	assert_int_equal(a->rows_rejected, b->rows_rejected);
	assert_int_equal(a->rows_shown, b->rows_shown);
	assert_int_equal(a->rows_later, b->rows_later);
	assert_int_equal(a->rows_other_indicators, b->rows_other_indicators);
	assert_int_equal(a->rows_other_organisations, b->rows_other_organisations);
	assert_int_equal(a->errors, b->errors);
	assert_int_equal(a->warnings, b->warnings);
}

static kpix_mfile file(const char *name, uint64_t size, char hexdigit)
{
	kpix_mfile f = {.name = kpix_xstrdup(name), .size = size};
	memset(f.sha256, hexdigit, 64);
	f.sha256[64] = '\0';
	return f;
}

/* Writes m, reads the text back, and checks that it is m again. */
static void round_trip(const kpix_manifest *m)
{
	char *text = kpix_manifest_text(m);
	kpix_manifest *back = NULL;
	int rc = kpix_manifest_parse(&back, "manifest.json", text, strlen(text));
	if (rc)
		fail_msg("%s", kpix_error_last());
	assert_same_manifest(m, back);
	/* and what was read back is written as the same bytes */
	char *again = kpix_manifest_text(back);
	assert_string_equal(text, again);
	free(again);
	free(text);
	kpix_manifest_free(back);
}

static void manifest__an_export_written_and_read_back_is_the_same(void **state)
{
	(void)state;
	kpix_manifest *m = kpix_manifest_new(KPIX_MANIFEST_EXPORT);
	m->schema = file("council.json", 26813, 'a');
	m->schema.id = kpix_xstrdup("council-kpi-quarterly");
	m->schema.version = kpix_xstrdup("2025-26.2");
	/* a schema that extends another records its base (issue 17) */
	m->schema_bases = kpix_xcalloc(1, sizeof(kpix_mfile));
	m->nschema_bases = 1;
	m->schema_bases[0] = file("base.json", 4021, 'c');
	m->schema_bases[0].id = kpix_xstrdup("base");
	m->schema_bases[0].version = kpix_xstrdup("1");
	m->inputs = kpix_xcalloc(2, sizeof(kpix_mfile));
	m->ninputs = 2;
	for (size_t i = 0; i < 2; i++) {
		m->inputs[i] = file(i ? "q2.csv" : "q1.csv", 100 + i, (char)('1' + i));
		m->inputs[i].has_rows = true;
		m->inputs[i].rows = 20 + i;
		m->inputs[i].encoding = kpix_xstrdup(i ? "windows-1252" : "utf-8");
	}
	m->has_previous = true;
	m->previous = file("last-year.csv", 7, 'f');
	m->params = kpix_xcalloc(3, sizeof(char *));
	m->params[m->nparams++] = kpix_xstrdup("contact=Performance team, 01234 567890");
	m->params[m->nparams++] = kpix_xstrdup("note=a=b, and \"quotes\" \xc2\xa3");
	m->exports = kpix_xcalloc(2, sizeof(char *));
	m->exports[m->nexports++] = kpix_xstrdup("council-csv");
	m->created = 1751328000;
	m->encoding = KPIX_ENCODING_CP1252;
	m->max_errors = 50;
	m->outputs = kpix_xcalloc(1, sizeof(kpix_mfile));
	m->noutputs = 1;
	m->outputs[0] = file("return.csv", 5221, 'b');
	m->outputs[0].has_rows = true;
	m->outputs[0].rows = 41;
	m->outputs[0].export = kpix_xstrdup("council-csv");
	m->outputs[0].format = kpix_xstrdup("csv");
	m->rows_read = 41;
	m->rows_exported = 41;
	m->warnings = 3;
	round_trip(m);
	kpix_manifest_free(m);
}

static void manifest__a_pack_written_and_read_back_is_the_same(void **state)
{
	(void)state;
	kpix_manifest *m = kpix_manifest_new(KPIX_MANIFEST_PACK);
	m->schema = file("council.json", 26813, 'a');
	m->schema.id = kpix_xstrdup("council-kpi-quarterly");
	m->pack = file("housing-board.json", 1840, 'c');
	m->pack.id = kpix_xstrdup("housing-board");
	m->pack.version = kpix_xstrdup("2025-26.1");
	m->inputs = kpix_xcalloc(1, sizeof(kpix_mfile));
	m->ninputs = 1;
	m->inputs[0] = file("history.csv", 2778, 'd');
	m->inputs[0].has_rows = true;
	m->inputs[0].rows = 18;
	m->inputs[0].encoding = kpix_xstrdup("utf-8");
	memset(m->fingerprint, 'e', 64);
	m->period = kpix_xstrdup("2025-26 Q2");
	m->outputs = kpix_xcalloc(2, sizeof(kpix_mfile));
	m->noutputs = 2;
	m->outputs[0] = file("housing-board-2025-26-Q2.xlsx", 41286, '0');
	m->outputs[0].format = kpix_xstrdup("xlsx");
	m->outputs[1] = file("housing-board-2025-26-Q2-summary.csv", 900, '9');
	m->outputs[1].format = kpix_xstrdup("csv");
	m->rows_read = 18;
	m->rows_shown = 12;
	m->rows_later = 1;
	m->rows_other_indicators = 2;
	m->rows_other_organisations = 3;
	round_trip(m);
	kpix_manifest_free(m);
}

/* Each golden manifest, read and written again, gives its own bytes: the
 * one writer writes what export.c and pack.c wrote call by call. */
static void rewrites_itself(const char *golden)
{
	char *path = kpix_xasprintf("%s/golden/cases/%s/out/manifest.json", KPIX_TEST_DATA, golden);
	char *bytes = slurp(path);
	kpix_manifest *m = NULL;
	if (kpix_manifest_load(&m, path))
		fail_msg("%s", kpix_error_last());
	char *again = kpix_manifest_text(m);
	assert_string_equal(bytes, again);
	free(again);
	kpix_manifest_free(m);
	free(bytes);
	free(path);
}

static void manifest__an_exports_manifest_is_written_again_byte_for_byte(void **state)
{
	(void)state;
	rewrites_itself("export-council-example");
	rewrites_itself("export-only-one-export");
	rewrites_itself("export-rsh-tsm-example"); /* parameters and last period's file */
	rewrites_itself("export-source-date-epoch-dates-the-workbook");
	rewrites_itself("export-warnings-and-formula-text");
}

static void manifest__a_packs_manifest_is_written_again_byte_for_byte(void **state)
{
	(void)state;
	rewrites_itself("pack-housing-board-example");
	rewrites_itself("pack-onesource-example");
}

static void manifest__a_new_manifest_records_the_running_versions(void **state)
{
	(void)state;
	kpix_manifest *m = kpix_manifest_new(KPIX_MANIFEST_EXPORT);
	kpix_mversions now;
	kpix_mversions_now(&now);
	assert_string_equal(m->made_by.kpix, KPIX_VERSION);
	assert_string_equal(m->made_by.libcsv, now.libcsv);
	assert_string_equal(m->made_by.zlib, now.zlib);
	assert_int_equal(m->created, -1);
	kpix_mversions_free(&now);
	kpix_manifest_free(m);
}

static void manifest__hashing_a_file_that_cannot_be_read_is_an_io_error(void **state)
{
	(void)state;
	kpix_mfile f = {0};
	assert_int_equal(kpix_mfile_hash(&f, "x.csv", "/nonexistent/x.csv"), KPIX_EIO);
	assert_null(f.name);
}

static void manifest__a_name_with_a_directory_is_refused_when_read(void **state)
{
	(void)state;
	kpix_manifest *m = kpix_manifest_new(KPIX_MANIFEST_EXPORT);
	m->schema = file("s.json", 1, 'a');
	m->schema.id = kpix_xstrdup("s");
	m->inputs = kpix_xcalloc(1, sizeof(kpix_mfile));
	m->ninputs = 1;
	m->inputs[0] = file("../q2.csv", 1, 'b');
	char *text = kpix_manifest_text(m);
	kpix_manifest *back = NULL;
	assert_int_equal(kpix_manifest_parse(&back, "m.json", text, strlen(text)), KPIX_EMANIFEST);
	assert_null(back);
	assert_non_null(strstr(kpix_error_last(), "inputs[0].name"));
	free(text);
	kpix_manifest_free(m);
}

/* ------------------------------------------- values checked when read */

/* A small export's manifest, as kpix_manifest_text writes it. */
static kpix_manifest *small_export(void)
{
	kpix_manifest *m = kpix_manifest_new(KPIX_MANIFEST_EXPORT);
	m->schema = file("s.json", 1, 'a');
	m->schema.id = kpix_xstrdup("council-kpi-quarterly");
	m->inputs = kpix_xcalloc(1, sizeof(kpix_mfile));
	m->ninputs = 1;
	m->inputs[0] = file("q2.csv", 1, 'b');
	m->params = kpix_xcalloc(2, sizeof(char *));
	m->params[m->nparams++] = kpix_xstrdup("contact=Performance team");
	m->exports = kpix_xcalloc(2, sizeof(char *));
	m->exports[m->nexports++] = kpix_xstrdup("council-csv");
	m->created = 1767225600;
	m->max_errors = 50;
	m->outputs = kpix_xcalloc(1, sizeof(kpix_mfile));
	m->noutputs = 1;
	m->outputs[0] = file("return.csv", 2, 'c');
	return m;
}

static kpix_manifest *small_pack(void)
{
	kpix_manifest *m = kpix_manifest_new(KPIX_MANIFEST_PACK);
	m->schema = file("s.json", 1, 'a');
	m->schema.id = kpix_xstrdup("council-kpi-quarterly");
	m->pack = file("housing-board.json", 1, 'd');
	m->pack.id = kpix_xstrdup("housing-board");
	memset(m->fingerprint, 'e', 64);
	m->inputs = kpix_xcalloc(1, sizeof(kpix_mfile));
	m->ninputs = 1;
	m->inputs[0] = file("history.csv", 1, 'b');
	m->period = kpix_xstrdup("2025-26 Q2");
	m->created = 1767225600;
	return m;
}

/* m's text with its first "from" replaced by "to": a new string. */
static char *replaced(const kpix_manifest *m, const char *from, const char *to)
{
	char *text = kpix_manifest_text(m);
	char *at = strstr(text, from);
	if (!at)
		fail_msg("'%s' is not in the manifest", from);
	char *out = kpix_xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	free(text);
	return out;
}

/* That text, parsed, must be refused as a manifest problem whose message
 * holds each of the NULL-terminated words. */
static void refused(const kpix_manifest *m, const char *from, const char *to, ...)
{
	char *bad = replaced(m, from, to);
	kpix_manifest *back = NULL;
	int rc = kpix_manifest_parse(&back, "m.json", bad, strlen(bad));
	if (rc != KPIX_EMANIFEST)
		fail_msg("'%s' for '%s' was not refused (%d)", to, from, rc);
	assert_null(back);
	va_list ap;
	va_start(ap, to);
	for (const char *word; (word = va_arg(ap, const char *)) != NULL;)
		if (!strstr(kpix_error_last(), word))
			fail_msg("'%s' is not in: %s", word, kpix_error_last());
	va_end(ap);
	free(bad);
}

/* The same replacement, read without complaint. */
static void accepted(const kpix_manifest *m, const char *from, const char *to)
{
	char *ok = replaced(m, from, to);
	kpix_manifest *back = NULL;
	if (kpix_manifest_parse(&back, "m.json", ok, strlen(ok)))
		fail_msg("%s", kpix_error_last());
	kpix_manifest_free(back);
	free(ok);
}

/* Issue 18: 67768036191676800 crashed libxlsxwriter when kpix verify gave
 * it to the re-run. The range is SOURCE_DATE_EPOCH's on the command line. */
static void manifest__a_date_no_workbook_can_carry_is_refused(void **state)
{
	(void)state;
	kpix_manifest *m = small_export();
	const char *at = "\"source_date_epoch\": 1767225600";
	refused(m, at, "\"source_date_epoch\": 67768036191676800", "m.json:", "options.source_date_epoch",
	        "between 1980 and 2100", NULL);
	refused(m, at, "\"source_date_epoch\": 315532799", "options.source_date_epoch", NULL);
	refused(m, at, "\"source_date_epoch\": 4102444801", "options.source_date_epoch", NULL);
	refused(m, at, "\"source_date_epoch\": -1", "options.source_date_epoch", NULL);
	refused(m, at, "\"source_date_epoch\": 1767225600.5", "options.source_date_epoch", NULL);
	refused(m, at, "\"source_date_epoch\": \"1767225600\"", "options.source_date_epoch", NULL);
	accepted(m, at, "\"source_date_epoch\": 315532800");
	accepted(m, at, "\"source_date_epoch\": 4102444800");
	kpix_manifest_free(m);
	m = small_pack();
	refused(m, at, "\"source_date_epoch\": 67768036191676800", "options.source_date_epoch", NULL);
	kpix_manifest_free(m);
}

static void manifest__options_are_checked_as_the_command_line_checks_them(void **state)
{
	(void)state;
	kpix_manifest *m = small_export();
	refused(m, "\"max_errors\": 50", "\"max_errors\": 0", "options.max_errors", "1 or more", NULL);
	refused(m, "\"encoding\": \"auto\"", "\"encoding\": \"latin-1\"", "options.encoding",
	        "expected auto, utf-8 or windows-1252", NULL);
	accepted(m, "\"encoding\": \"auto\"", "\"encoding\": \"cp1252\""); /* as --encoding */
	refused(m, "\"contact\":", "\"con=tact\":", "options.parameters.con=tact", "without '='",
	        NULL);
	refused(m, "\"contact\":", "\"con\\u001btact\":", "options.parameters", "control", NULL);
	/* a value may hold a control character, as --param takes it */
	accepted(m, "\"Performance team\"", "\"Performance\\nteam\\u0001\"");
	refused(m, "\"Performance team\"", "7", "options.parameters.contact", "a string", NULL);
	refused(m, "\"council-csv\"", "\"\"", "options.exports[0]", "the name of an export", NULL);
	refused(m, "\"council-csv\"", "\"council\\u0007csv\"", "options.exports[0]", NULL);
	kpix_manifest_free(m);
	m = small_pack();
	refused(m, "\"2025-26 Q2\"", "\"2025-26 Q5\"", "options.period",
	        "a financial year and quarter", NULL);
	refused(m, "\"2025-26 Q2\"", "\"2025-26\"", "options.period", NULL);
	kpix_manifest_free(m);
}

static void manifest__file_names_follow_the_rule_of_output_names(void **state)
{
	(void)state;
	kpix_manifest *m = small_export();
	refused(m, "\"q2.csv\"", "\"q2\\n.csv\"", "inputs[0].name", "control character", NULL);
	refused(m, "\"q2.csv\"", "\"..\"", "inputs[0].name", "is not a file name", NULL);
	refused(m, "\"q2.csv\"", "\"/etc/passwd\"", "inputs[0].name", "contains '/'", NULL);
	refused(m, "\"q2.csv\"", "\"\"", "inputs[0].name", NULL);
	accepted(m, "\"q2.csv\"", "\".q2.csv\""); /* an input may be a dot file */
	refused(m, "\"return.csv\"", "\".return.csv\"", "outputs[0].name", "starts with '.'", NULL);
	char long_name[300];
	memset(long_name, 'x', sizeof(long_name));
	long_name[0] = '"';
	strcpy(long_name + 257, "\"");
	refused(m, "\"return.csv\"", long_name, "outputs[0].name", "longer than 255 bytes", NULL);
	refused(m, "\"s.json\"", "\"a\\u007fb.json\"", "schema.name", "control character", NULL);
	kpix_manifest_free(m);
}

static void manifest__sizes_hashes_and_ids_are_checked(void **state)
{
	(void)state;
	kpix_manifest *m = small_export();
	refused(m, "\"size\": 1", "\"size\": -1", "schema.size", "whole number of 0 or more", NULL);
	refused(m, "\"size\": 1", "\"size\": 1.5", "schema.size", NULL);
	refused(m, "\"aaaaaaaa", "\"Aaaaaaaa", "schema.sha256", "64 lower-case hex digits", NULL);
	refused(m, "\"council-kpi-quarterly\"", "\"../../tmp/evil\"", "schema.id",
	        "lower-case letters, digits and '-'", NULL);
	kpix_manifest_free(m);
	m = small_pack();
	refused(m, "\"housing-board\"", "\"../board\"", "pack.id", "plain file name", NULL);
	refused(m, "\"eeeeeeee", "\"geeeeeee", "fingerprint", NULL);
	kpix_manifest_free(m);
}

static void manifest__an_unknown_key_is_refused(void **state)
{
	(void)state;
	kpix_manifest *m = small_export();
	refused(m, "\"manifest\":", "\"extra\": 1, \"manifest\":", "extra", "unknown keyword", NULL);
	refused(m, "\"max_errors\":", "\"max_error\": 1, \"max_errors\":", "options.max_error",
	        "unknown keyword", NULL);
	refused(m, "\"rows_read\":", "\"rows_shown\": 1, \"rows_read\":",
	        "reconciliation.rows_shown", NULL); /* a pack's, in an export's */
	refused(m, "\"size\": 2", "\"size\": 2, \"encoding\": \"utf-8\"", "outputs[0].encoding",
	        NULL);
	kpix_manifest_free(m);
}

static void manifest__problems_of_the_document_are_manifest_problems(void **state)
{
	(void)state;
	kpix_manifest *m = NULL;
	assert_int_equal(kpix_manifest_parse(&m, "m.json", "  \n", 3), KPIX_EMANIFEST);
	assert_non_null(strstr(kpix_error_last(), "m.json: the manifest file is empty"));
	assert_int_equal(kpix_manifest_parse(&m, "m.json", "{\"a\": 1, \"a\": 2}", 16),
	                 KPIX_EMANIFEST);
	assert_non_null(strstr(kpix_error_last(), "not valid JSON"));
	assert_int_equal(kpix_manifest_load(&m, "/nonexistent/manifest.json"), KPIX_EIO);
	assert_non_null(strstr(kpix_error_last(), "cannot read manifest '/nonexistent/"));
	assert_null(m);
}

/* The writer writes nothing its reader would refuse: the run then fails
 * before its commit, instead of recording what kpix verify cannot read. */
static void manifest__writing_refuses_what_reading_would_refuse(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/kpix-test-manifest.XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	kpix_manifest *m = small_export();
	kpix_outdir *od = NULL;
	assert_int_equal(kpix_outdir_open(&od, tmpl, NULL, 0), 0);
	free(m->inputs[0].name);
	m->inputs[0].name = kpix_xstrdup("q2\x1b[8m.csv");
	assert_int_equal(kpix_manifest_write(m, od), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "inputs[0].name"));
	free(m->inputs[0].name);
	m->inputs[0].name = kpix_xstrdup("q2\xff.csv");
	assert_int_equal(kpix_manifest_write(m, od), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "its name is not valid UTF-8"));
	free(m->params[0]);
	m->params[0] = kpix_xstrdup("contact=\xc3");
	free(m->inputs[0].name);
	m->inputs[0].name = kpix_xstrdup("q2.csv");
	assert_int_equal(kpix_manifest_write(m, od), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "its parameters"));
	assert_int_equal(kpix_outdir_count(od), 0);
	free(m->params[0]);
	m->params[0] = kpix_xstrdup("contact=ok");
	assert_int_equal(kpix_manifest_write(m, od), 0);
	assert_int_equal(kpix_outdir_commit(od), 0);
	kpix_outdir_free(od);
	char *path = kpix_xasprintf("%s/manifest.json", tmpl);
	kpix_manifest *back = NULL;
	assert_int_equal(kpix_manifest_load(&back, path), 0);
	assert_same_manifest(m, back);
	kpix_manifest_free(back);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(tmpl), 0);
	free(path);
	kpix_manifest_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(manifest__an_export_written_and_read_back_is_the_same),
		cmocka_unit_test(manifest__a_pack_written_and_read_back_is_the_same),
		cmocka_unit_test(manifest__an_exports_manifest_is_written_again_byte_for_byte),
		cmocka_unit_test(manifest__a_packs_manifest_is_written_again_byte_for_byte),
		cmocka_unit_test(manifest__a_new_manifest_records_the_running_versions),
		cmocka_unit_test(manifest__hashing_a_file_that_cannot_be_read_is_an_io_error),
		cmocka_unit_test(manifest__a_name_with_a_directory_is_refused_when_read),
		cmocka_unit_test(manifest__a_date_no_workbook_can_carry_is_refused),
		cmocka_unit_test(manifest__options_are_checked_as_the_command_line_checks_them),
		cmocka_unit_test(manifest__file_names_follow_the_rule_of_output_names),
		cmocka_unit_test(manifest__sizes_hashes_and_ids_are_checked),
		cmocka_unit_test(manifest__an_unknown_key_is_refused),
		cmocka_unit_test(manifest__problems_of_the_document_are_manifest_problems),
		cmocka_unit_test(manifest__writing_refuses_what_reading_would_refuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
