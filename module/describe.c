// SPDX-License-Identifier: GPL-2.0
/*
 * What one leaf entry holds, as a WALK record says it: its state, frame,
 * decoded bits, cache mode, what backs the frame and what a write to it
 * would do; and what of that a caller without CAP_SYS_ADMIN may see.
 * walk.c finds the entries and holds their locks while these run, so a
 * mapped page cannot be freed while it is described.
 */
#include <linux/cgroup.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/ksm.h>
#include <linux/magic.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/page_ref.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "ptscope.h"
#include "compat.h"
#include "arch.h"

#ifdef PTSCOPE_RACE
unsigned int ptscope_race_us = 300;
module_param_named(race_us, ptscope_race_us, uint, 0644);
MODULE_PARM_DESC(race_us, "race build only: microseconds each race window is held open");
#endif

void ptscope_walk_init(void)
{
#ifdef PTSCOPE_RACE
	pr_warn("ptscope: race build (tests only): race windows held open %u us\n",
		ptscope_race_us);
#endif
	ptscope_arch_init();
}

/*
 * Start a record: every field set, one by one. This runs once per page,
 * and a memset() of the whole record compiles to a string instruction that
 * costs more than the rest of the description on some machines (and under
 * QEMU's TCG, where the tests run, several times more).
 */
void ptscope_page_init(struct ptscope_page *pg, unsigned long addr, u64 nr_pages, u32 level,
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
	pg->cont_order = 0;
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
	pg->page = NULL;
	pg->has_nid = false;
	pg->has_memcg = false;
	pg->nid = 0;
	pg->place = 0;
	pg->memcg = 0;
}

static bool is_shmem_vma(struct vm_area_struct *vma)
{
	return vma->vm_file && file_inode(vma->vm_file)->i_sb->s_magic == TMPFS_MAGIC;
}

/*
 * In a private writable VM_PFNMAP mapping (remap_pfn_range() sets vm_pgoff
 * to the first frame) a frame other than the one remapped there is an
 * anonymous copy a write fault made: a normal page, as vm_normal_page()
 * decides. Huge PFN leaves are never such copies.
 */
