/* period.c - UK financial periods (period.h). */
#include <stdio.h>
#include <string.h>

#include "period.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* (period.h) */
int kpix_period_parse(kpix_period *out, const char *s, size_t len, kpix_period_form forms)
{
	static const size_t digit_at[] = {0, 1, 2, 3, 5, 6};
	bool quarter = len == 10 && (forms & KPIX_PERIOD_QUARTER);
	if (!quarter && !(len == 7 && (forms & KPIX_PERIOD_YEAR)))
		return -1;
	for (size_t i = 0; i < sizeof digit_at / sizeof digit_at[0]; i++)
		if (!is_digit(s[digit_at[i]]))
			return -1;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (s[4] != '-' || (s[5] - '0') * 10 + (s[6] - '0') != (year + 1) % 100)
		return -1;
	if (quarter && (s[7] != ' ' || s[8] != 'Q' || s[9] < '1' || s[9] > '4'))
		return -1;
	out->year = year;
	out->quarter = quarter ? s[9] - '0' : 0;
	return 0;
}

/* (period.h) */
size_t kpix_period_text(const kpix_period *p, char buf[KPIX_PERIOD_TEXT_SIZE])
{
	if (p->year < 0 || p->year > 9999 || p->quarter < 0 || p->quarter > 4) {
		int n = p->quarter ? snprintf(buf, KPIX_PERIOD_TEXT_SIZE, "%04d-%02d Q%d",
		                              p->year % 10000, (p->year + 1) % 100, p->quarter)
		                   : snprintf(buf, KPIX_PERIOD_TEXT_SIZE, "%04d-%02d", p->year % 10000,
		                              (p->year + 1) % 100);
		return n < 0 ? 0 : (size_t)n < KPIX_PERIOD_TEXT_SIZE ? (size_t)n : KPIX_PERIOD_TEXT_SIZE - 1;
	}
	/* written by hand: a pack asks for it thousands of times (due_in) */
	int next = (p->year + 1) % 100;
	char *o = buf;
	*o++ = (char)('0' + p->year / 1000);
	*o++ = (char)('0' + p->year / 100 % 10);
	*o++ = (char)('0' + p->year / 10 % 10);
	*o++ = (char)('0' + p->year % 10);
	*o++ = '-';
	*o++ = (char)('0' + next / 10);
	*o++ = (char)('0' + next % 10);
	if (p->quarter) {
		*o++ = ' ';
		*o++ = 'Q';
		*o++ = (char)('0' + p->quarter);
	}
	*o = '\0';
	return (size_t)(o - buf);
}

/* The first day of month m of the financial year starting in April of
 * year, counting April as month 1 (13 is the next April). */
static kpix_date month_start(int year, int m)
{
	int calendar = m + 3;
	return calendar > 12 ? kpix_date_from_ymd(year + 1, calendar - 12, 1)
	                     : kpix_date_from_ymd(year, calendar, 1);
}

/* (period.h) */
kpix_date kpix_period_start(const kpix_period *p)
{
	return month_start(p->year, p->quarter ? 3 * p->quarter - 2 : 1);
}

/* (period.h) */
kpix_date kpix_period_end(const kpix_period *p)
{
	return month_start(p->year, p->quarter ? 3 * p->quarter + 1 : 13) - 1;
}

/* (period.h) */
int kpix_period_end_words(const kpix_period *p, char *buf, size_t size)
{
	static const char *const months[] = {"March", "June", "September", "December"};
	static const int days[] = {31, 30, 30, 31};
	int q = p->quarter % 4; /* the year ends with Q4's March */
	return snprintf(buf, size, "%d %s %d", days[q], months[q], q ? p->year : p->year + 1);
}

/* (period.h) */
int kpix_period_index(const kpix_period *p)
{
	return p->year * 4 + p->quarter - 1;
}

/* (period.h) */
kpix_period kpix_period_of_index(int index)
{
	return (kpix_period){index / 4, index % 4 + 1};
}

/* (period.h) */
bool kpix_period_due(const char *period, size_t len, const char *const *due_in, size_t n)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++) {
		size_t dl = strlen(due_in[i]);
		if (dl <= len && memcmp(period + len - dl, due_in[i], dl) == 0)
			return true;
	}
	return false;
}

/* (period.h) */
bool kpix_period_since(const char *period, size_t len, int from)
{
	kpix_period p;
	if (from < 0 || kpix_period_parse(&p, period, len, KPIX_PERIOD_ANY) != 0)
		return true;
	if (p.quarter == 0)
		p.quarter = 4; /* a whole year's return is due once the year has a due quarter */
	return kpix_period_index(&p) >= from;
}

/* (period.h) */
bool kpix_period_due_in(const kpix_period *p, const char *const *due_in, size_t n)
{
	char text[KPIX_PERIOD_TEXT_SIZE];
	size_t len = kpix_period_text(p, text);
	return kpix_period_due(text, len, due_in, n);
}
