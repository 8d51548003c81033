/* test_verify.c - kpix_verify: an export or a board pack verifies as it
 * was written, and each way it can stop verifying (an output altered or
 * deleted, an input, the schema or a pack's definition changed, a re-run
 * that writes other bytes, a manifest that misstates what it read) is
 * named. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "kpix/kpix.h"
#include "util.h"
#include "testdir.h"

#define SCHEMA                                                                                  \
	"{\"$kpix\": \"schema/1\", \"id\": \"mini\", \"version\": \"1\",\n"                          \
	" \"fields\": [{\"name\": \"org\", \"constraints\": {\"required\": true}},\n"                 \
	"   {\"name\": \"code\"}, {\"name\": \"value\", \"type\": \"number\"}],\n"                   \
	" \"parameters\": [{\"name\": \"contact\"}],\n"                                               \
	" \"exports\": [\n"                                                                          \
	"  {\"name\": \"mini-csv\", \"format\": \"csv\", \"file\": \"return {org}.csv\",\n"          \
	"   \"columns\": [{\"heading\": \"org\", \"value\": \"org\"},\n"                              \
	"     {\"heading\": \"code\", \"value\": \"code\"},\n"                                        \
	"     {\"heading\": \"value\", \"value\": \"value\", \"decimals\": 2},\n"                     \
	"     {\"heading\": \"contact\", \"value\": \"param.contact\"}]},\n"                          \
	"  {\"name\": \"mini-xlsx\", \"format\": \"xlsx\", \"file\": \"return {org}.xlsx\",\n"       \
	"   \"sheets\": [{\"name\": \"Return\", \"title\": \"Return for {org}\",\n"                   \
	"     \"columns\": [{\"heading\": \"Code\", \"value\": \"code\"},\n"                          \
	"       {\"heading\": \"Value\", \"value\": \"value\", \"decimals\": 1}]}]}]}\n"

#define DATA "org,code,value\nNorth Hill,A1,2.675\nNorth Hill,A2,-1\n"
#define CSV_OUT "return-North-Hill.csv"
#define XLSX_OUT "return-North-Hill.xlsx"

typedef struct {
	char dir[64];
	char *schema, *data, *out, *manifest, *scratch;
	kpix_verify_result *result;
} fx;

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* Exports DATA with SCHEMA into DIR/out, as an auditor later finds it. */
static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kpix-test-verify-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	f->schema = kpix_xasprintf("%s/mini.json", f->dir);
	f->data = kpix_xasprintf("%s/data.csv", f->dir);
	f->out = kpix_xasprintf("%s/out", f->dir);
	f->manifest = kpix_xasprintf("%s/out/manifest.json", f->dir);
	f->scratch = kpix_xasprintf("%s/scratch", f->dir);
	write_file(f->schema, SCHEMA);
	write_file(f->data, DATA);
	mkdir(f->scratch, 0777);
	kpix_schema *s = NULL;
	kpix_result *ex = NULL;
	kpix_export_options eo = KPIX_EXPORT_OPTIONS_INIT;
	const char *params[] = {"contact=Performance team"};
	const char *files[] = {f->data};
	eo.out_dir = f->out;
	eo.params = params;
	eo.nparams = 1;
	int rc = kpix_schema_load(&s, f->schema, NULL) || kpix_export(&ex, s, files, 1, &eo) ||
	         !kpix_result_written(ex);
	kpix_result_free(ex);
	kpix_schema_free(s);
	*state = f;
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	kpix_verify_free(f->result);
	remove_tree(f->dir);
	free(f->schema);
	free(f->data);
	free(f->out);
	free(f->manifest);
	free(f->scratch);
	free(f);
	return 0;
}

/* Verifies with the data and schema given, the scratch directory made in
 * DIR/scratch so that a test can see it is removed. */
static int verify(fx *f)
{
	kpix_verify_options o = KPIX_VERIFY_OPTIONS_INIT;
	const char *data[] = {f->data};
	o.data = data;
	o.ndata = 1;
	o.schema = f->schema;
	o.scratch_parent = f->scratch;
	kpix_verify_free(f->result);
	f->result = NULL;
	return kpix_verify(&f->result, f->manifest, &o);
}

/* The file of that kind and name in the result. */
static const kpix_verify_file *file_named(fx *f, kpix_verify_kind kind, const char *name)
{
	for (size_t i = 0; i < kpix_verify_file_count(f->result); i++) {
		const kpix_verify_file *vf = kpix_verify_file_get(f->result, i);
		if (vf->kind == kind && strcmp(vf->name, name) == 0)
			return vf;
	}
	fail_msg("no file %s in the result", name);
	return NULL;
}

static bool has_error_note(fx *f, const char *part)
{
	for (size_t i = 0; i < kpix_verify_note_count(f->result); i++) {
		const kpix_verify_note *n = kpix_verify_note_get(f->result, i);
		if (n->severity == KPIX_SEVERITY_ERROR && strstr(n->message, part))
			return true;
	}
	return false;
}

static bool scratch_is_empty(fx *f)
{
	DIR *d = opendir(f->scratch);
	struct dirent *e;
	size_t n = 0;
	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	return d && n == 0;
}

