// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope explain --fault ID|--last|--dmesg [FILE]|--core FILE: a segfault
 * explained from the module's record, a kernel log line or a core dump,
 * after the process is gone (explain PID ADDR, the live question, is
 * live.c's).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
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

static void print_vma(const char *what, const struct ptscope_fault_vma *v)
{
	if (!v->present) {
		printf("%-10s none\n", what);
		return;
	}
	printf("%-10s 0x%012" PRIx64 "-0x%012" PRIx64 " ", what, v->start, v->end);
	cli_print_bit_names(v->flags, ptscope_vma_flag_name);
	printf(" %s\n", *v->name ? v->name : "[anon]");
}

static void print_xlate(const char *what, const struct ptscope_xlate *x)
{
	unsigned int i;

	if (!x->nr_levels)
		return;
	printf("%-10s", what);
	for (i = 0; i < x->nr_levels; i++) {
		const struct ptscope_xlate_level *l = &x->levels[i];

		printf(" %s 0x%" PRIx64 "%s", ptscope_level_name(l->level) ?: "?", l->entry,
		       l->flags & (PTSCOPE_ENTRY(PRESENT) | PTSCOPE_ENTRY(PROTNONE)) ?
			       "" :
			       " (not present)");
	}
	putchar('\n');
}

/* Addresses at or above this are the kernel's, when no module says better. */
#define KERNEL_HALF (1ULL << 63)

static void print_explained(const struct cli_args *a, const struct ptscope_fault *f,
			    const struct fault_reason *r, struct json *list)
{
	if (list) {
		cli_json_obj_begin(list);
		cli_json_fault(list, f, r);
		cli_json_obj_end(list);
		return;
	}
	if (a->json) {
		struct json *j = cli_json_new(stdout, a->pretty);

		cli_json_obj_begin(j);
		cli_json_fault(j, f, r);
		cli_json_obj_end(j);
		cli_json_end(j);
		return;
	}
	printf("%s[%u]: %s (%s) at 0x%" PRIx64 ", ip 0x%" PRIx64 "%s%s\n", f->comm, f->pid,
	       cli_signal_name(f->signal), cli_fault_code_name(f->signal, f->code), f->addr, f->ip,
	       *f->exe ? " in " : "", f->exe);
	printf("%-10s %s\n%-10s %s.\n", "reason", r->code, "why", r->text);
}

/* --dmesg [FILE|-]: every segfault line of a kernel log. */
static int explain_log(const struct cli_args *a)
{
	const char *path = a->argc ? a->argv[0] : "-";
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	struct json *list = NULL;
	struct ptscope_fault f;
	struct fault_reason r;
	char line[2048];
	int found = 0;

	if (!in) {
		cli_error(a, "cannot read '%s': %s", path, strerror(errno));
		return EXIT_RUNTIME;
	}
	while (fgets(line, sizeof(line), in)) {
		if (cli_fault_from_log_line(line, &f))
			continue;
		if (!found++ && a->json) {
			list = cli_json_new(stdout, a->pretty);
			cli_json_obj_begin(list);
			cli_json_key(list, "faults");
			cli_json_arr_begin(list);
		}
		cli_explain_fault(&f, KERNEL_HALF, &r);
		print_explained(a, &f, &r, list);
	}
	if (in != stdin)
		fclose(in);
	if (!found) {
		cli_error(a,
			  "no segfault lines in %s (\"... segfault at ADDR ip IP sp SP error N\")",
			  strcmp(path, "-") ? path : "the input");
		return EXIT_RUNTIME;
	}
	if (list) {
		cli_json_arr_end(list);
		cli_json_obj_end(list);
		cli_json_end(list);
	}
	return EXIT_OK;
}

/* --core FILE: the fault that made a core dump. */
static int explain_core(const struct cli_args *a)
{
	struct ptscope_fault f;
	struct fault_reason r;
	char err[512];

	if (a->argc != 1) {
		cli_error(a, "explain --core needs one core FILE");
		return EXIT_USAGE;
	}
	if (cli_fault_from_core(a->argv[0], &f, err, sizeof(err))) {
		cli_error(a, "%s", err);
		return EXIT_RUNTIME;
	}
	cli_explain_fault(&f, KERNEL_HALF, &r);
	print_explained(a, &f, &r, NULL);
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

	if (a->argc == 2 && !a->dmesg && !a->core && !a->last && !a->fault_id && !a->follow) {
		const char *access = a->access ? a->access : "read";

		if (strcmp(access, "read") && strcmp(access, "write") && strcmp(access, "exec")) {
			cli_error(a, "'%s' is not an access (read, write or exec)", access);
			return EXIT_USAGE;
		}
		return cli_explain_live(a, access);
	}
	if (a->dmesg + a->core + a->last + !!a->fault_id != 1 || a->follow || a->access ||
	    (a->argc && !a->dmesg && !a->core)) {
		cli_error(a, "explain needs PID ADDR, --fault ID, --last, --dmesg [FILE] or --core "
			     "FILE (see 'ptscope help explain')");
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
	if (ptscope_open(&h)) {
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
	if (a->json) {
		struct json *j = cli_json_new(stdout, a->pretty);

		cli_json_obj_begin(j);
		cli_json_fault(j, &l.last, &r);
		cli_json_obj_end(j);
		cli_json_end(j);
		return EXIT_OK;
	}
	printf("fault %" PRIu64 ": pid %u (%s) %s, %s (%s) at 0x%" PRIx64 "%s\n", l.last.id,
	       l.last.pid, l.last.comm, l.last.exe, cli_signal_name(l.last.signal),
	       cli_fault_code_name(l.last.signal, l.last.code), l.last.addr,
	       l.last.handled ? ", caught by a handler" : "");
	printf("%-10s %s\n%-10s %s.\n", "reason", r.code, "why", r.text);
	printf("%-10s ip 0x%" PRIx64 ", sp 0x%" PRIx64 ", error 0x%" PRIx64 ", trap %u\n", "cpu",
	       l.last.ip, l.last.sp, l.last.error, l.last.trap);
	if (l.last.snapshot) {
		print_vma("mapping", &l.last.vma);
		if (!l.last.vma.present) {
			print_vma("below", &l.last.below);
			print_vma("above", &l.last.above);
		}
		print_xlate("tables", &l.last.xlate_addr);
	}
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
	  .help = "the fault that made an ELF core file; without the module",
	  .kind = CLI_OPT_FLAG,
	  .offset = CLI_FIELD(core, bool) },
	CLI_STRING("access", 0, "A", access, "with PID ADDR: read (default), write or exec"),
	{ .name = NULL },
};

const struct cli_command cli_explain_spec = {
	.name = "explain",
	.usage = "PID ADDR|--fault ID|--last|--dmesg|--core",
	.summary = "why a fault happened, or what an access would do",
	.options = explain_options,
	.examples = (const char *const[]){ "ptscope explain --last",
					   "ptscope explain 1234 0x10 --access write",
					   "dmesg | ptscope explain --dmesg", NULL },
	.run = cmd_explain,
};
