// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: libptscope's parsing of the module's replies.
 *
 * The library reads every reply through pts_transact(), which this target
 * replaces (linked with -Wl,--wrap=pts_transact): instead of a socket, the
 * fuzzer's bytes become the reply messages, each a generic netlink header
 * and an attribute stream, fed to the very handler the request installed.
 * The first byte picks the request (info, xlate, walk, maps, faults, phys,
 * iommu), so every parser, nested attributes and unknown ones included,
 * sees hostile input. The extended-ack parser gets the bytes as an error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "internal.h"
#include "uapi/ptscope.h"

static const uint8_t *in;
static size_t in_len;

static int count_page(const struct ptscope_page *pg, void *arg)
{
	(void)pg;
	return ++*(int *)arg > 100000;
}

static int count_vma(const struct ptscope_vma *v, void *arg)
{
	(void)v;
	return ++*(int *)arg > 100000;
}

static int count_fault(const struct ptscope_fault *f, void *arg)
{
	(void)f;
	return ++*(int *)arg > 100000;
}

int __wrap_pts_transact(struct ptscope *h, struct nl_msg *msg, const char *what, pts_reply_fn fn,
			void *arg);

/*
 * The replies: each chunk of input is "u16 length, then that many bytes of
 * attributes" after a generic netlink header.
 */
int __wrap_pts_transact(struct ptscope *h, struct nl_msg *msg, const char *what, pts_reply_fn fn,
			void *arg)
{
	static uint8_t buf[NLMSG_HDRLEN + GENL_HDRLEN + 65536] __attribute__((aligned(8)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t off = 0;
	int ret = 0;

	(void)h;
	(void)what;
	nlmsg_free(msg);
	while (!ret && off + 2 <= in_len) {
		size_t len = (size_t)in[off] | (size_t)in[off + 1] << 8;

		off += 2;
		if (len > in_len - off)
			len = in_len - off;
		memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
		memcpy(buf + NLMSG_HDRLEN + GENL_HDRLEN, in + off, len);
		off += len;
		nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + GENL_HDRLEN + len);
		nlh->nlmsg_type = 0x20;
		ret = fn(nlh, arg);
	}
	return ret;
}

/* An NLMSG_ERROR carrying the input as its tail (the echoed request and TLVs). */
static void fuzz_extack(const uint8_t *data, size_t size)
{
	static uint8_t buf[NLMSG_HDRLEN + sizeof(struct nlmsgerr) + 65536]
		__attribute__((aligned(8)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = NLMSG_DATA(nlh);

	if (size > 65536)
		size = 65536;
	memset(buf, 0, NLMSG_HDRLEN + sizeof(*e));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags =
		size && (data[0] & 1) ? NLM_F_ACK_TLVS | (data[0] & 2 ? NLM_F_CAPPED : 0) : 0;
	nlh->nlmsg_len = (uint32_t)(NLMSG_HDRLEN + sizeof(*e) + size);
	e->error = -EINVAL;
	e->msg.nlmsg_len = size >= 4 ? (uint32_t)data[1] << 2 : 0;
	memcpy(buf + NLMSG_HDRLEN + sizeof(*e), data, size);
	(void)pts_extack_msg(nlh);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptscope h = { .sock = NULL, .family = 0x20 };
	struct ptscope_info info;
	struct ptscope_xlate x;
	struct ptscope_phys p;
	struct ptscope_iommu io;
	int n = 0;

	if (size < 1)
		return 0;
	in = data + 1;
	in_len = size - 1;
	switch (data[0] % 8) {
	case 0:
		ptscope_get_info(&h, &info);
		break;
	case 1:
		ptscope_xlate(&h, 1, 0x1000, &x);
		break;
	case 2:
		ptscope_walk(&h, 1, 0, 0x7ffffffff000ULL, 0, count_page, &n);
		break;
	case 3:
		ptscope_maps(&h, 1, count_vma, &n);
		break;
	case 4:
		ptscope_faults(&h, 0, count_fault, &n);
		break;
	case 5:
		ptscope_phys(&h, 0x1000, &p);
		break;
	case 6:
		ptscope_iommu(&h, "0000:00:02.0", 0, 0, &io);
		break;
	default:
		fuzz_extack(in, in_len);
		break;
	}
	return 0;
}
