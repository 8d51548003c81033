/* Unit tests of the board pack's model (model.h), with no workbook: the
 * oneSource history (examples/onesource) judged as its Joint Committee was
 * told it in October 2017 (examples/onesource/README.md, "The story the
 * committee was told"), the same history judged a period earlier, and the
 * rows a pack cannot show. Issue 12: the pack's figures and judgements
 * became data that any renderer reads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "packdef.h"
#include "period.h"
#include "schema.h"
#include "validate.h"

#define SEARCH_PATH KPIX_TEST_DATA "/../schemas"
#define ONESOURCE_HISTORY KPIX_TEST_DATA "/../examples/onesource/okpi1-history.csv"
/* a pack over a schema whose period is free text and which has no primary
 * key, so that only the pack sees a bad period or a repeated figure */
#define DUP_PACK KPIX_TEST_DATA "/golden/fixtures/pack-dup.json"
#define DUP_SCHEMA KPIX_TEST_DATA "/golden/fixtures/pack-dup-schema.json"

typedef struct {
	kpix_schema *s;
	kpix_packdef *def;
	kpix_validator *v;
	kpix_pack_model *m;
	const kpix_report *rep;
	char tmp[64];
} fx;

/* The pack def over schema, read from history for period, and judged
 * when the history has no errors. */
static void build_pack(fx *f, const char *def, const char *schema, const char *history,
                       const char *period)
{
	kpix_period p;
	assert_int_equal(kpix_period_parse(&p, period, strlen(period), KPIX_PERIOD_QUARTER), 0);
	assert_int_equal(kpix_packdef_load(&f->def, def, SEARCH_PATH), 0);
	assert_int_equal(kpix_schema_load(&f->s, schema, SEARCH_PATH), 0);
	assert_int_equal(kpix_packdef_bind(f->def, f->s), 0);
	kpix_validate_options o = KPIX_VALIDATE_OPTIONS_INIT;
	assert_int_equal(kpix_validator_new(&f->v, f->s, &o), 0);
	f->m = kpix_pack_model_new(f->def, f->s, &p);
	kpix_pack_model_read(f->m, f->v);
	assert_int_equal(kpix_validator_add_file(f->v, history), 0);
	f->rep = kpix_validator_finish(f->v);
	if (kpix_report_errors(f->rep) == 0)
		kpix_pack_model_judge(f->m);
}

/* The oneSource pack read from history for period. */
static void build(fx *f, const char *history, const char *period)
{
	build_pack(f, "onesource-joint-committee", "onesource-kpi", history, period);
}

/* A history of the given CSV lines under header, in a temporary file. */
static const char *history_of(fx *f, const char *header, const char *rows)
{
	snprintf(f->tmp, sizeof f->tmp, "/tmp/kpix-test-model-XXXXXX");
	int fd = mkstemp(f->tmp);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "wb");
	assert_non_null(fp);
	fputs(header, fp);
	fputs(rows, fp);
	assert_int_equal(fclose(fp), 0);
	return f->tmp;
}

/* A oneSource history of the given CSV lines. */
static const char *history(fx *f, const char *rows)
{
	return history_of(f, "organisation,period,indicator,breakdown,numerator,denominator,value,"
	                     "target,commentary,action,action_owner,action_due\n",
	                  rows);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(fx));
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	fx *f = *state;
	kpix_pack_model_free(f->m);
	kpix_validator_free(f->v);
	kpix_packdef_free(f->def);
	kpix_schema_free(f->s);
	if (f->tmp[0])
		unlink(f->tmp);
	free(f);
	return 0;
}

/* The breakdown line of the only series named name. */
static const kpix_pack_line *breakdown(const fx *f, const char *name)
{
	const kpix_pack_series *se = &f->m->series[0];
	for (size_t i = 0; i < se->nlines; i++)
		if (strcmp(kpix_pack_line_breakdown(&se->lines[i]), name) == 0)
			return &se->lines[i];
	fail_msg("no breakdown line '%s'", name);
	return NULL;
}

