// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Requests about a process, and the proof of access they carry: the
 * caller's own open of /proc/PID/pagemap (PTSCOPE_A_PAGEMAP_FD), which the
 * kernel allows exactly where pagemap may be read (ptrace read access with
 * the caller's filesystem ids, security modules included). The module reads
 * only the address space that open pinned. Refusals are explained as
 * pagemap's, naming the pid and the rule the target fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/fsuid.h>
#include <sys/stat.h>

#include "internal.h"
#include "uapi/ptscope.h"

/* The real, effective, saved and filesystem ids on @key's line of /proc/@pid/status. */
static int status_ids(uint32_t pid, const char *key, unsigned long ids[4])
{
	char path[32], line[256];
	size_t klen = strlen(key);
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen))
			continue;
		found = sscanf(line + klen, "%lu %lu %lu %lu", &ids[0], &ids[1], &ids[2],
			       &ids[3]) == 4;
	}
	fclose(f);
	return found ? 0 : -1;
}

/*
 * Why the open of /proc/@pid/pagemap was refused: the first of the ptrace
 * read rules (with the caller's filesystem ids) that the target fails, as
 * far as /proc shows them; past those, a security module's or capability
 * rule's refusal, which /proc does not show.
 */
static const char *open_refusal(uint32_t pid)
{
	/* An invalid id changes nothing and returns the current one. */
	unsigned long me = (unsigned long)setfsuid((uid_t)-1);
	unsigned long my_group = (unsigned long)setfsgid((gid_t)-1);
	unsigned long uid[4], gid[4];
	char path[32];
	struct stat st;

	if (status_ids(pid, "Uid:", uid) || status_ids(pid, "Gid:", gid))
		return "it exited, or its /proc/PID/status cannot be read";
	if (uid[0] != me || gid[0] != my_group)
		return "it runs as another user or group";
	if (uid[1] != me || uid[2] != me || gid[1] != my_group || gid[2] != my_group)
		return "it changed its user or group ids (setuid or setgid)";
	/* procfs gives the files of a process that is not dumpable to root. */
	snprintf(path, sizeof(path), "/proc/%u/pagemap", pid);
	if (!stat(path, &st) && st.st_uid != uid[1])
		return "it is not dumpable (setuid, setgid, or prctl PR_SET_DUMPABLE 0)";
	return "a security module (Landlock, AppArmor, SELinux, Yama) or a capability rule "
	       "refuses ptrace read access to it";
}

/* The caller's open of /proc/@pid/pagemap (/proc/self for 0): a descriptor or -errno. */
static int open_proof(uint32_t pid)
{
	char path[32];
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%u/pagemap", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

static int send_about(struct ptscope *h, uint8_t cmd, int flags, uint32_t pid, int proof,
		      int (*put)(struct nl_msg *msg, const void *put_arg), const void *put_arg,
		      const char *what, pts_reply_fn fn, void *arg)
{
	struct nl_msg *msg = pts_msg_new(h, cmd, flags);

	if (!msg)
		return pts_fail(-ENOMEM, "out of memory");
	if (nla_put_u32(msg, PTSCOPE_A_PID, pid) < 0 ||
	    (proof >= 0 && nla_put_u32(msg, PTSCOPE_A_PAGEMAP_FD, (uint32_t)proof) < 0) ||
	    (put && put(msg, put_arg) < 0)) {
		nlmsg_free(msg);
		return pts_fail(-ENOMEM, "out of memory");
	}
	return pts_transact(h, msg, what, fn, arg);
}

int pts_transact_pid_kept(struct ptscope *h, uint8_t cmd, int flags, uint32_t pid, int *proof,
			  int (*put)(struct nl_msg *msg, const void *put_arg), const void *put_arg,
			  const char *what, pts_reply_fn fn, void *arg)
{
	uint32_t me = (uint32_t)getpid(), named = pid ? pid : me;
	bool self = named == me;
	int err = 0, ret, fd;

	/* A proof kept from an earlier request names the same process, or none. */
	if (*proof >= 0)
		return send_about(h, cmd, flags, pid, *proof, put, put_arg, what, fn, arg);
	/* Another process's proof is opened at once: a non-administrator needs it. */
	if (!self) {
		fd = open_proof(pid);
		if (fd < 0)
			err = fd;
		else
			*proof = fd;
	}
	ret = send_about(h, cmd, flags, pid, *proof, put, put_arg, what, fn, arg);
	/*
	 * The caller itself, refused without a proof (not dumpable, or its
	 * file ids are not its own): again with one, for pagemap to judge. A
	 * refusal ends before any reply reached @fn.
	 */
	if (self && ret == -EPERM) {
		fd = open_proof(pid);
		if (fd < 0) {
			err = fd;
		} else {
			*proof = fd;
			ret = send_about(h, cmd, flags, pid, fd, put, put_arg, what, fn, arg);
		}
	}
	/* Sent without a proof, refused: the failed open is the reason. */
	if (ret != -EPERM || !err)
		return ret;
	return pts_pid_refused(named, err);
}

int pts_transact_pid(struct ptscope *h, uint8_t cmd, int flags, uint32_t pid,
		     int (*put)(struct nl_msg *msg, const void *put_arg), const void *put_arg,
		     const char *what, pts_reply_fn fn, void *arg)
{
	int proof = -1, ret;

	ret = pts_transact_pid_kept(h, cmd, flags, pid, &proof, put, put_arg, what, fn, arg);
	if (proof >= 0)
		close(proof);
	return ret;
}

int pts_pid_refused(uint32_t named, int err)
{
	if (err == -EACCES || err == -EPERM)
		return pts_fail(err,
				"permission denied: pid %u: %s (/proc/%u/pagemap: %s; "
				"CAP_SYS_ADMIN may inspect any process)",
				named, open_refusal(named), named, strerror(-err));
	/* 7.x answers ESRCH for a zombie's pagemap: it has no exec state left. */
	if (err == -ESRCH || err == -ENOENT)
		return pts_fail(err, "pid %u has exited or does not exist (/proc/%u/pagemap: %s)",
				named, named, strerror(-err));
	return pts_fail(err,
			"permission denied: inspecting pid %u needs its /proc/%u/pagemap open, "
			"which failed: %s",
			named, named, strerror(-err));
}
