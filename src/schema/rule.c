/* rule.c - read a schema's rules, on rows or on the figures; see rule.h. */
#include "rule.h"

#include <stdlib.h>
#include <string.h>

#include "cast.h"
#include "keyset.h"
#include "util.h"

/* The longest expression a schema error quotes whole. */
#define EXPR_QUOTED 120

int kpix_rule_compile(const kpix_json_doc *doc, const char *path, const char *key,
                      const char *src, kpix_expr_resolve_fn resolve, void *ctx, kpix_expr **out)
{
	char err[300];
	size_t col = 0;
	*out = kpix_expr_compile(src, resolve, ctx, err, sizeof(err), &col);
	if (*out)
		return 0;
	char *p = kpix_json_path(path, key);
	size_t len = strlen(src);
	int rc;
	if (len <= EXPR_QUOTED) {
		rc = kpix_json_fail(doc, p, "%s (at character %zu of \"%s\")", err, col, src);
	} else {
		/* a long expression is quoted around the mistake only */
		size_t from = col > EXPR_QUOTED / 2 ? col - EXPR_QUOTED / 2 : 0;
		if (from > len - EXPR_QUOTED)
			from = len - EXPR_QUOTED;
		size_t to = from + EXPR_QUOTED;
		while (from > 0 && ((unsigned char)src[from] & 0xc0) == 0x80)
			from--; /* whole UTF-8 characters */
		while (to < len && ((unsigned char)src[to] & 0xc0) == 0x80)
			to++;
		rc = kpix_json_fail(doc, p,
		                    "%s (at character %zu of the %zu-character expression: \"%s%.*s%s\")",
		                    err, col, len, from ? "\xe2\x80\xa6" : "", (int)(to - from),
		                    src + from, to < len ? "\xe2\x80\xa6" : "");
	}
	free(p);
	return rc;
}

int kpix_rule_severity(const kpix_json_doc *doc, const char *path, const kpix_json *obj,
                       kpix_severity *out)
{
	/* in the order of kpix_severity */
	static const char *const words[] = {"error", "warning", NULL};
	int found = KPIX_SEVERITY_ERROR;
	int rc = kpix_json_get_one_of(doc, path, obj, "severity", words, "error or warning", false,
	                              &found);
	*out = (kpix_severity)found;
	return rc;
}

static bool valid_code(const char *c)
{
	if (!*c)
		return false;
	for (; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      *c == '-' || *c == '_' || *c == '.'))
			return false;
	return true;
}

/* A rule's required "code": letters, digits, '-', '_' and '.'. */
static int get_code(const kpix_json_doc *doc, const char *path, const kpix_json *j, char **out)
{
	int rc = kpix_json_get_str(doc, path, j, "code", out, true);
	if (rc || valid_code(*out))
		return rc;
	char *p = kpix_json_path(path, "code");
	rc = kpix_json_fail(doc, p, "a rule code may hold only letters, digits, '-', '_' and '.'");
	free(p);
	return rc;
}

typedef struct {
	const kpix_scope *sc;
	kpix_scope_kind kind;
} in_scope;

static int resolve(void *ctx, const char *name, size_t len)
{
	const in_scope *in = ctx;
	return kpix_scope_slot(in->sc, in->kind, name, len);
}

/* A row's rule names its fields in "fields" (one name, or a list). */
static int load_fields(const kpix_json_doc *doc, const char *path, const kpix_json *j,
                       const kpix_scope *sc, kpix_rule *r)
{
	kpix_strlist names = {0};
	int rc = kpix_json_get_strlist(doc, path, j, "fields", &names, true, NULL);
	if (rc)
		return rc;
	r->about = kpix_xcalloc(names.n ? names.n : 1, sizeof(size_t));
	for (size_t i = 0; i < names.n; i++) {
		long f = kpix_scope_field(sc, names.items[i], strlen(names.items[i]));
		if (f < 0) {
			rc = kpix_json_fail(doc, path, "'%s' is not one of the schema's fields",
			                    names.items[i]);
			break;
		}
		r->about[i] = (size_t)f;
	}
	if (!rc)
		r->nabout = names.n;
	kpix_strlist_free(&names);
	return rc;
}

