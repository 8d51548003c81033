/* xlsx.c - libxlsxwriter behind a small, checked interface (see xlsx.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#ifdef KPIX_XLSX_TRACE
#include "xlsx_trace.h" /* the benchmark's build: each call below is also traced */
#endif

#include "kpix/kpix.h"
#include "outdir.h"
#include "util.h"
#include "xlsx.h"

#define MAX_CELL_CHARS 32767
#define PAPER_A4 9
#define MAX_TITLE_CHARS 32    /* Excel's limits for the texts of a check */
#define MAX_MESSAGE_CHARS 255
#define MAX_LIST_CHARS 255

typedef struct {
	kpix_xstyle key;
	char *number_format; /* owned copy behind key.number_format */
	lxw_format *format;
} style_entry;

/* What a sheet's printing needs and libxlsxwriter cannot tell: the
 * widths its columns were given, the row being written and its height so
 * far, the cells used, the smallest font written, and the print settings
 * the caller asked for, applied when the workbook is closed (print_finish). */
struct kpix_xlsx_sheet {
	kpix_xlsx *x;
	lxw_worksheet *ws;
	char *name;
	double *widths;      /* each column's width as set; 0 for the default */
	size_t nwidths;
	bool in_row;         /* a cell or height of row has been given */
	uint32_t row;        /* the row being written */
	double height;       /* its height so far in points; 0 for the default */
	bool used;           /* a cell has been written: last_row, last_col hold */
	uint32_t last_row;
	uint16_t last_col;
	double min_font;     /* the smallest font of a cell with text or a number */
	bool landscape, fit_width, area_set, header_set, footer_set;
	bool repeats;        /* rows are repeated at the top of each page */
	uint16_t area_first_col, area_last_col;
};

struct kpix_xlsx {
	lxw_workbook *wb;
	char *display;
	char *scratch;       /* libxlsxwriter's own temporary files go here */
	char *error;         /* the first problem, or NULL */
	style_entry *styles;
	size_t nstyles;
	kpix_xlsx_sheet **sheets;
	size_t nsheets;
	char *props[7];
	kpix_buf text;       /* scratch for cleaned text */
};

static void keep_error(kpix_xlsx *x, const char *what, lxw_error e)
{
	if (x->error || e == LXW_NO_ERROR)
		return;
	x->error = kpix_xasprintf("cannot write '%s': %s: %s", x->display, what, lxw_strerror(e));
}

/* ------------------------------------------------- the one cleaning */

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD */
#define ELLIPSIS "\xe2\x80\xa6"    /* U+2026 */
#define NO_LIMIT SIZE_MAX

/* The length in bytes of the character at s (avail bytes left) when a
 * workbook's XML may hold it, or 0: a byte that does not start a valid
 * UTF-8 character, a control character other than tab, line feed and
 * carriage return, DEL, U+FFFE and U+FFFF. */
