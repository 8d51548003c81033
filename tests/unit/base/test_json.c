/* Unit tests of the JSON document reader: what the schema, pack definition
 * and manifest readers rely on. A problem is reported at the line and
 * column of the member it is about; a member of the wrong kind is refused
 * with what was expected; values read back as written. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "kpix/kpix.h"
#include "util.h"

static const char DOC[] = "{\n"
                          "  \"id\": \"rents\",\n"
                          "  \"empty\": \"\",\n"
                          "  \"n\": 12.5,\n"
                          "  \"whole\": 3,\n"
                          "  \"flag\": true,\n"
                          "  \"none\": null,\n"
                          "  \"list\": [\"a\", 2, \"c\"],\n"
                          "  \"fields\": [\n"
                          "    {\"name\": \"x\"},\n"
                          "    {\"name\": \"y\", \"requried\": true}\n"
                          "  ]\n"
                          "}\n";

static kpix_json_doc *parse(const char *text)
{
	kpix_json_doc *doc = NULL;
	assert_int_equal(kpix_json_parse(&doc, "t.json", text, strlen(text), "schema"), 0);
	assert_non_null(doc);
	return doc;
}

static void expect_fail(int rc, int code, const char *msg)
{
	assert_int_equal(rc, code);
	assert_string_equal(kpix_error_last(), msg);
}

static void number_text(double v, char *buf)
{
	snprintf(buf, 32, "<%g>", v);
}

static void json__values_read_back_as_written(void **state)
{
	(void)state;
	kpix_json_doc *doc = parse(DOC);
	const kpix_json *root = kpix_json_root(doc);
	assert_true(kpix_json_is_object(root));
	assert_string_equal(kpix_json_string(kpix_json_get(root, "id")), "rents");
	assert_int_equal(kpix_json_string_len(kpix_json_get(root, "id")), 5);
	assert_true(kpix_json_number(kpix_json_get(root, "n")) == 12.5);
	assert_true(kpix_json_is_number(kpix_json_get(root, "whole")));
	assert_true(kpix_json_is_integer(kpix_json_get(root, "whole")));
	assert_false(kpix_json_is_integer(kpix_json_get(root, "n")));
	assert_int_equal(kpix_json_integer(kpix_json_get(root, "whole")), 3);
	assert_true(kpix_json_is_bool(kpix_json_get(root, "flag")));
	assert_true(kpix_json_is_true(kpix_json_get(root, "flag")));
	assert_true(kpix_json_is_null(kpix_json_get(root, "none")));
	const kpix_json *list = kpix_json_get(root, "list");
	assert_true(kpix_json_is_array(list));
	assert_int_equal(kpix_json_size(list), 3);
	assert_string_equal(kpix_json_string(kpix_json_at(list, 2)), "c");
	assert_null(kpix_json_at(list, 3));
	kpix_json_free(doc);
}

static void json__an_absent_value_is_of_no_kind_and_has_nothing_in_it(void **state)
{
	(void)state;
	kpix_json_doc *doc = parse(DOC);
	const kpix_json *none = kpix_json_get(kpix_json_root(doc), "nothing");
	assert_null(none);
	assert_false(kpix_json_is_object(none) || kpix_json_is_array(none) ||
	             kpix_json_is_string(none) || kpix_json_is_number(none) ||
	             kpix_json_is_bool(none) || kpix_json_is_null(none));
	assert_int_equal(kpix_json_size(none), 0);
	assert_null(kpix_json_get(none, "id"));
	assert_null(kpix_json_at(none, 0));
	assert_null(kpix_json_string(none));
	/* a string has no members either */
	assert_null(kpix_json_get(kpix_json_get(kpix_json_root(doc), "id"), "x"));
	kpix_json_free(doc);
}

static void json__members_come_in_document_order(void **state)
{
	(void)state;
	kpix_json_doc *doc = parse("{\"b\": 1, \"a\": 2, \"c\": 3}");
	kpix_json_iter it = kpix_json_members(kpix_json_root(doc));
	const char *key;
	const kpix_json *v;
	char seen[8] = "";
	double sum = 0;
	while (kpix_json_next(&it, &key, &v)) {
		strcat(seen, key);
		sum += kpix_json_number(v);
	}
	assert_string_equal(seen, "bac");
	assert_true(sum == 6);
	it = kpix_json_members(kpix_json_at(kpix_json_root(doc), 0)); /* not an array: none */
	assert_false(kpix_json_next(&it, &key, &v));
	kpix_json_free(doc);
}

static void json__a_problem_is_reported_at_the_line_and_column_of_its_path(void **state)
{
	(void)state;
	kpix_json_doc *doc = parse(DOC);
	expect_fail(kpix_json_fail(doc, "fields[1].requried", "what %s", "now"), KPIX_ESCHEMA,
	            "t.json:11:19: fields[1].requried: what now");
	expect_fail(kpix_json_fail(doc, "fields[1]", "bad"), KPIX_ESCHEMA, "t.json:11:5: fields[1]: bad");
	expect_fail(kpix_json_fail(doc, "", "at the top"), KPIX_ESCHEMA, "t.json:1:1: at the top");
	kpix_json_set_error(doc, KPIX_EMANIFEST);
	assert_int_equal(kpix_json_fail(doc, "id", "x"), KPIX_EMANIFEST);
	kpix_json_free(doc);
}

