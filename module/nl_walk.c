// SPDX-License-Identifier: GPL-2.0
/*
 * WALK and GET_VMAS: dumps over a target's address space, chunk by chunk,
 * each message taking the mmap lock anew (see walk.c and vmas.c).
 */
#include <linux/cred.h>
#include <linux/sched/mm.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "arch.h"
#include "compat.h"
#include "nl.h"

const struct nla_policy ptscope_walk_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_START] = { .type = NLA_U64 },
	[PTSCOPE_A_END] = { .type = NLA_U64 },
	[PTSCOPE_A_WALK_FLAGS] = NLA_POLICY_MASK(NLA_U32, PTSCOPE_WALK_RUNS |
							    PTSCOPE_WALK_SKIP_NONE |
							    PTSCOPE_WALK_PACKED |
							    PTSCOPE_WALK_PLACEMENT),
	[PTSCOPE_A_PAGEMAP_FD] = NLA_POLICY_FULL_RANGE(NLA_U32, &ptscope_pagemap_fd_range),
	[PTSCOPE_A_WALK_FIELDS] = NLA_POLICY_MASK(NLA_U32, PTSCOPE_FIELDS_ALL),
};

/* Where a WALK dump stands between messages: all of it lives in cb->ctx. */
struct walk_cursor {
	struct mm_struct *mm;	/* mmgrab()bed in start, dropped in done */
	u64 next;
	u64 end;
	u32 flags;
	u32 fields;		/* PTSCOPE_FIELD_*, the entry group always among them */
	bool see_phys;
	int err;		/* a refusal .start could not report itself */
	const char *err_msg;	/* its static message */
};

/* The user range of a request: [START, END) page-aligned, END defaulting to the top. */
static int parse_range(struct nlattr **attrs, struct netlink_ext_ack *extack,
		       u64 *start, u64 *end)
{
	u64 top = ptscope_arch_user_addr_max();

	*start = attrs[PTSCOPE_A_START] ? nla_get_u64(attrs[PTSCOPE_A_START]) : 0;
	*end = attrs[PTSCOPE_A_END] ? nla_get_u64(attrs[PTSCOPE_A_END]) : top;
	if (*end > top) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[PTSCOPE_A_END],
				    "end is beyond the user address space (see user_addr_max in ptscope info)");
		return -EINVAL;
	}
	if (*start >= *end) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[PTSCOPE_A_START],
				    "empty or inverted range: start must be below end");
		return -EINVAL;
	}
	*start = round_down(*start, PAGE_SIZE);
	*end = round_up(*end, PAGE_SIZE);
	return 0;
}

int ptscope_nl_dump_target(struct netlink_callback *cb, struct netlink_ext_ack *extack,
			   struct mm_struct **mm, bool *see_phys, u64 *start, u64 *end)
{
	struct nlattr **attrs = ptscope_dump_attrs(cb);
	struct ptscope_target target;
	int ret;

	if (!attrs[PTSCOPE_A_PID]) {
		NL_SET_ERR_MSG(extack, "PTSCOPE_A_PID is required");
		return -EINVAL;
	}
	ret = parse_range(attrs, extack, start, end);
	if (ret)
		return ret;
	/* .start runs in the sender's sendmsg(): its descriptors are current's. */
	ret = ptscope_target_get(nla_get_u32(attrs[PTSCOPE_A_PID]), ptscope_nl_pagemap_fd(attrs),
				 netlink_capable(cb->skb, CAP_SYS_ADMIN), &target, extack);
	if (ret)
		return ret;
	/* Keep the mm_struct, not the address space: an exit can still proceed. */
	mmgrab(target.mm);
	*mm = target.mm;
	*see_phys = target.see_phys;
	ptscope_target_put(&target);
	return 0;
}

static int walk_start(struct netlink_callback *cb, struct netlink_ext_ack *extack)
{
	struct walk_cursor *c = (struct walk_cursor *)cb->ctx;
	struct nlattr **attrs = ptscope_dump_attrs(cb);
	int ret;

	ret = ptscope_nl_dump_target(cb, extack, &c->mm, &c->see_phys, &c->next, &c->end);
	if (ret)
		return ret;
	if (attrs[PTSCOPE_A_WALK_FLAGS])
		c->flags = nla_get_u32(attrs[PTSCOPE_A_WALK_FLAGS]);
	/* Placement is a field group too; either way of asking gives it. */
	c->fields = attrs[PTSCOPE_A_WALK_FIELDS] ? nla_get_u32(attrs[PTSCOPE_A_WALK_FIELDS]) : 0;
	c->fields = c->fields ? c->fields | PTSCOPE_FIELD_ENTRY : PTSCOPE_FIELDS_DEFAULT;
	if (c->flags & PTSCOPE_WALK_PLACEMENT)
		c->fields |= PTSCOPE_FIELD_PLACE;
	return 0;
}

