/* packdef.h - a board pack's definition ("pack/1", docs/packs.md): what the
 * quarterly Operational Board pack shows and how it judges it.
 *
 * Read from JSON in schemas/packs/ (or any file) and checked against the
 * schema it names, so that every indicator, field and breakdown it names
 * exists before any data is read. */
#ifndef KPIX_PACKDEF_H
#define KPIX_PACKDEF_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "rag.h"
#include "schema.h"

/* The fields of the history a pack reads, as indexes into the schema's
 * fields; -1 when the schema has no such field. */
typedef enum {
	KPIX_PF_ORGANISATION,
	KPIX_PF_PERIOD,
	KPIX_PF_BREAKDOWN,
	KPIX_PF_VALUE,
	KPIX_PF_TARGET,
	KPIX_PF_COMMENTARY,
	KPIX_PF_ACTION,
	KPIX_PF_ACTION_OWNER, /* who answers for the action */
	KPIX_PF_ACTION_DUE,   /* a date field: when the figure is to be back on target */
	KPIX_PF_N
} kpix_pack_field;

/* A table of breakdowns: its title and the breakdown values it lists, in
 * order (none: every breakdown the history has, in the order first seen). */
typedef struct {
	char *title;
	kpix_strlist values;
} kpix_pack_breakdowns;

/* A target for one period. */
typedef struct {
	char *period;
	double target;
} kpix_pack_target;

typedef struct {
	const kpix_indicator *ind;     /* in the schema's catalogue */
	kpix_polarity polarity;        /* the catalogue's, or the pack's override */
	bool has_target;
	double target;                 /* the pack's target for every period */
	kpix_pack_target *targets;     /* per period, before the above */
	size_t ntargets;
	kpix_rag_rule rag;             /* the schema's rule, or the pack's own */
	bool own_rag;                  /* the pack's "rag" rates it, not the schema's */
	char *rag_note;                /* why this pack rates it differently from the schema
	                                * (its own rule, target or polarity), shown on its
	                                * rows; NULL when it rates as the schema does */
	bool show_breakdowns;
	kpix_pack_breakdowns *tables;  /* none with show_breakdowns: one table of all */
	size_t ntables;
} kpix_pack_indicator;

typedef struct {
	char *title;
	kpix_pack_indicator *inds;
	size_t ninds;
} kpix_pack_group;

struct kpix_packdef { /* the public handle of kpix.h */
	char *path;
	char sha256[KPIX_SHA256_HEX_SIZE]; /* of path's bytes as they were read */
	uint64_t size;
	char *id, *version, *title, *organisation, *schema_ref;
	int periods;                   /* how many periods a trend shows */
	kpix_strlist name_periods, name_texts; /* periodNames: period -> what to call it */
	long fields[KPIX_PF_N];
	kpix_rag_rule rag;             /* the pack's own "rag", else the schema's */
	bool has_rag;                  /* false: neither has one rule for every indicator */
	bool own_rag;                  /* the rule is the pack's own */
	char *rag_note;                /* the pack's "ragNote", or NULL */
	kpix_pack_group *groups;
	size_t ngroups;
	/* the document, kept until kpix_packdef_bind so that its problems are
	 * reported at their line and column */
	kpix_json_doc *doc;
};

/* The file a pack id is looked up as: "<dir>/packs/<id>.json" for the
 * first dir of search_path (NULL: the schemas' default path) that has it.
 * A new string, or NULL. */
char *kpix_packdef_find(const char *id, const char *search_path);

/* Reads the definition at ref (a file, or an id looked up as above)
 * without its schema: *out holds everything but the indicators and fields,
 * which kpix_packdef_bind fills in. Returns 0, KPIX_ENOTFOUND, KPIX_EIO or
 * KPIX_ESCHEMA ("FILE:LINE:COL: PATH: what is wrong"). */
int kpix_packdef_load(kpix_packdef **out, const char *ref, const char *search_path);

/* Resolves the definition's indicators and fields in schema s. Returns 0
 * or KPIX_ESCHEMA naming the definition's file, line and column. */
int kpix_packdef_bind(kpix_packdef *p, const kpix_schema *s);

/* What to call a period: its periodNames entry, or the period itself. */
const char *kpix_packdef_period_name(const kpix_packdef *p, const char *period);

void kpix_packdef_free(kpix_packdef *p);

#endif
