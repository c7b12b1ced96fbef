// SPDX-License-Identifier: LGPL-2.1-or-later
/* GET_INFO: what the module and the running kernel look like. */
#include <errno.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "uapi/ptscope.h"

static const char *const feature_names[__PTSCOPE_FEATURE_BIT_COUNT] = PTSCOPE_FEATURE_NAMES;

const char *ptscope_feature_name(unsigned int bit)
{
	return bit < __PTSCOPE_FEATURE_BIT_COUNT ? feature_names[bit] : NULL;
}

/*
 * Attributes past the ones listed are skipped by nla_parse(): a newer module
 * may add fields without breaking this library.
 */
static struct nla_policy info_policy[PTSCOPE_A_INFO_MAX + 1] = {
	[PTSCOPE_A_INFO_MODULE_VERSION] = { .type = NLA_STRING },
	[PTSCOPE_A_INFO_KERNEL_RELEASE] = { .type = NLA_STRING },
	[PTSCOPE_A_INFO_PAGE_SIZE] = { .type = NLA_U32 },
	[PTSCOPE_A_INFO_PAGING_LEVELS] = { .type = NLA_U32 },
	[PTSCOPE_A_INFO_USER_ADDR_MAX] = { .type = NLA_U64 },
	[PTSCOPE_A_INFO_PHYS_ADDR_BITS] = { .type = NLA_U32 },
	[PTSCOPE_A_INFO_FEATURES] = { .type = NLA_U64 },
	[PTSCOPE_A_INFO_FAULT_RING] = { .type = NLA_U32 },
	[PTSCOPE_A_INFO_FAULTS] = { .type = NLA_U64 },
	[PTSCOPE_A_INFO_FAULTS_DROPPED] = { .type = NLA_U64 },
};

static const char *const required_name[PTSCOPE_A_INFO_MAX + 1] = {
	[PTSCOPE_A_INFO_MODULE_VERSION] = "module version",
	[PTSCOPE_A_INFO_KERNEL_RELEASE] = "kernel release",
	[PTSCOPE_A_INFO_PAGE_SIZE] = "page size",
	[PTSCOPE_A_INFO_PAGING_LEVELS] = "paging levels",
	[PTSCOPE_A_INFO_USER_ADDR_MAX] = "user address limit",
	[PTSCOPE_A_INFO_PHYS_ADDR_BITS] = "physical address bits",
	[PTSCOPE_A_INFO_FEATURES] = "features",
};

int pts_parse_info(struct nlmsghdr *nlh, struct ptscope_info *info)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1];
	struct nlattr *it[PTSCOPE_A_INFO_MAX + 1];
	int i;

	if (genlmsg_parse(nlh, 0, tb, PTSCOPE_A_MAX, NULL) || !tb[PTSCOPE_A_INFO])
		return pts_fail(-EPROTO, "malformed GET_INFO reply from the module");
	if (nla_parse_nested(it, PTSCOPE_A_INFO_MAX, tb[PTSCOPE_A_INFO], info_policy))
		return pts_fail(-EPROTO, "malformed info attributes from the module");
	for (i = 0; i <= PTSCOPE_A_INFO_MAX; i++)
		if (required_name[i] && !it[i])
			return pts_fail(-EPROTO, "GET_INFO reply lacks the %s", required_name[i]);

	memset(info, 0, sizeof(*info));
	info->family_version = ((struct genlmsghdr *)nlmsg_data(nlh))->version;
	nla_strlcpy(info->module_version, it[PTSCOPE_A_INFO_MODULE_VERSION],
		    sizeof(info->module_version));
	nla_strlcpy(info->kernel_release, it[PTSCOPE_A_INFO_KERNEL_RELEASE],
		    sizeof(info->kernel_release));
	info->page_size = nla_get_u32(it[PTSCOPE_A_INFO_PAGE_SIZE]);
	info->paging_levels = nla_get_u32(it[PTSCOPE_A_INFO_PAGING_LEVELS]);
	info->user_addr_max = nla_get_u64(it[PTSCOPE_A_INFO_USER_ADDR_MAX]);
	info->phys_addr_bits = nla_get_u32(it[PTSCOPE_A_INFO_PHYS_ADDR_BITS]);
	info->features = nla_get_u64(it[PTSCOPE_A_INFO_FEATURES]);
	info->fault_ring = pts_attr_u32(it, PTSCOPE_A_INFO_FAULT_RING);
	info->faults = pts_attr_u64(it, PTSCOPE_A_INFO_FAULTS);
	info->faults_dropped = pts_attr_u64(it, PTSCOPE_A_INFO_FAULTS_DROPPED);
	return 0;
}

static int on_info(struct nlmsghdr *nlh, void *arg)
{
	return pts_parse_info(nlh, arg);
}

int ptscope_get_info(struct ptscope *h, struct ptscope_info *info)
{
	struct nl_msg *msg = pts_msg_new(h, PTSCOPE_CMD_GET_INFO, 0);

	if (!msg)
		return pts_fail(-ENOMEM, "out of memory");
	return pts_transact(h, msg, "GET_INFO", on_info, info);
}
