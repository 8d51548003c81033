/* test_xlsx_trace.c - the benchmarks' trace of libxlsxwriter calls
 * (src/write/xlsx_trace.c, compiled into this test with xlsx.c, as
 * bench/pack.sh builds its kpix) and its replay (bench/replay.c): what the
 * benchmarks rely on is that the bare program, replaying the trace, writes
 * the very workbook kpix wrote, byte for byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kpix/kpix.h"
#include "util.h"
#include "xlsx.h"
#include "testdir.h"

typedef struct {
	char dir[64];
	char *trace, *book, *replayed;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kpix-test-trace-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	f->trace = kpix_xasprintf("%s/book.trace", f->dir);
	f->book = kpix_xasprintf("%s/kpix.xlsx", f->dir);
	f->replayed = kpix_xasprintf("%s/replayed.xlsx", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	unsetenv("KPIX_XLSX_TRACE");
	remove_tree(f->dir);
	free(f->trace);
	free(f->book);
	free(f->replayed);
	free(f);
	return 0;
}

/* The whole file, NUL-terminated, its size in *len; NULL when unreadable. */
static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	FILE *fp = fopen(path, "rb");
	if (!fp || fstat(fileno(fp), &st) != 0) {
		if (fp)
			fclose(fp);
		return NULL;
	}
	char *data = kpix_xcalloc((size_t)st.st_size + 1, 1);
	*len = fread(data, 1, (size_t)st.st_size, fp);
	fclose(fp);
	return data;
}

/* A workbook that uses every call of the wrapper the pack and the exports
 * use: properties, styles, awkward text, numbers, blanks, sizes, panes, a
 * filter, print settings, page breaks, a chart, checks and a hidden sheet. */
static void write_book(const char *path)
{
	kpix_xlsx *x;
	assert_int_equal(kpix_xlsx_open(&x, path, "kpix.xlsx"), 0);
	const char *props[7] = {"Title", "Subject", "Author", NULL, "Company", "", "a, b"};
	kpix_xlsx_properties(x, props, 1758000000);
	kpix_xlsx_sheet *s = kpix_xlsx_add_sheet(x, "Data & notes");
	assert_non_null(s);
	kpix_xstyle head = {.heading = true, .border = true};
	kpix_xstyle money = {.border = true, .number_format = "\"\xc2\xa3\"#,##0.00",
	                     .fill = 0xFFC7CE + 1, .color = 0x9C0006 + 1, .size = 12};
	kpix_xstyle note = {.italic = true, .wrap = true, .center = true, .bold = true};
	const char *awkward = "tab\there, line\nfeed, back\\slash, bell\a, \xe2\x96\xb2 up";
	kpix_xlsx_text(s, 0, 0, "Heading", 7, &head);
	kpix_xlsx_text(s, 0, 1, awkward, strlen(awkward), &note);
	kpix_xlsx_row_height(s, 1, 30.5);
	kpix_xlsx_number(s, 1, 0, 1234.5678901234567, &money);
	kpix_xlsx_number(s, 1, 1, -0.0, NULL);
	kpix_xlsx_blank(s, 2, 0, &money);
	kpix_xlsx_text(s, 3, 0, "x", 1, NULL);
	kpix_xlsx_number(s, 4, 0, 2, NULL);
	kpix_xlsx_column_width(s, 0, 12.25);
	kpix_xlsx_column_style(s, 1, 40, &money);
	kpix_xlsx_freeze(s, 1, 0);
	kpix_xlsx_filter(s, 0, 4, 1);
	kpix_xlsx_print(s, true, true, 0, 0, "&LLeft&RRight", "&CPage &P of &N");
	kpix_xlsx_print_area(s, 0, 0, 4, 1);
	const uint32_t breaks[] = {2, 0, 4};
	kpix_xlsx_page_breaks(s, breaks, 3);
	char cats[64], vals[64];
	kpix_xlsx_range(cats, sizeof(cats), s, 1, 4, 0);
	kpix_xlsx_range(vals, sizeof(vals), s, 1, 4, 1);
	kpix_xseries series[] = {
		{.name = "Figure", .categories = cats, .values = vals, .color = 0x1F4E79 + 1,
		 .markers = true},
		{.name = "Target", .categories = cats, .values = vals, .points = true},
	};
	kpix_xaxis axis = {"0.0%", 0, 1};
	kpix_xlsx_line_chart(s, 6, 0, "A chart", series, 2, &axis, 620, 280);
	const char *items[] = {"Green", "", "Red"};
	kpix_xcheck list = {.kind = KPIX_XCHECK_LIST, .items = items, .nitems = 3,
	                    .title = "RAG", .message = "Pick one", .error = "Not a RAG"};
	kpix_xlsx_check(s, 1, 2, 4, 2, &list);
	kpix_xcheck num = {.kind = KPIX_XCHECK_DECIMAL, .has_min = true, .min = 0,
	                   .warn_only = true};
	kpix_xlsx_check(s, 1, 3, 4, 3, &num);
	kpix_xlsx_sheet *hidden = kpix_xlsx_add_sheet(x, "Lists");
	kpix_xlsx_text(hidden, 0, 0, "Green", 5, NULL);
	kpix_xlsx_hide(hidden);
	int rc = kpix_xlsx_close(x);
	if (rc)
		fprintf(stderr, "%s\n", kpix_error_last());
	assert_int_equal(rc, 0);
}

