// SPDX-License-Identifier: GPL-2.0
/*
 * arm64: descriptor bits, memory types (MAIR indices), CPU features and
 * fault syndromes, as ptscope reports them. The interface is module/arch.h.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/bitfield.h>
#include <linux/signal.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/esr.h>
#include <asm/memory.h>
#include <asm/processor.h>

#include "ptscope.h"
#include "arch.h"

/*
 * A leaf: at the PTE level a page, above it a block (bit 1 clear). A table
 * descriptor's other bits are hierarchical controls (user tables carry
 * PXNTable, bit 59), not these: only its valid bit is decoded.
 */
static bool is_leaf(u64 v, u32 level)
{
	return level == PTSCOPE_LEVEL_PTE || !(v & PTSCOPE_ARM64_TABLE);
}

u64 ptscope_entry_hw_flags(u64 v, u32 level)
{
	u64 f = 0;

	/* A swap-style entry's bits are its type and offset, not flags. */
	if (!ptscope_entry_maps_frame(v))
		return 0;
	if (v & PTE_VALID)
		f |= PTSCOPE_ENTRY(PRESENT);
	if (!is_leaf(v, level))
		return f;
	if (level != PTSCOPE_LEVEL_PTE)
		f |= PTSCOPE_ENTRY(HUGE);
	if (v & PTE_AF)
		f |= PTSCOPE_ENTRY(AF);
	/* Without the valid bit, bit 11 marks present-invalid (6.9 on), not nG. */
	if ((v & PTE_VALID) && (v & PTE_NG))
		f |= PTSCOPE_ENTRY(NG);
	if (v & PTE_DBM)
		f |= PTSCOPE_ENTRY(DBM);
	if (v & PTE_CONT)
		f |= PTSCOPE_ENTRY(CONT);
	if (v & PTE_PXN)
		f |= PTSCOPE_ENTRY(PXN);
	if (v & PTE_UXN)
		f |= PTSCOPE_ENTRY(UXN);
	if (v & PTE_USER)
		f |= PTSCOPE_ENTRY(AP_EL0);
	if (v & PTE_RDONLY)
		f |= PTSCOPE_ENTRY(AP_RO);
	if (v & PTE_GP)
		f |= PTSCOPE_ENTRY(GP);
	if ((v & PTE_ATTRINDX_MASK) == PTE_ATTRINDX(MT_NORMAL_TAGGED))
		f |= PTSCOPE_ENTRY(MTE);
	/* Hardware-dirty (writable and no longer read-only) or the software bit. */
	if (pte_dirty(__pte(v)))
		f |= PTSCOPE_ENTRY(DIRTY);
	return f;
}

/*
 * Hardware dirty and access flag management as every CPU's translation
 * control has it, taken once at load: each CPU programs its own TCR_EL1
 * (HA from its own ID register; HD only where no erratum forbids it, so
 * big.LITTLE machines can differ). A CPU brought up later is not asked.
 */
static atomic_t cpus_without_hd, cpus_without_ha;

static void count_tcr(void *unused)
{
	u64 tcr = read_sysreg(tcr_el1);

	if (!(tcr & TCR_HD))
		atomic_inc(&cpus_without_hd);
	if (!(tcr & TCR_HA))
		atomic_inc(&cpus_without_ha);
}

void ptscope_arch_init(void)
{
	on_each_cpu(count_tcr, NULL, 1);
}

/*
 * AttrIndx selects one of the MAIR's memory types; Linux fixes which index
 * is which (asm/memory.h). Mapped to the common vocabulary (uapi,
 * enum ptscope_cache): ioremap() gives Device-nGnRE, x86's UC-.
 */
u32 ptscope_entry_cache_mode(u64 v, u32 level)
{
	switch ((v & PTE_ATTRINDX_MASK) >> 2) {
	case MT_NORMAL:
	case MT_NORMAL_TAGGED:
		return PTSCOPE_CACHE_WB;
	case MT_NORMAL_NC:
		return PTSCOPE_CACHE_WC;
	case MT_DEVICE_nGnRE:
		return PTSCOPE_CACHE_UC_MINUS;
	default:
		return PTSCOPE_CACHE_UC;	/* Device-nGnRnE, and any device type */
	}
}

/* A permission overlay index (POE, 6.12 on), where the CPU has overlays. */
u32 ptscope_entry_pkey(u64 v)
{
#ifdef CONFIG_ARM64_POE
	if (system_supports_poe())
		return FIELD_GET(PTE_PO_IDX_MASK, v);
#endif
	return 0;
}

