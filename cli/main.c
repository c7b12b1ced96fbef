// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope: inspect the page tables of live processes.
 * Grammar (bpftool style): ptscope [OPTIONS] OBJECT|COMMAND [ARGS]
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "version.h"

static int cmd_help(const struct cli_args *a);

const struct cli_command cli_commands[] = {
	{ .name = "info",
	  .usage = "",
	  .run = cmd_info,
	  .summary = "show the module, the kernel and its paging features" },
	{ .name = "maps",
	  .usage = "PID",
	  .run = cmd_maps,
	  .summary = "the mappings of a process, with page-table counters" },
	{ .name = "xlate",
	  .usage = "PID ADDR",
	  .run = cmd_xlate,
	  .summary = "translate an address through every page-table level" },
	{ .name = "walk",
	  .usage = "PID [RANGE]",
	  .run = cmd_walk,
	  .walk_options = true,
	  .summary = "every page-table leaf of a range, as runs or pages" },
	{ .name = "share",
	  .usage = "PID... | --all",
	  .run = cmd_share,
	  .share_options = true,
	  .summary = "frames mapped by more than one process, by mapping" },
	{ .name = "diff",
	  .usage = "A B [RANGE]",
	  .run = cmd_diff,
	  .summary = "pages that changed between snapshots (walk -o) or PIDs" },
	{ .name = "dma",
	  .usage = "PID",
	  .run = cmd_dma,
	  .summary = "pinned pages and device mappings, with cache modes and owners" },
	{ .name = "phys",
	  .usage = "ADDR|pfn:N",
	  .run = cmd_phys,
	  .phys_options = true,
	  .summary = "what a physical address is: RAM, owner, page state" },
	{ .name = "iommu",
	  .usage = "DEVICE [IOVA]",
	  .run = cmd_iommu,
	  .summary = "a PCI device's IOMMU domain; what an IOVA maps to" },
	{ .name = "map",
	  .usage = "PID [PID] | -i FILE",
	  .run = cmd_map,
	  .map_options = true,
	  .summary = "the address space as a picture (terminal or --svg)" },
	{ .name = "check",
	  .usage = "PID RANGE ASSERTION...|-f FILE",
	  .run = cmd_check,
	  .check_options = true,
	  .summary = "assert page states (exit 0/1/2; TAP for -f)" },
	{ .name = "faults",
	  .usage = "[clear]",
	  .run = cmd_faults,
	  .fault_options = true,
	  .summary = "recorded segfaults (--follow: as they happen); clear them" },
	{ .name = "explain",
	  .usage = "PID ADDR|--fault ID|--last|--dmesg|--core",
	  .run = cmd_explain,
	  .fault_options = true,
	  .summary = "why a fault happened, or what an access would do" },
	{ .name = "help",
	  .usage = "[COMMAND]",
	  .run = cmd_help,
	  .summary = "show this help, or a command's" },
	{ .name = NULL },
};

void cli_error(const struct cli_args *a, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (a && a->json) {
		struct json *j = cli_json_new(stdout, a->pretty);

		cli_json_obj_begin(j);
		cli_json_key(j, "error");
		cli_json_str(j, msg);
		cli_json_obj_end(j);
		cli_json_end(j);
	} else {
		fprintf(stderr, "ptscope: %s\n", msg);
	}
}

