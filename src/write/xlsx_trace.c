/* xlsx_trace.c - libxlsxwriter's calls, made and written down (see
 * xlsx_trace.h; built only with CMake's KPIX_XLSX_TRACE option). */
#define KPIX_XTRACE_NO_REDIRECT
#include "xlsx_trace.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/* The objects of the workbook being traced, in the order they were made:
 * an object's number in the trace is its place here, from 1. */
typedef struct {
	const void **p;
	size_t n, cap;
} objects;

static FILE *trace;
static objects formats, sheets, charts, series;

static void objects_add(objects *t, const void *p)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		const void **grown = realloc(t->p, cap * sizeof(*grown));
		if (!grown)
			return; /* the trace goes wrong, the workbook does not */
		t->p = grown;
		t->cap = cap;
	}
	t->p[t->n++] = p;
}

/* 0 for NULL (no format), else the object's number. */
static unsigned long objects_id(const objects *t, const void *p)
{
	if (!p)
		return 0;
	for (size_t i = t->n; i > 0; i--)
		if (t->p[i - 1] == p)
			return (unsigned long)i;
	return 0;
}

static void objects_clear(objects *t)
{
	free(t->p);
	*t = (objects){0};
}

static void trace_end_workbook(void)
{
	if (trace)
		fclose(trace);
	trace = NULL;
	objects_clear(&formats);
	objects_clear(&sheets);
	objects_clear(&charts);
	objects_clear(&series);
}

/* Starts a line; false when nothing is being traced. */
static bool begin(const char *name)
{
	if (!trace)
		return false;
	fputs(name, trace);
	return true;
}

static void end(void)
{
	putc('\n', trace);
}

static void put_u(unsigned long v)
{
	fprintf(trace, "\t%lu", v);
}

static void put_i(long v)
{
	fprintf(trace, "\t%ld", v);
}

/* As many digits as read back to the same double. */
static void put_d(double v)
{
	fprintf(trace, "\t%.17g", v);
}

/* Text with \\, \t, \n and \r escaped; NULL as \N. */
static void put_s(const char *s)
{
	putc('\t', trace);
	if (!s) {
		fputs("\\N", trace);
		return;
	}
	for (; *s; s++) {
		switch (*s) {
		case '\\': fputs("\\\\", trace); break;
		case '\t': fputs("\\t", trace); break;
		case '\n': fputs("\\n", trace); break;
		case '\r': fputs("\\r", trace); break;
		default: putc(*s, trace);
		}
	}
}

static void put_null(void)
{
	put_s(NULL);
}

static void put_datetime(const lxw_datetime *d)
{
	put_i(d->year);
	put_i(d->month);
	put_i(d->day);
	put_i(d->hour);
	put_i(d->min);
	put_d(d->sec);
}

static void put_line(const lxw_chart_line *l)
{
	if (!l) {
		put_null();
		return;
	}
	put_u(l->color);
	put_u(l->none);
	put_d(l->width);
	put_u(l->dash_type);
	put_u(l->transparency);
}

/* One line: name, then an argument for each letter of spec: u a whole
 * number (unsigned; any narrower type promoted), i a signed one, d a
 * double, s a text, and the objects W a worksheet, F a format, C a chart,
 * E a chart series (pointers, written as their numbers). */
static void say(const char *name, const char *spec, ...)
{
	if (!begin(name))
		return;
	va_list ap;
	va_start(ap, spec);
	for (; *spec; spec++) {
		switch (*spec) {
		case 'u': put_u(va_arg(ap, unsigned)); break;
		case 'i': put_i(va_arg(ap, int)); break;
		case 'd': put_d(va_arg(ap, double)); break;
		case 's': put_s(va_arg(ap, const char *)); break;
		case 'W': put_u(objects_id(&sheets, va_arg(ap, const void *))); break;
		case 'F': put_u(objects_id(&formats, va_arg(ap, const void *))); break;
		case 'C': put_u(objects_id(&charts, va_arg(ap, const void *))); break;
		case 'E': put_u(objects_id(&series, va_arg(ap, const void *))); break;
		}
	}
	va_end(ap);
	end();
}

/* ------------------------------------------------------------ workbook */

lxw_workbook *kpix_xtrace_workbook_new_opt(const char *path, lxw_workbook_options *o)
{
	trace_end_workbook();
	lxw_workbook *wb = workbook_new_opt(path, o);
	const char *file = getenv("KPIX_XLSX_TRACE");
	if (!wb || !file || !*file)
		return wb;
	trace = fopen(file, "a");
	/* the path and the scratch directory are kpix's own: the replay
	 * writes where it is told */
	if (begin("workbook_new_opt")) {
		if (o) {
			put_u(o->constant_memory);
			put_u(o->use_zip64);
		} else {
			put_null();
		}
		end();
	}
	return wb;
}

