/* export.c - kpix export: validate, then write the schema's exports and a
 * manifest into an output directory, all or nothing.
 *
 * One pass: every row is checked and, as it is read, written to temporary
 * files in the output directory. When the data turns out to have errors,
 * the temporary files are removed and nothing is left behind; otherwise
 * they are renamed into place together with manifest.json. Workbooks are
 * written in constant-memory mode, so memory does not grow with the rows.
 *
 * An HTML page is written whole once every row is read: its sections'
 * tables are held in memory until then (html.h writes them).
 *
 * What goes where is read from the schema (layout.h); nothing here knows
 * a return's file names, headings or formats. */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cast.h"
#include "csvwrite.h"
#include "html.h"
#include "job.h"
#include "manifest.h"
#include "report_xlsx.h"
#include "schema.h"
#include "util.h"
#include "validate.h"
#include "xlsx.h"

#define EXCEL_EPOCH_OFFSET 25569 /* days from 1899-12-30 to 1970-01-01 */
#define MIN_WIDTH 6
#define MAX_WIDTH 60

typedef struct {
	kpix_xlsx_sheet *ws;
	uint32_t heading_row;  /* the row of the column headings */
	uint32_t next_row;
	double *width;         /* widest text per column, in characters */
} sheet_out;

typedef struct {
	const kpix_xlayout *x;
	char *name;            /* the output file's name */
	const char *tmp;       /* where it is written until commit */
	FILE *csv;
	kpix_xlsx *wb;
	sheet_out *sheets;
	FILE *html;            /* an HTML page, written at the end */
	kpix_buf *body;        /* per section of a page: its table's rows so far */
	uint64_t *nbody;       /* per section: how many rows */
	bool **text_in;        /* per section and column: a cell that is not a number seen */
	uint64_t rows;
} output;

/* The first value of a field that must be the same on every row. */
typedef struct {
	bool fixed;
	bool seen;             /* first holds a value: the first row's, or for a
	                        * required field the first that is not null */
	bool reported;
	kpix_val first;
	char *first_text;
	uint64_t first_row;
} fixed_field;

/* One run of kpix_export; the job goes to its caller as the result. */
typedef struct {
	const kpix_schema *s;
	kpix_export_options opts;
	kpix_job *job;
	kpix_validator *v;     /* the job's */
	output *outs;
	size_t nouts;
	kpix_val *slots;       /* fields, ind.* attributes, param.* */
	char **param_values;
	fixed_field *fixed;
	bool started;          /* the outputs were begun (on the first row) */
	kpix_sector sector;    /* the sector's published figures, with --sector */
	bool has_sector;
	uint64_t rows_read, rows_exported;
	kpix_buf text, line;
} exporter;

/* ------------------------------------------------------------- values */

/* The value as text, for CSV cells, file names and templates. */
static void value_text(const kpix_val *v, kpix_xvalue_type type, int decimals, kpix_buf *out)
{
	char num[KPIX_FIXED_MAX];
	switch (v->kind) {
	case KPIX_VAL_STRING:
		kpix_buf_add(out, v->str, v->len);
		break;
	case KPIX_VAL_BOOL:
		kpix_buf_adds(out, v->b ? "true" : "false");
		break;
	case KPIX_VAL_NUMBER:
		if (type == KPIX_XV_DATE && isfinite(v->num) && fabs(v->num) < 3e6) {
			kpix_date_format((kpix_date)floor(v->num), num);
		} else if (decimals >= 0 && isfinite(v->num)) {
			kpix_format_fixed(v->num, decimals, num);
		} else {
			kpix_format_number(v->num, num);
		}
		kpix_buf_adds(out, num);
		break;
	default:
		break;
	}
}

static int column_decimals(const kpix_xcolumn *c, const kpix_val *slots)
{
	if (!c->decimals_expr)
		return c->decimals;
	kpix_val d;
	if (kpix_expr_eval(c->decimals_expr, slots, &d) != 0 || d.kind != KPIX_VAL_NUMBER ||
	    !(d.num >= 0 && d.num <= 10))
		return -1;
	return (int)d.num;
}

static void eval_value(kpix_expr *e, const kpix_val *slots, kpix_val *out)
{
	if (kpix_expr_eval(e, slots, out) != 0)
		out->kind = KPIX_VAL_NULL;
}

/* Works out a template into out (appending). */
static void tmpl_text(const kpix_tmpl *t, const kpix_val *slots, kpix_buf *out)
{
	for (size_t i = 0; i < t->nparts; i++) {
		if (t->parts[i].text) {
			kpix_buf_adds(out, t->parts[i].text);
		} else {
			kpix_val v;
			eval_value(t->parts[i].expr, slots, &v);
			value_text(&v, KPIX_XV_AUTO, -1, out);
		}
	}
}

/* A file name from a template: letters, digits, '.', '-' and '_' kept,
 * anything else (spaces, slashes) made a single '-'. */
