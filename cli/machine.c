// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The machine the data came from: the live kernel's (GET_INFO) or a
 * snapshot's. Page sizes, address widths and the names of entry bits and
 * memory types follow it, so a snapshot taken on arm64 reads right on x86.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

struct cli_machine cli_machine = { PTSCOPE_ARCH_X86_64, 4096, 12, 47 };

int cli_machine_set(uint32_t arch, uint32_t page_size, uint32_t va_bits)
{
	uint32_t shift = 0;

	while (shift < 31 && (1U << shift) < page_size)
		shift++;
	/* Linux pages: 4, 16 or 64 KiB. */
	if (page_size != 1U << shift || shift < 12 || shift > 16)
		return -1;
	cli_machine.arch = arch;
	cli_machine.page_size = page_size;
	cli_machine.page_shift = shift;
	cli_machine.va_bits = va_bits;
	return 0;
}

bool cli_entry_writable(uint64_t flags)
{
	if (cli_machine.arch == PTSCOPE_ARCH_ARM64)
		return flags & PTSCOPE_ENTRY(DBM);
	return flags & PTSCOPE_ENTRY(RW);
}

const char *cli_arch_name(uint32_t arch)
{
	return ptscope_arch_name(arch) ?: "unknown";
}

const char *cli_entry_flag_name(unsigned int bit)
{
	/* arm64 calls it the valid bit. */
	if (bit == PTSCOPE_ENTRY_BIT_PRESENT && cli_machine.arch == PTSCOPE_ARCH_ARM64)
		return "valid";
	return ptscope_entry_flag_name(bit);
}

int cli_entry_flag_index(const char *name)
{
	if (!strcmp(name, "valid"))
		return PTSCOPE_ENTRY_BIT_PRESENT;
	return cli_name_index(name, ptscope_entry_flag_name);
}

const char *cli_memtype_name(uint32_t arch, uint32_t cache, uint64_t flags)
{
	if (arch != PTSCOPE_ARCH_ARM64)
		return NULL;
	switch (cache) {
	case PTSCOPE_CACHE_WB:
		return flags & PTSCOPE_ENTRY(MTE) ? "Normal-Tagged" : "Normal";
	case PTSCOPE_CACHE_WC:
		return "Normal-NC";
	case PTSCOPE_CACHE_UC_MINUS:
		return "Device-nGnRE";
	case PTSCOPE_CACHE_UC:
		return "Device-nGnRnE";
	default:
		return NULL;
	}
}
