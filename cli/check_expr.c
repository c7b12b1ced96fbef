// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The assertions of ptscope check, parsed from words and evaluated page by
 * page. A word is a page predicate ("present", "!writable", "cow-shared",
 * "cache=WC", "pfn=0x1234", "pkey=3", "node=1", "cgroup=/app"), a count ("count(present)=10", with
 * = != < <= > >=) or "same-frame-as PID ADDR". Every page of the range must
 * satisfy each predicate; counts are over the range.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

static int parse_number(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !*s || *end || errno || *s == '-' ? -1 : 0;
}

/* A bare predicate name: flags, states, kinds and COW states by name. */
static int parse_simple(const char *w, struct check_pred *p)
{
	int i;

	if (!strcmp(w, "present") || !strcmp(w, "swapped") || !strcmp(w, "none")) {
		p->kind = PRED_STATE;
		p->value = !strcmp(w, "present") ? PTSCOPE_STATE_PRESENT :
			   !strcmp(w, "swapped") ? PTSCOPE_STATE_SWAP :
						   PTSCOPE_STATE_NONE;
		return 0;
	}
	if (!strcmp(w, "writable")) {
		p->kind = PRED_WRITABLE;
		return 0;
	}
	if (!strcmp(w, "huge")) {
		p->kind = PRED_HUGE;
		return 0;
	}
	if (!strcmp(w, "exclusive")) {
		p->kind = PRED_EXCLUSIVE;
		return 0;
	}
	if (!strcmp(w, "pinned") || !strcmp(w, "thp") || !strcmp(w, "anon-exclusive") ||
	    !strcmp(w, "mapped-once") || !strcmp(w, "file-backed")) {
		p->kind = PRED_PAGE_FLAG;
		p->value = (uint64_t)cli_name_index(w, ptscope_page_flag_name);
		return 0;
	}
	if ((i = cli_entry_flag_index(w)) >= 0) {
		p->kind = PRED_ENTRY_FLAG;
		p->value = (uint64_t)i;
		return 0;
	}
	if ((i = cli_name_index(w, ptscope_kind_name)) >= 0) {
		p->kind = PRED_KIND;
		p->value = (uint64_t)i;
		return 0;
	}
	if ((i = cli_name_index(w, ptscope_cow_name)) >= 0) {
		p->kind = PRED_COW;
		p->value = (uint64_t)i;
		return 0;
	}
	return -1;
}

/* "key=value" predicates. */
static int parse_keyed(const char *w, struct check_pred *p, char *err, size_t errlen)
{
	const char *eq = strchr(w, '=');
	char key[32];
	int i;

	if (!eq || eq - w >= (long)sizeof(key))
		return -1;
	snprintf(key, sizeof(key), "%.*s", (int)(eq - w), w);
	eq++;
	if (!strcmp(key, "pfn") || !strcmp(key, "pkey") || !strcmp(key, "mapcount")) {
		p->kind = !strcmp(key, "pfn")  ? PRED_PFN :
			  !strcmp(key, "pkey") ? PRED_PKEY :
						 PRED_MAPCOUNT;
		if (parse_number(eq, &p->value)) {
			snprintf(err, errlen, "'%s': '%s' is not a number", w, eq);
			return -2;
		}
		return 0;
	}
	if (!strcmp(key, "node")) {
		p->kind = PRED_NODE;
		if (parse_number(eq, &p->value)) {
			snprintf(err, errlen, "'%s': '%s' is not a node number", w, eq);
			return -2;
		}
		return 0;
	}
	if (!strcmp(key, "cgroup")) {
		int ret = cli_cgroup_inode(eq, &p->value);

		p->kind = PRED_CGROUP;
		if (ret) {
			snprintf(
				err, errlen,
				"'%s': no cgroup '%s' (a path below the memory controller's cgroup mount, such as /system.slice): %s",
				w, eq, strerror(-ret));
			return -2;
		}
		return 0;
	}
	if (!strcmp(key, "cache") && (i = cli_name_index(eq, ptscope_cache_name)) >= 0) {
		p->kind = PRED_CACHE;
		p->value = (uint64_t)i;
		return 0;
	}
	if (!strcmp(key, "kind") && (i = cli_name_index(eq, ptscope_kind_name)) >= 0) {
		p->kind = PRED_KIND;
		p->value = (uint64_t)i;
		return 0;
	}
	if (!strcmp(key, "cow") && (i = cli_name_index(eq, ptscope_cow_name)) >= 0) {
		p->kind = PRED_COW;
		p->value = (uint64_t)i;
		return 0;
	}
	if (!strcmp(key, "level") && (i = cli_name_index(eq, ptscope_level_name)) >= 0) {
		p->kind = PRED_LEVEL;
		p->value = (uint64_t)i;
		return 0;
	}
	if (!strcmp(key, "state") && (i = cli_name_index(eq, ptscope_state_name)) >= 0) {
		p->kind = PRED_STATE;
		p->value = (uint64_t)i;
		return 0;
	}
	snprintf(err, errlen, "'%s': unknown %s '%s'", w, key, eq);
	return -2;
}

