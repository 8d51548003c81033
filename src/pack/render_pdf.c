/* render_pdf.c - the board report as a PDF (render.h): a fixed document a
 * board member reads, drawn with cairo and laid out with pango over a judged
 * model that it only reads.
 *
 * A4 portrait. Page 1 is the quarter in words (the model's headlines), then
 * the summary table, the exceptions with their actions, the breakdowns each
 * with a small chart, the trends as small multiples, the definitions and the
 * data quality with the fingerprint. Every page has a header (title,
 * organisation, period) and a footer (what the figures are for, page x of
 * y). No text is smaller than 9pt. docs/packs.md, "The PDF board report".
 *
 * The bytes depend on nothing but the model, the sources, and the cairo,
 * pango and font files installed: the document's dates are the workbook's
 * (the period's end or SOURCE_DATE_EPOCH), pango's language is fixed rather
 * than taken from the locale, and cairo names font subsets from their
 * glyphs. Each page is recorded first and framed ("Page x of y") once all
 * are known. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "cast.h"
#include "render.h"

#define PAGE_W 595.276 /* A4, in points */
#define PAGE_H 841.890
#define MARGIN 42.0
#define TEXT_W (PAGE_W - 2 * MARGIN)
#define TOP 84.0       /* the first line below the header */
#define BOTTOM (PAGE_H - 60.0)
#define FONT "Liberation Sans" /* fonts-liberation2: metric-compatible with Arial, narrow enough for tables */
#define BODY 10.0      /* points; nothing is smaller than SMALL */
#define SMALL 9.0
#define PAD 3.0        /* inside a table cell */

enum { PLAIN = 0, BOLD = 1, ITALIC = 2 };

typedef struct {
	double r, g, b;
} rgb;

static const rgb black = {0, 0, 0}, grey = {0.35, 0.35, 0.35}, rule_grey = {0.75, 0.75, 0.75},
                 head_fill = {0.90, 0.92, 0.95}, navy = {0.11, 0.21, 0.40},
                 target_red = {0.55, 0.10, 0.10};

/* Each status as a fill and a darker ink for its word, so that the cell
 * reads in colour and in black and white alike. */
static const struct {
	rgb fill, ink, bar;
} rag_colours[KPIX_RAG_N] = {
    [KPIX_RAG_GREEN] = {{0.78, 0.94, 0.81}, {0.0, 0.38, 0.0}, {0.22, 0.60, 0.30}},
    [KPIX_RAG_AMBER] = {{1.0, 0.92, 0.61}, {0.45, 0.30, 0.0}, {0.93, 0.65, 0.10}},
    [KPIX_RAG_RED] = {{1.0, 0.78, 0.81}, {0.61, 0.0, 0.02}, {0.80, 0.15, 0.15}},
    [KPIX_RAG_NO_TARGET] = {{0.93, 0.93, 0.93}, {0.2, 0.2, 0.2}, {0.55, 0.55, 0.55}},
    [KPIX_RAG_NOT_RATED] = {{0.93, 0.93, 0.93}, {0.2, 0.2, 0.2}, {0.55, 0.55, 0.55}},
    [KPIX_RAG_NO_DATA] = {{1.0, 1.0, 1.0}, {0.2, 0.2, 0.2}, {0.55, 0.55, 0.55}},
    [KPIX_RAG_NOT_DUE] = {{1.0, 1.0, 1.0}, {0.2, 0.2, 0.2}, {0.55, 0.55, 0.55}},
};

/* The words of the report that are not the model's, in one place. */
static const struct {
	const char *summary_title, *improved, *fell, *off_target, *actions, *no_exceptions;
	const char *summary, *exceptions, *breakdowns, *trends, *definitions, *quality;
	const char *drafted, *none, *no_owner, *no_date, *figure, *target, *no_breakdowns;
	const char *polarity[3];
} words = {
    .summary_title = "Executive summary",
    .improved = "What improved",
    .fell = "What fell",
    .off_target = "Off target",
    .actions = "Red and amber: corrective actions",
    .no_exceptions = "No figure is red or amber this period.",
    .summary = "Summary",
    .exceptions = "Exceptions",
    .breakdowns = "Breakdowns",
    .trends = "Trends",
    .definitions = "Definitions",
    .quality = "Data quality and fingerprint",
    .drafted = "Drafted by kpix: ",
    .none = "None recorded",
    .no_owner = "no owner",
    .no_date = "no date",
    .figure = "Figure",
    .target = "Target",
    .no_breakdowns = "No indicator of this pack is broken down.",
    .polarity = {[KPIX_POL_HIGHER] = "higher is better", [KPIX_POL_LOWER] = "lower is better",
                 [KPIX_POL_NONE] = "neither higher nor lower is better"},
};

typedef struct {
	const kpix_pack_model *m;
	const kpix_pack_sources *src;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoLayout *layout;
	PangoFontDescription *font;
	int page, pages;       /* pages: the total, known once every page is drawn */
	cairo_surface_t **recorded; /* each page's content, page[0..page) */
	double y;              /* where the next block starts */
	char period[KPIX_PERIOD_TEXT_SIZE], name_buf[KPIX_PERIOD_TEXT_SIZE], ends[32];
	const char *name;      /* the period's name */
	kpix_buf tmp;
} pdf;

/* ------------------------------------------------------------------ text */

static void ink(pdf *d, rgb c)
{
	cairo_set_source_rgb(d->cr, c.r, c.g, c.b);
}

/* Lays out s at size in style, wrapped to width w, and draws it with its
 * top left at (x, y) when draw is set. Returns its height. */
