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
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/netlink.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/sched/coredump.h>
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
 * A page's flags word: since 6.18 a struct (memdesc_flags_t), so that only
 * accessors reach it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define ptscope_page_flags(page) READ_ONCE((page)->flags.f)
#else
#define ptscope_page_flags(page) READ_ONCE((page)->flags)
#endif

/* The low bits of folio->mapping: PAGE_MAPPING_* became FOLIO_MAPPING_*. */
#ifdef FOLIO_MAPPING_ANON
#define PTSCOPE_MAPPING_ANON	FOLIO_MAPPING_ANON
#define PTSCOPE_MAPPING_KSM	FOLIO_MAPPING_KSM
#define PTSCOPE_MAPPING_FLAGS	FOLIO_MAPPING_FLAGS
#else
#define PTSCOPE_MAPPING_ANON	PAGE_MAPPING_ANON
#define PTSCOPE_MAPPING_KSM	PAGE_MAPPING_KSM
#define PTSCOPE_MAPPING_FLAGS	PAGE_MAPPING_FLAGS
#endif

/*
 * devmap entries (ZONE_DEVICE pages mapped with their own refcounting)
 * were removed in 6.15; the flag then never shows.
 */
#ifdef CONFIG_ARCH_HAS_PTE_DEVMAP
#define ptscope_pte_devmap(pte) pte_devmap(pte)
#define ptscope_pmd_devmap(pmd) pmd_devmap(pmd)
#define ptscope_pud_devmap(pud) pud_devmap(pud)
#else
static inline bool ptscope_pte_devmap(pte_t pte)
{
	return false;
}

static inline bool ptscope_pmd_devmap(pmd_t pmd)
{
	return false;
}

static inline bool ptscope_pud_devmap(pud_t pud)
{
	return false;
}
#endif

/*
 * The userfaultfd bit: 7.3 renamed uffd-wp's bit to "uffd" (it also marks
 * entries of the new read-write-protect mode); it is the same bit.
 */
#ifdef _PAGE_UFFD
#define ptscope_pte_uffd_wp(pte)	pte_uffd(pte)
#define ptscope_pmd_uffd_wp(pmd)	pmd_uffd(pmd)
#define ptscope_pte_swp_uffd_wp(pte)	pte_swp_uffd(pte)
#else
#define ptscope_pte_uffd_wp(pte)	pte_uffd_wp(pte)
#define ptscope_pmd_uffd_wp(pmd)	pmd_uffd_wp(pmd)
#define ptscope_pte_swp_uffd_wp(pte)	pte_swp_uffd_wp(pte)
#endif

/*
 * 7.3's read-write-protect mode puts the same bit on PAGE_NONE entries of a
 * VMA registered for it (VM_UFFD_RWP), and a VMA is in at most one mode.
 * Entries are decoded with the bit as UFFD_WP; this names it for @vma.
 */
#ifdef VM_UFFD_RWP
#define PTSCOPE_VM_UFFD_RWP	VM_UFFD_RWP
#else
#define PTSCOPE_VM_UFFD_RWP	0
#endif

/*
 * A shadow stack (x86 CET from 6.6, arm64 GCS from 6.13) is VM_WRITE for
 * the CPU's own call and return stores only: a plain store to it faults.
 */
#ifdef VM_SHADOW_STACK
#define PTSCOPE_VM_SHADOW_STACK	VM_SHADOW_STACK
#else
#define PTSCOPE_VM_SHADOW_STACK	0
#endif

static inline u64 ptscope_uffd_mode(struct vm_area_struct *vma, u64 flags)
{
	if ((flags & PTSCOPE_ENTRY(UFFD_WP)) && (vma->vm_flags & PTSCOPE_VM_UFFD_RWP))
		return (flags & ~PTSCOPE_ENTRY(UFFD_WP)) | PTSCOPE_ENTRY(UFFD_RWP);
	return flags;
}

