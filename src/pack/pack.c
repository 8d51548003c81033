/* pack.c - kpix pack: the quarterly Operational Board pack.
 *
 * The history is validated exactly as kpix export validates its data; when
 * it has errors nothing is written. Otherwise each row of an indicator the
 * pack shows is kept (period, breakdown, value, target, commentary,
 * action), every figure is judged for the period asked for (rag.h), and the
 * workbook, a CSV of its summary table and manifest.json are written into
 * the output directory together, or not at all (outdir.h).
 *
 * What the pack shows and how it judges is read from its definition
 * (packdef.h); how a judgement is made is in rag.c; this file gathers the
 * figures and lays them out. docs/packs.md describes the result. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvwrite.h"
#include "digest.h"
#include "expr.h"
#include "manifest.h"
#include "outdir.h"
#include "packdef.h"
#include "rag.h"
#include "report_xlsx.h"
#include "schema.h"
#include "util.h"
#include "validate.h"
#include "xlsx.h"

#define EXCEL_EPOCH_OFFSET 25569 /* days from 1899-12-30 to 1970-01-01 */
#define NO_PERIOD INT32_MIN

/* ---------------------------------------------------------------- model */

/* One figure of the history: an indicator's row for a breakdown and a
 * period. */
typedef struct {
	int p;                 /* the period: year * 4 + quarter - 1 */
	size_t bd;             /* index into the series' breakdowns; 0 is the whole */
	kpix_opt value, target;
	char *commentary, *action;
} figure;

/* Everything the history holds of one indicator the pack shows. */
typedef struct {
	const kpix_pack_indicator *pi;
	const kpix_pack_group *group;
	char **bds;            /* breakdown names in the order first seen; bds[0] is "" */
	size_t nbds;
	figure *f;
	size_t nf, cap;
} series;

/* One line of a table: an indicator, or one of its breakdowns, judged for
 * the pack's period. */
typedef struct {
	const series *se;
	size_t bd;
	bool due;
	int prev_p;            /* the previous period it was due in, or NO_PERIOD */
	kpix_opt now, prev, last_year, target;
	kpix_rag rag;
	kpix_dot vs_prev, vs_year;
	const char *commentary, *action;
	char *drafted;         /* the sentence kpix wrote when there is no commentary */
} judged;

struct kpix_pack_result {
	kpix_pack_options opts;
	kpix_packdef *def;
	kpix_schema *s;
	kpix_validator *v;
	kpix_outdir *od;
	int cur;               /* the pack's period */
	int first_p;           /* the earliest period in the history */
	series *ser;           /* one per indicator of the pack, in the pack's order */
	size_t nser;
	size_t *ser_of_ind;    /* catalogue index -> series index + 1 (0: not in the pack) */
	judged *lines;           /* the whole-organisation line of each series */
	judged **bd_lines;       /* per series, one line per breakdown shown */
	size_t *nbd_lines;
	uint64_t rows_read, rows_used, rows_later, rows_other_ind, rows_other_org;
	char **file_hash;      /* SHA-256 of each history file, then the schema, then the definition */
	uint64_t *file_size;   /* and their sizes, as hashed */
	char fingerprint[KPIX_SHA256_HEX_SIZE];
	char **outputs;
	size_t noutputs;
	bool written;
	kpix_buf text;
};

/* --------------------------------------------------------------- periods */

static int period_index(const char *s, size_t len)
{
	int y, q;
	if (kpix_financial_period(s, len, true, &y, &q) || q == 0)
		return NO_PERIOD;
	return y * 4 + q - 1;
}

static void period_text(int p, char buf[16])
{
	int y = p / 4, q = p % 4 + 1;
	snprintf(buf, 16, "%04d-%02d Q%d", y % 10000, (y + 1) % 100, q);
}

/* "2025-26 Q2", or what the definition calls it: "October 2017". */
static const char *period_name(const kpix_pack_result *r, int p, char buf[16])
{
	period_text(p, buf);
	return kpix_packdef_period_name(r->def, buf);
}

/* The last day of the quarter, in words and as days since 1970. */
static int64_t quarter_end(int p, char *words, size_t size)
{
	static const char *const months[] = {"June", "September", "December", "March"};
	static const int days[] = {30, 30, 31, 31};
	int y = p / 4, q = p % 4;
	int year = q == 3 ? y + 1 : y, month = 3 * q + 6 > 12 ? 3 : 3 * q + 6;
	if (words)
		snprintf(words, size, "%d %s %d", days[q], months[q], year);
	return (int64_t)kpix_date_from_ymd(year, month, days[q]);
}

