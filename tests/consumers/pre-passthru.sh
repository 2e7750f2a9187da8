# SPDX-License-Identifier: GPL-2.0
# Sourced by host-pre.sh: what passthru.sh reads out of nvme2.img with the
# NVMe Read passthrough commands, at pattern offset = file offset. (A
# function, not "set --": the positional parameters are not this file's.)

# pre_pt_fill OFF SEED: P_LEN bytes of the pattern SEED at PT_NVME2 + OFF.
pre_pt_fill() { "$patcheck" fill "$nvme2" $((PT_NVME2 + $1)) $P_LEN "$2"; }

pre_pt_fill $P_R $P_R_SEED
pre_pt_fill $P_R64 $P_R64_SEED
pre_pt_fill $P_RL $P_RL_SEED
pre_pt_fill $P_RU $P_RU_SEED
pre_pt_fill $P_NB $P_NB_SEED
pre_pt_fill $P_RUF $P_RUF_SEED
