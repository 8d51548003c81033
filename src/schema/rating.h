/* rating.h - the one rule that rates a figure against its target: RAG.
 *
 * Every document kpix writes that shows a RAG status rates through
 * kpix_rag_rate: an export column with the expression function rag()
 * (expr.h), the board pack's model (pack/model.h) and whatever comes later.
 * The rule itself (method and tolerance) is data: the schema's "rag", for
 * every indicator of its catalogue, or an indicator's own "rag"
 * (docs/schema-format.md, "RAG"); the polarity, the decimals and the
 * target come from the catalogue and the row. A document that rates
 * differently on purpose (a pack's own rule, docs/packs.md) says so on
 * the row.
 *
 * Pure functions: no I/O, no allocation but the JSON loader's messages. */
#ifndef KPIX_RATING_H
#define KPIX_RATING_H

#include <stdbool.h>

#include "expr.h"
#include "json.h"

typedef enum { KPIX_POL_NONE, KPIX_POL_HIGHER, KPIX_POL_LOWER } kpix_polarity;

/* What "polarity" may say, in the order of kpix_polarity; NULL-ended. */
extern const char *const kpix_polarity_words[];

/* A figure that may be missing. */
typedef struct {
	bool has;
	double v;
} kpix_opt;

#define KPIX_NONE ((kpix_opt){false, 0})
#define KPIX_SOME(x) ((kpix_opt){true, (x)})

typedef enum {
	KPIX_RAG_GREEN,
	KPIX_RAG_AMBER,
	KPIX_RAG_RED,
	KPIX_RAG_NO_TARGET,  /* a figure, but no target to judge it by */
	KPIX_RAG_NOT_RATED,  /* a figure for which neither higher nor lower is better */
	KPIX_RAG_NO_DATA,    /* due this period, and no figure was given */
	KPIX_RAG_NOT_DUE,    /* not reported in this period (a biannual or annual measure) */
	KPIX_RAG_N
} kpix_rag;

typedef enum {
	/* green at or better than the target; amber when short of it by no
	 * more than the tolerance; red beyond */
	KPIX_RAG_TOLERANCE,
	/* the Havering form: green on target or short of it by no more than
	 * the tolerance; further off, amber when at least as good as the same
	 * period last year, red when worse or when there is no such figure */
	KPIX_RAG_COMPARATIVE
} kpix_rag_method;

/* What "method" may say, in the order of kpix_rag_method; NULL-ended. */
extern const char *const kpix_rag_method_words[];

typedef struct {
	kpix_rag_method method;
	double tolerance;      /* how far short of the target still counts as amber
	                        * (tolerance) or green (comparative) */
	bool relative;         /* tolerance is a percentage of the target, not
	                        * points in the figure's own unit */
} kpix_rag_rule;

/* Reads a rule, {"method": "tolerance" | "comparative", "tolerance":
 * {"points": N} or {"percentOfTarget": N}}, at path of doc into *out; the
 * comparative method's tolerance is 10% of the target unless given.
 * Returns 0 or KPIX_ESCHEMA ("FILE:LINE:COL: PATH: what is wrong"). */
int kpix_rag_rule_load(const kpix_json_doc *doc, const char *path, const kpix_json *j,
                       kpix_rag_rule *out);

/* v as a document shows it: rounded to decimals places (0 to 9). */
double kpix_rag_shown(double v, int decimals);

/* The status of value against target. Figures are compared as they are
 * shown, rounded to decimals places, so that a figure shown as 80.0
 * against a target of 80 is on target. due false gives NOT_DUE unless
 * there is a value; a missing value NO_DATA; polarity NONE NOT_RATED; a
 * missing target NO_TARGET. last_year is the figure for the same period a
 * year before, used by the comparative method only. */
kpix_rag kpix_rag_rate(const kpix_rag_rule *rule, kpix_polarity pol, int decimals, bool due,
                       kpix_opt value, kpix_opt target, kpix_opt last_year);

/* "Green", "Amber", "Red", "No target", "Not rated", "No data", "Not due". */
const char *kpix_rag_name(kpix_rag r);

/* A rule as the three ind.* attributes an expression sees (scope.h):
 * ind.rag, the method's word, or null when there is no rule (has false);
 * ind.ragPoints and ind.ragPercent, the tolerance, one of them null. */
void kpix_rag_rule_attrs(const kpix_rag_rule *rule, bool has, kpix_val *method,
                         kpix_val *points, kpix_val *percent);

/* The rule those three attributes describe, back; false when method is
 * not one of kpix_rag_method_words (no rule). */
bool kpix_rag_rule_of_attrs(const kpix_val *method, const kpix_val *points,
                            const kpix_val *percent, kpix_rag_rule *out);

#endif
