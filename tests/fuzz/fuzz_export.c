/* fuzz_export.c - a whole export, as kpix export runs it, through the
 * public API (include/kpix/kpix.h), into a fresh directory, and what
 * docs/exports.md promises of what it leaves there.
 *
 * Input: the CSV data, or a line naming one of the shipped schemas that
 * have exports, then the CSV:
 *     rsh-tsm-2024-25
 *     CSV
 * (council-kpi-quarterly when the first line names neither; a schema's
 * required parameters are given, as examples/rsh-tsm/README.md gives
 * them, so that its exports run). The schemas
 * are loaded once from the repository's schemas/; the CSV is handed to
 * kpix as a file that lives in memory (memfd, /proc/self/fd/N). Each run
 * exports into DIR, a directory that does not exist yet, with TMPDIR a
 * directory of this process's own, and checks:
 *   - all or nothing: written, DIR holds every output the export names
 *     and manifest.json, and nothing else; not written, DIR is gone (kpix
 *     made it) and so is everything kpix made;
 *   - no temporary file or directory is left, in DIR or in TMPDIR;
 *   - the manifest's reconciliation adds up (rows read = exported +
 *     rejected) and agrees with the report;
 *   - each output's size and SHA-256 in the manifest are the file's;
 *   - no cell of a CSV output starts as a formula would (=, +, -, @, a
 *     tab or a carriage return) unless it is a number: text like that is
 *     written with a leading apostrophe. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "fuzz.h"
#include "kpix/kpix.h"
#include "outdir.h"

#ifndef KPIX_FUZZ_SCHEMA_DIR
#error "KPIX_FUZZ_SCHEMA_DIR must name the repository's schemas/"
#endif

static const char *const schema_ids[] = {"council-kpi-quarterly", "rsh-tsm-2024-25"};
#define NSCHEMAS (sizeof(schema_ids) / sizeof(schema_ids[0]))

/* The --param values each schema's exports require, by schema_ids. */
static const char *const tsm_params[] = {"provider_code=X0001", "provider_name=Example Borough Council",
                                         "provider_type=LA"};
static const struct {
	const char *const *params;
	size_t n;
} schema_params[NSCHEMAS] = {{NULL, 0}, {tsm_params, 3}};

static kpix_schema *schemas[NSCHEMAS];
static char base[64]; /* this process's scratch area: base/tmp is TMPDIR */
static char out[96];  /* base/out, where each export goes */
static char tmpdir[96];

/* At the end of the process: base and what is in it (each run leaves DIR
 * gone, or the run's check failed and the rest is evidence). */
static void teardown(void)
{
	rmdir(tmpdir);
	rmdir(base);
}

static void setup(void)
{
	if (base[0])
		return;
	snprintf(base, sizeof(base), "/tmp/kpix-fuzz-export.XXXXXX");
	FUZZ_CHECK(mkdtemp(base) != NULL);
	snprintf(out, sizeof(out), "%s/out", base);
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", base);
	FUZZ_CHECK(mkdir(tmpdir, 0700) == 0);
	FUZZ_CHECK(setenv("TMPDIR", tmpdir, 1) == 0);
	for (size_t i = 0; i < NSCHEMAS; i++)
		FUZZ_CHECK(kpix_schema_load(&schemas[i], schema_ids[i], KPIX_FUZZ_SCHEMA_DIR) == 0);
	atexit(teardown);
}

/* How many entries dir has ("." and ".." not counted); -1 when it does
 * not exist. */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* True when name is in DIR as a regular file. */
