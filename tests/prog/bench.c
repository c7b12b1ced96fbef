// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench: ptscope against the kernel's own interfaces, in the same guest run
 * (make bench). Each figure is the median of several runs; ratios matter,
 * not absolute times (TCG). Prints a table, then one JSON line.
 *
 *   dense     1 GiB written anonymous memory in 4 KiB pages (THP off):
 *             ptscope pages and runs vs pagemap PFN-only, pagemap +
 *             kpageflags + kpagecount per page and per run of PFNs,
 *             PAGEMAP_SCAN (6.7+)
 *   thp       the same 1 GiB in transparent huge pages
 *   sparse    1,000 touched pages in a 64 TiB and in a 64 GiB PROT_NONE
 *             reservation: the cost follows the entries, not the size
 *   xlate     10,000 single-address xlates vs a pagemap + kpageflags pread pair
 *   stall     a thread of this process times mmap + touch + munmap (each
 *             waits for the mmap lock) while the main thread does nothing,
 *             walks the dense 1 GiB with ptscope, reads /proc/self/smaps or
 *             reads the 1 GiB of /proc/self/pagemap, in loops: p99 and max
 *   cli       (by bench.sh) ptscope -j walk --pages of the dense 1 GiB to
 *             /dev/null: time and peak RSS; bench stops itself for it
 *
 * The fault path is measured by tests/prog/faultbench.c.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

#include "libptscope.h"
#include "uapi/ptscope.h"
#include "arch.h"

#define PAGE page_size()

static struct ptscope *h;

typedef void (*bench_fn)(char *p, size_t len);

/* Median seconds of RUNS runs. */
static double median(bench_fn fn, char *p, size_t len)
{
	double t[RUNS];
	int i;

	for (i = 0; i < RUNS; i++) {
		double s = now();

		fn(p, len);
		t[i] = now() - s;
	}
	return median_of(t);
}

static volatile uint64_t sink;
static uint64_t records;

static int count_rec(const struct ptscope_page *pg, void *arg)
{
	(void)arg;
	sink += pg->pfn + pg->flags + pg->mapcount + pg->cow + pg->pflags;
	records++;
	return 0;
}

/* Where one call of @fn spends its time: user and system CPU seconds. */
static void cpu_split(bench_fn fn, char *p, size_t len, double *user, double *sys)
{
	struct rusage a, b;

	getrusage(RUSAGE_SELF, &a);
	fn(p, len);
	getrusage(RUSAGE_SELF, &b);
	*user = (b.ru_utime.tv_sec - a.ru_utime.tv_sec) +
		(b.ru_utime.tv_usec - a.ru_utime.tv_usec) / 1e6;
	*sys = (b.ru_stime.tv_sec - a.ru_stime.tv_sec) +
	       (b.ru_stime.tv_usec - a.ru_stime.tv_usec) / 1e6;
}

static void ptscope_pages(char *p, size_t len)
{
	ptscope_walk(h, 0, (uintptr_t)p, (uintptr_t)p + len, 0, count_rec, NULL);
}

/* The same walk with each page's NUMA node and memory cgroup. */
static void ptscope_pages_placed(char *p, size_t len)
{
	ptscope_walk(h, 0, (uintptr_t)p, (uintptr_t)p + len, PTSCOPE_WALK_PLACEMENT, count_rec,
		     NULL);
}

/* The same walks asking for the entry group alone (no struct page read). */
static void ptscope_pages_entry(char *p, size_t len)
{
	ptscope_walk_fields(h, 0, (uintptr_t)p, (uintptr_t)p + len, 0, PTSCOPE_FIELD_ENTRY,
			    count_rec, NULL);
}

static void ptscope_runs_entry(char *p, size_t len)
{
	ptscope_walk_fields(h, 0, (uintptr_t)p, (uintptr_t)p + len, PTSCOPE_WALK_RUNS,
			    PTSCOPE_FIELD_ENTRY, count_rec, NULL);
}

static void ptscope_runs(char *p, size_t len)
{
	ptscope_walk(h, 0, (uintptr_t)p, (uintptr_t)p + len, PTSCOPE_WALK_RUNS, count_rec, NULL);
}

/* The same walks answered from /proc (libptscope's procfs source). */
static struct ptscope *hp;

static void procfs_pages(char *p, size_t len)
{
	ptscope_walk(hp, 0, (uintptr_t)p, (uintptr_t)p + len, 0, count_rec, NULL);
}

