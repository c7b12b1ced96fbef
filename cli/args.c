// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line grammar: ptscope [OPTIONS] OBJECT|COMMAND [ARGS]. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int cli_parse(int argc, char **argv, struct cli_args *a, char *err, size_t errlen)
{
	int c;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	optind = 0;	/* full getopt reset: the parser may run more than once */
	opterr = 0;	/* messages are ours, and JSON mode must stay JSON */
	while ((c = getopt_long(argc, argv, ":jphV", long_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			a->json = true;
			break;
		case 'p':
			a->json = true;
			a->pretty = true;
			break;
		case 'h':
			a->help = true;
			break;
		case 'V':
			a->version = true;
			break;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value",
				 argv[optind - 1]);
			return -1;
		default:
			if (optopt)
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%s'",
					 argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		a->cmd = argv[optind];
		a->argc = argc - optind - 1;
		a->argv = argv + optind + 1;
	}
	return 0;
}

const struct cli_command *cli_find_command(const char *name)
{
	const struct cli_command *c;

	for (c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
