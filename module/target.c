// SPDX-License-Identifier: GPL-2.0
/*
 * Which process a request names, and what the caller may see of it.
 *
 * The policy is /proc/PID/pagemap's: CAP_SYS_ADMIN in the initial user
 * namespace sees any process with its physical details; anyone else sees
 * only processes that run with all of the caller's uid and gid and are
 * dumpable (so no setuid/setgid programs), and never PFNs. ptrace_may_access
 * is not exported, so this is the ptrace-read rule for the common case,
 * without LSM hooks: stricter, never looser.
 */
#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

#include "ptscope.h"
#include "compat.h"

static bool same_owner(struct task_struct *task)
{
	const struct cred *me = current_cred();
	const struct cred *tc;
	bool same;

	rcu_read_lock();
	tc = __task_cred(task);
	same = uid_eq(me->uid, tc->uid) && uid_eq(me->uid, tc->euid) &&
	       uid_eq(me->uid, tc->suid) && gid_eq(me->gid, tc->gid) &&
	       gid_eq(me->gid, tc->egid) && gid_eq(me->gid, tc->sgid);
	rcu_read_unlock();
	return same;
}

int ptscope_target_get(u32 nr, bool admin, struct ptscope_target *t,
		       struct netlink_ext_ack *extack)
{
	struct task_struct *task;
	struct pid *pid;

	memset(t, 0, sizeof(*t));
	if (nr == 0) {
		task = get_task_struct(current);
	} else {
		/* Resolved in the caller's pid namespace, as kill(2) does. */
		pid = find_get_pid(nr);
		task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
		put_pid(pid);
		if (!task) {
			PTSCOPE_ERR_FMT(extack, "no such process",
					"no process with pid %u", nr);
			return -ESRCH;
		}
	}

	if (task->flags & PF_KTHREAD) {
		PTSCOPE_ERR_FMT(extack, "process is a kernel thread: it has no user address space",
				"pid %u is a kernel thread: it has no user address space", nr);
		put_task_struct(task);
		return -EINVAL;
	}
	if (!admin && !same_owner(task)) {
		PTSCOPE_ERR_FMT(extack,
				"permission denied: not your process (CAP_SYS_ADMIN needed)",
				"permission denied: pid %u is not yours (CAP_SYS_ADMIN needed)",
				nr);
		put_task_struct(task);
		return -EPERM;
	}
	t->mm = get_task_mm(task);
	if (!t->mm) {
		PTSCOPE_ERR_FMT(extack, "process has exited (zombie): it has no address space",
				"pid %u has exited (zombie): it has no address space", nr);
		put_task_struct(task);
		return -ESRCH;
	}
	if (!admin && get_dumpable(t->mm) != SUID_DUMP_USER) {
		PTSCOPE_ERR_FMT(extack,
				"permission denied: process is not dumpable (setuid, or prctl)",
				"permission denied: pid %u is not dumpable (setuid, or prctl)",
				nr);
		mmput(t->mm);
		put_task_struct(task);
		return -EPERM;
	}
	t->task = task;
	t->see_phys = admin;
	return 0;
}

void ptscope_target_put(struct ptscope_target *t)
{
	if (t->mm)
		mmput(t->mm);
	if (t->task)
		put_task_struct(t->task);
	memset(t, 0, sizeof(*t));
}
