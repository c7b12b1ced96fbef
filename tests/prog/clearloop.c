// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clearloop SECONDS: CLEAR_FAULTS and GET_INFO as fast as they go for
 * SECONDS, while tests/guest/46-fault-unload.sh loads and unloads the
 * module: whenever the family is gone, it is looked up again until it is
 * back. A request racing the module's init or exit must find the fault
 * ring either whole or not at all. Prints what it did (also when stopped
 * by SIGTERM); exits 0 when some clears got through, 1 when none did, 2 on
 * a usage error.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "libptscope.h"

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static int going(time_t end)
{
	return !stop && time(NULL) < end;
}

int main(int argc, char **argv)
{
	long clears = 0, refused = 0, opens = 0;
	struct ptscope_info info;
	struct ptscope *h;
	time_t end;

	if (argc != 2) {
		fprintf(stderr, "usage: clearloop SECONDS\n");
		return 2;
	}
	signal(SIGTERM, on_term);
	end = time(NULL) + atoi(argv[1]);
	while (going(end)) {
		if (ptscope_open(&h))
			continue; /* the module is not there (yet) */
		opens++;
		while (going(end)) {
			if (ptscope_faults_clear(h) || ptscope_get_info(h, &info)) {
				refused++; /* the family went away */
				break;
			}
			clears++;
		}
		ptscope_close(h);
	}
	printf("clearloop: %ld clears, %ld refused, %ld opens\n", clears, refused, opens);
	return clears ? 0 : 1;
}
