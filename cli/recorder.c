// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope-recorder: every fault record the module makes, kept where the
 * system keeps its logs (the journal, or JSON lines in a file), so that a
 * crash can be explained after an unload, a reboot or a storm that the
 * module's ring does not outlive. See ptscope-recorder(8).
 *
 * It follows the "faults" multicast group. What it cannot keep it counts
 * and says: records gone from the ring before it read them (missed), and
 * records over its rate (dropped). It never slows the faulting processes:
 * the module announces records without waiting for anyone.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "libptscope.h"
#include "recorder.h"
#include "sd.h"
#include "uapi/ptscope.h"
#include "version.h"

/* An announcement waited for this long; then the record is kept as it is. */
#define PENDING_MS 2000
/* Quiet this long: catch up, report, look for the module. */
#define IDLE_MS 1000

static volatile sig_atomic_t stopping, reopen;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reopen = 1;
	else
		stopping = 1;
}

uint64_t rec_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* A token bucket: @rate records a second, as a burst of up to @rate. */
static bool within_rate(struct recorder *r)
{
	uint64_t t = rec_now_ms();

	if (!r->rate)
		return true;
	r->tokens += (double)(t - r->refilled) * r->rate / 1000.0;
	if (r->tokens > r->rate)
		r->tokens = r->rate;
	r->refilled = t;
	if (r->tokens < 1.0)
		return false;
	r->tokens -= 1.0;
	return true;
}

static void emit(struct recorder *r, const struct ptscope_fault *f, const void *raw, size_t len)
{
	r->state_dirty = true; /* one kept aside may be done now */
	if (rec_emit(r, f, raw, len))
		r->lost++;
	else
		r->kept++;
}

/* Whether @id was kept aside (and is no longer). */
static bool pending_take(struct recorder *r, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < r->npending; i++) {
		if (r->pending[i].id != id)
			continue;
		r->pending[i] = r->pending[--r->npending];
		return true;
	}
	return false;
}

/*
 * One record, kept (or counted as dropped); @last moves past it either way.
 * @announced: the module sent it when done with it (a record read back may
 * still wait for its snapshot).
 */
static void keep(struct recorder *r, const struct ptscope_fault *f, const void *raw, size_t len,
		 bool announced)
{
	if (f->id <= r->last) {
		/* Read twice: once read back, once announced. The latter, if awaited. */
		if (announced && pending_take(r, f->id))
			emit(r, f, raw, len);
		return;
	}
	r->last = f->id;
	r->state_dirty = true;
	if (!within_rate(r)) {
		r->dropped++;
		return;
	}
	if (!announced && !f->snapshot && r->npending < REC_PENDING_MAX) {
		r->pending[r->npending].id = f->id;
		r->pending[r->npending].since_ms = rec_now_ms();
		r->npending++;
		return;
	}
	emit(r, f, raw, len);
}

static int keep_fetched(const struct ptscope_fault *f, const void *raw, size_t len, void *arg)
{
	struct recorder *r = arg;

	r->fetched = true;
	keep(r, f, raw, len, false);
	return 0;
}

static int emit_fetched(const struct ptscope_fault *f, const void *raw, size_t len, void *arg)
{
	struct recorder *r = arg;

	r->fetched = true;
	emit(r, f, raw, len);
	return 0;
}

/* Record @id from the ring, to @fn: whether the ring still had it. */
static bool read_back(struct recorder *r, uint64_t id, ptscope_fault_raw_fn fn)
{
	r->fetched = false;
	return r->fetch && !ptscope_faults_raw(r->fetch, id, fn, r) && r->fetched;
}

/*
 * The records kept aside whose announcement has not come in PENDING_MS (or
 * all, with @all): kept as the ring has them now, snapshot or not; missed
 * if the ring has them no more.
 */
static void pending_flush(struct recorder *r, bool all)
{
	uint64_t t = rec_now_ms();
	unsigned int i = 0;

	while (i < r->npending) {
		uint64_t id = r->pending[i].id;

		if (!all && t - r->pending[i].since_ms < PENDING_MS) {
			i++;
			continue;
		}
		r->pending[i] = r->pending[--r->npending];
		r->state_dirty = true;
		if (!read_back(r, id, emit_fetched))
			r->missed++;
	}
}

/*
 * Records between @r->last and @id that were announced and not read (the
 * socket overflowed, or an announcement came late): read back those the
 * ring still keeps (no more than its size), and count the others.
 */
static void fill_gap(struct recorder *r, uint64_t id)
{
	uint64_t from = r->last + 1, i, most = r->ring ? r->ring : 256;

	/* Older than the ring's size: gone from it. */
	if (id - from > most) {
		r->missed += id - from - most;
		from = id - most;
	}
	for (i = from; i < id; i++) {
		if (!read_back(r, i, keep_fetched)) {
			r->missed++;
			r->last = i;
		}
	}
}

/* Every record the ring still keeps past @r->last, oldest first. */
static int catch_up_one(const struct ptscope_fault *f, const void *raw, size_t len, void *arg)
{
	struct recorder *r = arg;

	if (f->id <= r->last)
		return 0;
	if (f->id > r->last + 1 && (r->last || r->from_start))
		r->missed += f->id - r->last - 1; /* older than the ring */
	keep(r, f, raw, len, false);
	return 0;
}

