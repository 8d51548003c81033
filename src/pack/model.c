/* model.c - the board pack as data (model.h): the figures gathered from
 * the validated history, and judged for the pack's period. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* --------------------------------------------------------------- periods */

static void period_text(int p, char buf[KPIX_PERIOD_TEXT_SIZE])
{
	kpix_period q = kpix_period_of_index(p);
	kpix_period_text(&q, buf);
}

static bool due_in(const kpix_indicator *ind, int p)
{
	kpix_period q = kpix_period_of_index(p);
	return kpix_period_due_in(&q, (const char *const *)ind->due_in.items, ind->due_in.n) &&
	       (ind->from_index < 0 || p >= ind->from_index);
}

/* (model.h) */
const char *kpix_pack_period_name(const kpix_pack_model *m, int p,
                                  char buf[KPIX_PERIOD_TEXT_SIZE])
{
	period_text(p, buf);
	return kpix_packdef_period_name(m->def, buf);
}

/* (model.h) */
void kpix_pack_due_words(const kpix_indicator *ind, kpix_buf *b)
{
	kpix_buf_clear(b);
	if (!ind->due_in.n)
		return;
	kpix_buf_adds(b, "reported in ");
	for (size_t i = 0; i < ind->due_in.n; i++)
		kpix_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == ind->due_in.n ? " and " : ", ",
		                ind->due_in.items[i]);
}

/* ------------------------------------------------------------- gathering */

/* (model.h) */
kpix_pack_model *kpix_pack_model_new(const kpix_packdef *def, const kpix_schema *s,
                                     const kpix_period *period)
{
	kpix_pack_model *m = kpix_xcalloc(1, sizeof(*m));
	m->def = def;
	m->schema = s;
	m->period = kpix_period_index(period);
	m->first_period = INT32_MAX;
	m->series_of_ind = kpix_xcalloc(s->nindicators + 1, sizeof(size_t));
	for (size_t g = 0; g < def->ngroups; g++)
		m->nseries += def->groups[g].ninds;
	m->series = kpix_xcalloc(m->nseries + 1, sizeof(kpix_pack_series));
	size_t k = 0;
	for (size_t g = 0; g < def->ngroups; g++)
		for (size_t i = 0; i < def->groups[g].ninds; i++, k++) {
			kpix_pack_series *se = &m->series[k];
			se->pi = &def->groups[g].inds[i];
			se->group = &def->groups[g];
			se->breakdowns = kpix_xcalloc(1, sizeof(char *));
			se->breakdowns[0] = kpix_xstrdup("");
			se->nbreakdowns = 1;
			m->series_of_ind[se->pi->ind - s->indicators] = k + 1;
		}
	return m;
}

static const char *slot_text(const kpix_val *v, size_t *len)
{
	if (v->kind != KPIX_VAL_STRING || !v->len) {
		*len = 0;
		return NULL;
	}
	*len = v->len;
	return v->str;
}

static kpix_opt slot_num(const kpix_val *v)
{
	return v->kind == KPIX_VAL_NUMBER && isfinite(v->num) ? KPIX_SOME(v->num) : KPIX_NONE;
}

/* The slot of the field that plays role f, or a null for none. */
static const kpix_val *role(const kpix_pack_model *m, const kpix_val *slots, kpix_pack_field f)
{
	static const kpix_val null_val = {KPIX_VAL_NULL, false, 0, NULL, 0};
	long i = m->def->fields[f];
	return i >= 0 ? &slots[i] : &null_val;
}

static char *dup_text(const kpix_val *v)
{
	size_t len;
	const char *t = slot_text(v, &len);
	return t ? kpix_xstrndup(t, len) : NULL;
}

static const kpix_pack_figure *find(const kpix_pack_series *se, size_t bd, int p)
{
	for (size_t i = 0; i < se->nfigures; i++)
		if (se->figures[i].breakdown == bd && se->figures[i].period == p)
			return &se->figures[i];
	return NULL;
}

