#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: boot one kernel (Debian 12's 6.1 if built, else the first one
# built, this system's or one of $P2PDAX_KERNELS: see common.sh) with the
# demo suite in tests/demo, and show what it printed.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=common.sh
. "$root/tests/qemu/common.sh"
build=${BUILD:-$root/build}
kver=
for ko in "$build"/*/dax_pci_p2p.ko; do
	[ -e "$ko" ] || continue
	v=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	kernel_root "$v" >/dev/null || continue
	case $v in 6.1.*) kver=$v; break ;; esac
	[ -n "$kver" ] || kver=$v
done
[ -n "$kver" ] || die "no module built for a kernel it can boot (/boot/vmlinuz-KVER or $P2PDAX_KERNELS/KVER/boot/vmlinuz-KVER): run make"
echo "demo: booting $kver under QEMU (TCG, about 10-20 s)..." >&2
P2PDAX_BUILD=$build exec "$root/tests/qemu/run-suite.sh" --suite "$root/tests/demo" \
	--module-dir "$build" --kver "$kver" --bin "$build/tests/guest" --timeout 300
