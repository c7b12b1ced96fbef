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
#include "esr.h"
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

/* A VMA of the record: the mapping shape of 'maps', without the counters; null when none. */
static void print_fault_vma(const char *key, const char *title, const struct ptscope_fault_vma *fv,
			    bool known)
{
	struct ptscope_vma v = {
		.start = fv->start,
		.end = fv->end,
		.flags = fv->flags,
		.pgoff = fv->pgoff,
		.backing = fv->backing,
		.name = fv->name,
	};

	if (!fv->present) {
		/* Without a snapshot (a log line, a core), "not known" says it once. */
		if (known)
			cli_print_text("%-10s ", title);
		cli_print_null(known ? PRINT_ANY : PRINT_JSON, key, "none\n");
		return;
	}
	cli_print_text("%-10s ", title);
	cli_open_object(key);
	cli_print_vma(&v, CLI_VMA_LINE);
	cli_close_object();
}

void cli_print_fault(const struct ptscope_fault *f, const struct fault_reason *r, bool row)
{
	/* The listing's row shows the first fields; the rest are the JSON's only. */
	const int more = row ? PRINT_JSON : PRINT_ANY;
	char t[32];

	when(f->time_ns, t, sizeof(t));
	/* Records from a log or a core have no ID and no time. */
	cli_print_uint(row || f->id ? PRINT_ANY : PRINT_JSON, "id",
		       row ? "%5" PRIu64 "  " : "fault %" PRIu64 " at ", f->id);
	cli_print_str(row || f->id ? PRINT_ANY : PRINT_JSON, "time", row ? "%s  " : "%s: ", t);
	cli_print_uint(row ? PRINT_ANY : PRINT_JSON, "pid", "%7" PRIu64 " ", f->pid);
	cli_print_str(PRINT_ANY, "comm", row ? "%-15s " : "%s", f->comm);
	if (!row)
		cli_print_text("[%" PRIu32 "]: ", f->pid);
	cli_print_str(PRINT_ANY, "signal", row ? "%-7s " : "%s ", cli_signal_name(f->signal));
	cli_print_str(PRINT_ANY, "si_code", row ? "%-13s " : "(%s) ",
		      cli_fault_code_name(f->signal, f->code));
	if (cli_fault_addr_known(f))
		cli_print_hex(PRINT_ANY, "addr", row ? "0x%-14" PRIx64 " " : "at 0x%" PRIx64 "\n",
			      f->addr);
	else
		cli_print_null(PRINT_ANY, "addr",
			       row ? "?                " : "at an address the log does not give\n");
	cli_print_str(PRINT_ANY, "access", row ? "%-8s" : "access     %s", cli_fault_access(f));
	cli_print_bool(PRINT_ANY, "handled", row ? " handled" : ", caught by a handler",
		       f->handled);
	cli_print_str(PRINT_ANY, "reason", row ? " %s\n" : "\nreason     %s\n", r->code);
	cli_print_str(more, "explanation", "why        %s.\n", r->text);
	cli_print_uint(more, "tid", "process    tid %" PRIu64, f->tid);
	cli_print_uint(more, "uid", ", uid %" PRIu64, f->uid);
	cli_print_str(more, "exe", ", exe %s\n", f->exe);
	cli_print_hex(more, "ip", "cpu        ip 0x%" PRIx64, f->ip);
	cli_print_hex(more, "sp", ", sp 0x%" PRIx64, f->sp);
	cli_print_hex(more, "error", ", error 0x%" PRIx64, f->error);
	if (f->arch == PTSCOPE_ARCH_ARM64) {
		/* No trap number there: the ESR says what happened. */
		cli_print_str(more, "arch", f->has_esr ? " (from the ESR; %s)\n" : " (%s)\n",
			      cli_arch_name(f->arch));
		if (f->has_esr && (!row || cli_print_is_json()))
			cli_print_esr(f->esr);
		else if (!f->has_esr)
			cli_print_null(more, "esr",
				       f->id ? "esr        none (no fault raised this signal)\n" :
					       "esr        not known (a core does not keep it)\n");
	} else {
		cli_print_uint(more, "trap", ", trap %" PRIu64, f->trap);
		cli_print_str(more, "arch", " (%s)\n", cli_arch_name(f->arch));
	}
	cli_print_bool(PRINT_JSON, "snapshot", NULL, f->snapshot);
	if (row && !cli_print_is_json())
		return;
	cli_open_object("stack");
	cli_print_hex(f->stack_end ? PRINT_ANY : PRINT_JSON, "start", "stack      0x%012" PRIx64,
		      f->stack_start);
	cli_print_hex(f->stack_end ? PRINT_ANY : PRINT_JSON, "end", "-0x%012" PRIx64 "\n",
		      f->stack_end);
	cli_close_object();
	if (!f->snapshot && !f->vma.present)
		cli_print_text("%-10s not known\n", "mapping");
	print_fault_vma("vma", "mapping", &f->vma, f->snapshot);
	print_fault_vma("vma_below", "below", &f->below, f->snapshot);
	print_fault_vma("vma_above", "above", &f->above, f->snapshot);
	cli_print_xlate_member("xlate_addr", "translation of the address:\n", &f->xlate_addr);
	cli_print_xlate_member("xlate_ip", "translation of the instruction pointer:\n",
			       &f->xlate_ip);
}

struct listing {
	const struct cli_args *a;
	uint64_t user_max, count;
};

static int on_listed(const struct ptscope_fault *f, void *arg)
{
	struct listing *l = arg;
	struct fault_reason r;

	cli_explain_fault(f, l->user_max, &r);
	l->count++;
	cli_open_object(NULL);
	cli_print_fault(f, &r, true);
	cli_close_object();
	return 0;
}

/* --follow: one line (or one JSON document) per record, flushed at once. */
static int on_live(const struct ptscope_fault *f, void *arg)
{
	struct listing *l = arg;
	struct fault_reason r;

	cli_explain_fault(f, l->user_max, &r);
	cli_print_open(l->a->json, false);
	cli_print_fault(f, &r, true);
	cli_print_close();
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
	if (cli_open(&h)) {
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
	cli_print_open(a->json, a->pretty);
	cli_open_array("faults");
	cli_print_text("%s", header);
	ret = ptscope_faults(h, 0, on_listed, &l);
	if (cli_print_is_json()) {
		struct ptscope_info info = { 0 };
		struct json_count counts[3] = { { "records", l.count },
						{ "made", 0 },
						{ "dropped", 0 } };
		char *err = ret ? strdup(ptscope_errmsg()) : NULL; /* GET_INFO resets it */

		if (!ptscope_get_info(h, &info)) {
			counts[1].value = info.faults;
			counts[2].value = info.faults_dropped;
		}

		cli_print_close_stream(ret ? (err ? err : "out of memory") : NULL, counts,
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
