// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A streaming JSON writer: values go out as they are produced, so a long
 * walk never has to be held in memory to be printed.
 */
#include <stdlib.h>

#include "cli.h"

#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;
	bool pretty;
	int depth;
	bool has_items[JSON_MAX_DEPTH]; /* per level: a comma is due */
	bool after_key;
};

struct json *cli_json_new(FILE *out, bool pretty)
{
	struct json *j = calloc(1, sizeof(*j));

	if (!j)
		abort(); /* a CLI that cannot allocate 300 bytes cannot go on */
	j->out = out;
	j->pretty = pretty;
	return j;
}

void cli_json_end(struct json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
	free(j);
}

static void newline_indent(struct json *j)
{
	if (!j->pretty)
		return;
	fprintf(j->out, "\n%*s", 2 * j->depth, "");
}

/* Separator and indentation before a value or a key. */
static void begin_item(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->has_items[j->depth])
			fputc(',', j->out);
		j->has_items[j->depth] = true;
		newline_indent(j);
	}
}

static void open_level(struct json *j, char c)
{
	begin_item(j);
	fputc(c, j->out);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void close_level(struct json *j, char c)
{
	bool had = j->has_items[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (had)
		newline_indent(j);
	fputc(c, j->out);
}

void cli_json_obj_begin(struct json *j)
{
	open_level(j, '{');
}

void cli_json_obj_end(struct json *j)
{
	close_level(j, '}');
}

void cli_json_arr_begin(struct json *j)
{
	open_level(j, '[');
}

void cli_json_arr_end(struct json *j)
{
	close_level(j, ']');
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (c < 0x20) {
				fprintf(out, "\\u%04x", c);
			} else if (c < 0x80) {
				fputc(c, out);
			} else {
				uint32_t cp;
				unsigned int len = cli_utf8_char(s, &cp);

				if (len) {
					fwrite(s, 1, len, out);
					s += len - 1;
				} else {
					/* Python's surrogateescape: the byte comes back (ptscope(8), JSON). */
					fprintf(out, "\\udc%02x", c);
				}
			}
		}
	}
	fputc('"', out);
}

void cli_json_key(struct json *j, const char *key)
{
	begin_item(j);
	put_string(j->out, key);
	fputs(j->pretty ? ": " : ":", j->out);
	j->after_key = true;
}

void cli_json_str(struct json *j, const char *s)
{
	begin_item(j);
	put_string(j->out, s);
}

void cli_json_uint(struct json *j, uint64_t v)
{
	begin_item(j);
	fprintf(j->out, "%llu", (unsigned long long)v);
}

void cli_json_hex(struct json *j, uint64_t v)
{
	begin_item(j);
	fprintf(j->out, "\"0x%llx\"", (unsigned long long)v);
}

void cli_json_bool(struct json *j, bool v)
{
	begin_item(j);
	fputs(v ? "true" : "false", j->out);
}

void cli_json_null(struct json *j)
{
	begin_item(j);
	fputs("null", j->out);
}

static void json_counts(struct json *j, const struct json_count *counts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		cli_json_key(j, counts[i].key);
		cli_json_uint(j, counts[i].value);
	}
}

void cli_json_count_object(struct json *j, const char *key, const struct json_count *counts,
			   size_t n)
{
	cli_json_key(j, key);
	cli_json_obj_begin(j);
	json_counts(j, counts, n);
	cli_json_obj_end(j);
}

void cli_json_stream_close(struct json *j, const char *error, const struct json_count *counts,
			   size_t n, const char *group, const struct json_count *group_counts,
			   size_t ngroup)
{
	cli_json_arr_end(j);
	if (error) {
		cli_json_key(j, "error");
		cli_json_str(j, error);
	}
	cli_json_key(j, "summary");
	cli_json_obj_begin(j);
	json_counts(j, counts, n);
	if (group)
		cli_json_count_object(j, group, group_counts, ngroup);
	cli_json_obj_end(j);
	cli_json_obj_end(j);
	cli_json_end(j);
}
