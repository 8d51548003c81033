/* packdef.c - read and check a board pack's definition (packdef.h). */
#include <stdlib.h>
#include <string.h>

#include "packdef.h"

#define FORMAT_MARKER "pack/1"
#define MAX_PERIODS 40

static const char *const field_roles[KPIX_PF_N] = {
	"organisation", "period", "breakdown", "value", "target", "commentary", "action",
	"action_owner", "action_due"};

char *kpix_packdef_find(const char *id, const char *search_path)
{
	return kpix_path_find(search_path, "packs/", id);
}

static char *at(const char *path, const char *key)
{
	return kpix_xasprintf("%s%s%s", path, *path ? "." : "", key);
}

static int load_rag_at(const kpix_json_doc *doc, const char *path, const kpix_json *j, kpix_rag_rule *out)
{
	char *p = at(path, "rag");
	int rc = kpix_rag_rule_load(doc, p, j, out);
	free(p);
	return rc;
}

/* An indicator's "ragNote": required when the pack gives it its own rule,
 * target or polarity (each rates it differently from the schema), unless
 * the pack's "ragNote" already says why; refused otherwise. */
static int own_note(const kpix_json_doc *doc, const char *path, const kpix_json *e,
                    kpix_pack_indicator *pi)
{
	static const char *const own[] = {"rag", "target", "targets", "polarity", NULL};
	const char *which = NULL;
	for (size_t k = 0; own[k] && !which; k++)
		if (kpix_json_get(e, own[k]))
			which = own[k];
	char *note = NULL;
	int rc = kpix_json_get_str(doc, path, e, "ragNote", &note, false);
	if (rc)
		return rc;
	if (note && !which) {
		free(note);
		return kpix_json_fail(doc, path, "'ragNote' says why the pack rates this indicator "
		                              "differently from the schema, but it gives no 'rag', "
		                              "'target', 'targets' or 'polarity' of its own");
	}
	if (which && !note && !pi->rag_note)
		return kpix_json_fail(doc, path, "'%s' here rates the indicator differently from the "
		                              "schema, so give 'ragNote' as well: why, in words shown on "
		                              "each row of it (docs/packs.md, \"RAG\")",
		                    which);
	if (note) {
		free(pi->rag_note);
		pi->rag_note = note;
	}
	pi->own_rag |= kpix_json_get(e, "rag") != NULL;
	return 0;
}

static int load_tables(const kpix_json_doc *doc, const char *path, const kpix_json *j, kpix_pack_indicator *pi)
{
	pi->show_breakdowns = true;
	if (!j)
		return 0;
	if (kpix_json_is_bool(j)) {
		pi->show_breakdowns = kpix_json_is_true(j);
		return 0;
	}
	if (!kpix_json_is_array(j) || kpix_json_size(j) == 0)
		return kpix_json_fail(doc, path, "expected true, false, a list of breakdowns, or a list "
		                              "of tables {\"title\": ..., \"values\": [...]}");
	size_t i;
	const kpix_json *e;
	if (kpix_json_is_string(kpix_json_at(j, 0))) {
		/* one table of the breakdowns listed */
		pi->tables = kpix_xcalloc(1, sizeof(*pi->tables));
		pi->ntables = 1;
		pi->tables[0].values.items = kpix_xcalloc(kpix_json_size(j) + 1, sizeof(char *));
		kpix_json_array_foreach(j, i, e) {
			if (!kpix_json_is_string(e)) {
				char *p = kpix_xasprintf("%s[%zu]", path, i);
				int rc = kpix_json_fail(doc, p, "expected the name of a breakdown");
				free(p);
				return rc;
			}
			pi->tables[0].values.items[pi->tables[0].values.n++] = kpix_xstrdup(kpix_json_string(e));
		}
		return 0;
	}
	pi->tables = kpix_xcalloc(kpix_json_size(j), sizeof(*pi->tables));
	kpix_json_array_foreach(j, i, e) {
		static const char *const keys[] = {"title", "values", NULL};
		char *p = kpix_xasprintf("%s[%zu]", path, i);
		kpix_pack_breakdowns *t = &pi->tables[pi->ntables++];
		int rc = !kpix_json_is_object(e) ? kpix_json_fail(doc, p, "expected {\"title\": ..., \"values\": [...]}")
		                            : kpix_json_only_keys(doc, p, e, keys);
		if (!rc)
			rc = kpix_json_get_str(doc, p, e, "title", &t->title, true);
		if (!rc)
			rc = kpix_json_get_strlist(doc, p, e, "values", &t->values, false, NULL);
		if (!rc && !t->values.n)
			rc = kpix_json_fail(doc, p, "'values' must list the breakdowns this table shows");
		free(p);
		if (rc)
			return rc;
	}
	return 0;
}

