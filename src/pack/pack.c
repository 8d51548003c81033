/* pack.c - kpix pack: the quarterly Operational Board pack.
 *
 * The history is validated exactly as kpix export validates its data; when
 * it has errors nothing is written. Otherwise the model (model.h) keeps
 * each row of an indicator the pack shows and judges every figure for the
 * period asked for, and the workbook and a CSV of its summary table
 * (render.h) and manifest.json are written into the output directory
 * together, or not at all (outdir.h).
 *
 * What the pack shows and how it judges is read from its definition
 * (packdef.h); this file loads it and the schema, runs the validation into
 * the model, and writes and records the outputs. docs/packs.md describes
 * the result. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "manifest.h"
#include "outdir.h"
#include "model.h"
#include "packdef.h"
#include "period.h"
#include "render.h"
#include "schema.h"
#include "util.h"
#include "validate.h"
#include "xlsx.h"

struct kpix_pack_result {
	kpix_pack_options opts;
	kpix_packdef *def;
	kpix_schema *s;
	kpix_validator *v;
	kpix_outdir *od;
	kpix_period period;    /* the pack's period, a quarter */
	kpix_pack_model *model; /* the figures, gathered and judged (model.h) */
	char **file_hash;      /* SHA-256 of each history file, then the schema, then the definition */
	uint64_t *file_size;   /* and their sizes, as hashed */
	char fingerprint[KPIX_SHA256_HEX_SIZE];
	char **outputs;
	size_t noutputs;
	bool written;
};

/* ----------------------------------------------------------- manifest */

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Hashes every file read, and the fingerprint of them all: SHA-256 of
 * "NAME SIZE SHA256\n" for each history file, the schema and the
 * definition, then "period PERIOD\n". */
static int hash_inputs(kpix_pack_result *r, const char *const *files, size_t nfiles)
{
	r->file_hash = kpix_xcalloc(nfiles + 3, sizeof(char *));
	r->file_size = kpix_xcalloc(nfiles + 3, sizeof(uint64_t));
	kpix_buf all = KPIX_BUF_INIT;
	for (size_t i = 0; i < nfiles + 2; i++) {
		const char *path = i < nfiles ? files[i] : i == nfiles ? r->s->path : r->def->path;
		char hex[KPIX_SHA256_HEX_SIZE];
		uint64_t size = 0;
		if (kpix_sha256_file(path, hex, &size) != 0) {
			kpix_buf_free(&all);
			return KPIX_EIO;
		}
		r->file_hash[i] = kpix_xstrdup(hex);
		r->file_size[i] = size;
		kpix_buf_printf(&all, "%s %llu %s\n", base_name(path), (unsigned long long)size, hex);
	}
	char pt[KPIX_PERIOD_TEXT_SIZE];
	kpix_period_text(&r->period, pt);
	kpix_buf_printf(&all, "period %s\n", pt);
	kpix_sha256_hex(all.data, all.len, r->fingerprint);
	kpix_buf_free(&all);
	return 0;
}

