# SPDX-License-Identifier: GPL-2.0
# Sourced by host-pre.sh: what passthru.sh reads out of nvme2.img with the
# NVMe Read passthrough commands, at pattern offset = file offset.
for c in "$P_R $P_R_SEED" "$P_R64 $P_R64_SEED" "$P_RL $P_RL_SEED" "$P_RU $P_RU_SEED" \
	"$P_NB $P_NB_SEED" "$P_RUF $P_RUF_SEED"; do
	set -- $c
	"$patcheck" fill "$nvme2" $((PT_NVME2 + $1)) $P_LEN $2
done
