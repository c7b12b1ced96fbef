/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * ptscope: the generic netlink contract between ptscope.ko and its users.
 *
 * This is the only header shared by the kernel module and libptscope. It is
 * append-only: commands, attributes and feature bits are never renumbered or
 * reused, so an older library keeps working against a newer module (it
 * ignores attributes it does not know) and the family version below is raised
 * only when a meaning changes.
 *
 * Family: PTSCOPE_GENL_NAME ("ptscope"), version PTSCOPE_GENL_VERSION.
 * Requests are validated strictly: an attribute a command does not take, or
 * one of the wrong type or length, is refused with -EINVAL and an extended
 * ack message naming the attribute.
 *
 * Attribute trees
 * ---------------
 * PTSCOPE_CMD_GET_INFO (doit; any caller)
 *   request:  no attributes
 *   reply:
 *     PTSCOPE_A_INFO                      nest
 *       PTSCOPE_A_INFO_MODULE_VERSION     string  "0.1.0"
 *       PTSCOPE_A_INFO_KERNEL_RELEASE     string  as uname -r
 *       PTSCOPE_A_INFO_PAGE_SIZE          u32     bytes
 *       PTSCOPE_A_INFO_PAGING_LEVELS      u32     4 or 5 (levels in use now)
 *       PTSCOPE_A_INFO_USER_ADDR_MAX      u64     highest user address + 1
 *       PTSCOPE_A_INFO_PHYS_ADDR_BITS     u32     physical address width
 *       PTSCOPE_A_INFO_FEATURES           u64     PTSCOPE_FEATURE_* bits
 *       PTSCOPE_A_INFO_ARCH               u32     PTSCOPE_ARCH_*; absent from
 *                                                 modules before arm64: x86_64
 *       PTSCOPE_A_INFO_VA_BITS            u32     user virtual address width
 *
 * PTSCOPE_CMD_XLATE (doit; callers allowed to inspect the target, see below)
 *   request:
 *     PTSCOPE_A_PID                       u32     target, in the caller's pid
 *                                                 namespace; 0 = the caller
 *     PTSCOPE_A_PAGEMAP_FD                u32     optional: the caller's open
 *                                                 /proc/PID/pagemap of the
 *                                                 target (see below)
 *     PTSCOPE_A_ADDR                      u64     user virtual address
 *   reply:
 *     PTSCOPE_A_XLATE                     nest
 *       PTSCOPE_A_XLATE_ADDR              u64     the address asked for
 *       PTSCOPE_A_XLATE_LEVEL             nest, one per level walked, from the
 *                                         top (PGD) down; the walk stops at a
 *                                         leaf or at an entry that is not a
 *                                         present table
 *       PTSCOPE_A_XLATE_NO_VMA            flag    no mapping (VMA) covers the
 *                                         address: only the PGD level is
 *                                         read, since the lower tables of an
 *                                         unmapped range may be freed at any
 *                                         moment
 *         PTSCOPE_A_LEVEL_LEVEL           u32     PTSCOPE_LEVEL_*
 *         PTSCOPE_A_LEVEL_INDEX           u32     entry index in the table
 *         PTSCOPE_A_LEVEL_TABLE_PHYS      u64     physical address of the table
 *         PTSCOPE_A_LEVEL_ENTRY           u64     raw entry
 *         PTSCOPE_A_LEVEL_FLAGS           u64     PTSCOPE_ENTRY_* bits (decoded)
 *         PTSCOPE_A_LEVEL_LEAF_SIZE       u64     leaf only: bytes it maps
 *         PTSCOPE_A_LEVEL_PFN             u64     present leaf only: the frame
 *                                                 of the address's 4 KiB page
 *
 * PTSCOPE_CMD_WALK (dump; same permission rule as XLATE)
 *   request:
 *     PTSCOPE_A_PID                       u32     target (0 = the caller)
 *     PTSCOPE_A_PAGEMAP_FD                u32     optional, as for XLATE
 *     PTSCOPE_A_START                     u64     first address (rounded down
 *                                                 to a page)
 *     PTSCOPE_A_END                       u64     end, exclusive (rounded up);
 *                                                 absent = user_addr_max
 *     PTSCOPE_A_WALK_FLAGS                u32     PTSCOPE_WALK_* (optional)
 *     PTSCOPE_A_WALK_FIELDS               u32     PTSCOPE_FIELD_* groups wanted
 *                                                 (optional; absent or 0:
 *                                                 entry, frame and COW, as
 *                                                 before it)
 *   reply, in address order, any number per message, either packed (with
 *   PTSCOPE_WALK_PACKED; what libptscope asks for)
 *     PTSCOPE_A_PAGE_REC_SIZE             u32     bytes per record, first in
 *                                                 every message
 *     PTSCOPE_A_PAGE_RECS                 binary  struct ptscope_page_rec[],
 *                                                 REC_SIZE bytes apart; the
 *                                                 same fields as the nest below
 *   or one nest per record:
 *     PTSCOPE_A_PAGE                      nest, one record; covers nr_pages
 *                                         4 KiB pages from addr; a present
 *                                         record's frames are pfn, pfn+1, ...
 *       PTSCOPE_A_PAGE_ADDR               u64
 *       PTSCOPE_A_PAGE_NR_PAGES           u64
 *       PTSCOPE_A_PAGE_LEVEL              u32     PTSCOPE_LEVEL_* of the leaf
 *       PTSCOPE_A_PAGE_STATE              u32     PTSCOPE_STATE_*
 *       PTSCOPE_A_PAGE_ENTRY              u64     raw entry (of the first page)
 *       PTSCOPE_A_PAGE_FLAGS              u64     PTSCOPE_ENTRY_* bits
 *       PTSCOPE_A_PAGE_PFN                u64     states with a frame only
 *       PTSCOPE_A_PAGE_CACHE              u32     present only: PTSCOPE_CACHE_*
 *       PTSCOPE_A_PAGE_KIND               u32     present only: PTSCOPE_KIND_*
 *       PTSCOPE_A_PAGE_PFLAGS             u32     present only: PTSCOPE_PAGE_*
 *                                                 (these two, the counts and
 *                                                 the resource: with the
 *                                                 frame group only; COW with
 *                                                 its group; packed records
 *                                                 hold 0 for the groups not
 *                                                 asked, see enum
 *                                                 ptscope_field)
 *       PTSCOPE_A_PAGE_MAPCOUNT           u32     present, struct page only:
 *                                                 as /proc/kpagecount
 *       PTSCOPE_A_PAGE_REFCOUNT           u32     present, struct page only
 *       PTSCOPE_A_PAGE_SWAP_TYPE          u32     swap only
 *       PTSCOPE_A_PAGE_SWAP_OFFSET        u64     swap only
 *       PTSCOPE_A_PAGE_CONT_ORDER         u32     a contiguous leaf only: it
 *                                                 spans 1 << N entries
 *       PTSCOPE_A_PAGE_COW                u32     PTSCOPE_COW_*: what a write
 *                                                 would do (unmapped if not
 *                                                 present)
 *       PTSCOPE_A_PAGE_PKEY               u32     present only: the protection
 *                                                 key in the entry (0 without
 *                                                 pkeys)
 *       PTSCOPE_A_PAGE_PINCOUNT           u32     large folios only: exact
 *                                                 FOLL_PIN count (small pages
 *                                                 have only the "pinned" page
 *                                                 flag, from the refcount bias)
 *       PTSCOPE_A_PAGE_RES_FLAGS          u64     frames without a struct page
 *       PTSCOPE_A_PAGE_RES_DESC           u32     in use: IORESOURCE_* flags and
 *                                                 IORES_DESC_* of the top-level
 *                                                 iomem resource claiming the
 *                                                 frame (a bus window; the
 *                                                 innermost: /proc/iomem)
 *       PTSCOPE_A_PAGE_NID                u32     PTSCOPE_WALK_PLACEMENT and
 *       PTSCOPE_A_PAGE_MEMCG              u64     CAP_SYS_ADMIN only: node,
 *       PTSCOPE_A_PAGE_PLACE              u32     memory cgroup, PTSCOPE_PLACE_*
 *                                                 (see enum ptscope_place_flag)
 *   Only addresses inside VMAs are reported; pages of a VMA that no entry
 *   maps are "none" records, which cover whole holes in either mode (and are
 *   left out with PTSCOPE_WALK_SKIP_NONE). Without PTSCOPE_WALK_RUNS, every
 *   leaf entry is its own record (a PMD leaf is one record of 512 pages);
 *   with it, consecutive leaves whose attributes are all equal, whose
 *   frames (or swap offsets) follow on and whose raw entries step evenly
 *   (see entry_step in struct ptscope_page_rec) are merged, so a run holds
 *   everything its leaves would have said. The mmap lock is dropped
 *   between chunks of the walk, so a record reflects the tables when it was
 *   read, not one instant for the whole dump. The dump ends with -ESRCH if
 *   the process exits (or execs) part-way.
 *
 * PTSCOPE_CMD_GET_VMAS (dump; same permission rule as XLATE)
 *   request:
 *     PTSCOPE_A_PID                       u32     target (0 = the caller)
 *     PTSCOPE_A_PAGEMAP_FD                u32     optional, as for XLATE
 *   reply, in address order, any number per message:
 *     PTSCOPE_A_VMA                       nest, one mapping
 *       PTSCOPE_A_VMA_START               u64
 *       PTSCOPE_A_VMA_END                 u64     exclusive
 *       PTSCOPE_A_VMA_FLAGS               u64     PTSCOPE_VMA_* bits
 *       PTSCOPE_A_VMA_PGOFF               u64     file offset in bytes (file
 *                                                 mappings; else 0)
 *       PTSCOPE_A_VMA_BACKING             u32     PTSCOPE_BACKING_*
 *       PTSCOPE_A_VMA_NAME                string  path, "[heap]", "[stack]",
 *                                                 "[vdso]", ... ("" for anon)
 *       PTSCOPE_A_VMA_INODE               u64     file mappings
 *       PTSCOPE_A_VMA_PRESENT             u64     pages with a present entry
 *       PTSCOPE_A_VMA_ZERO                u64     of those, the (huge) zero page
 *       PTSCOPE_A_VMA_SWAPPED             u64     pages with a swap entry
 *       PTSCOPE_A_VMA_HUGE                u64     pages mapped by PMD/PUD leaves
 *       PTSCOPE_A_VMA_DIRTY               u64     pages whose entry is dirty
 *                                                 (or saved-dirty)
 *       PTSCOPE_A_VMA_SOFT_DIRTY          u64     pages whose entry is soft-dirty
 *       PTSCOPE_A_VMA_COW                 nest    present pages per COW state:
 *         attribute type 1 + PTSCOPE_COW_*  u64   (only states with pages)
 *       PTSCOPE_A_VMA_PINNED              u64     pages (maybe) pinned for DMA
 *   The counters come from walking the VMA's page tables (see WALK): each
 *   VMA is described, then its tables walked with the mmap lock released
 *   between chunks, so they reflect the tables just after the description.
 *
 * PTSCOPE_CMD_TABLES (dump; same permission rule as XLATE)
 *   request: PTSCOPE_A_PID, PTSCOPE_A_PAGEMAP_FD, PTSCOPE_A_START,
 *            PTSCOPE_A_END as for WALK
 *   reply, in address order, any number per message:
 *     PTSCOPE_A_TABLE                     nest, one page-table page
 *       PTSCOPE_A_TABLE_LEVEL             u32     PTSCOPE_LEVEL_* of its entries
 *       PTSCOPE_A_TABLE_ADDR              u64     first user address it maps
 *       PTSCOPE_A_TABLE_ENTRIES           u32     entries for user addresses
 *       PTSCOPE_A_TABLE_USED              u32     of those, not none
 *       PTSCOPE_A_TABLE_LEAVES            u32     of those, leaves (maps,
 *                                                 swap-style entries, markers)
 *       PTSCOPE_A_TABLE_PHYS              u64     CAP_SYS_ADMIN only
 *       PTSCOPE_A_TABLE_FLAGS             u32     PTSCOPE_TABLE_*
 *   Levels folded away on this machine have no tables. Tables are found by
 *   descending inside VMAs; each is reported once, where the walk first
 *   enters it, and its entries are counted over the whole table.
 *
 * PTSCOPE_CMD_XLATE_MANY (dump; same permission rule as XLATE)
 *   request:
 *     PTSCOPE_A_PID, PTSCOPE_A_PAGEMAP_FD as for XLATE
 *     PTSCOPE_A_ADDRS                     binary  __u64[1..PTSCOPE_XLATE_MANY_MAX]
 *                                                 user virtual addresses, in
 *                                                 any order, repeats allowed
 *   reply, in the order asked, any number per message:
 *     PTSCOPE_A_XLATE                     nest, as XLATE's reply
 *   One target, many translations: each address is translated as XLATE
 *   would (the mmap lock taken for it alone). An address beyond the user
 *   address space refuses the whole request, before any reply. Once the
 *   address space asked for is gone (the process exited or called exec,
 *   and nothing else holds it), the dump ends with -ESRCH; until then it
 *   is that address space that is read.
 *
 * PTSCOPE_CMD_PHYS (doit; CAP_SYS_ADMIN only)
 *   request:
 *     PTSCOPE_A_ADDR                      u64     physical address
 *   reply:
 *     PTSCOPE_A_PHYS                      nest
 *       PTSCOPE_A_PHYS_ADDR               u64
 *       PTSCOPE_A_PHYS_PFN                u64
 *       PTSCOPE_A_PHYS_RAM                u32     1: System RAM
 *       PTSCOPE_A_PHYS_NID, _ZONE         u32, string   a struct page in use
 *       PTSCOPE_A_PHYS_PFLAGS             u64     only: node, zone, PTSCOPE_PHYS_*
 *       PTSCOPE_A_PHYS_MAPCOUNT, _REFCOUNT u32    flags, counts (racy snapshots
 *       PTSCOPE_A_PHYS_PINCOUNT           u32     of a page in use elsewhere)
 *       PTSCOPE_A_PHYS_RES_FLAGS          u64     the top-level iomem resource
 *       PTSCOPE_A_PHYS_RES_DESC           u32     claiming it, if any (the
 *                                                 innermost: /proc/iomem)
 *   An address beyond the CPU's physical address width is refused.
 *
 * PTSCOPE_CMD_IOMMU (doit; CAP_SYS_ADMIN only)
 *   request:
 *     PTSCOPE_A_PCI_DEV                   string  "DOMAIN:BUS:SLOT.FN"
 *     PTSCOPE_A_IOVA                      u64     optional: translate it
 *   reply:
 *     PTSCOPE_A_IOMMU                     nest
 *       PTSCOPE_A_IOMMU_DOMAIN            u32     PTSCOPE_IOMMU_*
 *       PTSCOPE_A_IOMMU_GROUP             u32     with an IOMMU only
 *       PTSCOPE_A_IOMMU_IOVA              u64     as asked
 *       PTSCOPE_A_IOMMU_PHYS              u64     only if the IOVA is mapped
 *
 * PTSCOPE_CMD_GET_FAULTS (dump; records of the caller's uid, all for
 * CAP_SYS_ADMIN, physical details as for XLATE)
 *   request:
 *     PTSCOPE_A_FAULT_ID                  u64     optional: that record only
 *   reply, oldest first:
 *     PTSCOPE_A_FAULT                     nest, one record
 *       PTSCOPE_A_FAULT_REC_ID            u64     increasing from 1
 *       PTSCOPE_A_FAULT_TIME_NS           u64
 *       PTSCOPE_A_FAULT_PID, _TID, _UID   u32
 *       PTSCOPE_A_FAULT_COMM, _EXE        string
 *       PTSCOPE_A_FAULT_SIGNAL, _CODE     u32     SIGSEGV/SIGBUS, si_code
 *       PTSCOPE_A_FAULT_ADDR, _IP, _SP    u64
 *       PTSCOPE_A_FAULT_ERROR             u64     PTSCOPE_PF(...) bits (x86:
 *                                                 the error code itself; arm64:
 *                                                 derived from the ESR)
 *       PTSCOPE_A_FAULT_ESR               u64     arm64 only: ESR_EL1 as the
 *                                                 kernel saved it for the signal
 *       PTSCOPE_A_FAULT_TRAP              u32     14 page fault, 13 general
 *                                                 protection
 *       PTSCOPE_A_FAULT_HANDLED           u32
 *       PTSCOPE_A_FAULT_SNAPSHOT          u32     the rest was taken, in the
 *                                                 task, before delivery
 *       PTSCOPE_A_FAULT_VMA, _VMA_BELOW, _VMA_ABOVE   nest of PTSCOPE_A_VMA_
 *                                                 START, END, FLAGS, PGOFF,
 *                                                 BACKING, NAME; absent if none
 *       PTSCOPE_A_FAULT_STACK_START, _END u64
 *       PTSCOPE_A_FAULT_XLATE_ADDR, _IP   nest of PTSCOPE_A_XLATE_*, as XLATE
 *   With PTSCOPE_A_FAULT_ID of a record not kept (or not the caller's), the
 *   dump fails with -ENOENT.
 *   PID and TID are as the caller's pid namespace numbers them, UID as its
 *   user namespace maps it; records of processes outside the caller's pid
 *   namespace are not listed.
 *
 * PTSCOPE_CMD_CLEAR_FAULTS (doit; CAP_SYS_ADMIN): forget every record.
 *
 * Multicast group PTSCOPE_MCGRP_FAULTS (CAP_SYS_ADMIN):
 * PTSCOPE_CMD_FAULT_EVENT messages, one PTSCOPE_A_FAULT each, when a
 * record's snapshot is taken, with pids and uid of the initial namespaces
 * (one message goes to every listener). A listener in another pid
 * namespace reads the record back with GET_FAULTS and its
 * PTSCOPE_A_FAULT_REC_ID, as libptscope's ptscope_faults_follow() does.
 *
 * Who may inspect a process: callers with CAP_SYS_ADMIN (initial user
 * namespace) any process, with physical details; other callers the processes
 * whose /proc/PID/pagemap they may open (ptrace read access with their
 * filesystem credentials, security modules such as Landlock, AppArmor and
 * SELinux included), with table addresses, PFNs and the frame bits of present
 * entries reported as 0 (as /proc/PID/pagemap does). The module cannot ask
 * that question itself, so such a caller proves it: it opens
 * /proc/PID/pagemap and sends the descriptor as PTSCOPE_A_PAGEMAP_FD, and the
 * request reads only the address space that open was allowed (PTSCOPE_A_PID
 * must name a thread using it; after an exec, open again). Without one, a
 * caller may name only itself, and only where it could open its own pagemap
 * (not when it is not dumpable, unless root): else -EPERM. A descriptor
 * that is not an open pagemap is refused with -EBADF or -EINVAL, one of
 * another process with -EINVAL, always with a message. libptscope sends the
 * descriptor.
 *
 * Dumps
 * -----
 * Commands whose answer can be large (lists of VMAs, page walks, fault
 * records) are dumps. A dump is split by the kernel into netlink messages
 * of at most one socket buffer each; every message carries whole records
 * only (a record nest is never split across messages) and the first record
 * of the next message continues exactly where the previous one stopped, so a
 * reader simply concatenates records in order. The kernel keeps its position
 * in the dump cursor (an address or a record id), never a buffer of pending
 * results, so its memory use does not depend on the size of the answer.
 * A dump ends with NLMSG_DONE; an error found mid-way (for example the target
 * process exiting) ends it with that errno in NLMSG_DONE.
 *
 * 64-bit attributes are aligned with PTSCOPE_A_PAD, which readers skip.
 */
#ifndef _UAPI_PTSCOPE_H
#define _UAPI_PTSCOPE_H

#include <linux/types.h>

#define PTSCOPE_GENL_NAME	"ptscope"
#define PTSCOPE_GENL_VERSION	1

/* The most addresses one PTSCOPE_CMD_XLATE_MANY request may carry (32 KiB). */
#define PTSCOPE_XLATE_MANY_MAX	4096

enum ptscope_cmd {
	PTSCOPE_CMD_UNSPEC,
	PTSCOPE_CMD_GET_INFO,
	PTSCOPE_CMD_XLATE,
	PTSCOPE_CMD_WALK,
	PTSCOPE_CMD_GET_VMAS,
	PTSCOPE_CMD_PHYS,
	PTSCOPE_CMD_IOMMU,
	PTSCOPE_CMD_GET_FAULTS,
	PTSCOPE_CMD_CLEAR_FAULTS,
	PTSCOPE_CMD_FAULT_EVENT,	/* multicast only: one new record */
	PTSCOPE_CMD_TABLES,
	PTSCOPE_CMD_XLATE_MANY,

	__PTSCOPE_CMD_MAX,
	PTSCOPE_CMD_MAX = __PTSCOPE_CMD_MAX - 1
};

/* Top-level attributes of requests and replies. */
enum ptscope_attr {
	PTSCOPE_A_UNSPEC,
	PTSCOPE_A_PAD,
	PTSCOPE_A_INFO,			/* nest: enum ptscope_info_attr */
	PTSCOPE_A_PID,			/* u32 */
	PTSCOPE_A_ADDR,			/* u64 */
	PTSCOPE_A_XLATE,		/* nest: enum ptscope_xlate_attr */
	PTSCOPE_A_START,		/* u64 */
	PTSCOPE_A_END,			/* u64 */
	PTSCOPE_A_WALK_FLAGS,		/* u32: PTSCOPE_WALK_* */
	PTSCOPE_A_PAGE,			/* nest: enum ptscope_page_attr */
	PTSCOPE_A_VMA,			/* nest: enum ptscope_vma_attr */
	PTSCOPE_A_PHYS,			/* nest: enum ptscope_phys_attr */
	PTSCOPE_A_PCI_DEV,		/* string: "0000:00:03.0" */
	PTSCOPE_A_IOVA,			/* u64 */
	PTSCOPE_A_IOMMU,		/* nest: enum ptscope_iommu_attr */
	PTSCOPE_A_FAULT,		/* nest: enum ptscope_fault_attr */
	PTSCOPE_A_FAULT_ID,		/* u64 */
	PTSCOPE_A_PAGE_REC_SIZE,	/* u32: sizeof(struct ptscope_page_rec) */
	PTSCOPE_A_PAGE_RECS,		/* binary: struct ptscope_page_rec[] */
	PTSCOPE_A_PAGEMAP_FD,		/* u32: the caller's open /proc/PID/pagemap */
	PTSCOPE_A_TABLE,		/* nest: enum ptscope_table_attr */
	PTSCOPE_A_ADDRS,		/* binary: __u64[], XLATE_MANY's addresses */
	PTSCOPE_A_WALK_FIELDS,		/* u32: PTSCOPE_FIELD_*, WALK's field groups */

	__PTSCOPE_A_MAX,
	PTSCOPE_A_MAX = __PTSCOPE_A_MAX - 1
};

enum ptscope_info_attr {
	PTSCOPE_A_INFO_UNSPEC,
	PTSCOPE_A_INFO_PAD,
	PTSCOPE_A_INFO_MODULE_VERSION,	/* string */
	PTSCOPE_A_INFO_KERNEL_RELEASE,	/* string */
	PTSCOPE_A_INFO_PAGE_SIZE,	/* u32 */
	PTSCOPE_A_INFO_PAGING_LEVELS,	/* u32 */
	PTSCOPE_A_INFO_USER_ADDR_MAX,	/* u64 */
	PTSCOPE_A_INFO_PHYS_ADDR_BITS,	/* u32 */
	PTSCOPE_A_INFO_FEATURES,	/* u64: PTSCOPE_FEATURE_* */
	PTSCOPE_A_INFO_FAULT_RING,	/* u32: fault records kept */
	PTSCOPE_A_INFO_FAULTS,		/* u64: fault records made since load (admin only) */
	PTSCOPE_A_INFO_FAULTS_DROPPED,	/* u64: not recorded or replaced (admin only) */
	PTSCOPE_A_INFO_ARCH,		/* u32: enum ptscope_arch */
	PTSCOPE_A_INFO_VA_BITS,		/* u32 */

	__PTSCOPE_A_INFO_MAX,
	PTSCOPE_A_INFO_MAX = __PTSCOPE_A_INFO_MAX - 1
};

enum ptscope_xlate_attr {
	PTSCOPE_A_XLATE_UNSPEC,
	PTSCOPE_A_XLATE_PAD,
	PTSCOPE_A_XLATE_ADDR,		/* u64 */
	PTSCOPE_A_XLATE_LEVEL,		/* nest: enum ptscope_level_attr */
	PTSCOPE_A_XLATE_NO_VMA,		/* flag: no mapping covers the address */

	__PTSCOPE_A_XLATE_MAX,
	PTSCOPE_A_XLATE_MAX = __PTSCOPE_A_XLATE_MAX - 1
};

enum ptscope_level_attr {
	PTSCOPE_A_LEVEL_UNSPEC,
	PTSCOPE_A_LEVEL_PAD,
	PTSCOPE_A_LEVEL_LEVEL,		/* u32: enum ptscope_level */
	PTSCOPE_A_LEVEL_INDEX,		/* u32 */
	PTSCOPE_A_LEVEL_TABLE_PHYS,	/* u64 */
	PTSCOPE_A_LEVEL_ENTRY,		/* u64 */
	PTSCOPE_A_LEVEL_FLAGS,		/* u64: PTSCOPE_ENTRY_* */
	PTSCOPE_A_LEVEL_LEAF_SIZE,	/* u64 */
	PTSCOPE_A_LEVEL_PFN,		/* u64 */

	__PTSCOPE_A_LEVEL_MAX,
	PTSCOPE_A_LEVEL_MAX = __PTSCOPE_A_LEVEL_MAX - 1
};

enum ptscope_page_attr {
	PTSCOPE_A_PAGE_UNSPEC,
	PTSCOPE_A_PAGE_PAD,
	PTSCOPE_A_PAGE_ADDR,		/* u64 */
	PTSCOPE_A_PAGE_NR_PAGES,	/* u64 */
	PTSCOPE_A_PAGE_LEVEL,		/* u32: enum ptscope_level */
	PTSCOPE_A_PAGE_STATE,		/* u32: enum ptscope_state */
	PTSCOPE_A_PAGE_ENTRY,		/* u64 */
	PTSCOPE_A_PAGE_FLAGS,		/* u64: PTSCOPE_ENTRY_* */
	PTSCOPE_A_PAGE_PFN,		/* u64 */
	PTSCOPE_A_PAGE_CACHE,		/* u32: enum ptscope_cache */
	PTSCOPE_A_PAGE_KIND,		/* u32: enum ptscope_kind */
	PTSCOPE_A_PAGE_PFLAGS,		/* u32: PTSCOPE_PAGE_* */
	PTSCOPE_A_PAGE_MAPCOUNT,	/* u32 */
	PTSCOPE_A_PAGE_REFCOUNT,	/* u32 */
	PTSCOPE_A_PAGE_SWAP_TYPE,	/* u32 */
	PTSCOPE_A_PAGE_SWAP_OFFSET,	/* u64 */
	PTSCOPE_A_PAGE_COW,		/* u32: enum ptscope_cow */
	PTSCOPE_A_PAGE_PINCOUNT,	/* u32 */
	PTSCOPE_A_PAGE_RES_FLAGS,	/* u64: IORESOURCE_* */
	PTSCOPE_A_PAGE_RES_DESC,	/* u32: IORES_DESC_* */
	PTSCOPE_A_PAGE_PKEY,		/* u32 */
	PTSCOPE_A_PAGE_CONT_ORDER,	/* u32: as cont_order in struct ptscope_page_rec */
	PTSCOPE_A_PAGE_NID,		/* u32: NUMA node of the frame */
	PTSCOPE_A_PAGE_MEMCG,		/* u64: inode of the memory cgroup charged */
	PTSCOPE_A_PAGE_PLACE,		/* u32: PTSCOPE_PLACE_* */

	__PTSCOPE_A_PAGE_MAX,
	PTSCOPE_A_PAGE_MAX = __PTSCOPE_A_PAGE_MAX - 1
};

enum ptscope_vma_attr {
	PTSCOPE_A_VMA_UNSPEC,
	PTSCOPE_A_VMA_PAD,
	PTSCOPE_A_VMA_START,		/* u64 */
	PTSCOPE_A_VMA_END,		/* u64 */
	PTSCOPE_A_VMA_FLAGS,		/* u64: PTSCOPE_VMA_* */
	PTSCOPE_A_VMA_PGOFF,		/* u64 */
	PTSCOPE_A_VMA_BACKING,		/* u32: enum ptscope_backing */
	PTSCOPE_A_VMA_NAME,		/* string */
	PTSCOPE_A_VMA_INODE,		/* u64 */
	PTSCOPE_A_VMA_PRESENT,		/* u64 */
	PTSCOPE_A_VMA_ZERO,		/* u64 */
	PTSCOPE_A_VMA_SWAPPED,		/* u64 */
	PTSCOPE_A_VMA_HUGE,		/* u64 */
	PTSCOPE_A_VMA_DIRTY,		/* u64 */
	PTSCOPE_A_VMA_SOFT_DIRTY,	/* u64 */
	PTSCOPE_A_VMA_COW,		/* nest: u64 pages per COW state */
	PTSCOPE_A_VMA_PINNED,		/* u64 */

	__PTSCOPE_A_VMA_MAX,
	PTSCOPE_A_VMA_MAX = __PTSCOPE_A_VMA_MAX - 1
};

/* VMA flags that matter to page tables (PTSCOPE_A_VMA_FLAGS). */
enum ptscope_vma_bit {
	PTSCOPE_VMA_BIT_READ,
	PTSCOPE_VMA_BIT_WRITE,
	PTSCOPE_VMA_BIT_EXEC,
	PTSCOPE_VMA_BIT_SHARED,		/* MAP_SHARED (VM_MAYSHARE) */
	PTSCOPE_VMA_BIT_IO,
	PTSCOPE_VMA_BIT_PFNMAP,
	PTSCOPE_VMA_BIT_MIXEDMAP,
	PTSCOPE_VMA_BIT_LOCKED,
	PTSCOPE_VMA_BIT_HUGEPAGE,	/* MADV_HUGEPAGE */
	PTSCOPE_VMA_BIT_NOHUGEPAGE,	/* MADV_NOHUGEPAGE */
	PTSCOPE_VMA_BIT_DONTCOPY,	/* MADV_DONTFORK */
	PTSCOPE_VMA_BIT_WIPEONFORK,
	PTSCOPE_VMA_BIT_GROWSDOWN,
	PTSCOPE_VMA_BIT_HUGETLB,
	PTSCOPE_VMA_BIT_UFFD_MISSING,
	PTSCOPE_VMA_BIT_UFFD_WP,
	PTSCOPE_VMA_BIT_SOFT_DIRTY,	/* VM_SOFTDIRTY: the whole VMA counts as soft-dirty */
	PTSCOPE_VMA_BIT_MERGEABLE,	/* MADV_MERGEABLE (KSM) */
	PTSCOPE_VMA_BIT_UFFD_RWP,	/* userfaultfd read-write protection (7.3+) */

	__PTSCOPE_VMA_BIT_COUNT
};

#define PTSCOPE_VMA(name)	(1ULL << PTSCOPE_VMA_BIT_##name)

#define PTSCOPE_VMA_NAMES {						\
	"read", "write", "exec", "shared", "io", "pfnmap", "mixedmap",	\
	"locked", "hugepage", "nohugepage", "dontcopy", "wipeonfork",	\
	"growsdown", "hugetlb", "uffd-missing", "uffd-wp", "soft-dirty",	\
	"mergeable", "uffd-rwp"						\
}

