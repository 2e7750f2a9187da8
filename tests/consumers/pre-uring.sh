# SPDX-License-Identifier: GPL-2.0
# Sourced by host-pre.sh: what uring.sh reads out of nvme2.img into the
# mapping with IORING_OP_READ, READV and READ_FIXED (or READ), at pattern
# offset = file offset. (A function, not "set --": the
# positional parameters are not this file's.)

# pre_uring_fill OFF LEN SEED: the pattern SEED at URING_NVME2 + OFF.
pre_uring_fill() { "$patcheck" fill "$nvme2" $((URING_NVME2 + $1)) "$2" "$3"; }

pre_uring_fill $U_R $U_LEN $U_R_SEED
pre_uring_fill $U_RV $U_LEN $U_RV_SEED
pre_uring_fill $((U_FX + U_FX_LEN / 2)) $((U_FX_LEN / 2)) $U_FXR_SEED
