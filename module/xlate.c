// SPDX-License-Identifier: GPL-2.0
/*
 * Translate one user address through every page-table level, as crash's
 * vtop does, reading the live tables of another process without ever
 * writing to them.
 *
 * The PUD level and below are read through the locked descent the walker uses
 * (descend.c), which takes the locks; the hooks here only note each level's
 * table, entry and flags.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/userfaultfd_k.h>

#include "ptscope.h"
#include "compat.h"
#include "arch.h"

const char *const ptscope_entry_names[__PTSCOPE_ENTRY_BIT_COUNT] =
	PTSCOPE_ENTRY_NAMES;

u64 ptscope_pte_sw_flags(pte_t pte)
{
	u64 f = 0;

	if (pte_none(pte))
		return 0;
	if (!pte_present(pte)) {
		if (pte_swp_soft_dirty(pte))
			f |= PTSCOPE_ENTRY(SOFT_DIRTY);
		/* A PTE marker keeps uffd-wp in its offset, not in the swap bit. */
		if (ptscope_pte_swp_uffd_wp(pte) ||
		    ptscope_leaf_is_uffd_wp_marker(ptscope_leaf_from_pte(pte)))
			f |= PTSCOPE_ENTRY(UFFD_WP);
		return f;
	}
	if (pte_soft_dirty(pte))
		f |= PTSCOPE_ENTRY(SOFT_DIRTY);
	if (ptscope_pte_uffd_wp(pte))
		f |= PTSCOPE_ENTRY(UFFD_WP);
	if (pte_special(pte))
		f |= PTSCOPE_ENTRY(SPECIAL);
	if (ptscope_pte_devmap(pte))
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
	if (ptscope_pmd_uffd_wp(pmd))
		f |= PTSCOPE_ENTRY(UFFD_WP);
	if (ptscope_pmd_devmap(pmd))
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

/* One translation as the descent makes it, level by level. */
struct xlate_step {
	struct ptscope_descent d;
	struct ptscope_xlate *x;
	u64 table_phys;		/* of the table the descent reads next */
};

static struct xlate_step *xstep_of(struct ptscope_descent *d)
{
	return container_of(d, struct xlate_step, d);
}

static struct ptscope_xlate_level *add_pud(struct ptscope_descent *d, pud_t pud)
{
	struct xlate_step *s = xstep_of(d);

	return add_level(s->x, PTSCOPE_LEVEL_PUD, pud_index(d->addr), s->table_phys,
			 pud_val(pud), ptscope_entry_hw_flags(pud_val(pud), PTSCOPE_LEVEL_PUD));
}

static int xlate_pud_empty(struct ptscope_descent *d, pud_t *pudp, pud_t pud)
{
	/* A folded PUD is the top entry, already reported. */
	if (!mm_pud_folded(d->mm))
		add_pud(d, pud);
	return 0;
}

static int xlate_pud_leaf(struct ptscope_descent *d, pud_t pud)
{
	struct ptscope_xlate_level *l = add_pud(d, pud);

	/* 1 GiB hugetlb keeps PTE-format entries, swap-style ones too. */
	l->flags |= ptscope_pte_sw_flags(__pte(pud_val(pud)));
	if (ptscope_pud_is_leaf(pud) && ptscope_pud_devmap(pud))
		l->flags |= PTSCOPE_ENTRY(DEVMAP);
	set_leaf(l, PUD_SIZE, ptscope_pud_is_leaf(pud), pud_pfn(pud), d->addr);
	return 0;
}

static int xlate_pud_table(struct ptscope_descent *d, pud_t *pudp, pud_t pud)
{
	struct xlate_step *s = xstep_of(d);

	pmd_t *pmdp = pmd_offset(&pud, d->addr);	/* the PUD value reported */

	/* A folded PUD is the top entry, already reported. */
	if (!mm_pud_folded(d->mm))
		add_pud(d, pud);
	s->table_phys = __pa(pmdp - pmd_index(d->addr));
	return ptscope_descend_pmd(d, pmdp);
}

static struct ptscope_xlate_level *add_pmd(struct ptscope_descent *d, pmd_t pmd)
{
	struct xlate_step *s = xstep_of(d);

	return add_level(s->x, PTSCOPE_LEVEL_PMD, pmd_index(d->addr), s->table_phys,
			 pmd_val(pmd), ptscope_entry_hw_flags(pmd_val(pmd), PTSCOPE_LEVEL_PMD));
}

static int xlate_pmd_empty(struct ptscope_descent *d, pmd_t *pmdp, pmd_t pmd)
{
	add_pmd(d, pmd);
	return 0;
}

static int xlate_pmd_leaf(struct ptscope_descent *d, pmd_t pmd)
{
	struct ptscope_xlate_level *l = add_pmd(d, pmd);

	l->flags |= ptscope_pmd_sw_flags(pmd);
	set_leaf(l, PMD_SIZE, pmd_present(pmd), pmd_pfn(pmd), d->addr);
	l->leaf_size = ptscope_leaf_size(d->vma, PMD_SIZE);	/* contiguous: more */
	return 0;
}

