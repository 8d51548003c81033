/* Unit tests of the CSV reader: what it adds to libcsv. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <csv.h>

#include "csvread.h"
#include "util.h"

/* Everything the reader said, flattened for easy assertions:
 * "R<row>:cell|cell|..." per record, "P<row>:<col>:<code>" per problem. */
typedef struct {
	kpix_buf out;
	int stop_after;
	kpix_buf msgs; /* each problem's message, a line each */
} capture;

static int on_record(void *ctx, const kpix_record *rec)
{
	capture *c = ctx;
	kpix_buf_printf(&c->out, "R%llu%s:", (unsigned long long)rec->row, rec->malformed ? "!" : "");
	for (size_t i = 0; i < rec->ncells; i++)
		kpix_buf_printf(&c->out, "%s%s", i ? "|" : "", rec->cells[i].data);
	kpix_buf_addc(&c->out, '\n');
	return c->stop_after && (int)rec->row >= c->stop_after;
}

static void on_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row, uint32_t col,
                       const char *value, const char *msg)
{
	capture *c = ctx;
	(void)value;
	assert_non_null(msg);
	assert_true(strlen(msg) > 20); /* a sentence, not a code */
	kpix_buf_printf(&c->out, "P%llu:%u:%s%s\n", (unsigned long long)row, col, code,
	                sev == KPIX_SEVERITY_WARNING ? "(w)" : "");
	kpix_buf_printf(&c->msgs, "%s\n", msg);
}

/* read_with, also giving the problems' messages in *msgs (to free). */
static char *read_msgs(const char *data, size_t len, kpix_encoding enc, size_t max_field,
                       size_t max_cols, kpix_csv_stats *st, char **msgs)
{
	capture c = {KPIX_BUF_INIT, 0, KPIX_BUF_INIT};
	kpix_csv_config cfg = {0};
	cfg.on_record = on_record;
	cfg.on_problem = on_problem;
	cfg.ctx = &c;
	cfg.encoding = enc;
	cfg.max_field_bytes = max_field;
	cfg.max_columns = max_cols;
	kpix_csv_stats local;
	assert_int_equal(kpix_csv_read_mem(data, len, &cfg, st ? st : &local), 0);
	kpix_buf_addc(&c.msgs, '\0'); /* an empty list is "" */
	*msgs = kpix_buf_detach(&c.msgs);
	return kpix_buf_detach(&c.out);
}

static char *read_with(const char *data, size_t len, kpix_encoding enc, size_t max_field,
                       size_t max_cols, kpix_csv_stats *st)
{
	char *msgs;
	char *got = read_msgs(data, len, enc, max_field, max_cols, st, &msgs);
	free(msgs);
	return got;
}

static char *read_str(const char *data)
{
	return read_with(data, strlen(data), KPIX_ENCODING_AUTO, 0, 0, NULL);
}

#define EXPECT(input, expected)                      \
	do {                                         \
		char *got_ = read_str(input);        \
		assert_string_equal(got_, expected); \
		free(got_);                          \
	} while (0)

static void reader__keeps_spaces_around_unquoted_cells(void **state)
{
	(void)state;
	EXPECT("a,b\n 1 , 2\n", "R1:a|b\nR2: 1 | 2\n");
}

static void reader__strips_a_utf8_byte_order_mark(void **state)
{
	(void)state;
	kpix_csv_stats st;
	const char in[] = "\xef\xbb\xbfid,name\n1,x\n";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_AUTO, 0, 0, &st);
	assert_string_equal(got, "R1:id|name\nR2:1|x\n");
	assert_string_equal(st.encoding, "utf-8 with BOM");
	free(got);
}

static void reader__crlf_line_ends_make_one_record_each(void **state)
{
	(void)state;
	EXPECT("a,b\r\n1,2\r\n3,4\r\n", "R1:a|b\nR2:1|2\nR3:3|4\n");
}

static void reader__cr_only_and_mixed_line_ends_are_read(void **state)
{
	(void)state;
	EXPECT("a,b\r1,2\n3,4\r\n5,6", "R1:a|b\nR2:1|2\nR3:3|4\nR4:5|6\n");
}

