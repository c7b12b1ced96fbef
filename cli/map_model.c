// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The model behind "ptscope map": a snapshot's records sorted into its
 * mappings, each page reduced to one drawable state, the dominant state of
 * slices of a mapping (a terminal cell, an SVG pixel column), and the runs
 * of frames two views share.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "libptscope.h"
#include "map.h"
#include "uapi/ptscope.h"

static const struct map_state_style state_styles[MAP_STATES] = {
	[MAP_NOT_PRESENT] = { "not_present", "not present", "\u2591", "90", "#e6e6e6" },
	[MAP_PRESENT] = { "present", "present", "\u2588", "32", "#2ca25f" },
	[MAP_HUGE] = { "huge", "huge", "\u2580", "36", "#1c9099" },
	[MAP_COW_SHARED] = { "cow_shared", "COW-shared", "\u2593", "33", "#f39c12" },
	[MAP_SWAPPED] = { "swapped", "swapped", "\u2592", "35", "#c51b8a" },
	[MAP_PINNED] = { "pinned", "pinned", "\u259a", "31", "#d7301f" },
	[MAP_DEVICE] = { "device", "device", "\u259e", "34", "#3f51b5" },
	[MAP_OTHER] = { "other", "other entry", "\u2581", "37", "#555555" },
};

const struct map_share_style cli_map_share_styles[MAP_SHARES] = {
	[MAP_SHARE_COW] = { "cow_shared", "COW-shared frames", "#e6550d" },
	[MAP_SHARE_MAPPING] = { "shared_mapping", "shared mapping", "#3182bd" },
	[MAP_SHARE_OTHER] = { "other", "other shared frames", "#969696" },
};

const struct map_state_style *cli_map_styles = state_styles;

/* Which state wins a tie: the rarer and more telling one. */
static const unsigned char state_rank[MAP_STATES] = {
	[MAP_NOT_PRESENT] = 0, [MAP_PRESENT] = 1,    [MAP_OTHER] = 2,  [MAP_HUGE] = 3,
	[MAP_SWAPPED] = 4,     [MAP_COW_SHARED] = 5, [MAP_PINNED] = 6, [MAP_DEVICE] = 7,
};

const unsigned char *cli_map_tie_rank = state_rank;

enum map_state cli_map_state_of(const struct ptscope_page *pg)
{
	int by = cli_map_class_by(pg);

	if (by >= 0)
		return (enum map_state)by;
	switch (pg->state) {
	case PTSCOPE_STATE_NONE:
		return MAP_NOT_PRESENT;
	case PTSCOPE_STATE_PRESENT:
		break;
	case PTSCOPE_STATE_SWAP:
		return MAP_SWAPPED;
	case PTSCOPE_STATE_DEVICE_PRIVATE:
		return MAP_DEVICE;
	default:
		return MAP_OTHER;
	}
	if (pg->kind == PTSCOPE_KIND_PFNMAP || pg->kind == PTSCOPE_KIND_NOT_RAM)
		return MAP_DEVICE;
	/*
	 * A source blind to some of it (procfs: levels, pins, and the COW
	 * state of anonymous pages mapped once) draws no such marks at all:
	 * marks on some pages would pass the others off as unmarked.
	 */
	if (pg->unknown)
		return MAP_PRESENT;
	if (pg->pflags & PTSCOPE_PAGE(PINNED))
		return MAP_PINNED;
	if (pg->cow == PTSCOPE_COW_SHARED || pg->cow == PTSCOPE_COW_KSM)
		return MAP_COW_SHARED;
	if (pg->level != PTSCOPE_LEVEL_PTE)
		return MAP_HUGE;
	return MAP_PRESENT;
}

static uint64_t rec_end(const struct ptscope_page *pg)
{
	return pg->addr + pg->nr_pages * PAGE_BYTES;
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;

	return hi > lo ? hi - lo : 0;
}

static int add_vma(struct map_view *v, size_t *cap, const struct map_vma *m)
{
	if (v->nvma == *cap) {
		size_t bigger = *cap ? *cap * 2 : 64;
		struct map_vma *p = realloc(v->vma, bigger * sizeof(*p));

		if (!p)
			return -ENOMEM;
		v->vma = p;
		*cap = bigger;
	}
	v->vma[v->nvma++] = *m;
	return 0;
}

