// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * GET_VMAS from /proc: each mapping as /proc/PID/smaps shows it (range,
 * file, VmFlags, the PMD-mapped sizes), with the counters pagemap can give
 * counted page by page as procfs_walk.c reads them. dirty, cow and pinned
 * are unknown to procfs; zero needs the frames (CAP_SYS_ADMIN) and
 * soft_dirty a mapping without VM_SOFTDIRTY, which pagemap ORs into every
 * page.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/vfs.h>

#include "internal.h"
#include "procfs.h"
#include "uapi/ptscope.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

#define MAX_TMPFS 256
/* A header holds a path of PATH_MAX bytes, each escaped in at most 4. */
#define MAX_LINE (4 * 4096 + 256)

struct pts_smaps {
	FILE *f;
	uint32_t pid;
	char *line; /* one whole line: a piece of one is never taken for a header */
	size_t cap;
	bool pending; /* line holds the next mapping's header */
	unsigned int ntmpfs;
	unsigned int tmpfs[MAX_TMPFS][2]; /* major, minor of each tmpfs mount */
};

/* The next whole line of @f into s->line: 1, 0 at the end, or -EPROTO if too long. */
static int read_line(struct pts_smaps *s, FILE *f)
{
	ssize_t n = getline(&s->line, &s->cap, f);

	if (n < 0)
		return 0;
	if (n > MAX_LINE)
		return pts_fail(-EPROTO, "/proc/%u: a line of %zd bytes", s->pid, n);
	return 1;
}

/*
 * The devices of the tmpfs mounts the target sees (its mount namespace;
 * the caller's if that cannot be read): a file mapping on one is shmem, as
 * the module says from the superblock. A device number is the same in
 * every namespace.
 */
static void find_tmpfs(struct pts_smaps *s)
{
	unsigned int major, minor;
	char path[40], point[256], *type;
	struct statfs st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/mountinfo", s->pid);
	f = fopen(path, "re");
	if (!f)
		f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return;
	while (s->ntmpfs < MAX_TMPFS && read_line(s, f) == 1) {
		type = strstr(s->line, " - ");
		if (!type || sscanf(s->line, "%*u %*u %u:%u %*s %255s", &major, &minor, point) != 3)
			continue;
		/* The initramfs's rootfs is tmpfs or ramfs: its superblock says. */
		if (!strncmp(type + 3, "tmpfs ", 6) ||
		    (!strncmp(type + 3, "rootfs ", 7) && !statfs(point, &st) &&
		     st.f_type == TMPFS_MAGIC)) {
			s->tmpfs[s->ntmpfs][0] = major;
			s->tmpfs[s->ntmpfs++][1] = minor;
		}
	}
	fclose(f);
}

int pts_smaps_open(uint32_t pid, struct pts_smaps **out)
{
	struct pts_smaps *s = calloc(1, sizeof(*s));
	char path[32];

	if (!s)
		return pts_fail(-ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "/proc/%u/smaps", pid);
	s->f = fopen(path, "re");
	if (!s->f) {
		int err = -errno;

		free(s);
		return pts_pid_refused(pid, err);
	}
	s->pid = pid;
	find_tmpfs(s);
	*out = s;
	return 0;
}

void pts_smaps_close(struct pts_smaps *s)
{
	if (!s)
		return;
	fclose(s->f);
	free(s->line);
	free(s);
}

static const struct {
	char code[3];
	unsigned int bit;
} vm_flags[] = {
	{ "rd", PTSCOPE_VMA_BIT_READ },		{ "wr", PTSCOPE_VMA_BIT_WRITE },
	{ "ex", PTSCOPE_VMA_BIT_EXEC },		{ "ms", PTSCOPE_VMA_BIT_SHARED },
	{ "io", PTSCOPE_VMA_BIT_IO },		{ "pf", PTSCOPE_VMA_BIT_PFNMAP },
	{ "mm", PTSCOPE_VMA_BIT_MIXEDMAP },	{ "lo", PTSCOPE_VMA_BIT_LOCKED },
	{ "hg", PTSCOPE_VMA_BIT_HUGEPAGE },	{ "nh", PTSCOPE_VMA_BIT_NOHUGEPAGE },
	{ "dc", PTSCOPE_VMA_BIT_DONTCOPY },	{ "wf", PTSCOPE_VMA_BIT_WIPEONFORK },
	{ "gd", PTSCOPE_VMA_BIT_GROWSDOWN },	{ "ht", PTSCOPE_VMA_BIT_HUGETLB },
	{ "um", PTSCOPE_VMA_BIT_UFFD_MISSING }, { "uw", PTSCOPE_VMA_BIT_UFFD_WP },
	{ "sd", PTSCOPE_VMA_BIT_SOFT_DIRTY },	{ "mg", PTSCOPE_VMA_BIT_MERGEABLE },
};

