// SPDX-License-Identifier: GPL-2.0
/*
 * What a physical address is: RAM or not, the iomem resource claiming it,
 * and for a frame with a struct page in use, its node, zone, flags and
 * counts. The page is not held: these are snapshots of a page that may be
 * changing hands, read the way /proc/kpageflags reads them.
 */
#include <linux/ioport.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/netlink.h>
#include <asm/processor.h>

#include "ptscope.h"
#include "compat.h"

struct resource_hit {
	u64 flags;
	u32 desc;
	bool found;
};

/* Called outermost first: the last call is the innermost resource. */
static int note_resource(struct resource *res, void *arg)
{
	struct resource_hit *hit = arg;

	hit->flags = res->flags;
	hit->desc = res->desc;
	hit->found = true;
	return 0;
}

bool ptscope_resource_of(u64 phys, u64 *flags, u32 *desc)
{
	struct resource_hit hit = { };

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, phys, phys + PAGE_SIZE - 1, &hit,
			    note_resource);
	*flags = hit.flags;
	*desc = hit.desc;
	return hit.found;
}

static u64 page_state(struct page *page, unsigned long pfn)
{
	struct folio *folio = page_folio(page);
	u64 f = 0;

	/* Of the page itself. */
	if (PageSlab(page))
		f |= PTSCOPE_PHYS(SLAB);
	if (PageReserved(page))
		f |= PTSCOPE_PHYS(RESERVED);
	if (PageBuddy(page))
		f |= PTSCOPE_PHYS(BUDDY);
	if (PageCompound(page))
		f |= PTSCOPE_PHYS(COMPOUND);
	if (PageHWPoison(page))
		f |= PTSCOPE_PHYS(HWPOISON);
	if (is_zero_pfn(pfn))
		f |= PTSCOPE_PHYS(ZERO);
	/* The rest is the folio's state: not of free, slab or page-table pages. */
	if (f & (PTSCOPE_PHYS(SLAB) | PTSCOPE_PHYS(BUDDY)) || PageTable(page))
		return f;
	if (folio_test_locked(folio))
		f |= PTSCOPE_PHYS(LOCKED);
	if (folio_test_referenced(folio))
		f |= PTSCOPE_PHYS(REFERENCED);
	if (folio_test_uptodate(folio))
		f |= PTSCOPE_PHYS(UPTODATE);
	if (folio_test_dirty(folio))
		f |= PTSCOPE_PHYS(DIRTY);
	if (folio_test_lru(folio))
		f |= PTSCOPE_PHYS(LRU);
	if (folio_test_active(folio))
		f |= PTSCOPE_PHYS(ACTIVE);
	if (folio_test_writeback(folio))
		f |= PTSCOPE_PHYS(WRITEBACK);
	if (folio_test_swapbacked(folio))
		f |= PTSCOPE_PHYS(SWAPBACKED);
	if (folio_test_unevictable(folio))
		f |= PTSCOPE_PHYS(UNEVICTABLE);
	if (folio_test_mlocked(folio))
		f |= PTSCOPE_PHYS(MLOCKED);
	if (folio_test_hugetlb(folio))
		f |= PTSCOPE_PHYS(HUGETLB);
	if (folio_test_ksm(folio))
		f |= PTSCOPE_PHYS(KSM);
	else if (folio_test_anon(folio))
		f |= PTSCOPE_PHYS(ANON);
	if (folio_test_swapcache(folio))
		f |= PTSCOPE_PHYS(SWAPCACHE);
	if (folio_maybe_dma_pinned(folio))
		f |= PTSCOPE_PHYS(PINNED);
	return f;
}

int ptscope_phys_describe(u64 addr, struct ptscope_phys *p, struct netlink_ext_ack *extack)
{
	struct folio *folio;
	struct page *page;

	memset(p, 0, sizeof(*p));
	if (addr >> boot_cpu_data.x86_phys_bits) {
		PTSCOPE_ERR_FMT(extack,
				"address is beyond the CPU's physical address width",
				"0x%llx is beyond the CPU's %u-bit physical address space", addr,
				boot_cpu_data.x86_phys_bits);
		return -EINVAL;
	}
	p->addr = addr;
	p->pfn = PHYS_PFN(addr);
	p->ram = page_is_ram(p->pfn);
	p->has_res = ptscope_resource_of(addr & PAGE_MASK, &p->res_flags, &p->res_desc);
	page = pfn_to_online_page(p->pfn);
	if (!page)
		return 0;
	p->has_page = true;
	p->nid = page_to_nid(page);
	p->zone = page_zone(page)->name;
	p->pflags = page_state(page, p->pfn);
	p->refcount = page_count(page);
	if (p->pflags & (PTSCOPE_PHYS(SLAB) | PTSCOPE_PHYS(BUDDY)) || PageTable(page))
		return 0;
	p->mapcount = ptscope_page_mapcount(page);
	folio = page_folio(page);
	if (folio_test_large(folio)) {
		p->pincount = ptscope_folio_pincount(folio);
		p->has_pincount = true;
	}
	return 0;
}
