// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope explain --fault ID|--last|--dmesg [FILE]|--core FILE: a segfault
 * explained from the module's record, a kernel log line or a core dump,
 * after the process is gone (explain PID ADDR, the live question, is
 * live.c's; --coredump, systemd-coredump's cores, coredump.c's).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "corefile.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

struct last_fault {
	uint64_t count;
	struct ptscope_fault last;
};

static int keep_last(const struct ptscope_fault *f, void *arg)
{
	struct last_fault *l = arg;

	l->last = *f;
	l->count++;
	return 0;
}

/* Addresses at or above this are the kernel's, when no module says better. */
#define KERNEL_HALF (1ULL << 63)

/* One record as its own document. */
static void print_explained(const struct cli_args *a, const struct ptscope_fault *f,
			    const struct fault_reason *r)
{
	cli_print_open(a->json, a->pretty);
	cli_print_fault(f, r, false);
	cli_print_close();
}

/* The @n-th fault of a log, the document opened before the first. */
static void print_log_fault(const struct cli_args *a, const struct ptscope_fault *f, int n)
{
	struct fault_reason r;

	if (!n) {
		cli_print_open(a->json, a->pretty);
		cli_open_array("faults");
	} else {
		cli_print_text("\n"); /* between records */
	}
	cli_explain_fault(f, KERNEL_HALF, &r);
	cli_open_object(NULL);
	cli_print_fault(f, &r, false);
	cli_close_object();
}

/* --dmesg [FILE|-]: every segfault line of a kernel log. */
static int explain_log(const struct cli_args *a)
{
	const char *path = a->argc ? a->argv[0] : "-";
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct ptscope_fault f, next;
	char line[2048];
	int found = 0;
	bool pending = false;

	if (!in) {
		cli_error(a, "cannot read '%s': %s", path, strerror(errno));
		return EXIT_RUNTIME;
	}
	/* A record is printed when the next begins: arm64's registers follow its line. */
	while (fgets(line, sizeof(line), in)) {
		if (pending && !cli_fault_log_regs(line, &f))
			continue;
		if (cli_fault_from_log_line(line, &next))
			continue;
		if (pending)
			print_log_fault(a, &f, found++);
		f = next;
		pending = true;
	}
	if (pending)
		print_log_fault(a, &f, found++);
	if (in != stdin)
		fclose(in);
	if (!found) {
		cli_error(a,
			  "no segfault lines in %s (\"... segfault at ADDR ip IP sp SP error N\","
			  " or arm64's \"...: unhandled exception: DABT (lower EL), ESR 0x...\")",
			  strcmp(path, "-") ? path : "the input");
		return EXIT_RUNTIME;
	}
	cli_close_array();
	cli_print_close();
	return EXIT_OK;
}

/* --core FILE: the fault that made a core dump, and the CPU the core keeps. */
static int explain_core(const struct cli_args *a)
{
	static struct cli_core_cpu cpu;
	struct ptscope_fault f;
	struct fault_reason r;
	char err[512];

	if (a->argc != 1) {
		cli_error(a, "explain --core needs one core FILE");
		return EXIT_USAGE;
	}
	if (cli_fault_from_core(a->argv[0], &f, &cpu, err, sizeof(err))) {
		cli_error(a, "%s", err);
		return EXIT_RUNTIME;
	}
	cli_explain_fault(&f, KERNEL_HALF, &r);
	cli_print_open(a->json, a->pretty);
	cli_print_fault(&f, &r, false);
	cli_print_core_cpu(&cpu);
	cli_print_close();
	return EXIT_OK;
}

int cmd_explain(const struct cli_args *a)
{
	struct last_fault l = { 0 };
	struct fault_reason r;
	struct ptscope *h;
	uint64_t id = 0;
	char *end;
	int ret;

	if (a->journal + a->log + a->dmesg + a->core + a->coredump + a->last + !!a->fault_id > 1) {
		cli_error(a, "explain takes one of --fault, --last, --dmesg, --core, --coredump, "
			     "--journal and --log (see 'ptscope help explain')");
		return EXIT_USAGE;
	}
	if (a->journal)
		return a->access || a->follow ? (cli_error(a, "explain --journal takes only "
							      "MATCHes and journal paths"),
						 EXIT_USAGE) :
						cli_explain_journal(a);
	if (a->coredump)
		return a->access || a->follow ? (cli_error(a, "explain --coredump takes only a "
							      "PID or MATCHes"),
						 EXIT_USAGE) :
						cli_explain_coredump(a);
	if (a->log)
		return a->access || a->follow ?
			       (cli_error(a, "explain --log takes one FILE"), EXIT_USAGE) :
			       cli_explain_logfile(a);
	if (a->argc >= 2 && !a->dmesg && !a->core && !a->last && !a->fault_id && !a->follow) {
		const char *access = a->access ? a->access : "read";

		if (strcmp(access, "read") && strcmp(access, "write") && strcmp(access, "exec")) {
			cli_error(a, "'%s' is not an access (read, write or exec)", access);
			return EXIT_USAGE;
		}
		return cli_explain_live(a, access);
	}
	if (a->dmesg + a->core + a->last + !!a->fault_id != 1 || a->follow || a->access ||
	    (a->argc && !a->dmesg && !a->core)) {
		cli_error(a,
			  "explain needs PID ADDR, --fault ID, --last, --dmesg [FILE], --core "
			  "FILE, --coredump PID|MATCH..., --journal [MATCH]... or --log FILE (see "
			  "'ptscope help explain')");
		return EXIT_USAGE;
	}
	if (a->dmesg)
		return a->argc > 1 ? (cli_error(a, "explain --dmesg takes at most one FILE"),
				      EXIT_USAGE) :
				     explain_log(a);
	if (a->core)
		return explain_core(a);
	if (a->fault_id) {
		id = strtoull(a->fault_id, &end, 10);
		if (!*a->fault_id || *end || !id) {
			cli_error(a,
				  "'%s' is not a fault record ID (a number from 'ptscope faults')",
				  a->fault_id);
			return EXIT_USAGE;
		}
	}
	if (cli_open(&h)) {
		cli_error(a, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
	}
	ret = ptscope_faults(h, id, keep_last, &l);
	if (!ret && !l.count)
		ret = -ENOENT;
	if (ret) {
		cli_error(a, "%s",
			  ret == -ENOENT && !id ? "no fault records (none kept, or none of "
						  "yours)" :
						  ptscope_errmsg());
		ptscope_close(h);
		return EXIT_RUNTIME;
	}
	cli_explain_fault(&l.last, cli_user_limit(h), &r);
	ptscope_close(h);
	print_explained(a, &l.last, &r);
	return EXIT_OK;
}

static const struct cli_option explain_options[] = {
	CLI_STRING("fault", 0, "ID", fault_id, "the fault record ID (from 'ptscope faults')"),
	CLI_FLAG("last", 0, last, "the newest fault record"),
	{ .name = "dmesg",
	  .arg = "[FILE]",
	  .help = "the segfault lines of a kernel log (stdin if no FILE);\n"
		  "works without the module",
	  .kind = CLI_OPT_FLAG,
	  .offset = CLI_FIELD(dmesg, bool) },
	{ .name = "core",
	  .arg = "FILE",
	  .help = "the fault that made an ELF core file, plain or\n"
		  "compressed as systemd-coredump keeps them (zstd,\n"
		  "lz4, xz), with the registers and code; without\n"
		  "the module",
	  .kind = CLI_OPT_FLAG,
	  .offset = CLI_FIELD(core, bool) },
	{ .name = "coredump",
	  .arg = "PID|MATCH...",
	  .help = "the crash systemd-coredump kept: its newest for\n"
		  "that PID, or matching every FIELD=VALUE\n"
		  "(COREDUMP_COMM=crashlab); joined with the\n"
		  "ptscope-recorder record of it when there is one",
	  .kind = CLI_OPT_FLAG,
	  .offset = CLI_FIELD(coredump, bool) },
	{ .name = "journal",
	  .arg = "[MATCH|PATH]...",
	  .help = "the records ptscope-recorder kept in the journal, all or\n"
		  "those matching every FIELD=VALUE (PTSCOPE_PID=1234,\n"
		  "PTSCOPE_REASON=stack-overflow, _BOOT_ID=...); PATH: a\n"
		  "journal directory or files (another machine's);\n"
		  "without the module",
	  .kind = CLI_OPT_FLAG,
	  .offset = CLI_FIELD(journal, bool) },
	{ .name = "log",
	  .arg = "FILE",
	  .help = "the records of 'ptscope-recorder --output FILE';\n"
		  "without the module",
	  .kind = CLI_OPT_FLAG,
	  .offset = CLI_FIELD(log, bool) },
	CLI_STRING("access", 0, "A", access, "with PID ADDR: read (default), write or exec"),
	{ .name = NULL },
};

const struct cli_command cli_explain_spec = {
	.name = "explain",
	.usage = "PID ADDR...|--fault ID|--last|--dmesg|--core|--coredump|--journal|--log",
	.summary = "why a fault happened, or what an access would do",
	.options = explain_options,
	.examples =
		(const char *const[]){
			"ptscope explain --last", "ptscope explain 1234 0x10 --access write",
			"ptscope explain 1234 0x10 0x7f0000000000 0x7f0000001000",
			"dmesg | ptscope explain --dmesg",
			"ptscope explain --coredump COREDUMP_COMM=crashlab",
			"ptscope explain --journal PTSCOPE_REASON=stack-overflow",
			"ptscope explain --log /var/log/ptscope/faults.jsonl", NULL },
	.run = cmd_explain,
};
