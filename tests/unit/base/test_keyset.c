/* Unit tests of the key set: what the validator relies on to remember keys
 * across millions of rows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyset.h"

/* Values are read and written through the returned pointer, as the
 * validator does. */
static uint64_t get(const uint64_t *p)
{
	return *p;
}

static void put(uint64_t *p, uint64_t v)
{
	*p = v;
}

static uint64_t *upsert_str(kpix_keyset *ks, const char *key, bool *added)
{
	return kpix_keyset_upsert(ks, key, strlen(key), added);
}

static uint64_t *find_str(const kpix_keyset *ks, const char *key)
{
	return kpix_keyset_find(ks, key, strlen(key));
}

static void keyset__a_new_set_is_empty_and_finds_nothing(void **state)
{
	(void)state;
	kpix_keyset *ks = kpix_keyset_new();
	assert_int_equal(kpix_keyset_size(ks), 0);
	assert_null(find_str(ks, "RENT01"));
	assert_null(kpix_keyset_find(ks, "", 0));
	kpix_keyset_free(ks);
	kpix_keyset_free(NULL); /* allowed, like free() */
}

static void keyset__an_inserted_key_starts_at_zero_and_keeps_its_value(void **state)
{
	(void)state;
	kpix_keyset *ks = kpix_keyset_new();
	bool added = false;
	uint64_t *v = upsert_str(ks, "RENT01", &added);
	assert_non_null(v);
	assert_true(added);
	assert_int_equal(get(v), 0);
	put(v, UINT64_C(0xdeadbeefcafef00d));
	uint64_t *f = find_str(ks, "RENT01");
	assert_non_null(f);
	assert_true(f == v);
	assert_true(get(f) == UINT64_C(0xdeadbeefcafef00d));
	assert_int_equal(kpix_keyset_size(ks), 1);
	kpix_keyset_free(ks);
}

static void keyset__inserting_a_key_again_reports_a_duplicate_and_keeps_the_value(void **state)
{
	(void)state;
	kpix_keyset *ks = kpix_keyset_new();
	bool added = false;
	put(upsert_str(ks, "2025-26 Q2\x1fRENT01", &added), 12);
	assert_true(added);
	added = true;
	uint64_t *again = upsert_str(ks, "2025-26 Q2\x1fRENT01", &added);
	assert_false(added);
	assert_int_equal(get(again), 12);
	assert_int_equal(kpix_keyset_size(ks), 1);
	kpix_keyset_free(ks);
}

