// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope check PID RANGE ASSERTION...   one check: exit 0 if all hold, 1 if
 *                                        one fails (which page, and why), 2
 *                                        on a usage or runtime error
 * ptscope check -f FILE                  one check per line ("#" comments),
 *                                        TAP 13 by default (kselftest style:
 *                                        plan, ok/not ok, # SKIP for features
 *                                        the kernel lacks)
 * --format=tap|json|plain for either.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

enum format { FMT_PLAIN, FMT_TAP, FMT_JSON };

/* What one check found. */
struct result {
	uint64_t pages;
	uint64_t held[CHECK_MAX_ITEMS]; /* pages the predicate held for */
	uint64_t first_bad[CHECK_MAX_ITEMS]; /* address of the first page it failed */
	char why[CHECK_MAX_ITEMS][160];
	bool failed[CHECK_MAX_ITEMS];
	uint64_t *other; /* same-frame-as: the other process's frames, +1 (0: none) */
	uint64_t start;
	const struct check_expr *e;
	uint32_t unknown; /* PTSCOPE_UNKNOWN_* of any page of the range */
	uint64_t tables[PTSCOPE_MAX_LEVELS], tables_all; /* page-table pages mapping the range */
	bool placement; /* the walk asked for node and cgroup */
};

/* What the source told of the page ("-": what it could not see). */
static void describe_page(const struct ptscope_page *pg, uint64_t pfn, char *buf, size_t len)
{
	const char *kind = ptscope_kind_name(pg->kind), *cache = ptscope_cache_name(pg->cache);
	const char *cow = ptscope_cow_name(pg->cow);
	int n = snprintf(buf, len, "%s", ptscope_state_name(pg->state) ?: "?");

	if (pg->unknown & PTSCOPE_UNKNOWN_KIND)
		kind = "-";
	if (pg->unknown & PTSCOPE_UNKNOWN_CACHE)
		cache = "-";
	if (pg->unknown & PTSCOPE_UNKNOWN_COW)
		cow = "-";
	if (pg->state == PTSCOPE_STATE_PRESENT)
		n += snprintf(buf + n, len - (size_t)n, " pfn 0x%" PRIx64 " %s %s cow %s", pfn,
			      kind ?: "?", cache ?: "?", cow ?: "?");
	if (pg->has_nid && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " node %" PRIu32, pg->nid);
	if (pg->has_memcg && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " cgroup %s",
			 cli_cgroup_path(pg->memcg) ?: "(not visible here)");
}

static int on_page(const struct ptscope_page *pg, void *arg)
{
	struct result *r = arg;
	uint64_t i;
	int k;

	for (i = 0; i < pg->nr_pages; i++) {
		uint64_t addr = pg->addr + i * PAGE_BYTES, pfn = pg->has_pfn ? pg->pfn + i : 0;
		uint64_t idx = (addr - r->start) / PAGE_BYTES;

		r->pages++;
		r->unknown |= pg->unknown;
		/* A frame hidden from the caller (0) is no frame to compare. */
		if (pg->state == PTSCOPE_STATE_PRESENT && pg->has_pfn && !pg->pfn)
			r->unknown |= PTSCOPE_UNKNOWN_PFN;
		/* Placement the module withheld (a node of a zero page, a cgroup from non-root). */
		if (r->placement && pg->state == PTSCOPE_STATE_PRESENT && !pg->has_nid)
			r->unknown |= PTSCOPE_UNKNOWN_NID;
		if (r->placement && pg->state == PTSCOPE_STATE_PRESENT && !pg->has_memcg)
			r->unknown |= PTSCOPE_UNKNOWN_MEMCG;
		for (k = 0; k < r->e->n; k++) {
			const struct check_item *it = &r->e->item[k];
			bool ok;

			if (it->type == ITEM_TABLES)
				continue;
			if (it->type == ITEM_SAME_FRAME)
				ok = pg->state == PTSCOPE_STATE_PRESENT && r->other[idx] == pfn + 1;
			else
				ok = cli_check_pred_holds(&it->pred, pg, pfn);
			if (ok) {
				r->held[k]++;
			} else if (it->type != ITEM_COUNT && !r->failed[k]) {
				r->failed[k] = true;
				r->first_bad[k] = addr;
				describe_page(pg, pfn, r->why[k], sizeof(r->why[k]));
			}
		}
	}
	return 0;
}

static int count_table(const struct ptscope_table *t, void *arg)
{
	struct result *r = arg;

	if (t->level < PTSCOPE_MAX_LEVELS)
		r->tables[t->level]++;
	r->tables_all++;
	return 0;
}

/* The tables count(tables.LEVEL) asks about. */
static uint64_t tables_of(const struct result *r, uint64_t level)
{
	return level == CHECK_TABLES_ALL  ? r->tables_all :
	       level < PTSCOPE_MAX_LEVELS ? r->tables[level] :
					    0;
}

