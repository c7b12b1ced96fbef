// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * explain --coredump PID|MATCH...: a crash systemd-coredump caught, found
 * by its journal entry and explained from the core it kept (often
 * compressed: corefile.c), after a reboot as well as before. When the
 * recorder (ptscope-recorder) kept the module's record of the same crash,
 * the two are joined: the page-table state at the fault from the record,
 * which a core cannot hold, and the registers and the bytes at the ip from
 * the core, which a record does not hold.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "corefile.h"
#include "libptscope.h"
#include "sd.h"

/* systemd-coredump's entries (SD_MESSAGE_COREDUMP in systemd's sd-messages.h). */
#define COREDUMP_MESSAGE "MESSAGE_ID=fc2e22bc6ee647b6b90729ab34a250b1"
#define COREDUMP_DIR "/var/lib/systemd/coredump/"
/* Addresses at or above this are the kernel's, when no module says better (as cmd_explain.c). */
#define KERNEL_HALF (1ULL << 63)

/* What the journal entry says of the crash. */
struct coredump {
	char file[4096]; /* COREDUMP_FILENAME: "" when no core was kept */
	char pid[24], boot[40], comm[64];
	uint64_t usec; /* when it was logged */
};

/*
 * The journal match an argument stands for: "1234", COREDUMP_PID=1234;
 * FIELD=VALUE as it is. @m, or NULL if @arg is neither.
 */
static const char *match_of(const char *arg, char *m, size_t len)
{
	const char *eq = strchr(arg, '=');

	if (*arg && strspn(arg, "0123456789") == strlen(arg) && strlen(arg) < 11) {
		snprintf(m, len, "COREDUMP_PID=%s", arg);
		return m;
	}
	/* Journal field names: upper case, digits and underscores. */
	if (eq && eq != arg &&
	    strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == (size_t)(eq - arg))
		return arg;
	return NULL;
}

/* The arguments as words for messages: "PID 123", "COREDUMP_COMM=crashlab". */
static void describe(const struct cli_args *a, char *out, size_t len)
{
	size_t used = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < a->argc && used < len; i++) {
		bool pid = strspn(a->argv[i], "0123456789") == strlen(a->argv[i]);
		int n = snprintf(out + used, len - used, "%s%s%s", i ? ", " : "", pid ? "PID " : "",
				 a->argv[i]);

		used += n > 0 ? (size_t)n : 0;
	}
}

/*
 * Anyone may log an entry with systemd-coredump's MESSAGE_ID and a newer
 * COREDUMP_PID than the real one, to hide it or point elsewhere: only
 * entries from a systemd-coredump@ service count. _SYSTEMD_UNIT is
 * journald's, from the sender's cgroup, which no user process can join.
 */
static bool from_coredump(const struct cli_sd *sd, sd_journal *j)
{
	return cli_sd_field_is(sd, j, "_TRANSPORT", "journal", false) &&
	       cli_sd_field_is(sd, j, "_SYSTEMD_UNIT", "systemd-coredump@", true);
}

/* The newest systemd-coredump entry matching the arguments: 0, or -1 with @err set. */
static int find_entry(const struct cli_args *a, struct coredump *cd, char *err, size_t errlen)
{
	const struct cli_sd *sd = cli_sd_get(err, errlen);
	char what[256], buf[64];
	sd_journal *j;
	int i, ret;

	if (!sd)
		return -1;
	*err = '\0';
	ret = sd->journal_open(&j, CLI_SD_JOURNAL_LOCAL_ONLY);
	if (ret < 0) {
		snprintf(err, errlen, "cannot open the journal: %s", strerror(-ret));
		return -1;
	}
	ret = sd->journal_add_match(j, COREDUMP_MESSAGE, strlen(COREDUMP_MESSAGE));
	if (ret < 0)
		snprintf(err, errlen, "journal match: %s", strerror(-ret));
	for (i = 0; ret >= 0 && i < a->argc; i++) {
		const char *m = match_of(a->argv[i], buf, sizeof(buf));

		ret = sd->journal_add_match(j, m, strlen(m));
		if (ret < 0)
			snprintf(err, errlen, "journal match '%s': %s", m, strerror(-ret));
	}
	if (ret >= 0)
		ret = sd->journal_seek_tail(j);
	/* Newest first, and only systemd-coredump's own (see from_coredump()). */
	while (ret >= 0 && (ret = sd->journal_previous(j)) > 0 && !from_coredump(sd, j))
		;
	if (ret > 0) {
		memset(cd, 0, sizeof(*cd));
		cli_sd_field(sd, j, "COREDUMP_FILENAME", cd->file, sizeof(cd->file));
		cli_sd_field(sd, j, "COREDUMP_PID", cd->pid, sizeof(cd->pid));
		cli_sd_field(sd, j, "COREDUMP_COMM", cd->comm, sizeof(cd->comm));
		cli_sd_field(sd, j, "_BOOT_ID", cd->boot, sizeof(cd->boot));
		sd->journal_get_realtime_usec(j, &cd->usec);
	} else if (!ret) {
		describe(a, what, sizeof(what));
		/* Others' entries are not shown to users outside systemd-journal and adm. */
		snprintf(err, errlen, "no systemd-coredump entry for %s in the journal%s", what,
			 geteuid() ? " (of the entries this user may read; root, or the groups"
				     " systemd-journal and adm, read every one)" :
				     "");
	} else if (!*err) {
		snprintf(err, errlen, "reading the journal: %s", strerror(-ret));
	}
	sd->journal_close(j);
	return ret > 0 ? 0 : -1;
}