lxw_error kpix_xtrace_workbook_set_properties(lxw_workbook *wb, lxw_doc_properties *p)
{
	if (begin("workbook_set_properties")) {
		if (p) {
			const char *texts[] = {p->title, p->subject, p->author, p->manager, p->company,
			                       p->category, p->keywords, p->comments, p->status,
			                       p->hyperlink_base};
			for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++)
				put_s(texts[i]);
			put_i((long)p->created);
		} else {
			put_null();
		}
		end();
	}
	return workbook_set_properties(wb, p);
}

lxw_error kpix_xtrace_workbook_validate_sheet_name(lxw_workbook *wb, const char *name)
{
	say("workbook_validate_sheet_name", "s", name);
	return workbook_validate_sheet_name(wb, name);
}

lxw_worksheet *kpix_xtrace_workbook_add_worksheet(lxw_workbook *wb, const char *name)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	if (ws && trace) {
		objects_add(&sheets, ws);
		say("workbook_add_worksheet", "Ws", ws, name);
	}
	return ws;
}

lxw_format *kpix_xtrace_workbook_add_format(lxw_workbook *wb)
{
	lxw_format *f = workbook_add_format(wb);
	if (f && trace) {
		objects_add(&formats, f);
		say("workbook_add_format", "F", f);
	}
	return f;
}

lxw_chart *kpix_xtrace_workbook_add_chart(lxw_workbook *wb, uint8_t type)
{
	lxw_chart *ch = workbook_add_chart(wb, type);
	if (ch && trace) {
		objects_add(&charts, ch);
		say("workbook_add_chart", "Cu", ch, type);
	}
	return ch;
}

lxw_error kpix_xtrace_workbook_close(lxw_workbook *wb)
{
	say("workbook_close", "");
	trace_end_workbook();
	return workbook_close(wb);
}

void kpix_xtrace_lxw_workbook_free(lxw_workbook *wb)
{
	say("lxw_workbook_free", "");
	trace_end_workbook();
	lxw_workbook_free(wb);
}

/* ------------------------------------------------------------- formats */

void kpix_xtrace_format_set_bold(lxw_format *f)
{
	say("format_set_bold", "F", f);
	format_set_bold(f);
}

void kpix_xtrace_format_set_italic(lxw_format *f)
{
	say("format_set_italic", "F", f);
	format_set_italic(f);
}

void kpix_xtrace_format_set_text_wrap(lxw_format *f)
{
	say("format_set_text_wrap", "F", f);
	format_set_text_wrap(f);
}

void kpix_xtrace_format_set_align(lxw_format *f, uint8_t v)
{
	say("format_set_align", "Fu", f, v);
	format_set_align(f, v);
}

void kpix_xtrace_format_set_border(lxw_format *f, uint8_t v)
{
	say("format_set_border", "Fu", f, v);
	format_set_border(f, v);
}

void kpix_xtrace_format_set_bottom(lxw_format *f, uint8_t v)
{
	say("format_set_bottom", "Fu", f, v);
	format_set_bottom(f, v);
}

void kpix_xtrace_format_set_pattern(lxw_format *f, uint8_t v)
{
	say("format_set_pattern", "Fu", f, v);
	format_set_pattern(f, v);
}

void kpix_xtrace_format_set_bg_color(lxw_format *f, lxw_color_t c)
{
	say("format_set_bg_color", "Fu", f, c);
	format_set_bg_color(f, c);
}

void kpix_xtrace_format_set_font_color(lxw_format *f, lxw_color_t c)
{
	say("format_set_font_color", "Fu", f, c);
	format_set_font_color(f, c);
}

void kpix_xtrace_format_set_font_size(lxw_format *f, double size)
{
	say("format_set_font_size", "Fd", f, size);
	format_set_font_size(f, size);
}

void kpix_xtrace_format_set_num_format(lxw_format *f, const char *num_format)
{
	say("format_set_num_format", "Fs", f, num_format);
	format_set_num_format(f, num_format);
}

/* -------------------------------------------------------------- sheets */

void kpix_xtrace_worksheet_set_paper(lxw_worksheet *ws, uint8_t paper)
{
	say("worksheet_set_paper", "Wu", ws, paper);
	worksheet_set_paper(ws, paper);
}

lxw_error kpix_xtrace_worksheet_write_string(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                             const char *s, lxw_format *f)
{
	say("worksheet_write_string", "WuusF", ws, row, col, s, f);
	return worksheet_write_string(ws, row, col, s, f);
}

lxw_error kpix_xtrace_worksheet_write_number(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                             double v, lxw_format *f)
{
	say("worksheet_write_number", "WuudF", ws, row, col, v, f);
	return worksheet_write_number(ws, row, col, v, f);
}

