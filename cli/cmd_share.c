// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope share PID [PID...] | --all: the frames that more than one of the
 * processes map, grouped by mapping and by who shares them, with the memory
 * that sharing saves. Each process is walked once; a table keyed by frame
 * number remembers, per frame, how many processes and mappings use it and
 * where it was first seen. The zero pages and frames without a struct page
 * are left out: they are not memory anyone could have had a copy of.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

/* One frame seen in the walks. */
struct frame {
	uint64_t pfn; /* key; 0 = empty slot (frame 0 is never user memory) */
	const char *where; /* interned "NAME PERMS" of its first mapping */
	uint32_t cow; /* its first mapping's COW state */
	uint32_t npids, nmaps;
	uint32_t first_pid, second_pid, last_pid;
	uint64_t pid_hash; /* which processes: a sum of per-pid hashes */
};

struct frame_table {
	struct frame *slot;
	size_t size, used; /* size: a power of two */
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static struct frame *frame_get(struct frame_table *t, uint64_t pfn)
{
	size_t i;

	if ((t->used + 1) * 2 > t->size) {
		struct frame_table bigger = { NULL, t->size ? t->size * 2 : 4096, 0 };

		bigger.slot = calloc(bigger.size, sizeof(struct frame));
		if (!bigger.slot)
			return NULL;
		for (i = 0; i < t->size; i++)
			if (t->slot[i].pfn) {
				struct frame *f = frame_get(&bigger, t->slot[i].pfn);

				*f = t->slot[i];
			}
		free(t->slot);
		*t = bigger;
	}
	for (i = mix(pfn) & (t->size - 1); t->slot[i].pfn; i = (i + 1) & (t->size - 1))
		if (t->slot[i].pfn == pfn)
			return &t->slot[i];
	t->slot[i].pfn = pfn;
	t->used++;
	return &t->slot[i];
}

/* Interned strings: every frame of a mapping points at one copy of its name. */
struct names {
	char **s;
	size_t n, cap;
};

static const char *intern(struct names *nm, const char *s)
{
	size_t i;

	for (i = nm->n; i-- > 0;) /* recent names first: mappings repeat */
		if (!strcmp(nm->s[i], s))
			return nm->s[i];
	if (nm->n == nm->cap) {
		char **bigger = realloc(nm->s, (nm->cap ? nm->cap * 2 : 64) * sizeof(char *));

		if (!bigger)
			return NULL;
		nm->s = bigger;
		nm->cap = nm->cap ? nm->cap * 2 : 64;
	}
	nm->s[nm->n] = strdup(s);
	return nm->s[nm->n] ? nm->s[nm->n++] : NULL;
}

struct vma_name {
	uint64_t start, end;
	const char *where;
};

struct share {
	struct frame_table frames;
	struct names names;
	struct vma_name *vmas; /* of the process being walked */
	size_t nvmas, capvmas, cur;
	uint32_t pid;
	int hidden; /* PFNs came back as 0: not allowed to see them */
	int oom;
	uint32_t processes;
};

static int on_vma(const struct ptscope_vma *v, void *arg)
{
	struct share *s = arg;
	char where[4200], perm[5];

	if (s->nvmas == s->capvmas) {
		size_t cap = s->capvmas ? s->capvmas * 2 : 128;
		struct vma_name *bigger = realloc(s->vmas, cap * sizeof(*bigger));

		if (!bigger)
			return s->oom = 1;
		s->vmas = bigger;
		s->capvmas = cap;
	}
	cli_vma_perms(v->flags, perm);
	snprintf(where, sizeof(where), "%s %s", *v->name ? v->name : "[anon]", perm);
	s->vmas[s->nvmas].start = v->start;
	s->vmas[s->nvmas].end = v->end;
	s->vmas[s->nvmas].where = intern(&s->names, where);
	if (!s->vmas[s->nvmas].where)
		return s->oom = 1;
	s->nvmas++;
	return 0;
}

static int on_page(const struct ptscope_page *pg, void *arg)
{
	struct share *s = arg;
	int shareable = cli_frame_shareable(pg);
	uint64_t i;

	if (shareable < 0) {
		s->hidden = 1;
		return 1;
	}
	if (!shareable)
		return 0;
	for (i = 0; i < pg->nr_pages; i++) {
		struct frame *f = frame_get(&s->frames, pg->pfn + i);
		uint64_t addr = pg->addr + i * PAGE_BYTES;

		/*
		 * Records arrive in address order, as do the VMAs; a run may
		 * go on into the next mapping (the module's runs follow the
		 * frames, not the mappings).
		 */
		while (s->cur < s->nvmas && s->vmas[s->cur].end <= addr)
			s->cur++;

		if (!f)
			return s->oom = 1;
		if (!f->nmaps) {
			f->where = s->cur < s->nvmas ? s->vmas[s->cur].where : "?";
			f->cow = cli_cow_of(pg);
			f->first_pid = s->pid;
		}
		f->nmaps++;
		if (f->last_pid != s->pid || f->npids == 0) {
			f->npids++;
			f->pid_hash += mix(s->pid + 1);
			if (f->npids == 2)
				f->second_pid = s->pid;
			f->last_pid = s->pid;
		}
	}
	return 0;
}

/* Walk one process into the table; 0, or the library's error. */
static int add_process(struct ptscope *h, struct share *s, uint32_t pid)
{
	int ret;

	s->nvmas = 0;
	s->cur = 0;
	s->pid = pid;
	ret = ptscope_maps(h, pid, on_vma, s);
	if (!ret)
		ret = ptscope_walk(h, pid, 0, 0, PTSCOPE_WALK_RUNS | PTSCOPE_WALK_SKIP_NONE,
				   on_page, s);
	if (s->oom)
		return -ENOMEM;
	if (!ret)
		s->processes++;
	return ret;
}

/* Frames with the same mapping, COW state and set of sharing processes. */
struct group {
	const char *where;
	uint32_t cow, npids, first_pid, second_pid;
	uint64_t pid_hash;
	uint64_t pages, maps;
};

static int group_order(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->pages != y->pages)
		return x->pages < y->pages ? 1 : -1;
	return strcmp(x->where, y->where);
}

