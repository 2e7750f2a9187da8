# SPDX-License-Identifier: GPL-2.0
# Where the p2p-iommu suite moves data with O_DIRECT between the BAR and the
# NVMe disks, shared by run.sh (in the guest) and host-post.sh. The device
# used is the region's first, which covers the BAR: its offsets are BAR
# offsets (= bar.img offsets), and each disk offset is the same number, so
# the pattern is at its own offset in the disk image too.

D_LEN=$((1 << 20))
D1_OFF=$((4 << 20)); D1_SEED=81		# nvme, DMA domain
D2_OFF=$((8 << 20)); D2_SEED=82		# nvme2, DMA domain
D3_OFF=$((12 << 20)); D3_SEED=83	# nvme2, identity domain
D4_OFF=$((16 << 20)); D4_SEED=84	# nvme2, DMA domain again
