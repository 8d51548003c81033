/* catalogue.h - a schema's indicator catalogue: the measures a return
 * reports, as its "indicators" describe them (docs/schema-format.md).
 * Loaded and freed with the schema (schema.h); the figures (figures.h) are
 * named after it. */
#ifndef KPIX_CATALOGUE_H
#define KPIX_CATALOGUE_H

#include <stdbool.h>

#include "expr.h"
#include "json.h"
#include "rating.h" /* kpix_polarity, the RAG rule */
#include "scope.h"

/* A field: a column of the table (schema.h), or what the value of one
 * indicator's rows must be. */
typedef struct kpix_field kpix_field;

typedef struct {
	char *code;
	char *part;            /* which part of a measure reported in parts, or NULL */
	char *title;
	char *description;
	char *unit;
	char *frequency;
	char *source;
	char *numerator, *denominator; /* derivation, in words */
	int decimals;
	kpix_polarity polarity;
	kpix_rag_rule rag;     /* how a figure is rated: its own "rag", or the schema's */
	bool has_rag;          /* false: neither gives a rule, and nothing rates it */
	kpix_strlist due_in;
	char *from;            /* "from": the first period it is due in, as written, or NULL */
	int from_index;        /* that quarter's kpix_period_index (a year's Q1), or -1 */
	kpix_strlist breakdowns;
	kpix_val attrs[KPIX_IND_NATTRS]; /* the ind.* values; strings point at the fields above */
	/* a return of data points (docs/schema-format.md, "Data points") */
	char *section, *question, *data_point; /* where the form asks for it */
	kpix_field *value;     /* what a row's value must be, named by the code; or NULL */
	char *calculate_src, *applies_src; /* as written, or NULL */
	kpix_expr *calculate;  /* works the whole figure out from the others, or NULL */
	kpix_expr *applies;    /* whether the figure is asked for, or NULL: always */
	bool optional;         /* never reported missing */
} kpix_indicator;

#endif
