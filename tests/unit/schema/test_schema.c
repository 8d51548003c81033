/* Unit tests of the schema loader: a schema officers edit by hand must be
 * refused with the place of the mistake (file:line:col and JSON path) and a
 * sentence saying what was expected; a good one must load as written. */
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

#include "schema.h"
#include "util.h"
#include "testdir.h"

#define SHIPPED_SCHEMAS KPIX_TEST_DATA "/../schemas"

/* Each test gets a fresh directory under /tmp, removed afterwards with
 * everything written into it. */
typedef struct {
	char dir[64];
} tmp;

static int tmp_setup(void **state)
{
	tmp *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/kpix-test-schema-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int tmp_teardown(void **state)
{
	tmp *t = *state;
	remove_tree(t->dir);
	free(t);
	return 0;
}

/* Writes text to dir/name and returns the full path (caller frees). */
static char *write_file(const tmp *t, const char *name, const char *text)
{
	char *path = kpix_xasprintf("%s/%s", t->dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Loads json written as dir/t.json and expects failure with rc and the
 * message "<path><after_path>", where after_path starts at the ':' that
 * follows the file name. */
static void expect_refused(void **state, const char *json, int rc, const char *after_path)
{
	tmp *t = *state;
	char *path = write_file(t, "t.json", json);
	kpix_schema *s = (kpix_schema *)1;
	int got = kpix_schema_load(&s, path, NULL);
	char *want = kpix_xasprintf("%s%s", path, after_path);
	assert_string_equal(kpix_error_last(), want);
	assert_int_equal(got, rc);
	assert_null(s);
	free(want);
	free(path);
}

/* Loads json written as dir/<name> and expects success. */
static kpix_schema *load_ok(void **state, const char *name, const char *json)
{
	tmp *t = *state;
	char *path = write_file(t, name, json);
	kpix_schema *s = NULL;
	int rc = kpix_schema_load(&s, path, NULL);
	if (rc != 0)
		fail_msg("load failed (%d): %s", rc, kpix_error_last());
	assert_non_null(s);
	free(path);
	return s;
}

#define HEAD "{\n  \"$kpix\": \"schema/1\", \"id\": \"t\", \"version\": \"1\",\n"

/* ------------------------------------------------------------ keywords */

static void schema__an_unknown_top_level_keyword_is_refused_at_its_position(void **state)
{
	expect_refused(state,
	               "{\n"
	               "  \"$kpix\": \"schema/1\",\n"
	               "  \"id\": \"t\",\n"
	               "  \"version\": \"1\",\n"
	               "  \"feilds\": [{\"name\": \"a\"}]\n"
	               "}\n",
	               KPIX_ESCHEMA,
	               ":5:3: feilds: unknown keyword 'feilds'; did you mean 'fields'? "
	               "Expected one of: $kpix, id, version, "
	               "title, description, source, fields, missingValues, primaryKey, foreignKeys, "
	               "indicatorField, partField, indicators, lists, rules, completeness, fieldsMatch, "
	               "parameters, exports, figures, rag, sector, $schema, uniqueKeys");
}

static void schema__an_unknown_field_keyword_is_refused_with_the_fields_path(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [\n"
	                    "    {\"name\": \"period\"},\n"
	                    "    {\"name\": \"value\", \"type\": \"number\", \"requried\": true}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":5:41: fields[1].requried: unknown keyword 'requried'; expected one of: name, "
	               "title, description, example, type, format, decimalChar, groupChar, bareNumber, "
	               "trueValues, falseValues, missingValues, constraints, rdfType, categories, "
	               "categoriesOrdered");
}

static void schema__an_unknown_constraint_is_refused_not_ignored(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [\n"
	                    "    {\"name\": \"period\"},\n"
	                    "    {\"name\": \"value\", \"constraints\": {\"required\": true, \"minimun\": 0}}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":5:57: fields[1].constraints.minimun: unknown keyword 'minimun'; did you mean 'minimum'? "
	               "Expected one "
	               "of: required, unique, minimum, maximum, minLength, maxLength, pattern, enum, "
	               "exclusiveMinimum, exclusiveMaximum");
}

static void schema__an_unknown_indicator_keyword_is_refused(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"indicator\"}, {\"name\": \"value\", \"type\": \"number\"}],\n"
	                    "  \"indicatorField\": \"indicator\",\n"
	                    "  \"indicators\": [\n"
	                    "    {\"code\": \"REP01\", \"title\": \"Repairs\", \"unit\": \"percent\"},\n"
	                    "    {\"code\": \"REP02\", \"title\": \"Voids\", \"dueln\": [\"Q2\"]}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":7:41: indicators[1].dueln: unknown keyword 'dueln'; did you mean 'dueIn'? "
	               "Expected one of: code, "
	               "part, title, description, unit, decimals, polarity, frequency, dueIn, derivation, "
	               "min, max, breakdowns, target, source, section, question, dataPoint, value, "
	               "calculate, appliesWhen, optional, rag, from");
}

static void schema__an_unknown_rule_keyword_is_refused(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"value\", \"type\": \"number\"}],\n"
	                    "  \"rules\": [\n"
	                    "    {\"code\": \"R1\", \"check\": \"value >= 0\", \"message\": \"negative\",\n"
	                    "     \"serverity\": \"warning\"}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":6:6: rules[0].serverity: unknown keyword 'serverity'; did you mean 'severity'? "
	               "Expected one of: code, "
	               "severity, title, when, check, message, fields");
}

static void schema__positions_count_characters_and_skip_strings_holding_brackets(void **state)
{
	/* brackets, braces, colons and escaped quotes inside strings, and
	 * multi-byte characters, must not throw the position off */
	expect_refused(state,
	               HEAD "  \"title\": \"Rents [\\\"all\\\"] {tenures}: \xc2\xa3, \xe2\x82\xac\",\n"
	                    "  \"fields\": [{\"name\": \"a\", \"description\": \"[x] {y}\"}, {\"name\": \"b\",\n"
	                    "    \"title\": \"Caf\xc3\xa9\", \"typ\": \"number\"}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":5:22: fields[1].typ: unknown keyword 'typ'; did you mean 'type'? "
	               "Expected one of: name, title, "
	               "description, example, type, format, decimalChar, groupChar, bareNumber, "
	               "trueValues, falseValues, missingValues, constraints, rdfType, categories, "
	               "categoriesOrdered");
}

/* -------------------------------------------------------- marker and id */

/* issue 17: a file without "$kpix" is a plain Table Schema, read as it is */
static void schema__a_file_without_the_kpix_marker_is_a_plain_table_schema(void **state)
{
	kpix_schema *s = load_ok(state, "My Table_Schema.json",
	                         "{\n"
	                         "  \"id\": \"https://example.org/x\",\n"
	                         "  \"fields\": [{\"name\": \"a\"}]\n"
	                         "}\n");
	assert_true(s->plain);
	assert_string_equal(s->id, "my-table-schema");
	assert_string_equal(s->version, "unversioned");
	kpix_schema_free(s);
	s = load_ok(state, "v.json", "{\"version\": 2.1, \"fields\": [{\"name\": \"a\"}]}");
	assert_string_equal(s->id, "v");
	assert_string_equal(s->version, "2.1");
	kpix_schema_free(s);
}

/* issue 17: what the Table Schema standard allows is read, foreign
 * metadata is kept aside, and a slip is still an error */
static void schema__a_plain_table_schema_accepts_foreign_properties_but_not_slips(void **state)
{
	kpix_schema *s = load_ok(
		state, "t.json",
		"{\"$schema\": \"https://datapackage.org/profiles/2.0/tableschema.json\",\n"
		" \"name\": \"x\", \"licenses\": [{\"name\": \"CC0\"}], \"homepage\": \"https://x\",\n"
		" \"sources\": [], \"resources\": [],\n"
		" \"title\": {\"fr\": \"Titre\", \"en\": \"Title\"},\n"
		" \"fields\": [{\"name\": \"a\", \"rdfType\": \"https://schema.org/name\",\n"
		"   \"unit\": \"m\", \"x:note\": 1, \"constraints\": {\"jsonSchema\": {}}}]}\n");
	assert_string_equal(s->title, "Title");
	assert_int_equal(s->ignored.n, 7);
	assert_string_equal(s->ignored.items[0], "name");
	assert_string_equal(s->ignored.items[3], "sources");
	assert_string_equal(s->ignored.items[5], "fields[0].unit");
	kpix_schema_free(s);
	expect_refused(state, "{\"fields\": [{\"name\": \"a\", \"tpye\": \"integer\"}]}\n",
	               KPIX_ESCHEMA,
	               ":1:27: fields[0].tpye: unknown keyword 'tpye'; did you mean 'type'? (kpix "
	               "leaves alone a property it does not know, but this one looks like a slip; a "
	               "property of your own may be written 'prefix:tpye')");
	expect_refused(state, "{\"fields\": [{\"name\": \"a\", \"required\": true}]}\n",
	               KPIX_ESCHEMA,
	               ":1:27: fields[0].required: 'required' belongs in \"constraints\", not here");
	expect_refused(state, "{\"feilds\": [{\"name\": \"a\"}]}\n", KPIX_ESCHEMA,
	               ":1:2: feilds: unknown keyword 'feilds'; did you mean 'fields'? (kpix leaves "
	               "alone a property it does not know, but this one looks like a slip; a property "
	               "of your own may be written 'prefix:feilds')");
	/* with "$kpix", a namespaced key is allowed and any other unknown one refused */
	s = load_ok(state, "k.json",
	            HEAD "  \"x:y\": 1, \"fields\": [{\"name\": \"a\", \"ns:z\": 2}]\n}\n");
	assert_false(s->plain);
	kpix_schema_free(s);
}

/* issue 17: uniqueKeys, exclusive bounds, categories and missing values
 * with labels are read */
static void schema__table_schema_2_keywords_are_read(void **state)
{
	kpix_schema *s = load_ok(
		state, "t.json",
		"{\"fields\": [\n"
		"  {\"name\": \"a\", \"type\": \"integer\",\n"
		"   \"constraints\": {\"minimum\": 0, \"exclusiveMinimum\": 0, \"exclusiveMaximum\": 10}},\n"
		"  {\"name\": \"b\", \"categories\": [\"x\", {\"value\": \"y\", \"label\": \"Why\"}]},\n"
		"  {\"name\": \"c\", \"type\": \"integer\", \"categories\": [1, 2, 3],\n"
		"   \"constraints\": {\"enum\": [2, 3, 4]}}],\n"
		" \"missingValues\": [\"\", {\"value\": \"-99\", \"label\": \"refused\"}],\n"
		" \"primaryKey\": \"a\", \"uniqueKeys\": [[\"b\", \"c\"], \"c\"]}\n");
	const kpix_field *a = &s->fields[0], *b = &s->fields[1], *c = &s->fields[2];
	assert_true(a->has_minimum && a->min_exclusive && a->minimum == 0);
	assert_true(a->has_maximum && a->max_exclusive && a->maximum == 10);
	assert_int_equal(b->enum_text.n, 2);
	assert_string_equal(b->enum_text.items[1], "y");
	assert_int_equal(c->enum_text.n, 2);
	assert_true(c->enum_num[0] == 2 && c->enum_num[1] == 3);
	assert_int_equal(a->missing.n, 2);
	assert_string_equal(a->missing.items[1], "-99");
	assert_int_equal(s->npk, 1);
	assert_int_equal(s->nukeys, 2);
	assert_int_equal(s->ukeys[0].nfields, 2);
	assert_int_equal(s->ukeys[1].fields[0], 2);
	assert_true(a->numfmt.special);
	kpix_schema_free(s);
	expect_refused(state, "{\"fields\": [{\"name\": \"a\"}], \"uniqueKeys\": [[\"b\"]]}\n",
	               KPIX_ESCHEMA, ":1:44: uniqueKeys[0]: 'b' is not one of the schema's fields");
}

/* issue 17: every standard type and its formats load; a wrong format is
 * named with the ones the type has */
static void schema__every_table_schema_type_and_format_loads(void **state)
{
	kpix_schema *s = load_ok(
		state, "t.json",
		"{\"fields\": [\n"
		"  {\"name\": \"t\", \"type\": \"time\", \"format\": \"%H:%M\"},\n"
		"  {\"name\": \"dt\", \"type\": \"datetime\", \"format\": \"any\",\n"
		"   \"constraints\": {\"minimum\": \"2020-01-01T00:00:00Z\"}},\n"
		"  {\"name\": \"du\", \"type\": \"duration\"},\n"
		"  {\"name\": \"g\", \"type\": \"geopoint\", \"format\": \"array\"},\n"
		"  {\"name\": \"gj\", \"type\": \"geojson\", \"format\": \"topojson\"},\n"
		"  {\"name\": \"o\", \"type\": \"object\"}, {\"name\": \"ar\", \"type\": \"array\"},\n"
		"  {\"name\": \"e\", \"type\": \"string\", \"format\": \"email\"},\n"
		"  {\"name\": \"d\", \"type\": \"date\", \"format\": \"fmt:%d/%m/%Y\"}]}\n");
	assert_int_equal(s->fields[0].type, KPIX_T_TIME);
	assert_int_equal(s->fields[1].type, KPIX_T_DATETIME);
	assert_true(s->fields[1].has_minimum && s->fields[1].minimum == 1577836800.0);
	assert_string_equal(s->fields[3].format, "array");
	assert_int_equal(s->fields[7].strfmt, KPIX_STR_EMAIL);
	assert_string_equal(s->fields[8].format, "%d/%m/%Y");
	kpix_schema_free(s);
	expect_refused(state, "{\"fields\": [{\"name\": \"g\", \"type\": \"geopoint\", \"format\": \"wkt\"}]}",
	               KPIX_ESCHEMA,
	               ":1:47: fields[0].format: expected the geopoint format default, array or object");
	expect_refused(state, "{\"fields\": [{\"name\": \"t\", \"type\": \"time\", \"format\": \"%M:%S\"}]}",
	               KPIX_ESCHEMA,
	               ":1:43: fields[0].format: the time format '%M:%S' is not one kpix reads: "
	               "pattern has no hour (%H, or %I with %p)");
}

static void schema__a_different_format_marker_is_refused_at_the_marker(void **state)
{
	expect_refused(state,
	               "{\n"
	               "  \"id\": \"t\", \"version\": \"1\",\n"
	               "  \"$kpix\": \"schema/2\",\n"
	               "  \"fields\": [{\"name\": \"a\"}]\n"
	               "}\n",
	               KPIX_ESCHEMA,
	               ":3:3: $kpix: expected \"$kpix\": \"schema/1\" (this kpix reads schema format 1)");
	expect_refused(state,
	               "{\"$kpix\": 1, \"id\": \"t\", \"version\": \"1\", \"fields\": [{\"name\": \"a\"}]}\n",
	               KPIX_ESCHEMA,
	               ":1:2: $kpix: expected \"$kpix\": \"schema/1\" (this kpix reads schema format 1)");
}

static void schema__a_missing_id_or_version_is_refused(void **state)
{
	expect_refused(state,
	               "{\n"
	               "  \"$kpix\": \"schema/1\", \"version\": \"1\",\n"
	               "  \"fields\": [{\"name\": \"a\"}]\n"
	               "}\n",
	               KPIX_ESCHEMA, ":1:1: 'id' is missing; it is required here");
	expect_refused(state,
	               "{\n"
	               "  \"$kpix\": \"schema/1\", \"id\": \"t\",\n"
	               "  \"fields\": [{\"name\": \"a\"}]\n"
	               "}\n",
	               KPIX_ESCHEMA, ":1:1: 'version' is missing; it is required here");
	expect_refused(state,
	               "{\n"
	               "  \"$kpix\": \"schema/1\", \"id\": \"\", \"version\": \"1\",\n"
	               "  \"fields\": [{\"name\": \"a\"}]\n"
	               "}\n",
	               KPIX_ESCHEMA, ":2:24: id: expected a non-empty string");
	expect_refused(state,
	               "{\n"
	               "  \"$kpix\": \"schema/1\", \"id\": \"t\", \"version\": 1,\n"
	               "  \"fields\": [{\"name\": \"a\"}]\n"
	               "}\n",
	               KPIX_ESCHEMA, ":2:35: version: expected a non-empty string");
}

static void schema__an_id_with_capitals_or_underscores_is_refused(void **state)
{
	expect_refused(state,
	               "{\n"
	               "  \"$kpix\": \"schema/1\",\n"
	               "  \"id\": \"Repairs_Monthly\",\n"
	               "  \"version\": \"1\",\n"
	               "  \"fields\": [{\"name\": \"a\"}]\n"
	               "}\n",
	               KPIX_ESCHEMA,
	               ":3:3: id: an id may hold only lower-case letters, digits and '-'");
	expect_refused(state,
	               "{\n"
	               "  \"$kpix\": \"schema/1\",\n"
	               "  \"id\": \"repairs monthly\",\n"
	               "  \"version\": \"1\",\n"
	               "  \"fields\": [{\"name\": \"a\"}]\n"
	               "}\n",
	               KPIX_ESCHEMA,
	               ":3:3: id: an id may hold only lower-case letters, digits and '-'");
}

static void schema__a_shipped_schema_whose_id_differs_from_its_file_name_is_refused(void **state)
{
	/* otherwise 'kpix schemas list' would show other-name while the schema
	 * reports itself, in every report, as repairs-monthly */
	tmp *t = *state;
	char *path = write_file(t, "other-name.json",
	                        "{\"$kpix\": \"schema/1\", \"id\": \"repairs-monthly\", \"version\": \"1\",\n"
	                        " \"fields\": [{\"name\": \"a\"}]}\n");
	kpix_schema *s = NULL;
	assert_int_equal(kpix_schema_load(&s, "other-name", t->dir), KPIX_ESCHEMA);
	assert_null(s);
	assert_non_null(strstr(kpix_error_last(), "repairs-monthly"));
	assert_non_null(strstr(kpix_error_last(), "other-name"));
	/* a file given by its path may be called anything */
	assert_int_equal(kpix_schema_load(&s, path, NULL), KPIX_OK);
	assert_string_equal(kpix_schema_id(s), "repairs-monthly");
	kpix_schema_free(s);
	free(path);
}

/* ----------------------------------------------------------------- JSON */

static void schema__duplicate_json_keys_are_refused(void **state)
{
	/* jansson reports a repeated key; a second "required" could otherwise
	 * silently override the first */
	expect_refused(state,
	               HEAD "  \"fields\": [\n"
	                    "    {\"name\": \"a\", \"type\": \"integer\", \"type\": \"string\"}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":4:43: the schema is not valid JSON: duplicate object key near '\"type\"'");
}

static void schema__invalid_json_is_refused_with_line_and_column(void **state)
{
	expect_refused(state,
	               "{\n"
	               "  \"$kpix\": \"schema/1\",\n"
	               "  \"id\": \"t\",\n"
	               "  \"version\": \"1\",\n"
	               "}\n",
	               KPIX_ESCHEMA, ":5:1: the schema is not valid JSON: string or '}' expected near '}'");
	expect_refused(state, "{", KPIX_ESCHEMA,
	               ":1:1: the schema is not valid JSON: string or '}' expected near end of file");
}

static void schema__a_json_array_at_the_top_is_refused(void **state)
{
	expect_refused(state, "[1, 2]\n", KPIX_ESCHEMA,
	               ":1:1: expected a JSON object at the top of the schema");
}

/* --------------------------------------------------------------- fields */

static void schema__an_unknown_type_is_refused_with_the_list_of_types(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"when\", \"type\": \"timestamp\"}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":3:31: fields[0].type: unknown type 'timestamp'; expected one of: string, "
	               "integer, number, boolean, date, year, yearmonth, any, time, datetime, duration, "
	               "geopoint, geojson, object, array");
}

static void schema__fields_must_be_a_non_empty_list_with_distinct_names(void **state)
{
	expect_refused(state, HEAD "  \"fields\": []\n}\n", KPIX_ESCHEMA,
	               ":3:3: fields: expected \"fields\": a list of at least one field");
	expect_refused(state, HEAD "  \"title\": \"x\"\n}\n", KPIX_ESCHEMA,
	               ":1:1: expected \"fields\": a list of at least one field");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"a\"}, {\"name\": \"b\"},\n"
	                    "             {\"name\": \"a\", \"type\": \"number\"}]\n"
	                    "}\n",
	               KPIX_ESCHEMA, ":4:14: fields[2]: a second field named 'a'; field names must differ");
	expect_refused(state, HEAD "  \"fields\": [{\"type\": \"number\"}]\n}\n", KPIX_ESCHEMA,
	               ":3:14: fields[0]: 'name' is missing; it is required here");
}

