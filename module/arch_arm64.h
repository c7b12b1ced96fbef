/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's raw entries, tested where a hot path needs them inline. The rest
 * of arm64's decoding is in arch_arm64.c; module/arch.h is the interface.
 *
 * An entry is present to the kernel when valid (bit 0), or when invalid
 * to the MMU but present to software: mprotect(PROT_NONE), NUMA hinting,
 * a PMD being split. 6.1 marks those with bit 58 (a PMD being split with
 * bit 59), 6.9 on with nG, bit 11, which no swap entry sets; pte_present()
 * and pmd_present() know their kernel's way.
 */
#ifndef PTSCOPE_ARCH_ARM64_H
#define PTSCOPE_ARCH_ARM64_H

#include <linux/pgtable.h>

#define PTSCOPE_ARCH PTSCOPE_ARCH_ARM64

/*
 * The entry bit of the kernel's pte_write(): DBM, which the kernel uses as
 * its write permission (a clean writable entry is DBM and read-only until
 * the hardware, or the fault handler, clears AP[2] on the first write).
 */
#define PTSCOPE_ENTRY_WRITE PTSCOPE_ENTRY(DBM)

/* The entry bit the hardware sets on access. */
#define PTSCOPE_ENTRY_YOUNG PTSCOPE_ENTRY(AF)

/*
 * Descriptor bit 1 above the last level: a table, not a block (the
 * architecture's own layout; the kernel's name for it, PMD_TABLE_BIT,
 * is gone from 6.14's headers).
 */
#define PTSCOPE_ARM64_TABLE BIT_ULL(1)

/* A P4D level exists only in kernels built for 5 levels (6.9 on, LPA2). */
static inline unsigned long ptscope_p4d_index(unsigned long addr)
{
#if CONFIG_PGTABLE_LEVELS > 4
	return p4d_index(addr);
#else
	return 0;
#endif
}

/*
 * PROT_NONE (or NUMA hinting) whether or not the kernel was built with
 * CONFIG_NUMA_BALANCING (pte_protnone() is 0 without): present, not valid,
 * and neither readable nor executable from EL0 (which tells it from a PMD
 * being split, whose user bits stay).
 */
static inline bool ptscope_pte_protnone(pte_t pte)
{
	return pte_present(pte) && !pte_valid(pte) && !(pte_val(pte) & PTE_USER) &&
	       (pte_val(pte) & PTE_UXN);
}

static inline bool ptscope_pmd_protnone(pmd_t pmd)
{
	return ptscope_pte_protnone(pmd_pte(pmd));
}

static inline bool ptscope_entry_maps_frame(u64 v)
{
	return pte_present(__pte(v)) || pmd_present(__pmd(v));
}

/*
 * A PTE as the table holds it: 6.9 on, with CONFIG_ARM64_CONTPTE,
 * ptep_get() gathers the access and dirty bits of a contiguous run into
 * the entry it returns (and clears its read-only bit).
 */
#ifdef CONFIG_ARM64_CONTPTE
#define ptscope_ptep_get_raw(ptep) __ptep_get(ptep)
#else
#define ptscope_ptep_get_raw(ptep) ptep_get(ptep)
#endif

/*
 * The access and dirty bits of a contiguous (contpte) block as the kernel
 * sees them (ptep_get() gathers them over the block: the hardware updates
 * only the entry it used), to report besides the raw entry's. The PTE lock
 * is held. Contpte maps any aligned large folio (mTHP, page cache), not
 * only hugetlb.
 */
static inline u64 ptscope_pte_gathered_flags(pte_t *ptep)
{
#ifdef CONFIG_ARM64_CONTPTE
	pte_t pte = ptep_get(ptep);

	if (!pte_valid_cont(pte))
		return 0;
	return (pte_young(pte) ? PTSCOPE_ENTRY(AF) : 0) |
	       (pte_dirty(pte) ? PTSCOPE_ENTRY(DIRTY) : 0);
#else
	return 0;
#endif
}

static inline bool ptscope_pte_gathers(pte_t pte)
{
#ifdef CONFIG_ARM64_CONTPTE
	return pte_valid_cont(pte);
#else
	return false;
#endif
}

/* A user address without its top byte (TBI, MTE tags). */
#define ptscope_untagged_addr(addr) untagged_addr(addr)

/*
 * The output address bits: [PAGE_SHIFT, 49]; with 64 KiB pages and 52-bit
 * addresses also 12-15 (address bits 48-51); with LPA2 in use 8-9 (address
 * bits 50-51, where the shareability field is otherwise).
 */
static inline u64 ptscope_entry_frame_mask(void)
{
	u64 mask = GENMASK_ULL(49, PAGE_SHIFT);

#if defined(CONFIG_ARM64_64K_PAGES) && defined(CONFIG_ARM64_PA_BITS_52)
	mask |= GENMASK_ULL(15, 12);
#endif
#ifdef CONFIG_ARM64_LPA2
	if (lpa2_is_enabled())
		mask |= GENMASK_ULL(9, 8);
#endif
	return mask;
}

/* A block (bit 1 clear) rather than a table, present or PROT_NONE. */
static inline bool ptscope_pud_is_leaf(pud_t pud)
{
	u64 v = pud_val(pud);

	return ptscope_entry_maps_frame(v) && !(v & PTSCOPE_ARM64_TABLE);
}

#endif
