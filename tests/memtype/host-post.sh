#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off: the data the guest wrote through the
# write-combining and the uncached mappings of each carved device is in the
# file behind the BAR at the device's own offset, and nothing else was
# written. Prints TAP lines.
set -u
here=$(dirname "$0")
. "$here/layout.sh"
. "$here/../qemu/host-lib.sh"
bar=$1/bar.img

if [ "$(stat -c %s "$bar")" != $BAR_SIZE ]; then
	echo "not ok - host: bar.img is $BAR_SIZE bytes (the suite needs --bar-size 2G)"
	exit 0
fi
n=0
for d in "$T0_OFF 1G/1G" "$T2_OFF 512M/2M" "$T4_OFF 256M/4K"; do
	set -- $d
	t "$2 device at $(hx $1): data written through its WC mapping (seed $((WC_SEED + n)))" \
		check -b "$1" "$bar" $(($1 + WC_AT)) $DATA_LEN $((WC_SEED + n))
	t "$2 device at $(hx $1): data written through its UC mapping (seed $((UC_SEED + n)))" \
		check -b "$1" "$bar" $(($1 + UC_AT)) $DATA_LEN $((UC_SEED + n))
	t "$2 device at $(hx $1): nothing written at +$(hx $ZERO_AT)" \
		zero "$bar" $(($1 + ZERO_AT)) $ZERO_LEN
	n=$((n + 1))
done
