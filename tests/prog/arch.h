/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the guest test programs expect that differs between x86_64 and
 * arm64, in one place: page and huge page sizes as the running kernel
 * gives them, and what the module's entry bits mean for permissions.
 *
 * arm64 (arch/arm64/include/asm/pgtable.h, pgtable-prot.h): the kernel's
 * pte_write() is the DBM bit (PTE_WRITE); a writable page not yet written
 * reads DBM=1, AP_RO=1 until the CPU (hardware DBM) or the write fault
 * clears AP_RO; a read-only or copy-on-write page reads DBM=0, AP_RO=1.
 * User access is AP[1] (AP_EL0), which PROT_NONE and execute-only clear;
 * no-exec is UXN, and every user page has PXN.
 */
#ifndef PTSCOPE_TESTS_ARCH_H
#define PTSCOPE_TESTS_ARCH_H

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "procfs.h"
#include "uapi/ptscope.h"

/* The base page size of the running kernel. */
static inline size_t page_size(void)
{
	static size_t size;

	if (!size)
		size = (size_t)sysconf(_SC_PAGESIZE);
	return size;
}

/* Entries in one table page: 512 with 4 KiB pages, 2048 with 16 KiB. */
static inline size_t table_entries(void)
{
	return page_size() / 8;
}

/* What one PMD entry maps: the THP size, as the kernel says (2 MiB, 32 MiB). */
static inline size_t pmd_size(void)
{
	static size_t size;

	if (!size)
		size = read_ulong("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
	if (!size)
		size = page_size() * table_entries();
	return size;
}

/* What one PUD entry maps (1 GiB with 4 KiB pages). */
static inline size_t pud_size(void)
{
	return pmd_size() * table_entries();
}

/* The level whose entries (or contiguous runs of them) map @size bytes. */
static inline uint32_t level_of_size(size_t size)
{
	if (size >= pud_size())
		return PTSCOPE_LEVEL_PUD;
	if (size >= pmd_size())
		return PTSCOPE_LEVEL_PMD;
	return PTSCOPE_LEVEL_PTE;
}

/* "4k", "2m", "1g": how the tests name sizes. */
static inline const char *size_name(size_t size, char *buf, size_t len)
{
	if (size >= 1UL << 30 && !(size & ((1UL << 30) - 1)))
		snprintf(buf, len, "%zug", size >> 30);
	else if (size >= 1UL << 20 && !(size & ((1UL << 20) - 1)))
		snprintf(buf, len, "%zum", size >> 20);
	else
		snprintf(buf, len, "%zuk", size >> 10);
	return buf;
}

#if defined(__x86_64__)
#define ARCH_NAME "x86_64"

/* The kernel's pte_write(): the page may be written (perhaps after a fault). */
static inline int entry_writable(uint64_t f)
{
	return !!(f & PTSCOPE_ENTRY(RW));
}

/* The CPU lets a write through now, without a fault. */
static inline int entry_writable_now(uint64_t f)
{
	return !!(f & PTSCOPE_ENTRY(RW));
}

static inline int entry_user(uint64_t f)
{
	return !!(f & PTSCOPE_ENTRY(USER));
}

static inline int entry_exec_never(uint64_t f)
{
	return !!(f & PTSCOPE_ENTRY(NX));
}

/* Whether entries say exec-never at all: not without NX (PTSCOPE_A_INFO_FEATURES). */
static inline int exec_never_known(uint64_t features)
{
	return !!(features & PTSCOPE_FEATURE(NX));
}

/* Bits a PROT_NONE leaf must not show as set: x86 keeps PROTNONE in GLOBAL. */
#define ENTRY_NOT_IN_PROT_NONE (PTSCOPE_ENTRY(PRESENT) | PTSCOPE_ENTRY(GLOBAL) | PTSCOPE_ENTRY(PAT))
#define ENTRY_NOT_IN_PROT_NONE_TEXT "not global or pat"
/* No contiguous leaves on x86 (see check_huge_prot_none in memkinds.c). */
#define ENTRY_CONT_PTE_STAYS_VALID 0

/* Frame bits of a raw entry (PTE_PFN_MASK). */
static inline uint64_t entry_frame_bits(void)
{
	return 0x000ffffffffff000ULL;
}

#elif defined(__aarch64__)
#define ARCH_NAME "aarch64"

static inline int entry_writable(uint64_t f)
{
	return !!(f & PTSCOPE_ENTRY(DBM));
}

static inline int entry_writable_now(uint64_t f)
{
	return (f & PTSCOPE_ENTRY(DBM)) && !(f & PTSCOPE_ENTRY(AP_RO));
}

static inline int entry_user(uint64_t f)
{
	return !!(f & PTSCOPE_ENTRY(AP_EL0));
}

static inline int entry_exec_never(uint64_t f)
{
	return !!(f & PTSCOPE_ENTRY(UXN));
}

static inline int exec_never_known(uint64_t features)
{
	(void)features;
	return 1;
}

/* PROT_NONE is invalid to the MMU and closed to EL0. */
#define ENTRY_NOT_IN_PROT_NONE (PTSCOPE_ENTRY(PRESENT) | PTSCOPE_ENTRY(AP_EL0))
#define ENTRY_NOT_IN_PROT_NONE_TEXT "not valid or open to EL0"
/* pte_mkcont() sets PTE_TYPE_PAGE: PROT_NONE contiguous PTEs stay valid. */
#define ENTRY_CONT_PTE_STAYS_VALID 1

/*
 * Output address bits [49, PAGE_SHIFT]. With LPA2, bits 8-9 are address
 * bits 50-51 too, but without it they are the shareability field, set in
 * every entry: not counted here.
 */
static inline uint64_t entry_frame_bits(void)
{
	return ((1ULL << 50) - 1) & ~((uint64_t)page_size() - 1);
}

#else
#error "tests/prog/arch.h: x86_64 and arm64 only"
#endif

#endif
