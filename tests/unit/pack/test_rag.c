/* Unit tests of a board pack's judgements (rag.h): each RAG method in both
 * polarities, the cases with no figure, no target or nothing due, the
 * direction of travel, and the drafted sentences, including the oneSource
 * committee's own story (PRODUCT.md). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "rag.h"

static const kpix_rag_rule points5 = {KPIX_RAG_TOLERANCE, 5, false};
static const kpix_rag_rule percent10 = {KPIX_RAG_TOLERANCE, 10, true};
static const kpix_rag_rule havering = {KPIX_RAG_COMPARATIVE, 10, true};

static kpix_rag rate(const kpix_rag_rule *r, kpix_polarity pol, double v, double t)
{
	return kpix_rag_rate(r, pol, 1, true, KPIX_SOME(v), KPIX_SOME(t), KPIX_NONE);
}

static void tolerance__higher_is_better_green_at_or_above_amber_within_red_beyond(void **state)
{
	(void)state;
	assert_int_equal(rate(&points5, KPIX_POL_HIGHER, 82, 80), KPIX_RAG_GREEN);
	assert_int_equal(rate(&points5, KPIX_POL_HIGHER, 80, 80), KPIX_RAG_GREEN);
	assert_int_equal(rate(&points5, KPIX_POL_HIGHER, 78, 80), KPIX_RAG_AMBER);
	assert_int_equal(rate(&points5, KPIX_POL_HIGHER, 75, 80), KPIX_RAG_AMBER);
	assert_int_equal(rate(&points5, KPIX_POL_HIGHER, 74.9, 80), KPIX_RAG_RED);
	assert_int_equal(rate(&points5, KPIX_POL_HIGHER, 55, 80), KPIX_RAG_RED);
}

static void tolerance__lower_is_better_mirrors_it(void **state)
{
	(void)state;
	assert_int_equal(rate(&points5, KPIX_POL_LOWER, 30, 35), KPIX_RAG_GREEN);
	assert_int_equal(rate(&points5, KPIX_POL_LOWER, 35, 35), KPIX_RAG_GREEN);
	assert_int_equal(rate(&points5, KPIX_POL_LOWER, 39.5, 35), KPIX_RAG_AMBER);
	assert_int_equal(rate(&points5, KPIX_POL_LOWER, 40, 35), KPIX_RAG_AMBER);
	assert_int_equal(rate(&points5, KPIX_POL_LOWER, 40.1, 35), KPIX_RAG_RED);
}

static void tolerance__a_relative_band_is_a_share_of_the_target(void **state)
{
	(void)state;
	/* 10% of a 35-day target is 3.5 days */
	assert_int_equal(rate(&percent10, KPIX_POL_LOWER, 38.5, 35), KPIX_RAG_AMBER);
	assert_int_equal(rate(&percent10, KPIX_POL_LOWER, 38.6, 35), KPIX_RAG_RED);
	/* 10% of 80 is 8 points */
	assert_int_equal(rate(&percent10, KPIX_POL_HIGHER, 72, 80), KPIX_RAG_AMBER);
	assert_int_equal(rate(&percent10, KPIX_POL_HIGHER, 71.9, 80), KPIX_RAG_RED);
}

static void tolerance__figures_are_judged_as_shown_at_the_indicator_s_decimals(void **state)
{
	(void)state;
	/* 79.96 is shown as 80.0 with one decimal: on target, not amber */
	assert_int_equal(rate(&points5, KPIX_POL_HIGHER, 79.96, 80), KPIX_RAG_GREEN);
	assert_int_equal(kpix_rag_rate(&points5, KPIX_POL_HIGHER, 2, true, KPIX_SOME(79.96),
	                               KPIX_SOME(80), KPIX_NONE),
	                 KPIX_RAG_AMBER);
	/* a zero tolerance leaves no amber */
	kpix_rag_rule zero = {KPIX_RAG_TOLERANCE, 0, false};
	assert_int_equal(rate(&zero, KPIX_POL_HIGHER, 99.9, 100), KPIX_RAG_RED);
}

static void comparative__within_ten_percent_of_target_is_green(void **state)
{
	(void)state;
	assert_int_equal(rate(&havering, KPIX_POL_HIGHER, 85, 80), KPIX_RAG_GREEN);
	assert_int_equal(rate(&havering, KPIX_POL_HIGHER, 72, 80), KPIX_RAG_GREEN);
	assert_int_equal(rate(&havering, KPIX_POL_LOWER, 38.5, 35), KPIX_RAG_GREEN);
}

