// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Who maps a frame: every process the caller may inspect is walked (present
 * pages only) and each virtual page on that frame is reported. There is no
 * reverse map a module may use, so this is a search, as slow as the walks.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

struct search {
	uint64_t pfn;
	uint32_t pid;
	mapper_fn fn;
	void *arg;
	int found;
};

static int on_page(const struct ptscope_page *pg, void *arg)
{
	struct search *s = arg;

	if (pg->state != PTSCOPE_STATE_PRESENT || !pg->has_pfn || s->pfn < pg->pfn ||
	    s->pfn >= pg->pfn + pg->nr_pages)
		return 0;
	s->found++;
	s->fn(s->pid, pg->addr + (s->pfn - pg->pfn) * cli_machine.page_size, s->arg);
	return 0;
}

void cli_process_name(uint32_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, (int)len, f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

void cli_snapshot_describe(struct snapshot *s, uint32_t pid)
{
	struct utsname u;

	s->pid = pid ? pid : (uint32_t)getpid();
	cli_process_name(s->pid, s->comm, sizeof(s->comm));
	snprintf(s->kernel, sizeof(s->kernel), "%s", uname(&u) ? "" : u.release);
	s->arch = cli_machine.arch;
	s->page_size = cli_machine.page_size;
}

int cli_find_mappers(struct ptscope *h, uint64_t pfn, mapper_fn fn, void *arg)
{
	struct search s = { .pfn = pfn, .fn = fn, .arg = arg };
	struct dirent *d;
	DIR *dir = opendir("/proc");

	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		s.pid = (uint32_t)strtoul(d->d_name, NULL, 10);
		/* Refusals (kernel threads, other users, exits) are not ours to search. */
		ptscope_walk(h, s.pid, 0, 0, PTSCOPE_WALK_RUNS | PTSCOPE_WALK_SKIP_NONE, on_page,
			     &s);
	}
	closedir(dir);
	return s.found;
}
