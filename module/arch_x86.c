// SPDX-License-Identifier: GPL-2.0
/*
 * x86_64: PTE bits, PAT cache modes, CPU features and fault error codes,
 * as ptscope reports them. The interface is module/arch.h.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <asm/memtype.h>
#include <asm/processor.h>

#include "ptscope.h"
#include "arch.h"

/*
 * The entry as it was before x86's L1TF mitigation inverted its frame bits
 * (a non-present entry that maps a frame keeps them inverted; see
 * protnone_mask()). pfn_pte() inverts all of bits 12-51, pfn_pmd() and
 * pfn_pud() only those of their frame; in a huge entry bits 13-20 are
 * reserved zeros, so all of them set means they were inverted too. The
 * PAT bit of a huge entry (12) reads right only after this.
 */
static u64 entry_uninverted(u64 v)
{
	const u64 low = GENMASK_ULL(20, 13);

	if (!v || (v & _PAGE_PRESENT))
		return v;
	if ((v & low) == low)
		return v ^ PTE_PFN_MASK;
	return v ^ (PTE_PFN_MASK & ~GENMASK_ULL(20, 12));
}

/* Bit 7 is PS in PMD/PUD entries and PAT in PTEs; PAT moves to bit 12. */
static bool huge_capable(u32 level)
{
	return level == PTSCOPE_LEVEL_PMD || level == PTSCOPE_LEVEL_PUD;
}

u64 ptscope_entry_hw_flags(u64 v, u32 level)
{
	u64 f = 0;

	/* A swap-style entry's bits are its type and offset, not flags. */
	if (!ptscope_entry_maps_frame(v))
		return 0;
	v = entry_uninverted(v);
	if (v & _PAGE_PRESENT)
		f |= PTSCOPE_ENTRY(PRESENT);
	if (v & _PAGE_RW)
		f |= PTSCOPE_ENTRY(RW);
	if (v & _PAGE_USER)
		f |= PTSCOPE_ENTRY(USER);
	if (v & _PAGE_PWT)
		f |= PTSCOPE_ENTRY(PWT);
	if (v & _PAGE_PCD)
		f |= PTSCOPE_ENTRY(PCD);
	if (v & _PAGE_ACCESSED)
		f |= PTSCOPE_ENTRY(ACCESSED);
	if (v & _PAGE_DIRTY)
		f |= PTSCOPE_ENTRY(DIRTY);
	/* Without PRESENT, bit 8 is PROTNONE (a software flag), not GLOBAL. */
	if ((v & _PAGE_PRESENT) && (v & _PAGE_GLOBAL))
		f |= PTSCOPE_ENTRY(GLOBAL);
	if (v & _PAGE_NX)
		f |= PTSCOPE_ENTRY(NX);
	if (huge_capable(level)) {
		if (v & _PAGE_PSE)
			f |= PTSCOPE_ENTRY(HUGE);
		if ((v & _PAGE_PSE) && (v & _PAGE_PAT_LARGE))
			f |= PTSCOPE_ENTRY(PAT);
	} else if (v & _PAGE_PAT) {
		f |= PTSCOPE_ENTRY(PAT);
	}
	return f;
}

/* PWT | PCD << 1 | PAT << 2 -> enum page_cache_mode, built from the kernel. */
static u8 cache_mode_of_bits[8];

static unsigned int cache_bits(u64 v, u64 pat_bit)
{
	return (v & _PAGE_PWT ? 1 : 0) | (v & _PAGE_PCD ? 2 : 0) | (v & pat_bit ? 4 : 0);
}

void ptscope_arch_init(void)
{
	bool seen[8] = { };
	int pcm;

	for (pcm = 0; pcm < _PAGE_CACHE_MODE_NUM; pcm++) {
		unsigned long v = cachemode2protval(pcm);
		unsigned int idx = cache_bits(v, _PAGE_PAT);

		/* Without PAT several modes share bits: the first (strongest) wins. */
		if (!seen[idx]) {
			seen[idx] = true;
			cache_mode_of_bits[idx] = pcm;
		}
	}
}

u32 ptscope_entry_cache_mode(u64 v, u32 level)
{
	v = entry_uninverted(v);	/* PROT_NONE huge entries */
	return cache_mode_of_bits[cache_bits(v, huge_capable(level) ? _PAGE_PAT_LARGE : _PAGE_PAT)];
}

/* Bits 59-62 at every level that maps a page. */
u32 ptscope_entry_pkey(u64 v)
{
	return pte_flags_pkey(v);
}

u64 ptscope_arch_features(void)
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
	return f;
}

u32 ptscope_arch_phys_addr_bits(void)
{
	return boot_cpu_data.x86_phys_bits;
}

u32 ptscope_arch_va_bits(void)
{
	return pgtable_l5_enabled() ? 57 : 48;
}

u64 ptscope_arch_user_addr_max(void)
{
	return TASK_SIZE_MAX;
}

/* The error code is PTSCOPE_PF's bits, bit for bit. */
void ptscope_arch_fault(struct task_struct *task, const struct kernel_siginfo *info,
			u64 *error, u64 *esr, bool *has_esr, u32 *trap, bool *has_trap)
{
	*error = task->thread.error_code;
	*esr = 0;
	*has_esr = false;
	*trap = task->thread.trap_nr;
	*has_trap = true;
}
