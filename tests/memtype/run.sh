#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax memtype suite: the memory type of user mappings of BAR memory, read
# from the page tables. Runs as /tests/run.sh in the QEMU guest with a 2 GiB
# prefetchable ivshmem BAR (1af4:1110, BAR2 = bar.img), prints TAP.
#
# Every check maps a /dev/daxX.Y with tests/guest/memtype, touches it and
# reads the leaf entry (4K PTE, 2M PMD, 1G PUD) that maps it through the
# test-only module tests/kmod/pteprobe; the type comes from the entry's PAT
# index and the CPU's IA32_PAT MSR, never from what the driver or
# pat_memtype_list say. The promise checked: write-combining for a
# prefetchable BAR, uncached with uncached=1, never write-back, at 4K, 2M and
# 1G, after carving, after disable/enable, after a rebind and after mremap.
#
# What each kernel can do (tests/lib/sh/daxkernel.sh) is the test's own knowledge of the
# kernels, not the driver's report: 1 GiB pages are refused where device_dax
# would map them write-back (6.3 to 6.14), and from 6.15 on dax_pci_p2p's own
# dax driver serves the devices (device_dax maps no size right there).

set -u
cd /tests || exit 1
. ./lib.sh
. ./daxkernel.sh
. ./layout.sh

IV=$(find_pci 0x1af4 0x1110) || { echo "Bail out! no ivshmem device"; exit 1; }
DAXDEVS=/sys/bus/dax/devices

run() { "$@" >/tmp/run.out 2>&1; }
attr() { cat "$DAXDEVS/$1/$2"; }
driver_of() { basename "$(readlink "$DAXDEVS/$1/driver")"; }
size_name() {
	case $1 in
	4096) echo 4K ;; $((2 * M)) ) echo 2M ;; $((256 * M)) ) echo 256M ;;
	$((512 * M)) ) echo 512M ;; $G) echo 1G ;; *) echo "$1" ;;
	esac
}

# placed DEV OFF SIZE: DEV starts at BAR offset OFF and has SIZE bytes.
placed() {
	pl_off=$(attr "$1" p2pdax/offset) && [ -n "$pl_off" ] &&
		[ $((pl_off)) = $(($2)) ] && [ "$(attr "$1" size)" = $(($3)) ]
}

# memtype DESC DEV TYPE [memtype options]: every probed entry of DEV's
# mapping has TYPE, at the leaf size of DEV's alignment.
mt() {
	desc=$1 dev=$2 type=$3
	shift 3
	if memtype -v -e "$type" "$@" "/dev/$dev" >/tmp/mt.out 2>&1; then
		ok "$desc: $dev (align $(size_name "$(attr "$dev" align)")) maps $type${*:+ ($*)}"
	else
		not_ok "$desc: $dev (align $(size_name "$(attr "$dev" align)")) maps $type${*:+ ($*)}"
	fi
	diag /tmp/mt.out
}

# mt_mremap DESC DEV TYPE: mt after mremap() moved the mapping. Not at 1G:
# moving a 1 GiB device-dax entry is a kernel bug on every stock kernel here
# (mremap's get_old_pud() takes the huge entry for a bad table: "bad pud",
# the entry is dropped and faulted in again at the new address), fixed in
# the kernel of patches/upstream (DAX_SERIES).
mt_mremap() {
	if [ "$(attr "$2" align)" = $G ] && [ "$DAX_SERIES" != 1 ]; then
		skip "$1: $2 maps $3 after mremap" "mremap of a 1G device-dax mapping: the kernel logs 'bad pud' and drops the entry"
	else
		mt "$1" "$2" "$3" -m
	fi
}

# served DESC DEV: bound to the driver that serves BAR memory on this kernel.
served() {
	check "$1: $2 is served by $DAX_DRIVER" test "$(driver_of "$2")" = "$DAX_DRIVER"
}

# refused_bind DESC DEV ALIGN: enabling DEV at ALIGN is refused, with the
# kernel log line that says why and what to do, and DEV stays disabled.
refused_bind() {
	dmesg -c >/dev/null
	if run daxctl enable-device "$2" && dax_ready "$2"; then
		not_ok "$1: enabling $2 at $3 is refused"
	else
		ok "$1: enabling $2 at $3 is refused"
	fi
	diag /tmp/run.out
	dmesg >/tmp/dmesg.out
	check "$1: the kernel log says why and what to do" grep -q \
		"$2: not enabled: device_dax maps $3 pages write-back on this kernel; give it alignment 2M or less: daxctl reconfigure-device -a 2M $2" \
		/tmp/dmesg.out
	diag /tmp/dmesg.out
	check "$1: $2 has no driver" fails dax_ready "$2"
}

