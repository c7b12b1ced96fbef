// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resident PID: how much of each mapping of a process is in RAM, swapped
 * out or in huge pages, from its page tables. The libptscope example of the
 * README and libptscope(3); build it with
 *   cc resident.c $(pkg-config --cflags --libs ptscope) -o resident
 */
#include <stdio.h>
#include <stdlib.h>
#include <ptscope/libptscope.h>

static int print_vma(const struct ptscope_vma *v, void *arg)
{
	(void)arg;
	printf("%012llx-%012llx %6llu present %6llu swapped %6llu huge  %s\n",
	       (unsigned long long)v->start, (unsigned long long)v->end,
	       (unsigned long long)v->present, (unsigned long long)v->swapped,
	       (unsigned long long)v->huge, v->name ? v->name : "");
	return 0;
}

int main(int argc, char **argv)
{
	struct ptscope *h;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: resident PID\n");
		return 2;
	}
	if (ptscope_open(&h)) {
		fprintf(stderr, "resident: %s\n", ptscope_errmsg());
		return 1;
	}
	ret = ptscope_maps(h, (uint32_t)strtoul(argv[1], NULL, 10), print_vma, NULL);
	if (ret)
		fprintf(stderr, "resident: %s\n", ptscope_errmsg());
	ptscope_close(h);
	return ret ? 1 : 0;
}
