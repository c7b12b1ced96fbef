/* SPDX-License-Identifier: GPL-2.0 */
/* The fault ring (fault_ring.c), as the recorder (faults.c) uses it. */
#ifndef PTSCOPE_FAULT_RING_H
#define PTSCOPE_FAULT_RING_H

#include <linux/pid.h>
#include <linux/uidgid.h>

#include "ptscope.h"

/*
 * Whether a record of @uid may be made now: handled faults are throttled
 * per user (a refusal counts as dropped). *@tat is the user's throttle
 * state for ptscope_ring_add().
 */
bool ptscope_ring_admit(kuid_t uid, bool handled, u64 *tat);
/* Count a record that could not be made. */
void ptscope_ring_drop(void);

/* How ptscope_ring_add() has a record filled in, and what it replaced. */
struct ptscope_ring_fill {
	/* Called with the ring's lock held, interrupts off: copy, no more. */
	void (*fill)(struct ptscope_fault *f, struct ptscope_ring_fill *arg);
	u32 slot;		/* out: where the record went */
	struct pid *stale[2];	/* out: the replaced record's references, to put */
};

/*
 * Make a record of @uid in the slot take_slot() picks, with a fresh id
 * (returned; 0 if none could be made), filled in by @fill->fill.
 */
u64 ptscope_ring_add(kuid_t uid, u64 tat, struct ptscope_ring_fill *fill);
/* Copy the record @id in @slot; false when it was replaced meanwhile. */
bool ptscope_ring_copy(u32 slot, u64 id, struct ptscope_fault *out);
/* Put back the record @id in @slot, if it is still there. */
void ptscope_ring_update(u32 slot, u64 id, const struct ptscope_fault *f);
/* Forget every record kept so far (their references dropped, in process context). */
void ptscope_ring_clear(void);
int ptscope_ring_alloc(void);
void ptscope_ring_free(void);

#endif