static void keyset__keys_that_differ_in_one_byte_or_in_length_are_distinct(void **state)
{
	(void)state;
	static const char *const keys[] = {"ab", "abc", "abd", "a", "b", "ABC", "abc "};
	const size_t n = sizeof(keys) / sizeof(keys[0]);
	kpix_keyset *ks = kpix_keyset_new();
	for (size_t i = 0; i < n; i++) {
		bool added = false;
		put(upsert_str(ks, keys[i], &added), i + 100);
		assert_true(added);
	}
	assert_int_equal(kpix_keyset_size(ks), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(get(find_str(ks, keys[i])), i + 100);
	assert_null(find_str(ks, "abcd"));
	assert_null(find_str(ks, "Ab"));
	kpix_keyset_free(ks);
}

static int org_key(char *buf, size_t n, uint64_t i)
{
	return snprintf(buf, n, "ORG%06llu", (unsigned long long)i);
}

/* Inserts N keys in the order i -> order(i), then checks every one. */
static void insert_and_find_all(uint64_t n, uint64_t (*order)(uint64_t i, uint64_t n))
{
	kpix_keyset *ks = kpix_keyset_new();
	char key[32];
	for (uint64_t i = 0; i < n; i++) {
		uint64_t k = order(i, n);
		int len = org_key(key, sizeof(key), k);
		bool added = false;
		uint64_t *v = kpix_keyset_upsert(ks, key, (size_t)len, &added);
		if (!added)
			fail_msg("key %s reported as a duplicate on first insert", key);
		put(v, k * 7 + 1);
	}
	assert_int_equal(kpix_keyset_size(ks), n);
	for (uint64_t k = 0; k < n; k++) {
		int len = org_key(key, sizeof(key), k);
		uint64_t *v = kpix_keyset_find(ks, key, (size_t)len);
		if (!v)
			fail_msg("key %s lost", key);
		assert_int_equal(get(v), k * 7 + 1);
	}
	/* inserting them again adds nothing */
	for (uint64_t k = 0; k < n; k += 997) {
		int len = org_key(key, sizeof(key), k);
		bool added = true;
		assert_int_equal(get(kpix_keyset_upsert(ks, key, (size_t)len, &added)), k * 7 + 1);
		assert_false(added);
	}
	assert_int_equal(kpix_keyset_size(ks), n);
	/* keys never inserted are absent: above, below and between */
	for (uint64_t k = n; k < n + 1000; k++) {
		int len = org_key(key, sizeof(key), k);
		assert_null(kpix_keyset_find(ks, key, (size_t)len));
	}
	assert_null(kpix_keyset_find(ks, "ORG", 3));
	assert_null(kpix_keyset_find(ks, "ORG0000005", 10));
	assert_null(kpix_keyset_find(ks, "A", 1));
	kpix_keyset_free(ks);
}

static uint64_t scrambled(uint64_t i, uint64_t n)
{
	return (i * 7919) % n; /* 7919 is prime and does not divide n: a permutation */
}

static uint64_t ascending(uint64_t i, uint64_t n)
{
	(void)n;
	return i;
}

static uint64_t descending(uint64_t i, uint64_t n)
{
	return n - 1 - i;
}

/* blocks of ascending keys, the blocks themselves in descending order */
static uint64_t sawtooth(uint64_t i, uint64_t n)
{
	uint64_t block = 1000, nblocks = n / block;
	return (nblocks - 1 - i / block) * block + i % block;
}

static void keyset__every_key_is_found_after_growing_to_300000_keys_in_any_order(void **state)
{
	(void)state;
	insert_and_find_all(300000, scrambled);
}

static void keyset__every_key_is_found_when_300000_keys_arrive_sorted(void **state)
{
	(void)state;
	insert_and_find_all(300000, ascending);
}

static void keyset__every_key_is_found_when_keys_arrive_in_reverse_order(void **state)
{
	(void)state;
	insert_and_find_all(100000, descending);
}

static void keyset__every_key_is_found_when_sorted_runs_restart(void **state)
{
	(void)state;
	insert_and_find_all(100000, sawtooth);
}

static void keyset__binary_keys_with_nul_bytes_are_compared_whole(void **state)
{
	(void)state;
	kpix_keyset *ks = kpix_keyset_new();
	bool added;
	put(kpix_keyset_upsert(ks, "a\0b", 3, &added), 1);
	assert_true(added);
	put(kpix_keyset_upsert(ks, "a\0c", 3, &added), 2);
	assert_true(added);
	put(kpix_keyset_upsert(ks, "a", 1, &added), 3);
	assert_true(added);
	put(kpix_keyset_upsert(ks, "\0\0", 2, &added), 4);
	assert_true(added);
	put(kpix_keyset_upsert(ks, "\0", 1, &added), 5);
	assert_true(added);
	assert_int_equal(kpix_keyset_size(ks), 5);
	assert_int_equal(get(kpix_keyset_find(ks, "a\0b", 3)), 1);
	assert_int_equal(get(kpix_keyset_find(ks, "a\0c", 3)), 2);
	assert_int_equal(get(kpix_keyset_find(ks, "a", 1)), 3);
	assert_int_equal(get(kpix_keyset_find(ks, "\0\0", 2)), 4);
	assert_int_equal(get(kpix_keyset_find(ks, "\0", 1)), 5);
	assert_null(kpix_keyset_find(ks, "a\0d", 3));
	assert_null(kpix_keyset_find(ks, "a\0", 2));
	kpix_keyset_free(ks);
}

static void keyset__the_empty_key_is_a_key_like_any_other(void **state)
{
	(void)state;
	kpix_keyset *ks = kpix_keyset_new();
	bool added = false;
	put(kpix_keyset_upsert(ks, "", 0, &added), 42);
	assert_true(added);
	kpix_keyset_upsert(ks, "", 0, &added);
	assert_false(added);
	upsert_str(ks, "x", &added);
	assert_true(added);
	assert_int_equal(kpix_keyset_size(ks), 2);
	assert_int_equal(get(kpix_keyset_find(ks, "", 0)), 42);
	/* only len bytes count: any pointer with length 0 is the empty key */
	assert_int_equal(get(kpix_keyset_find(ks, "\0", 0)), 42);
	kpix_keyset_free(ks);
}

typedef struct {
	size_t n;
	size_t lens[8];
	unsigned char first[8];
	unsigned char last[8];
	uint64_t values[8];
} long_seen;

static void record_long(void *ctx, const void *key, size_t len, uint64_t value)
{
	long_seen *s = ctx;
	if (s->n < 8) {
		s->lens[s->n] = len;
		s->first[s->n] = len ? ((const unsigned char *)key)[0] : 0;
		s->last[s->n] = len ? ((const unsigned char *)key)[len - 1] : 0;
		s->values[s->n] = value;
	}
	s->n++;
}

/* keyset.h: "at most 65535 bytes are kept (longer keys are hashed whole and
 * compared on their first 65535 bytes)". */
static void keyset__a_key_longer_than_65535_bytes_is_found_and_kept_as_its_first_65535(void **state)
{
	(void)state;
	enum { LONG = 70000 };
	unsigned char *key = malloc(LONG);
	assert_non_null(key);
	for (size_t i = 0; i < LONG; i++)
		key[i] = (unsigned char)('a' + i % 26);
	kpix_keyset *ks = kpix_keyset_new();
	bool added = false;
	put(kpix_keyset_upsert(ks, key, LONG, &added), 77);
	assert_true(added);
	kpix_keyset_upsert(ks, key, LONG, &added);
	assert_false(added);
	uint64_t *v = kpix_keyset_find(ks, key, LONG);
	assert_non_null(v);
	assert_int_equal(get(v), 77);
	/* a second long key with other bytes is a key of its own */
	key[0] = 'Z';
	put(kpix_keyset_upsert(ks, key, LONG, &added), 78);
	assert_true(added);
	assert_int_equal(get(kpix_keyset_find(ks, key, LONG)), 78);
	key[0] = 'a';
	assert_int_equal(get(kpix_keyset_find(ks, key, LONG)), 77);
	assert_int_equal(kpix_keyset_size(ks), 2);

	long_seen seen = {0};
	kpix_keyset_each(ks, record_long, &seen);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.lens[0], 65535);
	assert_int_equal(seen.first[0], 'a');
	assert_int_equal(seen.last[0], key[65534]);
	assert_int_equal(seen.values[0], 77);
	assert_int_equal(seen.lens[1], 65535);
	assert_int_equal(seen.first[1], 'Z');
	assert_int_equal(seen.values[1], 78);
	kpix_keyset_free(ks);
	free(key);
}