static void schema__a_date_format_with_an_unsupported_directive_is_refused(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"d\", \"type\": \"date\", \"format\": \"%d/%m/%Y %H:%M\"}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":3:44: fields[0].format: the date format '%d/%m/%Y %H:%M' is not one kpix "
	               "reads: unsupported directive %H");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"d\", \"type\": \"date\", \"format\": \"%m/%Y\"}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":3:44: fields[0].format: the date format '%m/%Y' is not one kpix reads: "
	               "pattern has no day (%d or %e)");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"e\", \"type\": \"string\", \"format\": \"url\"}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":3:46: fields[0].format: kpix does not know the string format 'url'; expected "
	               "default, email, uri, uuid or binary");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"n\", \"type\": \"number\", \"format\": \"x\"}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":3:46: fields[0].format: kpix does not check the format 'x' of a number field");
}

static void schema__a_pattern_that_does_not_compile_is_refused(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"code\", \"constraints\": {\"pattern\": \"[A-Z\"}}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":3:47: fields[0].constraints.pattern: the pattern does not compile: missing "
	               "terminating ] for character class at character 5");
}

static void schema__an_enum_of_a_number_field_must_hold_numbers(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"score\", \"type\": \"number\",\n"
	                    "    \"constraints\": {\"enum\": [1, \"2.5\", \"high\"]}}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":4:40: fields[0].constraints.enum[2]: 'high' is not a number, but the field is");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"score\", \"type\": \"integer\",\n"
	                    "    \"constraints\": {\"enum\": [1, {\"v\": 2}]}}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":4:33: fields[0].constraints.enum[1]: expected a string or a number");
}

