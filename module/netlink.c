// SPDX-License-Identifier: GPL-2.0
/*
 * The "ptscope" generic netlink family: request validation, permission
 * checks and message building. Page-table work is done elsewhere; this file
 * only turns it into messages (see uapi/ptscope.h for the contract).
 */
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "compat.h"
#include "version.h"

/*
 * GET_INFO takes no attributes. A policy covering the whole attribute space
 * with NLA_UNSPEC everywhere makes strict validation refuse any attribute,
 * with an extack message naming it, rather than silently ignoring it.
 */
static const struct nla_policy ptscope_no_attrs_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_INFO] = {
		.type = NLA_REJECT,
		.reject_message = "PTSCOPE_A_INFO is sent by the module, not to it",
	},
};

static struct genl_family ptscope_genl_family;

/* @admin: the fault counters too (they change with other users' crashes). */
static int ptscope_put_info(struct sk_buff *skb, bool admin)
{
	struct ptscope_info *info;
	u64 recorded, dropped;
	struct nlattr *nest;
	int ret = -EMSGSIZE;
	u32 ring;

	/* struct ptscope_info holds a 65-byte string: keep it off the stack. */
	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	ptscope_info_get(info);
	ptscope_faults_stats(&recorded, &dropped, &ring);

	nest = nla_nest_start(skb, PTSCOPE_A_INFO);
	if (!nest)
		goto out;
	if (nla_put_string(skb, PTSCOPE_A_INFO_MODULE_VERSION, PTSCOPE_VERSION) ||
	    nla_put_string(skb, PTSCOPE_A_INFO_KERNEL_RELEASE, info->kernel_release) ||
	    nla_put_u32(skb, PTSCOPE_A_INFO_PAGE_SIZE, info->page_size) ||
	    nla_put_u32(skb, PTSCOPE_A_INFO_PAGING_LEVELS, info->paging_levels) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_INFO_USER_ADDR_MAX,
			      info->user_addr_max, PTSCOPE_A_INFO_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_INFO_PHYS_ADDR_BITS, info->phys_addr_bits) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_INFO_FEATURES, info->features,
			      PTSCOPE_A_INFO_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_INFO_FAULT_RING, ring) ||
	    (admin &&
	     (nla_put_u64_64bit(skb, PTSCOPE_A_INFO_FAULTS, recorded, PTSCOPE_A_INFO_PAD) ||
	      nla_put_u64_64bit(skb, PTSCOPE_A_INFO_FAULTS_DROPPED, dropped,
				PTSCOPE_A_INFO_PAD)))) {
		nla_nest_cancel(skb, nest);
		goto out;
	}
	nla_nest_end(skb, nest);
	ret = 0;
out:
	kfree(info);
	return ret;
}

static int ptscope_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0,
				PTSCOPE_CMD_GET_INFO);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	ret = ptscope_put_info(msg, netlink_capable(skb, CAP_SYS_ADMIN));
	if (ret)
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	nlmsg_free(msg);
	return ret;
}

/*
 * A file descriptor number: what fget() takes, an int that is not negative.
 * Not const: 6.1's policy points at it without const.
 */
static struct netlink_range_validation pagemap_fd_range __ro_after_init = { .max = INT_MAX };

/* The caller's proof of access to another process (target.c), or -1. */
static int pagemap_fd(struct nlattr **attrs)
{
	return attrs[PTSCOPE_A_PAGEMAP_FD] ? nla_get_u32(attrs[PTSCOPE_A_PAGEMAP_FD]) : -1;
}

static const struct nla_policy ptscope_xlate_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_ADDR] = { .type = NLA_U64 },
	[PTSCOPE_A_PAGEMAP_FD] = NLA_POLICY_FULL_RANGE(NLA_U32, &pagemap_fd_range),
};

