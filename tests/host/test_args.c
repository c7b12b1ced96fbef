// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the CLI grammar: ptscope [OPTIONS] OBJECT|COMMAND [ARGS]. */
#include "../../cli/cli.h"
#include <stdarg.h>
#include <stdlib.h>

#include "tap.h"

static int run_nothing(const struct cli_args *a)
{
	(void)a;
	return 0;
}

static int set_pretty(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	(void)value, (void)err, (void)errlen;
	a->json = a->pretty = true;
	return 0;
}

static int set_width(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	if (strcmp(value, "40") && strcmp(value, "80")) {
		snprintf(err, errlen, "--width wants a number of columns, not '%s'", value);
		return -1;
	}
	a->width = (unsigned int)atoi(value);
	return 0;
}

static int set_color(struct cli_args *a, const char *value, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	a->color = !value ? CLI_COLOR_ALWAYS : CLI_COLOR_NEVER;
	return 0;
}

/* A grammar like ptscope's, with an option two commands share. */
static const struct cli_option globals[] = {
	CLI_FLAG("json", 'j', json, "JSON"),
	{ .name = "pretty", .letter = 'p', .help = "", .kind = CLI_OPT_CUSTOM, .set = set_pretty },
	CLI_FLAG("help", 'h', help, "help"),
	CLI_FLAG("version", 'V', version, "version"),
	{ .name = NULL },
};

static const struct cli_option walk_options[] = {
	CLI_FLAG("pages", 0, pages, ""),
	CLI_FLAG("present", 0, only_present, ""),
	CLI_FLAG("swapped", 0, only_swapped, ""),
	CLI_FLAG("huge", 0, only_huge, ""),
	CLI_STRING("output", 'o', "FILE", output, ""),
	{ .name = NULL },
};

static const struct cli_option map_options[] = {
	CLI_STRING("svg", 0, "FILE", svg, ""),
	{ .name = "width",
	  .value = CLI_VALUE_REQUIRED,
	  .arg = "N",
	  .help = "",
	  .kind = CLI_OPT_CUSTOM,
	  .set = set_width },
	{ .name = "color",
	  .value = CLI_VALUE_OPTIONAL,
	  .arg = "WHEN",
	  .help = "",
	  .kind = CLI_OPT_CUSTOM,
	  .set = set_color },
	CLI_FLAG("follow", 0, follow, ""),
	{ .name = NULL },
};

static const struct cli_option faults_options[] = {
	CLI_FLAG("follow", 0, follow, ""),
	{ .name = NULL },
};

static const struct cli_command info = { .name = "info", .usage = "", .run = run_nothing };
static const struct cli_command help = { .name = "help", .usage = "", .run = run_nothing };
static const struct cli_command walk = { .name = "walk", .options = walk_options };
static const struct cli_command map = { .name = "map", .options = map_options };
static const struct cli_command faults = { .name = "faults", .options = faults_options };
static const struct cli_command *const commands[] = { &info, &help, &walk, &map, &faults, NULL };
static const struct cli_grammar grammar = { commands, globals };

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
	return cli_parse(&grammar, argc, argv, a, err, 256);
}

