// SPDX-License-Identifier: LGPL-2.1-or-later
/* XLATE: one address through every page-table level. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "uapi/ptscope.h"

static const char *const level_names[] = PTSCOPE_LEVEL_NAMES;
static const char *const entry_names[__PTSCOPE_ENTRY_BIT_COUNT] = PTSCOPE_ENTRY_NAMES;

const char *ptscope_level_name(unsigned int level)
{
	return level < sizeof(level_names) / sizeof(level_names[0]) ? level_names[level] : NULL;
}

const char *ptscope_entry_flag_name(unsigned int bit)
{
	return bit < __PTSCOPE_ENTRY_BIT_COUNT ? entry_names[bit] : NULL;
}

static struct nla_policy level_policy[PTSCOPE_A_LEVEL_MAX + 1] = {
	[PTSCOPE_A_LEVEL_LEVEL] = { .type = NLA_U32 },
	[PTSCOPE_A_LEVEL_INDEX] = { .type = NLA_U32 },
	[PTSCOPE_A_LEVEL_TABLE_PHYS] = { .type = NLA_U64 },
	[PTSCOPE_A_LEVEL_ENTRY] = { .type = NLA_U64 },
	[PTSCOPE_A_LEVEL_FLAGS] = { .type = NLA_U64 },
	[PTSCOPE_A_LEVEL_LEAF_SIZE] = { .type = NLA_U64 },
	[PTSCOPE_A_LEVEL_PFN] = { .type = NLA_U64 },
};

static int parse_level(struct nlattr *nest, struct ptscope_xlate_level *l)
{
	struct nlattr *tb[PTSCOPE_A_LEVEL_MAX + 1];

	if (nla_parse_nested(tb, PTSCOPE_A_LEVEL_MAX, nest, level_policy) ||
	    !tb[PTSCOPE_A_LEVEL_LEVEL] || !tb[PTSCOPE_A_LEVEL_INDEX] ||
	    !tb[PTSCOPE_A_LEVEL_TABLE_PHYS] || !tb[PTSCOPE_A_LEVEL_ENTRY] ||
	    !tb[PTSCOPE_A_LEVEL_FLAGS])
		return pts_fail(-EPROTO, "malformed page-table level in XLATE reply");
	memset(l, 0, sizeof(*l));
	l->level = nla_get_u32(tb[PTSCOPE_A_LEVEL_LEVEL]);
	l->index = nla_get_u32(tb[PTSCOPE_A_LEVEL_INDEX]);
	l->table_phys = nla_get_u64(tb[PTSCOPE_A_LEVEL_TABLE_PHYS]);
	l->entry = nla_get_u64(tb[PTSCOPE_A_LEVEL_ENTRY]);
	l->flags = nla_get_u64(tb[PTSCOPE_A_LEVEL_FLAGS]);
	if (tb[PTSCOPE_A_LEVEL_LEAF_SIZE])
		l->leaf_size = nla_get_u64(tb[PTSCOPE_A_LEVEL_LEAF_SIZE]);
	if (tb[PTSCOPE_A_LEVEL_PFN]) {
		l->pfn = nla_get_u64(tb[PTSCOPE_A_LEVEL_PFN]);
		l->has_pfn = 1;
	}
	return 0;
}

int pts_parse_xlate(struct nlmsghdr *nlh, struct ptscope_xlate *x)
{
	struct nlattr *tb[PTSCOPE_A_MAX + 1];

	if (genlmsg_parse(nlh, 0, tb, PTSCOPE_A_MAX, NULL) || !tb[PTSCOPE_A_XLATE])
		return pts_fail(-EPROTO, "malformed XLATE reply from the module");
	return pts_parse_xlate_nest(tb[PTSCOPE_A_XLATE], x);
}

int pts_parse_xlate_nest(struct nlattr *nest, struct ptscope_xlate *x)
{
	struct nlattr *xt[PTSCOPE_A_XLATE_MAX + 1];
	struct nlattr *a;
	int rem, ret;

	if (nla_parse_nested(xt, PTSCOPE_A_XLATE_MAX, nest, NULL) || !xt[PTSCOPE_A_XLATE_ADDR] ||
	    nla_len(xt[PTSCOPE_A_XLATE_ADDR]) != 8)
		return pts_fail(-EPROTO, "malformed translation from the module");
	memset(x, 0, sizeof(*x));
	x->addr = nla_get_u64(xt[PTSCOPE_A_XLATE_ADDR]);
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != PTSCOPE_A_XLATE_LEVEL)
			continue; /* unknown to this library: skip */
		if (x->nr_levels == PTSCOPE_MAX_LEVELS)
			return pts_fail(-EPROTO, "XLATE reply has more than %d levels",
					PTSCOPE_MAX_LEVELS);
		ret = parse_level(a, &x->levels[x->nr_levels]);
		if (ret)
			return ret;
		x->nr_levels++;
	}
	if (!x->nr_levels)
		return pts_fail(-EPROTO, "XLATE reply has no levels");
	return 0;
}

