// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The terminal map: the address space drawn top-down from high addresses,
 * one box per mapping (range, permissions, size, name), gaps squeezed into
 * one labelled line, and beside each box a bar of its page states:
 *
 *   0x7ffd4c9f3000 ┌──────────────────────────────────────┐
 *                  │ [stack]              rw-p    132 KiB │ ░░░░░░░░░░░░░░░░░░░░░░██
 *   0x7ffd4c9d2000 └──────────────────────────────────────┘
 *                     ┆ 41.2 TiB unmapped
 *
 * Every line fits the width asked for; names are cut to fit and shown in
 * ASCII only, so a file name cannot move the columns or drive the terminal.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "libptscope.h"
#include "map.h"

#define SIZE_COLS 10 /* "1023.9 KiB" */

struct text {
	FILE *out;
	bool color;
	unsigned int width;
	unsigned int aw; /* address column: "0x" and the digits */
	unsigned int bw; /* box, borders included */
	unsigned int rw; /* bar */
	unsigned int nw; /* name inside the box */
	unsigned int col; /* for wrapped lines: the column reached */
};

static void sgr(const struct text *t, const char *code)
{
	if (t->color)
		fprintf(t->out, "\033[%sm", code);
}

static void repeat(FILE *out, const char *s, unsigned int n)
{
	while (n--)
		fputs(s, out);
}

/* Names reach the terminal in printable ASCII only: other bytes as '?'. */
static char printable(char c)
{
	return c >= 0x20 && c < 0x7f ? c : '?';
}

static void make_printable(char *s)
{
	for (; *s; s++)
		*s = printable(*s);
}

/* @in made printable, at most @cols columns, "…" where cut. */
static void put_clean(FILE *out, const char *in, unsigned int cols, bool pad)
{
	size_t len = strlen(in), i;
	unsigned int shown = len > cols ? cols - 1 : (unsigned int)len;

	for (i = 0; i < shown; i++)
		fputc(printable(in[i]), out);
	if (len > cols)
		fputs("\u2026", out);
	if (pad)
		repeat(out, " ", cols - (len > cols ? cols : (unsigned int)len));
}

/* Words and items that wrap at the width: @text, preceded by @sep unless a line begins. */
static void put_wrapped(struct text *t, const char *sep, const char *text, unsigned int cols,
			const char *color)
{
	unsigned int seplen = (unsigned int)strlen(sep);

	if (t->col && t->col + seplen + cols > t->width) {
		fputc('\n', t->out);
		t->col = 0;
	}
	if (t->col) {
		fputs(sep, t->out);
		t->col += seplen;
	}
	if (color)
		sgr(t, color);
	fputs(text, t->out);
	if (color)
		sgr(t, "0");
	t->col += cols;
}

static void end_wrapped(struct text *t)
{
	if (t->col)
		fputc('\n', t->out);
	t->col = 0;
}

static void put_words(struct text *t, const char *sentence)
{
	char *copy = strdup(sentence), *save = NULL, *w;

	if (!copy)
		return;
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		put_wrapped(t, " ", w, (unsigned int)strlen(w), NULL);
	free(copy);
}

static void put_header(struct text *t, const struct map_view *v)
{
	const struct snapshot *s = v->snap;
	char buf[256], size[32];
	unsigned int st;

	snprintf(buf, sizeof(buf), *s->comm ? "pid %u (%s)" : "pid %u", s->pid, s->comm);
	make_printable(buf);
	put_wrapped(t, ", ", buf, (unsigned int)strlen(buf), "1");
	if (*s->kernel) {
		snprintf(buf, sizeof(buf), "kernel %.100s", s->kernel);
		make_printable(buf);
		put_wrapped(t, ", ", buf, (unsigned int)strlen(buf), NULL);
	}
	if (s->end) {
		snprintf(buf, sizeof(buf), "range 0x%" PRIx64 "-0x%" PRIx64, s->start, s->end);
		put_wrapped(t, ", ", buf, (unsigned int)strlen(buf), NULL);
	}
	cli_map_size(v->total * PAGE_BYTES, size, sizeof(size));
	snprintf(buf, sizeof(buf), "%zu mapping%s, %s", v->nvma, v->nvma == 1 ? "" : "s", size);
	put_wrapped(t, ", ", buf, (unsigned int)strlen(buf), NULL);
	/* Huge leaves and COW sharing are not drawn: procfs cannot see them. */
	if (s->procfs && cli_map_by() == MAP_BY_STATE)
		put_wrapped(t, ", ", "source procfs (no huge or COW marks)", 36, NULL);
	else if (s->procfs)
		put_wrapped(t, ", ", "source procfs", 13, NULL);
	end_wrapped(t);
	for (st = MAP_PRESENT; st < MAP_STATES; st++) {
		if (!v->pages[st])
			continue;
		cli_map_size(v->pages[st] * PAGE_BYTES, size, sizeof(size));
		snprintf(buf, sizeof(buf), "%s %s", cli_map_styles[st].label, size);
		put_wrapped(t, ", ", buf, (unsigned int)strlen(buf), NULL);
	}
	if (!t->col)
		put_wrapped(t, "", "nothing present", 15, NULL);
	end_wrapped(t);
}