/* What a VMA maps. */
enum ptscope_backing {
	PTSCOPE_BACKING_ANON,		/* private anonymous memory */
	PTSCOPE_BACKING_FILE,		/* a regular file */
	PTSCOPE_BACKING_SHMEM,		/* tmpfs, memfd, shared anonymous, SysV shm */
	PTSCOPE_BACKING_HEAP,		/* [heap] */
	PTSCOPE_BACKING_STACK,		/* [stack] */
	PTSCOPE_BACKING_SPECIAL,	/* [vdso], [vvar] and other special mappings */
	PTSCOPE_BACKING_HUGETLB,	/* hugetlbfs, or MAP_HUGETLB */
};

#define PTSCOPE_BACKING_NAMES {						\
	"anon", "file", "shmem", "heap", "stack", "special", "hugetlb"	\
}

/* The multicast group of live fault records (CAP_SYS_ADMIN to join). */
#define PTSCOPE_MCGRP_FAULTS	"faults"

enum ptscope_fault_attr {
	PTSCOPE_A_FAULT_UNSPEC,
	PTSCOPE_A_FAULT_PAD,
	PTSCOPE_A_FAULT_REC_ID,		/* u64 */
	PTSCOPE_A_FAULT_TIME_NS,	/* u64: CLOCK_REALTIME */
	PTSCOPE_A_FAULT_PID,		/* u32: in the initial pid namespace */
	PTSCOPE_A_FAULT_TID,		/* u32 */
	PTSCOPE_A_FAULT_UID,		/* u32 */
	PTSCOPE_A_FAULT_COMM,		/* string */
	PTSCOPE_A_FAULT_EXE,		/* string */
	PTSCOPE_A_FAULT_SIGNAL,		/* u32 */
	PTSCOPE_A_FAULT_CODE,		/* u32: si_code */
	PTSCOPE_A_FAULT_ADDR,		/* u64: si_addr */
	PTSCOPE_A_FAULT_IP,		/* u64 */
	PTSCOPE_A_FAULT_SP,		/* u64 */
	PTSCOPE_A_FAULT_ERROR,		/* u64: PTSCOPE_PF(...) bits */
	PTSCOPE_A_FAULT_TRAP,		/* u32: x86 trap number (x86 only) */
	PTSCOPE_A_FAULT_HANDLED,	/* u32: 1 if a user handler was installed */
	PTSCOPE_A_FAULT_SNAPSHOT,	/* u32: 1 if the attributes below were taken */
	PTSCOPE_A_FAULT_VMA,		/* nest: ptscope_vma_attr, the VMA holding addr */
	PTSCOPE_A_FAULT_VMA_BELOW,	/* nest: the nearest VMA below it */
	PTSCOPE_A_FAULT_VMA_ABOVE,	/* nest: the nearest VMA above it */
	PTSCOPE_A_FAULT_STACK_START,	/* u64 */
	PTSCOPE_A_FAULT_STACK_END,	/* u64 */
	PTSCOPE_A_FAULT_XLATE_ADDR,	/* nest: ptscope_xlate_attr of addr */
	PTSCOPE_A_FAULT_XLATE_IP,	/* nest: ptscope_xlate_attr of ip */
	PTSCOPE_A_FAULT_ESR,		/* u64: arm64 ESR_EL1 */