static double text(pdf *d, double x, double y, double w, const char *s, double size, int style,
                   rgb colour, bool draw)
{
	pango_font_description_set_size(d->font, (gint)(size * PANGO_SCALE));
	pango_font_description_set_weight(d->font, style & BOLD ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(d->font, style & ITALIC ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(d->layout, d->font);
	pango_layout_set_width(d->layout, w > 0 ? (int)(w * PANGO_SCALE) : -1);
	pango_layout_set_text(d->layout, s ? s : "", -1);
	int pw, ph;
	pango_layout_get_size(d->layout, &pw, &ph);
	if (draw) {
		ink(d, colour);
		cairo_move_to(d->cr, x, y);
		pango_cairo_show_layout(d->cr, d->layout);
	}
	return (double)ph / PANGO_SCALE;
}

/* The width s takes on one line. */
static double text_width(pdf *d, const char *s, double size, int style)
{
	text(d, 0, 0, -1, s, size, style, black, false);
	int pw, ph;
	pango_layout_get_size(d->layout, &pw, &ph);
	return (double)pw / PANGO_SCALE;
}

/* ---------------------------------------------------------------- pages */

static void frame(pdf *d)
{
	const kpix_packdef *def = d->m->def;
	kpix_buf *b = &d->tmp;
	text(d, MARGIN, 30, TEXT_W * 0.62, def->title, SMALL, BOLD, navy, true);
	double ow = text_width(d, def->organisation, SMALL, PLAIN);
	text(d, PAGE_W - MARGIN - ow, 30, -1, def->organisation, SMALL, PLAIN, grey, true);
	kpix_buf_clear(b);
	if (strcmp(d->name, d->period) != 0)
		kpix_buf_printf(b, "%s (%s)", d->name, d->period);
	else
		kpix_buf_adds(b, d->period);
	double pw = text_width(d, b->data, SMALL, PLAIN);
	text(d, PAGE_W - MARGIN - pw, 44, -1, b->data, SMALL, PLAIN, grey, true);
	ink(d, rule_grey);
	cairo_set_line_width(d->cr, 0.6);
	cairo_move_to(d->cr, MARGIN, 64);
	cairo_line_to(d->cr, PAGE_W - MARGIN, 64);
	cairo_move_to(d->cr, MARGIN, PAGE_H - 46);
	cairo_line_to(d->cr, PAGE_W - MARGIN, PAGE_H - 46);
	cairo_stroke(d->cr);
	/* what the figures are for: a named period (a survey round) by its
	 * name, otherwise the date they run to */
	kpix_buf_clear(b);
	if (strcmp(d->name, d->period) != 0)
		kpix_buf_printf(b, "Figures for %s (%s), as reported", d->name, d->period);
	else
		kpix_buf_printf(b, "Figures to %s", d->ends);
	text(d, MARGIN, PAGE_H - 40, TEXT_W * 0.7, b->data, SMALL, PLAIN, grey, true);
	kpix_buf_clear(b);
	kpix_buf_printf(b, "Page %d of %d", d->page, d->pages);
	double w = text_width(d, b->data, SMALL, PLAIN);
	text(d, PAGE_W - MARGIN - w, PAGE_H - 40, -1, b->data, SMALL, PLAIN, grey, true);
}

/* Each page is drawn on a recording surface of its own and put on the
 * PDF's page at the end, under its frame, once the number of pages is
 * known: the text is laid out once. */
static void new_page(pdf *d)
{
	if (d->cr)
		cairo_destroy(d->cr);
	const cairo_rectangle_t a4 = {0, 0, PAGE_W, PAGE_H};
	cairo_surface_t *rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &a4);
	d->recorded = kpix_xrealloc(d->recorded, (size_t)(d->page + 1) * sizeof(*d->recorded));
	d->recorded[d->page++] = rec;
	d->cr = cairo_create(rec);
	pango_cairo_update_layout(d->cr, d->layout);
	d->y = TOP;
}

/* Starts a new page unless h more points fit on this one. */
static bool room(pdf *d, double h)
{
	if (d->y + h <= BOTTOM)
		return false;
	new_page(d);
	return true;
}

static void heading(pdf *d, const char *s, double size)
{
	double h = text(d, MARGIN, 0, TEXT_W, s, size, BOLD, navy, false);
	room(d, h + 40); /* never a heading alone at the foot of a page */
	text(d, MARGIN, d->y, TEXT_W, s, size, BOLD, navy, true);
	d->y += h + size * 0.5;
}

static void para(pdf *d, double x, const char *s, double size, int style, rgb c)
{
	double h = text(d, x, 0, TEXT_W - (x - MARGIN), s, size, style, c, false);
	room(d, h);
	text(d, x, d->y, TEXT_W - (x - MARGIN), s, size, style, c, true);
	d->y += h + 4;
}

static void bullet(pdf *d, const char *s, rgb mark)
{
	double h = text(d, MARGIN + 14, 0, TEXT_W - 14, s, BODY, PLAIN, black, false);
	room(d, h);
	ink(d, mark);
	cairo_rectangle(d->cr, MARGIN + 2, d->y + 4, 6, 6);
	cairo_fill(d->cr);
	text(d, MARGIN + 14, d->y, TEXT_W - 14, s, BODY, PLAIN, black, true);
	d->y += h + 5;
}

/* --------------------------------------------------------------- tables */

typedef struct {
	const char *text;
	int style;
	int rag;               /* a status cell: its fill and ink; -1 for none */
	bool right;
} cell;

typedef struct {
	const char *const *heads;
	const double *widths;  /* fractions of TEXT_W */
	size_t n;
} table;

static double row_height(pdf *d, const table *t, const cell *c, double size)
{
	double h = 0;
	for (size_t i = 0; i < t->n; i++) {
		double w = t->widths[i] * TEXT_W - 2 * PAD;
		double ch = text(d, 0, 0, w, c[i].text, size, c[i].style, black, false);
		if (ch > h)
			h = ch;
	}
	return h + 2 * PAD;
}

static void draw_row(pdf *d, const table *t, const cell *c, double size, double h, bool head)
{
	double x = MARGIN;
	for (size_t i = 0; i < t->n; i++) {
		double w = t->widths[i] * TEXT_W;
		const rgb *fill = head ? &head_fill : c[i].rag >= 0 ? &rag_colours[c[i].rag].fill : NULL;
		if (fill) {
			ink(d, *fill);
			cairo_rectangle(d->cr, x, d->y, w, h);
			cairo_fill(d->cr);
		}
		rgb colour = c[i].rag >= 0 && !head ? rag_colours[c[i].rag].ink : black;
		double tx = x + PAD;
		if (c[i].right) {
			double tw = text_width(d, c[i].text ? c[i].text : "", size, c[i].style);
			tx = x + w - PAD - tw;
		}
		text(d, tx, d->y + PAD, w - 2 * PAD, c[i].text, size, c[i].style, colour, true);
		x += w;
	}
	ink(d, rule_grey);
	cairo_set_line_width(d->cr, 0.5);
	cairo_move_to(d->cr, MARGIN, d->y + h);
	cairo_line_to(d->cr, MARGIN + TEXT_W, d->y + h);
	cairo_stroke(d->cr);
	d->y += h;
}

static void table_head(pdf *d, const table *t)
{
	cell c[16];
	for (size_t i = 0; i < t->n; i++)
		c[i] = (cell){t->heads[i], BOLD, -1, false};
	double h = row_height(d, t, c, SMALL);
	draw_row(d, t, c, SMALL, h, true);
}

/* A row of the table; on a new page the heading row is repeated. */
static void table_row(pdf *d, const table *t, const cell *c)
{
	double h = row_height(d, t, c, SMALL);
	if (room(d, h))
		table_head(d, t);
	draw_row(d, t, c, SMALL, h, false);
}

/* A full-width row of a table naming a group. */
static void group_row(pdf *d, const table *t, const char *title)
{
	double h = text(d, 0, 0, TEXT_W, title, BODY, BOLD, navy, false) + 2 * PAD;
	if (room(d, h + 30))
		table_head(d, t);
	text(d, MARGIN + PAD, d->y + PAD, TEXT_W - 2 * PAD, title, BODY, BOLD, navy, true);
	d->y += h;
}

/* -------------------------------------------------------------- figures */

/* A figure as the report writes it, into its own buffer; "" for none. */
static const char *fig(kpix_buf *b, const kpix_pack_series *se, kpix_opt v)
{
	kpix_buf_clear(b);
	if (v.has)
		kpix_figure_words(b, v.v, se->pi->ind->decimals, se->pi->ind->unit);
	else
		kpix_buf_adds(b, "\u2013");
	return b->data;
}

static bool is_percent(const kpix_pack_series *se)
{
	return se->pi->ind->unit && strcmp(se->pi->ind->unit, "percent") == 0;
}

/* The line's name: the indicator, with its breakdown when it has one. */
static void line_name(kpix_buf *b, const kpix_pack_line *l)
{
	const kpix_indicator *ind = l->series->pi->ind;
	const char *bd = kpix_pack_line_breakdown(l);
	kpix_buf_clear(b);
	kpix_buf_printf(b, "%s %s", ind->code, ind->title ? ind->title : "");
	if (bd)
		kpix_buf_printf(b, ": %s", bd);
}

/* The line's commentary, or kpix's drafted sentence marked as drafted, or
 * nothing (a figure not given), into b. */
static void commentary_words(kpix_buf *b, const kpix_pack_line *l)
{
	kpix_buf_clear(b);
	if (l->commentary)
		kpix_buf_adds(b, l->commentary);
	else if (l->drafted)
		kpix_buf_printf(b, "%s%s", words.drafted, l->drafted);
}

static void date_words(kpix_buf *b, kpix_opt days)
{
	char buf[16];
	kpix_date_format((kpix_date)days.v, buf);
	kpix_buf_adds(b, buf);
}

/* ----------------------------------------------------------------- page 1 */

static void counts_boxes(pdf *d)
{
	const kpix_pack_model *m = d->m;
	static const kpix_rag shown[] = {KPIX_RAG_RED, KPIX_RAG_AMBER, KPIX_RAG_GREEN,
	                                 KPIX_RAG_NO_DATA, KPIX_RAG_NOT_DUE};
	double w = (TEXT_W - 4 * 8) / 5, x = MARGIN, h = 40;
	room(d, h + 10);
	char n[32];
	for (size_t i = 0; i < 5; i++) {
		kpix_rag r = shown[i];
		ink(d, rag_colours[r].fill);
		cairo_rectangle(d->cr, x, d->y, w, h);
		cairo_fill_preserve(d->cr);
		ink(d, rule_grey);
		cairo_set_line_width(d->cr, 0.6);
		cairo_stroke(d->cr);
		snprintf(n, sizeof n, "%zu", m->headline_counts[r]);
		text(d, x + 6, d->y + 3, w - 12, n, 16, BOLD, rag_colours[r].ink, true);
		text(d, x + 6, d->y + 24, w - 12, kpix_rag_name(r), SMALL, BOLD, rag_colours[r].ink, true);
		x += w + 8;
	}
	d->y += h + 8;
}

static void headlines_of(pdf *d, kpix_headline_kind kind, const char *title)
{
	const kpix_pack_model *m = d->m;
	bool any = false;
	for (size_t i = 0; i < m->nheadlines; i++) {
		const kpix_pack_headline *h = &m->headlines[i];
		if (h->kind != kind)
			continue;
		if (!any)
			heading(d, title, 12);
		any = true;
		bullet(d, h->text, rag_colours[h->rag].bar);
	}
	if (any)
		d->y += 4;
}

/* An exception's action, owner and date, and what it lacks, into b. */
static void action_words(kpix_buf *b, const kpix_pack_line *l)
{
	kpix_buf_clear(b);
	kpix_buf_adds(b, l->action ? l->action : words.none);
	kpix_buf_printf(b, "\nOwner: %s", l->action_owner ? l->action_owner : words.no_owner);
	kpix_buf_adds(b, "; back on target by: ");
	if (l->action_due.has)
		date_words(b, l->action_due);
	else
		kpix_buf_adds(b, words.no_date);
	if (l->flags) {
		kpix_buf_adds(b, "\nFlag: ");
		kpix_pack_flag_words(l->flags, b);
	}
}

static void page_one(pdf *d)
{
	const kpix_pack_model *m = d->m;
	kpix_buf b = KPIX_BUF_INIT, name = KPIX_BUF_INIT, f1 = KPIX_BUF_INIT, f2 = KPIX_BUF_INIT;
	heading(d, m->def->title, 16);
	kpix_buf_printf(&b, "%s: %s", words.summary_title, d->name);
	heading(d, b.data, 13);
	counts_boxes(d);
	para(d, MARGIN, m->counts_sentence, BODY, BOLD, black);
	d->y += 4;
	headlines_of(d, KPIX_HEADLINE_IMPROVED, words.improved);
	headlines_of(d, KPIX_HEADLINE_FELL, words.fell);
	headlines_of(d, KPIX_HEADLINE_OFF_TARGET, words.off_target);
	heading(d, words.actions, 12);
	if (!m->nexceptions)
		para(d, MARGIN, words.no_exceptions, BODY, PLAIN, black);
	static const char *const heads[] = {"Indicator", "Status", "Figure", "Corrective action"};
	static const double widths[] = {0.30, 0.10, 0.14, 0.46};
	const table t = {heads, widths, 4};
	if (m->nexceptions)
		table_head(d, &t);
	for (size_t i = 0; i < m->nexceptions; i++) {
		const kpix_pack_line *l = m->exceptions[i];
		const kpix_pack_series *se = l->series;
		line_name(&name, l);
		kpix_buf_clear(&f2);
		kpix_buf_printf(&f2, "%s", fig(&f1, se, l->now));
		if (l->target.has)
			kpix_buf_printf(&f2, "\ntarget %s", fig(&f1, se, l->target));
		action_words(&b, l);
		cell c[] = {{name.data, PLAIN, -1, false},
		            {kpix_rag_name(l->rag), BOLD, (int)l->rag, false},
		            {f2.data, PLAIN, -1, false},
		            {b.data, l->flags ? BOLD : PLAIN, -1, false}};
		table_row(d, &t, c);
	}
	kpix_buf_free(&b);
	kpix_buf_free(&name);
	kpix_buf_free(&f1);
	kpix_buf_free(&f2);
}

/* ------------------------------------------------------------- summary */

static void summary(pdf *d)
{
	const kpix_pack_model *m = d->m;
	char pn[KPIX_PERIOD_TEXT_SIZE];
	new_page(d);
	heading(d, words.summary, 14);
	int prev = kpix_pack_common_previous(m, NULL);
	kpix_buf ph = KPIX_BUF_INIT, nh = KPIX_BUF_INIT;
	kpix_buf_printf(&nh, "This period\n%s", d->name);
	kpix_buf_printf(&ph, "Previous%s%s", prev != KPIX_PACK_NO_PERIOD ? "\n" : "",
	                prev != KPIX_PACK_NO_PERIOD ? kpix_pack_period_name(m, prev, pn) : "");
	const char *heads[] = {"Indicator", "Target", nh.data, ph.data, "Status",
	                       "vs previous", "vs last year", "Commentary"};
	static const double widths[] = {0.21, 0.09, 0.10, 0.10, 0.09, 0.09, 0.09, 0.23};
	const table t = {heads, widths, 8};
	table_head(d, &t);
	kpix_buf name = KPIX_BUF_INIT, a = KPIX_BUF_INIT, b = KPIX_BUF_INIT, c2 = KPIX_BUF_INIT,
	         com = KPIX_BUF_INIT, due = KPIX_BUF_INIT;
	const kpix_pack_group *group = NULL;
	for (size_t i = 0; i < m->nseries; i++) {
		const kpix_pack_series *se = &m->series[i];
		const kpix_pack_line *l = &se->whole;
		if (se->group != group) {
			group = se->group;
			group_row(d, &t, group->title);
		}
		line_name(&name, l);
		kpix_pack_due_words(se->pi->ind, &due);
		if (due.len)
			kpix_buf_printf(&name, " (%s)", due.data);
		commentary_words(&com, l);
		if (se->pi->rag_note)
			kpix_buf_printf(&com, "%sRated by the pack: %s", com.len ? "\n" : "", se->pi->rag_note);
		char tg[64], nw[64], pv[64];
		snprintf(tg, sizeof tg, "%s", fig(&a, se, l->target));
		snprintf(nw, sizeof nw, "%s", fig(&a, se, l->now));
		snprintf(pv, sizeof pv, "%s", fig(&a, se, l->prev));
		kpix_buf_clear(&b);
		kpix_buf_adds(&b, kpix_dot_text(l->vs_prev, l->now, l->prev));
		kpix_buf_clear(&c2);
		kpix_buf_adds(&c2, kpix_dot_text(l->vs_year, l->now, l->last_year));
		cell c[] = {{name.data, PLAIN, -1, false},      {tg, PLAIN, -1, true},
		            {nw, BOLD, -1, true},               {pv, PLAIN, -1, true},
		            {kpix_rag_name(l->rag), BOLD, (int)l->rag, false},
		            {b.data, PLAIN, -1, false},         {c2.data, PLAIN, -1, false},
		            {com.data ? com.data : "", l->commentary ? PLAIN : ITALIC, -1, false}};
		table_row(d, &t, c);
	}
	d->y += 6;
	para(d, MARGIN, "Status is shown as a colour and a word. Commentary in italics marked "
	                "\u201cDrafted by kpix\u201d was written by kpix from the figures, where the "
	                "history gave none. vs previous compares with the previous period the "
	                "indicator was reported in; vs last year with the same quarter a year before.",
	     SMALL, PLAIN, grey);
	kpix_buf_free(&ph);
	kpix_buf_free(&nh);
	kpix_buf_free(&name);
	kpix_buf_free(&a);
	kpix_buf_free(&b);
	kpix_buf_free(&c2);
	kpix_buf_free(&com);
	kpix_buf_free(&due);
}

/* ---------------------------------------------------------- exceptions */

static void exceptions(pdf *d)
{
	const kpix_pack_model *m = d->m;
	new_page(d);
	heading(d, words.exceptions, 14);
	if (!m->nexceptions) {
		para(d, MARGIN, words.no_exceptions, BODY, PLAIN, black);
		return;
	}
	static const char *const heads[] = {"Indicator", "Status", "Figures", "Commentary",
	                                    "Corrective action, owner, date"};
	static const double widths[] = {0.20, 0.09, 0.15, 0.26, 0.30};
	const table t = {heads, widths, 5};
	table_head(d, &t);
	kpix_buf name = KPIX_BUF_INIT, f = KPIX_BUF_INIT, a = KPIX_BUF_INIT, com = KPIX_BUF_INIT,
	         act = KPIX_BUF_INIT;
	char pn[KPIX_PERIOD_TEXT_SIZE];
	for (size_t i = 0; i < m->nexceptions; i++) {
		const kpix_pack_line *l = m->exceptions[i];
		const kpix_pack_series *se = l->series;
		line_name(&name, l);
		kpix_buf_clear(&f);
		kpix_buf_printf(&f, "Now %s", fig(&a, se, l->now));
		kpix_buf_printf(&f, "\nTarget %s", fig(&a, se, l->target));
		if (l->prev_period != KPIX_PACK_NO_PERIOD)
			kpix_buf_printf(&f, "\n%s %s", kpix_pack_period_name(m, l->prev_period, pn),
			                fig(&a, se, l->prev));
		commentary_words(&com, l);
		action_words(&act, l);
		cell c[] = {{name.data, PLAIN, -1, false},
		            {kpix_rag_name(l->rag), BOLD, (int)l->rag, false},
		            {f.data, PLAIN, -1, false},
		            {com.data ? com.data : "", l->commentary ? PLAIN : ITALIC, -1, false},
		            {act.data, l->flags ? BOLD : PLAIN, -1, false}};
		table_row(d, &t, c);
	}
	kpix_buf_free(&name);
	kpix_buf_free(&f);
	kpix_buf_free(&a);
	kpix_buf_free(&com);
	kpix_buf_free(&act);
}

/* -------------------------------------------------------------- charts */

/* The top of a chart's scale: 100 for a percentage, else a round number
 * at or above every value and target given. */
static double scale_top(const kpix_pack_series *se, const double *v, size_t n)
{
	if (is_percent(se))
		return 100;
	double top = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] > top)
			top = v[i];
	if (top <= 0)
		return 1;
	double step = pow(10, floor(log10(top)));
	for (const double *k = (const double[]){1, 2, 2.5, 5, 10}; ; k++)
		if (*k * step >= top)
			return *k * step;
}