static char *file_name(const kpix_tmpl *t, const kpix_val *slots)
{
	kpix_buf raw = KPIX_BUF_INIT, out = KPIX_BUF_INIT;
	tmpl_text(t, slots, &raw);
	bool dash = false;
	for (size_t i = 0; i < raw.len; i++) {
		char c = raw.data[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		            c == '.' || c == '-' || c == '_';
		if (keep) {
			kpix_buf_addc(&out, c);
			dash = c == '-';
		} else if (!dash && out.len) {
			kpix_buf_addc(&out, '-');
			dash = true;
		}
	}
	kpix_buf_free(&raw);
	return kpix_buf_detach(&out);
}

/* Page header and footer text: '&' from the data doubled, so that Excel
 * shows it instead of reading a code. */
static char *page_text(const kpix_tmpl *t, const kpix_val *slots)
{
	if (!t->src)
		return NULL;
	kpix_buf out = KPIX_BUF_INIT;
	for (size_t i = 0; i < t->nparts; i++) {
		if (t->parts[i].text) {
			kpix_buf_adds(&out, t->parts[i].text);
			continue;
		}
		kpix_buf v = KPIX_BUF_INIT;
		kpix_val val;
		eval_value(t->parts[i].expr, slots, &val);
		value_text(&val, KPIX_XV_AUTO, -1, &v);
		for (size_t k = 0; k < v.len; k++) {
			if (v.data[k] == '&')
				kpix_buf_addc(&out, '&');
			kpix_buf_addc(&out, v.data[k]);
		}
		kpix_buf_free(&v);
	}
	return kpix_buf_detach(&out);
}

/* ---------------------------------------------------------------- CSV */

static void csv_row(exporter *r, output *o, const kpix_xcolumn *cols, size_t n,
                    const kpix_val *slots, bool headings)
{
	kpix_buf_clear(&r->line);
	for (size_t i = 0; i < n; i++) {
		if (i)
			kpix_buf_addc(&r->line, ',');
		if (headings) {
			kpix_csv_cell(&r->line, cols[i].heading, strlen(cols[i].heading), true);
			continue;
		}
		kpix_val v;
		eval_value(cols[i].value, slots, &v);
		kpix_buf_clear(&r->text);
		value_text(&v, cols[i].type, column_decimals(&cols[i], slots), &r->text);
		kpix_csv_cell(&r->line, r->text.data ? r->text.data : "", r->text.len,
		         v.kind == KPIX_VAL_STRING || cols[i].type == KPIX_XV_TEXT);
	}
	kpix_buf_adds(&r->line, "\r\n");
	if (fwrite(r->line.data, 1, r->line.len, o->csv) != r->line.len)
		kpix_job_fail(r->job, kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, o->name,
		                       strerror(errno)));
}

/* --------------------------------------------------------------- XLSX */

static uint32_t parse_colour(const char *hex)
{
	return (uint32_t)strtoul(hex + 1, NULL, 16) + 1;
}

static void number_format(const kpix_xcolumn *c, int decimals, char *buf, size_t size)
{
	if (c->number_format)
		snprintf(buf, size, "%s", c->number_format);
	else if (c->type == KPIX_XV_DATE)
		snprintf(buf, size, "dd/mm/yyyy");
	else if (decimals > 0)
		snprintf(buf, size, "#,##0.%.*s", decimals, "0000000000");
	else if (decimals == 0)
		snprintf(buf, size, "#,##0");
	else
		buf[0] = '\0';
}

static size_t display_chars(const char *s, size_t len)
{
	size_t n = 0, line = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			line = 0;
			continue;
		}
		line += ((unsigned char)s[i] & 0xc0) != 0x80;
		if (line > n)
			n = line;
	}
	return n;
}

static void note_width(sheet_out *so, size_t col, size_t chars)
{
	double w = (double)chars + 2;
	if (w > so->width[col])
		so->width[col] = w;
}

/* At least as many characters as value_text writes for the number v
 * (shown as type, with decimals places, or -1 for as few digits as read
 * back), worked out without writing it; 0 when only writing it tells. */
static size_t number_chars_max(double v, kpix_xvalue_type type, int decimals)
{
	double a = fabs(v);
	if (type == KPIX_XV_DATE || !(a < 1e15))
		return 0;
	if (decimals < 0 && a != floor(a))
		return 0; /* the shortest digits that read back: up to 17 */
	size_t n = 2; /* a minus sign and the units digit */
	/* a + 1: rounding to the places shown may carry into a new digit */
	for (double p = 10; p <= a + 1; p *= 10)
		n++;
	return decimals > 0 ? n + 1 + (size_t)decimals : n;
}

/* Writes one cell of a table or details block. */
static void xlsx_cell(exporter *r, sheet_out *so, uint32_t row, uint16_t col,
                      const kpix_xcolumn *c, const kpix_val *slots, size_t width_col)
{
	kpix_val v;
	eval_value(c->value, slots, &v);
	int decimals = column_decimals(c, slots);
	char fmt[64];
	number_format(c, decimals, fmt, sizeof(fmt));
	kpix_xstyle st = {.wrap = c->wrap, .border = true, .number_format = fmt[0] ? fmt : NULL};
	for (size_t i = 0; i < c->nfills && v.kind == KPIX_VAL_STRING; i++)
		if (strlen(c->fill_text[i]) == v.len && memcmp(c->fill_text[i], v.str, v.len) == 0)
			st.fill = parse_colour(c->fill_colour[i]);
	if (v.kind == KPIX_VAL_NUMBER && c->type != KPIX_XV_TEXT) {
		double n = c->type == KPIX_XV_DATE ? v.num + EXCEL_EPOCH_OFFSET : v.num;
		kpix_xlsx_number(so->ws, row, col, n, &st);
		/* the number is shown as text only to measure it, and only when it
		 * could widen its column: formatting every number of a large
		 * export costs about as much as writing the workbook */
		size_t extra = decimals > 3 ? (size_t)decimals / 3 : 1;
		size_t most = number_chars_max(v.num, c->type, decimals);
		if (most == 0 || (double)(most + extra) + 2 > so->width[width_col]) {
			kpix_buf_clear(&r->text);
			value_text(&v, c->type, decimals, &r->text);
			note_width(so, width_col, r->text.len + extra);
		}
	} else if (v.kind == KPIX_VAL_NULL) {
		kpix_xlsx_blank(so->ws, row, col, &st);
	} else {
		kpix_buf_clear(&r->text);
		value_text(&v, c->type, decimals, &r->text);
		kpix_xlsx_text(so->ws, row, col, r->text.data, r->text.len, &st);
		note_width(so, width_col, display_chars(r->text.data, r->text.len));
	}
}

/* Sets each column of sheet si to its width: the layout's, or the widest
 * text measured so far within MIN_WIDTH and MAX_WIDTH. */
static void column_widths(output *o, size_t si)
{
	const kpix_xsheet *sh = &o->x->sheets[si];
	sheet_out *so = &o->sheets[si];
	for (size_t c = 0; c < sh->ncolumns; c++) {
		double w = sh->columns[c].width > 0 ? sh->columns[c].width : so->width[c];
		if (sh->columns[c].width <= 0)
			w = w < MIN_WIDTH ? MIN_WIDTH : w > MAX_WIDTH ? MAX_WIDTH : w;
		kpix_xlsx_column_width(so->ws, (uint16_t)c, w);
	}
}

