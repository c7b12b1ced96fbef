// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One output call for text and JSON, after iproute2's print_*(PRINT_ANY,
 * key, fmt, value): an object's printer names each value once, with its
 * JSON key and its text format, so the two outputs cannot drift apart. The
 * document being written is global, as there is one per command (or one
 * per line with faults --follow).
 */
#include <stdarg.h>

#include "cli.h"
#include "libptscope.h"

static struct json *cur; /* the JSON document, NULL when printing text */

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
			n = vprintf(fmt, ap);
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

void cli_print_text(const char *fmt, ...)
{
	va_list ap;

	if (cur)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
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
