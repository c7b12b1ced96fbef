// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Command-line grammar: ptscope [OPTIONS] OBJECT|COMMAND [ARGS], options in
 * GNU order. Each command declares its own options (struct cli_command in
 * its cmd_*.c); the parser first finds the command word, then takes each
 * option from the global table or that command's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The option called --@name (@len bytes of it) or -@letter in @opts, or NULL. */
static const struct cli_option *find_option(const struct cli_option *opts, const char *name,
					    size_t len, char letter)
{
	const struct cli_option *o;

	for (o = opts; o && o->name; o++) {
		if (name ? strlen(o->name) == len && !strncmp(o->name, name, len) :
			   o->letter == letter)
			return o;
	}
	return NULL;
}

/*
 * The option of that name in any command or the globals: the grammar check
 * makes every one of that name take a value alike, so this says whether
 * the next word is its value before the command is known.
 */
static const struct cli_option *find_anywhere(const struct cli_grammar *g, const char *name,
					      size_t len, char letter)
{
	const struct cli_option *o = find_option(g->globals, name, len, letter);
	const struct cli_command *const *c;

	for (c = g->commands; !o && *c; c++)
		o = find_option((*c)->options, name, len, letter);
	return o;
}

const struct cli_command *cli_find_command(const struct cli_grammar *g, const char *name)
{
	const struct cli_command *const *c;

	for (c = g->commands; *c; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

/* The index of the command word in @argv, or -1 if there is none. */
static int command_word(const struct cli_grammar *g, int argc, char **argv)
{
	const struct cli_option *o;
	int i, k;

	for (i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "--"))
			return i + 1 < argc ? i + 1 : -1;
		if (s[0] != '-' || !s[1])
			return i;
		if (s[1] == '-') {
			o = strchr(s, '=') ? NULL : find_anywhere(g, s + 2, strlen(s + 2), 0);
			if (o && o->value == CLI_VALUE_REQUIRED)
				i++;
			continue;
		}
		for (k = 1; s[k]; k++) {
			o = find_anywhere(g, NULL, 0, s[k]);
			if (o && o->value != CLI_VALUE_NONE) {
				/* -oFILE, or -o FILE */
				if (!s[k + 1] && o->value == CLI_VALUE_REQUIRED)
					i++;
				break;
			}
		}
	}
	return -1;
}

struct parser {
	const struct cli_grammar *g;
	struct cli_args *a;
	char *err; /* the first error; later ones are not kept */
	size_t errlen;
	bool failed;
	bool lenient; /* the command word is unknown: other options are let by */
};

static void fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
}

/* " (see 'ptscope help walk')": where the options allowed here are listed. */
static void see_help(struct parser *p, char *buf, size_t len)
{
	if (p->a->command)
		snprintf(buf, len, " (see 'ptscope help %s')", p->a->command->name);
	else
		snprintf(buf, len, " (see 'ptscope --help')");
}

/* The commands having option @name or @letter: "walk", "faults and explain". */
static void owners(const struct cli_grammar *g, const char *name, size_t len, char letter,
		   char *buf, size_t buflen)
{
	const struct cli_command *const *c;
	int n = 0, total = 0, at = 0;

	for (c = g->commands; *c; c++)
		total += !!find_option((*c)->options, name, len, letter);
	buf[0] = '\0';
	for (c = g->commands; *c; c++) {
		if (!find_option((*c)->options, name, len, letter))
			continue;
		n++;
		at += snprintf(buf + at, buflen - at, "%s%s",
			       n == 1	  ? "" :
			       n == total ? " and " :
					    ", ",
			       (*c)->name);
		if ((size_t)at >= buflen)
			return;
	}
}

/*
 * Option --@name or -@letter, which the command does not take: named as
 * another command's, or unknown.
 */
static void refuse(struct parser *p, const char *name, size_t len, char letter)
{
	const struct cli_option *o = find_anywhere(p->g, name, len, letter);
	char cmds[128], see[64];

	if (p->lenient)
		return;
	see_help(p, see, sizeof(see));
	if (!o) {
		if (name)
			fail(p, "unknown option '--%.*s'%s", (int)len, name, see);
		else
			fail(p, "unknown option '-%c'%s", letter, see);
		return;
	}
	owners(p->g, name, len, letter, cmds, sizeof(cmds));
	if (name)
		fail(p, "option --%s applies to %s only", o->name, cmds);
	else
		fail(p, "option -%c (--%s) applies to %s only", letter, o->name, cmds);
}

static void apply(struct parser *p, const struct cli_option *o, const char *value)
{
	char *field = (char *)p->a + o->offset;
	char err[256];

	switch (o->kind) {
	case CLI_OPT_FLAG:
		*(bool *)field = true;
		break;
	case CLI_OPT_STRING:
		*(const char **)field = value;
		break;
	case CLI_OPT_CUSTOM:
		if (o->set(p->a, value, err, sizeof(err)))
			fail(p, "%s", err);
		break;
	}
}

/* Option or global option --@name, or NULL (refused). */
static const struct cli_option *allowed(struct parser *p, const char *name, size_t len, char letter)
{
	const struct cli_option *o = find_option(p->g->globals, name, len, letter);

	if (!o && p->a->command)
		o = find_option(p->a->command->options, name, len, letter);
	if (!o)
		refuse(p, name, len, letter);
	return o;
}

