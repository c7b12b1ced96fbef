// SPDX-License-Identifier: LGPL-2.1-or-later
/* Per-thread "what went wrong" text behind ptscope_errmsg(). */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static __thread char pts_errbuf[512];

int pts_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pts_errbuf, sizeof(pts_errbuf), fmt, ap);
	va_end(ap);
	return err;
}

void pts_clear_error(void)
{
	pts_errbuf[0] = '\0';
}

const char *ptscope_errmsg(void)
{
	return pts_errbuf;
}