static void catch_up(struct recorder *r)
{
	r->catch_up = false;
	if (ptscope_faults_raw(r->fetch, 0, catch_up_one, r))
		rec_event(r, "error", LOG_ERR, "reading the kept records: %s", ptscope_errmsg());
}

/* The counters, when they moved: into the log, and into systemctl status. */
static void report(struct recorder *r, bool force)
{
	uint64_t t = rec_now_ms();
	char status[256];

	if (!force &&
	    (t - r->reported < 10000 || (r->missed == r->missed_said &&
					 r->dropped == r->dropped_said && r->lost == r->lost_said)))
		return;
	r->reported = t;
	if (r->missed != r->missed_said || r->dropped != r->dropped_said ||
	    r->lost != r->lost_said) {
		rec_event(r, "missed", LOG_WARNING,
			  "%" PRIu64 " records missed (gone from the module's ring before they "
			  "were read), %" PRIu64 " dropped over the rate of %u a second, %" PRIu64
			  " not written, since the start",
			  r->missed, r->dropped, r->rate, r->lost);
		r->missed_said = r->missed;
		r->dropped_said = r->dropped;
		r->lost_said = r->lost;
	}
	snprintf(status, sizeof(status),
		 "STATUS=%" PRIu64 " records kept, %" PRIu64 " missed, %" PRIu64
		 " dropped; module %s",
		 r->kept, r->missed, r->dropped, r->fetch ? "loaded" : "not loaded");
	if (r->sd)
		r->sd->notify(0, status);
}

static int on_record(const struct ptscope_fault *f, const void *raw, size_t len, void *arg)
{
	struct recorder *r = arg;

	if (f) {
		if (f->id > r->last + 1)
			fill_gap(r, f->id);
		keep(r, f, raw, len, true);
	} else if (r->catch_up) {
		catch_up(r); /* quiet: the time to read back what the ring kept */
	}
	if (r->npending)
		pending_flush(r, false);
	/*
	 * Also between records: a process faulting every second must not keep
	 * logrotate's file open, the state unsaved or the counts unsaid.
	 */
	if (reopen) {
		reopen = 0;
		rec_reopen(r);
	}
	report(r, false);
	rec_state_save(r, false);
	return stopping ? 1 : 0;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&t, NULL); /* a signal ends it early: stopping is looked at */
}

static void close_module(struct recorder *r)
{
	if (r->follow)
		ptscope_close(r->follow);
	if (r->fetch)
		ptscope_close(r->fetch);
	r->follow = r->fetch = NULL;
}

/* Both handles, and what the module says of itself; false while it is not there. */
static bool open_module(struct recorder *r)
{
	struct ptscope_machine m;
	struct ptscope_info info;

	if (ptscope_open_source(&r->follow, PTSCOPE_SOURCE_MODULE))
		return false;
	if (ptscope_open_source(&r->fetch, PTSCOPE_SOURCE_MODULE) ||
	    ptscope_get_info(r->fetch, &info)) {
		close_module(r);
		return false;
	}
	/* Flag names, page size and stack guard follow the module's machine. */
	if (!ptscope_get_machine(r->fetch, &m))
		cli_machine_set(m.arch, m.page_size, m.va_bits);
	r->user_max = info.user_addr_max;
	r->ring = info.fault_ring;
	r->module_made = info.faults;
	return true;
}

enum followed { FOLLOW_STOPPED, FOLLOW_GONE, FOLLOW_FAILED, FOLLOW_REFUSED };

/* Follow the module while it is loaded. */
static enum followed follow_module(struct recorder *r)
{
	int ret;

	/*
	 * What the ring keeps first. Past that, a record made before this
	 * look and not kept is one of those a "faults clear" forgot, or (by a
	 * module loaded again) one of the records that came and went before
	 * the recorder saw the module: missed only then.
	 */
	catch_up(r);
	if (r->last < r->module_made) {
		if (r->from_start)
			r->missed += r->module_made - r->last;
		r->last = r->module_made;
	}
	r->from_start = false;
	for (;;) {
		if (r->catch_up)
			catch_up(r);
		ret = ptscope_faults_follow_raw(r->follow, IDLE_MS, on_record, r);
		if (ret == -ENOBUFS) {
			/* The socket overflowed: what the ring still has is read back. */
			r->overflows++;
			r->catch_up = true;
			continue;
		}
		break;
	}
	pending_flush(r, true); /* while the module is there to read them from */
	if (ret > 0 || stopping)
		return FOLLOW_STOPPED;
	if (ret == -ENODEV) {
		rec_event(r, "gone", LOG_WARNING,
			  "the ptscope module went away; waiting for it to come back (%" PRIu64
			  " records kept until now)",
			  r->kept);
		return FOLLOW_GONE;
	}
	rec_event(r, "error", LOG_ERR, "following fault records: %s", ptscope_errmsg());
	if (ret == -EPERM)
		return FOLLOW_REFUSED; /* waiting would not change it */
	sleep_ms(IDLE_MS);
	return FOLLOW_FAILED;
}

