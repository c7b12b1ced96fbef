// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CPU at a crash as its core keeps it: the general registers of the
 * faulting thread (NT_PRSTATUS) and the bytes at its instruction pointer,
 * what a fault record does not hold. Printed after the fault's explanation,
 * in text and in JSON ("registers", "instruction").
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "corefile.h"
#include "uapi/ptscope.h"

/* A register: its name, its place in pr_reg, and how it prints. */
struct reg {
	const char *name;
	unsigned char idx;
	unsigned char flags;
};

#define NARROW 1 /* a flags or segment register: no leading zeros */
#define EOL 2 /* the last of its line of text */

/*
 * x86-64's user_regs_struct (r15, r14, r13, r12, rbp, rbx, r11, r10, r9,
 * r8, rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss, fs_base,
 * gs_base, ds, es, fs, gs), printed in the order gdb and the kernel's oops
 * print them.
 */
static const struct reg x86_64_regs[] = {
	{ "rax", 10, 0 },     { "rbx", 5, 0 },	      { "rcx", 11, EOL },
	{ "rdx", 12, 0 },     { "rsi", 13, 0 },	      { "rdi", 14, EOL },
	{ "rbp", 4, 0 },      { "rsp", 19, 0 },	      { "r8", 9, EOL },
	{ "r9", 8, 0 },	      { "r10", 7, 0 },	      { "r11", 6, EOL },
	{ "r12", 3, 0 },      { "r13", 2, 0 },	      { "r14", 1, EOL },
	{ "r15", 0, 0 },      { "rip", 16, 0 },	      { "eflags", 18, NARROW | EOL },
	{ "cs", 17, NARROW }, { "ss", 20, NARROW },   { "ds", 23, NARROW },
	{ "es", 24, NARROW }, { "fs", 25, NARROW },   { "gs", 26, NARROW | EOL },
	{ "fs_base", 21, 0 }, { "gs_base", 22, EOL }, { "orig_rax", 15, EOL },
};

/* aarch64's user_pt_regs: x0..x30, sp, pc, pstate, three to a line. */
static const char *const aarch64_names[] = {
	"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",	 "x7",	"x8",  "x9",	 "x10", "x11",
	"x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",	 "x22", "x23",
	"x24", "x25", "x26", "x27", "x28", "x29", "x30", "sp",	"pc",  "pstate",
};

/* Register @i of @c's machine, in printing order; false past the last. */
static bool reg_at(const struct cli_core_cpu *c, size_t i, struct reg *r)
{
	if (c->arch != PTSCOPE_ARCH_ARM64) {
		if (i >= ARRAY_SIZE(x86_64_regs))
			return false;
		*r = x86_64_regs[i];
		return true;
	}
	if (i >= ARRAY_SIZE(aarch64_names))
		return false;
	r->name = aarch64_names[i];
	r->idx = (unsigned char)i;
	r->flags = i == 33 ? NARROW | EOL : i % 3 == 2 ? EOL : 0;
	return true;
}

static void print_registers(const struct cli_core_cpu *c)
{
	bool line_start = true;
	struct reg r;
	size_t i;

	cli_open_object("registers");
	cli_print_text("%-10s ", "registers");
	for (i = 0; reg_at(c, i, &r); i++) {
		if (r.idx >= c->nregs)
			continue;
		if (line_start && i)
			cli_print_text("\n%-10s ", "");
		cli_print_text("%s%-3s ", line_start ? "" : "  ", r.name);
		cli_print_hex(PRINT_ANY, r.name, r.flags & NARROW ? "0x%" PRIx64 : "0x%016" PRIx64,
			      c->regs[r.idx]);
		line_start = r.flags & EOL;
	}
	cli_print_text("\n");
	cli_close_object();
}

static void print_instruction(const struct cli_core_cpu *c)
{
	char bytes[3 * sizeof(c->code) + 1] = "";
	unsigned int i;

	for (i = 0; i < c->ncode; i++)
		snprintf(bytes + 3 * i, sizeof(bytes) - 3 * i, "%02x ", c->code[i]);
	if (c->ncode)
		bytes[3 * c->ncode - 1] = '\0'; /* the last space */
	cli_open_object("instruction");
	cli_print_hex(PRINT_ANY, "addr", "code       0x%" PRIx64 ":", c->code_addr);
	if (c->source == CLI_CODE_NONE) {
		cli_print_null(PRINT_JSON, "bytes", NULL);
		cli_print_null(PRINT_JSON, "source", NULL);
		cli_print_str(PRINT_ANY, "why", " not in the core; %s\n", c->why);
	} else {
		cli_print_str(PRINT_ANY, "bytes", " %s", bytes);
		/* arm64: the instruction as its manual writes it, a little-endian word. */
		if (c->arch == PTSCOPE_ARCH_ARM64 && c->ncode == 4)
			cli_print_hex(PRINT_ANY, "word", " (0x%08" PRIx64 ")",
				      (uint64_t)c->code[0] | (uint64_t)c->code[1] << 8 |
					      (uint64_t)c->code[2] << 16 |
					      (uint64_t)c->code[3] << 24);
		cli_member_str("source", c->source == CLI_CODE_CORE ? "core" : "file");
		if (c->source == CLI_CODE_CORE)
			cli_print_text(" (from the core)\n");
		else
			cli_print_text(" (from %s at offset 0x%" PRIx64
				       ", as mapped at the crash)\n",
				       c->file, c->file_off);
	}
	if (c->file[0])
		cli_member_str("file", c->file);
	else
		cli_print_null(PRINT_JSON, "file", NULL);
	if (c->source == CLI_CODE_FILE)
		cli_member_hex("offset", c->file_off);
	cli_close_object();
}

void cli_print_core_cpu(const struct cli_core_cpu *c)
{
	print_registers(c);
	print_instruction(c);
}