static void when(uint64_t usec, char *buf, size_t len)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The entry's core file, if it was kept and is still there: 0, or -1 with @err set. */
static int core_kept(const struct coredump *cd, char *err, size_t errlen)
{
	char t[32];
	struct stat st;

	when(cd->usec, t, sizeof(t));
	if (!cd->file[0]) {
		snprintf(err, errlen,
			 "systemd-coredump kept no core of %s[%s] (%s): its journal entry has no"
			 " COREDUMP_FILENAME (Storage= in coredump.conf(5) is journal or none, or"
			 " the core was larger than ProcessSizeMax= or ExternalSizeMax=)",
			 cd->comm, cd->pid, t);
		return -1;
	}
	/*
	 * Any user may log an entry with systemd-coredump's MESSAGE_ID: only a
	 * file in systemd-coredump's own directory (root's to write) is taken
	 * for the core, never a path such an entry names elsewhere.
	 */
	if (strncmp(cd->file, COREDUMP_DIR, strlen(COREDUMP_DIR)) ||
	    strchr(cd->file + strlen(COREDUMP_DIR), '/') ||
	    !strcmp(cd->file + strlen(COREDUMP_DIR), "..") || !cd->file[strlen(COREDUMP_DIR)]) {
		snprintf(err, errlen,
			 "the journal entry of %s[%s] (%s) names %s as its core, which is not"
			 " in systemd-coredump's directory " COREDUMP_DIR ": not read",
			 cd->comm, cd->pid, t, cd->file);
		return -1;
	}
	if (stat(cd->file, &st) && errno == ENOENT) {
		snprintf(err, errlen,
			 "the core of %s[%s] (%s), %s, is gone: systemd-tmpfiles removes"
			 " systemd-coredump's cores after 3 days, and MaxUse= and KeepFree= in"
			 " coredump.conf(5) older ones sooner",
			 cd->comm, cd->pid, t, cd->file);
		return -1;
	}
	return 0;
}

/*
 * The recorder's record of the same crash: its pid in the same boot, with
 * the core's signal and address. 1 with @rec and @user_max set, else 0 and
 * @why says what was found.
 */
static int find_record(const struct coredump *cd, const struct ptscope_fault *core,
		       struct ptscope_fault *rec, uint64_t *user_max, char *why, size_t whylen)
{
	char pid[64], boot[64], err[512] = "";
	const char *matches[2] = { pid, boot };
	int ret;

	snprintf(pid, sizeof(pid), "PTSCOPE_PID=%s", cd->pid);
	snprintf(boot, sizeof(boot), "_BOOT_ID=%s", cd->boot);
	ret = cli_journal_record(matches, cd->boot[0] ? 2 : 1, rec, user_max, err, sizeof(err));
	if (ret == -ENOENT) {
		snprintf(why, whylen, "no ptscope record of pid %s%s%s in the journal", cd->pid,
			 cd->boot[0] ? " in boot " : "", cd->boot);
	} else if (ret) {
		snprintf(why, whylen, "no ptscope record read (%s)", err);
	} else if (rec->signal != core->signal || rec->addr != core->addr) {
		snprintf(why, whylen,
			 "pid %s's newest ptscope record, %s at 0x%" PRIx64
			 ", is not this crash's (%s at 0x%" PRIx64 ")",
			 cd->pid, cli_signal_name(rec->signal), rec->addr,
			 cli_signal_name(core->signal), core->addr);
	} else {
		return 1;
	}
	return 0;
}

/*
 * Print the crash: the record's explanation when joined, else the core's;
 * then "core" (the file, and the CPU as the core keeps it) and "joined".
 */
static void print_joined(const struct cli_args *a, const struct coredump *cd,
			 const struct ptscope_fault *f, uint64_t user_max, const char *why,
			 const struct cli_core_cpu *cpu)
{
	struct fault_reason r;

	cli_explain_fault(f, user_max, &r);
	cli_print_open(a->json, a->pretty);
	cli_print_fault(f, &r, false);
	cli_open_object("core");
	cli_print_text("%-10s ", "core");
	cli_print_str(PRINT_ANY, "file", "%s\n", cd->file);
	cli_member_str("boot_id", cd->boot);
	if (why)
		cli_print_text("%-10s %s: the mappings above are the core's\n", "record", why);
	else
		cli_print_text("%-10s the recorder's, above: the page tables at the fault; the"
			       " registers and code below are the core's\n",
			       "record");
	cli_print_core_cpu(cpu);
	cli_close_object();
	cli_print_bool(PRINT_JSON, "joined", NULL, !why);
	cli_print_close();
}

int cli_explain_coredump(const struct cli_args *a)
{
	static struct cli_core_cpu cpu;
	struct ptscope_fault core, rec;
	struct coredump cd;
	char err[5120], why[512];
	uint64_t user_max;
	int i, joined;

	if (!a->argc) {
		cli_error(a, "explain --coredump needs a PID or a journal match (FIELD=VALUE)");
		return EXIT_USAGE;
	}
	for (i = 0; i < a->argc; i++)
		if (!match_of(a->argv[i], why, sizeof(why))) {
			cli_error(
				a,
				"'%s' is neither a PID nor a journal match (FIELD=VALUE, the field"
				" in capitals, such as COREDUMP_COMM=crashlab)",
				a->argv[i]);
			return EXIT_USAGE;
		}
	if (find_entry(a, &cd, err, sizeof(err)) || core_kept(&cd, err, sizeof(err)) ||
	    cli_fault_from_core(cd.file, &core, &cpu, err, sizeof(err))) {
		cli_error(a, "%s", err);
		return EXIT_RUNTIME;
	}
	joined = find_record(&cd, &core, &rec, &user_max, why, sizeof(why));
	if (joined)
		print_joined(a, &cd, &rec, user_max, NULL, &cpu);
	else
		print_joined(a, &cd, &core, KERNEL_HALF, why, &cpu);
	return EXIT_OK;
}
