// SPDX-License-Identifier: LGPL-2.1-or-later
/* WALK: stream the records of a range of a process's page tables. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "uapi/ptscope.h"

static const char *const state_names[] = PTSCOPE_STATE_NAMES;
static const char *const kind_names[] = PTSCOPE_KIND_NAMES;
static const char *const cache_names[] = PTSCOPE_CACHE_NAMES;
static const char *const page_flag_names[] = PTSCOPE_PAGE_NAMES;
static const char *const cow_names[] = PTSCOPE_COW_NAMES;
static const char *const cow_actions[] = {
	[PTSCOPE_COW_UNMAPPED] = "faults the page in first",
	[PTSCOPE_COW_WRITABLE] = "writes in place",
	[PTSCOPE_COW_SHARED] = "copies the frame",
	[PTSCOPE_COW_REUSABLE] = "reuses the frame, no copy",
	[PTSCOPE_COW_ZERO] = "allocates a fresh frame",
	[PTSCOPE_COW_FILE] = "copies the file's page",
	[PTSCOPE_COW_KSM] = "copies the merged frame",
	[PTSCOPE_COW_SHARED_MAPPING] = "writes in place, seen by every sharer",
	[PTSCOPE_COW_READ_ONLY] = "faults: SIGSEGV",
	[PTSCOPE_COW_UFFD_WP] = "wakes the userfaultfd handler",
	[PTSCOPE_COW_OTHER] = "unknown",
	[PTSCOPE_COW_MAY_COPY] =
		"reuses the frame if the fault can drop the other reference, else copies",
};

_Static_assert(__PTSCOPE_COW_COUNT <= PTSCOPE_COW_STATES, "PTSCOPE_COW_STATES too small");
_Static_assert(sizeof(cow_actions) / sizeof(cow_actions[0]) == __PTSCOPE_COW_COUNT,
	       "a COW state without an action");

const char *ptscope_cow_name(unsigned int cow)
{
	return PTS_NAME(cow_names, cow);
}

const char *ptscope_cow_action(unsigned int cow)
{
	return PTS_NAME(cow_actions, cow);
}

const char *ptscope_state_name(unsigned int state)
{
	return PTS_NAME(state_names, state);
}

const char *ptscope_kind_name(unsigned int kind)
{
	return PTS_NAME(kind_names, kind);
}

const char *ptscope_cache_name(unsigned int cache)
{
	return PTS_NAME(cache_names, cache);
}

const char *ptscope_page_flag_name(unsigned int bit)
{
	return PTS_NAME(page_flag_names, bit);
}

struct walk_ctx {
	ptscope_page_fn fn;
	void *arg;
	uint32_t fields; /* PTSCOPE_FIELD_* the caller asked for */
	bool sent_fields; /* PTSCOPE_A_WALK_FIELDS went with the request */
	uint64_t delivered; /* records handed to fn */
	bool expand; /* the caller wants leaves, the kernel sends runs */
	unsigned int page_shift; /* the kernel's PAGE_SIZE, in which records count */
	bool place_here; /* PTSCOPE_WALK_PLACEMENT: nodes the module withholds, asked here */
	uint32_t pid;
};

/*
 * Leave only the field groups asked for (enum ptscope_field), where the
 * source gave more: a module older than PTSCOPE_A_WALK_FIELDS, or procfs.
 */
void pts_drop_fields(struct ptscope_page *pg, uint32_t fields)
{
	if (!(fields & PTSCOPE_FIELD_FRAME)) {
		pg->kind = 0;
		pg->pflags = 0;
		pg->has_page = 0;
		pg->mapcount = 0;
		pg->refcount = 0;
		pg->has_pincount = 0;
		pg->pincount = 0;
		pg->has_res = 0;
		pg->res_flags = 0;
		pg->res_desc = 0;
		pg->unknown &= ~(PTSCOPE_UNKNOWN_KIND | PTSCOPE_UNKNOWN_PFLAGS |
				 PTSCOPE_UNKNOWN_REFCOUNT | PTSCOPE_UNKNOWN_MAPCOUNT |
				 PTSCOPE_UNKNOWN_PINCOUNT | PTSCOPE_UNKNOWN_MAPPED_ONCE);
	}
	if (!(fields & PTSCOPE_FIELD_COW)) {
		pg->cow = 0;
		pg->unknown &= ~PTSCOPE_UNKNOWN_COW;
	}
	if (!(fields & PTSCOPE_FIELD_PLACE)) {
		pg->has_nid = 0;
		pg->nid = 0;
		pg->has_memcg = 0;
		pg->memcg = 0;
		pg->place = 0;
		pg->unknown &= ~(PTSCOPE_UNKNOWN_NID | PTSCOPE_UNKNOWN_MEMCG);
	}
	pg->fields = fields;
}

