/* extends.c - a schema that extends another, merged with its base as JSON
 * documents before the loader reads it (extends.h). */
#define _POSIX_C_SOURCE 200809L
#include "extends.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "util.h"

/* The lists merged by key, what messages call an entry, and its key. */
typedef struct {
	const char *member, *kind, *key, *key2;
} keyed_list;

static const keyed_list keyed[] = {
	{"fields", "field", "name", NULL},
	{"indicators", "indicator", "code", "part"},
	{"rules", "rule", "code", NULL},
	{"completeness", "completeness check", "code", NULL},
	{"exports", "export", "name", NULL},
};

#define REMOVE_KEY "$remove"

char *kpix_schema_ref_beside(const char *ref, const char *beside)
{
	size_t n = strlen(ref);
	if (!strchr(ref, '/') && !(n > 5 && strcmp(ref + n - 5, ".json") == 0))
		return NULL;
	if (ref[0] == '/' || !beside)
		return kpix_xstrdup(ref);
	const char *slash = strrchr(beside, '/');
	return slash ? kpix_xasprintf("%.*s/%s", (int)(slash - beside), beside, ref)
	             : kpix_xstrdup(ref);
}

void kpix_extension_free(kpix_extension *x)
{
	for (size_t i = 0; i < x->nbases; i++) {
		free(x->bases[i].path);
		free(x->bases[i].id);
		free(x->bases[i].version);
	}
	free(x->bases);
	for (size_t i = 0; i < x->nparts; i++) {
		free(x->parts[i].key);
		free(x->parts[i].members);
	}
	free(x->parts);
	*x = (kpix_extension){0};
}

static void add_part(kpix_extension *x, const char *kind, const char *key, kpix_part_change change,
                     char *members)
{
	x->parts = kpix_xrealloc(x->parts, (x->nparts + 1) * sizeof(*x->parts));
	x->parts[x->nparts++] = (kpix_schema_part){kind, kpix_xstrdup(key), change, members};
}

/* ------------------------------------------------------------- merging */

typedef struct {
	kpix_json_doc *out;        /* the composed document */
	kpix_json *root;           /* its root, filled here */
	const kpix_json_doc *base, *ext;
	kpix_extension *x;
} merger;

/* An entry's key ("RP02 part 1" for an indicator in parts), or NULL when it
 * has none: a new string. */
static char *entry_key(const keyed_list *k, const kpix_json *e)
{
	const char *key = kpix_json_string(kpix_json_get(e, k->key));
	if (!key)
		return NULL;
	const char *key2 = k->key2 ? kpix_json_string(kpix_json_get(e, k->key2)) : NULL;
	return key2 ? kpix_xasprintf("%s part %s", key, key2) : kpix_xstrdup(key);
}

/* Whether m is the key, or a part of the key, of the list k. */
static bool is_key_member(const keyed_list *k, const char *m)
{
	return strcmp(m, k->key) == 0 || (k->key2 && strcmp(m, k->key2) == 0);
}

typedef struct {
	const kpix_json *bv, *ev;  /* the base's entry, the extension's (either may be NULL) */
	size_t bi, ei;             /* their indexes */
	char *key;
	bool removed;
} slot;

/* Reads the extension's entry e at path against the base's, which slots
 * [0, nb) hold, filling a slot or adding one at *n. */
