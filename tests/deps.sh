#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what building and testing ptscope needs, from Debian's packages
# (Debian 12, as root). Quick when everything is already there.
set -eu

pkgs=(
	build-essential pkg-config libnl-3-dev libnl-genl-3-dev
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	qemu-system-x86 busybox-static cpio kmod xz-utils zstd lz4
	jq util-linux libc-bin perl python3-jsonschema
	sparse cppcheck linux-source-6.12 valgrind mmdebstrap
	bc flex bison libelf-dev libssl-dev
	libxml2-utils librsvg2-bin fonts-dejavu-core
	clang libclang-rt-14-dev clang-format dkms binutils bash-completion procps
	debhelper dh-dkms dpkg-dev lintian
	# arm64: cross compiler (with its gcc-12 for the kernels' headers) and
	# QEMU's qemu-system-aarch64 (make ARCH=arm64, make check-arm64).
	gcc-aarch64-linux-gnu gcc-12-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: run as root (or install those packages) first" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# The kernels are for QEMU with our own initramfs: Debian's is never booted.
export INITRD=No
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