static int parse_pred(const char *w, struct check_pred *p, char *err, size_t errlen)
{
	int ret;

	memset(p, 0, sizeof(*p));
	snprintf(p->text, sizeof(p->text), "%s", w);
	if (*w == '!') {
		p->negate = true;
		w++;
	}
	ret = parse_keyed(w, p, err, errlen);
	if (ret == -2)
		return -1;
	if (ret && parse_simple(w, p)) {
		snprintf(err, errlen, "'%s' is not an assertion (see 'ptscope help check')",
			 p->text);
		return -1;
	}
	return 0;
}

static const struct {
	const char *op;
	enum check_op code;
} ops[] = {
	{ "<=", OP_LE }, { ">=", OP_GE }, { "!=", OP_NE },
	{ "=", OP_EQ },	 { "<", OP_LT },  { ">", OP_GT },
};

int cli_check_parse(int argc, char **argv, struct check_expr *e, char *err, size_t errlen)
{
	int i, k;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];
		struct check_item *it;

		if (e->n == CHECK_MAX_ITEMS) {
			snprintf(err, errlen, "more than %d assertions", CHECK_MAX_ITEMS);
			return -1;
		}
		it = &e->item[e->n];
		memset(it, 0, sizeof(*it));
		if (!strcmp(w, "same-frame-as")) {
			/* The other process's frames are read once, for one item. */
			for (k = 0; k < e->n && e->item[k].type != ITEM_SAME_FRAME; k++)
				;
			if (k < e->n) {
				snprintf(
					err, errlen,
					"one same-frame-as per check (another process: another check)");
				return -1;
			}
			if (i + 2 >= argc) {
				snprintf(err, errlen, "same-frame-as needs PID and ADDR");
				return -1;
			}
			it->type = ITEM_SAME_FRAME;
			if (cli_parse_pid(argv[i + 1], &it->other_pid, err, errlen) ||
			    cli_parse_addr(argv[i + 2], &it->other_addr, err, errlen))
				return -1;
			snprintf(it->pred.text, sizeof(it->pred.text), "same-frame-as %s %s",
				 argv[i + 1], argv[i + 2]);
			i += 2;
			e->n++;
			continue;
		}
		if (!strncmp(w, "count(", 6)) {
			const char *close = strchr(w, ')');
			char inner[64];

			if (!close || close - w - 6 >= (long)sizeof(inner)) {
				snprintf(err, errlen, "'%s': count(PREDICATE) OP N", w);
				return -1;
			}
			snprintf(inner, sizeof(inner), "%.*s", (int)(close - w - 6), w + 6);
			if (!strcmp(inner, "tables") || !strncmp(inner, "tables.", 7)) {
				char level[8];
				int lv, c;

				/* tables.pte or tables.PTE */
				for (c = 0; c < 7 && inner[6] && inner[7 + c]; c++)
					level[c] = (char)toupper((unsigned char)inner[7 + c]);
				level[c] = '\0';
				lv = inner[6] ? cli_name_index(level, ptscope_level_name) :
						(int)CHECK_TABLES_ALL;

				if (lv < 0) {
					snprintf(
						err, errlen,
						"'%s': tables.LEVEL is tables.pte, .pmd, .pud, .p4d or .pgd",
						w);
					return -1;
				}
				it->pred.value = (uint64_t)lv;
			} else if (parse_pred(inner, &it->pred, err, errlen)) {
				return -1;
			}
			for (k = 0; k < (int)(sizeof(ops) / sizeof(ops[0])); k++)
				if (!strncmp(close + 1, ops[k].op, strlen(ops[k].op)))
					break;
			if (k == (int)(sizeof(ops) / sizeof(ops[0])) ||
			    parse_number(close + 1 + strlen(ops[k].op), &it->count)) {
				snprintf(err, errlen,
					 "'%s': count(PREDICATE) needs = != < <= > >= and a number",
					 w);
				return -1;
			}
			it->type = strncmp(inner, "tables", 6) ? ITEM_COUNT : ITEM_TABLES;
			it->op = ops[k].code;
			snprintf(it->pred.text, sizeof(it->pred.text), "%s", w);
			e->n++;
			continue;
		}
		if (parse_pred(w, &it->pred, err, errlen))
			return -1;
		it->type = ITEM_EACH;
		e->n++;
	}
	if (!e->n) {
		snprintf(err, errlen, "no assertion given");
		return -1;
	}
	return 0;
}

