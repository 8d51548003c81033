/* replay - the baseline of the export and pack benchmarks: libxlsxwriter
 * and nothing else.
 *
 * usage: replay TRACE OUT.xlsx
 *
 * Reads the trace of libxlsxwriter calls that a kpix built with CMake's
 * KPIX_XLSX_TRACE option writes (src/write/xlsx_trace.h; the lines are
 * described in bench/README.md) and makes the same calls, in the same
 * order, with the same values, writing OUT.xlsx: the bare writer, as fast
 * as C drives libxlsxwriter. No CSV, no validation, no expressions, no
 * judging, no styles to look up, no widths or heights to work out, no
 * hashing: the trace already holds every call. The workbook's own path and
 * scratch directory are not in the trace; OUT.xlsx is written, with
 * libxlsxwriter's temporary files in its default place.
 *
 * Exits 0 when the workbook was written, 1 on a malformed trace, 2 when
 * libxlsxwriter reports an error. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "fields.h"

#define MAX_FIELDS 1100 /* a page-break line lists up to 1,023 rows */

/* The objects made so far, numbered from 1 in the order they were made. */
typedef struct {
	void **p;
	size_t n, cap;
} objects;

static lxw_workbook *wb;
static const char *out_path;
static objects formats, sheets, charts, series;
static char *props[10];  /* the document properties, until the workbook is closed */
static unsigned long line_no;
static char **field;
static int nfields;

static void bad(const char *what)
{
	fprintf(stderr, "replay: line %lu: %s\n", line_no, what);
	exit(1);
}

static void check(lxw_error e, const char *what)
{
	if (e != LXW_NO_ERROR) {
		fprintf(stderr, "replay: line %lu: %s: %s\n", line_no, what, lxw_strerror(e));
		exit(2);
	}
}

static void made(objects *t, void *p)
{
	if (!p)
		check(LXW_ERROR_MEMORY_MALLOC_FAILED, field[0]);
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->p = realloc(t->p, t->cap * sizeof(*t->p));
		if (!t->p)
			check(LXW_ERROR_MEMORY_MALLOC_FAILED, field[0]);
	}
	t->p[t->n++] = p;
}

static void need(int n)
{
	if (nfields != n + 1)
		bad("wrong number of arguments");
}

static unsigned long u(int i)
{
	char *end;
	unsigned long v = strtoul(field[i], &end, 10);
	if (end == field[i] || *end)
		bad("expected a whole number");
	return v;
}

static long s(int i)
{
	char *end;
	long v = strtol(field[i], &end, 10);
	if (end == field[i] || *end)
		bad("expected a whole number");
	return v;
}

static double d(int i)
{
	char *end;
	double v = strtod(field[i], &end);
	if (end == field[i] || *end)
		bad("expected a number");
	return v;
}

/* The text of field i with \\, \t, \n and \r undone, in place; NULL for \N. */
static char *t(int i)
{
	char *in = strchr(field[i], '\\');
	if (!in)
		return field[i];
	if (strcmp(field[i], "\\N") == 0)
		return NULL;
	char *o = in;
	while (*in) {
		if (*in != '\\') {
			*o++ = *in++;
			continue;
		}
		in++;
		switch (*in) {
		case '\\': *o++ = '\\'; break;
		case 't': *o++ = '\t'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		default: bad("unknown escape");
		}
		in++;
	}
	*o = '\0';
	return field[i];
}

static bool is_null(int i)
{
	return strcmp(field[i], "\\N") == 0;
}

static void *obj(objects *tab, int i)
{
	unsigned long id = u(i);
	if (id == 0 || id > tab->n)
		bad("no such object");
	return tab->p[id - 1];
}

#define SHEET(i) ((lxw_worksheet *)obj(&sheets, i))
#define CHART(i) ((lxw_chart *)obj(&charts, i))
#define SERIES(i) ((lxw_chart_series *)obj(&series, i))
#define FORMAT(i) (u(i) ? (lxw_format *)obj(&formats, i) : NULL)

static void dt(int i, lxw_datetime *v)
{
	*v = (lxw_datetime){.year = (int)s(i), .month = (int)s(i + 1), .day = (int)s(i + 2),
	                    .hour = (int)s(i + 3), .min = (int)s(i + 4), .sec = d(i + 5)};
}

