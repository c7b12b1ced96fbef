// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * WALK and XLATE from /proc: each page of a mapping as /proc/PID/pagemap
 * shows it to the caller, with /proc/kpageflags and /proc/kpagecount for
 * its frame when the caller may read them. Read a chunk of pagemap at a
 * time, the per-frame files once per run of consecutive frames in it:
 * memory does not grow with the range.
 *
 * What pagemap does not say is marked unknown (struct ptscope_page.unknown)
 * and left 0, never guessed: the raw entry and the table level, the
 * hardware flags, cache mode, refcount and pins, the copy-on-write
 * prediction where the exclusive bit is not enough. Which special swap
 * entry (migration, device, hwpoison) a non-present entry is pagemap does
 * not say either: "other".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>

#include "internal.h"
#include "procfs.h"
#include "uapi/ptscope.h"

/* Unknown in every procfs record, whoever asks. */
#define ALWAYS_UNKNOWN                                                             \
	(PTSCOPE_UNKNOWN_ENTRY | PTSCOPE_UNKNOWN_FLAGS | PTSCOPE_UNKNOWN_LEVEL |   \
	 PTSCOPE_UNKNOWN_CACHE | PTSCOPE_UNKNOWN_PKEY | PTSCOPE_UNKNOWN_REFCOUNT | \
	 PTSCOPE_UNKNOWN_PFLAGS | PTSCOPE_UNKNOWN_PINCOUNT)

struct pf_walk {
	struct ptscope *h;
	uint32_t pid; /* as named in messages */
	int fd; /* /proc/PID/pagemap */
	unsigned int shift;
	bool runs, skip_none;
	bool placement; /* PTSCOPE_WALK_PLACEMENT: move_pages(2) and kpagecgroup */
	uint32_t fields; /* PTSCOPE_FIELD_* asked for; 0: the default */
	ptscope_page_fn fn;
	void *arg;
	struct pts_kpage k;
	struct ptscope_page run; /* the record being built; nr_pages 0: none */
	uint64_t pme[PTS_CHUNK], kflags[PTS_CHUNK], kcount[PTS_CHUNK];
	bool kflags_ok[PTS_CHUNK], kcount_ok[PTS_CHUNK];
	uint64_t kcgroup[PTS_CHUNK];
	bool kcgroup_ok[PTS_CHUNK];
	int node[PTS_CHUNK]; /* move_pages(2)'s status: a node, or -errno */
	void *addrs[PTS_CHUNK];
};

/* Frames of a PFN-mapped VMA are not its pages, whatever kpageflags says of them. */
static bool pfn_mapped(const struct ptscope_vma *v)
{
	return v->flags & (PTSCOPE_VMA(PFNMAP) | PTSCOPE_VMA(IO));
}

/* A private anonymous mapping: every page is anonymous or a zero page. */
static bool private_anon(const struct ptscope_vma *v)
{
	return v->backing == PTSCOPE_BACKING_ANON || v->backing == PTSCOPE_BACKING_HEAP ||
	       v->backing == PTSCOPE_BACKING_STACK;
}

/* The kind of a present page whose kpageflags are @kf (root only). */
static void describe_frame(struct pf_walk *w, const struct pts_smaps_vma *sv, uint64_t kf,
			   struct ptscope_page *pg)
{
	if (kf & KPF(ZERO_PAGE)) {
		pg->kind = kf & KPF(THP) ? PTSCOPE_KIND_HUGE_ZERO_PAGE : PTSCOPE_KIND_ZERO_PAGE;
	} else if (kf & KPF(HUGE)) {
		pg->kind = PTSCOPE_KIND_HUGETLB;
	} else if ((kf & KPF(KSM)) && !pts_procfs_ksm_lies(w->h)) {
		pg->kind = PTSCOPE_KIND_KSM;
	} else if (kf & KPF(ANON)) {
		pg->kind = PTSCOPE_KIND_ANON;
		/* Merged or not: this kernel's kpageflags cannot say. */
		if (kf & KPF(KSM))
			pg->unknown |= PTSCOPE_UNKNOWN_KIND;
	} else if (sv->v.backing == PTSCOPE_BACKING_SHMEM || (kf & KPF(SWAPBACKED))) {
		pg->kind = PTSCOPE_KIND_SHMEM;
	} else if (sv->v.backing == PTSCOPE_BACKING_FILE ||
		   sv->v.backing == PTSCOPE_BACKING_HUGETLB) {
		pg->kind = PTSCOPE_KIND_FILE;
	} else {
		pg->kind = PTSCOPE_KIND_OTHER;
	}
	if ((kf & KPF(THP)) && !(kf & KPF(HUGE)))
		pg->pflags |= PTSCOPE_PAGE(THP);
}

