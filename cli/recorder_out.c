// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where ptscope-recorder's records go: the journal, as structured fields
 * (journalctl -t ptscope, PTSCOPE_REASON=...), or JSON lines in a file
 * rotated by size or by logrotate (SIGHUP); and the state that keeps a
 * restart from keeping a record twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <linux/netlink.h>
#include <sys/uio.h>

#include "cli.h"
#include "libptscope.h"
#include "recorder.h"
#include "uapi/ptscope.h"
#include "sd.h"

/* journalctl MESSAGE_ID=... finds every record, or every recorder event. */
#define RECORD_MESSAGE_ID "7ed42055fd48402f93283dcc7a3b76f8"
#define EVENT_MESSAGE_ID "cda73b5610854bda9323445ed3a9bf53"
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static int open_file(struct recorder *r)
{
	struct stat st;
	int fd = open(r->output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0 || fstat(fd, &st) || !(r->out = fdopen(fd, "a"))) {
		fprintf(stderr, "ptscope-recorder: cannot write '%s': %s\n", r->output,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	r->out_size = (uint64_t)st.st_size;
	return 0;
}

int rec_output_open(struct recorder *r)
{
	char err[256];

	/* Notifications and the journal both need it; a file does not. */
	r->sd = cli_sd_get(err, sizeof(err));
	if (r->output)
		return open_file(r);
	if (!r->sd) {
		fprintf(stderr,
			"ptscope-recorder: %s; without the journal, write to a file "
			"(--output FILE)\n",
			err);
		return -1;
	}
	if (access(JOURNAL_SOCKET, W_OK)) {
		fprintf(stderr,
			"ptscope-recorder: no journal here (%s: %s); write to a file "
			"instead (--output FILE)\n",
			JOURNAL_SOCKET, strerror(errno));
		return -1;
	}
	return 0;
}

void rec_output_close(struct recorder *r)
{
	if (r->out)
		fclose(r->out);
	r->out = NULL;
}

void rec_reopen(struct recorder *r)
{
	if (!r->output)
		return;
	rec_output_close(r);
	if (open_file(r))
		r->lost_fatal = true;
}

/* FILE -> FILE.1 -> ... -> FILE.keep, and a new FILE. */
static void rotate(struct recorder *r)
{
	size_t len = strlen(r->output) + 16;
	char *from = malloc(len), *to = malloc(len);
	unsigned int i;

	rec_output_close(r);
	if (from && to) {
		for (i = r->keep_files; i > 0; i--) {
			snprintf(to, len, "%s.%u", r->output, i);
			if (i > 1)
				snprintf(from, len, "%s.%u", r->output, i - 1);
			else
				snprintf(from, len, "%s", r->output);
			rename(from, to);
		}
		if (!r->keep_files)
			unlink(r->output);
	}
	free(from);
	free(to);
	if (open_file(r))
		r->lost_fatal = true;
}

static int write_line(struct recorder *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!r->out)
		return -1;
	va_start(ap, fmt);
	n = vfprintf(r->out, fmt, ap);
	va_end(ap);
	if (n < 0 || fflush(r->out))
		return -1;
	r->out_size += (uint64_t)n;
	if (r->max_size && r->out_size >= r->max_size)
		rotate(r);
	return 0;
}

/* One journal field, "NAME=value", printf-formatted into @iov (malloc'd). */
static int field(struct iovec *iov, int *n, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -1;
	iov[*n].iov_base = s;
	iov[*n].iov_len = (size_t)len;
	(*n)++;
	return 0;
}

static int send_fields(struct recorder *r, struct iovec *iov, int n)
{
	int ret = r->sd->journal_sendv(iov, n), i;

	for (i = 0; i < n; i++)
		free(iov[i].iov_base);
	return ret < 0 ? -1 : 0;
}

/*
 * The module's rule for what a caller without CAP_SYS_ADMIN sees of an
 * entry (module/arch.h, ptscope_entry_hide_frame()): an entry that maps a
 * frame keeps its flags and loses the frame bits; any other (swap,
 * migration, hwpoison) is withheld whole. On arm64, which bit marks a
 * PROT_NONE entry moved (58 before 6.10, 11 after, where older kernels
 * keep swap offsets): only valid entries keep their flags there, so some
 * PROT_NONE ones are withheld whole, more than the module hides.
 */
static uint64_t entry_hide_frame(uint64_t v, uint32_t arch)
{
	uint64_t maps, mask;

	if (arch == PTSCOPE_ARCH_ARM64) {
		maps = v & 1; /* valid */
		/* output address bits 12-49, and 8-9 (LPA2's address bits 50-51) */
		mask = (((1ULL << 50) - 1) & ~((1ULL << 12) - 1)) | 3ULL << 8;
	} else {
		maps = v & (1ULL | 1ULL << 7 | 1ULL << 8); /* PRESENT, PSE, PROTNONE */
		mask = ((1ULL << 52) - 1) & ~((1ULL << 12) - 1); /* PTE_PFN_MASK */
	}
	return v && maps ? v & ~mask : 0;
}

/*
 * Calls @fn for each attribute among @p/@len: netlink's layout (aligned
 * lengths, each checked against what is left), the type without its flags.
 */
static void each_attr(unsigned char *p, size_t len,
		      void (*fn)(int type, unsigned char *data, size_t dlen, void *arg), void *arg)
{
	while (len >= NLA_HDRLEN) {
		struct nlattr a;
		size_t step;

		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len)
			return;
		fn(a.nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN, a.nla_len - NLA_HDRLEN, arg);
		step = NLA_ALIGN(a.nla_len);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

static void put_u64(unsigned char *d, uint64_t v)
{
	memcpy(d, &v, sizeof(v));
}

static uint64_t get_u64(const unsigned char *d)
{
	uint64_t v;

	memcpy(&v, d, sizeof(v));
	return v;
}

/* Inside a PTSCOPE_A_XLATE_LEVEL: the table's address, the frame, the entry's frame bits. */
static void hide_level(int type, unsigned char *d, size_t n, void *arg)
{
	uint32_t arch = *(const uint32_t *)arg;

	if (n != sizeof(uint64_t))
		return;
	if (type == PTSCOPE_A_LEVEL_TABLE_PHYS || type == PTSCOPE_A_LEVEL_PFN)
		put_u64(d, 0);
	else if (type == PTSCOPE_A_LEVEL_ENTRY)
		put_u64(d, entry_hide_frame(get_u64(d), arch));
}

/* Inside a translation (PTSCOPE_A_XLATE_*): each level. */
static void hide_xlate(int type, unsigned char *d, size_t n, void *arg)
{
	if (type == PTSCOPE_A_XLATE_LEVEL)
		each_attr(d, n, hide_level, arg);
}

struct vma_seen {
	unsigned char *pgoff; /* the PTSCOPE_A_VMA_PGOFF value, if any */
	bool pfnmap;
};

static void see_vma(int type, unsigned char *d, size_t n, void *arg)
{
	struct vma_seen *v = arg;

	if (n != sizeof(uint64_t))
		return;
	if (type == PTSCOPE_A_VMA_PGOFF)
		v->pgoff = d;
	else if (type == PTSCOPE_A_VMA_FLAGS)
		v->pfnmap = get_u64(d) & (1ULL << PTSCOPE_VMA_BIT_PFNMAP);
}

/*
 * The record's own attributes: the two translations, and the mappings
 * (a VM_PFNMAP mapping's offset is the frame it starts at).
 */
static void hide_fault(int type, unsigned char *d, size_t n, void *arg)
{
	struct vma_seen v = { NULL, false };

	switch (type) {
	case PTSCOPE_A_FAULT_XLATE_ADDR:
	case PTSCOPE_A_FAULT_XLATE_IP:
		each_attr(d, n, hide_xlate, arg);
		break;
	case PTSCOPE_A_FAULT_VMA:
	case PTSCOPE_A_FAULT_VMA_BELOW:
	case PTSCOPE_A_FAULT_VMA_ABOVE:
		each_attr(d, n, see_vma, &v);
		if (v.pfnmap && v.pgoff)
			put_u64(v.pgoff, 0);
		break;
	default:
		break;
	}
}

/*
 * A record as a caller without CAP_SYS_ADMIN would get it: the journal is
 * read by the groups adm and systemd-journal, and pagemap shows frames to
 * CAP_SYS_ADMIN only. @raw is copied to @copy (the caller frees it).
 */
static int hide_phys(const void *raw, size_t len, uint32_t arch, unsigned char **copy,
		     struct ptscope_fault *out)
{
	unsigned char *p = malloc(len ? len : 1);

	if (!p)
		return -ENOMEM;
	memcpy(p, raw, len);
	each_attr(p, len, hide_fault, &arch);
	*copy = p;
	return ptscope_fault_parse(p, len, arch, out);
}

int rec_emit(struct recorder *r, const struct ptscope_fault *f, const void *raw, size_t len)
{
	struct fault_reason why;
	struct iovec iov[24];
	char *kept = NULL, *json = NULL;
	unsigned char *hidden = NULL;
	struct ptscope_fault *h = NULL;
	int n = 0, ret = -1;

	if (!r->physical) {
		h = malloc(sizeof(*h));
		if (!h || hide_phys(raw, len, f->arch, &hidden, h))
			goto out;
		f = h;
		raw = hidden;
	}
	cli_explain_fault(f, r->user_max, &why);
	kept = cli_record_encode(f, raw, len, r->user_max);
	json = cli_record_json(f, &why);
	if (!kept || !json)
		goto out;
	if (r->output) {
		ret = write_line(r, "{\"netlink\":\"%s\",\"record\":%s}\n", kept, json);
		goto out;
	}
	/* The one-line explanation, then the fields to match on. */
	if (field(iov, &n, "MESSAGE=%s[%" PRIu32 "]: %s (%s) at 0x%" PRIx64 ", %s: %s: %s", f->comm,
		  f->pid, cli_signal_name(f->signal), cli_fault_code_name(f->signal, f->code),
		  f->addr, cli_fault_access(f), why.code, why.text) ||
	    field(iov, &n, "PRIORITY=%d", LOG_WARNING) ||
	    field(iov, &n, "SYSLOG_IDENTIFIER=%s", CLI_JOURNAL_ID) ||
	    field(iov, &n, "MESSAGE_ID=%s", RECORD_MESSAGE_ID) ||
	    field(iov, &n, "PTSCOPE_REASON=%s", why.code) ||
	    field(iov, &n, "PTSCOPE_PID=%" PRIu32, f->pid) ||
	    field(iov, &n, "PTSCOPE_TID=%" PRIu32, f->tid) ||
	    field(iov, &n, "PTSCOPE_UID=%" PRIu32, f->uid) ||
	    field(iov, &n, "PTSCOPE_COMM=%s", f->comm) ||
	    field(iov, &n, "PTSCOPE_EXE=%s", f->exe) ||
	    field(iov, &n, "PTSCOPE_SIGNAL=%s", cli_signal_name(f->signal)) ||
	    field(iov, &n, "PTSCOPE_CODE=%s", cli_fault_code_name(f->signal, f->code)) ||
	    field(iov, &n, "PTSCOPE_ADDR=0x%" PRIx64, f->addr) ||
	    field(iov, &n, "PTSCOPE_IP=0x%" PRIx64, f->ip) ||
	    field(iov, &n, "PTSCOPE_ACCESS=%s", cli_fault_access(f)) ||
	    field(iov, &n, "PTSCOPE_ID=%" PRIu64, f->id) ||
	    field(iov, &n, "PTSCOPE_TIME_NS=%" PRIu64, f->time_ns) ||
	    field(iov, &n, "PTSCOPE_RECORD=%s", json) ||
	    field(iov, &n, "%s=%s", CLI_JOURNAL_RECORD, kept)) {
		while (n > 0)
			free(iov[--n].iov_base);
		goto out;
	}
	ret = send_fields(r, iov, n);
out:
	free(kept);
	free(json);
	free(hidden);
	free(h);
	return ret;
}

void rec_event(struct recorder *r, const char *event, int priority, const char *fmt, ...)
{
	struct iovec iov[12];
	char msg[512];
	va_list ap;
	int n = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->output) {
		struct json *j;
		char *line = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&line, &len);
		struct timespec t;

		/* Said where an operator looks too (the unit's journal, a terminal). */
		fprintf(stderr, "ptscope-recorder: %s\n", msg);
		if (!mem)
			return;
		clock_gettime(CLOCK_REALTIME, &t);
		j = cli_json_new(mem, false);
		cli_json_obj_begin(j);
		cli_json_key(j, "recorder");
		cli_json_str(j, event);
		cli_json_key(j, "time_ns");
		cli_json_uint(j, (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec);
		cli_json_key(j, "message");
		cli_json_str(j, msg);
		cli_json_key(j, "kept");
		cli_json_uint(j, r->kept);
		cli_json_key(j, "missed");
		cli_json_uint(j, r->missed);
		cli_json_key(j, "dropped");
		cli_json_uint(j, r->dropped);
		cli_json_key(j, "not_written");
		cli_json_uint(j, r->lost);
		cli_json_obj_end(j);
		cli_json_end(j);
		fclose(mem);
		write_line(r, "%s", line);
		free(line);
		return;
	}
	if (field(iov, &n, "MESSAGE=%s", msg) || field(iov, &n, "PRIORITY=%d", priority) ||
	    field(iov, &n, "SYSLOG_IDENTIFIER=ptscope-recorder") ||
	    field(iov, &n, "MESSAGE_ID=%s", EVENT_MESSAGE_ID) ||
	    field(iov, &n, "PTSCOPE_RECORDER_EVENT=%s", event) ||
	    field(iov, &n, "PTSCOPE_KEPT=%" PRIu64, r->kept) ||
	    field(iov, &n, "PTSCOPE_MISSED=%" PRIu64, r->missed) ||
	    field(iov, &n, "PTSCOPE_DROPPED=%" PRIu64, r->dropped) ||
	    field(iov, &n, "PTSCOPE_NOT_WRITTEN=%" PRIu64, r->lost)) {
		while (n > 0)
			free(iov[--n].iov_base);
		fprintf(stderr, "ptscope-recorder: %s\n", msg);
		return;
	}
	if (send_fields(r, iov, n))
		fprintf(stderr, "ptscope-recorder: %s\n", msg);
}

/* ---- the state: "BOOT_ID LAST_ID", the last record dealt with in this boot */

static void boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "unknown");
	buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

