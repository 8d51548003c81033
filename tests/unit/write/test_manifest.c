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

#include "manifest.h"
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
