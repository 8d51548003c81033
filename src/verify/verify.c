/* verify.c - kpix verify: check an export or a board pack against its
 * manifest, then re-run it into a scratch directory and compare what it
 * writes.
 *
 * Nothing here knows how an export or a pack is made: the re-run is
 * kpix_export or kpix_pack with the options the manifest records, and files
 * are compared by size and SHA-256 only (digest.h). A finding is data in
 * the result, never printed. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "manifest.h"
#include "outdir.h"
#include "packdef.h"
#include "schema.h"
#include "util.h"

struct kpix_verify_result {
	kpix_manifest *m;
	kpix_verify_file *files;
	size_t nfiles, capfiles;
	kpix_verify_note *notes;
	size_t nnotes, capnotes;
	size_t first_input;    /* files[]: the schema, a pack's definition, then the inputs */
	bool reran;
	char *scratch;         /* the re-run's directory (kpix_scratch_make), while it runs */
};

static bool is_pack(const kpix_verify_result *r)
{
	return r->m->kind == KPIX_MANIFEST_PACK;
}

/* What the manifest is of, for sentences: "export" or "pack". */
static const char *what(const kpix_verify_result *r)
{
	return is_pack(r) ? "pack" : "export";
}

/* ------------------------------------------------------------ results */

static kpix_verify_file *add_file(kpix_verify_result *r, kpix_verify_kind kind, const char *name)
{
	if (r->nfiles == r->capfiles) {
		r->capfiles = r->capfiles ? 2 * r->capfiles : 8;
		r->files = kpix_xrealloc(r->files, r->capfiles * sizeof(*r->files));
	}
	kpix_verify_file *f = &r->files[r->nfiles++];
	*f = (kpix_verify_file){kind, kpix_xstrdup(name), NULL, true, KPIX_VERIFY_UNCHECKED,
	                        KPIX_VERIFY_UNCHECKED};
	return f;
}

static void note(kpix_verify_result *r, kpix_severity sev, const char *fmt, ...) KPIX_PRINTF(3, 4);
static void note(kpix_verify_result *r, kpix_severity sev, const char *fmt, ...)
{
	if (r->nnotes == r->capnotes) {
		r->capnotes = r->capnotes ? 2 * r->capnotes : 4;
		r->notes = kpix_xrealloc(r->notes, r->capnotes * sizeof(*r->notes));
	}
	kpix_buf b = KPIX_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	kpix_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->notes[r->nnotes++] = (kpix_verify_note){sev, kpix_buf_detach(&b)};
}

/* ------------------------------------------------------ comparing files */

/* "the input q2.csv", "the output x.xlsx": a file's part in a message. */
static char *role(kpix_verify_kind kind, const char *name)
{
	const char *k = kind == KPIX_VERIFY_SCHEMA     ? "the schema"
	                : kind == KPIX_VERIFY_PACK     ? "the pack definition"
	                : kind == KPIX_VERIFY_INPUT    ? "the input"
	                : kind == KPIX_VERIFY_PREVIOUS ? "last period's file"
	                : kind == KPIX_VERIFY_SECTOR   ? "the sector's dataset"
	                                               : "the output";
	return kpix_xasprintf("%s %s", k, name);
}

static int not_regular(const char *path, const char *what, unsigned mode)
{
	return kpix_fail(KPIX_EIO, "cannot read '%s' as %s: it is %s, not a regular file", path,
	                 what, S_ISDIR(mode) ? "a directory" : kpix_odd_file_kind(mode));
}

/* Opens path to read the file the manifest records for what (a phrase
 * such as "the input q2.csv"). Only a regular file is read: a pipe, a
 * socket, a device or a directory is refused with KPIX_EIO, before a byte
 * is read and without waiting for a pipe's writer (a link to /dev/zero
 * would be read for ever, a pipe with no writer waited on for ever).
 * Returns 0 with *fd open (the caller closes it), 0 with *fd -1 when
 * nothing is there (no such file, or a dangling link), or KPIX_EIO. */
