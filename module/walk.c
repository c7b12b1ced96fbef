// SPDX-License-Identifier: GPL-2.0
/*
 * Walk a range of another process's page tables and describe every leaf
 * (describe.c says what one holds). Records go to an emit callback as they
 * are found (runs merged on request), so nothing proportional to the range
 * is ever held.
 *
 * The locks are taken by the descent (descend.c), which xlate shares; each
 * leaf is described while its lock is held, so a mapped page cannot be
 * freed under us.
 * The mmap lock is dropped every PTSCOPE_WALK_CHUNK entries, and within 64
 * pages as soon as a writer of the target (mmap, munmap, mprotect) waits
 * for it; the writer then goes first (let_writers_in).
 */
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/sched/signal.h>

#include "ptscope.h"
#include "arch.h"
#include "compat.h"

/* Entries visited per hold of the mmap lock. */
#define PTSCOPE_WALK_CHUNK 2048

/* Positive: the chunk's budget is spent; unlock, let writers in, go on. */
#define WALK_YIELD 1

static bool same_record(const struct ptscope_page *a, const struct ptscope_page *b)
{
	return a->level == b->level && a->state == b->state && a->flags == b->flags &&
	       a->kind == b->kind && a->pflags == b->pflags && a->cache == b->cache &&
	       a->cow == b->cow && a->pkey == b->pkey && a->cont_order == b->cont_order &&
	       a->mapcount == b->mapcount && a->refcount == b->refcount &&
	       a->has_pincount == b->has_pincount && a->pincount == b->pincount &&
	       a->has_res == b->has_res && a->res_flags == b->res_flags &&
	       a->res_desc == b->res_desc &&
	       a->has_pfn == b->has_pfn && a->swap_type == b->swap_type &&
	       a->has_nid == b->has_nid && a->nid == b->nid &&
	       a->has_memcg == b->has_memcg && a->memcg == b->memcg && a->place == b->place;
}

/*
 * Where a present frame with a struct page lives, for CAP_SYS_ADMIN: its
 * node, and the memory cgroup charged (as /proc/kpagecgroup, root's). Other
 * callers get neither: the node is move_pages(2)'s to tell, under a rule
 * of its own (real credentials, the security modules' task_movememory
 * hook) a module cannot ask, so libptscope asks it for them. The leaf's
 * lock is held, so the page stays mapped while it is looked at.
 */
static void describe_placement(const struct ptscope_walk *w, struct ptscope_page *pg)
{
	bool offline;

	if (w->hide_phys || pg->state != PTSCOPE_STATE_PRESENT || !pg->page)
		return;
	pg->nid = page_to_nid(pg->page);
	pg->has_nid = true;
	if (ptscope_memcg_enabled() && ptscope_page_memcg(pg->page, &pg->memcg, &offline)) {
		pg->place = offline ? PTSCOPE_PLACE_MEMCG_OFFLINE : 0;
		pg->has_memcg = true;
	}
}

/* Whether @pg continues the run @run: adjacent, equal, frames following on. */
static bool continues(const struct ptscope_walk *w, const struct ptscope_page *run,
		      const struct ptscope_page *pg)
{
	if (run->addr + run->nr_pages * PAGE_SIZE != pg->addr)
		return false;
	if (run->state == PTSCOPE_STATE_NONE && pg->state == PTSCOPE_STATE_NONE)
		return true;	/* holes are one record in either mode */
	if (!w->runs || !same_record(run, pg))
		return false;
	/*
	 * Hidden frames and swap slots must not show through where runs end
	 * either: joined by their equal (hidden) records alone.
	 */
	if (w->hide_phys)
		return pg->entry == run->entry;
	if (run->has_pfn && pg->pfn != run->pfn + run->nr_pages)
		return false;
	if (run->state == PTSCOPE_STATE_SWAP &&
	    pg->swap_offset != run->swap_offset + run->nr_pages)
		return false;
	/* Present leaves differ in their frame bits only; see entry_step. */
	if (run->state == PTSCOPE_STATE_PRESENT &&
	    (pg->entry ^ run->entry) & ~ptscope_entry_frame_mask())
		return false;
	return run->leaves == 1 || pg->entry == run->entry + run->leaves * run->entry_step;
}

