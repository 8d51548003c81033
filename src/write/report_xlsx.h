/* report_xlsx.h - a validation report as a table on a worksheet, for the
 * workbooks kpix writes (an export's diagnostics sheet, the pack's).
 * Written through the workbook wrapper (xlsx.h), which knows nothing of
 * reports. */
#ifndef KPIX_REPORT_XLSX_H
#define KPIX_REPORT_XLSX_H

#include <stdint.h>

#include "kpix/kpix.h"
#include "xlsx.h"

/* The warnings of a validation as a table: headings on row, then one row
 * per warning kept (file, row, column, field, code, rule, value, message),
 * or a sentence saying there were none, and a note when more were counted
 * than kept. Returns the first row after it. */
uint32_t kpix_report_xlsx_warnings(kpix_xlsx_sheet *ws, uint32_t row, const kpix_report *rep);

/* Sets the widths of the table's eight columns (kpix_report_xlsx_warnings
 * does too): a sheet that writes rows above the table calls it first, so
 * that their text is measured at the widths it will print at. */
void kpix_report_xlsx_columns(kpix_xlsx_sheet *ws);

#endif