static void reader__a_blank_line_is_a_record_of_its_own(void **state)
{
	(void)state;
	/* frictionless-py counts an empty line as a (blank) row */
	EXPECT("a\n1\n\n2\n", "R1:a\nR2:1\nR3:\nR4:2\n");
	EXPECT("a\r\n1\r\n\r\n2\r\n", "R1:a\nR2:1\nR3:\nR4:2\n");
}

static void reader__rows_count_records_not_lines(void **state)
{
	(void)state;
	EXPECT("a,b\n\"x\ny\",1\n2,3\n", "R1:a|b\nR2:x\ny|1\nR3:2|3\n");
}

static void reader__doubled_quotes_inside_quotes_are_one_quote(void **state)
{
	(void)state;
	EXPECT("a\n\"say \"\"hi\"\"\"\n", "R1:a\nR2:say \"hi\"\n");
}

static void reader__a_stray_quote_is_reported_and_reading_goes_on(void **state)
{
	(void)state;
	EXPECT("a,b\n1,x\"y\n2,z\n", "R1:a|b\nP2:2:malformed-quote\nR2!:1\nR3:2|z\n");
}

static void reader__text_after_a_closing_quote_is_malformed(void **state)
{
	(void)state;
	EXPECT("a,b\n\"x\"y,1\n2,3\n", "R1:a|b\nP2:1:malformed-quote\nR2!:\nR3:2|3\n");
}

static void reader__an_unclosed_quote_at_the_end_is_reported(void **state)
{
	(void)state;
	EXPECT("a,b\n1,\"open\n2,3\n", "R1:a|b\nP2:2:unclosed-quote\nR2!:1|open\n2,3\n\n");
}

static void reader__windows_1252_is_converted_with_a_warning(void **state)
{
	(void)state;
	kpix_csv_stats st;
	const char in[] = "name,amount\nCaf\xe9,\xa3" "5\n";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_AUTO, 0, 0, &st);
	assert_string_equal(got, "R1:name|amount\nP2:1:encoding-converted(w)\n"
	                         "R2:Caf\xc3\xa9|\xc2\xa3" "5\n");
	assert_string_equal(st.encoding, "windows-1252");
	free(got);
}

static void reader__windows_1252_smart_quotes_become_unicode(void **state)
{
	(void)state;
	const char in[] = "a\n\x93quoted\x94 \x80\n";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_CP1252, 0, 0, NULL);
	assert_string_equal(got, "R1:a\nR2:\xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac\n");
	free(got);
}

static void reader__invalid_utf8_after_valid_utf8_is_an_error(void **state)
{
	(void)state;
	const char in[] = "a\n\xc3\xa9\n\xe9t\xe9\n";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_AUTO, 0, 0, NULL);
	assert_string_equal(got, "R1:a\nR2:\xc3\xa9\nP3:1:encoding-error\n"
	                         "R3!:\xef\xbf\xbdt\xef\xbf\xbd\n");
	free(got);
}

static void reader__utf8_only_refuses_windows_1252(void **state)
{
	(void)state;
	const char in[] = "a\nCaf\xe9\n";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_UTF8, 0, 0, NULL);
	assert_string_equal(got, "R1:a\nP2:1:encoding-error\nR2!:Caf\xef\xbf\xbd\n");
	free(got);
}

static void reader__overlong_utf8_is_invalid(void **state)
{
	(void)state;
	const char in[] = "a\n\xc0\xaf\n";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_UTF8, 0, 0, NULL);
	assert_non_null(strstr(got, "P2:1:encoding-error"));
	free(got);
}

static void reader__a_nul_byte_is_an_error(void **state)
{
	(void)state;
	const char in[] = "a,b\nx\0y,1\n";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_AUTO, 0, 0, NULL);
	assert_string_equal(got, "R1:a|b\nP2:1:encoding-error\nR2!:x?y|1\n");
	free(got);
}