static int merge_entry(merger *m, const keyed_list *k, slot *slots, size_t nb, size_t *n,
                       const kpix_json *e, size_t ei, const char *path)
{
	char *key = kpix_json_is_object(e) ? entry_key(k, e) : NULL;
	const kpix_json *rm = kpix_json_get(e, REMOVE_KEY);
	int rc = 0;
	if (rm && !kpix_json_is_bool(rm)) {
		char *p = kpix_json_path(path, REMOVE_KEY);
		rc = kpix_json_fail(m->ext, p, "expected true (to remove the %s from the base)",
		                    k->kind);
		free(p);
		goto out;
	}
	bool removes = rm && kpix_json_is_true(rm);
	size_t at = nb;
	for (size_t i = 0; key && i < nb; i++)
		if (strcmp(slots[i].key, key) == 0) {
			at = i;
			break;
		}
	if (at == nb) {
		if (removes) {
			rc = key ? kpix_json_fail(m->ext, path,
			                          "removes the %s '%s', but the base %s has none of "
			                          "that %s",
			                          k->kind, key, m->x->bases[0].id, k->key)
			         : kpix_json_fail(m->ext, path, "removes a %s but gives no '%s'",
			                          k->kind, k->key);
			goto out;
		}
		slots[(*n)++] = (slot){NULL, e, 0, ei, key, false};
		if (key)
			add_part(m->x, k->kind, key, KPIX_PART_ADDED, NULL);
		return 0;
	}
	slot *s = &slots[at];
	if (s->ev) {
		rc = kpix_json_fail(m->ext, path,
		                    "a second entry for the %s '%s' in this schema: change it in one",
		                    k->kind, key);
		goto out;
	}
	s->ev = e;
	s->ei = ei;
	kpix_buf given = KPIX_BUF_INIT;
	kpix_json_iter it = kpix_json_members(e);
	const char *mk;
	const kpix_json *mv;
	while (kpix_json_next(&it, &mk, &mv)) {
		if (is_key_member(k, mk) || strcmp(mk, REMOVE_KEY) == 0)
			continue;
		if (removes) {
			kpix_buf_free(&given);
			char *p = kpix_json_path(path, mk);
			rc = kpix_json_fail(m->ext, p,
			                    "an entry that removes the %s '%s' holds nothing but its "
			                    "'%s' and \"" REMOVE_KEY "\": true",
			                    k->kind, key, k->key);
			free(p);
			goto out;
		}
		kpix_buf_printf(&given, "%s%s", given.len ? ", " : "", mk);
	}
	s->removed = removes;
	add_part(m->x, k->kind, key, removes ? KPIX_PART_REMOVED : KPIX_PART_CHANGED,
	         removes ? (kpix_buf_free(&given), NULL) : kpix_buf_detach(&given));
out:
	free(key);
	return rc;
}

/* The base's entry bv changed by the extension's ev, member by member: a
 * member ev gives replaces bv's, null removes it. Records where each
 * member of the result at path came from. */
static kpix_json *changed_entry(merger *m, const char *member, const slot *s, const char *path)
{
	kpix_json *obj = kpix_json_shallow_copy(s->bv);
	kpix_json_iter it = kpix_json_members(s->ev);
	const char *mk;
	const kpix_json *mv;
	while (kpix_json_next(&it, &mk, &mv)) {
		if (strcmp(mk, REMOVE_KEY) == 0)
			continue;
		if (kpix_json_is_null(mv))
			kpix_json_remove(obj, mk);
		else
			kpix_json_put(obj, mk, kpix_json_share(mv));
	}
	char *ep = kpix_xasprintf("%s[%zu]", member, s->ei);
	kpix_json_origin(m->out, path, m->ext, ep);
	free(ep);
	it = kpix_json_members(s->bv);
	while (kpix_json_next(&it, &mk, &mv)) {
		if (kpix_json_get(s->ev, mk))
			continue;
		char *op = kpix_json_path(path, mk);
		char *bp = kpix_xasprintf("%s[%zu].%s", member, s->bi, mk);
		kpix_json_origin(m->out, op, m->base, bp);
		free(op);
		free(bp);
	}
	return obj;
}

