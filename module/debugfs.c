// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/ptscope/: the netlink answers as text, for `cat` in
 * minimal VMs that have no libnl. Files are read-only (0444 is the most
 * kernel lockdown allows); their content matches the netlink replies.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "ptscope.h"
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
	seq_printf(m, "features: 0x%llx", info->features);
	for (bit = 0; bit < __PTSCOPE_FEATURE_BIT_COUNT; bit++)
		if (info->features & BIT_ULL(bit))
			seq_printf(m, " %s", ptscope_feature_names[bit]);
	seq_putc(m, '\n');

	kfree(info);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(info);

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
}

void ptscope_debugfs_exit(void)
{
	debugfs_remove_recursive(ptscope_debugfs_dir);
}
