// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope dma PID: what a process has handed, or could hand, to devices:
 * pages pinned for DMA (io_uring buffers, RDMA, VFIO...) and mappings of
 * device memory (VM_IO, VM_PFNMAP, VM_MIXEDMAP) frame by frame, with their
 * cache modes and the iomem resource that owns them (a PCI BAR, say).
 * The VMA list says where to look; only those VMAs are walked.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

#define DEVICE_VMA (PTSCOPE_VMA(IO) | PTSCOPE_VMA(PFNMAP) | PTSCOPE_VMA(MIXEDMAP))

struct dma_vma {
	uint64_t start, end, flags, pinned;
	char *name;
};

struct dma {
	const struct cli_args *a;
	struct json *j;
	struct dma_vma *v;
	size_t n, cap;
	uint64_t pinned_pages, device_pages, device_vmas;
	int oom;
};

static int keep_vma(const struct ptscope_vma *v, void *arg)
{
	struct dma *d = arg;

	if (!v->pinned && !(v->flags & DEVICE_VMA))
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct dma_vma *bigger = realloc(d->v, cap * sizeof(*bigger));

		if (!bigger)
			return d->oom = 1;
		d->v = bigger;
		d->cap = cap;
	}
	d->v[d->n].start = v->start;
	d->v[d->n].end = v->end;
	d->v[d->n].flags = v->flags;
	d->v[d->n].pinned = v->pinned;
	d->v[d->n].name = strdup(v->name);
	if (!d->v[d->n].name)
		return d->oom = 1;
	d->n++;
	return 0;
}

static int on_pinned(const struct ptscope_page *pg, void *arg)
{
	struct dma *d = arg;

	if (!(pg->pflags & PTSCOPE_PAGE(PINNED)))
		return 0;
	d->pinned_pages += pg->nr_pages;
	if (d->j) {
		cli_json_obj_begin(d->j);
		cli_json_key(d->j, "addr");
		cli_json_hex(d->j, pg->addr);
		cli_json_key(d->j, "nr_pages");
		cli_json_uint(d->j, pg->nr_pages);
		cli_json_key(d->j, "pfn");
		cli_json_hex(d->j, pg->pfn);
		cli_json_key(d->j, "kind");
		cli_json_str(d->j, ptscope_kind_name(pg->kind) ?: "?");
		if (pg->has_pincount) {
			cli_json_key(d->j, "pincount");
			cli_json_uint(d->j, pg->pincount);
		}
		cli_json_obj_end(d->j);
	} else {
		printf("  0x%016" PRIx64 " %8" PRIu64 "  0x%-12" PRIx64 " %-8s ", pg->addr,
		       pg->nr_pages, pg->pfn, ptscope_kind_name(pg->kind) ?: "?");
		if (pg->has_pincount)
			printf("%u pins\n", pg->pincount);
		else
			printf("maybe (refcount bias)\n");
	}
	return 0;
}

static int on_device_frame(const struct ptscope_page *pg, void *arg)
{
	struct dma *d = arg;
	uint64_t phys = pg->pfn << 12;
	char owner[400];

	if (pg->state != PTSCOPE_STATE_PRESENT)
		return 0;
	d->device_pages += pg->nr_pages;
	if (d->j) {
		cli_json_obj_begin(d->j);
		cli_json_key(d->j, "addr");
		cli_json_hex(d->j, pg->addr);
		cli_json_key(d->j, "nr_pages");
		cli_json_uint(d->j, pg->nr_pages);
		cli_json_key(d->j, "phys");
		cli_json_hex(d->j, phys);
		cli_json_key(d->j, "cache");
		cli_json_str(d->j, ptscope_cache_name(pg->cache) ?: "?");
		cli_json_key(d->j, "kind");
		cli_json_str(d->j, ptscope_kind_name(pg->kind) ?: "?");
		cli_owner_text(phys, owner, sizeof(owner), d->j);
		cli_json_obj_end(d->j);
	} else {
		printf("  0x%016" PRIx64 " %8" PRIu64 "  0x%-14" PRIx64 " %-4s %-8s ", pg->addr,
		       pg->nr_pages, phys, ptscope_cache_name(pg->cache) ?: "?",
		       ptscope_kind_name(pg->kind) ?: "?");
		printf("%s\n", cli_owner_text(phys, owner, sizeof(owner), NULL) ? owner : "?");
	}
	return 0;
}

