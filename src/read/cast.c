/* cast.c - typed reading of CSV cells; see cast.h for the contract.
 *
 * Nothing here consults the process locale. Numbers are read by hand into
 * a decimal mantissa and exponent; only values the exact fast path cannot
 * settle go to strtod_l under a private "C" locale object.
 *
 * Whitespace is never skipped: " 12 " is not a number or an integer here.
 * Trimming (or not) is the schema's and the CSV reader's business, and a
 * validator should report stray spaces rather than hide them. The one
 * exception is bareNumber false, whose stripping of non-digits around the
 * number removes spaces along with currency and percent signs.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* newlocale, strtod_l; must come before any header */
#endif
#include "cast.h"

#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longer cells are rejected outright as numbers and integers: no real KPI
 * value needs more, and it bounds the fallback buffer. */
#define MAX_NUM_LEN 1000

static const kpix_numfmt default_fmt = KPIX_NUMFMT_INIT;

/* The value of an ASCII digit, or 10 or more for any other byte. */
static inline unsigned digit(char c)
{
	return (unsigned)(unsigned char)c - '0';
}

/* The group character that applies, or 0. A groupChar equal to the
 * decimal character or to a digit could never be told apart, so it is
 * ignored rather than allowed to change what a number means. */
static char group_of(const kpix_numfmt *fmt)
{
	char g = fmt->group_char;
	if (g == fmt->decimal_char || digit(g) < 10 || g == '+' || g == '-')
		return 0;
	return g;
}

/* bareNumber false: narrows [*pp, *pe) the way frictionless-py's
 * ^\D* and \D*$ substitutions do ("82%" -> "82", "£1,234.50" -> "1,234.50"),
 * except that a sign, or a decimal character just before a digit, ends
 * the leading strip, so "-82%" stays negative and "£.5" stays a half.
 * Something like "-£5" is therefore left as is and rejected. */
static void strip_affixes(const char **pp, const char **pe, char dc)
{
	const char *p = *pp, *e = *pe;

	while (p < e && digit(*p) >= 10 && *p != '+' && *p != '-' &&
	       !(*p == dc && p + 1 < e && digit(p[1]) < 10))
		p++;
	while (e > p && digit(e[-1]) >= 10)
		e--;
	*pp = p;
	*pe = e;
}

/* With a group character, the digits before the decimal point must be
 * grouped as thousands are: one to three digits, then groups of exactly
 * three ("1,234,567"). "12,34" is more likely a slip for 12.34 than twelve
 * hundred and thirty-four, so it is refused rather than guessed at. */
static bool grouped_in_thousands(const char *p, const char *e, char gc)
{
	size_t run = 0;
	bool seen = false;
	for (; p < e; p++) {
		if (*p == gc) {
			if (run == 0 || run > 3 || (seen && run != 3))
				return false;
			seen = true;
			run = 0;
		} else if (digit(*p) < 10) {
			run++;
		}
	}
	return !seen || run == 3;
}

/* The number's text in s: [*p, *e) without the sign or unit the format
 * allows around it, and *fmt the format to read it by. -1 for text too
 * short or too long to be a number. */
static int number_span(const char *s, size_t len, const kpix_numfmt **fmt, const char **p,
                       const char **e)
{
	*p = s;
	*e = s + len;
	if (!*fmt)
		*fmt = &default_fmt;
	if (len == 0 || len > MAX_NUM_LEN)
		return -1;
	if (!(*fmt)->bare_number)
		strip_affixes(p, e, (*fmt)->decimal_char);
	return 0;
}

int kpix_cast_integer(const char *s, size_t len, const kpix_numfmt *fmt, int64_t *out)
{
	const char *p, *e;
	if (number_span(s, len, &fmt, &p, &e))
		return -1;

	bool neg = false;
	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';

	/* The everyday shape, at most 18 plain digits, cannot overflow, so its
	 * digits are all there is to check. */
	if (p < e && e - p <= 18) {
		const char *q = p;
		uint64_t v = 0;
		for (; q < e && digit(*q) < 10; q++)
			v = v * 10 + digit(*q);
		if (q == e) {
			*out = neg ? -(int64_t)v : (int64_t)v;
			return 0;
		}
	}

	char gc = group_of(fmt);
	if (gc && !grouped_in_thousands(p, e, gc))
		return -1;
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;
	size_t ndig = 0;
	for (; p < e; p++) {
		unsigned d = digit(*p);
		if (d < 10) {
			/* 18 digits cannot overflow; only longer numbers need the test */
			if (ndig >= 18 && v > (limit - d) / 10)
				return -1;
			v = v * 10 + d;
			ndig++;
		} else if (!(gc && *p == gc && ndig && p + 1 < e && digit(p[1]) < 10)) {
			return -1;
		}
	}
	if (!ndig)
		return -1;
	*out = !neg ? (int64_t)v : v == limit ? INT64_MIN : -(int64_t)v;
	return 0;
}

/* A scanned decimal: value = (-1)^neg * mant * 10^exp, exact unless trunc
 * says nonzero digits beyond the first 19 significant ones were dropped. */
struct decimal {
	uint64_t mant;
	int exp;
	int nsig;
	bool neg, trunc;
};

static inline void push_digit(struct decimal *r, unsigned d, bool frac)
{
	if (r->nsig < 19) {
		if (frac)
			r->exp--;
		if (r->nsig == 0 && d == 0)
			return; /* leading zero: no significance yet */
		r->mant = r->mant * 10 + d;
		r->nsig++;
	} else {
		if (!frac)
			r->exp++;
		if (d)
			r->trunc = true;
	}
}

/* Checks that [p, e) is exactly [sign] int [dc frac] [e|E [sign] digits],
 * with at least one digit in int or frac (so ".5" and "5." pass, as in
 * Python's Decimal) and group characters only singly between integer
 * digits. Returns 0 and fills *r when it is. */
