// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope explain PID ADDR [--access read|write|exec]: what an access would
 * do now, without doing it: succeed, be served by a fault (demand-zero,
 * copy-on-write, swap-in, a file read, stack growth), or end in SIGSEGV or
 * SIGBUS, and why. Read from the mappings and the page's entry as they are;
 * the thread's PKRU is not known from outside, so protection keys are named,
 * not judged.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

#define STACK_LIMIT (8ULL << 20) /* the usual RLIMIT_STACK */

struct around {
	uint64_t addr;
	size_t at; /* its place on the command line */
	struct ptscope_fault_vma vma, below, above;
};

/* One ptscope_maps() pass for every address: its mapping and its neighbours. */
struct placing {
	struct around *ar; /* in address order */
	size_t n;
	size_t next; /* the first address not placed yet */
	size_t waiting; /* [waiting, next): inside a mapping, the one above not seen */
	struct ptscope_fault_vma prev; /* the last mapping seen */
};

static void fault_vma(const struct ptscope_vma *v, struct ptscope_fault_vma *dst)
{
	dst->present = 1;
	dst->start = v->start;
	dst->end = v->end;
	dst->flags = v->flags;
	dst->pgoff = v->pgoff;
	dst->backing = v->backing;
	snprintf(dst->name, sizeof(dst->name), "%s", v->name);
}

static int find_vmas(const struct ptscope_vma *v, void *arg)
{
	struct placing *p = arg;
	struct ptscope_fault_vma cur;

	fault_vma(v, &cur);
	for (; p->waiting < p->next; p->waiting++)
		p->ar[p->waiting].above = cur;
	/* In the gap below this mapping. */
	for (; p->next < p->n && p->ar[p->next].addr < v->start; p->next++) {
		p->ar[p->next].below = p->prev;
		p->ar[p->next].above = cur;
	}
	p->waiting = p->next;
	for (; p->next < p->n && p->ar[p->next].addr < v->end; p->next++) {
		p->ar[p->next].below = p->prev;
		p->ar[p->next].vma = cur;
	}
	p->prev = cur;
	return p->waiting == p->n; /* all placed, neighbours too: done */
}

/*
 * The page records of a cluster of addresses, matched as a walk streams
 * them; an address without one keeps nr_pages 0.
 */
struct taking {
	const struct around *ar;
	struct ptscope_page *pg;
	size_t k, end;
	unsigned int shift;
};

static int take_page(const struct ptscope_page *pg, void *arg)
{
	struct taking *t = arg;
	uint64_t end = pg->addr + (pg->nr_pages << t->shift);

	for (; t->k < t->end && t->ar[t->k].addr < end; t->k++) {
		if (t->ar[t->k].addr >= pg->addr)
			t->pg[t->k] = *pg;
	}
	return 0;
}

struct outcome {
	const char *result; /* "succeeds", "fault", "SIGSEGV", "SIGBUS" */
	const char *code;
	char text[512];
};

