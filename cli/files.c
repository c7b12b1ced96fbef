// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files that untrusted data names (a record's mapping, a core's NT_FILE, a
 * journal entry's core), opened only once they are known to be regular
 * files outside the kernel's own file systems.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "cli.h"

int cli_open_regular(const char *path, const char **why)
{
	char self[64];
	struct statfs sfs;
	struct stat st;
	int p, fd;

	*why = NULL;
	/* O_PATH opens no device: nothing happens until the checks pass. */
	p = open(path, O_PATH | O_CLOEXEC);
	if (p < 0)
		return -1;
	if (fstat(p, &st) || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
	} else if (!fstatfs(p, &sfs) &&
		   (sfs.f_type == PROC_SUPER_MAGIC || sfs.f_type == SYSFS_MAGIC ||
		    sfs.f_type == DEBUGFS_MAGIC || sfs.f_type == TRACEFS_MAGIC ||
		    sfs.f_type == SECURITYFS_MAGIC || sfs.f_type == BPF_FS_MAGIC)) {
		/* /proc/kcore is an ELF file too. */
		*why = "in /proc, /sys or another kernel file system";
	}
	if (*why) {
		close(p);
		return -1;
	}
	/* The very file checked, whatever the path names by now. */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", p);
	fd = open(self, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) /* no /proc: the path, once more */
		fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	close(p);
	if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode))) {
		close(fd);
		*why = "not a regular file";
		return -1;
	}
	return fd;
}