static void reader__a_nul_or_non_ascii_byte_is_found_wherever_it_falls(void **state)
{
	(void)state;
	/* the byte at every place in a cell, and so at every place in a word
	 * of the scan, after a second cell that keeps the first apart from
	 * the header */
	for (size_t at = 0; at < 70; at++) {
		for (int kind = 0; kind < 3; kind++) {
			kpix_buf in = KPIX_BUF_INIT, want = KPIX_BUF_INIT;
			kpix_buf_adds(&in, "a,b\n1,");
			for (size_t i = 0; i < at; i++)
				kpix_buf_addc(&in, 'x');
			static const char *const bytes[] = {"\0", "\x80", "\xc3\xa9"};
			static const char *const shown[] = {"?", "\xe2\x82\xac", "\xc3\xa9"};
			kpix_buf_add(&in, bytes[kind], kind == 0 ? 1 : strlen(bytes[kind]));
			kpix_buf_adds(&in, "yz\n");
			kpix_buf_adds(&want, kind == 0 ? "R1:a|b\nP2:2:encoding-error\nR2!:1|"
			                   : kind == 1 ? "R1:a|b\nP2:2:encoding-converted(w)\nR2:1|"
			                               : "R1:a|b\nR2:1|");
			for (size_t i = 0; i < at; i++)
				kpix_buf_addc(&want, 'x');
			kpix_buf_adds(&want, shown[kind]);
			kpix_buf_adds(&want, "yz\n");
			kpix_csv_stats st;
			char *got = read_with(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, &st);
			assert_string_equal(got, want.data);
			assert_string_equal(st.encoding, kind == 0 ? "ascii" : kind == 1 ? "windows-1252" : "utf-8");
			free(got);
			kpix_buf_free(&in);
			kpix_buf_free(&want);
		}
	}
}

static void reader__utf16_is_refused_with_advice(void **state)
{
	(void)state;
	const char in[] = "\xff\xfe" "a\0,\0b\0";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_AUTO, 0, 0, NULL);
	assert_string_equal(got, "P1:0:source-error\n");
	free(got);
}

static void reader__a_cell_over_the_cap_is_cut_and_reported(void **state)
{
	(void)state;
	char in[300];
	memset(in, 'x', sizeof(in));
	memcpy(in, "a,b\n", 4);
	memcpy(in + 200, ",1\n", 3);
	char *got = read_with(in, 203, KPIX_ENCODING_AUTO, 100, 0, NULL);
	assert_non_null(strstr(got, "P2:1:field-too-large"));
	assert_non_null(strstr(got, "R2!:"));
	free(got);
}

static void reader__a_cell_with_a_nul_byte_is_kept_as_utf8(void **state)
{
	(void)state;
	/* its other bytes were kept raw, so a byte such as 0xff left the cell
	 * invalid UTF-8 */
	const char in[] = "a\nx\0\xff\n";
	char *got = read_with(in, sizeof(in) - 1, KPIX_ENCODING_AUTO, 0, 0, NULL);
	assert_string_equal(got, "R1:a\nP2:1:encoding-error\nR2!:x?\xef\xbf\xbd\n");
	free(got);
}

static void reader__a_nul_byte_is_reported_with_its_place_in_the_cell(void **state)
{
	(void)state;
	const char in[] = "a,b\nxy\0z,1\n";
	char *msgs;
	char *got = read_msgs(in, sizeof(in) - 1, KPIX_ENCODING_AUTO, 0, 0, NULL, &msgs);
	assert_string_equal(got, "R1:a|b\nP2:1:encoding-error\nR2!:xy?z|1\n");
	assert_non_null(strstr(msgs, "byte 3 of this cell is a NUL byte"));
	free(got);
	free(msgs);
}

static void reader__invalid_utf8_is_reported_with_its_bytes_and_place(void **state)
{
	(void)state;
	/* overlong forms of '/', a surrogate, a code point past U+10FFFF and a
	 * character cut short, in a file marked as UTF-8 */
	const char in[] = "\xef\xbb\xbf"
	                  "a\n"
	                  "x\xc0\xafy\n"
	                  "\xe0\x80\xaf\n"
	                  "ab\xed\xa0\x80\n"
	                  "\xf4\x90\x80\x80\n"
	                  "abc\xc3\n";
	char *msgs;
	char *got = read_msgs(in, sizeof(in) - 1, KPIX_ENCODING_AUTO, 0, 0, NULL, &msgs);
	assert_string_equal(got, "R1:a\nP2:1:encoding-error\nR2!:x\xef\xbf\xbdy\n"
	                         "P3:1:encoding-error\nR3!:\xef\xbf\xbd\n"
	                         "P4:1:encoding-error\nR4!:ab\xef\xbf\xbd\n"
	                         "P5:1:encoding-error\nR5!:\xef\xbf\xbd\n"
	                         "P6:1:encoding-error\nR6!:abc\xef\xbf\xbd\n");
	assert_string_equal(
	        msgs, "this cell is not valid UTF-8 text: at byte 2 of the cell, the bytes C0 "
	              "AF do not make a character; save the file as 'CSV UTF-8'\n"
	              "this cell is not valid UTF-8 text: at byte 1 of the cell, the bytes E0 "
	              "80 AF do not make a character; save the file as 'CSV UTF-8'\n"
	              "this cell is not valid UTF-8 text: at byte 3 of the cell, the bytes ED "
	              "A0 80 do not make a character; save the file as 'CSV UTF-8'\n"
	              "this cell is not valid UTF-8 text: at byte 1 of the cell, the bytes F4 "
	              "90 80 80 do not make a character; save the file as 'CSV UTF-8'\n"
	              "this cell is not valid UTF-8 text: at byte 4 of the cell, the byte C3 "
	              "does not make a character; save the file as 'CSV UTF-8'\n");
	free(got);
	free(msgs);
}

