// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs walk and maps: the WALK and GET_VMAS dumps as text lines.
 *
 *   echo "PID [START END] [pages] [entry]" > walk; cat walk
 *   echo "PID" > maps; cat maps
 *
 * "entry": the entry group of fields alone (PTSCOPE_FIELD_ENTRY), as a WALK
 * with PTSCOPE_A_WALK_FIELDS asks it: no struct page is read.
 *
 * Like the netlink dumps, a read streams: each open keeps a cursor (an
 * address) and one page of text, refilled by walking on from the cursor
 * when the reader has taken the last. Nothing grows with the target, and
 * the text is formatted under the target's locks but copied to the reader
 * only after they are dropped (the reader may be the target itself).
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ptscope.h"
#include "arch.h"

static const char *const state_names[] = PTSCOPE_STATE_NAMES;
static const char *const kind_names[] = PTSCOPE_KIND_NAMES;
static const char *const cache_names[] = PTSCOPE_CACHE_NAMES;
static const char *const level_names[] = PTSCOPE_LEVEL_NAMES;
static const char *const page_names[] = PTSCOPE_PAGE_NAMES;
static_assert(ARRAY_SIZE(page_names) == __PTSCOPE_PAGE_BIT_COUNT);
static const char *const vma_names[] = PTSCOPE_VMA_NAMES;
static const char *const backing_names[] = PTSCOPE_BACKING_NAMES;
static const char *const cow_names[] = PTSCOPE_COW_NAMES;
static_assert(ARRAY_SIZE(cow_names) == __PTSCOPE_COW_COUNT);

/* The last request written to a control file (one per file, root's). */
struct dump_request {
	struct mutex lock;	/* guards the fields below */
	bool set;
	u32 pid;
	u64 start, end;		/* end 0: to the end of the address space */
	bool pages;		/* one line per page instead of runs */
	bool entry_only;	/* PTSCOPE_FIELD_ENTRY alone */
};

static struct dump_request walk_req = { .lock = __MUTEX_INITIALIZER(walk_req.lock) };
static struct dump_request maps_req = { .lock = __MUTEX_INITIALIZER(maps_req.lock) };

/*
 * A record's line is at most LINE_MAX_LEN bytes plus, for a VMA, its name;
 * a refill stops while the next line surely fits, so text ends between lines.
 */
#define LINE_MAX_LEN 512
#define TEXT_SIZE (2 * PAGE_SIZE + PATH_MAX)

/* What one open file is reading. */
struct dump_reader {
	struct mutex lock;	/* one read at a time on an open file */
	bool is_walk;
	struct mm_struct *mm;	/* mmgrab()bed; NULL once done */
	bool see_phys, pages, entry_only;
	unsigned long next, end;
	char *text;		/* TEXT_SIZE */
	size_t len, off;
	char *name;		/* PATH_MAX, maps only */
};

/* "PID [START END] [pages] [entry]"; maps takes the PID alone. */
static int parse_request(char *line, bool is_walk, struct dump_request *r)
{
	char *tok[5];
	int n = 0;

	line = strim(line);
	while (line && *line) {
		if (n == ARRAY_SIZE(tok))
			return -EINVAL;
		tok[n++] = strsep(&line, " \t");
		line = line ? skip_spaces(line) : NULL;
	}
	if (n > 1 && !strcmp(tok[n - 1], "entry")) {
		r->entry_only = true;
		n--;
	}
	if (n > 1 && !strcmp(tok[n - 1], "pages")) {
		r->pages = true;
		n--;
	}
	if (n < 1 || kstrtou32(tok[0], 10, &r->pid))
		return -EINVAL;
	if (!is_walk && (n != 1 || r->pages || r->entry_only))
		return -EINVAL;
	if (n == 3) {
		if (kstrtou64(tok[1], 0, &r->start) || kstrtou64(tok[2], 0, &r->end))
			return -EINVAL;
	} else if (n != 1) {
		return -EINVAL;
	}
	return 0;
}

static ssize_t request_write(struct file *file, const char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	bool is_walk = file->f_inode->i_private == &walk_req;
	struct dump_request *req = file->f_inode->i_private;
	struct dump_request r = {};
	char buf[96];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	ret = parse_request(buf, is_walk, &r);
	if (ret)
		return ret;
	mutex_lock(&req->lock);
	req->set = true;
	req->pid = r.pid;
	req->start = r.start;
	req->end = r.end;
	req->pages = r.pages;
	req->entry_only = r.entry_only;
	mutex_unlock(&req->lock);
	return count;
}