static uint64_t state_last; /* from the file, this boot's; 0 if none */

void rec_state_load(struct recorder *r)
{
	char want[64], have[64];
	uint64_t last;
	FILE *f;

	if (!r->state || !(f = fopen(r->state, "r")))
		return;
	boot_id(want, sizeof(want));
	if (fscanf(f, "%63s %" SCNu64, have, &last) == 2 && !strcmp(want, have))
		state_last = last;
	fclose(f);
}

bool rec_state_same_module(struct recorder *r)
{
	/*
	 * The module that made the remembered record has made at least as
	 * many since it was loaded; a module loaded again since has probably
	 * made fewer. (It cannot be told for sure: the records carry no load
	 * generation.)
	 */
	if (!state_last || r->module_made < state_last) {
		state_last = 0;
		return false;
	}
	r->last = state_last;
	state_last = 0;
	return true;
}

void rec_state_save(struct recorder *r, bool now)
{
	uint64_t ms, done;
	char id[64], *tmp;
	unsigned int i;
	bool ok;
	FILE *f;

	if (!r->state || !r->state_dirty)
		return;
	ms = rec_now_ms();
	if (!now && ms - r->state_saved_ms < 1000)
		return;
	if (asprintf(&tmp, "%s.new", r->state) < 0)
		return;
	boot_id(id, sizeof(id));
	/*
	 * Records kept aside for their snapshot are not done: a restart takes
	 * them from the ring again (kept twice, rather than never).
	 */
	done = r->last;
	for (i = 0; i < r->npending; i++)
		if (r->pending[i].id - 1 < done)
			done = r->pending[i].id - 1;
	f = fopen(tmp, "w");
	if (!f) {
		free(tmp);
		return;
	}
	/* On disk before the rename: a crash leaves the old state or the new one. */
	ok = fprintf(f, "%s %" PRIu64 "\n", id, done) > 0 && !fflush(f) && !fsync(fileno(f));
	if (fclose(f) || !ok || rename(tmp, r->state)) {
		unlink(tmp);
	} else {
		r->state_dirty = false;
		r->state_saved_ms = ms;
	}
	free(tmp);
}