static void put_rule(const struct text *t, uint64_t addr, const char *left, const char *right)
{
	fprintf(t->out, "0x%0*" PRIx64 " %s", t->aw - 2, addr, left);
	repeat(t->out, "\u2500", t->bw - 2);
	fprintf(t->out, "%s\n", right);
}

static void put_bar(const struct text *t, const struct map_view *v, const struct map_vma *m,
		    unsigned char *cells)
{
	uint64_t pages = (m->end - m->start) / PAGE_BYTES;
	unsigned int n = pages < t->rw ? (unsigned int)pages : t->rw, c;

	cli_map_cells(v, m, n, cells);
	for (c = 0; c < n; c++) {
		if (!c || cells[c] != cells[c - 1]) {
			if (c)
				sgr(t, "0");
			sgr(t, cli_map_styles[cells[c]].sgr);
		}
		fputs(cli_map_styles[cells[c]].glyph, t->out);
	}
	if (n)
		sgr(t, "0");
}

static void put_vma(const struct text *t, const struct map_view *v, const struct map_vma *m,
		    unsigned char *cells)
{
	char perms[5], size[32];

	cli_map_perms(m, perms);
	cli_map_size(m->end - m->start, size, sizeof(size));
	fprintf(t->out, "%*s \u2502 ", t->aw, "");
	put_clean(t->out, cli_map_short_name(m), t->nw, true);
	fprintf(t->out, " %s %*s \u2502 ", perms, SIZE_COLS, size);
	put_bar(t, v, m, cells);
	fputc('\n', t->out);
}

static void put_gap(const struct text *t, uint64_t bytes)
{
	char size[32];

	cli_map_size(bytes, size, sizeof(size));
	fprintf(t->out, "%*s    ", t->aw, "");
	sgr(t, "2");
	fprintf(t->out, "\u2506 %s unmapped", size);
	sgr(t, "0");
	fputc('\n', t->out);
}

static void put_legend(struct text *t)
{
	unsigned int st, cols;

	for (st = 0; st < MAP_STATES; st++) {
		cols = 2 + (unsigned int)strlen(cli_map_styles[st].label);
		/* An empty item only to wrap or separate; then the glyph and its label. */
		put_wrapped(t, "  ", "", cols, NULL);
		sgr(t, cli_map_styles[st].sgr);
		fputs(cli_map_styles[st].glyph, t->out);
		sgr(t, "0");
		fprintf(t->out, " %s", cli_map_styles[st].label);
	}
	end_wrapped(t);
	put_words(t, "Each bar runs from the mapping's low address to its high one; "
		     "a cell shows the state of most of its pages.");
	end_wrapped(t);
}

static unsigned int hex_digits(uint64_t x)
{
	unsigned int n = 1;

	while (x >>= 4)
		n++;
	return n;
}

/*
 * Share @width out: the address, a space, the box, a space, the bar (3/8 of
 * what the box and bar have). Whether the name and the bar get 8 columns.
 */
static bool split_width(struct text *t, unsigned int width)
{
	unsigned int avail = width > t->aw + 2 ? width - t->aw - 2 : 0;

	t->width = width;
	t->rw = avail * 3 / 8;
	t->bw = avail - t->rw;
	/* Inside the box: " NAME PERM SIZE ", borders and spaces around */
	t->nw = t->bw > 2 + 4 + 4 + SIZE_COLS ? t->bw - 2 - 4 - 4 - SIZE_COLS : 0;
	return t->nw >= 8 && t->rw >= 8;
}

int cli_map_text(FILE *out, const struct map_view *v, const struct map_text_options *o, char *err,
		 size_t errlen)
{
	struct text t = { .out = out, .color = o->color };
	unsigned int digits = 12, avail;
	unsigned char *cells;
	size_t i;

	for (i = 0; i < v->nvma; i++)
		if (hex_digits(v->vma[i].end) > digits)
			digits = hex_digits(v->vma[i].end);
	t.aw = 2 + digits;
	if (o->width > MAP_MAX_WIDTH || !split_width(&t, o->width)) {
		for (avail = t.aw; avail <= MAP_MAX_WIDTH && !split_width(&t, avail); avail++)
			;
		snprintf(err, errlen, "--width %u: this map needs %u to %u columns", o->width,
			 avail, MAP_MAX_WIDTH);
		return -EINVAL;
	}
	cells = malloc(t.rw);
	if (!cells)
		return -ENOMEM;
	put_header(&t, v);
	/* High addresses on top: the mappings in reverse. */
	for (i = v->nvma; i-- > 0;) {
		const struct map_vma *m = &v->vma[i];
		bool joined = i + 1 < v->nvma && v->vma[i + 1].start == m->end;

		if (i + 1 < v->nvma && !joined)
			put_gap(&t, v->vma[i + 1].start - m->end);
		if (joined)
			put_rule(&t, m->end, "\u251c", "\u2524");
		else
			put_rule(&t, m->end, "\u250c", "\u2510");
		put_vma(&t, v, m, cells);
		if (!i || v->vma[i - 1].end != m->start)
			put_rule(&t, m->start, "\u2514", "\u2518");
	}
	if (!v->nvma)
		fputs("(no mappings)\n", out);
	put_legend(&t);
	free(cells);
	return 0;
}
