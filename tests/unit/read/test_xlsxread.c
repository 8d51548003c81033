/* Unit tests of the workbook source (xlsxread.h): workbooks written here by
 * libxlsxwriter, as Excel-like programs write them, and archives made here
 * part by part with minizip, for what no writer produces (a 1904 workbook,
 * error values, formulas without a value, damage and hostile content). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "cast.h"
#include "source.h"
#include "util.h"
#include "xlsxread.h"

/* "R<row>:cell|cell" per record ("!" after the row when malformed, "@"
 * after a cell marked as a date),
 * "P<row>:<col>:<code>" per problem; with messages, ": message" after it. */
typedef struct {
	kpix_buf out;
	bool messages;
	int stop_after; /* records to take before asking to stop; 0: all */
	int records;
	bool lengths; /* each cell's length in place of its text */
} seen;

static int on_record(void *ctx, const kpix_record *rec)
{
	seen *s = ctx;
	kpix_buf_printf(&s->out, "R%llu%s:", (unsigned long long)rec->row,
	                rec->malformed ? "!" : "");
	for (size_t i = 0; i < rec->ncells; i++) {
		assert_int_equal(strlen(rec->cells[i].data), rec->cells[i].len);
		if (s->lengths)
			kpix_buf_printf(&s->out, "%s%zu", i ? "|" : "", rec->cells[i].len);
		else
			kpix_buf_printf(&s->out, "%s%s%s", i ? "|" : "", rec->cells[i].data,
			                rec->cells[i].date ? "@" : "");
	}
	kpix_buf_addc(&s->out, '\n');
	return s->stop_after && ++s->records >= s->stop_after;
}

static void on_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row, uint32_t col,
                       const char *value, const char *msg)
{
	seen *s = ctx;
	(void)value;
	kpix_buf_printf(&s->out, "P%llu:%u:%s%s", (unsigned long long)row, col, code,
	                sev == KPIX_SEVERITY_WARNING ? "(w)" : "");
	if (s->messages)
		kpix_buf_printf(&s->out, ": %s", msg);
	kpix_buf_addc(&s->out, '\n');
}

/* What the source kpix_source_open picks for path hands over (to free);
 * *info what it said it read. */
static char *read_path(const char *path, const kpix_source_options *o, bool messages,
                       kpix_source_info *info)
{
	kpix_source *src;
	assert_int_equal(kpix_source_open(&src, path, o), 0);
	seen s = {KPIX_BUF_INIT, messages, 0, 0};
	kpix_source_handler h = {on_record, on_problem, &s};
	assert_int_equal(kpix_source_read(src, &h), 0);
	if (info)
		*info = *kpix_source_info_get(src);
	kpix_source_close(src);
	return s.out.data ? kpix_buf_detach(&s.out) : kpix_xstrdup("");
}

static char *temp_path(const char *ext)
{
	char *path = kpix_xasprintf("/tmp/kpix-test-xlsx-XXXXXX%s", ext);
	int fd = mkstemps(path, (int)strlen(ext));
	assert_true(fd >= 0);
	close(fd);
	return path;
}

/* ------------------------------------------------------ archives by hand */

typedef struct {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text) */
} part;

