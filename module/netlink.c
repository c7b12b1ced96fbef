// SPDX-License-Identifier: GPL-2.0
/*
 * The "ptscope" generic netlink family: its operations, GET_INFO, XLATE and
 * the helpers every request shares. Each other request has a file of its
 * own, as net/ethtool/ does: nl_walk.c (WALK, GET_VMAS), nl_tables.c (TABLES),
 * nl_xlate_many.c (XLATE_MANY), nl_phys.c (PHYS, IOMMU) and nl_faults.c
 * (GET_FAULTS, CLEAR_FAULTS, fault events).
 * Page-table work is done elsewhere; these files only turn it into
 * messages (see uapi/ptscope.h for the contract).
 */
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "arch.h"
#include "compat.h"
#include "version.h"
#include "nl.h"

/*
 * GET_INFO takes no attributes. A policy covering the whole attribute space
 * with NLA_UNSPEC everywhere makes strict validation refuse any attribute,
 * with an extack message naming it, rather than silently ignoring it.
 */
const struct nla_policy ptscope_no_attrs_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_INFO] = {
		.type = NLA_REJECT,
		.reject_message = "PTSCOPE_A_INFO is sent by the module, not to it",
	},
};

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
	    nla_put_u32(skb, PTSCOPE_A_INFO_ARCH, info->arch) ||
	    nla_put_u32(skb, PTSCOPE_A_INFO_VA_BITS, info->va_bits) ||
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

int ptscope_nl_get_info(struct sk_buff *skb, struct genl_info *info)
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
struct netlink_range_validation ptscope_pagemap_fd_range __ro_after_init = { .max = INT_MAX };

/* The caller's proof of access to another process (target.c), or -1. */
int ptscope_nl_pagemap_fd(struct nlattr **attrs)
{
	return attrs[PTSCOPE_A_PAGEMAP_FD] ? nla_get_u32(attrs[PTSCOPE_A_PAGEMAP_FD]) : -1;
}

const struct nla_policy ptscope_xlate_policy[PTSCOPE_A_MAX + 1] = {
	[PTSCOPE_A_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_ADDR] = { .type = NLA_U64 },
	[PTSCOPE_A_PAGEMAP_FD] = NLA_POLICY_FULL_RANGE(NLA_U32, &ptscope_pagemap_fd_range),
};

/* @x as a nest of type @type (PTSCOPE_A_XLATE, or a fault's translations). */
int ptscope_nl_put_xlate(struct sk_buff *skb, int type, const struct ptscope_xlate *x)
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

int ptscope_nl_xlate(struct sk_buff *skb, struct genl_info *info)
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
	if (addr >= ptscope_arch_user_addr_max()) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[PTSCOPE_A_ADDR],
				    "address is beyond the user address space (see user_addr_max in ptscope info)");
		return -EINVAL;
	}

	x = kmalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	ret = ptscope_xlate_for_caller(nla_get_u32(info->attrs[PTSCOPE_A_PID]),
				       ptscope_nl_pagemap_fd(info->attrs),
				       netlink_capable(skb, CAP_SYS_ADMIN), addr, x,
				       info->extack);
	if (ret)
		goto out_free;

	ret = -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out_free;
	hdr = genlmsg_put_reply(msg, info, &ptscope_genl_family, 0, PTSCOPE_CMD_XLATE);
	ret = hdr ? ptscope_nl_put_xlate(msg, PTSCOPE_A_XLATE, x) : -EMSGSIZE;
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

/* NL_SET_ERR_MSG() takes only literals; @msg must be as lasting (static). */
void ptscope_nl_static_msg(struct netlink_callback *cb, const char *msg)
{
	if (cb->extack)
		cb->extack->_msg = msg;
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
	{
		.cmd = PTSCOPE_CMD_TABLES,
		.start = ptscope_nl_tables_start,
		.dumpit = ptscope_nl_tables_dumpit,
		.done = ptscope_nl_tables_done,
		.policy = ptscope_tables_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
	{
		.cmd = PTSCOPE_CMD_XLATE_MANY,
		.start = ptscope_nl_xlate_many_start,
		.dumpit = ptscope_nl_xlate_many_dumpit,
		.done = ptscope_nl_xlate_many_done,
		.policy = ptscope_xlate_many_policy,
		.maxattr = PTSCOPE_A_MAX,
	},
};

struct genl_family ptscope_genl_family __ro_after_init = {
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