static int scan_decimal(const char *p, const char *e, char dc, char gc, struct decimal *r)
{
	size_t nint = 0, nfrac = 0;

	*r = (struct decimal){0, 0, 0, false, false};
	if (p < e && (*p == '+' || *p == '-'))
		r->neg = *p++ == '-';
	const char *int_start = p;
	for (; p < e; p++) {
		unsigned d = digit(*p);
		if (d < 10) {
			push_digit(r, d, false);
			nint++;
		} else if (!(gc && *p == gc && nint && p + 1 < e && digit(p[1]) < 10)) {
			break;
		}
	}
	if (gc && !grouped_in_thousands(int_start, p, gc))
		return -1;
	if (p < e && *p == dc) {
		for (p++; p < e && digit(*p) < 10; p++, nfrac++)
			push_digit(r, digit(*p), true);
	}
	if (nint + nfrac == 0)
		return -1;
	if (p < e && (*p == 'e' || *p == 'E')) {
		bool eneg = false;
		int x = 0;
		const char *start;
		if (++p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		for (start = p; p < e && digit(*p) < 10; p++)
			if (x < 100000) /* far past any double; keeps the sum in range */
				x = x * 10 + (int)digit(*p);
		if (p == start)
			return -1;
		r->exp += eneg ? -x : x;
	}
	return p == e ? 0 : -1;
}

/* A "C" locale made on first use and kept for the life of the process.
 * Two threads racing here both build one; the loser frees its copy. */
static locale_t c_locale(void)
{
	static _Atomic(locale_t) cached;
	locale_t loc = atomic_load_explicit(&cached, memory_order_acquire);
	if (loc)
		return loc;
	loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!loc)
		return loc;
	locale_t expected = (locale_t)0;
	if (!atomic_compare_exchange_strong(&cached, &expected, loc)) {
		freelocale(loc);
		loc = expected;
	}
	return loc;
}

/* Correctly rounded conversion of text already accepted by scan_decimal,
 * via glibc's strtod_l once dc and gc are normalised away. Returns -1
 * when the value overflows (only INF may be infinite) or, in the
 * near-impossible case, when no locale object can be made. */
static int slow_number(const char *p, const char *e, char dc, char gc, double *out)
{
	char buf[MAX_NUM_LEN + 1];
	size_t n = 0;
	for (; p < e; p++) {
		if (gc && *p == gc)
			continue;
		buf[n++] = *p == dc ? '.' : *p;
	}
	buf[n] = '\0';

	locale_t loc = c_locale();
	if (!loc)
		return -1;
	int saved = errno;
	char *end;
	double v = strtod_l(buf, &end, loc);
	errno = saved;
	if (*end != '\0' || isinf(v))
		return -1;
	*out = v == 0 ? 0.0 : v; /* -1e-400 underflows to plain zero too */
	return 0;
}

/* The exact powers of ten a double can hold. */
static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#define MAX_EXACT_INT ((uint64_t)1 << 53)

/* Clinger's fast path: when the mantissa and the power of ten are both
 * exact doubles, one IEEE multiply or divide gives the correctly rounded
 * result. Returns false when the case is not covered. Needs arithmetic
 * in plain double precision (not x87 extended), hence the guard. */
static bool fast_number(const struct decimal *r, double *out)
{
#if FLT_EVAL_METHOD == 0 || FLT_EVAL_METHOD == 1
	uint64_t m = r->mant;
	int x = r->exp;
	if (r->trunc || m > MAX_EXACT_INT)
		return false;
	/* 123e25 is 123000e22: shift zeros into the mantissa while exact. */
	while (x > 22 && m <= MAX_EXACT_INT / 10) {
		m *= 10;
		x--;
	}
	if (x < -22 || x > 22)
		return false;
	double v = (double)m;
	v = x < 0 ? v / exact_pow10[-x] : v * exact_pow10[x];
	*out = r->neg ? -v : v;
	return true;
#else
	(void)r;
	(void)out;
	return false;
#endif
}

static bool text_is(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return n == len && memcmp(s, lit, n) == 0;
}

/* Only finite numbers are read unless the format allows Table Schema's
 * NaN, INF and -INF (a plain Table Schema): they are not figures a return
 * can hold, and a value too large for a double (1e309)
 * fails rather than becoming infinite. Every zero, "-0" included, reads as
 * plain 0, so that no "-0" can reach a report or an export. Values too
 * small for a double round to zero or a subnormal like any correctly
 * rounded reader. */
int kpix_cast_number(const char *s, size_t len, const kpix_numfmt *fmt, double *out)
{
	const char *p, *e;
	struct decimal r;
	double v;
	if (number_span(s, len, &fmt, &p, &e))
		return -1;
	if (fmt->special && (len == 3 || len == 4) && (s[0] == 'N' || s[0] == 'I' || s[0] == '-')) {
		if (text_is(s, len, "NaN") || text_is(s, len, "INF") || text_is(s, len, "-INF")) {
			*out = s[0] == 'N' ? NAN : s[0] == '-' ? -INFINITY : INFINITY;
			return 0;
		}
	}

	/* The everyday shape, "-123.45" with at most 15 digits, is exact as an
	 * integer over a power of ten, so one division rounds it correctly. */
	if (e - p <= 16) {
		const char *q = p;
		bool neg = q < e && *q == '-';
		q += neg;
		uint64_t m = 0;
		const char *start = q;
		for (; q < e && digit(*q) < 10; q++)
			m = m * 10 + digit(*q);
		int digits = (int)(q - start), frac = -1; /* -1: no decimal character */
		if (q < e && *q == fmt->decimal_char) {
			for (start = ++q; q < e && digit(*q) < 10; q++)
				m = m * 10 + digit(*q);
			frac = (int)(q - start);
			digits += frac;
		}
		if (q == e && digits > 0 && digits <= 15 && frac != 0) {
			double v0 = (double)m;
			if (frac > 0)
				v0 /= exact_pow10[frac];
			*out = neg && m ? -v0 : v0;
			return 0;
		}
	}

	char gc = group_of(fmt);
	if (scan_decimal(p, e, fmt->decimal_char, gc, &r) != 0)
		return -1;
	if (r.mant == 0) {
		*out = 0.0;
		return 0;
	}
	if (fast_number(&r, &v)) {
		*out = v;
		return 0;
	}
	return slow_number(p, e, fmt->decimal_char, gc, out);
}

static const char *const default_true[] = {"true", "True", "TRUE", "1", NULL};
static const char *const default_false[] = {"false", "False", "FALSE", "0", NULL};

static bool in_list(const char *s, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (text_is(s, len, *list))
			return true;
	return false;
}

int kpix_cast_boolean(const char *s, size_t len, const char *const *true_values,
                      const char *const *false_values, bool *out)
{
	if (in_list(s, len, true_values ? true_values : default_true)) {
		*out = true;
		return 0;
	}
	if (in_list(s, len, false_values ? false_values : default_false)) {
		*out = false;
		return 0;
	}
	return -1;
}

/* ---- dates ---- */

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01. The year is taken to start on 1 March, so the
 * leap day falls at its end; the date then splits into whole 400-year
 * eras of 146097 days and a day within the era. */
