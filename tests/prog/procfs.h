/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small readers of /proc and /sys shared by the guest test programs. */
#ifndef PTSCOPE_TESTS_PROCFS_H
#define PTSCOPE_TESTS_PROCFS_H

#include <stdio.h>

/* The number a /proc or /sys file holds; 0 if it cannot be read. */
static inline unsigned long read_ulong(const char *path)
{
	unsigned long v = 0;
	FILE *f = fopen(path, "r");

	if (f) {
		if (fscanf(f, "%lu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

#endif
