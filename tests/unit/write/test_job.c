/* test_job.c - the job that export, pack and template share (job.h), held
 * to its promises one by one: its files are committed all together or not
 * at all, giving up removes its temporary files and a directory it made,
 * no output may replace an input, a file read that is not a regular file is
 * refused when a manifest is kept, nothing is begun after the commit, the
 * manifest lists the outputs in the order they were begun, and the job
 * handed over as a kpix_result names its outputs only once committed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job.h"
#include "manifest.h"
#include "testdir.h"
#include "util.h"

#define SCHEMA                                                              \
	"{\"$kpix\": \"schema/1\", \"id\": \"mini\", \"version\": \"1\",\n" \
	" \"fields\": [{\"name\": \"org\"}, {\"name\": \"value\", \"type\": \"number\"}]}\n"

typedef struct {
	char dir[64];
	char *data, *out;
	kpix_schema *schema;
	kpix_validate_options vo;
	kpix_job_spec spec;
	kpix_job *job;
} fx;

static int setup(void **state)
{
	fx *f = kpix_xcalloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kpix-test-job-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	char *schema = testdir_write(f->dir, "mini.json", SCHEMA);
	int rc = kpix_schema_load(&f->schema, schema, NULL);
	free(schema);
	if (rc)
		return -1;
	f->data = testdir_write(f->dir, "q2.csv", "org,value\nNorth Hill,1.5\nSouth Vale,2\n");
	f->out = kpix_xasprintf("%s/out", f->dir);
	f->vo = (kpix_validate_options)KPIX_VALIDATE_OPTIONS_INIT;
	f->spec = (kpix_job_spec){.kind = KPIX_MANIFEST_EXPORT,
	                          .manifest = true,
	                          .what = "an export",
	                          .out_dir = f->out,
	                          .schema = f->schema,
	                          .files = (const char *const *)&f->data,
	                          .nfiles = 1,
	                          .validate = &f->vo,
	                          .created = -1};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	kpix_result_free(f->job);
	kpix_schema_free(f->schema);
	remove_tree(f->dir);
	free(f->data);
	free(f->out);
	free(f);
	return 0;
}

/* Makes, starts and reads the job of f->spec. */
static void start(fx *f)
{
	if (kpix_job_new(&f->job, &f->spec) || kpix_job_start(f->job, NULL, NULL) ||
	    kpix_job_read(f->job))
		fail_msg("%s", kpix_error_last());
}

