// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nlprobe: send requests the library never would (stray attributes, unknown
 * commands) to check that the module refuses them with an errno and an
 * extended-ack message, and that libptscope hands both through.
 *
 *   nlprobe get-info-with-attr TYPE   GET_INFO carrying a u32 attribute TYPE
 *   nlprobe raw-cmd CMD               command number CMD, no attributes
 *   nlprobe get-info-after-error      a refused request, then a good GET_INFO
 *
 * Prints "errno N: message" and exits 1 when the request is refused, prints
 * "ok" and exits 0 when it succeeds, exits 2 on a usage or setup error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>

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
			"usage: nlprobe get-info-with-attr TYPE | raw-cmd CMD | get-info-after-error\n");
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
