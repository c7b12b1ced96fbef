// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * memkinds: memory of many kinds in one process, for checking ptscope
 * against the kernel's own view.
 *
 *   memkinds check     build the kinds, translate every page of each with
 *                      libptscope (by this process's pid) and compare with
 *                      /proc/self/pagemap; TAP on stdout, status 1 on any
 *                      mismatch
 *   memkinds serve     build the kinds, print "NAME ADDR" lines and "ready",
 *                      then wait for a signal (for tests from outside)
 *   memkinds hog MB [nodump]
 *                      only MB MiB of anonymous memory, every other page
 *                      written, then "ready"
 *                      and wait (a large target for walks); nodump first
 *                      makes the process non-dumpable, as a setuid program is
 * While serving, SIGTERM or SIGINT ends the process and SIGUSR1 makes it
 * exec "memkinds hog 1" (a new address space under the same pid).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libptscope.h"
#include "procfs.h"
#include "uapi/ptscope.h"
#include "arch.h"

#define PAGE page_size()
#define HUGE pmd_size()

struct kind {
	const char *name;
	char *addr;
	size_t len;
};

static struct kind kinds[48];
static int nkinds;

static void add(const char *name, void *addr, size_t len)
{
	kinds[nkinds].name = name;
	kinds[nkinds].addr = addr;
	kinds[nkinds].len = len;
	nkinds++;
}

/* Kinds this kernel or guest cannot make, with why: TAP SKIPs in check. */
static struct {
	const char *name;
	char why[96];
} skipped[16];
static size_t nskipped;

static void skip_kind(const char *name, const char *why)
{
	if (nskipped < sizeof(skipped) / sizeof(skipped[0])) {
		skipped[nskipped].name = name;
		snprintf(skipped[nskipped].why, sizeof(skipped[nskipped].why), "%s", why);
		nskipped++;
	}
}

static int by_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * hugetlb, one kind per size the kernel offers, named by size: x86 2 MiB
 * (PMD) and 1 GiB (PUD); arm64 with 4 KiB pages also the contiguous 64 KiB
 * (PTE) and 32 MiB (PMD) ones, with 16 KiB pages 2 MiB (contiguous PTE),
 * 32 MiB (PMD) and 1 GiB (contiguous PMD). A size with no page reserved
 * (the test reserves them) is a skipped kind.
 */
static void add_hugetlb(void)
{
	static char names[8][32];
	char sz[24], why[128];
	size_t sizes[8], n = 0, i, kb;
	DIR *d = opendir("/sys/kernel/mm/hugepages");
	struct dirent *e;
	char *p;

	while (d && (e = readdir(d)) && n < 8)
		if (sscanf(e->d_name, "hugepages-%zukB", &kb) == 1)
			sizes[n++] = kb << 10;
	if (d)
		closedir(d);
	if (!n)
		skip_kind("hugetlb", "no hugetlb sizes (/sys/kernel/mm/hugepages)");
	qsort(sizes, n, sizeof(sizes[0]), by_size);
	for (i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "hugetlb-%s",
			 size_name(sizes[i], sz, sizeof(sz)));
		p = mmap(NULL, sizes[i], PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB |
				 (__builtin_ctzl(sizes[i]) << 26 /* MAP_HUGE_SHIFT */),
			 -1, 0);
		if (p == MAP_FAILED) {
			snprintf(why, sizeof(why), "no %s huge page reserved (hugepages-%zukB)", sz,
				 sizes[i] >> 10);
			skip_kind(names[i], why);
			continue;
		}
		memset(p, 9, sizes[i]);
		add(names[i], p, sizes[i]);
	}
}

static void *map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("memkinds: mmap");
		exit(2);
	}
	return p;
}

