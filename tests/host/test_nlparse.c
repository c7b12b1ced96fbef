// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests for libptscope's message parsing, on messages built here:
 * GET_INFO replies (complete, from a newer module with extra attributes,
 * missing or malformed fields), extended-ack errors, and WALK's packed
 * records with runs expanded back into leaves.
 */
#include <errno.h>
#include <string.h>
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

/* WALK replies in the packed form, and runs expanded back into leaves. */
static struct ptscope_page got[2048];
static int ngot;

static int collect(const struct ptscope_page *pg, void *arg)
{
	(void)arg;
	if (ngot < 2048)
		got[ngot] = *pg;
	ngot++;
	return 0;
}

static struct ptscope_page_rec run_rec(uint64_t addr, uint64_t nr, uint8_t level, uint8_t state,
				       uint64_t pfn, uint64_t entry, uint64_t step, uint8_t has)
{
	struct ptscope_page_rec r = {
		.addr = addr,
		.nr_pages = nr,
		.pfn = pfn,
		.entry = entry,
		.level = level,
		.state = state,
		.has = has,
		.entry_step = step,
		.mapcount = 1,
		.refcount = 1,
		.swap_offset = state == PTSCOPE_STATE_SWAP ? 0x500 : 0,
	};

	return r;
}

static struct nl_msg *walk_reply(const struct ptscope_page_rec *recs, int n, uint32_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(65536);
	char buf[16 * 128] = { 0 };
	int i;

	genlmsg_put(msg, 0, 1, FAMILY_ID, 0, 0, PTSCOPE_CMD_WALK, 1);
	nla_put_u32(msg, PTSCOPE_A_PAGE_REC_SIZE, size);
	for (i = 0; i < n; i++) /* a newer module's longer records: extra bytes ignored */
		memcpy(buf + i * size, &recs[i], sizeof(recs[i]));
	nla_put(msg, PTSCOPE_A_PAGE_RECS, n * size, buf);
	return msg;
}

static void test_walk_packed(void)
{
	const uint64_t base = 0x7f0000000000ULL, pte = 0x8000000000000867ULL;
	struct ptscope_page_rec recs[] = {
		/* 3 PTEs, frames 0x100.., entries one frame apart */
		run_rec(base, 3, PTSCOPE_LEVEL_PTE, PTSCOPE_STATE_PRESENT, 0x100, pte | 0x100000,
			0x1000, PTSCOPE_REC_HAS_PFN | PTSCOPE_REC_HAS_PAGE),
		/* a hole: one record whatever its size */
		run_rec(base + 0x3000, 509, PTSCOPE_LEVEL_PTE, PTSCOPE_STATE_NONE, 0, 0, 0, 0),
		/* two PMD leaves, the first entered half-way */
		run_rec(base + 0x300000, 768, PTSCOPE_LEVEL_PMD, PTSCOPE_STATE_PRESENT, 0x40100,
			0x80000000400008e7ULL, 0x200000, PTSCOPE_REC_HAS_PFN),
		/* 2 swap entries: offsets follow on, entries step downwards */
		run_rec(base + 0x600000, 2, PTSCOPE_LEVEL_PTE, PTSCOPE_STATE_SWAP, 0,
			0x7ffffaff00000ULL, (uint64_t)-0x200, 0),
		/* frames hidden from the caller: no frame may be made up */
		run_rec(base + 0x602000, 2, PTSCOPE_LEVEL_PTE, PTSCOPE_STATE_PRESENT, 0, 0x867, 0,
			PTSCOPE_REC_HAS_PFN | PTSCOPE_REC_PHYS_HIDDEN),
	};
	struct nl_msg *msg = walk_reply(recs, 5, sizeof(recs[0]) + 8);

	ngot = 0;
	is_int(pts_parse_walk(nlmsg_hdr(msg), 1, collect, NULL), 0, "packed runs parse");
	is_int(ngot, 3 + 1 + 2 + 2 + 2, "runs expand into their leaves");
	ok(got[2].addr == base + 0x2000 && got[2].pfn == 0x102 &&
		   got[2].entry == (pte | 0x102000) && got[2].nr_pages == 1 && got[2].mapcount == 1,
	   "third PTE: its own address, frame and raw entry");
	ok(got[3].state == PTSCOPE_STATE_NONE && got[3].nr_pages == 509, "hole kept whole");
	ok(got[4].addr == base + 0x300000 && got[4].nr_pages == 256 && got[4].pfn == 0x40100 &&
		   got[4].entry == 0x80000000400008e7ULL,
	   "first PMD leaf: the half in range");
	ok(got[5].addr == base + 0x400000 && got[5].nr_pages == 512 && got[5].pfn == 0x40200 &&
		   got[5].entry == 0x80000000402008e7ULL,
	   "second PMD leaf: whole, entry one step on");
	ok(got[7].swap_offset == 0x501 && got[7].entry == 0x7ffffaff00000ULL - 0x200,
	   "second swap page: next offset, entry by the step");
	ok(got[9].pfn == 0 && got[9].entry == 0x867, "hidden frames stay hidden");
	ngot = 0;
	is_int(pts_parse_walk(nlmsg_hdr(msg), 0, collect, NULL), 0, "runs as runs");
	is_int(ngot, 5, "one record per run");
	nlmsg_free(msg);

	/* An older module's records end before memcg: read, with no placement. */
	msg = walk_reply(recs, 1, offsetof(struct ptscope_page_rec, memcg));
	ngot = 0;
	is_int(pts_parse_walk(nlmsg_hdr(msg), 0, collect, NULL), 0,
	       "records of the first layout (no placement) parse");
	ok(ngot == 1 && got[0].addr == base && !got[0].has_nid && !got[0].has_memcg,
	   "... with neither node nor cgroup");
	nlmsg_free(msg);

	msg = walk_reply(recs, 1, offsetof(struct ptscope_page_rec, memcg) - 8);
	ok(pts_parse_walk(nlmsg_hdr(msg), 1, collect, NULL) == -EPROTO,
	   "records shorter than the first layout are refused");
	nlmsg_free(msg);
}

int main(void)
{
	test_info();
	test_extack();
	test_walk_packed();
	ok(ptscope_feature_name(PTSCOPE_FEATURE_BIT_LA57) &&
		   !strcmp(ptscope_feature_name(PTSCOPE_FEATURE_BIT_LA57), "la57"),
	   "feature name la57");
	ok(ptscope_feature_name(63) == NULL, "no name for an unknown bit");
	return done_testing();
}
