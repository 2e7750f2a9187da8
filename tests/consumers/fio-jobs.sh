# SPDX-License-Identifier: GPL-2.0
# The fio jobs of fio.sh, as the parts of the command line that decide what
# is written where: the guest runs them with an engine, a device and its
# buffers in a dax mapping; the host runs the same parts with
# --verify_only against the image behind the device, which regenerates
# every block (same seeds, same offsets) and checks its crc32c and header.
# Needs layout.sh.

# dax0.0 [0, FIO_DAX_LEN) through the dev-dax engine (no buffers: the
# engine copies into the mapping itself).
FIO_J_DEVDAX="--name=devdax --rw=randwrite --bs=256k --size=$((FIO_DAX_LEN / M))M --verify=crc32c"
# NVMe jobs: O_DIRECT random writes with read-back verify.
FIO_J_URING="--name=uring --rw=randwrite --bs=64k --offset=$((FIO_URING_NVME / M))M --size=$((FIO_URING_LEN / M))M --verify=crc32c"
FIO_J_AIO="--name=aio --rw=randwrite --bs=16k --offset=$((FIO_AIO_NVME / M))M --size=$((FIO_AIO_LEN / M))M --verify=crc32c"
FIO_J_FIXED="--name=fixed --rw=randwrite --bs=64k --offset=$((FIO_FIXED_NVME / M))M --size=$((FIO_FIXED_LEN / M))M --verify=crc32c"
FIO_J_CMD="--name=cmd --rw=randwrite --bs=64k --offset=$((FIO_CMD_NVME / M))M --size=$((FIO_CMD_LEN / M))M --verify=crc32c"
