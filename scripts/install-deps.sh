#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, everything p2pdax builds and tests with on a
# fresh Debian 12 machine: the target kernels (Debian 12's 6.1 and
# Debian 13's 6.12 from bookworm-backports) with their headers and sources, QEMU, the
# guest userspace (busybox, daxctl, and the consumers: fio, nvme-cli,
# liburing, rdma-core's verbs with the soft-RoCE provider, iproute2's rdma)
# and the build tools. Installs only what
# is missing; does nothing when everything is there. Needs root.
#
# The third target kernel, Debian's 7.3 from trixie-backports, is not
# installed into this system: its headers need Debian 13's compiler (gcc-14;
# Debian 12's gcc-12 cannot build against them). Instead, and again only
# what is missing:
#   $P2PDAX_TRIXIE (default /var/lib/p2pdax/trixie): a minimal Debian 13
#     root made with mmdebstrap (installed here if missing), holding gcc-14,
#     make, kmod and the kernel's headers; the top-level Makefile builds the
#     modules for that kernel inside it (scripts/sysroot-run.sh). Its debs/
#     keeps the kernel's image, modules and source packages.
#   $P2PDAX_KERNELS/KVER (default /var/lib/p2pdax/kernels/KVER): the kernel
#     to boot, boot/vmlinuz-KVER and boot/config-KVER, and its modules in
#     lib/modules/KVER/, decompressed and indexed with depmod -b, as the
#     test harness (tests/qemu/) and modinfo -b / depmod -b want them.
#   $P2PDAX_SRC/linux-source-MAJOR.MINOR.tar.xz (default /var/lib/p2pdax/src):
#     that kernel's source, as linux-source-6.1 puts it in /usr/src.
#
# P2PDAX_NO_BACKPORTS=1 skips the 6.12 kernel; P2PDAX_NO_TRIXIE=1 skips the
# 7.3 kernel and its Debian 13 root.
set -eu

# The kernel release of Debian's 7.3 kernel; its package names and the
# source package (linux-source-7.3) follow from it.
TRIXIE_KVER=7.3.4+deb13-amd64

pkgs="build-essential kmod cpio gzip xz-utils pahole pciutils
      qemu-system-x86 busybox-static daxctl ndctl
      linux-image-amd64 linux-headers-amd64 linux-source-6.1 sparse
      flex bison bc libelf-dev libssl-dev git
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
		echo "install-deps: missing: $*; run as root to install them" >&2
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

# The 6.12 kernel of Debian 13, as built for Debian 12 in bookworm-backports.
bpo_kernel_pkgs() {
	v=$(apt-cache madison linux-image-amd64 |
	    awk -F'|' '/bookworm-backports/ { gsub(/ /, "", $2); print $2; exit }')
	[ -n "$v" ] || return 0
	for meta in linux-image-amd64 linux-headers-amd64; do
		apt-cache show "$meta=$v" |
			sed -n 's/^Depends: \([^ ,]*\).*/\1/p' | head -n 1
	done
}

backports_kernel() {
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
	# Its source, for make intree-check (/usr/src/linux-source-6.12.tar.xz).
	install_missing $bpo linux-source-6.12
}

# ---------------------------------------------------------------- 7.3

# Where the Debian 13 root, the extracted kernel and the source go.
trixie=${P2PDAX_TRIXIE:-/var/lib/p2pdax/trixie}
kernels=${P2PDAX_KERNELS:-/var/lib/p2pdax/kernels}
srcdir=${P2PDAX_SRC:-/var/lib/p2pdax/src}
# 7.3.4+deb13-amd64 -> linux-source-7.3
trixie_src=linux-source-$(echo "$TRIXIE_KVER" | cut -d. -f1-2)

