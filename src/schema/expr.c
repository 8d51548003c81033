/* expr.c - compiler and evaluator for the rule language of expr.h.
 *
 * A recursive-descent parser turns the source straight into a flat postfix
 * program (no tree) that runs on a small fixed stack of values. "and",
 * "or", coalesce() and if() compile to conditional jumps, so they
 * short-circuit: code on a path not taken never runs.
 * Evaluation never allocates: it only copies kpix_val structs between the
 * slots, the program's constants and the stack, and string values keep
 * pointing at the bytes of a slot or of the program's own literal pool;
 * the one exception, the text that text() writes for a number, goes into
 * a scratch area the compiled program owns, one fixed-size piece per
 * text() call in the source. No instruction runs twice in one evaluation
 * (jumps only go forward), so each piece holds at most one live string.
 */
#include "expr.h"

#include "cast.h"
#include "period.h"
#include "rating.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The most decimals text(x, decimals) writes, and the room one text() call
 * has in the scratch area: a sign, the 309 digits before the point of the
 * largest double, the point and the decimals (the shortest form of
 * text(x) needs at most the 32 bytes kpix_format_number asks for). */
#define TEXT_DECIMALS_MAX KPIX_FIXED_PLACES_MAX
#define TEXT_MAX KPIX_FIXED_MAX

/* Values the evaluation stack holds. The depth limit already bounds what a
 * program can need (at most six operands wait per nesting level, so under
 * 400); the compiler checks each program's exact need against it anyway. */
#define STACK_MAX 512

/* rag(value, target[, last_year]) rates by the row's indicator: the
 * compiler adds these names of the indicator's rule to the arguments. */
static const char *const rag_names[] = {"ind.polarity", "ind.decimals", "ind.rag",
                                        "ind.ragPoints", "ind.ragPercent", "ind.target"};
#define RAG_OPERANDS (3 + (int)(sizeof rag_names / sizeof rag_names[0]))

/* Short names for the kinds, to keep the evaluator's tests on one line. */
#define VNULL KPIX_VAL_NULL
#define VNUM KPIX_VAL_NUMBER
#define VSTR KPIX_VAL_STRING
#define VBOOL KPIX_VAL_BOOL

enum {
	OP_CONST, OP_LOAD, OP_POP, OP_NEG, OP_ABS, OP_CEIL, OP_FLOOR, OP_SQRT, OP_LEN, OP_NOT, OP_ISNULL, OP_NOTNULL,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_AND_JMP, OP_AND, OP_OR_JMP, OP_OR, OP_JNN, OP_JF, OP_JMP, OP_IN_BEGIN, OP_IN_TEST, OP_IN_END,
	OP_ROUND, OP_MM_BEGIN, OP_MIN, OP_MAX, OP_MM_END, OP_QSTART, OP_QEND, OP_YEND,
	OP_TEXT, OP_TEXT_FIXED, OP_SAMPLE, OP_RAG, OP_COUNT
};

/* How each instruction changes the stack height, on every path through it
 * (a taken jump leaves the height its fall-through code ends with). The
 * one exception is OP_JMP, which ends the first branch of if(): the code it
 * jumps over, the second branch, starts one value lower, and the compiler
 * accounts for that itself. */
static const signed char stack_effect[OP_COUNT] = {
	[OP_CONST] = 1, [OP_LOAD] = 1, [OP_POP] = -1,
	[OP_ADD] = -1, [OP_SUB] = -1, [OP_MUL] = -1, [OP_DIV] = -1, [OP_MOD] = -1,
	[OP_EQ] = -1, [OP_NE] = -1, [OP_LT] = -1, [OP_LE] = -1, [OP_GT] = -1, [OP_GE] = -1,
	[OP_AND] = -1, [OP_OR] = -1, [OP_JF] = -1, [OP_IN_BEGIN] = 1, [OP_IN_TEST] = -1, [OP_IN_END] = -1,
	[OP_ROUND] = -1, [OP_MIN] = -1, [OP_MAX] = -1, [OP_TEXT_FIXED] = -1,
	[OP_SAMPLE] = -1, [OP_RAG] = -(RAG_OPERANDS - 1) /* all others: 0 */
};

typedef struct {
	int32_t op;
	int32_t arg; /* constant index, slot, jump target, 'not in' flag or scratch offset */
} insn;

struct kpix_expr {
	insn *code;
	size_t ncode;
	kpix_val *consts;
	char *pool; /* bytes of the string literals, which consts point into */
	char *scratch; /* TEXT_MAX bytes for each text() call; NULL when none */
};

/* ---- values ------------------------------------------------------------ */

static const kpix_val null_val = {KPIX_VAL_NULL, false, 0.0, NULL, 0};

static inline kpix_val num_val(double d)
{
	kpix_val v = {KPIX_VAL_NUMBER, false, d, NULL, 0};
	return v;
}

static inline kpix_val bool_val(bool b)
{
	kpix_val v = {KPIX_VAL_BOOL, b, 0.0, NULL, 0};
	return v;
}

/* Byte-wise order of two strings: a shorter prefix sorts first. */
static int strcmp_bytes(const kpix_val *a, const kpix_val *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->str, b->str, n) : 0;
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Equality of two non-null values: kinds that differ are simply unequal. */
static bool equal(const kpix_val *a, const kpix_val *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == VNUM)
		return a->num == b->num;
	if (a->kind == VSTR)
		return a->len == b->len && strcmp_bytes(a, b) == 0;
	return a->b == b->b;
}

/* < <= > >= on a and b, into *out (which may alias a). Only numbers and
 * strings have an order; a boolean, or a number against a string, is a
 * type error (-1), and a boolean is one even beside a null, so a wrongly
 * typed rule fails on every row rather than only on complete ones. */
