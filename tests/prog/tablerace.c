// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tablerace: ptscope_tables() of this process while it changes its own
 * mappings from the callback, so between the dump's messages (the records
 * arrive a message at a time). Every table must be reported once, and none
 * the process had all along may go missing:
 *   - 4000 touched pages 2 MiB apart, most of them unmapped once the dump
 *     has begun: no table twice;
 *   - 2000 touched pages 1 GiB apart (+1 MiB), then an untouched page
 *     mapped at the start of every region once the dump has begun: each
 *     region's PMD and PTE tables reported, none twice.
 * Prints TAP; exits 0 when every check passed.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "libptscope.h"
#include "uapi/ptscope.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#define MB (1UL << 20)
#define GB (1UL << 30)
#define MAX_RECS 20000

struct rec {
	uint64_t addr;
	uint32_t level;
};

static struct rec recs[MAX_RECS];
static int nrec, acted, mode, nregions, n, failed;
static uint64_t base;

static void result(int ok, const char *what, int mode_)
{
	printf("%sok %d %s (mode %d)\n", ok ? "" : "not ", ++n, what, mode_);
	failed += !ok;
}

static void *map_at(uint64_t a, size_t len, int prot)
{
	void *p = mmap((void *)a, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		       0);

	if (p != (void *)a) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static int on_table(const struct ptscope_table *t, void *arg)
{
	int i;

	(void)arg;
	if (nrec < MAX_RECS) {
		recs[nrec].addr = t->addr;
		recs[nrec].level = t->level;
		nrec++;
	}
	if (acted || !mode)
		return 0;
	acted = 1;
	if (mode == 1)
		for (i = 0; i < nregions - 10; i++)
			munmap((void *)(base + i * 2 * MB), 4096);
	else
		for (i = 0; i < nregions; i++)
			map_at(base + i * GB, 4096, PROT_READ);
	return 0;
}

static int by_key(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;

	if (a->level != b->level)
		return a->level < b->level ? -1 : 1;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static void run(struct ptscope *h, int m, uint64_t b, int count, uint64_t stride, uint64_t off)
{
	int i, dups = 0, missing = 0;

	mode = m;
	base = b;
	nregions = count;
	nrec = 0;
	acted = 0;
	for (i = 0; i < count; i++)
		*(volatile char *)map_at(b + i * stride + off, 4096, PROT_READ | PROT_WRITE) = 1;
	if (ptscope_tables(h, 0, b, b + count * stride + GB, on_table, NULL)) {
		printf("# ptscope_tables: %s\n", ptscope_errmsg());
		result(0, "the dump ran", m);
		return;
	}
	printf("# mode %d: %d records\n", m, nrec);
	if (stride == GB)
		for (i = 0; i < count; i++) {
			int k, pmd = 0, pte = 0;

			for (k = 0; k < nrec; k++) {
				if (recs[k].addr != b + i * GB)
					continue;
				pmd += recs[k].level == PTSCOPE_LEVEL_PMD;
				pte += recs[k].level == PTSCOPE_LEVEL_PTE;
			}
			if ((!pmd || !pte) && missing++ < 4)
				printf("# region %d at 0x%" PRIx64 ": PMD table %s, PTE table %s\n",
				       i, b + i * GB, pmd ? "reported" : "missing",
				       pte ? "reported" : "missing");
		}
	qsort(recs, (size_t)nrec, sizeof(recs[0]), by_key);
	for (i = 1; i < nrec; i++)
		if (!by_key(&recs[i - 1], &recs[i]) && dups++ < 4)
			printf("# twice: level %u at 0x%" PRIx64 "\n", recs[i].level, recs[i].addr);
	result(!dups, "no table reported twice", m);
	if (stride == GB)
		result(!missing, "every region's PMD and PTE tables reported", m);
	munmap((void *)b, count * stride + GB);
}

int main(void)
{
	struct ptscope *h;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ptscope_open(&h)) {
		printf("# %s\n1..0\n", ptscope_errmsg());
		return 2;
	}
	run(h, 0, 0x500000000000UL, 4000, 2 * MB, 0);
	run(h, 1, 0x510000000000UL, 4000, 2 * MB, 0);
	run(h, 0, 0x600000000000UL, 2000, GB, MB);
	run(h, 2, 0x640000000000UL, 2000, GB, MB);
	ptscope_close(h);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
