/* model.h - the board pack as data: every figure of the history an
 * indicator of the pack shows, judged for the pack's period.
 *
 * The model gathers the figures from the rows validation accepts (one
 * figure per indicator, breakdown and period), then judges each line a
 * table shows: its target (docs/packs.md, "Targets"), RAG status and
 * directions of travel (rag.h), a drafted sentence when the row has no
 * commentary, the trend of the last periods and the exceptions (red and
 * amber lines with their commentary and corrective action). Renderers
 * (render.h: the workbook and the summary CSV) read the result and judge
 * nothing themselves. No I/O: tests/unit/pack/test_model.c builds one
 * from a history and a definition and asserts what a board is told. */
#ifndef KPIX_PACK_MODEL_H
#define KPIX_PACK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packdef.h"
#include "period.h"
#include "rag.h"
#include "schema.h"
#include "validate.h"

/* A period of the model: a quarter as kpix_period_index numbers it, or
 * this for none. */
#define KPIX_PACK_NO_PERIOD INT32_MIN

/* One figure of the history: an indicator's row for a breakdown and a
 * period. */
typedef struct {
	int period;
	size_t breakdown;      /* index into the series' breakdowns; 0 is the whole */
	kpix_opt value, target;
	char *commentary, *action, *action_owner;
	kpix_opt action_due;   /* days since 1970 */
} kpix_pack_figure;

typedef struct kpix_pack_series kpix_pack_series;

/* One line of a table: an indicator, or one of its breakdowns, judged for
 * the pack's period. */
typedef struct {
	const kpix_pack_series *series;
	size_t breakdown;      /* 0: the whole organisation */
	bool due;              /* due in the pack's period (dueIn) */
	int prev_period;       /* the previous period it was due in, or KPIX_PACK_NO_PERIOD */
	kpix_opt now, prev, last_year, target;
	kpix_rag rag;
	kpix_dot vs_prev, vs_year;
	const char *commentary, *action; /* the row's own, or NULL */
	const char *action_owner; /* the row's own, or NULL */
	kpix_opt action_due;   /* when it is to be back on target: days since 1970 */
	char *drafted;         /* kpix's sentence when there is no commentary and there is
	                        * a figure or the line is not due, else NULL */
	unsigned flags;        /* of a red line: KPIX_PACK_FLAG_* the board should see */
} kpix_pack_line;

/* What a red line lacks, as kpix_pack_line.flags: no corrective action, no
 * owner for it, or a date to be back on target that is already past at the
 * end of the pack's period. */
#define KPIX_PACK_FLAG_NO_ACTION 1u
#define KPIX_PACK_FLAG_NO_OWNER 2u
#define KPIX_PACK_FLAG_OVERDUE 4u

/* The flags of a line in words ("no owner; date passed"), appended to b;
 * nothing when there are none. */
void kpix_pack_flag_words(unsigned flags, kpix_buf *b);

/* What a headline sentence says, in the order page 1 gives them. */
typedef enum {
	KPIX_HEADLINE_IMPROVED,  /* a figure that got better */
	KPIX_HEADLINE_FELL,      /* a figure that got worse */
	KPIX_HEADLINE_OFF_TARGET /* red or amber without having fallen */
} kpix_headline_kind;

typedef struct {
	kpix_headline_kind kind;
	kpix_rag rag;          /* the worst status the sentence reports */
	char *text;
} kpix_pack_headline;

/* A table of breakdown lines: lines[0..n) of the series, under title (NULL
 * when the definition names no tables: one table of every breakdown). */
typedef struct {
	const char *title;
	const kpix_pack_line *lines;
	size_t n;
} kpix_pack_table;

/* One period of a trend: the figure and the target, either missing. */
typedef struct {
	int period;
	kpix_opt value, target;
} kpix_pack_point;

