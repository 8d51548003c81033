/* render_xlsx.c - the board pack as a workbook (render.h): seven sheets
 * over the judged model, written through the XLSX wrapper (xlsx.h).
 *
 * Everything the workbook says in words is in the tables at the top of
 * this file: the sheets with their titles, column widths and headings,
 * the cover's facts, contents and key, and the words for what is missing.
 * The functions below lay those out; the figures and judgements come from
 * the model. docs/packs.md, "The workbook", shows the result. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "report_xlsx.h"

#define RGB(x) ((uint32_t)(x) + 1)

/* ----------------------------------------------------------- the words */

/* What a heading says after its words: nothing, or the name of the pack's
 * period, of the previous period (when the column has one), or of the
 * same period a year before. */
typedef enum { H_FIXED, H_NOW, H_PREVIOUS, H_LAST_YEAR } heading_kind;

typedef struct {
	const char *words;
	heading_kind kind;
} heading;

/* A sheet: its name; its title (the pack's title first when lead is set,
 * then words, then the period's name when period is set); its columns. */
typedef struct {
	const char *name;
	bool lead, period;
	const char *words;
	double widths[12];
	size_t ncols;
	heading headings[12]; /* the sheet's table, when it has one */
} sheet_spec;

enum { S_COVER, S_SUMMARY, S_EXCEPTIONS, S_TRENDS, S_BREAKDOWNS, S_DEFINITIONS, S_QUALITY, S_N };

/* The seven columns of figures and judgements of a table (judged_cells),
 * with the words of the three period columns given. */
#define JUDGED_HEADINGS(now, now_kind, prev, prev_kind, last_year, last_year_kind)             \
	{"Target", H_FIXED}, {now, now_kind}, {prev, prev_kind}, {last_year, last_year_kind},       \
	    {"RAG", H_FIXED}, {"vs previous", H_FIXED}, {"vs last year", H_FIXED}

static const sheet_spec sheets[S_N] = {
    [S_COVER] = {"Cover", false, false, NULL, {22, 100}, 2, {{NULL, H_FIXED}}},
    [S_SUMMARY] = {"Summary", true, true, ": summary, ",
                   {8, 30, 10, 9, 10, 10, 10, 10, 10, 10, 45}, 11,
                   {{"Code", H_FIXED}, {"Indicator", H_FIXED}, {"Polarity", H_FIXED},
                    JUDGED_HEADINGS("This period\n", H_NOW, "Previous period\n", H_PREVIOUS,
                                    "Same period last year\n", H_LAST_YEAR),
                    {"Commentary", H_FIXED}}},
    [S_EXCEPTIONS] = {"Exceptions", false, true, "Exceptions: red and amber figures, ",
                      {7, 24, 12, 9, 10, 10, 10, 10, 10, 10, 25, 25}, 12,
                      {{"Code", H_FIXED}, {"Indicator", H_FIXED}, {"Breakdown", H_FIXED},
                       JUDGED_HEADINGS("This period", H_FIXED, "Previous period", H_FIXED,
                                       "Same period last year", H_FIXED),
                       {"Commentary", H_FIXED}, {"Corrective action", H_FIXED}}},
    [S_TRENDS] = {"Trends", false, false,
                  "Trends: each indicator over the periods shown, with its target", {30, 12, 12, 2},
                  4, {{"Period", H_FIXED}, {"Figure", H_FIXED}, {"Target", H_FIXED}}},
    [S_BREAKDOWNS] = {"Breakdowns", false, true, "Breakdowns, ",
                      {26, 9, 10, 10, 10, 10, 10, 10, 55}, 9,
                      {{"Breakdown", H_FIXED},
                       JUDGED_HEADINGS("This period\n", H_NOW, "Previous period\n", H_PREVIOUS,
                                       "Same period last year\n", H_LAST_YEAR),
                       {"Commentary", H_FIXED}}},
    [S_DEFINITIONS] = {"Definitions", false, false, "Definitions: what each indicator measures",
                       {7, 20, 34, 9, 10, 12, 18, 18, 22, 14}, 10,
                       {{"Code", H_FIXED}, {"Indicator", H_FIXED}, {"Description", H_FIXED},
                        {"Unit", H_FIXED}, {"Polarity", H_FIXED}, {"Reported", H_FIXED},
                        {"Numerator", H_FIXED}, {"Denominator", H_FIXED}, {"RAG", H_FIXED},
                        {"Source", H_FIXED}}},
    [S_QUALITY] = {"Data quality", false, false,
                   "Data quality: the files read and what their checks found", {0}, 0,
                   {{"File", H_FIXED}, {"Rows", H_FIXED}, {"SHA-256", H_FIXED}}},
};

