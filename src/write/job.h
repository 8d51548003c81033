/* job.h - the one way kpix export, kpix pack and kpix template write their
 * files: check the inputs, validate the data, write the outputs as
 * temporary files, write the manifest, commit all or nothing.
 *
 * A job owns the validator, the output directory (outdir.h) and the
 * manifest (manifest.h) of one run; the command that drives it decides
 * only what its outputs hold. In order:
 *
 *	kpix_job_new(&j, &spec)       the output directory is given and every
 *	                              file read is a regular file
 *	kpix_job_start(j, hook, ctx)  a validator, and the output directory
 *	                              opened with every file read as an input
 *	kpix_job_read(j)              each data file, through the row hook
 *	kpix_result_report(j)         when it has errors: kpix_job_abandon(j)
 *	kpix_job_begin(j, NAME, ...)  each output, in the manifest's order
 *	kpix_job_commit(j)            the manifest, then every file into place
 *	kpix_job_result(&j)           export and pack: the job to their caller
 *	kpix_result_free(j)           always; removes whatever was not committed
 *
 * A template sets spec.manifest false: nothing is validated and no
 * manifest is written, but its files are still committed together.
 * Functions that can fail return 0 or a negative KPIX_E* code with the
 * message in kpix_error_last(). */
#ifndef KPIX_JOB_H
#define KPIX_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kpix/kpix.h"
#include "manifest.h"
#include "schema.h"
#include "validate.h"

/* A job is what kpix_export and kpix_pack give their caller as a
 * kpix_result (kpix.h) once it has run: its report, whether it committed
 * and the outputs it recorded. kpix_result_report and kpix_result_free are
 * the job's own. */
typedef kpix_result kpix_job;

/* What a job reads and where it writes. Every pointer is borrowed and must
 * outlive the job. */
typedef struct {
	kpix_manifest_kind kind;
	bool manifest;                /* false: a template, neither validated nor recorded */
	const char *what;             /* what is made, for messages: "an export" */
	const char *out_dir;
	const kpix_schema *schema;
	const char *const *files;     /* the data, read as one table */
	size_t nfiles;
	const char *previous;         /* last period's file, or NULL */
	const char *sector;           /* the sector's published dataset, or NULL */
	const kpix_sector *sector_read; /* what was read of it, its size and SHA-256 among it
	                              * (filled in before the job records its inputs) */
	const char *definition;       /* a pack's definition file, or NULL */
	const char *definition_id, *definition_version; /* as it says */
	const char *definition_sha256; /* of the definition's bytes as its loader read them */
	uint64_t definition_size;
	const kpix_validate_options *validate;
	int64_t created;              /* as the options give it; -1: not given */
} kpix_job_spec;

/* A new job for spec; *out is always set (free it with kpix_result_free).
 * KPIX_EUSAGE "no output directory given"; with a manifest, KPIX_EIO when
 * a file to read is a pipe, a socket or a device (a manifest must name
 * files that kpix verify can read again). Nothing is created yet. */
int kpix_job_new(kpix_job **out, const kpix_job_spec *spec);

/* Makes the validator (with a manifest), hands it on_row, and opens the
 * output directory with every file the job reads as an input that no
 * output may replace: the data, last period's file, the schema, the
 * definition and the schema's reference files. What kpix_validator_new
 * and kpix_outdir_open return. */
int kpix_job_start(kpix_job *j, kpix_row_hook on_row, void *ctx);

/* The job's validator, once started; owned by the job. */
kpix_validator *kpix_job_validator(const kpix_job *j);

/* For a row hook that could not write its outputs: records the first
 * failure, its code and kpix_error_last()'s message, and no further data
 * file is read. */
void kpix_job_fail(kpix_job *j, int rc);
bool kpix_job_failed(const kpix_job *j);

/* Reads last period's file, then each data file. 0, or what reading
 * returns (KPIX_EIO), or the failure kpix_job_fail recorded, with its
 * message again. */
int kpix_job_read(kpix_job *j);

/* Gives up writing (the data has errors): the temporary files and an
 * output directory the job made are removed now. The report stays. */
void kpix_job_abandon(kpix_job *j);

/* Starts the output DIR/NAME, recorded in the manifest's outputs in the
 * order started (kpix_job_manifest(j)->outputs[i]: the caller adds its
 * rows, export and format). *tmp is the temporary file to write, *shown
 * its name for messages (DIR/NAME); both owned by the job. What
 * kpix_outdir_begin returns. */
int kpix_job_begin(kpix_job *j, const char *name, const char **tmp, const char **shown);

/* The same through stdio, for an output that is not recorded in a
 * manifest (kpix_outdir_begin_file). */
int kpix_job_begin_file(kpix_job *j, const char *name, FILE **fp);

/* Records every file read in the manifest, once: the schema and the
 * definition with their ids and versions, each data file with its rows
 * and encoding, last period's file. Each file's size and SHA-256 are those
 * of the bytes read when it was loaded or validated, never of a second
 * read: a file changed since is recorded as it was validated (and kpix
 * verify then finds it changed). KPIX_EIO when a data file was not read
 * to its end. */
int kpix_job_hash_inputs(kpix_job *j);

/* The manifest the job writes, for the caller to add what only it knows
 * (parameters, exports, period, fingerprint, reconciliation, outputs'
 * details); NULL without one. Owned by the job. */
kpix_manifest *kpix_job_manifest(const kpix_job *j);

/* With a manifest: records the inputs (kpix_job_hash_inputs), each output
 * as written so far, the options and the report's counts, and writes
 * manifest.json. Then commits every file into place (kpix_outdir_commit).
 * Every output must be complete and closed. */
int kpix_job_commit(kpix_job *j);

/* Hands the job to the caller of kpix_export or kpix_pack as its result,
 * *j NULL after; a job never made (*j NULL) is handed over as a result
 * with no report and nothing written. The spec's pointers and the row
 * hook, which need not outlive that call, are forgotten: the result
 * answers only for its report, whether it committed, and its outputs'
 * names. */
kpix_result *kpix_job_result(kpix_job **j);

/* kpix_result_free(j) (kpix.h) frees a job: NULL-safe, and removes
 * whatever was not committed. kpix_result_report(j) is its validation
 * report, owned by the job, NULL before kpix_job_start. */

#endif