static void schema__bounds_must_suit_the_field_type(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"due\", \"type\": \"date\",\n"
	                    "    \"constraints\": {\"minimum\": \"2025-02-30\"}}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":4:21: fields[0].constraints.minimum: '2025-02-30' is not a valid date");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"due\", \"type\": \"date\",\n"
	                    "    \"constraints\": {\"maximum\": 20250101}}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":4:21: fields[0].constraints.maximum: expected a date as text, as the field is "
	               "of type date");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"name\",\n"
	                    "    \"constraints\": {\"minLength\": -1}}]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":4:21: fields[0].constraints.minLength: expected a whole number of characters, 0 or more");
}

/* ----------------------------------------------------------------- keys */

static void schema__a_primary_key_naming_an_unknown_field_is_refused(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"period\"}, {\"name\": \"indicator\"}],\n"
	                    "  \"primaryKey\": [\"period\", \"indicatr\"]\n"
	                    "}\n",
	               KPIX_ESCHEMA, ":4:3: primaryKey: 'indicatr' is not one of the schema's fields");
}

static void schema__a_foreign_key_to_the_catalogue_needs_a_catalogue(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"indicator\"}],\n"
	                    "  \"foreignKeys\": [\n"
	                    "    {\"fields\": \"indicator\", \"reference\": {\"resource\": \"#indicators\", \"fields\": \"code\"}}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":5:5: foreignKeys[0]: refers to #indicators but the schema has no catalogue");
}

