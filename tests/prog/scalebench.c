// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scalebench: whether ptscope's cost per page stays flat as processes grow,
 * and how it does with as many mappings as a JVM or a browser keeps
 * (tests/bench/scale.sh, make bench-scale). Ratios against the kernel's own
 * files in the same run; medians of three.
 *
 *   scalebench walk GIB...   for each size, GIB of written anonymous memory
 *                            in 4 KiB pages (THP off), walked whole:
 *                            pagemap (PFN only), libptscope per page with
 *                            every field and with the entry group, and as
 *                            runs; ns per page. Then "cli-target PID
 *                            ADDR+LEN" for the largest, and stops itself
 *                            (SIGSTOP) for the script's CLI runs
 *   scalebench maps N        N mappings (one page each, alternating
 *                            protections so none merge): reading
 *                            /proc/self/maps whole vs ptscope_maps(); then
 *                            "cli-target PID" and SIGSTOP
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libptscope.h"
#include "uapi/ptscope.h"

#define RUNS 3
#include "timing.h"

static struct ptscope *h;
static long page;
static volatile uint64_t sink;

static int count_rec(const struct ptscope_page *pg, void *arg)
{
	(void)arg;
	sink += pg->pfn + pg->flags + pg->mapcount + pg->cow;
	return 0;
}

static int count_vma(const struct ptscope_vma *v, void *arg)
{
	(void)arg;
	sink += v->start + v->present;
	return 0;
}

/* The kind of walk timed: 0 pagemap, 1 every field, 2 entry group, 3 runs. */
static void walk_once(int how, char *p, size_t len, int pm)
{
	static uint64_t buf[8192];
	size_t n = len / (size_t)page, done = 0, chunk;
	uint64_t s = (uintptr_t)p, e = s + len;

	switch (how) {
	case 0:
		while (done < n) {
			chunk = n - done < 8192 ? n - done : 8192;
			if (pread(pm, buf, chunk * 8, (off_t)((s / (size_t)page + done) * 8)) <= 0)
				exit(2);
			sink += buf[0];
			done += chunk;
		}
		break;
	case 1:
		ptscope_walk(h, 0, s, e, 0, count_rec, NULL);
		break;
	case 2:
		ptscope_walk_fields(h, 0, s, e, 0, PTSCOPE_FIELD_ENTRY, count_rec, NULL);
		break;
	default:
		ptscope_walk(h, 0, s, e, PTSCOPE_WALK_RUNS, count_rec, NULL);
	}
}

static double time_walk(int how, char *p, size_t len, int pm)
{
	double t[RUNS];
	int i;

	for (i = 0; i < RUNS; i++) {
		double s = now();

		walk_once(how, p, len, pm);
		t[i] = now() - s;
	}
	return median_of(t);
}

static int scale_walk(int argc, char **argv)
{
	static const char *const what[] = { "pagemap, PFN only", "ptscope per page, every field",
					    "ptscope per page, entry group", "ptscope runs" };
	int pm = open("/proc/self/pagemap", O_RDONLY), i, how;
	char *p = NULL;
	size_t len = 0;

	if (pm < 0) {
		perror("scalebench: pagemap");
		return 2;
	}
	printf("%-58s %12s %8s\n", "scale (median of 3; ns per 4 KiB page)", "ns/page", "ratio");
	for (i = 0; i < argc; i++) {
		double t[4];

		if (p)
			munmap(p, len);
		len = (size_t)strtoul(argv[i], NULL, 0) << 30;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			perror("scalebench: mmap");
			return 2;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		memset(p, 1, len);
		for (how = 0; how < 4; how++)
			t[how] = time_walk(how, p, len, pm);
		for (how = 0; how < 4; how++) {
			char label[96];

			snprintf(label, sizeof(label), "%s GiB: %s", argv[i], what[how]);
			printf("%-58s %12.0f %8.2f\n", label,
			       t[how] * 1e9 / (double)(len / (size_t)page), t[how] / t[0]);
		}
		fflush(stdout);
	}
	printf("cli-target %d 0x%lx+%zu\n", getpid(), (unsigned long)(uintptr_t)p, len);
	fflush(stdout);
	raise(SIGSTOP);
	return 0;
}

static void read_maps(void)
{
	static char buf[1 << 16];
	int fd = open("/proc/self/maps", O_RDONLY);

	if (fd < 0)
		exit(2);
	while (read(fd, buf, sizeof(buf)) > 0)
		sink += (unsigned char)buf[0];
	close(fd);
}

static int scale_maps(long n)
{
	double t[RUNS], t_proc, t_lib;
	long i;
	char *p;
	int k;

	/* One reservation, cut into n mappings by alternating protections. */
	p = mmap(NULL, (size_t)n * (size_t)page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		perror("scalebench: mmap");
		return 2;
	}
	for (i = 0; i < n; i++) {
		p[i * page] = 1;
		if (i % 2 && mprotect(p + i * page, (size_t)page, PROT_READ)) {
			fprintf(stderr,
				"scalebench: mprotect of mapping %ld: %s (vm.max_map_count?)\n", i,
				strerror(errno));
			return 2;
		}
	}
	for (k = 0; k < RUNS; k++) {
		double s = now();

		read_maps();
		t[k] = now() - s;
	}
	t_proc = median_of(t);
	for (k = 0; k < RUNS; k++) {
		double s = now();

		if (ptscope_maps(h, 0, count_vma, NULL)) {
			fprintf(stderr, "scalebench: %s\n", ptscope_errmsg());
			return 2;
		}
		t[k] = now() - s;
	}
	t_lib = median_of(t);
	printf("%-58s %12s %8s\n", "mappings (median of 3)", "ms", "ratio");
	printf("%-58s %12.1f %8s\n", "read /proc/PID/maps whole", t_proc * 1e3, "1.00");
	printf("%-58s %12.1f %8.2f\n", "ptscope_maps() (libptscope, with page counters)",
	       t_lib * 1e3, t_lib / t_proc);
	printf("cli-target %d\n", getpid());
	fflush(stdout);
	raise(SIGSTOP);
	return 0;
}

int main(int argc, char **argv)
{
	page = sysconf(_SC_PAGESIZE);
	if (argc < 3 || (strcmp(argv[1], "walk") && strcmp(argv[1], "maps"))) {
		fprintf(stderr, "usage: scalebench walk GIB... | scalebench maps N\n");
		return 2;
	}
	if (ptscope_open_source(&h, PTSCOPE_SOURCE_MODULE)) {
		fprintf(stderr, "scalebench: %s\n", ptscope_errmsg());
		return 2;
	}
	return !strcmp(argv[1], "walk") ? scale_walk(argc - 2, argv + 2) :
					  scale_maps(strtol(argv[2], NULL, 0));
}