struct other {
	uint64_t *frames;
	uint64_t start, npages;
};

static int on_other(const struct ptscope_page *pg, void *arg)
{
	struct other *o = arg;
	uint64_t i;

	for (i = 0; i < pg->nr_pages && pg->state == PTSCOPE_STATE_PRESENT && pg->has_pfn; i++) {
		uint64_t idx = (pg->addr + i * PAGE_BYTES - o->start) / PAGE_BYTES;

		if (idx < o->npages)
			o->frames[idx] = pg->pfn + i + 1;
	}
	return 0;
}

/* What an unknown field is, for a skipped assertion's reason. */
static const char *blind_what(uint32_t blind)
{
	static const char *const what[PTSCOPE_UNKNOWN_BITS] = {
		"raw entry",
		"entry's hardware flags",
		"table level",
		"cache mode",
		"protection key",
		"copy-on-write state",
		"refcount",
		"page flags",
		"page kind",
		"mapcount",
		"frame",
		"pin count",
		"soft-dirty bit",
		"state (VM_PFNMAP: pagemap does not look)",
		"uffd-wp bit (pagemap has it since 5.17)",
		"mapped-once bit (pagemap's is unreliable for 1 GiB hugetlb pages)",
		"NUMA node",
		"memory cgroup (CAP_SYS_ADMIN only, as /proc/kpagecgroup)",
	};
	unsigned int bit = (unsigned int)__builtin_ctz(blind);

	return bit < PTSCOPE_UNKNOWN_BITS ? what[bit] : "?";
}

/* Outcome of one check: 0 passed, 1 failed, 2 could not run, 3 skipped. */
struct outcome {
	int status;
	char msg[400];
};

static int run_one(struct ptscope *h, const struct ptscope_info *info, int argc, char **argv,
		   struct result *r, struct outcome *o)
{
	static struct check_expr e;
	static struct cli_place where;
	uint64_t start = 0, end = 0, npages;
	struct other other = { 0 };
	char err[256];
	uint32_t pid, fields;
	int k, ret, place;

