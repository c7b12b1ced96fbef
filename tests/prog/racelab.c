// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * racelab MODE SECONDS: adversaries for ptscope's locking rules, run against
 * the race build (race windows held open) by tests/guest/61-race.sh. Each
 * mode changes an address space as fast as it can while ptscope reads it,
 * counts what it did, and exits 0 when both sides worked (a mode whose
 * adversary never got going is a failure, not a pass). The kernel log is
 * the verdict: the race build warns when a table it reads is no longer one.
 *
 *   unmap     a thread maps, fills and unmaps 4 MiB (PTE and PMD tables
 *             freed each time), shrinks and grows the heap with brk and
 *             shrinks a mapping with mremap; another translates addresses
 *             inside all three, mostly while nothing maps them
 *   segv      a thread maps and unmaps as above while another reads the
 *             range with a SIGSEGV handler: the fault recorder translates
 *             every SEGV_MAPERR address
 *   collapse  a child maps a memfd and faults its pages in 4 KiB at a time;
 *             the parent punches the memfd's pages out and collapses it with
 *             MADV_COLLAPSE, which retracts the child's PTE tables without
 *             the child's mmap lock (freed after an RCU grace period);
 *             a thread walks and translates the child all along
 *   remap     a thread swaps what is mapped at one place, over and over:
 *             32 MiB of anonymous memory, every page written (moved in
 *             whole with mremap), then a file never touched; another asks
 *             for the maps all along. A mapping counted whole is either
 *             all present (the anonymous one) or all absent (the file): a
 *             count that mixes the two is what a walk that followed a
 *             replaced mapping would report
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libptscope.h"
#include "uapi/ptscope.h"
#include "arch.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

#define MIB (1UL << 20)
#define AREA (4 * MIB)
#define PAGE page_size()

static atomic_int stop;
static time_t deadline;
static char *area; /* the hinted address the unmap thread maps at */

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static int done(void)
{
	return atomic_load(&stop) || time(NULL) >= deadline;
}

/* Map, fill and unmap AREA at @area; brk down and up; mremap shrink. */
static void *unmapper(void *arg)
{
	unsigned long *rounds = arg;
	char *heap = sbrk(0);

	while (!done()) {
		char *p = mmap(area, AREA, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		memset(p, 1, AREA);
		if (mremap(p, AREA, AREA / 2, 0) == MAP_FAILED)
			die("mremap");
		munmap(p, AREA / 2);
		if (brk(heap + AREA) == 0) {
			memset(heap, 2, AREA);
			brk(heap);
		}
		(*rounds)++;
	}
	return NULL;
}

static uint64_t some_addr(unsigned int i)
{
	const uint64_t offsets[] = { 0, PAGE, 2 * MIB + 2 * PAGE, AREA - PAGE };

	return (uint64_t)(uintptr_t)area + offsets[i % 4];
}

#define MANY 8

static int mode_unmap(void)
{
	unsigned long rounds = 0, xlates = 0, mapped = 0, batches = 0;
	struct ptscope_xlate x, xs[MANY];
	uint64_t many[MANY];
	struct ptscope *h;
	pthread_t t;
	int ret;

	if (ptscope_open(&h))
		die("ptscope_open");
	if (pthread_create(&t, NULL, unmapper, &rounds))
		die("pthread_create");
	while (!done()) {
		uint64_t heap = (uint64_t)(uintptr_t)sbrk(0) - PAGE;
		unsigned int k;

		/* Every other turn, XLATE_MANY: eight in one dump, the heap's last. */
		if (xlates % 2) {
			ret = ptscope_xlate(h, 0, xlates % 5 == 4 ? heap : some_addr(xlates), &x);
		} else {
			for (k = 0; k < MANY; k++)
				many[k] = k == MANY - 1 ? heap : some_addr(xlates + k);
			ret = ptscope_xlate_many(h, 0, many, MANY, xs);
		}
		if (ret) {
			fprintf(stderr, "xlate: %s\n", ptscope_errmsg());
			atomic_store(&stop, 1);
			pthread_join(t, NULL);
			return 1;
		}
		if (xlates % 2) {
			mapped += x.levels[x.nr_levels - 1].leaf_size != 0;
			xlates++;
			continue;
		}
		for (k = 0; k < MANY; k++)
			mapped += xs[k].levels[xs[k].nr_levels - 1].leaf_size != 0;
		xlates += MANY;
		batches++;
	}
	pthread_join(t, NULL);
	ptscope_close(h);
	printf("unmap: %lu rounds of map/unmap, brk and mremap; %lu translations (%lu XLATE_MANY "
	       "of %d), %lu of a mapped page\n",
	       rounds, xlates, batches, MANY, mapped);
	return rounds && xlates && batches ? 0 : 1;
}

static sigjmp_buf segv_jump;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_jump, 1);
}

