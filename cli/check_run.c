// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running checks: a check's range is walked for the fields its assertions
 * read, each page tested against each assertion, and what the source could
 * not see makes an assertion skipped, never passed.
 *
 * A check file often holds many checks on one process (a CI script's page
 * here, a page there). Checks of one process that ask for the same fields
 * and whose pages lie close together share one walk: each record of it is
 * clipped to every check it overlaps. What a check finds is what it would
 * find alone; a shared walk that fails sends its checks back to be walked
 * one by one, so an error is still the check's own.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

/* Ranges of one process this close (in pages) are read in one walk. */
#define CHECK_GAP_PAGES 512

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

/* The pages of @pg, all inside the check's range, against its assertions. */
static int on_page(const struct ptscope_page *pg, void *arg)
{
	struct check_job *j = arg;
	struct check_result *r = &j->r;
	const bool placement = j->fields & PTSCOPE_FIELD_PLACE;
	uint64_t i;
	int k;

	for (i = 0; i < pg->nr_pages; i++) {
		uint64_t addr = pg->addr + i * PAGE_BYTES, pfn = pg->has_pfn ? pg->pfn + i : 0;
		uint64_t idx = (addr - j->start) / PAGE_BYTES;

		r->pages++;
		r->unknown |= pg->unknown;
		/* A frame hidden from the caller (0) is no frame to compare. */
		if (pg->state == PTSCOPE_STATE_PRESENT && pg->has_pfn && !pg->pfn)
			r->unknown |= PTSCOPE_UNKNOWN_PFN;
		/* Placement the module withheld (a node of a zero page, a cgroup from non-root). */
		if (placement && pg->state == PTSCOPE_STATE_PRESENT && !pg->has_nid)
			r->unknown |= PTSCOPE_UNKNOWN_NID;
		if (placement && pg->state == PTSCOPE_STATE_PRESENT && !pg->has_memcg)
			r->unknown |= PTSCOPE_UNKNOWN_MEMCG;
		for (k = 0; k < j->e.n; k++) {
			const struct check_item *it = &j->e.item[k];
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
	struct check_result *r = arg;

	if (t->level < PTSCOPE_MAX_LEVELS)
		r->tables[t->level]++;
	r->tables_all++;
	return 0;
}

/* The tables count(tables.LEVEL) asks about. */
static uint64_t tables_of(const struct check_result *r, uint64_t level)
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

static enum check_status settle(struct check_job *j, enum check_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum check_status settle(struct check_job *j, enum check_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(j->msg, sizeof(j->msg), fmt, ap);
	va_end(ap);
	return j->status = status;
}

/*
 * Parse the check and learn its range: CHECK_PENDING when its pages are
 * to be read, else its outcome (a usage error, or a feature the kernel
 * lacks).
 */
static enum check_status prepare(struct ptscope *h, const struct ptscope_info *info,
				 struct check_job *j, int argc, char **argv)
{
	static struct cli_place where;
	char err[256];
	int k, place;

	memset(j, 0, sizeof(*j));
	place = argc >= 3 && cli_parse_place(argv[1], &where);
	if (argc < 3 || cli_parse_pid(argv[0], &j->pid, err, sizeof(err)) ||
	    (!place && cli_parse_range(argv[1], &j->start, &j->end, err, sizeof(err))) ||
	    cli_check_parse(argc - 2, argv + 2, &j->e, err, sizeof(err)))
		return settle(j, CHECK_ERROR, "%s",
			      argc < 3 ? "a check is PID RANGE ASSERTION..." : err);
	if (place && cli_place_range(h, j->pid, &where, &j->start, &j->end))
		return settle(j, CHECK_ERROR, "%s", ptscope_errmsg());
	for (k = 0; k < j->e.n; k++) {
		const struct check_item *it = &j->e.item[k];
		int feature = it->type == ITEM_SAME_FRAME || it->type == ITEM_TABLES ?
				      -1 :
				      cli_check_pred_feature(&it->pred);

		/* procfs tells no features: its unknown fields decide below. */
		if (feature >= 0 && ptscope_source(h) == PTSCOPE_SOURCE_MODULE &&
		    !(info->features >> feature & 1))
			return settle(j, CHECK_SKIP, "the kernel lacks %s",
				      ptscope_feature_name((unsigned int)feature) ?: "a feature");
		if (it->type == ITEM_SAME_FRAME)
			j->alone = true; /* its other process's frames are read with it */
	}
	j->start &= ~(PAGE_BYTES - 1);
	j->end = (j->end + PAGE_BYTES - 1) & ~(uint64_t)(PAGE_BYTES - 1);
	if (j->end <= j->start)
		j->alone = true; /* whatever the source says of it, it says alone */
	j->fields = cli_check_fields(&j->e);
	return j->status = CHECK_PENDING;
}

/* The pages of a check walked by itself, with its same-frame-as process's. */
static void walk_alone(struct ptscope *h, struct check_job *j)
{
	uint64_t npages = (j->end - j->start) / PAGE_BYTES;
	struct other other = { 0 };
	int k, ret;

	for (k = 0; k < j->e.n; k++) {
		const struct check_item *it = &j->e.item[k];

		if (it->type != ITEM_SAME_FRAME)
			continue;
		if (npages > (1 << 20)) {
			settle(j, CHECK_ERROR, "same-frame-as: at most 2^20 pages");
			goto out;
		}
		other.frames = calloc(npages, sizeof(uint64_t)); /* one same-frame-as a check */
		other.start = it->other_addr & ~(uint64_t)(PAGE_BYTES - 1);
		other.npages = npages;
		if (!other.frames || ptscope_walk_fields(h, it->other_pid, other.start,
							 other.start + npages * PAGE_BYTES, 0,
							 PTSCOPE_FIELD_ENTRY, on_other, &other)) {
			settle(j, CHECK_ERROR, "same-frame-as: %s",
			       other.frames ? ptscope_errmsg() : "out of memory");
			goto out;
		}
		j->r.other = other.frames;
	}
	ret = ptscope_walk_fields(h, j->pid, j->start, j->end, 0, j->fields, on_page, j);
	if (ret)
		settle(j, CHECK_ERROR, "%s", ptscope_errmsg());
out:
	free(other.frames);
	j->r.other = NULL;
}

/*
 * Checks sharing one walk, by start; records arrive in address order.
 * Those a record may reach are kept apart (open), so a long check at the
 * front does not make every record pass over the finished ones behind it.
 */
struct cluster {
	struct check_job **jobs;
	size_t n, next; /* jobs[next...] start after the records so far */
	struct check_job **open;
	size_t nopen;
};

/* A record of the shared walk, clipped to each check it overlaps. */
static int dispatch(const struct ptscope_page *pg, void *arg)
{
	struct cluster *c = arg;
	uint64_t from = pg->addr, to = pg->addr + pg->nr_pages * PAGE_BYTES;
	size_t i, kept = 0;

	for (i = 0; i < c->nopen; i++)
		if (c->open[i]->end > from)
			c->open[kept++] = c->open[i];
	c->nopen = kept;
	for (; c->next < c->n && c->jobs[c->next]->start < to; c->next++)
		if (c->jobs[c->next]->end > from)
			c->open[c->nopen++] = c->jobs[c->next];
	for (i = 0; i < c->nopen; i++) {
		struct check_job *j = c->open[i];
		uint64_t lo = from > j->start ? from : j->start, hi = to < j->end ? to : j->end;
		struct ptscope_page part;

		if (lo >= hi)
			continue; /* starts beyond this record (opened by an earlier one) */
		part = *pg;
		part.addr = lo;
		part.nr_pages = (hi - lo) / PAGE_BYTES;
		if (part.has_pfn && part.pfn) /* 0: hidden, for every page */
			part.pfn += (lo - from) / PAGE_BYTES;
		on_page(&part, j);
	}
	return 0;
}

static int by_walk(const void *x, const void *y)
{
	const struct check_job *a = *(struct check_job *const *)x,
			       *b = *(struct check_job *const *)y;

	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->fields != b->fields)
		return a->fields < b->fields ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a < b ? -1 : a > b; /* file order */
}

static bool same_walk(const struct check_job *a, const struct check_job *b)
{
	return a->pid == b->pid && a->fields == b->fields;
}

/*
 * The pending checks that can share walks, walked: sorted by process,
 * fields and start, a cluster grows while the next range starts within
 * CHECK_GAP_PAGES of its end (a gap costs about what a request does). A
 * check alone in its cluster is left to walk_alone(), as is every check of
 * a cluster whose walk failed.
 */
static void walk_shared(struct ptscope *h, struct check_job *jobs, size_t n)
{
	struct check_job **sorted = calloc(n ? n : 1, sizeof(*sorted));
	struct check_job **open = calloc(n ? n : 1, sizeof(*open));
	size_t m = 0, i, j, k;

	if (!sorted || !open) {
		for (i = 0; i < n; i++)
			jobs[i].alone = true;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (jobs[i].status == CHECK_PENDING && !jobs[i].alone)
			sorted[m++] = &jobs[i];
	qsort(sorted, m, sizeof(*sorted), by_walk);
	for (i = 0; i < m; i = j) {
		struct cluster c = { .jobs = sorted + i, .open = open };
		uint64_t start = sorted[i]->start, end = sorted[i]->end;

		for (j = i + 1; j < m && same_walk(sorted[i], sorted[j]) &&
				(sorted[j]->start <= end ||
				 (sorted[j]->start - end) / PAGE_BYTES <= CHECK_GAP_PAGES);
		     j++)
			if (sorted[j]->end > end)
				end = sorted[j]->end;
		c.n = j - i;
		if (c.n > 1 && !ptscope_walk_fields(h, sorted[i]->pid, start, end, 0,
						    sorted[i]->fields, dispatch, &c))
			continue;
		for (k = i; k < j; k++) {
			memset(&sorted[k]->r, 0, sizeof(sorted[k]->r));
			sorted[k]->alone = true;
		}
	}
out:
	free(sorted);
	free(open);
}

/* The outcome of a check whose pages were read. */
static void finish(struct ptscope *h, struct check_job *j)
{
	struct check_result *r = &j->r;
	int k, ret;

	for (k = 0; k < j->e.n && j->e.item[k].type != ITEM_TABLES; k++)
		;
	if (k < j->e.n) {
		ret = ptscope_tables(h, j->pid, j->start, j->end, count_table, r);
		if (ret == -EOPNOTSUPP) {
			settle(j, CHECK_SKIP, "%s needs the module: %s", j->e.item[k].pred.text,
			       ptscope_errmsg());
			return;
		}
		if (ret) {
			settle(j, CHECK_ERROR, "%s", ptscope_errmsg());
			return;
		}
	}
	/* An assertion on what the source could not see is skipped, never passed. */
	for (k = 0; k < j->e.n; k++) {
		uint32_t blind = (cli_check_item_needs(&j->e.item[k]) | PTSCOPE_UNKNOWN_STATE) &
				 r->unknown;

		if (j->e.item[k].type == ITEM_TABLES)
			continue; /* counted from the tables, not from the pages */
		if (blind) {
			settle(j, CHECK_SKIP, "%s needs the %s, which %s", j->e.item[k].pred.text,
			       blind_what(blind),
			       ptscope_source(h) == PTSCOPE_SOURCE_PROCFS ?
				       "the procfs source cannot see" :
				       "is hidden from this caller");
			return;
		}
	}
	for (k = 0; k < j->e.n; k++) {
		const struct check_item *it = &j->e.item[k];

		if (it->type == ITEM_TABLES) {
			uint64_t n = tables_of(r, it->pred.value);

			if (!cli_check_count_holds(it, n)) {
				settle(j, CHECK_FAIL, "%s: %" PRIu64 " page-table pages",
				       it->pred.text, n);
				return;
			}
		} else if (it->type == ITEM_COUNT && !cli_check_count_holds(it, r->held[k])) {
			settle(j, CHECK_FAIL, "%s: %" PRIu64 " of %" PRIu64 " pages", it->pred.text,
			       r->held[k], r->pages);
			return;
		} else if (it->type != ITEM_COUNT && r->failed[k]) {
			settle(j, CHECK_FAIL, "%s: page 0x%" PRIx64 " is %s", it->pred.text,
			       r->first_bad[k], r->why[k]);
			return;
		}
	}
	if (!r->pages)
		settle(j, CHECK_FAIL, "no page of the range is in a mapping");
	else
		settle(j, CHECK_PASS, "%" PRIu64 " pages", r->pages);
}

void cli_check_run(struct ptscope *h, const struct ptscope_info *info, struct check_job *jobs,
		   size_t n, const int *argc, char **const *argv, check_done_fn done, void *arg)
{
	size_t i;

	for (i = 0; i < n; i++)
		prepare(h, info, &jobs[i], argc[i], argv[i]);
	walk_shared(h, jobs, n);
	for (i = 0; i < n; i++) {
		if (jobs[i].status == CHECK_PENDING && jobs[i].alone)
			walk_alone(h, &jobs[i]);
		if (jobs[i].status == CHECK_PENDING)
			finish(h, &jobs[i]);
		done(i, &jobs[i], arg);
	}
}
