/* test_cast.c - unit tests for src/read/cast.c (cmocka). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cast.h"

static const kpix_numfmt plain = KPIX_NUMFMT_INIT;
static const kpix_numfmt comma_groups = {'.', ',', true};
static const kpix_numfmt euro = {',', '.', true};
static const kpix_numfmt space_groups = {',', ' ', true};
static const kpix_numfmt decorated = {'.', 0, false};
static const kpix_numfmt decorated_groups = {'.', ',', false};

static int num(const char *s, const kpix_numfmt *f, double *v)
{
	return kpix_cast_number(s, strlen(s), f, v);
}

static int integer(const char *s, const kpix_numfmt *f, int64_t *v)
{
	return kpix_cast_integer(s, strlen(s), f, v);
}

static int date(const char *s, const char *format, kpix_date *d)
{
	return kpix_cast_date(s, strlen(s), format, d);
}

/* Reads s as a number and insists it gives exactly want, bit for bit. */
static void assert_number_is(const char *s, const kpix_numfmt *f, double want)
{
	double v = 12345.0;
	if (num(s, f, &v) != 0)
		fail_msg("\"%s\" was rejected", s);
	if (memcmp(&v, &want, sizeof v) != 0)
		fail_msg("\"%s\" read as %.17g, want %.17g", s, v, want);
}

/* Insists that s is rejected and the output is left alone. */
static void assert_not_number(const char *s, const kpix_numfmt *f)
{
	double v = 12345.0;
	if (num(s, f, &v) == 0)
		fail_msg("\"%s\" was accepted as %.17g", s, v);
	assert_true(v == 12345.0);
}

static void assert_not_integer(const char *s, const kpix_numfmt *f)
{
	int64_t v = 777;
	if (integer(s, f, &v) == 0)
		fail_msg("\"%s\" was accepted as integer %lld", s, (long long)v);
	assert_int_equal(v, 777);
}

static void assert_not_date(const char *s, const char *format)
{
	kpix_date d = 4242;
	if (date(s, format, &d) == 0)
		fail_msg("\"%s\" was accepted as a date for format %s", s, format ? format : "NULL");
	assert_int_equal(d, 4242);
}

static kpix_date date_ok(const char *s, const char *format)
{
	kpix_date d = 0;
	if (date(s, format, &d) != 0)
		fail_msg("\"%s\" was rejected as a date for format %s", s, format ? format : "NULL");
	return d;
}

/* ---- number: plain values and correct rounding ---- */

static void number__plain_digits_read_exactly(void **state)
{
	(void)state;
	assert_number_is("42", &plain, 42.0);
	assert_number_is("0", &plain, 0.0);
	assert_number_is("007", &plain, 7.0);
}

static void number__point_one_is_the_nearest_double(void **state)
{
	(void)state;
	assert_number_is("0.1", &plain, 0.1);
}

static void number__82_45_is_the_nearest_double(void **state)
{
	(void)state;
	assert_number_is("82.45", &plain, 82.45);
	assert_number_is("-82.45", &plain, -82.45);
}

static void number__largest_finite_double_is_read_exactly(void **state)
{
	(void)state;
	assert_number_is("1.7976931348623157e308", &plain, DBL_MAX);
}

static void number__smallest_normal_double_is_read_exactly(void **state)
{
	(void)state;
	assert_number_is("2.2250738585072014e-308", &plain, DBL_MIN);
}

static void number__smallest_subnormal_is_read_exactly(void **state)
{
	(void)state;
	assert_number_is("4.9406564584124654e-324", &plain, 0x1p-1074);
}

static void number__twenty_digit_mantissa_is_correctly_rounded(void **state)
{
	(void)state;
	/* Doubles near 2^64 are 4096 apart, so 2^64 + 2048 is a tie (to even:
	 * 2^64) and only the twentieth digit decides which way its neighbours go. */
	assert_number_is("12345678901234567890", &plain, 12345678901234567890.0);
	assert_number_is("18446744073709553663", &plain, 0x1p64);
	assert_number_is("18446744073709553664", &plain, 0x1p64);
	assert_number_is("18446744073709553665", &plain, 0x1p64 + 0x1p12);
}

static void number__two_to_the_53_plus_one_rounds_half_to_even(void **state)
{
	(void)state;
	assert_number_is("9007199254740993", &plain, 9007199254740992.0);
	assert_number_is("9007199254740995", &plain, 9007199254740996.0);
}

static void number__digits_far_past_the_halfway_point_round_up(void **state)
{
	(void)state;
	/* Only the last of the 30 digits tips this above the halfway point. */
	assert_number_is("9007199254740993.0000000000001", &plain, 9007199254740994.0);
}

static void number__exponent_forms_are_read(void **state)
{
	(void)state;
	assert_number_is("1e3", &plain, 1000.0);
	assert_number_is("1E-3", &plain, 0.001);
	assert_number_is("1.5e+2", &plain, 150.0);
	assert_number_is("123e25", &plain, 123e25);
	assert_number_is("0.000001234e10", &plain, 12340.0);
	assert_number_is("1e22", &plain, 1e22);
	assert_number_is("1e23", &plain, 1e23);
}

static void number__zero_with_huge_exponent_is_zero(void **state)
{
	(void)state;
	assert_number_is("0e999999999999", &plain, 0.0);
}

static void number__underflow_rounds_to_zero(void **state)
{
	(void)state;
	assert_number_is("1e-400", &plain, 0.0);
}

static void number__overflow_to_infinity_is_rejected(void **state)
{
	(void)state;
	assert_not_number("1e309", &plain);
	assert_not_number("-1e309", &plain);
	assert_not_number("1.8e308", &plain);
}

/* Random doubles printed with %.17g, and random digit strings, must come
 * back exactly as the C library's correctly rounded strtod reads them. */
static void number__agrees_with_strtod_on_many_generated_values(void **state)
{
	(void)state;
	uint64_t x = 0x9e3779b97f4a7c15u;
	char buf[128];
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		double d;
		if (i % 2 == 0) {
			memcpy(&d, &x, sizeof d);
			if (!isfinite(d))
				continue;
			snprintf(buf, sizeof buf, "%.*g", 1 + (int)(x % 17), d);
		} else {
			/* up to 25 digits with a point somewhere and a modest exponent */
			int nd = 1 + (int)(x % 25), point = (int)((x >> 8) % (uint64_t)(nd + 1));
			int ex = (int)((x >> 16) % 80) - 40, n = 0;
			uint64_t y = x;
			for (int k = 0; k < nd; k++) {
				if (k == point)
					buf[n++] = '.';
				buf[n++] = (char)('0' + (y % 10));
				y = y / 10 ? y / 10 : x >> 3;
			}
			n += snprintf(buf + n, sizeof buf - (size_t)n, "e%d", ex);
		}
		double want = strtod(buf, NULL), got = -1.0;
		if (num(buf, &plain, &got) != 0)
			fail_msg("\"%s\" was rejected", buf);
		if (memcmp(&got, &want, sizeof got) != 0)
			fail_msg("\"%s\" read as %.17g, strtod says %.17g", buf, got, want);
	}
}

/* The next pseudo-random number of a fixed sequence (xorshift). */
static uint64_t next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A text of up to max_len characters from set, short ones most often. */
static size_t random_text(uint64_t *x, const char *set, size_t max_len, char *buf)
{
	size_t n = next_random(x) % (max_len + 1), nset = strlen(set);
	for (size_t i = 0; i < n; i++)
		buf[i] = set[next_random(x) % nset];
	buf[n] = '\0';
	return n;
}

/* Whether buf is [sign] digits [dc digits], with a digit somewhere: the
 * syntax of a number without exponent or group characters. */
static bool plain_decimal(const char *buf, char dc)
{
	const char *p = buf + (*buf == '+' || *buf == '-');
	size_t digits = strspn(p, "0123456789");
	p += digits;
	if (*p == dc) {
		size_t frac = strspn(p + 1, "0123456789");
		digits += frac;
		p += 1 + frac;
	}
	return digits > 0 && *p == '\0';
}

/* Short texts of digits, signs and points, around the 16 characters that
 * the quick reading of everyday decimals takes: each must be accepted or
 * refused, and read, as strtod reads it. */
static void number__short_decimals_agree_with_strtod(void **state)
{
	(void)state;
	static const kpix_numfmt comma_decimal = {',', 0, true};
	uint64_t x = 0x2545f4914f6cdd1du;
	char buf[32], dotted[32];
	for (int i = 0; i < 300000; i++) {
		bool comma = i % 3 == 0;
		random_text(&x, comma ? "0123456789999,,-+." : "0123456789999..-+,", 20, buf);
		/* strtod must see a point, and must not be shown a comma */
		for (size_t k = 0; k <= strlen(buf); k++)
			dotted[k] = buf[k] == ',' ? (comma ? '.' : 'x') : buf[k] == '.' && comma ? 'x' : buf[k];
		double got = 12345.0;
		int rc = num(buf, comma ? &comma_decimal : &plain, &got);
		if (!plain_decimal(buf, comma ? ',' : '.')) {
			if (rc == 0)
				fail_msg("\"%s\" was accepted as %.17g", buf, got);
			continue;
		}
		double want = strtod(dotted, NULL);
		if (want == 0)
			want = 0.0; /* kpix reads "-0" as plain zero */
		if (rc != 0)
			fail_msg("\"%s\" was rejected", buf);
		if (memcmp(&got, &want, sizeof got) != 0)
			fail_msg("\"%s\" read as %.17g, strtod says %.17g", buf, got, want);
	}
}

