/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libptscope internals: shared by its files and its unit tests, not installed. */
#ifndef LIBPTSCOPE_INTERNAL_H
#define LIBPTSCOPE_INTERNAL_H

#include <netlink/msg.h>

#include "libptscope.h"

struct ptscope {
	struct nl_sock *sock;
	int family;
};

/* Record the failure message for ptscope_errmsg(); returns @err. */
int pts_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pts_clear_error(void);

/* A request for @cmd, ready for attributes; NULL (errno set) on ENOMEM. */
struct nl_msg *pts_msg_new(struct ptscope *h, uint8_t cmd, int flags);

/*
 * Called for each reply message; returns 0 to go on or a negative errno to
 * fail the request (after setting a message with pts_fail()).
 */
typedef int (*pts_reply_fn)(struct nlmsghdr *nlh, void *arg);

/*
 * Send @msg (always consumed) and feed every reply to @fn until the kernel
 * acknowledges, finishes the dump or reports an error. @what names the
 * request in messages ("GET_INFO").
 */
int pts_transact(struct ptscope *h, struct nl_msg *msg, const char *what,
		 pts_reply_fn fn, void *arg);

/* The extack message carried by an NLMSG_ERROR/NLMSG_DONE @nlh, or NULL. */
const char *pts_extack_msg(const struct nlmsghdr *nlh);

int pts_parse_info(struct nlmsghdr *nlh, struct ptscope_info *info);
int pts_parse_xlate(struct nlmsghdr *nlh, struct ptscope_xlate *x);

/* Call @fn for each PTSCOPE_A_PAGE record of a WALK message. */
int pts_parse_walk_msg(struct nlmsghdr *nlh, ptscope_page_fn fn, void *arg);

/* The name at @i of a fixed table, or NULL past its end. */
#define PTS_NAME(table, i) \
	((i) < sizeof(table) / sizeof((table)[0]) ? (table)[i] : NULL)

#endif
