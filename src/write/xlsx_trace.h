/* xlsx_trace.h - the benchmark's record of what xlsx.c asks of libxlsxwriter.
 *
 * Compiled only when CMake's KPIX_XLSX_TRACE option is on (bench/pack.sh
 * and bench/export.sh build such a kpix of their own; the shipped kpix and
 * every ordinary build have none of this). xlsx.c includes this header
 * after <xlsxwriter.h>; each libxlsxwriter function that xlsx.c calls is
 * then a macro for a kpix_xtrace_ function of the same arguments, which
 * makes the call and, when the environment variable KPIX_XLSX_TRACE names a
 * file, appends one line saying what was called with what. bench/replay.c
 * makes the same calls from those lines: the bare libxlsxwriter program of
 * the benchmarks writes the very workbook kpix writes without a second copy
 * of kpix's logic. bench/README.md describes the lines.
 *
 * The trace file is opened (for appending) when a workbook is started and
 * closed when it is closed or given up; a file that cannot be opened or
 * written leaves the workbook as it would be without a trace (the
 * benchmark finds the trace missing or short). Not thread-safe: one
 * workbook at a time, as the benchmarks run kpix.
 *
 * A call xlsx.c makes that has no macro here is not traced, and the
 * benchmark's part-by-part comparison of the two workbooks fails: a new
 * libxlsxwriter call in xlsx.c needs a row in a table here, its macro below
 * and a line in replay.c. */
#ifndef KPIX_XLSX_TRACE_H
#define KPIX_XLSX_TRACE_H

#include <xlsxwriter.h>

/* Every traced call but the four below, as a table from which
 * xlsx_trace.c makes each shim: the shim makes the call and writes one line,
 * the call's name and its arguments as the letters of spec say (say() in
 * xlsx_trace.c):
 *
 *	u i d s   a whole number (unsigned or any narrower type), a signed
 *	          one, a double, a text
 *	W F C E   a worksheet, a format, a chart, a chart series: its number
 *	L P T     a chart line, a chart fill, a chart font: each member
 *	O V D B   a chart's options, a data validation, the document
 *	          properties, a list of page breaks ended by 0
 *	-         an argument that is not written (the workbook)
 *
 * KPIX_XTRACE_CALLS(X) has X(returns, fn, spec, (parameters), (arguments))
 * for each call whose shim returns what the call does (void or lxw_error).
 * KPIX_XTRACE_MAKERS(X) has X(type, fn, list, spec, (parameters),
 * (arguments)) for each call that makes an object: the shim numbers the
 * object in its list, writes it first and returns it. */
