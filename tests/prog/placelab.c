// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * placelab [cgroups]: where ptscope says each page lives (walk with
 * PTSCOPE_WALK_PLACEMENT), against oracles that do not go through ptscope.
 *
 * NUMA: it places pages with mbind(2) (bound to node 0, to the last node,
 * interleaved, and a THP bound to the last node) and moves half of a
 * region with move_pages(2); then for the module and the procfs source
 * alike, every page's node must be what move_pages(2) with no target nodes
 * says (the kernel's own answer, per page), and each mapping's pages per
 * node what /proc/self/numa_maps counts. With one node, the pages are all
 * on node 0 and the cross-node cases are skipped.
 *
 * cgroups (root, cgroup2 with the memory controller): it charges a region
 * from each of two new cgroups (moving itself between them), then removes
 * the first. Every page's cgroup must be the inode /proc/kpagecgroup gives
 * for its frame (from /proc/self/pagemap), the charging cgroup's directory
 * inode before the removal, and after it the inode of a living ancestor,
 * flagged as a removed cgroup's if it is not the original one.
 *
 * As a non-root user: nodes as above, and never a cgroup (kpagecgroup is
 * root's). Prints TAP; exits 0 when every check passed.
 *
 * placelab serve: place the same regions, charge one more from a new
 * cgroup "placelab-serve" (root), print "NAME ADDR" for each and "ready",
 * and wait to be killed: for the CLI's checks (tests/guest/73-placement.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libptscope.h"
#include "uapi/ptscope.h"

#define NPAGES 64
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define CG "/sys/fs/cgroup"

static int n, failed;
static long page;
static int last_node; /* the highest online node */

static void result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed += !ok;
}

static void skip(const char *what, const char *why)
{
	printf("ok %d %s # SKIP %s\n", ++n, what, why);
}

static int online_nodes(void)
{
	char buf[64];
	int fd = open("/sys/devices/system/node/online", O_RDONLY), a = 0, b = 0;
	ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (got <= 0)
		return 0;
	buf[got] = 0;
	/* "0" or "0-1" */
	if (sscanf(buf, "%d-%d", &a, &b) == 2)
		return b;
	return a;
}

static char *map_on(size_t bytes, int mode, unsigned long nodes, int huge)
{
	/* A PROT_NONE page on either side: no region merges with its neighbour. */
	size_t span = bytes + (huge ? (2UL << 20) : 0) + 2 * (size_t)page;
	char *p = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	p += page;
	mprotect(p, span - 2 * (size_t)page, PROT_READ | PROT_WRITE);
	if (huge) {
		p = (char *)(((uintptr_t)p + (2UL << 20) - 1) & ~((2UL << 20) - 1));
		madvise(p, bytes, MADV_HUGEPAGE);
	}
	if (mode && syscall(SYS_mbind, p, bytes, mode, &nodes, sizeof(nodes) * 8 + 1, 0))
		printf("# mbind: %s\n", strerror(errno));
	memset(p, 0x5a, bytes);
	return p;
}

struct seen {
	uint64_t start;
	size_t npages;
	int nid[1024]; /* -1: no node */
	uint64_t memcg[1024];
	int has_memcg[1024], offline[1024];
	size_t records;
};

static int on_page(const struct ptscope_page *pg, void *arg)
{
	struct seen *s = arg;
	uint64_t i, k;

	s->records++;
	for (i = 0; i < pg->nr_pages; i++) {
		k = (pg->addr - s->start) / (uint64_t)page + i;
		if (k >= s->npages)
			break;
		s->nid[k] = pg->has_nid ? (int)pg->nid : -1;
		s->has_memcg[k] = pg->has_memcg;
		s->memcg[k] = pg->memcg;
		s->offline[k] = !!(pg->place & PTSCOPE_PLACE_MEMCG_OFFLINE);
	}
	return 0;
}

/* What ptscope says of [p, p + npages pages), in runs. */
static int walk(struct ptscope *h, const char *p, size_t npages, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	s->start = (uintptr_t)p;
	s->npages = npages;
	return ptscope_walk(h, 0, s->start, s->start + npages * (uint64_t)page,
			    PTSCOPE_WALK_RUNS | PTSCOPE_WALK_PLACEMENT, on_page, s);
}

/* move_pages(2) with no target nodes: each page's node, or -errno. */
static void nodes_of(const char *p, size_t npages, int *status)
{
	void *pages[1024];
	size_t i;

	for (i = 0; i < npages; i++)
		pages[i] = (void *)(p + i * page);
	if (syscall(SYS_move_pages, 0, npages, pages, NULL, status, 0))
		for (i = 0; i < npages; i++)
			status[i] = -errno;
}

/* Pages per node of the mapping holding @p, as /proc/self/numa_maps counts them. */
static void numa_maps_of(const char *p, long *per_node, int nnodes)
{
	char line[4096], key[32];
	FILE *f = fopen("/proc/self/numa_maps", "r");
	unsigned long start;
	int k;

	for (k = 0; k < nnodes; k++)
		per_node[k] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx", &start) != 1 || start != (uintptr_t)p)
			continue;
		for (k = 0; k < nnodes; k++) {
			const char *at;

			snprintf(key, sizeof(key), " N%d=", k);
			at = strstr(line, key);
			per_node[k] = at ? atol(at + strlen(key)) : 0;
		}
	}
	fclose(f);
}