static int run(struct recorder *r)
{
	bool waiting_said = false, first = true, gone = false;
	enum followed how;

	rec_event(r, "start", LOG_INFO, "ptscope-recorder %s started", PTSCOPE_VERSION);
	if (r->sd)
		r->sd->notify(0, "READY=1\nSTATUS=waiting for the ptscope module");
	while (!stopping) {
		if (!open_module(r)) {
			if (!waiting_said)
				rec_event(r, "waiting", LOG_INFO,
					  "the ptscope module is not loaded; waiting for it (%s)",
					  ptscope_errmsg());
			waiting_said = true;
			/* Not seen at all yet: a module loaded later counts from 1. */
			gone = true;
			report(r, false);
			sleep_ms(IDLE_MS);
			continue;
		}
		if (first && rec_state_same_module(r)) {
			gone = false; /* the records since the remembered one */
		} else if (gone) {
			/* A module loaded (again) numbers its records from 1. */
			r->last = 0;
			r->from_start = !first;
			if (!first)
				rec_event(r, "back", LOG_INFO,
					  "the ptscope module is back (%" PRIu64
					  " records made since it was loaded)",
					  r->module_made);
		}
		first = false;
		gone = false;
		waiting_said = false;
		report(r, true);
		how = follow_module(r);
		close_module(r);
		if (how == FOLLOW_STOPPED)
			break;
		if (how == FOLLOW_REFUSED) {
			r->lost_fatal = true;
			break;
		}
		gone = how == FOLLOW_GONE;
		report(r, true);
	}
	close_module(r);
	report(r, true);
	rec_state_save(r, true);
	rec_event(r, "stop", LOG_INFO,
		  "ptscope-recorder stopped: %" PRIu64 " records kept, %" PRIu64 " missed, %" PRIu64
		  " dropped, %" PRIu64 " not written",
		  r->kept, r->missed, r->dropped, r->lost);
	return r->lost_fatal ? 1 : 0;
}

static void usage(FILE *out)
{
	fputs("usage: ptscope-recorder [--output FILE [--max-size SIZE] [--keep N]] [--rate N]\n"
	      "                        [--state FILE] [--physical]\n"
	      "Keeps every fault record of the ptscope module in the journal (or FILE).\n"
	      "  -o, --output FILE   JSON lines to FILE instead of the journal\n"
	      "      --max-size SIZE rotate FILE at SIZE bytes (K, M, G; default 16M; 0: never)\n"
	      "      --keep N        rotated files kept: FILE.1 ... FILE.N (default 4)\n"
	      "      --rate N        records kept a second, at most (default 100; 0: all)\n"
	      "      --state FILE    where the last record kept is remembered across restarts\n"
	      "      --physical      keep frames, table addresses and swap entries (by default\n"
	      "                      hidden, as for callers without CAP_SYS_ADMIN)\n"
	      "  -h, --help          this help;  -V, --version  the version\n"
	      "See ptscope-recorder(8); explain the records with 'ptscope explain --journal'\n"
	      "or 'ptscope explain --log FILE'.\n",
	      out);
}

static int parse_size(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'K':
	case 'k':
		n <<= 10;
		end++;
		break;
	case 'M':
	case 'm':
		n <<= 20;
		end++;
		break;
	case 'G':
	case 'g':
		n <<= 30;
		end++;
		break;
	default:
		break;
	}
	*v = n;
	return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "max-size", required_argument, NULL, 'S' },
		{ "keep", required_argument, NULL, 'k' },
		{ "rate", required_argument, NULL, 'r' },
		{ "state", required_argument, NULL, 's' },
		{ "physical", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct recorder r = { .rate = 100, .max_size = 16 << 20, .keep_files = 4 };
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t v;
	int c;

	while ((c = getopt_long(argc, argv, "o:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			r.output = optarg;
			break;
		case 'S':
			if (parse_size(optarg, &r.max_size)) {
				fprintf(stderr,
					"ptscope-recorder: --max-size '%s' is not a size "
					"(bytes, or with K, M, G)\n",
					optarg);
				return 2;
			}
			break;
		case 'k':
		case 'r':
			/* Each rotation renames every kept file: a thousand at most. */
			if (parse_size(optarg, &v) || v > (c == 'k' ? 1000 : 1000000)) {
				fprintf(stderr,
					"ptscope-recorder: --%s '%s' is not a number "
					"from 0 to %s\n",
					c == 'k' ? "keep" : "rate", optarg,
					c == 'k' ? "1000" : "1000000");
				return 2;
			}
			if (c == 'k')
				r.keep_files = (unsigned int)v;
			else
				r.rate = (unsigned int)v;
			break;
		case 's':
			r.state = optarg;
			break;
		case 'P':
			r.physical = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ptscope-recorder %s\n", PTSCOPE_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ptscope-recorder: '%s': no arguments, only options\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (rec_output_open(&r))
		return 1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	r.tokens = r.rate;
	r.refilled = rec_now_ms();
	rec_state_load(&r);
	c = run(&r);
	rec_output_close(&r);
	return c;
}
