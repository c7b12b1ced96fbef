// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SVG map: one column per view, high addresses on top, every mapping a
 * box whose height grows with the logarithm of its size (so a 4 KiB mapping
 * next to a 128 TiB reservation stays visible), a heatmap strip beside it
 * (each pixel column the dominant state of the pages it covers, low address
 * on the left), a <title> tooltip with its details, and, for two views,
 * one line per run of frames they share.
 *
 * Bounds: the picture is never taller than cairo and browsers draw
 * (boxes shrink once there are thousands of them), a strip has at most one
 * rectangle per change of state, and coinciding link lines are drawn once
 * with their count in the tooltip.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "libptscope.h"
#include "map.h"

#define MARGIN 20.0
#define ADDR_W 120.0 /* address labels: up to 57-bit addresses in 11px monospace */
#define BOX_W 300.0
#define STRIP_W 360.0
#define PAIR_BOX_W 260.0
#define PAIR_STRIP_W 260.0
#define LINK_W 220.0 /* between the two views' strips */
#define GAP_H 20.0
#define LABEL_H 11.0 /* the least height a line of text needs */
#define BODY_BUDGET 15000.0 /* natural heights are scaled to this, then floored */
#define MAX_LINKS 20000
#define LEGEND_Y 78.0

/* Where each mapping of a view is drawn. */
struct column {
	const struct map_view *v;
	double *y, *h; /* per mapping, in address order */
	double height;
	double box_x, box_w, strip_x, strip_w;
	bool mirrored; /* the right-hand view: strip, box, then addresses */
};

static double larger(double a, double b)
{
	return a > b ? a : b;
}

/* 14 px for a page, 5 more each time the size doubles. */
static double natural_height(const struct map_vma *m)
{
	return 14.0 + 5.0 * (63 - __builtin_clzll((m->end - m->start) / PAGE_BYTES));
}

/* Heights and positions, from the top mapping (the highest) down; 0 or -ENOMEM. */
static int layout(struct column *c, double top)
{
	const struct map_view *v = c->v;
	double total = 0, f = 1, minh = 2, ming = 1, y = top;
	size_t i, gaps = 0;

	c->y = calloc(v->nvma ? v->nvma : 1, sizeof(double));
	c->h = calloc(v->nvma ? v->nvma : 1, sizeof(double));
	if (!c->y || !c->h)
		return -ENOMEM;
	for (i = 0; i < v->nvma; i++) {
		total += natural_height(&v->vma[i]);
		if (i + 1 < v->nvma && v->vma[i + 1].start != v->vma[i].end) {
			total += GAP_H;
			gaps++;
		}
	}
	if (total > BODY_BUDGET) {
		f = BODY_BUDGET / total;
		if (minh * (double)v->nvma > BODY_BUDGET * 0.66)
			minh = BODY_BUDGET * 0.66 / (double)v->nvma;
		if (ming * (double)gaps > BODY_BUDGET * 0.33)
			ming = BODY_BUDGET * 0.33 / (double)gaps;
	}
	for (i = v->nvma; i-- > 0;) {
		if (i + 1 < v->nvma && v->vma[i + 1].start != v->vma[i].end)
			y += larger(ming, GAP_H * f);
		c->y[i] = y;
		c->h[i] = larger(minh, natural_height(&v->vma[i]) * f);
		y += c->h[i];
	}
	c->height = y - top;
	return 0;
}

static void column_free(struct column *c)
{
	free(c->y);
	free(c->h);
}

/* @s as XML text: markup escaped, bytes that are not UTF-8 (or not XML) as '?'. */
static void put_xml(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int len;
		uint32_t cp;

		if (*p < 0x80) {
			if (*p == '<')
				fputs("&lt;", out);
			else if (*p == '>')
				fputs("&gt;", out);
			else if (*p == '&')
				fputs("&amp;", out);
			else if (*p == '"')
				fputs("&quot;", out);
			else
				fputc(*p >= 0x20 && *p != 0x7f ? *p : '?', out);
			p++;
			continue;
		}
		len = cli_utf8_char((const char *)p, &cp);
		/* XML refuses the non-characters U+FFFE and U+FFFF besides. */
		if (!len || cp == 0xfffe || cp == 0xffff) {
			fputc('?', out);
			p++;
			continue;
		}
		fwrite(p, 1, len, out);
		p += len;
	}
}

