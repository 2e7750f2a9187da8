#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off: check in the file behind the BAR that the
# last benchmark run's stamp (daxbench -t TAG: the word TAG ^ O at the start
# of the page at offset O) is where the guest put it, and that nothing was
# written past the mapped range; then give the memory or disk back, since
# the runs filled a whole GiB of it. Prints TAP lines.
set -u
bar=$1/bar.img
results=${P2PDAX_RESULTS:-$1/results.tap}

if [ ! -r "$bar" ]; then
	echo "not ok - host: $bar present"
	exit 1
fi
stamp=$(tr -d '\r' < "$results" 2>/dev/null |
	sed -n 's/^# bench-stamp: tag=\(0x[0-9a-f]*\) size=\([0-9]*\)$/\1 \2/p' | tail -n 1)
if [ -z "$stamp" ]; then
	echo "ok - host: bar.img holds the last run's stamp # SKIP no run wrote one"
else
	set -- $stamp
	tag=$1 size=$2
	bad=0
	for off in 0 $((size / 2)) $((size - 4096)); do
		want=$(printf '%016x' $((tag ^ off)))
		got=$(od -An -t x8 -j "$off" -N 8 "$bar" | tr -d ' \n')
		if [ "$got" != "$want" ]; then
			echo "# offset $off: $got, want $want"
			bad=1
		fi
	done
	if [ $bad = 0 ]; then
		echo "ok - host: bar.img holds the last run's stamp $tag at offsets 0, $((size / 2)), $((size - 4096))"
	else
		echo "not ok - host: bar.img holds the last run's stamp $tag"
	fi
	total=$(stat -L -c %s "$bar")
	if [ "$total" -le "$size" ]; then
		echo "ok - host: bar.img is untouched past $size # SKIP the BAR is no larger"
	elif cmp -s -n $((total - size)) -i "$size:0" "$bar" /dev/zero; then
		echo "ok - host: bar.img is untouched past $size (no stray writes)"
	else
		echo "not ok - host: bar.img is untouched past $size (no stray writes)"
		cmp -n $((total - size)) -i "$size:0" "$bar" /dev/zero 2>&1 | sed 's/^/# /'
	fi
fi

# A sparse bar.img again, same size, for whoever boots from this directory
# next; the tmpfs file host-pre.sh made, if any, goes.
size=$(stat -L -c %s "$bar")
if [ -L "$bar" ]; then
	shmfile=$(readlink "$bar")
	rm -f "$bar"
	case $shmfile in
	*/p2pdax-bench-*.bar) rm -f "$shmfile" ;;
	esac
else
	truncate -s 0 "$bar"
fi
truncate -s "$size" "$bar"