lxw_error kpix_xtrace_worksheet_write_blank(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                            lxw_format *f)
{
	say("worksheet_write_blank", "WuuF", ws, row, col, f);
	return worksheet_write_blank(ws, row, col, f);
}

lxw_error kpix_xtrace_worksheet_set_column(lxw_worksheet *ws, lxw_col_t first, lxw_col_t last,
                                           double width, lxw_format *f)
{
	say("worksheet_set_column", "WuudF", ws, first, last, width, f);
	return worksheet_set_column(ws, first, last, width, f);
}

lxw_error kpix_xtrace_worksheet_set_row(lxw_worksheet *ws, lxw_row_t row, double height,
                                        lxw_format *f)
{
	say("worksheet_set_row", "WudF", ws, row, height, f);
	return worksheet_set_row(ws, row, height, f);
}

void kpix_xtrace_worksheet_freeze_panes(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col)
{
	say("worksheet_freeze_panes", "Wuu", ws, row, col);
	worksheet_freeze_panes(ws, row, col);
}

lxw_error kpix_xtrace_worksheet_autofilter(lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1,
                                           lxw_row_t r2, lxw_col_t c2)
{
	say("worksheet_autofilter", "Wuuuu", ws, r1, c1, r2, c2);
	return worksheet_autofilter(ws, r1, c1, r2, c2);
}

void kpix_xtrace_worksheet_set_landscape(lxw_worksheet *ws)
{
	say("worksheet_set_landscape", "W", ws);
	worksheet_set_landscape(ws);
}

void kpix_xtrace_worksheet_set_portrait(lxw_worksheet *ws)
{
	say("worksheet_set_portrait", "W", ws);
	worksheet_set_portrait(ws);
}

void kpix_xtrace_worksheet_fit_to_pages(lxw_worksheet *ws, uint16_t width, uint16_t height)
{
	say("worksheet_fit_to_pages", "Wuu", ws, width, height);
	worksheet_fit_to_pages(ws, width, height);
}

lxw_error kpix_xtrace_worksheet_repeat_rows(lxw_worksheet *ws, lxw_row_t first, lxw_row_t last)
{
	say("worksheet_repeat_rows", "Wuu", ws, first, last);
	return worksheet_repeat_rows(ws, first, last);
}

lxw_error kpix_xtrace_worksheet_set_header(lxw_worksheet *ws, const char *s)
{
	say("worksheet_set_header", "Ws", ws, s);
	return worksheet_set_header(ws, s);
}

lxw_error kpix_xtrace_worksheet_set_footer(lxw_worksheet *ws, const char *s)
{
	say("worksheet_set_footer", "Ws", ws, s);
	return worksheet_set_footer(ws, s);
}

lxw_error kpix_xtrace_worksheet_print_area(lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1,
                                           lxw_row_t r2, lxw_col_t c2)
{
	say("worksheet_print_area", "Wuuuu", ws, r1, c1, r2, c2);
	return worksheet_print_area(ws, r1, c1, r2, c2);
}

lxw_error kpix_xtrace_worksheet_set_h_pagebreaks(lxw_worksheet *ws, lxw_row_t breaks[])
{
	if (begin("worksheet_set_h_pagebreaks")) {
		put_u(objects_id(&sheets, ws));
		for (size_t i = 0; breaks && breaks[i]; i++)
			put_u(breaks[i]);
		end();
	}
	return worksheet_set_h_pagebreaks(ws, breaks);
}

lxw_error kpix_xtrace_worksheet_insert_chart_opt(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                                 lxw_chart *ch, lxw_chart_options *o)
{
	if (begin("worksheet_insert_chart_opt")) {
		put_u(objects_id(&sheets, ws));
		put_u(row);
		put_u(col);
		put_u(objects_id(&charts, ch));
		if (o) {
			put_i(o->x_offset);
			put_i(o->y_offset);
			put_d(o->x_scale);
			put_d(o->y_scale);
			put_u(o->object_position);
			put_s(o->description);
			put_u(o->decorative);
		} else {
			put_null();
		}
		end();
	}
	return worksheet_insert_chart_opt(ws, row, col, ch, o);
}

void kpix_xtrace_worksheet_hide(lxw_worksheet *ws)
{
	say("worksheet_hide", "W", ws);
	worksheet_hide(ws);
}