static int write_manifest(kpix_pack_result *r, const char *const *files, size_t nfiles,
                          const char *const *tmp, const char *const *names, size_t nout)
{
	const kpix_report *rep = kpix_validator_finish(r->v);
	json_t *m = json_object();
	json_object_set_new(m, "manifest", json_string("kpix-manifest/1"));
	json_object_set_new(m, "command", json_string("pack"));
	json_object_set_new(m, "versions", kpix_manifest_versions());
	/* the inputs as hash_inputs read them: each file is hashed once */
	json_t *sch = kpix_manifest_entry(base_name(r->s->path), r->file_size[nfiles],
	                                  r->file_hash[nfiles], 0, false);
	json_t *pk = kpix_manifest_entry(base_name(r->def->path), r->file_size[nfiles + 1],
	                                 r->file_hash[nfiles + 1], 0, false);
	json_t *ins = json_array();
	for (size_t i = 0; i < nfiles; i++) {
		const char *path = NULL, *enc = NULL;
		uint64_t rows = 0, rejected = 0;
		kpix_report_file_get(rep, i, &path, &rows, &rejected, &enc);
		json_t *e = kpix_manifest_entry(base_name(files[i]), r->file_size[i], r->file_hash[i],
		                                rows, true);
		json_object_set_new(e, "encoding", json_string(enc ? enc : "utf-8"));
		json_array_append_new(ins, e);
	}
	json_object_set_new(sch, "id", json_string(r->s->id));
	json_object_set_new(sch, "version", json_string(r->s->version));
	json_object_set_new(m, "schema", sch);
	json_object_set_new(pk, "id", json_string(r->def->id));
	json_object_set_new(pk, "version", json_string(r->def->version));
	json_object_set_new(m, "pack", pk);
	json_object_set_new(m, "inputs", ins);
	json_object_set_new(m, "fingerprint", json_string(r->fingerprint));
	json_t *opt = json_object();
	char pt[KPIX_PERIOD_TEXT_SIZE];
	kpix_period_text(&r->period, pt);
	json_object_set_new(opt, "period", json_string(pt));
	if (r->opts.created >= 0)
		json_object_set_new(opt, "source_date_epoch", json_integer((json_int_t)r->opts.created));
	static const char *const encs[] = {"auto", "utf-8", "windows-1252"};
	json_object_set_new(opt, "encoding", json_string(encs[r->opts.validate.encoding]));
	if (r->opts.validate.max_errors)
		json_object_set_new(opt, "max_errors",
		                    json_integer((json_int_t)r->opts.validate.max_errors));
	json_object_set_new(m, "options", opt);
	json_t *outs = json_array();
	for (size_t i = 0; i < nout; i++) {
		json_t *e = kpix_manifest_file_entry(names[i], tmp[i], 0, false);
		if (!e) {
			json_decref(outs);
			json_decref(m);
			return KPIX_EIO;
		}
		size_t n = strlen(names[i]);
		json_object_set_new(e, "format", json_string(n > 4 && strcmp(names[i] + n - 4, ".csv") == 0
		                                                 ? "csv"
		                                                 : "xlsx"));
		json_array_append_new(outs, e);
	}
	json_object_set_new(m, "outputs", outs);
	json_t *rec = json_object();
	json_object_set_new(rec, "rows_read", json_integer((json_int_t)r->model->rows_read));
	json_object_set_new(rec, "rows_shown", json_integer((json_int_t)r->model->rows_used));
	json_object_set_new(rec, "rows_later", json_integer((json_int_t)r->model->rows_later));
	json_object_set_new(rec, "rows_other_indicators", json_integer((json_int_t)r->model->rows_other_ind));
	json_object_set_new(rec, "rows_other_organisations",
	                    json_integer((json_int_t)r->model->rows_other_org));
	json_object_set_new(m, "reconciliation", rec);
	return kpix_manifest_write(m, rep, r->od);
}

/* ------------------------------------------------------------------ API */

static int load(kpix_pack_result *r)
{
	const kpix_pack_options *o = &r->opts;
	int rc;
	if (!o->out_dir || !*o->out_dir)
		return kpix_fail(KPIX_EUSAGE, "no output directory given");
	if (!o->period || !*o->period)
		return kpix_fail(KPIX_EUSAGE, "no period given: name the quarter the pack reports, "
		                              "such as --period \"2025-26 Q2\"");
	if (kpix_period_parse(&r->period, o->period, strlen(o->period), KPIX_PERIOD_QUARTER))
		return kpix_fail(KPIX_EUSAGE, "--period '%s' is not a financial year and quarter such "
		                              "as 2025-26 Q2",
		                 o->period);
	if ((rc = kpix_packdef_load(&r->def, o->pack, o->search_path)))
		return rc;
	const char *ref = o->schema && *o->schema ? o->schema : r->def->schema_ref;
	char *rel = NULL;
	if (ref == r->def->schema_ref && strchr(ref, '/') && ref[0] != '/') {
		/* a schema file named relative to the definition */
		const char *slash = strrchr(r->def->path, '/');
		rel = slash ? kpix_xasprintf("%.*s/%s", (int)(slash - r->def->path), r->def->path, ref)
		            : kpix_xstrdup(ref);
	}
	rc = kpix_schema_load(&r->s, rel ? rel : ref, o->search_path);
	free(rel);
	if (rc || (rc = kpix_packdef_bind(r->def, r->s)))
		return rc;
	r->model = kpix_pack_model_new(r->def, r->s, &r->period);
	return 0;
}

static char *output_name(const kpix_pack_result *r, const char *ext)
{
	char pt[KPIX_PERIOD_TEXT_SIZE];
	kpix_period_text(&r->period, pt);
	pt[7] = '-';
	return kpix_xasprintf("%s-%s%s", r->def->id, pt, ext);
}