static void write_zip(const char *path, const part *parts, size_t n)
{
	zipFile z = zipOpen64(path, APPEND_STATUS_CREATE);
	assert_non_null(z);
	for (size_t i = 0; i < n; i++) {
		size_t len = parts[i].len ? parts[i].len : strlen(parts[i].text);
		assert_int_equal(zipOpenNewFileInZip64(z, parts[i].name, NULL, NULL, 0, NULL, 0, NULL,
		                                       Z_DEFLATED, 9, 1),
		                 ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(z, parts[i].text, (unsigned)len), ZIP_OK);
		assert_int_equal(zipCloseFileInZip(z), ZIP_OK);
	}
	assert_int_equal(zipClose(z, NULL), ZIP_OK);
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
           "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELTYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char root_rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" RELTYPE "officeDocument\" "
        "Target=\"xl/workbook.xml\"/></Relationships>";

static const char book_rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"" RELTYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"" RELTYPE "styles\" Target=\"/xl/styles.xml\"/>"
        "<Relationship Id=\"rId3\" Type=\"" RELTYPE "sharedStrings\" Target=\"sharedStrings.xml\"/>"
        "</Relationships>";

static const char book_1900[] = "<workbook " NS "><sheets>"
                                "<sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/>"
                                "</sheets></workbook>";

/* cell formats: 0 General, 1 a date (built-in 14), 2 a percentage (9),
 * 3 dd/mm/yyyy, 4 yyyy-mm-dd hh:mm, 5 [h]:mm, 6 0.0%, 7 #,##0.00 "days",
 * 8 text (@) */
static const char styles[] =
        "<styleSheet " NS "><numFmts count=\"5\">"
        "<numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
        "<numFmt numFmtId=\"165\" formatCode=\"yyyy\\-mm\\-dd\\ hh:mm\"/>"
        "<numFmt numFmtId=\"166\" formatCode=\"[h]:mm\"/>"
        "<numFmt numFmtId=\"167\" formatCode=\"0.0%\"/>"
        "<numFmt numFmtId=\"168\" formatCode=\"#,##0.00&quot; days&quot;\"/>"
        "</numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
        "<cellXfs count=\"9\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"9\"/>"
        "<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/><xf numFmtId=\"166\"/>"
        "<xf numFmtId=\"167\"/><xf numFmtId=\"168\"/><xf numFmtId=\"49\"/></cellXfs>"
        "</styleSheet>";

static const char strings[] = "<sst " NS " count=\"4\" uniqueCount=\"4\">"
                              "<si><t>name</t></si>"
                              "<si><t xml:space=\"preserve\"> spaced </t></si>"
                              "<si><r><t>rich</t></r><r><rPr><b/></rPr><t> text</t></r>"
                              "<rPh><t>PHONETIC</t></rPh></si>"
                              "<si><t>line_x000D_break _x005F_x0041_</t></si>"
                              "</sst>";

/* A workbook of one sheet, Data, whose sheetData is rows (a 1904
 * workbook when date1904), written to a new temporary file (to free). */
static char *sheet_book(const char *rows, bool date1904, const char *after)
{
	char *sheet = kpix_xasprintf("<worksheet " NS "><sheetData>%s</sheetData>%s</worksheet>",
	                             rows, after ? after : "");
	const char *book = date1904 ? "<workbook " NS "><workbookPr date1904=\"1\"/><sheets>"
	                              "<sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/>"
	                              "</sheets></workbook>"
	                            : book_1900;
	part parts[] = {{"_rels/.rels", root_rels, 0},
	                {"xl/workbook.xml", book, 0},
	                {"xl/_rels/workbook.xml.rels", book_rels, 0},
	                {"xl/styles.xml", styles, 0},
	                {"xl/sharedStrings.xml", strings, 0},
	                {"xl/worksheets/sheet1.xml", sheet, 0}};
	char *path = temp_path(".xlsx");
	write_zip(path, parts, sizeof(parts) / sizeof(parts[0]));
	free(sheet);
	return path;
}

static char *read_rows(const char *rows, bool date1904, bool messages)
{
	char *path = sheet_book(rows, date1904, NULL);
	char *out = read_path(path, NULL, messages, NULL);
	unlink(path);
	free(path);
	return out;
}

/* --------------------------------------------------------------- the tests */

static void xlsx__libxlsxwriter_cells_are_read_as_excel_shows_them(void **state)
{
	(void)state;
	char *path = temp_path(".xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *guide = workbook_add_worksheet(wb, "Guide");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Data");
	worksheet_write_string(guide, 0, 0, "not this sheet", NULL);
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_format *pct = workbook_add_format(wb);
	format_set_num_format(pct, "0%");
	lxw_format *money = workbook_add_format(wb);
	format_set_num_format(money, "\"£\"#,##0");
	lxw_format *fill = workbook_add_format(wb);
	format_set_bg_color(fill, 0xFFFF00);
	const char *head[] = {"name", "when", "rate", "count", "ok", "money"};
	for (int c = 0; c < 6; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, head[c], NULL);
	worksheet_write_string(ws, 1, 0, "Ann ", NULL);
	lxw_datetime d = {2024, 4, 1, 0, 0, 0};
	worksheet_write_datetime(ws, 1, 1, &d, date);
	worksheet_write_number(ws, 1, 2, 0.82, pct);
	worksheet_write_number(ws, 1, 3, 0.1, NULL);
	worksheet_write_boolean(ws, 1, 4, 1, NULL);
	worksheet_write_number(ws, 1, 5, 27318904, money);
	/* row 3 left out, row 4 hidden, one cell; a formula with its value */
	lxw_row_col_options hidden = {.hidden = 1};
	worksheet_set_row_opt(ws, 3, LXW_DEF_ROW_HEIGHT, NULL, &hidden);
	worksheet_write_number(ws, 3, 0, 1e20, NULL);
	worksheet_write_formula_num(ws, 3, 3, "=2/3", NULL, 2.0 / 3);
	worksheet_write_boolean(ws, 3, 4, 0, NULL);
	/* merged cells in row 5; rows after the data hold only formatting */
	worksheet_merge_range(ws, 4, 0, 5, 1, "merged", NULL);
	worksheet_write_blank(ws, 8, 2, fill);
	worksheet_set_row(ws, 9, 30, fill);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	kpix_source_info info;
	char *out = read_path(path, NULL, false, &info);
	assert_string_equal(out, "R1:name|when|rate|count|ok|money\n"
	                         "R2:Ann |2024-04-01@|82%|0.1|TRUE|27318904\n"
	                         "R3:\n"
	                         "R4:1e+20|||0.6666666666666666|FALSE|\n"
	                         "R5:merged|||||\n"
	                         "P5:1:merged-cells(w)\n");
	assert_true(info.complete);
	assert_int_equal(info.records, 5);
	assert_string_equal(info.sheet, "Data");
	free(out);

	/* another sheet by name; a name that is not there lists the sheets */
	kpix_source_options o = {.sheet = "guide"};
	out = read_path(path, &o, false, &info);
	assert_string_equal(out, "R1:not this sheet\n");
	assert_string_equal(info.sheet, "Guide");
	free(out);
	o.sheet = "Summary";
	out = read_path(path, &o, true, &info);
	assert_string_equal(out, "P0:0:source-error: the workbook has no sheet named 'Summary'; "
	                         "its sheets are 'Guide', 'Data'\n");
	assert_false(info.complete);
	free(out);
	unlink(path);
	free(path);
}

static void xlsx__without_data_the_first_visible_sheet_is_read(void **state)
{
	(void)state;
	char *path = temp_path(".xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *hidden = workbook_add_worksheet(wb, "Lists");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Return");
	lxw_worksheet *data = workbook_add_worksheet(wb, "Data");
	worksheet_write_string(hidden, 0, 0, "hidden", NULL);
	worksheet_write_string(ws, 0, 0, "visible", NULL);
	worksheet_write_string(data, 0, 0, "hidden data", NULL);
	worksheet_activate(ws);
	worksheet_hide(hidden);
	worksheet_hide(data);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	char *out = read_path(path, NULL, false, NULL);
	assert_string_equal(out, "R1:visible\n");
	free(out);
	unlink(path);
	free(path);
}

static void xlsx__strings_numbers_and_formats(void **state)
{
	(void)state;
	char *out = read_rows(
	        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
	        "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
	        "<c r=\"E1\" t=\"inlineStr\"><is><t>in</t><rPh><t>x</t></rPh></is></c></row>"
	        "<row r=\"2\"><c r=\"A2\" s=\"3\"><v>45383</v></c><c r=\"B2\" s=\"4\"><v>45383.75</v></c>"
	        "<c r=\"C2\" s=\"5\"><v>1.5</v></c><c r=\"D2\" s=\"6\"><v>0.8245</v></c>"
	        "<c r=\"E2\" s=\"7\"><v>12.5</v></c></row>"
	        "<row r=\"3\"><c s=\"2\"><v>-0.05</v></c><c s=\"2\"><v>1.5</v></c>"
	        "<c s=\"8\"><v>7</v></c><c t=\"str\"><f>A1</f><v>text</v></c>"
	        "<c t=\"d\"><v>2024-04-01T00:00:00</v></c></row>"
	        "<row r=\"4\"><c><v>1.0000000000000001E-2</v></c><c><v>0.30000000000000004</v></c>"
	        "<c s=\"99\"><v>3</v></c></row>",
	        false, false);
	assert_string_equal(out, "R1:name| spaced |rich text|line\rbreak _x0041_|in\n"
	                         "R2:2024-04-01@|2024-04-01T18:00:00|36:00:00|82.45%|12.5\n"
	                         "R3:-5%|150%|7|text|2024-04-01@\n"
	                         "R4:0.01|0.30000000000000004|3||\n");
	free(out);
}

/* Every number is handed over as kpix_format_number writes the double
 * its text reads as, whether or not the reader had to read it. */
static void xlsx__numbers_are_written_as_kpix_writes_them(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"0", "-0", "1", "-1", "7", "1200", "-1200", "123456789012345", "1234567890123456",
		"100000000000000", "1000000000000000", "0.0001", "0.00001", "0.00012", "-0.0005",
		"12.50", "012", "1.0", "0.1", "-0.5", "10.05", "3.14159265358979",
		"3.141592653589793", "1E3", "1e-7", "99999999999999.9", "0.000123456789012345",
		"0.30000000000000004", "123456789.123456", "12345678901234.5", "5e-324",
		"1.7976931348623157E+308", "00.5", "-.5", "1.", "0.10",
	};
	size_t n = sizeof(texts) / sizeof(texts[0]);
	kpix_buf rows = KPIX_BUF_INIT, want = KPIX_BUF_INIT;
	kpix_numfmt nf = KPIX_NUMFMT_INIT;
	for (size_t i = 0; i < n; i++) {
		kpix_buf_printf(&rows, "<row r=\"%zu\"><c><v>%s</v></c></row>", i + 1, texts[i]);
		double d;
		char buf[32];
		if (kpix_cast_number(texts[i], strlen(texts[i]), &nf, &d) == 0)
			kpix_format_number(d, buf);
		else
			strcpy(buf, texts[i]);
		kpix_buf_printf(&want, "R%zu:%s\n", i + 1, buf);
	}
	char *out = read_rows(rows.data, false, false);
	assert_string_equal(out, want.data);
	free(out);
	kpix_buf_free(&rows);
	kpix_buf_free(&want);
}

