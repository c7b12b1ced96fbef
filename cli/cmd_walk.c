// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope walk PID [RANGE]: every leaf of a range of a process's page
 * tables, as runs (default) or one line per leaf (--pages). Records are
 * printed as they arrive from the kernel: nothing is buffered.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

struct walk_out {
	const struct cli_args *a;
	bool begun; /* the document is opened at the first record */
	uint32_t pid;
	uint64_t records, pages, present, swapped, none, huge;
	bool huge_unknown; /* a present record's level was not seen (procfs) */
	uint64_t unknown; /* pages whose state the source could not see (procfs) */
	bool procfs; /* the source: JSON says so, text in its "-" fields and summary */
	FILE *save; /* -o FILE */
};

/* Whether a write to a page in state @cow goes through copy-on-write. */
static int is_cow(uint32_t cow)
{
	return cow == PTSCOPE_COW_SHARED || cow == PTSCOPE_COW_REUSABLE ||
	       cow == PTSCOPE_COW_MAY_COPY || cow == PTSCOPE_COW_ZERO || cow == PTSCOPE_COW_FILE ||
	       cow == PTSCOPE_COW_KSM;
}

/* Whether the record passes --present / --swapped / --huge / --cow (any given). */
static int wanted(const struct cli_args *a, const struct ptscope_page *pg)
{
	if (!a->only_present && !a->only_swapped && !a->only_huge && !a->only_cow)
		return 1;
	return (a->only_present && pg->state == PTSCOPE_STATE_PRESENT) ||
	       (a->only_swapped && pg->state == PTSCOPE_STATE_SWAP) ||
	       (a->only_huge && pg->level != PTSCOPE_LEVEL_PTE) || (a->only_cow && is_cow(pg->cow));
}

static const char *name_or(const char *name, const char *unknown)
{
	return name ? name : unknown;
}

/* The cache column: "WB", or on arm64 "Normal-Tagged (WB)". */
static int cache_width(void)
{
	return cli_machine.arch == PTSCOPE_ARCH_ARM64 ? 18 : 3;
}

uint32_t cli_cow_of(const struct ptscope_page *pg)
{
	return pg->unknown & PTSCOPE_UNKNOWN_COW ? CLI_COW_UNKNOWN : pg->cow;
}

int cli_print_cow(int t, const char *before, int width, uint32_t cow)
{
	const char *name = cow == CLI_COW_UNKNOWN ? "-" : name_or(ptscope_cow_name(cow), "?");

	if (cow == CLI_COW_UNKNOWN)
		cli_print_null(t & PRINT_JSON, "cow", NULL);
	else
		cli_print_str(t & PRINT_JSON, "cow", "%s", name);
	return cli_print_value(t & PRINT_TEXT, NULL, CLI_PRINT_STR, "%s%-*s", before, width, name);
}

/* --fields: the groups walk prints (enum ptscope_field); the default is everything but placement. */
static uint32_t shown = PTSCOPE_FIELDS_DEFAULT;

/* The groups' names, by bit of enum ptscope_field. */
static const char *const field_names[] = { "entry", "frame", "cow", "place" };
#define FIELD_NAMES (sizeof(field_names) / sizeof(field_names[0]))

static bool showing(uint32_t group)
{
	return shown & group;
}

