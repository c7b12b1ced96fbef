/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ptscope-recorder's state, shared by its loop (recorder.c) and its output (recorder_out.c). */
#ifndef PTSCOPE_CLI_RECORDER_H
#define PTSCOPE_CLI_RECORDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>

struct cli_sd;
struct ptscope;
struct ptscope_fault;

#define REC_PENDING_MAX 64

struct recorder {
	/* options */
	const char *output; /* JSON lines here; NULL: the journal */
	uint64_t max_size; /* rotate the output at this size; 0: never */
	unsigned int keep_files; /* rotated files kept */
	unsigned int rate; /* records kept a second; 0: no limit */
	const char *state; /* the last record kept, across restarts */
	bool physical; /* keep frames and table addresses (else hidden as for non-admins) */
	/* the module */
	struct ptscope *follow, *fetch; /* announcements; reading records back */
	uint64_t user_max; /* its user address space's top, kept with each record */
	uint32_t ring;
	uint64_t module_made; /* records it had made when opened */
	uint64_t last; /* the newest record id dealt with (kept, dropped or missed) */
	bool catch_up; /* read what the ring keeps past @last when quiet */
	bool from_start; /* a module loaded again: its records before the ring's were missed */
	bool state_dirty;
	uint64_t state_saved_ms;
	/*
	 * Records read back before the module took their snapshot (the id is
	 * given when the signal is, the snapshot and the announcement follow
	 * in the task): kept aside for the announcement, or until PENDING_MS.
	 */
	struct {
		uint64_t id, since_ms;
	} pending[REC_PENDING_MAX];
	unsigned int npending;
	bool fetched; /* a read back found its record */
	/* counters */
	uint64_t kept, missed, dropped, lost, overflows;
	uint64_t missed_said, dropped_said, lost_said, reported;
	bool lost_fatal; /* the output cannot be written at all */
	double tokens;
	uint64_t refilled;
	/* output */
	const struct cli_sd *sd; /* NULL: no libsystemd (a file, no notifications) */
	FILE *out;
	uint64_t out_size;
};

/* CLOCK_MONOTONIC in milliseconds. */
uint64_t rec_now_ms(void);
/* recorder_out.c: where the records go. */
int rec_output_open(struct recorder *r);
void rec_output_close(struct recorder *r);
void rec_reopen(struct recorder *r); /* SIGHUP: logrotate moved the file */
/* One record: 0, or -1 if it could not be written. */
int rec_emit(struct recorder *r, const struct ptscope_fault *f, const void *raw, size_t len);
/* What the recorder itself has to say (PTSCOPE_RECORDER_EVENT=@event). */
void rec_event(struct recorder *r, const char *event, int priority, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void rec_state_load(struct recorder *r);
void rec_state_save(struct recorder *r, bool now);
/* The module loaded now is the one whose records the state counts. */
bool rec_state_same_module(struct recorder *r);

#endif
