// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the CLI's parsers of what users hand it. The first
 * byte picks one:
 *   - a kernel log line ("segfault at ...", "general protection fault ...")
 *     as explain --dmesg reads it;
 *   - an ELF core file as explain --core reads it (and the ELF section
 *     lookup it names code with), written to a memfd: plain, or zstd, lz4
 *     or xz as systemd-coredump compresses them (decompressed through the
 *     libraries on the host, when installed);
 *   - a check line (PID, RANGE or place, assertions), split into words as
 *     check -f splits a file;
 *   - (first byte 'M') a snapshot file as map -i and diff read it, drawn
 *     as map draws it: the terminal map, the SVG, and the SVG of the pair
 *     it makes with itself (every frame shared).
 * A malformed core must be refused with a message, never read out of
 * bounds (ASan) or trusted for sizes (UBSan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "corefile.h"
#include "libptscope.h"
#include "map.h"

static void fuzz_core(const uint8_t *data, size_t size)
{
	static struct cli_core_cpu cpu;
	struct ptscope_fault f;
	char path[64], err[256];
	int fd = memfd_create("core", 0);

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (cli_fault_from_core(path, &f, &cpu, err, sizeof(err)) && !err[0])
			abort(); /* refused without saying why */
		(void)cli_elf_section_of(path, size > 8 ? data[size - 1] * 64ULL : 0);
	}
	close(fd);
}

static void fuzz_check(const uint8_t *data, size_t size)
{
	char *line = strndup((const char *)data, size), *argv[64], *save = NULL, *w;
	struct check_expr e;
	char err[256];
	int argc = 0;

	if (!line)
		return;
	for (w = strtok_r(line, " \t\n", &save); w && argc < 64; w = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = w;
	memset(&e, 0, sizeof(e));
	if (argc >= 2) { /* "PID RANGE|PLACE ASSERTION...", as check -f reads */
		struct cli_place where;
		uint64_t start, end;
		uint32_t pid;

		(void)cli_parse_pid(argv[0], &pid, err, sizeof(err));
		if (!cli_parse_place(argv[1], &where))
			(void)cli_parse_range(argv[1], &start, &end, err, sizeof(err));
	}
	(void)cli_check_parse(argc, argv, &e, err, sizeof(err));
	free(line);
}

static void fuzz_map(const uint8_t *data, size_t size)
{
	struct map_text_options to = { 80, true };
	struct snapshot snap;
	struct map_view v;
	char path[64], err[512];
	int fd = memfd_create("snapshot", 0);
	FILE *null = fopen("/dev/null", "w");

	if (fd < 0 || !null)
		goto out;
	if (write(fd, data, size) != (ssize_t)size)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (cli_snapshot_load(path, &snap, err, sizeof(err))) {
		if (!err[0])
			abort(); /* refused without saying why */
		goto out;
	}
	if (!cli_map_view_init(&v, &snap)) {
		(void)cli_map_text(null, &v, &to, err, sizeof(err));
		(void)cli_map_svg(null, &v, NULL);
		(void)cli_map_svg(null, &v, &v);
		cli_map_view_free(&v);
	}
	cli_snapshot_free(&snap);
out:
	if (null)
		fclose(null);
	if (fd >= 0)
		close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ptscope_fault f;
	char *line;

	if (size < 1)
		return 0;
	if (data[0] == 'M') {
		fuzz_map(data + 1, size - 1);
		return 0;
	}
	switch (data[0] % 3) {
	case 0:
		line = strndup((const char *)data + 1, size - 1);
		if (line)
			(void)cli_fault_from_log_line(line, &f);
		free(line);
		break;
	case 1:
		fuzz_core(data + 1, size - 1);
		break;
	default:
		fuzz_check(data + 1, size - 1);
		break;
	}
	return 0;
}