static void assert_figure(kpix_opt v, double want)
{
	assert_true(v.has);
	assert_true(v.v == want);
}

static const char *name_of(const fx *f, int p)
{
	static char buf[KPIX_PERIOD_TEXT_SIZE];
	return kpix_pack_period_name(f->m, p, buf);
}

static void onesource__october_2017_overall_is_green_above_target_for_the_first_time(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	assert_int_equal(kpix_report_errors(f->rep), 0);
	assert_int_equal(f->m->nseries, 1);
	const kpix_pack_line *l = &f->m->series[0].whole;
	assert_figure(l->now, 82);
	assert_figure(l->target, 80);
	/* the previous round was March 2017: Q1 and Q2 are not survey quarters */
	assert_figure(l->prev, 75);
	assert_string_equal(name_of(f, l->prev_period), "March 2017");
	assert_figure(l->last_year, 72);
	assert_int_equal(l->rag, KPIX_RAG_GREEN);
	assert_int_equal(l->vs_prev, KPIX_DOT_BETTER);
	assert_int_equal(l->vs_year, KPIX_DOT_BETTER);
	assert_null(l->commentary);
	assert_string_equal(l->drafted,
	                    "Rose from 75% to 82%, above the 80% target for the first time.");
	assert_int_equal(f->m->rag_counts[KPIX_RAG_GREEN], 1);
	assert_string_equal(name_of(f, f->m->period), "October 2017");
	assert_int_equal(kpix_pack_common_previous(f->m, NULL), l->prev_period);
}

static void onesource__bexley_is_red_with_its_commentary_and_action(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	const kpix_pack_line *l = breakdown(f, "Bexley");
	assert_figure(l->now, 55);
	assert_figure(l->prev, 89);
	/* breakdown rows have no target: the definition's 80% applies */
	assert_figure(l->target, 80);
	assert_int_equal(l->rag, KPIX_RAG_RED);
	assert_int_equal(l->vs_prev, KPIX_DOT_WORSE);
	assert_string_equal(l->commentary, "A significant fall from 89% in March 2017.");
	assert_string_equal(l->action, "The fall is to be investigated.");
	assert_null(l->drafted);
}

static void onesource__havering_and_newham_green_and_improving_onesource_amber(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	const kpix_pack_line *h = breakdown(f, "Havering"), *n = breakdown(f, "Newham");
	assert_int_equal(h->rag, KPIX_RAG_GREEN);
	assert_int_equal(h->vs_prev, KPIX_DOT_BETTER);
	assert_int_equal(n->rag, KPIX_RAG_GREEN);
	assert_int_equal(n->vs_prev, KPIX_DOT_BETTER);
	assert_string_equal(n->drafted, "Rose from 65% to 81%, above the 80% target for the first time.");
	/* below target, within the definition's 5 points */
	const kpix_pack_line *o = breakdown(f, "oneSource");
	assert_figure(o->now, 78);
	assert_int_equal(o->rag, KPIX_RAG_AMBER);
	assert_int_equal(o->vs_prev, KPIX_DOT_WORSE);
	assert_string_equal(o->commentary, "A slight fall from 83% in March 2017.");
	assert_null(o->action);
}

static void onesource__services_reported_once_show_no_data_never_zero(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	const kpix_pack_line *l = breakdown(f, "Health and Safety");
	assert_false(l->now.has);
	assert_true(l->due);
	assert_int_equal(l->rag, KPIX_RAG_NO_DATA);
	assert_figure(l->prev, 98);
	assert_int_equal(l->vs_prev, KPIX_DOT_NONE);
}

static void onesource__tables_follow_the_definition(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	const kpix_pack_series *se = &f->m->series[0];
	assert_int_equal(se->nlines, 10);
	assert_int_equal(se->ntables, 2);
	assert_string_equal(se->tables[0].title, "By customer");
	assert_int_equal(se->tables[0].n, 4);
	assert_string_equal(kpix_pack_line_breakdown(&se->tables[0].lines[0]), "Havering");
	assert_string_equal(se->tables[1].title, "By service");
	assert_int_equal(se->tables[1].n, 6);
	assert_string_equal(kpix_pack_line_breakdown(&se->tables[1].lines[5]),
	                    "Project Management Office");
}