static bool due_in(const kpix_indicator *ind, int p)
{
	if (!ind->due_in.n)
		return true;
	char q[3] = {'Q', (char)('1' + p % 4), '\0'};
	for (size_t i = 0; i < ind->due_in.n; i++) {
		const char *d = ind->due_in.items[i];
		size_t n = strlen(d);
		if (n >= 2 && strcmp(d + n - 2, q) == 0)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------- reading */

static const char *slot_text(const kpix_val *v, size_t *len)
{
	if (v->kind != KPIX_VAL_STRING || !v->len) {
		*len = 0;
		return NULL;
	}
	*len = v->len;
	return v->str;
}

static kpix_opt slot_num(const kpix_val *v)
{
	return v->kind == KPIX_VAL_NUMBER && isfinite(v->num) ? KPIX_SOME(v->num) : KPIX_NONE;
}

static const kpix_val *role(const kpix_pack_result *r, const kpix_val *slots, kpix_pack_field f)
{
	static const kpix_val null_val = {KPIX_VAL_NULL, false, 0, NULL, 0};
	long i = r->def->fields[f];
	return i >= 0 ? &slots[i] : &null_val;
}

static char *dup_text(const kpix_val *v)
{
	size_t len;
	const char *t = slot_text(v, &len);
	return t ? kpix_xstrndup(t, len) : NULL;
}

static const figure *find(const series *se, size_t bd, int p)
{
	for (size_t i = 0; i < se->nf; i++)
		if (se->f[i].bd == bd && se->f[i].p == p)
			return &se->f[i];
	return NULL;
}

static void on_row(void *ctx, const kpix_val *slots, uint64_t row, bool row_ok)
{
	kpix_pack_result *r = ctx;
	const kpix_schema *s = r->s;
	r->rows_read++;
	if (!row_ok)
		return;
	size_t len, plen = 0;
	const char *org = slot_text(role(r, slots, KPIX_PF_ORGANISATION), &len);
	if (r->def->fields[KPIX_PF_ORGANISATION] >= 0 &&
	    !(org && len == strlen(r->def->organisation) && memcmp(org, r->def->organisation, len) == 0)) {
		r->rows_other_org++;
		return;
	}
	size_t clen;
	const char *code = slot_text(&slots[s->indicator_field], &clen);
	const char *part = s->part_field >= 0 ? slot_text(&slots[s->part_field], &plen) : NULL;
	const kpix_indicator *ind = code ? kpix_schema_indicator(s, code, clen, part, plen) : NULL;
	size_t si = ind ? r->ser_of_ind[ind - s->indicators] : 0;
	if (!si) {
		r->rows_other_ind++;
		return;
	}
	series *se = &r->ser[si - 1];
	const kpix_val *pv = role(r, slots, KPIX_PF_PERIOD);
	const char *pt = slot_text(pv, &len);
	int p = pt ? period_index(pt, len) : NO_PERIOD;
	if (p == NO_PERIOD) {
		kpix_buf_clear(&r->text);
		kpix_buf_add(&r->text, pt ? pt : "", pt ? len : 0);
		kpix_validator_add_problem(r->v, "pack-period", KPIX_SEVERITY_ERROR, row,
		                           (size_t)r->def->fields[KPIX_PF_PERIOD], r->text.data,
		                           "a board pack needs each period written as a financial "
		                           "year and quarter, such as 2025-26 Q2");
		return;
	}
	if (p > r->cur) {
		r->rows_later++;
		return;
	}
	const char *b = slot_text(role(r, slots, KPIX_PF_BREAKDOWN), &len);
	size_t bd = 0;
	if (b) {
		for (bd = 1; bd < se->nbds; bd++)
			if (strlen(se->bds[bd]) == len && memcmp(se->bds[bd], b, len) == 0)
				break;
		if (bd == se->nbds) {
			se->bds = kpix_xrealloc(se->bds, (se->nbds + 1) * sizeof(char *));
			se->bds[se->nbds++] = kpix_xstrndup(b, len);
		}
	}
	if (find(se, bd, p)) {
		/* the row's strings are not NUL-terminated: the value is copied */
		kpix_buf_clear(&r->text);
		kpix_buf_add(&r->text, code, clen);
		kpix_validator_add_problem(r->v, "pack-duplicate", KPIX_SEVERITY_ERROR, row,
		                           (size_t)s->indicator_field, r->text.data,
		                           "this indicator already has a figure for this period and "
		                           "breakdown on an earlier row; a pack can show only one");
		return;
	}
	if (se->nf == se->cap) {
		se->cap = se->cap ? 2 * se->cap : 16;
		se->f = kpix_xrealloc(se->f, se->cap * sizeof(figure));
	}
	figure *f = &se->f[se->nf++];
	f->p = p;
	f->bd = bd;
	f->value = slot_num(role(r, slots, KPIX_PF_VALUE));
	f->target = slot_num(role(r, slots, KPIX_PF_TARGET));
	f->commentary = dup_text(role(r, slots, KPIX_PF_COMMENTARY));
	f->action = dup_text(role(r, slots, KPIX_PF_ACTION));
	if (p < r->first_p)
		r->first_p = p;
	r->rows_used++;
}

/* ------------------------------------------------------------- judging */

/* The target of a figure for period p: the definition's for that period,
 * else the definition's for every period, else the row's own, else (for a
 * breakdown) the whole organisation's row's, else the catalogue's. */
static kpix_opt target_for(const series *se, size_t bd, int p)
{
	const kpix_pack_indicator *pi = se->pi;
	char name[16];
	period_text(p, name);
	for (size_t i = 0; i < pi->ntargets; i++)
		if (strcmp(pi->targets[i].period, name) == 0)
			return KPIX_SOME(pi->targets[i].target);
	if (pi->has_target)
		return KPIX_SOME(pi->target);
	const figure *f = find(se, bd, p);
	if (f && f->target.has)
		return f->target;
	if (bd && (f = find(se, 0, p)) && f->target.has)
		return f->target;
	const kpix_val *t = &pi->ind->attrs[KPIX_IND_target];
	return t->kind == KPIX_VAL_NUMBER ? KPIX_SOME(t->num) : KPIX_NONE;
}

static kpix_opt value_at(const series *se, size_t bd, int p)
{
	const figure *f = p == NO_PERIOD ? NULL : find(se, bd, p);
	return f ? f->value : KPIX_NONE;
}

/* The periods a trend shows: the last n in which the indicator was due, up
 * to the pack's period and not before the history starts; oldest first.
 * Returns how many, written into out. */
static size_t trend_periods(const kpix_pack_result *r, const series *se, int *out, size_t n)
{
	size_t k = 0;
	for (int p = r->cur; p >= r->first_p && k < n; p--)
		if (due_in(se->pi->ind, p) || p == r->cur)
			out[k++] = p;
	for (size_t i = 0; i < k / 2; i++) {
		int t = out[i];
		out[i] = out[k - 1 - i];
		out[k - 1 - i] = t;
	}
	return k;
}

static void due_words(const kpix_indicator *ind, kpix_buf *b)
{
	kpix_buf_clear(b);
	if (!ind->due_in.n)
		return;
	kpix_buf_adds(b, "reported in ");
	for (size_t i = 0; i < ind->due_in.n; i++)
		kpix_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == ind->due_in.n ? " and " : ", ",
		                ind->due_in.items[i]);
}

static void judge(kpix_pack_result *r, judged *l, const series *se, size_t bd)
{
	const kpix_pack_indicator *pi = se->pi;
	const kpix_indicator *ind = pi->ind;
	int cur = r->cur;
	l->se = se;
	l->bd = bd;
	l->due = due_in(ind, cur);
	l->prev_p = NO_PERIOD;
	for (int p = cur - 1; p >= r->first_p && p >= cur - 4; p--)
		if (due_in(ind, p)) {
			l->prev_p = p;
			break;
		}
	l->now = value_at(se, bd, cur);
	l->prev = value_at(se, bd, l->prev_p);
	l->last_year = value_at(se, bd, cur - 4);
	l->target = target_for(se, bd, cur);
	l->rag = kpix_rag_rate(&pi->rag, pi->polarity, ind->decimals, l->due, l->now, l->target,
	                       l->last_year);
	l->vs_prev = kpix_dot_compare(pi->polarity, ind->decimals, l->now, l->prev);
	l->vs_year = kpix_dot_compare(pi->polarity, ind->decimals, l->now, l->last_year);
	const figure *f = find(se, bd, cur);
	l->commentary = f ? f->commentary : NULL;
	l->action = f ? f->action : NULL;
	if (l->commentary)
		return;
	/* was the target met in any earlier period of the history? */
	static const kpix_rag_rule met = {KPIX_RAG_TOLERANCE, 0, false};
	kpix_draft_facts facts = {pi->polarity, ind->decimals, ind->unit, l->rag, l->now, l->prev,
	                          l->target, NULL, false, false, NULL};
	for (size_t i = 0; i < se->nf; i++) {
		const figure *e = &se->f[i];
		if (e->bd != bd || e->p >= cur || !e->value.has)
			continue;
		kpix_opt t = target_for(se, bd, e->p);
		if (!t.has)
			continue;
		facts.any_before = true;
		facts.met_before |= kpix_rag_rate(&met, pi->polarity, ind->decimals, true, e->value, t,
		                                  KPIX_NONE) == KPIX_RAG_GREEN;
	}
	kpix_buf words = KPIX_BUF_INIT;
	due_words(ind, &words);
	facts.due_words = words.len ? words.data : NULL;
	kpix_buf b = KPIX_BUF_INIT;
	kpix_draft_sentence(&b, &facts);
	l->drafted = kpix_buf_detach(&b);
	kpix_buf_free(&words);
}

/* The breakdowns a series shows, in order: the definition's tables, or
 * every breakdown the history has. */
static void judge_all(kpix_pack_result *r)
{
	r->lines = kpix_xcalloc(r->nser + 1, sizeof(judged));
	r->bd_lines = kpix_xcalloc(r->nser + 1, sizeof(judged *));
	r->nbd_lines = kpix_xcalloc(r->nser + 1, sizeof(size_t));
	for (size_t i = 0; i < r->nser; i++) {
		series *se = &r->ser[i];
		judge(r, &r->lines[i], se, 0);
		const kpix_pack_indicator *pi = se->pi;
		if (!pi->show_breakdowns)
			continue;
		size_t n = 0;
		for (size_t t = 0; t < pi->ntables; t++)
			n += pi->tables[t].values.n;
		if (!pi->ntables)
			n = se->nbds - 1;
		r->bd_lines[i] = kpix_xcalloc(n + 1, sizeof(judged));
		for (size_t t = 0; t < pi->ntables; t++)
			for (size_t k = 0; k < pi->tables[t].values.n; k++) {
				const char *name = pi->tables[t].values.items[k];
				size_t bd = 1;
				while (bd < se->nbds && strcmp(se->bds[bd], name))
					bd++;
				if (bd == se->nbds) {
					/* named by the definition but not in the history: shown as no data */
					se->bds = kpix_xrealloc(se->bds, (se->nbds + 1) * sizeof(char *));
					se->bds[se->nbds++] = kpix_xstrdup(name);
				}
				judge(r, &r->bd_lines[i][r->nbd_lines[i]++], se, bd);
			}
		for (size_t bd = 1; !pi->ntables && bd < se->nbds; bd++)
			judge(r, &r->bd_lines[i][r->nbd_lines[i]++], se, bd);
	}
}

/* ----------------------------------------------------------- workbook */

enum { C_TEXT, C_WRAP, C_BOLD, C_TITLE, C_SUBTITLE, C_HEAD, C_GROUP, C_NOTE, C_DRAFT, C_N };

#define RGB(x) ((uint32_t)(x) + 1)

static const struct {
	uint32_t fill, color;
} rag_colours[KPIX_RAG_N] = {
    [KPIX_RAG_GREEN] = {RGB(0xC6EFCE), RGB(0x006100)},
    [KPIX_RAG_AMBER] = {RGB(0xFFEB9C), RGB(0x7F4F00)},
    [KPIX_RAG_RED] = {RGB(0xFFC7CE), RGB(0x9C0006)},
    [KPIX_RAG_NO_TARGET] = {RGB(0xEDEDED), RGB(0x404040)},
    [KPIX_RAG_NOT_RATED] = {RGB(0xEDEDED), RGB(0x404040)},
    [KPIX_RAG_NO_DATA] = {RGB(0xEDEDED), RGB(0x404040)},
    [KPIX_RAG_NOT_DUE] = {RGB(0xEDEDED), RGB(0x404040)},
};

static const kpix_xstyle styles[C_N] = {
    [C_TEXT] = {.border = true, .wrap = true},
    [C_WRAP] = {.border = true, .wrap = true},
    [C_BOLD] = {.bold = true},
    [C_TITLE] = {.bold = true, .size = 16, .color = RGB(0x1F3864)},
    [C_SUBTITLE] = {.size = 12, .color = RGB(0x1F3864)},
    [C_HEAD] = {.heading = true, .border = true},
    [C_GROUP] = {.bold = true, .border = true, .fill = RGB(0xDDEBF7), .color = RGB(0x1F3864)},
    [C_NOTE] = {.italic = true, .border = true, .wrap = true, .color = RGB(0x595959)},
    [C_DRAFT] = {.italic = true, .border = true, .wrap = true, .color = RGB(0x595959)},
};

static void text(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, const char *t, int style)
{
	kpix_xlsx_text(ws, row, col, t ? t : "", t ? strlen(t) : 0, &styles[style]);
}

/* The number format of an indicator's figures: its decimals and unit. */
static void number_format(const kpix_indicator *ind, char *buf, size_t size)
{
	char zeros[16] = "";
	int d = ind->decimals < 0 ? 0 : ind->decimals > 9 ? 9 : ind->decimals;
	if (d) {
		zeros[0] = '.';
		memset(zeros + 1, '0', (size_t)d);
		zeros[d + 1] = '\0';
	}
	const char *u = ind->unit ? ind->unit : "";
	if (strcmp(u, "money") == 0)
		snprintf(buf, size, "\"\u00A3\"#,##0%s", zeros);
	else if (strcmp(u, "percent") == 0)
		snprintf(buf, size, "#,##0%s\"%%\"", zeros);
	else
		snprintf(buf, size, "#,##0%s", zeros);
}

static void figure_cell(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, const kpix_indicator *ind,
                        kpix_opt v, const char *missing)
{
	if (!v.has) {
		text(ws, row, col, missing, C_NOTE);
		return;
	}
	char fmt[48];
	number_format(ind, fmt, sizeof(fmt));
	kpix_xstyle st = {.border = true, .wrap = true, .number_format = fmt};
	kpix_xlsx_number(ws, row, col, v.v, &st);
}

static void rag_cell(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, kpix_rag rag)
{
	/* wrap: the cells of a table line up at the top */
	kpix_xstyle st = {.bold = true, .border = true, .center = true, .wrap = true,
	                  .fill = rag_colours[rag].fill, .color = rag_colours[rag].color};
	const char *t = kpix_rag_name(rag);
	kpix_xlsx_text(ws, row, col, t, strlen(t), &st);
}

static void dot_cell(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, kpix_dot d, kpix_opt now,
                     kpix_opt then)
{
	uint32_t colour = d == KPIX_DOT_BETTER ? RGB(0x006100) : d == KPIX_DOT_WORSE ? RGB(0x9C0006) : 0;
	kpix_xstyle st = {.border = true, .center = true, .wrap = true, .color = colour};
	const char *t = kpix_dot_text(d, now, then);
	kpix_xlsx_text(ws, row, col, t, strlen(t), &st);
}

/* The seven cells every table of figures shows, from column col: target,
 * this period, previous period, same period last year, RAG, and the
 * direction of travel against the previous period and against last year. */
static void judged_cells(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, const judged *l)
{
	const kpix_indicator *ind = l->se->pi->ind;
	figure_cell(ws, row, col, ind, l->target, "No target");
	figure_cell(ws, row, col + 1, ind, l->now, l->due ? "No data" : "Not due");
	figure_cell(ws, row, col + 2, ind, l->prev, "No data");
	figure_cell(ws, row, col + 3, ind, l->last_year, "No data");
	rag_cell(ws, row, col + 4, l->rag);
	dot_cell(ws, row, col + 5, l->vs_prev, l->now, l->prev);
	dot_cell(ws, row, col + 6, l->vs_year, l->now, l->last_year);
}

static const char *polarity_words(kpix_polarity p)
{
	return p == KPIX_POL_HIGHER ? "Higher is better"
	       : p == KPIX_POL_LOWER ? "Lower is better"
	                             : "Neither";
}

static void rag_rule_words(const kpix_rag_rule *rule, kpix_buf *b)
{
	char n[32];
	kpix_format_number(rule->tolerance, n);
	const char *band = rule->relative ? "% of the target" : " points";
	if (rule->method == KPIX_RAG_TOLERANCE)
		kpix_buf_printf(b, "Green at or better than the target; amber when short of it by no "
		                   "more than %s%s; red when further off.",
		                n, band);
	else
		kpix_buf_printf(b, "Green on target or within %s%s of it; further off, amber when at "
		                   "least as good as the same period last year and red when worse (or "
		                   "when there is no figure for last year).",
		                n, band);
}

/* Escapes & for a page header or footer, where it starts a code. */
static void hf_text(kpix_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			kpix_buf_addc(b, '&');
		kpix_buf_addc(b, *s);
	}
}

