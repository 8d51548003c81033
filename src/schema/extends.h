/* extends.h - a schema that extends another ("extends": ID or PATH; see
 * docs/schema-format.md, "Extending a schema", and docs/extending.md).
 *
 * The extension is merged with its base as JSON documents before the
 * loader reads them (json.h, "composing documents"), so the loader sees
 * one schema and reports a problem at the file, line and column where the
 * part was written, in the base or in the extension.
 *
 * Lists are merged by key: a field by its name, an indicator by its code
 * (and part), a rule and a completeness check by their code, an export by
 * its name. An entry of the extension whose key the base has changes that
 * entry member by member (a member given replaces the base's whole member;
 * null removes it; "$remove": true removes the entry); any other entry is
 * added after the base's. "lists" are merged by name; every other
 * top-level member the extension gives replaces the base's. */
#ifndef KPIX_EXTENDS_H
#define KPIX_EXTENDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "json.h"

/* The most schemas one may extend through, itself not counted. */
#define KPIX_EXTENDS_MAX_DEPTH 8

/* A schema file an extension is built on. Strings are its own. */
typedef struct {
	char *path;     /* as it was read */
	char *id, *version;
	char sha256[KPIX_SHA256_HEX_SIZE];
	uint64_t size;
} kpix_schema_base;

/* What the extension did to a part of its base, for 'kpix schemas show'. */
typedef enum { KPIX_PART_ADDED, KPIX_PART_CHANGED, KPIX_PART_REMOVED } kpix_part_change;

typedef struct {
	const char *kind;        /* "field", "indicator", "rule", "completeness check", "export",
	                          * "list" or "" for a top-level member */
	char *key;               /* its name or code (and part), or the member */
	kpix_part_change change;
	char *members;           /* KPIX_PART_CHANGED of an entry: the members given, "a, b" */
} kpix_schema_part;

/* An extension's bases and its changes to the nearest. */
typedef struct {
	kpix_schema_base *bases; /* nearest first: the schema named by "extends", then its own
	                          * base, and so on */
	size_t nbases;
	kpix_schema_part *parts; /* in the order the extension gives them */
	size_t nparts;
} kpix_extension;

/* When the schema in *doc, read from file (which locates a relative
 * "extends"), has "extends", replaces *doc by the document composed of it
 * and its bases (read through search_path, NULL for the default), and
 * fills ext. A schema without "extends" is left as it is, ext empty.
 * Returns 0 or KPIX_ESCHEMA (a cycle, too deep, no id or version of its
 * own, an id the same as the base's, a "$remove" of nothing, a base that
 * is not found) or the code of reading a base; on failure *doc is freed and
 * NULL, and ext is empty. */
int kpix_schema_extend(kpix_json_doc **doc, const char *file, const char *search_path,
                       kpix_extension *ext);

/* Frees what ext holds and leaves it empty. */
void kpix_extension_free(kpix_extension *ext);

/* The files of the schemas the schema file extends, nearest first, as
 * kpix_schema_extend finds them: into *out (free with kpix_strings_free),
 * *n of them. Reading stops, without an error, at a file that cannot be
 * read or a reference that cannot be found; at most
 * KPIX_EXTENDS_MAX_DEPTH. For kpix verify, which must find a changed base
 * that no longer loads. */
void kpix_schema_base_files(const char *file, const char *search_path, char ***out, size_t *n);

/* The file a schema reference written in the file beside names: ref
 * itself when absolute, beside's folder joined to ref when ref is a path
 * (it holds '/' or ends in .json), or NULL when ref is an id (to be looked
 * up on the search path). A new string. The rule for "extends" and for a
 * pack definition's "schema". */
char *kpix_schema_ref_beside(const char *ref, const char *beside);

#endif