	__PTSCOPE_A_FAULT_MAX,
	PTSCOPE_A_FAULT_MAX = __PTSCOPE_A_FAULT_MAX - 1
};

/*
 * Page-fault error bits (PTSCOPE_A_FAULT_ERROR): x86's error code, bit for
 * bit. On arm64 the module derives them from the ESR: PROT from a
 * permission fault, WRITE from WnR (or a cache maintenance write), USER
 * from a fault taken from EL0, INSTR from an instruction abort.
 */
enum ptscope_pf_bit {
	PTSCOPE_PF_BIT_PROT,		/* protection violation (page present) */
	PTSCOPE_PF_BIT_WRITE,
	PTSCOPE_PF_BIT_USER,
	PTSCOPE_PF_BIT_RSVD,
	PTSCOPE_PF_BIT_INSTR,
	PTSCOPE_PF_BIT_PK,
	PTSCOPE_PF_BIT_SHSTK,
};

#define PTSCOPE_PF(name)	(1ULL << PTSCOPE_PF_BIT_##name)

/* PTSCOPE_A_WALK_FLAGS */
enum ptscope_walk_flag {
	PTSCOPE_WALK_RUNS = 1,		/* merge runs of equal leaves */
	PTSCOPE_WALK_SKIP_NONE = 2,	/* no records for unmapped pages */
	PTSCOPE_WALK_PACKED = 4,	/* records as PTSCOPE_A_PAGE_RECS */
	PTSCOPE_WALK_PLACEMENT = 8,	/* NUMA node and memory cgroup per record */
};

