// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crashlab MODE: die of one kind of bad memory access, for the fault
 * recorder's tests. Before the access it prints "pid PID addr ADDR" (the
 * address it will touch, 0 where the CPU reports none) and flushes.
 *
 *   null, gap, stack-overflow, write-ro, exec-stack, exec-heap, prot-none,
 *   pkey, kernel-addr, non-canonical, bus-eof, bus-hugetlb: die
 *   handled: a SIGSEGV caught by a handler; exit 0
 *   burst N: N children die of a NULL dereference; exit 0
 *   files N: dies in the hole left by unmapping the middle one of N
 *     one-page mappings of a file (SEGV_MAPERR, its neighbours are files)
 *   forge: sends itself SIGSEGV and SIGBUS with a fault's si_code through
 *     every system call that lets it choose one (rt_sigqueueinfo,
 *     rt_tgsigqueueinfo, pidfd_send_signal where the kernel has it), with
 *     the signal ignored and then caught; prints "forged N"; exit 0
 *   storm N: N SIGSEGVs in a loop, each caught and stepped over (as JVMs
 *     do); prints "pid PID storm N"; exit 0
 *   ptrace-forge: traces a child that spins with SIGSEGV and SIGBUS
 *     blocked, and turns each of 16 SIGUSR1s sent to it into a fault's
 *     SIGSEGV or SIGBUS (PTRACE_SETSIGINFO, then PTRACE_CONT with that
 *     signal); then 4 times, a child stopped by a SIGSEGV sent to it gets a
 *     fault's siginfo and is woken by SIGKILL (the kernel generates the
 *     signal again on its way out); prints "pid CHILD forged N"; exit 0
 *   ptrace-storm N: traces a child that reads address 0x40 with no
 *     handler, and suppresses each SIGSEGV (PTRACE_CONT with none), N
 *     times; prints "pid CHILD ptrace-storm N ms MS"; exit 0
 *
 * Prefixes, in this order: "nodump" calls prctl(PR_SET_DUMPABLE, 0) first;
 * "catch" catches the mode's SIGSEGV or SIGBUS on an alternate stack and
 * prints what the kernel put in the signal frame, then exits 0:
 *   "caught SIG code SI_CODE addr SI_ADDR err ERR trap TRAPNO" (x86_64:
 *   sigcontext's error code and trap number) or
 *   "caught SIG code SI_CODE addr SI_ADDR esr ESR" (arm64: the esr_context
 *   record, "esr none" without one)
 * "wait" prints "waiting PID" and reads a line from standard input before
 * the mode runs, or for files once its mappings are in place (a test looks
 * at the live process meanwhile).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <unistd.h>

#include "faultload.h"
#include "arch.h"

#define PAGE page_size()

// cppcheck-suppress stringLiteralWrite
static const char rodata[] = "crashlab: a constant in .rodata";

/* Addresses through a volatile, so the compiler cannot see what they are. */
static volatile uintptr_t bad_addr;
static volatile long depth_limit = 1L << 40;

static volatile char *at(uintptr_t a)
{
	bad_addr = a;
	return (volatile char *)bad_addr;
}

static void announce(const volatile void *addr)
{
	printf("pid %d addr 0x%llx\n", getpid(), (unsigned long long)(uintptr_t)addr);
	fflush(stdout);
}

static void *map(size_t len, int prot, int flags, int fd)
{
	void *p = mmap(NULL, len, prot, flags, fd, 0);

	if (p == MAP_FAILED) {
		perror("crashlab: mmap");
		exit(2);
	}
	return p;
}

static int deep(volatile char *prev, long depth)
{
	volatile char frame[4096];

	frame[0] = prev ? prev[0] + 1 : 0;
	if (depth > depth_limit)
		return 0;
	return deep(frame, depth + 1) + frame[100];
}

static sigjmp_buf env;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(env, 1);
}

/*
 * forge: a siginfo the CPU could have produced, sent by system call. Each
 * one the kernel accepted counts; a kernel without pidfd_send_signal just
 * has one sender fewer.
 */
static int forged;

/* The siginfo of a fault at 0x1234 the CPU could have raised: @sig, SIGSEGV or SIGBUS. */
static void fault_siginfo(siginfo_t *si, int sig)
{
	memset(si, 0, sizeof(*si));
	si->si_signo = sig;
	si->si_code = sig == SIGSEGV ? SEGV_MAPERR : BUS_ADRERR;
	si->si_addr = (void *)0x1234;
}

