// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptscope check PID RANGE ASSERTION...   one check: exit 0 if all hold, 1 if
 *                                        one fails (which page, and why), 2
 *                                        on a usage or runtime error
 * ptscope check -f FILE                  one check per line ("#" comments),
 *                                        TAP 13 by default (kselftest style:
 *                                        plan, ok/not ok, # SKIP for features
 *                                        the kernel lacks)
 * --format=tap|json|plain for either.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

enum format { FMT_PLAIN, FMT_TAP, FMT_JSON };

static enum format parse_format(const struct cli_args *a, enum format dflt, int *bad)
{
	*bad = 0;
	if (a->json)
		return FMT_JSON;
	if (!a->format)
		return dflt;
	if (!strcmp(a->format, "tap"))
		return FMT_TAP;
	if (!strcmp(a->format, "json"))
		return FMT_JSON;
	if (!strcmp(a->format, "plain"))
		return FMT_PLAIN;
	*bad = 1;
	return dflt;
}

/*
 * One line of output per check, in @fmt; @n counts from 1. JSON and plain
 * text are one printer (a "checks" element, or "PASS: check: detail").
 */
static void report(enum format fmt, int n, const char *text, const struct check_job *j)
{
	static const char *const word[] = { "ok", "not ok", "not ok", "ok" };
	static const char *const status[] = { "pass", "fail", "error", "skip" };
	static const char *const label[] = { "PASS", "FAIL", "ERROR", "SKIP" };

	if (fmt == FMT_TAP) {
		printf("%s %d - %s%s%s\n", word[j->status], n, text,
		       j->status == CHECK_SKIP ? " # SKIP " : "",
		       j->status == CHECK_SKIP ? j->msg : "");
		if (j->status == CHECK_FAIL || j->status == CHECK_ERROR)
			printf("# %s\n", j->msg);
		return;
	}
	cli_open_object(NULL);
	cli_print_text("%s: ", label[j->status]);
	cli_print_str(PRINT_ANY, "check", "%s: ", text);
	cli_member_str("result", status[j->status]);
	cli_print_str(PRINT_ANY, "detail", "%s\n", j->msg);
	cli_close_object();
}

/*
 * The head of the output, once the checks are known: TAP's plan, or the
 * document; either says when the answers come from procfs.
 */
static void begin(const struct cli_args *a, enum format fmt, int count, int source)
{
	const bool procfs = source == PTSCOPE_SOURCE_PROCFS;

	if (fmt == FMT_TAP) {
		printf("TAP version 13\n1..%d\n", count);
		if (procfs)
			printf("# source procfs: assertions on what /proc cannot show are skipped\n");
		return;
	}
	cli_print_open(fmt == FMT_JSON, a->pretty);
	if (procfs)
		cli_print_str(PRINT_ANY, "source",
			      "source %s: assertions on what /proc cannot "
			      "show are skipped\n",
			      "procfs");
	cli_open_array("checks");
}

/* At most this many checks in a file (more lines are not read). */
#define CHECK_FILE_MAX 1024

/* The checks of a file, each a line and its words. */
struct check_file {
	int count;
	char (*line)[256]; /* as written, for the report */
	char (*copy)[256]; /* split into words */
	char *(*words)[128];
	int argc[CHECK_FILE_MAX];
	char **argv[CHECK_FILE_MAX];
};

/* Split @line into words in place; returns the count. */
static int split(char *line, char **words, int max)
{
	int n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(line, " \t\n", &save); w && n < max; w = strtok_r(NULL, " \t\n", &save))
		words[n++] = w;
	return n;
}

/*
 * The checks of @f, one a line ("#" comments, any length; trailing blanks
 * and a CR dropped); 0, or a message in @err: none is dropped, so a check
 * too long, a check too many, a NUL byte or a read error is refused.
 */
static int read_checks(FILE *f, struct check_file *cf, char *err, size_t errlen)
{
	const size_t most = sizeof(cf->line[0]) - 1;
	char *buf = NULL, *s;
	size_t cap = 0, len;
	ssize_t got;
	int lineno = 0, ret = -1;

	cf->line = calloc(CHECK_FILE_MAX, sizeof(*cf->line));
	cf->copy = calloc(CHECK_FILE_MAX, sizeof(*cf->copy));
	cf->words = calloc(CHECK_FILE_MAX, sizeof(*cf->words));
	if (!cf->line || !cf->copy || !cf->words) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while ((got = getline(&buf, &cap, f)) >= 0) {
		lineno++;
		if (strlen(buf) != (size_t)got) {
			snprintf(err, errlen, "line %d holds a NUL byte", lineno);
			goto out;
		}
		s = buf + strspn(buf, " \t");
		len = strlen(s);
		while (len && strchr(" \t\r\n", s[len - 1]))
			s[--len] = '\0';
		if (!len || *s == '#')
			continue;
		if (len > most) {
			snprintf(err, errlen, "line %d is longer than %zu characters", lineno,
				 most);
			goto out;
		}
		if (cf->count == CHECK_FILE_MAX) {
			snprintf(err, errlen, "more than %d checks (line %d)", CHECK_FILE_MAX,
				 lineno);
			goto out;
		}
		memcpy(cf->line[cf->count], s, len + 1);
		memcpy(cf->copy[cf->count], s, len + 1);
		cf->argv[cf->count] = cf->words[cf->count];
		cf->argc[cf->count] = split(cf->copy[cf->count], cf->words[cf->count], 128);
		cf->count++;
	}
	if (ferror(f))
		snprintf(err, errlen, "reading it failed: %s", strerror(errno));
	else
		ret = 0;
out:
	free(buf);
	return ret;
}