kpix_date kpix_date_from_ymd(int y, int m, int d)
{
	int year = m <= 2 ? y - 1 : y;
	int era = (year >= 0 ? year : year - 399) / 400;
	int year_of_era = year - era * 400;                  /* 0..399 */
	int month_from_march = m > 2 ? m - 3 : m + 9;        /* 0..11 */
	int day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
	int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	/* 719468 days separate 0000-03-01 from 1970-01-01. */
	return (kpix_date)(era * 146097 + day_of_era - 719468);
}

/* The inverse of kpix_date_from_ymd, by the same March-based eras. */
static void ymd_from_date(kpix_date days, int *y, int *m, int *d)
{
	long z = (long)days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long day_of_era = z - era * 146097;                  /* 0..146096 */
	long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
	                    day_of_era / 146096) / 365;      /* 0..399 */
	long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	long month_from_march = (5 * day_of_year + 2) / 153; /* 0..11 */
	*d = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	*m = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
	*y = (int)(year_of_era + era * 400 + (*m <= 2));
}

/* Writes v as exactly n decimal digits and returns the end. */
static char *put_digits(char *p, int v, int n)
{
	for (int k = n - 1; k >= 0; k--, v /= 10)
		p[k] = (char)('0' + v % 10);
	return p + n;
}

/* Years outside 0000..9999 cannot be written in four digits; they come
 * out as "0000-00-00", a date no calendar has, so 11 bytes always suffice. */
void kpix_date_format(kpix_date days, char *buf)
{
	int y, m, d;
	ymd_from_date(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = m = d = 0;
	char *p = put_digits(buf, y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	*put_digits(p, d, 2) = '\0';
}

/* Reads between min and max digits at s[*i], greedily. */
static int read_digits(const char *s, size_t len, size_t *i, int min, int max, int *out)
{
	int v = 0, n = 0;
	while (n < max && *i < len && digit(s[*i]) < 10) {
		v = v * 10 + (int)digit(s[*i]);
		(*i)++;
		n++;
	}
	if (n < min)
		return -1;
	*out = v;
	return 0;
}

/* A calendar date in years 1..9999 that really exists. */
static int make_date(int y, int m, int d, kpix_date *out)
{
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	*out = kpix_date_from_ymd(y, m, d);
	return 0;
}

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
};

/* Whether s starts with the first n letters of a lower-case name, with
 * ASCII-only case folding so the locale has no say. */
static bool prefix_ci(const char *s, size_t avail, const char *name, size_t n)
{
	if (n > avail)
		return false;
	for (size_t k = 0; k < n; k++)
		if ((s[k] >= 'A' && s[k] <= 'Z' ? s[k] - 'A' + 'a' : s[k]) != name[k])
			return false;
	return true;
}

/* %b and %B alike, as strptime does: a full English month name or its
 * three-letter abbreviation, the full name preferred when both fit. */
static int read_month_name(const char *s, size_t len, size_t *i, int *out)
{
	for (int k = 0; k < 12; k++) {
		size_t full = strlen(month_names[k]);
		size_t n = prefix_ci(s + *i, len - *i, month_names[k], full) ? full
		         : prefix_ci(s + *i, len - *i, month_names[k], 3) ? 3 : 0;
		if (n) {
			*i += n;
			*out = k + 1;
			return 0;
		}
	}
	return -1;
}

/* %y as POSIX says: 69..99 are 1969..1999, 00..68 are 2000..2068. */
static int century_year(int yy)
{
	return yy < 69 ? 2000 + yy : 1900 + yy;
}

/* What a date or time pattern read, as written: -1 for a part it did
 * not hold. */
struct stamp {
	int y, m, d;
	int hour, min, sec;
	int hour12;        /* %I's hour, to be settled by %p */
	int pm;            /* -1 none, 0 AM, 1 PM */
	double frac;       /* of a second */
	bool zone;
	int zone_min;      /* minutes east of UTC */
};

/* %f: one to six digits after the point, as a fraction of a second. */
static int read_fraction(const char *s, size_t len, size_t *i, double *out)
{
	double f = 0, scale = 0.1;
	size_t n = 0;
	while (n < 9 && *i < len && digit(s[*i]) < 10) {
		f += digit(s[*i]) * scale;
		scale /= 10;
		(*i)++;
		n++;
	}
	if (!n)
		return -1;
	*out = f;
	return 0;
}

/* %z: Z, or a sign and hours and minutes, with or without a colon. */
static int read_zone(const char *s, size_t len, size_t *i, struct stamp *st)
{
	if (*i < len && (s[*i] == 'Z' || s[*i] == 'z')) {
		(*i)++;
		st->zone = true;
		st->zone_min = 0;
		return 0;
	}
	if (*i >= len || (s[*i] != '+' && s[*i] != '-'))
		return -1;
	int sign = s[(*i)++] == '-' ? -1 : 1, h, m = 0;
	if (read_digits(s, len, i, 2, 2, &h) || h > 23)
		return -1;
	if (*i < len && s[*i] == ':')
		(*i)++;
	if (*i < len && digit(s[*i]) < 10 && (read_digits(s, len, i, 2, 2, &m) || m > 59))
		return -1;
	st->zone = true;
	st->zone_min = sign * (h * 60 + m);
	return 0;
}

/* Matches the whole of s against a strptime-like pattern, giving the
 * parts as written, whether or not that day exists. %d %e %m %H %I %M %S
 * take one or two digits, %Y exactly four, %y exactly two, %f one to nine;
 * %p is AM or PM, %z a zone. */
static int read_stamp(const char *s, size_t len, const char *f, bool timed, struct stamp *st)
{
	size_t i = 0;
	int v = 0, rc;
	*st = (struct stamp){-1, -1, -1, -1, -1, -1, -1, -1, 0, false, 0};

	for (; *f; f++) {
		if (*f != '%' || f[1] == '%') { /* a literal, %% included */
			f += *f == '%';
			if (i >= len || s[i] != *f)
				return -1;
			i++;
			continue;
		}
		if (!timed && strchr("HIMSfzp", f[1]))
			return -1; /* a date's pattern has no time */
		switch (*++f) {
		case 'd': case 'e': rc = read_digits(s, len, &i, 1, 2, &st->d); break;
		case 'm': rc = read_digits(s, len, &i, 1, 2, &st->m); break;
		case 'b': case 'B': rc = read_month_name(s, len, &i, &st->m); break;
		case 'Y': rc = read_digits(s, len, &i, 4, 4, &st->y); break;
		case 'y':
			rc = read_digits(s, len, &i, 2, 2, &v);
			st->y = century_year(v);
			break;
		case 'H': rc = read_digits(s, len, &i, 1, 2, &st->hour); break;
		case 'I': rc = read_digits(s, len, &i, 1, 2, &st->hour12); break;
		case 'M': rc = read_digits(s, len, &i, 1, 2, &st->min); break;
		case 'S': rc = read_digits(s, len, &i, 1, 2, &st->sec); break;
		case 'f': rc = read_fraction(s, len, &i, &st->frac); break;
		case 'z': rc = read_zone(s, len, &i, st); break;
		case 'p':
			rc = -1;
			if (prefix_ci(s + i, len - i, "am", 2) || prefix_ci(s + i, len - i, "pm", 2)) {
				st->pm = s[i] == 'p' || s[i] == 'P';
				i += 2;
				rc = 0;
			}
			break;
		default: /* includes a pattern ending in a lone '%' */
			return -1;
		}
		if (rc)
			return -1;
	}
	if (i != len)
		return -1;
	if (st->hour12 >= 0) {
		if (st->hour12 < 1 || st->hour12 > 12 || st->hour >= 0)
			return -1;
		st->hour = st->hour12 % 12 + (st->pm == 1 ? 12 : 0);
	}
	return 0;
}

/* The year, month and day of a date pattern. */
static int read_pattern(const char *s, size_t len, const char *f, int *yp, int *mp, int *dp)
{
	struct stamp st;
	if (read_stamp(s, len, f, false, &st) || st.y < 0 || st.m < 0 || st.d < 0)
		return -1;
	*yp = st.y;
	*mp = st.m;
	*dp = st.d;
	return 0;
}

static int cast_pattern(const char *s, size_t len, const char *f, kpix_date *out)
{
	int y, m, d;
	return read_pattern(s, len, f, &y, &m, &d) ? -1 : make_date(y, m, d, out);
}

/* Exactly YYYY-MM-DD: at ten characters, %m and %d must take two digits. */
static int cast_iso(const char *s, size_t len, kpix_date *out)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	unsigned y0 = digit(s[0]), y1 = digit(s[1]), y2 = digit(s[2]), y3 = digit(s[3]);
	unsigned m0 = digit(s[5]), m1 = digit(s[6]), d0 = digit(s[8]), d1 = digit(s[9]);
	/* one test for the eight, rather than a branch each */
	if ((y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) | (m1 > 9) | (d0 > 9) | (d1 > 9))
		return -1;
	int y = (int)(y0 * 1000 + y1 * 100 + y2 * 10 + y3);
	int m = (int)(m0 * 10 + m1), day = (int)(d0 * 10 + d1);
	if (y < 1 || m < 1 || m > 12 || day < 1 || day > month_days(y, m))
		return -1;
	*out = kpix_date_from_ymd(y, m, day);
	return 0;
}

