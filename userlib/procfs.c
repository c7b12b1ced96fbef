// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The procfs source: a handle without the module, answering from
 * /proc/PID/pagemap, /proc/kpageflags, /proc/kpagecount and
 * /proc/PID/smaps under their own permission rules. This file opens it,
 * describes the machine, and reads the per-frame files; procfs_walk.c and
 * procfs_maps.c answer the requests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "internal.h"
#include "procfs.h"
#include "uapi/ptscope.h"

static const char *const unknown_names[PTSCOPE_UNKNOWN_BITS] = {
	"entry",      "flags",	    "level",   "cache",	      "pkey", "cow",
	"refcount",   "page_flags", "kind",    "mapcount",    "pfn",  "pincount",
	"soft_dirty", "state",	    "uffd_wp", "mapped_once", "node", "cgroup",
};

static const char *const vma_unknown_names[PTSCOPE_VMA_UNKNOWN_BITS] = {
	"zero", "dirty", "cow", "pinned", "huge", "soft_dirty", "present",
};

const char *ptscope_unknown_name(unsigned int bit)
{
	return PTS_NAME(unknown_names, bit);
}

const char *ptscope_vma_unknown_name(unsigned int bit)
{
	return PTS_NAME(vma_unknown_names, bit);
}

/* The architecture uname names, as the module's GET_INFO would. */
static uint32_t uname_arch(void)
{
	struct utsname u;

	if (uname(&u))
		return 0;
	if (!strcmp(u.machine, "x86_64"))
		return PTSCOPE_ARCH_X86_64;
	if (!strcmp(u.machine, "aarch64"))
		return PTSCOPE_ARCH_ARM64;
	return 0;
}

/* The machine's architecture and page size are known once, at open. */
int pts_procfs_open(struct ptscope **handle)
{
	struct ptscope *h = calloc(1, sizeof(*h));

	if (!h)
		return pts_fail(-ENOMEM, "out of memory");
	h->source = PTSCOPE_SOURCE_PROCFS;
	h->ksm_lies = -1;
	h->arch = uname_arch();
	h->page_shift = (uint32_t)__builtin_ctzl((unsigned long)sysconf(_SC_PAGESIZE));
	*handle = h;
	return 0;
}

/*
 * The user address width: the top of the caller's own stack, which the
 * kernel places just under the default limit (47 bits on x86_64 with 4 or
 * 5 levels, as user space gets without asking for more; 48, 47 or 39 on
 * arm64).
 */
static uint32_t user_va_bits(void)
{
	unsigned long long start, end, top = 0;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &start, &end) == 2 && strstr(line, "[stack]"))
			top = end;
	fclose(f);
	return top > 1 ? 64 - (uint32_t)__builtin_clzll(top - 1) : 0;
}

int pts_procfs_info(struct ptscope *h, struct ptscope_info *info)
{
	uint32_t va_bits = user_va_bits();
	struct utsname u;

	memset(info, 0, sizeof(*info));
	if (uname(&u))
		return pts_fail(-errno, "uname: %s", strerror(errno));
	snprintf(info->kernel_release, sizeof(info->kernel_release), "%s", u.release);
	info->page_size = 1U << h->page_shift;
	info->user_addr_max = va_bits ? 1ULL << va_bits : 0;
	return 0;
}

int pts_procfs_machine(struct ptscope *h, struct ptscope_machine *m)
{
	struct ptscope_info info;
	int ret = pts_procfs_info(h, &info);

	/* The width its user address limit implies, as for a module's answer. */
	if (!ret)
		pts_machine_of(&info, h->arch, 0, m);
	return ret;
}

int pts_pagemap_read(int fd, uint32_t pid, uint64_t addr, unsigned int shift, size_t n,
		     uint64_t *out)
{
	ssize_t got = pread(fd, out, n * sizeof(*out), (off_t)((addr >> shift) * sizeof(*out)));

	if (got < 0)
		return pts_fail(-errno, "reading /proc/%u/pagemap at 0x%llx: %s", pid,
				(unsigned long long)addr, strerror(errno));
	/* Its address space is gone: the process exited. */
	if (got == 0)
		return pts_fail(-ESRCH, "pid %u exited during the walk", pid);
	return (int)((size_t)got / sizeof(*out));
}

int pts_pagemap_open(uint32_t pid, uint32_t *named)
{
	char path[32];
	int fd;

	*named = pid ? pid : (uint32_t)getpid();
	snprintf(path, sizeof(path), "/proc/%u/pagemap", *named);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	return pts_pid_refused(*named, -errno);
}