static void reader__a_file_of_only_a_byte_order_mark_has_no_records(void **state)
{
	(void)state;
	kpix_csv_stats st;
	char *got = read_with("\xef\xbb\xbf", 3, KPIX_ENCODING_AUTO, 0, 0, &st);
	assert_string_equal(got, "");
	assert_int_equal(st.records, 0);
	assert_int_equal(st.bytes, 3);
	assert_true(st.complete);
	assert_string_equal(st.encoding, "utf-8 with BOM");
	free(got);
}

static void reader__utf16_without_a_mark_is_refused_with_advice(void **state)
{
	(void)state;
	static const char *const in[] = {"a\0,\0b\0\n\0", "\0a\0,\0b\0\n"};
	for (int i = 0; i < 2; i++) {
		char *msgs;
		char *got = read_msgs(in[i], 8, KPIX_ENCODING_AUTO, 0, 0, NULL, &msgs);
		assert_string_equal(got, "P1:0:source-error\n");
		assert_non_null(strstr(msgs, "UTF-16 text without a byte-order mark"));
		free(got);
		free(msgs);
	}
}

/* "a,b\n1," then size bytes of a cell of x (in quotes when quoted, with
 * a doubled quote or a line break every 1000 bytes), then ",2\n3,4\n"
 * unless the cell is left open. *cell_len is the length of the cell read. */
static kpix_buf huge_cell_file(size_t size, bool quoted, bool closed, size_t *cell_len)
{
	*cell_len = size;
	kpix_buf in = KPIX_BUF_INIT;
	kpix_buf_adds(&in, quoted ? "a,b\n1,\"" : "a,b\n1,");
	kpix_buf_grow(&in, size + 16);
	for (size_t i = 0; i < size; i++) {
		if (quoted && i % 1000 == 998 && i + 1 < size) {
			kpix_buf_add(&in, i % 2000 == 998 ? "\"\"" : "\r\n", 2);
			*cell_len -= i % 2000 == 998; /* "" is one quote */
			i++;
		} else {
			kpix_buf_addc(&in, 'x');
		}
	}
	if (closed)
		kpix_buf_adds(&in, quoted ? "\",2\n3,4\n" : ",2\n3,4\n");
	return in;
}