static int open_regular(const char *path, const char *what, int *fd)
{
	*fd = -1;
	/* looked at before opening, since opening a device or a pipe can
	 * wait; and again once open, in case the path was swapped between */
	struct stat st;
	if (stat(path, &st) != 0)
		goto cannot;
	if (!S_ISREG(st.st_mode))
		return not_regular(path, what, st.st_mode);
	*fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		goto cannot;
	int e = fstat(*fd, &st) != 0 ? errno : 0;
	if (e || !S_ISREG(st.st_mode)) {
		close(*fd);
		*fd = -1;
		return e ? kpix_fail(KPIX_EIO, "cannot read '%s': %s", path, strerror(e))
		         : not_regular(path, what, st.st_mode);
	}
	return 0;
cannot:
	if (errno == ENOENT || errno == ENOTDIR)
		return 0;
	return kpix_fail(KPIX_EIO, "cannot read '%s': %s", path, strerror(errno));
}

/* Compares the file at path, which stands for vf, with what the manifest
 * records of it (rec): SAME, CHANGED or MISSING (nothing there, or a
 * dangling link). A file that exists but cannot be read, or is not a
 * regular file (open_regular), is KPIX_EIO: whether it matches cannot be
 * known. */
static int compare(const kpix_verify_file *vf, const char *path, const kpix_mfile *rec,
                   kpix_verify_state *state)
{
	int fd;
	char *what = role(vf->kind, vf->name);
	int rc = open_regular(path, what, &fd);
	free(what);
	if (rc)
		return rc;
	if (fd < 0) {
		*state = KPIX_VERIFY_MISSING;
		return 0;
	}
	struct stat st;
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size != rec->size) {
		close(fd);
		*state = KPIX_VERIFY_CHANGED;
		return 0;
	}
	char hex[KPIX_SHA256_HEX_SIZE];
	uint64_t size = 0;
	rc = kpix_sha256_fd(fd, path, hex, &size);
	close(fd);
	if (rc)
		return rc;
	*state = size == rec->size && strcmp(hex, rec->sha256) == 0 ? KPIX_VERIFY_SAME
	                                                            : KPIX_VERIFY_CHANGED;
	return 0;
}

/* Looks for a recorded file at each candidate path in turn: the first
 * that has the recorded bytes is used (SAME); failing that, the first that
 * exists (CHANGED); failing that, none (MISSING). */
static int locate(kpix_verify_file *vf, const kpix_mfile *rec, char *const *cands, size_t n)
{
	vf->state = KPIX_VERIFY_MISSING;
	for (size_t i = 0; i < n; i++) {
		if (!cands[i])
			continue;
		kpix_verify_state st = KPIX_VERIFY_MISSING;
		int rc = compare(vf, cands[i], rec, &st);
		if (rc)
			return rc;
		if (st == KPIX_VERIFY_MISSING || (st == KPIX_VERIFY_CHANGED && vf->path))
			continue;
		free((char *)vf->path);
		vf->path = kpix_xstrdup(cands[i]);
		vf->state = st;
		if (st == KPIX_VERIFY_SAME)
			break;
	}
	return 0;
}

/* The places a recorded file is looked for when it is not given: the
 * manifest's directory, then the current one ("./NAME", so that it reads
 * as a path). */
static void default_places(const char *mdir, const char *name, char **cands)
{
	cands[0] = kpix_xasprintf("%s/%s", mdir, name);
	cands[1] = strcmp(mdir, ".") == 0 ? NULL : kpix_xasprintf("./%s", name);
}

/* Gives each data file to the first recorded input of its name not yet
 * given one: the k-th file named q2.csv stands for the k-th input of that
 * name. */
