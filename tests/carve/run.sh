#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax carve suite: the daxctl lifecycle on BAR memory. Runs as
# /tests/run.sh in the QEMU guest with a 2 GiB ivshmem BAR (1af4:1110, BAR2
# = the host file bar.img, 1 GiB aligned), prints TAP. Every daxctl command
# here is the stock one, as the README shows it. layout.sh says where each
# device lands; host-post.sh checks the final layout in bar.img.
#
#  1. lifecycle: shrink the 2G seed device to 1G, carve two more devices of
#     other sizes and alignments, run dax_mmap_test on each (every alignment
#     variant runs once), destroy and create them again in the other order;
#  2. what cannot work is refused: sizes and alignments (EINVAL from the
#     kernel, an error from daxctl, nothing changed) and system-ram mode
#     (refused, the device back in devdax mode with its data by one command);
#  3. placement: a 1G-aligned device that first-fit would place at a start
#     that is not 1G aligned is refused at enable; after a spacer it is
#     placed at 1G and maps exactly its own memory.

set -u
cd /tests || exit 1
. ./lib.sh
. ./daxkernel.sh
. ./layout.sh
# Where 1 GiB pages are refused (daxkernel.sh), the region and the seed
# device default to 2M, and the 1G device of the placement part is made at 2M
# in the same place once its 1G form has been refused.
L0_ALIGN=$DAX_DEFAULT_ALIGN
[ "$DAX_1G" = 1 ] || PG_ALIGN=$((2 * M))

IV=$(find_pci 0x1af4 0x1110) || { echo "Bail out! no ivshmem device"; exit 1; }
DAXDEVS=/sys/bus/dax/devices

# run CMD...: CMD's output to /tmp/run.out, its exit status returned.
run() { "$@" >/tmp/run.out 2>&1; }

# destroy DEV...: disable and destroy.
destroy() {
	for d in "$@"; do
		daxctl disable-device "$d" >/dev/null 2>&1
		run daxctl destroy-device "$d" || return 1
	done
}

# dev_off DEV: the device's start as an offset into the BAR.
dev_off() { echo $(($(cat $DAXDEVS/$1/resource) - BAR_START)); }
attr() { cat "$DAXDEVS/$1/$2"; }

# placed DESC DEV OFF SIZE ALIGN: the device is where layout.sh says, as big
# and as aligned, and enabled.
placed() {
	got="$(dev_off "$2") $(attr "$2" size) $(attr "$2" align) $(dax_ready "$2" && echo enabled)"
	want="$3 $4 $5 enabled"
	if [ "$got" = "$want" ]; then
		ok "$1: $2 at BAR offset $(printf %#x "$3"), size $(printf %#x "$4"), align $(printf %#x "$5"), enabled"
	else
		not_ok "$1: $2 placed as laid out"
		echo "# got offset/size/align/state '$got', want '$want'"
	fi
}

# windows VERB DEV SIZE SEED: fill or check the device's first and last WIN
# bytes with pattern SEED, at the device's own offsets.
windows() {
	daxtool "$1" "/dev/$2" 0 $WIN "$4" && daxtool "$1" "/dev/$2" $(($3 - WIN)) $WIN "$4"
}

# refused DESC CMD...: CMD must fail. Output kept for the log.
refused() {
	desc=$1
	shift
	if "$@" >/tmp/refused.out 2>&1; then
		not_ok "$desc: refused"
	else
		ok "$desc: refused"
	fi
	diag /tmp/refused.out
}

# sysfs_einval DESC FILE VALUE: writing VALUE to FILE fails with EINVAL.
sysfs_einval() {
	if echo "$3" 2>/tmp/sysfs.err > "$2"; then
		not_ok "$1: the kernel refuses $3 with EINVAL (it took it)"
	elif grep -q "Invalid argument" /tmp/sysfs.err; then
		ok "$1: the kernel refuses $3 with EINVAL"
	else
		not_ok "$1: the kernel refuses $3 with EINVAL"
		diag /tmp/sysfs.err
	fi
}

