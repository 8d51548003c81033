/* report_json.c - a validation report as JSON (kpix_report_write_json in
 * kpix.h); the layout is documented in docs/report-format.md. */
#include <stdint.h>
#include <stdio.h>

#include "jsonw.h"
#include "kpix/kpix.h"
#include "report.h"

/* A row or column number, null when there is none (0). */
static void member_place(kpix_jsonw *w, const char *key, uint64_t n)
{
	if (n) {
		kpix_jsonw_member_int(w, key, (int64_t)n);
	} else {
		kpix_jsonw_key(w, key);
		kpix_jsonw_null(w);
	}
}

int kpix_report_write_json(const kpix_report *r, const kpix_schema *schema, FILE *out)
{
	kpix_jsonw *w = kpix_jsonw_new(out, 2);
	kpix_jsonw_object(w);
	kpix_jsonw_member_string(w, "kpix", KPIX_VERSION);
	kpix_jsonw_key(w, "schema");
	kpix_jsonw_object(w);
	kpix_jsonw_member_string(w, "id", kpix_schema_id(schema));
	kpix_jsonw_member_string(w, "version", kpix_schema_version(schema));
	kpix_jsonw_end(w);
	kpix_jsonw_key(w, "valid");
	kpix_jsonw_bool(w, r->errors == 0);
	kpix_jsonw_member_int(w, "errors", r->errors);
	kpix_jsonw_member_int(w, "warnings", r->warnings);
	kpix_jsonw_key(w, "truncated");
	kpix_jsonw_bool(w, r->truncated);
	kpix_jsonw_member_int(w, "suppressed", r->suppressed);

	kpix_jsonw_key(w, "files");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->nfiles; i++) {
		const kpix_file_total *f = &r->files[i];
		kpix_jsonw_object(w);
		kpix_jsonw_member_string(w, "path", f->path);
		kpix_jsonw_member_int(w, "rows", f->rows);
		kpix_jsonw_member_int(w, "rejected", f->rejected);
		kpix_jsonw_member_string(w, "encoding", f->encoding);
		kpix_jsonw_member_string(w, "sheet", f->sheet);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);

	kpix_jsonw_key(w, "codes");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->ncodes; i++) {
		const kpix_code_total *c = &r->codes[i];
		kpix_jsonw_object(w);
		kpix_jsonw_member_string(w, "code", c->code);
		kpix_jsonw_member_int(w, "errors", c->errors);
		kpix_jsonw_member_int(w, "warnings", c->warnings);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);

	kpix_jsonw_key(w, "diagnostics");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->ndiags; i++) {
		const kpix_diag *d = &r->diags[i];
		kpix_jsonw_object(w);
		kpix_jsonw_member_string(w, "code", d->code);
		bool warning = d->severity == KPIX_SEVERITY_WARNING;
		kpix_jsonw_member_string(w, "severity", warning ? "warning" : "error");
		kpix_jsonw_member_string(w, "file", d->file);
		member_place(w, "row", d->row);
		member_place(w, "column", d->column);
		kpix_jsonw_member_string(w, "field", d->field);
		kpix_jsonw_member_string(w, "value", d->value);
		kpix_jsonw_member_string(w, "rule", d->rule);
		kpix_jsonw_member_string(w, "message", d->message);
		char cell[256];
		kpix_jsonw_member_string(w, "cell", *kpix_report_cell(r, d, cell, sizeof(cell)) ? cell : NULL);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);
	kpix_jsonw_end(w);
	kpix_jsonw_raw(w, "\n");
	int rc = kpix_jsonw_finish(w);
	kpix_jsonw_free(w);
	return rc;
}
