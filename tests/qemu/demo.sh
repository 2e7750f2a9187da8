#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make demo: boot one kernel (Debian 12's 6.1 if built, else the first one
# built) with the demo suite in tests/demo, and show what it printed.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$root/build}
kver=
for ko in "$build"/*/drivers/dax/dax_pci_p2p.ko; do
	[ -e "$ko" ] || continue
	v=$(modinfo -F vermagic "$ko" | cut -d' ' -f1)
	[ -e "/boot/vmlinuz-$v" ] || continue
	case $v in 6.1.*) kver=$v; break ;; esac
	[ -n "$kver" ] || kver=$v
done
[ -n "$kver" ] || { echo "demo: no module built for an installed kernel: run make" >&2; exit 1; }
echo "demo: booting $kver under QEMU (TCG, about 10-20 s)..." >&2
P2PDAX_BUILD=$build exec "$root/tests/qemu/run-suite.sh" --suite "$root/tests/demo" \
	--module-dir "$build" --kver "$kver" --bin "$build/tests/guest" --timeout 300
