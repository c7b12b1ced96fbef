// SPDX-License-Identifier: GPL-2.0
/*
 * The fault ring: where fault records are kept, whom each is charged to,
 * which one a new record replaces, and who may read them (faults.c makes
 * the records).
 *
 * The ring holds ring_size records allocated at load. Each record is
 * charged to a user; a user may hold a quarter of the ring while it is
 * full. A new record takes a free slot; else, once its user holds its
 * quarter, that user's own oldest record; else the oldest record of the
 * user holding the most. So one user's crashes never push out the records
 * of a user who holds fewer than they do, and never more than three
 * quarters of the ring's. Whatever is replaced is counted as dropped.
 * Slots are reused out of id order, and two lists link the records oldest
 * first: all of them, and each user's.
 *
 * Users live in an array of ring_size entries (no more users can hold
 * records than there are records), found through a hash table, and linked
 * by how many records they hold, so that the user holding the most is
 * known at once. Every list is of u32 indices, with NIL at the ends.
 *
 * Handled faults (a handler installed) are control flow for JVMs, garbage
 * collectors and wasm runtimes, and can come by the million: each user gets
 * a burst of FAULT_BURST records, then one each FAULT_INTERVAL; the rest
 * cost a lookup and are counted as dropped.
 *
 * Everything here is guarded by ring_lock, taken with interrupts off: the
 * recorder runs with a siglock held.
 */
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>
#include <linux/vmalloc.h>

#include "ptscope.h"
#include "fault_ring.h"

static unsigned int ring_size = 256;
module_param(ring_size, uint, 0444);
MODULE_PARM_DESC(ring_size, "fault records kept (8-65536; a user may hold a quarter once it is full)");

/* Handled faults per user: a burst, then one per interval (jiffies). */
#define FAULT_BURST	32
#define FAULT_INTERVAL	(HZ / 10)
/* Readers look at this many slots per hold of ring_lock (interrupts off). */
#define FAULT_SCAN	256
#define NIL		U32_MAX

static bool user_faults = true;
module_param(user_faults, bool, 0644);
MODULE_PARM_DESC(user_faults,
		 "users read the fault records of their own processes (0: only CAP_SYS_ADMIN reads records)");

#ifdef PTSCOPE_RACE
static bool race_unthrottled;
module_param(race_unthrottled, bool, 0644);
MODULE_PARM_DESC(race_unthrottled,
		 "race build only: record every handled fault, so that adversaries reach the recorder at full rate");
#define unthrottled() READ_ONCE(race_unthrottled)
#else
#define unthrottled() false
#endif

/* Where a slot's record stands among the others. */
struct slot_link {
	u32 older, newer;		/* all records, by id; free slots: newer */
	u32 user_older, user_newer;	/* the records of its user */
	u32 user;			/* whom it is charged to: an index of users[] */
};

/* A user holding records, or (live 0) a free entry. */
struct fault_user {
	kuid_t uid;
	u32 live;
	u32 oldest, newest;		/* its records */
	u32 hash_next;			/* its hash chain; free entries: the free list */
	u32 fewer, more;		/* the users holding as many records */
	u64 tat;	/* handled faults: when the burst is whole again (jiffies) */
};

static struct ptscope_fault *ring;
static struct slot_link *links;
static struct fault_user *users;
static u32 *hash_heads;		/* BIT(users_bits) chains */
static u32 *by_live;		/* by_live[n]: the users holding n records */
static unsigned int users_bits;
static DEFINE_SPINLOCK(ring_lock);
static u32 oldest = NIL, newest = NIL, free_slots = NIL, free_users = NIL;
static u32 most;		/* the most records any user holds */
static u64 next_id = 1;		/* the id the next record gets */
static u64 first_id = 1;	/* no record below it is kept (clears move it) */
static u64 dropped;

static u32 user_find(kuid_t uid)
{
	u32 i = hash_heads[hash_32(__kuid_val(uid), users_bits)];

	while (i != NIL && !uid_eq(users[i].uid, uid))
		i = users[i].hash_next;
	return i;
}