/* Page @i of the chunk read at @addr, into @pg. */
static void describe(struct pf_walk *w, const struct pts_smaps_vma *sv, size_t i, uint64_t addr,
		     struct ptscope_page *pg)
{
	const uint64_t pme = w->pme[i];
	const bool vma_soft_dirty = sv->v.flags & PTSCOPE_VMA(SOFT_DIRTY);
	uint64_t type;

	memset(pg, 0, sizeof(*pg));
	pg->addr = addr;
	pg->nr_pages = 1;
	pg->unknown = ALWAYS_UNKNOWN;
	pg->level = PTSCOPE_LEVEL_PTE; /* a placeholder: PTSCOPE_UNKNOWN_LEVEL */
	/* pagemap ORs the VMA's VM_SOFTDIRTY into every entry's bit. */
	if (vma_soft_dirty || !w->h->soft_dirty_works)
		pg->unknown |= PTSCOPE_UNKNOWN_SOFT_DIRTY;
	else if (pme & PM_SOFT_DIRTY)
		pg->flags |= PTSCOPE_ENTRY(SOFT_DIRTY);
	if (!w->h->uffd_wp_bit)
		pg->unknown |= PTSCOPE_UNKNOWN_UFFD_WP;
	else if (pme & PM_UFFD_WP)
		pg->flags |= PTSCOPE_ENTRY(UFFD_WP);
	if (!(pme & (PM_PRESENT | PM_SWAP))) {
		/* hugetlb's uffd-wp markers come as the bit alone. */
		if (pme & (PM_UFFD_WP | PM_GUARD_REGION)) {
			pg->state = PTSCOPE_STATE_MARKER;
			return;
		}
		/* Nothing mapped: only the table the hole was found in is unknown. */
		pg->unknown = PTSCOPE_UNKNOWN_LEVEL;
		pg->flags = 0;
		pg->state = PTSCOPE_STATE_NONE;
		/* hugetlb's migration and hwpoison entries come as holes too. */
		if (sv->v.flags & PTSCOPE_VMA(HUGETLB))
			pg->unknown |= PTSCOPE_UNKNOWN_STATE;
		return;
	}
	if (pme & PM_SWAP) {
		type = pme & PM_SWAP_TYPE_MASK;
		pg->state = PTSCOPE_STATE_SWAP;
		/*
		 * The kernel's own: a guard region is a marker; a uffd-wp
		 * marker and a migration entry of a write-protected page look
		 * alike, as do the rest.
		 */
		if (type >= PM_FIRST_SPECIAL_SWAP_TYPE)
			pg->state = pme & PM_GUARD_REGION ? PTSCOPE_STATE_MARKER :
							    PTSCOPE_STATE_OTHER;
		else if (pme & PM_GUARD_REGION)
			pg->state = PTSCOPE_STATE_MARKER; /* the caller sees no type */
		else
			pg->swap_type = (uint32_t)type;
		if (pg->state == PTSCOPE_STATE_SWAP)
			pg->swap_offset = (pme & PM_PFN_MASK) >> PM_SWAP_OFFSET_SHIFT;
		return;
	}
	pg->state = PTSCOPE_STATE_PRESENT;
	pg->has_pfn = 1;
	pg->pfn = pme & PM_PFN_MASK;
	/* mprotect_key() rewrites the entries with the mapping's key. */
	if (sv->pkey >= 0) {
		pg->pkey = (uint32_t)sv->pkey;
		pg->unknown &= ~PTSCOPE_UNKNOWN_PKEY;
	}
	/*
	 * Told to every reader; as the module, present pages only. pagemap
	 * says it of the huge zero page too (not anonymous), the one frame
	 * of a private anonymous mapping that is not.
	 */
	if ((pme & PM_FILE) && !private_anon(&sv->v))
		pg->pflags |= PTSCOPE_PAGE(FILE_BACKED);
	/*
	 * 6.12's pagemap asks hugetlb_pmd_shared() of the table holding any
	 * hugetlb entry: for a 1 GiB page a PUD table, for arm64's
	 * contiguous-PTE sizes (64 KiB) a PTE table, neither of which holds
	 * such a count: those pages may read as shared while mapped once.
	 */
	if ((sv->v.flags & PTSCOPE_VMA(HUGETLB)) && sv->kernel_page_size != pts_pmd_bytes(w->shift))
		pg->unknown |= PTSCOPE_UNKNOWN_MAPPED_ONCE;
	else if (pme & PM_MMAP_EXCLUSIVE)
		pg->pflags |= PTSCOPE_PAGE(MAPPED_ONCE);
	/* Frame hidden (not CAP_SYS_ADMIN): so is all kpageflags would add. */
	if (!pg->pfn) {
		pg->unknown |= PTSCOPE_UNKNOWN_KIND | PTSCOPE_UNKNOWN_MAPCOUNT;
		return;
	}
	if (pfn_mapped(&sv->v)) {
		pg->kind = PTSCOPE_KIND_PFNMAP;
		return;
	}
	if (!w->kflags_ok[i] || (w->kflags[i] & KPF(NOPAGE))) {
		pg->unknown |= PTSCOPE_UNKNOWN_KIND;
	} else {
		describe_frame(w, sv, w->kflags[i], pg);
	}
	/* An average over a large folio's pages is no page's own count. */
	if (w->kcount_ok[i] && !(w->kflags_ok[i] && (w->kflags[i] & KPF(NOPAGE))) &&
	    !(w->h->mapcount_average && (!w->kflags_ok[i] || (w->kflags[i] & KPF(THP))))) {
		pg->has_page = 1;
		pg->mapcount = (uint32_t)w->kcount[i];
	} else {
		pg->unknown |= PTSCOPE_UNKNOWN_MAPCOUNT;
	}
}

