// SPDX-License-Identifier: GPL-2.0
/*
 * XLATE_MANY: many addresses of one process translated in one dump. The
 * caller's access is judged once, at .start, as for every dump over a
 * target; each message then holds as many translations as fit, each
 * taking the mmap lock for itself alone (xlate.c), so a request of
 * thousands of addresses never holds it for long.
 */
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "arch.h"
#include "compat.h"
#include "nl.h"

const struct nla_policy ptscope_xlate_many_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_ADDRS] = { .type = NLA_BINARY,
			      .len = PTSCOPE_XLATE_MANY_MAX * sizeof(u64) },
	[PTSCOPE_A_PAGEMAP_FD] = NLA_POLICY_FULL_RANGE(NLA_U32, &ptscope_pagemap_fd_range),
};

/* Where an XLATE_MANY dump stands between messages: all of it in cb->ctx. */
struct xlate_many_cursor {
	struct mm_struct *mm;	/* mmgrab()bed in start, dropped in done */
	u32 next;		/* index of the first address not yet sent */
	u32 count;
	bool see_phys;
	int err;		/* a refusal .start could not report itself */
	const char *err_msg;	/* its static message */
};

/* The request's addresses: 4-byte aligned in the message, so read unaligned. */
static u64 addr_at(const struct nlattr *addrs, u32 i)
{
	u64 addr;

	memcpy(&addr, (const u8 *)nla_data(addrs) + i * sizeof(u64), sizeof(addr));
	return addr;
}

static int xlate_many_start_checked(struct netlink_callback *cb, struct netlink_ext_ack *extack)
{
	struct xlate_many_cursor *c = (struct xlate_many_cursor *)cb->ctx;
	struct nlattr **attrs = ptscope_dump_attrs(cb);
	const struct nlattr *addrs = attrs[PTSCOPE_A_ADDRS];
	u64 top = ptscope_arch_user_addr_max(), start, end;
	u32 i, count;

	if (!addrs || !nla_len(addrs) || nla_len(addrs) % sizeof(u64)) {
		NL_SET_ERR_MSG(extack,
			       "XLATE_MANY needs PTSCOPE_A_ADDRS: 1 to 4096 addresses of 8 bytes each");
		return -EINVAL;
	}
	count = nla_len(addrs) / sizeof(u64);
	for (i = 0; i < count; i++) {
		if (addr_at(addrs, i) >= top) {
			NL_SET_ERR_MSG_ATTR(extack, addrs,
					    "an address is beyond the user address space (see user_addr_max in ptscope info)");
			return -EINVAL;
		}
	}
	c->count = count;
	/* No range in this request: the start and end it would have are unused. */
	return ptscope_nl_dump_target(cb, extack, &c->mm, &c->see_phys, &start, &end);
}

int ptscope_nl_xlate_many_start(struct netlink_callback *cb)
{
	struct xlate_many_cursor *c = (struct xlate_many_cursor *)cb->ctx;

	BUILD_BUG_ON(sizeof(*c) > sizeof(cb->ctx));
	memset(c, 0, sizeof(*c));
	return ptscope_nl_start_or_defer(cb, xlate_many_start_checked, &c->err, &c->err_msg,
					 "XLATE_MANY refused");
}

int ptscope_nl_xlate_many_done(struct netlink_callback *cb)
{
	struct xlate_many_cursor *c = (struct xlate_many_cursor *)cb->ctx;

	if (c->mm)
		mmdrop(c->mm);
	c->mm = NULL;
	return 0;
}

int ptscope_nl_xlate_many_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct xlate_many_cursor *c = (struct xlate_many_cursor *)cb->ctx;
	const struct nlattr *addrs = ptscope_dump_attrs(cb)[PTSCOPE_A_ADDRS];
	struct ptscope_xlate *x;
	u32 first = c->next;
	void *hdr;
	int ret;

	ret = ptscope_nl_dump_resume(cb, c->err, c->err_msg, c->next, c->count, c->mm,
				     PTSCOPE_MSG_GONE_XLATE);
	if (ret <= 0)
		return ret;
	ret = -ENOMEM;
	x = kmalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		goto out_mm;
	ret = -EMSGSIZE;
	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &ptscope_genl_family, NLM_F_MULTI, PTSCOPE_CMD_XLATE_MANY);
	if (!hdr)
		goto out_free;
	for (ret = 0; !ret && c->next < c->count; ) {
		/* A message holds a bounded number; a kill ends a long request. */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ret = ptscope_xlate(c->mm, addr_at(addrs, c->next), x);
		if (ret)
			break;
		if (!c->see_phys)
			ptscope_xlate_hide_phys(x);
		ret = ptscope_nl_put_xlate(skb, PTSCOPE_A_XLATE, x);
		if (!ret)
			c->next++;
	}
	/* Full after at least one translation (else none fits an empty message). */
	if (ret == -EMSGSIZE && c->next != first)
		ret = 0;
	if (ret) {
		genlmsg_cancel(skb, hdr);
		if (ret == -EAGAIN)
			NL_SET_ERR_MSG(cb->extack, PTSCOPE_MSG_UNSETTLED);
		goto out_free;
	}
	genlmsg_end(skb, hdr);
	ret = skb->len;
out_free:
	kfree(x);
out_mm:
	mmput(c->mm);
	return ret;
}
