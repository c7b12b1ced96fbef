// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope maps PID: the mappings of a process, like pmap, with what their
 * page tables hold (present, swapped, huge, zero-page pages) and what a
 * write to their pages would do (copy-on-write states).
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

struct maps_out {
	const struct cli_args *a;
	struct json *j;
	bool begun;
	uint32_t pid;
	uint64_t vmas, bytes, present, swapped, huge, pinned;
	uint64_t cow[PTSCOPE_COW_STATES]; /* the process's totals */
};

/* Pages a write would copy (or fill anew): COW-shared, zero, file, KSM. */
static uint64_t copies(const uint64_t *cow)
{
	return cow[PTSCOPE_COW_SHARED] + cow[PTSCOPE_COW_ZERO] + cow[PTSCOPE_COW_FILE] +
	       cow[PTSCOPE_COW_KSM];
}

/* Every COW state this tool knows, by name, with its count in @cow. */
static size_t cow_counts(const uint64_t *cow, struct json_count *out)
{
	size_t n = 0;
	unsigned int s;

	for (s = 0; s < __PTSCOPE_COW_COUNT; s++)
		if (s != PTSCOPE_COW_UNMAPPED) {
			out[n].key = ptscope_cow_name(s);
			out[n++].value = cow[s];
		}
	return n;
}

/* 4096 -> "4K", 2097152 -> "2M": the largest unit that divides exactly. */
static const char *human(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	int i = -1;

	while (i < 4 && bytes >= 1024 && !(bytes % 1024)) {
		bytes /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", bytes, units[i]);
	return buf;
}

static void begin_output(struct maps_out *o)
{
	if (o->begun)
		return;
	o->begun = true;
	if (!o->a->json) {
		printf("%-14s %-14s %6s %-4s %7s %6s %6s %6s %6s %6s %-7s %s\n", "START", "END",
		       "SIZE", "PERM", "PRESENT", "SWAP", "HUGE", "ZERO", "COPY", "REUSE",
		       "BACKING", "NAME");
		return;
	}
	o->j = cli_json_new(stdout, o->a->pretty);
	cli_json_obj_begin(o->j);
	cli_json_key(o->j, "pid");
	cli_json_uint(o->j, o->pid);
	cli_json_key(o->j, "vmas");
	cli_json_arr_begin(o->j);
}

static void print_json_vma(struct json *j, const struct ptscope_vma *v, const char *perm)
{
	cli_json_obj_begin(j);
	cli_json_key(j, "start");
	cli_json_hex(j, v->start);
	cli_json_key(j, "end");
	cli_json_hex(j, v->end);
	cli_json_key(j, "size");
	cli_json_uint(j, v->end - v->start);
	cli_json_key(j, "perms");
	cli_json_str(j, perm);
	cli_json_key(j, "flags");
	cli_json_bit_names(j, v->flags, ptscope_vma_flag_name);
	cli_json_key(j, "offset");
	cli_json_hex(j, v->pgoff);
	cli_json_key(j, "backing");
	cli_json_str(j, ptscope_backing_name(v->backing) ? ptscope_backing_name(v->backing) : "?");
	cli_json_key(j, "name");
	cli_json_str(j, v->name);
	cli_json_key(j, "inode");
	cli_json_uint(j, v->inode);
	cli_json_key(j, "present");
	cli_json_uint(j, v->present);
	cli_json_key(j, "zero");
	cli_json_uint(j, v->zero);
	cli_json_key(j, "swapped");
	cli_json_uint(j, v->swapped);
	cli_json_key(j, "huge");
	cli_json_uint(j, v->huge);
	cli_json_key(j, "dirty");
	cli_json_uint(j, v->dirty);
	cli_json_key(j, "soft_dirty");
	cli_json_uint(j, v->soft_dirty);
	cli_json_key(j, "pinned");
	cli_json_uint(j, v->pinned);
	{
		struct json_count c[__PTSCOPE_COW_COUNT];

		cli_json_count_object(j, "cow", c, cow_counts(v->cow, c));
	}
	cli_json_obj_end(j);
}

static int on_vma(const struct ptscope_vma *v, void *arg)
{
	struct maps_out *o = arg;
	char perm[5], size[32];
	int i;

	cli_vma_perms(v->flags, perm);
	o->vmas++;
	o->bytes += v->end - v->start;
	o->present += v->present;
	o->swapped += v->swapped;
	o->huge += v->huge;
	o->pinned += v->pinned;
	for (i = 0; i < PTSCOPE_COW_STATES; i++)
		o->cow[i] += v->cow[i];
	begin_output(o);
	if (o->j) {
		print_json_vma(o->j, v, perm);
		return 0;
	}
	printf("0x%012" PRIx64 " 0x%012" PRIx64 " %6s %-4s %7" PRIu64 " %6" PRIu64 " %6" PRIu64
	       " %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %-7s %s\n",
	       v->start, v->end, human(v->end - v->start, size, sizeof(size)), perm, v->present,
	       v->swapped, v->huge, v->zero, copies(v->cow), v->cow[PTSCOPE_COW_REUSABLE],
	       ptscope_backing_name(v->backing) ? ptscope_backing_name(v->backing) : "?", v->name);
	return 0;
}

int cmd_maps(const struct cli_args *a)
{
	struct maps_out o = { .a = a };
	struct ptscope *h;
	char size[32];
	uint32_t pid;
	int ret;

	ret = cli_open_pid(a, "maps", &pid, &h);
	if (ret)
		return ret;
	o.pid = pid;
	ret = ptscope_maps(h, pid, on_vma, &o);
	if (ret && !o.begun) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	begin_output(&o);
	if (o.j) {
		const struct json_count counts[] = {
			{ "vmas", o.vmas },	  { "size", o.bytes }, { "present", o.present },
			{ "swapped", o.swapped }, { "huge", o.huge },  { "pinned", o.pinned },
		};

		struct json_count c[__PTSCOPE_COW_COUNT];

		cli_json_stream_close(o.j, ret ? ptscope_errmsg() : NULL, counts,
				      ARRAY_SIZE(counts), "cow", c, cow_counts(o.cow, c));
	} else if (ret) {
		cli_error(a, "%s", ptscope_errmsg());
	} else {
		printf("%" PRIu64 " mappings, %s: %" PRIu64 " pages present, %" PRIu64
		       " swapped, %" PRIu64 " in huge leaves; a write would copy %" PRIu64
		       ", reuse %" PRIu64 "\n",
		       o.vmas, human(o.bytes, size, sizeof(size)), o.present, o.swapped, o.huge,
		       copies(o.cow), o.cow[PTSCOPE_COW_REUSABLE]);
	}
	ptscope_close(h);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

const struct cli_command cli_maps_spec = {
	.name = "maps",
	.usage = "PID",
	.summary = "the mappings of a process, with page-table counters",
	.help = "Each mapping with its pages present, swapped, huge, dirty, zero, pinned,\n"
		"soft-dirty and copy-on-write counts, counted from the page tables.\n",
	.examples =
		(const char *const[]){ "ptscope maps self",
				       "ptscope -j maps 1234 | jq '.vmas[] | select(.huge > 0)'",
				       NULL },
	.run = cmd_maps,
};