static int on_xlate(struct nlmsghdr *nlh, void *arg)
{
	return pts_parse_xlate(nlh, arg);
}

static int put_addr(struct nl_msg *msg, const void *addr)
{
	return nla_put_u64(msg, PTSCOPE_A_ADDR, *(const uint64_t *)addr);
}

int ptscope_xlate(struct ptscope *h, uint32_t pid, uint64_t addr, struct ptscope_xlate *out)
{
	if (h->source == PTSCOPE_SOURCE_PROCFS)
		return pts_procfs_xlate(h, pid, addr, out);
	return pts_transact_pid(h, PTSCOPE_CMD_XLATE, 0, pid, put_addr, &addr, "XLATE", on_xlate,
				out);
}

/* XLATE_MANY's replies, matched to the addresses asked for, in order. */
struct many {
	const uint64_t *addrs;
	size_t n, got;
	struct ptscope_xlate *out;
};

static int on_one_of_many(struct nlattr *a, void *arg)
{
	struct many *m = arg;
	int ret;

	if (m->got == m->n)
		return pts_fail(-EPROTO, "XLATE_MANY replied with more translations than asked");
	ret = pts_parse_xlate_nest(a, &m->out[m->got]);
	if (ret)
		return ret;
	if (m->out[m->got].addr != m->addrs[m->got])
		return pts_fail(-EPROTO, "XLATE_MANY replied out of order (0x%llx for 0x%llx)",
				(unsigned long long)m->out[m->got].addr,
				(unsigned long long)m->addrs[m->got]);
	m->got++;
	return 0;
}

static int on_many(struct nlmsghdr *nlh, void *arg)
{
	return pts_for_each_attr(nlh, PTSCOPE_A_XLATE, on_one_of_many, arg);
}

static int put_addrs(struct nl_msg *msg, const void *arg)
{
	const struct many *m = arg;

	return nla_put(msg, PTSCOPE_A_ADDRS, (int)(m->n * sizeof(*m->addrs)), m->addrs);
}

/*
 * One XLATE_MANY request: @n addresses, at most PTSCOPE_XLATE_MANY_MAX,
 * with the proof of the requests before it (*@proof). Tables that kept
 * changing under one translation fail the request: it is asked once more.
 */
static int xlate_chunk(struct ptscope *h, uint32_t pid, int *proof, const uint64_t *addrs, size_t n,
		       struct ptscope_xlate *out)
{
	struct many m = { .addrs = addrs, .n = n, .out = out };
	int ret, tries = 2;

	do {
		m.got = 0;
		ret = pts_transact_pid_kept(h, PTSCOPE_CMD_XLATE_MANY, NLM_F_DUMP, pid, proof,
					    put_addrs, &m, "XLATE_MANY", on_many, &m);
	} while (ret == -EAGAIN && --tries);
	if (!ret && m.got != n)
		ret = pts_fail(-EPROTO, "XLATE_MANY answered %zu of %zu addresses", m.got, n);
	return ret;
}

/*
 * Every request about one proof: the process asked for, and no other that
 * takes over its pid between requests (exec, or exit and reuse).
 */
static int xlate_all(struct ptscope *h, uint32_t pid, int *proof, const uint64_t *addrs, size_t n,
		     struct ptscope_xlate *out)
{
	size_t i, chunk;
	int ret;

	for (i = 0; i < n; i += chunk) {
		chunk = n - i < PTSCOPE_XLATE_MANY_MAX ? n - i : PTSCOPE_XLATE_MANY_MAX;
		ret = xlate_chunk(h, pid, proof, addrs + i, chunk, out + i);
		/* A module older than XLATE_MANY: one request per address. */
		if (ret == -EOPNOTSUPP && !i)
			break;
		if (ret)
			return ret;
	}
	for (; i < n; i++) {
		ret = pts_transact_pid_kept(h, PTSCOPE_CMD_XLATE, 0, pid, proof, put_addr,
					    &addrs[i], "XLATE", on_xlate, &out[i]);
		if (ret)
			return ret;
	}
	return 0;
}

int ptscope_xlate_many(struct ptscope *h, uint32_t pid, const uint64_t *addrs, size_t n,
		       struct ptscope_xlate *out)
{
	int proof = -1, ret;
	size_t i;

	if (h->source == PTSCOPE_SOURCE_PROCFS) {
		for (i = 0; i < n; i++) {
			ret = pts_procfs_xlate(h, pid, addrs[i], &out[i]);
			if (ret)
				return ret;
		}
		return 0;
	}
	ret = xlate_all(h, pid, &proof, addrs, n, out);
	if (proof >= 0)
		close(proof);
	return ret;
}
