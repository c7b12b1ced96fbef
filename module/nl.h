/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the netlink files: netlink.c has the family and its operations,
 * the others one request each (nl_walk.c, nl_phys.c, nl_faults.c,
 * nl_tables.c, nl_xlate_many.c).
 */
#ifndef PTSCOPE_NL_H
#define PTSCOPE_NL_H

#include <net/genetlink.h>

#include "ptscope.h"
#include "uapi/ptscope.h"

#define PTSCOPE_NL_MCGRPS 1

extern struct genl_family ptscope_genl_family;
extern const struct genl_multicast_group ptscope_mcgrps[PTSCOPE_NL_MCGRPS];

/* PTSCOPE_A_PAGEMAP_FD's range, and the caller's proof of access (target.c), or -1. */
extern struct netlink_range_validation ptscope_pagemap_fd_range;
int ptscope_nl_pagemap_fd(struct nlattr **attrs);
/* @x as a nest of type @type (PTSCOPE_A_XLATE, or a fault's translations). */
int ptscope_nl_put_xlate(struct sk_buff *skb, int type, const struct ptscope_xlate *x);
/* NL_SET_ERR_MSG() takes only literals; @msg must be as lasting (static). */
void ptscope_nl_static_msg(struct netlink_callback *cb, const char *msg);

extern const struct nla_policy ptscope_no_attrs_policy[PTSCOPE_A_MAX + 1];
extern const struct nla_policy ptscope_xlate_policy[PTSCOPE_A_MAX + 1];
extern const struct nla_policy ptscope_walk_policy[PTSCOPE_A_MAX + 1];
extern const struct nla_policy ptscope_vmas_policy[PTSCOPE_A_MAX + 1];
extern const struct nla_policy ptscope_phys_policy[PTSCOPE_A_MAX + 1];
extern const struct nla_policy ptscope_iommu_policy[PTSCOPE_A_MAX + 1];
extern const struct nla_policy ptscope_faults_policy[PTSCOPE_A_MAX + 1];
extern const struct nla_policy ptscope_tables_policy[PTSCOPE_A_MAX + 1];
extern const struct nla_policy ptscope_xlate_many_policy[PTSCOPE_A_MAX + 1];

int ptscope_nl_get_info(struct sk_buff *skb, struct genl_info *info);
int ptscope_nl_xlate(struct sk_buff *skb, struct genl_info *info);
int ptscope_nl_walk_start(struct netlink_callback *cb);
int ptscope_nl_walk_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ptscope_nl_walk_done(struct netlink_callback *cb);
int ptscope_nl_vmas_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ptscope_nl_phys(struct sk_buff *skb, struct genl_info *info);
int ptscope_nl_iommu(struct sk_buff *skb, struct genl_info *info);
int ptscope_nl_faults_start(struct netlink_callback *cb);
int ptscope_nl_faults_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ptscope_nl_clear_faults(struct sk_buff *skb, struct genl_info *info);
/*
 * The start of every dump over a target's address space: PTSCOPE_A_PID and
 * the caller's proof of access (ptscope_target_get()), the range [START,
 * END) page-aligned (END: the top), the target's mm_struct grabbed.
 */
int ptscope_nl_dump_target(struct netlink_callback *cb, struct netlink_ext_ack *extack,
			   struct mm_struct **mm, bool *see_phys, u64 *start, u64 *end);
/* .start through @start, a refusal kept in @err and @err_msg where 6.1 would lose it. */
int ptscope_nl_start_or_defer(struct netlink_callback *cb,
			      int (*start)(struct netlink_callback *cb,
					   struct netlink_ext_ack *extack),
			      int *err, const char **err_msg, const char *refused);
/*
 * How every message of such a dump begins: report a refusal .start kept
 * (@err), end the dump when all is sent (0), or take a reference on the
 * address space for this message (1; the caller mmput()s it). A process
 * that exited meanwhile ends the dump with -ESRCH and @exited as message.
 */
int ptscope_nl_dump_resume(struct netlink_callback *cb, int err, const char *err_msg,
			   u64 next, u64 end, struct mm_struct *mm, const char *exited);
int ptscope_nl_tables_start(struct netlink_callback *cb);
int ptscope_nl_tables_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ptscope_nl_tables_done(struct netlink_callback *cb);
int ptscope_nl_xlate_many_start(struct netlink_callback *cb);
int ptscope_nl_xlate_many_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ptscope_nl_xlate_many_done(struct netlink_callback *cb);

#endif
