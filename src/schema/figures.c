/* figures.c - the return's named figures; see figures.h. */
#include "figures.h"

#include <stdlib.h>
#include <string.h>

#include "cast.h"

static void add_name(kpix_figures *f, size_t *cap, char *name)
{
	if (f->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		f->names = kpix_xrealloc(f->names, *cap * sizeof(char *));
	}
	f->names[f->n++] = name;
}

/* Names a figure for each indicator, part and breakdown. */
static int name_figures(kpix_figures *out, const kpix_json_doc *doc, const kpix_indicator *inds,
                        size_t ninds)
{
	size_t cap = 0;
	out->first = kpix_xcalloc(ninds, sizeof(size_t));
	out->index = kpix_keyset_new();
	for (size_t k = 0; k < ninds; k++) {
		const kpix_indicator *ind = &inds[k];
		size_t nb = out->breakdown_field >= 0 ? ind->breakdowns.n : 0;
		out->first[k] = out->n;
		for (size_t b = 0; b <= nb; b++) {
			char *name = kpix_xasprintf("%s%s%s%s%s", ind->code, ind->part ? "_" : "",
			                            ind->part ? ind->part : "", b ? "_" : "",
			                            b ? ind->breakdowns.items[b - 1] : "");
			bool added;
			uint64_t *v = kpix_keyset_upsert(out->index, name, strlen(name), &added);
			if (!added) {
				int rc = kpix_json_fail(doc, "figures", "two figures would both be named '%s'; "
				                                        "change a code, part or breakdown",
				                        name);
				free(name);
				return rc;
			}
			add_name(out, &cap, name);
			*v = out->n;
		}
	}
	return 0;
}

int kpix_figures_load(kpix_figures *out, const kpix_json_doc *doc, const kpix_json *j,
                      const kpix_scope *sc, const kpix_indicator *inds, size_t ninds)
{
	static const char *const keys[] = {"valueField", "breakdownField", "rules", "missing",
	                                   "notApplicable", "calculated", NULL};
	memset(out, 0, sizeof(*out));
	out->value_field = out->breakdown_field = -1;
	if (!j)
		return 0;
	char *value = NULL, *breakdown = NULL;
	int rc;
	if (!kpix_json_is_object(j))
		return kpix_json_fail(doc, "figures", "expected an object");
	if ((rc = kpix_json_only_keys(doc, "figures", j, keys)) ||
	    (rc = kpix_json_get_str(doc, "figures", j, "valueField", &value, true)) ||
	    (rc = kpix_json_get_str(doc, "figures", j, "breakdownField", &breakdown, false)))
		goto out;
	if (!ninds) {
		rc = kpix_json_fail(doc, "figures",
		                    "figures need \"indicatorField\" and an indicator catalogue");
		goto out;
	}
	out->value_field = kpix_scope_field(sc, value, strlen(value));
	out->breakdown_field = breakdown ? kpix_scope_field(sc, breakdown, strlen(breakdown)) : -1;
	if (out->value_field < 0 || (breakdown && out->breakdown_field < 0)) {
		rc = kpix_json_fail(doc,
		                    out->value_field < 0 ? "figures.valueField" : "figures.breakdownField",
		                    "'%s' is not one of the schema's fields",
		                    out->value_field < 0 ? value : breakdown);
		goto out;
	}
	rc = name_figures(out, doc, inds, ninds);
out:
	free(value);
	free(breakdown);
	return rc;
}

static int load_check(const kpix_json_doc *doc, const kpix_json *j, const char *key,
                      kpix_figure_check *out)
{
	static const char *const keys[] = {"code", "severity", "message", NULL};
	const kpix_json *c = kpix_json_get(j, key);
	if (!c)
		return 0;
	char *path = kpix_json_path("figures", key);
	int rc = 0;
	if (!kpix_json_is_object(c))
		rc = kpix_json_fail(doc, path, "expected an object with code, severity and message");
	if (!rc)
		rc = kpix_json_only_keys(doc, path, c, keys);
	if (!rc)
		rc = kpix_json_get_str(doc, path, c, "code", &out->code, true);
	if (!rc)
		rc = kpix_rule_severity(doc, path, c, &out->severity);
	if (!rc)
		rc = kpix_json_get_str(doc, path, c, "message", &out->message, true);
	free(path);
	return rc;
}

/* Resolves a calculation's names in the figures' scope, refusing a figure
 * that an indicator from "from" on in the catalogue works out. */
typedef struct {
	const kpix_scope *sc;
	const size_t *calculated_by; /* figure -> its calculating indicator + 1, or 0 */
	size_t from;
	const char *refused;         /* the refused name, for the message */
	size_t refused_len;
} calc_names;

static int resolve_calc(void *ctx, const char *name, size_t len)
{
	calc_names *cn = ctx;
	int slot = kpix_scope_slot(cn->sc, KPIX_SCOPE_FIGURES, name, len);
	if (slot >= 0 && cn->calculated_by && (size_t)slot < cn->sc->nfigures &&
	    cn->calculated_by[slot] > cn->from) {
		cn->refused = name;
		cn->refused_len = len;
		return -1;
	}
	return slot;
}

