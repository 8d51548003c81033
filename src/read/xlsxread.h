/* xlsxread.h - read one sheet of an Excel workbook (.xlsx) as a record source.
 *
 * The one module that knows minizip (the zip archive a workbook is) and
 * expat (the XML inside it). The sheet is read as it is inflated, one row
 * at a time, so memory grows with the workbook's shared strings (every
 * distinct text of the workbook, which Excel keeps in one table) and not
 * with the sheet; docs/limits.md lists the caps.
 *
 * Which sheet: the one the options name (source.h's sheet); without a
 * name, the sheet called KPIX_WORKBOOK_SHEET when there is a visible one,
 * otherwise the first visible sheet.
 *
 * Cells are handed over as the text a person sees in them, in the form the
 * validator reads (a date marked as one, so that a date field takes it
 * whatever format its schema gives for text): shared and inline strings as written; a number as the
 * shortest text that reads back as the same double (kpix_format_number);
 * a number under a date format as an ISO date (YYYY-MM-DD, with THH:MM:SS
 * when the format shows a time too; HH:MM:SS for a time alone), in the
 * workbook's 1900 or 1904 date system, with Excel's 29 February 1900; a
 * number under a percentage format as the number a hundred times larger
 * followed by % ("82%" for 0.82); TRUE and FALSE; a formula as its saved
 * value. An Excel error (#N/A, #DIV/0!) or a formula saved without a value
 * is a problem at its cell, and the cell is handed over empty. Hidden rows
 * are read like any other; rows that hold no value (only formatting) are
 * blank rows when data follows them and nothing at all after the last
 * row of data. Every row after the header has at least as many cells as
 * the header (empty ones added), as a CSV saved by Excel does. Merged
 * cells are as Excel keeps them: the value in the first cell of the range,
 * the others empty, with a warning naming the range.
 *
 * Problems name their cell as Excel shows it: Data!C4.
 */
#ifndef KPIX_XLSXREAD_H
#define KPIX_XLSXREAD_H

#include <stddef.h>

#include "source.h"

/* The sheet read when the options name none and the workbook has it: the
 * data sheet of the template kpix writes (write/template.c). */
#define KPIX_WORKBOOK_SHEET "Data"

/* Opens the file at path, a zip archive, as a workbook source. A zip that is
 * not an Excel workbook (an OpenDocument spreadsheet, a Word document, a
 * binary .xlsb workbook, any other archive) opens too, as a source whose
 * reading reports one source-error saying what the file is and what to
 * do. Returns 0, or KPIX_EIO when the file cannot be opened. */
int kpix_xlsx_source_open(kpix_source **out, const char *path, const kpix_source_options *opts);

/* The same for len bytes at data (tests, fuzzing), named name in messages;
 * the bytes must outlive the source. */
int kpix_xlsx_source_open_mem(kpix_source **out, const char *name, const void *data, size_t len,
                              const kpix_source_options *opts);

/* The reference prefix of a sheet's cells as Excel writes it: Data! or,
 * when the name needs quoting, 'My data'! with any apostrophe doubled.
 * Newly allocated; the caller frees it. */
char *kpix_xlsx_sheet_prefix(const char *name);

#endif