/* ---- number: syntax ---- */

static void number__leading_plus_and_minus_are_signs(void **state)
{
	(void)state;
	assert_number_is("+5", &plain, 5.0);
	assert_number_is("-5", &plain, -5.0);
}

/* A zero written with a minus sign is zero, not IEEE's -0.0, which would
 * come out as "-0" in a workbook. */
static void number__minus_zero_is_read_as_plain_zero(void **state)
{
	(void)state;
	static const char *const zeros[] = {"-0", "-0.0", "-.0", "-0e5", "-0.000", "-1e-400", "-0,0"};
	for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
		double v = 1.0;
		const kpix_numfmt *f = strchr(zeros[i], ',') ? &euro : &plain;
		if (num(zeros[i], f, &v) != 0)
			fail_msg("\"%s\" was rejected", zeros[i]);
		if (v != 0.0 || signbit(v))
			fail_msg("\"%s\" read as %g with the sign bit %d", zeros[i], v, signbit(v) != 0);
	}
	assert_number_is("-0", &decorated_groups, 0.0);
	assert_number_is("0", &plain, 0.0);
}

static void number__point_five_and_five_point_are_accepted_like_decimal(void **state)
{
	(void)state;
	assert_number_is(".5", &plain, 0.5);
	assert_number_is("5.", &plain, 5.0);
	assert_number_is("-.5", &plain, -0.5);
	assert_number_is("5.e1", &plain, 50.0);
}

/* Table Schema's NaN, INF and -INF are not figures a return can hold:
 * kpix refuses them in every kind of number field (kpix issue 5). */
static void number__table_schema_special_values_are_refused(void **state)
{
	(void)state;
	const kpix_numfmt *fmts[] = {&plain, &comma_groups, &euro, &decorated, &decorated_groups};
	static const char *const specials[] = {"NaN", "INF", "+INF", "-INF"};
	for (size_t f = 0; f < sizeof fmts / sizeof fmts[0]; f++)
		for (size_t i = 0; i < sizeof specials / sizeof specials[0]; i++)
			assert_not_number(specials[i], fmts[f]);
}

static void number__other_spellings_of_nan_and_infinity_are_rejected(void **state)
{
	(void)state;
	assert_not_number("nan", &plain);
	assert_not_number("NAN", &plain);
	assert_not_number("-NaN", &plain);
	assert_not_number("inf", &plain);
	assert_not_number("Infinity", &plain);
	assert_not_number("INFINITY", &plain);
}

static void number__empty_text_is_rejected(void **state)
{
	(void)state;
	assert_not_number("", &plain);
}

static void number__whitespace_anywhere_is_rejected(void **state)
{
	(void)state;
	assert_not_number(" 12 ", &plain);
	assert_not_number(" 12", &plain);
	assert_not_number("12 ", &plain);
	assert_not_number("1 2", &plain);
	assert_not_number("12\t", &plain);
	assert_not_number("- 12", &plain);
}

static void number__hex_is_rejected(void **state)
{
	(void)state;
	assert_not_number("0x10", &plain);
	assert_not_number("0x1p3", &plain);
}

static void number__underscores_are_rejected(void **state)
{
	(void)state;
	assert_not_number("1_000", &plain);
}

static void number__lone_point_or_sign_is_rejected(void **state)
{
	(void)state;
	assert_not_number(".", &plain);
	assert_not_number("-", &plain);
	assert_not_number("+", &plain);
	assert_not_number("-.", &plain);
	assert_not_number("+-1", &plain);
	assert_not_number("--1", &plain);
}

static void number__incomplete_or_misplaced_exponent_is_rejected(void **state)
{
	(void)state;
	assert_not_number("1e", &plain);
	assert_not_number("1e+", &plain);
	assert_not_number("e5", &plain);
	assert_not_number(".e5", &plain);
	assert_not_number("1e5.5", &plain);
	assert_not_number("1d5", &plain);
}

static void number__second_point_or_trailing_junk_is_rejected(void **state)
{
	(void)state;
	assert_not_number("1.2.3", &plain);
	assert_not_number("12abc", &plain);
	assert_not_number("82%", &plain);
	assert_not_number("\xc2\xa3" "5", &plain);
}

static void number__text_over_1000_characters_is_rejected(void **state)
{
	(void)state;
	char buf[1002];
	memset(buf, '1', 1001);
	buf[1001] = '\0';
	double v = 3.0;
	assert_int_not_equal(kpix_cast_number(buf, 1001, &plain, &v), 0);
	assert_true(v == 3.0);
	/* 1000 characters is still allowed: 0.000...1 */
	buf[0] = '0';
	buf[1] = '.';
	memset(buf + 2, '0', 997);
	buf[999] = '1';
	assert_int_equal(kpix_cast_number(buf, 1000, &plain, &v), 0);
	assert_true(v == 0.0); /* 1e-998 underflows */
}

static void number__long_exact_input_uses_all_digits(void **state)
{
	(void)state;
	char buf[400];
	/* 0.1 followed by 300 zeros then a 1: still rounds to 0.1 */
	strcpy(buf, "0.1");
	memset(buf + 3, '0', 300);
	strcpy(buf + 303, "1");
	assert_number_is(buf, &plain, 0.1);
}

static void number__text_is_not_read_past_its_length(void **state)
{
	(void)state;
	double v = 0.0;
	assert_int_equal(kpix_cast_number("12345", 2, &plain, &v), 0);
	assert_true(v == 12.0);
	assert_int_equal(kpix_cast_number("1e5", 1, &plain, &v), 0);
	assert_true(v == 1.0);
}

static void number__null_format_means_plain_numbers(void **state)
{
	(void)state;
	assert_number_is("3.25", NULL, 3.25);
	assert_not_number("1,000", NULL);
}

/* ---- number: groupChar, decimalChar ---- */

static void number__comma_is_invalid_without_group_char(void **state)
{
	(void)state;
	assert_not_number("1,234", &plain);
}

static void number__group_chars_between_digits_are_dropped(void **state)
{
	(void)state;
	assert_number_is("1,234", &comma_groups, 1234.0);
	assert_number_is("1,234,567.5", &comma_groups, 1234567.5);
	assert_number_is("-1,000", &comma_groups, -1000.0);
	assert_number_is("1234", &comma_groups, 1234.0);
}

static void number__group_chars_must_separate_thousands(void **state)
{
	(void)state;
	assert_not_number("12,34", &comma_groups);
	assert_not_number("1,2345", &comma_groups);
	assert_not_number("1234,567", &comma_groups);
	assert_not_number("1,234,56.5", &comma_groups);
	assert_number_is("123,456.75", &comma_groups, 123456.75);
}

static void number__group_char_at_either_end_or_doubled_is_rejected(void **state)
{
	(void)state;
	assert_not_number(",123", &comma_groups);
	assert_not_number("123,", &comma_groups);
	assert_not_number("1,,234", &comma_groups);
	assert_not_number("-,1", &comma_groups);
	assert_not_number("1,.5", &comma_groups);
}

static void number__group_char_in_fraction_or_exponent_is_rejected(void **state)
{
	(void)state;
	assert_not_number("1.234,5", &comma_groups);
	assert_not_number("1e1,0", &comma_groups);
}

static void number__decimal_comma_with_point_groups_is_read(void **state)
{
	(void)state;
	assert_number_is("1.234,5", &euro, 1234.5);
	assert_number_is("1,5", &euro, 1.5);
	assert_number_is("1.234.567", &euro, 1234567.0);
	assert_number_is(",5", &euro, 0.5);
	assert_not_number("1,2,3", &euro);
}

static void number__point_is_not_a_decimal_when_decimal_char_is_comma(void **state)
{
	(void)state;
	const kpix_numfmt comma_only = {',', 0, true};
	assert_not_number("1.5", &comma_only);
	assert_number_is("1,5", &comma_only, 1.5);
}

static void number__space_groups_with_decimal_comma_are_read(void **state)
{
	(void)state;
	assert_number_is("1 234 567,25", &space_groups, 1234567.25);
	assert_not_number("1  234", &space_groups);
}

static void number__long_grouped_input_takes_the_slow_path_correctly(void **state)
{
	(void)state;
	assert_number_is("9,007,199,254,740,993", &comma_groups, 9007199254740992.0);
	assert_number_is("1.797.693.134.862.315,7e293", &euro, DBL_MAX);
}

static void number__group_char_equal_to_decimal_char_is_ignored(void **state)
{
	(void)state;
	const kpix_numfmt same = {'.', '.', true};
	assert_number_is("1.5", &same, 1.5);
	assert_not_number("1.234.5", &same);
}

/* ---- number: bareNumber false ---- */

static void number__percent_with_bare_number_false_reads_82(void **state)
{
	(void)state;
	assert_number_is("82%", &decorated, 82.0);
	assert_number_is("82.5 %", &decorated, 82.5);
}

static void number__negative_percent_keeps_its_sign(void **state)
{
	(void)state;
	assert_number_is("-82%", &decorated, -82.0);
}

static void number__pounds_with_groups_and_pence_read_as_1234_5(void **state)
{
	(void)state;
	assert_number_is("\xc2\xa3" "1,234.50", &decorated_groups, 1234.5);
}