static void procfs_runs(char *p, size_t len)
{
	ptscope_walk(hp, 0, (uintptr_t)p, (uintptr_t)p + len, PTSCOPE_WALK_RUNS, count_rec, NULL);
}

static int pagemap_fd, kflags_fd, kcount_fd;

static void pagemap_only(char *p, size_t len)
{
	size_t n = len / PAGE, done = 0;
	static uint64_t buf[4096];

	while (done < n) {
		size_t chunk = n - done < 4096 ? n - done : 4096;
		ssize_t got = pread(pagemap_fd, buf, chunk * 8,
				    (off_t)(((uintptr_t)p / PAGE + done) * 8));

		if (got <= 0)
			break;
		sink += buf[0];
		done += (size_t)got / 8;
	}
}

static void trio_per_page(char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len / PAGE; i++) {
		uint64_t e, f = 0, c = 0;

		if (pread(pagemap_fd, &e, 8, (off_t)(((uintptr_t)p / PAGE + i) * 8)) != 8)
			return;
		e &= (1ULL << 55) - 1;
		if (pread(kflags_fd, &f, 8, (off_t)(e * 8)) != 8 ||
		    pread(kcount_fd, &c, 8, (off_t)(e * 8)) != 8)
			return;
		sink += f + c;
	}
}

/* pagemap in chunks; kpageflags/kpagecount once per run of consecutive PFNs. */
static void trio_batched(char *p, size_t len)
{
	static uint64_t pm[4096], f[4096], c[4096];
	size_t n = len / PAGE, done = 0, i, j;

	while (done < n) {
		size_t chunk = n - done < 4096 ? n - done : 4096;

		if (pread(pagemap_fd, pm, chunk * 8, (off_t)(((uintptr_t)p / PAGE + done) * 8)) <=
		    0)
			return;
		for (i = 0; i < chunk; i = j) {
			uint64_t first = pm[i] & ((1ULL << 55) - 1);

			for (j = i + 1; j < chunk && j - i < 4096 &&
					(pm[j] & ((1ULL << 55) - 1)) == first + (j - i);
			     j++)
				;
			if (pread(kflags_fd, f, (j - i) * 8, (off_t)(first * 8)) <= 0 ||
			    pread(kcount_fd, c, (j - i) * 8, (off_t)(first * 8)) <= 0)
				return;
			sink += f[0] + c[0];
		}
		done += chunk;
	}
}

/* PAGEMAP_SCAN (linux/fs.h of 6.7+); our own copy for older headers. */
struct bench_page_region {
	uint64_t start, end, categories;
};

struct bench_pm_scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define BENCH_PAGEMAP_SCAN _IOWR('f', 16, struct bench_pm_scan_arg)

static int scan_works = 1;

static void pagemap_scan(char *p, size_t len)
{
	static struct bench_page_region vec[4096];
	struct bench_pm_scan_arg arg = {
		.size = sizeof(arg),
		.start = (uintptr_t)p,
		.end = (uintptr_t)p + len,
		.vec = (uintptr_t)vec,
		.vec_len = 4096,
		.return_mask = 0xff,
	};

	while (arg.start < arg.end) {
		long n = ioctl(pagemap_fd, BENCH_PAGEMAP_SCAN, &arg);

		if (n < 0) {
			scan_works = 0;
			return;
		}
		sink += (uint64_t)n;
		if (arg.walk_end <= arg.start)
			break;
		arg.start = arg.walk_end;
	}
}

static void xlate_many(char *p, size_t len)
{
	struct ptscope_xlate x;
	int i;

	for (i = 0; i < 10000; i++)
		ptscope_xlate(h, 0, (uintptr_t)p + (i * PAGE) % len, &x);
}

/* The same 10,000 addresses in one call: XLATE_MANY, 4096 a request. */
static void xlate_batched(char *p, size_t len)
{
	static struct ptscope_xlate x[10000];
	static uint64_t addrs[10000];
	int i;

	for (i = 0; i < 10000; i++)
		addrs[i] = (uintptr_t)p + (i * PAGE) % len;
	if (ptscope_xlate_many(h, 0, addrs, 10000, x)) {
		fprintf(stderr, "bench: ptscope_xlate_many: %s\n", ptscope_errmsg());
		exit(1);
	}
}

/* The floor under any round trip: GET_INFO does no work worth the name. */
static void info_many(char *p, size_t len)
{
	struct ptscope_info in;
	int i;

	(void)p;
	(void)len;
	for (i = 0; i < 10000; i++)
		ptscope_get_info(h, &in);
}

