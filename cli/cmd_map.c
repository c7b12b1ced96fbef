// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope map PID [PID] | -i FILE [-i FILE]: the address space as a
 * picture. One view goes to the terminal (cli_map_text.c) or, with --svg, to
 * an SVG file (cli_map_svg.c); two views are drawn side by side in SVG with the
 * frames they share connected. With -j, the counts the pictures are made of.
 * Views come from live processes (their mappings, then a walk in runs) or
 * from snapshots saved by "walk -o".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libptscope.h"
#include "map.h"
#include "uapi/ptscope.h"

/* --by fill: the PTE tables of the process drawn. */
static struct {
	struct map_fill *f;
	size_t n, cap;
} fills;

static int take_table(const struct ptscope_table *t, void *arg)
{
	struct map_fill *grown;

	(void)arg;
	if (t->level != PTSCOPE_LEVEL_PTE)
		return 0;
	if (fills.n == fills.cap) {
		fills.cap = fills.cap ? 2 * fills.cap : 256;
		grown = realloc(fills.f, fills.cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		fills.f = grown;
	}
	fills.f[fills.n++] = (struct map_fill){ t->addr, (uint64_t)t->entries * PAGE_BYTES, t->used,
						t->entries };
	return 0;
}

/*
 * --by fill: a run of PTE-level leaves cut where PTE tables end, so each
 * part is coloured by its own table.
 */
static int take_page_by_table(const struct ptscope_page *pg, void *arg)
{
	const uint64_t span = PAGE_BYTES / 8 * PAGE_BYTES;
	uint64_t end = pg->addr + pg->nr_pages * PAGE_BYTES, next;
	struct ptscope_page part = *pg;
	int ret = 0;

	if (pg->level != PTSCOPE_LEVEL_PTE || pg->state == PTSCOPE_STATE_NONE)
		return cli_snapshot_take_page(pg, arg);
	while (!ret && part.addr < end) {
		next = (part.addr / span + 1) * span;
		next = next < end ? next : end;
		part.nr_pages = (next - part.addr) / PAGE_BYTES;
		ret = cli_snapshot_take_page(&part, arg);
		part.pfn += part.has_pfn && part.pfn ? part.nr_pages : 0;
		part.addr = next;
	}
	return ret;
}

/* A live view of @pid: its mappings, then its page tables in runs. 0 or reported. */
static int load_live(const struct cli_args *a, struct ptscope *h, uint32_t pid, struct snapshot *s)
{
	unsigned int flags = PTSCOPE_WALK_RUNS | PTSCOPE_WALK_SKIP_NONE;
	ptscope_page_fn take = cli_snapshot_take_page;
	int ret;

	memset(s, 0, sizeof(*s));
	cli_snapshot_describe(s, pid);
	s->has_vmas = 1;
	s->procfs = ptscope_source(h) == PTSCOPE_SOURCE_PROCFS;
	/* (The callbacks stop with -ENOMEM, which the library returns as it is.) */
	ret = ptscope_maps(h, s->pid, cli_snapshot_take_vma, s);
	if (a->map_by == MAP_BY_NODE)
		flags |= PTSCOPE_WALK_PLACEMENT;
	if (!ret && a->map_by == MAP_BY_FILL) {
		ret = ptscope_tables(h, s->pid, 0, 0, take_table, NULL);
		cli_map_set_fills(fills.f, fills.n);
		take = take_page_by_table;
	}
	if (!ret)
		ret = ptscope_walk(h, s->pid, 0, 0, flags, take, s);
	if (ret) {
		cli_error(a, "%s", ret == -ENOMEM ? "out of memory" : ptscope_errmsg());
		return -1;
	}
	return 0;
}

/*
 * Pages per state. What procfs cannot see (huge leaves, COW sharing, pins)
 * is null: those pages count as present.
 */
static void print_pages(const char *key, const uint64_t *pages, bool procfs)
{
	unsigned int st;

	cli_open_object(key);
	for (st = 0; st < MAP_STATES; st++) {
		if (procfs && cli_map_by() == MAP_BY_STATE &&
		    (st == MAP_HUGE || st == MAP_COW_SHARED || st == MAP_PINNED))
			cli_print_null(PRINT_JSON, cli_map_styles[st].key, NULL);
		else
			cli_member_uint(cli_map_styles[st].key, pages[st]);
	}
	cli_close_object();
}

/* Pages of each mapping whose frames the other view maps too (pairs only). */
struct share_count {
	uint64_t runs, pages[MAP_SHARES];
	uint64_t *by_vma[2];
	const struct map_view *v[2];
};

static void count_in_vmas(const struct map_view *v, uint64_t *by_vma, uint64_t addr, uint64_t pages)
{
	uint64_t end = addr + pages * PAGE_BYTES;

	while (addr < end) {
		const struct map_vma *m = cli_map_vma_at(v, addr);
		uint64_t upto;

		if (!m)
			return;
		upto = m->end < end ? m->end : end;
		by_vma[m - v->vma] += (upto - addr) / PAGE_BYTES;
		addr = upto;
	}
}

static int count_link(const struct map_link *l, void *arg)
{
	struct share_count *c = arg;

	c->runs++;
	c->pages[l->kind] += l->pages;
	count_in_vmas(c->v[0], c->by_vma[0], l->a_addr, l->pages);
	count_in_vmas(c->v[1], c->by_vma[1], l->b_addr, l->pages);
	return 0;
}

/* A view's counts (JSON only: the text is the picture, map_text.c). */
static void print_view(const struct map_view *v, const uint64_t *shared)
{
	const struct snapshot *s = v->snap;
	size_t i;

	cli_member_uint("pid", s->pid);
	cli_member_str("comm", s->comm);
	cli_member_str("kernel", s->kernel);
	cli_open_array("vmas");
	for (i = 0; i < v->nvma; i++) {
		const struct map_vma *m = &v->vma[i];
		const struct ptscope_vma pv = { .start = m->start,
						.end = m->end,
						.flags = m->flags,
						.backing = m->backing,
						.name = m->known ? m->name : NULL };

		cli_open_object(NULL);
		cli_print_vma(&pv, CLI_VMA_SAVED);
		print_pages("pages", m->pages, s->procfs);
		if (shared)
			cli_member_uint("shared_pages", shared[i]);
		cli_close_object();
	}
	cli_close_array();
	cli_open_object("summary");
	cli_member_uint("mappings", v->nvma);
	cli_member_uint("total_pages", v->total);
	print_pages("pages", v->pages, s->procfs);
	cli_close_object();
}

static int print_json(const struct cli_args *a, const struct map_view *v, size_t n)
{
	struct share_count sc = { .v = { &v[0], &v[1] } };
	size_t i;
	int ret = 0;

	if (n == 2) {
		sc.by_vma[0] = calloc(v[0].nvma + 1, sizeof(uint64_t));
		sc.by_vma[1] = calloc(v[1].nvma + 1, sizeof(uint64_t));
		ret = sc.by_vma[0] && sc.by_vma[1] ? cli_map_links(&v[0], &v[1], count_link, &sc) :
						     -ENOMEM;
		if (ret)
			goto out;
	}
	cli_print_open(true, a->pretty);
	cli_open_array("spaces");
	for (i = 0; i < n; i++) {
		cli_open_object(NULL);
		print_view(&v[i], sc.by_vma[i]);
		cli_close_object();
	}
	cli_close_array();
	if (n == 2) {
		cli_open_object("shared");
		cli_member_uint("runs", sc.runs);
		for (i = 0; i < MAP_SHARES; i++)
			cli_member_uint(cli_map_share_styles[i].key, sc.pages[i]);
		cli_close_object();
	}
	cli_print_close();
out:
	free(sc.by_vma[0]);
	free(sc.by_vma[1]);
	return ret;
}

/*
 * The SVG into @path ("-": stdout). A file is written beside its final
 * name and renamed, so a failure leaves an older picture as it was. 0; 1
 * when the failure was reported here; -EPERM or -ENOMEM for the caller to.
 */
static int write_svg(const struct cli_args *a, const struct map_view *v, size_t n)
{
	const char *path = a->svg;
	char tmp[4200];
	FILE *f;
	int ret;

	if (!strcmp(path, "-")) {
		ret = cli_map_svg(stdout, &v[0], n == 2 ? &v[1] : NULL);
		if (ret == -EPERM || ret == -ENOMEM)
			return ret;
		if (ret || fflush(stdout)) {
			cli_error(a, "cannot write standard output");
			return 1;
		}
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp%u", path, (unsigned int)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		cli_error(a, "cannot write '%s': %s", tmp, strerror(errno));
		return 1; /* said */
	}
	ret = cli_map_svg(f, &v[0], n == 2 ? &v[1] : NULL);
	if (fclose(f) && !ret)
		ret = -EIO;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret) {
		unlink(tmp);
		if (ret == -EPERM || ret == -ENOMEM)
			return ret; /* said by the caller */
		cli_error(a, "cannot write '%s': %s", path, strerror(-ret));
		return 1;
	}
	return 0;
}