/* struct ptscope_page_rec as the kernel sent it, into the library's record. */
static void unpack_page(const struct ptscope_page_rec *r, struct ptscope_page *pg,
			const struct walk_ctx *c)
{
	memset(pg, 0, sizeof(*pg));
	pg->fields = c->fields;
	pg->addr = r->addr;
	pg->nr_pages = r->nr_pages;
	pg->level = r->level;
	pg->state = r->state;
	pg->entry = r->entry;
	pg->flags = r->flags;
	pg->has_pfn = !!(r->has & PTSCOPE_REC_HAS_PFN);
	pg->pfn = r->pfn;
	pg->cache = r->cache;
	pg->kind = r->kind;
	pg->pflags = r->pflags;
	pg->has_page = !!(r->has & PTSCOPE_REC_HAS_PAGE);
	pg->mapcount = r->mapcount;
	pg->refcount = r->refcount;
	pg->swap_type = r->swap_type;
	pg->swap_offset = r->swap_offset;
	pg->cow = r->cow;
	pg->pkey = r->pkey;
	pg->cont_order = r->cont_order;
	pg->has_pincount = !!(r->has & PTSCOPE_REC_HAS_PINCOUNT);
	pg->pincount = r->pincount;
	pg->has_res = !!(r->has & PTSCOPE_REC_HAS_RES);
	pg->res_flags = r->res_flags;
	pg->res_desc = r->res_desc;
	pg->has_nid = !!(r->has & PTSCOPE_REC_HAS_NID);
	pg->nid = r->nid;
	pg->has_memcg = !!(r->has & PTSCOPE_REC_HAS_MEMCG);
	pg->memcg = r->memcg;
	pg->place = r->place;
	if (!c->sent_fields && (c->fields & PTSCOPE_FIELDS_DEFAULT) != PTSCOPE_FIELDS_DEFAULT)
		pts_drop_fields(pg, c->fields);
}

/*
 * A leaf's size in pages at @level, for pages of 1 << @shift bytes whose
 * tables hold a page of 8-byte entries each (512 with 4 KiB pages, 2048
 * with 16 KiB); 0 for levels that never map a page.
 */
static uint64_t leaf_pages(unsigned int level, unsigned int shift)
{
	uint64_t entries = 1ULL << (shift - 3);

	switch (level) {
	case PTSCOPE_LEVEL_PTE:
		return 1;
	case PTSCOPE_LEVEL_PMD:
		return entries;
	case PTSCOPE_LEVEL_PUD:
		return entries * entries;
	default:
		return 0;
	}
}

/*
 * A run back into the leaves it joined: a per-page walk asks the kernel for
 * runs, which carry the same facts in a fraction of the records (see
 * entry_step in the UAPI header), and hands its caller one record per leaf.
 */
static int expand_run(const struct ptscope_page *run, uint64_t entry_step, int hidden,
		      struct walk_ctx *c)
{
	const unsigned int shift = c->page_shift;
	uint64_t leaf = leaf_pages(run->level, shift) << run->cont_order << shift;
	uint64_t end = run->addr + (run->nr_pages << shift), addr, next, k, delta;
	struct ptscope_page pg = *run;
	int ret;

	if (run->state == PTSCOPE_STATE_NONE || !leaf || run->nr_pages << shift <= leaf)
		return c->fn(run, c->arg);
	for (k = 0, addr = run->addr; addr < end; k++, addr = next) {
		/* Leaves are a power of two in size, and aligned: no division per page. */
		next = (addr & ~(leaf - 1)) + leaf;
		if (next > end)
			next = end;
		delta = (addr - run->addr) >> shift;
		pg.addr = addr;
		pg.nr_pages = (next - addr) >> shift;
		pg.entry = run->entry + k * entry_step;
		if (run->has_pfn && !hidden)
			pg.pfn = run->pfn + delta;
		/* Hidden from this caller: swap slots as much as frames. */
		if (run->state == PTSCOPE_STATE_SWAP && !hidden)
			pg.swap_offset = run->swap_offset + delta;
		ret = c->fn(&pg, c->arg);
		if (ret)
			return ret;
	}
	return 0;
}

/* One record to the caller: as it is, or expanded into its leaves. */
static int deliver(const struct ptscope_page *pg, uint64_t entry_step, int hidden,
		   struct walk_ctx *c)
{
	c->delivered++;
	return c->expand ? expand_run(pg, entry_step, hidden, c) : c->fn(pg, c->arg);
}

