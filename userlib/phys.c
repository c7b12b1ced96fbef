// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PHYS and IOMMU: what a physical address is, and how a PCI device's DMA
 * addresses are translated; and the names of iomem resources, which the
 * kernel cannot hand a module safely, joined from /proc/iomem.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "uapi/ptscope.h"

static const char *const phys_flag_names[] = PTSCOPE_PHYS_NAMES;
static const char *const domain_names[] = PTSCOPE_IOMMU_DOMAIN_NAMES;

const char *ptscope_phys_flag_name(unsigned int bit)
{
	return PTS_NAME(phys_flag_names, bit);
}

const char *ptscope_iommu_domain_name(unsigned int domain)
{
	return PTS_NAME(domain_names, domain);
}

static struct nla_policy phys_policy[PTSCOPE_A_PHYS_MAX + 1] = {
	[PTSCOPE_A_PHYS_ADDR] = { .type = NLA_U64 },
	[PTSCOPE_A_PHYS_PFN] = { .type = NLA_U64 },
	[PTSCOPE_A_PHYS_RAM] = { .type = NLA_U32 },
	[PTSCOPE_A_PHYS_NID] = { .type = NLA_U32 },
	[PTSCOPE_A_PHYS_ZONE] = { .type = NLA_STRING },
	[PTSCOPE_A_PHYS_PFLAGS] = { .type = NLA_U64 },
	[PTSCOPE_A_PHYS_MAPCOUNT] = { .type = NLA_U32 },
	[PTSCOPE_A_PHYS_REFCOUNT] = { .type = NLA_U32 },
	[PTSCOPE_A_PHYS_PINCOUNT] = { .type = NLA_U32 },
	[PTSCOPE_A_PHYS_RES_FLAGS] = { .type = NLA_U64 },
	[PTSCOPE_A_PHYS_RES_DESC] = { .type = NLA_U32 },
};

static int on_phys(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1], *pt[PTSCOPE_A_PHYS_MAX + 1];
	struct ptscope_phys *p = arg;

	if (genlmsg_parse(nlh, 0, tb, PTSCOPE_A_MAX, NULL) || !tb[PTSCOPE_A_PHYS] ||
	    nla_parse_nested(pt, PTSCOPE_A_PHYS_MAX, tb[PTSCOPE_A_PHYS], phys_policy) ||
	    !pt[PTSCOPE_A_PHYS_ADDR] || !pt[PTSCOPE_A_PHYS_PFN] || !pt[PTSCOPE_A_PHYS_RAM])
		return pts_fail(-EPROTO, "malformed PHYS reply from the module");
	memset(p, 0, sizeof(*p));
	p->addr = pts_attr_u64(pt, PTSCOPE_A_PHYS_ADDR);
	p->pfn = pts_attr_u64(pt, PTSCOPE_A_PHYS_PFN);
	p->ram = pts_attr_u32(pt, PTSCOPE_A_PHYS_RAM);
	p->has_page = pt[PTSCOPE_A_PHYS_ZONE] != NULL;
	p->nid = pts_attr_u32(pt, PTSCOPE_A_PHYS_NID);
	if (p->has_page)
		snprintf(p->zone, sizeof(p->zone), "%s", (char *)nla_data(pt[PTSCOPE_A_PHYS_ZONE]));
	p->pflags = pts_attr_u64(pt, PTSCOPE_A_PHYS_PFLAGS);
	p->mapcount = pts_attr_u32(pt, PTSCOPE_A_PHYS_MAPCOUNT);
	p->refcount = pts_attr_u32(pt, PTSCOPE_A_PHYS_REFCOUNT);
	p->has_pincount = pt[PTSCOPE_A_PHYS_PINCOUNT] != NULL;
	p->pincount = pts_attr_u32(pt, PTSCOPE_A_PHYS_PINCOUNT);
	p->has_res = pt[PTSCOPE_A_PHYS_RES_FLAGS] != NULL;
	p->res_flags = pts_attr_u64(pt, PTSCOPE_A_PHYS_RES_FLAGS);
	p->res_desc = pts_attr_u32(pt, PTSCOPE_A_PHYS_RES_DESC);
	return 0;
}