static int load_targets(const kpix_json_doc *doc, const char *path, const kpix_json *j, kpix_pack_indicator *pi)
{
	if (!j)
		return 0;
	if (!kpix_json_is_object(j))
		return kpix_json_fail(doc, path, "expected an object of period: target, such as "
		                              "{\"2025-26 Q2\": 98.5}");
	pi->targets = kpix_xcalloc(kpix_json_size(j) + 1, sizeof(*pi->targets));
	const char *k;
	const kpix_json *v;
	kpix_json_iter it = kpix_json_members(j);
	while (kpix_json_next(&it, &k, &v)) {
		if (!kpix_json_is_number(v)) {
			char *p = at(path, k);
			int rc = kpix_json_fail(doc, p, "expected a number");
			free(p);
			return rc;
		}
		pi->targets[pi->ntargets].period = kpix_xstrdup(k);
		pi->targets[pi->ntargets++].target = kpix_json_number(v);
	}
	return 0;
}

int kpix_packdef_load(kpix_packdef **out, const char *ref, const char *search_path)
{
	*out = NULL;
	if (!ref || !*ref)
		return kpix_fail(KPIX_EUSAGE, "no pack given");
	size_t rl = strlen(ref);
	bool is_path = strchr(ref, '/') || (rl > 5 && strcmp(ref + rl - 5, ".json") == 0);
	char *file = is_path ? kpix_xstrdup(ref) : kpix_packdef_find(ref, search_path);
	if (!file)
		return kpix_fail(KPIX_ENOTFOUND,
		                 "no pack '%s': it is not a file and not the id of a shipped pack "
		                 "(they are in the packs folder beside the schemas)",
		                 ref);
	kpix_json_doc *doc;
	int rc = kpix_json_read(&doc, file, "pack definition");
	if (rc) {
		free(file);
		return rc;
	}
	kpix_packdef *p = kpix_xcalloc(1, sizeof(*p));
	p->path = file;
	p->doc = doc;
	kpix_json_sha256(doc, p->sha256, &p->size);
	const kpix_json *root = kpix_json_root(doc);
	p->periods = 5;
	p->rag = (kpix_rag_rule){KPIX_RAG_TOLERANCE, 0, false};
	*out = p;
	static const char *const keys[] = {"$kpix",  "id",     "version", "title", "organisation",
	                                   "schema", "periods", "periodNames", "fields", "rag",
	                                   "ragNote", "groups", NULL};
	if (!kpix_json_is_object(root))
		return kpix_json_fail(doc, "", "expected a JSON object at the top of the pack definition");
	const kpix_json *marker = kpix_json_get(root, "$kpix");
	if (!kpix_json_is_string(marker) || strcmp(kpix_json_string(marker), FORMAT_MARKER))
		return kpix_json_fail(doc, marker ? "$kpix" : "",
		                    "expected \"$kpix\": \"" FORMAT_MARKER
		                    "\" (this kpix reads pack definition format 1)");
	if ((rc = kpix_json_only_keys(doc, "", root, keys)) ||
	    (rc = kpix_json_get_str(doc, "", root, "id", &p->id, true)) ||
	    (rc = kpix_json_get_str(doc, "", root, "version", &p->version, true)) ||
	    (rc = kpix_json_get_str(doc, "", root, "title", &p->title, true)) ||
	    (rc = kpix_json_get_str(doc, "", root, "organisation", &p->organisation, true)) ||
	    (rc = kpix_json_get_str(doc, "", root, "schema", &p->schema_ref, true)))
		return rc;
	if (!is_path && strcmp(p->id, ref) != 0)
		return kpix_json_fail(doc, "id", "the pack's id is '%s', but a pack looked up as '%s' must "
		                              "have the id '%s' (the file name without .json)",
		                    p->id, ref, ref);
	bool has = false;
	double n = 0;
	if ((rc = kpix_json_get_num(doc, "", root, "periods", &has, &n)))
		return rc;
	if (has) {
		if (n != (int)n || n < 2 || n > MAX_PERIODS)
			return kpix_json_fail(doc, "periods",
			                    "expected a whole number of periods from 2 to %d", MAX_PERIODS);
		p->periods = (int)n;
	}
	const kpix_json *names = kpix_json_get(root, "periodNames");
	if (names) {
		if (!kpix_json_is_object(names))
			return kpix_json_fail(doc, "periodNames", "expected an object of period: name, such as "
			                                       "{\"2017-18 Q3\": \"October 2017\"}");
		size_t cap = kpix_json_size(names) + 1;
		p->name_periods.items = kpix_xcalloc(cap, sizeof(char *));
		p->name_texts.items = kpix_xcalloc(cap, sizeof(char *));
		const char *k;
		const kpix_json *v;
		kpix_json_iter it = kpix_json_members(names);
		while (kpix_json_next(&it, &k, &v)) {
			if (!kpix_json_is_string(v) || !kpix_json_string_len(v)) {
				char *pp = at("periodNames", k);
				rc = kpix_json_fail(doc, pp, "expected the name of the period, as text");
				free(pp);
				return rc;
			}
			p->name_periods.items[p->name_periods.n++] = kpix_xstrdup(k);
			p->name_texts.items[p->name_texts.n++] = kpix_xstrdup(kpix_json_string(v));
		}
	}
	/* the pack rates by the schema's rules unless it says why not */
	const kpix_json *rag = kpix_json_get(root, "rag");
	if ((rc = kpix_json_get_str(doc, "", root, "ragNote", &p->rag_note, false)) ||
	    (rag && (rc = kpix_rag_rule_load(doc, "rag", rag, &p->rag))))
		return rc;
	p->has_rag = p->own_rag = rag != NULL;
	if (rag && !p->rag_note)
		return kpix_json_fail(doc, "rag", "a pack's own 'rag' rates differently from the schema, "
		                               "so give 'ragNote' as well: why, in words shown on each "
		                               "row it rates (docs/packs.md, \"RAG\")");
	if (!rag && p->rag_note)
		return kpix_json_fail(doc, "ragNote", "'ragNote' says why the pack's own 'rag' differs "
		                                   "from the schema's, but the pack has no 'rag'");
	const kpix_json *groups = kpix_json_get(root, "groups");
	if (!kpix_json_is_array(groups) || !kpix_json_size(groups))
		return kpix_json_fail(doc, groups ? "groups" : "",
		                    "expected 'groups': a list of {\"title\": ..., \"indicators\": [...]}");
	p->groups = kpix_xcalloc(kpix_json_size(groups), sizeof(*p->groups));
	size_t gi;
	const kpix_json *g;
	kpix_json_array_foreach(groups, gi, g) {
		static const char *const gkeys[] = {"title", "indicators", NULL};
		static const char *const ikeys[] = {"code",   "part", "target",     "targets",
		                                    "polarity", "rag", "ragNote", "breakdowns", NULL};
		char *gp = kpix_xasprintf("groups[%zu]", gi);
		kpix_pack_group *grp = &p->groups[p->ngroups++];
		const kpix_json *inds = kpix_json_is_object(g) ? kpix_json_get(g, "indicators") : NULL;
		if (!kpix_json_is_object(g))
			rc = kpix_json_fail(doc, gp, "expected {\"title\": ..., \"indicators\": [...]}");
		else if (!(rc = kpix_json_only_keys(doc, gp, g, gkeys)) &&
		         !(rc = kpix_json_get_str(doc, gp, g, "title", &grp->title, true)) &&
		         (!kpix_json_is_array(inds) || !kpix_json_size(inds)))
			rc = kpix_json_fail(doc, gp, "expected 'indicators': a list of indicator codes, or of "
			                          "{\"code\": ...} with the pack's settings for it");
		if (rc) {
			free(gp);
			return rc;
		}
		grp->inds = kpix_xcalloc(kpix_json_size(inds), sizeof(*grp->inds));
		size_t ii;
		const kpix_json *e;
		kpix_json_array_foreach(inds, ii, e) {
			char *ip = kpix_xasprintf("%s.indicators[%zu]", gp, ii);
			kpix_pack_indicator *pi = &grp->inds[grp->ninds++];
			pi->rag = p->rag;
			pi->own_rag = p->own_rag;
			pi->show_breakdowns = true;
			if (p->rag_note)
				pi->rag_note = kpix_xstrdup(p->rag_note);
			if (kpix_json_is_string(e)) {
				free(ip);
				continue;
			}
			char *pol = NULL;
			const kpix_json *r = kpix_json_is_object(e) ? kpix_json_get(e, "rag") : NULL;
			if (!kpix_json_is_object(e))
				rc = kpix_json_fail(doc, ip, "expected an indicator code, or {\"code\": ...}");
			else if (!(rc = kpix_json_only_keys(doc, ip, e, ikeys)) &&
			         !(rc = kpix_json_get_num(doc, ip, e, "target", &pi->has_target, &pi->target)) &&
			         !(rc = kpix_json_get_str(doc, ip, e, "polarity", &pol, false)) &&
			         !(rc = r ? load_rag_at(doc, ip, r, &pi->rag) : 0) &&
			         !(rc = own_note(doc, ip, e, pi))) {
				char *tp = at(ip, "targets"), *bp = at(ip, "breakdowns");
				rc = load_targets(doc, tp, kpix_json_get(e, "targets"), pi);
				if (!rc)
					rc = load_tables(doc, bp, kpix_json_get(e, "breakdowns"), pi);
				free(tp);
				free(bp);
			}
			if (!rc && pol)
				rc = kpix_json_one_of(doc, ip, "polarity", pol, kpix_polarity_words,
				                      "higher, lower or none", NULL);
			free(pol);
			free(ip);
			if (rc) {
				free(gp);
				return rc;
			}
		}
		free(gp);
	}
	return 0;
}

