#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Reproducer of 0002 (device-dax: map with the memory type reserved for the
# device's memory), a guest suite for tests/qemu/run-suite.sh (see
# ../README.md for the kernel and the module build): device_dax serves a
# 2 GiB prefetchable ivshmem BAR that dax_pci_p2p reserved write-combining,
# at 1G, 2M and 4K, and each mapping's leaf page-table entry must be WC
# (tests/guest/memtype with tests/kmod/pteprobe). Stock 7.3: WB at every size.
cd /tests || exit 1
. ./lib.sh
dmesg -n 1
modprobe pteprobe || { echo "Bail out! modprobe pteprobe failed"; exit 1; }
modprobe dax_pci_p2p ids=1af4:1110 || { echo "Bail out! modprobe dax_pci_p2p failed"; exit 1; }
wait_for 10 dax_ready dax0.0 || { echo "Bail out! no dax0.0"; exit 1; }
for a in 1G 2M 4K; do
	daxctl disable-device dax0.0 >/dev/null 2>&1
	daxctl reconfigure-device -s 2G -a $a dax0.0 >/dev/null 2>&1
	check "align $a: daxctl enable-device dax0.0" daxctl enable-device dax0.0
	check "align $a: served by device_dax" \
		test "$(basename "$(readlink /sys/bus/dax/devices/dax0.0/driver)")" = device_dax
	if memtype -v -e WC /dev/dax0.0 >/tmp/mt.out 2>&1; then
		ok "align $a: maps WC"
	else
		not_ok "align $a: maps WC"
	fi
	diag /tmp/mt.out
done
kernel_log_clean
