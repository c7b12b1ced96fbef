// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope.ko: a read-only inspector of the page tables of live processes.
 * It never writes a page-table entry; it reports them over generic netlink
 * ("ptscope" family) and mirrors the answers in debugfs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "version.h"

static int __init ptscope_init(void)
{
	int ret;

	ptscope_walk_init();
	ret = ptscope_netlink_init();
	if (ret)
		return ret;
	/* After netlink: a record's task_work may multicast at once. */
	ret = ptscope_faults_init();
	if (ret) {
		ptscope_netlink_exit();
		return ret;
	}
	ptscope_debugfs_init();
	pr_info("version %s loaded\n", PTSCOPE_VERSION);
	return 0;
}

static void __exit ptscope_exit(void)
{
	ptscope_debugfs_exit();
	ptscope_faults_exit();
	ptscope_netlink_exit();
}

module_init(ptscope_init);
module_exit(ptscope_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("ptscope developers");
MODULE_DESCRIPTION("Page-table inspector for live processes");
MODULE_VERSION(PTSCOPE_VERSION);
MODULE_ALIAS_GENL_FAMILY(PTSCOPE_GENL_NAME);
