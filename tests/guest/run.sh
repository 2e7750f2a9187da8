#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax guest suite: runs as /tests/run.sh inside the QEMU guest (busybox,
# see tests/qemu/), prints TAP lines. The machine has an ivshmem-plain device
# (1af4:1110) whose BAR2 is the host file bar.img, an edu device (1234:11e8,
# one 1 MiB BAR), a pci-testdev (1b36:0005, a small memory BAR and an I/O
# BAR) and an NVMe disk backed by nvme.img. tests/guest/host-pre.sh and
# host-post.sh check the same layout.sh offsets from the host side.

set -u
cd /tests || exit 1
. ./layout.sh

. ./lib.sh
. ./daxkernel.sh

# The BAR's physical range, as 16-digit hex like pat_memtype_list prints it.
bar_range() {
	set -- $(sed -n "$(($2 + 1))p" "/sys/bus/pci/devices/$1/resource")
	printf '%016x %016x\n' $(($1)) $(($2 + 1))
}

# pat_types BDF BAR: the memory types of every PAT entry inside the BAR.
pat_types() {
	set -- $(bar_range "$1" "$2")
	lo=$1 hi=$2
	sed -n 's/^PAT: \[mem 0x\([0-9a-f]*\)-0x\([0-9a-f]*\)\] \(.*\)$/\1 \2 \3/p' \
		/sys/kernel/debug/x86/pat_memtype_list |
	while read -r s e type; do
		if [ "$s" \> "$lo" ] || [ "$s" = "$lo" ]; then
			if [ "$e" \< "$hi" ] || [ "$e" = "$hi" ]; then
				echo "$type"
			fi
		fi
	done | sort -u
}

# Nothing of ours is left on PCI function $1.
nothing_left() {
	! grep -q $DRV /proc/iomem &&
	[ ! -e "/sys/bus/pci/devices/$1/dax_region" ] &&
	[ -z "$(ls /sys/bus/dax/devices 2>/dev/null)" ] &&
	[ -z "$(pat_types "$1" "$2")" ]
}

# refusal DESC BDF EXPECT: binding BDF through the bind file must fail, with
# exactly one message from the driver about BDF matching EXPECT, and must
# leave nothing behind.
refusal() {
	desc=$1 bdf=$2 expect=$3
	dmesg -c >/dev/null
	if echo "$bdf" > $DRVDIR/bind 2>/dev/null; then
		not_ok "$desc: bind refused"
		echo "$bdf" > $DRVDIR/unbind
		return
	fi
	ok "$desc: bind refused"
	dmesg > /tmp/refusal.log
	# The driver core adds its own "probe ... failed" line on 6.12.
	lines=$(grep "$DRV $bdf: " /tmp/refusal.log | grep -vc "probe with driver")
	if [ "$lines" = 1 ] && grep -q "$DRV $bdf: .*$expect" /tmp/refusal.log; then
		ok "$desc: one message saying \"$expect\""
	else
		not_ok "$desc: one message saying \"$expect\" (got $lines)"
		diag /tmp/refusal.log
	fi
	check "$desc: nothing created" nothing_left "$bdf" 0
}

IV=$(find_pci 0x1af4 0x1110) || { not_ok "ivshmem device present"; exit 1; }
EDU=$(find_pci 0x1234 0x11e8) || EDU=
TESTDEV=$(find_pci 0x1b36 0x0005) || TESTDEV=
echo "# kernel $(uname -r), ivshmem $IV, edu ${EDU:-none}, pci-testdev ${TESTDEV:-none}"

# ---------------------------------------------------------------- loading
check "modprobe $DRV" modprobe $DRV
# (or built in, as in the kernel of patches/upstream)
check "device_dax loaded with it (softdep)" \
	sh -c "grep -q '^device_dax ' /proc/modules || grep -q '/device_dax.ko\$' /lib/modules/$(uname -r)/modules.builtin"
check "binds to nothing by default" sh -c "! ls $DRVDIR | grep -q :"

# ------------------------------------------------- bind: driver_override
echo $DRV > "/sys/bus/pci/devices/$IV/driver_override"
echo "$IV" > /sys/bus/pci/drivers_probe
check "bind by driver_override + drivers_probe" bound_to_us "$IV"
REG=$(region_id "$IV")
DAX=dax$REG.0
check "/dev/$DAX appears and device_dax serves it" wait_for 10 dax_ready "$DAX"

daxctl list -R -D -r "$REG" > /tmp/list.json 2>&1
diag /tmp/list.json
check "daxctl list: region path is under the PCI device" \
	grep -q "\"path\":\"[^\"]*$IV\"" /tmp/list.json
