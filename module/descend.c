// SPDX-License-Identifier: GPL-2.0
/*
 * The locked descent through another process's page tables, the one place
 * that knows which lock keeps which entry in place. The walker (walk.c)
 * and xlate (xlate.c) descend through it and only say, in hooks, what to
 * do with each entry found.
 *
 * Locking (see ../shared/kernel-api-facts.md): the caller holds the mmap
 * read lock, which keeps the VMAs and the upper tables in place (freed only
 * under the write lock), and for a shared hugetlb VMA the mapping's i_mmap
 * lock. PMD and PUD leaves are re-read under their lock. A PTE table can be
 * freed under the mmap *read* lock since 6.5 (khugepaged, MADV_COLLAPSE)
 * after an RCU grace period, so the PMD is read inside rcu_read_lock(), the
 * PTE table's lock taken and the PMD rechecked before an entry is read. An
 * entry that changed meanwhile is read again, a bounded number of times.
 * Page tables are never written.
 */
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>

#include "ptscope.h"
#include "compat.h"
#include "arch.h"

/* Bounded: an entry that keeps changing under us is reported, not chased. */
#define DESCENT_MAX_TRIES 100

struct address_space *ptscope_lock_shared_tables(struct vm_area_struct *vma)
{
	struct address_space *shared;

	if (!is_vm_hugetlb_page(vma) || !(vma->vm_flags & VM_MAYSHARE) || !vma->vm_file)
		return NULL;
	shared = vma->vm_file->f_mapping;
	i_mmap_lock_read(shared);
	return shared;
}

void ptscope_unlock_shared_tables(struct address_space *shared)
{
	if (shared)
		i_mmap_unlock_read(shared);
}

/*
 * The lock the kernel changes an entry under: the table's own, except for
 * hugetlb, whose lock depends on the page size and the kernel
 * (huge_pte_lockptr(): mm->page_table_lock for every size but PMD_SIZE on
 * 6.1, the lock of the table holding the entry since 6.12), which matters
 * for arm64's contiguous sizes between the levels.
 */
static spinlock_t *entry_lock(struct ptscope_descent *d, void *entryp, spinlock_t *table_lock)
{
	if (!d->vma || !is_vm_hugetlb_page(d->vma))
		return table_lock;
	return huge_pte_lockptr(hstate_vma(d->vma), d->mm, entryp);
}

/*
 * The size of the leaf an entry of @level_size belongs to: itself, or for
 * contiguous hugetlb the whole run of entries (arm64: 16 PTEs of 64 KiB,
 * 16 PMDs of 32 MiB with 4 KiB pages; 128 PTEs of 2 MiB, 32 PMDs of 1 GiB
 * with 16 KiB), which is one page to everyone else.
 */
unsigned long ptscope_leaf_size(struct vm_area_struct *vma, unsigned long level_size)
{
	unsigned long size;

	if (!vma || !is_vm_hugetlb_page(vma))
		return level_size;
	size = huge_page_size(hstate_vma(vma));
	return size > level_size && size < level_size * PTRS_PER_PTE ? size : level_size;
}

/* A PUD entry to re-read under its lock: a 1 GiB leaf or a swap-style entry for one. */
static bool pud_is_locked_leaf(pud_t pud)
{
	return !pud_none(pud) && (ptscope_pud_is_leaf(pud) || !pud_present(pud));
}

/* The same for a PMD: a huge leaf, or a migration or hwpoison entry for one. */
static bool pmd_is_locked_leaf(pmd_t pmd)
{
	return !pmd_none(pmd) && (!pmd_present(pmd) || pmd_leaf(pmd) || pmd_trans_huge(pmd) ||
				  ptscope_pmd_devmap(pmd));
}

int ptscope_descend_pud(struct ptscope_descent *d, pud_t *pudp)
{
	unsigned int tries;
	spinlock_t *ptl;	/* a PUD leaf's */
	pud_t pud;
	int ret;

	for (tries = 0; tries < DESCENT_MAX_TRIES; tries++) {
		pud = READ_ONCE(*pudp);
		ptscope_race_window("descent: PUD read");
		if (pud_none(pud))
			return d->ops->on_pud_empty(d, pudp, pud);
		if (!pud_is_locked_leaf(pud)) {
			/* Never touch a bad entry. */
			if (pud_bad(pud))
				return d->ops->on_pud_empty(d, pudp, pud);
			return d->ops->on_pud_table(d, pudp, pud);
		}
		ptl = pud_lock(d->mm, pudp);
		pud = READ_ONCE(*pudp);
		if (pud_is_locked_leaf(pud)) {
			ret = d->ops->on_pud_leaf(d, pud);
			spin_unlock(ptl);
			return ret;
		}
		spin_unlock(ptl);	/* zapped or split while we waited: read it again */
	}
	return -EAGAIN;
}

int ptscope_descend_pmd(struct ptscope_descent *d, pmd_t *pmdp)
{
	unsigned int tries;
	spinlock_t *ptl;	/* a PMD leaf's, or the PTE table's */
	bool changed;
	pte_t *ptep;
	pmd_t pmd;
	int ret;

	for (tries = 0; tries < DESCENT_MAX_TRIES; tries++) {
		changed = false;
		ret = 0;
		/*
		 * RCU before the PMD is read: the PTE table it points to may be
		 * freed (after a grace period) the moment after the read, by a
		 * collapse or a retract that does not take the mmap lock.
		 */
		rcu_read_lock();
		pmd = pmdp_get_lockless(pmdp);
		ptscope_race_window("descent: PMD read");
		if (pmd_is_locked_leaf(pmd)) {
			ptl = entry_lock(d, pmdp, pmd_lockptr(d->mm, pmdp));
			spin_lock(ptl);
			pmd = *pmdp;
			d->pmdp = pmdp;
			if (pmd_is_locked_leaf(pmd))
				ret = d->ops->on_pmd_leaf(d, pmd);
			else
				changed = true;	/* split or zapped while we waited */
			spin_unlock(ptl);
		} else if (pmd_none(pmd) || pmd_bad(pmd)) {
			/* Never touch a bad entry. */
			ret = d->ops->on_pmd_empty(d, pmdp, pmd);
		} else {
			ptep = pte_offset_kernel(&pmd, d->addr);
			ptl = entry_lock(d, ptep, pte_lockptr(d->mm, &pmd));
			ptscope_race_window("descent: before the PTE lock");
			spin_lock(ptl);
			ptscope_race_check_table(ptep, "descent: PTE table");
			/* Collapsed or freed meanwhile: read the PMD again. */
			if (pmd_same(pmd, pmdp_get_lockless(pmdp)))
				ret = d->ops->on_pte_table(d, pmd, ptep);
			else
				changed = true;
			spin_unlock(ptl);
		}
		rcu_read_unlock();
		if (!changed)
			return ret;
	}
	return -EAGAIN;
}
