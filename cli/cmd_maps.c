// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope maps PID: the mappings of a process, like pmap, with what their
 * page tables hold (present, swapped, huge, zero-page pages) and what a
 * write to their pages would do (copy-on-write states).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

struct maps_out {
	const struct cli_args *a;
	bool begun;
	uint32_t pid;
	uint64_t vmas, bytes, present, swapped, huge, pinned;
	uint64_t cow[PTSCOPE_COW_STATES]; /* the process's totals */
	uint32_t unknown; /* PTSCOPE_VMA_UNKNOWN_* of any mapping: no such total */
	bool procfs; /* the source: JSON says so, text in its "-" fields and summary */
	struct ptscope *walker; /* --placement: a second handle, for walks inside the listing */
};

/* --placement: where one mapping's present pages live. */
#define PLACE_NODES 64
#define PLACE_CGROUPS 8
struct placement {
	uint64_t node[PLACE_NODES];
	uint64_t nodes_unknown; /* present pages without a node */
	struct {
		uint64_t inode, pages;
	} cg[PLACE_CGROUPS];
	uint64_t cgroups_other; /* pages of cgroups beyond the PLACE_CGROUPS first seen */
	uint64_t cgroups_unknown; /* present pages without a cgroup (hidden or unknown) */
};

static int on_placed(const struct ptscope_page *pg, void *arg)
{
	struct placement *p = arg;
	int i;

	if (pg->state != PTSCOPE_STATE_PRESENT)
		return 0;
	if (pg->has_nid && pg->nid < PLACE_NODES)
		p->node[pg->nid] += pg->nr_pages;
	else
		p->nodes_unknown += pg->nr_pages;
	if (!pg->has_memcg) {
		p->cgroups_unknown += pg->nr_pages;
		return 0;
	}
	for (i = 0; i < PLACE_CGROUPS && p->cg[i].pages && p->cg[i].inode != pg->memcg; i++)
		;
	if (i == PLACE_CGROUPS) {
		p->cgroups_other += pg->nr_pages;
		return 0;
	}
	p->cg[i].inode = pg->memcg;
	p->cg[i].pages += pg->nr_pages;
	return 0;
}

/* A second line per mapping (text), or "nodes" and "cgroups" (JSON). */
static void print_placement(const struct placement *p)
{
	const char *path;
	uint64_t any = p->nodes_unknown;
	int i;

	for (i = 0; i < PLACE_NODES; i++)
		any += p->node[i];
	/* Text: a line for mappings with present pages only. */
	if (!any && !cli_print_is_json())
		return;
	cli_print_text("    nodes:");
	cli_open_object("nodes");
	for (i = 0; i < PLACE_NODES; i++) {
		char key[16];

		if (!p->node[i])
			continue;
		snprintf(key, sizeof(key), "%d", i);
		cli_print_text(" %d=%" PRIu64, i, p->node[i]);
		cli_member_uint(key, p->node[i]);
	}
	if (p->nodes_unknown)
		cli_print_uint(PRINT_ANY, "unknown", " unknown=%" PRIu64, p->nodes_unknown);
	cli_close_object();
	cli_print_text("  cgroups:");
	cli_open_array("cgroups");
	for (i = 0; i < PLACE_CGROUPS && p->cg[i].pages; i++) {
		path = cli_cgroup_path(p->cg[i].inode);
		cli_open_object(NULL);
		cli_member_uint("inode", p->cg[i].inode);
		if (path)
			cli_print_str(PRINT_ANY, "path", " %s", path);
		else
			cli_print_text(" inode:%" PRIu64, p->cg[i].inode);
		cli_print_uint(PRINT_ANY, "pages", "=%" PRIu64, p->cg[i].pages);
		cli_close_object();
	}
	cli_close_array();
	if (p->cgroups_other)
		cli_print_uint(PRINT_ANY, "cgroups_other", " others=%" PRIu64, p->cgroups_other);
	if (p->cgroups_unknown)
		cli_print_uint(PRINT_ANY, "cgroups_unknown", " unknown=%" PRIu64,
			       p->cgroups_unknown);
	cli_print_text("\n");
}

/* Pages a write would copy (or fill anew): COW-shared, zero, file, KSM. */
static uint64_t copies(const uint64_t *cow)
{
	return cow[PTSCOPE_COW_SHARED] + cow[PTSCOPE_COW_ZERO] + cow[PTSCOPE_COW_FILE] +
	       cow[PTSCOPE_COW_KSM];
}

/* Every COW state this tool knows, by name, with its count in @cow. */
static size_t cow_counts(const uint64_t *cow, struct json_count *out)
{
	size_t n = 0;
	unsigned int s;

	for (s = 0; s < __PTSCOPE_COW_COUNT; s++)
		if (s != PTSCOPE_COW_UNMAPPED) {
			out[n].key = ptscope_cow_name(s);
			out[n++].value = cow[s];
		}
	return n;
}

