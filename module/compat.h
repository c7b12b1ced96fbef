/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels ptscope supports (Debian's 6.1 and
 * 6.12 and what lies between) is absorbed here, so the rest of the module
 * reads as if written for one kernel. Test for the feature where Debian's
 * backports make the version number lie.
 */
#ifndef PTSCOPE_COMPAT_H
#define PTSCOPE_COMPAT_H

#include <linux/version.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/pgtable.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "ptscope needs Linux 6.1 or newer"
#endif

/*
 * Reading a PMD without its lock: 6.12 has pmdp_get_lockless(); on x86_64
 * (no split 64-bit reads) a single READ_ONCE is the same thing.
 */
#ifndef pmdp_get_lockless
#define pmdp_get_lockless(pmdp) READ_ONCE(*(pmdp))
#endif

/*
 * A page's mapcount exactly as /proc/kpagecount reports it: 6.1 uses
 * page_mapcount(); 6.12 folio_precise_page_mapcount() (fs/proc/internal.h,
 * not reachable from a module), which is the page's own count plus the
 * folio's PMD-level ("entire") count.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static inline u32 ptscope_page_mapcount(struct page *page)
{
	struct folio *folio = page_folio(page);
	int mapcount = atomic_read(&page->_mapcount) + 1;

	if (page_mapcount_is_type(mapcount))
		mapcount = 0;
	if (folio_test_large(folio))
		mapcount += folio_entire_mapcount(folio);
	return mapcount;
}
#else
static inline u32 ptscope_page_mapcount(struct page *page)
{
	return page_mapcount(page);
}
#endif

/*
 * Since 6.6 (x86 shadow stacks) write-protecting a dirty entry moves its
 * hardware dirty bit into a software one, so a write-protected entry never
 * looks like a shadow-stack page. Before, the dirty bit simply stays.
 */
#ifdef _PAGE_SAVED_DIRTY
#define PTSCOPE_SAVED_DIRTY_BIT _PAGE_SAVED_DIRTY
#else
#define PTSCOPE_SAVED_DIRTY_BIT 0
#endif

/*
 * The exact FOLL_PIN count of a large folio: its own field since 6.2
 * (folio->_pincount), the second page's compound_pincount before.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ptscope_folio_pincount(folio) atomic_read(&(folio)->_pincount)
#else
#define ptscope_folio_pincount(folio) atomic_read(folio_pincount_ptr(folio))
#endif

/* A PR_SET_VMA_ANON_NAME name; only kernels built with it keep one. */
#ifdef CONFIG_ANON_VMA_NAME
static inline const char *ptscope_vma_anon_name(struct vm_area_struct *vma)
{
	return vma->anon_name ? vma->anon_name->name : NULL;
}
#else
static inline const char *ptscope_vma_anon_name(struct vm_area_struct *vma)
{
	return NULL;
}
#endif

/*
 * Attributes of a dump request, as parsed by genetlink before .start:
 * genl_info_dump() arrived in 6.6 when the dump info came to embed a
 * struct genl_info.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define ptscope_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define ptscope_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/*
 * Formatted extack messages arrived in 6.3; before that the message must be
 * a static string, so older kernels get @fallback, which says the same
 * without the numbers.
 */
#ifdef NL_SET_ERR_MSG_FMT
#define PTSCOPE_ERR_FMT(extack, fallback, fmt, args...) do {	\
	(void)(fallback);					\
	NL_SET_ERR_MSG_FMT(extack, fmt, ##args);		\
} while (0)
#else
#define PTSCOPE_ERR_FMT(extack, fallback, fmt, args...) do {	\
	(void)(fmt);						\
	NL_SET_ERR_MSG(extack, fallback);			\
} while (0)
#endif

/*
 * pte_protnone()/pmd_protnone() are constant 0 in kernels built without
 * CONFIG_NUMA_BALANCING, yet mprotect(PROT_NONE) entries exist there too.
 * This is x86's own test, for every configuration: PROTNONE without
 * PRESENT (swap entries never set bit 8, which is why x86 chose it).
 */
static inline bool ptscope_pte_protnone(pte_t pte)
{
	return (pte_flags(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}

static inline bool ptscope_pmd_protnone(pmd_t pmd)
{
	return (pmd_flags(pmd) & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}

#endif