static void print_setup(kpix_pack_result *r, kpix_xlsx_sheet *ws, int repeat_first,
                        int repeat_last, uint32_t last_row, uint16_t last_col)
{
	char pn[16], ends[40];
	quarter_end(r->cur, ends, sizeof(ends));
	kpix_buf h = KPIX_BUF_INIT, f = KPIX_BUF_INIT;
	/* no font size codes: "&8" before a text that starts with a digit
	 * would be read as a larger size */
	kpix_buf_adds(&h, "&L");
	hf_text(&h, r->def->organisation);
	kpix_buf_adds(&h, "&C");
	hf_text(&h, r->def->title);
	kpix_buf_adds(&h, "&R");
	hf_text(&h, period_name(r, r->cur, pn));
	kpix_buf_adds(&f, "&LFigures to ");
	hf_text(&f, ends);
	kpix_buf_adds(&f, "&RPage &P of &N");
	kpix_xlsx_print(ws, true, true, repeat_first, repeat_last, h.data, f.data);
	kpix_xlsx_print_area(ws, 0, 0, last_row, last_col);
	kpix_buf_free(&h);
	kpix_buf_free(&f);
}

static void widths(kpix_xlsx_sheet *ws, const double *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kpix_xlsx_column_width(ws, (uint16_t)i, w[i]);
}

/* Makes row tall enough for its wrapped texts (texts[i] in a column w[i]
 * wide; NULL for a cell that does not wrap): spreadsheets do not grow a
 * row for wrapped text they did not lay out themselves. Call before the
 * row's cells are written. */
