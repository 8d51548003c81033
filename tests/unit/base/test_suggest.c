/* test_suggest.c - "did you mean": the nearest known words. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

static size_t dist(const char *a, const char *b)
{
	return kpix_edit_distance(a, strlen(a), b, strlen(b), 10);
}

static void suggest__distance_counts_adds_removes_changes_and_swaps(void **state)
{
	(void)state;
	assert_int_equal(dist("RENT01", "RENT01"), 0);
	assert_int_equal(dist("RENTO1", "RENT01"), 1);   /* a letter O for a zero */
	assert_int_equal(dist("valdate", "validate"), 1);
	assert_int_equal(dist("quartely", "quarterly"), 1);
	assert_int_equal(dist("reqiured", "required"), 1); /* two letters swapped */
	assert_int_equal(dist("rep01", "REP01"), 0);      /* letters compared without case */
	assert_int_equal(dist("", "abc"), 3);
	assert_int_equal(dist("kitten", "sitting"), 3);
	/* past the limit the answer is limit + 1, however far */
	assert_int_equal(kpix_edit_distance("abcdefgh", 8, "zyxwvuts", 8, 2), 3);
	assert_int_equal(kpix_edit_distance("a", 1, "abcdefgh", 8, 2), 3);
}

static const char *suggest(const char *word, const char *const *cands, size_t n, size_t *count)
{
	static char text[200];
	kpix_buf b = KPIX_BUF_INIT;
	*count = kpix_suggest(&b, word, strlen(word), cands, n);
	snprintf(text, sizeof(text), "%s", b.data ? b.data : "");
	kpix_buf_free(&b);
	return text;
}

static void suggest__names_the_nearest_candidates_in_their_order(void **state)
{
	(void)state;
	const char *const codes[] = {"RENT01", "RENT02", "VOID01", "REP01", "TP01_VS_LCRA",
	                             "TP01_VS_LCHO", "TP01_FS_LCRA"};
	size_t n = sizeof(codes) / sizeof(codes[0]), k;
	assert_string_equal(suggest("RENTO1", codes, n, &k), "'RENT01'");
	assert_int_equal(k, 1);
	/* ties are all named, in the order given */
	assert_string_equal(suggest("RENT0", codes, n, &k), "'RENT01' or 'RENT02'");
	assert_string_equal(suggest("TP01_VS_LCXX", codes, n, &k), "'TP01_VS_LCRA' or 'TP01_VS_LCHO'");
	assert_string_equal(suggest("tp01_vs_lcra", codes, n, &k), "'TP01_VS_LCRA'");
	/* nothing near: nothing said */
	assert_string_equal(suggest("ARREARS", codes, n, &k), "");
	assert_int_equal(k, 0);
	/* the word itself is not suggested back */
	const char *const one[] = {"REP01"};
	assert_string_equal(suggest("REP01", one, 1, &k), "");
	const char *const many[] = {"ab1", "ab2", "ab3", "ab4"};
	assert_string_equal(suggest("ab", many, 4, &k), "'ab1', 'ab2' or 'ab3'");
	assert_int_equal(k, 3);
}

static void suggest__short_words_allow_fewer_edits(void **state)
{
	(void)state;
	const char *const words[] = {"Yes", "No"};
	size_t k;
	assert_string_equal(suggest("yes", words, 2, &k), "'Yes'");
	assert_string_equal(suggest("Ye", words, 2, &k), "'Yes'");
	assert_string_equal(suggest("N", words, 2, &k), "'No'");
	/* a different answer is not a slip */
	assert_string_equal(suggest("Maybe", words, 2, &k), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(suggest__distance_counts_adds_removes_changes_and_swaps),
		cmocka_unit_test(suggest__names_the_nearest_candidates_in_their_order),
		cmocka_unit_test(suggest__short_words_allow_fewer_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
