// SPDX-License-Identifier: GPL-2.0-or-later
/* ptscope info: the module, the running kernel and its paging features. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "libptscope.h"

static void print_info_json(const struct cli_args *a, const struct ptscope_info *in)
{
	struct json *j = cli_json_new(stdout, a->pretty);

	cli_json_obj_begin(j);
	cli_json_key(j, "module_version");
	cli_json_str(j, in->module_version);
	cli_json_key(j, "kernel_release");
	cli_json_str(j, in->kernel_release);
	cli_json_key(j, "family_version");
	cli_json_uint(j, in->family_version);
	cli_json_key(j, "page_size");
	cli_json_uint(j, in->page_size);
	cli_json_key(j, "paging_levels");
	cli_json_uint(j, in->paging_levels);
	cli_json_key(j, "user_addr_max");
	cli_json_hex(j, in->user_addr_max);
	cli_json_key(j, "phys_addr_bits");
	cli_json_uint(j, in->phys_addr_bits);
	cli_json_key(j, "features_mask");
	cli_json_hex(j, in->features);
	cli_json_key(j, "features");
	cli_json_bit_names(j, in->features, ptscope_feature_name);
	cli_json_key(j, "fault_ring");
	cli_json_uint(j, in->fault_ring);
	cli_json_key(j, "faults");
	cli_json_uint(j, in->faults);
	cli_json_key(j, "faults_dropped");
	cli_json_uint(j, in->faults_dropped);
	cli_json_obj_end(j);
	cli_json_end(j);
}

int cmd_info(const struct cli_args *a)
{
	struct ptscope_info in;
	struct ptscope *h;

	if (a->argc) {
		cli_error(a, "info takes no arguments, got '%s'", a->argv[0]);
		return EXIT_USAGE;
	}
	if (ptscope_open(&h) || ptscope_get_info(h, &in)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	ptscope_close(h);

	if (a->json) {
		print_info_json(a, &in);
		return EXIT_OK;
	}
	printf("module version       %s\n", in.module_version);
	printf("kernel release       %s\n", in.kernel_release);
	printf("netlink family       ptscope v%u\n", in.family_version);
	printf("page size            %u\n", in.page_size);
	printf("paging levels        %u\n", in.paging_levels);
	printf("user address limit   0x%" PRIx64 "\n", in.user_addr_max);
	printf("physical addr bits   %u\n", in.phys_addr_bits);
	printf("features             0x%" PRIx64 ":", in.features);
	cli_print_bit_names(in.features, ptscope_feature_name);
	printf("\nfault records        %" PRIu64 " made, %" PRIu64 " dropped, ring of %u\n",
	       in.faults, in.faults_dropped, in.fault_ring);
	return EXIT_OK;
}

const struct cli_command cli_info_spec = {
	.name = "info",
	.usage = "",
	.summary = "show the module, the kernel and its paging features",
	.examples = (const char *const[]){ "ptscope info", "ptscope -j info | jq .paging_levels",
					   NULL },
	.run = cmd_info,
};
