// SPDX-License-Identifier: GPL-2.0
/*
 * ptscope.ko: a read-only inspector of the page tables of live processes.
 * It never writes a page-table entry; it reports them over generic netlink
 * ("ptscope" family) and mirrors the answers in debugfs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>
#include <net/genetlink.h>

#include "ptscope.h"
#include "version.h"

static int __init ptscope_init(void)
{
	int ret;

	ptscope_walk_init();
	ptscope_target_init();
	/* The ring first: CLEAR_FAULTS may arrive the moment the family exists. */
	ret = ptscope_faults_alloc();
	if (ret)
		return ret;
	ret = ptscope_netlink_init();
	if (ret)
		goto free;
	/* The probe last: a record's task_work may multicast at once. */
	ret = ptscope_faults_start();
	if (ret)
		goto netlink;
	ptscope_debugfs_init();
	pr_info("version %s loaded\n", PTSCOPE_VERSION);
	return 0;
netlink:
	ptscope_netlink_exit();
free:
	ptscope_faults_free();
	return ret;
}

/* The reverse of ptscope_init(): nothing can reach what is freed. */
static void __exit ptscope_exit(void)
{
	ptscope_debugfs_exit();
	ptscope_faults_stop();
	/*
	 * Each fault's task_work drops its module reference as its last act
	 * and then still returns through our text: a task preempted right
	 * there would come back to freed memory. An RCU-tasks grace period
	 * waits until every task has switched voluntarily or run in user
	 * space since, which that task can only do after its return. No new
	 * work starts: the probe is gone, and a module going away refuses
	 * try_module_get().
	 */
	synchronize_rcu_tasks();
	/* Waits for requests in flight: no CLEAR_FAULTS runs after it. */
	ptscope_netlink_exit();
	ptscope_faults_free();
}

module_init(ptscope_init);
module_exit(ptscope_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("ptscope developers");
MODULE_DESCRIPTION("Page-table inspector for live processes");
MODULE_VERSION(PTSCOPE_VERSION);
MODULE_ALIAS_GENL_FAMILY(PTSCOPE_GENL_NAME);
