/* rag.c - direction of travel and drafted sentences (rag.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rag.h"

#define EPS 1e-9

/* How far v falls short of target (positive when short, 0 or less when at
 * or better), for a figure where pol says which way is better. */
static double shortfall(kpix_polarity pol, double v, double target)
{
	return pol == KPIX_POL_HIGHER ? target - v : v - target;
}

kpix_dot kpix_dot_compare(kpix_polarity pol, int decimals, kpix_opt now, kpix_opt then)
{
	if (!now.has || !then.has)
		return KPIX_DOT_NONE;
	double a = kpix_rag_shown(now.v, decimals), b = kpix_rag_shown(then.v, decimals);
	if (fabs(a - b) <= EPS)
		return KPIX_DOT_SAME;
	bool up = a > b;
	if (pol == KPIX_POL_NONE)
		return up ? KPIX_DOT_UP : KPIX_DOT_DOWN;
	return up == (pol == KPIX_POL_HIGHER) ? KPIX_DOT_BETTER : KPIX_DOT_WORSE;
}

const char *kpix_dot_text(kpix_dot d, kpix_opt now, kpix_opt then)
{
	bool up = now.has && then.has && now.v > then.v;
	switch (d) {
	case KPIX_DOT_SAME:
		return "\u25BA Same";
	case KPIX_DOT_BETTER:
		return up ? "\u25B2 Better" : "\u25BC Better";
	case KPIX_DOT_WORSE:
		return up ? "\u25B2 Worse" : "\u25BC Worse";
	case KPIX_DOT_UP:
		return "\u25B2 Up";
	case KPIX_DOT_DOWN:
		return "\u25BC Down";
	default:
		return "\u2013";
	}
}

void kpix_figure_words(kpix_buf *out, double v, int decimals, const char *unit)
{
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	bool money = unit && strcmp(unit, "money") == 0;
	long long scale = 1;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	/* integers only, so that no locale can change the decimal point */
	long long n = llround(fabs(v) * (double)scale);
	long long whole = n / scale, frac = n % scale;
	if (v < 0 && n)
		kpix_buf_addc(out, '-');
	if (money)
		kpix_buf_adds(out, "\u00A3");
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%lld", whole);
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			kpix_buf_addc(out, ',');
		kpix_buf_addc(out, digits[i]);
	}
	if (decimals)
		kpix_buf_printf(out, ".%0*lld", decimals, frac);
	if (!unit || money)
		return;
	if (strcmp(unit, "percent") == 0)
		kpix_buf_addc(out, '%');
	else if (strcmp(unit, "days") == 0)
		kpix_buf_adds(out, n == scale ? " day" : " days");
	else if (strcmp(unit, "per1000") == 0)
		kpix_buf_adds(out, " per 1,000 homes");
}

/* How far apart two figures are, in words: "25 points" for percentages
 * (a difference of percentages is not itself a percentage), otherwise in
 * the figure's own unit. */
static void gap_words(kpix_buf *out, double gap, int decimals, const char *unit)
{
	if (unit && strcmp(unit, "percent") == 0) {
		kpix_figure_words(out, gap, decimals, NULL);
		kpix_buf_adds(out, kpix_rag_shown(gap, decimals) == 1.0 ? " point" : " points");
	} else {
		kpix_figure_words(out, gap, decimals, unit);
	}
}

void kpix_draft_sentence(kpix_buf *out, const kpix_draft_facts *f)
{
	kpix_buf_clear(out);
	if (f->rag == KPIX_RAG_NOT_DUE) {
		kpix_buf_adds(out, "Not due this period");
		if (f->due_words)
			kpix_buf_printf(out, ": %s", f->due_words);
		kpix_buf_addc(out, '.');
		return;
	}
	if (!f->value.has) {
		kpix_buf_adds(out, "No figure was given for this period.");
		return;
	}
	int d = f->decimals;
	double v = kpix_rag_shown(f->value.v, d);
	if (f->previous.has) {
		double p = kpix_rag_shown(f->previous.v, d);
		if (fabs(v - p) <= EPS) {
			kpix_buf_adds(out, "Unchanged at ");
		} else {
			kpix_buf_adds(out, v > p ? "Rose from " : "Fell from ");
			kpix_figure_words(out, p, d, f->unit);
			kpix_buf_adds(out, " to ");
		}
	} else {
		kpix_buf_adds(out, "Stands at ");
	}
	kpix_figure_words(out, v, d, f->unit);
	if (f->polarity != KPIX_POL_NONE && f->target.has) {
		double t = kpix_rag_shown(f->target.v, d);
		double gap = shortfall(f->polarity, v, t);
		bool higher = f->polarity == KPIX_POL_HIGHER;
		kpix_buf_adds(out, ", ");
		if (fabs(gap) <= EPS) {
			kpix_buf_adds(out, "on");
		} else if (gap < 0) {
			kpix_buf_adds(out, higher ? "above" : "below");
		} else {
			gap_words(out, gap, d, f->unit);
			kpix_buf_adds(out, higher ? " below" : " above");
		}
		kpix_buf_adds(out, " the ");
		kpix_figure_words(out, t, d, f->unit);
		kpix_buf_adds(out, " target");
		if (gap <= EPS && f->any_before && !f->met_before)
			kpix_buf_adds(out, " for the first time");
	} else if (f->polarity != KPIX_POL_NONE) {
		kpix_buf_adds(out, "; no target is set");
	}
	kpix_buf_addc(out, '.');
}
