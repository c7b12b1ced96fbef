// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Faults without the module: from the kernel's log lines ("segfault at ...",
 * "general protection fault ip:...") and from ELF core files (NT_SIGINFO,
 * NT_PRSTATUS, NT_FILE and the load segments, one per mapping). Each becomes
 * a struct ptscope_fault the reason rules read like a module record; what a
 * source lacks is filled in from what it has, and said so.
 *
 *   log line: address, ip, sp and the error code, but no mappings
 *             (arm64: the ESR and the fault's name, ip and sp from the
 *             register dump below it, but not the address: FAR is not
 *             printed for user faults)
 *   core:     si_code, address, registers and every mapping with its
 *             permissions and file, but no error code (the access is
 *             inferred: execute if the address is the ip, write if the
 *             mapping is readable and the access was refused); plain or
 *             compressed (corefile.c)
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "corefile.h"
#include "esr.h"
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

/*
 * arm64's arch/arm64/kernel/traps.c arm64_show_signal() (6.1, 6.12):
 * "COMM[PID]: unhandled exception: DABT (lower EL), ESR 0x0000000092000047,
 * level 3 translation fault in FILE[START+SIZE]", then __show_regs()'s
 * "pc : ..." and "sp : ..." lines. Only aborts make SIGSEGV/SIGBUS.
 */
static int arm64_line(const char *line, struct ptscope_fault *f)
{
	static const char tag[] = "]: unhandled exception: ";
	const char *p = strstr(line, tag), *esr_at;
	unsigned long long esr;
	struct esr_info e;

	if (!p || !(esr_at = strstr(p, ", ESR 0x")) || sscanf(esr_at, ", ESR 0x%llx", &esr) != 1)
		return -1;
	cli_esr_decode(esr, &e);
	if (!e.abort)
		return -1; /* an undefined instruction, a breakpoint...: not a fault of memory */
	comm_pid(line, p, f);
	ip_file(esr_at, f);
	f->arch = PTSCOPE_ARCH_ARM64;
	f->esr = esr;
	f->has_esr = 1;
	f->error = e.pf;
	/* The kernel's fault_info[]: the signal each fault status raises. */
	if (cli_esr_is_translation(e.fsc)) {
		f->code = 1; /* SEGV_MAPERR (ACCERR when a mapping forbade it) */
	} else if (cli_esr_is_permission(e.fsc) || cli_esr_is_access_flag(e.fsc)) {
		f->code = 2; /* SEGV_ACCERR */
	} else if (e.fsc == 0x11) {
		f->code = 9; /* SEGV_MTESERR */
	} else if (e.fsc == 0x21) {
		f->signal = SIGBUS;
		f->code = 1; /* BUS_ADRALN */
	} else {
		f->signal = SIGBUS;
		f->code = 3; /* BUS_OBJERR: external aborts */
	}
	return 0;
}

int cli_fault_log_regs(const char *line, struct ptscope_fault *f)
{
	unsigned long long v;
	const char *p;

	if (f->arch != PTSCOPE_ARCH_ARM64)
		return -1;
	/* The first dump after the line is its own. */
	if (!f->ip && (p = strstr(line, "pc : ")) && sscanf(p, "pc : %llx", &v) == 1)
		f->ip = v;
	else if (!f->sp && (p = strstr(line, "sp : ")) && sscanf(p, "sp : %llx", &v) == 1)
		f->sp = v;
	else
		return -1;
	return 0;
}

