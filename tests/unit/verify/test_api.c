/* test_api.c - the seams of the public header: every entry point that takes
 * an options struct refuses one of another version with KPIX_EUSAGE before
 * it touches anything, and kpix_pack takes a loaded schema and a loaded
 * pack definition, as kpix_export takes a loaded schema. */
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

#include "kpix/kpix.h"
#include "util.h"
#include "testdir.h"

#define SHIPPED KPIX_TEST_DATA "/.."
#define SCHEMAS SHIPPED "/schemas"
#define HISTORY SHIPPED "/examples/housing-board/2025-26-q2.csv"

typedef struct {
	char dir[64];
	char *out;            /* DIR/out: must not be made by a refused call */
	kpix_schema *schema;
	kpix_packdef *def;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kpix-test-api-XXXXXX");
	if (!f || !mkdtemp(f->dir))
		return -1;
	f->out = kpix_xasprintf("%s/out", f->dir);
	if (kpix_packdef_load(&f->def, "housing-board", SCHEMAS) ||
	    kpix_packdef_load_schema(&f->schema, f->def, SCHEMAS))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	kpix_schema_free(f->schema);
	kpix_packdef_free(f->def);
	remove_tree(f->dir);
	free(f->out);
	free(f);
	return 0;
}

static void assert_refused_as_usage(fx *f, int rc, const char *what)
{
	assert_int_equal(rc, KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), what));
	assert_non_null(strstr(kpix_error_last(), "of version 99"));
	assert_int_equal(access(f->out, F_OK), -1);
}

static void api__export_refuses_options_of_another_version(void **state)
{
	fx *f = *state;
	kpix_export_options opts = KPIX_EXPORT_OPTIONS_INIT;
	opts.version = 99;
	opts.out_dir = f->out;
	const char *files[] = {HISTORY};
	kpix_result *r = NULL;
	int rc = kpix_export(&r, f->schema, files, 1, &opts);
	assert_refused_as_usage(f, rc, "export options");
	assert_null(kpix_result_report(r));
	kpix_result_free(r);
}

static void api__pack_refuses_options_of_another_version(void **state)
{
	fx *f = *state;
	kpix_pack_options opts = KPIX_PACK_OPTIONS_INIT;
	opts.version = 99;
	opts.out_dir = f->out;
	opts.period = "2025-26 Q2";
	const char *files[] = {HISTORY};
	kpix_result *r = NULL;
	int rc = kpix_pack(&r, f->schema, f->def, files, 1, &opts);
	assert_refused_as_usage(f, rc, "pack options");
	assert_null(kpix_result_report(r));
	kpix_result_free(r);
}

static void api__template_refuses_options_of_another_version(void **state)
{
	fx *f = *state;
	kpix_template_options opts = KPIX_TEMPLATE_OPTIONS_INIT;
	opts.version = 99;
	opts.out_dir = f->out;
	char **written = NULL;
	size_t n = 0;
	int rc = kpix_template(&written, &n, f->schema, &opts);
	assert_refused_as_usage(f, rc, "template options");
	assert_null(written);
}

static void api__verify_refuses_options_of_another_version(void **state)
{
	fx *f = *state;
	kpix_verify_options opts = KPIX_VERIFY_OPTIONS_INIT;
	opts.version = 99;
	kpix_verify_result *r = NULL;
	int rc = kpix_verify(&r, "/nonexistent/manifest.json", &opts);
	assert_refused_as_usage(f, rc, "verify options");
	assert_null(r);
}

static void api__validator_refuses_options_of_another_version(void **state)
{
	fx *f = *state;
	kpix_validate_options opts = KPIX_VALIDATE_OPTIONS_INIT;
	opts.version = 99;
	kpix_validator *v = NULL;
	int rc = kpix_validator_new(&v, f->schema, &opts);
	assert_refused_as_usage(f, rc, "validate options");
	assert_null(v);
}

/* The same definition and schema, loaded once, serve two packs. */
static void api__a_loaded_definition_and_schema_make_a_pack(void **state)
{
	fx *f = *state;
	kpix_pack_options opts = KPIX_PACK_OPTIONS_INIT;
	opts.out_dir = f->out;
	opts.period = "2025-26 Q2";
	const char *files[] = {HISTORY};
	for (int run = 0; run < 2; run++) {
		kpix_result *r = NULL;
		int rc = kpix_pack(&r, f->schema, f->def, files, 1, &opts);
		if (rc)
			fail_msg("%s", kpix_error_last());
		assert_true(kpix_result_written(r));
		assert_int_equal(kpix_result_output_count(r), 2);
		assert_string_equal(kpix_result_output_name(r, 0), "housing-board-2025-26-Q2.xlsx");
		kpix_result_free(r);
	}
}

/* Bound to one schema, a definition is refused with another. */
static void api__a_definition_used_with_another_schema_is_refused(void **state)
{
	fx *f = *state;
	kpix_pack_options opts = KPIX_PACK_OPTIONS_INIT;
	opts.out_dir = f->out;
	opts.period = "2025-26 Q2";
	const char *files[] = {HISTORY};
	kpix_result *r = NULL;
	assert_int_equal(kpix_pack(&r, f->schema, f->def, files, 1, &opts), 0);
	kpix_result_free(r);
	kpix_schema *again = NULL;
	assert_int_equal(kpix_packdef_load_schema(&again, f->def, SCHEMAS), 0);
	r = NULL;
	assert_int_equal(kpix_pack(&r, again, f->def, files, 1, &opts), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "another schema"));
	assert_false(kpix_result_written(r));
	kpix_result_free(r);
	kpix_schema_free(again);
}

static void api__an_unknown_pack_is_not_found(void **state)
{
	(void)state;
	kpix_packdef *def = NULL;
	assert_int_equal(kpix_packdef_load(&def, "no-such-pack", SCHEMAS), KPIX_ENOTFOUND);
	assert_null(def);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(api__export_refuses_options_of_another_version),
		T(api__pack_refuses_options_of_another_version),
		T(api__template_refuses_options_of_another_version),
		T(api__verify_refuses_options_of_another_version),
		T(api__validator_refuses_options_of_another_version),
		T(api__a_loaded_definition_and_schema_make_a_pack),
		T(api__a_definition_used_with_another_schema_is_refused),
		T(api__an_unknown_pack_is_not_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
