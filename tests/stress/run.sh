#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax lifecycle stress suite: runs as /tests/run.sh inside the QEMU guest
# (busybox sh, see tests/qemu/run-suite.sh), prints TAP. Bounded: every wait
# has a limit, every kernel operation runs under timeout(1).
#
#  1. 100 cycles of PCI unbind/bind of the ivshmem device (1af4:1110) through
#     /sys/bus/pci/drivers/dax_pci_p2p/{unbind,bind}, while "daxtool churn"
#     keeps writing and checking a range of /dev/daxX.0: it must get SIGBUS at
#     each unbind, remap at each bind, and find its data kept every time.
#  2. 100 cycles of daxctl create-device / disable-device / destroy-device of
#     a quarter-BAR device next to dax0.0 (shrunk to half the BAR), with a
#     second churn on the created device and "daxtool hold" keeping dax0.0
#     mapped throughout; dax0.0's data must be intact at the end.
#  For each loop: the total time, and Slab/SUnreclaim/MemFree (and
#  nr_memmap_pages where /proc/vmstat has it) at cycle 10 and cycle 100 in
#  the same state, after dropping caches; growth beyond the bounds below
#  fails. tests/stress/host-post.sh then checks the BAR file: every range
#  written holds what the guest says it left there, and nothing else was
#  written.

set -u
cd /tests || exit 1
. ./layout.sh

. ./lib.sh
CYCLES=100
SAMPLE_AT=10		# first memory sample; the second is at $CYCLES
OP_TIMEOUT=60		# s, for one bind, unbind or daxctl command
WAIT=20			# s, for a device node or a churn process to catch up

# Growth bounds from cycle $SAMPLE_AT to cycle $CYCLES ($CYCLES - $SAMPLE_AT
# = 90 cycles), in the same state, after drop_caches:
# - SUnreclaim: 512 KiB. The samples are taken with the test's own processes
#   stopped, after drop_caches and a shrink of every slab cache, but a slab
#   stays allocated while one object in it is: one more partly used slab (up
#   to 32 KiB) in each of a dozen caches is fragmentation, not a leak. Seen
#   without the stop and the shrink: 144 to 280 KiB. 512 KiB over 90 cycles
#   still catches a leak of about 6 KiB per cycle (one dax device's struct
#   device, sysfs nodes, devres and resources).
# - MemFree: 8 MiB. Page allocator noise is the per-cpu page lists (up to a
#   few MiB with 2 CPUs, not in MemFree and not drained by drop_caches) plus
#   the slab slack. A 256 MiB BAR's memmap is 4 MiB (64-byte struct page per
#   4 KiB page): leaking it once per cycle loses 360 MiB; 8 MiB catches any
#   page-allocator leak above ~91 KiB per cycle, e.g. one memmap of a 2 MiB
#   device (32 KiB) three times over.
# - nr_memmap_pages (6.11+): 0. It counts the memmap pages exactly, with no
#   cache in between: in the same state it must be the same number.
SUNRECLAIM_BOUND_KB=512
MEMFREE_BOUND_KB=8192
MEMMAP_BOUND_PAGES=0

# bounded CMD [ARG...]: CMD killed after $OP_TIMEOUT s (status 137). A task
# stuck in the kernel survives SIGKILL, but the suite goes on and says so.
bounded() { timeout -s KILL $OP_TIMEOUT "$@"; }