/* "any" is not frictionless-py's free-form guess: it means ISO or the
 * UK's day-first D/M/YYYY (or D.M.YYYY, as much of Europe writes it), so
 * 01/02/2024 is always 1 February. D-M-YYYY is refused: with dashes, the
 * month often comes first. */
int kpix_cast_date(const char *s, size_t len, const char *format, kpix_date *out)
{
	if (!format || strcmp(format, "default") == 0)
		return cast_iso(s, len, out);
	if (strcmp(format, "any") == 0)
		return cast_iso(s, len, out) == 0 || cast_pattern(s, len, "%d/%m/%Y", out) == 0 ||
		               cast_pattern(s, len, "%d.%m.%Y", out) == 0
		           ? 0
		           : -1;
	return cast_pattern(s, len, format, out);
}

/* "0000".."9999"; no sign, unlike the letter of cast.h's comment. */
int kpix_cast_year(const char *s, size_t len, int32_t *out)
{
	size_t i = 0;
	int y;
	if (len != 4 || read_digits(s, len, &i, 4, 4, &y))
		return -1;
	*out = y;
	return 0;
}

int kpix_cast_yearmonth(const char *s, size_t len, int32_t *out)
{
	size_t i = 0;
	int y, m;
	if (len != 7 || s[4] != '-' || read_digits(s, 4, &i, 4, 4, &y))
		return -1;
	i = 5;
	if (read_digits(s, 7, &i, 2, 2, &m) || m < 1 || m > 12)
		return -1;
	*out = y * 12 + (m - 1);
	return 0;
}

/* ---- times and dates with times ---- */

/* Exactly two digits at s[*i]. */
static int two_digits(const char *s, size_t len, size_t *i, int max, int *out)
{
	if (*i + 2 > len || digit(s[*i]) > 9 || digit(s[*i + 1]) > 9)
		return -1;
	int v = (int)(digit(s[*i]) * 10 + digit(s[*i + 1]));
	if (v > max)
		return -1;
	*i += 2;
	*out = v;
	return 0;
}

/* ISO 8601 hh:mm:ss, with an optional fraction (. or ,) and zone, from
 * s[*i] to the end; without_seconds lets hh:mm stand alone. */
static int iso_time(const char *s, size_t len, size_t i, bool without_seconds, struct stamp *st)
{
	if (two_digits(s, len, &i, 23, &st->hour) || i >= len || s[i++] != ':' ||
	    two_digits(s, len, &i, 59, &st->min))
		return -1;
	st->sec = 0;
	if (i < len && s[i] == ':') {
		i++;
		if (two_digits(s, len, &i, 59, &st->sec))
			return -1;
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			i++;
			if (read_fraction(s, len, &i, &st->frac))
				return -1;
		}
	} else if (!without_seconds) {
		return -1;
	}
	if (i < len && read_zone(s, len, &i, st))
		return -1;
	return i == len ? 0 : -1;
}

/* The seconds of a stamp's time of day, before its zone. */
static double day_seconds(const struct stamp *st)
{
	return st->hour * 3600.0 + (st->min > 0 ? st->min : 0) * 60.0 +
	       (st->sec > 0 ? st->sec : 0) + st->frac;
}

static bool time_valid(const struct stamp *st)
{
	return st->hour >= 0 && st->hour <= 23 && st->min <= 59 && st->sec <= 59;
}

int kpix_cast_time(const char *s, size_t len, const char *format, double *out)
{
	struct stamp st = {-1, -1, -1, -1, -1, -1, -1, -1, 0, false, 0};
	bool iso = !format || strcmp(format, "default") == 0;
	if (iso || strcmp(format, "any") == 0) {
		if (iso_time(s, len, 0, !iso, &st))
			return -1;
	} else if (read_stamp(s, len, format, true, &st) || !time_valid(&st)) {
		return -1;
	}
	double t = day_seconds(&st) - st.zone_min * 60.0;
	*out = t < 0 ? t + 86400 : t >= 86400 ? t - 86400 : t;
	return 0;
}