int pts_kpage_read(struct pts_kpage *k, const char *file, uint64_t pfn, size_t n, uint64_t *out)
{
	char path[32];
	ssize_t got;
	int *fd = !strcmp(file, "kpageflags") ? &k->flags_fd :
		  !strcmp(file, "kpagecount") ? &k->count_fd :
						&k->cgroup_fd;

	if (*fd == -2)
		return -EACCES; /* tried, refused: the caller counts it unknown */
	if (*fd < 0) {
		snprintf(path, sizeof(path), "/proc/%s", file);
		*fd = open(path, O_RDONLY | O_CLOEXEC);
		if (*fd < 0) {
			*fd = -2;
			return -EACCES;
		}
	}
	got = pread(*fd, out, n * sizeof(*out), (off_t)(pfn * sizeof(*out)));
	if (got < 0)
		return pts_fail(-errno, "/proc/%s at frame 0x%llx: %s", file,
				(unsigned long long)pfn, strerror(errno));
	/* Past the highest frame the file ends: those frames are not described. */
	return (int)((size_t)got / sizeof(*out));
}

void pts_kpage_close(struct pts_kpage *k)
{
	if (k->flags_fd >= 0)
		close(k->flags_fd);
	if (k->count_fd >= 0)
		close(k->count_fd);
	if (k->cgroup_fd >= 0)
		close(k->cgroup_fd);
	k->flags_fd = k->count_fd = k->cgroup_fd = -1;
}

/*
 * Whether /proc/kpageflags sets KPF_KSM on every anonymous page, as some
 * kernels do (Debian's 6.12.117: folio_test_ksm() was asked of a flag
 * anonymous folios share; fixed upstream in "fs/proc: fix KPF_KSM reported
 * for all anonymous pages"). A page of the caller's own, never merged,
 * tells: then no anonymous page's KSM bit can be believed.
 */
static int ksm_bit_lies(void)
{
	long size = sysconf(_SC_PAGESIZE);
	struct pts_kpage k = PTS_KPAGE_INIT;
	uint64_t entry = 0, flags = 0;
	int fd, lies = 0;
	char *p;

	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 0;
	*(volatile char *)p = 1;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 &&
	    pread(fd, &entry, sizeof(entry),
		  (off_t)((uintptr_t)p / (uintptr_t)size * sizeof(entry))) ==
		    (ssize_t)sizeof(entry) &&
	    (entry & PM_PRESENT) && (entry & PM_PFN_MASK) &&
	    pts_kpage_read(&k, "kpageflags", entry & PM_PFN_MASK, 1, &flags) == 1)
		lies = (flags & KPF(ANON)) && (flags & KPF(KSM));
	if (fd >= 0)
		close(fd);
	pts_kpage_close(&k);
	munmap(p, (size_t)size);
	pts_clear_error();
	return lies;
}

/* Whether a fresh mapping of this process's own gets VM_SOFTDIRTY. */
static bool soft_dirty_works(void)
{
	long size = sysconf(_SC_PAGESIZE);
	struct pts_smaps_vma *sv = malloc(sizeof(*sv));
	struct pts_smaps *s = NULL;
	bool works = false;
	char *p;

	p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED && sv && !pts_smaps_open((uint32_t)getpid(), &s)) {
		while (pts_smaps_next(s, sv) == 1)
			if (sv->v.start == (uintptr_t)p)
				works = sv->v.flags & PTSCOPE_VMA(SOFT_DIRTY);
		pts_smaps_close(s);
	}
	if (p != MAP_FAILED)
		munmap(p, (size_t)size);
	free(sv);
	pts_clear_error();
	return works;
}

/* Whether the running kernel's config sets @option: 1 yes, 0 no, -1 unknown. */
static int config_has(const char *release, const char *option)
{
	char path[128], line[256], want[96], unset[112];
	int found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/boot/config-%s", release);
	f = fopen(path, "re");
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%s=y\n", option);
	snprintf(unset, sizeof(unset), "# %s is not set\n", option);
	while (found < 0 && fgets(line, sizeof(line), f))
		found = !strcmp(line, want) ? 1 : !strcmp(line, unset) ? 0 : -1;
	fclose(f);
	return found < 0 ? 0 : found; /* not named at all: the kernel has no such option */
}

void pts_procfs_probe(struct ptscope *h)
{
	unsigned int major = 0, minor = 0;
	struct utsname u;
	int avg = -1;

	if (h->probed)
		return;
	h->probed = true;
	if (!uname(&u)) {
		sscanf(u.release, "%u.%u", &major, &minor);
		avg = config_has(u.release, "CONFIG_NO_PAGE_MAPCOUNT");
	}
	h->uffd_wp_bit = major > 5 || (major == 5 && minor >= 17);
	h->soft_dirty_works = soft_dirty_works();
	h->mapcount_average = (major > 6 || (major == 6 && minor >= 15)) && avg != 0;
}

int pts_procfs_ksm_lies(struct ptscope *h)
{
	if (h->ksm_lies < 0)
		h->ksm_lies = ksm_bit_lies();
	return h->ksm_lies;
}

void pts_page_nodes(uint32_t pid, void **addrs, size_t n, int *status)
{
	size_t i;

	if (syscall(SYS_move_pages, (long)pid, (unsigned long)n, addrs, NULL, status, 0))
		for (i = 0; i < n; i++)
			status[i] = -errno;
}
