// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faultbench: what the fault recorder costs the faulting process, for make
 * bench (tests/bench/bench.sh runs each with the module unloaded and
 * loaded, in turns). Each prints one figure, the median of RUNS runs.
 *
 *   faultbench crash N
 *       N rounds of fork + SIGSEGV in the child + wait: "fault-round-ns NS"
 *   faultbench handled MAPS N
 *       N SIGSEGVs that a handler steps over, as JVMs and garbage collectors
 *       take them (a read of a PROT_NONE guard page), with MAPS one-page
 *       file mappings below the faulting address: "handled-ns MAPS NS"
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faultload.h"
#include "timing.h"
#include "arch.h"

#define PAGE page_size()

/* Where the children write: unmapped (volatile, so the compiler cannot tell). */
static volatile uintptr_t bad_addr = 16;

static int crash_rounds(int n)
{
	double t[RUNS];
	int i, r;

	for (r = 0; r < RUNS; r++) {
		double s = now();

		for (i = 0; i < n; i++) {
			pid_t pid = fork();
			int status;

			if (pid < 0) {
				perror("faultbench: fork");
				return 2;
			}
			if (!pid) {
				signal(SIGSEGV, SIG_DFL);
				*(volatile int *)bad_addr = 1;
				_exit(0);
			}
			if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status)) {
				fprintf(stderr, "faultbench: the child did not crash\n");
				return 2;
			}
		}
		t[r] = now() - s;
	}
	printf("fault-round-ns %.0f\n", median_of(t) * 1e9 / n);
	return 0;
}

/* Step over the faulting load (faultload.h). */
static void step_over(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	step_over_load(uc);
}

static int handled(int maps, long n)
{
	struct sigaction sa = { .sa_sigaction = step_over, .sa_flags = SA_SIGINFO };
	char path[] = "/tmp/faultbench.XXXXXX", *guard;
	int fd = mkstemp(path), i, r;
	double t[RUNS];
	long k;

	if (fd < 0 || ftruncate(fd, PAGE)) {
		perror("faultbench: file");
		return 2;
	}
	unlink(path);
	/* First the guard page: the file mappings go below it (top-down). */
	guard = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (i = 0; i < maps && guard != MAP_FAILED; i++)
		if (mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			guard = MAP_FAILED;
	if (guard == MAP_FAILED) {
		perror("faultbench: mmap");
		return 2;
	}
	sigaction(SIGSEGV, &sa, NULL);
	for (r = 0; r < RUNS; r++) {
		double s = now();

		for (k = 0; k < n; k++)
			FAULTING_LOAD(guard);
		t[r] = now() - s;
	}
	printf("handled-ns %d %.0f\n", maps, median_of(t) * 1e9 / n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "crash"))
		return crash_rounds(atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "handled"))
		return handled(atoi(argv[2]), atol(argv[3]));
	fprintf(stderr, "usage: faultbench crash N | handled MAPS N\n");
	return 2;
}
