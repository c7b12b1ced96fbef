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
	[PTSCOPE_A_INFO_ARCH] = { .type = NLA_U32 },
	[PTSCOPE_A_INFO_VA_BITS] = { .type = NLA_U32 },
};

static const char *const arch_names[] = PTSCOPE_ARCH_NAMES;

const char *ptscope_arch_name(unsigned int arch)
{
	return PTS_NAME(arch_names, arch);
}

static const char *const required_name[PTSCOPE_A_INFO_MAX + 1] = {
	[PTSCOPE_A_INFO_MODULE_VERSION] = "module version",
	[PTSCOPE_A_INFO_KERNEL_RELEASE] = "kernel release",
	[PTSCOPE_A_INFO_PAGE_SIZE] = "page size",
	[PTSCOPE_A_INFO_PAGING_LEVELS] = "paging levels",
	[PTSCOPE_A_INFO_USER_ADDR_MAX] = "user address limit",
	[PTSCOPE_A_INFO_PHYS_ADDR_BITS] = "physical address bits",
	[PTSCOPE_A_INFO_FEATURES] = "features",
};

/* The INFO nest of a GET_INFO reply into @it, its required attributes checked. */
static int parse_info_attrs(struct nlmsghdr *nlh, struct nlattr **it)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1];
	int i;

	if (genlmsg_parse(nlh, 0, tb, PTSCOPE_A_MAX, NULL) || !tb[PTSCOPE_A_INFO])
		return pts_fail(-EPROTO, "malformed GET_INFO reply from the module");
	if (nla_parse_nested(it, PTSCOPE_A_INFO_MAX, tb[PTSCOPE_A_INFO], info_policy))
		return pts_fail(-EPROTO, "malformed info attributes from the module");
	for (i = 0; i <= PTSCOPE_A_INFO_MAX; i++)
		if (required_name[i] && !it[i])
			return pts_fail(-EPROTO, "GET_INFO reply lacks the %s", required_name[i]);
	return 0;
}

int pts_parse_info(struct nlmsghdr *nlh, struct ptscope_info *info)
{
	struct nlattr *it[PTSCOPE_A_INFO_MAX + 1];
	int ret = parse_info_attrs(nlh, it);

	if (ret)
		return ret;
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

void pts_machine_of(const struct ptscope_info *info, uint32_t arch, uint32_t va_bits,
		    struct ptscope_machine *m)
{
	memset(m, 0, sizeof(*m));
	/* Modules from before arm64 ran on x86_64 only. */
	m->arch = arch ? arch : PTSCOPE_ARCH_X86_64;
	m->page_size = info->page_size;
	while (m->page_shift < 31 && (1U << m->page_shift) < info->page_size)
		m->page_shift++;
	/* 0x7ffffffff000 -> 47 bits, (1 << 48) -> 48 */
	m->va_bits = va_bits ? va_bits :
		     info->user_addr_max > 1 ?
			       64 - (uint32_t)__builtin_clzll(info->user_addr_max - 1) :
			       0;
}

static int on_machine(struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *it[PTSCOPE_A_INFO_MAX + 1];
	struct ptscope_machine *m = arg;
	struct ptscope_info info;
	int ret = pts_parse_info(nlh, &info);

	if (!ret)
		ret = parse_info_attrs(nlh, it);
	if (ret)
		return ret;
	pts_machine_of(&info, pts_attr_u32(it, PTSCOPE_A_INFO_ARCH),
		       pts_attr_u32(it, PTSCOPE_A_INFO_VA_BITS), m);
	if (m->page_size != 1U << m->page_shift)
		return pts_fail(-EPROTO, "GET_INFO reply: page size %u is not a power of two",
				info.page_size);
	return 0;
}

int ptscope_get_machine(struct ptscope *h, struct ptscope_machine *out)
{
	struct nl_msg *msg;
	int ret;

	if (h->source == PTSCOPE_SOURCE_PROCFS)
		return pts_procfs_machine(h, out);
	msg = pts_msg_new(h, PTSCOPE_CMD_GET_INFO, 0);
	if (!msg)
		return pts_fail(-ENOMEM, "out of memory");
	ret = pts_transact(h, msg, "GET_INFO", on_machine, out);
	if (!ret) {
		h->page_shift = out->page_shift;
		h->arch = out->arch;
	}
	return ret;
}

static int on_info(struct nlmsghdr *nlh, void *arg)
{
	return pts_parse_info(nlh, arg);
}

int ptscope_get_info(struct ptscope *h, struct ptscope_info *info)
{
	struct nl_msg *msg;

	if (h->source == PTSCOPE_SOURCE_PROCFS)
		return pts_procfs_info(h, info);
	msg = pts_msg_new(h, PTSCOPE_CMD_GET_INFO, 0);
	if (!msg)
		return pts_fail(-ENOMEM, "out of memory");
	return pts_transact(h, msg, "GET_INFO", on_info, info);
}