/*
 * The node of each leaf of a present record the module gave without one:
 * it tells a caller without CAP_SYS_ADMIN no node, since move_pages(2) has
 * its own rule (ptrace read access with real credentials, and the security
 * modules' task_movememory hook) that a module cannot ask. The kernel
 * answers here, under that rule, for the caller; the record is cut where
 * the node changes (a refusal leaves the nodes unknown, as before).
 */
static int deliver_placed(const struct ptscope_page *run, uint64_t entry_step, struct walk_ctx *c)
{
	const unsigned int shift = c->page_shift;
	uint64_t leaf = leaf_pages(run->level, shift) << run->cont_order, k, i, n;
	uint64_t nleaves, first;
	struct ptscope_page part = *run;
	void *addrs[256];
	int status[256], ret, node = -1;

	if (!leaf)
		leaf = 1;
	/* Leaves may start before the record (a range starting inside a huge leaf). */
	first = run->addr >> shift;
	nleaves = (first + run->nr_pages + leaf - 1) / leaf - first / leaf;
	part.nr_pages = 0;
	for (k = 0; k < nleaves; k += n) {
		n = nleaves - k < 256 ? nleaves - k : 256;
		for (i = 0; i < n; i++) {
			uint64_t page = (first / leaf + k + i) * leaf;

			addrs[i] = (void *)(uintptr_t)((page > first ? page : first) << shift);
		}
		pts_page_nodes(c->pid, addrs, n, status);
		for (i = 0; i < n; i++) {
			uint64_t from = (uintptr_t)addrs[i] >> shift;
			uint64_t to = (first / leaf + k + i + 1) * leaf;

			to = to < first + run->nr_pages ? to : first + run->nr_pages;
			if (part.nr_pages && status[i] != node) {
				ret = deliver(&part, entry_step, 1, c);
				if (ret)
					return ret;
				part.nr_pages = 0;
			}
			if (!part.nr_pages) {
				part.addr = from << shift;
				part.has_nid = status[i] >= 0;
				part.nid = status[i] >= 0 ? (uint32_t)status[i] : 0;
				node = status[i];
			}
			part.nr_pages += to - from;
		}
	}
	return part.nr_pages ? deliver(&part, entry_step, 1, c) : 0;
}