	memset(r, 0, sizeof(*r));
	memset(o, 0, sizeof(*o));
	place = argc >= 3 && cli_parse_place(argv[1], &where);
	if (argc < 3 || cli_parse_pid(argv[0], &pid, err, sizeof(err)) ||
	    (!place && cli_parse_range(argv[1], &start, &end, err, sizeof(err))) ||
	    cli_check_parse(argc - 2, argv + 2, &e, err, sizeof(err))) {
		snprintf(o->msg, sizeof(o->msg), "%s",
			 argc < 3 ? "a check is PID RANGE ASSERTION..." : err);
		return o->status = 2;
	}
	if (place && cli_place_range(h, pid, &where, &start, &end)) {
		snprintf(o->msg, sizeof(o->msg), "%s", ptscope_errmsg());
		return o->status = 2;
	}
	for (k = 0; k < e.n; k++) {
		int feature = e.item[k].type == ITEM_SAME_FRAME || e.item[k].type == ITEM_TABLES ?
				      -1 :
				      cli_check_pred_feature(&e.item[k].pred);

		/* procfs tells no features: its unknown fields decide below. */
		if (feature >= 0 && ptscope_source(h) == PTSCOPE_SOURCE_MODULE &&
		    !(info->features >> feature & 1)) {
			snprintf(o->msg, sizeof(o->msg), "the kernel lacks %s",
				 ptscope_feature_name((unsigned int)feature) ?: "a feature");
			return o->status = 3;
		}
	}
	start &= ~(PAGE_BYTES - 1);
	end = (end + PAGE_BYTES - 1) & ~(uint64_t)(PAGE_BYTES - 1);
	npages = (end - start) / PAGE_BYTES;
	r->e = &e;
	r->start = start;
	for (k = 0; k < e.n; k++) {
		if (e.item[k].type != ITEM_SAME_FRAME)
			continue;
		if (npages > (1 << 20)) {
			snprintf(o->msg, sizeof(o->msg), "same-frame-as: at most 2^20 pages");
			return o->status = 2;
		}
		if (!other.frames)
			other.frames = calloc(npages, sizeof(uint64_t));
		other.start = e.item[k].other_addr & ~(uint64_t)(PAGE_BYTES - 1);
		other.npages = npages;
		if (!other.frames || ptscope_walk_fields(h, e.item[k].other_pid, other.start,
							 other.start + npages * PAGE_BYTES, 0,
							 PTSCOPE_FIELD_ENTRY, on_other, &other)) {
			snprintf(o->msg, sizeof(o->msg), "same-frame-as: %s",
				 other.frames ? ptscope_errmsg() : "out of memory");
			free(other.frames);
			return o->status = 2;
		}
		r->other = other.frames;
	}
	fields = cli_check_fields(&e);
	r->placement = fields & PTSCOPE_FIELD_PLACE;
	ret = ptscope_walk_fields(h, pid, start, end, 0, fields, on_page, r);
	free(other.frames);
	r->other = NULL;
	if (ret) {
		snprintf(o->msg, sizeof(o->msg), "%s", ptscope_errmsg());
		return o->status = 2;
	}
	for (k = 0; k < e.n && e.item[k].type != ITEM_TABLES; k++)
		;
	if (k < e.n) {
		ret = ptscope_tables(h, pid, start, end, count_table, r);
		if (ret == -EOPNOTSUPP) {
			snprintf(o->msg, sizeof(o->msg), "%s needs the module: %s",
				 e.item[k].pred.text, ptscope_errmsg());
			return o->status = 3;
		}
		if (ret) {
			snprintf(o->msg, sizeof(o->msg), "%s", ptscope_errmsg());
			return o->status = 2;
		}
	}
	/* An assertion on what the source could not see is skipped, never passed. */
	for (k = 0; k < e.n; k++) {
		uint32_t blind = (cli_check_item_needs(&e.item[k]) | PTSCOPE_UNKNOWN_STATE) &
				 r->unknown;

		if (e.item[k].type == ITEM_TABLES)
			continue; /* counted from the tables, not from the pages */

		if (blind) {
			snprintf(o->msg, sizeof(o->msg), "%s needs the %s, which %s",
				 e.item[k].pred.text, blind_what(blind),
				 ptscope_source(h) == PTSCOPE_SOURCE_PROCFS ?
					 "the procfs source cannot see" :
					 "is hidden from this caller");
			return o->status = 3;
		}
	}
	for (k = 0; k < e.n; k++) {
		const struct check_item *it = &e.item[k];

		if (it->type == ITEM_TABLES) {
			uint64_t n = tables_of(r, it->pred.value);

			if (cli_check_count_holds(it, n))
				continue;
			snprintf(o->msg, sizeof(o->msg), "%s: %" PRIu64 " page-table pages",
				 it->pred.text, n);
			return o->status = 1;
		}
		if (it->type == ITEM_COUNT ? !cli_check_count_holds(it, r->held[k]) :
					     r->failed[k]) {
			if (it->type == ITEM_COUNT)
				snprintf(o->msg, sizeof(o->msg),
					 "%s: %" PRIu64 " of %" PRIu64 " pages", it->pred.text,
					 r->held[k], r->pages);
			else
				snprintf(o->msg, sizeof(o->msg), "%s: page 0x%" PRIx64 " is %s",
					 it->pred.text, r->first_bad[k], r->why[k]);
			return o->status = 1;
		}
	}
	if (!r->pages) {
		snprintf(o->msg, sizeof(o->msg), "no page of the range is in a mapping");
		return o->status = 1;
	}
	snprintf(o->msg, sizeof(o->msg), "%" PRIu64 " pages", r->pages);
	return o->status = 0;
}

static enum format parse_format(const struct cli_args *a, enum format dflt, int *bad)
{
	*bad = 0;
	if (a->json)
		return FMT_JSON;
	if (!a->format)
		return dflt;
	if (!strcmp(a->format, "tap"))
		return FMT_TAP;
	if (!strcmp(a->format, "json"))
		return FMT_JSON;
	if (!strcmp(a->format, "plain"))
		return FMT_PLAIN;
	*bad = 1;
	return dflt;
}

/*
 * One line of output per check, in @fmt; @n counts from 1. JSON and plain
 * text are one printer (a "checks" element, or "PASS: check: detail").
 */
static void report(enum format fmt, int n, const char *text, const struct outcome *o)
{
	static const char *const word[] = { "ok", "not ok", "not ok", "ok" };
	static const char *const status[] = { "pass", "fail", "error", "skip" };
	static const char *const label[] = { "PASS", "FAIL", "ERROR", "SKIP" };

	if (fmt == FMT_TAP) {
		printf("%s %d - %s%s%s\n", word[o->status], n, text,
		       o->status == 3 ? " # SKIP " : "", o->status == 3 ? o->msg : "");
		if (o->status == 1 || o->status == 2)
			printf("# %s\n", o->msg);
		return;
	}
	cli_open_object(NULL);
	cli_print_text("%s: ", label[o->status]);
	cli_print_str(PRINT_ANY, "check", "%s: ", text);
	cli_member_str("result", status[o->status]);
	cli_print_str(PRINT_ANY, "detail", "%s\n", o->msg);
	cli_close_object();
}

