/* Unit tests of the scope: the one layout of the names an expression may
 * use. What the validator and the export rely on is that every name gets a
 * slot of its own, laid out in the documented order, so that a row's
 * values, the figures and the parameters can be copied in as blocks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "keyset.h"
#include "scope.h"

static int slot(const kpix_scope *sc, kpix_scope_kind kind, const char *name)
{
	return kpix_scope_slot(sc, kind, name, strlen(name));
}

/* Fields period and value; figures A and A_X when figures is given. */
static void make(kpix_scope *sc, bool ind, const char *value_field, kpix_keyset *figures)
{
	kpix_scope_init(sc);
	assert_true(kpix_scope_add_field(sc, "period"));
	assert_true(kpix_scope_add_field(sc, "value"));
	size_t n = 0;
	if (figures) {
		bool added;
		*kpix_keyset_upsert(figures, "A", 1, &added) = ++n;
		*kpix_keyset_upsert(figures, "A_X", 3, &added) = ++n;
	}
	kpix_scope_lay_out(sc, ind, value_field, figures, n);
}

static void scope__a_row_has_its_fields_then_ind_attributes_then_prev_value(void **state)
{
	(void)state;
	kpix_scope sc;
	make(&sc, true, "value", NULL);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "period"), 0);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "value"), 1);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "ind.code"), 2 + KPIX_IND_code);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "ind.target"), 2 + KPIX_IND_target);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "prev.value"), 2 + KPIX_IND_NATTRS);
	assert_int_equal(sc.ind_at, 2);
	assert_int_equal(sc.prev_value, 2 + KPIX_IND_NATTRS);
	assert_int_equal(sc.nrow, 2 + KPIX_IND_NATTRS + 1);
	assert_int_equal(kpix_scope_ind_attr(&sc, "ind.decimals", 12), KPIX_IND_decimals);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "ind.colour"), -1);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "prev.period"), -1);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "Value"), -1);
	kpix_scope_free(&sc);
}

static void scope__ind_and_prev_names_exist_only_when_the_schema_has_them(void **state)
{
	(void)state;
	kpix_scope sc;
	make(&sc, false, NULL, NULL);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "ind.code"), -1);
	assert_int_equal(kpix_scope_ind_attr(&sc, "ind.code", 8), -1);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "prev.value"), -1);
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "value"), 1);
	/* the slots are there all the same: a row's values copy as one block */
	assert_int_equal(sc.nrow, 2 + KPIX_IND_NATTRS + 1);
	kpix_scope_free(&sc);
}

static void scope__a_field_name_is_taken_once(void **state)
{
	(void)state;
	kpix_scope sc;
	make(&sc, false, NULL, NULL);
	assert_false(kpix_scope_add_field(&sc, "value"));
	assert_int_equal(sc.nfields, 2);
	assert_int_equal(kpix_scope_field(&sc, "value", 5), 1);
	assert_int_equal(kpix_scope_field(&sc, "valueX", 5), 1); /* the length counts */
	assert_int_equal(kpix_scope_field(&sc, "nothing", 7), -1);
	kpix_scope_free(&sc);
	assert_int_equal(kpix_scope_field(&sc, "value", 5), -1); /* freed: empty */
}

static void scope__the_figures_come_then_last_periods_values_of_them(void **state)
{
	(void)state;
	kpix_keyset *figures = kpix_keyset_new();
	kpix_scope sc;
	make(&sc, true, "value", figures);
	assert_int_equal(slot(&sc, KPIX_SCOPE_FIGURES, "A"), 0);
	assert_int_equal(slot(&sc, KPIX_SCOPE_FIGURES, "A_X"), 1);
	assert_int_equal(slot(&sc, KPIX_SCOPE_FIGURES, "prev.A"), 2);
	assert_int_equal(slot(&sc, KPIX_SCOPE_FIGURES, "prev.A_X"), 3);
	assert_int_equal(kpix_scope_figure_slot(&sc, 1, false), 1);
	assert_int_equal(kpix_scope_figure_slot(&sc, 1, true), 3);
	assert_int_equal(sc.nfig, 4);
	assert_int_equal(slot(&sc, KPIX_SCOPE_FIGURES, "value"), -1); /* not a row's names */
	assert_int_equal(slot(&sc, KPIX_SCOPE_ROW, "A"), -1);
	assert_int_equal(slot(&sc, KPIX_SCOPE_FIGURES, "B"), -1);
	kpix_scope_free(&sc);
	kpix_keyset_free(figures);
}

static void scope__an_export_sees_a_row_then_the_figures_then_its_parameters(void **state)
{
	(void)state;
	kpix_keyset *figures = kpix_keyset_new();
	kpix_scope sc;
	make(&sc, true, "value", figures);
	assert_int_equal(kpix_scope_export_figure(&sc, 0), sc.nrow);
	assert_int_equal(kpix_scope_export_figure(&sc, 3), sc.nrow + 3);
	/* then a figure's place among the sector's, sector.n to sector.dataset */
	assert_int_equal(sc.export_sector, sc.nrow + 4);
	assert_int_equal(kpix_scope_export_param(&sc, 0), sc.nrow + 4 + KPIX_SECTOR_NSTATS);
	assert_int_equal(kpix_scope_export_param(&sc, 1), sc.nrow + 5 + KPIX_SECTOR_NSTATS);
	assert_int_equal(kpix_scope_export_slots(&sc, 2), sc.nrow + 6 + KPIX_SECTOR_NSTATS);
	kpix_scope_free(&sc);
	kpix_keyset_free(figures);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scope__a_row_has_its_fields_then_ind_attributes_then_prev_value),
		cmocka_unit_test(scope__ind_and_prev_names_exist_only_when_the_schema_has_them),
		cmocka_unit_test(scope__a_field_name_is_taken_once),
		cmocka_unit_test(scope__the_figures_come_then_last_periods_values_of_them),
		cmocka_unit_test(scope__an_export_sees_a_row_then_the_figures_then_its_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