int kpix_cast_datetime(const char *s, size_t len, const char *format, double *out)
{
	struct stamp st = {-1, -1, -1, -1, -1, -1, -1, -1, 0, false, 0};
	kpix_date day;
	bool iso = !format || strcmp(format, "default") == 0;
	if (iso || strcmp(format, "any") == 0) {
		/* the date, then T (or, for any, a space), then the time */
		size_t i = 0;
		while (i < len && s[i] != 'T' && s[i] != ' ')
			i++;
		if (i == len || (!iso && i + 1 < len && s[i] == ' ' && s[i + 1] == ' '))
			return -1;
		if (iso ? s[i] != 'T' || cast_iso(s, i, &day)
		        : kpix_cast_date(s, i, "any", &day))
			return -1;
		if (iso_time(s, len, i + 1, !iso, &st))
			return -1;
	} else {
		if (read_stamp(s, len, format, true, &st) || !time_valid(&st) || st.y < 0 || st.m < 0 ||
		    st.d < 0 || make_date(st.y, st.m, st.d, &day))
			return -1;
	}
	*out = (double)day * 86400.0 + day_seconds(&st) - st.zone_min * 60.0;
	return 0;
}

/* ---- durations ---- */

/* ISO 8601: [sign] P, then date components among Y M W D in that order,
 * then T and time components among H M S; each a number of digits, the
 * last of all possibly with a fraction. */
int kpix_cast_duration(const char *s, size_t len)
{
	size_t i = 0;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= len || s[i++] != 'P')
		return -1;
	static const char date_units[] = "YMWD", time_units[] = "HMS";
	const char *units = date_units;
	size_t next = 0; /* the first unit still allowed */
	bool any = false, in_time = false, fraction = false;
	while (i < len) {
		if (s[i] == 'T') {
			if (in_time)
				return -1;
			in_time = true;
			units = time_units;
			next = 0;
			i++;
			if (i == len)
				return -1; /* T with no time after it */
			continue;
		}
		if (fraction)
			return -1; /* only the last component has a fraction */
		size_t start = i;
		while (i < len && digit(s[i]) < 10)
			i++;
		if (i == start)
			return -1;
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			size_t f = ++i;
			while (i < len && digit(s[i]) < 10)
				i++;
			if (i == f)
				return -1;
			fraction = true;
		}
		if (i >= len)
			return -1;
		const char *u = strchr(units + next, s[i]);
		if (!u || !*u)
			return -1;
		next = (size_t)(u - units) + 1;
		any = true;
		i++;
	}
	return any ? 0 : -1;
}

/* ---- JSON text ---- */

/* A JSON scanner that checks syntax without building anything; it notes
 * the members (or elements) of the outermost value, for the shape checks
 * of geopoint and geojson. */
#define JSON_MAX_DEPTH 64
#define JSON_NOTED 8

struct jnote {
	const char *key; /* between the quotes, escapes as written; NULL for an element */
	size_t klen;
	char kind;       /* o a s n t f z (null) */
	const char *val; /* the value's text (a string's, between its quotes) */
	size_t vlen;
};

struct jscan {
	const char *s;
	size_t len, i;
	struct jnote notes[JSON_NOTED];
	size_t nnotes, nmembers; /* noted, and in all */
};

static void json_space(struct jscan *j)
{
	while (j->i < j->len && (j->s[j->i] == ' ' || j->s[j->i] == '\t' || j->s[j->i] == '\n' ||
	                         j->s[j->i] == '\r'))
		j->i++;
}

static bool is_hex(char c)
{
	return digit(c) < 10 || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string from its opening quote; [*start, *end) its content. */
static int json_string(struct jscan *j, const char **start, size_t *n)
{
	if (j->i >= j->len || j->s[j->i] != '"')
		return -1;
	size_t b = ++j->i;
	while (j->i < j->len && j->s[j->i] != '"') {
		unsigned char c = (unsigned char)j->s[j->i];
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			j->i++;
			if (j->i >= j->len)
				return -1;
			char e = j->s[j->i];
			if (e == 'u') {
				for (int k = 1; k <= 4; k++)
					if (j->i + k >= j->len || !is_hex(j->s[j->i + k]))
						return -1;
				j->i += 4;
			} else if (!strchr("\"\\/bfnrt", e) || e == '\0') {
				return -1;
			}
		}
		j->i++;
	}
	if (j->i >= j->len)
		return -1;
	*start = j->s + b;
	*n = j->i - b;
	j->i++;
	return 0;
}

/* A number as RFC 8259 writes it: -? int frac? exp? */
static int json_number(struct jscan *j)
{
	size_t i = j->i;
	const char *s = j->s;
	if (i < j->len && s[i] == '-')
		i++;
	if (i < j->len && s[i] == '0')
		i++;
	else if (i < j->len && digit(s[i]) >= 1 && digit(s[i]) <= 9)
		while (i < j->len && digit(s[i]) < 10)
			i++;
	else
		return -1;
	if (i < j->len && s[i] == '.') {
		size_t f = ++i;
		while (i < j->len && digit(s[i]) < 10)
			i++;
		if (i == f)
			return -1;
	}
	if (i < j->len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < j->len && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t f = i;
		while (i < j->len && digit(s[i]) < 10)
			i++;
		if (i == f)
			return -1;
	}
	j->i = i;
	return 0;
}

static bool json_word(struct jscan *j, const char *w)
{
	size_t n = strlen(w);
	if (j->len - j->i < n || memcmp(j->s + j->i, w, n) != 0)
		return false;
	j->i += n;
	return true;
}

/* One value at j->i; its kind, or 0 when it is not JSON. The members or
 * elements of the value at depth 0 are noted. */
