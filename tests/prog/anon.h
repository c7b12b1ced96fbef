/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Anonymous memory for the guest test programs. */
#ifndef PTSCOPE_TESTS_ANON_H
#define PTSCOPE_TESTS_ANON_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

/* @len bytes of private anonymous read-write memory; exits 2 if refused. */
static inline void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

#endif
