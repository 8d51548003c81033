/* scope.h - the names an expression may use, and the slot each is read
 * from.
 *
 * A rule or export expression (expr.h) is compiled once, its names turned
 * into indexes into an array of values, its slots, that is filled for each
 * evaluation. There are two scopes:
 *
 *   a row's (rules on rows, and export columns): the row's fields, slot i
 *   for field i; then the indicator's ind.<attr> attributes, in
 *   KPIX_IND_ATTRS order; then prev.<valueField>, this row's figure in last
 *   period's file;
 *
 *   the figures' (rules on the return's figures, figures.h): figure i in
 *   slot i, then prev.<figure i>, last period's value of it, in slot
 *   nfigures + i.
 *
 * An export's expressions see a row's scope, then the figures' (in a sheet
 * made of the return's figures), then the row's figure's place in the
 * sector (sector.<stat>), then the export's param.<name> parameters. This module is the one place that knows that order: the
 * loader lays it out once, and the validator and the export fill slots
 * through it. */
#ifndef KPIX_SCOPE_H
#define KPIX_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "keyset.h"

/* Indicator attributes a rule can name as ind.<attr>, in slot order. */
#define KPIX_IND_ATTRS \
	X(code) X(part) X(title) X(unit) X(decimals) X(polarity) X(frequency) X(multiplier) X(min) X(max) X(target) \
	X(description) X(section) X(question) X(dataPoint) X(rag) X(ragPoints) X(ragPercent)

enum {
#define X(a) KPIX_IND_##a,
	KPIX_IND_ATTRS
#undef X
	KPIX_IND_NATTRS
};

/* A figure's place among the sector's (sector.h), sector.<stat> in an
 * export's scope, in slot order: each catalogue row's, then the one that
 * stands for the whole export, the name of the dataset read (its
 * layout's: "2023/24"). */
#define KPIX_SECTOR_STATS \
	X(n) X(rank) X(quartile) X(lower) X(median) X(upper) X(better) X(dataset)

enum {
#define X(a) KPIX_SECTOR_##a,
	KPIX_SECTOR_STATS
#undef X
	KPIX_SECTOR_NSTATS
};

/* What a rule or an expression is about: a row, or the return's figures. */
typedef enum { KPIX_SCOPE_ROW, KPIX_SCOPE_FIGURES } kpix_scope_kind;

typedef struct {
	/* the names */
	kpix_keyset *field_index;       /* field name -> index + 1 (owned) */
	size_t nfields;
	bool ind;                       /* ind.<attr> names exist (there is an indicatorField) */
	const char *value_field;        /* prev.<value_field> exists; NULL when not */
	const kpix_keyset *figure_index; /* figure name -> index + 1, or NULL (not owned) */
	size_t nfigures;
	/* the slots, as kpix_scope_lay_out sets them */
	size_t ind_at;                  /* ind.<attr> is slot ind_at + KPIX_IND_<attr> */
	size_t prev_value;              /* prev.<valueField> */
	size_t nrow;                    /* how many slots a row's scope has */
	size_t nfig;                    /* how many slots the figures' scope has */
	size_t export_figures;          /* an export's: where the figures' scope starts */
	size_t export_sector;           /* an export's: sector.<stat> is export_sector + KPIX_SECTOR_<stat> */
	size_t export_params;           /* an export's: param i is export_params + i */
} kpix_scope;

/* An empty scope: no fields, no figures. */
void kpix_scope_init(kpix_scope *sc);
/* Frees what the scope owns and leaves it empty. */
void kpix_scope_free(kpix_scope *sc);

/* Adds the next field, index nfields. Returns false, adding nothing, when
 * a field already has the name. */
bool kpix_scope_add_field(kpix_scope *sc, const char *name);
/* The index of the field with this name, or -1. */
long kpix_scope_field(const kpix_scope *sc, const char *name, size_t len);

/* Lays the slots out, once the fields and figures are known: ind says
 * whether ind.<attr> names exist, value_field (or NULL) is the NAME of
 * prev.NAME in a row's scope, figure_index (or NULL) names the nfigures
 * figures and is kept, not copied. */
void kpix_scope_lay_out(kpix_scope *sc, bool ind, const char *value_field,
                        const kpix_keyset *figure_index, size_t nfigures);

/* The slot of name in a row's or the figures' scope, or -1 when the scope
 * has no such name. */
int kpix_scope_slot(const kpix_scope *sc, kpix_scope_kind kind, const char *name, size_t len);
/* KPIX_IND_<attr> for a name "ind.<attr>", or -1. */
int kpix_scope_ind_attr(const kpix_scope *sc, const char *name, size_t len);
/* The slot, in the figures' scope, of figure i (prev false) or of last
 * period's value of it (prev true). */
size_t kpix_scope_figure_slot(const kpix_scope *sc, size_t figure, bool prev);

/* In an export's scope: where slot (of the figures' scope) sits, where
 * parameter i sits, and how many slots there are with nparams parameters. */
size_t kpix_scope_export_figure(const kpix_scope *sc, size_t slot);
size_t kpix_scope_export_param(const kpix_scope *sc, size_t i);
size_t kpix_scope_export_slots(const kpix_scope *sc, size_t nparams);

#endif