/* Write-protect [p, p + wp_len) of [p, p + len) with userfaultfd; the fd stays open. */
static int uffd_wp(char *p, size_t len, size_t wp_len, int shmem)
{
	struct uffdio_api api = {
		.api = UFFD_API,
		.features = shmem ? UFFD_FEATURE_WP_HUGETLBFS_SHMEM : 0,
	};
	struct uffdio_register reg = {
		.range = { (uintptr_t)p, len },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = { (uintptr_t)p, wp_len },
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg) ||
	    ioctl(fd, UFFDIO_WRITEPROTECT, &wp)) {
		printf("# userfaultfd write-protect%s unavailable: %s\n", shmem ? " (shmem)" : "",
		       strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * 7.3's read-write protection (UFFDIO_REGISTER_MODE_RWP): [p, p + rwp_len)
 * made inaccessible, with the uffd bit on PAGE_NONE entries. Its uapi is
 * newer than the host's headers, so the values are 7.3's own.
 */
#define PTS_UFFD_FEATURE_RWP (1ULL << 17)
#define PTS_UFFDIO_REGISTER_MODE_RWP (1ULL << 3)
#define PTS_UFFDIO_RWPROTECT_MODE_RWP (1ULL << 0)
struct pts_uffdio_rwprotect {
	struct uffdio_range range;
	uint64_t mode;
};
#define PTS_UFFDIO_RWPROTECT _IOWR(UFFDIO, 0x09, struct pts_uffdio_rwprotect)

static int uffd_rwp(char *p, size_t len, size_t rwp_len)
{
	struct uffdio_api api = { .api = UFFD_API, .features = PTS_UFFD_FEATURE_RWP };
	struct uffdio_register reg = {
		.range = { (uintptr_t)p, len },
		.mode = PTS_UFFDIO_REGISTER_MODE_RWP,
	};
	struct pts_uffdio_rwprotect rwp = {
		.range = { (uintptr_t)p, rwp_len },
		.mode = PTS_UFFDIO_RWPROTECT_MODE_RWP,
	};
	int fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg) ||
	    ioctl(fd, PTS_UFFDIO_RWPROTECT, &rwp)) {
		printf("# userfaultfd read-write protection unavailable: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * Pages KSM may merge: with ksmd running (the test starts it), wait until
 * all of them are merged into one frame, up to 30 s.
 */
static void setup_ksm(void)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	size_t i, n = 8;
	char *p;
	int t;

	if (read_ulong("/sys/kernel/mm/ksm/run") != 1) {
		skip_kind("ksm-merged", "ksmd is not running (/sys/kernel/mm/ksm/run)");
		return;
	}
	p = map(n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (i = 0; i < n; i++)
		memset(p + i * PAGE, 0x4b, PAGE);
	if (madvise(p, n * PAGE, MADV_MERGEABLE)) {
		skip_kind("ksm-merged", strerror(errno));
		return;
	}
	for (t = 0; t < 300 && read_ulong("/proc/self/ksm_merging_pages") < n; t++)
		nanosleep(&tick, NULL);
	printf("# ksm: %lu pages merged after %d.%d s\n",
	       read_ulong("/proc/self/ksm_merging_pages"), t / 10, t % 10);
	add("ksm-merged", p, n * PAGE);
}

static volatile sig_atomic_t sigbus_seen;

static void on_sigbus(int sig)
{
	(void)sig;
	sigbus_seen = 1;
}

static void add_arch_kinds(void); /* memkinds_arch.h */

static void setup(int clear_soft_dirty)
{
	char path[] = "/tmp/memkinds.XXXXXX";
	volatile char sink;
	char *p, *q, *huge;
	size_t i;
	int fd;

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 0x5a, 4 * PAGE);
	add("anon-written", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	add("anon-untouched", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (i = 0; i < 4 * PAGE; i += PAGE)
		sink = p[i]; /* read faults map the shared zero page */
	add("anon-zero-page", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 1, 4 * PAGE);
	mprotect(p, 4 * PAGE, PROT_READ);
	add("anon-readonly", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 1, 4 * PAGE);
	mprotect(p, 4 * PAGE, PROT_NONE);
	add("anon-prot-none", p, 4 * PAGE);

	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 4 * PAGE)) {
		perror("memkinds: temporary file");
		exit(2);
	}
	unlink(path);
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	memset(p, 2, 2 * PAGE); /* two pages written, two never touched */
	add("file-shared", p, 4 * PAGE);
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	sink = p[0]; /* page cache page, read */
	p[PAGE] = 3; /* private copy */
	add("file-private", p, 4 * PAGE);

	fd = memfd_create("memkinds", 0);
	if (fd < 0 || ftruncate(fd, 4 * PAGE)) {
		perror("memkinds: memfd");
		exit(2);
	}
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	memset(p, 5, 3 * PAGE);
	add("memfd-shared", p, 4 * PAGE);

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	memset(p, 6, 4 * PAGE);
	add("anon-shared", p, 4 * PAGE);

	p = map(8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 7, 8 * PAGE);
	madvise(p + 2 * PAGE, 4 * PAGE, MADV_DONTNEED);
	add("anon-dontneed", p, 8 * PAGE);

	/* A protection key, where the CPU and kernel have them. */
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 12, 4 * PAGE);
	i = (size_t)pkey_alloc(0, 0);
	if ((int)i > 0 && !pkey_mprotect(p, 4 * PAGE, PROT_READ | PROT_WRITE, (int)i))
		add("anon-pkey", p, 4 * PAGE);
	else
		skip_kind("anon-pkey", "no protection keys (pkey_alloc or pkey_mprotect failed)");

	/* A named anonymous mapping, where the kernel keeps names. */
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 11, 4 * PAGE);
	if (!prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)p, 4 * PAGE,
		   (unsigned long)"memkinds-named"))
		add("anon-named", p, 4 * PAGE);
	else
		skip_kind("anon-named", "PR_SET_VMA_ANON_NAME refused (CONFIG_ANON_VMA_NAME)");

	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 8, 4 * PAGE);
	p = mremap(p, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	if (p == MAP_FAILED) {
		perror("memkinds: mremap");
		exit(2);
	}
	add("anon-mremap", p, 8 * PAGE);

	/* Written, then paged out: swap entries when swap is on (see 12-walk.sh). */
	p = map(8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	for (i = 0; i < 8 * PAGE; i += PAGE)
		p[i] = (char)i + 1;
	madvise(p, 8 * PAGE, 21 /* MADV_PAGEOUT */);
	add("anon-paged-out", p, 8 * PAGE);

	add_hugetlb();
	add_arch_kinds();

	/* Read-faulted THP-sized anonymous memory: the huge zero page. */
	huge = map(2 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	huge = (char *)(((uintptr_t)huge + HUGE - 1) & ~(HUGE - 1));
	madvise(huge, HUGE, MADV_HUGEPAGE);
	sink = huge[0];
	add("anon-thp-read", huge, HUGE);

	/* 2 MiB-aligned anonymous memory asking for THP. */
	huge = map(2 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	huge = (char *)(((uintptr_t)huge + HUGE - 1) & ~(HUGE - 1));
	madvise(huge, HUGE, MADV_HUGEPAGE);
	memset(huge, 4, HUGE);
	add("anon-thp", huge, HUGE);

	/* uffd-wp: anon pages write-protected; shmem pages and PTE markers. */
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 8, 4 * PAGE);
	if (uffd_wp(p, 4 * PAGE, 2 * PAGE, 0) >= 0)
		add("anon-uffd-wp", p, 4 * PAGE);
	else
		skip_kind("anon-uffd-wp", "userfaultfd write-protect is not available");
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 8, 4 * PAGE);
	if (uffd_rwp(p, 4 * PAGE, 2 * PAGE) >= 0)
		add("anon-uffd-rwp", p, 4 * PAGE);
	else
		skip_kind("anon-uffd-rwp",
			  "userfaultfd read-write protection is not available (7.3 and later)");
	fd = memfd_create("memkinds-wp", 0);
	if (fd < 0 || ftruncate(fd, 4 * PAGE)) {
		perror("memkinds: memfd");
		exit(2);
	}
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
	close(fd);
	p[0] = 1;
	if (uffd_wp(p, 4 * PAGE, 4 * PAGE, 1) >= 0)
		add("memfd-uffd-wp", p, 4 * PAGE);
	else
		skip_kind("memfd-uffd-wp", "userfaultfd write-protect of shmem is not available");

	setup_ksm();

	/*
	 * Soft-dirty: cleared for the whole process, then pages 0 and 2
	 * written. Only for checks: serving, the other kinds keep their
	 * dirty and soft-dirty bits as their writes left them.
	 */
	p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(p, 3, 4 * PAGE);
	if (!clear_soft_dirty)
		goto out;
	/*
	 * A page hit by a (simulated) memory error: unmapped and replaced by a
	 * hwpoison entry. Checks only, as root: the frame is lost for good.
	 */
	q = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	memset(q, 13, 2 * PAGE);
	/* 6.12 reports the error to the caller with a SIGBUS: take it. */
	signal(SIGBUS, on_sigbus);
	if (!madvise(q, PAGE, 100 /* MADV_HWPOISON */))
		add("anon-hwpoison", q, 2 * PAGE);
	else
		skip_kind("anon-hwpoison", strerror(errno));
	signal(SIGBUS, SIG_DFL);
	if (sigbus_seen)
		printf("# MADV_HWPOISON raised SIGBUS (the kernel's report of the error)\n");

	fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd < 0 || write(fd, "4", 1) != 1) {
		perror("memkinds: clear_refs");
		exit(2);
	}
	close(fd);
	p[0] = 1;
	p[2 * PAGE] = 1;
	add("anon-soft-dirty", p, 4 * PAGE);

out:
	add("stack", (char *)((uintptr_t)&sink & ~(PAGE - 1)), PAGE);
	(void)sink;
}