/* One region, one source: ptscope's node of every page against move_pages(2). */
static void check_nodes(struct ptscope *h, const char *src, const char *name, const char *p,
			size_t npages, int want_node)
{
	static struct seen s;
	int status[1024], bad = 0, on_want = 0;
	long per_node[8], counted[8] = { 0 };
	char what[160];
	size_t i;

	nodes_of(p, npages, status);
	snprintf(what, sizeof(what), "%s %s", src, name);
	if (walk(h, p, npages, &s)) {
		printf("# walk: %s\n", ptscope_errmsg());
		result(0, "%s: walk with placement", what);
		return;
	}
	for (i = 0; i < npages; i++) {
		if (s.nid[i] != (status[i] >= 0 ? status[i] : -1) && bad++ < 4)
			printf("# %s page %zu: ptscope node %d, move_pages %d\n", what, i, s.nid[i],
			       status[i]);
		on_want += s.nid[i] == want_node;
		if (s.nid[i] >= 0 && s.nid[i] < 8)
			counted[s.nid[i]]++;
	}
	result(!bad, "%s: every page's node is move_pages(2)'s", what);
	if (geteuid()) {
		for (i = 0, bad = 0; i < npages; i++)
			bad += s.has_memcg[i];
		result(!bad, "%s: no cgroup told to a non-root caller", what);
	}
	if (want_node >= 0)
		result(on_want == (int)npages, "%s: on the node its policy names", what);
	/* Only whole mappings can be compared with numa_maps: these are. */
	numa_maps_of(p, per_node, last_node + 1);
	bad = 0;
	for (i = 0; i <= (size_t)last_node && i < 8; i++)
		bad += per_node[i] != counted[i] * (page / getpagesize());
	if (per_node[0] + per_node[last_node] == 0)
		skip(what, "numa_maps does not list the mapping");
	else
		result(!bad, "%s: pages per node as numa_maps counts them", what);
}

static uint64_t inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint64_t)st.st_ino;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* kpagecgroup of the frame pagemap gives for page @va: the oracle. */
static uint64_t kpagecgroup_of(const char *va)
{
	uint64_t pme = 0, ino = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY), kc = open("/proc/kpagecgroup", O_RDONLY);

	if (pm >= 0 && kc >= 0 &&
	    pread(pm, &pme, 8, (off_t)((uintptr_t)va / (uint64_t)page * 8)) == 8 && (pme >> 63 & 1))
		if (pread(kc, &ino, 8, (off_t)((pme & ((1ULL << 55) - 1)) * 8)) != 8)
			ino = 0;
	if (pm >= 0)
		close(pm);
	if (kc >= 0)
		close(kc);
	return ino;
}

