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
 * The ring holds ring_size records allocated at load. Each record is
 * charged to a user (see charge_of()); a user may hold a quarter of the
 * ring while it is full. A new record takes a free slot, else replaces its
 * own user's oldest record once that user holds its quarter, else the
 * oldest record of all: one user's crashes never push out more than a
 * quarter of the others'. Whatever is replaced is counted as dropped. So
 * slots are reused out of id order, and two lists link the records oldest
 * first: all of them, and each user's.
 *
 * Handled faults (a handler installed) are control flow for JVMs, garbage
 * collectors and wasm runtimes, and can come by the million: each user gets
 * a burst of FAULT_BURST records, then one each FAULT_INTERVAL; the rest
 * cost a lookup in the probe and are counted as dropped. A fatal fault is
 * always recorded: it costs the process its life.
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
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>
#include <asm/processor.h>
#include <asm/syscall.h>

#include "ptscope.h"

static unsigned int ring_size = 256;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "fault records kept (8-65536; a user may hold a quarter once it is full)");

/* Handled faults per user: a burst, then one per interval (jiffies). */
#define FAULT_BURST	32
#define FAULT_INTERVAL	(HZ / 10)
/* Readers look at this many slots per hold of ring_lock (interrupts off). */
#define FAULT_SCAN	256
#define NIL		U32_MAX

/* Where a slot's record stands among the others. */
struct slot_link {
	u32 older, newer;		/* all records, by id; free slots: newer */
	u32 user_older, user_newer;	/* the records of its user */
	kuid_t user;			/* whom it is charged to */
};

/* A user holding records; live 0: a free entry of the hash table. */
struct fault_user {
	kuid_t uid;
	u32 live;
	u32 oldest, newest;
	u64 tat;	/* handled faults: when the burst is whole again (jiffies) */
};

static struct ptscope_fault *ring;
static struct slot_link *links;
static struct fault_user *users;	/* open addressing, linear probing */
static unsigned int users_bits;
/* Guards all of the above, oldest, newest, free_slots and the counters. */
static DEFINE_SPINLOCK(ring_lock);
static u32 oldest = NIL, newest = NIL, free_slots = NIL;
static u64 next_id = 1;		/* the id the next record gets */
static u64 first_id = 1;	/* no record below it is kept (clears move it) */
static u64 dropped;
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

/* @uid's entry, or the free one where it would go (ring_lock held). */
static struct fault_user *user_entry(kuid_t uid)
{
	u32 mask = BIT(users_bits) - 1, i = hash_32(__kuid_val(uid), users_bits);

	/* Users with records <= ring_size < table size: a free entry exists. */
	while (users[i].live && !uid_eq(users[i].uid, uid))
		i = (i + 1) & mask;
	return &users[i];
}

/* @uid's entry; a new one starts with an empty list and @tat (ring_lock held). */
static struct fault_user *user_get(kuid_t uid, u64 tat)
{
	struct fault_user *u = user_entry(uid);

	if (!u->live) {
		u->uid = uid;
		u->oldest = NIL;
		u->newest = NIL;
		u->tat = tat;
	}
	return u;
}

/* Free @u, moving later entries of its probe run back (ring_lock held). */
static void user_free(struct fault_user *u)
{
	u32 mask = BIT(users_bits) - 1, i = u - users, j = i, home;

	for (;;) {
		users[i].live = 0;
		do {
			j = (j + 1) & mask;
			if (!users[j].live)
				return;
			home = hash_32(__kuid_val(users[j].uid), users_bits);
			/* j may fill the hole at i unless its home lies in (i, j]. */
		} while (i <= j ? (home > i && home <= j) : (home > i || home <= j));
		users[i] = users[j];
		i = j;
	}
}

/* Take the record in slot @s out of both lists (ring_lock held). */
static void unlink_slot(u32 s)
{
	struct slot_link *l = &links[s];
	struct fault_user *u = user_entry(l->user);

	if (l->older != NIL)
		links[l->older].newer = l->newer;
	else
		oldest = l->newer;
	if (l->newer != NIL)
		links[l->newer].older = l->older;
	else
		newest = l->older;
	if (l->user_older != NIL)
		links[l->user_older].user_newer = l->user_newer;
	else
		u->oldest = l->user_newer;
	if (l->user_newer != NIL)
		links[l->user_newer].user_older = l->user_older;
	else
		u->newest = l->user_older;
	if (!--u->live)
		user_free(u);
}

