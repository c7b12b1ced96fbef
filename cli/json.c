// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A streaming JSON writer: values go out as they are produced, so a long
 * walk never has to be held in memory to be printed.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define JSON_MAX_DEPTH 32

struct json {
	FILE *out;
	bool pretty;
	int depth;
	bool has_items[JSON_MAX_DEPTH]; /* per level: a comma is due */
	bool after_key;
};

/*
 * The output is a stdio stream the command may also write to, so the JSON
 * goes through its buffer in order, with the _unlocked calls: one thread
 * writes a document, and a per-page walk writes 450 bytes a page, where a
 * lock and a call per character were most of the CLI's time.
 */
static inline void put_c(struct json *j, char c)
{
	putc_unlocked(c, j->out);
}

static inline void put_n(struct json *j, const char *s, size_t n)
{
#ifdef __GLIBC__
	/*
	 * What glibc's putc_unlocked does for one byte, for n: a copy into the
	 * stream's buffer while it has room, so a value costs no call into
	 * stdio (fwrite's own overhead was a third of a page's time).
	 */
	FILE *f = j->out;

	if (f->_IO_write_ptr && (size_t)(f->_IO_write_end - f->_IO_write_ptr) >= n) {
		memcpy(f->_IO_write_ptr, s, n);
		f->_IO_write_ptr += n;
		return;
	}
#endif
	fwrite_unlocked(s, 1, n, j->out);
}

#define put_lit(j, s) put_n(j, s, sizeof(s) - 1)

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
	put_c(j, '\n');
	fflush(j->out);
	free(j);
}

static void newline_indent(struct json *j)
{
	int i;

	if (!j->pretty)
		return;
	put_c(j, '\n');
	for (i = 0; i < 2 * j->depth; i++)
		put_c(j, ' ');
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
			put_c(j, ',');
		j->has_items[j->depth] = true;
		newline_indent(j);
	}
}

static void open_level(struct json *j, char c)
{
	begin_item(j);
	put_c(j, c);
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
	put_c(j, c);
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

/* Whether byte @c goes into a JSON string as it is (ASCII, no escape). */
static inline bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void put_string(struct json *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	put_c(j, '"');
	while (*s) {
		const char *run = s;
		unsigned char c;

		while (plain((unsigned char)*s))
			s++;
		put_n(j, run, (size_t)(s - run));
		c = (unsigned char)*s;
		if (!c)
			break;
		switch (c) {
		case '"':
			put_lit(j, "\\\"");
			break;
		case '\\':
			put_lit(j, "\\\\");
			break;
		case '\n':
			put_lit(j, "\\n");
			break;
		case '\t':
			put_lit(j, "\\t");
			break;
		default:
			if (c < 0x20) {
				char u[] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

				put_n(j, u, sizeof(u));
			} else {
				uint32_t cp;
				unsigned int len = cli_utf8_char(s, &cp);

				if (len) {
					put_n(j, s, len);
					s += len - 1;
				} else {
					/* Python's surrogateescape: the byte comes back (ptscope(8), JSON). */
					char u[] = { '\\', 'u', 'd', 'c', hex[c >> 4], hex[c & 15] };

					put_n(j, u, sizeof(u));
				}
			}
		}
		s++;
	}
	put_c(j, '"');
}

/*
 * Keys are mostly string constants, written once per record: their compact
 * text, quoted and with its colon, is kept by address and checked against
 * the key. A slot holds one key; a collision or a long key takes the slow
 * way.
 */
#define KEY_SLOTS 128
#define KEY_MAX 40

static struct key_text {
	const char *key;
	unsigned char len;
	char text[KEY_MAX];
} key_cache[KEY_SLOTS];

static const struct key_text *key_text(const char *key)
{
	struct key_text *k = &key_cache[((uintptr_t)key >> 3) % KEY_SLOTS];
	size_t n;

	/* The same address may hold another key later (a caller's buffer). */
	if (k->key == key && !strncmp(key, k->text + 1, k->len - 3u) && !key[k->len - 3u])
		return k;
	n = strlen(key);
	if (n + 3 > KEY_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!plain((unsigned char)key[i]))
			return NULL;
	k->text[0] = '"';
	memcpy(k->text + 1, key, n);
	k->text[n + 1] = '"';
	k->text[n + 2] = ':';
	k->len = (unsigned char)(n + 3);
	k->key = key;
	return k;
}

void cli_json_key(struct json *j, const char *key)
{
	const struct key_text *k;

	begin_item(j);
	if (!j->pretty && (k = key_text(key))) {
		put_n(j, k->text, k->len);
	} else {
		put_string(j, key);
		if (j->pretty)
			put_lit(j, ": ");
		else
			put_c(j, ':');
	}
	j->after_key = true;
}

void cli_json_str(struct json *j, const char *s)
{
	begin_item(j);
	put_string(j, s);
}

void cli_json_uint(struct json *j, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);

	begin_item(j);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put_n(j, p, (size_t)(buf + sizeof(buf) - p));
}

void cli_json_hex(struct json *j, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf); /* "0x" 16 digits, quoted */

	begin_item(j);
	*--p = '"';
	do {
		*--p = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	*--p = 'x';
	*--p = '0';
	*--p = '"';
	put_n(j, p, (size_t)(buf + sizeof(buf) - p));
}

void cli_json_bool(struct json *j, bool v)
{
	begin_item(j);
	if (v)
		put_lit(j, "true");
	else
		put_lit(j, "false");
}

void cli_json_null(struct json *j)
{
	begin_item(j);
	put_lit(j, "null");
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

void cli_json_raw(struct json *j, const char *text, size_t len)
{
	begin_item(j);
	put_n(j, text, len);
}

bool cli_json_is_pretty(const struct json *j)
{
	return j->pretty;
}
