// SPDX-License-Identifier: GPL-2.0
/*
 * The fault recorder: every SIGSEGV and SIGBUS the kernel raises for a user
 * memory access, with the address space around it, kept after the process
 * is gone.
 *
 * Two steps, because the moment the signal is generated is the wrong place
 * to look around. The signal_generate tracepoint fires with the target's
 * siglock held and interrupts off: there we only copy what the CPU and the
 * signal say (address, registers, error code) into the ring, and queue a
 * task_work. That runs in the faulting task itself, at its next return to
 * user space, before the signal is delivered or the process dies, with its
 * mm intact: there we take the mmap lock and add the VMAs and translations.
 *
 * The ring holds ring_size records allocated at load; the newest overwrite
 * the oldest, which are counted as dropped. Each queued task_work holds a
 * module reference, so the module cannot go while one is pending.
 *
 * A record keeps references to the faulting thread's struct pids, so that
 * each reader sees the pids its own pid namespace gives (and nothing of a
 * process its namespace cannot see), even after the process is gone. The
 * references an overwritten record held are dropped in the task_work, in
 * process context: dropping the last one can free a pid namespace, which
 * is no job for a tracepoint under the siglock.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/vmalloc.h>
#include <asm/processor.h>

#include "ptscope.h"

static unsigned int ring_size = 256;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "fault records kept (8-65536; the newest overwrite the oldest)");

static struct ptscope_fault *ring;
static DEFINE_SPINLOCK(ring_lock);	/* guards ring, next_id, first_id, dropped */
static u64 next_id = 1;		/* the id the next record gets */
static u64 first_id = 1;	/* no record below it is kept (clears move it) */
static u64 dropped;
static struct tracepoint *signal_tp;

struct fault_work {
	struct callback_head cb;
	u64 id;
	struct pid *stale[2];	/* the overwritten record's references */
	struct llist_node orphan;
};

/* Works that could not be queued: their references wait for process context. */
static LLIST_HEAD(orphans);

static void put_stale(struct fault_work *w)
{
	put_pid(w->stale[0]);
	put_pid(w->stale[1]);
}

static void put_orphans(void)
{
	struct fault_work *w, *tmp;

	llist_for_each_entry_safe(w, tmp, llist_del_all(&orphans), orphan) {
		put_stale(w);
		kfree(w);
	}
}

static struct ptscope_fault *slot(u64 id)
{
	return &ring[id % ring_size];
}

/* The mapping @vma as a record keeps it; @name is a PATH_MAX buffer. */
static void keep_vma(struct vm_area_struct *vma, struct ptscope_fault_vma *out, char *name)
{
	struct ptscope_vma v = { };

	ptscope_vma_identify(vma, &v, name);
	out->start = v.start;
	out->end = v.end;
	out->flags = v.flags;
	out->pgoff = v.pgoff;
	out->backing = v.backing;
	strscpy(out->name, v.name, sizeof(out->name));
	out->present = true;
}

/* The address space around the fault, from the faulting task itself. */
static void snapshot(struct mm_struct *mm, struct ptscope_fault *f, char *buf)
{
	struct vm_area_struct *vma, *exe;
	char *path;

	if (mmap_read_lock_killable(mm))
		return;
	exe = find_vma(mm, mm->start_code);
	if (exe && exe->vm_start <= mm->start_code && exe->vm_file) {
		path = d_path(&exe->vm_file->f_path, buf, PATH_MAX);
		if (!IS_ERR(path))
			strscpy(f->exe, path, sizeof(f->exe));
	}
	vma = find_vma(mm, mm->start_stack);
	if (vma && vma->vm_start <= mm->start_stack) {
		f->stack_start = vma->vm_start;
		f->stack_end = vma->vm_end;
	}
	{
		VMA_ITERATOR(vmi, mm, 0);

		for_each_vma(vmi, vma) {
			if (vma->vm_end <= f->addr) {
				keep_vma(vma, &f->below, buf);
			} else if (vma->vm_start <= f->addr) {
				keep_vma(vma, &f->vma, buf);
			} else {
				keep_vma(vma, &f->above, buf);
				break;
			}
		}
	}
	mmap_read_unlock(mm);
	if (f->addr < TASK_SIZE_MAX)
		ptscope_xlate(mm, f->addr, &f->x_addr);
	if (f->ip < TASK_SIZE_MAX)
		ptscope_xlate(mm, f->ip, &f->x_ip);
	f->snapshot = true;
}

