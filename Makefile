# SPDX-License-Identifier: GPL-2.0
#
# ptscope: kernel module, library, CLI and their tests.
#
#   make                 module for the running kernel (or KVER=/KDIR=) + userspace
#   make KVER=6.12.117+deb12-amd64    module for installed headers of that kernel, or
#                        for a kernel of the matrix (KVER=7.2.13+deb14-amd64), whose
#                        headers and compiler are fetched once into a cached build root
#   make module RACE=1   test-only race build (windows held open; never install it)
#   make demo            install what is needed, boot the default guest, show ptscope
#                        (KVER=7.2.13+deb14-amd64 or any kernel of tests/vm/kernel-get list)
#   make check           install what is needed, host + guest tests on 6.1, 6.12, 7.2
#                        and 7.3-rc (kernels the host cannot install are cached)
#   make ARCH=arm64 KVER=6.1.0-57-arm64   cross-build module and userspace for arm64
#                        (build/arm64/; a Debian arm64 kernel of the matrix, default 6.12)
#   make check-arm64     the guest suite on Debian's arm64 6.1, 6.12, 6.12 16k and 7.2 kernels
#   make check-matrix    the whole guest suite on x86 6.1, 6.12 and 7.2 (make check
#                        runs 7.2's walker, COW and fault tests only, for time)
#   make bench           benchmarks against pagemap in guests of 6.1 and 6.12
#   make profile         perf profiles of the slow walks in a 6.12 guest (linux-perf)
#   make check-system    ptscope from its .debs on a real Debian 12 system (systemd,
#                        DKMS, coredumps, reboots) under QEMU, on 6.1 and 6.12
#                        (SYSTEM_KERNELS="6.1"; not part of make check: ~1 h)
#   make check-debug     the guest suite on a debug 6.12 kernel (KASAN, lockdep...;
#                        built once, ~10 min, cached in ~/.cache/ptscope)
#   make stress          10 minutes of stress per kernel, preempt=full
#                        (STRESS_SECONDS=, STRESS_KERNELS="6.1 6.12 debug")
#   make fuzz            libFuzzer targets for the library and CLI parsers (FUZZ_SECONDS=)
#   make lint            checkpatch --strict, sparse, W=1 on every kernel, cppcheck
#   make install         module, library, headers, ptscope.pc, CLI, man pages (DESTDIR=, PREFIX=, LIBDIR=)
#   make dkms-install    module sources to /usr/src/ptscope-VERSION for DKMS
#   make deb             Debian packages (dkms module, library, -dev, tools) in build/deb/
#
# Module objects are built in build/kmod/KVER/, a copy of the sources per
# kernel, so builds for several kernels never overwrite each other.

VERSION := $(shell sed -n 's/^\#define PTSCOPE_VERSION "\(.*\)"/\1/p' module/version.h)

# ARCH=arm64: cross-build everything on this x86_64 host. The module for a
# Debian arm64 kernel of the matrix (tests/vm/kernel-get list; default its
# 6.12), the userspace with Debian's aarch64-linux-gnu-gcc against the arm64
# libnl of the cached sysroot (tests/vm/kernel-get sysroot arm64), all in
# build/arm64/ so nothing collides with the native build.
ifeq ($(ARCH),arm64)
KVER ?= $(shell tests/vm/kernel-get kver 6.12-arm64)
endif

ifdef KDIR
KDIR_GIVEN := 1
KVER ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null || echo custom)
else
KVER ?= $(shell uname -r)
KDIR := /lib/modules/$(KVER)/build
endif