static void comparative__further_off_is_amber_if_held_or_improved_on_last_year(void **state)
{
	(void)state;
	kpix_opt v = KPIX_SOME(70), t = KPIX_SOME(80);
	assert_int_equal(kpix_rag_rate(&havering, KPIX_POL_HIGHER, 0, true, v, t, KPIX_SOME(65)),
	                 KPIX_RAG_AMBER);
	assert_int_equal(kpix_rag_rate(&havering, KPIX_POL_HIGHER, 0, true, v, t, KPIX_SOME(70)),
	                 KPIX_RAG_AMBER);
	assert_int_equal(kpix_rag_rate(&havering, KPIX_POL_HIGHER, 0, true, v, t, KPIX_SOME(71)),
	                 KPIX_RAG_RED);
	/* lower is better: 45 days against a 35-day target, 50 days a year ago */
	assert_int_equal(kpix_rag_rate(&havering, KPIX_POL_LOWER, 0, true, KPIX_SOME(45),
	                               KPIX_SOME(35), KPIX_SOME(50)),
	                 KPIX_RAG_AMBER);
	assert_int_equal(kpix_rag_rate(&havering, KPIX_POL_LOWER, 0, true, KPIX_SOME(45),
	                               KPIX_SOME(35), KPIX_SOME(40)),
	                 KPIX_RAG_RED);
}

static void comparative__without_last_year_s_figure_improvement_is_not_shown_so_red(void **state)
{
	(void)state;
	assert_int_equal(kpix_rag_rate(&havering, KPIX_POL_HIGHER, 0, true, KPIX_SOME(55),
	                               KPIX_SOME(80), KPIX_NONE),
	                 KPIX_RAG_RED);
}

static void missing__no_figure_no_target_not_due_and_no_polarity_are_never_red(void **state)
{
	(void)state;
	const kpix_rag_rule *rules[] = {&points5, &havering};
	for (size_t i = 0; i < 2; i++) {
		const kpix_rag_rule *r = rules[i];
		assert_int_equal(kpix_rag_rate(r, KPIX_POL_HIGHER, 1, true, KPIX_NONE, KPIX_SOME(80),
		                               KPIX_SOME(90)),
		                 KPIX_RAG_NO_DATA);
		assert_int_equal(kpix_rag_rate(r, KPIX_POL_HIGHER, 1, false, KPIX_NONE, KPIX_SOME(80),
		                               KPIX_NONE),
		                 KPIX_RAG_NOT_DUE);
		assert_int_equal(kpix_rag_rate(r, KPIX_POL_HIGHER, 1, true, KPIX_SOME(0), KPIX_NONE,
		                               KPIX_NONE),
		                 KPIX_RAG_NO_TARGET);
		assert_int_equal(kpix_rag_rate(r, KPIX_POL_NONE, 1, true, KPIX_SOME(24.15),
		                               KPIX_SOME(20), KPIX_NONE),
		                 KPIX_RAG_NOT_RATED);
	}
	/* a figure given in a period it was not due is still judged */
	assert_int_equal(kpix_rag_rate(&points5, KPIX_POL_HIGHER, 1, false, KPIX_SOME(90),
	                               KPIX_SOME(80), KPIX_NONE),
	                 KPIX_RAG_GREEN);
	/* zero is a figure, not a missing one */
	assert_int_equal(kpix_rag_rate(&points5, KPIX_POL_LOWER, 1, true, KPIX_SOME(0),
	                               KPIX_SOME(0), KPIX_NONE),
	                 KPIX_RAG_GREEN);
	assert_string_equal(kpix_rag_name(KPIX_RAG_NO_DATA), "No data");
	assert_string_equal(kpix_rag_name(KPIX_RAG_NOT_DUE), "Not due");
}

static void travel__better_and_worse_follow_polarity_and_the_arrow_follows_the_figure(void **state)
{
	(void)state;
	kpix_opt now = KPIX_SOME(82), then = KPIX_SOME(75);
	kpix_dot d = kpix_dot_compare(KPIX_POL_HIGHER, 0, now, then);
	assert_int_equal(d, KPIX_DOT_BETTER);
	assert_string_equal(kpix_dot_text(d, now, then), "\u25B2 Better");
	d = kpix_dot_compare(KPIX_POL_LOWER, 0, now, then);
	assert_int_equal(d, KPIX_DOT_WORSE);
	assert_string_equal(kpix_dot_text(d, now, then), "\u25B2 Worse");
	d = kpix_dot_compare(KPIX_POL_LOWER, 0, then, now);
	assert_string_equal(kpix_dot_text(d, then, now), "\u25BC Better");
	d = kpix_dot_compare(KPIX_POL_NONE, 0, then, now);
	assert_int_equal(d, KPIX_DOT_DOWN);
	assert_int_equal(kpix_dot_compare(KPIX_POL_HIGHER, 1, KPIX_SOME(71.04), KPIX_SOME(71.0)),
	                 KPIX_DOT_SAME);
	assert_int_equal(kpix_dot_compare(KPIX_POL_HIGHER, 1, now, KPIX_NONE), KPIX_DOT_NONE);
	assert_string_equal(kpix_dot_text(KPIX_DOT_NONE, now, KPIX_NONE), "\u2013");
}