static size_t xml_char(const char *s, size_t avail)
{
	unsigned char c = (unsigned char)s[0];
	if (c < 0x80)
		return (c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n' || c == '\r';
	if (kpix_utf8_invalid_at(s, avail < 4 ? avail : 4) == 0)
		return 0;
	if (c == 0xef && (unsigned char)s[1] == 0xbf && ((unsigned char)s[2] & 0xfe) == 0xbe)
		return 0;
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
}

/* The one cleaning of every text kpix hands to libxlsxwriter: cells,
 * document properties, sheet names, page headers and footers, number
 * formats, chart titles and series names, and the texts and items of
 * checks. Appends the len bytes at s to out with each byte or character
 * that xml_char refuses made U+FFFD, and at most max characters: when s
 * has more, the text is cut at a character boundary, its last character
 * "..." (U+2026) when ellipsis is set. '&' is left alone: in a page header
 * it is Excel's code, which the caller escapes in what it quotes. */
static void clean(kpix_buf *out, const char *s, size_t len, size_t max, bool ellipsis)
{
	size_t keep = ellipsis && max ? max - 1 : max;
	size_t cut = 0, chars = 0, i = 0, run = 0;
	while (i < len && chars <= max) {
		if (chars == keep)
			cut = out->len + (i - run); /* where the kept text ends */
		size_t n = xml_char(s + i, len - i);
		if (n) {
			i += n; /* the run of good bytes grows */
		} else {
			kpix_buf_add(out, s + run, i - run);
			kpix_buf_adds(out, REPLACEMENT);
			run = ++i;
		}
		chars++;
	}
	kpix_buf_add(out, s + run, i - run);
	if (chars > max) {
		out->len = cut;
		out->data[cut] = '\0';
		if (ellipsis)
			kpix_buf_adds(out, ELLIPSIS);
	}
}

/* A cleaned copy of s for libxlsxwriter to copy (the caller frees), or
 * NULL when s is NULL or nothing is left: libxlsxwriter 1.1.4 mishandles
 * empty strings. */
static char *cleaned(const char *s, size_t max, bool ellipsis)
{
	if (!s || !*s)
		return NULL;
	kpix_buf b = KPIX_BUF_INIT;
	clean(&b, s, strlen(s), max, ellipsis);
	if (!b.len) {
		kpix_buf_free(&b);
		return NULL;
	}
	return kpix_buf_detach(&b);
}

/* A cleaned cell's text, cut at Excel's limit for a cell, in x->text
 * (valid until the next call). */
static const char *clean_text(kpix_xlsx *x, const char *s, size_t len)
{
	kpix_buf_clear(&x->text);
	clean(&x->text, s, len, MAX_CELL_CHARS, false);
	return x->text.data ? x->text.data : "";
}

int kpix_xlsx_open(kpix_xlsx **out, const char *path, const char *display)
{
	*out = NULL;
	/* libxlsxwriter makes and at once unlinks a temporary file per sheet
	 * and per part; in a directory of kpix's own, a signal between the
	 * two leaves nothing behind (see kpix_scratch_make) */
	char *scratch;
	int rc = kpix_scratch_make(&scratch, NULL);
	if (rc)
		return rc;
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = scratch,
	                             .use_zip64 = LXW_FALSE};
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	if (!wb) {
		kpix_scratch_remove(scratch);
		return kpix_fail(KPIX_EIO, "cannot start the workbook '%s'", display);
	}
	kpix_xlsx *x = kpix_xcalloc(1, sizeof(*x));
	x->wb = wb;
	x->scratch = scratch;
	x->display = kpix_xstrdup(display);
	*out = x;
	return 0;
}

void kpix_xlsx_properties(kpix_xlsx *x, const char *const props[7], int64_t created)
{
	for (int i = 0; i < 7; i++) {
		free(x->props[i]);
		x->props[i] = cleaned(props[i], NO_LIMIT, false);
	}
	/* libxlsxwriter copies these strings at close, so they live in x */
	lxw_doc_properties p = {
		.title = x->props[0],
		.subject = x->props[1],
		.author = x->props[2],
		.manager = x->props[3],
		.company = x->props[4],
		.category = x->props[5],
		.keywords = x->props[6],
		.created = (time_t)created,
	};
	keep_error(x, "document properties", workbook_set_properties(x->wb, &p));
}

kpix_xlsx_sheet *kpix_xlsx_add_sheet(kpix_xlsx *x, const char *raw)
{
	/* the name as written is the one ranges name (kpix_xlsx_range) */
	char *name = cleaned(raw, NO_LIMIT, false);
	lxw_error e = name ? workbook_validate_sheet_name(x->wb, name) : LXW_ERROR_PARAMETER_VALIDATION;
	lxw_worksheet *ws = e == LXW_NO_ERROR ? workbook_add_worksheet(x->wb, name) : NULL;
	if (!ws) {
		keep_error(x, name ? name : "a sheet", e ? e : LXW_ERROR_MEMORY_MALLOC_FAILED);
		free(name);
		return NULL;
	}
	worksheet_set_paper(ws, PAPER_A4);
	kpix_xlsx_sheet *s = kpix_xcalloc(1, sizeof(*s));
	s->x = x;
	s->ws = ws;
	s->name = name;
	s->landscape = true;
	s->fit_width = true;
	x->sheets = kpix_xrealloc(x->sheets, (x->nsheets + 1) * sizeof(*x->sheets));
	x->sheets[x->nsheets++] = s;
	return s;
}

static bool same_style(const kpix_xstyle *a, const kpix_xstyle *b)
{
	return a->bold == b->bold && a->wrap == b->wrap && a->border == b->border &&
	       a->color == b->color && a->italic == b->italic && a->center == b->center &&
	       a->heading == b->heading && a->size == b->size && a->fill == b->fill &&
	       a->stripes == b->stripes &&
	       ((!a->number_format && !b->number_format) ||
	        (a->number_format && b->number_format &&
	         strcmp(a->number_format, b->number_format) == 0));
}

