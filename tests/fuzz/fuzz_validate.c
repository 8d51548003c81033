/* fuzz_validate.c - a whole validation, as kpix validate runs it, through
 * the public API alone (include/kpix/kpix.h).
 *
 * Input:
 *     SCHEMA
 *     ==csv==
 *     CSV
 *     ==previous==        (optional)
 *     LAST PERIOD'S CSV
 * SCHEMA is either the id of a shipped schema on a line of its own (looked
 * up in the repository's schemas/; loaded once and kept, so the fuzzer's
 * time goes on the data) or a schema's JSON text. The texts are handed to
 * kpix as files that live in memory (memfd), named /proc/self/fd/N. An
 * input without the "==csv==" line is not a case and is skipped. The
 * report must hold what kpix.h promises of it. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "kpix/kpix.h"

#ifndef KPIX_FUZZ_SCHEMA_DIR
#error "KPIX_FUZZ_SCHEMA_DIR must name the repository's schemas/"
#endif

#define CSV_LINE "\n==csv==\n"
#define PREVIOUS_LINE "\n==previous==\n"

typedef struct {
	int fd;
	char path[64];
} memfile;

static bool memfile_open(memfile *m, const char *what, const char *data, size_t len)
{
	m->fd = memfd_create(what, MFD_CLOEXEC);
	FUZZ_CHECK(m->fd >= 0);
	while (len) {
		ssize_t n = write(m->fd, data, len);
		FUZZ_CHECK(n > 0);
		data += n;
		len -= (size_t)n;
	}
	snprintf(m->path, sizeof m->path, "/proc/self/fd/%d", m->fd);
	return true;
}

static void memfile_close(memfile *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

static const char *find(const char *hay, size_t n, const char *needle)
{
	return memmem(hay, n, needle, strlen(needle));
}

static bool is_id(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* Shipped schemas, each loaded once for the whole run (a failure too). */
#define NSHIPPED 8
static struct {
	char id[65];
	kpix_schema *schema;
} shipped[NSHIPPED];

/* The shipped schema id (n bytes), or NULL when there is none; when the
 * cache is full it is loaded into *own, for the caller to free. */
static const kpix_schema *shipped_schema(const char *id, size_t n, kpix_schema **own)
{
	char name[65];
	memcpy(name, id, n);
	name[n] = '\0';
	size_t i;
	for (i = 0; i < NSHIPPED && shipped[i].id[0]; i++)
		if (strcmp(shipped[i].id, name) == 0)
			return shipped[i].schema;
	kpix_schema *s = NULL;
	if (kpix_schema_load(&s, name, KPIX_FUZZ_SCHEMA_DIR) != 0)
		FUZZ_CHECK(s == NULL && kpix_error_last()[0]);
	if (i == NSHIPPED) {
		*own = s;
		return s;
	}
	memcpy(shipped[i].id, name, n + 1);
	shipped[i].schema = s;
	return s;
}

static void check_report(const kpix_report *r)
{
	FUZZ_CHECK(r != NULL);
	size_t n = kpix_report_count(r);
	uint64_t errors = 0, warnings = 0;
	for (size_t i = 0; i < n; i++) {
		const kpix_diag *d = kpix_report_get(r, i);
		FUZZ_CHECK(d && d->code && d->code[0] && d->message && d->message[0]);
		FUZZ_CHECK(d->severity == KPIX_SEVERITY_ERROR || d->severity == KPIX_SEVERITY_WARNING);
		if (d->file)
			(void)strlen(d->file);
		if (d->field)
			(void)strlen(d->field);
		if (d->value)
			(void)strlen(d->value);
		if (d->rule)
			(void)strlen(d->rule);
		if (d->severity == KPIX_SEVERITY_ERROR)
			errors++;
		else
			warnings++;
	}
	FUZZ_CHECK(errors <= kpix_report_errors(r));
	FUZZ_CHECK(warnings <= kpix_report_warnings(r));
	FUZZ_CHECK(kpix_report_truncated(r) ||
	           n == kpix_report_errors(r) + kpix_report_warnings(r));
	uint64_t by_code_e = 0, by_code_w = 0;
	for (size_t i = 0; i < kpix_report_code_count(r); i++) {
		const char *code;
		uint64_t e, w;
		kpix_report_code_get(r, i, &code, &e, &w);
		FUZZ_CHECK(code && code[0]);
		by_code_e += e;
		by_code_w += w;
	}
	FUZZ_CHECK(by_code_e == kpix_report_errors(r));
	FUZZ_CHECK(by_code_w == kpix_report_warnings(r));
	FUZZ_CHECK(kpix_report_file_count(r) == 1);
	const char *path, *encoding;
	uint64_t rows, rejected;
	kpix_report_file_get(r, 0, &path, &rows, &rejected, &encoding);
	FUZZ_CHECK(path && encoding);
	FUZZ_CHECK(rejected <= rows);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data, *end = d + size;
	const char *sep = find(d, size, CSV_LINE);
	if (!sep)
		return 0;
	const char *csv = sep + strlen(CSV_LINE);
	const char *prev_sep = find(csv, (size_t)(end - csv), PREVIOUS_LINE);
	const char *csv_end = prev_sep ? prev_sep + 1 : end; /* the CSV keeps its last newline */
	const char *prev = prev_sep ? prev_sep + strlen(PREVIOUS_LINE) : NULL;

	memfile schema_file = {-1, ""}, csv_file = {-1, ""}, prev_file = {-1, ""};
	kpix_schema *own = NULL;
	const kpix_schema *schema;
	size_t schema_len = (size_t)(sep - d);
	if (is_id(d, schema_len)) {
		schema = shipped_schema(d, schema_len, &own);
	} else {
		memfile_open(&schema_file, "schema", d, schema_len);
		if (kpix_schema_load(&own, schema_file.path, NULL) != 0)
			FUZZ_CHECK(own == NULL && kpix_error_last()[0]);
		schema = own;
	}
	if (schema) {
		kpix_validator *v = NULL;
		FUZZ_CHECK(kpix_validator_new(&v, schema, NULL) == 0 && v);
		memfile_open(&csv_file, "data", csv, (size_t)(csv_end - csv));
		if (prev) {
			memfile_open(&prev_file, "previous", prev, (size_t)(end - prev));
			FUZZ_CHECK(kpix_validator_add_previous(v, prev_file.path) == 0);
		}
		FUZZ_CHECK(kpix_validator_add_file(v, csv_file.path) == 0);
		check_report(kpix_validator_finish(v));
		kpix_validator_free(v);
	}
	kpix_schema_free(own);
	memfile_close(&schema_file);
	memfile_close(&csv_file);
	memfile_close(&prev_file);
	return 0;
}
