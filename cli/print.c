// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One output call for text and JSON, after iproute2's print_*(PRINT_ANY,
 * key, fmt, value): an object's printer names each value once, with its
 * JSON key and its text format, so the two outputs cannot drift apart. The
 * document being written is global, as there is one per command (or one
 * per line with faults --follow).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"
#include "libptscope.h"

static struct json *cur; /* the JSON document, NULL when printing text */

/*
 * Text without printf on the hot path: a walk prints a dozen fields a
 * record and maps a dozen a mapping, and glibc's vprintf (its padding and
 * stream locking) was a fifth of their time. The printers' formats use
 * only literal text and %s, %c, %d, %i, %u, %x with '-' or '0', a width
 * (or '*') and l, ll or z; text_format() writes those exactly as printf
 * would, in one pass, and gives any other format to vprintf.
 */
struct text_out {
	char buf[1024];
	size_t len;
	int total;
	const char *fmt;
	bool checked; /* fmt is known to be all text_format()'s */
	bool other; /* fmt is not: vprintf writes it */
};

/* Whether text_format() can write @fmt: its conversions are all known. */
static bool text_simple(const char *p)
{
	for (; *p; p++) {
		bool zero = false, sized = true;
		int digits = 0;

		if (*p != '%')
			continue;
		if (*++p == '%')
			continue;
		if (*p == '-' || *p == '0')
			zero = *p++ == '0';
		if (*p == '*')
			p++;
		else
			while (*p >= '0' && *p <= '9' && ++digits <= 5)
				p++;
		if (*p == 'z')
			p++;
		else if (*p == 'l')
			p += p[1] == 'l' ? 2 : 1;
		else
			sized = false;
		/* Wide characters (%ls, %lc) are vprintf's. */
		if (!*p || !strchr(zero || sized ? "diux" : "scdiux", *p))
			return false;
	}
	return true;
}

/*
 * Nothing goes out before the whole format is known to be text_format()'s:
 * the buffer is flushed early (a value longer than it) only after a check.
 */
static void text_put(struct text_out *o, const char *s, size_t len)
{
	if (o->len + len > sizeof(o->buf)) {
		if (!o->checked && !text_simple(o->fmt)) {
			o->other = true;
			return;
		}
		o->checked = true;
		fwrite_unlocked(o->buf, 1, o->len, stdout);
		o->len = 0;
		if (len > sizeof(o->buf)) {
			fwrite_unlocked(s, 1, len, stdout);
			o->total += (int)len;
			return;
		}
	}
	memcpy(o->buf + o->len, s, len);
	o->len += len;
	o->total += (int)len;
}

static void text_pad(struct text_out *o, char c, int n)
{
	static const char spaces[] = "                                ";
	static const char zeros[] = "00000000000000000000000000000000";
	const int most = (int)sizeof(spaces) - 1;

	for (; n > 0; n -= most)
		text_put(o, c == '0' ? zeros : spaces, (size_t)(n < most ? n : most));
}

/* One conversion's digits, backwards from @end; returns the first. */
static char *text_digits(char *end, uint64_t v, bool hex)
{
	do {
		*--end = "0123456789abcdef"[hex ? v & 15 : v % 10];
		v = hex ? v >> 4 : v / 10;
	} while (v);
	return end;
}

static int text_format(const char *fmt, va_list ap)
{
	struct text_out o = { .len = 0, .fmt = fmt };
	const char *p = fmt, *lit;
	va_list again;

	va_copy(again, ap);
	while (*p && !o.other) {
		char digits[24], conv, fill = ' ';
		const char *str;
		bool left = false, neg = false;
		int width = 0, lng = 0, ndigits;
		size_t len;

		for (lit = p; *p && *p != '%'; p++)
			;
		if (p > lit)
			text_put(&o, lit, (size_t)(p - lit));
		if (!*p++)
			break;
		if (*p == '%') {
			text_put(&o, p++, 1);
			continue;
		}
		if (*p == '-')
			left = true, p++;
		else if (*p == '0')
			fill = '0', p++;
		if (*p == '*') {
			width = va_arg(ap, int);
			/* No printer asks for more; INT_MIN has no opposite. */
			if (width < 0)
				left = true, width = width < -65536 ? 65536 : -width;
			p++;
		} else {
			for (ndigits = 0; *p >= '0' && *p <= '9' && ndigits < 5; ndigits++)
				width = width * 10 + (*p++ - '0');
		}
		if (*p == 'z')
			lng = 3, p++;
		else if (*p == 'l')
			lng = p[1] == 'l' ? 2 : 1, p += lng;
		conv = *p++;
		if (conv == 's' && fill == ' ' && !lng) {
			str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			len = strlen(str);
		} else if (conv == 'c' && fill == ' ' && !lng) {
			digits[0] = (char)va_arg(ap, int);
			str = digits;
			len = 1;
		} else if (conv == 'd' || conv == 'i') {
			int64_t v = lng == 3 ? (int64_t)va_arg(ap, ssize_t) :
				    lng == 2 ? (int64_t)va_arg(ap, long long) :
				    lng == 1 ? (int64_t)va_arg(ap, long) :
					       (int64_t)va_arg(ap, int);

			neg = v < 0;
			str = text_digits(digits + sizeof(digits), neg ? -(uint64_t)v : (uint64_t)v,
					  false);
			len = (size_t)(digits + sizeof(digits) - str);
		} else if (conv == 'u' || conv == 'x') {
			uint64_t v = lng == 3 ? (uint64_t)va_arg(ap, size_t) :
				     lng == 2 ? (uint64_t)va_arg(ap, unsigned long long) :
				     lng == 1 ? (uint64_t)va_arg(ap, unsigned long) :
						(uint64_t)va_arg(ap, unsigned int);

			str = text_digits(digits + sizeof(digits), v, conv == 'x');
			len = (size_t)(digits + sizeof(digits) - str);
		} else {
			o.other = true; /* nothing of it went out: vprintf writes it all */
			break;
		}
		width -= (int)len + neg;
		if (neg && fill == '0')
			text_put(&o, "-", 1);
		if (!left)
			text_pad(&o, fill, width);
		if (neg && fill != '0')
			text_put(&o, "-", 1);
		text_put(&o, str, len);
		if (left)
			text_pad(&o, ' ', width);
	}
	if (o.other) {
		o.total = vprintf(fmt, again);
		o.len = 0;
	}
	va_end(again);
	fwrite_unlocked(o.buf, 1, o.len, stdout);
	return o.total;
}