static int report(struct ptscope *h, uint32_t pid, struct dma *d)
{
	const int flags = PTSCOPE_WALK_RUNS | PTSCOPE_WALK_SKIP_NONE;
	char perm[5];
	size_t i;
	int ret = 0;

	if (d->j) {
		cli_json_key(d->j, "pinned");
		cli_json_arr_begin(d->j);
	} else {
		printf("pinned pages:\n  %-18s %8s  %-14s %-8s %s\n", "ADDRESS", "PAGES", "PFN",
		       "KIND", "PINS");
	}
	for (i = 0; !ret && i < d->n; i++)
		if (d->v[i].pinned)
			ret = ptscope_walk(h, pid, d->v[i].start, d->v[i].end, flags, on_pinned, d);
	if (d->j) {
		cli_json_arr_end(d->j);
		cli_json_key(d->j, "device_mappings");
		cli_json_arr_begin(d->j);
	} else {
		printf("device mappings:\n");
	}
	for (i = 0; !ret && i < d->n; i++) {
		if (!(d->v[i].flags & DEVICE_VMA))
			continue;
		d->device_vmas++;
		cli_vma_perms(d->v[i].flags, perm);
		if (d->j) {
			cli_json_obj_begin(d->j);
			cli_json_key(d->j, "start");
			cli_json_hex(d->j, d->v[i].start);
			cli_json_key(d->j, "end");
			cli_json_hex(d->j, d->v[i].end);
			cli_json_key(d->j, "perms");
			cli_json_str(d->j, perm);
			cli_json_key(d->j, "flags");
			cli_json_bit_names(d->j, d->v[i].flags, ptscope_vma_flag_name);
			cli_json_key(d->j, "name");
			cli_json_str(d->j, d->v[i].name);
			cli_json_key(d->j, "frames");
			cli_json_arr_begin(d->j);
		} else {
			printf("0x%012" PRIx64 "-0x%012" PRIx64 " %s", d->v[i].start, d->v[i].end,
			       perm);
			cli_print_bit_names(d->v[i].flags & DEVICE_VMA, ptscope_vma_flag_name);
			printf(" %s\n  %-18s %8s  %-16s %-4s %-8s %s\n", d->v[i].name, "ADDRESS",
			       "PAGES", "PHYS", "PAT", "KIND", "OWNER");
		}
		ret = ptscope_walk(h, pid, d->v[i].start, d->v[i].end, flags, on_device_frame, d);
		if (d->j) {
			cli_json_arr_end(d->j);
			cli_json_obj_end(d->j);
		}
	}
	if (d->j)
		cli_json_arr_end(d->j);
	return ret;
}

int cmd_dma(const struct cli_args *a)
{
	struct dma d = { .a = a };
	struct ptscope *h;
	uint32_t pid;
	size_t i;
	int ret;

	ret = cli_open_pid(a, "dma", &pid, &h);
	if (ret)
		return ret;
	ret = ptscope_maps(h, pid, keep_vma, &d);
	if (ret || d.oom) {
		cli_error(a, "%s", d.oom ? "out of memory" : ptscope_errmsg());
		ret = -1;
		goto out;
	}
	if (a->json) {
		d.j = cli_json_new(stdout, a->pretty);
		cli_json_obj_begin(d.j);
		cli_json_key(d.j, "pid");
		cli_json_uint(d.j, pid);
	}
	ret = report(h, pid, &d);
	if (d.j) {
		const struct json_count counts[] = {
			{ "pinned_pages", d.pinned_pages },
			{ "device_mappings", d.device_vmas },
			{ "device_pages", d.device_pages },
		};

		if (ret) {
			cli_json_key(d.j, "error");
			cli_json_str(d.j, ptscope_errmsg());
		}
		cli_json_count_object(d.j, "summary", counts, ARRAY_SIZE(counts));
		cli_json_obj_end(d.j);
		cli_json_end(d.j);
	} else if (ret) {
		cli_error(a, "%s", ptscope_errmsg());
	} else {
		printf("%" PRIu64 " pages pinned; %" PRIu64 " device mappings, %" PRIu64
		       " pages mapped\n",
		       d.pinned_pages, d.device_vmas, d.device_pages);
	}
out:
	for (i = 0; i < d.n; i++)
		free(d.v[i].name);
	free(d.v);
	ptscope_close(h);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

const struct cli_command cli_dma_spec = {
	.name = "dma",
	.usage = "PID",
	.summary = "pinned pages and device mappings, with cache modes and owners",
	.help = "Pinned pages (FOLL_PIN: io_uring, RDMA, VFIO) and device mappings, with\n"
		"their cache modes and the resources owning them.\n",
	.examples = (const char *const[]){ "ptscope dma 1234",
					   "ptscope -j dma 1234 | jq '.device_mappings[]'", NULL },
	.run = cmd_dma,
};