/* In the faulting task, before the signal is delivered. */
static void fault_work(struct callback_head *cb)
{
	struct fault_work *w = container_of(cb, struct fault_work, cb);
	struct ptscope_fault *f = kvzalloc(sizeof(*f), GFP_KERNEL);
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);
	unsigned long flags;
	bool kept = false;

	put_stale(w);
	put_orphans();
	if (!f || !buf || !current->mm)	/* no mm: the task is already exiting */
		goto out;
	spin_lock_irqsave(&ring_lock, flags);
	if (slot(w->id)->id == w->id) {
		*f = *slot(w->id);
		kept = true;
	}
	spin_unlock_irqrestore(&ring_lock, flags);
	if (!kept)
		goto out;	/* overwritten meanwhile: a burst outran the ring */
	snapshot(current->mm, f, buf);
	spin_lock_irqsave(&ring_lock, flags);
	if (slot(w->id)->id == w->id)
		*slot(w->id) = *f;
	spin_unlock_irqrestore(&ring_lock, flags);
	ptscope_nl_fault_event(f);
out:
	kfree(buf);
	kvfree(f);
	kfree(w);
	module_put(THIS_MODULE);
}

/* Whether the task has a handler of its own for @sig (it may survive). */
static bool user_handler(struct task_struct *task, int sig)
{
	/* Our caller holds task->sighand->siglock: the sighand cannot change. */
	struct sighand_struct *sh = rcu_dereference_protected(task->sighand, true);
	__sighandler_t h = sh->action[sig - 1].sa.sa_handler;

	return h != SIG_DFL && h != SIG_IGN;
}

/*
 * signal_generate: siglock held, interrupts off. Only kernel-raised
 * SIGSEGV/SIGBUS (si_code > 0) sent to the current task count: those are
 * its own memory accesses; kill(2) and friends have si_code <= 0.
 */
static void probe_signal_generate(void *data, int sig, struct kernel_siginfo *info,
				  struct task_struct *task, int group, int result)
{
	struct pt_regs *regs;
	struct fault_work *w;
	struct ptscope_fault *f;
	unsigned long flags;
	u64 id;

	if ((sig != SIGSEGV && sig != SIGBUS) || info == SEND_SIG_NOINFO ||
	    info == SEND_SIG_PRIV || info->si_code <= 0 || task != current || !task->mm ||
	    (task->flags & PF_KTHREAD))
		return;
	/*
	 * The work is allocated first: without it the record would keep its
	 * references with no process context to drop the ones it replaces.
	 */
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!w || !try_module_get(THIS_MODULE)) {
		kfree(w);
		spin_lock_irqsave(&ring_lock, flags);
		dropped++;
		spin_unlock_irqrestore(&ring_lock, flags);
		return;
	}
	init_task_work(&w->cb, fault_work);
	regs = task_pt_regs(task);
	spin_lock_irqsave(&ring_lock, flags);
	id = next_id++;
	f = slot(id);
	if (f->id)
		dropped++;	/* the oldest record makes room */
	w->id = id;
	w->stale[0] = f->tgid_ref;
	w->stale[1] = f->tid_ref;
	memset(f, 0, sizeof(*f));
	f->id = id;
	f->time_ns = ktime_get_real_ns();
	f->tgid_ref = get_pid(task_tgid(task));
	f->tid_ref = get_pid(task_pid(task));
	f->kuid = task_uid(task);
	/* As the initial namespaces see them: what fault events carry. */
	f->pid = task_tgid_nr(task);
	f->tid = task_pid_nr(task);
	f->uid = from_kuid(&init_user_ns, f->kuid);
	strscpy(f->comm, task->comm, sizeof(f->comm));
	f->sig = sig;
	f->code = info->si_code;
	f->addr = (unsigned long)info->si_addr;
	f->ip = regs->ip;
	f->sp = regs->sp;
	f->error = task->thread.error_code;
	f->trap = task->thread.trap_nr;
	f->handled = user_handler(task, sig);
	spin_unlock_irqrestore(&ring_lock, flags);

	if (task_work_add(task, &w->cb, TWA_RESUME)) {
		/* The task is exiting: the record stays, without its snapshot. */
		llist_add(&w->orphan, &orphans);
		module_put(THIS_MODULE);
	}
}

