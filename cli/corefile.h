/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Core files: opened whatever systemd-coredump compressed them with
 * (corefile.c), the CPU state they keep printed (corecpu.c), and the
 * crashes systemd-coredump logged, found in the journal (coredump.c).
 */
#ifndef PTSCOPE_CLI_COREFILE_H
#define PTSCOPE_CLI_COREFILE_H

#include <stddef.h>
#include <stdint.h>

struct cli_args;

/* Decompressed cores larger than this are refused (the temporary file's size). */
#define CLI_CORE_MAX (64ULL << 30)

/*
 * Core file @path for reading: the file itself, or, when its magic bytes
 * say zstd, lz4 or xz, an unlinked temporary file in $TMPDIR (else
 * /var/tmp) holding it decompressed. The descriptor (the caller closes
 * it), or -1 with @err naming @path.
 */
int cli_core_open(const char *path, char *err, size_t errlen);

/* Where the bytes at the instruction pointer came from. */
enum cli_code_source {
	CLI_CODE_NONE, /* neither the core nor a readable mapped file: @why says */
	CLI_CODE_CORE, /* the core's load segment holding the ip */
	CLI_CODE_FILE, /* the file NT_FILE says was mapped at the ip, at @file_off */
};

/* The CPU at the crash, as a core keeps it (cli_fault_from_core()). */
struct cli_core_cpu {
	uint32_t arch; /* PTSCOPE_ARCH_*: which registers @regs are */
	unsigned int nregs; /* 27 (x86-64 user_regs_struct), 34 (aarch64 user_pt_regs) */
	uint64_t regs[34]; /* NT_PRSTATUS's pr_reg, in the kernel's order */
	uint64_t code_addr; /* the ip */
	unsigned char code[16]; /* 16 bytes on x86-64, one instruction word on aarch64 */
	unsigned int ncode; /* bytes found (fewer at a mapping's end); 0: none */
	enum cli_code_source source;
	uint64_t file_off; /* CLI_CODE_FILE: the offset in @file */
	char file[4096]; /* the file mapped at the ip (NT_FILE), "" if none */
	char why[256]; /* CLI_CODE_NONE: why not */
};

/*
 * "registers" and "instruction" as members of the open object, or their
 * lines of text, after the fault's.
 */
void cli_print_core_cpu(const struct cli_core_cpu *c);

/* explain --coredump PID|MATCH...: systemd-coredump's newest matching crash. */
int cli_explain_coredump(const struct cli_args *a);

#endif
