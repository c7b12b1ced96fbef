// SPDX-License-Identifier: GPL-2.0
/*
 * TABLES: the page-table pages of a range of another process, what each
 * costs and how full it is. Tables are found as the walker finds leaves,
 * by descending inside VMAs under the mmap read lock (outside a VMA a
 * table may be freed under the read lock: see ptscope_xlate()), and each
 * is reported once, when the walk first enters it.
 *
 * Locking: the mmap read lock keeps the VMAs and, while a VMA uses them,
 * the PGD, P4D, PUD and PMD tables above it; their entries are counted
 * with READ_ONCE (a snapshot, like /proc/PID/smaps). A shared hugetlb
 * VMA's PMD tables also need the file's i_mmap lock (unsharing happens
 * under it). PTE tables may go away under the read lock (collapse, since
 * 6.5), so they are counted inside the locked descent (descend.c): RCU,
 * the PTE lock, the PMD rechecked. Nothing is written, nothing allocated.
 *
 * The mmap lock is dropped every TABLES_CHUNK entries read (a VMA counts
 * as one), and sooner when a writer waits for it, at a PMD entry or before
 * a VMA is entered; which tables were reported is kept per level
 * (reported()), across messages in the cursor.
 */
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/sched/signal.h>

#include "ptscope.h"
#include "arch.h"
#include "compat.h"

/* Entries read per hold of the mmap lock: a few PTE tables. */
#define TABLES_CHUNK (8 * PTRS_PER_PTE)

/* Positive: the chunk's budget is spent; unlock, let writers in, go on. */
#define TABLES_YIELD 1

/* The first address of the table of @level that maps @addr. */
static unsigned long table_start(u32 level, unsigned long addr)
{
	switch (level) {
	case PTSCOPE_LEVEL_PTE:
		return addr & PMD_MASK;
	case PTSCOPE_LEVEL_PMD:
		return addr & ~((unsigned long)PTRS_PER_PMD * PMD_SIZE - 1);
	case PTSCOPE_LEVEL_PUD:
		return addr & ~((unsigned long)PTRS_PER_PUD * PUD_SIZE - 1);
	case PTSCOPE_LEVEL_P4D:
		return addr & ~((unsigned long)PTRS_PER_P4D * P4D_SIZE - 1);
	default:
		return 0;
	}
}

/*
 * Whether the table of @level that maps from @ts was reported. The walk
 * only moves up the address space, so a table is the last one reported at
 * its level or a new one: exact whatever the target maps or unmaps between
 * chunks (a table mremap() moved may be met again at its new address).
 */
static bool reported(const struct ptscope_tables *t, u32 level, unsigned long ts)
{
	return (t->have & BIT(level)) && t->last[level] == ts;
}

static void mark_reported(struct ptscope_tables *t, u32 level, unsigned long ts)
{
	t->have |= BIT(level);
	t->last[level] = ts;
}

/* Entries for user addresses in a table from @ts whose entries map @span bytes each. */
static unsigned int user_entries(unsigned long ts, unsigned long span, unsigned int ptrs)
{
	unsigned long left = DIV_ROUND_UP(ptscope_arch_user_addr_max() - ts, span);

	return min_t(unsigned long, left, ptrs);
}

/*
 * Count the first @n entries of an upper table whose entries are of
 * @kind (the level the kernel reads them as: the top table of a machine
 * with folded levels holds the first unfolded level's entries). Leaves:
 * huge mappings, and the swap-style entries that stand for them.
 */
static void count_upper(const void *table, unsigned int n, u32 kind,
			struct ptscope_table_rec *r)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		bool none, leaf = false;

		switch (kind) {
		case PTSCOPE_LEVEL_PGD:
			none = pgd_none(READ_ONCE(((const pgd_t *)table)[i]));
			break;
		case PTSCOPE_LEVEL_P4D:
			none = p4d_none(READ_ONCE(((const p4d_t *)table)[i]));
			break;
		case PTSCOPE_LEVEL_PUD: {
			pud_t pud = READ_ONCE(((const pud_t *)table)[i]);

			none = pud_none(pud);
			leaf = !none && (ptscope_pud_is_leaf(pud) || !pud_present(pud));
			break;
		}
		default: {	/* PTSCOPE_LEVEL_PMD */
			pmd_t pmd = pmdp_get_lockless((pmd_t *)table + i);

			none = pmd_none(pmd);
			leaf = !none && (!pmd_present(pmd) || pmd_leaf(pmd) ||
					 pmd_trans_huge(pmd) || ptscope_pmd_devmap(pmd));
			break;
		}
		}
		r->used += !none;
		r->leaves += leaf;
	}
}