check "daxctl list: region size is the BAR size" \
	grep -q "\"size\":$BAR_SIZE," /tmp/list.json
check "daxctl list: region align 2 MiB (BAR not 1 GiB aligned)" \
	grep -q "\"align\":2097152," /tmp/list.json
check "daxctl list: one devdax device covering the BAR" \
	sh -c "grep -q '\"chardev\":\"$DAX\"' /tmp/list.json &&
	       grep -q '\"mode\":\"devdax\"' /tmp/list.json &&
	       [ \$(grep -c '\"size\":$BAR_SIZE' /tmp/list.json) = 2 ]"
check "sysfs p2pdax/bar is 2" grep -qx 2 "/sys/bus/pci/devices/$IV/p2pdax/bar"
check "sysfs p2pdax/caching is write-combining (prefetchable BAR)" \
	grep -qx write-combining "/sys/bus/pci/devices/$IV/p2pdax/caching"
pat_types "$IV" 2 > /tmp/pat
diag /tmp/pat
check "PAT list: the BAR is write-combining and nothing else" \
	sh -c '[ "$(cat /tmp/pat)" = write-combining ]'
check "/proc/iomem: dax_pci_p2p claims the BAR, device-dax nests under it" \
	sh -c "grep -A1 '$DRV' /proc/iomem | grep -q '$DAX'"

# ------------------------------------------------------- mmap contract
P2PDAX_DEV=/dev/$DAX dax_mmap_test > /tmp/mmap.tap 2>&1
rc=$?
grep -E '^(ok|not ok) ' /tmp/mmap.tap
grep -vE '^(ok|not ok) ' /tmp/mmap.tap | diag
[ $rc = 0 ] && ok "dax_mmap_test exit status" || not_ok "dax_mmap_test exit status ($rc)"

# ------------------------------------------------------ data, both ways
check "guest reads what the host wrote at BAR offset $HOST_OFF" \
	daxtool check "/dev/$DAX" $HOST_OFF $HOST_LEN $HOST_SEED
check "guest writes seed $A_SEED at BAR offset $A_OFF" \
	daxtool fill "/dev/$DAX" $A_OFF $A_LEN $A_SEED
check "guest writes seed $B_SEED at BAR offset $B_OFF" \
	daxtool fill "/dev/$DAX" $B_OFF $B_LEN $B_SEED

# --------------------------------------- O_DIRECT between BAR and NVMe
modprobe nvme 2>/dev/null
if wait_for 30 test -b /dev/nvme0n1; then
	check "O_DIRECT from the mapping to NVMe and back" \
		daxtool odirect "/dev/$DAX" $D_OFF $D_LEN /dev/nvme0n1 $D_OFF $D_SEED
else
	not_ok "NVMe disk /dev/nvme0n1 present"
fi

# ------------------------------------- kmem must not online BAR memory
modprobe kmem
dmesg -c >/dev/null
# --force: daxctl itself declines where the kernel would auto-online the
# memory (6.12's policy); the point is what the kernel does when asked.
daxctl reconfigure-device --mode=system-ram --force "$DAX" > /tmp/kmem.out 2>&1
rc=$?
diag /tmp/kmem.out
[ $rc != 0 ] && ok "daxctl reconfigure-device --mode=system-ram --force is refused" ||
	not_ok "daxctl reconfigure-device --mode=system-ram --force is refused"
check "the kernel says why, before kmem runs" sh -c \
	"dmesg | grep -q '$DAX: system-ram mode refused: .* is device memory' && ! dmesg | grep -q 'rejecting DAX region'"
check "daxctl reports the errno: Operation not permitted" grep -q "Operation not permitted" /tmp/kmem.out
check "no BAR memory became System RAM" sh -c '! grep -q "System RAM (kmem)" /proc/iomem'
check "daxctl reconfigure-device --mode=devdax brings the device back" \
	daxctl reconfigure-device --mode=devdax "$DAX"
check "data intact after the refused kmem attempt" \
	daxtool check "/dev/$DAX" $A_OFF $A_LEN $A_SEED

# sigbus_across WHAT CMD...: map and keep touching the first 2 MiB of $DAX,
# run CMD (which takes the device away), and check the user gets SIGBUS.
sigbus_across() {
	what=$1
	shift
	rm -f /tmp/ready
	daxtool hold "/dev/$DAX" 0 $((2 << 20)) /tmp/ready > /tmp/hold.out 2>&1 &
	hp=$!
	if ! wait_for 20 test -e /tmp/ready; then
		not_ok "$what while mapped: mapping user started"
		diag /tmp/hold.out
		kill $hp
		"$@"
		return
	fi
	check "$what while mapped" "$@"
	wait_for 20 exited $hp || kill $hp
	wait $hp
	rc=$?
	diag /tmp/hold.out
	[ $rc = 0 ] && grep -q SIGBUS /tmp/hold.out &&
		ok "$what while mapped: the mapping user gets SIGBUS" ||
		not_ok "$what while mapped: the mapping user gets SIGBUS (rc $rc)"
}