/* A rule on the figures names them in "cells", the first the one to point
 * the officer at. */
static int load_cells(const kpix_json_doc *doc, const char *path, const kpix_json *j,
                      const kpix_scope *sc, kpix_rule *r)
{
	const kpix_json *cells = kpix_json_get(j, "cells");
	if (!kpix_json_is_array(cells) || kpix_json_size(cells) == 0)
		return kpix_json_fail(doc, path, "\"cells\" must list the figures the rule is about, "
		                                 "the one to point the officer at first");
	r->about = kpix_xcalloc(kpix_json_size(cells), sizeof(size_t));
	size_t i;
	const kpix_json *c;
	kpix_json_array_foreach(cells, i, c) {
		const char *name = kpix_json_string(c);
		int slot = name ? kpix_scope_slot(sc, KPIX_SCOPE_FIGURES, name, strlen(name)) : -1;
		if (slot < 0 || (size_t)slot >= sc->nfigures) /* a figure, not last period's */
			return kpix_json_fail(doc, path,
			                      "cells[%zu]: '%s' is not the name of a figure (CODE, "
			                      "CODE_part, CODE_BREAKDOWN or CODE_part_BREAKDOWN)",
			                      i, name ? name : "(not text)");
		r->about[r->nabout++] = (size_t)slot;
	}
	return 0;
}

/* Compiles the "{= expression}" parts of a row rule's message, so that a
 * mistake in one is found when the schema is read. */
static int load_shown(const kpix_json_doc *doc, const char *path, in_scope *in, kpix_rule *r)
{
	for (const char *p = r->message; (p = strstr(p, "{=")) != NULL;) {
		const char *close = strchr(p, '}');
		if (!close)
			break; /* stays as written, as any '{' with no '}' after it */
		if (r->scope != KPIX_SCOPE_ROW) {
			char *at = kpix_json_path(path, "message");
			int rc = kpix_json_fail(doc, at, "only the message of a rule on rows may work out "
			                                 "an expression ({= ...})");
			free(at);
			return rc;
		}
		char *src = kpix_xstrndup(p + 2, (size_t)(close - p - 2));
		r->shown = kpix_xrealloc(r->shown, (r->nshown + 1) * sizeof(*r->shown));
		r->shown[r->nshown] = NULL;
		int rc = kpix_rule_compile(doc, path, "message", src, resolve, in, &r->shown[r->nshown]);
		free(src);
		r->nshown++;
		if (rc)
			return rc;
		p = close + 1;
	}
	return 0;
}

static int load_rule(const kpix_json_doc *doc, const char *path, const kpix_json *j,
                     const kpix_scope *sc, kpix_scope_kind kind, kpix_rule *r)
{
	static const char *const row_keys[] = {"code",  "severity", "title", "when",
	                                       "check", "message",  "fields", NULL};
	static const char *const figure_keys[] = {"code",  "severity", "title", "when",
	                                          "check", "message",  "cells", NULL};
	bool row = kind == KPIX_SCOPE_ROW;
	int rc;
	r->scope = kind;
	if (!kpix_json_is_object(j))
		return kpix_json_fail(doc, path, "expected an object describing a rule%s",
		                      row ? "" : " on the figures");
	if ((rc = kpix_json_only_keys(doc, path, j, row ? row_keys : figure_keys)) ||
	    (rc = get_code(doc, path, j, &r->code)) ||
	    (rc = kpix_json_get_str(doc, path, j, "title", &r->title, false)) ||
	    (rc = kpix_rule_severity(doc, path, j, &r->severity)) ||
	    (rc = kpix_json_get_str(doc, path, j, "when", &r->when_src, false)) ||
	    (rc = kpix_json_get_str(doc, path, j, "check", &r->check_src, true)) ||
	    (rc = kpix_json_get_str(doc, path, j, "message", &r->message, true)) ||
	    (rc = row ? load_fields(doc, path, j, sc, r) : load_cells(doc, path, j, sc, r)))
		return rc;
	in_scope in = {sc, kind};
	if (r->when_src &&
	    (rc = kpix_rule_compile(doc, path, "when", r->when_src, resolve, &in, &r->when)))
		return rc;
	if ((rc = kpix_rule_compile(doc, path, "check", r->check_src, resolve, &in, &r->check)))
		return rc;
	return load_shown(doc, path, &in, r);
}

