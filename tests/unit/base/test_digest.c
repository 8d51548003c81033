/* Unit tests of the SHA-256 helpers: the manifest of an export promises
 * each file's SHA-256, so the digests must be the published ones, the same
 * whether the bytes come at once, in pieces or from a file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "kpix/kpix.h"
#include "util.h"

/* Published test vectors (FIPS 180-2 examples and the usual empty string). */
#define SHA_EMPTY "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MSG_448 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define SHA_448 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define SHA_MILLION_A "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

static void digest__the_empty_string_hashes_to_the_published_value(void **state)
{
	(void)state;
	char hex[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_hex("", 0, hex);
	assert_string_equal(hex, SHA_EMPTY);
	kpix_sha256_hex(NULL, 0, hex);
	assert_string_equal(hex, SHA_EMPTY);
}

static void digest__abc_and_the_two_block_message_hash_to_the_published_values(void **state)
{
	(void)state;
	char hex[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, SHA_ABC);
	kpix_sha256_hex(MSG_448, strlen(MSG_448), hex);
	assert_string_equal(hex, SHA_448);
}

static void digest__a_million_a_given_in_uneven_pieces_hashes_to_the_published_value(void **state)
{
	(void)state;
	char a[997];
	memset(a, 'a', sizeof(a));
	kpix_sha256 h;
	kpix_sha256_init(&h);
	size_t left = 1000000, step = 1;
	while (left) {
		size_t n = step < left ? step : left;
		kpix_sha256_update(&h, a, n);
		left -= n;
		step = step % 900 + 13; /* 13..912 bytes: pieces that straddle block edges */
	}
	assert_int_equal(h.size, 1000000);
	char hex[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_final(&h, hex);
	assert_string_equal(hex, SHA_MILLION_A);
	assert_int_equal(h.size, 1000000);
}

static void digest__final_resets_the_hash_but_keeps_the_size(void **state)
{
	(void)state;
	kpix_sha256 h;
	char hex[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_init(&h);
	kpix_sha256_update(&h, "ab", 2);
	kpix_sha256_update(&h, "", 0);
	kpix_sha256_update(&h, "c", 1);
	kpix_sha256_final(&h, hex);
	assert_string_equal(hex, SHA_ABC);
	assert_int_equal(h.size, 3);
	kpix_sha256_final(&h, hex);
	assert_string_equal(hex, SHA_EMPTY);
	assert_int_equal(h.size, 3);
}

/* A fresh file under /tmp with the given bytes; the caller unlinks and
 * frees the returned path. */
static char *temp_file(const void *data, size_t len)
{
	char *path = kpix_xstrdup("/tmp/kpix-test-digest-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
	assert_int_equal(close(fd), 0);
	return path;
}

static void digest__a_file_of_several_megabytes_hashes_like_its_bytes(void **state)
{
	(void)state;
	/* 5 MiB plus a few bytes, not a multiple of the read chunk or block */
	size_t len = 5 * 1024 * 1024 + 12345;
	unsigned char *data = kpix_xmalloc(len);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		data[i] = (unsigned char)x;
	}
	char *path = temp_file(data, len);
	char want[KPIX_SHA256_HEX_SIZE], got[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_hex(data, len, want);
	uint64_t size = 0;
	assert_int_equal(kpix_sha256_file(path, got, &size), KPIX_OK);
	assert_string_equal(got, want);
	assert_int_equal(size, len);
	/* size is optional */
	assert_int_equal(kpix_sha256_file(path, got, NULL), KPIX_OK);
	assert_string_equal(got, want);
	unlink(path);
	free(path);
	free(data);
}

static void digest__an_empty_file_hashes_like_the_empty_string(void **state)
{
	(void)state;
	char *path = temp_file("", 0);
	char hex[KPIX_SHA256_HEX_SIZE];
	uint64_t size = 99;
	assert_int_equal(kpix_sha256_file(path, hex, &size), KPIX_OK);
	assert_string_equal(hex, SHA_EMPTY);
	assert_int_equal(size, 0);
	unlink(path);
	free(path);
}

static void digest__a_missing_file_is_an_io_error_naming_it(void **state)
{
	(void)state;
	char hex[KPIX_SHA256_HEX_SIZE] = "untouched";
	uint64_t size = 7;
	assert_int_equal(kpix_sha256_file("/nonexistent/kpix.csv", hex, &size), KPIX_EIO);
	assert_string_equal(kpix_error_last(),
	                    "cannot read '/nonexistent/kpix.csv': No such file or directory");
	assert_string_equal(hex, "untouched");
	assert_int_equal(size, 7);
}

static void digest__a_directory_is_an_io_error(void **state)
{
	(void)state;
	char hex[KPIX_SHA256_HEX_SIZE];
	assert_int_equal(kpix_sha256_file("/tmp", hex, NULL), KPIX_EIO);
	assert_string_equal(kpix_error_last(), "cannot read '/tmp': Is a directory");
}

static void digest__only_regular_files_may_be_inputs_a_manifest_records(void **state)
{
	(void)state;
	char *file = temp_file("a\n", 2);
	char *fifo = kpix_xasprintf("%s.fifo", file);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* files, a directory and a missing path pass: a reader reports the
	 * last two; NULLs are skipped */
	const char *fine[] = {file, NULL, "/tmp", "/nonexistent/kpix.csv"};
	assert_int_equal(kpix_require_regular_files(fine, 4, "an export"), KPIX_OK);
	const char *piped[] = {file, fifo};
	assert_int_equal(kpix_require_regular_files(piped, 2, "an export"), KPIX_EIO);
	char *want = kpix_xasprintf("cannot use '%s' for an export: it is a pipe, not a regular "
	                            "file; the manifest must name a file that 'kpix verify' can "
	                            "read again, so save the data to a file first",
	                            fifo);
	assert_string_equal(kpix_error_last(), want);
	const char *device[] = {"/dev/null"};
	assert_int_equal(kpix_require_regular_files(device, 1, "a board pack"), KPIX_EIO);
	assert_non_null(strstr(kpix_error_last(), "for a board pack: it is a device"));
	unlink(fifo);
	unlink(file);
	free(want);
	free(fifo);
	free(file);
}

int main(void)
{
#define T(f) cmocka_unit_test(f)
	const struct CMUnitTest tests[] = {
		T(digest__the_empty_string_hashes_to_the_published_value),
		T(digest__abc_and_the_two_block_message_hash_to_the_published_values),
		T(digest__a_million_a_given_in_uneven_pieces_hashes_to_the_published_value),
		T(digest__final_resets_the_hash_but_keeps_the_size),
		T(digest__a_file_of_several_megabytes_hashes_like_its_bytes),
		T(digest__an_empty_file_hashes_like_the_empty_string),
		T(digest__a_missing_file_is_an_io_error_naming_it),
		T(digest__a_directory_is_an_io_error),
		T(digest__only_regular_files_may_be_inputs_a_manifest_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