static void forge_one(int sig, int how)
{
	siginfo_t si;
	int pidfd, ret;

	fault_siginfo(&si, sig);
	switch (how) {
	case 0:
		ret = syscall(SYS_rt_sigqueueinfo, getpid(), sig, &si);
		break;
	case 1:
		ret = syscall(SYS_rt_tgsigqueueinfo, getpid(), (pid_t)syscall(SYS_gettid), sig,
			      &si);
		break;
	default:
		pidfd = syscall(SYS_pidfd_open, getpid(), 0);
		if (pidfd < 0)
			return;
		ret = syscall(SYS_pidfd_send_signal, pidfd, sig, &si, 0);
		close(pidfd);
		break;
	}
	if (!ret)
		forged++;
}

static volatile sig_atomic_t caught;

static void on_forged(int sig)
{
	(void)sig;
	caught++;
}

static int forge(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS };
	int i, how, round;

	for (round = 0; round < 2; round++) {
		/* First ignored: the kernel still generates, then drops it. */
		signal(SIGSEGV, round ? on_forged : SIG_IGN);
		signal(SIGBUS, round ? on_forged : SIG_IGN);
		for (i = 0; i < 2; i++)
			for (how = 0; how < 3; how++)
				forge_one(sigs[i], how);
	}
	printf("forged %d caught %d\n", forged, (int)caught);
	return forged ? 0 : 1;
}

/* Step over the faulting load (faultload.h). */
static void step_over(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	step_over_load(uc);
}

static int storm(long n)
{
	struct sigaction sa = { .sa_sigaction = step_over, .sa_flags = SA_SIGINFO };
	long i;

	sigaction(SIGSEGV, &sa, NULL);
	printf("pid %d storm %ld\n", getpid(), n);
	fflush(stdout);
	for (i = 0; i < n; i++)
		FAULTING_LOAD(at(0x40));
	return 0;
}

/* A child that stops for its tracer (us) and then runs @body. */
static pid_t traced_child(void (*body)(void))
{
	pid_t child = fork();
	int st;

	if (child == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		body();
		_exit(0);
	}
	if (child < 0 || waitpid(child, &st, 0) != child || !WIFSTOPPED(st)) {
		perror("crashlab: traced child");
		exit(2);
	}
	return child;
}

/* Whether @child stopped to deliver @sig (its tracer decides what comes of it). */
static int stopped_for(pid_t child, int sig)
{
	int st = 0;

	if (waitpid(child, &st, 0) == child && WIFSTOPPED(st) && WSTOPSIG(st) == sig)
		return 1;
	fprintf(stderr, "crashlab: no signal-delivery stop for %s (status %#x)\n", strsignal(sig),
		st);
	return 0;
}

