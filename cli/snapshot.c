// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshots: walk records saved to a file ("ptscope walk -o FILE") and read
 * back by "ptscope diff" and "ptscope map -i". The format is text, one item
 * per line, names rather than numbers, so a file outlives a renumbering and
 * can be read:
 *
 *   # ptscope snapshot 2
 *   pid 812 range 0x0 0x0
 *   comm COMMAND
 *   kernel RELEASE
 *   machine ARCH PAGE_SIZE
 *   vma START END FLAGS BACKING [NAME]
 *   ...
 *   ADDR PAGES LEVEL STATE PFN|- ENTRY FLAGS COW KIND|- MAPCOUNT|- PFLAGS [cont=N]
 *   ...
 *   # end
 *
 * (range 0x0 0x0: the whole address space.) The machine line names the
 * architecture ("x86_64", "aarch64") and the kernel's page size in bytes,
 * the unit of PAGES and PFN; formats 1 and 2, without it, are x86_64 with
 * 4096-byte pages. "cont=N" ends a record whose leaf is contiguous (arm64:
 * it spans 2^N entries of its level). Names and the command may hold
 * any byte but NUL: control bytes and backslashes are written as \ooo.
 * Format 1, without the comm, kernel and vma lines and the PFLAGS column,
 * is still read. A file without its end line was cut short and is refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

#define SNAPSHOT_MAGIC "# ptscope snapshot "
#define SNAPSHOT_FORMAT 3

/* @s with control bytes and backslashes as \ooo, so it stays on one line. */
static void write_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
}

/* Undo write_escaped() in place; a backslash not followed by 3 octal digits stays. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7' && (s[1] != '0' || s[2] != '0' || s[3] != '0')) {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

void cli_snapshot_write_header(FILE *f, const struct snapshot *head)
{
	fprintf(f, "%s%d\npid %u range 0x%" PRIx64 " 0x%" PRIx64 "\n", SNAPSHOT_MAGIC,
		SNAPSHOT_FORMAT, head->pid, head->start, head->end);
	fputs("comm ", f);
	write_escaped(f, head->comm);
	fputs("\nkernel ", f);
	write_escaped(f, head->kernel);
	fprintf(f, "\nmachine %s %u\n", cli_arch_name(head->arch ?: PTSCOPE_ARCH_X86_64),
		head->page_size ?: 4096);
}

void cli_snapshot_write_vma(FILE *f, const struct ptscope_vma *v)
{
	fprintf(f, "vma 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " %s", v->start, v->end, v->flags,
		ptscope_backing_name(v->backing) ?: "?");
	if (*v->name) {
		fputc(' ', f);
		write_escaped(f, v->name);
	}
	fputc('\n', f);
}

void cli_snapshot_write_record(FILE *f, const struct ptscope_page *pg)
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
		fprintf(f, "%u", pg->mapcount);
	else
		fputc('-', f);
	fprintf(f, " 0x%x", pg->pflags);
	if (pg->cont_order)
		fprintf(f, " cont=%u", pg->cont_order);
	if (pg->unknown)
		fprintf(f, " unknown=0x%x", pg->unknown);
	if (pg->has_nid)
		fprintf(f, " node=%u", pg->nid);
	if (pg->has_memcg)
		fprintf(f, " cgroup=%" PRIu64 "%s", pg->memcg,
			pg->place & PTSCOPE_PLACE_MEMCG_OFFLINE ? "-offline" : "");
	fputc('\n', f);
}

int cli_snapshot_write_end(FILE *f)
{
	fputs("# end\n", f);
	return fflush(f) || ferror(f) ? -1 : 0;
}

int cli_snapshot_add(struct snapshot *s, const struct ptscope_page *pg)
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

int cli_snapshot_add_vma(struct snapshot *s, uint64_t start, uint64_t end, uint64_t flags,
			 uint32_t backing, const char *name)
{
	struct snapshot_vma *v;
	char *copy;

	if (s->nvma == s->capvma) {
		size_t cap = s->capvma ? s->capvma * 2 : 64;
		struct snapshot_vma *bigger = realloc(s->vma, cap * sizeof(*bigger));

		if (!bigger)
			return -ENOMEM;
		s->vma = bigger;
		s->capvma = cap;
	}
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	v = &s->vma[s->nvma++];
	v->start = start;
	v->end = end;
	v->flags = flags;
	v->backing = backing;
	v->name = copy;
	return 0;
}

int cli_snapshot_take_page(const struct ptscope_page *pg, void *snapshot)
{
	return cli_snapshot_add(snapshot, pg);
}

int cli_snapshot_take_vma(const struct ptscope_vma *v, void *snapshot)
{
	return cli_snapshot_add_vma(snapshot, v->start, v->end, v->flags, v->backing, v->name);
}

void cli_snapshot_clip(struct snapshot *s, uint64_t start, uint64_t end)
{
	size_t i, n = 0;

	const uint64_t ps = s->page_size ?: 4096;

	start &= ~(ps - 1);
	end = (end + ps - 1) & ~(ps - 1);
	for (i = 0; i < s->n; i++) {
		struct ptscope_page pg = s->rec[i];
		uint64_t last = pg.addr + pg.nr_pages * ps;

		if (last <= start || pg.addr >= end)
			continue;
		if (pg.addr < start) {
			pg.pfn += pg.has_pfn ? (start - pg.addr) / ps : 0;
			pg.addr = start;
		}
		pg.nr_pages = ((last < end ? last : end) - pg.addr) / ps;
		s->rec[n++] = pg;
	}
	s->n = n;
	s->start = start;
	s->end = end;
}

void cli_snapshot_free(struct snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nvma; i++)
		free(s->vma[i].name);
	free(s->vma);
	free(s->rec);
	memset(s, 0, sizeof(*s));
}

/*
 * What may follow PFLAGS: " cont=N" (a contiguous leaf), " unknown=0xN"
 * (PTSCOPE_UNKNOWN_* of a procfs record), " node=N" and " cgroup=INODE"
 * (walk --placement; "-offline" when charged to a removed cgroup), in that
 * order, and nothing else.
 */