/*
 * What a write to @pg would do, where pagemap tells enough to decide it as
 * module/cow.c does with the entry's write bit and the frame's counts. An
 * anonymous page mapped once stays unknown: written in place, reused or
 * copied, pagemap cannot tell which. Nor can it for a frame whose kind is
 * hidden (no CAP_SYS_ADMIN) and which may be a zero page or KSM's.
 */
static void predict_cow(const struct pts_smaps_vma *sv, struct ptscope_page *pg)
{
	const uint64_t f = sv->v.flags;
	const bool kind_known = !(pg->unknown & PTSCOPE_UNKNOWN_KIND);

	pg->cow = PTSCOPE_COW_UNMAPPED;
	if (pg->unknown & PTSCOPE_UNKNOWN_STATE)
		goto unknown;
	if (pg->state != PTSCOPE_STATE_PRESENT)
		return;
	if (!(f & PTSCOPE_VMA(WRITE)) || sv->shadow_stack) {
		pg->cow = PTSCOPE_COW_READ_ONLY;
	} else if (f & PTSCOPE_VMA(SHARED)) {
		pg->cow = PTSCOPE_COW_SHARED_MAPPING;
	} else if (pg->unknown & PTSCOPE_UNKNOWN_UFFD_WP) {
		goto unknown;
	} else if (pg->flags & PTSCOPE_ENTRY(UFFD_WP)) {
		pg->cow = PTSCOPE_COW_UFFD_WP;
	} else if (kind_known && (pg->kind == PTSCOPE_KIND_ZERO_PAGE ||
				  pg->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE)) {
		pg->cow = PTSCOPE_COW_ZERO;
	} else if (kind_known && pg->kind == PTSCOPE_KIND_KSM) {
		pg->cow = PTSCOPE_COW_KSM;
	} else if (pg->pflags & PTSCOPE_PAGE(FILE_BACKED)) {
		/* Private mappings map the page cache read-only. */
		pg->cow = PTSCOPE_COW_FILE;
	} else if (kind_known &&
		   (pg->kind == PTSCOPE_KIND_ANON || pg->kind == PTSCOPE_KIND_HUGETLB) &&
		   !(pg->unknown & PTSCOPE_UNKNOWN_MAPPED_ONCE) &&
		   !(pg->pflags & PTSCOPE_PAGE(MAPPED_ONCE))) {
		/* Mapped more than once: never writable, and anon-exclusive only when once. */
		pg->cow = PTSCOPE_COW_SHARED;
	} else {
		goto unknown;
	}
	return;
unknown:
	pg->cow = 0;
	pg->unknown |= PTSCOPE_UNKNOWN_COW;
}