/* Title, details and headings: everything above the first data row. */
static void xlsx_sheet_top(exporter *r, output *o, size_t si)
{
	const kpix_xsheet *sh = &o->x->sheets[si];
	sheet_out *so = &o->sheets[si];
	uint32_t row = 0;
	if (sh->title.src) {
		kpix_buf t = KPIX_BUF_INIT;
		tmpl_text(&sh->title, r->slots, &t);
		kpix_xstyle st = {.bold = true, .size = 14};
		kpix_xlsx_text(so->ws, row, 0, t.data ? t.data : "", t.len, &st);
		kpix_xlsx_row_height(so->ws, row, 21);
		kpix_buf_free(&t);
		row += 2;
	}
	for (size_t i = 0; i < sh->ndetails; i++, row++) {
		kpix_xstyle label = {.bold = true};
		note_width(so, 0, display_chars(sh->details[i].heading, strlen(sh->details[i].heading)));
		kpix_xlsx_text(so->ws, row, 0, sh->details[i].heading, strlen(sh->details[i].heading),
		               &label);
		xlsx_cell(r, so, row, 1, &sh->details[i], r->slots, 1);
	}
	if (sh->ndetails)
		row++;
	so->heading_row = row;
	kpix_xstyle head = {.heading = true, .border = true};
	for (size_t c = 0; c < sh->ncolumns; c++) {
		const char *h = sh->columns[c].heading;
		/* headings wrap, so a long one need not widen its column far */
		note_width(so, c, display_chars(h, strlen(h)) > 14 ? 14 : display_chars(h, strlen(h)));
	}
	/* the widths so far, which the rows below can only widen: the
	 * headings and wrapped cells are measured against them for their
	 * rows' heights (kpix_xlsx_text) */
	column_widths(o, si);
	for (size_t c = 0; c < sh->ncolumns; c++) {
		const char *h = sh->columns[c].heading;
		kpix_xlsx_text(so->ws, row, (uint16_t)c, h, strlen(h), &head);
	}
	so->next_row = row + 1;
}

static void xlsx_sheet_finish(exporter *r, output *o, size_t si)
{
	const kpix_xsheet *sh = &o->x->sheets[si];
	sheet_out *so = &o->sheets[si];
	column_widths(o, si);
	uint16_t last_col = (uint16_t)(sh->ncolumns - 1);
	if (sh->freeze)
		kpix_xlsx_freeze(so->ws, so->heading_row + 1, 0);
	if (sh->filter)
		kpix_xlsx_filter(so->ws, so->heading_row, so->next_row - 1, last_col);
	char *header = page_text(&sh->header, r->slots);
	char *footer = page_text(&sh->footer, r->slots);
	kpix_xlsx_print(so->ws, sh->landscape, sh->fit_width, (int)so->heading_row,
	                (int)so->heading_row, header, footer);
	free(header);
	free(footer);
}

/* --------------------------------------------------------------- HTML */

/* A number's text for a person: thousands separated by commas in the
 * whole part ("20,780", "-1,014.99"), as a workbook shows it. Text that
 * is not digits with a sign and a point ("1e+20", a date) stays. */
static void group_thousands(kpix_buf *t)
{
	size_t start = t->len && t->data[0] == '-', end = start;
	while (end < t->len && t->data[end] >= '0' && t->data[end] <= '9')
		end++;
	for (size_t i = end; i < t->len; i++)
		if (!(t->data[i] >= '0' && t->data[i] <= '9') && !(i == end && t->data[i] == '.'))
			return;
	if (end - start <= 3)
		return;
	kpix_buf g = KPIX_BUF_INIT;
	kpix_buf_add(&g, t->data, start);
	for (size_t i = start; i < end; i++) {
		if (i > start && (end - i) % 3 == 0)
			kpix_buf_addc(&g, ',');
		kpix_buf_addc(&g, t->data[i]);
	}
	kpix_buf_add(&g, t->data + end, t->len - end);
	kpix_buf_clear(t);
	kpix_buf_add(t, g.data, g.len);
	kpix_buf_free(&g);
}

/* A cell's value as a page shows it, in r->text; true when it is a number
 * (right-aligned). */
static bool html_value(exporter *r, const kpix_xcolumn *c, const kpix_val *slots)
{
	kpix_val v;
	eval_value(c->value, slots, &v);
	kpix_buf_clear(&r->text);
	value_text(&v, c->type, column_decimals(c, slots), &r->text);
	bool number = v.kind == KPIX_VAL_NUMBER && c->type == KPIX_XV_AUTO;
	if (number)
		group_thousands(&r->text);
	return number;
}

static void html_row(exporter *r, output *o, size_t si)
{
	const kpix_xsheet *sh = &o->x->sheets[si];
	kpix_buf *b = &o->body[si];
	kpix_html_open(b, "tr", NULL);
	for (size_t c = 0; c < sh->ncolumns; c++) {
		bool number = html_value(r, &sh->columns[c], r->slots);
		o->text_in[si][c] |= !number && r->text.len;
		kpix_html_cell(b, sh->columns[c].row_header ? KPIX_HTML_ROW_HEADER : KPIX_HTML_DATA,
		               number, r->text.data ? r->text.data : "", r->text.len);
	}
	kpix_html_close(b, "tr");
	o->nbody[si]++;
}

/* Appends the template's text, as a page shows it, to out. */
static void html_tmpl(const kpix_tmpl *t, const kpix_val *slots, const char *tag, kpix_buf *out)
{
	kpix_buf t_text = KPIX_BUF_INIT;
	tmpl_text(t, slots, &t_text);
	kpix_html_element(out, tag, NULL, t_text.data ? t_text.data : "", t_text.len);
	kpix_buf_free(&t_text);
}

/* One section of a page: the sheet's name as its heading, its title, its
 * details as a definition list, and its table (or the "empty" text when
 * the table has no rows and the schema gives one). */