/*
 * PTSCOPE_A_WALK_FIELDS: which groups of a WALK record's fields the caller
 * wants. The module reads a frame's struct page and folio only for the
 * groups that need them, leaves the other groups' fields 0 (and their
 * PTSCOPE_REC_HAS_* bits clear), and joins runs on the groups asked for
 * alone, so fewer groups mean fewer, longer runs. The entry group is always
 * sent. A module older than the attribute refuses it (-EINVAL: strict
 * validation); libptscope then asks without it and clears the rest itself.
 */
enum ptscope_field {
	/* addr, nr_pages, level, state, pfn, entry, flags, cache, pkey, swap, cont_order */
	PTSCOPE_FIELD_ENTRY = 1,
	/* kind, pflags, mapcount, refcount, pincount, the owning resource */
	PTSCOPE_FIELD_FRAME = 2,
	PTSCOPE_FIELD_COW = 4,		/* cow: what a write would do */
	PTSCOPE_FIELD_PLACE = 8,	/* as PTSCOPE_WALK_PLACEMENT: nid, memcg, place */
};

#define PTSCOPE_FIELDS_DEFAULT	(PTSCOPE_FIELD_ENTRY | PTSCOPE_FIELD_FRAME | PTSCOPE_FIELD_COW)
#define PTSCOPE_FIELDS_ALL	(PTSCOPE_FIELDS_DEFAULT | PTSCOPE_FIELD_PLACE)