void cli_print_open(bool json, bool pretty)
{
	if (!json)
		return;
	cur = cli_json_new(stdout, pretty);
	cli_json_obj_begin(cur);
}

void cli_print_open_file(FILE *out)
{
	cur = cli_json_new(out, false);
	cli_json_obj_begin(cur);
}

void cli_print_close(void)
{
	if (!cur) {
		fflush(stdout);
		return;
	}
	cli_json_obj_end(cur);
	cli_json_end(cur);
	cur = NULL;
}

void cli_print_close_stream(const char *error, const struct json_count *counts, size_t n,
			    const char *group, const struct json_count *group_counts, size_t ngroup)
{
	if (!cur)
		return;
	cli_json_stream_close(cur, error, counts, n, group, group_counts, ngroup);
	cur = NULL;
}

bool cli_print_is_json(void)
{
	return cur;
}

void cli_open_object(const char *key)
{
	if (!cur)
		return;
	if (key)
		cli_json_key(cur, key);
	cli_json_obj_begin(cur);
}

void cli_close_object(void)
{
	if (cur)
		cli_json_obj_end(cur);
}

void cli_open_array(const char *key)
{
	if (!cur)
		return;
	if (key)
		cli_json_key(cur, key);
	cli_json_arr_begin(cur);
}

void cli_close_array(void)
{
	if (cur)
		cli_json_arr_end(cur);
}

void cli_member_counts(const char *key, const struct json_count *counts, size_t n)
{
	if (cur)
		cli_json_count_object(cur, key, counts, n);
}

/* Whether an output of type @t goes out now; in JSON, with its key written. */
static bool wanted(int t, const char *key)
{
	if (!cur)
		return t & PRINT_TEXT;
	if (!(t & PRINT_JSON))
		return false;
	if (key)
		cli_json_key(cur, key);
	return true;
}

int cli_print_value(int t, const char *key, enum cli_print_kind kind, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!wanted(t, key))
		return 0;
	va_start(ap, fmt);
	if (!cur) {
		if (fmt)
			n = text_format(fmt, ap);
	} else if (kind == CLI_PRINT_STR) {
		cli_json_str(cur, va_arg(ap, const char *));
	} else if (kind == CLI_PRINT_HEX) {
		cli_json_hex(cur, va_arg(ap, uint64_t));
	} else {
		cli_json_uint(cur, va_arg(ap, uint64_t));
	}
	va_end(ap);
	return n < 0 ? 0 : n;
}

void cli_print_bool(int t, const char *key, const char *text, bool v)
{
	if (!wanted(t, key))
		return;
	if (cur)
		cli_json_bool(cur, v);
	else if (v && text)
		fputs(text, stdout);
}

void cli_print_null(int t, const char *key, const char *text)
{
	if (!wanted(t, key))
		return;
	if (cur)
		cli_json_null(cur);
	else if (text)
		fputs(text, stdout);
}

void cli_print_bits(int t, const char *key, uint64_t mask, bit_namer namer)
{
	if (!wanted(t, key))
		return;
	if (cur)
		cli_json_bit_names(cur, mask, namer);
	else
		cli_print_bit_names(mask, namer);
}

void cli_print_unknown(uint32_t unknown, bit_namer namer)
{
	unsigned int bit;

	if (!unknown)
		return;
	cli_open_array("unknown");
	for (bit = 0; bit < 32; bit++)
		if (unknown & (1U << bit))
			cli_print_str(PRINT_JSON, NULL, "%s", namer(bit) ?: "?");
	cli_close_array();
}

void cli_print_vtext(const char *fmt, va_list ap)
{
	if (!cur)
		text_format(fmt, ap);
}

void cli_print_text(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_print_vtext(fmt, ap);
	va_end(ap);
}

void cli_print_cache(int width, uint32_t cache, uint64_t flags)
{
	const char *common = ptscope_cache_name(cache) ?: "?";
	const char *memtype = cli_memtype_name(cli_machine.arch, cache, flags);
	char both[48];

	cli_member_str("cache", common);
	if (memtype)
		cli_member_str("memtype", memtype);
	snprintf(both, sizeof(both), memtype ? "%s (%s)" : "%.0s%s", memtype ?: "", common);
	cli_print_value(PRINT_TEXT, NULL, CLI_PRINT_STR, " %-*s", width, both);
}

const char *cli_size_units(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGTP";
	int i = -1;

	while (i < 4 && bytes >= 1024 && !(bytes % 1024)) {
		bytes /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", bytes, units[i]);
	return buf;
}
