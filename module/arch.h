/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between architectures, behind one interface: how a raw
 * entry's bits read, which cache mode (memory type) it selects, what the
 * CPU offers, and what a fault left in the task. One place per
 * architecture: arch_x86.{c,h} and arch_arm64.{c,h}; the walker, the
 * netlink contract and the library stay generic.
 *
 * The per-architecture header gives, inline (they run once per entry):
 *   ptscope_pte_protnone(), ptscope_pmd_protnone(): mprotect(PROT_NONE) or
 *     NUMA hinting, in every configuration (the kernel's own tests are
 *     constant 0 without CONFIG_NUMA_BALANCING);
 *   ptscope_entry_maps_frame(v): a raw entry, at any level, that maps a
 *     frame (present to the kernel), rather than a swap-style one;
 *   ptscope_entry_frame_mask(): the frame bits of a present entry;
 *   ptscope_pud_is_leaf(pud): a PUD that maps memory itself, present or
 *     PROT_NONE;
 *   ptscope_ptep_get_raw(ptep): a PTE as the table holds it;
 *   ptscope_pte_gathered_flags(ptep): access and dirty bits the kernel's
 *     view of a PTE adds to the raw entry (arm64 contpte blocks);
 *   ptscope_pte_gathers(pte): whether it may add any to this one;
 *   ptscope_untagged_addr(addr): a user address without tag bits;
 *   PTSCOPE_ENTRY_YOUNG: the PTSCOPE_ENTRY bit of the hardware access flag;
 *   PTSCOPE_ENTRY_WRITE: the PTSCOPE_ENTRY bit of the kernel's pte_write();
 *   ptscope_p4d_index(addr): p4d_index(), where the kernel has a P4D level;
 *   PTSCOPE_ARCH: the PTSCOPE_ARCH_* value.
 */
#ifndef PTSCOPE_ARCH_H
#define PTSCOPE_ARCH_H

#include <linux/types.h>

#if defined(CONFIG_X86_64)
#include "arch_x86.h"
#elif defined(CONFIG_ARM64)
#include "arch_arm64.h"
#else
#error "ptscope knows the page tables of x86_64 and arm64 only"
#endif

struct task_struct;
struct kernel_siginfo;

/*
 * The one rule for what a caller without CAP_SYS_ADMIN sees of a raw entry
 * (/proc/PID/pagemap's: no frames, no swap locations). An entry that maps a
 * frame keeps its flags and loses the frame; a swap-style entry encodes its
 * frame (migration, device, hwpoison) or its swap slot everywhere but its
 * low flag bits, so it is withheld whole.
 */
static inline u64 ptscope_entry_hide_frame(u64 v)
{
	if (v && ptscope_entry_maps_frame(v))
		return v & ~ptscope_entry_frame_mask();
	return 0;
}

/* Once at load, before any request: tables built from the running kernel. */
void ptscope_arch_init(void);

/* The hardware bits of a raw entry at @level (PTSCOPE_LEVEL_*), as PTSCOPE_ENTRY_* bits. */
u64 ptscope_entry_hw_flags(u64 v, u32 level);
/* The cache mode (PTSCOPE_CACHE_*) a present leaf at @level selects. */
u32 ptscope_entry_cache_mode(u64 v, u32 level);
/* The protection key of a present leaf; 0 where there are none. */
u32 ptscope_entry_pkey(u64 v);

u64 ptscope_arch_features(void);	/* PTSCOPE_FEATURE_* of the CPU */
u32 ptscope_arch_phys_addr_bits(void);
u32 ptscope_arch_va_bits(void);
u64 ptscope_arch_user_addr_max(void);

/*
 * What the fault that raised signal @info in @task (current) left in it:
 * PTSCOPE_PF bits, the raw syndrome where there is one (arm64's ESR), the
 * trap number where there is one (x86).
 */
void ptscope_arch_fault(struct task_struct *task, const struct kernel_siginfo *info,
			u64 *error, u64 *esr, bool *has_esr, u32 *trap, bool *has_trap);

#endif
