// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kept fault records: how ptscope-recorder keeps them (in the journal, or
 * as JSON lines in a file) and how explain --journal and --log read them
 * back. The JSON is for people and scripts; what is read back is the record
 * as the module sent it (its netlink attributes, in hex), which the
 * append-only UAPI keeps readable: the explanation after a reboot, or on
 * another machine, is the one "explain --fault" gave live.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "libptscope.h"
#include "sd.h"
#include "uapi/ptscope.h"

/* The machine this program runs on, for the page size of records of its kind. */
#if defined(__aarch64__)
#define HOST_ARCH PTSCOPE_ARCH_ARM64
#else
#define HOST_ARCH PTSCOPE_ARCH_X86_64
#endif
#define RECORD_FORMAT 1
/* A record's bytes: a few KiB; more is not one of ours. */
#define RECORD_MAX 65536

char *cli_record_encode(const struct ptscope_fault *f, const void *raw, size_t len,
			uint64_t user_max)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = raw;
	size_t head = 64, i;
	char *s, *p;

	if (len > RECORD_MAX)
		return NULL;
	s = malloc(head + 2 * len + 1);
	if (!s)
		return NULL;
	p = s + snprintf(s, head, "%d %s 0x%" PRIx64 " ", RECORD_FORMAT, ptscope_arch_name(f->arch),
			 user_max);
	for (i = 0; i < len; i++) {
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = '\0';
	return s;
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int cli_record_decode(const char *s, struct ptscope_fault *f, uint64_t *user_max, char *err,
		      size_t errlen)
{
	char arch[16];
	unsigned char *raw;
	int format, n = 0, ret;
	uint32_t a;
	size_t len, i;

	if (sscanf(s, "%d %15s 0x%" SCNx64 " %n", &format, arch, user_max, &n) != 3 || !n) {
		snprintf(err, errlen, "not a ptscope record (\"1 ARCH USER_MAX HEX\")");
		return -EINVAL;
	}
	if (format != RECORD_FORMAT) {
		snprintf(err, errlen, "a record of format %d; this ptscope reads format %d", format,
			 RECORD_FORMAT);
		return -EINVAL;
	}
	if (!strcmp(arch, "x86_64")) {
		a = PTSCOPE_ARCH_X86_64;
	} else if (!strcmp(arch, "aarch64") || !strcmp(arch, "arm64")) {
		/* ptscope_arch_name()'s "aarch64"; "arm64", the kernel's, too */
		a = PTSCOPE_ARCH_ARM64;
	} else {
		snprintf(err, errlen, "a record of machine '%s', not x86_64 or aarch64", arch);
		return -EINVAL;
	}
	s += n;
	len = strcspn(s, " \n\"");
	if (len % 2 || len / 2 > RECORD_MAX) {
		snprintf(err, errlen, "a record's bytes cut short or too long (%zu digits)", len);
		return -EINVAL;
	}
	raw = malloc(len / 2 + 1);
	if (!raw) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < len / 2; i++) {
		int hi = unhex(s[2 * i]), lo = unhex(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			free(raw);
			snprintf(err, errlen, "a record's bytes are not hex digits");
			return -EINVAL;
		}
		raw[i] = (unsigned char)(hi << 4 | lo);
	}
	ret = ptscope_fault_parse(raw, len / 2, a, f);
	free(raw);
	if (ret)
		snprintf(err, errlen, "%s", ptscope_errmsg());
	return ret;
}

