// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cowlab: copy-on-write experiments, each checked with ptscope against the
 * kernel's own views (pagemap's frame and exclusive bit, kpagecount,
 * kpageflags) and against the memory's contents. Every prediction of what a
 * write would do is checked by doing the write and walking again.
 *
 *   cowlab check       all experiments; TAP on stdout, status 1 on failure
 *   cowlab sleep       wait for SIGTERM (a process to exec into, to share libc)
 *   cowlab forked      4 written pages, then fork; prints "parent P child C
 *                      addr A" and "ready"; SIGUSR1 to the child makes it
 *                      write the first page; SIGTERM to the parent ends both
 *   cowlab picture     the fork/COW picture: 8 MiB of anon memory (4 KiB
 *                      pages: MADV_NOHUGEPAGE) and 1 MiB
 *                      of MAP_SHARED memory, filled, then fork; the child
 *                      writes the first quarter of the anon memory and every
 *                      8th page of the rest, and reads the shared memory;
 *                      then the parent maps 4 MiB of
 *                      its own (MADV_HUGEPAGE). Prints "parent P child C anon
 *                      A shared S huge H" and "ready"; SIGTERM ends both
 *   cowlab pagecount PID START END [PID2]
 *                      pagemap's count of present and swapped pages of PID
 *                      in [START, END) (hex); with PID2, also how many are
 *                      present in both at the same address with one frame
 *   cowlab same-frames NAME PID...
 *                      the kernel's view of sharing, for checking "share":
 *                      how many pages of the r-xp mapping of file NAME every
 *                      PID maps, by pagemap, and how many of those differ
 *
 * Children run as agents: they obey "write/read at ADDR" commands sent over
 * a pipe, so the parent can walk them between steps.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libptscope.h"
#include "procfs.h"
#include "uapi/ptscope.h"
#include "arch.h"

#define PAGE page_size()
#define HUGE pmd_size()

static struct ptscope *h;
static int n, failed;

static void result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	failed += !ok;
}

static void *map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		exit(2);
	}
	return p;
}

/* ---- what ptscope and the kernel say about one page ---- */

struct view {
	struct ptscope_page pg; /* ptscope's record for the page */
	uint64_t pfn; /* ptscope's frame for this 4 KiB page */
	int found;
	uint64_t pm; /* /proc/PID/pagemap entry */
	uint64_t kpagecount;
	uint64_t kpageflags;
};

#define PM_PFN(e) ((e) & ((1ULL << 55) - 1))
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PRESENT (1ULL << 63)

struct one {
	uint64_t va;
	struct view *v;
};

static int take_record(const struct ptscope_page *pg, void *arg)
{
	struct one *o = arg;

	o->v->pg = *pg;
	o->v->found = 1;
	o->v->pfn = pg->has_pfn ? pg->pfn + (o->va - pg->addr) / PAGE : 0;
	return 0;
}

static uint64_t read_u64_at(const char *path, uint64_t index)
{
	uint64_t v = 0;
	int fd = open(path, O_RDONLY);

	if (fd >= 0) {
		if (pread(fd, &v, 8, (off_t)(index * 8)) != 8)
			v = 0;
		close(fd);
	}
	return v;
}

static struct view look(pid_t pid, const void *addr)
{
	struct view v = { 0 };
	struct one o = { (uintptr_t)addr & ~(PAGE - 1), &v };
	char path[64];

	if (ptscope_walk(h, (uint32_t)pid, o.va, o.va + PAGE, 0, take_record, &o))
		printf("# walk of %d at %p: %s\n", pid, addr, ptscope_errmsg());
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	v.pm = read_u64_at(path, o.va / PAGE);
	if (v.pm & PM_PRESENT) {
		v.kpagecount = read_u64_at("/proc/kpagecount", PM_PFN(v.pm));
		v.kpageflags = read_u64_at("/proc/kpageflags", PM_PFN(v.pm));
	}
	return v;
}

static const char *cow(const struct view *v)
{
	const char *s = ptscope_cow_name(v->pg.cow);

	return v->found ? (s ? s : "?") : "no-record";
}