int kpix_packdef_bind(kpix_packdef *p, const kpix_schema *s)
{
	const kpix_json_doc *doc = p->doc;
	const kpix_json *root = kpix_json_root(doc);
	int rc = 0;
	if (s->indicator_field < 0 || !s->nindicators)
		return kpix_json_fail(doc, "schema", "the schema %s has no indicator catalogue, which a "
		                                  "pack needs",
		                    s->id);
	const kpix_json *fields = kpix_json_get(root, "fields");
	if (fields && !kpix_json_is_object(fields))
		return kpix_json_fail(doc, "fields", "expected an object of role: field name");
	if (fields) {
		const char *k;
		const kpix_json *v;
		kpix_json_iter it = kpix_json_members(fields);
		while (kpix_json_next(&it, &k, &v)) {
			size_t r = 0;
			while (r < KPIX_PF_N && strcmp(field_roles[r], k))
				r++;
			char *fp = at("fields", k);
			if (r == KPIX_PF_N)
				rc = kpix_json_fail(doc, fp, "unknown role '%s'; expected organisation, period, "
				                          "breakdown, value, target, commentary, action, action_owner or "
				                          "action_due",
				                  k);
			else if (!kpix_json_is_string(v) && !kpix_json_is_null(v))
				rc = kpix_json_fail(doc, fp, "expected the name of a field of %s, or null for "
				                          "none",
				                  s->id);
			free(fp);
			if (rc)
				return rc;
		}
	}
	for (int r = 0; r < KPIX_PF_N; r++) {
		const kpix_json *v = fields ? kpix_json_get(fields, field_roles[r]) : NULL;
		const char *name = v ? kpix_json_string(v) : field_roles[r];
		p->fields[r] = -1;
		for (size_t f = 0; name && f < s->nfields; f++)
			if (strcmp(s->fields[f].name, name) == 0)
				p->fields[r] = (long)f;
		if (v && name && p->fields[r] < 0) {
			char *fp = at("fields", field_roles[r]);
			rc = kpix_json_fail(doc, fp, "the schema %s has no field '%s'", s->id, name);
			free(fp);
			return rc;
		}
	}
	long due = p->fields[KPIX_PF_ACTION_DUE];
	if (due >= 0 && s->fields[due].type != KPIX_T_DATE)
		return kpix_json_fail(doc, fields ? "fields" : "schema",
		                    "the field '%s' of %s holds the date an action is due, so it must "
		                    "be of type date, not %s",
		                    s->fields[due].name, s->id, kpix_type_name(s->fields[due].type));
	if (p->fields[KPIX_PF_PERIOD] < 0 || p->fields[KPIX_PF_VALUE] < 0)
		return kpix_json_fail(doc, fields ? "fields" : "schema",
		                    "the pack needs the fields that hold the period and the value; the "
		                    "schema %s has no field '%s' (name it in \"fields\")",
		                    s->id, p->fields[KPIX_PF_PERIOD] < 0 ? "period" : "value");
	if (!p->has_rag && s->has_rag) {
		p->rag = s->rag;
		p->has_rag = true;
	}
	const kpix_json *groups = kpix_json_get(root, "groups");
	for (size_t gi = 0; gi < p->ngroups; gi++) {
		const kpix_json *inds = kpix_json_get(kpix_json_at(groups, gi), "indicators");
		for (size_t ii = 0; ii < p->groups[gi].ninds; ii++) {
			kpix_pack_indicator *pi = &p->groups[gi].inds[ii];
			const kpix_json *e = kpix_json_at(inds, ii);
			const char *code = kpix_json_is_string(e) ? kpix_json_string(e)
			                                     : kpix_json_string(kpix_json_get(e, "code"));
			const char *part = kpix_json_is_object(e) ? kpix_json_string(kpix_json_get(e, "part"))
			                                     : NULL;
			char *ip = kpix_xasprintf("groups[%zu].indicators[%zu]", gi, ii);
			if (!code || !*code) {
				rc = kpix_json_fail(doc, ip, "expected the indicator's 'code'");
			} else {
				pi->ind = kpix_schema_indicator(s, code, strlen(code), part, part ? strlen(part) : 0);
				if (!pi->ind)
					rc = kpix_json_fail(doc, ip, "the schema %s has no indicator %s%s%s in its "
					                          "catalogue",
					                  s->id, code, part ? " part " : "", part ? part : "");
			}
			for (size_t gj = 0; !rc && gj <= gi; gj++)
				for (size_t ij = 0; ij < (gj == gi ? ii : p->groups[gj].ninds); ij++)
					if (p->groups[gj].inds[ij].ind == pi->ind)
						rc = kpix_json_fail(doc, ip, "%s is already in the pack (groups[%zu]."
						                          "indicators[%zu]); each indicator appears once",
						                  code, gj, ij);
			if (!rc && !pi->own_rag) {
				pi->rag = pi->ind->rag;
				if (!pi->ind->has_rag && pi->ind->polarity != KPIX_POL_NONE)
					rc = kpix_json_fail(doc, ip, "the schema %s gives %s no RAG rule: add 'rag' "
					                          "to the schema or to its indicator "
					                          "(docs/schema-format.md, \"RAG\"), or give the "
					                          "pack its own 'rag' with a 'ragNote'",
					                  s->id, code);
			}
			if (!rc) {
				pi->polarity = pi->ind->polarity;
				const char *pol = kpix_json_is_object(e) ? kpix_json_string(kpix_json_get(e, "polarity"))
				                                    : NULL;
				if (pol)
					pi->polarity = strcmp(pol, "higher") == 0  ? KPIX_POL_HIGHER
					               : strcmp(pol, "lower") == 0 ? KPIX_POL_LOWER
					                                           : KPIX_POL_NONE;
			}
			free(ip);
			if (rc)
				return rc;
		}
	}
	/* done with the document */
	kpix_json_free(p->doc);
	p->doc = NULL;
	return 0;
}

