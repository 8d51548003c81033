/* jsonpos.c - locate a path in valid JSON text; see jsonpos.h. */
#include "jsonpos.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *s;
	size_t len, pos;
} scan;

static void skip_ws(scan *sc)
{
	while (sc->pos < sc->len && strchr(" \t\r\n", sc->s[sc->pos]) && sc->s[sc->pos])
		sc->pos++;
}

/* Skips a string starting at the opening quote; returns the start and length
 * of its raw contents (escapes left as written). */
static void skip_string(scan *sc, size_t *start, size_t *n)
{
	sc->pos++;
	*start = sc->pos;
	while (sc->pos < sc->len && sc->s[sc->pos] != '"') {
		if (sc->s[sc->pos] == '\\')
			sc->pos++;
		sc->pos++;
	}
	*n = sc->pos - *start;
	sc->pos++;
}

static void skip_value(scan *sc)
{
	skip_ws(sc);
	if (sc->pos >= sc->len)
		return;
	char c = sc->s[sc->pos];
	if (c == '"') {
		size_t a, b;
		skip_string(sc, &a, &b);
		return;
	}
	if (c == '{' || c == '[') {
		/* skip to the matching bracket, minding strings */
		int depth = 0;
		while (sc->pos < sc->len) {
			c = sc->s[sc->pos];
			if (c == '"') {
				size_t a, b;
				skip_string(sc, &a, &b);
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0) {
					sc->pos++;
					return;
				}
			}
			sc->pos++;
		}
		return;
	}
	while (sc->pos < sc->len && !strchr(",}] \t\r\n", sc->s[sc->pos]))
		sc->pos++;
}

static void to_line_col(const char *s, size_t pos, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < pos; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

int kpix_json_locate(const char *text, size_t len, const char *path, int *line, int *col)
{
	scan sc = {text, len, 0};
	size_t found = 0;
	skip_ws(&sc);
	found = sc.pos;
	const char *p = path;
	int rc = 0;
	while (*p) {
		skip_ws(&sc);
		if (*p == '.')
			p++;
		if (*p == '[') {
			long want = strtol(p + 1, NULL, 10);
			const char *close = strchr(p, ']');
			p = close ? close + 1 : p + strlen(p);
			if (sc.pos >= len || text[sc.pos] != '[') {
				rc = -1;
				break;
			}
			sc.pos++;
			bool ok = false;
			for (long i = 0;; i++) {
				skip_ws(&sc);
				if (sc.pos >= len || text[sc.pos] == ']')
					break;
				if (i == want) {
					ok = true;
					break;
				}
				skip_value(&sc);
				skip_ws(&sc);
				if (sc.pos < len && text[sc.pos] == ',')
					sc.pos++;
			}
			if (!ok) {
				rc = -1;
				break;
			}
			found = sc.pos;
			continue;
		}
		size_t klen = strcspn(p, ".[");
		if (sc.pos >= len || text[sc.pos] != '{') {
			rc = -1;
			break;
		}
		sc.pos++;
		bool ok = false;
		for (;;) {
			skip_ws(&sc);
			if (sc.pos >= len || text[sc.pos] != '"')
				break;
			size_t kpos = sc.pos, ks, kn;
			skip_string(&sc, &ks, &kn);
			skip_ws(&sc);
			sc.pos++; /* ':' */
			skip_ws(&sc);
			if (kn == klen && memcmp(text + ks, p, klen) == 0) {
				ok = true;
				found = kpos;
				break;
			}
			skip_value(&sc);
			skip_ws(&sc);
			if (sc.pos < len && text[sc.pos] == ',')
				sc.pos++;
		}
		if (!ok) {
			rc = -1;
			break;
		}
		p += klen;
	}
	to_line_col(text, found, line, col);
	return rc;
}