/* Make slot @s the newest record, of all and of @u's (ring_lock held). */
static void link_newest(u32 s, struct fault_user *u)
{
	struct slot_link *l = &links[s];

	l->user = u->uid;
	l->older = newest;
	l->newer = NIL;
	if (newest != NIL)
		links[newest].newer = s;
	else
		oldest = s;
	newest = s;
	l->user_older = u->newest;
	l->user_newer = NIL;
	if (u->newest != NIL)
		links[u->newest].user_newer = s;
	else
		u->oldest = s;
	u->newest = s;
	u->live++;
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
static bool open_to_its_user(const struct cred *cred, struct mm_struct *mm)
{
	return get_dumpable(mm) == SUID_DUMP_USER &&
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
	if (ring[w->slot].id == w->id) {
		*f = ring[w->slot];
		kept = true;
	}
	spin_unlock_irqrestore(&ring_lock, flags);
	if (!kept)
		goto out;	/* replaced meanwhile: a burst outran the ring */
	snapshot(current->mm, f, buf);
	spin_lock_irqsave(&ring_lock, flags);
	if (ring[w->slot].id == w->id)
		ring[w->slot] = *f;
	spin_unlock_irqrestore(&ring_lock, flags);
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
 * si_code, and F_SETSIG makes SIGIO any signal with si_code POLL_*, sent
 * from interrupts. A fault comes from an exception: task context, and the
 * entry code marks the registers as no system call (orig_ax -1), where
 * every one of those senders is a system call or an interrupt. The
 * SI_KERNEL SIGSEGVs the kernel raises on the way back from a system call
 * (a signal frame it cannot write, a broken rseq area) are dropped with
 * them; after an interrupt or a fault they are kept.
 */
static bool raised_by_fault(int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	if ((sig != SIGSEGV && sig != SIGBUS) || info == SEND_SIG_NOINFO ||
	    info == SEND_SIG_PRIV || info->si_code <= 0 || task != current ||
	    (task->flags & PF_KTHREAD) || !task->mm || !in_task())
		return false;
	return syscall_get_nr(task, task_pt_regs(task)) < 0;
}

/* Whether @u may have one more handled fault recorded now (ring_lock held). */
static bool handled_allowed(struct fault_user *u)
{
	u64 now = get_jiffies_64();

	if (u->tat < now)
		u->tat = now;
	if (u->tat - now > (FAULT_BURST - 1) * FAULT_INTERVAL)
		return false;
	u->tat += FAULT_INTERVAL;
	return true;
}

/* The slot a record of @u goes to; its old record leaves the lists (ring_lock held). */
static u32 take_slot(struct fault_user *u)
{
	u32 s;

	if (free_slots != NIL) {
		s = free_slots;
		free_slots = links[s].newer;
		return s;
	}
	s = u->live >= max(ring_size / 4, 1U) ? u->oldest : oldest;
	unlink_slot(s);
	dropped++;	/* a kept record makes room */
	return s;
}

/* signal_generate: siglock held, interrupts off. */
static void probe_signal_generate(void *data, int sig, struct kernel_siginfo *info,
				  struct task_struct *task, int group, int result)
{
	const struct cred *cred;
	struct pt_regs *regs;
	struct fault_work *w;
	struct fault_user *u;
	struct ptscope_fault *f;
	unsigned long flags;
	bool handled;
	kuid_t charge;
	u64 tat;
	u32 s;

	if (!raised_by_fault(sig, info, task))
		return;
	cred = current_cred();	/* task is current */
	charge = charge_of(cred);
	handled = user_handler(task, sig);
	spin_lock_irqsave(&ring_lock, flags);
	u = user_get(charge, get_jiffies_64());
	if (handled && !handled_allowed(u))
		goto drop;
	/*
	 * The work is allocated first: without it the record would keep its
	 * references with no process context to drop the ones it replaces.
	 */
	w = kzalloc(sizeof(*w), GFP_ATOMIC);
	if (!w || !try_module_get(THIS_MODULE)) {
		kfree(w);
		goto drop;
	}
	init_task_work(&w->cb, fault_work);
	tat = u->tat;
	s = take_slot(u);
	/* Taking the slot may have freed or moved @u's entry. */
	u = user_get(charge, tat);
	link_newest(s, u);
	f = &ring[s];
	w->id = next_id++;
	w->slot = s;
	w->stale[0] = f->tgid_ref;
	w->stale[1] = f->tid_ref;
	memset(f, 0, sizeof(*f));
	regs = task_pt_regs(task);
	f->id = w->id;
	f->time_ns = ktime_get_real_ns();
	f->tgid_ref = get_pid(task_tgid(task));
	f->tid_ref = get_pid(task_pid(task));
	f->kuid = cred->uid;
	f->kgid = cred->gid;
	f->open = open_to_its_user(cred, task->mm);
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
	f->handled = handled;
	spin_unlock_irqrestore(&ring_lock, flags);

	if (task_work_add(task, &w->cb, TWA_RESUME)) {
		/* The task is exiting: the record stays, without its snapshot. */
		llist_add(&w->orphan, &orphans);
		module_put(THIS_MODULE);
	}
	return;
drop:
	dropped++;
	spin_unlock_irqrestore(&ring_lock, flags);
}

void ptscope_fault_reader_init(struct ptscope_fault_reader *rd, bool admin)
{
	memset(rd, 0, sizeof(*rd));
	rd->admin = admin;
	rd->uid = current_fsuid();
	rd->gid = current_fsgid();
	rd->at = NIL;
}

/*
 * One rule for GET_FAULTS, debugfs and everything built on them (explain):
 * CAP_SYS_ADMIN sees every record; anyone else only records of processes
 * that ran with the reader's uid and gid and were open to them (see
 * open_to_its_user()) when they faulted, as ptrace access to the process
 * would have been decided then.
 */
static bool visible(const struct ptscope_fault *f, const struct ptscope_fault_reader *rd)
{
	return rd->admin ||
	       (f->open && uid_eq(f->kuid, rd->uid) && gid_eq(f->kgid, rd->gid));
}

int ptscope_fault_get(u64 id, struct ptscope_fault_reader *rd, struct ptscope_fault *out)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct user_namespace *uns = current_user_ns();
	const struct ptscope_fault *f;
	unsigned long flags;
	unsigned int n = 0;
	u64 s_id = 0;
	pid_t pid;
	u32 s;

	spin_lock_irqsave(&ring_lock, flags);
	/* Where the last answer was, if it is still there: no record before it counts. */
	if (rd->at < ring_size && ring[rd->at].id == rd->at_id && rd->at_id && rd->at_id <= id)
		s = rd->at;
	else
		s = oldest;
	for (; s != NIL; s = links[s].newer) {
		if (++n > FAULT_SCAN) {
			/* Interrupts have been off long enough: let them in. */
			s_id = ring[s].id;
			spin_unlock_irqrestore(&ring_lock, flags);
			cond_resched();
			spin_lock_irqsave(&ring_lock, flags);
			n = 0;
			if (ring[s].id != s_id)	/* replaced meanwhile: start again */
				s = oldest;
			if (s == NIL)
				break;
		}
		f = &ring[s];
		if (f->id < id || f->id < first_id || !visible(f, rd))
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
		rd->at = s;
		rd->at_id = f->id;
		spin_unlock_irqrestore(&ring_lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&ring_lock, flags);
	return -ENOENT;
}

/* Forget every record older than @below, and the references it holds. */
static void forget_below(u64 below)
{
	struct pid *refs[2];
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < ring_size; i++) {
		spin_lock_irqsave(&ring_lock, flags);
		if (!ring[i].id || ring[i].id >= below) {	/* free, or recorded since */
			spin_unlock_irqrestore(&ring_lock, flags);
			continue;
		}
		unlink_slot(i);
		links[i].newer = free_slots;
		free_slots = i;
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

int __init ptscope_faults_alloc(void)
{
	unsigned int i;

	ring_size = clamp(ring_size, 8U, 65536U);
	/* Twice the most users that can hold records: short probe runs. */
	users_bits = order_base_2(ring_size) + 1;
	ring = vzalloc(array_size(ring_size, sizeof(*ring)));
	links = vmalloc_array(ring_size, sizeof(*links));
	users = vzalloc(array_size(BIT(users_bits), sizeof(*users)));
	if (!ring || !links || !users) {
		ptscope_faults_free();
		return -ENOMEM;
	}
	for (i = 0; i < ring_size; i++)
		links[i].newer = i + 1 < ring_size ? i + 1 : NIL;
	free_slots = 0;
	return 0;
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
	if (ring && links && users)
		forget_below(U64_MAX);
	vfree(users);
	vfree(links);
	vfree(ring);
	users = NULL;
	links = NULL;
	ring = NULL;
}
