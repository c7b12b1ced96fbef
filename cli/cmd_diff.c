// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope diff A B [RANGE]: the pages whose frame, state, COW state or
 * entry flags differ between two views of page tables. A and B are each a
 * snapshot file (from "ptscope walk -o") or a live PID; a PID is walked over
 * the snapshot's range, or RANGE, or everything. The first view is held in
 * memory; the second is streamed against it, page by page, and consecutive
 * pages that changed alike are reported as one run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

/* One 4 KiB page as a view sees it; in_vma 0: no mapping there. */
struct page_view {
	int in_vma;
	uint32_t state, cow;
	int has_pfn;
	uint64_t pfn, flags;
	int has_nid; /* snapshots taken with walk --placement */
	uint32_t nid;
};

/* A run of pages that changed alike, not yet printed. */
struct change {
	uint64_t addr, pages;
	struct page_view a, b; /* of its first page */
};

struct differ {
	const struct cli_args *a;
	const struct snapshot *left;
	size_t li; /* left record of the next page to compare */
	uint64_t lpage; /* and that page's index in it */
	uint64_t compared, changed;
	struct change run;
	int have_run;
};

static struct page_view view_of(const struct ptscope_page *pg, uint64_t addr)
{
	struct page_view v = { 1, pg->state, cli_cow_of(pg), pg->has_pfn, 0, pg->flags, 0, 0 };

	if (pg->has_pfn)
		v.pfn = pg->pfn + (addr - pg->addr) / PAGE_BYTES;
	v.has_nid = pg->has_nid;
	v.nid = pg->nid;
	return v;
}

static int same_view(const struct page_view *x, const struct page_view *y)
{
	return x->in_vma == y->in_vma && x->state == y->state && x->cow == y->cow &&
	       x->has_pfn == y->has_pfn && x->pfn == y->pfn && x->flags == y->flags &&
	       /* A node is compared where both sides know it. */
	       (!x->has_nid || !y->has_nid || x->nid == y->nid);
}

/* @v is @first's view @i pages on, frames counted on. */
static int follows(const struct page_view *first, const struct page_view *v, uint64_t i)
{
	struct page_view f = *first;

	f.pfn += f.has_pfn ? i : 0;
	return same_view(&f, v);
}

/* "+rw -dirty": entry flags set and cleared. */
static void flag_changes(uint64_t before, uint64_t after, char *buf, size_t len)
{
	size_t n = 0;
	unsigned int bit;

	buf[0] = '\0';
	for (bit = 0; bit < 64 && n < len; bit++) {
		const char *name = cli_entry_flag_name(bit);

		if (!name || !((before ^ after) >> bit & 1))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%c%s", n ? " " : "",
				      after >> bit & 1 ? '+' : '-', name);
	}
}

/*
 * One side of a change: the page's state, frame and COW state (the keys of
 * walk's records) and its entry flags, or null (text: "(no mapping)"); the
 * text is padded to its column.
 */
static void print_view(const char *key, const struct page_view *v)
{
	static const char none[] = "(no mapping)";
	int n = (int)strlen(none);

	if (!v->in_vma) {
		cli_print_null(PRINT_ANY, key, none);
	} else {
		cli_open_object(key);
		n = cli_print_str(PRINT_ANY, "state", "%s", ptscope_state_name(v->state) ?: "?");
		if (v->has_pfn)
			n += cli_print_hex(PRINT_ANY, "pfn", " pfn 0x%" PRIx64, v->pfn);
		n += cli_print_cow(v->state == PTSCOPE_STATE_PRESENT ? PRINT_ANY : PRINT_JSON, " ",
				   0, v->cow);
		if (v->has_nid)
			n += cli_print_uint(PRINT_ANY, "node", " node %" PRIu64, v->nid);
		cli_print_bits(PRINT_JSON, "flags", v->flags, cli_entry_flag_name);
		cli_close_object();
	}
	if (n < 36)
		cli_print_text("%*s", 36 - n, "");
}

static void flush_run(struct differ *d)
{
	struct change *c = &d->run;
	char flags[256];

	if (!d->have_run)
		return;
	d->have_run = 0;
	cli_open_object(NULL);
	cli_print_hex(PRINT_ANY, "addr", "0x%016" PRIx64 " ", c->addr);
	cli_print_uint(PRINT_ANY, "nr_pages", "%6" PRIu64 "  ", c->pages);
	print_view("before", &c->a);
	cli_print_text(" -> ");
	print_view("after", &c->b);
	if (!cli_print_is_json()) {
		flag_changes(c->a.in_vma ? c->a.flags : 0, c->b.in_vma ? c->b.flags : 0, flags,
			     sizeof(flags));
		cli_print_text(" %s\n", flags);
	}
	cli_close_object();
}

/* Compare one page; a change joins the pending run or starts one. */
static void compare_page(struct differ *d, uint64_t addr, const struct page_view *a,
			 const struct page_view *b)
{
	struct change *c = &d->run;

	d->compared++;
	if (same_view(a, b))
		return;
	d->changed++;
	if (d->have_run && c->addr + c->pages * PAGE_BYTES == addr && follows(&c->a, a, c->pages) &&
	    follows(&c->b, b, c->pages)) {
		c->pages++;
		return;
	}
	flush_run(d);
	d->have_run = 1;
	c->addr = addr;
	c->pages = 1;
	c->a = *a;
	c->b = *b;
}

static const struct page_view no_mapping;

/* The left view's next page not yet compared, if any: 1 and its address. */
static int left_next(const struct differ *d, uint64_t *addr)
{
	if (d->li >= d->left->n)
		return 0;
	*addr = d->left->rec[d->li].addr + d->lpage * PAGE_BYTES;
	return 1;
}