# mmap_test DEV [TEARDOWN]: the kselftest mmap contract on DEV, and with
# TEARDOWN (disable,destroy,unbind) what happens to a mapping when the
# device goes away; its TAP as comments, one line for its result (its
# variants for other alignments skip).
mmap_test() {
	align=$(printf %#x "$(attr "$1" align)")
	P2PDAX_DEV=/dev/$1 P2PDAX_SEED=7 P2PDAX_TEARDOWN=${2:-} dax_mmap_test >/tmp/mmap.tap 2>&1
	rc=$?
	diag /tmp/mmap.tap
	summary=$(grep '^# Totals:' /tmp/mmap.tap)
	what="dax_mmap_test on $1 (align $align)${2:+, teardown $2}"
	if [ $rc = 0 ]; then
		ok "$what: ${summary#\# }"
	else
		not_ok "$what: exit $rc, ${summary#\# }"
	fi
}

# ------------------------------------------------------------------ setup

dmesg -n 1
modprobe $DRV ids=1af4:1110 || { echo "Bail out! modprobe $DRV failed"; exit 1; }
wait_for 10 dax_ready dax0.0 || { echo "Bail out! no dax0.0"; exit 1; }
REGION=$(region_id "$IV")
set -- $(sed -n 3p "/sys/bus/pci/devices/$IV/resource")
BAR_START=$(($1))
if [ $(($2 + 1 - $1)) != $BAR_SIZE ]; then
	echo "Bail out! BAR2 is $(($2 + 1 - $1)) bytes, this suite needs --bar-size 2G"
	exit 1
fi
placed "bound with defaults" dax0.0 0 $BAR_SIZE $DAX_DEFAULT_ALIGN

# -------------------------------------------------------------- lifecycle

check "daxctl disable-device dax0.0" daxctl disable-device dax0.0
check "daxctl reconfigure-device -s 1G dax0.0" daxctl reconfigure-device -s 1G dax0.0
check "daxctl enable-device dax0.0" dax_enable dax0.0
placed "shrunk" dax0.0 $L0_OFF $L0_SIZE $L0_ALIGN
check "create-device -s 256M -a 4K" dax_create L4 256M 4K
diag /tmp/run.out
check "create-device -s 512M -a 2M" dax_create L2 512M 2M
placed "4K device after dax0.0" "$L4" $L4_OFF $L4_SIZE $L4_ALIGN
placed "2M device after it" "$L2" $L2_OFF $L2_SIZE $L2_ALIGN
check "region has 256M left" test "$(cat /sys/bus/pci/devices/$IV/dax_region/available_size)" = $((256 * M))

for d in dax0.0 "$L4" "$L2"; do
	mmap_test "$d"
done

check "fill dax0.0's windows (seed $L0_SEED)" windows fill dax0.0 $L0_SIZE $L0_SEED
check "fill $L4's windows (seed $L4_SEED)" windows fill "$L4" $L4_SIZE $L4_SEED
check "fill $L2's windows (seed $L2_SEED)" windows fill "$L2" $L2_SIZE $L2_SEED
check "dax0.0 reads back its own data" windows check dax0.0 $L0_SIZE $L0_SEED
check "$L4 reads back its own data" windows check "$L4" $L4_SIZE $L4_SEED
check "$L2 reads back its own data" windows check "$L2" $L2_SIZE $L2_SEED

# ------------------------------------------- what cannot work is refused

check "disable $L2 to reconfigure it" daxctl disable-device "$L2"
refused "reconfigure-device -a 1G of a 512M device" daxctl reconfigure-device -a 1G "$L2"
sysfs_einval "align 1G of a 512M device" $DAXDEVS/$L2/align $G
refused "reconfigure-device -a 8K (no such page size)" daxctl reconfigure-device -a 8K "$L2"
sysfs_einval "align 8K" $DAXDEVS/$L2/align 8192
refused "reconfigure-device -s 3M of a 2M-aligned device" daxctl reconfigure-device -s 3M "$L2"
sysfs_einval "size 3M of a 2M-aligned device" $DAXDEVS/$L2/size $((3 * M))
refused "create-device -s 3M" daxctl create-device -r "$REGION" -s 3M
refused "create-device -s 4M -a 1G" daxctl create-device -r "$REGION" -s 4M -a 1G
# The alignment of a disabled device changes with -a, given with -s (daxctl
# 76 applies -a alone too, but then exits non-zero: "unknown mode").
check "reconfigure-device -s 512M -a 4K $L2" daxctl reconfigure-device -s 512M -a 4K "$L2"
check "$L2 is 4K aligned now" test "$(attr "$L2" align)" = 4096
check "reconfigure-device -s 512M -a 2M $L2 (back)" daxctl reconfigure-device -s 512M -a 2M "$L2"
check "after the refusals: region still has 256M left" \
	test "$(cat /sys/bus/pci/devices/$IV/dax_region/available_size)" = $((256 * M))
# daxctl leaves a refused create's seed device behind with size 0: harmless.
check "enable $L2 again" dax_enable "$L2"
placed "after the refusals" "$L2" $L2_OFF $L2_SIZE $L2_ALIGN
check "$L2's data is intact" windows check "$L2" $L2_SIZE $L2_SEED

# system-ram: refused by the driver; the device comes back as devdax with
# its data. daxctl on 6.12 aborts by itself without --force ("kernel policy
# will auto-online memory"), so --force is what reaches the kernel.
dmesg -c >/dev/null
refused "reconfigure-device -m system-ram --force $L4" \
	daxctl reconfigure-device -m system-ram --force "$L4"
dmesg > /tmp/dmesg.out
check "the kernel log says why and what to do" \
	grep -q "$L4: system-ram mode refused: .* is device memory, not coherent System RAM; keep it as devdax: daxctl reconfigure-device --mode=devdax $L4" /tmp/dmesg.out
diag /tmp/dmesg.out
check "no System RAM was added" fails grep -q "System RAM (kmem)" /proc/iomem
check "reconfigure-device -m devdax $L4 brings it back" daxctl reconfigure-device -m devdax "$L4"
placed "back in devdax mode" "$L4" $L4_OFF $L4_SIZE $L4_ALIGN
check "$L4's data is intact" windows check "$L4" $L4_SIZE $L4_SEED

# Any other dax driver: refused, as nothing says how it maps the memory.
# fsdev_dax (7.x) binds only devices named in its new_id, which attaches.
FSDEV=/sys/bus/dax/drivers/fsdev_dax
if modprobe fsdev_dax 2>/dev/null && [ -d $FSDEV ]; then
	check "disable $L4 for fsdev_dax" daxctl disable-device "$L4"
	dmesg -c >/dev/null
	echo "$L4" > $FSDEV/new_id
	check "fsdev_dax is refused $L4" fails test -e "$FSDEV/$L4"
	dmesg > /tmp/dmesg.out
	check "the kernel log says why and what to do" \
		grep -q "$L4: fsdev_dax refused: only $DAX_DRIVER map .* BAR2 with its memory type; bind that instead" /tmp/dmesg.out
	diag /tmp/dmesg.out
	echo "$L4" > $FSDEV/remove_id
	check "enable $L4 again" dax_enable "$L4"
	check "$L4 is served by $DAX_DRIVER" \
		test "$(basename "$(readlink "$DAXDEVS/$L4/driver")")" = "$DAX_DRIVER"
	check "$L4's data is intact" windows check "$L4" $L4_SIZE $L4_SEED
	rmmod fsdev_dax 2>/dev/null # (built in, in the kernel of patches/upstream)
else
	skip "fsdev_dax refused" "no fsdev_dax on this kernel"
fi

# --------------------------------------------- destroy and create again

check "destroy $L4 and $L2" destroy "$L4" "$L2"
check "region has 1G left" test "$(cat /sys/bus/pci/devices/$IV/dax_region/available_size)" = $G
check "create-device -s 512M -a 2M" dax_create R2 512M 2M
check "create-device -s 256M -a 4K" dax_create R4 256M 4K
placed "created again, first" "$R2" $R2_OFF $R2_SIZE $((2 * M))
placed "created again, second" "$R4" $R4_OFF $R4_SIZE 4096
# Device memory is not cleared: the new device at 1G maps what the old one
# at 1G wrote at its offset 0, which proves where both map.
check "$R2 maps what the old device at the same offset wrote" \
	daxtool check "/dev/$R2" 0 $WIN $L4_SEED
check "dax0.0 still holds its data" windows check dax0.0 $L0_SIZE $L0_SEED

# --------------------------------------------- the device goes away

# A mapping gets SIGBUS when its device is disabled, destroyed (a scratch
# device in the 256M left) or its PCI driver unbound; after enable or rebind
# the device works again. The unbind comes last: the rebind brings the region
# back as one device over the whole BAR.
mmap_test "$R4" disable,destroy
mmap_test "$R2" disable,destroy
mmap_test dax0.0 disable,unbind
REGION=$(region_id "$IV")
SEED=dax$REGION.0
placed "after the rebind" $SEED 0 $BAR_SIZE $DAX_DEFAULT_ALIGN

# -------------------------------------------------------------- placement

check "disable $SEED" daxctl disable-device $SEED
check "reconfigure-device -s 0 $SEED (the region is empty)" daxctl reconfigure-device -s 0 $SEED
check "create-device -s 256M -a 2M" dax_create P1 256M 2M
check "create-device -s 256M -a 4K" dax_create P2 256M 4K
placed "first" "$P1" $P1_OFF $P1_SIZE $P1_ALIGN
placed "second" "$P2" $P2_OFF $P2_SIZE $P2_ALIGN

if [ "$DAX_SERIES" = 1 ]; then
	# The kernel of patches/upstream places the range at the device's
	# alignment: at 1G, leaving 512M..1G for the spacer.
	check "create-device -s 1G -a 1G after them: placed at 1G" dax_create PG 1G 1G
	check "create-device -s 512M -a 2M (a spacer, before it)" dax_create SP 512M 2M
else
	dmesg -c >/dev/null
	refused "create-device -s 1G -a 1G at 512M (first fit)" \
		daxctl create-device -r "$REGION" -s 1G -a 1G
	dmesg > /tmp/dmesg.out
	diag /tmp/dmesg.out
	PX=
	for d in $DAXDEVS/dax$REGION.*; do
		[ "$(cat "$d/size")" = $G ] && PX=$(basename "$d")
	done
	if [ -n "$PX" ]; then
		ok "the refused device exists, disabled: $PX"
		check "it is where first fit put it" test "$(dev_off "$PX")" = $PX_OFF
		check "it has no driver and no /dev node" fails dax_ready "$PX"
		if [ "$DAX_1G" = 1 ]; then
			why="$PX: not enabled: it starts at BAR2 offset $(printf %#x $PX_OFF), not a multiple of its alignment 0x40000000"
		else
			why="$PX: not enabled: device_dax maps 1G pages write-back on this kernel"
		fi
		# With DAX_OWN the placement refusal comes with dax_pci_p2p's own
		# bind, before daxctl's write to device_dax returns.
		check "the kernel log says why and what to do" sh -c "dmesg | grep -q '$why'"
		refused "binding it by hand" sh -c "echo $PX > /sys/bus/dax/drivers/device_dax/bind"
		refused "daxctl enable-device $PX" daxctl enable-device "$PX"
		check "nothing of it in /proc/iomem" fails grep -q "$PX\|(refused)" /proc/iomem
		check "destroy it" destroy "$PX"
	else
		not_ok "the refused device exists, disabled"
	fi
	check "create-device -s 512M -a 2M (a spacer)" dax_create SP 512M 2M
	if [ "$DAX_1G" = 1 ]; then
		check "create-device -s 1G -a 1G" dax_create PG 1G 1G
	else
		refused "create-device -s 1G -a 1G (no 1G on this kernel)" \
			daxctl create-device -r "$REGION" -s 1G -a 1G
		PG=
		for d in $DAXDEVS/dax$REGION.*; do
			[ "$(cat "$d/size")" = $G ] && ! dax_ready "$(basename "$d")" &&
				PG=$(basename "$d")
		done
		check "the refused 1G device exists, disabled" test -n "$PG"
		check "destroy it" destroy "$PG"
		check "create-device -s 1G -a 2M in its place" dax_create PG 1G 2M
	fi
fi
placed "spacer" "$SP" $SP_OFF $SP_SIZE $SP_ALIGN
placed "1G device at 1G" "$PG" $PG_OFF $PG_SIZE $PG_ALIGN

check "fill $P1's windows (seed $P1_SEED)" windows fill "$P1" $P1_SIZE $P1_SEED
check "fill $P2's windows (seed $P2_SEED)" windows fill "$P2" $P2_SIZE $P2_SEED
check "fill $SP's windows (seed $SP_SEED)" windows fill "$SP" $SP_SIZE $SP_SEED
check "fill $PG's windows (seed $PG_SEED)" windows fill "$PG" $PG_SIZE $PG_SEED
for v in "P1 $P1 $P1_SIZE $P1_SEED" "P2 $P2 $P2_SIZE $P2_SEED" \
	 "SP $SP $SP_SIZE $SP_SEED" "PG $PG $PG_SIZE $PG_SEED"; do
	set -- $v
	check "$2 reads back its own data" windows check "$2" "$3" "$4"
done
check "daxctl list shows four enabled devices" \
	test "$(daxctl list -r "$REGION" -D | grep -c '"chardev"')" = 4

kernel_log_clean