static __printf(2, 3) void text_add(struct dump_reader *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	d->len += vscnprintf(d->text + d->len, TEXT_SIZE - d->len, fmt, ap);
	va_end(ap);
}

static void text_flags(struct dump_reader *d, u64 flags, const char *const *names,
		       unsigned int count)
{
	unsigned int bit;

	for (bit = 0; bit < count; bit++)
		if (flags & BIT_ULL(bit))
			text_add(d, " %s", names[bit]);
}

static int walk_line(struct ptscope_walk *w, const struct ptscope_page *record)
{
	struct dump_reader *d = w->ctx;
	const struct ptscope_page pg = *record;	/* hidden by the walk where it must be */

	if (d->len > TEXT_SIZE - PATH_MAX - LINE_MAX_LEN)
		return -EMSGSIZE;
	text_add(d, "0x%llx pages %llu %s %s", pg.addr, pg.nr_pages, level_names[pg.level],
		 state_names[pg.state]);
	if (pg.state == PTSCOPE_STATE_NONE) {
		text_add(d, "\n");
		return 0;
	}
	if (pg.has_pfn)
		text_add(d, " pfn 0x%llx", pg.pfn);
	if (pg.state == PTSCOPE_STATE_SWAP)
		text_add(d, " swap %u:0x%llx", pg.swap_type, pg.swap_offset);
	text_add(d, " entry 0x%llx flags", pg.entry);
	text_flags(d, pg.flags, ptscope_entry_names, __PTSCOPE_ENTRY_BIT_COUNT);
	if (pg.state == PTSCOPE_STATE_PRESENT && d->entry_only) {
		text_add(d, " cache %s pkey %u", cache_names[pg.cache], pg.pkey);
	} else if (pg.state == PTSCOPE_STATE_PRESENT) {
		text_add(d, " kind %s cache %s cow %s pkey %u", kind_names[pg.kind],
			 cache_names[pg.cache], cow_names[pg.cow], pg.pkey);
		text_flags(d, pg.pflags, page_names, __PTSCOPE_PAGE_BIT_COUNT);
	}
	if (pg.has_page)
		text_add(d, " mapcount %u refcount %u", pg.mapcount, pg.refcount);
	text_add(d, "\n");
	return 0;
}

static int walk_fill(struct dump_reader *d)
{
	struct ptscope_walk w = {
		.mm = d->mm,
		.next = d->next,
		.end = d->end,
		.runs = !d->pages,
		.hide_phys = !d->see_phys,
		.fields = d->entry_only ? PTSCOPE_FIELD_ENTRY : 0,
		.emit = walk_line,
		.ctx = d,
	};
	int ret = ptscope_walk(&w);

	/* -EMSGSIZE: the page is full; w.next is the first record not in it. */
	d->next = ret == -EMSGSIZE ? w.next : d->end;
	return ret == -EMSGSIZE ? 0 : ret;
}

static int maps_fill(struct dump_reader *d)
{
	struct ptscope_vma v;
	int ret = 0, i;

	while (d->next < d->end && d->len <= TEXT_SIZE - PATH_MAX - LINE_MAX_LEN) {
		ret = ptscope_vma_describe(d->mm, d->next, !d->see_phys, &v, d->name);
		if (ret == -ENOENT)
			break;
		if (ret)
			return ret;
		text_add(d, "0x%llx-0x%llx %c%c%c%c pgoff 0x%llx %s present %llu zero %llu",
			 v.start, v.end, v.flags & PTSCOPE_VMA(READ) ? 'r' : '-',
			 v.flags & PTSCOPE_VMA(WRITE) ? 'w' : '-',
			 v.flags & PTSCOPE_VMA(EXEC) ? 'x' : '-',
			 v.flags & PTSCOPE_VMA(SHARED) ? 's' : 'p', v.pgoff,
			 backing_names[v.backing], v.present, v.zero);
		text_add(d, " swapped %llu huge %llu dirty %llu soft-dirty %llu flags",
			 v.swapped, v.huge, v.dirty, v.soft_dirty);
		text_flags(d, v.flags & ~(PTSCOPE_VMA(READ) | PTSCOPE_VMA(WRITE) |
					  PTSCOPE_VMA(EXEC) | PTSCOPE_VMA(SHARED)),
			   vma_names, __PTSCOPE_VMA_BIT_COUNT);
		text_add(d, " cow");
		for (i = 0; i < __PTSCOPE_COW_COUNT; i++)
			if (v.cow[i])
				text_add(d, " %s=%llu", cow_names[i], v.cow[i]);
		text_add(d, "%s%s\n", *v.name ? " name " : "", v.name);
		d->next = v.end;
	}
	if (d->next < d->end && ret == -ENOENT)
		d->next = d->end;
	return 0;
}