/* A chart line's fields from field i on, or NULL for \N. */
static lxw_chart_line *line_at(int i, lxw_chart_line *l)
{
	if (nfields == i + 1 && is_null(i))
		return NULL;
	if (nfields != i + 5)
		bad("wrong number of arguments");
	*l = (lxw_chart_line){.color = (lxw_color_t)u(i), .none = (uint8_t)u(i + 1),
	                      .width = (float)d(i + 2), .dash_type = (uint8_t)u(i + 3),
	                      .transparency = (uint8_t)u(i + 4)};
	return l;
}

/* ------------------------------------------------------ the calls */

static void do_workbook_new_opt(void)
{
	lxw_workbook_options o = {0};
	if (nfields == 2 && is_null(1)) {
		wb = workbook_new(out_path);
	} else {
		need(2);
		o.constant_memory = (uint8_t)u(1);
		o.use_zip64 = (uint8_t)u(2);
		wb = workbook_new_opt(out_path, &o);
	}
	if (!wb) {
		fprintf(stderr, "replay: cannot start '%s'\n", out_path);
		exit(2);
	}
}

static void do_workbook_set_properties(void)
{
	if (nfields == 2 && is_null(1)) {
		check(workbook_set_properties(wb, NULL), field[0]);
		return;
	}
	need(11);
	/* libxlsxwriter reads these strings only at close */
	char **p = props;
	for (int i = 0; i < 10; i++) {
		char *v = t(i + 1);
		free(p[i]);
		p[i] = v ? strdup(v) : NULL;
	}
	lxw_doc_properties dp = {.title = p[0], .subject = p[1], .author = p[2], .manager = p[3],
	                         .company = p[4], .category = p[5], .keywords = p[6],
	                         .comments = p[7], .status = p[8], .hyperlink_base = p[9],
	                         .created = (time_t)s(11)};
	check(workbook_set_properties(wb, &dp), field[0]);
}

static void do_workbook_validate_sheet_name(void)
{
	need(1);
	check(workbook_validate_sheet_name(wb, t(1)), field[0]);
}

static void do_workbook_add_worksheet(void)
{
	need(2);
	if (u(1) != sheets.n + 1)
		bad("sheets out of order");
	made(&sheets, workbook_add_worksheet(wb, t(2)));
}

static void do_workbook_add_format(void)
{
	need(1);
	if (u(1) != formats.n + 1)
		bad("formats out of order");
	made(&formats, workbook_add_format(wb));
}

static void do_workbook_add_chart(void)
{
	need(2);
	if (u(1) != charts.n + 1)
		bad("charts out of order");
	made(&charts, workbook_add_chart(wb, (uint8_t)u(2)));
}

static void do_workbook_close(void)
{
	need(0);
	check(workbook_close(wb), field[0]);
	wb = NULL;
}

static void do_lxw_workbook_free(void)
{
	fprintf(stderr, "replay: line %lu: kpix gave the workbook up\n", line_no);
	exit(1);
}

static void do_format_set_bold(void) { need(1); format_set_bold(FORMAT(1)); }
static void do_format_set_italic(void) { need(1); format_set_italic(FORMAT(1)); }
static void do_format_set_text_wrap(void) { need(1); format_set_text_wrap(FORMAT(1)); }
static void do_format_set_align(void) { need(2); format_set_align(FORMAT(1), (uint8_t)u(2)); }
static void do_format_set_border(void) { need(2); format_set_border(FORMAT(1), (uint8_t)u(2)); }
static void do_format_set_bottom(void) { need(2); format_set_bottom(FORMAT(1), (uint8_t)u(2)); }

static void do_format_set_pattern(void)
{
	need(2);
	format_set_pattern(FORMAT(1), (uint8_t)u(2));
}

static void do_format_set_bg_color(void)
{
	need(2);
	format_set_bg_color(FORMAT(1), (lxw_color_t)u(2));
}

static void do_format_set_font_color(void)
{
	need(2);
	format_set_font_color(FORMAT(1), (lxw_color_t)u(2));
}

static void do_format_set_font_size(void)
{
	need(2);
	format_set_font_size(FORMAT(1), d(2));
}

static void do_format_set_num_format(void)
{
	need(2);
	format_set_num_format(FORMAT(1), t(2));
}

static void do_worksheet_set_paper(void)
{
	need(2);
	worksheet_set_paper(SHEET(1), (uint8_t)u(2));
}

static void do_worksheet_write_string(void)
{
	need(5);
	check(worksheet_write_string(SHEET(1), (lxw_row_t)u(2), (lxw_col_t)u(3), t(4), FORMAT(5)),
	      field[0]);
}