/* The scale's tick labels: five of them, 0 to top. */
static void tick_label(kpix_buf *b, const kpix_pack_series *se, double v)
{
	kpix_buf_clear(b);
	kpix_figure_words(b, v, v == floor(v) ? 0 : 1, is_percent(se) ? "percent" : NULL);
}

/* A breakdown table's chart: one bar per line with a figure, the target
 * as a dashed line, the scale labelled. */
static void breakdown_chart(pdf *d, const kpix_pack_table *tb)
{
	const kpix_pack_series *se = tb->lines[0].series;
	size_t n = 0;
	double vals[2 * 64 + 2] = {0};
	size_t nv = 0;
	for (size_t i = 0; i < tb->n; i++)
		if (tb->lines[i].now.has) {
			n++;
			if (nv < 128)
				vals[nv++] = tb->lines[i].now.v;
			if (tb->lines[i].target.has && nv < 128)
				vals[nv++] = tb->lines[i].target.v;
		}
	if (!n)
		return;
	double top = scale_top(se, vals, nv);
	double label_w = 150, bar_h = 14, gap = 5, x0 = MARGIN + label_w, w = TEXT_W - label_w - 50;
	double h = (double)n * (bar_h + gap) + 34;
	room(d, h);
	double y = d->y;
	kpix_buf b = KPIX_BUF_INIT;
	/* the scale */
	cairo_set_line_width(d->cr, 0.4);
	for (int k = 0; k <= 4; k++) {
		double v = top * k / 4, x = x0 + w * k / 4;
		ink(d, rule_grey);
		cairo_move_to(d->cr, x, y);
		cairo_line_to(d->cr, x, y + (double)n * (bar_h + gap));
		cairo_stroke(d->cr);
		tick_label(&b, se, v);
		double tw = text_width(d, b.data, SMALL, PLAIN);
		text(d, x - tw / 2, y + (double)n * (bar_h + gap) + 2, -1, b.data, SMALL, PLAIN, grey, true);
	}
	double ty = y;
	bool any_target = false;
	double target = 0;
	for (size_t i = 0; i < tb->n; i++)
		if (tb->lines[i].now.has && tb->lines[i].target.has) {
			any_target = true;
			target = tb->lines[i].target.v;
		}
	/* the target first, so that the bars' labels are drawn over it */
	if (any_target) {
		double x = x0 + fmax(0, fmin(1, target / top)) * w;
		ink(d, target_red);
		cairo_set_line_width(d->cr, 1.2);
		double dash[] = {4, 3};
		cairo_set_dash(d->cr, dash, 2, 0);
		cairo_move_to(d->cr, x, y - 3);
		cairo_line_to(d->cr, x, y + (double)n * (bar_h + gap));
		cairo_stroke(d->cr);
		cairo_set_dash(d->cr, NULL, 0, 0);
		kpix_buf_clear(&b);
		kpix_buf_printf(&b, "%s %s", words.target, fig(&d->tmp, se, KPIX_SOME(target)));
		text(d, MARGIN, y + (double)n * (bar_h + gap) + 2, label_w - 6, b.data, SMALL, ITALIC,
		     target_red, true);
	}
	for (size_t i = 0; i < tb->n; i++) {
		const kpix_pack_line *l = &tb->lines[i];
		if (!l->now.has)
			continue;
		const char *bd = kpix_pack_line_breakdown(l);
		text(d, MARGIN, ty + 1, label_w - 6, bd, SMALL, PLAIN, black, true);
		double bw = fmax(0, fmin(1, l->now.v / top)) * w;
		ink(d, rag_colours[l->rag].bar);
		cairo_rectangle(d->cr, x0, ty, bw, bar_h);
		cairo_fill(d->cr);
		kpix_buf_clear(&b);
		kpix_buf_printf(&b, "%s %s", fig(&d->tmp, se, l->now), kpix_rag_name(l->rag));
		/* on white, so that the scale's lines do not run through it */
		double lw = text_width(d, b.data, SMALL, BOLD);
		cairo_set_source_rgb(d->cr, 1, 1, 1);
		cairo_rectangle(d->cr, x0 + bw + 2, ty, lw + 4, bar_h);
		cairo_fill(d->cr);
		text(d, x0 + bw + 4, ty + 1, -1, b.data, SMALL, BOLD, rag_colours[l->rag].ink, true);
		ty += bar_h + gap;
	}
	d->y = y + h;
	kpix_buf_free(&b);
}

