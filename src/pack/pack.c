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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "job.h"
#include "manifest.h"
#include "model.h"
#include "packdef.h"
#include "period.h"
#include "render.h"
#include "schema.h"
#include "util.h"
#include "validate.h"
#include "xlsx.h"

/* One run of kpix_pack; the job goes to its caller as the result. */
typedef struct {
	kpix_pack_options opts;
	kpix_packdef *def;      /* the caller's, as is s */
	const kpix_schema *s;
	kpix_validator *v;      /* the job's */
	kpix_job *job;
	kpix_period period;     /* the pack's period, a quarter */
	kpix_pack_model *model; /* the figures, gathered and judged (model.h) */
	char **file_hash;      /* SHA-256 of each history file, then the schema, then the definition */
	char fingerprint[KPIX_SHA256_HEX_SIZE];
} packer;

/* ----------------------------------------------------------- manifest */

/* Records every file read in the manifest, each hashed once, and the
 * fingerprint of them all: SHA-256 of "NAME SIZE SHA256\n" for each
 * history file, the schema and the definition, then "period PERIOD\n". */
static int hash_inputs(packer *r)
{
	int rc = kpix_job_hash_inputs(r->job);
	if (rc)
		return rc;
	kpix_manifest *m = kpix_job_manifest(r->job);
	r->file_hash = kpix_xcalloc(m->ninputs + 3, sizeof(char *));
	kpix_buf all = KPIX_BUF_INIT;
	for (size_t i = 0; i < m->ninputs + 2; i++) {
		const kpix_mfile *f = i < m->ninputs ? &m->inputs[i] : i == m->ninputs ? &m->schema
		                                                                         : &m->pack;
		r->file_hash[i] = kpix_xstrdup(f->sha256);
		kpix_buf_printf(&all, "%s %llu %s\n", f->name, (unsigned long long)f->size, f->sha256);
	}
	for (size_t i = 0; i < m->nschema_bases; i++) {
		const kpix_mfile *f = &m->schema_bases[i];
		kpix_buf_printf(&all, "%s %llu %s\n", f->name, (unsigned long long)f->size, f->sha256);
	}
	char pt[KPIX_PERIOD_TEXT_SIZE];
	kpix_period_text(&r->period, pt);
	kpix_buf_printf(&all, "period %s\n", pt);
	kpix_sha256_hex(all.data, all.len, r->fingerprint);
	kpix_buf_free(&all);
	return 0;
}

/* What only the pack knows of its manifest. */
static void record(packer *r)
{
	kpix_manifest *m = kpix_job_manifest(r->job);
	memcpy(m->fingerprint, r->fingerprint, KPIX_SHA256_HEX_SIZE);
	char pt[KPIX_PERIOD_TEXT_SIZE];
	kpix_period_text(&r->period, pt);
	m->period = kpix_xstrdup(pt);
	for (size_t i = 0; i < m->noutputs; i++) {
		size_t n = strlen(m->outputs[i].name);
		bool csv = n > 4 && strcmp(m->outputs[i].name + n - 4, ".csv") == 0;
		bool pdf = n > 4 && strcmp(m->outputs[i].name + n - 4, ".pdf") == 0;
		m->outputs[i].format = kpix_xstrdup(csv ? "csv" : pdf ? "pdf" : "xlsx");
	}
	m->rows_read = r->model->rows_read;
	m->rows_shown = r->model->rows_used;
	m->rows_later = r->model->rows_later;
	m->rows_other_indicators = r->model->rows_other_ind;
	m->rows_other_organisations = r->model->rows_other_org;
}

/* ------------------------------------------------------------------ API */

/* Binds the definition to the schema once: a definition already bound
 * (by an earlier kpix_pack) must have been bound to this schema. */
static int bind_once(kpix_packdef *def, const kpix_schema *s)
{
	const kpix_pack_group *g = def->ngroups ? &def->groups[0] : NULL;
	if (!g || !g->ninds || !g->inds[0].ind)
		return kpix_packdef_bind(def, s);
	for (size_t i = 0; i < s->nindicators; i++)
		if (g->inds[0].ind == &s->indicators[i])
			return 0;
	return kpix_fail(KPIX_EUSAGE, "the pack definition %s was used with another schema than %s: "
	                              "load it again for this one",
	                 def->id, s->id);
}

static int load(packer *r)
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
	if ((rc = bind_once(r->def, r->s)))
		return rc;
	r->model = kpix_pack_model_new(r->def, r->s, &r->period);
	return 0;
}

