// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The help, generated from the specs: 'ptscope --help' lists the commands,
 * the global options and each command's own; 'ptscope help CMD' (and
 * 'ptscope CMD --help') print one command's usage, help, options and
 * examples. The host tests run every example past the parser and check
 * the options against the completion and the man page.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* "-o, --output FILE", "--color[=WHEN]", "--dmesg [FILE]" */
static void option_label(const struct cli_option *o, char *buf, size_t len)
{
	char letter[8] = "";

	if (o->letter)
		snprintf(letter, sizeof(letter), "-%c, ", o->letter);
	if (!o->arg)
		snprintf(buf, len, "%s--%s", letter, o->name);
	else if (o->value == CLI_VALUE_OPTIONAL)
		snprintf(buf, len, "%s--%s[=%s]", letter, o->name, o->arg);
	else
		snprintf(buf, len, "%s--%s %s", letter, o->name, o->arg);
}

/* Each option of @opts: its label, then its help lines in a column. */
static void print_options(FILE *out, const struct cli_option *opts)
{
	const struct cli_option *o;
	char label[64];
	int width = 14;

	for (o = opts; o->name; o++) {
		option_label(o, label, sizeof(label));
		if ((int)strlen(label) > width)
			width = (int)strlen(label);
	}
	for (o = opts; o->name; o++) {
		const char *line = o->help, *nl;

		option_label(o, label, sizeof(label));
		fprintf(out, "  %-*s", width, label);
		for (;;) {
			nl = strchr(line, '\n');
			fprintf(out, "  %.*s\n", nl ? (int)(nl - line) : (int)strlen(line), line);
			if (!nl || !nl[1])
				break;
			line = nl + 1;
			fprintf(out, "  %-*s", width, "");
		}
	}
}

void cli_print_usage(const struct cli_grammar *g, FILE *out)
{
	const struct cli_command *const *c;

	fputs("Usage: ptscope [OPTIONS] OBJECT|COMMAND [ARGS]\n"
	      "       ptscope help [COMMAND]\n\nCommands:\n",
	      out);
	for (c = g->commands; *c; c++)
		fprintf(out, "  %-7s %-17s %s\n", (*c)->name, (*c)->usage, (*c)->summary);
	fputs("\nOptions:\n", out);
	print_options(out, g->globals);
	for (c = g->commands; *c; c++) {
		if (!(*c)->options)
			continue;
		fprintf(out, "\n%s options:\n", (*c)->name);
		print_options(out, (*c)->options);
	}
	fputs("\nOptions may stand before or after the command word; '--' ends them.\n"
	      "PID is a number or 'self'. RANGE is ADDR, ADDR-END or ADDR+LEN (hex with 0x,\n"
	      "or decimal with an optional K, M, G or T suffix); walk's default is all of it.\n"
	      "A mapping's name may stand for ADDR or RANGE: [heap], [stack], [vdso], a path,\n"
	      "a file name or its start (libc); NAME+N is N bytes into it (xlate) or its\n"
	      "first N bytes (walk).\n"
	      "\nExit status: 0 success, 1 the request failed, 2 usage error.\n"
	      "See ptscope(8).\n",
	      out);
}

void cli_print_command_help(const struct cli_grammar *g, const struct cli_command *c, FILE *out)
{
	const struct cli_option *o;
	const char *const *e;

	fprintf(out, "Usage: ptscope [OPTIONS] %s%s%s\n  %s\n", c->name, *c->usage ? " " : "",
		c->usage, c->summary);
	if (c->help)
		fprintf(out, "\n%s", c->help);
	if (c->options) {
		fputs("\nOptions:\n", out);
		print_options(out, c->options);
	}
	fputs("\nGlobal options:", out);
	for (o = g->globals; o->name; o++) {
		fputs(o == g->globals ? " " : ", ", out);
		if (o->letter)
			fprintf(out, "-%c", o->letter);
		else
			fprintf(out, "--%s", o->name);
	}
	fputs(" (see 'ptscope --help').\n", out);
	if (c->examples) {
		fputs("\nExamples:\n", out);
		for (e = c->examples; *e; e++)
			fprintf(out, "  %s\n", *e);
	}
	fputs("\nSee ptscope(8).\n", out);
}
