# SPDX-License-Identifier: GPL-2.0
# Sourced by host-post.sh: what uring.sh moved between dax0.2 and nvme2.img.
# Writes: the pattern in nvme2.img and still in bar.img; reads: the pattern
# the host put in nvme2.img now in bar.img (at dax0.2 offset URING_DAX + X,
# BAR offset D2_OFF + URING_DAX + X). The fixed-buffer piece moves the same
# data whether the kernel registered the mapping or not. (Functions, not
# "set --": the positional parameters are not this file's.)
u_base=$((D2_OFF + URING_DAX - URING_NVME2))

# post_u_write OP OFF LEN SEED / post_u_read OP OFF LEN SEED
post_u_write() {
	t "io_uring $1 from dax0.2+$(hx $((URING_DAX + $2))): seed $4 in nvme2.img at $(hx $((URING_NVME2 + $2)))" \
		check "$nvme2" $((URING_NVME2 + $2)) $3 $4
	t "io_uring $1: the source still in bar.img at $(hx $((u_base + URING_NVME2 + $2)))" \
		check -b $u_base "$bar" $((u_base + URING_NVME2 + $2)) $3 $4
}
post_u_read() {
	t "io_uring $1 into dax0.2+$(hx $((URING_DAX + $2))): seed $4 of nvme2.img in bar.img at $(hx $((u_base + URING_NVME2 + $2)))" \
		check -b $u_base "$bar" $((u_base + URING_NVME2 + $2)) $3 $4
}

post_u_write WRITE $U_W $U_LEN $U_W_SEED
post_u_write WRITEV $U_WV $U_LEN $U_WV_SEED
post_u_write WRITE_FIXED/WRITE $U_FX $((U_FX_LEN / 2)) $U_FXW_SEED
post_u_read READ $U_R $U_LEN $U_R_SEED
post_u_read READV $U_RV $U_LEN $U_RV_SEED
post_u_read READ_FIXED/READ $((U_FX + U_FX_LEN / 2)) $((U_FX_LEN / 2)) $U_FXR_SEED
t "io_uring: nothing written to nvme2.img past its pieces ($(hx $((URING_NVME2 + U_FX + U_FX_LEN)))..$(hx $((URING_NVME2 + URING_NVME2_LEN))))" \
	zero "$nvme2" $((URING_NVME2 + U_FX + U_FX_LEN)) $((URING_NVME2_LEN - U_FX - U_FX_LEN))
