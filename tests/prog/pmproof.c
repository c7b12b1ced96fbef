// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmproof: ptscope's permission rule from a caller's side. Non-admin
 * callers prove access to another process with their own open of
 * /proc/PID/pagemap (PTSCOPE_A_PAGEMAP_FD); this program opens pagemap as
 * the oracle, asks through libptscope, and sends proofs the library never
 * would.
 *
 *   pmproof [--nodump] open PID           open /proc/PID/pagemap (the oracle)
 *   pmproof [--nodump] lib CMD PID [ADDR] CMD of PID through libptscope
 *   pmproof [--nodump] raw CMD PID FD [ADDR]
 *                                         CMD with PTSCOPE_A_PAGEMAP_FD from FD
 *   pmproof [--nodump] hold               print "ready PID", then sleep
 *
 * CMD: xlate, xlates (XLATE_MANY, of ADDR and the page after it), walk or
 * maps. PID: a number, or "self" (getpid()). --nodump:
 * prctl(PR_SET_DUMPABLE, 0) first. FD, the descriptor sent:
 *   none          no PTSCOPE_A_PAGEMAP_FD
 *   pagemap:N     an open of /proc/N/pagemap
 *   stale:N       the same, opened before "opened" is printed and sent after
 *                 a line arrives on standard input (the process may exec or
 *                 exit in between)
 *   maps:N        an open of /proc/N/maps
 *   wronly:N      /proc/N/pagemap opened write-only (root only)
 *   path:N        /proc/N/pagemap opened O_PATH
 *   pipe          the read end of a pipe
 *   closed        a number no file is open at
 *   huge          2^31, beyond any descriptor
 *
 * Prints "ok" (and how many records or mappings came) and exits 0, or
 * "errno N: message" and exits 1; exits 2 on usage or setup errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "internal.h"
#include "uapi/ptscope.h"

static unsigned long replies;

static int count_reply(struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(void)arg;
	replies++;
	return 0;
}

static int count_page(const struct ptscope_page *pg, void *arg)
{
	(void)pg;
	(void)arg;
	replies++;
	return 0;
}

static int count_vma(const struct ptscope_vma *v, void *arg)
{
	(void)v;
	(void)arg;
	replies++;
	return 0;
}

static int report(int ret, const char *what)
{
	if (ret) {
		printf("errno %d: %s\n", -ret, ptscope_errmsg());
		return 1;
	}
	printf("ok: %lu %s\n", replies, what);
	return 0;
}

static uint32_t parse_pid(const char *s)
{
	return strcmp(s, "self") ? (uint32_t)strtoul(s, NULL, 0) : (uint32_t)getpid();
}

static int cmd_of(const char *s)
{
	if (!strcmp(s, "xlate"))
		return PTSCOPE_CMD_XLATE;
	if (!strcmp(s, "xlates"))
		return PTSCOPE_CMD_XLATE_MANY;
	if (!strcmp(s, "walk"))
		return PTSCOPE_CMD_WALK;
	if (!strcmp(s, "maps"))
		return PTSCOPE_CMD_GET_VMAS;
	fprintf(stderr, "pmproof: unknown command '%s' (xlate, xlates, walk, maps)\n", s);
	exit(2);
}

