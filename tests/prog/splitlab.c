// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * splitlab: transparent huge pages split and freed under ptscope phys, for
 * tests/guest/33-phys-thp.sh.
 *
 *   splitlab hold        map a 2 MiB THP and fill it; prints "thp ADDR",
 *                        "ready"; SIGUSR1 unmaps one 4 KiB page in its middle
 *                        (the PMD is split, the folio stays whole and
 *                        PTE-mapped) and prints "split"; SIGTERM ends it
 *   splitlab race SECS   a child maps a THP, publishes its frame, splits the
 *                        folio (the kernel's split_huge_pages debugfs file)
 *                        or unmaps half of it, and frees it, over and over;
 *                        the parent asks PHYS about the head, the first tail
 *                        (where the folio keeps its counts) and the last
 *                        page of whichever THP is current, as fast as it
 *                        can. Prints what both sides did; exits 0 only if
 *                        every answer was sane and both did enough.
 *
 * "Sane": no page in this guest is mapped 65536 times, so a mapcount or pin
 * count that large is some other page's field read as the folio's count.
 * The kernel log is the other verdict: a split between a large-folio test
 * and the count's read trips VM_BUG_ON_FOLIO on a DEBUG_VM kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "anon.h"
#include "libptscope.h"
#include "uapi/ptscope.h"
#include "arch.h"

#define PAGE page_size()
#define HUGE pmd_size()
#define NR (HUGE / PAGE)
#define SANE 65536U

struct shared {
	atomic_ulong pfn; /* head frame of the current THP, 0 between them */
	atomic_int stop;
	unsigned long rounds, thps, splits, halves;
};

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* The frame /proc/self/pagemap gives @addr (root sees frames), 0 if none. */
static unsigned long frame_of(int pagemap, const void *addr)
{
	uint64_t e;

	if (pread(pagemap, &e, sizeof(e), (uintptr_t)addr / PAGE * sizeof(e)) != sizeof(e))
		die("pagemap");
	return (e >> 63) ? e & ((1ULL << 55) - 1) : 0;
}

/* A 2 MiB-aligned THP inside a fresh mapping of twice that; *raw to unmap. */
static char *map_thp(char **raw)
{
	char *thp;

	*raw = map_anon(2 * HUGE);
	thp = (char *)(((uintptr_t)*raw + HUGE - 1) & ~(HUGE - 1));
	madvise(thp, HUGE, MADV_HUGEPAGE);
	memset(thp, 1, HUGE);
	return thp;
}

static int is_thp(int pagemap, const char *thp)
{
	unsigned long head = frame_of(pagemap, thp);

	return head && !(head % NR) && frame_of(pagemap, thp + HUGE - PAGE) == head + NR - 1;
}

static void spin_us(long us)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000 + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

static void splitter(struct shared *sh, time_t deadline)
{
	int pagemap = open("/proc/self/pagemap", O_RDONLY);
	int debug = open("/sys/kernel/debug/split_huge_pages", O_WRONLY);
	char cmd[80];

	if (pagemap < 0)
		die("/proc/self/pagemap");
	while (time(NULL) < deadline && !atomic_load(&sh->stop)) {
		char *raw, *thp = map_thp(&raw);

		sh->rounds++;
		if (is_thp(pagemap, thp)) {
			sh->thps++;
			atomic_store(&sh->pfn, frame_of(pagemap, thp));
		}
		spin_us(random() % 300);
		if (debug >= 0 && sh->rounds % 2) {
			unsigned long from = (unsigned long)thp, to = from + (unsigned long)HUGE;
			int n = snprintf(cmd, sizeof(cmd), "%d,0x%lx,0x%lx", getpid(), from, to);

			if (write(debug, cmd, n) == n)
				sh->splits++;
		} else {
			madvise(thp + HUGE / 2, HUGE / 2, MADV_DONTNEED);
			sh->halves++;
		}
		spin_us(random() % 300);
		atomic_store(&sh->pfn, 0);
		munmap(raw, 2 * HUGE);
	}
	if (debug < 0)
		printf("note: no split_huge_pages debugfs file: splitting by unmapping half\n");
}

static int race(int seconds)
{
	struct shared *sh =
		mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const unsigned long offsets[] = { 0, 1, NR - 1 };
	unsigned long queries = 0, compound = 0, bad = 0;
	time_t deadline = time(NULL) + seconds;
	struct ptscope *h;
	int status;
	pid_t child;

	if (sh == MAP_FAILED)
		die("mmap");
	if (ptscope_open(&h)) {
		fprintf(stderr, "ptscope_open: %s\n", ptscope_errmsg());
		return 2;
	}
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		splitter(sh, deadline);
		_exit(0);
	}
	while (time(NULL) < deadline && bad < 10) {
		unsigned long head = atomic_load(&sh->pfn);
		unsigned int i;

		if (!head) {
			usleep(100);
			continue;
		}
		for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
			struct ptscope_phys p;

			if (ptscope_phys(h, (head + offsets[i]) * PAGE, &p)) {
				fprintf(stderr, "phys pfn 0x%lx: %s\n", head + offsets[i],
					ptscope_errmsg());
				bad++;
				continue;
			}
			queries++;
			if (p.pflags & PTSCOPE_PHYS(COMPOUND))
				compound++;
			if (p.has_page &&
			    (p.mapcount >= SANE || (p.has_pincount && p.pincount >= SANE))) {
				printf("pfn 0x%lx: mapcount %u, pin count %u: not a count\n",
				       head + offsets[i], p.mapcount, p.pincount);
				bad++;
			}
		}
	}
	atomic_store(&sh->stop, 1);
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status))
		die("splitter");
	ptscope_close(h);
	printf("splitter: %lu rounds, %lu THPs, %lu split by debugfs, %lu half unmapped\n",
	       sh->rounds, sh->thps, sh->splits, sh->halves);
	printf("phys: %lu answers, %lu of a compound page, %lu insane\n", queries, compound, bad);
	if (bad)
		return 1;
	if (sh->thps < 20 || sh->splits + sh->halves < 20 || compound < 20) {
		printf("too little happened to tell\n");
		return 1;
	}
	return 0;
}

static int hold(void)
{
	char *raw, *thp = map_thp(&raw);
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	printf("thp %p\nready\n", (void *)thp);
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig))
			die("sigwait");
		if (sig == SIGTERM)
			return 0;
		munmap(thp + HUGE / 2, PAGE);
		printf("split\n");
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return hold();
	if (argc == 3 && !strcmp(argv[1], "race"))
		return race(atoi(argv[2]));
	fprintf(stderr, "usage: splitlab hold | splitlab race SECONDS\n");
	return 2;
}