static int match_data(const kpix_manifest *m, const kpix_verify_options *o, const char **given)
{
	const char *made = m->kind == KPIX_MANIFEST_PACK ? "pack" : "export";
	for (size_t d = 0; d < o->ndata; d++) {
		const char *name = kpix_base_name(o->data[d]);
		if ((m->has_previous && strcmp(m->previous.name, name) == 0) ||
		    (m->has_sector && strcmp(m->sector.name, name) == 0))
			continue; /* last period's file, the sector's: check_other takes them */
		bool known = false, placed = false;
		for (size_t i = 0; i < m->ninputs && !placed; i++) {
			if (strcmp(m->inputs[i].name, name) != 0)
				continue;
			known = true;
			if (!given[i]) {
				given[i] = o->data[d];
				placed = true;
			}
		}
		if (placed)
			continue;
		if (known)
			return kpix_fail(KPIX_EUSAGE,
			                 "'%s' is given more times than the manifest records an input "
			                 "named %s",
			                 o->data[d], name);
		kpix_buf names = KPIX_BUF_INIT;
		for (size_t i = 0; i < m->ninputs; i++)
			kpix_buf_printf(&names, "%s%s", i ? ", " : "", m->inputs[i].name);
		int rc = kpix_fail(KPIX_EUSAGE,
		                   "'%s' is not an input of this %s: a data file stands for the "
		                   "recorded input of the same name, and the manifest records %s",
		                   o->data[d], made, names.data);
		kpix_buf_free(&names);
		return rc;
	}
	return 0;
}

static int check_inputs(kpix_verify_result *r, const char *mdir, const kpix_verify_options *o)
{
	const kpix_manifest *m = r->m;
	const char **given = kpix_xcalloc(m->ninputs + 1, sizeof(char *));
	int rc = match_data(m, o, given);
	for (size_t i = 0; i < m->ninputs && !rc; i++) {
		kpix_verify_file *vf = add_file(r, KPIX_VERIFY_INPUT, m->inputs[i].name);
		char *cands[2] = {NULL, NULL};
		if (given[i])
			cands[0] = kpix_xstrdup(given[i]);
		else
			default_places(mdir, m->inputs[i].name, cands);
		rc = locate(vf, &m->inputs[i], cands, 2);
		free(cands[0]);
		free(cands[1]);
	}
	free(given);
	return rc;
}

/* Last period's file or the sector's dataset (kind), when the export read
 * it (has): given on the command line by its name, or found where an input
 * would be. */
static int check_other(kpix_verify_result *r, const char *mdir, const kpix_verify_options *o,
                       kpix_verify_kind kind, bool has, const kpix_mfile *mf)
{
	if (!has)
		return 0;
	kpix_verify_file *vf = add_file(r, kind, mf->name);
	char *cands[2] = {NULL, NULL};
	for (size_t d = 0; d < o->ndata && !cands[0]; d++)
		if (strcmp(kpix_base_name(o->data[d]), mf->name) == 0)
			cands[0] = kpix_xstrdup(o->data[d]);
	if (!cands[0])
		default_places(mdir, mf->name, cands);
	int rc = locate(vf, mf, cands, 2);
	free(cands[0]);
	free(cands[1]);
	return rc;
}

static bool looks_like_path(const char *ref)
{
	size_t n = strlen(ref);
	return strchr(ref, '/') || (n > 5 && strcmp(ref + n - 5, ".json") == 0);
}

static int check_schema(kpix_verify_result *r, const char *mdir, const kpix_verify_options *o)
{
	const kpix_manifest *m = r->m;
	kpix_verify_file *vf = add_file(r, KPIX_VERIFY_SCHEMA, m->schema.name);
	char *cands[3] = {NULL, NULL, NULL};
	if (o->schema && looks_like_path(o->schema)) {
		cands[0] = kpix_xstrdup(o->schema);
	} else if (o->schema) {
		cands[0] = kpix_schema_find(o->schema, o->schema_path);
		if (!cands[0])
			return kpix_fail(KPIX_ENOTFOUND,
			                 "no schema '%s': it is not a file and not the id of a shipped "
			                 "schema (see 'kpix schemas list')",
			                 o->schema);
	} else {
		cands[0] = kpix_schema_find(m->schema.id, o->schema_path);
		default_places(mdir, m->schema.name, cands + 1);
	}
	int rc = locate(vf, &m->schema, cands, 3);
	for (size_t i = 0; i < 3; i++)
		free(cands[i]);
	return rc;
}

/* The schemas the schema extends, when the manifest records them: each
 * where the schema found (its "extends", followed from the schema file
 * found), else by its recorded id on the search path, else under its
 * recorded name in DIR. A changed base is a changed schema. */
