# SPDX-License-Identifier: GPL-2.0
# The daxmap suite's layout, shared by run.sh (in the guest), host-pre.sh and
# host-post.sh, so that each side checks exactly what the other did. BAR
# offsets are bytes into the 256 MiB BAR (= into bar.img), NVMe offsets
# bytes into the 64 MiB namespace of the controller with serial p2pdaxnvme
# (= into nvme.img). The pattern is tests/tools/patcheck's: a word's value
# depends on the seed and on its offset in the device that wrote it.

M=$((1 << 20))
BAR_SIZE=$((256 * M))
NVME_SIZE=$((64 * M))

# The carve: dax0.0 shrunk to 64M (align 2M), dax0.1 64M at 4K, dax0.2 64M
# at 2M; the last 64M stay free.
D0_OFF=0;           D0_SIZE=$((64 * M)); D0_ALIGN=$((2 * M))
D1_OFF=$((64 * M)); D1_SIZE=$((64 * M)); D1_ALIGN=4096
D2_OFF=$((128 * M)); D2_SIZE=$((64 * M)); D2_ALIGN=$((2 * M))
AVAIL=$((64 * M))

CLEN=$((4 * M))		# every copy and verify range

# verify across an unbind/rebind: dax0.0 at [2M, 6M) and dax0.1 at [40M, 44M)
V0_OFF=$((2 * M));  V0_SEED=71
V1_OFF=$((40 * M)); V1_SEED=72
# a word overwritten through the device: the first bad offset verify reports
CORRUPT_OFF=$((V1_OFF + 0x12348))

# dax -> nvme (the guest fills dax0.1 first): host finds the words of dax0.1
# offset X at NVMe offset X + 3M.
C_P2P_DAX=$((1 * M));  C_P2P_NVME=$((4 * M));  C_P2P_SEED=81
C_BNC_DAX=$((9 * M));  C_BNC_NVME=$((12 * M)); C_BNC_SEED=82
# nvme -> dax (host-pre.sh fills nvme.img first): NVMe offset X lands at
# dax0.1 offset X - 3M.
N_P2P_NVME=$((20 * M)); N_P2P_DAX=$((17 * M)); N_P2P_SEED=83
N_BNC_NVME=$((28 * M)); N_BNC_DAX=$((25 * M)); N_BNC_SEED=84
# the same out of a read-only NVMe namespace (blockdev --setro)
N_RO_NVME=$((32 * M));  N_RO_DAX=$((29 * M));  N_RO_SEED=85

# Refused: nothing may land in these ranges (the host checks zeros).
RO_NVME=$((36 * M))		# copy into the read-only namespace, CLEN bytes
PAST_NVME=$((56 * M))		# up to the end: copies and bench past the end
PAST_NVME_LEN=$((NVME_SIZE - PAST_NVME))
PAST_DAX=$((60 * M))		# dax0.1 offset: a copy into it past its end
PAST_DAX_LEN=$((D1_SIZE - PAST_DAX))
REF_D2=$((32 * M))		# dax0.2 range of a bench refused for its peer range
REF_D2_LEN=$((16 * M))

# bench: dax0.1 [48M, 56M) with NVMe [40M, 48M) (JSON), dax0.2 [0, 16M) with
# NVMe [40M, 56M) (the table); neither range is checked by the host.
# verify (fill and check) of dax0.2's last 2 MiB: [62M, 64M).
B_DAX=$((48 * M)); B_SIZE=$((8 * M)); B_NVME=$((40 * M))
T_SIZE=$((16 * M)); T_NVME=$((40 * M))