/* The single words and sentences of the sheets. */
static const struct {
	const char *no_target, *no_data, *not_due, *none_recorded, *whole, *drafted;
	const char *previous_unnamed, *by_breakdown, *indicators, *contents, *key;
	const char *no_exceptions, *no_trend, *no_breakdowns, *files, *warnings;
	const char *schema_file, *pack_file, *figures_to, *page;
	const char *subject, *category;
	const char *polarity[3];
} words = {
    .no_target = "No target",
    .no_data = "No data",
    .not_due = "Not due",
    .none_recorded = "None recorded",
    .whole = "Whole organisation",
    .drafted = "Drafted by kpix: ",
    .previous_unnamed = "(the last one due)",
    .by_breakdown = "By breakdown",
    .indicators = "Indicators",
    .contents = "Contents",
    .key = "Key",
    .no_exceptions = "No figure is red or amber this period.",
    .no_trend = "No figures in the periods shown.",
    .no_breakdowns = "No indicator in this pack has figures by breakdown.",
    .files = "Files (as manifest.json records them)",
    .warnings = "Warnings",
    .schema_file = "schema",
    .pack_file = "pack",
    .figures_to = "Figures to ",
    .page = "Page &P of &N",
    .subject = "Quarterly Operational Board pack",
    .category = "Board pack",
    .polarity = {[KPIX_POL_HIGHER] = "Higher is better", [KPIX_POL_LOWER] = "Lower is better",
                 [KPIX_POL_NONE] = "Neither"},
};

/* The cover's list of the other sheets. */
static const char *const contents[][2] = {
    {"Summary", "every indicator: target, this period, previous period, same period last "
                "year, RAG, direction of travel, commentary"},
    {"Exceptions", "every red and amber figure with its commentary and corrective action"},
    {"Trends", "a chart of each indicator over the periods shown, with its target"},
    {"Breakdowns", "each indicator's figures by breakdown, with RAG per row"},
    {"Definitions", "what each indicator measures, from the indicator catalogue"},
    {"Data quality", "the files read, their checks and warnings"},
};

/* The cover's key to the RAG cells. */
static const char *const key[KPIX_RAG_N] = {
    [KPIX_RAG_GREEN] = "on target, or as the method above says",
    [KPIX_RAG_AMBER] = "short of the target, within the tolerance",
    [KPIX_RAG_RED] = "short of the target beyond the tolerance",
    [KPIX_RAG_NO_TARGET] = "a figure, but no target was set",
    [KPIX_RAG_NOT_RATED] = "neither a higher nor a lower figure is better",
    [KPIX_RAG_NO_DATA] = "due this period, but no figure was given (not a zero)",
    [KPIX_RAG_NOT_DUE] = "not reported this period (a twice-yearly or yearly measure)",
};

/* The RAG statuses the summary counts, left to right. */
static const kpix_rag counted[] = {KPIX_RAG_GREEN, KPIX_RAG_AMBER, KPIX_RAG_RED, KPIX_RAG_NO_DATA,
                                   KPIX_RAG_NOT_DUE};

/* The data quality sheet's counts of rows and problems. */
enum { Q_READ, Q_USED, Q_LATER, Q_OTHER_IND, Q_OTHER_ORG, Q_ERRORS, Q_WARNINGS, Q_N };
static const char *const quality_labels[Q_N] = {
    [Q_READ] = "Rows read",
    [Q_USED] = "Rows shown in this pack",
    [Q_LATER] = "Rows for periods after this one (not shown)",
    [Q_OTHER_IND] = "Rows for indicators this pack does not show",
    [Q_OTHER_ORG] = "Rows for other organisations",
    [Q_ERRORS] = "Errors",
    [Q_WARNINGS] = "Warnings",
};

/* ----------------------------------------------------------- the styles */

enum { C_TEXT, C_WRAP, C_BOLD, C_TITLE, C_SUBTITLE, C_HEAD, C_GROUP, C_NOTE, C_DRAFT, C_PLAIN,
       C_COUNT, C_TOTAL, C_LONG, C_BOLD_WRAP, C_N };

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
    [C_PLAIN] = {.wrap = true},
    [C_COUNT] = {.bold = true, .border = true, .center = true, .size = 14},
    [C_TOTAL] = {.bold = true, .size = 14},
    [C_LONG] = {.size = 0}, /* a line that runs on across the empty cells to its right */
    [C_BOLD_WRAP] = {.bold = true, .wrap = true},
};

/* ------------------------------------------------------------ the cells */

/* What every sheet is written from. */
typedef struct {
	const kpix_pack_model *m;
	const kpix_pack_sources *src;
	kpix_xlsx *wb;
	char period[KPIX_PERIOD_TEXT_SIZE];   /* the pack's period, "2025-26 Q2" */
	char name_buf[KPIX_PERIOD_TEXT_SIZE];
	const char *name;                     /* what the definition calls it */
	char ends[KPIX_PERIOD_WORDS_SIZE];    /* its last day in words */
} render;

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
		snprintf(buf, size, "0%s%%", zeros); /* of a fraction: 0.9826 shows 98.3% */
	else
		snprintf(buf, size, "#,##0%s", zeros);
}

static bool is_percent(const kpix_indicator *ind)
{
	return ind->unit && strcmp(ind->unit, "percent") == 0;
}

/* A figure as the cell holds it: a percentage as the fraction it is (82%
 * is 0.82, shown by its format), so that Excel's % button and formulas
 * over the cells work. */
