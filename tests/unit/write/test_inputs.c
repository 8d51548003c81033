/* test_inputs.c - what a manifest records of the files an export or a pack
 * read: the size and SHA-256 of the bytes kpix read when it validated or
 * loaded them, never those of a later read. Each test changes an input
 * after kpix has read it and before the manifest is written (the progress
 * callback runs once a file has been read to its end), and then finds the
 * manifest vouching for the bytes that were read, so that kpix verify says
 * the input changed rather than blaming the outputs (issue 18, item 8). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <unistd.h>

#include "digest.h"
#include "kpix/kpix.h"
#include "util.h"
#include "testdir.h"

#define ROOT KPIX_TEST_DATA "/.."
#define SCHEMAS ROOT "/schemas"
#define COUNCIL ROOT "/examples/council-kpi-quarterly/q2-2025-26.csv"

typedef struct {
	char dir[64];
	char *out;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kpix-test-inputs-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->out = kpix_xasprintf("%s/out", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	remove_tree(f->dir);
	free(f->out);
	free(f);
	return 0;
}

/* Copies src to DIR/name; the copy's path, and its bytes' SHA-256 in hex. */
static char *copy_in(fx *f, const char *src, const char *name, char hex[KPIX_SHA256_HEX_SIZE])
{
	char *path = kpix_xasprintf("%s/%s", f->dir, name);
	int in = open(src, O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	assert_true(in >= 0 && out >= 0);
	ssize_t n;
	do
		n = sendfile(out, in, NULL, 1 << 20);
	while (n > 0);
	assert_int_equal(n, 0);
	close(in);
	assert_int_equal(close(out), 0);
	assert_int_equal(kpix_sha256_file(path, hex, NULL), 0);
	return path;
}

/* Changes the file at path in place: the same bytes with a line added. */
static void change(const char *path)
{
	FILE *fp = fopen(path, "ab");
	assert_non_null(fp);
	fputs("\n", fp);
	assert_int_equal(fclose(fp), 0);
}

/* The progress callback: changes each file named in ctx (NULL-ended) once
 * it has been read to its end. */
static void change_when_read(void *ctx, const char *path, uint64_t done, uint64_t total)
{
	if (done != total)
		return;
	for (const char *const *p = ctx; *p; p++)
		if (strcmp(*p, path) == 0)
			change(path);
}

/* The manifest in dir records hex as the SHA-256 of its member key (the
 * index-th when key is an array), and the file at path now has other bytes. */
static void assert_recorded(const char *dir, const char *key, size_t index, const char *hex,
                            const char *path)
{
	char *m = kpix_xasprintf("%s/manifest.json", dir);
	json_error_t err;
	json_t *root = json_load_file(m, 0, &err);
	assert_non_null(root);
	json_t *entry = json_object_get(root, key);
	if (json_is_array(entry))
		entry = json_array_get(entry, index);
	assert_non_null(entry);
	assert_string_equal(json_string_value(json_object_get(entry, "sha256")), hex);
	/* the file as it is now differs: the test did change it */
	char now[KPIX_SHA256_HEX_SIZE];
	assert_int_equal(kpix_sha256_file(path, now, NULL), 0);
	assert_string_not_equal(now, hex);
	json_decref(root);
	free(m);
}

static void test_data_changed_after_validation_is_recorded_as_validated(void **state)
{
	fx *f = *state;
	char data_hex[KPIX_SHA256_HEX_SIZE], prev_hex[KPIX_SHA256_HEX_SIZE];
	char *data = copy_in(f, COUNCIL, "q2.csv", data_hex);
	char *prev = copy_in(f, COUNCIL, "q1.csv", prev_hex);
	kpix_schema *s = NULL;
	assert_int_equal(kpix_schema_load(&s, "council-kpi-quarterly", SCHEMAS), 0);
	const char *changed[] = {data, prev, NULL};
	kpix_export_options o = KPIX_EXPORT_OPTIONS_INIT;
	o.out_dir = f->out;
	o.previous = prev;
	o.validate.progress = change_when_read;
	o.validate.progress_ctx = (void *)changed;
	kpix_result *r = NULL;
	const char *files[] = {data};
	assert_int_equal(kpix_export(&r, s, files, 1, &o), 0);
	assert_true(kpix_result_written(r));
	assert_recorded(f->out, "inputs", 0, data_hex, data);
	assert_recorded(f->out, "previous", 0, prev_hex, prev);
	kpix_result_free(r);
	kpix_schema_free(s);
	free(data);
	free(prev);
}

static void test_schema_changed_after_loading_is_recorded_as_loaded(void **state)
{
	fx *f = *state;
	char hex[KPIX_SHA256_HEX_SIZE], data_hex[KPIX_SHA256_HEX_SIZE];
	char *schema = copy_in(f, SCHEMAS "/council-kpi-quarterly.json", "schema.json", hex);
	char *data = copy_in(f, COUNCIL, "q2.csv", data_hex);
	kpix_schema *s = NULL;
	assert_int_equal(kpix_schema_load(&s, schema, NULL), 0);
	change(schema);
	kpix_export_options o = KPIX_EXPORT_OPTIONS_INIT;
	o.out_dir = f->out;
	kpix_result *r = NULL;
	const char *files[] = {data};
	assert_int_equal(kpix_export(&r, s, files, 1, &o), 0);
	assert_recorded(f->out, "schema", 0, hex, schema);
	kpix_result_free(r);
	kpix_schema_free(s);
	free(schema);
	free(data);
}

static void test_definition_changed_after_loading_is_recorded_as_loaded(void **state)
{
	fx *f = *state;
	char hex[KPIX_SHA256_HEX_SIZE];
	char *def_path = copy_in(f, SCHEMAS "/packs/housing-board.json", "pack.json", hex);
	kpix_packdef *def = NULL;
	kpix_schema *s = NULL;
	assert_int_equal(kpix_packdef_load(&def, def_path, SCHEMAS), 0);
	assert_int_equal(kpix_packdef_load_schema(&s, def, SCHEMAS), 0);
	change(def_path);
	static const char *const history[] = {
	        ROOT "/examples/housing-board/2024-25-q1.csv", ROOT "/examples/housing-board/2024-25-q2.csv",
	        ROOT "/examples/housing-board/2024-25-q3.csv", ROOT "/examples/housing-board/2024-25-q4.csv",
	        ROOT "/examples/housing-board/2025-26-q1.csv", ROOT "/examples/housing-board/2025-26-q2.csv",
	};
	kpix_pack_options o = KPIX_PACK_OPTIONS_INIT;
	o.out_dir = f->out;
	o.period = "2025-26 Q2";
	kpix_result *r = NULL;
	assert_int_equal(kpix_pack(&r, s, def, history, 6, &o), 0);
	assert_recorded(f->out, "pack", 0, hex, def_path);
	kpix_result_free(r);
	kpix_schema_free(s);
	kpix_packdef_free(def);
	free(def_path);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
	        T(test_data_changed_after_validation_is_recorded_as_validated),
	        T(test_schema_changed_after_loading_is_recorded_as_loaded),
	        T(test_definition_changed_after_loading_is_recorded_as_loaded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
