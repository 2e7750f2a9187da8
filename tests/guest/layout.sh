# SPDX-License-Identifier: GPL-2.0
# Where the guest suite writes, shared by run.sh (in the guest) and the host
# hooks, so that each side checks exactly what the other did. Offsets are in
# bytes into the BAR (= into bar.img) or into the NVMe disk (= nvme.img).

BAR_SIZE=$((256 << 20))

# Written by the host before boot, read by the guest through /dev/daxX.Y.
HOST_OFF=$((128 << 20)); HOST_LEN=$((2 << 20)); HOST_SEED=0x5eed

# Written by the guest through the mapping, checked on the host.
A_OFF=$(((8 << 20) + 4096)); A_LEN=$((60 << 10)); A_SEED=11
B_OFF=$((255 << 20)); B_LEN=$((1 << 20)); B_SEED=13

# Written by nobody: must stay zero (no stray writes).
Z_OFF=$((64 << 20)); Z_LEN=$((8 << 20))

# O_DIRECT from the mapping to the NVMe disk: the BAR offset and the disk
# offset are the same, so the pattern is at its own offset in both files.
D_OFF=$((16 << 20)); D_LEN=$((1 << 20)); D_SEED=21
