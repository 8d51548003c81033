/* figures.c - the return's named figures and the rules on them; see
 * figures.h. */
#include "figures.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "schema_load.h"

static void add_name(kpix_figures *f, size_t *cap, char *name)
{
	if (f->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		f->names = kpix_xrealloc(f->names, *cap * sizeof(char *));
	}
	f->names[f->n++] = name;
}

int kpix_figures_slot(const kpix_figures *f, const char *name, size_t len)
{
	size_t base = 0;
	if (len > 5 && memcmp(name, "prev.", 5) == 0) {
		base = f->n;
		name += 5;
		len -= 5;
	}
	uint64_t *i = f->index ? kpix_keyset_find(f->index, name, len) : NULL;
	return i ? (int)(base + *i - 1) : -1;
}

static int resolve(void *ctx, const char *name, size_t len)
{
	return kpix_figures_slot(ctx, name, len);
}

static int load_rule(kpix_loader *ld, const char *path, json_t *j, kpix_figures *f,
                     kpix_figure_rule *r)
{
	static const char *const keys[] = {"code",  "severity", "title", "when",
	                                   "check", "message",  "cells", NULL};
	int rc;
	if (!json_is_object(j))
		return kpix_ld_fail(ld, path, "expected an object describing a rule on the figures");
	if ((rc = kpix_ld_only_keys(ld, path, j, keys)) ||
	    (rc = kpix_ld_code(ld, path, j, &r->code)) ||
	    (rc = kpix_ld_str(ld, path, j, "title", &r->title, false)) ||
	    (rc = kpix_ld_severity(ld, path, j, &r->severity)) ||
	    (rc = kpix_ld_str(ld, path, j, "when", &r->when_src, false)) ||
	    (rc = kpix_ld_str(ld, path, j, "check", &r->check_src, true)) ||
	    (rc = kpix_ld_str(ld, path, j, "message", &r->message, true)))
		return rc;
	json_t *cells = json_object_get(j, "cells");
	if (!json_is_array(cells) || json_array_size(cells) == 0) {
		return kpix_ld_fail(ld, path, "\"cells\" must list the figures the rule is about, "
		                            "the one to point the officer at first");
	}
	r->cells = kpix_xcalloc(json_array_size(cells), sizeof(size_t));
	size_t i;
	json_t *c;
	json_array_foreach(cells, i, c) {
		const char *name = json_string_value(c);
		int slot = name ? kpix_figures_slot(f, name, strlen(name)) : -1;
		if (slot < 0 || (size_t)slot >= f->n) {
			return kpix_ld_fail(ld, path, "cells[%zu]: '%s' is not the name of a figure "
			                            "(CODE, CODE_part, CODE_BREAKDOWN or CODE_part_BREAKDOWN)",
			                  i, name ? name : "(not text)");
		}
		r->cells[r->ncells++] = (size_t)slot;
	}
	if (r->when_src && (rc = kpix_ld_compile(ld, path, "when", r->when_src, resolve, f, &r->when)))
		return rc;
	return kpix_ld_compile(ld, path, "check", r->check_src, resolve, f, &r->check);
}

static long field_named(const kpix_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nfields; i++)
		if (strcmp(s->fields[i].name, name) == 0)
			return (long)i;
	return -1;
}

