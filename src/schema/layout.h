/* layout.h - export layouts: which files `kpix export` writes from a
 * schema's data, read from the schema's "parameters" and "exports"
 * (docs/exports.md). C holds the mechanism; every file name, sheet,
 * heading, format and computed column comes from the schema.
 *
 * Values are expressions (expr.h) over the row's fields, the
 * indicator's ind.* attributes and the export's param.* parameters.
 * Texts such as file names and headings are templates: "{expr}" is
 * replaced by the expression's value, "{{" and "}}" are literal braces. */
#ifndef KPIX_LAYOUT_H
#define KPIX_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "expr.h"
#include "json.h"
#include "scope.h"

/* A text with {expression} parts. */
typedef struct {
	char *src;
	size_t nparts;
	struct kpix_tmpl_part {
		char *text;      /* literal text, or NULL for an expression */
		kpix_expr *expr;
	} *parts;
} kpix_tmpl;

typedef enum {
	KPIX_XV_AUTO,   /* numbers as numbers, text as text */
	KPIX_XV_TEXT,   /* always text */
	KPIX_XV_DATE    /* a number of days since 1970-01-01, shown as a date */
} kpix_xvalue_type;

/* What the rows of a table are: one per data row; one row, of the return's
 * figures; or one per catalogue entry whose figure has a value, in the
 * catalogue's order (a return of data points set out as the form asks). */
typedef enum { KPIX_XROWS_DATA, KPIX_XROWS_FIGURES, KPIX_XROWS_CATALOGUE } kpix_xrows;

/* One column of a table, or one line of a sheet's details block. */
typedef struct {
	char *heading;           /* column heading, or the details line's label */
	char *value_src;
	kpix_expr *value;
	kpix_xvalue_type type;
	int decimals;            /* fixed decimal places, or -1 */
	kpix_expr *decimals_expr; /* decimal places worked out per row, or NULL */
	char *number_format;     /* an Excel number format that overrides decimals */
	double width;            /* 0: fit the contents */
	bool wrap;
	size_t nfills;           /* cell text -> fill colour ("#RRGGBB") */
	char **fill_text, **fill_colour;
	char *hint;              /* for templates: the input message on the heading */
	bool row_header;         /* HTML: the cell names its row (<th scope="row">) */
} kpix_xcolumn;

typedef struct {
	char *name;              /* the worksheet's name */
	kpix_tmpl title;         /* a heading above everything; src NULL when none */
	kpix_xcolumn *details;   /* label: value lines under the title */
	size_t ndetails;
	kpix_xcolumn *columns;
	size_t ncolumns;
	bool freeze, filter;
	kpix_xrows rows;         /* what each row of the table is */
	char *where_src;         /* catalogue rows: which entries the table lists, or NULL: all */
	kpix_expr *where;
	kpix_tmpl caption, empty; /* HTML: the table's caption (src NULL: the name), and the
	                          * text written instead of a table without rows (src NULL:
	                          * the table with its headings only) */
	bool landscape, fit_width;
	kpix_tmpl header, footer; /* page header and footer, Excel's &P/&N codes allowed */
	bool needs_sector;       /* HTML: a section written only with the sector's dataset */
} kpix_xsheet;

typedef enum { KPIX_XF_CSV, KPIX_XF_XLSX, KPIX_XF_HTML } kpix_xformat;

typedef struct {
	char *name;              /* short id, e.g. "council-csv" */
	char *title;
	kpix_xformat format;
	kpix_tmpl file;          /* the output file name */
	kpix_tmpl props[7];      /* document properties, in kpix_xprop order */
	char *date_src;          /* the workbook's date, from the data */
	kpix_expr *date;
	kpix_xsheet *sheets;     /* a CSV has exactly one, with columns only; an HTML page's
	                          * are its sections */
	kpix_tmpl page_title;    /* HTML: the page's <title> and h1, from "title" */
	char *lang;              /* HTML: the page's language, "en-GB" unless given */
	kpix_tmpl *intro, *footer; /* HTML: paragraphs under the h1, and in the page's footer */
	size_t nintro, nfooter;
	size_t nsheets;
	bool validation_sheet;   /* an XLSX lists validation warnings on a last sheet */
	bool needs_sector;       /* written only with the sector's dataset (--sector) */
	bool *fixed_fields;      /* per field: used by a file name, title or detail, so the
	                          * same on every row */
} kpix_xlayout;

enum { KPIX_XPROP_TITLE, KPIX_XPROP_SUBJECT, KPIX_XPROP_AUTHOR, KPIX_XPROP_MANAGER,
       KPIX_XPROP_COMPANY, KPIX_XPROP_CATEGORY, KPIX_XPROP_KEYWORDS, KPIX_XPROP_N };

typedef struct {
	char *name;
	char *title;
	bool required;
	char **choices;          /* the values allowed ("enum"), or none */
	size_t nchoices;
} kpix_xparam;

typedef struct {
	kpix_xparam *params;
	size_t nparams;
	kpix_xlayout *exports;
	size_t nexports;
	size_t nslots;           /* how many slots an export's expressions use (scope.h) */
} kpix_layouts;

/* Reads "parameters" (may be NULL) and "exports" (may be NULL) into *out,
 * their expressions compiled in an export's scope of sc (laid out, with
 * the schema's fields and figures). Returns 0 or KPIX_ESCHEMA; *out is to
 * be freed with kpix_layouts_free either way. */
int kpix_layouts_load(kpix_layouts *out, const kpix_json_doc *doc, const kpix_json *params,
                      const kpix_json *exports, const kpix_scope *sc);
void kpix_layouts_free(kpix_layouts *l);

#endif