/* pagemap bits (Documentation/admin-guide/mm/pagemap.rst) */
#define PM_PFN_MASK ((1ULL << 55) - 1)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_FILE (1ULL << 61)
#define PM_SWAP (1ULL << 62)
#define PM_PRESENT (1ULL << 63)

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_ANON 12
#define KPF_HUGE 17
#define KPF_KSM 21
#define KPF_THP 22
#define KPF_ZERO_PAGE 24

static int n, failed;
static const char *who = ""; /* "child: " in the forked child */

static void result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d %s", ok ? "" : "not ", ++n, who);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed += !ok;
}

/*
 * What smaps says of the VMA holding @va: whether it is soft-dirty as a
 * whole (VM_SOFTDIRTY, "sd" in VmFlags; pagemap reports a page soft-dirty
 * when its PTE is or its VMA is, ptscope the PTE bit itself, so the oracle
 * needs both) and executable ("ex": present pages of other VMAs are NX).
 * The last VMA is kept, so a kind costs one read of smaps, not one a page.
 */
struct vma_view {
	unsigned long long start, end;
	int sd, ex;
	int pkey; /* smaps' ProtectionKey, -1 where it has none */
	int none; /* PROT_NONE: "---" */
};

static const struct vma_view *vma_of(uint64_t va)
{
	static struct vma_view last;
	struct vma_view v = { 0, 0, 0, 0, -1, 0 };
	char perms[5];
	char line[512];
	int inside = 0;
	FILE *f;

	if (va >= last.start && va < last.end)
		return &last;
	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (line[strspn(line, "0123456789abcdef")] == '-' &&
		    sscanf(line, "%llx-%llx %4s ", &v.start, &v.end, perms) == 3) {
			inside = va >= v.start && va < v.end;
			v.none = !strncmp(perms, "---", 3);
			continue;
		}
		/* ProtectionKey comes before VmFlags, when the CPU has pkeys. */
		if (inside && sscanf(line, "ProtectionKey: %d", &v.pkey) == 1)
			continue;
		if (inside && !strncmp(line, "VmFlags:", 8)) {
			v.sd = strstr(line, " sd") != NULL;
			v.ex = strstr(line, " ex") != NULL;
			break;
		}
	}
	fclose(f);
	if (!inside)
		return NULL;
	last = v;
	return &last;
}

/* What the walk said about one 4 KiB page. */
struct seen {
	struct ptscope_page rec; /* the record that covered it */
	uint64_t pfn; /* this page's frame */
	uint64_t swap_offset;
	int covered;
};

struct collect {
	uint64_t start;
	size_t npages;
	struct seen *pages;
	int overlap;
};

static int collect_page(const struct ptscope_page *pg, void *arg)
{
	struct collect *c = arg;
	uint64_t i;

	for (i = 0; i < pg->nr_pages; i++) {
		uint64_t idx = (pg->addr - c->start) / PAGE + i;
		struct seen *s;

		if (pg->addr < c->start || idx >= c->npages) {
			c->overlap++; /* outside the range asked for */
			continue;
		}
		s = &c->pages[idx];
		c->overlap += s->covered;
		s->covered = 1;
		s->rec = *pg;
		s->pfn = pg->has_pfn ? pg->pfn + i : 0;
		s->swap_offset = pg->swap_offset + i;
	}
	return 0;
}

/*
 * One u64 of a /proc table of them, read 512 at a time: a 1 GiB kind has
 * 262144 pages. A window is valid for one epoch (one kind), since the
 * tables change as the walks of later kinds run.
 */
static unsigned int epoch = 1;

static int pread_u64(int fd, uint64_t index, uint64_t *v)
{
	static struct window {
		int fd;
		unsigned int epoch;
		uint64_t first, count;
		uint64_t v[512];
	} win[4];
	struct window *w = &win[fd % 4];
	ssize_t got;

	if (w->fd != fd || w->epoch != epoch || index < w->first || index >= w->first + w->count) {
		w->fd = fd;
		w->epoch = epoch;
		w->first = index & ~511ULL;
		got = pread(fd, w->v, sizeof(w->v), (off_t)(w->first * 8));
		w->count = got > 0 ? (uint64_t)got / 8 : 0;
		if (index >= w->first + w->count)
			return -1;
	}
	*v = w->v[index - w->first];
	return 0;
}

struct oracles {
	int pagemap, kpageflags, kpagecount;
	/*
	 * KPF_KSM is set for every anon page by 6.12's stable_page_flags()
	 * (it tests mapping & PAGE_MAPPING_KSM, and that mask includes
	 * PAGE_MAPPING_ANON); 6.1 gets it right with PageKsm(). When the bit
	 * shows on a page KSM was never asked to merge, it cannot be trusted,
	 * and /proc/self/ksm_merging_pages checks the count instead.
	 */
	int kpf_ksm_trusted;
	int nx; /* the CPU has NX: non-exec pages carry it */
	int soft_dirty; /* the kernel tracks soft-dirty (not arm64's) */
};

/* pagemap's bit 57: the entry (or PTE marker) is uffd-wp write-protected. */
#define PM_UFFD_WP (1ULL << 57)

