// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Fault records: the kept ones (GET_FAULTS), forgetting them, and the live
 * ones from the "faults" multicast group.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "internal.h"
#include "uapi/ptscope.h"

static int parse_vma(struct nlattr *nest, struct ptscope_fault_vma *v)
{
	struct nlattr *tb[PTSCOPE_A_VMA_MAX + 1];

	memset(v, 0, sizeof(*v));
	if (!nest)
		return 0;
	if (nla_parse_nested(tb, PTSCOPE_A_VMA_MAX, nest, pts_vma_policy) ||
	    !tb[PTSCOPE_A_VMA_START] || !tb[PTSCOPE_A_VMA_END])
		return pts_fail(-EPROTO, "malformed VMA in a fault record");
	v->present = 1;
	v->start = pts_attr_u64(tb, PTSCOPE_A_VMA_START);
	v->end = pts_attr_u64(tb, PTSCOPE_A_VMA_END);
	v->flags = pts_attr_u64(tb, PTSCOPE_A_VMA_FLAGS);
	v->pgoff = pts_attr_u64(tb, PTSCOPE_A_VMA_PGOFF);
	v->backing = pts_attr_u32(tb, PTSCOPE_A_VMA_BACKING);
	if (tb[PTSCOPE_A_VMA_NAME])
		snprintf(v->name, sizeof(v->name), "%s", (char *)nla_data(tb[PTSCOPE_A_VMA_NAME]));
	return 0;
}

static struct nla_policy fault_policy[PTSCOPE_A_FAULT_MAX + 1] = {
	[PTSCOPE_A_FAULT_REC_ID] = { .type = NLA_U64 },
	[PTSCOPE_A_FAULT_TIME_NS] = { .type = NLA_U64 },
	[PTSCOPE_A_FAULT_PID] = { .type = NLA_U32 },
	[PTSCOPE_A_FAULT_TID] = { .type = NLA_U32 },
	[PTSCOPE_A_FAULT_UID] = { .type = NLA_U32 },
	[PTSCOPE_A_FAULT_COMM] = { .type = NLA_STRING },
	[PTSCOPE_A_FAULT_EXE] = { .type = NLA_STRING },
	[PTSCOPE_A_FAULT_SIGNAL] = { .type = NLA_U32 },
	[PTSCOPE_A_FAULT_CODE] = { .type = NLA_U32 },
	[PTSCOPE_A_FAULT_ADDR] = { .type = NLA_U64 },
	[PTSCOPE_A_FAULT_IP] = { .type = NLA_U64 },
	[PTSCOPE_A_FAULT_SP] = { .type = NLA_U64 },
	[PTSCOPE_A_FAULT_ERROR] = { .type = NLA_U64 },
	[PTSCOPE_A_FAULT_TRAP] = { .type = NLA_U32 },
	[PTSCOPE_A_FAULT_HANDLED] = { .type = NLA_U32 },
	[PTSCOPE_A_FAULT_SNAPSHOT] = { .type = NLA_U32 },
	[PTSCOPE_A_FAULT_VMA] = { .type = NLA_NESTED },
	[PTSCOPE_A_FAULT_VMA_BELOW] = { .type = NLA_NESTED },
	[PTSCOPE_A_FAULT_VMA_ABOVE] = { .type = NLA_NESTED },
	[PTSCOPE_A_FAULT_STACK_START] = { .type = NLA_U64 },
	[PTSCOPE_A_FAULT_STACK_END] = { .type = NLA_U64 },
	[PTSCOPE_A_FAULT_XLATE_ADDR] = { .type = NLA_NESTED },
	[PTSCOPE_A_FAULT_XLATE_IP] = { .type = NLA_NESTED },
	[PTSCOPE_A_FAULT_ESR] = { .type = NLA_U64 },
};

static void copy_str(char *dst, size_t len, struct nlattr *a)
{
	snprintf(dst, len, "%s", a ? (char *)nla_data(a) : "");
}