void cli_print_page(const struct ptscope_page *pg)
{
	const bool present = pg->state == PTSCOPE_STATE_PRESENT;
	const bool swap = pg->state == PTSCOPE_STATE_SWAP;
	const bool frame = showing(PTSCOPE_FIELD_FRAME), cow = showing(PTSCOPE_FIELD_COW);
	const uint32_t u = pg->unknown;

	cli_print_hex(PRINT_ANY, "addr", "0x%016" PRIx64 " ", pg->addr);
	cli_print_uint(PRINT_ANY, "nr_pages", "%8" PRIu64 "  ", pg->nr_pages);
	if (u & PTSCOPE_UNKNOWN_LEVEL)
		cli_print_null(PRINT_ANY, "level", "-    ");
	else
		cli_print_str(PRINT_ANY, "level", "%-4s ",
			      name_or(ptscope_level_name(pg->level), "?"));
	if (u & PTSCOPE_UNKNOWN_STATE)
		cli_print_null(PRINT_ANY, "state", "-       ");
	else
		cli_print_str(PRINT_ANY, "state", "%-8s",
			      name_or(ptscope_state_name(pg->state), "?"));
	if (pg->has_pfn)
		cli_print_hex(PRINT_ANY, "pfn", " 0x%-10" PRIx64, pg->pfn);
	else
		cli_print_text(" %-12s", "-");
	if (present) {
		if (!frame)
			; /* no KIND column */
		else if (u & PTSCOPE_UNKNOWN_KIND)
			cli_print_null(PRINT_ANY, "kind", " -             ");
		else
			cli_print_str(PRINT_ANY, "kind", " %-14s",
				      name_or(ptscope_kind_name(pg->kind), "?"));
		if (u & PTSCOPE_UNKNOWN_CACHE) {
			cli_print_null(PRINT_JSON, "cache", NULL);
			cli_print_text(" %-*s", cache_width(), "-");
		} else {
			cli_print_cache(cache_width(), pg->cache, pg->flags);
		}
	} else if (swap) {
		cli_print_uint(PRINT_ANY, "swap_type", " swap %" PRIu64, pg->swap_type);
		cli_print_hex(PRINT_ANY, "swap_offset", frame ? ":0x%-6" PRIx64 " " : ":0x%" PRIx64,
			      pg->swap_offset);
		if (frame)
			cli_print_text("%-*s", cache_width(), "");
	} else if (frame) {
		cli_print_text(" %-14s %-*s", "-", cache_width(), "-");
	} else {
		cli_print_text(" %-*s", cache_width(), "-");
	}
	if (cow)
		cli_print_cow(present ? PRINT_ANY : PRINT_JSON, " ", 14, cli_cow_of(pg));
	if (cow && !present)
		cli_print_text(" %-14s", "-");
	if (!frame) {
		cli_print_text(" ");
	} else if (pg->has_page) {
		cli_print_uint(PRINT_ANY, "mapcount", " %4" PRIu64, pg->mapcount);
		if (u & PTSCOPE_UNKNOWN_REFCOUNT)
			cli_print_null(PRINT_ANY, "refcount", "    - ");
		else
			cli_print_uint(PRINT_ANY, "refcount", " %4" PRIu64 " ", pg->refcount);
	} else {
		cli_print_text(" %4s %4s ", "-", "-");
	}
	cli_print_bits(PRINT_ANY, "flags", pg->flags, cli_entry_flag_name);
	if (frame)
		cli_print_bits(present ? PRINT_ANY : PRINT_TEXT, "page_flags", pg->pflags,
			       ptscope_page_flag_name);
	if (present && (u & PTSCOPE_UNKNOWN_PKEY))
		cli_print_null(PRINT_JSON, "pkey", NULL);
	else if (present)
		cli_print_uint(pg->pkey ? PRINT_ANY : PRINT_JSON, "pkey", " pkey=%" PRIu64,
			       pg->pkey);
	if (showing(PTSCOPE_FIELD_PLACE))
		cli_print_placement(pg);
	cli_print_text("\n");
	if (u & PTSCOPE_UNKNOWN_ENTRY)
		cli_print_null(PRINT_JSON, "entry", NULL);
	else
		cli_member_hex("entry", pg->entry);
	if (!cow)
		; /* not asked for */
	else if (u & PTSCOPE_UNKNOWN_COW)
		cli_print_null(PRINT_JSON, "write", NULL);
	else
		cli_member_str("write", name_or(ptscope_cow_action(pg->cow), "?"));
	if (pg->has_pincount)
		cli_member_uint("pincount", pg->pincount);
	if (pg->cont_order)
		cli_member_uint("cont_order", pg->cont_order);
	if (pg->has_res) {
		cli_open_object("resource");
		cli_member_hex("flags", pg->res_flags);
		cli_member_uint("desc", pg->res_desc);
		cli_close_object();
	}
	cli_print_unknown(u, ptscope_unknown_name);
}

