// SPDX-License-Identifier: GPL-2.0
/*
 * Translate one user address through every page-table level, as crash's
 * vtop does, reading the live tables of another process without ever
 * writing to them.
 *
 * Locking (see ../shared/kernel-api-facts.md): the mmap read lock keeps the
 * upper tables (freed only under the write lock) and the VMAs in place.
 * PMD and PUD leaves are re-read under their lock. A PTE table can be freed
 * under the mmap *read* lock since 6.5 (khugepaged, MADV_COLLAPSE) after an
 * RCU grace period, so it is entered under rcu_read_lock(), its lock taken,
 * and the PMD rechecked before the entry is read; a changed PMD means
 * starting the PMD level again.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>

#include "ptscope.h"
#include "compat.h"

const char *const ptscope_entry_names[__PTSCOPE_ENTRY_BIT_COUNT] =
	PTSCOPE_ENTRY_NAMES;

/* Bounded: a PMD that keeps changing under us is reported, not chased. */
#define XLATE_MAX_RETRIES 100

u64 ptscope_entry_hw_flags(u64 v, bool huge_capable)
{
	u64 f = 0;

	/* A swap-style entry's bits are its type and offset, not flags. */
	if (!ptscope_entry_maps_frame(v))
		return 0;
	v = ptscope_entry_uninverted(v);
	if (v & _PAGE_PRESENT)
		f |= PTSCOPE_ENTRY(PRESENT);
	if (v & _PAGE_RW)
		f |= PTSCOPE_ENTRY(RW);
	if (v & _PAGE_USER)
		f |= PTSCOPE_ENTRY(USER);
	if (v & _PAGE_PWT)
		f |= PTSCOPE_ENTRY(PWT);
	if (v & _PAGE_PCD)
		f |= PTSCOPE_ENTRY(PCD);
	if (v & _PAGE_ACCESSED)
		f |= PTSCOPE_ENTRY(ACCESSED);
	if (v & _PAGE_DIRTY)
		f |= PTSCOPE_ENTRY(DIRTY);
	/* Without PRESENT, bit 8 is PROTNONE (a software flag), not GLOBAL. */
	if ((v & _PAGE_PRESENT) && (v & _PAGE_GLOBAL))
		f |= PTSCOPE_ENTRY(GLOBAL);
	if (v & _PAGE_NX)
		f |= PTSCOPE_ENTRY(NX);
	/* Bit 7 is PS in PMD/PUD entries and PAT in PTEs; PAT moves to bit 12. */
	if (huge_capable) {
		if (v & _PAGE_PSE)
			f |= PTSCOPE_ENTRY(HUGE);
		if ((v & _PAGE_PSE) && (v & _PAGE_PAT_LARGE))
			f |= PTSCOPE_ENTRY(PAT);
	} else if (v & _PAGE_PAT) {
		f |= PTSCOPE_ENTRY(PAT);
	}
	return f;
}

u64 ptscope_pte_sw_flags(pte_t pte)
{
	u64 f = 0;

	if (pte_none(pte))
		return 0;
	if (!pte_present(pte)) {
		if (pte_swp_soft_dirty(pte))
			f |= PTSCOPE_ENTRY(SOFT_DIRTY);
		/* A PTE marker keeps uffd-wp in its offset, not in the swap bit. */
		if (pte_swp_uffd_wp(pte) || pte_marker_entry_uffd_wp(pte_to_swp_entry(pte)))
			f |= PTSCOPE_ENTRY(UFFD_WP);
		return f;
	}
	if (pte_soft_dirty(pte))
		f |= PTSCOPE_ENTRY(SOFT_DIRTY);
	if (pte_uffd_wp(pte))
		f |= PTSCOPE_ENTRY(UFFD_WP);
	if (pte_special(pte))
		f |= PTSCOPE_ENTRY(SPECIAL);
	if (pte_devmap(pte))
		f |= PTSCOPE_ENTRY(DEVMAP);
	if (ptscope_pte_protnone(pte))
		f |= PTSCOPE_ENTRY(PROTNONE);
	if (pte_val(pte) & PTSCOPE_SAVED_DIRTY_BIT)
		f |= PTSCOPE_ENTRY(SAVED_DIRTY);
	return f;
}

u64 ptscope_pmd_sw_flags(pmd_t pmd)
{
	u64 f = 0;

	/* A swap-style PMD has the PTE layout: its high bits are its offset. */
	if (!pmd_none(pmd) && !pmd_present(pmd))
		return ptscope_pte_sw_flags(__pte(pmd_val(pmd)));

	if (pmd_soft_dirty(pmd))
		f |= PTSCOPE_ENTRY(SOFT_DIRTY);
	if (pmd_uffd_wp(pmd))
		f |= PTSCOPE_ENTRY(UFFD_WP);
	if (pmd_devmap(pmd))
		f |= PTSCOPE_ENTRY(DEVMAP);
	if (ptscope_pmd_protnone(pmd))
		f |= PTSCOPE_ENTRY(PROTNONE);
	if (pmd_present(pmd) && (pmd_val(pmd) & PTSCOPE_SAVED_DIRTY_BIT))
		f |= PTSCOPE_ENTRY(SAVED_DIRTY);
	return f;
}

