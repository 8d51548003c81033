/* cellbare - the baseline of the export benchmark: libxlsxwriter and
 * nothing else. (The pack benchmark's is bench/replay.c, which replays the
 * calls kpix itself made.)
 *
 * usage: cellbare CELLS OUT.xlsx
 *
 * Reads the cell script that bench/gen-export.py writes (its docstring
 * describes the directives) and replays it with libxlsxwriter in
 * constant-memory mode, as kpix does: every cell with its value, type and
 * style, the row heights and column widths, filters, panes, print
 * settings and document properties. No CSV, no validation, no
 * expressions, no widths to work out, no hashing: the script already holds
 * the workbook as it must be written. Texts may carry the escapes \\, \t
 * and \n (the export's scripts have none).
 *
 * Exits 0 when the workbook was written, 1 on a malformed script, 2 when
 * libxlsxwriter reports an error. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "fields.h"

#define MAX_FIELDS 1100
#define MAX_STYLES 256

static lxw_workbook *wb;
static lxw_worksheet *ws;
static lxw_format *styles[MAX_STYLES];
static unsigned long line_no;

static void bad(const char *what)
{
	fprintf(stderr, "cellbare: line %lu: %s\n", line_no, what);
	exit(1);
}

static void check(lxw_error e, const char *what)
{
	if (e != LXW_NO_ERROR) {
		fprintf(stderr, "cellbare: line %lu: %s: %s\n", line_no, what, lxw_strerror(e));
		exit(2);
	}
}

/* Undoes the script's \\, \t and \n, in place. */
static char *unescape(char *s)
{
	char *in = strchr(s, '\\');
	if (!in)
		return s;
	char *out = in;
	while (*in) {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		in++;
		if (*in == 'n')
			*out++ = '\n';
		else if (*in == 't')
			*out++ = '\t';
		else if (*in == '\\')
			*out++ = '\\';
		else
			bad("unknown escape");
		in++;
	}
	*out = '\0';
	return s;
}

static long number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end)
		bad("expected a whole number");
	return v;
}

static lxw_format *style(long id)
{
	if (id <= 0 || id >= MAX_STYLES || !styles[id])
		bad("unknown style");
	return styles[id];
}

static void define_style(char **f, int n)
{
	long id = number(f[1]);
	if (id <= 0 || id >= MAX_STYLES)
		bad("style id out of range");
	lxw_format *fmt = workbook_add_format(wb);
	if (!fmt)
		check(LXW_ERROR_MEMORY_MALLOC_FAILED, "a style");
	for (int i = 2; i < n; i++) {
		const char *t = f[i];
		if (strcmp(t, "bold") == 0)
			format_set_bold(fmt);
		else if (strcmp(t, "wrap") == 0)
			format_set_text_wrap(fmt);
		else if (strcmp(t, "vtop") == 0)
			format_set_align(fmt, LXW_ALIGN_VERTICAL_TOP);
		else if (strcmp(t, "border") == 0)
			format_set_border(fmt, LXW_BORDER_THIN);
		else if (strcmp(t, "bottom-medium") == 0)
			format_set_bottom(fmt, LXW_BORDER_MEDIUM);
		else if (strcmp(t, "solid") == 0)
			format_set_pattern(fmt, LXW_PATTERN_SOLID);
		else if (strncmp(t, "bg=", 3) == 0)
			format_set_bg_color(fmt, (lxw_color_t)strtoul(t + 3, NULL, 16));
		else if (strncmp(t, "size=", 5) == 0)
			format_set_font_size(fmt, strtod(t + 5, NULL));
		else if (strncmp(t, "num=", 4) == 0)
			format_set_num_format(fmt, unescape(f[i] + 4));
		else
			bad("unknown style token");
	}
	styles[id] = fmt;
}

