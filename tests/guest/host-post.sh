#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off: check from the host side, in the files
# behind the BAR and the NVMe disk, that the guest's writes landed at their
# own offsets and nowhere else. Prints TAP lines.
set -u
here=$(dirname "$0")
. "$here/layout.sh"
. "$here/../qemu/host-lib.sh"
bar=$1/bar.img
nvme=$1/nvme.img

t "bar.img holds the guest's seed $A_SEED at $A_OFF" check "$bar" $A_OFF $A_LEN $A_SEED
t "bar.img holds the guest's seed $B_SEED at $B_OFF" check "$bar" $B_OFF $B_LEN $B_SEED
t "bar.img still holds the host's pattern at $HOST_OFF" check "$bar" $HOST_OFF $HOST_LEN $HOST_SEED
t "bar.img is untouched at $Z_OFF (no stray writes)" zero "$bar" $Z_OFF $Z_LEN
t "nvme.img holds the O_DIRECT data from the BAR at $D_OFF" check "$nvme" $D_OFF $D_LEN $D_SEED
t "nvme.img is untouched before $D_OFF" zero "$nvme" 0 $D_OFF