static void onesource__exceptions_are_the_red_and_amber_lines_in_order(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	assert_int_equal(f->m->nexceptions, 2);
	assert_string_equal(kpix_pack_line_breakdown(f->m->exceptions[0]), "Bexley");
	assert_int_equal(f->m->exceptions[0]->rag, KPIX_RAG_RED);
	assert_string_equal(kpix_pack_line_breakdown(f->m->exceptions[1]), "oneSource");
	assert_int_equal(f->m->exceptions[1]->rag, KPIX_RAG_AMBER);
}

static void onesource__trend_runs_over_the_survey_rounds_only(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	const kpix_pack_series *se = &f->m->series[0];
	static const double values[] = {72, 75, 82};
	static const char *const names[] = {"October 2016", "March 2017", "October 2017"};
	assert_int_equal(se->ntrend, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(name_of(f, se->trend[i].period), names[i]);
		assert_figure(se->trend[i].value, values[i]);
		assert_figure(se->trend[i].target, 80);
	}
}

static void onesource__every_row_is_shown_in_october_2017(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	assert_int_equal(f->m->rows_read, 17);
	assert_int_equal(f->m->rows_used, 17);
	assert_int_equal(f->m->rows_later, 0);
	assert_true(kpix_pack_model_has_period(f->m));
}

static void march_2017__later_rows_are_counted_not_shown(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2016-17 Q4");
	assert_int_equal(f->m->rows_used, 12);
	assert_int_equal(f->m->rows_later, 5);
	const kpix_pack_line *l = &f->m->series[0].whole;
	assert_figure(l->now, 75);
	assert_figure(l->prev, 72);
	/* 5 points short: amber at the edge of the tolerance */
	assert_int_equal(l->rag, KPIX_RAG_AMBER);
	assert_false(l->last_year.has);
	assert_int_equal(l->vs_year, KPIX_DOT_NONE);
	assert_string_equal(l->commentary,
	                    "Up from 72% in October 2016 but still below the 80% target.");
}

static void a_quarter_the_indicator_is_not_due_in_is_not_due(void **state)
{
	fx *f = *state;
	/* OKPI1 is due in Q3 and Q4 only: a Q1 figure is shown, but nothing is
	 * missing when there is none */
	build(f, history(f, "oneSource,2017-18 Q3,OKPI1,,,,82%,80%,,,,\n"
	                    "oneSource,2018-19 Q1,OKPI1,Havering,,,90%,,,,,\n"),
	      "2018-19 Q1");
	const kpix_pack_line *l = &f->m->series[0].whole;
	assert_false(l->due);
	assert_int_equal(l->rag, KPIX_RAG_NOT_DUE);
	/* the last quarter it was due in, which has no figure */
	assert_string_equal(name_of(f, l->prev_period), "March 2018");
	assert_false(l->prev.has);
	assert_string_equal(l->drafted, "Not due this period: reported in Q3 and Q4.");
	assert_int_equal(f->m->rag_counts[KPIX_RAG_NOT_DUE], 1);
	assert_int_equal(f->m->nexceptions, 0);
}

static void rows_of_other_organisations_are_counted_and_left_out(void **state)
{
	fx *f = *state;
	build(f, history(f, "oneSource,2017-18 Q3,OKPI1,,,,82%,80%,,,,\n"
	                    "Havering,2017-18 Q3,OKPI1,,,,50%,80%,,,,\n"),
	      "2017-18 Q3");
	assert_int_equal(f->m->rows_other_org, 1);
	assert_int_equal(f->m->rows_used, 1);
	assert_figure(f->m->series[0].whole.now, 82);
}

/* The code of the report's only error. */
static const char *only_error(const fx *f)
{
	assert_int_equal(kpix_report_errors(f->rep), 1);
	for (size_t i = 0; i < kpix_report_count(f->rep); i++) {
		const kpix_diag *d = kpix_report_get(f->rep, i);
		if (d->severity == KPIX_SEVERITY_ERROR)
			return d->code;
	}
	fail_msg("no error kept");
	return NULL;
}

