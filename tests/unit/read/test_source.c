/* Unit tests of the record source (source.h): a file opened through it is
 * read by the format's reader, with the shared options and info. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "csvread.h"
#include "source.h"
#include "util.h"

/* "R<row>:cell|cell" per record, "P<row>:<col>:<code>" per problem. */
static int on_record(void *ctx, const kpix_record *rec)
{
	kpix_buf *out = ctx;
	kpix_buf_printf(out, "R%llu%s:", (unsigned long long)rec->row, rec->malformed ? "!" : "");
	for (size_t i = 0; i < rec->ncells; i++)
		kpix_buf_printf(out, "%s%s", i ? "|" : "", rec->cells[i].data);
	kpix_buf_addc(out, '\n');
	return 0;
}

static void on_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row, uint32_t col,
                       const char *value, const char *msg)
{
	(void)sev;
	(void)value;
	(void)msg;
	kpix_buf_printf(ctx, "P%llu:%u:%s\n", (unsigned long long)row, col, code);
}

/* Writes text to a new temporary file; returns its path, to free. */
static char *temp_file(const char *text)
{
	char *path = kpix_xstrdup("/tmp/kpix-test-source-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* What a source opened on a file of text with options o hands over (to
 * free); *info what it said it read. */
static char *read_text(const char *text, const kpix_source_options *o, kpix_source_info *info)
{
	char *path = temp_file(text);
	kpix_source *src;
	assert_int_equal(kpix_source_open(&src, path, o), 0);
	kpix_buf out = KPIX_BUF_INIT;
	kpix_source_handler h = {on_record, on_problem, &out};
	assert_int_equal(kpix_source_read(src, &h), 0);
	*info = *kpix_source_info_get(src);
	kpix_source_close(src);
	unlink(path);
	free(path);
	return kpix_buf_detach(&out);
}

static void source__a_csv_file_hands_over_its_records_and_problems_in_file_order(void **state)
{
	(void)state;
	kpix_source_info info;
	char *out = read_text("\xef\xbb\xbf" "a,b\r\n1,2\r\n\r\nx,\"y\"z\r\n3\r\n", NULL, &info);
	assert_string_equal(out, "R1:a|b\n"
	                         "R2:1|2\n"
	                         "R3:\n"
	                         "P4:2:malformed-quote\n"
	                         "R4!:x\n"
	                         "R5:3\n");
	assert_int_equal(info.records, 5);
	assert_int_equal(info.bytes, 26);
	assert_string_equal(info.encoding, "utf-8 with BOM");
	assert_true(info.complete);
	free(out);
}

static void source__the_info_holds_the_sha256_of_every_byte_read(void **state)
{
	(void)state;
	static const char text[] = "\xef\xbb\xbf" "a,b\r\n1,\"2\"\r\n";
	char want[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_hex(text, sizeof(text) - 1, want);
	kpix_source_info info;
	kpix_source_options o = {.sha256 = true};
	free(read_text(text, &o, &info));
	assert_int_equal(info.bytes, sizeof(text) - 1);
	assert_string_equal(info.sha256, want); /* the byte-order mark included */
	free(read_text(text, NULL, &info)); /* not asked for: not computed */
	assert_string_equal(info.sha256, "");
	/* and for bytes in memory */
	kpix_csv_config cfg = {.on_record = on_record, .sha256 = true};
	kpix_buf out = KPIX_BUF_INIT;
	cfg.ctx = &out;
	assert_int_equal(kpix_csv_read_mem(text, sizeof(text) - 1, &cfg, &info), 0);
	assert_string_equal(info.sha256, want);
	kpix_buf_free(&out);
}

/* on_record for the test below: once the first data row is handed over,
 * puts other bytes at the path (as an editor saves: a new file renamed
 * over the old one). */
typedef struct {
	const char *path;
	bool replaced;
} replacer;

static int replace_at_row_2(void *ctx, const kpix_record *rec)
{
	replacer *r = ctx;
	if (rec->row == 2 && !r->replaced) {
		char *tmp = kpix_xasprintf("%s.new", r->path);
		FILE *f = fopen(tmp, "wb");
		assert_non_null(f);
		fputs("a,b\nother,bytes\n", f);
		assert_int_equal(fclose(f), 0);
		assert_int_equal(rename(tmp, r->path), 0);
		free(tmp);
		r->replaced = true;
	}
	return 0;
}

static void source__a_file_replaced_while_read_has_the_sha256_of_the_bytes_read(void **state)
{
	(void)state;
	/* more than one buffer of the reader, so reading goes on after the
	 * file is replaced */
	kpix_buf text = KPIX_BUF_INIT;
	kpix_buf_add(&text, "a,b\n", 4);
	for (int i = 0; i < 100000; i++)
		kpix_buf_printf(&text, "%d,x\n", i);
	char want[KPIX_SHA256_HEX_SIZE];
	kpix_sha256_hex(text.data, text.len, want);
	char *path = temp_file(text.data);
	replacer r = {path, false};
	kpix_source *src;
	kpix_source_options o = {.sha256 = true};
	assert_int_equal(kpix_source_open(&src, path, &o), 0);
	kpix_source_handler h = {replace_at_row_2, NULL, &r};
	assert_int_equal(kpix_source_read(src, &h), 0);
	const kpix_source_info *info = kpix_source_info_get(src);
	assert_true(r.replaced);
	assert_true(info->complete);
	assert_int_equal(info->records, 100001);
	assert_int_equal(info->bytes, text.len);
	assert_string_equal(info->sha256, want);
	kpix_source_close(src);
	char now[KPIX_SHA256_HEX_SIZE];
	assert_int_equal(kpix_sha256_file(path, now, NULL), 0);
	assert_string_not_equal(now, want);
	unlink(path);
	free(path);
	kpix_buf_free(&text);
}

static void source__the_options_caps_reach_the_reader(void **state)
{
	(void)state;
	kpix_source_options o = {.max_columns = 2};
	kpix_source_info info;
	char *out = read_text("a,b,c\n1,2,3\n", &o, &info);
	assert_string_equal(out, "P1:3:too-many-columns\n"
	                         "R1!:a|b\n"
	                         "P2:3:too-many-columns\n"
	                         "R2!:1|2\n");
	free(out);
}

static void source__a_file_that_cannot_be_opened_fails_at_open_naming_it(void **state)
{
	(void)state;
	kpix_source *src = (kpix_source *)1;
	assert_int_equal(kpix_source_open(&src, "/nonexistent/q3.csv", NULL), KPIX_EIO);
	assert_null(src);
	assert_non_null(strstr(kpix_error_last(), "'/nonexistent/q3.csv'"));
	assert_int_equal(kpix_source_open(&src, "/tmp", NULL), KPIX_EIO);
	assert_null(src);
	kpix_source_close(NULL);
}

static void source__read_file_opens_reads_and_closes(void **state)
{
	(void)state;
	char *path = temp_file("a\n1\n");
	kpix_buf out = KPIX_BUF_INIT;
	kpix_source_handler h = {on_record, NULL, &out};
	assert_int_equal(kpix_source_read_file(path, NULL, &h), 0);
	assert_string_equal(out.data, "R1:a\nR2:1\n");
	assert_int_equal(kpix_source_read_file("/nonexistent/q3.csv", NULL, &h), KPIX_EIO);
	kpix_buf_free(&out);
	unlink(path);
	free(path);
}

/* What kpix_csv_dump_json wrote for text as a file; *rc its result. */
static char *dump(const char *text, int *rc)
{
	char *path = temp_file(text);
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	assert_non_null(f);
	*rc = kpix_csv_dump_json(path, f);
	fclose(f);
	unlink(path);
	free(path);
	return buf;
}

static void source__csv_dump_writes_the_records_as_one_json_line(void **state)
{
	(void)state;
	int rc;
	char *out = dump("a,\"b \"\"q\"\"\"\n\n\xc3\xa9,\\\n", &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "[[\"a\",\"b \\\"q\\\"\"],[],[\"\xc3\xa9\",\"\\\\\"]]\n");
	free(out);
}

static void source__csv_dump_writes_nothing_for_a_file_with_a_problem(void **state)
{
	(void)state;
	int rc;
	char *out = dump("a\n\"b\"x\n", &rc);
	assert_int_equal(rc, KPIX_ERROR);
	assert_string_equal(out, "");
	assert_non_null(strstr(kpix_error_last(), "malformed-quote"));
	free(out);
}

static void source__init_puts_the_defaults_in_place_of_zero_caps(void **state)
{
	(void)state;
	static const kpix_source_ops ops = {NULL, NULL};
	kpix_source src;
	kpix_source_options o = {.encoding = KPIX_ENCODING_UTF8, .max_columns = 7};
	kpix_source_init(&src, &ops, &o);
	assert_ptr_equal(src.ops, &ops);
	assert_int_equal(src.opts.encoding, KPIX_ENCODING_UTF8);
	assert_int_equal(src.opts.max_columns, 7);
	assert_int_equal(src.opts.max_field_bytes, 1024 * 1024);
	assert_int_equal(src.info.records, 0);
	assert_false(src.info.complete);
	assert_string_equal(src.info.encoding, "ascii");
	kpix_source_init(&src, &ops, NULL);
	assert_int_equal(src.opts.max_columns, 16384);
}

/* issue 17: a Data Package's dialect reaches the CSV reader through the
 * source's options */
static void source__a_dialect_sets_the_delimiter_quote_and_initial_spaces(void **state)
{
	(void)state;
	kpix_source_info info;
	kpix_source_options o = {0};
	o.delimiter = ';';
	o.quote = '\'';
	o.skip_initial_space = true;
	char *out = read_text("a; b\n1; 'x;y'\n", &o, &info);
	assert_string_equal(out, "R1:a|b\nR2:1|x;y\n");
	free(out);
	o = (kpix_source_options){0};
	o.delimiter = '\t';
	out = read_text("a\tb\n 1\t2 \n", &o, &info);
	assert_string_equal(out, "R1:a|b\nR2: 1|2 \n");
	free(out);
}

/* issue 17: a header over several rows is handed over as one, its labels
 * joined column by column, with the row of its last */
static void source__a_header_of_two_rows_is_handed_over_as_one(void **state)
{
	(void)state;
	kpix_source_info info;
	kpix_source_options o = {0};
	o.header_rows = 2;
	char *out = read_text("rent,rent,homes\ndue,paid,\n1,2,3\n", &o, &info);
	assert_string_equal(out, "R2:rent due|rent paid|homes\nR3:1|2|3\n");
	free(out);
	o.header_join = "_";
	out = read_text("a,b\nx,y\n", &o, &info);
	assert_string_equal(out, "R2:a_x|b_y\n");
	free(out);
}

/* issue 17: a file without a header row has the fields' names handed over
 * as its header (row 0), and its first row is data */
static void source__a_file_without_a_header_has_the_fields_as_its_header(void **state)
{
	(void)state;
	kpix_source_info info;
	static const char *const fields[] = {"id", "name", NULL};
	kpix_source_options o = {0};
	o.no_header = true;
	o.fields = fields;
	o.nfields = 2;
	char *out = read_text("1,a\n2,b\n", &o, &info);
	assert_string_equal(out, "R0:id|name\nR1:1|a\nR2:2|b\n");
	assert_int_equal(info.records, 2);
	free(out);
}

/* issue 17: with no delimiter given, a header with no comma that splits at
 * ';' (or a tab) into the fields is read so, with a warning on row 1; one
 * that does not split into fields is left as one cell */
static void source__a_semicolon_header_naming_the_fields_is_guessed_with_a_warning(void **state)
{
	(void)state;
	kpix_source_info info;
	static const char *const fields[] = {"id", "name", NULL};
	kpix_source_options o = {0};
	o.fields = fields;
	o.nfields = 2;
	char *out = read_text("id;\"name\"\n1;a,b\n", &o, &info);
	assert_string_equal(out, "P1:0:delimiter-guessed\nR1:id|name\nR2:1|a,b\n");
	free(out);
	out = read_text("\xef\xbb\xbfid\tname\n1\tx\n", &o, &info);
	assert_string_equal(out, "P1:0:delimiter-guessed\nR1:id|name\nR2:1|x\n");
	free(out);
	out = read_text("id;title\n1;a\n", &o, &info); /* title is no field */
	assert_string_equal(out, "R1:id;title\nR2:1;a\n");
	free(out);
	out = read_text("id,name;x\n", &o, &info); /* a comma: CSV */
	assert_string_equal(out, "R1:id|name;x\n");
	free(out);
	o.delimiter = ',';                          /* said: no guess */
	out = read_text("id;name\n", &o, &info);
	assert_string_equal(out, "R1:id;name\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(source__a_csv_file_hands_over_its_records_and_problems_in_file_order),
		cmocka_unit_test(source__the_info_holds_the_sha256_of_every_byte_read),
		cmocka_unit_test(source__a_file_replaced_while_read_has_the_sha256_of_the_bytes_read),
		cmocka_unit_test(source__the_options_caps_reach_the_reader),
		cmocka_unit_test(source__a_file_that_cannot_be_opened_fails_at_open_naming_it),
		cmocka_unit_test(source__read_file_opens_reads_and_closes),
		cmocka_unit_test(source__csv_dump_writes_the_records_as_one_json_line),
		cmocka_unit_test(source__csv_dump_writes_nothing_for_a_file_with_a_problem),
		cmocka_unit_test(source__init_puts_the_defaults_in_place_of_zero_caps),
		cmocka_unit_test(source__a_dialect_sets_the_delimiter_quote_and_initial_spaces),
		cmocka_unit_test(source__a_header_of_two_rows_is_handed_over_as_one),
		cmocka_unit_test(source__a_file_without_a_header_has_the_fields_as_its_header),
		cmocka_unit_test(source__a_semicolon_header_naming_the_fields_is_guessed_with_a_warning),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
