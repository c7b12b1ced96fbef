// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for libptscope's message parsing, on messages built here:
 * GET_INFO replies (complete, from a newer module with extra attributes,
 * missing or malformed fields) and extended-ack errors.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "internal.h"
#include "uapi/ptscope.h"
#include "tap.h"

#define FAMILY_ID 0x20

enum { FULL, NEWER, MISSING_RELEASE, BAD_STRING, NO_NEST };

static struct nl_msg *info_reply(int kind)
{
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest;

	genlmsg_put(msg, 0, 1, FAMILY_ID, 0, 0, PTSCOPE_CMD_GET_INFO, 3);
	if (kind == NEWER) /* a top-level attribute from the future */
		nla_put_u32(msg, PTSCOPE_A_MAX + 7, 42);
	if (kind == NO_NEST)
		return msg;
	nest = nla_nest_start(msg, PTSCOPE_A_INFO);
	if (kind == BAD_STRING) /* not NUL-terminated */
		nla_put(msg, PTSCOPE_A_INFO_MODULE_VERSION, 3, "abc");
	else
		nla_put_string(msg, PTSCOPE_A_INFO_MODULE_VERSION, "9.8.7");
	if (kind != MISSING_RELEASE)
		nla_put_string(msg, PTSCOPE_A_INFO_KERNEL_RELEASE, "6.12.117+deb12-amd64");
	nla_put_u32(msg, PTSCOPE_A_INFO_PAGE_SIZE, 4096);
	nla_put_u32(msg, PTSCOPE_A_INFO_PAGING_LEVELS, 5);
	if (kind == NEWER) /* a nested attribute from the future */
		nla_put_string(msg, PTSCOPE_A_INFO_MAX + 3, "future");
	nla_put_u64(msg, PTSCOPE_A_INFO_USER_ADDR_MAX, 0xfffffffffff000ULL);
	nla_put_u32(msg, PTSCOPE_A_INFO_PHYS_ADDR_BITS, 52);
	nla_put_u64(msg, PTSCOPE_A_INFO_FEATURES, PTSCOPE_FEATURE(LA57) | (1ULL << 63));
	nla_nest_end(msg, nest);
	return msg;
}

static void test_info(void)
{
	struct ptscope_info info;
	struct nl_msg *msg;
	int kind;

	for (kind = FULL; kind <= NEWER; kind++) {
		msg = info_reply(kind);
		is_int(pts_parse_info(nlmsg_hdr(msg), &info), 0,
		       kind == FULL ? "full reply parses" : "reply with unknown attributes parses");
		is_str(info.module_version, "9.8.7", "module version");
		is_str(info.kernel_release, "6.12.117+deb12-amd64", "kernel release");
		is_int(info.family_version, 3, "family version from the genl header");
		is_int(info.page_size, 4096, "page size");
		is_int(info.paging_levels, 5, "paging levels");
		ok(info.user_addr_max == 0xfffffffffff000ULL, "user address limit");
		is_int(info.phys_addr_bits, 52, "physical address bits");
		ok(info.features == (PTSCOPE_FEATURE(LA57) | (1ULL << 63)),
		   "feature bits kept, unknown ones too");
		nlmsg_free(msg);
	}

	msg = info_reply(MISSING_RELEASE);
	is_int(pts_parse_info(nlmsg_hdr(msg), &info), -EPROTO, "missing field refused");
	is_str(ptscope_errmsg(), "GET_INFO reply lacks the kernel release", "missing field named");
	nlmsg_free(msg);

	msg = info_reply(BAD_STRING);
	is_int(pts_parse_info(nlmsg_hdr(msg), &info), -EPROTO, "unterminated string refused");
	nlmsg_free(msg);

	msg = info_reply(NO_NEST);
	is_int(pts_parse_info(nlmsg_hdr(msg), &info), -EPROTO, "reply without info nest refused");
	is_str(ptscope_errmsg(), "malformed GET_INFO reply from the module",
	       "malformed reply named");
	nlmsg_free(msg);
}

/* An NLMSG_ERROR as the kernel builds it with NETLINK_EXT_ACK. */
static struct nl_msg *error_msg(int capped, const char *text)
{
	struct nl_msg *req = nlmsg_alloc_simple(FAMILY_ID, 0);
	struct nl_msg *msg;
	struct nlmsgerr e;
	size_t echo;
	int flags = text ? NLM_F_ACK_TLVS : 0;

	nla_put_u32(req, 200, 1); /* the request that was refused */
	echo = capped ? 0 : nlmsg_hdr(req)->nlmsg_len - NLMSG_HDRLEN;
	if (capped)
		flags |= NLM_F_CAPPED;
	msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	e.error = -EINVAL;
	e.msg = *nlmsg_hdr(req);
	nlmsg_append(msg, &e, sizeof(e), 0);
	if (echo)
		nlmsg_append(msg, nlmsg_data(nlmsg_hdr(req)), echo, NLMSG_ALIGNTO);
	if (text)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, text);
	nlmsg_free(req);
	return msg;
}

static void test_extack(void)
{
	struct nl_msg *msg;
	int err = -ESRCH;

	msg = error_msg(1, "Unknown attribute type");
	is_str(pts_extack_msg(nlmsg_hdr(msg)), "Unknown attribute type",
	       "extack of a capped error");
	nlmsg_free(msg);

	msg = error_msg(0, "no such process");
	is_str(pts_extack_msg(nlmsg_hdr(msg)), "no such process",
	       "extack after the echoed request");
	nlmsg_free(msg);

	msg = error_msg(1, NULL);
	ok(pts_extack_msg(nlmsg_hdr(msg)) == NULL, "no extack without NLM_F_ACK_TLVS");
	nlmsg_free(msg);

	/* A dump that failed part-way: errno, then attributes, in NLMSG_DONE. */
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS);
	nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	nla_put_string(msg, NLMSGERR_ATTR_MSG, "process exited during the walk");
	is_str(pts_extack_msg(nlmsg_hdr(msg)), "process exited during the walk",
	       "extack in NLMSG_DONE");
	nlmsg_free(msg);
}

int main(void)
{
	test_info();
	test_extack();
	ok(ptscope_feature_name(PTSCOPE_FEATURE_BIT_LA57) &&
		   !strcmp(ptscope_feature_name(PTSCOPE_FEATURE_BIT_LA57), "la57"),
	   "feature name la57");
	ok(ptscope_feature_name(63) == NULL, "no name for an unknown bit");
	return done_testing();
}
