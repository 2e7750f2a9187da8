#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the kernel build trees that modules can be built against (those whose
# headers carry a Module.symvers), one per line, each as
#   KDIR           a kernel installed on this system (/lib/modules/*/build)
#   KDIR SYSROOT   a kernel whose headers live in SYSROOT, the root of another
#                  Debian release, and must be built there, with its compiler
#                  (scripts/sysroot-run.sh); KDIR is the path seen from here,
#                  under SYSROOT
# The other root is Debian 13's, $P2PDAX_TRIXIE (default
# /var/lib/p2pdax/trixie, made by scripts/install-deps.sh) if it exists.
set -eu

# trees SYSROOT: the build trees of the kernels SYSROOT ("" for this system)
# has headers for. A build link is absolute in SYSROOT's own terms.
trees() {
	for build in "$1"/lib/modules/*/build; do
		link=$(readlink "$build") || continue
		case $link in
		/*) kdir=$1$link ;;
		*) kdir=$(dirname "$build")/$link ;;
		esac
		[ -r "$kdir/Module.symvers" ] || continue
		kdir=$(readlink -f "$kdir")
		echo "$kdir${1:+ $1}"
	done
}

trees ""
trixie=${P2PDAX_TRIXIE:-/var/lib/p2pdax/trixie}
if [ -d "$trixie" ]; then
	trees "$(readlink -f "$trixie")"
fi
exit 0