static int order(int op, const kpix_val *a, const kpix_val *b, kpix_val *out)
{
	int c;

	if (a->kind == VBOOL || b->kind == VBOOL)
		return -1;
	if (a->kind == VNULL || b->kind == VNULL) {
		*out = null_val;
		return 0;
	}
	if (a->kind != b->kind)
		return -1;
	if (a->kind == VNUM) { /* NaN is unordered: every test is false */
		double x = a->num, y = b->num;
		*out = bool_val(op == OP_LT ? x < y : op == OP_LE ? x <= y : op == OP_GT ? x > y : x >= y);
		return 0;
	}
	c = strcmp_bytes(a, b);
	*out = bool_val(op == OP_LT ? c < 0 : op == OP_LE ? c <= 0 : op == OP_GT ? c > 0 : c >= 0);
	return 0;
}

/* + - * / % on a and b, into *out (which may alias a). Any non-null
 * operand that is not a number is a type error, even beside a null.
 * Division and modulo by zero give null, and so does a result too large
 * for a double; % is fmod (sign of a). */
static int arith(int op, const kpix_val *a, const kpix_val *b, kpix_val *out)
{
	double x, y;

	if ((a->kind != VNUM && a->kind != VNULL) || (b->kind != VNUM && b->kind != VNULL))
		return -1;
	x = a->num;
	y = b->num;
	if (a->kind == VNULL || b->kind == VNULL || ((op == OP_DIV || op == OP_MOD) && y == 0.0)) {
		*out = null_val;
		return 0;
	}
	x = op == OP_ADD ? x + y : op == OP_SUB ? x - y : op == OP_MUL ? x * y :
	    op == OP_DIV ? x / y : fmod(x, y);
	/* a result too large for a double is null, as division by zero is, so
	 * that no infinity reaches a rule's verdict or an export */
	*out = isfinite(x) ? num_val(x) : null_val;
	return 0;
}

/* Powers of ten that binary64 holds exactly. */
static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

/* Rounds y (0 <= y < 1e14) to an integer, halves away from zero, deciding
 * on y's first 15 significant digits, the precision Excel works at. Those
 * digits are held exactly as the integer m; q and the remainder split it
 * at the point without error, as every quantity is an integer below 2^53. */
static double round_15_digits(double y)
{
	int j = 0; /* digits before the point */
	double scale, m, q;

	while (y >= pow10_exact[j])
		j++;
	scale = pow10_exact[15 - j];
	m = round(y * scale);
	q = floor(m / scale);
	return q + (2.0 * (m - q * scale) >= scale);
}

/* round(x, digits) like Excel's ROUND: digits is truncated toward zero and
 * may be negative, and halves round away from zero. x is treated as the
 * decimal it was written as, not the binary double nearest it: 2.675 is
 * stored as 2.67499999999999982..., yet round(2.675, 2) is 2.68. Scaling
 * by 10^digits decides almost every value directly. A scaled value within
 * a relative 1e-13 of a half is decided on its 15-digit decimal form
 * instead: that window is hundreds of times wider than the few ulps of
 * error that storage and scaling add, and twenty times wider than the
 * most that reading x at 15 significant digits can move it (5e-15
 * relative), so every value whose 15-digit form could round the other way
 * goes there. No text formatting and no locale, so it stays cheap. */
static double round_excel(double x, double digits)
{
	double a = fabs(x), scale, y, r, res;
	int n;

	if (!isfinite(x) || x == 0.0)
		return x;
	n = digits > 400 ? 400 : digits < -400 ? -400 : (int)digits;
	if (n < -308)
		return 0.0; /* every finite double is below half of 10^309 */
	scale = abs(n) <= 22 ? pow10_exact[abs(n)] : pow(10.0, abs(n));
	y = n >= 0 ? a * scale : a / scale;
	if (y >= 4503599627370496.0) /* 2^52: no fraction left to round */
		return x;
	r = floor(y);
	if (y < 1e14 && fabs(y - r - 0.5) <= y * 1e-13)
		r = round_15_digits(y);
	else if (y - r >= 0.5)
		r += 1.0;
	res = n >= 0 ? r / scale : r * scale;
	return res == 0.0 ? 0.0 : copysign(res, x);
}

/* The smallest simple random sample that estimates a proportion within
 * margin e (0.04 for +/-4%) at 95% confidence in a population of n: Cochran's
 * n0 = 1.96^2 * 0.25 / e^2, corrected for a finite population as
 * n0 / (1 + (n0 - 1) / n), rounded up. The regulator's TSM survey
 * requirements use this formula. Null for a population below 1 or a margin
 * outside (0, 1). The quotient is rounded to 9 places before rounding up,
 * so that a whole answer held as 562.0000000001 is 562. */
static kpix_val sample_size(double n, double e)
{
	if (!(n >= 1) || !isfinite(n) || !(e > 0 && e < 1))
		return null_val;
	double n0 = 1.96 * 1.96 * 0.25 / (e * e);
	return num_val(ceil(round_excel(n0 / (1 + (n0 - 1) / n), 9)));
}

/* A number operand of rag(): false for a type error (text or true/false). */
static bool rag_figure(const kpix_val *v, kpix_opt *out)
{
	*out = v->kind == VNUM ? KPIX_SOME(v->num) : KPIX_NONE;
	return v->kind == VNUM || v->kind == VNULL;
}

/* rag(): in[0..2] the value, the target and last year's figure as the
 * expression gave them, in[3..8] the indicator's polarity, decimals,
 * rule and target (rag_names), the last used when the target given is null. Writes the status's name (static storage) to *out,
 * which may alias in, or null when the indicator has no rule or there is
 * no value; -1 on a type error. */