static bool pfnmap_cow_copy(struct vm_area_struct *vma, const struct ptscope_page *pg,
			    bool huge_leaf)
{
	unsigned long off = (pg->addr - vma->vm_start) >> PAGE_SHIFT;

	return !huge_leaf && ptscope_is_cow_mapping(vma) && pg->pfn != vma->vm_pgoff + off;
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
	} else if (special ||
		   ((vma->vm_flags & VM_PFNMAP) && !pfnmap_cow_copy(vma, pg, huge_leaf))) {
		page = NULL;
	} else {
		page = pfn_to_online_page(pg->pfn);
	}
	if (!page) {
		if (pg->kind == PTSCOPE_KIND_ZERO_PAGE)
			return NULL;
		/* RAM or not, and its owner: ptscope_page_find_owner(). */
		pg->kind = PTSCOPE_KIND_PFNMAP;
		return NULL;
	}

	pg->has_page = true;
	pg->page = page;
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
	/*
	 * A compound page that is not hugetlb's: a THP of any size (as
	 * PageTransCompound() said), or a driver's __GFP_COMP page.
	 */
	if (PageCompound(page))
		pg->pflags |= PTSCOPE_PAGE(THP);
	if (folio_test_ksm(page_folio(page))) {
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

/*
 * What pagemap's bits 56 and 61 say of the frame, told to every caller as
 * pagemap tells them: pagemap finds no page behind the zero pages
 * (vm_normal_page()), so they are neither.
 */
static void describe_sharing(struct vm_area_struct *vma, struct ptscope_page *pg,
			     struct page *page)
{
	if (!page || pg->kind == PTSCOPE_KIND_ZERO_PAGE || pg->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE)
		return;
	/* pagemap does not look into VM_PFNMAP mappings, at their COW copies either. */
	if (vma->vm_flags & VM_PFNMAP)
		return;
	/*
	 * A 1 GiB page: pagemap asks hugetlb_pmd_shared() of the PUD table
	 * (6.12+), a count that means nothing there; say less, never more.
	 */
	if (pg->mapcount == 1 && pg->level != PTSCOPE_LEVEL_PUD)
		pg->pflags |= PTSCOPE_PAGE(MAPPED_ONCE);
	if (!folio_test_anon(page_folio(page)))
		pg->pflags |= PTSCOPE_PAGE(FILE_BACKED);
}

/*
 * A hugetlb page behind a page table other mappings share (PMD sharing)
 * is mapped by all of them with a mapcount of one: pagemap does not call
 * it exclusively mapped (pagemap_hugetlb_range()), nor may the module.
 * @entryp is the leaf's entry, its table's lock held.
 */
void ptscope_page_hugetlb_table(struct ptscope_page *pg, void *entryp)
{
	if (pg->kind == PTSCOPE_KIND_HUGETLB && hugetlb_pmd_shared((pte_t *)entryp))
		pg->pflags &= ~PTSCOPE_PAGE(MAPPED_ONCE);
}

/*
 * Removed cgroups walked up through before giving up: the walk is under the
 * target's page-table lock, and a chain of removed cgroups can be as deep
 * as a user with a delegated subtree makes it.
 */
#define PTSCOPE_MEMCG_MAX_REMOVED 16

/*
 * The memory cgroup charged for @page's folio, as /proc/kpagecgroup names
 * it (page_cgroup_ino() is unexported before 7.x): the inode of its cgroup
 * directory, or of the nearest ancestor still online when it was removed
 * (*@offline then); 0 when nothing is charged. False: not found within
 * PTSCOPE_MEMCG_MAX_REMOVED removed cgroups. The folio is mapped under the
 * caller's lock; a memcg is freed only after an RCU grace period, which
 * covers the walk up and the read of its cgroup's inode.
 */
bool ptscope_page_memcg(struct page *page, u64 *ino, bool *offline)
{
#ifdef CONFIG_MEMCG
	struct mem_cgroup *memcg;
	int removed = 0;
	bool found = true;

	*ino = 0;
	*offline = false;
	rcu_read_lock();
	memcg = page_memcg_check(compound_head(page));
	while (memcg && !mem_cgroup_online(memcg)) {
		if (++removed > PTSCOPE_MEMCG_MAX_REMOVED) {
			found = false;
			break;
		}
		*offline = true;
		memcg = parent_mem_cgroup(memcg);
	}
	if (found && memcg)
		*ino = cgroup_ino(memcg->css.cgroup);
	rcu_read_unlock();
	return found;
#else
	return false;
#endif
}

/*
 * @frame false: the caller wants no field that needs the struct page or
 * folio (see enum ptscope_field), so neither is read.
 */
static void describe_frame(struct vm_area_struct *vma, struct ptscope_page *pg,
			   bool special, bool huge_leaf, bool frame)
{
	struct page *page;

	pg->pkey = ptscope_entry_pkey(pg->entry);
	if (!frame)
		return;
	page = describe_backing(vma, pg, special, huge_leaf);
	describe_sharing(vma, pg, page);
	pg->cow = ptscope_cow_state(vma, pg, page);
}

/* A non-present, non-empty entry: what the swap-entry encoding says. */
static void describe_swp(swp_entry_t e, struct ptscope_page *pg)
{
	if (ptscope_leaf_is_marker(e)) {
		pg->state = PTSCOPE_STATE_MARKER;
	} else if (ptscope_leaf_is_migration(e)) {
		pg->state = PTSCOPE_STATE_MIGRATION;
		pg->pfn = ptscope_leaf_pfn(e);
		pg->has_pfn = true;
	} else if (ptscope_leaf_is_device(e)) {
		pg->state = PTSCOPE_STATE_DEVICE_PRIVATE;
		pg->pfn = ptscope_leaf_pfn(e);
		pg->has_pfn = true;
	} else if (ptscope_leaf_is_hwpoison(e)) {
		pg->state = PTSCOPE_STATE_HWPOISON;
		pg->pfn = ptscope_leaf_pfn(e);
		pg->has_pfn = true;
	} else if (!ptscope_leaf_is_swap(e)) {
		pg->state = PTSCOPE_STATE_OTHER;
	} else {
		pg->state = PTSCOPE_STATE_SWAP;
		pg->swap_type = swp_type(e);
		pg->swap_offset = swp_offset(e);
	}
}

/*
 * Without @frame the record must follow from the PTE's bits outside the
 * frame, its frame and @vma alone: walk.c's join_entries() relies on it.
 */
void ptscope_describe_pte(struct vm_area_struct *vma, unsigned long addr, pte_t pte,
			  struct ptscope_page *pg, bool frame)
{
	ptscope_page_init(pg, addr, 1, PTSCOPE_LEVEL_PTE, pte_val(pte));
	pg->flags = ptscope_uffd_mode(vma, ptscope_entry_hw_flags(pte_val(pte), PTSCOPE_LEVEL_PTE) |
					   ptscope_pte_sw_flags(pte));
	if (pte_none(pte)) {
		pg->state = PTSCOPE_STATE_NONE;
	} else if (pte_present(pte)) {
		pg->state = PTSCOPE_STATE_PRESENT;
		pg->pfn = pte_pfn(pte);
		pg->has_pfn = true;
		pg->cache = ptscope_entry_cache_mode(pte_val(pte), PTSCOPE_LEVEL_PTE);
		describe_frame(vma, pg, pte_special(pte), false, frame);
	} else {
		describe_swp(ptscope_leaf_from_pte(pte), pg);
	}
}

void ptscope_describe_pmd_leaf(struct vm_area_struct *vma, unsigned long addr, pmd_t pmd,
			       struct ptscope_page *pg, bool frame)
{
	ptscope_page_init(pg, addr, PMD_SIZE >> PAGE_SHIFT, PTSCOPE_LEVEL_PMD, pmd_val(pmd));
	pg->flags = ptscope_uffd_mode(vma, ptscope_entry_hw_flags(pmd_val(pmd), PTSCOPE_LEVEL_PMD) |
					   ptscope_pmd_sw_flags(pmd));
	if (pmd_present(pmd)) {
		pg->state = PTSCOPE_STATE_PRESENT;
		pg->pfn = pmd_pfn(pmd);
		pg->has_pfn = true;
		pg->cache = ptscope_entry_cache_mode(pmd_val(pmd), PTSCOPE_LEVEL_PMD);
		describe_frame(vma, pg, false, true, frame);
	} else {
		describe_swp(ptscope_leaf_from_pmd(pmd), pg);
	}
}

/* A PUD entry that is no table: a 1 GiB leaf, present, PROT_NONE or swap-style. */
void ptscope_describe_pud_leaf(struct vm_area_struct *vma, unsigned long addr, pud_t pud,
			       unsigned long next, struct ptscope_page *pg, bool frame)
{
	ptscope_page_init(pg, addr, (next - addr) >> PAGE_SHIFT, PTSCOPE_LEVEL_PUD, pud_val(pud));
	/* 1 GiB hugetlb keeps PTE-format entries, swap-style ones too. */
	pg->flags = ptscope_uffd_mode(vma, ptscope_entry_hw_flags(pud_val(pud), PTSCOPE_LEVEL_PUD) |
					   ptscope_pte_sw_flags(__pte(pud_val(pud))));
	if (!ptscope_pud_is_leaf(pud)) {
		describe_swp(ptscope_leaf_from_pte(__pte(pud_val(pud))), pg);
		return;
	}
	if (ptscope_pud_devmap(pud))
		pg->flags |= PTSCOPE_ENTRY(DEVMAP);
	pg->state = PTSCOPE_STATE_PRESENT;
	pg->pfn = pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT);
	pg->has_pfn = true;
	pg->cache = ptscope_entry_cache_mode(pud_val(pud), PTSCOPE_LEVEL_PUD);
	describe_frame(vma, pg, false, true, frame);
}