lxw_error kpix_xtrace_worksheet_data_validation_range(lxw_worksheet *ws, lxw_row_t r1,
                                                      lxw_col_t c1, lxw_row_t r2, lxw_col_t c2,
                                                      lxw_data_validation *v)
{
	if (begin("worksheet_data_validation_range")) {
		put_u(objects_id(&sheets, ws));
		put_u(r1);
		put_u(c1);
		put_u(r2);
		put_u(c2);
		if (v) {
			put_u(v->validate);
			put_u(v->criteria);
			put_u(v->ignore_blank);
			put_u(v->show_input);
			put_u(v->show_error);
			put_u(v->error_type);
			put_u(v->dropdown);
			put_d(v->value_number);
			put_s(v->value_formula);
			size_t n = 0;
			while (v->value_list && v->value_list[n])
				n++;
			/* the number of items, then the items; -1 for no list */
			put_i(v->value_list ? (long)n : -1);
			for (size_t i = 0; i < n; i++)
				put_s(v->value_list[i]);
			put_datetime(&v->value_datetime);
			put_d(v->minimum_number);
			put_s(v->minimum_formula);
			put_datetime(&v->minimum_datetime);
			put_d(v->maximum_number);
			put_s(v->maximum_formula);
			put_datetime(&v->maximum_datetime);
			put_s(v->input_title);
			put_s(v->input_message);
			put_s(v->error_title);
			put_s(v->error_message);
		} else {
			put_null();
		}
		end();
	}
	return worksheet_data_validation_range(ws, r1, c1, r2, c2, v);
}

/* -------------------------------------------------------------- charts */

void kpix_xtrace_chart_title_set_name(lxw_chart *ch, const char *name)
{
	say("chart_title_set_name", "Cs", ch, name);
	chart_title_set_name(ch, name);
}

void kpix_xtrace_chart_title_set_name_font(lxw_chart *ch, lxw_chart_font *font)
{
	if (begin("chart_title_set_name_font")) {
		put_u(objects_id(&charts, ch));
		if (font) {
			put_s(font->name);
			put_d(font->size);
			put_u(font->bold);
			put_u(font->italic);
			put_u(font->underline);
			put_i(font->rotation);
			put_u(font->color);
			put_u(font->pitch_family);
			put_u(font->charset);
			put_i(font->baseline);
		} else {
			put_null();
		}
		end();
	}
	chart_title_set_name_font(ch, font);
}

lxw_chart_series *kpix_xtrace_chart_add_series(lxw_chart *ch, const char *categories,
                                               const char *values)
{
	lxw_chart_series *se = chart_add_series(ch, categories, values);
	if (se && trace) {
		objects_add(&series, se);
		say("chart_add_series", "ECss", se, ch, categories, values);
	}
	return se;
}

void kpix_xtrace_chart_series_set_name(lxw_chart_series *se, const char *name)
{
	say("chart_series_set_name", "Es", se, name);
	chart_series_set_name(se, name);
}

void kpix_xtrace_chart_series_set_line(lxw_chart_series *se, lxw_chart_line *line)
{
	if (begin("chart_series_set_line")) {
		put_u(objects_id(&series, se));
		put_line(line);
		end();
	}
	chart_series_set_line(se, line);
}

void kpix_xtrace_chart_series_set_marker_type(lxw_chart_series *se, uint8_t type)
{
	say("chart_series_set_marker_type", "Eu", se, type);
	chart_series_set_marker_type(se, type);
}

void kpix_xtrace_chart_series_set_marker_size(lxw_chart_series *se, uint8_t size)
{
	say("chart_series_set_marker_size", "Eu", se, size);
	chart_series_set_marker_size(se, size);
}

void kpix_xtrace_chart_series_set_marker_fill(lxw_chart_series *se, lxw_chart_fill *fill)
{
	if (begin("chart_series_set_marker_fill")) {
		put_u(objects_id(&series, se));
		if (fill) {
			put_u(fill->color);
			put_u(fill->none);
			put_u(fill->transparency);
		} else {
			put_null();
		}
		end();
	}
	chart_series_set_marker_fill(se, fill);
}

void kpix_xtrace_chart_series_set_marker_line(lxw_chart_series *se, lxw_chart_line *line)
{
	if (begin("chart_series_set_marker_line")) {
		put_u(objects_id(&series, se));
		put_line(line);
		end();
	}
	chart_series_set_marker_line(se, line);
}

void kpix_xtrace_chart_axis_set_num_format(lxw_chart_axis *axis, const char *num_format)
{
	if (trace) {
		/* an axis is named by its chart and which axis it is */
		const lxw_chart *ch = NULL;
		for (size_t i = 0; i < charts.n && !ch; i++) {
			const lxw_chart *c = charts.p[i];
			if (c->x_axis == axis || c->y_axis == axis)
				ch = c;
		}
		say("chart_axis_set_num_format", "Css", ch, ch && ch->x_axis == axis ? "x" : "y",
		    num_format);
	}
	chart_axis_set_num_format(axis, num_format);
}

void kpix_xtrace_chart_legend_set_position(lxw_chart *ch, uint8_t position)
{
	say("chart_legend_set_position", "Cu", ch, position);
	chart_legend_set_position(ch, position);
}

void kpix_xtrace_chart_show_blanks_as(lxw_chart *ch, uint8_t option)
{
	say("chart_show_blanks_as", "Cu", ch, option);
	chart_show_blanks_as(ch, option);
}