/* The index of the breakdown named b[0..len) in se, added when new. */
static size_t breakdown_of(kpix_pack_series *se, const char *b, size_t len)
{
	size_t bd;
	for (bd = 1; bd < se->nbreakdowns; bd++)
		if (strlen(se->breakdowns[bd]) == len && memcmp(se->breakdowns[bd], b, len) == 0)
			return bd;
	se->breakdowns = kpix_xrealloc(se->breakdowns, (se->nbreakdowns + 1) * sizeof(char *));
	se->breakdowns[se->nbreakdowns] = kpix_xstrndup(b, len);
	return se->nbreakdowns++;
}

/* Reports a row's problem to the validator; the value is copied, since the
 * row's strings are not NUL-terminated. */
static void problem(kpix_pack_model *m, const char *code, uint64_t row, long field,
                    const char *value, size_t len, const char *message)
{
	kpix_buf_clear(&m->text);
	kpix_buf_add(&m->text, value ? value : "", value ? len : 0);
	kpix_validator_add_problem(m->v, code, KPIX_SEVERITY_ERROR, row, (size_t)field,
	                           m->text.data, message);
}

/* The validator's row hook: keeps the row's figure, or counts why not. */
static void on_row(void *ctx, const kpix_val *slots, uint64_t row, bool row_ok)
{
	kpix_pack_model *m = ctx;
	const kpix_schema *s = m->schema;
	const kpix_packdef *def = m->def;
	m->rows_read++;
	if (!row_ok)
		return;
	size_t len, plen = 0, clen;
	const char *org = slot_text(role(m, slots, KPIX_PF_ORGANISATION), &len);
	if (def->fields[KPIX_PF_ORGANISATION] >= 0 &&
	    !(org && len == strlen(def->organisation) && memcmp(org, def->organisation, len) == 0)) {
		m->rows_other_org++;
		return;
	}
	const char *code = slot_text(&slots[s->indicator_field], &clen);
	const char *part = s->part_field >= 0 ? slot_text(&slots[s->part_field], &plen) : NULL;
	const kpix_indicator *ind = code ? kpix_schema_indicator(s, code, clen, part, plen) : NULL;
	size_t si = ind ? m->series_of_ind[ind - s->indicators] : 0;
	if (!si) {
		m->rows_other_ind++;
		return;
	}
	kpix_pack_series *se = &m->series[si - 1];
	const char *pt = slot_text(role(m, slots, KPIX_PF_PERIOD), &len);
	kpix_period period;
	if (!pt || kpix_period_parse(&period, pt, len, KPIX_PERIOD_QUARTER)) {
		problem(m, "pack-period", row, def->fields[KPIX_PF_PERIOD], pt, len,
		        "a board pack needs each period written as a financial year and quarter, "
		        "such as 2025-26 Q2");
		return;
	}
	int p = kpix_period_index(&period);
	if (p > m->period) {
		m->rows_later++;
		return;
	}
	const char *b = slot_text(role(m, slots, KPIX_PF_BREAKDOWN), &len);
	size_t bd = b ? breakdown_of(se, b, len) : 0;
	if (find(se, bd, p)) {
		problem(m, "pack-duplicate", row, s->indicator_field, code, clen,
		        "this indicator already has a figure for this period and breakdown on an "
		        "earlier row; a pack can show only one");
		return;
	}
	if (se->nfigures == se->cap) {
		se->cap = se->cap ? 2 * se->cap : 16;
		se->figures = kpix_xrealloc(se->figures, se->cap * sizeof(kpix_pack_figure));
	}
	kpix_pack_figure *f = &se->figures[se->nfigures++];
	f->period = p;
	f->breakdown = bd;
	f->value = slot_num(role(m, slots, KPIX_PF_VALUE));
	f->target = slot_num(role(m, slots, KPIX_PF_TARGET));
	f->commentary = dup_text(role(m, slots, KPIX_PF_COMMENTARY));
	f->action = dup_text(role(m, slots, KPIX_PF_ACTION));
	f->action_owner = dup_text(role(m, slots, KPIX_PF_ACTION_OWNER));
	f->action_due = slot_num(role(m, slots, KPIX_PF_ACTION_DUE));
	if (p < m->first_period)
		m->first_period = p;
	m->rows_used++;
}

