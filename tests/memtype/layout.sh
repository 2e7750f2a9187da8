# SPDX-License-Identifier: GPL-2.0
# The memtype suite's carve of its 2 GiB BAR, shared by run.sh (in the guest)
# and host-post.sh: where each device lands (first fit, in the order of
# creation) and the data written through its write-combining and uncached
# mappings, so that the host finds in bar.img what the guest wrote through
# mappings whose type the page tables showed.

M=$((1 << 20))
G=$((1 << 30))
BAR_SIZE=$((2 * G))

# The whole-BAR device shrunk to 1G, then a 512M/2M and a 256M/4K device.
T0_OFF=0;                T0_SIZE=$G
T2_OFF=$G;               T2_SIZE=$((512 * M))
T4_OFF=$((G + 512 * M)); T4_SIZE=$((256 * M))

# Written through each device at its own offset WC_AT (write-combining
# mappings, seed WC_SEED + device number) and UC_AT (uncached=1).
DATA_LEN=$((2 * M))
WC_AT=0;         WC_SEED=70
UC_AT=$((4 * M)); UC_SEED=80
# Nobody writes [ZERO_AT, ZERO_AT + ZERO_LEN) of any device: memtype -w
# writes back what it read.
ZERO_AT=$((8 * M)); ZERO_LEN=$((8 * M))