static void do_worksheet_write_number(void)
{
	need(5);
	check(worksheet_write_number(SHEET(1), (lxw_row_t)u(2), (lxw_col_t)u(3), d(4), FORMAT(5)),
	      field[0]);
}

static void do_worksheet_write_blank(void)
{
	need(4);
	check(worksheet_write_blank(SHEET(1), (lxw_row_t)u(2), (lxw_col_t)u(3), FORMAT(4)),
	      field[0]);
}

static void do_worksheet_set_column(void)
{
	need(5);
	check(worksheet_set_column(SHEET(1), (lxw_col_t)u(2), (lxw_col_t)u(3), d(4), FORMAT(5)),
	      field[0]);
}

static void do_worksheet_set_row(void)
{
	need(4);
	check(worksheet_set_row(SHEET(1), (lxw_row_t)u(2), d(3), FORMAT(4)), field[0]);
}

static void do_worksheet_freeze_panes(void)
{
	need(3);
	worksheet_freeze_panes(SHEET(1), (lxw_row_t)u(2), (lxw_col_t)u(3));
}

static void do_worksheet_autofilter(void)
{
	need(5);
	check(worksheet_autofilter(SHEET(1), (lxw_row_t)u(2), (lxw_col_t)u(3), (lxw_row_t)u(4),
	                           (lxw_col_t)u(5)),
	      field[0]);
}

static void do_worksheet_set_landscape(void) { need(1); worksheet_set_landscape(SHEET(1)); }
static void do_worksheet_set_portrait(void) { need(1); worksheet_set_portrait(SHEET(1)); }
static void do_worksheet_hide(void) { need(1); worksheet_hide(SHEET(1)); }

static void do_worksheet_fit_to_pages(void)
{
	need(3);
	worksheet_fit_to_pages(SHEET(1), (uint16_t)u(2), (uint16_t)u(3));
}

static void do_worksheet_repeat_columns(void)
{
	need(3);
	check(worksheet_repeat_columns(SHEET(1), (lxw_col_t)u(2), (lxw_col_t)u(3)),
	      "worksheet_repeat_columns");
}

static void do_worksheet_set_print_scale(void)
{
	need(2);
	worksheet_set_print_scale(SHEET(1), (uint16_t)u(2));
}

static void do_worksheet_repeat_rows(void)
{
	need(3);
	check(worksheet_repeat_rows(SHEET(1), (lxw_row_t)u(2), (lxw_row_t)u(3)), field[0]);
}

static void do_worksheet_set_header(void)
{
	need(2);
	check(worksheet_set_header(SHEET(1), t(2)), field[0]);
}

static void do_worksheet_set_footer(void)
{
	need(2);
	check(worksheet_set_footer(SHEET(1), t(2)), field[0]);
}

static void do_worksheet_print_area(void)
{
	need(5);
	check(worksheet_print_area(SHEET(1), (lxw_row_t)u(2), (lxw_col_t)u(3), (lxw_row_t)u(4),
	                           (lxw_col_t)u(5)),
	      field[0]);
}

static void do_worksheet_set_h_pagebreaks(void)
{
	static lxw_row_t rows[MAX_FIELDS];
	if (nfields < 2)
		bad("wrong number of arguments");
	int n = 0;
	for (int i = 2; i < nfields; i++)
		rows[n++] = (lxw_row_t)u(i);
	rows[n] = 0;
	check(worksheet_set_h_pagebreaks(SHEET(1), rows), field[0]);
}

static void do_worksheet_insert_chart_opt(void)
{
	lxw_worksheet *ws = SHEET(1);
	lxw_row_t row = (lxw_row_t)u(2);
	lxw_col_t col = (lxw_col_t)u(3);
	lxw_chart *ch = CHART(4);
	if (nfields == 6 && is_null(5)) {
		check(worksheet_insert_chart_opt(ws, row, col, ch, NULL), field[0]);
		return;
	}
	need(11);
	lxw_chart_options o = {.x_offset = (int32_t)s(5), .y_offset = (int32_t)s(6),
	                       .x_scale = d(7), .y_scale = d(8),
	                       .object_position = (uint8_t)u(9), .description = t(10),
	                       .decorative = (uint8_t)u(11)};
	check(worksheet_insert_chart_opt(ws, row, col, ch, &o), field[0]);
}

