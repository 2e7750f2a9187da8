# SPDX-License-Identifier: GPL-2.0
# Sourced by run.sh: fio, with its I/O going into and out of the BAR.
#
# 1. The dev-dax engine writes dax0.0 [0, 32M) in random order and verifies
#    it (fio --verify); the host verifies it again in bar.img.
# 2. NVMe jobs whose I/O buffers are a dax mapping (fio --iomem):
#    io_uring with mmaphuge:/dev/dax0.3 (a 2M device: the mapping's length
#    must be a multiple of the alignment, which mmaphuge rounds it to),
#    libaio with mmapshared:/dev/dax0.1 (a 4K device), io_uring_cmd
#    (NVMe passthrough on /dev/ngXnY) with dax0.3; each an O_DIRECT random
#    write of nvme.img with read-back verify, which the host verifies again.
# 3. That the buffers are the BAR: a read of nvme.img [32M, 40M), filled by
#    the host, one 1M block at a time into buffer 0 of each mapping; the
#    host finds the last block at offset 0 of dax0.3 and dax0.1 in bar.img.
# 4. io_uring fixed buffers (fio --fixedbufs) in the mapping: refused with
#    EOPNOTSUPP before 6.5, where io_uring turns away file-backed memory;
#    accepted from 6.5 on (kernel.sh: uring_registers_dax).
. ./fio-jobs.sh

# fio_ok DESC ARGS...: fio ARGS exits 0 with "err= 0" and, with a verify,
# its read-back of every byte it wrote ("READ: ... io=SIZE" as large as the
# "WRITE: ... io=SIZE"); its bandwidth lines as diagnostics.
fio_ok() {
	fo_desc=$1
	shift
	fio "$@" >/tmp/fio.out 2>&1
	fo_rc=$?
	fo_w=$(sed -n 's/^ *WRITE:.* io=\([^ ]*\) .*/\1/p' /tmp/fio.out)
	fo_r=$(sed -n 's/^ *READ:.* io=\([^ ]*\) .*/\1/p' /tmp/fio.out)
	if [ $fo_rc = 0 ] && grep -q 'err= 0' /tmp/fio.out &&
		{ [ -z "$fo_w" ] || [ "$fo_w" = "$fo_r" ]; }; then
		ok "$fo_desc"
		grep -E '^ *(READ|WRITE):' /tmp/fio.out | sed 's/^ */# /'
	else
		not_ok "$fo_desc (exit $fo_rc, wrote ${fo_w:-nothing}, read back ${fo_r:-nothing})"
		diag /tmp/fio.out
	fi
}

NG=/dev/ng${NVME_BLK#/dev/nvme}
FIO_NVME="--filename=$NVME_BLK --direct=1 --iodepth=8"
HUGE="--iomem=mmaphuge:/dev/$DAX3 --hugepage-size=$((D3_ALIGN / M))M"
SHARED="--iomem=mmapshared:/dev/$DAX1"

fio_ok "fio dev-dax engine: $FIO_J_DEVDAX on /dev/$DAX0" \
	--ioengine=dev-dax --filename=/dev/$DAX0 $FIO_J_DEVDAX
fio_ok "fio io_uring, O_DIRECT on $NVME_BLK, buffers $HUGE" \
	--ioengine=io_uring $FIO_NVME $HUGE $FIO_J_URING
fio_ok "fio libaio, O_DIRECT on $NVME_BLK, buffers $SHARED" \
	--ioengine=libaio $FIO_NVME $SHARED $FIO_J_AIO
if [ -c "$NG" ]; then
	fio_ok "fio io_uring_cmd (NVMe passthrough) on $NG, buffers $HUGE" \
		--ioengine=io_uring_cmd --cmd_type=nvme --filename=$NG --iodepth=8 $HUGE $FIO_J_CMD
else
	not_ok "fio io_uring_cmd: $NG, the generic device of $NVME_BLK, exists"
fi

# Fixed buffers: the answer depends on the kernel.
if ! uring_registers_dax; then
	fio --ioengine=io_uring --fixedbufs=1 $FIO_NVME $HUGE $FIO_J_FIXED >/tmp/fio.out 2>&1
	fo_rc=$?
	if [ $fo_rc != 0 ] && grep -q 'func=io_queue_init, error=Operation not supported' /tmp/fio.out; then
		ok "fio io_uring --fixedbufs with buffers in /dev/$DAX3: refused on $(uname -r) (EOPNOTSUPP from buffer registration)"
	else
		not_ok "fio io_uring --fixedbufs with buffers in /dev/$DAX3: refused on $(uname -r) (exit $fo_rc)"
		diag /tmp/fio.out
	fi
else
	fio_ok "fio io_uring --fixedbufs, O_DIRECT on $NVME_BLK, buffers $HUGE (registered)" \
		--ioengine=io_uring --fixedbufs=1 $FIO_NVME $HUGE $FIO_J_FIXED
fi

# Last, so nothing overwrites buffer 0 of dax0.3 and dax0.1 afterwards.
FIO_J_READ="--rw=read --bs=1M --iodepth=1 --offset=$FIO_READ_NVME --size=$FIO_READ_LEN"
fio_ok "fio io_uring read of $NVME_BLK [$(hex $FIO_READ_NVME), +$(hex $FIO_READ_LEN)) into $HUGE" \
	--name=read-uring --ioengine=io_uring --filename=$NVME_BLK --direct=1 $HUGE $FIO_J_READ
fio_ok "fio libaio read of $NVME_BLK [$(hex $FIO_READ_NVME), +$(hex $FIO_READ_LEN)) into $SHARED" \
	--name=read-aio --ioengine=libaio --filename=$NVME_BLK --direct=1 $SHARED $FIO_J_READ