static void rec_init(struct ptscope_tables *t, struct ptscope_table_rec *r, u32 level,
		     const void *table, unsigned long ts, unsigned int entries)
{
	memset(r, 0, sizeof(*r));
	r->level = level;
	r->addr = ts;
	r->entries = entries;
	r->phys = t->hide_phys ? 0 : __pa(table);
	t->budget -= min(t->budget, entries);
}

/* Hand @r on; when the message is full, the walk resumes at @cur with @r. */
static int emit(struct ptscope_tables *t, const struct ptscope_table_rec *r, unsigned long cur)
{
	int ret = t->emit(t, r);

	if (ret)
		t->next = cur;
	else
		mark_reported(t, r->level, r->addr);
	return ret;
}

/* An upper table (not PTE) entered at @cur. */
static int enter_upper(struct ptscope_tables *t, u32 level, u32 kind, const void *table,
		       unsigned long ts, unsigned long cur, unsigned int entries, u32 flags)
{
	struct ptscope_table_rec r;

	if (reported(t, level, ts))
		return 0;
	rec_init(t, &r, level, table, ts, entries);
	r.flags = flags;
	count_upper(table, entries, kind, &r);
	return emit(t, &r, cur);
}

/* The descent into one PMD entry: where the PTE table's record is made. */
struct tables_step {
	struct ptscope_descent d;
	struct ptscope_tables *t;
	struct ptscope_table_rec r;
	bool counted;
};

/* RCU and the PTE lock held, the PMD rechecked: the table cannot go away. */
static int tables_pte_table(struct ptscope_descent *d, pmd_t pmd, pte_t *ptep)
{
	struct tables_step *s = container_of(d, struct tables_step, d);
	pte_t *base = ptep - pte_index(d->addr);
	unsigned long ts = d->addr & PMD_MASK;
	unsigned int i;

	rec_init(s->t, &s->r, PTSCOPE_LEVEL_PTE, base, ts,
		 user_entries(ts, PAGE_SIZE, PTRS_PER_PTE));
	/* Swap, migration entries and markers are leaves too: all but none. */
	for (i = 0; i < s->r.entries; i++)
		s->r.used += !pte_none(ptscope_ptep_get_raw(base + i));
	s->r.leaves = s->r.used;
	s->counted = true;
	return 0;
}

static int tables_pmd_empty(struct ptscope_descent *d, pmd_t *pmdp, pmd_t pmd)
{
	return 0;
}

static int tables_pmd_leaf(struct ptscope_descent *d, pmd_t pmd)
{
	return 0;	/* turned into a leaf since the check: no PTE table */
}

/* Only PMD entries are descended through here: no PUD hooks. */
static const struct ptscope_descent_ops tables_descent = {
	.on_pmd_empty = tables_pmd_empty,
	.on_pmd_leaf = tables_pmd_leaf,
	.on_pte_table = tables_pte_table,
};

/* A PMD entry that points to a PTE table (or is bad: the descent says none). */
static bool pmd_is_table(pmd_t pmd)
{
	return !pmd_none(pmd) && pmd_present(pmd) && !pmd_leaf(pmd) && !pmd_trans_huge(pmd) &&
	       !ptscope_pmd_devmap(pmd);
}

