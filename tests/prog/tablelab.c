// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tablelab: page-table shapes for 72-tables.sh, and its pagemap oracle.
 *
 *   tablelab dense MB      MB MiB of anonymous memory, every page written
 *   tablelab sparse MB     MB MiB, one page written per PMD-sized block
 *                          (MAP_NORESERVE: it may exceed the guest's RAM)
 *   tablelab thp MB        MB MiB, PMD-aligned, MADV_HUGEPAGE, all written
 *   tablelab fork MB       dense, then a child (COW; it writes nothing)
 *   tablelab hugeshare     a PUD-sized, PUD-aligned MAP_SHARED hugetlb
 *                          mapping (MAP_NORESERVE: one page faulted), then
 *                          a child that reads the same page: hugetlb
 *                          shares the parent's PMD table with it
 *   tablelab pmcount PID   reads "ADDR ENTRIES USED" lines (PTE tables as
 *                          ptscope tables reports them) and checks each
 *                          USED against the entries of /proc/PID/pagemap
 *                          in that table's range that are present or
 *                          swapped (bits 63, 62); prints TAP
 *
 * The memory modes print "region ADDR LEN", "child PID" where they fork,
 * then "ready", and wait for SIGTERM (the child too).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "anon.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 4U
#endif
#ifndef MFD_HUGE_SHIFT
#define MFD_HUGE_SHIFT 26
#endif

static size_t page, pmd, pud;

static void wait_forever(void)
{
	for (;;)
		pause();
}

/* @len bytes aligned to @align, from an over-sized reservation. */
static char *aligned_hole(size_t len, size_t align)
{
	char *p = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED) {
		perror("mmap reservation");
		exit(2);
	}
	a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	return (char *)a;
}

static char *anon_at(size_t len, size_t align, int advice)
{
	char *p = align ? aligned_hole(len, align) : NULL;

	/* NORESERVE: sparse maps more than the guest's memory, writes little. */
	p = mmap(p, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (align ? MAP_FIXED : 0), -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	if (madvise(p, len, advice) && advice == MADV_HUGEPAGE) {
		perror("madvise(MADV_HUGEPAGE)");
		exit(2);
	}
	return p;
}

static void touch(char *p, size_t len, size_t step)
{
	size_t off;

	for (off = 0; off < len; off += step)
		p[off] = 1;
}

static int hugeshare(void)
{
	unsigned int shift = __builtin_ctzl(pmd);
	char *p = aligned_hole(pud, pud);
	volatile char c;
	pid_t child;
	int fd;

	fd = memfd_create("tablelab", MFD_HUGETLB | (shift << MFD_HUGE_SHIFT));
	if (fd < 0 || ftruncate(fd, (off_t)pud)) {
		printf("SKIP: no hugetlb memfd of %zu KiB pages: %s\n", pmd >> 10, strerror(errno));
		return 4;
	}
	p = mmap(p, pud, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED | MAP_NORESERVE, fd, 0);
	if (p == MAP_FAILED) {
		printf("SKIP: hugetlb mmap: %s\n", strerror(errno));
		return 4;
	}
	p[0] = 1;
	printf("region %p %zu\n", (void *)p, pud);
	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("fork");
		return 2;
	}
	if (!child) {
		c = p[0]; /* the fault that finds the parent's PMD table */
		(void)c;
		printf("child %d\nready\n", getpid());
		fflush(stdout);
		wait_forever();
	}
	wait_forever();
	return 0;
}

/* The pagemap oracle: each PTE table's used entries, from pagemap. */
static int pmcount(const char *pid)
{
	uint64_t addr, *pm = malloc(page / 8 * sizeof(*pm));
	unsigned int entries, used, i, n, tested = 0, bad = 0;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || !pm) {
		perror(path);
		return 2;
	}
	while (scanf("%" SCNx64 " %u %u", &addr, &entries, &used) == 3) {
		size_t len = entries * sizeof(*pm);

		if (entries > page / 8 ||
		    pread(fd, pm, len, (off_t)(addr / page * sizeof(*pm))) != (ssize_t)len) {
			printf("not ok %u table 0x%" PRIx64 ": pagemap unreadable\n", ++tested,
			       addr);
			bad++;
			continue;
		}
		for (i = n = 0; i < entries; i++)
			n += !!(pm[i] & (3ULL << 62));
		if (n != used)
			bad++;
		if (n != used || tested < 3)
			printf("%s %u PTE table 0x%" PRIx64 ": %u used, pagemap %u\n",
			       n == used ? "ok" : "not ok", tested + 1, addr, used, n);
		tested++;
	}
	printf("# %u PTE tables compared, %u differ\n", tested, bad);
	printf("%s %u every PTE table's USED is pagemap's present+swapped count\n",
	       bad || !tested ? "not ok" : "ok", tested < 3 ? tested + 1 : 4);
	printf("1..%u\n", tested < 3 ? tested + 1 : 4);
	return bad || !tested;
}

int main(int argc, char **argv)
{
	size_t len = argc > 2 ? strtoul(argv[2], NULL, 0) << 20 : 0;
	char *p = NULL;
	pid_t child;

	page = (size_t)sysconf(_SC_PAGESIZE);
	pmd = page * (page / 8);
	pud = pmd * (page / 8);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "pmcount"))
		return pmcount(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "hugeshare"))
		return hugeshare();
	if (argc != 3 || !len) {
		fprintf(stderr, "usage: tablelab dense|sparse|thp|fork MB | hugeshare | "
				"pmcount PID\n");
		return 2;
	}
	if (!strcmp(argv[1], "dense") || !strcmp(argv[1], "fork")) {
		p = anon_at(len, 0, MADV_NOHUGEPAGE);
		touch(p, len, page);
	} else if (!strcmp(argv[1], "sparse")) {
		p = anon_at(len, pmd, MADV_NOHUGEPAGE);
		touch(p, len, pmd);
	} else if (!strcmp(argv[1], "thp")) {
		p = anon_at(len, pmd, MADV_HUGEPAGE);
		touch(p, len, page);
	} else {
		fprintf(stderr, "tablelab: unknown mode %s\n", argv[1]);
		return 2;
	}
	printf("region %p %zu\n", (void *)p, len);
	if (!strcmp(argv[1], "fork")) {
		child = fork();
		if (child < 0) {
			perror("fork");
			return 2;
		}
		if (!child)
			wait_forever();
		printf("child %d\n", child);
	}
	printf("ready\n");
	wait_forever();
	return 0;
}