/* Where the outcomes go, in order. */
struct reporting {
	enum format fmt;
	const char *const *text;
	int worst;
};

static void reported(size_t i, const struct check_job *j, void *arg)
{
	struct reporting *r = arg;

	report(r->fmt, (int)i + 1, r->text[i], j);
	if (j->status != CHECK_SKIP && (int)j->status > r->worst)
		r->worst = (int)j->status;
	fflush(stdout); /* a CI log shows each check as it settles */
}

/*
 * The plan, then each check's outcome in the given order as it settles
 * (the walks that checks of one process share come first: check_run.c);
 * the worst status.
 */
static int run_checks(const struct cli_args *a, struct ptscope *h, const struct ptscope_info *info,
		      enum format fmt, int count, const char *const *text, const int *argc,
		      char **const *argv)
{
	struct check_job *jobs = calloc((size_t)count ?: 1, sizeof(*jobs));
	struct reporting r = { .fmt = fmt, .text = text };

	if (!jobs) {
		cli_error(a, "out of memory");
		return EXIT_USAGE;
	}
	begin(a, fmt, count, ptscope_source(h));
	cli_check_run(h, info, jobs, (size_t)count, argc, argv, reported, &r);
	if (fmt != FMT_TAP) {
		cli_close_array();
		cli_print_bool(PRINT_JSON, "ok", NULL, r.worst == 0);
		cli_print_close();
	}
	free(jobs);
	return r.worst;
}

/* check -f FILE: its checks, in TAP unless told otherwise. */
static int check_file(const struct cli_args *a, struct ptscope *h, const struct ptscope_info *info,
		      enum format fmt)
{
	static struct check_file cf;
	static const char *text[CHECK_FILE_MAX];
	FILE *f = strcmp(a->check_file, "-") ? fopen(a->check_file, "r") : stdin;
	char err[160];
	int ret, n;

	if (!f) {
		cli_error(a, "cannot read check file '%s': %s", a->check_file, strerror(errno));
		return EXIT_USAGE;
	}
	ret = read_checks(f, &cf, err, sizeof(err));
	if (f != stdin)
		fclose(f);
	if (ret) {
		cli_error(a, "check file '%s': %s", a->check_file, err);
		ret = EXIT_USAGE;
	} else {
		for (n = 0; n < cf.count; n++)
			text[n] = cf.line[n];
		ret = run_checks(a, h, info, fmt, cf.count, text, cf.argc, cf.argv);
	}
	free(cf.line);
	free(cf.copy);
	free(cf.words);
	return ret;
}

int cmd_check(const struct cli_args *a)
{
	struct ptscope_info info;
	enum format fmt;
	struct ptscope *h;
	int bad, i, len = 0, ret;
	char buf[1024];
	const char *text = buf;

	fmt = parse_format(a, a->check_file ? FMT_TAP : FMT_PLAIN, &bad);
	if (bad) {
		cli_error(a, "'%s' is not a format (tap, json or plain)", a->format);
		return EXIT_USAGE;
	}
	if (a->check_file ? a->argc != 0 : a->argc < 3) {
		cli_error(
			a,
			"check needs PID RANGE ASSERTION... or -f FILE (see 'ptscope help check')");
		return EXIT_USAGE;
	}
	if (cli_open(&h) || ptscope_get_info(h, &info)) {
		cli_error(a, "%s", ptscope_errmsg());
		ptscope_close(h);
		return EXIT_USAGE; /* a runtime error: status 2, as documented */
	}
	if (a->check_file) {
		ret = check_file(a, h, &info, fmt);
	} else {
		for (i = 0; i < a->argc && len < (int)sizeof(buf); i++)
			len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s%s", i ? " " : "",
					a->argv[i]);
		ret = run_checks(a, h, &info, fmt, 1, &text, &a->argc, &a->argv);
	}
	ptscope_close(h);
	return ret;
}

static const struct cli_option check_options[] = {
	CLI_STRING("file", 'f', "FILE", check_file,
		   "checks from FILE ('-': standard input), one per line (TAP output)"),
	CLI_STRING("format", 0, "F", format, "tap, json or plain"),
	{ .name = NULL },
};

const struct cli_command cli_check_spec = {
	.name = "check",
	.usage = "PID RANGE ASSERTION...|-f FILE",
	.summary = "assert page states (exit 0/1/2; TAP for -f)",
	.help = "ASSERTION: a state every page must have (present, swapped, none, writable,\n"
		"huge, thp, anon, cow-shared, any entry flag; '!' negates), or a count\n"
		"('count(present)=4'). Exit status: 0 all hold, 1 one failed, 2 a usage or\n"
		"runtime error.\n",
	.options = check_options,
	.examples =
		(const char *const[]){ "ptscope check self '[heap]' present writable '!swapped'",
				       "ptscope check 1234 0x7f0000200000+2M huge level=PMD thp",
				       "ptscope check -f checks.txt --format tap", NULL },
	.run = cmd_check,
};
