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

#include <stdbool.h>
#include <stddef.h>

#include "catalogue.h"
#include "json.h"
#include "keyset.h"
#include "kpix/kpix.h"
#include "rule.h"
#include "scope.h"
#include "util.h"

/* What a return of data points (docs/schema-format.md, "Data points")
 * reports about a figure as a whole: missing, given where it does not
 * apply, or given other than kpix works it out. */
typedef struct {
	char *code;              /* NULL when the schema does not ask for the check */
	kpix_severity severity;
	char *message;           /* {ind.*}, {NAME} of a figure; {given}, {calculated} */
} kpix_figure_check;

typedef struct {
	long value_field;        /* the field a row's figure is in; -1 when no "figures" */
	long breakdown_field;    /* -1 when every figure is a whole-organisation one */
	size_t n;                /* how many figures */
	char **names;            /* n names */
	size_t *first;           /* per indicator: its whole figure; breakdown b at first + 1 + b */
	kpix_keyset *index;      /* name -> figure + 1 */
	kpix_rule *rules;        /* the rules on the figures (KPIX_SCOPE_FIGURES) */
	size_t nrules;
	kpix_figure_check missing, not_applicable, calculated;
	int *decimals;           /* per figure: the places a calculated one is written with, or -1 */
	bool data_points;        /* an indicator has "calculate" or "appliesWhen" */
} kpix_figures;

/* Reads the schema's "figures" object j (NULL: the schema has none) once
 * its fields (sc) and its catalogue (the ninds indicators at inds; none
 * when the schema has no indicatorField) are loaded, naming the figures.
 * Their rules, "figures.rules", are read by the schema loader once the
 * scope is laid out (scope.h). Returns 0 or KPIX_ESCHEMA; *out is to be
 * freed with kpix_figures_free either way. */
int kpix_figures_load(kpix_figures *out, const kpix_json_doc *doc, const kpix_json *j,
                      const kpix_scope *sc, const kpix_indicator *inds, size_t ninds);
/* Once the scope is laid out: reads the checks of a return of data points
 * ("missing", "notApplicable", "calculated" in j) and compiles each
 * indicator's "calculate" and "appliesWhen" in the figures' scope. A
 * calculation may name only figures no indicator calculates, or that one
 * earlier in the catalogue does. Returns 0 or KPIX_ESCHEMA. */
int kpix_figures_compile(kpix_figures *f, const kpix_json_doc *doc, const kpix_json *j,
                         const kpix_scope *sc, kpix_indicator *inds, size_t ninds);
void kpix_figures_free(kpix_figures *f);

/* The figure a row of catalogue indicator inds[ind] with this breakdown
 * text (empty for the whole organisation) gives, or -1 when the indicator
 * has no such breakdown. */
long kpix_figures_of(const kpix_figures *f, const kpix_indicator *inds, size_t ind,
                     const char *bd, size_t bdlen);

/* Writes tmpl with each {NAME} or {prev.NAME} of the figures' scope sc
 * replaced by that figure as kpix writes numbers in messages (a calculated
 * one with its entry's decimals), or "none" when it is missing; other text
 * is kept as it is. */
void kpix_figures_message(const kpix_figures *f, const kpix_scope *sc, const kpix_val *slots,
                          const char *tmpl, kpix_buf *out);
/* Appends figure (or prev.figure) name's value, as kpix_figures_message
 * writes it (a calculated figure with its entry's decimals), to out; false,
 * appending nothing, when the scope has no such figure. */
bool kpix_figures_put_name(const kpix_figures *f, const kpix_scope *sc, const kpix_val *slots,
                           const char *name, size_t len, kpix_buf *out);

#endif