int cli_open_pid(const struct cli_args *a, const char *cmd, uint32_t *pid, struct ptscope **h)
{
	char err[256];

	if (a->argc != 1) {
		cli_error(a, "%s needs exactly one PID (see 'ptscope help %s')", cmd, cmd);
		return EXIT_USAGE;
	}
	if (cli_parse_pid(a->argv[0], pid, err, sizeof(err))) {
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	if (ptscope_open(h)) {
		cli_error(a, "%s", ptscope_errmsg());
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int cli_place_range(struct ptscope *h, uint32_t pid, const struct cli_place *p, uint64_t *start,
		    uint64_t *end)
{
	int ret = ptscope_find_mapping(h, pid, p->name, start, end);

	if (!ret && p->has_off)
		*end = *start + p->off < *start ? UINT64_MAX : *start + p->off;
	return ret;
}

static void print_usage(FILE *out)
{
	const struct cli_command *c;

	fputs("Usage: ptscope [OPTIONS] OBJECT|COMMAND [ARGS]\n"
	      "       ptscope help [COMMAND]\n\nCommands:\n",
	      out);
	for (c = cli_commands; c->name; c++)
		fprintf(out, "  %-7s %-17s %s\n", c->name, c->usage, c->summary);
	fputs("\nOptions:\n"
	      "  -j, --json      print JSON\n"
	      "  -p, --pretty    print indented JSON (implies --json)\n"
	      "  -h, --help      show this help\n"
	      "  -V, --version   show the version\n"
	      "\nwalk options:\n"
	      "  --pages         one record per page-table leaf instead of runs\n"
	      "  --present       only present pages\n"
	      "  --swapped       only swapped-out pages\n"
	      "  --huge          only pages mapped by PMD or PUD leaves\n"
	      "  --cow           only pages a write would copy or reuse (copy-on-write)\n"
	      "  -o, --output FILE  also save the records as a snapshot for 'diff'\n"
	      "\nshare options:\n"
	      "  --all           every process the caller may inspect\n"
	      "\nphys options:\n"
	      "  --who           the processes (that the caller may inspect) mapping it\n"
	      "\nmap options:\n"
	      "  --svg FILE      draw an SVG into FILE ('-': standard output); two PIDs\n"
	      "                  or snapshots are drawn side by side, shared frames joined\n"
	      "  -i, --input FILE  draw a snapshot saved by 'walk -o' (twice for a pair)\n"
	      "  --width N       terminal map width in columns (default 80)\n"
	      "  --color[=WHEN]  colour the terminal map: auto (default: on a terminal,\n"
	      "                  unless NO_COLOR is set), always or never\n"
	      "\ncheck options:\n"
	      "  -f, --file FILE checks from FILE, one per line (TAP output)\n"
	      "  --format F      tap, json or plain\n"
	      "\nfaults and explain options:\n"
	      "  --follow        faults: print records as they happen, until interrupted\n"
	      "  --fault ID      explain: that record\n"
	      "  --last          explain: the newest record\n"
	      "  --dmesg [FILE]  explain: the segfault lines of a kernel log (stdin if no FILE)\n"
	      "  --core FILE     explain: the fault that made an ELF core file\n"
	      "  --access A      explain PID ADDR: read (default), write or exec\n"
	      "\nPID is a number or 'self'. RANGE is ADDR, ADDR-END or ADDR+LEN (hex with 0x,\n"
	      "or decimal with an optional K, M, G or T suffix); walk's default is all of it.\n"
	      "A mapping's name may stand for ADDR or RANGE: [heap], [stack], [vdso], a path,\n"
	      "a file name or its start (libc); NAME+N is N bytes into it (xlate) or its\n"
	      "first N bytes (walk).\n"
	      "\nExit status: 0 success, 1 the request failed, 2 usage error.\n"
	      "See ptscope(8).\n",
	      out);
}

static void print_command_usage(const struct cli_command *c)
{
	const char *help = cli_command_help(c->name);

	printf("Usage: ptscope [OPTIONS] %s%s%s\n  %s\n", c->name, *c->usage ? " " : "", c->usage,
	       c->summary);
	if (help)
		printf("\n%s", help);
	printf("\nSee ptscope(8).\n");
}

static int cmd_help(const struct cli_args *a)
{
	const struct cli_command *c;

	if (a->argc == 0) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (a->argc > 1) {
		cli_error(a, "help takes at most one command name");
		return EXIT_USAGE;
	}
	c = cli_find_command(a->argv[0]);
	if (!c) {
		cli_error(a, "unknown command '%s' (see 'ptscope help')", a->argv[0]);
		return EXIT_USAGE;
	}
	print_command_usage(c);
	return EXIT_OK;
}

static int print_version(const struct cli_args *a)
{
	if (a->json) {
		struct json *j = cli_json_new(stdout, a->pretty);

		cli_json_obj_begin(j);
		cli_json_key(j, "version");
		cli_json_str(j, PTSCOPE_VERSION);
		cli_json_key(j, "library_version");
		cli_json_str(j, ptscope_lib_version());
		cli_json_obj_end(j);
		cli_json_end(j);
	} else {
		printf("ptscope %s (libptscope %s)\n", PTSCOPE_VERSION, ptscope_lib_version());
	}
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct cli_command *c;
	struct cli_args a;
	char err[256];

	if (cli_parse(argc, argv, &a, err, sizeof(err))) {
		cli_error(&a, "%s (see 'ptscope --help')", err);
		return EXIT_USAGE;
	}
	if (a.version)
		return print_version(&a);
	if (!a.cmd) {
		if (a.help) {
			print_usage(stdout);
			return EXIT_OK;
		}
		print_usage(stderr);
		return EXIT_USAGE;
	}
	c = cli_find_command(a.cmd);
	if (!c) {
		cli_error(&a, "unknown command '%s' (see 'ptscope help')", a.cmd);
		return EXIT_USAGE;
	}
	if (a.help) {
		print_command_usage(c);
		return EXIT_OK;
	}
	if (!c->walk_options && cli_walk_option(&a)) {
		cli_error(&a, "option %s applies to walk only", cli_walk_option(&a));
		return EXIT_USAGE;
	}
	if (!c->share_options && a.all) {
		cli_error(&a, "option --all applies to share only");
		return EXIT_USAGE;
	}
	if (!c->phys_options && a.who) {
		cli_error(&a, "option --who applies to phys only");
		return EXIT_USAGE;
	}
	if (!c->map_options && (a.svg || a.width || a.color != CLI_COLOR_AUTO || a.ninputs)) {
		cli_error(&a, "options --svg, --width, --color and -i apply to map only");
		return EXIT_USAGE;
	}
	if (!c->check_options && (a.check_file || a.format)) {
		cli_error(&a, "options -f and --format apply to check only");
		return EXIT_USAGE;
	}
	if (!c->fault_options &&
	    (a.follow || a.last || a.fault_id || a.dmesg || a.core || a.access)) {
		cli_error(
			&a,
			"options --follow, --last, --fault, --dmesg and --core apply to faults and explain");
		return EXIT_USAGE;
	}
	return c->run(&a);
}
