/* Unit tests of the CSV cell writer (csvwrite.h): what is quoted, and how
 * formulas are kept from running. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "util.h"

/* The cell s written alone; the caller frees. */
static char *cell(const char *s, bool is_text)
{
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_adds(&b, ""); /* an empty cell still gives a string */
	kpix_csv_cell(&b, s, strlen(s), is_text);
	return kpix_buf_detach(&b);
}

static void expect_cell(const char *s, bool is_text, const char *want)
{
	char *got = cell(s, is_text);
	assert_string_equal(got, want);
	free(got);
}

static void csvwrite__plain_cells_are_written_as_they_are(void **state)
{
	(void)state;
	expect_cell("", true, "");
	expect_cell("Leeds", true, "Leeds");
	expect_cell("12.5", false, "12.5");
	expect_cell("caf\xc3\xa9 it's", true, "caf\xc3\xa9 it's");
	expect_cell("in the middle", true, "in the middle");
}

static void csvwrite__commas_quotes_line_breaks_and_edge_spaces_are_quoted(void **state)
{
	(void)state;
	expect_cell("a,b", true, "\"a,b\"");
	expect_cell("say \"hi\"", true, "\"say \"\"hi\"\"\"");
	expect_cell("\"", true, "\"\"\"\"");
	expect_cell("two\nlines", true, "\"two\nlines\"");
	expect_cell("cr\r", true, "\"cr\r\"");
	expect_cell(" lead", true, "\" lead\"");
	expect_cell("trail ", false, "\"trail \"");
}

/* The full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20), which a
 * spreadsheet may read as = + - @ (issue 18), are neutralised too; other
 * full-width signs, and these anywhere but first, are not. */
static void csvwrite__a_full_width_formula_sign_gets_an_apostrophe(void **state)
{
	(void)state;
	expect_cell("\xef\xbc\x9dSUM(A1)", true, "\"'\xef\xbc\x9dSUM(A1)\"");
	expect_cell("\xef\xbc\x8b" "1", true, "\"'\xef\xbc\x8b" "1\"");
	expect_cell("\xef\xbc\x8d" "1", true, "\"'\xef\xbc\x8d" "1\"");
	expect_cell("\xef\xbc\xa0x", true, "\"'\xef\xbc\xa0x\"");
	expect_cell("x\xef\xbc\x9d", true, "x\xef\xbc\x9d");
	expect_cell("\xef\xbc\x88x", true, "\xef\xbc\x88x"); /* （ */
	expect_cell("\xef\xbc", true, "\xef\xbc");           /* cut short: not a sign */
	expect_cell("\xef\xbc\x9d", false, "\xef\xbc\x9d");  /* a number is never changed */
}

static void csvwrite__text_a_spreadsheet_would_run_gets_an_apostrophe(void **state)
{
	(void)state;
	expect_cell("=SUM(A1)", true, "\"'=SUM(A1)\"");
	expect_cell("+1", true, "\"'+1\"");
	expect_cell("-1", true, "\"'-1\"");
	expect_cell("@cmd", true, "\"'@cmd\"");
	expect_cell("\tx", true, "\"'\tx\"");
	expect_cell("=\"x\"", true, "\"'=\"\"x\"\"\"");
	/* a number is written as it is, sign and all */
	expect_cell("-1", false, "-1");
	expect_cell("=1", false, "=1");
}

static void csvwrite__cells_are_appended_to_the_line(void **state)
{
	(void)state;
	kpix_buf b = KPIX_BUF_INIT;
	kpix_csv_cell(&b, "a,b", 3, true);
	kpix_buf_addc(&b, ',');
	kpix_csv_cell(&b, "xyz", 2, true); /* only len bytes */
	assert_string_equal(b.data, "\"a,b\",xy");
	assert_int_equal(b.len, 8);
	kpix_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csvwrite__plain_cells_are_written_as_they_are),
		cmocka_unit_test(csvwrite__commas_quotes_line_breaks_and_edge_spaces_are_quoted),
		cmocka_unit_test(csvwrite__text_a_spreadsheet_would_run_gets_an_apostrophe),
		cmocka_unit_test(csvwrite__a_full_width_formula_sign_gets_an_apostrophe),
		cmocka_unit_test(csvwrite__cells_are_appended_to_the_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