/* Where a present page lives: node, and the cgroup by path where this process sees it. */
void cli_print_placement(const struct ptscope_page *pg)
{
	const bool present = pg->state == PTSCOPE_STATE_PRESENT;
	const char *path;

	if (!present)
		return;
	if (pg->has_nid)
		cli_print_uint(PRINT_ANY, "node", " node=%" PRIu64, pg->nid);
	else
		cli_print_null(PRINT_ANY, "node", " node=-");
	if (!pg->has_memcg) {
		cli_print_null(PRINT_ANY, "cgroup", " cgroup=-");
		return;
	}
	path = cli_cgroup_path(pg->memcg);
	cli_open_object("cgroup");
	cli_member_uint("inode", pg->memcg);
	if (path)
		cli_print_str(PRINT_ANY, "path", " cgroup=%s", path);
	else
		cli_print_null(PRINT_ANY, "path", NULL);
	if (!path)
		cli_print_text(" cgroup=inode:%" PRIu64, pg->memcg);
	/* The cgroup charged was removed: this is its nearest living ancestor. */
	cli_print_bool(PRINT_ANY, "offline", "(removed-child)",
		       pg->place & PTSCOPE_PLACE_MEMCG_OFFLINE);
	cli_close_object();
}

/*
 * The head of the output, written once something is known to follow, so a
 * walk refused at the start prints only its error.
 */
static void begin_output(struct walk_out *o)
{
	if (o->begun)
		return;
	o->begun = true;
	cli_print_open(o->a->json, o->a->pretty);
	cli_print_text("%-18s %8s  %-4s %-8s %-12s", "ADDRESS", "PAGES", "LVL", "STATE", "PFN");
	if (showing(PTSCOPE_FIELD_FRAME))
		cli_print_text(" %-14s", "KIND");
	cli_print_text(" %-*s", cache_width(),
		       cli_machine.arch == PTSCOPE_ARCH_ARM64 ? "MEMTYPE" : "PAT");
	if (showing(PTSCOPE_FIELD_COW))
		cli_print_text(" %-14s", "COW");
	if (showing(PTSCOPE_FIELD_FRAME))
		cli_print_text(" %4s %4s", "MAP", "REF");
	cli_print_text("  %s\n", "FLAGS");
	cli_member_uint("pid", o->pid);
	if (o->procfs)
		cli_member_str("source", "procfs");
	cli_member_str("mode", o->a->pages ? "pages" : "runs");
	if (o->a->fields) {
		size_t i;

		cli_open_array("fields");
		for (i = 0; i < FIELD_NAMES; i++)
			if (shown & (1U << i))
				cli_print_str(PRINT_JSON, NULL, "%s", field_names[i]);
		cli_close_array();
	}
	cli_open_array("records");
}

static int on_record(const struct ptscope_page *pg, void *arg)
{
	struct walk_out *o = arg;

	if (!wanted(o->a, pg))
		return 0;
	o->records++;
	o->pages += pg->nr_pages;
	o->present += pg->state == PTSCOPE_STATE_PRESENT ? pg->nr_pages : 0;
	o->swapped += pg->state == PTSCOPE_STATE_SWAP ? pg->nr_pages : 0;
	if (pg->unknown & PTSCOPE_UNKNOWN_STATE)
		o->unknown += pg->nr_pages;
	else if (pg->state == PTSCOPE_STATE_NONE)
		o->none += pg->nr_pages;
	o->huge += pg->level != PTSCOPE_LEVEL_PTE ? pg->nr_pages : 0;
	o->huge_unknown |= pg->state == PTSCOPE_STATE_PRESENT &&
			   (pg->unknown & PTSCOPE_UNKNOWN_LEVEL);
	begin_output(o);
	if (o->save)
		cli_snapshot_write_record(o->save, pg);
	cli_open_object(NULL);
	cli_print_page(pg);
	cli_close_object();
	return 0;
}