# Uptime in centiseconds, without a fork.
now_cs() {
	read -r up _ < /proc/uptime
	now=$(( ${up%.*} * 100 + 1${up#*.} - 100 ))
}
# secs CS: "12.34"
secs() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

unbound() { [ ! -e "/sys/bus/pci/devices/$IV/driver" ]; }
dax_gone() { [ ! -e "/sys/bus/dax/devices/$1" ] && [ ! -e "/dev/$1" ]; }

# churn_caught_up STATUSFILE MAPS: the churn process has mapped the device
# MAPS times and completed a round on the last mapping.
churn_caught_up() {
	[ -r "$1" ] || return 1
	read -r c_maps c_rounds c_sigbus c_maprounds < "$1" || return 1
	[ "$c_maps" -ge "$2" ] && [ "$c_maprounds" -ge 1 ]
}

# shrink_slabs: flush every slab cache's per-cpu slabs and free its empty
# slabs (SLUB's /sys/kernel/slab/*/shrink), so that SUnreclaim counts the
# slabs that hold objects, not what each CPU happened to keep.
shrink_slabs() {
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 > "$f" 2>/dev/null
	done
}

# sample TAG [PID...]: stop the PIDs (the test's processes that keep running
# through the loops), drop caches and shrink the slabs, then record Slab, SUnreclaim,
# MemFree, MemFree plus the pages on the per-cpu free lists (which MemFree
# leaves out and drop_caches does not drain; kB), nr_memmap_pages (or "n/a")
# and the number of tasks in TAG_slab, TAG_sunr, TAG_free, TAG_freepcp,
# TAG_memmap, TAG_tasks; /proc/slabinfo in /tmp/slabinfo.TAG.
sample() {
	t=$1
	shift
	[ $# = 0 ] || kill -STOP "$@"
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1		# RCU-deferred frees (files, kernfs nodes)
	echo 3 > /proc/sys/vm/drop_caches
	shrink_slabs
	eval "$(awk -v t="$t" -v tasks="$(ls -d /proc/[0-9]* | wc -l)" '
		/^Slab:/ { slab = $2 } /^SUnreclaim:/ { sunr = $2 } /^MemFree:/ { free = $2 }
		/^nr_memmap_pages / || /^nr_memmap / { memmap = $2 }
		$1 == "count:" { pcp += $2 }
		END { printf "%s_slab=%s %s_sunr=%s %s_free=%s %s_freepcp=%s %s_memmap=%s %s_tasks=%s\n",
			t, slab, t, sunr, t, free, t, free + pcp * 4, t,
			(memmap == "" ? "n/a" : memmap), t, tasks }
	' /proc/meminfo /proc/vmstat /proc/zoneinfo)"
	cat /proc/slabinfo > "/tmp/slabinfo.$t" 2>/dev/null
	[ $# = 0 ] || kill -CONT "$@"
}

# report_memory WHAT A B: print the two samples and judge the growth.
report_memory() {
	what=$1 a=$2 b=$3
	eval "as=\$${a}_slab au=\$${a}_sunr af=\$${a}_free ap=\$${a}_freepcp am=\$${a}_memmap at=\$${a}_tasks"
	eval "bs=\$${b}_slab bu=\$${b}_sunr bf=\$${b}_free bp=\$${b}_freepcp bm=\$${b}_memmap bt=\$${b}_tasks"
	echo "# $what: at cycle $SAMPLE_AT:  Slab $as kB, SUnreclaim $au kB, MemFree $af kB (+ per-cpu lists: $ap kB), nr_memmap_pages $am, $at tasks"
	echo "# $what: at cycle $CYCLES: Slab $bs kB, SUnreclaim $bu kB, MemFree $bf kB (+ per-cpu lists: $bp kB), nr_memmap_pages $bm, $bt tasks"
	awk 'FNR == 1 { f++ } /^#|^slabinfo/ { next } { sum[f] += $2 * $4 }
	     END { printf "# %s: slab objects in use (all caches, no fragmentation): %d kB at cycle %d, %d kB at cycle %d\n",
		   w, sum[1] / 1024, s1, sum[2] / 1024, s2 }
	' w="$what" s1=$SAMPLE_AT s2=$CYCLES "/tmp/slabinfo.$a" "/tmp/slabinfo.$b"
	echo "# $what: slab caches that grew most (kB of active objects):"
	awk 'FNR == 1 { f++ } /^#|^slabinfo/ { next }
	     f == 1 { a[$1] = $2 * $4 } f == 2 { d = $2 * $4 - a[$1]; if (d > 0) print int(d / 1024 + 0.5), $1 }
	' "/tmp/slabinfo.$a" "/tmp/slabinfo.$b" | sort -rn | head -n 5 | sed 's/^/#   +/'
	g=$((bu - au))
	if [ $g -le $SUNRECLAIM_BOUND_KB ]; then
		ok "$what: SUnreclaim growth from cycle $SAMPLE_AT to $CYCLES is $g kB (bound $SUNRECLAIM_BOUND_KB kB)"
	else
		not_ok "$what: SUnreclaim growth from cycle $SAMPLE_AT to $CYCLES is $g kB (bound $SUNRECLAIM_BOUND_KB kB)"
	fi
	g=$((ap - bp))
	if [ $g -le $MEMFREE_BOUND_KB ]; then
		ok "$what: MemFree (+ per-cpu lists) drop from cycle $SAMPLE_AT to $CYCLES is $g kB (bound $MEMFREE_BOUND_KB kB)"
	else
		not_ok "$what: MemFree (+ per-cpu lists) drop from cycle $SAMPLE_AT to $CYCLES is $g kB (bound $MEMFREE_BOUND_KB kB)"
	fi
	if [ "$am" = n/a ] || [ "$bm" = n/a ]; then
		skip "$what: nr_memmap_pages growth" "no nr_memmap_pages in /proc/vmstat (before 6.11); MemFree covers the memmap"
	else
		g=$((bm - am))
		if [ $g -le $MEMMAP_BOUND_PAGES ]; then
			ok "$what: nr_memmap_pages growth from cycle $SAMPLE_AT to $CYCLES is $g (bound $MEMMAP_BOUND_PAGES)"
		else
			not_ok "$what: nr_memmap_pages growth from cycle $SAMPLE_AT to $CYCLES is $g (bound $MEMMAP_BOUND_PAGES)"
		fi
	fi
}

# timing WHAT TOTAL_CS MAX_CS DONE
timing() {
	if [ "$4" -gt 0 ]; then
		echo "# $1: $4 cycles in $(secs "$2") s, $(secs $(($2 / $4))) s per cycle on average, slowest $(secs "$3") s"
	fi
}

# stop_churn WHAT PID OUT STOPFILE: stop a churn process (bounded), show its
# report, and set c_rc, c_rounds, c_maps, c_sigbus, c_kept, c_mism.
stop_churn() {
	touch "$4"
	wait_for $WAIT exited "$2" || kill -9 "$2"
	wait "$2"
	c_rc=$?
	diag "$3"
	# shellcheck disable=SC2046
	set -- $(sed -n 's/^churn: \([0-9]*\) rounds, \([0-9]*\) maps, \([0-9]*\) SIGBUS, \([0-9]*\) remaps found the data kept, \([0-9]*\) mismatches$/\1 \2 \3 \4 \5/p' "$3") x x x x x
	c_rounds=$1 c_maps=$2 c_sigbus=$3 c_kept=$4 c_mism=$5
}

# expect_eq DESC GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1: $2"; else not_ok "$1: $2, want $3"; fi
}

# bar_expect WHAT OUT BASE: turn churn's "final seed" lines into lines for
# host-post.sh, "# bar-expect BASE OFF LEN SEED WHAT": the pattern SEED as
# written from offset 0 of a device at BAR offset BASE, at BAR offset OFF.
bar_expect() {
	sed -n 's/^churn: final seed \([0-9]*\) at offset \(0x[0-9a-f]*\) length \(0x[0-9a-f]*\)$/\1 \2 \3/p' "$2" |
	while read -r s o l; do
		echo "# bar-expect $3 $(($3 + o)) $((l)) $s $1"
	done
}

IV=$(find_pci 0x1af4 0x1110) || { not_ok "ivshmem device present"; exit 1; }
# shellcheck disable=SC2046
set -- $(sed -n 3p "/sys/bus/pci/devices/$IV/resource")
BAR_START=$(($1))
stress_layout $(($2 - $1 + 1))
echo "# kernel $(uname -r), ivshmem $IV, BAR2 $((BAR_SIZE >> 20)) MiB, $(nproc) CPUs"

# align=2M: the layout's sizes are multiples of 2 MiB; the automatic choice
# would be 1 GiB for a 1 GiB-aligned BAR of 1 GiB or more.
check "modprobe $DRV ids=1af4:1110 align=2M" bounded /sbin/modprobe $DRV ids=1af4:1110 align=2M
if ! wait_for $WAIT bound_to_us "$IV"; then
	not_ok "$DRV bound to $IV after modprobe"
	exit 1
fi
REG=$(cat "/sys/bus/pci/devices/$IV/dax_region/id")
DAX=dax$REG.0
check "/dev/$DAX ready" wait_for $WAIT dax_ready "$DAX"
dmesg -c > /dev/null

# ----------------------------------------------------------- 1: bind/unbind
ln -sf "/dev/$DAX" /tmp/c1.dev
rm -f /tmp/c1.st /tmp/c1.stop
daxtool churn /tmp/c1.dev $C1_OFF $C1_LEN $C1_SEED /tmp/c1.st /tmp/c1.stop > /tmp/c1.out 2>&1 &
c1=$!
fail1=''
wait_for $WAIT churn_caught_up /tmp/c1.st 1 || fail1="churn did not map $DAX and complete a round"
done1=0 max1=0 total1=0
while [ -z "$fail1" ] && [ $done1 -lt $CYCLES ]; do
	i=$((done1 + 1))
	now_cs
	tc=$now
	if ! bounded sh -c "echo $IV > $DRVDIR/unbind" 2>/tmp/op.err; then
		fail1="cycle $i: unbind failed: $(cat /tmp/op.err)"
	elif ! unbound || ! wait_for $WAIT dax_gone "$DAX"; then
		fail1="cycle $i: $IV still bound or $DAX still there after unbind"
	elif ! bounded sh -c "echo $IV > $DRVDIR/bind" 2>/tmp/op.err; then
		fail1="cycle $i: bind failed: $(cat /tmp/op.err)"
	elif ! bound_to_us "$IV"; then
		fail1="cycle $i: $IV not bound to $DRV after bind"
	else
		REG=$(cat "/sys/bus/pci/devices/$IV/dax_region/id")
		new=dax$REG.0
		if [ "$new" != "$DAX" ]; then
			echo "# cycle $i: the device is now $new (was $DAX)"
			DAX=$new
			ln -sf "/dev/$DAX" /tmp/c1.dev
		fi
		if ! wait_for $WAIT dax_ready "$DAX"; then
			fail1="cycle $i: /dev/$DAX not ready after bind"
		elif ! wait_for $WAIT churn_caught_up /tmp/c1.st $((i + 1)); then
			fail1="cycle $i: churn did not remap $DAX and complete a round (status: $(cat /tmp/c1.st))"
		fi
	fi
	[ -z "$fail1" ] || break
	done1=$i
	now_cs
	total1=$((total1 + now - tc))
	[ $((now - tc)) -le $max1 ] || max1=$((now - tc))
	# At the end of the cycle: bound, churn mapped; the sample's own
	# time is not the loop's.
	if [ $i = $SAMPLE_AT ] || [ $i = $CYCLES ]; then
		sample b$i $c1
	fi
done
if [ -z "$fail1" ]; then
	ok "bind/unbind: $CYCLES cycles, each bound, served, remapped by the churn, unbound"
else
	not_ok "bind/unbind: $CYCLES cycles ($done1 done; $fail1)"
fi
timing "bind/unbind" $total1 $max1 $done1
stop_churn "bind/unbind" $c1 /tmp/c1.out /tmp/c1.stop
expect_eq "bind/unbind churn: exit status" $c_rc 0
expect_eq "bind/unbind churn: maps (the first + one per bind)" "$c_maps" $((done1 + 1))
expect_eq "bind/unbind churn: SIGBUS (one per unbind)" "$c_sigbus" $done1
expect_eq "bind/unbind churn: remaps that found the data kept" "$c_kept" $done1
expect_eq "bind/unbind churn: mismatches" "$c_mism" 0
echo "# bind/unbind churn: $c_rounds touch rounds of $((C1_LEN >> 10)) KiB"
bar_expect "bind/unbind churn" /tmp/c1.out 0
if [ $done1 = $CYCLES ]; then
	report_memory "bind/unbind" b$SAMPLE_AT b$CYCLES
else
	not_ok "bind/unbind: memory growth (the loop did not finish)"
fi
dmesg -c > /tmp/dmesg1
grep -v "$DRV\|device_dax\|dax_pmem\|^$" /tmp/dmesg1 | head -n 20 | diag

# ------------------------------------------------- 2: create/destroy device
# create_new: daxctl create-device; sets NEW to the name daxctl printed.
create_new() {
	bounded daxctl create-device -r "$REG" -s $NEW_SIZE > /tmp/create.out 2>&1 || return 1
	NEW=$(sed -n 's/.*"chardev":"\(dax[0-9.]*\)".*/\1/p' /tmp/create.out | head -n 1)
	[ -n "$NEW" ]
}

if [ "$CARVE" = 0 ]; then
	skip "create/destroy loop" "a ${BAR_SIZE}-byte BAR is too small to carve (needs 8 MiB)"
elif ! bound_to_us "$IV" || ! dax_ready "$DAX"; then
	not_ok "create/destroy loop: $DAX not available after the bind/unbind loop"
else
	check "daxctl disable-device $DAX" bounded daxctl disable-device "$DAX"
	check "daxctl reconfigure-device -s $((SEED_SIZE >> 20))M $DAX" \
		bounded daxctl reconfigure-device -s $((SEED_SIZE >> 20))M "$DAX"
	check "daxctl enable-device $DAX" bounded daxctl enable-device "$DAX"
	check "$DAX is $SEED_SIZE bytes now" grep -qx $SEED_SIZE "/sys/bus/dax/devices/$DAX/size"
	check "fill $DAX [0, $H_LEN) with seed $H_SEED" daxtool fill "/dev/$DAX" 0 $H_LEN $H_SEED
	check "fill $DAX [$((SEED_SIZE - H_LEN)), $SEED_SIZE) with seed $H_SEED" \
		daxtool fill "/dev/$DAX" $((SEED_SIZE - H_LEN)) $H_LEN $H_SEED
	rm -f /tmp/hready
	daxtool hold "/dev/$DAX" $((SEED_SIZE - H_LEN)) $H_LEN /tmp/hready > /tmp/hold.out 2>&1 &
	hp=$!
	fail2=''
	wait_for $WAIT test -e /tmp/hready || fail2="hold on $DAX did not start"

	rm -f /tmp/c2.st /tmp/c2.stop /tmp/c2.dev
	daxtool churn /tmp/c2.dev 0 $C2_LEN $C2_SEED /tmp/c2.st /tmp/c2.stop > /tmp/c2.out 2>&1 &
	c2=$!
	done2=0 max2=0 total2=0 names='' want_res=$((BAR_START + SEED_SIZE))
	while [ -z "$fail2" ] && [ $done2 -lt $CYCLES ]; do
		i=$((done2 + 1))
		now_cs
		tc=$now
		if ! create_new; then
			fail2="cycle $i: daxctl create-device failed: $(cat /tmp/create.out)"
		elif ! wait_for $WAIT dax_ready "$NEW"; then
			fail2="cycle $i: /dev/$NEW not ready after create-device"
		elif [ "$(($(cat "/sys/bus/dax/devices/$NEW/resource")))" != $want_res ]; then
			fail2="cycle $i: $NEW starts at $(cat "/sys/bus/dax/devices/$NEW/resource"), not right after $DAX"
		else
			case " $names " in *" $NEW "*) ;; *) names="$names $NEW" ;; esac
			ln -sf "/dev/$NEW" /tmp/c2.dev
			if ! wait_for $WAIT churn_caught_up /tmp/c2.st $i; then
				fail2="cycle $i: churn did not map $NEW and complete a round (status: $(cat /tmp/c2.st 2>&1))"
			elif [ $i = $SAMPLE_AT ] || [ $i = $CYCLES ]; then
				# Created, churn mapped; the sample's own time
				# is not the loop's.
				now_cs
				tc=$((tc - now))
				sample c$i $c2 $hp
				now_cs
				tc=$((tc + now))
			fi
		fi
		if [ -z "$fail2" ]; then
			if ! bounded daxctl disable-device "$NEW" > /tmp/op.err 2>&1; then
				fail2="cycle $i: daxctl disable-device $NEW failed: $(cat /tmp/op.err)"
			elif ! bounded daxctl destroy-device "$NEW" > /tmp/op.err 2>&1; then
				fail2="cycle $i: daxctl destroy-device $NEW failed: $(cat /tmp/op.err)"
			elif [ -e "/dev/$NEW" ]; then
				fail2="cycle $i: /dev/$NEW still there after destroy-device"
			fi
		fi
		[ -z "$fail2" ] || break
		done2=$i
		now_cs
		total2=$((total2 + now - tc))
		[ $((now - tc)) -le $max2 ] || max2=$((now - tc))
	done
	if [ -z "$fail2" ]; then
		ok "create/destroy: $CYCLES cycles of a $((NEW_SIZE >> 20)) MiB device, each created after $DAX, served, remapped by the churn, disabled, destroyed"
	else
		not_ok "create/destroy: $CYCLES cycles ($done2 done; $fail2)"
	fi
	echo "# create/destroy: device names used:$names"
	timing "create/destroy" $total2 $max2 $done2
	stop_churn "create/destroy" $c2 /tmp/c2.out /tmp/c2.stop
	expect_eq "create/destroy churn: exit status" $c_rc 0
	expect_eq "create/destroy churn: maps (one per created device)" "$c_maps" $done2
	expect_eq "create/destroy churn: SIGBUS (one per disable-device)" "$c_sigbus" $done2
	expect_eq "create/destroy churn: remaps that found the data kept" "$c_kept" $((done2 > 0 ? done2 - 1 : 0))
	expect_eq "create/destroy churn: mismatches" "$c_mism" 0
	echo "# create/destroy churn: $c_rounds touch rounds of $((C2_LEN >> 10)) KiB"
	bar_expect "create/destroy churn" /tmp/c2.out $SEED_SIZE

	# hold must still be running: SIGTERM makes it exit 3 ("never lost its device").
	kill -TERM $hp 2>/dev/null
	wait_for $WAIT exited $hp || kill -9 $hp
	wait $hp
	rc=$?
	diag /tmp/hold.out
	expect_eq "$DAX held mapped throughout: hold's exit status on SIGTERM (3: never lost its device)" $rc 3
	check "$DAX data intact at [0, $H_LEN)" daxtool check "/dev/$DAX" 0 $H_LEN $H_SEED
	check "$DAX data intact at [$((SEED_SIZE - H_LEN)), $SEED_SIZE)" \
		daxtool check "/dev/$DAX" $((SEED_SIZE - H_LEN)) $H_LEN $H_SEED
	echo "# bar-expect 0 0 $H_LEN $((H_SEED)) $DAX head"
	echo "# bar-expect 0 $((SEED_SIZE - H_LEN)) $H_LEN $((H_SEED)) $DAX tail"
	if [ $done2 = $CYCLES ]; then
		report_memory "create/destroy" c$SAMPLE_AT c$CYCLES
	else
		not_ok "create/destroy: memory growth (the loop did not finish)"
	fi
	dmesg -c > /tmp/dmesg2
	grep -v "$DRV\|device_dax\|^$" /tmp/dmesg2 | head -n 20 | diag
fi

# ------------------------------------------------------------------ the end
check "rmmod $DRV" bounded /sbin/rmmod $DRV
check "nothing left: $IV unbound, no dax device" sh -c \
	"[ ! -e /sys/bus/pci/devices/$IV/driver ] && [ -z \"\$(ls /sys/bus/dax/devices)\" ] && ! grep -q $DRV /proc/iomem"
