/* util.h - the small shared pieces every module of the library uses:
 * the last-error message, a growable byte buffer, an arena, hashing, and
 * a matcher for patterns of a simple shape. */
#ifndef KPIX_UTIL_H
#define KPIX_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>

#if defined(__GNUC__)
#define KPIX_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KPIX_PRINTF(f, a)
#endif

/* Marks a function for a path rarely taken: kept out of line, so that the
 * common path that calls it stays short. */
#if defined(__GNUC__)
#define KPIX_COLD __attribute__((cold, noinline))
#else
#define KPIX_COLD
#endif

/* Keeps a function out of line without calling it rare: for a path that is
 * not the common one but can still run once a row, which cold code (built
 * for size, with nothing inlined into it) would slow down. */
#if defined(__GNUC__)
#define KPIX_NOINLINE __attribute__((noinline))
#else
#define KPIX_NOINLINE
#endif

/* Sets the message kpix_error_last() returns and returns code, so that a
 * failure reads: return kpix_fail(KPIX_EIO, "cannot open '%s': %s", ...). */
int kpix_fail(int code, const char *fmt, ...) KPIX_PRINTF(2, 3);
void kpix_error_clear(void);

/* Allocation that cannot return NULL: out of memory calls
 * kpix_out_of_memory, which does not return, since no caller of kpix can
 * do better and every path stays simple. */
void *kpix_xmalloc(size_t n);
void *kpix_xcalloc(size_t n, size_t size);
void *kpix_xrealloc(void *p, size_t n);
char *kpix_xstrdup(const char *s);
char *kpix_xstrndup(const char *s, size_t n);
char *kpix_xasprintf(const char *fmt, ...) KPIX_PRINTF(1, 2);

/* What every allocation of the library that fails does: calls the hook of
 * kpix_set_out_of_memory (kpix.h) with the size asked for, then, if there
 * is none or it returned, abort(). Prints nothing. */
_Noreturn void kpix_out_of_memory(size_t n);

/* A growable byte buffer. Invariants: data is NULL when cap is 0; otherwise
 * len < cap and data[len] == '\0', so data is always a C string when not
 * NULL (the bytes themselves may contain NULs). */
typedef struct {
	char *data;
	size_t len;
	size_t cap;
} kpix_buf;

#define KPIX_BUF_INIT {NULL, 0, 0}

void kpix_buf_grow(kpix_buf *b, size_t extra);
void kpix_buf_add(kpix_buf *b, const void *data, size_t len);
void kpix_buf_adds(kpix_buf *b, const char *s);
void kpix_buf_addc(kpix_buf *b, char c);
void kpix_buf_printf(kpix_buf *b, const char *fmt, ...) KPIX_PRINTF(2, 3);

/* Appends the text of one {name} of a message to out and returns true, or
 * returns false (appending nothing) for a name it does not know. */
typedef bool (*kpix_put_name_fn)(void *ctx, const char *name, size_t len, kpix_buf *out);

/* Writes a message template into out (cleared first) with each "{name}"
 * replaced as put says; an unknown name, and a '{' with no '}' after it,
 * stay as written. The one expander of the schema's messages. */
void kpix_expand_names(kpix_buf *out, const char *tmpl, kpix_put_name_fn put, void *ctx);
void kpix_buf_vprintf(kpix_buf *b, const char *fmt, va_list ap);
/* Empties b, keeping its memory; inline, as it is done for every row. */
static inline void kpix_buf_clear(kpix_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}
/* Returns the contents (never NULL; "" when empty) and leaves b empty. */
char *kpix_buf_detach(kpix_buf *b);
void kpix_buf_free(kpix_buf *b);

/* An arena: many small allocations freed at once. Blocks are chained; a
 * single allocation larger than the block size gets a block of its own. */
typedef struct kpix_arena_block kpix_arena_block;
typedef struct {
	kpix_arena_block *head;
	size_t block_size;
	size_t total;
} kpix_arena;

void kpix_arena_init(kpix_arena *a, size_t block_size);
void *kpix_arena_alloc(kpix_arena *a, size_t n);
char *kpix_arena_strndup(kpix_arena *a, const char *s, size_t n);
void kpix_arena_free(kpix_arena *a);

/* A fast, well-mixed 64-bit hash of a byte string (not cryptographic). */
uint64_t kpix_hash(const void *data, size_t len, uint64_t seed);

/* True when the bytes are valid UTF-8 (overlong forms and surrogates are
 * invalid). */
bool kpix_utf8_valid(const char *s, size_t len);

/* The offset of the first byte that does not start a valid UTF-8
 * character (by the rules of kpix_utf8_valid), or len when all are valid. */
size_t kpix_utf8_invalid_at(const char *s, size_t len);

/* A pattern of a simple shape: a sequence of ASCII characters and ASCII
 * classes ([A-Z0-9], \d), each taken once or repeated ({n}, {n,m}, {n,},
 * ?, * or +), where no repeat can take a character that what follows it
 * could take. Such codes as "ENT[0-9]{4}" or "[A-Z]{2}[0-9]+" are matched
 * by one pass over the text, with no regex engine and no backtracking. */
typedef struct kpix_shape kpix_shape;

/* The pattern as a shape, or NULL when it is not one (or uses anything
 * beyond the plain syntax above), so that it must be left to PCRE2. For a
 * shape, kpix_shape_match says what PCRE2 says of the pattern compiled
 * with PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED. */
kpix_shape *kpix_shape_compile(const char *pattern);

/* True when the whole of s (UTF-8, len bytes) matches the shape. */
bool kpix_shape_match(const kpix_shape *sh, const char *s, size_t len);

void kpix_shape_free(kpix_shape *sh);

/* What a path that is not a regular file or a directory is, for a message:
 * "a pipe", "a socket" or "a device", from stat's st_mode; NULL for a
 * regular file or a directory, which the callers let through. */
const char *kpix_odd_file_kind(unsigned mode);

/* The file name at the end of path: what follows its last '/', or path
 * itself when it has none. A pointer into path. */
const char *kpix_base_name(const char *path);

/* Copies len bytes (len at most 16) from src to dst, which do not overlap:
 * for the many short keys and cells on the hot path, fixed-size copies of
 * 8, 4 or 1 bytes, overlapping where needed, cost less than a call to
 * memcpy. Copies nothing when len is 0 (src may then be NULL). */
static inline void kpix_copy_short(void *dst, const void *src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (len >= 8) {
		memcpy(d, s, 8);
		memcpy(d + len - 8, s + len - 8, 8);
	} else if (len >= 4) {
		memcpy(d, s, 4);
		memcpy(d + len - 4, s + len - 4, 4);
	} else if (len > 0) {
		d[0] = s[0];
		d[len / 2] = s[len / 2];
		d[len - 1] = s[len - 1];
	}
}

#endif
