/* Unit tests of schemas that extend others (issue 17, "adapt without
 * copying"): the merge by key, the places problems are reported at (the
 * file and line where the part was written, base or extension), and the
 * extensions refused: cycles, too deep, no identity of their own. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extends.h"
#include "period.h"
#include "schema.h"
#include "testdir.h"
#include "util.h"

/* A small base: two fields, two indicators, two rules, a completeness
 * check and a list. Line numbers matter to the tests below. */
static const char BASE[] =
	"{\n"
	"  \"$kpix\": \"schema/1\",\n"
	"  \"id\": \"base\",\n"
	"  \"version\": \"1\",\n"
	"  \"title\": \"The base\",\n"
	"  \"fields\": [\n"
	"    {\"name\": \"period\", \"type\": \"string\"},\n"
	"    {\"name\": \"indicator\", \"type\": \"string\"},\n"
	"    {\"name\": \"value\", \"type\": \"number\"}\n"
	"  ],\n"
	"  \"indicatorField\": \"indicator\",\n"
	"  \"indicators\": [\n"
	"    {\"code\": \"A1\", \"title\": \"First\", \"unit\": \"percent\", \"target\": 80},\n"
	"    {\"code\": \"B2\", \"title\": \"Second\", \"unit\": \"count\"}\n"
	"  ],\n"
	"  \"rules\": [\n"
	"    {\"code\": \"R-POS\", \"check\": \"value >= 0\", \"message\": \"negative\"},\n"
	"    {\"code\": \"R-SMALL\", \"check\": \"value < 1000\", \"message\": \"too large\"}\n"
	"  ],\n"
	"  \"completeness\": [\n"
	"    {\"code\": \"C-MISSING\", \"message\": \"{indicator} missing\", \"groupBy\": \"period\",\n"
	"     \"periodField\": \"period\", \"require\": \"indicators\"}\n"
	"  ]\n"
	"}\n";

typedef struct {
	char dir[64];
} tmp;

static int setup(void **state)
{
	tmp *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/kpix-test-extends-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	free(testdir_write(t->dir, "base.json", BASE));
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tmp *t = *state;
	remove_tree(t->dir);
	free(t);
	return 0;
}

/* Loads dir/ext.json holding text, with dir as the search path. */
static int load_ext(tmp *t, const char *text, kpix_schema **s)
{
	char *path = testdir_write(t->dir, "ext.json", text);
	int rc = kpix_schema_load(s, path, t->dir);
	free(path);
	return rc;
}

/* Expects the extension text refused with rc and the message
 * "DIR/FILE" followed by after. */
static void expect_refused(tmp *t, const char *text, int rc, const char *file, const char *after)
{
	kpix_schema *s = (kpix_schema *)1;
	int got = load_ext(t, text, &s);
	char *want = kpix_xasprintf("%s/%s%s", t->dir, file, after);
	assert_string_equal(kpix_error_last(), want);
	assert_int_equal(got, rc);
	assert_null(s);
	free(want);
}

#define EXT_HEAD "{\n  \"$kpix\": \"schema/1\",\n  \"extends\": \"base\",\n  \"id\": \"ext\",\n  \"version\": \"2\",\n"