/* @x as a nest of type @type (PTSCOPE_A_XLATE, or a fault's translations). */
static int put_xlate_as(struct sk_buff *skb, int type, const struct ptscope_xlate *x)
{
	struct nlattr *nest, *lnest;
	unsigned int i;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, PTSCOPE_A_XLATE_ADDR, x->addr, PTSCOPE_A_XLATE_PAD) ||
	    (x->no_vma && nla_put_flag(skb, PTSCOPE_A_XLATE_NO_VMA)))
		goto cancel;
	for (i = 0; i < x->nr; i++) {
		const struct ptscope_xlate_level *l = &x->lv[i];

		lnest = nla_nest_start(skb, PTSCOPE_A_XLATE_LEVEL);
		if (!lnest ||
		    nla_put_u32(skb, PTSCOPE_A_LEVEL_LEVEL, l->level) ||
		    nla_put_u32(skb, PTSCOPE_A_LEVEL_INDEX, l->index) ||
		    nla_put_u64_64bit(skb, PTSCOPE_A_LEVEL_TABLE_PHYS,
				      l->table_phys, PTSCOPE_A_LEVEL_PAD) ||
		    nla_put_u64_64bit(skb, PTSCOPE_A_LEVEL_ENTRY, l->entry,
				      PTSCOPE_A_LEVEL_PAD) ||
		    nla_put_u64_64bit(skb, PTSCOPE_A_LEVEL_FLAGS, l->flags,
				      PTSCOPE_A_LEVEL_PAD))
			goto cancel;
		if (l->leaf_size &&
		    nla_put_u64_64bit(skb, PTSCOPE_A_LEVEL_LEAF_SIZE, l->leaf_size,
				      PTSCOPE_A_LEVEL_PAD))
			goto cancel;
		if (l->has_pfn &&
		    nla_put_u64_64bit(skb, PTSCOPE_A_LEVEL_PFN, l->pfn,
				      PTSCOPE_A_LEVEL_PAD))
			goto cancel;
		nla_nest_end(skb, lnest);
	}
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int ptscope_nl_xlate(struct sk_buff *skb, struct genl_info *info)
{
	struct ptscope_xlate *x;
	struct sk_buff *msg;
	u64 addr;
	void *hdr;
	int ret;

	if (!info->attrs[PTSCOPE_A_PID] || !info->attrs[PTSCOPE_A_ADDR]) {
		NL_SET_ERR_MSG(info->extack, "XLATE needs PTSCOPE_A_PID and PTSCOPE_A_ADDR");
		return -EINVAL;
	}
	addr = nla_get_u64(info->attrs[PTSCOPE_A_ADDR]);
	if (addr >= TASK_SIZE_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PTSCOPE_A_ADDR],
				    "address is beyond the user address space (see user_addr_max in ptscope info)");
		return -EINVAL;
	}

	x = kmalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	ret = ptscope_xlate_for_caller(nla_get_u32(info->attrs[PTSCOPE_A_PID]),
				       pagemap_fd(info->attrs),
				       netlink_capable(skb, CAP_SYS_ADMIN), addr, x,
				       info->extack);
	if (ret)
		goto out_free;

	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out_free;
	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0, PTSCOPE_CMD_XLATE);
	ret = hdr ? put_xlate_as(msg, PTSCOPE_A_XLATE, x) : -EMSGSIZE;
	if (ret) {
		nlmsg_free(msg);
		goto out_free;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out_free:
	kfree(x);
	return ret;
}

static const struct nla_policy ptscope_walk_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_START] = { .type = NLA_U64 },
	[PTSCOPE_A_END] = { .type = NLA_U64 },
	[PTSCOPE_A_WALK_FLAGS] = NLA_POLICY_MASK(NLA_U32, PTSCOPE_WALK_RUNS |
							    PTSCOPE_WALK_SKIP_NONE |
							    PTSCOPE_WALK_PACKED),
	[PTSCOPE_A_PAGEMAP_FD] = NLA_POLICY_FULL_RANGE(NLA_U32, &pagemap_fd_range),
};

/* Where a WALK dump stands between messages: all of it lives in cb->ctx. */
struct walk_cursor {
	struct mm_struct *mm;	/* mmgrab()bed in start, dropped in done */
	u64 next;
	u64 end;
	u32 flags;
	bool see_phys;
	int err;		/* a refusal .start could not report itself */
	const char *err_msg;	/* its static message */
};