static void xlsx__dates_in_both_date_systems_with_excels_1900_leap_day(void **state)
{
	(void)state;
	const char *rows = "<row r=\"1\"><c s=\"1\"><v>1</v></c><c s=\"1\"><v>59</v></c>"
	                   "<c s=\"1\"><v>60</v></c><c s=\"1\"><v>61</v></c>"
	                   "<c s=\"1\"><v>2958465</v></c><c s=\"1\"><v>2958466</v></c>"
	                   "<c s=\"1\"><v>0</v></c><c s=\"1\"><v>-1</v></c></row>";
	char *out = read_rows(rows, false, false);
	assert_string_equal(out, "R1:1900-01-01@|1900-02-28@|1900-02-29@|1900-03-01@|9999-12-31@|"
	                         "2958466|0|-1\n");
	free(out);
	out = read_rows(rows, true, false);
	assert_string_equal(out, "R1:1904-01-02@|1904-02-29@|1904-03-01@|1904-03-02@|2958465|"
	                         "2958466|1904-01-01@|-1\n");
	free(out);
}

static void xlsx__errors_and_formulas_without_values_are_problems_at_their_cell(void **state)
{
	(void)state;
	char *out = read_rows(
	        "<row r=\"1\"><c t=\"s\"><v>0</v></c><c t=\"s\"><v>0</v></c></row>"
	        "<row r=\"2\"><c r=\"A2\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
	        "<c r=\"B2\"><f>SUM(A1:A3)</f></c></row>"
	        "<row r=\"3\"><c t=\"e\"><v>#N/A</v></c><c><v>4</v></c></row>"
	        "<row r=\"4\"><c><f>NA()</f><v></v></c><c t=\"str\"><f>\"\"</f><v></v></c></row>",
	        false, true);
	assert_string_equal(
	        out, "R1:name|name\n"
	             "P2:1:excel-error: Data!A2 holds the Excel error #DIV/0! (a division by zero), "
	             "not a value; correct the formula or type the value in\n"
	             "P2:2:formula-without-value: Data!B2 holds a formula saved without its value "
	             "(the workbook was written by a program that does not calculate); open the "
	             "workbook in Excel, save it, and send it again, or type the value in\n"
	             "R2:|\n"
	             "P3:1:excel-error: Data!A3 holds the Excel error #N/A (a lookup found no "
	             "value), not a value; correct the formula or type the value in\n"
	             "R3:|4\n"
	             "P4:1:formula-without-value: Data!A4 holds a formula saved without its value "
	             "(the workbook was written by a program that does not calculate); open the "
	             "workbook in Excel, save it, and send it again, or type the value in\n"
	             "R4:|\n");
	free(out);
}

