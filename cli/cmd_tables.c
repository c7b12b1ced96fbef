// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope tables PID [RANGE]: what a process's page tables cost, per
 * mapping and in total: tables per level, their bytes, the entries in use,
 * and how full the PTE tables are. Each table is counted once: one that
 * maps more than one mapping goes to the first (and is marked), one that
 * hugetlb shares with other processes is marked too.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

#define NLEVELS (PTSCOPE_LEVEL_PGD + 1)
#define FILL_BUCKETS 8

struct tables_vma {
	uint64_t start, end;
	char *name;
	uint64_t tables[NLEVELS];
	uint64_t used, shared, spanning;
};

struct tables_out {
	uint64_t start, end; /* the range asked; end: UINT64_MAX for the top */
	struct tables_vma *vmas;
	size_t nvmas, cap;
	struct ptscope_table *tabs;
	size_t ntabs, tcap;
	bool oom;
};

static int on_vma(const struct ptscope_vma *v, void *arg)
{
	struct tables_out *o = arg;
	struct tables_vma *n;

	if (v->end <= o->start || v->start >= o->end)
		return 0;
	if (o->nvmas == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 64;
		n = realloc(o->vmas, o->cap * sizeof(*n));
		if (!n)
			return o->oom = true, -ENOMEM;
		o->vmas = n;
	}
	n = &o->vmas[o->nvmas];
	memset(n, 0, sizeof(*n));
	n->start = v->start;
	n->end = v->end;
	n->name = strdup(v->name ? v->name : "");
	if (!n->name)
		return o->oom = true, -ENOMEM;
	o->nvmas++;
	return 0;
}

static int on_table(const struct ptscope_table *t, void *arg)
{
	struct tables_out *o = arg;
	struct ptscope_table *n;

	if (o->ntabs == o->tcap) {
		o->tcap = o->tcap ? 2 * o->tcap : 256;
		n = realloc(o->tabs, o->tcap * sizeof(*n));
		if (!n)
			return o->oom = true, -ENOMEM;
		o->tabs = n;
	}
	o->tabs[o->ntabs++] = *t;
	return 0;
}

/* The bytes one entry of a table at @level maps (the top: everything). */
static uint64_t entry_span(uint32_t level)
{
	uint64_t span = PAGE_BYTES, per = PAGE_BYTES / 8;
	uint32_t l;

	for (l = PTSCOPE_LEVEL_PTE; l < level && l < PTSCOPE_LEVEL_PGD; l++)
		span = span * per > span ? span * per : UINT64_MAX;
	return span;
}

/*
 * The mapping a table is counted under: the first in the range that it
 * maps (the walk entered it there); *@spans when it maps a later one too.
 * -1 when none (a table of a mapping gone since the maps were read).
 */
static long owner_of(const struct tables_out *o, const struct ptscope_table *t, bool *spans)
{
	uint64_t span = entry_span(t->level), te, from = t->addr > o->start ? t->addr : o->start;
	size_t lo = 0, hi = o->nvmas;

	if (t->level == PTSCOPE_LEVEL_PGD || span > UINT64_MAX / t->entries ||
	    t->addr + span * t->entries < t->addr)
		te = UINT64_MAX;
	else
		te = t->addr + span * t->entries;
	while (lo < hi) { /* the first mapping ending above from */
		size_t mid = (lo + hi) / 2;

		if (o->vmas[mid].end <= from)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == o->nvmas || o->vmas[lo].start >= te)
		return -1;
	*spans = lo + 1 < o->nvmas && o->vmas[lo + 1].start < te && o->vmas[lo + 1].start < o->end;
	return (long)lo;
}

static const char *level_name(uint32_t level)
{
	return ptscope_level_name(level) ?: "?";
}

static void print_table(const struct ptscope_table *t, bool spans)
{
	cli_open_object(NULL);
	cli_member_hex("addr", t->addr);
	cli_member_str("level", level_name(t->level));
	cli_member_uint("entries", t->entries);
	cli_member_uint("used", t->used);
	cli_member_uint("leaves", t->leaves);
	if (t->has_phys)
		cli_member_hex("phys", t->phys);
	cli_print_bool(PRINT_JSON, "shared", NULL, t->flags & PTSCOPE_TABLE_SHARED);
	cli_print_bool(PRINT_JSON, "spans_mappings", NULL, spans);
	cli_close_object();
}

