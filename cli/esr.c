// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ESR_EL1, as the Arm ARM (D24.2.43, "ESR_EL1") lays it out and the kernel
 * names it (arch/arm64/kernel/traps.c esr_class_str[], arch/arm64/mm/fault.c
 * fault_info[]): EC in bits 31..26, IL in 25, ISS in 24..0. For aborts,
 * ISS holds FnV (10), EA (9), CM (8), S1PTW (7), WnR (6, data only) and the
 * fault status code in 5..0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "esr.h"
#include "uapi/ptscope.h"

#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25

#define ISS_FNV (1ULL << 10)
#define ISS_CM (1ULL << 8)
#define ISS_WNR (1ULL << 6)

struct ec_name {
	uint8_t ec;
	bool lower_el;
	const char *slug, *kernel;
};

static const struct ec_name ec_names[] = {
	{ 0x00, false, "unknown", "Unknown/Uncategorized" },
	{ 0x01, false, "wfi-wfe", "WFI/WFE" },
	{ 0x07, false, "fp-simd-access", "ASIMD" },
	{ 0x09, false, "pointer-auth", "PAC" },
	{ 0x0d, false, "branch-target", "BTI" },
	{ 0x0e, false, "illegal-state", "PSTATE.IL" },
	{ 0x11, false, "svc-aarch32", "SVC (AArch32)" },
	{ 0x15, false, "svc-aarch64", "SVC (AArch64)" },
	{ 0x18, false, "sysreg", "MSR/MRS (AArch64)" },
	{ 0x19, false, "sve", "SVE" },
	{ 0x1c, false, "fpac", "FPAC" },
	{ EC_IABT_LOW, true, "instruction-abort-lower-el", "IABT (lower EL)" },
	{ EC_IABT_CUR, false, "instruction-abort-current-el", "IABT (current EL)" },
	{ 0x22, false, "pc-alignment", "PC Alignment" },
	{ EC_DABT_LOW, true, "data-abort-lower-el", "DABT (lower EL)" },
	{ EC_DABT_CUR, false, "data-abort-current-el", "DABT (current EL)" },
	{ 0x26, false, "sp-alignment", "SP Alignment" },
	{ 0x28, false, "fp-aarch32", "FP (AArch32)" },
	{ 0x2c, false, "fp-aarch64", "FP (AArch64)" },
	{ 0x2f, false, "serror", "SError" },
	{ 0x30, true, "breakpoint-lower-el", "Breakpoint (lower EL)" },
	{ 0x31, false, "breakpoint-current-el", "Breakpoint (current EL)" },
	{ 0x32, true, "software-step-lower-el", "Software Step (lower EL)" },
	{ 0x33, false, "software-step-current-el", "Software Step (current EL)" },
	{ 0x34, true, "watchpoint-lower-el", "Watchpoint (lower EL)" },
	{ 0x35, false, "watchpoint-current-el", "Watchpoint (current EL)" },
	{ 0x38, false, "bkpt-aarch32", "BKPT (AArch32)" },
	{ 0x3c, false, "brk-aarch64", "BRK (AArch64)" },
};

bool cli_esr_is_translation(uint32_t fsc)
{
	return (fsc >= 0x04 && fsc <= 0x07) || fsc == 0x2b;
}

bool cli_esr_is_permission(uint32_t fsc)
{
	return fsc >= 0x0c && fsc <= 0x0f;
}

bool cli_esr_is_access_flag(uint32_t fsc)
{
	return fsc >= 0x08 && fsc <= 0x0b;
}

