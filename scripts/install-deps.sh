#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, everything p2pdax builds and tests with on a
# fresh Debian 12 machine: the two target kernels (Debian 12's 6.1 and
# Debian 13's 6.12 from bookworm-backports) with their headers, QEMU, the
# guest userspace (busybox, daxctl, and the consumers: fio, nvme-cli,
# liburing, rdma-core's verbs with the soft-RoCE provider, iproute2's rdma)
# and the build tools. Installs only what
# is missing; does nothing when everything is there. Needs root.
#
# P2PDAX_NO_BACKPORTS=1 skips the 6.12 kernel.
set -eu

pkgs="build-essential kmod cpio gzip xz-utils pahole pciutils
      qemu-system-x86 busybox-static daxctl ndctl
      linux-image-amd64 linux-headers-amd64 linux-source-6.1 sparse
      flex bison bc libelf-dev libssl-dev
      fio nvme-cli liburing-dev libibverbs-dev ibverbs-providers ibverbs-utils
      iproute2"

missing() {
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: missing packages: $*; run as root to install them" >&2
		exit 1
	fi
}

export DEBIAN_FRONTEND=noninteractive
# The guest boots the kernel directly: no initramfs for the host to build.
export INITRD=No
updated=

apt_update() {
	[ -n "$updated" ] && return 0
	apt-get update -q >/dev/null
	updated=1
}

install_missing() {
	todo=$(missing "$@")
	[ -n "$todo" ] || return 0
	need_root $todo
	apt_update
	echo "install-deps: installing" $todo >&2
	apt-get install -y -q --no-install-recommends $todo >/dev/null
}

install_missing $pkgs

[ "${P2PDAX_NO_BACKPORTS:-0}" = 1 ] && exit 0

# The 6.12 kernel of Debian 13, as built for Debian 12 in bookworm-backports.
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	need_root bookworm-backports
	cat > /etc/apt/sources.list.d/p2pdax-bookworm-backports.sources <<'EOS'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	updated=
fi
bpo_kernel_pkgs() {
	v=$(apt-cache madison linux-image-amd64 |
	    awk -F'|' '/bookworm-backports/ { gsub(/ /, "", $2); print $2; exit }')
	[ -n "$v" ] || return 0
	for meta in linux-image-amd64 linux-headers-amd64; do
		apt-cache show "$meta=$v" |
			sed -n 's/^Depends: \([^ ,]*\).*/\1/p' | head -n 1
	done
}
bpo=$(bpo_kernel_pkgs)
if [ -z "$bpo" ]; then
	need_root backports
	apt_update
	bpo=$(bpo_kernel_pkgs)
fi
if [ -z "$bpo" ]; then
	echo "install-deps: bookworm-backports serves no linux-image-amd64: cannot install the 6.12 kernel" >&2
	exit 1
fi
install_missing $bpo