# deb NAME: the one .deb of package NAME that the root's debs/ holds.
deb() {
	set -- "$trixie"/debs/"$1"_*.deb
	[ $# = 1 ] && [ -f "$1" ] || return 1
	echo "$1"
}

# newer A B: file A exists and was modified after file B (test -nt is not
# POSIX).
newer() {
	[ -e "$1" ] && [ -e "$2" ] && [ -n "$(find "$1" -prune -newer "$2")" ]
}

# remove_tree DIR: rm -rf that stays on DIR's file system, so that a mount
# left inside a chroot (there should be none) is never followed.
remove_tree() {
	[ ! -e "$1" ] || rm -rf --one-file-system "$1"
}

# The Debian 13 root, complete when it holds the kernel's headers and the
# three packages: built anew otherwise (in DIR.tmp, renamed when done), e.g.
# after TRIXIE_KVER changed. Its trixie-backports source is where Debian's
# 7.3 kernel is published.
trixie_root() {
	if [ -r "$trixie/usr/src/linux-headers-$TRIXIE_KVER/Module.symvers" ] &&
	   deb "linux-binary-$TRIXIE_KVER" >/dev/null && deb "linux-modules-$TRIXIE_KVER" >/dev/null &&
	   deb "$trixie_src" >/dev/null; then
		return 0
	fi
	need_root "a Debian 13 root in $trixie"
	install_missing mmdebstrap
	echo "install-deps: building a Debian 13 root for $TRIXIE_KVER in $trixie" >&2
	mkdir -p "$(dirname "$trixie")"
	remove_tree "$trixie.tmp"
	if ! mmdebstrap --quiet --variant=minbase \
		--include="gcc-14,make,libc6-dev,kmod,linux-headers-$TRIXIE_KVER,xz-utils" \
		--customize-hook='mkdir -p "$1/debs" && chroot "$1" sh -c "cd /debs && apt-get download '"linux-binary-$TRIXIE_KVER linux-modules-$TRIXIE_KVER $trixie_src"'"' \
		trixie "$trixie.tmp" \
		"deb http://deb.debian.org/debian trixie main" \
		"deb http://deb.debian.org/debian trixie-backports main" >&2; then
		remove_tree "$trixie.tmp"
		echo "install-deps: mmdebstrap could not build the Debian 13 root (see above)" >&2
		exit 1
	fi
	remove_tree "$trixie.old"
	[ ! -e "$trixie" ] || mv "$trixie" "$trixie.old"
	mv "$trixie.tmp" "$trixie"
	remove_tree "$trixie.old"
}

# The kernel to boot, from the root's packages: ROOT/boot/vmlinuz-KVER and
# ROOT/lib/modules/KVER/, laid out like this system's own kernels. The
# modules are decompressed, as Debian 12's 6.1 ships them, so that busybox's
# modprobe and insmod (the guest's) can load them as well as kmod's;
# modules.order and modules.builtin* come from linux-base-KVER, which the
# headers pulled into the Debian 13 root.
trixie_kernel() {
	root=$kernels/$TRIXIE_KVER
	# depmod's index, written last, is newer than the packages it came from.
	[ -r "$root/boot/vmlinuz-$TRIXIE_KVER" ] &&
		newer "$root/lib/modules/$TRIXIE_KVER/modules.dep.bin" "$(deb "linux-modules-$TRIXIE_KVER")" &&
		return 0
	need_root "the $TRIXIE_KVER kernel in $root"
	echo "install-deps: extracting the $TRIXIE_KVER kernel and modules into $root" >&2
	tmp=$root.tmp
	remove_tree "$tmp"
	mkdir -p "$tmp/deb" "$tmp/boot" "$tmp/lib/modules"
	dpkg-deb -x "$(deb "linux-binary-$TRIXIE_KVER")" "$tmp/deb"
	dpkg-deb -x "$(deb "linux-modules-$TRIXIE_KVER")" "$tmp/deb"
	mv "$tmp/deb/usr/lib/modules/$TRIXIE_KVER/vmlinuz" "$tmp/boot/vmlinuz-$TRIXIE_KVER"
	mv "$tmp/deb/usr/lib/modules/$TRIXIE_KVER" "$tmp/lib/modules/"
	remove_tree "$tmp/deb"
	moddir=$tmp/lib/modules/$TRIXIE_KVER
	base=$trixie/usr/lib/modules/$TRIXIE_KVER
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -r "$base/$f" ] || { echo "install-deps: $base/$f missing: is linux-base-$TRIXIE_KVER in $trixie?" >&2; exit 1; }
		cp "$base/$f" "$moddir/"
	done
	cp "$base/config" "$tmp/boot/config-$TRIXIE_KVER"
	find "$moddir" -name '*.ko.xz' -print0 | xargs -0 -r -n 64 -P "$(nproc)" xz -d
	depmod -b "$tmp" "$TRIXIE_KVER"
	remove_tree "$root"
	mv "$tmp" "$root"
}

# The source tarball, out of linux-source-7.3's package (again when the
# package is newer).
trixie_source() {
	newer "$srcdir/$trixie_src.tar.xz" "$(deb "$trixie_src")" && return 0
	need_root "$srcdir/$trixie_src.tar.xz"
	mkdir -p "$srcdir"
	dpkg-deb --fsys-tarfile "$(deb "$trixie_src")" |
		tar -xO "./usr/src/$trixie_src.tar.xz" >"$srcdir/$trixie_src.tar.xz.tmp"
	mv "$srcdir/$trixie_src.tar.xz.tmp" "$srcdir/$trixie_src.tar.xz"
}

[ "${P2PDAX_NO_BACKPORTS:-0}" = 1 ] || backports_kernel
if [ "${P2PDAX_NO_TRIXIE:-0}" != 1 ]; then
	trixie_root
	trixie_kernel
	trixie_source
fi
