// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * GET_VMAS: stream a process's mappings with their page-table counters,
 * and find a mapping by the name maps shows for it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "internal.h"
#include "uapi/ptscope.h"

static const char *const vma_flag_names[] = PTSCOPE_VMA_NAMES;
static const char *const backing_names[] = PTSCOPE_BACKING_NAMES;

const char *ptscope_vma_flag_name(unsigned int bit)
{
	return PTS_NAME(vma_flag_names, bit);
}

const char *ptscope_backing_name(unsigned int backing)
{
	return PTS_NAME(backing_names, backing);
}

/* Also the policy of the VMAs in fault records (faults.c). */
struct nla_policy pts_vma_policy[PTSCOPE_A_VMA_MAX + 1] = {
	[PTSCOPE_A_VMA_START] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_END] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_FLAGS] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_PGOFF] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_BACKING] = { .type = NLA_U32 },
	[PTSCOPE_A_VMA_NAME] = { .type = NLA_STRING },
	[PTSCOPE_A_VMA_INODE] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_PRESENT] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_ZERO] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_SWAPPED] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_HUGE] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_DIRTY] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_SOFT_DIRTY] = { .type = NLA_U64 },
	[PTSCOPE_A_VMA_COW] = { .type = NLA_NESTED },
	[PTSCOPE_A_VMA_PINNED] = { .type = NLA_U64 },
};

static int parse_vma(struct nlattr *nest, struct ptscope_vma *v)
{
	struct nlattr *tb[PTSCOPE_A_VMA_MAX + 1];

	if (nla_parse_nested(tb, PTSCOPE_A_VMA_MAX, nest, pts_vma_policy) ||
	    !tb[PTSCOPE_A_VMA_START] || !tb[PTSCOPE_A_VMA_END] || !tb[PTSCOPE_A_VMA_FLAGS] ||
	    !tb[PTSCOPE_A_VMA_BACKING] || !tb[PTSCOPE_A_VMA_NAME])
		return pts_fail(-EPROTO, "malformed VMA record in GET_VMAS reply");
	memset(v, 0, sizeof(*v));
	v->start = pts_attr_u64(tb, PTSCOPE_A_VMA_START);
	v->end = pts_attr_u64(tb, PTSCOPE_A_VMA_END);
	v->flags = pts_attr_u64(tb, PTSCOPE_A_VMA_FLAGS);
	v->pgoff = pts_attr_u64(tb, PTSCOPE_A_VMA_PGOFF);
	v->inode = pts_attr_u64(tb, PTSCOPE_A_VMA_INODE);
	v->backing = nla_get_u32(tb[PTSCOPE_A_VMA_BACKING]);
	v->name = nla_data(tb[PTSCOPE_A_VMA_NAME]);
	v->present = pts_attr_u64(tb, PTSCOPE_A_VMA_PRESENT);
	v->zero = pts_attr_u64(tb, PTSCOPE_A_VMA_ZERO);
	v->swapped = pts_attr_u64(tb, PTSCOPE_A_VMA_SWAPPED);
	v->huge = pts_attr_u64(tb, PTSCOPE_A_VMA_HUGE);
	v->dirty = pts_attr_u64(tb, PTSCOPE_A_VMA_DIRTY);
	v->soft_dirty = pts_attr_u64(tb, PTSCOPE_A_VMA_SOFT_DIRTY);
	v->pinned = pts_attr_u64(tb, PTSCOPE_A_VMA_PINNED);
	if (tb[PTSCOPE_A_VMA_COW]) {
		struct nlattr *a;
		int rem;

		/* Attribute 1 + state; states this library does not know are skipped. */
		nla_for_each_nested(a, tb[PTSCOPE_A_VMA_COW], rem)
			if (nla_type(a) >= 1 && nla_type(a) <= PTSCOPE_COW_STATES &&
			    nla_len(a) == sizeof(uint64_t))
				v->cow[nla_type(a) - 1] = nla_get_u64(a);
	}
	return 0;
}

struct maps_ctx {
	ptscope_vma_fn fn;
	void *arg;
};

static int on_vma(struct nlattr *a, void *arg)
{
	struct maps_ctx *c = arg;
	struct ptscope_vma v;
	int ret = parse_vma(a, &v);

	return ret ? ret : c->fn(&v, c->arg);
}

static int on_maps_msg(struct nlmsghdr *nlh, void *arg)
{
	return pts_for_each_attr(nlh, PTSCOPE_A_VMA, on_vma, arg);
}

int ptscope_maps(struct ptscope *h, uint32_t pid, ptscope_vma_fn fn, void *arg)
{
	struct maps_ctx c = { .fn = fn, .arg = arg };

	if (h->source == PTSCOPE_SOURCE_PROCFS)
		return pts_procfs_maps(h, pid, fn, arg);
	return pts_transact_pid(h, PTSCOPE_CMD_GET_VMAS, NLM_F_DUMP, pid, NULL, NULL, "GET_VMAS",
				on_maps_msg, &c);
}

/* Whether mapping @name answers to @place (see ptscope_find_mapping()). */
static int place_matches(const char *name, const char *place)
{
	const char *base = strrchr(name, '/');
	size_t len = strlen(place);

	if (!*name)
		return 0;
	if (!strcmp(name, place) || place[0] == '[' || place[0] == '/')
		return !strcmp(name, place);
	base = base ? base + 1 : name;
	return !strncmp(base, place, len) && (!base[len] || base[len] == '.' || base[len] == '-');
}

struct find_ctx {
	const char *place;
	char found[PATH_MAX];
	char other[PATH_MAX]; /* a second, different name that matched */
	uint64_t start, end;
};

static int on_find_vma(const struct ptscope_vma *v, void *arg)
{
	struct find_ctx *c = arg;

	if (!place_matches(v->name, c->place))
		return 0;
	if (!c->found[0]) {
		snprintf(c->found, sizeof(c->found), "%s", v->name);
		c->start = v->start;
	} else if (strcmp(c->found, v->name)) {
		if (!c->other[0])
			snprintf(c->other, sizeof(c->other), "%s", v->name);
		return 0;
	}
	c->end = v->end;
	return 0;
}

int ptscope_find_mapping(struct ptscope *h, uint32_t pid, const char *place, uint64_t *start,
			 uint64_t *end)
{
	struct find_ctx *c;
	int ret;

	if (!place || !*place)
		return pts_fail(-EINVAL, "empty mapping name");
	c = calloc(1, sizeof(*c));
	if (!c)
		return pts_fail(-ENOMEM, "out of memory");
	c->place = place;
	ret = ptscope_maps(h, pid, on_find_vma, c);
	if (!ret && !c->found[0])
		ret = pts_fail(-ENOENT, "no mapping named '%s' in the process", place);
	else if (!ret && c->other[0])
		ret = pts_fail(-EINVAL, "'%s' names more than one mapping: %s and %s", place,
			       c->found, c->other);
	if (!ret) {
		*start = c->start;
		*end = c->end;
	}
	free(c);
	return ret;
}
