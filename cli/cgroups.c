// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory cgroups by name: the kernel names the cgroup charged for a page by
 * the inode of its directory (as /proc/kpagecgroup does); people name it
 * by path. The memory controller's mount as this process sees it (cgroup2,
 * or a v1 "memory" hierarchy) joins the two, so a
 * cgroup outside the caller's cgroup namespace, or one removed, keeps its
 * inode only.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

struct cgroup_name {
	uint64_t ino;
	char *path;
};

static struct {
	bool scanned;
	char mount[512];
	struct cgroup_name *names;
	size_t n, cap;
} cg;

/*
 * The hierarchy the memory controller lives in: a cgroup v1 mount with the
 * "memory" option if there is one (then the unified one has no memory
 * controller), else the cgroup2 mount, else the usual place.
 */
static void find_mount(void)
{
	char line[1024], point[512], fstype[64], opts[512];
	FILE *f = fopen("/proc/self/mountinfo", "r");
	bool have_v2 = false;

	snprintf(cg.mount, sizeof(cg.mount), "/sys/fs/cgroup");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - ");

		/* ID PARENT MAJ:MIN ROOT POINT OPTIONS... - FSTYPE SOURCE SUPER-OPTIONS */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", point) != 1 ||
		    sscanf(sep + 3, "%63s %*s %511s", fstype, opts) != 2)
			continue;
		if (!strcmp(fstype, "cgroup") && strstr(opts, "memory")) {
			snprintf(cg.mount, sizeof(cg.mount), "%s", point);
			break;
		}
		if (!strcmp(fstype, "cgroup2") && !have_v2) {
			snprintf(cg.mount, sizeof(cg.mount), "%s", point);
			have_v2 = true;
		}
	}
	fclose(f);
}

static int remember(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t len = strlen(cg.mount);
	struct cgroup_name *grown;

	(void)ftw;
	if (type != FTW_D)
		return 0;
	if (cg.n == cg.cap) {
		cg.cap = cg.cap ? 2 * cg.cap : 64;
		grown = realloc(cg.names, cg.cap * sizeof(*grown));
		if (!grown)
			return 1;
		cg.names = grown;
	}
	cg.names[cg.n].ino = (uint64_t)st->st_ino;
	cg.names[cg.n].path = strdup(path[len] ? path + len : "/");
	if (!cg.names[cg.n].path)
		return 1;
	cg.n++;
	return 0;
}

static void scan(void)
{
	if (cg.scanned)
		return;
	cg.scanned = true;
	find_mount();
	/* Unreadable corners stay unnamed: their inodes are printed instead. */
	nftw(cg.mount, remember, 16, FTW_PHYS | FTW_MOUNT);
}

const char *cli_cgroup_path(uint64_t ino)
{
	size_t i;

	scan();
	for (i = 0; i < cg.n; i++)
		if (cg.names[i].ino == ino)
			return cg.names[i].path;
	return NULL;
}

int cli_cgroup_inode(const char *path, uint64_t *ino)
{
	char full[1024];
	struct stat st;

	scan();
	if (path[0] != '/')
		return -EINVAL;
	snprintf(full, sizeof(full), "%s%s", cg.mount, strcmp(path, "/") ? path : "");
	if (stat(full, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*ino = (uint64_t)st.st_ino;
	return 0;
}
