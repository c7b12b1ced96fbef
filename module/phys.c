// SPDX-License-Identifier: GPL-2.0
/*
 * What a physical address is: RAM or not, the iomem resource claiming it,
 * and for a frame with a struct page in use, its node, zone, flags and
 * counts. The page is not held: these are snapshots of a page that may be
 * split, freed or reused while they are taken.
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
#include "arch.h"

struct resource_hit {
	u64 flags;
	u32 desc;
	bool found;
};

static int note_resource(struct resource *res, void *arg)
{
	struct resource_hit *hit = arg;

	if (!hit->found) {
		hit->flags = res->flags;
		hit->desc = res->desc;
		hit->found = true;
	}
	return 0;
}

/*
 * walk_iomem_res_desc() answers with the first resource, in the tree's
 * pre-order, that overlaps the range and has IORESOURCE_MEM: the top-level
 * one (System RAM, Reserved, a PCI bus window), never the BAR or driver
 * claim nested inside it, since the walk goes on only past the end of what
 * it found. The tree's lock is not exported, so a module cannot descend it
 * itself: the name and range of the innermost resource come from
 * /proc/iomem, in userspace (ptscope_iomem_owner()). Should a page straddle
 * top-level resources, the lowest is the answer.
 */
bool ptscope_resource_of(u64 phys, u64 *flags, u32 *desc)
{
	struct resource_hit hit = { };

	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_MEM, phys, phys + PAGE_SIZE - 1, &hit,
			    note_resource);
	*flags = hit.flags;
	*desc = hit.desc;
	return hit.found;
}

/*
 * A page nobody holds, read the way /proc/kpageflags reads one
 * (stable_page_flags(), fs/proc/page.c): page_folio() once, then the folio's
 * flags and mapping words once each, raw. The folio_test_*() helpers assert
 * what they test on (still a head, still large; VM_BUG_ON_PGFLAGS), and a
 * split or free between two of their reads trips them on a debug kernel;
 * bits of one word read once can be stale, never inconsistent.
 */
struct folio_view {
	struct folio *folio;
	unsigned long flags;	/* the folio's page flags */
	unsigned long mapping;	/* with its FOLIO_MAPPING_* (PAGE_MAPPING_*) bits */
	bool large;
};

static void view_folio(struct page *page, struct folio_view *v)
{
	v->folio = page_folio(page);
	v->flags = ptscope_page_flags(&v->folio->page);
	v->mapping = (unsigned long)READ_ONCE(v->folio->mapping);
	v->large = v->flags & BIT(PG_head);
}

static bool folio_still(struct page *page, const struct folio_view *v)
{
	return page_folio(page) == v->folio && (ptscope_page_flags(&v->folio->page) & BIT(PG_head));
}

/*
 * A large folio's pin count, or -1 when what was read is not one. While
 * 6.1 splits a folio (__split_huge_page_tail()), the second page's mapping
 * is written over the count with the head flag still set: a large positive
 * number (6.12 keeps the count in the upper half of that word, so there it
 * reads negative). Every pin holds a reference, so a count above the
 * references is not a count (or was read during an unpin: withheld too).
 */
static int folio_pins(struct page *page, const struct folio_view *v)
{
	int pins = ptscope_folio_pincount(v->folio);

	if (!folio_still(page, v) || pins < 0 || pins > folio_ref_count(v->folio))
		return -1;
	return pins;
}

#define FOLIO_BIT(v, pg, name) (((v)->flags & BIT(pg)) ? PTSCOPE_PHYS(name) : 0)