static void breakdowns(pdf *d)
{
	const kpix_pack_model *m = d->m;
	new_page(d);
	heading(d, words.breakdowns, 14);
	static const char *const heads[] = {"Breakdown", "Target", "This period", "Previous",
	                                    "Status", "vs previous", "Commentary"};
	static const double widths[] = {0.24, 0.08, 0.10, 0.10, 0.09, 0.11, 0.28};
	const table t = {heads, widths, 7};
	kpix_buf title = KPIX_BUF_INIT, a = KPIX_BUF_INIT, com = KPIX_BUF_INIT;
	bool any = false;
	for (size_t i = 0; i < m->nseries; i++) {
		const kpix_pack_series *se = &m->series[i];
		if (!se->ntables)
			continue;
		any = true;
		kpix_buf_clear(&title);
		kpix_buf_printf(&title, "%s %s", se->pi->ind->code, se->pi->ind->title);
		heading(d, title.data, 12);
		for (size_t k = 0; k < se->ntables; k++) {
			const kpix_pack_table *tb = &se->tables[k];
			if (tb->title)
				heading(d, tb->title, BODY + 1);
			room(d, 60);
			table_head(d, &t);
			for (size_t r = 0; r < tb->n; r++) {
				const kpix_pack_line *l = &tb->lines[r];
				char tg[64], nw[64], pv[64];
				snprintf(tg, sizeof tg, "%s", fig(&a, se, l->target));
				snprintf(nw, sizeof nw, "%s", fig(&a, se, l->now));
				snprintf(pv, sizeof pv, "%s", fig(&a, se, l->prev));
				commentary_words(&com, l);
				cell c[] = {{kpix_pack_line_breakdown(l), PLAIN, -1, false},
				            {tg, PLAIN, -1, true},
				            {nw, BOLD, -1, true},
				            {pv, PLAIN, -1, true},
				            {kpix_rag_name(l->rag), BOLD, (int)l->rag, false},
				            {kpix_dot_text(l->vs_prev, l->now, l->prev), PLAIN, -1, false},
				            {com.data ? com.data : "", l->commentary ? PLAIN : ITALIC, -1, false}};
				table_row(d, &t, c);
			}
			d->y += 10;
			breakdown_chart(d, tb);
			d->y += 8;
		}
	}
	if (!any)
		para(d, MARGIN, words.no_breakdowns, BODY, PLAIN, black);
	kpix_buf_free(&title);
	kpix_buf_free(&a);
	kpix_buf_free(&com);
}