char *cli_record_json(const struct ptscope_fault *f, const struct fault_reason *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return NULL;
	cli_print_open_file(out);
	cli_print_fault(f, r, false);
	cli_print_close();
	fclose(out);
	/* The document ends with a newline: a journal field or a line does not. */
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

/* Records read back, printed as "explain --dmesg" prints a log's. */
struct printer {
	const struct cli_args *a;
	int count;
};

static void print_kept(struct printer *p, const struct ptscope_fault *f, uint64_t user_max)
{
	struct fault_reason r;

	/*
	 * Flag names and the stack guard are the record's machine's. Its page
	 * size is not kept: this machine's when it is the same kind, else 4 KiB.
	 */
	if (f->arch != cli_machine.arch) {
		long ps = sysconf(_SC_PAGESIZE);

		cli_machine_set(f->arch, f->arch == HOST_ARCH && ps > 0 ? (uint32_t)ps : 4096,
				f->arch == PTSCOPE_ARCH_ARM64 ? 48 : 47);
	}
	if (!p->count++) {
		cli_print_open(p->a->json, p->a->pretty);
		cli_open_array("faults");
	} else {
		cli_print_text("\n");
	}
	cli_explain_fault(f, user_max, &r);
	cli_open_object(NULL);
	cli_print_fault(f, &r, false);
	cli_close_object();
}

static int printed(struct printer *p, const char *none)
{
	if (!p->count) {
		cli_error(p->a, "%s", none);
		return EXIT_RUNTIME;
	}
	cli_close_array();
	cli_print_close();
	return EXIT_OK;
}

/*
 * The journal to read: the local one, or the files and directories among
 * the arguments (a journal copied from another machine); FIELD=VALUE
 * arguments are the matches.
 */
static int open_journal(const struct cli_sd *sd, char **args, int n, sd_journal **j, char *err,
			size_t errlen)
{
	const char *files[64];
	const char *dir = NULL;
	int i, nfiles = 0, ret;
	struct stat st;

	for (i = 0; i < n; i++) {
		if (strchr(args[i], '='))
			continue;
		if (stat(args[i], &st)) {
			snprintf(err, errlen,
				 "'%s' is neither a FIELD=VALUE match nor a journal file or "
				 "directory: %s",
				 args[i], strerror(errno));
			return -EINVAL;
		}
		if (S_ISDIR(st.st_mode)) {
			if (dir || nfiles) {
				snprintf(err, errlen, "one journal directory, or files, not both");
				return -EINVAL;
			}
			dir = args[i];
		} else if (dir || nfiles == (int)(sizeof(files) / sizeof(files[0])) - 1) {
			snprintf(err, errlen, "at most %zu journal files, or one directory",
				 sizeof(files) / sizeof(files[0]) - 1);
			return -EINVAL;
		} else {
			files[nfiles++] = args[i];
		}
	}
	files[nfiles] = NULL;
	ret = dir    ? sd->journal_open_directory(j, dir, 0) :
	      nfiles ? sd->journal_open_files(j, files, 0) :
		       sd->journal_open(j, CLI_SD_JOURNAL_LOCAL_ONLY);
	if (ret < 0)
		snprintf(err, errlen, "cannot open the journal%s%s: %s", dir || nfiles ? " " : "",
			 dir	? dir :
			 nfiles ? files[0] :
				  "",
			 strerror(-ret));
	return ret < 0 ? ret : 0;
}

static int add_matches(const struct cli_sd *sd, sd_journal *j, const char *const *m, int n,
		       char *err, size_t errlen)
{
	const char *id = "SYSLOG_IDENTIFIER=" CLI_JOURNAL_ID;
	int i, ret = sd->journal_add_match(j, id, strlen(id));

	for (i = 0; !ret && i < n; i++) {
		const char *eq = strchr(m[i], '=');

		if (!eq)
			continue;
		/* Journal field names: upper case, digits and underscores. */
		if (eq == m[i] ||
		    strspn(m[i], "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != (size_t)(eq - m[i])) {
			snprintf(err, errlen,
				 "'%s' is not a journal match (FIELD=VALUE, the field in capitals, "
				 "such as PTSCOPE_PID=1234)",
				 m[i]);
			return -EINVAL;
		}
		ret = sd->journal_add_match(j, m[i], strlen(m[i]));
	}
	if (ret < 0 && !*err)
		snprintf(err, errlen, "journal match: %s", strerror(-ret));
	return ret < 0 ? ret : 0;
}

/*
 * Anyone may write SYSLOG_IDENTIFIER=ptscope and PTSCOPE_* fields
 * (logger --journald): a record counts only from the recorder's service
 * or from root. Both are journald's own fields, which no client sets:
 * _UID is the sender's credentials as the kernel passed them (out of any
 * user namespace), _SYSTEMD_UNIT its cgroup. (_CAP_EFFECTIVE would not
 * do: a process in a user namespace of its own has every capability.)
 */
static bool entry_trusted(const struct cli_sd *sd, sd_journal *j)
{
	return cli_sd_field_is(sd, j, "_TRANSPORT", "journal", false) &&
	       (cli_sd_field_is(sd, j, "_UID", "0", false) ||
		cli_sd_field_is(sd, j, "_SYSTEMD_UNIT", CLI_RECORDER_UNIT, false));
}

/*
 * The entry's record: 0, -EPERM for an entry not from a privileged writer,
 * or -errno with @err (naming the entry's time).
 */
static int entry_record(const struct cli_sd *sd, sd_journal *j, struct ptscope_fault *f,
			uint64_t *user_max, char *err, size_t errlen)
{
	char *value;
	char why[256];
	int ret;

	if (!entry_trusted(sd, j))
		return -EPERM;
	value = malloc(2 * RECORD_MAX + 128);
	if (!value) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = cli_sd_field(sd, j, CLI_JOURNAL_RECORD, value, 2 * RECORD_MAX + 128);
	if (ret)
		snprintf(why, sizeof(why), "no %s field", CLI_JOURNAL_RECORD);
	else
		ret = cli_record_decode(value, f, user_max, why, sizeof(why));
	free(value);
	if (ret) {
		uint64_t usec = 0;

		sd->journal_get_realtime_usec(j, &usec);
		snprintf(err, errlen, "the journal entry of %" PRIu64 ".%06" PRIu64 ": %s",
			 usec / 1000000, usec % 1000000, why);
	}
	return ret;
}

int cli_journal_record(const char *const *matches, size_t nmatches, struct ptscope_fault *f,
		       uint64_t *user_max, char *err, size_t errlen)
{
	const struct cli_sd *sd = cli_sd_get(err, errlen);
	sd_journal *j;
	int ret;

	if (!sd)
		return -ENOSYS;
	*err = '\0';
	ret = sd->journal_open(&j, CLI_SD_JOURNAL_LOCAL_ONLY);
	if (ret < 0) {
		snprintf(err, errlen, "cannot open the journal: %s", strerror(-ret));
		return ret;
	}
	sd->journal_set_data_threshold(j, 0);
	ret = add_matches(sd, j, matches, (int)nmatches, err, errlen);
	if (!ret)
		ret = sd->journal_seek_tail(j);
	/* Newest first: a record that does not read is passed over. */
	while (!ret) {
		ret = sd->journal_previous(j);
		if (ret <= 0) {
			ret = ret ? ret : -ENOENT;
			break;
		}
		ret = entry_record(sd, j, f, user_max, err, errlen) ? 0 : 1;
		*err = '\0';
	}
	if (ret > 0)
		ret = 0;
	sd->journal_close(j);
	if (ret < 0 && ret != -ENOENT && !*err)
		snprintf(err, errlen, "reading the journal: %s", strerror(-ret));
	return ret;
}

/* --journal [MATCH|PATH]...: every recorder record that matches, oldest first. */
int cli_explain_journal(const struct cli_args *a)
{
	struct printer p = { a, 0 };
	const struct cli_sd *sd;
	struct ptscope_fault f;
	char err[512] = "";
	uint64_t user_max;
	sd_journal *j;
	int ret, bad = 0, forged = 0;

	sd = cli_sd_get(err, sizeof(err));
	if (!sd) {
		cli_error(a, "explain --journal: %s", err);
		return EXIT_RUNTIME;
	}
	if (open_journal(sd, a->argv, a->argc, &j, err, sizeof(err))) {
		cli_error(a, "%s", err);
		return EXIT_RUNTIME;
	}
	sd->journal_set_data_threshold(j, 0);
	ret = add_matches(sd, j, (const char *const *)a->argv, a->argc, err, sizeof(err));
	if (ret) {
		sd->journal_close(j);
		cli_error(a, "%s", err);
		return EXIT_USAGE;
	}
	while ((ret = sd->journal_next(j)) > 0) {
		int r = entry_record(sd, j, &f, &user_max, err, sizeof(err));

		if (r == -EPERM) {
			forged++;
			continue;
		}
		if (r) {
			/* Said, and the others still explained. */
			fprintf(stderr, "ptscope: %s\n", err);
			bad++;
			continue;
		}
		print_kept(&p, &f, user_max);
	}
	sd->journal_close(j);
	if (forged)
		fprintf(stderr,
			"ptscope: %d matching journal entries passed over: written neither by"
			" root nor by " CLI_RECORDER_UNIT " (_UID, _SYSTEMD_UNIT)\n",
			forged);
	if (ret < 0 && !p.count) {
		cli_error(a, "reading the journal: %s", strerror(-ret));
		return EXIT_RUNTIME;
	}
	ret = printed(&p, "no ptscope-recorder records in the journal that match (is "
			  "ptscope-recorder.service running? journalctl -t ptscope)");
	return ret ? ret : bad ? EXIT_RUNTIME : EXIT_OK;
}

/* --log FILE: the JSON lines "ptscope-recorder --output FILE" wrote. */
int cli_explain_logfile(const struct cli_args *a)
{
	static const char key[] = "{\""
				  "netlink"
				  "\":\"";
	struct printer p = { a, 0 };
	struct ptscope_fault f;
	char err[256], *line = NULL;
	size_t cap = 0;
	uint64_t user_max;
	unsigned long n = 0;
	int bad = 0, ret;
	FILE *in;

	if (a->argc != 1) {
		cli_error(a, "explain --log needs one FILE (ptscope-recorder --output's)");
		return EXIT_USAGE;
	}
	in = strcmp(a->argv[0], "-") ? fopen(a->argv[0], "r") : stdin;
	if (!in) {
		cli_error(a, "cannot read '%s': %s", a->argv[0], strerror(errno));
		return EXIT_RUNTIME;
	}
	while (getline(&line, &cap, in) > 0) {
		n++;
		if (strncmp(line, key, sizeof(key) - 1)) {
			/* The recorder's own lines ("missed", "gone") are not records. */
			if (!strstr(line, "\"recorder\""))
				fprintf(stderr, "ptscope: %s:%lu: not a ptscope-recorder line\n",
					a->argv[0], n),
					bad++;
			continue;
		}
		if (cli_record_decode(line + sizeof(key) - 1, &f, &user_max, err, sizeof(err))) {
			fprintf(stderr, "ptscope: %s:%lu: %s\n", a->argv[0], n, err);
			bad++;
			continue;
		}
		print_kept(&p, &f, user_max);
	}
	free(line);
	if (in != stdin)
		fclose(in);
	ret = printed(&p, "no ptscope-recorder records in the file");
	return ret ? ret : bad ? EXIT_RUNTIME : EXIT_OK;
}