static int check_bases(kpix_verify_result *r, const char *mdir, const kpix_verify_options *o)
{
	const kpix_manifest *m = r->m;
	char **chain = NULL;
	size_t nchain = 0;
	if (m->nschema_bases && r->files[0].path)
		kpix_schema_base_files(r->files[0].path, o->schema_path, &chain, &nchain);
	int rc = 0;
	for (size_t i = 0; i < m->nschema_bases && !rc; i++) {
		const kpix_mfile *b = &m->schema_bases[i];
		kpix_verify_file *vf = add_file(r, KPIX_VERIFY_SCHEMA, b->name);
		char *cands[3] = {i < nchain ? kpix_xstrdup(chain[i]) : NULL,
		                  kpix_schema_find(b->id, o->schema_path),
		                  kpix_xasprintf("%s/%s", mdir, b->name)};
		rc = locate(vf, b, cands, 3);
		for (size_t k = 0; k < 3; k++)
			free(cands[k]);
	}
	kpix_strings_free(chain, nchain);
	return rc;
}

/* A pack's definition: --pack when given; otherwise the recorded file in
 * DIR, then in the current directory, then the recorded id on the schema
 * search path (packs/ID.json). */
static int check_pack(kpix_verify_result *r, const char *mdir, const kpix_verify_options *o)
{
	const kpix_manifest *m = r->m;
	if (m->kind != KPIX_MANIFEST_PACK) {
		if (o->pack)
			return kpix_fail(KPIX_EUSAGE, "--pack is for the manifest of a board pack, and "
			                              "this is the manifest of an export");
		return 0;
	}
	kpix_verify_file *vf = add_file(r, KPIX_VERIFY_PACK, m->pack.name);
	char *cands[3] = {NULL, NULL, NULL};
	if (o->pack && looks_like_path(o->pack)) {
		cands[0] = kpix_xstrdup(o->pack);
	} else if (o->pack) {
		cands[0] = kpix_packdef_find(o->pack, o->schema_path);
		if (!cands[0])
			return kpix_fail(KPIX_ENOTFOUND,
			                 "no pack '%s': it is not a file and not the id of a shipped pack "
			                 "(they are in the packs folder beside the schemas)",
			                 o->pack);
	} else {
		default_places(mdir, m->pack.name, cands);
		cands[2] = kpix_packdef_find(m->pack.id, o->schema_path);
	}
	int rc = locate(vf, &m->pack, cands, 3);
	for (size_t i = 0; i < 3; i++)
		free(cands[i]);
	return rc;
}

static int check_outputs(kpix_verify_result *r, const char *mdir)
{
	for (size_t i = 0; i < r->m->noutputs; i++) {
		kpix_verify_file *vf = add_file(r, KPIX_VERIFY_OUTPUT, r->m->outputs[i].name);
		vf->path = kpix_xasprintf("%s/%s", mdir, vf->name);
		int rc = compare(vf, vf->path, &r->m->outputs[i], &vf->state);
		if (rc)
			return rc;
	}
	return 0;
}

static void check_versions(kpix_verify_result *r)
{
	const kpix_mversions *then = &r->m->made_by;
	kpix_mversions now;
	kpix_mversions_now(&now);
	if (strcmp(then->kpix, now.kpix) != 0)
		note(r, KPIX_SEVERITY_WARNING,
		     "this is kpix %s, but the %s was made by kpix %s: the same bytes are only "
		     "promised by the same version, so a difference may come from the change",
		     now.kpix, what(r), then->kpix);
	const char *libs[][3] = {
		{"libxlsxwriter", then->libxlsxwriter, now.libxlsxwriter},
		{"zlib", then->zlib, now.zlib},
		{"libcsv", then->libcsv, now.libcsv},
	};
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++)
		if (libs[i][1] && strcmp(libs[i][1], libs[i][2]) != 0)
			note(r, KPIX_SEVERITY_WARNING,
			     "kpix here uses %s %s, but the %s was made with %s %s: a difference may "
			     "come from the change",
			     libs[i][0], libs[i][2], what(r), libs[i][0], libs[i][1]);
	kpix_mversions_free(&now);
}

/* --------------------------------------------------------------- re-run */