static void keyset__a_key_longer_than_65535_bytes_is_still_found_after_the_set_grows(void **state)
{
	(void)state;
	enum { LONG = 70000 };
	unsigned char *key = malloc(LONG);
	assert_non_null(key);
	memset(key, 'k', LONG);
	kpix_keyset *ks = kpix_keyset_new();
	bool added = false;
	/* keys that do not arrive in increasing order are hashed: "zzz" first
	 * makes the long key and the 5,000 after it go to the hash table, which
	 * must grow several times */
	upsert_str(ks, "zzz", &added);
	put(kpix_keyset_upsert(ks, key, LONG, &added), 5);
	assert_true(added);
	char small[16];
	for (int i = 0; i < 5000; i++) {
		int len = snprintf(small, sizeof(small), "k%d", (i * 7919) % 5000);
		kpix_keyset_upsert(ks, small, (size_t)len, &added);
		assert_true(added);
	}
	uint64_t *v = kpix_keyset_find(ks, key, LONG);
	assert_non_null(v);
	assert_int_equal(get(v), 5);
	kpix_keyset_upsert(ks, key, LONG, &added);
	assert_false(added);
	assert_int_equal(kpix_keyset_size(ks), 5002);
	kpix_keyset_free(ks);
	free(key);
}

static void keyset__value_pointers_are_aligned_for_uint64_t(void **state)
{
	/* keys whose entry would end 4 bytes short of an 8-byte boundary (key
	 * lengths 0-2, 7-10, ...) once made the next value misaligned, which the
	 * sanitizer build stops on */
	(void)state;
	kpix_keyset *ks = kpix_keyset_new();
	static const char *const keys[] = {"", "ab", "abcdefg", "abcdefghij", "x", "RENT01", "RP02(1)"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		bool added;
		uint64_t *v = upsert_str(ks, keys[i], &added);
		assert_int_equal((uintptr_t)v % _Alignof(uint64_t), 0);
		assert_int_equal((uintptr_t)find_str(ks, keys[i]) % _Alignof(uint64_t), 0);
	}
	kpix_keyset_free(ks);
}

typedef struct {
	size_t n;
	int bad; /* index of the first entry visited out of order, -1 if none */
	size_t bytes;
} order_check;

static void check_order(void *ctx, const void *key, size_t len, uint64_t value)
{
	order_check *c = ctx;
	char want[32];
	int wl = snprintf(want, sizeof(want), "K%zu", c->n);
	bool ok = (size_t)wl == len && memcmp(want, key, len) == 0 && value == c->n * 3;
	if (!ok && c->bad < 0)
		c->bad = (int)c->n;
	c->n++;
	c->bytes += len;
}