/* A record from the attributes inside its PTSCOPE_A_FAULT nest. */
static int parse_fault(const void *raw, size_t len, uint32_t arch, struct ptscope_fault *f)
{
	struct nlattr *tb[PTSCOPE_A_FAULT_MAX + 1];
	int ret;

	if (len > INT32_MAX ||
	    nla_parse(tb, PTSCOPE_A_FAULT_MAX, (struct nlattr *)raw, (int)len, fault_policy) ||
	    !tb[PTSCOPE_A_FAULT_REC_ID] || !tb[PTSCOPE_A_FAULT_SIGNAL] || !tb[PTSCOPE_A_FAULT_ADDR])
		return pts_fail(-EPROTO, "malformed fault record from the module");
	memset(f, 0, sizeof(*f));
	f->id = pts_attr_u64(tb, PTSCOPE_A_FAULT_REC_ID);
	f->time_ns = pts_attr_u64(tb, PTSCOPE_A_FAULT_TIME_NS);
	f->pid = pts_attr_u32(tb, PTSCOPE_A_FAULT_PID);
	f->tid = pts_attr_u32(tb, PTSCOPE_A_FAULT_TID);
	f->uid = pts_attr_u32(tb, PTSCOPE_A_FAULT_UID);
	copy_str(f->comm, sizeof(f->comm), tb[PTSCOPE_A_FAULT_COMM]);
	copy_str(f->exe, sizeof(f->exe), tb[PTSCOPE_A_FAULT_EXE]);
	f->signal = pts_attr_u32(tb, PTSCOPE_A_FAULT_SIGNAL);
	f->code = pts_attr_u32(tb, PTSCOPE_A_FAULT_CODE);
	f->addr = pts_attr_u64(tb, PTSCOPE_A_FAULT_ADDR);
	f->ip = pts_attr_u64(tb, PTSCOPE_A_FAULT_IP);
	f->sp = pts_attr_u64(tb, PTSCOPE_A_FAULT_SP);
	f->error = pts_attr_u64(tb, PTSCOPE_A_FAULT_ERROR);
	f->trap = pts_attr_u32(tb, PTSCOPE_A_FAULT_TRAP);
	f->handled = pts_attr_u32(tb, PTSCOPE_A_FAULT_HANDLED);
	f->snapshot = pts_attr_u32(tb, PTSCOPE_A_FAULT_SNAPSHOT);
	f->stack_start = pts_attr_u64(tb, PTSCOPE_A_FAULT_STACK_START);
	f->stack_end = pts_attr_u64(tb, PTSCOPE_A_FAULT_STACK_END);
	/*
	 * The record's machine is the module's: only arm64 modules send an
	 * ESR, and not with every record (a signal that no fault raised, sent
	 * by a process or forged by a tracer, has none).
	 */
	f->has_esr = !!tb[PTSCOPE_A_FAULT_ESR];
	f->esr = pts_attr_u64(tb, PTSCOPE_A_FAULT_ESR);
	f->arch = arch;
	ret = parse_vma(tb[PTSCOPE_A_FAULT_VMA], &f->vma);
	if (!ret)
		ret = parse_vma(tb[PTSCOPE_A_FAULT_VMA_BELOW], &f->below);
	if (!ret)
		ret = parse_vma(tb[PTSCOPE_A_FAULT_VMA_ABOVE], &f->above);
	if (!ret && tb[PTSCOPE_A_FAULT_XLATE_ADDR])
		ret = pts_parse_xlate_nest(tb[PTSCOPE_A_FAULT_XLATE_ADDR], &f->xlate_addr);
	if (!ret && tb[PTSCOPE_A_FAULT_XLATE_IP])
		ret = pts_parse_xlate_nest(tb[PTSCOPE_A_FAULT_XLATE_IP], &f->xlate_ip);
	return ret;
}