static void compare_counts(kpix_verify_result *r, const kpix_manifest *fresh)
{
	const kpix_manifest *m = r->m;
	if (m->kind != KPIX_MANIFEST_PACK &&
	    (fresh->rows_read != m->rows_read || fresh->rows_exported != m->rows_exported ||
	     fresh->rows_rejected != m->rows_rejected))
		note(r, KPIX_SEVERITY_ERROR,
		     "the manifest records %llu rows read, %llu exported and %llu rejected, but the "
		     "re-run read %llu, exported %llu and rejected %llu",
		     (unsigned long long)m->rows_read, (unsigned long long)m->rows_exported,
		     (unsigned long long)m->rows_rejected, (unsigned long long)fresh->rows_read,
		     (unsigned long long)fresh->rows_exported, (unsigned long long)fresh->rows_rejected);
	if (m->kind == KPIX_MANIFEST_PACK &&
	    (fresh->rows_read != m->rows_read || fresh->rows_shown != m->rows_shown ||
	     fresh->rows_later != m->rows_later ||
	     fresh->rows_other_indicators != m->rows_other_indicators ||
	     fresh->rows_other_organisations != m->rows_other_organisations))
		note(r, KPIX_SEVERITY_ERROR,
		     "the manifest records %llu rows read, %llu shown, %llu for later periods, %llu "
		     "for other indicators and %llu for other organisations, but the re-run counted "
		     "%llu, %llu, %llu, %llu and %llu",
		     (unsigned long long)m->rows_read, (unsigned long long)m->rows_shown,
		     (unsigned long long)m->rows_later, (unsigned long long)m->rows_other_indicators,
		     (unsigned long long)m->rows_other_organisations,
		     (unsigned long long)fresh->rows_read, (unsigned long long)fresh->rows_shown,
		     (unsigned long long)fresh->rows_later,
		     (unsigned long long)fresh->rows_other_indicators,
		     (unsigned long long)fresh->rows_other_organisations);
	if (m->kind == KPIX_MANIFEST_PACK && strcmp(fresh->fingerprint, m->fingerprint) != 0)
		note(r, KPIX_SEVERITY_ERROR,
		     "the manifest records the fingerprint %s, but the re-run computes %s from the "
		     "files it read",
		     m->fingerprint, fresh->fingerprint);
	if (fresh->warnings != m->warnings)
		note(r, KPIX_SEVERITY_ERROR,
		     "the manifest records %llu validation warnings, but the re-run found %llu",
		     (unsigned long long)m->warnings, (unsigned long long)fresh->warnings);
	for (size_t i = 0; i < m->ninputs && i < fresh->ninputs; i++)
		if (m->inputs[i].has_rows && m->inputs[i].rows != fresh->inputs[i].rows)
			note(r, KPIX_SEVERITY_ERROR,
			     "the manifest records %llu data rows in %s, but the re-run read %llu",
			     (unsigned long long)m->inputs[i].rows, m->inputs[i].name,
			     (unsigned long long)fresh->inputs[i].rows);
}

/* Marks what the re-run wrote (manifest.json not counted): each recorded
 * output against the manifest, and each output the manifest does not list;
 * then compares the re-run's manifest with this one. */
static int compare_rerun(kpix_verify_result *r, const kpix_result *rerun)
{
	size_t first_output = r->first_input + r->m->ninputs;
	for (size_t i = 0; i < r->m->noutputs; i++) {
		kpix_verify_file *vf = &r->files[first_output + i];
		char *fresh = kpix_xasprintf("%s/%s", r->scratch, vf->name);
		int rc = compare(vf, fresh, &r->m->outputs[i], &vf->rerun);
		free(fresh);
		if (rc)
			return rc;
	}
	for (size_t k = 0; k < kpix_result_output_count(rerun); k++) {
		const char *name = kpix_result_output_name(rerun, k);
		bool listed = false;
		for (size_t i = 0; i < r->m->noutputs && !listed; i++)
			listed = strcmp(r->m->outputs[i].name, name) == 0;
		if (listed)
			continue;
		kpix_verify_file *vf = add_file(r, KPIX_VERIFY_OUTPUT, name);
		vf->recorded = false;
		vf->rerun = KPIX_VERIFY_CHANGED;
	}
	char *path = kpix_xasprintf("%s/manifest.json", r->scratch);
	kpix_manifest *fresh = NULL;
	int rc = kpix_manifest_load(&fresh, path);
	free(path);
	if (rc)
		return rc;
	compare_counts(r, fresh);
	kpix_manifest_free(fresh);
	return 0;
}

