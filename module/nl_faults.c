// SPDX-License-Identifier: GPL-2.0
/*
 * GET_FAULTS, CLEAR_FAULTS and the "faults" multicast group: the fault
 * records (faults.c, fault_ring.c) as messages.
 */
#include <linux/capability.h>
#include <linux/mm.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "compat.h"
#include "nl.h"

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
	    (f->has_trap && nla_put_u32(skb, PTSCOPE_A_FAULT_TRAP, f->trap)) ||
	    (f->has_esr && nla_put_u64_64bit(skb, PTSCOPE_A_FAULT_ESR, f->esr,
					     PTSCOPE_A_FAULT_PAD)) ||
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
	     (f->x_addr.nr && ptscope_nl_put_xlate(skb, PTSCOPE_A_FAULT_XLATE_ADDR, &f->x_addr)) ||
	     (f->x_ip.nr && ptscope_nl_put_xlate(skb, PTSCOPE_A_FAULT_XLATE_IP, &f->x_ip))))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

const struct genl_multicast_group ptscope_mcgrps[PTSCOPE_NL_MCGRPS] = {
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

const struct nla_policy ptscope_faults_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_FAULT_ID] = { .type = NLA_U64 },
};

int ptscope_nl_faults_start(struct netlink_callback *cb)
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

int ptscope_nl_faults_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
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
		ptscope_nl_static_msg(cb,
				      "no such fault record (cleared, overwritten, or not yours)");
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

int ptscope_nl_clear_faults(struct sk_buff *skb, struct genl_info *info)
{
	if (!netlink_capable(skb, CAP_SYS_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "permission denied: only CAP_SYS_ADMIN clears faults");
		return -EPERM;
	}
	ptscope_faults_clear();
	return 0;
}