int ptscope_fault_parse(const void *raw, size_t len, uint32_t arch, struct ptscope_fault *f)
{
	if (!raw || !f)
		return pts_fail(-EINVAL, "no record to read");
	if (arch != PTSCOPE_ARCH_X86_64 && arch != PTSCOPE_ARCH_ARM64)
		return pts_fail(-EINVAL, "a fault record of machine %u: not one ptscope knows",
				arch);
	return parse_fault(raw, len, arch, f);
}

/* fn or raw_fn: what the caller asked for (one of them is NULL). */
struct faults_ctx {
	ptscope_fault_fn fn;
	void *arg;
	int stop;
	uint32_t arch;
	ptscope_fault_raw_fn raw_fn;
};

static int on_fault(struct nlattr *a, void *arg)
{
	struct faults_ctx *c = arg;
	struct ptscope_fault f;
	int ret = parse_fault(nla_data(a), (size_t)nla_len(a), c->arch, &f);

	if (!ret)
		ret = c->raw_fn ? c->raw_fn(&f, nla_data(a), (size_t)nla_len(a), c->arg) :
				  c->fn(&f, c->arg);
	c->stop = ret;
	return ret;
}

static int on_faults_msg(struct nlmsghdr *nlh, void *arg)
{
	return pts_for_each_attr(nlh, PTSCOPE_A_FAULT, on_fault, arg);
}

static int get_faults(struct ptscope *h, uint64_t id, struct faults_ctx *c)
{
	struct ptscope_machine m;
	struct nl_msg *msg;
	int ret;

	if (!h->arch) {
		ret = ptscope_get_machine(h, &m);
		if (ret)
			return ret;
	}
	c->arch = h->arch;
	msg = pts_msg_new(h, PTSCOPE_CMD_GET_FAULTS, NLM_F_DUMP);
	if (!msg)
		return pts_fail(-ENOMEM, "out of memory");
	if (id && nla_put_u64(msg, PTSCOPE_A_FAULT_ID, id) < 0) {
		nlmsg_free(msg);
		return pts_fail(-ENOMEM, "out of memory");
	}
	return pts_transact(h, msg, "GET_FAULTS", on_faults_msg, c);
}

int ptscope_faults(struct ptscope *h, uint64_t id, ptscope_fault_fn fn, void *arg)
{
	struct faults_ctx c = { .fn = fn, .arg = arg };

	return get_faults(h, id, &c);
}

int ptscope_faults_raw(struct ptscope *h, uint64_t id, ptscope_fault_raw_fn fn, void *arg)
{
	struct faults_ctx c = { .raw_fn = fn, .arg = arg };

	if (!fn)
		return pts_fail(-EINVAL, "no function to call with the records");
	return get_faults(h, id, &c);
}

static int on_nothing(struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	return 0;
}

int ptscope_faults_clear(struct ptscope *h)
{
	struct nl_msg *msg = pts_msg_new(h, PTSCOPE_CMD_CLEAR_FAULTS, NLM_F_ACK);

	if (!msg)
		return pts_fail(-ENOMEM, "out of memory");
	return pts_transact(h, msg, "CLEAR_FAULTS", on_nothing, NULL);
}

struct follow_ctx {
	struct ptscope *h;
	struct faults_ctx c;
};

/*
 * An event announces a record with pids as the initial pid namespace numbers
 * them. The record itself is read back through GET_FAULTS, which answers in
 * the follower's own namespaces: the pids it would see, and nothing from a
 * process it cannot see (then, or if the record is already gone: ENOENT).
 */
static int on_announced(struct nlattr *a, void *arg)
{
	struct follow_ctx *f = arg;
	struct nlattr *tb[PTSCOPE_A_MAX + 1];
	struct faults_ctx c = f->c;
	int ret;

	if (nla_parse_nested(tb, PTSCOPE_A_MAX, a, NULL) < 0 || !tb[PTSCOPE_A_FAULT_REC_ID])
		return 0; /* not a record we can name: ignored, as unknown attributes are */
	ret = get_faults(f->h, nla_get_u64(tb[PTSCOPE_A_FAULT_REC_ID]), &c);
	if (ret == -ENOENT)
		return 0;
	f->c.stop = ret;
	return ret;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct follow_ctx *f = arg;

	if (genlmsg_hdr(nlh)->cmd != PTSCOPE_CMD_FAULT_EVENT)
		return NL_SKIP;
	pts_for_each_attr(nlh, PTSCOPE_A_FAULT, on_announced, f);
	return f->c.stop ? NL_STOP : NL_OK;
}

