/* Unit tests of simple-shape patterns (util.h): each shape must say of a
 * text exactly what PCRE2 says, compiled as the schema loader compiles a
 * pattern; anything else must be refused and left to PCRE2. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util.h"

typedef struct {
	pcre2_code *re;
	pcre2_match_data *md;
	kpix_shape *shape;
	const char *pattern;
	size_t compared, matched;
} pair;

static void pair_open(pair *p, const char *pattern)
{
	int err;
	PCRE2_SIZE off;
	p->pattern = pattern;
	p->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	                      PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED, &err, &off, NULL);
	if (!p->re)
		fail_msg("PCRE2 refuses the pattern %s", pattern);
	p->md = pcre2_match_data_create(1, NULL);
	p->shape = kpix_shape_compile(pattern);
	if (!p->shape)
		fail_msg("the pattern %s was not taken as a shape", pattern);
	p->compared = p->matched = 0;
}

static void pair_close(pair *p)
{
	pcre2_code_free(p->re);
	pcre2_match_data_free(p->md);
	kpix_shape_free(p->shape);
}

/* Both matchers on one text; they must agree. */
static bool compare(pair *p, const char *s, size_t len)
{
	int rc = pcre2_match(p->re, (PCRE2_SPTR)s, len, 0, 0, p->md, NULL);
	if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
		fail_msg("PCRE2 failed (%d) on a test text for %s", rc, p->pattern);
	bool want = rc >= 0;
	bool got = kpix_shape_match(p->shape, s, len);
	if (got != want)
		fail_msg("pattern %s, text of %zu bytes '%.*s': PCRE2 says %s, the shape says %s",
		         p->pattern, len, len > 80 ? 80 : (int)len, s, want ? "match" : "no match",
		         got ? "match" : "no match");
	p->compared++;
	p->matched += want;
	return want;
}

/* The characters texts are made of: those of the pattern and their
 * neighbours, the ends of the common classes, and a few that no shape
 * takes (a two-byte letter, a tab, a newline). */
#define MAX_ALPHABET 160
typedef struct {
	const char *items[MAX_ALPHABET];
	size_t n;
	char singles[128][2];
} alphabet;

static void alphabet_add_char(alphabet *a, unsigned char c)
{
	if (c < 0x09 || c > 0x7e || (c > 0x0a && c < 0x20))
		return;
	for (size_t i = 0; i < a->n; i++)
		if (a->items[i][0] == (char)c && a->items[i][1] == '\0')
			return;
	a->singles[c][0] = (char)c;
	a->singles[c][1] = '\0';
	a->items[a->n++] = a->singles[c];
}

static void alphabet_for(alphabet *a, const char *pattern)
{
	memset(a, 0, sizeof(*a));
	for (const char *p = pattern; *p; p++) {
		alphabet_add_char(a, (unsigned char)*p);
		alphabet_add_char(a, (unsigned char)(*p - 1));
		alphabet_add_char(a, (unsigned char)(*p + 1));
	}
	for (const char *p = "09AZaz_- .\t\n"; *p; p++)
		alphabet_add_char(a, (unsigned char)*p);
	a->items[a->n++] = "\xc3\xa9";
	a->items[a->n++] = "\xe2\x82\xac";
}

static uint64_t rng_state = 0x6b706978;

static uint64_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return rng_state >> 33;
}

/* Every text of up to depth items from the alphabet. */
static void all_texts(pair *p, const alphabet *a, kpix_buf *text, int depth)
{
	compare(p, text->data ? text->data : "", text->len);
	if (depth == 0)
		return;
	size_t len = text->len;
	for (size_t i = 0; i < a->n; i++) {
		kpix_buf_adds(text, a->items[i]);
		all_texts(p, a, text, depth - 1);
		text->len = len;
		text->data[len] = '\0';
	}
}

/* Texts near a matching example: up to three characters replaced,
 * inserted or deleted. */
static void near_texts(pair *p, const alphabet *a, const char *example, int count)
{
	for (int k = 0; k < count; k++) {
		char text[256];
		size_t len = strlen(example);
		memcpy(text, example, len);
		int edits = 1 + (int)(rng() % 3);
		for (int e = 0; e < edits; e++) {
			const char *item = a->items[rng() % a->n];
			size_t il = strlen(item);
			size_t at = len ? rng() % (len + 1) : 0;
			switch (rng() % 3) {
			case 0: /* insert */
				if (len + il >= sizeof(text))
					break;
				memmove(text + at + il, text + at, len - at);
				memcpy(text + at, item, il);
				len += il;
				break;
			case 1: /* delete a byte; a broken UTF-8 sequence is mended below */
				if (at < len) {
					memmove(text + at, text + at + 1, len - at - 1);
					len--;
				}
				break;
			default: /* replace an ASCII byte */
				if (at < len && (unsigned char)text[at] < 0x80 && il == 1)
					text[at] = item[0];
				break;
			}
		}
		/* drop what a deletion left of multi-byte characters */
		size_t w = 0;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)text[i];
			if (c < 0x80) {
				text[w++] = (char)c;
			} else if (c == 0xc3 && i + 1 < len && (unsigned char)text[i + 1] == 0xa9) {
				text[w++] = text[i];
				text[w++] = text[++i];
			}
		}
		compare(p, text, w);
	}
}

typedef struct {
	const char *pattern;
	const char *examples[4]; /* texts that match */
} case_t;