static int parse_extras(const char *rest, struct ptscope_page *pg)
{
	int n = 0;

	if (sscanf(rest, " cont=%" SCNu32 "%n", &pg->cont_order, &n) == 1 && n) {
		if (pg->cont_order > 16)
			return -1;
		rest += n;
	}
	n = 0;
	if (sscanf(rest, " unknown=%" SCNx32 "%n", &pg->unknown, &n) == 1 && n)
		rest += n;
	n = 0;
	if (sscanf(rest, " node=%" SCNu32 "%n", &pg->nid, &n) == 1 && n) {
		pg->has_nid = 1;
		rest += n;
	}
	n = 0;
	if (sscanf(rest, " cgroup=%" SCNu64 "%n", &pg->memcg, &n) == 1 && n) {
		pg->has_memcg = 1;
		rest += n;
		if (!strncmp(rest, "-offline", 8)) {
			pg->place |= PTSCOPE_PLACE_MEMCG_OFFLINE;
			rest += 8;
		}
	}
	return *rest ? -1 : 0;
}

static int parse_record(char *line, uint64_t ps, struct ptscope_page *pg)
{
	char level[16], state[32], pfn[32], cow[32], kind[32], mapcount[16];
	int lv, st, cw, kd = 0, fields, end = 0;

	memset(pg, 0, sizeof(*pg));
	fields = sscanf(line,
			"%" SCNx64 " %" SCNu64 " %15s %31s %31s %" SCNx64 " %" SCNx64
			" %31s %31s %15s %" SCNx32 "%n",
			&pg->addr, &pg->nr_pages, level, state, pfn, &pg->entry, &pg->flags, cow,
			kind, mapcount, &pg->pflags, &end);
	if (fields != 10 && fields != 11)
		return -1;
	/* A contiguous leaf spans 2^cont_order entries: 16, 32 or 128 on arm64. */
	if (fields == 11 && line[end] && parse_extras(line + end, pg))
		return -1;
	lv = cli_name_index(level, ptscope_level_name);
	st = cli_name_index(state, ptscope_state_name);
	cw = cli_name_index(cow, ptscope_cow_name);
	if (strcmp(kind, "-"))
		kd = cli_name_index(kind, ptscope_kind_name);
	/* A run must not wrap the address space (nor overflow counting it). */
	if (lv < 0 || st < 0 || cw < 0 || kd < 0 || !pg->nr_pages || pg->addr & (ps - 1) ||
	    pg->nr_pages > (UINT64_MAX - pg->addr) / ps)
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

/* "vma START END FLAGS BACKING [NAME]": 0 and added to @s, -ENOMEM, or -EINVAL. */
static int parse_vma(struct snapshot *s, char *line)
{
	uint64_t start, end, flags;
	char backing[32];
	int n = 0, bk;

	if (sscanf(line, "vma %" SCNx64 " %" SCNx64 " %" SCNx64 " %31s%n", &start, &end, &flags,
		   backing, &n) != 4 ||
	    !n || (line[n] && line[n] != ' '))
		return -EINVAL;
	bk = cli_name_index(backing, ptscope_backing_name);
	if (bk < 0 || start >= end || start & (s->page_size - 1) || end & (s->page_size - 1) ||
	    (s->nvma && start < s->vma[s->nvma - 1].end))
		return -EINVAL;
	line += n + (line[n] == ' ');
	unescape(line);
	return cli_snapshot_add_vma(s, start, end, flags, (uint32_t)bk, line);
}

/* "ARCH PAGE_SIZE" of the machine line: 0, or -1 if not one known. */
static int parse_machine(struct snapshot *s, const char *text)
{
	char arch[32];
	unsigned int ps;
	int n = 0, a;

	if (sscanf(text, "%31s %u%n", arch, &ps, &n) != 2 || text[n])
		return -1;
	a = cli_name_index(arch, ptscope_arch_name);
	if ((a != PTSCOPE_ARCH_X86_64 && a != PTSCOPE_ARCH_ARM64) ||
	    (ps != 4096 && ps != 16384 && ps != 65536))
		return -1;
	s->arch = (uint32_t)a;
	s->page_size = ps;
	return 0;
}

/* The text after "KEY " in @line, unescaped into @buf; 1 if @line is that, else 0. */
static int text_line(char *line, const char *key, char *buf, size_t len)
{
	size_t k = strlen(key);

	if (strncmp(line, key, k) || line[k] != ' ')
		return 0;
	unescape(line + k + 1);
	snprintf(buf, len, "%s", line + k + 1);
	return 1;
}

int cli_snapshot_use(const struct snapshot *s, const struct snapshot *other, char *err,
		     size_t errlen)
{
	if (other && (other->arch != s->arch || other->page_size != s->page_size)) {
		snprintf(err, errlen,
			 "the two sides come from different machines (%s, %u-byte pages; %s, "
			 "%u-byte pages): their pages do not compare",
			 cli_arch_name(s->arch), s->page_size, cli_arch_name(other->arch),
			 other->page_size);
		return -1;
	}
	if (cli_machine_set(s->arch, s->page_size, cli_machine.va_bits)) {
		snprintf(err, errlen, "a page size of %u bytes is not one Linux has", s->page_size);
		return -1;
	}
	return 0;
}

int cli_snapshot_load(const char *path, struct snapshot *s, char *err, size_t errlen)
{
	char *line = NULL, *nl;
	size_t size = 0;
	unsigned long lineno = 2;
	struct ptscope_page pg;
	int ended = 0, format = 0, ret;
	FILE *f = fopen(path, "r");

	memset(s, 0, sizeof(*s));
	if (!f) {
		snprintf(err, errlen, "cannot open snapshot '%s': %s", path, strerror(errno));
		return -1;
	}
	if (getline(&line, &size, f) < 0 || strncmp(line, SNAPSHOT_MAGIC, strlen(SNAPSHOT_MAGIC)) ||
	    sscanf(line + strlen(SNAPSHOT_MAGIC), "%d", &format) != 1 ||
	    getline(&line, &size, f) < 0 ||
	    sscanf(line, "pid %u range %" SCNx64 " %" SCNx64, &s->pid, &s->start, &s->end) != 3) {
		snprintf(err, errlen, "'%s' is not a ptscope snapshot (made by 'ptscope walk -o')",
			 path);
		goto fail;
	}
	if (format < 1 || format > SNAPSHOT_FORMAT) {
		snprintf(err, errlen,
			 "snapshot '%s' is in format %d; this ptscope reads formats 1 to %d", path,
			 format, SNAPSHOT_FORMAT);
		goto fail;
	}
	s->has_vmas = format >= 2;
	s->arch = PTSCOPE_ARCH_X86_64;
	s->page_size = 4096;
	while (getline(&line, &size, f) >= 0) {
		lineno++;
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (!strcmp(line, "# end")) {
			ended = 1;
			break;
		}
		/* Names and mappings come before the records. */
		if (format >= 2 && !s->n) {
			if (text_line(line, "comm", s->comm, sizeof(s->comm)) ||
			    text_line(line, "kernel", s->kernel, sizeof(s->kernel)))
				continue;
			if (format >= 3 && !strncmp(line, "machine ", 8)) {
				if (parse_machine(s, line + 8)) {
					snprintf(
						err, errlen,
						"snapshot '%s', line %lu: not a machine this ptscope"
						" knows (x86_64 or aarch64, pages of 4, 16 or 64 KiB)",
						path, lineno);
					goto fail;
				}
				continue;
			}
			if (!strncmp(line, "vma ", 4)) {
				ret = parse_vma(s, line);
				if (ret == -ENOMEM)
					goto oom;
				if (ret) {
					snprintf(err, errlen,
						 "snapshot '%s', line %lu: not a mapping in order",
						 path, lineno);
					goto fail;
				}
				continue;
			}
		}
		if (parse_record(line, s->page_size, &pg) ||
		    (s->n && pg.addr < s->rec[s->n - 1].addr)) {
			snprintf(err, errlen, "snapshot '%s', line %lu: not a record in order",
				 path, lineno);
			goto fail;
		}
		s->procfs |= !!pg.unknown;
		if (cli_snapshot_add(s, &pg))
			goto oom;
	}
	if (!ended) {
		snprintf(err, errlen, "snapshot '%s' is cut short (no end line)", path);
		goto fail;
	}
	free(line);
	fclose(f);
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	free(line);
	fclose(f);
	cli_snapshot_free(s);
	return -1;
}