static int flush(struct ptscope_walk *w)
{
	int ret;

	if (!w->have_run)
		return 0;
	w->have_run = false;
	ret = w->emit(w, &w->run);
	if (ret)
		w->next = w->run.addr;	/* redo it from the tables next time */
	return ret;
}

/* Whether a leaf's struct page and folio are read: only for the groups that need them. */
static bool wants_frame(const struct ptscope_walk *w)
{
	return w->fields & (PTSCOPE_FIELD_FRAME | PTSCOPE_FIELD_COW | PTSCOPE_FIELD_PLACE);
}

/*
 * The groups the caller did not ask for, cleared after the description
 * (the COW state and placement may have needed the frame's fields), so
 * that runs join on the groups asked for alone.
 */
static void drop_unwanted(const struct ptscope_walk *w, struct ptscope_page *pg)
{
	if (!(w->fields & PTSCOPE_FIELD_FRAME)) {
		pg->kind = 0;
		pg->pflags = 0;
		pg->has_page = false;
		pg->page = NULL;
		pg->mapcount = 0;
		pg->refcount = 0;
		pg->has_pincount = false;
		pg->pincount = 0;
	}
	if (!(w->fields & PTSCOPE_FIELD_COW))
		pg->cow = 0;
}

/* Hand one leaf (or hole) to the run being built; w->next moves past it. */
static int add(struct ptscope_walk *w, struct ptscope_page *pg)
{
	int ret;

	if (w->fields & PTSCOPE_FIELD_PLACE)
		describe_placement(w, pg);
	if (w->hide_phys)
		ptscope_page_hide_phys(pg);
	else if (w->fields & PTSCOPE_FIELD_FRAME)
		ptscope_page_find_owner(pg);
	if ((w->fields & PTSCOPE_FIELDS_DEFAULT) != PTSCOPE_FIELDS_DEFAULT)
		drop_unwanted(w, pg);
	if (pg->state == PTSCOPE_STATE_NONE && w->skip_none) {
		ret = flush(w);
		if (ret)
			return ret;
	} else if (w->have_run && continues(w, &w->run, pg)) {
		if (w->run.leaves == 1)
			w->run.entry_step = pg->entry - w->run.entry;
		w->run.leaves++;
		w->run.nr_pages += pg->nr_pages;
	} else {
		ret = flush(w);
		if (ret)
			return ret;
		w->run = *pg;
		w->run.entry_step = 0;
		w->run.leaves = 1;
		w->have_run = true;
	}
	w->next = pg->addr + pg->nr_pages * PAGE_SIZE;
	return 0;
}

/*
 * A walk of entries alone (no struct page read, runs asked for) describes
 * a PTE from its bits outside the frame and its VMA only (see
 * ptscope_describe_pte()). The leaf just described in this table, under
 * this VMA, joined or began w->run, so its bits outside the frame are the
 * run's (continues()); a next PTE with those same bits and the next frame
 * would describe as it did: it joins the run as add() would join it,
 * without a description. Hidden frames (hide_phys) leave the bits outside
 * the frame alone to compare, as continues() does. Not for entries that
 * take bits from their neighbours (arm64 contpte: the bit is outside the
 * frame, so the first entry tells for all); the raw entries must still step
 * evenly (see entry_step). Returns how many of the @n PTEs from @ptep (at
 * @addr) joined, in one pass; w->next is the caller's to move.
 * tests/guest/22-fields.sh compares the two ways page by page.
 */
static unsigned int join_entries(struct ptscope_walk *w, unsigned long addr, pte_t *ptep,
				 unsigned int n)
{
	struct ptscope_page *run = &w->run;
	u64 mask = ptscope_entry_frame_mask(), outside = run->entry & ~mask;
	unsigned int i;

	if (run->addr + run->nr_pages * PAGE_SIZE != addr ||
	    ptscope_pte_gathers(ptscope_ptep_get_raw(ptep)))
		return 0;
	for (i = 0; i < n; i++) {
		pte_t pte = ptscope_ptep_get_raw(ptep + i);
		u64 v = pte_val(pte);

		if ((v & ~mask) != outside)
			break;
		if (!w->hide_phys) {
			if (pte_pfn(pte) != run->pfn + run->nr_pages)
				break;
			if (run->leaves == 1)
				run->entry_step = v - run->entry;
			else if (v != run->entry + run->leaves * run->entry_step)
				break;
		}
		run->leaves++;
		run->nr_pages++;
	}
	return i;
}