static int tables_pmd_range(struct ptscope_tables *t, struct vm_area_struct *vma, pud_t pud,
			    unsigned long addr, unsigned long end)
{
	struct tables_step s = {
		.d = { .mm = t->mm, .vma = vma, .ops = &tables_descent },
		.t = t,
	};
	unsigned long ts = table_start(PTSCOPE_LEVEL_PMD, addr);
	pmd_t *pmdp = pmd_offset(&pud, addr);	/* the PUD as checked by the caller */
	pmd_t *base = pmdp - pmd_index(addr);
	u32 flags = 0;
	int ret;

	/*
	 * Unsharing takes the i_mmap lock for writing, so with it held for
	 * reading a shared table stays shared (another process may start
	 * sharing it meanwhile: the flag is a snapshot).
	 */
	if (is_vm_hugetlb_page(vma) && hugetlb_pmd_shared((pte_t *)base))
		flags |= PTSCOPE_TABLE_SHARED;
	ret = enter_upper(t, PTSCOPE_LEVEL_PMD, PTSCOPE_LEVEL_PMD, base, ts, addr,
			  user_entries(ts, PMD_SIZE, PTRS_PER_PMD), flags);
	if (ret)
		return ret;
	for (; addr != end; pmdp++, addr = pmd_addr_end(addr, end)) {
		if (!t->budget || (t->budget < TABLES_CHUNK && mmap_lock_is_contended(t->mm))) {
			t->next = addr;
			return TABLES_YIELD;
		}
		if (t->budget)
			t->budget--;
		if (!pmd_is_table(pmdp_get_lockless(pmdp)) ||
		    reported(t, PTSCOPE_LEVEL_PTE, table_start(PTSCOPE_LEVEL_PTE, addr)))
			continue;
		s.d.addr = addr;
		s.counted = false;
		ret = ptscope_descend_pmd(&s.d, pmdp);
		if (!ret && s.counted)
			ret = emit(t, &s.r, addr);
		if (ret)
			return ret;
	}
	return 0;
}

static int tables_pud_range(struct ptscope_tables *t, struct vm_area_struct *vma,
			    p4d_t *p4dp, unsigned long addr, unsigned long end)
{
	unsigned long next, ts = table_start(PTSCOPE_LEVEL_PUD, addr);
	pud_t *pudp = pud_offset(p4dp, addr);
	pud_t pud;
	int ret;

	if (!mm_pud_folded(t->mm)) {
		ret = enter_upper(t, PTSCOPE_LEVEL_PUD, PTSCOPE_LEVEL_PUD, pudp - pud_index(addr),
				  ts, addr, user_entries(ts, PUD_SIZE, PTRS_PER_PUD), 0);
		if (ret)
			return ret;
	}
	do {
		next = pud_addr_end(addr, end);
		pud = READ_ONCE(*pudp);
		if (pud_none(pud) || !pud_present(pud) || ptscope_pud_is_leaf(pud) ||
		    pud_bad(pud))
			continue;	/* no PMD table: never touch a bad entry */
		ret = tables_pmd_range(t, vma, pud, addr, next);
		if (ret)
			return ret;
	} while (pudp++, addr = next, addr != end);
	return 0;
}

static int tables_p4d_range(struct ptscope_tables *t, struct vm_area_struct *vma,
			    pgd_t *pgdp, unsigned long addr, unsigned long end)
{
	p4d_t *p4dp = p4d_offset(pgdp, addr);
	unsigned long next, ts;
	p4d_t p4d;
	int ret;

	if (!mm_p4d_folded(t->mm)) {
		ts = table_start(PTSCOPE_LEVEL_P4D, addr);
		ret = enter_upper(t, PTSCOPE_LEVEL_P4D, PTSCOPE_LEVEL_P4D,
				  p4dp - ptscope_p4d_index(addr), ts, addr,
				  user_entries(ts, P4D_SIZE, PTRS_PER_P4D), 0);
		if (ret)
			return ret;
	}
	do {
		next = p4d_addr_end(addr, end);
		p4d = READ_ONCE(*p4dp);
		if (p4d_none(p4d) || !p4d_present(p4d) || p4d_bad(p4d))
			continue;
		ret = tables_pud_range(t, vma, p4dp, addr, next);
		if (ret)
			return ret;
	} while (p4dp++, addr = next, addr != end);
	return 0;
}

/*
 * The top table's entry for @addr and the level its entries are read as:
 * the first level the kernel does not fold (see ptscope_xlate()).
 */
