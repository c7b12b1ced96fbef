/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ptscope map: the model the pictures are drawn from (map_model.c), shared
 * by the terminal map (cli_map_text.c) and the SVG (cli_map_svg.c). A view is a
 * snapshot (live or from a file) with its records sorted into mappings and
 * every page given one of the states below.
 */
#ifndef PTSCOPE_MAP_H
#define PTSCOPE_MAP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"

/* What a picture shows of a page. */
enum map_state {
	MAP_NOT_PRESENT, /* no entry, or none walked */
	MAP_PRESENT, /* a 4 KiB leaf, none of the states below */
	MAP_HUGE, /* a PMD or PUD leaf */
	MAP_COW_SHARED, /* a frame a write would copy (anon shared after fork, KSM) */
	MAP_SWAPPED,
	MAP_PINNED, /* (maybe) pinned for DMA */
	MAP_DEVICE, /* PFN or MMIO mapping, or device-private memory */
	MAP_OTHER, /* migration, hwpoison or marker entries */
	MAP_STATES
};

struct map_state_style {
	const char *key; /* JSON */
	const char *label; /* legend */
	const char *glyph; /* terminal: a Unicode block element */
	const char *sgr; /* terminal colour */
	const char *rgb; /* SVG colour */
};

/* The styles of the view being drawn (cli_map_set_by()): MAP_STATES of them. */
extern const struct map_state_style *cli_map_styles;
/* Which category wins a tie in a slice: the higher rank. */
extern const unsigned char *cli_map_tie_rank;

/* What a view colours pages by (map_by.c): state, NUMA node, PTE table fill. */
enum map_by { MAP_BY_STATE, MAP_BY_NODE, MAP_BY_FILL };

/* One PTE table, for MAP_BY_FILL: it maps [addr, addr + span). */
struct map_fill {
	uint64_t addr, span;
	uint32_t used, entries;
};

void cli_map_set_by(enum map_by by);
enum map_by cli_map_by(void);
/* The PTE tables of the live view (sorted here, kept, not copied). */
void cli_map_set_fills(struct map_fill *fills, size_t n);
int cli_map_class_by(const struct ptscope_page *pg);

/* How two views share a run of frames, for the lines that connect them. */
enum map_share {
	MAP_SHARE_COW, /* COW-shared (or KSM) in either: a write would copy it */
	MAP_SHARE_MAPPING, /* a MAP_SHARED mapping: writes are seen by both */
	MAP_SHARE_OTHER, /* page cache and other read-only sharing */
	MAP_SHARES
};

struct map_share_style {
	const char *key, *label, *rgb;
};

extern const struct map_share_style cli_map_share_styles[MAP_SHARES];

struct map_vma {
	uint64_t start, end, flags;
	uint32_t backing;
	bool known; /* from the mappings; false: made up from the records of a format-1 file */
	const char *name;
	size_t first, last; /* the records [first, last) that overlap it */
	uint64_t pages[MAP_STATES];
};

struct map_view {
	const struct snapshot *snap;
	struct map_vma *vma; /* in address order */
	size_t nvma;
	uint64_t pages[MAP_STATES]; /* all mappings' */
	uint64_t total; /* pages mapped */
};

/* Sort @s's records into its mappings: 0 or -ENOMEM. */
int cli_map_view_init(struct map_view *v, const struct snapshot *s);
void cli_map_view_free(struct map_view *v);

enum map_state cli_map_state_of(const struct ptscope_page *pg);

/*
 * The state of most pages (ties to the rarer state) in each of @ncells
 * equal slices of mapping @vma, low address first, into @out.
 */
void cli_map_cells(const struct map_view *v, const struct map_vma *vma, unsigned int ncells,
		   unsigned char *out);

/* One run of frames mapped by both views, contiguous in both. */
struct map_link {
	uint64_t a_addr, b_addr, pages;
	enum map_share kind;
};

typedef int (*map_link_fn)(const struct map_link *l, void *arg);
/*
 * Every run of frames mapped by both @a and @b, in @b's address order (zero
 * pages and frames without a struct page left out). 0, -ENOMEM, -EPERM when
 * either view's frame numbers were hidden, or what @fn returned.
 */
int cli_map_links(const struct map_view *a, const struct map_view *b, map_link_fn fn, void *arg);

/* The mapping holding @addr, or NULL. */
const struct map_vma *cli_map_vma_at(const struct map_view *v, uint64_t addr);

/* "4 KiB", "1.5 MiB", "128 TiB". */
void cli_map_size(uint64_t bytes, char *buf, size_t len);
/* "[stack]", "libc.so.6" (a path's file name), "[anon]", "?". */
const char *cli_map_short_name(const struct map_vma *vma);
/* "rw-p", or "????" for a made-up mapping. */
void cli_map_perms(const struct map_vma *vma, char out[5]);

struct map_text_options {
	unsigned int width;
	bool color;
};

/* The terminal map of @v: 0, or -EINVAL with @err when @o->width is too narrow. */
int cli_map_text(FILE *out, const struct map_view *v, const struct map_text_options *o, char *err,
		 size_t errlen);
/* The SVG of @a, or of @a and @b side by side with their shared frames (cli_map_links()). */
int cli_map_svg(FILE *out, const struct map_view *a, const struct map_view *b);

#define MAP_MAX_WIDTH 1000U

#endif
