/* csvwrite.c - the CSV cell writer; see csvwrite.h. */
#include "csvwrite.h"

#include <string.h>

#include "csvread.h"

void kpix_csv_cell(kpix_buf *line, const char *s, size_t len, bool is_text)
{
	bool formula = is_text && kpix_csv_formula_like(s, len);
	bool quote = formula || memchr(s, ',', len) || memchr(s, '"', len) || memchr(s, '\r', len) ||
	             memchr(s, '\n', len) || (len && (s[0] == ' ' || s[len - 1] == ' '));
	if (!quote) {
		kpix_buf_add(line, s, len);
		return;
	}
	kpix_buf_addc(line, '"');
	if (formula)
		kpix_buf_addc(line, '\'');
	for (const char *run = s, *end = s + len; run < end;) {
		const char *q = memchr(run, '"', (size_t)(end - run));
		size_t n = q ? (size_t)(q - run) + 1 : (size_t)(end - run);
		kpix_buf_add(line, run, n); /* up to and including a quote, */
		if (q)
			kpix_buf_addc(line, '"'); /* which is doubled */
		run += n;
	}
	kpix_buf_addc(line, '"');
}