/* @uid's entry, made with @tat if it has none; NIL if none is free. */
static u32 user_get(kuid_t uid, u64 tat)
{
	u32 i = user_find(uid), *head;

	if (i != NIL || free_users == NIL)
		return i;
	i = free_users;
	free_users = users[i].hash_next;
	head = &hash_heads[hash_32(__kuid_val(uid), users_bits)];
	users[i] = (struct fault_user) {
		.uid = uid, .oldest = NIL, .newest = NIL, .hash_next = *head,
		.fewer = NIL, .more = NIL, .tat = tat,
	};
	*head = i;
	return i;
}

static void user_free(u32 i)
{
	u32 *p = &hash_heads[hash_32(__kuid_val(users[i].uid), users_bits)];

	while (*p != i)
		p = &users[*p].hash_next;
	*p = users[i].hash_next;
	users[i].hash_next = free_users;
	free_users = i;
}

/* Move user @i from the users holding @from records to those holding @to. */
static void user_recount(u32 i, u32 from, u32 to)
{
	struct fault_user *u = &users[i];

	if (from) {
		if (u->fewer != NIL)
			users[u->fewer].more = u->more;
		else
			by_live[from] = u->more;
		if (u->more != NIL)
			users[u->more].fewer = u->fewer;
	}
	if (to) {
		u->fewer = NIL;
		u->more = by_live[to];
		if (u->more != NIL)
			users[u->more].fewer = i;
		by_live[to] = i;
	}
	u->live = to;
	/* Counts move by one: when the most drops, a user is one below. */
	if (to > most)
		most = to;
	else if (most && by_live[most] == NIL)
		most--;
}

/* Take the record in slot @s out of both lists (ring_lock held). */
static void unlink_slot(u32 s)
{
	struct slot_link *l = &links[s];
	struct fault_user *u = &users[l->user];

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
	user_recount(l->user, u->live, u->live - 1);
	if (!u->live)
		user_free(l->user);
}

/* Make slot @s the newest record, of all and of user @i's (ring_lock held). */
static void link_newest(u32 s, u32 i)
{
	struct slot_link *l = &links[s];
	struct fault_user *u = &users[i];

	l->user = i;
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
	user_recount(i, u->live, u->live + 1);
}

/* The slot a record of @uid goes to, its old record out of the lists (ring_lock held). */
static u32 take_slot(kuid_t uid)
{
	u32 s, i = user_find(uid);

	if (free_slots != NIL) {
		s = free_slots;
		free_slots = links[s].newer;
		return s;
	}
	if (i != NIL && users[i].live >= max(ring_size / 4, 1U))
		s = users[i].oldest;
	else
		s = users[by_live[most]].oldest;
	unlink_slot(s);
	dropped++;	/* a kept record makes room */
	return s;
}

bool ptscope_ring_admit(kuid_t uid, bool handled, u64 *tat)
{
	u64 now = get_jiffies_64(), t = now;
	unsigned long flags;
	bool ok = true;
	u32 i;

	spin_lock_irqsave(&ring_lock, flags);
	i = user_find(uid);
	if (i != NIL && users[i].tat > now)
		t = users[i].tat;
	if (handled && !unthrottled()) {
		if (t - now > (FAULT_BURST - 1) * FAULT_INTERVAL)
			ok = false;
		else
			t += FAULT_INTERVAL;
	}
	if (ok && i != NIL)
		users[i].tat = t;
	if (!ok)
		dropped++;
	spin_unlock_irqrestore(&ring_lock, flags);
	*tat = t;
	return ok;
}

void ptscope_ring_drop(void)
{
	unsigned long flags;

	spin_lock_irqsave(&ring_lock, flags);
	dropped++;
	spin_unlock_irqrestore(&ring_lock, flags);
}

