/* Unit tests of the JSON writer (jsonw.h): every document is also built as
 * a jansson tree and dumped with the flags kpix used before, and the two
 * texts must be the same, byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonw.h"
#include "kpix/kpix.h"

/* The text a memory writer holds; the caller frees. */
static char *text_of(kpix_jsonw *w)
{
	size_t len;
	const char *t = kpix_jsonw_text(w, &len);
	assert_int_equal(strlen(t), len);
	char *copy = strdup(t);
	kpix_jsonw_free(w);
	return copy;
}

static void expect_same(kpix_jsonw *w, json_t *j, size_t flags)
{
	char *want = json_dumps(j, flags);
	assert_non_null(want);
	char *got = text_of(w);
	assert_string_equal(got, want);
	free(got);
	free(want);
	json_decref(j);
}

/* Strings that need each kind of escape, or none. */
static const char *const strings[] = {
	"", "plain", "say \"hi\"", "back\\slash", "a/b", "line\nbreak", "cr\rlf", "tab\t",
	"\b\f", "\x01\x1f\x7f", "caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x98\x80", "{[,:]}",
};

static void write_document(kpix_jsonw *w, json_t **out)
{
	json_t *root = json_object();
	kpix_jsonw_object(w);
	kpix_jsonw_key(w, "strings");
	kpix_jsonw_array(w);
	json_t *arr = json_array();
	for (size_t i = 0; i < sizeof(strings) / sizeof(*strings); i++) {
		kpix_jsonw_string(w, strings[i]);
		json_array_append_new(arr, json_string(strings[i]));
	}
	kpix_jsonw_end(w);
	json_object_set_new(root, "strings", arr);
	kpix_jsonw_key(w, "empty array");
	kpix_jsonw_array(w);
	kpix_jsonw_end(w);
	json_object_set_new(root, "empty array", json_array());
	kpix_jsonw_key(w, "empty object");
	kpix_jsonw_object(w);
	kpix_jsonw_end(w);
	json_object_set_new(root, "empty object", json_object());
	kpix_jsonw_key(w, "nested");
	kpix_jsonw_array(w);
	kpix_jsonw_array(w);
	kpix_jsonw_int(w, INT64_MIN);
	kpix_jsonw_int(w, 0);
	kpix_jsonw_int(w, INT64_MAX);
	kpix_jsonw_end(w);
	kpix_jsonw_object(w);
	kpix_jsonw_key(w, "k\"ey\n");
	kpix_jsonw_null(w);
	kpix_jsonw_key(w, "t");
	kpix_jsonw_bool(w, true);
	kpix_jsonw_key(w, "f");
	kpix_jsonw_bool(w, false);
	kpix_jsonw_key(w, "none");
	kpix_jsonw_string(w, NULL);
	kpix_jsonw_end(w);
	kpix_jsonw_end(w);
	json_t *inner = json_array();
	json_array_append_new(inner, json_integer(INT64_MIN));
	json_array_append_new(inner, json_integer(0));
	json_array_append_new(inner, json_integer(INT64_MAX));
	json_t *obj = json_object();
	json_object_set_new(obj, "k\"ey\n", json_null());
	json_object_set_new(obj, "t", json_true());
	json_object_set_new(obj, "f", json_false());
	json_object_set_new(obj, "none", json_null());
	json_t *nested = json_array();
	json_array_append_new(nested, inner);
	json_array_append_new(nested, obj);
	json_object_set_new(root, "nested", nested);
	kpix_jsonw_key(w, "with nul");
	kpix_jsonw_stringn(w, "a\0b", 3);
	json_object_set_new(root, "with nul", json_stringn("a\0b", 3));
	kpix_jsonw_end(w);
	*out = root;
}

