/* headline.c - page 1 of a board report in words (model.h): the headline
 * sentences of a judged model, what improved, what fell and what is off
 * target, breakdowns counted as the whole organisation's figures are, and
 * the counts sentence. Every phrase is in the one table below, so that the
 * wording can be read, and changed, in one place. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Every phrase of page 1, as printf formats (macros, so that the compiler
 * checks each call's arguments); the arguments are named beside each. */
#define W_AGAINST "%s: %s against the %s target"        /* title, figure, target */
#define W_NO_TARGET "%s: %s, with no target set"         /* title, figure */
#define W_POSITION ", %s"                                /* "above it for the first time" */
#define W_FROM "; %s from %s in %s"                      /* "up", figure, period */
#define W_AND_FROM " and %s in %s"                       /* figure, period */
#define W_WAS "; it was %s in %s"                        /* figure, period: moved the other way */
#define W_STATUS ". %s."                                 /* status */
#define W_BD_FELL "%s fell from %s to %s and is %s"      /* breakdown, previous, figure, status */
#define W_BD_OFF "%s is %s at %s"                        /* breakdown, status, figure */
#define W_BD_GAP_TARGET ", %s the %s target"             /* "25 points below", target */
#define W_BD_OF " (%s, %s)."                             /* title, table */
#define W_BD_IMPROVING_1 "%s is %s target and improving" /* name, "above" */
#define W_BD_IMPROVING_N "%s are %s target and improving" /* names, "above" */
#define W_BD_LIST ": %s"                                 /* the figures */
#define W_BD_ROSE "%s%s from %s to %s"                   /* ", ", name, previous, figure */
#define W_COUNTS "%s: "                                  /* "16 indicators" */
#define W_COUNTS_ADD ". Breakdowns add %s."              /* "1 red and 1 amber" */

/* The status words of page 1, lower case inside a sentence. */
static const char *const status_words[KPIX_RAG_N] = {
	"green", "amber", "red", "without a target", "not rated", "no data", "not due",
};

static void figure(kpix_buf *b, const kpix_pack_series *se, double v)
{
	kpix_figure_words(b, v, se->pi->ind->decimals, se->pi->ind->unit);
}

/* A figure as words in its own buffer, for a printf argument. */
static const char *fig(kpix_buf *b, const kpix_pack_series *se, kpix_opt v)
{
	kpix_buf_clear(b);
	if (v.has)
		figure(b, se, v.v);
	return b->data ? b->data : "";
}

/* Where a figure stands against its target: "above it", "2 points below
 * it", "on it" (short ends in "it"), or with the target named. */
static void position(kpix_buf *b, const kpix_pack_line *l, bool first_time)
{
	const kpix_indicator *ind = l->series->pi->ind;
	int d = ind->decimals;
	bool higher = l->series->pi->polarity == KPIX_POL_HIGHER;
	double v = kpix_rag_shown(l->now.v, d), t = kpix_rag_shown(l->target.v, d);
	double gap = higher ? t - v : v - t;
	if (fabs(gap) <= 1e-9) {
		kpix_buf_adds(b, "on it");
	} else if (gap < 0) {
		kpix_buf_adds(b, higher ? "above it" : "below it");
	} else {
		if (ind->unit && strcmp(ind->unit, "percent") == 0) {
			kpix_figure_words(b, gap, d, NULL);
			kpix_buf_adds(b, kpix_rag_shown(gap, d) == 1.0 ? " point" : " points");
		} else {
			kpix_figure_words(b, gap, d, ind->unit);
		}
		kpix_buf_adds(b, higher ? " below it" : " above it");
	}
	if (first_time && gap <= 1e-9)
		kpix_buf_adds(b, " for the first time");
}