/* What the re-run came to, the same for an export and a pack: erc is what
 * kpix_export or kpix_pack returned (KPIX_EIO, and for a pack a schema or
 * definition that no longer loads, end the verification; any other
 * failure is an error note), rerun what it handed back. */
static int after_rerun(kpix_verify_result *r, int erc, const kpix_result *rerun)
{
	const kpix_manifest *m = r->m;
	const kpix_report *rep = kpix_result_report(rerun);
	bool written = kpix_result_written(rerun);
	int rc = 0;
	if (erc == KPIX_EIO || (is_pack(r) && (erc == KPIX_ESCHEMA || erc == KPIX_ENOTFOUND)))
		rc = erc;
	else if (erc)
		note(r, KPIX_SEVERITY_ERROR, "the %s could not be re-run: %s", what(r),
		     kpix_error_last());
	else if (!written)
		note(r, KPIX_SEVERITY_ERROR,
		     "the re-run found %llu error%s in the data, so it wrote nothing (run kpix "
		     "validate on the inputs to see them)",
		     (unsigned long long)kpix_report_errors(rep),
		     kpix_report_errors(rep) == 1 ? "" : "s");
	if (erc == 0 && written)
		return compare_rerun(r, rerun);
	for (size_t i = 0; i < m->noutputs; i++)
		r->files[r->first_input + m->ninputs + i].rerun = KPIX_VERIFY_MISSING;
	return rc;
}

static int rerun_export(kpix_verify_result *r, const char **files, const kpix_verify_options *o)
{
	const kpix_manifest *m = r->m;
	kpix_schema *schema = NULL;
	int rc = kpix_schema_load(&schema, r->files[0].path, o->schema_path);
	if (rc)
		return rc;
	kpix_export_options eo = KPIX_EXPORT_OPTIONS_INIT;
	eo.validate.encoding = m->encoding;
	eo.validate.max_errors = m->max_errors;
	eo.validate.sheet = m->sheet;
	eo.validate.header_row = m->header_row;
	eo.params = (const char *const *)m->params;
	eo.nparams = m->nparams;
	eo.only = (const char *const *)m->exports;
	eo.nonly = m->nexports;
	eo.created = m->created;
	for (size_t i = 0; i < r->nfiles; i++) {
		if (r->files[i].kind == KPIX_VERIFY_PREVIOUS)
			eo.previous = r->files[i].path;
		if (r->files[i].kind == KPIX_VERIFY_SECTOR)
			eo.sector = r->files[i].path;
	}
	kpix_result *ex = NULL;
	if ((rc = kpix_scratch_make(&r->scratch, o->scratch_parent)) == 0) {
		eo.out_dir = r->scratch;
		r->reran = true;
		int erc = kpix_export(&ex, schema, files, m->ninputs, &eo);
		rc = after_rerun(r, erc, ex);
	}
	kpix_result_free(ex);
	kpix_scratch_remove(r->scratch);
	r->scratch = NULL;
	kpix_schema_free(schema);
	return rc;
}

/* A pack's workbook and fingerprint name the schema and definition it
 * read, so one found under another name than the recorded one (--schema
 * FILE, --pack FILE) is given to the re-run as a link of the recorded name
 * in the scratch directory. A new string: the path to give kpix_pack. */
static char *as_recorded(kpix_verify_result *r, const kpix_verify_file *vf, const char *noun)
{
	if (strcmp(kpix_base_name(vf->path), vf->name) == 0)
		return kpix_xstrdup(vf->path);
	char *real = realpath(vf->path, NULL);
	char *link = kpix_xasprintf("%s/%s", r->scratch, vf->name);
	if (real && symlink(real, link) == 0) {
		free(real);
		return link;
	}
	note(r, KPIX_SEVERITY_WARNING,
	     "the %s used is named %s, but the manifest records %s, and the re-run could not be "
	     "given it under that name (%s): the pack's workbook and fingerprint name the files it "
	     "read, so the re-run may not give the same bytes",
	     noun, kpix_base_name(vf->path), vf->name, strerror(errno));
	free(real);
	free(link);
	return kpix_xstrdup(vf->path);
}