static void check_cgroup(struct ptscope *h, const char *name, const char *p, uint64_t want,
			 int may_be_offline)
{
	static struct seen s;
	int bad = 0, wrong = 0, offline = 0;
	size_t i;

	if (walk(h, p, NPAGES, &s)) {
		printf("# walk: %s\n", ptscope_errmsg());
		result(0, "%s: walk with placement", name);
		return;
	}
	for (i = 0; i < NPAGES; i++) {
		uint64_t oracle = kpagecgroup_of(p + i * page);

		if ((!s.has_memcg[i] || s.memcg[i] != oracle) && bad++ < 4)
			printf("# %s page %zu: ptscope cgroup %llu (%s), kpagecgroup %llu\n", name,
			       i, (unsigned long long)s.memcg[i],
			       s.has_memcg[i] ? "told" : "not told", (unsigned long long)oracle);
		wrong += !may_be_offline && s.memcg[i] != want;
		offline += s.offline[i];
		/* Kernels that reparent a removed cgroup's pages (7.x) charge the root. */
		if (may_be_offline && s.memcg[i] != want && !s.offline[i] &&
		    s.memcg[i] != inode_of(CG))
			wrong++;
	}
	result(!bad, "%s: every page's cgroup is kpagecgroup's", name);
	result(!wrong,
	       may_be_offline ?
		       "%s: the original cgroup, an ancestor flagged as a removed one's, or the root it was reparented to" :
		       "%s: the cgroup that charged it",
	       name);
	if (may_be_offline)
		printf("# %s: %d of %d pages flagged as a removed cgroup's\n", name, offline,
		       NPAGES);
}

static void cgroups(struct ptscope *h)
{
	char *a, *b;
	uint64_t ino_a, ino_b, ino_root = inode_of(CG);

	if (access(CG "/cgroup.subtree_control", W_OK) ||
	    write_file(CG "/cgroup.subtree_control", "+memory")) {
		skip("cgroups", "no cgroup2 with the memory controller at " CG);
		return;
	}
	rmdir(CG "/placelab-a");
	rmdir(CG "/placelab-b");
	if (mkdir(CG "/placelab-a", 0755) || mkdir(CG "/placelab-b", 0755)) {
		result(0, "%s", "make two cgroups");
		return;
	}
	ino_a = inode_of(CG "/placelab-a");
	ino_b = inode_of(CG "/placelab-b");
	if (write_file(CG "/placelab-a/cgroup.procs", "0"))
		printf("# join placelab-a: %s\n", strerror(errno));
	a = map_on(NPAGES * page, 0, 0, 0);
	if (write_file(CG "/placelab-b/cgroup.procs", "0"))
		printf("# join placelab-b: %s\n", strerror(errno));
	b = map_on(NPAGES * page, 0, 0, 0);
	/* Charges stay with the cgroup that faulted the pages in. */
	check_cgroup(h, "charged in placelab-a, process moved on", a, ino_a, 0);
	check_cgroup(h, "charged in placelab-b", b, ino_b, 0);
	write_file(CG "/cgroup.procs", "0");
	result(!rmdir(CG "/placelab-a"), "%s", "remove placelab-a (its pages still mapped)");
	{
		static struct seen s;
		int tries;

		/* The cgroup goes offline after rmdir returns (a worker, after RCU). */
		for (tries = 0; tries < 100; tries++) {
			walk(h, a, NPAGES, &s);
			if (s.memcg[0] != ino_a)
				break;
			usleep(50000);
		}
		check_cgroup(h, "charged in placelab-a, removed", a, ino_a, 1);
		/*
		 * Its only living ancestor is the root: the charge either stays
		 * with the removed cgroup (flagged) or moves to the root (kernels
		 * that reparent pages).
		 */
		result(s.memcg[0] == ino_root,
		       "%s: within 5 s, the root (%llu) is named, not the removed cgroup (%llu): %llu%s",
		       "charged in placelab-a, removed", (unsigned long long)ino_root,
		       (unsigned long long)ino_a, (unsigned long long)s.memcg[0],
		       s.offline[0] ? ", flagged as a removed cgroup's" :
				      ", not flagged (reparented)");
	}
	munmap(a, NPAGES * page);
	munmap(b, NPAGES * page);
	rmdir(CG "/placelab-b");
}