static uint64_t parse_vm_flags(const char *list, bool *shadow_stack)
{
	uint64_t flags = 0;
	char code[8];
	size_t i;
	int used;

	*shadow_stack = false;
	while (sscanf(list, " %7s%n", code, &used) == 1) {
		if (!strcmp(code, "ss"))
			*shadow_stack = true;
		for (i = 0; i < sizeof(vm_flags) / sizeof(vm_flags[0]); i++)
			if (!strcmp(code, vm_flags[i].code))
				flags |= 1ULL << vm_flags[i].bit;
		list += used;
	}
	return flags;
}

/*
 * What backs a file mapping named @name on device @major:@minor: the
 * kernel's internal tmpfs mounts (memfd, SysV, shared anonymous) by name,
 * the others by device.
 */
static uint32_t file_backing(const struct pts_smaps *s, const char *name, unsigned int major,
			     unsigned int minor)
{
	unsigned int i;

	if (!strncmp(name, "/memfd:", 7) || !strncmp(name, "/SYSV", 5) ||
	    !strcmp(name, "/dev/zero (deleted)"))
		return PTSCOPE_BACKING_SHMEM;
	for (i = 0; i < s->ntmpfs; i++)
		if (s->tmpfs[i][0] == major && s->tmpfs[i][1] == minor)
			return PTSCOPE_BACKING_SHMEM;
	return PTSCOPE_BACKING_FILE;
}

/* A header line ("start-end perms offset dev inode name") into @out. */
static int parse_header(struct pts_smaps *s, struct pts_smaps_vma *out)
{
	unsigned long long start, end, off, inode;
	unsigned int major, minor;
	char perms[8];
	int name_at = 0;

	memset(out, 0, sizeof(*out));
	out->pkey = -1;
	if (sscanf(s->line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &off, &major,
		   &minor, &inode, &name_at) < 7 ||
	    !name_at)
		return pts_fail(-EPROTO, "/proc/%u/smaps: unexpected line '%.80s'", s->pid,
				s->line);
	snprintf(out->name, sizeof(out->name), "%s", s->line + name_at);
	out->name[strcspn(out->name, "\n")] = '\0';
	out->v.start = start;
	out->v.end = end;
	out->v.inode = inode;
	if (inode) {
		out->v.pgoff = off;
		out->v.backing = file_backing(s, out->name, major, minor);
	} else if (!strcmp(out->name, "[heap]")) {
		out->v.backing = PTSCOPE_BACKING_HEAP;
	} else if (!strcmp(out->name, "[stack]")) {
		out->v.backing = PTSCOPE_BACKING_STACK;
	} else if (out->name[0] == '[' && strncmp(out->name, "[anon:", 6)) {
		out->v.backing = PTSCOPE_BACKING_SPECIAL;
	} else {
		out->v.backing = PTSCOPE_BACKING_ANON;
	}
	out->v.name = out->name;
	return 0;
}

/* "Key:   N kB" lines: the sizes this source uses, in bytes. */
static void parse_field(const char *line, struct pts_smaps_vma *out)
{
	static const char *const huge_keys[] = {
		"AnonHugePages:",  "ShmemPmdMapped:",  "FilePmdMapped:",
		"Shared_Hugetlb:", "Private_Hugetlb:",
	};
	unsigned long long kb;
	size_t i, len;

	if (!strncmp(line, "VmFlags:", 8)) {
		out->v.flags = parse_vm_flags(line + 8, &out->shadow_stack);
		return;
	}
	for (i = 0; i < sizeof(huge_keys) / sizeof(huge_keys[0]); i++) {
		len = strlen(huge_keys[i]);
		if (!strncmp(line, huge_keys[i], len) && sscanf(line + len, "%llu", &kb) == 1)
			(i < 3 ? &out->huge_bytes : &out->hugetlb_bytes)[0] += kb << 10;
	}
	if (!strncmp(line, "KernelPageSize:", 15) && sscanf(line + 15, "%llu", &kb) == 1)
		out->kernel_page_size = kb << 10;
	/* Only where the kernel uses protection keys (x86 PKU, arm64 POE). */
	if (!strncmp(line, "ProtectionKey:", 14) && sscanf(line + 14, "%llu", &kb) == 1)
		out->pkey = (int)kb;
}

int pts_smaps_next(struct pts_smaps *s, struct pts_smaps_vma *out)
{
	unsigned long long a, b;
	size_t key;
	int ret;

	if (!s->pending) {
		ret = read_line(s, s->f);
		if (ret <= 0)
			return ret;
	}
	s->pending = false;
	ret = parse_header(s, out);
	if (ret)
		return ret;
	while ((ret = read_line(s, s->f)) == 1) {
		/* Fields are "Key: value"; a mapping's header starts "start-end ". */
		key = strcspn(s->line, " \t\n");
		if ((!key || s->line[key - 1] != ':') &&
		    sscanf(s->line, "%llx-%llx ", &a, &b) == 2) {
			s->pending = true;
			break;
		}
		parse_field(s->line, out);
	}
	if (ret < 0)
		return ret;
	if (out->v.flags & PTSCOPE_VMA(HUGETLB))
		out->v.backing = PTSCOPE_BACKING_HUGETLB;
	return 1;
}