static void html_section(exporter *r, output *o, size_t si, kpix_buf *page)
{
	const kpix_xsheet *sh = &o->x->sheets[si];
	kpix_html_open(page, "section", NULL);
	kpix_html_element(page, "h2", NULL, sh->name, strlen(sh->name));
	if (sh->title.src)
		html_tmpl(&sh->title, r->slots, "p", page);
	if (sh->ndetails) {
		kpix_html_open(page, "dl", NULL);
		for (size_t i = 0; i < sh->ndetails; i++) {
			const kpix_xcolumn *d = &sh->details[i];
			kpix_html_element(page, "dt", NULL, d->heading, strlen(d->heading));
			/* a number beside its label, not across the page */
			html_value(r, d, r->slots);
			kpix_html_element(page, "dd", NULL, r->text.data ? r->text.data : "",
			                  r->text.len);
		}
		kpix_html_close(page, "dl");
	}
	if (o->nbody[si] == 0 && sh->empty.src) {
		html_tmpl(&sh->empty, r->slots, "p", page);
	} else {
		/* without a caption of its own, the table is named by its section's
		 * heading, for a screen reader only: shown, it would repeat it */
		kpix_buf caption = KPIX_BUF_INIT;
		if (sh->caption.src)
			tmpl_text(&sh->caption, r->slots, &caption);
		else
			kpix_buf_adds(&caption, sh->name);
		kpix_html_table_begin(page, caption.data ? caption.data : "", caption.len,
		                      sh->caption.src != NULL);
		kpix_buf_free(&caption);
		kpix_html_open(page, "thead", NULL);
		kpix_html_open(page, "tr", NULL);
		for (size_t c = 0; c < sh->ncolumns; c++) {
			/* a column of numbers has its heading over the numbers */
			const kpix_xcolumn *col = &sh->columns[c];
			kpix_html_cell(page, KPIX_HTML_COL_HEADER, o->nbody[si] && !o->text_in[si][c],
			               col->heading, strlen(col->heading));
		}
		kpix_html_close(page, "tr");
		kpix_html_close(page, "thead");
		kpix_html_open(page, "tbody", NULL);
		kpix_buf_add(page, o->body[si].data, o->body[si].len);
		kpix_html_close(page, "tbody");
		kpix_html_table_end(page);
	}
	kpix_html_close(page, "section");
}

/* The whole page, from the rows held, into its temporary file. */
static int html_finish(exporter *r, output *o)
{
	const kpix_xlayout *x = o->x;
	kpix_buf page = KPIX_BUF_INIT, title = KPIX_BUF_INIT;
	tmpl_text(&x->page_title, r->slots, &title);
	kpix_html_page_begin(&page, x->lang, title.data ? title.data : "", title.len);
	kpix_html_open(&page, "main", NULL);
	kpix_html_element(&page, "h1", NULL, title.data ? title.data : "", title.len);
	kpix_buf_free(&title);
	for (size_t i = 0; i < x->nintro; i++)
		html_tmpl(&x->intro[i], r->slots, "p", &page);
	for (size_t si = 0; si < x->nsheets; si++)
		if (!x->sheets[si].needs_sector || r->has_sector)
			html_section(r, o, si, &page);
	kpix_html_close(&page, "main");
	if (x->nfooter) {
		kpix_html_open(&page, "footer", NULL);
		for (size_t i = 0; i < x->nfooter; i++)
			html_tmpl(&x->footer[i], r->slots, "p", &page);
		kpix_html_close(&page, "footer");
	}
	kpix_html_page_end(&page);
	size_t n = fwrite(page.data, 1, page.len, o->html);
	bool ok = n == page.len;
	kpix_buf_free(&page);
	return ok ? 0
	          : kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, o->name,
	                      strerror(errno));
}

/* ----------------------------------------------------------- the rows */

static void xlsx_row(exporter *r, output *o, size_t si)
{
	const kpix_xsheet *sh = &o->x->sheets[si];
	sheet_out *so = &o->sheets[si];
	for (size_t c = 0; c < sh->ncolumns; c++)
		xlsx_cell(r, so, so->next_row, (uint16_t)c, &sh->columns[c], r->slots, c);
	so->next_row++;
}

/* One row of the table of sheet (or section) si of a workbook or a page. */
static void table_row(exporter *r, output *o, size_t si)
{
	if (o->html)
		html_row(r, o, si);
	else
		xlsx_row(r, o, si);
}

static void copy_row(exporter *r, const kpix_val *slots)
{
	memcpy(r->slots, slots, r->s->scope.nrow * sizeof(kpix_val));
}

static int begin_outputs(exporter *r)
{
	for (size_t i = 0; i < r->nouts; i++) {
		output *o = &r->outs[i];
		o->name = file_name(&o->x->file, r->slots);
		const char *shown;
		int rc = kpix_job_begin(r->job, o->name, &o->tmp, &shown);
		if (rc)
			return rc;
		if (o->x->format == KPIX_XF_CSV) {
			o->csv = fopen(o->tmp, "wb");
			if (!o->csv)
				return kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, o->name,
				                 strerror(errno));
			csv_row(r, o, o->x->sheets[0].columns, o->x->sheets[0].ncolumns, r->slots, true);
			continue;
		}
		if (o->x->format == KPIX_XF_HTML) {
			o->html = fopen(o->tmp, "wb");
			if (!o->html)
				return kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, o->name,
				                 strerror(errno));
			o->body = kpix_xcalloc(o->x->nsheets, sizeof(kpix_buf));
			o->nbody = kpix_xcalloc(o->x->nsheets, sizeof(uint64_t));
			o->text_in = kpix_xcalloc(o->x->nsheets, sizeof(bool *));
			for (size_t s = 0; s < o->x->nsheets; s++)
				o->text_in[s] = kpix_xcalloc(o->x->sheets[s].ncolumns, sizeof(bool));
			continue;
		}
		if ((rc = kpix_xlsx_open(&o->wb, o->tmp, shown)))
			return rc;
		o->sheets = kpix_xcalloc(o->x->nsheets, sizeof(sheet_out));
		for (size_t s = 0; s < o->x->nsheets; s++) {
			size_t ncols = o->x->sheets[s].ncolumns > 2 ? o->x->sheets[s].ncolumns : 2;
			o->sheets[s].width = kpix_xcalloc(ncols, sizeof(double));
			o->sheets[s].ws = kpix_xlsx_add_sheet(o->wb, o->x->sheets[s].name);
			xlsx_sheet_top(r, o, s);
		}
	}
	return 0;
}