/* One row of the per-mapping table: counts per level, bytes, entries used. */
static void print_counts(const uint64_t *tables, uint64_t used)
{
	uint64_t all = 0;
	char b[32];
	int l;

	for (l = PTSCOPE_LEVEL_PGD; l >= PTSCOPE_LEVEL_PTE; l--) {
		cli_print_text(" %5" PRIu64, tables[l]);
		all += tables[l];
	}
	cli_open_object("tables");
	for (l = PTSCOPE_LEVEL_PGD; l >= PTSCOPE_LEVEL_PTE; l--)
		cli_member_uint(level_name(l), tables[l]);
	cli_close_object();
	cli_member_uint("bytes", all * PAGE_BYTES);
	cli_print_text(" %8s", cli_size_units(all * PAGE_BYTES, b, sizeof(b)));
	cli_print_uint(PRINT_ANY, "used", " %8" PRIu64, used);
}

static void print_vma(const struct tables_vma *v)
{
	cli_open_object(NULL);
	cli_print_hex(PRINT_ANY, "start", "0x%012" PRIx64 " ", v->start);
	cli_print_hex(PRINT_ANY, "end", "0x%012" PRIx64, v->end);
	print_counts(v->tables, v->used);
	cli_member_uint("shared", v->shared);
	cli_member_uint("spanning", v->spanning);
	cli_print_text(" %s%-*s", v->shared ? "S" : "", v->shared ? 1 : 2, v->spanning ? "+" : "");
	cli_print_str(PRINT_ANY, "name", " %s\n", v->name);
	cli_close_object();
}

static void print_report(struct tables_out *o, uint32_t pid)
{
	uint64_t tot[NLEVELS] = { 0 }, entries[NLEVELS] = { 0 }, used[NLEVELS] = { 0 };
	uint64_t leaves[NLEVELS] = { 0 }, fill[FILL_BUCKETS] = { 0 }, all_used = 0;
	uint64_t shared = 0, spanning = 0, ptrs = PAGE_BYTES / 8, vm_pte, most = 0;
	char b[32];
	size_t i;
	int l;

	cli_member_uint("pid", pid);
	cli_member_uint("page_size", PAGE_BYTES);
	cli_open_array("tables");
	for (i = 0; i < o->ntabs; i++) {
		const struct ptscope_table *t = &o->tabs[i];
		bool spans = false;
		long v = owner_of(o, t, &spans);
		uint32_t lv = t->level < NLEVELS ? t->level : PTSCOPE_LEVEL_PTE;

		print_table(t, spans);
		tot[lv]++;
		entries[lv] += t->entries;
		used[lv] += t->used;
		leaves[lv] += t->leaves;
		all_used += t->used;
		shared += !!(t->flags & PTSCOPE_TABLE_SHARED);
		spanning += spans;
		if (lv == PTSCOPE_LEVEL_PTE && t->used) {
			uint64_t k = (t->used - 1) * FILL_BUCKETS / ptrs;

			fill[k < FILL_BUCKETS ? k : FILL_BUCKETS - 1]++;
		}
		if (v < 0)
			continue;
		o->vmas[v].tables[lv]++;
		o->vmas[v].used += t->used;
		o->vmas[v].shared += !!(t->flags & PTSCOPE_TABLE_SHARED);
		o->vmas[v].spanning += spans;
	}
	cli_close_array();

	cli_print_text("%-14s %-14s %5s %5s %5s %5s %5s %8s %8s %-2s %s\n", "START", "END", "PGD",
		       "P4D", "PUD", "PMD", "PTE", "BYTES", "USED", "", "NAME");
	cli_open_array("vmas");
	for (i = 0; i < o->nvmas; i++)
		print_vma(&o->vmas[i]);
	cli_close_array();
	cli_print_text("%-29s", "TOTAL");
	cli_open_object("summary");
	print_counts(tot, all_used);
	vm_pte = (tot[PTSCOPE_LEVEL_PUD] + tot[PTSCOPE_LEVEL_PMD] + tot[PTSCOPE_LEVEL_PTE]) *
		 PAGE_BYTES;
	cli_member_uint("vm_pte", vm_pte);
	cli_member_uint("shared", shared);
	cli_member_uint("spanning", spanning);
	cli_close_object();
	cli_print_text("\n\n%-5s %7s %8s %9s %9s %9s\n", "LEVEL", "TABLES", "BYTES", "ENTRIES",
		       "USED", "LEAVES");
	cli_open_array("levels");
	for (l = PTSCOPE_LEVEL_PGD; l >= PTSCOPE_LEVEL_PTE; l--) {
		cli_open_object(NULL);
		cli_print_str(PRINT_ANY, "level", "%-5s", level_name(l));
		cli_print_uint(PRINT_ANY, "tables", " %7" PRIu64, tot[l]);
		cli_member_uint("bytes", tot[l] * PAGE_BYTES);
		cli_print_text(" %8s", cli_size_units(tot[l] * PAGE_BYTES, b, sizeof(b)));
		cli_print_uint(PRINT_ANY, "entries", " %9" PRIu64, entries[l]);
		cli_print_uint(PRINT_ANY, "used", " %9" PRIu64, used[l]);
		cli_print_uint(PRINT_ANY, "leaves", " %9" PRIu64 "\n", leaves[l]);
		cli_close_object();
	}
	cli_close_array();
	cli_print_text("VmPTE counts PUD, PMD and PTE tables: %s\n",
		       cli_size_units(vm_pte, b, sizeof(b)));

	cli_print_text("\nPTE tables by entries used (of %" PRIu64 "):\n", ptrs);
	for (i = 0; i < FILL_BUCKETS; i++)
		most = fill[i] > most ? fill[i] : most;
	cli_open_array("pte_fill");
	for (i = 0; i < FILL_BUCKETS; i++) {
		uint64_t from = i * ptrs / FILL_BUCKETS + 1, to = (i + 1) * ptrs / FILL_BUCKETS;
		unsigned int bar = most ? (unsigned int)((fill[i] * 40 + most - 1) / most) : 0;

		cli_open_object(NULL);
		cli_print_uint(PRINT_ANY, "from", "%6" PRIu64, from);
		cli_print_uint(PRINT_ANY, "to", "-%-5" PRIu64, to);
		cli_print_uint(PRINT_ANY, "tables", " %7" PRIu64 " ", fill[i]);
		cli_print_text("%.*s\n", bar, "########################################");
		cli_close_object();
	}
	cli_close_array();
	if (shared)
		cli_print_text("S: %" PRIu64 " hugetlb PMD table%s shared with other processes\n",
			       shared, shared == 1 ? "" : "s");
	if (spanning)
		cli_print_text("+: %" PRIu64
			       " table%s mapping more than one mapping, counted once, "
			       "under the first\n",
			       spanning, spanning == 1 ? "" : "s");
}