/* The mappings to draw: the snapshot's, clipped to its range, or made up from its records. */
static int collect_vmas(struct map_view *v, const struct snapshot *s)
{
	uint64_t lo = s->start & ~(uint64_t)(PAGE_BYTES - 1);
	uint64_t hi = s->end && s->end < UINT64_MAX - PAGE_BYTES ?
			      (s->end + PAGE_BYTES - 1) & ~(uint64_t)(PAGE_BYTES - 1) :
			      UINT64_MAX & ~(uint64_t)(PAGE_BYTES - 1);
	struct map_vma m;
	size_t i, cap = 0;

	for (i = 0; s->has_vmas && i < s->nvma; i++) {
		memset(&m, 0, sizeof(m));
		m.start = s->vma[i].start > lo ? s->vma[i].start : lo;
		m.end = s->vma[i].end < hi ? s->vma[i].end : hi;
		if (m.start >= m.end)
			continue;
		m.flags = s->vma[i].flags;
		m.backing = s->vma[i].backing;
		m.name = s->vma[i].name;
		m.known = true;
		if (add_vma(v, &cap, &m))
			return -ENOMEM;
	}
	/* Format 1 files list no mappings: each stretch of adjacent records stands for one. */
	for (i = 0; !s->has_vmas && i < s->n; i++) {
		if (v->nvma && s->rec[i].addr <= v->vma[v->nvma - 1].end) {
			if (rec_end(&s->rec[i]) > v->vma[v->nvma - 1].end)
				v->vma[v->nvma - 1].end = rec_end(&s->rec[i]);
			continue;
		}
		memset(&m, 0, sizeof(m));
		m.start = s->rec[i].addr;
		m.end = rec_end(&s->rec[i]);
		m.name = "";
		if (add_vma(v, &cap, &m))
			return -ENOMEM;
	}
	return 0;
}

int cli_map_view_init(struct map_view *v, const struct snapshot *s)
{
	size_t i, r = 0, k;
	unsigned int st;

	memset(v, 0, sizeof(*v));
	v->snap = s;
	if (collect_vmas(v, s)) {
		cli_map_view_free(v);
		return -ENOMEM;
	}
	for (i = 0; i < v->nvma; i++) {
		struct map_vma *m = &v->vma[i];
		uint64_t pages = (m->end - m->start) / PAGE_BYTES, covered = 0;

		while (r < s->n && rec_end(&s->rec[r]) <= m->start)
			r++;
		m->first = r;
		for (k = r; k < s->n && s->rec[k].addr < m->end; k++) {
			uint64_t n =
				overlap(s->rec[k].addr, rec_end(&s->rec[k]), m->start, m->end) /
				PAGE_BYTES;

			n = n < pages - covered ? n : pages - covered; /* overlapping records */
			m->pages[cli_map_state_of(&s->rec[k])] += n;
			covered += n;
		}
		m->last = k;
		m->pages[MAP_NOT_PRESENT] += pages - covered;
		for (st = 0; st < MAP_STATES; st++)
			v->pages[st] += m->pages[st];
		v->total += pages;
	}
	return 0;
}

void cli_map_view_free(struct map_view *v)
{
	free(v->vma);
	memset(v, 0, sizeof(*v));
}

void cli_map_cells(const struct map_view *v, const struct map_vma *vma, unsigned int ncells,
		   unsigned char *out)
{
	const struct snapshot *s = v->snap;
	uint64_t pages = (vma->end - vma->start) / PAGE_BYTES;
	size_t k = vma->first;
	unsigned int c, st;

	for (c = 0; c < ncells; c++) {
		uint64_t p0 = (uint64_t)((unsigned __int128)pages * c / ncells);
		uint64_t p1 = (uint64_t)((unsigned __int128)pages * (c + 1) / ncells);
		uint64_t a0 = vma->start + p0 * PAGE_BYTES, a1 = vma->start + p1 * PAGE_BYTES;
		uint64_t count[MAP_STATES] = { 0 }, covered = 0;
		size_t j;
		unsigned int best = MAP_NOT_PRESENT;

		while (k < vma->last && rec_end(&s->rec[k]) <= a0)
			k++;
		for (j = k; j < vma->last && s->rec[j].addr < a1; j++) {
			uint64_t n =
				overlap(s->rec[j].addr, rec_end(&s->rec[j]), a0, a1) / PAGE_BYTES;

			n = n < p1 - p0 - covered ? n : p1 - p0 - covered;
			count[cli_map_state_of(&s->rec[j])] += n;
			covered += n;
		}
		count[MAP_NOT_PRESENT] += p1 - p0 - covered;
		for (st = 0; st < MAP_STATES; st++)
			if (count[st] > count[best] ||
			    (count[st] == count[best] &&
			     cli_map_tie_rank[st] > cli_map_tie_rank[best]))
				best = st;
		out[c] = (unsigned char)best;
	}
}

