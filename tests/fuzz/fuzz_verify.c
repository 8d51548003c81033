/* fuzz_verify.c - kpix verify on a hostile manifest beside a real export
 * and a real board pack. kpix is called through the public API alone
 * (include/kpix/kpix.h); the target hashes files with digest.h.
 *
 * At start-up, in a private directory made under $TMPDIR (or /tmp), kpix
 * writes what two golden cases write: the council example's export
 * (export-council-example) and the housing board's pack
 * (pack-housing-board-example), whose manifests are among the seeds. Their
 * outputs and inputs are copied into one directory, DIR, and their
 * SHA-256 taken.
 *
 * Input: any bytes, written as DIR/manifest.json; kpix_verify then runs on
 * it. $TMPDIR is set, once, to an empty directory of the private one, where
 * kpix makes its scratch directories (verify's re-run, and the workbooks'
 * temporary files). Checks beyond the sanitizers:
 * - kpix_verify returns 0 with a result whose files and notes are whole
 *   (names, messages), or fails with a message and no result;
 * - nothing in DIR is touched: the same files, each with its bytes, and no
 *   other file (the manifest too is as it was written);
 * - nothing is left in $TMPDIR: no scratch directory.
 * The private directory is removed when the process ends. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "fuzz.h"
#include "kpix/kpix.h"

#ifndef KPIX_FUZZ_SCHEMA_DIR
#error "KPIX_FUZZ_SCHEMA_DIR must name the repository's schemas/"
#endif
#define EXAMPLES KPIX_FUZZ_SCHEMA_DIR "/../examples"

/* The golden cases' inputs and options. */
static const char *const export_inputs[] = {EXAMPLES "/council-kpi-quarterly/q2-2025-26.csv"};
static const char *const export_params[] = {
	"contact=Performance team, performance@example.gov.uk, 01234 567890"};
static const char *const pack_inputs[] = {
	EXAMPLES "/housing-board/2024-25-q1.csv", EXAMPLES "/housing-board/2024-25-q2.csv",
	EXAMPLES "/housing-board/2024-25-q3.csv", EXAMPLES "/housing-board/2024-25-q4.csv",
	EXAMPLES "/housing-board/2025-26-q1.csv", EXAMPLES "/housing-board/2025-26-q2.csv"};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

#define MAXFILES 32
static struct {
	char top[4096];      /* the private directory */
	char dir[4200];      /* DIR: the outputs and inputs, and manifest.json */
	char manifest[4300]; /* DIR/manifest.json */
	char tmp[4200];      /* $TMPDIR: where kpix makes its scratch directories */
	struct {
		char name[256];
		char sha[KPIX_SHA256_HEX_SIZE];
		uint64_t size;
	} files[MAXFILES];   /* DIR's files, manifest.json not counted */
	size_t nfiles;
	bool ready;
} env;

static void remove_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char sub[8192];
			snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
			remove_tree(sub);
		}
		if (d)
			closedir(d);
		rmdir(path);
	} else {
		unlink(path);
	}
}

static void at_exit(void)
{
	if (env.top[0])
		remove_tree(env.top);
}

static void copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FUZZ_CHECK(in >= 0 && out >= 0);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0)
		FUZZ_CHECK(write(out, buf, (size_t)n) == n);
	FUZZ_CHECK(n == 0);
	close(in);
	FUZZ_CHECK(close(out) == 0);
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FUZZ_CHECK(fd >= 0);
	while (size) {
		ssize_t n = write(fd, data, size);
		FUZZ_CHECK(n > 0);
		data += n;
		size -= (size_t)n;
	}
	FUZZ_CHECK(close(fd) == 0);
}

/* Copies path into DIR and records its hash. */
static void keep(const char *path)
{
	FUZZ_CHECK(env.nfiles < MAXFILES);
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	FUZZ_CHECK(strlen(name) < sizeof env.files[0].name);
	strcpy(env.files[env.nfiles].name, name);
	char to[8192];
	snprintf(to, sizeof to, "%s/%s", env.dir, name);
	copy_file(path, to);
	FUZZ_CHECK(kpix_sha256_file(to, env.files[env.nfiles].sha, &env.files[env.nfiles].size) ==
	           0);
	env.nfiles++;
}

/* Copies into DIR the outputs that out (a directory kpix wrote) holds. */
static void keep_outputs(const char *out)
{
	DIR *d = opendir(out);
	FUZZ_CHECK(d != NULL);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "manifest.json") == 0)
			continue;
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", out, e->d_name);
		keep(path);
	}
	closedir(d);
}