static void schema__a_foreign_key_to_an_unknown_list_is_refused(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"area\"}],\n"
	                    "  \"lists\": {\"regions\": [{\"name\": \"North\"}]},\n"
	                    "  \"foreignKeys\": [\n"
	                    "    {\"fields\": \"area\", \"reference\": {\"resource\": \"#areas\", \"fields\": \"name\"}}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":6:24: foreignKeys[0].reference: there is no list 'areas' under \"lists\"");
}

static void schema__a_foreign_key_to_a_csv_lacking_the_column_is_refused(void **state)
{
	tmp *t = *state;
	char *csv = write_file(t, "areas.csv", "code,manager\nN,A. Patel\nS,R. Hughes\n");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"area\"}],\n"
	                    "  \"foreignKeys\": [\n"
	                    "    {\"fields\": \"area\", \"reference\": {\"resource\": \"areas.csv\", \"fields\": \"name\"}}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":5:24: foreignKeys[0].reference: the reference file 'areas.csv' has no column 'name'");
	free(csv);
}

static void schema__a_foreign_key_to_a_missing_csv_names_the_file(void **state)
{
	tmp *t = *state;
	char *after = kpix_xasprintf(":5:24: foreignKeys[0].reference: cannot read the reference file: "
	                             "cannot open '%s/ref/areas.csv': No such file or directory",
	                             t->dir);
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"area\"}],\n"
	                    "  \"foreignKeys\": [\n"
	                    "    {\"fields\": \"area\", \"reference\": {\"resource\": \"ref/areas.csv\", \"fields\": \"name\"}}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA, after);
	free(after);
}

static void schema__a_reference_csv_is_found_relative_to_the_schema_file(void **state)
{
	tmp *t = *state;
	char *sub = kpix_xasprintf("%s/ref", t->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	char *csv = write_file(t, "ref/areas.csv", "manager,name\nA. Patel,North\nR. Hughes,South\n");
	/* the working directory is not the schema's directory */
	assert_null(strstr(getcwd((char[4096]){0}, 4096), t->dir));
	kpix_schema *s = load_ok(state, "t.json",
	                         HEAD "  \"fields\": [{\"name\": \"area\"}],\n"
	                              "  \"foreignKeys\": [\n"
	                              "    {\"fields\": \"area\", \"reference\": {\"resource\": \"ref/areas.csv\", \"fields\": \"name\"}}\n"
	                              "  ]\n"
	                              "}\n");
	assert_int_equal(s->nfkeys, 1);
	assert_int_equal(s->fkeys[0].kind, KPIX_REF_FILE);
	assert_non_null(kpix_keyset_find(s->fkeys[0].values, "North", 5));
	assert_non_null(kpix_keyset_find(s->fkeys[0].values, "South", 5));
	assert_null(kpix_keyset_find(s->fkeys[0].values, "A. Patel", 8));
	assert_null(kpix_keyset_find(s->fkeys[0].values, "name", 4)); /* the header is not a value */
	assert_int_equal(kpix_keyset_size(s->fkeys[0].values), 2);
	kpix_schema_free(s);
	free(csv);
	free(sub);
}

static void schema__a_list_entry_without_the_referenced_key_is_refused(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"area\"}],\n"
	                    "  \"lists\": {\"areas\": [{\"name\": \"North\"}, {\"nom\": \"South\"}]},\n"
	                    "  \"foreignKeys\": [{\"fields\": \"area\", \"reference\": {\"resource\": \"#areas\", \"fields\": \"name\"}}]\n"
	                    "}\n",
	               KPIX_ESCHEMA, ":4:42: lists.areas[1]: expected an object with a string 'name'");
}

static void schema__fields_match_and_indicator_field_must_be_known(void **state)
{
	expect_refused(state,
	               HEAD "  \"fieldsMatch\": \"loose\",\n"
	                    "  \"fields\": [{\"name\": \"indicator\"}]\n"
	                    "}\n",
	               KPIX_ESCHEMA, ":3:3: fieldsMatch: expected exact, equal, subset, superset or partial");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"indicator\"}],\n"
	                    "  \"indicatorField\": \"indicatr\"\n"
	                    "}\n",
	               KPIX_ESCHEMA, ":4:3: indicatorField: not one of the schema's fields");
}

#define IND_HEAD HEAD "  \"fields\": [{\"name\": \"indicator\"}], \"indicatorField\": \"indicator\",\n"

static void schema__an_indicator_with_a_bad_unit_decimals_or_a_repeated_code_is_refused(void **state)
{
	expect_refused(state,
	               IND_HEAD "  \"indicators\": [{\"code\": \"REP01\", \"title\": \"Repairs\", \"unit\": \"percentage\"}]\n}\n",
	               KPIX_ESCHEMA,
	               ":4:56: indicators[0].unit: unknown unit 'percentage'; expected one of: percent, "
	               "per1000, count, days, money, ratio, score");
	expect_refused(state,
	               IND_HEAD "  \"indicators\": [{\"code\": \"REP01\", \"title\": \"Repairs\", \"decimals\": 1.5}]\n}\n",
	               KPIX_ESCHEMA, ":4:56: indicators[0].decimals: expected a whole number from 0 to 10");
	expect_refused(state,
	               IND_HEAD "  \"indicators\": [{\"code\": \"REP01\", \"title\": \"Repairs\"},\n"
	                        "                 {\"code\": \"REP01\", \"title\": \"Voids\"}]\n}\n",
	               KPIX_ESCHEMA, ":5:18: indicators[1]: a second indicator with the code 'REP01'");
	expect_refused(state,
	               IND_HEAD "  \"indicators\": [{\"code\": \"REP01\"}]\n}\n",
	               KPIX_ESCHEMA, ":4:18: indicators[0]: 'title' is missing; it is required here");
}

/* ---------------------------------------------------------------- rules */

#define RULE_HEAD HEAD "  \"fields\": [{\"name\": \"numerator\", \"type\": \"number\"}, {\"name\": \"value\", \"type\": \"number\"}],\n"

static void schema__a_rule_naming_an_unknown_field_is_refused_with_the_character(void **state)
{
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [\n"
	                         "    {\"code\": \"R1\", \"check\": \"value <= numerator2\", \"message\": \"m\"}\n"
	                         "  ]\n"
	                         "}\n",
	               KPIX_ESCHEMA,
	               ":5:20: rules[0].check: unknown name 'numerator2' (at character 10 of \"value <= "
	               "numerator2\")");
	/* ind.* names need indicatorField */
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [\n"
	                         "    {\"code\": \"R1\", \"when\": \"ind.max is not null\", \"check\": \"value <= 1\", \"message\": \"m\"}\n"
	                         "  ]\n"
	                         "}\n",
	               KPIX_ESCHEMA,
	               ":5:20: rules[0].when: unknown name 'ind.max' (at character 1 of \"ind.max is not null\")");
}

static void schema__a_rule_with_a_syntax_error_is_refused_with_the_character(void **state)
{
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [\n"
	                         "    {\"code\": \"R1\", \"check\": \"value = numerator\", \"message\": \"m\"}\n"
	                         "  ]\n"
	                         "}\n",
	               KPIX_ESCHEMA,
	               ":5:20: rules[0].check: unexpected '=' (compare with '==') (at character 7 of "
	               "\"value = numerator\")");
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [\n"
	                         "    {\"code\": \"R1\", \"check\": \"(value > 0\", \"message\": \"m\"}\n"
	                         "  ]\n"
	                         "}\n",
	               KPIX_ESCHEMA,
	               ":5:20: rules[0].check: expected ')' (at character 11 of \"(value > 0\")");
}