static void extends__entries_merge_by_key_and_new_ones_follow_the_bases(void **state)
{
	tmp *t = *state;
	kpix_schema *s = NULL;
	assert_int_equal(load_ext(t, EXT_HEAD
	                          "  \"indicators\": [\n"
	                          "    {\"code\": \"C3\", \"title\": \"Third\", \"unit\": \"percent\"},\n"
	                          "    {\"code\": \"A1\", \"title\": \"First, renamed\", \"target\": null}\n"
	                          "  ],\n"
	                          "  \"rules\": [{\"code\": \"R-SMALL\", \"$remove\": true}],\n"
	                          "  \"fields\": [{\"name\": \"note\"}]\n"
	                          "}\n",
	                          &s),
	                 0);
	assert_string_equal(s->id, "ext");
	assert_string_equal(s->version, "2");
	assert_string_equal(s->title, "The base");
	/* the base's order, changed in place, then the new */
	assert_int_equal(s->nindicators, 3);
	assert_string_equal(s->indicators[0].code, "A1");
	assert_string_equal(s->indicators[0].title, "First, renamed");
	assert_string_equal(s->indicators[0].unit, "percent"); /* kept from the base */
	assert_int_equal(s->indicators[0].attrs[KPIX_IND_target].kind, KPIX_VAL_NULL); /* null removed it */
	assert_string_equal(s->indicators[2].code, "C3");
	assert_int_equal(s->nrules, 1);
	assert_string_equal(s->rules[0].code, "R-POS");
	assert_int_equal(s->nfields, 4);
	assert_string_equal(s->fields[3].name, "note");
	assert_int_equal(s->ncompleteness, 1);
	/* the base recorded, and read as a file of the schema */
	assert_int_equal(s->ext.nbases, 1);
	assert_string_equal(s->ext.bases[0].id, "base");
	assert_string_equal(s->ext.bases[0].version, "1");
	size_t n;
	const char *const *files = kpix_schema_files(s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(kpix_base_name(files[1]), "base.json");
	/* and what schemas show says of it */
	char *text = kpix_schema_describe(s);
	assert_non_null(strstr(text, "Extends base 1 ("));
	assert_non_null(strstr(text, "  added here:   indicator C3; field note\n"));
	assert_non_null(strstr(text, "  changed here: \"id\"; \"version\"; indicator A1 (title, target)\n"));
	assert_non_null(strstr(text, "  removed here: rule R-SMALL\n"));
	free(text);
	kpix_schema_free(s);
}

static void extends__a_problem_in_the_extension_is_reported_at_its_line(void **state)
{
	expect_refused(*state,
	               EXT_HEAD "  \"indicators\": [\n"
	                        "    {\"code\": \"C3\", \"title\": \"Third\", \"unit\": \"percnt\"}\n"
	                        "  ]\n"
	                        "}\n",
	               KPIX_ESCHEMA, "ext.json",
	               ":7:38: indicators[0].unit: unknown unit 'percnt'; expected one of: percent, per1000, "
	               "count, days, money, ratio, score");
}

static void extends__a_problem_in_a_part_kept_from_the_base_is_reported_in_the_base(void **state)
{
	/* the rule R-POS, from the base, names a field the extension removes:
	 * the failure is at the rule's line in base.json */
	tmp *t = *state;
	kpix_schema *s = (kpix_schema *)1;
	int rc = load_ext(t, EXT_HEAD "  \"fields\": [{\"name\": \"value\", \"$remove\": true}]\n}\n", &s);
	assert_int_equal(rc, KPIX_ESCHEMA);
	char *want = kpix_xasprintf("%s/base.json:17:", t->dir);
	assert_memory_equal(kpix_error_last(), want, strlen(want));
	assert_non_null(strstr(kpix_error_last(), "rules[0]"));
	free(want);
	assert_null(s);
}

static void extends__a_member_kept_in_a_changed_entry_is_reported_in_the_base(void **state)
{
	/* the extension changes A1's title; A1's unit, kept from the base,
	 * is wrong there: reported at base's line 3, the member unit; the
	 * extension's own member at its own line */
	tmp *t = *state;
	free(testdir_write(t->dir, "bad.json",
	                   "{\"$kpix\": \"schema/1\", \"id\": \"bad\", \"version\": \"1\",\n"
	                   " \"fields\": [{\"name\": \"indicator\"}], \"indicatorField\": \"indicator\",\n"
	                   " \"indicators\": [{\"code\": \"A1\", \"title\": \"T\", \"unit\": \"percnt\"}]}\n"));
	expect_refused(t,
	               "{\"$kpix\": \"schema/1\", \"extends\": \"bad\", \"id\": \"x\", \"version\": \"1\",\n"
	               " \"indicators\": [{\"code\": \"A1\", \"title\": \"New\"}]}\n",
	               KPIX_ESCHEMA, "bad.json",
	               ":3:46: indicators[0].unit: unknown unit 'percnt'; expected one of: percent, "
	               "per1000, count, days, money, ratio, score");
	expect_refused(t,
	               "{\"$kpix\": \"schema/1\", \"extends\": \"base\", \"id\": \"x\", \"version\": \"1\",\n"
	               " \"indicators\": [{\"code\": \"A1\", \"decimals\": 11}]}\n",
	               KPIX_ESCHEMA, "ext.json",
	               ":2:32: indicators[0].decimals: expected a whole number from 0 to 10");
}

static void extends__an_extension_needs_an_id_and_version_of_its_own(void **state)
{
	expect_refused(*state, "{\"$kpix\": \"schema/1\", \"extends\": \"base\", \"version\": \"2\"}\n",
	               KPIX_ESCHEMA, "ext.json",
	               ":1:1: a schema that extends another is a schema of its own: give it its own "
	               "\"id\" and \"version\"");
	expect_refused(*state,
	               "{\"$kpix\": \"schema/1\", \"extends\": \"base\", \"id\": \"base\", "
	               "\"version\": \"2\"}\n",
	               KPIX_ESCHEMA, "ext.json",
	               ":1:42: id: the id 'base' is the id of the schema it extends; an extension is "
	               "a schema of its own and needs an id of its own");
}

static void extends__removing_what_the_base_lacks_is_refused(void **state)
{
	expect_refused(*state, EXT_HEAD "  \"rules\": [{\"code\": \"R-NONE\", \"$remove\": true}]\n}\n",
	               KPIX_ESCHEMA, "ext.json",
	               ":6:13: rules[0]: removes the rule 'R-NONE', but the base base has none of that "
	               "code");
	expect_refused(*state,
	               EXT_HEAD "  \"rules\": [{\"code\": \"R-POS\", \"$remove\": true, \"check\": \"1\"}]\n}\n",
	               KPIX_ESCHEMA, "ext.json",
	               ":6:48: rules[0].check: an entry that removes the rule 'R-POS' holds nothing but "
	               "its 'code' and \"$remove\": true");
}

static void extends__a_circle_of_extensions_is_refused(void **state)
{
	tmp *t = *state;
	free(testdir_write(t->dir, "a.json",
	                   "{\"$kpix\": \"schema/1\", \"extends\": \"./b.json\", \"id\": \"a\", "
	                   "\"version\": \"1\"}\n"));
	free(testdir_write(t->dir, "b.json",
	                   "{\"$kpix\": \"schema/1\", \"extends\": \"a.json\", \"id\": \"b\", "
	                   "\"version\": \"1\"}\n"));
	kpix_schema *s = (kpix_schema *)1;
	char *a = kpix_xasprintf("%s/a.json", t->dir);
	assert_int_equal(kpix_schema_load(&s, a, t->dir), KPIX_ESCHEMA);
	char *want = kpix_xasprintf("%s/./b.json:1:23: extends: 'a.json' leads back to a schema that "
	                            "extends it (a.json -> b.json -> a.json): schemas may not extend "
	                            "each other in a circle",
	                            t->dir);
	assert_string_equal(kpix_error_last(), want);
	assert_null(s);
	free(want);
	free(a);
}

static void extends__more_than_eight_levels_are_refused(void **state)
{
	tmp *t = *state;
	/* s0 extends base; sK extends s(K-1); s9 is ten levels above base */
	for (int k = 0; k < 10; k++) {
		char name[16], *text;
		snprintf(name, sizeof(name), "s%d.json", k);
		if (k == 0)
			text = kpix_xasprintf("{\"$kpix\": \"schema/1\", \"extends\": \"base\", \"id\": \"s0\", "
			                      "\"version\": \"1\"}\n");
		else
			text = kpix_xasprintf("{\"$kpix\": \"schema/1\", \"extends\": \"s%d.json\", "
			                      "\"id\": \"s%d\", \"version\": \"1\"}\n",
			                      k - 1, k);
		free(testdir_write(t->dir, name, text));
		free(text);
	}
	kpix_schema *s = NULL;
	char *ok = kpix_xasprintf("%s/s7.json", t->dir);
	assert_int_equal(kpix_schema_load(&s, ok, t->dir), 0); /* s7 -> ... -> s0 -> base: 8 */
	assert_int_equal(s->ext.nbases, 8);
	assert_string_equal(s->ext.bases[7].id, "base");
	kpix_schema_free(s);
	char *deep = kpix_xasprintf("%s/s8.json", t->dir);
	assert_int_equal(kpix_schema_load(&s, deep, t->dir), KPIX_ESCHEMA);
	assert_non_null(strstr(kpix_error_last(), "s0.json:1:23: extends: a schema may be built "
	                                          "on at most 8 others"));
	assert_null(s);
	free(ok);
	free(deep);
}

static void extends__an_unknown_base_is_refused_at_extends(void **state)
{
	expect_refused(*state,
	               "{\"$kpix\": \"schema/1\", \"extends\": \"bsae\", \"id\": \"x\", \"version\": \"1\"}\n",
	               KPIX_ESCHEMA, "ext.json",
	               ":1:23: extends: no schema 'bsae' to extend: it is not the id of a schema on "
	               "the search path (see 'kpix schemas list'); a file is named by a path, such as "
	               "'./bsae.json'");
}

static void extends__a_base_found_by_id_must_have_that_id(void **state)
{
	tmp *t = *state;
	free(testdir_write(t->dir, "other.json",
	                   "{\"$kpix\": \"schema/1\", \"id\": \"base\", \"version\": \"1\", "
	                   "\"fields\": [{\"name\": \"a\"}]}\n"));
	char *after = kpix_xasprintf(":1:23: extends: %s/other.json, found for 'other', has the "
	                             "id 'base': a schema looked up by id must have that id",
	                             t->dir);
	expect_refused(t,
	               "{\"$kpix\": \"schema/1\", \"extends\": \"other\", \"id\": \"x\", \"version\": \"1\"}\n",
	               KPIX_ESCHEMA, "ext.json", after);
	free(after);
}

static void extends__a_reference_file_of_the_base_is_found_beside_the_base(void **state)
{
	tmp *t = *state;
	char *sub = kpix_xasprintf("%s/lib", t->dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	free(testdir_write(sub, "areas.csv", "name\nNorth\nSouth\n"));
	free(testdir_write(sub, "areas-base.json",
	                   "{\"$kpix\": \"schema/1\", \"id\": \"areas-base\", \"version\": \"1\",\n"
	                   " \"fields\": [{\"name\": \"area\"}],\n"
	                   " \"foreignKeys\": [{\"fields\": \"area\", \"reference\": "
	                   "{\"resource\": \"areas.csv\", \"fields\": \"name\"}}]}\n"));
	kpix_schema *s = NULL;
	assert_int_equal(load_ext(t,
	                          "{\"$kpix\": \"schema/1\", \"extends\": \"lib/areas-base.json\", "
	                          "\"id\": \"x\", \"version\": \"1\"}\n",
	                          &s),
	                 0);
	assert_int_equal(s->nfkeys, 1);
	char *want = kpix_xasprintf("%s/areas.csv", sub);
	assert_string_equal(s->fkeys[0].file, want);
	free(want);
	kpix_schema_free(s);
	free(sub);
}

static void extends__from_makes_an_indicator_due_only_from_that_quarter(void **state)
{
	tmp *t = *state;
	kpix_schema *s = NULL;
	assert_int_equal(load_ext(t, EXT_HEAD "  \"indicators\": [\n"
	                                      "    {\"code\": \"C3\", \"title\": \"T\", \"from\": \"2025-26 Q2\"},\n"
	                                      "    {\"code\": \"D4\", \"title\": \"T\", \"from\": \"2026-27\"}\n"
	                                      "  ]\n}\n",
	                          &s),
	                 0);
	int c3 = s->indicators[2].from_index, d4 = s->indicators[3].from_index;
	assert_int_equal(s->indicators[0].from_index, -1);
	assert_false(kpix_period_since("2025-26 Q1", 10, c3));
	assert_true(kpix_period_since("2025-26 Q2", 10, c3));
	assert_true(kpix_period_since("2026-27 Q1", 10, c3));
	assert_true(kpix_period_since("2025-26", 7, c3));    /* a year with a due quarter */
	assert_false(kpix_period_since("2025-26 Q4", 10, d4)); /* a year counts from its Q1 */
	assert_true(kpix_period_since("2026-27 Q1", 10, d4));
	assert_true(kpix_period_since("March 2026", 10, d4)); /* not a period: asked for */
	assert_true(kpix_period_since("2020-21 Q1", 10, -1));
	char *text = kpix_schema_describe(s);
	assert_non_null(strstr(text, ", due from 2025-26 Q2\n"));
	free(text);
	kpix_schema_free(s);
	expect_refused(t, EXT_HEAD "  \"indicators\": [{\"code\": \"C3\", \"title\": \"T\", \"from\": \"Q2\"}]\n}\n",
	               KPIX_ESCHEMA, "ext.json",
	               ":6:47: indicators[0].from: expected the first period the indicator is due in, "
	               "a financial year and quarter such as \"2025-26 Q1\" or a year such as "
	               "\"2025-26\"");
}

static void extends__references_are_files_beside_or_ids(void **state)
{
	(void)state;
	char *p = kpix_schema_ref_beside("my-kpi.json", "/packs/board.json");
	assert_string_equal(p, "/packs/my-kpi.json");
	free(p);
	p = kpix_schema_ref_beside("../s/my-kpi.json", "defs/board.json");
	assert_string_equal(p, "defs/../s/my-kpi.json");
	free(p);
	p = kpix_schema_ref_beside("my-kpi.json", "board.json");
	assert_string_equal(p, "my-kpi.json");
	free(p);
	p = kpix_schema_ref_beside("/abs/x.json", "defs/board.json");
	assert_string_equal(p, "/abs/x.json");
	free(p);
	assert_null(kpix_schema_ref_beside("council-kpi-quarterly", "defs/board.json"));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(extends__entries_merge_by_key_and_new_ones_follow_the_bases),
		T(extends__a_problem_in_the_extension_is_reported_at_its_line),
		T(extends__a_problem_in_a_part_kept_from_the_base_is_reported_in_the_base),
		T(extends__a_member_kept_in_a_changed_entry_is_reported_in_the_base),
		T(extends__an_extension_needs_an_id_and_version_of_its_own),
		T(extends__removing_what_the_base_lacks_is_refused),
		T(extends__a_circle_of_extensions_is_refused),
		T(extends__more_than_eight_levels_are_refused),
		T(extends__an_unknown_base_is_refused_at_extends),
		T(extends__a_base_found_by_id_must_have_that_id),
		T(extends__a_reference_file_of_the_base_is_found_beside_the_base),
		T(extends__from_makes_an_indicator_due_only_from_that_quarter),
		T(extends__references_are_files_beside_or_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