/*
 * How many of the @n table entries from @p are all zero, eight at a test:
 * a sparse table costs little more than its populated entries, so the cost
 * of a walk follows them, not the size of the range. Plain reads are fine
 * for a scan: the caller rereads what it describes. Nonzero entries that
 * still count as none (x86's KNL erratum bits) are left to the caller's
 * pte_none()/pmd_none(); at least 1 is returned for an entry the caller
 * already found none.
 */
static unsigned int none_entries(const void *p, unsigned int n)
{
	const u64 *e = p;
	unsigned int i = 1;

	BUILD_BUG_ON(sizeof(pte_t) != sizeof(u64) || sizeof(pmd_t) != sizeof(u64) ||
		     sizeof(pud_t) != sizeof(u64));

	while (i + 8 <= n &&
	       !(e[i] | e[i + 1] | e[i + 2] | e[i + 3] | e[i + 4] | e[i + 5] | e[i + 6] | e[i + 7]))
		i += 8;
	while (i < n && !e[i])
		i++;
	return i;
}

/* Entries of the table level of @shift from @addr to @end (end in the same table). */
static unsigned int entries_to(unsigned long addr, unsigned long end, unsigned int shift)
{
	return ((end - 1) >> shift) - (addr >> shift) + 1;
}

static int add_none(struct ptscope_walk *w, unsigned long addr, unsigned long end)
{
	struct ptscope_page pg __uninitialized;	/* ptscope_page_init() sets it all */

	ptscope_page_init(&pg, addr, (end - addr) >> PAGE_SHIFT, PTSCOPE_LEVEL_PTE, 0);
	return add(w, &pg);
}

/*
 * One table entry's part of the walk, [d.addr, next) of a table walked up
 * to @end: the descent's hooks find the walk here.
 */
struct walk_step {
	struct ptscope_descent d;
	struct ptscope_walk *w;
	struct vm_area_struct *vma;
	unsigned long next;
	unsigned long end;
	unsigned int nones;	/* empty entries from d.addr's on, for the caller to skip */
};

static struct walk_step *step_of(struct ptscope_descent *d)
{
	return container_of(d, struct walk_step, d);
}

/*
 * The rest of a contiguous leaf (arm64 hugetlb between the levels): the
 * hardware sets the access and dirty bits in whichever of its @n entries
 * it used, so the leaf has them when any entry has (as huge_ptep_get()
 * gathers them); a non-present leaf (migration, hwpoison) repeats the
 * first page's entry in every slot, so its frame at @pg->addr is @offset
 * bytes further on. @first: the leaf's first entry, in the table locked.
 */
static void gather_contiguous(struct ptscope_page *pg, pte_t *first, unsigned int n,
			      unsigned long offset)
{
	unsigned int i;

	if (pg->state != PTSCOPE_STATE_PRESENT) {
		if (pg->has_pfn)
			pg->pfn += offset >> PAGE_SHIFT;
		return;
	}
	for (i = 0; i < n; i++) {
		pte_t pte = ptscope_ptep_get_raw(&first[i]);

		if (pte_young(pte))
			pg->flags |= PTSCOPE_ENTRY_YOUNG;
		if (pte_dirty(pte))
			pg->flags |= PTSCOPE_ENTRY(DIRTY);
	}
}

static int walk_pud_empty(struct ptscope_descent *d, pud_t *pudp, pud_t pud)
{
	struct walk_step *s = step_of(d);

	if (!pud_none(pud))
		return add_none(s->w, d->addr, s->next);	/* bad: never touched */
	s->nones = none_entries(pudp, entries_to(d->addr, s->end, PUD_SHIFT));
	return 0;
}

