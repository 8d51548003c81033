/* report_text.h - the sentences a report for a person is made of, worded
 * once for every such report the library writes (the annotated workbook
 * and the HTML page, write/report_annotated.c and write/report_html.c):
 * where a problem is, the code it is counted under, the verdict and the
 * likely cause. Each appends to a kpix_buf the caller owns. */
#ifndef KPIX_REPORT_TEXT_H
#define KPIX_REPORT_TEXT_H

#include "kpix/kpix.h"
#include "util.h"

/* Where d is, as a spreadsheet names it: "Data!C4" in a workbook, "row 4,
 * column C" in a CSV file; "sheet Data, row 4" or "row 4" for a whole row,
 * "sheet Data, column C" or "column C" for a column, "whole table". */
void kpix_report_where(kpix_buf *out, const kpix_report *r, const kpix_diag *d);

/* The code d is counted under: a schema rule's or check's own code for
 * row-constraint, completeness and figure-constraint, else d's code. */
const char *kpix_report_shown_code(const kpix_diag *d);

/* "invalid: 1 file checked against S 1.0, 22 data rows read, 14 rejected;
 * 20 errors, 4 warnings" ("valid: ..." without errors). */
void kpix_report_verdict(kpix_buf *out, const kpix_report *r, const kpix_schema *schema);

/* The likely cause in a sentence, "21 of the 21 errors listed are the
 * value '2025/26 Q2' in column B (period), the first in row 2: MESSAGE",
 * and true; false (nothing appended) when the errors share none. *first
 * is set to the first error of it (may be NULL). */
bool kpix_report_cause_sentence(kpix_buf *out, const kpix_report *r, const kpix_diag **first);

/* The index of d's file among the report's files, or their count when d
 * is about no one file. */
size_t kpix_report_file_index(const kpix_report *r, const kpix_diag *d);

/* The indexes of the diagnostics kept, sorted by place: by file (in the
 * order given, a problem of no file last), row, column (a whole row's
 * problems before its cells'), then in the order found. Newly allocated,
 * kpix_report_count(r) of them; the caller frees it. */
size_t *kpix_report_by_place(const kpix_report *r);

#endif
