/* rag.h - the judgements a board pack makes of one figure: its RAG status
 * against the target, its direction of travel against an earlier figure,
 * and a drafted sentence saying what the figures say.
 *
 * Pure functions of their arguments: no I/O, no allocation beyond the
 * kpix_buf a sentence is written into, so that every method, polarity and
 * missing-data case can be tested on its own (tests/unit/test_rag.c).
 * docs/packs.md gives the rules in words. */
#ifndef KPIX_RAG_H
#define KPIX_RAG_H

#include <stdbool.h>

#include "schema.h"
#include "util.h"

/* A figure that may be missing. */
typedef struct {
	bool has;
	double v;
} kpix_opt;

#define KPIX_NONE ((kpix_opt){false, 0})
#define KPIX_SOME(x) ((kpix_opt){true, (x)})

typedef enum {
	KPIX_RAG_GREEN,
	KPIX_RAG_AMBER,
	KPIX_RAG_RED,
	KPIX_RAG_NO_TARGET,  /* a figure, but no target to judge it by */
	KPIX_RAG_NOT_RATED,  /* a figure for which neither higher nor lower is better */
	KPIX_RAG_NO_DATA,    /* due this period, and no figure was given */
	KPIX_RAG_NOT_DUE,    /* not reported in this period (a biannual or annual measure) */
	KPIX_RAG_N
} kpix_rag;

typedef enum {
	/* green at or better than the target; amber when short of it by no
	 * more than the tolerance; red beyond */
	KPIX_RAG_TOLERANCE,
	/* the Havering form: green on target or short of it by no more than
	 * the tolerance; further off, amber when at least as good as the same
	 * period last year, red when worse or when there is no such figure */
	KPIX_RAG_COMPARATIVE
} kpix_rag_method;

typedef struct {
	kpix_rag_method method;
	double tolerance;      /* how far short of the target still counts as amber
	                        * (tolerance) or green (comparative) */
	bool relative;         /* tolerance is a percentage of the target, not
	                        * points in the figure's own unit */
} kpix_rag_rule;

/* The status of value against target. Figures are compared as the pack
 * shows them, rounded to decimals places, so that a figure shown as 80.0
 * against a target of 80 is on target. due false gives NOT_DUE whatever
 * the figures; a missing value NO_DATA; polarity NONE NOT_RATED; a missing
 * target NO_TARGET. last_year is the figure for the same period a year
 * before, used by the comparative method only. */
kpix_rag kpix_rag_rate(const kpix_rag_rule *rule, kpix_polarity pol, int decimals, bool due,
                       kpix_opt value, kpix_opt target, kpix_opt last_year);

/* "Green", "Amber", "Red", "No target", "Not rated", "No data", "Not due". */
const char *kpix_rag_name(kpix_rag r);

typedef enum {
	KPIX_DOT_NONE,   /* one of the two figures is missing */
	KPIX_DOT_SAME,
	KPIX_DOT_BETTER,
	KPIX_DOT_WORSE,
	KPIX_DOT_UP,     /* rose, for a figure neither higher nor lower is better */
	KPIX_DOT_DOWN
} kpix_dot;

/* The direction of travel from then to now, compared at decimals places. */
kpix_dot kpix_dot_compare(kpix_polarity pol, int decimals, kpix_opt now, kpix_opt then);

/* The arrow and word a pack shows: "▲ Better", "▼ Worse", "► Same",
 * "▲ Up", "▼ Down", or "–" when there is nothing to compare. The arrow
 * shows which way the figure moved; the word says whether that is good,
 * so the cell reads the same in black and white. */
const char *kpix_dot_text(kpix_dot d, kpix_opt now, kpix_opt then);

/* A figure as the pack writes it in a sentence: decimals places,
 * thousands separated, with its unit ("82%", "39.5 days", "£1,412,877",
 * "24.15 per 1,000 homes"). Appended to out. */
void kpix_figure_words(kpix_buf *out, double v, int decimals, const char *unit);

/* What a drafted sentence is made from. */
typedef struct {
	kpix_polarity polarity;
	int decimals;
	const char *unit;
	kpix_rag rag;
	kpix_opt value, previous, target;
	const char *previous_label;  /* the earlier period's name, or NULL */
	bool met_before;             /* the target was met in an earlier period shown */
	bool any_before;             /* there was an earlier period with a figure and a target */
	const char *due_words;       /* for NOT_DUE: "reported in Q2 and Q4", or NULL */
} kpix_draft_facts;

/* One sentence saying what the figures say, written into out (cleared
 * first): "Rose from 75% to 82%, above the 80% target for the first
 * time." Only facts given are stated; nothing is guessed. */
void kpix_draft_sentence(kpix_buf *out, const kpix_draft_facts *f);

#endif
