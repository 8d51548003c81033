/* suggest.h - "did you mean": the known words nearest to a mistyped one.
 *
 * Used wherever a name must be one of a known set (indicator codes, list
 * values, data point names, schema keywords), so that a slip such as
 * RENTO1 for RENT01 or dueln for dueIn is answered with the word meant. */
#ifndef KPIX_SUGGEST_H
#define KPIX_SUGGEST_H

#include <stddef.h>

#include "util.h"

/* How many edits (a character added, removed or changed, or two
 * neighbours swapped, letters compared without case) turn a into b, or
 * limit + 1 when it is more than limit. */
size_t kpix_edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t limit);

/* Appends to out the candidates nearest to the len bytes at word, quoted
 * and joined as a sentence says them ("'A'", "'A' or 'B'", "'A', 'B' or
 * 'C'"): those at the smallest distance, at most three, in the order
 * given, and only when that distance is small for the word's length (one
 * edit for up to 3 characters, two up to 8, three beyond). A candidate
 * equal to word is not suggested. Returns how many were appended. */
size_t kpix_suggest(kpix_buf *out, const char *word, size_t len, const char *const *cands,
                    size_t n);

/* Appends the n words, quoted and joined as kpix_suggest joins them. */
void kpix_quote_words(kpix_buf *out, const char *const *words, size_t n);

#endif