static bool same_val(const kpix_val *a, const kpix_val *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case KPIX_VAL_STRING:
		return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
	case KPIX_VAL_NUMBER:
		return a->num == b->num;
	case KPIX_VAL_BOOL:
		return a->b == b->b;
	default:
		return true;
	}
}

/* Fields that name the return (its organisation, its period) must be the
 * same on every row: one file covers one return. A required field that is
 * null (in a blank row, an empty or invalid cell) names no other return:
 * the validator reports it as an error already, so it is not compared. */
static void check_fixed(exporter *r, uint64_t row)
{
	const kpix_schema *s = r->s;
	for (size_t f = 0; f < s->nfields; f++) {
		fixed_field *ff = &r->fixed[f];
		if (!ff->fixed || (s->fields[f].required && r->slots[f].kind == KPIX_VAL_NULL))
			continue;
		if (!ff->seen) {
			ff->seen = true;
			ff->first = r->slots[f];
			ff->first_row = row;
			kpix_buf t = KPIX_BUF_INIT;
			value_text(&r->slots[f], KPIX_XV_AUTO, -1, &t);
			ff->first_text = kpix_buf_detach(&t);
			if (ff->first.kind == KPIX_VAL_STRING)
				ff->first.str = ff->first_text;
			continue;
		}
		if (ff->reported || same_val(&ff->first, &r->slots[f]))
			continue;
		ff->reported = true;
		kpix_buf t = KPIX_BUF_INIT, m = KPIX_BUF_INIT;
		value_text(&r->slots[f], KPIX_XV_AUTO, -1, &t);
		kpix_buf_printf(&m,
		                "%s is '%s' here but '%s' in row %llu; an export covers one return, so "
		                "%s must be the same on every row: put each return in its own file",
		                s->fields[f].name, t.data ? t.data : "", ff->first_text,
		                (unsigned long long)ff->first_row, s->fields[f].name);
		kpix_validator_add_problem(r->v, "inconsistent-value", KPIX_SEVERITY_ERROR, row, f,
		                           t.data ? t.data : "", m.data);
		kpix_buf_free(&t);
		kpix_buf_free(&m);
	}
}

static void on_row(void *ctx, const kpix_val *slots, uint64_t row, bool row_ok)
{
	exporter *r = ctx;
	(void)row_ok;
	r->rows_read++;
	if (kpix_job_failed(r->job))
		return;
	copy_row(r, slots);
	check_fixed(r, row);
	if (!r->started) {
		r->started = true;
		int rc = begin_outputs(r);
		if (rc) {
			kpix_job_fail(r->job, rc);
			return;
		}
	}
	for (size_t i = 0; i < r->nouts; i++) {
		output *o = &r->outs[i];
		if (o->csv) {
			if (o->x->sheets[0].rows != KPIX_XROWS_DATA)
				continue;
			csv_row(r, o, o->x->sheets[0].columns, o->x->sheets[0].ncolumns, r->slots, false);
			o->rows++;
		} else {
			bool data = false;
			for (size_t s = 0; s < o->x->nsheets; s++)
				if (o->x->sheets[s].rows == KPIX_XROWS_DATA) {
					table_row(r, o, s);
					data = true;
				}
			o->rows += data;
		}
	}
	r->rows_exported++;
}

/* ------------------------------------------------------------- finish */

/* Whether a table of figures has its row: its "where" is true (a table the
 * return does not cover is written with its headings only, as the
 * regulator's dataset has no row for a landlord it does not cover). */
static bool has_row(exporter *r, const kpix_xsheet *sh)
{
	kpix_val keep;
	if (!sh->where)
		return true;
	eval_value(sh->where, r->slots, &keep);
	return keep.kind == KPIX_VAL_BOOL && keep.b;
}

/* The one row of each sheet made of the return's figures, written once
 * every row has been read and checked. */
static void figures_rows(exporter *r)
{
	const kpix_figures *fg = &r->s->figures;
	if (!fg->n)
		return;
	memcpy(r->slots + kpix_scope_export_figure(&r->s->scope, 0), kpix_validator_figures(r->v),
	       r->s->scope.nfig * sizeof(kpix_val));
	for (size_t i = 0; i < r->nouts; i++) {
		output *o = &r->outs[i];
		if (o->csv && o->x->sheets[0].rows == KPIX_XROWS_FIGURES && has_row(r, &o->x->sheets[0])) {
			csv_row(r, o, o->x->sheets[0].columns, o->x->sheets[0].ncolumns, r->slots, false);
			o->rows = 1;
		}
		/* a workbook's or a page's rows are its data rows, or 1 when it has
		 * only figures */
		for (size_t s = 0; !o->csv && s < o->x->nsheets; s++)
			if (o->x->sheets[s].rows == KPIX_XROWS_FIGURES && has_row(r, &o->x->sheets[s])) {
				table_row(r, o, s);
				o->rows += o->rows == 0;
			}
	}
}

/* A row for each catalogue entry whose figure has a value (and that the
 * table's "where" lets through), in the catalogue's order, once the
 * figures are known (figures_rows): each row reads as the data row that
 * gives the figure would (the indicator field holds the code, the value
 * field the figure, the other fields nothing), with the entry's ind.*
 * attributes. */
