// SPDX-License-Identifier: GPL-2.0-or-later
/* ptscope xlate PID ADDR: an address through every page-table level. */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

static const struct ptscope_xlate_level *leaf_of(const struct ptscope_xlate *x)
{
	const struct ptscope_xlate_level *l = &x->levels[x->nr_levels - 1];

	return l->leaf_size ? l : NULL;
}

/* The level's name, or "?" for a level from a newer module. */
static const char *level_name(uint32_t level)
{
	const char *name = ptscope_level_name(level);

	return name ? name : "?";
}

static void print_text(uint32_t pid, const struct ptscope_xlate *x)
{
	const struct ptscope_xlate_level *leaf = leaf_of(x);
	const struct ptscope_xlate_level *last = &x->levels[x->nr_levels - 1];
	unsigned int i;

	printf("pid %" PRIu32 ", address 0x%" PRIx64 "\n", pid, x->addr);
	printf("%-5s %5s  %-18s  %-18s  %s\n", "level", "index", "table", "entry", "flags");
	for (i = 0; i < x->nr_levels; i++) {
		const struct ptscope_xlate_level *l = &x->levels[i];
		printf("%-5s %5" PRIu32 "  0x%016" PRIx64 "  0x%016" PRIx64 " ",
		       level_name(l->level), l->index, l->table_phys, l->entry);
		cli_print_bit_names(l->flags, ptscope_entry_flag_name);
		putchar('\n');
	}
	if (!leaf && (last->flags & PTSCOPE_ENTRY(PRESENT)) && last->level == PTSCOPE_LEVEL_PGD) {
		/* The module stops at a present PGD entry only where no VMA is. */
		printf("not mapped: no mapping covers the address (the tables below the %s are "
		       "not read: an unmapped range's may be freed at any moment)\n",
		       level_name(last->level));
	} else if (!leaf) {
		printf("not mapped: the %s entry is %s\n", level_name(last->level),
		       last->entry ? "not a present table" : "empty");
	} else if (leaf->has_pfn) {
		printf("leaf: %s, %" PRIu64 " KiB page, pfn 0x%" PRIx64 ", phys 0x%" PRIx64 "\n",
		       level_name(leaf->level), leaf->leaf_size / 1024, leaf->pfn,
		       (leaf->pfn << 12) | (x->addr & 0xfff));
	} else {
		printf("leaf: %s, %" PRIu64 " KiB, not present (swap, migration or marker entry)\n",
		       level_name(leaf->level), leaf->leaf_size / 1024);
	}
}

void cli_json_xlate(struct json *j, const struct ptscope_xlate *x)
{
	const struct ptscope_xlate_level *leaf = x->nr_levels ? leaf_of(x) : NULL;
	unsigned int i;

	cli_json_key(j, "addr");
	cli_json_hex(j, x->addr);
	cli_json_key(j, "levels");
	cli_json_arr_begin(j);
	for (i = 0; i < x->nr_levels; i++) {
		const struct ptscope_xlate_level *l = &x->levels[i];

		cli_json_obj_begin(j);
		cli_json_key(j, "level");
		cli_json_str(j, level_name(l->level));
		cli_json_key(j, "index");
		cli_json_uint(j, l->index);
		cli_json_key(j, "table_phys");
		cli_json_hex(j, l->table_phys);
		cli_json_key(j, "entry");
		cli_json_hex(j, l->entry);
		cli_json_key(j, "flags");
		cli_json_bit_names(j, l->flags, ptscope_entry_flag_name);
		cli_json_obj_end(j);
	}
	cli_json_arr_end(j);
	cli_json_key(j, "leaf");
	if (!leaf) {
		cli_json_null(j);
	} else {
		cli_json_obj_begin(j);
		cli_json_key(j, "level");
		cli_json_str(j, level_name(leaf->level));
		cli_json_key(j, "size");
		cli_json_uint(j, leaf->leaf_size);
		cli_json_key(j, "present");
		cli_json_bool(j, leaf->has_pfn);
		if (leaf->has_pfn) {
			cli_json_key(j, "pfn");
			cli_json_hex(j, leaf->pfn);
			cli_json_key(j, "phys");
			cli_json_hex(j, (leaf->pfn << 12) | (x->addr & 0xfff));
		}
		cli_json_obj_end(j);
	}
}

static void print_json(const struct cli_args *a, uint32_t pid, const struct ptscope_xlate *x)
{
	struct json *j = cli_json_new(stdout, a->pretty);

	cli_json_obj_begin(j);
	cli_json_key(j, "pid");
	cli_json_uint(j, pid);
	cli_json_xlate(j, x);
	cli_json_obj_end(j);
	cli_json_end(j);
}

int cmd_xlate(const struct cli_args *a)
{
	static struct cli_place where;
	struct ptscope_xlate x;
	uint64_t addr = 0, end;
	struct ptscope *h;
	char err[256];
	uint32_t pid;
	int place;

	if (a->argc != 2) {
		cli_error(a, "xlate needs PID and ADDR (see 'ptscope help xlate')");
		return EXIT_USAGE;
	}
	place = cli_parse_place(a->argv[1], &where);
	if (cli_parse_pid(a->argv[0], &pid, err, sizeof(err)) ||
	    (!place && cli_parse_addr(a->argv[1], &addr, err, sizeof(err)))) {
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	/* A place means its first byte, or N bytes into it with "+N". */
	if (ptscope_open(&h) || (place && ptscope_find_mapping(h, pid, where.name, &addr, &end)) ||
	    ptscope_xlate(h, pid, addr + where.off, &x)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	ptscope_close(h);
	if (a->json)
		print_json(a, pid, &x);
	else
		print_text(pid, &x);
	return EXIT_OK;
}

const struct cli_command cli_xlate_spec = {
	.name = "xlate",
	.usage = "PID ADDR",
	.summary = "translate an address through every page-table level",
	.help = "ADDR: hex (0x...), decimal, or a mapping's name ([heap], [stack], libc,\n"
		"a path), with +N for N bytes into it.\n",
	.examples = (const char *const[]){ "ptscope xlate self '[stack]'",
					   "ptscope xlate 1234 0x7f0000001000",
					   "ptscope -j xlate 1234 libc+0x1000 | jq .leaf", NULL },
	.run = cmd_xlate,
};
