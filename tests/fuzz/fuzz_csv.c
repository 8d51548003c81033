/* fuzz_csv.c - the CSV reader (src/read/csvread.h) on arbitrary bytes.
 *
 * The input is read twice: as kpix validate reads a file (encoding
 * detected, the default caps), and with the encoding fixed by the input's
 * length, small caps on cells and columns, and a stop after a few records,
 * so that the size limits, both encodings and an early stop are reached.
 * Every cell is checked against what csvread.h promises, and each
 * well-formed record of two or more cells is written back with
 * kpix_csv_cell and read again, which must give the same cells (unless
 * its first cell starts with a byte-order mark). */
#include <string.h>

#include "csvread.h"
#include "csvwrite.h"
#include "fuzz.h"
#include "util.h"

typedef struct {
	const kpix_csv_config *cfg;
	uint64_t records, last_row;
	uint64_t stop_at; /* on_record asks to stop at this row; 0: never */
	bool round_trip;
} reading;

typedef struct {
	const kpix_record *want;
	uint64_t records;
} rereading;

static int compare(void *ctx, const kpix_record *rec)
{
	rereading *r = ctx;
	r->records++;
	FUZZ_CHECK(r->records == 1);
	FUZZ_CHECK(!rec->malformed);
	FUZZ_CHECK(rec->ncells == r->want->ncells);
	for (size_t i = 0; i < rec->ncells; i++) {
		FUZZ_CHECK(rec->cells[i].len == r->want->cells[i].len);
		FUZZ_CHECK(memcmp(rec->cells[i].data, r->want->cells[i].data, rec->cells[i].len) == 0);
	}
	return 0;
}

/* Writes rec's cells as one CSV line, as exports write them, and reads it
 * back. */
static void round_trip(const kpix_record *rec)
{
	kpix_buf line = KPIX_BUF_INIT;
	for (size_t i = 0; i < rec->ncells; i++) {
		if (i)
			kpix_buf_addc(&line, ',');
		kpix_csv_cell(&line, rec->cells[i].data, rec->cells[i].len, false);
	}
	kpix_buf_addc(&line, '\n');
	rereading r = {rec, 0};
	kpix_csv_config cfg = {0};
	cfg.on_record = compare;
	cfg.ctx = &r;
	cfg.encoding = KPIX_ENCODING_UTF8;
	kpix_csv_stats st;
	FUZZ_CHECK(kpix_csv_read_mem(line.data, line.len, &cfg, &st) == 0);
	FUZZ_CHECK(r.records == 1);
	kpix_buf_free(&line);
}

static int on_record(void *ctx, const kpix_record *rec)
{
	reading *r = ctx;
	FUZZ_CHECK(rec->row > r->last_row);
	r->last_row = rec->row;
	r->records++;
	FUZZ_CHECK(rec->ncells <= rec->ncells_seen);
	if (r->cfg->max_columns)
		FUZZ_CHECK(rec->ncells <= r->cfg->max_columns);
	for (size_t i = 0; i < rec->ncells; i++) {
		const kpix_cell *c = &rec->cells[i];
		FUZZ_CHECK(c->data != NULL);
		FUZZ_CHECK(c->data[c->len] == '\0');
		/* UTF-8, converted when the file was not */
		if (r->cfg->encoding != KPIX_ENCODING_UTF8)
			FUZZ_CHECK(kpix_utf8_valid(c->data, c->len));
	}
	/* a first cell that starts with a byte-order mark cannot come back as
	 * it was: at the start of a file the reader takes the mark for the
	 * file's own */
	if (r->round_trip && !rec->malformed && rec->ncells >= 2 &&
	    !(rec->cells[0].len >= 3 && memcmp(rec->cells[0].data, "\xef\xbb\xbf", 3) == 0))
		round_trip(rec);
	return r->stop_at && rec->row >= r->stop_at;
}

static void on_problem(void *ctx, const char *code, kpix_severity sev, uint64_t row,
                       uint32_t column, const char *value, const char *message)
{
	(void)ctx;
	(void)column;
	FUZZ_CHECK(code && *code);
	FUZZ_CHECK(sev == KPIX_SEVERITY_ERROR || sev == KPIX_SEVERITY_WARNING);
	FUZZ_CHECK(row >= 1);
	FUZZ_CHECK(message && *message);
	if (value)
		(void)strlen(value);
}

static void read_once(const char *data, size_t len, kpix_csv_config *cfg, uint64_t stop_at,
                      bool with_round_trip)
{
	reading r = {cfg, 0, 0, stop_at, with_round_trip};
	cfg->on_record = on_record;
	cfg->on_problem = on_problem;
	cfg->ctx = &r;
	kpix_csv_stats st;
	FUZZ_CHECK(kpix_csv_read_mem(data, len, cfg, &st) == 0);
	FUZZ_CHECK(st.bytes == len);
	FUZZ_CHECK(st.encoding != NULL);
	if (st.complete)
		FUZZ_CHECK(st.records == r.records);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	kpix_csv_config as_validate = {0};
	read_once(d, size, &as_validate, 0, true);

	kpix_csv_config tight = {0};
	tight.encoding = size % 2 ? KPIX_ENCODING_CP1252 : KPIX_ENCODING_UTF8;
	tight.max_field_bytes = 16;
	tight.max_columns = 4;
	read_once(d, size, &tight, 2 + size % 5, false);
	return 0;
}
