// SPDX-License-Identifier: GPL-2.0
/*
 * Which process a request names, and what the caller may see of it.
 *
 * The rule is /proc/PID/pagemap's, security modules included: ptrace read
 * access with the caller's filesystem credentials
 * (PTRACE_MODE_READ_FSCREDS). The functions that decide it,
 * ptrace_may_access() and mm_access(), are not exported, so the caller
 * proves it instead: it opens /proc/PID/pagemap itself, an open that makes
 * exactly that check, and sends the descriptor with the request
 * (PTSCOPE_A_PAGEMAP_FD). The open pinned the address space it allowed; the
 * module reads that one and no other, so a later exec (setuid or not) or a
 * reused pid does not inherit it.
 *
 * Without a descriptor, a caller may name itself where it could open its
 * own pagemap (own_pagemap_readable()), and CAP_SYS_ADMIN in the initial
 * user namespace may name any process. Only CAP_SYS_ADMIN sees physical
 * details.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>

#include "ptscope.h"
#include "compat.h"

/*
 * procfs's pagemap file_operations (static in fs/proc/task_mmu.c), learnt
 * from an open of our own: a descriptor is a pagemap only if its f_op is
 * this one, and then its private_data is the mm_struct its open allowed
 * (pagemap_open() keeps it there with mmgrab, 6.1 and 6.12 alike).
 */
static const struct file_operations *pagemap_fops;

/*
 * At load time, in insmod's context. Learning it later would trust the
 * /proc/self/pagemap of whoever asked first, which could be any file bound
 * there in a mount namespace of its own.
 */
void __init ptscope_target_init(void)
{
	struct file *f = filp_open("/proc/self/pagemap", O_RDONLY, 0);

	if (IS_ERR(f)) {
		pr_warn("cannot open /proc/self/pagemap (errno %ld): only CAP_SYS_ADMIN may inspect other processes\n",
			-PTR_ERR(f));
		return;
	}
	/* procfs's own file, opened on our own address space. */
	if (file_inode(f)->i_sb->s_magic == PROC_SUPER_MAGIC &&
	    !strcmp(f->f_path.dentry->d_name.name, "pagemap") &&
	    f->private_data == current->mm)
		pagemap_fops = f->f_op;
	else
		pr_warn("/proc/self/pagemap is not procfs's pagemap: only CAP_SYS_ADMIN may inspect other processes\n");
	filp_close(f, NULL);
}

/*
 * Descriptor @fd of the caller, if it is an open of some /proc/PID/pagemap
 * readable through it; else NULL with *err set. Nothing here depends on
 * the pid asked for, so the answer says nothing about it.
 */
static struct file *proof_get(int fd, int *err, struct netlink_ext_ack *extack)
{
	struct file *f = fget(fd);	/* never an O_PATH descriptor */

	*err = -EINVAL;
	if (!f) {
		PTSCOPE_ERR_FMT(extack,
				"PTSCOPE_A_PAGEMAP_FD is not an open file descriptor of the caller",
				"PTSCOPE_A_PAGEMAP_FD %d is not an open file descriptor of the caller",
				fd);
		*err = -EBADF;
		return NULL;
	}
	if (!pagemap_fops) {
		NL_SET_ERR_MSG(extack,
			       "ptscope could not identify pagemap files when it was loaded (was /proc mounted?): only CAP_SYS_ADMIN may inspect other processes");
		*err = -EOPNOTSUPP;
	} else if (f->f_op != pagemap_fops) {
		PTSCOPE_ERR_FMT(extack, "PTSCOPE_A_PAGEMAP_FD is not an open /proc/PID/pagemap",
				"PTSCOPE_A_PAGEMAP_FD %d is not an open /proc/PID/pagemap", fd);
	} else if (!(f->f_mode & FMODE_READ)) {
		/* pagemap would not be read through it either. */
		PTSCOPE_ERR_FMT(extack, "PTSCOPE_A_PAGEMAP_FD is not open for reading",
				"PTSCOPE_A_PAGEMAP_FD %d is not open for reading", fd);
		*err = -EBADF;
	} else {
		return f;
	}
	fput(f);
	return NULL;
}

/*
 * Whether @mm, held by the caller, is the address space the open of
 * @proof allowed (the file pins its own, so a freed and reused mm_struct
 * cannot compare equal).
 */