int ptscope_fault_get(u64 id, struct ptscope_fault *out)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct user_namespace *uns = current_user_ns();
	const struct ptscope_fault *f;
	unsigned long flags;
	int ret = -ENOENT;
	pid_t pid;

	spin_lock_irqsave(&ring_lock, flags);
	id = max3(id, first_id, next_id > ring_size ? next_id - ring_size : 1);
	for (; id < next_id; id++) {
		f = slot(id);
		if (f->id != id)
			continue;
		pid = pid_nr_ns(f->tgid_ref, ns);
		if (!pid)
			continue;	/* not in the reader's namespace */
		*out = *f;
		out->pid = pid;
		out->tid = pid_nr_ns(f->tid_ref, ns);
		out->uid = from_kuid_munged(uns, f->kuid);
		out->tgid_ref = NULL;
		out->tid_ref = NULL;
		ret = 0;
		break;
	}
	spin_unlock_irqrestore(&ring_lock, flags);
	return ret;
}

/* Forget every record older than @below, and the references it holds. */
static void forget_below(u64 below)
{
	struct pid *refs[2];
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < ring_size; i++) {
		spin_lock_irqsave(&ring_lock, flags);
		if (ring[i].id >= below) {	/* recorded since: kept */
			spin_unlock_irqrestore(&ring_lock, flags);
			continue;
		}
		refs[0] = ring[i].tgid_ref;
		refs[1] = ring[i].tid_ref;
		ring[i].tgid_ref = NULL;
		ring[i].tid_ref = NULL;
		ring[i].id = 0;
		spin_unlock_irqrestore(&ring_lock, flags);
		put_pid(refs[0]);
		put_pid(refs[1]);
	}
	put_orphans();
}

void ptscope_faults_clear(void)
{
	unsigned long flags;
	u64 below;

	spin_lock_irqsave(&ring_lock, flags);
	below = next_id;
	first_id = below;	/* from here on, older records do not exist */
	dropped = 0;
	spin_unlock_irqrestore(&ring_lock, flags);
	forget_below(below);
}

void ptscope_faults_stats(u64 *recorded, u64 *dropped_out, u32 *size)
{
	unsigned long flags;

	spin_lock_irqsave(&ring_lock, flags);
	*recorded = next_id - 1;
	*dropped_out = dropped;
	*size = ring_size;
	spin_unlock_irqrestore(&ring_lock, flags);
}

static void find_signal_generate(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "signal_generate"))
		signal_tp = tp;
}

int __init ptscope_faults_init(void)
{
	int ret;

	ring_size = clamp(ring_size, 8U, 65536U);
	ring = vzalloc(array_size(ring_size, sizeof(*ring)));
	if (!ring)
		return -ENOMEM;
	for_each_kernel_tracepoint(find_signal_generate, NULL);
	if (!signal_tp) {
		pr_warn("ptscope: no signal_generate tracepoint: faults are not recorded\n");
		return 0;
	}
	ret = tracepoint_probe_register(signal_tp, probe_signal_generate, NULL);
	if (ret) {
		vfree(ring);
		ring = NULL;
	}
	return ret;
}

void ptscope_faults_exit(void)
{
	if (signal_tp) {
		tracepoint_probe_unregister(signal_tp, probe_signal_generate, NULL);
		tracepoint_synchronize_unregister();
	}
	if (ring)
		forget_below(U64_MAX);
	vfree(ring);
}