static void reader__a_cell_of_megabytes_is_reported_and_reading_goes_on(void **state)
{
	(void)state;
	for (int quoted = 0; quoted < 2; quoted++) {
		size_t size = 3u * 1024 * 1024 + 7; /* 12 chunks, past the 1 MiB cap */
		size_t cell_len;
		kpix_buf in = huge_cell_file(size, quoted, true, &cell_len);
		char *msgs;
		kpix_csv_stats st;
		char *got = read_msgs(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, &st, &msgs);
		/* the row is read whole and rejected, with the cell's start; the
		 * next row is read */
		char want[300];
		snprintf(want, sizeof(want),
		         "R1:a|b\nP2:2:field-too-large\nR2!:1|%.64s|2\nR3:3|4\n",
		         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		assert_string_equal(got, want);
		char msg[200];
		snprintf(msg, sizeof(msg),
		         "this cell holds %zu,%03zu,%03zu bytes, more than the 1,048,576 kpix "
		         "accepts in one cell; the row is not checked\n",
		         cell_len / 1000000, cell_len / 1000 % 1000, cell_len % 1000);
		assert_string_equal(msgs, msg);
		assert_true(st.complete);
		assert_int_equal(st.records, 3);
		free(got);
		free(msgs);
		kpix_buf_free(&in);
	}
}

static long peak_rss_kib(void)
{
	struct rusage ru;
	assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
	return ru.ru_maxrss;
}

static void reader__a_huge_cell_does_not_grow_memory_with_its_size(void **state)
{
	(void)state;
	/* the file itself is the peak so far; reading its 48 MiB quoted cell
	 * must not add a copy of it (libcsv would hold one) */
	size_t cell_len;
	kpix_buf in = huge_cell_file(48u * 1024 * 1024, true, true, &cell_len);
	long before = peak_rss_kib();
	kpix_csv_stats st;
	char *got = read_with(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, &st);
	long grown = peak_rss_kib() - before;
	assert_int_equal(st.records, 3);
	assert_true(grown < 16 * 1024);
	free(got);
	kpix_buf_free(&in);
}

static void reader__a_huge_quoted_cell_never_closed_is_one_rejected_row(void **state)
{
	(void)state;
	size_t cell_len;
	kpix_buf in = huge_cell_file(2u * 1024 * 1024, true, false, &cell_len);
	kpix_csv_stats st;
	char *got = read_with(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, &st);
	assert_int_equal(
	        strncmp(got, "R1:a|b\nP2:2:unclosed-quote\nP2:2:field-too-large\nR2!:1|", 54), 0);
	assert_int_equal(st.records, 2);
	free(got);
	kpix_buf_free(&in);
}

static void reader__a_row_wider_than_the_cap_is_reported_with_its_width(void **state)
{
	(void)state;
	char *msgs;
	char *got = read_msgs("a\n1,2,3,4,5\n6\n", 14, KPIX_ENCODING_AUTO, 0, 3, NULL, &msgs);
	assert_string_equal(got, "R1:a\nP2:4:too-many-columns\nR2!:1|2|3\nR3:6\n");
	assert_string_equal(msgs,
	                    "this row has 5 cells, more than the 3 kpix reads in one row; the "
	                    "row is not checked\n");
	free(got);
	free(msgs);
	/* big numbers are grouped in threes */
	kpix_buf in = KPIX_BUF_INIT;
	kpix_buf_adds(&in, "a\n");
	for (int i = 0; i < 1234567; i++)
		kpix_buf_adds(&in, i ? ",x" : "x");
	got = read_msgs(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, NULL, &msgs);
	assert_string_equal(msgs,
	                    "this row has 1,234,567 cells, more than the 16,384 kpix reads in "
	                    "one row; the row is not checked\n");
	free(got);
	free(msgs);
	kpix_buf_free(&in);
}

static void reader__a_final_line_without_newline_is_read(void **state)
{
	(void)state;
	EXPECT("a,b\n1,2", "R1:a|b\nR2:1|2\n");
}

static void reader__the_callback_can_stop_reading(void **state)
{
	(void)state;
	capture c = {KPIX_BUF_INIT, 2};
	kpix_csv_config cfg = {0};
	cfg.on_record = on_record;
	cfg.ctx = &c;
	kpix_csv_stats st;
	kpix_csv_read_mem("a\n1\n2\n3\n", 8, &cfg, &st);
	assert_string_equal(c.out.data, "R1:a\nR2:1\n");
	assert_false(st.complete);
	kpix_buf_free(&c.out);
}

static void reader__cells_of_every_short_length_are_copied_whole(void **state)
{
	(void)state;
	/* one row of cells of 0..40 bytes, each a distinct run of letters */
	kpix_buf in = KPIX_BUF_INIT, want = KPIX_BUF_INIT;
	kpix_buf_adds(&want, "R1:");
	for (int n = 0; n <= 40; n++) {
		if (n) {
			kpix_buf_addc(&in, ',');
			kpix_buf_addc(&want, '|');
		}
		for (int i = 0; i < n; i++) {
			char ch = (char)('a' + (n + i) % 26);
			kpix_buf_addc(&in, ch);
			kpix_buf_addc(&want, ch);
		}
	}
	kpix_buf_addc(&in, '\n');
	kpix_buf_addc(&want, '\n');
	char *got = read_with(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, NULL);
	assert_string_equal(got, want.data);
	free(got);
	kpix_buf_free(&in);
	kpix_buf_free(&want);
}

/* The reader hands the file to libcsv in chunks of this many bytes. */
#define READER_CHUNK (256 * 1024)

static void on_ref_field(void *data, size_t len, void *ctx)
{
	kpix_buf *out = ctx;
	if (out->len && out->data[out->len - 1] != ':')
		kpix_buf_addc(out, '|');
	kpix_buf_add(out, data ? data : "", len);
}

static void on_ref_row(int c, void *ctx)
{
	(void)c;
	kpix_buf_addc(ctx, '\n');
}

static int ref_never_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* What the reader should say about well-formed, ASCII, LF-ended CSV with
 * no blank lines: libcsv's cells, spaces kept, read in one call. */
static char *reference_read(const char *data, size_t len)
{
	struct csv_parser p;
	kpix_buf out = KPIX_BUF_INIT;
	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
	csv_set_space_func(&p, ref_never_space);
	size_t row = 1;
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (data[i] != '\n' && i + 1 < len)
			continue;
		/* one record at a time, so each can be labelled with its number */
		kpix_buf_printf(&out, "R%zu:", row++);
		assert_int_equal(csv_parse(&p, data + start, i + 1 - start, on_ref_field, on_ref_row, &out),
		                 i + 1 - start);
		start = i + 1;
	}
	assert_int_equal(csv_fini(&p, on_ref_field, on_ref_row, &out), 0);
	csv_free(&p);
	return kpix_buf_detach(&out);
}