static void keyset__each_visits_keys_in_insertion_order_with_their_values(void **state)
{
	(void)state;
	enum { N = 200000 }; /* enough entries to fill several internal chunks */
	kpix_keyset *ks = kpix_keyset_new();
	char key[32];
	for (size_t i = 0; i < N; i++) {
		int len = snprintf(key, sizeof(key), "K%zu", i);
		bool added;
		put(kpix_keyset_upsert(ks, key, (size_t)len, &added), i * 3);
	}
	/* a duplicate does not add a second visit */
	bool added;
	put(kpix_keyset_upsert(ks, "K5", 2, &added), 15);
	assert_false(added);
	order_check c = {0, -1, 0};
	kpix_keyset_each(ks, check_order, &c);
	assert_int_equal(c.n, N);
	assert_int_equal(c.bad, -1);
	kpix_keyset_free(ks);
}

static void keyset__each_crosses_chunks_of_large_keys_in_order(void **state)
{
	(void)state;
	/* 40 keys of 60,000 bytes need more than one 1 MiB chunk */
	enum { N = 40, LEN = 60000 };
	unsigned char *key = malloc(LEN);
	assert_non_null(key);
	kpix_keyset *ks = kpix_keyset_new();
	for (size_t i = 0; i < N; i++) {
		memset(key, (int)('A' + i), LEN);
		bool added;
		put(kpix_keyset_upsert(ks, key, LEN, &added), i);
		assert_true(added);
	}
	long_seen seen = {0};
	kpix_keyset_each(ks, record_long, &seen);
	assert_int_equal(seen.n, N);
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(seen.lens[i], LEN);
		assert_int_equal(seen.first[i], 'A' + i);
		assert_int_equal(seen.last[i], 'A' + i);
		assert_int_equal(seen.values[i], i);
	}
	for (size_t i = 0; i < N; i++) {
		memset(key, (int)('A' + i), LEN);
		assert_int_equal(get(kpix_keyset_find(ks, key, LEN)), i);
	}
	kpix_keyset_free(ks);
	free(key);
}

static void count_visit(void *ctx, const void *key, size_t len, uint64_t value)
{
	(void)key;
	(void)len;
	(void)value;
	(*(size_t *)ctx)++;
}

static void keyset__each_on_an_empty_set_visits_nothing(void **state)
{
	(void)state;
	kpix_keyset *ks = kpix_keyset_new();
	size_t n = 0;
	kpix_keyset_each(ks, count_visit, &n);
	assert_int_equal(n, 0);
	kpix_keyset_free(ks);
}

/* keyset.h: "a million integer keys fit in about 40 MB". */
static void keyset__a_million_integer_keys_fit_in_about_40_mb(void **state)
{
	(void)state;
	kpix_keyset *ks = kpix_keyset_new();
	for (uint64_t i = 0; i < 1000000; i++) {
		bool added;
		kpix_keyset_upsert(ks, &i, sizeof(i), &added);
	}
	assert_int_equal(kpix_keyset_size(ks), 1000000);
	size_t mem = kpix_keyset_memory(ks);
	assert_true(mem > (size_t)20 * 1000 * 1000); /* 8-byte keys are stored, not just counted */
	assert_true(mem <= (size_t)44 * 1000 * 1000);
	kpix_keyset_free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keyset__a_new_set_is_empty_and_finds_nothing),
		cmocka_unit_test(keyset__an_inserted_key_starts_at_zero_and_keeps_its_value),
		cmocka_unit_test(keyset__inserting_a_key_again_reports_a_duplicate_and_keeps_the_value),
		cmocka_unit_test(keyset__keys_that_differ_in_one_byte_or_in_length_are_distinct),
		cmocka_unit_test(keyset__every_key_is_found_after_growing_to_300000_keys_in_any_order),
		cmocka_unit_test(keyset__every_key_is_found_when_300000_keys_arrive_sorted),
		cmocka_unit_test(keyset__every_key_is_found_when_keys_arrive_in_reverse_order),
		cmocka_unit_test(keyset__every_key_is_found_when_sorted_runs_restart),
		cmocka_unit_test(keyset__binary_keys_with_nul_bytes_are_compared_whole),
		cmocka_unit_test(keyset__the_empty_key_is_a_key_like_any_other),
		cmocka_unit_test(keyset__a_key_longer_than_65535_bytes_is_found_and_kept_as_its_first_65535),
		cmocka_unit_test(keyset__a_key_longer_than_65535_bytes_is_still_found_after_the_set_grows),
		cmocka_unit_test(keyset__value_pointers_are_aligned_for_uint64_t),
		cmocka_unit_test(keyset__each_visits_keys_in_insertion_order_with_their_values),
		cmocka_unit_test(keyset__each_crosses_chunks_of_large_keys_in_order),
		cmocka_unit_test(keyset__each_on_an_empty_set_visits_nothing),
		cmocka_unit_test(keyset__a_million_integer_keys_fit_in_about_40_mb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
