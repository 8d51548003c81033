/* csvwrite.h - CSV as kpix writes it: the one writer of CSV cells, used by
 * the export, the pack's summary table and the blank template.
 *
 * A cell is quoted (RFC 4180, quotes doubled) only when it must be: when it
 * holds a comma, a double quote or a line break, or starts or ends with a
 * space, which a reader could otherwise trim. Text that a spreadsheet
 * would run as a formula is neutralised. Rows are the caller's: cells are
 * appended to a line the caller separates with commas and ends with
 * "\r\n". */
#ifndef KPIX_CSVWRITE_H
#define KPIX_CSVWRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Appends one CSV cell, the len bytes at s, to line. Text (is_text) that
 * a spreadsheet would run as a formula (it starts with =, +, -, @, a tab
 * or a carriage return, or a full-width ＝ ＋ － ＠: kpix_csv_formula_like)
 * gets a leading apostrophe inside quotes, so that it opens as the text it
 * is; a number (is_text false) is written as it is. */
void kpix_csv_cell(kpix_buf *line, const char *s, size_t len, bool is_text);

#endif