static void json__only_keys_names_the_unknown_keyword_and_what_was_expected(void **state)
{
	(void)state;
	kpix_json_doc *doc = parse(DOC);
	const kpix_json *f = kpix_json_at(kpix_json_get(kpix_json_root(doc), "fields"), 1);
	static const char *const keys[] = {"name", "required", NULL};
	static const char *const more[] = {"name", "requried", NULL};
	expect_fail(kpix_json_only_keys(doc, "fields[1]", f, keys), KPIX_ESCHEMA,
	            "t.json:11:19: fields[1].requried: unknown keyword 'requried'; did you mean "
	            "'required'? Expected one of: name, required");
	assert_int_equal(kpix_json_only_keys(doc, "fields[1]", f, more), 0);
	kpix_json_doc *c = parse("{\"$comment\": \"ok\", \"name\": 1}");
	assert_int_equal(kpix_json_only_keys(c, "", kpix_json_root(c), keys), 0);
	kpix_json_free(c);
	kpix_json_free(doc);
}

static void json__string_members_are_copied_and_checked(void **state)
{
	(void)state;
	kpix_json_doc *doc = parse(DOC);
	const kpix_json *root = kpix_json_root(doc);
	char *s = NULL;
	assert_int_equal(kpix_json_get_str(doc, "", root, "id", &s, true), 0);
	assert_string_equal(s, "rents");
	free(s);
	assert_int_equal(kpix_json_get_str(doc, "", root, "absent", &s, false), 0);
	assert_null(s);
	assert_int_equal(kpix_json_get_str(doc, "", root, "empty", &s, false), 0);
	assert_string_equal(s, "");
	free(s);
	expect_fail(kpix_json_get_str(doc, "", root, "absent", &s, true), KPIX_ESCHEMA,
	            "t.json:1:1: 'absent' is missing; it is required here");
	expect_fail(kpix_json_get_str(doc, "", root, "empty", &s, true), KPIX_ESCHEMA,
	            "t.json:3:3: empty: expected a non-empty string");
	expect_fail(kpix_json_get_str(doc, "", root, "n", &s, false), KPIX_ESCHEMA,
	            "t.json:4:3: n: expected a string");
	assert_null(s);
	kpix_json_free(doc);
}

static void json__one_of_gives_the_word_s_index_or_names_what_was_expected(void **state)
{
	(void)state;
	static const char *const words[] = {"csv", "rents", "xlsx", NULL};
	kpix_json_doc *doc = parse(DOC);
	int found = -1;
	const char *expected = "csv, rents or xlsx";
	assert_int_equal(kpix_json_one_of(doc, "", "id", "rents", words, expected, &found), 0);
	assert_int_equal(found, 1);
	assert_int_equal(kpix_json_one_of(doc, "", "id", "csv", words, expected, NULL), 0);
	expect_fail(kpix_json_one_of(doc, "", "id", "rent", words, expected, &found),
	            KPIX_ESCHEMA, "t.json:2:3: id: unknown id 'rent'; expected csv, rents or xlsx");
	assert_int_equal(found, 1);
	kpix_json_free(doc);
}

static void json__bool_and_number_members_say_whether_they_were_there(void **state)
{
	(void)state;
	kpix_json_doc *doc = parse(DOC);
	const kpix_json *root = kpix_json_root(doc);
	bool b = false, has = true;
	double d = -1;
	assert_int_equal(kpix_json_get_bool(doc, "", root, "flag", &b), 0);
	assert_true(b);
	b = false;
	assert_int_equal(kpix_json_get_bool(doc, "", root, "absent", &b), 0);
	assert_false(b); /* left as it was */
	expect_fail(kpix_json_get_bool(doc, "", root, "id", &b), KPIX_ESCHEMA,
	            "t.json:2:3: id: expected true or false");
	assert_int_equal(kpix_json_get_num(doc, "", root, "n", &has, &d), 0);
	assert_true(has && d == 12.5);
	assert_int_equal(kpix_json_get_num(doc, "", root, "absent", &has, &d), 0);
	assert_false(has);
	expect_fail(kpix_json_get_num(doc, "", root, "flag", &has, &d), KPIX_ESCHEMA,
	            "t.json:6:3: flag: expected a number");
	kpix_json_free(doc);
}

