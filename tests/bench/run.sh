#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax benchmark suite: runs as /tests/run.sh inside the QEMU guest
# (busybox sh, see tests/qemu/), booted by tests/bench/bench.sh with a 2 GiB
# ivshmem BAR (--bar-size 2G). A benchmark, not a test: the TAP lines only
# say that each measurement ran and makes sense; the figures are "# bench:"
# comment lines of key=value pairs that bench.sh turns into a table.
#
# 1. Raw BAR, before dax_pci_p2p is even loaded: daxbench on
#    /sys/bus/pci/devices/<bdf>/resource2 and resource2_wc (1 GiB).
# 2. For each alignment 4K, 2M, 1G: set the align parameter, bind, measure
#    the memory the bind took (page structures for the whole BAR), run
#    daxbench on /dev/daxX.0 (1 GiB), unbind, measure what came back.
#
# Records (one line each, fields in any order):
#   # bench: kver=K path=P align=A bar=BYTES tag=T <daxbench's fields>
#       P is resource2, resource2_wc or dax; daxbench prints size, va_align,
#       mmap_ns, mmap_minflt, touch_ns, minflt, majflt, write_bytes,
#       write_ns, munmap_ns
#   # bench-memmap: kver=K align=A bar=BYTES bind_ms=N bind_kib=N
#       unbind_kib=N memfree_bind_kib=N memfree_unbind_kib=N
#       vmstat_bind_pages=N|- vmstat_unbind_pages=N|-
#       bind_kib: free memory before bind minus after, free being MemFree
#       plus the per-CPU free lists (caches dropped and the per-CPU counters
#       folded on both sides); unbind_kib: free memory after unbind minus
#       before; memfree_*: the same from MemFree alone; vmstat_*: the change
#       of /proc/vmstat
#       nr_memmap_pages across the same steps ("-" where the kernel has no
#       such counter); bind_ms: the bind itself, 10 ms resolution
#   # bench-stamp: tag=T size=N
#       after each run that wrote the stamp: the host checks the last one
#       in the BAR file (host-post.sh)

set -u
cd /tests || exit 1

. ./lib.sh
. ./daxkernel.sh

BAR=2
SIZE=$((1 << 30))	# every mapping measured
KVER=$(uname -r)
PATH=/tests/bin:$PATH

# bytes ALIGN: 4K -> 4096 and so on.
bytes() {
	case $1 in
	4K) echo 4096 ;;
	2M) echo $((2 << 20)) ;;
	1G) echo $((1 << 30)) ;;
	esac
}

# The kernel's page structure accounting, read the same way on every side of
# a bind: page cache and slab caches dropped, then the per-CPU counter deltas
# folded into the global counters (vm/stat_refresh), so MemFree is exact up
# to the pages the per-CPU free lists hold.
settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	echo 1 > /proc/sys/vm/stat_refresh 2>/dev/null
}
memfree_kib() { sed -n 's/^MemFree: *\([0-9]*\) kB$/\1/p' /proc/meminfo; }
# Free memory in KiB counting the pages parked on the per-CPU free lists
# too: MemFree leaves those out, and the lists (up to a few MiB on this
# guest, order-0 and 2 MiB pages alike) take and give back what a bind
# allocates and an unbind frees before the zone counters see it.
free_kib() {
	pcp=$(sed -n 's/^ *count: *\([0-9]*\)$/\1/p' /proc/zoneinfo | awk '{ n += $1 } END { print n + 0 }')
	echo $(($(memfree_kib) + pcp * 4))
}
# nr_memmap_pages (6.11+), or "-".
memmap_pages() {
	v=$(sed -n 's/^nr_memmap_pages \([0-9]*\)$/\1/p' /proc/vmstat)
	echo "${v:--}"
}
# vmstat_delta A B: B - A, or "-" if either is "-".
vmstat_delta() {
	if [ "$1" = - ] || [ "$2" = - ]; then echo -; else echo $(($2 - $1)); fi
}
# Uptime in units of 10 ms.
uptime_cs() {
	read -r up _ < /proc/uptime
	echo "${up%.*}${up#*.}" | sed 's/^0*//; s/^$/0/'
}