BUILD   := build
comma := ,
ifeq ($(ARCH),arm64)
BUILD   := build/arm64
CROSS_COMPILE ?= aarch64-linux-gnu-
CC      := $(CROSS_COMPILE)gcc
AR      := $(CROSS_COMPILE)ar
SYSROOT ?= $(or $(PTSCOPE_CACHE),$(HOME)/.cache/ptscope)/sysroots/bookworm-arm64
SYSROOT_STAMP := $(SYSROOT)/.ptscope-ready
# The sysroot's libraries link with others of theirs (rpath-link), and
# libptscope.so with its libnl when a program links with it alone.
SYSLIBS := $(SYSROOT)/usr/lib/aarch64-linux-gnu $(SYSROOT)/lib/aarch64-linux-gnu
LDFLAGS += $(addprefix -Wl$(comma)-rpath-link$(comma),$(SYSLIBS))
NL_CFLAGS := -I$(SYSROOT)/usr/include/libnl3
# Only libnl's directory: the sysroot's usr/lib holds a libc.so linker
# script naming absolute paths, which the cross compiler's own libc serves.
NL_LIBS   := -L$(SYSROOT)/lib/aarch64-linux-gnu -lnl-genl-3 -lnl-3
endif
# RACE=1: the test-only race build (module/compat.h), built apart from the real one.
ifdef RACE
KMODDIR := $(BUILD)/kmod-race/$(KVER)
KBUILD_RACE := PTSCOPE_RACE=y
else
KMODDIR := $(BUILD)/kmod/$(KVER)
KBUILD_RACE :=
endif
# A kernel outside the tested range (Kbuild names it) built anyway.
KBUILD_UNTESTED := $(if $(PTSCOPE_UNTESTED_KERNEL),PTSCOPE_UNTESTED_KERNEL=1)
# Kbuild compiles (and sparse checks) one file at a time unless told -j:
# every core, when no parent make already shares its job slots.
NPROC := $(shell nproc 2>/dev/null || echo 1)
KJOBS = $(if $(findstring jobserver,$(MAKEFLAGS))$(filter -j%,$(MAKEFLAGS)),,-j$(NPROC))
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
# systemd units: under the prefix (/usr/lib/systemd/system for packages).
UNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=

CC      ?= cc
ifneq ($(ARCH),arm64)
NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null || echo -I/usr/include/libnl3)
NL_LIBS   := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null || echo -lnl-genl-3 -lnl-3)
endif
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
CFLAGS  ?= -O2 -g
ifdef SANITIZE
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
# CFLAGS, CPPFLAGS and LDFLAGS from the environment (dpkg-buildflags'
# hardening in debian/rules) come on top of the project's warnings.
ALL_CFLAGS := $(CPPFLAGS) $(CFLAGS) $(WARN) -std=gnu11 -D_GNU_SOURCE -Imodule -Iuserlib $(NL_CFLAGS)

LIB_SRCS := userlib/nl.c userlib/info.c userlib/xlate.c userlib/walk.c userlib/tables.c userlib/maps.c userlib/phys.c userlib/faults.c userlib/error.c userlib/target.c userlib/procfs.c userlib/procfs_walk.c userlib/procfs_maps.c
CLI_SRCS := cli/main.c cli/common.c cli/sd.c cli/journal.c cli/help.c cli/utf8.c cli/args.c cli/parse.c cli/json.c cli/print.c cli/bits.c cli/machine.c cli/esr.c cli/cmd_info.c cli/cmd_xlate.c cli/cmd_walk.c cli/cmd_tables.c cli/cmd_maps.c cli/cmd_share.c cli/cmd_diff.c cli/snapshot.c cli/mappers.c cli/cmd_dma.c cli/cmd_phys.c cli/cmd_iommu.c cli/reason.c cli/elf.c cli/files.c cli/cmd_faults.c cli/cmd_explain.c cli/postmortem.c cli/corefile.c cli/corecpu.c cli/coredump.c cli/live.c cli/check_expr.c cli/check_run.c cli/cgroups.c cli/cmd_check.c \
	cli/map_model.c cli/map_by.c cli/map_text.c cli/map_svg.c cli/cmd_map.c