static void pair_many(char *p, size_t len)
{
	int i;

	for (i = 0; i < 10000; i++) {
		uint64_t e, f;

		if (pread(pagemap_fd, &e, 8,
			  (off_t)(((uintptr_t)p + (i * PAGE) % len) / PAGE * 8)) != 8 ||
		    pread(kflags_fd, &f, 8, (off_t)((e & ((1ULL << 55) - 1)) * 8)) != 8)
			return;
		sink += f;
	}
}

static char *reserve(size_t len, int prot)
{
	char *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("bench: mmap");
		exit(2);
	}
	return p;
}

/* 1,000 pages touched at spread offsets of a PROT_NONE reservation of @len. */
static char *sparse(size_t len)
{
	char *p = reserve(len, PROT_NONE);
	size_t i, step = len / 1000;

	for (i = 0; i < 1000; i++) {
		char *q = p + (i * step & ~(PAGE - 1));

		mprotect(q, PAGE, PROT_READ | PROT_WRITE);
		*q = 1;
	}
	return p;
}

/*
 * The stall benchmark: a thread takes the mmap lock for writing over and
 * over (mmap, one write, munmap) and keeps every round's latency.
 */
#define STALL_SECONDS 4
#define STALL_MAX 400000

struct stall {
	volatile int stop;
	size_t n;
	double lat[STALL_MAX];
};

static struct stall stall;

static void *stall_thread(void *arg)
{
	(void)arg;
	while (!stall.stop && stall.n < STALL_MAX) {
		double s = now();
		char *p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			       -1, 0);

		if (p == MAP_FAILED)
			break;
		p[0] = 1;
		munmap(p, 16 * PAGE);
		stall.lat[stall.n++] = now() - s;
	}
	return NULL;
}