static void write_row(char **f, int n)
{
	if (!ws)
		bad("a row before any sheet");
	lxw_row_t row = (lxw_row_t)number(f[1]);
	for (int i = 2; i < n; i++) {
		char *c = f[i];
		if (!*c)
			continue;
		lxw_col_t col = (lxw_col_t)(i - 2);
		char type = *c++;
		lxw_format *fmt = NULL;
		if (*c != ':') {
			char *end;
			fmt = style(strtol(c, &end, 10));
			c = end;
		}
		if (*c++ != ':')
			bad("a cell is TYPE STYLE ':' VALUE");
		lxw_error e;
		if (type == 's')
			e = worksheet_write_string(ws, row, col, unescape(c), fmt);
		else if (type == 'n')
			e = worksheet_write_number(ws, row, col, strtod(c, NULL), fmt);
		else if (type == 'b')
			e = worksheet_write_blank(ws, row, col, fmt);
		else
			bad("unknown cell type");
		check(e, "a cell");
	}
}

static void properties(char **f, int n)
{
	if (n != 9)
		bad("P needs 8 fields");
	/* empty means none; libxlsxwriter reads the strings only at close */
	for (int i = 2; i < n; i++)
		f[i] = *f[i] ? strdup(unescape(f[i])) : NULL;
	lxw_doc_properties p = {
		.title = f[2], .subject = f[3], .author = f[4], .manager = f[5],
		.company = f[6], .category = f[7], .keywords = f[8],
		.created = (time_t)number(f[1]),
	};
	check(workbook_set_properties(wb, &p), "the properties");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cellbare CELLS OUT.xlsx\n");
		return 1;
	}
	FILE *in = fopen(argv[1], "r");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = NULL,
	                             .use_zip64 = LXW_FALSE};
	wb = workbook_new_opt(argv[2], &opts);
	if (!wb) {
		fprintf(stderr, "cellbare: cannot start '%s'\n", argv[2]);
		return 2;
	}

	char *line = NULL, *f[MAX_FIELDS];
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, in)) > 0) {
		line_no++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		int n = split_fields(line, f, MAX_FIELDS);
		if (n < 0)
			bad("too many fields");
		if (f[0][0] && f[0][1])
			bad("unknown directive");
		switch (f[0][0]) {
		case 'R':
			write_row(f, n);
			break;
		case 'F':
			define_style(f, n);
			break;
		case 'S':
			ws = workbook_add_worksheet(wb, unescape(f[1]));
			if (!ws)
				check(LXW_ERROR_MEMORY_MALLOC_FAILED, "a sheet");
			worksheet_set_paper(ws, 9); /* A4 */
			break;
		case 'H':
			check(worksheet_set_row(ws, (lxw_row_t)number(f[1]), strtod(f[2], NULL), NULL),
			      "a row height");
			break;
		case 'W':
			check(worksheet_set_column(ws, (lxw_col_t)number(f[1]), (lxw_col_t)number(f[1]),
			                           strtod(f[2], NULL), NULL),
			      "a width");
			break;
		case 'A':
			check(worksheet_autofilter(ws, (lxw_row_t)number(f[1]), (lxw_col_t)number(f[2]),
			                           (lxw_row_t)number(f[3]), (lxw_col_t)number(f[4])),
			      "a filter");
			break;
		case 'Z':
			worksheet_freeze_panes(ws, (lxw_row_t)number(f[1]), (lxw_col_t)number(f[2]));
			break;
		case 'O':
			if (number(f[1]))
				worksheet_set_landscape(ws);
			else
				worksheet_set_portrait(ws);
			if (number(f[2]))
				worksheet_fit_to_pages(ws, 1, 0);
			if (number(f[3]) >= 0)
				check(worksheet_repeat_rows(ws, (lxw_row_t)number(f[3]),
				                            (lxw_row_t)number(f[4])),
				      "repeated rows");
			if (*f[5])
				check(worksheet_set_header(ws, unescape(f[5])), "the page header");
			if (*f[6])
				check(worksheet_set_footer(ws, unescape(f[6])), "the page footer");
			break;
		case 'P':
			properties(f, n);
			break;
		default:
			bad("unknown directive");
		}
	}
	free(line);
	fclose(in);
	check(workbook_close(wb), "closing the workbook");
	return 0;
}
