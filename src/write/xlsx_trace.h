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
 * libxlsxwriter call in xlsx.c needs a shim here and a line in replay.c. */
#ifndef KPIX_XLSX_TRACE_H
#define KPIX_XLSX_TRACE_H

#include <xlsxwriter.h>

lxw_workbook *kpix_xtrace_workbook_new_opt(const char *path, lxw_workbook_options *o);
lxw_error kpix_xtrace_workbook_set_properties(lxw_workbook *wb, lxw_doc_properties *p);
lxw_error kpix_xtrace_workbook_validate_sheet_name(lxw_workbook *wb, const char *name);
lxw_worksheet *kpix_xtrace_workbook_add_worksheet(lxw_workbook *wb, const char *name);
lxw_format *kpix_xtrace_workbook_add_format(lxw_workbook *wb);
lxw_chart *kpix_xtrace_workbook_add_chart(lxw_workbook *wb, uint8_t type);
lxw_error kpix_xtrace_workbook_close(lxw_workbook *wb);
void kpix_xtrace_lxw_workbook_free(lxw_workbook *wb);

void kpix_xtrace_format_set_bold(lxw_format *f);
void kpix_xtrace_format_set_italic(lxw_format *f);
void kpix_xtrace_format_set_text_wrap(lxw_format *f);
void kpix_xtrace_format_set_align(lxw_format *f, uint8_t v);
void kpix_xtrace_format_set_border(lxw_format *f, uint8_t v);
void kpix_xtrace_format_set_bottom(lxw_format *f, uint8_t v);
void kpix_xtrace_format_set_pattern(lxw_format *f, uint8_t v);
void kpix_xtrace_format_set_bg_color(lxw_format *f, lxw_color_t c);
void kpix_xtrace_format_set_font_color(lxw_format *f, lxw_color_t c);
void kpix_xtrace_format_set_font_size(lxw_format *f, double size);
void kpix_xtrace_format_set_num_format(lxw_format *f, const char *num_format);

void kpix_xtrace_worksheet_set_paper(lxw_worksheet *ws, uint8_t paper);
lxw_error kpix_xtrace_worksheet_write_string(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                             const char *s, lxw_format *f);
lxw_error kpix_xtrace_worksheet_write_number(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                             double v, lxw_format *f);
lxw_error kpix_xtrace_worksheet_write_blank(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                            lxw_format *f);
lxw_error kpix_xtrace_worksheet_set_column(lxw_worksheet *ws, lxw_col_t first, lxw_col_t last,
                                           double width, lxw_format *f);
lxw_error kpix_xtrace_worksheet_set_row(lxw_worksheet *ws, lxw_row_t row, double height,
                                        lxw_format *f);
void kpix_xtrace_worksheet_freeze_panes(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col);
lxw_error kpix_xtrace_worksheet_autofilter(lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1,
                                           lxw_row_t r2, lxw_col_t c2);
void kpix_xtrace_worksheet_set_landscape(lxw_worksheet *ws);
void kpix_xtrace_worksheet_set_portrait(lxw_worksheet *ws);
void kpix_xtrace_worksheet_fit_to_pages(lxw_worksheet *ws, uint16_t width, uint16_t height);
lxw_error kpix_xtrace_worksheet_repeat_rows(lxw_worksheet *ws, lxw_row_t first, lxw_row_t last);
lxw_error kpix_xtrace_worksheet_set_header(lxw_worksheet *ws, const char *s);
lxw_error kpix_xtrace_worksheet_set_footer(lxw_worksheet *ws, const char *s);
lxw_error kpix_xtrace_worksheet_print_area(lxw_worksheet *ws, lxw_row_t r1, lxw_col_t c1,
                                           lxw_row_t r2, lxw_col_t c2);
lxw_error kpix_xtrace_worksheet_set_h_pagebreaks(lxw_worksheet *ws, lxw_row_t breaks[]);
lxw_error kpix_xtrace_worksheet_insert_chart_opt(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                                                 lxw_chart *ch, lxw_chart_options *o);
void kpix_xtrace_worksheet_hide(lxw_worksheet *ws);
lxw_error kpix_xtrace_worksheet_data_validation_range(lxw_worksheet *ws, lxw_row_t r1,
                                                      lxw_col_t c1, lxw_row_t r2, lxw_col_t c2,
                                                      lxw_data_validation *v);

void kpix_xtrace_chart_title_set_name(lxw_chart *ch, const char *name);
void kpix_xtrace_chart_title_set_name_font(lxw_chart *ch, lxw_chart_font *font);
lxw_chart_series *kpix_xtrace_chart_add_series(lxw_chart *ch, const char *categories,
                                               const char *values);
void kpix_xtrace_chart_series_set_name(lxw_chart_series *se, const char *name);
void kpix_xtrace_chart_series_set_line(lxw_chart_series *se, lxw_chart_line *line);
void kpix_xtrace_chart_series_set_marker_type(lxw_chart_series *se, uint8_t type);
void kpix_xtrace_chart_series_set_marker_size(lxw_chart_series *se, uint8_t size);
void kpix_xtrace_chart_series_set_marker_fill(lxw_chart_series *se, lxw_chart_fill *fill);
void kpix_xtrace_chart_series_set_marker_line(lxw_chart_series *se, lxw_chart_line *line);
void kpix_xtrace_chart_axis_set_num_format(lxw_chart_axis *axis, const char *num_format);
void kpix_xtrace_chart_legend_set_position(lxw_chart *ch, uint8_t position);
void kpix_xtrace_chart_show_blanks_as(lxw_chart *ch, uint8_t option);

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
#define chart_legend_set_position(...) kpix_xtrace_chart_legend_set_position(__VA_ARGS__)
#define chart_show_blanks_as(...) kpix_xtrace_chart_show_blanks_as(__VA_ARGS__)
#endif

#endif
