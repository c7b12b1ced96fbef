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
	struct json *j = NULL;
	uint64_t iova = 0;
	struct ptscope *h;
	char err[256], owner[400];
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
	if (ptscope_open(&h) || ptscope_iommu(h, a->argv[0], a->argc == 2, iova, &io)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	domain = ptscope_iommu_domain_name(io.domain) ?: "?";
	if (a->json) {
		j = cli_json_new(stdout, a->pretty);
		cli_json_obj_begin(j);
		cli_json_key(j, "device");
		cli_json_str(j, a->argv[0]);
		cli_json_key(j, "domain");
		cli_json_str(j, domain);
		cli_json_key(j, "group");
		if (io.has_group)
			cli_json_uint(j, io.group);
		else
			cli_json_null(j);
	} else {
		printf("%-18s %s\n%-18s ", "device", a->argv[0], "iommu");
		if (io.domain == PTSCOPE_IOMMU_NONE)
			printf("none: DMA addresses are physical addresses\n");
		else if (io.has_group)
			printf("%s domain, group %u\n", domain, io.group);
		else
			printf("%s domain\n", domain);
	}
	if (io.has_iova) {
		if (j) {
			cli_json_key(j, "iova");
			cli_json_hex(j, io.iova);
			cli_json_key(j, "phys");
			if (io.mapped)
				cli_json_hex(j, io.phys);
			else
				cli_json_null(j);
		} else if (!io.mapped) {
			printf("%-18s 0x%" PRIx64 ": not mapped (a DMA there would fault)\n",
			       "iova", io.iova);
		} else {
			printf("%-18s 0x%" PRIx64 " -> physical 0x%" PRIx64 "\n", "iova", io.iova,
			       io.phys);
		}
		if (io.mapped) {
			cli_owner_text(io.phys, owner, sizeof(owner), j);
			if (!j)
				printf("%-18s %s\n", "owner", owner);
			cli_list_mappers(h, io.phys >> 12, j);
		}
	}
	if (j) {
		cli_json_obj_end(j);
		cli_json_end(j);
	}
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
