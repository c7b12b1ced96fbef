// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libsystemd through dlopen (see sd.h for why).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sd.h"

static struct cli_sd sd;
static int loaded; /* 0: not tried, 1: loaded, -1: failed */
static char load_error[256];

/* The symbols, in struct cli_sd's order. */
static const char *const names[] = {
	"sd_journal_open",
	"sd_journal_open_directory",
	"sd_journal_open_files",
	"sd_journal_close",
	"sd_journal_add_match",
	"sd_journal_add_conjunction",
	"sd_journal_add_disjunction",
	"sd_journal_flush_matches",
	"sd_journal_seek_head",
	"sd_journal_seek_tail",
	"sd_journal_next",
	"sd_journal_previous",
	"sd_journal_get_data",
	"sd_journal_get_realtime_usec",
	"sd_journal_set_data_threshold",
	"sd_journal_sendv",
	"sd_notify",
};

_Static_assert(sizeof(names) / sizeof(names[0]) == sizeof(struct cli_sd) / sizeof(void (*)(void)),
	       "one name per function of struct cli_sd");

static void load(void)
{
	void (**slot)(void) = (void (**)(void)) & sd;
	void *lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!lib) {
		snprintf(load_error, sizeof(load_error),
			 "cannot load libsystemd.so.0 (package libsystemd0): %s", dlerror());
		loaded = -1;
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		/* POSIX: a function pointer may be stored through a void *. */
		void *f = dlsym(lib, names[i]);

		if (!f) {
			snprintf(load_error, sizeof(load_error),
				 "libsystemd.so.0 has no %s (too old: systemd 246 or later needed)",
				 names[i]);
			loaded = -1;
			return;
		}
		memcpy(&slot[i], &f, sizeof(f));
	}
	loaded = 1;
}

const struct cli_sd *cli_sd_get(char *err, size_t errlen)
{
	if (!loaded)
		load();
	if (loaded > 0)
		return &sd;
	if (err && errlen)
		snprintf(err, errlen, "%s", load_error);
	return NULL;
}

/* The value of the entry's @field, not NUL-terminated: 0, or -ENOENT. */
static int field_value(const struct cli_sd *s, sd_journal *j, const char *field, const char **value,
		       size_t *len)
{
	size_t flen = strlen(field), dlen;
	const void *data;

	if (s->journal_get_data(j, field, &data, &dlen) < 0 || dlen <= flen ||
	    ((const char *)data)[flen] != '=')
		return -ENOENT;
	*value = (const char *)data + flen + 1;
	*len = dlen - flen - 1;
	return 0;
}

int cli_sd_field(const struct cli_sd *s, sd_journal *j, const char *field, char *out, size_t outlen)
{
	const char *v;
	size_t n;

	if (field_value(s, j, field, &v, &n))
		return -ENOENT;
	if (outlen) {
		if (n >= outlen)
			n = outlen - 1;
		memcpy(out, v, n);
		out[n] = '\0';
	}
	return 0;
}

bool cli_sd_field_is(const struct cli_sd *s, sd_journal *j, const char *field, const char *value,
		     bool prefix)
{
	size_t vlen = strlen(value), n;
	const char *v;

	return !field_value(s, j, field, &v, &n) && (prefix ? n >= vlen : n == vlen) &&
	       !memcmp(v, value, vlen);
}
