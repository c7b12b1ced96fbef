#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# gen-many.sh N: a snapshot of N mappings, as a process of guard pages and
# small arenas would have (runs of adjacent mappings with gaps between),
# with some pages present, swapped or COW-shared. For map's size bounds.
awk -v n="${1:-10000}" 'BEGIN {
	print "# ptscope snapshot 2"
	print "pid 10000 range 0x0 0x0"
	print "comm many"
	print "kernel 6.12.117+deb12-amd64"
	a = 0x7f0000000000
	for (i = 0; i < n; i++) {
		pages = 1 + i % 3
		guard = i % 2
		start[i] = a
		end[i] = a + pages * 4096
		flags[i] = guard ? "0x10000" : "0x10003"
		a = end[i] + (i % 5 == 4 ? 7 * 4096 : 0)
	}
	for (i = 0; i < n; i++)
		printf "vma 0x%x 0x%x %s anon\n", start[i], end[i], flags[i]
	for (i = 0; i < n; i++) {
		if (i % 2)
			continue
		if (i % 6 == 0)
			printf "0x%x 1 PTE present 0x%x 0x8000000000000867 0x67 writable anon 1 0x2\n", start[i], 0x10000 + i
		else if (i % 6 == 2)
			printf "0x%x 1 PTE swap - 0x7fffffffffbfe0a 0x80a unmapped - - 0x0\n", start[i]
		else
			printf "0x%x 1 PTE present 0x%x 0x8000000000000825 0x25 cow-shared anon 2 0x0\n", start[i], 0x20000 + i
	}
	print "# end"
}'
