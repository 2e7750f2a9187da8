#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: sysroot-run.sh SYSROOT DIR COMMAND [ARG]...
#
# Run COMMAND chrooted into SYSROOT, the root of another Debian release
# (scripts/install-deps.sh makes Debian 13's, whose compiler the headers of
# its 7.3 kernel need), with DIR, an absolute path of this system, visible
# inside at the same path: the top-level Makefile builds a module there with
# M=DIR, so that every path names the same file inside and out. Everything
# is mounted in a private mount namespace that ends with COMMAND: /proc
# (objtool reads it), /sys, /dev and DIR's bind mount; nothing stays mounted
# on this system, and SYSROOT gains no more than DIR's empty mount point.
# COMMAND gets this environment (MAKEFLAGS included, so a make inside joins
# the calling make's job server). Needs root. Exit status: COMMAND's.
set -eu

die() {
	echo "sysroot-run.sh: $*" >&2
	exit 1
}

[ $# -ge 3 ] || die "usage: sysroot-run.sh SYSROOT DIR COMMAND [ARG]..."
root=$1 dir=$2
shift 2
[ -x "$root/bin/sh" ] || die "$root is not the root of a system (no bin/sh): run scripts/install-deps.sh"
case $dir in
/*) ;;
*) die "$dir: not an absolute path" ;;
esac
[ -d "$dir" ] || die "$dir: no such directory"
[ "$(id -u)" = 0 ] ||
	die "building in $root needs root (a mount namespace and chroot): run as root, or build for one kernel of this system with KDIR="
command -v unshare >/dev/null || die "unshare not found (util-linux)"

root=$(readlink -f "$root")
dir=$(readlink -f "$dir")
exec unshare --mount --propagation private sh -euc '
	root=$1 dir=$2
	shift 2
	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --bind /dev "$root/dev"
	mkdir -p "$root$dir"
	mount --bind "$dir" "$root$dir"
	exec chroot "$root" "$@"' sysroot-run.sh "$root" "$dir" "$@"