static void jsonw__indented_output_is_jansson_s_byte_for_byte(void **state)
{
	(void)state;
	kpix_jsonw *w = kpix_jsonw_new(NULL, 2);
	json_t *j;
	write_document(w, &j);
	expect_same(w, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
}

static void jsonw__compact_output_is_jansson_s_byte_for_byte(void **state)
{
	(void)state;
	kpix_jsonw *w = kpix_jsonw_new(NULL, 0);
	json_t *j;
	write_document(w, &j);
	expect_same(w, j, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

/* The layout of manifest.json: indented by two, ASCII only. */
static void jsonw__ascii_output_is_jansson_s_ensure_ascii_byte_for_byte(void **state)
{
	(void)state;
	kpix_jsonw *w = kpix_jsonw_new(NULL, 2);
	kpix_jsonw_ascii(w);
	json_t *j;
	write_document(w, &j);
	expect_same(w, j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
}

static void jsonw__empty_containers_at_the_top_are_brackets_alone(void **state)
{
	(void)state;
	kpix_jsonw *w = kpix_jsonw_new(NULL, 2);
	kpix_jsonw_array(w);
	kpix_jsonw_end(w);
	char *got = text_of(w);
	assert_string_equal(got, "[]");
	free(got);
	w = kpix_jsonw_new(NULL, 0);
	kpix_jsonw_object(w);
	kpix_jsonw_end(w);
	got = text_of(w);
	assert_string_equal(got, "{}");
	free(got);
}

static void jsonw__a_member_is_its_key_then_its_value(void **state)
{
	(void)state;
	kpix_jsonw *w = kpix_jsonw_new(NULL, 2);
	kpix_jsonw_object(w);
	kpix_jsonw_member_string(w, "name", "q2.csv");
	kpix_jsonw_member_string(w, "none", NULL);
	kpix_jsonw_member_int(w, "rows", -21);
	kpix_jsonw_end(w);
	char *got = text_of(w);
	assert_string_equal(got, "{\n  \"name\": \"q2.csv\",\n  \"none\": null,\n  \"rows\": -21\n}");
	free(got);
}

static void jsonw__bytes_that_are_not_utf8_become_replacement_characters(void **state)
{
	(void)state;
	kpix_jsonw *w = kpix_jsonw_new(NULL, 0);
	kpix_jsonw_array(w);
	kpix_jsonw_string(w, "q\xff" "3.csv");      /* not a lead byte */
	kpix_jsonw_string(w, "\xc3");                /* cut short */
	kpix_jsonw_string(w, "\xed\xa0\x80");        /* a surrogate */
	kpix_jsonw_string(w, "\xc0\xaf");            /* overlong */
	kpix_jsonw_end(w);
	char *got = text_of(w);
	assert_string_equal(got, "[\"q\xef\xbf\xbd" "3.csv\",\"\xef\xbf\xbd\","
	                         "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\","
	                         "\"\xef\xbf\xbd\xef\xbf\xbd\"]");
	json_t *back = json_loads(got, 0, NULL);
	assert_non_null(back); /* valid JSON, and valid UTF-8 */
	json_decref(back);
	free(got);
	w = kpix_jsonw_new(NULL, 0);
	kpix_jsonw_ascii(w);
	kpix_jsonw_string(w, "q\xff" "3\xc2\xa3");
	got = text_of(w);
	assert_string_equal(got, "\"q\\uFFFD3\\u00A3\"");
	free(got);
}

static void jsonw__a_file_writer_passes_everything_on_at_finish(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	assert_non_null(f);
	kpix_jsonw *w = kpix_jsonw_new(f, 0);
	kpix_jsonw_array(w);
	for (int i = 0; i < 100000; i++) /* more than one flush's worth */
		kpix_jsonw_int(w, i);
	kpix_jsonw_end(w);
	kpix_jsonw_raw(w, "\n");
	assert_int_equal(kpix_jsonw_finish(w), 0);
	kpix_jsonw_free(w);
	fclose(f);
	assert_int_equal(buf[0], '[');
	assert_memory_equal(buf + size - 8, ",99999]\n", 8);
	free(buf);
}

static void jsonw__a_failed_write_is_an_io_error(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	kpix_jsonw *w = kpix_jsonw_new(f, 2);
	kpix_jsonw_array(w);
	kpix_jsonw_end(w);
	assert_int_equal(kpix_jsonw_finish(w), KPIX_EIO);
	kpix_jsonw_free(w);
	fclose(f);
	kpix_jsonw_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jsonw__indented_output_is_jansson_s_byte_for_byte),
		cmocka_unit_test(jsonw__compact_output_is_jansson_s_byte_for_byte),
		cmocka_unit_test(jsonw__ascii_output_is_jansson_s_ensure_ascii_byte_for_byte),
		cmocka_unit_test(jsonw__empty_containers_at_the_top_are_brackets_alone),
		cmocka_unit_test(jsonw__a_member_is_its_key_then_its_value),
		cmocka_unit_test(jsonw__bytes_that_are_not_utf8_become_replacement_characters),
		cmocka_unit_test(jsonw__a_file_writer_passes_everything_on_at_finish),
		cmocka_unit_test(jsonw__a_failed_write_is_an_io_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