static void catalogue_rows(exporter *r)
{
	const kpix_schema *s = r->s;
	const kpix_figures *fg = &s->figures;
	const kpix_scope *sc = &s->scope;
	const kpix_val *fig = kpix_validator_figures(r->v);
	size_t nsheets = 0;
	bool any = false;
	for (size_t i = 0; i < r->nouts; i++)
		for (size_t k = 0; k < r->outs[i].x->nsheets; k++, nsheets++)
			any = any || r->outs[i].x->sheets[k].rows == KPIX_XROWS_CATALOGUE;
	if (!any || fg->value_field < 0 || s->indicator_field < 0)
		return;
	uint64_t *count = kpix_xcalloc(nsheets, sizeof(uint64_t)); /* rows per table */
	for (size_t k = 0; k < s->nindicators; k++) {
		const kpix_indicator *ind = &s->indicators[k];
		size_t f = fg->first[k];
		if (fig[f].kind == KPIX_VAL_NULL)
			continue;
		for (size_t j = 0; j < s->nfields; j++)
			r->slots[j].kind = KPIX_VAL_NULL;
		r->slots[s->indicator_field] = ind->attrs[KPIX_IND_code];
		if (s->part_field >= 0)
			r->slots[s->part_field] = ind->attrs[KPIX_IND_part];
		r->slots[fg->value_field] = fig[f];
		memcpy(r->slots + sc->ind_at, ind->attrs, sizeof(ind->attrs));
		kpix_sector_place(r->has_sector ? &r->sector : NULL, f, &fig[f], (int)ind->polarity,
		                  r->slots + sc->export_sector);
		r->slots[sc->prev_value] = fig[kpix_scope_figure_slot(sc, f, true)];
		size_t at = 0;
		for (size_t i = 0; i < r->nouts; i++) {
			output *o = &r->outs[i];
			for (size_t si = 0; si < o->x->nsheets; si++, at++) {
				const kpix_xsheet *sh = &o->x->sheets[si];
				if (sh->rows != KPIX_XROWS_CATALOGUE)
					continue;
				kpix_val keep;
				if (sh->where && (eval_value(sh->where, r->slots, &keep),
				                  keep.kind != KPIX_VAL_BOOL || !keep.b))
					continue;
				if (o->csv)
					csv_row(r, o, sh->columns, sh->ncolumns, r->slots, false);
				else
					table_row(r, o, si);
				count[at]++;
			}
		}
	}
	/* a CSV's rows are its table's; a workbook's or a page's its data rows,
	 * and without any, its longest table's */
	size_t at = 0;
	for (size_t i = 0; i < r->nouts; i++) {
		output *o = &r->outs[i];
		bool data = false;
		uint64_t most = 0;
		for (size_t si = 0; si < o->x->nsheets; si++, at++) {
			data = data || o->x->sheets[si].rows == KPIX_XROWS_DATA;
			most = count[at] > most ? count[at] : most;
		}
		if (o->csv ? o->x->sheets[0].rows == KPIX_XROWS_CATALOGUE : !data && o->rows < most)
			o->rows = most;
	}
	free(count);
}

/* The workbook's date: SOURCE_DATE_EPOCH's when the caller gives it, else
 * the export's "date" worked out from the data, else 1 January 1980 (the
 * earliest date a ZIP file can hold). Never the clock. */
static int64_t workbook_date(exporter *r, const kpix_xlayout *x)
{
	if (r->opts.created >= 0)
		return r->opts.created;
	if (x->date) {
		kpix_val d;
		eval_value(x->date, r->slots, &d);
		if (d.kind == KPIX_VAL_NUMBER && isfinite(d.num) && d.num >= 3653 && d.num < 2932897)
			return (int64_t)floor(d.num) * 86400;
	}
	return 315532800;
}

static void validation_sheet(exporter *r, output *o)
{
	const kpix_report *rep = kpix_validator_finish(r->v);
	kpix_xlsx_sheet *ws = kpix_xlsx_add_sheet(o->wb, "Validation");
	kpix_xstyle title = {.bold = true, .size = 14};
	char line[160];
	snprintf(line, sizeof(line), "Validation: %llu warning%s, no errors",
	         (unsigned long long)kpix_report_warnings(rep),
	         kpix_report_warnings(rep) == 1 ? "" : "s");
	kpix_xlsx_text(ws, 0, 0, line, strlen(line), &title);
	kpix_report_xlsx_warnings(ws, 2, rep);
	kpix_xlsx_freeze(ws, 3, 0);
	kpix_xlsx_print(ws, true, true, 2, 2, NULL, "&CPage &P of &N");
}

/* After the last row, the slots hold what every whole-export text (page
 * headers, properties, the date) may use: the fields that are the same on
 * every row, as check_fixed() kept them. The rows' own strings are gone. */
static void keep_fixed_slots(exporter *r)
{
	for (size_t f = 0; f < r->s->scope.nrow; f++)
		r->slots[f].kind = KPIX_VAL_NULL;
	for (size_t f = 0; f < r->s->nfields; f++)
		if (r->fixed[f].fixed && r->fixed[f].seen)
			r->slots[f] = r->fixed[f].first;
}

static int close_outputs(exporter *r)
{
	int rc = 0;
	keep_fixed_slots(r);
	figures_rows(r);
	catalogue_rows(r);
	/* the catalogue's rows took the fields' slots: the whole-export texts
	 * below (titles, details, page headers, properties) need them back */
	keep_fixed_slots(r);
	for (size_t i = 0; i < r->nouts; i++) {
		output *o = &r->outs[i];
		if (o->html) {
			int hrc = html_finish(r, o);
			if (hrc && !rc)
				rc = hrc;
			continue;
		}
		if (!o->wb)
			continue;
		const kpix_xlayout *x = o->x;
		for (size_t s = 0; s < x->nsheets; s++)
			xlsx_sheet_finish(r, o, s);
		if (x->validation_sheet)
			validation_sheet(r, o);
		char *props[KPIX_XPROP_N] = {0};
		for (int p = 0; p < KPIX_XPROP_N; p++) {
			if (!x->props[p].src)
				continue;
			kpix_buf t = KPIX_BUF_INIT;
			tmpl_text(&x->props[p], r->slots, &t);
			props[p] = kpix_buf_detach(&t);
		}
		kpix_xlsx_properties(o->wb, (const char *const *)props, workbook_date(r, x));
		for (int p = 0; p < KPIX_XPROP_N; p++)
			free(props[p]);
		int crc = kpix_xlsx_close(o->wb);
		o->wb = NULL;
		if (crc && !rc)
			rc = crc;
	}
	return rc;
}