/* ---------------------------------------------------------------- trends */

#define TREND_COLS 2
#define TREND_GAP 18.0
#define PLOT_H 110.0

/* One indicator's trend in the box at (x, y) w wide: its title, the scale,
 * the figure as a line with a gap where a figure is missing, the target as
 * a step line, the periods below. Returns the height it takes (drawn only
 * when draw is set). */
static double trend_chart(pdf *d, const kpix_pack_series *se, double x, double y, double w,
                          bool draw)
{
	const kpix_pack_model *m = d->m;
	kpix_buf title = KPIX_BUF_INIT, b = KPIX_BUF_INIT;
	kpix_buf_printf(&title, "%s %s", se->pi->ind->code, se->pi->ind->title);
	double th = text(d, x, y, w, title.data, SMALL, BOLD, navy, draw);
	/* room above the plot for the last figure's label, clear of the title */
	double axis_w = 38, px = x + axis_w, pw = w - axis_w - 6, py = y + th + 4 + SMALL * 1.6;
	size_t n = se->ntrend;
	double vals[2 * 41] = {0};
	size_t nv = 0;
	bool any_target = false;
	for (size_t i = 0; i < n && i < 40; i++) {
		if (se->trend[i].value.has)
			vals[nv++] = se->trend[i].value.v;
		if (se->trend[i].target.has) {
			vals[nv++] = se->trend[i].target.v;
			any_target = true;
		}
	}
	double top = scale_top(se, vals, nv);
	double slot = n ? pw / (double)n : pw;
	/* period labels on two lines: "October" over "2017", "2025-26" over "Q2" */
	double label_h = 2 * (SMALL * 1.3);
	size_t every = 1;
	char pn[KPIX_PERIOD_TEXT_SIZE];
	for (size_t i = 0; i < n; i++) {
		const char *name = kpix_pack_period_name(m, se->trend[i].period, pn);
		const char *sp = strrchr(name, ' ');
		kpix_buf_clear(&b);
		kpix_buf_add(&b, name, sp ? (size_t)(sp - name) : strlen(name));
		double lw = fmax(text_width(d, b.data, SMALL, PLAIN), sp ? text_width(d, sp + 1, SMALL, PLAIN) : 0);
		while (lw + 4 > slot * (double)every && every < n)
			every++;
	}
	double legend_h = any_target ? SMALL * 1.5 : 0;
	double h = (py - y) + PLOT_H + 4 + label_h + legend_h + 4;
	if (!draw) {
		kpix_buf_free(&title);
		kpix_buf_free(&b);
		return h;
	}
	cairo_set_line_width(d->cr, 0.4);
	for (int k = 0; k <= 4; k++) {
		double v = top * k / 4, yy = py + PLOT_H - PLOT_H * k / 4;
		ink(d, rule_grey);
		cairo_move_to(d->cr, px, yy);
		cairo_line_to(d->cr, px + pw, yy);
		cairo_stroke(d->cr);
		tick_label(&b, se, v);
		double tw = text_width(d, b.data, SMALL, PLAIN);
		text(d, px - 4 - tw, yy - SMALL * 0.7, -1, b.data, SMALL, PLAIN, grey, true);
	}
#define XAT(i) (px + slot * ((double)(i) + 0.5))
#define YAT(v) (py + PLOT_H - PLOT_H * fmax(0, fmin(1.02, (v) / top)))
	/* the target: level across each period's slot, stepping between them */
	if (any_target) {
		ink(d, target_red);
		cairo_set_line_width(d->cr, 1.2);
		double dash[] = {4, 3};
		cairo_set_dash(d->cr, dash, 2, 0);
		bool open = false;
		for (size_t i = 0; i < n; i++) {
			kpix_opt t = se->trend[i].target;
			if (!t.has) {
				open = false;
				continue;
			}
			double x0 = px + slot * (double)i, x1 = x0 + slot;
			if (open)
				cairo_line_to(d->cr, x0, YAT(t.v));
			else
				cairo_move_to(d->cr, x0, YAT(t.v));
			cairo_line_to(d->cr, x1, YAT(t.v));
			open = true;
		}
		cairo_stroke(d->cr);
		cairo_set_dash(d->cr, NULL, 0, 0);
	}
	/* the figure: a line between neighbours that both have one */
	ink(d, navy);
	cairo_set_line_width(d->cr, 1.8);
	for (size_t i = 0; i + 1 < n; i++)
		if (se->trend[i].value.has && se->trend[i + 1].value.has) {
			cairo_move_to(d->cr, XAT(i), YAT(se->trend[i].value.v));
			cairo_line_to(d->cr, XAT(i + 1), YAT(se->trend[i + 1].value.v));
			cairo_stroke(d->cr);
		}
	for (size_t i = 0; i < n; i++)
		if (se->trend[i].value.has) {
			cairo_arc(d->cr, XAT(i), YAT(se->trend[i].value.v), 2.6, 0, 2 * M_PI);
			cairo_fill(d->cr);
		}
	/* the last figure's value beside its point */
	if (n && se->trend[n - 1].value.has) {
		const char *v = fig(&b, se, se->trend[n - 1].value);
		double tw = text_width(d, v, SMALL, BOLD);
		double vy = YAT(se->trend[n - 1].value.v) - SMALL * 1.6;
		text(d, fmin(XAT(n - 1) - tw / 2, px + pw - tw), fmax(vy, py - SMALL * 1.5), -1, v, SMALL,
		     BOLD, navy, true);
	}
	for (size_t i = 0; i < n; i += every) {
		const char *name = kpix_pack_period_name(m, se->trend[i].period, pn);
		const char *sp = strrchr(name, ' ');
		kpix_buf_clear(&b);
		kpix_buf_add(&b, name, sp ? (size_t)(sp - name) : strlen(name));
		if (sp)
			kpix_buf_printf(&b, "\n%s", sp + 1);
		pango_layout_set_alignment(d->layout, PANGO_ALIGN_CENTER);
		text(d, XAT(i) - slot * (double)every / 2, py + PLOT_H + 4, slot * (double)every, b.data,
		     SMALL, PLAIN, grey, true);
		pango_layout_set_alignment(d->layout, PANGO_ALIGN_LEFT);
	}
#undef XAT
#undef YAT
	if (any_target) {
		double ly = py + PLOT_H + 4 + label_h + 2;
		ink(d, navy);
		cairo_set_line_width(d->cr, 1.8);
		cairo_move_to(d->cr, px, ly + 6);
		cairo_line_to(d->cr, px + 16, ly + 6);
		cairo_stroke(d->cr);
		text(d, px + 20, ly, -1, words.figure, SMALL, PLAIN, black, true);
		double fx = px + 20 + text_width(d, words.figure, SMALL, PLAIN) + 14;
		ink(d, target_red);
		cairo_set_line_width(d->cr, 1.2);
		double dash[] = {4, 3};
		cairo_set_dash(d->cr, dash, 2, 0);
		cairo_move_to(d->cr, fx, ly + 6);
		cairo_line_to(d->cr, fx + 16, ly + 6);
		cairo_stroke(d->cr);
		cairo_set_dash(d->cr, NULL, 0, 0);
		text(d, fx + 20, ly, -1, words.target, SMALL, PLAIN, black, true);
	}
	kpix_buf_free(&title);
	kpix_buf_free(&b);
	return h;
}