static lxw_format *format_of(kpix_xlsx *x, const kpix_xstyle *st)
{
	if (!st)
		return NULL;
	for (size_t i = 0; i < x->nstyles; i++)
		if (same_style(&x->styles[i].key, st))
			return x->styles[i].format;
	lxw_format *f = workbook_add_format(x->wb);
	if (!f) {
		keep_error(x, "a cell style", LXW_ERROR_MEMORY_MALLOC_FAILED);
		return NULL;
	}
	if (st->bold || st->heading)
		format_set_bold(f);
	/* every cell starts at the top of its row, as wrapped text does, so
	 * that the cells of a row taller than one line read across */
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	if (st->wrap || st->heading)
		format_set_text_wrap(f);
	if (st->border)
		format_set_border(f, LXW_BORDER_THIN);
	if (st->heading) {
		format_set_bottom(f, LXW_BORDER_MEDIUM);
		format_set_bg_color(f, 0xD9D9D9);
		format_set_pattern(f, LXW_PATTERN_SOLID);
	}
	if (st->fill && st->stripes) {
		/* a pattern's lines are its foreground, what shows between them its background */
		format_set_bg_color(f, (lxw_color_t)(st->fill - 1));
		format_set_fg_color(f, (lxw_color_t)(st->stripes - 1));
		format_set_pattern(f, LXW_PATTERN_LIGHT_UP);
	} else if (st->fill) {
		format_set_bg_color(f, (lxw_color_t)(st->fill - 1));
		format_set_pattern(f, LXW_PATTERN_SOLID);
	}
	if (st->size > 0)
		format_set_font_size(f, st->size);
	if (st->color)
		format_set_font_color(f, (lxw_color_t)(st->color - 1));
	if (st->italic)
		format_set_italic(f);
	if (st->center)
		format_set_align(f, LXW_ALIGN_CENTER);
	char *number_format = cleaned(st->number_format, NO_LIMIT, false);
	if (number_format)
		format_set_num_format(f, number_format);
	free(number_format);
	x->styles = kpix_xrealloc(x->styles, (x->nstyles + 1) * sizeof(*x->styles));
	style_entry *e = &x->styles[x->nstyles++];
	e->key = *st;
	e->number_format = st->number_format ? kpix_xstrdup(st->number_format) : NULL;
	e->key.number_format = e->number_format;
	e->format = f;
	return f;
}

/* ------------------------------------------------ rows and printing */

#define DEFAULT_FONT 11.0     /* libxlsxwriter's Calibri 11 */
#define DEFAULT_WIDTH 8.43    /* a column's width in characters when none is set */
#define DEFAULT_HEIGHT 15.0   /* a row's height in points for one line of DEFAULT_FONT */
#define MIN_PRINTED_FONT 9.0  /* no text is printed smaller than this */
#define MARGIN_LR (0.7 * 72)  /* libxlsxwriter's left and right margins, in points */
#define A4_LONG 842.0         /* an A4 page's sides, in points */
#define A4_SHORT 595.0

static double font_of(const kpix_xstyle *st)
{
	return st && st->size > 0 ? st->size : DEFAULT_FONT;
}

static double width_of(const kpix_xlsx_sheet *s, uint16_t col)
{
	return col < s->nwidths && s->widths[col] > 0 ? s->widths[col] : DEFAULT_WIDTH;
}

static void note_width(kpix_xlsx_sheet *s, uint16_t col, double width)
{
	if (col >= s->nwidths) {
		size_t n = (size_t)col + 1;
		s->widths = kpix_xrealloc(s->widths, n * sizeof(*s->widths));
		memset(s->widths + s->nwidths, 0, (n - s->nwidths) * sizeof(*s->widths));
		s->nwidths = n;
	}
	s->widths[col] = width;
}

/* Makes row the row being written: a new one starts at the default height. */
static void at_row(kpix_xlsx_sheet *s, uint32_t row)
{
	if (!s->in_row || s->row != row) {
		s->in_row = true;
		s->row = row;
		s->height = 0;
	}
}

/* Counts a cell into the sheet's used range and, when it shows something,
 * its font into the smallest printed. */
static void note_cell(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const kpix_xstyle *st,
                      bool shows)
{
	at_row(s, row);
	if (!s->used || row > s->last_row)
		s->last_row = row;
	if (!s->used || col > s->last_col)
		s->last_col = col;
	s->used = true;
	if (shows && (!s->min_font || font_of(st) < s->min_font))
		s->min_font = font_of(st);
}