/* The user range of a request: [START, END) page-aligned, END defaulting to the top. */
static int parse_range(struct nlattr **attrs, struct netlink_ext_ack *extack,
		       u64 *start, u64 *end)
{
	*start = attrs[PTSCOPE_A_START] ? nla_get_u64(attrs[PTSCOPE_A_START]) : 0;
	*end = attrs[PTSCOPE_A_END] ? nla_get_u64(attrs[PTSCOPE_A_END]) : TASK_SIZE_MAX;
	if (*end > TASK_SIZE_MAX) {
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

static int walk_start(struct netlink_callback *cb, struct netlink_ext_ack *extack)
{
	struct walk_cursor *c = (struct walk_cursor *)cb->ctx;
	struct nlattr **attrs = ptscope_dump_attrs(cb);
	struct ptscope_target target;
	u64 start, end;
	int ret;

	if (!attrs[PTSCOPE_A_PID]) {
		NL_SET_ERR_MSG(extack, "PTSCOPE_A_PID is required");
		return -EINVAL;
	}
	ret = parse_range(attrs, extack, &start, &end);
	if (ret)
		return ret;
	/* .start runs in the sender's sendmsg(): its descriptors are current's. */
	ret = ptscope_target_get(nla_get_u32(attrs[PTSCOPE_A_PID]), pagemap_fd(attrs),
				 netlink_capable(cb->skb, CAP_SYS_ADMIN), &target, extack);
	if (ret)
		return ret;
	/* Keep the mm_struct, not the address space: an exit can still proceed. */
	mmgrab(target.mm);
	c->mm = target.mm;
	c->see_phys = target.see_phys;
	ptscope_target_put(&target);
	c->next = start;
	c->end = end;
	if (attrs[PTSCOPE_A_WALK_FLAGS])
		c->flags = nla_get_u32(attrs[PTSCOPE_A_WALK_FLAGS]);
	return 0;
}

/*
 * Until genetlink handed the request's extack to .start (6.1 keeps it in
 * its own start context; cb->extack is NULL there), a message set in
 * .start is lost. Then the refusal waits in the cursor for the first
 * .dumpit, which has an extack, and arrives in NLMSG_DONE. Messages on such
 * kernels are static strings (PTSCOPE_ERR_FMT's fallback), safe to keep.
 */
static int ptscope_nl_walk_start(struct netlink_callback *cb)
{
	struct walk_cursor *c = (struct walk_cursor *)cb->ctx;
	struct netlink_ext_ack local = { };
	int ret;

	BUILD_BUG_ON(sizeof(*c) > sizeof(cb->ctx));
	memset(c, 0, sizeof(*c));
	ret = walk_start(cb, cb->extack ?: &local);
	if (ret && !cb->extack) {
		c->err = ret;
		c->err_msg = local._msg;
		if ((const char *)c->err_msg >= (const char *)&local &&
		    (const char *)c->err_msg < (const char *)(&local + 1))
			c->err_msg = "WALK refused";	/* formatted on our stack */
		c->end = 0;
		return 0;
	}
	return ret;
}

static int ptscope_nl_walk_done(struct netlink_callback *cb)
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
	BUILD_BUG_ON(sizeof(r) != 12 * sizeof(u64));

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
		(out->see_phys ? 0 : PTSCOPE_REC_PHYS_HIDDEN);
	r.reserved = 0;
	r.entry_step = pg->entry_step;
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
	    nla_put_u32(skb, PTSCOPE_A_PAGE_COW, pg.cow) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_ENTRY, pg.entry, PTSCOPE_A_PAGE_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_FLAGS, pg.flags, PTSCOPE_A_PAGE_PAD))
		goto cancel;
	if (pg.has_pfn &&
	    nla_put_u64_64bit(skb, PTSCOPE_A_PAGE_PFN, pg.pfn, PTSCOPE_A_PAGE_PAD))
		goto cancel;
	if (pg.state == PTSCOPE_STATE_PRESENT &&
	    (nla_put_u32(skb, PTSCOPE_A_PAGE_CACHE, pg.cache) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_PKEY, pg.pkey) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_KIND, pg.kind) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_PFLAGS, pg.pflags)))
		goto cancel;
	if (pg.has_page &&
	    (nla_put_u32(skb, PTSCOPE_A_PAGE_MAPCOUNT, pg.mapcount) ||
	     nla_put_u32(skb, PTSCOPE_A_PAGE_REFCOUNT, pg.refcount)))
		goto cancel;
	if (pg.has_pincount && nla_put_u32(skb, PTSCOPE_A_PAGE_PINCOUNT, pg.pincount))
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
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* NL_SET_ERR_MSG() takes only literals; @msg must be as lasting (static). */
static void set_static_msg(struct netlink_callback *cb, const char *msg)
{
	if (cb->extack)
		cb->extack->_msg = msg;
}