static bool met_first_time(const kpix_pack_model *m, const kpix_pack_line *l)
{
	const kpix_pack_series *se = l->series;
	bool any = false, met = false;
	for (size_t i = 0; i < se->nfigures; i++) {
		const kpix_pack_figure *e = &se->figures[i];
		if (e->breakdown != l->breakdown || e->period >= m->period || !e->value.has)
			continue;
		kpix_opt t = KPIX_NONE;
		for (size_t k = 0; k < se->ntrend; k++)
			if (se->trend[k].period == e->period)
				t = se->trend[k].target;
		if (!t.has)
			continue;
		any = true;
		static const kpix_rag_rule exact = {KPIX_RAG_TOLERANCE, 0, false};
		met |= kpix_rag_rate(&exact, se->pi->polarity, se->pi->ind->decimals, true, e->value, t,
		                     KPIX_NONE) == KPIX_RAG_GREEN;
	}
	return any && !met;
}

static void add(kpix_pack_model *m, kpix_headline_kind kind, kpix_rag rag, kpix_buf *b)
{
	m->headlines = kpix_xrealloc(m->headlines, (m->nheadlines + 1) * sizeof(kpix_pack_headline));
	m->headlines[m->nheadlines++] = (kpix_pack_headline){kind, rag, kpix_buf_detach(b)};
}

/* The whole organisation's sentence: "Title: 82% against the 80% target,
 * above it for the first time; up from 75% in March 2017 and 72% in
 * October 2016. Green." Said when the figure moved or is off target. */
static void whole_sentence(kpix_pack_model *m, const kpix_pack_series *se)
{
	const kpix_pack_line *l = &se->whole;
	bool off = l->rag == KPIX_RAG_RED || l->rag == KPIX_RAG_AMBER;
	kpix_headline_kind kind;
	if (!l->now.has)
		return;
	if (l->vs_prev == KPIX_DOT_BETTER)
		kind = KPIX_HEADLINE_IMPROVED;
	else if (l->vs_prev == KPIX_DOT_WORSE)
		kind = KPIX_HEADLINE_FELL;
	else if (off)
		kind = KPIX_HEADLINE_OFF_TARGET;
	else
		return;
	kpix_buf b = KPIX_BUF_INIT, f1 = KPIX_BUF_INIT, f2 = KPIX_BUF_INIT, pos = KPIX_BUF_INIT;
	char pn[KPIX_PERIOD_TEXT_SIZE];
	const char *title = se->pi->ind->title ? se->pi->ind->title : se->pi->ind->code;
	bool rated = l->target.has && se->pi->polarity != KPIX_POL_NONE;
	if (rated) {
		kpix_buf_printf(&b, W_AGAINST, title, fig(&f1, se, l->now), fig(&f2, se, l->target));
		position(&pos, l, met_first_time(m, l));
		kpix_buf_printf(&b, W_POSITION, pos.data);
	} else {
		kpix_buf_printf(&b, W_NO_TARGET, title, fig(&f1, se, l->now));
	}
	/* the earlier figures of the trend, newest first, at most two */
	size_t said = 0;
	int first_way = 0;
	for (size_t k = se->ntrend; k-- > 0 && said < 2;) {
		const kpix_pack_point *pt = &se->trend[k];
		if (pt->period >= m->period || !pt->value.has)
			continue;
		const char *name = kpix_pack_period_name(m, pt->period, pn);
		double a = kpix_rag_shown(l->now.v, se->pi->ind->decimals);
		double p = kpix_rag_shown(pt->value.v, se->pi->ind->decimals);
		int way = a > p ? 1 : a < p ? -1 : 0;
		if (said++ == 0) {
			first_way = way;
			kpix_buf_printf(&b, W_FROM, way > 0 ? "up" : way < 0 ? "down" : "unchanged",
			                fig(&f1, se, pt->value), name);
		} else {
			/* "up from 75% and 72%" only when it is up from both */
			kpix_buf_printf(&b, way == first_way ? W_AND_FROM : W_WAS, fig(&f1, se, pt->value),
			                name);
		}
	}
	const char *status = kpix_rag_name(l->rag);
	kpix_buf_printf(&b, W_STATUS, status);
	add(m, kind, l->rag, &b);
	kpix_buf_free(&f1);
	kpix_buf_free(&f2);
	kpix_buf_free(&pos);
}

