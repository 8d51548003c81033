/* report.h - the list of diagnostics a validation produces, and its totals.
 * The validator fills it; callers read it through the getters in kpix.h. */
#ifndef KPIX_REPORT_H
#define KPIX_REPORT_H

#include "kpix/kpix.h"
#include "util.h"

typedef struct {
	const char *code;
	const char *given; /* the caller's string when this code was last counted */
	uint64_t errors, warnings;
} kpix_code_total;

typedef struct {
	char *path;
	uint64_t rows, rejected;
	const char *encoding;
	const char *sheet;     /* of a workbook, the sheet read; NULL for CSV (in strings) */
	const char *sheet_ref; /* the sheet as a reference starts with it: Data! ('My data'!) */
} kpix_file_total;

struct kpix_report {
	kpix_diag *diags;
	size_t ndiags, cap;
	uint64_t max_kept;
	uint64_t errors, warnings;
	bool truncated;
	uint64_t suppressed; /* knock-ons of problems reported: counted here only */
	kpix_code_total *codes;
	size_t ncodes;
	size_t last_code; /* the code counted last: the next is most often the same */
	kpix_file_total *files;
	size_t nfiles;
	kpix_arena strings; /* copies of every string a diagnostic holds */
};

void kpix_report_init(kpix_report *r, uint64_t max_kept);
void kpix_report_done(kpix_report *r);

/* Counts a diagnostic under total_code (the rule's code for rules, else the
 * diagnostic's code) and keeps a copy of it while fewer than max_kept are
 * kept. Strings are copied; value is cut to a readable length. total_code
 * is recognised by its address before its text, so a given address must
 * hold the same text for the life of the report (a literal or a schema's
 * string, as every caller passes). */
void kpix_report_add(kpix_report *r, const kpix_diag *d, const char *total_code, size_t value_len);

/* kpix_report_skip for a code other than the one counted last. */
void kpix_report_skip_other(kpix_report *r, kpix_severity sev, const char *total_code);

/* Counts a diagnostic of severity sev under total_code, as kpix_report_add
 * does, without keeping it: for callers that found the report full and so
 * did not write the diagnostic out. The report says it was truncated.
 * Inline, as with many bad rows nearly every diagnostic comes here, most
 * often with the code of the one before. */
static inline void kpix_report_skip(kpix_report *r, kpix_severity sev, const char *total_code)
{
	if (r->last_code >= r->ncodes || r->codes[r->last_code].given != total_code) {
		kpix_report_skip_other(r, sev, total_code);
		return;
	}
	kpix_code_total *t = &r->codes[r->last_code];
	if (sev == KPIX_SEVERITY_WARNING) {
		r->warnings++;
		t->warnings++;
	} else {
		r->errors++;
		t->errors++;
	}
	r->truncated = true;
}

/* True when no more diagnostics will be kept, only counted: callers may
 * then skip writing the message. */
static inline bool kpix_report_full(const kpix_report *r)
{
	return r->ndiags >= r->max_kept;
}

/* Records that file i was read from the workbook sheet named sheet (""
 * or NULL for a CSV file: nothing is recorded). */
void kpix_report_file_sheet_set(kpix_report *r, size_t i, const char *sheet);

/* Sorts the per-code totals; call once at the end. */
void kpix_report_finish(kpix_report *r);

#endif
