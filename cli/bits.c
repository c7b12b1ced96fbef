// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bit masks as lists of names (features, entry flags). Bits this tool has
 * no name for come from a newer module and are shown as "bitN", never
 * dropped.
 */
#include <stdio.h>

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

	for (bit = 0; bit < 64; bit++)
		if (mask & (1ULL << bit))
			printf(" %s", bit_name(namer, bit, buf, sizeof(buf)));
}

void cli_json_bit_names(struct json *j, uint64_t mask, bit_namer namer)
{
	unsigned int bit;
	char buf[16];

	cli_json_arr_begin(j);
	for (bit = 0; bit < 64; bit++)
		if (mask & (1ULL << bit))
			cli_json_str(j, bit_name(namer, bit, buf, sizeof(buf)));
	cli_json_arr_end(j);
}