/*
 * One WALK record in PTSCOPE_A_PAGE_RECS, in host byte order. A nest per
 * page costs more to build and to parse than the page costs to walk, hence
 * this fixed layout for long walks. It is append-only like the rest: a
 * reader copies the first min(its size, PTSCOPE_A_PAGE_REC_SIZE) bytes of
 * each record and zeroes the rest. Records are not 8-byte aligned in the
 * message; copy them out rather than pointing into it.
 */
struct ptscope_page_rec {
	__u64 addr;
	__u64 nr_pages;
	__u64 pfn;		/* PTSCOPE_REC_HAS_PFN */
	__u64 entry;		/* raw entry (of the first page) */
	__u64 flags;		/* PTSCOPE_ENTRY_* bits */
	__u64 swap_offset;	/* state swap */
	__u64 res_flags;	/* PTSCOPE_REC_HAS_RES: IORESOURCE_* */
	__u32 pflags;		/* state present: PTSCOPE_PAGE_* */
	__u32 mapcount;		/* PTSCOPE_REC_HAS_PAGE: as /proc/kpagecount */
	__u32 refcount;		/* PTSCOPE_REC_HAS_PAGE */
	__u32 pincount;		/* PTSCOPE_REC_HAS_PINCOUNT */
	__u32 res_desc;		/* PTSCOPE_REC_HAS_RES: IORES_DESC_* */
	__u32 swap_type;	/* state swap */
	__u8 level;		/* PTSCOPE_LEVEL_* */
	__u8 state;		/* PTSCOPE_STATE_* */
	__u8 kind;		/* state present: PTSCOPE_KIND_* */
	__u8 cache;		/* state present: PTSCOPE_CACHE_* */
	__u8 cow;		/* PTSCOPE_COW_* */
	__u8 pkey;		/* state present */
	__u8 has;		/* PTSCOPE_REC_HAS_*: which optional fields apply */
	/*
	 * A leaf that spans 1 << cont_order entries of its level (arm64's
	 * contiguous hugetlb: 16 PTEs of 64 KiB, 16 PMDs of 32 MiB with 4 KiB
	 * pages; 128 PTEs of 2 MiB, 32 PMDs of 1 GiB with 16 KiB pages): one
	 * page to everyone else, one leaf here. 0 otherwise.
	 * (Was "reserved", always 0, before arm64.)
	 */
	__u8 cont_order;
	/*
	 * With PTSCOPE_WALK_RUNS: the raw entry of the record's k-th leaf
	 * (k = 0 for the leaf holding addr; leaves are sized and aligned as
	 * their level and cont_order say) is entry + k * entry_step, and a page's frame (or swap
	 * offset) is pfn (swap_offset) plus its distance from addr in pages.
	 * Runs join only leaves that follow this rule (present ones differ in
	 * their frame bits alone), so they expand back into leaves exactly.
	 * 0 for a record of one leaf.
	 */
	__u64 entry_step;
	/* Since PTSCOPE_WALK_PLACEMENT (older modules send records without these). */
	__u64 memcg;		/* PTSCOPE_REC_HAS_MEMCG: cgroup inode, see below */
	__u32 nid;		/* PTSCOPE_REC_HAS_NID: NUMA node of the frame */
	__u32 place;		/* PTSCOPE_PLACE_* */
};