static int rag_of(const kpix_val *in, kpix_val *out)
{
	kpix_opt v, t, ly;
	if (!rag_figure(&in[0], &v) || !rag_figure(&in[1], &t) || !rag_figure(&in[2], &ly))
		return -1;
	if (!t.has && in[8].kind == VNUM)
		t = KPIX_SOME(in[8].num);
	kpix_rag_rule rule;
	int pol = KPIX_POL_NONE;
	for (int k = 0; kpix_polarity_words[k]; k++)
		if (in[3].kind == VSTR && strlen(kpix_polarity_words[k]) == in[3].len &&
		    !memcmp(kpix_polarity_words[k], in[3].str, in[3].len))
			pol = k;
	if (!v.has || !kpix_rag_rule_of_attrs(&in[5], &in[6], &in[7], &rule)) {
		*out = null_val;
		return 0;
	}
	int decimals = in[4].kind == VNUM ? (int)in[4].num : 0;
	const char *name = kpix_rag_name(kpix_rag_rate(&rule, (kpix_polarity)pol, decimals, true, v, t, ly));
	*out = (kpix_val){KPIX_VAL_STRING, false, 0.0, name, strlen(name)};
	return 0;
}

/* Character classes by hand: <ctype.h> would depend on the locale. */
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')

/* Writes the finite number r with exactly places decimals into out and
 * returns the length. The digits are those of the shortest text that reads
 * back as r (kpix_format_number's), padded with zeros: with 20 places 0.1
 * is 0.10000000000000000000, not the binary value's ...0555. r comes from
 * round_excel, so it has no digits beyond places, except when x was too
 * large for round_excel to find a fraction to round (above 2^52 once
 * scaled); such digits are rounded off here, half away from zero too. */
static size_t write_fixed(double r, int places, char *out)
{
	char num[32], buf[34];
	char *dig = buf + 1; /* buf[0]: room for a carry's new leading 1 */
	const char *c;
	int nd = 0, ip = -1, point, ex = 0, i, keep;
	bool neg = false, eneg = false;
	size_t n = 0;

	kpix_format_number(r, num); /* "-0.0625", "1e+20", "1.5e-07", ... */
	for (c = num; *c && *c != 'e' && *c != 'E'; c++) {
		if (IS_DIGIT(*c))
			dig[nd++] = *c;
		else if (*c == '-')
			neg = true;
		else
			ip = nd; /* the decimal point, whatever the locale made it */
	}
	if (*c && *++c && (*c == '+' || *c == '-'))
		eneg = *c++ == '-';
	for (; IS_DIGIT(*c); c++)
		ex = ex * 10 + (*c - '0');
	/* the value is 0.dig times 10^point */
	point = (ip < 0 ? nd : ip) + (eneg ? -ex : ex);
	while (nd > 0 && dig[0] == '0')
		dig++, nd--, point--;
	keep = point + places; /* digits that stay */
	if (keep < nd) {
		bool up = keep >= 0 && dig[keep] >= '5';
		nd = keep > 0 ? keep : 0;
		for (i = nd - 1; up && i >= 0 && dig[i] == '9'; i--)
			dig[i] = '0';
		if (up && i >= 0) {
			dig[i]++;
		} else if (up) { /* 999.7 -> 1000 */
			*--dig = '1';
			nd++;
			point++;
		}
	}
	if (nd == 0)
		point = 0; /* zero, written without a sign */
	else if (neg)
		out[n++] = '-';
	if (point <= 0)
		out[n++] = '0';
	for (i = 0; i < point; i++)
		out[n++] = i < nd ? dig[i] : '0';
	if (places > 0)
		out[n++] = '.';
	for (i = point; i < point + places; i++)
		out[n++] = i >= 0 && i < nd ? dig[i] : '0';
	return n;
}

/* text(x) (decimals NULL) or text(x, decimals) into buf, which has
 * TEXT_MAX bytes; the caller has checked that decimals is a number or
 * null. Strings pass through; booleans become 'true' and 'false'. */
static kpix_val text_of(const kpix_val *x, const kpix_val *decimals, char *buf)
{
	static const char *const bools[] = {"false", "true"};
	kpix_val v = {KPIX_VAL_STRING, false, 0.0, buf, 0};
	double d = decimals ? trunc(decimals->num) : 0.0;

	if (x->kind == VNULL || (decimals && (decimals->kind == VNULL || isnan(d) || d > TEXT_DECIMALS_MAX)))
		return null_val;
	if (x->kind == VSTR)
		return *x;
	if (x->kind == VBOOL) {
		v.str = bools[x->b];
		v.len = strlen(v.str);
	} else if (!decimals || !isfinite(x->num)) { /* NaN, INF, -INF as kpix writes them */
		kpix_format_number(x->num, buf);
		v.len = strlen(buf);
	} else {
		v.len = write_fixed(round_excel(x->num, d), d > 0 ? (int)d : 0, buf);
	}
	return v;
}

double kpix_round(double x, int places)
{
	return round_excel(x, places);
}

size_t kpix_format_fixed(double x, int places, char *out)
{
	if (!isfinite(x)) {
		kpix_format_number(x, out);
		return strlen(out);
	}
	places = places < 0 ? 0 : places > KPIX_FIXED_PLACES_MAX ? KPIX_FIXED_PLACES_MAX : places;
	size_t n = write_fixed(round_excel(x, places), places, out);
	out[n] = '\0';
	return n;
}

