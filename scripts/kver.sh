#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: kver.sh KDIR [SYSROOT]
# Print the release name that modules built in KDIR are installed under:
# the /lib/modules/<release> directory that links to KDIR, where there is
# one (Debian's 6.1 headers report their upstream version in
# include/config/kernel.release, not the package release), else the
# tree's own kernel.release. SYSROOT, for a KDIR inside another system's
# root (scripts/kernels.sh), is where that /lib/modules is looked for, its
# absolute links taken relative to SYSROOT.
set -eu
kdir=$(readlink -f "${1:?usage: kver.sh KDIR [SYSROOT]}")
sysroot=${2:-}
for dir in "$sysroot"/lib/modules/*/; do
	link=$(readlink "${dir}build") || continue
	case $link in
	/*) link=$sysroot$link ;;
	*) link=${dir}$link ;;
	esac
	if [ "$(readlink -f "$link")" = "$kdir" ]; then
		basename "$dir"
		exit 0
	fi
done
cat "$kdir/include/config/kernel.release"
