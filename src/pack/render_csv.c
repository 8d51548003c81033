/* render_csv.c - the pack's summary table as CSV (render.h): one line per
 * indicator, the figures as plain numbers at the indicator's decimals. */
#include <string.h>

#include "csvwrite.h"
#include "expr.h"
#include "render.h"

/* The columns, in order (docs/packs.md, "The summary CSV"). */
static const char header[] = "group,code,indicator,polarity,target,this_period,previous_period,"
                             "same_period_last_year,rag,vs_previous,vs_last_year,commentary,"
                             "commentary_drafted,action,rag_note\r\n";

/* The words of the CSV's coded columns. */
static const char *const polarity_codes[] = {
    [KPIX_POL_HIGHER] = "higher", [KPIX_POL_LOWER] = "lower", [KPIX_POL_NONE] = "none"};
static const char *const dot_codes[] = {
    [KPIX_DOT_NONE] = "",      [KPIX_DOT_SAME] = "same", [KPIX_DOT_BETTER] = "better",
    [KPIX_DOT_WORSE] = "worse", [KPIX_DOT_UP] = "up",     [KPIX_DOT_DOWN] = "down"};

static void number(kpix_buf *line, kpix_opt v, int decimals)
{
	kpix_buf_addc(line, ',');
	if (!v.has)
		return;
	char num[KPIX_FIXED_MAX];
	kpix_format_fixed(v.v, decimals < 0 ? 0 : decimals, num);
	kpix_buf_adds(line, num);
}

/* A text cell, after a comma unless first. */
static void text(kpix_buf *line, const char *s, bool first)
{
	if (!first)
		kpix_buf_addc(line, ',');
	kpix_csv_cell(line, s ? s : "", s ? strlen(s) : 0, true);
}

/* (render.h) */
void kpix_pack_render_csv(kpix_buf *out, const kpix_pack_model *m)
{
	kpix_buf_adds(out, header);
	for (size_t i = 0; i < m->nseries; i++) {
		const kpix_pack_series *se = &m->series[i];
		const kpix_pack_line *l = &se->whole;
		const kpix_indicator *ind = se->pi->ind;
		text(out, se->group->title, true);
		text(out, ind->code, false);
		text(out, ind->title, false);
		text(out, polarity_codes[se->pi->polarity], false);
		number(out, l->target, ind->decimals);
		number(out, l->now, ind->decimals);
		number(out, l->prev, ind->decimals);
		number(out, l->last_year, ind->decimals);
		text(out, kpix_rag_name(l->rag), false);
		text(out, dot_codes[l->vs_prev], false);
		text(out, dot_codes[l->vs_year], false);
		text(out, l->commentary ? l->commentary : l->drafted, false);
		text(out, l->commentary || !l->drafted ? "no" : "yes", false);
		text(out, l->action, false);
		text(out, se->pi->rag_note, false);
		kpix_buf_adds(out, "\r\n");
	}
}