/* Cut @s to @max characters for a label ("…" at the cut), into @buf. */
static const char *cut(const char *s, size_t max, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	snprintf(buf, len, "%.*s\u2026", (int)(max > 1 ? max - 1 : 0), s);
	return buf;
}

static void put_styles(FILE *out)
{
	unsigned int i;

	fputs("<style>\n"
	      "text{font-family:'DejaVu Sans Mono',monospace;font-size:11px;fill:#222}\n"
	      ".t{font-size:16px;font-weight:bold}.sub{fill:#555}.gap{fill:#777;font-style:italic}\n"
	      ".box{stroke:#555;stroke-width:0.6}.strip{fill:none;stroke:#888;stroke-width:0.5}\n"
	      ".l{fill:none;stroke-width:1.2;stroke-opacity:0.55}\n",
	      out);
	for (i = 0; i < MAP_STATES; i++)
		fprintf(out, ".s%u{fill:%s}", i, cli_map_styles[i].rgb);
	for (i = 0; i < MAP_SHARES; i++)
		fprintf(out, ".k%u{stroke:%s}", i, cli_map_share_styles[i].rgb);
	/* Box fills by what the mapping is (PTSCOPE_BACKING_*, then unknown). */
	fputs("\n.b0{fill:#f2f2f2}.b1{fill:#e6eefa}.b2{fill:#e6f5ec}.b3{fill:#fdf0da}"
	      ".b4{fill:#fbe4e4}.b5{fill:#eee8f6}.b6{fill:#dff3f5}.b7{fill:#ffffff}\n"
	      "</style>\n",
	      out);
}

/* "pid 812 (memkinds)", and " and pid 813 (...)" for a pair. */
static void put_pids(FILE *out, const struct map_view *a, const struct map_view *b)
{
	const struct map_view *v[2] = { a, b };
	unsigned int i;

	for (i = 0; i < 2 && v[i]; i++) {
		fprintf(out, "%spid %u", i ? " and " : "", v[i]->snap->pid);
		if (*v[i]->snap->comm) {
			fputs(" (", out);
			put_xml(out, v[i]->snap->comm);
			fputc(')', out);
		}
	}
}

static void put_title(FILE *out, const struct map_view *a, const struct map_view *b)
{
	fputs("<title>ptscope map: ", out);
	put_pids(out, a, b);
	fputs("</title>\n", out);
	fprintf(out, "<text class=\"t\" x=\"%.0f\" y=\"30\">", MARGIN);
	put_pids(out, a, b);
	if (*a->snap->kernel) {
		fputs(" \u2014 kernel ", out);
		put_xml(out, a->snap->kernel);
	}
	if (b && *b->snap->kernel && strcmp(a->snap->kernel, b->snap->kernel)) {
		fputs(" and ", out);
		put_xml(out, b->snap->kernel);
	}
	fputs("</text>\n", out);
	fprintf(out,
		"<text class=\"sub\" x=\"%.0f\" y=\"48\">High addresses on top; a box's height"
		" grows with the log of its size.</text>\n"
		"<text class=\"sub\" x=\"%.0f\" y=\"62\">Strips run from low to high address;"
		" a pixel shows the state of most of its pages.</text>\n",
		MARGIN, MARGIN);
}

/* A legend item: a swatch of CSS class @cls and @label at (x, y); returns the next x. */
static double legend_item(FILE *out, double x, double y, const char *cls, unsigned int i, bool line,
			  const char *label)
{
	if (line)
		fprintf(out,
			"<path class=\"%s%u\" style=\"stroke-opacity:1;stroke-width:3\" "
			"d=\"M%.0f %.0fh12\"/>",
			cls, i, x, y + 6);
	else
		fprintf(out,
			"<rect class=\"%s%u\" x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\"/>",
			cls, i, x, y);
	fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", x + 16, y + 10, label);
	return x + 24 + 6.6 * (double)strlen(label);
}

