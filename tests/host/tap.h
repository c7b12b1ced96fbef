/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Just enough TAP for host unit tests: ok()/is_int()/is_str(), done_testing(). */
#ifndef PTSCOPE_TAP_H
#define PTSCOPE_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *name)
{
	tap_n++;
	printf("%sok %d %s\n", cond ? "" : "not ", tap_n, name);
	if (!cond)
		tap_failed++;
	return cond;
}

#define ok(cond, name) tap_ok(!!(cond), name)

#define is_int(got, want, name)                                      \
	do {                                                         \
		long long g_ = (got), w_ = (want);                   \
		if (!tap_ok(g_ == w_, name))                         \
			printf("#   got %lld, want %lld\n", g_, w_); \
	} while (0)

#define is_str(got, want, name)                                                      \
	do {                                                                         \
		const char *g_ = (got), *w_ = (want);                                \
		if (!tap_ok(g_ && w_ && !strcmp(g_, w_), name))                      \
			printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", w_); \
	} while (0)

static inline int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
