// SPDX-License-Identifier: GPL-2.0
/*
 * Walk a range of another process's page tables and describe every leaf:
 * its state, frame, raw entry, decoded bits, cache mode and what backs the
 * frame. Records go to an emit callback as they are found (runs merged on
 * request), so nothing proportional to the range is ever held.
 *
 * Locking, as for xlate (see xlate.c): mmap read lock for the VMAs and the
 * upper tables; leaves of PMD/PUD size re-read under their lock; PTE tables
 * entered under RCU with the PMD rechecked under the PTE lock, and described
 * while that lock is held, so a mapped page cannot be freed under us.
 * The mmap lock is dropped every PTSCOPE_WALK_CHUNK entries, and within 64
 * pages as soon as a writer of the target (mmap, munmap, mprotect) waits
 * for it; the writer then goes first (let_writers_in).
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/ksm.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/page_ref.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <asm/memtype.h>

#include "ptscope.h"
#include "compat.h"

/* Entries visited per hold of the mmap lock. */
#define PTSCOPE_WALK_CHUNK 2048

/* Positive: the chunk's budget is spent; unlock, let writers in, go on. */
#define WALK_YIELD 1

/* PWT | PCD << 1 | PAT << 2 -> enum page_cache_mode, built from the kernel. */
static u8 cache_mode_of_bits[8];

static unsigned int cache_bits(u64 v, u64 pat_bit)
{
	return (v & _PAGE_PWT ? 1 : 0) | (v & _PAGE_PCD ? 2 : 0) | (v & pat_bit ? 4 : 0);
}

void ptscope_walk_init(void)
{
	bool seen[8] = { };
	int pcm;

	for (pcm = 0; pcm < _PAGE_CACHE_MODE_NUM; pcm++) {
		unsigned long v = cachemode2protval(pcm);
		unsigned int idx = cache_bits(v, _PAGE_PAT);

		/* Without PAT several modes share bits: the first (strongest) wins. */
		if (!seen[idx]) {
			seen[idx] = true;
			cache_mode_of_bits[idx] = pcm;
		}
	}
}

static u32 cache_mode(u64 v, bool large)
{
	return cache_mode_of_bits[cache_bits(v, large ? _PAGE_PAT_LARGE : _PAGE_PAT)];
}

