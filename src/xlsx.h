/* xlsx.h - the one module that talks to libxlsxwriter.
 *
 * It keeps libxlsxwriter's sharp edges away from the rest of kpix: every
 * lxw_error is checked and the first one is kept with the file's name;
 * text is made safe before it is handed over (no empty strings, which
 * libxlsxwriter 1.1.4 mishandles in several calls; no control characters,
 * which would make the XML invalid; at most Excel's 32,767 characters);
 * text is always written as text, never as a formula; and nothing that
 * depends on the clock, time zone or locale reaches the file: the
 * workbook's date is given by the caller.
 *
 * Workbooks are written in libxlsxwriter's constant-memory mode: rows of a
 * sheet must be written in order, and memory stays flat however many
 * rows there are. */
#ifndef KPIX_XLSX_H
#define KPIX_XLSX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

typedef struct kpix_xlsx kpix_xlsx;
typedef struct kpix_xlsx_sheet kpix_xlsx_sheet;

/* A cell style. Styles are compared by value and made once per workbook. */
typedef struct {
	bool bold;
	bool wrap;
	bool border;          /* thin border all round */
	bool heading;         /* bold on a grey fill, bottom border */
	double size;          /* font size; 0 for the default */
	const char *number_format; /* NULL for General */
	uint32_t fill;        /* 0xRRGGBB + 1, or 0 for none */
} kpix_xstyle;

/* Starts a workbook at path; display is the name used in messages (the
 * file's final name, not its temporary one). */
int kpix_xlsx_open(kpix_xlsx **out, const char *path, const char *display);

/* Sets the document properties (any may be NULL) and the date recorded
 * as created and modified, in seconds since 1970 (UTC). */
void kpix_xlsx_properties(kpix_xlsx *x, const char *const props[7], int64_t created);

/* Adds a worksheet; NULL (and the error kept) on failure. */
kpix_xlsx_sheet *kpix_xlsx_add_sheet(kpix_xlsx *x, const char *name);

void kpix_xlsx_text(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const char *text, size_t len,
                    const kpix_xstyle *style);
void kpix_xlsx_number(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, double v,
                      const kpix_xstyle *style);
/* A blank cell that still carries a style (a fill, a border). */
void kpix_xlsx_blank(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const kpix_xstyle *style);

void kpix_xlsx_column_width(kpix_xlsx_sheet *s, uint16_t col, double width);
void kpix_xlsx_row_height(kpix_xlsx_sheet *s, uint32_t row, double height);
void kpix_xlsx_freeze(kpix_xlsx_sheet *s, uint32_t rows, uint16_t cols);
void kpix_xlsx_filter(kpix_xlsx_sheet *s, uint32_t first_row, uint32_t last_row, uint16_t last_col);
/* Landscape or portrait, fit to one page wide, the rows [first, last] at
 * the top of every page, and a page header and footer (Excel's codes such
 * as &P and &N; NULL for none). */
void kpix_xlsx_print(kpix_xlsx_sheet *s, bool landscape, bool fit_width, int repeat_first,
                     int repeat_last, const char *header, const char *footer);

/* Writes the file and frees x. Returns 0, or KPIX_EIO with a message
 * naming the file for the first thing that went wrong. NULL-safe. */
int kpix_xlsx_close(kpix_xlsx *x);

/* Gives the workbook up without writing anything, and frees x. NULL-safe. */
void kpix_xlsx_discard(kpix_xlsx *x);

/* "1.1.4" */
const char *kpix_xlsx_version(void);

#endif