u64 ptscope_arch_features(void)
{
	u64 f = 0;

	/* 5 levels: 52-bit addresses with 4 KiB pages (LPA2), as x86's LA57. */
	if (!mm_p4d_folded(NULL))
		f |= PTSCOPE_FEATURE(LA57);
	if (system_supports_bti())
		f |= PTSCOPE_FEATURE(BTI);
	if (system_supports_mte())
		f |= PTSCOPE_FEATURE(MTE);
#ifdef CONFIG_ARM64_POE
	if (system_supports_poe())
		f |= PTSCOPE_FEATURE(PKEYS);
#endif
	/*
	 * What every CPU's translation control enables (ptscope_arch_init()),
	 * not the capability: the kernel sets ARM64_HW_DBM unconditionally.
	 */
	if (!atomic_read(&cpus_without_hd))
		f |= PTSCOPE_FEATURE(HW_DBM);
	if (!atomic_read(&cpus_without_ha))
		f |= PTSCOPE_FEATURE(HW_AF);
	return f;
}

/* The CPU's physical address range, as far as the kernel can map it. */
u32 ptscope_arch_phys_addr_bits(void)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u32 bits = id_aa64mmfr0_parange_to_phys_shift(cpuid_feature_extract_unsigned_field(mmfr0,
						      ID_AA64MMFR0_EL1_PARANGE_SHIFT));

	return min_t(u32, bits, PHYS_MASK_SHIFT);
}

u32 ptscope_arch_va_bits(void)
{
	return vabits_actual;
}

u64 ptscope_arch_user_addr_max(void)
{
	return TASK_SIZE_64;
}

/*
 * Whether the thread's saved ESR belongs to this signal: only memory
 * aborts save one with the address (set_thread_esr() before
 * arm64_force_sig_fault()); an asynchronous MTE fault
 * (SEGV_MTEAERR, from do_notify_resume()), a memory error claimed by APEI
 * (BUS_MCEERR_*, from task work) and the signals arm64_notify_segfault()
 * injects (fault_code 0) carry an older fault's, or none.
 */
static bool esr_is_this_signal(struct task_struct *task, const struct kernel_siginfo *info)
{
	unsigned long far = task->thread.fault_address;

	if (!task->thread.fault_code)
		return false;
	switch (info->si_signo) {
	case SIGSEGV:
		if (info->si_code != SEGV_MAPERR && info->si_code != SEGV_ACCERR &&
		    info->si_code != SEGV_MTESERR && info->si_code != SEGV_PKUERR)
			return false;
		break;
	case SIGBUS:
		/* A memory error found by the fault itself saves its ESR and address. */
		if (info->si_code == BUS_MCEERR_AR)
			return far && far == untagged_addr((unsigned long)info->si_addr);
		if (info->si_code != BUS_ADRALN && info->si_code != BUS_ADRERR &&
		    info->si_code != BUS_OBJERR)
			return false;
		break;
	default:
		return false;
	}
	return !far || far == untagged_addr((unsigned long)info->si_addr);
}

/*
 * The ESR the kernel saved for the signal (set_thread_esr(), what the
 * signal frame's esr_context shows), and the x86-style bits it amounts to:
 * a permission fault is a protection violation, WnR a write (unless a
 * cache maintenance operation faulted), an abort from EL0 a user fault.
 * A signal the ESR does not belong to has neither.
 */
void ptscope_arch_fault(struct task_struct *task, const struct kernel_siginfo *info,
			u64 *error, u64 *esr, bool *has_esr, u32 *trap, bool *has_trap)
{
	u64 e = task->thread.fault_code;
	u32 ec = ESR_ELx_EC(e);
	u64 pf = 0;

	*trap = 0;
	*has_trap = false;
	if (!esr_is_this_signal(task, info)) {
		*error = 0;
		*esr = 0;
		*has_esr = false;
		return;
	}

	if (ec == ESR_ELx_EC_DABT_LOW || ec == ESR_ELx_EC_IABT_LOW)
		pf |= PTSCOPE_PF(USER);
	if (ec == ESR_ELx_EC_DABT_LOW || ec == ESR_ELx_EC_DABT_CUR ||
	    ec == ESR_ELx_EC_IABT_LOW || ec == ESR_ELx_EC_IABT_CUR) {
		if ((e & ESR_ELx_FSC_TYPE) == ESR_ELx_FSC_PERM)
			pf |= PTSCOPE_PF(PROT);
		if (ec == ESR_ELx_EC_IABT_LOW || ec == ESR_ELx_EC_IABT_CUR)
			pf |= PTSCOPE_PF(INSTR);
		else if ((e & ESR_ELx_WNR) && !(e & ESR_ELx_CM))
			pf |= PTSCOPE_PF(WRITE);
	}
	*error = pf;
	*esr = e;
	*has_esr = true;
}