/* A mapping being counted, and whether it is large enough for a PMD leaf. */
struct vma_count {
	struct ptscope_vma *v;
	bool holds_pmd;
};

static int count_page(const struct ptscope_page *pg, void *arg)
{
	const struct vma_count *c = arg;
	struct ptscope_vma *v = c->v;

	if (pg->unknown & PTSCOPE_UNKNOWN_STATE) {
		v->unknown |= PTSCOPE_VMA_UNKNOWN_PRESENT | PTSCOPE_VMA_UNKNOWN_ZERO |
			      PTSCOPE_VMA_UNKNOWN_SOFT_DIRTY;
		return 0;
	}
	/*
	 * The huge zero page: always mapped by a PMD, and no THP smaps counts.
	 * Without frames (no kind) it cannot be told from a small page where
	 * a mapping could hold one.
	 */
	if (pg->state == PTSCOPE_STATE_PRESENT && !(pg->unknown & PTSCOPE_UNKNOWN_KIND) &&
	    pg->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE)
		v->huge += pg->nr_pages;
	else if (pg->state == PTSCOPE_STATE_PRESENT && (pg->unknown & PTSCOPE_UNKNOWN_KIND) &&
		 v->backing != PTSCOPE_BACKING_FILE && v->backing != PTSCOPE_BACKING_SHMEM &&
		 c->holds_pmd)
		v->unknown |= PTSCOPE_VMA_UNKNOWN_HUGE;

	if (pg->state == PTSCOPE_STATE_SWAP)
		v->swapped += pg->nr_pages;
	if (pg->state != PTSCOPE_STATE_PRESENT)
		return 0;
	v->present += pg->nr_pages;
	if (pg->unknown & PTSCOPE_UNKNOWN_KIND)
		v->unknown |= PTSCOPE_VMA_UNKNOWN_ZERO;
	else if (pg->kind == PTSCOPE_KIND_ZERO_PAGE || pg->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE)
		v->zero += pg->nr_pages;
	if (pg->unknown & PTSCOPE_UNKNOWN_SOFT_DIRTY)
		v->unknown |= PTSCOPE_VMA_UNKNOWN_SOFT_DIRTY;
	else if (pg->flags & PTSCOPE_ENTRY(SOFT_DIRTY))
		v->soft_dirty += pg->nr_pages;
	return 0;
}

/*
 * Pages mapped by PMD or PUD leaves, from smaps: PMD-mapped THPs, and a
 * hugetlb mapping's pages when its huge page is a PMD's size or more (a
 * contiguous-PTE one on arm64 is mapped at PTE level).
 */
static uint64_t huge_pages(const struct pts_smaps_vma *sv, unsigned int shift)
{
	uint64_t bytes = sv->huge_bytes;

	if (sv->kernel_page_size >= pts_pmd_bytes(shift))
		bytes += sv->hugetlb_bytes;
	return bytes >> shift;
}

int pts_procfs_maps(struct ptscope *h, uint32_t pid, ptscope_vma_fn fn, void *arg)
{
	struct pts_smaps_vma *sv = malloc(sizeof(*sv));
	struct pts_smaps *s = NULL;
	struct vma_count c;
	uint32_t named = pid;
	int fd, ret;

	pts_clear_error();
	if (!sv)
		return pts_fail(-ENOMEM, "out of memory");
	fd = pts_pagemap_open(pid, &named);
	ret = fd < 0 ? fd : pts_smaps_open(named, &s);
	while (!ret && (ret = pts_smaps_next(s, sv)) == 1) {
		/* The gate page: in smaps, but no VMA of the process. */
		if (!strcmp(sv->name, "[vsyscall]")) {
			ret = 0;
			continue;
		}
		sv->v.unknown = PTSCOPE_VMA_UNKNOWN_DIRTY | PTSCOPE_VMA_UNKNOWN_COW |
				PTSCOPE_VMA_UNKNOWN_PINNED;
		sv->v.huge = huge_pages(sv, h->page_shift);
		c = (struct vma_count){ &sv->v,
					sv->v.end - sv->v.start >= pts_pmd_bytes(h->page_shift) };
		ret = pts_procfs_walk_vma(h, fd, named, sv, count_page, &c);
		if (!ret)
			ret = fn(&sv->v, arg);
	}
	pts_smaps_close(s);
	if (fd >= 0)
		close(fd);
	free(sv);
	return ret;
}
