#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off: every device of the final layout holds its
# own data at its own offsets in the file behind the BAR, and what nobody
# wrote is still zero. Prints TAP lines.
set -u
here=$(dirname "$0")
. "$here/layout.sh"
. "$here/../qemu/host-lib.sh"
bar=$1/bar.img

# windows NAME OFF SIZE SEED: the device's first and last WIN bytes.
windows() {
	t "$1 (seed $4) at BAR offset $(printf %#x $2): first 2 MiB" \
		check -b "$2" "$bar" "$2" $WIN "$4"
	t "$1 (seed $4) at BAR offset $(printf %#x $2): last 2 MiB" \
		check -b "$2" "$bar" $(($2 + $3 - WIN)) $WIN "$4"
}

if [ "$(stat -c %s "$bar")" != $BAR_SIZE ]; then
	echo "not ok - host: bar.img is $BAR_SIZE bytes (the suite needs --bar-size 2G)"
	exit 0
fi
windows "256M/2M device" $P1_OFF $P1_SIZE $P1_SEED
windows "256M/4K device" $P2_OFF $P2_SIZE $P2_SEED
windows "512M/2M spacer" $SP_OFF $SP_SIZE $SP_SEED
windows "1G/1G device" $PG_OFF $PG_SIZE $PG_SEED
t "nothing landed at $(printf %#x $Z1_OFF)+$(printf %#x $Z1_LEN)" zero "$bar" $Z1_OFF $Z1_LEN
t "nothing landed at $(printf %#x $Z2_OFF)+$(printf %#x $Z2_LEN)" zero "$bar" $Z2_OFF $Z2_LEN
