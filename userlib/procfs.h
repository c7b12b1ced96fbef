/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the procfs source reads: the bits of /proc/PID/pagemap and
 * /proc/kpageflags (Documentation/admin-guide/mm/pagemap.rst), and the
 * per-frame files read in batches.
 */
#ifndef LIBPTSCOPE_PROCFS_H
#define LIBPTSCOPE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libptscope.h"

/* A pagemap entry. */
#define PM_PFN_MASK ((1ULL << 55) - 1) /* present: the frame (0 when hidden) */
#define PM_SWAP_TYPE_MASK 0x1fULL /* swapped: bits 0-4 type, */
#define PM_SWAP_OFFSET_SHIFT 5 /* 5-54 offset */
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_MMAP_EXCLUSIVE (1ULL << 56) /* the page is mapped once (4.2+) */
#define PM_UFFD_WP (1ULL << 57) /* 5.17+ */
#define PM_GUARD_REGION (1ULL << 58) /* MADV_GUARD_INSTALL (6.15+) */
#define PM_FILE (1ULL << 61) /* file page or shared anonymous */
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)

/*
 * Swap types from here up are the kernel's own entries (device, migration,
 * hwpoison, marker): 24 with every kind configured, as Debian's kernels
 * are, out of the 5 bits pagemap gives. A machine with 25 swap devices
 * would see its last ones as "other".
 */
#define PM_FIRST_SPECIAL_SWAP_TYPE 24

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
#define KPF_BIT_MMAP 11
#define KPF_BIT_ANON 12
#define KPF_BIT_SWAPBACKED 14
#define KPF_BIT_HUGE 17
#define KPF_BIT_NOPAGE 20
#define KPF_BIT_KSM 21
#define KPF_BIT_THP 22
#define KPF_BIT_ZERO_PAGE 24
#define KPF(name) (1ULL << KPF_BIT_##name)

/* /proc/kpageflags and /proc/kpagecount, opened at first use. */
struct pts_kpage {
	int flags_fd, count_fd, cgroup_fd;
};

#define PTS_KPAGE_INIT     \
	{                  \
		-1, -1, -1 \
	}

/*
 * @n entries of /proc/@file ("kpageflags", "kpagecount") from frame @pfn
 * into @out, in one read: how many were read (frames past the file's end,
 * device memory above RAM, are not), or -EACCES when the file may not be
 * read (not root): what it tells stays unknown.
 */
int pts_kpage_read(struct pts_kpage *k, const char *file, uint64_t pfn, size_t n, uint64_t *out);
void pts_kpage_close(struct pts_kpage *k);

/*
 * Open /proc/@pid/pagemap (0: the caller, whose pid goes to @named): a
 * descriptor, or a negative errno with the refusal explained.
 */
int pts_pagemap_open(uint32_t pid, uint32_t *named);

/*
 * Up to @n pagemap entries of @pid from @addr (pages of 1 << @shift bytes)
 * into @out: how many were read, or -ESRCH if the process exited.
 */
int pts_pagemap_read(int fd, uint32_t pid, uint64_t addr, unsigned int shift, size_t n,
		     uint64_t *out);

/* A PMD's reach: a table page of 8-byte entries (2 MiB with 4 KiB pages). */
static inline uint64_t pts_pmd_bytes(unsigned int page_shift)
{
	return 1ULL << (2 * page_shift - 3);
}

/* Entries read at once: 4 KiB of pagemap, the kpage* reads no longer. */
#define PTS_CHUNK 512

/*
 * What this kernel's files can tell, found once per handle: soft-dirty
 * (a fresh mapping of the caller's own has VM_SOFTDIRTY), pagemap's
 * uffd-wp bit (5.17+), and whether kpagecount gives a large folio's pages
 * their average (CONFIG_NO_PAGE_MAPCOUNT, 6.15+; assumed where the
 * kernel's config cannot be read).
 */
void pts_procfs_probe(struct ptscope *h);

/* Whether this kernel's KPF_KSM is set on every anonymous page (procfs.c). */
int pts_procfs_ksm_lies(struct ptscope *h);

/* A mapping as /proc/PID/smaps shows it (procfs_maps.c). */
struct pts_smaps_vma {
	struct ptscope_vma v;
	char name[4 * 4096 + 256]; /* as smaps escapes it */
	uint64_t huge_bytes; /* AnonHugePages + ShmemPmdMapped + FilePmdMapped */
	uint64_t hugetlb_bytes; /* Shared_Hugetlb + Private_Hugetlb */
	uint64_t kernel_page_size; /* KernelPageSize: a hugetlb mapping's huge page */
	int pkey; /* ProtectionKey, every present page's too; -1: not shown */
	bool shadow_stack; /* VmFlags "ss": written by calls and returns only */
};

/* Reads /proc/PID/smaps one mapping at a time. */
struct pts_smaps;

int pts_smaps_open(uint32_t pid, struct pts_smaps **out);
/* The next mapping: 1, 0 at the end, or a negative errno. */
int pts_smaps_next(struct pts_smaps *s, struct pts_smaps_vma *out);
void pts_smaps_close(struct pts_smaps *s);

/*
 * The pages of mapping @sv as runs, without holes, to @fn: pagemap @fd of
 * process @pid, opened by the caller.
 */
int pts_procfs_walk_vma(struct ptscope *h, int fd, uint32_t pid, const struct pts_smaps_vma *sv,
			ptscope_page_fn fn, void *arg);

#endif
