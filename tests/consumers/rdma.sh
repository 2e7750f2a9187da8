# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# The consumers suite's RDMA section, sourced by run.sh (busybox sh): soft-
# RoCE (rdma_rxe) on a dummy netdev, with rdma_p2p (tests/guest/rdma_p2p.c)
# moving data between ordinary memory and the mapping of dax0.2's
# [RDMA_DAX, RDMA_DAX+RDMA_LEN) (layout.sh) through two RC queue pairs
# connected to each other:
#
#   - ibv_reg_mr of the mapping; RLIMIT_MEMLOCK applies to it without
#     CAP_IPC_LOCK, like to any registration
#   - the mapping as the remote buffer: RDMA WRITE in, RDMA READ out
#   - the mapping as the local buffer: RDMA READ in, RDMA WRITE out
#
# rxe0 stays up for unbind.sh, which holds a registration across the PCI
# unbind.
#
# The host (post-rdma.sh) finds the data in bar.img.

R_DEV=/dev/$DAX2

# r_check DESC CMD...: check_out (lib.sh) with the output in /tmp/rdma.out
# (what rdma_p2p prints is the point of these tests).
r_check() { check_out /tmp/rdma.out "$@"; }

# r_gid: port 1 of rxe0 has a GID (from dummy0's IPv6 link-local address).
r_gid() {
	cat /sys/class/infiniband/rxe0/ports/1/gids/0 \
		/sys/class/infiniband/rxe0/ports/1/gids/1 2>/dev/null | grep -qv '^[0:]*$'
}

# r_enomem MEMLOCK OFF LEN: rdma_p2p reg fails for want of RLIMIT_MEMLOCK.
r_enomem() {
	rdma_p2p -l "$1" reg "$R_DEV" "$2" "$3" >/tmp/rref.out 2>&1
	r_rc=$?
	cat /tmp/rref.out
	[ $r_rc = 1 ] && grep -q 'Cannot allocate memory' /tmp/rref.out
}

r_active() { rdma link show rxe0/1 2>/dev/null | grep -q 'state ACTIVE'; }

# r_setup: soft-RoCE device rxe0 on dummy0. False, after saying why, if a
# prerequisite is missing (then the section is one SKIP).
r_setup() {
	if ! command -v rdma >/dev/null || [ ! -e /etc/libibverbs.d/rxe.driver ]; then
		skip "rdma: soft-RoCE" "rdma (iproute2) or libibverbs' rxe provider is not in the initramfs"
		return 1
	fi
	if ! run modprobe rdma_rxe; then
		skip "rdma: soft-RoCE" "modprobe rdma_rxe failed: $(head -n 1 /tmp/run.out)"
		return 1
	fi
	# /dev/infiniband/uverbsN, which libibverbs opens: not a dependency of
	# rdma_rxe from 7.x on.
	check "modprobe ib_uverbs" modprobe ib_uverbs
	# Before 6.15 not a dependency of rdma_rxe, but without a "crc32" shash
	# it fails with "failed to init crc32 algorithm" (initramfs.list).
	modprobe crc32_generic 2>/dev/null
	check "modprobe dummy numdummies=1" modprobe dummy numdummies=1
	check "ip link set dummy0 up" ip link set dummy0 up
	check "rdma link add rxe0 type rxe netdev dummy0" \
		rdma link add rxe0 type rxe netdev dummy0
	check "rxe0 port 1 is ACTIVE" wait_for 20 r_active
	check "rxe0 port 1 has a GID" wait_for 20 r_gid
	ibv_devinfo -d rxe0 2>&1 | grep -E 'transport|state|active_mtu|max_mr_size' | diag
	r_active && r_gid
}

if r_setup; then
	# Registration, and the limit it counts against without CAP_IPC_LOCK.
	r_what="ibv_reg_mr of $DAX2+$(hex $RDMA_FREE_OFF), $((RDMA_FREE_LEN >> 20))M"
	r_check "$r_what (local write, remote read/write)" \
		rdma_p2p reg "$R_DEV" $RDMA_FREE_OFF $RDMA_FREE_LEN
	r_check "$r_what, no CAP_IPC_LOCK, RLIMIT_MEMLOCK $((RDMA_FREE_LEN >> 21))M: ENOMEM" \
		r_enomem $((RDMA_FREE_LEN / 2)) $RDMA_FREE_OFF $RDMA_FREE_LEN
	r_check "$r_what, no CAP_IPC_LOCK, RLIMIT_MEMLOCK $((RDMA_FREE_LEN >> 20))M" \
		rdma_p2p -l $RDMA_FREE_LEN reg "$R_DEV" $RDMA_FREE_OFF $RDMA_FREE_LEN

	# The data, both ways, in both roles.
	r_check "RDMA WRITE into $DAX2+$(hex $RDMA_REMOTE_OFF), RDMA READ back out (mapping remote)" \
		rdma_p2p remote "$R_DEV" $RDMA_REMOTE_OFF $RDMA_XLEN $RDMA_REMOTE_SEED
	r_check "RDMA READ into $DAX2+$(hex $RDMA_LOCAL_OFF), RDMA WRITE back out (mapping local)" \
		rdma_p2p local "$R_DEV" $RDMA_LOCAL_OFF $RDMA_XLEN $RDMA_LOCAL_SEED
	check "what RDMA wrote at $DAX2+$(hex $RDMA_REMOTE_OFF) reads back through a new mapping" \
		daxtool check "$R_DEV" $RDMA_REMOTE_OFF $RDMA_XLEN $RDMA_REMOTE_SEED
fi