static char json_value(struct jscan *j, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return 0;
	json_space(j);
	if (j->i >= j->len)
		return 0;
	char c = j->s[j->i];
	if (c == '{' || c == '[') {
		bool object = c == '{';
		char close = object ? '}' : ']';
		j->i++;
		json_space(j);
		if (j->i < j->len && j->s[j->i] == close) {
			j->i++;
			return object ? 'o' : 'a';
		}
		for (;;) {
			struct jnote note = {NULL, 0, 0, NULL, 0};
			json_space(j);
			if (object) {
				if (json_string(j, &note.key, &note.klen))
					return 0;
				json_space(j);
				if (j->i >= j->len || j->s[j->i++] != ':')
					return 0;
				json_space(j);
			}
			size_t vstart = j->i;
			bool str = j->i < j->len && j->s[j->i] == '"';
			note.kind = json_value(j, depth + 1);
			if (!note.kind)
				return 0;
			note.val = j->s + vstart + str;
			note.vlen = j->i - vstart - 2 * str;
			if (depth == 0) {
				if (j->nnotes < JSON_NOTED)
					j->notes[j->nnotes++] = note;
				j->nmembers++;
			}
			json_space(j);
			if (j->i >= j->len)
				return 0;
			char sep = j->s[j->i++];
			if (sep == close)
				return object ? 'o' : 'a';
			if (sep != ',')
				return 0;
		}
	}
	if (c == '"') {
		const char *b;
		size_t n;
		return json_string(j, &b, &n) ? 0 : 's';
	}
	if (json_word(j, "true"))
		return 't';
	if (json_word(j, "false"))
		return 'f';
	if (json_word(j, "null"))
		return 'z';
	return json_number(j) ? 0 : 'n';
}

/* Scans the whole text as one JSON value: its kind, or 0. */
static char json_scan(struct jscan *j, const char *s, size_t len)
{
	*j = (struct jscan){s, len, 0, {{0}}, 0, 0};
	char kind = json_value(j, 0);
	json_space(j);
	return kind && j->i == len ? kind : 0;
}

/* The noted member named key, or NULL. */
static const struct jnote *json_member(const struct jscan *j, const char *key)
{
	size_t n = strlen(key);
	for (size_t k = 0; k < j->nnotes; k++)
		if (j->notes[k].key && j->notes[k].klen == n && memcmp(j->notes[k].key, key, n) == 0)
			return &j->notes[k];
	return NULL;
}

static bool note_is(const struct jnote *m, char kind)
{
	return m && m->kind == kind;
}

/* RFC 7946's object types and the member each must have: coordinates (an
 * array) for the geometries, geometries for a collection of them, geometry
 * (an object or null) for a feature, features for a collection of them. */
static int geojson_shape(const struct jscan *j)
{
	static const char *const geometries[] = {"Point",      "MultiPoint",      "LineString",
	                                         "MultiLineString", "Polygon", "MultiPolygon", NULL};
	const struct jnote *type = json_member(j, "type");
	if (!note_is(type, 's'))
		return -1;
	for (size_t k = 0; geometries[k]; k++)
		if (type->vlen == strlen(geometries[k]) && memcmp(type->val, geometries[k], type->vlen) == 0)
			return note_is(json_member(j, "coordinates"), 'a') ? 0 : -1;
#define TYPE_IS(lit) (type->vlen == sizeof(lit) - 1 && memcmp(type->val, lit, type->vlen) == 0)
	if (TYPE_IS("GeometryCollection"))
		return note_is(json_member(j, "geometries"), 'a') ? 0 : -1;
	if (TYPE_IS("Feature")) {
		const struct jnote *g = json_member(j, "geometry");
		return g && (g->kind == 'o' || g->kind == 'z') ? 0 : -1;
	}
	if (TYPE_IS("FeatureCollection"))
		return note_is(json_member(j, "features"), 'a') ? 0 : -1;
	return -1;
#undef TYPE_IS
}

int kpix_cast_json(const char *s, size_t len, kpix_json_kind kind)
{
	struct jscan j;
	char top = json_scan(&j, s, len);
	switch (kind) {
	case KPIX_JSON_OBJECT:
		return top == 'o' ? 0 : -1;
	case KPIX_JSON_ARRAY:
		return top == 'a' ? 0 : -1;
	case KPIX_JSON_GEOJSON:
		/* more members than are noted: the ones sought may be among the rest */
		return top == 'o' && j.nmembers <= JSON_NOTED && geojson_shape(&j) == 0 ? 0 : -1;
	case KPIX_JSON_TOPOJSON: {
		const struct jnote *t = json_member(&j, "type");
		return top == 'o' && j.nmembers <= JSON_NOTED && note_is(t, 's') && t->vlen == 8 &&
		               memcmp(t->val, "Topology", 8) == 0 &&
		               note_is(json_member(&j, "objects"), 'o')
		           ? 0
		           : -1;
	}
	}
	return -1;
}

/* ---- geographic points ---- */

static int coordinate(const char *s, size_t len, double *out)
{
	static const kpix_numfmt plain = KPIX_NUMFMT_INIT;
	return kpix_cast_number(s, len, &plain, out);
}

int kpix_cast_geopoint(const char *s, size_t len, const char *format, double *lon, double *lat)
{
	double x, y;
	if (!format || strcmp(format, "default") == 0) {
		const char *comma = memchr(s, ',', len);
		if (!comma)
			return -1;
		const char *b = comma + 1, *e = s + len;
		while (b < e && *b == ' ')
			b++;
		if (coordinate(s, (size_t)(comma - s), &x) || coordinate(b, (size_t)(e - b), &y))
			return -1;
	} else {
		struct jscan j;
		char top = json_scan(&j, s, len);
		if (strcmp(format, "array") == 0) {
			if (top != 'a' || j.nmembers != 2 || !note_is(&j.notes[0], 'n') ||
			    !note_is(&j.notes[1], 'n') || coordinate(j.notes[0].val, j.notes[0].vlen, &x) ||
			    coordinate(j.notes[1].val, j.notes[1].vlen, &y))
				return -1;
		} else if (strcmp(format, "object") == 0) {
			const struct jnote *o = json_member(&j, "lon"), *a = json_member(&j, "lat");
			if (top != 'o' || j.nmembers != 2 || !note_is(o, 'n') || !note_is(a, 'n') ||
			    coordinate(o->val, o->vlen, &x) || coordinate(a->val, a->vlen, &y))
				return -1;
		} else {
			return -1;
		}
	}
	if (!(x >= -180 && x <= 180 && y >= -90 && y <= 90))
		return -1;
	*lon = x;
	*lat = y;
	return 0;
}

/* ---- string formats ---- */