static void fit_row(kpix_xlsx_sheet *ws, uint32_t row, const char *const *texts, const double *w,
                    size_t n)
{
	size_t lines = 1;
	for (size_t i = 0; i < n; i++) {
		if (!texts[i] || w[i] <= 0)
			continue;
		/* about 1.2 characters of ordinary text to a unit of column width */
		size_t per_line = (size_t)(w[i] * 1.2) > 4 ? (size_t)(w[i] * 1.2) : 4;
		size_t l = 0, run = 0;
		for (const unsigned char *c = (const unsigned char *)texts[i]; ; c++) {
			if (*c == '\n' || !*c) {
				l += run / per_line + 1;
				run = 0;
				if (!*c)
					break;
			} else if ((*c & 0xC0) != 0x80) {
				run++;
			}
		}
		if (l > lines)
			lines = l;
	}
	if (lines > 1)
		kpix_xlsx_row_height(ws, row, 15.0 * (double)lines);
}

static void headings(kpix_xlsx_sheet *ws, uint32_t row, const char *const *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		text(ws, row, (uint16_t)i, h[i], C_HEAD);
}

static size_t count_rag(const kpix_pack_result *r, kpix_rag rag)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nser; i++)
		n += r->lines[i].rag == rag;
	return n;
}

static void cover_sheet(kpix_pack_result *r, kpix_xlsx *wb, const char *const *files, size_t nfiles)
{
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(wb, "Cover");
	static const double w[] = {26, 100};
	widths(ws, w, 2);
	char pn[16], pt[16], ends[40];
	period_text(r->cur, pt);
	quarter_end(r->cur, ends, sizeof(ends));
	kpix_buf b = KPIX_BUF_INIT;
	uint32_t row = 0;
	text(ws, row++, 0, r->def->title, C_TITLE);
	text(ws, row++, 0, r->def->organisation, C_SUBTITLE);
	row++;
	const char *name = period_name(r, r->cur, pn);
	if (strcmp(name, pt))
		kpix_buf_printf(&b, "%s (%s)", name, pt);
	else
		kpix_buf_adds(&b, pt);
	kpix_xstyle label = {.bold = true}, plain = {.wrap = true};
	struct {
		const char *label;
		char *value;
	} items[12];
	size_t n = 0;
	items[n].label = "Period";
	items[n++].value = kpix_buf_detach(&b);
	items[n].label = "Figures to";
	items[n++].value = kpix_xstrdup(ends);
	kpix_buf_printf(&b, "%zu indicators: %zu green, %zu amber, %zu red, %zu with no data, "
	                    "%zu not due, %zu without a target or rating",
	                r->nser, count_rag(r, KPIX_RAG_GREEN), count_rag(r, KPIX_RAG_AMBER),
	                count_rag(r, KPIX_RAG_RED), count_rag(r, KPIX_RAG_NO_DATA),
	                count_rag(r, KPIX_RAG_NOT_DUE),
	                count_rag(r, KPIX_RAG_NO_TARGET) + count_rag(r, KPIX_RAG_NOT_RATED));
	items[n].label = "At a glance";
	items[n++].value = kpix_buf_detach(&b);
	rag_rule_words(&r->def->rag, &b);
	items[n].label = "How RAG is set";
	items[n++].value = kpix_buf_detach(&b);
	items[n].label = "Direction of travel";
	items[n++].value = kpix_xstrdup(
	    "The arrow shows which way the figure moved; the word says whether that is better or "
	    "worse, given whether a higher or a lower figure is better. Compared with the previous "
	    "period the indicator was due, and with the same period last year.");
	for (size_t i = 0; i < nfiles; i++) {
		const char *slash = strrchr(files[i], '/');
		kpix_buf_printf(&b, "%s%s", i ? ", " : "", slash ? slash + 1 : files[i]);
	}
	items[n].label = "History";
	items[n++].value = kpix_buf_detach(&b);
	kpix_buf_printf(&b, "%s, version %s; schema %s, version %s", r->def->id, r->def->version,
	                r->s->id, r->s->version);
	items[n].label = "Pack definition";
	items[n++].value = kpix_buf_detach(&b);
	items[n].label = "Inputs fingerprint";
	items[n++].value = kpix_xasprintf(
	    "%s (SHA-256 of the inputs as manifest.json records them; kpix verify checks it)",
	    r->fingerprint);
	items[n].label = "Produced by";
	items[n++].value = kpix_xstrdup("kpix " KPIX_VERSION);
	for (size_t i = 0; i < n; i++, row++) {
		const char *fit[2] = {NULL, items[i].value};
		fit_row(ws, row, fit, w, 2);
		kpix_xlsx_text(ws, row, 0, items[i].label, strlen(items[i].label), &label);
		kpix_xlsx_text(ws, row, 1, items[i].value, strlen(items[i].value), &plain);
		free(items[i].value);
	}
	row++;
	text(ws, row++, 0, "Contents", C_BOLD);
	static const char *const contents[][2] = {
	    {"Summary", "every indicator: target, this period, previous period, same period last "
	                "year, RAG, direction of travel, commentary"},
	    {"Exceptions", "every red and amber figure with its commentary and corrective action"},
	    {"Trends", "a chart of each indicator over the periods shown, with its target"},
	    {"Breakdowns", "each indicator's figures by breakdown, with RAG per row"},
	    {"Definitions", "what each indicator measures, from the indicator catalogue"},
	    {"Data quality", "the files read, their checks and warnings"},
	};
	for (size_t i = 0; i < 6; i++, row++) {
		kpix_xlsx_text(ws, row, 0, contents[i][0], strlen(contents[i][0]), &label);
		kpix_xlsx_text(ws, row, 1, contents[i][1], strlen(contents[i][1]), &plain);
	}
	row++;
	text(ws, row++, 0, "Key", C_BOLD);
	static const char *const key[KPIX_RAG_N] = {
	    [KPIX_RAG_GREEN] = "on target, or as the method above says",
	    [KPIX_RAG_AMBER] = "short of the target, within the tolerance",
	    [KPIX_RAG_RED] = "short of the target beyond the tolerance",
	    [KPIX_RAG_NO_TARGET] = "a figure, but no target was set",
	    [KPIX_RAG_NOT_RATED] = "neither a higher nor a lower figure is better",
	    [KPIX_RAG_NO_DATA] = "due this period, but no figure was given (not a zero)",
	    [KPIX_RAG_NOT_DUE] = "not reported this period (a twice-yearly or yearly measure)",
	};
	for (int k = 0; k < KPIX_RAG_N; k++, row++) {
		rag_cell(ws, row, 0, (kpix_rag)k);
		kpix_xlsx_text(ws, row, 1, key[k], strlen(key[k]), &plain);
	}
	print_setup(r, ws, -1, -1, row, 1);
	kpix_buf_free(&b);
}

static const char *commentary_of(const judged *l, kpix_buf *b)
{
	kpix_buf_clear(b);
	if (l->commentary)
		return l->commentary;
	kpix_buf_printf(b, "Drafted by kpix: %s", l->drafted ? l->drafted : "");
	return b->data;
}

/* The heading of a column of previous figures: the period's name when every
 * line of lines[0..n) has the same previous period, which it has unless
 * some indicators are due less often than others. */
static void previous_heading(kpix_pack_result *r, const judged *lines, size_t n, char *buf,
                             size_t size)
{
	bool same = n > 0;
	for (size_t i = 1; i < n && same; i++)
		same = lines[i].prev_p == lines[0].prev_p;
	char pn[16];
	if (same && lines[0].prev_p != NO_PERIOD)
		snprintf(buf, size, "Previous period\n%s", period_name(r, lines[0].prev_p, pn));
	else
		snprintf(buf, size, "Previous period\n(the last one due)");
}