/* kpageflags and kpagecount of the chunk's frames, one read per run of frames. */
static void read_frames(struct pf_walk *w, size_t n)
{
	size_t i = 0, j;
	uint64_t pfn;
	int f, c, g, k;

	while (i < n) {
		pfn = w->pme[i] & PM_PFN_MASK;
		if (!(w->pme[i] & PM_PRESENT) || !pfn) {
			w->kflags_ok[i] = w->kcount_ok[i] = false;
			i++;
			continue;
		}
		for (j = i + 1; j < n && (w->pme[j] & PM_PRESENT) &&
				(w->pme[j] & PM_PFN_MASK) == pfn + (j - i);
		     j++)
			;
		f = pts_kpage_read(&w->k, "kpageflags", pfn, j - i, &w->kflags[i]);
		c = pts_kpage_read(&w->k, "kpagecount", pfn, j - i, &w->kcount[i]);
		g = w->placement ?
			    pts_kpage_read(&w->k, "kpagecgroup", pfn, j - i, &w->kcgroup[i]) :
			    0;
		for (k = 0; i < j; i++, k++) {
			w->kflags_ok[i] = k < f;
			w->kcount_ok[i] = k < c;
			w->kcgroup_ok[i] = k < g;
		}
	}
}

/*
 * The nodes of @n pages from @addr, as move_pages(2) with no target nodes
 * tells whoever may ptrace-read the process: a node, or -errno (-ENOENT
 * not present, -EFAULT the zero page), all -EPERM if refused.
 */
static void read_nodes(struct pf_walk *w, uint64_t addr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		w->addrs[i] = (void *)(uintptr_t)(addr + ((uint64_t)i << w->shift));
	pts_page_nodes(w->pid, w->addrs, n, w->node);
}

/* Where present page @i of the chunk lives, where the caller may know. */
static void describe_placement(struct pf_walk *w, size_t i, struct ptscope_page *pg)
{
	if (pg->state != PTSCOPE_STATE_PRESENT)
		return;
	if (w->node[i] >= 0) {
		pg->has_nid = 1;
		pg->nid = (uint32_t)w->node[i];
	} else {
		pg->unknown |= PTSCOPE_UNKNOWN_NID;
	}
	/* kpagecgroup names the nearest online cgroup: whether one was removed, not. */
	if (w->kcgroup_ok[i] && pg->pfn) {
		pg->has_memcg = 1;
		pg->memcg = w->kcgroup[i];
	} else {
		pg->unknown |= PTSCOPE_UNKNOWN_MEMCG;
	}
}

/* Whether @pg continues the run @r (see PTSCOPE_WALK_RUNS). */
static bool continues(const struct ptscope_page *r, const struct ptscope_page *pg,
		      unsigned int shift)
{
	if (r->addr + (r->nr_pages << shift) != pg->addr || r->state != pg->state ||
	    r->unknown != pg->unknown || r->flags != pg->flags)
		return false;
	if (pg->state == PTSCOPE_STATE_NONE)
		return true;
	if (r->kind != pg->kind || r->pflags != pg->pflags || r->has_page != pg->has_page ||
	    r->cow != pg->cow || r->pkey != pg->pkey || r->mapcount != pg->mapcount ||
	    r->swap_type != pg->swap_type || r->has_nid != pg->has_nid || r->nid != pg->nid ||
	    r->has_memcg != pg->has_memcg || r->memcg != pg->memcg)
		return false;
	/* Frames and swap slots follow on, or stay hidden (0) throughout. */
	if (pg->state == PTSCOPE_STATE_PRESENT)
		return r->pfn ? pg->pfn == r->pfn + r->nr_pages : !pg->pfn;
	if (pg->state == PTSCOPE_STATE_SWAP)
		return r->swap_offset ? pg->swap_offset == r->swap_offset + r->nr_pages :
					!pg->swap_offset;
	return true;
}

