// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: walk records saved to a file ("ptscope walk -o FILE") and read
 * back for "ptscope diff". The format is text, one record per line, names
 * rather than numbers, so a file outlives a renumbering and can be read:
 *
 *   # ptscope snapshot 1
 *   pid 812 range 0x0 0x0
 *   ADDR PAGES LEVEL STATE PFN|- ENTRY FLAGS COW KIND|- MAPCOUNT|-
 *   ...
 *   # end
 *
 * (range 0x0 0x0: the whole address space.) A file without its end line was
 * cut short and is refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

#define SNAPSHOT_MAGIC "# ptscope snapshot 1"

void snapshot_write_header(FILE *f, uint32_t pid, uint64_t start, uint64_t end)
{
	fprintf(f, "%s\npid %u range 0x%" PRIx64 " 0x%" PRIx64 "\n", SNAPSHOT_MAGIC, pid, start,
		end);
}

void snapshot_write_record(FILE *f, const struct ptscope_page *pg)
{
	const char *kind = pg->state == PTSCOPE_STATE_PRESENT ? ptscope_kind_name(pg->kind) : NULL;

	fprintf(f, "0x%" PRIx64 " %" PRIu64 " %s %s ", pg->addr, pg->nr_pages,
		ptscope_level_name(pg->level) ?: "?", ptscope_state_name(pg->state) ?: "?");
	if (pg->has_pfn)
		fprintf(f, "0x%" PRIx64, pg->pfn);
	else
		fputc('-', f);
	fprintf(f, " 0x%" PRIx64 " 0x%" PRIx64 " %s %s ", pg->entry, pg->flags,
		ptscope_cow_name(pg->cow) ?: "?", kind ?: "-");
	if (pg->has_page)
		fprintf(f, "%u\n", pg->mapcount);
	else
		fputs("-\n", f);
}

int snapshot_write_end(FILE *f)
{
	fputs("# end\n", f);
	return fflush(f) || ferror(f) ? -1 : 0;
}

int snapshot_add(struct snapshot *s, const struct ptscope_page *pg)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct ptscope_page *bigger = realloc(s->rec, cap * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		s->rec = bigger;
		s->cap = cap;
	}
	s->rec[s->n++] = *pg;
	return 0;
}

void snapshot_clip(struct snapshot *s, uint64_t start, uint64_t end)
{
	size_t i, n = 0;

	start &= ~4095ULL;
	end = (end + 4095) & ~4095ULL;
	for (i = 0; i < s->n; i++) {
		struct ptscope_page pg = s->rec[i];
		uint64_t last = pg.addr + pg.nr_pages * 4096;

		if (last <= start || pg.addr >= end)
			continue;
		if (pg.addr < start) {
			pg.pfn += pg.has_pfn ? (start - pg.addr) / 4096 : 0;
			pg.addr = start;
		}
		pg.nr_pages = ((last < end ? last : end) - pg.addr) / 4096;
		s->rec[n++] = pg;
	}
	s->n = n;
	s->start = start;
	s->end = end;
}

void snapshot_free(struct snapshot *s)
{
	free(s->rec);
	memset(s, 0, sizeof(*s));
}

static int parse_record(char *line, struct ptscope_page *pg)
{
	char level[16], state[32], pfn[32], cow[32], kind[32], mapcount[16];
	int lv, st, cw, kd = 0;

	memset(pg, 0, sizeof(*pg));
	if (sscanf(line,
		   "%" SCNx64 " %" SCNu64 " %15s %31s %31s %" SCNx64 " %" SCNx64 " %31s %31s %15s",
		   &pg->addr, &pg->nr_pages, level, state, pfn, &pg->entry, &pg->flags, cow, kind,
		   mapcount) != 10)
		return -1;
	lv = cli_name_index(level, ptscope_level_name);
	st = cli_name_index(state, ptscope_state_name);
	cw = cli_name_index(cow, ptscope_cow_name);
	if (strcmp(kind, "-"))
		kd = cli_name_index(kind, ptscope_kind_name);
	if (lv < 0 || st < 0 || cw < 0 || kd < 0 || !pg->nr_pages)
		return -1;
	pg->level = (uint32_t)lv;
	pg->state = (uint32_t)st;
	pg->cow = (uint32_t)cw;
	pg->kind = (uint32_t)kd;
	if (strcmp(pfn, "-")) {
		pg->has_pfn = 1;
		pg->pfn = strtoull(pfn, NULL, 0);
	}
	if (strcmp(mapcount, "-")) {
		pg->has_page = 1;
		pg->mapcount = (uint32_t)strtoul(mapcount, NULL, 10);
	}
	return 0;
}

int snapshot_load(const char *path, struct snapshot *s, char *err, size_t errlen)
{
	char line[512];
	unsigned long lineno = 2;
	struct ptscope_page pg;
	int ended = 0;
	FILE *f = fopen(path, "r");

	memset(s, 0, sizeof(*s));
	if (!f) {
		snprintf(err, errlen, "cannot open snapshot '%s': %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(line, sizeof(line), f) ||
	    strncmp(line, SNAPSHOT_MAGIC, strlen(SNAPSHOT_MAGIC)) ||
	    !fgets(line, sizeof(line), f) ||
	    sscanf(line, "pid %u range %" SCNx64 " %" SCNx64, &s->pid, &s->start, &s->end) != 3) {
		snprintf(err, errlen, "'%s' is not a ptscope snapshot (made by 'ptscope walk -o')",
			 path);
		goto fail;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strcmp(line, "# end\n")) {
			ended = 1;
			break;
		}
		if (parse_record(line, &pg) || (s->n && pg.addr < s->rec[s->n - 1].addr)) {
			snprintf(err, errlen, "snapshot '%s', line %lu: not a record in order",
				 path, lineno);
			goto fail;
		}
		if (snapshot_add(s, &pg)) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (!ended) {
		snprintf(err, errlen, "snapshot '%s' is cut short (no end line)", path);
		goto fail;
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	snapshot_free(s);
	return -1;
}
