// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * churn SECONDS: a target whose address space never holds still, for the
 * stress test. Until SECONDS have passed it loops over: mmap and munmap,
 * mprotect, mremap (grow and move), MADV_DONTNEED, MADV_PAGEOUT (to swap),
 * MADV_COLLAPSE, splitting THPs (mprotect and munmap of part of one), KSM
 * merging, fork (the child writes, so pages are copied, then exits), exec
 * (a child execs "churn 0") and a child's segfault.
 *
 * It checks its own memory all along: every page of its data area holds a
 * known pattern, which each operation must keep (or, for MADV_DONTNEED,
 * turn into zeros). Prints "pid PID" and "ready" at the start, then "churn:
 * N rounds, memory intact" and exits 0; on the first wrong byte it prints
 * "CORRUPT ..." and exits 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anon.h"
#include "arch.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define PAGE page_size()
#define HUGE pmd_size()
/* The checked data area: 16 MiB, or 64 MiB of 32 MiB THPs (16 KiB pages). */
#define AREA (HUGE * (HUGE > (2UL << 20) ? 2 : 8))

static unsigned long round_no;
static volatile uintptr_t null_page = 8; /* the compiler cannot see it is bad */

/* The byte page @i of the area holds in generation @gen. */
static unsigned char pattern(size_t i, unsigned int gen)
{
	return (unsigned char)(i * 131 + gen * 7 + 1);
}

static void fill(unsigned char *p, size_t first, size_t n, unsigned int gen)
{
	size_t i;

	for (i = first; i < first + n; i++)
		memset(p + i * PAGE, pattern(i, gen), PAGE);
}

static void expect(const unsigned char *p, size_t first, size_t n, int zero, unsigned int gen,
		   const char *after)
{
	size_t i, k;

	for (i = first; i < first + n; i++) {
		unsigned char want = zero ? 0 : pattern(i, gen);

		for (k = 0; k < PAGE; k += 512)
			if (p[i * PAGE + k] != want) {
				printf("CORRUPT after %s (round %lu): page %zu byte %zu is 0x%02x, want 0x%02x\n",
				       after, round_no, i, k, p[i * PAGE + k], want);
				fflush(stdout);
				exit(1);
			}
	}
}

/* A 2 MiB-aligned area of @len bytes inside a larger mapping. */
static unsigned char *map_aligned(size_t len)
{
	uintptr_t raw = (uintptr_t)map_anon(len + HUGE);
	uintptr_t al = (raw + HUGE - 1) & ~(HUGE - 1);

	if (al > raw)
		munmap((void *)raw, al - raw);
	munmap((void *)(al + len), raw + HUGE - al);
	return (unsigned char *)al;
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int main(int argc, char **argv)
{
	unsigned char *area, *scratch, *moved;
	unsigned int gen = 0;
	time_t end;
	size_t i, n, len;
	pid_t child;

	if (argc != 2) {
		fprintf(stderr, "usage: churn SECONDS\n");
		return 2;
	}
	end = time(NULL) + atol(argv[1]);
	srand((unsigned int)getpid());
	area = map_aligned(AREA);
	madvise(area, AREA, MADV_HUGEPAGE);
	madvise(area, AREA, MADV_MERGEABLE);
	fill(area, 0, AREA / PAGE, gen);
	printf("pid %d\nready\n", getpid());
	fflush(stdout);

	while (time(NULL) < end) {
		round_no++;
		i = (size_t)rand() % (AREA / HUGE) * (HUGE / PAGE); /* a 2 MiB block */
		n = HUGE / PAGE;

		/* Swap a block out and back in. */
		madvise(area + i * PAGE, HUGE, MADV_PAGEOUT);
		expect(area, i, n, 0, gen, "MADV_PAGEOUT");

		/* Collapse it into a THP (where the kernel can). */
		madvise(area + i * PAGE, HUGE, MADV_COLLAPSE);
		expect(area, i, n, 0, gen, "MADV_COLLAPSE");

		/* Split a THP: change the protection of one page inside, and back. */
		mprotect(area + (i + 7) * PAGE, PAGE, PROT_READ);
		expect(area, i, n, 0, gen, "mprotect (split)");
		mprotect(area + (i + 7) * PAGE, PAGE, PROT_READ | PROT_WRITE);

		/* Drop a range: zeros, then refill. */
		madvise(area + (i + 16) * PAGE, 16 * PAGE, MADV_DONTNEED);
		expect(area, i + 16, 16, 1, gen, "MADV_DONTNEED");
		fill(area, i + 16, 16, gen);

		/* Every other round, a new generation everywhere (KSM merges unequal pages no more). */
		if (round_no % 2 == 0) {
			gen++;
			fill(area, 0, AREA / PAGE, gen);
		}

		/* A fork whose child writes (copy-on-write), checks, and exits. */
		child = fork();
		if (child == 0) {
			fill(area, i, 8, gen + 1000);
			expect(area, i, 8, 0, gen + 1000, "a write in the child");
			_exit(0);
		}
		if (child > 0)
			waitpid(child, NULL, 0);
		expect(area, i, n, 0, gen, "the child's copy-on-write");

		/* Scratch mappings: map, write, mremap grow and move, munmap. */
		len = ((size_t)rand() % 64 + 1) * PAGE;
		scratch = map_anon(len);
		memset(scratch, 0x5a, len);
		moved = mremap(scratch, len, len * 2, MREMAP_MAYMOVE);
		if (moved == MAP_FAILED) {
			munmap(scratch, len);
		} else {
			if (moved[len - 1] != 0x5a || moved[0] != 0x5a) {
				printf("CORRUPT after mremap (round %lu)\n", round_no);
				return 1;
			}
			munmap(moved, len * 2);
		}

		/* Now and then: a child that execs, and one that segfaults. */
		if (round_no % 5 == 0 && fork() == 0) {
			execl("/proc/self/exe", "churn", "0", (char *)NULL);
			_exit(127);
		}
		if (round_no % 7 == 0 && fork() == 0)
			*(volatile int *)null_page = 1;
		reap();
	}
	expect(area, 0, AREA / PAGE, 0, gen, "the last round");
	while (wait(NULL) > 0 || errno == EINTR)
		;
	printf("churn: %lu rounds, memory intact\n", round_no);
	return 0;
}