static void reader__spaces_are_kept_whichever_chunk_they_fall_in(void **state)
{
	(void)state;
	/* Rows with spaces and tabs placed so that they start, end or straddle
	 * a chunk boundary, in a file whose other chunks hold none. */
	static const char *const probes[] = {
		" 1 , 2 \n", "x,\t2\t\n", "a b,c  \n", "\"q r\",  \n", "1,\" \"\n", "  ,\t\n",
	};
	for (size_t pi = 0; pi < sizeof(probes) / sizeof(*probes); pi++) {
		for (size_t shift = 0; shift < 12; shift++) {
			kpix_buf in = KPIX_BUF_INIT;
			kpix_buf_adds(&in, "a,b\n");
			size_t at = READER_CHUNK - shift;
			while (in.len + 8 <= at)
				kpix_buf_adds(&in, "123,456\n");
			while (in.len + 2 <= at)
				kpix_buf_adds(&in, "7\n");
			kpix_buf_adds(&in, probes[pi]);
			kpix_buf_adds(&in, "8,9\n");
			while (in.len < 2 * READER_CHUNK + 100)
				kpix_buf_adds(&in, "123,456\n");
			kpix_buf_adds(&in, probes[pi]);
			char *got = read_with(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, NULL);
			char *want = reference_read(in.data, in.len);
			assert_string_equal(got, want);
			free(got);
			free(want);
			kpix_buf_free(&in);
		}
	}
}

static void reader__a_space_after_a_closing_quote_is_malformed_in_any_chunk(void **state)
{
	(void)state;
	for (size_t shift = 0; shift < 8; shift++) {
		kpix_buf in = KPIX_BUF_INIT;
		kpix_buf_adds(&in, "a,b\n");
		while (in.len + 8 <= READER_CHUNK - shift)
			kpix_buf_adds(&in, "123,456\n");
		size_t row = 1 + (in.len - 4) / 8 + 1;
		kpix_buf_adds(&in, "\"q\" ,1\n2,3\n");
		char *got = read_with(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, NULL);
		char want[64];
		snprintf(want, sizeof(want), "P%zu:1:malformed-quote\nR%zu!:", row, row);
		assert_non_null(strstr(got, want));
		snprintf(want, sizeof(want), "R%zu:2|3\n", row + 1);
		assert_non_null(strstr(got, want));
		free(got);
		kpix_buf_free(&in);
	}
}

