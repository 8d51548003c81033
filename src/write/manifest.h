/* manifest.h - read the manifest.json that kpix export or kpix pack writes
 * beside its files ("kpix-manifest/1", described in docs/exports.md and
 * docs/packs.md), for kpix verify.
 *
 * jansson stays inside manifest.c: the rest of the library sees plain C.
 * Only what verifying needs is read, and it is checked strictly, since
 * every name read is joined to a directory and every number is compared:
 * a name must be a plain file name, a size a whole number, a hash 64
 * lower-case hex digits. Keys kpix does not use are ignored. */
#ifndef KPIX_MANIFEST_H
#define KPIX_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "kpix/kpix.h"

/* A file the manifest records: the schema, a pack's definition, an input
 * or an output. */
typedef struct {
	char *name;                      /* a plain file name, no directory */
	uint64_t size;
	char sha256[KPIX_SHA256_HEX_SIZE];
	bool has_rows;
	uint64_t rows;                   /* data rows, when has_rows */
} kpix_mfile;

typedef struct {
	bool is_pack;                    /* "command": "pack"; else an export */
	/* versions.*: each NULL when not recorded */
	char *ver_kpix, *ver_xlsxwriter, *ver_zlib, *ver_csv;
	kpix_mfile schema;
	char *schema_id, *schema_version;
	/* a pack's: its definition ("pack"), options.period and fingerprint */
	kpix_mfile pack;
	char *pack_id, *pack_version;
	char *period;
	char fingerprint[KPIX_SHA256_HEX_SIZE];
	kpix_mfile *inputs;
	size_t ninputs;
	bool has_previous;
	kpix_mfile previous;             /* last period's file (--previous), when has_previous */
	/* options: parameters as "name=value", in the manifest's order */
	char **params;
	size_t nparams;
	char **exports;
	size_t nexports;
	kpix_encoding encoding;
	int64_t created;                 /* source_date_epoch; -1 when not recorded */
	uint64_t max_errors;             /* 0 when not recorded */
	kpix_mfile *outputs;
	size_t noutputs;
	uint64_t rows_read, rows_exported, rows_rejected; /* an export's reconciliation */
	/* a pack's reconciliation (rows_read as well) */
	uint64_t rows_shown, rows_later, rows_other_indicators, rows_other_organisations;
	uint64_t errors, warnings;
} kpix_manifest;

/* Reads and checks the manifest at path. Returns 0 with *out a new
 * manifest (free it with kpix_manifest_free); KPIX_EIO "cannot read
 * manifest 'PATH': REASON" when the file cannot be read; KPIX_EMANIFEST
 * "PATH:LINE:COL: WHERE: what is wrong" when it is not JSON, not a kpix
 * manifest, of another format version, or lacks or garbles a member
 * verifying needs. *out is NULL on failure. */
int kpix_manifest_load(kpix_manifest **out, const char *path);

/* NULL-safe. */
void kpix_manifest_free(kpix_manifest *m);

/* Writing a manifest (export.c, pack.c), with jansson's objects: */
struct json_t;
/* An entry {"name", "size", "sha256"[, "rows"]} for the file at path, or
 * NULL (with the error set) when it cannot be read: a manifest without a
 * file's hash could prove nothing about it. */
struct json_t *kpix_manifest_file_entry(const char *name, const char *path, uint64_t rows,
                                        bool with_rows);
/* The same entry for a file already hashed. */
struct json_t *kpix_manifest_entry(const char *name, uint64_t size, const char *sha256,
                                   uint64_t rows, bool with_rows);
/* {"kpix", "libxlsxwriter", "zlib", "libcsv", "jansson"}: the versions
 * that wrote the bytes. */
struct json_t *kpix_manifest_versions(void);
/* Adds the report's counts as "validation" to m, takes m (it is freed),
 * and starts DIR/manifest.json in od with its text: indented, keys in the
 * order given, ASCII only. 0 or what kpix_outdir_begin_file returns. */
struct kpix_outdir;
int kpix_manifest_write(struct json_t *m, const kpix_report *rep, struct kpix_outdir *od);

#endif