static int rerun_pack(kpix_verify_result *r, const char **files, const kpix_verify_options *o)
{
	const kpix_manifest *m = r->m;
	kpix_pack_options po = KPIX_PACK_OPTIONS_INIT;
	po.validate.encoding = m->encoding;
	po.validate.max_errors = m->max_errors;
	po.validate.sheet = m->sheet;
	po.validate.header_row = m->header_row;
	po.period = m->period;
	po.created = m->created;
	for (size_t i = 0; i < m->noutputs; i++) /* a pack made with --pdf */
		po.pdf |= m->outputs[i].format && strcmp(m->outputs[i].format, "pdf") == 0;
	kpix_result *pr = NULL;
	kpix_packdef *def = NULL;
	kpix_schema *schema = NULL;
	int rc = kpix_scratch_make(&r->scratch, o->scratch_parent);
	if (rc == 0) {
		/* the checked files themselves: the schema the definition names
		 * is not looked up again */
		char *schema_path = as_recorded(r, &r->files[0], "schema");
		char *def_path = as_recorded(r, &r->files[1], "pack definition");
		if (!(rc = kpix_packdef_load(&def, def_path, o->schema_path)) &&
		    !(rc = kpix_schema_load(&schema, schema_path, o->schema_path))) {
			po.out_dir = r->scratch;
			r->reran = true;
			int erc = kpix_pack(&pr, schema, def, files, m->ninputs, &po);
			rc = after_rerun(r, erc, pr);
		}
		free(schema_path);
		free(def_path);
	}
	kpix_result_free(pr);
	kpix_schema_free(schema);
	kpix_packdef_free(def);
	kpix_scratch_remove(r->scratch);
	r->scratch = NULL;
	return rc;
}

static int rerun(kpix_verify_result *r, const kpix_verify_options *o)
{
	const kpix_manifest *m = r->m;
	const char **files = kpix_xcalloc(m->ninputs + 1, sizeof(char *));
	for (size_t i = 0; i < m->ninputs; i++)
		files[i] = r->files[r->first_input + i].path;
	int rc = is_pack(r) ? rerun_pack(r, files, o) : rerun_export(r, files, o);
	free(files);
	return rc;
}

/* ----------------------------------------------------------------- API */

int kpix_verify(kpix_verify_result **out, const char *manifest_path,
                const kpix_verify_options *opts)
{
	kpix_verify_options defaults = KPIX_VERIFY_OPTIONS_INIT;
	const kpix_verify_options *o = opts ? opts : &defaults;
	*out = NULL;
	kpix_error_clear();
	if (o->version != KPIX_VERIFY_OPTIONS_VERSION)
		return kpix_fail(KPIX_EUSAGE, "verify options of version %u; this kpix knows version %d",
		                 o->version, KPIX_VERIFY_OPTIONS_VERSION);
	if (!manifest_path || !*manifest_path)
		return kpix_fail(KPIX_EUSAGE, "no manifest given");
	/* refused here, before the loader opens it, when it is not a regular
	 * file: a pipe would be waited on for ever */
	int fd;
	int rc = open_regular(manifest_path, "a manifest", &fd);
	if (rc)
		return rc;
	if (fd >= 0)
		close(fd);
	kpix_verify_result *r = kpix_xcalloc(1, sizeof(*r));
	rc = kpix_manifest_load(&r->m, manifest_path);
	if (rc) {
		kpix_verify_free(r);
		return rc;
	}
	const char *slash = strrchr(manifest_path, '/');
	char *mdir = !slash ? kpix_xstrdup(".")
	                    : slash == manifest_path ? kpix_xstrdup("/")
	                                             : kpix_xstrndup(manifest_path,
	                                                             (size_t)(slash - manifest_path));
	/* the schema first, then a pack's definition, then the inputs in
	 * order, then the outputs, then last period's file and the sector's: rerun and
	 * compare_rerun rely on this order */
	if ((rc = check_schema(r, mdir, o)) || (rc = check_pack(r, mdir, o)) ||
	    (rc = check_bases(r, mdir, o)))
		goto fail;
	r->first_input = r->nfiles;
	if ((rc = check_inputs(r, mdir, o)) || (rc = check_outputs(r, mdir)) ||
	    (rc = check_other(r, mdir, o, KPIX_VERIFY_PREVIOUS, r->m->has_previous, &r->m->previous)) ||
	    (rc = check_other(r, mdir, o, KPIX_VERIFY_SECTOR, r->m->has_sector, &r->m->sector)))
		goto fail;
	check_versions(r);
	bool inputs_same = true;
	for (size_t i = 0; i < r->nfiles; i++)
		if (r->files[i].kind != KPIX_VERIFY_OUTPUT)
			inputs_same &= r->files[i].state == KPIX_VERIFY_SAME;
	if (!inputs_same && !is_pack(r))
		note(r, KPIX_SEVERITY_ERROR,
		     "the export was not re-run, because the schema or an input is not the one it was "
		     "made from");
	else if (!inputs_same)
		note(r, KPIX_SEVERITY_ERROR,
		     "the pack was not re-run, because the schema, the pack definition or a history "
		     "file is not the one it was made from");
	else if ((rc = rerun(r, o)))
		goto fail;
	free(mdir);
	*out = r;
	return 0;
fail:
	free(mdir);
	kpix_verify_free(r);
	return rc;
}