static void set_up(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(env.top, sizeof env.top, "%s/kpix-fuzz-verify.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(env.top) != NULL);
	atexit(at_exit);
	snprintf(env.dir, sizeof env.dir, "%s/dir", env.top);
	snprintf(env.manifest, sizeof env.manifest, "%s/manifest.json", env.dir);
	snprintf(env.tmp, sizeof env.tmp, "%s/tmp", env.top);
	FUZZ_CHECK(mkdir(env.dir, 0700) == 0 && mkdir(env.tmp, 0700) == 0);
	FUZZ_CHECK(setenv("TMPDIR", env.tmp, 1) == 0);
	char out[8192];

	/* export-council-example */
	kpix_schema *schema = NULL;
	FUZZ_CHECK(kpix_schema_load(&schema, "council-kpi-quarterly", KPIX_FUZZ_SCHEMA_DIR) == 0);
	kpix_export_options eo = KPIX_EXPORT_OPTIONS_INIT;
	snprintf(out, sizeof out, "%s/export", env.top);
	eo.out_dir = out;
	eo.params = export_params;
	eo.nparams = COUNT(export_params);
	kpix_result *ex = NULL;
	FUZZ_CHECK(kpix_export(&ex, schema, export_inputs, COUNT(export_inputs), &eo) == 0);
	FUZZ_CHECK(kpix_result_written(ex));
	kpix_result_free(ex);
	kpix_schema_free(schema);
	keep_outputs(out);

	/* pack-housing-board-example */
	kpix_packdef *def = NULL;
	schema = NULL;
	FUZZ_CHECK(kpix_packdef_load(&def, "housing-board", KPIX_FUZZ_SCHEMA_DIR) == 0);
	FUZZ_CHECK(kpix_packdef_load_schema(&schema, def, KPIX_FUZZ_SCHEMA_DIR) == 0);
	kpix_pack_options po = KPIX_PACK_OPTIONS_INIT;
	snprintf(out, sizeof out, "%s/pack", env.top);
	po.out_dir = out;
	po.period = "2025-26 Q2";
	kpix_result *pr = NULL;
	FUZZ_CHECK(kpix_pack(&pr, schema, def, pack_inputs, COUNT(pack_inputs), &po) == 0);
	FUZZ_CHECK(kpix_result_written(pr));
	kpix_result_free(pr);
	kpix_schema_free(schema);
	kpix_packdef_free(def);
	keep_outputs(out);

	for (size_t i = 0; i < COUNT(export_inputs); i++)
		keep(export_inputs[i]);
	for (size_t i = 0; i < COUNT(pack_inputs); i++)
		keep(pack_inputs[i]);
	env.ready = true;
}

static bool is_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	FUZZ_CHECK(d != NULL);
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* DIR holds its files, each with its bytes, manifest.json as written, and
 * nothing else. */
static void check_dir_untouched(const uint8_t *data, size_t size)
{
	size_t seen = 0;
	DIR *d = opendir(env.dir);
	FUZZ_CHECK(d != NULL);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		seen++;
		bool known = strcmp(e->d_name, "manifest.json") == 0;
		for (size_t i = 0; i < env.nfiles && !known; i++)
			known = strcmp(e->d_name, env.files[i].name) == 0;
		FUZZ_CHECK(known); /* nothing new in DIR */
	}
	closedir(d);
	FUZZ_CHECK(seen == env.nfiles + 1);
	for (size_t i = 0; i < env.nfiles; i++) {
		char path[8192], sha[KPIX_SHA256_HEX_SIZE];
		uint64_t n = 0;
		snprintf(path, sizeof path, "%s/%s", env.dir, env.files[i].name);
		FUZZ_CHECK(kpix_sha256_file(path, sha, &n) == 0);
		FUZZ_CHECK(n == env.files[i].size && strcmp(sha, env.files[i].sha) == 0);
	}
	char sha[KPIX_SHA256_HEX_SIZE], want[KPIX_SHA256_HEX_SIZE];
	uint64_t n = 0;
	kpix_sha256_hex(data, size, want);
	FUZZ_CHECK(kpix_sha256_file(env.manifest, sha, &n) == 0);
	FUZZ_CHECK(n == size && strcmp(sha, want) == 0);
}

static void check_result(int rc, const kpix_verify_result *r)
{
	if (rc != 0) {
		FUZZ_CHECK(r == NULL && kpix_error_last()[0]);
		return;
	}
	FUZZ_CHECK(r != NULL);
	for (size_t i = 0; i < kpix_verify_file_count(r); i++) {
		const kpix_verify_file *f = kpix_verify_file_get(r, i);
		FUZZ_CHECK(f && f->name && f->name[0]);
		if (f->path)
			(void)strlen(f->path);
		FUZZ_CHECK(f->state <= KPIX_VERIFY_UNCHECKED && f->rerun <= KPIX_VERIFY_UNCHECKED);
	}
	for (size_t i = 0; i < kpix_verify_note_count(r); i++) {
		const kpix_verify_note *n = kpix_verify_note_get(r, i);
		FUZZ_CHECK(n && n->message && n->message[0]);
	}
	FUZZ_CHECK(!kpix_verify_ok(r) || kpix_verify_reran(r));
	(void)strlen(kpix_verify_made_by(r));
	(void)strlen(kpix_verify_schema_id(r));
	(void)strlen(kpix_verify_schema_version(r));
	(void)strlen(kpix_verify_pack_id(r));
	(void)strlen(kpix_verify_pack_version(r));
	(void)strlen(kpix_verify_period(r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!env.ready)
		set_up();
	write_file(env.manifest, data, size);
	kpix_verify_options vo = KPIX_VERIFY_OPTIONS_INIT;
	vo.schema_path = KPIX_FUZZ_SCHEMA_DIR;
	kpix_verify_result *r = NULL;
	int rc = kpix_verify(&r, env.manifest, &vo);
	check_result(rc, r);
	kpix_verify_free(r);
	check_dir_untouched(data, size);
	FUZZ_CHECK(is_empty_dir(env.tmp)); /* no scratch directory left */
	return 0;
}