/*
 * Until genetlink handed the request's extack to .start (6.1 keeps it in
 * its own start context; cb->extack is NULL there), a message set in
 * .start is lost. Then the refusal waits in the cursor for the first
 * .dumpit, which has an extack, and arrives in NLMSG_DONE. Messages on such
 * kernels are static strings (PTSCOPE_ERR_FMT's fallback), safe to keep.
 */
int ptscope_nl_start_or_defer(struct netlink_callback *cb,
			      int (*start)(struct netlink_callback *cb,
					   struct netlink_ext_ack *extack),
			      int *err, const char **err_msg, const char *refused)
{
	struct netlink_ext_ack local = { };
	int ret = start(cb, cb->extack ?: &local);

	if (!ret || cb->extack)
		return ret;
	*err = ret;
	*err_msg = local._msg;
	if ((const char *)*err_msg >= (const char *)&local &&
	    (const char *)*err_msg < (const char *)(&local + 1))
		*err_msg = refused;	/* formatted on our stack */
	return 0;
}

int ptscope_nl_walk_start(struct netlink_callback *cb)
{
	struct walk_cursor *c = (struct walk_cursor *)cb->ctx;

	BUILD_BUG_ON(sizeof(*c) > sizeof(cb->ctx));
	memset(c, 0, sizeof(*c));
	return ptscope_nl_start_or_defer(cb, walk_start, &c->err, &c->err_msg, "WALK refused");
}

int ptscope_nl_walk_done(struct netlink_callback *cb)
{
	struct walk_cursor *c = (struct walk_cursor *)cb->ctx;

	if (c->mm)
		mmdrop(c->mm);
	c->mm = NULL;
	return 0;
}

struct walk_out {
	struct sk_buff *skb;
	struct nlattr *recs;	/* PTSCOPE_A_PAGE_RECS being filled (packed) */
	bool see_phys;
};

/* One record appended to PTSCOPE_A_PAGE_RECS (PTSCOPE_WALK_PACKED). */
static int walk_emit_packed(struct ptscope_walk *w, const struct ptscope_page *record)
{
	struct walk_out *out = w->ctx;
	const struct ptscope_page *pg = record;	/* hidden by the walk where it must be */
	struct ptscope_page_rec r __uninitialized;	/* every byte is assigned below */
	bool present;

	/* No padding for the stack's old contents to hide in (it goes to user space). */
	BUILD_BUG_ON(sizeof(r) != 14 * sizeof(u64));
	BUILD_BUG_ON(offsetof(struct ptscope_page_rec, memcg) != 12 * sizeof(u64) ||
		     offsetof(struct ptscope_page_rec, nid) != 13 * sizeof(u64) ||
		     offsetof(struct ptscope_page_rec, place) != 13 * sizeof(u64) + sizeof(u32));

	/* nla_len is 16 bits: a message's records end before it overflows. */
	if (skb_tailroom(out->skb) < sizeof(r) ||
	    skb_tail_pointer(out->skb) + sizeof(r) - (unsigned char *)out->recs > U16_MAX)
		return -EMSGSIZE;
	present = pg->state == PTSCOPE_STATE_PRESENT;
	/* Every field assigned: no memset of the record for every page. */
	r.addr = pg->addr;
	r.nr_pages = pg->nr_pages;
	r.pfn = pg->has_pfn ? pg->pfn : 0;
	r.entry = pg->entry;
	r.flags = pg->flags;
	r.swap_offset = pg->state == PTSCOPE_STATE_SWAP ? pg->swap_offset : 0;
	r.res_flags = pg->has_res ? pg->res_flags : 0;
	r.pflags = present ? pg->pflags : 0;
	r.mapcount = pg->has_page ? pg->mapcount : 0;
	r.refcount = pg->has_page ? pg->refcount : 0;
	r.pincount = pg->has_pincount ? pg->pincount : 0;
	r.res_desc = pg->has_res ? pg->res_desc : 0;
	r.swap_type = pg->state == PTSCOPE_STATE_SWAP ? pg->swap_type : 0;
	r.level = pg->level;
	r.state = pg->state;
	r.kind = present ? pg->kind : 0;
	r.cache = present ? pg->cache : 0;
	r.cow = pg->cow;
	r.pkey = present ? pg->pkey : 0;
	r.has = (pg->has_pfn ? PTSCOPE_REC_HAS_PFN : 0) |
		(pg->has_page ? PTSCOPE_REC_HAS_PAGE : 0) |
		(pg->has_pincount ? PTSCOPE_REC_HAS_PINCOUNT : 0) |
		(pg->has_res ? PTSCOPE_REC_HAS_RES : 0) |
		(out->see_phys ? 0 : PTSCOPE_REC_PHYS_HIDDEN) |
		(pg->has_nid ? PTSCOPE_REC_HAS_NID : 0) |
		(pg->has_memcg ? PTSCOPE_REC_HAS_MEMCG : 0);
	r.cont_order = pg->cont_order;
	r.entry_step = pg->entry_step;
	r.memcg = pg->has_memcg ? pg->memcg : 0;
	r.nid = pg->has_nid ? pg->nid : 0;
	r.place = pg->has_memcg ? pg->place : 0;
	/* The attribute's payload is only 4-byte aligned: copy, never cast. */
	skb_put_data(out->skb, &r, sizeof(r));
	return 0;
}