static void *top_entry(struct mm_struct *mm, unsigned long addr, u32 *kind)
{
	pgd_t *pgdp = pgd_offset(mm, addr);
	p4d_t *p4dp;

	*kind = PTSCOPE_LEVEL_PGD;
	if (!mm_p4d_folded(mm))
		return pgdp;
	*kind = PTSCOPE_LEVEL_P4D;
	p4dp = p4d_offset(pgdp, addr);
	if (!mm_pud_folded(mm))
		return p4dp;
	*kind = PTSCOPE_LEVEL_PUD;
	return pud_offset(p4dp, addr);
}

/* The top table: reported as PGD whatever the level of its entries. */
static int enter_top(struct ptscope_tables *t, unsigned long cur)
{
	u64 *last;
	u32 kind;

	BUILD_BUG_ON(sizeof(pgd_t) != sizeof(u64) || sizeof(p4d_t) != sizeof(u64) ||
		     sizeof(pud_t) != sizeof(u64));
	last = top_entry(t->mm, ptscope_arch_user_addr_max() - 1, &kind);
	return enter_upper(t, PTSCOPE_LEVEL_PGD, kind, t->mm->pgd, 0, cur,
			   last - (u64 *)t->mm->pgd + 1, 0);
}

static int tables_vma(struct ptscope_tables *t, struct vm_area_struct *vma,
		      unsigned long addr, unsigned long end)
{
	struct address_space *shared;
	unsigned long next;
	pgd_t *pgdp, pgd;
	int ret;

	shared = ptscope_lock_shared_tables(vma);
	ret = enter_top(t, addr);
	if (ret)
		goto out;
	pgdp = pgd_offset(t->mm, addr);
	do {
		next = pgd_addr_end(addr, end);
		pgd = READ_ONCE(*pgdp);
		if (pgd_none(pgd) || !pgd_present(pgd) || pgd_bad(pgd))
			continue;
		ret = tables_p4d_range(t, vma, pgdp, addr, next);
		if (ret)
			break;
	} while (pgdp++, addr = next, addr != end);
out:
	ptscope_unlock_shared_tables(shared);
	return ret;
}

/* One chunk, mmap lock held: VMAs from t->next until the budget is spent. */
static int tables_chunk(struct ptscope_tables *t)
{
	struct vm_area_struct *vma;
	int ret;

	t->budget = TABLES_CHUNK;
	while (t->next < t->end) {
		vma = find_vma(t->mm, t->next);
		if (!vma || vma->vm_start >= t->end) {
			t->next = t->end;
			break;
		}
		if (t->next < vma->vm_start)
			t->next = vma->vm_start;
		/* A VMA costs a lookup even without tables: many must not hold the lock. */
		if (!t->budget || (t->budget < TABLES_CHUNK && mmap_lock_is_contended(t->mm)))
			return TABLES_YIELD;
		t->budget--;
		ret = tables_vma(t, vma, t->next, min(vma->vm_end, t->end));
		if (ret)
			return ret;
		t->next = min(vma->vm_end, t->end);
	}
	return 0;
}

/* Where the walk stopped: which tables holding t->next went out (t->sent). */
static void keep_sent(struct ptscope_tables *t)
{
	u32 level;

	t->sent = 0;
	for (level = PTSCOPE_LEVEL_PTE; level <= PTSCOPE_LEVEL_PGD; level++)
		if (reported(t, level, table_start(level, t->next)))
			t->sent |= BIT(level);
}

static int tables_chunk_of(void *t)
{
	return tables_chunk(t);
}

int ptscope_tables(struct ptscope_tables *t)
{
	u32 level;
	int ret;

	if (WARN_ON_ONCE(!PAGE_ALIGNED(t->next) || !PAGE_ALIGNED(t->end)))
		return -EINVAL;
	/* A PMD folded away (2- and 3-level arm64 configurations) is not walked here. */
	if (mm_pmd_folded(t->mm))
		return -EOPNOTSUPP;
	t->have = 0;
	for (level = PTSCOPE_LEVEL_PTE; level <= PTSCOPE_LEVEL_PGD; level++)
		if (t->sent & BIT(level))
			mark_reported(t, level, table_start(level, t->next));
	ret = ptscope_run_chunks(t->mm, &t->next, t->end, tables_chunk_of, t);
	keep_sent(t);
	return ret;
}
