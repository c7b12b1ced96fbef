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
	{ .name = "info", .usage = "", .summary = "", .run = run_nothing },
	{ .name = "help", .usage = "", .summary = "", .run = run_nothing },
	{ .name = NULL },
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
		is_int(cli_parse_pid("4194305", &pid, err, 256), -1,
		       "pid past PID_MAX_LIMIT refused");
		is_int(cli_parse_pid("-1", &pid, err, 256), -1, "negative pid refused");
		is_int(cli_parse_pid("12x", &pid, err, 256), -1, "pid with garbage refused");
		is_str(err, "'12x' is not a PID (a number up to 4194304, or 'self')",
		       "pid error names it");
		is_int(cli_parse_pid("", &pid, err, 256), -1, "empty pid refused");
		is_int(cli_parse_pid("99999999999999999999", &pid, err, 256), -1,
		       "huge pid refused");

		is_int(cli_parse_addr("0x7f0000001000", &addr, err, 256), 0, "hex address");
		ok(addr == 0x7f0000001000ULL, "hex address value");
		is_int(cli_parse_addr("4096", &addr, err, 256), 0, "decimal address");
		ok(addr == 4096, "decimal address value");
		is_int(cli_parse_addr("0xffffffffffffffff", &addr, err, 256), 0,
		       "all-ones address parses");
		is_int(cli_parse_addr("0x1_000", &addr, err, 256), -1,
		       "address with garbage refused");
		is_str(err, "'0x1_000' is not an address (hex with 0x, or decimal)",
		       "address error names it");
		is_int(cli_parse_addr("0x10000000000000000", &addr, err, 256), -1,
		       "address over 64 bits refused");
		is_int(cli_parse_addr("-4096", &addr, err, 256), -1, "negative address refused");
		is_int(cli_parse_addr("", &addr, err, 256), -1, "empty address refused");
	}

	{
		uint64_t s0, e0;

		is_int(cli_parse_range("0x1000-0x3000", &s0, &e0, err, 256), 0, "range A-B");
		ok(s0 == 0x1000 && e0 == 0x3000, "range A-B values");
		is_int(cli_parse_range("0x1000+0x2000", &s0, &e0, err, 256), 0, "range A+L");
		ok(s0 == 0x1000 && e0 == 0x3000, "range A+L values");
		is_int(cli_parse_range("4096+2M", &s0, &e0, err, 256), 0, "range with M suffix");
		ok(s0 == 4096 && e0 == 4096 + (2 << 20), "M suffix is 2^20");
		is_int(cli_parse_range("0+1G", &s0, &e0, err, 256), 0, "range with G suffix");
		ok(e0 == 1ULL << 30, "G suffix is 2^30");
		is_int(cli_parse_range("0x7f0000001234", &s0, &e0, err, 256), 0, "single address");
		ok(s0 == 0x7f0000001234ULL && e0 == s0 + 1, "single address covers its page");
		is_int(cli_parse_range("0x3000-0x1000", &s0, &e0, err, 256), -1,
		       "inverted range refused");
		is_str(err, "'0x3000-0x1000' is an empty or inverted range",
		       "inverted range named");
		is_int(cli_parse_range("0x1000-0x1000", &s0, &e0, err, 256), -1,
		       "empty range refused");
		is_int(cli_parse_range("0x1000+0", &s0, &e0, err, 256), -1, "zero length refused");
		is_int(cli_parse_range("0xffffffffffffffff+2", &s0, &e0, err, 256), -1,
		       "length past 2^64 refused");
		is_int(cli_parse_range("0x1000-", &s0, &e0, err, 256), -1, "missing end refused");
		is_int(cli_parse_range("-0x1000", &s0, &e0, err, 256), -1, "missing start refused");
		is_int(cli_parse_range("abc", &s0, &e0, err, 256), -1, "garbage refused");
		is_int(cli_parse_range("1X+2", &s0, &e0, err, 256), -1, "unknown suffix refused");
		is_int(cli_parse_range("0+99999999999T", &s0, &e0, err, 256), -1,
		       "suffix overflow refused");
	}

	{
		static struct cli_place pl;

		is_int(cli_parse_place("0x1000", &pl), 0, "a number is no place");
		is_int(cli_parse_place("4096+4K", &pl), 0, "a decimal range is no place");
		is_int(cli_parse_place("[heap]", &pl), 1, "[heap] is a place");
		ok(!strcmp(pl.name, "[heap]") && !pl.has_off, "[heap]: name, no offset");
		is_int(cli_parse_place("[stack]+16K", &pl), 1, "[stack]+16K is a place");
		ok(!strcmp(pl.name, "[stack]") && pl.has_off && pl.off == 16384,
		   "[stack]+16K: name and 16384");
		is_int(cli_parse_place("libstdc++.so.6", &pl), 1, "libstdc++.so.6 is a place");
		ok(!strcmp(pl.name, "libstdc++.so.6") && !pl.has_off,
		   "a '+' in a name stays in it");
		is_int(cli_parse_place("libstdc+++0x10", &pl), 1, "libstdc+++0x10");
		ok(!strcmp(pl.name, "libstdc++") && pl.off == 16, "the last '+N' is the offset");
		is_int(cli_parse_place("/usr/lib/x.so+0", &pl), 1, "path+0 is a place");
		ok(pl.has_off && pl.off == 0, "+0 kept for the command to judge");
		is_int(cli_parse_place("-1", &pl), 0, "a sign is no place");
		is_int(cli_parse_place("", &pl), 0, "empty is no place");
	}

	is_int(parse(&a, err, 5, "walk", "--pages", "1", "--present"), 0, "walk options");
	ok(a.pages && a.only_present && !a.only_swapped && !a.only_huge, "--pages --present set");
	is_str(cli_walk_option(&a), "--pages", "first walk option named");
	is_int(parse(&a, err, 4, "--swapped", "--huge", "walk"), 0, "--swapped --huge");
	ok(a.only_swapped && a.only_huge, "--swapped --huge set");
	is_int(parse(&a, err, 2, "info"), 0, "no walk options");
	ok(cli_walk_option(&a) == NULL, "no walk option named");

	ok(cli_find_command("info") == &cli_commands[0], "find info");
	ok(cli_find_command("inf") == NULL, "no prefix matching");
	ok(cli_find_command("") == NULL, "empty name is no command");
	return done_testing();
}