static double stored(const kpix_indicator *ind, double v)
{
	if (!is_percent(ind))
		return v;
	/* 95.4 / 100 is 0.9540000000000001 in binary: the fraction is stored
	 * as the nearest double to the decimal one, 0.954 */
	char t[KPIX_FIXED_MAX];
	int d = ind->decimals < 0 ? 0 : ind->decimals > 9 ? 9 : ind->decimals;
	kpix_format_fixed(v, d, t);
	size_t n = strlen(t), point = strcspn(t, ".");
	/* move the point two places left: "95.4" -> "0.954" */
	kpix_buf b = KPIX_BUF_INIT;
	const char *digits = t + (t[0] == '-');
	size_t ip = point - (size_t)(t[0] == '-');
	if (t[0] == '-')
		kpix_buf_addc(&b, '-');
	if (ip > 2)
		kpix_buf_add(&b, digits, ip - 2);
	else
		kpix_buf_addc(&b, '0');
	kpix_buf_addc(&b, '.');
	for (size_t k = ip < 2 ? 2 - ip : 0; k; k--)
		kpix_buf_addc(&b, '0');
	kpix_buf_add(&b, digits + (ip > 2 ? ip - 2 : 0), ip > 2 ? 2 : ip);
	if (point < n)
		kpix_buf_adds(&b, t + point + 1);
	double r = strtod(b.data, NULL); /* kpix sets no locale: the point is '.' */
	kpix_buf_free(&b);
	return r;
}

/* A figure in the indicator's format, or the words for its absence. */
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
	kpix_xlsx_number(ws, row, col, stored(ind, v.v), &st);
}

/* The status in words and colour; note, when not NULL, says under it why
 * the pack rates this line differently from the schema. */