/* Refill the reader's page from its cursor; ends the dump on any error. */
static void dump_fill(struct dump_reader *d)
{
	int ret;

	d->len = 0;
	d->off = 0;
	if (!d->mm)
		return;
	if (d->next >= d->end) {
		ret = 0;
	} else if (!mmget_not_zero(d->mm)) {
		text_add(d, "error: %s (errno %d)\n",
			 d->is_walk ? PTSCOPE_MSG_GONE_WALK : PTSCOPE_MSG_GONE_MAPS, ESRCH);
		ret = 0;
		d->next = d->end;
	} else {
		ret = d->is_walk ? walk_fill(d) : maps_fill(d);
		mmput(d->mm);
	}
	if (ret) {
		text_add(d, "error: %s (errno %d)\n",
			 ret == -EAGAIN ? PTSCOPE_MSG_UNSETTLED : "walk failed", -ret);
		d->next = d->end;
	}
	if (d->next >= d->end) {
		mmdrop(d->mm);
		d->mm = NULL;
	}
}

static int dump_open(struct inode *inode, struct file *file)
{
	struct dump_request *req = inode->i_private;
	struct netlink_ext_ack extack = {};
	struct ptscope_target t;
	struct dump_request r;
	struct dump_reader *d;
	int ret;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	mutex_init(&d->lock);
	d->is_walk = req == &walk_req;
	d->text = kvmalloc(TEXT_SIZE, GFP_KERNEL);
	d->name = d->is_walk ? NULL : kmalloc(PATH_MAX, GFP_KERNEL);
	if (!d->text || (!d->is_walk && !d->name)) {
		kvfree(d->text);
		kfree(d->name);
		kfree(d);
		return -ENOMEM;
	}
	file->private_data = d;
	nonseekable_open(inode, file);
	if (!(file->f_mode & FMODE_READ))
		return 0;

	mutex_lock(&req->lock);
	r = *req;
	mutex_unlock(&req->lock);
	if (!r.set) {
		text_add(d, "error: write \"%s\" to this file first\n",
			 d->is_walk ? "PID [START END] [pages] [entry]" : "PID");
		return 0;
	}
	text_add(d, "pid: %u\n", r.pid);
	if (!r.end)
		r.end = ptscope_arch_user_addr_max();
	if (r.start >= r.end || r.end > ptscope_arch_user_addr_max()) {
		text_add(d, "error: %s (errno %d)\n", r.start >= r.end ?
			 "empty or inverted range: START must be below END" :
			 "range reaches beyond the user address space", EINVAL);
		return 0;
	}
	ret = ptscope_target_get(r.pid, -1, capable(CAP_SYS_ADMIN), &t, &extack);
	if (ret) {
		text_add(d, "error: %s (errno %d)\n",
			 extack._msg ? extack._msg : "no access", -ret);
		return 0;
	}
	/* Keep the mm_struct, not the address space: an exit ends the dump. */
	mmgrab(t.mm);
	d->mm = t.mm;
	d->see_phys = t.see_phys;
	d->pages = r.pages;
	d->entry_only = r.entry_only;
	d->next = r.start & PAGE_MASK;
	d->end = round_up(r.end, PAGE_SIZE);	/* whole pages, as netlink's range */
	ptscope_target_put(&t);
	return 0;
}

static ssize_t dump_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct dump_reader *d = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&d->lock))
		return -EINTR;
	if (d->off == d->len)
		dump_fill(d);
	count = min(count, d->len - d->off);
	ret = count;
	if (copy_to_user(ubuf, d->text + d->off, count))
		ret = -EFAULT;
	else
		d->off += count;
	mutex_unlock(&d->lock);
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static int dump_release(struct inode *inode, struct file *file)
{
	struct dump_reader *d = file->private_data;

	if (d->mm)
		mmdrop(d->mm);
	kfree(d->name);
	kvfree(d->text);
	kfree(d);
	return 0;
}

static const struct file_operations dump_fops = {
	.owner = THIS_MODULE,
	.open = dump_open,
	.read = dump_read,
	.write = request_write,
	.release = dump_release,
};

void __init ptscope_debugfs_dump_init(struct dentry *dir)
{
	debugfs_create_file("walk", 0600, dir, &walk_req, &dump_fops);
	debugfs_create_file("maps", 0600, dir, &maps_req, &dump_fops);
}