enum ptscope_page_rec_has {
	PTSCOPE_REC_HAS_PFN = 1,
	PTSCOPE_REC_HAS_PAGE = 2,	/* mapcount, refcount */
	PTSCOPE_REC_HAS_PINCOUNT = 4,
	PTSCOPE_REC_HAS_RES = 8,	/* res_flags, res_desc */
	PTSCOPE_REC_PHYS_HIDDEN = 16,	/* pfn and frame bits withheld: 0 */
	PTSCOPE_REC_HAS_NID = 32,
	PTSCOPE_REC_HAS_MEMCG = 64,
};

/*
 * Where a page lives (PTSCOPE_WALK_PLACEMENT), for CAP_SYS_ADMIN only, on
 * present frames with a struct page in use (RAM; not ZONE_DEVICE, not the
 * frames of VM_PFNMAP mappings), the zero pages included. The node is the
 * frame's NUMA node. The memory cgroup (PTSCOPE_FEATURE_BIT_MEMCG) is the
 * inode of the cgroup directory charged for the page's folio, or of its
 * nearest ancestor still online when that cgroup was removed, as
 * /proc/kpagecgroup says of the folio's head page (of every page since
 * 6.4); 0: charged to none. Other callers may ask move_pages(2) for the
 * nodes, under its own rule (which libptscope does for them);
 * /proc/kpagecgroup is root's.
 */
enum ptscope_place_flag {
	/*
	 * The page still points at a removed cgroup: memcg is its nearest
	 * online ancestor. Best effort: kernels that hand a removed cgroup's
	 * charges to its parent (7.x, and kernel-charged pages on every
	 * kernel) name the parent without it.
	 */
	PTSCOPE_PLACE_MEMCG_OFFLINE = 1,
};

/*
 * PTSCOPE_CMD_TABLES: one PTSCOPE_A_TABLE nest per page-table page of the
 * target that maps part of [START, END) inside a mapping, top level first
 * within each region, each table once even when several mappings share it.
 */
enum ptscope_table_attr {
	PTSCOPE_A_TABLE_UNSPEC,
	PTSCOPE_A_TABLE_PAD,
	PTSCOPE_A_TABLE_LEVEL,		/* u32: PTSCOPE_LEVEL_* of its entries */
	PTSCOPE_A_TABLE_ADDR,		/* u64: first user address it maps */
	PTSCOPE_A_TABLE_ENTRIES,	/* u32: its entries for user addresses */
	PTSCOPE_A_TABLE_USED,		/* u32: of those, not none */
	PTSCOPE_A_TABLE_LEAVES,		/* u32: of those, leaves (and swap entries, markers) */
	PTSCOPE_A_TABLE_PHYS,		/* u64: CAP_SYS_ADMIN only */
	PTSCOPE_A_TABLE_FLAGS,		/* u32: PTSCOPE_TABLE_* */

	__PTSCOPE_A_TABLE_MAX,
	PTSCOPE_A_TABLE_MAX = __PTSCOPE_A_TABLE_MAX - 1
};

enum ptscope_table_flag {
	/* hugetlb PMD sharing: other processes' tables point here too */
	PTSCOPE_TABLE_SHARED = 1,
};

/* What a leaf entry holds. */
enum ptscope_state {
	PTSCOPE_STATE_NONE,		/* no entry: never touched or discarded */
	PTSCOPE_STATE_PRESENT,		/* maps a frame (PROT_NONE included) */
	PTSCOPE_STATE_SWAP,		/* swapped out: type and offset */
	PTSCOPE_STATE_MIGRATION,	/* being migrated: pfn is the old frame */
	PTSCOPE_STATE_DEVICE_PRIVATE,	/* in device memory: pfn of the device page */
	PTSCOPE_STATE_HWPOISON,		/* frame hit by a memory error */
	PTSCOPE_STATE_MARKER,		/* PTE marker (uffd-wp, poison, guard) */
	PTSCOPE_STATE_OTHER,		/* a non-swap entry of a kind not known here */
};

#define PTSCOPE_STATE_NAMES {						\
	"none", "present", "swap", "migration", "device-private",	\
	"hwpoison", "marker", "other"					\
}

/* What a present entry's frame is. */
enum ptscope_kind {
	PTSCOPE_KIND_ANON,		/* anonymous memory */
	PTSCOPE_KIND_FILE,		/* page cache of a regular file */
	PTSCOPE_KIND_SHMEM,		/* tmpfs, memfd, shared anonymous, SysV shm */
	PTSCOPE_KIND_ZERO_PAGE,		/* the shared zero page */
	PTSCOPE_KIND_HUGE_ZERO_PAGE,	/* the shared huge zero page */
	PTSCOPE_KIND_KSM,		/* merged by KSM */
	PTSCOPE_KIND_HUGETLB,		/* hugetlbfs */
	PTSCOPE_KIND_PFNMAP,		/* mapped by frame number: no struct page in use */
	PTSCOPE_KIND_NOT_RAM,		/* PFN-mapped and not System RAM (MMIO) */
	PTSCOPE_KIND_OTHER,		/* a struct page of none of the kinds above */
};

#define PTSCOPE_KIND_NAMES {						\
	"anon", "file", "shmem", "zero-page", "huge-zero-page", "ksm",	\
	"hugetlb", "pfnmap", "not-ram", "other"				\
}

/*
 * What a write to a page would do, from its mapping, entry and frame
 * (PTSCOPE_A_PAGE_COW). The kernel decides at the fault; this is the
 * prediction from the state at the walk.
 */