static void trends(pdf *d)
{
	const kpix_pack_model *m = d->m;
	new_page(d);
	heading(d, words.trends, 14);
	para(d, MARGIN, "Each chart shows the periods the indicator was reported in. Percentages "
	                "are drawn from 0% to 100%; a missing figure is a gap, never a zero; the "
	                "dashed line is the target, level for each period.",
	     SMALL, PLAIN, grey);
	double w = (TEXT_W - TREND_GAP * (TREND_COLS - 1)) / TREND_COLS;
	for (size_t i = 0; i < m->nseries; i += TREND_COLS) {
		double h = 0;
		for (size_t k = i; k < i + TREND_COLS && k < m->nseries; k++)
			h = fmax(h, trend_chart(d, &m->series[k], 0, 0, w, false));
		room(d, h);
		for (size_t k = i; k < i + TREND_COLS && k < m->nseries; k++)
			trend_chart(d, &m->series[k], MARGIN + (double)(k - i) * (w + TREND_GAP), d->y, w, true);
		d->y += h + 10;
	}
}

/* --------------------------------------------------------- at the back */

static void definitions(pdf *d)
{
	const kpix_pack_model *m = d->m;
	new_page(d);
	heading(d, words.definitions, 14);
	kpix_buf b = KPIX_BUF_INIT, due = KPIX_BUF_INIT;
	char n[32];
	for (size_t i = 0; i < m->nseries; i++) {
		const kpix_pack_indicator *pi = m->series[i].pi;
		const kpix_indicator *ind = pi->ind;
		kpix_buf_clear(&b);
		kpix_buf_printf(&b, "%s %s", ind->code, ind->title);
		heading(d, b.data, BODY + 1);
		kpix_buf_clear(&b);
		if (ind->description)
			kpix_buf_printf(&b, "%s\n", ind->description);
		kpix_buf_printf(&b, "Unit: %s; %s", ind->unit ? kpix_unit_words(ind->unit) : "a number",
		                words.polarity[pi->polarity]);
		if (ind->frequency)
			kpix_buf_printf(&b, "; %s", ind->frequency);
		kpix_pack_due_words(ind, &due);
		if (due.len)
			kpix_buf_printf(&b, ", %s", due.data);
		kpix_buf_adds(&b, ".");
		if (ind->numerator)
			kpix_buf_printf(&b, "\nNumerator: %s.", ind->numerator);
		if (ind->denominator)
			kpix_buf_printf(&b, " Denominator: %s.", ind->denominator);
		kpix_format_number(pi->rag.tolerance, n);
		kpix_buf_printf(&b, "\nRating: %s, %s%s%s.",
		                pi->rag.method == KPIX_RAG_TOLERANCE ? "amber within" : "green within",
		                n, pi->rag.relative ? "% of" : " points of", " the target");
		if (pi->rag_note)
			kpix_buf_printf(&b, " The pack rates it so because %s.", pi->rag_note);
		if (ind->source)
			kpix_buf_printf(&b, "\nSource: %s", ind->source);
		para(d, MARGIN, b.data, SMALL, PLAIN, black);
		d->y += 4;
	}
	kpix_buf_free(&b);
	kpix_buf_free(&due);
}

