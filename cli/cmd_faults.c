// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope faults [clear] [--follow]: the segfaults the module recorded,
 * listed, followed live or forgotten (cmd_explain.c explains one).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

uint64_t cli_user_limit(struct ptscope *h)
{
	struct ptscope_info info;

	return ptscope_get_info(h, &info) ? 0 : info.user_addr_max;
}

static void when(uint64_t ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

const char *cli_signal_name(uint32_t sig)
{
	return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "?";
}

static void json_vma(struct json *j, const char *key, const struct ptscope_fault_vma *v)
{
	cli_json_key(j, key);
	if (!v->present) {
		cli_json_null(j);
		return;
	}
	cli_json_obj_begin(j);
	cli_json_key(j, "start");
	cli_json_hex(j, v->start);
	cli_json_key(j, "end");
	cli_json_hex(j, v->end);
	cli_json_key(j, "flags");
	cli_json_bit_names(j, v->flags, ptscope_vma_flag_name);
	cli_json_key(j, "offset");
	cli_json_hex(j, v->pgoff);
	cli_json_key(j, "backing");
	cli_json_str(j, ptscope_backing_name(v->backing) ?: "?");
	cli_json_key(j, "name");
	cli_json_str(j, v->name);
	cli_json_obj_end(j);
}

/* A translation taken at the fault: the shape 'xlate -j' prints; null if none was taken. */
static void json_xlate(struct json *j, const char *key, const struct ptscope_xlate *x)
{
	cli_json_key(j, key);
	if (!x->nr_levels) {
		cli_json_null(j);
		return;
	}
	cli_json_obj_begin(j);
	cli_json_xlate(j, x);
	cli_json_obj_end(j);
}

void cli_json_fault(struct json *j, const struct ptscope_fault *f, const struct fault_reason *r)
{
	char t[32];

	when(f->time_ns, t, sizeof(t));
	cli_json_key(j, "id");
	cli_json_uint(j, f->id);
	cli_json_key(j, "time");
	cli_json_str(j, t);
	cli_json_key(j, "pid");
	cli_json_uint(j, f->pid);
	cli_json_key(j, "tid");
	cli_json_uint(j, f->tid);
	cli_json_key(j, "uid");
	cli_json_uint(j, f->uid);
	cli_json_key(j, "comm");
	cli_json_str(j, f->comm);
	cli_json_key(j, "exe");
	cli_json_str(j, f->exe);
	cli_json_key(j, "signal");
	cli_json_str(j, cli_signal_name(f->signal));
	cli_json_key(j, "si_code");
	cli_json_str(j, cli_fault_code_name(f->signal, f->code));
	cli_json_key(j, "addr");
	cli_json_hex(j, f->addr);
	cli_json_key(j, "ip");
	cli_json_hex(j, f->ip);
	cli_json_key(j, "sp");
	cli_json_hex(j, f->sp);
	cli_json_key(j, "error");
	cli_json_hex(j, f->error);
	cli_json_key(j, "trap");
	cli_json_uint(j, f->trap);
	cli_json_key(j, "access");
	cli_json_str(j, cli_fault_access(f));
	cli_json_key(j, "handled");
	cli_json_bool(j, f->handled);
	cli_json_key(j, "snapshot");
	cli_json_bool(j, f->snapshot);
	json_vma(j, "vma", &f->vma);
	json_vma(j, "vma_below", &f->below);
	json_vma(j, "vma_above", &f->above);
	cli_json_key(j, "stack");
	cli_json_obj_begin(j);
	cli_json_key(j, "start");
	cli_json_hex(j, f->stack_start);
	cli_json_key(j, "end");
	cli_json_hex(j, f->stack_end);
	cli_json_obj_end(j);
	json_xlate(j, "xlate_addr", &f->xlate_addr);
	json_xlate(j, "xlate_ip", &f->xlate_ip);
	cli_json_key(j, "reason");
	cli_json_str(j, r->code);
	cli_json_key(j, "explanation");
	cli_json_str(j, r->text);
}

struct listing {
	const struct cli_args *a;
	struct json *j;
	uint64_t user_max, count;
};

static void line(const struct ptscope_fault *f, const struct fault_reason *r)
{
	char t[32];

	when(f->time_ns, t, sizeof(t));
	printf("%5" PRIu64 "  %s  %7u %-15s %-7s %-13s 0x%-14" PRIx64 " %-8s%s %s\n", f->id, t,
	       f->pid, f->comm, cli_signal_name(f->signal), cli_fault_code_name(f->signal, f->code),
	       f->addr, cli_fault_access(f), f->handled ? " handled" : "", r->code);
}

static int on_listed(const struct ptscope_fault *f, void *arg)
{
	struct listing *l = arg;
	struct fault_reason r;

	cli_explain_fault(f, l->user_max, &r);
	l->count++;
	if (l->j) {
		cli_json_obj_begin(l->j);
		cli_json_fault(l->j, f, &r);
		cli_json_obj_end(l->j);
	} else {
		line(f, &r);
	}
	return 0;
}

/* --follow: one line (or one JSON document) per record, flushed at once. */
static int on_live(const struct ptscope_fault *f, void *arg)
{
	struct listing *l = arg;
	struct fault_reason r;

	cli_explain_fault(f, l->user_max, &r);
	if (l->a->json) {
		struct json *j = cli_json_new(stdout, false);

		cli_json_obj_begin(j);
		cli_json_fault(j, f, &r);
		cli_json_obj_end(j);
		cli_json_end(j);
	} else {
		line(f, &r);
	}
	fflush(stdout);
	return 0;
}

static const char *header =
	"   ID  TIME                      PID COMM            SIGNAL  CODE          ADDRESS"
	"            ACCESS   REASON\n";

int cmd_faults(const struct cli_args *a)
{
	struct listing l = { .a = a };
	struct ptscope *h;
	int ret;

	if (a->last || a->fault_id) {
		cli_error(a, "--last and --fault are explain's (see 'ptscope help explain')");
		return EXIT_USAGE;
	}
	if (a->argc > 1 || (a->argc == 1 && strcmp(a->argv[0], "clear"))) {
		cli_error(a, "faults takes nothing, or 'clear' (see 'ptscope help faults')");
		return EXIT_USAGE;
	}
	if (ptscope_open(&h)) {
		cli_error(a, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
	}
	l.user_max = cli_user_limit(h);
	if (a->argc == 1) {
		ret = ptscope_faults_clear(h);
		if (ret)
			cli_error(a, "%s", ptscope_errmsg());
		else if (a->json)
			puts("{\"cleared\":true}");
		ptscope_close(h);
		return ret ? EXIT_RUNTIME : EXIT_OK;
	}
	if (a->follow) {
		if (!a->json) {
			fputs(header, stdout);
			fflush(stdout);
		}
		ret = ptscope_faults_follow(h, on_live, &l);
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME; /* it only ends on an error */
	}
	if (a->json) {
		l.j = cli_json_new(stdout, a->pretty);
		cli_json_obj_begin(l.j);
		cli_json_key(l.j, "faults");
		cli_json_arr_begin(l.j);
	} else {
		fputs(header, stdout);
	}
	ret = ptscope_faults(h, 0, on_listed, &l);
	if (l.j) {
		struct ptscope_info info = { 0 };
		struct json_count counts[3] = { { "records", l.count },
						{ "made", 0 },
						{ "dropped", 0 } };
		char *err = ret ? strdup(ptscope_errmsg()) : NULL; /* GET_INFO resets it */

		if (!ptscope_get_info(h, &info)) {
			counts[1].value = info.faults;
			counts[2].value = info.faults_dropped;
		}

		cli_json_stream_close(l.j, ret ? (err ? err : "out of memory") : NULL, counts,
				      ARRAY_SIZE(counts), NULL, NULL, 0);
		free(err);
	} else if (ret) {
		cli_error(a, "%s", ptscope_errmsg());
	} else {
		struct ptscope_info info = { 0 };

		ptscope_get_info(h, &info);
		printf("%" PRIu64 " records kept (ring of %u); %" PRIu64
		       " made since load, %" PRIu64 " dropped\n",
		       l.count, info.fault_ring, info.faults, info.faults_dropped);
	}
	ptscope_close(h);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

static const struct cli_option faults_options[] = {
	CLI_FLAG("follow", 0, follow,
		 "print records as they happen, until interrupted\n(CAP_SYS_ADMIN)"),
	{ .name = NULL },
};

const struct cli_command cli_faults_spec = {
	.name = "faults",
	.usage = "[clear]",
	.summary = "recorded segfaults (--follow: as they happen); clear them",
	.help = "'faults clear' forgets every record (CAP_SYS_ADMIN).\n",
	.options = faults_options,
	.examples = (const char *const[]){ "ptscope faults", "ptscope faults --follow",
					   "ptscope -j faults | jq '.faults[-1]'", NULL },
	.run = cmd_faults,
};