static struct group *make_groups(struct share *s, size_t *count)
{
	struct group *g = NULL;
	size_t n = 0, cap = 0, i, k;

	for (i = 0; i < s->frames.size; i++) {
		struct frame *f = &s->frames.slot[i];

		if (!f->pfn || f->npids < 2)
			continue;
		for (k = 0; k < n; k++) /* groups are few: a linear search will do */
			if (g[k].where == f->where && g[k].cow == f->cow &&
			    g[k].npids == f->npids && g[k].pid_hash == f->pid_hash)
				break;
		if (k == n) {
			if (n == cap) {
				struct group *bigger =
					realloc(g, (cap ? cap * 2 : 32) * sizeof(*g));

				if (!bigger) {
					free(g);
					return NULL;
				}
				g = bigger;
				cap = cap ? cap * 2 : 32;
			}
			memset(&g[n], 0, sizeof(g[n]));
			g[n].where = f->where;
			g[n].cow = f->cow;
			g[n].npids = f->npids;
			g[n].pid_hash = f->pid_hash;
			g[n].first_pid = f->first_pid;
			g[n].second_pid = f->second_pid;
			n++;
		}
		g[k].pages++;
		g[k].maps += f->nmaps;
	}
	if (n)
		qsort(g, n, sizeof(*g), group_order);
	*count = n;
	return g ? g : calloc(1, sizeof(*g));
}

/* Every process in /proc the caller may inspect, each added to @s. */
static int add_all(struct ptscope *h, struct share *s)
{
	struct dirent *d;
	DIR *dir = opendir("/proc");
	int ret = 0;

	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		ret = add_process(h, s, (uint32_t)strtoul(d->d_name, NULL, 10));
		/* Kernel threads, exits, other users' processes: not ours to count. */
		if (ret == -EINVAL || ret == -ESRCH || ret == -EPERM || ret == -EACCES)
			continue;
		if (ret)
			break;
	}
	closedir(dir);
	return s->processes ? 0 : ret ? ret : -ESRCH;
}