u64 ptscope_ring_add(kuid_t uid, u64 tat, struct ptscope_ring_fill *fill)
{
	struct ptscope_fault *f;
	unsigned long flags;
	u32 s, i;
	u64 id;

	spin_lock_irqsave(&ring_lock, flags);
	s = take_slot(uid);
	/* Taking the slot may have freed @uid's entry, never the last free one. */
	i = user_get(uid, tat);
	f = &ring[s];
	fill->stale[0] = f->tgid_ref;
	fill->stale[1] = f->tid_ref;
	memset(f, 0, sizeof(*f));	/* id 0: a free slot */
	if (WARN_ON_ONCE(i == NIL)) {
		links[s].newer = free_slots;
		free_slots = s;
		dropped++;
		spin_unlock_irqrestore(&ring_lock, flags);
		return 0;
	}
	/* Admitted while it had no entry, or another CPU's admission was later. */
	users[i].tat = max(users[i].tat, tat);
	link_newest(s, i);
	id = next_id++;
	f->id = id;
	fill->slot = s;
	fill->fill(f, fill);
	spin_unlock_irqrestore(&ring_lock, flags);
	return id;
}

bool ptscope_ring_copy(u32 slot, u64 id, struct ptscope_fault *out)
{
	unsigned long flags;
	bool kept;

	spin_lock_irqsave(&ring_lock, flags);
	kept = ring[slot].id == id;
	if (kept)
		*out = ring[slot];
	spin_unlock_irqrestore(&ring_lock, flags);
	return kept;
}

void ptscope_ring_update(u32 slot, u64 id, const struct ptscope_fault *f)
{
	unsigned long flags;

	spin_lock_irqsave(&ring_lock, flags);
	if (ring[slot].id == id)
		ring[slot] = *f;
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
 * that ran with the reader's uid and gid and were open to them (f->open,
 * see faults.c) when they faulted, as ptrace access to the process would
 * have been decided then. Security modules are not asked (their ptrace
 * hook is not exported, and the process is usually gone): where they
 * confine users, user_faults=0 leaves the records to CAP_SYS_ADMIN.
 */
static bool visible(const struct ptscope_fault *f, const struct ptscope_fault_reader *rd)
{
	return rd->admin ||
	       (READ_ONCE(user_faults) && f->open && uid_eq(f->kuid, rd->uid) &&
		gid_eq(f->kgid, rd->gid));
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

/* Forget every record older than @below, and drop the references it holds. */
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
}

void ptscope_ring_clear(void)
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

int __init ptscope_ring_alloc(void)
{
	unsigned int i;

	ring_size = clamp(ring_size, 8U, 65536U);
	/* Twice as many chains as users at most: short chains. */
	users_bits = order_base_2(ring_size) + 1;
	ring = vzalloc(array_size(ring_size, sizeof(*ring)));
	links = vmalloc_array(ring_size, sizeof(*links));
	users = vmalloc_array(ring_size, sizeof(*users));
	hash_heads = vmalloc_array(BIT(users_bits), sizeof(*hash_heads));
	by_live = vmalloc_array(ring_size + 1, sizeof(*by_live));
	if (!ring || !links || !users || !hash_heads || !by_live) {
		ptscope_ring_free();
		return -ENOMEM;
	}
	for (i = 0; i < ring_size; i++) {
		links[i].newer = i + 1 < ring_size ? i + 1 : NIL;
		users[i].hash_next = i + 1 < ring_size ? i + 1 : NIL;
	}
	free_slots = 0;
	free_users = 0;
	memset32(hash_heads, NIL, BIT(users_bits));
	memset32(by_live, NIL, ring_size + 1);
	return 0;
}

void ptscope_ring_free(void)
{
	if (ring && links && users && hash_heads && by_live)
		forget_below(U64_MAX);
	vfree(by_live);
	vfree(hash_heads);
	vfree(users);
	vfree(links);
	vfree(ring);
	by_live = NULL;
	hash_heads = NULL;
	users = NULL;
	links = NULL;
	ring = NULL;
}