bool kpix_verify_ok(const kpix_verify_result *r)
{
	if (!r || !r->reran)
		return false;
	for (size_t i = 0; i < r->nfiles; i++) {
		const kpix_verify_file *f = &r->files[i];
		if (!f->recorded || f->state != KPIX_VERIFY_SAME ||
		    (f->kind == KPIX_VERIFY_OUTPUT && f->rerun != KPIX_VERIFY_SAME))
			return false;
	}
	for (size_t i = 0; i < r->nnotes; i++)
		if (r->notes[i].severity == KPIX_SEVERITY_ERROR)
			return false;
	return true;
}

bool kpix_verify_reran(const kpix_verify_result *r)
{
	return r && r->reran;
}

size_t kpix_verify_file_count(const kpix_verify_result *r)
{
	return r ? r->nfiles : 0;
}

const kpix_verify_file *kpix_verify_file_get(const kpix_verify_result *r, size_t i)
{
	return r && i < r->nfiles ? &r->files[i] : NULL;
}

size_t kpix_verify_note_count(const kpix_verify_result *r)
{
	return r ? r->nnotes : 0;
}

const kpix_verify_note *kpix_verify_note_get(const kpix_verify_result *r, size_t i)
{
	return r && i < r->nnotes ? &r->notes[i] : NULL;
}

const char *kpix_verify_made_by(const kpix_verify_result *r)
{
	return r && r->m ? r->m->made_by.kpix : "";
}

const char *kpix_verify_schema_id(const kpix_verify_result *r)
{
	return r && r->m ? r->m->schema.id : "";
}

const char *kpix_verify_schema_version(const kpix_verify_result *r)
{
	return r && r->m && r->m->schema.version ? r->m->schema.version : "";
}

bool kpix_verify_is_pack(const kpix_verify_result *r)
{
	return r && r->m && is_pack(r);
}

const char *kpix_verify_pack_id(const kpix_verify_result *r)
{
	return r && r->m && r->m->pack.id ? r->m->pack.id : "";
}

const char *kpix_verify_pack_version(const kpix_verify_result *r)
{
	return r && r->m && r->m->pack.version ? r->m->pack.version : "";
}

const char *kpix_verify_period(const kpix_verify_result *r)
{
	return r && r->m && r->m->period ? r->m->period : "";
}

void kpix_verify_free(kpix_verify_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfiles; i++) {
		free((char *)r->files[i].name);
		free((char *)r->files[i].path);
	}
	free(r->files);
	for (size_t i = 0; i < r->nnotes; i++)
		free((char *)r->notes[i].message);
	free(r->notes);
	kpix_manifest_free(r->m);
	free(r);
}