static void xlsx__damaged_cells_and_rows(void **state)
{
	(void)state;
	/* a cell out of order spoils its row; a shared string that is not there too */
	char *out = read_rows("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>2</v></c></row>"
	                      "<row r=\"2\"><c t=\"s\"><v>9</v></c></row>"
	                      "<row r=\"3\"><c><v>3</v></c></row>",
	                      false, true);
	assert_string_equal(out, "P1:1:workbook-error: Data!A1 comes after B1 in the workbook, "
	                         "where cells are kept in order; the workbook is damaged, and the "
	                         "row is not checked\n"
	                         "R1!:|1\n"
	                         "P2:1:workbook-error: Data!A2 refers to shared string '9', but the "
	                         "workbook has 4 shared strings; the workbook is damaged\n"
	                         "R2!:|\n"
	                         "R3:3|\n");
	free(out);
	/* rows out of order, and cells beyond XFD1048576, stop the reading */
	out = read_rows("<row r=\"2\"><c><v>1</v></c></row><row r=\"1\"><c><v>2</v></c></row>", false,
	                true);
	assert_string_equal(out, "R1:\nR2:1\nP2:0:source-error: row 1 of the sheet Data comes "
	                         "after row 2, where rows are kept in order; the workbook is "
	                         "damaged\n");
	free(out);
	out = read_rows("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>", false, false);
	assert_string_equal(out, "P1:0:source-error\n");
	free(out);
	out = read_rows("<row r=\"1048577\"><c><v>1</v></c></row>", false, false);
	assert_string_equal(out, "P0:0:source-error\n");
	free(out);
	out = read_rows("<row r=\"1\"><c r=\"A2\"><v>1</v></c></row>", false, false);
	assert_string_equal(out, "P1:0:source-error\n");
	free(out);
}