/* The mappings overlapping the walked range, for "map -i" to draw the pages in. */
struct vma_saver {
	FILE *f;
	uint64_t start, end;
};

static int save_vma(const struct ptscope_vma *v, void *arg)
{
	struct vma_saver *s = arg;

	if (v->end > s->start && (!s->end || v->start < s->end))
		cli_snapshot_write_vma(s->f, v);
	return 0;
}

/* Open snapshot @path and write its head: 0, or -1 (reported). */
static int begin_snapshot(const struct cli_args *a, struct ptscope *h, uint32_t pid, uint64_t start,
			  uint64_t end, FILE **out)
{
	struct vma_saver vs = { NULL, start, end };
	struct snapshot head = { .start = start, .end = end };

	cli_snapshot_describe(&head, pid);
	vs.f = fopen(a->output, "w");
	if (!vs.f) {
		cli_error(a, "cannot write snapshot '%s': %s", a->output, strerror(errno));
		return -1;
	}
	cli_snapshot_write_header(vs.f, &head);
	if (ptscope_maps(h, head.pid, save_vma, &vs)) {
		cli_error(a, "%s", ptscope_errmsg());
		fclose(vs.f);
		return -1;
	}
	*out = vs.f;
	return 0;
}

/*
 * --fields LIST: "entry", "frame", "cow", "place" or "all", comma-separated,
 * into PTSCOPE_FIELD_* bits (the entry group always among them). 0: a
 * name not known, reported.
 */
static uint32_t parse_fields(const struct cli_args *a, const char *list)
{
	uint32_t fields = PTSCOPE_FIELD_ENTRY;
	const char *p = list, *end;
	size_t i, len;

	end = p;
	if (!*list)
		goto bad;
	for (; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		len = (size_t)(end - p);
		for (i = 0; i < FIELD_NAMES; i++)
			if (len == strlen(field_names[i]) && !strncmp(p, field_names[i], len))
				break;
		if (i < FIELD_NAMES)
			fields |= 1U << i;
		else if (len == 3 && !strncmp(p, "all", 3))
			fields |= PTSCOPE_FIELDS_ALL;
		else
			goto bad;
	}
	return fields;
bad:
	cli_error(a, "unknown field group '%.*s' in --fields '%s' (entry, frame, cow, place, all)",
		  (int)(end - p), p, list);
	return 0;
}