static void trace__the_replay_writes_the_same_workbook_byte_for_byte(void **state)
{
	fx *f = *state;
	setenv("KPIX_XLSX_TRACE", f->trace, 1);
	write_book(f->book);
	char *cmd = kpix_xasprintf("'%s' '%s' '%s'", KPIX_REPLAY, f->trace, f->replayed);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	size_t na, nb;
	char *a = read_file(f->book, &na), *b = read_file(f->replayed, &nb);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(na > 0);
	assert_true(na == nb && memcmp(a, b, na) == 0);
	free(a);
	free(b);
}

static void trace__names_each_call_and_its_arguments_one_a_line(void **state)
{
	fx *f = *state;
	setenv("KPIX_XLSX_TRACE", f->trace, 1);
	write_book(f->book);
	size_t n;
	char *t = read_file(f->trace, &n);
	assert_non_null(t);
	/* the workbook's own path is not in it: the replay writes its own */
	assert_true(strncmp(t, "workbook_new_opt\t1\t0\n", 21) == 0);
	assert_null(strstr(t, f->dir));
	/* objects are numbered as they are made; no format is 0; text is escaped */
	assert_non_null(strstr(t, "\nworkbook_add_worksheet\t1\tData & notes\n"));
	assert_non_null(strstr(t, "\nworkbook_add_format\t2\nformat_set_bold\t2\n"));
	assert_non_null(strstr(t, "\nworksheet_write_string\t1\t0\t1\ttab\\there, line\\nfeed, "
	                          "back\\\\slash, bell\xef\xbf\xbd, \xe2\x96\xb2 up\t2\n"));
	assert_non_null(strstr(t, "\nworksheet_write_number\t1\t1\t0\t1234.5678901234567\t3\n"));
	assert_non_null(strstr(t, "\nworksheet_write_number\t1\t4\t0\t2\t0\n"));
	assert_non_null(strstr(t, "\nworksheet_set_h_pagebreaks\t1\t2\t4\n"));
	/* properties left out are \N */
	assert_non_null(strstr(t, "\nworkbook_set_properties\tTitle\tSubject\tAuthor\t\\N\t"
	                          "Company\t\\N\ta, b\t\\N\t\\N\t\\N\t1758000000\n"));
	assert_true(n > 15 && strcmp(t + n - 15, "workbook_close\n") == 0);
	free(t);
}

static void trace__nothing_is_written_without_the_environment_variable(void **state)
{
	fx *f = *state;
	unsetenv("KPIX_XLSX_TRACE");
	write_book(f->book);
	struct stat st;
	assert_int_equal(stat(f->book, &st), 0);
	assert_int_not_equal(stat(f->trace, &st), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(trace__the_replay_writes_the_same_workbook_byte_for_byte,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(trace__names_each_call_and_its_arguments_one_a_line,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
			trace__nothing_is_written_without_the_environment_variable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
