/* report_xlsx.c - the warnings of a report as a worksheet table; see
 * report_xlsx.h. */
#include "report_xlsx.h"

#include <string.h>

/* The table's columns, their widths such that it prints one page wide in
 * landscape with its text at 9 points or more. */
static const char *const heads[] = {"File", "Row", "Column", "Field", "Code", "Rule", "Value",
                                    "Message"};
static const double widths[] = {20, 6, 7, 14, 18, 12, 16, 60};

void kpix_report_xlsx_columns(kpix_xlsx_sheet *ws)
{
	for (uint16_t c = 0; c < 8; c++)
		kpix_xlsx_column_width(ws, c, widths[c]);
}

uint32_t kpix_report_xlsx_warnings(kpix_xlsx_sheet *ws, uint32_t row, const kpix_report *rep)
{
	kpix_xstyle head = {.heading = true, .border = true};
	kpix_xstyle cell = {.border = true}, wrap = {.border = true, .wrap = true};
	kpix_report_xlsx_columns(ws); /* first: the headings are measured */
	for (uint16_t c = 0; c < 8; c++)
		kpix_xlsx_text(ws, row, c, heads[c], strlen(heads[c]), &head);
	uint32_t first = ++row;
	for (size_t i = 0; i < kpix_report_count(rep); i++) {
		const kpix_diag *d = kpix_report_get(rep, i);
		if (d->severity != KPIX_SEVERITY_WARNING)
			continue;
		const char *file = d->file ? strrchr(d->file, '/') : NULL;
		file = file ? file + 1 : d->file;
		const char *texts[] = {file, NULL, NULL, d->field, d->code, d->rule, d->value, d->message};
		for (uint16_t c = 0; c < 8; c++) {
			if (c == 1 || c == 2) {
				double n = c == 1 ? (double)d->row : (double)d->column;
				if (n > 0)
					kpix_xlsx_number(ws, row, c, n, &cell);
				else
					kpix_xlsx_blank(ws, row, c, &cell);
			} else {
				const char *t = texts[c] ? texts[c] : "";
				kpix_xlsx_text(ws, row, c, t, strlen(t), c == 7 ? &wrap : &cell);
			}
		}
		row++;
	}
	if (row == first) {
		const char *none = "The data passed every check without a warning.";
		kpix_xlsx_text(ws, row++, 0, none, strlen(none), NULL);
	} else if (kpix_report_truncated(rep)) {
		const char *cut = "More warnings were counted than are listed here; run kpix validate "
		                  "with --max-errors to see them all.";
		kpix_xlsx_text(ws, ++row, 0, cut, strlen(cut), NULL);
		row++;
	}
	return row;
}