/* ptscope agrees with pagemap and kpagecount on this page. */
static int agrees(const struct view *v)
{
	int present = v->pg.state == PTSCOPE_STATE_PRESENT;

	if (!v->found || present != !!(v->pm & PM_PRESENT))
		return 0;
	if (!present)
		return 1;
	return v->pfn == PM_PFN(v->pm) && (!v->pg.has_page || v->pg.mapcount == v->kpagecount) &&
	       !!(v->pm & PM_EXCLUSIVE) == (v->pg.has_page && v->pg.mapcount == 1 &&
					    v->pg.kind != PTSCOPE_KIND_ZERO_PAGE);
}

static void describe(const char *who, const struct view *v)
{
	printf("#   %s: %s pfn 0x%llx cow %s mapcount %u ref %u; pagemap pfn 0x%llx%s"
	       " kpagecount %llu kpageflags 0x%llx\n",
	       who, v->found ? ptscope_state_name(v->pg.state) : "-", (unsigned long long)v->pfn,
	       cow(v), v->pg.mapcount, v->pg.refcount, (unsigned long long)PM_PFN(v->pm),
	       v->pm & PM_EXCLUSIVE ? " exclusive" : "", (unsigned long long)v->kpagecount,
	       (unsigned long long)v->kpageflags);
}

/* ---- agents: children that write and read when told ---- */

struct agent {
	pid_t pid;
	int cmd, ack;
};

struct command {
	char op; /* 'w' write, 'r' read, 'f' fork a grandchild agent, 'x' exec, 'q' quit */
	char value;
	uintptr_t addr;
};

static void agent_loop(int cmd, int ack);

static struct agent agent_start(void)
{
	int c[2], a[2];
	struct agent ag;

	if (pipe(c) || pipe(a)) {
		printf("Bail out! pipe: %s\n", strerror(errno));
		exit(2);
	}
	fflush(stdout);
	ag.pid = fork();
	if (ag.pid == 0) {
		close(c[1]);
		close(a[0]);
		agent_loop(c[0], a[1]);
		_exit(0);
	}
	close(c[0]);
	close(a[1]);
	ag.cmd = c[1];
	ag.ack = a[0];
	return ag;
}

/* Send a command; returns the agent's one-byte answer. */
static char agent_do(struct agent *ag, char op, void *addr, char value)
{
	struct command c = { op, value, (uintptr_t)addr };
	char r = 0;

	if (write(ag->cmd, &c, sizeof(c)) != sizeof(c) || read(ag->ack, &r, 1) != 1)
		return 0;
	return r;
}

static void agent_stop(struct agent *ag)
{
	struct command c = { 'q', 0, 0 };

	if (write(ag->cmd, &c, sizeof(c)) != sizeof(c))
		kill(ag->pid, SIGKILL);
	close(ag->cmd);
	close(ag->ack);
	waitpid(ag->pid, NULL, 0);
}

static struct agent grandchild;