#define KPIX_XTRACE_CALLS(X) \
	X(lxw_error, workbook_set_properties, "-D", (lxw_workbook *wb, lxw_doc_properties *p), \
	  (wb, p)) \
	X(lxw_error, workbook_validate_sheet_name, "-s", (lxw_workbook *wb, const char *name), \
	  (wb, name)) \
	X(void, format_set_bold, "F", (lxw_format *f), (f)) \
	X(void, format_set_italic, "F", (lxw_format *f), (f)) \
	X(void, format_set_text_wrap, "F", (lxw_format *f), (f)) \
	X(void, format_set_align, "Fu", (lxw_format *f, uint8_t v), (f, v)) \
	X(void, format_set_border, "Fu", (lxw_format *f, uint8_t v), (f, v)) \
	X(void, format_set_bottom, "Fu", (lxw_format *f, uint8_t v), (f, v)) \
	X(void, format_set_pattern, "Fu", (lxw_format *f, uint8_t v), (f, v)) \
	X(void, format_set_bg_color, "Fu", (lxw_format *f, lxw_color_t c), (f, c)) \
	X(void, format_set_font_color, "Fu", (lxw_format *f, lxw_color_t c), (f, c)) \
	X(void, format_set_font_size, "Fd", (lxw_format *f, double size), (f, size)) \
	X(void, format_set_num_format, "Fs", (lxw_format *f, const char *s), (f, s)) \
	X(void, worksheet_set_paper, "Wu", (lxw_worksheet *ws, uint8_t paper), (ws, paper)) \
	X(lxw_error, worksheet_write_string, "WuusF", \
	  (lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f), \
	  (ws, row, col, s, f)) \
	X(lxw_error, worksheet_write_number, "WuudF", \
	  (lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, lxw_format *f), \
	  (ws, row, col, v, f)) \
	X(lxw_error, worksheet_write_blank, "WuuF", \
	  (lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, lxw_format *f), (ws, row, col, f)) \
	X(lxw_error, worksheet_set_column, "WuudF", \
	  (lxw_worksheet *ws, lxw_col_t first, lxw_col_t last, double width, lxw_format *f), \
	  (ws, first, last, width, f)) \
	X(lxw_error, worksheet_set_row, "WudF", \
	  (lxw_worksheet *ws, lxw_row_t row, double height, lxw_format *f), (ws, row, height, f)) \
	X(void, worksheet_freeze_panes, "Wuu", (lxw_worksheet *ws, lxw_row_t row, lxw_col_t col), \
	  (ws, row, col)) \
	X(lxw_error, worksheet_autofilter, "Wuuuu", \
	  (lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2), \
	  (ws, r1, c1, r2, c2)) \
	X(void, worksheet_set_landscape, "W", (lxw_worksheet *ws), (ws)) \
	X(void, worksheet_set_portrait, "W", (lxw_worksheet *ws), (ws)) \
	X(void, worksheet_fit_to_pages, "Wuu", (lxw_worksheet *ws, uint16_t width, uint16_t height), \
	  (ws, width, height)) \
	X(void, worksheet_set_print_scale, "Wu", (lxw_worksheet *ws, uint16_t scale), (ws, scale)) \
	X(lxw_error, worksheet_repeat_columns, "Wuu", \
	  (lxw_worksheet *ws, lxw_col_t first, lxw_col_t last), (ws, first, last)) \
	X(lxw_error, worksheet_repeat_rows, "Wuu", \
	  (lxw_worksheet *ws, lxw_row_t first, lxw_row_t last), (ws, first, last)) \
	X(lxw_error, worksheet_set_header, "Ws", (lxw_worksheet *ws, const char *s), (ws, s)) \
	X(lxw_error, worksheet_set_footer, "Ws", (lxw_worksheet *ws, const char *s), (ws, s)) \
	X(lxw_error, worksheet_print_area, "Wuuuu", \
	  (lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2), \
	  (ws, r1, c1, r2, c2)) \
	X(lxw_error, worksheet_set_h_pagebreaks, "WB", (lxw_worksheet *ws, lxw_row_t breaks[]), \
	  (ws, breaks)) \
	X(lxw_error, worksheet_insert_chart_opt, "WuuCO", \
	  (lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, lxw_chart *ch, lxw_chart_options *o), \
	  (ws, row, col, ch, o)) \
	X(void, worksheet_hide, "W", (lxw_worksheet *ws), (ws)) \
	X(lxw_error, worksheet_data_validation_range, "WuuuuV", \
	  (lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2, \
	   lxw_data_validation *v), \
	  (ws, r1, c1, r2, c2, v)) \
	X(void, chart_title_set_name, "Cs", (lxw_chart *ch, const char *name), (ch, name)) \
	X(void, chart_title_set_name_font, "CT", (lxw_chart *ch, lxw_chart_font *font), (ch, font)) \
	X(void, chart_series_set_name, "Es", (lxw_chart_series *se, const char *name), (se, name)) \
	X(void, chart_series_set_line, "EL", (lxw_chart_series *se, lxw_chart_line *line), \
	  (se, line)) \
	X(void, chart_series_set_marker_type, "Eu", (lxw_chart_series *se, uint8_t type), (se, type)) \
	X(void, chart_series_set_marker_size, "Eu", (lxw_chart_series *se, uint8_t size), (se, size)) \
	X(void, chart_series_set_marker_fill, "EP", (lxw_chart_series *se, lxw_chart_fill *fill), \
	  (se, fill)) \
	X(void, chart_series_set_marker_line, "EL", (lxw_chart_series *se, lxw_chart_line *line), \
	  (se, line)) \
	X(void, chart_legend_set_position, "Cu", (lxw_chart *ch, uint8_t position), (ch, position)) \
	X(void, chart_show_blanks_as, "Cu", (lxw_chart *ch, uint8_t option), (ch, option))