static int write_outputs(kpix_pack_result *r, const char *const *files, size_t nfiles)
{
	int rc;
	char *names[2] = {output_name(r, ".xlsx"), output_name(r, "-summary.csv")};
	const char *tmp[2] = {NULL, NULL};
	FILE *csv = NULL;
	kpix_xlsx *wb = NULL;
	if ((rc = hash_inputs(r, files, nfiles)) ||
	    (rc = kpix_outdir_begin(r->od, names[0], &tmp[0])) ||
	    (rc = kpix_xlsx_open(&wb, tmp[0], kpix_outdir_path(r->od, 0))))
		goto done;
	const char **in = kpix_xcalloc(nfiles + 3, sizeof(char *));
	for (size_t i = 0; i < nfiles + 2; i++)
		in[i] = base_name(i < nfiles ? files[i] : i == nfiles ? r->s->path : r->def->path);
	const kpix_pack_sources src = {in, nfiles, (const char *const *)r->file_hash,
	                               r->fingerprint, kpix_validator_finish(r->v), r->opts.created};
	kpix_pack_render_xlsx(wb, r->model, &src);
	free(in);
	rc = kpix_xlsx_close(wb);
	wb = NULL;
	if (rc || (rc = kpix_outdir_begin(r->od, names[1], &tmp[1])))
		goto done;
	if (!(csv = fopen(tmp[1], "wb"))) {
		rc = kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, names[1],
		               strerror(errno));
		goto done;
	}
	kpix_buf table = KPIX_BUF_INIT;
	kpix_pack_render_csv(&table, r->model);
	fwrite(table.data, 1, table.len, csv);
	kpix_buf_free(&table);
	bool bad = ferror(csv) != 0;
	int e = fclose(csv) != 0 ? errno : bad ? EIO : 0;
	if (e) {
		rc = kpix_fail(KPIX_EIO, "cannot write '%s/%s': %s", r->opts.out_dir, names[1],
		               strerror(e));
		goto done;
	}
	if ((rc = write_manifest(r, files, nfiles, tmp, (const char *const *)names, 2)) ||
	    (rc = kpix_outdir_commit(r->od)))
		goto done;
	r->written = true;
done:
	kpix_xlsx_discard(wb);
	r->outputs = kpix_xcalloc(3, sizeof(char *));
	for (size_t i = 0; i < 2; i++)
		r->outputs[r->noutputs++] = names[i];
	return rc;
}

int kpix_pack(kpix_pack_result **out, const char *const *files, size_t nfiles,
              const kpix_pack_options *opts)
{
	kpix_pack_result *r = kpix_xcalloc(1, sizeof(*r));
	*out = r;
	r->opts = *opts;
	int rc;
	if ((rc = load(r)))
		return rc;
	const char *const defs[] = {r->s->path, r->def->path};
	if ((rc = kpix_require_regular_files(files, nfiles, "a board pack")) ||
	    (rc = kpix_require_regular_files(defs, 2, "a board pack")) ||
	    (rc = kpix_validator_new(&r->v, r->s, &opts->validate)))
		return rc;
	const char **inputs = kpix_xcalloc(nfiles + 3, sizeof(char *));
	for (size_t i = 0; i < nfiles; i++)
		inputs[i] = files[i];
	inputs[nfiles] = r->s->path;
	inputs[nfiles + 1] = r->def->path;
	rc = kpix_outdir_open(&r->od, opts->out_dir, inputs, nfiles + 2);
	free(inputs);
	if (rc)
		return rc;
	kpix_pack_model_read(r->model, r->v);
	for (size_t i = 0; i < nfiles; i++)
		if ((rc = kpix_validator_add_file(r->v, files[i])))
			return rc;
	const kpix_report *rep = kpix_validator_finish(r->v);
	if (kpix_report_errors(rep) > 0) {
		kpix_outdir_free(r->od);
		r->od = NULL;
		return 0;
	}
	if (!kpix_pack_model_has_period(r->model))
		return kpix_fail(KPIX_EUSAGE, "the history has no figure for %s of any indicator the "
		                              "pack %s shows%s%s",
		                 opts->period, r->def->id,
		                 r->model->rows_other_org ? "; check that its organisation is written as in the "
		                                     "pack: "
		                                   : "",
		                 r->model->rows_other_org ? r->def->organisation : "");
	kpix_pack_model_judge(r->model);
	return write_outputs(r, files, nfiles);
}

const kpix_report *kpix_pack_report(const kpix_pack_result *r)
{
	return r && r->v ? kpix_validator_finish(r->v) : NULL;
}

const kpix_schema *kpix_pack_schema(const kpix_pack_result *r)
{
	return r ? r->s : NULL;
}

bool kpix_pack_written(const kpix_pack_result *r)
{
	return r && r->written;
}

size_t kpix_pack_output_count(const kpix_pack_result *r)
{
	return r && r->written ? r->noutputs : 0;
}

const char *kpix_pack_output_name(const kpix_pack_result *r, size_t i)
{
	return r && i < r->noutputs ? r->outputs[i] : NULL;
}

void kpix_pack_free(kpix_pack_result *r)
{
	if (!r)
		return;
	kpix_outdir_free(r->od);
	kpix_validator_free(r->v);
	kpix_pack_model_free(r->model);
	for (size_t i = 0; r->file_hash && r->file_hash[i]; i++)
		free(r->file_hash[i]);
	free(r->file_hash);
	free(r->file_size);
	for (size_t i = 0; i < r->noutputs; i++)
		free(r->outputs[i]);
	free(r->outputs);
	kpix_schema_free(r->s);
	kpix_packdef_free(r->def);
	free(r);
}