/* The list k of the base (bl) and of the extension (el) as one. */
static int merge_keyed(merger *m, const keyed_list *k, const kpix_json *bl, const kpix_json *el)
{
	size_t nb = kpix_json_size(bl), ne = kpix_json_size(el), n = 0;
	slot *slots = kpix_xcalloc(nb + ne + 1, sizeof(slot));
	int rc = 0;
	for (size_t i = 0; i < nb; i++) {
		const kpix_json *bv = kpix_json_at(bl, i);
		char *key = kpix_json_is_object(bv) ? entry_key(k, bv) : NULL;
		slots[n++] = (slot){bv, NULL, i, 0, key ? key : kpix_xstrdup(""), false};
	}
	for (size_t j = 0; j < ne && !rc; j++) {
		char *path = kpix_xasprintf("%s[%zu]", k->member, j);
		rc = merge_entry(m, k, slots, nb, &n, kpix_json_at(el, j), j, path);
		free(path);
	}
	kpix_json *arr = kpix_json_new_array();
	size_t out = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		const slot *s = &slots[i];
		if (s->removed)
			continue;
		char *path = kpix_xasprintf("%s[%zu]", k->member, out++);
		char *from = kpix_xasprintf("%s[%zu]", k->member, s->bv ? s->bi : s->ei);
		if (s->bv && s->ev) {
			kpix_json_push(arr, changed_entry(m, k->member, s, path));
		} else {
			kpix_json_push(arr, kpix_json_share(s->bv ? s->bv : s->ev));
			kpix_json_origin(m->out, path, s->bv ? m->base : m->ext, from);
		}
		free(path);
		free(from);
	}
	for (size_t i = 0; i < n; i++)
		free(slots[i].key);
	free(slots);
	if (rc)
		kpix_json_drop(arr);
	else
		kpix_json_put(m->root, k->member, arr);
	return rc;
}

/* The named lists of both: the extension's replace the base's of the same
 * name, null removes one. */
static void merge_lists(merger *m, const kpix_json *bl, const kpix_json *el)
{
	kpix_json *obj = kpix_json_shallow_copy(bl);
	kpix_json_iter it = kpix_json_members(el);
	const char *name;
	const kpix_json *v;
	while (kpix_json_next(&it, &name, &v)) {
		bool had = kpix_json_get(bl, name) != NULL;
		if (kpix_json_is_null(v)) {
			kpix_json_remove(obj, name);
		} else {
			kpix_json_put(obj, name, kpix_json_share(v));
			char *p = kpix_json_path("lists", name);
			kpix_json_origin(m->out, p, m->ext, p);
			free(p);
		}
		add_part(m->x, "list", name,
		         kpix_json_is_null(v) ? KPIX_PART_REMOVED
		         : had                ? KPIX_PART_CHANGED
		                              : KPIX_PART_ADDED,
		         NULL);
	}
	kpix_json_put(m->root, "lists", obj);
}

static const keyed_list *keyed_by(const char *member)
{
	for (size_t i = 0; i < sizeof keyed / sizeof keyed[0]; i++)
		if (strcmp(keyed[i].member, member) == 0)
			return &keyed[i];
	return NULL;
}

/* The base's members, then the extension's over them. */
static int merge(merger *m)
{
	const kpix_json *broot = kpix_json_root(m->base), *eroot = kpix_json_root(m->ext);
	kpix_json_iter it = kpix_json_members(broot);
	const char *key;
	const kpix_json *v;
	while (kpix_json_next(&it, &key, &v)) {
		kpix_json_put(m->root, key, kpix_json_share(v));
		kpix_json_origin(m->out, key, m->base, key);
	}
	it = kpix_json_members(eroot);
	int rc = 0;
	while (!rc && kpix_json_next(&it, &key, &v)) {
		if (strcmp(key, "extends") == 0)
			continue;
		const kpix_json *bv = kpix_json_get(broot, key);
		const keyed_list *k = keyed_by(key);
		if (k && kpix_json_is_array(bv) && kpix_json_is_array(v)) {
			rc = merge_keyed(m, k, bv, v);
			continue;
		}
		if (strcmp(key, "lists") == 0 && kpix_json_is_object(bv) && kpix_json_is_object(v)) {
			merge_lists(m, bv, v);
			continue;
		}
		kpix_json_put(m->root, key, kpix_json_share(v));
		kpix_json_origin(m->out, key, m->ext, key);
		if (strcmp(key, "$kpix") != 0)
			add_part(m->x, "", key, bv ? KPIX_PART_CHANGED : KPIX_PART_ADDED, NULL);
	}
	return rc;
}