/*
 * Quiet for @idle_ms: the caller is asked (a NULL record) whether to go on,
 * and the module is asked whether it is still there. An unloaded module's
 * group just goes silent, and a reloaded one is a new family with a new
 * group: -ENODEV either way, for the caller to open a new handle.
 */
static int on_idle(struct follow_ctx *f)
{
	int id;

	if (f->c.raw_fn) {
		f->c.stop = f->c.raw_fn(NULL, NULL, 0, f->c.arg);
		if (f->c.stop)
			return f->c.stop;
	}
	id = genl_ctrl_resolve(f->h->sock, PTSCOPE_GENL_NAME);
	if (id < 0 || id != f->h->family)
		return pts_fail(-ENODEV, "the ptscope module went away (unloaded%s)",
				id < 0 ? "" : ", then loaded again");
	return 0;
}

static int follow(struct ptscope *h, int idle_ms, struct follow_ctx *f)
{
	struct nl_sock *sock;
	int grp, ret;

	grp = genl_ctrl_resolve_grp(h->sock, PTSCOPE_GENL_NAME, PTSCOPE_MCGRP_FAULTS);
	if (grp < 0)
		return pts_fail(-ENOENT, "the module has no '%s' multicast group (too old?)",
				PTSCOPE_MCGRP_FAULTS);
	/* Events on a socket of their own: requests keep the handle's. */
	sock = nl_socket_alloc();
	if (!sock)
		return pts_fail(-ENOMEM, "out of memory");
	nl_socket_disable_seq_check(sock);
	nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM, on_event, f);
	ret = genl_connect(sock);
	if (!ret) {
		nl_socket_set_buffer_size(sock, 4 << 20, 0);
		ret = nl_socket_add_membership(sock, grp);
		if (ret < 0) {
			ret = pts_fail(
				-EPERM,
				"cannot follow fault records: joining the group needs CAP_SYS_ADMIN");
			goto out;
		}
	} else {
		ret = pts_fail(-EIO, "cannot open a generic netlink socket");
		goto out;
	}
	while (!f->c.stop) {
		if (idle_ms > 0) {
			struct pollfd p = { .fd = nl_socket_get_fd(sock), .events = POLLIN };
			int n = poll(&p, 1, idle_ms);

			if (n < 0 && errno != EINTR) {
				ret = pts_fail(-errno, "waiting for fault records: %s",
					       strerror(errno));
				goto out;
			}
			if (n <= 0) {
				ret = on_idle(f);
				if (ret)
					goto out;
				continue;
			}
		}
		ret = nl_recvmsgs_default(sock);
		if (ret == -NLE_NOMEM || ret == -NLE_MSG_OVERFLOW) {
			ret = pts_fail(-ENOBUFS, "fault records were lost: the reader fell behind");
			goto out;
		}
		if (ret < 0 && !f->c.stop) {
			ret = pts_fail(-EIO, "receiving fault records: %s", nl_geterror(ret));
			goto out;
		}
	}
	ret = f->c.stop;
out:
	nl_socket_free(sock);
	return ret;
}

int ptscope_faults_follow(struct ptscope *h, ptscope_fault_fn fn, void *arg)
{
	struct follow_ctx f = { h, { .fn = fn, .arg = arg } };

	return follow(h, 0, &f);
}

int ptscope_faults_follow_raw(struct ptscope *h, int idle_ms, ptscope_fault_raw_fn fn, void *arg)
{
	struct follow_ctx f = { h, { .raw_fn = fn, .arg = arg } };

	if (!fn)
		return pts_fail(-EINVAL, "no function to call with the records");
	return follow(h, idle_ms, &f);
}