/* (model.h) */
void kpix_pack_model_read(kpix_pack_model *m, kpix_validator *v)
{
	m->v = v;
	kpix_validator_set_row_hook(v, on_row, m);
}

/* (model.h) */
bool kpix_pack_model_has_period(const kpix_pack_model *m)
{
	for (size_t i = 0; i < m->nseries; i++)
		for (size_t k = 0; k < m->series[i].nfigures; k++)
			if (m->series[i].figures[k].period == m->period)
				return true;
	return false;
}

/* --------------------------------------------------------------- judging */

/* The target of a figure for period p: the definition's for that period,
 * else the definition's for every period (both the pack's own, which its
 * ragNote explains), else the row's own, else the catalogue's: a
 * breakdown without a target of its own has none, as in every other
 * document (schema/rating.h). */
static kpix_opt target_for(const kpix_pack_series *se, size_t bd, int p)
{
	const kpix_pack_indicator *pi = se->pi;
	char name[KPIX_PERIOD_TEXT_SIZE];
	period_text(p, name);
	for (size_t i = 0; i < pi->ntargets; i++)
		if (strcmp(pi->targets[i].period, name) == 0)
			return KPIX_SOME(pi->targets[i].target);
	if (pi->has_target)
		return KPIX_SOME(pi->target);
	const kpix_pack_figure *f = find(se, bd, p);
	if (f && f->target.has)
		return f->target;
	const kpix_val *t = &pi->ind->attrs[KPIX_IND_target];
	return t->kind == KPIX_VAL_NUMBER ? KPIX_SOME(t->num) : KPIX_NONE;
}

static kpix_opt value_at(const kpix_pack_series *se, size_t bd, int p)
{
	const kpix_pack_figure *f = p == KPIX_PACK_NO_PERIOD ? NULL : find(se, bd, p);
	return f ? f->value : KPIX_NONE;
}

/* The trend: the last def->periods periods in which the indicator was
 * due, and the pack's own, not before the history starts; oldest first. */
static void trend(const kpix_pack_model *m, kpix_pack_series *se)
{
	size_t n = (size_t)m->def->periods, k = 0;
	se->trend = kpix_xcalloc(n + 1, sizeof(kpix_pack_point));
	for (int p = m->period; p >= m->first_period && k < n; p--)
		if (due_in(se->pi->ind, p) || p == m->period)
			se->trend[k++].period = p;
	se->ntrend = k;
	for (size_t i = 0; i < k / 2; i++) {
		int t = se->trend[i].period;
		se->trend[i].period = se->trend[k - 1 - i].period;
		se->trend[k - 1 - i].period = t;
	}
	for (size_t i = 0; i < k; i++) {
		se->trend[i].value = value_at(se, 0, se->trend[i].period);
		se->trend[i].target = target_for(se, 0, se->trend[i].period);
	}
}

/* Whether line l's figure met its target in any period of the history
 * before the pack's; *any says whether there was such a period with a
 * figure and a target. */
static bool met_before(const kpix_pack_model *m, const kpix_pack_line *l, bool *any)
{
	static const kpix_rag_rule met = {KPIX_RAG_TOLERANCE, 0, false};
	const kpix_pack_series *se = l->series;
	const kpix_indicator *ind = se->pi->ind;
	bool was = false;
	*any = false;
	for (size_t i = 0; i < se->nfigures; i++) {
		const kpix_pack_figure *e = &se->figures[i];
		if (e->breakdown != l->breakdown || e->period >= m->period || !e->value.has)
			continue;
		kpix_opt t = target_for(se, l->breakdown, e->period);
		if (!t.has)
			continue;
		*any = true;
		was |= kpix_rag_rate(&met, se->pi->polarity, ind->decimals, true, e->value, t,
		                     KPIX_NONE) == KPIX_RAG_GREEN;
	}
	return was;
}