/* Compare one page; returns a description of the first difference, or NULL. */
static const char *compare(const struct oracles *o, uint64_t va, const struct seen *s, char *why,
			   size_t len)
{
	const struct ptscope_page *r = &s->rec;
	int present = r->state == PTSCOPE_STATE_PRESENT;
	int swap_style = !present && r->state != PTSCOPE_STATE_NONE;
	const struct vma_view *vma = vma_of(va);
	uint64_t e, kf = 0, kc = 0;
	int sd;

	if (!s->covered)
		return "no record covers the page";
	if (!vma)
		return "no VMA in smaps holds the page";
	if (pread_u64(o->pagemap, va / PAGE, &e))
		return "cannot read pagemap";
	if (!!(e & PM_PRESENT) != present)
		return "present differs";
	/* Swap, migration and marker entries all read as swap in pagemap. */
	if (!!(e & PM_SWAP) != swap_style)
		return "swap-style entry differs";
	if (r->state == PTSCOPE_STATE_SWAP &&
	    (e & PM_PFN_MASK) != ((uint64_t)r->swap_type | (s->swap_offset << 5)))
		return "swap type/offset differs";
	/* pagemap has one bit for the uffd bit, whichever mode set it. */
	if (!!(e & PM_UFFD_WP) != !!(r->flags & (PTSCOPE_ENTRY(UFFD_WP) | PTSCOPE_ENTRY(UFFD_RWP))))
		return "uffd-wp differs";
	if (!present && r->state != PTSCOPE_STATE_SWAP)
		return NULL;
	/*
	 * hugetlb does not track soft-dirty (clear_refs skips it): pagemap
	 * reports the VMA flag alone there, while the entry keeps its bit.
	 */
	sd = (r->kind != PTSCOPE_KIND_HUGETLB && (r->flags & PTSCOPE_ENTRY(SOFT_DIRTY))) || vma->sd;
	if (!!(e & PM_SOFT_DIRTY) != sd)
		return "soft-dirty differs (PTE bit or VMA)";
	if (!present)
		return NULL;
	if ((e & PM_PFN_MASK) != s->pfn) {
		snprintf(why, len, "pfn 0x%llx, pagemap 0x%llx", (unsigned long long)s->pfn,
			 (unsigned long long)(e & PM_PFN_MASK));
		return why;
	}
	if (vma->pkey >= 0 && r->pkey != (uint32_t)vma->pkey) {
		snprintf(why, len, "pkey %u, smaps ProtectionKey %d", r->pkey, vma->pkey);
		return why;
	}
	/* A PROT_NONE VMA's leaves need not say protnone: see check_huge_prot_none(). */
	if (!(r->flags & PTSCOPE_ENTRY(PROTNONE)) && !vma->none) {
		if (!entry_user(r->flags))
			return "a user page without the user bit (x86 USER, arm64 AP[1])";
		if (o->nx && entry_exec_never(r->flags) == vma->ex)
			return "exec-never (x86 NX, arm64 UXN) differs from the VMA's exec "
			       "permission (smaps ex)";
	}
	if ((r->pflags & PTSCOPE_PAGE(MAPPED_ONCE)) &&
	    !(r->has_page && r->mapcount == 1 && r->kind != PTSCOPE_KIND_ZERO_PAGE &&
	      r->kind != PTSCOPE_KIND_HUGE_ZERO_PAGE))
		return "mapped-once without mapcount 1";
	/*
	 * The module says less of hugetlb pages than pagemap may: never
	 * mapped-once for a 1 GiB page (6.12's pagemap reads a PUD table's
	 * meaningless PMD-sharing count), nor behind a shared table (which
	 * 6.1's pagemap does not ask). Never more.
	 */
	if (!!(e & PM_EXCLUSIVE) != !!(r->pflags & PTSCOPE_PAGE(MAPPED_ONCE)) &&
	    !(r->kind == PTSCOPE_KIND_HUGETLB && (e & PM_EXCLUSIVE)))
		return "mapped-once differs from pagemap's exclusively-mapped bit";
	/* pagemap says it of the huge zero page too: not anonymous. */
	if (!!(e & PM_FILE) != !!(r->pflags & PTSCOPE_PAGE(FILE_BACKED)) &&
	    r->kind != PTSCOPE_KIND_HUGE_ZERO_PAGE)
		return "file-backed differs from pagemap's file/shared bit";
	if (!r->has_page)
		return NULL;
	if (pread_u64(o->kpageflags, s->pfn, &kf) || pread_u64(o->kpagecount, s->pfn, &kc))
		return "cannot read kpageflags/kpagecount";
	if (kc != r->mapcount) {
		snprintf(why, len, "mapcount %u, kpagecount %llu", r->mapcount,
			 (unsigned long long)kc);
		return why;
	}
	/* Private hugetlb pages are anon too; ptscope's kind says hugetlb. */
	if (r->kind != PTSCOPE_KIND_HUGETLB &&
	    !!(kf >> KPF_ANON & 1) != (r->kind == PTSCOPE_KIND_ANON || r->kind == PTSCOPE_KIND_KSM))
		return "anon differs from KPF_ANON";
	if (o->kpf_ksm_trusted && !!(kf >> KPF_KSM & 1) != (r->kind == PTSCOPE_KIND_KSM))
		return "ksm differs from KPF_KSM";
	if (!!(kf >> KPF_HUGE & 1) != (r->kind == PTSCOPE_KIND_HUGETLB))
		return "hugetlb differs from KPF_HUGE";
	if (!!(kf >> KPF_ZERO_PAGE & 1) !=
	    (r->kind == PTSCOPE_KIND_ZERO_PAGE || r->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE))
		return "zero page differs from KPF_ZERO_PAGE";
	if (!!(kf >> KPF_THP & 1) !=
	    (!!(r->pflags & PTSCOPE_PAGE(THP)) || r->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE))
		return "thp differs from KPF_THP";
	return NULL;
}

/* xlate of the same page must end at the same leaf as the walk. */
static const char *compare_xlate(struct ptscope *h, uint64_t va, const struct seen *s)
{
	const struct ptscope_xlate_level *leaf;
	struct ptscope_xlate x;

	if (ptscope_xlate(h, getpid(), va, &x))
		return ptscope_errmsg();
	leaf = x.levels[x.nr_levels - 1].leaf_size ? &x.levels[x.nr_levels - 1] : NULL;
	if (s->rec.state == PTSCOPE_STATE_NONE)
		return leaf ? "xlate found a leaf where walk found none" : NULL;
	if (!leaf)
		return "xlate found no leaf";
	if (leaf->level != s->rec.level)
		return "xlate leaf level differs";
	if (s->rec.state == PTSCOPE_STATE_PRESENT && (!leaf->has_pfn || leaf->pfn != s->pfn))
		return "xlate pfn differs";
	if (s->rec.level == PTSCOPE_LEVEL_PTE && leaf->entry != s->rec.entry)
		return "xlate raw entry differs";
	return NULL;
}

static void summarize(struct kind *kd, struct collect *c, const char *mode)
{
	unsigned int counts[8] = { 0 };
	size_t i;

	for (i = 0; i < c->npages; i++)
		counts[c->pages[i].rec.state & 7]++;
	printf("# %s (%s): %zu pages: %u present, %u none, %u swap\n", kd->name, mode, c->npages,
	       counts[PTSCOPE_STATE_PRESENT], counts[PTSCOPE_STATE_NONE],
	       counts[PTSCOPE_STATE_SWAP]);
}

