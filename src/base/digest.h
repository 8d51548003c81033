/* digest.h - SHA-256 of files and of bytes, as lowercase hex, for the
 * manifest an export writes beside its files. The hashing itself is
 * nettle's; this module only reads files and formats the result. */
#ifndef KPIX_DIGEST_H
#define KPIX_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

/* Bytes of a hex SHA-256 with its terminating NUL. */
#define KPIX_SHA256_HEX_SIZE 65

/* A SHA-256 computed in pieces, counting the bytes it was given. The
 * fields are visible so the struct can live on the stack or inside another;
 * read size, but change neither field except through the functions. */
typedef struct {
	struct sha256_ctx ctx;
	uint64_t size;
} kpix_sha256;

void kpix_sha256_init(kpix_sha256 *h);
void kpix_sha256_update(kpix_sha256 *h, const void *p, size_t n);
/* Writes the digest of everything given since init as 64 lowercase hex
 * digits and a NUL. h->size still holds the byte count afterwards. The
 * hash context is reset by nettle but size is not: call init before
 * hashing another message. */
void kpix_sha256_final(kpix_sha256 *h, char hex[KPIX_SHA256_HEX_SIZE]);

/* The hex SHA-256 of len bytes at data (data may be NULL when len is 0). */
void kpix_sha256_hex(const void *data, size_t len, char hex[KPIX_SHA256_HEX_SIZE]);

/* The hex SHA-256 of a file's bytes and its size in bytes (size may be
 * NULL). Returns 0, or KPIX_EIO with "cannot read 'PATH': REASON" when the
 * file cannot be opened or read (a directory cannot be read); hex and size
 * are then left as they were. */
int kpix_sha256_file(const char *path, char hex[KPIX_SHA256_HEX_SIZE], uint64_t *size);

/* The same for an open file descriptor, read from its current offset to
 * its end; path only names the file in the message. fd stays open. */
int kpix_sha256_fd(int fd, const char *path, char hex[KPIX_SHA256_HEX_SIZE], uint64_t *size);

/* Refuses inputs whose bytes a manifest will record (for, a phrase such as
 * "an export"): each of the n paths (NULL ones skipped) must be a regular
 * file, which kpix verify can read again later. A pipe (such as the
 * shell's <(...) gives), a socket or a device is KPIX_EIO with the reason.
 * A directory, or a path that cannot be looked at, passes, for whoever
 * opens it to report. */
int kpix_require_regular_files(const char *const *paths, size_t n, const char *for_what);

#endif