static struct ptscope_xlate_level *add_level(struct ptscope_xlate *x, u32 level,
					     u32 index, u64 table_phys, u64 entry,
					     u64 flags)
{
	struct ptscope_xlate_level *l = &x->lv[x->nr++];

	memset(l, 0, sizeof(*l));
	l->level = level;
	l->index = index;
	l->table_phys = table_phys;
	l->entry = entry;
	l->flags = flags;
	return l;
}

static void set_leaf(struct ptscope_xlate_level *l, u64 size, bool present,
		     unsigned long pfn, unsigned long addr)
{
	l->leaf_size = size;
	if (present) {
		l->has_pfn = true;
		l->pfn = pfn + ((addr & (size - 1)) >> PAGE_SHIFT);
	}
}

/* The PMD level and below; returns -EAGAIN when the PMD would not settle. */
static int xlate_pmd(struct mm_struct *mm, pud_t pud, pud_t *pudp,
		     unsigned long addr, struct ptscope_xlate *x)
{
	unsigned int nr = x->nr, tries = 0;
	struct ptscope_xlate_level *l;
	spinlock_t *ptl;	/* the PMD's, then the PTE table's */
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;

	pmdp = pmd_offset(pudp, addr);
again:
	if (++tries > XLATE_MAX_RETRIES)
		return -EAGAIN;
	x->nr = nr;
	/*
	 * RCU before the PMD is read: the PTE table it points to may be freed
	 * (after a grace period) the moment after the read.
	 */
	rcu_read_lock();
	pmd = pmdp_get_lockless(pmdp);
	ptscope_race_window("xlate: PMD read");
	if (pmd_leaf(pmd) || pmd_trans_huge(pmd) || pmd_devmap(pmd) ||
	    (!pmd_none(pmd) && !pmd_present(pmd))) {
		/* A huge leaf, or a migration or hwpoison entry for one. */
		ptl = pmd_lock(mm, pmdp);
		pmd = *pmdp;
		spin_unlock(ptl);
		rcu_read_unlock();
		if (pmd_none(pmd) || (pmd_present(pmd) && !pmd_leaf(pmd) &&
				      !pmd_trans_huge(pmd) && !pmd_devmap(pmd)))
			goto again;	/* split or zapped while we waited for the lock */
		l = add_level(x, PTSCOPE_LEVEL_PMD, pmd_index(addr),
			      (u64)pud_pfn(pud) << PAGE_SHIFT, pmd_val(pmd),
			      ptscope_entry_hw_flags(pmd_val(pmd), true) |
			      ptscope_pmd_sw_flags(pmd));
		set_leaf(l, PMD_SIZE, pmd_present(pmd), pmd_pfn(pmd), addr);
		return 0;
	}
	add_level(x, PTSCOPE_LEVEL_PMD, pmd_index(addr),
		  (u64)pud_pfn(pud) << PAGE_SHIFT, pmd_val(pmd),
		  ptscope_entry_hw_flags(pmd_val(pmd), true));
	/* Not a table: empty or bad (never touched). */
	if (pmd_none(pmd) || pmd_bad(pmd)) {
		rcu_read_unlock();
		return 0;
	}

	ptep = pte_offset_kernel(&pmd, addr);
	ptl = pte_lockptr(mm, &pmd);
	ptscope_race_window("xlate: before the PTE lock");
	spin_lock(ptl);
	ptscope_race_check_table(ptep, "xlate: PTE table");
	if (!pmd_same(pmd, pmdp_get_lockless(pmdp))) {
		spin_unlock(ptl);
		rcu_read_unlock();
		goto again;
	}
	pte = ptep_get(ptep);
	spin_unlock(ptl);
	rcu_read_unlock();

	l = add_level(x, PTSCOPE_LEVEL_PTE, pte_index(addr),
		      (u64)pmd_pfn(pmd) << PAGE_SHIFT, pte_val(pte),
		      ptscope_entry_hw_flags(pte_val(pte), false) | ptscope_pte_sw_flags(pte));
	if (!pte_none(pte))
		set_leaf(l, PAGE_SIZE, pte_present(pte), pte_pfn(pte), addr);
	return 0;
}

