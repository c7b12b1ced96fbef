// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope iommu DEVICE [IOVA]: how a device's DMA addresses become physical
 * ones. Needs CAP_SYS_ADMIN.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

int cmd_iommu(const struct cli_args *a)
{
	struct ptscope_iommu io;
	uint64_t iova = 0;
	struct ptscope *h;
	char err[256];
	const char *domain;

	if (a->argc < 1 || a->argc > 2) {
		cli_error(
			a,
			"iommu needs a PCI DEVICE and at most an IOVA (see 'ptscope help iommu')");
		return EXIT_USAGE;
	}
	if (a->argc == 2 && cli_parse_addr(a->argv[1], &iova, err, sizeof(err))) {
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	if (cli_open(&h) || ptscope_iommu(h, a->argv[0], a->argc == 2, iova, &io)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	domain = ptscope_iommu_domain_name(io.domain) ?: "?";
	cli_print_open(a->json, a->pretty);
	cli_print_str(PRINT_ANY, "device", "device             %s\n", a->argv[0]);
	cli_print_text("%-18s ", "iommu");
	if (io.domain == PTSCOPE_IOMMU_NONE) {
		cli_member_str("domain", domain);
		cli_print_text("none: DMA addresses are physical addresses");
	} else {
		cli_print_str(PRINT_ANY, "domain", "%s domain", domain);
	}
	if (io.has_group)
		cli_print_uint(io.domain == PTSCOPE_IOMMU_NONE ? PRINT_JSON : PRINT_ANY, "group",
			       ", group %" PRIu64, io.group);
	else
		cli_print_null(PRINT_JSON, "group", NULL);
	cli_print_text("\n");
	if (io.has_iova) {
		cli_print_hex(PRINT_ANY, "iova", "iova               0x%" PRIx64, io.iova);
		if (io.mapped) {
			cli_print_hex(PRINT_ANY, "phys", " -> physical 0x%" PRIx64 "\n", io.phys);
			cli_print_text("%-18s ", "owner");
			cli_print_owner(io.phys);
			cli_print_text("\n");
			cli_print_mappers(h, io.phys >> cli_machine.page_shift);
		} else {
			cli_print_null(PRINT_ANY, "phys",
				       ": not mapped (a DMA there would fault)\n");
		}
	}
	cli_print_close();
	ptscope_close(h);
	return EXIT_OK;
}

const struct cli_command cli_iommu_spec = {
	.name = "iommu",
	.usage = "DEVICE [IOVA]",
	.summary = "a PCI device's IOMMU domain; what an IOVA maps to",
	.help = "DEVICE: a PCI address (0000:00:03.0). An IOVA of a DMA domain is\n"
		"translated only when the module was loaded with iommu_dma_lookup=1.\n"
		"Needs CAP_SYS_ADMIN.\n",
	.examples = (const char *const[]){ "ptscope iommu 0000:00:03.0",
					   "ptscope iommu 0000:00:03.0 0xfff00000", NULL },
	.run = cmd_iommu,
};