static const case_t shapes[] = {
	{"ENT[0-9]{4}", {"ENT0971", "ENT0000", "ENT9999"}},
	{"[A-Z]{2}[0-9]+", {"AB1", "ZZ0123456789"}},
	{"[A-Z]{3}[0-9]{3}", {"BEI142", "LOT552"}},
	{"SC-[0-9]{5}", {"SC-53588"}},
	{"[A-Z]{1,2}[0-9]{1,2}", {"D9", "WO2", "AB12", "A1"}},
	{"Q[1-4]", {"Q1", "Q4"}},
	{"[abc]+", {"abc", "a", "cabba"}},
	{"\\d{4}-\\d{2}", {"2024-10"}},
	{"a?b*c+", {"c", "abbc", "bccc", "ac"}},
	{"[a-]x", {"ax", "-x"}},
	{"[-a]{2,}", {"--", "a-a-"}},
	{"x{0}y", {"y"}},
	{"", {""}},
	{"a b", {"a b"}},
	{"\\.\\d+", {".5", ".123"}},
	{"[A-Za-z_][A-Za-z0-9_]*", {"x", "_a1", "Name_2"}},
	{"a{2,3}b{0,2}c", {"aac", "aaabbc", "aabc"}},
	{"[!-/]+", {"!", "-/+"}},
	{"\\$[0-9]+\\.[0-9]{2}", {"$1.00", "$1234.56"}},
	{"[a^]z", {"az", "^z"}},
	{"#-/:", {"#-/:"}},
	{"[a-c]{0,3}[d-f]?[g-i]", {"g", "abcdg", "ceh", "fi"}},
	{"a{1,}b", {"ab", "aaab"}},
	{"[0-9]{64}", {"0123456789012345678901234567890123456789012345678901234567890123"}},
	{"[0-9]{3,65}", {"123", "01234567890123456789012345678901234567890123456789012345678901234"}},
	{"[A-Z]{2}[0-9]{6}[A-D ]", {"AB123456C", "QQ000000 "}},
	{"(", {NULL}}, /* end */
};

static void pattern__simple_shapes_say_what_pcre2_says(void **state)
{
	(void)state;
	for (const case_t *c = shapes; strcmp(c->pattern, "(") != 0; c++) {
		pair p;
		pair_open(&p, c->pattern);
		alphabet a;
		alphabet_for(&a, c->pattern);
		kpix_buf text = KPIX_BUF_INIT;
		all_texts(&p, &a, &text, 3);
		kpix_buf_free(&text);
		for (int e = 0; e < 4 && c->examples[e]; e++) {
			if (!compare(&p, c->examples[e], strlen(c->examples[e])))
				fail_msg("the example '%s' does not match %s", c->examples[e], c->pattern);
			near_texts(&p, &a, c->examples[e], 20000);
		}
		pair_close(&p);
	}
}

static void pattern__long_texts_are_matched_as_pcre2_does(void **state)
{
	(void)state;
	static const char *const patterns[] = {"[a-z]+", "x[a-z]*[0-9]", "[a-z]{3,}[0-9]{2}", "a{0,65535}"};
	size_t n = 200000;
	char *text = malloc(n + 2);
	assert_non_null(text);
	for (size_t i = 0; i < sizeof(patterns) / sizeof(*patterns); i++) {
		pair p;
		pair_open(&p, patterns[i]);
		memset(text, 'a', n);
		text[0] = 'x';
		compare(&p, text, n);
		compare(&p, text + 1, n - 1);
		compare(&p, text + 1, 65535);
		compare(&p, text + 1, 65536);
		text[n] = '7';
		compare(&p, text, n + 1);
		text[n + 1] = '7';
		compare(&p, text, n + 2);
		pair_close(&p);
	}
	free(text);
}

static void pattern__anything_beyond_a_simple_shape_is_left_to_pcre2(void **state)
{
	(void)state;
	static const char *const refused[] = {
		"a|b", "(ab)", "(?i)abc", "^a", "a$", ".", "a.c", "[^a]", "\\w", "\\s", "\\D", "\\x41",
		"\\Qa\\E", "a+?", "a++", "a*+", "a??", "a{2}?", "a{2}+", "a{,3}", "a{", "a{2", "a{x}",
		"a{2,1}", "a{65536}", "a{123456}", "a{2}{3}", "[a-c-e]", "[]a]", "[[:alpha:]]", "[a\\]]",
		"[a", "[z-a]", "[+--]", "a]", "a}", "+a", "*", "\xc3\xa9", "[\xc3\xa9]", "\t",
		/* a repeat that could take what follows it */
		"[A-Z]+[A-Z0-9]", "[0-9]?[0-9]", "\\d+\\d", "a*a", "a{1,2}[ab]", "[a-c]*x?[b-d]", "a+b?a",
		/* 33 atoms */
		"abcdefghijklmnopqrstuvwxyzABCDEFG",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		kpix_shape *sh = kpix_shape_compile(refused[i]);
		if (sh)
			fail_msg("the pattern %s was taken as a shape", refused[i]);
	}
}

static void pattern__a_pattern_of_32_atoms_is_a_shape(void **state)
{
	(void)state;
	pair p;
	pair_open(&p, "abcdefghijklmnopqrstuvwxyzABCDEF");
	assert_true(compare(&p, "abcdefghijklmnopqrstuvwxyzABCDEF", 32));
	assert_false(compare(&p, "abcdefghijklmnopqrstuvwxyzABCDE", 31));
	pair_close(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pattern__simple_shapes_say_what_pcre2_says),
		cmocka_unit_test(pattern__long_texts_are_matched_as_pcre2_does),
		cmocka_unit_test(pattern__anything_beyond_a_simple_shape_is_left_to_pcre2),
		cmocka_unit_test(pattern__a_pattern_of_32_atoms_is_a_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
