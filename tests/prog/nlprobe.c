// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlprobe: send requests the library never would (stray attributes, unknown
 * commands) to check that the module refuses them with an errno and an
 * extended-ack message, and that libptscope hands both through.
 *
 *   nlprobe get-info-with-attr TYPE   GET_INFO carrying a u32 attribute TYPE
 *   nlprobe raw-cmd CMD               command number CMD, no attributes
 *   nlprobe get-info-after-error      a refused request, then a good GET_INFO
 *   nlprobe walk-fields PID FIELDS    a packed WALK of process PID asking for
 *                                     PTSCOPE_A_WALK_FIELDS = FIELDS, as runs:
 *                                     prints the records, the present ones,
 *                                     and how many carry a field of the frame
 *                                     or COW group (which must then be 0
 *                                     when not asked for)
 *
 * Prints "errno N: message" and exits 1 when the request is refused, prints
 * "ok" and exits 0 when it succeeds, exits 2 on a usage or setup error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "uapi/ptscope.h"

static int ignore_reply(struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return 0;
}

static int send_cmd(struct ptscope *h, int cmd, int attr_type)
{
	struct nl_msg *msg = pts_msg_new(h, (uint8_t)cmd, 0);

	if (!msg)
		return -ENOMEM;
	if (attr_type >= 0 && nla_put_u32(msg, attr_type, 1) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return pts_transact(h, msg, "probe", ignore_reply, NULL);
}

struct walk_count {
	unsigned long records, present, frame, cow;
};

/* Count the raw records of one WALK reply (module output, not the library's). */
static int count_recs(struct nlmsghdr *nlh, void *arg)
{
	struct walk_count *n = arg;
	struct ptscope_page_rec r;
	uint32_t size = 0, off;
	struct nlattr *a;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) == PTSCOPE_A_PAGE_REC_SIZE)
			size = nla_get_u32(a);
		if (nla_type(a) != PTSCOPE_A_PAGE_RECS || size < sizeof(r))
			continue;
		for (off = 0; off + size <= (uint32_t)nla_len(a); off += size) {
			memcpy(&r, (char *)nla_data(a) + off, sizeof(r));
			n->records++;
			n->present += r.state == PTSCOPE_STATE_PRESENT;
			n->frame += r.kind || r.pflags || r.mapcount || r.refcount || r.pincount ||
				    (r.has & (PTSCOPE_REC_HAS_PAGE | PTSCOPE_REC_HAS_PINCOUNT |
					      PTSCOPE_REC_HAS_RES));
			n->cow += r.cow != 0;
		}
	}
	return 0;
}

static int walk_fields(struct ptscope *h, uint32_t pid, uint32_t fields)
{
	struct nl_msg *msg = pts_msg_new(h, PTSCOPE_CMD_WALK, NLM_F_DUMP);
	struct walk_count n = { 0 };
	int ret;

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, PTSCOPE_A_PID, pid) < 0 ||
	    nla_put_u32(msg, PTSCOPE_A_WALK_FLAGS, PTSCOPE_WALK_RUNS | PTSCOPE_WALK_PACKED) < 0 ||
	    nla_put_u32(msg, PTSCOPE_A_WALK_FIELDS, fields) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	ret = pts_transact(h, msg, "WALK", count_recs, &n);
	if (!ret)
		printf("records %lu present %lu frame %lu cow %lu\n", n.records, n.present, n.frame,
		       n.cow);
	return ret;
}

static int report(int ret)
{
	if (ret) {
		printf("errno %d: %s\n", -ret, ptscope_errmsg());
		return 1;
	}
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct ptscope_info info;
	struct ptscope *h;
	int ret;

	if (argc < 2) {
		fprintf(stderr,
			"usage: nlprobe get-info-with-attr TYPE | raw-cmd CMD | get-info-after-error |"
			" walk-fields PID FIELDS\n");
		return 2;
	}
	if (ptscope_open(&h)) {
		fprintf(stderr, "nlprobe: %s\n", ptscope_errmsg());
		return 2;
	}
	if (!strcmp(argv[1], "get-info-with-attr") && argc == 3) {
		ret = report(send_cmd(h, PTSCOPE_CMD_GET_INFO, atoi(argv[2])));
	} else if (!strcmp(argv[1], "raw-cmd") && argc == 3) {
		ret = report(send_cmd(h, atoi(argv[2]), -1));
	} else if (!strcmp(argv[1], "walk-fields") && argc == 4) {
		ret = report(walk_fields(h, (uint32_t)atoi(argv[2]),
					 (uint32_t)strtoul(argv[3], NULL, 0)));
	} else if (!strcmp(argv[1], "get-info-after-error")) {
		if (!send_cmd(h, PTSCOPE_CMD_GET_INFO, 200)) {
			fprintf(stderr, "nlprobe: the bad request was accepted\n");
			ret = 1;
		} else {
			ret = report(ptscope_get_info(h, &info));
		}
	} else {
		fprintf(stderr, "nlprobe: unknown probe '%s'\n", argv[1]);
		ret = 2;
	}
	ptscope_close(h);
	return ret;
}
