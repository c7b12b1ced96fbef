// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every command uses (and ptscope-recorder with them): errors as the
 * output format wants them, opening the handle, the PID and RANGE
 * arguments. main.c is the command line's; this is not.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"

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

/* --source, kept for every handle the command opens. */
static int source = -1;

void cli_set_source(int s)
{
	source = s;
}

int cli_open(struct ptscope **h)
{
	struct ptscope_machine m;

	if (source >= 0 ? ptscope_open_source(h, source) : ptscope_open(h))
		return -1;
	/* Without an answer (an old module refuses nothing here), x86_64 stays. */
	if (!ptscope_get_machine(*h, &m))
		cli_machine_set(m.arch, m.page_size, m.va_bits);
	return 0;
}

int cli_parse_pid_range(const struct cli_args *a, const char *cmd, uint32_t *pid, uint64_t *start,
			uint64_t *end, struct cli_place *where, bool *place)
{
	char err[256];

	*start = *end = 0;
	if (a->argc < 1 || a->argc > 2) {
		cli_error(a, "%s needs PID and at most one RANGE (see 'ptscope help %s')", cmd,
			  cmd);
		return EXIT_USAGE;
	}
	*place = a->argc == 2 && cli_parse_place(a->argv[1], where);
	if (cli_parse_pid(a->argv[0], pid, err, sizeof(err)) ||
	    (a->argc == 2 && !*place &&
	     cli_parse_range(a->argv[1], start, end, err, sizeof(err)))) {
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	if (*place && where->has_off && !where->off) {
		cli_error(a, "'%s': the length must be above 0", a->argv[1]);
		return EXIT_USAGE;
	}
	return EXIT_OK;
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
	if (cli_open(h)) {
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
