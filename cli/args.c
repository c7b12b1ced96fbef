// SPDX-License-Identifier: GPL-2.0-or-later
/* Command-line grammar: ptscope [OPTIONS] OBJECT|COMMAND [ARGS]. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Long-only options. */
enum {
	OPT_PAGES = 256,
	OPT_PRESENT,
	OPT_SWAPPED,
	OPT_HUGE,
	OPT_COW,
	OPT_ALL,
	OPT_WHO,
	OPT_FOLLOW,
	OPT_LAST,
	OPT_FAULT,
	OPT_DMESG,
	OPT_CORE,
	OPT_ACCESS,
	OPT_FORMAT,
	OPT_SVG,
	OPT_WIDTH,
	OPT_COLOR,
};

static const struct option long_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "pages", no_argument, NULL, OPT_PAGES },
	{ "present", no_argument, NULL, OPT_PRESENT },
	{ "swapped", no_argument, NULL, OPT_SWAPPED },
	{ "huge", no_argument, NULL, OPT_HUGE },
	{ "cow", no_argument, NULL, OPT_COW },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "who", no_argument, NULL, OPT_WHO },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "last", no_argument, NULL, OPT_LAST },
	{ "fault", required_argument, NULL, OPT_FAULT },
	{ "dmesg", no_argument, NULL, OPT_DMESG },
	{ "core", no_argument, NULL, OPT_CORE },
	{ "access", required_argument, NULL, OPT_ACCESS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "file", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "color", optional_argument, NULL, OPT_COLOR },
	{ "input", required_argument, NULL, 'i' },
	{ NULL, 0, NULL, 0 },
};

int cli_parse(int argc, char **argv, struct cli_args *a, char *err, size_t errlen)
{
	int c;

	memset(a, 0, sizeof(*a));
	err[0] = '\0';
	optind = 0; /* full getopt reset: the parser may run more than once */
	opterr = 0; /* messages are ours, and JSON mode must stay JSON */
	while ((c = getopt_long(argc, argv, ":jphVo:f:i:", long_options, NULL)) != -1) {
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
		case OPT_PAGES:
			a->pages = true;
			break;
		case OPT_PRESENT:
			a->only_present = true;
			break;
		case OPT_SWAPPED:
			a->only_swapped = true;
			break;
		case OPT_HUGE:
			a->only_huge = true;
			break;
		case OPT_COW:
			a->only_cow = true;
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_ALL:
			a->all = true;
			break;
		case OPT_WHO:
			a->who = true;
			break;
		case OPT_FOLLOW:
			a->follow = true;
			break;
		case OPT_LAST:
			a->last = true;
			break;
		case OPT_FAULT:
			a->fault_id = optarg;
			break;
		case OPT_DMESG:
			a->dmesg = true;
			break;
		case OPT_CORE:
			a->core = true;
			break;
		case OPT_ACCESS:
			a->access = optarg;
			break;
		case OPT_FORMAT:
			a->format = optarg;
			break;
		case 'f':
			a->check_file = optarg;
			break;
		case OPT_SVG:
			a->svg = optarg;
			break;
		case OPT_WIDTH: {
			char *end;
			unsigned long w = strtoul(optarg, &end, 10);

			if (!*optarg || *end || *optarg == '-' || w < 1 || w > 100000) {
				snprintf(err, errlen, "--width wants a number of columns, not '%s'",
					 optarg);
				return -1;
			}
			a->width = (unsigned int)w;
			break;
		}
		case OPT_COLOR:
			if (!optarg || !strcmp(optarg, "always")) {
				a->color = CLI_COLOR_ALWAYS;
			} else if (!strcmp(optarg, "never")) {
				a->color = CLI_COLOR_NEVER;
			} else if (!strcmp(optarg, "auto")) {
				a->color = CLI_COLOR_AUTO;
			} else {
				snprintf(err, errlen,
					 "--color wants auto, always or never, not '%s'", optarg);
				return -1;
			}
			break;
		case 'i':
			if (a->ninputs == 2) {
				snprintf(err, errlen, "-i FILE may be given at most twice");
				return -1;
			}
			a->inputs[a->ninputs++] = optarg;
			break;
		case ':':
			snprintf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		default:
			if (optopt)
				snprintf(err, errlen, "unknown option '-%c'", optopt);
			else
				snprintf(err, errlen, "unknown option '%s'", argv[optind - 1]);
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

const char *cli_walk_option(const struct cli_args *a)
{
	if (a->pages)
		return "--pages";
	if (a->only_present)
		return "--present";
	if (a->only_swapped)
		return "--swapped";
	if (a->only_huge)
		return "--huge";
	if (a->only_cow)
		return "--cow";
	if (a->output)
		return "--output";
	return NULL;
}
