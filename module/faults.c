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
 * The records are kept in the fault ring (fault_ring.c), which decides
 * what a new record replaces, throttles handled faults (a handler
 * installed: control flow for JVMs, garbage collectors and wasm runtimes)
 * and decides who reads what. A fatal fault is always recorded: it costs
 * the process its life.
 *
 * Each queued task_work holds a module reference, so the module cannot go
 * while one is pending (and see ptscope_exit() for the return from it).
 *
 * A record keeps references to the faulting thread's struct pids, so that
 * each reader sees the pids its own pid namespace gives (and nothing of a
 * process its namespace cannot see), even after the process is gone. The
 * references a replaced record held are dropped in the task_work, in
 * process context: dropping the last one can free a pid namespace, which
 * is no job for a tracepoint under the siglock.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <trace/events/signal.h>	/* the TRACE_SIGNAL_* results */
#include <linux/user_namespace.h>
#include <asm/processor.h>
#include <asm/syscall.h>

#include "ptscope.h"
#include "fault_ring.h"
#include "compat.h"
#include "arch.h"

static struct tracepoint *signal_tp;

#ifdef PTSCOPE_RACE
static unsigned int race_preempt_ms;
module_param(race_preempt_ms, uint, 0644);
MODULE_PARM_DESC(race_preempt_ms,
		 "race build only: ms a fault's task_work stays in module text after module_put");

/*
 * On the run queue yet off the CPU now and then, as a preempted task is.
 * A busy-wait would not do: with preemption off it holds back the RCU
 * grace periods an unload waits for anyway, and so hides the window.
 */
static void race_preempted(void)
{
	unsigned long end = jiffies + msecs_to_jiffies(READ_ONCE(race_preempt_ms));

	while (time_before(jiffies, end))
		cond_resched();
}
#else
static inline void race_preempted(void)
{
}
#endif

struct fault_work {
	struct callback_head cb;
	u64 id;
	u32 slot;
	struct pid *stale[2];	/* the replaced record's references */
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

/*
 * Whom a record is charged to: its real uid, except in a user namespace an
 * unprivileged user made, where all of that namespace's uids (the user's
 * subordinate ids) are the user's own, charged to the namespace's owner.
 */
static kuid_t charge_of(const struct cred *cred)
{
	struct user_namespace *ns = cred->user_ns;

	if (ns == &init_user_ns)
		return cred->uid;
	while (ns->parent != &init_user_ns)
		ns = ns->parent;
	return uid_eq(ns->owner, GLOBAL_ROOT_UID) ? cred->uid : ns->owner;
}

/*
 * Whether the faulting process is one its own user may read about, as core
 * dumps and /proc/PID/maps decide it: dumpable, with no credential changed
 * by a setuid or setgid program, and no capabilities. A process that had
 * any of those is described to CAP_SYS_ADMIN only.
 */
static bool open_to_its_user(const struct cred *cred, struct task_struct *task)
{
	return ptscope_dumpable_by_owner(task) &&
	       uid_eq(cred->uid, cred->euid) && uid_eq(cred->uid, cred->suid) &&
	       gid_eq(cred->gid, cred->egid) && gid_eq(cred->gid, cred->sgid) &&
	       cap_isclear(cred->cap_permitted);
}

/* The mapping @vma as a record keeps it; @name is a PATH_MAX buffer. */
static void keep_vma(struct vm_area_struct *vma, struct ptscope_fault_vma *out, char *name)
{
	struct ptscope_vma v = { };

	if (!vma)
		return;
	ptscope_vma_identify(vma, &v, name);
	out->start = v.start;
	out->end = v.end;
	out->flags = v.flags;
	out->pgoff = v.pgoff;
	out->backing = v.backing;
	strscpy(out->name, v.name, sizeof(out->name));
	out->present = true;
}

/*
 * The address space around the fault, from the faulting task itself: the
 * mapping at the address and its two neighbours are found in O(log n) of
 * the maple tree, whatever the number of mappings, and only they (and the
 * executable) are named.
 */
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
		/* find_vma_prev()'s own steps: it is not exported. */
		VMA_ITERATOR(vmi, mm, f->addr);

