/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libsystemd, loaded when first needed (dlopen of libsystemd.so.0), so that
 * ptscope neither links against it nor needs it installed: the journal's
 * readers and writers (explain --journal, --coredump, ptscope-recorder)
 * fail with a message naming the library instead. The prototypes are
 * libsystemd's stable ABI (sd-journal(3), sd_notify(3)).
 */
#ifndef PTSCOPE_CLI_SD_H
#define PTSCOPE_CLI_SD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

typedef struct sd_journal sd_journal;

/* sd_journal_open()'s flags. */
#define CLI_SD_JOURNAL_LOCAL_ONLY 1
#define CLI_SD_JOURNAL_SYSTEM 4

struct cli_sd {
	int (*journal_open)(sd_journal **j, int flags);
	int (*journal_open_directory)(sd_journal **j, const char *path, int flags);
	int (*journal_open_files)(sd_journal **j, const char **paths, int flags);
	void (*journal_close)(sd_journal *j);
	int (*journal_add_match)(sd_journal *j, const void *data, size_t size);
	int (*journal_add_conjunction)(sd_journal *j);
	int (*journal_add_disjunction)(sd_journal *j);
	void (*journal_flush_matches)(sd_journal *j);
	int (*journal_seek_head)(sd_journal *j);
	int (*journal_seek_tail)(sd_journal *j);
	int (*journal_next)(sd_journal *j);
	int (*journal_previous)(sd_journal *j);
	int (*journal_get_data)(sd_journal *j, const char *field, const void **data, size_t *len);
	int (*journal_get_realtime_usec)(sd_journal *j, uint64_t *usec);
	int (*journal_set_data_threshold)(sd_journal *j, size_t sz);
	int (*journal_sendv)(const struct iovec *iov, int n);
	int (*notify)(int unset_environment, const char *state);
};

/*
 * The loaded library's functions, or NULL with a message in @err (the
 * library is missing or lacks one of them). Loaded once; never unloaded.
 */
const struct cli_sd *cli_sd_get(char *err, size_t errlen);

/*
 * A journal field's value: @data/@len as sd_journal_get_data() gives them
 * ("FIELD=value"), the value copied to @out (NUL-terminated, cut to @outlen).
 * 0, or -ENOENT when the entry has no such field.
 */
int cli_sd_field(const struct cli_sd *sd, sd_journal *j, const char *field, char *out,
		 size_t outlen);
/* Whether the entry's @field is @value (with @prefix: begins with it), compared whole. */
bool cli_sd_field_is(const struct cli_sd *sd, sd_journal *j, const char *field, const char *value,
		     bool prefix);

#endif
