/* gen-xlsx - write the workbook benchmark's input with libxlsxwriter.
 *
 * usage: gen-xlsx ROWS OUT.xlsx
 *
 * One sheet, Data: a header and ROWS rows of 10 columns, as a landlord's
 * operational extract kept in Excel has them: a case number, an
 * organisation and a service (a few distinct texts), an opened date under
 * a date format, a cost in pounds under a currency format, a satisfaction
 * score as a percentage (0.82 under 0%), days to close, a TRUE/FALSE,
 * a reference code and a short note. Seeded, so the same ROWS give the
 * same bytes. Written in libxlsxwriter's constant-memory mode, which keeps
 * one row in memory and writes texts as inline strings: the workbook has
 * no shared strings table, so what kpix holds beyond its fixed buffers is
 * none (bench/README.md). bench/workbook-schema.json describes it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <xlsxwriter.h>

static uint64_t state = 0x2545f4914f6cdd1dULL;

static uint32_t next(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return (uint32_t)(state >> 32);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen-xlsx ROWS OUT.xlsx\n");
		return 2;
	}
	long rows = strtol(argv[1], NULL, 10);
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .use_zip64 = LXW_TRUE};
	lxw_workbook *wb = workbook_new_opt(argv[2], &opts);
	if (!wb) {
		fprintf(stderr, "gen-xlsx: cannot create %s\n", argv[2]);
		return 1;
	}
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *money = workbook_add_format(wb);
	format_set_num_format(money, "\"£\"#,##0.00");
	lxw_format *pct = workbook_add_format(wb);
	format_set_num_format(pct, "0%");
	static const char *const head[] = {"case",   "organisation", "service", "opened", "cost",
	                                   "score",  "days",         "closed",  "code",   "note"};
	static const char *const orgs[] = {"Havering", "Newham", "Bexley", "oneSource"};
	static const char *const services[] = {"Repairs", "Lettings", "Rents", "Estates", "ASB"};
	static const char *const notes[] = {"called back", "no access", "", "follow-up booked",
	                                    "resolved first time"};
	for (int c = 0; c < 10; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
	char code[16];
	for (long r = 1; r <= rows; r++) {
		lxw_row_t row = (lxw_row_t)r;
		worksheet_write_number(ws, row, 0, (double)(100000 + r), NULL);
		worksheet_write_string(ws, row, 1, orgs[next() % 4], NULL);
		worksheet_write_string(ws, row, 2, services[next() % 5], NULL);
		worksheet_write_number(ws, row, 3, 45017 + next() % 730, date); /* 2023-04-01 on */
		worksheet_write_number(ws, row, 4, (double)(next() % 500000) / 100.0, money);
		worksheet_write_number(ws, row, 5, (double)(next() % 101) / 100.0, pct);
		worksheet_write_number(ws, row, 6, next() % 90, NULL);
		worksheet_write_boolean(ws, row, 7, (int)(next() & 1), NULL);
		snprintf(code, sizeof(code), "R%06u", next() % 1000000);
		worksheet_write_string(ws, row, 8, code, NULL);
		const char *note = notes[next() % 5];
		if (*note) /* libxlsxwriter 1.1.4 overflows on an empty string */
			worksheet_write_string(ws, row, 9, note, NULL);
	}
	lxw_error err = workbook_close(wb);
	if (err) {
		fprintf(stderr, "gen-xlsx: %s\n", lxw_strerror(err));
		return 1;
	}
	return 0;
}