		vma = mas_walk(&vmi.mas);
		keep_vma(vma, &f->vma, buf);
		keep_vma(vma_prev(&vmi), &f->below, buf);
		keep_vma(find_vma(mm, vma ? vma->vm_end : f->addr), &f->above, buf);
	}
	mmap_read_unlock(mm);
	if (f->addr < ptscope_arch_user_addr_max())
		ptscope_xlate(mm, f->addr, &f->x_addr);
	if (f->ip < ptscope_arch_user_addr_max())
		ptscope_xlate(mm, f->ip, &f->x_ip);
	f->snapshot = true;
}

/* In the faulting task, before the signal is delivered. */
static void fault_work(struct callback_head *cb)
{
	struct fault_work *w = container_of(cb, struct fault_work, cb);
	struct ptscope_fault *f = kvzalloc(sizeof(*f), GFP_KERNEL);
	char *buf = kmalloc(PATH_MAX, GFP_KERNEL);

	put_stale(w);
	put_orphans();
	if (!f || !buf || !current->mm)	/* no mm: the task is already exiting */
		goto out;
	if (!ptscope_ring_copy(w->slot, w->id, f))
		goto out;	/* replaced meanwhile: a burst outran the ring */
	snapshot(current->mm, f, buf);
	ptscope_ring_update(w->slot, w->id, f);
	ptscope_nl_fault_event(f);
out:
	kfree(buf);
	kvfree(f);
	kfree(w);
	module_put(THIS_MODULE);
	/*
	 * From here the module may be unloading: the return runs module text,
	 * which ptscope_exit() keeps until this task has left it. The race
	 * build holds the task here, as a preemption could.
	 */
	race_preempted();
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
 * Whether the signal is one the CPU raised for the current task's own user
 * memory access. si_code > 0 alone is no proof: rt_sigqueueinfo(),
 * rt_tgsigqueueinfo() and pidfd_send_signal() let a process send itself any
 * si_code. A fault comes from an exception: task context, and the entry
 * code marks the registers as no system call (orig_ax -1), where every one
 * of those senders is a system call. The SI_KERNEL SIGSEGVs the kernel
 * raises on the way back from a system call (a signal frame it cannot
 * write, a broken rseq area) are dropped with them; after an interrupt, a
 * fault or rt_sigreturn (which sets orig_ax -1 too) they are kept: they
 * are real.
 *
 * A tracer can change a stopped tracee's pending signal into any siginfo
 * (PTRACE_SETSIGINFO) and resume it with that signal, on the tracee's way
 * back from an interrupt. The kernel generates it again only if it is
 * blocked, or if SIGKILL is pending (the tracer sent one to end the stop);
 * a real fault's signal is never blocked, since force_sig_info_to_task()
 * unblocks it before generating it, and a task about to die of SIGKILL has
 * nothing left to explain. The probe also takes only signals that were
 * queued or already pending, not ones the kernel ignored.
 */
static bool raised_by_fault(int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	if ((sig != SIGSEGV && sig != SIGBUS) || info == SEND_SIG_NOINFO ||
	    info == SEND_SIG_PRIV || info->si_code <= 0 || task != current ||
	    (task->flags & PF_KTHREAD) || !task->mm || !in_task() ||
	    sigismember(&task->blocked, sig) || __fatal_signal_pending(task))
		return false;
	return syscall_get_nr(task, task_pt_regs(task)) < 0;
}

/* What the probe copies into a new record, with the ring's lock held. */
struct fault_fill {
	struct ptscope_ring_fill ring;
	struct task_struct *task;
	const struct cred *cred;
	struct kernel_siginfo *info;
	int sig;
	bool handled;
};

static void fill_record(struct ptscope_fault *f, struct ptscope_ring_fill *arg)
{
	struct fault_fill *ff = container_of(arg, struct fault_fill, ring);
	struct task_struct *task = ff->task;
	struct pt_regs *regs = task_pt_regs(task);

	f->time_ns = ktime_get_real_ns();
	f->tgid_ref = get_pid(task_tgid(task));
	f->tid_ref = get_pid(task_pid(task));
	f->kuid = ff->cred->uid;
	f->kgid = ff->cred->gid;
	f->open = open_to_its_user(ff->cred, task);
	/* As the initial namespaces see them: what fault events carry. */
	f->pid = task_tgid_nr(task);
	f->tid = task_pid_nr(task);
	f->uid = from_kuid(&init_user_ns, f->kuid);
	strscpy(f->comm, task->comm, sizeof(f->comm));
	f->sig = ff->sig;
	f->code = ff->info->si_code;
	/* Untagged, as delivery shows it (unless SA_EXPOSE_TAGBITS) and as the tables know it. */
	f->addr = ptscope_untagged_addr((unsigned long)ff->info->si_addr);
	f->ip = instruction_pointer(regs);
	f->sp = user_stack_pointer(regs);
	ptscope_arch_fault(task, ff->info, &f->error, &f->esr, &f->has_esr, &f->trap,
			   &f->has_trap);
	f->handled = ff->handled;
}

/* signal_generate: siglock held, interrupts off. */
static void probe_signal_generate(void *data, int sig, struct kernel_siginfo *info,
				  struct task_struct *task, int group, int result)
{
	struct fault_fill ff = {
		.ring.fill = fill_record, .task = task, .info = info, .sig = sig,
	};
	struct fault_work *w;
	kuid_t charge;
	u64 tat;

	if (!raised_by_fault(sig, info, task))
		return;
	/* A signal the kernel ignored never reaches the task. */
	if (result != TRACE_SIGNAL_DELIVERED && result != TRACE_SIGNAL_ALREADY_PENDING)
		return;
	ff.cred = current_cred();	/* task is current */
	charge = charge_of(ff.cred);
	ff.handled = user_handler(task, sig);
	/*
	 * A tracer may suppress each fault and resume the task at the same
	 * access, as often as it likes: the task survives, so its faults are
	 * throttled as handled ones.
	 */
	if (!ptscope_ring_admit(charge, ff.handled || task->ptrace, &tat))
		return;
	/*
	 * The work comes first: without it the record would keep its
	 * references with no process context to drop the ones it replaces.
	 */
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!w || !try_module_get(THIS_MODULE)) {
		kfree(w);
		ptscope_ring_drop();
		return;
	}
	init_task_work(&w->cb, fault_work);
	w->id = ptscope_ring_add(charge, tat, &ff.ring);
	w->slot = ff.ring.slot;
	w->stale[0] = ff.ring.stale[0];
	w->stale[1] = ff.ring.stale[1];
	if (!w->id || task_work_add(task, &w->cb, TWA_RESUME)) {
		/* The task is exiting: the record stays, without its snapshot. */
		llist_add(&w->orphan, &orphans);
		module_put(THIS_MODULE);
	}
}

void ptscope_faults_clear(void)
{
	ptscope_ring_clear();
	put_orphans();
}

static void find_signal_generate(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "signal_generate"))
		signal_tp = tp;
}

int __init ptscope_faults_alloc(void)
{
	return ptscope_ring_alloc();
}

int __init ptscope_faults_start(void)
{
	for_each_kernel_tracepoint(find_signal_generate, NULL);
	if (!signal_tp) {
		pr_warn("ptscope: no signal_generate tracepoint: faults are not recorded\n");
		return 0;
	}
	return tracepoint_probe_register(signal_tp, probe_signal_generate, NULL);
}

void ptscope_faults_stop(void)
{
	if (!signal_tp)
		return;
	tracepoint_probe_unregister(signal_tp, probe_signal_generate, NULL);
	tracepoint_synchronize_unregister();
	signal_tp = NULL;
}

void ptscope_faults_free(void)
{
	ptscope_ring_free();
	put_orphans();
}