int kpix_figures_load(kpix_loader *ld, json_t *j, kpix_figures *out)
{
	static const char *const keys[] = {"valueField", "breakdownField", "rules", NULL};
	memset(out, 0, sizeof(*out));
	out->value_field = out->breakdown_field = -1;
	if (!j)
		return 0;
	const kpix_schema *s = kpix_ld_schema(ld);
	char *value = NULL, *breakdown = NULL;
	int rc;
	if (!json_is_object(j))
		return kpix_ld_fail(ld, "figures", "expected an object");
	if ((rc = kpix_ld_only_keys(ld, "figures", j, keys)) ||
	    (rc = kpix_ld_str(ld, "figures", j, "valueField", &value, true)) ||
	    (rc = kpix_ld_str(ld, "figures", j, "breakdownField", &breakdown, false)))
		goto out;
	if (s->indicator_field < 0 || !s->nindicators) {
		rc = kpix_ld_fail(ld, "figures", "figures need \"indicatorField\" and an indicator catalogue");
		goto out;
	}
	out->value_field = field_named(s, value);
	out->breakdown_field = breakdown ? field_named(s, breakdown) : -1;
	if (out->value_field < 0 || (breakdown && out->breakdown_field < 0)) {
		rc = kpix_ld_fail(ld, out->value_field < 0 ? "figures.valueField" : "figures.breakdownField",
		                  "'%s' is not one of the schema's fields",
		                  out->value_field < 0 ? value : breakdown);
		goto out;
	}

	size_t cap = 0;
	out->first = kpix_xcalloc(s->nindicators, sizeof(size_t));
	out->index = kpix_keyset_new();
	for (size_t k = 0; k < s->nindicators; k++) {
		const kpix_indicator *ind = &s->indicators[k];
		size_t nb = out->breakdown_field >= 0 ? ind->breakdowns.n : 0;
		out->first[k] = out->n;
		for (size_t b = 0; b <= nb; b++) {
			char *name = kpix_xasprintf("%s%s%s%s%s", ind->code, ind->part ? "_" : "",
			                            ind->part ? ind->part : "", b ? "_" : "",
			                            b ? ind->breakdowns.items[b - 1] : "");
			bool added;
			uint64_t *v = kpix_keyset_upsert(out->index, name, strlen(name), &added);
			if (!added) {
				rc = kpix_ld_fail(ld, "figures", "two figures would both be named '%s'; "
				                                 "change a code, part or breakdown", name);
				free(name);
				goto out;
			}
			add_name(out, &cap, name);
			*v = out->n;
		}
	}

	json_t *rules = json_object_get(j, "rules");
	if (rules && !json_is_array(rules)) {
		rc = kpix_ld_fail(ld, "figures.rules", "expected a list of rules");
		goto out;
	}
	if (rules)
		out->rules = kpix_xcalloc(json_array_size(rules) + 1, sizeof(kpix_figure_rule));
	size_t i;
	json_t *item;
	json_array_foreach(rules, i, item) {
		char *path = kpix_xasprintf("figures.rules[%zu]", i);
		rc = load_rule(ld, path, item, out, &out->rules[i]);
		out->nrules = i + 1;
		for (size_t k = 0; !rc && k < i; k++)
			if (strcmp(out->rules[k].code, out->rules[i].code) == 0)
				rc = kpix_ld_fail(ld, path, "a second rule with the code '%s'",
				                  out->rules[i].code);
		free(path);
		if (rc)
			goto out;
	}
out:
	free(value);
	free(breakdown);
	return rc;
}

void kpix_figures_free(kpix_figures *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->names[i]);
	free(f->names);
	free(f->first);
	kpix_keyset_free(f->index);
	for (size_t i = 0; i < f->nrules; i++) {
		kpix_figure_rule *r = &f->rules[i];
		free(r->code);
		free(r->title);
		free(r->when_src);
		free(r->check_src);
		free(r->message);
		kpix_expr_free(r->when);
		kpix_expr_free(r->check);
		free(r->cells);
	}
	free(f->rules);
	memset(f, 0, sizeof(*f));
	f->value_field = f->breakdown_field = -1;
}

long kpix_figures_of(const kpix_figures *f, const kpix_schema *s, size_t ind, const char *bd,
                     size_t bdlen)
{
	if (f->value_field < 0)
		return -1;
	if (bdlen == 0)
		return (long)f->first[ind];
	if (f->breakdown_field < 0)
		return -1;
	const kpix_strlist *list = &s->indicators[ind].breakdowns;
	for (size_t b = 0; b < list->n; b++)
		if (strlen(list->items[b]) == bdlen && memcmp(list->items[b], bd, bdlen) == 0)
			return (long)(f->first[ind] + 1 + b);
	return -1;
}

typedef struct {
	const kpix_figures *f;
	const kpix_val *slots;
} figure_names;

static bool put_figure(void *ctx, const char *name, size_t len, kpix_buf *out)
{
	const figure_names *fn = ctx;
	int slot = kpix_figures_slot(fn->f, name, len);
	if (slot < 0)
		return false;
	if (fn->slots[slot].kind == KPIX_VAL_NUMBER) {
		char num[32];
		kpix_format_number(fn->slots[slot].num, num);
		kpix_buf_adds(out, num);
	} else {
		kpix_buf_adds(out, "none");
	}
	return true;
}

void kpix_figures_message(const kpix_figures *f, const kpix_val *slots, const char *tmpl,
                          kpix_buf *out)
{
	figure_names fn = {f, slots};
	kpix_expand_names(out, tmpl, put_figure, &fn);
}
