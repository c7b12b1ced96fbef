// SPDX-License-Identifier: GPL-2.0
/*
 * What the running kernel looks like to a page-table reader: page size,
 * paging depth, the user address limit and the features that decide which
 * entry bits can be set. Shared by GET_INFO and debugfs so both always agree.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/string.h>

#include "ptscope.h"
#include "compat.h"
#include "arch.h"

const char *const ptscope_feature_names[__PTSCOPE_FEATURE_BIT_COUNT] =
	PTSCOPE_FEATURE_NAMES;
const char *const ptscope_arch_names[] = PTSCOPE_ARCH_NAMES;

static u64 ptscope_features(void)
{
	u64 f = ptscope_arch_features();

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
	if (ptscope_memcg_enabled())
		f |= PTSCOPE_FEATURE(MEMCG);
	return f;
}

/*
 * The levels a translation goes through: PGD and PTE always; P4D and PUD
 * unless folded (x86 without 5-level paging; arm64 by page size and address
 * width, at boot with LPA2). The folding tests look at no mm.
 */
u32 ptscope_paging_levels(void)
{
	return 2 + !mm_p4d_folded(NULL) + !mm_pud_folded(NULL) + !mm_pmd_folded(NULL);
}

void ptscope_info_get(struct ptscope_info *info)
{
	memset(info, 0, sizeof(*info));
	/* The host's release, not a UTS namespace's override of it. */
	strscpy(info->kernel_release, init_utsname()->release,
		sizeof(info->kernel_release));
	info->page_size = PAGE_SIZE;
	info->paging_levels = ptscope_paging_levels();
	info->user_addr_max = ptscope_arch_user_addr_max();
	info->phys_addr_bits = ptscope_arch_phys_addr_bits();
	info->va_bits = ptscope_arch_va_bits();
	info->arch = PTSCOPE_ARCH;
	info->features = ptscope_features();
}