/*
 * How every message of a dump over a target begins: report a refusal that
 * .start kept, end the dump when all is sent (0), or take a reference on
 * the address space for this message (1; the caller mmput()s it). A process
 * that exited meanwhile ends the dump with -ESRCH and @exited as message.
 */
static int dump_resume(struct netlink_callback *cb, struct walk_cursor *c,
		       const char *exited)
{
	if (c->err) {
		set_static_msg(cb, c->err_msg);
		return c->err;
	}
	if (c->next >= c->end)
		return 0;
	if (!mmget_not_zero(c->mm)) {
		set_static_msg(cb, exited);
		return -ESRCH;
	}
	return 1;
}

static int ptscope_nl_walk_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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

static const struct nla_policy ptscope_vmas_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_PAGEMAP_FD] = NLA_POLICY_FULL_RANGE(NLA_U32, &pagemap_fd_range),
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
static int ptscope_nl_vmas_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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

/* Physical details are the administrator's, as in /proc/kpageflags. */
static bool phys_allowed(struct genl_info *info)
{
	if (capable(CAP_SYS_ADMIN))
		return true;
	NL_SET_ERR_MSG(info->extack, "permission denied: physical memory is CAP_SYS_ADMIN's");
	return false;
}

static const struct nla_policy ptscope_phys_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_ADDR] = { .type = NLA_U64 },
};

static int put_phys(struct sk_buff *skb, const struct ptscope_phys *p)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_PHYS);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, PTSCOPE_A_PHYS_ADDR, p->addr, PTSCOPE_A_PHYS_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_PHYS_PFN, p->pfn, PTSCOPE_A_PHYS_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_PHYS_RAM, p->ram))
		goto cancel;
	if (p->has_page &&
	    (nla_put_u32(skb, PTSCOPE_A_PHYS_NID, p->nid) ||
	     nla_put_string(skb, PTSCOPE_A_PHYS_ZONE, p->zone) ||
	     nla_put_u64_64bit(skb, PTSCOPE_A_PHYS_PFLAGS, p->pflags, PTSCOPE_A_PHYS_PAD) ||
	     nla_put_u32(skb, PTSCOPE_A_PHYS_MAPCOUNT, p->mapcount) ||
	     nla_put_u32(skb, PTSCOPE_A_PHYS_REFCOUNT, p->refcount)))
		goto cancel;
	if (p->has_pincount && nla_put_u32(skb, PTSCOPE_A_PHYS_PINCOUNT, p->pincount))
		goto cancel;
	if (p->has_res &&
	    (nla_put_u64_64bit(skb, PTSCOPE_A_PHYS_RES_FLAGS, p->res_flags, PTSCOPE_A_PHYS_PAD) ||
	     nla_put_u32(skb, PTSCOPE_A_PHYS_RES_DESC, p->res_desc)))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* A doit's reply: @put fills it from @data; the message is sent or freed. */