static void check_kind(struct ptscope *h, const struct oracles *o, struct kind *kd)
{
	struct collect pages = { (uintptr_t)kd->addr, kd->len / PAGE, NULL, 0 };
	struct collect runs = pages;
	unsigned int bad = 0, bad_x = 0, bad_runs = 0;
	const char *why, *first = NULL;
	char buf[128];
	size_t i;
	int ret;

	epoch++;
	pages.pages = calloc(pages.npages, sizeof(struct seen));
	runs.pages = calloc(runs.npages, sizeof(struct seen));
	ret = ptscope_walk(h, getpid(), pages.start, pages.start + kd->len, 0, collect_page,
			   &pages);
	if (!ret)
		ret = ptscope_walk(h, getpid(), runs.start, runs.start + kd->len, PTSCOPE_WALK_RUNS,
				   collect_page, &runs);
	if (ret) {
		result(0, "%s: walk failed: %s", kd->name, ptscope_errmsg());
		goto out;
	}
	summarize(kd, &pages, "pages");
	for (i = 0; i < pages.npages; i++) {
		uint64_t va = pages.start + i * PAGE;

		why = compare(o, va, &pages.pages[i], buf, sizeof(buf));
		if (why && !bad++) {
			const struct seen *sp = &pages.pages[i];
			uint64_t e = 0, kf = 0, kc = 0;

			pread_u64(o->pagemap, va / PAGE, &e);
			if (sp->pfn) {
				pread_u64(o->kpageflags, sp->pfn, &kf);
				pread_u64(o->kpagecount, sp->pfn, &kc);
			}
			printf("#   +0x%zx: %s: ptscope %s %s pfn 0x%llx entry 0x%llx pflags 0x%x"
			       " mapcount %u; pagemap 0x%llx kpageflags 0x%llx kpagecount %llu\n",
			       i * PAGE, why, ptscope_state_name(sp->rec.state),
			       sp->rec.state == PTSCOPE_STATE_PRESENT ?
				       ptscope_kind_name(sp->rec.kind) :
				       "-",
			       (unsigned long long)sp->pfn, (unsigned long long)sp->rec.entry,
			       sp->rec.pflags, sp->rec.mapcount, (unsigned long long)e,
			       (unsigned long long)kf, (unsigned long long)kc);
		}
		/* Once a leaf (or hole): a 1 GiB leaf needs one xlate, not 262144. */
		why = pages.pages[i].rec.addr == va || !i ? compare_xlate(h, va, &pages.pages[i]) :
							    NULL;
		if (why && !bad_x++)
			printf("#   +0x%zx: %s\n", i * PAGE, why);
		if (pages.pages[i].rec.state != runs.pages[i].rec.state ||
		    pages.pages[i].pfn != runs.pages[i].pfn || !runs.pages[i].covered) {
			if (!bad_runs++)
				first = "run mode differs from page mode";
		}
	}
	result(!bad && !pages.overlap, "%s: walk = pagemap/kpageflags/kpagecount, every page",
	       kd->name);
	result(!bad_x, "%s: xlate leaf = walk leaf, every page", kd->name);
	result(!bad_runs && !runs.overlap, "%s: runs expand to the same pages%s%s", kd->name,
	       first ? ": " : "", first ? first : "");
out:
	free(pages.pages);
	free(runs.pages);
}

/* A walk of everything: records in order, none overlapping, VMAs covered. */
struct order {
	uint64_t last_end;
	unsigned long records, pages, disorder;
};

static int check_order(const struct ptscope_page *pg, void *arg)
{
	struct order *o = arg;

	o->disorder += pg->addr < o->last_end || !pg->nr_pages;
	o->last_end = pg->addr + pg->nr_pages * PAGE;
	o->records++;
	o->pages += pg->nr_pages;
	return 0;
}

static void check_whole(struct ptscope *h)
{
	unsigned long long start, end, vma_pages = 0;
	struct order ord = { 0 };
	char line[512];
	FILE *f;
	int ret;

	/* Nothing may change the maps between the two views. */
	ret = ptscope_walk(h, getpid(), 0, 0, 0, check_order, &ord);
	f = fopen("/proc/self/maps", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx-%llx", &start, &end) == 2 && !strstr(line, "[vsyscall]"))
			vma_pages += (end - start) / PAGE;
	if (f)
		fclose(f);
	printf("# whole address space: %lu records, %lu pages\n", ord.records, ord.pages);
	result(!ret && !ord.disorder && ord.pages == vma_pages,
	       "whole walk: %lu records in order, %lu pages = %llu pages of VMAs (%s)", ord.records,
	       ord.pages, vma_pages, ret ? ptscope_errmsg() : "ok");
}

/* One mapping as /proc/self/smaps describes it (sizes in kB). */
struct smaps_vma {
	unsigned long long start, end;
	char perms[5];
	char name[256];
	unsigned long long rss, swap, anon_huge, shmem_pmd, file_pmd, hugetlb;
};

#define MAX_VMAS 256

static int read_smaps(struct smaps_vma *out, int max)
{
	struct smaps_vma *v = NULL;
	char line[512];
	unsigned long long kb;
	int count = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[strspn(line, "0123456789abcdef")] == '-') {
			if (count == max)
				break;
			v = &out[count++];
			memset(v, 0, sizeof(*v));
			if (sscanf(line, "%llx-%llx %4s %*s %*s %*s %255[^\n]", &v->start, &v->end,
				   v->perms, v->name) < 3)
				v->name[0] = '\0';
			continue;
		}
		if (!v)
			continue;
		if (sscanf(line, "Rss: %llu kB", &kb) == 1)
			v->rss = kb;
		else if (sscanf(line, "Swap: %llu kB", &kb) == 1)
			v->swap = kb;
		else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			v->anon_huge = kb;
		else if (sscanf(line, "ShmemPmdMapped: %llu kB", &kb) == 1)
			v->shmem_pmd = kb;
		else if (sscanf(line, "FilePmdMapped: %llu kB", &kb) == 1)
			v->file_pmd = kb;
		else if (sscanf(line, "Private_Hugetlb: %llu kB", &kb) == 1 ||
			 sscanf(line, "Shared_Hugetlb: %llu kB", &kb) == 1)
			v->hugetlb += kb;
	}
	fclose(f);
	return count;
}

struct vma_list {
	struct ptscope_vma v[MAX_VMAS];
	char names[MAX_VMAS][256];
	int n;
};

static int collect_vma(const struct ptscope_vma *v, void *arg)
{
	struct vma_list *l = arg;

	if (l->n == MAX_VMAS)
		return 1;
	l->v[l->n] = *v;
	snprintf(l->names[l->n], sizeof(l->names[0]), "%s", v->name);
	l->v[l->n].name = l->names[l->n];
	l->n++;
	return 0;
}

static int count_huge_zero(const struct ptscope_page *pg, void *arg)
{
	if (pg->state == PTSCOPE_STATE_PRESENT && pg->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE)
		*(uint64_t *)arg += pg->nr_pages;
	return 0;
}