/* argv[i] is "--name" or "--name=value"; returns the last index it used. */
static int long_option(struct parser *p, int argc, char **argv, int i)
{
	const char *name = argv[i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const char *value = eq ? eq + 1 : NULL;
	const struct cli_option *any = find_anywhere(p->g, name, len, 0);
	const struct cli_option *o = allowed(p, name, len, 0);
	char see[64];

	see_help(p, see, sizeof(see));
	if (any && any->value == CLI_VALUE_REQUIRED && !value) {
		if (i + 1 == argc) {
			if (o)
				fail(p, "option '--%s' needs a value%s", o->name, see);
			return i;
		}
		value = argv[++i];
	}
	if (!o)
		return i;
	if (o->value == CLI_VALUE_NONE && value)
		fail(p, "option '--%s' takes no value%s", o->name, see);
	else
		apply(p, o, value);
	return i;
}

/* argv[i] is "-abc", "-oFILE" or "-o" (then FILE next); returns the last index used. */
static int short_options(struct parser *p, int argc, char **argv, int i)
{
	const char *s = argv[i];
	char see[64];
	int k;

	see_help(p, see, sizeof(see));
	for (k = 1; s[k]; k++) {
		const struct cli_option *any = find_anywhere(p->g, NULL, 0, s[k]);
		const struct cli_option *o = allowed(p, NULL, 0, s[k]);
		const char *value = NULL;

		if (any && any->value != CLI_VALUE_NONE && s[k + 1]) {
			value = s + k + 1;
		} else if (any && any->value == CLI_VALUE_REQUIRED) {
			if (i + 1 == argc) {
				if (o)
					fail(p, "option '-%c' needs a value%s", s[k], see);
				return i;
			}
			value = argv[++i];
		}
		if (o)
			apply(p, o, value);
		if (any && any->value != CLI_VALUE_NONE)
			break; /* the rest of the word was its value */
	}
	return i;
}

int cli_parse(const struct cli_grammar *g, int argc, char **argv, struct cli_args *a, char *err,
	      size_t errlen)
{
	struct parser p = { .g = g, .a = a, .err = err, .errlen = errlen };
	int at = command_word(g, argc, argv), i, n = 0;
	bool ended = false;

	memset(a, 0, sizeof(*a));
	a->source = -1;
	err[0] = '\0';
	if (at >= 0) {
		a->cmd = argv[at];
		a->command = cli_find_command(g, a->cmd);
		if (!a->command) {
			/* Still read -j and -p: the error must come in JSON if asked. */
			fail(&p, "unknown command '%s' (see 'ptscope help')", a->cmd);
			p.lenient = true;
		}
	}
	/*
	 * The arguments are moved to the front of argv, after argv[0]: each
	 * lands on a slot already read, as getopt's permutation does.
	 */
	for (i = 1; i < argc; i++) {
		char *s = argv[i];

		if (i == at)
			continue;
		if (ended || s[0] != '-' || !s[1])
			argv[1 + n++] = s;
		else if (!strcmp(s, "--"))
			ended = true;
		else if (s[1] == '-')
			i = long_option(&p, argc, argv, i);
		else
			i = short_options(&p, argc, argv, i);
	}
	a->argc = n;
	a->argv = argv + 1;
	return p.failed ? -1 : 0;
}

/* Whether @x and @y clash as options of one command: the same name or letter. */
static int clash(const struct cli_option *x, const struct cli_option *y, char *err, size_t errlen,
		 const char *where)
{
	if (!strcmp(x->name, y->name) || (x->letter && x->letter == y->letter)) {
		snprintf(err, errlen, "options --%s and --%s of %s share a name", x->name, y->name,
			 where);
		return -1;
	}
	return 0;
}

/* @o well formed, and unique in @own and against @globals (if not itself one). */
static int check_option(const struct cli_option *o, const struct cli_option *own,
			const struct cli_option *globals, const char *where, char *err,
			size_t errlen)
{
	const struct cli_option *q;
	bool ok = o->help && (o->kind == CLI_OPT_FLAG	? o->value == CLI_VALUE_NONE :
			      o->kind == CLI_OPT_STRING ? o->value == CLI_VALUE_REQUIRED :
							  o->set != NULL);

	if (!ok || !o->name[0]) {
		snprintf(err, errlen, "option --%s of %s is malformed", o->name, where);
		return -1;
	}
	for (q = own; q < o; q++)
		if (clash(o, q, err, errlen, where))
			return -1;
	for (q = globals; own != globals && q->name; q++)
		if (clash(o, q, err, errlen, where))
			return -1;
	return 0;
}

int cli_check_grammar(const struct cli_grammar *g, char *err, size_t errlen)
{
	const struct cli_command *const *c, *const *d;
	const struct cli_option *o, *q;

	for (o = g->globals; o->name; o++)
		if (check_option(o, g->globals, g->globals, "the globals", err, errlen))
			return -1;
	for (c = g->commands; *c; c++) {
		for (d = g->commands; d < c; d++) {
			if (!strcmp((*c)->name, (*d)->name)) {
				snprintf(err, errlen, "two commands are called %s", (*c)->name);
				return -1;
			}
		}
		for (o = (*c)->options; o && o->name; o++) {
			if (check_option(o, (*c)->options, g->globals, (*c)->name, err, errlen))
				return -1;
			for (d = g->commands; *d; d++) {
				q = find_option((*d)->options, o->name, strlen(o->name), 0);
				if (!q && o->letter)
					q = find_option((*d)->options, NULL, 0, o->letter);
				if (q && (strcmp(q->name, o->name) || q->letter != o->letter ||
					  q->value != o->value)) {
					snprintf(err, errlen,
						 "option --%s of %s and --%s of %s differ in "
						 "name, letter or value",
						 o->name, (*c)->name, q->name, (*d)->name);
					return -1;
				}
			}
		}
	}
	return 0;
}