/* Begins the output name and writes text into its temporary file. */
static void output(fx *f, const char *name, const char *text)
{
	const char *tmp = NULL, *shown = NULL;
	if (kpix_job_begin(f->job, name, &tmp, &shown))
		fail_msg("%s", kpix_error_last());
	FILE *fp = fopen(tmp, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static bool exists(const char *dir, const char *name)
{
	char *p = kpix_xasprintf("%s/%s", dir, name);
	struct stat st;
	bool there = lstat(p, &st) == 0;
	free(p);
	return there;
}

/* How many entries dir holds (-1 when it does not exist). */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void job__a_commit_puts_every_output_and_the_manifest_in_place(void **state)
{
	fx *f = *state;
	start(f);
	output(f, "a.csv", "a\n");
	output(f, "b.csv", "b\n");
	assert_int_equal(entries(f->out), 1); /* the private directory of the temporary files */
	assert_false(exists(f->out, "a.csv"));
	assert_int_equal(kpix_job_commit(f->job), 0);
	assert_true(exists(f->out, "a.csv"));
	assert_true(exists(f->out, "b.csv"));
	assert_true(exists(f->out, "manifest.json"));
	assert_int_equal(entries(f->out), 3);
}

static void job__a_commit_that_fails_puts_nothing_in_place(void **state)
{
	fx *f = *state;
	start(f);
	output(f, "a.csv", "a\n");
	output(f, "b.csv", "b\n");
	/* b.csv becomes a directory before the commit: it cannot be replaced */
	char *b = kpix_xasprintf("%s/b.csv", f->out);
	assert_int_equal(mkdir(b, 0700), 0);
	assert_int_equal(kpix_job_commit(f->job), KPIX_EIO);
	assert_false(exists(f->out, "a.csv"));
	assert_false(exists(f->out, "manifest.json"));
	kpix_result_free(f->job);
	f->job = NULL;
	assert_int_equal(entries(f->out), 1); /* only the directory in the way */
	assert_int_equal(rmdir(b), 0);
	free(b);
}

static void job__as_a_result_it_names_its_outputs_once_committed(void **state)
{
	fx *f = *state;
	start(f);
	output(f, "a.csv", "a\n");
	output(f, "b.csv", "b\n");
	assert_false(kpix_result_written(f->job));
	assert_int_equal(kpix_result_output_count(f->job), 0);
	assert_int_equal(kpix_job_commit(f->job), 0);
	kpix_result *r = kpix_job_result(&f->job);
	assert_null(f->job);
	assert_true(kpix_result_written(r));
	assert_non_null(kpix_result_report(r));
	assert_int_equal(kpix_result_output_count(r), 2);
	assert_string_equal(kpix_result_output_name(r, 0), "a.csv");
	assert_string_equal(kpix_result_output_name(r, 1), "b.csv");
	assert_null(kpix_result_output_name(r, 2));
	kpix_result_free(r);
}

static void job__as_a_result_a_failed_commit_wrote_nothing(void **state)
{
	fx *f = *state;
	start(f);
	output(f, "a.csv", "a\n");
	char *a = kpix_xasprintf("%s/a.csv", f->out);
	assert_int_equal(mkdir(a, 0700), 0); /* in the way of the commit */
	assert_int_equal(kpix_job_commit(f->job), KPIX_EIO);
	kpix_result *r = kpix_job_result(&f->job);
	assert_false(kpix_result_written(r));
	assert_int_equal(kpix_result_output_count(r), 0);
	assert_null(kpix_result_output_name(r, 0));
	kpix_result_free(r);
	assert_int_equal(rmdir(a), 0);
	free(a);
}

static void job__a_job_never_made_is_an_empty_result(void **state)
{
	(void)state;
	kpix_job *none = NULL;
	kpix_result *r = kpix_job_result(&none);
	assert_non_null(r);
	assert_null(kpix_result_report(r));
	assert_false(kpix_result_written(r));
	assert_int_equal(kpix_result_output_count(r), 0);
	kpix_result_free(r);
}

static void job__abandoning_removes_the_temporaries_and_the_directory_it_made(void **state)
{
	fx *f = *state;
	start(f);
	output(f, "a.csv", "a\n");
	assert_int_equal(entries(f->out), 1);
	kpix_job_abandon(f->job);
	assert_int_equal(entries(f->out), -1);    /* made by the job, and gone */
	assert_non_null(kpix_result_report(f->job)); /* the report stays */
}

static void job__abandoning_leaves_a_directory_it_did_not_make(void **state)
{
	fx *f = *state;
	assert_int_equal(mkdir(f->out, 0700), 0);
	start(f);
	output(f, "a.csv", "a\n");
	kpix_job_abandon(f->job);
	assert_int_equal(entries(f->out), 0);
}

static void job__an_input_is_refused_as_an_output(void **state)
{
	fx *f = *state;
	f->spec.out_dir = f->dir; /* where q2.csv and the schema are */
	start(f);
	const char *tmp = NULL, *shown = NULL;
	assert_int_equal(kpix_job_begin(f->job, "q2.csv", &tmp, &shown), KPIX_EUSAGE);
	assert_int_equal(kpix_job_begin(f->job, "mini.json", &tmp, &shown), KPIX_EUSAGE);
	assert_null(tmp);
	assert_int_equal(kpix_job_manifest(f->job)->noutputs, 0);
}

static void job__an_input_that_is_not_a_regular_file_is_refused_with_a_manifest(void **state)
{
	fx *f = *state;
	char *fifo = kpix_xasprintf("%s/pipe.csv", f->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	const char *files[] = {fifo};
	f->spec.files = files;
	assert_int_equal(kpix_job_new(&f->job, &f->spec), KPIX_EIO);
	assert_non_null(strstr(kpix_error_last(), "pipe.csv"));
	kpix_result_free(f->job);
	f->job = NULL;
	/* a template keeps no manifest and reads no data: nothing to refuse */
	f->spec.manifest = false;
	assert_int_equal(kpix_job_new(&f->job, &f->spec), 0);
	assert_int_equal(entries(f->out), -1); /* nothing is made yet */
	free(fifo);
}

static void job__nothing_is_begun_after_the_commit(void **state)
{
	fx *f = *state;
	start(f);
	output(f, "a.csv", "a\n");
	assert_int_equal(kpix_job_commit(f->job), 0);
	const char *tmp = NULL, *shown = NULL;
	assert_int_equal(kpix_job_begin(f->job, "late.csv", &tmp, &shown), KPIX_EUSAGE);
	assert_false(exists(f->out, "late.csv"));
	assert_int_equal(entries(f->out), 2);
}

static void job__the_manifest_lists_the_outputs_in_the_order_begun(void **state)
{
	fx *f = *state;
	start(f);
	output(f, "z.csv", "last by name\n");
	output(f, "a.xlsx", "first by name\n");
	output(f, "m.csv", "");
	assert_int_equal(kpix_job_commit(f->job), 0);
	char *path = kpix_xasprintf("%s/manifest.json", f->out);
	kpix_manifest *m = NULL;
	if (kpix_manifest_load(&m, path))
		fail_msg("%s", kpix_error_last());
	assert_int_equal(m->noutputs, 3);
	assert_string_equal(m->outputs[0].name, "z.csv");
	assert_string_equal(m->outputs[1].name, "a.xlsx");
	assert_string_equal(m->outputs[2].name, "m.csv");
	assert_int_equal(m->outputs[0].size, 13);
	assert_int_equal(m->outputs[2].size, 0);
	/* SHA-256 of nothing */
	assert_string_equal(m->outputs[2].sha256,
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(m->ninputs, 1);
	assert_string_equal(m->inputs[0].name, "q2.csv");
	assert_int_equal(m->inputs[0].rows, 2);
	kpix_manifest_free(m);
	free(path);
}

/* Issue 18: a date libxlsxwriter cannot write crashed it; the job refuses
 * it for export and pack before anything is made. */
static void job__a_date_no_workbook_can_carry_is_refused(void **state)
{
	fx *f = *state;
	f->spec.created = 67768036191676800;
	assert_int_equal(kpix_job_new(&f->job, &f->spec), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "between 1980 and 2100"));
	kpix_result_free(f->job);
	f->spec.created = KPIX_CREATED_MAX;
	assert_int_equal(kpix_job_new(&f->job, &f->spec), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(
	                job__a_commit_puts_every_output_and_the_manifest_in_place, setup, teardown),
	        cmocka_unit_test_setup_teardown(job__a_commit_that_fails_puts_nothing_in_place,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(
	                job__abandoning_removes_the_temporaries_and_the_directory_it_made, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(job__as_a_result_it_names_its_outputs_once_committed,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(job__as_a_result_a_failed_commit_wrote_nothing, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(job__a_job_never_made_is_an_empty_result, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(job__abandoning_leaves_a_directory_it_did_not_make,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(job__an_input_is_refused_as_an_output, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(
	                job__an_input_that_is_not_a_regular_file_is_refused_with_a_manifest, setup,
	                teardown),
	        cmocka_unit_test_setup_teardown(job__nothing_is_begun_after_the_commit, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(
	                job__the_manifest_lists_the_outputs_in_the_order_begun, setup, teardown),
	        cmocka_unit_test_setup_teardown(job__a_date_no_workbook_can_carry_is_refused, setup,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
