// SPDX-License-Identifier: GPL-2.0
/*
 * TABLES: a dump of a target's page-table pages (tables.c), chunk by chunk,
 * each message taking the mmap lock anew, as WALK does (nl_walk.c).
 */
#include <linux/cred.h>
#include <linux/sched/mm.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "arch.h"
#include "compat.h"
#include "nl.h"

const struct nla_policy ptscope_tables_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_START] = { .type = NLA_U64 },
	[PTSCOPE_A_END] = { .type = NLA_U64 },
	[PTSCOPE_A_PAGEMAP_FD] = NLA_POLICY_FULL_RANGE(NLA_U32, &ptscope_pagemap_fd_range),
};

/* Where a TABLES dump stands between messages: all of it lives in cb->ctx. */
struct tables_cursor {
	struct mm_struct *mm;	/* mmgrab()bed in start, dropped in done */
	u64 next;
	u64 end;
	const char *err_msg;	/* a refusal .start could not report itself */
	int err;
	u8 sent;		/* at next, the tables reported: see struct ptscope_tables */
	bool see_phys;
};

/* The user range of a request, as WALK takes it: page-aligned, END defaulting to the top. */
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

static int tables_start(struct netlink_callback *cb, struct netlink_ext_ack *extack)
{
	struct tables_cursor *c = (struct tables_cursor *)cb->ctx;
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
	ret = ptscope_target_get(nla_get_u32(attrs[PTSCOPE_A_PID]), ptscope_nl_pagemap_fd(attrs),
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
	c->sent = 0;
	return 0;
}

/* A refusal in .start kept for the first .dumpit on 6.1: see ptscope_nl_walk_start(). */
int ptscope_nl_tables_start(struct netlink_callback *cb)
{
	struct tables_cursor *c = (struct tables_cursor *)cb->ctx;
	struct netlink_ext_ack local = { };
	int ret;

	BUILD_BUG_ON(sizeof(*c) > sizeof(cb->ctx));
	memset(c, 0, sizeof(*c));
	ret = tables_start(cb, cb->extack ?: &local);
	if (ret && !cb->extack) {
		c->err = ret;
		c->err_msg = local._msg;
		if ((const char *)c->err_msg >= (const char *)&local &&
		    (const char *)c->err_msg < (const char *)(&local + 1))
			c->err_msg = "TABLES refused";	/* formatted on our stack */
		c->end = 0;
		return 0;
	}
	return ret;
}

int ptscope_nl_tables_done(struct netlink_callback *cb)
{
	struct tables_cursor *c = (struct tables_cursor *)cb->ctx;

	if (c->mm)
		mmdrop(c->mm);
	c->mm = NULL;
	return 0;
}

static int tables_emit(struct ptscope_tables *t, const struct ptscope_table_rec *r)
{
	struct sk_buff *skb = t->ctx;
	struct nlattr *nest;

	nest = nla_nest_start(skb, PTSCOPE_A_TABLE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PTSCOPE_A_TABLE_LEVEL, r->level) ||
	    nla_put_u64_64bit(skb, PTSCOPE_A_TABLE_ADDR, r->addr, PTSCOPE_A_TABLE_PAD) ||
	    nla_put_u32(skb, PTSCOPE_A_TABLE_ENTRIES, r->entries) ||
	    nla_put_u32(skb, PTSCOPE_A_TABLE_USED, r->used) ||
	    nla_put_u32(skb, PTSCOPE_A_TABLE_LEAVES, r->leaves) ||
	    nla_put_u32(skb, PTSCOPE_A_TABLE_FLAGS, r->flags) ||
	    (!t->hide_phys &&
	     nla_put_u64_64bit(skb, PTSCOPE_A_TABLE_PHYS, r->phys, PTSCOPE_A_TABLE_PAD))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

int ptscope_nl_tables_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tables_cursor *c = (struct tables_cursor *)cb->ctx;
	struct ptscope_tables t = {
		.mm = c->mm,
		.next = c->next,
		.end = c->end,
		.sent = c->sent,
		.hide_phys = !c->see_phys,
		.emit = tables_emit,
		.ctx = skb,
	};
	void *hdr;
	int ret;

	if (c->err) {
		ptscope_nl_static_msg(cb, c->err_msg);
		return c->err;
	}
	if (c->next >= c->end)
		return 0;
	if (!mmget_not_zero(c->mm)) {
		ptscope_nl_static_msg(cb, PTSCOPE_MSG_GONE_TABLES);
		return -ESRCH;
	}
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ptscope_genl_family, NLM_F_MULTI, PTSCOPE_CMD_TABLES);
	if (!hdr) {
		mmput(c->mm);
		return -EMSGSIZE;
	}
	ret = ptscope_tables(&t);
	mmput(c->mm);
	/* Full after at least one record (else none fits an empty message). */
	if (ret == -EMSGSIZE && (t.next != c->next || t.sent != c->sent))
		ret = 0;
	else if (!ret)
		t.next = c->end;
	if (ret) {
		genlmsg_cancel(skb, hdr);
		if (ret == -EAGAIN)
			NL_SET_ERR_MSG(cb->extack, PTSCOPE_MSG_UNSETTLED);
		else if (ret == -EOPNOTSUPP)
			NL_SET_ERR_MSG(cb->extack,
				       "TABLES does not know this kernel's page-table layout (PMD level folded)");
		return ret;
	}
	/* Full: t.next and t.sent name the first record not sent. */
	c->next = t.next;
	c->sent = t.sent;
	genlmsg_end(skb, hdr);
	return skb->len;
}