static struct page_view left_take(struct differ *d, uint64_t addr)
{
	const struct ptscope_page *pg = &d->left->rec[d->li];
	struct page_view v = view_of(pg, addr);

	if (++d->lpage == pg->nr_pages) {
		d->li++;
		d->lpage = 0;
	}
	return v;
}

/* Left pages below @addr that the right view does not have: gone. */
static void left_until(struct differ *d, uint64_t addr)
{
	uint64_t p;

	while (left_next(d, &p) && p < addr) {
		struct page_view a = left_take(d, p);

		compare_page(d, p, &a, &no_mapping);
	}
}

static int on_right(const struct ptscope_page *pg, void *arg)
{
	struct differ *d = arg;
	uint64_t p, lp;

	for (p = pg->addr; p < pg->addr + pg->nr_pages * PAGE_BYTES; p += PAGE_BYTES) {
		struct page_view b = view_of(pg, p), a = no_mapping;

		left_until(d, p);
		if (left_next(d, &lp) && lp == p)
			a = left_take(d, p);
		compare_page(d, p, &a, &b);
	}
	return 0;
}

/* Whether @arg names a snapshot file rather than a PID ("./123" for a file "123"). */
static int is_file(const char *arg)
{
	return strcmp(arg, "self") && arg[strspn(arg, "0123456789")];
}

int cmd_diff(const struct cli_args *a)
{
	struct differ d = { .a = a };
	struct snapshot left = { 0 }, right = { 0 };
	uint64_t start = 0, end = 0;
	struct ptscope *h = NULL;
	uint32_t pid_a = 0, pid_b = 0;
	int file_a, file_b, ret = 0;
	char err[512];
	size_t i;

	if (a->argc < 2 || a->argc > 3) {
		cli_error(
			a,
			"diff needs two of FILE or PID, and at most a RANGE (see 'ptscope help diff')");
		return EXIT_USAGE;
	}
	file_a = is_file(a->argv[0]);
	file_b = is_file(a->argv[1]);
	if ((!file_a && cli_parse_pid(a->argv[0], &pid_a, err, sizeof(err))) ||
	    (!file_b && cli_parse_pid(a->argv[1], &pid_b, err, sizeof(err))) ||
	    (a->argc == 3 && cli_parse_range(a->argv[2], &start, &end, err, sizeof(err)))) {
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	if ((file_a && cli_snapshot_load(a->argv[0], &left, err, sizeof(err))) ||
	    (file_b && cli_snapshot_load(a->argv[1], &right, err, sizeof(err)))) {
		cli_error(a, "%s", err);
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (a->argc == 3) {
		/* Files hold what they hold: only RANGE is compared. */
		cli_snapshot_clip(&left, start, end);
		cli_snapshot_clip(&right, start, end);
	} else if (file_a) {
		start = left.start;
		end = left.end;
	}
	if ((!file_a || !file_b) && cli_open(&h)) {
		cli_error(a, "%s", ptscope_errmsg());
		ret = EXIT_RUNTIME;
		goto out;
	}
	/* A live side is the running kernel's machine; files say theirs. */
	if (!file_a) {
		left.arch = cli_machine.arch;
		left.page_size = cli_machine.page_size;
	}
	if (!file_b) {
		right.arch = cli_machine.arch;
		right.page_size = cli_machine.page_size;
	}
	if (cli_snapshot_use(&left, &right, err, sizeof(err))) {
		cli_error(a, "%s", err);
		ret = EXIT_RUNTIME;
		goto out;
	}
	if (!file_a &&
	    ptscope_walk(h, pid_a, start, end, PTSCOPE_WALK_RUNS, cli_snapshot_take_page, &left)) {
		cli_error(a, "%s", ptscope_errmsg());
		ret = EXIT_RUNTIME;
		goto out;
	}
	d.left = &left;
	cli_print_open(a->json, a->pretty);
	cli_print_text("%-18s %6s  %-36s    %-36s %s\n", "ADDRESS", "PAGES", "BEFORE", "AFTER",
		       "FLAGS");
	cli_open_array("changes");
	if (file_b) {
		for (i = 0; i < right.n; i++)
			on_right(&right.rec[i], &d);
	} else if (ptscope_walk(h, pid_b, start, end, PTSCOPE_WALK_RUNS, on_right, &d)) {
		ret = EXIT_RUNTIME;
	}
	left_until(&d, UINT64_MAX);
	flush_run(&d);
	if (cli_print_is_json()) {
		const struct json_count counts[] = {
			{ "compared", d.compared },
			{ "changed", d.changed },
		};

		cli_print_close_stream(ret ? ptscope_errmsg() : NULL, counts, ARRAY_SIZE(counts),
				       NULL, NULL, 0);
	} else if (ret) {
		cli_error(a, "%s", ptscope_errmsg());
	} else {
		printf("%" PRIu64 " pages compared, %" PRIu64 " changed\n", d.compared, d.changed);
	}
out:
	ptscope_close(h);
	cli_snapshot_free(&left);
	cli_snapshot_free(&right);
	return ret;
}

const struct cli_command cli_diff_spec = {
	.name = "diff",
	.usage = "A B [RANGE]",
	.summary = "pages that changed between snapshots (walk -o) or PIDs",
	.help = "A and B: snapshots saved with 'walk -o', or PIDs (walked now).\n",
	.examples = (const char *const[]){ "ptscope diff before.snap after.snap",
					   "ptscope diff before.snap 1234 0x7f0000000000+2M",
					   NULL },
	.run = cmd_diff,
};