static bool use_color(const struct cli_args *a)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");

	if (a->color != CLI_COLOR_AUTO)
		return a->color == CLI_COLOR_ALWAYS;
	return isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
	       !(term && !strcmp(term, "dumb"));
}

/* The command line's sense, before anything is read: EXIT_OK or EXIT_USAGE (reported). */
static int check_usage(const struct cli_args *a, uint32_t *pids)
{
	char err[256];
	int k, n = a->ninputs ? a->ninputs : a->argc;

	if (a->ninputs && a->argc) {
		cli_error(a, "map draws PIDs or snapshots (-i FILE), not both");
		return EXIT_USAGE;
	}
	if (n < 1 || n > 2) {
		cli_error(a, "map needs one or two PIDs, or -i FILE once or twice "
			     "(see 'ptscope help map')");
		return EXIT_USAGE;
	}
	for (k = 0; k < a->argc; k++)
		if (cli_parse_pid(a->argv[k], &pids[k], err, sizeof(err))) {
			cli_error(a, "%s", err);
			return EXIT_USAGE;
		}
	if (n == 2 && !a->svg && !a->json) {
		cli_error(a, "two address spaces are drawn side by side in SVG: add --svg FILE "
			     "(or -j for the counts)");
		return EXIT_USAGE;
	}
	if ((a->svg || a->json) && (a->width || a->color != CLI_COLOR_AUTO)) {
		cli_error(a, "--width and --color shape the terminal map: not with --svg or -j");
		return EXIT_USAGE;
	}
	if (a->svg && !*a->svg) {
		cli_error(a, "--svg needs a file name ('-' for standard output)");
		return EXIT_USAGE;
	}
	if (a->map_by == MAP_BY_FILL && (a->ninputs || n != 1)) {
		cli_error(a, "--by fill draws one live process: snapshots keep no page tables");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cmd_map(const struct cli_args *a)
{
	struct snapshot snaps[2] = { 0 };
	struct map_view views[2] = { 0 };
	struct map_text_options to = { a->width ? a->width : 80, use_color(a) };
	struct ptscope *h = NULL;
	uint32_t pids[2] = { 0 };
	int i, n = a->ninputs ? a->ninputs : a->argc, status = EXIT_RUNTIME, ret;
	char err[512];

	status = check_usage(a, pids);
	if (status)
		return status;
	cli_map_set_by((enum map_by)a->map_by);
	status = EXIT_RUNTIME;
	if (!a->ninputs && cli_open(&h)) {
		cli_error(a, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
	}
	for (i = 0; i < n; i++) {
		if (a->ninputs && cli_snapshot_load(a->inputs[i], &snaps[i], err, sizeof(err))) {
			cli_error(a, "%s", err);
			goto out;
		}
		if (!a->ninputs && load_live(a, h, pids[i], &snaps[i]))
			goto out;
		if (cli_snapshot_use(&snaps[i], i ? &snaps[0] : NULL, err, sizeof(err))) {
			cli_error(a, "%s", err);
			goto out;
		}
		if (cli_map_view_init(&views[i], &snaps[i])) {
			cli_error(a, "out of memory");
			goto out;
		}
	}
	if (a->svg)
		ret = write_svg(a, views, (size_t)n);
	else if (!a->json)
		ret = cli_map_text(stdout, &views[0], &to, err, sizeof(err));
	else
		ret = 0;
	if (!ret && a->json)
		ret = print_json(a, views, (size_t)n);
	if (ret == -EPERM && a->ninputs)
		cli_error(
			a,
			"connecting shared frames compares frame numbers, and these "
			"snapshots were saved without them (walk -o needs CAP_SYS_ADMIN for them)");
	else if (ret == -EPERM)
		cli_error(a, "connecting shared frames compares frame numbers: it needs "
			     "CAP_SYS_ADMIN");
	else if (ret == -ENOMEM)
		cli_error(a, "out of memory");
	else if (ret == -EINVAL)
		cli_error(a, "%s", err);
	if (ret == -EINVAL)
		status = EXIT_USAGE;
	else if (!ret)
		status = EXIT_OK;
out:
	for (i = 0; i < 2; i++) {
		cli_map_view_free(&views[i]);
		cli_snapshot_free(&snaps[i]);
	}
	free(fills.f);
	fills.f = NULL;
	ptscope_close(h);
	return status;
}

static int set_width(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	char *end;
	unsigned long w = strtoul(value, &end, 10);

	if (!*value || *end || *value == '-' || w < 1 || w > 100000) {
		snprintf(err, errlen, "--width wants a number of columns, not '%s'", value);
		return -1;
	}
	a->width = (unsigned int)w;
	return 0;
}

static int set_color(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	if (!value || !strcmp(value, "always")) {
		a->color = CLI_COLOR_ALWAYS;
	} else if (!strcmp(value, "never")) {
		a->color = CLI_COLOR_NEVER;
	} else if (!strcmp(value, "auto")) {
		a->color = CLI_COLOR_AUTO;
	} else {
		snprintf(err, errlen, "--color wants auto, always or never, not '%s'", value);
		return -1;
	}
	return 0;
}

static int set_by(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	static const char *const names[] = {
		[MAP_BY_STATE] = "state", [MAP_BY_NODE] = "node", [MAP_BY_FILL] = "fill"
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(value, names[i])) {
			a->map_by = (int)i;
			return 0;
		}
	snprintf(err, errlen, "--by wants state, node or fill, not '%s'", value);
	return -1;
}

static int add_input(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	if (a->ninputs == (int)ARRAY_SIZE(a->inputs)) {
		snprintf(err, errlen, "-i FILE may be given at most twice");
		return -1;
	}
	a->inputs[a->ninputs++] = value;
	return 0;
}

static const struct cli_option map_options[] = {
	CLI_STRING("svg", 0, "FILE", svg,
		   "draw an SVG into FILE ('-': standard output); two PIDs\n"
		   "or snapshots are drawn side by side, shared frames joined"),
	{ .name = "input",
	  .letter = 'i',
	  .value = CLI_VALUE_REQUIRED,
	  .arg = "FILE",
	  .help = "draw a snapshot saved by 'walk -o' (twice for a pair)",
	  .kind = CLI_OPT_CUSTOM,
	  .set = add_input },
	{ .name = "by",
	  .value = CLI_VALUE_REQUIRED,
	  .arg = "WHAT",
	  .help = "colour pages by state (default), node (the NUMA node\n"
		  "of their frame) or fill (how full their PTE table is)",
	  .kind = CLI_OPT_CUSTOM,
	  .set = set_by },
	{ .name = "width",
	  .value = CLI_VALUE_REQUIRED,
	  .arg = "N",
	  .help = "terminal map width in columns (default 80)",
	  .kind = CLI_OPT_CUSTOM,
	  .set = set_width },
	{ .name = "color",
	  .value = CLI_VALUE_OPTIONAL,
	  .arg = "WHEN",
	  .help = "colour the terminal map: auto (default: on a terminal,\n"
		  "unless NO_COLOR is set), always (no WHEN) or never",
	  .kind = CLI_OPT_CUSTOM,
	  .set = set_color },
	{ .name = NULL },
};

const struct cli_command cli_map_spec = {
	.name = "map",
	.usage = "PID [PID] | -i FILE",
	.summary = "the address space as a picture (terminal or --svg)",
	.help = "With -j, the counts the pictures are drawn from, as JSON.\n",
	.options = map_options,
	.examples =
		(const char *const[]){ "ptscope map self", "ptscope map 1234 --svg map.svg",
				       "ptscope map -i parent.snap -i child.snap --svg pair.svg",
				       "ptscope map --by node 1234", "ptscope map --by fill 1234",
				       NULL },
	.run = cmd_map,
};