/*
 * Who owns a frame without a struct page (device memory, usually: a PCI
 * BAR), and whether it is RAM. Only for callers who may see physical
 * details: the resource tree is not walked for an answer that would be
 * withheld anyway.
 */
void ptscope_page_find_owner(struct ptscope_page *pg)
{
	if (!pg->has_pfn || pg->kind != PTSCOPE_KIND_PFNMAP)
		return;
	if (!page_is_ram(pg->pfn))
		pg->kind = PTSCOPE_KIND_NOT_RAM;
	pg->has_res = ptscope_resource_of(PFN_PHYS(pg->pfn), &pg->res_flags, &pg->res_desc);
}

/*
 * A WALK record as a caller without CAP_SYS_ADMIN may see it: what
 * /proc/PID/pagemap shows that caller, and nothing /proc/kpageflags or
 * /proc/kpagecount would add (doc/ptscope.8, PERMISSIONS, lists it field by
 * field). No frame, no swap type or offset, no resource; no mapcount,
 * refcount or pin count; no THP, pinned or anon-exclusive page flags (the
 * mapped-once and file-backed ones are pagemap's bits 56 and 61); KSM
 * pages are anonymous and device frames are PFN maps; migration, device,
 * hwpoison and marker entries are swap entries. Of the copy-on-write
 * prediction only what pagemap's exclusive bit says remains: a read-only
 * anonymous page mapped once is reused, otherwise copied.
 */
void ptscope_page_hide_phys(struct ptscope_page *pg)
{
	pg->pfn = 0;
	pg->entry = ptscope_entry_hide_frame(pg->entry);
	pg->entry_step = 0;
	pg->swap_type = 0;
	pg->swap_offset = 0;
	pg->has_res = false;	/* which resource owns it says where it is */
	pg->res_flags = 0;
	pg->res_desc = 0;
	switch (pg->cow) {
	case PTSCOPE_COW_SHARED:
	case PTSCOPE_COW_REUSABLE:
	case PTSCOPE_COW_MAY_COPY:
	case PTSCOPE_COW_KSM:
		pg->cow = pg->pflags & PTSCOPE_PAGE(MAPPED_ONCE) ? PTSCOPE_COW_REUSABLE :
								   PTSCOPE_COW_SHARED;
		break;
	}
	pg->has_page = false;
	pg->page = NULL;
	pg->mapcount = 0;
	pg->refcount = 0;
	pg->has_pincount = false;
	pg->pincount = 0;
	pg->pflags &= PTSCOPE_PAGE(MAPPED_ONCE) | PTSCOPE_PAGE(FILE_BACKED);
	/* pagemap says "swapped" of every swap-style entry; so does this. */
	if (pg->state > PTSCOPE_STATE_PRESENT)
		pg->state = PTSCOPE_STATE_SWAP;
	if (pg->kind == PTSCOPE_KIND_KSM)
		pg->kind = PTSCOPE_KIND_ANON;
	else if (pg->kind == PTSCOPE_KIND_NOT_RAM)
		pg->kind = PTSCOPE_KIND_PFNMAP;
}