# field NAME FILE: the value of NAME=... in the key=value line in FILE.
field() { tr ' ' '\n' < "$2" | sed -n "s/^$1=//p"; }

# The memory types PAT has on record inside the BAR.
pat_types() {
	sed -n 's/^PAT: \[mem 0x\([0-9a-f]*\)-0x\([0-9a-f]*\)\] \(.*\)$/\1 \2 \3/p' \
		/sys/kernel/debug/x86/pat_memtype_list 2>/dev/null |
	while read -r s e type; do
		if [ $((0x$s)) -ge $BAR_START ] && [ $((0x$e)) -le $((BAR_START + BAR_SIZE)) ]; then
			echo "$type"
		fi
	done | sort -u | tr '\n' ' '
}

run_no=0
# bench PATH ALIGN FILE: daxbench FILE, one TAP line, the record. Sets
# $out to daxbench's output file on success, empty on failure.
bench() {
	name=$1 align=$2 file=$3
	run_no=$((run_no + 1))
	tag=$(printf '0x50325044%04x%04x' $((BAR_START >> 30)) $run_no)
	out=/tmp/bench.$run_no
	if daxbench -t "$tag" "$file" > "$out" 2>/tmp/bench.err; then
		ok "$name align $align: mmap, first touch, write and read back 1 GiB"
		echo "# bench: kver=$KVER path=$name align=$align bar=$BAR_SIZE tag=$tag $(cat "$out")"
		echo "# bench-stamp: tag=$tag size=$SIZE"
	else
		not_ok "$name align $align: mmap, first touch, write and read back 1 GiB"
		diag /tmp/bench.err
		out=
	fi
}

# ------------------------------------------------------------- the device
IV=$(find_pci 0x1af4 0x1110) || {
	not_ok "ivshmem device (1af4:1110) present"
	exit 1
}
set -- $(sed -n "$((BAR + 1))p" "/sys/bus/pci/devices/$IV/resource")
BAR_START=$(($1)) BAR_SIZE=$(($2 - $1 + 1))
[ "$BAR_START" != 0 ] || BAR_SIZE=0
echo "# kernel $KVER, ivshmem $IV, BAR$BAR $(printf '%#x' $BAR_START) size $BAR_SIZE, mapping $SIZE bytes"
if [ "$BAR_SIZE" -lt "$SIZE" ]; then
	not_ok "BAR$BAR of $IV is at least 1 GiB (has $BAR_SIZE bytes: boot with --bar-size 2G)"
	exit 1
fi
ok "BAR$BAR of $IV is at least 1 GiB"
command -v daxbench > /dev/null || {
	not_ok "daxbench in /tests/bin (build it: make -C tests/bench)"
	exit 1
}

# ------------------------------------------------ raw BAR, no driver at all
if grep -q "^$DRV " /proc/modules; then
	not_ok "$DRV not loaded before the raw measurements"
	exit 1
fi
# The BAR decodes only while memory space is enabled: firmware may leave it
# off for a device without a driver, and stores would then go nowhere (the
# read-back in daxbench would say so).
enabled_here=0
if [ "$(cat "/sys/bus/pci/devices/$IV/enable")" = 0 ]; then
	echo 1 > "/sys/bus/pci/devices/$IV/enable" && enabled_here=1
fi
echo "# PCI command register $(setpci -s "$IV" COMMAND 2>/dev/null), enabled by this suite: $enabled_here"
# Warm-up, not recorded: QEMU faults in every host page behind the measured
# GiB (host-pre.sh put them on tmpfs), so that no measured run pays for that.
if daxbench -b 0 "/sys/bus/pci/devices/$IV/resource$BAR" > /tmp/warmup.out 2>&1; then
	echo "# warm-up through resource$BAR: touch $(($(field touch_ns /tmp/warmup.out) / 1000000)) ms"
else
	diag /tmp/warmup.out
fi
for f in resource$BAR resource${BAR}_wc; do
	if [ -e "/sys/bus/pci/devices/$IV/$f" ]; then
		bench $f 4K "/sys/bus/pci/devices/$IV/$f"
		if [ -n "$out" ]; then
			echo "# $f: $(field mmap_minflt "$out") fault(s) in mmap(), $(field minflt "$out") in the first touch: resourceN mmap() fills the page table (io_remap_pfn_range), 4 KiB PTEs"
		fi
	else
		skip "$f align 4K" "no /sys/bus/pci/devices/$IV/$f (BAR not prefetchable?)"
	fi