/* Flips the last byte of DIR/out/name. */
static void alter(fx *f, const char *name)
{
	char *p = kpix_xasprintf("%s/%s", f->out, name);
	FILE *fp = fopen(p, "r+b");
	assert_non_null(fp);
	fseek(fp, -1, SEEK_END);
	int c = fgetc(fp);
	fseek(fp, -1, SEEK_END);
	fputc(c ^ 1, fp);
	fclose(fp);
	free(p);
}

static void verify__an_export_as_written_verifies(void **state)
{
	fx *f = *state;
	assert_int_equal(verify(f), KPIX_OK);
	assert_true(kpix_verify_ok(f->result));
	assert_true(kpix_verify_reran(f->result));
	assert_int_equal(kpix_verify_file_count(f->result), 4);
	const kpix_verify_file *s = kpix_verify_file_get(f->result, 0);
	assert_int_equal(s->kind, KPIX_VERIFY_SCHEMA);
	assert_string_equal(s->name, "mini.json");
	assert_int_equal(s->state, KPIX_VERIFY_SAME);
	const kpix_verify_file *in = file_named(f, KPIX_VERIFY_INPUT, "data.csv");
	assert_int_equal(in->state, KPIX_VERIFY_SAME);
	assert_string_equal(in->path, f->data);
	for (size_t i = 2; i < 4; i++) {
		const kpix_verify_file *o = kpix_verify_file_get(f->result, i);
		assert_int_equal(o->kind, KPIX_VERIFY_OUTPUT);
		assert_int_equal(o->state, KPIX_VERIFY_SAME);
		assert_int_equal(o->rerun, KPIX_VERIFY_SAME);
	}
	assert_int_equal(kpix_verify_note_count(f->result), 0);
	assert_string_equal(kpix_verify_schema_id(f->result), "mini");
	assert_true(scratch_is_empty(f));
}