static void rag_cell(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, kpix_rag rag,
                     const char *note)
{
	/* wrap: the cells of a table line up at the top */
	kpix_xstyle st = {.bold = true, .border = true, .center = true, .wrap = true,
	                  .fill = rag_colours[rag].fill, .color = rag_colours[rag].color};
	const char *t = kpix_rag_name(rag);
	if (!note) {
		kpix_xlsx_text(ws, row, col, t, strlen(t), &st);
		return;
	}
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_printf(&b, "%s\n(%s)", t, note);
	kpix_xlsx_text(ws, row, col, b.data, b.len, &st);
	kpix_buf_free(&b);
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
static void judged_cells(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, const kpix_pack_line *l)
{
	const kpix_indicator *ind = l->series->pi->ind;
	figure_cell(ws, row, col, ind, l->target, words.no_target);
	figure_cell(ws, row, col + 1, ind, l->now, l->due ? words.no_data : words.not_due);
	figure_cell(ws, row, col + 2, ind, l->prev, words.no_data);
	figure_cell(ws, row, col + 3, ind, l->last_year, words.no_data);
	rag_cell(ws, row, col + 4, l->rag, l->series->pi->rag_note);
	dot_cell(ws, row, col + 5, l->vs_prev, l->now, l->prev);
	dot_cell(ws, row, col + 6, l->vs_year, l->now, l->last_year);
}

/* The line's commentary, or kpix's drafted sentence marked as such. */
static const char *commentary_of(const kpix_pack_line *l, kpix_buf *b)
{
	kpix_buf_clear(b);
	if (l->commentary)
		return l->commentary;
	if (!l->drafted) /* no figure: the status says so (issue 16) */
		return "";
	kpix_buf_printf(b, "%s%s", words.drafted, l->drafted);
	return b->data;
}

static void commentary_cell(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col,
                            const kpix_pack_line *l, const char *comment)
{
	text(ws, row, col, comment, l->commentary ? C_WRAP : C_DRAFT);
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

/* ----------------------------------------------------- the sheets' frame */

/* Escapes & for a page header or footer, where it starts a code. */
static void hf_text(kpix_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			kpix_buf_addc(b, '&');
		kpix_buf_addc(b, *s);
	}
}

/* Landscape, one page wide, with the pack's header and footer on every
 * page; rows repeat_first to repeat_last (or -1) repeated at the top. */
static void print_setup(const render *c, kpix_xlsx_sheet *ws, int repeat_first, int repeat_last,
                        uint32_t last_row, uint16_t last_col)
{
	kpix_buf h = KPIX_BUF_INIT, f = KPIX_BUF_INIT;
	/* no font size codes: "&8" before a text that starts with a digit
	 * would be read as a larger size */
	kpix_buf_adds(&h, "&L");
	hf_text(&h, c->m->def->organisation);
	kpix_buf_adds(&h, "&C");
	hf_text(&h, c->m->def->title);
	kpix_buf_adds(&h, "&R");
	hf_text(&h, c->name);
	kpix_buf_adds(&f, "&L");
	kpix_buf_adds(&f, words.figures_to);
	hf_text(&f, c->ends);
	kpix_buf_adds(&f, "&R");
	kpix_buf_adds(&f, words.page);
	kpix_xlsx_print(ws, true, true, repeat_first, repeat_last, h.data, f.data);
	kpix_xlsx_print_area(ws, 0, 0, last_row, last_col);
	kpix_buf_free(&h);
	kpix_buf_free(&f);
}

/* Adds sheet s with its column widths and its title in the first row. */
static kpix_xlsx_sheet *begin_sheet(const render *c, int s)
{
	const sheet_spec *sp = &sheets[s];
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(c->wb, sp->name);
	for (size_t i = 0; i < sp->ncols; i++)
		kpix_xlsx_column_width(ws, (uint16_t)i, sp->widths[i]);
	if (!sp->words)
		return ws;
	kpix_buf b = KPIX_BUF_INIT;
	if (sp->lead)
		kpix_buf_adds(&b, c->m->def->title);
	kpix_buf_adds(&b, sp->words);
	if (sp->period)
		kpix_buf_adds(&b, c->name);
	text(ws, 0, 0, b.data, C_TITLE);
	kpix_buf_free(&b);
	return ws;
}

/* Writes sheet s's headings into row, from column 0, or into the columns
 * cols[] when given; prev is the column's previous period (or
 * KPIX_PACK_NO_PERIOD). */
static void headings(const render *c, kpix_xlsx_sheet *ws, int s, uint32_t row, int prev,
                     const uint16_t *cols)
{
	const sheet_spec *sp = &sheets[s];
	kpix_buf b = KPIX_BUF_INIT;
	char pn[KPIX_PERIOD_TEXT_SIZE];
	for (size_t i = 0; i < sizeof sp->headings / sizeof sp->headings[0] && sp->headings[i].words;
	     i++) {
		const heading *h = &sp->headings[i];
		kpix_buf_clear(&b);
		kpix_buf_adds(&b, h->words);
		if (h->kind == H_NOW)
			kpix_buf_adds(&b, c->name);
		else if (h->kind == H_LAST_YEAR)
			kpix_buf_adds(&b, kpix_pack_period_name(c->m, c->m->period - 4, pn));
		else if (h->kind == H_PREVIOUS)
			kpix_buf_adds(&b, prev == KPIX_PACK_NO_PERIOD ? words.previous_unnamed
			                                              : kpix_pack_period_name(c->m, prev, pn));
		text(ws, row, cols ? cols[i] : (uint16_t)i, b.data, C_HEAD);
	}
	kpix_buf_free(&b);
}

/* A row of cells in a group's colours, with title in the first. */
static void group_row(kpix_xlsx_sheet *ws, uint32_t row, const char *title, uint16_t ncols)
{
	text(ws, row, 0, title, C_GROUP);
	for (uint16_t col = 1; col < ncols; col++)
		kpix_xlsx_blank(ws, row, col, &styles[C_GROUP]);
}

/* ---------------------------------------------------------------- cover */

/* One fact of the cover, written into b. */
typedef void cover_fact(const render *c, kpix_buf *b);

static void fact_period(const render *c, kpix_buf *b)
{
	if (strcmp(c->name, c->period))
		kpix_buf_printf(b, "%s (%s)", c->name, c->period);
	else
		kpix_buf_adds(b, c->period);
}

static void fact_figures_to(const render *c, kpix_buf *b)
{
	kpix_buf_adds(b, c->ends);
}

/* The counts as page 1 of the PDF report gives them (model.h): each
 * rating said once, and the reds and ambers of breakdowns counted. */
static void fact_glance(const render *c, kpix_buf *b)
{
	kpix_buf_adds(b, c->m->counts_sentence);
}

static void fact_rag(const render *c, kpix_buf *b)
{
	if (c->m->def->has_rag)
		rag_rule_words(&c->m->def->rag, b);
	else
		kpix_buf_adds(b, "By each indicator's own rule, as the Definitions sheet gives it.");
}

static void fact_direction(const render *c, kpix_buf *b)
{
	(void)c;
	kpix_buf_adds(b, "The arrow shows which way the figure moved; the word says whether that is "
	                 "better or worse, given whether a higher or a lower figure is better. "
	                 "Compared with the previous period the indicator was due, and with the same "
	                 "period last year.");
}

static void fact_history(const render *c, kpix_buf *b)
{
	for (size_t i = 0; i < c->src->nfiles; i++)
		kpix_buf_printf(b, "%s%s", i ? ", " : "", c->src->names[i]);
}

static void fact_versions(const render *c, kpix_buf *b)
{
	const kpix_packdef *def = c->m->def;
	kpix_buf_printf(b, "%s, version %s; schema %s, version %s", def->id, def->version,
	                c->m->schema->id, c->m->schema->version);
}

static void fact_fingerprint(const render *c, kpix_buf *b)
{
	kpix_buf_printf(b, "%s (SHA-256 of the inputs as manifest.json records them; kpix verify "
	                   "checks it)",
	                c->src->fingerprint);
}

static void fact_producer(const render *c, kpix_buf *b)
{
	(void)c;
	kpix_buf_adds(b, "kpix " KPIX_VERSION);
}

/* The cover's facts, above its list of figures. */
static const struct {
	const char *label;
	cover_fact *fact;
} cover_facts[] = {
    {"Period", fact_period},
    {"Figures to", fact_figures_to},
    {"At a glance", fact_glance},
};

/* The cover's explanations, below its key. */
static const struct {
	const char *label;
	cover_fact *fact;
} cover_notes[] = {
    {"How RAG is set", fact_rag},
    {"Direction of travel", fact_direction},
};

/* What the pack was made from, at the head of the data quality sheet. */
static const struct {
	const char *label;
	cover_fact *fact;
} about_facts[] = {
    {"History", fact_history},
    {"Pack definition", fact_versions},
    {"Inputs fingerprint", fact_fingerprint},
    {"Produced by", fact_producer},
};

/* A figure in words as its cell shows it: "82%", "\u00A31,200", "4.5";
 * or "no data". */
static void figure_words(const kpix_indicator *ind, kpix_opt v, kpix_buf *b)
{
	if (!v.has) {
		kpix_buf_adds(b, "no data");
		return;
	}
	char n[KPIX_FIXED_MAX];
	int d = ind->decimals < 0 ? 0 : ind->decimals > 9 ? 9 : ind->decimals;
	kpix_format_fixed(v.v, d, n);
	const char *u = ind->unit ? ind->unit : "";
	kpix_buf_printf(b, "%s%s%s", strcmp(u, "money") == 0 ? "\u00A3" : "", n,
	                is_percent(ind) ? "%" : "");
}

/* One line of the cover's figures: its RAG, and in words the indicator
 * (and breakdown), this period's figure, the target and the previous. */
static uint32_t cover_line(const render *c, kpix_xlsx_sheet *ws, uint32_t row,
                           const kpix_pack_line *l, kpix_buf *b)
{
	(void)c;
	const kpix_indicator *ind = l->series->pi->ind;
	kpix_buf_clear(b);
	kpix_buf_printf(b, "%s %s", ind->code, ind->title);
	if (l->breakdown)
		kpix_buf_printf(b, ", %s", kpix_pack_line_breakdown(l));
	kpix_buf_adds(b, ": ");
	if (!l->due && !l->now.has) {
		kpix_buf_adds(b, "not due this period");
	} else {
		figure_words(ind, l->now, b);
		if (l->target.has) {
			kpix_buf_adds(b, " against a target of ");
			figure_words(ind, l->target, b);
		}
		if (l->prev.has) {
			kpix_buf_adds(b, "; previously ");
			figure_words(ind, l->prev, b);
		}
	}
	rag_cell(ws, row, 0, l->rag, NULL);
	text(ws, row, 1, b->data, C_PLAIN);
	return row + 1;
}

/* Writes rows of a label in bold and its value beside it, from row;
 * returns the row after. */
static uint32_t labelled(kpix_xlsx_sheet *ws, uint32_t row, const char *label, const char *value)
{
	text(ws, row, 0, label, C_BOLD);
	text(ws, row, 1, value, C_PLAIN);
	return row + 1;
}

/* The cover leads with the figures: the period, the count of each RAG,
 * every indicator's figure against its target, and every red or amber
 * breakdown; then the contents, the key and how RAG and direction of
 * travel are judged. What the pack was made from is on the data quality
 * sheet. */
static void cover_sheet(const render *c)
{
	const kpix_pack_model *m = c->m;
	kpix_xlsx_sheet *ws = begin_sheet(c, S_COVER);
	text(ws, 0, 0, m->def->title, C_TITLE);
	text(ws, 1, 0, m->def->organisation, C_SUBTITLE);
	uint32_t row = 3;
	kpix_buf b = KPIX_BUF_INIT;
	for (size_t i = 0; i < sizeof cover_facts / sizeof cover_facts[0]; i++) {
		kpix_buf_clear(&b);
		cover_facts[i].fact(c, &b);
		row = labelled(ws, row, cover_facts[i].label, b.data);
	}
	text(ws, ++row, 0, words.indicators, C_BOLD);
	row++;
	for (size_t i = 0; i < m->nseries; i++)
		row = cover_line(c, ws, row, &m->series[i].whole, &b);
	for (size_t i = 0; i < m->nexceptions; i++)
		if (m->exceptions[i]->breakdown)
			row = cover_line(c, ws, row, m->exceptions[i], &b);
	text(ws, ++row, 0, words.contents, C_BOLD);
	row++;
	for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++)
		row = labelled(ws, row, contents[i][0], contents[i][1]);
	text(ws, ++row, 0, words.key, C_BOLD);
	row++;
	for (int k = 0; k < KPIX_RAG_N; k++, row++) {
		rag_cell(ws, row, 0, (kpix_rag)k, NULL);
		text(ws, row, 1, key[k], C_PLAIN);
	}
	row++;
	for (size_t i = 0; i < sizeof cover_notes / sizeof cover_notes[0]; i++) {
		kpix_buf_clear(&b);
		cover_notes[i].fact(c, &b);
		row = labelled(ws, row, cover_notes[i].label, b.data);
	}
	kpix_buf_free(&b);
	print_setup(c, ws, -1, -1, row - 1, 1);
}

