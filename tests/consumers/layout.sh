# SPDX-License-Identifier: GPL-2.0
# The consumers suite's layout, shared by run.sh and its sections (in the
# guest) and by the host hooks, so that each side checks exactly what the
# other did. BAR offsets are bytes into the 256 MiB BAR (= into bar.img);
# NVMe offsets are bytes into the 64 MiB namespaces of the controllers with
# serial p2pdaxnvme (nvme.img, below the BAR's switch) and p2pdaxnvme2
# (nvme2.img, on another root port).
#
# Each consumer owns its ranges; none is written by anyone else.

M=$((1 << 20))
BAR_SIZE=$((256 * M))
NVME_SIZE=$((64 * M))

# The carve: four 64M devices.
D0_OFF=0;            D0_SIZE=$((64 * M)); D0_ALIGN=$((2 * M))	# fio dev-dax
D1_OFF=$((64 * M));  D1_SIZE=$((64 * M)); D1_ALIGN=4096		# fio, iomem=mmapshared
D2_OFF=$((128 * M)); D2_SIZE=$((64 * M)); D2_ALIGN=$((2 * M))	# io_uring, NVMe passthrough, RDMA
D3_OFF=$((192 * M)); D3_SIZE=$((64 * M)); D3_ALIGN=$((2 * M))	# fio, iomem=mmaphuge

# dax0.2's thirds, one per consumer (device offsets).
URING_DAX=0;                URING_LEN=$((16 * M))
PT_DAX=$((16 * M));         PT_LEN=$((16 * M))
RDMA_DAX=$((32 * M));       RDMA_LEN=$((16 * M))

# fio (fio.sh, fio-jobs.sh): dax0.0 [0, 32M) through the dev-dax engine;
# nvme.img in 8M..16M pieces, one per job; the rest must stay zero.
FIO_DAX_LEN=$((32 * M))
FIO_URING_NVME=0;           FIO_URING_LEN=$((16 * M))	# io_uring, buffers in dax0.3
FIO_AIO_NVME=$((16 * M));   FIO_AIO_LEN=$((16 * M))	# libaio, buffers in dax0.1
FIO_READ_NVME=$((32 * M));  FIO_READ_LEN=$((8 * M))	# read into dax0.3 (host-pre fills)
FIO_READ_SEED=91
FIO_FIXED_NVME=$((40 * M)); FIO_FIXED_LEN=$((8 * M))	# io_uring fixedbufs
FIO_CMD_NVME=$((48 * M));   FIO_CMD_LEN=$((8 * M))	# io_uring_cmd (passthrough)
FIO_FREE_NVME=$((56 * M));  FIO_FREE_LEN=$((8 * M))

# nvme.img belongs to fio; nvme2.img to io_uring [0, 32M) and the NVMe
# passthrough [32M, 64M).
URING_NVME2=0;              URING_NVME2_LEN=$((32 * M))
PT_NVME2=$((32 * M));       PT_NVME2_LEN=$((32 * M))

# RDMA (rdma.sh): in dax0.2's [RDMA_DAX, RDMA_DAX+RDMA_LEN), device offsets.
# The mapping as the remote buffer (RDMA WRITE in, READ out; then held
# registered across the unbind), as the local buffer (READ in, WRITE out);
# the rest is only registered, never written, and must stay zero.
RDMA_XLEN=$((4 * M))
RDMA_REMOTE_OFF=$RDMA_DAX;                 RDMA_REMOTE_SEED=71
RDMA_LOCAL_OFF=$((RDMA_DAX + RDMA_XLEN));  RDMA_LOCAL_SEED=72
RDMA_FREE_OFF=$((RDMA_DAX + 2 * RDMA_XLEN)); RDMA_FREE_LEN=$((RDMA_LEN - 2 * RDMA_XLEN))