static int flush(struct pf_walk *w)
{
	int ret = 0;

	if (w->run.nr_pages && !(w->skip_none && w->run.state == PTSCOPE_STATE_NONE))
		ret = w->fn(&w->run, w->arg);
	w->run.nr_pages = 0;
	return ret;
}

/* One page to the record being built, or the record out and a new one begun. */
static int add(struct pf_walk *w, const struct ptscope_page *pg)
{
	int ret;

	/* Holes are one record in either mode, as the module's. */
	if (w->run.nr_pages && (w->runs || pg->state == PTSCOPE_STATE_NONE) &&
	    continues(&w->run, pg, w->shift)) {
		w->run.nr_pages++;
		return 0;
	}
	ret = flush(w);
	w->run = *pg;
	return ret;
}

/* The pages of [@start, @end) of mapping @sv, in order. */
static int walk_vma(struct pf_walk *w, const struct pts_smaps_vma *sv, uint64_t start, uint64_t end)
{
	struct ptscope_page pg;
	uint64_t addr = start;
	size_t i, want;
	int n, ret;

	/*
	 * pagemap reports a VM_PFNMAP mapping as a hole without looking
	 * (walk_page_test()): what is mapped there is unknown, one record.
	 */
	if (sv->v.flags & PTSCOPE_VMA(PFNMAP)) {
		ret = flush(w);
		memset(&pg, 0, sizeof(pg));
		pg.addr = start;
		pg.nr_pages = (end - start) >> w->shift;
		pg.state = PTSCOPE_STATE_NONE;
		pg.unknown = PTSCOPE_UNKNOWN_STATE | PTSCOPE_UNKNOWN_LEVEL | PTSCOPE_UNKNOWN_COW;
		if (w->fields)
			pts_drop_fields(&pg, w->fields);
		return ret ? ret : w->fn(&pg, w->arg);
	}
	while (addr < end) {
		want = (end - addr) >> w->shift;
		if (want > PTS_CHUNK)
			want = PTS_CHUNK;
		n = pts_pagemap_read(w->fd, w->pid, addr, w->shift, want, w->pme);
		if (n < 0)
			return n;
		/* kpageflags and kpagecount only for the groups that need them. */
		if (!w->fields || w->fields & (PTSCOPE_FIELD_FRAME | PTSCOPE_FIELD_COW) ||
		    w->placement) {
			read_frames(w, (size_t)n);
		} else {
			memset(w->kflags_ok, 0, sizeof(w->kflags_ok));
			memset(w->kcount_ok, 0, sizeof(w->kcount_ok));
		}
		if (w->placement)
			read_nodes(w, addr, (size_t)n);
		for (i = 0; i < (size_t)n; i++, addr += 1ULL << w->shift) {
			describe(w, sv, i, addr, &pg);
			predict_cow(sv, &pg);
			if (w->placement)
				describe_placement(w, i, &pg);
			if (w->fields)
				pts_drop_fields(&pg, w->fields);
			ret = add(w, &pg);
			if (ret)
				return ret;
		}
	}
	/* Records end where the mapping does. */
	return flush(w);
}

int pts_procfs_walk_vma(struct ptscope *h, int fd, uint32_t pid, const struct pts_smaps_vma *sv,
			ptscope_page_fn fn, void *arg)
{
	struct pf_walk *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return pts_fail(-ENOMEM, "out of memory");
	pts_procfs_probe(h);
	*w = (struct pf_walk){ .h = h,
			       .pid = pid,
			       .fd = fd,
			       .shift = h->page_shift,
			       .runs = true,
			       .skip_none = true,
			       .fn = fn,
			       .arg = arg,
			       .k = PTS_KPAGE_INIT };
	ret = walk_vma(w, sv, sv->v.start, sv->v.end);
	pts_kpage_close(&w->k);
	free(w);
	return ret;
}

