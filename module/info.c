// SPDX-License-Identifier: GPL-2.0
/*
 * What the running kernel looks like to a page-table reader: page size,
 * paging depth, the user address limit and the features that decide which
 * entry bits can be set. Shared by GET_INFO and debugfs so both always agree.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/string.h>
#include <asm/memtype.h>
#include <asm/processor.h>

#include "ptscope.h"
#include "compat.h"

const char *const ptscope_feature_names[__PTSCOPE_FEATURE_BIT_COUNT] =
	PTSCOPE_FEATURE_NAMES;

static u64 ptscope_features(void)
{
	u64 f = 0;

	if (pgtable_l5_enabled())
		f |= PTSCOPE_FEATURE(LA57);
	if (pat_enabled())
		f |= PTSCOPE_FEATURE(PAT);
	if (__supported_pte_mask & _PAGE_NX)
		f |= PTSCOPE_FEATURE(NX);
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		f |= PTSCOPE_FEATURE(PKEYS);
	if (IS_ENABLED(CONFIG_MEM_SOFT_DIRTY))
		f |= PTSCOPE_FEATURE(SOFT_DIRTY);
	if (IS_ENABLED(CONFIG_PTE_MARKER_UFFD_WP))
		f |= PTSCOPE_FEATURE(UFFD_WP);
	if (PTSCOPE_VM_UFFD_RWP)
		f |= PTSCOPE_FEATURE(UFFD_RWP);
	if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		f |= PTSCOPE_FEATURE(THP);
	if (IS_ENABLED(CONFIG_HUGETLB_PAGE))
		f |= PTSCOPE_FEATURE(HUGETLB);
	if (IS_ENABLED(CONFIG_KSM))
		f |= PTSCOPE_FEATURE(KSM);
	if (IS_ENABLED(CONFIG_SWAP))
		f |= PTSCOPE_FEATURE(SWAP);
	return f;
}

void ptscope_info_get(struct ptscope_info *info)
{
	memset(info, 0, sizeof(*info));
	/* The host's release, not a UTS namespace's override of it. */
	strscpy(info->kernel_release, init_utsname()->release,
		sizeof(info->kernel_release));
	info->page_size = PAGE_SIZE;
	info->paging_levels = pgtable_l5_enabled() ? 5 : 4;
	info->user_addr_max = TASK_SIZE_MAX;
	info->phys_addr_bits = boot_cpu_data.x86_phys_bits;
	info->features = ptscope_features();
}