static void do_worksheet_data_validation_range(void)
{
	lxw_worksheet *ws = SHEET(1);
	lxw_row_t r1 = (lxw_row_t)u(2), r2 = (lxw_row_t)u(4);
	lxw_col_t c1 = (lxw_col_t)u(3), c2 = (lxw_col_t)u(5);
	if (nfields == 7 && is_null(6)) {
		check(worksheet_data_validation_range(ws, r1, c1, r2, c2, NULL), field[0]);
		return;
	}
	if (nfields < 17)
		bad("wrong number of arguments");
	lxw_data_validation v = {
		.validate = (uint8_t)u(6), .criteria = (uint8_t)u(7), .ignore_blank = (uint8_t)u(8),
		.show_input = (uint8_t)u(9), .show_error = (uint8_t)u(10),
		.error_type = (uint8_t)u(11), .dropdown = (uint8_t)u(12), .value_number = d(13),
		.value_formula = t(14)};
	long items = s(15);
	int i = 16;
	char **list = NULL;
	if (items >= 0) {
		if (nfields < i + items + 26)
			bad("wrong number of arguments");
		list = calloc((size_t)items + 1, sizeof(*list));
		for (long k = 0; k < items; k++)
			list[k] = t(i++);
	}
	need(i + 25);
	v.value_list = list;
	dt(i, &v.value_datetime);
	v.minimum_number = d(i + 6);
	v.minimum_formula = t(i + 7);
	dt(i + 8, &v.minimum_datetime);
	v.maximum_number = d(i + 14);
	v.maximum_formula = t(i + 15);
	dt(i + 16, &v.maximum_datetime);
	v.input_title = t(i + 22);
	v.input_message = t(i + 23);
	v.error_title = t(i + 24);
	v.error_message = t(i + 25);
	check(worksheet_data_validation_range(ws, r1, c1, r2, c2, &v), field[0]);
	free(list);
}

static void do_chart_title_set_name(void)
{
	need(2);
	chart_title_set_name(CHART(1), t(2));
}

static void do_chart_title_set_name_font(void)
{
	if (nfields == 3 && is_null(2)) {
		chart_title_set_name_font(CHART(1), NULL);
		return;
	}
	need(11);
	lxw_chart_font f = {.name = t(2), .size = d(3), .bold = (uint8_t)u(4),
	                    .italic = (uint8_t)u(5), .underline = (uint8_t)u(6),
	                    .rotation = (int32_t)s(7), .color = (lxw_color_t)u(8),
	                    .pitch_family = (uint8_t)u(9), .charset = (uint8_t)u(10),
	                    .baseline = (int8_t)s(11)};
	chart_title_set_name_font(CHART(1), &f);
}

static void do_chart_add_series(void)
{
	need(4);
	if (u(1) != series.n + 1)
		bad("series out of order");
	made(&series, chart_add_series(CHART(2), t(3), t(4)));
}

static void do_chart_series_set_name(void)
{
	need(2);
	chart_series_set_name(SERIES(1), t(2));
}

static void do_chart_series_set_line(void)
{
	lxw_chart_line l;
	chart_series_set_line(SERIES(1), line_at(2, &l));
}

static void do_chart_series_set_marker_line(void)
{
	lxw_chart_line l;
	chart_series_set_marker_line(SERIES(1), line_at(2, &l));
}

static void do_chart_series_set_marker_type(void)
{
	need(2);
	chart_series_set_marker_type(SERIES(1), (uint8_t)u(2));
}

static void do_chart_series_set_marker_size(void)
{
	need(2);
	chart_series_set_marker_size(SERIES(1), (uint8_t)u(2));
}

static void do_chart_series_set_marker_fill(void)
{
	if (nfields == 3 && is_null(2)) {
		chart_series_set_marker_fill(SERIES(1), NULL);
		return;
	}
	need(4);
	lxw_chart_fill f = {.color = (lxw_color_t)u(2), .none = (uint8_t)u(3),
	                    .transparency = (uint8_t)u(4)};
	chart_series_set_marker_fill(SERIES(1), &f);
}

/* The axis named by fields 1 (the chart) and 2 ("x" or "y"). */
static lxw_chart_axis *axis_of(void)
{
	lxw_chart *ch = CHART(1);
	const char *which = t(2);
	if (!which || (strcmp(which, "x") != 0 && strcmp(which, "y") != 0))
		bad("an axis is x or y");
	return *which == 'x' ? ch->x_axis : ch->y_axis;
}