static bool is_alnum(char c)
{
	return digit(c) < 10 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A domain of two or more dot-separated labels of letters, digits and
 * hyphens (or bytes of UTF-8 beyond ASCII), none starting or ending with a
 * hyphen. */
static bool domain_ok(const char *p, const char *e)
{
	size_t labels = 0;
	while (p <= e) {
		const char *dot = memchr(p, '.', (size_t)(e - p));
		const char *end = dot ? dot : e;
		if (end == p || end - p > 63 || *p == '-' || end[-1] == '-')
			return false;
		for (const char *q = p; q < end; q++)
			if (!is_alnum(*q) && *q != '-' && (unsigned char)*q < 0x80)
				return false;
		labels++;
		if (!dot)
			break;
		p = dot + 1;
	}
	return labels >= 2;
}

static int email_ok(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len), *e = s + len;
	if (!at || at == s || at + 1 >= e || memchr(at + 1, '@', (size_t)(e - at - 1)))
		return -1;
	if (*s == '.' || at[-1] == '.')
		return -1;
	for (const char *q = s; q < at; q++) {
		unsigned char c = (unsigned char)*q;
		if (c <= ' ' || c == 0x7f || strchr("\"(),:;<>[\\]", c) || (c == '.' && q[1] == '.'))
			return -1;
	}
	return domain_ok(at + 1, e) ? 0 : -1;
}

static int uri_ok(const char *s, size_t len)
{
	size_t i = 0;
	if (!len || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return -1;
	while (i < len && (is_alnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	if (i >= len || s[i] != ':' || i + 1 >= len)
		return -1;
	size_t rest = ++i;
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7f || strchr("\"<>\\^`{|}", c))
			return -1;
		if (c == '%' && (i + 2 >= len || !is_hex(s[i + 1]) || !is_hex(s[i + 2])))
			return -1;
	}
	/* a path from the root needs an authority first: "https:/x" is a slip */
	if (s[rest] == '/') {
		if (len - rest < 3 || s[rest + 1] != '/' || s[rest + 2] == '/')
			return -1;
	}
	return 0;
}

static int uuid_ok(const char *s, size_t len)
{
	if (len != 36)
		return -1;
	for (size_t i = 0; i < 36; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !is_hex(s[i]))
			return -1;
	return 0;
}

static int base64_ok(const char *s, size_t len)
{
	if (len % 4)
		return -1;
	size_t pad = 0;
	while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < len - pad; i++)
		if (!is_alnum(s[i]) && s[i] != '+' && s[i] != '/')
			return -1;
	return 0;
}

int kpix_cast_string(const char *s, size_t len, kpix_strfmt fmt)
{
	switch (fmt) {
	case KPIX_STR_EMAIL: return email_ok(s, len);
	case KPIX_STR_URI: return uri_ok(s, len);
	case KPIX_STR_UUID: return uuid_ok(s, len);
	case KPIX_STR_BINARY: return base64_ok(s, len);
	case KPIX_STR_DEFAULT: break;
	}
	return 0;
}

#define U(c) "unsupported directive %" #c
static const char *const unsupported_upper[26] = {
	U(A), U(B), U(C), U(D), U(E), U(F), U(G), U(H), U(I), U(J), U(K), U(L), U(M),
	U(N), U(O), U(P), U(Q), U(R), U(S), U(T), U(U), U(V), U(W), U(X), U(Y), U(Z),
};
static const char *const unsupported_lower[26] = {
	U(a), U(b), U(c), U(d), U(e), U(f), U(g), U(h), U(i), U(j), U(k), U(l), U(m),
	U(n), U(o), U(p), U(q), U(r), U(s), U(t), U(u), U(v), U(w), U(x), U(y), U(z),
};
#undef U

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

/* Accepts exactly the patterns the cast of kind can ever match:
 * supported directives only, and the parts it needs: a date's day, month
 * and year, since a date missing one cannot be placed on the calendar,
 * and a time's hour. A date takes no time directives. */
int kpix_stamp_format_check(const char *format, kpix_stamp_kind kind, const char **why)
{
	bool y = false, m = false, d = false, h = false, h12 = false, p = false;
	if (!format || strcmp(format, "default") == 0 || strcmp(format, "any") == 0)
		return 0;
	bool timed = kind != KPIX_STAMP_DATE, dated = kind != KPIX_STAMP_TIME;
	for (const char *f = format; *f; f++) {
		if (*f != '%')
			continue;
		char c = *++f;
		switch (c) {
		case 'd': case 'e': d = dated; break;
		case 'm': case 'b': case 'B': m = dated; break;
		case 'Y': case 'y': y = dated; break;
		case 'H': h = timed; break;
		case 'I': h12 = timed; break;
		case 'p': p = timed; break;
		case 'M': case 'S': case 'f': case 'z': break;
		case '%': break;
		case '\0': return fail(why, "pattern ends with a lone %");
		default:
			break;
		}
		bool ok = c == '%' || (dated && strchr("demYybB", c)) || (timed && strchr("HIMSfzp", c));
		if (!ok) {
			if (c >= 'A' && c <= 'Z')
				return fail(why, unsupported_upper[c - 'A']);
			if (c >= 'a' && c <= 'z')
				return fail(why, unsupported_lower[c - 'a']);
			return fail(why, "unsupported directive after %");
		}
	}
	if (dated && !d)
		return fail(why, "pattern has no day (%d or %e)");
	if (dated && !m)
		return fail(why, "pattern has no month (%m, %b or %B)");
	if (dated && !y)
		return fail(why, "pattern has no year (%Y or %y)");
	if (timed && !h && !h12)
		return fail(why, "pattern has no hour (%H, or %I with %p)");
	if (h12 && !p)
		return fail(why, "pattern has %I (a 12-hour clock) but no %p (AM or PM)");
	if (h && h12)
		return fail(why, "pattern has both %H and %I");
	return 0;
}

int kpix_date_format_check(const char *format, const char **why)
{
	return kpix_stamp_format_check(format, KPIX_STAMP_DATE, why);
}

/* ---- why a cell was refused ---- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Whether the text starts or ends with a space, a tab or a no-break space
 * (U+00A0, which Excel and web pages leave around figures). */
static bool has_outer_space(const char *s, size_t len)
{
	return len && (is_blank(s[0]) || is_blank(s[len - 1]) ||
	               (len >= 2 && ((s[0] == '\xc2' && s[1] == '\xa0') ||
	                             (s[len - 2] == '\xc2' && s[len - 1] == '\xa0'))));
}

/* Whether [p, e) is word, in any case. */
static bool word_ci(const char *p, const char *e, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(e - p) == n && prefix_ci(p, n, word, n);
}

/* The first character of [p, e) other than the decimal and group
 * characters that stands between two digits, or 0. */
static char stray_separator(const char *p, const char *e, char dc, char gc)
{
	for (const char *q = p + 1; q + 1 < e; q++)
		if (*q != dc && *q != gc && digit(*q) >= 10 && digit(q[-1]) < 10 && digit(q[1]) < 10)
			return *q;
	return 0;
}

