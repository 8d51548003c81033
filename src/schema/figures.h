/* figures.h - the return as a set of named figures, read from a schema's
 * "figures" (docs/schema-format.md).
 *
 * A return made of one row per indicator, part and breakdown is also one
 * number per (indicator, part, breakdown): its figures. Each is named as
 * the regulator names its columns, CODE[_part][_BREAKDOWN] (CH01_1_LCRA,
 * NM01_2, TP01_LCHO), so that rules can compare figures from different
 * rows (NM01_2 <= NM01_1) or with last year's (prev.TP01_LCRA), and export
 * layouts can lay the return out as one row. */
#ifndef KPIX_FIGURES_H
#define KPIX_FIGURES_H

#include <jansson.h>
#include <stddef.h>

#include "expr.h"
#include "keyset.h"
#include "kpix/kpix.h"
#include "util.h"

typedef struct kpix_loader kpix_loader;
typedef struct kpix_schema kpix_schema;

/* A check on the return as a whole, worked out once every row is read. */
typedef struct {
	char *code;
	char *title;
	kpix_severity severity;
	char *when_src, *check_src;
	kpix_expr *when, *check;
	char *message;
	size_t *cells;           /* the figures the problem is about; the first is reported */
	size_t ncells;
} kpix_figure_rule;

typedef struct {
	long value_field;        /* the field a row's figure is in; -1 when no "figures" */
	long breakdown_field;    /* -1 when every figure is a whole-organisation one */
	size_t n;                /* how many figures */
	char **names;            /* n names */
	size_t *first;           /* per indicator: its whole figure; breakdown b at first + 1 + b */
	kpix_keyset *index;      /* name -> figure + 1 */
	kpix_figure_rule *rules;
	size_t nrules;
} kpix_figures;

/* Reads the schema's "figures" object j (NULL: the schema has none) once
 * its fields and indicators are loaded. */
int kpix_figures_load(kpix_loader *ld, json_t *j, kpix_figures *out);
void kpix_figures_free(kpix_figures *f);

/* The figure a row of catalogue indicator ind (an index) with this
 * breakdown text (empty for the whole organisation) gives, or -1 when the
 * indicator has no such breakdown. */
long kpix_figures_of(const kpix_figures *f, const kpix_schema *s, size_t ind, const char *bd,
                     size_t bdlen);

/* The slot of a name in a figures expression: figure i is slot i, and
 * prev.NAME, last period's value of NAME, is slot n + i; -1 for a name that
 * is neither. An evaluation needs 2n slots. */
int kpix_figures_slot(const kpix_figures *f, const char *name, size_t len);

/* Writes tmpl with each {NAME} or {prev.NAME} replaced by that figure as
 * kpix writes numbers in messages, or "none" when it is missing; other
 * text is kept as it is. */
void kpix_figures_message(const kpix_figures *f, const kpix_val *slots, const char *tmpl,
                          kpix_buf *out);

#endif