static void begin_output(struct maps_out *o)
{
	if (o->begun)
		return;
	o->begun = true;
	cli_print_open(o->a->json, o->a->pretty);
	cli_print_text("%-14s %-14s %6s %-4s %7s %6s %6s %6s %6s %6s %-7s %s\n", "START", "END",
		       "SIZE", "PERM", "PRESENT", "SWAP", "HUGE", "ZERO", "COPY", "REUSE",
		       "BACKING", "NAME");
	cli_member_uint("pid", o->pid);
	if (o->procfs)
		cli_member_str("source", "procfs");
	cli_open_array("vmas");
}

/* A JSON member, null when the source could not count it. */
static void print_member(const char *key, uint64_t value, bool unknown)
{
	if (unknown)
		cli_print_null(PRINT_JSON, key, NULL);
	else
		cli_member_uint(key, value);
}

/* The member, and a table column of @width: "-" when unknown. */
static void print_count(const char *key, int width, uint64_t value, bool unknown)
{
	char num[24];

	snprintf(num, sizeof(num), "%" PRIu64, value);
	print_member(key, value, unknown);
	cli_print_text("%*s ", width, unknown ? "-" : num);
}

void cli_print_vma(const struct ptscope_vma *v, enum cli_vma_view view)
{
	const char *backing = ptscope_backing_name(v->backing) ?: "?";
	bool row = view == CLI_VMA_ROW, known = v->name;
	char perm[5], size[32];

	if (known)
		cli_vma_perms(v->flags, perm);
	else
		memcpy(perm, "????", sizeof(perm));
	cli_print_hex(PRINT_ANY, "start", row ? "0x%012" PRIx64 " " : "0x%012" PRIx64 "-",
		      v->start);
	cli_print_hex(PRINT_ANY, "end", "0x%012" PRIx64 " ", v->end);
	cli_member_uint("size", v->end - v->start);
	if (row)
		cli_print_text("%6s ", cli_size_units(v->end - v->start, size, sizeof(size)));
	cli_print_str(PRINT_ANY, "perms", row ? "%-4s " : "%s ", perm);
	if (row) {
		print_count("present", 7, v->present, v->unknown & PTSCOPE_VMA_UNKNOWN_PRESENT);
		print_count("swapped", 6, v->swapped, v->unknown & PTSCOPE_VMA_UNKNOWN_PRESENT);
		print_count("huge", 6, v->huge, v->unknown & PTSCOPE_VMA_UNKNOWN_HUGE);
		print_count("zero", 6, v->zero, v->unknown & PTSCOPE_VMA_UNKNOWN_ZERO);
		if (v->unknown & PTSCOPE_VMA_UNKNOWN_COW)
			cli_print_text("%6s %6s ", "-", "-");
		else
			cli_print_text("%6" PRIu64 " %6" PRIu64 " ", copies(v->cow),
				       v->cow[PTSCOPE_COW_REUSABLE]);
	}
	if (!known) {
		cli_print_null(PRINT_ANY, "backing", "? ");
		cli_print_null(PRINT_ANY, "name", "?");
		cli_print_null(PRINT_ANY, "flags", ", flags unknown\n");
		return;
	}
	cli_print_str(PRINT_ANY, "backing", row ? "%-7s " : "%s ", backing);
	cli_member_str("name", v->name);
	cli_print_text("%s", *v->name || row ? v->name : "[anon]");
	if (view == CLI_VMA_LINE)
		cli_print_hex(PRINT_ANY, "offset", ", offset 0x%" PRIx64, v->pgoff);
	else if (row)
		cli_member_hex("offset", v->pgoff);
	if (!row)
		cli_print_text(", flags");
	cli_print_bits(row ? PRINT_JSON : PRINT_ANY, "flags", v->flags, ptscope_vma_flag_name);
	cli_print_text("\n");
	if (row) {
		struct json_count c[__PTSCOPE_COW_COUNT];

		cli_member_uint("inode", v->inode);
		print_member("dirty", v->dirty, v->unknown & PTSCOPE_VMA_UNKNOWN_DIRTY);
		print_member("soft_dirty", v->soft_dirty,
			     v->unknown & PTSCOPE_VMA_UNKNOWN_SOFT_DIRTY);
		print_member("pinned", v->pinned, v->unknown & PTSCOPE_VMA_UNKNOWN_PINNED);
		if (v->unknown & PTSCOPE_VMA_UNKNOWN_COW)
			cli_print_null(PRINT_JSON, "cow", NULL);
		else
			cli_member_counts("cow", c, cow_counts(v->cow, c));
		cli_print_unknown(v->unknown, ptscope_vma_unknown_name);
	}
}