static void a_period_that_is_not_a_quarter_is_an_error(void **state)
{
	fx *f = *state;
	build_pack(f, DUP_PACK, DUP_SCHEMA,
	           history_of(f, "period,indicator,value\n", "2025-26,SAT01,72.0\n"), "2025-26 Q2");
	assert_string_equal(only_error(f), "pack-period");
	assert_false(kpix_pack_model_has_period(f->m));
}

static void a_second_figure_for_the_same_line_is_an_error(void **state)
{
	fx *f = *state;
	build_pack(f, DUP_PACK, DUP_SCHEMA,
	           history_of(f, "period,indicator,value\n",
	                      "2025-26 Q2,SAT01,71.3\n2025-26 Q2,SAT01,71.0\n"),
	           "2025-26 Q2");
	assert_string_equal(only_error(f), "pack-duplicate");
}

/* Issue 16: page 1 of the board report, in the committee's words. The
 * headline sentences say what improved, what fell and what is off target,
 * breakdowns included; no sentence is drafted for a figure not given. */
static const char *headline_with(const fx *f, const char *part)
{
	for (size_t i = 0; i < f->m->nheadlines; i++)
		if (strstr(f->m->headlines[i].text, part))
			return f->m->headlines[i].text;
	for (size_t i = 0; i < f->m->nheadlines; i++)
		print_message("headline: %s\n", f->m->headlines[i].text);
	fail_msg("no headline says '%s'", part);
	return NULL;
}

static void onesource__page_one_tells_the_committee_story(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	assert_int_equal(f->m->nheadlines, 4);
	assert_string_equal(f->m->headlines[0].text,
	                    "Customer satisfaction with oneSource services: 82% against the 80% "
	                    "target, above it for the first time; up from 75% in March 2017 and 72% "
	                    "in October 2016. Green.");
	assert_int_equal(f->m->headlines[0].kind, KPIX_HEADLINE_IMPROVED);
	assert_string_equal(f->m->headlines[1].text,
	                    "Havering and Newham are above target and improving: Havering from 82% "
	                    "to 89%, Newham from 65% to 81% (Customer satisfaction with oneSource "
	                    "services, by customer).");
	/* Bexley's fall is said on page 1, as red */
	assert_string_equal(f->m->headlines[2].text,
	                    "Bexley fell from 89% to 55% and is red, 25 points below the 80% target "
	                    "(Customer satisfaction with oneSource services, by customer).");
	assert_int_equal(f->m->headlines[2].kind, KPIX_HEADLINE_FELL);
	assert_int_equal(f->m->headlines[2].rag, KPIX_RAG_RED);
	assert_non_null(headline_with(f, "oneSource fell from 83% to 78% and is amber, 2 points "
	                                 "below the 80% target"));
}

static void onesource__counts_include_the_breakdown_exceptions(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	assert_int_equal(f->m->rag_counts[KPIX_RAG_RED], 0);
	assert_int_equal(f->m->headline_counts[KPIX_RAG_GREEN], 1);
	assert_int_equal(f->m->headline_counts[KPIX_RAG_RED], 1);
	assert_int_equal(f->m->headline_counts[KPIX_RAG_AMBER], 1);
	assert_int_equal(f->m->breakdown_exceptions, 2);
	assert_string_equal(f->m->counts_sentence,
	                    "1 indicator: 1 green. Breakdowns add 1 red and 1 amber.");
}

static void onesource__no_sentence_is_drafted_for_no_data(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	const kpix_pack_line *l = breakdown(f, "Printing Services");
	assert_int_equal(l->rag, KPIX_RAG_NO_DATA);
	assert_null(l->drafted);
	assert_null(l->commentary);
	for (size_t i = 0; i < f->m->nheadlines; i++)
		assert_null(strstr(f->m->headlines[i].text, "Printing"));
}