static void free_out(struct tables_out *o)
{
	size_t i;

	for (i = 0; i < o->nvmas; i++)
		free(o->vmas[i].name);
	free(o->vmas);
	free(o->tabs);
}

int cmd_tables(const struct cli_args *a)
{
	static struct cli_place where;
	struct tables_out o = { 0 };
	uint64_t start = 0, end = 0;
	struct ptscope *h;
	uint32_t pid;
	bool place;
	int ret;

	ret = cli_parse_pid_range(a, "tables", &pid, &start, &end, &where, &place);
	if (ret)
		return ret;
	if (cli_open(&h)) {
		cli_error(a, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
	}
	ret = place ? cli_place_range(h, pid, &where, &start, &end) : 0;
	o.start = start;
	o.end = end ? end : UINT64_MAX;
	/* The tables first: a refusal is the module's, in its words. */
	if (!ret)
		ret = ptscope_tables(h, pid, start, end, on_table, &o);
	if (!ret)
		ret = ptscope_maps(h, pid, on_vma, &o);
	if (ret) {
		cli_error(a, "%s", o.oom ? "out of memory" : ptscope_errmsg());
		free_out(&o);
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	cli_print_open(a->json, a->pretty);
	print_report(&o, pid);
	cli_print_close();
	free_out(&o);
	ptscope_close(h);
	return EXIT_OK;
}

const struct cli_command cli_tables_spec = {
	.name = "tables",
	.usage = "PID [RANGE]",
	.summary = "the page-table pages of a process: per level, per mapping, how full",
	.help = "RANGE: ADDR, ADDR-END or ADDR+LEN, or a mapping's name; default: all.\n"
		"Each table is counted once: under the first mapping it maps (marked +\n"
		"when it maps more), hugetlb PMD tables shared with other processes\n"
		"marked S. VmPTE in /proc/PID/status is the PUD, PMD and PTE tables' bytes.\n"
		"Needs the module (procfs has only the VmPTE total).\n",
	.examples = (const char *const[]){ "ptscope tables self", "ptscope tables 1234 '[heap]'",
					   "ptscope -j tables 1234 | jq .summary", NULL },
	.run = cmd_tables,
};
