/* digest.c - SHA-256 over nettle; see digest.h. */
#include "digest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpix/kpix.h"
#include "util.h"

#define CHUNK (64 * 1024)

void kpix_sha256_init(kpix_sha256 *h)
{
	sha256_init(&h->ctx);
	h->size = 0;
}

void kpix_sha256_update(kpix_sha256 *h, const void *p, size_t n)
{
	if (n == 0)
		return;
	sha256_update(&h->ctx, n, p);
	h->size += n;
}

void kpix_sha256_final(kpix_sha256 *h, char hex[KPIX_SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t d[SHA256_DIGEST_SIZE];
	sha256_digest(&h->ctx, sizeof(d), d);
	for (size_t i = 0; i < sizeof(d); i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[2 * sizeof(d)] = '\0';
}

void kpix_sha256_hex(const void *data, size_t len, char hex[KPIX_SHA256_HEX_SIZE])
{
	kpix_sha256 h;
	kpix_sha256_init(&h);
	kpix_sha256_update(&h, data, len);
	kpix_sha256_final(&h, hex);
}

int kpix_sha256_fd(int fd, const char *path, char hex[KPIX_SHA256_HEX_SIZE], uint64_t *size)
{
	unsigned char *buf = kpix_xmalloc(CHUNK);
	kpix_sha256 h;
	kpix_sha256_init(&h);
	int err = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0)
			break;
		kpix_sha256_update(&h, buf, (size_t)n);
	}
	free(buf);
	if (err)
		return kpix_fail(KPIX_EIO, "cannot read '%s': %s", path, strerror(err));
	kpix_sha256_final(&h, hex);
	if (size)
		*size = h.size;
	return KPIX_OK;
}

int kpix_sha256_file(const char *path, char hex[KPIX_SHA256_HEX_SIZE], uint64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kpix_fail(KPIX_EIO, "cannot read '%s': %s", path, strerror(errno));
	int rc = kpix_sha256_fd(fd, path, hex, size);
	close(fd);
	return rc;
}

int kpix_require_regular_files(const char *const *paths, size_t n, const char *for_what)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		/* a directory is left to the reader too: it cannot be read at all */
		const char *kind;
		if (!paths[i] || stat(paths[i], &st) != 0 || !(kind = kpix_odd_file_kind(st.st_mode)))
			continue;
		return kpix_fail(KPIX_EIO,
		                 "cannot use '%s' for %s: it is %s, not a regular file; the "
		                 "manifest must name a file that 'kpix verify' can read again, so "
		                 "save the data to a file first",
		                 paths[i], for_what, kind);
	}
	return KPIX_OK;
}