#define KPIX_XTRACE_MAKERS(X) \
	X(lxw_worksheet, workbook_add_worksheet, sheets, "W-s", \
	  (lxw_workbook *wb, const char *name), (wb, name)) \
	X(lxw_format, workbook_add_format, formats, "F-", (lxw_workbook *wb), (wb)) \
	X(lxw_chart, workbook_add_chart, charts, "C-u", (lxw_workbook *wb, uint8_t type), \
	  (wb, type)) \
	X(lxw_chart_series, chart_add_series, series, "ECss", \
	  (lxw_chart *ch, const char *categories, const char *values), (ch, categories, values))

#define KPIX_XTRACE_DECLARE(returns, fn, spec, params, args) returns kpix_xtrace_##fn params;
#define KPIX_XTRACE_DECLARE_MAKER(type, fn, list, spec, params, args) \
	type *kpix_xtrace_##fn params;
KPIX_XTRACE_CALLS(KPIX_XTRACE_DECLARE)
KPIX_XTRACE_MAKERS(KPIX_XTRACE_DECLARE_MAKER)

/* The calls that begin and end a workbook's trace, and the one whose
 * object (an axis) is named by the chart that holds it. */
lxw_workbook *kpix_xtrace_workbook_new_opt(const char *path, lxw_workbook_options *o);
lxw_error kpix_xtrace_workbook_close(lxw_workbook *wb);
void kpix_xtrace_lxw_workbook_free(lxw_workbook *wb);
void kpix_xtrace_chart_axis_set_num_format(lxw_chart_axis *axis, const char *num_format);
void kpix_xtrace_chart_axis_set_min(lxw_chart_axis *axis, double min);
void kpix_xtrace_chart_axis_set_max(lxw_chart_axis *axis, double max);

/* What xlsx.c calls by libxlsxwriter's names (a macro cannot define a
 * macro, so these are not made from the tables). */