static char *output_name(const packer *r, const char *ext)
{
	char pt[KPIX_PERIOD_TEXT_SIZE];
	kpix_period_text(&r->period, pt);
	pt[7] = '-';
	return kpix_xasprintf("%s-%s%s", r->def->id, pt, ext);
}

static int write_outputs(packer *r, size_t nfiles)
{
	int rc;
	char *names[2] = {output_name(r, ".xlsx"), output_name(r, "-summary.csv")};
	const char *tmp[2] = {NULL, NULL}, *shown[2] = {NULL, NULL};
	FILE *csv = NULL;
	kpix_xlsx *wb = NULL;
	const char **in = NULL;
	if ((rc = hash_inputs(r)) || (rc = kpix_job_begin(r->job, names[0], &tmp[0], &shown[0])) ||
	    (rc = kpix_xlsx_open(&wb, tmp[0], shown[0])))
		goto done;
	/* the files' names as the manifest records them */
	const kpix_manifest *m = kpix_job_manifest(r->job);
	in = kpix_xcalloc(nfiles + 3, sizeof(char *));
	for (size_t i = 0; i < nfiles + 2; i++)
		in[i] = i < nfiles ? m->inputs[i].name : i == nfiles ? m->schema.name : m->pack.name;
	const kpix_pack_sources src = {in, nfiles, (const char *const *)r->file_hash,
	                               r->fingerprint, kpix_validator_finish(r->v), r->opts.created};
	kpix_pack_render_xlsx(wb, r->model, &src);
	rc = kpix_xlsx_close(wb);
	wb = NULL;
	if (rc || (rc = kpix_job_begin(r->job, names[1], &tmp[1], &shown[1])))
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
	if (r->opts.pdf) {
		char *name = output_name(r, ".pdf");
		const char *ptmp = NULL, *pshown = NULL;
		rc = kpix_job_begin(r->job, name, &ptmp, &pshown);
		if (!rc)
			rc = kpix_pack_render_pdf(ptmp, r->model, &src);
		free(name);
		if (rc)
			goto done;
	}
	record(r);
	rc = kpix_job_commit(r->job);
done:
	free(in);
	kpix_xlsx_discard(wb);
	free(names[0]);
	free(names[1]);
	return rc;
}

int kpix_packdef_load_schema(kpix_schema **out, const kpix_packdef *def,
                             const char *search_path)
{
	/* an id is looked up on the search path; a file ("my-kpi.json",
	 * "../schemas/x.json") is named relative to the definition */
	char *rel = kpix_schema_ref_beside(def->schema_ref, def->path);
	if (!rel)
		return kpix_schema_load(out, def->schema_ref, search_path);
	int rc = kpix_schema_load(out, rel, search_path);
	free(rel);
	return rc;
}

static int run(packer *r, const char *const *files, size_t nfiles, const kpix_pack_options *opts)
{
	if (!opts || opts->version != KPIX_PACK_OPTIONS_VERSION)
		return kpix_fail(KPIX_EUSAGE, "pack options of version %u; this kpix knows version %d",
		                 opts ? opts->version : 0, KPIX_PACK_OPTIONS_VERSION);
	r->opts = *opts;
	int rc;
	if ((rc = load(r)))
		return rc;
	kpix_job_spec spec = {
		.kind = KPIX_MANIFEST_PACK,
		.manifest = true,
		.what = "a board pack",
		.out_dir = r->opts.out_dir,
		.schema = r->s,
		.files = files,
		.nfiles = nfiles,
		.definition = r->def->path,
		.definition_id = r->def->id,
		.definition_version = r->def->version,
		.definition_sha256 = r->def->sha256,
		.definition_size = r->def->size,
		.validate = &r->opts.validate,
		.created = r->opts.created,
	};
	if ((rc = kpix_job_new(&r->job, &spec)) || (rc = kpix_job_start(r->job, NULL, NULL)))
		return rc;
	r->v = kpix_job_validator(r->job);
	kpix_pack_model_read(r->model, r->v);
	if ((rc = kpix_job_read(r->job)))
		return rc;
	if (kpix_report_errors(kpix_result_report(r->job)) > 0) {
		kpix_job_abandon(r->job);
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
	return write_outputs(r, nfiles);
}

int kpix_pack(kpix_result **out, const kpix_schema *schema, kpix_packdef *def,
              const char *const *files, size_t nfiles, const kpix_pack_options *opts)
{
	packer r = {.s = schema, .def = def};
	int rc = run(&r, files, nfiles, opts);
	*out = kpix_job_result(&r.job);
	kpix_pack_model_free(r.model);
	for (size_t i = 0; r.file_hash && r.file_hash[i]; i++)
		free(r.file_hash[i]);
	free(r.file_hash);
	return rc;
}
