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

/* A process being inspected, held for the length of one request. */
struct ptscope_target {
	struct task_struct *task;
	struct mm_struct *mm;
	bool see_phys;		/* may see PFNs and physical addresses */
};

struct netlink_ext_ack;
int ptscope_target_get(u32 pid, bool admin, struct ptscope_target *t,
		       struct netlink_ext_ack *extack);
void ptscope_target_put(struct ptscope_target *t);

struct ptscope_xlate_level {
	u32 level;		/* enum ptscope_level */
	u32 index;
	u64 table_phys;
	u64 entry;
	u64 flags;		/* PTSCOPE_ENTRY_* */
	u64 leaf_size;		/* 0 unless this entry maps the address */
	u64 pfn;
	bool has_pfn;
};

struct ptscope_xlate {
	u64 addr;
	unsigned int nr;
	struct ptscope_xlate_level lv[5];
};

int ptscope_xlate(struct mm_struct *mm, unsigned long addr, struct ptscope_xlate *x);
void ptscope_xlate_hide_phys(struct ptscope_xlate *x);
int ptscope_xlate_for_caller(u32 pid, bool admin, unsigned long addr,
			     struct ptscope_xlate *x, struct netlink_ext_ack *extack);
extern const char *const ptscope_entry_names[__PTSCOPE_ENTRY_BIT_COUNT];

int ptscope_netlink_init(void);
void ptscope_netlink_exit(void);

void ptscope_debugfs_init(void);
void ptscope_debugfs_exit(void);

#endif