/* The PUD level (for a leaf: its lock taken, entry reread) and below. */
static int xlate_pud(struct mm_struct *mm, p4d_t p4d, p4d_t *p4dp,
		     unsigned long addr, struct ptscope_xlate *x)
{
	struct ptscope_xlate_level *l;
	spinlock_t *ptl;	/* the PUD's, for a 1 GiB leaf */
	pud_t *pudp, pud;

	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	ptscope_race_window("xlate: PUD read");
	if (ptscope_pud_is_leaf(pud) || (!pud_none(pud) && !pud_present(pud))) {
		ptl = pud_lock(mm, pudp);
		pud = READ_ONCE(*pudp);
		spin_unlock(ptl);
	}
	l = add_level(x, PTSCOPE_LEVEL_PUD, pud_index(addr),
		      (u64)p4d_pfn(p4d) << PAGE_SHIFT, pud_val(pud),
		      ptscope_entry_hw_flags(pud_val(pud), true));
	if (pud_none(pud))
		return 0;
	if (ptscope_pud_is_leaf(pud) || !pud_present(pud)) {
		/* 1 GiB hugetlb keeps PTE-format entries, swap-style ones too. */
		l->flags |= ptscope_pte_sw_flags(__pte(pud_val(pud)));
		if (ptscope_pud_is_leaf(pud) && pud_devmap(pud))
			l->flags |= PTSCOPE_ENTRY(DEVMAP);
		set_leaf(l, PUD_SIZE, ptscope_pud_is_leaf(pud), pud_pfn(pud), addr);
		return 0;
	}
	if (pud_bad(pud))
		return 0;
	return xlate_pmd(mm, pud, pudp, addr, x);
}

/*
 * Only under a VMA found with the mmap lock held are the tables below the
 * top level sure to stay: munmap, brk and mremap detach their VMAs, drop to
 * the read lock, and then free the tables of the range, PMD, PUD and P4D
 * tables included, without any grace period. Outside a VMA the
 * translation is the PGD entry alone, and says so (x->no_vma).
 */
int ptscope_xlate(struct mm_struct *mm, unsigned long addr, struct ptscope_xlate *x)
{
	struct address_space *shared;
	struct vm_area_struct *vma;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	int ret;

	memset(x, 0, sizeof(*x));
	x->addr = addr;
	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;

	pgdp = pgd_offset(mm, addr);
	pgd = READ_ONCE(*pgdp);
	add_level(x, PTSCOPE_LEVEL_PGD, pgd_index(addr), __pa(mm->pgd),
		  pgd_val(pgd), ptscope_entry_hw_flags(pgd_val(pgd), false));
	vma = vma_lookup(mm, addr);
	if (!vma) {
		x->no_vma = true;
		goto out;
	}
	if (pgd_none(pgd) || !pgd_present(pgd) || pgd_bad(pgd))
		goto out;

	shared = ptscope_lock_shared_tables(vma);
	/* With 4-level paging the P4D is the PGD entry itself: not a level. */
	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	if (pgtable_l5_enabled()) {
		add_level(x, PTSCOPE_LEVEL_P4D, p4d_index(addr),
			  (u64)pgd_pfn(pgd) << PAGE_SHIFT, p4d_val(p4d),
			  ptscope_entry_hw_flags(p4d_val(p4d), false));
	}
	if (!p4d_none(p4d) && p4d_present(p4d) && !p4d_bad(p4d))
		ret = xlate_pud(mm, p4d, p4dp, addr, x);
	ptscope_unlock_shared_tables(shared);
out:
	mmap_read_unlock(mm);
	return ret;
}

/*
 * What a caller without CAP_SYS_ADMIN may not see: table addresses, frame
 * numbers, and of each entry what ptscope_entry_hide_frame() withholds.
 */
void ptscope_xlate_hide_phys(struct ptscope_xlate *x)
{
	unsigned int i;

	for (i = 0; i < x->nr; i++) {
		struct ptscope_xlate_level *l = &x->lv[i];

		l->table_phys = 0;
		l->pfn = 0;
		l->entry = ptscope_entry_hide_frame(l->entry);
	}
}

/*
 * XLATE as a caller sees it: resolve @pid with the caller's rights, walk,
 * and hide what the caller may not see. Shared by netlink and debugfs.
 */
int ptscope_xlate_for_caller(u32 pid, int pagemap_fd, bool admin, unsigned long addr,
			     struct ptscope_xlate *x, struct netlink_ext_ack *extack)
{
	struct ptscope_target target;
	int ret;

	ret = ptscope_target_get(pid, pagemap_fd, admin, &target, extack);
	if (ret)
		return ret;
	ret = ptscope_xlate(target.mm, addr, x);
	if (ret == -EAGAIN)
		NL_SET_ERR_MSG(extack, PTSCOPE_MSG_UNSETTLED);
	else if (!ret && !target.see_phys)
		ptscope_xlate_hide_phys(x);
	ptscope_target_put(&target);
	return ret;
}