/* A private mapping that may be written: is_cow_mapping(), gone in 7.3. */
static inline bool ptscope_is_cow_mapping(struct vm_area_struct *vma)
{
	return (vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;
}

/*
 * Non-present entries ("software leaf entries"): on 7.2 and later <linux/leafops.h>
 * decodes them (softleaf_t, still a swp_entry_t); before, swapops.h's
 * is_*_entry() helpers did. Only called on entries neither none nor present.
 */
#ifdef PTSCOPE_HAVE_LEAFOPS	/* Kbuild: the header exists */
#include <linux/leafops.h>
#define ptscope_leaf_from_pte(pte)		softleaf_from_pte(pte)
#define ptscope_leaf_from_pmd(pmd)		softleaf_from_pmd(pmd)
#define ptscope_leaf_is_marker(e)		softleaf_is_marker(e)
#define ptscope_leaf_is_uffd_wp_marker(e)	softleaf_is_uffd_wp_marker(e)
#define ptscope_leaf_is_migration(e)		softleaf_is_migration(e)
static inline bool ptscope_leaf_is_device(swp_entry_t e)
{
	return softleaf_is_device_private(e) || softleaf_is_device_exclusive(e);
}

#define ptscope_leaf_is_hwpoison(e)		softleaf_is_hwpoison(e)
#define ptscope_leaf_is_swap(e)			softleaf_is_swap(e)
#define ptscope_leaf_pfn(e)			softleaf_to_pfn(e)
#else
#define ptscope_leaf_from_pte(pte)		pte_to_swp_entry(pte)
#define ptscope_leaf_from_pmd(pmd)		pmd_to_swp_entry(pmd)
#define ptscope_leaf_is_marker(e)		is_pte_marker_entry(e)
#define ptscope_leaf_is_uffd_wp_marker(e)	pte_marker_entry_uffd_wp(e)
#define ptscope_leaf_is_migration(e)		is_migration_entry(e)
static inline bool ptscope_leaf_is_device(swp_entry_t e)
{
	return is_device_private_entry(e) || is_device_exclusive_entry(e);
}

#define ptscope_leaf_is_hwpoison(e)		is_hwpoison_entry(e)
#define ptscope_leaf_is_swap(e)			(!non_swap_entry(e))
#define ptscope_leaf_pfn(e)			swp_offset_pfn(e)
#endif

/*
 * Dumpability, which decides who owns a process's /proc files: its owner
 * (SUID_DUMP_USER, TASK_DUMPABLE_OWNER on 7.2) or root of the user namespace
 * it was started in. Kept in the mm before 7.2, in the task's exec state
 * since (read under RCU, as procfs does: its accessors are not exported).
 * ptscope_pagemap_owner() reads both in one snapshot.
 */
#ifdef PTSCOPE_HAVE_EXEC_STATE	/* Kbuild: the header exists */
#include <linux/sched/exec_state.h>
static inline bool ptscope_dumpable_by_owner(struct task_struct *task)
{
	struct task_exec_state *es;
	bool owner;

	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	owner = es && READ_ONCE(es->dumpable) == TASK_DUMPABLE_OWNER;
	rcu_read_unlock();
	return owner;
}

/* The uid /proc/PID/pagemap of @task (using @mm) belongs to. */
static inline kuid_t ptscope_pagemap_owner(struct task_struct *task, struct mm_struct *mm)
{
	struct task_exec_state *es;
	kuid_t owner = GLOBAL_ROOT_UID;

	rcu_read_lock();
	es = rcu_dereference(task->exec_state);
	if (es && READ_ONCE(es->dumpable) == TASK_DUMPABLE_OWNER)
		owner = __task_cred(task)->euid;
	else if (es)
		owner = make_kuid(es->user_ns, 0);
	rcu_read_unlock();
	return uid_valid(owner) ? owner : GLOBAL_ROOT_UID;
}
#else
static inline bool ptscope_dumpable_by_owner(struct task_struct *task)
{
	return task->mm && get_dumpable(task->mm) == SUID_DUMP_USER;
}

static inline kuid_t ptscope_pagemap_owner(struct task_struct *task, struct mm_struct *mm)
{
	kuid_t owner;

	if (get_dumpable(mm) == SUID_DUMP_USER) {
		rcu_read_lock();
		owner = __task_cred(task)->euid;
		rcu_read_unlock();
		return owner;
	}
	owner = make_kuid(mm->user_ns, 0);
	return uid_valid(owner) ? owner : GLOBAL_ROOT_UID;
}
#endif

/*
 * Test-only race build (make RACE=1, never DKMS or a release): widen the
 * windows the locking rules close, so that a broken rule shows within
 * seconds. ptscope_race_window() busy-waits race_us microseconds (it may
 * run under RCU or a spinlock); ptscope_race_check_table() warns when a
 * table we hold a pointer into is no longer a page table (freed, reused).
 */
#ifdef PTSCOPE_RACE
#include <linux/delay.h>
extern unsigned int ptscope_race_us;

/* @what names the window, for the reader of the call. */
static inline void ptscope_race_window(const char *what)
{
	unsigned int us = READ_ONCE(ptscope_race_us);

	if (us)
		udelay(us);
}

static inline void ptscope_race_check_table(const void *entryp, const char *what)
{
	WARN_ONCE(!PageTable(virt_to_page(entryp)), "ptscope race: %s: no page table any more\n",
		  what);
}
#else
static inline void ptscope_race_window(const char *what)
{
}

static inline void ptscope_race_check_table(const void *entryp, const char *what)
{
}
#endif

/*
 * A page's mapcount as /proc/kpagecount reports it, for a page nobody holds
 * as well as for one mapped under its table lock (the walker's): the page's
 * own count plus, in a large folio, the folio's PMD-level ("entire") count.
 * 6.12's folio_precise_page_mapcount() (fs/proc/internal.h) adds it for
 * every large folio; 6.1's page_mapcount() for anon and hugetlb ones (file
 * THPs count PMD maps in each page), less one while a THP is DoubleMap'ed.
 * Those helpers assert what they read (folio_entire_mapcount() is a
 * VM_BUG_ON_FOLIO on a folio no longer large), so a split between their
 * test and their read trips a debug kernel. Here the fields are read raw,
 * and an entire count is kept only if the folio was still large after it
 * was read: a split mid-read gives a stale count, never a BUG, never a
 * field of the page that took the folio's place.
 */
#ifdef PAGE_MAPCOUNT_RESERVE
/* Before 6.10 a page's type lives in the same word, below PAGE_MAPCOUNT_RESERVE. */
#define ptscope_mapcount_is_type(mapcount) ((int)(mapcount) - 1 < PAGE_MAPCOUNT_RESERVE)
#else
#define ptscope_mapcount_is_type(mapcount) page_mapcount_is_type(mapcount)
#endif

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
static inline int ptscope_entire_mapcount(struct page *head)
{
	return atomic_read(&((struct folio *)head)->_entire_mapcount) + 1;
}
#else
static inline int ptscope_entire_mapcount(struct page *head)
{
	int n;

	if (!((unsigned long)READ_ONCE(head->mapping) & PAGE_MAPPING_ANON) &&
	    !PageHeadHuge(head))
		return 0;
	n = atomic_read(&head[1].compound_mapcount) + 1;
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE) && test_bit(PG_double_map, &head[1].flags))
		n--;
	return n;
}
#endif

