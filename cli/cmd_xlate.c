// SPDX-License-Identifier: GPL-2.0-or-later
/* ptscope xlate PID ADDR...: addresses through every page-table level. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

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

/*
 * A leaf as the procfs source gives it: no tables, no level, no size; the
 * flags pagemap shows and the frame (0 when hidden from the caller).
 */
static void print_leaf_only(const struct ptscope_xlate *x, const char *indent)
{
	const struct ptscope_xlate_level *l = &x->levels[0];

	cli_print_hex(PRINT_ANY, "addr", "address 0x%" PRIx64 "\n", x->addr);
	cli_print_null(PRINT_JSON, "levels", NULL);
	cli_print_text("%stables: unknown (source procfs: pagemap shows the leaf only)\n%s", indent,
		       indent);
	if (!l->leaf_size) {
		cli_print_null(PRINT_ANY, "leaf", "not mapped: no page is there\n");
		return;
	}
	cli_open_object("leaf");
	cli_print_null(PRINT_ANY, "level", "leaf: level and size unknown, ");
	cli_print_null(PRINT_JSON, "size", NULL);
	cli_print_bool(PRINT_JSON, "present", NULL, l->has_pfn);
	if (l->has_pfn) {
		cli_print_hex(PRINT_ANY, "pfn", "page, pfn 0x%" PRIx64, l->pfn);
		cli_print_hex(PRINT_ANY, "phys", ", phys 0x%" PRIx64,
			      (l->pfn << cli_machine.page_shift) |
				      (x->addr & (cli_machine.page_size - 1)));
	} else {
		cli_print_text("not present (swapped, or an entry of the kernel's own)");
	}
	cli_print_text(", flags");
	cli_print_bits(PRINT_ANY, "flags", l->flags, cli_entry_flag_name);
	cli_print_text("\n");
	cli_close_object();
}

/* The translation; in text, each line after the first begins with @indent. */
static void print_xlate(const struct ptscope_xlate *x, const char *indent)
{
	const struct ptscope_xlate_level *leaf = x->nr_levels ? leaf_of(x) : NULL;
	const struct ptscope_xlate_level *last = x->nr_levels ? &x->levels[x->nr_levels - 1] : NULL;
	unsigned int i;

	if (x->nr_levels == 1 && x->levels[0].level == PTSCOPE_LEVEL_UNKNOWN) {
		print_leaf_only(x, indent);
		return;
	}
	cli_print_hex(PRINT_ANY, "addr", "address 0x%" PRIx64 "\n", x->addr);
	cli_print_text("%s%-5s %5s  %-18s  %-18s  %s\n", indent, "level", "index", "table", "entry",
		       "flags");
	cli_open_array("levels");
	for (i = 0; i < x->nr_levels; i++) {
		const struct ptscope_xlate_level *l = &x->levels[i];

		cli_open_object(NULL);
		cli_print_text("%s", indent);
		cli_print_str(PRINT_ANY, "level", "%-5s ", level_name(l->level));
		cli_print_uint(PRINT_ANY, "index", "%5" PRIu64 "  ", l->index);
		cli_print_hex(PRINT_ANY, "table_phys", "0x%016" PRIx64 "  ", l->table_phys);
		cli_print_hex(PRINT_ANY, "entry", "0x%016" PRIx64 " ", l->entry);
		cli_print_bits(PRINT_ANY, "flags", l->flags, cli_entry_flag_name);
		cli_print_text("\n");
		cli_close_object();
	}
	cli_close_array();
	cli_print_text("%s", indent);
	if (!last) {
		cli_print_null(PRINT_ANY, "leaf", "not translated\n");
	} else if (!leaf && (last->flags & PTSCOPE_ENTRY(PRESENT)) &&
		   last->level == PTSCOPE_LEVEL_PGD) {
		/* The module stops at a present PGD entry only where no VMA is. */
		cli_print_null(PRINT_JSON, "leaf", NULL);
		cli_print_text("not mapped: no mapping covers the address (the tables below the %s "
			       "are not read: an unmapped range's may be freed at any moment)\n",
			       level_name(last->level));
	} else if (!leaf) {
		cli_print_null(PRINT_JSON, "leaf", NULL);
		cli_print_text("not mapped: the %s entry is %s\n", level_name(last->level),
			       last->entry ? "not a present table" : "empty");
	} else {
		cli_open_object("leaf");
		cli_print_str(PRINT_ANY, "level", "leaf: %s, ", level_name(leaf->level));
		cli_member_uint("size", leaf->leaf_size);
		cli_print_text("%" PRIu64 " KiB", leaf->leaf_size / 1024);
		cli_print_bool(PRINT_JSON, "present", NULL, leaf->has_pfn);
		if (leaf->has_pfn) {
			cli_print_hex(PRINT_ANY, "pfn", " page, pfn 0x%" PRIx64, leaf->pfn);
			cli_print_hex(PRINT_ANY, "phys", ", phys 0x%" PRIx64 "\n",
				      (leaf->pfn << cli_machine.page_shift) |
					      (x->addr & (cli_machine.page_size - 1)));
		} else {
			cli_print_text(", not present (swap, migration or marker entry)\n");
		}
		cli_close_object();
	}
}