static int xlate_pte_table(struct ptscope_descent *d, pmd_t pmd, pte_t *ptep)
{
	struct ptscope_xlate_level *l;
	pte_t pte = ptscope_ptep_get_raw(ptep);

	add_pmd(d, pmd);
	/* Not pmd_pfn(): arm64's rounds down to a block boundary. */
	l = add_level(xstep_of(d)->x, PTSCOPE_LEVEL_PTE, pte_index(d->addr),
		      __pa(ptep - pte_index(d->addr)), pte_val(pte),
		      ptscope_entry_hw_flags(pte_val(pte), PTSCOPE_LEVEL_PTE) |
		      ptscope_pte_sw_flags(pte) | ptscope_pte_gathered_flags(ptep));
	if (!pte_none(pte)) {
		set_leaf(l, PAGE_SIZE, pte_present(pte), pte_pfn(pte), d->addr);
		l->leaf_size = ptscope_leaf_size(d->vma, PAGE_SIZE);
	}
	return 0;
}

static const struct ptscope_descent_ops xlate_descent = {
	.on_pud_empty = xlate_pud_empty,
	.on_pud_leaf = xlate_pud_leaf,
	.on_pud_table = xlate_pud_table,
	.on_pmd_empty = xlate_pmd_empty,
	.on_pmd_leaf = xlate_pmd_leaf,
	.on_pte_table = xlate_pte_table,
};

/*
 * Only under a VMA found with the mmap lock held are the tables below the
 * top level sure to stay: munmap, brk and mremap detach their VMAs, drop to
 * the read lock, and then free the tables of the range, PMD, PUD and P4D
 * tables included, without any grace period. Outside a VMA the
 * translation is the PGD entry alone, and says so (x->no_vma).
 */
int ptscope_xlate(struct mm_struct *mm, unsigned long addr, struct ptscope_xlate *x)
{
	struct xlate_step s = {
		.d = { .mm = mm, .addr = addr, .ops = &xlate_descent },
		.x = x,
	};
	struct address_space *shared;
	struct vm_area_struct *vma;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp;
	unsigned int i;
	int ret;

	memset(x, 0, sizeof(*x));
	x->addr = addr;
	ret = mmap_read_lock_killable(mm);
	if (ret)
		return ret;

	vma = vma_lookup(mm, addr);
	x->no_vma = !vma;
	s.d.vma = vma;
	/*
	 * The top table is mm->pgd, and its entry the first level the kernel
	 * does not fold: with 4-level paging the P4D entry is the PGD entry
	 * (x86); arm64 folds the P4D, and with 16 KiB pages the PUD too, at
	 * boot when the CPU lacks LPA2, and then pgd_index() does not index
	 * the table: the folded level's pointer does. A table's physical
	 * address comes from the entry pointer the kernel's own *_offset()
	 * gave (tables live in the linear map).
	 */
	pgdp = pgd_offset(mm, addr);
	if (!mm_p4d_folded(mm)) {
		pgd = READ_ONCE(*pgdp);
		add_level(x, PTSCOPE_LEVEL_PGD, pgd_index(addr), __pa(mm->pgd), pgd_val(pgd),
			  ptscope_entry_hw_flags(pgd_val(pgd), PTSCOPE_LEVEL_PGD));
		if (!vma || pgd_none(pgd) || !pgd_present(pgd) || pgd_bad(pgd))
			goto out;
	}
	shared = vma ? ptscope_lock_shared_tables(vma) : NULL;
	/* Folded, these read entries of the mm->pgd page only (a full page then). */
	p4dp = p4d_offset(pgdp, addr);
	if (mm_pud_folded(mm)) {
		pud_t top;

		pudp = pud_offset(p4dp, addr);
		top = READ_ONCE(*pudp);
		add_level(x, PTSCOPE_LEVEL_PGD, pudp - (pud_t *)mm->pgd, __pa(mm->pgd),
			  pud_val(top), ptscope_entry_hw_flags(pud_val(top), PTSCOPE_LEVEL_PGD));
	} else {
		p4d = READ_ONCE(*p4dp);
		if (mm_p4d_folded(mm))
			add_level(x, PTSCOPE_LEVEL_PGD, p4dp - (p4d_t *)mm->pgd, __pa(mm->pgd),
				  p4d_val(p4d),
				  ptscope_entry_hw_flags(p4d_val(p4d), PTSCOPE_LEVEL_PGD));
		else
			add_level(x, PTSCOPE_LEVEL_P4D, ptscope_p4d_index(addr),
				  __pa(p4dp - ptscope_p4d_index(addr)), p4d_val(p4d),
				  ptscope_entry_hw_flags(p4d_val(p4d), PTSCOPE_LEVEL_P4D));
		if (!vma || p4d_none(p4d) || !p4d_present(p4d) || p4d_bad(p4d))
			goto unlock;
		pudp = pud_offset(p4dp, addr);
	}
	if (!vma)
		goto unlock;
	s.table_phys = __pa(pudp - pud_index(addr));
	ret = ptscope_descend_pud(&s.d, pudp);
	for (i = 0; i < x->nr; i++)
		x->lv[i].flags = ptscope_uffd_mode(vma, x->lv[i].flags);
unlock:
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
