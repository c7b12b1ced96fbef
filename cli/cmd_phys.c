// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope phys ADDR|pfn:N [--who]: what a physical address is, and who
 * maps it. Needs CAP_SYS_ADMIN.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

void cli_print_owner(uint64_t phys)
{
	uint64_t start, end;
	char name[256];

	if (ptscope_iomem_owner(phys, name, sizeof(name), &start, &end)) {
		cli_print_null(PRINT_JSON, "owner", NULL);
		cli_print_text("? (%s)", ptscope_errmsg());
		return;
	}
	cli_open_object("owner");
	cli_print_str(PRINT_ANY, "name", "%s", name);
	cli_print_hex(PRINT_ANY, "start", " (0x%" PRIx64, start);
	cli_print_hex(PRINT_ANY, "end", "-0x%" PRIx64 ")", end);
	cli_close_object();
}

struct who {
	int n;
};

static void print_mapper(uint32_t pid, uint64_t addr, void *arg)
{
	struct who *w = arg;
	char comm[64];

	cli_process_name(pid, comm, sizeof(comm));
	cli_open_object(NULL);
	cli_print_text("%-18s ", w->n ? "" : "mapped by");
	cli_print_uint(PRINT_ANY, "pid", "pid %" PRIu64, pid);
	cli_print_str(PRINT_ANY, "comm", " (%s)", comm);
	cli_print_hex(PRINT_ANY, "addr", " at 0x%" PRIx64 "\n", addr);
	cli_close_object();
	w->n++;
}

void cli_print_mappers(struct ptscope *h, uint64_t pfn)
{
	struct who w = { 0 };

	cli_open_array("mapped_by");
	cli_find_mappers(h, pfn, print_mapper, &w);
	cli_close_array();
	if (!w.n)
		cli_print_text("%-18s no process the caller may inspect\n", "mapped by");
}

static void print_phys(const struct ptscope_phys *p)
{
	int pinned = !!(p->pflags & PTSCOPE_PHYS(PINNED));

	cli_print_text("%-18s ", "physical address");
	cli_print_hex(PRINT_ANY, "addr", "0x%" PRIx64, p->addr);
	cli_print_hex(PRINT_ANY, "pfn", " (pfn 0x%" PRIx64 ")\n", p->pfn);
	cli_print_text("%-18s %s", "memory", p->ram ? "System RAM" : "not RAM");
	cli_print_bool(PRINT_JSON, "ram", NULL, p->ram);
	if (p->has_page) {
		cli_print_uint(PRINT_ANY, "node", ", node %" PRIu64, p->nid);
		cli_print_str(PRINT_ANY, "zone", ", zone %s", p->zone);
	} else {
		cli_print_text(", no struct page in use");
	}
	cli_print_text("\n%-18s ", "owner");
	cli_print_owner(p->addr);
	cli_print_text("\n");
	if (!p->has_page)
		return;
	cli_print_text("%-18s", "page flags");
	cli_print_bits(PRINT_ANY, "page_flags", p->pflags, ptscope_phys_flag_name);
	cli_print_uint(PRINT_ANY, "mapcount", "\nmapcount           %" PRIu64, p->mapcount);
	cli_print_uint(PRINT_ANY, "refcount", "\nrefcount           %" PRIu64 "\n", p->refcount);
	cli_print_text("%-18s %s", "pinned",
		       pinned ? (p->has_pincount ? "yes" : "maybe (refcount bias)") : "no");
	cli_print_bool(PRINT_JSON, "pinned", NULL, pinned);
	if (p->has_pincount)
		cli_print_uint(PRINT_ANY, "pincount", " (pin count %" PRIu64 ")", p->pincount);
	cli_print_text("\n");
}

int cmd_phys(const struct cli_args *a)
{
	struct ptscope_phys p;
	struct ptscope *h;
	char err[256];
	uint64_t addr;

	if (a->argc != 1) {
		cli_error(a, "phys needs one ADDR or pfn:N (see 'ptscope help phys')");
		return EXIT_USAGE;
	}
	if (cli_parse_phys(a->argv[0], &addr, err, sizeof(err))) {
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	/* Again once the module named its page size: pfn:N counts its pages. */
	if (cli_open(&h) || cli_parse_phys(a->argv[0], &addr, err, sizeof(err)) ||
	    ptscope_phys(h, addr, &p)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	cli_print_open(a->json, a->pretty);
	print_phys(&p);
	if (a->who)
		cli_print_mappers(h, p.pfn);
	cli_print_close();
	ptscope_close(h);
	return EXIT_OK;
}

static const struct cli_option phys_options[] = {
	CLI_FLAG("who", 0, who, "the processes (that the caller may inspect) mapping it"),
	{ .name = NULL },
};

const struct cli_command cli_phys_spec = {
	.name = "phys",
	.usage = "ADDR|pfn:N",
	.summary = "what a physical address is: RAM, owner, page state",
	.help = "Needs CAP_SYS_ADMIN.\n",
	.options = phys_options,
	.examples = (const char *const[]){ "ptscope phys 0x100000000",
					   "ptscope phys pfn:0x3aff --who", NULL },
	.run = cmd_phys,
};
