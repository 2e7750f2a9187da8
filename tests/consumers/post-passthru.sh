# SPDX-License-Identifier: GPL-2.0
# Sourced by host-post.sh: what passthru.sh moved between dax0.2 and
# nvme2.img with NVMe passthrough commands (dax0.2 offset PT_DAX + X, BAR
# offset D2_OFF + PT_DAX + X, nvme2.img offset PT_NVME2 + X), and the
# Identify Controller answers the controller DMA'd into the BAR. (Functions,
# not "set --": the positional parameters are not this file's.)
p_base=$((D2_OFF + PT_DAX - PT_NVME2))

# post_pt_write HOW OFF SEED / post_pt_read HOW OFF SEED: the P_LEN bytes
# of piece OFF.
post_pt_write() {
	t "passthrough Write ($1) from dax0.2+$(hx $((PT_DAX + $2))): seed $3 in nvme2.img at $(hx $((PT_NVME2 + $2)))" \
		check "$nvme2" $((PT_NVME2 + $2)) $P_LEN $3
	t "passthrough Write ($1): the source still in bar.img at $(hx $((p_base + PT_NVME2 + $2)))" \
		check -b $p_base "$bar" $((p_base + PT_NVME2 + $2)) $P_LEN $3
}
post_pt_read() {
	t "passthrough Read ($1) into dax0.2+$(hx $((PT_DAX + $2))): seed $3 of nvme2.img in bar.img at $(hx $((p_base + PT_NVME2 + $2)))" \
		check -b $p_base "$bar" $((p_base + PT_NVME2 + $2)) $P_LEN $3
}

# post_pt_id HOW OFF: the serial number (bytes 4..23, blank-padded) of the
# controller behind nvme2.img in the 4K Identify Controller answer at OFF.
post_pt_id() {
	pp_off=$((D2_OFF + PT_DAX + $2))
	pp_sn=$(dd if="$bar" bs=4 skip=$((pp_off / 4 + 1)) count=5 2>/dev/null | tr -d ' ')
	if [ "$pp_sn" = p2pdaxnvme2 ]; then
		ok "passthrough Identify Controller ($1) in bar.img at $(hx $pp_off): serial $pp_sn"
	else
		not_ok "passthrough Identify Controller ($1) in bar.img at $(hx $pp_off): serial p2pdaxnvme2"
		echo "# got '$pp_sn'"
	fi
}

post_pt_write NVME_IOCTL_IO_CMD $P_W $P_W_SEED
post_pt_write NVME_IOCTL_IO64_CMD $P_W64 $P_W64_SEED
post_pt_write NVME_IOCTL_SUBMIT_IO $P_WL $P_WL_SEED
post_pt_write URING_CMD $P_WU $P_WU_SEED
post_pt_write URING_CMD_FIXED/URING_CMD $P_WUF $P_WUF_SEED
post_pt_read NVME_IOCTL_IO_CMD $P_R $P_R_SEED
post_pt_read NVME_IOCTL_IO64_CMD $P_R64 $P_R64_SEED
post_pt_read NVME_IOCTL_SUBMIT_IO $P_RL $P_RL_SEED
post_pt_read URING_CMD $P_RU $P_RU_SEED
post_pt_read URING_CMD_FIXED/URING_CMD $P_RUF $P_RUF_SEED
t "passthrough: nobody's read left nvme2.img at $(hx $((PT_NVME2 + P_NB))) as it was" \
	check "$nvme2" $((PT_NVME2 + P_NB)) $P_LEN $P_NB_SEED
t "passthrough: nothing written to nvme2.img past its pieces ($(hx $((PT_NVME2 + P_END))) on)" \
	zero "$nvme2" $((PT_NVME2 + P_END)) $((PT_NVME2_LEN - P_END))

post_pt_id NVME_IOCTL_ADMIN_CMD $P_ID
post_pt_id NVME_IOCTL_ADMIN64_CMD $P_ID64
post_pt_id URING_CMD $P_IDU
