# SPDX-License-Identifier: GPL-2.0
# Sourced by host-pre.sh: the blocks fio.sh reads into the dax mappings.
"$patcheck" fill "$nvme" $FIO_READ_NVME $FIO_READ_LEN $FIO_READ_SEED