#ifndef KPIX_XTRACE_NO_REDIRECT
#define workbook_new_opt(...) kpix_xtrace_workbook_new_opt(__VA_ARGS__)
#define workbook_set_properties(...) kpix_xtrace_workbook_set_properties(__VA_ARGS__)
#define workbook_validate_sheet_name(...) kpix_xtrace_workbook_validate_sheet_name(__VA_ARGS__)
#define workbook_add_worksheet(...) kpix_xtrace_workbook_add_worksheet(__VA_ARGS__)
#define workbook_add_format(...) kpix_xtrace_workbook_add_format(__VA_ARGS__)
#define workbook_add_chart(...) kpix_xtrace_workbook_add_chart(__VA_ARGS__)
#define workbook_close(...) kpix_xtrace_workbook_close(__VA_ARGS__)
#define lxw_workbook_free(...) kpix_xtrace_lxw_workbook_free(__VA_ARGS__)
#define format_set_bold(...) kpix_xtrace_format_set_bold(__VA_ARGS__)
#define format_set_italic(...) kpix_xtrace_format_set_italic(__VA_ARGS__)
#define format_set_text_wrap(...) kpix_xtrace_format_set_text_wrap(__VA_ARGS__)
#define format_set_align(...) kpix_xtrace_format_set_align(__VA_ARGS__)
#define format_set_border(...) kpix_xtrace_format_set_border(__VA_ARGS__)
#define format_set_bottom(...) kpix_xtrace_format_set_bottom(__VA_ARGS__)
#define format_set_pattern(...) kpix_xtrace_format_set_pattern(__VA_ARGS__)
#define format_set_bg_color(...) kpix_xtrace_format_set_bg_color(__VA_ARGS__)
#define format_set_font_color(...) kpix_xtrace_format_set_font_color(__VA_ARGS__)
#define format_set_font_size(...) kpix_xtrace_format_set_font_size(__VA_ARGS__)
#define format_set_num_format(...) kpix_xtrace_format_set_num_format(__VA_ARGS__)
#define worksheet_set_paper(...) kpix_xtrace_worksheet_set_paper(__VA_ARGS__)
#define worksheet_write_string(...) kpix_xtrace_worksheet_write_string(__VA_ARGS__)
#define worksheet_write_number(...) kpix_xtrace_worksheet_write_number(__VA_ARGS__)
#define worksheet_write_blank(...) kpix_xtrace_worksheet_write_blank(__VA_ARGS__)
#define worksheet_set_column(...) kpix_xtrace_worksheet_set_column(__VA_ARGS__)
#define worksheet_set_row(...) kpix_xtrace_worksheet_set_row(__VA_ARGS__)
#define worksheet_freeze_panes(...) kpix_xtrace_worksheet_freeze_panes(__VA_ARGS__)
#define worksheet_autofilter(...) kpix_xtrace_worksheet_autofilter(__VA_ARGS__)
#define worksheet_set_landscape(...) kpix_xtrace_worksheet_set_landscape(__VA_ARGS__)
#define worksheet_set_portrait(...) kpix_xtrace_worksheet_set_portrait(__VA_ARGS__)
#define worksheet_fit_to_pages(...) kpix_xtrace_worksheet_fit_to_pages(__VA_ARGS__)
#define worksheet_repeat_columns(...) kpix_xtrace_worksheet_repeat_columns(__VA_ARGS__)
#define worksheet_set_print_scale(...) kpix_xtrace_worksheet_set_print_scale(__VA_ARGS__)
#define worksheet_repeat_rows(...) kpix_xtrace_worksheet_repeat_rows(__VA_ARGS__)
#define worksheet_set_header(...) kpix_xtrace_worksheet_set_header(__VA_ARGS__)
#define worksheet_set_footer(...) kpix_xtrace_worksheet_set_footer(__VA_ARGS__)
#define worksheet_print_area(...) kpix_xtrace_worksheet_print_area(__VA_ARGS__)
#define worksheet_set_h_pagebreaks(...) kpix_xtrace_worksheet_set_h_pagebreaks(__VA_ARGS__)
#define worksheet_insert_chart_opt(...) kpix_xtrace_worksheet_insert_chart_opt(__VA_ARGS__)
#define worksheet_hide(...) kpix_xtrace_worksheet_hide(__VA_ARGS__)
#define worksheet_data_validation_range(...) \
	kpix_xtrace_worksheet_data_validation_range(__VA_ARGS__)
#define chart_title_set_name(...) kpix_xtrace_chart_title_set_name(__VA_ARGS__)
#define chart_title_set_name_font(...) kpix_xtrace_chart_title_set_name_font(__VA_ARGS__)
#define chart_add_series(...) kpix_xtrace_chart_add_series(__VA_ARGS__)
#define chart_series_set_name(...) kpix_xtrace_chart_series_set_name(__VA_ARGS__)
#define chart_series_set_line(...) kpix_xtrace_chart_series_set_line(__VA_ARGS__)
#define chart_series_set_marker_type(...) kpix_xtrace_chart_series_set_marker_type(__VA_ARGS__)
#define chart_series_set_marker_size(...) kpix_xtrace_chart_series_set_marker_size(__VA_ARGS__)
#define chart_series_set_marker_fill(...) kpix_xtrace_chart_series_set_marker_fill(__VA_ARGS__)
#define chart_series_set_marker_line(...) kpix_xtrace_chart_series_set_marker_line(__VA_ARGS__)
#define chart_axis_set_num_format(...) kpix_xtrace_chart_axis_set_num_format(__VA_ARGS__)
#define chart_axis_set_min(...) kpix_xtrace_chart_axis_set_min(__VA_ARGS__)
#define chart_axis_set_max(...) kpix_xtrace_chart_axis_set_max(__VA_ARGS__)
#define chart_legend_set_position(...) kpix_xtrace_chart_legend_set_position(__VA_ARGS__)
#define chart_show_blanks_as(...) kpix_xtrace_chart_show_blanks_as(__VA_ARGS__)
#endif

#endif
