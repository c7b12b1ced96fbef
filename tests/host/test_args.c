// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the CLI grammar: ptscope [OPTIONS] OBJECT|COMMAND [ARGS]. */
#include "../../cli/cli.h"
#include <stdarg.h>

#include "tap.h"

static int run_nothing(const struct cli_args *a)
{
	(void)a;
	return 0;
}

const struct cli_command cli_commands[] = {
	{ "info", "", "", run_nothing },
	{ "help", "", "", run_nothing },
	{ NULL, NULL, NULL, NULL },
};

static int parse(struct cli_args *a, char *err, int argc, ...)
{
	static char *argv[16];
	va_list ap;
	int i;

	va_start(ap, argc);
	argv[0] = "ptscope";
	for (i = 1; i < argc; i++)
		argv[i] = va_arg(ap, char *);
	argv[argc] = NULL;
	va_end(ap);
	return cli_parse(argc, argv, a, err, 256);
}

int main(void)
{
	struct cli_args a;
	char err[256];

	is_int(parse(&a, err, 1), 0, "no arguments parse");
	ok(!a.cmd && !a.json && !a.help && !a.version, "no arguments: no command, no flags");

	is_int(parse(&a, err, 2, "info"), 0, "bare command");
	is_str(a.cmd, "info", "command word");
	is_int(a.argc, 0, "no command arguments");

	is_int(parse(&a, err, 3, "-j", "info"), 0, "-j before the command");
	ok(a.json && !a.pretty, "-j sets JSON, not pretty");

	is_int(parse(&a, err, 3, "info", "-j"), 0, "-j after the command");
	ok(a.json, "-j after the command sets JSON");
	is_str(a.cmd, "info", "command still found");

	is_int(parse(&a, err, 3, "-p", "info"), 0, "-p");
	ok(a.json && a.pretty, "-p implies JSON");
	is_int(parse(&a, err, 3, "--pretty", "info"), 0, "--pretty");
	ok(a.json && a.pretty, "--pretty implies JSON");
	is_int(parse(&a, err, 3, "--json", "info"), 0, "--json");
	ok(a.json, "--json sets JSON");

	is_int(parse(&a, err, 2, "-jp"), 0, "bundled short options");
	ok(a.json && a.pretty && !a.cmd, "-jp sets both, no command");

	is_int(parse(&a, err, 2, "--version"), 0, "--version");
	ok(a.version, "--version sets version");
	is_int(parse(&a, err, 2, "-V"), 0, "-V");
	ok(a.version, "-V sets version");
	is_int(parse(&a, err, 2, "-h"), 0, "-h");
	ok(a.help && !a.cmd, "-h alone is help");
	is_int(parse(&a, err, 3, "info", "--help"), 0, "command --help");
	ok(a.help && a.cmd, "command --help keeps the command");

	is_int(parse(&a, err, 4, "walk", "123", "0x1000"), 0, "command with arguments");
	is_int(a.argc, 2, "two command arguments");
	is_str(a.argv[0], "123", "first argument");
	is_str(a.argv[1], "0x1000", "second argument");

	is_int(parse(&a, err, 4, "help", "--", "-j"), 0, "-- ends options");
	ok(!a.json, "-j after -- is not an option");
	is_int(a.argc, 1, "-j after -- is an argument");

	is_int(parse(&a, err, 2, "-x"), -1, "unknown short option refused");
	is_str(err, "unknown option '-x'", "unknown short option named");
	is_int(parse(&a, err, 3, "info", "--bogus"), -1, "unknown long option refused");
	is_str(err, "unknown option '--bogus'", "unknown long option named");
	is_int(parse(&a, err, 2, "--json=1"), -1, "value given to a flag refused");

	/* Parsing twice in one process (getopt state is reset). */
	is_int(parse(&a, err, 3, "-j", "info"), 0, "second parse works");
	ok(a.json, "second parse sees -j");

	{
		uint64_t addr;
		uint32_t pid;

		is_int(cli_parse_pid("self", &pid, err, 256), 0, "pid self");
		is_int(pid, 0, "self is 0");
		is_int(cli_parse_pid("0", &pid, err, 256), 0, "pid 0");
		is_int(cli_parse_pid("4194304", &pid, err, 256), 0, "largest pid");
		is_int(pid, 4194304, "largest pid value");
		is_int(cli_parse_pid("4194305", &pid, err, 256), -1, "pid past PID_MAX_LIMIT refused");
		is_int(cli_parse_pid("-1", &pid, err, 256), -1, "negative pid refused");
		is_int(cli_parse_pid("12x", &pid, err, 256), -1, "pid with garbage refused");
		is_str(err, "'12x' is not a PID (a number up to 4194304, or 'self')", "pid error names it");
		is_int(cli_parse_pid("", &pid, err, 256), -1, "empty pid refused");
		is_int(cli_parse_pid("99999999999999999999", &pid, err, 256), -1, "huge pid refused");

		is_int(cli_parse_addr("0x7f0000001000", &addr, err, 256), 0, "hex address");
		ok(addr == 0x7f0000001000ULL, "hex address value");
		is_int(cli_parse_addr("4096", &addr, err, 256), 0, "decimal address");
		ok(addr == 4096, "decimal address value");
		is_int(cli_parse_addr("0xffffffffffffffff", &addr, err, 256), 0, "all-ones address parses");
		is_int(cli_parse_addr("0x1_000", &addr, err, 256), -1, "address with garbage refused");
		is_str(err, "'0x1_000' is not an address (hex with 0x, or decimal)", "address error names it");
		is_int(cli_parse_addr("0x10000000000000000", &addr, err, 256), -1, "address over 64 bits refused");
		is_int(cli_parse_addr("-4096", &addr, err, 256), -1, "negative address refused");
		is_int(cli_parse_addr("", &addr, err, 256), -1, "empty address refused");
	}

	ok(cli_find_command("info") == &cli_commands[0], "find info");
	ok(cli_find_command("inf") == NULL, "no prefix matching");
	ok(cli_find_command("") == NULL, "empty name is no command");
	return done_testing();
}