static void summary_sheet(kpix_pack_result *r, kpix_xlsx *wb)
{
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(wb, "Summary");
	static const double w[] = {9, 38, 11, 10, 11, 11, 11, 10, 11, 11, 60};
	widths(ws, w, 11);
	char pn[16], ln[16], tmp[96];
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_printf(&b, "%s: summary, %s", r->def->title, period_name(r, r->cur, pn));
	text(ws, 0, 0, b.data, C_TITLE);
	kpix_buf_clear(&b);
	/* the counts: a RAG cell above each number */
	static const kpix_rag counted[] = {KPIX_RAG_GREEN, KPIX_RAG_AMBER, KPIX_RAG_RED,
	                                   KPIX_RAG_NO_DATA, KPIX_RAG_NOT_DUE};
	kpix_xstyle count = {.bold = true, .border = true, .center = true, .size = 14};
	text(ws, 1, 1, "Indicators", C_BOLD);
	for (size_t i = 0; i < 5; i++)
		rag_cell(ws, 1, (uint16_t)(3 + i), counted[i]);
	kpix_xlsx_number(ws, 2, 1, (double)r->nser, &(kpix_xstyle){.bold = true, .size = 14});
	for (size_t i = 0; i < 5; i++)
		kpix_xlsx_number(ws, 2, (uint16_t)(3 + i), (double)count_rag(r, counted[i]), &count);
	snprintf(tmp, sizeof(tmp), "This period\n%s", period_name(r, r->cur, pn));
	char tly[96];
	snprintf(tly, sizeof(tly), "Same period last year\n%s", period_name(r, r->cur - 4, ln));
	char tprev[96];
	previous_heading(r, r->lines, r->nser, tprev, sizeof(tprev));
	const char *const h[] = {"Code",  "Indicator", "Polarity",    "Target",
	                         tmp,     tprev,       tly,           "RAG",
	                         "vs previous", "vs last year", "Commentary"};
	kpix_xlsx_row_height(ws, 4, 60);
	headings(ws, 4, h, 11);
	uint32_t row = 5;
	for (size_t g = 0; g < r->def->ngroups; g++) {
		const kpix_pack_group *grp = &r->def->groups[g];
		text(ws, row, 0, grp->title, C_GROUP);
		for (uint16_t c = 1; c < 11; c++)
			kpix_xlsx_blank(ws, row, c, &styles[C_GROUP]);
		row++;
		for (size_t i = 0; i < r->nser; i++) {
			const judged *l = &r->lines[i];
			if (l->se->group != grp)
				continue;
			const kpix_indicator *ind = l->se->pi->ind;
			const char *comment = commentary_of(l, &b);
			const char *fit[11] = {NULL, ind->title, polarity_words(l->se->pi->polarity)};
			fit[10] = comment;
			fit_row(ws, row, fit, w, 11);
			text(ws, row, 0, ind->code, C_TEXT);
			text(ws, row, 1, ind->title, C_WRAP);
			text(ws, row, 2, polarity_words(l->se->pi->polarity), C_WRAP);
			judged_cells(ws, row, 3, l);
			text(ws, row, 10, comment, l->commentary ? C_WRAP : C_DRAFT);
			row++;
		}
	}
	kpix_xlsx_freeze(ws, 5, 2);
	print_setup(r, ws, 4, 4, row - 1, 10);
	kpix_buf_free(&b);
}

static void exceptions_sheet(kpix_pack_result *r, kpix_xlsx *wb)
{
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(wb, "Exceptions");
	static const double w[] = {9, 30, 14, 10, 11, 11, 11, 10, 11, 11, 44, 44};
	widths(ws, w, 12);
	char pn[16];
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_printf(&b, "Exceptions: red and amber figures, %s", period_name(r, r->cur, pn));
	text(ws, 0, 0, b.data, C_TITLE);
	const char *const h[] = {"Code",   "Indicator",       "Breakdown",
	                         "Target", "This period",     "Previous period",
	                         "Same period last year",    "RAG",
	                         "vs previous", "vs last year", "Commentary",
	                         "Corrective action"};
	kpix_xlsx_row_height(ws, 2, 60);
	headings(ws, 2, h, 12);
	uint32_t row = 3;
	for (size_t i = 0; i < r->nser; i++) {
		for (size_t k = 0; k <= r->nbd_lines[i]; k++) {
			const judged *l = k == 0 ? &r->lines[i] : &r->bd_lines[i][k - 1];
			if (l->rag != KPIX_RAG_RED && l->rag != KPIX_RAG_AMBER)
				continue;
			const kpix_indicator *ind = l->se->pi->ind;
			const char *comment = commentary_of(l, &b);
			const char *fit[12] = {NULL, ind->title,
			                       l->bd ? l->se->bds[l->bd] : "Whole organisation"};
			fit[10] = comment;
			fit[11] = l->action;
			fit_row(ws, row, fit, w, 12);
			text(ws, row, 0, ind->code, C_TEXT);
			text(ws, row, 1, ind->title, C_WRAP);
			text(ws, row, 2, l->bd ? l->se->bds[l->bd] : "Whole organisation", C_WRAP);
			judged_cells(ws, row, 3, l);
			text(ws, row, 10, comment, l->commentary ? C_WRAP : C_DRAFT);
			if (l->action)
				text(ws, row, 11, l->action, C_WRAP);
			else
				text(ws, row, 11, "None recorded", C_NOTE);
			row++;
		}
	}
	if (row == 3)
		text(ws, row++, 0, "No figure is red or amber this period.", C_BOLD);
	kpix_xlsx_freeze(ws, 3, 0);
	print_setup(r, ws, 2, 2, row - 1, 11);
	kpix_buf_free(&b);
}

static void trends_sheet(kpix_pack_result *r, kpix_xlsx *wb)
{
	enum { CHART_ROWS = 15, CHART_W = 620, CHART_H = 280 };
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(wb, "Trends");
	static const double w[] = {22, 12, 12, 2};
	widths(ws, w, 4);
	text(ws, 0, 0, "Trends: each indicator over the periods shown, with its target", C_TITLE);
	uint32_t row = 2;
	int *ps = kpix_xcalloc((size_t)r->def->periods + 1, sizeof(int));
	uint32_t *breaks = kpix_xcalloc(r->nser + 1, sizeof(uint32_t));
	size_t nbreaks = 0;
	kpix_buf title = KPIX_BUF_INIT;
	for (size_t i = 0; i < r->nser; i++) {
		const series *se = &r->ser[i];
		const kpix_indicator *ind = se->pi->ind;
		if (i && i % 2 == 0)
			breaks[nbreaks++] = row;
		uint32_t top = row;
		kpix_buf_clear(&title);
		kpix_buf_printf(&title, "%s %s", ind->code, ind->title);
		text(ws, row++, 0, title.data, C_BOLD);
		const char *const h[] = {"Period", "Figure", "Target"};
		headings(ws, row++, h, 3);
		size_t n = trend_periods(r, se, ps, (size_t)r->def->periods);
		uint32_t first = row;
		bool any = false;
		for (size_t k = 0; k < n; k++, row++) {
			char pn[16];
			text(ws, row, 0, period_name(r, ps[k], pn), C_TEXT);
			kpix_opt v = value_at(se, 0, ps[k]), t = target_for(se, 0, ps[k]);
			any |= v.has;
			/* a missing figure is a blank cell, which the chart leaves as a gap */
			if (v.has)
				figure_cell(ws, row, 1, ind, v, NULL);
			else
				kpix_xlsx_blank(ws, row, 1, &styles[C_TEXT]);
			if (t.has)
				figure_cell(ws, row, 2, ind, t, NULL);
			else
				kpix_xlsx_blank(ws, row, 2, &styles[C_TEXT]);
		}
		if (any) {
			char cats[128], vals[128], tgts[128], fmt[48];
			kpix_xlsx_range(cats, sizeof(cats), ws, first, row - 1, 0);
			kpix_xlsx_range(vals, sizeof(vals), ws, first, row - 1, 1);
			kpix_xlsx_range(tgts, sizeof(tgts), ws, first, row - 1, 2);
			number_format(ind, fmt, sizeof(fmt));
			kpix_xseries sr[2] = {
			    {"Figure", cats, vals, RGB(0x1F4E79), false, true},
			    {"Target", cats, tgts, RGB(0xC55A11), true, false},
			};
			kpix_xlsx_line_chart(ws, top, 4, title.data, sr, 2, fmt, CHART_W, CHART_H);
		} else {
			text(ws, row++, 0, "No figures in the periods shown.", C_NOTE);
		}
		if (row < top + CHART_ROWS)
			row = top + CHART_ROWS;
		row++;
	}
	kpix_xlsx_page_breaks(ws, breaks, nbreaks);
	print_setup(r, ws, -1, -1, row, 13);
	free(breaks);
	free(ps);
	kpix_buf_free(&title);
}

