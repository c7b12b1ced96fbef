// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope: inspect the page tables of live processes.
 * Grammar (bpftool style): ptscope [OPTIONS] OBJECT|COMMAND [ARGS]
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include "cli.h"
#include "libptscope.h"
#include "version.h"

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

static int set_source(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	int s;

	for (s = PTSCOPE_SOURCE_AUTO; ptscope_source_name(s); s++)
		if (!strcmp(value, ptscope_source_name(s))) {
			a->source = s;
			return 0;
		}
	snprintf(err, errlen, "--source '%s' is none of module, procfs, auto", value);
	return -1;
}

static int set_pretty(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	(void)value, (void)err, (void)errlen;
	a->json = true;
	a->pretty = true;
	return 0;
}

/* The options every command takes; each command's own are in its spec. */
static const struct cli_option global_options[] = {
	CLI_FLAG("json", 'j', json, "print JSON"),
	{ .name = "pretty",
	  .letter = 'p',
	  .help = "print indented JSON (implies --json)",
	  .kind = CLI_OPT_CUSTOM,
	  .set = set_pretty },
	{ .name = "source",
	  .value = CLI_VALUE_REQUIRED,
	  .arg = "SOURCE",
	  .help = "where answers come from: module, procfs or auto (the default: "
		  "the module if loaded; or $PTSCOPE_SOURCE)",
	  .kind = CLI_OPT_CUSTOM,
	  .set = set_source },
	CLI_FLAG("help", 'h', help, "show this help, or with a command, its own"),
	CLI_FLAG("version", 'V', version, "show the version"),
	{ .name = NULL },
};

static const struct cli_command help_spec;

/* In the order 'ptscope --help' lists them. */
static const struct cli_command *const commands[] = {
	&cli_info_spec,	  &cli_maps_spec,    &cli_xlate_spec, &cli_walk_spec,
	&cli_tables_spec, &cli_share_spec,   &cli_diff_spec,  &cli_dma_spec,
	&cli_phys_spec,	  &cli_iommu_spec,   &cli_map_spec,   &cli_check_spec,
	&cli_faults_spec, &cli_explain_spec, &help_spec,      NULL,
};

static const struct cli_grammar grammar = { commands, global_options };

static int cmd_help(const struct cli_args *a)
{
	const struct cli_command *c;

	if (a->argc == 0) {
		cli_print_usage(&grammar, stdout);
		return EXIT_OK;
	}
	if (a->argc > 1) {
		cli_error(a, "help takes at most one command name");
		return EXIT_USAGE;
	}
	c = cli_find_command(&grammar, a->argv[0]);
	if (!c) {
		cli_error(a, "unknown command '%s' (see 'ptscope help')", a->argv[0]);
		return EXIT_USAGE;
	}
	cli_print_command_help(&grammar, c, stdout);
	return EXIT_OK;
}

static const struct cli_command help_spec = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "show this help, or a command's",
	.examples = (const char *const[]){ "ptscope help walk", NULL },
	.run = cmd_help,
};

int main(int argc, char **argv)
{
	struct cli_args a;
	char err[256];

	/*
	 * Into a pipe or a file, output goes out in 64 KiB writes rather than
	 * stdio's 4 KiB: a per-page walk writes hundreds of MiB. A terminal
	 * keeps its line buffering.
	 */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	/* A spec that breaks the grammar fails every run, hence every test. */
	if (cli_check_grammar(&grammar, err, sizeof(err))) {
		fprintf(stderr, "ptscope: internal error: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (cli_parse(&grammar, argc, argv, &a, err, sizeof(err))) {
		cli_error(&a, "%s", err);
		return EXIT_USAGE;
	}
	if (a.version)
		return print_version(&a);
	cli_set_source(a.source);
	if (!a.command) {
		cli_print_usage(&grammar, a.help ? stdout : stderr);
		return a.help ? EXIT_OK : EXIT_USAGE;
	}
	if (a.help) {
		cli_print_command_help(&grammar, a.command, stdout);
		return EXIT_OK;
	}
	return a.command->run(&a);
}