static int walk_emit(struct ptscope_walk *w, const struct ptscope_page *record)
{
	struct walk_out *out = w->ctx;
	struct sk_buff *skb = out->skb;
	const struct ptscope_page pg = *record;	/* hidden by the walk where it must be */
	struct nlattr *nest;

	nest = nla_nest_start(skb, PTSCOPE_A_PAGE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_ADDR, pg.addr, PTSCOPE_A_PAGE_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_NR_PAGES, pg.nr_pages, PTSCOPE_A_PAGE_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_PAGE_LEVEL, pg.level) ||
	    nla_put_u32(skb, PTSCOPE_A_PAGE_STATE, pg.state) ||
	    ((w->fields & PTSCOPE_FIELD_COW) && nla_put_u32(skb, PTSCOPE_A_PAGE_COW, pg.cow)) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_ENTRY, pg.entry, PTSCOPE_A_PAGE_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_FLAGS, pg.flags, PTSCOPE_A_PAGE_PAD))
		goto cancel;
	if (pg.has_pfn &&
	    nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_PFN, pg.pfn, PTSCOPE_A_PAGE_PAD))
		goto cancel;
	if (pg.state == PTSCOPE_STATE_PRESENT &&
	    (nla_put_u32(skb, PTSCOPE_A_PAGE_CACHE, pg.cache) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_PKEY, pg.pkey)))
		goto cancel;
	if (pg.state == PTSCOPE_STATE_PRESENT && (w->fields & PTSCOPE_FIELD_FRAME) &&
	    (nla_put_u32(skb, PTSCOPE_A_PAGE_KIND, pg.kind) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_PFLAGS, pg.pflags)))
		goto cancel;
	if (pg.has_page &&
	    (nla_put_u32(skb, PTSCOPE_A_PAGE_MAPCOUNT, pg.mapcount) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_REFCOUNT, pg.refcount)))
		goto cancel;
	if (pg.has_pincount && nla_put_u32(skb, PTSCOPE_A_PAGE_PINCOUNT, pg.pincount))
		goto cancel;
	if (pg.cont_order && nla_put_u32(skb, PTSCOPE_A_PAGE_CONT_ORDER, pg.cont_order))
		goto cancel;
	if (pg.has_res &&
	    (nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_RES_FLAGS, pg.res_flags, PTSCOPE_A_PAGE_PAD) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_RES_DESC, pg.res_desc)))
		goto cancel;
	if (pg.state == PTSCOPE_STATE_SWAP &&
	    (nla_put_u32(skb, PTSCOPE_A_PAGE_SWAP_TYPE, pg.swap_type) ||
	     nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_SWAP_OFFSET, pg.swap_offset,
			       PTSCOPE_A_PAGE_PAD)))
		goto cancel;
	if (pg.has_nid && nla_put_u32(skb, PTSCOPE_A_PAGE_NID, pg.nid))
		goto cancel;
	if (pg.has_memcg &&
	    (nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_MEMCG, pg.memcg, PTSCOPE_A_PAGE_PAD) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_PLACE, pg.place)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* See nl.h. */
int ptscope_nl_dump_resume(struct netlink_callback *cb, int err, const char *err_msg,
			   u64 next, u64 end, struct mm_struct *mm, const char *exited)
{
	if (err) {
		ptscope_nl_static_msg(cb, err_msg);
		return err;
	}
	if (next >= end)
		return 0;
	if (!mmget_not_zero(mm)) {
		ptscope_nl_static_msg(cb, exited);
		return -ESRCH;
	}
	return 1;
}

static int dump_resume(struct netlink_callback *cb, struct walk_cursor *c, const char *exited)
{
	return ptscope_nl_dump_resume(cb, c->err, c->err_msg, c->next, c->end, c->mm, exited);
}

