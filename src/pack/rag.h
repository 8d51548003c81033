/* rag.h - the judgements a board pack makes of one figure besides its RAG
 * status (which the one rule of schema/rating.h gives): its direction of
 * travel against an earlier figure, and a drafted sentence saying what the
 * figures say.
 *
 * Pure functions of their arguments: no I/O, no allocation beyond the
 * kpix_buf a sentence is written into, so that every method, polarity and
 * missing-data case can be tested on its own (tests/unit/test_rag.c).
 * docs/packs.md gives the rules in words. */
#ifndef KPIX_RAG_H
#define KPIX_RAG_H

#include <stdbool.h>

#include "rating.h"
#include "schema.h"
#include "util.h"

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
