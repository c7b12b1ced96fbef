// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leaklab SECONDS: what a caller without CAP_SYS_ADMIN learns of its own
 * memory, checked against what /proc/self/pagemap tells the same caller.
 * Run it as an ordinary user (tests/guest/62-nonadmin-view.sh).
 *
 * It holds memory in states whose entries carry a frame or a swap slot:
 * present 4 KiB pages, a THP, pages paged out to swap and a paged-out THP
 * (MADV_PAGEOUT), and, on a machine with two NUMA nodes, pages a thread
 * moves from node to node with move_pages(2) all along: their entries are
 * migration entries, with the frame in them, while they move (a batch at a
 * time since 6.3). For SECONDS it walks (page by page and in runs), translates
 * and lists its mappings, and checks that:
 *   - pagemap shows the caller no frame and no swap slot (the oracle's own
 *     rule for a non-admin), and ptscope agrees with pagemap on present and
 *     swapped for every page;
 *   - no walk record has a state pagemap does not show (migration,
 *     hwpoison, device: all "swap" to it) nor carries a frame, a swap type
 *     or offset, frame bits in
 *     its entry (a non-present entry: any bit), a mapcount, refcount or pin
 *     count, page flags (THP, pinned, anon-exclusive: mapped-once is
 *     pagemap's exclusive bit) or a KSM or not-RAM
 *     kind; and its copy-on-write state says no more than pagemap's
 *     exclusive bit (reused exactly where pagemap says exclusive);
 *   - no translation level carries a table address, a frame, or an entry
 *     that holds frame bits or a swap-style payload;
 *   - no mapping counts pinned pages.
 * Prints what it saw of each state, and TAP; exits 0 when nothing leaked.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libptscope.h"
#include "uapi/ptscope.h"
#include "arch.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE page_size()
#define HUGE pmd_size()
/* 32 MiB of small pages and two THPs; with 32 MiB THPs (16 KiB pages), 64 MiB and two. */
#define AREA (HUGE * (HUGE > (2UL << 20) ? 4 : 16))
#define FRAME_BITS entry_frame_bits()
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_FRAME ((1ULL << 55) - 1)

static int n, failed;
static unsigned long states[8], leaks, migrating;
static char *area, *moved;
static int pagemap;

static void result(int ok, const char *what)
{
	printf("%sok %d %s\n", ok ? "" : "not ", ++n, what);
	failed += !ok;
}

static void leak(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void leak(const char *fmt, ...)
{
	va_list ap;

	if (leaks++ < 10) {
		printf("# leak: ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
}

static uint64_t pagemap_of(uint64_t va)
{
	uint64_t e = 0;

	if (pread(pagemap, &e, 8, va / PAGE * 8) != 8)
		leak("pagemap unreadable at 0x%llx", (unsigned long long)va);
	return e;
}

static int check_record(const struct ptscope_page *pg, void *arg)
{
	uint64_t pm = pagemap_of(pg->addr);
	int runs = arg != NULL;

	states[pg->state & 7]++;
	/* The moved half is never paged out: a swap entry there is a migration entry. */
	if (pg->state == PTSCOPE_STATE_SWAP && pg->addr >= (uintptr_t)moved &&
	    pg->addr < (uintptr_t)moved + (AREA - 2 * HUGE) / 2)
		migrating++;
	if (pg->state > PTSCOPE_STATE_SWAP)
		leak("record at 0x%llx: state %s (pagemap says only swapped)",
		     (unsigned long long)pg->addr, ptscope_state_name(pg->state));
	if (pg->pfn || pg->swap_offset || pg->swap_type)
		leak("record at 0x%llx: frame or swap slot 0x%llx", (unsigned long long)pg->addr,
		     (unsigned long long)(pg->pfn | pg->swap_offset | pg->swap_type));
	if ((pg->state == PTSCOPE_STATE_PRESENT && (pg->entry & FRAME_BITS)) ||
	    (pg->state > PTSCOPE_STATE_PRESENT && pg->entry))
		leak("record at 0x%llx: entry 0x%llx", (unsigned long long)pg->addr,
		     (unsigned long long)pg->entry);
	if (pg->has_page || pg->has_pincount || pg->has_res || pg->mapcount || pg->refcount ||
	    pg->pincount || (pg->pflags & ~(PTSCOPE_PAGE(MAPPED_ONCE) | PTSCOPE_PAGE(FILE_BACKED))))
		leak("record at 0x%llx: page counts or flags (pflags 0x%x)",
		     (unsigned long long)pg->addr, pg->pflags);
	if (pg->kind == PTSCOPE_KIND_KSM || pg->kind == PTSCOPE_KIND_NOT_RAM)
		leak("record at 0x%llx: kind %s", (unsigned long long)pg->addr,
		     ptscope_kind_name(pg->kind));
	if (pm & PM_FRAME)
		leak("pagemap itself gives a frame or slot at 0x%llx: 0x%llx",
		     (unsigned long long)pg->addr, (unsigned long long)pm);
	/* Page by page, the two views of one moment rarely differ: count it. */
	if (!runs && (pg->state == PTSCOPE_STATE_PRESENT) != !!(pm & PM_PRESENT))
		states[7]++;
	if (!runs && pg->state == PTSCOPE_STATE_PRESENT && (pm & PM_PRESENT) &&
	    (pg->cow == PTSCOPE_COW_REUSABLE) != !!(pm & PM_EXCLUSIVE) &&
	    (pg->cow == PTSCOPE_COW_REUSABLE || pg->cow == PTSCOPE_COW_SHARED))
		leak("cow at 0x%llx says more than pagemap's exclusive bit (0x%llx)",
		     (unsigned long long)pg->addr, (unsigned long long)pm);
	if (!runs && pg->state == PTSCOPE_STATE_PRESENT && (pm & PM_PRESENT) &&
	    !!(pg->pflags & PTSCOPE_PAGE(MAPPED_ONCE)) != !!(pm & PM_EXCLUSIVE))
		leak("mapped-once at 0x%llx is not pagemap's exclusive bit (0x%llx)",
		     (unsigned long long)pg->addr, (unsigned long long)pm);
	/* "may copy" tells of a reference count and LRU state pagemap does not show. */
	if (pg->cow == PTSCOPE_COW_MAY_COPY)
		leak("cow at 0x%llx is may-copy", (unsigned long long)pg->addr);
	return 0;
}

static void check_xlate(struct ptscope *h, uint64_t va)
{
	struct ptscope_xlate x;
	unsigned int i;

	if (ptscope_xlate(h, 0, va, &x)) {
		leak("xlate of 0x%llx failed: %s", (unsigned long long)va, ptscope_errmsg());
		return;
	}
	for (i = 0; i < x.nr_levels; i++) {
		const struct ptscope_xlate_level *l = &x.levels[i];
		int maps_frame = l->flags & (PTSCOPE_ENTRY(PRESENT) | PTSCOPE_ENTRY(PROTNONE) |
					     PTSCOPE_ENTRY(HUGE));

		if (l->table_phys || l->pfn || (l->entry & FRAME_BITS) || (!maps_frame && l->entry))
			leak("xlate of 0x%llx: %s entry 0x%llx, table 0x%llx, pfn 0x%llx",
			     (unsigned long long)va, ptscope_level_name(l->level),
			     (unsigned long long)l->entry, (unsigned long long)l->table_phys,
			     (unsigned long long)l->pfn);
	}
}

static int check_vma(const struct ptscope_vma *v, void *arg)
{
	(void)arg;
	if (v->pinned)
		leak("maps: %llu pinned pages at 0x%llx", (unsigned long long)v->pinned,
		     (unsigned long long)v->start);
	return 0;
}

static atomic_int stop;
static unsigned long moves;

/* The resident half of the small pages, node 0 to node 1 and back. */
static void *mover(void *arg)
{
	const unsigned long N = (AREA - 2 * HUGE) / 2 / PAGE;
	void **pages = calloc(N, sizeof(*pages));
	int *nodes = calloc(N, sizeof(*nodes)), *status = calloc(N, sizeof(*status));
	unsigned long i, round;

	(void)arg;
	if (!pages || !nodes || !status) {
		printf("# mover: out of memory\n");
		goto out;
	}
	for (i = 0; i < N; i++)
		pages[i] = moved + i * PAGE;
	for (round = 0; !atomic_load(&stop); round++) {
		for (i = 0; i < N; i++)
			nodes[i] = round & 1;
		if (syscall(SYS_move_pages, 0, N, pages, nodes, status, 2 /* MPOL_MF_MOVE */) < 0) {
			printf("# move_pages: %s\n", strerror(errno));
			break;
		}
		moves++;
	}
out:
	free(pages);
	free(nodes);
	free(status);
	return NULL;
}

int main(int argc, char **argv)
{
	int numa = access("/sys/devices/system/node/node1", F_OK) == 0;
	pthread_t t;
	time_t end = time(NULL) + (argc > 1 ? atoi(argv[1]) : 10);
	unsigned long rounds = 0;
	struct ptscope *h;
	uint64_t va;
	char *thp;

	setvbuf(stdout, NULL, _IOLBF, 0);
	pagemap = open("/proc/self/pagemap", O_RDONLY);
	area = mmap(NULL, AREA + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pagemap < 0 || area == MAP_FAILED || ptscope_open(&h)) {
		printf("Bail out! %s\n", errno ? strerror(errno) : ptscope_errmsg());
		return 2;
	}
	area = (char *)(((uintptr_t)area + HUGE - 1) & ~(HUGE - 1));
	thp = area + AREA - 2 * HUGE;
	moved = area + (AREA - 2 * HUGE) / 2;
	madvise(area, AREA - 2 * HUGE, MADV_NOHUGEPAGE);
	madvise(thp, 2 * HUGE, MADV_HUGEPAGE);
	memset(area, 7, AREA);
	/* Half the small pages and one of the two THPs out to swap. */
	madvise(area, (AREA - 2 * HUGE) / 2, MADV_PAGEOUT);
	madvise(thp, HUGE, MADV_PAGEOUT);
	if (numa && pthread_create(&t, NULL, mover, NULL))
		numa = 0;
	printf("ready\n");

	while (time(NULL) < end) {
		if (ptscope_walk(h, 0, (uintptr_t)area, (uintptr_t)area + AREA, 0, check_record,
				 NULL) ||
		    ptscope_walk(h, 0, (uintptr_t)area, (uintptr_t)area + AREA, PTSCOPE_WALK_RUNS,
				 check_record, h) ||
		    ptscope_maps(h, 0, check_vma, NULL)) {
			printf("Bail out! %s\n", ptscope_errmsg());
			return 2;
		}
		for (va = (uintptr_t)area; va < (uintptr_t)area + AREA; va += 16 * PAGE)
			check_xlate(h, va + (rounds % 16) * PAGE);
		/* Written again: pages come back and go out, to keep migration busy. */
		area[(rounds * PAGE) % AREA] = 8;
		rounds++;
	}
	if (numa) {
		atomic_store(&stop, 1);
		pthread_join(t, NULL);
	}
	printf("# %lu rounds, %lu moves between nodes; records seen: %lu present, %lu swap (%lu of"
	       " them pages being moved), %lu none;"
	       " %lu page(s) where walk and pagemap differed on present (a page moving between"
	       " the two reads)\n",
	       rounds, moves, states[PTSCOPE_STATE_PRESENT], states[PTSCOPE_STATE_SWAP], migrating,
	       states[PTSCOPE_STATE_NONE], states[7]);
	result(states[PTSCOPE_STATE_PRESENT] > 0, "present pages were walked");
	result(states[PTSCOPE_STATE_SWAP] > 0, "swapped pages were walked (zram swap on?)");
	if (numa)
		result(migrating > 0, "pages under migration were walked (as swap entries)");
	else
		printf("ok %d pages under migration were walked # SKIP one NUMA node\n", ++n);
	result(!leaks, "no frame, swap slot, page count or page flag reached a non-admin");
	printf("1..%d\n", n);
	ptscope_close(h);
	return failed ? 1 : 0;
}