static bool is_file(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", out, name);
	struct stat st;
	return lstat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* True when a cell a spreadsheet would take for a formula is a number. */
static bool formula_safe(const char *cell, size_t len)
{
	if (len == 0 || !strchr("=+-@\t\r", cell[0]))
		return true;
	if (cell[0] != '-' || len > 64)
		return false;
	char buf[65];
	memcpy(buf, cell, len);
	buf[len] = '\0';
	char *end;
	errno = 0;
	strtod(buf, &end);
	return end != buf && *end == '\0';
}

static int check_cells(void *ctx, uint64_t row, const char *const *cells, const size_t *lengths,
                       size_t ncells)
{
	(void)ctx;
	(void)row;
	for (size_t i = 0; i < ncells; i++)
		if (!formula_safe(cells[i], lengths[i])) {
			fprintf(stderr, "a CSV cell starts like a formula: '%.*s'\n",
			        (int)(lengths[i] > 80 ? 80 : lengths[i]), cells[i]);
			FUZZ_CHECK(!"a CSV cell starts like a formula");
		}
	return 0;
}

/* The manifest holds what DIR holds, and adds up. */
static void check_manifest(const kpix_result *r)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/manifest.json", out);
	json_error_t jerr;
	json_t *m = json_load_file(path, 0, &jerr);
	FUZZ_CHECK(m != NULL);
	json_t *outputs = json_object_get(m, "outputs");
	FUZZ_CHECK(json_is_array(outputs));
	FUZZ_CHECK(json_array_size(outputs) == kpix_result_output_count(r));
	for (size_t i = 0; i < json_array_size(outputs); i++) {
		json_t *o = json_array_get(outputs, i);
		const char *name = json_string_value(json_object_get(o, "name"));
		const char *sha = json_string_value(json_object_get(o, "sha256"));
		json_t *size = json_object_get(o, "size");
		const char *format = json_string_value(json_object_get(o, "format"));
		FUZZ_CHECK(name && sha && json_is_integer(size) && format);
		FUZZ_CHECK(strcmp(name, kpix_result_output_name(r, i)) == 0);
		snprintf(path, sizeof(path), "%s/%s", out, name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		FUZZ_CHECK(fd >= 0);
		char hex[KPIX_SHA256_HEX_SIZE];
		uint64_t n = 0;
		FUZZ_CHECK(kpix_sha256_fd(fd, path, hex, &n) == 0);
		close(fd);
		FUZZ_CHECK(strcmp(hex, sha) == 0);
		FUZZ_CHECK(n == (uint64_t)json_integer_value(size));
		if (strcmp(format, "csv") == 0)
			FUZZ_CHECK(kpix_csv_foreach(path, check_cells, NULL) == 0);
	}
	json_t *rec = json_object_get(m, "reconciliation");
	json_int_t read = json_integer_value(json_object_get(rec, "rows_read"));
	json_int_t exported = json_integer_value(json_object_get(rec, "rows_exported"));
	json_int_t rejected = json_integer_value(json_object_get(rec, "rows_rejected"));
	FUZZ_CHECK(read == exported + rejected);
	const kpix_report *rep = kpix_result_report(r);
	uint64_t total = 0;
	for (size_t i = 0; i < kpix_report_file_count(rep); i++) {
		const char *file, *encoding;
		uint64_t rows, rej;
		kpix_report_file_get(rep, i, &file, &rows, &rej, &encoding);
		total += rows;
	}
	FUZZ_CHECK((uint64_t)read == total);
	json_decref(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	const char *d = (const char *)data;
	size_t which = 0;
	for (size_t i = 0; i < NSCHEMAS; i++) {
		size_t n = strlen(schema_ids[i]);
		if (size > n && memcmp(d, schema_ids[i], n) == 0 && d[n] == '\n') {
			which = i;
			d += n + 1;
			size -= n + 1;
			break;
		}
	}
	int fd = memfd_create("data", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0);
	for (size_t done = 0; done < size;) {
		ssize_t w = write(fd, d + done, size - done);
		FUZZ_CHECK(w > 0);
		done += (size_t)w;
	}
	char csv[64];
	snprintf(csv, sizeof(csv), "/proc/self/fd/%d", fd);
	const char *files[] = {csv};

	kpix_export_options opts = KPIX_EXPORT_OPTIONS_INIT;
	opts.out_dir = out;
	opts.params = schema_params[which].params;
	opts.nparams = schema_params[which].n;
	kpix_result *r = NULL;
	int rc = kpix_export(&r, schemas[which], files, 1, &opts);
	FUZZ_CHECK(r != NULL);
	if (rc != 0)
		FUZZ_CHECK(kpix_error_last()[0] != '\0');
	bool written = kpix_result_written(r);
	if (written) {
		FUZZ_CHECK(rc == 0);
		size_t n = kpix_result_output_count(r);
		FUZZ_CHECK(n > 0);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(is_file(kpix_result_output_name(r, i)));
		FUZZ_CHECK(is_file("manifest.json"));
		FUZZ_CHECK(entries(out) == (int)n + 1); /* nothing else: no temporary */
		check_manifest(r);
	}
	kpix_result_free(r);
	/* not written: the DIR kpix made is gone once the result is freed
	 * (the result holds it, locked, until then) */
	if (!written)
		FUZZ_CHECK(entries(out) == -1);
	FUZZ_CHECK(entries(tmpdir) == 0);
	close(fd);
	kpix_remove_dir_on_signal(out);
	FUZZ_CHECK(entries(out) == -1);
	return 0;
}
