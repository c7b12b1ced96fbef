/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memkinds' kinds and checks that depend on the architecture, included by
 * memkinds.c (it uses its kinds, add(), skip_kind(), result() and readers):
 *
 *   anon-mte   arm64: PROT_MTE anonymous memory, written: entries of the
 *              Normal-Tagged memory type (ptscope "mte", write-back);
 *              smaps VmFlags "mt" is the oracle
 *   anon-bti   arm64: a page holding "bti c; ret", made PROT_READ |
 *              PROT_EXEC | PROT_BTI and called: a guarded ("gp"),
 *              executable (no "uxn") entry; smaps VmFlags "bt"
 *
 * and, for every hugetlb kind, that the walk gives ONE leaf of the huge
 * page's size at the level that maps it, marked contiguous exactly when
 * the size is no PMD or PUD size (arm64's 64 KiB and 32 MiB with 4 KiB
 * pages, 2 MiB and 1 GiB with 16 KiB pages), over frames that pagemap
 * says are consecutive, and xlate's leaf is as large.
 */
#ifndef PTSCOPE_TESTS_MEMKINDS_ARCH_H
#define PTSCOPE_TESTS_MEMKINDS_ARCH_H

#include <sys/auxv.h>

/* arch/arm64/include/uapi/asm/{mman,hwcap}.h, for any host's headers */
#define PTS_PROT_BTI 0x10
#define PTS_PROT_MTE 0x20
#define PTS_HWCAP2_BTI (1UL << 17)
#define PTS_HWCAP2_MTE (1UL << 18)

static void add_arch_kinds(void)
{
#if defined(__aarch64__)
	/* "bti c" lets an indirect call land on a guarded page; "ret" returns. */
	static const uint32_t bti_c_ret[] = { 0xd503245f, 0xd65f03c0 };
	unsigned long hwcap2 = getauxval(AT_HWCAP2);
	char why[96];
	char *p;

	if (!(hwcap2 & PTS_HWCAP2_MTE)) {
		skip_kind("anon-mte", "no MTE: HWCAP2_MTE absent (QEMU: -machine virt,mte=on)");
	} else {
		p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE | PTS_PROT_MTE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			snprintf(why, sizeof(why), "mmap PROT_MTE: %s", strerror(errno));
			skip_kind("anon-mte", why);
		} else {
			memset(p, 14, 4 * PAGE);
			add("anon-mte", p, 4 * PAGE);
		}
	}
	if (!(hwcap2 & PTS_HWCAP2_BTI)) {
		skip_kind("anon-bti", "no BTI: HWCAP2_BTI absent");
		return;
	}
	p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memcpy(p, bti_c_ret, sizeof(bti_c_ret));
	if (mprotect(p, PAGE, PROT_READ | PROT_EXEC | PTS_PROT_BTI)) {
		snprintf(why, sizeof(why), "mprotect PROT_BTI: %s", strerror(errno));
		skip_kind("anon-bti", why);
		return;
	}
	__builtin___clear_cache(p, p + sizeof(bti_c_ret));
	((void (*)(void))(uintptr_t)p)(); /* a SIGILL here: the landing pad was refused */
	add("anon-bti", p, PAGE);
#else
	skip_kind("anon-mte", "MTE (PROT_MTE) is arm64's; this is " ARCH_NAME);
	skip_kind("anon-bti", "BTI (PROT_BTI) is arm64's; this is " ARCH_NAME);
#endif
}

/* Whether smaps' VmFlags of the VMA holding @va has @flag; -1 if no VMA does. */
static int vm_flag(uint64_t va, const char *flag)
{
	unsigned long long start, end;
	char line[512], want[8];
	int inside = 0, has = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	snprintf(want, sizeof(want), " %s", flag);
	while (f && fgets(line, sizeof(line), f)) {
		if (line[strspn(line, "0123456789abcdef")] == '-' &&
		    sscanf(line, "%llx-%llx ", &start, &end) == 2) {
			inside = va >= start && va < end;
			continue;
		}
		if (inside && !strncmp(line, "VmFlags:", 8)) {
			line[strcspn(line, "\n")] = ' ';
			has = strstr(line, want) && strstr(line, want)[strlen(want)] == ' ';
			break;
		}
	}
	if (f)
		fclose(f);
	return has;
}

struct records {
	unsigned long n;
	struct ptscope_page first;
};

static int count_records(const struct ptscope_page *pg, void *arg)
{
	struct records *r = arg;

	if (!r->n++)
		r->first = *pg;
	return 0;
}

