/* source.c - opening a file as the record source its format needs, and
 * what every source shares (see source.h). */
#include "source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "jsonw.h"
#include "util.h"

#define DEFAULT_MAX_FIELD_BYTES (1024 * 1024)
#define DEFAULT_MAX_COLUMNS 16384

void kpix_source_init(kpix_source *src, const kpix_source_ops *ops,
                      const kpix_source_options *opts)
{
	memset(src, 0, sizeof(*src));
	src->ops = ops;
	if (opts)
		src->opts = *opts;
	if (!src->opts.max_field_bytes)
		src->opts.max_field_bytes = DEFAULT_MAX_FIELD_BYTES;
	if (!src->opts.max_columns)
		src->opts.max_columns = DEFAULT_MAX_COLUMNS;
	src->info.encoding = "ascii";
}

/* The formats kpix reads, each with the function that opens a file as its
 * source. The first whose claim answers yes for the path opens it; the
 * last claims every file. */
static const struct {
	bool (*claims)(const char *path);
	int (*open)(kpix_source **out, const char *path, const kpix_source_options *opts);
} formats[] = {
	{NULL, kpix_csv_source_open},
};

int kpix_source_open(kpix_source **out, const char *path, const kpix_source_options *opts)
{
	*out = NULL;
	size_t i = 0;
	while (formats[i].claims && !formats[i].claims(path))
		i++;
	return formats[i].open(out, path, opts);
}

int kpix_source_read(kpix_source *src, const kpix_source_handler *h)
{
	return src->ops->read(src, h);
}

const kpix_source_info *kpix_source_info_get(const kpix_source *src)
{
	return &src->info;
}

int kpix_source_read_file(const char *path, const kpix_source_options *opts,
                          const kpix_source_handler *h)
{
	kpix_source *src;
	int rc = kpix_source_open(&src, path, opts);
	if (rc == 0)
		rc = kpix_source_read(src, h);
	kpix_source_close(src);
	return rc;
}

void kpix_source_close(kpix_source *src)
{
	if (src)
		src->ops->close(src);
}

/* ------------------------------------------------------------ public API */

typedef struct {
	kpix_record_fn fn;
	void *ctx;
	const char **cells;
	size_t *lens;
	size_t cap;
	bool problem;
} foreach_state;

static int foreach_record(void *vctx, const kpix_record *rec)
{
	foreach_state *st = vctx;
	if (rec->ncells > st->cap) {
		st->cap = rec->ncells;
		st->cells = kpix_xrealloc(st->cells, st->cap * sizeof(*st->cells));
		st->lens = kpix_xrealloc(st->lens, st->cap * sizeof(*st->lens));
	}
	for (size_t i = 0; i < rec->ncells; i++) {
		st->cells[i] = rec->cells[i].data;
		st->lens[i] = rec->cells[i].len;
	}
	return st->fn(st->ctx, rec->row, st->cells, st->lens, rec->ncells);
}

static void foreach_problem(void *vctx, const char *code, kpix_severity sev, uint64_t row,
                            uint32_t column, const char *value, const char *message)
{
	foreach_state *st = vctx;
	(void)value;
	if (sev != KPIX_SEVERITY_ERROR || st->problem)
		return;
	st->problem = true;
	kpix_fail(KPIX_ERROR, "row %llu, column %u: %s: %s", (unsigned long long)row, column, code,
	          message);
}

int kpix_csv_foreach(const char *path, kpix_record_fn fn, void *ctx)
{
	foreach_state st = {fn, ctx, NULL, NULL, 0, false};
	kpix_error_clear();
	kpix_source_handler h = {foreach_record, foreach_problem, &st};
	int rc = kpix_source_read_file(path, NULL, &h);
	free(st.cells);
	free(st.lens);
	if (rc)
		return rc;
	return st.problem ? KPIX_ERROR : 0;
}

static int dump_record(void *ctx, uint64_t row, const char *const *cells, const size_t *lens,
                       size_t n)
{
	kpix_jsonw *w = ctx;
	(void)row;
	kpix_jsonw_array(w);
	for (size_t i = 0; i < n; i++)
		kpix_jsonw_stringn(w, cells[i], lens[i]);
	kpix_jsonw_end(w);
	return 0;
}

int kpix_csv_dump_json(const char *path, FILE *out)
{
	kpix_jsonw *w = kpix_jsonw_new(NULL, 0);
	kpix_jsonw_array(w);
	int rc = kpix_csv_foreach(path, dump_record, w);
	if (rc == 0) {
		kpix_jsonw_end(w);
		kpix_jsonw_raw(w, "\n");
		size_t len;
		const char *text = kpix_jsonw_text(w, &len);
		if (fwrite(text, 1, len, out) != len)
			rc = kpix_fail(KPIX_EIO, "cannot write the records of '%s': %s", path,
			               strerror(errno));
	}
	kpix_jsonw_free(w);
	return rc;
}