/* -------------------------------------------------------------- summary */

/* The counts of the summary: a RAG cell above each number. */
static void summary_counts(const render *c, kpix_xlsx_sheet *ws)
{
	size_t n = sizeof counted / sizeof counted[0];
	text(ws, 1, 1, words.indicators, C_BOLD);
	for (size_t i = 0; i < n; i++)
		rag_cell(ws, 1, (uint16_t)(3 + i), counted[i], NULL);
	kpix_xlsx_number(ws, 2, 1, (double)c->m->nseries, &styles[C_TOTAL]);
	for (size_t i = 0; i < n; i++)
		kpix_xlsx_number(ws, 2, (uint16_t)(3 + i), (double)c->m->rag_counts[counted[i]],
		                 &styles[C_COUNT]);
}

static void summary_sheet(const render *c)
{
	const kpix_pack_model *m = c->m;
	kpix_xlsx_sheet *ws = begin_sheet(c, S_SUMMARY);
	summary_counts(c, ws);
	kpix_xlsx_row_height(ws, 4, 60);
	headings(c, ws, S_SUMMARY, 4, kpix_pack_common_previous(m, NULL), NULL);
	uint32_t row = 5;
	kpix_buf b = KPIX_BUF_INIT;
	for (size_t g = 0; g < m->def->ngroups; g++) {
		const kpix_pack_group *grp = &m->def->groups[g];
		group_row(ws, row++, grp->title, (uint16_t)sheets[S_SUMMARY].ncols);
		for (size_t i = 0; i < m->nseries; i++) {
			const kpix_pack_series *se = &m->series[i];
			if (se->group != grp)
				continue;
			const kpix_indicator *ind = se->pi->ind;
			const char *polarity = words.polarity[se->pi->polarity];
			const char *comment = commentary_of(&se->whole, &b);
			text(ws, row, 0, ind->code, C_TEXT);
			text(ws, row, 1, ind->title, C_WRAP);
			text(ws, row, 2, polarity, C_WRAP);
			judged_cells(ws, row, 3, &se->whole);
			commentary_cell(ws, row, 10, &se->whole, comment);
			row++;
		}
	}
	kpix_xlsx_freeze(ws, 5, 2);
	print_setup(c, ws, 4, 4, row - 1, 10);
	kpix_buf_free(&b);
}

