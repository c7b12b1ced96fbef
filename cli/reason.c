// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Why a fault happened: which rule of the address space the access broke,
 * decided from what a fault record holds (signal, si_code, x86 error code,
 * the VMAs around the address, the translation). The same rules serve
 * records from the module, from dmesg lines and from core files; what a
 * source does not know (no VMA list in dmesg) makes the reason less exact,
 * never wrong. Each reason has a stable code for scripts and a sentence.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "esr.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

/* si_code values (asm-generic/siginfo.h), for records from any source. */
#define CODE_SEGV_MAPERR 1
#define CODE_SEGV_ACCERR 2
#define CODE_SEGV_PKUERR 4
#define CODE_BUS_ADRERR 2
#define CODE_BUS_MCEERR_AR 4
#define CODE_BUS_MCEERR_AO 5
#define CODE_SI_KERNEL 0x80

const char *cli_fault_access(const struct ptscope_fault *f)
{
	/*
	 * x86: a general protection fault says nothing of the access; arm64: a
	 * recorded signal that no fault raised has no ESR to say it.
	 */
	if (f->arch == PTSCOPE_ARCH_ARM64 ? f->id && !f->has_esr : f->trap != 14)
		return "access";
	if (f->error & PTSCOPE_PF(INSTR))
		return "execute";
	return f->error & PTSCOPE_PF(WRITE) ? "write" : "read";
}

const char *cli_fault_code_name(uint32_t sig, uint32_t code)
{
	if (code == CODE_SI_KERNEL)
		return "SI_KERNEL";
	if (sig == SIGSEGV)
		switch (code) {
		case 1:
			return "SEGV_MAPERR";
		case 2:
			return "SEGV_ACCERR";
		case 3:
			return "SEGV_BNDERR";
		case 4:
			return "SEGV_PKUERR";
		case 8:
			return "SEGV_MTEAERR";
		case 9:
			return "SEGV_MTESERR";
		}
	if (sig == SIGBUS)
		switch (code) {
		case 1:
			return "BUS_ADRALN";
		case 2:
			return "BUS_ADRERR";
		case 3:
			return "BUS_OBJERR";
		case 4:
			return "BUS_MCEERR_AR";
		case 5:
			return "BUS_MCEERR_AO";
		}
	return "?";
}

static const char *vma_label(const struct ptscope_fault_vma *v)
{
	if (!*v->name)
		return "an anonymous mapping";
	return v->name;
}

/* The protection key of the leaf that maps @x's address, or -1. */
static int leaf_pkey(const struct ptscope_xlate *x)
{
	const struct ptscope_xlate_level *l;

	if (!x->nr_levels)
		return -1;
	l = &x->levels[x->nr_levels - 1];
	return l->leaf_size ? (int)(l->entry >> 59 & 0xf) : -1;
}