static void agent_loop(int cmd, int ack)
{
	struct command c;
	char r;

	while (read(cmd, &c, sizeof(c)) == sizeof(c)) {
		r = 1;
		switch (c.op) {
		case 'w':
			*(volatile char *)c.addr = c.value;
			break;
		case 'r':
			r = *(volatile char *)c.addr;
			break;
		case 'f':
			/* A grandchild; its pid is the answer's proof of life. */
			grandchild = agent_start();
			if (write(ack, &grandchild.pid, sizeof(pid_t)) != sizeof(pid_t))
				_exit(1);
			continue;
		case 'g': /* tell the grandchild to write */
			r = agent_do(&grandchild, 'w', (void *)c.addr, c.value);
			break;
		case 'q':
			if (grandchild.pid)
				agent_stop(&grandchild);
			_exit(0);
		case 'x':
			if (write(ack, &r, 1) != 1)
				_exit(1);
			execl("/proc/self/exe", "cowlab", "sleep", (char *)NULL);
			_exit(1);
		}
		if (write(ack, &r, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/* ---- writes, and checking what ptscope said they would do ---- */

static sigjmp_buf segv_jump;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_jump, 1);
}

/* Write one byte here; 0 if done, -1 if it raised SIGSEGV. */
static int self_write(void *addr, char value)
{
	struct sigaction sa = { .sa_handler = on_segv }, old;
	int ret = 0;

	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(segv_jump, 1))
		ret = -1;
	else
		*(volatile char *)addr = value;
	sigaction(SIGSEGV, &old, NULL);
	return ret;
}

/*
 * Predict from ptscope, write (in this process, or by agent @ag), walk
 * again, and check the prediction held.
 */
static void write_and_verify(const char *what, struct agent *ag, void *addr, char value)
{
	pid_t pid = ag ? ag->pid : getpid();
	struct view before = look(pid, addr), after;
	uint32_t state = before.pg.cow;
	const char *why = NULL;
	int segv;

	segv = ag ? 0 : self_write(addr, value);
	if (ag && !agent_do(ag, 'w', addr, value))
		why = "the agent did not write";
	after = look(pid, addr);
	if (why)
		;
	else if (!before.found || !after.found)
		why = "no record before or after";
	else if (state == PTSCOPE_COW_READ_ONLY)
		why = segv ? NULL : "the write did not fault";
	else if (segv)
		why = "unexpected SIGSEGV";
	else if (after.pg.state != PTSCOPE_STATE_PRESENT || !entry_writable_now(after.pg.flags))
		why = "not present and writable after the write";
	else if (!agrees(&after))
		why = "after the write, ptscope disagrees with pagemap/kpagecount";
	else if (state == PTSCOPE_COW_WRITABLE || state == PTSCOPE_COW_REUSABLE ||
		 state == PTSCOPE_COW_SHARED_MAPPING)
		why = after.pfn == before.pfn ? NULL : "the frame changed";
	else if (state == PTSCOPE_COW_MAY_COPY)
		/* Reused on the CPU holding the LRU batch, else copied: either is right. */
		why = after.pfn == before.pfn || (after.pg.cow == PTSCOPE_COW_WRITABLE &&
						  after.pg.mapcount == 1) ?
			      NULL :
			      "neither reused nor a fresh exclusive frame";
	else if (state == PTSCOPE_COW_SHARED || state == PTSCOPE_COW_ZERO ||
		 state == PTSCOPE_COW_FILE || state == PTSCOPE_COW_KSM)
		why = after.pfn != before.pfn && after.pg.cow == PTSCOPE_COW_WRITABLE &&
				      after.pg.mapcount == 1 ?
			      NULL :
			      "no fresh exclusive frame";
	else if (state != PTSCOPE_COW_UNMAPPED)
		why = "no prediction to check";
	if (why) {
		describe("before", &before);
		describe("after", &after);
	}
	result(!why, "%s: predicted '%s' (%s)%s%s", what, cow(&before),
	       ptscope_cow_action(before.pg.cow) ?: "?", why ? ": " : "", why ? why : "");
}

/* /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h) */
#define KPF_ANON 12
#define KPF_KSM 21
#define KPF_ZERO_PAGE 24

/*
 * The frame kind a COW state implies, as kpageflags sees it: the zero page,
 * a KSM page, or an anonymous page (KSM's bit alone cannot tell: 6.12 sets
 * it on every anonymous page).
 */
static int kind_agrees(const struct view *v, uint32_t state)
{
	uint64_t f = v->kpageflags;

	switch (state) {
	case PTSCOPE_COW_ZERO:
		return f >> KPF_ZERO_PAGE & 1;
	case PTSCOPE_COW_KSM:
		return (f >> KPF_KSM & 1) && (f >> KPF_ANON & 1);
	case PTSCOPE_COW_SHARED:
	case PTSCOPE_COW_REUSABLE:
	case PTSCOPE_COW_MAY_COPY:
		return (f >> KPF_ANON & 1) && !(f >> KPF_ZERO_PAGE & 1);
	case PTSCOPE_COW_FILE:
		return !(f >> KPF_ANON & 1);
	}
	return 1;
}

/* Expect a COW state, agreeing with the kernel's views; returns the view. */
static struct view expect(const char *what, pid_t pid, void *addr, uint32_t state)
{
	struct view v = look(pid, addr);
	/*
	 * A page still in a per-CPU LRU batch is "may copy" where it would be
	 * "reusable": the batch holds a reference until it is drained.
	 */
	int same = v.pg.cow == state ||
		   (state == PTSCOPE_COW_REUSABLE && v.pg.cow == PTSCOPE_COW_MAY_COPY);
	int ok = v.found && same && agrees(&v) && kind_agrees(&v, v.pg.cow);

	if (!ok)
		describe(what, &v);
	result(ok, "%s: %s (pagemap, kpagecount, kpageflags agree)", what, ptscope_cow_name(state));
	return v;
}

/* ---- the experiments ---- */

static void fork_basic(void)
{
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	struct view pv, cv;
	struct agent ch;

	printf("# fork: parent and child share frames until one writes\n");
	memset(p, 'P', 4 * PAGE);
	expect("fork: parent before fork", getpid(), p, PTSCOPE_COW_WRITABLE);
	ch = agent_start();
	pv = expect("fork: parent after fork", getpid(), p, PTSCOPE_COW_SHARED);
	cv = expect("fork: child after fork", ch.pid, p, PTSCOPE_COW_SHARED);
	result(pv.pfn == cv.pfn && pv.pg.mapcount == 2,
	       "fork: same address, same frame 0x%llx, mapped twice (%u)",
	       (unsigned long long)pv.pfn, pv.pg.mapcount);
	write_and_verify("fork: child writes", &ch, p, 'C');
	pv = expect("fork: parent after the child wrote", getpid(), p, PTSCOPE_COW_REUSABLE);
	cv = look(ch.pid, p);
	result(pv.pfn != cv.pfn, "fork: now different frames (0x%llx, 0x%llx)",
	       (unsigned long long)pv.pfn, (unsigned long long)cv.pfn);
	result(p[0] == 'P' && agent_do(&ch, 'r', p, 0) == 'C',
	       "fork: the parent still reads its old value, the child its new one");
	expect("fork: page 1 still shared (parent)", getpid(), p + PAGE, PTSCOPE_COW_SHARED);
	write_and_verify("fork: parent writes after the child", NULL, p, 'Q');
	write_and_verify("fork: parent writes a page still shared", NULL, p + PAGE, 'Q');
	expect("fork: the child's page 1 now its own", ch.pid, p + PAGE, PTSCOPE_COW_REUSABLE);
	write_and_verify("fork: child writes its reusable page", &ch, p + PAGE, 'D');
	agent_stop(&ch);
	munmap(p, 4 * PAGE);
}

static void three_generations(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	struct view a, b, c;
	struct agent ch;
	pid_t gc = 0;
	struct command cmd = { 'f', 0, 0 };

	printf("# three generations of fork\n");
	p[0] = 'G';
	ch = agent_start();
	if (write(ch.cmd, &cmd, sizeof(cmd)) != sizeof(cmd) ||
	    read(ch.ack, &gc, sizeof(gc)) != sizeof(gc) || gc <= 0) {
		result(0, "generations: no grandchild");
		agent_stop(&ch);
		return;
	}
	a = look(getpid(), p);
	b = look(ch.pid, p);
	c = look(gc, p);
	result(a.pfn == b.pfn && b.pfn == c.pfn && a.pg.mapcount == 3 && agrees(&a) && agrees(&b) &&
		       agrees(&c) && a.pg.cow == PTSCOPE_COW_SHARED &&
		       c.pg.cow == PTSCOPE_COW_SHARED,
	       "generations: one frame 0x%llx in all three, mapped 3 times (%u), cow-shared",
	       (unsigned long long)a.pfn, a.pg.mapcount);
	if (agent_do(&ch, 'g', p, 'g') != 1)
		result(0, "generations: the grandchild did not write");
	a = look(getpid(), p);
	c = look(gc, p);
	result(c.pfn != a.pfn && c.pg.cow == PTSCOPE_COW_WRITABLE && a.pg.mapcount == 2 &&
		       a.pg.cow == PTSCOPE_COW_SHARED && agrees(&a) && agrees(&c),
	       "generations: the grandchild wrote: its own frame; the others still share (%u)",
	       a.pg.mapcount);
	agent_stop(&ch);
	munmap(p, PAGE);
}

static void fork_exec(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	struct agent ch;

	printf("# fork then exec: the child's copy goes away with its old address space\n");
	p[0] = 'E';
	ch = agent_start();
	expect("exec: parent before the child's exec", getpid(), p, PTSCOPE_COW_SHARED);
	agent_do(&ch, 'x', NULL, 0);
	usleep(200 * 1000); /* the exec drops the old address space */
	expect("exec: parent after the child's exec", getpid(), p, PTSCOPE_COW_REUSABLE);
	write_and_verify("exec: parent writes", NULL, p, 'e');
	kill(ch.pid, SIGTERM);
	close(ch.cmd);
	close(ch.ack);
	waitpid(ch.pid, NULL, 0);
	munmap(p, PAGE);
}

static void shared_anon(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	struct view a, b;
	struct agent ch;

	printf("# MAP_SHARED anonymous memory across fork: no copy-on-write\n");
	p[0] = 'S';
	ch = agent_start();
	a = expect("shared: parent", getpid(), p, PTSCOPE_COW_SHARED_MAPPING);
	write_and_verify("shared: child writes", &ch, p, 's');
	b = look(ch.pid, p);
	result(a.pfn == b.pfn && p[0] == 's',
	       "shared: one frame, the parent sees the child's write");
	agent_stop(&ch);
	munmap(p, PAGE);
}

struct count {
	uint64_t present, none, records;
};

static int count_pages(const struct ptscope_page *pg, void *arg)
{
	struct count *c = arg;

	c->records++;
	if (pg->state == PTSCOPE_STATE_PRESENT)
		c->present += pg->nr_pages;
	else if (pg->state == PTSCOPE_STATE_NONE)
		c->none += pg->nr_pages;
	return 0;
}

static void dontfork_wipeonfork(void)
{
	char *d = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *w = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	struct count cd = { 0 }, cw = { 0 };
	struct agent ch;

	printf("# MADV_DONTFORK and MADV_WIPEONFORK\n");
	d[0] = 'd';
	w[0] = 'w';
	madvise(d, PAGE, MADV_DONTFORK);
	madvise(w, PAGE, MADV_WIPEONFORK);
	ch = agent_start();
	ptscope_walk(h, (uint32_t)ch.pid, (uintptr_t)d, (uintptr_t)d + PAGE, 0, count_pages, &cd);
	ptscope_walk(h, (uint32_t)ch.pid, (uintptr_t)w, (uintptr_t)w + PAGE, 0, count_pages, &cw);
	result(cd.records == 0, "dontfork: the child has no mapping there (%llu records)",
	       (unsigned long long)cd.records);
	result(cw.none == 1 && cw.present == 0 && agent_do(&ch, 'r', w, 0) == 0,
	       "wipeonfork: the child's mapping is empty and reads zero");
	expect("dontfork: parent's page stays its own", getpid(), d, PTSCOPE_COW_WRITABLE);
	expect("wipeonfork: parent's page stays its own", getpid(), w, PTSCOPE_COW_WRITABLE);
	agent_stop(&ch);
	munmap(d, PAGE);
	munmap(w, PAGE);
}

static void thp_fork(void)
{
	char *raw = map(2 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *p = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	struct view a, b;
	struct agent ch;

	printf("# a transparent huge page across fork\n");
	madvise(p, HUGE, MADV_HUGEPAGE);
	memset(p, 'T', HUGE);
	a = look(getpid(), p);
	if (a.pg.level != PTSCOPE_LEVEL_PMD) {
		printf("ok %d thp: copy-on-write across fork # SKIP no huge page was allocated\n",
		       ++n);
		munmap(raw, 2 * HUGE);
		return;
	}
	ch = agent_start();
	a = expect("thp: parent after fork", getpid(), p, PTSCOPE_COW_SHARED);
	b = expect("thp: child after fork", ch.pid, p, PTSCOPE_COW_SHARED);
	result(a.pfn == b.pfn && a.pg.level == PTSCOPE_LEVEL_PMD && b.pg.level == PTSCOPE_LEVEL_PMD,
	       "thp: both map the same huge frame by a PMD");
	write_and_verify("thp: child writes one page", &ch, p + 5 * PAGE, 't');
	b = look(ch.pid, p + 6 * PAGE);
	a = look(getpid(), p + 6 * PAGE);
	result(a.pfn == b.pfn && agrees(&a) && agrees(&b),
	       "thp: the pages the child did not write still share frames");
	write_and_verify("thp: parent writes another page", NULL, p + 7 * PAGE, 'u');
	result(p[5 * PAGE] == 'T' && agent_do(&ch, 'r', p + 5 * PAGE, 0) == 't',
	       "thp: contents as written");
	agent_stop(&ch);
	munmap(raw, 2 * HUGE);
}

/*
 * A huge page whose other sharer exited: still mapped read-only by a PMD and
 * not marked exclusive, but this mapping's reference is its only one, so
 * do_huge_pmd_wp_page() takes it over whole, without a copy or a split.
 */
static void thp_exit(void)
{
	char *raw = map(2 * HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *p = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	struct view a;
	struct agent ch;

	printf("# a transparent huge page whose sharer exited\n");
	madvise(p, HUGE, MADV_HUGEPAGE);
	memset(p, 'H', HUGE);
	a = look(getpid(), p);
	if (a.pg.level != PTSCOPE_LEVEL_PMD) {
		printf("ok %d thp-exit: reuse after the sharer exits # SKIP no huge page was allocated\n",
		       ++n);
		munmap(raw, 2 * HUGE);
		return;
	}
	ch = agent_start();
	expect("thp-exit: parent after fork", getpid(), p, PTSCOPE_COW_SHARED);
	agent_stop(&ch);
	a = expect("thp-exit: parent after the child exited", getpid(), p, PTSCOPE_COW_REUSABLE);
	write_and_verify("thp-exit: parent writes", NULL, p + 3 * PAGE, 'h');
	result(look(getpid(), p).pg.level == PTSCOPE_LEVEL_PMD && look(getpid(), p).pfn == a.pfn,
	       "thp-exit: still one huge frame, mapped by its PMD");
	munmap(raw, 2 * HUGE);
}

static void file_private(void)
{
	char path[] = "/tmp/cowlab.XXXXXX";
	int fd = mkstemp(path);
	char buf[2 * PAGE], *priv, *shared;
	struct view a, s;

	printf("# a private file mapping before and after a write\n");
	memset(buf, 'F', sizeof(buf));
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		result(0, "file: cannot create %s", path);
		return;
	}
	priv = map(2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
	shared = map(2 * PAGE, PROT_READ, MAP_SHARED, fd);
	unlink(path);
	(void)*(volatile char *)priv;
	(void)*(volatile char *)shared;
	a = expect("file: private page, read", getpid(), priv, PTSCOPE_COW_FILE);
	s = look(getpid(), shared);
	result(a.pfn == s.pfn, "file: it is the page cache's frame (as the shared mapping's)");
	write_and_verify("file: write to the private mapping", NULL, priv, 'f');
	result(shared[0] == 'F' && priv[0] == 'f', "file: the file keeps its contents");
	munmap(priv, 2 * PAGE);
	munmap(shared, 2 * PAGE);
	close(fd);
}

static void zero_page(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	printf("# the zero page before and after a write\n");
	madvise(p, PAGE, MADV_NOHUGEPAGE);
	(void)*(volatile char *)p;
	expect("zero: read-faulted anonymous page", getpid(), p, PTSCOPE_COW_ZERO);
	write_and_verify("zero: write", NULL, p, 'z');
	munmap(p, PAGE);
}

static void read_only(void)
{
	char *p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);

	printf("# a read-only mapping\n");
	p[0] = 'r';
	mprotect(p, PAGE, PROT_READ);
	expect("read-only: mprotect(PROT_READ)", getpid(), p, PTSCOPE_COW_READ_ONLY);
	write_and_verify("read-only: write", NULL, p, 'x');
	munmap(p, PAGE);
}

static void ksm(void)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	int t;

	printf("# KSM before and after a write\n");
	if (read_ulong("/sys/kernel/mm/ksm/run") != 1) {
		printf("ok %d ksm: copy-on-write of a merged page # SKIP ksmd is not running\n",
		       ++n);
		return;
	}
	memset(p, 'K', 4 * PAGE);
	madvise(p, 4 * PAGE, MADV_MERGEABLE);
	for (t = 0; t < 300 && read_ulong("/proc/self/ksm_merging_pages") < 4; t++)
		nanosleep(&tick, NULL);
	expect("ksm: merged page", getpid(), p, PTSCOPE_COW_KSM);
	write_and_verify("ksm: write", NULL, p, 'k');
	expect("ksm: the others stay merged", getpid(), p + PAGE, PTSCOPE_COW_KSM);
	madvise(p, 4 * PAGE, MADV_UNMERGEABLE);
	munmap(p, 4 * PAGE);
}

static void overcommit(void)
{
	size_t len = 1UL << 30, i;
	char *p = map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
	struct count c = { 0 };

	printf("# overcommit: 1 GiB of anonymous memory costs nothing until touched\n");
	madvise(p, len, MADV_NOHUGEPAGE);
	ptscope_walk(h, 0, (uintptr_t)p, (uintptr_t)p + len, PTSCOPE_WALK_RUNS, count_pages, &c);
	result(c.present == 0 && c.none == len / PAGE,
	       "overcommit: 0 of %zu pages present before any touch", len / PAGE);
	for (i = 0; i < 10; i++)
		p[i * (len / 10)] = 1;
	memset(&c, 0, sizeof(c));
	ptscope_walk(h, 0, (uintptr_t)p, (uintptr_t)p + len, PTSCOPE_WALK_RUNS, count_pages, &c);
	result(c.present == 10, "overcommit: exactly the 10 touched pages present (%llu)",
	       (unsigned long long)c.present);
	munmap(p, len);
}

static int check(void)
{
	if (ptscope_open(&h)) {
		printf("Bail out! %s\n", ptscope_errmsg());
		return 2;
	}
	fork_basic();
	three_generations();
	fork_exec();
	shared_anon();
	dontfork_wipeonfork();
	thp_fork();
	thp_exit();
	file_private();
	zero_page();
	read_only();
	ksm();
	overcommit();
	ptscope_close(h);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static int forked(void)
{
	char *p = map(4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t set, old;
	pid_t child;
	int sig;

	memset(p, 'P', 4 * PAGE);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &old);
	fflush(stdout);
	child = fork();
	if (child == 0) {
		sigaction(SIGUSR1, &sa, NULL);
		sigdelset(&set, SIGUSR1);
		for (;;) {
			sigsuspend(&old);
			if (got_usr1) {
				got_usr1 = 0;
				p[0] = 'C';
				printf("wrote\n");
				fflush(stdout);
			}
		}
	}
	printf("parent %d child %d addr 0x%llx\nready\n", getpid(), child,
	       (unsigned long long)(uintptr_t)p);
	fflush(stdout);
	do
		sigwait(&set, &sig);
	while (sig != SIGTERM);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return p[0] == 'P' ? 0 : 1;
}

static int picture(void)
{
	/* Two THPs of the kernel's size (2 MiB; 32 MiB with 16 KiB pages). */
	const size_t anon_len = 8UL << 20, shm_len = 1UL << 20, huge_len = 2 * HUGE;
	char *anon = map(anon_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	char *shm = map(shm_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
	char *huge, c;
	sigset_t set;
	pid_t child;
	int ready[2], sig;
	size_t off;

	/* 4 KiB pages, so each write shows as one page copied. */
	madvise(anon, anon_len, MADV_NOHUGEPAGE);
	memset(anon, 'P', anon_len);
	memset(shm, 'S', shm_len);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (pipe(ready))
		return 2;
	fflush(stdout);
	child = fork();
	if (child == 0) {
		volatile char sum = 0;

		for (off = 0; off < anon_len; off += PAGE)
			if (off < anon_len / 4 || !(off / PAGE % 8))
				anon[off] = 'C';
		for (off = 0; off < shm_len; off += PAGE) /* maps the shared frames too */
			sum += shm[off];
		if (write(ready[1], "w", 1) != 1)
			_exit(2);
		sigwait(&set, &sig);
		_exit(0);
	}
	if (child < 0 || read(ready[0], &c, 1) != 1)
		return 2;
	/* Memory of the parent's own, after the fork: huge if THP allows. */
	huge = map(2 * huge_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
	huge = (char *)(((uintptr_t)huge + HUGE - 1) & ~(HUGE - 1));
	madvise(huge, huge_len, MADV_HUGEPAGE);
	memset(huge, 'H', huge_len);
	printf("parent %d child %d anon 0x%llx shared 0x%llx huge 0x%llx\nready\n", getpid(), child,
	       (unsigned long long)(uintptr_t)anon, (unsigned long long)(uintptr_t)shm,
	       (unsigned long long)(uintptr_t)huge);
	fflush(stdout);
	sigwait(&set, &sig);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

/* The pagemap entries of @pid for [start, end), into @pm (a page each); 0 if read. */
static int read_pagemap(int pid, unsigned long long start, unsigned long long end, uint64_t *pm)
{
	char path[64];
	size_t len = (end - start) / PAGE * 8;
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ok = pread(fd, pm, len, (off_t)(start / PAGE * 8)) == (ssize_t)len;
	close(fd);
	return ok ? 0 : -1;
}

static int pagecount(int pid, unsigned long long start, unsigned long long end, int pid2)
{
	size_t pages = (end - start) / PAGE, i;
	uint64_t *a = calloc(pages ? pages : 1, 8), *b = calloc(pages ? pages : 1, 8);
	unsigned long long present = 0, swapped = 0, same = 0;
	const uint64_t pfn_mask = (1ULL << 55) - 1;

	if (!a || !b || start >= end || read_pagemap(pid, start, end, a) ||
	    (pid2 && read_pagemap(pid2, start, end, b))) {
		fprintf(stderr, "cowlab: cannot read pagemap\n");
		return 2;
	}
	for (i = 0; i < pages; i++) {
		present += a[i] >> 63 & 1;
		swapped += a[i] >> 62 & 1;
		same += pid2 && a[i] >> 63 & 1 && b[i] >> 63 & 1 &&
			(a[i] & pfn_mask) == (b[i] & pfn_mask);
	}
	printf("present %llu swapped %llu", present, swapped);
	if (pid2)
		printf(" same %llu", same);
	printf("\n");
	free(a);
	free(b);
	return 0;
}

/* The r-xp mapping of file @name in @pid: [start, end); 0 if found. */
static int find_text(pid_t pid, const char *name, unsigned long long *start,
		     unsigned long long *end)
{
	char path[64], line[512], perms[8], file[400];
	FILE *f;
	int found = -1;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	while (f && found && fgets(line, sizeof(line), f)) {
		const char *base;

		file[0] = '\0';
		if (sscanf(line, "%llx-%llx %7s %*s %*s %*s %399s", start, end, perms, file) < 3)
			continue;
		base = strrchr(file, '/');
		if (!strcmp(perms, "r-xp") && base && !strcmp(base + 1, name))
			found = 0;
	}
	if (f)
		fclose(f);
	return found;
}

static int same_frames(const char *name, int npids, char **pids)
{
	unsigned long long start[64], end[64], all = 0, differ = 0, i;
	int k, fds[64];

	if (npids < 2 || npids > 64)
		return 2;
	for (k = 0; k < npids; k++) {
		char path[64];
		pid_t pid = (pid_t)atoi(pids[k]);

		snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
		fds[k] = open(path, O_RDONLY);
		if (fds[k] < 0 || find_text(pid, name, &start[k], &end[k]) ||
		    end[k] - start[k] != end[0] - start[0]) {
			printf("error: no r-xp mapping of %s in %d\n", name, pid);
			return 1;
		}
	}
	for (i = 0; i < (end[0] - start[0]) / PAGE; i++) {
		uint64_t e0 = 0, e;
		int in_all = 1, same = 1;

		for (k = 0; k < npids; k++) {
			if (pread(fds[k], &e, 8, (off_t)((start[k] / PAGE + i) * 8)) != 8)
				e = 0;
			if (!(e & PM_PRESENT))
				in_all = 0;
			else if (k && (e0 & PM_PRESENT) && PM_PFN(e) != PM_PFN(e0))
				same = 0;
			if (!k)
				e0 = e;
		}
		all += in_all;
		differ += !same;
	}
	printf("pages %llu differ %llu\n", all, differ);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "forked"))
		return forked();
	if (argc >= 3 && !strcmp(argv[1], "same-frames"))
		return same_frames(argv[2], argc - 3, argv + 3);
	if (argc == 2 && !strcmp(argv[1], "check"))
		return check();
	if (argc == 2 && !strcmp(argv[1], "picture"))
		return picture();
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "pagecount"))
		return pagecount(atoi(argv[2]), strtoull(argv[3], NULL, 16),
				 strtoull(argv[4], NULL, 16), argc == 6 ? atoi(argv[5]) : 0);
	if (argc == 2 && !strcmp(argv[1], "sleep")) {
		pause();
		return 0;
	}
	fprintf(stderr, "usage: cowlab check|sleep|forked|picture|same-frames NAME PID...|"
			"pagecount PID START END [PID2]\n");
	return 2;
}
