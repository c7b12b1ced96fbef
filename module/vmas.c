// SPDX-License-Identifier: GPL-2.0
/*
 * Describe a process's VMAs, with counters taken from their page tables:
 * what /proc/PID/maps says of a mapping plus what its entries really hold.
 */
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hugetlb_inline.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "ptscope.h"
#include "compat.h"

static u64 vma_flags(const struct vm_area_struct *vma)
{
	static const struct {
		unsigned long vm;
		u64 ours;
	} map[] = {
		{ VM_READ, PTSCOPE_VMA(READ) },
		{ VM_WRITE, PTSCOPE_VMA(WRITE) },
		{ VM_EXEC, PTSCOPE_VMA(EXEC) },
		{ VM_MAYSHARE, PTSCOPE_VMA(SHARED) },
		{ VM_IO, PTSCOPE_VMA(IO) },
		{ VM_PFNMAP, PTSCOPE_VMA(PFNMAP) },
		{ VM_MIXEDMAP, PTSCOPE_VMA(MIXEDMAP) },
		{ VM_LOCKED, PTSCOPE_VMA(LOCKED) },
		{ VM_HUGEPAGE, PTSCOPE_VMA(HUGEPAGE) },
		{ VM_NOHUGEPAGE, PTSCOPE_VMA(NOHUGEPAGE) },
		{ VM_DONTCOPY, PTSCOPE_VMA(DONTCOPY) },
		{ VM_WIPEONFORK, PTSCOPE_VMA(WIPEONFORK) },
		{ VM_GROWSDOWN, PTSCOPE_VMA(GROWSDOWN) },
		{ VM_HUGETLB, PTSCOPE_VMA(HUGETLB) },
		{ VM_UFFD_MISSING, PTSCOPE_VMA(UFFD_MISSING) },
		{ VM_UFFD_WP, PTSCOPE_VMA(UFFD_WP) },
		{ PTSCOPE_VM_UFFD_RWP, PTSCOPE_VMA(UFFD_RWP) },
		{ VM_SOFTDIRTY, PTSCOPE_VMA(SOFT_DIRTY) },
		{ VM_MERGEABLE, PTSCOPE_VMA(MERGEABLE) },
	};
	u64 f = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].vm && (vma->vm_flags & map[i].vm))
			f |= map[i].ours;
	return f;
}

/* Name and backing as /proc/PID/maps names them; @name is PATH_MAX bytes. */
static void vma_name(struct vm_area_struct *vma, struct ptscope_vma *v, char *name)
{
	struct mm_struct *mm = vma->vm_mm;
	const char *s = "";
	char *path;

	v->backing = PTSCOPE_BACKING_ANON;
	if (vma->vm_file) {
		path = d_path(&vma->vm_file->f_path, name, PATH_MAX);
		s = IS_ERR(path) ? "" : path;
		v->inode = file_inode(vma->vm_file)->i_ino;
		v->pgoff = (u64)vma->vm_pgoff << PAGE_SHIFT;
		v->backing = file_inode(vma->vm_file)->i_sb->s_magic == TMPFS_MAGIC ?
			     PTSCOPE_BACKING_SHMEM : PTSCOPE_BACKING_FILE;
	} else if (vma->vm_ops && vma->vm_ops->name) {
		s = vma->vm_ops->name(vma) ?: "";
		v->backing = PTSCOPE_BACKING_SPECIAL;
	} else if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk) {
		s = "[heap]";
		v->backing = PTSCOPE_BACKING_HEAP;
	} else if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack) {
		s = "[stack]";
		v->backing = PTSCOPE_BACKING_STACK;
	} else if (ptscope_vma_anon_name(vma)) {
		/* Stable under the mmap lock: renaming takes it for writing. */
		snprintf(name, PATH_MAX, "[anon:%s]", ptscope_vma_anon_name(vma));
		s = name;
	}
	if (is_vm_hugetlb_page(vma))
		v->backing = PTSCOPE_BACKING_HUGETLB;
	/* d_path() builds at the end of the buffer: move it to the start. */
	memmove(name, s, strnlen(s, PATH_MAX - 1));
	name[strnlen(s, PATH_MAX - 1)] = '\0';
	v->name = name;
}

