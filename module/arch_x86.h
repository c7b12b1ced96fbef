/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64's raw entries, tested where a hot path needs them inline. The
 * rest of x86's decoding is in arch_x86.c; module/arch.h is the interface.
 */
#ifndef PTSCOPE_ARCH_X86_H
#define PTSCOPE_ARCH_X86_H

#include <linux/pgtable.h>

#define PTSCOPE_ARCH PTSCOPE_ARCH_X86_64

/* The entry bit of the kernel's pte_write(). */
#define PTSCOPE_ENTRY_WRITE PTSCOPE_ENTRY(RW)

/* The entry bit the hardware sets on access. */
#define PTSCOPE_ENTRY_YOUNG PTSCOPE_ENTRY(ACCESSED)

#define ptscope_p4d_index(addr) p4d_index(addr)

/* A PTE as the table holds it. */
#define ptscope_ptep_get_raw(ptep) ptep_get(ptep)

/* Bits the kernel's view of a PTE has and its raw entry may lack: none here. */
static inline u64 ptscope_pte_gathered_flags(pte_t *ptep)
{
	return 0;
}

static inline bool ptscope_pte_gathers(pte_t pte)
{
	return false;
}

/*
 * A user address without its tag bits. LAM's untagging (6.4+) reads a
 * per-CPU mask modules cannot link against: x86 addresses are taken as
 * they come.
 */
#define ptscope_untagged_addr(addr) (addr)

/* The frame bits of a present entry, at any level. */
static inline u64 ptscope_entry_frame_mask(void)
{
	return PTE_PFN_MASK;
}

/*
 * pte_protnone()/pmd_protnone() are constant 0 in kernels built without
 * CONFIG_NUMA_BALANCING, yet mprotect(PROT_NONE) entries exist there too.
 * This is x86's own test, for every configuration: PROTNONE without
 * PRESENT (swap entries never set bit 8, which is why x86 chose it).
 */
static inline bool ptscope_pte_protnone(pte_t pte)
{
	return (pte_flags(pte) & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}

static inline bool ptscope_pmd_protnone(pmd_t pmd)
{
	return (pmd_flags(pmd) & (_PAGE_PRESENT | _PAGE_PROTNONE)) == _PAGE_PROTNONE;
}

/*
 * Raw entries, at any level. An entry the kernel counts as present
 * has PRESENT, or PROTNONE without PRESENT (mprotect(PROT_NONE), NUMA
 * hinting), or, for a PMD being split, PSE alone (pmd_present()). Every
 * other non-zero entry is swap-style: swap, migration, device, hwpoison or
 * a marker, with its type and offset all over the frame bits.
 */
static inline bool ptscope_entry_maps_frame(u64 v)
{
	return v & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE);
}

/*
 * A PUD entry that maps memory itself (1 GiB hugetlb or a device's huge
 * mapping), present or PROT_NONE. 6.1's pud_leaf() wants PRESENT, so a
 * PROT_NONE leaf would read as a hole there; 6.12's takes PSE alone.
 */
static inline bool ptscope_pud_is_leaf(pud_t pud)
{
	u64 v = pud_val(pud);

	return (v & _PAGE_PSE) && (v & (_PAGE_PRESENT | _PAGE_PROTNONE));
}

#endif
