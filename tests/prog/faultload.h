/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A load that faults, and a SIGSEGV handler that steps over it, as JVMs
 * do: one instruction per architecture, of a known length, so the handler
 * can move the saved program counter past it.
 */
#ifndef PTSCOPE_TESTS_FAULTLOAD_H
#define PTSCOPE_TESTS_FAULTLOAD_H

#include <ucontext.h>

#if defined(__x86_64__)
/* movb (%rdi), %al: 2 bytes. */
#define FAULTING_LOAD(p) __asm__ volatile("movb (%0), %%al" : : "D"(p) : "al", "memory")
static inline void step_over_load(void *uc)
{
	((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP] += 2;
}
#elif defined(__aarch64__)
/* ldrb w16, [Xn]: 4 bytes, as every A64 instruction. */
#define FAULTING_LOAD(p) __asm__ volatile("ldrb w16, [%0]" : : "r"(p) : "x16", "memory")
static inline void step_over_load(void *uc)
{
	((ucontext_t *)uc)->uc_mcontext.pc += 4;
}
#else
#error "tests/prog/faultload.h: no faulting load for this architecture"
#endif

#endif