/*
 * The head of the output, once the checks are known: TAP's plan, or the
 * document; either says when the answers come from procfs.
 */
static void begin(const struct cli_args *a, enum format fmt, int count, int source)
{
	const bool procfs = source == PTSCOPE_SOURCE_PROCFS;

	if (fmt == FMT_TAP) {
		printf("TAP version 13\n1..%d\n", count);
		if (procfs)
			printf("# source procfs: assertions on what /proc cannot show are skipped\n");
		return;
	}
	cli_print_open(fmt == FMT_JSON, a->pretty);
	if (procfs)
		cli_print_str(PRINT_ANY, "source",
			      "source %s: assertions on what /proc cannot "
			      "show are skipped\n",
			      "procfs");
	cli_open_array("checks");
}

/* Split @line into words in place; returns the count. */
static int split(char *line, char **words, int max)
{
	int n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(line, " \t\n", &save); w && n < max; w = strtok_r(NULL, " \t\n", &save))
		words[n++] = w;
	return n;
}

int cmd_check(const struct cli_args *a)
{
	static struct result r;
	struct ptscope_info info;
	struct outcome o;
	enum format fmt;
	struct ptscope *h;
	int bad, worst = 0, n = 0, i;
	char text[1024];

	fmt = parse_format(a, a->check_file ? FMT_TAP : FMT_PLAIN, &bad);
	if (bad) {
		cli_error(a, "'%s' is not a format (tap, json or plain)", a->format);
		return EXIT_USAGE;
	}
	if (a->check_file ? a->argc != 0 : a->argc < 3) {
		cli_error(
			a,
			"check needs PID RANGE ASSERTION... or -f FILE (see 'ptscope help check')");
		return EXIT_USAGE;
	}
	if (cli_open(&h) || ptscope_get_info(h, &info)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_USAGE; /* a runtime error: status 2, as documented */
	}
	if (!a->check_file) {
		int len = 0;

		for (i = 0; i < a->argc; i++)
			len += snprintf(text + len, sizeof(text) - (size_t)len, "%s%s",
					i ? " " : "", a->argv[i]);
		begin(a, fmt, 1, ptscope_source(h));
		run_one(h, &info, a->argc, a->argv, &r, &o);
		report(fmt, 1, text, &o);
		worst = o.status == 3 ? 0 : o.status;
		n = 1;
	} else {
		FILE *f = strcmp(a->check_file, "-") ? fopen(a->check_file, "r") : stdin;
		static char lines[1024][256];
		int count = 0;

		if (!f) {
			cli_error(a, "cannot read check file '%s': %s", a->check_file,
				  strerror(errno));
			ptscope_close(h);
			return EXIT_USAGE;
		}
		while (count < 1024 && fgets(lines[count], sizeof(lines[0]), f)) {
			char *s = lines[count] + strspn(lines[count], " \t");

			s[strcspn(s, "\n")] = '\0';
			if (*s && *s != '#')
				memmove(lines[count], s, strlen(s) + 1), count++;
		}
		if (f != stdin)
			fclose(f);
		begin(a, fmt, count, ptscope_source(h));
		for (n = 0; n < count; n++) {
			char copy[256], *words[64];
			int nw;

			memcpy(copy, lines[n], sizeof(copy));
			nw = split(copy, words, 64);
			run_one(h, &info, nw, words, &r, &o);
			report(fmt, n + 1, lines[n], &o);
			if (o.status != 3 && o.status > worst)
				worst = o.status;
		}
	}
	if (fmt != FMT_TAP) {
		cli_close_array();
		cli_print_bool(PRINT_JSON, "ok", NULL, worst == 0);
		cli_print_close();
	}
	ptscope_close(h);
	return worst;
}

static const struct cli_option check_options[] = {
	CLI_STRING("file", 'f', "FILE", check_file,
		   "checks from FILE ('-': standard input), one per line (TAP output)"),
	CLI_STRING("format", 0, "F", format, "tap, json or plain"),
	{ .name = NULL },
};

const struct cli_command cli_check_spec = {
	.name = "check",
	.usage = "PID RANGE ASSERTION...|-f FILE",
	.summary = "assert page states (exit 0/1/2; TAP for -f)",
	.help = "ASSERTION: a state every page must have (present, swapped, none, writable,\n"
		"huge, thp, anon, cow-shared, any entry flag; '!' negates), or a count\n"
		"('count(present)=4'). Exit status: 0 all hold, 1 one failed, 2 a usage or\n"
		"runtime error.\n",
	.options = check_options,
	.examples =
		(const char *const[]){ "ptscope check self '[heap]' present writable '!swapped'",
				       "ptscope check 1234 0x7f0000200000+2M huge level=PMD thp",
				       "ptscope check -f checks.txt --format tap", NULL },
	.run = cmd_check,
};