/* An address in no mapping: near NULL, in the stack's guard gap, or a gap. */
static void unmapped(const struct ptscope_fault *f, struct fault_reason *r)
{
	const struct ptscope_fault_vma *b = &f->below, *a = &f->above;
	int n;

	if (f->addr < NULL_PAGE_LIMIT) {
		r->code = "null-deref";
		snprintf(r->text, sizeof(r->text),
			 "NULL pointer dereference: %s at 0x%" PRIx64 ", %" PRIu64
			 " bytes past NULL (no mapping may sit below 0x%llx)",
			 cli_fault_access(f), f->addr, f->addr, NULL_PAGE_LIMIT);
		return;
	}
	/* A log line knows no mappings; an access at the stack pointer is its overflow. */
	if (!f->snapshot && f->sp && f->addr <= f->sp + PAGE_BYTES && f->sp - f->addr < 65536) {
		r->code = "stack-overflow";
		snprintf(r->text, sizeof(r->text),
			 "stack overflow: %s at 0x%" PRIx64 ", at the stack pointer (0x%" PRIx64
			 "): the stack ran out of room",
			 cli_fault_access(f), f->addr, f->sp);
		return;
	}
	if (!f->snapshot) {
		r->code = "unmapped";
		snprintf(r->text, sizeof(r->text), "%s at 0x%" PRIx64 ", where nothing is mapped",
			 cli_fault_access(f), f->addr);
		return;
	}
	if (a->present && (a->flags & PTSCOPE_VMA(GROWSDOWN)) &&
	    f->addr + STACK_GUARD >= a->start) {
		r->code = "stack-overflow";
		snprintf(r->text, sizeof(r->text),
			 "stack overflow: %s at 0x%" PRIx64 ", %" PRIu64
			 " bytes below the stack (%s, 0x%" PRIx64 "-0x%" PRIx64
			 "), in the guard gap it may not grow into",
			 cli_fault_access(f), f->addr, a->start - f->addr, vma_label(a), a->start,
			 a->end);
		return;
	}
	r->code = "unmapped";
	n = snprintf(r->text, sizeof(r->text),
		     "%s at 0x%" PRIx64 ", in a gap between mappings:", cli_fault_access(f),
		     f->addr);
	if (b->present)
		n += snprintf(r->text + n, sizeof(r->text) - (size_t)n,
			      " %" PRIu64 " bytes above the end of %s (0x%" PRIx64 ")",
			      f->addr - b->end, vma_label(b), b->end);
	else
		n += snprintf(r->text + n, sizeof(r->text) - (size_t)n, " nothing below");
	if (a->present)
		snprintf(r->text + n, sizeof(r->text) - (size_t)n,
			 ", %" PRIu64 " bytes below the start of %s (0x%" PRIx64 ")",
			 a->start - f->addr, vma_label(a), a->start);
	else
		snprintf(r->text + n, sizeof(r->text) - (size_t)n, ", nothing above");
}

/* A mapping exists at the address, and the access broke its rules. */
static void denied(const struct ptscope_fault *f, struct fault_reason *r)
{
	const struct ptscope_fault_vma *v = &f->vma;
	uint64_t off = f->addr - v->start + v->pgoff;
	char where[320];
	int pkey;

	if (v->backing == PTSCOPE_BACKING_FILE || v->backing == PTSCOPE_BACKING_SHMEM)
		snprintf(where, sizeof(where), "%s at file offset 0x%" PRIx64 "%s", v->name, off,
			 cli_elf_section_of(v->name, off));
	else
		snprintf(where, sizeof(where), "%s", vma_label(v));

	if (!(v->flags & (PTSCOPE_VMA(READ) | PTSCOPE_VMA(WRITE) | PTSCOPE_VMA(EXEC)))) {
		r->code = "prot-none";
		snprintf(r->text, sizeof(r->text),
			 "%s at 0x%" PRIx64 " in a PROT_NONE mapping (%s, 0x%" PRIx64 "-0x%" PRIx64
			 "): no access is allowed there",
			 cli_fault_access(f), f->addr, where, v->start, v->end);
		return;
	}
	pkey = leaf_pkey(&f->xlate_addr);
	if (f->code == CODE_SEGV_PKUERR || (f->error & PTSCOPE_PF(PK))) {
		r->code = "pkey";
		if (pkey >= 0)
			snprintf(r->text, sizeof(r->text),
				 "protection-key violation: %s at 0x%" PRIx64 " in %s, whose pages"
				 " carry key %d, which the thread's PKRU denies",
				 cli_fault_access(f), f->addr, where, pkey);
		else
			snprintf(r->text, sizeof(r->text),
				 "protection-key violation: %s at 0x%" PRIx64 " in %s: the thread's"
				 " PKRU denies the mapping's protection key",
				 cli_fault_access(f), f->addr, where);
		return;
	}
	if ((f->error & PTSCOPE_PF(INSTR)) && !(v->flags & PTSCOPE_VMA(EXEC))) {
		r->code = "exec-non-exec";
		snprintf(r->text, sizeof(r->text),
			 "execute at 0x%" PRIx64 " in a non-executable mapping (%s): the pages"
			 " are NX, as data must be",
			 f->addr, where);
		return;
	}
	if ((f->error & PTSCOPE_PF(WRITE)) && !(v->flags & PTSCOPE_VMA(WRITE))) {
		r->code = "write-read-only";
		snprintf(r->text, sizeof(r->text),
			 "write at 0x%" PRIx64 " to a read-only mapping (%s)", f->addr, where);
		return;
	}
	if (!(f->error & (PTSCOPE_PF(WRITE) | PTSCOPE_PF(INSTR))) &&
	    !(v->flags & PTSCOPE_VMA(READ))) {
		r->code = "read-no-read";
		snprintf(r->text, sizeof(r->text),
			 "read at 0x%" PRIx64 " in a mapping without read permission (%s)", f->addr,
			 where);
		return;
	}
	r->code = "access-denied";
	snprintf(r->text, sizeof(r->text),
		 "%s at 0x%" PRIx64 " refused in %s (error code 0x%" PRIx64 ")",
		 cli_fault_access(f), f->addr, where, f->error);
}