static int mode_segv(void)
{
	/* Kept across siglongjmp: volatile. */
	volatile unsigned long rounds = 0, reads = 0, faults = 0;
	volatile char sink;
	pthread_t t;

	signal(SIGSEGV, on_segv);
	if (pthread_create(&t, NULL, unmapper, (void *)&rounds))
		die("pthread_create");
	while (!done()) {
		if (sigsetjmp(segv_jump, 1)) {
			faults++;
			continue;
		}
		sink = area[(reads++ * PAGE) % AREA];
		(void)sink;
	}
	pthread_join(t, NULL);
	printf("segv: %lu rounds of map/unmap, %lu reads, %lu SIGSEGVs\n", rounds, reads, faults);
	return rounds && faults ? 0 : 1;
}

struct walker {
	pid_t pid;
	uint64_t start, len;
	unsigned long walks, pages, xlates;
	int failed;
};

static int count_page(const struct ptscope_page *pg, void *arg)
{
	struct walker *w = arg;

	w->pages += pg->nr_pages;
	return 0;
}

/* The walks' field groups in turn: all, the entries alone (no struct page), COW without the frame's. */
static const uint32_t fields[] = { 0, PTSCOPE_FIELD_ENTRY, PTSCOPE_FIELD_COW };

/* Walk and translate the child until the end; refusals end it with a message. */
static void *walker(void *arg)
{
	struct walker *w = arg;
	struct ptscope_xlate x;
	struct ptscope *h;

	if (ptscope_open(&h))
		die("ptscope_open");
	while (!done()) {
		if (ptscope_walk_fields(h, w->pid, w->start, w->start + w->len, 0,
					fields[w->walks % 3], count_page, w) ||
		    ptscope_xlate(h, w->pid, w->start + (w->walks % (w->len / PAGE)) * PAGE, &x)) {
			fprintf(stderr, "walk/xlate of %d: %s\n", w->pid, ptscope_errmsg());
			w->failed = 1;
			break;
		}
		w->walks++;
		w->xlates++;
	}
	ptscope_close(h);
	return NULL;
}

static int mode_collapse(void)
{
	struct walker w = { 0 };
	unsigned long rounds = 0, collapsed = 0;
	int pipefd[2], fd, status;
	char *mine, *theirs;
	pthread_t t;
	/* At least a PMD's worth (32 MiB with 16 KiB pages), or nothing collapses. */
	const size_t len = pmd_size() > AREA ? pmd_size() : AREA;

	fd = memfd_create("racelab", 0);
	if (fd < 0 || ftruncate(fd, (off_t)len))
		die("memfd");
	/* PMD aligned, so a whole PMD can map a collapsed folio. */
	mine = mmap(area, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	theirs = mmap(area + 2 * len, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE,
		      fd, 0);
	if (mine == MAP_FAILED || theirs == MAP_FAILED)
		die("mmap memfd");
	madvise(mine, len, MADV_HUGEPAGE);
	if (pipe(pipefd))
		die("pipe");
	w.pid = fork();
	if (w.pid < 0)
		die("fork");
	if (w.pid == 0) {
		/* The child: fault pages in one at a time, for PTE tables to retract. */
		unsigned long i = 0;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pipefd[0]);
		if (write(pipefd[1], "", 1) != 1)
			_exit(2);
		for (;;) { /* until the parent is done with us */
			theirs[(i * PAGE) % len] = (char)i;
			if (!(++i % 1024))
				madvise(theirs, len, MADV_DONTNEED);
		}
	}
	close(pipefd[1]);
	if (read(pipefd[0], &status, 1) != 1)
		die("child start");
	w.start = (uint64_t)(uintptr_t)theirs;
	w.len = len;
	if (pthread_create(&t, NULL, walker, &w))
		die("pthread_create");
	while (!done()) {
		/* Small pages again, then one huge folio; the child's tables go. */
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, (off_t)len))
			die("fallocate");
		memset(mine, 3, len);
		collapsed += madvise(mine, len, MADV_COLLAPSE) == 0;
		rounds++;
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	kill(w.pid, SIGKILL);
	waitpid(w.pid, &status, 0);
	printf("collapse: %lu rounds, %lu collapsed; %lu walks (%lu pages), %lu translations\n",
	       rounds, collapsed, w.walks, w.pages, w.xlates);
	if (!collapsed)
		fprintf(stderr, "collapse: MADV_COLLAPSE never succeeded (shmem THP off?)\n");
	return collapsed && w.walks && !w.failed ? 0 : 1;
}

