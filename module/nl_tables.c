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

static int tables_start(struct netlink_callback *cb, struct netlink_ext_ack *extack)
{
	struct tables_cursor *c = (struct tables_cursor *)cb->ctx;

	return ptscope_nl_dump_target(cb, extack, &c->mm, &c->see_phys, &c->next, &c->end);
}

/* A refusal in .start kept for the first .dumpit on 6.1: see ptscope_nl_start_or_defer(). */
int ptscope_nl_tables_start(struct netlink_callback *cb)
{
	struct tables_cursor *c = (struct tables_cursor *)cb->ctx;

	BUILD_BUG_ON(sizeof(*c) > sizeof(cb->ctx));
	memset(c, 0, sizeof(*c));
	return ptscope_nl_start_or_defer(cb, tables_start, &c->err, &c->err_msg,
					 "TABLES refused");
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

	ret = ptscope_nl_dump_resume(cb, c->err, c->err_msg, c->next, c->end, c->mm,
				     PTSCOPE_MSG_GONE_TABLES);
	if (ret <= 0)
		return ret;
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