static void json__string_lists_take_numbers_and_single_strings_only_when_asked(void **state)
{
	(void)state;
	kpix_json_doc *doc = parse(DOC);
	const kpix_json *root = kpix_json_root(doc);
	kpix_strlist l;
	expect_fail(kpix_json_get_strlist(doc, "", root, "list", &l, false, NULL), KPIX_ESCHEMA,
	            "t.json:8:17: list[1]: expected a string");
	assert_int_equal(l.n, 0); /* nothing to free on failure */
	assert_null(l.items);
	assert_int_equal(kpix_json_get_strlist(doc, "", root, "list", &l, false, number_text), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[1], "<2>");
	assert_null(l.items[3]);
	kpix_strlist_free(&l);
	assert_int_equal(l.n, 0);
	expect_fail(kpix_json_get_strlist(doc, "", root, "id", &l, false, NULL), KPIX_ESCHEMA,
	            "t.json:2:3: id: expected a list of strings");
	expect_fail(kpix_json_get_strlist(doc, "", root, "id", &l, false, number_text), KPIX_ESCHEMA,
	            "t.json:2:3: id: expected a list of values");
	assert_int_equal(kpix_json_get_strlist(doc, "", root, "id", &l, true, NULL), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0], "rents");
	kpix_strlist_free(&l);
	assert_int_equal(kpix_json_get_strlist(doc, "", root, "absent", &l, true, NULL), 0);
	assert_int_equal(l.n, 0);
	kpix_json_free(doc);
}

static void json__documents_that_are_not_json_are_refused_with_the_place(void **state)
{
	(void)state;
	kpix_json_doc *doc = (kpix_json_doc *)&doc;
	expect_fail(kpix_json_parse(&doc, "p.json", " \n\t", 3, "pack definition"), KPIX_ESCHEMA,
	            "p.json: the pack definition file is empty");
	assert_null(doc);
	expect_fail(kpix_json_parse(&doc, "p.json", "{\n  \"a\": 1,\n}", 13, "schema"), KPIX_ESCHEMA,
	            "p.json:3:1: the schema is not valid JSON: string or '}' expected near '}'");
	expect_fail(kpix_json_parse(&doc, "p.json", "{\"a\": 1, \"a\": 2}", 16, "schema"),
	            KPIX_ESCHEMA, "p.json:1:12: the schema is not valid JSON: duplicate object key near '\"a\"'");
	/* the size is checked before anything is read */
	expect_fail(kpix_json_parse(&doc, "big.json", "", KPIX_JSON_MAX_BYTES + 1, "schema"),
	            KPIX_ESCHEMA, "big.json: the schema is larger than 16 MiB, the most kpix reads");
	assert_null(doc);
	kpix_json_free(NULL);
}

static void json__a_file_that_cannot_be_read_is_not_found_or_an_io_error(void **state)
{
	(void)state;
	kpix_json_doc *doc;
	expect_fail(kpix_json_read(&doc, "/nonexistent/p.json", "pack definition"), KPIX_ENOTFOUND,
	            "cannot read pack definition '/nonexistent/p.json': No such file or directory");
	expect_fail(kpix_json_read(&doc, "/", "schema"), KPIX_EIO,
	            "cannot read schema '/': Is a directory");
	assert_int_equal(kpix_json_read(&doc, KPIX_TEST_DATA "/../schemas/rsh-tsm-2024-25.json", "schema"), 0);
	assert_true(kpix_json_is_object(kpix_json_root(doc)));
	kpix_json_free(doc);
}

static void json__locate_reports_the_deepest_step_found(void **state)
{
	(void)state;
	int line, col;
	assert_int_equal(kpix_json_locate(DOC, strlen(DOC), "fields[0].name", &line, &col), 0);
	assert_int_equal(line, 10);
	assert_int_equal(col, 6);
	assert_int_equal(kpix_json_locate(DOC, strlen(DOC), "fields[5].name", &line, &col), -1);
	assert_int_equal(line, 9);
	assert_int_equal(col, 3);
	/* columns count characters, not bytes */
	const char *t = "{\"\xc3\xa9t\xc3\xa9\": 1, \"b\": 2}";
	assert_int_equal(kpix_json_locate(t, strlen(t), "b", &line, &col), 0);
	assert_int_equal(col, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json__values_read_back_as_written),
		cmocka_unit_test(json__an_absent_value_is_of_no_kind_and_has_nothing_in_it),
		cmocka_unit_test(json__members_come_in_document_order),
		cmocka_unit_test(json__a_problem_is_reported_at_the_line_and_column_of_its_path),
		cmocka_unit_test(json__only_keys_names_the_unknown_keyword_and_what_was_expected),
		cmocka_unit_test(json__string_members_are_copied_and_checked),
		cmocka_unit_test(json__one_of_gives_the_word_s_index_or_names_what_was_expected),
		cmocka_unit_test(json__bool_and_number_members_say_whether_they_were_there),
		cmocka_unit_test(json__string_lists_take_numbers_and_single_strings_only_when_asked),
		cmocka_unit_test(json__documents_that_are_not_json_are_refused_with_the_place),
		cmocka_unit_test(json__a_file_that_cannot_be_read_is_not_found_or_an_io_error),
		cmocka_unit_test(json__locate_reports_the_deepest_step_found),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
