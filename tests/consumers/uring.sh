# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run.sh: io_uring (liburing) with its buffers in dax0.2, against
# the namespace of nvme2 opened O_DIRECT (uring_p2p, tests/guest/uring_p2p.c).
#   - IORING_OP_WRITE / READ / WRITEV / READV from and to the mapping, 16
#     requests of 128K queued at once; the host checks nvme2.img and bar.img
#     (post-uring.sh), the guest checks what was read.
#   - io_uring_register_buffers() of the mapping. What the kernel does:
#       before 6.5 (6.1 here): refused with EOPNOTSUPP. io_pin_pages() in
#         io_uring/rsrc.c pins the pages (pin_user_pages(FOLL_WRITE |
#         FOLL_LONGTERM) succeeds on device-dax), then refuses any VMA with
#         a vm_file that is neither shmem nor hugetlbfs ("don't support file
#         backed memory"), unpinning everything. The test checks that the
#         refusal changed nothing (mapping contents, no buffer registered,
#         the ring still does the same I/O with plain READ/WRITE).
#       6.5 and later (6.12 here): registered. io_pin_pages() (now in
#         io_uring/memmap.c) leaves the decision to GUP, whose check for
#         file mappings (writable_file_mapping_allowed() ->
#         vma_needs_dirty_tracking() in check_vma_flags()) passes device-dax:
#         no page_mkwrite/pfn_mkwrite, no writeback. READ_FIXED/WRITE_FIXED
#         then move the data.
#     Either way the same data moves, so the host checks do not change.

U_DEV=/dev/$DAX2

# u_run DESC ARGS...: uring_p2p ARGS as one test line (check_out, lib.sh);
# its output, in /tmp/u.out, as diagnostics either way.
u_run() {
	u_desc=$1
	shift
	check_out /tmp/u.out "$u_desc" uring_p2p "$@"
}

# u_io OP SEED OFF LEN [OPTIONS]: uring_p2p OP of piece OFF (dax0.2 offset
# URING_DAX + OFF, nvme2 offset URING_NVME2 + OFF), 16 queued at once.
u_io() {
	u_op=$1 u_seed=$2 u_off=$3 u_len=$4
	shift 4
	u_name="io_uring $u_op${*:+ $*}"
	u_run "$u_name: dax0.2+$(hex $((URING_DAX + u_off))) <-> $NVME2_BLK+$(hex $((URING_NVME2 + u_off))), $(hex $u_len) bytes, seed $u_seed" \
		"$u_op" -q 16 -c 128K "$@" "$U_DEV" $((URING_DAX + u_off)) "$NVME2_BLK" \
		$((URING_NVME2 + u_off)) $u_len $u_seed
	# Not a test: uring_p2p queues DEPTH requests before it first waits,
	# so this is DEPTH whatever the kernel does with them.
	sed -n "s|.*up to \([0-9]*\) in flight$|# $u_name: \1 requests queued at once|p" /tmp/u.out
}

if ! command -v uring_p2p >/dev/null; then
	not_ok "io_uring tests (uring_p2p is not in /tests/bin)"
else
	u_io write $U_W_SEED $U_W $U_LEN
	u_io read $U_R_SEED $U_R $U_LEN
	u_io write $U_WV_SEED $U_WV $U_LEN -v
	u_io read $U_RV_SEED $U_RV $U_LEN -v

	# Fixed buffers: what this kernel does (see the top of this file).
	uring_p2p fixed -q 16 -c 128K "$U_DEV" $((URING_DAX + U_FX)) "$NVME2_BLK" \
		$((URING_NVME2 + U_FX)) $U_FX_LEN $U_FXW_SEED $U_FXR_SEED >/tmp/u.out 2>&1
	u_rc=$?
	diag /tmp/u.out
	u_reg=$(val /tmp/u.out register)
	u_err=$(val /tmp/u.out error)
	if uring_registers_dax; then
		expect_eq "io_uring_register_buffers(dax0.2 mapping) accepted (6.5+: GUP decides, device-dax needs no dirty tracking)" \
			"$u_reg" ok
		expect_eq "io_uring WRITE_FIXED/READ_FIXED from/to the registered mapping (exit $u_rc)" \
			"$(val /tmp/u.out fixed_io)" ok
	else
		expect_eq "io_uring_register_buffers(dax0.2 mapping) refused with EOPNOTSUPP (io_pin_pages: file-backed VMA)" \
			"$u_reg $u_err" "refused EOPNOTSUPP"
		expect_eq "io_uring: the refused registration changed nothing (mapping intact, nothing registered)" \
			"$(val /tmp/u.out unchanged)" ok
		expect_eq "io_uring: plain WRITE/READ on the same ring after the refusal (exit $u_rc)" \
			"$(val /tmp/u.out plain_io)" ok
	fi
fi
