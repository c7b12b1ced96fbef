// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * landlocked CMD [ARG...]: run CMD inside a new Landlock domain.
 *
 * Every Landlock domain (ABI 1 on) restricts ptrace, and so the opening of
 * /proc/PID/pagemap, to processes of the same or a nested domain: the
 * kernel's own sandbox, as a test of ptscope's permission rule. The ruleset
 * handles only the creation of block devices, so the command may do
 * anything else it could outside. CMD and every process it starts are in
 * the domain; processes started before are not.
 *
 * Exits 3 (after "landlocked: unavailable: REASON") when the kernel has no
 * Landlock, 2 on other setup errors; otherwise CMD's exec replaces it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/landlock.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_restrict_self 446
#endif

int main(int argc, char **argv)
{
	struct landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK };
	long abi, fd;

	if (argc < 2) {
		fprintf(stderr, "usage: landlocked CMD [ARG...]\n");
		return 2;
	}
	abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1) {
		/* ENOSYS: not built in; EOPNOTSUPP: not in the lsm= list. */
		printf("landlocked: unavailable: %s\n", strerror(errno));
		return 3;
	}
	fd = syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0) {
		fprintf(stderr, "landlocked: landlock_create_ruleset: %s\n", strerror(errno));
		return 2;
	}
	/* Without CAP_SYS_ADMIN, a domain needs no_new_privs. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(__NR_landlock_restrict_self, (int)fd, 0)) {
		fprintf(stderr, "landlocked: landlock_restrict_self: %s\n", strerror(errno));
		return 2;
	}
	close((int)fd);
	fprintf(stderr, "landlocked: pid %d in a new domain (Landlock ABI %ld)\n", getpid(), abi);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "landlocked: %s: %s\n", argv[1], strerror(errno));
	return 2;
}