/* Number of UTF-8 code points in s: every byte but continuation bytes. */
static size_t utf8_len(const char *s, size_t len)
{
	size_t i, n = 0;
	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* quarter_start, quarter_end or year_end (op) of the text s, as a date's
 * value; null when s is not a financial period of the form op needs
 * (period.h): a quarter for the first two, a year or a quarter for
 * year_end. */
static kpix_val financial_date(int op, const char *s, size_t len)
{
	kpix_period p;

	if (kpix_period_parse(&p, s, len, op == OP_YEND ? KPIX_PERIOD_ANY : KPIX_PERIOD_QUARTER))
		return null_val;
	if (op == OP_YEND)
		p.quarter = 0;
	return num_val(op == OP_QSTART ? kpix_period_start(&p) : kpix_period_end(&p));
}

/* ---- evaluation -------------------------------------------------------- */

int kpix_expr_eval(kpix_expr *e, const kpix_val *slots, kpix_val *out)
{
	kpix_val st[STACK_MAX + 1]; /* st[0] is never used, so sp - 1 is always valid */
	kpix_val *sp = st + 1, *a, *b;
	const insn *code = e->code, *pc = code, *end = code + e->ncode;
	int c;

	while (pc < end) {
		insn ins = *pc++;
		a = sp - 1; /* the top; binary operators pop b to leave a below */
		switch (ins.op) {
		case OP_CONST:
			*sp++ = e->consts[ins.arg];
			break;
		case OP_LOAD:
			*sp++ = slots[ins.arg];
			break;
		case OP_POP:
			sp--;
			break;
		case OP_NEG: case OP_ABS:
			if (a->kind == VNUM)
				a->num = ins.op == OP_NEG ? -a->num : fabs(a->num);
			else if (a->kind != VNULL)
				goto type_error;
			break;
		case OP_CEIL: case OP_FLOOR: /* zero comes out positive, as from round */
			if (a->kind == VNUM)
				a->num = (ins.op == OP_CEIL ? ceil(a->num) : floor(a->num)) + 0.0;
			else if (a->kind != VNULL)
				goto type_error;
			break;
		case OP_SQRT: /* of a negative number there is none: null, as x / 0 */
			if (a->kind == VNUM)
				*a = a->num >= 0 ? num_val(sqrt(a->num) + 0.0) : null_val;
			else if (a->kind != VNULL)
				goto type_error;
			break;
		case OP_LEN:
			if (a->kind == VSTR)
				*a = num_val((double)utf8_len(a->str, a->len));
			else if (a->kind != VNULL)
				goto type_error;
			break;
		case OP_NOT:
			if (a->kind == VBOOL)
				a->b = !a->b;
			else if (a->kind != VNULL)
				goto type_error;
			break;
		case OP_ISNULL: case OP_NOTNULL:
			*a = bool_val((a->kind == VNULL) == (ins.op == OP_ISNULL));
			break;
		case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
			b = --sp;
			a--;
			if (arith(ins.op, a, b, a))
				goto type_error;
			break;
		case OP_EQ: case OP_NE:
			b = --sp;
			a--;
			*a = a->kind == VNULL || b->kind == VNULL ? null_val :
			     bool_val(equal(a, b) == (ins.op == OP_EQ));
			break;
		case OP_LT: case OP_LE: case OP_GT: case OP_GE:
			b = --sp;
			a--;
			if (order(ins.op, a, b, a))
				goto type_error;
			break;
		case OP_AND_JMP: /* false and X is false: skip X */
		case OP_OR_JMP:  /* true or X is true: skip X */
			if (a->kind == VBOOL && a->b == (ins.op == OP_OR_JMP))
				pc = code + ins.arg;
			else if (a->kind != VBOOL && a->kind != VNULL)
				goto type_error;
			break;
		case OP_AND: /* the left side is true or null here */
		case OP_OR:  /* the left side is false or null here */
			b = --sp;
			a--;
			if (b->kind == VBOOL && b->b == (ins.op == OP_OR))
				*a = *b; /* X and false = false; X or true = true */
			else if (b->kind == VNULL)
				*a = null_val;
			else if (b->kind != VBOOL)
				goto type_error;
			break;
		case OP_JNN: /* coalesce: keep the first value that is not null */
			if (a->kind != VNULL)
				pc = code + ins.arg;
			break;
		case OP_JF: /* if: pop the condition; unless true, jump to the else branch */
			if (a->kind != VBOOL && a->kind != VNULL)
				goto type_error;
			sp--;
			if (a->kind == VNULL || !a->b)
				pc = code + ins.arg;
			break;
		case OP_JMP: /* if: the end of the then branch */
			pc = code + ins.arg;
			break;
		case OP_IN_BEGIN: /* stack: left, found */
			*sp++ = bool_val(false);
			break;
		case OP_IN_TEST: /* stack: left, found, element */
			b = --sp;
			if (!b[-1].b && b[-2].kind != VNULL && b->kind != VNULL && equal(b - 2, b))
				b[-1].b = true;
			break;
		case OP_IN_END: /* arg: 1 for 'not in' */
			b = --sp;
			if ((--a)->kind != VNULL)
				*a = bool_val(b->b != (ins.arg != 0));
			break;
		case OP_ROUND:
			b = --sp;
			a--;
			if ((a->kind != VNUM && a->kind != VNULL) || (b->kind != VNUM && b->kind != VNULL))
				goto type_error;
			if (a->kind == VNULL || b->kind == VNULL || isnan(b->num))
				*a = null_val;
			else
				a->num = round_excel(a->num, b->num);
			break;
		case OP_SAMPLE:
			b = --sp;
			a--;
			if ((a->kind != VNUM && a->kind != VNULL) || (b->kind != VNUM && b->kind != VNULL))
				goto type_error;
			if (a->kind == VNULL || b->kind == VNULL)
				*a = null_val;
			else
				*a = sample_size(a->num, b->num);
			break;
		case OP_RAG:
			sp -= RAG_OPERANDS - 1;
			a = sp - 1;
			if (rag_of(a, a) < 0)
				goto type_error;
			break;
		/* min and max fold their arguments into an accumulator whose b
		 * field (unused by numbers and strings) records that a null was
		 * seen, so that later arguments are still type-checked. */
		case OP_MM_BEGIN:
			if (a->kind == VBOOL)
				goto type_error;
			a->b = a->kind == VNULL;
			break;
		case OP_MIN: case OP_MAX:
			b = --sp;
			a--;
			if (b->kind == VNULL) {
				a->b = true;
			} else if (b->kind == VBOOL || (a->kind != VNULL && a->kind != b->kind)) {
				goto type_error;
			} else if (a->kind == VNULL) {
				*a = *b;
				a->b = true;
			} else {
				c = a->kind == VNUM ? (b->num > a->num) - (b->num < a->num) : strcmp_bytes(b, a);
				if (ins.op == OP_MIN ? c < 0 : c > 0) {
					bool seen = a->b;
					*a = *b;
					a->b = seen;
				}
			}
			break;
		case OP_MM_END:
			if (a->b)
				*a = null_val;
			break;
		case OP_QSTART: case OP_QEND: case OP_YEND:
			if (a->kind == VSTR)
				*a = financial_date(ins.op, a->str, a->len);
			else if (a->kind != VNULL)
				goto type_error;
			break;
		case OP_TEXT:
			*a = text_of(a, NULL, e->scratch + ins.arg);
			break;
		case OP_TEXT_FIXED:
			b = --sp;
			a--;
			if (b->kind != VNUM && b->kind != VNULL)
				goto type_error;
			*a = text_of(a, b, e->scratch + ins.arg);
			break;
		}
	}
	*out = st[1];
	return 0;
type_error:
	*out = null_val;
	return -1;
}

void kpix_expr_free(kpix_expr *e)
{
	if (!e)
		return;
	free(e->code);
	free(e->consts);
	free(e->pool);
	free(e->scratch);
	free(e);
}

/* ---- lexer ------------------------------------------------------------- */

typedef enum {
	T_END, T_NUM, T_STR, T_NAME, T_QNAME,
	T_AND, T_OR, T_NOT, T_IN, T_IS, T_NULL, T_TRUE, T_FALSE,
	T_LP, T_RP, T_COMMA, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PCT, T_LT, T_GT,
	T_EQ, T_NE, T_LE, T_GE
} tok_type;

static const char *const keywords[] = {"and", "or", "not", "in", "is", "null", "true", "false"};
static const char singles[] = "(),+-*/%<>"; /* in tok_type order from T_LP */

typedef struct {
	tok_type type;
	size_t off, len; /* the token's bytes in the source */
	double num;      /* value of a T_NUM */
} token;

/* The parser's state; all of it is owned by kpix_expr_compile. Code and
 * constants are allocated once for the most the source could need. */
typedef struct {
	const char *src;
	size_t pos; /* where the lexer resumes */
	token tok;  /* the current token */
	int depth, sp, max_sp;
	kpix_expr_resolve_fn resolve;
	void *ctx;
	insn *code;
	size_t ncode, capcode;
	kpix_val *consts;
	size_t nconst, capconst;
	char *pool; /* sized for the whole source, so it never moves */
	size_t npool;
	int32_t ntext; /* text() calls so far, each with TEXT_MAX bytes of scratch */
	char *err;
	size_t errlen, *err_col;
} parser;

/* Records the error message and the 1-based column of byte off (counted in
 * characters: UTF-8 continuation bytes do not count) and returns -1. The
 * parse stops at the first error, so only one is ever recorded. */
static int fail(parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;

	if (p->err && p->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	if (p->err_col)
		*p->err_col = utf8_len(p->src, off) + 1;
	return -1;
}

/* More character classes by hand (IS_DIGIT is above). */
#define IS_NAME_START(c) (((c) >= 'A' && (c) <= 'Z') || ((c) >= 'a' && (c) <= 'z') || (c) == '_')
#define IS_NAME_CHAR(c) (IS_NAME_START(c) || IS_DIGIT(c) || (c) == '.')
#define IS_SPACE(c) ((c) == ' ' || (c) == '\t' || (c) == '\r' || (c) == '\n')

static int set_tok(parser *p, tok_type type, size_t off, size_t end)
{
	p->tok.type = type;
	p->tok.off = off;
	p->tok.len = end - off;
	p->pos = end;
	return 0;
}

/* Shows a token in a message: its text, cut short when long. */
#define TOK_SHOWN(p, t) (int)((t).len > 40 ? 40 : (t).len), (p)->src + (t).off

/* Reads a decimal literal at i: digits, an optional fraction and exponent.
 * The value comes from strtod on a copy holding only digits and an
 * exponent ("8245e-2"): every locale reads that form the same way, since a
 * locale can only change the radix character, and strtod rounds correctly. */
static int lex_number(parser *p, size_t i)
{
	const char *s = p->src;
	size_t start = i, j, n = 0;
	char buf[KPIX_EXPR_MAX_LEN + 32];
	long exp10 = 0, ex = 0;
	bool ok = true, frac = false, eneg = false;

	while (IS_DIGIT(s[i]))
		i++;
	if (s[i] == '.') {
		ok = IS_DIGIT(s[i + 1]);
		i++;
		while (IS_DIGIT(s[i]))
			i++;
	}
	if (ok && (s[i] == 'e' || s[i] == 'E')) {
		i += s[i + 1] == '+' || s[i + 1] == '-' ? 2 : 1;
		ok = IS_DIGIT(s[i]);
		while (IS_DIGIT(s[i]))
			i++;
	}
	if (!ok || IS_NAME_CHAR(s[i])) {
		while (IS_NAME_CHAR(s[i]))
			i++;
		return fail(p, start, "malformed number '%.*s'", (int)(i - start), s + start);
	}
	for (j = start; j < i && s[j] != 'e' && s[j] != 'E'; j++) {
		if (s[j] == '.')
			frac = true;
		else
			buf[n++] = s[j], exp10 -= frac; /* each fraction digit: one lower */
	}
	if (j++ < i) {
		if (s[j] == '+' || s[j] == '-')
			eneg = s[j++] == '-';
		for (; j < i; j++)
			ex = ex < 1000000 ? ex * 10 + (s[j] - '0') : ex; /* saturate: inf or 0 anyway */
		exp10 += eneg ? -ex : ex;
	}
	snprintf(buf + n, sizeof buf - n, "e%ld", exp10);
	p->tok.num = strtod(buf, NULL);
	if (!isfinite(p->tok.num))
		return fail(p, start, "number '%.*s' is too large", (int)(i - start), s + start);
	return set_tok(p, T_NUM, start, i);
}

/* Reads the next token into p->tok; -1 (error recorded) on bad input. */
static int lex(parser *p)
{
	const char *s = p->src, *op;
	size_t i = p->pos, j, k;
	unsigned char c;

	while (IS_SPACE(s[i]))
		i++;
	c = (unsigned char)s[i];
	if (c == 0)
		return set_tok(p, T_END, i, i);
	if (IS_DIGIT(c))
		return lex_number(p, i);
	if (IS_NAME_START(c)) {
		for (j = i; IS_NAME_CHAR(s[j]); j++)
			;
		for (k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
			if (strlen(keywords[k]) == j - i && !memcmp(keywords[k], s + i, j - i))
				return set_tok(p, (tok_type)(T_AND + k), i, j);
		return set_tok(p, T_NAME, i, j);
	}
	if (c == '\'') {
		for (j = i + 1; s[j] != '\'' || s[j + 1] == '\''; j++) {
			if (!s[j])
				return fail(p, i, "string not closed");
			j += s[j] == '\''; /* '' stands for one quote */
		}
		return set_tok(p, T_STR, i, j + 1);
	}
	if (c == '`') {
		for (j = i + 1; s[j] && s[j] != '`'; j++)
			;
		if (!s[j])
			return fail(p, i, "name not closed");
		if (j == i + 1)
			return fail(p, i, "name is empty");
		return set_tok(p, T_QNAME, i, j + 1);
	}
	if (s[i + 1] == '=' && (c == '=' || c == '!' || c == '<' || c == '>'))
		return set_tok(p, c == '=' ? T_EQ : c == '!' ? T_NE : c == '<' ? T_LE : T_GE, i, i + 2);
	if ((op = strchr(singles, c)) != NULL)
		return set_tok(p, (tok_type)(T_LP + (op - singles)), i, i + 1);
	if (c == '=')
		return fail(p, i, "unexpected '=' (compare with '==')");
	/* show the whole UTF-8 sequence of a non-ASCII character */
	for (j = i + 1; c >= 0xC0 && ((unsigned char)s[j] & 0xC0) == 0x80 && j < i + 4; j++)
		;
	return fail(p, i, "unexpected character '%.*s'", (int)(j - i), s + i);
}

/* ---- code generation --------------------------------------------------- */

/* Appends one instruction and tracks the stack height the program needs. */
static int emit(parser *p, int op, int32_t arg)
{
	if (p->ncode == p->capcode) /* cannot happen: capcode is a bound */
		return fail(p, p->tok.off, "expression is too complex");
	p->code[p->ncode].op = op;
	p->code[p->ncode++].arg = arg;
	p->sp += stack_effect[op];
	if (p->sp > p->max_sp && (p->max_sp = p->sp) > STACK_MAX)
		return fail(p, p->tok.off, "expression is too complex");
	return 0;
}

static int emit_const(parser *p, kpix_val v)
{
	if (p->nconst == p->capconst)
		return fail(p, p->tok.off, "expression is too complex");
	p->consts[p->nconst] = v;
	return emit(p, OP_CONST, (int32_t)p->nconst++);
}

/* Emits a jump whose target is not known yet, linked through arg into the
 * list *head; patch() later points every jump of the list here. */
static int emit_jump(parser *p, int op, int32_t *head)
{
	if (emit(p, op, *head))
		return -1;
	*head = (int32_t)(p->ncode - 1);
	return 0;
}

static void patch(parser *p, int32_t j)
{
	while (j >= 0) {
		int32_t next = p->code[j].arg;
		p->code[j].arg = (int32_t)p->ncode;
		j = next;
	}
}

/* Opens one nesting level (parenthesis, call, list, 'not', unary '-') at
 * the token at off; the caller closes it with p->depth-- or expect_close. */
static int enter(parser *p, size_t off)
{
	if (++p->depth > KPIX_EXPR_MAX_DEPTH)
		return fail(p, off, "expression nests deeper than %d levels", KPIX_EXPR_MAX_DEPTH);
	return 0;
}

static int expect_close(parser *p)
{
	if (p->tok.type != T_RP)
		return fail(p, p->tok.off, "expected ')'");
	p->depth--;
	return lex(p);
}

/* ---- parser ------------------------------------------------------------ */
/* Each parse_ function reads one grammar rule from p->tok on, emits its
 * code, and returns 0, or nonzero once an error has been recorded. */

static int parse_or(parser *p);

static const struct {
	const char *name;
	int op, min, max; /* max -1: no limit */
	const char *arity;
} functions[] = {
	{"abs", OP_ABS, 1, 1, "1 argument"}, {"round", OP_ROUND, 1, 2, "1 or 2 arguments"},
	{"ceil", OP_CEIL, 1, 1, "1 argument"}, {"floor", OP_FLOOR, 1, 1, "1 argument"},
	{"sqrt", OP_SQRT, 1, 1, "1 argument"},
	{"min", OP_MIN, 1, -1, "at least 1 argument"}, {"max", OP_MAX, 1, -1, "at least 1 argument"},
	{"len", OP_LEN, 1, 1, "1 argument"}, {"isnull", OP_ISNULL, 1, 1, "1 argument"},
	{"coalesce", OP_JNN, 1, -1, "at least 1 argument"}, {"if", OP_JF, 3, 3, "3 arguments"},
	{"quarter_start", OP_QSTART, 1, 1, "1 argument"}, {"quarter_end", OP_QEND, 1, 1, "1 argument"},
	{"year_end", OP_YEND, 1, 1, "1 argument"}, {"text", OP_TEXT, 1, 2, "1 or 2 arguments"},
	{"sample_size", OP_SAMPLE, 2, 2, "2 arguments"}, {"rag", OP_RAG, 2, 3, "2 or 3 arguments"}
};

/* name '(' args? ')' with the name in t and p->tok on the '('. min and max
 * fold each argument in as it comes; coalesce jumps past the remaining
 * arguments from the first that is not null; if(c, a, b) is
 *     c  JF else  a  JMP end  else: b  end:
 * so only one of a and b runs, and either leaves one value. */
static int parse_call(parser *p, token t)
{
	size_t f, nf = sizeof functions / sizeof functions[0];
	int op, nargs = 0;
	int32_t jumps = -1, if_else = -1;

	for (f = 0; f < nf; f++)
		if (strlen(functions[f].name) == t.len && !memcmp(functions[f].name, p->src + t.off, t.len))
			break;
	if (f == nf)
		return fail(p, t.off, "unknown function '%.*s'", TOK_SHOWN(p, t));
	op = functions[f].op;
	if (enter(p, p->tok.off) || lex(p))
		return -1;
	while (p->tok.type != T_RP || nargs > 0) {
		if (parse_or(p))
			return -1;
		nargs++;
		if ((op == OP_MIN || op == OP_MAX) && emit(p, nargs == 1 ? OP_MM_BEGIN : op, 0))
			return -1;
		if (p->tok.type != T_COMMA)
			break;
		if ((op == OP_JNN && (emit_jump(p, OP_JNN, &jumps) || emit(p, OP_POP, 0))) ||
		    (op == OP_JF && nargs == 1 && emit_jump(p, OP_JF, &if_else)))
			return -1;
		if (op == OP_JF && nargs == 2) {
			if (emit_jump(p, OP_JMP, &jumps))
				return -1;
			patch(p, if_else);
			p->sp--; /* the else branch starts without the then branch's value */
		}
		if (lex(p))
			return -1;
	}
	if (expect_close(p))
		return -1;
	if (nargs < functions[f].min || (functions[f].max >= 0 && nargs > functions[f].max))
		return fail(p, t.off, "%s takes %s", functions[f].name, functions[f].arity);
	if (op == OP_JNN || op == OP_JF) {
		patch(p, jumps);
		return 0;
	}
	if (op == OP_MIN || op == OP_MAX)
		return emit(p, OP_MM_END, 0);
	if (op == OP_ROUND && nargs == 1 && emit_const(p, num_val(0.0)))
		return -1;
	if (op == OP_RAG) {
		if (nargs == 2 && emit_const(p, null_val))
			return -1;
		for (size_t k = 0; k < sizeof rag_names / sizeof rag_names[0]; k++) {
			int slot = p->resolve ? p->resolve(p->ctx, rag_names[k], strlen(rag_names[k])) : -1;
			if (slot < 0)
				return fail(p, t.off, "rag() rates a row by its indicator's rule, and this "
				                      "expression has no indicator (the schema needs an "
				                      "indicatorField and a catalogue)");
			if (emit(p, OP_LOAD, slot))
				return -1;
		}
	}
	if (op == OP_TEXT) /* fewer than 4096 calls of TEXT_MAX bytes: no overflow */
		return emit(p, nargs == 2 ? OP_TEXT_FIXED : OP_TEXT, p->ntext++ * TEXT_MAX);
	return emit(p, op, 0);
}

/* Emits the load of a name (bytes name[0..len)) found at byte off. */
static int load(parser *p, size_t off, const char *name, size_t len)
{
	int slot = p->resolve ? p->resolve(p->ctx, name, len) : -1;
	if (slot < 0)
		return fail(p, off, "unknown name '%.*s'", (int)(len > 60 ? 60 : len), name);
	return emit(p, OP_LOAD, slot);
}

/* Copies a string literal's text, '' undone, into the pool. */
static kpix_val string_literal(parser *p, token t)
{
	kpix_val v = {KPIX_VAL_STRING, false, 0.0, p->pool + p->npool, 0};
	size_t i;

	for (i = t.off + 1; i < t.off + t.len - 1; i++) {
		p->pool[p->npool++] = p->src[i];
		i += p->src[i] == '\'';
	}
	v.len = (size_t)(p->pool + p->npool - v.str);
	return v;
}

static int parse_primary(parser *p)
{
	token t = p->tok;
	size_t i;

	switch (t.type) {
	case T_NUM:
		return emit_const(p, num_val(t.num)) || lex(p);
	case T_STR:
		return emit_const(p, string_literal(p, t)) || lex(p);
	case T_TRUE: case T_FALSE:
		return emit_const(p, bool_val(t.type == T_TRUE)) || lex(p);
	case T_NULL:
		return emit_const(p, null_val) || lex(p);
	case T_LP:
		return enter(p, t.off) || lex(p) || parse_or(p) || expect_close(p);
	case T_NAME:
		/* a name followed by '(' calls a function; otherwise it is a
		 * field, so a field may be called "len" or "round" */
		for (i = t.off + t.len; IS_SPACE(p->src[i]); i++)
			;
		if (p->src[i] == '(')
			return lex(p) || parse_call(p, t);
		return load(p, t.off, p->src + t.off, t.len) || lex(p);
	case T_QNAME:
		return load(p, t.off, p->src + t.off + 1, t.len - 2) || lex(p);
	case T_END:
		return fail(p, t.off, "unexpected end of the expression");
	default:
		return fail(p, t.off, "unexpected '%.*s'", TOK_SHOWN(p, t));
	}
}

static int parse_unary(parser *p)
{
	size_t start = p->ncode;
	kpix_val *k;

	if (p->tok.type != T_MINUS)
		return parse_primary(p);
	if (enter(p, p->tok.off) || lex(p) || parse_unary(p))
		return -1;
	p->depth--;
	/* a negative literal becomes one constant */
	if (p->ncode == start + 1 && p->code[start].op == OP_CONST) {
		k = &p->consts[p->code[start].arg];
		if (k->kind == VNUM) {
			k->num = -k->num;
			return 0;
		}
	}
	return emit(p, OP_NEG, 0);
}

/* sum := product (('+' | '-') product)*, product := unary (('*' | '/' |
 * '%') unary)*; both associate to the left. */
static int parse_arith(parser *p, bool sum)
{
	tok_type t;

	if (sum ? parse_arith(p, false) : parse_unary(p))
		return -1;
	for (t = p->tok.type; sum ? t == T_PLUS || t == T_MINUS : t >= T_STAR && t <= T_PCT; t = p->tok.type)
		if (lex(p) || (sum ? parse_arith(p, false) : parse_unary(p)) || emit(p, OP_ADD + (t - T_PLUS), 0))
			return -1;
	return 0;
}

/* sum followed by at most one comparison, 'in' list or 'is null' test. */
static int parse_cmp(parser *p)
{
	static const int cmp_ops[] = {OP_LT, OP_GT, OP_EQ, OP_NE, OP_LE, OP_GE}; /* from T_LT */
	bool neg = false;
	int op;

	if (parse_arith(p, true))
		return -1;
	switch (p->tok.type) {
	case T_LT: case T_GT: case T_EQ: case T_NE: case T_LE: case T_GE:
		op = cmp_ops[p->tok.type - T_LT];
		return lex(p) || parse_arith(p, true) || emit(p, op, 0);
	case T_IS:
		if (lex(p))
			return -1;
		if (p->tok.type == T_NOT) {
			neg = true;
			if (lex(p))
				return -1;
		}
		if (p->tok.type != T_NULL)
			return fail(p, p->tok.off, "expected 'null' after 'is%s'", neg ? " not" : "");
		return lex(p) || emit(p, neg ? OP_NOTNULL : OP_ISNULL, 0);
	case T_NOT: case T_IN:
		if (p->tok.type == T_NOT) {
			neg = true;
			if (lex(p))
				return -1;
			if (p->tok.type != T_IN)
				return fail(p, p->tok.off, "expected 'in' after 'not'");
		}
		if (lex(p))
			return -1;
		if (p->tok.type != T_LP)
			return fail(p, p->tok.off, "expected '(' after 'in'");
		if (enter(p, p->tok.off) || lex(p) || emit(p, OP_IN_BEGIN, 0))
			return -1;
		while (!parse_or(p) && !emit(p, OP_IN_TEST, 0)) {
			if (p->tok.type != T_COMMA)
				return expect_close(p) || emit(p, OP_IN_END, neg);
			if (lex(p))
				return -1;
		}
		return -1;
	default:
		return 0;
	}
}

static int parse_not(parser *p)
{
	if (p->tok.type != T_NOT)
		return parse_cmp(p);
	if (enter(p, p->tok.off) || lex(p) || parse_not(p))
		return -1;
	p->depth--;
	return emit(p, OP_NOT, 0);
}

/* or := and ('or' and)*, and := not ('and' not)*. Each left operand that
 * decides the result (true for 'or', false for 'and') jumps to the end. */
static int parse_logic(parser *p, bool or)
{
	int32_t jumps = -1;

	if (or ? parse_logic(p, false) : parse_not(p))
		return -1;
	while (p->tok.type == (or ? T_OR : T_AND))
		if (emit_jump(p, or ? OP_OR_JMP : OP_AND_JMP, &jumps) || lex(p) ||
		    (or ? parse_logic(p, false) : parse_not(p)) || emit(p, or ? OP_OR : OP_AND, 0))
			return -1;
	patch(p, jumps);
	return 0;
}

static int parse_or(parser *p)
{
	return parse_logic(p, true);
}

kpix_expr *kpix_expr_compile(const char *src, kpix_expr_resolve_fn resolve, void *ctx,
                             char *err, size_t errlen, size_t *err_col)
{
	parser p = {.src = src ? src : "", .resolve = resolve, .ctx = ctx,
	            .err = err, .errlen = errlen, .err_col = err_col};
	kpix_expr *e;
	size_t len = 0;

	if (err && errlen > 0)
		err[0] = '\0';
	while (len <= KPIX_EXPR_MAX_LEN && p.src[len])
		len++;
	if (len > KPIX_EXPR_MAX_LEN) {
		fail(&p, KPIX_EXPR_MAX_LEN, "expression is longer than %d bytes", KPIX_EXPR_MAX_LEN);
		return NULL;
	}
	/* Counted against the token that causes it, no instruction costs a
	 * token more than two (and: jump and combine; ',' of coalesce: jump and
	 * pop; round(x): round and the constant 0 digits), no token costs more
	 * than one constant, every token is at least a byte, and literals are
	 * never longer than their source. So these sizes are always enough;
	 * emit checks them all the same. */
	p.capcode = 2 * len + 8;
	p.capconst = len + 2;
	p.code = malloc(p.capcode * sizeof *p.code);
	p.consts = malloc(p.capconst * sizeof *p.consts);
	p.pool = malloc(len + 1);
	e = malloc(sizeof *e);
	if (!p.code || !p.consts || !p.pool || !e) {
		fail(&p, 0, "out of memory");
		goto failed;
	}
	if (lex(&p) || (p.tok.type == T_END && fail(&p, 0, "expression is empty")) || parse_or(&p))
		goto failed;
	if (p.tok.type != T_END) {
		fail(&p, p.tok.off, "unexpected '%.*s' after the end of the expression", TOK_SHOWN(&p, p.tok));
		goto failed;
	}
	e->code = p.code;
	e->ncode = p.ncode;
	e->consts = p.consts;
	e->pool = p.pool;
	e->scratch = NULL;
	if (p.ntext > 0 && (e->scratch = malloc((size_t)p.ntext * TEXT_MAX)) == NULL) {
		fail(&p, 0, "out of memory");
		goto failed;
	}
	return e;
failed:
	free(p.code);
	free(p.consts);
	free(p.pool);
	free(e);
	return NULL;
}
