/* xlsx.h - the one module that talks to libxlsxwriter.
 *
 * It keeps libxlsxwriter's sharp edges away from the rest of kpix: every
 * lxw_error is checked and the first one is kept with the file's name;
 * every text is made safe by one cleaning before it is handed over (no
 * empty strings, which libxlsxwriter 1.1.4 mishandles in several calls;
 * control characters other than tab, line feed and carriage return, DEL,
 * U+FFFE, U+FFFF and bytes that are not UTF-8, which would make the XML
 * invalid, made U+FFFD; at most Excel's 32,767 characters in a cell);
 * '&' is left alone, since a page header's codes are made of it;
 * text is always written as text, never as a formula; and nothing that
 * depends on the clock, time zone or locale reaches the file: the
 * workbook's date is given by the caller.
 *
 * Workbooks are written in libxlsxwriter's constant-memory mode: rows of a
 * sheet must be written in order, and memory stays flat however many
 * rows there are. Column settings and checks (data validation) may be
 * given at any time: libxlsxwriter keeps them until the workbook is
 * closed. */
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
	uint32_t color;       /* the font's colour, 0xRRGGBB + 1, or 0 for the default */
	bool italic;
	bool center;          /* centred across the cell */
	uint32_t stripes;     /* with fill: diagonal stripes of this colour over it (0xRRGGBB + 1),
	                       * which tell it from a plain fill in black and white; 0 for none */
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
/* The width of a column and the style of its cells that hold nothing yet
 * (a number format, so that what is typed there later keeps its shape). */
void kpix_xlsx_column_style(kpix_xlsx_sheet *s, uint16_t col, double width,
                            const kpix_xstyle *style);
/* Sets the height of row (the row being written, or the next: rows are
 * written in order) in points, unless its text already needs more. A
 * row's height also grows by itself for text written with wrap or heading
 * (kpix_xlsx_text_lines at the column's width) or in a larger font:
 * spreadsheets do not lay out again rows they did not write. A column's
 * width must be set before the texts it wraps are written. */
void kpix_xlsx_row_height(kpix_xlsx_sheet *s, uint32_t row, double height);

/* How many lines the len bytes of text t take when wrapped at word breaks
 * in a column width characters wide, in a font of size points, bold or
 * not; each line break starts a line. Errs towards more lines. */
size_t kpix_xlsx_text_lines(const char *t, size_t len, double width, double size, bool bold);
void kpix_xlsx_freeze(kpix_xlsx_sheet *s, uint32_t rows, uint16_t cols);
void kpix_xlsx_filter(kpix_xlsx_sheet *s, uint32_t first_row, uint32_t last_row, uint16_t last_col);
/* Landscape or portrait, fit to one page wide, the rows [first, last] at
 * the top of every page, and a page header and footer (Excel's codes such
 * as &P and &N; NULL for none). The caller doubles each '&' of a text it
 * quotes (a name from the data), or Excel reads a code there.
 *
 * Every sheet is printed, whether this is called or not, as the workbook
 * is closed: landscape and one page wide unless asked otherwise; one page
 * wide only when the smallest font written stays at 9 points or more
 * (otherwise at the scale that keeps it so, the columns running onto
 * further pages under the repeated rows); the cells written as its print
 * area unless kpix_xlsx_print_area gives one; and, where none is given,
 * the workbook's title and the sheet's name as the page header and
 * "Page x of y" as the footer. No code for the date or time is added. */
void kpix_xlsx_print(kpix_xlsx_sheet *s, bool landscape, bool fit_width, int repeat_first,
                     int repeat_last, const char *header, const char *footer);

/* The cells printed: [first_row, last_row] x [first_col, last_col]. */
void kpix_xlsx_print_area(kpix_xlsx_sheet *s, uint32_t first_row, uint16_t first_col,
                          uint32_t last_row, uint16_t last_col);

/* Starts a new printed page above each of the rows given (at most 1,023,
 * as Excel allows; rows past that are ignored). */
void kpix_xlsx_page_breaks(kpix_xlsx_sheet *s, const uint32_t *rows, size_t n);

/* One line of a chart: its name, and the cells that hold its categories and
 * its values (as kpix_xlsx_range writes them). */
typedef struct {
	const char *name;
	const char *categories;
	const char *values;
	uint32_t color;       /* 0xRRGGBB + 1, or 0 for the default */
	bool dashed;
	bool markers;         /* a round marker at each value */
	bool points;          /* no line: a diamond at each value (a target
	                       * that is a level for the period, never a slope
	                       * between periods); the legend shows the diamond */
} kpix_xseries;

