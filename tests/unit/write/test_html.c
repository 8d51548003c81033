/* test_html.c - the HTML page writer: what a page is made of, and that no
 * text given to it (from data or a schema) can become markup. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "util.h"

static char *text_of(const char *s, size_t len)
{
	kpix_buf b = KPIX_BUF_INIT;
	kpix_html_text(&b, s, len);
	return kpix_buf_detach(&b);
}

static void expect_text(const char *in, size_t len, const char *want)
{
	char *got = text_of(in, len);
	assert_string_equal(got, want);
	free(got);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void html__markup_in_a_text_is_written_as_text(void **state)
{
	(void)state;
	expect_text("<script>alert(1)</script>", 25, "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_text("\"><img src=x onerror=alert(1)>", 30,
	            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	expect_text("Tenants' panel & board", 22, "Tenants&#39; panel &amp; board");
	/* a reference typed in the data shows as typed, not as the character */
	expect_text("&lt;", 4, "&amp;lt;");
}

static void html__text_that_is_not_clean_utf8_becomes_the_replacement_character(void **state)
{
	(void)state;
	/* kept: tab, line feed, characters beyond ASCII */
	expect_text("a\tb\nc \xc2\xa3 \xc2\xb1 \xe2\x80\x94 \xf0\x9f\x8f\xa0", 20,
	            "a\tb\nc \xc2\xa3 \xc2\xb1 \xe2\x80\x94 \xf0\x9f\x8f\xa0");
	/* a carriage return, alone or before a line feed, is one line feed */
	expect_text("one\r\ntwo\rthree", 14, "one\ntwo\nthree");
	/* NUL, C0 controls, DEL, a C1 control (U+0085), U+FFFE, U+FFFF */
	expect_text("a\0b\x01" "c\x7f" "d\xc2\x85" "e\xef\xbf\xbe" "f\xef\xbf\xbf", 17,
	            "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d\xef\xbf\xbd"
	            "e\xef\xbf\xbd" "f\xef\xbf\xbd");
	/* bytes that are not UTF-8: a stray continuation, a lone lead byte, a
	 * character cut short at the end, a surrogate */
	expect_text("\x80" "x\xff" "y\xed\xa0\x80" "z\xe2\x82", 10,
	            "\xef\xbf\xbd" "x\xef\xbf\xbd" "y\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	            "z\xef\xbf\xbd\xef\xbf\xbd");
	expect_text("", 0, "");
}

static void html__a_page_is_self_contained_with_its_language_title_and_one_stylesheet(void **state)
{
	(void)state;
	kpix_buf b = KPIX_BUF_INIT;
	kpix_html_page_begin(&b, "en-GB", "TSMs <2024/25>", 14);
	kpix_html_page_end(&b);
	const char *p = b.data;
	const char *start = "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n";
	assert_true(strncmp(p, start, strlen(start)) == 0);
	assert_non_null(strstr(p, "<title>TSMs &lt;2024/25&gt;</title>\n"));
	assert_int_equal(count(p, "<style>"), 1);
	assert_non_null(strstr(p, "@media print{"));
	assert_non_null(strstr(p, "</head>\n<body>\n</body>\n</html>\n"));
	/* nothing runs, nothing is fetched */
	assert_int_equal(count(p, "<script"), 0);
	assert_int_equal(count(p, "url("), 0);
	assert_int_equal(count(p, "@import"), 0);
	assert_int_equal(count(p, "http"), 0);
	assert_int_equal(count(p, "\r"), 0);
	kpix_buf_free(&b);

	/* a language from a schema cannot break out of its attribute */
	kpix_html_page_begin(&b, "en\" onload=\"x", "t", 1);
	assert_non_null(strstr(b.data, "<html lang=\"en&quot; onload=&quot;x\">"));
	kpix_buf_free(&b);
}

static void html__a_table_has_a_caption_column_and_row_headers_and_numbers_to_the_right(void **state)
{
	(void)state;
	kpix_buf b = KPIX_BUF_INIT;
	kpix_html_table_begin(&b, "Perception <LCRA>", 17, true);
	kpix_html_open(&b, "thead", NULL);
	kpix_html_open(&b, "tr", NULL);
	kpix_html_cell(&b, KPIX_HTML_COL_HEADER, false, "Measure", 7);
	kpix_html_cell(&b, KPIX_HTML_COL_HEADER, true, "Result (%)", 10);
	kpix_html_close(&b, "tr");
	kpix_html_close(&b, "thead");
	kpix_html_open(&b, "tbody", NULL);
	kpix_html_open(&b, "tr", NULL);
	kpix_html_cell(&b, KPIX_HTML_ROW_HEADER, false, "TP01", 4);
	kpix_html_cell(&b, KPIX_HTML_DATA, true, "71.1", 4);
	kpix_html_cell(&b, KPIX_HTML_DATA, false, "<script>alert(1)</script>", 25);
	kpix_html_close(&b, "tr");
	kpix_html_close(&b, "tbody");
	kpix_html_table_end(&b);
	assert_string_equal(b.data, "<table>\n"
	                            "<caption>Perception &lt;LCRA&gt;</caption>\n"
	                            "<thead>\n<tr>\n"
	                            "<th scope=\"col\">Measure</th>\n"
	                            "<th scope=\"col\" class=\"num\">Result (%)</th>\n"
	                            "</tr>\n</thead>\n"
	                            "<tbody>\n<tr>\n"
	                            "<th scope=\"row\">TP01</th>\n"
	                            "<td class=\"num\">71.1</td>\n"
	                            "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>\n"
	                            "</tr>\n</tbody>\n"
	                            "</table>\n");
	kpix_buf_free(&b);

	/* a caption that repeats the heading is there for a screen reader only */
	kpix_html_table_begin(&b, "Summary", 7, false);
	assert_string_equal(b.data, "<table>\n<caption class=\"hidden\">Summary</caption>\n");
	kpix_buf_free(&b);
}

static void html__elements_hold_escaped_text_on_a_line_of_their_own(void **state)
{
	(void)state;
	kpix_buf b = KPIX_BUF_INIT;
	kpix_html_open(&b, "dl", NULL);
	kpix_html_element(&b, "dt", NULL, "Landlord", 8);
	kpix_html_element(&b, "dd", NULL, "\"><img src=x onerror=alert(1)>", 30);
	kpix_html_close(&b, "dl");
	kpix_html_element(&b, "h2", NULL, "Q&A", 3);
	kpix_html_element(&b, "p", "note", "Two\r\nlines", 10);
	assert_string_equal(b.data, "<dl>\n<dt>Landlord</dt>\n"
	                            "<dd>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</dd>\n"
	                            "</dl>\n<h2>Q&amp;A</h2>\n<p class=\"note\">Two\nlines</p>\n");
	kpix_buf_free(&b);
}

int main(void)
{
#define T(name) cmocka_unit_test(name)
	const struct CMUnitTest tests[] = {
		T(html__markup_in_a_text_is_written_as_text),
		T(html__text_that_is_not_clean_utf8_becomes_the_replacement_character),
		T(html__a_page_is_self_contained_with_its_language_title_and_one_stylesheet),
		T(html__a_table_has_a_caption_column_and_row_headers_and_numbers_to_the_right),
		T(html__elements_hold_escaped_text_on_a_line_of_their_own),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