int kpix_rules_load(const kpix_json_doc *doc, const char *path, const kpix_json *arr,
                    const kpix_scope *sc, kpix_scope_kind kind, kpix_rule **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!kpix_json_is_array(arr))
		return kpix_json_fail(doc, path, "expected a list of rules");
	kpix_rule *rules = kpix_xcalloc(kpix_json_size(arr) + 1, sizeof(kpix_rule));
	*out = rules;
	/* the codes seen so far, so that a repeated one is found at once
	 * however many rules there are */
	kpix_keyset *codes = kpix_keyset_new();
	size_t i;
	const kpix_json *item;
	int rc = 0;
	kpix_json_array_foreach(arr, i, item) {
		char *at = kpix_xasprintf("%s[%zu]", path, i);
		rc = load_rule(doc, at, item, sc, kind, &rules[i]);
		*n = i + 1;
		bool added = true;
		if (!rc)
			kpix_keyset_upsert(codes, rules[i].code, strlen(rules[i].code), &added);
		if (!added)
			rc = kpix_json_fail(doc, at, "a second rule with the code '%s'", rules[i].code);
		free(at);
		if (rc)
			break;
	}
	kpix_keyset_free(codes);
	return rc;
}

kpix_rule_outcome kpix_rule_check(const kpix_rule *r, const kpix_val *slots)
{
	kpix_val res;
	if (r->when) {
		if (kpix_expr_eval(r->when, slots, &res) != 0)
			return KPIX_RULE_UNWORKABLE;
		if (!(res.kind == KPIX_VAL_BOOL && res.b))
			return KPIX_RULE_HOLDS;
	}
	if (kpix_expr_eval(r->check, slots, &res) != 0)
		return KPIX_RULE_UNWORKABLE;
	return res.kind == KPIX_VAL_BOOL && !res.b ? KPIX_RULE_FAILS : KPIX_RULE_HOLDS;
}

typedef struct {
	const kpix_rule *r;
	const kpix_val *slots;
	kpix_put_name_fn put;
	void *ctx;
	size_t next; /* the "{= ...}" part to come */
} message_names;

static bool put_message_name(void *ctx, const char *name, size_t len, kpix_buf *out)
{
	message_names *mn = ctx;
	if (len == 0 || name[0] != '=')
		return mn->put(mn->ctx, name, len, out);
	if (mn->next >= mn->r->nshown)
		return false;
	kpix_val v;
	if (kpix_expr_eval(mn->r->shown[mn->next++], mn->slots, &v) != 0)
		v.kind = KPIX_VAL_NULL;
	char num[32];
	switch (v.kind) {
	case KPIX_VAL_NUMBER:
		kpix_format_number(v.num, num);
		kpix_buf_adds(out, num);
		break;
	case KPIX_VAL_STRING:
		kpix_buf_add(out, v.str, v.len);
		break;
	case KPIX_VAL_BOOL:
		kpix_buf_adds(out, v.b ? "true" : "false");
		break;
	default:
		kpix_buf_adds(out, "no value");
		break;
	}
	return true;
}

void kpix_rule_message(const kpix_rule *r, const kpix_val *slots, kpix_put_name_fn put, void *ctx,
                       kpix_buf *out)
{
	message_names mn = {r, slots, put, ctx, 0};
	kpix_expand_names(out, r->message, put_message_name, &mn);
}

void kpix_rules_free(kpix_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		kpix_rule *r = &rules[i];
		free(r->code);
		free(r->title);
		free(r->when_src);
		free(r->check_src);
		kpix_expr_free(r->when);
		kpix_expr_free(r->check);
		free(r->message);
		for (size_t k = 0; k < r->nshown; k++)
			kpix_expr_free(r->shown[k]);
		free(r->shown);
		free(r->about);
	}
	free(rules);
}