/* ------------------------------------------------------------- bases */

/* The extension's own id and version: it is a new schema. */
static int own_identity(const kpix_json_doc *ext, const kpix_json_doc *base)
{
	const kpix_json *root = kpix_json_root(ext);
	const char *id = kpix_json_string(kpix_json_get(root, "id"));
	const char *version = kpix_json_string(kpix_json_get(root, "version"));
	const char *bid = kpix_json_string(kpix_json_get(kpix_json_root(base), "id"));
	if (!id || !*id || !version || !*version)
		return kpix_json_fail(ext, id && *id ? "id" : "",
		                      "a schema that extends another is a schema of its own: give it "
		                      "its own \"id\" and \"version\"");
	if (bid && strcmp(id, bid) == 0)
		return kpix_json_fail(ext, "id",
		                      "the id '%s' is the id of the schema it extends; an extension "
		                      "is a schema of its own and needs an id of its own",
		                      id);
	return 0;
}

/* Records the base bdoc, read from bfile, and then its own bases (sub's,
 * taken over) in x. */
static void record_bases(kpix_extension *x, const char *bfile, const kpix_json_doc *bdoc,
                         kpix_extension *sub)
{
	const kpix_json *root = kpix_json_root(bdoc);
	const char *id = kpix_json_string(kpix_json_get(root, "id"));
	const char *version = kpix_json_string(kpix_json_get(root, "version"));
	x->bases = kpix_xcalloc(sub->nbases + 1, sizeof(*x->bases));
	kpix_schema_base *b = &x->bases[0];
	b->path = kpix_xstrdup(bfile);
	b->id = kpix_xstrdup(id ? id : "");
	b->version = kpix_xstrdup(version ? version : "");
	kpix_json_sha256(bdoc, b->sha256, &b->size);
	for (size_t i = 0; i < sub->nbases; i++)
		x->bases[1 + i] = sub->bases[i];
	x->nbases = sub->nbases + 1;
	free(sub->bases);
	sub->bases = NULL;
	sub->nbases = 0;
	kpix_extension_free(sub);
}

/* The file "extends" names in doc (read from file): a new string, or NULL
 * with the failure's code in *rc. */
static char *base_file(const kpix_json_doc *doc, const char *file, const char *ref,
                       const char *search_path, int *rc)
{
	*rc = 0;
	char *bfile = kpix_schema_ref_beside(ref, file);
	if (bfile)
		return bfile;
	if (!kpix_schema_id_valid(ref)) {
		*rc = kpix_json_fail(doc, "extends",
		                     "'%s' is neither a schema's id (lower-case letters, digits and "
		                     "'-') nor the path of a file (one with '/' or ending in .json)",
		                     ref);
		return NULL;
	}
	bfile = kpix_schema_find(ref, search_path);
	if (!bfile)
		*rc = kpix_json_fail(doc, "extends",
		                     "no schema '%s' to extend: it is not the id of a schema on the "
		                     "search path (see 'kpix schemas list'); a file is named by a "
		                     "path, such as './%s.json'",
		                     ref, ref);
	return bfile;
}

/* kpix_schema_extend, chain[0..depth] the real paths of the schemas that
 * lead here (NULL where unknown), doc's own last. */