static int walk_pud_leaf(struct ptscope_descent *d, pud_t pud)
{
	struct ptscope_page pg __uninitialized;	/* ptscope_page_init() sets it all */
	struct walk_step *s = step_of(d);

	ptscope_describe_pud_leaf(s->vma, d->addr, pud, s->next, &pg, wants_frame(s->w));
	return add(s->w, &pg);
}

static int walk_pmd_range(struct ptscope_walk *w, struct vm_area_struct *vma,
			  pud_t *pudp, unsigned long addr, unsigned long end);

static int walk_pud_table(struct ptscope_descent *d, pud_t *pudp, pud_t pud)
{
	struct walk_step *s = step_of(d);

	return walk_pmd_range(s->w, s->vma, pudp, d->addr, s->next);
}

static int walk_pmd_empty(struct ptscope_descent *d, pmd_t *pmdp, pmd_t pmd)
{
	struct walk_step *s = step_of(d);

	if (!pmd_none(pmd))
		return add_none(s->w, d->addr, s->next);	/* bad: never touched */
	/* A run of empty entries is one hole, found in one scan. */
	s->nones = none_entries(pmdp, entries_to(d->addr, s->end, PMD_SHIFT));
	return 0;
}

static int walk_pmd_leaf(struct ptscope_descent *d, pmd_t pmd)
{
	struct ptscope_page pg __uninitialized;	/* ptscope_page_init() sets it all */
	struct walk_step *s = step_of(d);
	unsigned long addr = d->addr;
	unsigned long size = ptscope_leaf_size(s->vma, PMD_SIZE);
	unsigned long first = ALIGN_DOWN(addr, size);

	ptscope_describe_pmd_leaf(s->vma, addr & PMD_MASK, pmd, &pg, wants_frame(s->w));
	ptscope_page_hugetlb_table(&pg, d->pmdp);
	/* A contiguous leaf goes on over the next entries: one record. */
	if (size > PMD_SIZE) {
		gather_contiguous(&pg, (pte_t *)(d->pmdp - ((addr - first) >> PMD_SHIFT)),
				  size / PMD_SIZE, (addr & PMD_MASK) - first);
		pg.cont_order = ilog2(size / PMD_SIZE);
		s->next = min(s->end, first + size);
	}
	/* Part of a leaf when the range starts inside it. */
	pg.pfn += pg.has_pfn ? (addr - pg.addr) >> PAGE_SHIFT : 0;
	pg.nr_pages = (s->next - addr) >> PAGE_SHIFT;
	pg.addr = addr;
	return add(s->w, &pg);
}

/* The PTE table's entries of [d.addr, next), its lock held. */
static int walk_pte_table(struct ptscope_descent *d, pmd_t pmd, pte_t *ptep)
{
	struct ptscope_page pg __uninitialized;	/* ptscope_page_init() sets it all */
	struct walk_step *s = step_of(d);
	struct ptscope_walk *w = s->w;
	unsigned long addr, end = s->next;
	unsigned long cont = ptscope_leaf_size(s->vma, PAGE_SIZE);
	const bool frame = wants_frame(w);
	/* join_entries() may extend w->run: entries alone, in runs, no contiguous leaves. */
	const bool joins = !frame && w->runs && cont == PAGE_SIZE;
	bool joinable = false;	/* the last leaf, present, was described here and is w->run's */
	unsigned int described = 0, joined;
	int ret = 0;

	for (addr = d->addr; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t pte = ptscope_ptep_get_raw(ptep);

		/* Up to the next test for a waiting writer (none never joins). */
		joined = joinable ? join_entries(w, addr, ptep,
						 min(entries_to(addr, end, PAGE_SHIFT),
						     64 - described % 64)) : 0;
		if (joined) {
			/* As below: a writer waits, stop past them. */
			w->next = addr + joined * PAGE_SIZE;
			addr += (joined - 1) * PAGE_SIZE;
			ptep += joined - 1;
			described += joined;
			ret = !(described % 64) && mmap_lock_is_contended(w->mm) ? WALK_YIELD : 0;
		} else if (pte_none(pte)) {
			/* A hole is one record: find its end before describing it. */
			unsigned int k = none_entries(ptep, entries_to(addr, end, PAGE_SHIFT));

			ret = add_none(w, addr, addr + k * PAGE_SIZE);
			addr += (k - 1) * PAGE_SIZE;
			ptep += k - 1;
			joinable = false;
		} else {
			ptscope_describe_pte(s->vma, addr, pte, &pg, frame);
			ptscope_page_hugetlb_table(&pg, ptep);
			pg.flags |= ptscope_pte_gathered_flags(ptep);
			/* A contiguous leaf's entries after addr are the same page. */
			if (cont > PAGE_SIZE) {
				unsigned long first = ALIGN_DOWN(addr, cont);
				unsigned int k = (min(end, first + cont) - addr) >> PAGE_SHIFT;

				gather_contiguous(&pg, ptep - ((addr - first) >> PAGE_SHIFT),
						  cont >> PAGE_SHIFT, addr - first);
				pg.cont_order = ilog2(cont >> PAGE_SHIFT);
				pg.nr_pages = k;
				addr += (k - 1) * PAGE_SIZE;
				ptep += k - 1;
			}
			ret = add(w, &pg);
			joinable = joins && !ret && pg.state == PTSCOPE_STATE_PRESENT &&
				   w->have_run;
			/* A writer waits: stop here (w->next is past this page). */
			if (!ret && !(++described % 64) && mmap_lock_is_contended(w->mm))
				ret = WALK_YIELD;
		}
		if (ret)
			break;
	}
	w->budget -= min_t(unsigned int, w->budget, PTRS_PER_PTE);
	return ret;
}

