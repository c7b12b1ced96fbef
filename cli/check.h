/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ptscope check: assertions about the pages of a range (check_expr.c, cmd_check.c). */
#ifndef PTSCOPE_CHECK_H
#define PTSCOPE_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "libptscope.h"

struct ptscope_page;

enum check_pred_kind {
	PRED_STATE, /* present, swapped, none, state=NAME */
	PRED_ENTRY_FLAG, /* writable, nx, dirty, soft-dirty, uffd-wp, ... */
	PRED_PAGE_FLAG, /* pinned, thp, anon-exclusive, mapped-once, file-backed */
	PRED_HUGE, /* a PMD or PUD leaf */
	PRED_WRITABLE, /* the kernel's pte_write(): x86 rw, arm64 dbm */
	PRED_EXCLUSIVE, /* mapped once */
	PRED_KIND, /* zero-page, anon, file, ..., kind=NAME */
	PRED_COW, /* cow-shared, reusable, ..., cow=NAME */
	PRED_CACHE, /* cache=WC */
	PRED_PFN, /* pfn=N */
	PRED_PKEY, /* pkey=N */
	PRED_MAPCOUNT, /* mapcount=N */
	PRED_LEVEL, /* level=PMD */
	PRED_NODE, /* node=N: the frame's NUMA node */
	PRED_CGROUP, /* cgroup=PATH: the memory cgroup charged (value: its inode) */
};

struct check_pred {
	enum check_pred_kind kind;
	uint64_t value;
	bool negate; /* written with a leading '!' */
	char text[80]; /* as written */
};

enum check_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

enum check_item_type {
	ITEM_EACH, /* the predicate holds for every page */
	ITEM_COUNT, /* count(predicate) OP N */
	ITEM_SAME_FRAME, /* every page's frame is the other process's at the same offset */
	ITEM_TABLES, /* count(tables[.LEVEL]) OP N: page-table pages mapping the range */
};

/* ITEM_TABLES of every level (pred.value). */
#define CHECK_TABLES_ALL 0xffU

struct check_item {
	enum check_item_type type;
	struct check_pred pred;
	enum check_op op;
	uint64_t count;
	uint32_t other_pid;
	uint64_t other_addr;
};

#define CHECK_MAX_ITEMS 32

struct check_expr {
	struct check_item item[CHECK_MAX_ITEMS];
	int n;
};

/* Parse assertion words; 0, or -1 with a message naming the bad word. */
int cli_check_parse(int argc, char **argv, struct check_expr *e, char *err, size_t errlen);
bool cli_check_pred_holds(const struct check_pred *p, const struct ptscope_page *pg, uint64_t pfn);
bool cli_check_count_holds(const struct check_item *it, uint64_t n);
/* PTSCOPE_FEATURE_BIT_* the predicate needs, or -1. */
int cli_check_pred_feature(const struct check_pred *p);
/* PTSCOPE_UNKNOWN_* fields the item reads: unknown in a page, it cannot be decided. */
uint32_t cli_check_item_needs(const struct check_item *it);
/*
 * The field groups (PTSCOPE_FIELD_*) the items read: the walk asks for
 * those only, so a check of entries reads no struct page.
 */
uint32_t cli_check_fields(const struct check_expr *e);

/* ---- check_run.c: running checks, many at once ---- */

/* What one check found, page by page. */
struct check_result {
	uint64_t pages;
	uint64_t held[CHECK_MAX_ITEMS]; /* pages the predicate held for */
	uint64_t first_bad[CHECK_MAX_ITEMS]; /* address of the first page it failed */
	char why[CHECK_MAX_ITEMS][160];
	bool failed[CHECK_MAX_ITEMS];
	uint64_t *other; /* same-frame-as: the other process's frames, +1 (0: none) */
	uint32_t unknown; /* PTSCOPE_UNKNOWN_* of any page of the range */
	uint64_t tables[PTSCOPE_MAX_LEVELS],
		tables_all; /* page-table pages mapping the range, by level */
};

/* Status of a check: as ptscope check's exit status, and SKIP. */
enum check_status { CHECK_PASS, CHECK_FAIL, CHECK_ERROR, CHECK_SKIP, CHECK_PENDING };

/* One check (a line of a check file): what it asks, and its outcome. */
struct check_job {
	struct check_expr e;
	struct check_result r;
	uint32_t pid, fields; /* fields: the groups its predicates read */
	uint64_t start, end; /* page-aligned */
	bool alone; /* walked by itself (same-frame-as, or its batch failed) */
	enum check_status status;
	char msg[400];
};

/* A check's outcome, as soon as it and all before it are settled. */
typedef void (*check_done_fn)(size_t i, const struct check_job *j, void *arg);

/*
 * Run @n checks, each of @argc[i] words @argv[i] (PID RANGE ASSERTION...),
 * telling @done of each in order: the pages of checks on one process that
 * lie close together are read in one walk first, so a check file costs a
 * walk per cluster of pages, not one per line; the outcomes are those of
 * each check run alone.
 */
void cli_check_run(struct ptscope *h, const struct ptscope_info *info, struct check_job *jobs,
		   size_t n, const int *argc, char **const *argv, check_done_fn done, void *arg);

#endif
