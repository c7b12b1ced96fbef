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
#include <linux/netlink.h>
#include <linux/pgtable.h>

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

#endif