static void discard_outputs(exporter *r)
{
	for (size_t i = 0; i < r->nouts; i++) {
		output *o = &r->outs[i];
		kpix_xlsx_discard(o->wb);
		o->wb = NULL;
		if (o->csv)
			fclose(o->csv);
		o->csv = NULL;
		if (o->html)
			fclose(o->html);
		o->html = NULL;
	}
}

/* ----------------------------------------------------------- manifest */

/* What only the export knows of its manifest: the parameters and exports
 * chosen, each output's export, format and rows, the rows reconciled. */
static void record(exporter *r)
{
	kpix_manifest *m = kpix_job_manifest(r->job);
	const kpix_layouts *l = &r->s->layouts;
	m->params = kpix_xcalloc(l->nparams + 1, sizeof(char *));
	for (size_t i = 0; i < l->nparams; i++)
		if (r->param_values[i])
			m->params[m->nparams++] =
				kpix_xasprintf("%s=%s", l->params[i].name, r->param_values[i]);
	m->exports = kpix_xcalloc(r->nouts + 1, sizeof(char *));
	for (size_t i = 0; i < r->nouts; i++) {
		m->exports[m->nexports++] = kpix_xstrdup(r->outs[i].x->name);
		kpix_mfile *f = &m->outputs[i];
		f->has_rows = true;
		f->rows = r->outs[i].rows;
		f->export = kpix_xstrdup(r->outs[i].x->name);
		static const char *const format[] = {"csv", "xlsx", "html"}; /* kpix_xformat's */
		f->format = kpix_xstrdup(format[r->outs[i].x->format]);
	}
	m->rows_read = r->rows_read;
	m->rows_exported = r->rows_exported;
	m->rows_rejected = r->rows_read - r->rows_exported;
}

/* --------------------------------------------------------------- API */

static int set_params(exporter *r)
{
	const kpix_layouts *l = &r->s->layouts;
	r->param_values = kpix_xcalloc(l->nparams + 1, sizeof(char *));
	for (size_t i = 0; i < r->opts.nparams; i++) {
		const char *nv = r->opts.params[i];
		const char *eq = strchr(nv, '=');
		/* the manifest records parameters as UTF-8 text and workbooks
		 * show them: other bytes are refused, not guessed at */
		size_t nlen = eq ? (size_t)(eq - nv) : strlen(nv);
		size_t bad = kpix_utf8_invalid_at(nv, nlen);
		if (bad < nlen)
			return kpix_fail(KPIX_EUSAGE,
			                 "a --param name must be UTF-8 text; '%.*s' is followed by a byte "
			                 "that is not",
			                 (int)bad, nv);
		size_t k = 0;
		while (eq && k < l->nparams &&
		       !(strlen(l->params[k].name) == (size_t)(eq - nv) &&
		         memcmp(l->params[k].name, nv, (size_t)(eq - nv)) == 0))
			k++;
		if (!eq || k == l->nparams) {
			kpix_buf names = KPIX_BUF_INIT;
			for (size_t j = 0; j < l->nparams; j++)
				kpix_buf_printf(&names, "%s%s", j ? ", " : "", l->params[j].name);
			int rc = kpix_fail(KPIX_EUSAGE,
			                   !eq ? "a parameter is written NAME=VALUE, not '%s'"
			                       : "the schema %s has no parameter '%.*s'; it has: %s",
			                   !eq ? nv : r->s->id, !eq ? 0 : (int)(eq - nv), nv,
			                   names.data ? names.data : "none");
			kpix_buf_free(&names);
			return rc;
		}
		size_t vlen = strlen(eq + 1);
		if ((bad = kpix_utf8_invalid_at(eq + 1, vlen)) < vlen)
			return kpix_fail(KPIX_EUSAGE,
			                 "--param %s: the value must be UTF-8 text, and its byte %zu is not",
			                 l->params[k].name, bad + 1);
		free(r->param_values[k]);
		r->param_values[k] = kpix_xstrdup(eq + 1);
	}
	for (size_t i = 0; i < l->nparams; i++) {
		kpix_val *v = &r->slots[kpix_scope_export_param(&r->s->scope, i)];
		const kpix_xparam *p = &l->params[i];
		bool allowed = !p->nchoices || !r->param_values[i] || !*r->param_values[i];
		for (size_t k = 0; !allowed && k < p->nchoices; k++)
			allowed = strcmp(p->choices[k], r->param_values[i]) == 0;
		if (!allowed) {
			kpix_buf list = KPIX_BUF_INIT;
			for (size_t k = 0; k < p->nchoices; k++)
				kpix_buf_printf(&list, "%s%s", k ? (k + 1 == p->nchoices ? " or " : ", ") : "",
				                p->choices[k]);
			int rc = kpix_fail(KPIX_EUSAGE, "--param %s must be %s, not '%s'", p->name, list.data,
			                   r->param_values[i]);
			kpix_buf_free(&list);
			return rc;
		}
		if (r->param_values[i] && *r->param_values[i]) {
			*v = (kpix_val){KPIX_VAL_STRING, false, 0, r->param_values[i],
			                strlen(r->param_values[i])};
		} else if (l->params[i].required) {
			return kpix_fail(KPIX_EUSAGE, "the schema %s needs --param %s=VALUE (%s)",
			                 r->s->id, l->params[i].name,
			                 l->params[i].title ? l->params[i].title : l->params[i].name);
		}
	}
	return 0;
}