static int reply_with(struct genl_info *info, u8 cmd,
		      int (*put)(struct sk_buff *skb, const void *data), const void *data)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	void *hdr;
	int ret;

	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0, cmd);
	ret = hdr ? put(msg, data) : -EMSGSIZE;
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int put_phys_reply(struct sk_buff *skb, const void *data)
{
	return put_phys(skb, data);
}

static int ptscope_nl_phys(struct sk_buff *skb, struct genl_info *info)
{
	struct ptscope_phys p;
	int ret;

	if (!phys_allowed(info))
		return -EPERM;
	if (!info->attrs[PTSCOPE_A_ADDR]) {
		NL_SET_ERR_MSG(info->extack, "PTSCOPE_A_ADDR (the physical address) is required");
		return -EINVAL;
	}
	ret = ptscope_phys_describe(nla_get_u64(info->attrs[PTSCOPE_A_ADDR]), &p, info->extack);
	return ret ? ret : reply_with(info, PTSCOPE_CMD_PHYS, put_phys_reply, &p);
}

static const struct nla_policy ptscope_iommu_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PCI_DEV] = { .type = NLA_NUL_STRING, .len = 31 },
	[PTSCOPE_A_IOVA] = { .type = NLA_U64 },
};

struct iommu_reply {
	struct ptscope_iommu io;
	u64 iova;
	bool has_iova;
};

static int put_iommu_reply(struct sk_buff *skb, const void *data)
{
	const struct iommu_reply *r = data;
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_IOMMU);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PTSCOPE_A_IOMMU_DOMAIN, r->io.domain) ||
	    (r->io.has_group && nla_put_u32(skb, PTSCOPE_A_IOMMU_GROUP, r->io.group)) ||
	    (r->has_iova &&
	     nla_put_u64_64bit(skb, PTSCOPE_A_IOMMU_IOVA, r->iova, PTSCOPE_A_IOMMU_PAD)) ||
	    (r->io.mapped &&
	     nla_put_u64_64bit(skb, PTSCOPE_A_IOMMU_PHYS, r->io.phys, PTSCOPE_A_IOMMU_PAD))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ptscope_nl_iommu(struct sk_buff *skb, struct genl_info *info)
{
	struct iommu_reply r = { };
	int ret;

	if (!phys_allowed(info))
		return -EPERM;
	if (!info->attrs[PTSCOPE_A_PCI_DEV]) {
		NL_SET_ERR_MSG(info->extack, "PTSCOPE_A_PCI_DEV (the device) is required");
		return -EINVAL;
	}
	r.has_iova = info->attrs[PTSCOPE_A_IOVA];
	if (r.has_iova)
		r.iova = nla_get_u64(info->attrs[PTSCOPE_A_IOVA]);
	ret = ptscope_iommu_describe(nla_data(info->attrs[PTSCOPE_A_PCI_DEV]), r.has_iova, r.iova,
				     &r.io, info->extack);
	return ret ? ret : reply_with(info, PTSCOPE_CMD_IOMMU, put_iommu_reply, &r);
}

static int put_fault_vma(struct sk_buff *skb, int type, const struct ptscope_fault_vma *v)
{
	struct nlattr *nest;

	if (!v->present)
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, PTSCOPE_A_VMA_START, v->start, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_END, v->end, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_FLAGS, v->flags, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_VMA_PGOFF, v->pgoff, PTSCOPE_A_VMA_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_VMA_BACKING, v->backing) ||
	    nla_put_string(skb, PTSCOPE_A_VMA_NAME, v->name)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One record; @f may be changed (its translations hidden) when @see_phys is false. */