int main(int argc, char **argv)
{
	const int sources[] = { PTSCOPE_SOURCE_MODULE, PTSCOPE_SOURCE_PROCFS };
	const char *names[] = { "module", "procfs" };
	int want_cgroups = argc > 1 && !strcmp(argv[1], "cgroups");
	int serve = argc > 1 && !strcmp(argv[1], "serve");
	char *bound0, *bound_last, *interleaved, *moved, *thp;
	struct ptscope *h;
	size_t k, i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	page = sysconf(_SC_PAGESIZE);
	last_node = online_nodes();
	printf("# nodes 0-%d, page %ld\n", last_node, page);
	bound0 = map_on(NPAGES * page, MPOL_BIND, 1UL << 0, 0);
	bound_last = map_on(NPAGES * page, MPOL_BIND, 1UL << last_node, 0);
	interleaved = map_on(NPAGES * page, MPOL_INTERLEAVE, (1UL << (last_node + 1)) - 1, 0);
	moved = map_on(NPAGES * page, MPOL_BIND, 1UL << 0, 0);
	thp = map_on(2UL << 20, MPOL_BIND, 1UL << last_node, 1);
	if (last_node > 0) {
		void *pages[NPAGES / 2];
		int to[NPAGES / 2], status[NPAGES / 2];

		for (i = 0; i < NPAGES / 2; i++) {
			pages[i] = moved + 2 * i * page;
			to[i] = last_node;
		}
		/* MPOL_MF_MOVE: every other page to the last node. */
		if (syscall(SYS_move_pages, 0, NPAGES / 2, pages, to, status, 2))
			printf("# move_pages: %s\n", strerror(errno));
	}
	if (serve) {
		char *charged = NULL;

		if (!geteuid() && !write_file(CG "/cgroup.subtree_control", "+memory") &&
		    (!mkdir(CG "/placelab-serve", 0755) || errno == EEXIST) &&
		    !write_file(CG "/placelab-serve/cgroup.procs", "0")) {
			charged = map_on(NPAGES * page, 0, 0, 0);
			write_file(CG "/cgroup.procs", "0");
		}
		printf("bound0 %p\nbound_last %p\ninterleaved %p\nmoved %p\nthp %p\n", bound0,
		       bound_last, interleaved, moved, thp);
		if (charged)
			printf("charged %p\n", charged);
		printf("last_node %d\nready\n", last_node);
		for (;;)
			pause();
	}
	for (k = 0; k < 2; k++) {
		if (ptscope_open_source(&h, sources[k])) {
			result(0, "open the %s source", names[k]);
			continue;
		}
		check_nodes(h, names[k], "bound to node 0", bound0, NPAGES, 0);
		check_nodes(h, names[k], "bound to the last node", bound_last, NPAGES, last_node);
		check_nodes(h, names[k], "interleaved", interleaved, NPAGES, last_node ? -1 : 0);
		check_nodes(h, names[k], "half moved", moved, NPAGES, last_node ? -1 : 0);
		check_nodes(h, names[k], "THP bound to the last node", thp,
			    (2UL << 20) / (size_t)page, last_node);
		if (k == 0 && want_cgroups)
			cgroups(h);
		ptscope_close(h);
	}
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
