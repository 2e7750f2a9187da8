#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The demo, inside the guest: bind the ivshmem BAR, list it with daxctl, and
# write a message through the mapping. Output as TAP comments, so that
# tests/qemu/run-suite.sh shows it; the host side is host-post.sh.
set -u
cd /tests || exit 1
. ./message.sh

run() {
	echo "# \$ $*"
	"$@" > /tmp/out 2>&1
	rc=$?
	sed 's/^/#   /' /tmp/out
	return $rc
}
step() {
	desc=$1
	shift
	if run "$@"; then echo "ok - $desc"; else echo "not ok - $desc"; fi
}

for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1af4:0x1110 ] && IV=${d##*/}
done
echo "# the ivshmem device ${IV:?no ivshmem device} has a 256 MiB BAR2 backed by bar.img on the host"
# kmod's modprobe (busybox's applet would ignore the device_dax softdep)
step "load the driver" /sbin/modprobe dax_pci_p2p
step "bind it with driver_override" sh -c "echo dax_pci_p2p > /sys/bus/pci/devices/$IV/driver_override &&
	echo $IV > /sys/bus/pci/drivers_probe && test -c /dev/dax0.0"
step "daxctl sees the region and its device" daxctl list -R -D -u
step "the BAR is mapped write-combining" cat "/sys/bus/pci/devices/$IV/p2pdax/caching"
step "write a message through the mapping" daxtool write /dev/dax0.0 $MSG_OFF "$MSG"
step "read it back through the mapping" daxtool dump /dev/dax0.0 $MSG_OFF ${#MSG}
