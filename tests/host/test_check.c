// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for ptscope check's assertions: parsing every form and error, and evaluation. */
#include "../../cli/check.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

#include "tap.h"

static char err[256];
static struct check_expr e;

static int parse1(const char *w)
{
	char *argv[] = { (char *)w };

	return cli_check_parse(1, argv, &e, err, sizeof(err));
}

/* Space-separated assertion words, each its own argument as on a command line. */
static int parse_words(const char *words)
{
	static char buf[256];
	char *argv[16], *w, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", words);
	for (w = strtok_r(buf, " ", &save); w && argc < 16; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	return cli_check_parse(argc, argv, &e, err, sizeof(err));
}

/* A present anonymous 4 KiB page: rw, nx, dirty, cow writable, mapcount 1. */
static struct ptscope_page page(void)
{
	struct ptscope_page pg = {
		.addr = 0x1000,
		.nr_pages = 1,
		.pfn = 0x1234,
		.state = PTSCOPE_STATE_PRESENT,
		.level = PTSCOPE_LEVEL_PTE,
		.kind = PTSCOPE_KIND_ANON,
		.cache = PTSCOPE_CACHE_WB,
		.cow = PTSCOPE_COW_WRITABLE,
		.mapcount = 1,
		.pflags = PTSCOPE_PAGE(MAPPED_ONCE),
		.has_pfn = 1,
		.has_page = 1,
		.flags = PTSCOPE_ENTRY(PRESENT) | PTSCOPE_ENTRY(RW) | PTSCOPE_ENTRY(NX) |
			 PTSCOPE_ENTRY(DIRTY),
	};
	return pg;
}

static int holds(const char *w, const struct ptscope_page *pg)
{
	return !parse1(w) && cli_check_pred_holds(&e.item[0].pred, pg, pg->pfn);
}

int main(void)
{
	struct ptscope_page pg = page(), none = { .state = PTSCOPE_STATE_NONE, .nr_pages = 1 };
	static const char *const good[] = {
		"present",
		"!present",
		"writable",
		"nx",
		"huge",
		"cow-shared",
		"exclusive",
		"zero-page",
		"pinned",
		"cache=WC",
		"pfn=0x1234",
		"swapped",
		"soft-dirty",
		"pkey=3",
		"count(present)=10",
		"count(!writable)>=2",
		"count(huge)<1",
		"count(swapped)!=0",
		"count(present)<=4",
		"count(present)>0",
		"kind=file",
		"cow=reusable",
		"level=PMD",
		"state=marker",
		"mapcount=2",
		"dirty",
		"uffd-wp",
		"reusable",
		"ksm",
		"thp",
		"node=1",
		"count(node=0)=0",
		"count(tables.pte)<=3",
		"count(tables.PMD)=1",
		"count(tables)>0",
	};
	static const char *const bad[][2] = {
		{ "presnt", "'presnt' is not an assertion" },
		{ "cache=XX", "'cache=XX': unknown cache 'XX'" },
		{ "pfn=zz", "'pfn=zz': 'zz' is not a number" },
		{ "pkey=-1", "'pkey=-1': '-1' is not a number" },
		{ "count(present)", "count(PREDICATE) needs = != < <= > >= and a number" },
		{ "count(present)=x", "count(PREDICATE) needs" },
		{ "count(present=1", "count(PREDICATE) OP N" },
		{ "count(bogus)=1", "'bogus' is not an assertion" },
		{ "level=PXD", "unknown level 'PXD'" },
		{ "node=x", "'node=x': 'x' is not a node number" },
		{ "cgroup=relative/path", "no cgroup 'relative/path'" },
		{ "count(tables.pxd)=1", "tables.LEVEL is tables.pte, .pmd, .pud, .p4d or .pgd" },
		{ "count(tables.pte)", "count(PREDICATE) needs" },
	};
	char *same[] = { "same-frame-as", "42", "0x7f0000001000" };
	char *same_short[] = { "same-frame-as", "42" };
	char *same_twice[] = { "same-frame-as", "42", "0x1000", "same-frame-as", "43", "0x1000" };
	unsigned int i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char name[96];

		snprintf(name, sizeof(name), "parses '%s'", good[i]);
		is_int(parse1(good[i]), 0, name);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char name[96];

		snprintf(name, sizeof(name), "refuses '%s'", bad[i][0]);
		is_int(parse1(bad[i][0]), -1, name);
		ok(strstr(err, bad[i][1]) != NULL, "  ... and says why");
		if (!strstr(err, bad[i][1]))
			printf("#   message: %s\n", err);
	}
	is_int(cli_check_parse(3, same, &e, err, sizeof(err)), 0, "parses same-frame-as PID ADDR");
	ok(e.item[0].type == ITEM_SAME_FRAME && e.item[0].other_pid == 42 &&
		   e.item[0].other_addr == 0x7f0000001000ULL,
	   "same-frame-as values");
	is_int(cli_check_parse(2, same_short, &e, err, sizeof(err)), -1,
	       "same-frame-as without ADDR");
	is_int(cli_check_parse(6, same_twice, &e, err, sizeof(err)), -1,
	       "two same-frame-as in one check are refused");
	is_str(err, "one same-frame-as per check (another process: another check)",
	       "... saying one per check");
	is_int(cli_check_parse(0, NULL, &e, err, sizeof(err)), -1, "no assertion refused");
	is_int(parse1("count(tables.pte)<=3"), 0, "parses a table count");
	ok(e.item[0].type == ITEM_TABLES && e.item[0].pred.value == PTSCOPE_LEVEL_PTE &&
		   e.item[0].op == OP_LE && e.item[0].count == 3,
	   "count(tables.pte)<=3: the PTE tables, <= 3");
	is_int(parse1("count(tables)>1"), 0, "parses a count of all tables");
	ok(e.item[0].type == ITEM_TABLES && e.item[0].pred.value == CHECK_TABLES_ALL,
	   "count(tables): every level");
	is_int(cli_check_fields(&e), PTSCOPE_FIELD_ENTRY,
	       "a table count asks for the entry group alone");
	is_int(parse1("node=1"), 0, "parses node=1");
	is_int(cli_check_fields(&e), PTSCOPE_FIELD_ENTRY | PTSCOPE_FIELD_PLACE,
	       "node= asks for placement");
	is_int(parse_words("present writable !dirty level=PTE pfn=5"), 0,
	       "parses entry predicates");
	is_int(cli_check_fields(&e), PTSCOPE_FIELD_ENTRY,
	       "entry predicates ask for no struct page (entry group alone)");
	is_int(parse_words("present mapcount=1"), 0, "parses mapcount=1");
	is_int(cli_check_fields(&e), PTSCOPE_FIELD_ENTRY | PTSCOPE_FIELD_FRAME,
	       "mapcount= asks for the frame group");
	is_int(parse_words("anon !thp"), 0, "parses kind and page flag");
	is_int(cli_check_fields(&e), PTSCOPE_FIELD_ENTRY | PTSCOPE_FIELD_FRAME,
	       "kinds and page flags ask for the frame group");
	is_int(parse1("cow-shared"), 0, "parses cow-shared");
	is_int(cli_check_fields(&e), PTSCOPE_FIELD_ENTRY | PTSCOPE_FIELD_COW,
	       "COW states ask for the COW group, not the frame's");

	ok(holds("present", &pg), "present holds for a present page");
	ok(!holds("!present", &pg), "!present does not");
	ok(holds("writable", &pg) && holds("nx", &pg) && holds("dirty", &pg), "entry flags");
	ok(!holds("huge", &pg) && holds("level=PTE", &pg), "level");
	ok(holds("exclusive", &pg) && holds("mapcount=1", &pg), "exclusive, mapcount");
	ok(holds("mapped-once", &pg) && !holds("file-backed", &pg) && holds("!file-backed", &pg),
	   "pagemap's sharing bits as page flags");
	ok(holds("anon", &pg) && holds("kind=anon", &pg) && !holds("zero-page", &pg), "kind");
	ok(holds("cache=WB", &pg) && !holds("cache=WC", &pg), "cache");
	ok(holds("pfn=0x1234", &pg) && !holds("pfn=0x1235", &pg), "pfn");
	ok(holds("writable", &pg) && holds("cow=writable", &pg) && !holds("cow-shared", &pg),
	   "cow");
	ok(holds("pkey=0", &pg) && !holds("pkey=3", &pg), "pkey");
	ok(!holds("pinned", &pg), "pinned");
	ok(holds("none", &none) && !holds("present", &none) && !holds("writable", &none),
	   "a hole has no flags");
	ok(!holds("pfn=0", &none), "a hole has no frame");

	parse1("count(present)>=2");
	ok(cli_check_count_holds(&e.item[0], 2) && !cli_check_count_holds(&e.item[0], 1), ">=");
	parse1("count(present)!=0");
	ok(cli_check_count_holds(&e.item[0], 3) && !cli_check_count_holds(&e.item[0], 0), "!=");
	parse1("count(present)<3");
	ok(cli_check_count_holds(&e.item[0], 2) && !cli_check_count_holds(&e.item[0], 3), "<");
	parse1("count(present)=5");
	ok(cli_check_count_holds(&e.item[0], 5) && !cli_check_count_holds(&e.item[0], 4), "=");
	parse1("count(present)<=5");
	ok(cli_check_count_holds(&e.item[0], 5) && !cli_check_count_holds(&e.item[0], 6), "<=");
	parse1("count(present)>5");
	ok(cli_check_count_holds(&e.item[0], 6) && !cli_check_count_holds(&e.item[0], 5), ">");

	parse1("pkey=3");
	is_int(cli_check_pred_feature(&e.item[0].pred), PTSCOPE_FEATURE_BIT_PKEYS,
	       "pkey needs pkeys");
	parse1("soft-dirty");
	is_int(cli_check_pred_feature(&e.item[0].pred), PTSCOPE_FEATURE_BIT_SOFT_DIRTY,
	       "soft-dirty needs soft-dirty");
	parse1("present");
	is_int(cli_check_pred_feature(&e.item[0].pred), -1, "present needs nothing");
	return done_testing();
}
