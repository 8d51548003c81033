/* job.c - check, validate, write as temporary files, record, commit; see
 * job.h. */
#include "job.h"

#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "outdir.h"
#include "util.h"

struct kpix_result {
	kpix_job_spec spec;
	kpix_validator *v;
	kpix_outdir *od;
	kpix_manifest *m;
	const char **tmp;      /* each output's temporary file, as m->outputs */
	bool hashed;           /* the inputs are recorded in m */
	bool failed;
	int fail_rc;
	char *fail_msg;
	bool committed;
};

int kpix_job_new(kpix_job **out, const kpix_job_spec *spec)
{
	kpix_job *j = kpix_xcalloc(1, sizeof(*j));
	*out = j;
	j->spec = *spec;
	if (!spec->out_dir || !*spec->out_dir)
		return kpix_fail(KPIX_EUSAGE, "no output directory given");
	if (!spec->manifest)
		return 0;
	/* libxlsxwriter cannot write a date outside these (issue 18) */
	if (spec->created != -1 && (spec->created < KPIX_CREATED_MIN ||
	                            spec->created > KPIX_CREATED_MAX))
		return kpix_fail(KPIX_EUSAGE, "the workbook's date must be seconds since 1970 between "
		                              "1980 and 2100, not %lld", (long long)spec->created);
	j->m = kpix_manifest_new(spec->kind);
	const char *const others[] = {spec->previous, spec->schema->path, spec->definition,
	                              spec->sector};
	int rc;
	if ((rc = kpix_require_regular_files(spec->files, spec->nfiles, spec->what)) ||
	    (rc = kpix_require_regular_files(others, 4, spec->what)))
		return rc;
	return 0;
}

int kpix_job_start(kpix_job *j, kpix_row_hook on_row, void *ctx)
{
	const kpix_job_spec *sp = &j->spec;
	const kpix_schema *s = sp->schema;
	int rc;
	if (sp->manifest) {
		if ((rc = kpix_validator_new(&j->v, s, sp->validate)))
			return rc;
		kpix_validator_hash_files(j->v);
	}
	/* every file read is an input that no output may replace */
	size_t nschema;
	const char *const *schema_files = kpix_schema_files(s, &nschema);
	const char **inputs = kpix_xcalloc(sp->nfiles + nschema + 3, sizeof(char *));
	size_t n = 0;
	for (size_t i = 0; i < sp->nfiles; i++)
		inputs[n++] = sp->files[i];
	if (sp->previous)
		inputs[n++] = sp->previous;
	for (size_t i = 0; i < nschema; i++)
		inputs[n++] = schema_files[i];
	if (sp->definition)
		inputs[n++] = sp->definition;
	if (sp->sector)
		inputs[n++] = sp->sector;
	rc = kpix_outdir_open(&j->od, sp->out_dir, inputs, n);
	free(inputs);
	if (!rc && j->v)
		kpix_validator_set_row_hook(j->v, on_row, ctx);
	return rc;
}

kpix_validator *kpix_job_validator(const kpix_job *j)
{
	return j->v;
}

void kpix_job_fail(kpix_job *j, int rc)
{
	if (j->failed)
		return;
	j->failed = true;
	j->fail_rc = rc;
	j->fail_msg = kpix_xstrdup(kpix_error_last());
}

bool kpix_job_failed(const kpix_job *j)
{
	return j->failed;
}

int kpix_job_read(kpix_job *j)
{
	int rc;
	if (j->spec.previous && (rc = kpix_validator_add_previous(j->v, j->spec.previous)))
		return rc;
	for (size_t i = 0; i < j->spec.nfiles && !j->failed; i++)
		if ((rc = kpix_validator_add_file(j->v, j->spec.files[i])))
			return rc;
	if (j->failed)
		return kpix_fail(j->fail_rc, "%s", j->fail_msg);
	return 0;
}

const kpix_report *kpix_result_report(const kpix_result *j)
{
	return j && j->v ? kpix_validator_finish(j->v) : NULL;
}

bool kpix_result_written(const kpix_result *j)
{
	return j && j->committed;
}

size_t kpix_result_output_count(const kpix_result *j)
{
	return j && j->committed && j->m ? j->m->noutputs : 0;
}

const char *kpix_result_output_name(const kpix_result *j, size_t i)
{
	return i < kpix_result_output_count(j) ? j->m->outputs[i].name : NULL;
}

void kpix_job_abandon(kpix_job *j)
{
	kpix_outdir_free(j->od);
	j->od = NULL;
}

int kpix_job_begin(kpix_job *j, const char *name, const char **tmp, const char **shown)
{
	int rc = kpix_outdir_begin(j->od, name, tmp);
	if (rc)
		return rc;
	*shown = kpix_outdir_path(j->od, kpix_outdir_count(j->od) - 1);
	if (!j->m)
		return 0;
	kpix_manifest *m = j->m;
	m->outputs = kpix_xrealloc(m->outputs, (m->noutputs + 1) * sizeof(kpix_mfile));
	j->tmp = kpix_xrealloc(j->tmp, (m->noutputs + 1) * sizeof(char *));
	m->outputs[m->noutputs] = (kpix_mfile){.name = kpix_xstrdup(name)};
	j->tmp[m->noutputs++] = *tmp;
	return 0;
}

int kpix_job_begin_file(kpix_job *j, const char *name, FILE **fp)
{
	return kpix_outdir_begin_file(j->od, name, fp);
}