static void end_child(pid_t child)
{
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

/* Spin in user space: a signal sent arrives on the way back from an interrupt. */
static void spin(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

static int ptrace_forge(void)
{
	sigset_t set, was;
	int i, n = 0;
	siginfo_t si;
	pid_t child;

	/* Blocked from birth: the child inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGSEGV);
	sigaddset(&set, SIGBUS);
	sigprocmask(SIG_BLOCK, &set, &was);
	child = traced_child(spin);
	sigprocmask(SIG_SETMASK, &was, NULL);

	ptrace(PTRACE_CONT, child, NULL, NULL);
	usleep(20000);
	for (i = 0; i < 16; i++) {
		int sig = i % 2 ? SIGBUS : SIGSEGV;

		kill(child, SIGUSR1);
		if (!stopped_for(child, SIGUSR1))
			return 2;
		fault_siginfo(&si, sig);
		if (!ptrace(PTRACE_SETSIGINFO, child, NULL, &si) &&
		    !ptrace(PTRACE_CONT, child, NULL, (void *)(long)sig))
			n++;
	}
	end_child(child);
	for (i = 0; i < 4; i++) {
		pid_t c = traced_child(spin);

		ptrace(PTRACE_CONT, c, NULL, NULL);
		/* Out of raise()'s system call, spinning: the signal comes from an interrupt. */
		usleep(20000);
		kill(c, SIGSEGV);
		if (!stopped_for(c, SIGSEGV))
			return 2;
		fault_siginfo(&si, SIGSEGV);
		if (!ptrace(PTRACE_SETSIGINFO, c, NULL, &si) && !kill(c, SIGKILL))
			n++;
		waitpid(c, NULL, 0);
	}
	printf("pid %d forged %d\n", child, n);
	return n ? 0 : 1;
}

static void read_0x40(void)
{
	for (;;)
		(void)*at(0x40);
}

static int ptrace_storm(long n)
{
	pid_t child = traced_child(read_0x40);
	struct timespec t0, t1;
	long i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ptrace(PTRACE_CONT, child, NULL, NULL);
	for (i = 0; i < n; i++) {
		if (!stopped_for(child, SIGSEGV))
			return 2;
		ptrace(PTRACE_CONT, child, NULL, NULL); /* suppressed: it faults again */
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	end_child(child);
	printf("pid %d ptrace-storm %ld ms %ld\n", child, n,
	       (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 + 1);
	return 0;
}

/* The bytes of "ret": executing them where no execution is allowed. */
#if defined(__aarch64__)
static const unsigned char ret_insn[] = { 0xc0, 0x03, 0x5f, 0xd6 }; /* 0xd65f03c0 */
#else
static const unsigned char ret_insn[] = { 0xc3 };
#endif

static void exec_at(void *where)
{
	memcpy(where, ret_insn, sizeof(ret_insn));
	announce(where);
	((void (*)(void))where)();
}

/*
 * "catch": what the signal frame says of the fault, the kernel's own copy
 * of what the fault recorder reads (thread.error_code and trap_nr on x86,
 * thread.fault_code on arm64).
 */
#if defined(__aarch64__)
/* The records of uc_mcontext.__reserved (asm/sigcontext.h's _aarch64_ctx). */
struct frame_record {
	uint32_t magic, size;
};
#define FRAME_ESR_MAGIC 0x45535201 /* ESR_MAGIC: struct esr_context */

static int frame_fault(const ucontext_t *uc, char *buf, size_t len)
{
	const unsigned char *p = uc->uc_mcontext.__reserved;
	const unsigned char *end = p + sizeof(uc->uc_mcontext.__reserved);
	struct frame_record h;
	uint64_t esr;

	/* A zero record ends the list; EXTRA_MAGIC's overflow never holds the ESR. */
	while (p + sizeof(h) <= end) {
		memcpy(&h, p, sizeof(h));
		if (!h.magic || h.size < sizeof(h) || h.size > (size_t)(end - p))
			break;
		if (h.magic == FRAME_ESR_MAGIC && h.size >= sizeof(h) + sizeof(esr)) {
			memcpy(&esr, p + sizeof(h), sizeof(esr));
			return snprintf(buf, len, "esr 0x%llx", (unsigned long long)esr);
		}
		p += h.size;
	}
	return snprintf(buf, len, "esr none");
}
#else
static int frame_fault(const ucontext_t *uc, char *buf, size_t len)
{
	return snprintf(buf, len, "err 0x%llx trap %llu",
			(unsigned long long)uc->uc_mcontext.gregs[REG_ERR],
			(unsigned long long)uc->uc_mcontext.gregs[REG_TRAPNO]);
}
#endif

/* Runs once, on the alternate stack, and never returns to the fault. */
static void on_caught(int sig, siginfo_t *si, void *uc)
{
	char line[200];
	int n;

	n = snprintf(line, sizeof(line), "caught %s code %d addr 0x%llx ",
		     sig == SIGBUS ? "SIGBUS" : "SIGSEGV", si->si_code,
		     (unsigned long long)(uintptr_t)si->si_addr);
	n += frame_fault(uc, line + n, sizeof(line) - n - 1);
	line[n++] = '\n';
	if (write(STDOUT_FILENO, line, n) != n)
		_exit(2);
	_exit(0);
}

static void catch_faults(void)
{
	static char altstack[64 * 1024];
	struct sigaction sa = { .sa_sigaction = on_caught, .sa_flags = SA_SIGINFO | SA_ONSTACK };
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };

	/* The stack-overflow mode's handler cannot run on the overflowed stack. */
	if (sigaltstack(&ss, NULL) || sigaction(SIGSEGV, &sa, NULL) ||
	    sigaction(SIGBUS, &sa, NULL)) {
		perror("crashlab: catch");
		exit(2);
	}
}

/* "wait": say so, and read a line from standard input (once). */
static int want_wait;

static void wait_go(void)
{
	char line[16];

	if (!want_wait)
		return;
	want_wait = 0;
	printf("waiting %d\n", getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		exit(2);
}

/* files: the hole between N/2 - 1 and N/2 + 1 of N mappings of one file page. */
static int files(int n)
{
	char path[] = "/tmp/crashlab.XXXXXX", *hole = NULL;
	int fd = mkstemp(path), i;

	if (fd < 0 || ftruncate(fd, PAGE) || n < 3) {
		perror("crashlab: file");
		return 2;
	}
	unlink(path);
	/* Mappings of the same page never merge: their offsets do not follow. */
	for (i = 0; i < n; i++) {
		char *q = map(PAGE, PROT_READ, MAP_SHARED, fd);

		if (i == n / 2)
			hole = q;
	}
	munmap(hole, PAGE);
	wait_go();
	announce(hole + 0x40);
	return *at((uintptr_t)hole + 0x40);
}

int main(int argc, char **argv)
{
	const char *m;
	volatile char *p;

	if (argc > 2 && !strcmp(argv[1], "nodump")) {
		prctl(PR_SET_DUMPABLE, 0);
		argv++;
		argc--;
	}
	if (argc > 2 && !strcmp(argv[1], "catch")) {
		catch_faults();
		argv++;
		argc--;
	}
	if (argc > 2 && !strcmp(argv[1], "wait")) {
		want_wait = 1;
		argv++;
		argc--;
	}
	m = argc > 1 ? argv[1] : "";
	if (strcmp(m, "files"))
		wait_go();

	if (!strcmp(m, "null")) {
		p = at(0x10);
		announce(p);
		return *p;
	}
	if (!strcmp(m, "gap")) {
		p = map(3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		munmap((char *)p + PAGE, PAGE);
		p += PAGE + 0x123;
		announce(p);
		return *p;
	}
	if (!strcmp(m, "stack-overflow")) {
		announce(NULL);
		return deep(NULL, 0);
	}
	if (!strcmp(m, "write-ro")) {
		p = (volatile char *)rodata;
		/* Read first: the page is present, so the write is refused by its permissions. */
		(void)p[0];
		announce(p);
		/* The point: a write the mapping refuses. */
		// cppcheck-suppress stringLiteralWrite
		p[0] = 'X';
		return 0;
	}
	if (!strcmp(m, "exec-stack")) {
		char buf[64];

		exec_at(buf);
		return 0;
	}
	if (!strcmp(m, "exec-heap")) {
		exec_at(malloc(64));
		return 0;
	}
	if (!strcmp(m, "prot-none")) {
		p = map(PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		announce(p + 8);
		return p[8];
	}
	if (!strcmp(m, "pkey")) {
		int key = pkey_alloc(0, PKEY_DISABLE_ACCESS);

		p = map(PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
		if (key < 0 || pkey_mprotect((void *)p, PAGE, PROT_READ | PROT_WRITE, key)) {
			/* x86: PKU; arm64: FEAT_S1POE with a 6.12+ kernel built with ARM64_POE. */
			printf("unsupported: no protection keys (%s: %s)\n",
			       key < 0 ? "pkey_alloc" : "pkey_mprotect", strerror(errno));
			return 3;
		}
		announce(p);
		return p[0];
	}
	if (!strcmp(m, "kernel-addr")) {
		p = at(0xffffffff81000000UL);
		announce(p);
		return *p;
	}
	if (!strcmp(m, "non-canonical")) {
#if defined(__aarch64__)
		/* Top-byte-ignore: bit 63 alone is a tag on a NULL pointer. */
		puts("unsupported: arm64 has no non-canonical user addresses (top-byte-ignore)");
		return 3;
#endif
		p = at(0x8000000000000000UL);
		announce(NULL);
		return *p;
	}
	if (!strcmp(m, "bus-eof")) {
		char path[] = "/tmp/crashlab.XXXXXX";
		int fd = mkstemp(path);

		if (fd < 0 || ftruncate(fd, 100)) {
			perror("crashlab: file");
			return 2;
		}
		p = map(2 * PAGE, PROT_READ, MAP_SHARED, fd);
		announce(p + PAGE);
		return p[PAGE];
	}
	if (!strcmp(m, "bus-hugetlb")) {
		/* The default hugetlb size: the PMD size on x86 and arm64. */
		p = mmap(NULL, pmd_size(), PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) {
			puts("unsupported: no hugetlb");
			return 3;
		}
		announce(p);
		p[0] = 1;
		return 0;
	}
	if (!strcmp(m, "handled")) {
		signal(SIGSEGV, on_segv);
		p = at(0x20);
		announce(p);
		if (!sigsetjmp(env, 1))
			return *p;
		puts("survived");
		return 0;
	}
	if (!strcmp(m, "burst") && argc == 3) {
		int i, n = atoi(argv[2]);

		for (i = 0; i < n; i++)
			if (fork() == 0)
				return *at(0x30);
		while (wait(NULL) > 0)
			;
		return 0;
	}
	if (!strcmp(m, "files") && argc == 3)
		return files(atoi(argv[2]));
	if (!strcmp(m, "forge"))
		return forge();
	if (!strcmp(m, "storm") && argc == 3)
		return storm(atol(argv[2]));
	if (!strcmp(m, "ptrace-forge"))
		return ptrace_forge();
	if (!strcmp(m, "ptrace-storm") && argc == 3)
		return ptrace_storm(atol(argv[2]));
	fprintf(stderr, "usage: crashlab MODE (see the source)\n");
	return 2;
}