static bool proof_of(struct file *proof, struct mm_struct *mm)
{
	return mm && proof->private_data == mm;
}

/*
 * Whether the caller could open /proc/PID/pagemap of @task, a thread using
 * its own address space @mm, without privilege: mm_access() lets any task
 * at its own mm, but the file is 0400 and procfs gives it to root when the
 * process is not dumpable (task_dump_owner()), so it takes a filesystem uid
 * equal to the owner's. Holders of CAP_DAC_* prove it with a descriptor.
 */
static bool own_pagemap_readable(struct task_struct *task, struct mm_struct *mm)
{
	return uid_eq(current_fsuid(), ptscope_pagemap_owner(task, mm));
}

static struct task_struct *find_task(u32 nr)
{
	struct task_struct *task;
	struct pid *pid;

	if (nr == 0)
		return get_task_struct(current);
	/* Resolved in the caller's pid namespace, as kill(2) does. */
	pid = find_get_pid(nr);
	task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	return task;
}

/*
 * Why @task (NULL: none) with address space @mm cannot be inspected, for
 * a caller who may know that the pid exists; 0 if it can.
 */
static int why_not(u32 nr, struct task_struct *task, struct mm_struct *mm,
		   struct netlink_ext_ack *extack)
{
	if (!task) {
		PTSCOPE_ERR_FMT(extack, "no such process", "no process with pid %u", nr);
		return -ESRCH;
	}
	if (task->flags & PF_KTHREAD) {
		PTSCOPE_ERR_FMT(extack, "process is a kernel thread: it has no user address space",
				"pid %u is a kernel thread: it has no user address space", nr);
		return -EINVAL;
	}
	if (!mm) {
		PTSCOPE_ERR_FMT(extack, "process has exited (zombie): it has no address space",
				"pid %u has exited (zombie): it has no address space", nr);
		return -ESRCH;
	}
	return 0;
}

int ptscope_target_get(u32 nr, int pagemap_fd, bool admin, struct ptscope_target *t,
		       struct netlink_ext_ack *extack)
{
	struct task_struct *task;
	struct mm_struct *mm = NULL;
	struct file *proof = NULL;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	/* A descriptor sent is checked even when none was needed. */
	if (pagemap_fd >= 0) {
		proof = proof_get(pagemap_fd, &ret, extack);
		if (!proof)
			return ret;
	} else if (!admin && nr && nr != task_tgid_vnr(current)) {
		/*
		 * Another process, no proof, no privilege: refused before the
		 * pid is looked at, so the answer says nothing of whether it
		 * exists, is a kernel thread or a zombie (procfs may hide it:
		 * hidepid).
		 */
		NL_SET_ERR_MSG(extack, PTSCOPE_MSG_NO_PROOF);
		return -EPERM;
	}
	task = find_task(nr);
	if (task && !(task->flags & PF_KTHREAD))
		mm = get_task_mm(task);

	if (proof && !proof_of(proof, mm) && !admin) {
		/*
		 * Without privilege, a proof is matched before anything about
		 * the pid is told: no such process, a kernel thread, a zombie
		 * and another process's address space all get this one answer.
		 */
		PTSCOPE_ERR_FMT(extack,
				"the pagemap descriptor is not of the process asked for: it was opened for another process, or before that process called exec or exited",
				"pagemap fd not of pid %u: opened for another, or before exec or exit",
				nr);
		ret = -EINVAL;
	} else {
		ret = why_not(nr, task, mm, extack);
	}
	if (!ret && proof && !proof_of(proof, mm)) {
		PTSCOPE_ERR_FMT(extack,
				"the pagemap descriptor is not of the process asked for: it was opened for another process, or before that process called exec",
				"pagemap fd not of pid %u: opened for another process, or before an exec",
				nr);
		ret = -EINVAL;
	} else if (!ret && !proof && !admin &&
		   (mm != current->mm || !own_pagemap_readable(task, mm))) {
		NL_SET_ERR_MSG(extack, PTSCOPE_MSG_NO_PROOF);
		ret = -EPERM;
	}
	if (proof)
		fput(proof);
	if (ret) {
		if (mm)
			mmput(mm);
		if (task)
			put_task_struct(task);
		return ret;
	}
	t->task = task;
	t->mm = mm;
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
