/* schema_load.h - what the parts of the schema loader in other files
 * (export layouts) share with schema.c: problems reported at a JSON path
 * with the file's line and column, and the common member readers. Every
 * function returns 0 or KPIX_ESCHEMA with kpix_error_last() set. */
#ifndef KPIX_SCHEMA_LOAD_H
#define KPIX_SCHEMA_LOAD_H

#include <jansson.h>
#include <stdbool.h>

#include "expr.h"
#include "schema.h"
#include "util.h"

typedef struct kpix_loader kpix_loader;

/* "FILE:LINE:COL: PATH: message" for the member at PATH (e.g.
 * "exports[0].file"). */
int kpix_ld_fail(kpix_loader *ld, const char *path, const char *fmt, ...) KPIX_PRINTF(3, 4);
/* Refuses any key of obj that is not in the NULL-terminated allowed list
 * ("$comment" is always allowed). */
int kpix_ld_only_keys(kpix_loader *ld, const char *path, json_t *obj, const char *const *allowed);
/* Optional (or required, and then non-empty) string member; *out is a copy
 * the caller frees, NULL when absent. */
int kpix_ld_str(kpix_loader *ld, const char *path, json_t *obj, const char *key, char **out,
                bool required);
int kpix_ld_bool(kpix_loader *ld, const char *path, json_t *obj, const char *key, bool *out);
int kpix_ld_num(kpix_loader *ld, const char *path, json_t *obj, const char *key, bool *has,
                double *out);
/* "severity": "error" (the default) or "warning". */
int kpix_ld_severity(kpix_loader *ld, const char *path, json_t *obj, kpix_severity *out);
/* A rule's required "code", which may hold only letters, digits, '-', '_'
 * and '.'. */
int kpix_ld_code(kpix_loader *ld, const char *path, json_t *obj, char **out);
/* Compiles the expression src found at PATH.KEY, resolving names with
 * resolve(ctx, ...). */
int kpix_ld_compile(kpix_loader *ld, const char *path, const char *key, const char *src,
                    kpix_expr_resolve_fn resolve, void *ctx, kpix_expr **out);
/* The schema being loaded: its fields, indicators and lists are already
 * read when the export layouts are. */
kpix_schema *kpix_ld_schema(kpix_loader *ld);
/* An optional list of strings. */
int kpix_ld_strlist(kpix_loader *ld, const char *path, json_t *obj, const char *key,
                    kpix_strlist *out);
void kpix_ld_strlist_free(kpix_strlist *l);

/* Reads and parses another kpix JSON document (a pack definition, say;
 * what names it in messages) so that the readers above report its problems
 * with their line and column. Duplicate keys are refused. Returns 0 with
 * *out a loader for the file (free with kpix_ld_close; it has no schema)
 * and *root the document (the caller decrefs it); KPIX_ENOTFOUND or
 * KPIX_EIO when the file cannot be read, KPIX_ESCHEMA when it is not
 * JSON. */
int kpix_ld_open(kpix_loader **out, json_t **root, const char *file, const char *what);
void kpix_ld_close(kpix_loader *ld);

#endif
