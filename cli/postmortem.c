// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Faults without the module: from the kernel's log lines ("segfault at ...",
 * "general protection fault ip:...") and from ELF core files (NT_SIGINFO,
 * NT_PRSTATUS, NT_FILE and the load segments, one per mapping). Each becomes
 * a struct ptscope_fault the reason rules read like a module record; what a
 * source lacks is filled in from what it has, and said so.
 *
 *   log line: address, ip, sp and the error code, but no mappings
 *   core:     si_code, address, registers and every mapping with its
 *             permissions and file, but no error code (the access is
 *             inferred: execute if the address is the ip, write if the
 *             mapping is readable and the access was refused)
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "libptscope.h"
#include "uapi/ptscope.h"

/* x86 page-fault error bits, as the log prints them (a hex number). */
static uint32_t code_from_error(uint64_t error)
{
	if (error & PTSCOPE_PF(PK))
		return 4; /* SEGV_PKUERR */
	return error & PTSCOPE_PF(PROT) ? 2 : 1; /* SEGV_ACCERR : SEGV_MAPERR */
}

/* "COMM[PID]" ending just before @end in @line: the command and pid. */
static void comm_pid(const char *line, const char *end, struct ptscope_fault *f)
{
	const char *open = end, *start;

	while (open > line && *open != '[')
		open--;
	start = open;
	while (start > line && start[-1] != ' ')
		start--;
	snprintf(f->comm, sizeof(f->comm), "%.*s", (int)(open - start), start);
	f->pid = f->tid = (uint32_t)strtoul(open + 1, NULL, 10);
}

/* " in NAME[" after the registers: the file holding the ip. */
static void ip_file(const char *rest, struct ptscope_fault *f)
{
	const char *in = strstr(rest, " in "), *br;

	if (in && (br = strchr(in + 4, '[')))
		snprintf(f->exe, sizeof(f->exe), "%.*s", (int)(br - in - 4), in + 4);
}

int fault_from_log_line(const char *line, struct ptscope_fault *f)
{
	unsigned long long addr, ip, sp, error;
	const char *p;

	memset(f, 0, sizeof(*f));
	f->signal = SIGSEGV;
	p = strstr(line, "]: segfault at ");
	if (p && sscanf(p, "]: segfault at %llx ip %llx sp %llx error %llx", &addr, &ip, &sp,
			&error) == 4) {
		comm_pid(line, p, f);
		f->addr = addr;
		f->ip = ip;
		f->sp = sp;
		f->error = error;
		f->trap = 14;
		f->code = code_from_error(error);
		ip_file(p, f);
		return 0;
	}
	p = strstr(line, "] general protection fault ip:");
	if (p && sscanf(p, "] general protection fault ip:%llx sp:%llx", &ip, &sp) == 2) {
		comm_pid(line, p, f);
		f->ip = ip;
		f->sp = sp;
		f->trap = 13;
		f->code = 0x80; /* SI_KERNEL */
		ip_file(p, f);
		return 0;
	}
	return -1;
}

/* ---- cores ---- */

struct core {
	unsigned char *data;
	size_t size;
};

static const void *at(const struct core *c, uint64_t off, uint64_t len)
{
	return off <= c->size && len <= c->size - off ? c->data + off : NULL;
}

/* One file-backed mapping of NT_FILE. */
struct file_map {
	uint64_t start, end, pgoff;
	const char *name;
};

static void fill_vma(struct ptscope_fault_vma *v, const Elf64_Phdr *ph, const struct file_map *fm,
		     size_t nfm, uint64_t sp)
{
	size_t i;

	memset(v, 0, sizeof(*v));
	v->present = 1;
	v->start = ph->p_vaddr;
	v->end = ph->p_vaddr + ph->p_memsz;
	v->flags = (ph->p_flags & PF_R ? PTSCOPE_VMA(READ) : 0) |
		   (ph->p_flags & PF_W ? PTSCOPE_VMA(WRITE) : 0) |
		   (ph->p_flags & PF_X ? PTSCOPE_VMA(EXEC) : 0);
	v->backing = PTSCOPE_BACKING_ANON;
	for (i = 0; i < nfm; i++)
		if (fm[i].start == v->start) {
			snprintf(v->name, sizeof(v->name), "%s", fm[i].name);
			v->pgoff = fm[i].pgoff;
			v->backing = strstr(fm[i].name, "/anon_hugepage") ?
					     PTSCOPE_BACKING_HUGETLB :
					     PTSCOPE_BACKING_FILE;
		}
	/* The stack: where sp is, or just above it when sp ran off its bottom. */
	if ((sp >= v->start && sp < v->end) ||
	    (sp < v->start && v->start - sp <= (1ULL << 20) && (ph->p_flags & PF_W))) {
		snprintf(v->name, sizeof(v->name), "[stack]");
		v->backing = PTSCOPE_BACKING_STACK;
		v->flags |= PTSCOPE_VMA(GROWSDOWN);
	}
}