int cmd_walk(const struct cli_args *a)
{
	static struct cli_place where;
	struct walk_out o = { .a = a };
	uint64_t start = 0, end = 0;
	bool place;
	unsigned int flags = 0;
	struct ptscope *h;
	uint32_t pid;
	int ret;

	ret = cli_parse_pid_range(a, "walk", &pid, &start, &end, &where, &place);
	if (ret)
		return ret;
	if (a->output && (a->only_present || a->only_swapped || a->only_huge || a->only_cow)) {
		cli_error(a, "-o saves every record for diff: it does not combine with filters");
		return EXIT_USAGE;
	}
	if (a->output && a->fields) {
		cli_error(a, "-o saves every field for diff: it does not combine with --fields");
		return EXIT_USAGE;
	}
	shown = a->fields ? parse_fields(a, a->fields) : PTSCOPE_FIELDS_DEFAULT;
	if (!shown)
		return EXIT_USAGE;
	if (a->placement)
		shown |= PTSCOPE_FIELD_PLACE;
	if (!a->pages)
		flags |= PTSCOPE_WALK_RUNS;
	if (a->only_present || a->only_swapped || a->only_huge)
		flags |= PTSCOPE_WALK_SKIP_NONE; /* no hole passes those filters */
	if (cli_open(&h)) {
		cli_error(a, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
	}

	/* Filters on what procfs cannot see would pass nothing, silently. */
	if (ptscope_source(h) == PTSCOPE_SOURCE_PROCFS && (a->only_huge || a->only_cow)) {
		cli_error(a,
			  "--%s needs the %s, which the procfs source cannot see (load the module)",
			  a->only_huge ? "huge" : "cow",
			  a->only_huge ? "table level of each leaf" : "copy-on-write state");
		ptscope_close(h);
		return EXIT_USAGE;
	}
	if (place && cli_place_range(h, pid, &where, &start, &end)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}

	if (a->output && begin_snapshot(a, h, pid, start, end, &o.save)) {
		ptscope_close(h);
		return EXIT_RUNTIME;
	}

	o.pid = pid;
	o.procfs = ptscope_source(h) == PTSCOPE_SOURCE_PROCFS;
	/* Only what is printed is asked for, and what --cow filters on. */
	ret = ptscope_walk_fields(h, pid, start, end, flags,
				  shown | (a->only_cow ? PTSCOPE_FIELD_COW : 0), on_record, &o);
	/* A snapshot cut short keeps no end line, so diff refuses it. */
	if (o.save && ((!ret && cli_snapshot_write_end(o.save)) | fclose(o.save)) && !ret) {
		cli_error(a, "cannot write snapshot '%s'", a->output);
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	if (ret && !o.begun) {
		/* Refused before any record: just the error, as every command. */
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	begin_output(&o);
	if (a->json) {
		struct json_count counts[7] = {
			{ "records", o.records }, { "pages", o.pages }, { "present", o.present },
			{ "swapped", o.swapped }, { "none", o.none },
		};
		size_t n = 5;

		/* An uncountable total is left out, not given as 0. */
		if (!o.huge_unknown)
			counts[n++] = (struct json_count){ "huge", o.huge };
		if (o.unknown)
			counts[n++] = (struct json_count){ "unknown", o.unknown };
		cli_print_close_stream(ret ? ptscope_errmsg() : NULL, counts, n, NULL, NULL, 0);
	} else if (!ret) {
		printf("%" PRIu64 " records, %" PRIu64 " pages: %" PRIu64 " present, %" PRIu64
		       " swapped, %" PRIu64 " none, ",
		       o.records, o.pages, o.present, o.swapped, o.none);
		if (o.unknown)
			printf("%" PRIu64 " unknown (VM_PFNMAP: pagemap does not look), ",
			       o.unknown);
		if (o.huge_unknown)
			printf("huge leaves unknown (source procfs)\n");
		else
			printf("%" PRIu64 " in huge leaves\n", o.huge);
	}
	if (ret && !a->json)
		cli_error(a, "%s", ptscope_errmsg());
	ptscope_close(h);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

static const struct cli_option walk_options[] = {
	CLI_FLAG("pages", 0, pages, "one record per page-table leaf instead of runs"),
	CLI_FLAG("present", 0, only_present, "only present pages"),
	CLI_FLAG("swapped", 0, only_swapped, "only swapped-out pages"),
	CLI_FLAG("huge", 0, only_huge, "only pages mapped by PMD or PUD leaves"),
	CLI_FLAG("cow", 0, only_cow, "only pages a write would copy or reuse (copy-on-write)"),
	CLI_FLAG("placement", 0, placement,
		 "also the NUMA node and memory cgroup of each page (cgroup: root only)"),
	CLI_STRING("fields", 0, "LIST", fields,
		   "only these field groups: entry (always), frame, cow, place, all;"
		   " default entry,frame,cow"),
	CLI_STRING("output", 'o', "FILE", output,
		   "also save the records as a snapshot (for diff, map -i)"),
	{ .name = NULL },
};

const struct cli_command cli_walk_spec = {
	.name = "walk",
	.usage = "PID [RANGE]",
	.summary = "every page-table leaf of a range, as runs or pages",
	.help = "RANGE: ADDR, ADDR-END or ADDR+LEN, or a mapping's name; default: all.\n",
	.options = walk_options,
	.examples = (const char *const[]){ "ptscope walk self '[heap]'",
					   "ptscope walk --pages --present 1234 0x7f0000000000+2M",
					   "ptscope walk -o before.snap 1234",
					   "ptscope walk --placement --present 1234 '[heap]'",
					   "ptscope -j walk --pages --fields entry 1234", NULL },
	.run = cmd_walk,
};