unbind_iv() { echo "$IV" > $DRVDIR/unbind; }

# ------------------------------------------- unbind while mapped: SIGBUS
sigbus_across unbind unbind_iv
check "unbind leaves nothing behind" nothing_left "$IV" 2

# ------------------------------------------------- rebind keeps the data
echo "$IV" > /sys/bus/pci/drivers_probe
check "rebind" bound_to_us "$IV"
DAX=dax$(region_id "$IV").0
check "/dev/$DAX back after rebind" wait_for 10 dax_ready "$DAX"
check "rebind keeps the data" daxtool check "/dev/$DAX" $A_OFF $A_LEN $A_SEED

# pin_across WHAT CMD...: hold a vmsplice pin on the A range, run CMD (a
# teardown of $DAX) in the background, and check that it waits for the pin,
# says so, and finishes once the pin is dropped, the holder reading intact
# data from its pinned pages.
pin_across() {
	what=$1
	shift
	rm -f /tmp/pready /tmp/prelease
	P2PDAX_SEED=$A_SEED daxtool pin "/dev/$DAX" $A_OFF $A_LEN \
		/tmp/pready /tmp/prelease > /tmp/pin.out 2>&1 &
	pp=$!
	if ! wait_for 20 test -e /tmp/pready; then
		not_ok "$what: pin holder started"
		diag /tmp/pin.out
		kill $pp
		"$@"
		return
	fi
	dmesg -c >/dev/null
	"$@" > /tmp/teardown.out 2>&1 &
	tp=$!
	sleep 3
	kill -0 $tp 2>/dev/null && ok "$what waits while a page is pinned" ||
		not_ok "$what waits while a page is pinned"
	check "$what: dmesg says the teardown of $DAX waits for pinned pages" \
		sh -c "dmesg | grep -q '$DAX: teardown waits for pinned pages in the region: [0-9]* folio'"
	touch /tmp/prelease
	wait_for 20 exited $pp || kill $pp
	wait $pp
	rc=$?
	diag /tmp/pin.out
	[ $rc = 0 ] && grep -q "pinned data intact" /tmp/pin.out &&
		ok "$what: the pin holder reads its data back and releases" ||
		not_ok "$what: the pin holder reads its data back and releases (rc $rc)"
	check "$what finishes once the pin is released" wait_for 20 exited $tp
	wait $tp
	diag /tmp/teardown.out
	check "$what: dmesg says the pinned pages were released" \
		sh -c 'dmesg | grep -q "pinned pages released after"'
	dmesg | grep $DRV | diag
}

# ----------------- a pin held across daxctl disable-device: the drain waits
pin_across "daxctl disable-device" daxctl disable-device "$DAX"
check "daxctl enable-device brings $DAX back" dax_enable "$DAX"
check "data intact after disable/enable under a pin" \
	daxtool check "/dev/$DAX" $A_OFF $A_LEN $A_SEED

# ---------------------------- a pin held across unbind: remove waits for it
pin_across "PCI unbind" unbind_iv
check "unbind under a pin leaves nothing behind" nothing_left "$IV" 2
echo > "/sys/bus/pci/devices/$IV/driver_override"

# ---------------------------------------------------------- refusals
check "align parameter refuses 12345" sh -c "! echo 12345 > $PARAMS/align"
check "bar parameter refuses 6" sh -c "! echo 6 > $PARAMS/bar"
if [ -n "$EDU" ]; then
	echo $DRV > "/sys/bus/pci/devices/$EDU/driver_override"
	refusal "edu, no BAR chosen" "$EDU" "no memory BAR of at least 2 MiB"
	echo 0 > $PARAMS/bar
	refusal "edu BAR0 (1 MiB)" "$EDU" "too small"
	echo 3 > $PARAMS/bar
	refusal "edu BAR3 (not implemented)" "$EDU" "not implemented"
	echo -1 > $PARAMS/bar
	echo > "/sys/bus/pci/devices/$EDU/driver_override"
else
	skip "edu refusals" "no edu device in this QEMU"