/* ----------------------------------------------------------- exceptions */

static void exceptions_sheet(const render *c)
{
	const kpix_pack_model *m = c->m;
	kpix_xlsx_sheet *ws = begin_sheet(c, S_EXCEPTIONS);
	kpix_xlsx_row_height(ws, 2, 60);
	headings(c, ws, S_EXCEPTIONS, 2, KPIX_PACK_NO_PERIOD, NULL);
	uint32_t row = 3;
	kpix_buf b = KPIX_BUF_INIT;
	for (size_t i = 0; i < m->nexceptions; i++, row++) {
		const kpix_pack_line *l = m->exceptions[i];
		const kpix_indicator *ind = l->series->pi->ind;
		const char *bd = l->breakdown ? kpix_pack_line_breakdown(l) : words.whole;
		const char *comment = commentary_of(l, &b);
		text(ws, row, 0, ind->code, C_TEXT);
		text(ws, row, 1, ind->title, C_WRAP);
		text(ws, row, 2, bd, C_WRAP);
		judged_cells(ws, row, 3, l);
		commentary_cell(ws, row, 10, l, comment);
		if (l->action)
			text(ws, row, 11, l->action, C_WRAP);
		else
			text(ws, row, 11, words.none_recorded, C_NOTE);
	}
	if (row == 3)
		text(ws, row++, 0, words.no_exceptions, C_BOLD);
	kpix_xlsx_freeze(ws, 3, 0);
	print_setup(c, ws, 2, 2, row - 1, 11);
	kpix_buf_free(&b);
}

/* --------------------------------------------------------------- trends */

enum { CHART_ROWS = 15, CHART_W = 620, CHART_H = 280 };

/* A figure of a trend, or a blank cell, which a chart leaves as a gap
 * (never a zero). */
static void trend_cell(kpix_xlsx_sheet *ws, uint32_t row, uint16_t col, const kpix_indicator *ind,
                       kpix_opt v)
{
	if (v.has)
		figure_cell(ws, row, col, ind, v, NULL);
	else
		kpix_xlsx_blank(ws, row, col, &styles[C_TEXT]);
}

/* One indicator's trend from row top: its table, and a chart of it when
 * it has any figure. Returns the row after the table. */
static uint32_t trend(const render *c, kpix_xlsx_sheet *ws, const kpix_pack_series *se,
                      uint32_t top)
{
	const kpix_indicator *ind = se->pi->ind;
	uint32_t row = top;
	kpix_buf title = KPIX_BUF_INIT;
	kpix_buf_printf(&title, "%s %s", ind->code, ind->title);
	/* wrapped in its column: running on to the right, it would be hidden
	 * under the chart */
	text(ws, row++, 0, title.data, C_BOLD_WRAP);
	headings(c, ws, S_TRENDS, row++, KPIX_PACK_NO_PERIOD, NULL);
	uint32_t first = row;
	bool any = false, targets = false, negative = false;
	for (size_t k = 0; k < se->ntrend; k++, row++) {
		const kpix_pack_point *pt = &se->trend[k];
		char pn[KPIX_PERIOD_TEXT_SIZE];
		text(ws, row, 0, kpix_pack_period_name(c->m, pt->period, pn), C_TEXT);
		any |= pt->value.has;
		targets |= pt->target.has;
		negative |= (pt->value.has && pt->value.v < 0) || (pt->target.has && pt->target.v < 0);
		trend_cell(ws, row, 1, ind, pt->value);
		trend_cell(ws, row, 2, ind, pt->target);
	}
	if (any) {
		char cats[128], vals[128], tgts[128], fmt[48];
		kpix_xlsx_range(cats, sizeof(cats), ws, first, row - 1, 0);
		kpix_xlsx_range(vals, sizeof(vals), ws, first, row - 1, 1);
		kpix_xlsx_range(tgts, sizeof(tgts), ws, first, row - 1, 2);
		number_format(ind, fmt, sizeof(fmt));
		/* the target is a level for each period: a dash at each, never a
		 * slope between periods; no legend entry when there is none */
		kpix_xseries sr[2] = {
		    {.name = "Figure", .categories = cats, .values = vals, .color = RGB(0x1F4E79),
		     .markers = true},
		    {.name = "Target", .categories = cats, .values = tgts, .color = RGB(0xC55A11),
		     .points = true},
		};
		/* every percentage on the same 0-100% scale; other figures from 0
		 * when none is below it, so that a small change looks small */
		kpix_xaxis axis = {is_percent(ind) ? "0%" : fmt, negative ? NAN : 0,
		                   is_percent(ind) && !negative ? 1 : NAN};
		kpix_xlsx_line_chart(ws, top, 4, title.data, sr, targets ? 2 : 1, &axis, CHART_W,
		                     CHART_H);
	} else {
		text(ws, row++, 0, words.no_trend, C_NOTE);
	}
	kpix_buf_free(&title);
	return row;
}