/* A grammar that cli_check_grammar() must refuse, with @want in its message. */
static void refused_grammar(const struct cli_option *opts, const char *want, const char *desc)
{
	static const struct cli_command *cmds[4];
	static struct cli_command bad;
	struct cli_grammar g = { cmds, globals };
	char err[256];

	bad = (struct cli_command){ .name = "bad", .options = opts };
	cmds[0] = &walk;
	cmds[1] = &bad;
	cmds[2] = NULL;
	is_int(cli_check_grammar(&g, err, sizeof(err)), -1, desc);
	if (!ok(strstr(err, want) != NULL, "the refusal names the problem"))
		printf("# got '%s', want '%s'\n", err, want);
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
	is_str(err, "unknown option '-x' (see 'ptscope --help')", "unknown short option named");
	is_int(parse(&a, err, 3, "info", "--bogus"), -1, "unknown long option refused");
	is_str(err, "unknown option '--bogus' (see 'ptscope help info')",
	       "unknown long option named");
	is_int(parse(&a, err, 2, "--json=1"), -1, "value given to a flag refused");

	/* Parsing twice in one process: no state is kept between parses. */
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

	/* GNU order: a command's options before or after its word, with globals. */
	is_int(parse(&a, err, 5, "walk", "--pages", "1", "--present"), 0, "walk options");
	ok(a.pages && a.only_present && !a.only_swapped && !a.only_huge, "--pages --present set");
	is_int(parse(&a, err, 4, "--swapped", "--huge", "walk"), 0, "options before the command");
	ok(a.only_swapped && a.only_huge && a.command == &walk, "--swapped --huge set for walk");
	is_int(parse(&a, err, 5, "-j", "walk", "--pages", "self"), 0, "-j walk --pages self");
	ok(a.json && a.pages && a.argc == 1 && !strcmp(a.argv[0], "self"), "all of it taken");
	is_int(parse(&a, err, 5, "walk", "self", "--pages", "-j"), 0, "walk self --pages -j");
	ok(a.json && a.pages && a.argc == 1 && !strcmp(a.argv[0], "self"),
	   "the same, in GNU order");

	/* Values: -o FILE, -oFILE, --output=FILE, bundled -jo FILE. */
	is_int(parse(&a, err, 5, "-o", "x.snap", "walk", "1"), 0, "-o FILE before the command");
	ok(a.command == &walk && a.output && !strcmp(a.output, "x.snap"),
	   "FILE is no command word");
	is_int(a.argc, 1, "the PID is the one argument");
	is_int(parse(&a, err, 4, "walk", "1", "-ox.snap"), 0, "-oFILE");
	is_str(a.output, "x.snap", "-oFILE value");
	is_int(parse(&a, err, 4, "walk", "--output=x.snap", "1"), 0, "--output=FILE");
	is_str(a.output, "x.snap", "--output=FILE value");
	is_int(parse(&a, err, 5, "walk", "-jo", "x.snap", "1"), 0, "-jo FILE");
	ok(a.json && a.output && !strcmp(a.output, "x.snap") && a.argc == 1, "-jo FILE: both");
	is_int(parse(&a, err, 4, "walk", "--output", "-j"), 0, "a value may start with '-'");
	ok(!a.json && !strcmp(a.output, "-j"), "-j is the value, not an option");
	is_int(parse(&a, err, 4, "map", "1", "--color"), 0, "optional value absent");
	is_int(a.color, CLI_COLOR_ALWAYS, "--color alone");
	is_int(parse(&a, err, 5, "map", "--color", "never", "1"), 0,
	       "optional value never the next word");
	ok(a.color == CLI_COLOR_ALWAYS && a.argc == 2, "'never' is an argument");
	is_int(parse(&a, err, 4, "map", "1", "--color=never"), 0, "--color=WHEN");
	is_int(a.color, CLI_COLOR_NEVER, "--color=never");
	is_int(parse(&a, err, 4, "map", "--width", "40"), 0, "a custom value");
	is_int(a.width, 40, "--width 40 stored");

	/* Refusals: exit status 2 in ptscope, each with its message. */
	is_int(parse(&a, err, 4, "info", "--pages", "1"), -1, "another command's option refused");
	is_str(err, "option --pages applies to walk only", "named with its command");
	is_int(parse(&a, err, 4, "--pages", "info", "1"), -1, "also before the command word");
	is_str(err, "option --pages applies to walk only", "the same message");
	is_int(parse(&a, err, 4, "info", "-o", "x"), -1, "another command's short option refused");
	is_str(err, "option -o (--output) applies to walk only", "named as given and in full");
	is_int(parse(&a, err, 3, "walk", "--follow"), -1, "an option of two other commands");
	is_str(err, "option --follow applies to map and faults only", "both named");
	is_int(parse(&a, err, 2, "--pages"), -1, "no command: only the global options");
	is_str(err, "option --pages applies to walk only", "named for its command");
	is_int(parse(&a, err, 3, "walk", "--bogus"), -1, "unknown option");
	is_str(err, "unknown option '--bogus' (see 'ptscope help walk')", "unknown, with its help");
	is_int(parse(&a, err, 3, "walk", "-ox"), 0, "(-ox is -o x)");
	is_int(parse(&a, err, 3, "walk", "-jz"), -1, "unknown letter in a bundle");
	is_str(err, "unknown option '-z' (see 'ptscope help walk')", "the letter named");
	is_int(parse(&a, err, 3, "walk", "--output"), -1, "missing value");
	is_str(err, "option '--output' needs a value (see 'ptscope help walk')",
	       "missing value named");
	is_int(parse(&a, err, 3, "walk", "-o"), -1, "missing value, short");
	is_str(err, "option '-o' needs a value (see 'ptscope help walk')", "short one named");
	is_int(parse(&a, err, 3, "walk", "--pages=1"), -1, "value given to a flag");
	is_str(err, "option '--pages' takes no value (see 'ptscope help walk')", "flag named");
	is_int(parse(&a, err, 4, "map", "--width", "0"), -1, "a bad value");
	is_str(err, "--width wants a number of columns, not '0'", "the option's own message");
	is_int(parse(&a, err, 3, "walk", "--pag"), -1, "no abbreviations");
	is_int(parse(&a, err, 4, "frob", "--pages", "-j"), -1, "unknown command");
	is_str(err, "unknown command 'frob' (see 'ptscope help')", "unknown command first");
	ok(a.json, "-j still read for the JSON error");
	is_int(parse(&a, err, 4, "walk", "--bogus", "-j"), -1, "an error before -j");
	ok(a.json, "-j after the error still read");
	is_str(err, "unknown option '--bogus' (see 'ptscope help walk')", "the first error kept");

	/* "--" ends the options, also before the command word. */
	is_int(parse(&a, err, 5, "walk", "--", "-3", "--pages"), 0, "walk -- -3 --pages");
	ok(!a.pages && a.argc == 2 && !strcmp(a.argv[0], "-3") && !strcmp(a.argv[1], "--pages"),
	   "both are arguments");
	is_int(parse(&a, err, 5, "-j", "--", "walk", "1"), 0, "-- before the command word");
	ok(a.json && a.command == &walk && a.argc == 1, "the command after it");
	is_int(parse(&a, err, 2, "--"), 0, "-- alone");
	ok(!a.cmd, "no command");
	is_int(parse(&a, err, 4, "walk", "-", "1"), 0, "'-' is an argument");
	is_int(a.argc, 2, "'-' counted");

	ok(cli_find_command(&grammar, "info") == &info, "find info");
	ok(cli_find_command(&grammar, "inf") == NULL, "no prefix matching");
	ok(cli_find_command(&grammar, "") == NULL, "empty name is no command");

	/* The grammar check: what would make the command word ambiguous. */
	is_int(cli_check_grammar(&grammar, err, 256), 0, "the test grammar is consistent");
	{
		static const struct cli_option value_differs[] = {
			CLI_STRING("pages", 0, "N", output, ""), { .name = NULL }
		};
		static const struct cli_option letter_differs[] = {
			CLI_STRING("output", 'O', "FILE", output, ""), { .name = NULL }
		};
		static const struct cli_option letter_taken[] = { CLI_FLAG("other", 'o', pages, ""),
								  { .name = NULL } };
		static const struct cli_option global_clash[] = { CLI_FLAG("json", 0, pages, ""),
								  { .name = NULL } };
		static const struct cli_option twice[] = { CLI_FLAG("x", 0, pages, ""),
							   CLI_FLAG("x", 0, all, ""),
							   { .name = NULL } };
		static const struct cli_option malformed[] = { { .name = "x",
								 .help = "",
								 .value = CLI_VALUE_REQUIRED,
								 .kind = CLI_OPT_FLAG },
							       { .name = NULL } };

		refused_grammar(value_differs, "differ",
				"a name taking a value in one command only");
		refused_grammar(letter_differs, "differ", "a name with two letters");
		refused_grammar(letter_taken, "differ", "a letter with two names");
		refused_grammar(global_clash, "share a name", "a global option's name");
		refused_grammar(twice, "share a name", "a name twice in one command");
		refused_grammar(malformed, "malformed", "a flag that takes a value");
	}
	return done_testing();
}