/* Records in PTSCOPE_A_PAGE_RECS, @size bytes apart (see the UAPI header). */
static int on_page_recs(struct nlattr *a, uint32_t size, struct walk_ctx *c)
{
	const char *p = nla_data(a);
	uint32_t len = (uint32_t)nla_len(a), off;
	size_t take = size < sizeof(struct ptscope_page_rec) ? size :
							       sizeof(struct ptscope_page_rec);
	struct ptscope_page_rec r;
	struct ptscope_page pg;
	int ret;

	/* Records at least as long as the first layout; later fields read as 0. */
	if (size < offsetof(struct ptscope_page_rec, memcg) || len % size)
		return pts_fail(-EPROTO, "malformed page records in WALK reply (%u bytes of %u)",
				len, size);
	memset(&r, 0, sizeof(r));
	for (off = 0; off < len; off += size) {
		memcpy(&r, p + off, take);
		unpack_page(&r, &pg, c);
		if (c->place_here && pg.state == PTSCOPE_STATE_PRESENT &&
		    (r.has & PTSCOPE_REC_PHYS_HIDDEN) && !pg.has_nid)
			ret = deliver_placed(&pg, r.entry_step, c);
		else
			ret = deliver(&pg, r.entry_step, r.has & PTSCOPE_REC_PHYS_HIDDEN, c);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * One reply message. The library always asks for PTSCOPE_WALK_PACKED, and a
 * module that takes the flag answers with packed records only: the nests
 * of PTSCOPE_A_PAGE (for older clients) never come here.
 */
static int on_walk_msg(struct nlmsghdr *nlh, void *arg)
{
	struct walk_ctx *c = arg;
	uint32_t size = 0;
	struct nlattr *a;
	int rem, ret;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		switch (nla_type(a)) {
		case PTSCOPE_A_PAGE_REC_SIZE:
			if (nla_len(a) != sizeof(uint32_t))
				return pts_fail(-EPROTO, "malformed record size in WALK reply");
			size = nla_get_u32(a);
			ret = 0;
			break;
		case PTSCOPE_A_PAGE_RECS:
			if (!size)
				return pts_fail(-EPROTO,
						"WALK reply has records but no record size");
			ret = on_page_recs(a, size, c);
			break;
		default:
			ret = 0; /* unknown to this library: skip */
		}
		if (ret)
			return ret;
	}
	return 0;
}

int pts_parse_walk_pages(struct nlmsghdr *nlh, int expand, unsigned int page_shift,
			 ptscope_page_fn fn, void *arg)
{
	struct walk_ctx c = { .fn = fn,
			      .arg = arg,
			      .expand = expand,
			      .page_shift = page_shift,
			      .fields = PTSCOPE_FIELDS_ALL };

	return on_walk_msg(nlh, &c);
}

int pts_parse_walk(struct nlmsghdr *nlh, int expand, ptscope_page_fn fn, void *arg)
{
	return pts_parse_walk_pages(nlh, expand, 12, fn, arg);
}

struct walk_range {
	uint64_t start, end; /* end 0: to the top */
	uint32_t flags;
	uint32_t fields; /* 0: PTSCOPE_A_WALK_FIELDS not sent */
};

static int put_range(struct nl_msg *msg, const void *arg)
{
	const struct walk_range *r = arg;

	if (nla_put_u64(msg, PTSCOPE_A_START, r->start) < 0 ||
	    (r->end && nla_put_u64(msg, PTSCOPE_A_END, r->end) < 0) ||
	    (r->fields && nla_put_u32(msg, PTSCOPE_A_WALK_FIELDS, r->fields) < 0))
		return -ENOMEM;
	return nla_put_u32(msg, PTSCOPE_A_WALK_FLAGS, r->flags) < 0 ? -ENOMEM : 0;
}

int ptscope_walk(struct ptscope *h, uint32_t pid, uint64_t start, uint64_t end, unsigned int flags,
		 ptscope_page_fn fn, void *arg)
{
	return ptscope_walk_fields(h, pid, start, end, flags, 0, fn, arg);
}

int ptscope_walk_fields(struct ptscope *h, uint32_t pid, uint64_t start, uint64_t end,
			unsigned int flags, uint32_t fields, ptscope_page_fn fn, void *arg)
{
	/* Per-page walks travel as runs and are expanded here (expand_run). */
	struct walk_ctx c = {
		.fn = fn, .arg = arg, .expand = !(flags & PTSCOPE_WALK_RUNS), .pid = pid
	};
	struct walk_range r = { start, end, 0, 0 };
	struct ptscope_machine m;
	int ret, proof = -1;

	if (fields & ~PTSCOPE_FIELDS_ALL)
		return pts_fail(-EINVAL, "unknown field groups 0x%x (PTSCOPE_FIELD_*)",
				fields & ~PTSCOPE_FIELDS_ALL);
	fields = (fields ? fields : PTSCOPE_FIELDS_DEFAULT) | PTSCOPE_FIELD_ENTRY;
	if (flags & PTSCOPE_WALK_PLACEMENT)
		fields |= PTSCOPE_FIELD_PLACE;
	if (fields & PTSCOPE_FIELD_PLACE)
		flags |= PTSCOPE_WALK_PLACEMENT;
	c.fields = fields;
	c.place_here = fields & PTSCOPE_FIELD_PLACE;
	if (h->source == PTSCOPE_SOURCE_PROCFS)
		return pts_procfs_walk(h, pid, start, end, flags, fields, fn, arg);
	r.flags = flags | PTSCOPE_WALK_RUNS | PTSCOPE_WALK_PACKED;
	/* Modules before the attribute know only the default (and placement). */
	if ((fields & PTSCOPE_FIELDS_DEFAULT) != PTSCOPE_FIELDS_DEFAULT && !h->no_walk_fields)
		r.fields = fields;
	c.sent_fields = r.fields != 0;
	/* Expanding runs (and placing leaves) needs the kernel's page size: asked once. */
	if ((c.expand || c.place_here) && !h->page_shift) {
		ret = ptscope_get_machine(h, &m);
		if (ret)
			return ret;
	}
	c.page_shift = h->page_shift ? h->page_shift : 12;

	ret = pts_transact_pid_kept(h, PTSCOPE_CMD_WALK, NLM_F_DUMP, pid, &proof, put_range, &r,
				    "WALK", on_walk_msg, &c);
	/*
	 * A module older than the attribute refuses it, before any reply, as
	 * strict validation refuses every attribute beyond its policy (with
	 * this message since 5.2): ask again for everything, about the same
	 * process (the proof kept), and leave out here what was not asked.
	 */
	if (ret == -EINVAL && c.sent_fields && !c.delivered &&
	    strstr(ptscope_errmsg(), "Unknown attribute type")) {
		h->no_walk_fields = true;
		r.fields = 0;
		c.sent_fields = false;
		ret = pts_transact_pid_kept(h, PTSCOPE_CMD_WALK, NLM_F_DUMP, pid, &proof, put_range,
					    &r, "WALK", on_walk_msg, &c);
	}
	if (proof >= 0)
		close(proof);
	return ret;
}
