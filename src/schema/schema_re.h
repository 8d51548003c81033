/* schema_re.h - a field's compiled "pattern" (schema.h's kpix_field.re).
 *
 * PCRE2 is seen only by the files that include this: the schema loader,
 * which compiles the pattern, and the validator, which matches cells with
 * it. Everything else sees an opaque pointer. */
#ifndef KPIX_SCHEMA_RE_H
#define KPIX_SCHEMA_RE_H

#include <stdbool.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

struct kpix_regex {
	pcre2_code *code;
	bool jit; /* compiled to machine code: match with pcre2_jit_match */
};

#endif