static bool same_record(const struct ptscope_page *a, const struct ptscope_page *b)
{
	return a->level == b->level && a->state == b->state && a->flags == b->flags &&
	       a->kind == b->kind && a->pflags == b->pflags && a->cache == b->cache &&
	       a->cow == b->cow && a->pkey == b->pkey &&
	       a->mapcount == b->mapcount && a->refcount == b->refcount &&
	       a->has_pincount == b->has_pincount && a->pincount == b->pincount &&
	       a->has_res == b->has_res && a->res_flags == b->res_flags &&
	       a->res_desc == b->res_desc &&
	       a->has_pfn == b->has_pfn && a->swap_type == b->swap_type;
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
	if (run->has_pfn && pg->pfn != run->pfn + run->nr_pages)
		return false;
	if (run->state == PTSCOPE_STATE_SWAP &&
	    pg->swap_offset != run->swap_offset + run->nr_pages)
		return false;
	/* Present leaves differ in their frame bits only; see entry_step. */
	if (run->state == PTSCOPE_STATE_PRESENT &&
	    (pg->entry ^ run->entry) & ~PTE_PFN_MASK)
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

/* Hand one leaf (or hole) to the run being built; w->next moves past it. */
static int add(struct ptscope_walk *w, const struct ptscope_page *pg)
{
	int ret;

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
 * Start a record: every field set, one by one. This runs once per page,
 * and a memset() of the whole record compiles to a string instruction that
 * costs more than the rest of the description on some machines (and under
 * QEMU's TCG, where the tests run, several times more).
 */
static void page_init(struct ptscope_page *pg, unsigned long addr, u64 nr_pages, u32 level,
		      u64 entry)
{
	pg->addr = addr;
	pg->nr_pages = nr_pages;
	pg->pfn = 0;
	pg->entry = entry;
	pg->flags = 0;
	pg->swap_offset = 0;
	pg->level = level;
	pg->state = PTSCOPE_STATE_NONE;
	pg->kind = 0;
	pg->pflags = 0;
	pg->cache = 0;
	pg->swap_type = 0;
	pg->cow = 0;
	pg->pkey = 0;
	pg->mapcount = 0;
	pg->refcount = 0;
	pg->pincount = 0;
	pg->res_desc = 0;
	pg->res_flags = 0;
	pg->entry_step = 0;
	pg->leaves = 1;
	pg->has_pfn = false;
	pg->has_page = false;
	pg->has_pincount = false;
	pg->has_res = false;
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
	struct ptscope_page pg __uninitialized;	/* page_init() sets it all */

	page_init(&pg, addr, (end - addr) >> PAGE_SHIFT, PTSCOPE_LEVEL_PTE, 0);
	return add(w, &pg);
}

static bool is_shmem_vma(struct vm_area_struct *vma)
{
	return vma->vm_file && file_inode(vma->vm_file)->i_sb->s_magic == TMPFS_MAGIC;
}

/*
 * What backs a present frame. Called with the leaf's lock held: the page
 * stays mapped, so its struct page and folio are stable while we look.
 * Returns the struct page, if the frame has one in use.
 */
static struct page *describe_backing(struct vm_area_struct *vma, struct ptscope_page *pg,
				     bool special, bool huge_leaf)
{
	struct folio *folio;
	struct page *page;

	pg->kind = PTSCOPE_KIND_OTHER;
	if (is_zero_pfn(pg->pfn)) {
		/* Mapped as special, but it has a struct page all the same. */
		page = pfn_to_online_page(pg->pfn);
		pg->kind = PTSCOPE_KIND_ZERO_PAGE;
	} else if (special || (vma->vm_flags & VM_PFNMAP)) {
		page = NULL;
	} else {
		page = pfn_to_online_page(pg->pfn);
	}
	if (!page) {
		if (pg->kind == PTSCOPE_KIND_ZERO_PAGE)
			return NULL;
		pg->kind = page_is_ram(pg->pfn) ? PTSCOPE_KIND_PFNMAP :
						  PTSCOPE_KIND_NOT_RAM;
		/* Device memory, usually: who owns the frame (a PCI BAR...). */
		pg->has_res = ptscope_resource_of(PFN_PHYS(pg->pfn), &pg->res_flags,
						  &pg->res_desc);
		return NULL;
	}

	pg->has_page = true;
	pg->mapcount = ptscope_page_mapcount(page);
	pg->refcount = page_count(page);
	if (pg->kind == PTSCOPE_KIND_ZERO_PAGE)
		return page;
	folio = page_folio(page);
	if (folio_maybe_dma_pinned(folio))
		pg->pflags |= PTSCOPE_PAGE(PINNED);
	if (folio_test_large(folio)) {
		pg->pincount = ptscope_folio_pincount(folio);
		pg->has_pincount = true;
	}
	if (PageHuge(page)) {
		pg->kind = PTSCOPE_KIND_HUGETLB;
		return page;
	}
	if (PageTransCompound(page))
		pg->pflags |= PTSCOPE_PAGE(THP);
	if (PageKsm(page)) {
		pg->kind = PTSCOPE_KIND_KSM;
	} else if (PageAnon(page)) {
		pg->kind = PTSCOPE_KIND_ANON;
		if (PageAnonExclusive(page))
			pg->pflags |= PTSCOPE_PAGE(ANON_EXCLUSIVE);
	} else if (huge_leaf && vma_is_anonymous(vma)) {
		/* Not anon, in an anonymous VMA, mapped by a PMD: the huge zero page. */
		pg->kind = PTSCOPE_KIND_HUGE_ZERO_PAGE;
	} else if (vma->vm_file) {
		pg->kind = is_shmem_vma(vma) ? PTSCOPE_KIND_SHMEM : PTSCOPE_KIND_FILE;
	}
	return page;
}

static void describe_frame(struct vm_area_struct *vma, struct ptscope_page *pg,
			   bool special, bool huge_leaf)
{
	struct page *page = describe_backing(vma, pg, special, huge_leaf);

	pg->cow = ptscope_cow_state(vma, pg, page);
	/* Bits 59-62 at every level that maps a page. */
	pg->pkey = pte_flags_pkey(pg->entry);
}

/* A non-present, non-empty entry: what the swap-entry encoding says. */
static void describe_swp(swp_entry_t e, struct ptscope_page *pg)
{
	if (is_pte_marker_entry(e)) {
		pg->state = PTSCOPE_STATE_MARKER;
	} else if (is_migration_entry(e)) {
		pg->state = PTSCOPE_STATE_MIGRATION;
		pg->pfn = swp_offset_pfn(e);
		pg->has_pfn = true;
	} else if (is_device_private_entry(e) || is_device_exclusive_entry(e)) {
		pg->state = PTSCOPE_STATE_DEVICE_PRIVATE;
		pg->pfn = swp_offset_pfn(e);
		pg->has_pfn = true;
	} else if (is_hwpoison_entry(e)) {
		pg->state = PTSCOPE_STATE_HWPOISON;
		pg->pfn = swp_offset_pfn(e);
		pg->has_pfn = true;
	} else if (non_swap_entry(e)) {
		pg->state = PTSCOPE_STATE_OTHER;
	} else {
		pg->state = PTSCOPE_STATE_SWAP;
		pg->swap_type = swp_type(e);
		pg->swap_offset = swp_offset(e);
	}
}

static void describe_pte(struct vm_area_struct *vma, unsigned long addr, pte_t pte,
			 struct ptscope_page *pg)
{
	page_init(pg, addr, 1, PTSCOPE_LEVEL_PTE, pte_val(pte));
	pg->flags = ptscope_entry_hw_flags(pte_val(pte), false) | ptscope_pte_sw_flags(pte);
	if (pte_none(pte)) {
		pg->state = PTSCOPE_STATE_NONE;
	} else if (pte_present(pte)) {
		pg->state = PTSCOPE_STATE_PRESENT;
		pg->pfn = pte_pfn(pte);
		pg->has_pfn = true;
		pg->cache = cache_mode(pte_val(pte), false);
		describe_frame(vma, pg, pte_special(pte), false);
	} else {
		describe_swp(pte_to_swp_entry(pte), pg);
	}
}

static void describe_pmd_leaf(struct vm_area_struct *vma, unsigned long addr,
			      pmd_t pmd, struct ptscope_page *pg)
{
	page_init(pg, addr, PMD_SIZE >> PAGE_SHIFT, PTSCOPE_LEVEL_PMD, pmd_val(pmd));
	pg->flags = ptscope_entry_hw_flags(pmd_val(pmd), true);
	if (pmd_present(pmd)) {
		pg->flags |= ptscope_pmd_sw_flags(pmd);
		pg->state = PTSCOPE_STATE_PRESENT;
		pg->pfn = pmd_pfn(pmd);
		pg->has_pfn = true;
		pg->cache = cache_mode(pmd_val(pmd), true);
		describe_frame(vma, pg, false, true);
	} else {
		describe_swp(pmd_to_swp_entry(pmd), pg);
	}
}

static int walk_pte_table(struct ptscope_walk *w, struct vm_area_struct *vma,
			  pmd_t *pmdp, pmd_t pmd, unsigned long addr, unsigned long end)
{
	struct ptscope_page pg __uninitialized;	/* page_init() sets it all */
	spinlock_t *ptl;	/* the PTE table's */
	unsigned int described = 0;
	pte_t *ptep;
	int ret = 0;

	rcu_read_lock();
	ptep = pte_offset_kernel(&pmd, addr);
	ptl = pte_lockptr(w->mm, &pmd);
	spin_lock(ptl);
	if (!pmd_same(pmd, pmdp_get_lockless(pmdp))) {
		/* Collapsed or freed meanwhile: the caller reads the PMD again. */
		ret = -EAGAIN;
		goto out;
	}
	for (; addr < end; addr += PAGE_SIZE, ptep++) {
		pte_t pte = ptep_get(ptep);

		if (pte_none(pte)) {
			/* A hole is one record: find its end before describing it. */
			unsigned int k = none_entries(ptep, entries_to(addr, end, PAGE_SHIFT));

			ret = add_none(w, addr, addr + k * PAGE_SIZE);
			addr += (k - 1) * PAGE_SIZE;
			ptep += k - 1;
		} else {
			describe_pte(vma, addr, pte, &pg);
			ret = add(w, &pg);
			/* A writer waits: stop here (w->next is past this page). */
			if (!ret && !(++described % 64) && mmap_lock_is_contended(w->mm))
				ret = WALK_YIELD;
		}
		if (ret)
			break;
	}
	w->budget -= min_t(unsigned int, w->budget, PTRS_PER_PTE);
out:
	spin_unlock(ptl);
	rcu_read_unlock();
	return ret;
}

static int walk_pmd_range(struct ptscope_walk *w, struct vm_area_struct *vma,
			  pud_t *pudp, unsigned long addr, unsigned long end)
{
	unsigned long next;
	unsigned int tries;
	struct ptscope_page pg __uninitialized;	/* page_init() sets it all */
	spinlock_t *ptl;	/* a PMD leaf's */
	pmd_t *pmdp, pmd;
	int ret;

	pmdp = pmd_offset(pudp, addr);
	do {
		next = pmd_addr_end(addr, end);
		/* Spent, or a writer waits (and this chunk did something). */
		if (!w->budget ||
		    (w->budget < PTSCOPE_WALK_CHUNK && mmap_lock_is_contended(w->mm)))
			return WALK_YIELD;
		w->budget--;
		tries = 0;
again:
		if (++tries > 100)
			return -EAGAIN;	/* a PMD that will not settle: give up */
		pmd = pmdp_get_lockless(pmdp);
		if (pmd_none(pmd)) {
			/* A run of empty entries is one hole, found in one scan. */
			unsigned int k = none_entries(pmdp, entries_to(addr, end, PMD_SHIFT));

			w->budget -= min(w->budget, k / 64);
			pmdp += k - 1;
			next = min(end, (addr & PMD_MASK) + k * PMD_SIZE);
			ret = add_none(w, addr, next);
		} else if (pmd_leaf(pmd) || pmd_trans_huge(pmd) || pmd_devmap(pmd) ||
			   !pmd_present(pmd)) {
			/* A huge leaf or a migration entry for one: re-read it locked. */
			ptl = pmd_lock(w->mm, pmdp);
			pmd = *pmdp;
			if (pmd_none(pmd) || (pmd_present(pmd) && !pmd_leaf(pmd) &&
					      !pmd_trans_huge(pmd) && !pmd_devmap(pmd))) {
				spin_unlock(ptl);
				goto again;	/* split or zapped while we waited */
			}
			describe_pmd_leaf(vma, addr & PMD_MASK, pmd, &pg);
			/* Part of a leaf when the range starts inside it. */
			pg.pfn += pg.has_pfn ? (addr - pg.addr) >> PAGE_SHIFT : 0;
			pg.nr_pages = (next - addr) >> PAGE_SHIFT;
			pg.addr = addr;
			ret = add(w, &pg);
			spin_unlock(ptl);
		} else if (pmd_bad(pmd)) {
			ret = add_none(w, addr, next);	/* never touch a bad entry */
		} else {
			ret = walk_pte_table(w, vma, pmdp, pmd, addr, next);
			if (ret == -EAGAIN)
				goto again;
		}
		if (ret)
			return ret;
	} while (pmdp++, addr = next, addr != end);
	return 0;
}

static int walk_pud_range(struct ptscope_walk *w, struct vm_area_struct *vma,
			  p4d_t *p4dp, unsigned long addr, unsigned long end)
{
	struct ptscope_page pg __uninitialized;	/* page_init() sets it all */
	unsigned long next;
	spinlock_t *ptl;	/* a PUD leaf's */
	pud_t *pudp, pud;
	int ret;

	pudp = pud_offset(p4dp, addr);
	do {
		next = pud_addr_end(addr, end);
		pud = READ_ONCE(*pudp);
		if (pud_leaf(pud)) {
			ptl = pud_lock(w->mm, pudp);
			pud = READ_ONCE(*pudp);
			if (pud_leaf(pud)) {
				page_init(&pg, addr, (next - addr) >> PAGE_SHIFT, PTSCOPE_LEVEL_PUD,
					  pud_val(pud));
				pg.flags = ptscope_entry_hw_flags(pud_val(pud), true);
				pg.state = PTSCOPE_STATE_PRESENT;
				pg.pfn = pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT);
				pg.has_pfn = true;
				pg.cache = cache_mode(pud_val(pud), true);
				describe_frame(vma, &pg, false, true);
				ret = add(w, &pg);
				spin_unlock(ptl);
				goto next;
			}
			spin_unlock(ptl);
		}
		if (pud_none(pud)) {
			unsigned int k = none_entries(pudp, entries_to(addr, end, PUD_SHIFT));

			pudp += k - 1;
			next = min(end, (addr & PUD_MASK) + k * PUD_SIZE);
			ret = add_none(w, addr, next);
		} else if (!pud_present(pud) || pud_bad(pud)) {
			ret = add_none(w, addr, next);
		} else {
			ret = walk_pmd_range(w, vma, pudp, addr, next);
		}
next:
		if (ret)
			return ret;
	} while (pudp++, addr = next, addr != end);
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
	struct address_space *shared = NULL;
	unsigned long next;
	pgd_t *pgdp, pgd;
	int ret = 0;

	/*
	 * hugetlb may share PMD tables between processes; unsharing happens
	 * under i_mmap_rwsem, so hold it (order: mmap_lock, i_mmap, ptl).
	 */
	if (is_vm_hugetlb_page(vma) && (vma->vm_flags & VM_MAYSHARE) && vma->vm_file) {
		shared = vma->vm_file->f_mapping;
		i_mmap_lock_read(shared);
	}
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
	if (shared)
		i_mmap_unlock_read(shared);
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

int ptscope_walk(struct ptscope_walk *w)
{
	int ret;

	while (w->next < w->end) {
		ret = mmap_read_lock_killable(w->mm);
		if (ret)
			return ret;
		ret = walk_chunk(w);
		mmap_read_unlock(w->mm);
		if (ret < 0) {
			w->have_run = false;
			return ret;
		}
		if (ret == WALK_YIELD) {
			let_writers_in(w->mm);
			if (fatal_signal_pending(current))
				return -EINTR;
		}
	}
	return flush(w);
}

/* As ptscope_xlate_hide_phys(), for a WALK record. */
void ptscope_page_hide_phys(struct ptscope_page *pg)
{
	pg->has_res = false;	/* which resource owns it says where it is */
	pg->res_flags = 0;
	pg->res_desc = 0;
	if (!pg->has_pfn)
		return;		/* swap entries keep their offsets, as in pagemap */
	pg->pfn = 0;
	/* A present run's step is all frame bits (see continues()): gone too. */
	pg->entry_step = 0;
	if (pg->state == PTSCOPE_STATE_PRESENT)
		pg->entry &= ~PTE_PFN_MASK;
	else
		pg->entry = 0;	/* the frame is encoded all over a swap-style entry */
}
