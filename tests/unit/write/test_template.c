/* test_template.c - kpix_template: both files or neither, the header byte
 * for byte, the same bytes anywhere, never over the schema; and the xlsx
 * module's pieces it relies on (Excel's list limit, column letters). What
 * the workbook holds is read back with openpyxl by tests/readback/template.py. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kpix/kpix.h"
#include "util.h"
#include "xlsx.h"
#include "testdir.h"

typedef struct {
	char dir[64];
	kpix_schema *schema;
	char **written;
	size_t nwritten;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/kpix-test-template-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	kpix_strings_free(f->written, f->nwritten);
	kpix_schema_free(f->schema);
	remove_tree(f->dir);
	free(f);
	return 0;
}

/* The file's bytes (*len of them), or NULL when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	kpix_buf b = KPIX_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		kpix_buf_add(&b, chunk, n);
	fclose(fp);
	*len = b.len;
	return kpix_buf_detach(&b);
}

/* The names in dir, hidden ones too, sorted and joined with spaces; "(none)"
 * when it does not exist. */
static char *listing(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return kpix_xstrdup("(none)");
	kpix_buf b = KPIX_BUF_INIT;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") != 0 && strcmp(names[i]->d_name, "..") != 0)
			kpix_buf_printf(&b, "%s%s", b.len ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return kpix_buf_detach(&b);
}

#define SMALL_SCHEMA                                                                       \
	"{\"$kpix\": \"schema/1\", \"id\": \"small\", \"version\": \"1\",\n"                     \
	" \"fields\": [{\"name\": \"org\", \"constraints\": {\"required\": true}},\n"            \
	"   {\"name\": \"name, in full\"}, {\"name\": \"say \\\"hi\\\"\"},\n"                      \
	"   {\"name\": \"value\", \"type\": \"number\", \"constraints\": {\"minimum\": 0}}]}\n"

static void load_small(fx *f, const char *dir)
{
	char *path = testdir_write(dir, "small.json", SMALL_SCHEMA);
	assert_int_equal(kpix_schema_load(&f->schema, path, NULL), KPIX_OK);
	free(path);
}

static int run_template(fx *f, const char *out, int64_t created)
{
	kpix_strings_free(f->written, f->nwritten);
	f->written = NULL;
	f->nwritten = 0;
	kpix_template_options opts = KPIX_TEMPLATE_OPTIONS_INIT;
	opts.out_dir = out;
	opts.created = created;
	return kpix_template(&f->written, &f->nwritten, f->schema, &opts);
}

static void template__writes_the_header_csv_and_the_workbook(void **state)
{
	fx *f = *state;
	load_small(f, f->dir);
	char *out = kpix_xasprintf("%s/out", f->dir);
	assert_int_equal(run_template(f, out, -1), KPIX_OK);
	assert_int_equal(f->nwritten, 2);
	assert_string_equal(f->written[0], "small-template.csv");
	assert_string_equal(f->written[1], "small-template.xlsx");
	char *names = listing(out);
	assert_string_equal(names, "small-template.csv small-template.xlsx");

	/* the names exactly as the validator compares them, quoted only where
	 * RFC 4180 needs it, and nothing else */
	char *path = kpix_xasprintf("%s/small-template.csv", out);
	size_t len;
	char *csv = read_file(path, &len);
	assert_string_equal(csv, "org,\"name, in full\",\"say \"\"hi\"\"\",value\r\n");
	free(csv);
	free(path);
	path = kpix_xasprintf("%s/small-template.xlsx", out);
	char *xlsx = read_file(path, &len);
	assert_non_null(xlsx);
	assert_true(len > 4 && memcmp(xlsx, "PK\x03\x04", 4) == 0);
	free(xlsx);
	free(path);
	free(names);
	free(out);
}

/* A field named like a formula goes into the CSV header behind an
 * apostrophe, as export's cells do (issue 18): "=HYPERLINK(...)" must not
 * run when the template is opened, nor the full-width ＝ that a spreadsheet
 * may take for "=". The validator reads the name behind the apostrophe, so
 * the template filled in and saved as it is still validates. */
static void template__a_field_named_like_a_formula_is_neutralised_and_still_validates(void **state)
{
	fx *f = *state;
	char *schema = testdir_write(f->dir, "formula.json",
	                          "{\"$kpix\": \"schema/1\", \"id\": \"formula\", \"version\": \"1\",\n"
	                          " \"fields\": [{\"name\": \"=HYPERLINK(\\\"http://x\\\",\\\"y\\\")\"},\n"
	                          "   {\"name\": \"\xef\xbc\x9d" "1+1\"}, {\"name\": \"org\"},\n"
	                          "   {\"name\": \"-5\"}, {\"name\": \"a=b\"}]}\n");
	assert_int_equal(kpix_schema_load(&f->schema, schema, NULL), KPIX_OK);
	char *out = kpix_xasprintf("%s/out", f->dir);
	assert_int_equal(run_template(f, out, -1), KPIX_OK);
	char *path = kpix_xasprintf("%s/formula-template.csv", out);
	size_t len;
	char *csv = read_file(path, &len);
	assert_string_equal(csv, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'\xef\xbc\x9d" "1+1\","
	                         "org,\"'-5\",a=b\r\n");

	/* filled in and validated as it comes back */
	FILE *fp = fopen(path, "ab");
	assert_non_null(fp);
	fputs("a,b,c,d,e\r\n", fp);
	fclose(fp);
	kpix_validator *v;
	assert_int_equal(kpix_validator_new(&v, f->schema, NULL), KPIX_OK);
	assert_int_equal(kpix_validator_add_file(v, path), KPIX_OK);
	const kpix_report *r = kpix_validator_finish(v);
	assert_int_equal(kpix_report_count(r), 0);
	kpix_validator_free(v);
	free(csv);
	free(path);
	free(out);
	free(schema);
}

static void template__the_same_schema_gives_the_same_bytes_in_another_directory(void **state)
{
	fx *f = *state;
	load_small(f, f->dir);
	char *a = kpix_xasprintf("%s/a", f->dir), *b = kpix_xasprintf("%s/b", f->dir);
	char *c = kpix_xasprintf("%s/c", f->dir);
	setenv("TZ", "UTC", 1);
	assert_int_equal(run_template(f, a, -1), KPIX_OK);
	setenv("TZ", "Pacific/Auckland", 1);
	assert_int_equal(run_template(f, b, -1), KPIX_OK);
	/* another date: only the workbook changes */
	assert_int_equal(run_template(f, c, 1700000000), KPIX_OK);
	unsetenv("TZ");
	static const char *const names[] = {"small-template.csv", "small-template.xlsx"};
	for (int i = 0; i < 2; i++) {
		char *pa = kpix_xasprintf("%s/%s", a, names[i]), *pb = kpix_xasprintf("%s/%s", b, names[i]);
		char *pc = kpix_xasprintf("%s/%s", c, names[i]);
		size_t la, lb, lc;
		char *da = read_file(pa, &la), *db = read_file(pb, &lb), *dc = read_file(pc, &lc);
		assert_non_null(da);
		assert_non_null(db);
		assert_non_null(dc);
		assert_int_equal(la, lb);
		assert_memory_equal(da, db, la);
		assert_int_equal(i == 0, la == lc && memcmp(da, dc, la) == 0);
		free(da);
		free(db);
		free(dc);
		free(pa);
		free(pb);
		free(pc);
	}
	free(a);
	free(b);
	free(c);
}

static void template__an_output_that_would_replace_the_schema_is_refused(void **state)
{
	fx *f = *state;
	/* a schema kept under the name its own CSV template would take */
	char *path = testdir_write(f->dir, "small-template.csv", SMALL_SCHEMA);
	assert_int_equal(kpix_schema_load(&f->schema, path, NULL), KPIX_OK);
	assert_int_equal(run_template(f, f->dir, -1), KPIX_EUSAGE);
	assert_non_null(strstr(kpix_error_last(), "small-template.csv"));
	assert_null(f->written);
	char *names = listing(f->dir);
	assert_string_equal(names, "small-template.csv");
	size_t len;
	char *text = read_file(path, &len);
	assert_string_equal(text, SMALL_SCHEMA);
	free(text);
	free(names);
	free(path);
}

static void template__an_output_directory_that_is_a_file_writes_nothing(void **state)
{
	fx *f = *state;
	load_small(f, f->dir);
	char *file = testdir_write(f->dir, "not-a-dir", "x");
	assert_int_equal(run_template(f, file, -1), KPIX_EIO);
	assert_null(f->written);
	assert_int_equal(f->nwritten, 0);
	char *names = listing(f->dir);
	assert_string_equal(names, "not-a-dir small.json");
	free(names);
	free(file);
}

static void template__no_output_directory_is_a_usage_error(void **state)
{
	fx *f = *state;
	load_small(f, f->dir);
	assert_int_equal(run_template(f, NULL, -1), KPIX_EUSAGE);
	assert_int_equal(run_template(f, "", -1), KPIX_EUSAGE);
	assert_string_equal(kpix_error_last(), "no output directory given");
}

static void template__the_shipped_council_schema_gives_both_files(void **state)
{
	fx *f = *state;
	assert_int_equal(kpix_schema_load(&f->schema, KPIX_TEST_DATA "/../schemas/council-kpi-quarterly.json", NULL),
	                 KPIX_OK);
	assert_int_equal(run_template(f, f->dir, -1), KPIX_OK);
	char *names = listing(f->dir);
	assert_string_equal(names,
	                    "council-kpi-quarterly-template.csv council-kpi-quarterly-template.xlsx");
	char *path = kpix_xasprintf("%s/council-kpi-quarterly-template.csv", f->dir);
	size_t len;
	char *csv = read_file(path, &len);
	assert_string_equal(csv, "organisation,period,indicator,breakdown,numerator,denominator,value,"
	                         "target,commentary,action\r\n");
	free(csv);
	free(path);
	free(names);
}

static void xlsx__a_list_fits_in_a_check_up_to_255_characters_without_commas_or_quotes(void **state)
{
	(void)state;
	char long_item[300];
	memset(long_item, 'x', sizeof(long_item));
	long_item[255] = '\0';
	const char *one[] = {long_item};
	assert_true(kpix_xlsx_list_fits(one, 1));
	long_item[255] = 'x';
	long_item[256] = '\0';
	assert_false(kpix_xlsx_list_fits(one, 1));
	/* 127 + 1 + 127 with the comma between them: 255 */
	char a[128], b[129];
	memset(a, 'a', 127);
	a[127] = '\0';
	memset(b, 'b', 127);
	b[127] = '\0';
	const char *two[] = {a, "", b};
	assert_true(kpix_xlsx_list_fits(two, 3)); /* the empty item is left out */
	b[127] = 'b';
	b[128] = '\0';
	assert_false(kpix_xlsx_list_fits(two, 3));
	const char *utf8[] = {"\xc3\xa9\xc3\xa9", "East"};   /* characters, not bytes */
	assert_true(kpix_xlsx_list_fits(utf8, 2));
	const char *comma[] = {"North, upper", "South"};
	assert_false(kpix_xlsx_list_fits(comma, 2));
	const char *quote[] = {"say \"hi\""};
	assert_false(kpix_xlsx_list_fits(quote, 1));
}

static void xlsx__columns_are_named_as_excel_names_them(void **state)
{
	(void)state;
	char name[4];
	static const struct {
		uint16_t col;
		const char *name;
	} cases[] = {{0, "A"}, {25, "Z"}, {26, "AA"}, {51, "AZ"}, {52, "BA"}, {701, "ZZ"},
	             {702, "AAA"}, {16383, "XFD"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kpix_xlsx_column_name(name, cases[i].col);
		assert_string_equal(name, cases[i].name);
	}
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(template__writes_the_header_csv_and_the_workbook),
		T(template__a_field_named_like_a_formula_is_neutralised_and_still_validates),
		T(template__the_same_schema_gives_the_same_bytes_in_another_directory),
		T(template__an_output_that_would_replace_the_schema_is_refused),
		T(template__an_output_directory_that_is_a_file_writes_nothing),
		T(template__no_output_directory_is_a_usage_error),
		T(template__the_shipped_council_schema_gives_both_files),
		cmocka_unit_test(xlsx__a_list_fits_in_a_check_up_to_255_characters_without_commas_or_quotes),
		cmocka_unit_test(xlsx__columns_are_named_as_excel_names_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