static void quality(pdf *d)
{
	const kpix_pack_model *m = d->m;
	const kpix_pack_sources *src = d->src;
	const kpix_report *rep = src->report;
	heading(d, words.quality, 14);
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_printf(&b,
	                "Rows read: %llu. Shown: %llu. Left out: %llu of later periods, %llu of "
	                "other indicators, %llu of other organisations. Errors: %llu. Warnings: %llu.",
	                (unsigned long long)m->rows_read, (unsigned long long)m->rows_used,
	                (unsigned long long)m->rows_later, (unsigned long long)m->rows_other_ind,
	                (unsigned long long)m->rows_other_org,
	                (unsigned long long)kpix_report_errors(rep),
	                (unsigned long long)kpix_report_warnings(rep));
	para(d, MARGIN, b.data, SMALL, PLAIN, black);
	static const char *const heads[] = {"File", "Rows", "SHA-256"};
	static const double widths[] = {0.34, 0.08, 0.58};
	const table t = {heads, widths, 3};
	room(d, 40);
	table_head(d, &t);
	for (size_t i = 0; i < src->nfiles + 2; i++) {
		char rows[32] = "";
		if (i < src->nfiles) {
			uint64_t nrows = 0, rejected = 0;
			const char *p = NULL, *enc = NULL;
			kpix_report_file_get(rep, i, &p, &nrows, &rejected, &enc);
			snprintf(rows, sizeof rows, "%llu", (unsigned long long)nrows);
		} else {
			snprintf(rows, sizeof rows, "%s", i == src->nfiles ? "schema" : "pack");
		}
		cell c[] = {{src->names[i], PLAIN, -1, false},
		            {rows, PLAIN, -1, false},
		            {src->hashes[i], PLAIN, -1, false}};
		table_row(d, &t, c);
	}
	d->y += 8;
	size_t shown = 0;
	for (size_t i = 0; i < kpix_report_count(rep); i++) {
		const kpix_diag *g = kpix_report_get(rep, i);
		if (g->severity != KPIX_SEVERITY_WARNING)
			continue;
		if (!shown++)
			heading(d, "Warnings", BODY + 1);
		kpix_buf_clear(&b);
		kpix_buf_printf(&b, "%s row %llu%s%s: %s", g->file ? g->file : "",
		                (unsigned long long)g->row, g->field ? ", " : "", g->field ? g->field : "",
		                g->message);
		para(d, MARGIN, b.data, SMALL, PLAIN, black);
	}
	heading(d, "Fingerprint", BODY + 1);
	kpix_buf_clear(&b);
	kpix_buf_printf(&b,
	                "%s\nSHA-256 of the inputs as manifest.json records them; kpix verify checks "
	                "it.\nMade by kpix %s with the pack %s, version %s, and the schema %s, "
	                "version %s.",
	                src->fingerprint, KPIX_VERSION, m->def->id, m->def->version, m->schema->id,
	                m->schema->version);
	para(d, MARGIN, b.data, SMALL, PLAIN, black);
	kpix_buf_free(&b);
}

