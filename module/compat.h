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

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "ptscope needs Linux 6.1 or newer"
#endif

#endif