static void words__figures_carry_their_unit_and_thousands_separators(void **state)
{
	(void)state;
	struct {
		double v;
		int d;
		const char *unit, *want;
	} cases[] = {
	    {82, 0, "percent", "82%"},       {98.255, 2, "percent", "98.26%"},
	    {39.5, 1, "days", "39.5 days"},  {1, 0, "days", "1 day"},
	    {1412877, 0, "money", "\u00A31,412,877"}, {24.15, 2, "per1000", "24.15 per 1,000 homes"},
	    {-1234.5, 1, "count", "-1,234.5"}, {0.04, 1, NULL, "0.0"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		kpix_buf b = KPIX_BUF_INIT;
		kpix_figure_words(&b, cases[i].v, cases[i].d, cases[i].unit);
		assert_string_equal(b.data, cases[i].want);
		kpix_buf_free(&b);
	}
}

static char *draft(kpix_draft_facts f)
{
	kpix_buf b = KPIX_BUF_INIT;
	kpix_draft_sentence(&b, &f);
	return kpix_buf_detach(&b);
}

static void draft__the_onesource_committee_story(void **state)
{
	(void)state;
	/* October 2017: 82% overall, up from 75% in March; the target had not
	 * been met before (72% in October 2016) */
	kpix_draft_facts f = {KPIX_POL_HIGHER, 0, "percent", KPIX_RAG_GREEN, KPIX_SOME(82),
	                      KPIX_SOME(75), KPIX_SOME(80), NULL, false, true, NULL};
	char *s = draft(f);
	assert_string_equal(s, "Rose from 75% to 82%, above the 80% target for the first time.");
	free(s);
	/* Bexley: 89% to 55% */
	f = (kpix_draft_facts){KPIX_POL_HIGHER, 0, "percent", KPIX_RAG_RED, KPIX_SOME(55),
	                       KPIX_SOME(89), KPIX_SOME(80), NULL, true, true, NULL};
	s = draft(f);
	assert_string_equal(s, "Fell from 89% to 55%, 25 points below the 80% target.");
	free(s);
	/* Havering: met before, so not "for the first time" */
	f = (kpix_draft_facts){KPIX_POL_HIGHER, 0, "percent", KPIX_RAG_GREEN, KPIX_SOME(89),
	                       KPIX_SOME(82), KPIX_SOME(80), NULL, true, true, NULL};
	s = draft(f);
	assert_string_equal(s, "Rose from 82% to 89%, above the 80% target.");
	free(s);
}

static void draft__lower_is_better_no_target_and_missing_figures(void **state)
{
	(void)state;
	kpix_draft_facts f = {KPIX_POL_LOWER, 1, "days", KPIX_RAG_AMBER, KPIX_SOME(39.5),
	                      KPIX_SOME(41.2), KPIX_SOME(35), NULL, false, true, NULL};
	char *s = draft(f);
	assert_string_equal(s, "Fell from 41.2 days to 39.5 days, 4.5 days above the 35.0 days target.");
	free(s);
	f.value = KPIX_SOME(35);
	s = draft(f);
	assert_string_equal(s, "Fell from 41.2 days to 35.0 days, on the 35.0 days target for the first time.");
	free(s);
	f = (kpix_draft_facts){KPIX_POL_HIGHER, 1, "percent", KPIX_RAG_NO_TARGET, KPIX_SOME(71),
	                       KPIX_NONE, KPIX_NONE, NULL, false, false, NULL};
	s = draft(f);
	assert_string_equal(s, "Stands at 71.0%; no target is set.");
	free(s);
	f.rag = KPIX_RAG_NO_DATA;
	f.value = KPIX_NONE;
	s = draft(f);
	assert_string_equal(s, "No figure was given for this period.");
	free(s);
	f.rag = KPIX_RAG_NOT_DUE;
	f.due_words = "reported in Q2 and Q4";
	s = draft(f);
	assert_string_equal(s, "Not due this period: reported in Q2 and Q4.");
	free(s);
	f = (kpix_draft_facts){KPIX_POL_NONE, 2, "per1000", KPIX_RAG_NOT_RATED, KPIX_SOME(24.15),
	                       KPIX_SOME(24.15), KPIX_SOME(20), NULL, false, false, NULL};
	s = draft(f);
	assert_string_equal(s, "Unchanged at 24.15 per 1,000 homes.");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(tolerance__higher_is_better_green_at_or_above_amber_within_red_beyond),
	    cmocka_unit_test(tolerance__lower_is_better_mirrors_it),
	    cmocka_unit_test(tolerance__a_relative_band_is_a_share_of_the_target),
	    cmocka_unit_test(tolerance__figures_are_judged_as_shown_at_the_indicator_s_decimals),
	    cmocka_unit_test(comparative__within_ten_percent_of_target_is_green),
	    cmocka_unit_test(comparative__further_off_is_amber_if_held_or_improved_on_last_year),
	    cmocka_unit_test(comparative__without_last_year_s_figure_improvement_is_not_shown_so_red),
	    cmocka_unit_test(missing__no_figure_no_target_not_due_and_no_polarity_are_never_red),
	    cmocka_unit_test(travel__better_and_worse_follow_polarity_and_the_arrow_follows_the_figure),
	    cmocka_unit_test(words__figures_carry_their_unit_and_thousands_separators),
	    cmocka_unit_test(draft__the_onesource_committee_story),
	    cmocka_unit_test(draft__lower_is_better_no_target_and_missing_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