/* The sentence kpix drafts for line l, which has no commentary. */
static char *draft(const kpix_pack_model *m, const kpix_pack_line *l)
{
	const kpix_pack_series *se = l->series;
	const kpix_pack_indicator *pi = se->pi;
	const kpix_indicator *ind = pi->ind;
	kpix_draft_facts facts = {pi->polarity, ind->decimals, ind->unit, l->rag, l->now, l->prev,
	                          l->target, NULL, false, false, NULL};
	facts.met_before = met_before(m, l, &facts.any_before);
	kpix_buf words = KPIX_BUF_INIT, b = KPIX_BUF_INIT;
	kpix_pack_due_words(ind, &words);
	facts.due_words = words.len ? words.data : NULL;
	kpix_draft_sentence(&b, &facts);
	kpix_buf_free(&words);
	return kpix_buf_detach(&b);
}

static void judge(const kpix_pack_model *m, kpix_pack_line *l, const kpix_pack_series *se,
                  size_t bd)
{
	const kpix_pack_indicator *pi = se->pi;
	const kpix_indicator *ind = pi->ind;
	int cur = m->period;
	l->series = se;
	l->breakdown = bd;
	l->due = due_in(ind, cur);
	l->prev_period = KPIX_PACK_NO_PERIOD;
	for (int p = cur - 1; p >= m->first_period && p >= cur - 4; p--)
		if (due_in(ind, p)) {
			l->prev_period = p;
			break;
		}
	l->now = value_at(se, bd, cur);
	l->prev = value_at(se, bd, l->prev_period);
	l->last_year = value_at(se, bd, cur - 4);
	l->target = target_for(se, bd, cur);
	l->rag = kpix_rag_rate(&pi->rag, pi->polarity, ind->decimals, l->due, l->now, l->target,
	                       l->last_year);
	l->vs_prev = kpix_dot_compare(pi->polarity, ind->decimals, l->now, l->prev);
	l->vs_year = kpix_dot_compare(pi->polarity, ind->decimals, l->now, l->last_year);
	const kpix_pack_figure *f = find(se, bd, cur);
	l->commentary = f ? f->commentary : NULL;
	l->action = f ? f->action : NULL;
	l->action_owner = f ? f->action_owner : NULL;
	l->action_due = f ? f->action_due : KPIX_NONE;
	/* a missing figure is said by its status; a sentence would only repeat it */
	if (!l->commentary && l->rag != KPIX_RAG_NO_DATA)
		l->drafted = draft(m, l);
	if (l->rag == KPIX_RAG_RED) {
		kpix_period q = kpix_period_of_index(cur);
		l->flags = (l->action ? 0 : KPIX_PACK_FLAG_NO_ACTION) |
		           (l->action_owner ? 0 : KPIX_PACK_FLAG_NO_OWNER) |
		           (l->action_due.has && l->action_due.v < kpix_period_end(&q)
		                    ? KPIX_PACK_FLAG_OVERDUE
		                    : 0);
	}
}

/* The breakdown lines of a series, in order: the definition's tables (a
 * breakdown they name that the history lacks is shown as no data), or
 * every breakdown the history has. */