/* The legend under the title: page states, mapping kinds, and for pairs the links. */
static void put_legend(FILE *out, bool pair)
{
	static const char *const kinds[] = { "anon",  "file",	 "shmem",  "heap",
					     "stack", "special", "hugetlb" };
	double x, y = LEGEND_Y;
	unsigned int i;

	fprintf(out, "<g class=\"legend\">\n<text x=\"%.0f\" y=\"%.0f\">pages:</text>\n", MARGIN,
		y + 10);
	for (i = 0, x = MARGIN + 56; i < MAP_STATES; i++)
		x = legend_item(out, x, y, "s", i, false, cli_map_styles[i].label);
	y += 20;
	fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">mappings:</text>\n", MARGIN, y + 10);
	for (i = 0, x = MARGIN + 76; i < ARRAY_SIZE(kinds); i++)
		x = legend_item(out, x, y, "box b", i, false, kinds[i]);
	if (pair) {
		y += 20;
		fprintf(out, "<text x=\"%.0f\" y=\"%.0f\">shared:</text>\n", MARGIN, y + 10);
		for (i = 0, x = MARGIN + 62; i < MAP_SHARES; i++)
			x = legend_item(out, x, y, "l k", i, true, cli_map_share_styles[i].label);
	}
	fputs("</g>\n", out);
}

static void put_tooltip(FILE *out, const struct map_vma *m)
{
	char perms[5], size[32];
	unsigned int st;
	const char *sep = "";

	cli_map_perms(m, perms);
	cli_map_size(m->end - m->start, size, sizeof(size));
	fprintf(out, "<title>0x%" PRIx64 "-0x%" PRIx64 " %s %s %s ", m->start, m->end, perms, size,
		m->known ? ptscope_backing_name(m->backing) ?: "?" : "?");
	put_xml(out, m->known ? *m->name ? m->name : "[anon]" : "(mapping not recorded)");
	fputs("\n", out);
	for (st = 0; st < MAP_STATES; st++)
		if (m->pages[st]) {
			fprintf(out, "%s%s %" PRIu64, sep, cli_map_styles[st].label, m->pages[st]);
			sep = ", ";
		}
	fputs(" pages</title>", out);
}

static void put_strip(FILE *out, const struct column *c, const struct map_vma *m, double y,
		      double h, unsigned char *cells)
{
	uint64_t pages = (m->end - m->start) / PAGE_BYTES;
	unsigned int n = pages < (uint64_t)c->strip_w ? (unsigned int)pages :
							(unsigned int)c->strip_w;
	unsigned int i, from = 0;
	double w = c->strip_w / n;
	double sy = h > 3 ? y + 1 : y, sh = h > 3 ? h - 2 : h;

	cli_map_cells(c->v, m, n, cells);
	for (i = 1; i <= n; i++) {
		if (i < n && cells[i] == cells[from])
			continue;
		fprintf(out,
			"<rect class=\"s%u\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
			cells[from], c->strip_x + from * w, sy, (i - from) * w, sh);
		from = i;
	}
	if (h > 3)
		fprintf(out,
			"<rect class=\"strip\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
			c->strip_x, sy, c->strip_w, sh);
}

static void put_address(FILE *out, const struct column *c, uint64_t addr, double y)
{
	if (c->mirrored)
		fprintf(out, "<text x=\"%.2f\" y=\"%.2f\">0x%012" PRIx64 "</text>\n",
			c->box_x + c->box_w + 8, y + 4, addr);
	else
		fprintf(out,
			"<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">0x%012" PRIx64 "</text>\n",
			c->box_x - 8, y + 4, addr);
}