# carve TYPE WHEN AT SEED: the whole-BAR device shrunk to 1G, a 512M/2M and
# a 256M/4K device next to it, where layout.sh says; each maps TYPE, and
# DATA_LEN bytes written through such a mapping at the device's offset AT
# (seed SEED + its number) read back; the host finds them in bar.img.
carve() {
	type=$1 when=$2 at=$3 seed=$4
	check "$when: disable $SEED" daxctl disable-device "$SEED"
	check "$when: shrink $SEED to 1G" daxctl reconfigure-device -s 1G "$SEED"
	check "$when: enable $SEED" dax_enable "$SEED"
	check "$when: create a 512M device at 2M" dax_create D2 512M 2M
	check "$when: create a 256M device at 4K" dax_create D4 256M 4K
	n=0
	for d in "$SEED $T0_OFF $T0_SIZE" "$D2 $T2_OFF $T2_SIZE" "$D4 $T4_OFF $T4_SIZE"; do
		set -- $d
		check "$when: $1 at BAR offset $(printf %#x "$2"), size $(size_name "$3")" \
			placed "$1" "$2" "$3"
		served "$when" "$1"
		mt "$when" "$1" "$type"
		check "$when: write through $1's $type mapping (seed $((seed + n)))" \
			daxtool fill "/dev/$1" "$at" $DATA_LEN $((seed + n))
		check "$when: read it back" daxtool check "/dev/$1" "$at" $DATA_LEN $((seed + n))
		n=$((n + 1))
	done
}

# ------------------------------------------------------------------ setup

dmesg -n 1
modprobe pteprobe || { echo "Bail out! modprobe pteprobe failed"; exit 1; }
# device_dax first, as udev loads it at boot: the region's first device is
# offered to it before any other dax driver.
modprobe device_dax || { echo "Bail out! modprobe device_dax failed"; exit 1; }
modprobe dax_pci_p2p ids=1af4:1110 || { echo "Bail out! modprobe dax_pci_p2p failed"; exit 1; }
wait_for 10 dax_ready dax0.0 || { echo "Bail out! no dax0.0"; exit 1; }
REGION=$(region_id "$IV")
SEED=dax$REGION.0
set -- $(sed -n 3p "/sys/bus/pci/devices/$IV/resource")
if [ $(($2 + 1 - $1)) != $((2 * G)) ]; then
	echo "Bail out! BAR2 is $(($2 + 1 - $1)) bytes, this suite needs --bar-size 2G"
	exit 1
fi
echo "# kernel $(uname -r): 1G pages $([ "$DAX_1G" = 1 ] && echo served || echo refused), devices served by $DAX_DRIVER"

# -------------------------------------------------- write-combining, as bound

check "bound with defaults: $SEED at align $(size_name "$DAX_DEFAULT_ALIGN")" \
	test "$(attr "$SEED" align)" = "$DAX_DEFAULT_ALIGN"
served "bound" "$SEED"
mt "bound" "$SEED" WC
mt "bound" "$SEED" WC -w
mt "bound" "$SEED" WC -o "$DAX_DEFAULT_ALIGN" -l "$DAX_DEFAULT_ALIGN"
mt_mremap "bound" "$SEED" WC

# 1G where this kernel cannot map it right: refused, never write-back.
if [ "$DAX_1G" = 0 ]; then
	check "disable $SEED" daxctl disable-device "$SEED"
	check "reconfigure $SEED to -s 1G -a 1G" daxctl reconfigure-device -s 1G -a 1G "$SEED"
	refused_bind "1G on this kernel" "$SEED" 1G
	check "reconfigure $SEED back to -a 2M" daxctl reconfigure-device -s 2G -a 2M "$SEED"
	check "enable $SEED at 2M" dax_enable "$SEED"
	mt "after the 1G refusal" "$SEED" WC
fi

carve WC "carved" $WC_AT $WC_SEED
mt_mremap "carved" "$D2" WC
mt_mremap "carved" "$D4" WC

check "disable $D2" daxctl disable-device "$D2"
check "enable $D2 again" dax_enable "$D2"
served "disable/enable" "$D2"
mt "disable/enable" "$D2" WC
check "disable $SEED" daxctl disable-device "$SEED"
check "enable $SEED again" dax_enable "$SEED"
mt "disable/enable" "$SEED" WC

# -------------------------------------------------------------- rebind

check "unbind the PCI driver" sh -c "echo $IV > /sys/bus/pci/drivers/dax_pci_p2p/unbind"
check "bind it again" sh -c "echo $IV > /sys/bus/pci/drivers/dax_pci_p2p/bind"
check "the region's device is back" wait_for 10 dax_ready "dax$(region_id "$IV").0"
REGION=$(region_id "$IV")
SEED=dax$REGION.0
served "rebound" "$SEED"
mt "rebound" "$SEED" WC
mt_mremap "rebound" "$SEED" WC

# -------------------------------------------------------------- uncached=1

check "unbind for uncached=1" sh -c "echo $IV > /sys/bus/pci/drivers/dax_pci_p2p/unbind"
check "uncached=1" sh -c "echo 1 > /sys/module/dax_pci_p2p/parameters/uncached"
check "bind with uncached=1" sh -c "echo $IV > /sys/bus/pci/drivers/dax_pci_p2p/bind"
check "the region's device is back" wait_for 10 dax_ready "dax$(region_id "$IV").0"
REGION=$(region_id "$IV")
SEED=dax$REGION.0
check "the driver reserved it uncached" \
	test "$(cat /sys/bus/pci/devices/$IV/p2pdax/caching)" = uncached
mt "uncached=1" "$SEED" UC
carve UC "uncached=1, carved" $UC_AT $UC_SEED
mt_mremap "uncached=1" "$D4" UC
check "uncached=0 again" sh -c "echo 0 > /sys/module/dax_pci_p2p/parameters/uncached"

# ---------------------------------------------------------- daxctl's view

run daxctl list -r "$REGION" -D
diag /tmp/run.out
check "daxctl list: three devices, all in devdax mode" \
	test "$(grep -o '"mode":"devdax"' /tmp/run.out | wc -l)" = 3

kernel_log_clean
