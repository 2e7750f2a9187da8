# SPDX-License-Identifier: GPL-2.0
# Sourced by host-post.sh: what unbind.sh's io_uring holder wrote from its
# registered pages, after the unbind had started, is in nvme2.img, and the
# pages still hold it in bar.img; where io_uring does not register a dax
# mapping (before 6.5) both ranges are untouched.

if uring_registers_dax "$P2PDAX_KVER"; then
	t "unbind: WRITE_FIXED from the pinned dax0.2+$(hx $UNBIND_URING_DAX) in nvme2.img $(hx $UNBIND_NVME2)" \
		check "$nvme2" $UNBIND_NVME2 $UNBIND_LEN $UNBIND_SEED
	t "unbind: the pinned pages' data in bar.img $(hx $((D2_OFF + UNBIND_URING_DAX)))" \
		check -b $((D2_OFF + UNBIND_URING_DAX - UNBIND_NVME2)) "$bar" \
		$((D2_OFF + UNBIND_URING_DAX)) $UNBIND_LEN $UNBIND_SEED
else
	t "unbind: nvme2.img $(hx $UNBIND_NVME2) untouched ($P2PDAX_KVER registers no dax mapping)" \
		zero "$nvme2" $UNBIND_NVME2 $UNBIND_LEN
	t "unbind: bar.img $(hx $((D2_OFF + UNBIND_URING_DAX))) untouched" \
		zero "$bar" $((D2_OFF + UNBIND_URING_DAX)) $UNBIND_LEN
fi