static void breakdowns_sheet(kpix_pack_result *r, kpix_xlsx *wb)
{
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(wb, "Breakdowns");
	static const double w[] = {30, 10, 11, 11, 11, 10, 11, 11, 60};
	widths(ws, w, 9);
	char pn[16];
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_printf(&b, "Breakdowns, %s", period_name(r, r->cur, pn));
	text(ws, 0, 0, b.data, C_TITLE);
	uint32_t row = 2;
	char tnow[96], tprev[96], tly[96], ln[16];
	snprintf(tnow, sizeof(tnow), "This period\n%s", period_name(r, r->cur, ln));
	snprintf(tly, sizeof(tly), "Same period last year\n%s", period_name(r, r->cur - 4, ln));
	const char *const h[] = {"Breakdown", "Target", tnow, tprev, tly, "RAG", "vs previous",
	                         "vs last year", "Commentary"};
	for (size_t i = 0; i < r->nser; i++) {
		if (!r->nbd_lines[i])
			continue;
		previous_heading(r, r->bd_lines[i], r->nbd_lines[i], tprev, sizeof(tprev));
		const series *se = &r->ser[i];
		const kpix_indicator *ind = se->pi->ind;
		kpix_buf_clear(&b);
		kpix_buf_printf(&b, "%s %s", ind->code, ind->title);
		text(ws, row++, 0, b.data, C_GROUP);
		for (uint16_t c = 1; c < 9; c++)
			kpix_xlsx_blank(ws, row - 1, c, &styles[C_GROUP]);
		size_t k = 0;
		size_t ntables = se->pi->ntables ? se->pi->ntables : 1;
		for (size_t t = 0; t < ntables; t++) {
			size_t n = se->pi->ntables ? se->pi->tables[t].values.n : r->nbd_lines[i];
			text(ws, row++, 0, se->pi->ntables ? se->pi->tables[t].title : "By breakdown", C_BOLD);
			kpix_xlsx_row_height(ws, row, 60);
			headings(ws, row++, h, 9);
			for (size_t e = 0; e < n; e++, k++, row++) {
				const judged *l = &r->bd_lines[i][k];
				const char *comment = commentary_of(l, &b);
				const char *fit[9] = {se->bds[l->bd]};
				fit[8] = comment;
				fit_row(ws, row, fit, w, 9);
				text(ws, row, 0, se->bds[l->bd], C_WRAP);
				judged_cells(ws, row, 1, l);
				text(ws, row, 8, comment, l->commentary ? C_WRAP : C_DRAFT);
			}
		}
		row++;
	}
	if (row == 2)
		text(ws, row++, 0, "No indicator in this pack has figures by breakdown.", C_BOLD);
	print_setup(r, ws, -1, -1, row, 8);
	kpix_buf_free(&b);
}

static void definitions_sheet(kpix_pack_result *r, kpix_xlsx *wb)
{
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(wb, "Definitions");
	static const double w[] = {9, 30, 50, 12, 14, 14, 30, 30, 40, 40};
	widths(ws, w, 10);
	text(ws, 0, 0, "Definitions: what each indicator measures", C_TITLE);
	const char *const h[] = {"Code",     "Indicator",      "Description", "Unit",
	                         "Polarity", "Reported",       "Numerator",   "Denominator",
	                         "RAG",      "Source"};
	headings(ws, 2, h, 10);
	uint32_t row = 3;
	kpix_buf b = KPIX_BUF_INIT;
	for (size_t i = 0; i < r->nser; i++, row++) {
		const kpix_pack_indicator *pi = r->ser[i].pi;
		const kpix_indicator *ind = pi->ind;
		kpix_buf_clear(&b);
		kpix_buf_adds(&b, ind->frequency ? ind->frequency : "");
		if (ind->due_in.n) {
			kpix_buf t = KPIX_BUF_INIT;
			due_words(ind, &t);
			kpix_buf_printf(&b, "%s%s", b.len ? ", " : "", t.data);
			kpix_buf_free(&t);
		}
		kpix_buf rule = KPIX_BUF_INIT;
		rag_rule_words(&pi->rag, &rule);
		const char *cells[10] = {ind->code,       ind->title,
		                         ind->description, ind->unit ? kpix_unit_words(ind->unit) : "",
		                         polarity_words(pi->polarity), b.data,
		                         ind->numerator,  ind->denominator,
		                         rule.data,       ind->source};
		const char *fit[10];
		memcpy(fit, cells, sizeof(fit));
		fit[0] = NULL;
		fit_row(ws, row, fit, w, 10);
		for (uint16_t c = 0; c < 10; c++)
			text(ws, row, c, cells[c], c ? C_WRAP : C_TEXT);
		kpix_buf_free(&rule);
	}
	kpix_xlsx_freeze(ws, 3, 0);
	print_setup(r, ws, 2, 2, row - 1, 9);
	kpix_buf_free(&b);
}

static void quality_sheet(kpix_pack_result *r, kpix_xlsx *wb, const char *const *files,
                          size_t nfiles)
{
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(wb, "Data quality");
	const kpix_report *rep = kpix_validator_finish(r->v);
	text(ws, 0, 0, "Data quality: the files read and what their checks found", C_TITLE);
	uint32_t row = 2;
	struct {
		const char *label;
		uint64_t n;
	} counts[] = {
	    {"Rows read", r->rows_read},
	    {"Rows shown in this pack", r->rows_used},
	    {"Rows for periods after this one (not shown)", r->rows_later},
	    {"Rows for indicators this pack does not show", r->rows_other_ind},
	    {"Rows for other organisations", r->rows_other_org},
	    {"Errors", kpix_report_errors(rep)},
	    {"Warnings", kpix_report_warnings(rep)},
	};
	kpix_xstyle label = {.bold = true};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++, row++) {
		kpix_xlsx_text(ws, row, 0, counts[i].label, strlen(counts[i].label), &label);
		kpix_xlsx_number(ws, row, 4, (double)counts[i].n, NULL);
	}
	row++;
	text(ws, row++, 0, "Files (as manifest.json records them)", C_BOLD);
	const char *const h[] = {"File", "Rows", "SHA-256"};
	for (uint16_t c = 0; c < 3; c++)
		text(ws, row, c == 2 ? 7 : c, h[c], C_HEAD);
	row++;
	for (size_t i = 0; i < nfiles + 2; i++, row++) {
		const char *path = i < nfiles ? files[i] : i == nfiles ? r->s->path : r->def->path;
		const char *slash = strrchr(path, '/');
		text(ws, row, 0, slash ? slash + 1 : path, C_TEXT);
		if (i < nfiles) {
			uint64_t rows = 0, rejected = 0;
			const char *p = NULL, *enc = NULL;
			kpix_report_file_get(rep, i, &p, &rows, &rejected, &enc);
			kpix_xlsx_number(ws, row, 1, (double)rows, &styles[C_TEXT]);
		} else {
			text(ws, row, 1, i == nfiles ? "schema" : "pack", C_TEXT);
		}
		text(ws, row, 7, r->file_hash[i], C_TEXT);
	}
	row++;
	text(ws, row++, 0, "Warnings", C_BOLD);
	row = kpix_report_xlsx_warnings(ws, row, rep);
	print_setup(r, ws, -1, -1, row, 7);
}

/* ----------------------------------------------------------- CSV */

static void csv_number(kpix_buf *line, kpix_opt v, int decimals)
{
	if (!v.has)
		return;
	char num[KPIX_FIXED_MAX];
	kpix_format_fixed(v.v, decimals < 0 ? 0 : decimals, num);
	kpix_buf_adds(line, num);
}

static void csv_text(kpix_buf *line, const char *s)
{
	kpix_csv_cell(line, s ? s : "", s ? strlen(s) : 0, true);
}

