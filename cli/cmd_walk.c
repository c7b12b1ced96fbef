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
	struct json *j; /* JSON document, opened at the first record */
	bool begun;
	uint32_t pid;
	uint64_t records, pages, present, swapped, none, huge;
	FILE *save; /* -o FILE */
};

/* Whether a write to a page in state @cow goes through copy-on-write. */
static int is_cow(uint32_t cow)
{
	return cow == PTSCOPE_COW_SHARED || cow == PTSCOPE_COW_REUSABLE ||
	       cow == PTSCOPE_COW_ZERO || cow == PTSCOPE_COW_FILE || cow == PTSCOPE_COW_KSM;
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

static void print_text(const struct ptscope_page *pg)
{
	printf("0x%016" PRIx64 " %8" PRIu64 "  %-4s %-8s", pg->addr, pg->nr_pages,
	       name_or(ptscope_level_name(pg->level), "?"),
	       name_or(ptscope_state_name(pg->state), "?"));
	if (pg->has_pfn)
		printf(" 0x%-10" PRIx64, pg->pfn);
	else
		printf(" %-12s", "-");
	if (pg->state == PTSCOPE_STATE_PRESENT)
		printf(" %-14s %-3s %-14s", name_or(ptscope_kind_name(pg->kind), "?"),
		       name_or(ptscope_cache_name(pg->cache), "?"),
		       name_or(ptscope_cow_name(pg->cow), "?"));
	else if (pg->state == PTSCOPE_STATE_SWAP)
		printf(" swap %u:0x%-6" PRIx64 " %-3s %-14s", pg->swap_type, pg->swap_offset, "",
		       "-");
	else
		printf(" %-14s %-3s %-14s", "-", "-", "-");
	if (pg->has_page)
		printf(" %4u %4u ", pg->mapcount, pg->refcount);
	else
		printf(" %4s %4s ", "-", "-");
	cli_print_bit_names(pg->flags, ptscope_entry_flag_name);
	cli_print_bit_names(pg->pflags, ptscope_page_flag_name);
	if (pg->state == PTSCOPE_STATE_PRESENT && pg->pkey)
		printf(" pkey=%u", pg->pkey);
	putchar('\n');
}

static void print_json_record(struct json *j, const struct ptscope_page *pg)
{
	cli_json_obj_begin(j);
	cli_json_key(j, "addr");
	cli_json_hex(j, pg->addr);
	cli_json_key(j, "nr_pages");
	cli_json_uint(j, pg->nr_pages);
	cli_json_key(j, "level");
	cli_json_str(j, name_or(ptscope_level_name(pg->level), "?"));
	cli_json_key(j, "state");
	cli_json_str(j, name_or(ptscope_state_name(pg->state), "?"));
	cli_json_key(j, "entry");
	cli_json_hex(j, pg->entry);
	cli_json_key(j, "flags");
	cli_json_bit_names(j, pg->flags, ptscope_entry_flag_name);
	if (pg->has_pfn) {
		cli_json_key(j, "pfn");
		cli_json_hex(j, pg->pfn);
	}
	if (pg->state == PTSCOPE_STATE_PRESENT) {
		cli_json_key(j, "kind");
		cli_json_str(j, name_or(ptscope_kind_name(pg->kind), "?"));
		cli_json_key(j, "cache");
		cli_json_str(j, name_or(ptscope_cache_name(pg->cache), "?"));
		cli_json_key(j, "page_flags");
		cli_json_bit_names(j, pg->pflags, ptscope_page_flag_name);
		cli_json_key(j, "pkey");
		cli_json_uint(j, pg->pkey);
	}
	if (pg->has_pincount) {
		cli_json_key(j, "pincount");
		cli_json_uint(j, pg->pincount);
	}
	if (pg->has_res) {
		cli_json_key(j, "resource");
		cli_json_obj_begin(j);
		cli_json_key(j, "flags");
		cli_json_hex(j, pg->res_flags);
		cli_json_key(j, "desc");
		cli_json_uint(j, pg->res_desc);
		cli_json_obj_end(j);
	}
	cli_json_key(j, "cow");
	cli_json_str(j, name_or(ptscope_cow_name(pg->cow), "?"));
	cli_json_key(j, "write");
	cli_json_str(j, name_or(ptscope_cow_action(pg->cow), "?"));
	if (pg->has_page) {
		cli_json_key(j, "mapcount");
		cli_json_uint(j, pg->mapcount);
		cli_json_key(j, "refcount");
		cli_json_uint(j, pg->refcount);
	}
	if (pg->state == PTSCOPE_STATE_SWAP) {
		cli_json_key(j, "swap_type");
		cli_json_uint(j, pg->swap_type);
		cli_json_key(j, "swap_offset");
		cli_json_hex(j, pg->swap_offset);
	}
	cli_json_obj_end(j);
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
	if (!o->a->json) {
		printf("%-18s %8s  %-4s %-8s %-12s %-14s %-3s %-14s %4s %4s  %s\n", "ADDRESS",
		       "PAGES", "LVL", "STATE", "PFN", "KIND", "PAT", "COW", "MAP", "REF", "FLAGS");
		return;
	}
	o->j = cli_json_new(stdout, o->a->pretty);
	cli_json_obj_begin(o->j);
	cli_json_key(o->j, "pid");
	cli_json_uint(o->j, o->pid);
	cli_json_key(o->j, "mode");
	cli_json_str(o->j, o->a->pages ? "pages" : "runs");
	cli_json_key(o->j, "records");
	cli_json_arr_begin(o->j);
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
	o->none += pg->state == PTSCOPE_STATE_NONE ? pg->nr_pages : 0;
	o->huge += pg->level != PTSCOPE_LEVEL_PTE ? pg->nr_pages : 0;
	begin_output(o);
	if (o->save)
		cli_snapshot_write_record(o->save, pg);
	if (o->j)
		print_json_record(o->j, pg);
	else
		print_text(pg);
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

int cmd_walk(const struct cli_args *a)
{
	static struct cli_place where;
	struct walk_out o = { .a = a };
	uint64_t start = 0, end = 0;
	int place;
	unsigned int flags = 0;
	struct ptscope *h;
	char err[256];
	uint32_t pid;
	int ret;

	if (a->argc < 1 || a->argc > 2) {
		cli_error(a, "walk needs PID and at most one RANGE (see 'ptscope help walk')");
		return EXIT_USAGE;
	}
	place = a->argc == 2 && cli_parse_place(a->argv[1], &where);
	if (cli_parse_pid(a->argv[0], &pid, err, sizeof(err)) ||
	    (a->argc == 2 && !place &&
	     cli_parse_range(a->argv[1], &start, &end, err, sizeof(err)))) {
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	if (place && where.has_off && !where.off) {
		cli_error(a, "'%s': the length must be above 0", a->argv[1]);
		return EXIT_USAGE;
	}
	if (a->output && (a->only_present || a->only_swapped || a->only_huge || a->only_cow)) {
		cli_error(a, "-o saves every record for diff: it does not combine with filters");
		return EXIT_USAGE;
	}
	if (!a->pages)
		flags |= PTSCOPE_WALK_RUNS;
	if (a->only_present || a->only_swapped || a->only_huge)
		flags |= PTSCOPE_WALK_SKIP_NONE; /* no hole passes those filters */
	if (ptscope_open(&h)) {
		cli_error(a, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
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
	ret = ptscope_walk(h, pid, start, end, flags, on_record, &o);
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
		const struct json_count counts[] = {
			{ "records", o.records }, { "pages", o.pages }, { "present", o.present },
			{ "swapped", o.swapped }, { "none", o.none },	{ "huge", o.huge },
		};

		cli_json_stream_close(o.j, ret ? ptscope_errmsg() : NULL, counts,
				      ARRAY_SIZE(counts), NULL, NULL, 0);
	} else if (!ret) {
		printf("%" PRIu64 " records, %" PRIu64 " pages: %" PRIu64 " present, %" PRIu64
		       " swapped, %" PRIu64 " none, %" PRIu64 " in huge leaves\n",
		       o.records, o.pages, o.present, o.swapped, o.none, o.huge);
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
					   "ptscope walk -o before.snap 1234", NULL },
	.run = cmd_walk,
};