/* The table a breakdown line is in, for the sentence ("by customer"). */
static const char *table_of(const kpix_pack_line *l)
{
	const kpix_pack_series *se = l->series;
	for (size_t t = 0; t < se->ntables; t++)
		if (l >= se->tables[t].lines && l < se->tables[t].lines + se->tables[t].n)
			return se->tables[t].title;
	return NULL;
}

/* The table's title as it reads inside a sentence ("by customer"), into
 * b; "by breakdown" when there is none. */
static const char *table_words(kpix_buf *b, const char *table)
{
	kpix_buf_clear(b);
	if (!table)
		table = "by breakdown";
	for (const char *c = table; *c; c++)
		kpix_buf_addc(b, c == table && *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c);
	return b->data;
}

/* The sentences of a series' breakdowns: one for those on target and
 * improving, together; one for each red or amber line. */
static void breakdown_sentences(kpix_pack_model *m, const kpix_pack_series *se)
{
	kpix_buf b = KPIX_BUF_INIT, f1 = KPIX_BUF_INIT, f2 = KPIX_BUF_INIT, pos = KPIX_BUF_INIT,
	         names = KPIX_BUF_INIT, rose = KPIX_BUF_INIT;
	const char *title = se->pi->ind->title ? se->pi->ind->title : se->pi->ind->code;
	size_t nup = 0;
	bool strictly = true, shared = true;
	const char *table = NULL;
	for (size_t k = 0; k < se->nlines; k++) {
		const kpix_pack_line *l = &se->lines[k];
		if (l->rag == KPIX_RAG_GREEN && l->vs_prev == KPIX_DOT_BETTER)
			nup++;
	}
	for (size_t k = 0, i = 0; k < se->nlines; k++) {
		const kpix_pack_line *l = &se->lines[k];
		if (l->rag != KPIX_RAG_GREEN || l->vs_prev != KPIX_DOT_BETTER)
			continue;
		const char *bd = kpix_pack_line_breakdown(l);
		if (i == 0)
			table = table_of(l);
		shared &= table_of(l) == table;
		kpix_buf_printf(&names, "%s%s", i == 0 ? "" : i + 1 == nup ? " and " : ", ", bd);
		kpix_buf_printf(&rose, W_BD_ROSE, i == 0 ? "" : ", ", bd, fig(&f1, se, l->prev),
		                fig(&f2, se, l->now));
		kpix_buf_clear(&pos);
		position(&pos, l, false);
		strictly &= strncmp(pos.data, "on", 2) != 0;
		i++;
	}
	if (nup) {
		bool higher = se->pi->polarity == KPIX_POL_HIGHER;
		const char *where = strictly ? (higher ? "above" : "below")
		                             : (higher ? "on or above" : "on or below");
		kpix_buf_printf(&b, nup == 1 ? W_BD_IMPROVING_1 : W_BD_IMPROVING_N, names.data, where);
		kpix_buf_printf(&b, W_BD_LIST, rose.data);
		kpix_buf_printf(&b, W_BD_OF, title, table_words(&f2, shared ? table : NULL));
		add(m, KPIX_HEADLINE_IMPROVED, KPIX_RAG_GREEN, &b);
	}
	for (size_t k = 0; k < se->nlines; k++) {
		const kpix_pack_line *l = &se->lines[k];
		if (l->rag != KPIX_RAG_RED && l->rag != KPIX_RAG_AMBER)
			continue;
		const char *bd = kpix_pack_line_breakdown(l);
		bool fell = l->vs_prev == KPIX_DOT_WORSE;
		if (fell)
			kpix_buf_printf(&b, W_BD_FELL, bd, fig(&f1, se, l->prev), fig(&f2, se, l->now),
			                status_words[l->rag]);
		else
			kpix_buf_printf(&b, W_BD_OFF, bd, status_words[l->rag], fig(&f1, se, l->now));
		kpix_buf_clear(&pos);
		position(&pos, l, false);
		/* "25 points below it" becomes "25 points below the 80% target" */
		if (pos.len > 3 && strcmp(pos.data + pos.len - 3, " it") == 0)
			pos.data[pos.len -= 3] = '\0';
		kpix_buf_printf(&b, W_BD_GAP_TARGET, pos.data, fig(&f1, se, l->target));
		kpix_buf_printf(&b, W_BD_OF, title, table_words(&f2, table_of(l)));
		add(m, fell ? KPIX_HEADLINE_FELL : KPIX_HEADLINE_OFF_TARGET, l->rag, &b);
	}
	kpix_buf_free(&f1);
	kpix_buf_free(&f2);
	kpix_buf_free(&pos);
	kpix_buf_free(&names);
	kpix_buf_free(&rose);
}