/* NT_FILE: count, page size, then (start, end, pgoff) triples, then names. */
static size_t parse_nt_file(const unsigned char *d, size_t len, struct file_map *out, size_t max)
{
	const uint64_t *w = (const uint64_t *)d;
	const char *names;
	uint64_t n, page, i;

	if (len < 16)
		return 0;
	n = w[0];
	page = w[1];
	if (n > max || 16 + n * 24 > len)
		return 0;
	names = (const char *)d + 16 + n * 24;
	for (i = 0; i < n; i++) {
		out[i].start = w[2 + i * 3];
		out[i].end = w[3 + i * 3];
		out[i].pgoff = w[4 + i * 3] * page;
		out[i].name = names;
		names += strnlen(names, (size_t)((const char *)d + len - names)) + 1;
		if (names > (const char *)d + len)
			return i;
	}
	return (size_t)n;
}

int fault_from_core(const char *path, struct ptscope_fault *f, char *err, size_t errlen)
{
	static struct file_map fm[4096];
	struct core c = { NULL, 0 };
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph;
	size_t nfm = 0, i;
	int have_sig = 0, have_regs = 0, fd, ret = -1;
	struct stat st;

	memset(f, 0, sizeof(*f));
	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size < (off_t)sizeof(Elf64_Ehdr) ||
	    st.st_size > (1LL << 32)) {
		snprintf(err, errlen, "cannot read core file '%s': %s", path,
			 fd < 0 ? strerror(errno) : "not a core file (size)");
		goto out;
	}
	c.size = (size_t)st.st_size;
	c.data = malloc(c.size);
	if (!c.data || read(fd, c.data, c.size) != (ssize_t)c.size) {
		snprintf(err, errlen, "cannot read core file '%s'", path);
		goto out;
	}
	eh = at(&c, 0, sizeof(*eh));
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_type != ET_CORE || eh->e_machine != EM_X86_64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !at(&c, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))) {
		snprintf(err, errlen, "'%s' is not an x86-64 ELF core file", path);
		goto out;
	}
	ph = at(&c, eh->e_phoff, 0);
	/* The notes first: the signal, the registers, the files. */
	for (i = 0; i < eh->e_phnum; i++) {
		uint64_t off = ph[i].p_offset, end = ph[i].p_offset + ph[i].p_filesz;

		if (ph[i].p_type != PT_NOTE || !at(&c, off, ph[i].p_filesz))
			continue;
		while (off + sizeof(Elf64_Nhdr) <= end) {
			const Elf64_Nhdr *nh = at(&c, off, sizeof(*nh));
			uint64_t desc = off + sizeof(*nh) + ((nh->n_namesz + 3) & ~3U);
			const unsigned char *d = at(&c, desc, nh->n_descsz);

			if (!d)
				break;
			if (nh->n_type == NT_SIGINFO && nh->n_descsz >= 24) {
				f->signal = *(const uint32_t *)d;
				f->code = *(const uint32_t *)(d + 8);
				f->addr = *(const uint64_t *)(d + 16);
				have_sig = 1;
			} else if (nh->n_type == NT_PRSTATUS && !have_regs &&
				   nh->n_descsz >= 112 + 27 * 8) {
				/* elf_prstatus: pr_pid at 32, pr_reg (user_regs_struct) at 112 */
				const uint64_t *reg = (const uint64_t *)(d + 112);

				f->pid = f->tid = *(const uint32_t *)(d + 32);
				f->ip = reg[16];
				f->sp = reg[19];
				have_regs = 1;
			} else if (nh->n_type == NT_FILE) {
				nfm = parse_nt_file(d, nh->n_descsz, fm,
						    sizeof(fm) / sizeof(fm[0]));
			} else if (nh->n_type == NT_PRPSINFO && nh->n_descsz >= 56) {
				/* elf_prpsinfo: pr_fname[16] at 40 */
				snprintf(f->comm, sizeof(f->comm), "%.15s", (const char *)d + 40);
			}
			off = desc + ((nh->n_descsz + 3) & ~3U);
		}
	}
	if (!have_sig || !have_regs) {
		snprintf(err, errlen, "core file '%s' has no %s note", path,
			 have_sig ? "NT_PRSTATUS" : "NT_SIGINFO");
		goto out;
	}
	/* The mappings: PT_LOAD segments in address order, one per VMA. */
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (f->addr >= ph[i].p_vaddr && f->addr < ph[i].p_vaddr + ph[i].p_memsz)
			fill_vma(&f->vma, &ph[i], fm, nfm, f->sp);
		else if (ph[i].p_vaddr + ph[i].p_memsz <= f->addr)
			fill_vma(&f->below, &ph[i], fm, nfm, f->sp);
		else if (!f->above.present)
			fill_vma(&f->above, &ph[i], fm, nfm, f->sp);
	}
	for (i = 0; i < nfm; i++)
		if (f->ip >= fm[i].start && f->ip < fm[i].end)
			snprintf(f->exe, sizeof(f->exe), "%s", fm[i].name);
	f->snapshot = 1;
	f->trap = f->code == 0x80 ? 13 : 14;
	/* No error code in a core: infer the access from where it was refused. */
	if (f->addr && f->addr == f->ip)
		f->error |= PTSCOPE_PF(INSTR);
	else if (f->code == 2 && f->vma.present && (f->vma.flags & PTSCOPE_VMA(READ)) &&
		 !(f->vma.flags & PTSCOPE_VMA(WRITE)))
		f->error |= PTSCOPE_PF(WRITE);
	if (f->code == 2 || f->code == 4)
		f->error |= PTSCOPE_PF(PROT);
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(c.data);
	return ret;
}