/* One indicator's trend and chart to each block of CHART_ROWS rows or
 * more, two blocks to a printed page. */
static void trends_sheet(const render *c)
{
	kpix_xlsx_sheet *ws = begin_sheet(c, S_TRENDS);
	uint32_t *breaks = kpix_xcalloc(c->m->nseries + 1, sizeof(uint32_t));
	size_t nbreaks = 0;
	uint32_t row = 2;
	for (size_t i = 0; i < c->m->nseries; i++, row++) {
		uint32_t top = row;
		if (i && i % 2 == 0)
			breaks[nbreaks++] = top;
		row = trend(c, ws, &c->m->series[i], top);
		if (row < top + CHART_ROWS)
			row = top + CHART_ROWS;
	}
	kpix_xlsx_page_breaks(ws, breaks, nbreaks);
	print_setup(c, ws, -1, -1, row, 13);
	free(breaks);
}

/* ----------------------------------------------------------- breakdowns */

/* One table of breakdown lines from row: its title, headings and lines;
 * returns the row after. */
static uint32_t breakdown_table(const render *c, kpix_xlsx_sheet *ws, const kpix_pack_table *t,
                                int prev, uint32_t row)
{
	text(ws, row++, 0, t->title ? t->title : words.by_breakdown, C_BOLD);
	kpix_xlsx_row_height(ws, row, 60);
	headings(c, ws, S_BREAKDOWNS, row++, prev, NULL);
	kpix_buf b = KPIX_BUF_INIT;
	for (size_t e = 0; e < t->n; e++, row++) {
		const kpix_pack_line *l = &t->lines[e];
		const char *bd = kpix_pack_line_breakdown(l);
		const char *comment = commentary_of(l, &b);
		text(ws, row, 0, bd, C_WRAP);
		judged_cells(ws, row, 1, l);
		commentary_cell(ws, row, 8, l, comment);
	}
	kpix_buf_free(&b);
	return row;
}

static void breakdowns_sheet(const render *c)
{
	const kpix_pack_model *m = c->m;
	kpix_xlsx_sheet *ws = begin_sheet(c, S_BREAKDOWNS);
	uint32_t row = 2;
	kpix_buf title = KPIX_BUF_INIT;
	for (size_t i = 0; i < m->nseries; i++) {
		const kpix_pack_series *se = &m->series[i];
		if (!se->ntables)
			continue;
		int prev = kpix_pack_common_previous(m, se);
		kpix_buf_clear(&title);
		kpix_buf_printf(&title, "%s %s", se->pi->ind->code, se->pi->ind->title);
		group_row(ws, row++, title.data, (uint16_t)sheets[S_BREAKDOWNS].ncols);
		for (size_t t = 0; t < se->ntables; t++)
			row = breakdown_table(c, ws, &se->tables[t], prev, row);
		row++;
	}
	if (row == 2)
		text(ws, row++, 0, words.no_breakdowns, C_BOLD);
	print_setup(c, ws, -1, -1, row, 8);
	kpix_buf_free(&title);
}

/* ---------------------------------------------------------- definitions */