static void onesource__bexley_has_an_owner_and_a_date_and_no_flag(void **state)
{
	fx *f = *state;
	build(f, ONESOURCE_HISTORY, "2017-18 Q3");
	const kpix_pack_line *l = breakdown(f, "Bexley");
	assert_string_equal(l->action_owner, "Head of Business Improvement");
	assert_true(l->action_due.has);
	kpix_period q;
	assert_int_equal(kpix_period_parse(&q, "2017-18 Q4", 10, KPIX_PERIOD_QUARTER), 0);
	assert_true(l->action_due.v == kpix_period_end(&q)); /* 31 March 2018 */
	assert_int_equal(l->flags, 0);
	assert_int_equal(f->m->nflagged, 0);
}

/* A red with no action, no owner, or a date already past is flagged;
 * amber is not. */
static void a_red_without_action_or_owner_or_with_a_date_past_is_flagged(void **state)
{
	fx *f = *state;
	build(f, history(f, "oneSource,2016-17 Q4,OKPI1,,,,75%,80%,,,,\n"
	                    "oneSource,2017-18 Q3,OKPI1,,,,82%,80%,,,,\n"
	                    "oneSource,2017-18 Q3,OKPI1,Havering,,,50%,,,,,\n"
	                    "oneSource,2017-18 Q3,OKPI1,Newham,,,50%,,,Call every team.,,\n"
	                    "oneSource,2017-18 Q3,OKPI1,Bexley,,,50%,,,Call every team.,Head,"
	                    "2017-11-30\n"
	                    "oneSource,2017-18 Q3,OKPI1,oneSource,,,78%,,,,,\n"),
	      "2017-18 Q3");
	assert_int_equal(kpix_report_errors(f->rep), 0);
	assert_int_equal(breakdown(f, "Havering")->flags,
	                 KPIX_PACK_FLAG_NO_ACTION | KPIX_PACK_FLAG_NO_OWNER);
	assert_int_equal(breakdown(f, "Newham")->flags, KPIX_PACK_FLAG_NO_OWNER);
	assert_int_equal(breakdown(f, "Bexley")->flags, KPIX_PACK_FLAG_OVERDUE);
	assert_int_equal(breakdown(f, "oneSource")->rag, KPIX_RAG_AMBER);
	assert_int_equal(breakdown(f, "oneSource")->flags, 0);
	assert_int_equal(f->m->nflagged, 3);
	kpix_buf b = KPIX_BUF_INIT;
	kpix_pack_flag_words(breakdown(f, "Havering")->flags, &b);
	assert_string_equal(b.data, "no corrective action recorded; no owner");
	kpix_buf_free(&b);
	/* three reds and an amber, none of which fell (no earlier figure) */
	assert_string_equal(f->m->counts_sentence,
	                    "1 indicator: 1 green. Breakdowns add 3 red and 1 amber.");
	assert_non_null(headline_with(f, "Havering is red at 50%, 30 points below the 80% target"));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(onesource__page_one_tells_the_committee_story),
	    T(onesource__counts_include_the_breakdown_exceptions),
	    T(onesource__no_sentence_is_drafted_for_no_data),
	    T(onesource__bexley_has_an_owner_and_a_date_and_no_flag),
	    T(a_red_without_action_or_owner_or_with_a_date_past_is_flagged),
	    T(onesource__october_2017_overall_is_green_above_target_for_the_first_time),
	    T(onesource__bexley_is_red_with_its_commentary_and_action),
	    T(onesource__havering_and_newham_green_and_improving_onesource_amber),
	    T(onesource__services_reported_once_show_no_data_never_zero),
	    T(onesource__tables_follow_the_definition),
	    T(onesource__exceptions_are_the_red_and_amber_lines_in_order),
	    T(onesource__trend_runs_over_the_survey_rounds_only),
	    T(onesource__every_row_is_shown_in_october_2017),
	    T(march_2017__later_rows_are_counted_not_shown),
	    T(a_quarter_the_indicator_is_not_due_in_is_not_due),
	    T(rows_of_other_organisations_are_counted_and_left_out),
	    T(a_period_that_is_not_a_quarter_is_an_error),
	    T(a_second_figure_for_the_same_line_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