static int put_fault(struct sk_buff *skb, struct ptscope_fault *f, bool see_phys)
{
	struct nlattr *nest = nla_nest_start(skb, PTSCOPE_A_FAULT);

	if (!nest)
		return -EMSGSIZE;
	if (!see_phys) {
		ptscope_xlate_hide_phys(&f->x_addr);
		ptscope_xlate_hide_phys(&f->x_ip);
	}
	if (nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_REC_ID, f->id, PTSCOPE_A_FAULT_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_TIME_NS, f->time_ns, PTSCOPE_A_FAULT_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_FAULT_PID, f->pid) ||
	    nla_put_u32(skb, PTSCOPE_A_FAULT_TID, f->tid) ||
	    nla_put_u32(skb, PTSCOPE_A_FAULT_UID, f->uid) ||
	    nla_put_string(skb, PTSCOPE_A_FAULT_COMM, f->comm) ||
	    nla_put_string(skb, PTSCOPE_A_FAULT_EXE, f->exe) ||
	    nla_put_u32(skb, PTSCOPE_A_FAULT_SIGNAL, f->sig) ||
	    nla_put_u32(skb, PTSCOPE_A_FAULT_CODE, f->code) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_ADDR, f->addr, PTSCOPE_A_FAULT_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_IP, f->ip, PTSCOPE_A_FAULT_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_SP, f->sp, PTSCOPE_A_FAULT_PAD) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_ERROR, f->error, PTSCOPE_A_FAULT_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_FAULT_TRAP, f->trap) ||
	    nla_put_u32(skb, PTSCOPE_A_FAULT_HANDLED, f->handled) ||
	    nla_put_u32(skb, PTSCOPE_A_FAULT_SNAPSHOT, f->snapshot))
		goto cancel;
	if (f->snapshot &&
	    (put_fault_vma(skb, PTSCOPE_A_FAULT_VMA, &f->vma) ||
	     put_fault_vma(skb, PTSCOPE_A_FAULT_VMA_BELOW, &f->below) ||
	     put_fault_vma(skb, PTSCOPE_A_FAULT_VMA_ABOVE, &f->above) ||
	     nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_STACK_START, f->stack_start,
			       PTSCOPE_A_FAULT_PAD) ||
	     nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_STACK_END, f->stack_end,
			       PTSCOPE_A_FAULT_PAD) ||
	     (f->x_addr.nr && put_xlate_as(skb, PTSCOPE_A_FAULT_XLATE_ADDR, &f->x_addr)) ||
	     (f->x_ip.nr && put_xlate_as(skb, PTSCOPE_A_FAULT_XLATE_IP, &f->x_ip))))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static const struct genl_multicast_group ptscope_mcgrps[] = {
	{ .name = PTSCOPE_MCGRP_FAULTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

void ptscope_nl_fault_event(const struct ptscope_fault *f)
{
	struct ptscope_fault *copy;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&ptscope_genl_family, &init_net, 0))
		return;
	copy = kvmalloc(sizeof(*copy), GFP_KERNEL);
	msg = copy ? genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL) : NULL;
	if (!msg)
		goto out;
	*copy = *f;
	hdr = genlmsg_put(msg, 0, 0, &ptscope_genl_family, 0, PTSCOPE_CMD_FAULT_EVENT);
	if (!hdr || put_fault(msg, copy, true)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	/* Listeners are CAP_SYS_ADMIN's (the group's flag): all is theirs to see. */
	genlmsg_multicast(&ptscope_genl_family, msg, 0, 0, GFP_KERNEL);
out:
	kvfree(copy);
}

/* GET_FAULTS' cursor: the next record id, and who reads. */
struct fault_cursor {
	u64 next;
	u64 only;		/* a single record asked for, or 0 */
	struct ptscope_fault_reader rd;
	bool sent;
};

static const struct nla_policy ptscope_faults_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_FAULT_ID] = { .type = NLA_U64 },
};

static int ptscope_nl_faults_start(struct netlink_callback *cb)
{
	struct fault_cursor *c = (struct fault_cursor *)cb->ctx;
	struct nlattr **attrs = ptscope_dump_attrs(cb);

	BUILD_BUG_ON(sizeof(*c) > sizeof(cb->ctx));
	memset(c, 0, sizeof(*c));
	c->next = 1;
	ptscope_fault_reader_init(&c->rd, netlink_capable(cb->skb, CAP_SYS_ADMIN));
	if (attrs && attrs[PTSCOPE_A_FAULT_ID]) {
		c->only = nla_get_u64(attrs[PTSCOPE_A_FAULT_ID]);
		c->next = c->only;
	}
	return 0;
}