/* Refused by a mapping the source does not describe (a log line): by the error bits. */
static void refused_unknown(const struct ptscope_fault *f, struct fault_reason *r)
{
	const char *in = *f->exe ? f->exe : "?";

	if (f->error & PTSCOPE_PF(INSTR)) {
		r->code = "exec-non-exec";
		snprintf(r->text, sizeof(r->text),
			 "execute at 0x%" PRIx64 " in a non-executable"
			 " mapping (the log names none; ip in %s)",
			 f->addr, in);
	} else if (f->error & PTSCOPE_PF(WRITE)) {
		r->code = "write-read-only";
		snprintf(r->text, sizeof(r->text),
			 "write at 0x%" PRIx64 " to a read-only mapping"
			 " (the log names none; ip in %s)",
			 f->addr, in);
	} else {
		r->code = "access-denied";
		snprintf(r->text, sizeof(r->text),
			 "%s at 0x%" PRIx64 " refused by the mapping's"
			 " permissions (error code 0x%" PRIx64 ")",
			 cli_fault_access(f), f->addr, f->error);
	}
}

/*
 * The width of user addresses: from the top of user space when a module
 * said it (0x7ffffffff000: 47 bits, 1 << 48: 48, 1 << 56 - 4096: 56), else
 * the machine's (x86_64's 4-level 47 by default).
 */
static int va_bits(uint64_t user_max)
{
	if (user_max > 1 && user_max < (1ULL << 63))
		return 64 - __builtin_clzll(user_max - 1);
	return (int)cli_machine.va_bits;
}

bool cli_fault_addr_known(const struct ptscope_fault *f)
{
	/* arm64's log line carries the ESR but not FAR; records and cores have it. */
	return !(f->arch == PTSCOPE_ARCH_ARM64 && !f->id && !f->snapshot);
}

/* arm64: what the syndrome alone says, when the address is not known or MTE. */
static bool from_esr(const struct ptscope_fault *f, struct fault_reason *r)
{
	const bool known = cli_fault_addr_known(f);
	struct esr_info e;

	if (f->arch != PTSCOPE_ARCH_ARM64 || !f->has_esr)
		return false;
	cli_esr_decode(f->esr, &e);
	if (e.abort && e.fsc == 0x11) {
		r->code = "mte-tag-mismatch";
		snprintf(r->text, sizeof(r->text),
			 "MTE tag check fault: the %s used a pointer whose tag does not match the"
			 " memory's allocation tag (a use after free or an overflow into"
			 " another allocation)",
			 cli_fault_access(f));
		return true;
	}
	if (known)
		return false;
	if (!e.abort) {
		r->code = "arm64-exception";
		snprintf(r->text, sizeof(r->text), "%s exception (ESR 0x%" PRIx64 ")",
			 e.class_kernel, f->esr);
	} else if (cli_esr_is_translation(e.fsc)) {
		r->code = "unmapped";
		snprintf(r->text, sizeof(r->text),
			 "%s found no valid entry: nothing maps the address of this %s, or"
			 " its mapping forbids it (the log does not print the address)",
			 e.status, cli_fault_access(f));
	} else if (cli_esr_is_permission(e.fsc)) {
		r->code = "access-denied";
		snprintf(r->text, sizeof(r->text),
			 "%s: the page is mapped, but its entry does not allow a %s there"
			 " (the log does not print the address)",
			 e.status, cli_fault_access(f));
	} else if (e.fsc == 0x21) {
		r->code = "alignment";
		snprintf(r->text, sizeof(r->text),
			 "alignment fault: a %s at a misaligned address where the access needs"
			 " alignment (exclusive, atomic, or Device memory)",
			 cli_fault_access(f));
	} else {
		r->code = "arm64-abort";
		snprintf(r->text, sizeof(r->text), "%s on a %s (%s)", e.status, cli_fault_access(f),
			 e.class_kernel);
	}
	return true;
}