static void reader__records_and_problems_keep_their_order_across_many_rows(void **state)
{
	(void)state;
	/* 40,000 rows, every 997th with a stray quote and every 1,009th with
	 * a NUL, and runs of blank lines: more than one batch of everything */
	kpix_buf in = KPIX_BUF_INIT, want = KPIX_BUF_INIT;
	kpix_buf_adds(&in, "a,b\n");
	kpix_buf_adds(&want, "R1:a|b\n");
	for (unsigned row = 2; row <= 40000; row++) {
		if (row % 997 == 0) {
			kpix_buf_printf(&in, "%u,x\"y\n", row);
			kpix_buf_printf(&want, "P%u:2:malformed-quote\nR%u!:%u\n", row, row, row);
		} else if (row % 1009 == 0) {
			kpix_buf_printf(&in, "%u,n", row);
			kpix_buf_addc(&in, '\0');
			kpix_buf_adds(&in, "l\n");
			kpix_buf_printf(&want, "P%u:2:encoding-error\nR%u!:%u|n?l\n", row, row, row);
		} else if (row > 30000 && row <= 33000) {
			kpix_buf_addc(&in, '\n');
			kpix_buf_printf(&want, "R%u:\n", row);
		} else {
			kpix_buf_printf(&in, "%u,%u\n", row, row * 7);
			kpix_buf_printf(&want, "R%u:%u|%u\n", row, row, row * 7);
		}
	}
	kpix_csv_stats st;
	char *got = read_with(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, &st);
	assert_string_equal(got, want.data);
	assert_int_equal(st.records, 40000);
	assert_true(st.complete);
	free(got);
	kpix_buf_free(&in);
	kpix_buf_free(&want);
}

static void reader__cells_stay_whole_when_the_row_buffer_grows(void **state)
{
	(void)state;
	/* Cells of a batch lie one after another in one buffer, which grows and
	 * moves as long cells arrive: every cell read before must still be
	 * whole after. Rows mix short cells, long ones of up to 5,000 bytes,
	 * and Windows-1252 cells that convert to three times their length. */
	kpix_buf in = KPIX_BUF_INIT, want = KPIX_BUF_INIT;
	kpix_buf_adds(&in, "a,b,c\n");
	kpix_buf_adds(&want, "R1:a|b|c\n");
	for (unsigned row = 2; row <= 3000; row++) {
		unsigned long_len = (row * 37) % 5000;
		kpix_buf_printf(&in, "%u,", row);
		kpix_buf_printf(&want, "R%u:%u|", row, row);
		for (unsigned i = 0; i < long_len; i++) {
			kpix_buf_addc(&in, (char)('a' + (row + i) % 26));
			kpix_buf_addc(&want, (char)('a' + (row + i) % 26));
		}
		kpix_buf_addc(&in, ',');
		kpix_buf_addc(&want, '|');
		if (row % 7 == 0) {
			/* 0x80 is the euro sign, 0x93 a left double quote */
			for (unsigned i = 0; i < row % 50; i++) {
				kpix_buf_adds(&in, i % 2 ? "\x93" : "\x80");
				kpix_buf_adds(&want, i % 2 ? "\xe2\x80\x9c" : "\xe2\x82\xac");
			}
		} else {
			kpix_buf_printf(&in, "x%u", row);
			kpix_buf_printf(&want, "x%u", row);
		}
		kpix_buf_addc(&in, '\n');
		kpix_buf_addc(&want, '\n');
		if (row == 7) { /* the first non-ASCII cell: the warning comes first */
			size_t at = want.len - 1;
			while (want.data[at - 1] != '\n')
				at--;
			char *rest = kpix_xstrdup(want.data + at);
			want.len = at;
			kpix_buf_adds(&want, "P7:3:encoding-converted(w)\n");
			kpix_buf_adds(&want, rest);
			free(rest);
		}
	}
	char *got = read_with(in.data, in.len, KPIX_ENCODING_AUTO, 0, 0, NULL);
	assert_string_equal(got, want.data);
	free(got);
	kpix_buf_free(&in);
	kpix_buf_free(&want);
}

static void reader__a_callback_that_stops_hears_of_nothing_after(void **state)
{
	(void)state;
	kpix_buf in = KPIX_BUF_INIT;
	for (unsigned row = 1; row <= 40000; row++)
		kpix_buf_printf(&in, row == 25001 ? "\"%u\"x\n" : "%u\n", row);
	capture c = {KPIX_BUF_INIT, 25000};
	kpix_csv_config cfg = {0};
	cfg.on_record = on_record;
	cfg.on_problem = on_problem;
	cfg.ctx = &c;
	kpix_csv_stats st;
	assert_int_equal(kpix_csv_read_mem(in.data, in.len, &cfg, &st), 0);
	/* the last line heard is row 25,000's: not the bad quote of row 25,001 */
	const char *last = c.out.data + c.out.len - 1;
	while (last > c.out.data && last[-1] != '\n')
		last--;
	assert_string_equal(last, "R25000:25000\n");
	assert_int_equal(st.records, 25000);
	assert_false(st.complete);
	kpix_buf_free(&c.out);
	kpix_buf_free(&in);
}

