// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The text printer writes what printf would, byte for byte: each format the
 * printers use (and the edges: widths from '*', negative numbers, zero
 * padding, 64-bit extremes, long strings past its buffer) through
 * cli_print_text() against vsnprintf().
 */
#include "../../cli/cli.h"
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <wchar.h>

#include "tap.h"

static FILE *capture;
static const char *volatile nothing; /* NULL, out of the compiler's sight */

static void same(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* What cli_print_text(fmt, ...) wrote to stdout, and what printf would. */
static void same(const char *name, const char *fmt, ...)
{
	static char want[8192], got[8192];
	va_list ap, copy;
	int saved;
	size_t n;

	va_start(ap, fmt);
	va_copy(copy, ap);
	vsnprintf(want, sizeof(want), fmt, copy);
	va_end(copy);

	fflush(stdout);
	saved = dup(1);
	rewind(capture);
	if (ftruncate(fileno(capture), 0) || dup2(fileno(capture), 1) < 0) {
		ok(0, "redirect stdout");
		exit(1);
	}
	/* cli_print_text() takes varargs: go through the value printer's twin. */
	cli_print_vtext(fmt, ap);
	va_end(ap);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(capture);
	n = fread(got, 1, sizeof(got) - 1, capture);
	got[n] = '\0';
	is_str(got, want, name);
}

int main(void)
{
	static char longer[3000];

	capture = tmpfile();
	if (!capture)
		return 1;
	memset(longer, 'x', sizeof(longer) - 1);

	same("literal", "ADDRESS PAGES\n");
	same("percent", "100%% of %s\n", "it");
	same("%s", "[%s]", "heap");
	same("NULL %s", "[%s]", nothing);
	same("%-18s", "%-18s|", "ADDRESS");
	same("%6s", "%6s|", "ab");
	same("%-*s", "%-*s|", 12, "WB");
	same("%*s", "%*s|", 7, "x");
	same("%-*s negative", "%*s|", -7, "x");
	same("width below the length", "%3s|", "abcdef");
	same("%c", "%c%c%-3c|", 'a', 'b', 'c');
	same("%d", "%d %d %5d %-5d| %05d", 0, -1, 42, -42, -42);
	same("%i", "%i", 2147483647);
	same("int min", "%d", (int)-2147483647 - 1);
	same("%u %x", "%u %x %8x %-8x| %08x", 4000000000U, 0xdeadbeefU, 0xabU, 0xabU, 0xabU);
	same("0x%016" PRIx64, "0x%016" PRIx64 " ", (uint64_t)0x7f0000200000);
	same("%8" PRIu64, "%8" PRIu64 "  ", (uint64_t)262144);
	same("u64 max", "%" PRIu64 " %" PRIx64, UINT64_MAX, UINT64_MAX);
	same("i64 min", "%" PRId64 " %lld", INT64_MIN, (long long)INT64_MIN);
	same("%zu %zd", "%zu %zd %6zu|", (size_t)123456, (ssize_t)-5, (size_t)7);
	same("%-10" PRIx64, " 0x%-10" PRIx64 "|", (uint64_t)0x1234);
	same("long string", "%s!", longer);
	same("long string, padded", "%-3100s!", "y");
	/* Formats the fast path leaves to vprintf. */
	same("precision", "%.3s|%.*s|", "abcdef", 2, "xyz");
	same("%X and #", "%X %#x", 0xabcU, 0x10U);
	same("%hu", "%hu", 65537);
	same("%ls", "%ls|%lc|", L"wide", (wint_t)L'w');
	same("a six-digit width", "%100000s|", "x");
	same("past the buffer, then a precision", "%s|%.2s|", longer, "abc");
	same("a precision, then past the buffer", "%.2s|%s|", "abc", longer);
	same("%5s %-5s", "%5s|%-5s|", "a", "b");
	fclose(capture);
	return done_testing();
}