enum ptscope_cow {
	PTSCOPE_COW_UNMAPPED,		/* no present entry: the write faults it in first */
	PTSCOPE_COW_WRITABLE,		/* writable entry: written in place */
	PTSCOPE_COW_SHARED,		/* anon frame shared read-only: the write copies it */
	PTSCOPE_COW_REUSABLE,		/* read-only, frame exclusive: reused, no copy */
	PTSCOPE_COW_ZERO,		/* the (huge) zero page: a fresh frame is allocated */
	PTSCOPE_COW_FILE,		/* page cache in a private mapping: copied from it */
	PTSCOPE_COW_KSM,		/* merged by KSM: the write copies it */
	PTSCOPE_COW_SHARED_MAPPING,	/* MAP_SHARED: in place, seen by every sharer */
	PTSCOPE_COW_READ_ONLY,		/* the mapping forbids writes: SIGSEGV */
	PTSCOPE_COW_UFFD_WP,		/* userfaultfd write-protected: its handler is woken */
	PTSCOPE_COW_OTHER,		/* a frame with no known COW behaviour (PFN maps) */
	/* mapped once but for one reference (an LRU batch's, the swap cache's): reused or copied */
	PTSCOPE_COW_MAY_COPY,

	__PTSCOPE_COW_COUNT
};

#define PTSCOPE_COW_NAMES {						\
	"unmapped", "writable", "cow-shared", "reusable", "zero",	\
	"file-private", "ksm", "shared-mapping", "read-only", "uffd-wp",	\
	"other", "may-copy"						\
}

/* PTSCOPE_A_PAGE_PFLAGS */
enum ptscope_page_bit {
	PTSCOPE_PAGE_BIT_THP,		/* part of a transparent huge page (large folio) */
	PTSCOPE_PAGE_BIT_ANON_EXCLUSIVE, /* anon page known exclusive to this process */
	PTSCOPE_PAGE_BIT_PINNED,	/* (maybe) pinned for DMA: folio_maybe_dma_pinned() */
	/*
	 * Since 1.2, what /proc/PID/pagemap tells every reader, for present
	 * pages: the frame is mapped by one entry (mapcount 1, its
	 * "exclusively mapped" bit 56; never for a 1 GiB page, nor a hugetlb
	 * page behind a shared table), and it is not anonymous memory but a
	 * file's or shmem's (bit 61). Never set on the zero pages (pagemap
	 * sets bit 61 on the huge one), on frames without a struct page, or
	 * in VM_PFNMAP mappings, where pagemap does not look.
	 */
	PTSCOPE_PAGE_BIT_MAPPED_ONCE,
	PTSCOPE_PAGE_BIT_FILE_BACKED,

	__PTSCOPE_PAGE_BIT_COUNT
};

#define PTSCOPE_PAGE(name)	(1U << PTSCOPE_PAGE_BIT_##name)
#define PTSCOPE_PAGE_NAMES {					\
	"thp", "anon-exclusive", "pinned", "mapped-once", "file-backed"	\
}

/* PHYS: the physical page's state (PTSCOPE_A_PHYS_PFLAGS). */
enum ptscope_phys_bit {
	PTSCOPE_PHYS_BIT_LOCKED,
	PTSCOPE_PHYS_BIT_REFERENCED,
	PTSCOPE_PHYS_BIT_UPTODATE,
	PTSCOPE_PHYS_BIT_DIRTY,
	PTSCOPE_PHYS_BIT_LRU,
	PTSCOPE_PHYS_BIT_ACTIVE,
	PTSCOPE_PHYS_BIT_SLAB,
	PTSCOPE_PHYS_BIT_WRITEBACK,
	PTSCOPE_PHYS_BIT_RESERVED,
	PTSCOPE_PHYS_BIT_BUDDY,		/* free, in the page allocator */
	PTSCOPE_PHYS_BIT_COMPOUND,	/* part of a large folio */
	PTSCOPE_PHYS_BIT_HUGETLB,
	PTSCOPE_PHYS_BIT_ANON,
	PTSCOPE_PHYS_BIT_KSM,
	PTSCOPE_PHYS_BIT_SWAPCACHE,
	PTSCOPE_PHYS_BIT_SWAPBACKED,
	PTSCOPE_PHYS_BIT_UNEVICTABLE,
	PTSCOPE_PHYS_BIT_MLOCKED,
	PTSCOPE_PHYS_BIT_HWPOISON,
	PTSCOPE_PHYS_BIT_ZERO,		/* the zero page */
	PTSCOPE_PHYS_BIT_PINNED,	/* folio_maybe_dma_pinned() */

	__PTSCOPE_PHYS_BIT_COUNT
};

#define PTSCOPE_PHYS(name)	(1ULL << PTSCOPE_PHYS_BIT_##name)
#define PTSCOPE_PHYS_NAMES {						\
	"locked", "referenced", "uptodate", "dirty", "lru", "active",	\
	"slab", "writeback", "reserved", "buddy", "compound", "hugetlb", \
	"anon", "ksm", "swapcache", "swapbacked", "unevictable",	\
	"mlocked", "hwpoison", "zero", "pinned"				\
}

enum ptscope_phys_attr {
	PTSCOPE_A_PHYS_UNSPEC,
	PTSCOPE_A_PHYS_PAD,
	PTSCOPE_A_PHYS_ADDR,		/* u64 */
	PTSCOPE_A_PHYS_PFN,		/* u64 */
	PTSCOPE_A_PHYS_RAM,		/* u32: 1 if System RAM */
	PTSCOPE_A_PHYS_NID,		/* u32: struct page in use only */
	PTSCOPE_A_PHYS_ZONE,		/* string: struct page in use only */
	PTSCOPE_A_PHYS_PFLAGS,		/* u64: PTSCOPE_PHYS_* */
	PTSCOPE_A_PHYS_MAPCOUNT,	/* u32 */
	PTSCOPE_A_PHYS_REFCOUNT,	/* u32 */
	PTSCOPE_A_PHYS_PINCOUNT,	/* u32: large folios only */
	PTSCOPE_A_PHYS_RES_FLAGS,	/* u64: IORESOURCE_*, when a resource claims it */
	PTSCOPE_A_PHYS_RES_DESC,	/* u32: IORES_DESC_* */

	__PTSCOPE_A_PHYS_MAX,
	PTSCOPE_A_PHYS_MAX = __PTSCOPE_A_PHYS_MAX - 1
};

/* What an IOMMU does for a device (PTSCOPE_A_IOMMU_DOMAIN). */
enum ptscope_iommu_domain {
	PTSCOPE_IOMMU_NONE,		/* no IOMMU translates for it: DMA addresses are physical */
	PTSCOPE_IOMMU_BLOCKED,		/* all DMA blocked */
	PTSCOPE_IOMMU_IDENTITY,		/* passthrough: IOVA = physical address */
	PTSCOPE_IOMMU_DMA,		/* DMA API domain: IOVAs mapped by the kernel */
	PTSCOPE_IOMMU_DMA_FQ,		/* the same, with a flush queue (lazy unmap) */
	PTSCOPE_IOMMU_UNMANAGED,	/* owned by a user (VFIO, a driver) */
	PTSCOPE_IOMMU_OTHER,
};

#define PTSCOPE_IOMMU_DOMAIN_NAMES {					\
	"none", "blocked", "identity", "dma", "dma-fq", "unmanaged", "other" \
}

enum ptscope_iommu_attr {
	PTSCOPE_A_IOMMU_UNSPEC,
	PTSCOPE_A_IOMMU_PAD,
	PTSCOPE_A_IOMMU_DOMAIN,		/* u32: enum ptscope_iommu_domain */
	PTSCOPE_A_IOMMU_GROUP,		/* u32: the device's IOMMU group, if any */
	PTSCOPE_A_IOMMU_IOVA,		/* u64: asked for */
	PTSCOPE_A_IOMMU_PHYS,		/* u64: what IOVA translates to, if mapped */

	__PTSCOPE_A_IOMMU_MAX,
	PTSCOPE_A_IOMMU_MAX = __PTSCOPE_A_IOMMU_MAX - 1
};