bool cli_check_pred_holds(const struct check_pred *p, const struct ptscope_page *pg, uint64_t pfn)
{
	int present = pg->state == PTSCOPE_STATE_PRESENT;
	bool r = false;

	switch (p->kind) {
	case PRED_STATE:
		r = pg->state == p->value;
		break;
	case PRED_ENTRY_FLAG:
		r = pg->state != PTSCOPE_STATE_NONE && (pg->flags >> p->value & 1);
		break;
	case PRED_PAGE_FLAG:
		r = present && (pg->pflags >> p->value & 1);
		break;
	case PRED_HUGE:
		r = pg->state != PTSCOPE_STATE_NONE && pg->level != PTSCOPE_LEVEL_PTE;
		break;
	case PRED_WRITABLE:
		r = pg->state != PTSCOPE_STATE_NONE && cli_entry_writable(pg->flags);
		break;
	case PRED_EXCLUSIVE:
		r = present && (pg->pflags & PTSCOPE_PAGE(MAPPED_ONCE));
		break;
	case PRED_KIND:
		r = present && pg->kind == p->value;
		break;
	case PRED_COW:
		r = pg->cow == p->value;
		break;
	case PRED_CACHE:
		r = present && pg->cache == p->value;
		break;
	case PRED_PFN:
		r = present && pg->has_pfn && pfn == p->value;
		break;
	case PRED_PKEY:
		r = present && pg->pkey == p->value;
		break;
	case PRED_MAPCOUNT:
		r = present && pg->has_page && pg->mapcount == p->value;
		break;
	case PRED_LEVEL:
		r = pg->state != PTSCOPE_STATE_NONE && pg->level == p->value;
		break;
	case PRED_NODE:
		r = present && pg->has_nid && pg->nid == p->value;
		break;
	case PRED_CGROUP:
		r = present && pg->has_memcg && pg->memcg == p->value;
		break;
	}
	return p->negate ? !r : r;
}

bool cli_check_count_holds(const struct check_item *it, uint64_t n)
{
	switch (it->op) {
	case OP_EQ:
		return n == it->count;
	case OP_NE:
		return n != it->count;
	case OP_LT:
		return n < it->count;
	case OP_LE:
		return n <= it->count;
	case OP_GT:
		return n > it->count;
	case OP_GE:
		return n >= it->count;
	}
	return false;
}