LIB_PIC  := $(LIB_SRCS:%.c=$(BUILD)/pic/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
HDRS     := $(wildcard module/*.h module/uapi/*.h userlib/*.h cli/*.h tests/host/*.h tests/prog/*.h)

SONAME  := libptscope.so.1
LIBSO   := $(BUILD)/$(SONAME)
LIBA    := $(BUILD)/libptscope.a
CLI     := $(BUILD)/ptscope
RECORDER := $(BUILD)/ptscope-recorder
# ptscope-recorder: its own main, the CLI's pieces from an archive (only those it uses).
REC_OBJS := $(BUILD)/obj/cli/recorder.o $(BUILD)/obj/cli/recorder_out.o
CLI_ARCHIVE := $(BUILD)/cli-parts.a

HOST_TESTS  := $(patsubst tests/host/%.c,$(BUILD)/tests/host/%,$(wildcard tests/host/*.c))
GUEST_PROGS := $(patsubst tests/prog/%.c,$(BUILD)/tests/prog/%,$(wildcard tests/prog/*.c))

.PHONY: all module userspace asan test-progs deps demo check check-arm64 check-matrix lint check-host check-guest bench profile \
	check-debug check-system stress fuzz install-user dkms-install deb \
	install uninstall clean help

all: module userspace

help:
	@sed -n '3,31p' Makefile | sed 's/^# \{0,1\}//'

# ---- kernel module ---------------------------------------------------------

# Kernels the host cannot install (5.10, 7.2, 7.3-rc: their suite's compiler)
# build inside that suite's root, prepared once by tests/vm/kernel-get.
module:
	@mkdir -p $(KMODDIR)/module/uapi
	@cp -p Kbuild $(KMODDIR)/
	@cp -p module/*.c module/*.h $(KMODDIR)/module/
	@cp -p module/uapi/*.h $(KMODDIR)/module/uapi/
	@if [ -e "$(KDIR)/Makefile" ]; then \
		$(MAKE) $(KJOBS) -C $(KDIR) M=$(abspath $(KMODDIR)) $(KBUILD_RACE) $(KBUILD_UNTESTED) $(KBUILD_ARGS) modules; \
	elif [ -z "$(KDIR_GIVEN)" ] && tests/vm/kernel-get kver $(KVER) > /dev/null 2>&1; then \
		tests/vm/kernel-get headers $(KVER) > /dev/null && \
		echo "ptscope: building for $(KVER) with tests/vm/kernel-get make (its build root, or a cross build)" && \
		tests/vm/kernel-get make $(KVER) $(abspath $(KMODDIR)) $(KJOBS) $(KBUILD_RACE) $(KBUILD_UNTESTED) $(KBUILD_ARGS) modules; \
	else \
		echo "ptscope: no kernel headers for $(KVER) at $(KDIR)" >&2; \
		echo "ptscope: install linux-headers-$(KVER), or build for installed headers with" \
		     "KVER=<version> (see /lib/modules) or KDIR=<kernel build dir>;" \
		     "kernels of the test matrix: tests/vm/kernel-get list" >&2; \
		exit 1; \
	fi
	@echo "ptscope: built $(KMODDIR)/ptscope.ko for $(KVER)"

# ---- userspace -------------------------------------------------------------

userspace: $(LIBSO) $(BUILD)/libptscope.so $(LIBA) $(CLI) $(RECORDER)

$(BUILD)/pic/%.o: %.c $(HDRS) | $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(BUILD)/obj/%.o: %.c $(HDRS) | $(SYSROOT_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBSO): $(LIB_PIC) userlib/libptscope.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=userlib/libptscope.map -o $@ $(LIB_PIC) $(NL_LIBS)

$(BUILD)/libptscope.so: $(LIBSO)
	ln -sf $(SONAME) $@

$(LIBA): $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# The CLI in the tree runs from the tree: it finds libptscope.so.1 beside
# itself ($ORIGIN). The installed one is linked again without that path
# (distributions refuse a RUNPATH), and finds the library where it went.
$(CLI): $(CLI_OBJS) $(LIBSO) $(BUILD)/libptscope.so
	$(CC) $(LDFLAGS) -Wl,-rpath,'$$ORIGIN' -o $@ $(CLI_OBJS) -L$(BUILD) -lptscope $(NL_LIBS)

$(BUILD)/installed/ptscope: $(CLI_OBJS) $(LIBSO) $(BUILD)/libptscope.so
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) -L$(BUILD) -lptscope $(NL_LIBS)

$(CLI_ARCHIVE): $(filter-out $(BUILD)/obj/cli/main.o,$(CLI_OBJS))
	rm -f $@
	$(AR) rcs $@ $^

$(RECORDER): $(REC_OBJS) $(CLI_ARCHIVE) $(LIBSO) $(BUILD)/libptscope.so
	$(CC) $(LDFLAGS) -Wl,-rpath,'$$ORIGIN' -o $@ $(REC_OBJS) $(CLI_ARCHIVE) -L$(BUILD) -lptscope $(NL_LIBS)

$(BUILD)/installed/ptscope-recorder: $(REC_OBJS) $(CLI_ARCHIVE) $(LIBSO) $(BUILD)/libptscope.so
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(REC_OBJS) $(CLI_ARCHIVE) -L$(BUILD) -lptscope $(NL_LIBS)

# The CLI linked with the static library, so a sanitizer build is one file.
$(BUILD)/ptscope-static: $(CLI_OBJS) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIBA) $(NL_LIBS)

# The arm64 userland the cross build links against, fetched once.
ifdef SYSROOT_STAMP
$(SYSROOT_STAMP):
	tests/vm/kernel-get sysroot arm64 > /dev/null
endif

# ---- tests -----------------------------------------------------------------

# ASan + UBSan + LeakSanitizer build of the CLI, run inside guests. The
# arm64 userland first: under -j, the sub-make would fetch it a second time.
asan: | $(SYSROOT_STAMP)
	$(MAKE) BUILD=$(BUILD)/asan SANITIZE=1 $(BUILD)/asan/ptscope-static

# Host unit tests reach the library's internals through the static archive.
CLI_PARSE_OBJS := $(BUILD)/obj/cli/args.o $(BUILD)/obj/cli/parse.o $(BUILD)/obj/cli/machine.o
$(BUILD)/tests/host/test_args: tests/host/test_args.c $(CLI_PARSE_OBJS) $(LIBA) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(CLI_PARSE_OBJS) $(LIBA) $(NL_LIBS)

CHECK_OBJS := $(BUILD)/obj/cli/check_expr.o $(BUILD)/obj/cli/cgroups.o $(BUILD)/obj/cli/parse.o $(BUILD)/obj/cli/machine.o
$(BUILD)/tests/host/test_check: tests/host/test_check.c $(CHECK_OBJS) $(LIBA) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(CHECK_OBJS) $(LIBA) $(NL_LIBS)

# The text printer against printf: the CLI's objects but main.
$(BUILD)/tests/host/test_print: tests/host/test_print.c $(CLI_ARCHIVE) $(LIBA) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(CLI_ARCHIVE) $(LIBA) $(NL_LIBS)

$(BUILD)/tests/host/%: tests/host/%.c $(LIBA) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(NL_LIBS)

$(BUILD)/tests/prog/%: tests/prog/%.c $(LIBA) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(NL_LIBS)

# The README's example, built as a user would (<ptscope/libptscope.h>,
# -lptscope) against this tree, for the guest test that runs it.
$(BUILD)/include/ptscope/libptscope.h: userlib/libptscope.h
	@mkdir -p $(dir $@)
	cp $< $@

$(BUILD)/tests/prog/resident: examples/resident.c $(BUILD)/include/ptscope/libptscope.h $(BUILD)/libptscope.so
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -I$(BUILD)/include $(LDFLAGS) -o $@ $< -L$(BUILD) -lptscope

test-progs: userspace asan $(HOST_TESTS) $(GUEST_PROGS) $(BUILD)/tests/prog/resident

deps:
	tests/deps.sh

# The README's two commands.
# make demo KVER=7.2.13+deb14-amd64 (or KVER=7.2): that kernel instead of 6.12.
DEMO_KVER := $(if $(filter command line environment,$(origin KVER)),--kver $(KVER))
# make demo ARCH=arm64: in an arm64 guest (Debian's arm64 6.12, or KVER=6.1).
DEMO_ARCH := $(if $(filter arm64,$(ARCH)),--arch arm64)
demo: deps
	tests/demo/demo $(DEMO_ARCH) $(DEMO_KVER)

check: deps
	tests/run

lint: deps
	tests/lint.sh

# Benchmarks against pagemap in the same guest (figures, not tests).
bench: deps
	tests/bench/run

# Where the walks spend their time: perf in a 6.12 guest (tests/bench/profile.sh).
profile: deps
	dpkg -s linux-perf > /dev/null 2>&1 || apt-get install -y -q --no-install-recommends linux-perf
	tests/vm/ptscope-vm --kver "$$(tests/vm/kernels 6.12)" --perf --mem 4G --timeout 1800 \
		--out build/profile tests/bench/profile.sh | sed -n 's/^# //p'

# The guest suite on Debian's arm64 kernels (6.1, 6.12, 6.12 with 16 KiB
# pages) under qemu-system-aarch64, ptscope cross-built.
check-arm64: deps
	tests/run --arm64-only

check-matrix: deps
	tests/run --matrix

check-debug: deps
	tests/run --debug-only

# ptscope installed from its Debian packages on a whole Debian 12 system
# (tests/system/run: systemd, DKMS at dpkg -i, coredumps, reboots).
SYSTEM_KERNELS ?= 6.1 6.12
check-system:
	tests/system/run $(SYSTEM_KERNELS)

STRESS_SECONDS ?= 600
stress: deps
	tests/stress $(STRESS_SECONDS)

FUZZ_SECONDS ?= 300
fuzz: deps
	tests/fuzz/run $(FUZZ_SECONDS)

check-host: userspace test-progs
	tests/run --host-only

check-guest: deps
	tests/run --guest-only

# ---- install ---------------------------------------------------------------

$(BUILD)/ptscope.pc: userlib/ptscope.pc.in module/version.h
	@mkdir -p $(BUILD)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(VERSION)|' $< > $@

.PHONY: $(BUILD)/ptscope.pc	# PREFIX and LIBDIR may differ between runs

install: all install-user
	install -D -m 0644 $(KMODDIR)/ptscope.ko \
		$(DESTDIR)/lib/modules/$(KVER)/updates/ptscope.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)

# Everything but the module (the Debian packages take the module from DKMS).
install-user: userspace $(BUILD)/ptscope.pc $(BUILD)/installed/ptscope $(BUILD)/installed/ptscope-recorder
	install -D -m 0755 $(LIBSO) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libptscope.so
	install -D -m 0644 $(LIBA) $(DESTDIR)$(LIBDIR)/libptscope.a
	install -D -m 0644 $(BUILD)/ptscope.pc $(DESTDIR)$(LIBDIR)/pkgconfig/ptscope.pc
	install -D -m 0644 userlib/libptscope.h $(DESTDIR)$(PREFIX)/include/ptscope/libptscope.h
	install -D -m 0644 module/uapi/ptscope.h $(DESTDIR)$(PREFIX)/include/ptscope/uapi/ptscope.h
	install -D -m 0755 $(BUILD)/installed/ptscope $(DESTDIR)$(PREFIX)/sbin/ptscope
	install -D -m 0755 $(BUILD)/installed/ptscope-recorder $(DESTDIR)$(PREFIX)/sbin/ptscope-recorder
	install -D -m 0644 cli/ptscope-recorder.service \
		$(DESTDIR)$(UNITDIR)/ptscope-recorder.service
	install -D -m 0644 doc/ptscope.8 $(DESTDIR)$(PREFIX)/share/man/man8/ptscope.8
	install -D -m 0644 doc/ptscope-recorder.8 $(DESTDIR)$(PREFIX)/share/man/man8/ptscope-recorder.8
	install -D -m 0644 doc/libptscope.3 $(DESTDIR)$(PREFIX)/share/man/man3/libptscope.3
	install -D -m 0644 completion/ptscope.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ptscope
	[ -n "$(DESTDIR)" ] || ldconfig

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/updates/ptscope.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	rm -f $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libptscope.so \
		$(DESTDIR)$(LIBDIR)/libptscope.a $(DESTDIR)$(LIBDIR)/pkgconfig/ptscope.pc \
		$(DESTDIR)$(PREFIX)/sbin/ptscope $(DESTDIR)$(PREFIX)/sbin/ptscope-recorder \
		$(DESTDIR)$(UNITDIR)/ptscope-recorder.service \
		$(DESTDIR)$(PREFIX)/share/man/man8/ptscope.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/ptscope-recorder.8 \
		$(DESTDIR)$(PREFIX)/share/man/man3/libptscope.3 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/ptscope
	rm -rf $(DESTDIR)$(PREFIX)/include/ptscope

# The module's sources where DKMS looks for them: then
# dkms add -m ptscope -v $(VERSION); dkms install -m ptscope -v $(VERSION) -k KVER
# dkms.conf leaves the version to whoever installs it (#MODULE_VERSION#,
# as dh_dkms -V does for the package): module/version.h's.
DKMS_SRC = $(DESTDIR)/usr/src/ptscope-$(VERSION)
dkms-install:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/module/uapi
	install -m 0644 Kbuild $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf
	chmod 0644 $(DKMS_SRC)/dkms.conf
	install -m 0644 module/*.c module/*.h $(DKMS_SRC)/module/
	install -m 0644 module/uapi/*.h $(DKMS_SRC)/module/uapi/

# Debian packages for this machine's architecture (debian/), in build/deb/,
# their dbgsym packages in build/deb/dbgsym/. dpkg-buildpackage cleans the
# tree it builds in and writes beside it, so it works on a copy of the
# sources in build/deb/src/ (without build/ and .git) and leaves this
# tree's build/ alone.
DEB_SRC = $(BUILD)/deb/src/ptscope-$(VERSION)
deb:
	rm -rf $(BUILD)/deb
	mkdir -p $(DEB_SRC) $(BUILD)/deb/dbgsym
	tar -c --exclude=./$(BUILD) --exclude=./.git . | tar -x -C $(DEB_SRC)
	cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b -jauto
	mv $(BUILD)/deb/src/*-dbgsym_*.deb $(BUILD)/deb/dbgsym/
	mv $(BUILD)/deb/src/*.deb $(BUILD)/deb/

clean:
	rm -rf $(BUILD)