/* ----------------------------------------------------------------- run */

/* days since 1970 as "YYYY-MM-DDT00:00:00Z" plus the seconds of the day */
static void iso_date(int64_t secs, char out[80])
{
	int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	int64_t rem = secs - days * 86400;
	/* the civil date of a day number (Howard Hinnant's days_from_civil, inverted) */
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;
	if (mm <= 2)
		y++;
	snprintf(out, 80, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", (long long)y, (long long)mm,
	         (long long)dd, (long long)(rem / 3600), (long long)(rem / 60 % 60),
	         (long long)(rem % 60));
}

/* Lays out and draws the whole document on surface. */
static void draw(pdf *d, cairo_surface_t *surface)
{
	d->surface = surface;
	cairo_t *pdf_cr = cairo_create(surface);
	/* a font map of its own, freed at the end, rather than pango's
	 * process-wide one, which would hold every font it has seen */
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *ctx = pango_font_map_create_context(fm);
	pango_cairo_update_context(pdf_cr, ctx);
	d->layout = pango_layout_new(ctx);
	/* the same glyph positions whatever the locale or the screen */
	pango_context_set_language(ctx, pango_language_from_string("en-gb"));
	/* a point of text is a point of the page (pango's default is 96 dpi) */
	pango_cairo_context_set_resolution(ctx, 72);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(ctx, fo);
	cairo_font_options_destroy(fo);
	pango_layout_context_changed(d->layout);
	pango_layout_set_wrap(d->layout, PANGO_WRAP_WORD_CHAR);
	d->font = pango_font_description_from_string(FONT);
	d->page = 0;
	new_page(d);
	page_one(d);
	summary(d);
	exceptions(d);
	breakdowns(d);
	trends(d);
	definitions(d);
	quality(d);
	cairo_destroy(d->cr);
	/* every page: its content, then the frame with "Page x of y" */
	d->pages = d->page;
	d->cr = pdf_cr;
	pango_cairo_update_layout(d->cr, d->layout);
	for (int i = 0; i < d->pages; i++) {
		cairo_set_source_surface(d->cr, d->recorded[i], 0, 0);
		cairo_paint(d->cr);
		d->page = i + 1;
		frame(d);
		cairo_show_page(d->cr);
		cairo_surface_destroy(d->recorded[i]);
	}
	free(d->recorded);
	pango_font_description_free(d->font);
	g_object_unref(d->layout);
	g_object_unref(ctx);
	g_object_unref(fm);
	cairo_destroy(d->cr);
}

/* (render.h) */
int kpix_pack_render_pdf(const char *path, const kpix_pack_model *m, const kpix_pack_sources *src)
{
	pdf d = {.m = m, .src = src};
	kpix_period p = kpix_period_of_index(m->period);
	kpix_period_text(&p, d.period);
	d.name = kpix_pack_period_name(m, m->period, d.name_buf);
	kpix_period_end_words(&p, d.ends, sizeof d.ends);
	cairo_surface_t *s = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	char date[80];
	iso_date(src->created >= 0 ? src->created : (int64_t)kpix_period_end(&p) * 86400, date);
	kpix_buf title = KPIX_BUF_INIT;
	kpix_buf_printf(&title, "%s, %s", m->def->title, d.name);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title.data);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, m->def->organisation);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, "Board report");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kpix " KPIX_VERSION);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
	kpix_buf_free(&title);
	draw(&d, s);
	cairo_surface_finish(s);
	cairo_status_t st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	kpix_buf_free(&d.tmp);
	if (st != CAIRO_STATUS_SUCCESS)
		return kpix_fail(KPIX_EIO, "cannot write the board report '%s': %s", path,
		                 cairo_status_to_string(st));
	return 0;
}