static void number__currency_and_units_around_the_number_are_stripped(void **state)
{
	(void)state;
	assert_number_is("\xe2\x82\xac 12", &decorated, 12.0);
	assert_number_is("$7", &decorated, 7.0);
	assert_number_is("5 p.a.", &decorated, 5.0);
	assert_number_is("  12  ", &decorated, 12.0);
	assert_number_is("\xc2\xa3-5", &decorated, -5.0);
	assert_number_is("GBP 1.5e3 total", &decorated, 1500.0);
}

static void number__decimal_point_before_a_digit_is_kept_when_stripping(void **state)
{
	(void)state;
	assert_number_is("\xc2\xa3.50", &decorated, 0.5);
}

static void number__nothing_left_after_stripping_is_rejected(void **state)
{
	(void)state;
	assert_not_number("%", &decorated);
	assert_not_number("n/a", &decorated);
	assert_not_number("\xc2\xa3", &decorated);
	assert_not_number("-%", &decorated);
}

static void number__stripping_does_not_excuse_junk_inside_the_number(void **state)
{
	(void)state;
	assert_not_number("5 or 6", &decorated);
	assert_not_number("1,234", &decorated);
	assert_not_number("-\xc2\xa3" "5", &decorated);
}

/* ---- integer ---- */

static void integer__plain_and_signed_values_are_read(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(integer("42", &plain, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(integer("-42", &plain, &v), 0);
	assert_int_equal(v, -42);
	assert_int_equal(integer("+42", &plain, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(integer("-0", &plain, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(integer("007", &plain, &v), 0);
	assert_int_equal(v, 7);
}

/* Texts of digits and signs, often of 17 to 20 digits around the 18 the
 * quick reading takes and around the int64 limits, must be accepted and
 * read as strtoll reads them, or refused when it cannot. (Group characters
 * are the business of other tests.) */
static void integer__agrees_with_strtoll_on_many_generated_values(void **state)
{
	(void)state;
	uint64_t x = 0x853c49e6748fea9bu;
	char buf[32], bare[32];
	for (int i = 0; i < 300000; i++) {
		size_t n = random_text(&x, i % 2 ? "0123456789+-" : "0123456789999,.+- ", 22, buf);
		if (i % 5 == 0) {
			/* a run of nines or zeros, often past the limits */
			n = 17 + next_random(&x) % 4;
			bool sign = next_random(&x) % 2;
			buf[0] = '-';
			memset(buf + sign, next_random(&x) % 2 ? '9' : '0', n);
			buf[sign + n] = '\0';
			buf[sign + next_random(&x) % n] = (char)('0' + next_random(&x) % 10);
			if (next_random(&x) % 2)
				memcpy(buf + sign, "922337203685477580", 18);
		}
		/* the reference: [sign] digits */
		const char *p = buf + (*buf == '+' || *buf == '-');
		bool ok = *p != '\0';
		size_t k = 0;
		memcpy(bare, buf, (size_t)(p - buf));
		k = (size_t)(p - buf);
		for (const char *q = p; *q && ok; q++) {
			if (*q >= '0' && *q <= '9')
				bare[k++] = *q;
			else
				ok = false;
		}
		bare[k] = '\0';
		int64_t want = 0;
		if (ok) {
			errno = 0;
			want = strtoll(bare, NULL, 10);
			ok = errno == 0;
		}
		int64_t got = 777;
		int rc = integer(buf, &plain, &got);
		if (ok && rc != 0)
			fail_msg("\"%s\" was rejected", buf);
		if (!ok && rc == 0)
			fail_msg("\"%s\" was accepted as %lld", buf, (long long)got);
		if (ok && got != want)
			fail_msg("\"%s\" read as %lld, strtoll says %lld", buf, (long long)got, (long long)want);
	}
}

static void integer__int64_limits_are_accepted(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(integer("9223372036854775807", &plain, &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(integer("-9223372036854775808", &plain, &v), 0);
	assert_true(v == INT64_MIN);
}

static void integer__values_beyond_int64_are_rejected(void **state)
{
	(void)state;
	assert_not_integer("9223372036854775808", &plain);
	assert_not_integer("-9223372036854775809", &plain);
	assert_not_integer("18446744073709551616", &plain);
	assert_not_integer("99999999999999999999999999", &plain);
}

static void integer__fraction_or_exponent_is_rejected(void **state)
{
	(void)state;
	assert_not_integer("1.0", &plain);
	assert_not_integer("1.", &plain);
	assert_not_integer("1e3", &plain);
	assert_not_integer("NaN", &plain);
	assert_not_integer("INF", &plain);
}

static void integer__empty_blank_or_junk_is_rejected(void **state)
{
	(void)state;
	assert_not_integer("", &plain);
	assert_not_integer(" 1", &plain);
	assert_not_integer("1 ", &plain);
	assert_not_integer("-", &plain);
	assert_not_integer("0x10", &plain);
	assert_not_integer("1_000", &plain);
	assert_not_integer("1,000", &plain);
}

static void integer__group_chars_between_digits_are_dropped(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(integer("1,234,567", &comma_groups, &v), 0);
	assert_int_equal(v, 1234567);
	assert_int_equal(integer("9,223,372,036,854,775,807", &comma_groups, &v), 0);
	assert_true(v == INT64_MAX);
	assert_not_integer(",1", &comma_groups);
	assert_not_integer("1,", &comma_groups);
	assert_not_integer("1,,0", &comma_groups);
}

static void integer__bare_number_false_strips_surrounding_text(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(integer("82%", &decorated, &v), 0);
	assert_int_equal(v, 82);
	assert_int_equal(integer("-82%", &decorated, &v), 0);
	assert_int_equal(v, -82);
	assert_int_equal(integer("\xc2\xa3" "1,234", &decorated_groups, &v), 0);
	assert_int_equal(v, 1234);
	assert_not_integer("82.5%", &decorated);
	assert_not_integer("units", &decorated);
}

static void integer__overlong_text_is_rejected(void **state)
{
	(void)state;
	char buf[1002];
	memset(buf, '0', 1000);
	buf[1000] = '1';
	buf[1001] = '\0';
	assert_not_integer(buf, &plain);
	int64_t v = 0;
	assert_int_equal(kpix_cast_integer(buf + 1, 1000, &plain, &v), 0);
	assert_int_equal(v, 1);
}

/* ---- boolean ---- */

static int boolean(const char *s, const char *const *t, const char *const *f, bool *out)
{
	return kpix_cast_boolean(s, strlen(s), t, f, out);
}

static void boolean__default_true_values_are_true(void **state)
{
	(void)state;
	const char *yes[] = {"true", "True", "TRUE", "1"};
	for (size_t i = 0; i < 4; i++) {
		bool b = false;
		assert_int_equal(boolean(yes[i], NULL, NULL, &b), 0);
		assert_true(b);
	}
}

static void boolean__default_false_values_are_false(void **state)
{
	(void)state;
	const char *no[] = {"false", "False", "FALSE", "0"};
	for (size_t i = 0; i < 4; i++) {
		bool b = true;
		assert_int_equal(boolean(no[i], NULL, NULL, &b), 0);
		assert_false(b);
	}
}

static void boolean__other_case_prefixes_and_blanks_are_rejected(void **state)
{
	(void)state;
	const char *bad[] = {"tRUE", "yes", "tru", "truex", " true", "", "01", "T"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		bool b = true;
		assert_int_not_equal(boolean(bad[i], NULL, NULL, &b), 0);
		assert_true(b);
	}
}

static void boolean__custom_lists_replace_the_defaults(void **state)
{
	(void)state;
	const char *const t[] = {"Y", "yes", NULL};
	const char *const f[] = {"N", NULL};
	bool b = false;
	assert_int_equal(boolean("yes", t, f, &b), 0);
	assert_true(b);
	assert_int_equal(boolean("N", t, f, &b), 0);
	assert_false(b);
	assert_int_not_equal(boolean("true", t, f, &b), 0);
	assert_int_not_equal(boolean("y", t, f, &b), 0);
	/* Only one list given: the other keeps its defaults. */
	assert_int_equal(boolean("0", t, NULL, &b), 0);
	assert_false(b);
}

static void boolean__text_is_not_read_past_its_length(void **state)
{
	(void)state;
	bool b = false;
	assert_int_equal(kpix_cast_boolean("truex", 4, NULL, NULL, &b), 0);
	assert_true(b);
}

/* ---- date ---- */

static void date__epoch_is_day_zero(void **state)
{
	(void)state;
	assert_int_equal(date_ok("1970-01-01", NULL), 0);
	assert_int_equal(date_ok("1969-12-31", NULL), -1);
	assert_int_equal(date_ok("2024-01-01", "default"), 19723);
	assert_int_equal(date_ok("2000-03-01", NULL), 11017);
	assert_int_equal(date_ok("0001-01-01", NULL), -719162);
	assert_int_equal(date_ok("9999-12-31", NULL), 2932896);
}

static void date__iso_needs_exact_digit_counts(void **state)
{
	(void)state;
	assert_not_date("2024-2-29", NULL);
	assert_not_date("2024-02-9", NULL);
	assert_not_date("24-02-29", NULL);
	assert_not_date("02024-02-29", NULL);
	assert_not_date("2024/02/29", NULL);
	assert_not_date("2024-02-29 ", NULL);
	assert_not_date("2024-02-29T00:00", NULL);
	assert_not_date("", NULL);
	assert_not_date("+024-02-29", NULL);
}

static void date__iso_refuses_anything_but_a_digit_where_one_belongs(void **state)
{
	(void)state;
	for (int at = 0; at < 10; at++) {
		for (int c = 1; c < 256; c++) {
			char buf[11] = "2024-03-15";
			buf[at] = (char)c;
			bool fits = at == 4 || at == 7 ? c == '-' : c >= '0' && c <= '9';
			kpix_date d = 4242;
			int rc = date(buf, NULL, &d);
			if (!fits) {
				if (rc == 0)
					fail_msg("\"%s\" was accepted as a date", buf);
				assert_int_equal(d, 4242);
				continue;
			}
			/* digits: accepted exactly when they name a real day */
			int y = atoi(buf), m = atoi(buf + 5), day = atoi(buf + 8);
			char back[11] = "";
			if (m >= 1 && m <= 12 && day >= 1)
				kpix_date_format(kpix_date_from_ymd(y, m, day), back);
			bool real = strcmp(back, buf) == 0;
			if (real != (rc == 0))
				fail_msg("\"%s\" was %s", buf, rc == 0 ? "accepted" : "rejected");
			if (real)
				assert_int_equal(d, kpix_date_from_ymd(y, m, day));
		}
	}
}

static void date__thirty_first_of_february_is_rejected(void **state)
{
	(void)state;
	assert_not_date("31/02/2024", "%d/%m/%Y");
	assert_not_date("2024-02-31", NULL);
}

static void date__leap_day_exists_only_in_leap_years(void **state)
{
	(void)state;
	assert_int_equal(date_ok("29/02/2024", "%d/%m/%Y"), date_ok("2024-02-29", NULL));
	assert_not_date("29/02/2023", "%d/%m/%Y");
	assert_not_date("1900-02-29", NULL);
	assert_int_equal(date_ok("2000-02-29", NULL), 11016);
}

static void date__month_thirteen_and_day_zero_are_rejected(void **state)
{
	(void)state;
	assert_not_date("2024-13-01", NULL);
	assert_not_date("2024-00-10", NULL);
	assert_not_date("2024-01-00", NULL);
	assert_not_date("2024-04-31", NULL);
	assert_not_date("2024-01-32", NULL);
}

static void date__year_zero_is_outside_the_range(void **state)
{
	(void)state;
	assert_not_date("0000-12-31", NULL);
}

static void date__any_accepts_iso_and_uk_day_first(void **state)
{
	(void)state;
	kpix_date iso = date_ok("2024-03-01", "any");
	assert_int_equal(date_ok("01/03/2024", "any"), iso);
	assert_int_equal(date_ok("1/3/2024", "any"), iso);
	assert_not_date("03-01-2024", "any");
	assert_not_date("13/13/2024", "any");
	assert_not_date("01/03/24", "any");
	assert_not_date("March 1, 2024", "any");
}

static void date__pattern_day_and_month_take_one_or_two_digits(void **state)
{
	(void)state;
	kpix_date want = date_ok("2024-03-05", NULL);
	assert_int_equal(date_ok("5/3/2024", "%d/%m/%Y"), want);
	assert_int_equal(date_ok("05/03/2024", "%e/%m/%Y"), want);
	assert_int_equal(date_ok("05032024", "%d%m%Y"), want);
	assert_not_date("005/03/2024", "%d/%m/%Y");
	assert_not_date("/03/2024", "%d/%m/%Y");
}

static void date__pattern_four_digit_year_needs_four_digits(void **state)
{
	(void)state;
	assert_not_date("05/03/24", "%d/%m/%Y");
	assert_not_date("05/03/20245", "%d/%m/%Y");
}

static void date__two_digit_years_pivot_at_69(void **state)
{
	(void)state;
	assert_int_equal(date_ok("01/01/69", "%d/%m/%y"), date_ok("1969-01-01", NULL));
	assert_int_equal(date_ok("31/12/99", "%d/%m/%y"), date_ok("1999-12-31", NULL));
	assert_int_equal(date_ok("01/01/00", "%d/%m/%y"), date_ok("2000-01-01", NULL));
	assert_int_equal(date_ok("31/12/68", "%d/%m/%y"), date_ok("2068-12-31", NULL));
	assert_not_date("1/1/5", "%d/%m/%y");
}

static void date__english_month_names_match_any_case(void **state)
{
	(void)state;
	kpix_date want = date_ok("2024-03-05", NULL);
	assert_int_equal(date_ok("5 March 2024", "%d %B %Y"), want);
	assert_int_equal(date_ok("5 MARCH 2024", "%d %B %Y"), want);
	assert_int_equal(date_ok("5 mar 2024", "%d %b %Y"), want);
	assert_int_equal(date_ok("05-Mar-2024", "%d-%b-%Y"), want);
	assert_int_equal(date_ok("5 march 2024", "%d %b %Y"), want);
	assert_int_equal(date_ok("September 30, 2023", "%B %d, %Y"), date_ok("2023-09-30", NULL));
	assert_int_equal(date_ok("1 May 2024", "%d %B %Y"), date_ok("2024-05-01", NULL));
	assert_not_date("5 Marc 2024", "%d %B %Y");
	assert_not_date("5 Mars 2024", "%d %B %Y");
	assert_not_date("5 Sept 2024", "%d %b %Y");
	assert_not_date("5 M\xc3\xa4rz 2024", "%d %B %Y");
}

static void date__percent_percent_matches_a_literal_percent(void **state)
{
	(void)state;
	assert_int_equal(date_ok("2024%01%02", "%Y%%%m%%%d"), date_ok("2024-01-02", NULL));
	assert_not_date("2024-01-02", "%Y%%%m%%%d");
}

static void date__literals_must_match_and_all_input_be_consumed(void **state)
{
	(void)state;
	assert_not_date("01-02-2024", "%d/%m/%Y");
	assert_not_date("01/02/2024x", "%d/%m/%Y");
	assert_not_date("01/02/202", "%d/%m/%Y");
	assert_not_date(" 01/02/2024", "%d/%m/%Y");
	assert_int_equal(date_ok("Q 01.02.2024", "Q %d.%m.%Y"), date_ok("2024-02-01", NULL));
}

static void date__unsupported_or_incomplete_pattern_matches_nothing(void **state)
{
	(void)state;
	assert_not_date("2024-01-01 10", "%Y-%m-%d %H");
	assert_not_date("01/2024", "%m/%Y");
	assert_not_date("2024-01-01%", "%Y-%m-%d%");
}

static void date__text_is_not_read_past_its_length(void **state)
{
	(void)state;
	kpix_date d = 1;
	assert_int_equal(kpix_cast_date("1970-01-01trailing", 10, NULL, &d), 0);
	assert_int_equal(d, 0);
	assert_int_not_equal(kpix_cast_date("1970-01-01", 9, NULL, &d), 0);
}

/* Every day from 0001-01-01 to 9999-12-31, walked with a naive calendar:
 * consecutive days get consecutive numbers, and format and parse invert. */
static void date__every_day_of_years_1_to_9999_round_trips(void **state)
{
	(void)state;
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	kpix_date expect = kpix_date_from_ymd(1, 1, 1);
	char buf[11];
	for (int y = 1; y <= 9999; y++) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (int m = 1; m <= 12; m++) {
			int n = mdays[m - 1] + (m == 2 && leap);
			for (int d = 1; d <= n; d++, expect++) {
				kpix_date got = kpix_date_from_ymd(y, m, d), back = 0;
				if (got != expect)
					fail_msg("%04d-%02d-%02d gave %d, want %d", y, m, d, got, expect);
				kpix_date_format(got, buf);
				char want[32];
				snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
				if (strcmp(buf, want) != 0)
					fail_msg("day %d formatted as %s, want %s", got, buf, want);
				if (kpix_cast_date(buf, 10, NULL, &back) != 0 || back != got)
					fail_msg("%s did not parse back to %d", buf, got);
			}
		}
	}
	assert_int_equal(expect - 1, 2932896);
}

static void date__format_writes_iso_with_terminator(void **state)
{
	(void)state;
	char buf[12];
	memset(buf, 'x', sizeof buf);
	kpix_date_format(0, buf);
	assert_string_equal(buf, "1970-01-01");
	kpix_date_format(-1, buf);
	assert_string_equal(buf, "1969-12-31");
	kpix_date_format(19723, buf);
	assert_string_equal(buf, "2024-01-01");
	assert_int_equal(buf[11], 'x');
}

static void date__format_of_an_unwritable_year_is_placeholder(void **state)
{
	(void)state;
	char buf[11];
	kpix_date_format(kpix_date_from_ymd(10000, 1, 1), buf);
	assert_string_equal(buf, "0000-00-00");
	kpix_date_format(kpix_date_from_ymd(-1, 12, 31), buf);
	assert_string_equal(buf, "0000-00-00");
	kpix_date_format(kpix_date_from_ymd(0, 1, 1), buf);
	assert_string_equal(buf, "0000-01-01");
}

/* ---- date format check ---- */

static void date_format_check__supported_patterns_pass(void **state)
{
	(void)state;
	const char *ok[] = {NULL, "default", "any", "%d/%m/%Y", "%e %B %Y", "%y%m%d",
	                    "%d-%b-%y", "%Y%%%m%%%d"};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		const char *why = "unset";
		assert_int_equal(kpix_date_format_check(ok[i], &why), 0);
		assert_string_equal(why, "unset");
	}
}

static void date_format_check__hour_directive_is_named_in_the_reason(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(kpix_date_format_check("%Y-%m-%d %H", &why), -1);
	assert_string_equal(why, "unsupported directive %H");
	assert_int_equal(kpix_date_format_check("%Y-%j", &why), -1);
	assert_string_equal(why, "unsupported directive %j");
	assert_int_equal(kpix_date_format_check("%Y-%m-%-d", &why), -1);
	assert_string_equal(why, "unsupported directive after %");
}

static void date_format_check__missing_parts_are_rejected(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(kpix_date_format_check("%m/%Y", &why), -1);
	assert_non_null(strstr(why, "no day"));
	assert_int_equal(kpix_date_format_check("%d/%Y", &why), -1);
	assert_non_null(strstr(why, "no month"));
	assert_int_equal(kpix_date_format_check("%d/%m", &why), -1);
	assert_non_null(strstr(why, "no year"));
	assert_int_equal(kpix_date_format_check("", &why), -1);
	assert_int_equal(kpix_date_format_check("%%d/%%m/%%Y", &why), -1);
}

static void date_format_check__lone_trailing_percent_is_rejected(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(kpix_date_format_check("%d/%m/%Y%", &why), -1);
	assert_non_null(strstr(why, "lone %"));
}

static void date_format_check__null_reason_pointer_is_allowed(void **state)
{
	(void)state;
	assert_int_equal(kpix_date_format_check("%H", NULL), -1);
	assert_int_equal(kpix_date_format_check("%d%m%Y", NULL), 0);
}

/* ---- year, yearmonth ---- */

static void year__four_digits_are_read(void **state)
{
	(void)state;
	int32_t y = 0;
	assert_int_equal(kpix_cast_year("2024", 4, &y), 0);
	assert_int_equal(y, 2024);
	assert_int_equal(kpix_cast_year("0000", 4, &y), 0);
	assert_int_equal(y, 0);
	assert_int_equal(kpix_cast_year("9999", 4, &y), 0);
	assert_int_equal(y, 9999);
}

static void year__other_lengths_signs_and_junk_are_rejected(void **state)
{
	(void)state;
	const char *bad[] = {"", "202", "20245", "-2024", "+2024", "20a4", " 2024", "2024 ", "24"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int32_t y = 5;
		assert_int_not_equal(kpix_cast_year(bad[i], strlen(bad[i]), &y), 0);
		assert_int_equal(y, 5);
	}
}

static void yearmonth__is_year_times_twelve_plus_month_index(void **state)
{
	(void)state;
	int32_t v = 0;
	assert_int_equal(kpix_cast_yearmonth("2024-03", 7, &v), 0);
	assert_int_equal(v, 2024 * 12 + 2);
	assert_int_equal(kpix_cast_yearmonth("2024-12", 7, &v), 0);
	assert_int_equal(v, 2024 * 12 + 11);
	assert_int_equal(kpix_cast_yearmonth("0000-01", 7, &v), 0);
	assert_int_equal(v, 0);
}

static void yearmonth__month_out_of_range_or_malformed_is_rejected(void **state)
{
	(void)state;
	const char *bad[] = {"2024-13", "2024-00", "2024-3", "202403", "2024/03",
	                     "24-03", "2024-03-01", "2024-0a", " 2024-03"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int32_t v = 5;
		if (kpix_cast_yearmonth(bad[i], strlen(bad[i]), &v) == 0)
			fail_msg("\"%s\" accepted as yearmonth", bad[i]);
		assert_int_equal(v, 5);
	}
}

/* ---- kpix issue 5: hostile values, in both directions ---- */

/* One hostile value in one kind of field: read as want, or refused with a
 * reason that contains why (NULL: refused with no reason to add). */
struct hostile {
	const char *text;
	const kpix_numfmt *fmt;
	bool integer;
	bool accepted;
	double want;
	const char *why;
};

#define TAKES(t, f, i, v) {t, f, i, true, v, NULL}
#define REFUSES(t, f, i, w) {t, f, i, false, 0, w}

static const struct hostile hostile_numbers[] = {
	/* never numbers, in any field */
	REFUSES("NaN", &plain, false, "NaN and infinity"),
	REFUSES("nan", &decorated_groups, false, "NaN and infinity"),
	REFUSES("INF", &comma_groups, false, "NaN and infinity"),
	REFUSES("-INF", &euro, false, "NaN and infinity"),
	REFUSES("inf", &plain, true, "NaN and infinity"),
	REFUSES("Infinity", &decorated, false, "NaN and infinity"),
	REFUSES("1e309", &plain, false, "too large (the largest number kpix can hold is about 1.8e308)"),
	REFUSES("-1e309", &decorated_groups, false, "too large"),
	REFUSES("1e309", &plain, true, "without a decimal part or an exponent"),
	REFUSES("9223372036854775808", &plain, true, "too large (a whole number must lie between"),
	REFUSES("0x10", &plain, false, "hexadecimal"),
	REFUSES("0X1A", &plain, true, "hexadecimal"),
	REFUSES("-0x10", &decorated_groups, false, "hexadecimal"),
	REFUSES("1_000", &plain, false, "separated by '_'"),
	REFUSES("1_000", &comma_groups, true, "separated by '_'"),
	/* -0 is zero everywhere */
	TAKES("-0", &plain, false, 0.0),
	TAKES("-0", &plain, true, 0.0),
	TAKES("-0", &euro, false, 0.0),
	/* spaces: refused where the number is bare, stripped where it is not */
	REFUSES(" 12 ", &plain, false, "spaces before or after the number"),
	REFUSES(" 12 ", &comma_groups, true, "spaces before or after the number"),
	REFUSES("12\xc2\xa0", &plain, false, "spaces before or after the number"),
	TAKES(" 12 ", &decorated_groups, false, 12.0),
	TAKES(" 12 ", &decorated, true, 12.0),
	/* thousands separators: refused where the schema has none, read where it has */
	REFUSES("1,000", &plain, false, "thousands separators are not allowed, so ',' cannot appear"),
	REFUSES("1,000", &plain, true, "thousands separators are not allowed, so ',' cannot appear"),
	REFUSES("1 000", &plain, false, "so ' ' cannot appear between digits"),
	TAKES("1,000", &comma_groups, false, 1000.0),
	TAKES("1,000", &comma_groups, true, 1000.0),
	TAKES("1,000", &decorated_groups, false, 1000.0),
	REFUSES("12,34", &comma_groups, false, "into groups of three, as in 1,234,567"),
	REFUSES("1,2345", &comma_groups, true, "into groups of three"),
	/* decimal point against decimal comma: each mark means the other thing */
	TAKES("1.5", &plain, false, 1.5),
	REFUSES("1.5", &euro, false, "the thousands separator '.' must split the digits before the decimal mark ','"),
	TAKES("1,5", &euro, false, 1.5),
	REFUSES("1,5", &plain, false, "the decimal mark is '.'"),
	TAKES("1.000", &euro, false, 1000.0),
	TAKES("1.000", &plain, false, 1.0),
	TAKES("1,000", &euro, false, 1.0),
	REFUSES("1.000", &plain, true, "without a decimal part"),
	TAKES("1.234,5", &euro, false, 1234.5),
	REFUSES("1,234.5", &euro, false, "the thousands separator '.' cannot come after the decimal mark ','"),
	REFUSES("1.2.3", &plain, false, "the decimal mark '.' appears more than once"),
	REFUSES("1.234,5", &comma_groups, false, "the thousands separator ',' cannot come after the decimal mark '.'"),
	/* text that is simply not a number has nothing more to explain */
	REFUSES("TBC", &plain, false, NULL),
	REFUSES("12abc", &plain, true, NULL),
};

static void number__hostile_values_are_read_or_refused_with_a_reason(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof hostile_numbers / sizeof hostile_numbers[0]; i++) {
		const struct hostile *h = &hostile_numbers[i];
		size_t len = strlen(h->text);
		double v = 12345.0;
		int64_t iv = 777;
		int rc = h->integer ? kpix_cast_integer(h->text, len, h->fmt, &iv)
		                    : kpix_cast_number(h->text, len, h->fmt, &v);
		if (h->integer)
			v = rc == 0 ? (double)iv : 12345.0;
		char buf[160];
		const char *why = kpix_number_problem(h->text, len, h->fmt, h->integer, buf, sizeof buf);
		if (h->accepted) {
			if (rc != 0)
				fail_msg("case %zu: \"%s\" was refused (%s)", i, h->text, why ? why : "no reason");
			if (v != h->want || signbit(v))
				fail_msg("case %zu: \"%s\" read as %.17g, want %.17g", i, h->text, v, h->want);
			continue;
		}
		if (rc == 0)
			fail_msg("case %zu: \"%s\" was accepted as %.17g", i, h->text, v);
		if (h->integer ? iv != 777 : v != 12345.0)
			fail_msg("case %zu: \"%s\" was refused but the output was written", i, h->text);
		if (!h->why && why)
			fail_msg("case %zu: \"%s\" got the reason \"%s\"", i, h->text, why);
		if (h->why && (!why || !strstr(why, h->why)))
			fail_msg("case %zu: \"%s\": reason \"%s\", want \"%s\"", i, h->text,
			         why ? why : "(none)", h->why);
	}
}

/* A date that has the field's layout but does not exist is refused with
 * the calendar's reason; a real date in the same layout is read. */
static void date__hostile_dates_are_read_or_refused_with_a_reason(void **state)
{
	(void)state;
	static const struct {
		const char *text, *format, *why; /* why NULL: accepted */
		int y, m, d;
	} cases[] = {
		{"31/02/2024", "%d/%m/%Y", "February 2024 has 29 days", 0, 0, 0},
		{"29/02/2024", "%d/%m/%Y", NULL, 2024, 2, 29},
		{"29/02/2023", "any", "2023 is not a leap year, so February has 28 days", 0, 0, 0},
		{"29/02/2024", "any", NULL, 2024, 2, 29},
		{"2024-13-01", NULL, "there is no month 13", 0, 0, 0},
		{"2024-12-01", NULL, NULL, 2024, 12, 1},
		{"2024-13-01", "any", "there is no month 13", 0, 0, 0},
		{"01/13/2024", "any", "there is no month 13 (the day comes first)", 0, 0, 0},
		{"13/01/2024", "any", NULL, 2024, 1, 13},
		{"2024-04-31", "default", "April 2024 has 30 days", 0, 0, 0},
		{"0000-01-01", NULL, "there is no year 0", 0, 0, 0},
		{"00/01/2024", "%d/%m/%Y", "there is no day 0", 0, 0, 0},
		{"31 Sep 2025", "%d %b %Y", "September 2025 has 30 days", 0, 0, 0},
		{"30 Sep 2025", "%d %b %Y", NULL, 2025, 9, 30},
		{" 2024-12-01", NULL, "there are spaces before or after the date", 0, 0, 0},
		{"01/12/2024 ", "any", "there are spaces before or after the date", 0, 0, 0},
		/* another layout than the field's: no calendar reason to give */
		{"31/02/2024", NULL, "", 0, 0, 0},
		{"2024-02-31", "%d/%m/%Y", "", 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = strlen(cases[i].text);
		kpix_date d = 4242;
		int rc = kpix_cast_date(cases[i].text, len, cases[i].format, &d);
		char buf[160];
		const char *why = kpix_date_problem(cases[i].text, len, cases[i].format, buf, sizeof buf);
		if (!cases[i].why) {
			if (rc != 0)
				fail_msg("case %zu: \"%s\" was refused", i, cases[i].text);
			assert_int_equal(d, kpix_date_from_ymd(cases[i].y, cases[i].m, cases[i].d));
			continue;
		}
		if (rc == 0 || d != 4242)
			fail_msg("case %zu: \"%s\" was accepted", i, cases[i].text);
		if (*cases[i].why ? !why || strcmp(why, cases[i].why) != 0 : why != NULL)
			fail_msg("case %zu: \"%s\": reason \"%s\", want \"%s\"", i, cases[i].text,
			         why ? why : "(none)", cases[i].why);
	}
}

/* kpix_format_number as it was written first: every precision from one
 * digit up, the first whose text reads back as v. */
static void format_number_slowly(double v, char *buf)
{
	if (v == 0) {
		strcpy(buf, "0");
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, 32, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (strchr(buf, 'e') && v < 1e15 && v > -1e15 && v == (double)(long long)v)
		snprintf(buf, 32, "%lld", (long long)v);
}

/* It tries precisions from 15 up (from 1 for subnormal numbers): the same
 * text as trying them all, on doubles of every kind and size. */
static void number__format_finds_the_shortest_text_as_trying_every_precision(void **state)
{
	(void)state;
	uint64_t s = 88172645463325252u;
	for (long i = 0; i < 100000; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		double v;
		switch (i % 4) {
		case 0: /* any bits: subnormal, huge, tiny */
			memcpy(&v, &s, sizeof(v));
			if (!isfinite(v))
				continue;
			break;
		case 1: /* decimals as data has them */
			v = (double)(int64_t)(s % 2000000000000000u) / pow(10, (double)(s >> 60));
			break;
		case 2: /* short mantissas at every scale */
			v = (double)(s % 100000) * pow(10, (int)(s >> 58) - 32);
			break;
		default: /* full-precision fractions */
			v = (double)(s >> 11) / 9007199254740992.0 * pow(10, (int)((s >> 3) % 40) - 20);
			break;
		}
		char want[32], got[32];
		format_number_slowly(v, want);
		kpix_format_number(v, got);
		if (strcmp(want, got) != 0)
			fail_msg("%.17g: %s, not %s", v, got, want);
	}
}


/* ---- issue 17: the rest of Table Schema's types ---- */

static const kpix_numfmt special = {'.', 0, true, true};

static void number__nan_and_infinity_are_numbers_in_a_plain_table_schema(void **state)
{
	(void)state;
	double v = 0;
	assert_int_equal(kpix_cast_number("NaN", 3, &special, &v), 0);
	assert_true(v != v);
	assert_int_equal(kpix_cast_number("INF", 3, &special, &v), 0);
	assert_true(v > 1e308);
	assert_int_equal(kpix_cast_number("-INF", 4, &special, &v), 0);
	assert_true(v < -1e308);
	/* only the spec's spellings */
	assert_not_number("nan", &special);
	assert_not_number("+INF", &special);
	assert_not_number("Infinity", &special);
	assert_number_is("1.5", &special, 1.5);
}

static void integer__beyond_64_bits_is_refused_with_the_range_in_words(void **state)
{
	(void)state;
	char buf[160];
	assert_not_integer("9223372036854775808", &plain);
	assert_not_integer("-9223372036854775809", &plain);
	int64_t v;
	assert_int_equal(integer("-9223372036854775808", &plain, &v), 0);
	assert_true(v == INT64_MIN);
	const char *why = kpix_number_problem("123456789012345678901234567890", 30, &plain, true, buf,
	                                      sizeof(buf));
	assert_non_null(why);
	assert_non_null(strstr(why, "9223372036854775807"));
}

static double time_ok(const char *s, const char *format)
{
	double t = -1;
	if (kpix_cast_time(s, strlen(s), format, &t) != 0)
		fail_msg("'%s' was refused as a time for format %s", s, format ? format : "default");
	return t;
}

static void assert_not_time(const char *s, const char *format)
{
	double t;
	if (kpix_cast_time(s, strlen(s), format, &t) == 0)
		fail_msg("'%s' was accepted as a time for format %s", s, format ? format : "default");
}

static void time__default_is_iso_with_seconds_and_an_optional_zone(void **state)
{
	(void)state;
	assert_true(time_ok("00:00:00", NULL) == 0);
	assert_true(time_ok("14:30:15", NULL) == 14 * 3600 + 30 * 60 + 15);
	assert_true(time_ok("14:30:15.25", "default") == 52215.25);
	assert_true(time_ok("14:30:15Z", NULL) == 52215);
	assert_true(time_ok("14:30:15+01:00", NULL) == 52215 - 3600);
	assert_true(time_ok("00:30:00+01:00", NULL) == 86400 - 1800); /* wraps to the day before */
	assert_not_time("14:30", NULL);
	assert_not_time("24:00:00", NULL);
	assert_not_time("12:60:00", NULL);
	assert_not_time("2:30:00", NULL);
	assert_not_time(" 14:30:00", NULL);
	assert_not_time("14:30:00+1", NULL);
}

static void time__any_and_patterns(void **state)
{
	(void)state;
	assert_true(time_ok("14:30", "any") == 52200);
	assert_true(time_ok("14:30:00", "any") == 52200);
	assert_not_time("2018-01-01 00:00:00", "any");
	assert_true(time_ok("00/01", "%H/%M") == 60);
	assert_not_time("00/01/00", "%H/%M");
	assert_true(time_ok("2:30 PM", "%I:%M %p") == 14.5 * 3600);
	assert_true(time_ok("12:00 am", "%I:%M %p") == 0);
	assert_not_time("13:00 PM", "%I:%M %p");
	assert_true(time_ok("10.5.1.5", "%H.%M.%S.%f") == 10 * 3600 + 300 + 1.5);
}

static double datetime_ok(const char *s, const char *format)
{
	double t = -1;
	if (kpix_cast_datetime(s, strlen(s), format, &t) != 0)
		fail_msg("'%s' was refused as a datetime for format %s", s, format ? format : "default");
	return t;
}

static void assert_not_datetime(const char *s, const char *format)
{
	double t;
	if (kpix_cast_datetime(s, strlen(s), format, &t) == 0)
		fail_msg("'%s' was accepted as a datetime for format %s", s, format ? format : "default");
}

static void datetime__default_with_and_without_a_zone(void **state)
{
	(void)state;
	double midnight = 17532.0 * 86400; /* 2018-01-01 */
	assert_true(datetime_ok("2018-01-01T00:00:00Z", NULL) == midnight);
	assert_true(datetime_ok("2018-01-01T00:00:00", NULL) == midnight);
	assert_true(datetime_ok("2018-01-01T01:00:00+01:00", NULL) == midnight);
	assert_true(datetime_ok("2017-12-31T23:00:00-0100", NULL) == midnight);
	assert_true(datetime_ok("2018-01-01T00:00:00.5Z", NULL) == midnight + 0.5);
	assert_not_datetime("2018-01-02T00:00", NULL);
	assert_not_datetime("2018-01-01 00:00:00", NULL);
	assert_not_datetime("2018-02-30T00:00:00Z", NULL);
	assert_not_datetime("2018-01-01T", NULL);
	assert_not_datetime("2018-01-01", NULL);
}

static void datetime__any_and_patterns(void **state)
{
	(void)state;
	double midnight = 17532.0 * 86400;
	assert_true(datetime_ok("2018-01-01 00:00", "any") == midnight);
	assert_true(datetime_ok("01/01/2018 00:00:00", "any") == midnight);
	assert_true(datetime_ok("2018-01-01T00:00:00", "any") == midnight);
	assert_not_datetime("2018/01/02T00:00:00", "any");
	assert_true(datetime_ok("01/01/18-00:00", "%d/%m/%y-%H:%M") == midnight);
	assert_not_datetime("02/01/18-00:00:00", "%d/%m/%y-%H:%M");
	assert_true(datetime_ok("2018-01-01 01:00 +0100", "%Y-%m-%d %H:%M %z") == midnight);
}

static void stamp_format_check__each_kind_needs_its_parts(void **state)
{
	(void)state;
	const char *why = NULL;
	assert_int_equal(kpix_stamp_format_check("%H:%M", KPIX_STAMP_TIME, &why), 0);
	assert_int_equal(kpix_stamp_format_check("%d/%m/%Y %H:%M:%S.%f%z", KPIX_STAMP_DATETIME, &why), 0);
	assert_int_equal(kpix_stamp_format_check("%d/%m/%Y", KPIX_STAMP_DATETIME, &why), -1);
	assert_string_equal(why, "pattern has no hour (%H, or %I with %p)");
	assert_int_equal(kpix_stamp_format_check("%I:%M", KPIX_STAMP_TIME, &why), -1);
	assert_string_equal(why, "pattern has %I (a 12-hour clock) but no %p (AM or PM)");
	assert_int_equal(kpix_stamp_format_check("%H:%M %Y", KPIX_STAMP_TIME, &why), -1);
	assert_string_equal(why, "unsupported directive %Y");
	assert_int_equal(kpix_stamp_format_check("%d/%m/%Y %H", KPIX_STAMP_DATE, &why), -1);
	assert_string_equal(why, "unsupported directive %H");
}

static int dur(const char *s)
{
	return kpix_cast_duration(s, strlen(s));
}

static void duration__iso_8601_components_in_order(void **state)
{
	(void)state;
	const char *good[] = {"P1Y", "P1Y2M3DT4H5M6S", "P3W", "PT36H", "P1DT12H30M5.5S", "PT0.5S",
	                      "-P1D", "P0D", "PT1,5H"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (dur(good[i]) != 0)
			fail_msg("'%s' was refused as a duration", good[i]);
	const char *bad[] = {"P",  "PT",   "1Y",  "P1S",   "P1D2Y", "P1.5DT1H", "PT1H1H",
	                     "P1", "P1YT", "p1y", "P 1Y", "P1DT", "PT1.H", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (dur(bad[i]) == 0)
			fail_msg("'%s' was accepted as a duration", bad[i]);
}

static void geopoint__three_forms_and_their_ranges(void **state)
{
	(void)state;
	double lon = 0, lat = 0;
	assert_int_equal(kpix_cast_geopoint("-101.473911, 38.704022", 22, NULL, &lon, &lat), 0);
	assert_true(lon == -101.473911 && lat == 38.704022);
	assert_int_equal(kpix_cast_geopoint("90,45", 5, "default", &lon, &lat), 0);
	assert_int_equal(kpix_cast_geopoint("[90, 45.5]", 10, "array", &lon, &lat), 0);
	assert_true(lon == 90 && lat == 45.5);
	const char *obj = "{\"lat\": -45, \"lon\": 180}";
	assert_int_equal(kpix_cast_geopoint(obj, strlen(obj), "object", &lon, &lat), 0);
	assert_true(lon == 180 && lat == -45);
	assert_int_equal(kpix_cast_geopoint("90, 91", 6, NULL, &lon, &lat), -1);
	assert_int_equal(kpix_cast_geopoint("181, 0", 6, NULL, &lon, &lat), -1);
	assert_int_equal(kpix_cast_geopoint("90 45", 5, NULL, &lon, &lat), -1);
	assert_int_equal(kpix_cast_geopoint("[90, 45, 0]", 11, "array", &lon, &lat), -1);
	assert_int_equal(kpix_cast_geopoint("[\"90\", 45]", 10, "array", &lon, &lat), -1);
	const char *extra = "{\"lat\": 1, \"lon\": 2, \"alt\": 3}";
	assert_int_equal(kpix_cast_geopoint(extra, strlen(extra), "object", &lon, &lat), -1);
	assert_int_equal(kpix_cast_geopoint("90, 45", 6, "array", &lon, &lat), -1);
}

static int js(const char *s, kpix_json_kind k)
{
	return kpix_cast_json(s, strlen(s), k);
}

static void json__object_array_and_syntax(void **state)
{
	(void)state;
	assert_int_equal(js("{\"one\": 1}", KPIX_JSON_OBJECT), 0);
	assert_int_equal(js(" {} ", KPIX_JSON_OBJECT), 0);
	assert_int_equal(js("[1]", KPIX_JSON_OBJECT), -1);
	assert_int_equal(js("[1, \"a\\u00e9\", true, null, {\"x\": [-0.5e3]}]", KPIX_JSON_ARRAY), 0);
	assert_int_equal(js("[]", KPIX_JSON_ARRAY), 0);
	const char *bad[] = {"{", "{\"a\" 1}", "{a: 1}", "[1,]", "[01]", "[1.]", "['a']", "[1] x",
	                     "", "{\"a\": tru}", "[\"\\x\"]", "[\"\t\"]"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (js(bad[i], KPIX_JSON_ARRAY) == 0 || js(bad[i], KPIX_JSON_OBJECT) == 0)
			fail_msg("'%s' was accepted as JSON", bad[i]);
	/* nesting is bounded, not a stack overflow */
	char deep[300];
	memset(deep, '[', 150);
	memset(deep + 150, ']', 150);
	assert_int_equal(kpix_cast_json(deep, 300, KPIX_JSON_ARRAY), -1);
	assert_int_equal(kpix_cast_json(deep + 100, 100, KPIX_JSON_ARRAY), 0);
}

static void json__geojson_needs_a_type_and_its_members(void **state)
{
	(void)state;
	assert_int_equal(js("{\"type\": \"Point\", \"coordinates\": [1, 2]}", KPIX_JSON_GEOJSON), 0);
	assert_int_equal(js("{\"type\": \"Feature\", \"geometry\": null, \"properties\": {}}",
	                    KPIX_JSON_GEOJSON), 0);
	assert_int_equal(js("{\"type\": \"FeatureCollection\", \"features\": []}", KPIX_JSON_GEOJSON), 0);
	assert_int_equal(js("{\"type\": \"GeometryCollection\", \"geometries\": []}", KPIX_JSON_GEOJSON), 0);
	assert_int_equal(js("{\"type\": \"Point\"}", KPIX_JSON_GEOJSON), -1);
	assert_int_equal(js("{\"type\": \"Circle\", \"coordinates\": [1, 2]}", KPIX_JSON_GEOJSON), -1);
	assert_int_equal(js("{\"coordinates\": [1, 2]}", KPIX_JSON_GEOJSON), -1);
	assert_int_equal(js("[1, 2]", KPIX_JSON_GEOJSON), -1);
	assert_int_equal(js("{\"type\": \"Topology\", \"objects\": {}, \"arcs\": []}", KPIX_JSON_TOPOJSON), 0);
	assert_int_equal(js("{\"type\": \"Topology\"}", KPIX_JSON_TOPOJSON), -1);
}

static int str(const char *s, kpix_strfmt f)
{
	return kpix_cast_string(s, strlen(s), f);
}

static void string__email_uri_uuid_and_binary(void **state)
{
	(void)state;
	assert_int_equal(str("user@domain.com", KPIX_STR_EMAIL), 0);
	assert_int_equal(str("first.last+tag@sub.example.co.uk", KPIX_STR_EMAIL), 0);
	const char *bad_mail[] = {"user2@domain", "@domain.com", "user@", "a@b@c.com", "a b@c.com",
	                          "a..b@c.com", "a@-c.com", "a@c..com", "a@c.com."};
	for (size_t i = 0; i < sizeof(bad_mail) / sizeof(bad_mail[0]); i++)
		if (str(bad_mail[i], KPIX_STR_EMAIL) == 0)
			fail_msg("'%s' was accepted as an e-mail address", bad_mail[i]);
	assert_int_equal(str("https://domain.com", KPIX_STR_URI), 0);
	assert_int_equal(str("mailto:a@b.org", KPIX_STR_URI), 0);
	assert_int_equal(str("urn:isbn:0451450523", KPIX_STR_URI), 0);
	assert_int_equal(str("http://x.org/a%20b?q=1#f", KPIX_STR_URI), 0);
	const char *bad_uri[] = {"https:/domain.com", "domain.com", "1http://x", "http://x y",
	                         "http:", "http://x/%zz", "https:///x"};
	for (size_t i = 0; i < sizeof(bad_uri) / sizeof(bad_uri[0]); i++)
		if (str(bad_uri[i], KPIX_STR_URI) == 0)
			fail_msg("'%s' was accepted as a URI", bad_uri[i]);
	assert_int_equal(str("123e4567-e89b-12d3-A456-426614174000", KPIX_STR_UUID), 0);
	assert_int_equal(str("123e4567e89b12d3a456426614174000", KPIX_STR_UUID), -1);
	assert_int_equal(str("123e4567-e89b-12d3-a456-42661417400g", KPIX_STR_UUID), -1);
	assert_int_equal(str("aGVsbG8=", KPIX_STR_BINARY), 0);
	assert_int_equal(str("aGVsbA==", KPIX_STR_BINARY), 0);
	assert_int_equal(str("", KPIX_STR_BINARY), 0);
	assert_int_equal(str("aGVsbG8", KPIX_STR_BINARY), -1);
	assert_int_equal(str("aGV=bG8=", KPIX_STR_BINARY), -1);
	assert_int_equal(str("a===", KPIX_STR_BINARY), -1);
	assert_int_equal(str("anything at all", KPIX_STR_DEFAULT), 0);
}

static void date__any_also_reads_day_first_with_dots(void **state)
{
	(void)state;
	assert_int_equal(date_ok("01.01.2017", "any"), date_ok("2017-01-01", NULL));
	assert_not_date("01.13.2017", "any");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(number__format_finds_the_shortest_text_as_trying_every_precision),
		cmocka_unit_test(number__plain_digits_read_exactly),
		cmocka_unit_test(number__hostile_values_are_read_or_refused_with_a_reason),
		cmocka_unit_test(date__hostile_dates_are_read_or_refused_with_a_reason),
		cmocka_unit_test(number__point_one_is_the_nearest_double),
		cmocka_unit_test(number__82_45_is_the_nearest_double),
		cmocka_unit_test(number__largest_finite_double_is_read_exactly),
		cmocka_unit_test(number__smallest_normal_double_is_read_exactly),
		cmocka_unit_test(number__smallest_subnormal_is_read_exactly),
		cmocka_unit_test(number__twenty_digit_mantissa_is_correctly_rounded),
		cmocka_unit_test(number__two_to_the_53_plus_one_rounds_half_to_even),
		cmocka_unit_test(number__digits_far_past_the_halfway_point_round_up),
		cmocka_unit_test(number__exponent_forms_are_read),
		cmocka_unit_test(number__zero_with_huge_exponent_is_zero),
		cmocka_unit_test(number__underflow_rounds_to_zero),
		cmocka_unit_test(number__overflow_to_infinity_is_rejected),
		cmocka_unit_test(number__agrees_with_strtod_on_many_generated_values),
		cmocka_unit_test(number__short_decimals_agree_with_strtod),
		cmocka_unit_test(number__leading_plus_and_minus_are_signs),
		cmocka_unit_test(number__minus_zero_is_read_as_plain_zero),
		cmocka_unit_test(number__point_five_and_five_point_are_accepted_like_decimal),
		cmocka_unit_test(number__table_schema_special_values_are_refused),
		cmocka_unit_test(number__other_spellings_of_nan_and_infinity_are_rejected),
		cmocka_unit_test(number__empty_text_is_rejected),
		cmocka_unit_test(number__whitespace_anywhere_is_rejected),
		cmocka_unit_test(number__hex_is_rejected),
		cmocka_unit_test(number__underscores_are_rejected),
		cmocka_unit_test(number__lone_point_or_sign_is_rejected),
		cmocka_unit_test(number__incomplete_or_misplaced_exponent_is_rejected),
		cmocka_unit_test(number__second_point_or_trailing_junk_is_rejected),
		cmocka_unit_test(number__text_over_1000_characters_is_rejected),
		cmocka_unit_test(number__long_exact_input_uses_all_digits),
		cmocka_unit_test(number__text_is_not_read_past_its_length),
		cmocka_unit_test(number__null_format_means_plain_numbers),
		cmocka_unit_test(number__comma_is_invalid_without_group_char),
		cmocka_unit_test(number__group_chars_between_digits_are_dropped),
		cmocka_unit_test(number__group_chars_must_separate_thousands),
		cmocka_unit_test(number__group_char_at_either_end_or_doubled_is_rejected),
		cmocka_unit_test(number__group_char_in_fraction_or_exponent_is_rejected),
		cmocka_unit_test(number__decimal_comma_with_point_groups_is_read),
		cmocka_unit_test(number__point_is_not_a_decimal_when_decimal_char_is_comma),
		cmocka_unit_test(number__space_groups_with_decimal_comma_are_read),
		cmocka_unit_test(number__long_grouped_input_takes_the_slow_path_correctly),
		cmocka_unit_test(number__group_char_equal_to_decimal_char_is_ignored),
		cmocka_unit_test(number__percent_with_bare_number_false_reads_82),
		cmocka_unit_test(number__negative_percent_keeps_its_sign),
		cmocka_unit_test(number__pounds_with_groups_and_pence_read_as_1234_5),
		cmocka_unit_test(number__currency_and_units_around_the_number_are_stripped),
		cmocka_unit_test(number__decimal_point_before_a_digit_is_kept_when_stripping),
		cmocka_unit_test(number__nothing_left_after_stripping_is_rejected),
		cmocka_unit_test(number__stripping_does_not_excuse_junk_inside_the_number),
		cmocka_unit_test(integer__plain_and_signed_values_are_read),
		cmocka_unit_test(integer__agrees_with_strtoll_on_many_generated_values),
		cmocka_unit_test(integer__int64_limits_are_accepted),
		cmocka_unit_test(integer__values_beyond_int64_are_rejected),
		cmocka_unit_test(integer__fraction_or_exponent_is_rejected),
		cmocka_unit_test(integer__empty_blank_or_junk_is_rejected),
		cmocka_unit_test(integer__group_chars_between_digits_are_dropped),
		cmocka_unit_test(integer__bare_number_false_strips_surrounding_text),
		cmocka_unit_test(integer__overlong_text_is_rejected),
		cmocka_unit_test(boolean__default_true_values_are_true),
		cmocka_unit_test(boolean__default_false_values_are_false),
		cmocka_unit_test(boolean__other_case_prefixes_and_blanks_are_rejected),
		cmocka_unit_test(boolean__custom_lists_replace_the_defaults),
		cmocka_unit_test(boolean__text_is_not_read_past_its_length),
		cmocka_unit_test(date__epoch_is_day_zero),
		cmocka_unit_test(date__iso_needs_exact_digit_counts),
		cmocka_unit_test(date__iso_refuses_anything_but_a_digit_where_one_belongs),
		cmocka_unit_test(date__thirty_first_of_february_is_rejected),
		cmocka_unit_test(date__leap_day_exists_only_in_leap_years),
		cmocka_unit_test(date__month_thirteen_and_day_zero_are_rejected),
		cmocka_unit_test(date__year_zero_is_outside_the_range),
		cmocka_unit_test(date__any_accepts_iso_and_uk_day_first),
		cmocka_unit_test(date__pattern_day_and_month_take_one_or_two_digits),
		cmocka_unit_test(date__pattern_four_digit_year_needs_four_digits),
		cmocka_unit_test(date__two_digit_years_pivot_at_69),
		cmocka_unit_test(date__english_month_names_match_any_case),
		cmocka_unit_test(date__percent_percent_matches_a_literal_percent),
		cmocka_unit_test(date__literals_must_match_and_all_input_be_consumed),
		cmocka_unit_test(date__unsupported_or_incomplete_pattern_matches_nothing),
		cmocka_unit_test(date__text_is_not_read_past_its_length),
		cmocka_unit_test(date__every_day_of_years_1_to_9999_round_trips),
		cmocka_unit_test(date__format_writes_iso_with_terminator),
		cmocka_unit_test(date__format_of_an_unwritable_year_is_placeholder),
		cmocka_unit_test(date_format_check__supported_patterns_pass),
		cmocka_unit_test(date_format_check__hour_directive_is_named_in_the_reason),
		cmocka_unit_test(date_format_check__missing_parts_are_rejected),
		cmocka_unit_test(date_format_check__lone_trailing_percent_is_rejected),
		cmocka_unit_test(date_format_check__null_reason_pointer_is_allowed),
		cmocka_unit_test(year__four_digits_are_read),
		cmocka_unit_test(year__other_lengths_signs_and_junk_are_rejected),
		cmocka_unit_test(yearmonth__is_year_times_twelve_plus_month_index),
		cmocka_unit_test(yearmonth__month_out_of_range_or_malformed_is_rejected),
		cmocka_unit_test(number__nan_and_infinity_are_numbers_in_a_plain_table_schema),
		cmocka_unit_test(integer__beyond_64_bits_is_refused_with_the_range_in_words),
		cmocka_unit_test(time__default_is_iso_with_seconds_and_an_optional_zone),
		cmocka_unit_test(time__any_and_patterns),
		cmocka_unit_test(datetime__default_with_and_without_a_zone),
		cmocka_unit_test(datetime__any_and_patterns),
		cmocka_unit_test(stamp_format_check__each_kind_needs_its_parts),
		cmocka_unit_test(duration__iso_8601_components_in_order),
		cmocka_unit_test(geopoint__three_forms_and_their_ranges),
		cmocka_unit_test(json__object_array_and_syntax),
		cmocka_unit_test(json__geojson_needs_a_type_and_its_members),
		cmocka_unit_test(string__email_uri_uuid_and_binary),
		cmocka_unit_test(date__any_also_reads_day_first_with_dots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
