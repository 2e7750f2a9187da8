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

# nvme.img belongs to fio; nvme2.img to io_uring [0, 32M), the NVMe
# passthrough [32M, 48M) and unbind.sh [48M, 52M); the marks read [63M, 64M).
URING_NVME2=0;              URING_NVME2_LEN=$((32 * M))
PT_NVME2=$((32 * M));       PT_NVME2_LEN=$((16 * M))

# Section marks (run.sh: dma_mark): O_DIRECT reads of one 4K block of
# nvme2.img at MARK_NVME2 + N * 4K, N the section's number; in QEMU's
# trace they split the NVMe commands by section (post-dma.sh). Only read.
MARK_NVME2=$((63 * M))
MARK_FIO=1; MARK_URING=2; MARK_PASSTHRU=3; MARK_RDMA=4; MARK_UNBIND=5; MARK_END=15

# The unbind under pins (unbind.sh): the RDMA registration holds dax0.2's
# [RDMA_REMOTE_OFF, +RDMA_XLEN) (what rdma.sh wrote there); the io_uring one
# dax0.2's [UNBIND_URING_DAX, +UNBIND_LEN), filled with UNBIND_SEED, which
# it writes to nvme2.img [UNBIND_NVME2, +UNBIND_LEN) once released (pattern
# offsets are nvme2.img offsets). Both ranges stay zero where io_uring
# does not register a dax mapping (before 6.5).
UNBIND_URING_DAX=$((48 * M)); UNBIND_NVME2=$((48 * M)); UNBIND_LEN=$((4 * M))
UNBIND_SEED=801

# RDMA (rdma.sh): in dax0.2's [RDMA_DAX, RDMA_DAX+RDMA_LEN), device offsets.
# The mapping as the remote buffer (RDMA WRITE in, READ out; then held
# registered across the unbind), as the local buffer (READ in, WRITE out);
# the rest is only registered, never written, and must stay zero.
RDMA_XLEN=$((4 * M))
RDMA_REMOTE_OFF=$RDMA_DAX;                 RDMA_REMOTE_SEED=71
RDMA_LOCAL_OFF=$((RDMA_DAX + RDMA_XLEN));  RDMA_LOCAL_SEED=72
RDMA_FREE_OFF=$((RDMA_DAX + 2 * RDMA_XLEN)); RDMA_FREE_LEN=$((RDMA_LEN - 2 * RDMA_XLEN))

# io_uring (uring.sh): 2M pieces at the same offset X in dax0.2 (from
# URING_DAX) and nvme2.img (from URING_NVME2); pattern offsets are nvme2.img
# offsets, so the BAR copy is checked with base D2_OFF + URING_DAX -
# URING_NVME2. W/WV: written from the mapping; R/RV: filled by the host,
# read into the mapping; FX: fixed buffers (or, where the kernel refuses to
# register the mapping, the same I/O with plain READ/WRITE): its first half
# written with U_FXW_SEED, its second half read (filled with U_FXR_SEED).
U_LEN=$((2 * M))
U_W=0;             U_W_SEED=601		# IORING_OP_WRITE
U_R=$((2 * M));    U_R_SEED=602		# IORING_OP_READ
U_WV=$((4 * M));   U_WV_SEED=603	# IORING_OP_WRITEV
U_RV=$((6 * M));   U_RV_SEED=604	# IORING_OP_READV
U_FX=$((8 * M));   U_FX_LEN=$((4 * M)); U_FXW_SEED=605; U_FXR_SEED=606

# passthrough (passthru.sh): dax0.2 offset PT_DAX + X <-> nvme2.img offset
# PT_NVME2 + X. Identify Controller answers (4K each) at the start; 1M
# pieces of Write (from the mapping) and Read (filled by the host) after it,
# one pair per interface; P_NB: read by nobody into anonymous memory.
# URING_CMD with fixed buffers moves the same data whether the kernel
# registers the mapping or not (then the commands go unregistered).
P_ID=0; P_ID64=4096; P_IDU=8192	# ADMIN_CMD, ADMIN64_CMD, URING_CMD
P_LEN=$M
P_W=$M;            P_W_SEED=701		# NVME_IOCTL_IO_CMD on nvmeXnY
P_R=$((2 * M));    P_R_SEED=702
P_W64=$((3 * M));  P_W64_SEED=703	# NVME_IOCTL_IO64_CMD on ngXnY
P_R64=$((4 * M));  P_R64_SEED=704
P_WL=$((5 * M));   P_WL_SEED=705	# NVME_IOCTL_SUBMIT_IO on nvmeXnY
P_RL=$((6 * M));   P_RL_SEED=706
P_WU=$((7 * M));   P_WU_SEED=707	# io_uring NVME_URING_CMD_IO on ngXnY
P_RU=$((8 * M));   P_RU_SEED=708
P_NB=$((9 * M));   P_NB_SEED=709	# nobody, anonymous buffer
P_WUF=$((10 * M)); P_WUF_SEED=710	# NVME_URING_CMD_IO, IORING_URING_CMD_FIXED
P_RUF=$((11 * M)); P_RUF_SEED=711	# (unregistered where the kernel refuses)
P_END=$((12 * M))			# nothing written from here on
