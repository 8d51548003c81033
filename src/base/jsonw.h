/* jsonw.h - a streaming JSON writer: the documents kpix writes for programs
 * (a validation report, csv-dump's records) are written value by value,
 * without building a tree first.
 *
 * The layout is jansson's, byte for byte, so that what kpix wrote with
 * json_dumpf before stays the same: with an indent, each member and element
 * on a line of its own, indented by depth, ": " after a key and "[]" or
 * "{}" for an empty container; with none (compact), no space at all.
 * Strings are written as UTF-8, with '"', '\\' and the control characters
 * escaped (\n, \t and the like, else \u00XX); a byte that does not start a
 * valid UTF-8 character is written as U+FFFD, so the document is always
 * valid JSON. The writer does not check that keys and values alternate:
 * the caller writes a well-formed document. */
#ifndef KPIX_JSONW_H
#define KPIX_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct kpix_jsonw kpix_jsonw;

/* A writer to out, or, when out is NULL, into memory (kpix_jsonw_text).
 * indent is the spaces per level, 0 for the compact layout. Free it with
 * kpix_jsonw_free. */
kpix_jsonw *kpix_jsonw_new(FILE *out, unsigned indent);

/* From now on, writes every character beyond ASCII as "\uXXXX" (a UTF-16
 * pair of them beyond U+FFFF, U+FFFD for a byte that is not UTF-8), as
 * jansson's JSON_ENSURE_ASCII does: the layout of manifest.json. */
void kpix_jsonw_ascii(kpix_jsonw *w);

/* Opens an object or an array, as a value (of a key, in an array, or the
 * document itself); kpix_jsonw_end closes the one opened last. */
void kpix_jsonw_object(kpix_jsonw *w);
void kpix_jsonw_array(kpix_jsonw *w);
void kpix_jsonw_end(kpix_jsonw *w);

/* The key of the next member of the object open. */
void kpix_jsonw_key(kpix_jsonw *w, const char *key);

/* Values. kpix_jsonw_string writes null for NULL. */
void kpix_jsonw_string(kpix_jsonw *w, const char *s);
void kpix_jsonw_stringn(kpix_jsonw *w, const char *s, size_t len);
void kpix_jsonw_int(kpix_jsonw *w, int64_t v);
void kpix_jsonw_bool(kpix_jsonw *w, bool v);
void kpix_jsonw_null(kpix_jsonw *w);

/* A member of the object open: its key, then its value, as
 * kpix_jsonw_key and kpix_jsonw_string or kpix_jsonw_int write them. */
void kpix_jsonw_member_string(kpix_jsonw *w, const char *key, const char *s);
void kpix_jsonw_member_int(kpix_jsonw *w, const char *key, int64_t v);

/* Raw text, such as the newline after a document. */
void kpix_jsonw_raw(kpix_jsonw *w, const char *s);

/* Writes out what is still held. Returns 0, or KPIX_EIO when a write to
 * out failed (now or before). Memory writers always return 0. */
int kpix_jsonw_finish(kpix_jsonw *w);

/* What a memory writer holds, NUL-terminated; *len its length. Owned by
 * the writer. */
const char *kpix_jsonw_text(const kpix_jsonw *w, size_t *len);

/* NULL-safe; does not close out. */
void kpix_jsonw_free(kpix_jsonw *w);

#endif