static uint64_t huge_zero_pages(struct ptscope *h, const struct ptscope_vma *v)
{
	uint64_t pages = 0;

	if (v->huge && v->zero)
		ptscope_walk(h, getpid(), v->start, v->end, PTSCOPE_WALK_RUNS, count_huge_zero,
			     &pages);
	return pages;
}

static int count_hwpoison(const struct ptscope_page *pg, void *arg)
{
	if (pg->state == PTSCOPE_STATE_HWPOISON)
		*(uint64_t *)arg += pg->nr_pages;
	return 0;
}

static uint64_t hwpoison_pages(struct ptscope *h, const struct ptscope_vma *v)
{
	uint64_t pages = 0;

	ptscope_walk(h, getpid(), v->start, v->end, PTSCOPE_WALK_RUNS | PTSCOPE_WALK_SKIP_NONE,
		     count_hwpoison, &pages);
	return pages;
}

/* smaps counts kB, ptscope_vma the kernel's pages (4 or 16 KiB). */
#define KB_PER_PAGE (PAGE / 1024)

/* The first difference between ptscope's mapping and smaps', or NULL. */
static const char *compare_vma(struct ptscope *h, const struct ptscope_vma *v,
			       const struct smaps_vma *s, char *why, size_t len)
{
	char perms[5] = { v->flags & PTSCOPE_VMA(READ) ? 'r' : '-',
			  v->flags & PTSCOPE_VMA(WRITE) ? 'w' : '-',
			  v->flags & PTSCOPE_VMA(EXEC) ? 'x' : '-',
			  v->flags & PTSCOPE_VMA(SHARED) ? 's' : 'p', 0 };
	int special = v->backing == PTSCOPE_BACKING_SPECIAL ||
		      (v->flags & (PTSCOPE_VMA(PFNMAP) | PTSCOPE_VMA(IO) | PTSCOPE_VMA(MIXEDMAP)));

	if (v->end != s->end)
		return "end differs";
	if (strcmp(perms, s->perms))
		return "permissions differ";
	if (strcmp(v->name, s->name)) {
		snprintf(why, len, "name '%s', smaps '%s'", v->name, s->name);
		return why;
	}
	if (v->backing == PTSCOPE_BACKING_HUGETLB) {
		if (s->hugetlb != v->present * KB_PER_PAGE)
			return "present differs from Private_Hugetlb + Shared_Hugetlb";
		return NULL;
	}
	/*
	 * smaps counts pages with a struct page in use: not the zero page, not
	 * PFN maps; and, on kernels whose is_pfn_swap_entry() covers them,
	 * pages behind hwpoison entries.
	 */
	if (!special && s->rss != (v->present - v->zero) * KB_PER_PAGE &&
	    s->rss != (v->present - v->zero + hwpoison_pages(h, v)) * KB_PER_PAGE) {
		snprintf(why, len, "present %llu - zero %llu pages, Rss %llu kB",
			 (unsigned long long)v->present, (unsigned long long)v->zero, s->rss);
		return why;
	}
	if (v->backing != PTSCOPE_BACKING_SHMEM && s->swap != v->swapped * KB_PER_PAGE)
		return "swapped differs from Swap";
	/* smaps leaves the huge zero page out (checked per page in check_kind). */
	if (s->anon_huge + s->shmem_pmd + s->file_pmd !=
	    (v->huge - huge_zero_pages(h, v)) * KB_PER_PAGE)
		return "huge differs from AnonHugePages + ShmemPmdMapped + FilePmdMapped";
	return NULL;
}

static void check_maps(struct ptscope *h)
{
	static struct vma_list l;
	static struct smaps_vma sm[MAX_VMAS];
	int round, i, j, ns = 0, ret = 0, bad = 0;
	const char *why;
	char buf[300];

	/* A first round grows the heap and stack as far as the reads need. */
	for (round = 0; round < 2; round++) {
		l.n = 0;
		ret = ptscope_maps(h, getpid(), collect_vma, &l);
		ns = read_smaps(sm, MAX_VMAS);
	}
	if (ret || ns < 0) {
		result(0, "maps: %s", ret ? ptscope_errmsg() : "cannot read smaps");
		return;
	}
	for (i = 0, j = 0; i < l.n; i++, j++) {
		while (j < ns && sm[j].start < l.v[i].start)
			j++;
		why = j < ns && sm[j].start == l.v[i].start ?
			      compare_vma(h, &l.v[i], &sm[j], buf, sizeof(buf)) :
			      "no smaps entry starts there";
		if (why && !bad++)
			printf("#   VMA 0x%llx-0x%llx %s: %s\n", (unsigned long long)l.v[i].start,
			       (unsigned long long)l.v[i].end, l.v[i].name, why);
	}
	for (j = 0; j < ns; j++)
		ns -= !strcmp(sm[j].name, "[vsyscall]"); /* not a VMA of the mm */
	printf("# maps: %d VMAs from ptscope, %d from smaps\n", l.n, ns);
	result(!bad && l.n == ns,
	       "maps = smaps for every VMA (bounds, perms, name, Rss, Swap, huge)");
}

/* Pages of [addr, addr + len) a walk calls KSM. */
static int count_ksm(const struct ptscope_page *pg, void *arg)
{
	if (pg->state == PTSCOPE_STATE_PRESENT && pg->kind == PTSCOPE_KIND_KSM)
		*(unsigned long *)arg += pg->nr_pages;
	return 0;
}

/*
 * What the special kinds must show beyond agreeing with the oracles, so a
 * kernel that quietly did nothing (no merge, no write-protect) is noticed.
 */
