/* fuzz_expr.c - the rule-expression parser and evaluator (src/schema/expr.h).
 *
 * Input: the expression on the first line; each further line is the value
 * of one name, in the order of the names below (names[]): empty for null, "true" or
 * "false" for a boolean, a number when strtod reads the whole line, and
 * text otherwise. Text is handed over in a buffer of exactly its length,
 * not NUL-terminated, as a cell's slice would be, so that a read past its
 * end is caught. A failed compilation must say what and where; an
 * evaluation must give a value of a known kind, and the same value when it
 * is evaluated again. */
#define _GNU_SOURCE
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "fuzz.h"

static const char *const names[] = {"value", "numerator", "denominator", "period",
                                    "tenure", "indicator", "ind.decimals", "prev.value",
                                    "Field with space", "notes"};
#define NNAMES (sizeof names / sizeof names[0])

/* Each of the names above is its own slot; any other name shares one
 * (chosen by its bytes), so that the schemas' rules, which name fields and
 * ind.* attributes of their own, compile and run, except a name that holds
 * "unknown", which is refused as a schema refuses a name it lacks. */
static int resolve(void *ctx, const char *name, size_t len)
{
	(void)ctx;
	for (size_t i = 0; i < NNAMES; i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return (int)i;
	if (memmem(name, len, "unknown", 7))
		return -1;
	unsigned sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)name[i];
	return (int)(sum % NNAMES);
}

static kpix_val parse_value(const char *s, size_t len, char **owned)
{
	kpix_val v = {KPIX_VAL_NULL, false, 0.0, NULL, 0};
	*owned = NULL;
	if (len == 0)
		return v;
	if ((len == 4 && memcmp(s, "true", 4) == 0) || (len == 5 && memcmp(s, "false", 5) == 0)) {
		v.kind = KPIX_VAL_BOOL;
		v.b = len == 4;
		return v;
	}
	char *text = malloc(len + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, s, len);
	text[len] = '\0';
	char *end;
	double d = strtod(text, &end);
	if (end == text + len && strlen(text) == len) {
		free(text);
		v.kind = KPIX_VAL_NUMBER;
		v.num = d;
		return v;
	}
	memcpy(text, s, len); /* exactly len bytes: no NUL is promised */
	char *exact = realloc(text, len);
	*owned = exact ? exact : text;
	v.kind = KPIX_VAL_STRING;
	v.str = *owned;
	v.len = len;
	return v;
}

static bool same_value(const kpix_val *a, const kpix_val *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case KPIX_VAL_NULL:
		return true;
	case KPIX_VAL_BOOL:
		return a->b == b->b;
	case KPIX_VAL_NUMBER:
		return (isnan(a->num) && isnan(b->num)) || memcmp(&a->num, &b->num, sizeof a->num) == 0;
	case KPIX_VAL_STRING:
		return a->len == b->len && (a->len == 0 || memcmp(a->str, b->str, a->len) == 0);
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	const char *nl = memchr(d, '\n', size);
	size_t srclen = nl ? (size_t)(nl - d) : size;
	char *src = malloc(srclen + 1);
	FUZZ_CHECK(src != NULL);
	memcpy(src, d, srclen);
	src[srclen] = '\0';

	kpix_val slots[NNAMES];
	char *owned[NNAMES];
	const char *p = nl ? nl + 1 : d + size, *end = d + size;
	for (size_t i = 0; i < NNAMES; i++) {
		const char *eol = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		size_t n = p < end ? (eol ? (size_t)(eol - p) : (size_t)(end - p)) : 0;
		slots[i] = parse_value(p, n, &owned[i]);
		p = eol ? eol + 1 : end;
	}

	char err[200];
	size_t col = 0;
	kpix_expr *e = kpix_expr_compile(src, resolve, NULL, err, sizeof err, &col);
	if (!e) {
		FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0] != '\0');
		FUZZ_CHECK(col >= 1 && col <= strlen(src) + 1);
	} else {
		kpix_val first, second;
		int rc = kpix_expr_eval(e, slots, &first);
		FUZZ_CHECK(rc == 0 || rc == -1);
		FUZZ_CHECK(rc == 0 || first.kind == KPIX_VAL_NULL);
		FUZZ_CHECK(first.kind <= KPIX_VAL_BOOL);
		/* the string may live in e's scratch: copy it before evaluating again */
		char *copy = NULL;
		if (first.kind == KPIX_VAL_STRING) {
			copy = malloc(first.len ? first.len : 1);
			FUZZ_CHECK(copy != NULL);
			if (first.len)
				memcpy(copy, first.str, first.len);
			first.str = copy;
		}
		int rc2 = kpix_expr_eval(e, slots, &second);
		FUZZ_CHECK(rc2 == rc);
		FUZZ_CHECK(same_value(&first, &second));
		free(copy);
		kpix_expr_free(e);
	}
	for (size_t i = 0; i < NNAMES; i++)
		free(owned[i]);
	free(src);
	return 0;
}