static int on_vma(const struct ptscope_vma *v, void *arg)
{
	struct maps_out *o = arg;
	int i;

	o->vmas++;
	o->bytes += v->end - v->start;
	o->present += v->present;
	o->swapped += v->swapped;
	o->huge += v->huge;
	o->pinned += v->pinned;
	o->unknown |= v->unknown;
	for (i = 0; i < PTSCOPE_COW_STATES; i++)
		o->cow[i] += v->cow[i];
	begin_output(o);
	cli_open_object(NULL);
	cli_print_vma(v, CLI_VMA_ROW);
	if (o->walker) {
		struct placement p;

		memset(&p, 0, sizeof(p));
		if (ptscope_walk(o->walker, o->pid, v->start, v->end,
				 PTSCOPE_WALK_RUNS | PTSCOPE_WALK_SKIP_NONE |
					 PTSCOPE_WALK_PLACEMENT,
				 on_placed, &p)) {
			cli_close_object();
			return -1; /* the walk's message is the listing's error */
		}
		print_placement(&p);
	}
	cli_close_object();
	return 0;
}

int cmd_maps(const struct cli_args *a)
{
	struct maps_out o = { .a = a };
	struct ptscope *h;
	char size[32];
	uint32_t pid;
	int ret;

	ret = cli_open_pid(a, "maps", &pid, &h);
	if (ret)
		return ret;
	o.pid = pid;
	o.procfs = ptscope_source(h) == PTSCOPE_SOURCE_PROCFS;
	/* The listing is a dump in progress on @h: walks need their own socket. */
	if (a->placement && ptscope_open_source(&o.walker, ptscope_source(h))) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	ret = ptscope_maps(h, pid, on_vma, &o);
	if (o.walker)
		ptscope_close(o.walker);
	if (ret && !o.begun) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	begin_output(&o);
	if (cli_print_is_json()) {
		struct json_count counts[6] = { { "vmas", o.vmas }, { "size", o.bytes } };
		bool cow_known = !(o.unknown & PTSCOPE_VMA_UNKNOWN_COW);
		struct json_count c[__PTSCOPE_COW_COUNT];
		size_t n = 2;

		if (!(o.unknown & PTSCOPE_VMA_UNKNOWN_PRESENT)) {
			counts[n++] = (struct json_count){ "present", o.present };
			counts[n++] = (struct json_count){ "swapped", o.swapped };
		}
		/* Totals the source could not count are left out, not given as 0. */
		if (!(o.unknown & PTSCOPE_VMA_UNKNOWN_HUGE))
			counts[n++] = (struct json_count){ "huge", o.huge };
		if (!(o.unknown & PTSCOPE_VMA_UNKNOWN_PINNED))
			counts[n++] = (struct json_count){ "pinned", o.pinned };
		cli_print_close_stream(ret ? ptscope_errmsg() : NULL, counts, n,
				       cow_known ? "cow" : NULL, c,
				       cow_known ? cow_counts(o.cow, c) : 0);
	} else if (ret) {
		cli_error(a, "%s", ptscope_errmsg());
	} else {
		printf("%" PRIu64 " mappings, %s: ", o.vmas,
		       cli_size_units(o.bytes, size, sizeof(size)));
		if (o.unknown & PTSCOPE_VMA_UNKNOWN_PRESENT)
			printf("%" PRIu64 " pages present, %" PRIu64 " swapped outside VM_PFNMAP "
			       "mappings",
			       o.present, o.swapped);
		else
			printf("%" PRIu64 " pages present, %" PRIu64 " swapped", o.present,
			       o.swapped);
		if (!(o.unknown & PTSCOPE_VMA_UNKNOWN_HUGE))
			printf(", %" PRIu64 " in huge leaves", o.huge);
		if (o.unknown & PTSCOPE_VMA_UNKNOWN_COW)
			printf("; copy-on-write unknown (source procfs)\n");
		else
			printf("; a write would copy %" PRIu64 ", reuse %" PRIu64 "\n",
			       copies(o.cow), o.cow[PTSCOPE_COW_REUSABLE]);
	}
	ptscope_close(h);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

static const struct cli_option maps_options[] = {
	CLI_FLAG("placement", 0, placement,
		 "also each mapping's pages per NUMA node and per memory cgroup"),
	{ .name = NULL },
};

const struct cli_command cli_maps_spec = {
	.name = "maps",
	.usage = "PID",
	.summary = "the mappings of a process, with page-table counters",
	.help = "Each mapping with its pages present, swapped, huge, dirty, zero, pinned,\n"
		"soft-dirty and copy-on-write counts, counted from the page tables.\n"
		"--placement adds its present pages per NUMA node and per memory cgroup\n"
		"charged (cgroups: root only, as /proc/kpagecgroup).\n",
	.options = maps_options,
	.examples =
		(const char *const[]){ "ptscope maps self",
				       "ptscope -j maps 1234 | jq '.vmas[] | select(.huge > 0)'",
				       "ptscope maps --placement 1234", NULL },
	.run = cmd_maps,
};