int pts_procfs_walk(struct ptscope *h, uint32_t pid, uint64_t start, uint64_t end,
		    unsigned int flags, uint32_t fields, ptscope_page_fn fn, void *arg)
{
	struct pf_walk *w = calloc(1, sizeof(*w));
	struct pts_smaps_vma *sv = malloc(sizeof(*sv));
	struct pts_smaps *s = NULL;
	uint64_t from, to;
	int ret;

	pts_clear_error();
	if (!w || !sv) {
		free(w);
		free(sv);
		return pts_fail(-ENOMEM, "out of memory");
	}
	w->k = (struct pts_kpage)PTS_KPAGE_INIT;
	pts_procfs_probe(h);
	if (!end)
		end = UINT64_MAX;
	if (start >= end) {
		ret = pts_fail(-EINVAL, "empty range [0x%llx, 0x%llx)", (unsigned long long)start,
			       (unsigned long long)end);
		goto out;
	}
	w->h = h;
	w->shift = h->page_shift;
	w->runs = flags & PTSCOPE_WALK_RUNS;
	w->skip_none = flags & PTSCOPE_WALK_SKIP_NONE;
	w->placement = flags & PTSCOPE_WALK_PLACEMENT;
	w->fields = fields;
	w->fn = fn;
	w->arg = arg;
	w->fd = pts_pagemap_open(pid, &w->pid);
	if (w->fd < 0) {
		ret = w->fd;
		goto out;
	}
	ret = pts_smaps_open(w->pid, &s);
	while (!ret && (ret = pts_smaps_next(s, sv)) == 1) {
		/* The gate page: in smaps, but no VMA of the process. */
		if (!strcmp(sv->name, "[vsyscall]")) {
			ret = 0;
			continue;
		}
		from = sv->v.start > start ? sv->v.start : start;
		to = sv->v.end < end ? sv->v.end : end;
		/* A range ending inside a page takes that page, as the module's. */
		to = (to + (1ULL << w->shift) - 1) & ~((1ULL << w->shift) - 1);
		ret = from < to ? walk_vma(w, sv, from & ~((1ULL << w->shift) - 1), to) : 0;
	}
	pts_smaps_close(s);
	close(w->fd);
out:
	pts_kpage_close(&w->k);
	free(w);
	free(sv);
	return ret;
}

static int keep_first(const struct ptscope_page *pg, void *arg)
{
	*(struct ptscope_page *)arg = *pg;
	return 1;
}

/*
 * The leaf only, as pagemap shows it: one level, its table level unknown
 * (PTSCOPE_LEVEL_UNKNOWN), its entry and flags what the walk would say.
 */
int pts_procfs_xlate(struct ptscope *h, uint32_t pid, uint64_t addr, struct ptscope_xlate *out)
{
	struct ptscope_machine m;
	struct ptscope_page pg;
	struct ptscope_xlate_level *l = &out->levels[0];
	int ret = pts_procfs_machine(h, &m);
	uint64_t page;

	if (ret)
		return ret;
	if (m.va_bits && addr >> m.va_bits)
		return pts_fail(-EINVAL, "address 0x%llx is above the user address space",
				(unsigned long long)addr);
	memset(&pg, 0, sizeof(pg));
	page = addr & ~((uint64_t)m.page_size - 1);
	ret = pts_procfs_walk(h, pid, page, page + m.page_size, 0, 0, keep_first, &pg);
	if (ret < 0)
		return ret;
	if (pg.unknown & PTSCOPE_UNKNOWN_STATE)
		return pts_fail(-EOPNOTSUPP,
				"0x%llx is in a VM_PFNMAP mapping or a hugetlb hole, whose entries "
				"pagemap does not show (load the module)",
				(unsigned long long)addr);
	memset(out, 0, sizeof(*out));
	out->addr = addr;
	out->nr_levels = 1;
	l->level = PTSCOPE_LEVEL_UNKNOWN;
	l->flags = pg.flags;
	/* Outside every mapping, or nothing mapped: not a leaf. */
	if (pg.nr_pages && pg.state != PTSCOPE_STATE_NONE)
		l->leaf_size = m.page_size;
	/* Not the hardware present bit (a PROT_NONE page has none): no flag. */
	if (pg.state == PTSCOPE_STATE_PRESENT) {
		l->has_pfn = 1;
		l->pfn = pg.pfn;
	}
	return 0;
}