static void put_column(FILE *out, const struct column *c, unsigned char *cells)
{
	const struct map_view *v = c->v;
	double last_label = -1e9;
	size_t i, chars = (size_t)((c->box_w - 12) / 6.6);
	char buf[256], perms[5], size[32];

	for (i = v->nvma; i-- > 0;) {
		const struct map_vma *m = &v->vma[i];
		double y = c->y[i], h = c->h[i];
		bool below_gap = !i || v->vma[i - 1].end != m->start;

		fprintf(out, "<g class=\"vma\">");
		put_tooltip(out, m);
		fprintf(out,
			"<rect class=\"box b%u\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/>",
			m->known && m->backing < 7 ? m->backing : 7, c->box_x, y, c->box_w, h);
		put_strip(out, c, m, y, h, cells);
		if (h >= LABEL_H + 1) {
			size_t room;

			cli_map_perms(m, perms);
			cli_map_size(m->end - m->start, size, sizeof(size));
			room = chars > strlen(perms) + strlen(size) + 3 ?
				       chars - strlen(perms) - strlen(size) - 3 :
				       1;
			fprintf(out, "<text x=\"%.2f\" y=\"%.2f\">", c->box_x + 6, y + h / 2 + 4);
			put_xml(out, cut(cli_map_short_name(m), room, buf, sizeof(buf)));
			fprintf(out,
				"</text><text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">%s %s</text>",
				c->box_x + c->box_w - 6, y + h / 2 + 4, perms, size);
		}
		fputs("</g>\n", out);
		if (y - last_label >= LABEL_H) {
			put_address(out, c, m->end, y);
			last_label = y;
		}
		if (below_gap && y + h - last_label >= LABEL_H) {
			put_address(out, c, m->start, y + h);
			last_label = y + h;
		}
		if (i && below_gap) {
			double gy = y + h, gh = c->y[i - 1] - gy;

			if (gh >= LABEL_H - 2) {
				cli_map_size(m->start - v->vma[i - 1].end, size, sizeof(size));
				fprintf(out,
					"<text class=\"gap\" x=\"%.2f\" y=\"%.2f\">\u2507 %s unmapped</text>\n",
					c->box_x + 10, gy + gh / 2 + 4, size);
			}
		}
	}
}

/* Where address @addr of view @c is drawn on the strip's edge facing the other view. */
static bool link_end(const struct column *c, uint64_t addr, double *x, double *y)
{
	const struct map_vma *m = cli_map_vma_at(c->v, addr);
	size_t i;

	if (!m)
		return false;
	i = (size_t)(m - c->v->vma);
	*x = c->mirrored ? c->strip_x : c->strip_x + c->strip_w;
	*y = c->y[i] + c->h[i] * (1.0 - (double)(addr - m->start) / (double)(m->end - m->start));
	return true;
}

struct drawn_link {
	uint64_t key; /* 0: empty slot */
	double ya, yb;
	struct map_link first;
	uint64_t runs, pages;
};

struct links {
	const struct column *a, *b;
	struct drawn_link *slot;
	size_t size, used;
	uint64_t runs, pages[MAP_SHARES], dropped;
	int oom;
};

static int on_link(const struct map_link *l, void *arg)
{
	struct links *s = arg;
	uint64_t mid = l->pages / 2 * PAGE_BYTES, key;
	double xa, ya, xb, yb;
	size_t i;

	s->runs++;
	s->pages[l->kind] += l->pages;
	if (!link_end(s->a, l->a_addr + mid, &xa, &ya) ||
	    !link_end(s->b, l->b_addr + mid, &xb, &yb))
		return 0;
	/* Lines that would land on the same half-pixels are one line. */
	key = ((uint64_t)(ya * 2) << 34 | (uint64_t)(yb * 2) << 2 | l->kind) + 1;
	for (i = (key * 0x9e3779b97f4a7c15ULL) >> 40 & (s->size - 1); s->slot[i].key;
	     i = (i + 1) & (s->size - 1))
		if (s->slot[i].key == key)
			break;
	if (!s->slot[i].key) {
		if (s->used + 1 > s->size / 2 || s->used >= MAX_LINKS) {
			s->dropped++;
			return 0;
		}
		s->slot[i] = (struct drawn_link){ key, ya, yb, *l, 0, 0 };
		s->used++;
	}
	s->slot[i].runs++;
	s->slot[i].pages += l->pages;
	return 0;
}

