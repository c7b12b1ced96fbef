/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libptscope internals: shared by its files and its unit tests, not installed. */
#ifndef LIBPTSCOPE_INTERNAL_H
#define LIBPTSCOPE_INTERNAL_H

#include <stdbool.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "libptscope.h"

struct ptscope {
	struct nl_sock *sock;
	int family;
	uint32_t page_shift; /* 0 until ptscope_get_machine() asked */
	uint32_t arch; /* PTSCOPE_ARCH_*, 0 until ptscope_get_machine() asked */
	int source; /* PTSCOPE_SOURCE_MODULE, or PROCFS (sock NULL) */
	int ksm_lies; /* procfs: -1 not yet known, 1 KPF_KSM is set on all anon pages */
	/* procfs: what this kernel's files can tell (pts_procfs_probe()) */
	bool probed, soft_dirty_works, uffd_wp_bit, mapcount_average;
	bool no_walk_fields; /* the module refused PTSCOPE_A_WALK_FIELDS: older */
	bool trace; /* PTSCOPE_TRACE: each request to the module, on stderr */
};

/* ptscope_open() of libptscope 1.0 and of 1.2 (nl.c: symbol versions). */
PTSCOPE_API int pts_open_module_only(struct ptscope **handle);
PTSCOPE_API int pts_open_any(struct ptscope **handle);

/* The procfs source (procfs*.c): the same answers as far as /proc shows them. */
/*
 * The NUMA node of each of @n pages at @addrs of process @pid (0: the
 * caller), as move_pages(2) with no target nodes tells the caller: a node,
 * or -errno per page (-ENOENT not present, -EFAULT the zero page; every
 * page the call's error when it is refused).
 */
void pts_page_nodes(uint32_t pid, void **addrs, size_t n, int *status);
int pts_procfs_open(struct ptscope **handle);
int pts_procfs_machine(struct ptscope *h, struct ptscope_machine *m);
int pts_procfs_info(struct ptscope *h, struct ptscope_info *info);
int pts_procfs_walk(struct ptscope *h, uint32_t pid, uint64_t start, uint64_t end,
		    unsigned int flags, uint32_t fields, ptscope_page_fn fn, void *arg);
/* Clear the field groups of @pg not in @fields (enum ptscope_field). */
void pts_drop_fields(struct ptscope_page *pg, uint32_t fields);
int pts_procfs_xlate(struct ptscope *h, uint32_t pid, uint64_t addr, struct ptscope_xlate *out);
int pts_procfs_maps(struct ptscope *h, uint32_t pid, ptscope_vma_fn fn, void *arg);

/* Record the failure message for ptscope_errmsg(); returns @err. */
int pts_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pts_clear_error(void);

/*
 * A request for @cmd, ready for attributes; NULL (errno set) on ENOMEM.
 * @flags: NLM_F_DUMP for dumps, NLM_F_ACK for commands without a reply,
 * 0 for commands answered by one reply (see pts_transact()).
 */
struct nl_msg *pts_msg_new(struct ptscope *h, uint8_t cmd, int flags);

/*
 * Called for each reply message; returns 0 to go on or a negative errno to
 * fail the request (after setting a message with pts_fail()).
 */
typedef int (*pts_reply_fn)(struct nlmsghdr *nlh, void *arg);

/*
 * Send @msg (always consumed) and feed every reply to @fn until the kernel
 * acknowledges, finishes the dump, sends the one reply of a request made
 * without NLM_F_ACK or NLM_F_DUMP, or reports an error. @what names the
 * request in messages ("GET_INFO").
 */
int pts_transact(struct ptscope *h, struct nl_msg *msg, const char *what, pts_reply_fn fn,
		 void *arg);

/*
 * A request about process @pid (0: the caller), as pts_transact() sends it:
 * PTSCOPE_A_PID, then what @put adds (0, or -ENOMEM; NULL: nothing), and
 * for another process the caller's proof that it may read it
 * (PTSCOPE_A_PAGEMAP_FD): its own open of /proc/PID/pagemap, which the
 * kernel allows exactly where pagemap may be read. The caller itself goes
 * without, unless the module asks for one. A refusal the failed open
 * explains comes back as the open's error, with the pid and the reason.
 */
int pts_transact_pid(struct ptscope *h, uint8_t cmd, int flags, uint32_t pid,
		     int (*put)(struct nl_msg *msg, const void *put_arg), const void *put_arg,
		     const char *what, pts_reply_fn fn, void *arg);
/*
 * The same, for one of several requests about one process: *@proof (-1 at
 * first) keeps the proof the first opened, for the caller to close, and
 * later requests send it again. The module checks a proof against the
 * process it finds, so a pid taken over between requests (exec, or exit
 * and reuse) is refused rather than answered for another process.
 */
int pts_transact_pid_kept(struct ptscope *h, uint8_t cmd, int flags, uint32_t pid, int *proof,
			  int (*put)(struct nl_msg *msg, const void *put_arg), const void *put_arg,
			  const char *what, pts_reply_fn fn, void *arg);

/*
 * @err, the failed open of /proc/@named/pagemap, as the refusal of a request
 * about that process: the rule it failed, or that it has exited.
 */
int pts_pid_refused(uint32_t named, int err);

/* The extack message carried by an NLMSG_ERROR/NLMSG_DONE @nlh, or NULL. */
const char *pts_extack_msg(const struct nlmsghdr *nlh);

int pts_parse_info(struct nlmsghdr *nlh, struct ptscope_info *info);
/* One WALK reply message to @fn; @expand: runs back into leaves (see walk.c). */
int pts_parse_walk(struct nlmsghdr *nlh, int expand, ptscope_page_fn fn, void *arg);
/* As pts_parse_walk(), for a kernel whose pages are 1 << @page_shift bytes. */
int pts_parse_walk_pages(struct nlmsghdr *nlh, int expand, unsigned int page_shift,
			 ptscope_page_fn fn, void *arg);
/* GET_INFO's machine fields (ptscope_get_machine()). */
void pts_machine_of(const struct ptscope_info *info, uint32_t arch, uint32_t va_bits,
		    struct ptscope_machine *m);
int pts_parse_xlate(struct nlmsghdr *nlh, struct ptscope_xlate *x);
int pts_parse_xlate_nest(struct nlattr *nest, struct ptscope_xlate *x);

/* The attributes of a VMA nest (GET_VMAS records and fault records). */
extern struct nla_policy pts_vma_policy[];

/*
 * Call @fn for each top-level attribute of @type in a genetlink message
 * (records of a dump); others, unknown to this library, are skipped. Stops
 * at the first non-zero return and returns it.
 */
int pts_for_each_attr(struct nlmsghdr *nlh, int type, int (*fn)(struct nlattr *a, void *arg),
		      void *arg);

/* An optional attribute's value, 0 when absent. */
static inline uint64_t pts_attr_u64(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u64(tb[type]) : 0;
}

static inline uint32_t pts_attr_u32(struct nlattr **tb, int type)
{
	return tb[type] ? nla_get_u32(tb[type]) : 0;
}

/* The name at @i of a fixed table, or NULL past its end. */
#define PTS_NAME(table, i) ((i) < sizeof(table) / sizeof((table)[0]) ? (table)[i] : NULL)

#endif
