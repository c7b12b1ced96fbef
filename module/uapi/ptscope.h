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

#define PTSCOPE_GENL_NAME	"ptscope"
#define PTSCOPE_GENL_VERSION	1

enum ptscope_cmd {
	PTSCOPE_CMD_UNSPEC,
	PTSCOPE_CMD_GET_INFO,

	__PTSCOPE_CMD_MAX,
	PTSCOPE_CMD_MAX = __PTSCOPE_CMD_MAX - 1
};

/* Top-level attributes of requests and replies. */
enum ptscope_attr {
	PTSCOPE_A_UNSPEC,
	PTSCOPE_A_PAD,
	PTSCOPE_A_INFO,			/* nest: enum ptscope_info_attr */

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

	__PTSCOPE_A_INFO_MAX,
	PTSCOPE_A_INFO_MAX = __PTSCOPE_A_INFO_MAX - 1
};

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

	__PTSCOPE_FEATURE_BIT_COUNT
};

#define PTSCOPE_FEATURE(name)	(1ULL << PTSCOPE_FEATURE_BIT_##name)

/* Names of the feature bits, indexed by enum ptscope_feature_bit. */
#define PTSCOPE_FEATURE_NAMES {						\
	"la57", "pat", "nx", "pkeys", "soft-dirty", "uffd-wp", "thp",	\
	"hugetlb", "ksm", "swap"					\
}

#endif /* _UAPI_PTSCOPE_H */
