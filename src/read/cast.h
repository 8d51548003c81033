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
	bool special;      /* "NaN", "INF" and "-INF" are numbers (a plain Table Schema's
	                    * number field); false in kpix's own schemas, whose figures
	                    * must be finite */
} kpix_numfmt;

#define KPIX_NUMFMT_INIT {'.', 0, true, false}

/* Integer: optional sign, decimal digits, group characters only between
 * digit groups when group_char is set; must fit in int64. */
int kpix_cast_integer(const char *s, size_t len, const kpix_numfmt *fmt, int64_t *out);

/* Number: optional sign, digits with an optional fraction and exponent.
 * Correctly rounded. Only finite values unless fmt->special: then exactly
 * "NaN", "INF" and "-INF" are read as Table Schema defines them; anything
 * too large for a double (1e309) fails either way. Every zero, "-0" too,
 * gives plain 0.0. */
int kpix_cast_number(const char *s, size_t len, const kpix_numfmt *fmt, double *out);

/* Boolean: the text must equal one of true_values or false_values exactly
 * (case-sensitive, as Table Schema says). NULL lists mean the defaults:
 * true, True, TRUE, 1 / false, False, FALSE, 0. */
int kpix_cast_boolean(const char *s, size_t len, const char *const *true_values,
                      const char *const *false_values, bool *out);

/* A calendar date as days since 1970-01-01 (negative before). */
typedef int32_t kpix_date;

/* Date. format NULL or "default": ISO 8601 YYYY-MM-DD. "any": ISO, or
 * day-first DD/MM/YYYY (or with '.' for the '/', as in 31.03.2025). Otherwise a strptime-like pattern using %d %m %Y
 * %y %b %B %e %% and literal characters; month names are English and
 * matched without regard to case. Impossible dates (31/02/2024) fail. */
int kpix_cast_date(const char *s, size_t len, const char *format, kpix_date *out);

/* Year: four digits (optionally signed, as Table Schema allows). */
int kpix_cast_year(const char *s, size_t len, int32_t *out);

/* Year and month YYYY-MM; *out = year * 12 + (month - 1). */
int kpix_cast_yearmonth(const char *s, size_t len, int32_t *out);

/* Time of day (Table Schema "time") as seconds since midnight, with the
 * fraction: format NULL or "default" is hh:mm:ss with an optional
 * fraction and zone (Z, +hh:mm, -hhmm); "any" also takes hh:mm; any other
 * format is a pattern as for dates, of %H %I %M %S %f %p %z and literals.
 * A zone moves the time to UTC (modulo a day). */
int kpix_cast_time(const char *s, size_t len, const char *format, double *out);

/* Date and time (Table Schema "datetime") as seconds since
 * 1970-01-01T00:00:00, with the fraction: format NULL or "default" is
 * YYYY-MM-DDThh:mm:ss with an optional fraction and zone; "any" also
 * takes a space for the T, no seconds, and the date day first as
 * DD/MM/YYYY; any other format is a pattern of the date and time
 * directives. A time with a zone is moved to UTC; one without is taken as
 * written. */
int kpix_cast_datetime(const char *s, size_t len, const char *format, double *out);

/* Which of date, time and datetime a format pattern is checked for. */
typedef enum { KPIX_STAMP_DATE, KPIX_STAMP_TIME, KPIX_STAMP_DATETIME } kpix_stamp_kind;

/* Checks that a pattern is one the cast of kind understands: supported
 * directives only, and the parts the kind needs (a date's day, month and
 * year; a time's hour). Returns 0, or -1 with a reason in why (may be
 * NULL). "default" and "any" pass. */
int kpix_stamp_format_check(const char *format, kpix_stamp_kind kind, const char **why);

/* Duration (Table Schema "duration"): an ISO 8601 duration such as P1Y2M,
 * P3W, PT36H or P1DT12H30M5.5S, with an optional sign; at least one
 * component, components in order, a fraction only on the last. 0 or -1;
 * nothing to write. */
int kpix_cast_duration(const char *s, size_t len);

/* Geographic point (Table Schema "geopoint"): format NULL or "default" is
 * "lon, lat" (the space optional), "array" a JSON array [lon, lat],
 * "object" a JSON object {"lon": .., "lat": ..}. Longitude must lie in
 * -180..180 and latitude in -90..90. */
int kpix_cast_geopoint(const char *s, size_t len, const char *format, double *lon, double *lat);

/* The JSON kinds kpix_cast_json tells apart. */
typedef enum {
	KPIX_JSON_OBJECT = 'o',
	KPIX_JSON_ARRAY = 'a',
	KPIX_JSON_GEOJSON = 'g',  /* an object with a GeoJSON "type" and that type's members */
	KPIX_JSON_TOPOJSON = 't', /* an object with "type": "Topology" and "objects" */
} kpix_json_kind;

/* Whether the text is JSON (RFC 8259, white space allowed around it,
 * nested at most 64 deep) of the kind: Table Schema's "object", "array"
 * and "geojson" types. 0 or -1. Reads without allocating. */
int kpix_cast_json(const char *s, size_t len, kpix_json_kind kind);

/* The string formats of Table Schema. */
typedef enum {
	KPIX_STR_DEFAULT,
	KPIX_STR_EMAIL,  /* local@domain.tld: no spaces, one @, a domain of dotted labels */
	KPIX_STR_URI,    /* scheme:rest (RFC 3986 characters); "scheme:/x" needs "//host" */
	KPIX_STR_UUID,   /* 8-4-4-4-12 hexadecimal digits */
	KPIX_STR_BINARY, /* base64 (RFC 4648 alphabet, padded to a multiple of 4) */
} kpix_strfmt;

/* Whether a string is in the format: 0 or -1 (always 0 for the default). */
int kpix_cast_string(const char *s, size_t len, kpix_strfmt fmt);

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
