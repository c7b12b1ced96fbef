// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memkinds: memory of many kinds in one process, for checking ptscope
 * against the kernel's own view.
 *
 *   memkinds check     build the kinds, translate every page of each with
 *                      libptscope (by this process's pid) and compare with
 *                      /proc/self/pagemap; TAP on stdout, status 1 on any
 *                      mismatch
 *   memkinds serve     build the kinds, print "NAME ADDR" lines and "ready",
 *                      then wait for a signal (for tests from outside)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libptscope.h"
#include "uapi/ptscope.h"

#define PAGE 4096UL
#define HUGE (2UL << 20)

struct kind {
	const char *name;
	char *addr;
	size_t len;
};

static struct kind kinds[16];
static int nkinds;

static void add(const char *name, void *addr, size_t len)
{
	kinds[nkinds].name = name;
	kinds[nkinds].addr = addr;
	kinds[nkinds].len = len;
	nkinds++;
}

static void *map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("memkinds: mmap");
		exit(2);
	}
	return p;
}

static void setup(void)
{
	char path[] = "/tmp/memkinds.XXXXXX";
	volatile char sink;
	char *p, *huge;
	size_t i;
	int fd;

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 0x5a, 4 * PAGE);
	add("anon-written", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	add("anon-untouched", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (i = 0; i < 4 * PAGE; i += PAGE)
		sink = p[i];	/* read faults map the shared zero page */
	add("anon-zero-page", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 1, 4 * PAGE);
	mprotect(p, 4 * PAGE, PROT_READ);
	add("anon-readonly", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 1, 4 * PAGE);
	mprotect(p, 4 * PAGE, PROT_NONE);
	add("anon-prot-none", p, 4 * PAGE);

	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 4 * PAGE)) {
		perror("memkinds: temporary file");
		exit(2);
	}
	unlink(path);
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	memset(p, 2, 2 * PAGE);	/* two pages written, two never touched */
	add("file-shared", p, 4 * PAGE);
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	sink = p[0];		/* page cache page, read */
	p[PAGE] = 3;		/* private copy */
	add("file-private", p, 4 * PAGE);

	/* 2 MiB-aligned anonymous memory asking for THP. */
	huge = map(2 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	huge = (char *)(((uintptr_t)huge + HUGE - 1) & ~(HUGE - 1));
	madvise(huge, HUGE, MADV_HUGEPAGE);
	memset(huge, 4, HUGE);
	add("anon-thp", huge, HUGE);

	add("stack", (char *)((uintptr_t)&sink & ~(PAGE - 1)), PAGE);
	(void)sink;
}

/* pagemap bits (Documentation/admin-guide/mm/pagemap.rst) */
#define PM_PFN_MASK	((1ULL << 55) - 1)
#define PM_SOFT_DIRTY	(1ULL << 55)
#define PM_SWAP		(1ULL << 62)
#define PM_PRESENT	(1ULL << 63)

static int n, failed;

/*
 * Whether the VMA holding @va is soft-dirty as a whole (VM_SOFTDIRTY, "sd"
 * in smaps' VmFlags). pagemap reports a page soft-dirty when its PTE is or
 * its VMA is; ptscope reports the PTE bit itself, so the oracle needs both.
 */
static int vma_soft_dirty(uint64_t va)
{
	unsigned long long start, end;
	char line[512];
	int inside = 0, sd = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx ", &start, &end) == 2 && strchr(line, ' ') &&
		    line[strspn(line, "0123456789abcdef")] == '-') {
			inside = va >= start && va < end;
			continue;
		}
		if (inside && !strncmp(line, "VmFlags:", 8)) {
			sd = strstr(line, " sd") != NULL;
			break;
		}
	}
	fclose(f);
	return sd;
}

static void result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed += !ok;
}

static int check(void)
{
	struct ptscope *h;
	int pm, k;

	pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0 || ptscope_open(&h)) {
		printf("Bail out! %s\n", pm < 0 ? strerror(errno) : ptscope_errmsg());
		return 2;
	}
	for (k = 0; k < nkinds; k++) {
		struct kind *kd = &kinds[k];
		unsigned int mismatches = 0, present = 0, leaves = 0;
		uint64_t off;

		for (off = 0; off < kd->len; off += PAGE) {
			uint64_t va = (uintptr_t)kd->addr + off;
			const struct ptscope_xlate_level *leaf;
			struct ptscope_xlate x;
			uint64_t e;
			int bad = 0;

			/* Both views are taken with the memory idle: nothing races. */
			if (pread(pm, &e, 8, (va / PAGE) * 8) != 8 ||
			    ptscope_xlate(h, getpid(), va, &x)) {
				printf("# %s +0x%llx: %s\n", kd->name, (unsigned long long)off,
				       ptscope_errmsg());
				mismatches++;
				continue;
			}
			leaf = x.levels[x.nr_levels - 1].leaf_size ? &x.levels[x.nr_levels - 1] : NULL;
			if (e & PM_PRESENT) {
				int pte_sd = leaf && (leaf->flags & PTSCOPE_ENTRY(SOFT_DIRTY));

				present++;
				bad = !leaf || !leaf->has_pfn || leaf->pfn != (e & PM_PFN_MASK) ||
				      !!(e & PM_SOFT_DIRTY) != (pte_sd || vma_soft_dirty(va) == 1);
			} else if (e & PM_SWAP) {
				bad = !leaf || leaf->has_pfn;
			} else {
				bad = leaf != NULL;
			}
			leaves += leaf != NULL;
			if (bad) {
				mismatches++;
				printf("# %s +0x%llx: pagemap 0x%016llx, ptscope leaf %s pfn 0x%llx flags 0x%llx\n",
				       kd->name, (unsigned long long)off, (unsigned long long)e,
				       leaf ? ptscope_level_name(leaf->level) : "none",
				       leaf ? (unsigned long long)leaf->pfn : 0ULL,
				       leaf ? (unsigned long long)leaf->flags : 0ULL);
			}
		}
		result(!mismatches, "%s: %zu pages, %u present, %u with a leaf, xlate = pagemap",
		       kd->name, kd->len / PAGE, present, leaves);
	}
	ptscope_close(h);
	close(pm);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}

static void serve(void)
{
	sigset_t set;
	int k, sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (k = 0; k < nkinds; k++)
		printf("%s 0x%llx\n", kinds[k].name, (unsigned long long)(uintptr_t)kinds[k].addr);
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
}

int main(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "check") && strcmp(argv[1], "serve"))) {
		fprintf(stderr, "usage: memkinds check|serve\n");
		return 2;
	}
	setup();
	if (!strcmp(argv[1], "serve")) {
		serve();
		return 0;
	}
	return check();
}