static void check_expectations(struct ptscope *h, const struct oracles *o)
{
	unsigned long ksm = 0, merging = read_ulong("/proc/self/ksm_merging_pages");
	int k;

	for (k = 0; k < nkinds; k++) {
		struct kind *kd = &kinds[k];
		struct ptscope_page pg[4];
		char flags[5] = "....";
		int i;

		if (strcmp(kd->name, "anon-soft-dirty") && strcmp(kd->name, "anon-uffd-wp") &&
		    strcmp(kd->name, "memfd-uffd-wp") && strcmp(kd->name, "anon-uffd-rwp"))
			continue;
		for (i = 0; i < 4; i++) {
			struct collect c = { (uintptr_t)kd->addr + i * PAGE, 1, NULL, 0 };
			struct seen one = { 0 };

			c.pages = &one;
			ptscope_walk(h, getpid(), c.start, c.start + PAGE, 0, collect_page, &c);
			pg[i] = one.rec;
			/*
			 * All four were written before clear_refs made them
			 * read-only: still dirty, or (6.6+) saved-dirty.
			 */
			if (!strcmp(kd->name, "anon-soft-dirty"))
				flags[i] = !(pg[i].flags &
					     (PTSCOPE_ENTRY(DIRTY) | PTSCOPE_ENTRY(SAVED_DIRTY))) ?
						   '?' :
					   pg[i].flags & PTSCOPE_ENTRY(SOFT_DIRTY) ? 's' :
										     '-';
			else if (pg[i].state == PTSCOPE_STATE_MARKER)
				flags[i] = pg[i].flags & PTSCOPE_ENTRY(UFFD_WP) ? 'M' : 'm';
			else if (pg[i].flags & PTSCOPE_ENTRY(UFFD_RWP))
				flags[i] = pg[i].flags & PTSCOPE_ENTRY(UFFD_WP)	 ? '?' :
					   pg[i].flags & PTSCOPE_ENTRY(PROTNONE) ? 'r' :
										   'R';
			else
				flags[i] = pg[i].flags & PTSCOPE_ENTRY(UFFD_WP) ? 'w' : '-';
		}
		if (!strcmp(kd->name, "anon-soft-dirty") && !o->soft_dirty)
			printf("ok %d %s%s: after clear_refs, soft-dirty exactly where written since "
			       "# SKIP the kernel has no soft-dirty (%s)\n",
			       ++n, who, kd->name, flags);
		else if (!strcmp(kd->name, "anon-soft-dirty"))
			result(!strcmp(flags, "s-s-"),
			       "%s: after clear_refs, soft-dirty exactly where written since, all dirty (%s)",
			       kd->name, flags);
		else if (*who) /* a child has no userfaultfd: fork drops uffd-wp */
			result(!strcmp(flags, "----"), "%s: no uffd-wp left after fork (%s)",
			       kd->name, flags);
		else if (!strcmp(kd->name, "anon-uffd-rwp"))
			result(!strcmp(flags, "rr--"),
			       "%s: uffd-rwp and protnone on the 2 protected pages, no uffd-wp (%s)",
			       kd->name, flags);
		else if (!strcmp(kd->name, "anon-uffd-wp"))
			result(!strcmp(flags, "ww--"), "%s: uffd-wp on the 2 protected pages (%s)",
			       kd->name, flags);
		else
			result(!strcmp(flags, "wMMM"),
			       "%s: uffd-wp on the present page, markers on the others (%s)",
			       kd->name, flags);
	}
	for (k = 0; k < nkinds; k++) {
		struct collect c = { (uintptr_t)kinds[k].addr, 1, NULL, 0 };
		struct seen one = { 0 };

		if (strcmp(kinds[k].name, "anon-hwpoison"))
			continue;
		c.pages = &one;
		ptscope_walk(h, getpid(), c.start, c.start + PAGE, 0, collect_page, &c);
		result(one.rec.state == PTSCOPE_STATE_HWPOISON && one.rec.has_pfn,
		       "%s: a hwpoison entry naming the lost frame (%s)", kinds[k].name,
		       ptscope_state_name(one.rec.state) ?: "?");
	}
	for (k = 0; k < nkinds; k++)
		if (!strcmp(kinds[k].name, "ksm-merged"))
			break;
	if (k == nkinds)
		return;
	ptscope_walk(h, getpid(), 0, 0, PTSCOPE_WALK_RUNS | PTSCOPE_WALK_SKIP_NONE, count_ksm,
		     &ksm);
	/*
	 * 6.1 copies the parent's ksm_merging_pages into a forked child and
	 * counts the child's pages on top; there KPF_KSM, checked page by
	 * page, is the oracle.
	 */
	if (*who && o->kpf_ksm_trusted) {
		printf("# %sksm: %lu KSM pages; ksm_merging_pages %lu (not checked in a child)\n",
		       who, ksm, merging);
		return;
	}
	result(ksm == merging && merging >= kinds[k].len / PAGE,
	       "ksm: %lu pages of the process are KSM pages, /proc/self/ksm_merging_pages %lu%s",
	       ksm, merging, o->kpf_ksm_trusted ? "" : " (KPF_KSM not trusted on this kernel)");
}

/* Whether kpageflags calls a page KSM that was never offered to KSM. */
static int kpf_ksm_trusted(const struct oracles *o)
{
	uint64_t e = 0, kf = 0;
	int k;

	for (k = 0; k < nkinds && strcmp(kinds[k].name, "anon-written"); k++)
		;
	if (k == nkinds || pread_u64(o->pagemap, (uintptr_t)kinds[k].addr / PAGE, &e) ||
	    pread_u64(o->kpageflags, e & PM_PFN_MASK, &kf))
		return 0;
	return !(kf >> KPF_KSM & 1);
}

/* The first record of a walk of @addr: its flags, level, state and cache mode. */
static int first_record(const struct ptscope_page *pg, void *arg)
{
	*(struct ptscope_page *)arg = *pg;
	return 1;
}

#include "memkinds_arch.h"

/*
 * hugetlb leaves made PROT_NONE: still present to the kernel (pagemap says
 * so, with the frame), neither a hole nor a "global" or "pat" entry (x86
 * keeps PROTNONE in the GLOBAL bit and inverts the frame bits, the huge PAT
 * bit among them, of a PROT_NONE entry; arm64 clears the valid and EL0
 * bits), and xlate agrees with walk, for every hugetlb size, contiguous
 * ones included. PUD leaves (1 GiB) are where 6.1 and 6.12 disagreed.
 */