const struct map_vma *cli_map_vma_at(const struct map_view *v, uint64_t addr)
{
	size_t lo = 0, hi = v->nvma;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v->vma[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v->nvma && v->vma[lo].start <= addr ? &v->vma[lo] : NULL;
}

/* A run of frames of one view, for finding the other view's frames among them. */
struct frame_run {
	uint64_t pfn, pages, addr;
	uint32_t cow;
};

static int by_pfn(const void *x, const void *y)
{
	const struct frame_run *a = x, *b = y;

	return a->pfn < b->pfn ? -1 : a->pfn > b->pfn;
}

static enum map_share share_kind(uint32_t cow_a, uint32_t cow_b)
{
	if (cow_a == PTSCOPE_COW_SHARED || cow_b == PTSCOPE_COW_SHARED ||
	    cow_a == PTSCOPE_COW_KSM || cow_b == PTSCOPE_COW_KSM)
		return MAP_SHARE_COW;
	if (cow_a == PTSCOPE_COW_SHARED_MAPPING || cow_b == PTSCOPE_COW_SHARED_MAPPING)
		return MAP_SHARE_MAPPING;
	return MAP_SHARE_OTHER;
}

/* Emit @l, or grow the pending run @run with it; 0 or what @fn returned. */
static int link_add(struct map_link *run, const struct map_link *l, map_link_fn fn, void *arg)
{
	int ret = 0;

	if (run->pages && run->kind == l->kind &&
	    run->a_addr + run->pages * PAGE_BYTES == l->a_addr &&
	    run->b_addr + run->pages * PAGE_BYTES == l->b_addr) {
		run->pages += l->pages;
		return 0;
	}
	if (run->pages)
		ret = fn(run, arg);
	*run = *l;
	return ret;
}

int cli_map_links(const struct map_view *a, const struct map_view *b, map_link_fn fn, void *arg)
{
	const struct snapshot *sa = a->snap, *sb = b->snap;
	struct frame_run *runs = NULL;
	struct map_link run = { 0 };
	uint64_t longest = 0;
	size_t i, n = 0, lo, hi;
	int ret = 0;

	for (i = 0; i < sb->n; i++)
		if (cli_frame_shareable(&sb->rec[i]) < 0)
			return -EPERM;
	runs = malloc((sa->n ? sa->n : 1) * sizeof(*runs));
	if (!runs)
		return -ENOMEM;
	for (i = 0; i < sa->n; i++) {
		const struct ptscope_page *pg = &sa->rec[i];

		ret = cli_frame_shareable(pg);
		if (ret < 0)
			goto out;
		if (ret)
			runs[n++] = (struct frame_run){ pg->pfn, pg->nr_pages, pg->addr, pg->cow };
		longest = pg->nr_pages > longest && ret ? pg->nr_pages : longest;
	}
	ret = 0;
	qsort(runs, n, sizeof(*runs), by_pfn);
	for (i = 0; !ret && i < sb->n; i++) {
		const struct ptscope_page *pg = &sb->rec[i];
		uint64_t from = pg->pfn > longest ? pg->pfn - longest : 0;

		if (!cli_frame_shareable(pg))
			continue;
		/* The first of a's runs that could reach pg's frames. */
		for (lo = 0, hi = n; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;

			if (runs[mid].pfn < from)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; !ret && lo < n && runs[lo].pfn < pg->pfn + pg->nr_pages; lo++) {
			const struct frame_run *r = &runs[lo];
			uint64_t p0 = r->pfn > pg->pfn ? r->pfn : pg->pfn;
			uint64_t p1 = r->pfn + r->pages < pg->pfn + pg->nr_pages ?
					      r->pfn + r->pages :
					      pg->pfn + pg->nr_pages;
			struct map_link l;

			if (p1 <= p0)
				continue;
			l.a_addr = r->addr + (p0 - r->pfn) * PAGE_BYTES;
			l.b_addr = pg->addr + (p0 - pg->pfn) * PAGE_BYTES;
			l.pages = p1 - p0;
			l.kind = share_kind(r->cow, pg->cow);
			ret = link_add(&run, &l, fn, arg);
		}
	}
	if (!ret && run.pages)
		ret = fn(&run, arg);
out:
	free(runs);
	return ret;
}

void cli_map_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	uint64_t div = 1;

	while (u < 6 && bytes / div >= 1024) {
		div *= 1024;
		u++;
	}
	if (bytes % div == 0)
		snprintf(buf, len, "%" PRIu64 " %s", bytes / div, units[u]);
	else if ((double)bytes / (double)div >= 1023.95 && u < 6) /* would print as 1024.0 */
		snprintf(buf, len, "1.0 %s", units[u + 1]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / (double)div, units[u]);
}

const char *cli_map_short_name(const struct map_vma *vma)
{
	const char *slash;

	if (!vma->known)
		return "?";
	if (!*vma->name)
		return "[anon]";
	slash = strrchr(vma->name, '/');
	return vma->name[0] == '/' && slash && slash[1] ? slash + 1 : vma->name;
}

void cli_map_perms(const struct map_vma *vma, char out[5])
{
	if (vma->known)
		cli_vma_perms(vma->flags, out);
	else
		memcpy(out, "????", 5);
}