/* (xlsx.h) Greedy word wrap, a character taken as wide as the fonts a
 * spreadsheet may draw in Calibri's place (DejaVu Sans is about a fifth
 * wider), so that the estimate errs towards a row taller than needed. */
size_t kpix_xlsx_text_lines(const char *t, size_t len, double width, double size, bool bold)
{
	double per = (width - 0.5) * (bold ? 0.85 : 0.95) * DEFAULT_FONT / (size > 0 ? size : 1);
	size_t cap = per < 1 ? 1 : (size_t)per;
	size_t lines = 1, used = 0, word = 0;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)t[i] : '\n';
		if (c != ' ' && c != '\n') {
			word += (c & 0xC0) != 0x80;
			continue;
		}
		/* the word ends: on this line after a space, or on the next */
		if (used && used + 1 + word > cap) {
			lines++;
			used = 0;
		} else if (used) {
			used++;
		}
		used += word;
		while (used > cap) { /* a word longer than a line is broken */
			lines++;
			used -= cap;
		}
		word = 0;
		if (c == '\n' && i < len) {
			lines++;
			used = 0;
		}
	}
	return lines;
}

/* Makes the row being written tall enough for text in col with style st:
 * spreadsheets do not grow a row for wrapped text they did not lay out
 * themselves (LibreOffice draws it over the next row, Gnumeric cuts it). */
static void fit_height(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const char *t,
                       const kpix_xstyle *st)
{
	double size = font_of(st);
	bool wraps = st && (st->wrap || st->heading);
	size_t lines = wraps ? kpix_xlsx_text_lines(t, strlen(t), width_of(s, col), size,
	                                            st->bold || st->heading)
	                     : 1;
	/* whole pixels (0.75 point) */
	double h = ceil((double)lines * DEFAULT_HEIGHT * size / DEFAULT_FONT / 0.75) * 0.75;
	if (h <= DEFAULT_HEIGHT || h <= s->height)
		return;
	s->height = h;
	keep_error(s->x, s->name, worksheet_set_row(s->ws, row, h, NULL));
}

/* A column's printed width in points, as Excel turns characters into
 * pixels for Calibri 11. */
static double column_points(double width)
{
	double px = width < 1 ? floor(width * 12 + 0.5) : floor(width * 7 + 0.5) + 5;
	return px * 0.75;
}

/* Applies a sheet's print settings when the workbook is closed, when every
 * column width and font is known: the orientation; the print area (the
 * cells used, unless the caller gave one); a page header (the workbook's
 * title and the sheet's name) and footer (page x of y) where the caller
 * gave none; and the scale: one page wide when that keeps the smallest
 * font at MIN_PRINTED_FONT or more, otherwise the scale that keeps it so,
 * the columns running onto further pages (with the repeated rows, if
 * any, at the top of each). No clock: no &D or &T. */
static void print_finish(kpix_xlsx *x, kpix_xlsx_sheet *s)
{
	if (s->landscape)
		worksheet_set_landscape(s->ws);
	else
		worksheet_set_portrait(s->ws);
	if (!s->area_set) {
		s->area_first_col = 0;
		s->area_last_col = s->used ? s->last_col : 0;
		keep_error(x, s->name, worksheet_print_area(s->ws, 0, 0, s->used ? s->last_row : 0,
		                                            s->area_last_col));
	}
	kpix_buf b = KPIX_BUF_INIT;
	if (!s->header_set) {
		kpix_buf_adds(&b, "&L");
		for (const char *p = x->props[0] ? x->props[0] : ""; *p; p++) {
			if (*p == '&')
				kpix_buf_addc(&b, '&');
			kpix_buf_addc(&b, *p);
		}
		kpix_buf_adds(&b, "&R&A");
		keep_error(x, "the page header", worksheet_set_header(s->ws, b.data));
	}
	if (!s->footer_set)
		keep_error(x, "the page footer", worksheet_set_footer(s->ws, "&CPage &P of &N"));
	kpix_buf_free(&b);
	double total = 0;
	for (uint32_t c = s->area_first_col; c <= s->area_last_col; c++)
		total += column_points(width_of(s, (uint16_t)c));
	double page = (s->landscape ? A4_LONG : A4_SHORT) - 2 * MARGIN_LR;
	double font = s->min_font > 0 ? s->min_font : DEFAULT_FONT;
	double fit = total > page ? page / total : 1;
	if (s->fit_width && font * fit >= MIN_PRINTED_FONT)
		worksheet_fit_to_pages(s->ws, 1, 0);
	else if (font * fit < MIN_PRINTED_FONT && font > MIN_PRINTED_FONT)
		worksheet_set_print_scale(s->ws, (uint16_t)ceil(100 * MIN_PRINTED_FONT / font));
	/* a table that runs across pages keeps its first column (the code or
	 * the name of each row) at the left of each */
	if (s->repeats && font * fit < MIN_PRINTED_FONT && s->area_first_col == 0 &&
	    s->area_last_col > 0)
		keep_error(x, s->name, worksheet_repeat_columns(s->ws, 0, 0));
}

