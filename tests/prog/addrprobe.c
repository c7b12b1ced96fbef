// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addrprobe: what the kernel lets a process do, as oracles for ptscope info
 * (tests/guest/03-info.sh) that do not ask the module.
 *
 *   addrprobe map ADDR   "yes" if one page can be mapped at exactly ADDR
 *                        (MAP_FIXED_NOREPLACE), else "no": the user address
 *                        space ends where pages stop fitting
 *   addrprobe af         16 written pages made old (MADV_COLD clears the
 *                        access flag), then read: prints "old N" (pages the
 *                        walk shows without AF before the reads), "young N"
 *                        (with AF after them) and "minflt N" (faults the
 *                        reads took). A CPU that sets AF itself (arm64
 *                        hardware AF) takes none; one that cannot takes an
 *                        access-flag fault a page.
 */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "libptscope.h"
#include "uapi/ptscope.h"
#include "arch.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif

#define AF_PAGES 16

static int map_at(uint64_t addr)
{
	size_t len = page_size();
	void *p = mmap((void *)(uintptr_t)addr, len, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	munmap(p, len);
	/* A kernel without MAP_FIXED_NOREPLACE takes it as a hint. */
	return (uintptr_t)p == addr;
}

struct af_count {
	unsigned long young;
};

static int count_young(const struct ptscope_page *pg, void *arg)
{
	struct af_count *c = arg;

	if (pg->state == PTSCOPE_STATE_PRESENT && (pg->flags & PTSCOPE_ENTRY(AF)))
		c->young += pg->nr_pages;
	return 0;
}

static int young_pages(struct ptscope *h, char *p, size_t len, unsigned long *young)
{
	struct af_count c = { 0 };

	if (ptscope_walk(h, (uint32_t)getpid(), (uintptr_t)p, (uintptr_t)p + len, 0, count_young,
			 &c) < 0) {
		fprintf(stderr, "addrprobe: walk: %s\n", ptscope_errmsg());
		return -1;
	}
	*young = c.young;
	return 0;
}

static int probe_af(void)
{
	size_t len = AF_PAGES * page_size(), i;
	unsigned long before, after;
	volatile char sum = 0;
	struct rusage r0, r1;
	struct ptscope *h;
	cpu_set_t one;
	char *p;

	/*
	 * One CPU: MADV_COLD drains this CPU's LRU batch, and a page still
	 * in another CPU's batch is not on the LRU, so it would stay young.
	 */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one)) {
		perror("addrprobe: sched_setaffinity");
		return 2;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || madvise(p, len, MADV_NOHUGEPAGE)) {
		perror("addrprobe: mmap");
		return 2;
	}
	memset(p, 1, len);
	if (madvise(p, len, MADV_COLD)) {
		perror("addrprobe: MADV_COLD");
		return 2;
	}
	if (ptscope_open(&h)) {
		fprintf(stderr, "addrprobe: %s\n", ptscope_errmsg());
		return 2;
	}
	if (young_pages(h, p, len, &before))
		return 2;
	getrusage(RUSAGE_SELF, &r0);
	for (i = 0; i < len; i += page_size())
		sum += p[i];
	getrusage(RUSAGE_SELF, &r1);
	if (young_pages(h, p, len, &after))
		return 2;
	ptscope_close(h);
	printf("old %lu\nyoung %lu\nminflt %ld\n", AF_PAGES - before, after,
	       r1.ru_minflt - r0.ru_minflt);
	(void)sum;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "map")) {
		char *end;
		uint64_t addr;

		errno = 0;
		addr = strtoull(argv[2], &end, 0);
		if (errno || *end || addr % page_size()) {
			fprintf(stderr, "addrprobe: '%s' is not a page-aligned address\n", argv[2]);
			return 2;
		}
		puts(map_at(addr) ? "yes" : "no");
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "af"))
		return probe_af();
	fprintf(stderr, "usage: addrprobe map ADDR | af\n");
	return 2;
}