fi
if [ -n "$TESTDEV" ]; then
	echo $DRV > "/sys/bus/pci/devices/$TESTDEV/driver_override"
	echo 1 > $PARAMS/bar
	refusal "pci-testdev BAR1 (I/O ports)" "$TESTDEV" "I/O port BAR"
	echo -1 > $PARAMS/bar
	echo > "/sys/bus/pci/devices/$TESTDEV/driver_override"
else
	skip "I/O BAR refusal" "no pci-testdev device in this QEMU"
fi
echo $DRV > "/sys/bus/pci/devices/$IV/driver_override"
echo 1G > $PARAMS/align
if [ "$DAX_1G" = 1 ]; then
	refusal "ivshmem with align=1G (256 MiB BAR)" "$IV" "not aligned to 0x40000000"
else
	# Refused for the kernel before the BAR is looked at (daxkernel.sh).
	refusal "ivshmem with align=1G on this kernel" "$IV" \
		"alignment 1G is not supported on this kernel: device_dax would map its pages write-back; use 2M or less"
fi
echo 0 > $PARAMS/align
echo > "/sys/bus/pci/devices/$IV/driver_override"

# A device that another driver holds is not taken.
if modprobe pci-stub 2>/dev/null; then
	echo pci-stub > "/sys/bus/pci/devices/$IV/driver_override"
	echo "$IV" > /sys/bus/pci/drivers_probe
	echo $DRV > "/sys/bus/pci/devices/$IV/driver_override"
	check "a device bound to pci-stub is refused" sh -c "! echo $IV > $DRVDIR/bind"
	check "it stays with pci-stub, nothing created" sh -c \
		"[ \"\$(basename \$(readlink /sys/bus/pci/devices/$IV/driver))\" = pci-stub ] &&
		 [ ! -e /sys/bus/pci/devices/$IV/dax_region ] && ! grep -q $DRV /proc/iomem"
	echo "$IV" > /sys/bus/pci/drivers/pci-stub/unbind
	echo > "/sys/bus/pci/devices/$IV/driver_override"
else
	skip "device in use by another driver" "pci-stub module missing"
fi

# ------------------------------------------------------ rmmod while mapped
rmmod $DRV
check "modprobe with a bad ids= is refused" fails modprobe $DRV ids=1af4:1110:9
check "and says why" sh -c 'dmesg | grep -q "ids: \"1af4:1110:9\" is not vendor:device\[:bar\]"'
check "modprobe with an overlong id is refused" fails modprobe $DRV ids=100001af4:1110
check "modprobe $DRV ids=1af4:1110:2 binds by id" modprobe $DRV ids=1af4:1110:2
check "bound by ids=" wait_for 10 bound_to_us "$IV"
DAX=dax$(region_id "$IV").0
check "/dev/$DAX present" wait_for 10 dax_ready "$DAX"
if [ "$DAX_OWN" = 1 ]; then
	# The devices are served by dax_pci_p2p's own dax driver here
	# (daxkernel.sh): a mapping's file operations are the module's, so the
	# module stays while a device is mapped (a PCI unbind still revokes it).
	rm -f /tmp/ready
	daxtool hold "/dev/$DAX" 0 $((2 << 20)) /tmp/ready > /tmp/hold.out 2>&1 &
	hp=$!
	check "rmmod while mapped: mapping user started" wait_for 20 test -e /tmp/ready
	check "rmmod while mapped is refused: the mapping holds the module" fails rmmod $DRV
	check "the module is still loaded and bound" bound_to_us "$IV"
	kill $hp
	wait $hp
	diag /tmp/hold.out
	check "rmmod once the mapping is gone" rmmod $DRV
else
	sigbus_across rmmod rmmod $DRV
fi
check "rmmod leaves nothing behind" nothing_left "$IV" 2

# ------------------------------------------------------- uncached= option
check "modprobe $DRV ids=1af4:1110 uncached=1" modprobe $DRV ids=1af4:1110 uncached=1
check "bound, auto-picked BAR 2" grep -qx 2 "/sys/bus/pci/devices/$IV/p2pdax/bar"
check "sysfs p2pdax/caching is uncached" grep -qx uncached "/sys/bus/pci/devices/$IV/p2pdax/caching"
pat_types "$IV" 2 > /tmp/pat
diag /tmp/pat
check "PAT list: the BAR is uncached and nothing else" sh -c '[ "$(cat /tmp/pat)" = uncached ]'
DAX=dax$(region_id "$IV").0
check "/dev/$DAX present" wait_for 10 dax_ready "$DAX"
check "uncached mapping reads the data" daxtool check "/dev/$DAX" $B_OFF $B_LEN $B_SEED
rmmod $DRV
check "module unloads cleanly" sh -c "! grep -q '^$DRV ' /proc/modules"
check "nothing left at the end" nothing_left "$IV" 2
