# SPDX-License-Identifier: GPL-2.0
# Sourced by the tests/qemu scripts (and tests/bench/bench.sh): their shared
# error exits, and where the kernels to boot are. PROG is the sourcing
# script's name. POSIX sh.

PROG=${0##*/}

die() {
	echo "$PROG: $*" >&2
	exit 1
}

bad_usage() {
	echo "$PROG: $*" >&2
	echo "Try '$PROG --help'." >&2
	exit 2
}

# A kernel to boot lives under a root directory ROOT, as
# ROOT/boot/vmlinuz-KVER with its modules in ROOT/lib/modules/KVER/: either
# this system's own kernels (ROOT is "", the files are /boot/vmlinuz-KVER and
# /lib/modules/KVER), or one extracted from its packages without being
# installed (ROOT is $P2PDAX_KERNELS/KVER, default
# /var/lib/p2pdax/kernels/KVER: Debian's 7.3, which scripts/install-deps.sh
# puts there).
P2PDAX_KERNELS=${P2PDAX_KERNELS:-/var/lib/p2pdax/kernels}

# kernel_root KVER: print KVER's ROOT ("" for this system's own, then an
# empty line); fail, printing nothing, if neither place has its image.
kernel_root() {
	if [ -e "/boot/vmlinuz-$1" ]; then
		echo
	elif [ -e "$P2PDAX_KERNELS/$1/boot/vmlinuz-$1" ]; then
		echo "$P2PDAX_KERNELS/$1"
	else
		return 1
	fi
}

# kernel_list: every KVER with a kernel image in either place, one per line,
# sorted by version.
kernel_list() {
	{
		for v in /boot/vmlinuz-*; do
			[ ! -e "$v" ] || echo "${v#/boot/vmlinuz-}"
		done
		for d in "$P2PDAX_KERNELS"/*/; do
			d=${d%/}
			[ ! -e "$d/boot/vmlinuz-${d##*/}" ] || echo "${d##*/}"
		done
	} | sort -V -u
}
