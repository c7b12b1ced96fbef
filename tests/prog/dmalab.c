// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmalab: memory handed to devices, for tests from outside the process.
 *
 *   dmalab pin       64 KiB of anonymous memory and a 2 MiB THP registered
 *                    with io_uring (IORING_REGISTER_BUFFERS: pinned with
 *                    FOLL_PIN), and 16 KiB never registered; prints
 *                    "ring FD", "small ADDR", "thp ADDR", "plain ADDR",
 *                    "ready"; SIGUSR1 unregisters ("unregistered"); SIGTERM
 *                    ends it
 *   dmalab bar FILE  mmap a PCI resource file (resource0, resource0_wc) and
 *                    read its first page; prints "bar ADDR LEN", "ready"
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "anon.h"
#include "arch.h"

#define PAGE page_size()
#define HUGE pmd_size()

static void wait_for(int want, int *got)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigwait(&set, got);
	(void)want;
}

static int pin(void)
{
	struct io_uring_params params = { 0 };
	char *small = map_anon(16 * PAGE), *raw = map_anon(2 * HUGE), *plain = map_anon(4 * PAGE);
	char *thp = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	struct iovec iov[2] = { { small, 16 * PAGE }, { thp, HUGE } };
	int ring, sig;

	/*
	 * Only the 2 MiB buffer may be a THP. Under THP "always", the small and
	 * plain buffers could otherwise land in a huge page that spans a
	 * neighbour (anonymous mappings merge), and pin 512 pages at once.
	 */
	madvise(small, 16 * PAGE, MADV_NOHUGEPAGE);
	madvise(plain, 4 * PAGE, MADV_NOHUGEPAGE);
	madvise(thp, HUGE, MADV_HUGEPAGE);
	memset(small, 1, 16 * PAGE);
	memset(thp, 2, HUGE);
	memset(plain, 3, 4 * PAGE);
	ring = (int)syscall(__NR_io_uring_setup, 4, &params);
	if (ring < 0 || syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, iov, 2)) {
		printf("error: io_uring: %s\n", strerror(errno));
		return 2;
	}
	printf("ring %d\nsmall 0x%llx\nthp 0x%llx\nplain 0x%llx\nready\n", ring,
	       (unsigned long long)(uintptr_t)small, (unsigned long long)(uintptr_t)thp,
	       (unsigned long long)(uintptr_t)plain);
	fflush(stdout);
	for (;;) {
		wait_for(0, &sig);
		if (sig == SIGTERM)
			return 0;
		if (syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_BUFFERS, NULL, 0))
			printf("error: unregister: %s\n", strerror(errno));
		else
			printf("unregistered\n");
		fflush(stdout);
	}
}

static int bar(const char *path)
{
	int fd = open(path, O_RDWR | O_SYNC), sig;
	struct stat st;
	volatile char *p;

	if (fd < 0 || fstat(fd, &st)) {
		printf("error: %s: %s\n", path, strerror(errno));
		return 2;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("error: mmap %s: %s\n", path, strerror(errno));
		return 2;
	}
	(void)p[0];
	printf("bar 0x%llx %lld\nready\n", (unsigned long long)(uintptr_t)p, (long long)st.st_size);
	fflush(stdout);
	do
		wait_for(0, &sig);
	while (sig != SIGTERM);
	return 0;
}

int main(int argc, char **argv)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (argc == 2 && !strcmp(argv[1], "pin"))
		return pin();
	if (argc == 3 && !strcmp(argv[1], "bar"))
		return bar(argv[2]);
	fprintf(stderr, "usage: dmalab pin | bar FILE\n");
	return 2;
}
