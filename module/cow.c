// SPDX-License-Identifier: GPL-2.0
/*
 * What a write to a present page would do: the kernel's write-fault
 * decision (do_wp_page(), do_huge_pmd_wp_page(), hugetlb_wp()) predicted
 * from the state a walk sees, so that copy-on-write becomes visible before
 * it happens. The fault path remains the authority; the tests check every
 * prediction by doing the write and walking again.
 */
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/swap.h>

#include "ptscope.h"
#include "compat.h"
#include "arch.h"

/*
 * An anonymous frame mapped read-only in a private writable mapping: reused
 * in place if nobody else can see it, copied otherwise. PageAnonExclusive
 * settles it. Without that flag:
 * - hugetlb_wp() reuses an anonymous folio mapped once, and copies a page
 *   of the file's cache;
 * - a folio in the swap cache is reused only if the fault can free it from
 *   there: not under writeback, and not while a swap entry elsewhere still
 *   points to its slot (folio_swapped(), which no module can ask): "may copy";
 * - do_huge_pmd_wp_page() reuses a PMD-mapped folio whose one reference is
 *   this mapping's; a PTE of a large folio is copied;
 * - do_wp_page() reuses a small page whose one reference is this mapping's.
 *   A folio off the LRU may owe one more to a per-CPU LRU batch, and the
 *   fault drains only its own CPU's (lru_add_drain()); or it was isolated
 *   (reclaim, migration), and the write copies: "may copy".
 */
static u32 anon_write_effect(const struct ptscope_page *pg, struct page *page)
{
	struct folio *folio = page_folio(page);
	bool off_lru;
	int refs;

	if (pg->pflags & PTSCOPE_PAGE(ANON_EXCLUSIVE))
		return PTSCOPE_COW_REUSABLE;
	if (pg->kind == PTSCOPE_KIND_HUGETLB) {
		if (!folio_test_anon(folio))
			return PTSCOPE_COW_FILE;
		return pg->mapcount == 1 ? PTSCOPE_COW_REUSABLE : PTSCOPE_COW_SHARED;
	}
	if (pg->mapcount != 1)
		return PTSCOPE_COW_SHARED;
	refs = folio_ref_count(folio);
	off_lru = !folio_test_lru(folio);
	if (folio_test_swapcache(folio)) {
		refs -= folio_nr_pages(folio);
		if (refs > 1 + off_lru || folio_test_writeback(folio))
			return PTSCOPE_COW_SHARED;
		return PTSCOPE_COW_MAY_COPY;
	}
	if (folio_test_large(folio))
		return pg->level == PTSCOPE_LEVEL_PMD && refs == 1 ? PTSCOPE_COW_REUSABLE :
								     PTSCOPE_COW_SHARED;
	if (refs <= 1)
		return PTSCOPE_COW_REUSABLE;
	return refs == 2 && off_lru ? PTSCOPE_COW_MAY_COPY : PTSCOPE_COW_SHARED;
}

u32 ptscope_cow_state(struct vm_area_struct *vma, const struct ptscope_page *pg,
		      struct page *page)
{
	if (pg->state != PTSCOPE_STATE_PRESENT)
		return PTSCOPE_COW_UNMAPPED;
	if (!(vma->vm_flags & VM_WRITE) || (vma->vm_flags & PTSCOPE_VM_SHADOW_STACK))
		return PTSCOPE_COW_READ_ONLY;
	if (vma->vm_flags & VM_SHARED)
		return PTSCOPE_COW_SHARED_MAPPING;
	/* Read-write protection (7.3) stops a write at the handler as well. */
	if (pg->flags & (PTSCOPE_ENTRY(UFFD_WP) | PTSCOPE_ENTRY(UFFD_RWP)))
		return PTSCOPE_COW_UFFD_WP;
	if (pg->flags & PTSCOPE_ENTRY_WRITE)
		return PTSCOPE_COW_WRITABLE;
	switch (pg->kind) {
	case PTSCOPE_KIND_ZERO_PAGE:
	case PTSCOPE_KIND_HUGE_ZERO_PAGE:
		return PTSCOPE_COW_ZERO;
	case PTSCOPE_KIND_KSM:
		return PTSCOPE_COW_KSM;
	case PTSCOPE_KIND_FILE:
	case PTSCOPE_KIND_SHMEM:
		return PTSCOPE_COW_FILE;
	case PTSCOPE_KIND_ANON:
	case PTSCOPE_KIND_HUGETLB:
		if (!page)
			break;
		return anon_write_effect(pg, page);
	}
	return PTSCOPE_COW_OTHER;
}
