// SPDX-License-Identifier: GPL-2.0
/* PHYS and IOMMU: what a physical address or an IOVA is (phys.c, iommu.c). */
#include <linux/capability.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "compat.h"
#include "nl.h"

/* Physical details are the administrator's, as in /proc/kpageflags. */
static bool phys_allowed(struct genl_info *info)
{
	if (capable(CAP_SYS_ADMIN))
		return true;
	NL_SET_ERR_MSG(info->extack, "permission denied: physical memory is CAP_SYS_ADMIN's");
	return false;
}

const struct nla_policy ptscope_phys_policy[PTSCOPE_A_MAX + 1] = {
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

int ptscope_nl_phys(struct sk_buff *skb, struct genl_info *info)
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

const struct nla_policy ptscope_iommu_policy[PTSCOPE_A_MAX + 1] = {
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

int ptscope_nl_iommu(struct sk_buff *skb, struct genl_info *info)
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
