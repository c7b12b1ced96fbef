// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * UTF-8 as the CLI's outputs need it: names come from the kernel (paths,
 * comm, exe) and from snapshots as bytes, and JSON and SVG must be valid
 * UTF-8. One decoder decides what is a character, for every writer.
 */
#include "cli.h"

unsigned int cli_utf8_char(const char *s, uint32_t *cp_out)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int len, i;
	uint32_t cp;

	if (*p < 0x80) {
		*cp_out = *p;
		return 1;
	}
	if ((*p & 0xe0) == 0xc0)
		len = 2, cp = *p & 0x1f;
	else if ((*p & 0xf0) == 0xe0)
		len = 3, cp = *p & 0x0f;
	else if ((*p & 0xf8) == 0xf0)
		len = 4, cp = *p & 0x07;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* a NUL ends the string here too */
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_out = cp;
	return len;
}
