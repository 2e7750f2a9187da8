#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: kver.sh KDIR
# Print the release name that modules built in KDIR are installed under:
# the /lib/modules/<release> directory that links to KDIR, where there is
# one (Debian's 6.1 headers report their upstream version in
# include/config/kernel.release, not the package release), else the
# tree's own kernel.release.
set -eu
kdir=$(readlink -f "${1:?usage: kver.sh KDIR}")
for dir in /lib/modules/*/; do
	if [ "$(readlink -f "$dir/build")" = "$kdir" ]; then
		basename "$dir"
		exit 0
	fi
done
cat "$kdir/include/config/kernel.release"