void cli_explain_fault(const struct ptscope_fault *f, uint64_t user_max, struct fault_reason *r)
{
	memset(r, 0, sizeof(*r));
	if (from_esr(f, r))
		return;
	if (f->code == CODE_SI_KERNEL && f->trap == 13) {
		r->code = "non-canonical";
		snprintf(r->text, sizeof(r->text),
			 "general protection fault at ip 0x%" PRIx64
			 ": an access to a non-canonical"
			 " address (bits 63..%d not all equal); the CPU reports no address for it",
			 f->ip, va_bits(user_max));
		return;
	}
	if (f->signal == SIGBUS) {
		if (f->code == CODE_BUS_MCEERR_AR || f->code == CODE_BUS_MCEERR_AO) {
			r->code = "hwpoison";
			snprintf(r->text, sizeof(r->text),
				 "SIGBUS: 0x%" PRIx64
				 " is on a page hit by a memory error (hwpoison)",
				 f->addr);
		} else if (f->vma.present && f->vma.backing == PTSCOPE_BACKING_HUGETLB) {
			r->code = "bus-hugetlb";
			snprintf(r->text, sizeof(r->text),
				 "SIGBUS: no huge page could be had for 0x%" PRIx64
				 " in the hugetlb "
				 "mapping %s (pool empty or reservation exhausted)",
				 f->addr, vma_label(&f->vma));
		} else if (f->vma.present && (f->vma.backing == PTSCOPE_BACKING_FILE ||
					      f->vma.backing == PTSCOPE_BACKING_SHMEM)) {
			r->code = "bus-past-eof";
			snprintf(r->text, sizeof(r->text),
				 "SIGBUS: %s at 0x%" PRIx64 " is at file offset 0x%" PRIx64
				 " of %s, past the end of the file (the mapping is longer than the"
				 " file)",
				 cli_fault_access(f), f->addr,
				 f->addr - f->vma.start + f->vma.pgoff, f->vma.name);
		} else {
			r->code = "bus-other";
			snprintf(r->text, sizeof(r->text), "SIGBUS (%s) at 0x%" PRIx64,
				 cli_fault_code_name(f->signal, f->code), f->addr);
		}
		return;
	}
	if (user_max && f->addr >= user_max) {
		r->code = "kernel-address";
		snprintf(r->text, sizeof(r->text),
			 "%s at 0x%" PRIx64
			 ", a kernel address: user mode may not touch the kernel's"
			 " half of the address space (user addresses end at 0x%" PRIx64 ")",
			 cli_fault_access(f), f->addr, user_max);
		return;
	}
	if (f->code == CODE_SEGV_PKUERR && !f->vma.present) {
		r->code = "pkey";
		snprintf(r->text, sizeof(r->text), "protection-key violation: %s at 0x%" PRIx64,
			 cli_fault_access(f), f->addr);
		return;
	}
	if (f->vma.present)
		denied(f, r);
	else if (f->code == CODE_SEGV_ACCERR && !f->snapshot && f->addr >= NULL_PAGE_LIMIT)
		refused_unknown(f, r);
	else {
		unmapped(f, r);
	}
}
