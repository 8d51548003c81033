/* report_json.c - a validation report as JSON (kpix_report_write_json in
 * kpix.h); the layout is documented in docs/report-format.md. */
#include <stdint.h>
#include <stdio.h>

#include "jsonw.h"
#include "kpix/kpix.h"
#include "report.h"

static void member(kpix_jsonw *w, const char *key, const char *s)
{
	kpix_jsonw_key(w, key);
	kpix_jsonw_string(w, s);
}

static void member_int(kpix_jsonw *w, const char *key, uint64_t n)
{
	kpix_jsonw_key(w, key);
	kpix_jsonw_int(w, (int64_t)n);
}

/* A row or column number, null when there is none (0). */
static void member_place(kpix_jsonw *w, const char *key, uint64_t n)
{
	if (n) {
		member_int(w, key, n);
	} else {
		kpix_jsonw_key(w, key);
		kpix_jsonw_null(w);
	}
}

int kpix_report_write_json(const kpix_report *r, const kpix_schema *schema, FILE *out)
{
	kpix_jsonw *w = kpix_jsonw_new(out, 2);
	kpix_jsonw_object(w);
	member(w, "kpix", KPIX_VERSION);
	kpix_jsonw_key(w, "schema");
	kpix_jsonw_object(w);
	member(w, "id", kpix_schema_id(schema));
	member(w, "version", kpix_schema_version(schema));
	kpix_jsonw_end(w);
	kpix_jsonw_key(w, "valid");
	kpix_jsonw_bool(w, r->errors == 0);
	member_int(w, "errors", r->errors);
	member_int(w, "warnings", r->warnings);
	kpix_jsonw_key(w, "truncated");
	kpix_jsonw_bool(w, r->truncated);

	kpix_jsonw_key(w, "files");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->nfiles; i++) {
		const kpix_file_total *f = &r->files[i];
		kpix_jsonw_object(w);
		member(w, "path", f->path);
		member_int(w, "rows", f->rows);
		member_int(w, "rejected", f->rejected);
		member(w, "encoding", f->encoding);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);

	kpix_jsonw_key(w, "codes");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->ncodes; i++) {
		const kpix_code_total *c = &r->codes[i];
		kpix_jsonw_object(w);
		member(w, "code", c->code);
		member_int(w, "errors", c->errors);
		member_int(w, "warnings", c->warnings);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);

	kpix_jsonw_key(w, "diagnostics");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->ndiags; i++) {
		const kpix_diag *d = &r->diags[i];
		kpix_jsonw_object(w);
		member(w, "code", d->code);
		member(w, "severity", d->severity == KPIX_SEVERITY_WARNING ? "warning" : "error");
		member(w, "file", d->file);
		member_place(w, "row", d->row);
		member_place(w, "column", d->column);
		member(w, "field", d->field);
		member(w, "value", d->value);
		member(w, "rule", d->rule);
		member(w, "message", d->message);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);
	kpix_jsonw_end(w);
	kpix_jsonw_raw(w, "\n");
	int rc = kpix_jsonw_finish(w);
	kpix_jsonw_free(w);
	return rc;
}