/* @pins: folio_pins() of a large folio, -1 when not known. */
static u64 page_state(struct page *page, unsigned long pfn, const struct folio_view *v, int pins)
{
	unsigned long own = ptscope_page_flags(page);
	u64 f = 0;

	/*
	 * Of the page itself (its own flags and type: no assertion on either);
	 * slab is the folio's type, kept in its first page since 7.2.
	 */
	if (PageSlab(&v->folio->page))
		f |= PTSCOPE_PHYS(SLAB);
	if (own & BIT(PG_reserved))
		f |= PTSCOPE_PHYS(RESERVED);
	if (PageBuddy(page))
		f |= PTSCOPE_PHYS(BUDDY);
	if (v->large)
		f |= PTSCOPE_PHYS(COMPOUND);
#ifdef CONFIG_MEMORY_FAILURE
	if (own & BIT(PG_hwpoison))
		f |= PTSCOPE_PHYS(HWPOISON);
#endif
	if (is_zero_pfn(pfn))
		f |= PTSCOPE_PHYS(ZERO);
	/* The rest is the folio's state: not of free, slab or page-table pages. */
	if (f & (PTSCOPE_PHYS(SLAB) | PTSCOPE_PHYS(BUDDY)) || PageTable(page))
		return f;
	f |= FOLIO_BIT(v, PG_locked, LOCKED) | FOLIO_BIT(v, PG_referenced, REFERENCED) |
	     FOLIO_BIT(v, PG_uptodate, UPTODATE) | FOLIO_BIT(v, PG_dirty, DIRTY) |
	     FOLIO_BIT(v, PG_lru, LRU) | FOLIO_BIT(v, PG_active, ACTIVE) |
	     FOLIO_BIT(v, PG_writeback, WRITEBACK) | FOLIO_BIT(v, PG_swapbacked, SWAPBACKED) |
	     FOLIO_BIT(v, PG_unevictable, UNEVICTABLE) | FOLIO_BIT(v, PG_mlocked, MLOCKED);
	/* PG_swapcache is PG_owner_priv_1, which means it only on swap-backed folios. */
	if ((v->flags & BIT(PG_swapbacked)) && (v->flags & BIT(PG_swapcache)))
		f |= PTSCOPE_PHYS(SWAPCACHE);
	/* The hugetlb test reads the folio's type or its second page's destructor, raw. */
	if (folio_test_hugetlb(v->folio))
		f |= PTSCOPE_PHYS(HUGETLB);
	if ((v->mapping & PTSCOPE_MAPPING_FLAGS) == PTSCOPE_MAPPING_KSM)
		f |= PTSCOPE_PHYS(KSM);
	else if (v->mapping & PTSCOPE_MAPPING_ANON)
		f |= PTSCOPE_PHYS(ANON);
	/* folio_maybe_dma_pinned(), without its folio_test_large() assertion. */
	if (v->large ? pins > 0 :
		       (unsigned int)folio_ref_count(v->folio) >= GUP_PIN_COUNTING_BIAS)
		f |= PTSCOPE_PHYS(PINNED);
	return f;
}

int ptscope_phys_describe(u64 addr, struct ptscope_phys *p, struct netlink_ext_ack *extack)
{
	struct folio_view v;
	struct page *page;
	int pins;

	memset(p, 0, sizeof(*p));
	if (addr >> ptscope_arch_phys_addr_bits()) {
		PTSCOPE_ERR_FMT(extack,
				"address is beyond the CPU's physical address width",
				"0x%llx is beyond the CPU's %u-bit physical address space", addr,
				ptscope_arch_phys_addr_bits());
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
	view_folio(page, &v);
	/* Read once: the flag and the count in one answer must agree. */
	pins = v.large && !PageSlab(&v.folio->page) && !PageBuddy(page) && !PageTable(page) ?
		       folio_pins(page, &v) : -1;
	p->pflags = page_state(page, p->pfn, &v, pins);
	p->refcount = folio_ref_count(v.folio);
	if (p->pflags & (PTSCOPE_PHYS(SLAB) | PTSCOPE_PHYS(BUDDY)) || PageTable(page))
		return 0;
	p->mapcount = ptscope_page_mapcount(page);
	if (v.large) {
		p->has_pincount = pins >= 0;
		p->pincount = p->has_pincount ? pins : 0;
	}
	return 0;
}