static void xlsx__a_document_type_is_refused(void **state)
{
	(void)state;
	const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE worksheet ["
	                     "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">"
	                     "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	                     "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
	                     "<!ENTITY ext SYSTEM \"file:///etc/passwd\">]>"
	                     "<worksheet " NS "><sheetData><row r=\"1\"><c t=\"inlineStr\"><is>"
	                     "<t>&c;&ext;</t></is></c></row></sheetData></worksheet>";
	part parts[] = {{"_rels/.rels", root_rels, 0},
	                {"xl/workbook.xml", book_1900, 0},
	                {"xl/_rels/workbook.xml.rels", book_rels, 0},
	                {"xl/styles.xml", styles, 0},
	                {"xl/sharedStrings.xml", strings, 0},
	                {"xl/worksheets/sheet1.xml", laughs, 0}};
	char *path = temp_path(".xlsx");
	write_zip(path, parts, 6);
	kpix_source_info info;
	char *out = read_path(path, NULL, true, &info);
	assert_string_equal(out, "P0:0:source-error: the workbook's sheet 'Data' "
	                         "(xl/worksheets/sheet1.xml) declares a document type, which no "
	                         "workbook part has; kpix refuses it, as a document type can define "
	                         "entities that expand to gigabytes or read other files\n");
	assert_false(info.complete);
	free(out);
	unlink(path);
	free(path);
}

static void xlsx__a_zip_bomb_is_stopped(void **state)
{
	(void)state;
	/* 40 MiB of blank space inside the sheet compresses about 1000 to 1 */
	size_t pad = (size_t)40 << 20;
	const char *head = "<worksheet " NS "><sheetData><row r=\"1\"><c><v>1</v></c></row>";
	char *sheet = kpix_xmalloc(strlen(head) + pad + 64);
	strcpy(sheet, head);
	memset(sheet + strlen(head), ' ', pad);
	strcpy(sheet + strlen(head) + pad, "</sheetData></worksheet>");
	part parts[] = {{"_rels/.rels", root_rels, 0},
	                {"xl/workbook.xml", book_1900, 0},
	                {"xl/_rels/workbook.xml.rels", book_rels, 0},
	                {"xl/styles.xml", styles, 0},
	                {"xl/sharedStrings.xml", strings, 0},
	                {"xl/worksheets/sheet1.xml", sheet, 0}};
	char *path = temp_path(".xlsx");
	write_zip(path, parts, 6);
	free(sheet);
	kpix_source_info info;
	char *out = read_path(path, NULL, true, &info);
	assert_non_null(strstr(out, "P1:0:source-error: the workbook's sheet 'Data' "
	                            "(xl/worksheets/sheet1.xml) uncompresses to more than 250 times "
	                            "its size, as a 'zip bomb' does"));
	assert_false(info.complete);
	free(out);
	unlink(path);
	free(path);
}

static void xlsx__one_long_shared_string_in_many_cells_is_stopped(void **state)
{
	(void)state;
	/* a 1,000,000-byte shared string, named by 400 cells of 20 bytes each */
	size_t big = 1000000;
	char *sst = kpix_xmalloc(big + 200);
	int n = sprintf(sst, "<sst " NS "><si><t>");
	memset(sst + n, 'x', big);
	strcpy(sst + n + big, "</t></si></sst>");
	kpix_buf rows = KPIX_BUF_INIT;
	for (int r = 1; r <= 40; r++) {
		kpix_buf_printf(&rows, "<row r=\"%d\">", r);
		for (int c = 0; c < 10; c++)
			kpix_buf_adds(&rows, "<c t=\"s\"><v>0</v></c>");
		kpix_buf_adds(&rows, "</row>");
	}
	char *sheet = kpix_xasprintf("<worksheet " NS "><sheetData>%s</sheetData></worksheet>",
	                             rows.data);
	part parts[] = {{"_rels/.rels", root_rels, 0},
	                {"xl/workbook.xml", book_1900, 0},
	                {"xl/_rels/workbook.xml.rels", book_rels, 0},
	                {"xl/styles.xml", styles, 0},
	                {"xl/sharedStrings.xml", sst, 0},
	                {"xl/worksheets/sheet1.xml", sheet, 0}};
	char *path = temp_path(".xlsx");
	write_zip(path, parts, 6);
	kpix_source *src;
	assert_int_equal(kpix_source_open(&src, path, NULL), 0);
	seen s = {KPIX_BUF_INIT, true, 0, 0, true};
	kpix_source_handler h = {on_record, on_problem, &s};
	assert_int_equal(kpix_source_read(src, &h), 0);
	assert_false(kpix_source_info_get(src)->complete);
	assert_non_null(strstr(s.out.data, "R26:1000000|1000000|1000000|1000000|1000000|"));
	assert_int_equal(kpix_source_info_get(src)->records, 26); /* 268 cells: past 256 MiB */
	assert_non_null(strstr(s.out.data, "P27:0:source-error: the sheet Data repeats the "
	                                   "workbook's shared strings to more than 1000 times its "
	                                   "own size, as no real workbook does; kpix stopped "
	                                   "reading it\n"));
	kpix_source_close(src);
	kpix_buf_free(&s.out);
	kpix_buf_free(&rows);
	free(sheet);
	free(sst);
	unlink(path);
	free(path);
}

static void xlsx__damaged_and_cut_short_archives(void **state)
{
	(void)state;
	char *path = sheet_book("<row r=\"1\"><c><v>1</v></c></row>", false, NULL);
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(n > 200 && n < sizeof(buf));

	/* the first half: no list of contents */
	f = fopen(path, "wb");
	fwrite(buf, 1, n / 2, f);
	fclose(f);
	kpix_source_info info;
	char *out = read_path(path, NULL, true, &info);
	assert_string_equal(out, "P0:0:source-error: the file starts as a zip archive (which an "
	                         ".xlsx workbook is) but is damaged or cut short: kpix cannot find "
	                         "the archive's list of contents at its end; save or download the "
	                         "workbook again\n");
	assert_false(info.complete);
	assert_int_equal(info.bytes, n / 2);
	free(out);
	unlink(path);
	free(path);

	/* a part missing: the sheet, then the styles */
	part parts[] = {{"_rels/.rels", root_rels, 0},
	                {"xl/workbook.xml", book_1900, 0},
	                {"xl/_rels/workbook.xml.rels", book_rels, 0},
	                {"xl/sharedStrings.xml", strings, 0},
	                {"xl/styles.xml", styles, 0}};
	path = temp_path(".xlsx");
	write_zip(path, parts, 5);
	out = read_path(path, NULL, true, NULL);
	assert_string_equal(out, "P0:0:source-error: the workbook is damaged: its sheet 'Data' "
	                         "should be at xl/worksheets/sheet1.xml, and is not there\n");
	free(out);
	write_zip(path, parts, 4);
	out = read_path(path, NULL, true, NULL);
	assert_string_equal(out, "P0:0:source-error: the workbook is damaged: its styles part "
	                         "xl/styles.xml is missing\n");
	free(out);
	/* XML cut short */
	part cut[] = {{"_rels/.rels", root_rels, 0},
	              {"xl/workbook.xml", book_1900, 0},
	              {"xl/_rels/workbook.xml.rels", book_rels, 0},
	              {"xl/sharedStrings.xml", strings, 0},
	              {"xl/styles.xml", styles, 0},
	              {"xl/worksheets/sheet1.xml",
	               "<worksheet><sheetData><row r=\"1\"><c><v>1</v></c></row><row r=\"2\"><c>", 0}};
	write_zip(path, cut, 6);
	out = read_path(path, NULL, true, NULL);
	assert_string_equal(out, "R1:1\nP2:0:source-error: the workbook is damaged: its sheet "
	                         "'Data' (xl/worksheets/sheet1.xml) is not well-formed XML (no "
	                         "element found, at line 1, column 69)\n");
	free(out);
	unlink(path);
	free(path);
}

static void xlsx__other_files_are_one_sentence(void **state)
{
	(void)state;
	struct {
		const char *ext;
		part parts[2];
		size_t n;
		const char *start;
	} zips[] = {
		{".ods",
		 {{"mimetype", "application/vnd.oasis.opendocument.spreadsheet", 0},
		  {"content.xml", "<x/>", 0}},
		 2,
		 "the file is an OpenDocument spreadsheet (.ods), which kpix does not read; open it"},
		{".docx", {{"word/document.xml", "<x/>", 0}, {"[Content_Types].xml", "<x/>", 0}}, 2,
		 "the file is a Word document"},
		{".xlsb", {{"xl/workbook.bin", "x", 0}}, 1, "the file is an Excel binary workbook"},
		{".zip", {{"readme.txt", "hello", 0}}, 1, "the file is a zip archive but not an Excel"},
	};
	for (size_t i = 0; i < sizeof(zips) / sizeof(zips[0]); i++) {
		char *path = temp_path(zips[i].ext);
		write_zip(path, zips[i].parts, zips[i].n);
		kpix_source_info info;
		char *out = read_path(path, NULL, true, &info);
		char *want = kpix_xasprintf("P0:0:source-error: %s", zips[i].start);
		assert_memory_equal(out, want, strlen(want));
		assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
		assert_false(info.complete);
		free(want);
		free(out);
		unlink(path);
		free(path);
	}
	struct {
		const char *bytes;
		size_t len;
		const char *start;
	} files[] = {
		{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0\0\0\0\0", 16,
		 "the file is in the old Office format of Excel 97-2003 (.xls)"},
		{"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15, "the file is a PDF document"},
		{"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 36,
		 "the file is not text"},
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *path = temp_path(".csv");
		FILE *f = fopen(path, "wb");
		fwrite(files[i].bytes, 1, files[i].len, f);
		fclose(f);
		kpix_source_info info;
		char *out = read_path(path, NULL, true, &info);
		char *want = kpix_xasprintf("P0:0:source-error: %s", files[i].start);
		assert_memory_equal(out, want, strlen(want));
		assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
		assert_false(info.complete);
		free(want);
		free(out);
		unlink(path);
		free(path);
	}
}

static void xlsx__caps_and_stopping(void **state)
{
	(void)state;
	/* a cell over max_field_bytes spoils its row; max_columns caps a row */
	char *path = sheet_book("<row r=\"1\"><c t=\"inlineStr\"><is><t>0123456789abc</t></is></c>"
	                        "<c><v>1</v></c></row>"
	                        "<row r=\"2\"><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>"
	                        "<row r=\"3\"><c><v>1</v></c></row>",
	                        false, NULL);
	kpix_source_options o = {.max_field_bytes = 10, .max_columns = 2, .sha256 = true};
	kpix_source_info info;
	char *out = read_path(path, &o, false, &info);
	assert_string_equal(out, "P1:1:field-too-large\nR1!:0123456789a|1\n"
	                         "P2:3:too-many-columns\nR2!:1|2\nR3:1|\n");
	assert_int_equal(strlen(info.sha256), 64);
	free(out);

	/* on_record asking to stop: nothing more, and not complete */
	kpix_source *src;
	assert_int_equal(kpix_source_open(&src, path, NULL), 0);
	seen s = {KPIX_BUF_INIT, false, 2, 0};
	kpix_source_handler h = {on_record, on_problem, &s};
	assert_int_equal(kpix_source_read(src, &h), 0);
	assert_string_equal(s.out.data, "R1:0123456789abc|1\nR2:1|2|3\n");
	assert_false(kpix_source_info_get(src)->complete);
	kpix_source_close(src);
	kpix_buf_free(&s.out);
	unlink(path);
	free(path);

	/* bytes in memory read as the file would be */
	path = sheet_book("<row r=\"1\"><c><v>5</v></c></row>", false,
	                  "<mergeCells count=\"1\"><mergeCell ref=\"A1:A1\"/></mergeCells>");
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_int_equal(kpix_xlsx_source_open_mem(&src, "mem.xlsx", buf, n, NULL), 0);
	seen m = {KPIX_BUF_INIT, false, 0, 0};
	kpix_source_handler hm = {on_record, on_problem, &m};
	assert_int_equal(kpix_source_read(src, &hm), 0);
	assert_string_equal(m.out.data, "R1:5\n");
	assert_true(kpix_source_info_get(src)->complete);
	kpix_source_close(src);
	kpix_buf_free(&m.out);
	unlink(path);
	free(path);
}

static void xlsx__column_letters(void **state)
{
	(void)state;
	const struct {
		uint32_t col;
		const char *letters;
	} cases[] = {{0, ""}, {1, "A"}, {26, "Z"}, {27, "AA"}, {702, "ZZ"}, {703, "AAA"},
	             {16384, "XFD"}, {UINT32_MAX, "MWLQKWU"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[8];
		kpix_column_letters(cases[i].col, buf);
		assert_string_equal(buf, cases[i].letters);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(xlsx__column_letters),
		cmocka_unit_test(xlsx__libxlsxwriter_cells_are_read_as_excel_shows_them),
		cmocka_unit_test(xlsx__without_data_the_first_visible_sheet_is_read),
		cmocka_unit_test(xlsx__strings_numbers_and_formats),
		cmocka_unit_test(xlsx__numbers_are_written_as_kpix_writes_them),
		cmocka_unit_test(xlsx__dates_in_both_date_systems_with_excels_1900_leap_day),
		cmocka_unit_test(xlsx__errors_and_formulas_without_values_are_problems_at_their_cell),
		cmocka_unit_test(xlsx__damaged_cells_and_rows),
		cmocka_unit_test(xlsx__a_document_type_is_refused),
		cmocka_unit_test(xlsx__a_zip_bomb_is_stopped),
		cmocka_unit_test(xlsx__one_long_shared_string_in_many_cells_is_stopped),
		cmocka_unit_test(xlsx__damaged_and_cut_short_archives),
		cmocka_unit_test(xlsx__other_files_are_one_sentence),
		cmocka_unit_test(xlsx__caps_and_stopping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
