/* cast.h - turn the text of one CSV cell into a typed value.
 *
 * Every function here is pure: no allocation, no locale, no global state,
 * so the same bytes give the same answer on every machine. Each takes the
 * cell as (pointer, length); the text is not NUL-terminated. Each returns 0
 * and writes *out when the whole text is a valid value of the type, and -1
 * (leaving *out untouched) otherwise. Callers handle missing values before
 * calling: an empty string is simply not a number.
 */
#ifndef KPIX_CAST_H
#define KPIX_CAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a schema field writes its numbers (Table Schema number/integer). */
typedef struct {
	char decimal_char; /* '.' unless the schema says otherwise */
	char group_char;   /* 0 when the schema has no groupChar */
	bool bare_number;  /* false: text such as "82%" or "£1,234" around the number is stripped */
} kpix_numfmt;

#define KPIX_NUMFMT_INIT {'.', 0, true}

/* Integer: optional sign, decimal digits, group characters only between
 * digit groups when group_char is set; must fit in int64. */
int kpix_cast_integer(const char *s, size_t len, const kpix_numfmt *fmt, int64_t *out);

/* Number: optional sign, digits with an optional fraction and exponent.
 * Correctly rounded. Only finite values: NaN, INF and anything too large
 * for a double (1e309) fail. Every zero, "-0" too, gives plain 0.0. */
int kpix_cast_number(const char *s, size_t len, const kpix_numfmt *fmt, double *out);

/* Boolean: the text must equal one of true_values or false_values exactly
 * (case-sensitive, as Table Schema says). NULL lists mean the defaults:
 * true, True, TRUE, 1 / false, False, FALSE, 0. */
int kpix_cast_boolean(const char *s, size_t len, const char *const *true_values,
                      const char *const *false_values, bool *out);

/* A calendar date as days since 1970-01-01 (negative before). */
typedef int32_t kpix_date;

/* Date. format NULL or "default": ISO 8601 YYYY-MM-DD. "any": ISO, or UK
 * day-first DD/MM/YYYY. Otherwise a strptime-like pattern using %d %m %Y
 * %y %b %B %e %% and literal characters; month names are English and
 * matched without regard to case. Impossible dates (31/02/2024) fail. */
int kpix_cast_date(const char *s, size_t len, const char *format, kpix_date *out);

/* Year: four digits (optionally signed, as Table Schema allows). */
int kpix_cast_year(const char *s, size_t len, int32_t *out);

/* Year and month YYYY-MM; *out = year * 12 + (month - 1). */
int kpix_cast_yearmonth(const char *s, size_t len, int32_t *out);

/* Writes the date back as YYYY-MM-DD into buf (at least 11 bytes, NUL-terminated). */
void kpix_date_format(kpix_date d, char *buf);

/* Days since 1970-01-01 of a valid y/m/d; no range checks beyond the calendar. */
kpix_date kpix_date_from_ymd(int y, int m, int d);

/* Why kpix_cast_number (integer false) or kpix_cast_integer (true) refused
 * a cell, as a short clause for an officer ("there are spaces before or
 * after the number"), or NULL when there is nothing to say beyond the
 * type. For the error path only: it is slower than the casts. buf (at
 * least 128 bytes) may hold the text; the result lives in buf or in
 * static storage. */
const char *kpix_number_problem(const char *s, size_t len, const kpix_numfmt *fmt, bool integer,
                                char *buf, size_t buflen);

/* The same for kpix_cast_date: chiefly a date laid out as format says
 * that does not exist ("February 2024 has 29 days", "there is no month
 * 13"). */
const char *kpix_date_problem(const char *s, size_t len, const char *format, char *buf,
                              size_t buflen);

/* Checks that a date format pattern is one kpix_cast_date understands.
 * Returns 0 when it is, -1 otherwise with a reason in why (may be NULL). */
int kpix_date_format_check(const char *format, const char **why);

/* Formats a double the way kpix writes numbers everywhere: shortest text
 * that reads back to the same value, "." as the decimal point whatever the
 * locale, no exponent for ordinary magnitudes. buf must hold 32 bytes. */
void kpix_format_number(double v, char *buf);

#endif
