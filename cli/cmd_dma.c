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
	uint64_t start, end, flags, pgoff, pinned;
	uint32_t backing;
	char *name;
};

struct dma {
	const struct cli_args *a;
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
	d->v[d->n].pgoff = v->pgoff;
	d->v[d->n].backing = v->backing;
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
	cli_open_object(NULL);
	cli_print_hex(PRINT_ANY, "addr", "  0x%016" PRIx64, pg->addr);
	cli_print_uint(PRINT_ANY, "nr_pages", " %8" PRIu64, pg->nr_pages);
	cli_print_hex(PRINT_ANY, "pfn", "  0x%-12" PRIx64, pg->pfn);
	cli_print_str(PRINT_ANY, "kind", " %-8s ", ptscope_kind_name(pg->kind) ?: "?");
	if (pg->has_pincount)
		cli_print_uint(PRINT_ANY, "pincount", "%" PRIu64 " pins\n", pg->pincount);
	else
		cli_print_text("maybe (refcount bias)\n");
	cli_close_object();
	return 0;
}

static int on_device_frame(const struct ptscope_page *pg, void *arg)
{
	struct dma *d = arg;
	uint64_t phys = pg->pfn << cli_machine.page_shift;

	if (pg->state != PTSCOPE_STATE_PRESENT)
		return 0;
	d->device_pages += pg->nr_pages;
	cli_open_object(NULL);
	cli_print_hex(PRINT_ANY, "addr", "  0x%016" PRIx64, pg->addr);
	cli_print_uint(PRINT_ANY, "nr_pages", " %8" PRIu64, pg->nr_pages);
	cli_print_hex(PRINT_ANY, "phys", "  0x%-14" PRIx64, phys);
	cli_print_cache(cli_machine.arch == PTSCOPE_ARCH_ARM64 ? 18 : 4, pg->cache, pg->flags);
	cli_print_str(PRINT_ANY, "kind", " %-8s ", ptscope_kind_name(pg->kind) ?: "?");
	cli_print_owner(phys);
	cli_print_text("\n");
	cli_close_object();
	return 0;
}

static int report(struct ptscope *h, uint32_t pid, struct dma *d)
{
	const int flags = PTSCOPE_WALK_RUNS | PTSCOPE_WALK_SKIP_NONE;
	size_t i;
	int ret = 0;

	cli_open_array("pinned");
	cli_print_text("pinned pages:\n  %-18s %8s  %-14s %-8s %s\n", "ADDRESS", "PAGES", "PFN",
		       "KIND", "PINS");
	for (i = 0; !ret && i < d->n; i++)
		if (d->v[i].pinned)
			ret = ptscope_walk(h, pid, d->v[i].start, d->v[i].end, flags, on_pinned, d);
	cli_close_array();
	cli_open_array("device_mappings");
	cli_print_text("device mappings:\n");
	for (i = 0; !ret && i < d->n; i++) {
		const struct ptscope_vma v = {
			.start = d->v[i].start,
			.end = d->v[i].end,
			.flags = d->v[i].flags,
			.pgoff = d->v[i].pgoff,
			.backing = d->v[i].backing,
			.name = d->v[i].name,
		};

		if (!(d->v[i].flags & DEVICE_VMA))
			continue;
		d->device_vmas++;
		cli_open_object(NULL);
		cli_print_vma(&v, CLI_VMA_LINE);
		cli_print_text("  %-18s %8s  %-16s %-4s %-8s %s\n", "ADDRESS", "PAGES", "PHYS",
			       "PAT", "KIND", "OWNER");
		cli_open_array("frames");
		ret = ptscope_walk(h, pid, d->v[i].start, d->v[i].end, flags, on_device_frame, d);
		cli_close_array();
		cli_close_object();
	}
	cli_close_array();
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
	cli_print_open(a->json, a->pretty);
	cli_member_uint("pid", pid);
	ret = report(h, pid, &d);
	if (cli_print_is_json()) {
		const struct json_count counts[] = {
			{ "pinned_pages", d.pinned_pages },
			{ "device_mappings", d.device_vmas },
			{ "device_pages", d.device_pages },
		};

		if (ret)
			cli_member_str("error", ptscope_errmsg());
		cli_member_counts("summary", counts, ARRAY_SIZE(counts));
	} else if (ret) {
		cli_error(a, "%s", ptscope_errmsg());
	} else {
		printf("%" PRIu64 " pages pinned; %" PRIu64 " device mappings, %" PRIu64
		       " pages mapped\n",
		       d.pinned_pages, d.device_vmas, d.device_pages);
	}
	cli_print_close();
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