static void verify__an_output_altered_after_the_export_is_named(void **state)
{
	fx *f = *state;
	alter(f, XLSX_OUT);
	assert_int_equal(verify(f), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	const kpix_verify_file *x = file_named(f, KPIX_VERIFY_OUTPUT, XLSX_OUT);
	assert_int_equal(x->state, KPIX_VERIFY_CHANGED);
	/* the re-run still gives what the manifest records: the file was altered */
	assert_int_equal(x->rerun, KPIX_VERIFY_SAME);
	assert_int_equal(file_named(f, KPIX_VERIFY_OUTPUT, CSV_OUT)->state, KPIX_VERIFY_SAME);
}

static void verify__a_deleted_output_is_named_missing(void **state)
{
	fx *f = *state;
	char *p = kpix_xasprintf("%s/%s", f->out, CSV_OUT);
	assert_int_equal(unlink(p), 0);
	free(p);
	assert_int_equal(verify(f), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	const kpix_verify_file *c = file_named(f, KPIX_VERIFY_OUTPUT, CSV_OUT);
	assert_int_equal(c->state, KPIX_VERIFY_MISSING);
	assert_int_equal(c->rerun, KPIX_VERIFY_SAME);
	assert_int_equal(file_named(f, KPIX_VERIFY_OUTPUT, XLSX_OUT)->state, KPIX_VERIFY_SAME);
}

static void verify__an_altered_input_is_named_and_the_export_not_rerun(void **state)
{
	fx *f = *state;
	write_file(f->data, "org,code,value\nNorth Hill,A1,2.675\nNorth Hill,A2,-2\n");
	assert_int_equal(verify(f), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_false(kpix_verify_reran(f->result));
	assert_int_equal(file_named(f, KPIX_VERIFY_INPUT, "data.csv")->state, KPIX_VERIFY_CHANGED);
	assert_int_equal(file_named(f, KPIX_VERIFY_OUTPUT, CSV_OUT)->rerun, KPIX_VERIFY_UNCHECKED);
	assert_true(has_error_note(f, "not re-run"));
	assert_true(scratch_is_empty(f));
}

static void verify__a_changed_schema_is_named(void **state)
{
	fx *f = *state;
	write_file(f->schema, SCHEMA " ");
	assert_int_equal(verify(f), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_int_equal(file_named(f, KPIX_VERIFY_SCHEMA, "mini.json")->state, KPIX_VERIFY_CHANGED);
	assert_false(kpix_verify_reran(f->result));
}

static void verify__inputs_are_found_beside_the_manifest_when_not_given(void **state)
{
	fx *f = *state;
	char *in_out = kpix_xasprintf("%s/data.csv", f->out);
	char *schema_out = kpix_xasprintf("%s/mini.json", f->out);
	assert_int_equal(rename(f->data, in_out), 0);
	assert_int_equal(rename(f->schema, schema_out), 0);
	kpix_verify_options o = KPIX_VERIFY_OPTIONS_INIT;
	o.scratch_parent = f->scratch;
	assert_int_equal(kpix_verify(&f->result, f->manifest, &o), KPIX_OK);
	assert_true(kpix_verify_ok(f->result));
	assert_string_equal(file_named(f, KPIX_VERIFY_INPUT, "data.csv")->path, in_out);
	assert_string_equal(file_named(f, KPIX_VERIFY_SCHEMA, "mini.json")->path, schema_out);
	kpix_verify_free(f->result);
	f->result = NULL;

	/* and an input found nowhere is named missing */
	assert_int_equal(unlink(in_out), 0);
	assert_int_equal(kpix_verify(&f->result, f->manifest, &o), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	const kpix_verify_file *in = file_named(f, KPIX_VERIFY_INPUT, "data.csv");
	assert_int_equal(in->state, KPIX_VERIFY_MISSING);
	assert_null(in->path);
	free(in_out);
	free(schema_out);
}

/* Rewrites the manifest through fn. */
static void edit_manifest(fx *f, void (*fn)(fx *, json_t *))
{
	json_error_t err;
	json_t *m = json_load_file(f->manifest, 0, &err);
	assert_non_null(m);
	fn(f, m);
	assert_int_equal(json_dump_file(m, f->manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
	json_decref(m);
}

/* Records the workbook's bytes as they are now, as if the export had
 * written them: the file in DIR then matches the manifest and only the
 * re-run can tell. */
static void record_xlsx_as_it_is(fx *f, json_t *m)
{
	char *p = kpix_xasprintf("%s/%s", f->out, XLSX_OUT);
	char hex[KPIX_SHA256_HEX_SIZE];
	uint64_t size = 0;
	assert_int_equal(kpix_sha256_file(p, hex, &size), 0);
	json_t *o = json_array_get(json_object_get(m, "outputs"), 1);
	assert_string_equal(json_string_value(json_object_get(o, "name")), XLSX_OUT);
	json_object_set_new(o, "sha256", json_string(hex));
	json_object_set_new(o, "size", json_integer((json_int_t)size));
	free(p);
}

static void verify__a_rerun_that_writes_other_bytes_is_not_reproduced(void **state)
{
	fx *f = *state;
	alter(f, XLSX_OUT);
	edit_manifest(f, record_xlsx_as_it_is);
	assert_int_equal(verify(f), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	const kpix_verify_file *x = file_named(f, KPIX_VERIFY_OUTPUT, XLSX_OUT);
	assert_int_equal(x->state, KPIX_VERIFY_SAME);
	assert_int_equal(x->rerun, KPIX_VERIFY_CHANGED);
	assert_int_equal(file_named(f, KPIX_VERIFY_OUTPUT, CSV_OUT)->rerun, KPIX_VERIFY_SAME);
	assert_true(scratch_is_empty(f));
}

static void drop_csv_output(fx *f, json_t *m)
{
	(void)f;
	json_array_remove(json_object_get(m, "outputs"), 0);
}

static void verify__an_output_the_manifest_does_not_list_is_extra(void **state)
{
	fx *f = *state;
	edit_manifest(f, drop_csv_output);
	assert_int_equal(verify(f), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	const kpix_verify_file *c = file_named(f, KPIX_VERIFY_OUTPUT, CSV_OUT);
	assert_false(c->recorded);
	assert_true(file_named(f, KPIX_VERIFY_OUTPUT, XLSX_OUT)->recorded);
}

static void miscount_rows(fx *f, json_t *m)
{
	(void)f;
	json_object_set_new(json_object_get(m, "reconciliation"), "rows_read", json_integer(3));
}

static void verify__a_manifest_that_misstates_the_rows_does_not_verify(void **state)
{
	fx *f = *state;
	edit_manifest(f, miscount_rows);
	assert_int_equal(verify(f), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_true(has_error_note(f, "records 3 rows read"));
}

static void verify__a_manifest_that_is_not_json_is_refused_with_its_path(void **state)
{
	fx *f = *state;
	write_file(f->manifest, "{\"manifest\": \"kpix-manifest/1\",\n");
	assert_int_equal(verify(f), KPIX_EMANIFEST);
	assert_null(f->result);
	assert_non_null(strstr(kpix_error_last(), f->manifest));
	assert_non_null(strstr(kpix_error_last(), "not valid JSON"));
}

static void verify__a_manifest_of_another_format_is_refused(void **state)
{
	fx *f = *state;
	write_file(f->manifest, "{\"manifest\": \"kpix-manifest/9\"}\n");
	assert_int_equal(verify(f), KPIX_EMANIFEST);
	assert_non_null(strstr(kpix_error_last(), "kpix-manifest/9"));
	write_file(f->manifest, "[1, 2]\n");
	assert_int_equal(verify(f), KPIX_EMANIFEST);
	assert_non_null(strstr(kpix_error_last(), "not a kpix manifest"));
}

static void name_outside_dir(fx *f, json_t *m)
{
	(void)f;
	json_object_set_new(json_array_get(json_object_get(m, "outputs"), 0), "name",
	                    json_string("../data.csv"));
}

static void verify__a_manifest_naming_a_file_outside_its_directory_is_refused(void **state)
{
	fx *f = *state;
	edit_manifest(f, name_outside_dir);
	assert_int_equal(verify(f), KPIX_EMANIFEST);
	assert_non_null(strstr(kpix_error_last(), "outputs[0].name"));
}

static void verify__a_missing_manifest_is_an_io_error(void **state)
{
	fx *f = *state;
	assert_int_equal(unlink(f->manifest), 0);
	assert_int_equal(verify(f), KPIX_EIO);
	assert_non_null(strstr(kpix_error_last(), "manifest.json"));
}

static void verify__a_data_file_that_is_not_a_recorded_input_is_a_usage_error(void **state)
{
	fx *f = *state;
	kpix_verify_options o = KPIX_VERIFY_OPTIONS_INIT;
	const char *data[] = {"/elsewhere/other.csv"};
	o.data = data;
	o.ndata = 1;
	o.schema = f->schema;
	assert_int_equal(kpix_verify(&f->result, f->manifest, &o), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "data.csv"));
}

/* An export that read last period's file (--previous) records it; verify
 * checks it like an input and gives it to the re-run. */
static void verify__last_periods_file_is_checked_and_used_again(void **state)
{
	fx *f = *state;
	char *last = kpix_xasprintf("%s/last.csv", f->dir);
	char *out = kpix_xasprintf("%s/outp", f->dir);
	char *manifest = kpix_xasprintf("%s/outp/manifest.json", f->dir);
	write_file(last, "org,code,value\nNorth Hill,A1,1.5\n");
	kpix_schema *s = NULL;
	kpix_result *ex = NULL;
	kpix_export_options eo = KPIX_EXPORT_OPTIONS_INIT;
	const char *files[] = {f->data};
	eo.out_dir = out;
	eo.previous = last;
	assert_int_equal(kpix_schema_load(&s, f->schema, NULL), 0);
	assert_int_equal(kpix_export(&ex, s, files, 1, &eo), 0);
	assert_true(kpix_result_written(ex));
	kpix_result_free(ex);
	kpix_schema_free(s);

	kpix_verify_options o = KPIX_VERIFY_OPTIONS_INIT;
	const char *data[] = {f->data, last};
	o.data = data;
	o.ndata = 2;
	o.schema = f->schema;
	o.scratch_parent = f->scratch;
	assert_int_equal(kpix_verify(&f->result, manifest, &o), KPIX_OK);
	assert_true(kpix_verify_ok(f->result));
	const kpix_verify_file *p = file_named(f, KPIX_VERIFY_PREVIOUS, "last.csv");
	assert_non_null(p);
	assert_int_equal(p->state, KPIX_VERIFY_SAME);

	write_file(last, "org,code,value\nNorth Hill,A1,1.6\n");
	kpix_verify_free(f->result);
	f->result = NULL;
	assert_int_equal(kpix_verify(&f->result, manifest, &o), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_false(kpix_verify_reran(f->result));
	assert_int_equal(file_named(f, KPIX_VERIFY_PREVIOUS, "last.csv")->state, KPIX_VERIFY_CHANGED);
	free(last);
	free(out);
	free(manifest);
}

/* An HTML page (issue 13) is recorded with its format, re-run and compared
 * byte for byte as a workbook is, and a page edited after the export is
 * named. */
static void verify__an_html_page_is_rerun_and_an_edited_one_named(void **state)
{
	fx *f = *state;
	char *schema = kpix_xasprintf("%s/page.json", f->dir);
	char *out = kpix_xasprintf("%s/page-out", f->dir);
	write_file(schema,
	           "{\"$kpix\": \"schema/1\", \"id\": \"page\", \"version\": \"1\",\n"
	           " \"fields\": [{\"name\": \"org\", \"constraints\": {\"required\": true}},\n"
	           "   {\"name\": \"code\"}, {\"name\": \"value\", \"type\": \"number\"}],\n"
	           " \"exports\": [{\"name\": \"page\", \"format\": \"html\", \"file\": \"{org}.html\",\n"
	           "   \"title\": \"Return for {org}\", \"sheets\": [{\"name\": \"Rows\",\n"
	           "   \"columns\": [{\"heading\": \"Code\", \"value\": \"code\"},\n"
	           "     {\"heading\": \"Value\", \"value\": \"value\"}]}]}]}\n");
	kpix_schema *s = NULL;
	kpix_result *ex = NULL;
	kpix_export_options eo = KPIX_EXPORT_OPTIONS_INIT;
	const char *files[] = {f->data};
	eo.out_dir = out;
	assert_int_equal(kpix_schema_load(&s, schema, NULL), KPIX_OK);
	assert_int_equal(kpix_export(&ex, s, files, 1, &eo), KPIX_OK);
	assert_true(kpix_result_written(ex));
	kpix_result_free(ex);
	kpix_schema_free(s);

	free(f->schema);
	free(f->out);
	free(f->manifest);
	f->schema = schema;
	f->out = out;
	f->manifest = kpix_xasprintf("%s/manifest.json", out);
	assert_int_equal(verify(f), KPIX_OK);
	assert_true(kpix_verify_ok(f->result));
	const kpix_verify_file *o = file_named(f, KPIX_VERIFY_OUTPUT, "North-Hill.html");
	assert_int_equal(o->state, KPIX_VERIFY_SAME);
	assert_int_equal(o->rerun, KPIX_VERIFY_SAME);

	alter(f, "North-Hill.html");
	assert_int_equal(verify(f), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_int_equal(file_named(f, KPIX_VERIFY_OUTPUT, "North-Hill.html")->state,
	                 KPIX_VERIFY_CHANGED);
}

static void verify__another_working_directory_and_time_zone_still_verify(void **state)
{
	fx *f = *state;
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->out), 0);
	setenv("TZ", "Pacific/Auckland", 1);
	char *schema = f->schema, *data = f->data, *manifest = f->manifest;
	f->schema = kpix_xstrdup("../mini.json");
	f->data = kpix_xstrdup("../data.csv");
	f->manifest = kpix_xstrdup("manifest.json");
	int rc = verify(f);
	bool ok = kpix_verify_ok(f->result);
	free(f->schema);
	free(f->data);
	free(f->manifest);
	f->schema = schema;
	f->data = data;
	f->manifest = manifest;
	unsetenv("TZ");
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rc, KPIX_OK);
	assert_true(ok);
}

/* ---------------------------------------------------------------- packs */

/* The housing board example: the shipped schema and definition and the
 * six quarters of history, copied into a scratch directory so that a test
 * can change them. */
#define SHIPPED KPIX_TEST_DATA "/.."
#define NHISTORY 6
static const char *const HISTORY[NHISTORY] = {"2024-25-q1.csv", "2024-25-q2.csv",
                                              "2024-25-q3.csv", "2024-25-q4.csv",
                                              "2025-26-q1.csv", "2025-26-q2.csv"};
#define PACK_XLSX "housing-board-2025-26-Q2.xlsx"
#define PACK_CSV "housing-board-2025-26-Q2-summary.csv"

typedef struct {
	char dir[64];
	char *schema, *def, *history[NHISTORY], *out, *manifest, *scratch, *nowhere;
	kpix_verify_result *result;
} pfx;

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	assert_non_null(in);
	FILE *out = fopen(to, "wb");
	assert_non_null(out);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* Packs the copies into DIR/pack with kpix_pack, given the copied schema
 * rather than the shipped one the definition's id would find. */
static int setup_pack(void **state)
{
	pfx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kpix-test-verify-pack-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	f->schema = kpix_xasprintf("%s/council-kpi-quarterly.json", f->dir);
	f->def = kpix_xasprintf("%s/housing-board.json", f->dir);
	f->out = kpix_xasprintf("%s/pack", f->dir);
	f->manifest = kpix_xasprintf("%s/pack/manifest.json", f->dir);
	f->scratch = kpix_xasprintf("%s/scratch", f->dir);
	f->nowhere = kpix_xasprintf("%s/no-schemas-here", f->dir);
	mkdir(f->scratch, 0777);
	mkdir(f->nowhere, 0777);
	copy_file(SHIPPED "/schemas/council-kpi-quarterly.json", f->schema);
	copy_file(SHIPPED "/schemas/packs/housing-board.json", f->def);
	for (size_t i = 0; i < NHISTORY; i++) {
		char *from = kpix_xasprintf("%s/examples/housing-board/%s", SHIPPED, HISTORY[i]);
		f->history[i] = kpix_xasprintf("%s/%s", f->dir, HISTORY[i]);
		copy_file(from, f->history[i]);
		free(from);
	}
	kpix_pack_options po = KPIX_PACK_OPTIONS_INIT;
	po.out_dir = f->out;
	po.period = "2025-26 Q2";
	kpix_packdef *def = NULL;
	kpix_schema *schema = NULL;
	kpix_result *pr = NULL;
	int rc = kpix_packdef_load(&def, f->def, f->nowhere);
	if (!rc)
		rc = kpix_schema_load(&schema, f->schema, f->nowhere);
	if (!rc)
		rc = kpix_pack(&pr, schema, def, (const char *const *)f->history, NHISTORY, &po);
	bool written = kpix_result_written(pr);
	kpix_result_free(pr);
	kpix_schema_free(schema);
	kpix_packdef_free(def);
	*state = f;
	return rc || !written ? -1 : 0;
}

static int teardown_pack(void **state)
{
	pfx *f = *state;
	kpix_verify_free(f->result);
	remove_tree(f->dir);
	free(f->schema);
	free(f->def);
	for (size_t i = 0; i < NHISTORY; i++)
		free(f->history[i]);
	free(f->out);
	free(f->manifest);
	free(f->scratch);
	free(f->nowhere);
	free(f);
	return 0;
}

/* Verifies with the history, schema and definition given (schema_path
 * holds neither, so nothing shipped is used), the scratch directory made
 * in DIR/scratch. */
static int verify_pack(pfx *f, const char *pack)
{
	kpix_verify_options o = KPIX_VERIFY_OPTIONS_INIT;
	o.data = (const char *const *)f->history;
	o.ndata = NHISTORY;
	o.schema = f->schema;
	o.pack = pack;
	o.schema_path = f->nowhere;
	o.scratch_parent = f->scratch;
	kpix_verify_free(f->result);
	f->result = NULL;
	return kpix_verify(&f->result, f->manifest, &o);
}

static const kpix_verify_file *pack_file(pfx *f, kpix_verify_kind kind, const char *name)
{
	for (size_t i = 0; i < kpix_verify_file_count(f->result); i++) {
		const kpix_verify_file *vf = kpix_verify_file_get(f->result, i);
		if (vf->kind == kind && strcmp(vf->name, name) == 0)
			return vf;
	}
	fail_msg("no file %s in the result", name);
	return NULL;
}

static bool pack_note(pfx *f, kpix_severity sev, const char *part)
{
	for (size_t i = 0; i < kpix_verify_note_count(f->result); i++) {
		const kpix_verify_note *n = kpix_verify_note_get(f->result, i);
		if (n->severity == sev && strstr(n->message, part))
			return true;
	}
	return false;
}

static bool pack_scratch_is_empty(pfx *f)
{
	DIR *d = opendir(f->scratch);
	struct dirent *e;
	size_t n = 0;
	while (d && (e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	if (d)
		closedir(d);
	return d && n == 0;
}

/* Rewrites the pack's manifest through fn. */
static void edit_pack_manifest(pfx *f, void (*fn)(json_t *))
{
	json_error_t err;
	json_t *m = json_load_file(f->manifest, 0, &err);
	assert_non_null(m);
	fn(m);
	assert_int_equal(json_dump_file(m, f->manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
	json_decref(m);
}

static void verify__a_pack_as_written_verifies(void **state)
{
	pfx *f = *state;
	assert_int_equal(verify_pack(f, f->def), KPIX_OK);
	assert_true(kpix_verify_ok(f->result));
	assert_true(kpix_verify_reran(f->result));
	assert_true(kpix_verify_is_pack(f->result));
	assert_string_equal(kpix_verify_pack_id(f->result), "housing-board");
	assert_string_equal(kpix_verify_period(f->result), "2025-26 Q2");
	assert_string_equal(kpix_verify_schema_id(f->result), "council-kpi-quarterly");
	/* the schema, the definition, the six quarters, the two outputs */
	assert_int_equal(kpix_verify_file_count(f->result), 2 + NHISTORY + 2);
	const kpix_verify_file *s = kpix_verify_file_get(f->result, 0);
	assert_int_equal(s->kind, KPIX_VERIFY_SCHEMA);
	assert_int_equal(s->state, KPIX_VERIFY_SAME);
	const kpix_verify_file *d = kpix_verify_file_get(f->result, 1);
	assert_int_equal(d->kind, KPIX_VERIFY_PACK);
	assert_string_equal(d->name, "housing-board.json");
	assert_string_equal(d->path, f->def);
	assert_int_equal(d->state, KPIX_VERIFY_SAME);
	assert_int_equal(d->rerun, KPIX_VERIFY_UNCHECKED);
	for (size_t i = 0; i < NHISTORY; i++) {
		const kpix_verify_file *in = kpix_verify_file_get(f->result, 2 + i);
		assert_int_equal(in->kind, KPIX_VERIFY_INPUT);
		assert_string_equal(in->name, HISTORY[i]);
		assert_int_equal(in->state, KPIX_VERIFY_SAME);
	}
	const char *outs[] = {PACK_XLSX, PACK_CSV};
	for (size_t i = 0; i < 2; i++) {
		const kpix_verify_file *o = kpix_verify_file_get(f->result, 2 + NHISTORY + i);
		assert_int_equal(o->kind, KPIX_VERIFY_OUTPUT);
		assert_string_equal(o->name, outs[i]);
		assert_int_equal(o->state, KPIX_VERIFY_SAME);
		assert_int_equal(o->rerun, KPIX_VERIFY_SAME);
	}
	assert_int_equal(kpix_verify_note_count(f->result), 0);
	assert_true(pack_scratch_is_empty(f));
}

static void verify__a_packs_altered_output_is_named(void **state)
{
	pfx *f = *state;
	char *p = kpix_xasprintf("%s/%s", f->out, PACK_CSV);
	FILE *fp = fopen(p, "ab");
	assert_non_null(fp);
	fputs("Invented,row\n", fp);
	fclose(fp);
	free(p);
	assert_int_equal(verify_pack(f, f->def), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_true(kpix_verify_reran(f->result));
	const kpix_verify_file *c = pack_file(f, KPIX_VERIFY_OUTPUT, PACK_CSV);
	assert_int_equal(c->state, KPIX_VERIFY_CHANGED);
	/* the re-run still gives what the manifest records: the file was altered */
	assert_int_equal(c->rerun, KPIX_VERIFY_SAME);
	assert_int_equal(pack_file(f, KPIX_VERIFY_OUTPUT, PACK_XLSX)->state, KPIX_VERIFY_SAME);
}

static void verify__a_changed_history_file_is_named_and_the_pack_not_rerun(void **state)
{
	pfx *f = *state;
	FILE *fp = fopen(f->history[4], "ab");
	assert_non_null(fp);
	fputs("\n", fp);
	fclose(fp);
	assert_int_equal(verify_pack(f, f->def), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_false(kpix_verify_reran(f->result));
	assert_int_equal(pack_file(f, KPIX_VERIFY_INPUT, HISTORY[4])->state, KPIX_VERIFY_CHANGED);
	assert_int_equal(pack_file(f, KPIX_VERIFY_INPUT, HISTORY[3])->state, KPIX_VERIFY_SAME);
	assert_int_equal(pack_file(f, KPIX_VERIFY_OUTPUT, PACK_XLSX)->rerun, KPIX_VERIFY_UNCHECKED);
	assert_true(pack_note(f, KPIX_SEVERITY_ERROR, "the pack was not re-run"));
	assert_true(pack_scratch_is_empty(f));
}

static void verify__a_changed_pack_definition_is_named_and_the_pack_not_rerun(void **state)
{
	pfx *f = *state;
	FILE *fp = fopen(f->def, "ab");
	assert_non_null(fp);
	fputs(" ", fp);
	fclose(fp);
	assert_int_equal(verify_pack(f, f->def), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_false(kpix_verify_reran(f->result));
	const kpix_verify_file *d = pack_file(f, KPIX_VERIFY_PACK, "housing-board.json");
	assert_int_equal(d->state, KPIX_VERIFY_CHANGED);
	assert_string_equal(d->path, f->def);
	assert_int_equal(pack_file(f, KPIX_VERIFY_SCHEMA, "council-kpi-quarterly.json")->state,
	                 KPIX_VERIFY_SAME);
}

static void edit_fingerprint(json_t *m)
{
	const char *fp = json_string_value(json_object_get(m, "fingerprint"));
	assert_non_null(fp);
	char edited[KPIX_SHA256_HEX_SIZE];
	memcpy(edited, fp, sizeof(edited));
	edited[0] = edited[0] == '0' ? '1' : '0';
	json_object_set_new(m, "fingerprint", json_string(edited));
}

/* The fingerprint is on the workbook's cover, but the manifest records it
 * too: one edited there is caught by the re-run, whose outputs all match. */
static void verify__a_pack_manifest_with_an_edited_fingerprint_does_not_verify(void **state)
{
	pfx *f = *state;
	edit_pack_manifest(f, edit_fingerprint);
	assert_int_equal(verify_pack(f, f->def), KPIX_OK);
	assert_true(kpix_verify_reran(f->result));
	assert_false(kpix_verify_ok(f->result));
	assert_true(pack_note(f, KPIX_SEVERITY_ERROR, "fingerprint"));
	assert_int_equal(pack_file(f, KPIX_VERIFY_OUTPUT, PACK_XLSX)->rerun, KPIX_VERIFY_SAME);
	assert_int_equal(pack_file(f, KPIX_VERIFY_OUTPUT, PACK_CSV)->rerun, KPIX_VERIFY_SAME);
}

static void miscount_shown(json_t *m)
{
	json_t *rec = json_object_get(m, "reconciliation");
	json_object_set_new(rec, "rows_shown",
	                    json_integer(json_integer_value(json_object_get(rec, "rows_shown")) - 1));
}

static void verify__a_pack_manifest_that_misstates_its_rows_does_not_verify(void **state)
{
	pfx *f = *state;
	edit_pack_manifest(f, miscount_shown);
	assert_int_equal(verify_pack(f, f->def), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_true(pack_note(f, KPIX_SEVERITY_ERROR, "116 shown"));
}

/* Without --pack: the recorded file in DIR, else packs/ID.json on the
 * schema path. */
static void verify__a_pack_definition_is_found_beside_the_manifest_or_by_id(void **state)
{
	pfx *f = *state;
	char *beside = kpix_xasprintf("%s/housing-board.json", f->out);
	assert_int_equal(rename(f->def, beside), 0);
	assert_int_equal(verify_pack(f, NULL), KPIX_OK);
	assert_true(kpix_verify_ok(f->result));
	assert_string_equal(pack_file(f, KPIX_VERIFY_PACK, "housing-board.json")->path, beside);

	/* nowhere: named missing, and not re-run */
	assert_int_equal(unlink(beside), 0);
	assert_int_equal(verify_pack(f, NULL), KPIX_OK);
	assert_false(kpix_verify_ok(f->result));
	assert_false(kpix_verify_reran(f->result));
	const kpix_verify_file *d = pack_file(f, KPIX_VERIFY_PACK, "housing-board.json");
	assert_int_equal(d->state, KPIX_VERIFY_MISSING);
	assert_null(d->path);

	/* by its id, on the schema path */
	kpix_verify_options o = KPIX_VERIFY_OPTIONS_INIT;
	o.data = (const char *const *)f->history;
	o.ndata = NHISTORY;
	o.schema_path = SHIPPED "/schemas";
	o.scratch_parent = f->scratch;
	kpix_verify_free(f->result);
	f->result = NULL;
	assert_int_equal(kpix_verify(&f->result, f->manifest, &o), KPIX_OK);
	assert_true(kpix_verify_ok(f->result));
	assert_non_null(strstr(pack_file(f, KPIX_VERIFY_PACK, "housing-board.json")->path,
	                       "/schemas/packs/housing-board.json"));
	free(beside);
}

/* The workbook names the definition it read: the recorded bytes under
 * another name are given to the re-run under the recorded one. */
static void verify__a_pack_definition_given_under_another_name_still_verifies(void **state)
{
	pfx *f = *state;
	char *other = kpix_xasprintf("%s/my-copy.json", f->dir);
	copy_file(f->def, other);
	assert_int_equal(verify_pack(f, other), KPIX_OK);
	assert_true(kpix_verify_ok(f->result));
	assert_string_equal(pack_file(f, KPIX_VERIFY_PACK, "housing-board.json")->path, other);
	assert_true(pack_scratch_is_empty(f));
	free(other);
}

static void verify__an_unknown_pack_id_is_not_found(void **state)
{
	pfx *f = *state;
	assert_int_equal(verify_pack(f, "no-such-pack"), KPIX_ENOTFOUND);
	assert_null(f->result);
	assert_non_null(strstr(kpix_error_last(), "no-such-pack"));
}

/* --pack is for a pack's manifest. */
static void verify__a_pack_given_for_an_exports_manifest_is_a_usage_error(void **state)
{
	fx *f = *state;
	kpix_verify_options o = KPIX_VERIFY_OPTIONS_INIT;
	const char *data[] = {f->data};
	o.data = data;
	o.ndata = 1;
	o.schema = f->schema;
	o.pack = "housing-board";
	assert_int_equal(kpix_verify(&f->result, f->manifest, &o), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "--pack"));
}

/* A pipe, a device or a directory where verify looks for a file is
 * refused, naming it and what it is, before it is read: a link to
 * /dev/zero was read for ever, a pipe with no writer waited on for ever. */
static void verify__a_file_that_is_not_a_regular_file_is_refused(void **state)
{
	fx *f = *state;
	char *out = kpix_xasprintf("%s/%s", f->out, CSV_OUT);
	assert_int_equal(unlink(out), 0);
	assert_int_equal(symlink("/dev/zero", out), 0);
	assert_int_equal(verify(f), KPIX_EIO);
	assert_null(f->result);
	assert_non_null(strstr(kpix_error_last(), "as the output " CSV_OUT ": it is a device, "
	                                          "not a regular file"));
	assert_int_equal(unlink(out), 0);
	assert_int_equal(mkdir(out, 0700), 0);
	assert_int_equal(verify(f), KPIX_EIO);
	assert_non_null(strstr(kpix_error_last(), "it is a directory, not a regular file"));
	assert_int_equal(rmdir(out), 0);

	/* the data: given as a named pipe with no writer */
	assert_int_equal(unlink(f->data), 0);
	assert_int_equal(mkfifo(f->data, 0600), 0);
	assert_int_equal(verify(f), KPIX_EIO);
	assert_non_null(strstr(kpix_error_last(), "as the input data.csv: it is a pipe"));

	/* the manifest itself */
	assert_int_equal(unlink(f->manifest), 0);
	assert_int_equal(mkfifo(f->manifest, 0600), 0);
	assert_int_equal(verify(f), KPIX_EIO);
	assert_non_null(strstr(kpix_error_last(), "as a manifest: it is a pipe"));
	assert_true(scratch_is_empty(f));
	free(out);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(verify__an_export_as_written_verifies),
		T(verify__an_output_altered_after_the_export_is_named),
		T(verify__a_deleted_output_is_named_missing),
		T(verify__an_altered_input_is_named_and_the_export_not_rerun),
		T(verify__a_changed_schema_is_named),
		T(verify__inputs_are_found_beside_the_manifest_when_not_given),
		T(verify__a_rerun_that_writes_other_bytes_is_not_reproduced),
		T(verify__an_output_the_manifest_does_not_list_is_extra),
		T(verify__a_manifest_that_misstates_the_rows_does_not_verify),
		T(verify__a_manifest_that_is_not_json_is_refused_with_its_path),
		T(verify__a_manifest_of_another_format_is_refused),
		T(verify__a_manifest_naming_a_file_outside_its_directory_is_refused),
		T(verify__a_missing_manifest_is_an_io_error),
		T(verify__a_data_file_that_is_not_a_recorded_input_is_a_usage_error),
		T(verify__last_periods_file_is_checked_and_used_again),
		T(verify__another_working_directory_and_time_zone_still_verify),
		T(verify__an_html_page_is_rerun_and_an_edited_one_named),
		T(verify__a_pack_given_for_an_exports_manifest_is_a_usage_error),
		T(verify__a_file_that_is_not_a_regular_file_is_refused),
#define P(t) cmocka_unit_test_setup_teardown(t, setup_pack, teardown_pack)
		P(verify__a_pack_as_written_verifies),
		P(verify__a_packs_altered_output_is_named),
		P(verify__a_changed_history_file_is_named_and_the_pack_not_rerun),
		P(verify__a_changed_pack_definition_is_named_and_the_pack_not_rerun),
		P(verify__a_pack_manifest_with_an_edited_fingerprint_does_not_verify),
		P(verify__a_pack_manifest_that_misstates_its_rows_does_not_verify),
		P(verify__a_pack_definition_is_found_beside_the_manifest_or_by_id),
		P(verify__a_pack_definition_given_under_another_name_still_verifies),
		P(verify__an_unknown_pack_id_is_not_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
