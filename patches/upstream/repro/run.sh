#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The reproducers of the dax-core fixes of this series, a guest suite for
# tests/qemu/run-suite.sh (scripts/upstream-check.sh runs it with
# --bar-size 2G). Each case_X is one bug; its test lines start with "(X)".
# On a stock 7.3 kernel each case fails (upstream-check boots once per
# case, as some of them oops there); on the patched kernel all pass in one
# boot. The cases to run: p2pdax.repro=a,b,... on the kernel command line.
#
# (a)-(e), (h)-(k) run on a region of the kernel's own provider:
# dax_hmem over 2 GiB of soft-reserved memory at 4 GiB (see cmdline), with
# device_dax and daxctl, nothing of this project in the kernel but, for
# (c), a test module that holds a range busy (tests/kmod/iomemhold.c).
# (f) needs a BAR reserved write-combining, which is dax_pci_p2p's.
cd /tests || exit 1
. ./lib.sh
. ./daxkernel.sh
dmesg -n 1

M=$((1 << 20))
G=$((1 << 30))
cases=$(sed -n 's/.*p2pdax\.repro=\([a-z,]*\).*/\1/p' /proc/cmdline | tr , ' ')
[ -n "$cases" ] || { echo "Bail out! no p2pdax.repro= on the kernel command line"; exit 1; }

dev_size() { cat "/sys/bus/dax/devices/$1/size"; }
dev_start() { cat "/sys/bus/dax/devices/$1/mapping0/start"; }
# dax_create (daxkernel.sh) carves the hmem region, region 0.
REGION=0

# log_lacks X REGEX DESC: a "(X) DESC" line that the kernel log since the
# case's "dmesg -c" has no line matching REGEX; the log as diagnostics.
log_lacks() {
	dmesg >"/tmp/$1.dmesg"
	check "($1) $3" fails grep -q "$2" "/tmp/$1.dmesg"
	diag "/tmp/$1.dmesg"
}

# The hmem region: dax0.0 spans it; free it, then two 256M devices at its
# start: dax0.1 at +0, dax0.2 at +256M.
setup() {
	modprobe device_dax && modprobe dax_hmem &&
		wait_for 10 test -e /sys/bus/dax/devices/dax0.0 || return 1
	daxctl disable-device dax0.0 >/dev/null 2>&1
	echo 0 >/sys/bus/dax/devices/dax0.0/size &&
		dax_create D1 256M && dax_create D2 256M &&
		[ "$D1" = dax0.1 ] && [ "$D2" = dax0.2 ] &&
		[ $(($(dev_start dax0.2) - $(dev_start dax0.1))) = $((256 * M)) ]
}

# (a) Range starts are checked against the device alignment: a 1G device
# after two 256M devices (daxctl sets the alignment, then the size).
case_a() {
	daxtool fill /dev/dax0.1 0 2M 11 >/dev/null
	if dax_create D3 1G 1G >/tmp/a.out; then
		ok "(a) daxctl create-device -s 1G -a 1G after two 256M devices"
	else
		not_ok "(a) daxctl create-device -s 1G -a 1G after two 256M devices"
		diag /tmp/a.out
		return
	fi
	start=$(dev_start "$D3")
	echo "# $D3 starts at $start, dax0.1 at $(dev_start dax0.1)"
	check "(a) $D3 starts at a 1 GiB boundary" test $((start % G)) = 0
	check "(a) write the first 2 MiB of $D3" daxtool fill "/dev/$D3" 0 2M 33
	check "(a) dax0.1 keeps its data" daxtool check /dev/dax0.1 0 2M 11
	check "(a) $D3 reads back its data" daxtool check "/dev/$D3" 0 2M 33
}

# (b) A device that is not alive does not open: another file of it is held
# open across the disable, so the node's inode keeps its cdev.
case_b() {
	exec 3</dev/dax0.2
	check "(b) disable dax0.2 with a file of it open" daxctl disable-device dax0.2
	check "(b) open of the disabled dax0.2 fails with ENXIO" dax_core_repro reopen /dev/dax0.2
	# Stock: the open succeeds and this mmap() oopses.
	check "(b) no file of the disabled dax0.2 to mmap" dax_core_repro reopen-mmap /dev/dax0.2
	exec 3<&-
	check "(b) enable dax0.2 again" daxctl enable-device dax0.2
}

# (c) A failed probe leaves no page map behind. iomemhold (tests/kmod)
# holds dax0.2's range busy, so device_dax's probe fails to reserve it;
# once the range is free, the device binds again. A stock kernel keeps the
# devres-freed page map in dev_dax->pgmap: every later probe fails with
# "dynamic-dax with pre-populated page map" until the device is destroyed.
case_c() {
	daxctl disable-device dax0.2 >/dev/null 2>&1
	start=$(dev_start dax0.2)
	size=$(dev_size dax0.2)
	if ! modprobe iomemhold start="$start" size="$size"; then
		not_ok "(c) modprobe iomemhold over dax0.2's range"
		return
	fi
	check "(c) dax0.2 does not bind while its range is held busy" \
		fails daxctl enable-device dax0.2
	check "(c) rmmod iomemhold" rmmod iomemhold
	check "(c) dax0.2 binds once its range is free" daxctl enable-device dax0.2
	check "(c) dax0.2 maps" daxtool fill /dev/dax0.2 0 2M 66
	dmesg | grep "dax0.2" | tail -n 4 | diag
}