int kpix_figures_compile(kpix_figures *f, const kpix_json_doc *doc, const kpix_json *j,
                         const kpix_scope *sc, kpix_indicator *inds, size_t ninds)
{
	int rc;
	if ((rc = load_check(doc, j, "missing", &f->missing)) ||
	    (rc = load_check(doc, j, "notApplicable", &f->not_applicable)) ||
	    (rc = load_check(doc, j, "calculated", &f->calculated)))
		return rc;
	size_t *by = f->n ? kpix_xcalloc(f->n, sizeof(size_t)) : NULL;
	f->decimals = kpix_xcalloc(f->n + 1, sizeof(int));
	for (size_t i = 0; i < f->n; i++)
		f->decimals[i] = -1;
	for (size_t k = 0; k < ninds && !rc; k++) {
		kpix_indicator *ind = &inds[k];
		if (!ind->calculate_src && !ind->applies_src)
			continue;
		char *path = kpix_xasprintf("indicators[%zu]", k);
		if (f->value_field < 0)
			rc = kpix_json_fail(doc, path, "\"calculate\" and \"appliesWhen\" work on the "
			                               "return's figures: the schema needs \"figures\"");
		else if (ind->calculate_src) {
			by[f->first[k]] = k + 1;
			f->decimals[f->first[k]] = ind->decimals;
		}
		free(path);
		f->data_points = true;
	}
	for (size_t k = 0; k < ninds && !rc; k++) {
		kpix_indicator *ind = &inds[k];
		char *path = kpix_xasprintf("indicators[%zu]", k);
		calc_names cn = {sc, by, k, NULL, 0};
		if (ind->calculate_src) {
			rc = kpix_rule_compile(doc, path, "calculate", ind->calculate_src, resolve_calc, &cn,
			                       &ind->calculate);
			if (rc && cn.refused) {
				char *p = kpix_json_path(path, "calculate");
				rc = kpix_json_fail(doc, p, "'%.*s' is worked out by this entry or one after it in "
				                            "the catalogue; a calculation may use only figures the "
				                            "return gives or that an earlier entry works out",
				                    (int)cn.refused_len, cn.refused);
				free(p);
			}
		}
		if (!rc && ind->applies_src) {
			cn.calculated_by = NULL;
			rc = kpix_rule_compile(doc, path, "appliesWhen", ind->applies_src, resolve_calc, &cn,
			                       &ind->applies);
		}
		free(path);
	}
	free(by);
	return rc;
}

static void check_free(kpix_figure_check *c)
{
	free(c->code);
	free(c->message);
}

void kpix_figures_free(kpix_figures *f)
{
	check_free(&f->missing);
	check_free(&f->not_applicable);
	check_free(&f->calculated);
	free(f->decimals);
	kpix_strings_free(f->names, f->n);
	free(f->first);
	kpix_keyset_free(f->index);
	kpix_rules_free(f->rules, f->nrules);
	memset(f, 0, sizeof(*f));
	f->value_field = f->breakdown_field = -1;
}

long kpix_figures_of(const kpix_figures *f, const kpix_indicator *inds, size_t ind,
                     const char *bd, size_t bdlen)
{
	if (f->value_field < 0)
		return -1;
	if (bdlen == 0)
		return (long)f->first[ind];
	if (f->breakdown_field < 0)
		return -1;
	const kpix_strlist *list = &inds[ind].breakdowns;
	for (size_t b = 0; b < list->n; b++)
		if (strlen(list->items[b]) == bdlen && memcmp(list->items[b], bd, bdlen) == 0)
			return (long)(f->first[ind] + 1 + b);
	return -1;
}

typedef struct {
	const kpix_figures *f;
	const kpix_scope *sc;
	const kpix_val *slots;
} figure_names;

bool kpix_figures_put_name(const kpix_figures *f, const kpix_scope *sc, const kpix_val *slots,
                           const char *name, size_t len, kpix_buf *out)
{
	int slot = kpix_scope_slot(sc, KPIX_SCOPE_FIGURES, name, len);
	if (slot < 0)
		return false;
	const kpix_val *v = &slots[slot];
	size_t fig = (size_t)slot < f->n ? (size_t)slot : (size_t)slot - f->n;
	int places = f->decimals && fig < f->n ? f->decimals[fig] : -1;
	if (v->kind == KPIX_VAL_NUMBER) {
		char num[KPIX_FIXED_MAX];
		if (places >= 0)
			kpix_format_fixed(v->num, places, num);
		else
			kpix_format_number(v->num, num);
		kpix_buf_adds(out, num);
	} else if (v->kind == KPIX_VAL_STRING) {
		kpix_buf_add(out, v->str, v->len);
	} else if (v->kind == KPIX_VAL_BOOL) {
		kpix_buf_adds(out, v->b ? "true" : "false");
	} else {
		kpix_buf_adds(out, "none");
	}
	return true;
}

static bool put_figure(void *ctx, const char *name, size_t len, kpix_buf *out)
{
	const figure_names *fn = ctx;
	return kpix_figures_put_name(fn->f, fn->sc, fn->slots, name, len, out);
}

void kpix_figures_message(const kpix_figures *f, const kpix_scope *sc, const kpix_val *slots,
                          const char *tmpl, kpix_buf *out)
{
	figure_names fn = {f, sc, slots};
	kpix_expand_names(out, tmpl, put_figure, &fn);
}