static int open_or_die(const char *what, const char *file, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/%s", what, file);
	fd = open(path, flags);
	if (fd < 0) {
		fprintf(stderr, "pmproof: cannot open %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

/* The descriptor FD names; *send = 0 for "none". */
static uint32_t fd_of(const char *spec, int *send)
{
	const char *arg = strchr(spec, ':') ? strchr(spec, ':') + 1 : "";
	char line[16];
	int p[2], fd;

	*send = 1;
	if (!strcmp(spec, "none")) {
		*send = 0;
		return 0;
	}
	if (!strncmp(spec, "pagemap:", 8))
		return (uint32_t)open_or_die(arg, "pagemap", O_RDONLY);
	if (!strncmp(spec, "stale:", 6)) {
		fd = open_or_die(arg, "pagemap", O_RDONLY);
		printf("opened\n");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			exit(2);
		return (uint32_t)fd;
	}
	if (!strncmp(spec, "maps:", 5))
		return (uint32_t)open_or_die(arg, "maps", O_RDONLY);
	if (!strncmp(spec, "wronly:", 7))
		return (uint32_t)open_or_die(arg, "pagemap", O_WRONLY);
	if (!strncmp(spec, "path:", 5))
		return (uint32_t)open_or_die(arg, "pagemap", O_PATH);
	if (!strcmp(spec, "pipe")) {
		if (pipe(p))
			exit(2);
		return (uint32_t)p[0];
	}
	if (!strcmp(spec, "closed")) {
		for (fd = 100; fcntl(fd, F_GETFD) != -1; fd++)
			;
		return (uint32_t)fd;
	}
	if (!strcmp(spec, "huge"))
		return 1U << 31;
	fprintf(stderr, "pmproof: unknown descriptor '%s'\n", spec);
	exit(2);
}

/* A request as the library builds it, with @fd as the proof. */
static int raw(struct ptscope *h, int cmd, uint32_t pid, uint32_t fd, int send, uint64_t addr)
{
	struct nl_msg *msg =
		pts_msg_new(h, (uint8_t)cmd, cmd == PTSCOPE_CMD_XLATE ? 0 : NLM_F_DUMP);
	uint64_t addrs[2] = { addr, addr + 4096 };

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, PTSCOPE_A_PID, pid) < 0 ||
	    (send && nla_put_u32(msg, PTSCOPE_A_PAGEMAP_FD, fd) < 0) ||
	    (cmd == PTSCOPE_CMD_XLATE && nla_put_u64(msg, PTSCOPE_A_ADDR, addr) < 0) ||
	    (cmd == PTSCOPE_CMD_XLATE_MANY &&
	     nla_put(msg, PTSCOPE_A_ADDRS, sizeof(addrs), addrs) < 0) ||
	    (cmd == PTSCOPE_CMD_WALK &&
	     nla_put_u32(msg, PTSCOPE_A_WALK_FLAGS, PTSCOPE_WALK_RUNS | PTSCOPE_WALK_PACKED) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return pts_transact(h, msg, "probe", count_reply, NULL);
}

static int lib(struct ptscope *h, int cmd, uint32_t pid, uint64_t addr)
{
	uint64_t addrs[2] = { addr, addr + 4096 };
	struct ptscope_xlate x, xs[2];

	if (cmd == PTSCOPE_CMD_XLATE)
		return ptscope_xlate(h, pid, addr, &x);
	if (cmd == PTSCOPE_CMD_XLATE_MANY)
		return ptscope_xlate_many(h, pid, addrs, 2, xs);
	if (cmd == PTSCOPE_CMD_WALK)
		return ptscope_walk(h, pid, 0, 0, PTSCOPE_WALK_RUNS, count_page, NULL);
	return ptscope_maps(h, pid, count_vma, NULL);
}

int main(int argc, char **argv)
{
	struct ptscope *h;
	uint64_t addr;
	uint32_t fd;
	int send, cmd;
	char path[64];

	if (argc > 1 && !strcmp(argv[1], "--nodump")) {
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0))
			return 2;
		argv++;
		argc--;
	}
	if (argc == 2 && !strcmp(argv[1], "hold")) {
		printf("ready %d\n", getpid());
		fflush(stdout);
		for (;;)
			pause();
	}
	if (argc == 3 && !strcmp(argv[1], "open")) {
		/* pid 0 is the caller, as in requests. */
		if (parse_pid(argv[2]))
			snprintf(path, sizeof(path), "/proc/%u/pagemap", parse_pid(argv[2]));
		else
			snprintf(path, sizeof(path), "/proc/self/pagemap");
		fd = (uint32_t)open(path, O_RDONLY);
		if ((int)fd < 0) {
			printf("errno %d: %s: %s\n", errno, path, strerror(errno));
			return 1;
		}
		printf("ok: opened %s\n", path);
		return 0;
	}
	if (argc < 4 || (strcmp(argv[1], "lib") && strcmp(argv[1], "raw"))) {
		fprintf(stderr, "usage: pmproof [--nodump] open PID | lib CMD PID [ADDR] | "
				"raw CMD PID FD [ADDR] | hold\n");
		return 2;
	}
	cmd = cmd_of(argv[2]);
	if (ptscope_open(&h)) {
		fprintf(stderr, "pmproof: %s\n", ptscope_errmsg());
		return 2;
	}
	if (!strcmp(argv[1], "lib")) {
		addr = argc > 4 ? strtoull(argv[4], NULL, 0) : 0x10000;
		return report(lib(h, cmd, parse_pid(argv[3]), addr), "records");
	}
	if (argc < 5) {
		fprintf(stderr, "pmproof: raw needs CMD PID FD\n");
		return 2;
	}
	fd = fd_of(argv[4], &send);
	addr = argc > 5 ? strtoull(argv[5], NULL, 0) : 0x10000;
	return report(raw(h, cmd, parse_pid(argv[3]), fd, send, addr), "messages");
}
