// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The netlink conversation with ptscope.ko: one generic netlink socket per
 * handle, requests with acks, dumps, and the kernel's extended-ack messages
 * turned into ptscope_errmsg() text.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "internal.h"
#include "uapi/ptscope.h"
#include "version.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* libnl errors as errnos, for callers that expect the kernel's vocabulary. */
static int nl_to_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_PERM:
		return -EPERM;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_AF_NOSUPPORT:
	case NLE_PROTO_MISMATCH:
		return -EPROTONOSUPPORT;
	default:
		return -EIO;
	}
}

static int open_module(struct ptscope **handle)
{
	struct ptscope *h;
	int one = 1;
	int ret;

	h = calloc(1, sizeof(*h));
	if (!h)
		return pts_fail(-ENOMEM, "out of memory");
	h->trace = getenv("PTSCOPE_TRACE") && strcmp(getenv("PTSCOPE_TRACE"), "0");
	h->sock = nl_socket_alloc();
	if (!h->sock) {
		free(h);
		return pts_fail(-ENOMEM, "out of memory");
	}
	ret = genl_connect(h->sock);
	if (ret < 0) {
		ret = nl_to_errno(ret);
		pts_fail(ret, "cannot open a generic netlink socket: %s", strerror(-ret));
		goto err;
	}
	/*
	 * Ask for the kernel's explanation of refused requests, and not for
	 * an echo of the request itself. Kernels without these options still
	 * work; errors then carry only the errno.
	 */
	setsockopt(nl_socket_get_fd(h->sock), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(h->sock), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/*
	 * The kernel sizes dump messages to what the reader receives: a 32 KiB
	 * buffer (its maximum) means fewer, fuller messages in long walks.
	 */
	nl_socket_set_msg_buf_size(h->sock, 32768);
	nl_socket_set_buffer_size(h->sock, 1 << 20, 0);

	h->family = genl_ctrl_resolve(h->sock, PTSCOPE_GENL_NAME);
	if (h->family < 0) {
		ret = nl_to_errno(h->family);
		if (ret == -ENOENT)
			pts_fail(ret,
				 "kernel module ptscope is not loaded (try: modprobe ptscope)");
		else
			pts_fail(ret, "cannot look up the ptscope netlink family: %s",
				 nl_geterror(h->family));
		goto err;
	}
	/*
	 * From here each request asks for an ack only when it has no reply
	 * (pts_msg_new), and checks sequence numbers itself (on_seq_check):
	 * libnl's check counts acks, and replies that end a request come
	 * without one.
	 */
	nl_socket_disable_auto_ack(h->sock);
	nl_socket_disable_seq_check(h->sock);
	h->source = PTSCOPE_SOURCE_MODULE;
	*handle = h;
	return 0;

err:
	nl_socket_free(h->sock);
	free(h);
	return ret;
}

static const char *const source_names[] = { "auto", "module", "procfs" };

const char *ptscope_source_name(int source)
{
	return source >= 0 ? PTS_NAME(source_names, (unsigned int)source) : NULL;
}

int ptscope_source(const struct ptscope *h)
{
	return h->source;
}

int ptscope_open_source(struct ptscope **handle, int source)
{
	int ret;

	pts_clear_error();
	*handle = NULL;
	switch (source) {
	case PTSCOPE_SOURCE_MODULE:
		return open_module(handle);
	case PTSCOPE_SOURCE_PROCFS:
		return pts_procfs_open(handle);
	case PTSCOPE_SOURCE_AUTO:
		ret = open_module(handle);
		/* Only a module that is not there hands over to procfs. */
		return ret == -ENOENT ? pts_procfs_open(handle) : ret;
	default:
		return pts_fail(-EINVAL, "unknown source %d (module %d, procfs %d, auto %d)",
				source, PTSCOPE_SOURCE_MODULE, PTSCOPE_SOURCE_PROCFS,
				PTSCOPE_SOURCE_AUTO);
	}
}

/*
 * libptscope 1.0's ptscope_open(): the module only, as it was. A program
 * linked before the procfs source cannot read the unknown bits, so it must
 * not get answers that need them; programs built since link the one below.
 */
int pts_open_module_only(struct ptscope **handle)
{
	pts_clear_error();
	*handle = NULL;
	return open_module(handle);
}
__asm__(".symver pts_open_module_only,ptscope_open@LIBPTSCOPE_1");
__asm__(".symver pts_open_any,ptscope_open@@LIBPTSCOPE_1.2");

int pts_open_any(struct ptscope **handle)
{
	const char *env = getenv("PTSCOPE_SOURCE");
	int source;

	*handle = NULL;
	if (!env || !*env)
		return ptscope_open_source(handle, PTSCOPE_SOURCE_AUTO);
	for (source = PTSCOPE_SOURCE_AUTO; source <= PTSCOPE_SOURCE_PROCFS; source++)
		if (!strcmp(env, source_names[source]))
			return ptscope_open_source(handle, source);
	return pts_fail(-EINVAL, "PTSCOPE_SOURCE='%s' is none of module, procfs, auto", env);
}

void ptscope_close(struct ptscope *h)
{
	if (!h)
		return;
	if (h->sock)
		nl_socket_free(h->sock);
	free(h);
}

struct nl_msg *pts_msg_new(struct ptscope *h, uint8_t cmd, int flags)
{
	/*
	 * Requests are a few dozen bytes, but for XLATE_MANY's addresses.
	 * nlmsg_alloc() would clear a whole page for each, which glibc does
	 * with a string instruction (slow under QEMU's TCG, where xlate round
	 * trips are measured).
	 */
	size_t room = 1024;
	struct nl_msg *msg;

	if (cmd == PTSCOPE_CMD_XLATE_MANY)
		room += PTSCOPE_XLATE_MANY_MAX * sizeof(uint64_t);
	msg = nlmsg_alloc_size(room);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, h->family, 0, flags, cmd,
			 PTSCOPE_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Extended-ack attributes follow the struct nlmsgerr (plus the echoed
 * request unless it was capped) in NLMSG_ERROR, or the error int in
 * NLMSG_DONE, when the kernel set NLM_F_ACK_TLVS.
 */
const char *pts_extack_msg(const struct nlmsghdr *nlh)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off, payload;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len < NLMSG_HDRLEN)
		return NULL;
	payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = nlmsg_data(nlh);

		if (payload < sizeof(*e))
			return NULL;
		off = sizeof(*e);
		/*
		 * Uncapped, the request is echoed before the TLVs: its length
		 * must be a header's at least and fit (found by fuzzing).
		 */
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < NLMSG_HDRLEN ||
			    NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN > payload - off)
				return NULL;
			off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		off = NLMSG_ALIGN(sizeof(int));
	} else {
		return NULL;
	}
	if (payload <= off || payload - off > INT_MAX)
		return NULL;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlmsg_data(nlh) + off),
		      (int)(payload - off), NULL))
		return NULL;
	if (!tb[NLMSGERR_ATTR_MSG] || nla_len(tb[NLMSGERR_ATTR_MSG]) < 1)
		return NULL;
	/* The kernel NUL-terminates it; do not trust a truncated copy. */
	if (((char *)nla_data(tb[NLMSGERR_ATTR_MSG]))[nla_len(tb[NLMSGERR_ATTR_MSG]) - 1])
		return NULL;
	return nla_data(tb[NLMSGERR_ATTR_MSG]);
}

