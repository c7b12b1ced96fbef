// SPDX-License-Identifier: GPL-2.0-or-later
/* ELF files as explanations need them: which section holds a file offset. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

const char *cli_elf_section_of(const char *path, uint64_t off)
{
	static char out[80];
	Elf64_Ehdr eh;
	const char *why;
	Elf64_Shdr *sh = NULL;
	char *names = NULL;
	int fd, i;

	out[0] = '\0';
	/*
	 * The path comes from a record, a log or a core: whatever is there now
	 * may be a FIFO or a device put in place to hang or poke the reader
	 * (the recorder runs as root). Regular files only, never waiting.
	 */
	fd = path && *path == '/' ? cli_open_regular(path, &why) : -1;
	if (fd < 0)
		return out;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    !eh.e_shnum || eh.e_shnum > 4096 || eh.e_shstrndx >= eh.e_shnum)
		goto out;
	sh = calloc(eh.e_shnum, sizeof(*sh));
	if (!sh ||
	    pread(fd, sh, eh.e_shnum * sizeof(*sh), (off_t)eh.e_shoff) !=
		    (ssize_t)(eh.e_shnum * sizeof(*sh)) ||
	    sh[eh.e_shstrndx].sh_size > (1 << 20))
		goto out;
	names = calloc(1, sh[eh.e_shstrndx].sh_size + 1);
	if (!names ||
	    pread(fd, names, sh[eh.e_shstrndx].sh_size, (off_t)sh[eh.e_shstrndx].sh_offset) < 0)
		goto out;
	for (i = 0; i < eh.e_shnum; i++)
		if ((sh[i].sh_flags & SHF_ALLOC) && sh[i].sh_type != SHT_NOBITS &&
		    off >= sh[i].sh_offset && off < sh[i].sh_offset + sh[i].sh_size &&
		    sh[i].sh_name < sh[eh.e_shstrndx].sh_size) {
			snprintf(out, sizeof(out), ", in %s", names + sh[i].sh_name);
			break;
		}
out:
	free(names);
	free(sh);
	close(fd);
	return out;
}
