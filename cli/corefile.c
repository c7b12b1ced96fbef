// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Core files as they are kept: as the kernel wrote them, or compressed
 * whole by systemd-coredump (/var/lib/systemd/coredump/core.*.zst, .lz4,
 * .xz), which the magic bytes tell, not the name. A compressed core is
 * decompressed as a stream into an unlinked temporary file, which the ELF
 * reader (postmortem.c) then reads piecewise like any core: cores run to
 * gigabytes and are never held in memory.
 *
 * The decompressors are loaded with dlopen() when a core needs one, as
 * systemd itself loads them: ptscope neither links against them nor needs
 * them installed, and its arm64 cross build needs nothing more. Their few
 * prototypes are declared here, from their stable ABIs (zstd.h and
 * lz4frame.h of zstd 1.4 and lz4 1.8 on, liblzma 5's lzma/base.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli.h"
#include "corefile.h"

/* Input and output chunks: zstd's recommended sizes (128 KiB and one block). */
#define CHUNK (128U << 10)
/* Runs of zeros this long are left as holes, as the kernel leaves them in cores. */
#define HOLE 4096U

/* Where the decompressed core goes, and how much of it so far. */
struct sink {
	int fd;
	uint64_t size;
	/*
	 * Bytes that take disk space (runs of zeros are holes), and how many
	 * may: what the file system gives a non-root writer, less a margin, so
	 * that a crafted core never eats the blocks kept for root.
	 */
	uint64_t written, room, counted;
	const char *path; /* the compressed core, for messages */
	const char *codec;
	char *err;
	size_t errlen;
};

static bool all_zero(const unsigned char *p, size_t n)
{
	return !n || (!p[0] && !memcmp(p, p + 1, n - 1));
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Append @n bytes: 0, or -1 with the sink's error set. */
static int sink_put(struct sink *s, const unsigned char *p, size_t n)
{
	size_t done = 0;

	if (n > CLI_CORE_MAX - s->size) {
		snprintf(s->err, s->errlen,
			 "core file '%s' decompresses to more than %llu GiB; ptscope stops there",
			 s->path, CLI_CORE_MAX >> 30);
		return -1;
	}
	while (done < n) {
		bool zero = all_zero(p + done, n - done < HOLE ? n - done : HOLE);
		size_t run = 0;
		int ret = 0;

		/* A run of pieces all zero or all not, in one call. */
		while (done + run < n) {
			size_t len = n - done - run < HOLE ? n - done - run : HOLE;

			if (all_zero(p + done + run, len) != zero)
				break;
			run += len;
		}
		if (!zero && (s->written >= s->room || run > s->room - s->written)) {
			snprintf(s->err, s->errlen,
				 "core file '%s' decompresses to more data than the %llu MiB free"
				 " for it (TMPDIR names where; /var/tmp if unset)",
				 s->path, (unsigned long long)(s->room >> 20));
			return -1;
		}
		if (zero && lseek(s->fd, (off_t)run, SEEK_CUR) < 0)
			ret = -errno;
		else if (!zero)
			ret = write_all(s->fd, p + done, run);
		if (!zero && !ret)
			s->written += run;
		/*
		 * Holes are made in 4 KiB steps of each buffer, not of the file,
		 * and blocks may be larger: what the file system counts, every
		 * 4 MiB written, is what the bound holds against.
		 */
		if (!zero && !ret && s->written - s->counted >= (4U << 20)) {
			struct stat st;

			if (!fstat(s->fd, &st) && (uint64_t)st.st_blocks * 512 > s->written)
				s->written = (uint64_t)st.st_blocks * 512;
			s->counted = s->written;
		}
		if (ret) {
			snprintf(s->err, s->errlen,
				 "cannot write the decompressed core '%s' to a temporary file: %s"
				 " (TMPDIR names where; /var/tmp if unset)",
				 s->path, strerror(-ret));
			return -1;
		}
		done += run;
	}
	s->size += n;
	return 0;
}

/* The next bytes of @fd: their count, 0 at its end, -1 with the sink's error set. */
static ssize_t source_get(int fd, unsigned char *buf, struct sink *s)
{
	ssize_t n;

	do
		n = read(fd, buf, CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		snprintf(s->err, s->errlen, "cannot read core file '%s': %s", s->path,
			 strerror(errno));
	return n;
}

static int truncated(struct sink *s)
{
	snprintf(s->err, s->errlen,
		 "core file '%s' is cut short: its %s data ends mid-stream (after %" PRIu64
		 " bytes of core)",
		 s->path, s->codec, s->size);
	return -1;
}

static int corrupt(struct sink *s, const char *why)
{
	snprintf(s->err, s->errlen, "core file '%s': its %s data is corrupt (%s)", s->path,
		 s->codec, why);
	return -1;
}

/* ---- zstd (libzstd.so.1) ---- */

struct zstd_in {
	const void *src;
	size_t size, pos;
};

struct zstd_out {
	void *dst;
	size_t size, pos;
};

struct zstd_fns {
	void *(*create)(void);
	size_t (*init)(void *ds);
	size_t (*decompress)(void *ds, struct zstd_out *out, struct zstd_in *in);
	unsigned int (*is_error)(size_t code);
	const char *(*error_name)(size_t code);
	size_t (*release)(void *ds);
};

static const char *const zstd_names[] = {
	"ZSTD_createDStream", "ZSTD_initDStream",  "ZSTD_decompressStream",
	"ZSTD_isError",	      "ZSTD_getErrorName", "ZSTD_freeDStream",
};

static int zstd_run(const void *fns, int in, unsigned char *ib, unsigned char *ob, struct sink *s)
{
	const struct zstd_fns *z = fns;
	size_t left = 1; /* 0 once a frame is whole */
	void *ds = z->create();
	int ret = -1;
	ssize_t n;

	if (!ds || z->is_error(z->init(ds))) {
		snprintf(s->err, s->errlen,
			 "libzstd could not start decompressing (out of memory)");
		goto out;
	}
	while ((n = source_get(in, ib, s)) > 0) {
		struct zstd_in zi = { ib, (size_t)n, 0 };
		struct zstd_out zo;

		/* Until the input is used and the decoder's own buffers are empty. */
		do {
			zo = (struct zstd_out){ ob, CHUNK, 0 };
			left = z->decompress(ds, &zo, &zi);
			if (z->is_error(left)) {
				corrupt(s, z->error_name(left));
				goto out;
			}
			if (sink_put(s, ob, zo.pos))
				goto out;
		} while (zi.pos < zi.size || zo.pos == zo.size);
	}
	if (!n)
		ret = left ? truncated(s) : 0;
out:
	z->release(ds);
	return ret;
}

/* ---- lz4 frames (liblz4.so.1) ---- */

struct lz4_fns {
	size_t (*create)(void **dctx, unsigned int version);
	size_t (*decompress)(void *dctx, void *dst, size_t *dst_size, const void *src,
			     size_t *src_size, const void *options);
	size_t (*release)(void *dctx);
	unsigned int (*is_error)(size_t code);
	const char *(*error_name)(size_t code);
};

static const char *const lz4_names[] = {
	"LZ4F_createDecompressionContext",
	"LZ4F_decompress",
	"LZ4F_freeDecompressionContext",
	"LZ4F_isError",
	"LZ4F_getErrorName",
};

#define LZ4F_VERSION 100

static int lz4_run(const void *fns, int in, unsigned char *ib, unsigned char *ob, struct sink *s)
{
	const struct lz4_fns *z = fns;
	size_t hint = 1; /* 0 once a frame is whole */
	void *dctx = NULL;
	int ret = -1;
	ssize_t n;

	if (z->is_error(z->create(&dctx, LZ4F_VERSION))) {
		snprintf(s->err, s->errlen, "liblz4 could not start decompressing (out of memory)");
		return -1;
	}
	while ((n = source_get(in, ib, s)) > 0) {
		size_t pos = 0, dst, src;

		do {
			dst = CHUNK;
			src = (size_t)n - pos;
			hint = z->decompress(dctx, ob, &dst, ib + pos, &src, NULL);
			if (z->is_error(hint)) {
				corrupt(s, z->error_name(hint));
				goto out;
			}
			if (!src && !dst && pos < (size_t)n) {
				corrupt(s, "liblz4 made no progress");
				goto out;
			}
			pos += src;
			if (sink_put(s, ob, dst))
				goto out;
		} while (pos < (size_t)n || dst == CHUNK);
	}
	if (!n)
		ret = hint ? truncated(s) : 0;
out:
	z->release(dctx);
	return ret;
}

/* ---- xz (liblzma.so.5) ---- */

/* lzma_stream as liblzma 5 lays it out (lzma/base.h): all zeros is LZMA_STREAM_INIT. */
struct lzma_stream_abi {
	const uint8_t *next_in;
	size_t avail_in;
	uint64_t total_in;
	uint8_t *next_out;
	size_t avail_out;
	uint64_t total_out;
	const void *allocator;
	void *internal;
	void *reserved_ptr[4];
	uint64_t seek_pos, reserved_int2;
	size_t reserved_int3, reserved_int4;
	int reserved_enum1, reserved_enum2; /* lzma_reserved_enum */
};

enum {
	LZMA_OK = 0,
	LZMA_STREAM_END = 1,
	LZMA_MEM_ERROR = 5,
	LZMA_MEMLIMIT_ERROR = 6,
	LZMA_FORMAT_ERROR = 7,
	LZMA_OPTIONS_ERROR = 8,
	LZMA_DATA_ERROR = 9,
	LZMA_BUF_ERROR = 10,
};
#define LZMA_RUN 0
#define LZMA_FINISH 3
#define LZMA_CONCATENATED 0x08U

struct lzma_fns {
	int (*decoder)(struct lzma_stream_abi *strm, uint64_t memlimit, uint32_t flags);
	int (*code)(struct lzma_stream_abi *strm, int action);
	void (*end)(struct lzma_stream_abi *strm);
};

static const char *const lzma_names[] = {
	"lzma_stream_decoder",
	"lzma_code",
	"lzma_end",
};

static int lzma_run(const void *fns, int in, unsigned char *ib, unsigned char *ob, struct sink *s)
{
	const struct lzma_fns *z = fns;
	struct lzma_stream_abi st = { 0 };
	int action = LZMA_RUN, ret = -1, r;

	/* Concatenated streams, as xz(1) reads them; memory as much as the file needs. */
	/* xz's own limit on its dictionary and state: 1 GiB (xz -9 needs 65 MiB). */
	if (z->decoder(&st, 1ULL << 30, LZMA_CONCATENATED) != LZMA_OK) {
		snprintf(s->err, s->errlen,
			 "liblzma could not start decompressing (out of memory)");
		return -1;
	}
	for (;;) {
		if (!st.avail_in && action == LZMA_RUN) {
			ssize_t n = source_get(in, ib, s);

			if (n < 0)
				goto out;
			if (!n)
				action = LZMA_FINISH; /* the last streams' ends are checked */
			st.next_in = ib;
			st.avail_in = (size_t)n;
		}
		st.next_out = ob;
		st.avail_out = CHUNK;
		r = z->code(&st, action);
		if (sink_put(s, ob, CHUNK - st.avail_out))
			goto out;
		if (r == LZMA_STREAM_END)
			break;
		if (r == LZMA_BUF_ERROR) {
			truncated(s);
			goto out;
		}
		if (r != LZMA_OK) {
			corrupt(s, r == LZMA_DATA_ERROR	    ? "a damaged block" :
				   r == LZMA_FORMAT_ERROR   ? "not an .xz stream" :
				   r == LZMA_OPTIONS_ERROR  ? "options liblzma does not support" :
				   r == LZMA_MEM_ERROR	    ? "out of memory" :
				   r == LZMA_MEMLIMIT_ERROR ? "over the memory limit" :
							      "liblzma error");
			goto out;
		}
	}
	ret = 0;
out:
	z->end(&st);
	return ret;
}

/* ---- which one ---- */

struct codec {
	const char *name;
	unsigned char magic[6];
	size_t magic_len;
	const char *lib, *package;
	const char *const *names;
	size_t nnames;
	int (*run)(const void *fns, int in, unsigned char *ib, unsigned char *ob, struct sink *s);
};

#define NAMES(a) .names = a, .nnames = sizeof(a) / sizeof(a[0])
static const struct codec codecs[] = {
	{ .name = "zstd",
	  .magic = { 0x28, 0xb5, 0x2f, 0xfd },
	  .magic_len = 4,
	  .lib = "libzstd.so.1",
	  .package = "libzstd1",
	  NAMES(zstd_names),
	  .run = zstd_run },
	{ .name = "lz4",
	  .magic = { 0x04, 0x22, 0x4d, 0x18 },
	  .magic_len = 4,
	  .lib = "liblz4.so.1",
	  .package = "liblz4-1",
	  NAMES(lz4_names),
	  .run = lz4_run },
	{ .name = "xz",
	  .magic = { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 },
	  .magic_len = 6,
	  .lib = "liblzma.so.5",
	  .package = "liblzma5",
	  NAMES(lzma_names),
	  .run = lzma_run },
};

/* Large enough for any codec's functions. */
union codec_fns {
	struct zstd_fns zstd;
	struct lz4_fns lz4;
	struct lzma_fns lzma;
	void (*slot[8])(void);
};

_Static_assert(sizeof(zstd_names) / sizeof(zstd_names[0]) ==
			       sizeof(struct zstd_fns) / sizeof(void (*)(void)) &&
		       sizeof(lz4_names) / sizeof(lz4_names[0]) ==
			       sizeof(struct lz4_fns) / sizeof(void (*)(void)) &&
		       sizeof(lzma_names) / sizeof(lzma_names[0]) ==
			       sizeof(struct lzma_fns) / sizeof(void (*)(void)),
	       "one name per function");

/* The codec's library, its functions in @fns: the handle, or NULL with @err set. */
static void *load(const struct codec *c, union codec_fns *fns, const char *path, char *err,
		  size_t errlen)
{
	void *lib = dlopen(c->lib, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!lib) {
		snprintf(
			err, errlen,
			"core file '%s' is %s-compressed, and %s cannot be loaded (package %s): %s",
			path, c->name, c->lib, c->package, dlerror());
		return NULL;
	}
	for (i = 0; i < c->nnames; i++) {
		/* POSIX: a function pointer may be stored through a void *. */
		void *f = dlsym(lib, c->names[i]);

		if (!f) {
			snprintf(err, errlen, "%s has no %s (too old to read core file '%s')",
				 c->lib, c->names[i], path);
			dlclose(lib);
			return NULL;
		}
		memcpy(&fns->slot[i], &f, sizeof(f));
	}
	return lib;
}

/*
 * An unlinked file for the decompressed core: in $TMPDIR, else /var/tmp,
 * not /tmp, which is often memory (tmpfs) while cores run to gigabytes.
 * O_TMPFILE where the file system has it (never visible), else mkstemp()
 * and unlink() at once.
 */
static int temp_file(const char *path, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	char name[PATH_MAX];
	int fd;

	if (!dir || !*dir)
		dir = "/var/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (snprintf(name, sizeof(name), "%s/ptscope-core.XXXXXX", dir) >= (int)sizeof(name)) {
		errno = ENAMETOOLONG;
		fd = -1;
	} else {
		fd = mkostemp(name, O_CLOEXEC);
	}
	if (fd < 0) {
		snprintf(err, errlen,
			 "cannot make a temporary file in %s for the decompressed core '%s': %s"
			 " (TMPDIR names where)",
			 dir, path, strerror(errno));
		return -1;
	}
	unlink(name);
	return fd;
}

/* @in (at its start) decompressed by @c into a temporary file: its fd, or -1. */
static int decompress(const struct codec *c, int in, const char *path, char *err, size_t errlen)
{
	struct sink s = { .fd = -1, .path = path, .codec = c->name, .err = err, .errlen = errlen };
	unsigned char *ib = NULL, *ob = NULL;
	union codec_fns fns;
	void *lib;
	int ret = -1;

	lib = load(c, &fns, path, err, errlen);
	if (!lib)
		return -1;
	s.fd = temp_file(path, err, errlen);
	if (s.fd >= 0) {
		struct statvfs vfs;
		uint64_t avail;

		if (fstatvfs(s.fd, &vfs)) {
			snprintf(err, errlen,
				 "cannot see the free space for the decompressed core"
				 " '%s': %s",
				 path, strerror(errno));
			goto out;
		}
		avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
		/* Leave an eighth of it, and never less than 64 MiB, to the system. */
		s.room = avail - (avail / 8 > (64ULL << 20) ? avail / 8 : 64ULL << 20);
		if (avail < (64ULL << 20))
			s.room = 0;
	}
	ib = malloc(CHUNK);
	ob = malloc(CHUNK);
	if (s.fd < 0)
		goto out;
	if (!ib || !ob) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ret = c->run(&fns, in, ib, ob, &s);
	/* The holes left at the end count too. */
	if (!ret && ftruncate(s.fd, (off_t)s.size)) {
		snprintf(err, errlen, "cannot write the decompressed core '%s': %s", path,
			 strerror(errno));
		ret = -1;
	}
out:
	free(ib);
	free(ob);
	/* The library's messages were copied: it can go. */
	dlclose(lib);
	if (ret && s.fd >= 0) {
		close(s.fd);
		s.fd = -1;
	}
	return s.fd;
}

int cli_core_open(const char *path, char *err, size_t errlen)
{
	static const unsigned char gzip[2] = { 0x1f, 0x8b };
	unsigned char head[6] = { 0 };
	const char *why;
	ssize_t n;
	size_t i;
	int fd;

	/* Never waiting on a FIFO or poking a device a journal entry names. */
	fd = cli_open_regular(path, &why);
	if (fd < 0) {
		if (why)
			snprintf(err, errlen, "core file '%s' is %s", path, why);
		else
			snprintf(err, errlen, "cannot read core file '%s': %s", path,
				 strerror(errno));
		return -1;
	}
	n = pread(fd, head, sizeof(head), 0);
	for (i = 0; n > 0 && i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		const struct codec *c = &codecs[i];
		int out;

		if ((size_t)n < c->magic_len || memcmp(head, c->magic, c->magic_len))
			continue;
		out = decompress(c, fd, path, err, errlen);
		close(fd);
		return out;
	}
	if (n >= 2 && !memcmp(head, gzip, sizeof(gzip))) {
		snprintf(err, errlen,
			 "core file '%s' is gzip-compressed: ptscope reads zstd, lz4 and xz (as"
			 " systemd-coredump writes them); gunzip it first",
			 path);
		close(fd);
		return -1;
	}
	return fd;
}
