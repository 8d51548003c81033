/* period.h - UK financial periods: the one place that reads, names, orders
 * and dates them, and decides whether an indicator is due in one.
 *
 * A financial year runs from April to March and is written "YYYY-YY" (the
 * calendar year it starts in, a hyphen, the last two digits of the next):
 * "2025-26". A quarter of it is written "YYYY-YY Qn": Q1 is April to June,
 * Q2 July to September, Q3 October to December, Q4 January to March of the
 * second year. These are the only forms the schemas (schema-format.md,
 * quarter_start, quarter_end, year_end, dueIn) and the board packs
 * (packs.md) use. Pure functions: no I/O, no allocation. */
#ifndef KPIX_PERIOD_H
#define KPIX_PERIOD_H

#include <stdbool.h>
#include <stddef.h>

#include "cast.h"

/* A financial year or one quarter of it. */
typedef struct {
	int year;      /* the calendar year it starts in: 2025 for 2025-26 (0 to 9999) */
	int quarter;   /* 1 to 4, or 0 for the whole year */
} kpix_period;

/* The forms kpix_period_parse accepts: a quarter, a whole year, or both. */
typedef enum {
	KPIX_PERIOD_QUARTER = 1,
	KPIX_PERIOD_YEAR = 2,
	KPIX_PERIOD_ANY = KPIX_PERIOD_QUARTER | KPIX_PERIOD_YEAR
} kpix_period_form;

/* Room for kpix_period_text's result with its NUL ("2025-26 Q2"). */
#define KPIX_PERIOD_TEXT_SIZE 16

/* Room for kpix_period_end_words's result ("30 September 2025"). */
#define KPIX_PERIOD_WORDS_SIZE 40

/* Reads s[0..len) written exactly "YYYY-YY" or "YYYY-YY Qn", in one of
 * forms: four digits, a hyphen, the next year's last two digits, and for
 * a quarter a space, "Q" and 1 to 4; nothing else, not even spaces
 * around. Returns 0 with the period in *out, or -1 (*out untouched). */
int kpix_period_parse(kpix_period *out, const char *s, size_t len, kpix_period_form forms);

/* Writes p as kpix_period_parse reads it ("2025-26 Q2", "2025-26") into
 * buf; returns the length. */
size_t kpix_period_text(const kpix_period *p, char buf[KPIX_PERIOD_TEXT_SIZE]);

/* The first and the last day of p, as days since 1970-01-01: for
 * "2025-26 Q2" 1 July and 30 September 2025; for "2025-26" 1 April 2025
 * and 31 March 2026. */
kpix_date kpix_period_start(const kpix_period *p);
kpix_date kpix_period_end(const kpix_period *p);

/* The last day of p in words, "30 September 2025", into buf (size bytes,
 * NUL-terminated); returns what snprintf returns. */
int kpix_period_end_words(const kpix_period *p, char *buf, size_t size);

/* Quarters in order: year * 4 + quarter - 1, so that the quarter before
 * is one less and the same quarter a year earlier four less. p must be a
 * quarter. kpix_period_of_index is its inverse, for index >= 0. */
int kpix_period_index(const kpix_period *p);
kpix_period kpix_period_of_index(int index);

/* Whether an indicator due in the periods due_in[0..n) (its catalogue's
 * dueIn, such as "Q2", "Q4") is due in the period written period[0..len):
 * when the text ends with one of them, or when n is 0 (due in every
 * period). The text need not be a financial period; this is the rule
 * schema-format.md states ("the period's value ends with one of its dueIn
 * entries"), for validation's completeness check and the pack alike. */
bool kpix_period_due(const char *period, size_t len, const char *const *due_in, size_t n);

/* Whether the period written period[0..len) is on or after the quarter
 * whose kpix_period_index is from (an indicator's "from"): true when from
 * is negative (no "from") or the text is not a financial period (a return
 * whose periods kpix cannot order is asked for everything); a year counts
 * from its Q1. Completeness asks for an indicator only when both this and
 * kpix_period_due hold. */
bool kpix_period_since(const char *period, size_t len, int from);

/* kpix_period_due for the quarter p, by its text. */
bool kpix_period_due_in(const kpix_period *p, const char *const *due_in, size_t n);

#endif