# (e) A device enabled again while a file of its previous enable is open
# keeps a working character device: the old file closes cleanly and new
# files open. A stock kernel re-initialises the cdev under the open file:
# its close drops the new cdev's reference ("refcount_t: underflow" at the
# next disable), and every later open fails with ENXIO.
case_e() {
	dmesg -c >/dev/null
	# exec of a failed redirection would end the shell
	(: </dev/dax0.2) 2>/dev/null || { not_ok "(e) open dax0.2"; return; }
	exec 3</dev/dax0.2
	check "(e) disable dax0.2 with a file of it open" daxctl disable-device dax0.2
	check "(e) enable dax0.2 again, that file still open" daxctl enable-device dax0.2
	check "(e) a new file of dax0.2 maps" daxtool fill /dev/dax0.2 0 2M 77
	exec 3<&-
	check "(e) dax0.2 maps after the old file's close" daxtool check /dev/dax0.2 0 2M 77
	check "(e) disable dax0.2 once more" daxctl disable-device dax0.2
	check "(e) enable dax0.2 once more" daxctl enable-device dax0.2
	check "(e) dax0.2 maps after that" daxtool check /dev/dax0.2 0 2M 77
	log_lacks e "refcount_t\|WARNING:" "no refcount complaint in the kernel log"
}

# (k) As (e), for fsdev_dax, the dax driver of famfs: a file of dax0.2
# held open while fsdev_dax is unbound and bound again. A stock kernel
# reinitialises the cdev under that file the same way.
FSDEV=/sys/bus/dax/drivers/fsdev_dax
case_k() {
	modprobe fsdev_dax 2>/dev/null
	[ -d $FSDEV ] || { not_ok "(k) the fsdev_dax driver"; return; }
	dmesg -c >/dev/null
	# A file of device_dax's, held across the switch to fsdev_dax: the
	# node still opens through device_dax's cdev then, which must not
	# let device_dax map memory fsdev_dax serves.
	(: </dev/dax0.2) 2>/dev/null || { not_ok "(k) open dax0.2"; return; }
	exec 4</dev/dax0.2
	daxctl disable-device dax0.2 >/dev/null 2>&1
	# new_id makes the driver match dax0.2, and binds it.
	check "(k) fsdev_dax binds dax0.2" sh -c "echo dax0.2 >$FSDEV/new_id && test -e $FSDEV/dax0.2"
	check "(k) no device_dax mapping of dax0.2 while fsdev_dax serves it" \
		fails daxtool fill /dev/dax0.2 0 2M 1
	exec 4<&-
	(: </dev/dax0.2) 2>/dev/null || { not_ok "(k) open dax0.2"; return; }
	exec 3</dev/dax0.2
	check "(k) unbind fsdev_dax with a file of dax0.2 open" sh -c "echo dax0.2 >$FSDEV/unbind"
	check "(k) bind fsdev_dax again, that file still open" sh -c "echo dax0.2 >$FSDEV/bind"
	exec 3<&-
	check "(k) dax0.2 opens after the old file's close" sh -c ": </dev/dax0.2"
	check "(k) unbind fsdev_dax once more" sh -c "echo dax0.2 >$FSDEV/unbind"
	echo dax0.2 >$FSDEV/remove_id
	log_lacks k "refcount_t\|WARNING:" "no refcount complaint in the kernel log"
	check "(k) device_dax serves dax0.2 again" daxctl enable-device dax0.2
}

# (d) A file offset inside an alignment unit is refused.
case_d() {
	check "(d) mmap of dax0.1 (2M) at file offset 4K is refused" \
		dax_core_repro pgoff /dev/dax0.1
	check "(d) a mapping at offset 0 still works" daxtool fill /dev/dax0.1 0 4M 44
}