kpix_manifest *kpix_job_manifest(const kpix_job *j)
{
	return j->m;
}

/* Records the file at path as f: its name, and the size and SHA-256 of the
 * bytes kpix read from it when it read them (not a second read, which could
 * see other bytes). */
static void record_read(kpix_mfile *f, const char *path, const char *sha256, uint64_t size)
{
	free(f->name);
	f->name = kpix_xstrdup(kpix_base_name(path));
	f->size = size;
	memcpy(f->sha256, sha256, KPIX_SHA256_HEX_SIZE);
}

/* The schema and a pack's definition: the file as read, its id and version. */
static void record_described(kpix_mfile *f, const char *path, const char *sha256, uint64_t size,
                             const char *id, const char *version)
{
	record_read(f, path, sha256, size);
	free(f->id);
	free(f->version);
	f->id = id ? kpix_xstrdup(id) : NULL;
	f->version = version ? kpix_xstrdup(version) : NULL;
}

/* A data file as its source read it; KPIX_EIO unless it was read whole. */
static int record_source(kpix_mfile *f, const char *path, const kpix_source_info *in)
{
	if (!in || !in->complete || !in->sha256[0])
		return kpix_fail(KPIX_EIO, "cannot record '%s' in the manifest: it was not read to its end",
		                 path);
	record_read(f, path, in->sha256, in->bytes);
	return 0;
}

int kpix_job_hash_inputs(kpix_job *j)
{
	if (j->hashed)
		return 0;
	const kpix_job_spec *sp = &j->spec;
	kpix_manifest *m = j->m;
	const kpix_report *rep = kpix_result_report(j);
	int rc;
	if (!m->inputs) {
		m->inputs = kpix_xcalloc(sp->nfiles + 1, sizeof(kpix_mfile));
		m->ninputs = sp->nfiles;
	}
	for (size_t i = 0; i < sp->nfiles; i++) {
		kpix_mfile *f = &m->inputs[i];
		const char *path = NULL, *enc = NULL;
		uint64_t rejected = 0;
		kpix_report_file_get(rep, i, &path, &f->rows, &rejected, &enc);
		f->has_rows = true;
		free(f->encoding);
		f->encoding = kpix_xstrdup(enc ? enc : "utf-8");
		if ((rc = record_source(f, sp->files[i], kpix_validator_file_read(j->v, i))))
			return rc;
	}
	/* read for the comparisons with last period only: its rows are not
	 * part of this return */
	m->has_previous = sp->previous != NULL;
	if (sp->previous &&
	    (rc = record_source(&m->previous, sp->previous, kpix_validator_previous_read(j->v))))
		return rc;
	m->has_sector = sp->sector != NULL;
	if (sp->sector)
		record_read(&m->sector, sp->sector, sp->sector_read->sha256, sp->sector_read->size);
	const kpix_schema *s = sp->schema;
	record_described(&m->schema, s->path, s->sha256, s->size, s->id, s->version);
	if (!m->schema_bases && s->ext.nbases) {
		m->schema_bases = kpix_xcalloc(s->ext.nbases, sizeof(kpix_mfile));
		m->nschema_bases = s->ext.nbases;
	}
	for (size_t i = 0; i < m->nschema_bases; i++) {
		const kpix_schema_base *b = &s->ext.bases[i];
		record_described(&m->schema_bases[i], b->path, b->sha256, b->size, b->id, b->version);
	}
	if (sp->definition)
		record_described(&m->pack, sp->definition, sp->definition_sha256, sp->definition_size,
		                 sp->definition_id, sp->definition_version);
	j->hashed = true;
	return 0;
}

int kpix_job_commit(kpix_job *j)
{
	kpix_manifest *m = j->m;
	int rc;
	if (m) {
		if ((rc = kpix_job_hash_inputs(j)))
			return rc;
		for (size_t i = 0; i < m->noutputs; i++)
			if ((rc = kpix_mfile_hash(&m->outputs[i], m->outputs[i].name, j->tmp[i])))
				return rc;
		m->created = j->spec.created;
		m->encoding = j->spec.validate->encoding;
		m->max_errors = j->spec.validate->max_errors;
		free(m->sheet);
		m->sheet = j->spec.validate->sheet ? kpix_xstrdup(j->spec.validate->sheet) : NULL;
		m->header_row = j->spec.validate->header_row;
		const kpix_report *rep = kpix_result_report(j);
		m->errors = kpix_report_errors(rep);
		m->warnings = kpix_report_warnings(rep);
		if ((rc = kpix_manifest_write(m, j->od)))
			return rc;
	}
	if ((rc = kpix_outdir_commit(j->od)))
		return rc;
	j->committed = true;
	return 0;
}

kpix_result *kpix_job_result(kpix_job **j)
{
	kpix_result *r = *j ? *j : kpix_xcalloc(1, sizeof(*r));
	*j = NULL;
	r->spec = (kpix_job_spec){0};
	if (r->v)
		kpix_validator_set_row_hook(r->v, NULL, NULL);
	return r;
}

void kpix_result_free(kpix_result *j)
{
	if (!j)
		return;
	kpix_outdir_free(j->od);
	kpix_validator_free(j->v);
	kpix_manifest_free(j->m);
	free(j->tmp);
	free(j->fail_msg);
	free(j);
}