/* The values' axis of a chart: its number format (NULL for General) and
 * its ends (NAN for the chart's own choice). */
typedef struct {
	const char *number_format;
	double min, max;
} kpix_xaxis;

/* A line chart of the series, with its top left corner in cell (row,
 * col), width by height pixels, the legend below, blank cells left as
 * gaps (never drawn as zero), and the values' axis as axis says. */
void kpix_xlsx_line_chart(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const char *title,
                          const kpix_xseries *series, size_t n, const kpix_xaxis *axis,
                          uint32_t width, uint32_t height);

/* Hides a sheet (it must not be the first). */
void kpix_xlsx_hide(kpix_xlsx_sheet *s);

/* A check Excel makes when a value is typed into a block of cells, and the
 * hint it shows when one of them is selected ("data validation"). */
typedef enum {
	KPIX_XCHECK_ANY,     /* no check: only the hint */
	KPIX_XCHECK_LIST,    /* one of items, or of the cells at range; a dropdown */
	KPIX_XCHECK_WHOLE,   /* a whole number */
	KPIX_XCHECK_DECIMAL, /* a number */
	KPIX_XCHECK_DATE,    /* a date; min and max are Excel's day numbers */
	KPIX_XCHECK_LENGTH   /* text of a length in characters */
} kpix_xcheck_kind;

typedef struct {
	kpix_xcheck_kind kind;
	bool has_min, has_max;     /* the bounds of WHOLE, DECIMAL, DATE and LENGTH */
	double min, max;
	const char *const *items;  /* LIST: the values (see kpix_xlsx_list_fits) */
	size_t nitems;
	const char *range;         /* LIST instead of items: cells such as "Lists!$A$2:$A$9" */
	bool warn_only;            /* a value outside asks "continue?" rather than being refused */
	const char *title;         /* the hint's title (cut to Excel's 32 characters) */
	const char *message;       /* the hint (cut to 255 characters) */
	const char *error;         /* why a value was refused (cut to 255 characters) */
} kpix_xcheck;

/* True when items can be written into a LIST check itself: Excel keeps at
 * most 255 characters there, commas included, and a value may hold no
 * comma or double quote. Longer lists go on a sheet, named by range. Empty
 * items are left out of a list (a blank cell always passes). */
bool kpix_xlsx_list_fits(const char *const *items, size_t nitems);

/* Adds the check c to the cells [first_row, last_row] x [first_col,
 * last_col]. Texts are made safe and cut to Excel's limits with "..." at
 * a character boundary; an empty text is left out. Blank cells always
 * pass. A LIST whose items do not fit is kept as the workbook's error. */
void kpix_xlsx_check(kpix_xlsx_sheet *s, uint32_t first_row, uint16_t first_col,
                     uint32_t last_row, uint16_t last_col, const kpix_xcheck *c);

/* Writes "Sheet!$A$2:$A$9" (the sheet's name quoted when Excel needs it)
 * for the cells of one column, into buf of size bytes. */
void kpix_xlsx_range(char *buf, size_t size, const kpix_xlsx_sheet *s, uint32_t first_row,
                     uint32_t last_row, uint16_t col);

/* The letters of a column as Excel shows them: 0 is "A", 26 is "AA".
 * buf holds 4 bytes. */
void kpix_xlsx_column_name(char buf[4], uint16_t col);

/* Writes the file and frees x. Returns 0, or KPIX_EIO with a message
 * naming the file for the first thing that went wrong. NULL-safe. */
int kpix_xlsx_close(kpix_xlsx *x);

/* Gives the workbook up without writing anything, and frees x. NULL-safe. */
void kpix_xlsx_discard(kpix_xlsx *x);

/* "1.1.4" */
const char *kpix_xlsx_version(void);

/* A comment (a note) on cell (row, col): Excel marks the cell with a red
 * triangle and shows the text when the pointer rests on it. The text is
 * made safe and cut to Excel's 32,767 characters; an empty one is left
 * out. The cell itself is written as any other (or left blank). */
void kpix_xlsx_comment(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const char *text);

/* Writes text into cell (row, col) as a link to cell (to_row, to_col) of
 * the sheet to (in the same workbook): a click there goes to that cell.
 * The text is made safe and always written as text; an empty one shows
 * the target's reference instead. */
void kpix_xlsx_link(kpix_xlsx_sheet *s, uint32_t row, uint16_t col, const kpix_xlsx_sheet *to,
                    uint32_t to_row, uint16_t to_col, const char *text, const kpix_xstyle *style);

#endif