static void summary_csv(kpix_pack_result *r, FILE *f)
{
	kpix_buf line = KPIX_BUF_INIT;
	kpix_buf_adds(&line, "group,code,indicator,polarity,target,this_period,previous_period,"
	                     "same_period_last_year,rag,vs_previous,vs_last_year,commentary,"
	                     "commentary_drafted,action\r\n");
	for (size_t i = 0; i < r->nser; i++) {
		const judged *l = &r->lines[i];
		const kpix_indicator *ind = l->se->pi->ind;
		static const char *const dots[] = {"", "same", "better", "worse", "up", "down"};
		csv_text(&line, l->se->group->title);
		kpix_buf_addc(&line, ',');
		csv_text(&line, ind->code);
		kpix_buf_addc(&line, ',');
		csv_text(&line, ind->title);
		kpix_buf_addc(&line, ',');
		csv_text(&line, l->se->pi->polarity == KPIX_POL_HIGHER  ? "higher"
		                : l->se->pi->polarity == KPIX_POL_LOWER ? "lower"
		                                                        : "none");
		kpix_opt nums[] = {l->target, l->now, l->prev, l->last_year};
		for (size_t k = 0; k < 4; k++) {
			kpix_buf_addc(&line, ',');
			csv_number(&line, nums[k], ind->decimals);
		}
		kpix_buf_addc(&line, ',');
		csv_text(&line, kpix_rag_name(l->rag));
		kpix_buf_addc(&line, ',');
		csv_text(&line, dots[l->vs_prev]);
		kpix_buf_addc(&line, ',');
		csv_text(&line, dots[l->vs_year]);
		kpix_buf_addc(&line, ',');
		csv_text(&line, l->commentary ? l->commentary : l->drafted);
		kpix_buf_addc(&line, ',');
		csv_text(&line, l->commentary ? "no" : "yes");
		kpix_buf_addc(&line, ',');
		csv_text(&line, l->action);
		kpix_buf_adds(&line, "\r\n");
	}
	fwrite(line.data, 1, line.len, f);
	kpix_buf_free(&line);
}

/* ----------------------------------------------------------- manifest */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Hashes every file read, and the fingerprint of them all: SHA-256 of
 * "NAME SIZE SHA256\n" for each history file, the schema and the
 * definition, then "period PERIOD\n". */
static int hash_inputs(kpix_pack_result *r, const char *const *files, size_t nfiles)
{
	r->file_hash = kpix_xcalloc(nfiles + 3, sizeof(char *));
	r->file_size = kpix_xcalloc(nfiles + 3, sizeof(uint64_t));
	kpix_buf all = KPIX_BUF_INIT;
	for (size_t i = 0; i < nfiles + 2; i++) {
		const char *path = i < nfiles ? files[i] : i == nfiles ? r->s->path : r->def->path;
		char hex[KPIX_SHA256_HEX_SIZE];
		uint64_t size = 0;
		if (kpix_sha256_file(path, hex, &size) != 0) {
			kpix_buf_free(&all);
			return KPIX_EIO;
		}
		r->file_hash[i] = kpix_xstrdup(hex);
		r->file_size[i] = size;
		kpix_buf_printf(&all, "%s %llu %s\n", base_name(path), (unsigned long long)size, hex);
	}
	char pt[16];
	period_text(r->cur, pt);
	kpix_buf_printf(&all, "period %s\n", pt);
	kpix_sha256_hex(all.data, all.len, r->fingerprint);
	kpix_buf_free(&all);
	return 0;
}

static int write_manifest(kpix_pack_result *r, const char *const *files, size_t nfiles,
                          const char *const *tmp, const char *const *names, size_t nout)
{
	const kpix_report *rep = kpix_validator_finish(r->v);
	json_t *m = json_object();
	json_object_set_new(m, "manifest", json_string("kpix-manifest/1"));
	json_object_set_new(m, "command", json_string("pack"));
	json_object_set_new(m, "versions", kpix_manifest_versions());
	/* the inputs as hash_inputs read them: each file is hashed once */
	json_t *sch = kpix_manifest_entry(base_name(r->s->path), r->file_size[nfiles],
	                                  r->file_hash[nfiles], 0, false);
	json_t *pk = kpix_manifest_entry(base_name(r->def->path), r->file_size[nfiles + 1],
	                                 r->file_hash[nfiles + 1], 0, false);
	json_t *ins = json_array();
	for (size_t i = 0; i < nfiles; i++) {
		const char *path = NULL, *enc = NULL;
		uint64_t rows = 0, rejected = 0;
		kpix_report_file_get(rep, i, &path, &rows, &rejected, &enc);
		json_t *e = kpix_manifest_entry(base_name(files[i]), r->file_size[i], r->file_hash[i],
		                                rows, true);
		json_object_set_new(e, "encoding", json_string(enc ? enc : "utf-8"));
		json_array_append_new(ins, e);
	}
	json_object_set_new(sch, "id", json_string(r->s->id));
	json_object_set_new(sch, "version", json_string(r->s->version));
	json_object_set_new(m, "schema", sch);
	json_object_set_new(pk, "id", json_string(r->def->id));
	json_object_set_new(pk, "version", json_string(r->def->version));
	json_object_set_new(m, "pack", pk);
	json_object_set_new(m, "inputs", ins);
	json_object_set_new(m, "fingerprint", json_string(r->fingerprint));
	json_t *opt = json_object();
	char pt[16];
	period_text(r->cur, pt);
	json_object_set_new(opt, "period", json_string(pt));
	if (r->opts.created >= 0)
		json_object_set_new(opt, "source_date_epoch", json_integer((json_int_t)r->opts.created));
	static const char *const encs[] = {"auto", "utf-8", "windows-1252"};
	json_object_set_new(opt, "encoding", json_string(encs[r->opts.validate.encoding]));
	if (r->opts.validate.max_errors)
		json_object_set_new(opt, "max_errors",
		                    json_integer((json_int_t)r->opts.validate.max_errors));
	json_object_set_new(m, "options", opt);
	json_t *outs = json_array();
	for (size_t i = 0; i < nout; i++) {
		json_t *e = kpix_manifest_file_entry(names[i], tmp[i], 0, false);
		if (!e) {
			json_decref(outs);
			json_decref(m);
			return KPIX_EIO;
		}
		size_t n = strlen(names[i]);
		json_object_set_new(e, "format", json_string(n > 4 && strcmp(names[i] + n - 4, ".csv") == 0
		                                                 ? "csv"
		                                                 : "xlsx"));
		json_array_append_new(outs, e);
	}
	json_object_set_new(m, "outputs", outs);
	json_t *rec = json_object();
	json_object_set_new(rec, "rows_read", json_integer((json_int_t)r->rows_read));
	json_object_set_new(rec, "rows_shown", json_integer((json_int_t)r->rows_used));
	json_object_set_new(rec, "rows_later", json_integer((json_int_t)r->rows_later));
	json_object_set_new(rec, "rows_other_indicators", json_integer((json_int_t)r->rows_other_ind));
	json_object_set_new(rec, "rows_other_organisations",
	                    json_integer((json_int_t)r->rows_other_org));
	json_object_set_new(m, "reconciliation", rec);
	return kpix_manifest_write(m, rep, r->od);
}

/* ------------------------------------------------------------------ API */

