/* manifest.h - the manifest.json that kpix export and kpix pack write
 * beside their files ("kpix-manifest/1", described in docs/exports.md and
 * docs/packs.md), and that kpix verify reads back.
 *
 * One type, written by one function and read by one function: what an
 * export or a pack records is filled into a kpix_manifest (the job does
 * most of it, job.h), kpix_manifest_write turns it into bytes, and
 * kpix_manifest_load turns those bytes back into the same struct.
 * It is read through the one JSON reader (base/json.h) and written
 * through the streaming writer (base/jsonw.h): the rest of the library
 * sees plain C.
 *
 * Reading is strict, since kpix verify joins every name read to a
 * directory, compares every number and gives every option to kpix_export
 * or kpix_pack again (issue 18): an unknown key is refused, and each value
 * is checked by the rule the command line or the library applies to it
 * (docs/exports.md lists them): a file name is a plain file name by the
 * rule of output names (kpix_name_problem, outdir.h), a size or count a
 * whole number of 0 or more, a hash 64 lower-case hex digits, the schema's
 * id one a schema may have, source_date_epoch within KPIX_CREATED_MIN and
 * KPIX_CREATED_MAX, max_errors 1 or more, encoding one --encoding takes, a
 * pack's period a financial year and quarter, a parameter's name without
 * '=', and names, ids and parameters without control characters. Each
 * problem is KPIX_EMANIFEST naming the member and what it should be. */
#ifndef KPIX_MANIFEST_H
#define KPIX_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "kpix/kpix.h"

struct kpix_outdir;

/* What wrote the manifest: "command" */
typedef enum {
	KPIX_MANIFEST_EXPORT = 0,        /* "export" */
	KPIX_MANIFEST_PACK               /* "pack" */
} kpix_manifest_kind;

/* A file the manifest records: the schema, a pack's definition, an input,
 * last period's file or an output. Every string is the struct's own, NULL
 * when not recorded (a NULL member is not written). */
typedef struct {
	char *name;                      /* a plain file name, no directory */
	uint64_t size;
	char sha256[KPIX_SHA256_HEX_SIZE];
	bool has_rows;
	uint64_t rows;                   /* data rows, when has_rows */
	char *encoding;                  /* an input's, as it was read: "utf-8" ... */
	char *export;                    /* an export's output: the export that made it */
	char *format;                    /* an output's: "csv" or "xlsx" */
	char *id, *version;              /* the schema's and a pack definition's */
} kpix_mfile;

/* "versions": what wrote the bytes. */
typedef struct {
	char *kpix, *libxlsxwriter, *zlib, *libcsv, *jansson;
} kpix_mversions;

typedef struct {
	kpix_manifest_kind kind;
	kpix_mversions made_by;          /* kpix is always recorded; the rest may be NULL */
	kpix_mfile schema;               /* with its id and version */
	kpix_mfile *schema_bases;        /* the schemas it extends, nearest first, with their ids
	                                  * and versions ("schemaBases"; none: not written) */
	size_t nschema_bases;
	kpix_mfile pack;                 /* a pack's definition, with its id and version */
	kpix_mfile *inputs;              /* with rows and encoding */
	size_t ninputs;
	bool has_previous;
	kpix_mfile previous;             /* last period's file (an export's --previous) */
	bool has_sector;
	kpix_mfile sector;               /* the sector's published dataset (an export's --sector) */
	char fingerprint[KPIX_SHA256_HEX_SIZE]; /* a pack's: of every file it read */
	/* options */
	char *period;                    /* a pack's: "2025-26 Q2" */
	char **params;                   /* an export's parameters as "name=value", in order */
	size_t nparams;
	char **exports;                  /* an export's: the exports written, in order */
	size_t nexports;
	int64_t created;                 /* source_date_epoch; -1 when not recorded */
	kpix_encoding encoding;
	uint64_t max_errors;             /* 0 when not recorded */
	char *sheet;                     /* a workbook's sheet --sheet named; NULL: none */
	uint64_t header_row;             /* --header-row; 0 when not given */
	kpix_mfile *outputs;             /* with an export's rows, export and format */
	size_t noutputs;
	/* reconciliation: an export's, and a pack's (rows_read in both) */
	uint64_t rows_read, rows_exported, rows_rejected;
	uint64_t rows_shown, rows_later, rows_other_indicators, rows_other_organisations;
	/* validation */
	uint64_t errors, warnings;
} kpix_manifest;

/* A new, empty manifest of kind, made by the running kpix and the
 * libraries it is built with (made_by), with created -1. Free it with
 * kpix_manifest_free. */
kpix_manifest *kpix_manifest_new(kpix_manifest_kind kind);

/* The running kpix's and its libraries' versions, as kpix_manifest_new
 * records them: new strings, freed with kpix_mversions_free. */
void kpix_mversions_now(kpix_mversions *out);
void kpix_mversions_free(kpix_mversions *v);

/* Records the file at path as f: name (copied), size and SHA-256. The
 * other members are left as they are. KPIX_EIO when it cannot be read: a
 * manifest without a file's hash could prove nothing about it. */
int kpix_mfile_hash(kpix_mfile *f, const char *name, const char *path);

/* The manifest as the bytes of manifest.json: indented by two, keys in
 * the order docs/exports.md shows, ASCII only, ending with a line end. A
 * new string. */
char *kpix_manifest_text(const kpix_manifest *m);

/* Starts DIR/manifest.json in od with kpix_manifest_text(m): it is
 * committed with the other files. 0 or what kpix_outdir_begin_file
 * returns; KPIX_EUSAGE, writing nothing, when the text would not be read
 * back as m: a string that is not UTF-8, or a value kpix_manifest_parse
 * refuses (a name with a control character, say), so that no run records
 * a manifest that kpix verify cannot read. */
int kpix_manifest_write(const kpix_manifest *m, struct kpix_outdir *od);

/* Reads and checks the manifest at path. Returns 0 with *out a new
 * manifest (free it with kpix_manifest_free); KPIX_EIO "cannot read
 * manifest 'PATH': REASON" when the file cannot be read; KPIX_EMANIFEST
 * when it is larger than KPIX_JSON_MAX_BYTES, empty, not JSON, not a kpix
 * manifest, of another format version, or has an unknown key, lacks a
 * member or holds a value the checks above refuse: "PATH:LINE:COL: WHERE:
 * what is wrong". *out is NULL on failure. */
int kpix_manifest_load(kpix_manifest **out, const char *path);

/* The same, from text in memory; file names the text in messages. */
int kpix_manifest_parse(kpix_manifest **out, const char *file, const char *text, size_t len);

/* NULL-safe. */
void kpix_manifest_free(kpix_manifest *m);

#endif
