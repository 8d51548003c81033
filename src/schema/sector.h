/* sector.h - the sector comparison: where a return's figures stand among
 * every landlord's in a regulator's published dataset (a workbook), read
 * from a schema's "sector" (docs/exports.md, "Sector comparison").
 *
 * The schema says, as data, which sheets of the workbook hold which
 * figures: for each layout the regulator has published, each sheet's name,
 * the row its headings are on, the heading of the column that names the
 * landlord, and which heading holds which figure. C holds the reading and
 * the arithmetic only. */
#ifndef KPIX_SECTOR_H
#define KPIX_SECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "expr.h"
#include "json.h"
#include "keyset.h"
#include "layout.h"
#include "scope.h"

typedef struct {
	char *heading;           /* as published, spaces as they are */
	size_t figure;           /* the figure (figures.h) the column holds */
	int decimals;            /* a value is rounded to these places as read; -1: as it is */
	char *denominator;       /* the heading of its denominator's column, or NULL: a
	                          * value counts only when its denominator is a number above
	                          * 0 (the regulator publishes 0 for a measure whose inputs
	                          * were left blank) */
} kpix_sector_column;

typedef struct {
	char *name;              /* the sheet's name */
	uint64_t header_row;     /* 1-based */
	kpix_sector_column *columns;
	size_t ncolumns;
} kpix_sector_sheet;

typedef struct {
	char *name;              /* which publication: "2023/24" */
	kpix_sector_sheet *sheets;
	size_t nsheets;
} kpix_sector_layout;

typedef struct {
	bool defined;            /* the schema has a "sector" */
	char *key;               /* the heading of the column naming each landlord */
	char *self;              /* the parameter holding the landlord's own code */
	kpix_sector_layout *layouts;
	size_t nlayouts;
} kpix_sector_def;

/* Reads the schema's "sector" (NULL: none) into *out, each figure named
 * looked up in figure_index (name -> figure + 1) and the parameter "self"
 * names among the layouts' parameters. Returns 0 or KPIX_ESCHEMA with the message set;
 * *out is to be freed with kpix_sector_def_free either way. */
int kpix_sector_def_load(kpix_sector_def *out, const kpix_json_doc *doc, const kpix_json *sector,
                         const kpix_keyset *figure_index, const kpix_layouts *lay);
void kpix_sector_def_free(kpix_sector_def *d);

/* The published figures, per figure of the schema: every other
 * landlord's value, sorted. */
typedef struct {
	size_t nfigures;
	double **values;         /* per figure: sorted ascending, NULL when none */
	size_t *n;               /* per figure: how many */
	const char *layout;      /* the layout's name (the definition's) */
	uint64_t landlords;      /* distinct landlords read */
	uint64_t size;           /* the file's bytes, and their SHA-256 */
	char sha256[KPIX_SHA256_HEX_SIZE];
} kpix_sector;

/* Reads the workbook at path by def: the first layout whose first sheet
 * the workbook has. A row whose key is self (the landlord's own, when
 * self is not NULL) is left out, so that the return's figure takes its
 * place; a cell that is not a number (the regulator's [U], [X], [E]
 * markers, an empty cell) is not a value. Returns 0, KPIX_EIO (a file
 * that cannot be read) or KPIX_EUSAGE (a workbook that is not one of the
 * layouts: no such sheet, a heading not on its row), with kpix_error_last
 * naming the file, the sheet and what was expected. *out is to be freed
 * with kpix_sector_free either way. */
int kpix_sector_read(kpix_sector *out, const kpix_sector_def *def, size_t nfigures,
                     const char *path, const char *self);
void kpix_sector_free(kpix_sector *s);

/* Where v stands among the sector's values of figure (out[0] to
 * out[KPIX_SECTOR_dataset - 1]; the dataset's name is not written), with v itself
 * counted as one landlord, in out[KPIX_SECTOR_*]: n landlords, v's rank (1
 * the best; ties share the better rank), its quartile (1 the best quarter:
 * at or beyond the upper quartile for a higher-is-better figure), the
 * lower quartile, median and upper quartile of the n values (Excel's
 * QUARTILE.INC and MEDIAN), and which way is better ("higher", "lower",
 * or "neither", ranked from the highest). polarity is kpix_polarity's
 * value. Every one null when v is not a number or the sector has no
 * value of the figure. Strings are static. */
void kpix_sector_place(const kpix_sector *s, size_t figure, const kpix_val *v, int polarity,
                       kpix_val out[KPIX_SECTOR_NSTATS]);

/* KPIX_SECTOR_<name> for a name "sector.<name>", or -1. */
int kpix_sector_stat(const char *name, size_t len);

#endif