int ptscope_phys(struct ptscope *h, uint64_t addr, struct ptscope_phys *out)
{
	struct nl_msg *msg = pts_msg_new(h, PTSCOPE_CMD_PHYS, 0);

	if (!msg)
		return pts_fail(-ENOMEM, "out of memory");
	if (nla_put_u64(msg, PTSCOPE_A_ADDR, addr) < 0) {
		nlmsg_free(msg);
		return pts_fail(-ENOMEM, "out of memory");
	}
	return pts_transact(h, msg, "PHYS", on_phys, out);
}

static struct nla_policy iommu_policy[PTSCOPE_A_IOMMU_MAX + 1] = {
	[PTSCOPE_A_IOMMU_DOMAIN] = { .type = NLA_U32 },
	[PTSCOPE_A_IOMMU_GROUP] = { .type = NLA_U32 },
	[PTSCOPE_A_IOMMU_IOVA] = { .type = NLA_U64 },
	[PTSCOPE_A_IOMMU_PHYS] = { .type = NLA_U64 },
};

static int on_iommu(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1], *it[PTSCOPE_A_IOMMU_MAX + 1];
	struct ptscope_iommu *io = arg;

	if (genlmsg_parse(nlh, 0, tb, PTSCOPE_A_MAX, NULL) || !tb[PTSCOPE_A_IOMMU] ||
	    nla_parse_nested(it, PTSCOPE_A_IOMMU_MAX, tb[PTSCOPE_A_IOMMU], iommu_policy) ||
	    !it[PTSCOPE_A_IOMMU_DOMAIN])
		return pts_fail(-EPROTO, "malformed IOMMU reply from the module");
	io->domain = pts_attr_u32(it, PTSCOPE_A_IOMMU_DOMAIN);
	io->has_group = it[PTSCOPE_A_IOMMU_GROUP] != NULL;
	io->group = pts_attr_u32(it, PTSCOPE_A_IOMMU_GROUP);
	io->mapped = it[PTSCOPE_A_IOMMU_PHYS] != NULL;
	io->phys = pts_attr_u64(it, PTSCOPE_A_IOMMU_PHYS);
	return 0;
}

int ptscope_iommu(struct ptscope *h, const char *device, int has_iova, uint64_t iova,
		  struct ptscope_iommu *out)
{
	struct nl_msg *msg = pts_msg_new(h, PTSCOPE_CMD_IOMMU, 0);

	if (!msg)
		return pts_fail(-ENOMEM, "out of memory");
	memset(out, 0, sizeof(*out));
	out->iova = iova;
	out->has_iova = has_iova;
	if (nla_put_string(msg, PTSCOPE_A_PCI_DEV, device) < 0 ||
	    (has_iova && nla_put_u64(msg, PTSCOPE_A_IOVA, iova) < 0)) {
		nlmsg_free(msg);
		return pts_fail(-ENOMEM, "out of memory");
	}
	return pts_transact(h, msg, "IOMMU", on_iommu, out);
}

int ptscope_iomem_owner(uint64_t phys, char *name, size_t len, uint64_t *start, uint64_t *end)
{
	char line[512];
	int depth, best = -1, zeros = 1;
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return pts_fail(-errno, "cannot read /proc/iomem: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		uint64_t s, e;
		int off = 0;
		char *label;

		depth = (int)strspn(line, " ");
		if (sscanf(line + depth, "%" SCNx64 "-%" SCNx64 " : %n", &s, &e, &off) != 2 || !off)
			continue;
		zeros &= !s && !e;
		/* Children are indented below their parent: the deepest match is the owner. */
		if (phys < s || phys > e || depth <= best)
			continue;
		best = depth;
		label = line + depth + off;
		label[strcspn(label, "\n")] = '\0';
		snprintf(name, len, "%s", label);
		*start = s;
		*end = e;
	}
	fclose(f);
	if (zeros)
		return pts_fail(-EACCES, "/proc/iomem shows addresses to root only");
	if (best < 0)
		return pts_fail(-ENOENT, "no iomem resource holds 0x%" PRIx64, phys);
	return 0;
}