#define BIG (32 * MIB)

/* Anonymous memory written elsewhere, then moved onto @area whole; then a file. */
static void *swapper(void *arg)
{
	unsigned long *rounds = arg;
	char *staging = area + 4 * BIG;
	char path[] = "/tmp/racelab-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0 || ftruncate(fd, BIG))
		die("racelab file");
	unlink(path);
	while (!done()) {
		char *p = mmap(staging, BIG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		madvise(p, BIG, MADV_NOHUGEPAGE);
		memset(p, 4, BIG);
		if (mremap(p, BIG, BIG, MREMAP_MAYMOVE | MREMAP_FIXED, area) == MAP_FAILED)
			die("mremap");
		usleep(300000); /* long enough to be counted whole, sometimes */
		if (mmap(area, BIG, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
			die("mmap file");
		(*rounds)++;
	}
	close(fd);
	return NULL;
}

struct remap_check {
	unsigned long seen_anon, seen_file, mixed;
};

static int check_vma(const struct ptscope_vma *v, void *arg)
{
	struct remap_check *c = arg;
	uint64_t pages = (v->end - v->start) / PAGE;

	if (v->start != (uintptr_t)area || v->end != (uintptr_t)area + BIG)
		return 0;
	if (v->backing == PTSCOPE_BACKING_ANON && v->present == pages) {
		c->seen_anon++;
	} else if ((v->backing == PTSCOPE_BACKING_FILE || v->backing == PTSCOPE_BACKING_SHMEM) &&
		   v->present == 0) {
		c->seen_file++;
	} else {
		c->mixed++;
		fprintf(stderr, "remap: a %s mapping counted with %llu of %llu pages present\n",
			ptscope_backing_name(v->backing), (unsigned long long)v->present,
			(unsigned long long)pages);
	}
	return 0;
}

static int mode_remap(void)
{
	struct remap_check c = { 0 };
	unsigned long rounds = 0, maps = 0;
	struct ptscope *h;
	pthread_t t;
	int ret;

	if (ptscope_open(&h))
		die("ptscope_open");
	if (pthread_create(&t, NULL, swapper, &rounds))
		die("pthread_create");
	while (!done()) {
		ret = ptscope_maps(h, 0, check_vma, &c);
		if (ret && ret != -EAGAIN) {
			fprintf(stderr, "maps: %s\n", ptscope_errmsg());
			break;
		}
		maps++;
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	ptscope_close(h);
	printf("remap: %lu swaps; %lu maps: the place seen %lu times anonymous, %lu times a file,"
	       " %lu times mixed\n",
	       rounds, maps, c.seen_anon, c.seen_file, c.mixed);
	return rounds && c.seen_anon && !c.mixed ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: racelab unmap|segv|collapse|remap SECONDS\n");
		return 2;
	}
	deadline = time(NULL) + atoi(argv[2]);
	/* A hint far from everything else, 2 MiB aligned (PMD tables of its own). */
	area = (char *)(uintptr_t)0x7e0000000000ULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "unmap"))
		return mode_unmap();
	if (!strcmp(argv[1], "segv"))
		return mode_segv();
	if (!strcmp(argv[1], "collapse"))
		return mode_collapse();
	if (!strcmp(argv[1], "remap"))
		return mode_remap();
	fprintf(stderr, "racelab: unknown mode '%s'\n", argv[1]);
	return 2;
}