int cli_fault_from_log_line(const char *line, struct ptscope_fault *f)
{
	unsigned long long addr, ip, sp, error;
	const char *p;

	memset(f, 0, sizeof(*f));
	f->signal = SIGSEGV;
	if (!arm64_line(line, f))
		return 0;
	f->arch = PTSCOPE_ARCH_X86_64;
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

/*
 * A core is read piecewise, never whole: its header, one program header at
 * a time, and its note segments, each at most NOTES_MAX bytes. Every field
 * is copied out with memcpy, since notes are only 4-byte aligned.
 */
#define NOTES_MAX (64U << 20)

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Program header @i of the core open at @fd; false if it cannot be read. */
static bool read_phdr(int fd, const Elf64_Ehdr *eh, unsigned int i, Elf64_Phdr *ph)
{
	return pread(fd, ph, sizeof(*ph), (off_t)(eh->e_phoff + (uint64_t)i * sizeof(*ph))) ==
	       (ssize_t)sizeof(*ph);
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
static size_t parse_nt_file(const unsigned char *d, size_t len, struct file_map *out, size_t max,
			    uint64_t *page_size)
{
	const char *names;
	uint64_t n, page, i;

	if (len < 16)
		return 0;
	n = rd64(d);
	page = rd64(d + 8);
	*page_size = page;
	if (n > max || 16 + n * 24 > len)
		return 0;
	names = (const char *)d + 16 + n * 24;
	for (i = 0; i < n; i++) {
		const unsigned char *t = d + 16 + i * 24;

		out[i].start = rd64(t);
		out[i].end = rd64(t + 8);
		out[i].pgoff = rd64(t + 16) * page;
		out[i].name = names;
		names += strnlen(names, (size_t)((const char *)d + len - names)) + 1;
		if (names > (const char *)d + len)
			return i;
	}
	return (size_t)n;
}

/* What the notes of a core say (the NT_FILE names point into @notes). */
struct core_notes {
	unsigned char *notes;
	struct file_map fm[4096];
	size_t nfm;
	int have_sig, have_regs;
	unsigned int regs, ip_reg, sp_reg; /* the machine's pr_reg: its size, ip, sp */
	uint64_t reg[34]; /* the first thread's pr_reg: the one that faulted */
	uint64_t page_size; /* NT_FILE's, the kernel's PAGE_SIZE */
};

/*
 * The notes in [@d, @d + @len): the signal, the registers, the files.
 * True if an NT_FILE was among them (its names point into @d).
 */
static bool parse_notes(const unsigned char *d, uint64_t len, struct core_notes *cn,
			struct ptscope_fault *f)
{
	bool files = false;
	uint64_t off = 0;

	while (off + sizeof(Elf64_Nhdr) <= len) {
		Elf64_Nhdr nh;
		uint64_t desc;
		const unsigned char *p;

		memcpy(&nh, d + off, sizeof(nh));
		desc = off + sizeof(nh) + ((nh.n_namesz + 3ULL) & ~3ULL);
		if (desc > len || nh.n_descsz > len - desc)
			break;
		p = d + desc;
		if (nh.n_type == NT_SIGINFO && nh.n_descsz >= 24) {
			/* siginfo_t: si_signo at 0, si_code at 8, si_addr at 16 */
			f->signal = rd32(p);
			f->code = rd32(p + 8);
			f->addr = rd64(p + 16);
			cn->have_sig = 1;
		} else if (nh.n_type == NT_PRSTATUS && !cn->have_regs &&
			   nh.n_descsz >= 112 + cn->regs * 8) {
			/*
			 * elf_prstatus: pr_pid at 32, pr_reg at 112: x86_64's
			 * user_regs_struct (ip 16, sp 19 of 27) or aarch64's
			 * user_pt_regs (x0..x30, sp 31, pc 32, pstate).
			 */
			unsigned int r;

			f->pid = f->tid = rd32(p + 32);
			for (r = 0; r < cn->regs; r++)
				cn->reg[r] = rd64(p + 112 + r * 8);
			f->ip = cn->reg[cn->ip_reg];
			f->sp = cn->reg[cn->sp_reg];
			cn->have_regs = 1;
		} else if (nh.n_type == NT_FILE) {
			cn->nfm = parse_nt_file(p, nh.n_descsz, cn->fm,
						sizeof(cn->fm) / sizeof(cn->fm[0]), &cn->page_size);
			files = true;
		} else if (nh.n_type == NT_PRPSINFO && nh.n_descsz >= 56) {
			/* elf_prpsinfo: pr_fname[16] at 40 */
			snprintf(f->comm, sizeof(f->comm), "%.15s", (const char *)p + 40);
		}
		off = desc + ((nh.n_descsz + 3ULL) & ~3ULL);
	}
	return files;
}

static const char *machine_name(unsigned int m)
{
	switch (m) {
	case EM_386:
		return "i386";
	case EM_ARM:
		return "arm";
	case EM_PPC64:
		return "ppc64";
	case EM_S390:
		return "s390";
	case EM_RISCV:
		return "riscv";
	case EM_LOONGARCH:
		return "loongarch";
	default:
		return "unknown";
	}
}

/* The file NT_FILE says was mapped at @ip, or NULL. */
static const struct file_map *file_at(const struct core_notes *cn, uint64_t ip)
{
	size_t i;

	for (i = 0; i < cn->nfm; i++)
		if (ip >= cn->fm[i].start && ip < cn->fm[i].end)
			return &cn->fm[i];
	return NULL;
}

/*
 * Up to @want bytes at @ip from @fm, the file mapped there (as it is now):
 * how many, or 0 with @c->why set. Only a regular file is read, never a
 * device.
 */
static unsigned int code_from_file(const struct file_map *fm, uint64_t ip, unsigned int want,
				   struct cli_core_cpu *c)
{
	const char *why = NULL;
	char magic[SELFMAG];
	ssize_t n = 0;
	int fd;

	c->file_off = fm->pgoff + (ip - fm->start);
	if (fm->end - ip < want)
		want = (unsigned int)(fm->end - ip);
	fd = cli_open_regular(fm->name, &why);
	if (fd < 0) {
		if (!why)
			why = strerror(errno);
	}
	/*
	 * A core's NT_FILE names any file it likes: only ELF objects give
	 * their bytes, never /etc/shadow at an offset of the core's choice.
	 */
	else if (pread(fd, magic, SELFMAG, 0) != SELFMAG || memcmp(magic, ELFMAG, SELFMAG))
		why = "not an ELF file";
	else if ((n = pread(fd, c->code, want, (off_t)c->file_off)) < 0)
		why = strerror(errno);
	else if (!n)
		why = "it ends before that offset now";
	if (why)
		snprintf(c->why, sizeof(c->why), "%s, mapped there, cannot be read: %s", fm->name,
			 why);
	if (fd >= 0)
		close(fd);
	return n > 0 ? (unsigned int)n : 0;
}

/*
 * The bytes at the ip (16 on x86-64, the instruction word on aarch64):
 * from the load segment holding it if the core kept that memory, else from
 * the file NT_FILE says was mapped there, else none, and why.
 */
static void read_code(int fd, const Elf64_Ehdr *eh, const struct core_notes *cn, uint64_t ip,
		      struct cli_core_cpu *c)
{
	unsigned int i, want = c->arch == PTSCOPE_ARCH_ARM64 ? 4 : sizeof(c->code);
	const struct file_map *fm = file_at(cn, ip);
	bool mapped = false;
	Elf64_Phdr ph;

	c->code_addr = ip;
	if (fm)
		snprintf(c->file, sizeof(c->file), "%s", fm->name);
	for (i = 0; i < eh->e_phnum; i++) {
		uint64_t off;
		ssize_t n;

		if (!read_phdr(fd, eh, i, &ph) || ph.p_type != PT_LOAD || ip < ph.p_vaddr ||
		    ip - ph.p_vaddr >= ph.p_memsz)
			continue;
		mapped = true;
		off = ip - ph.p_vaddr;
		if (off >= ph.p_filesz)
			break; /* not dumped (coredump_filter leaves file pages out) */
		n = pread(fd, c->code, ph.p_filesz - off < want ? ph.p_filesz - off : want,
			  (off_t)(ph.p_offset + off));
		if (n > 0) {
			c->ncode = (unsigned int)n;
			c->source = CLI_CODE_CORE;
			return;
		}
		break;
	}
	if (!fm) {
		snprintf(c->why, sizeof(c->why), "%s",
			 mapped ? "its memory was not dumped and no file was mapped there" :
				  "nothing was mapped there");
		return;
	}
	c->ncode = code_from_file(fm, ip, want, c);
	if (c->ncode)
		c->source = CLI_CODE_FILE;
}

/* The core open at @fd, named @path in messages. */
static int core_read(int fd, const char *path, struct ptscope_fault *f, struct cli_core_cpu *cpu,
		     char *err, size_t errlen)
{
	static struct core_notes cn;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	unsigned int i;
	int ret = -1;

	memset(&cn, 0, sizeof(cn)); /* cn.notes was freed at the last return */
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_type != ET_CORE || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    !read_phdr(fd, &eh, 0, &ph) ||
	    (eh.e_phnum && !read_phdr(fd, &eh, eh.e_phnum - 1U, &ph))) {
		snprintf(err, errlen, "'%s' is not a 64-bit ELF core file", path);
		goto out;
	}
	/* The file names its machine: an aarch64 core reads as well on x86, and back. */
	if (eh.e_machine == EM_X86_64) {
		f->arch = PTSCOPE_ARCH_X86_64;
		cn.regs = 27;
		cn.ip_reg = 16;
		cn.sp_reg = 19;
	} else if (eh.e_machine == EM_AARCH64) {
		f->arch = PTSCOPE_ARCH_ARM64;
		cn.regs = 34;
		cn.ip_reg = 32;
		cn.sp_reg = 31;
	} else {
		snprintf(err, errlen,
			 "core file '%s' is of machine %s (ELF e_machine %u); ptscope reads"
			 " x86-64 and aarch64 cores",
			 path, machine_name(eh.e_machine), eh.e_machine);
		goto out;
	}
	/* The notes first (the kernel writes one PT_NOTE): the signal, the registers, the files. */
	for (i = 0; i < eh.e_phnum; i++) {
		unsigned char *d;

		if (!read_phdr(fd, &eh, i, &ph) || ph.p_type != PT_NOTE)
			continue;
		if (ph.p_filesz > NOTES_MAX) {
			snprintf(err, errlen,
				 "core file '%s': a note segment of %" PRIu64
				 " bytes, more than %u",
				 path, (uint64_t)ph.p_filesz, NOTES_MAX);
			goto out;
		}
		d = malloc(ph.p_filesz ? ph.p_filesz : 1);
		if (!d || pread(fd, d, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz) {
			free(d);
			continue;
		}
		/* The segment with the NT_FILE stays: its names are used below. */
		if (parse_notes(d, ph.p_filesz, &cn, f)) {
			free(cn.notes);
			cn.notes = d;
		} else {
			free(d);
		}
	}
	if (!cn.have_sig || !cn.have_regs) {
		snprintf(err, errlen, "core file '%s' has no %s note", path,
			 cn.have_sig ? "NT_PRSTATUS" : "NT_SIGINFO");
		goto out;
	}
	/* The mappings: PT_LOAD segments in address order, one per VMA. */
	for (i = 0; i < eh.e_phnum; i++) {
		if (!read_phdr(fd, &eh, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (f->addr >= ph.p_vaddr && f->addr < ph.p_vaddr + ph.p_memsz)
			fill_vma(&f->vma, &ph, cn.fm, cn.nfm, f->sp);
		else if (ph.p_vaddr + ph.p_memsz <= f->addr)
			fill_vma(&f->below, &ph, cn.fm, cn.nfm, f->sp);
		else if (!f->above.present)
			fill_vma(&f->above, &ph, cn.fm, cn.nfm, f->sp);
	}
	for (i = 0; i < cn.nfm; i++)
		if (f->ip >= cn.fm[i].start && f->ip < cn.fm[i].end)
			snprintf(f->exe, sizeof(f->exe), "%s", cn.fm[i].name);
	f->snapshot = 1;
	if (f->arch == PTSCOPE_ARCH_X86_64)
		f->trap = f->code == 0x80 ? 13 : 14;
	/* Sizes and the stack guard follow the core's kernel. */
	cli_machine_set(f->arch, cn.page_size ? (uint32_t)cn.page_size : 4096,
			f->arch == PTSCOPE_ARCH_ARM64 ? 48 : 47);
	/* No error code in a core: infer the access from where it was refused. */
	if (f->addr && f->addr == f->ip)
		f->error |= PTSCOPE_PF(INSTR);
	else if (f->code == 2 && f->vma.present && (f->vma.flags & PTSCOPE_VMA(READ)) &&
		 !(f->vma.flags & PTSCOPE_VMA(WRITE)))
		f->error |= PTSCOPE_PF(WRITE);
	if (f->code == 2 || f->code == 4)
		f->error |= PTSCOPE_PF(PROT);
	if (cpu) {
		cpu->arch = f->arch;
		cpu->nregs = cn.regs;
		memcpy(cpu->regs, cn.reg, sizeof(cpu->regs));
		read_code(fd, &eh, &cn, f->ip, cpu);
	}
	ret = 0;
out:
	free(cn.notes);
	cn.notes = NULL;
	return ret;
}

int cli_fault_from_core(const char *path, struct ptscope_fault *f, struct cli_core_cpu *cpu,
			char *err, size_t errlen)
{
	int fd, ret;

	memset(f, 0, sizeof(*f));
	if (cpu)
		memset(cpu, 0, sizeof(*cpu));
	fd = cli_core_open(path, err, errlen);
	if (fd < 0)
		return -1;
	ret = core_read(fd, path, f, cpu, err, errlen);
	close(fd);
	return ret;
}