static inline u32 ptscope_page_mapcount(struct page *page)
{
	int mapcount = atomic_read(&page->_mapcount) + 1;
	int tries;

	if (ptscope_mapcount_is_type(mapcount) || mapcount < 0)
		mapcount = 0;
	for (tries = 0; tries < 3; tries++) {
		struct page *head = &page_folio(page)->page;
		int entire, refs;

		if (!(ptscope_page_flags(head) & BIT(PG_head)))
			return mapcount;
		ptscope_race_window("mapcount: between the large test and the entire count");
		entire = ptscope_entire_mapcount(head);
		smp_rmb();	/* the references are read after the count... */
		refs = page_ref_count(head);
		smp_rmb();	/* ...and the re-check after both */
		if (&page_folio(page)->page != head || !(ptscope_page_flags(head) & BIT(PG_head)))
			continue;
		/*
		 * A folio freed and made again meanwhile passes that re-check
		 * with another's fields: a count below zero is such a field.
		 * And a folio being split (its references frozen at zero) has
		 * its tails' mapping written over its second page, where 7.x
		 * keeps the entire count, with the head flag still set. Every
		 * mapping holds a reference: a count above them is that
		 * pointer, not a count. A split unfreezes the references only
		 * after clearing the head flag, so references read before the
		 * re-check passed are still frozen, or the folio's own.
		 */
		if (entire < 0 || entire > refs)
			return mapcount;
		return mapcount + entire;
	}
	return mapcount;
}

/* Memory cgroups charge pages here (not configured out, not cgroup_disable=memory). */
static inline bool ptscope_memcg_enabled(void)
{
	return IS_ENABLED(CONFIG_MEMCG) && !mem_cgroup_disabled();
}

#endif
