/* rating.c - the one RAG rule (rating.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rating.h"
#include "util.h"

#define EPS 1e-9

const char *const kpix_rag_method_words[] = {"tolerance", "comparative", NULL};

static char *at(const char *path, const char *key)
{
	return kpix_xasprintf("%s%s%s", path, *path ? "." : "", key);
}

/* (rating.h) */
int kpix_rag_rule_load(const kpix_json_doc *doc, const char *path, const kpix_json *j,
                       kpix_rag_rule *out)
{
	static const char *const keys[] = {"method", "tolerance", NULL};
	static const char *const tkeys[] = {"points", "percentOfTarget", NULL};
	if (!kpix_json_is_object(j))
		return kpix_json_fail(doc, path, "expected an object with a method and a tolerance");
	int method = KPIX_RAG_TOLERANCE;
	int rc;
	if ((rc = kpix_json_only_keys(doc, path, j, keys)) ||
	    (rc = kpix_json_get_one_of(doc, path, j, "method", kpix_rag_method_words,
	                               "tolerance (a band below the target) or comparative (the "
	                               "Havering form)",
	                               true, &method)))
		return rc;
	out->method = (kpix_rag_method)method;
	const kpix_json *t = kpix_json_get(j, "tolerance");
	if (!t) {
		if (out->method == KPIX_RAG_TOLERANCE)
			return kpix_json_fail(doc, path, "'tolerance' is missing: how far short of the target "
			                                 "is still amber, as {\"points\": 5} or "
			                                 "{\"percentOfTarget\": 10}");
		out->tolerance = 10;
		out->relative = true;
		return 0;
	}
	char *tp = at(path, "tolerance");
	bool has_pts = false, has_pct = false;
	double pts = 0, pct = 0;
	if (!kpix_json_is_object(t))
		rc = kpix_json_fail(doc, tp, "expected {\"points\": N} or {\"percentOfTarget\": N}");
	else if (!(rc = kpix_json_only_keys(doc, tp, t, tkeys)) &&
	         !(rc = kpix_json_get_num(doc, tp, t, "points", &has_pts, &pts)) &&
	         !(rc = kpix_json_get_num(doc, tp, t, "percentOfTarget", &has_pct, &pct))) {
		if (has_pts == has_pct)
			rc = kpix_json_fail(doc, tp, "give one of points and percentOfTarget");
		else if ((has_pts ? pts : pct) < 0)
			rc = kpix_json_fail(doc, tp, "a tolerance cannot be negative");
		out->tolerance = has_pts ? pts : pct;
		out->relative = has_pct;
	}
	free(tp);
	return rc;
}

/* (rating.h) */
double kpix_rag_shown(double v, int decimals)
{
	double scale = pow(10.0, decimals < 0 ? 0 : decimals > 9 ? 9 : decimals);
	return round(v * scale) / scale;
}

/* How far v falls short of target (positive when short, 0 or less when at
 * or better), for a figure where pol says which way is better. */
static double shortfall(kpix_polarity pol, double v, double target)
{
	return pol == KPIX_POL_HIGHER ? target - v : v - target;
}

/* (rating.h) */
kpix_rag kpix_rag_rate(const kpix_rag_rule *rule, kpix_polarity pol, int decimals, bool due,
                       kpix_opt value, kpix_opt target, kpix_opt last_year)
{
	if (!due && !value.has)
		return KPIX_RAG_NOT_DUE;
	if (!value.has)
		return KPIX_RAG_NO_DATA;
	if (pol == KPIX_POL_NONE)
		return KPIX_RAG_NOT_RATED;
	if (!target.has)
		return KPIX_RAG_NO_TARGET;
	double v = kpix_rag_shown(value.v, decimals), t = kpix_rag_shown(target.v, decimals);
	double gap = shortfall(pol, v, t);
	if (gap <= EPS)
		return KPIX_RAG_GREEN;
	double tol = rule->relative ? fabs(t) * rule->tolerance / 100.0 : rule->tolerance;
	bool within = gap <= tol + EPS;
	if (rule->method == KPIX_RAG_TOLERANCE)
		return within ? KPIX_RAG_AMBER : KPIX_RAG_RED;
	if (within)
		return KPIX_RAG_GREEN;
	if (last_year.has && shortfall(pol, v, kpix_rag_shown(last_year.v, decimals)) <= EPS)
		return KPIX_RAG_AMBER;
	return KPIX_RAG_RED;
}

/* (rating.h) */
const char *kpix_rag_name(kpix_rag r)
{
	static const char *const names[KPIX_RAG_N] = {"Green",     "Amber",   "Red",    "No target",
	                                              "Not rated", "No data", "Not due"};
	return r < KPIX_RAG_N ? names[r] : "";
}

/* (rating.h) */
void kpix_rag_rule_attrs(const kpix_rag_rule *rule, bool has, kpix_val *method,
                         kpix_val *points, kpix_val *percent)
{
	*method = *points = *percent = (kpix_val){KPIX_VAL_NULL, false, 0, NULL, 0};
	if (!has)
		return;
	const char *w = kpix_rag_method_words[rule->method];
	*method = (kpix_val){KPIX_VAL_STRING, false, 0, w, strlen(w)};
	*(rule->relative ? percent : points) = (kpix_val){KPIX_VAL_NUMBER, false, rule->tolerance, NULL, 0};
}

/* (rating.h) */
bool kpix_rag_rule_of_attrs(const kpix_val *method, const kpix_val *points,
                            const kpix_val *percent, kpix_rag_rule *out)
{
	if (method->kind != KPIX_VAL_STRING)
		return false;
	size_t m = 0;
	while (kpix_rag_method_words[m] && (strlen(kpix_rag_method_words[m]) != method->len ||
	                                    memcmp(kpix_rag_method_words[m], method->str, method->len)))
		m++;
	if (!kpix_rag_method_words[m])
		return false;
	out->method = (kpix_rag_method)m;
	out->relative = percent->kind == KPIX_VAL_NUMBER;
	out->tolerance = out->relative ? percent->num : points->kind == KPIX_VAL_NUMBER ? points->num : 0;
	return true;
}
