// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsing of command arguments: PIDs and addresses. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The kernel's PID_MAX_LIMIT on 64-bit. */
#define PID_LIMIT 4194304UL

int cli_parse_pid(const char *s, uint32_t *pid, char *err, size_t errlen)
{
	unsigned long v;
	char *end;

	if (!strcmp(s, "self")) {
		*pid = 0;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || s[0] == '+' || v > PID_LIMIT) {
		snprintf(err, errlen, "'%s' is not a PID (a number up to %lu, or 'self')",
			 s, PID_LIMIT);
		return -1;
	}
	*pid = (uint32_t)v;
	return 0;
}

int cli_parse_addr(const char *s, uint64_t *addr, char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (!*s || *end || errno || s[0] == '-' || s[0] == '+' || s[0] == ' ') {
		snprintf(err, errlen, "'%s' is not an address (hex with 0x, or decimal)", s);
		return -1;
	}
	*addr = v;
	return 0;
}
