/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of ptscope.ko. */
#ifndef PTSCOPE_INTERNAL_H
#define PTSCOPE_INTERNAL_H

#include <linux/types.h>
#include <linux/utsname.h>

#include "uapi/ptscope.h"

/* What GET_INFO reports; filled by ptscope_info_get(). */
struct ptscope_info {
	char kernel_release[__NEW_UTS_LEN + 1];
	u32 page_size;
	u32 paging_levels;
	u64 user_addr_max;
	u32 phys_addr_bits;
	u64 features;
};

void ptscope_info_get(struct ptscope_info *info);
extern const char *const ptscope_feature_names[__PTSCOPE_FEATURE_BIT_COUNT];

int ptscope_netlink_init(void);
void ptscope_netlink_exit(void);

void ptscope_debugfs_init(void);
void ptscope_debugfs_exit(void);

#endif