void kpix_xlsx_text(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const char *text, size_t len,
                    const kpix_xstyle *style)
{
	if (!s)
		return;
	if (len == 0) {
		kpix_xlsx_blank(s, row, col, style);
		return;
	}
	const char *t = clean_text(s->x, text, len);
	if (!*t) {
		kpix_xlsx_blank(s, row, col, style);
		return;
	}
	/* write_string stores text as text: "=1+1" stays a string, never a formula */
	note_cell(s, row, col, style, true);
	keep_error(s->x, s->name, worksheet_write_string(s->ws, row, col, t, format_of(s->x, style)));
	fit_height(s, row, col, t, style);
}

void kpix_xlsx_number(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, double v,
                      const kpix_xstyle *style)
{
	if (!s)
		return;
	if (!isfinite(v)) {
		const char *t = isnan(v) ? "NaN" : v > 0 ? "INF" : "-INF";
		kpix_xlsx_text(s, row, col, t, strlen(t), style);
		return;
	}
	/* -0.0 (from -x or 0 * -1 in an expression) would be written "-0" */
	if (v == 0)
		v = 0.0;
	note_cell(s, row, col, style, true);
	keep_error(s->x, s->name, worksheet_write_number(s->ws, row, col, v, format_of(s->x, style)));
}

void kpix_xlsx_blank(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const kpix_xstyle *style)
{
	if (!s || !style)
		return;
	note_cell(s, row, col, style, false);
	keep_error(s->x, s->name, worksheet_write_blank(s->ws, row, col, format_of(s->x, style)));
}

void kpix_xlsx_column_width(kpix_xlsx_sheet *s, uint16_t col, double width)
{
	if (!s)
		return;
	note_width(s, col, width);
	keep_error(s->x, s->name, worksheet_set_column(s->ws, col, col, width, NULL));
}

void kpix_xlsx_column_style(kpix_xlsx_sheet *s, uint16_t col, double width,
                            const kpix_xstyle *style)
{
	if (!s)
		return;
	note_width(s, col, width);
	keep_error(s->x, s->name,
	           worksheet_set_column(s->ws, col, col, width, format_of(s->x, style)));
}

void kpix_xlsx_row_height(kpix_xlsx_sheet *s, uint32_t row, double height)
{
	if (!s)
		return;
	at_row(s, row);
	if (height <= s->height)
		return; /* the row's text needs more */
	s->height = height;
	keep_error(s->x, s->name, worksheet_set_row(s->ws, row, height, NULL));
}

void kpix_xlsx_freeze(kpix_xlsx_sheet *s, uint32_t rows, uint16_t cols)
{
	if (s)
		worksheet_freeze_panes(s->ws, rows, cols);
}

void kpix_xlsx_filter(kpix_xlsx_sheet *s, uint32_t first_row, uint32_t last_row, uint16_t last_col)
{
	if (s)
		keep_error(s->x, s->name, worksheet_autofilter(s->ws, first_row, 0, last_row, last_col));
}

void kpix_xlsx_print(kpix_xlsx_sheet *s, bool landscape, bool fit_width, int repeat_first,
                     int repeat_last, const char *header, const char *footer)
{
	if (!s)
		return;
	s->landscape = landscape;
	s->fit_width = fit_width;
	s->repeats |= repeat_first >= 0;
	if (repeat_first >= 0)
		keep_error(s->x, s->name,
		           worksheet_repeat_rows(s->ws, (lxw_row_t)repeat_first, (lxw_row_t)repeat_last));
	char *h = cleaned(header, NO_LIMIT, false), *f = cleaned(footer, NO_LIMIT, false);
	if (h)
		keep_error(s->x, "the page header", worksheet_set_header(s->ws, h));
	if (f)
		keep_error(s->x, "the page footer", worksheet_set_footer(s->ws, f));
	s->header_set |= h != NULL;
	s->footer_set |= f != NULL;
	free(h);
	free(f);
}