/* The kernel feature a predicate needs, or -1: without it, the check is skipped. */
uint32_t cli_check_item_needs(const struct check_item *it)
{
	const struct check_pred *p = &it->pred;

	if (it->type == ITEM_SAME_FRAME)
		return PTSCOPE_UNKNOWN_PFN;
	if (it->type == ITEM_TABLES)
		return 0;
	switch (p->kind) {
	case PRED_STATE:
		/* procfs: which of the kernel's own entries, the raw entry would say. */
		return p->value == PTSCOPE_STATE_MIGRATION ||
				       p->value == PTSCOPE_STATE_DEVICE_PRIVATE ||
				       p->value == PTSCOPE_STATE_HWPOISON ?
			       PTSCOPE_UNKNOWN_ENTRY :
			       0;
	case PRED_ENTRY_FLAG:
		if (p->value == PTSCOPE_ENTRY_BIT_SOFT_DIRTY)
			return PTSCOPE_UNKNOWN_SOFT_DIRTY;
		return p->value == PTSCOPE_ENTRY_BIT_UFFD_WP ? PTSCOPE_UNKNOWN_UFFD_WP :
							       PTSCOPE_UNKNOWN_FLAGS;
	case PRED_PAGE_FLAG:
		if (p->value == PTSCOPE_PAGE_BIT_MAPPED_ONCE)
			return PTSCOPE_UNKNOWN_MAPPED_ONCE;
		if (p->value == PTSCOPE_PAGE_BIT_FILE_BACKED)
			return 0;
		return p->value == PTSCOPE_PAGE_BIT_THP ? PTSCOPE_UNKNOWN_KIND :
							  PTSCOPE_UNKNOWN_PFLAGS;
	case PRED_HUGE:
	case PRED_LEVEL:
		return PTSCOPE_UNKNOWN_LEVEL;
	case PRED_WRITABLE:
		return PTSCOPE_UNKNOWN_FLAGS;
	case PRED_EXCLUSIVE:
		return PTSCOPE_UNKNOWN_MAPPED_ONCE;
	case PRED_KIND:
		return PTSCOPE_UNKNOWN_KIND;
	case PRED_COW:
		return PTSCOPE_UNKNOWN_COW;
	case PRED_CACHE:
		return PTSCOPE_UNKNOWN_CACHE;
	case PRED_PFN:
		return PTSCOPE_UNKNOWN_PFN;
	case PRED_PKEY:
		return PTSCOPE_UNKNOWN_PKEY;
	case PRED_MAPCOUNT:
		return PTSCOPE_UNKNOWN_MAPCOUNT;
	case PRED_NODE:
		return PTSCOPE_UNKNOWN_NID;
	case PRED_CGROUP:
		return PTSCOPE_UNKNOWN_MEMCG;
	}
	return 0;
}

/* The field groups (enum ptscope_field) one predicate reads. */
static uint32_t pred_fields(const struct check_pred *p)
{
	switch (p->kind) {
	case PRED_PAGE_FLAG:
	case PRED_EXCLUSIVE:
	case PRED_KIND:
	case PRED_MAPCOUNT:
		return PTSCOPE_FIELD_FRAME;
	case PRED_COW:
		return PTSCOPE_FIELD_COW;
	case PRED_NODE:
	case PRED_CGROUP:
		return PTSCOPE_FIELD_PLACE;
	default:
		return PTSCOPE_FIELD_ENTRY;
	}
}

uint32_t cli_check_fields(const struct check_expr *e)
{
	uint32_t fields = PTSCOPE_FIELD_ENTRY;
	int k;

	for (k = 0; k < e->n; k++)
		if (e->item[k].type != ITEM_SAME_FRAME && e->item[k].type != ITEM_TABLES)
			fields |= pred_fields(&e->item[k].pred);
	return fields;
}

int cli_check_pred_feature(const struct check_pred *p)
{
	if (p->kind == PRED_PKEY)
		return PTSCOPE_FEATURE_BIT_PKEYS;
	if (p->kind == PRED_ENTRY_FLAG && p->value == PTSCOPE_ENTRY_BIT_SOFT_DIRTY)
		return PTSCOPE_FEATURE_BIT_SOFT_DIRTY;
	if (p->kind == PRED_ENTRY_FLAG && p->value == PTSCOPE_ENTRY_BIT_UFFD_WP)
		return PTSCOPE_FEATURE_BIT_UFFD_WP;
	if (p->kind == PRED_ENTRY_FLAG && p->value == PTSCOPE_ENTRY_BIT_UFFD_RWP)
		return PTSCOPE_FEATURE_BIT_UFFD_RWP;
	if (p->kind == PRED_PAGE_FLAG && !strcmp(p->text + p->negate, "thp"))
		return PTSCOPE_FEATURE_BIT_THP;
	if (p->kind == PRED_COW && p->value == PTSCOPE_COW_KSM)
		return PTSCOPE_FEATURE_BIT_KSM;
	if (p->kind == PRED_STATE && p->value == PTSCOPE_STATE_SWAP)
		return PTSCOPE_FEATURE_BIT_SWAP;
	return -1;
}