/*
 * Cache modes: x86's PAT modes, in the kernel's enum page_cache_mode order,
 * and the common vocabulary arm64's memory types map to (doc/ptscope.8,
 * CACHE MODES): Normal (and Normal-Tagged) WB, Normal-NC WC, Device-nGnRE
 * UC- (what ioremap() gives on both), Device-nGnRnE UC (the strictest).
 * The raw entry keeps the architecture's own field (arm64: AttrIndx).
 */
enum ptscope_cache {
	PTSCOPE_CACHE_WB,
	PTSCOPE_CACHE_WC,
	PTSCOPE_CACHE_UC_MINUS,
	PTSCOPE_CACHE_UC,
	PTSCOPE_CACHE_WT,
	PTSCOPE_CACHE_WP,
};

#define PTSCOPE_CACHE_NAMES { "WB", "WC", "UC-", "UC", "WT", "WP" }

/*
 * Page-table levels, by the kernel's names. Levels the kernel folds away
 * (P4D without 5-level paging; arm64 folds PUD too with 16 KiB pages and
 * 47-bit addresses) are not reported.
 */
enum ptscope_level {
	PTSCOPE_LEVEL_PTE,
	PTSCOPE_LEVEL_PMD,
	PTSCOPE_LEVEL_PUD,
	PTSCOPE_LEVEL_P4D,
	PTSCOPE_LEVEL_PGD,
};

#define PTSCOPE_LEVEL_NAMES { "PTE", "PMD", "PUD", "P4D", "PGD" }

/*
 * Decoded entry bits. The hardware bits come straight from the entry; the
 * software bits (soft-dirty and on) are read with the running kernel's own
 * accessors, since their positions differ between kernel versions.
 */
enum ptscope_entry_bit {
	PTSCOPE_ENTRY_BIT_PRESENT,	/* hardware P bit */
	PTSCOPE_ENTRY_BIT_RW,
	PTSCOPE_ENTRY_BIT_USER,
	PTSCOPE_ENTRY_BIT_PWT,
	PTSCOPE_ENTRY_BIT_PCD,
	PTSCOPE_ENTRY_BIT_ACCESSED,
	PTSCOPE_ENTRY_BIT_DIRTY,
	PTSCOPE_ENTRY_BIT_HUGE,		/* PS bit: a PMD/PUD leaf */
	PTSCOPE_ENTRY_BIT_PAT,		/* at the position the level uses */
	PTSCOPE_ENTRY_BIT_GLOBAL,
	PTSCOPE_ENTRY_BIT_NX,
	PTSCOPE_ENTRY_BIT_SOFT_DIRTY,
	PTSCOPE_ENTRY_BIT_UFFD_WP,
	PTSCOPE_ENTRY_BIT_SPECIAL,
	PTSCOPE_ENTRY_BIT_DEVMAP,
	PTSCOPE_ENTRY_BIT_PROTNONE,	/* PROT_NONE or NUMA hinting: present to the kernel */
	PTSCOPE_ENTRY_BIT_SAVED_DIRTY,	/* dirty, kept aside while write-protected (6.6+) */
	PTSCOPE_ENTRY_BIT_UFFD_RWP,	/* userfaultfd read-write-protected (7.3+): the
					 * uffd bit in a VMA registered for RWP
					 */
	/*
	 * arm64's own bits. There PRESENT is the valid bit, HUGE a block
	 * entry, DIRTY the kernel's pte_dirty() (hardware DBM dirty or the
	 * software bit); RW, USER, ACCESSED, NX and the x86 cache bits are
	 * never set.
	 */
	PTSCOPE_ENTRY_BIT_AF,		/* access flag */
	PTSCOPE_ENTRY_BIT_NG,		/* not global (ASID-tagged) */
	PTSCOPE_ENTRY_BIT_DBM,		/* dirty bit modifier: writable, hardware-dirty */
	PTSCOPE_ENTRY_BIT_CONT,		/* contiguous hint: one of 16 (or 32) entries */
	PTSCOPE_ENTRY_BIT_PXN,		/* privileged execute-never */
	PTSCOPE_ENTRY_BIT_UXN,		/* user execute-never */
	PTSCOPE_ENTRY_BIT_AP_EL0,	/* AP[1]: EL0 may access */
	PTSCOPE_ENTRY_BIT_AP_RO,	/* AP[2]: read-only */
	PTSCOPE_ENTRY_BIT_GP,		/* guarded page (BTI) */
	PTSCOPE_ENTRY_BIT_MTE,		/* AttrIndx is Normal-Tagged (MTE) */

	__PTSCOPE_ENTRY_BIT_COUNT
};

#define PTSCOPE_ENTRY(name)	(1ULL << PTSCOPE_ENTRY_BIT_##name)

#define PTSCOPE_ENTRY_NAMES {						\
	"present", "rw", "user", "pwt", "pcd", "accessed", "dirty",	\
	"huge", "pat", "global", "nx", "soft-dirty", "uffd-wp",		\
	"special", "devmap", "protnone", "saved-dirty", "uffd-rwp",	\
	"af", "ng", "dbm", "cont", "pxn", "uxn", "el0", "ro", "gp",	\
	"mte"								\
}

/*
 * Kernel features that decide what page-table state can exist (and so which
 * tests and fields apply). A bit is set when the running kernel has the
 * feature enabled now, not merely compiled in, where the two differ.
 */
enum ptscope_feature_bit {
	PTSCOPE_FEATURE_BIT_LA57,	/* 5-level paging in use */
	PTSCOPE_FEATURE_BIT_PAT,	/* PAT enabled: PWT/PCD/PAT select cache modes */
	PTSCOPE_FEATURE_BIT_NX,		/* no-execute bit supported */
	PTSCOPE_FEATURE_BIT_PKEYS,	/* protection keys enabled (OSPKE) */
	PTSCOPE_FEATURE_BIT_SOFT_DIRTY,	/* CONFIG_MEM_SOFT_DIRTY */
	PTSCOPE_FEATURE_BIT_UFFD_WP,	/* userfaultfd write-protect markers */
	PTSCOPE_FEATURE_BIT_THP,	/* transparent huge pages */
	PTSCOPE_FEATURE_BIT_HUGETLB,	/* hugetlbfs */
	PTSCOPE_FEATURE_BIT_KSM,	/* kernel samepage merging */
	PTSCOPE_FEATURE_BIT_SWAP,	/* swap support */
	PTSCOPE_FEATURE_BIT_UFFD_RWP,	/* userfaultfd read-write protection (7.3+) */
	PTSCOPE_FEATURE_BIT_BTI,	/* arm64: branch target identification */
	PTSCOPE_FEATURE_BIT_MTE,	/* arm64: memory tagging (PROT_MTE) */
	PTSCOPE_FEATURE_BIT_HW_DBM,	/* arm64: hardware dirty-bit management */
	PTSCOPE_FEATURE_BIT_HW_AF,	/* arm64: hardware access-flag management */
	PTSCOPE_FEATURE_BIT_MEMCG,	/* memory cgroups charge pages (placement's cgroup) */

	__PTSCOPE_FEATURE_BIT_COUNT
};

#define PTSCOPE_FEATURE(name)	(1ULL << PTSCOPE_FEATURE_BIT_##name)

/* PTSCOPE_A_INFO_ARCH */
enum ptscope_arch {
	PTSCOPE_ARCH_UNKNOWN,
	PTSCOPE_ARCH_X86_64,
	PTSCOPE_ARCH_ARM64,
};

#define PTSCOPE_ARCH_NAMES { "unknown", "x86_64", "aarch64" }

/* Names of the feature bits, indexed by enum ptscope_feature_bit. */
#define PTSCOPE_FEATURE_NAMES {						\
	"la57", "pat", "nx", "pkeys", "soft-dirty", "uffd-wp", "thp",	\
	"hugetlb", "ksm", "swap", "uffd-rwp", "bti", "mte", "hw-dbm",	\
	"hw-af", "memcg"							\
}

#endif /* _UAPI_PTSCOPE_H */