static void schema__two_rules_with_the_same_code_are_refused(void **state)
{
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [\n"
	                         "    {\"code\": \"R1\", \"check\": \"value >= 0\", \"message\": \"m\"},\n"
	                         "    {\"code\": \"R1\", \"check\": \"value <= 100\", \"message\": \"n\"}\n"
	                         "  ]\n"
	                         "}\n",
	               KPIX_ESCHEMA, ":6:5: rules[1]: a second rule with the code 'R1'");
}

static void schema__a_rule_with_an_unknown_severity_is_refused(void **state)
{
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [\n"
	                         "    {\"code\": \"R1\", \"severity\": \"fatal\", \"check\": \"value >= 0\", \"message\": \"m\"}\n"
	                         "  ]\n"
	                         "}\n",
	               KPIX_ESCHEMA,
	               ":5:20: rules[0].severity: unknown severity 'fatal'; expected error or warning");
}

static void schema__a_rule_needs_a_code_a_check_and_a_message(void **state)
{
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [{\"code\": \"R1\", \"check\": \"value >= 0\"}]\n}\n",
	               KPIX_ESCHEMA, ":4:13: rules[0]: 'message' is missing; it is required here");
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [{\"code\": \"R1\", \"message\": \"m\"}]\n}\n",
	               KPIX_ESCHEMA, ":4:13: rules[0]: 'check' is missing; it is required here");
	expect_refused(state,
	               RULE_HEAD "  \"rules\": [{\"code\": \"R 1\", \"check\": \"value >= 0\", \"message\": \"m\"}]\n}\n",
	               KPIX_ESCHEMA,
	               ":4:14: rules[0].code: a rule code may hold only letters, digits, '-', '_' and '.'");
}

static void schema__completeness_without_an_indicator_field_is_refused(void **state)
{
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"period\"}, {\"name\": \"indicator\"}],\n"
	                    "  \"indicators\": [{\"code\": \"REP01\", \"title\": \"Repairs\"}],\n"
	                    "  \"completeness\": [\n"
	                    "    {\"code\": \"MISSING\", \"groupBy\": \"period\", \"require\": \"indicators\",\n"
	                    "     \"message\": \"{indicator} is missing for {period}\"}\n"
	                    "  ]\n"
	                    "}\n",
	               KPIX_ESCHEMA,
	               ":6:5: completeness[0]: completeness needs \"indicatorField\" and an indicator "
	               "catalogue");
}

/* ------------------------------------------------ shipped schemas, lists */

static void schema__a_shipped_schema_is_found_by_id_on_the_search_path(void **state)
{
	(void)state;
	kpix_schema *s = NULL;
	assert_int_equal(kpix_schema_load(&s, "council-kpi-quarterly", "/nonexistent:" SHIPPED_SCHEMAS), 0);
	assert_non_null(s);
	assert_string_equal(kpix_schema_id(s), "council-kpi-quarterly");
	assert_string_equal(kpix_schema_version(s), "2025-26.3");
	assert_string_equal(kpix_schema_title(s), "Council quarterly housing KPI return");
	assert_string_equal(kpix_schema_path(s), SHIPPED_SCHEMAS "/council-kpi-quarterly.json");
	assert_string_equal(kpix_error_last(), "");
	kpix_schema_free(s);
}

static void schema__an_unknown_id_is_not_found_with_advice(void **state)
{
	(void)state;
	kpix_schema *s = (kpix_schema *)1;
	assert_int_equal(kpix_schema_load(&s, "council-kpi-monthly", SHIPPED_SCHEMAS), KPIX_ENOTFOUND);
	assert_null(s);
	assert_string_equal(kpix_error_last(),
	                    "no schema 'council-kpi-monthly': it is not a file and not the id of a "
	                    "shipped schema (see 'kpix schemas list')");
	/* a slip names the id meant; an id that is the stem of a schema per year names those */
	assert_int_equal(kpix_schema_load(&s, "council-kpi-quartely", SHIPPED_SCHEMAS), KPIX_ENOTFOUND);
	assert_string_equal(kpix_error_last(),
	                    "no schema 'council-kpi-quartely': it is not a file and not the id of a "
	                    "shipped schema; did you mean 'council-kpi-quarterly'? (see 'kpix schemas "
	                    "list')");
	/* rsh-tsm, the long-format schema retired by issue 13, names the schemas of each year */
	assert_int_equal(kpix_schema_load(&s, "rsh-tsm", SHIPPED_SCHEMAS), KPIX_ENOTFOUND);
	assert_null(s);
	assert_string_equal(kpix_error_last(),
	                    "no schema 'rsh-tsm': it is not a file and not the id of a shipped "
	                    "schema; did you mean 'rsh-tsm-2023-24', 'rsh-tsm-2024-25' or 'rsh-tsm-2025-26'? "
	                    "(see 'kpix schemas list')");
	assert_int_equal(kpix_schema_load(&s, "rsh-tsm-20", SHIPPED_SCHEMAS), KPIX_ENOTFOUND);
	assert_string_equal(kpix_error_last(),
	                    "no schema 'rsh-tsm-20': it is not a file and not the id of a shipped "
	                    "schema; did you mean 'rsh-tsm-2023-24', 'rsh-tsm-2024-25' or 'rsh-tsm-2025-26'? "
	                    "(see 'kpix schemas list')");
}

static void schema__a_missing_schema_file_is_not_found(void **state)
{
	(void)state;
	kpix_schema *s = (kpix_schema *)1;
	assert_int_equal(kpix_schema_load(&s, "/nonexistent/rents.json", NULL), KPIX_ENOTFOUND);
	assert_null(s);
	assert_string_equal(kpix_error_last(),
	                    "cannot read schema '/nonexistent/rents.json': No such file or directory");
	assert_int_equal(kpix_schema_load(&s, "", NULL), KPIX_EUSAGE);
	assert_string_equal(kpix_error_last(), "no schema given");
}

static void schema__list_gives_the_ids_on_the_search_path_sorted_once_each(void **state)
{
	tmp *t = *state;
	char *a = kpix_xasprintf("%s/one", t->dir), *b = kpix_xasprintf("%s/two", t->dir);
	assert_int_equal(mkdir(a, 0700), 0);
	assert_int_equal(mkdir(b, 0700), 0);
	free(write_file(t, "one/rents-q.json", "{}"));
	free(write_file(t, "one/arrears.json", "{}"));
	free(write_file(t, "one/notes.txt", "not a schema"));
	free(write_file(t, "one/.json", "{}"));
	free(write_file(t, "two/rents-q.json", "{}"));
	free(write_file(t, "two/0-first.json", "{}"));
	free(write_file(t, "two/voids.json", "{}"));
	char *sp = kpix_xasprintf("%s:/nonexistent::%s", a, b);
	char **ids = NULL;
	size_t n = 99;
	assert_int_equal(kpix_schema_list(&ids, &n, sp), 0);
	assert_int_equal(n, 4);
	assert_string_equal(ids[0], "0-first");
	assert_string_equal(ids[1], "arrears");
	assert_string_equal(ids[2], "rents-q");
	assert_string_equal(ids[3], "voids");
	kpix_strings_free(ids, n);

	assert_int_equal(kpix_schema_list(&ids, &n, "/nonexistent"), 0);
	assert_int_equal(n, 0);
	kpix_strings_free(ids, n);
	free(sp);
	free(a);
	free(b);
}

static void schema__list_finds_the_shipped_schemas(void **state)
{
	(void)state;
	char **ids = NULL;
	size_t n = 0;
	assert_int_equal(kpix_schema_list(&ids, &n, SHIPPED_SCHEMAS), 0);
	assert_int_equal(n, 5);
	assert_string_equal(ids[0], "council-kpi-quarterly");
	assert_string_equal(ids[1], "onesource-kpi");
	assert_string_equal(ids[2], "rsh-tsm-2023-24");
	assert_string_equal(ids[3], "rsh-tsm-2024-25");
	assert_string_equal(ids[4], "rsh-tsm-2025-26");
	kpix_strings_free(ids, n);
	/* and each loads */
	kpix_schema *s = NULL;
	assert_int_equal(kpix_schema_load(&s, "onesource-kpi", SHIPPED_SCHEMAS), 0);
	kpix_schema_free(s);
	s = NULL;
	assert_int_equal(kpix_schema_load(&s, "rsh-tsm-2023-24", SHIPPED_SCHEMAS), 0);
	kpix_schema_free(s);
	s = NULL;
	assert_int_equal(kpix_schema_load(&s, "rsh-tsm-2024-25", SHIPPED_SCHEMAS), 0);
	kpix_schema_free(s);
	s = NULL;
	assert_int_equal(kpix_schema_load(&s, "rsh-tsm-2025-26", SHIPPED_SCHEMAS), 0);
	kpix_schema_free(s);
}

static void schema__describe_mentions_every_field_indicator_and_rule(void **state)
{
	(void)state;
	kpix_schema *s = NULL;
	assert_int_equal(kpix_schema_load(&s, "council-kpi-quarterly", SHIPPED_SCHEMAS), 0);
	char *text = kpix_schema_describe(s);
	assert_non_null(text);
	char line[256];
	snprintf(line, sizeof(line), "council-kpi-quarterly 2025-26.3: %s\n", kpix_schema_title(s));
	assert_true(strncmp(text, line, strlen(line)) == 0);
	snprintf(line, sizeof(line), "\nColumns, in this order (%zu):\n", s->nfields);
	assert_non_null(strstr(text, line));
	for (size_t i = 0; i < s->nfields; i++) {
		snprintf(line, sizeof(line), "\n  %s", s->fields[i].name);
		if (!strstr(text, line))
			fail_msg("field %s not described", s->fields[i].name);
	}
	assert_true(s->nindicators > 10);
	for (size_t i = 0; i < s->nindicators; i++) {
		snprintf(line, sizeof(line), "  %-8s %s\n", s->indicators[i].code, s->indicators[i].title);
		if (!strstr(text, line))
			fail_msg("indicator %s not described", s->indicators[i].code);
	}
	for (size_t i = 0; i < s->nrules; i++) {
		snprintf(line, sizeof(line), "\n  %s (", s->rules[i].code);
		if (!strstr(text, line))
			fail_msg("rule %s not described", s->rules[i].code);
	}
	free(text);
	kpix_schema_free(s);
}

/* ------------------------------------------------------- what is loaded */

static const char small_schema[] =
	"{\n"
	"  \"$kpix\": \"schema/1\", \"id\": \"repairs-monthly\", \"version\": \"2025-26.1\",\n"
	"  \"fields\": [\n"
	"    {\"name\": \"period\", \"constraints\": {\"required\": true}},\n"
	"    {\"name\": \"indicator\"},\n"
	"    {\"name\": \"value\", \"type\": \"number\", \"bareNumber\": false, \"groupChar\": \",\",\n"
	"     \"missingValues\": [\"\", \"n/a\"]}\n"
	"  ],\n"
	"  \"missingValues\": [\"\", \"-\"],\n"
	"  \"primaryKey\": [\"period\", \"indicator\"],\n"
	"  \"indicatorField\": \"indicator\",\n"
	"  \"indicators\": [\n"
	"    {\"code\": \"REP01\", \"title\": \"Emergency repairs in time\", \"unit\": \"percent\",\n"
	"     \"decimals\": 1, \"polarity\": \"higher\", \"min\": 0, \"max\": 100, \"dueIn\": [\"Q2\", \"Q4\"],\n"
	"     \"derivation\": {\"numerator\": \"in time\", \"denominator\": \"all\", \"multiplier\": 100}},\n"
	"    {\"code\": \"VOID01\", \"title\": \"Re-let days\", \"unit\": \"days\"}\n"
	"  ],\n"
	"  \"rules\": [\n"
	"    {\"code\": \"RM-MAX\", \"when\": \"ind.max is not null\", \"check\": \"value <= ind.max\",\n"
	"     \"message\": \"{ind.title} above {ind.max}\", \"fields\": [\"value\"]}\n"
	"  ]\n"
	"}\n";

static void schema__fields_and_ind_names_resolve_to_their_slots(void **state)
{
	kpix_schema *s = load_ok(state, "repairs-monthly.json", small_schema);
	assert_int_equal(s->nfields, 3);
	assert_int_equal(s->scope.nrow, 3 + KPIX_IND_NATTRS + 1); /* and prev.<valueField> */
	assert_int_equal(kpix_schema_slot(s, "prev.value", 10), -1); /* no "figures" */
	assert_int_equal(kpix_schema_slot(s, "period", 6), 0);
	assert_int_equal(kpix_schema_slot(s, "value", 5), 2);
	assert_int_equal(kpix_schema_slot(s, "ind.code", 8), 3 + KPIX_IND_code);
	assert_int_equal(kpix_schema_slot(s, "ind.decimals", 12), 3 + KPIX_IND_decimals);
	assert_int_equal(kpix_schema_slot(s, "ind.multiplier", 14), 3 + KPIX_IND_multiplier);
	assert_int_equal(kpix_schema_slot(s, "ind.target", 10), 3 + KPIX_IND_target);
	/* the length counts, not a NUL */
	assert_int_equal(kpix_schema_slot(s, "valueX", 5), 2);
	assert_int_equal(kpix_schema_slot(s, "ind.decimalsX", 12), 3 + KPIX_IND_decimals);
	assert_int_equal(kpix_schema_slot(s, "Value", 5), -1);
	assert_int_equal(kpix_schema_slot(s, "ind.colour", 10), -1);
	assert_int_equal(kpix_schema_slot(s, "ind.", 4), -1);
	assert_int_equal(kpix_schema_slot(s, "val", 3), -1);
	kpix_schema_free(s);
}

static void schema__ind_names_do_not_resolve_without_an_indicator_field(void **state)
{
	kpix_schema *s = load_ok(state, "t.json",
	                         HEAD "  \"fields\": [{\"name\": \"value\", \"type\": \"number\"}]\n}\n");
	assert_int_equal(kpix_schema_slot(s, "value", 5), 0);
	assert_int_equal(kpix_schema_slot(s, "ind.decimals", 12), -1);
	assert_null(kpix_schema_indicator(s, "REP01", 5, NULL, 0));
	assert_string_equal(kpix_schema_title(s), "t"); /* no title: the id */
	assert_string_equal(kpix_schema_description(s), "");
	kpix_schema_free(s);
}

static void schema__an_indicator_is_found_by_code_with_its_attributes(void **state)
{
	kpix_schema *s = load_ok(state, "repairs-monthly.json", small_schema);
	const kpix_indicator *rep = kpix_schema_indicator(s, "REP01", 5, NULL, 0);
	assert_non_null(rep);
	assert_string_equal(rep->title, "Emergency repairs in time");
	assert_int_equal(rep->decimals, 1);
	assert_int_equal(rep->polarity, KPIX_POL_HIGHER);
	assert_int_equal(rep->due_in.n, 2);
	assert_string_equal(rep->due_in.items[1], "Q4");
	assert_int_equal(rep->attrs[KPIX_IND_decimals].kind, KPIX_VAL_NUMBER);
	assert_true(rep->attrs[KPIX_IND_decimals].num == 1);
	assert_true(rep->attrs[KPIX_IND_max].num == 100);
	assert_true(rep->attrs[KPIX_IND_multiplier].num == 100);
	assert_int_equal(rep->attrs[KPIX_IND_target].kind, KPIX_VAL_NULL);
	assert_int_equal(rep->attrs[KPIX_IND_title].kind, KPIX_VAL_STRING);
	assert_memory_equal(rep->attrs[KPIX_IND_title].str, "Emergency repairs in time", 25);
	assert_int_equal(rep->attrs[KPIX_IND_polarity].kind, KPIX_VAL_STRING);
	assert_memory_equal(rep->attrs[KPIX_IND_polarity].str, "higher", 6);

	const kpix_indicator *voids = kpix_schema_indicator(s, "VOID01", 6, NULL, 0);
	assert_non_null(voids);
	assert_string_equal(voids->title, "Re-let days");
	assert_int_equal(voids->decimals, 0); /* the default */
	assert_int_equal(voids->attrs[KPIX_IND_max].kind, KPIX_VAL_NULL);
	assert_int_equal(voids->attrs[KPIX_IND_multiplier].kind, KPIX_VAL_NULL); /* no derivation */

	assert_null(kpix_schema_indicator(s, "REP0", 4, NULL, 0));
	assert_null(kpix_schema_indicator(s, "rep01", 5, NULL, 0));
	assert_null(kpix_schema_indicator(s, "REP011", 6, NULL, 0));
	kpix_schema_free(s);
}

static void schema__missing_values_and_number_formats_are_kept_per_field(void **state)
{
	kpix_schema *s = load_ok(state, "repairs-monthly.json", small_schema);
	assert_int_equal(s->npk, 2);
	assert_int_equal(s->pk[0], 0);
	assert_int_equal(s->pk[1], 1);
	assert_int_equal(s->indicator_field, 1);
	/* the table-level list applies where a field has none of its own */
	assert_int_equal(s->fields[0].missing.n, 2);
	assert_string_equal(s->fields[0].missing.items[1], "-");
	assert_int_equal(s->fields[2].missing.n, 2);
	assert_string_equal(s->fields[2].missing.items[1], "n/a");
	assert_true(s->fields[0].required);
	assert_false(s->fields[1].required);
	assert_int_equal(s->fields[2].type, KPIX_T_NUMBER);
	assert_int_equal(s->fields[2].numfmt.group_char, ',');
	assert_int_equal(s->fields[2].numfmt.decimal_char, '.');
	assert_false(s->fields[2].numfmt.bare_number);
	assert_true(s->fields[1].numfmt.bare_number); /* the default */
	assert_int_equal(s->fields_match, KPIX_MATCH_EXACT);
	assert_int_equal(s->nrules, 1);
	assert_string_equal(s->rules[0].code, "RM-MAX");
	assert_int_equal(s->rules[0].severity, KPIX_SEVERITY_ERROR);
	assert_int_equal(s->rules[0].nabout, 1);
	assert_int_equal(s->rules[0].about[0], 2);
	kpix_schema_free(s);
}

#define T(name) cmocka_unit_test_setup_teardown(name, tmp_setup, tmp_teardown)

/* ------------------------------------------------- hostile schemas (kpix issue 5) */

static void schema__an_empty_or_blank_file_is_refused_as_empty(void **state)
{
	expect_refused(state, "", KPIX_ESCHEMA, ": the schema file is empty");
	expect_refused(state, " \n\t\r\n", KPIX_ESCHEMA, ": the schema file is empty");
}

/* jansson stops at its depth limit (2048) well before 10,000. */
static void schema__json_nested_ten_thousand_deep_is_refused(void **state)
{
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_adds(&b, HEAD "  \"fields\": [{\"name\": \"x\"}], \"description\": ");
	for (int i = 0; i < 10000; i++)
		kpix_buf_addc(&b, '[');
	for (int i = 0; i < 10000; i++)
		kpix_buf_addc(&b, ']');
	kpix_buf_adds(&b, "}\n");
	expect_refused(state, b.data, KPIX_ESCHEMA,
	               ":3:2092: the schema is not valid JSON: maximum parsing depth reached near '['");
	kpix_buf_free(&b);
}

/* A schema whose one rule is x inside depth brackets. */
static void deep_rule(kpix_buf *b, int depth)
{
	kpix_buf_clear(b);
	kpix_buf_adds(b, HEAD "  \"fields\": [{\"name\": \"x\", \"type\": \"number\"}],\n"
	                      "  \"rules\": [{\"code\": \"R\", \"message\": \"m\", \"check\": \"");
	for (int i = 0; i < depth; i++)
		kpix_buf_addc(b, '(');
	kpix_buf_addc(b, 'x');
	for (int i = 0; i < depth; i++)
		kpix_buf_addc(b, ')');
	kpix_buf_adds(b, "\"}]}\n");
}

/* The message for a deep rule: what is wrong, then the 120 brackets
 * around the mistake between ellipses. */
static void deep_rule_message(kpix_buf *want, const char *what)
{
	kpix_buf_clear(want);
	kpix_buf_adds(want, what);
	kpix_buf_adds(want, "\xe2\x80\xa6");
	for (int i = 0; i < 120; i++)
		kpix_buf_addc(want, '(');
	kpix_buf_adds(want, "\xe2\x80\xa6\")");
}

/* A rule of 10,000 brackets is refused for its length, and one within the
 * length for its depth; either way the message quotes only the part of
 * the expression around the mistake. */
static void schema__an_expression_nested_ten_thousand_deep_is_refused_and_quoted_in_part(void **state)
{
	kpix_buf b = KPIX_BUF_INIT, want = KPIX_BUF_INIT;
	deep_rule(&b, 10000);
	deep_rule_message(&want, ":4:43: rules[0].check: expression is longer than 4096 bytes (at "
	                         "character 4097 of the 20001-character expression: \"");
	expect_refused(state, b.data, KPIX_ESCHEMA, want.data);
	deep_rule(&b, 2000);
	deep_rule_message(&want, ":4:43: rules[0].check: expression nests deeper than 64 levels (at "
	                         "character 65 of the 4001-character expression: \"");
	expect_refused(state, b.data, KPIX_ESCHEMA, want.data);
	kpix_buf_free(&b);
	kpix_buf_free(&want);
}

/* ------------------------------------------ many names (kpix issue 18) */

/* 150,000 rules (about 7 MB, within the 16 MiB a schema may be) load, and
 * a code repeated by the last of them is refused at that rule. Each code
 * is checked against those before it in a set, not one by one: this took
 * 226 s when every earlier code was compared. */
static void schema__a_repeated_rule_code_is_found_among_150000_rules(void **state)
{
	enum { N = 150000 };
	kpix_buf b = KPIX_BUF_INIT;
	kpix_buf_adds(&b, HEAD "  \"fields\": [{\"name\": \"x\", \"type\": \"number\"}],\n"
	                       "  \"rules\": [\n");
	for (int i = 0; i < N; i++)
		kpix_buf_printf(&b, "    {\"code\": \"R%d\", \"check\": \"x >= 0\", \"message\": \"m\"}%s\n",
		                i, i + 1 < N ? "," : "");
	kpix_buf_adds(&b, "  ]\n}\n");
	kpix_schema *s = load_ok(state, "many.json", b.data);
	assert_int_equal(s->nrules, N);
	kpix_schema_free(s);

	/* the last rule takes the code of the eighth: line 5 is rules[0] */
	kpix_buf_clear(&b);
	kpix_buf_adds(&b, HEAD "  \"fields\": [{\"name\": \"x\", \"type\": \"number\"}],\n"
	                       "  \"rules\": [\n");
	for (int i = 0; i < N; i++)
		kpix_buf_printf(&b, "    {\"code\": \"R%d\", \"check\": \"x >= 0\", \"message\": \"m\"}%s\n",
		                i + 1 < N ? i : 7, i + 1 < N ? "," : "");
	kpix_buf_adds(&b, "  ]\n}\n");
	expect_refused(state, b.data, KPIX_ESCHEMA,
	               ":150004:5: rules[149999]: a second rule with the code 'R7'");
	kpix_buf_free(&b);
}

/* Parameters, exports and an export's sheets are checked for repeats the
 * same way; sheet names as Excel compares them, without case. */
static void schema__a_repeated_parameter_export_or_sheet_name_is_refused(void **state)
{
#define ONE_SHEET(name) "{\"name\": \"" name "\", \"columns\": [{\"heading\": \"X\", \"value\": \"x\"}]}"
#define EXPORT(name, sheets) \
	"{\"name\": \"" name "\", \"format\": \"xlsx\", \"file\": \"" name ".xlsx\", \"sheets\": [" sheets "]}"
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"x\"}],\n"
	                    "  \"parameters\": [{\"name\": \"a\"}, {\"name\": \"b\"}, {\"name\": \"a\"}]\n}\n",
	               KPIX_ESCHEMA, ":4:48: parameters[2]: a second parameter named 'a'");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"x\"}],\n"
	                    "  \"exports\": [" EXPORT("e", ONE_SHEET("S")) ",\n"
	                    "    " EXPORT("e", ONE_SHEET("S")) "]\n}\n",
	               KPIX_ESCHEMA, ":5:5: exports[1]: a second export named 'e'");
	expect_refused(state,
	               HEAD "  \"fields\": [{\"name\": \"x\"}],\n"
	                    "  \"exports\": [" EXPORT("e", ONE_SHEET("Data") ",\n    " ONE_SHEET("DATA")) "]\n}\n",
	               KPIX_ESCHEMA,
	               ":5:5: exports[0].sheets[1]: a second sheet named 'DATA' (Excel ignores case)");
	kpix_schema *s = load_ok(state, "t.json",
	                         HEAD "  \"fields\": [{\"name\": \"x\"}],\n"
	                              "  \"exports\": [" EXPORT("e", ONE_SHEET("Data") ", "
	                                                              ONE_SHEET("Dat\xc3\xa4")) "]\n}\n");
	kpix_schema_free(s);
