/* scope.c - where each name of an expression sits; see scope.h. */
#include "scope.h"

#include <string.h>

void kpix_scope_init(kpix_scope *sc)
{
	memset(sc, 0, sizeof(*sc));
}

void kpix_scope_free(kpix_scope *sc)
{
	kpix_keyset_free(sc->field_index);
	kpix_scope_init(sc);
}

bool kpix_scope_add_field(kpix_scope *sc, const char *name)
{
	if (!sc->field_index)
		sc->field_index = kpix_keyset_new();
	bool added;
	uint64_t *v = kpix_keyset_upsert(sc->field_index, name, strlen(name), &added);
	if (!added)
		return false;
	*v = ++sc->nfields;
	return true;
}

long kpix_scope_field(const kpix_scope *sc, const char *name, size_t len)
{
	uint64_t *v = sc->field_index ? kpix_keyset_find(sc->field_index, name, len) : NULL;
	return v ? (long)*v - 1 : -1;
}

void kpix_scope_lay_out(kpix_scope *sc, bool ind, const char *value_field,
                        const kpix_keyset *figure_index, size_t nfigures)
{
	sc->ind = ind;
	sc->value_field = value_field;
	sc->figure_index = figure_index;
	sc->nfigures = nfigures;
	sc->ind_at = sc->nfields;
	sc->prev_value = sc->ind_at + KPIX_IND_NATTRS;
	sc->nrow = sc->prev_value + 1;
	sc->nfig = 2 * nfigures;
	sc->export_figures = sc->nrow;
	sc->export_sector = sc->export_figures + sc->nfig;
	sc->export_params = sc->export_sector + KPIX_SECTOR_NSTATS;
}

int kpix_scope_ind_attr(const kpix_scope *sc, const char *name, size_t len)
{
	static const char *const attrs[] = {
#define X(a) #a,
		KPIX_IND_ATTRS
#undef X
	};
	if (!sc->ind || len <= 4 || memcmp(name, "ind.", 4) != 0)
		return -1;
	for (int i = 0; i < KPIX_IND_NATTRS; i++)
		if (strlen(attrs[i]) == len - 4 && memcmp(attrs[i], name + 4, len - 4) == 0)
			return i;
	return -1;
}

/* A row's names: ind.<attr> (when there is an indicator field, a name
 * beginning "ind." is never a field's), prev.<valueField> (likewise), and
 * the fields. */
static int row_slot(const kpix_scope *sc, const char *name, size_t len)
{
	if (sc->ind && len > 4 && memcmp(name, "ind.", 4) == 0) {
		int a = kpix_scope_ind_attr(sc, name, len);
		return a < 0 ? -1 : (int)(sc->ind_at + (size_t)a);
	}
	if (sc->value_field && len > 5 && memcmp(name, "prev.", 5) == 0) {
		const char *vf = sc->value_field;
		if (strlen(vf) == len - 5 && memcmp(vf, name + 5, len - 5) == 0)
			return (int)sc->prev_value;
		return -1;
	}
	long f = kpix_scope_field(sc, name, len);
	return f < 0 ? -1 : (int)f;
}

static int figure_slot(const kpix_scope *sc, const char *name, size_t len)
{
	bool prev = len > 5 && memcmp(name, "prev.", 5) == 0;
	if (prev) {
		name += 5;
		len -= 5;
	}
	uint64_t *i = sc->figure_index ? kpix_keyset_find(sc->figure_index, name, len) : NULL;
	return i ? (int)kpix_scope_figure_slot(sc, *i - 1, prev) : -1;
}

int kpix_scope_slot(const kpix_scope *sc, kpix_scope_kind kind, const char *name, size_t len)
{
	return kind == KPIX_SCOPE_ROW ? row_slot(sc, name, len) : figure_slot(sc, name, len);
}

size_t kpix_scope_figure_slot(const kpix_scope *sc, size_t figure, bool prev)
{
	return prev ? sc->nfigures + figure : figure;
}

size_t kpix_scope_export_figure(const kpix_scope *sc, size_t slot)
{
	return sc->export_figures + slot;
}

size_t kpix_scope_export_param(const kpix_scope *sc, size_t i)
{
	return sc->export_params + i;
}

size_t kpix_scope_export_slots(const kpix_scope *sc, size_t nparams)
{
	return sc->export_params + nparams;
}