static const struct ptscope_descent_ops walk_descent = {
	.on_pud_empty = walk_pud_empty,
	.on_pud_leaf = walk_pud_leaf,
	.on_pud_table = walk_pud_table,
	.on_pmd_empty = walk_pmd_empty,
	.on_pmd_leaf = walk_pmd_leaf,
	.on_pte_table = walk_pte_table,
};

static int walk_pmd_range(struct ptscope_walk *w, struct vm_area_struct *vma,
			  pud_t *pudp, unsigned long addr, unsigned long end)
{
	struct walk_step s = {
		.d = { .mm = w->mm, .vma = vma, .ops = &walk_descent },
		.w = w,
		.vma = vma,
		.end = end,
	};
	pmd_t *pmdp;
	int ret;

	pmdp = pmd_offset(pudp, addr);
	do {
		s.d.addr = addr;
		s.next = pmd_addr_end(addr, end);
		/* Spent, or a writer waits (and this chunk did something). */
		if (!w->budget ||
		    (w->budget < PTSCOPE_WALK_CHUNK && mmap_lock_is_contended(w->mm)))
			return WALK_YIELD;
		w->budget--;
		s.nones = 0;
		ret = ptscope_descend_pmd(&s.d, pmdp);
		/* A contiguous leaf took the entries up to s.next. */
		pmdp += ((s.next - 1) >> PMD_SHIFT) - (addr >> PMD_SHIFT);
		if (s.nones) {
			/* This entry and nones - 1 after it are empty: one hole. */
			w->budget -= min(w->budget, s.nones / 64);
			pmdp += s.nones - 1;
			s.next = min(end, (addr & PMD_MASK) + s.nones * PMD_SIZE);
			ret = add_none(w, addr, s.next);
		}
		if (ret)
			return ret;
	} while (pmdp++, addr = s.next, addr != end);
	return 0;
}

static int walk_pud_range(struct ptscope_walk *w, struct vm_area_struct *vma,
			  p4d_t *p4dp, unsigned long addr, unsigned long end)
{
	struct walk_step s = {
		.d = { .mm = w->mm, .vma = vma, .ops = &walk_descent },
		.w = w,
		.vma = vma,
		.end = end,
	};
	pud_t *pudp;
	int ret;

	pudp = pud_offset(p4dp, addr);
	do {
		s.d.addr = addr;
		s.next = pud_addr_end(addr, end);
		s.nones = 0;
		ret = ptscope_descend_pud(&s.d, pudp);
		if (s.nones) {
			pudp += s.nones - 1;
			s.next = min(end, (addr & PUD_MASK) + s.nones * PUD_SIZE);
			ret = add_none(w, addr, s.next);
		}
		if (ret)
			return ret;
	} while (pudp++, addr = s.next, addr != end);
	return 0;
}

