#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax consumers suite: the real clients users hand BAR memory to, with
# their I/O buffers in a /dev/daxX.Y mapping, on the "switch" topology of
# tests/qemu/run-vm.sh (this directory's file "topology": the BAR device
# and the NVMe controller with serial p2pdaxnvme below one PCIe switch, the
# one with serial p2pdaxnvme2 on another root port). Runs as /tests/run.sh
# in the QEMU guest and prints TAP. What is written where is in layout.sh,
# which the host hooks read too: the host checks the data in bar.img,
# nvme.img and nvme2.img.
#
#   setup     bind, carve dax0.0..dax0.3 (layout.sh)
#   fio.sh    fio's dev-dax engine with --verify; NVMe jobs (libaio,
#             io_uring, O_DIRECT) whose buffers are the mapping (--iomem)
#   uring.sh  liburing O_DIRECT READ/WRITE from and to the mapping; fixed
#             buffer registration of the mapping
#   passthru.sh  NVMe admin and I/O passthrough commands with their data in
#             the mapping, against nvme-cli's own answers
#   rdma.sh   soft-RoCE: ibv_reg_mr on the mapping, RDMA WRITE into and
#             READ out of the BAR
#   unbind.sh the PCI unbind under long-term pins: an RDMA registration
#             and io_uring fixed buffers (6.5+); it waits for each
#   teardown  unbind (unless unbind.sh did) and rmmod
#
# Before each section a mark read (dma_mark) splits QEMU's trace of the NVMe
# commands (this directory's qemu-trace), so that the host can tell, per
# section, whether the controllers' DMA went to the BAR or through RAM
# (post-dma.sh).
#
# Each section is sourced in this order when it exists; it may use what
# setup found ($IV, $REGION, $DAX0..$DAX3, $NVME, $NVME_BLK, $NVME2,
# $NVME2_BLK) and the helpers of lib.sh and p2plib.sh. To run only some of
# them while working on one: run-suite.sh --append consumers_only=fio,rdma
# (a guest kernel argument).

set -u
cd /tests || exit 1
. ./lib.sh
. ./p2plib.sh
. ./daxkernel.sh
. ./layout.sh
. ./kernel.sh
PATH=/tests/bin:$PATH

# carve: dax0.0 shrunk to 64M, then dax0.1..dax0.3 after it, each at its
# layout.sh offset. False (after saying why) if it did not work.
carve() {
	DAX0=dax$REGION.0 DAX1='' DAX2='' DAX3=''
	check "daxctl disable-device $DAX0" daxctl disable-device "$DAX0"
	check "daxctl reconfigure-device -s 64M $DAX0" daxctl reconfigure-device -s 64M "$DAX0"
	check "daxctl enable-device $DAX0" daxctl enable-device "$DAX0"
	check "daxctl create-device -r $REGION -s 64M -a 4K" dax_create DAX1 64M 4K
	check "daxctl create-device -r $REGION -s 64M -a 2M" dax_create DAX2 64M 2M
	check "daxctl create-device -r $REGION -s 64M -a 2M" dax_create DAX3 64M 2M
	dax_placed "$DAX0 $D0_OFF $D0_SIZE $D0_ALIGN" "$DAX1 $D1_OFF $D1_SIZE $D1_ALIGN" \
		"$DAX2 $D2_OFF $D2_SIZE $D2_ALIGN" "$DAX3 $D3_OFF $D3_SIZE $D3_ALIGN"
}

# dma_mark N: read block N of nvme2's mark range (layout.sh) O_DIRECT: in
# QEMU's trace of NVMe commands it starts section N (post-dma.sh).
dma_mark() {
	dd if="$NVME2_BLK" of=/dev/null bs=4096 count=1 iflag=direct \
		skip=$((MARK_NVME2 / 4096 + $1)) 2>/tmp/mark.err ||
		{ not_ok "mark $1 in the NVMe trace: O_DIRECT read of $NVME2_BLK"; diag /tmp/mark.err; }
}

# ------------------------------------------------------------------ setup

echo "# kernel $(uname -r)"
IV=$(find_pci 0x1af4 0x1110) || { echo "Bail out! no ivshmem device (1af4:1110)"; exit 1; }
switch_nvmes || { echo "Bail out! NVMe controllers p2pdaxnvme, p2pdaxnvme2 missing"; exit 1; }
wait_for 30 nvme_blk "$NVME" >/dev/null
wait_for 30 nvme_blk "$NVME2" >/dev/null
NVME_BLK=$(nvme_blk "$NVME") || { echo "Bail out! no namespace on $NVME"; exit 1; }
NVME2_BLK=$(nvme_blk "$NVME2") || { echo "Bail out! no namespace on $NVME2"; exit 1; }
echo "# ivshmem $IV; nvme $NVME ($NVME_BLK); nvme2 $NVME2 ($NVME2_BLK)"
for b in "$NVME_BLK" "$NVME2_BLK"; do
	expect_eq "$b is $NVME_SIZE bytes" "$(blockdev --getsize64 "$b")" $NVME_SIZE
done

check "modprobe $DRV ids=1af4:1110" modprobe $DRV ids=1af4:1110
check "bound to $IV" wait_for 10 bound_to_us "$IV"
REGION=$(region_id "$IV") || { echo "Bail out! no dax region on $IV"; exit 1; }
check "/dev/dax$REGION.0 ready" wait_for 10 dax_ready "dax$REGION.0"
BAR=$(res_start "$IV" 2)
# For post-dma.sh: where NVMe DMA into the BAR goes (no IOMMU here: the
# bus address is the physical address).
echo "# bar2=$(hex $BAR)"
expect_eq "BAR2 is $BAR_SIZE bytes" $(($(res_end "$IV" 2) + 1 - BAR)) $BAR_SIZE
carve || { echo "Bail out! the carve failed"; exit 1; }

# --------------------------------------------------------------- sections

only=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^consumers_only=//p' | tr ',' ' ')
[ -z "$only" ] || echo "# only the sections: $only (consumers_only=)"
for s in fio uring passthru rdma unbind; do
	[ -e "./$s.sh" ] || continue
	case " ${only:-$s} " in *" $s "*) ;; *) continue ;; esac
	echo "# ---- $s"
	case $s in
	fio) dma_mark $MARK_FIO ;;
	uring) dma_mark $MARK_URING ;;
	passthru) dma_mark $MARK_PASSTHRU ;;
	rdma) dma_mark $MARK_RDMA ;;
	unbind) dma_mark $MARK_UNBIND ;;
	esac
	. "./$s.sh"
done
dma_mark $MARK_END

# --------------------------------------------------------------- teardown

echo "# ---- teardown"
# unbind.sh unbinds (under pins) and leaves it so.
if bound_to_us "$IV"; then
	check "unbind $IV with every consumer gone" sh -c "echo $IV > $DRVDIR/unbind"
fi
check "rmmod $DRV" rmmod $DRV