static void smaps_read(char *p, size_t len)
{
	static char buf[65536];
	int fd = open("/proc/self/smaps", O_RDONLY);

	(void)p;
	(void)len;
	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

static void idle(char *p, size_t len)
{
	(void)p;
	(void)len;
	usleep(100000);
}

/* p99 and max, in microseconds, of the stall thread while @fn loops. */
static void stall_under(bench_fn fn, char *p, size_t len, double *p99, double *max)
{
	pthread_t t;
	double end;

	stall.stop = 0;
	stall.n = 0;
	if (pthread_create(&t, NULL, stall_thread, NULL)) {
		*p99 = *max = -1;
		return;
	}
	end = now() + STALL_SECONDS;
	while (now() < end)
		fn(p, len);
	stall.stop = 1;
	pthread_join(t, NULL);
	if (!stall.n) {
		*p99 = *max = -1;
		return;
	}
	qsort(stall.lat, stall.n, sizeof(stall.lat[0]), cmp_double);
	*p99 = stall.lat[(stall.n * 99) / 100] * 1e6;
	*max = stall.lat[stall.n - 1] * 1e6;
}

#define NS(t, pages) ((t)*1e9 / (double)(pages))

/* One row of the table: ns per page of @t over @pages, and its ratio to @base. */
static void row(const char *what, double t, size_t pages, double base)
{
	printf("%-58s %12.0f %8.2f\n", what, NS(t, pages), t / base);
}

int main(void)
{
	size_t len = 1UL << 30, pages = len / PAGE;
	double t_pm, t_trio, t_batch, t_pages, t_placed, t_runs, t_scan, t_thp_pm, t_thp_runs;
	double t_64t, t_64g, t_xl, t_xlb, t_pair, t_info, t_ppages, t_pruns, t_epages, t_eruns;
	double st_idle[2], st_walk[2], st_smaps[2], st_pm[2];
	double u_pages, s_pages, u_runs, s_runs;
	uint64_t nrec_pages, nrec_runs;
	char *dense, *thp, *raw, *s64t, *s64g;
	char scan_ns[32];

	if (ptscope_open_source(&h, PTSCOPE_SOURCE_MODULE) ||
	    ptscope_open_source(&hp, PTSCOPE_SOURCE_PROCFS)) {
		fprintf(stderr, "bench: %s\n", ptscope_errmsg());
		return 2;
	}
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
	kflags_fd = open("/proc/kpageflags", O_RDONLY);
	kcount_fd = open("/proc/kpagecount", O_RDONLY);
	if (pagemap_fd < 0 || kflags_fd < 0 || kcount_fd < 0) {
		perror("bench: /proc");
		return 2;
	}
	dense = reserve(len, PROT_READ | PROT_WRITE);
	madvise(dense, len, MADV_NOHUGEPAGE);
	memset(dense, 1, len);

	t_pm = median(pagemap_only, dense, len);
	t_trio = median(trio_per_page, dense, len);
	t_batch = median(trio_batched, dense, len);
	t_pages = median(ptscope_pages, dense, len);
	t_placed = median(ptscope_pages_placed, dense, len);
	t_runs = median(ptscope_runs, dense, len);
	t_epages = median(ptscope_pages_entry, dense, len);
	t_eruns = median(ptscope_runs_entry, dense, len);
	t_ppages = median(procfs_pages, dense, len);
	t_pruns = median(procfs_runs, dense, len);
	t_scan = median(pagemap_scan, dense, len);
	records = 0;
	cpu_split(ptscope_pages, dense, len, &u_pages, &s_pages);
	nrec_pages = records;
	records = 0;
	cpu_split(ptscope_runs, dense, len, &u_runs, &s_runs);
	nrec_runs = records;

	raw = reserve(len + (2UL << 20), PROT_READ | PROT_WRITE);
	thp = (char *)(((uintptr_t)raw + (2UL << 20) - 1) & ~((2UL << 20) - 1));
	madvise(thp, len, MADV_HUGEPAGE);
	memset(thp, 2, len);
	t_thp_pm = median(pagemap_only, thp, len);
	t_thp_runs = median(ptscope_runs, thp, len);
	munmap(raw, len + (2UL << 20));

	s64t = sparse(64UL << 40);
	s64g = sparse(64UL << 30);
	t_64t = median(ptscope_runs, s64t, 64UL << 40);
	t_64g = median(ptscope_runs, s64g, 64UL << 30);

	t_xl = median(xlate_many, dense, len);
	t_xlb = median(xlate_batched, dense, len);
	t_pair = median(pair_many, dense, len);
	t_info = median(info_many, dense, len);

	stall_under(idle, dense, len, &st_idle[0], &st_idle[1]);
	stall_under(ptscope_pages, dense, len, &st_walk[0], &st_walk[1]);
	stall_under(smaps_read, dense, len, &st_smaps[0], &st_smaps[1]);
	stall_under(pagemap_only, dense, len, &st_pm[0], &st_pm[1]);

	printf("%-58s %12s %8s\n", "benchmark (median of 5; 1 GiB = 262144 pages)", "ns/page",
	       "ratio");
	printf("%-58s %12.0f %8s\n", "dense: pagemap, PFN only", NS(t_pm, pages), "1.00");
	row("dense: pagemap + kpageflags + kpagecount, per page", t_trio, pages, t_pm);
	row("dense: the trio, batched per run of PFNs", t_batch, pages, t_pm);
	row("dense: ptscope walk, per page (libptscope)", t_pages, pages, t_pm);
	row("dense: ptscope walk, per page, entry fields only", t_epages, pages, t_pm);
	row("dense: ptscope walk, runs, entry fields only", t_eruns, pages, t_pm);
	if (scan_works)
		row("dense: the same, vs PAGEMAP_SCAN", t_eruns, pages, t_scan);
	row("dense: ptscope walk, per page + node + cgroup (vs without)", t_placed, pages, t_pages);
	row("dense: ptscope walk, runs", t_runs, pages, t_pm);
	row("dense: procfs source walk, per page (no module)", t_ppages, pages, t_pm);
	row("dense: procfs source walk, runs (no module)", t_pruns, pages, t_pm);
	if (scan_works)
		row("dense: PAGEMAP_SCAN (flags only)", t_scan, pages, t_pm);
	else
		printf("%-58s %12s %8s\n", "dense: PAGEMAP_SCAN (flags only)", "n/a", "-");
	row("thp: ptscope walk, runs (vs pagemap on the same THP)", t_thp_runs, pages, t_thp_pm);
	printf("%-58s %12.3f %8s\n", "sparse: 64 TiB reservation, 1000 pages, ms per walk",
	       t_64t * 1e3, "");
	printf("%-58s %12.3f %8.2f\n", "sparse: 64 GiB reservation, 1000 pages, ms per walk",
	       t_64g * 1e3, t_64t / t_64g);
	printf("%-58s %12.0f %8.2f\n", "xlate: one address (ns per call, vs pagemap+kpageflags)",
	       t_xl * 1e9 / 10000, t_xl / t_pair);
	printf("%-58s %12.0f %8.2f\n", "xlate floor: one GET_INFO round trip (ns, vs the pair)",
	       t_info * 1e9 / 10000, t_info / t_pair);
	printf("%-58s %12.0f %8.2f\n", "xlate: 10,000 addresses in one call (ns each, vs the pair)",
	       t_xlb * 1e9 / 10000, t_xlb / t_pair);
	printf("%-58s %12s %8s\n", "where a dense walk's time goes (one walk)", "records", "sys %");
	printf("%-58s %12llu %8.0f\n", "cpu: ptscope walk, per page: records, kernel share",
	       (unsigned long long)nrec_pages, 100 * s_pages / (u_pages + s_pages + 1e-9));
	printf("%-58s %12llu %8.0f\n", "cpu: ptscope walk, runs: records, kernel share",
	       (unsigned long long)nrec_runs, 100 * s_runs / (u_runs + s_runs + 1e-9));
	printf("%-58s %12s %8s\n", "stall: the target's mmap + touch + munmap, while...", "p99 us",
	       "max us");
	printf("%-58s %12.0f %8.0f\n", "stall: ...nothing runs", st_idle[0], st_idle[1]);
	printf("%-58s %12.0f %8.0f\n", "stall: ...ptscope walks its 1 GiB, per page", st_walk[0],
	       st_walk[1]);
	printf("%-58s %12.0f %8.0f\n", "stall: .../proc/PID/smaps is read", st_smaps[0],
	       st_smaps[1]);
	printf("%-58s %12.0f %8.0f\n", "stall: ...its 1 GiB of /proc/PID/pagemap is read", st_pm[0],
	       st_pm[1]);
	/* No PAGEMAP_SCAN (before 6.7): null, not a figure of nothing. */
	if (scan_works)
		snprintf(scan_ns, sizeof(scan_ns), "%.0f", NS(t_scan, pages));
	else
		snprintf(scan_ns, sizeof(scan_ns), "null");
	printf("{\"dense_pagemap_ns\":%.0f,\"dense_trio_ns\":%.0f,\"dense_trio_batched_ns\":%.0f,"
	       "\"dense_ptscope_pages_ns\":%.0f,\"dense_ptscope_runs_ns\":%.0f,"
	       "\"dense_pagemap_scan_ns\":%s,\"thp_ptscope_runs_ns\":%.0f,\"thp_pagemap_ns\":%.0f,"
	       "\"sparse_64t_ms\":%.3f,\"sparse_64g_ms\":%.3f,\"xlate_ns\":%.0f,\"pair_ns\":%.0f,"
	       "\"info_ns\":%.0f,\"stall_idle_p99_us\":%.0f,\"stall_idle_max_us\":%.0f,"
	       "\"stall_walk_p99_us\":%.0f,\"stall_walk_max_us\":%.0f,\"stall_smaps_p99_us\":%.0f,"
	       "\"stall_smaps_max_us\":%.0f,\"stall_pagemap_p99_us\":%.0f,"
	       "\"stall_pagemap_max_us\":%.0f,\"dense_ptscope_placed_ns\":%.0f,\"xlate_batched_ns\":%.0f,"
	       "\"dense_ptscope_pages_entry_ns\":%.0f,\"dense_ptscope_runs_entry_ns\":%.0f}\n",
	       NS(t_pm, pages), NS(t_trio, pages), NS(t_batch, pages), NS(t_pages, pages),
	       NS(t_runs, pages), scan_ns, NS(t_thp_runs, pages), NS(t_thp_pm, pages), t_64t * 1e3,
	       t_64g * 1e3, t_xl * 1e9 / 10000, t_pair * 1e9 / 10000, t_info * 1e9 / 10000,
	       st_idle[0], st_idle[1], st_walk[0], st_walk[1], st_smaps[0], st_smaps[1], st_pm[0],
	       st_pm[1], NS(t_placed, pages), t_xlb * 1e9 / 10000, NS(t_epages, pages),
	       NS(t_eruns, pages));
	/*
	 * The CLI end to end is measured by the script, from a small shell:
	 * a child forked from here would count this process's 1 GiB as its
	 * own peak RSS. Say where the dense memory is, and wait.
	 */
	printf("cli-target %d 0x%lx+%zu\n", getpid(), (unsigned long)(uintptr_t)dense, len);
	fflush(stdout);
	raise(SIGSTOP);
	munmap(s64t, 64UL << 40);
	munmap(s64g, 64UL << 30);
	ptscope_close(h);
	ptscope_close(hp);
	return 0;
}