/* A group of shared frames: a JSON object's members, or a row of the table. */
static void print_group(const struct group *g)
{
	const char *perm = strrchr(g->where, ' ');
	char name[4200];

	snprintf(name, sizeof(name), "%.*s", (int)(perm - g->where), g->where);
	cli_print_str(PRINT_ANY, "name", "%-48s ", name);
	cli_print_str(PRINT_ANY, "perms", "%-5s ", perm + 1);
	cli_print_uint(PRINT_ANY, "pages", "%8" PRIu64 " ", g->pages);
	cli_print_uint(PRINT_ANY, "mappings", "%6" PRIu64 "  ", g->maps);
	cli_print_cow(PRINT_ANY, "", 14, g->cow);
	cli_print_text(" ");
	if (g->npids == 2) {
		cli_member_uint("processes", g->npids);
		cli_open_array("pids");
		cli_print_uint(PRINT_ANY, NULL, "%" PRIu64, g->first_pid);
		cli_print_uint(PRINT_ANY, NULL, " and %" PRIu64 "\n", g->second_pid);
		cli_close_array();
	} else {
		cli_print_uint(PRINT_ANY, "processes", "%" PRIu64 " processes\n", g->npids);
	}
	cli_member_uint("saved_bytes", (g->maps - g->pages) * PAGE_BYTES);
}

static void print_groups(const struct cli_args *a, const struct share *s, struct group *g, size_t n)
{
	uint64_t frames = 0, saved = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		frames += g[i].pages;
		saved += g[i].maps - g[i].pages;
	}
	cli_print_open(a->json, a->pretty);
	cli_print_text("%-48s %-5s %8s %6s  %-14s %s\n", "MAPPING", "PERM", "PAGES", "MAPS", "COW",
		       "SHARED BY");
	cli_member_uint("processes", s->processes);
	cli_open_array("groups");
	for (i = 0; i < n; i++) {
		cli_open_object(NULL);
		print_group(&g[i]);
		cli_close_object();
	}
	cli_close_array();
	cli_open_object("summary");
	cli_print_uint(PRINT_ANY, "frames", "%" PRIu64 " frames shared", frames);
	cli_print_text(" among %u processes; one copy each", s->processes);
	cli_member_uint("saved_bytes", saved * PAGE_BYTES);
	cli_print_text(" saves %" PRIu64 " KiB\n", saved * 4);
	cli_close_object();
	cli_print_close();
}

int cmd_share(const struct cli_args *a)
{
	struct share s = { 0 };
	struct group *g = NULL;
	struct ptscope *h;
	char err[256];
	uint32_t pid;
	size_t n, i;
	int k, ret = 0;

	if (a->all ? a->argc != 0 : a->argc < 1) {
		cli_error(a, "share needs PIDs, or --all (see 'ptscope help share')");
		return EXIT_USAGE;
	}
	for (k = 0; k < a->argc; k++)
		if (cli_parse_pid(a->argv[k], &pid, err, sizeof(err))) {
			cli_error(a, "%s", err);
			return EXIT_USAGE;
		}
	if (cli_open(&h)) {
		cli_error(a, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
	}
	if (a->all)
		ret = add_all(h, &s);
	for (k = 0; !ret && k < a->argc; k++) {
		cli_parse_pid(a->argv[k], &pid, err, sizeof(err));
		ret = add_process(h, &s, pid ? pid : (uint32_t)getpid());
	}
	if (s.hidden)
		cli_error(a, "share compares frame numbers: it needs CAP_SYS_ADMIN");
	else if (ret)
		cli_error(a, "%s", ret == -ENOMEM ? "out of memory" : ptscope_errmsg());
	else if (!(g = make_groups(&s, &n)))
		cli_error(a, "out of memory");
	else {
		print_groups(a, &s, g, n);
		free(g);
	}
	ptscope_close(h);
	for (i = 0; i < s.names.n; i++)
		free(s.names.s[i]);
	free(s.names.s);
	free(s.vmas);
	free(s.frames.slot);
	return s.hidden || ret || !g ? EXIT_RUNTIME : EXIT_OK;
}

static const struct cli_option share_options[] = {
	CLI_FLAG("all", 0, all, "every process the caller may inspect"),
	{ .name = NULL },
};

const struct cli_command cli_share_spec = {
	.name = "share",
	.usage = "PID... | --all",
	.summary = "frames mapped by more than one process, by mapping",
	.help = "Frame numbers need CAP_SYS_ADMIN.\n",
	.options = share_options,
	.examples = (const char *const[]){ "ptscope share 1234 1235", "ptscope share --all", NULL },
	.run = cmd_share,
};
