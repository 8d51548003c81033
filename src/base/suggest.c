/* suggest.c - the nearest known words; see suggest.h. */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "kpix/kpix.h"

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;
	return m < c ? m : c;
}

size_t kpix_edit_distance(const char *a, size_t alen, const char *b, size_t blen, size_t limit)
{
	size_t gap = alen > blen ? alen - blen : blen - alen;
	if (gap > limit)
		return limit + 1;
	/* three rows of the optimal-string-alignment table: i - 2, i - 1, i */
	size_t *row = kpix_xcalloc(3 * (blen + 1), sizeof(size_t));
	size_t *two = row, *one = row + blen + 1, *cur = row + 2 * (blen + 1);
	for (size_t j = 0; j <= blen; j++)
		one[j] = j;
	for (size_t i = 1; i <= alen; i++) {
		cur[0] = i;
		size_t best = cur[0];
		unsigned char ai = fold((unsigned char)a[i - 1]);
		for (size_t j = 1; j <= blen; j++) {
			unsigned char bj = fold((unsigned char)b[j - 1]);
			size_t d = min3(one[j] + 1, cur[j - 1] + 1, one[j - 1] + (ai != bj));
			if (i > 1 && j > 1 && ai == fold((unsigned char)b[j - 2]) &&
			    fold((unsigned char)a[i - 2]) == bj && two[j - 2] + 1 < d)
				d = two[j - 2] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > limit) {
			free(row);
			return limit + 1;
		}
		size_t *t = two;
		two = one;
		one = cur;
		cur = t;
	}
	size_t d = one[blen];
	free(row);
	return d > limit ? limit + 1 : d;
}

size_t kpix_suggest(kpix_buf *out, const char *word, size_t len, const char *const *cands,
                    size_t n)
{
	enum { MOST = 3 };
	size_t limit = len <= 3 ? 1 : len <= 8 ? 2 : 3;
	size_t pick[MOST], npick = 0, best = limit + 1;
	for (size_t i = 0; i < n; i++) {
		size_t clen = strlen(cands[i]);
		if (clen == len && memcmp(cands[i], word, len) == 0)
			continue;
		size_t d = kpix_edit_distance(word, len, cands[i], clen, best < limit ? best : limit);
		if (d > limit || d > best)
			continue;
		if (d < best) {
			best = d;
			npick = 0;
		}
		if (npick < MOST)
			pick[npick++] = i;
	}
	const char *words[MOST];
	for (size_t k = 0; k < npick; k++)
		words[k] = cands[pick[k]];
	kpix_quote_words(out, words, npick);
	return npick;
}

char *kpix_did_you_mean(const char *word, const char *const *cands, size_t n)
{
	kpix_buf b = KPIX_BUF_INIT;
	if (!kpix_suggest(&b, word, strlen(word), cands, n))
		kpix_buf_adds(&b, "");
	return kpix_buf_detach(&b);
}

void kpix_quote_words(kpix_buf *out, const char *const *words, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (k)
			kpix_buf_adds(out, k + 1 == n ? " or " : ", ");
		kpix_buf_printf(out, "'%s'", words[k]);
	}
}