void ptscope_vma_identify(struct vm_area_struct *vma, struct ptscope_vma *v, char *name)
{
	v->start = vma->vm_start;
	v->end = vma->vm_end;
	v->flags = vma_flags(vma);
	vma_name(vma, v, name);
}

/* What a counted VMA was when it was described (see same_vma()). */
struct vma_count {
	struct ptscope_vma *v;
	const struct file *file;
	unsigned long pgoff;
	unsigned long vm_flags;
};

static int count_page(struct ptscope_walk *w, const struct ptscope_page *pg)
{
	struct ptscope_vma *v = ((struct vma_count *)w->ctx)->v;

	if (pg->state == PTSCOPE_STATE_SWAP)
		v->swapped += pg->nr_pages;
	if (pg->state != PTSCOPE_STATE_PRESENT)
		return 0;
	v->present += pg->nr_pages;
	if (pg->kind == PTSCOPE_KIND_ZERO_PAGE || pg->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE)
		v->zero += pg->nr_pages;
	if (pg->level != PTSCOPE_LEVEL_PTE)
		v->huge += pg->nr_pages;
	if (pg->flags & (PTSCOPE_ENTRY(DIRTY) | PTSCOPE_ENTRY(SAVED_DIRTY)))
		v->dirty += pg->nr_pages;
	v->cow[pg->cow] += pg->nr_pages;
	if (pg->pflags & PTSCOPE_PAGE(PINNED))
		v->pinned += pg->nr_pages;
	if (pg->flags & PTSCOPE_ENTRY(SOFT_DIRTY))
		v->soft_dirty += pg->nr_pages;
	return 0;
}

/*
 * The walk retakes the mmap lock chunk by chunk: between two chunks the
 * VMA may have been unmapped, replaced or changed, and the counters must
 * not mix two mappings. The struct itself may have been freed and reused,
 * so what it maps is compared, not its address.
 */
static bool same_vma(struct ptscope_walk *w, struct vm_area_struct *vma)
{
	const struct vma_count *c = w->ctx;

	return vma->vm_start == c->v->start && vma->vm_end == c->v->end &&
	       vma->vm_file == c->file && vma->vm_pgoff == c->pgoff &&
	       vma->vm_flags == c->vm_flags;
}

/* Bounded: a mapping that keeps changing while it is counted is reported. */
#define VMA_COUNT_TRIES 8

int ptscope_vma_describe(struct mm_struct *mm, unsigned long addr, bool hide_phys,
			 struct ptscope_vma *v, char *name)
{
	struct vm_area_struct *vma;
	struct vma_count c = { .v = v };
	struct ptscope_walk w = {
		.mm = mm,
		.runs = true,
		.skip_none = true,
		.hide_phys = hide_phys,
		.emit = count_page,
		.vma_ok = same_vma,
		.ctx = &c,
	};
	unsigned int tries = 0;
	int ret;

	do {
		if (++tries > VMA_COUNT_TRIES)
			return -EAGAIN;
		memset(v, 0, sizeof(*v));
		ret = mmap_read_lock_killable(mm);
		if (ret)
			return ret;
		vma = find_vma(mm, addr);
		if (!vma) {
			mmap_read_unlock(mm);
			return -ENOENT;
		}
		ptscope_vma_identify(vma, v, name);
		c.file = vma->vm_file;
		c.pgoff = vma->vm_pgoff;
		c.vm_flags = vma->vm_flags;
		mmap_read_unlock(mm);

		/* Counting cannot fill up; the walk takes the lock chunk by chunk. */
		w.next = v->start;
		w.end = v->end;
		w.have_run = false;
		ret = ptscope_walk(&w);
	} while (ret == -ESTALE);
	return ret;
}
