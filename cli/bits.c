// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bit masks as lists of names (features, entry flags). Bits this tool has
 * no name for come from a newer module and are shown as "bitN", never
 * dropped.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *bit_name(bit_namer namer, unsigned int bit, char *buf, size_t len)
{
	const char *name = namer(bit);

	if (name)
		return name;
	snprintf(buf, len, "bit%u", bit);
	return buf;
}

void cli_print_bit_names(uint64_t mask, bit_namer namer)
{
	unsigned int bit;
	char buf[16];

	for (; mask; mask &= mask - 1) {
		bit = (unsigned int)__builtin_ctzll(mask);
		putchar_unlocked(' ');
		fputs_unlocked(bit_name(namer, bit, buf, sizeof(buf)), stdout);
	}
}

static void json_bit_names(struct json *j, uint64_t mask, bit_namer namer)
{
	char buf[16];

	cli_json_arr_begin(j);
	for (; mask; mask &= mask - 1)
		cli_json_str(j, bit_name(namer, (unsigned int)__builtin_ctzll(mask), buf,
					 sizeof(buf)));
	cli_json_arr_end(j);
}

/*
 * A walk prints the same few flag sets for every page: the compact JSON of
 * each (namer, mask) pair is kept in a small table, so a page costs a copy,
 * not a loop over 64 bits and a string escape per name. Names are
 * constants, so a cached text never goes stale; a collision replaces, and
 * a list too long for a slot, or a name that needs escaping, is not kept.
 */
#define BIT_CACHE_SLOTS 64
#define BIT_TEXT_MAX 480

static struct bit_text {
	bit_namer namer;
	uint64_t mask;
	size_t len;
	char text[BIT_TEXT_MAX];
} bit_cache[BIT_CACHE_SLOTS];

static bool append_name(struct bit_text *t, const char *name)
{
	size_t n = strlen(name);

	if (t->len + n + 4 > sizeof(t->text))
		return false;
	for (size_t i = 0; i < n; i++)
		if (name[i] < 0x20 || name[i] == '"' || name[i] == '\\' || (name[i] & 0x80))
			return false;
	if (t->len > 1)
		t->text[t->len++] = ',';
	t->text[t->len++] = '"';
	memcpy(t->text + t->len, name, n);
	t->len += n;
	t->text[t->len++] = '"';
	return true;
}

static const struct bit_text *bit_text(uint64_t mask, bit_namer namer)
{
	uint64_t h = (mask ^ (uint64_t)(uintptr_t)namer) * 0x9e3779b97f4a7c15ULL;
	struct bit_text *t = &bit_cache[h >> 58];
	char buf[16];

	if (t->namer == namer && t->mask == mask && t->len)
		return t;
	t->namer = NULL;
	t->len = 0;
	t->text[t->len++] = '[';
	for (uint64_t m = mask; m; m &= m - 1)
		if (!append_name(t, bit_name(namer, (unsigned int)__builtin_ctzll(m), buf,
					     sizeof(buf)))) {
			t->len = 0;
			return NULL;
		}
	t->text[t->len++] = ']';
	t->namer = namer;
	t->mask = mask;
	return t;
}

void cli_json_bit_names(struct json *j, uint64_t mask, bit_namer namer)
{
	const struct bit_text *t;

	if (!cli_json_is_pretty(j) && (t = bit_text(mask, namer))) {
		cli_json_raw(j, t->text, t->len);
		return;
	}
	json_bit_names(j, mask, namer);
}
