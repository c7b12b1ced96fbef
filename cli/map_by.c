// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What "ptscope map --by" colours a page by: its state (the default, in
 * map_model.c), the NUMA node of its frame, or how full the PTE table is
 * that maps it. Each view has MAP_STATES categories, so the model, the
 * terminal map and the SVG draw any of them alike.
 */
#include <stdlib.h>
#include <string.h>

#include "libptscope.h"
#include "map.h"
#include "uapi/ptscope.h"

enum {
	NODE_FIRST = 1, /* node 0; node N is NODE_FIRST + N */
	NODE_MANY = 6, /* node 5 and above */
	NODE_ELSEWHERE = 7, /* not in memory (swapped, migrating), or node unknown */
};

static const struct map_state_style node_styles[MAP_STATES] = {
	{ "not_present", "not present", "\u2591", "90", "#e6e6e6" },
	{ "node0", "node 0", "\u2588", "32", "#2ca25f" },
	{ "node1", "node 1", "\u2593", "34", "#3182bd" },
	{ "node2", "node 2", "\u259a", "33", "#f39c12" },
	{ "node3", "node 3", "\u259e", "35", "#c51b8a" },
	{ "node4", "node 4", "\u2599", "36", "#1c9099" },
	{ "node5_up", "node 5+", "\u259b", "31", "#d7301f" },
	{ "elsewhere", "swapped or node unknown", "\u2592", "37", "#555555" },
};

enum {
	FILL_FIRST = 1, /* a PTE table up to 1/8 used; then 1/4, 1/2, 3/4, all */
	FILL_HUGE = 6, /* a PMD or PUD leaf: no PTE table */
	FILL_UNKNOWN = 7, /* a PTE-level entry whose table was not listed */
};

static const struct map_state_style fill_styles[MAP_STATES] = {
	{ "not_present", "not present", "\u2591", "90", "#e6e6e6" },
	{ "fill_12", "table <=12% used", "\u2581", "31", "#d7301f" },
	{ "fill_25", "<=25%", "\u2582", "33", "#fc8d59" },
	{ "fill_50", "<=50%", "\u2584", "33", "#fee08b" },
	{ "fill_75", "<=75%", "\u2586", "36", "#91cf60" },
	{ "fill_100", "<=100%", "\u2588", "32", "#1a9850" },
	{ "huge", "huge leaf, no PTE table", "\u2580", "34", "#3f51b5" },
	{ "table_unknown", "table unknown", "\u2592", "37", "#555555" },
};

/* Ties go to the rarer, more telling category: the fuller node, the emptier table. */
static const unsigned char plain_rank[MAP_STATES] = { 0, 1, 2, 3, 4, 5, 6, 7 };
static const unsigned char fill_rank[MAP_STATES] = { 0, 7, 6, 5, 4, 3, 2, 1 };

static enum map_by by = MAP_BY_STATE;
static const struct map_fill *fills;
static size_t nfills;

void cli_map_set_by(enum map_by b)
{
	by = b;
	if (b == MAP_BY_NODE) {
		cli_map_styles = node_styles;
		cli_map_tie_rank = plain_rank;
	} else if (b == MAP_BY_FILL) {
		cli_map_styles = fill_styles;
		cli_map_tie_rank = fill_rank;
	}
}

enum map_by cli_map_by(void)
{
	return by;
}

static int by_addr(const void *x, const void *y)
{
	const struct map_fill *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

void cli_map_set_fills(struct map_fill *f, size_t n)
{
	qsort(f, n, sizeof(*f), by_addr);
	fills = f;
	nfills = n;
}

/* The PTE table mapping @addr, or NULL. */
static const struct map_fill *fill_at(uint64_t addr)
{
	size_t lo = 0, hi = nfills;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (fills[mid].addr + fills[mid].span <= addr)
			lo = mid + 1;
		else if (fills[mid].addr > addr)
			hi = mid;
		else
			return &fills[mid];
	}
	return NULL;
}

static unsigned int node_class(const struct ptscope_page *pg)
{
	if (pg->state == PTSCOPE_STATE_NONE)
		return MAP_NOT_PRESENT;
	if (pg->state != PTSCOPE_STATE_PRESENT || !pg->has_nid)
		return NODE_ELSEWHERE;
	return pg->nid < NODE_MANY - NODE_FIRST ? NODE_FIRST + pg->nid : NODE_MANY;
}

static unsigned int fill_class(const struct ptscope_page *pg)
{
	const struct map_fill *f;
	uint64_t eighths;

	if (pg->state == PTSCOPE_STATE_NONE)
		return MAP_NOT_PRESENT;
	if (pg->level != PTSCOPE_LEVEL_PTE)
		return FILL_HUGE;
	f = fill_at(pg->addr);
	if (!f || !f->entries)
		return FILL_UNKNOWN;
	eighths = ((uint64_t)f->used * 8 + f->entries - 1) / f->entries; /* 1..8 */
	return eighths <= 1 ? FILL_FIRST :
	       eighths <= 2 ? FILL_FIRST + 1 :
	       eighths <= 4 ? FILL_FIRST + 2 :
	       eighths <= 6 ? FILL_FIRST + 3 :
			      FILL_FIRST + 4;
}

/* The category of @pg in a view other than by state (-1: by state). */
int cli_map_class_by(const struct ptscope_page *pg)
{
	switch (by) {
	case MAP_BY_NODE:
		return (int)node_class(pg);
	case MAP_BY_FILL:
		return (int)fill_class(pg);
	default:
		return -1;
	}
}
