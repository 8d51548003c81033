/* fields.h - the tab-separated lines that bench/cellbare.c and
 * bench/replay.c read. */
#ifndef BENCH_FIELDS_H
#define BENCH_FIELDS_H

#include <string.h>

/* Splits line at tabs, in place, into at most max fields; -1 when there
 * are more. */
static int split_fields(char *line, char **field, int max)
{
	int n = 0;
	for (char *p = line;; p++) {
		if (n == max)
			return -1;
		field[n++] = p;
		if (!(p = strchr(p, '\t')))
			return n;
		*p = '\0';
	}
}

#endif