const char *kpix_packdef_period_name(const kpix_packdef *p, const char *period)
{
	for (size_t i = 0; i < p->name_periods.n; i++)
		if (strcmp(p->name_periods.items[i], period) == 0)
			return p->name_texts.items[i];
	return period;
}

void kpix_packdef_free(kpix_packdef *p)
{
	if (!p)
		return;
	for (size_t g = 0; g < p->ngroups; g++) {
		kpix_pack_group *grp = &p->groups[g];
		for (size_t i = 0; i < grp->ninds; i++) {
			kpix_pack_indicator *pi = &grp->inds[i];
			for (size_t t = 0; t < pi->ntargets; t++)
				free(pi->targets[t].period);
			free(pi->targets);
			for (size_t t = 0; t < pi->ntables; t++) {
				free(pi->tables[t].title);
				kpix_strlist_free(&pi->tables[t].values);
			}
			free(pi->tables);
			free(pi->rag_note);
		}
		free(grp->inds);
		free(grp->title);
	}
	free(p->groups);
	kpix_strlist_free(&p->name_periods);
	kpix_strlist_free(&p->name_texts);
	free(p->path);
	free(p->id);
	free(p->version);
	free(p->title);
	free(p->organisation);
	free(p->schema_ref);
	free(p->rag_note);
	kpix_json_free(p->doc);
	free(p);
}