#undef ONE_SHEET
#undef EXPORT
}


/* issue 17: a schema inside another document (a Data Package resource's
 * inline schema) loads, and its problems are placed by the whole path */
static void schema__a_schema_inside_a_document_loads_with_its_place_in_messages(void **state)
{
	(void)state;
	const char *text = "{\"resources\": [\n"
	                   "  {\"name\": \"r\", \"schema\": {\"fields\": [{\"name\": \"a\", \"type\": \"integer\"}]}},\n"
	                   "  {\"name\": \"s\", \"schema\": {\"fields\": [{\"name\": \"a\", \"type\": \"integr\"}]}}]}\n";
	kpix_json_doc *doc;
	assert_int_equal(kpix_json_parse(&doc, "dir/datapackage.json", text, strlen(text), "package"), 0);
	const kpix_json *res = kpix_json_get(kpix_json_root(doc), "resources");
	kpix_schema *s = NULL;
	kpix_json_set_base(doc, "resources[0].schema");
	assert_int_equal(kpix_schema_load_value(&s, "dir/r", doc,
	                                        kpix_json_get(kpix_json_at(res, 0), "schema"), "dir"),
	                 0);
	assert_string_equal(s->id, "r");
	assert_string_equal(s->dir, "dir");
	assert_int_equal(s->fields[0].type, KPIX_T_INTEGER);
	kpix_schema_free(s);
	kpix_json_set_base(doc, "resources[1].schema");
	assert_int_equal(kpix_schema_load_value(&s, "dir/s", doc,
	                                        kpix_json_get(kpix_json_at(res, 1), "schema"), NULL),
	                 KPIX_ESCHEMA);
	assert_null(s);
	assert_non_null(strstr(kpix_error_last(), "dir/datapackage.json:3:53: "
	                                          "resources[1].schema.fields[0].type: unknown type 'integr'"));
	kpix_json_free(doc);
	assert_int_equal(kpix_schema_load_text(&s, "t.json", "{\"fields\": [{\"name\": \"x\"}]}", 27, "/tmp"), 0);
	assert_string_equal(s->dir, "/tmp");
	kpix_schema_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(schema__an_empty_or_blank_file_is_refused_as_empty),
		T(schema__json_nested_ten_thousand_deep_is_refused),
		T(schema__an_expression_nested_ten_thousand_deep_is_refused_and_quoted_in_part),
		T(schema__an_unknown_top_level_keyword_is_refused_at_its_position),
		T(schema__an_unknown_field_keyword_is_refused_with_the_fields_path),
		T(schema__an_unknown_constraint_is_refused_not_ignored),
		T(schema__an_unknown_indicator_keyword_is_refused),
		T(schema__an_unknown_rule_keyword_is_refused),
		T(schema__positions_count_characters_and_skip_strings_holding_brackets),
		T(schema__a_file_without_the_kpix_marker_is_a_plain_table_schema),
		T(schema__a_plain_table_schema_accepts_foreign_properties_but_not_slips),
		T(schema__table_schema_2_keywords_are_read),
		T(schema__every_table_schema_type_and_format_loads),
		T(schema__a_schema_inside_a_document_loads_with_its_place_in_messages),
		T(schema__a_different_format_marker_is_refused_at_the_marker),
		T(schema__a_missing_id_or_version_is_refused),
		T(schema__an_id_with_capitals_or_underscores_is_refused),
		T(schema__a_shipped_schema_whose_id_differs_from_its_file_name_is_refused),
		T(schema__duplicate_json_keys_are_refused),
		T(schema__invalid_json_is_refused_with_line_and_column),
		T(schema__a_json_array_at_the_top_is_refused),
		T(schema__an_unknown_type_is_refused_with_the_list_of_types),
		T(schema__fields_must_be_a_non_empty_list_with_distinct_names),
		T(schema__a_date_format_with_an_unsupported_directive_is_refused),
		T(schema__a_pattern_that_does_not_compile_is_refused),
		T(schema__an_enum_of_a_number_field_must_hold_numbers),
		T(schema__bounds_must_suit_the_field_type),
		T(schema__a_primary_key_naming_an_unknown_field_is_refused),
		T(schema__a_foreign_key_to_the_catalogue_needs_a_catalogue),
		T(schema__a_foreign_key_to_an_unknown_list_is_refused),
		T(schema__a_foreign_key_to_a_csv_lacking_the_column_is_refused),
		T(schema__a_foreign_key_to_a_missing_csv_names_the_file),
		T(schema__a_reference_csv_is_found_relative_to_the_schema_file),
		T(schema__a_list_entry_without_the_referenced_key_is_refused),
		T(schema__fields_match_and_indicator_field_must_be_known),
		T(schema__an_indicator_with_a_bad_unit_decimals_or_a_repeated_code_is_refused),
		T(schema__a_rule_naming_an_unknown_field_is_refused_with_the_character),
		T(schema__a_rule_with_a_syntax_error_is_refused_with_the_character),
		T(schema__two_rules_with_the_same_code_are_refused),
		T(schema__a_repeated_rule_code_is_found_among_150000_rules),
		T(schema__a_repeated_parameter_export_or_sheet_name_is_refused),
		T(schema__a_rule_with_an_unknown_severity_is_refused),
		T(schema__a_rule_needs_a_code_a_check_and_a_message),
		T(schema__completeness_without_an_indicator_field_is_refused),
		T(schema__a_shipped_schema_is_found_by_id_on_the_search_path),
		T(schema__an_unknown_id_is_not_found_with_advice),
		T(schema__a_missing_schema_file_is_not_found),
		T(schema__list_gives_the_ids_on_the_search_path_sorted_once_each),
		T(schema__list_finds_the_shipped_schemas),
		T(schema__describe_mentions_every_field_indicator_and_rule),
		T(schema__fields_and_ind_names_resolve_to_their_slots),
		T(schema__ind_names_do_not_resolve_without_an_indicator_field),
		T(schema__an_indicator_is_found_by_code_with_its_attributes),
		T(schema__missing_values_and_number_formats_are_kept_per_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