/* "1 indicator: 1 green. Breakdowns add 1 red and 1 amber." */
static void counts_sentence(kpix_pack_model *m)
{
	static const kpix_rag order[] = {KPIX_RAG_RED,       KPIX_RAG_AMBER,     KPIX_RAG_GREEN,
	                                 KPIX_RAG_NO_TARGET, KPIX_RAG_NOT_RATED, KPIX_RAG_NO_DATA,
	                                 KPIX_RAG_NOT_DUE};
	kpix_buf b = KPIX_BUF_INIT, n = KPIX_BUF_INIT;
	kpix_buf_printf(&n, "%zu %s", m->nseries, m->nseries == 1 ? "indicator" : "indicators");
	kpix_buf_printf(&b, W_COUNTS, n.data);
	size_t said = 0;
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (m->rag_counts[order[i]])
			kpix_buf_printf(&b, "%s%zu %s", said++ ? ", " : "", m->rag_counts[order[i]],
			                status_words[order[i]]);
	if (m->breakdown_exceptions) {
		kpix_buf_clear(&n);
		size_t r = m->headline_counts[KPIX_RAG_RED] - m->rag_counts[KPIX_RAG_RED];
		size_t a = m->headline_counts[KPIX_RAG_AMBER] - m->rag_counts[KPIX_RAG_AMBER];
		if (r)
			kpix_buf_printf(&n, "%zu red", r);
		if (a)
			kpix_buf_printf(&n, "%s%zu amber", r ? " and " : "", a);
		kpix_buf_printf(&b, W_COUNTS_ADD, n.data);
	} else {
		kpix_buf_addc(&b, '.');
	}
	m->counts_sentence = kpix_buf_detach(&b);
	kpix_buf_free(&n);
}

/* (model.h) */
void kpix_pack_headlines(kpix_pack_model *m)
{
	for (size_t i = 0; i < m->nseries; i++) {
		whole_sentence(m, &m->series[i]);
		breakdown_sentences(m, &m->series[i]);
	}
	/* what improved, then what fell, then what is off target: stable */
	kpix_pack_headline *sorted = kpix_xcalloc(m->nheadlines + 1, sizeof(*sorted));
	size_t k = 0;
	for (int kind = KPIX_HEADLINE_IMPROVED; kind <= KPIX_HEADLINE_OFF_TARGET; kind++)
		for (size_t i = 0; i < m->nheadlines; i++)
			if ((int)m->headlines[i].kind == kind)
				sorted[k++] = m->headlines[i];
	free(m->headlines);
	m->headlines = sorted;
	counts_sentence(m);
}

/* (model.h) */
void kpix_pack_flag_words(unsigned flags, kpix_buf *b)
{
	static const char *const flag_words[] = {"no corrective action recorded", "no owner",
	                                         "the date to be back on target has passed"};
	size_t said = 0;
	for (unsigned i = 0; i < 3; i++)
		if (flags & (1u << i))
			kpix_buf_printf(b, "%s%s", said++ ? "; " : "", flag_words[i]);
}