static void put_links(FILE *out, const struct links *s)
{
	double xa = s->a->strip_x + s->a->strip_w, xb = s->b->strip_x, mid = (xa + xb) / 2;
	size_t i;

	fputs("<g class=\"links\">\n", out);
	for (i = 0; i < s->size; i++) {
		const struct drawn_link *d = &s->slot[i];

		if (!d->key)
			continue;
		fprintf(out,
			"<path class=\"l k%u\" d=\"M%.1f %.2fC%.1f %.2f %.1f %.2f %.1f %.2f\">"
			"<title>%s: %" PRIu64 " run%s, %" PRIu64 " page%s; first at 0x%" PRIx64
			" and 0x%" PRIx64 "</title></path>\n",
			d->first.kind, xa, d->ya, mid, d->ya, mid, d->yb, xb, d->yb,
			cli_map_share_styles[d->first.kind].label, d->runs, d->runs == 1 ? "" : "s",
			d->pages, d->pages == 1 ? "" : "s", d->first.a_addr, d->first.b_addr);
	}
	fputs("</g>\n", out);
}

static void put_column_head(FILE *out, const struct column *c, double y)
{
	char size[32];

	cli_map_size(c->v->total * PAGE_BYTES, size, sizeof(size));
	fprintf(out, "<text class=\"t\" style=\"font-size:13px\" x=\"%.2f\" y=\"%.2f\">", c->box_x,
		y);
	put_pids(out, c->v, NULL);
	fprintf(out, ": %zu mapping%s, %s</text>\n", c->v->nvma, c->v->nvma == 1 ? "" : "s", size);
}

int cli_map_svg(FILE *out, const struct map_view *a, const struct map_view *b)
{
	struct column ca = { .v = a }, cb = { .v = b };
	struct links links = { .a = &ca, .b = &cb };
	unsigned char *cells = malloc((size_t)STRIP_W + 1);
	double top, width, height;
	int ret = -ENOMEM;

	if (!cells)
		return -ENOMEM;
	ca.box_x = MARGIN + ADDR_W + 8;
	ca.box_w = b ? PAIR_BOX_W : BOX_W;
	ca.strip_x = ca.box_x + ca.box_w + 8;
	ca.strip_w = b ? PAIR_STRIP_W : STRIP_W;
	width = ca.strip_x + ca.strip_w + MARGIN;
	if (b) {
		cb.mirrored = true;
		cb.strip_x = ca.strip_x + ca.strip_w + LINK_W;
		cb.strip_w = PAIR_STRIP_W;
		cb.box_x = cb.strip_x + cb.strip_w + 8;
		cb.box_w = PAIR_BOX_W;
		width = cb.box_x + cb.box_w + 8 + ADDR_W + MARGIN;
	}
	/* The legend's height is known before anything is written: its rows of 20. */
	top = LEGEND_Y + (b ? 60 : 40) + 26;
	if (layout(&ca, top) || (b && layout(&cb, top)))
		goto out;
	height = top + larger(ca.height, b ? cb.height : 0) + MARGIN;
	if (b) {
		links.size = 1024;
		while (links.size < 2 * MAX_LINKS)
			links.size *= 2;
		links.slot = calloc(links.size, sizeof(*links.slot));
		if (!links.slot)
			goto out;
		ret = cli_map_links(a, b, on_link, &links);
		if (ret)
			goto out;
	}
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\">\n",
		width, height, width, height);
	put_styles(out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
		width, height);
	put_title(out, a, b);
	put_legend(out, b);
	put_column_head(out, &ca, top - 10);
	put_column(out, &ca, cells);
	if (b) {
		put_column_head(out, &cb, top - 10);
		put_column(out, &cb, cells);
		put_links(out, &links);
		if (links.dropped)
			fprintf(out,
				"<text class=\"sub\" x=\"%.0f\" y=\"%.0f\">%" PRIu64
				" more shared runs not drawn</text>\n",
				ca.strip_x + ca.strip_w + 8, top - 10, links.dropped);
	}
	fputs("</svg>\n", out);
	ret = ferror(out) ? -EIO : 0;
out:
	free(links.slot);
	column_free(&ca);
	column_free(&cb);
	free(cells);
	return ret;
}