/* Everything the pack shows of one indicator. */
struct kpix_pack_series {
	const kpix_pack_indicator *pi;
	const kpix_pack_group *group;
	char **breakdowns;     /* names in the order first seen; [0] is "" */
	size_t nbreakdowns;
	kpix_pack_figure *figures;
	size_t nfigures, cap;
	/* after kpix_pack_model_judge */
	kpix_pack_line whole;  /* the whole organisation */
	kpix_pack_line *lines; /* one per breakdown shown, table by table */
	size_t nlines;
	kpix_pack_table *tables; /* none when no breakdown is shown */
	size_t ntables;
	kpix_pack_point *trend; /* the periods a trend shows, oldest first */
	size_t ntrend;
};

/* The model. Renderers read its fields and never change them. */
typedef struct {
	const kpix_packdef *def;
	const kpix_schema *schema;
	int period;            /* the pack's period */
	int first_period;      /* the earliest in the history, or INT32_MAX */
	kpix_pack_series *series; /* one per indicator of the pack, in the pack's order */
	size_t nseries;
	/* how the rows read were used */
	uint64_t rows_read, rows_used, rows_later, rows_other_ind, rows_other_org;
	/* after kpix_pack_model_judge */
	size_t rag_counts[KPIX_RAG_N]; /* of the series' whole lines */
	const kpix_pack_line **exceptions; /* every red and amber line, in the pack's order */
	size_t nexceptions;
	/* page 1: the whole lines' counts with every red and amber breakdown
	 * line added, and how many of those were added */
	size_t headline_counts[KPIX_RAG_N];
	size_t breakdown_exceptions;
	kpix_pack_headline *headlines; /* what improved, what fell, what is off target */
	size_t nheadlines;
	char *counts_sentence;   /* "1 indicator: 1 green. Its breakdowns add 1 red and 1 amber." */
	size_t nflagged;         /* red lines with a flag */
	/* private to model.c */
	size_t *series_of_ind; /* catalogue index -> series index + 1 (0: not shown) */
	kpix_validator *v;
	kpix_buf text;
} kpix_pack_model;

/* A model of the pack def (bound to schema s) for period (a quarter),
 * with no figures yet. def and s are borrowed: they must outlive it. Free
 * with kpix_pack_model_free. */
kpix_pack_model *kpix_pack_model_new(const kpix_packdef *def, const kpix_schema *s,
                                     const kpix_period *period);

/* Makes the model gather the rows v accepts from now on (it becomes v's
 * row hook), and report to v the rows a pack cannot show: a period not
 * written as a quarter ("pack-period") and a second figure for the same
 * indicator, breakdown and period ("pack-duplicate"), both errors. v must
 * outlive the reading. */
void kpix_pack_model_read(kpix_pack_model *m, kpix_validator *v);

/* Whether the history has a figure for the pack's period of any indicator
 * the pack shows: a pack without one has nothing to say. */
bool kpix_pack_model_has_period(const kpix_pack_model *m);

/* Judges every line, trend and exception, once all rows are read. */
void kpix_pack_model_judge(kpix_pack_model *m);

/* Writes m's headlines and counts sentence (headline.c); called by
 * kpix_pack_model_judge once every line is judged. */
void kpix_pack_headlines(kpix_pack_model *m);

/* What to call period p: its name in the definition ("October 2017") or
 * its text ("2025-26 Q2"), which is written into buf. Lives in buf or in
 * the definition. */
const char *kpix_pack_period_name(const kpix_pack_model *m, int p,
                                  char buf[KPIX_PERIOD_TEXT_SIZE]);

/* The previous period of every line in a column, or KPIX_PACK_NO_PERIOD
 * when they differ (some indicators are due less often than others) or
 * there is none: the lines are the whole organisation's of every series
 * when se is NULL, else se's breakdown lines. */
int kpix_pack_common_previous(const kpix_pack_model *m, const kpix_pack_series *se);

/* The name of a line's breakdown, or NULL for the whole organisation. */
const char *kpix_pack_line_breakdown(const kpix_pack_line *l);

/* "reported in Q2 and Q4" for an indicator with dueIn, else "" (b is
 * cleared first). */
void kpix_pack_due_words(const kpix_indicator *ind, kpix_buf *b);

/* Frees m and everything it made; NULL is allowed. */
void kpix_pack_model_free(kpix_pack_model *m);

#endif