static int choose_exports(exporter *r)
{
	const kpix_layouts *l = &r->s->layouts;
	if (!l->nexports)
		return kpix_fail(KPIX_ESCHEMA, "the schema %s has no exports to write", r->s->id);
	r->outs = kpix_xcalloc(l->nexports, sizeof(output));
	for (size_t i = 0; i < l->nexports; i++) {
		bool chosen = r->opts.nonly == 0;
		for (size_t k = 0; k < r->opts.nonly && !chosen; k++)
			chosen = strcmp(r->opts.only[k], l->exports[i].name) == 0;
		/* an export of the sector comparison needs the sector's dataset:
		 * left out without it, unless asked for by name */
		if (chosen && l->exports[i].needs_sector && !r->opts.sector) {
			if (r->opts.nonly)
				return kpix_fail(KPIX_EUSAGE, "the export '%s' compares the return with the "
				                              "sector: give the regulator's published dataset "
				                              "with --sector FILE", l->exports[i].name);
			chosen = false;
		}
		if (chosen)
			r->outs[r->nouts++].x = &l->exports[i];
	}
	for (size_t k = 0; k < r->opts.nonly; k++) {
		bool found = false;
		for (size_t i = 0; i < l->nexports && !found; i++)
			found = strcmp(r->opts.only[k], l->exports[i].name) == 0;
		if (!found)
			return kpix_fail(KPIX_EUSAGE, "the schema %s has no export named '%s'", r->s->id,
			                 r->opts.only[k]);
	}
	/* the fields every file name, title and detail is made from */
	r->fixed = kpix_xcalloc(r->s->nfields + 1, sizeof(fixed_field));
	for (size_t i = 0; i < r->nouts; i++)
		for (size_t f = 0; f < r->s->nfields; f++)
			r->fixed[f].fixed |= r->outs[i].x->fixed_fields[f];
	return 0;
}

/* Everything of a run but the job. */
/* With --sector: the sector's published figures, read now, before any
 * row, so that a workbook that is not the regulator's stops the export
 * before anything is written. */
static int read_sector(exporter *r)
{
	const kpix_sector_def *def = &r->s->sector;
	if (!r->opts.sector)
		return 0;
	if (!def->defined)
		return kpix_fail(KPIX_EUSAGE, "--sector: the schema %s has no sector comparison "
		                              "(its \"sector\")", r->s->id);
	const char *self = NULL;
	for (size_t k = 0; def->self && k < r->s->layouts.nparams; k++)
		if (strcmp(r->s->layouts.params[k].name, def->self) == 0)
			self = r->param_values[k];
	int rc = kpix_sector_read(&r->sector, def, r->s->figures.n, r->opts.sector, self);
	r->has_sector = rc == 0;
	if (!rc) {
		kpix_val *name = &r->slots[r->s->scope.export_sector + KPIX_SECTOR_dataset];
		*name = (kpix_val){.kind = KPIX_VAL_STRING, .str = r->sector.layout,
		                   .len = strlen(r->sector.layout)};
	}
	return rc;
}

static void exporter_free(exporter *r)
{
	kpix_sector_free(&r->sector);
	discard_outputs(r);
	for (size_t i = 0; i < r->nouts; i++) {
		output *o = &r->outs[i];
		for (size_t s = 0; o->sheets && s < o->x->nsheets; s++)
			free(o->sheets[s].width);
		free(o->sheets);
		for (size_t s = 0; o->body && s < o->x->nsheets; s++) {
			kpix_buf_free(&o->body[s]);
			free(o->text_in[s]);
		}
		free(o->body);
		free(o->text_in);
		free(o->nbody);
		free(o->name);
	}
	free(r->outs);
	for (size_t i = 0; r->param_values && i < r->s->layouts.nparams; i++)
		free(r->param_values[i]);
	free(r->param_values);
	for (size_t f = 0; r->fixed && f < r->s->nfields; f++)
		free(r->fixed[f].first_text);
	free(r->fixed);
	free(r->slots);
	kpix_buf_free(&r->text);
	kpix_buf_free(&r->line);
}

static int run(exporter *r, const char *const *files, size_t nfiles,
               const kpix_export_options *opts)
{
	const kpix_schema *s = r->s;
	if (!opts || opts->version != KPIX_EXPORT_OPTIONS_VERSION)
		return kpix_fail(KPIX_EUSAGE, "export options of version %u; this kpix knows version %d",
		                 opts ? opts->version : 0, KPIX_EXPORT_OPTIONS_VERSION);
	r->opts = *opts;
	r->slots = kpix_xcalloc(s->layouts.nslots + 1, sizeof(kpix_val));
	kpix_job_spec spec = {
		.kind = KPIX_MANIFEST_EXPORT,
		.manifest = true,
		.what = "an export",
		.out_dir = opts->out_dir,
		.schema = s,
		.files = files,
		.nfiles = nfiles,
		.previous = opts->previous,
		.sector = opts->sector,
		.sector_read = &r->sector,
		.validate = &r->opts.validate,
		.created = opts->created,
	};
	int rc;
	if ((rc = kpix_job_new(&r->job, &spec)) || (rc = set_params(r)) ||
	    (rc = choose_exports(r)) || (rc = read_sector(r)) ||
	    (rc = kpix_job_start(r->job, on_row, r)))
		return rc;
	r->v = kpix_job_validator(r->job);
	if ((rc = kpix_job_read(r->job)))
		return rc;
	if (kpix_report_errors(kpix_result_report(r->job)) > 0) {
		/* nothing is written: the temporary files go now */
		discard_outputs(r);
		kpix_job_abandon(r->job);
		return 0;
	}
	if (!r->started) {
		keep_fixed_slots(r);
		if ((rc = begin_outputs(r)))
			return rc;
	}
	if ((rc = close_outputs(r)))
		return rc;
	for (size_t i = 0; i < r->nouts; i++) {
		output *o = &r->outs[i];
		FILE **fp = o->csv ? &o->csv : o->html ? &o->html : NULL;
		if (!fp)
			continue;
		bool bad = ferror(*fp) != 0;
		int e = fclose(*fp) != 0 ? errno : bad ? EIO : 0;
		*fp = NULL;
		if (e)
			return kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, o->name,
			                 strerror(e));
	}
	record(r);
	return kpix_job_commit(r->job);
}

int kpix_export(kpix_result **out, const kpix_schema *s, const char *const *files, size_t nfiles,
                const kpix_export_options *opts)
{
	exporter r = {.s = s};
	int rc = run(&r, files, nfiles, opts);
	*out = kpix_job_result(&r.job);
	exporter_free(&r);
	return rc;
}
