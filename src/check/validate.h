/* validate.h - what the rest of the library (exports) asks of the
 * validator beyond the public API. */
#ifndef KPIX_VALIDATE_H
#define KPIX_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "expr.h"
#include "kpix/kpix.h"
#include "source.h"

/* Called for every data row that could be read into cells, after its
 * checks. slots holds the row's typed values: the fields in schema order
 * (null when missing or not valid), then the ind.* attributes of the row's
 * indicator. Strings point into the row and last only for the call.
 * row_ok is false when the row had an error (so far: a foreign key to a
 * later row can still reject it at the end). */
typedef void (*kpix_row_hook)(void *ctx, const kpix_val *slots, uint64_t row, bool row_ok);

/* The return's figures (figures.h) as the rows read so far gave them, then
 * last period's: 2 * schema->figures.n values. */
const kpix_val *kpix_validator_figures(const kpix_validator *v);

void kpix_validator_set_row_hook(kpix_validator *v, kpix_row_hook fn, void *ctx);

/* Adds a problem found outside the validator (by an export, say) about a
 * field of a row of the file being read. code must keep its text for the
 * life of the validator (a literal, say): the totals recognise it by its
 * address. */
void kpix_validator_add_problem(kpix_validator *v, const char *code, kpix_severity sev,
                                uint64_t row, size_t field, const char *value, const char *message);

/* kpix_validator_add_file for a source already open (source.h), named name
 * in the report: reads and checks every record it hands over. The source
 * stays the caller's, to close. */
int kpix_validator_add_source(kpix_validator *v, kpix_source *src, const char *name);

/* From now on each file kpix_validator_add_file and _add_previous read is
 * hashed as it is read (the source option sha256), for a manifest; plain
 * validation does without. */
void kpix_validator_hash_files(kpix_validator *v);

/* What the source of the i-th file added (in the report's order) read:
 * its bytes, their SHA-256 taken as they were read (empty unless
 * kpix_validator_hash_files came first, or the source was opened so), and
 * whether it was read to the end (source.h); NULL for no such file. A
 * manifest records these, not a second read of the file. Owned by the
 * validator. */
const kpix_source_info *kpix_validator_file_read(const kpix_validator *v, size_t i);

/* The same for last period's file (kpix_validator_add_previous); NULL
 * when none was read. */
const kpix_source_info *kpix_validator_previous_read(const kpix_validator *v);

#endif
