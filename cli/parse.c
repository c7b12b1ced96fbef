// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsing of command arguments: PIDs, addresses and places. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

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
		snprintf(err, errlen, "'%s' is not a PID (a number up to %lu, or 'self')", s,
			 PID_LIMIT);
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

/* A number with an optional K, M, G or T suffix (binary units). */
static int parse_size(const char *s, const char *end, uint64_t *v)
{
	unsigned long long n;
	unsigned int shift = 0;
	char buf[64], *e;
	size_t len = (size_t)(end - s);

	if (!len || len >= sizeof(buf) || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	switch (buf[len - 1]) {
	case 'K':
	case 'k':
		shift = 10;
		break;
	case 'M':
	case 'm':
		shift = 20;
		break;
	case 'G':
	case 'g':
		shift = 30;
		break;
	case 'T':
	case 't':
		shift = 40;
		break;
	}
	if (shift && !strncmp(buf, "0x", 2))
		return -1; /* "0x1b" is hex, not 1 byte with a suffix */
	if (shift)
		buf[--len] = '\0';
	errno = 0;
	n = strtoull(buf, &e, 0);
	if (!len || *e || errno || (shift && n > (~0ULL >> shift)))
		return -1;
	*v = n << shift;
	return 0;
}

int cli_parse_range(const char *s, uint64_t *start, uint64_t *end, char *err, size_t errlen)
{
	const char *sep = strpbrk(s, "-+");
	uint64_t a, b;

	if (!sep) {
		if (parse_size(s, s + strlen(s), &a))
			goto bad;
		*start = a;
		*end = a + 1; /* the page holding ADDR */
		return 0;
	}
	if (parse_size(s, sep, &a) || parse_size(sep + 1, sep + strlen(sep), &b))
		goto bad;
	if (*sep == '+') {
		if (!b || a + b < a) {
			snprintf(err, errlen,
				 "'%s': the length must be above 0 and stay below 2^64", s);
			return -1;
		}
		b += a;
	}
	if (a >= b) {
		snprintf(err, errlen, "'%s' is an empty or inverted range", s);
		return -1;
	}
	*start = a;
	*end = b;
	return 0;
bad:
	snprintf(err, errlen,
		 "'%s' is not a range (ADDR, ADDR-END or ADDR+LEN; "
		 "hex with 0x or decimal, LEN may end in K, M, G or T)",
		 s);
	return -1;
}

int cli_parse_place(const char *s, struct cli_place *p)
{
	const char *plus = strrchr(s, '+');
	size_t len = strlen(s);

	if (!*s || (s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return 0;
	memset(p, 0, sizeof(*p));
	/* "libstdc++.so.6" is a name; "[heap]+16K" a name and a number. */
	if (plus && plus > s && !parse_size(plus + 1, s + len, &p->off)) {
		p->has_off = true;
		len = (size_t)(plus - s);
	}
	if (len >= sizeof(p->name))
		len = sizeof(p->name) - 1;
	memcpy(p->name, s, len);
	p->name[len] = '\0';
	return 1;
}

int cli_parse_phys(const char *s, uint64_t *addr, char *err, size_t errlen)
{
	uint64_t pfn;

	if (strncmp(s, "pfn:", 4))
		return cli_parse_addr(s, addr, err, errlen);
	if (cli_parse_addr(s + 4, &pfn, err, errlen) || pfn >> 52) {
		snprintf(err, errlen, "'%s' is not a frame number (pfn:N, hex with 0x or decimal)",
			 s);
		return -1;
	}
	*addr = pfn << cli_machine.page_shift;
	return 0;
}

int cli_name_index(const char *name, const char *(*namer)(unsigned int))
{
	unsigned int i;
	const char *n;

	for (i = 0; (n = namer(i)); i++)
		if (!strcmp(n, name))
			return (int)i;
	return -1;
}

int cli_frame_shareable(const struct ptscope_page *pg)
{
	if (pg->state != PTSCOPE_STATE_PRESENT || !pg->has_pfn ||
	    pg->kind == PTSCOPE_KIND_ZERO_PAGE || pg->kind == PTSCOPE_KIND_HUGE_ZERO_PAGE)
		return 0;
	/* Hidden from the caller: the frame, and whether it has a struct page. */
	if (!pg->pfn)
		return -EPERM;
	return pg->has_page;
}

void cli_vma_perms(uint64_t flags, char out[5])
{
	out[0] = flags & PTSCOPE_VMA(READ) ? 'r' : '-';
	out[1] = flags & PTSCOPE_VMA(WRITE) ? 'w' : '-';
	out[2] = flags & PTSCOPE_VMA(EXEC) ? 'x' : '-';
	out[3] = flags & PTSCOPE_VMA(SHARED) ? 's' : 'p';
	out[4] = '\0';
}
