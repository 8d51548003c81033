/* schema.h - the loaded form of a schema file (see docs/schema-format.md).
 *
 * Internal to the library: the validator reads these structures directly.
 * Everything hangs off struct kpix_schema and is freed with it. */
#ifndef KPIX_SCHEMA_H
#define KPIX_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cast.h"
#include "catalogue.h"
#include "digest.h"
#include "expr.h"
#include "extends.h"
#include "figures.h"
#include "json.h"
#include "keyset.h"
#include "kpix/kpix.h"
#include "layout.h"
#include "rule.h"
#include "scope.h"
#include "sector.h"
#include "source.h"
#include "util.h"

typedef enum {
	KPIX_T_STRING,
	KPIX_T_INTEGER,
	KPIX_T_NUMBER,
	KPIX_T_BOOLEAN,
	KPIX_T_DATE,
	KPIX_T_YEAR,
	KPIX_T_YEARMONTH,
	KPIX_T_ANY,
	KPIX_T_TIME,      /* seconds since midnight (UTC when the cell has a zone) */
	KPIX_T_DATETIME,  /* seconds since 1970-01-01T00:00:00 */
	KPIX_T_DURATION,  /* the rest are checked for their form and kept as text */
	KPIX_T_GEOPOINT,
	KPIX_T_GEOJSON,
	KPIX_T_OBJECT,
	KPIX_T_ARRAY
} kpix_type;

#define KPIX_T_LAST KPIX_T_ARRAY

struct kpix_field {
	char *name;
	char *title;
	char *description;
	char *example;
	kpix_type type;
	char *format;          /* dates, times, geopoint ("array", "object") and geojson
	                        * ("topojson"): NULL for the default */
	kpix_strfmt strfmt;    /* a string's format: email, uri, uuid, binary */
	kpix_numfmt numfmt;
	kpix_strlist true_values, false_values; /* n == 0: the defaults */
	kpix_strlist missing;  /* effective missing values */
	bool missing_empty;    /* "" is among them */
	size_t missing_maxlen; /* the longest of them */

	bool required;
	bool unique;
	bool has_minimum, has_maximum;
	bool min_exclusive, max_exclusive; /* exclusiveMinimum, exclusiveMaximum */
	double minimum, maximum; /* in the type's own terms: days for dates, seconds for times */
	char *minimum_text, *maximum_text;
	int64_t min_length, max_length; /* -1 when absent */
	char *pattern;
	struct kpix_regex *re; /* pattern compiled (schema_re.h), or NULL when none */
	kpix_strlist enum_text;
	double *enum_num;      /* for numeric types: the enum as numbers */
};

typedef enum { KPIX_REF_SELF, KPIX_REF_CATALOGUE, KPIX_REF_LIST, KPIX_REF_FILE } kpix_ref_kind;

typedef struct {
	size_t *fields;        /* indexes into schema fields */
	size_t nfields;
	kpix_ref_kind kind;
	char *resource;        /* as written */
	char *file;            /* KPIX_REF_FILE: the file read, resource taken from the schema's directory */
	kpix_strlist ref_fields;
	size_t *ref_self;      /* KPIX_REF_SELF: indexes of the referenced fields */
	kpix_keyset *values;   /* other kinds: the allowed keys, loaded with the schema */
	char *describe;        /* "an indicator code in the catalogue", for messages */
	kpix_strlist choices;  /* a one-field key to the catalogue or a list: its values, for
	                        * "did you mean" */
	const kpix_field **ref_defs; /* the referenced fields' definitions, whose types the
	                        * values compare in (a Data Package's other resource, set by
	                        * package.c; not owned); NULL: the key's own fields' */
} kpix_fkey;

typedef struct {
	char *code;
	kpix_severity severity;
	char *message;
	size_t *group_by;
	size_t ngroup_by;
	long period_field;     /* -1 when none */
	long breakdown_field;  /* -1 when none */
	bool breakdowns_only;  /* an indicator with breakdowns needs no whole-organisation row */
	char *whole_name;      /* what messages call a blank breakdown, or NULL */
} kpix_completeness;

/* A Table Schema uniqueKeys entry: these fields together are unique
 * where none of them is missing. */
typedef struct {
	size_t *fields;
	size_t nfields;
} kpix_unique_key;

typedef enum {
	KPIX_MATCH_EXACT,
	KPIX_MATCH_EQUAL,
	KPIX_MATCH_SUBSET,
	KPIX_MATCH_SUPERSET,
	KPIX_MATCH_PARTIAL
} kpix_fields_match;