static void check_huge_prot_none(struct ptscope *h, const struct oracles *o)
{
	struct ptscope_page first;
	struct kind none;
	uint64_t pm;
	char name[64];
	int k, nhuge = nkinds, cont_valid;

	/* Sizes not reserved are no kinds: their own check says so. */
	for (k = 0; k < nhuge; k++) {
		if (strncmp(kinds[k].name, "hugetlb-", 8))
			continue;
		none = kinds[k];
		snprintf(name, sizeof(name), "%s-prot-none", kinds[k].name);
		none.name = name;
		if (mprotect(none.addr, none.len, PROT_NONE)) {
			result(0, "%s: mprotect: %s", name, strerror(errno));
			continue;
		}
		check_kind(h, o, &none);
		memset(&first, 0, sizeof(first));
		if (ptscope_walk(h, getpid(), (uintptr_t)none.addr, (uintptr_t)none.addr + PAGE, 0,
				 first_record, &first) < 0)
			result(0, "%s: walk: %s", name, ptscope_errmsg());
		/*
		 * 7.3-rc7 at times gives a forked child no copy of the parent's
		 * 1 GiB private hugetlb entry; walk = pagemap (above) checked
		 * the hole, and there is no leaf to look at.
		 */
		if (*who && !pread_u64(o->pagemap, (uintptr_t)none.addr / PAGE, &pm) &&
		    !(pm & PM_PRESENT)) {
			printf("ok %d %s%s: present leaf # SKIP the kernel did not copy the entry "
			       "into the child (pagemap: not present)\n",
			       ++n, who, name);
			goto restore;
		}
		/*
		 * arm64's pte_mkcont() sets PTE_TYPE_PAGE, the valid bit with
		 * it: a contiguous-PTE hugetlb leaf made PROT_NONE stays valid
		 * (not protnone to the kernel either), closed to EL0 and
		 * execute-never. Said, and accepted as closed.
		 */
		cont_valid = ENTRY_CONT_PTE_STAYS_VALID && first.level == PTSCOPE_LEVEL_PTE &&
			     (first.flags & PTSCOPE_ENTRY(CONT)) &&
			     !(first.flags & PTSCOPE_ENTRY(PROTNONE)) && !entry_user(first.flags) &&
			     entry_exec_never(first.flags);
		if (cont_valid)
			printf("# %s%s: valid, closed to EL0, uxn: the kernel's PROT_NONE of a "
			       "contiguous-PTE hugetlb leaf (pte_mkcont() sets the valid bit)\n",
			       who, name);
		result(first.state == PTSCOPE_STATE_PRESENT &&
			       (cont_valid || ((first.flags & PTSCOPE_ENTRY(PROTNONE)) &&
					       !(first.flags & ENTRY_NOT_IN_PROT_NONE))) &&
			       first.cache == PTSCOPE_CACHE_WB &&
			       first.level == level_of_size(none.len),
		       "%s: present leaf, protnone, " ENTRY_NOT_IN_PROT_NONE_TEXT ", write-back "
		       "(state %s, flags 0x%llx, cache %s, level %s)",
		       name, ptscope_state_name(first.state), (unsigned long long)first.flags,
		       ptscope_cache_name(first.cache), ptscope_level_name(first.level));
restore:
		if (mprotect(none.addr, none.len, PROT_READ | PROT_WRITE))
			result(0, "%s: mprotect back: %s", name, strerror(errno));
	}
}

static void check_all(struct ptscope *h, const struct oracles *o)
{
	int k;

	for (k = 0; k < nkinds; k++)
		check_kind(h, o, &kinds[k]);
	check_hugetlb_leaves(h, o);
	check_tagged_guarded(h);
	check_huge_prot_none(h, o);
	check_expectations(h, o);
	check_whole(h);
	check_maps(h);
}

/*
 * The same checks in a forked child, while the parent waits: every private
 * page is now shared by two processes (mapcount 2, not exclusive), and VMAs
 * registered with userfaultfd lose their write-protection in the child.
 */
static void check_child(struct ptscope *h, const struct oracles *o)
{
	int pfd[2], status;
	struct ptscope *ch;
	pid_t pid;

	fflush(stdout);
	if (pipe(pfd)) {
		result(0, "child: pipe: %s", strerror(errno));
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct oracles co = *o;

		close(pfd[0]);
		who = "child: ";
		co.pagemap = open("/proc/self/pagemap", O_RDONLY);
		if (co.pagemap < 0 || ptscope_open(&ch))
			result(0, "child: open pagemap or ptscope");
		else
			check_all(ch, &co);
		fflush(stdout);
		if (write(pfd[1], &n, sizeof(n)) != sizeof(n) ||
		    write(pfd[1], &failed, sizeof(failed)) != sizeof(failed))
			_exit(2);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], &n, sizeof(n)) != sizeof(n) ||
	    read(pfd[0], &failed, sizeof(failed)) != sizeof(failed))
		result(0, "child: no results from the forked child");
	close(pfd[0]);
	if (pid > 0 &&
	    (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)))
		result(0, "child: exited abnormally (status 0x%x)", status);
	(void)h;
}

static int check(void)
{
	struct ptscope_info info;
	struct oracles o;
	struct ptscope *h;

	o.pagemap = open("/proc/self/pagemap", O_RDONLY);
	o.kpageflags = open("/proc/kpageflags", O_RDONLY);
	o.kpagecount = open("/proc/kpagecount", O_RDONLY);
	if (o.pagemap < 0 || o.kpageflags < 0 || o.kpagecount < 0 || ptscope_open(&h) ||
	    ptscope_get_info(h, &info)) {
		printf("Bail out! %s\n", errno ? strerror(errno) : ptscope_errmsg());
		return 2;
	}
	o.kpf_ksm_trusted = kpf_ksm_trusted(&o);
	o.nx = exec_never_known(info.features);
	o.soft_dirty = !!(info.features & PTSCOPE_FEATURE(SOFT_DIRTY));
	printf("# KPF_KSM %s; NX %s\n", o.kpf_ksm_trusted ? "trusted" : "set on plain anon pages",
	       o.nx ? "on" : "off");
	for (size_t i = 0; i < nskipped; i++)
		printf("ok %d %s: walk # SKIP %s\n", ++n, skipped[i].name, skipped[i].why);
	check_all(h, &o);
	check_child(h, &o);
	ptscope_close(h);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}

static void serve(void)
{
	sigset_t set;
	int k, sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	for (k = 0; k < nkinds; k++)
		printf("%s 0x%llx\n", kinds[k].name, (unsigned long long)(uintptr_t)kinds[k].addr);
	printf("ready\n");
	fflush(stdout);
	sigwait(&set, &sig);
	if (sig == SIGUSR1) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		execl("/proc/self/exe", "memkinds", "hog", "1", (char *)NULL);
		perror("memkinds: exec");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	if ((argc == 3 || (argc == 4 && !strcmp(argv[3], "nodump"))) && !strcmp(argv[1], "hog")) {
		size_t len = strtoul(argv[2], NULL, 10) << 20;
		char *p = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

		if (argc == 4 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)) {
			perror("memkinds: PR_SET_DUMPABLE");
			return 2;
		}

		madvise(p, len, MADV_NOHUGEPAGE); /* 4 KiB pages: many records */
		/*
		 * Every other page, present pages and holes in turn: a record
		 * each even in runs, which is how libptscope fetches a per-page
		 * walk, so a walk of a large hog outgrows a socket's buffer.
		 */
		for (size_t off = 0; off < len; off += 2 * PAGE)
			p[off] = 1;
		add("hog", p, len);
		serve();
		return 0;
	}
	if (argc != 2 || (strcmp(argv[1], "check") && strcmp(argv[1], "serve"))) {
		fprintf(stderr, "usage: memkinds check|serve|hog MB [nodump]\n");
		return 2;
	}
	setup(!strcmp(argv[1], "check"));
	if (!strcmp(argv[1], "serve")) {
		serve();
		return 0;
	}
	return check();
}