static void set(struct outcome *o, const char *result, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set(struct outcome *o, const char *result, const char *code, const char *fmt, ...)
{
	va_list ap;

	o->result = result;
	o->code = code;
	va_start(ap, fmt);
	vsnprintf(o->text, sizeof(o->text), fmt, ap);
	va_end(ap);
}

/* A file page not yet mapped: read from the file, or SIGBUS past its end. */
static void file_page(const struct around *ar, const char *access, struct outcome *o)
{
	uint64_t off = ar->addr - ar->vma.start + ar->vma.pgoff;
	struct stat st;

	if (!stat(ar->vma.name, &st) && S_ISREG(st.st_mode) &&
	    off >= (((uint64_t)st.st_size + PAGE_BYTES - 1) & ~(PAGE_BYTES - 1))) {
		set(o, "SIGBUS", "bus-past-eof",
		    "file offset 0x%" PRIx64 " is past the end of %s"
		    " (%lld bytes): a %s there raises SIGBUS",
		    off, ar->vma.name, (long long)st.st_size, access);
		return;
	}
	set(o, "fault", "file-read",
	    "a page fault reads file offset 0x%" PRIx64 " of %s into the"
	    " page cache (or finds it there) and maps it%s",
	    off, ar->vma.name,
	    strcmp(access, "write") || (ar->vma.flags & PTSCOPE_VMA(SHARED)) ?
		    "" :
		    ", then copies it: the mapping is private");
}

static void present_page(const struct around *ar, const struct ptscope_page *pg, const char *access,
			 struct outcome *o)
{
	if (strcmp(access, "write")) {
		set(o, "succeeds", "present",
		    "the page is present (pfn 0x%" PRIx64 "%s): the %s"
		    " goes through without a fault",
		    pg->pfn, pg->pkey ? ", pkey set" : "", access);
		return;
	}
	switch (pg->cow) {
	case PTSCOPE_COW_WRITABLE:
		set(o, "succeeds", "writable", "the entry is writable: the write goes in place");
		break;
	case PTSCOPE_COW_SHARED:
		if (pg->has_page)
			set(o, "fault", "cow-copy",
			    "the frame is shared copy-on-write (mapcount %u): a write"
			    " fault copies it to a new frame",
			    pg->mapcount);
		else
			set(o, "fault", "cow-copy",
			    "the frame is shared copy-on-write (mapped more than once):"
			    " a write fault copies it to a new frame");
		break;
	case PTSCOPE_COW_REUSABLE:
		set(o, "fault", "cow-reuse",
		    "the entry is read-only but nobody else maps the frame:"
		    " a write fault makes it writable in place, no copy");
		break;
	case PTSCOPE_COW_MAY_COPY:
		set(o, "fault", "cow-maybe",
		    "the entry is read-only and nobody else maps the frame, but a"
		    " per-CPU LRU batch still holds a reference: a write fault on"
		    " that CPU reuses the frame, on another it copies it");
		break;
	case PTSCOPE_COW_ZERO:
		set(o, "fault", "zero-copy",
		    "the zero page is mapped: a write fault allocates a fresh"
		    " zeroed frame");
		break;
	case PTSCOPE_COW_FILE:
		set(o, "fault", "cow-copy-file",
		    "a page cache page is mapped privately: a write"
		    " fault copies it to an anonymous frame");
		break;
	case PTSCOPE_COW_KSM:
		set(o, "fault", "cow-copy-ksm",
		    "the frame is merged by KSM: a write fault copies it");
		break;
	case PTSCOPE_COW_SHARED_MAPPING:
		if (cli_entry_writable(pg->flags))
			set(o, "succeeds", "writable",
			    "a shared mapping, writable entry: the write"
			    " goes in place and every sharer sees it");
		else
			set(o, "fault", "dirty-tracking",
			    "a shared mapping with a read-only entry: a"
			    " write fault marks the page dirty and makes it writable");
		break;
	case PTSCOPE_COW_UFFD_WP:
		set(o, "fault", "uffd-wp",
		    "the page is write-protected by userfaultfd: the write"
		    " waits for the handler");
		break;
	default:
		set(o, "fault", "other", "a write fault decides (%s)",
		    ptscope_cow_name(pg->cow) ?: "?");
	}
	(void)ar;
}

static void judge(const struct around *ar, const struct ptscope_page *pg, int have_page,
		  const char *access, uint64_t user_max, struct outcome *o)
{
	const struct ptscope_fault_vma *v = &ar->vma;
	uint64_t need = !strcmp(access, "write") ? PTSCOPE_VMA(WRITE) :
			!strcmp(access, "exec")	 ? PTSCOPE_VMA(EXEC) :
						   PTSCOPE_VMA(READ);

	if (ar->addr >= user_max) {
		set(o, "SIGSEGV", "kernel-address",
		    "0x%" PRIx64 " is beyond the user address space"
		    " (which ends at 0x%" PRIx64 ")",
		    ar->addr, user_max);
		return;
	}
	if (!v->present) {
		const struct ptscope_fault_vma *a = &ar->above;

		if (ar->addr < NULL_PAGE_LIMIT)
			set(o, "SIGSEGV", "null-deref",
			    "nothing may be mapped below 0x%llx: a NULL"
			    " pointer dereference (offset %" PRIu64 ")",
			    NULL_PAGE_LIMIT, ar->addr);
		else if (a->present && (a->flags & PTSCOPE_VMA(GROWSDOWN)) &&
			 a->start - ar->addr <= STACK_LIMIT &&
			 (!ar->below.present || ar->addr >= ar->below.end + STACK_GUARD))
			set(o, "fault", "stack-growth",
			    "0x%" PRIx64 " is %" PRIu64 " bytes below the"
			    " stack: the fault grows the stack down to it (within RLIMIT_STACK)",
			    ar->addr, a->start - ar->addr);
		else if (a->present && (a->flags & PTSCOPE_VMA(GROWSDOWN)))
			set(o, "SIGSEGV", "stack-overflow",
			    "0x%" PRIx64 " is below the stack, beyond"
			    " where it may grow",
			    ar->addr);
		else
			set(o, "SIGSEGV", "unmapped", "no mapping holds 0x%" PRIx64, ar->addr);
		return;
	}
	if (!(v->flags & (PTSCOPE_VMA(READ) | PTSCOPE_VMA(WRITE) | PTSCOPE_VMA(EXEC)))) {
		set(o, "SIGSEGV", "prot-none", "the mapping (%s) is PROT_NONE",
		    *v->name ? v->name : "anonymous");
		return;
	}
	if (!(v->flags & need) && !(need == PTSCOPE_VMA(READ) && (v->flags & PTSCOPE_VMA(WRITE)))) {
		set(o, "SIGSEGV",
		    !strcmp(access, "write") ? "write-read-only" :
		    !strcmp(access, "exec")  ? "exec-non-exec" :
					       "read-no-read",
		    "the mapping (%s) does not allow %s", *v->name ? v->name : "anonymous",
		    !strcmp(access, "exec")  ? "execution" :
		    !strcmp(access, "write") ? "writes" :
					       "reads");
		return;
	}
	if (have_page && (pg->unknown & PTSCOPE_UNKNOWN_STATE)) {
		set(o, "undecided", "undecided",
		    "a VM_PFNMAP mapping, whose entries pagemap does not read (load the module)");
		return;
	}
	/* procfs: a present page's write bit and sharing are not seen. */
	if (have_page && pg->state == PTSCOPE_STATE_PRESENT && !strcmp(access, "write") &&
	    (pg->unknown & PTSCOPE_UNKNOWN_COW)) {
		set(o, "undecided", "undecided",
		    "the page is present, but whether a write goes in place or faults to copy "
		    "the frame depends on the entry's write bit and who else maps the frame, "
		    "which the procfs source cannot see (load the module)");
		return;
	}
	if (have_page && pg->state == PTSCOPE_STATE_PRESENT) {
		present_page(ar, pg, access, o);
		return;
	}
	if (have_page && pg->state == PTSCOPE_STATE_OTHER) {
		set(o, "undecided", "undecided",
		    "the entry is one of the kernel's own (migration, device memory or a memory "
		    "error), which pagemap does not tell apart");
		return;
	}
	if (have_page && pg->state == PTSCOPE_STATE_SWAP) {
		set(o, "fault", "swap-in",
		    "the page is swapped out (swap %u:0x%" PRIx64 "): a fault"
		    " reads it back",
		    pg->swap_type, pg->swap_offset);
		return;
	}
	if (have_page && pg->state == PTSCOPE_STATE_HWPOISON) {
		set(o, "SIGBUS", "hwpoison", "the page was lost to a memory error: SIGBUS");
		return;
	}
	if (have_page && pg->state == PTSCOPE_STATE_MIGRATION) {
		set(o, "fault", "migration-wait", "the page is being migrated: the fault waits");
		return;
	}
	if (v->backing == PTSCOPE_BACKING_HUGETLB) {
		set(o, "fault", "hugetlb-alloc",
		    "a fault takes a huge page from the pool (SIGBUS if"
		    " it is empty)");
		return;
	}
	/* A private mapping of a tmpfs file reads it like any file. */
	if (v->backing == PTSCOPE_BACKING_FILE ||
	    (v->backing == PTSCOPE_BACKING_SHMEM && !(v->flags & PTSCOPE_VMA(SHARED)))) {
		file_page(ar, access, o);
		return;
	}
	if (v->backing == PTSCOPE_BACKING_SHMEM)
		set(o, "fault", "shmem-page", "a fault finds or allocates the shared memory page");
	else if (strcmp(access, "write"))
		set(o, "fault", "demand-zero",
		    "nothing is mapped yet: a read fault maps the shared"
		    " zero page");
	else
		set(o, "fault", "demand-zero",
		    "nothing is mapped yet: a write fault allocates a"
		    " zeroed frame");
}

/* At most this many addresses in one explain; more are refused. */
#define EXPLAIN_MAX 4096
/* Addresses of one mapping this close (in pages) share one walk. */
#define CLUSTER_PAGES 512

static int by_addr(const void *x, const void *y)
{
	const struct around *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/*
 * The page record of each address inside a mapping with pages: addresses
 * of one mapping close together share one per-page walk, so a list of
 * addresses costs a request per cluster, not per address. A failed walk
 * leaves its addresses without a record, as for one address.
 */
static void take_pages(struct ptscope *h, uint32_t pid, struct around *ar, size_t n,
		       uint64_t user_max, unsigned int shift, struct ptscope_page *pg)
{
	size_t i = 0, j;

	while (i < n) {
		uint64_t first = ar[i].addr >> shift;
		struct taking t = { ar, pg, i, i, shift };

		if (!ar[i].vma.present || ar[i].addr >= user_max) {
			i++;
			continue;
		}
		for (j = i + 1; j < n && ar[j].vma.present && ar[j].vma.start == ar[i].vma.start &&
				(ar[j].addr >> shift) - first < CLUSTER_PAGES;
		     j++)
			;
		t.end = j;
		if (ptscope_walk(h, pid, first << shift, ((ar[j - 1].addr >> shift) + 1) << shift,
				 0, take_page, &t))
			memset(pg + i, 0, (j - i) * sizeof(*pg));
		i = j;
	}
}

static void print_one(const struct around *ar, const struct outcome *o, uint32_t pid,
		      const char *access)
{
	cli_print_str(PRINT_ANY, "access", "%s of ", access);
	cli_print_hex(PRINT_ANY, "addr", "0x%" PRIx64, ar->addr);
	cli_print_uint(PRINT_ANY, "pid", " in pid %" PRIu64, pid);
	cli_print_str(PRINT_ANY, "outcome", ": %s", o->result);
	cli_print_str(PRINT_ANY, "reason", " (%s)\n", o->code);
	cli_print_str(PRINT_ANY, "explanation", "%s.\n", o->text);
}

/*
 * explain PID ADDR... : every address at once, one pass over the mappings
 * and a walk per cluster of pages; printed in the order given (JSON: one
 * document for one address, as before, else an "explanations" array).
 */
int cli_explain_live(const struct cli_args *a, const char *access)
{
	size_t n = (size_t)a->argc - 1, i, *order = NULL;
	struct placing p = { 0 };
	struct ptscope_page *pg = NULL;
	struct ptscope_machine m;
	struct ptscope_info info;
	struct outcome o;
	struct ptscope *h = NULL;
	struct around *ar;
	int ret = EXIT_RUNTIME;
	char err[256];
	uint32_t pid;

	if (n > EXPLAIN_MAX) {
		cli_error(a, "at most %d addresses in one explain, not %zu", EXPLAIN_MAX, n);
		return EXIT_USAGE;
	}
	ar = calloc(n, sizeof(*ar));
	pg = calloc(n, sizeof(*pg));
	order = calloc(n, sizeof(*order));
	if (!ar || !pg || !order) {
		cli_error(a, "out of memory");
		goto out;
	}
	ret = EXIT_USAGE;
	if (cli_parse_pid(a->argv[0], &pid, err, sizeof(err))) {
		cli_error(a, "%s", err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (cli_parse_addr(a->argv[i + 1], &ar[i].addr, err, sizeof(err))) {
			cli_error(a, "%s", err);
			goto out;
		}
	}
	ret = EXIT_RUNTIME;
	/* Sorted for the passes; order[] finds each address of the command line. */
	for (i = 0; i < n; i++)
		ar[i].at = i;
	qsort(ar, n, sizeof(*ar), by_addr);
	for (i = 0; i < n; i++)
		order[ar[i].at] = i;
	p.ar = ar;
	p.n = n;
	if (cli_open(&h) || ptscope_get_info(h, &info) || ptscope_get_machine(h, &m) ||
	    ptscope_maps(h, pid, find_vmas, &p) < 0) {
		cli_error(a, "%s", ptscope_errmsg());
		goto out;
	}
	/* Past the last mapping: nothing above. */
	for (; p.next < n; p.next++)
		ar[p.next].below = p.prev;
	take_pages(h, pid, ar, n, info.user_addr_max, (unsigned int)__builtin_ctz(m.page_size), pg);
	cli_print_open(a->json, a->pretty);
	if (n > 1) {
		cli_member_uint("pid", pid);
		cli_open_array("explanations");
	}
	for (i = 0; i < n; i++) {
		size_t k = order[i];

		judge(&ar[k], &pg[k], pg[k].nr_pages != 0, access, info.user_addr_max, &o);
		if (n > 1)
			cli_open_object(NULL);
		print_one(&ar[k], &o, pid, access);
		if (n > 1)
			cli_close_object();
	}
	if (n > 1)
		cli_close_array();
	cli_print_close();
	ret = EXIT_OK;
out:
	if (h)
		ptscope_close(h);
	free(ar);
	free(pg);
	free(order);
	return ret;
}