void cli_print_xlate(const struct ptscope_xlate *x)
{
	print_xlate(x, "");
}

void cli_print_xlate_member(const char *key, const char *title, const struct ptscope_xlate *x)
{
	if (!x->nr_levels) {
		cli_print_null(PRINT_JSON, key, NULL);
		return;
	}
	/* Under its heading: the address's line too, and the table indented. */
	cli_print_text("%s  ", title);
	cli_open_object(key);
	print_xlate(x, "  ");
	cli_close_object();
}

/* ADDR, a hex or decimal address or a place (a mapping's name, +N into it). */
static int resolve_addr(struct ptscope **h, uint32_t pid, const char *arg, uint64_t *addr,
			char *err, size_t len)
{
	struct cli_place where;
	uint64_t end;

	if (!cli_parse_place(arg, &where))
		return cli_parse_addr(arg, addr, err, len) ? EXIT_USAGE : 0;
	/* A place means its first byte, or N bytes into it with "+N". */
	if ((!*h && cli_open(h)) || ptscope_find_mapping(*h, pid, where.name, addr, &end)) {
		snprintf(err, len, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
	}
	*addr += where.off;
	return 0;
}

/*
 * Many addresses go to the module as one request (ptscope_xlate_many), and
 * print as a list: "translations" in JSON; in text, one block each.
 */
static void print_many(const struct cli_args *a, uint32_t pid, bool procfs,
		       const struct ptscope_xlate *x, size_t n)
{
	size_t i;

	cli_print_open(a->json, a->pretty);
	cli_member_uint("pid", pid);
	if (procfs)
		cli_member_str("source", "procfs");
	cli_open_array("translations");
	for (i = 0; i < n; i++) {
		cli_print_text("%spid %" PRIu32 ", ", i ? "\n" : "", pid);
		cli_open_object(NULL);
		cli_print_xlate(&x[i]);
		cli_close_object();
	}
	cli_close_array();
	cli_print_close();
}

int cmd_xlate(const struct cli_args *a)
{
	size_t i, n = a->argc > 1 ? (size_t)a->argc - 1 : 0;
	struct ptscope_xlate *x = NULL;
	struct ptscope *h = NULL;
	uint64_t *addrs = NULL;
	int ret = EXIT_OK;
	char err[256];
	uint32_t pid;
	bool procfs;

	if (a->argc < 2) {
		cli_error(a, "xlate needs PID and ADDR (one or more; see 'ptscope help xlate')");
		return EXIT_USAGE;
	}
	if (cli_parse_pid(a->argv[0], &pid, err, sizeof(err))) {
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	addrs = calloc(n, sizeof(*addrs));
	x = calloc(n, sizeof(*x));
	if (!addrs || !x) {
		cli_error(a, "out of memory for %zu addresses", n);
		ret = EXIT_RUNTIME;
		goto out;
	}
	for (i = 0; i < n && !ret; i++)
		ret = resolve_addr(&h, pid, a->argv[i + 1], &addrs[i], err, sizeof(err));
	if (ret) {
		cli_error(a, "%s", err);
		goto out;
	}
	if ((!h && cli_open(&h)) || ptscope_xlate_many(h, pid, addrs, n, x)) {
		cli_error(a, "%s", ptscope_errmsg());
		ret = EXIT_RUNTIME;
		goto out;
	}
	procfs = ptscope_source(h) == PTSCOPE_SOURCE_PROCFS;
	ptscope_close(h);
	h = NULL;
	if (n > 1) {
		print_many(a, pid, procfs, x, n);
		goto out;
	}
	cli_print_open(a->json, a->pretty);
	cli_print_uint(PRINT_ANY, "pid", "pid %" PRIu64 ", ", pid);
	if (procfs)
		cli_member_str("source", "procfs");
	cli_print_xlate(x);
	cli_print_close();
out:
	ptscope_close(h);
	free(addrs);
	free(x);
	return ret;
}

const struct cli_command cli_xlate_spec = {
	.name = "xlate",
	.usage = "PID ADDR...",
	.summary = "translate addresses through every page-table level",
	.help = "ADDR: hex (0x...), decimal, or a mapping's name ([heap], [stack], libc,\n"
		"a path), with +N for N bytes into it. Several addresses are translated\n"
		"in one request to the module (4096 per request) and listed in order\n"
		"(\"translations\" in JSON); one address prints as it always has.\n",
	.examples =
		(const char *const[]){ "ptscope xlate self '[stack]'",
				       "ptscope xlate 1234 0x7f0000001000",
				       "ptscope xlate 1234 0x7f0000001000 0x7f0000002000 '[heap]'",
				       "ptscope -j xlate 1234 libc+0x1000 | jq .leaf", NULL },
	.run = cmd_xlate,
};
