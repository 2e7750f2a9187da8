#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off: the data the guest moved with O_DIRECT
# from the BAR to each NVMe disk, through the vIOMMU in each domain type,
# is in nvme.img and nvme2.img at its own offset (layout.sh). Prints TAP.
set -u
here=$(dirname "$0")
. "$here/layout.sh"
. "$here/../qemu/host-lib.sh"
nvme=$1/nvme.img
nvme2=$1/nvme2.img

t "nvme.img holds the data sent from the BAR through a DMA domain at $D1_OFF" \
	check "$nvme" $D1_OFF $D_LEN $D1_SEED
t "nvme2.img holds the data sent from the BAR through a DMA domain at $D2_OFF" \
	check "$nvme2" $D2_OFF $D_LEN $D2_SEED
t "nvme2.img holds the data sent from the BAR through the identity domain at $D3_OFF" \
	check "$nvme2" $D3_OFF $D_LEN $D3_SEED
t "nvme2.img holds the data sent from the BAR through a DMA domain again at $D4_OFF" \
	check "$nvme2" $D4_OFF $D_LEN $D4_SEED
t "nvme2.img is untouched before $D2_OFF" zero "$nvme2" 0 $D2_OFF
