/* report_json.c - a validation report as JSON (kpix_report_write_json in
 * kpix.h); the layout is documented in docs/report-format.md. */
#include <stdio.h>

#include "jsonw.h"
#include "kpix/kpix.h"
#include "report.h"

int kpix_report_write_json(const kpix_report *r, const kpix_schema *schema, FILE *out)
{
	kpix_jsonw *w = kpix_jsonw_new(out, 2);
	kpix_jsonw_object(w);
	kpix_jsonw_key(w, "kpix");
	kpix_jsonw_string(w, KPIX_VERSION);
	kpix_jsonw_key(w, "schema");
	kpix_jsonw_object(w);
	kpix_jsonw_key(w, "id");
	kpix_jsonw_string(w, kpix_schema_id(schema));
	kpix_jsonw_key(w, "version");
	kpix_jsonw_string(w, kpix_schema_version(schema));
	kpix_jsonw_end(w);
	kpix_jsonw_key(w, "valid");
	kpix_jsonw_bool(w, r->errors == 0);
	kpix_jsonw_key(w, "errors");
	kpix_jsonw_int(w, (int64_t)r->errors);
	kpix_jsonw_key(w, "warnings");
	kpix_jsonw_int(w, (int64_t)r->warnings);
	kpix_jsonw_key(w, "truncated");
	kpix_jsonw_bool(w, r->truncated);

	kpix_jsonw_key(w, "files");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->nfiles; i++) {
		const kpix_file_total *f = &r->files[i];
		kpix_jsonw_object(w);
		kpix_jsonw_key(w, "path");
		kpix_jsonw_string(w, f->path);
		kpix_jsonw_key(w, "rows");
		kpix_jsonw_int(w, (int64_t)f->rows);
		kpix_jsonw_key(w, "rejected");
		kpix_jsonw_int(w, (int64_t)f->rejected);
		kpix_jsonw_key(w, "encoding");
		kpix_jsonw_string(w, f->encoding);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);

	kpix_jsonw_key(w, "codes");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->ncodes; i++) {
		const kpix_code_total *c = &r->codes[i];
		kpix_jsonw_object(w);
		kpix_jsonw_key(w, "code");
		kpix_jsonw_string(w, c->code);
		kpix_jsonw_key(w, "errors");
		kpix_jsonw_int(w, (int64_t)c->errors);
		kpix_jsonw_key(w, "warnings");
		kpix_jsonw_int(w, (int64_t)c->warnings);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);

	kpix_jsonw_key(w, "diagnostics");
	kpix_jsonw_array(w);
	for (size_t i = 0; i < r->ndiags; i++) {
		const kpix_diag *d = &r->diags[i];
		kpix_jsonw_object(w);
		kpix_jsonw_key(w, "code");
		kpix_jsonw_string(w, d->code);
		kpix_jsonw_key(w, "severity");
		kpix_jsonw_string(w, d->severity == KPIX_SEVERITY_WARNING ? "warning" : "error");
		kpix_jsonw_key(w, "file");
		kpix_jsonw_string(w, d->file);
		kpix_jsonw_key(w, "row");
		if (d->row)
			kpix_jsonw_int(w, (int64_t)d->row);
		else
			kpix_jsonw_null(w);
		kpix_jsonw_key(w, "column");
		if (d->column)
			kpix_jsonw_int(w, d->column);
		else
			kpix_jsonw_null(w);
		kpix_jsonw_key(w, "field");
		kpix_jsonw_string(w, d->field);
		kpix_jsonw_key(w, "value");
		kpix_jsonw_string(w, d->value);
		kpix_jsonw_key(w, "rule");
		kpix_jsonw_string(w, d->rule);
		kpix_jsonw_key(w, "message");
		kpix_jsonw_string(w, d->message);
		kpix_jsonw_end(w);
	}
	kpix_jsonw_end(w);
	kpix_jsonw_end(w);
	kpix_jsonw_raw(w, "\n");
	int rc = kpix_jsonw_finish(w);
	kpix_jsonw_free(w);
	return rc;
}