struct kpix_schema {
	char *path;
	char *dir;             /* directory of path, for relative references */
	char sha256[KPIX_SHA256_HEX_SIZE]; /* of path's bytes as the loader read them */
	uint64_t size;         /* how many bytes that was */
	const char **files;    /* every file read (kpix_schema_files): path, the bases' paths, then
	                        * each fkeys[i].file */
	kpix_extension ext;    /* what it extends ("extends"), and how; empty when nothing */
	size_t nfiles;
	char *id, *version, *title, *description, *source;
	kpix_field *fields;
	size_t nfields;
	kpix_strlist missing;
	size_t *pk;
	size_t npk;
	kpix_unique_key *ukeys; /* uniqueKeys */
	size_t nukeys;
	bool plain;            /* read as a plain Table Schema: no "$kpix" */
	kpix_strlist ignored;  /* the paths of properties kpix does not know and left alone */
	kpix_fkey *fkeys;
	size_t nfkeys;
	long indicator_field;  /* -1 when none */
	long part_field;       /* -1 when no indicator is reported in parts */
	kpix_rag_rule rag;     /* the schema's "rag": how its indicators are rated */
	bool has_rag;          /* false: only indicators with their own "rag" are rated */
	kpix_indicator *indicators;
	size_t nindicators;
	kpix_keyset *indicator_index; /* kpix_indicator_key -> index + 1 */
	kpix_rule *rules;      /* the rules on a row (KPIX_SCOPE_ROW) */
	size_t nrules;
	kpix_completeness *completeness;
	size_t ncompleteness;
	kpix_fields_match fields_match;
	kpix_figures figures;  /* the return as named figures, and the rules on them */
	kpix_scope scope;      /* the names expressions use, and their slots */
	kpix_layouts layouts;  /* parameters and exports */
	kpix_sector_def sector; /* where the figures are in a regulator's published dataset */
};

/* The slot of a name in a row's scope (scope.h), or -1. */
int kpix_schema_slot(const kpix_schema *s, const char *name, size_t len);

/* The indicator with this code and part (part NULL or empty for a measure
 * not reported in parts), or NULL. */
const kpix_indicator *kpix_schema_indicator(const kpix_schema *s, const char *code, size_t len,
                                            const char *part, size_t plen);

/* A few words for what a field of this type and format holds, for messages:
 * "a whole number", "a date like 31/03/2025". */
const char *kpix_type_expectation(const kpix_field *f, char *buf, size_t buflen);

const char *kpix_type_name(kpix_type t);

/* Loads a schema from the len bytes of JSON at data, as kpix_schema_load
 * loads a file: name stands for the file in messages, and reference files
 * are looked for in its directory. Returns what kpix_schema_load does. */
int kpix_schema_load_mem(kpix_schema **out, const char *name, const char *data, size_t len);
/* Loads a schema from a JSON value: root, inside doc (borrowed; neither
 * is freed here), which is the whole document or a part of it such as a
 * Data Package resource's inline "schema" (then call kpix_json_set_base on
 * doc first, so that messages give the whole path). name is the file the
 * schema stands for: its path, and for a plain Table Schema its id (the
 * base name without .json, in lower case, other characters as '-'). dir
 * is where reference files are looked for (NULL: name's directory). The
 * schema's digest is doc's. Returns what kpix_schema_load does. */
int kpix_schema_load_value(kpix_schema **out, const char *name, const kpix_json_doc *doc,
                           const kpix_json *root, const char *dir);
/* The same for the len bytes of JSON at data, which messages call name. */
int kpix_schema_load_text(kpix_schema **out, const char *name, const char *data, size_t len,
                          const char *dir);

/* A resource of a Data Package, which a foreign key's "reference" names by
 * its "resource" (package.c): the file it is read from, and how. */
typedef struct {
	const char *name;
	const char *path;
	kpix_source_options opts;
} kpix_schema_resource;

/* Loads a schema from the len bytes of JSON at data (a Data Package's
 * inline schema), or with data NULL from the file name, named name in
 * messages, with
 * its reference files taken relative to dir (NULL: name's directory). A
 * foreign key whose reference names a resource reads that resource's file
 * as res (nres of them) gives it, and names no other; with res NULL the
 * resource is a file, as for kpix_schema_load. Returns what
 * kpix_schema_load does. */
int kpix_schema_load_json(kpix_schema **out, const char *name, const char *data, size_t len,
                          const char *dir, const kpix_schema_resource *res, size_t nres);
/* The file a schema id is looked up as: the first "<dir>/<id>.json" that
 * exists, dir taken in order from search_path (NULL: the default path).
 * A new string the caller frees, or NULL when there is none. */
char *kpix_schema_find(const char *id, const char *search_path);
/* Whether id is one a schema may have: lower-case letters, digits and
 * '-', not empty. The schema loader's rule, and the manifest reader's. */
bool kpix_schema_id_valid(const char *id);
/* The first "<dir>/<sub><id>.json" that exists, dir taken in order from
 * search_path (NULL: the default path); sub is "" or a folder with its
 * '/', such as "packs/". A new string, or NULL. */
char *kpix_path_find(const char *search_path, const char *sub, const char *id);
/* What a cell of f must hold, in the words 'kpix schemas show' uses,
 * appended to b: "a number; required; at least 0; for example '12'", and
 * when with_values the enum's "; one of: A, B". */
void kpix_field_expectation(kpix_buf *b, const kpix_field *f, bool with_values);

/* An indicator's unit in words: "%", "per 1,000 homes", "days". */
const char *kpix_unit_words(const char *unit);

#endif