static void definitions_sheet(const render *c)
{
	const kpix_pack_model *m = c->m;
	kpix_xlsx_sheet *ws = begin_sheet(c, S_DEFINITIONS);
	headings(c, ws, S_DEFINITIONS, 2, KPIX_PACK_NO_PERIOD, NULL);
	uint32_t row = 3;
	kpix_buf reported = KPIX_BUF_INIT, due = KPIX_BUF_INIT, rule = KPIX_BUF_INIT;
	for (size_t i = 0; i < m->nseries; i++, row++) {
		const kpix_pack_indicator *pi = m->series[i].pi;
		const kpix_indicator *ind = pi->ind;
		kpix_buf_clear(&reported);
		kpix_buf_adds(&reported, ind->frequency ? ind->frequency : "");
		kpix_pack_due_words(ind, &due);
		if (due.len)
			kpix_buf_printf(&reported, "%s%s", reported.len ? ", " : "", due.data);
		kpix_buf_clear(&rule);
		rag_rule_words(&pi->rag, &rule);
		const char *cells[10] = {ind->code,       ind->title,
		                         ind->description, ind->unit ? kpix_unit_words(ind->unit) : "",
		                         words.polarity[pi->polarity], reported.data,
		                         ind->numerator,  ind->denominator,
		                         rule.data,       ind->source};
		for (uint16_t col = 0; col < 10; col++)
			text(ws, row, col, cells[col], col ? C_WRAP : C_TEXT);
	}
	kpix_xlsx_freeze(ws, 3, 0);
	print_setup(c, ws, 2, 2, row - 1, 9);
	kpix_buf_free(&reported);
	kpix_buf_free(&due);
	kpix_buf_free(&rule);
}

/* --------------------------------------------------------- data quality */

static void quality_sheet(const render *c)
{
	const kpix_pack_model *m = c->m;
	const kpix_pack_sources *src = c->src;
	const kpix_report *rep = src->report;
	kpix_xlsx_sheet *ws = begin_sheet(c, S_QUALITY);
	const uint64_t counts[Q_N] = {
	    [Q_READ] = m->rows_read,
	    [Q_USED] = m->rows_used,
	    [Q_LATER] = m->rows_later,
	    [Q_OTHER_IND] = m->rows_other_ind,
	    [Q_OTHER_ORG] = m->rows_other_org,
	    [Q_ERRORS] = kpix_report_errors(rep),
	    [Q_WARNINGS] = kpix_report_warnings(rep),
	};
	kpix_report_xlsx_columns(ws);
	uint32_t row = 2;
	kpix_buf b = KPIX_BUF_INIT;
	for (size_t i = 0; i < sizeof about_facts / sizeof about_facts[0]; i++, row++) {
		kpix_buf_clear(&b);
		about_facts[i].fact(c, &b);
		text(ws, row, 0, about_facts[i].label, C_BOLD);
		text(ws, row, 1, b.data, C_LONG);
	}
	kpix_buf_free(&b);
	row++;
	for (size_t i = 0; i < Q_N; i++, row++) {
		text(ws, row, 0, quality_labels[i], C_BOLD);
		kpix_xlsx_number(ws, row, 4, (double)counts[i], NULL);
	}
	row++;
	text(ws, row++, 0, words.files, C_BOLD);
	static const uint16_t file_cols[] = {0, 1, 7};
	headings(c, ws, S_QUALITY, row++, KPIX_PACK_NO_PERIOD, file_cols);
	for (size_t i = 0; i < src->nfiles + 2; i++, row++) {
		text(ws, row, 0, src->names[i], C_TEXT);
		if (i < src->nfiles) {
			uint64_t rows = 0, rejected = 0;
			const char *p = NULL, *enc = NULL;
			kpix_report_file_get(rep, i, &p, &rows, &rejected, &enc);
			kpix_xlsx_number(ws, row, 1, (double)rows, &styles[C_TEXT]);
		} else {
			text(ws, row, 1, i == src->nfiles ? words.schema_file : words.pack_file, C_TEXT);
		}
		text(ws, row, 7, src->hashes[i], C_TEXT);
	}
	row++;
	text(ws, row++, 0, words.warnings, C_BOLD);
	row = kpix_report_xlsx_warnings(ws, row, rep);
	print_setup(c, ws, -1, -1, row, 7);
}

/* ------------------------------------------------------------- workbook */

/* The document's properties; its date is the end of the period unless
 * the caller gives one. */
static void properties(const render *c)
{
	const kpix_packdef *def = c->m->def;
	kpix_buf title = KPIX_BUF_INIT;
	kpix_buf_printf(&title, "%s, %s", def->title, c->name);
	const char *props[7] = {title.data, words.subject, def->organisation, NULL,
	                        def->organisation, words.category, NULL};
	kpix_period p = kpix_period_of_index(c->m->period);
	int64_t created = c->src->created >= 0 ? c->src->created
	                                       : (int64_t)kpix_period_end(&p) * 86400;
	kpix_xlsx_properties(c->wb, props, created);
	kpix_buf_free(&title);
}

/* (render.h) */
void kpix_pack_render_xlsx(kpix_xlsx *wb, const kpix_pack_model *m, const kpix_pack_sources *src)
{
	render c = {m, src, wb, "", "", NULL, ""};
	kpix_period p = kpix_period_of_index(m->period);
	kpix_period_text(&p, c.period);
	c.name = kpix_pack_period_name(m, m->period, c.name_buf);
	/* a period the definition names (a survey round, "October 2017") is
	 * the month the figures run to, not the quarter's last day */
	if (strcmp(c.name, c.period))
		snprintf(c.ends, sizeof c.ends, "%s", c.name);
	else
		kpix_period_end_words(&p, c.ends, sizeof c.ends);
	cover_sheet(&c);
	summary_sheet(&c);
	exceptions_sheet(&c);
	trends_sheet(&c);
	breakdowns_sheet(&c);
	definitions_sheet(&c);
	quality_sheet(&c);
	properties(&c);
}