void kpix_xlsx_print_area(kpix_xlsx_sheet *s, uint32_t first_row, uint16_t first_col,
                          uint32_t last_row, uint16_t last_col)
{
	if (!s)
		return;
	s->area_set = true;
	s->area_first_col = first_col;
	s->area_last_col = last_col;
	keep_error(s->x, s->name,
	           worksheet_print_area(s->ws, first_row, first_col, last_row, last_col));
}

void kpix_xlsx_page_breaks(kpix_xlsx_sheet *s, const uint32_t *rows, size_t n)
{
	if (!s || !n)
		return;
	if (n > 1023)
		n = 1023;
	/* libxlsxwriter reads the list up to a 0 and keeps its own copy */
	lxw_row_t *list = kpix_xcalloc(n + 1, sizeof(*list));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i])
			list[k++] = rows[i];
	if (k)
		keep_error(s->x, s->name, worksheet_set_h_pagebreaks(s->ws, list));
	free(list);
}

void kpix_xlsx_line_chart(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const char *title,
                          const kpix_xseries *series, size_t n, const kpix_xaxis *axis,
                          uint32_t width, uint32_t height)
{
	if (!s)
		return;
	lxw_chart *ch = workbook_add_chart(s->x->wb, LXW_CHART_LINE);
	if (!ch) {
		keep_error(s->x, "a chart", LXW_ERROR_MEMORY_MALLOC_FAILED);
		return;
	}
	if (title && *title) {
		chart_title_set_name(ch, clean_text(s->x, title, strlen(title)));
		lxw_chart_font font = {.size = 11, .bold = LXW_TRUE};
		chart_title_set_name_font(ch, &font);
	}
	for (size_t i = 0; i < n; i++) {
		lxw_chart_series *cs = chart_add_series(ch, series[i].categories, series[i].values);
		if (!cs) {
			keep_error(s->x, "a chart's series", LXW_ERROR_MEMORY_MALLOC_FAILED);
			return;
		}
		if (series[i].name)
			chart_series_set_name(cs, clean_text(s->x, series[i].name, strlen(series[i].name)));
		lxw_chart_line line = {.width = 2.25};
		if (series[i].color)
			line.color = (lxw_color_t)(series[i].color - 1);
		if (series[i].dashed)
			line.dash_type = LXW_CHART_LINE_DASH_DASH;
		line.none = series[i].points;
		chart_series_set_line(cs, &line);
		if (series[i].markers || series[i].points) {
			chart_series_set_marker_type(cs, series[i].points ? LXW_CHART_MARKER_DIAMOND
			                                                  : LXW_CHART_MARKER_CIRCLE);
			chart_series_set_marker_size(cs, series[i].points ? 8 : 6);
			lxw_chart_fill fill = {.color = line.color};
			lxw_chart_line edge = {.color = line.color, .width = 2.25};
			chart_series_set_marker_fill(cs, &fill);
			chart_series_set_marker_line(cs, &edge);
		} else {
			chart_series_set_marker_type(cs, LXW_CHART_MARKER_NONE);
		}
	}
	char *axis_format = axis ? cleaned(axis->number_format, NO_LIMIT, false) : NULL;
	if (axis_format)
		chart_axis_set_num_format(ch->y_axis, axis_format);
	free(axis_format);
	if (axis && !isnan(axis->min))
		chart_axis_set_min(ch->y_axis, axis->min);
	if (axis && !isnan(axis->max))
		chart_axis_set_max(ch->y_axis, axis->max);
	chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
	chart_show_blanks_as(ch, LXW_CHART_BLANKS_AS_GAP);
	lxw_chart_options opt = {.x_offset = 4, .y_offset = 4,
	                         .x_scale = width / 480.0, .y_scale = height / 288.0,
	                         .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
	keep_error(s->x, s->name, worksheet_insert_chart_opt(s->ws, row, col, ch, &opt));
}

void kpix_xlsx_hide(kpix_xlsx_sheet *s)
{
	if (s)
		worksheet_hide(s->ws);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

bool kpix_xlsx_list_fits(const char *const *items, size_t nitems)
{
	size_t chars = 0, n = 0;
	for (size_t i = 0; i < nitems; i++) {
		if (!*items[i])
			continue;
		if (strpbrk(items[i], ",\"") || strpbrk(items[i], "\r\n\t"))
			return false;
		chars += utf8_chars(items[i]) + (n++ ? 1 : 0);
	}
	return chars <= MAX_LIST_CHARS;
}

void kpix_xlsx_check(kpix_xlsx_sheet *s, uint32_t first_row, uint16_t first_col,
                     uint32_t last_row, uint16_t last_col, const kpix_xcheck *c)
{
	if (!s)
		return;
	static const uint8_t types[] = {
		[KPIX_XCHECK_ANY] = LXW_VALIDATION_TYPE_ANY,
		[KPIX_XCHECK_LIST] = LXW_VALIDATION_TYPE_LIST,
		[KPIX_XCHECK_WHOLE] = LXW_VALIDATION_TYPE_INTEGER,
		[KPIX_XCHECK_DECIMAL] = LXW_VALIDATION_TYPE_DECIMAL,
		[KPIX_XCHECK_DATE] = LXW_VALIDATION_TYPE_DATE_NUMBER,
		[KPIX_XCHECK_LENGTH] = LXW_VALIDATION_TYPE_LENGTH,
	};
	lxw_data_validation v = {0};
	v.validate = types[c->kind];
	v.error_type = c->warn_only ? LXW_VALIDATION_ERROR_TYPE_WARNING
	                            : LXW_VALIDATION_ERROR_TYPE_STOP;
	char **list = NULL;
	char *range = NULL;
	if (c->kind == KPIX_XCHECK_LIST && c->range && !*c->range) {
		keep_error(s->x, s->name, LXW_ERROR_PARAMETER_VALIDATION);
		return;
	} else if (c->kind == KPIX_XCHECK_LIST && c->range) {
		v.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
		v.value_formula = range = cleaned(c->range, NO_LIMIT, false);
	} else if (c->kind == KPIX_XCHECK_LIST) {
		if (!kpix_xlsx_list_fits(c->items, c->nitems)) {
			keep_error(s->x, s->name, LXW_ERROR_255_STRING_LENGTH_EXCEEDED);
			return;
		}
		list = kpix_xcalloc(c->nitems + 1, sizeof(char *));
		size_t n = 0;
		for (size_t i = 0; i < c->nitems; i++)
			if ((list[n] = cleaned(c->items[i], NO_LIMIT, false)))
				n++;
		if (n == 0) {
			/* nothing to choose from: a blank is all that passes */
			free(list);
			list = NULL;
			v.validate = LXW_VALIDATION_TYPE_LENGTH;
			v.criteria = LXW_VALIDATION_CRITERIA_EQUAL_TO;
			v.value_number = 0;
		}
		v.value_list = list;
	} else if (c->kind != KPIX_XCHECK_ANY) {
		if (c->has_min && c->has_max) {
			v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
			v.minimum_number = c->min;
			v.maximum_number = c->max;
		} else if (c->has_min) {
			v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
			v.value_number = c->min;
		} else if (c->has_max) {
			v.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
			v.value_number = c->max;
		} else {
			/* any value of the type: Excel needs a criterion */
			v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
			v.minimum_number = -1e307;
			v.maximum_number = 1e307;
		}
	}
	char *title = cleaned(c->title, MAX_TITLE_CHARS, true);
	char *message = cleaned(c->message, MAX_MESSAGE_CHARS, true);
	char *error = cleaned(c->error, MAX_MESSAGE_CHARS, true);
	v.input_title = title;
	v.input_message = message;
	v.error_title = title;
	v.error_message = error;
	keep_error(s->x, s->name,
	           worksheet_data_validation_range(s->ws, first_row, first_col, last_row, last_col,
	                                           &v));
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
	free(range);
	free(title);
	free(message);
	free(error);
}

void kpix_xlsx_range(char *buf, size_t size, const kpix_xlsx_sheet *s, uint32_t first_row,
                     uint32_t last_row, uint16_t col)
{
	char name[4];
	kpix_xlsx_column_name(name, col);
	bool plain = true;
	for (const char *p = s->name; *p; p++)
		plain = plain && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		                  (*p >= '0' && *p <= '9' && p != s->name) || *p == '_');
	kpix_buf b = KPIX_BUF_INIT;
	if (plain) {
		kpix_buf_adds(&b, s->name);
	} else {
		kpix_buf_addc(&b, '\'');
		for (const char *p = s->name; *p; p++) {
			if (*p == '\'')
				kpix_buf_addc(&b, '\'');
			kpix_buf_addc(&b, *p);
		}
		kpix_buf_addc(&b, '\'');
	}
	snprintf(buf, size, "%s!$%s$%lu:$%s$%lu", b.data, name, (unsigned long)first_row + 1, name,
	         (unsigned long)last_row + 1);
	kpix_buf_free(&b);
}

void kpix_xlsx_column_name(char buf[4], uint16_t col)
{
	char tmp[4];
	size_t n = 0;
	unsigned c = (unsigned)col + 1;
	while (c && n < 3) {
		tmp[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
}

static void xlsx_free(kpix_xlsx *x);

void kpix_xlsx_discard(kpix_xlsx *x)
{
	if (!x)
		return;
	/* Frees the workbook without writing it. libxlsxwriter 1.1.4 frees a
	 * constant-memory worksheet without closing the temporary file that
	 * holds its rows (workbook_close closes it): it is closed here, or a
	 * program that abandons exports would keep a file open for each. */
	for (size_t i = 0; i < x->nsheets; i++) {
		lxw_worksheet *ws = x->sheets[i]->ws;
		if (ws->optimize_tmpfile) {
			fclose(ws->optimize_tmpfile);
			ws->optimize_tmpfile = NULL;
			ws->file = NULL;
		}
	}
	lxw_workbook_free(x->wb);
	xlsx_free(x);
}

int kpix_xlsx_close(kpix_xlsx *x)
{
	if (!x)
		return 0;
	for (size_t i = 0; i < x->nsheets; i++)
		print_finish(x, x->sheets[i]);
	errno = 0;
	lxw_error e = workbook_close(x->wb);
	int err = errno;
	int rc = 0;
	/* for a file or zip error, libxlsxwriter's own text does not say why
	 * (it prints that to stderr): errno still does, a full disk say */
	bool file_error = e == LXW_ERROR_CREATING_XLSX_FILE || e == LXW_ERROR_CREATING_TMPFILE ||
	                  e == LXW_ERROR_ZIP_FILE_OPERATION || e == LXW_ERROR_ZIP_FILE_ADD ||
	                  e == LXW_ERROR_ZIP_CLOSE;
	if (!x->error && e != LXW_NO_ERROR && file_error && err)
		x->error = kpix_xasprintf("cannot write '%s': %s", x->display, strerror(err));
	else if (!x->error && e != LXW_NO_ERROR)
		x->error = kpix_xasprintf("cannot write '%s': %s", x->display, lxw_strerror(e));
	if (x->error)
		rc = kpix_fail(KPIX_EIO, "%s", x->error);
	xlsx_free(x);
	return rc;
}

static void xlsx_free(kpix_xlsx *x)
{
	for (size_t i = 0; i < x->nstyles; i++)
		free(x->styles[i].number_format);
	free(x->styles);
	for (size_t i = 0; i < x->nsheets; i++) {
		free(x->sheets[i]->name);
		free(x->sheets[i]->widths);
		free(x->sheets[i]);
	}
	free(x->sheets);
	for (int i = 0; i < 7; i++)
		free(x->props[i]);
	kpix_buf_free(&x->text);
	free(x->error);
	free(x->display);
	kpix_scratch_remove(x->scratch);
	free(x);
}

const char *kpix_xlsx_version(void)
{
	return LXW_VERSION;
}

void kpix_xlsx_comment(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const char *text)
{
	if (!s || !text || !*text)
		return;
	const char *t = clean_text(s->x, text, strlen(text));
	if (!*t)
		return;
	/* a box that shows the whole text: Excel does not grow it, and a
	 * long message would be cut off where the pointer shows it */
	size_t lines = 1, run = 0;
	for (const char *p = t; *p; p++) {
		if (*p == '\n' || run == 48) {
			lines++;
			run = 0;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			run++;
		}
	}
	lxw_comment_options o = {.width = 340,
	                         .height = (uint16_t)(lines > 40 ? 620 : 20 + 15 * lines)};
	keep_error(s->x, s->name, worksheet_write_comment_opt(s->ws, row, col, t, &o));
}

void kpix_xlsx_link(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const kpix_xlsx_sheet *to,
                    uint32_t to_row, uint16_t to_col, const char *text, const kpix_xstyle *style)
{
	if (!s || !to)
		return;
	char target[160], url[176];
	kpix_xlsx_range(target, sizeof(target), to, to_row, to_row, to_col);
	snprintf(url, sizeof(url), "internal:%s", target);
	const char *t = text && *text ? clean_text(s->x, text, strlen(text)) : "";
	/* the text shown is given with the link, as text: never read as a formula */
	keep_error(s->x, s->name,
	           worksheet_write_url_opt(s->ws, row, col, url, format_of(s->x, style),
	                                   *t ? t : target, NULL));
}
