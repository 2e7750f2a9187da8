# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# The RDMA section's data in bar.img, sourced by host-post.sh: what the RDMA
# WRITE (mapping remote) and READ (mapping local) put into dax0.2 is at the
# same device offsets behind the BAR (dax0.2 starts at D2_OFF), and the
# range that was only registered is still zero. Where the guest skipped
# soft-RoCE (a prerequisite missing), these are skipped too.

if grep -q '^ok .*rdma: soft-RoCE # SKIP' "${P2PDAX_RESULTS:-/dev/null}"; then
	echo "ok - host: rdma: the data in bar.img # SKIP soft-RoCE was skipped in the guest"
else
	t "rdma: RDMA WRITE into dax0.2+$(hx $RDMA_REMOTE_OFF) (seed $RDMA_REMOTE_SEED) in bar.img" \
		check -b $D2_OFF "$bar" $((D2_OFF + RDMA_REMOTE_OFF)) $RDMA_XLEN $RDMA_REMOTE_SEED
	t "rdma: RDMA READ into dax0.2+$(hx $RDMA_LOCAL_OFF) (seed $RDMA_LOCAL_SEED) in bar.img" \
		check -b $D2_OFF "$bar" $((D2_OFF + RDMA_LOCAL_OFF)) $RDMA_XLEN $RDMA_LOCAL_SEED
	t "rdma: dax0.2+$(hx $RDMA_FREE_OFF), only registered, still zero in bar.img" \
		zero "$bar" $((D2_OFF + RDMA_FREE_OFF)) $RDMA_FREE_LEN
fi