const char *kpix_number_problem(const char *s, size_t len, const kpix_numfmt *fmt, bool integer,
                                char *buf, size_t buflen)
{
	const char *p = s, *e = s + len;
	struct decimal r;
	if (!fmt)
		fmt = &default_fmt;
	char dc = fmt->decimal_char, gc = group_of(fmt);
	if (len == 0)
		return NULL;
	if (len > MAX_NUM_LEN)
		return "it is longer than the 1,000 characters a number may have";
	if (fmt->bare_number && has_outer_space(s, len))
		return "there are spaces before or after the number";
	const char *q = p + (*p == '+' || *p == '-');
	if (word_ci(q, e, "nan") || word_ci(q, e, "inf") || word_ci(q, e, "infinity"))
		return "NaN and infinity are not figures a return can hold";
	if (!fmt->bare_number)
		strip_affixes(&p, &e, dc);
	q = p + (p < e && (*p == '+' || *p == '-'));
	if (e - q >= 2 && q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
		return "it is written in hexadecimal (0x); write the number in decimal digits";
	char stray = stray_separator(q, e, dc, gc);
	if (stray == '_')
		return "digits may not be separated by '_'";
	if (stray == ',' || stray == '.' || stray == '\'' || stray == ' ') {
		if (gc)
			snprintf(buf, buflen, "the decimal mark is '%c' and the thousands separator '%c', "
			         "so '%c' cannot appear between digits", dc, gc, stray);
		else
			snprintf(buf, buflen, "the decimal mark is '%c' and thousands separators are not "
			         "allowed, so '%c' cannot appear between digits", dc, stray);
		return buf;
	}
	const char *mark = memchr(q, dc, (size_t)(e - q));
	char after = mark ? stray_separator(mark, e, 0, 0) : 0;
	if (after == dc) {
		snprintf(buf, buflen, "the decimal mark '%c' appears more than once", dc);
		return buf;
	}
	if (after && after == gc) {
		snprintf(buf, buflen, "the thousands separator '%c' cannot come after the decimal mark '%c'",
		         gc, dc);
		return buf;
	}
	if (gc) {
		const char *int_end = q;
		while (int_end < e && (digit(*int_end) < 10 || *int_end == gc))
			int_end++;
		if (!grouped_in_thousands(q, int_end, gc)) {
			snprintf(buf, buflen, "the thousands separator '%c' must split the digits before the "
			         "decimal mark '%c' into groups of three, as in 1%c234%c567", gc, dc, gc, gc);
			return buf;
		}
	}
	if (scan_decimal(p, e, dc, gc, &r) != 0)
		return NULL;
	if (!integer)
		return "it is too large (the largest number kpix can hold is about 1.8e308)";
	if (memchr(p, dc, (size_t)(e - p)) || memchr(p, 'e', (size_t)(e - p)) ||
	    memchr(p, 'E', (size_t)(e - p)))
		return "a whole number is written without a decimal part or an exponent";
	return "it is too large (a whole number must lie between -9223372036854775808 and "
	       "9223372036854775807)";
}

const char *kpix_date_problem(const char *s, size_t len, const char *format, char *buf,
                              size_t buflen)
{
	static const char *const capitalised[12] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December",
	};
	int y, m, d;
	bool iso = !format || strcmp(format, "default") == 0, any = !iso && strcmp(format, "any") == 0;
	if (has_outer_space(s, len))
		return "there are spaces before or after the date";
	/* at ten characters, %Y-%m-%d can only match YYYY-MM-DD */
	bool read = (iso || any) && len == 10 && read_pattern(s, len, "%Y-%m-%d", &y, &m, &d) == 0;
	if (read)
		iso = true;
	else if (any)
		read = read_pattern(s, len, "%d/%m/%Y", &y, &m, &d) == 0;
	else if (!iso)
		read = read_pattern(s, len, format, &y, &m, &d) == 0;
	if (!read)
		return NULL;
	if (m < 1 || m > 12)
		snprintf(buf, buflen, "there is no month %d%s", m,
		         !iso && d >= 1 && d <= 12 ? " (the day comes first)" : "");
	else if (y < 1)
		snprintf(buf, buflen, "there is no year 0");
	else if (d < 1)
		snprintf(buf, buflen, "there is no day 0");
	else if (d > month_days(y, m) && m == 2 && d == 29)
		snprintf(buf, buflen, "%d is not a leap year, so February has 28 days", y);
	else if (d > month_days(y, m))
		snprintf(buf, buflen, "%s %d has %d days", capitalised[m - 1], y, month_days(y, m));
	else
		return NULL;
	return buf;
}

/* --------------------------------------------------------------- number */

void kpix_format_number(double v, char *buf)
{
	if (v != v) {
		strcpy(buf, "NaN");
		return;
	}
	if (v > 1.7976931348623157e308 || v < -1.7976931348623157e308) {
		strcpy(buf, v > 0 ? "INF" : "-INF");
		return;
	}
	if (v == 0) {
		strcpy(buf, "0");
		return;
	}
	static const kpix_numfmt fmt = KPIX_NUMFMT_INIT;
	/* The shortest text is found from 15 digits up: a double whose shortest
	 * decimal has k <= 15 digits lies so near it that %.15g rounds to that
	 * decimal, and %g drops the zeros after it; and %.15g chooses an
	 * exponent where %.kg would, but for integers, written in full below
	 * either way. One to three tries rather than up to seventeen. Not for
	 * subnormal numbers (below 2.2250738585072014e-308), which hold fewer
	 * digits: those are tried from one digit up. */
	bool normal = v >= 2.2250738585072014e-308 || v <= -2.2250738585072014e-308;
	for (int prec = normal ? 15 : 1; prec <= 17; prec++) {
		/* at most 24 characters ("-1.2345678901234567e-308"); written
		 * through a buffer the compiler can see is large enough for any
		 * precision, as it cannot follow prec */
		char tmp[48];
		int n = snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
		if (n < 0 || n >= 32)
			n = 0;
		memcpy(buf, tmp, (size_t)n);
		buf[n] = '\0';
		/* whatever the locale made of the decimal point, make it '.' */
		for (char *c = buf; *c; c++)
			if (*c == ',')
				*c = '.';
		double back;
		if (kpix_cast_number(buf, strlen(buf), &fmt, &back) == 0 && back == v)
			break;
	}
	/* "1e+06" reads badly in a report: write integers up to 1e15 in full */
	if (strchr(buf, 'e') && v < 1e15 && v > -1e15 && v == (double)(long long)v)
		snprintf(buf, 32, "%lld", (long long)v);
}