done
[ $enabled_here = 0 ] || echo 0 > "/sys/bus/pci/devices/$IV/enable"
no_pat() { [ -z "$(pat_types)" ]; }
check "no PAT entry left in the BAR after the raw mappings" no_pat

# --------------------------------------------- dax, one bind per alignment
if ! modprobe $DRV > /tmp/modprobe.out 2>&1; then
	not_ok "modprobe $DRV"
	diag /tmp/modprobe.out
	exit 1
fi
ok "modprobe $DRV"
echo $DRV > "/sys/bus/pci/devices/$IV/driver_override"

for A in 4K 2M 1G; do
	abytes=$(bytes $A)
	if [ $((BAR_START % abytes)) != 0 ] || [ $((BAR_SIZE % abytes)) != 0 ]; then
		skip "dax align $A" "BAR $(printf '%#x' $BAR_START)+$BAR_SIZE is not $A aligned"
		continue
	fi
	if [ $A = 1G ] && [ "$DAX_1G" = 0 ]; then
		skip "dax align 1G" "refused on this kernel, whose device_dax maps 1 GiB pages write-back (README, Supported kernels)"
		continue
	fi
	if ! echo $A > $PARAMS/align; then
		not_ok "align parameter takes $A"
		continue
	fi

	settle
	f0=$(free_kib) m0=$(memfree_kib) v0=$(memmap_pages) t0=$(uptime_cs)
	dmesg -c > /dev/null
	if ! echo "$IV" > $DRVDIR/bind 2>/tmp/bind.out; then
		not_ok "bind with align=$A"
		diag /tmp/bind.out
		dmesg | diag
		continue
	fi
	t1=$(uptime_cs)
	DAX=dax$(region_id "$IV").0
	if ! wait_for 60 dax_ready "$DAX"; then
		not_ok "bind with align=$A: /dev/$DAX ready"
		echo "$IV" > $DRVDIR/unbind
		continue
	fi
	settle
	f1=$(free_kib) m1=$(memfree_kib) v1=$(memmap_pages)
	ok "bind with align=$A: /dev/$DAX"
	dmesg | grep "$DRV" | diag
	echo "# $DAX: caching $(cat "/sys/bus/pci/devices/$IV/p2pdax/caching" 2>/dev/null), PAT: $(pat_types)"
	check "$DAX align is $abytes" grep -qx "$abytes" "/sys/bus/dax/devices/$DAX/align"

	bench dax $A "/dev/$DAX"
	if [ -n "$out" ]; then
		want=$((SIZE / abytes)) got=$(field minflt "$out")
		[ "$got" = "$want" ] && ok "dax align $A: $want first-touch faults (size/align)" ||
			not_ok "dax align $A: $want first-touch faults (size/align), got $got"
		got=$(field va_align "$out")
		[ "$got" -ge "$abytes" ] && ok "dax align $A: mapping address is $A aligned" ||
			not_ok "dax align $A: mapping address is $A aligned (only $got)"
	fi

	settle
	f2=$(free_kib) m2=$(memfree_kib) v2=$(memmap_pages)
	if echo "$IV" > $DRVDIR/unbind; then
		ok "unbind after align=$A"
	else
		not_ok "unbind after align=$A"
	fi
	settle
	f3=$(free_kib) m3=$(memfree_kib) v3=$(memmap_pages)
	echo "# bench-memmap: kver=$KVER align=$A bar=$BAR_SIZE bind_ms=$(((t1 - t0) * 10)) bind_kib=$((f0 - f1)) unbind_kib=$((f3 - f2)) memfree_bind_kib=$((m0 - m1)) memfree_unbind_kib=$((m3 - m2)) vmstat_bind_pages=$(vmstat_delta "$v0" "$v1") vmstat_unbind_pages=$(vmstat_delta "$v3" "$v2")"
done

echo > "/sys/bus/pci/devices/$IV/driver_override"
echo 0 > $PARAMS/align
check "rmmod $DRV" rmmod $DRV
