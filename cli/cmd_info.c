// SPDX-License-Identifier: GPL-2.0-or-later
/* ptscope info: the module, the running kernel and its paging features. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "libptscope.h"

/* What the procfs source cannot tell anyone; see ptscope(8), SOURCES. */
static const char *const procfs_blind[] = {
	"raw entries and table addresses",
	"which table level holds a leaf, and its size",
	"hardware flags (writable, user, accessed, dirty, no-execute, ...)",
	"cache modes, and protection keys where smaps shows none",
	"what a write does to an anonymous page mapped once (in place, reuse or copy)",
	"refcounts, pins and the anon-exclusive flag",
	"migration, device and hwpoison entries (all are \"other\")",
	"fault records, physical addresses, IOMMUs",
	NULL,
};

/* Whether pagemap shows this caller frame numbers: a page of its own stack tells. */
static bool pagemap_shows_frames(void)
{
	volatile uint64_t probe = 1;
	uint64_t e = 0;
	long size = sysconf(_SC_PAGESIZE);
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	bool shown;

	if (fd < 0)
		return false;
	shown = pread(fd, &e, sizeof(e), (off_t)((uintptr_t)&probe / (uintptr_t)size * 8)) == 8 &&
		(e & ((1ULL << 55) - 1));
	close(fd);
	return shown && probe;
}

/* The procfs source: what it knows, and what it cannot tell. */
static void print_procfs_info(const struct ptscope_info *in, const struct ptscope_machine *m)
{
	const char *const *b;
	bool frames = pagemap_shows_frames();

	cli_print_str(PRINT_ANY, "source", "source               %s", "procfs");
	cli_print_text(" (/proc/PID/pagemap, smaps, /proc/kpageflags, kpagecount)\n");
	cli_print_str(PRINT_ANY, "kernel_release", "kernel release       %s\n", in->kernel_release);
	cli_print_str(PRINT_ANY, "arch", "architecture         %s\n", cli_arch_name(m->arch));
	cli_print_uint(PRINT_ANY, "page_size", "page size            %" PRIu64 "\n", in->page_size);
	cli_print_uint(PRINT_ANY, "va_bits", "virtual addr bits    %" PRIu64 "\n", m->va_bits);
	cli_print_bool(PRINT_JSON, "frames", NULL, frames);
	cli_print_text(
		"frames               %s\n",
		frames ? "shown (CAP_SYS_ADMIN)" :
			 "hidden: pagemap shows frames, kinds and mapcounts to CAP_SYS_ADMIN only");
	cli_open_array("cannot_tell");
	cli_print_text("cannot tell:\n");
	for (b = procfs_blind; *b; b++)
		cli_print_str(PRINT_ANY, NULL, "  %s\n", *b);
	cli_close_array();
}

/* The module and kernel, as a table or a JSON object. */
static void print_info(const struct ptscope_info *in, const struct ptscope_machine *m)
{
	cli_print_str(PRINT_ANY, "source", "source               %s\n", "module");
	cli_print_str(PRINT_ANY, "module_version", "module version       %s\n", in->module_version);
	cli_print_str(PRINT_ANY, "kernel_release", "kernel release       %s\n", in->kernel_release);
	cli_print_str(PRINT_ANY, "arch", "architecture         %s\n", cli_arch_name(m->arch));
	cli_print_uint(PRINT_ANY, "family_version", "netlink family       ptscope v%" PRIu64 "\n",
		       in->family_version);
	cli_print_uint(PRINT_ANY, "page_size", "page size            %" PRIu64 "\n", in->page_size);
	cli_print_uint(PRINT_ANY, "paging_levels", "paging levels        %" PRIu64 "\n",
		       in->paging_levels);
	cli_print_hex(PRINT_ANY, "user_addr_max", "user address limit   0x%" PRIx64 "\n",
		      in->user_addr_max);
	cli_print_uint(PRINT_ANY, "va_bits", "virtual addr bits    %" PRIu64 "\n", m->va_bits);
	cli_print_uint(PRINT_ANY, "phys_addr_bits", "physical addr bits   %" PRIu64 "\n",
		       in->phys_addr_bits);
	cli_print_hex(PRINT_ANY, "features_mask", "features             0x%" PRIx64 ":",
		      in->features);
	cli_print_bits(PRINT_ANY, "features", in->features, ptscope_feature_name);
	cli_print_uint(PRINT_ANY, "faults", "\nfault records        %" PRIu64 " made", in->faults);
	cli_print_uint(PRINT_ANY, "faults_dropped", ", %" PRIu64 " dropped", in->faults_dropped);
	cli_print_uint(PRINT_ANY, "fault_ring", ", ring of %" PRIu64 "\n", in->fault_ring);
}

int cmd_info(const struct cli_args *a)
{
	struct ptscope_machine m;
	struct ptscope_info in;
	struct ptscope *h;

	if (a->argc) {
		cli_error(a, "info takes no arguments, got '%s'", a->argv[0]);
		return EXIT_USAGE;
	}
	if (cli_open(&h) || ptscope_get_info(h, &in) || ptscope_get_machine(h, &m)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}

	cli_print_open(a->json, a->pretty);
	if (ptscope_source(h) == PTSCOPE_SOURCE_PROCFS)
		print_procfs_info(&in, &m);
	else
		print_info(&in, &m);
	cli_print_close();
	ptscope_close(h);
	return EXIT_OK;
}

const struct cli_command cli_info_spec = {
	.name = "info",
	.usage = "",
	.summary = "show the source (module or procfs), the kernel and its paging features",
	.examples = (const char *const[]){ "ptscope info", "ptscope -j info | jq .paging_levels",
					   NULL },
	.run = cmd_info,
};
