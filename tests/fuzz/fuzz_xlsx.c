/* fuzz_xlsx.c - the workbook reader (src/read/xlsxread.h) on arbitrary bytes.
 *
 * A mutated zip archive rarely gets past its checksums, so an input is one
 * of two kinds. One that starts with "PARTS\n" is a list of the archive's
 * members, each "--8<-- NAME\n" and then its bytes, which the target packs
 * into a zip archive (stored, with correct checksums) here: that is how the
 * XML inside reaches the parsers. Any other input is read as the archive
 * itself, which reaches the zip reader's handling of damage.
 *
 * Each is read twice: with the defaults, as kpix validate reads it, and
 * with small caps on cells and columns, the sheet named "Data", and a stop
 * after a few records. Every record and problem is checked against what
 * source.h promises: rows 1, 2, 3... with no gap, cells NUL-terminated
 * UTF-8 of the length given, no more than max_columns of them. */
#define _GNU_SOURCE /* memmem */
#include <string.h>
#include <zlib.h>

#include "fuzz.h"
#include "source.h"
#include "util.h"
#include "xlsxread.h"

typedef struct {
	const kpix_source_options *o;
	uint64_t records, stop_at;
} reading;

static int on_record(void *ctx, const kpix_record *rec)
{
	reading *r = ctx;
	r->records++;
	FUZZ_CHECK(rec->row == r->records);
	FUZZ_CHECK(rec->ncells <= rec->ncells_seen);
	FUZZ_CHECK(rec->ncells <= r->o->max_columns || !r->o->max_columns);
	FUZZ_CHECK(rec->ncells <= 16384);
	FUZZ_CHECK(rec->ncells == 0 || rec->cells != NULL);
	for (size_t i = 0; i < rec->ncells; i++) {
		const kpix_cell *c = &rec->cells[i];
		FUZZ_CHECK(c->data != NULL);
		FUZZ_CHECK(c->data[c->len] == '\0');
		FUZZ_CHECK(strlen(c->data) == c->len);
		FUZZ_CHECK(kpix_utf8_valid(c->data, c->len));
		if (!rec->malformed && r->o->max_field_bytes)
			FUZZ_CHECK(c->len <= r->o->max_field_bytes);
	}
	return r->stop_at && rec->row >= r->stop_at;
}

static void on_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row,
                       uint32_t column, const char *value, const char *message)
{
	(void)ctx;
	(void)row;
	(void)column;
	FUZZ_CHECK(code && *code);
	FUZZ_CHECK(sev == KPIX_SEVERITY_ERROR || sev == KPIX_SEVERITY_WARNING);
	FUZZ_CHECK(message && *message);
	FUZZ_CHECK(kpix_utf8_valid(message, strlen(message)));
	if (value)
		(void)strlen(value);
}

static void read_once(const uint8_t *data, size_t len, const kpix_source_options *o,
                      uint64_t stop_at)
{
	kpix_source *src;
	FUZZ_CHECK(kpix_xlsx_source_open_mem(&src, "fuzz.xlsx", data, len, o) == 0);
	reading r = {&src->opts, 0, stop_at};
	kpix_source_handler h = {on_record, on_problem, &r};
	FUZZ_CHECK(kpix_source_read(src, &h) == 0);
	const kpix_source_info *info = kpix_source_info_get(src);
	FUZZ_CHECK(info->bytes == len);
	FUZZ_CHECK(info->records == r.records);
	if (o && o->sha256)
		FUZZ_CHECK(strlen(info->sha256) == 64);
	kpix_source_close(src);
}

static void put16(kpix_buf *b, unsigned v)
{
	kpix_buf_addc(b, (char)(v & 0xff));
	kpix_buf_addc(b, (char)(v >> 8 & 0xff));
}

static void put32(kpix_buf *b, unsigned long v)
{
	put16(b, (unsigned)(v & 0xffff));
	put16(b, (unsigned)(v >> 16 & 0xffff));
}

/* Packs the members listed after "PARTS\n" into a stored zip archive in z. */
static void pack_parts(const char *d, size_t len, kpix_buf *z)
{
	static const char mark[] = "--8<-- ";
	kpix_buf dir = KPIX_BUF_INIT;
	unsigned n = 0;
	const char *end = d + len;
	const char *p = memmem(d, len, mark, sizeof(mark) - 1);
	while (p && n < 64) {
		const char *name = p + sizeof(mark) - 1;
		const char *nl = memchr(name, '\n', (size_t)(end - name));
		if (!nl)
			break;
		const char *body = nl + 1;
		const char *next = memmem(body, (size_t)(end - body), mark, sizeof(mark) - 1);
		size_t blen = (size_t)((next ? next : end) - body);
		if (blen && body[blen - 1] == '\n' && next)
			blen--;
		unsigned nlen = (unsigned)(nl - name);
		unsigned long crc = crc32(0, (const Bytef *)body, (uInt)blen);
		unsigned long off = (unsigned long)z->len;
		put32(z, 0x04034b50);
		put16(z, 20), put16(z, 0), put16(z, 0), put16(z, 0), put16(z, 0);
		put32(z, crc), put32(z, blen), put32(z, blen);
		put16(z, nlen), put16(z, 0);
		kpix_buf_add(z, name, nlen);
		kpix_buf_add(z, body, blen);
		put32(&dir, 0x02014b50);
		put16(&dir, 20), put16(&dir, 20), put16(&dir, 0), put16(&dir, 0);
		put16(&dir, 0), put16(&dir, 0);
		put32(&dir, crc), put32(&dir, blen), put32(&dir, blen);
		put16(&dir, nlen), put16(&dir, 0), put16(&dir, 0), put16(&dir, 0), put16(&dir, 0);
		put32(&dir, 0), put32(&dir, off);
		kpix_buf_add(&dir, name, nlen);
		n++;
		p = next;
	}
	unsigned long at = (unsigned long)z->len;
	kpix_buf_add(z, dir.data ? dir.data : "", dir.len);
	put32(z, 0x06054b50);
	put16(z, 0), put16(z, 0), put16(z, n), put16(z, n);
	put32(z, dir.len), put32(z, at);
	put16(z, 0);
	kpix_buf_free(&dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kpix_buf zip = KPIX_BUF_INIT;
	if (size >= 6 && memcmp(data, "PARTS\n", 6) == 0) {
		pack_parts((const char *)data + 6, size - 6, &zip);
		data = (const uint8_t *)zip.data;
		size = zip.len;
	}
	read_once(data, size, NULL, 0);
	kpix_source_options tight = {.max_field_bytes = 16, .max_columns = 4, .sha256 = true,
	                             .sheet = "Data"};
	read_once(data, size, &tight, 2 + size % 5);
	kpix_buf_free(&zip);
	return 0;
}
