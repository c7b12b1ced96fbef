// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/ptscope/: the netlink answers as text, for `cat` in
 * minimal VMs that have no libnl; their content matches the netlink
 * replies. info is read-only (0444) and faults root's read-only (0400),
 * which kernel lockdown allows; the request files are root's (0600), which
 * lockdown refuses to open: when the module loads under lockdown they are
 * not created at all. The netlink interface remains either way.
 */
#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/processor.h>
#include <linux/security.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ptscope.h"
#include "arch.h"
#include "version.h"

static struct dentry *ptscope_debugfs_dir;

static int info_show(struct seq_file *m, void *unused)
{
	struct ptscope_info *info;
	int bit;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	ptscope_info_get(info);

	seq_printf(m, "module_version: %s\n", PTSCOPE_VERSION);
	seq_printf(m, "kernel_release: %s\n", info->kernel_release);
	seq_printf(m, "page_size: %u\n", info->page_size);
	seq_printf(m, "paging_levels: %u\n", info->paging_levels);
	seq_printf(m, "user_addr_max: 0x%llx\n", info->user_addr_max);
	seq_printf(m, "phys_addr_bits: %u\n", info->phys_addr_bits);
	seq_printf(m, "arch: %s\n", ptscope_arch_names[info->arch]);
	seq_printf(m, "va_bits: %u\n", info->va_bits);
	seq_printf(m, "features: 0x%llx", info->features);
	for (bit = 0; bit < __PTSCOPE_FEATURE_BIT_COUNT; bit++)
		if (info->features & BIT_ULL(bit))
			seq_printf(m, " %s", ptscope_feature_names[bit]);
	seq_putc(m, '\n');

	kfree(info);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

/*
 * xlate: `echo "PID ADDR" > xlate; cat xlate`. The request must outlive the
 * writer's open file, so it is one per module, not per reader: concurrent
 * users of this root-only debugging file see each other's last request.
 * Refusals are printed as "error: MESSAGE" lines so `cat` shows why.
 */
static DEFINE_MUTEX(xlate_req_lock);
static u32 xlate_req_pid;
static u64 xlate_req_addr;
static bool xlate_req_set;

static ssize_t xlate_write(struct file *file, const char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	char buf[64], *p, *pid_tok, *addr_tok;
	u64 addr;
	u32 pid;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	p = strim(buf);
	pid_tok = strsep(&p, " \t");
	addr_tok = p ? skip_spaces(p) : NULL;
	if (!addr_tok || !*addr_tok || strpbrk(addr_tok, " \t") ||
	    kstrtou32(pid_tok, 10, &pid) || kstrtou64(addr_tok, 0, &addr))
		return -EINVAL;

	mutex_lock(&xlate_req_lock);
	xlate_req_pid = pid;
	xlate_req_addr = addr;
	xlate_req_set = true;
	mutex_unlock(&xlate_req_lock);
	return count;
}

static void xlate_show_result(struct seq_file *m, const struct ptscope_xlate *x)
{
	static const char *const level_names[] = PTSCOPE_LEVEL_NAMES;
	const struct ptscope_xlate_level *l;
	unsigned int i;
	int bit;

	for (i = 0; i < x->nr; i++) {
		l = &x->lv[i];
		seq_printf(m, "%s: index %u table 0x%llx entry 0x%llx flags",
			   level_names[l->level], l->index, l->table_phys, l->entry);
		for (bit = 0; bit < __PTSCOPE_ENTRY_BIT_COUNT; bit++)
			if (l->flags & BIT_ULL(bit))
				seq_printf(m, " %s", ptscope_entry_names[bit]);
		seq_putc(m, '\n');
	}
	l = &x->lv[x->nr - 1];
	if (!l->leaf_size)
		seq_puts(m, "leaf: none\n");
	else if (l->has_pfn)
		seq_printf(m, "leaf: %s size %llu pfn 0x%llx\n", level_names[l->level],
			   l->leaf_size, l->pfn);
	else
		seq_printf(m, "leaf: %s size %llu not-present\n", level_names[l->level],
			   l->leaf_size);
}

static int xlate_show(struct seq_file *m, void *unused)
{
	struct netlink_ext_ack extack = {};
	struct ptscope_xlate *x;
	u64 addr;
	u32 pid;
	int ret;

	mutex_lock(&xlate_req_lock);
	pid = xlate_req_pid;
	addr = xlate_req_addr;
	ret = xlate_req_set ? 0 : -ENODATA;
	mutex_unlock(&xlate_req_lock);
	if (ret) {
		seq_puts(m, "error: write \"PID ADDR\" to this file first\n");
		return 0;
	}

	seq_printf(m, "pid: %u\naddr: 0x%llx\n", pid, addr);
	if (addr >= ptscope_arch_user_addr_max()) {
		seq_puts(m, "error: address is beyond the user address space\n");
		return 0;
	}
	x = kmalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	ret = ptscope_xlate_for_caller(pid, -1, capable(CAP_SYS_ADMIN), addr, x, &extack);
	if (!ret)
		xlate_show_result(m, x);
	else
		seq_printf(m, "error: %s (errno %d)\n",
			   extack._msg ? extack._msg : "walk failed", -ret);
	kfree(x);
	return 0;
}

static int xlate_open(struct inode *inode, struct file *file)
{
	return single_open(file, xlate_show, NULL);
}

static const struct file_operations xlate_fops = {
	.owner = THIS_MODULE,
	.open = xlate_open,
	.read = seq_read,
	.write = xlate_write,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * faults: one line per kept fault record, oldest first. The file position
 * is the id of the next record to show, so a reader resumes where it
 * stopped even while new records push old ones out. The file is root's,
 * yet root without CAP_SYS_ADMIN sees only what GET_FAULTS would show it:
 * who reads is decided once, at open.
 */
struct faults_file {
	struct ptscope_fault_reader rd;
	struct ptscope_fault f;
};

static void *faults_start(struct seq_file *m, loff_t *pos)
{
	struct faults_file *ff = m->private;

	return ptscope_fault_get(*pos ? *pos : 1, &ff->rd, &ff->f) ? NULL : &ff->f;
}

static void *faults_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct faults_file *ff = m->private;

	*pos = ff->f.id + 1;
	return ptscope_fault_get(*pos, &ff->rd, &ff->f) ? NULL : &ff->f;
}

static void faults_stop(struct seq_file *m, void *v)
{
}

static void show_fault_vma(struct seq_file *m, const char *what,
			   const struct ptscope_fault_vma *v)
{
	if (v->present)
		seq_printf(m, " %s 0x%llx-0x%llx:%s", what, v->start, v->end,
			   *v->name ? v->name : "[anon]");
}

static int faults_show(struct seq_file *m, void *v)
{
	const struct ptscope_fault *f = v;

	seq_printf(m, "id %llu time_ns %llu pid %u tid %u uid %u comm %s sig %u code %u",
		   f->id, f->time_ns, f->pid, f->tid, f->uid, f->comm, f->sig, f->code);
	seq_printf(m, " addr 0x%llx ip 0x%llx sp 0x%llx error 0x%llx", f->addr, f->ip, f->sp,
		   f->error);
	if (f->has_trap)
		seq_printf(m, " trap %u", f->trap);
	if (f->has_esr)
		seq_printf(m, " esr 0x%llx", f->esr);
	seq_printf(m, " handled %u", f->handled);
	seq_printf(m, " snapshot %u", f->snapshot);
	show_fault_vma(m, "vma", &f->vma);
	show_fault_vma(m, "below", &f->below);
	show_fault_vma(m, "above", &f->above);
	seq_printf(m, " exe %s\n", *f->exe ? f->exe : "-");
	return 0;
}

static const struct seq_operations faults_seq_ops = {
	.start = faults_start,
	.next = faults_next,
	.stop = faults_stop,
	.show = faults_show,
};

static int faults_open(struct inode *inode, struct file *file)
{
	struct faults_file *ff = __seq_open_private(file, &faults_seq_ops, sizeof(*ff));

	if (!ff)
		return -ENOMEM;
	ptscope_fault_reader_init(&ff->rd, file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN));
	return 0;
}

static const struct file_operations faults_fops = {
	.owner = THIS_MODULE,
	.open = faults_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

void __init ptscope_debugfs_init(void)
{
	/*
	 * debugfs is a convenience mirror: without it (not built, or refused
	 * under lockdown) the netlink interface still works.
	 */
	ptscope_debugfs_dir = debugfs_create_dir("ptscope", NULL);
	if (IS_ERR(ptscope_debugfs_dir))
		return;
	debugfs_create_file("info", 0444, ptscope_debugfs_dir, NULL, &info_fops);
	/* Root's: records hold other users' addresses. */
	debugfs_create_file("faults", 0400, ptscope_debugfs_dir, NULL, &faults_fops);
	if (security_locked_down(LOCKDOWN_DEBUGFS))
		return;		/* writable files would only answer EPERM */
	debugfs_create_file("xlate", 0600, ptscope_debugfs_dir, NULL, &xlate_fops);
	ptscope_debugfs_dump_init(ptscope_debugfs_dir);
}

void ptscope_debugfs_exit(void)
{
	debugfs_remove_recursive(ptscope_debugfs_dir);
}