/* The fault status code's name, "permission fault level 3"; level in *@level. */
static void fsc_name(uint32_t fsc, char *buf, size_t len, int *level)
{
	/* Codes of four, one per level 0..3 (level -1 codes: FEAT_LPA2). */
	static const struct {
		uint8_t base;
		const char *what;
	} by_level[] = {
		{ 0x00, "address size fault" },
		{ 0x04, "translation fault" },
		{ 0x08, "access flag fault" },
		{ 0x0c, "permission fault" },
		{ 0x14, "synchronous external abort on table walk" },
		{ 0x1c, "synchronous parity or ECC error on table walk" },
	};
	static const struct {
		uint8_t fsc;
		int level;
		const char *name;
	} single[] = {
		{ 0x10, -1, "synchronous external abort" },
		{ 0x11, -1, "MTE tag check fault" },
		{ 0x13, -1, "synchronous external abort on table walk level -1" },
		{ 0x18, -1, "synchronous parity or ECC error" },
		{ 0x1b, -1, "synchronous parity or ECC error on table walk level -1" },
		{ 0x21, -1, "alignment fault" },
		{ 0x23, -1, "granule protection fault" },
		{ 0x29, -1, "address size fault level -1" },
		{ 0x2b, -1, "translation fault level -1" },
		{ 0x30, -1, "TLB conflict abort" },
		{ 0x31, -1, "unsupported atomic hardware update fault" },
		{ 0x34, -1, "implementation defined fault (lockdown)" },
		{ 0x35, -1, "implementation defined fault (unsupported exclusive)" },
	};
	size_t i;

	*level = -1;
	for (i = 0; i < ARRAY_SIZE(by_level); i++)
		if (fsc >= by_level[i].base && fsc < by_level[i].base + 4U) {
			*level = (int)(fsc - by_level[i].base);
			snprintf(buf, len, "%s level %d", by_level[i].what, *level);
			return;
		}
	for (i = 0; i < ARRAY_SIZE(single); i++)
		if (fsc == single[i].fsc) {
			snprintf(buf, len, "%s", single[i].name);
			return;
		}
	snprintf(buf, len, "unknown fault status 0x%02x", fsc);
}

void cli_esr_decode(uint64_t esr, struct esr_info *e)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	e->ec = (uint32_t)(esr >> 26) & 0x3f;
	e->level = -1;
	e->class_slug = "reserved";
	e->class_kernel = "UNRECOGNIZED EC";
	for (i = 0; i < ARRAY_SIZE(ec_names); i++)
		if (ec_names[i].ec == e->ec) {
			e->class_slug = ec_names[i].slug;
			e->class_kernel = ec_names[i].kernel;
			e->lower_el = ec_names[i].lower_el;
		}
	e->data = e->ec == EC_DABT_LOW || e->ec == EC_DABT_CUR;
	e->abort = e->data || e->ec == EC_IABT_LOW || e->ec == EC_IABT_CUR;
	if (!e->abort)
		return;
	e->fsc = (uint32_t)esr & 0x3f;
	fsc_name(e->fsc, e->status, sizeof(e->status), &e->level);
	e->fnv = !!(esr & ISS_FNV);
	e->cm = e->data && (esr & ISS_CM);
	e->wnr = e->data && (esr & ISS_WNR);
	/* The module's rule (uapi/ptscope.h, enum ptscope_pf_bit). */
	if (cli_esr_is_permission(e->fsc))
		e->pf |= PTSCOPE_PF(PROT);
	if (e->wnr && !e->cm)
		e->pf |= PTSCOPE_PF(WRITE);
	if (e->lower_el)
		e->pf |= PTSCOPE_PF(USER);
	if (!e->data)
		e->pf |= PTSCOPE_PF(INSTR);
}

void cli_print_esr(uint64_t esr)
{
	struct esr_info e;

	cli_esr_decode(esr, &e);
	cli_open_object("esr");
	cli_print_hex(PRINT_ANY, "value", "esr        0x%08" PRIx64, esr);
	cli_print_str(PRINT_ANY, "class", " %s", e.class_slug);
	cli_print_str(PRINT_ANY, "kernel_class", " (%s)", e.class_kernel);
	if (e.abort) {
		cli_print_str(PRINT_ANY, "status", ", %s", e.status);
		cli_member_uint("fsc", e.fsc);
		if (e.data) {
			cli_print_bool(PRINT_JSON, "wnr", NULL, e.wnr);
			cli_print_text(e.wnr ? ", write (WnR)" : ", read (WnR 0)");
			cli_print_bool(PRINT_ANY, "cm", ", cache maintenance (CM)", e.cm);
		}
		cli_print_bool(PRINT_ANY, "fnv", ", FAR not valid (FnV)", e.fnv);
	}
	cli_print_text("\n");
	cli_close_object();
}