static void do_chart_axis_set_num_format(void)
{
	need(3);
	chart_axis_set_num_format(axis_of(), t(3));
}

static void do_chart_axis_set_min(void)
{
	need(3);
	chart_axis_set_min(axis_of(), d(3));
}

static void do_chart_axis_set_max(void)
{
	need(3);
	chart_axis_set_max(axis_of(), d(3));
}

static void do_chart_legend_set_position(void)
{
	need(2);
	chart_legend_set_position(CHART(1), (uint8_t)u(2));
}

static void do_chart_show_blanks_as(void)
{
	need(2);
	chart_show_blanks_as(CHART(1), (uint8_t)u(2));
}

/* The calls a trace may hold, sorted by name for bsearch. */
typedef struct {
	const char *name;
	void (*fn)(void);
} call;

#define CALL(name) {#name, do_##name}
static const call calls[] = {
	CALL(chart_add_series),
	CALL(chart_axis_set_max),
	CALL(chart_axis_set_min),
	CALL(chart_axis_set_num_format),
	CALL(chart_legend_set_position),
	CALL(chart_series_set_line),
	CALL(chart_series_set_marker_fill),
	CALL(chart_series_set_marker_line),
	CALL(chart_series_set_marker_size),
	CALL(chart_series_set_marker_type),
	CALL(chart_series_set_name),
	CALL(chart_show_blanks_as),
	CALL(chart_title_set_name),
	CALL(chart_title_set_name_font),
	CALL(format_set_align),
	CALL(format_set_bg_color),
	CALL(format_set_bold),
	CALL(format_set_border),
	CALL(format_set_bottom),
	CALL(format_set_font_color),
	CALL(format_set_font_size),
	CALL(format_set_italic),
	CALL(format_set_num_format),
	CALL(format_set_pattern),
	CALL(format_set_text_wrap),
	CALL(lxw_workbook_free),
	CALL(workbook_add_chart),
	CALL(workbook_add_format),
	CALL(workbook_add_worksheet),
	CALL(workbook_close),
	CALL(workbook_new_opt),
	CALL(workbook_set_properties),
	CALL(workbook_validate_sheet_name),
	CALL(worksheet_autofilter),
	CALL(worksheet_data_validation_range),
	CALL(worksheet_fit_to_pages),
	CALL(worksheet_freeze_panes),
	CALL(worksheet_hide),
	CALL(worksheet_insert_chart_opt),
	CALL(worksheet_print_area),
	CALL(worksheet_repeat_columns),
	CALL(worksheet_repeat_rows),
	CALL(worksheet_set_column),
	CALL(worksheet_set_footer),
	CALL(worksheet_set_h_pagebreaks),
	CALL(worksheet_set_header),
	CALL(worksheet_set_landscape),
	CALL(worksheet_set_paper),
	CALL(worksheet_set_print_scale),
	CALL(worksheet_set_portrait),
	CALL(worksheet_set_row),
	CALL(worksheet_write_blank),
	CALL(worksheet_write_number),
	CALL(worksheet_write_string),
};

static int by_name(const void *key, const void *c)
{
	return strcmp(key, ((const call *)c)->name);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: replay TRACE OUT.xlsx\n");
		return 1;
	}
	FILE *in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	out_path = argv[2];
	static char *f[MAX_FIELDS];
	field = f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool closed = false;
	while (!closed && (len = getline(&line, &cap, in)) > 0) {
		line_no++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		nfields = split_fields(line, f, MAX_FIELDS);
		if (nfields < 0)
			bad("too many fields");
		const call *c = bsearch(f[0], calls, sizeof(calls) / sizeof(*calls), sizeof(*calls),
		                        by_name);
		if (!c)
			bad("unknown call");
		if (!wb && c->fn != do_workbook_new_opt)
			bad("a call before workbook_new_opt");
		c->fn();
		closed = c->fn == do_workbook_close;
	}
	if (closed && getline(&line, &cap, in) > 0) {
		fprintf(stderr, "replay: %s: the trace holds more than one workbook\n", argv[1]);
		return 1;
	}
	free(line);
	fclose(in);
	for (int i = 0; i < 10; i++)
		free(props[i]);
	free(formats.p);
	free(sheets.p);
	free(charts.p);
	free(series.p);
	if (!closed) {
		fprintf(stderr, "replay: %s: the trace ends before workbook_close\n", argv[1]);
		return 1;
	}
	return 0;
}
