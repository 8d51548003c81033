/* Unit tests of UK financial periods (period.h): the two written forms and
 * what is refused, names, first and last days, the order of quarters, and
 * the "due in this period" rule that validation and the board pack share
 * (issue 12: it was written twice, with two rules). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "period.h"

static int parse(const char *s, kpix_period_form forms, kpix_period *p)
{
	return kpix_period_parse(p, s, strlen(s), forms);
}

static void assert_day(kpix_date d, const char *want)
{
	char buf[16];
	kpix_date_format(d, buf);
	assert_string_equal(buf, want);
}

static void parse__reads_a_quarter_and_a_year(void **state)
{
	(void)state;
	kpix_period p;
	assert_int_equal(parse("2025-26 Q2", KPIX_PERIOD_QUARTER, &p), 0);
	assert_int_equal(p.year, 2025);
	assert_int_equal(p.quarter, 2);
	assert_int_equal(parse("2024-25", KPIX_PERIOD_YEAR, &p), 0);
	assert_int_equal(p.year, 2024);
	assert_int_equal(p.quarter, 0);
	assert_int_equal(parse("1999-00 Q4", KPIX_PERIOD_ANY, &p), 0);
	assert_int_equal(p.year, 1999);
	assert_int_equal(p.quarter, 4);
}

static void parse__refuses_a_form_not_asked_for(void **state)
{
	(void)state;
	kpix_period p = {7, 7};
	assert_int_equal(parse("2024-25", KPIX_PERIOD_QUARTER, &p), -1);
	assert_int_equal(parse("2024-25 Q1", KPIX_PERIOD_YEAR, &p), -1);
	/* *out is untouched on failure */
	assert_int_equal(p.year, 7);
	assert_int_equal(p.quarter, 7);
}

static void parse__refuses_anything_not_written_exactly(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "2025-27 Q2", /* the second year must follow the first */
	    "2025-26 Q5", "2025-26 Q0", "2025-26 q2", "2025-26Q2 ", " 2025-26 Q2",
	    "2025-26  Q2", "2025/26 Q2", "25-26 Q2", "2025-2026", "Q2", "", "2025-26 H1",
	    "202a-26 Q2", "2025-2b Q2",
	};
	kpix_period p;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (parse(bad[i], KPIX_PERIOD_ANY, &p) != -1)
			fail_msg("'%s' was read as a period", bad[i]);
}

static void text__writes_what_parse_reads(void **state)
{
	(void)state;
	static const char *const texts[] = {"2025-26 Q2", "2017-18 Q3", "1999-00 Q4", "2024-25",
	                                    "0000-01 Q1"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		kpix_period p;
		char buf[KPIX_PERIOD_TEXT_SIZE];
		assert_int_equal(parse(texts[i], KPIX_PERIOD_ANY, &p), 0);
		assert_int_equal(kpix_period_text(&p, buf), strlen(texts[i]));
		assert_string_equal(buf, texts[i]);
	}
}

static void start_and_end__follow_the_april_to_march_year(void **state)
{
	(void)state;
	static const struct {
		const char *period, *start, *end, *words;
	} cases[] = {
	    {"2025-26 Q1", "2025-04-01", "2025-06-30", "30 June 2025"},
	    {"2025-26 Q2", "2025-07-01", "2025-09-30", "30 September 2025"},
	    {"2025-26 Q3", "2025-10-01", "2025-12-31", "31 December 2025"},
	    {"2025-26 Q4", "2026-01-01", "2026-03-31", "31 March 2026"},
	    {"2023-24 Q4", "2024-01-01", "2024-03-31", "31 March 2024"},
	    {"2024-25", "2024-04-01", "2025-03-31", "31 March 2025"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		kpix_period p;
		char words[KPIX_PERIOD_WORDS_SIZE];
		assert_int_equal(parse(cases[i].period, KPIX_PERIOD_ANY, &p), 0);
		assert_day(kpix_period_start(&p), cases[i].start);
		assert_day(kpix_period_end(&p), cases[i].end);
		kpix_period_end_words(&p, words, sizeof words);
		assert_string_equal(words, cases[i].words);
	}
}

static void index__orders_quarters_across_years(void **state)
{
	(void)state;
	kpix_period q4, q1, last_year;
	parse("2016-17 Q4", KPIX_PERIOD_QUARTER, &q4);
	parse("2017-18 Q1", KPIX_PERIOD_QUARTER, &q1);
	parse("2016-17 Q1", KPIX_PERIOD_QUARTER, &last_year);
	assert_int_equal(kpix_period_index(&q1) - kpix_period_index(&q4), 1);
	assert_int_equal(kpix_period_index(&q1) - kpix_period_index(&last_year), 4);
	kpix_period back = kpix_period_of_index(kpix_period_index(&q4));
	assert_int_equal(back.year, 2016);
	assert_int_equal(back.quarter, 4);
}

static void due__every_period_without_due_in(void **state)
{
	(void)state;
	assert_true(kpix_period_due("2025-26 Q1", 10, NULL, 0));
	assert_true(kpix_period_due("anything", 8, NULL, 0));
}

static void due__when_the_period_ends_with_an_entry(void **state)
{
	(void)state;
	static const char *const twice[] = {"Q2", "Q4"};
	assert_true(kpix_period_due("2025-26 Q2", 10, twice, 2));
	assert_true(kpix_period_due("2025-26 Q4", 10, twice, 2));
	assert_false(kpix_period_due("2025-26 Q1", 10, twice, 2));
	assert_false(kpix_period_due("2025-26 Q3", 10, twice, 2));
	/* the text need not be a financial period: it is the ending that counts */
	assert_true(kpix_period_due("Q2", 2, twice, 2));
	assert_false(kpix_period_due("2", 1, twice, 2));
	/* only the first len bytes are read */
	assert_false(kpix_period_due("2025-26 Q2", 9, twice, 2));
}

static void due__a_whole_period_entry_names_that_period_only(void **state)
{
	(void)state;
	/* the documented suffix rule (schema-format.md), which the pack now
	 * shares: before issue 12 the pack compared the last two characters
	 * only, so this entry made every Q2 due there */
	static const char *const once[] = {"2025-26 Q2"};
	kpix_period p;
	parse("2025-26 Q2", KPIX_PERIOD_QUARTER, &p);
	assert_true(kpix_period_due_in(&p, once, 1));
	parse("2024-25 Q2", KPIX_PERIOD_QUARTER, &p);
	assert_false(kpix_period_due_in(&p, once, 1));
}

static void due_in__judges_a_quarter_by_its_text(void **state)
{
	(void)state;
	static const char *const survey[] = {"Q3", "Q4"};
	kpix_period p = {2017, 3};
	assert_true(kpix_period_due_in(&p, survey, 2));
	p.quarter = 1;
	assert_false(kpix_period_due_in(&p, survey, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parse__reads_a_quarter_and_a_year),
	    cmocka_unit_test(parse__refuses_a_form_not_asked_for),
	    cmocka_unit_test(parse__refuses_anything_not_written_exactly),
	    cmocka_unit_test(text__writes_what_parse_reads),
	    cmocka_unit_test(start_and_end__follow_the_april_to_march_year),
	    cmocka_unit_test(index__orders_quarters_across_years),
	    cmocka_unit_test(due__every_period_without_due_in),
	    cmocka_unit_test(due__when_the_period_ends_with_an_entry),
	    cmocka_unit_test(due__a_whole_period_entry_names_that_period_only),
	    cmocka_unit_test(due_in__judges_a_quarter_by_its_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