static void judge_breakdowns(const kpix_pack_model *m, kpix_pack_series *se)
{
	const kpix_pack_indicator *pi = se->pi;
	if (!pi->show_breakdowns)
		return;
	size_t n = 0;
	for (size_t t = 0; t < pi->ntables; t++)
		n += pi->tables[t].values.n;
	if (!pi->ntables)
		n = se->nbreakdowns - 1;
	se->lines = kpix_xcalloc(n + 1, sizeof(kpix_pack_line));
	for (size_t t = 0; t < pi->ntables; t++)
		for (size_t k = 0; k < pi->tables[t].values.n; k++) {
			const char *name = pi->tables[t].values.items[k];
			size_t bd = breakdown_of(se, name, strlen(name));
			judge(m, &se->lines[se->nlines++], se, bd);
		}
	for (size_t bd = 1; !pi->ntables && bd < se->nbreakdowns; bd++)
		judge(m, &se->lines[se->nlines++], se, bd);
	if (!se->nlines)
		return;
	se->ntables = pi->ntables ? pi->ntables : 1;
	se->tables = kpix_xcalloc(se->ntables, sizeof(kpix_pack_table));
	size_t first = 0;
	for (size_t t = 0; t < se->ntables; t++) {
		size_t count = pi->ntables ? pi->tables[t].values.n : se->nlines;
		se->tables[t] = (kpix_pack_table){pi->ntables ? pi->tables[t].title : NULL,
		                                  &se->lines[first], count};
		first += count;
	}
}

static bool is_exception(const kpix_pack_line *l)
{
	return l->rag == KPIX_RAG_RED || l->rag == KPIX_RAG_AMBER;
}

/* (model.h) */
void kpix_pack_model_judge(kpix_pack_model *m)
{
	size_t nlines = 0;
	for (size_t i = 0; i < m->nseries; i++) {
		kpix_pack_series *se = &m->series[i];
		judge(m, &se->whole, se, 0);
		m->rag_counts[se->whole.rag]++;
		judge_breakdowns(m, se);
		trend(m, se);
		nlines += 1 + se->nlines;
	}
	m->exceptions = kpix_xcalloc(nlines + 1, sizeof(kpix_pack_line *));
	memcpy(m->headline_counts, m->rag_counts, sizeof(m->rag_counts));
	for (size_t i = 0; i < m->nseries; i++) {
		const kpix_pack_series *se = &m->series[i];
		if (is_exception(&se->whole))
			m->exceptions[m->nexceptions++] = &se->whole;
		for (size_t k = 0; k < se->nlines; k++)
			if (is_exception(&se->lines[k])) {
				m->exceptions[m->nexceptions++] = &se->lines[k];
				m->headline_counts[se->lines[k].rag]++;
				m->breakdown_exceptions++;
			}
	}
	for (size_t i = 0; i < m->nexceptions; i++)
		m->nflagged += m->exceptions[i]->flags != 0;
	kpix_pack_headlines(m);
}

/* (model.h) */
int kpix_pack_common_previous(const kpix_pack_model *m, const kpix_pack_series *se)
{
	size_t n = se ? se->nlines : m->nseries;
	if (!n)
		return KPIX_PACK_NO_PERIOD;
	int first = se ? se->lines[0].prev_period : m->series[0].whole.prev_period;
	for (size_t i = 1; i < n; i++)
		if ((se ? se->lines[i].prev_period : m->series[i].whole.prev_period) != first)
			return KPIX_PACK_NO_PERIOD;
	return first;
}

/* (model.h) */
const char *kpix_pack_line_breakdown(const kpix_pack_line *l)
{
	return l->breakdown ? l->series->breakdowns[l->breakdown] : NULL;
}

/* Frees what the series holds, not the series itself. */
static void series_free(kpix_pack_series *se)
{
	for (size_t k = 0; k < se->nfigures; k++) {
		free(se->figures[k].commentary);
		free(se->figures[k].action);
		free(se->figures[k].action_owner);
	}
	kpix_strings_free(se->breakdowns, se->nbreakdowns);
	for (size_t k = 0; k < se->nlines; k++)
		free(se->lines[k].drafted);
	free(se->whole.drafted);
	free(se->figures);
	free(se->lines);
	free(se->tables);
	free(se->trend);
}

/* (model.h) */
void kpix_pack_model_free(kpix_pack_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nseries; i++)
		series_free(&m->series[i]);
	kpix_buf_free(&m->text);
	for (size_t i = 0; i < m->nheadlines; i++)
		free(m->headlines[i].text);
	free(m->headlines);
	free(m->counts_sentence);
	free(m->series);
	free(m->exceptions);
	free(m->series_of_ind);
	free(m);
}