static int ptscope_nl_faults_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fault_cursor *c = (struct fault_cursor *)cb->ctx;
	struct ptscope_fault *f = kvmalloc(sizeof(*f), GFP_KERNEL);
	void *hdr = NULL;
	int ret = 0, n = 0;

	if (!f)
		return -ENOMEM;
	/*
	 * Dumps run in the reading process (start, then each recvmsg): its
	 * namespaces decide which records exist for it and how pids read.
	 */
	while (!ptscope_fault_get(c->next, &c->rd, f)) {
		if (c->only && f->id != c->only)
			break;
		c->next = f->id + 1;
		if (!hdr) {
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					  &ptscope_genl_family, NLM_F_MULTI,
					  PTSCOPE_CMD_GET_FAULTS);
			if (!hdr) {
				ret = -EMSGSIZE;
				break;
			}
		}
		if (put_fault(skb, f, c->rd.admin)) {
			c->next = f->id;	/* full: this record opens the next message */
			ret = n ? 0 : -EMSGSIZE;
			break;
		}
		n++;
		c->sent = true;
		if (c->only)
			break;
	}
	kvfree(f);
	if (!ret && c->only && !c->sent) {
		set_static_msg(cb, "no such fault record (cleared, overwritten, or not yours)");
		ret = -ENOENT;
	}
	if (ret) {
		if (hdr)
			genlmsg_cancel(skb, hdr);
		return ret;
	}
	if (!hdr)
		return 0;
	genlmsg_end(skb, hdr);
	if (c->only)
		c->next = U64_MAX;
	return skb->len;
}

static int ptscope_nl_clear_faults(struct sk_buff *skb, struct genl_info *info)
{
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "permission denied: only CAP_SYS_ADMIN clears faults");
		return -EPERM;
	}
	ptscope_faults_clear();
	return 0;
}

static const struct genl_ops ptscope_genl_ops[] = {
	{
		.cmd = PTSCOPE_CMD_GET_INFO,
		.doit = ptscope_nl_get_info,
		.policy = ptscope_no_attrs_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_XLATE,
		.doit = ptscope_nl_xlate,
		.policy = ptscope_xlate_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_WALK,
		.start = ptscope_nl_walk_start,
		.dumpit = ptscope_nl_walk_dumpit,
		.done = ptscope_nl_walk_done,
		.policy = ptscope_walk_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_GET_VMAS,
		.start = ptscope_nl_walk_start,
		.dumpit = ptscope_nl_vmas_dumpit,
		.done = ptscope_nl_walk_done,
		.policy = ptscope_vmas_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_PHYS,
		.doit = ptscope_nl_phys,
		.policy = ptscope_phys_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_IOMMU,
		.doit = ptscope_nl_iommu,
		.policy = ptscope_iommu_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_GET_FAULTS,
		.start = ptscope_nl_faults_start,
		.dumpit = ptscope_nl_faults_dumpit,
		.policy = ptscope_faults_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_CLEAR_FAULTS,
		.doit = ptscope_nl_clear_faults,
		.policy = ptscope_no_attrs_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
};

static struct genl_family ptscope_genl_family __ro_after_init = {
	.name = PTSCOPE_GENL_NAME,
	.version = PTSCOPE_GENL_VERSION,
	.maxattr = PTSCOPE_A_MAX,
	/* Strict validation for every command: none predates this family. */
	.resv_start_op = 0,
	/* Page tables are not per network namespace: answer in all of them. */
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = ptscope_genl_ops,
	.n_ops = ARRAY_SIZE(ptscope_genl_ops),
	.mcgrps = ptscope_mcgrps,
	.n_mcgrps = ARRAY_SIZE(ptscope_mcgrps),
};

int __init ptscope_netlink_init(void)
{
	return genl_register_family(&ptscope_genl_family);
}

void ptscope_netlink_exit(void)
{
	genl_unregister_family(&ptscope_genl_family);
}