int ptscope_nl_walk_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct walk_cursor *c = (struct walk_cursor *)cb->ctx;
	struct walk_out out = { .skb = skb, .see_phys = c->see_phys };
	struct ptscope_walk w = {
		.mm = c->mm,
		.next = c->next,
		.end = c->end,
		.runs = c->flags & PTSCOPE_WALK_RUNS,
		.skip_none = c->flags & PTSCOPE_WALK_SKIP_NONE,
		.hide_phys = !c->see_phys,
		.fields = c->fields,
		.emit = walk_emit,
		.ctx = &out,
	};
	void *hdr;
	int ret;

	ret = dump_resume(cb, c, PTSCOPE_MSG_GONE_WALK);
	if (ret <= 0)
		return ret;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ptscope_genl_family, NLM_F_MULTI, PTSCOPE_CMD_WALK);
	if (!hdr)
		goto full;
	if (c->flags & PTSCOPE_WALK_PACKED) {
		w.emit = walk_emit_packed;
		if (nla_put_u32(skb, PTSCOPE_A_PAGE_REC_SIZE, sizeof(struct ptscope_page_rec)))
			goto cancel;
		out.recs = nla_reserve(skb, PTSCOPE_A_PAGE_RECS, 0);
		if (!out.recs)
			goto cancel;
	}
	ret = ptscope_walk(&w);
	mmput(c->mm);
	if (out.recs)
		out.recs->nla_len = skb_tail_pointer(skb) - (unsigned char *)out.recs;
	if (ret && ret != -EMSGSIZE) {
		genlmsg_cancel(skb, hdr);
		if (ret == -EAGAIN)
			NL_SET_ERR_MSG(cb->extack, PTSCOPE_MSG_UNSETTLED);
		return ret;
	}
	/* -EMSGSIZE: this message is full; w.next is the first record not sent. */
	c->next = ret ? w.next : c->end;
	genlmsg_end(skb, hdr);
	return skb->len;
cancel:
	genlmsg_cancel(skb, hdr);
full:
	mmput(c->mm);
	return -EMSGSIZE;
}

const struct nla_policy ptscope_vmas_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_PAGEMAP_FD] = NLA_POLICY_FULL_RANGE(NLA_U32, &ptscope_pagemap_fd_range),
};

/* PTSCOPE_A_VMA_COW: attribute 1 + state, for the states with pages. */
static int put_cow_counts(struct sk_buff *skb, const struct ptscope_vma *v)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_VMA_COW);
	int state;

	if (!nest)
		return -EMSGSIZE;
	for (state = 0; state < __PTSCOPE_COW_COUNT; state++)
		if (v->cow[state] &&
		    nla_put_u64_64bit(skb, 1 + state, v->cow[state], 0)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_vma(struct sk_buff *skb, const struct ptscope_vma *v)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_VMA);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, PTSCOPE_A_VMA_START, v->start, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_END, v->end, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_FLAGS, v->flags, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_PGOFF, v->pgoff, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_VMA_BACKING, v->backing) ||
	    nla_put_string(skb, PTSCOPE_A_VMA_NAME, v->name) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_INODE, v->inode, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_PRESENT, v->present, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_ZERO, v->zero, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_SWAPPED, v->swapped, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_HUGE, v->huge, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_DIRTY, v->dirty, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_SOFT_DIRTY, v->soft_dirty,
			      PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_PINNED, v->pinned, PTSCOPE_A_VMA_PAD) ||
	    put_cow_counts(skb, v))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * GET_VMAS shares WALK's cursor, start and done: the same target, the
 * range defaulting to the whole user address space.
 */
int ptscope_nl_vmas_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct walk_cursor *c = (struct walk_cursor *)cb->ctx;
	unsigned int sent = 0;
	struct ptscope_vma v;
	char *name;
	void *hdr;
	int ret;

	ret = dump_resume(cb, c, PTSCOPE_MSG_GONE_MAPS);
	if (ret <= 0)
		return ret;
	ret = 0;
	name = kmalloc(PATH_MAX, GFP_KERNEL);
	hdr = name ? genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				 &ptscope_genl_family, NLM_F_MULTI, PTSCOPE_CMD_GET_VMAS) : NULL;
	if (!hdr) {
		ret = name ? -EMSGSIZE : -ENOMEM;
		goto out;
	}
	while (c->next < c->end) {
		ret = ptscope_vma_describe(c->mm, c->next, !c->see_phys, &v, name);
		if (ret == -ENOENT) {
			c->next = c->end;
			ret = 0;
			break;
		}
		if (ret)
			break;
		if (put_vma(skb, &v)) {
			/* Full: this VMA opens the next message (recounted then). */
			ret = sent ? 0 : -EMSGSIZE;
			break;
		}
		sent++;
		c->next = v.end;
	}
	if (ret) {
		genlmsg_cancel(skb, hdr);
		if (ret == -EAGAIN)
			NL_SET_ERR_MSG(cb->extack, PTSCOPE_MSG_UNSETTLED);
		goto out;
	}
	genlmsg_end(skb, hdr);
	ret = skb->len;
out:
	kfree(name);
	mmput(c->mm);
	return ret;
}
