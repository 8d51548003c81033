/* rule.h - a schema's rules: a check written as an expression (expr.h)
 * over a row ("rules") or over the return's figures ("figures.rules"),
 * and the message given when it fails (docs/schema-format.md).
 *
 * Both kinds are one type read by one loader; the scope (scope.h) says
 * which names the expressions may use and what "fields" or "cells" name. */
#ifndef KPIX_RULE_H
#define KPIX_RULE_H

#include <stddef.h>

#include "expr.h"
#include "json.h"
#include "kpix/kpix.h"
#include "scope.h"

typedef struct {
	char *code;
	char *title;
	kpix_severity severity;
	kpix_scope_kind scope;
	char *when_src, *check_src;
	kpix_expr *when, *check;  /* when is NULL when the rule always applies */
	char *message;
	kpix_expr **shown;        /* the message's "{= expression}" parts, in order */
	size_t nshown;
	size_t *about;            /* the fields (a row's rule) or figures (a rule on the
	                           * figures) the problem is about; the first is reported */
	size_t nabout;
} kpix_rule;

/* Reads the list of rules arr (NULL: none) found at path, of this scope,
 * into a new array *out of *n rules (free with kpix_rules_free, also on
 * failure). Rule codes must differ. Returns 0 or KPIX_ESCHEMA with the
 * place of the problem. */
int kpix_rules_load(const kpix_json_doc *doc, const char *path, const kpix_json *arr,
                    const kpix_scope *sc, kpix_scope_kind kind, kpix_rule **out, size_t *n);
/* NULL-safe. */
void kpix_rules_free(kpix_rule *rules, size_t n);

/* What a rule finds in the values of its scope (slots). */
typedef enum {
	KPIX_RULE_HOLDS,     /* its condition is not met, or its check is not false (one that
	                      * gives neither true nor false, on a missing value say, holds) */
	KPIX_RULE_FAILS,     /* its condition is met and its check is false */
	KPIX_RULE_UNWORKABLE /* the condition or the check cannot be worked out (it compares
	                      * or adds values of different kinds) */
} kpix_rule_outcome;

kpix_rule_outcome kpix_rule_check(const kpix_rule *r, const kpix_val *slots);

/* Writes r's message into out (cleared first): each "{name}" as put says
 * (kpix_expand_names), and each "{= expression}" as the expression's
 * value in slots, written as text: a number as kpix_format_number writes
 * it (give text(x, n) for fixed decimals), "no value" for null. */
void kpix_rule_message(const kpix_rule *r, const kpix_val *slots, kpix_put_name_fn put, void *ctx,
                       kpix_buf *out);

/* Reads obj's "severity": "error" (the default) or "warning". */
int kpix_rule_severity(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                       kpix_severity *out);

/* Compiles the expression src found at PATH.KEY, resolving its names with
 * resolve(ctx, ...); a mistake is reported there, with the expression (or,
 * when long, the part around the mistake) quoted. Also used for the
 * export layouts' expressions. */
int kpix_rule_compile(const kpix_json_doc *doc, const char *path, const char *key,
                      const char *src, kpix_expr_resolve_fn resolve, void *ctx, kpix_expr **out);

#endif