struct transact {
	const char *what;
	pts_reply_fn fn;
	void *arg;
	int err; /* first failure: a reply @fn refused, or the kernel's */
	bool done; /* the kernel's ack, error or end of dump arrived */
	bool reply_ends; /* a request answered by one reply, without an ack */
	unsigned int seq; /* the request's sequence number */
};

static int kernel_error(struct transact *t, const struct nlmsghdr *nlh, int err)
{
	const char *msg = pts_extack_msg(nlh);

	if (msg)
		return pts_fail(err, "%s", msg);
	/* netlink's own refusal of a dump whose module is on its way out */
	if (err == -EPROTONOSUPPORT)
		return pts_fail(err, "%s failed: the ptscope module is being unloaded", t->what);
	return pts_fail(err, "%s failed: %s", t->what, strerror(-err));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct transact *t = arg;

	(void)nla;
	if (!t->err)
		t->err = kernel_error(t, nlh, e->error);
	t->done = true;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct transact *t = arg;
	int err = 0;

	/* A dump that failed part-way carries the errno in NLMSG_DONE. */
	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
		memcpy(&err, nlmsg_data(nlh), sizeof(int));
	if (err < 0 && !t->err)
		t->err = kernel_error(t, nlh, err);
	t->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;

	(void)msg;
	t->done = true;
	return NL_STOP;
}

/*
 * libnl's own check expects each request to end with an ack; requests
 * answered by a reply alone have none. Match the request's sequence number
 * instead, and drop anything else as a leftover of an earlier request.
 */
static int on_seq_check(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == t->seq ? NL_OK : NL_SKIP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transact *t = arg;

	/*
	 * After a refused reply keep reading, without parsing, up to the
	 * ack: leftovers would otherwise answer the handle's next request.
	 */
	if (!t->err)
		t->err = t->fn(nlmsg_hdr(msg), t->arg);
	if (t->reply_ends) {
		t->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

int pts_transact(struct ptscope *h, struct nl_msg *msg, const char *what, pts_reply_fn fn,
		 void *arg)
{
	struct transact t = { .what = what, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	pts_clear_error();
	if (!h->sock) {
		nlmsg_free(msg);
		return pts_fail(-EOPNOTSUPP,
				"%s needs the ptscope module; this handle reads /proc "
				"(source procfs)",
				what);
	}
	/*
	 * A request answered by a reply needs no ack as well: the reply, or the
	 * error that replaces it, ends it, one message sooner.
	 */
	t.reply_ends = !(nlmsg_hdr(msg)->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP));
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return pts_fail(-ENOMEM, "out of memory");
	}
	ret = nl_send_auto(h->sock, msg);
	t.seq = nlmsg_hdr(msg)->nlmsg_seq; /* set by nl_send_auto() */
	/* What a program asked of the module, and how often: for its author. */
	if (h->trace)
		fprintf(stderr, "libptscope: request %s (seq %u)\n", what, t.seq);
	nlmsg_free(msg);
	if (ret < 0) {
		t.err = pts_fail(nl_to_errno(ret), "cannot send %s to the module: %s", what,
				 nl_geterror(ret));
		goto out;
	}

	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, &t);

	while (!t.done) {
		ret = nl_recvmsgs(h->sock, cb);
		if (ret < 0 && !t.done) {
			/* The socket itself failed: no answer will come. */
			if (!t.err)
				t.err = pts_fail(nl_to_errno(ret),
						 "%s: receiving from the module failed: %s", what,
						 nl_geterror(ret));
			break;
		}
	}
out:
	nl_cb_put(cb);
	return t.err;
}

int pts_for_each_attr(struct nlmsghdr *nlh, int type, int (*fn)(struct nlattr *a, void *arg),
		      void *arg)
{
	struct nlattr *a;
	int rem, ret;

	nla_for_each_attr(a, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(a) != type)
			continue;
		ret = fn(a, arg);
		if (ret)
			return ret;
	}
	return 0;
}

const char *ptscope_lib_version(void)
{
	return PTSCOPE_VERSION;
}