static int extend(kpix_json_doc **doc, const char *file, const char *search_path,
                  kpix_extension *x, char **chain, size_t depth)
{
	const kpix_json *ref = kpix_json_get(kpix_json_root(*doc), "extends");
	if (!ref)
		return 0;
	int rc = 0;
	char *bfile = NULL, *real = NULL;
	kpix_json_doc *bdoc = NULL;
	kpix_extension sub = {0};
	if (!kpix_json_is_string(ref) || kpix_json_string_len(ref) == 0) {
		rc = kpix_json_fail(*doc, "extends",
		                    "expected the id of a schema, or the path of its file, as a string");
		goto fail;
	}
	if (depth >= KPIX_EXTENDS_MAX_DEPTH) {
		rc = kpix_json_fail(*doc, "extends",
		                    "a schema may be built on at most %d others, one extending the "
		                    "next, and this \"extends\" would be the %dth: extend a schema "
		                    "nearer the bottom of the chain",
		                    KPIX_EXTENDS_MAX_DEPTH, (int)depth + 1);
		goto fail;
	}
	const char *r = kpix_json_string(ref);
	char *rel = kpix_schema_ref_beside(r, file);
	bool by_id = !rel;
	free(rel);
	if (!(bfile = base_file(*doc, file, r, search_path, &rc)))
		goto fail;
	real = realpath(bfile, NULL);
	for (size_t i = 0; real && i <= depth; i++)
		if (chain[i] && strcmp(chain[i], real) == 0) {
			kpix_buf loop = KPIX_BUF_INIT;
			for (size_t k = i; k <= depth; k++)
				kpix_buf_printf(&loop, "%s -> ", kpix_base_name(chain[k]));
			kpix_buf_adds(&loop, kpix_base_name(real));
			rc = kpix_json_fail(*doc, "extends",
			                    "'%s' leads back to a schema that extends it (%s): schemas "
			                    "may not extend each other in a circle",
			                    r, loop.data);
			kpix_buf_free(&loop);
			goto fail;
		}
	if ((rc = kpix_json_read(&bdoc, bfile, "schema")))
		goto fail;
	chain[depth + 1] = real;
	rc = extend(&bdoc, bfile, search_path, &sub, chain, depth + 1);
	chain[depth + 1] = NULL;
	if (rc)
		goto fail;
	const char *bid = kpix_json_string(kpix_json_get(kpix_json_root(bdoc), "id"));
	if (by_id && (!bid || strcmp(bid, r) != 0)) {
		rc = kpix_json_fail(*doc, "extends",
		                    "%s, found for '%s', has the id '%s': a schema looked up by id "
		                    "must have that id",
		                    bfile, r, bid ? bid : "");
		goto fail;
	}
	if ((rc = own_identity(*doc, bdoc)))
		goto fail;
	record_bases(x, bfile, bdoc, &sub);
	kpix_json *root = kpix_json_new_object();
	merger m = {kpix_json_compose(root, *doc), root, bdoc, *doc, x};
	kpix_json_keep(m.out, bdoc);
	bdoc = NULL;
	*doc = m.out;
	rc = merge(&m);
fail:
	free(real);
	free(bfile);
	kpix_json_free(bdoc);
	kpix_extension_free(&sub);
	if (rc) {
		kpix_json_free(*doc);
		*doc = NULL;
		kpix_extension_free(x);
	}
	return rc;
}

void kpix_schema_base_files(const char *file, const char *search_path, char ***out, size_t *n)
{
	*out = kpix_xcalloc(KPIX_EXTENDS_MAX_DEPTH + 1, sizeof(char *));
	*n = 0;
	char *at = kpix_xstrdup(file);
	while (*n < KPIX_EXTENDS_MAX_DEPTH) {
		kpix_json_doc *doc;
		if (kpix_json_read(&doc, at, "schema"))
			break;
		const char *ref = kpix_json_string(kpix_json_get(kpix_json_root(doc), "extends"));
		char *next = !ref ? NULL : kpix_schema_ref_beside(ref, at);
		if (ref && !next && kpix_schema_id_valid(ref))
			next = kpix_schema_find(ref, search_path);
		kpix_json_free(doc);
		if (!next)
			break;
		(*out)[(*n)++] = next;
		free(at);
		at = kpix_xstrdup(next);
	}
	free(at);
	kpix_error_clear();
}

int kpix_schema_extend(kpix_json_doc **doc, const char *file, const char *search_path,
                       kpix_extension *x)
{
	*x = (kpix_extension){0};
	char *chain[KPIX_EXTENDS_MAX_DEPTH + 2] = {0};
	chain[0] = realpath(file, NULL);
	int rc = extend(doc, file, search_path, x, chain, 0);
	free(chain[0]);
	return rc;
}