static int load(kpix_pack_result *r)
{
	const kpix_pack_options *o = &r->opts;
	int rc;
	if (!o->out_dir || !*o->out_dir)
		return kpix_fail(KPIX_EUSAGE, "no output directory given");
	if (!o->period || !*o->period)
		return kpix_fail(KPIX_EUSAGE, "no period given: name the quarter the pack reports, "
		                              "such as --period \"2025-26 Q2\"");
	r->cur = period_index(o->period, strlen(o->period));
	if (r->cur == NO_PERIOD)
		return kpix_fail(KPIX_EUSAGE, "--period '%s' is not a financial year and quarter such "
		                              "as 2025-26 Q2",
		                 o->period);
	if ((rc = kpix_packdef_load(&r->def, o->pack, o->search_path)))
		return rc;
	const char *ref = o->schema && *o->schema ? o->schema : r->def->schema_ref;
	char *rel = NULL;
	if (ref == r->def->schema_ref && strchr(ref, '/') && ref[0] != '/') {
		/* a schema file named relative to the definition */
		const char *slash = strrchr(r->def->path, '/');
		rel = slash ? kpix_xasprintf("%.*s/%s", (int)(slash - r->def->path), r->def->path, ref)
		            : kpix_xstrdup(ref);
	}
	rc = kpix_schema_load(&r->s, rel ? rel : ref, o->search_path);
	free(rel);
	if (rc || (rc = kpix_packdef_bind(r->def, r->s)))
		return rc;
	r->ser_of_ind = kpix_xcalloc(r->s->nindicators + 1, sizeof(size_t));
	for (size_t g = 0; g < r->def->ngroups; g++)
		r->nser += r->def->groups[g].ninds;
	r->ser = kpix_xcalloc(r->nser + 1, sizeof(series));
	size_t k = 0;
	for (size_t g = 0; g < r->def->ngroups; g++)
		for (size_t i = 0; i < r->def->groups[g].ninds; i++, k++) {
			series *se = &r->ser[k];
			se->pi = &r->def->groups[g].inds[i];
			se->group = &r->def->groups[g];
			se->bds = kpix_xcalloc(1, sizeof(char *));
			se->bds[0] = kpix_xstrdup("");
			se->nbds = 1;
			r->ser_of_ind[se->pi->ind - r->s->indicators] = k + 1;
		}
	return 0;
}

static char *output_name(const kpix_pack_result *r, const char *ext)
{
	char pt[16];
	period_text(r->cur, pt);
	pt[7] = '-';
	return kpix_xasprintf("%s-%s%s", r->def->id, pt, ext);
}

static int write_outputs(kpix_pack_result *r, const char *const *files, size_t nfiles)
{
	int rc;
	char *names[2] = {output_name(r, ".xlsx"), output_name(r, "-summary.csv")};
	const char *tmp[2] = {NULL, NULL};
	FILE *csv = NULL;
	kpix_xlsx *wb = NULL;
	if ((rc = hash_inputs(r, files, nfiles)) ||
	    (rc = kpix_outdir_begin(r->od, names[0], &tmp[0])) ||
	    (rc = kpix_xlsx_open(&wb, tmp[0], kpix_outdir_path(r->od, 0))))
		goto done;
	cover_sheet(r, wb, files, nfiles);
	summary_sheet(r, wb);
	exceptions_sheet(r, wb);
	trends_sheet(r, wb);
	breakdowns_sheet(r, wb);
	definitions_sheet(r, wb);
	quality_sheet(r, wb, files, nfiles);
	char pn[16];
	char *title = kpix_xasprintf("%s, %s", r->def->title, period_name(r, r->cur, pn));
	const char *props[7] = {title, "Quarterly Operational Board pack", r->def->organisation,
	                        NULL,  r->def->organisation,               "Board pack",
	                        NULL};
	int64_t created = r->opts.created >= 0 ? r->opts.created
	                                       : quarter_end(r->cur, NULL, 0) * 86400;
	kpix_xlsx_properties(wb, props, created);
	free(title);
	rc = kpix_xlsx_close(wb);
	wb = NULL;
	if (rc || (rc = kpix_outdir_begin(r->od, names[1], &tmp[1])))
		goto done;
	if (!(csv = fopen(tmp[1], "wb"))) {
		rc = kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, names[1],
		               strerror(errno));
		goto done;
	}
	summary_csv(r, csv);
	bool bad = ferror(csv) != 0;
	int e = fclose(csv) != 0 ? errno : bad ? EIO : 0;
	if (e) {
		rc = kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, names[1],
		               strerror(e));
		goto done;
	}
	if ((rc = write_manifest(r, files, nfiles, tmp, (const char *const *)names, 2)) ||
	    (rc = kpix_outdir_commit(r->od)))
		goto done;
	r->written = true;
done:
	kpix_xlsx_discard(wb);
	r->outputs = kpix_xcalloc(3, sizeof(char *));
	for (size_t i = 0; i < 2; i++)
		r->outputs[r->noutputs++] = names[i];
	return rc;
}

int kpix_pack(kpix_pack_result **out, const char *const *files, size_t nfiles,
              const kpix_pack_options *opts)
{
	kpix_pack_result *r = kpix_xcalloc(1, sizeof(*r));
	*out = r;
	r->opts = *opts;
	r->first_p = INT32_MAX;
	int rc;
	if ((rc = load(r)))
		return rc;
	const char *const defs[] = {r->s->path, r->def->path};
	if ((rc = kpix_require_regular_files(files, nfiles, "a board pack")) ||
	    (rc = kpix_require_regular_files(defs, 2, "a board pack")) ||
	    (rc = kpix_validator_new(&r->v, r->s, &opts->validate)))
		return rc;
	const char **inputs = kpix_xcalloc(nfiles + 3, sizeof(char *));
	for (size_t i = 0; i < nfiles; i++)
		inputs[i] = files[i];
	inputs[nfiles] = r->s->path;
	inputs[nfiles + 1] = r->def->path;
	rc = kpix_outdir_open(&r->od, opts->out_dir, inputs, nfiles + 2);
	free(inputs);
	if (rc)
		return rc;
	kpix_validator_set_row_hook(r->v, on_row, r);
	for (size_t i = 0; i < nfiles; i++)
		if ((rc = kpix_validator_add_file(r->v, files[i])))
			return rc;
	const kpix_report *rep = kpix_validator_finish(r->v);
	if (kpix_report_errors(rep) > 0) {
		kpix_outdir_free(r->od);
		r->od = NULL;
		return 0;
	}
	bool any = false;
	for (size_t i = 0; i < r->nser && !any; i++)
		for (size_t k = 0; k < r->ser[i].nf && !any; k++)
			any = r->ser[i].f[k].p == r->cur;
	if (!any)
		return kpix_fail(KPIX_EUSAGE, "the history has no figure for %s of any indicator the "
		                              "pack %s shows%s%s",
		                 opts->period, r->def->id,
		                 r->rows_other_org ? "; check that its organisation is written as in the "
		                                     "pack: "
		                                   : "",
		                 r->rows_other_org ? r->def->organisation : "");
	judge_all(r);
	return write_outputs(r, files, nfiles);
}

const kpix_report *kpix_pack_report(const kpix_pack_result *r)
{
	return r && r->v ? kpix_validator_finish(r->v) : NULL;
}

const kpix_schema *kpix_pack_schema(const kpix_pack_result *r)
{
	return r ? r->s : NULL;
}

bool kpix_pack_written(const kpix_pack_result *r)
{
	return r && r->written;
}

size_t kpix_pack_output_count(const kpix_pack_result *r)
{
	return r && r->written ? r->noutputs : 0;
}

const char *kpix_pack_output_name(const kpix_pack_result *r, size_t i)
{
	return r && i < r->noutputs ? r->outputs[i] : NULL;
}

void kpix_pack_free(kpix_pack_result *r)
{
	if (!r)
		return;
	kpix_outdir_free(r->od);
	kpix_validator_free(r->v);
	for (size_t i = 0; i < r->nser; i++) {
		series *se = &r->ser[i];
		for (size_t k = 0; k < se->nf; k++) {
			free(se->f[k].commentary);
			free(se->f[k].action);
		}
		free(se->f);
		for (size_t k = 0; k < se->nbds; k++)
			free(se->bds[k]);
		free(se->bds);
		if (r->lines)
			free(r->lines[i].drafted);
		for (size_t k = 0; r->nbd_lines && k < r->nbd_lines[i]; k++)
			free(r->bd_lines[i][k].drafted);
		if (r->bd_lines)
			free(r->bd_lines[i]);
	}
	free(r->ser);
	free(r->lines);
	free(r->bd_lines);
	free(r->nbd_lines);
	free(r->ser_of_ind);
	for (size_t i = 0; r->file_hash && r->file_hash[i]; i++)
		free(r->file_hash[i]);
	free(r->file_hash);
	free(r->file_size);
	for (size_t i = 0; i < r->noutputs; i++)
		free(r->outputs[i]);
	free(r->outputs);
	kpix_buf_free(&r->text);
	kpix_schema_free(r->s);
	kpix_packdef_free(r->def);
	free(r);
}