static void reader__a_missing_file_is_an_io_error_naming_it(void **state)
{
	(void)state;
	kpix_csv_config cfg = {0};
	kpix_csv_stats st;
	assert_int_equal(kpix_csv_read_file("/nonexistent/q3.csv", &cfg, &st), KPIX_EIO);
	assert_string_equal(kpix_error_last(), "cannot open '/nonexistent/q3.csv': No such file or directory");
}

static void reader__a_directory_is_an_io_error(void **state)
{
	(void)state;
	kpix_csv_config cfg = {0};
	kpix_csv_stats st;
	assert_int_equal(kpix_csv_read_file("/tmp", &cfg, &st), KPIX_EIO);
	assert_non_null(strstr(kpix_error_last(), "Is a directory"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader__keeps_spaces_around_unquoted_cells),
		cmocka_unit_test(reader__strips_a_utf8_byte_order_mark),
		cmocka_unit_test(reader__crlf_line_ends_make_one_record_each),
		cmocka_unit_test(reader__cr_only_and_mixed_line_ends_are_read),
		cmocka_unit_test(reader__a_blank_line_is_a_record_of_its_own),
		cmocka_unit_test(reader__rows_count_records_not_lines),
		cmocka_unit_test(reader__doubled_quotes_inside_quotes_are_one_quote),
		cmocka_unit_test(reader__a_stray_quote_is_reported_and_reading_goes_on),
		cmocka_unit_test(reader__text_after_a_closing_quote_is_malformed),
		cmocka_unit_test(reader__an_unclosed_quote_at_the_end_is_reported),
		cmocka_unit_test(reader__windows_1252_is_converted_with_a_warning),
		cmocka_unit_test(reader__windows_1252_smart_quotes_become_unicode),
		cmocka_unit_test(reader__invalid_utf8_after_valid_utf8_is_an_error),
		cmocka_unit_test(reader__utf8_only_refuses_windows_1252),
		cmocka_unit_test(reader__overlong_utf8_is_invalid),
		cmocka_unit_test(reader__a_nul_byte_is_an_error),
		cmocka_unit_test(reader__a_nul_or_non_ascii_byte_is_found_wherever_it_falls),
		cmocka_unit_test(reader__utf16_is_refused_with_advice),
		cmocka_unit_test(reader__a_cell_over_the_cap_is_cut_and_reported),
		cmocka_unit_test(reader__a_nul_byte_is_reported_with_its_place_in_the_cell),
		cmocka_unit_test(reader__invalid_utf8_is_reported_with_its_bytes_and_place),
		cmocka_unit_test(reader__a_file_of_only_a_byte_order_mark_has_no_records),
		cmocka_unit_test(reader__utf16_without_a_mark_is_refused_with_advice),
		cmocka_unit_test(reader__a_cell_of_megabytes_is_reported_and_reading_goes_on),
		cmocka_unit_test(reader__a_huge_cell_does_not_grow_memory_with_its_size),
		cmocka_unit_test(reader__a_huge_quoted_cell_never_closed_is_one_rejected_row),
		cmocka_unit_test(reader__a_row_wider_than_the_cap_is_reported_with_its_width),
		cmocka_unit_test(reader__a_cell_with_a_nul_byte_is_kept_as_utf8),
		cmocka_unit_test(reader__a_final_line_without_newline_is_read),
		cmocka_unit_test(reader__the_callback_can_stop_reading),
		cmocka_unit_test(reader__cells_of_every_short_length_are_copied_whole),
		cmocka_unit_test(reader__spaces_are_kept_whichever_chunk_they_fall_in),
		cmocka_unit_test(reader__a_space_after_a_closing_quote_is_malformed_in_any_chunk),
		cmocka_unit_test(reader__records_and_problems_keep_their_order_across_many_rows),
		cmocka_unit_test(reader__cells_stay_whole_when_the_row_buffer_grows),
		cmocka_unit_test(reader__a_callback_that_stops_hears_of_nothing_after),
		cmocka_unit_test(reader__a_missing_file_is_an_io_error_naming_it),
		cmocka_unit_test(reader__a_directory_is_an_io_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
