// SPDX-License-Identifier: LGPL-2.1-or-later
/* TABLES: stream the page-table pages of a range of a process. */
#include <errno.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "uapi/ptscope.h"

static struct nla_policy table_policy[PTSCOPE_A_TABLE_MAX + 1] = {
	[PTSCOPE_A_TABLE_LEVEL] = { .type = NLA_U32 },
	[PTSCOPE_A_TABLE_ADDR] = { .type = NLA_U64 },
	[PTSCOPE_A_TABLE_ENTRIES] = { .type = NLA_U32 },
	[PTSCOPE_A_TABLE_USED] = { .type = NLA_U32 },
	[PTSCOPE_A_TABLE_LEAVES] = { .type = NLA_U32 },
	[PTSCOPE_A_TABLE_PHYS] = { .type = NLA_U64 },
	[PTSCOPE_A_TABLE_FLAGS] = { .type = NLA_U32 },
};

struct tables_ctx {
	ptscope_table_fn fn;
	void *arg;
};

static int on_table(struct nlattr *nest, void *arg)
{
	struct nlattr *tb[PTSCOPE_A_TABLE_MAX + 1];
	struct tables_ctx *c = arg;
	struct ptscope_table t;

	if (nla_parse_nested(tb, PTSCOPE_A_TABLE_MAX, nest, table_policy) ||
	    !tb[PTSCOPE_A_TABLE_LEVEL] || !tb[PTSCOPE_A_TABLE_ADDR] ||
	    !tb[PTSCOPE_A_TABLE_ENTRIES] || !tb[PTSCOPE_A_TABLE_USED])
		return pts_fail(-EPROTO, "malformed table record in TABLES reply");
	memset(&t, 0, sizeof(t));
	t.level = nla_get_u32(tb[PTSCOPE_A_TABLE_LEVEL]);
	t.addr = nla_get_u64(tb[PTSCOPE_A_TABLE_ADDR]);
	t.entries = nla_get_u32(tb[PTSCOPE_A_TABLE_ENTRIES]);
	t.used = nla_get_u32(tb[PTSCOPE_A_TABLE_USED]);
	t.leaves = pts_attr_u32(tb, PTSCOPE_A_TABLE_LEAVES);
	t.flags = pts_attr_u32(tb, PTSCOPE_A_TABLE_FLAGS);
	t.has_phys = !!tb[PTSCOPE_A_TABLE_PHYS];
	t.phys = pts_attr_u64(tb, PTSCOPE_A_TABLE_PHYS);
	if (t.used > t.entries || t.leaves > t.used)
		return pts_fail(-EPROTO, "inconsistent table record in TABLES reply");
	return c->fn(&t, c->arg);
}

static int on_tables_msg(struct nlmsghdr *nlh, void *arg)
{
	return pts_for_each_attr(nlh, PTSCOPE_A_TABLE, on_table, arg);
}

struct tables_range {
	uint64_t start, end; /* end 0: to the top */
};

static int put_range(struct nl_msg *msg, const void *arg)
{
	const struct tables_range *r = arg;

	if (nla_put_u64(msg, PTSCOPE_A_START, r->start) < 0 ||
	    (r->end && nla_put_u64(msg, PTSCOPE_A_END, r->end) < 0))
		return -ENOMEM;
	return 0;
}

int ptscope_tables(struct ptscope *h, uint32_t pid, uint64_t start, uint64_t end,
		   ptscope_table_fn fn, void *arg)
{
	struct tables_ctx c = { .fn = fn, .arg = arg };
	struct tables_range r = { start, end };

	if (h->source == PTSCOPE_SOURCE_PROCFS)
		return pts_fail(-EOPNOTSUPP,
				"page-table pages are not visible from procfs (VmPTE in "
				"/proc/PID/status has only their total): load the module");
	return pts_transact_pid(h, PTSCOPE_CMD_TABLES, NLM_F_DUMP, pid, put_range, &r, "TABLES",
				on_tables_msg, &c);
}
