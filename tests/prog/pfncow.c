// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pfncow: copy-on-write inside a PFN mapping. Maps 4 pages of /dev/mem at
 * the legacy VGA window (0xa0000: below 1 MiB, which /dev/mem lets root map
 * however strict it is) privately and writably, so the kernel maps them by
 * frame number (VM_PFNMAP) and a write to one of them copies it into an
 * anonymous page. Writes page 1, then checks every page's walk record.
 * /proc/self/pagemap shows PFN maps as holes, so the oracles are others:
 * the window itself, read through /dev/mem, still holds what page 1 held
 * before the write (so the write went to a copy); the frame ptscope gives
 * for page 1 is an anonymous page mapped once (/proc/kpageflags,
 * /proc/kpagecount); the other pages are the window's frames, in order, as
 * remap_pfn_range() maps them, with no struct page in use. Prints TAP;
 * exits 0 when all agree, 4 (skip) when /dev/mem cannot be mapped here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libptscope.h"
#include "uapi/ptscope.h"
#include "arch.h"

#define PAGE page_size()
#define DEFAULT_WINDOW 0xa0000UL
#define KPF_ANON 12

struct rec {
	struct ptscope_page pg[4];
	unsigned int n;
};

static int keep(const struct ptscope_page *pg, void *arg)
{
	struct rec *r = arg;

	if (r->n < 4)
		r->pg[r->n] = *pg;
	r->n++;
	return 0;
}

static uint64_t read_u64(int fd, uint64_t index)
{
	uint64_t v = 0;

	if (pread(fd, &v, 8, index * 8) != 8)
		return 0;
	return v;
}

/*
 * The window's byte at @off as the device holds it: read(2) of /dev/mem, or
 * where that cannot read device memory (arm64: only RAM is in the linear
 * map), a shared mapping of its own.
 */
static int window_byte(int mem, unsigned long off, unsigned char *out)
{
	unsigned long base = off & ~(PAGE - 1);
	volatile unsigned char *q;

	if (pread(mem, out, 1, (off_t)off) == 1)
		return 0;
	q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, mem, (off_t)base);
	if (q == MAP_FAILED)
		return -1;
	*out = q[off - base];
	munmap((void *)q, PAGE);
	return 0;
}

/* argv[1]: the window's physical address (default 0xa0000, x86's VGA window). */
int main(int argc, char **argv)
{
	int mem, kpageflags, kpagecount, failed = 0;
	unsigned char before, window;
	unsigned long window_phys = argc > 1 ? strtoul(argv[1], NULL, 0) : DEFAULT_WINDOW;
	struct ptscope *h;
	struct rec r = { 0 };
	char *p;
	unsigned int i;

	mem = open("/dev/mem", O_RDWR);
	p = mem < 0 ? MAP_FAILED :
		      mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, mem, window_phys);
	if (p == MAP_FAILED) {
		printf("SKIP: cannot map /dev/mem at 0x%lx privately: %s\n", window_phys,
		       strerror(errno));
		return 4;
	}
	before = p[PAGE];
	p[PAGE] = before ^ 0xff; /* the copy-on-write: page 1 becomes anonymous */
	if (window_byte(mem, window_phys + PAGE, &window)) {
		printf("Bail out! read /dev/mem: %s\n", strerror(errno));
		return 1;
	}
	kpageflags = open("/proc/kpageflags", O_RDONLY);
	kpagecount = open("/proc/kpagecount", O_RDONLY);
	if (kpagecount < 0 || kpageflags < 0 || ptscope_open(&h) ||
	    ptscope_walk(h, 0, (uintptr_t)p, (uintptr_t)p + 4 * PAGE, 0, keep, &r)) {
		printf("Bail out! %s\n", errno ? strerror(errno) : ptscope_errmsg());
		return 1;
	}
	if (r.n != 4) {
		printf("not ok 1 walk gave %u records for 4 pages\n", r.n);
		return 1;
	}
	for (i = 0; i < 4; i++) {
		const struct ptscope_page *pg = &r.pg[i];
		uint64_t kf = 0, kc = 0;
		int ok;

		if (i == 1) {
			kf = read_u64(kpageflags, pg->pfn);
			kc = read_u64(kpagecount, pg->pfn);
			ok = pg->state == PTSCOPE_STATE_PRESENT && pg->kind == PTSCOPE_KIND_ANON &&
			     pg->has_pfn && pg->pfn != window_phys / PAGE + 1 && window == before &&
			     (kf >> KPF_ANON & 1) && kc == 1 && pg->has_page && pg->mapcount == 1;
		} else {
			ok = pg->state == PTSCOPE_STATE_PRESENT && pg->has_pfn &&
			     pg->pfn == window_phys / PAGE + i && !pg->has_page &&
			     (pg->kind == PTSCOPE_KIND_PFNMAP || pg->kind == PTSCOPE_KIND_NOT_RAM);
		}
		printf("%sok %u page %u: %s, %s, pfn 0x%llx%s (kpageflags 0x%llx, kpagecount %llu,"
		       " window byte 0x%x, was 0x%x)\n",
		       ok ? "" : "not ", i + 1, i, ptscope_state_name(pg->state),
		       ptscope_kind_name(pg->kind), (unsigned long long)pg->pfn,
		       i == 1 ? ", written: an anonymous copy" : ", the window's own frame",
		       (unsigned long long)kf, (unsigned long long)kc, window, before);
		failed += !ok;
	}
	printf("1..4\n");
	ptscope_close(h);
	return failed ? 1 : 0;
}
