#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off: the pattern run.sh wrote through a carved
# dax device is in bar.img at the BAR offset p2ptool resolve reported for it,
# which proves the offset (and so the bus address, BAR + offset) true. The
# guest names what it wrote in a "# p2p-host-check:" line of its results.
# Prints TAP lines.
set -u
here=$(dirname "$0")
. "$here/../qemu/host-lib.sh"
bar=$1/bar.img
results=${P2PDAX_RESULTS:-$1/results.tap}

line=$(tr -d '\r' <"$results" 2>/dev/null | grep '^# p2p-host-check:' | tail -n 1)
if [ -z "$line" ]; then
	echo "not ok - host: the guest reported the resolved offset of its data (no p2p-host-check line)"
	exit 0
fi
dev_off='' bar_offset='' len='' seed=''
for kv in ${line#\# p2p-host-check:}; do
	case $kv in
	dev_off=* | bar_offset=* | len=* | seed=*) eval "${kv%%=*}=\${kv#*=}" ;;
	esac
done
if [ -z "$dev_off" ] || [ -z "$bar_offset" ] || [ -z "$len" ] || [ -z "$seed" ]; then
	echo "not ok - host: a complete p2p-host-check line: '$line'"
	exit 0
fi
# Written at device offset dev_off with the pattern of that offset: in the
# file, the device starts at bar_offset - dev_off.
t "seed $seed written at device offset $dev_off is at the resolved BAR offset $bar_offset of bar.img" \
	check -b $((bar_offset - dev_off)) "$bar" $((bar_offset)) $((len)) "$seed"
