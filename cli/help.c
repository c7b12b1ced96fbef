// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Each command's own help: what 'ptscope help CMD' and 'ptscope CMD --help'
 * print after the usage line, namely the options it takes and examples
 * that work as written (the host tests run every example's syntax past
 * the parser). The summary of all commands is in main.c.
 */
#include <stddef.h>
#include <string.h>

#include "cli.h"

struct command_help {
	const char *name;
	const char *text;
};

static const struct command_help helps[] = {
	{ "info", "Options: -j, -p.\n"
		  "\nExamples:\n"
		  "  ptscope info\n"
		  "  ptscope -j info | jq .paging_levels\n" },
	{ "maps", "Each mapping with its pages present, swapped, huge, dirty, zero, pinned,\n"
		  "soft-dirty and copy-on-write counts, counted from the page tables.\n"
		  "Options: -j, -p.\n"
		  "\nExamples:\n"
		  "  ptscope maps self\n"
		  "  ptscope -j maps 1234 | jq '.vmas[] | select(.huge > 0)'\n" },
	{ "xlate", "ADDR: hex (0x...), decimal, or a mapping's name ([heap], [stack], libc,\n"
		   "a path), with +N for N bytes into it.\n"
		   "Options: -j, -p.\n"
		   "\nExamples:\n"
		   "  ptscope xlate self '[stack]'\n"
		   "  ptscope xlate 1234 0x7f0000001000\n"
		   "  ptscope -j xlate 1234 libc+0x1000 | jq .leaf\n" },
	{ "walk", "RANGE: ADDR, ADDR-END or ADDR+LEN, or a mapping's name; default: all.\n"
		  "Options:\n"
		  "  --pages         one record per page-table leaf instead of runs\n"
		  "  --present       only present pages\n"
		  "  --swapped       only swapped-out pages\n"
		  "  --huge          only pages mapped by PMD or PUD leaves\n"
		  "  --cow           only pages a write would copy or reuse\n"
		  "  -o, --output FILE  also save the records as a snapshot (for diff, map -i)\n"
		  "  -j, -p          JSON\n"
		  "\nExamples:\n"
		  "  ptscope walk self '[heap]'\n"
		  "  ptscope walk --pages --present 1234 0x7f0000000000+2M\n"
		  "  ptscope walk -o before.snap 1234\n" },
	{ "share", "Options:\n"
		   "  --all           every process the caller may inspect\n"
		   "  -j, -p          JSON\n"
		   "Frame numbers need CAP_SYS_ADMIN.\n"
		   "\nExamples:\n"
		   "  ptscope share 1234 1235\n"
		   "  ptscope share --all\n" },
	{ "diff", "A and B: snapshots saved with 'walk -o', or PIDs (walked now).\n"
		  "Options: -j, -p.\n"
		  "\nExamples:\n"
		  "  ptscope diff before.snap after.snap\n"
		  "  ptscope diff before.snap 1234 0x7f0000000000+2M\n" },
	{ "dma", "Pinned pages (FOLL_PIN: io_uring, RDMA, VFIO) and device mappings, with\n"
		 "their cache modes and the resources owning them.\n"
		 "Options: -j, -p.\n"
		 "\nExamples:\n"
		 "  ptscope dma 1234\n"
		 "  ptscope -j dma 1234 | jq '.device_mappings[]'\n" },
	{ "phys", "Options:\n"
		  "  --who           the processes (that the caller may inspect) mapping it\n"
		  "  -j, -p          JSON\n"
		  "Needs CAP_SYS_ADMIN.\n"
		  "\nExamples:\n"
		  "  ptscope phys 0x100000000\n"
		  "  ptscope phys pfn:0x3aff --who\n" },
	{ "iommu", "DEVICE: a PCI address (0000:00:03.0). An IOVA of a DMA domain is\n"
		   "translated only when the module was loaded with iommu_dma_lookup=1.\n"
		   "Options: -j, -p. Needs CAP_SYS_ADMIN.\n"
		   "\nExamples:\n"
		   "  ptscope iommu 0000:00:03.0\n"
		   "  ptscope iommu 0000:00:03.0 0xfff00000\n" },
	{ "map", "Options:\n"
		 "  --svg FILE      draw an SVG into FILE ('-': standard output); two PIDs\n"
		 "                  or snapshots are drawn side by side, shared frames joined\n"
		 "  -i, --input FILE  draw a snapshot saved by 'walk -o' (twice for a pair)\n"
		 "  --width N       terminal map width in columns (default 80)\n"
		 "  --color[=WHEN]  auto (default), always or never\n"
		 "  -j, -p          the counts the pictures are drawn from, as JSON\n"
		 "\nExamples:\n"
		 "  ptscope map self\n"
		 "  ptscope map 1234 --svg map.svg\n"
		 "  ptscope map -i parent.snap -i child.snap --svg pair.svg\n" },
	{ "check", "ASSERTION: a state every page must have (present, swapped, none, writable,\n"
		   "huge, thp, anon, cow-shared, any entry flag; '!' negates), or a count\n"
		   "('count(present)=4'). Exit status: 0 all hold, 1 one failed, 2 a usage or\n"
		   "runtime error.\n"
		   "Options:\n"
		   "  -f, --file FILE checks from FILE, one per line (TAP output)\n"
		   "  --format F      tap, json or plain\n"
		   "\nExamples:\n"
		   "  ptscope check self '[heap]' present writable '!swapped'\n"
		   "  ptscope check 1234 0x7f0000200000+2M huge level=PMD thp\n"
		   "  ptscope check -f checks.txt --format tap\n" },
	{ "faults", "Options:\n"
		    "  --follow        print records as they happen, until interrupted\n"
		    "                  (CAP_SYS_ADMIN)\n"
		    "  -j, -p          JSON\n"
		    "'faults clear' forgets every record (CAP_SYS_ADMIN).\n"
		    "\nExamples:\n"
		    "  ptscope faults\n"
		    "  ptscope faults --follow\n"
		    "  ptscope -j faults | jq '.faults[-1]'\n" },
	{ "explain", "Options:\n"
		     "  --fault ID      the fault record ID\n"
		     "  --last          the newest fault record\n"
		     "  --dmesg [FILE]  the segfault lines of a kernel log (stdin if no FILE);\n"
		     "                  works without the module\n"
		     "  --core FILE     the fault that made an ELF core file; without the module\n"
		     "  --access A      with PID ADDR: read (default), write or exec\n"
		     "  -j, -p          JSON\n"
		     "\nExamples:\n"
		     "  ptscope explain --last\n"
		     "  ptscope explain 1234 0x10 --access write\n"
		     "  dmesg | ptscope explain --dmesg\n" },
	{ "help", "\nExamples:\n"
		  "  ptscope help walk\n" },
};

const char *cli_command_help(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(helps[i].name, name))
			return helps[i].text;
	return NULL;
}
