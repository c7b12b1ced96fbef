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
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

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

/* The bytes of "ret": executing them where no execution is allowed. */
static const unsigned char ret_insn[] = { 0xc3 };

static void exec_at(void *where)
{
	memcpy(where, ret_insn, sizeof(ret_insn));
	announce(where);
	((void (*)(void))where)();
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	volatile char *p;

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
			puts("unsupported: no protection keys");
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
		p = mmap(NULL, 2UL << 20, PROT_READ | PROT_WRITE,
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
	fprintf(stderr, "usage: crashlab MODE (see the source)\n");
	return 2;
}
