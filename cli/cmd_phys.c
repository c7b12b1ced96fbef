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

int cli_owner_text(uint64_t phys, char *buf, size_t len, struct json *j)
{
	uint64_t start, end;
	char name[256];

	if (ptscope_iomem_owner(phys, name, sizeof(name), &start, &end)) {
		snprintf(buf, len, "? (%s)", ptscope_errmsg());
		if (j) {
			cli_json_key(j, "owner");
			cli_json_null(j);
		}
		return 0;
	}
	snprintf(buf, len, "%s (0x%" PRIx64 "-0x%" PRIx64 ")", name, start, end);
	if (j) {
		cli_json_key(j, "owner");
		cli_json_obj_begin(j);
		cli_json_key(j, "name");
		cli_json_str(j, name);
		cli_json_key(j, "start");
		cli_json_hex(j, start);
		cli_json_key(j, "end");
		cli_json_hex(j, end);
		cli_json_obj_end(j);
	}
	return 1;
}

struct who {
	struct json *j;
	int n;
};

static void print_mapper(uint32_t pid, uint64_t addr, void *arg)
{
	struct who *w = arg;
	char comm[64];

	cli_process_name(pid, comm, sizeof(comm));
	if (w->j) {
		cli_json_obj_begin(w->j);
		cli_json_key(w->j, "pid");
		cli_json_uint(w->j, pid);
		cli_json_key(w->j, "comm");
		cli_json_str(w->j, comm);
		cli_json_key(w->j, "addr");
		cli_json_hex(w->j, addr);
		cli_json_obj_end(w->j);
	} else {
		printf("%-18s pid %u (%s) at 0x%" PRIx64 "\n", w->n ? "" : "mapped by", pid, comm,
		       addr);
	}
	w->n++;
}

void cli_list_mappers(struct ptscope *h, uint64_t pfn, struct json *j)
{
	struct who w = { .j = j };

	if (j) {
		cli_json_key(j, "mapped_by");
		cli_json_arr_begin(j);
	}
	cli_find_mappers(h, pfn, print_mapper, &w);
	if (j)
		cli_json_arr_end(j);
	else if (!w.n)
		printf("%-18s no process the caller may inspect\n", "mapped by");
}

static void print_phys(const struct cli_args *a, struct ptscope *h, const struct ptscope_phys *p)
{
	struct json *j = a->json ? cli_json_new(stdout, a->pretty) : NULL;
	int pinned = !!(p->pflags & PTSCOPE_PHYS(PINNED));
	char owner[400];

	if (j) {
		cli_json_obj_begin(j);
		cli_json_key(j, "addr");
		cli_json_hex(j, p->addr);
		cli_json_key(j, "pfn");
		cli_json_hex(j, p->pfn);
		cli_json_key(j, "ram");
		cli_json_bool(j, p->ram);
	} else {
		printf("%-18s 0x%" PRIx64 " (pfn 0x%" PRIx64 ")\n", "physical address", p->addr,
		       p->pfn);
		printf("%-18s %s", "memory", p->ram ? "System RAM" : "not RAM");
		if (p->has_page)
			printf(", node %u, zone %s", p->nid, p->zone);
		else
			printf(", no struct page in use");
		putchar('\n');
	}
	cli_owner_text(p->addr, owner, sizeof(owner), j);
	if (!j)
		printf("%-18s %s\n", "owner", owner);
	if (p->has_page) {
		if (j) {
			cli_json_key(j, "node");
			cli_json_uint(j, p->nid);
			cli_json_key(j, "zone");
			cli_json_str(j, p->zone);
			cli_json_key(j, "page_flags");
			cli_json_bit_names(j, p->pflags, ptscope_phys_flag_name);
			cli_json_key(j, "mapcount");
			cli_json_uint(j, p->mapcount);
			cli_json_key(j, "refcount");
			cli_json_uint(j, p->refcount);
			cli_json_key(j, "pinned");
			cli_json_bool(j, pinned);
			if (p->has_pincount) {
				cli_json_key(j, "pincount");
				cli_json_uint(j, p->pincount);
			}
		} else {
			printf("%-18s", "page flags");
			cli_print_bit_names(p->pflags, ptscope_phys_flag_name);
			printf("\n%-18s %u\n%-18s %u\n", "mapcount", p->mapcount, "refcount",
			       p->refcount);
			if (p->has_pincount)
				printf("%-18s %s (pin count %u)\n", "pinned", pinned ? "yes" : "no",
				       p->pincount);
			else
				printf("%-18s %s\n", "pinned",
				       pinned ? "maybe (refcount bias)" : "no");
		}
	}
	if (a->who)
		cli_list_mappers(h, p->pfn, j);
	if (j) {
		cli_json_obj_end(j);
		cli_json_end(j);
	}
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
	if (ptscope_open(&h) || ptscope_phys(h, addr, &p)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	print_phys(a, h, &p);
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
