/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arm64 fault syndromes (ESR_EL1) decoded: the exception class, the fault
 * status code, WnR/CM/FnV, and the PTSCOPE_PF bits the module derives from
 * them (the same rule, so a log line or a core reads like a record).
 */
#ifndef PTSCOPE_ESR_H
#define PTSCOPE_ESR_H

#include <stdbool.h>
#include <stdint.h>

struct esr_info {
	uint32_t ec; /* exception class, ESR[31:26] */
	uint32_t fsc; /* fault status code, ISS[5:0] (aborts only) */
	const char *class_slug; /* "data-abort-lower-el", ... */
	const char *class_kernel; /* the kernel's name: "DABT (lower EL)" */
	char status[64]; /* aborts: "permission fault level 3"; else "" */
	bool abort; /* a data or instruction abort: fsc and the bits below apply */
	bool data; /* a data abort (wnr, cm apply) */
	bool lower_el; /* taken from EL0 (user space) */
	bool wnr, cm, fnv; /* write not read, cache maintenance, FAR not valid */
	int level; /* the table level of the fault, -1 if none or -1 itself */
	uint64_t pf; /* PTSCOPE_PF(...) bits, as the module derives them */
};

void cli_esr_decode(uint64_t esr, struct esr_info *e);

/* Fault status code kinds, for the signal a log line implies. */
bool cli_esr_is_translation(uint32_t fsc);
bool cli_esr_is_permission(uint32_t fsc);
bool cli_esr_is_access_flag(uint32_t fsc);

/* "esr" of the open object, or an "esr        0x... (...)" line in text. */
void cli_print_esr(uint64_t esr);

#endif