static int walk_p4d_range(struct ptscope_walk *w, struct vm_area_struct *vma,
			  pgd_t *pgdp, unsigned long addr, unsigned long end)
{
	unsigned long next;
	p4d_t *p4dp, p4d;
	int ret;

	p4dp = p4d_offset(pgdp, addr);
	do {
		next = p4d_addr_end(addr, end);
		p4d = READ_ONCE(*p4dp);
		if (p4d_none(p4d) || !p4d_present(p4d) || p4d_bad(p4d))
			ret = add_none(w, addr, next);
		else
			ret = walk_pud_range(w, vma, p4dp, addr, next);
		if (ret)
			return ret;
	} while (p4dp++, addr = next, addr != end);
	return 0;
}

static int walk_vma(struct ptscope_walk *w, struct vm_area_struct *vma,
		    unsigned long addr, unsigned long end)
{
	struct address_space *shared;
	unsigned long next;
	pgd_t *pgdp, pgd;
	int ret = 0;

	shared = ptscope_lock_shared_tables(vma);
	pgdp = pgd_offset(w->mm, addr);
	do {
		next = pgd_addr_end(addr, end);
		pgd = READ_ONCE(*pgdp);
		if (pgd_none(pgd) || !pgd_present(pgd) || pgd_bad(pgd))
			ret = add_none(w, addr, next);
		else
			ret = walk_p4d_range(w, vma, pgdp, addr, next);
		if (ret)
			break;
	} while (pgdp++, addr = next, addr != end);
	ptscope_unlock_shared_tables(shared);
	return ret;
}

/* One chunk, mmap lock held: VMAs from w->next until the budget is spent. */
static int walk_chunk(struct ptscope_walk *w)
{
	struct vm_area_struct *vma;
	int ret;

	w->budget = PTSCOPE_WALK_CHUNK;
	while (w->next < w->end) {
		vma = find_vma(w->mm, w->next);
		if (!vma || vma->vm_start >= w->end) {
			w->next = w->end;
			break;
		}
		if (w->next < vma->vm_start)
			w->next = vma->vm_start;
		if (w->vma_ok && !w->vma_ok(w, vma))
			return -ESTALE;
		ret = walk_vma(w, vma, w->next, min(vma->vm_end, w->end));
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * A reader may take the mmap lock ahead of a writer already waiting for
 * it (rwsem lock stealing), so unlocking alone does not let a writer in
 * before the next chunk. Give the waiters a moment (1 ms at most) to be
 * served first.
 */
static void let_writers_in(struct mm_struct *mm)
{
	int i;

	for (i = 0; i < 20 && mmap_lock_is_contended(mm); i++)
		usleep_range(20, 50);
	cond_resched();
}

int ptscope_run_chunks(struct mm_struct *mm, const unsigned long *next, unsigned long end,
		       int (*chunk)(void *arg), void *arg)
{
	int ret;

	while (*next < end) {
		ret = mmap_read_lock_killable(mm);
		if (ret)
			return ret;
		ret = chunk(arg);
		mmap_read_unlock(mm);
		if (ret < 0)
			return ret;
		if (ret > 0) {
			let_writers_in(mm);
			if (fatal_signal_pending(current))
				return -EINTR;
		}
	}
	return 0;
}

static int walk_chunk_of(void *w)
{
	return walk_chunk(w);
}

int ptscope_walk(struct ptscope_walk *w)
{
	int ret;

	/* A range that ends inside a page would make a record of no pages. */
	if (WARN_ON_ONCE(!PAGE_ALIGNED(w->next) || !PAGE_ALIGNED(w->end)))
		return -EINVAL;
	if (!w->fields)
		w->fields = PTSCOPE_FIELDS_DEFAULT;
	ret = ptscope_run_chunks(w->mm, &w->next, w->end, walk_chunk_of, w);
	if (ret) {
		w->have_run = false;
		return ret;
	}
	return flush(w);
}