# (h) No range is added to a bound device through the mapping attribute;
# an unbound one still takes it (daxctl restores configurations so).
case_h() {
	size=$(dev_size dax0.1)
	free=$(($(dev_start dax0.2) + 256 * M))
	range=$(printf '%#x-%#x' $free $((free + 2 * M - 1)))
	echo "# free range $range"
	if echo "$range" >/sys/bus/dax/devices/dax0.1/mapping 2>/tmp/h.err; then
		not_ok "(h) mapping $range refused for the enabled dax0.1"
	else
		ok "(h) mapping $range refused for the enabled dax0.1"
		diag /tmp/h.err
	fi
	check "(h) dax0.1 keeps its size" test "$(dev_size dax0.1)" = "$size"
	# The next 2 MiB: on a stock kernel dax0.1 has taken $range.
	range=$(printf '%#x-%#x' $((free + 2 * M)) $((free + 4 * M - 1)))
	daxctl disable-device dax0.2 >/dev/null 2>&1
	check "(h) mapping $range added to the disabled dax0.2" \
		sh -c "echo $range >/sys/bus/dax/devices/dax0.2/mapping"
	check "(h) dax0.2 grew by 2 MiB" test "$(dev_size dax0.2)" = $((258 * M))
	check "(h) shrink dax0.2 back" sh -c "echo $((256 * M)) >/sys/bus/dax/devices/dax0.2/size"
	check "(h) enable dax0.2 again" daxctl enable-device dax0.2
}

# (f) device_dax maps a BAR that dax_pci_p2p reserved write-combining with
# that type, at 1G, 2M and 4K (the leaf page-table entries). On stock 7.3
# this needs a dax_pci_p2p built to let device_dax serve every size
# (upstream-check builds it so).
case_f() {
	modprobe pteprobe || { not_ok "(f) modprobe pteprobe"; return; }
	modprobe dax_pci_p2p ids=1af4:1110 || { not_ok "(f) modprobe dax_pci_p2p"; return; }
	bdf=$(find_pci 0x1af4 0x1110)
	wait_for 10 test -e "/sys/bus/pci/devices/$bdf/dax_region/id" ||
		{ not_ok "(f) a dax region on $bdf"; return; }
	dev=dax$(region_id "$bdf").0
	wait_for 10 dax_ready "$dev" || { not_ok "(f) $dev"; return; }
	for a in 1G 2M 4K; do
		daxctl disable-device "$dev" >/dev/null 2>&1
		daxctl reconfigure-device -s 2G -a $a "$dev" >/dev/null 2>&1
		check "(f) align $a: daxctl enable-device $dev" daxctl enable-device "$dev"
		check "(f) align $a: served by device_dax" \
			test "$(basename "$(readlink "/sys/bus/dax/devices/$dev/driver")")" = device_dax
		check_out /tmp/mt.out "(f) align $a: maps WC" memtype -v -e WC "/dev/$dev"
	done
}

# (i) mremap() of a 1 GiB mapping moves its 1 GiB entry. A stock kernel
# takes the huge entry for a bad page table: "bad pud", the entry cleared
# without its rmap, folio reference and RSS count (7.x: "Bad rss-counter
# state" when the process exits).
# need_1g X: for case X, pteprobe and G1, a 1G device at a 1 GiB boundary
# on every kernel: (a)'s if it ran, else a 512M spacer after dax0.2 and 1G
# after it, at +1G. A test line and a non-zero status if either is missing.
need_1g() {
	modprobe pteprobe || { not_ok "($1) modprobe pteprobe"; return 1; }
	G1=
	for d in /sys/bus/dax/devices/dax0.*; do
		n=$(basename "$d")
		[ "$(cat "$d/align")" = $G ] && dax_ready "$n" &&
			[ $(($(dev_start "$n") % G)) = 0 ] && G1=$n
	done
	[ -n "$G1" ] || { dax_create S 512M 2M && dax_create G1 1G 1G; } >/tmp/1g.out && return 0
	not_ok "($1) a 1G device at a 1 GiB boundary"
	diag /tmp/1g.out
	return 1
}

case_i() {
	need_1g i || return
	echo "# $G1 at $(dev_start "$G1")"
	dmesg -c >/dev/null
	check_out /tmp/i.out "(i) mremap of $G1's 1 GiB mapping moves the 1 GiB entry, data intact" \
		dax_core_repro mremap "/dev/$G1"
	log_lacks i "bad pud\|Bad rss-counter" "no \"bad pud\" or RSS counter complaint in the kernel log"
}

# (j) Reading /proc/PID/smaps neither drops a 1 GiB entry nor leaves it
# out of Rss. A stock kernel's smaps walk has no PUD handler: it splits,
# that is zaps, the entry, and counts nothing.
case_j() {
	need_1g j || return
	check_out /tmp/j.out "(j) reading smaps keeps $G1's 1 GiB entry and counts it in Rss" \
		dax_core_repro smaps "/dev/$G1"
}

if setup >/tmp/setup.out 2>&1; then
	ok "setup: dax0.1 and dax0.2, 256M each, at the start of the hmem region"
else
	not_ok "setup: dax0.1 and dax0.2, 256M each, at the start of the hmem region"
	diag /tmp/setup.out
	daxctl list -R -D -u 2>&1 | diag
	exit 1
fi
for c in $cases; do
	case $c in
	a | b | c | d | e | f | h | i | j | k) "case_$c" ;;
	*) not_ok "no reproducer ($c)" ;;
	esac
done
kernel_log_clean
