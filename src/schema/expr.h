/* expr.h - the small expression language of schema rules.
 *
 * A rule in a schema is a precondition ("when") and a check, both written
 * in this language, for example
 *
 *     numerator <= denominator and value in (0, 100)
 *     abs(value - round(numerator / denominator * 100, 1)) <= 0.05
 *     not (indicator in ('TP02', 'TP03', 'TP04')) or tenure == 'LCRA'
 *
 * Grammar (lowest precedence first):
 *     expr    := or
 *     or      := and ('or' and)*
 *     and     := not ('and' not)*
 *     not     := 'not' not | cmp
 *     cmp     := sum (('==' | '!=' | '<' | '<=' | '>' | '>=') sum)?
 *              | sum 'not'? 'in' '(' expr (',' expr)* ')'
 *              | sum 'is' 'not'? 'null'
 *     sum     := product (('+' | '-') product)*
 *     product := unary (('*' | '/' | '%') unary)*
 *     unary   := '-' unary | primary
 *     primary := number | string | 'true' | 'false' | 'null'
 *              | name | name '(' args? ')' | '(' expr ')'
 *     name    := [A-Za-z_][A-Za-z0-9_.]* | '`' any text but '`' '`'
 *     string  := '...' with '' for a quote inside
 * Functions: abs(x), round(x[, digits]) (half away from zero, as Excel does),
 * ceil(x), floor(x) (of the double as it is: 0.1 * 3 * 10 rounds up to 4),
 * sqrt(x) (null for a negative x, as for a division by zero),
 * min(a, b, ...), max(a, b, ...), len(s), isnull(x), coalesce(a, b, ...),
 * if(cond, a, b) (a when cond is true, b when it is false or null; only the
 * argument chosen is evaluated, as with coalesce and with the right side of
 * "and"/"or", so a type error or a division in the other is never met).
 * quarter_start(p), quarter_end(p): the first and last day of the UK
 * financial-year quarter written exactly "YYYY-YY Qn" (the year runs April
 * to March; YY is the last two digits of YYYY + 1; n is 1 to 4, Q4 being
 * January to March of the second year), as days since 1970-01-01, the
 * number a date field holds. year_end(p): 31 March ending the year of
 * "YYYY-YY" or "YYYY-YY Qn". Text in any other form is data, not a mistake
 * in the rule: it gives null.
 * text(x), text(x, decimals): x as text. A number is written without
 * locale ('.' as the point, no grouping): with exactly decimals places
 * after round(x, decimals) (decimals truncated toward zero; negative ones
 * round to tens, hundreds... and write no point; more than 20 gives null),
 * otherwise in the shortest form that reads back as the same double, as
 * kpix writes numbers everywhere (0.1 + 0.2 is '0.30000000000000004',
 * 1e20 is '1e+20'). Strings pass through; booleans give 'true' and
 * 'false'; NaN and infinities give 'NaN', 'INF' and '-INF'. The decimals,
 * when given, must be a number (or null, which gives null).
 * Keywords are lower case; names are case-sensitive.
 *
 * Values are null, number, string or boolean. Null is what a missing cell
 * holds, and it propagates: arithmetic or comparison with null gives null,
 * "and"/"or" follow three-valued logic (false and null = false, true or
 * null = true), and a rule whose result is null does not apply. Division or
 * modulo by zero gives null. Comparing a number with a string, or doing
 * arithmetic on a string, is a type error found at evaluation (result null,
 * and kpix_expr_eval returns -1 so the caller can report it).
 *
 * The parser refuses expressions nested deeper than KPIX_EXPR_MAX_DEPTH and
 * source longer than KPIX_EXPR_MAX_LEN, so hostile schemas cannot exhaust
 * the stack.
 */
#ifndef KPIX_EXPR_H
#define KPIX_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#define KPIX_EXPR_MAX_DEPTH 64
#define KPIX_EXPR_MAX_LEN 4096

typedef enum {
	KPIX_VAL_NULL = 0,
	KPIX_VAL_NUMBER,
	KPIX_VAL_STRING,
	KPIX_VAL_BOOL
} kpix_val_kind;

/* A value. Strings are borrowed (not owned, not NUL-terminated). */
typedef struct {
	kpix_val_kind kind;
	bool b;
	double num;
	const char *str;
	size_t len;
} kpix_val;

typedef struct kpix_expr kpix_expr;

/* Maps a name used in an expression to a slot index (>= 0), or returns -1
 * when the name is unknown, which makes compilation fail. */
typedef int (*kpix_expr_resolve_fn)(void *ctx, const char *name, size_t len);

/* Compiles src. On success returns a new expression (free it with
 * kpix_expr_free). On failure returns NULL and, when err is not NULL,
 * writes a message such as "unknown name 'numerator2'" or "expected ')'"
 * into err (NUL-terminated, truncated to errlen) and the 1-based character
 * offset of the problem into *err_col (when not NULL). */
kpix_expr *kpix_expr_compile(const char *src, kpix_expr_resolve_fn resolve, void *ctx,
                             char *err, size_t errlen, size_t *err_col);

/* Evaluates e with slots[i] holding the value of the name that resolved to
 * i. Writes the result to *out. Returns 0, or -1 on a type error (with *out
 * set to null). Does not allocate. Strings in *out point into slots, into
 * e's literals, into static storage ('true', 'false' from text()), or, for
 * a number that text() wrote, into scratch memory that e owns: one piece per
 * text() call in the source, so the results of different calls never share
 * bytes. That is why e is not const. Such a string is valid until e is
 * evaluated again or freed, and an expression that calls text() must not be
 * evaluated by two threads at once (give each thread its own compiled copy).
 * An expression without text() writes nothing into e. */
int kpix_expr_eval(kpix_expr *e, const kpix_val *slots, kpix_val *out);

/* The longest text kpix_format_fixed writes, with its NUL, and the most
 * places it writes. */
#define KPIX_FIXED_PLACES_MAX 20
#define KPIX_FIXED_MAX (1 + 309 + 1 + KPIX_FIXED_PLACES_MAX + 1)

/* Writes x with exactly places decimals (0 to KPIX_FIXED_PLACES_MAX),
 * rounded half away from zero as round() and text(x, places) round, with
 * a point whatever the locale, into out (KPIX_FIXED_MAX bytes, NUL-
 * terminated); returns the length. NaN and infinities are written as
 * kpix_format_number writes them. The one fixed-decimals writer: exports
 * and text() give the same digits for the same value. */
size_t kpix_format_fixed(double x, int places, char *out);

/* x rounded to places decimals as the expression language's round(x,
 * places) rounds it: halves away from zero, as Excel does. */
double kpix_round(double x, int places);

/* Frees e; NULL is allowed. */
void kpix_expr_free(kpix_expr *e);

#endif
