/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The clock and the median the benchmark programs time with. */
#ifndef PTSCOPE_TESTS_TIMING_H
#define PTSCOPE_TESTS_TIMING_H

#include <stdlib.h>
#include <time.h>

/* Runs per figure; the figure is their median (a program may define fewer). */
#ifndef RUNS
#define RUNS 5
#endif

static inline double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of RUNS times (sorts @t). */
static inline double median_of(double *t)
{
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

#endif