/* The tagged and guarded kinds: every page's entry says so, as smaps does. */
static void check_tagged_guarded(struct ptscope *h)
{
	int k;

	for (k = 0; k < nkinds; k++) {
		struct kind *kd = &kinds[k];
		int bti = !strcmp(kd->name, "anon-bti");
		uint64_t want = bti ? PTSCOPE_ENTRY(GP) : PTSCOPE_ENTRY(MTE);
		const char *flag = bti ? "bt" : "mt";
		struct collect c = { (uintptr_t)kd->addr, kd->len / PAGE, NULL, 0 };
		size_t i, good = 0;
		int vm;

		if (!bti && strcmp(kd->name, "anon-mte"))
			continue;
		c.pages = calloc(c.npages, sizeof(struct seen));
		if (!c.pages ||
		    ptscope_walk(h, getpid(), c.start, c.start + kd->len, 0, collect_page, &c)) {
			result(0, "%s: walk: %s", kd->name, ptscope_errmsg());
			free(c.pages);
			continue;
		}
		for (i = 0; i < c.npages; i++) {
			const struct ptscope_page *r = &c.pages[i].rec;

			good += c.pages[i].covered && r->state == PTSCOPE_STATE_PRESENT &&
				(r->flags & want) && r->cache == PTSCOPE_CACHE_WB &&
				(!bti || !(r->flags & PTSCOPE_ENTRY(UXN)));
		}
		vm = vm_flag(c.start, flag);
		result(vm == 1 && good == c.npages,
		       "%s: smaps VmFlags %s (%s), every page present, %s%s, write-back (%zu of %zu; "
		       "first entry 0x%llx, cache %s)",
		       kd->name, flag,
		       vm == 1 ? "yes" :
		       vm      ? "no VMA" :
				 "no",
		       bti ? "gp" : "mte", bti ? ", not uxn" : "", good, c.npages,
		       (unsigned long long)c.pages[0].rec.entry,
		       ptscope_cache_name(c.pages[0].rec.cache) ?: "?");
		free(c.pages);
	}
}

/* Whether pagemap gives the pages of [va, va + len) consecutive frames. */
static int pagemap_consecutive(const struct oracles *o, uint64_t va, size_t len)
{
	uint64_t e0, e;
	size_t i;

	epoch++;
	if (pread_u64(o->pagemap, va / PAGE, &e0) || !(e0 & PM_PRESENT))
		return 0;
	for (i = 1; i < len / PAGE; i++)
		if (pread_u64(o->pagemap, va / PAGE + i, &e) || !(e & PM_PRESENT) ||
		    (e & PM_PFN_MASK) != (e0 & PM_PFN_MASK) + i)
			return 0;
	return 1;
}

/* Each hugetlb kind is one leaf of its real size (see the top of the file). */
static void check_hugetlb_leaves(struct ptscope *h, const struct oracles *o)
{
	const struct ptscope_xlate_level *leaf;
	struct ptscope_xlate x;
	struct records r;
	uint64_t pm;
	int k, cont, xl;

	for (k = 0; k < nkinds; k++) {
		struct kind *kd = &kinds[k];
		uint64_t va = (uintptr_t)kd->addr;

		if (strncmp(kd->name, "hugetlb-", 8))
			continue;
		/* 7.3-rc7 at times gives a child no copy of a 1 GiB entry (see below). */
		if (*who && !pread_u64(o->pagemap, va / PAGE, &pm) && !(pm & PM_PRESENT)) {
			printf("ok %d %s%s: one leaf # SKIP the kernel did not copy the entry "
			       "into the child (pagemap: not present)\n",
			       ++n, who, kd->name);
			continue;
		}
		memset(&r, 0, sizeof(r));
		if (ptscope_walk(h, getpid(), va, va + kd->len, 0, count_records, &r) < 0) {
			result(0, "%s: one leaf: walk: %s", kd->name, ptscope_errmsg());
			continue;
		}
		xl = !ptscope_xlate(h, getpid(), va + kd->len / 2, &x) && x.nr_levels;
		leaf = xl ? &x.levels[x.nr_levels - 1] : NULL;
		cont = kd->len != pmd_size() && kd->len != pud_size();
		result(r.n == 1 && r.first.state == PTSCOPE_STATE_PRESENT && r.first.addr == va &&
			       r.first.nr_pages == kd->len / PAGE &&
			       r.first.level == level_of_size(kd->len) &&
			       !!(r.first.flags & PTSCOPE_ENTRY(CONT)) == cont && leaf &&
			       leaf->leaf_size == kd->len && leaf->level == r.first.level &&
			       pagemap_consecutive(o, va, kd->len),
		       "%s: one %sleaf of %zu pages at the %s level, frames consecutive in "
		       "pagemap, xlate leaf size %zu (%lu records, %llu pages, level %s, flags "
		       "0x%llx; xlate %llu at %s)",
		       kd->name, cont ? "contiguous " : "", kd->len / PAGE,
		       ptscope_level_name(level_of_size(kd->len)), kd->len, r.n,
		       (unsigned long long)r.first.nr_pages,
		       ptscope_level_name(r.first.level) ?: "?", (unsigned long long)r.first.flags,
		       leaf ? (unsigned long long)leaf->leaf_size : 0ULL,
		       leaf ? ptscope_level_name(leaf->level) ?: "?" : "-");
	}
}

#endif
