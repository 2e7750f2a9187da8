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

# fixedbufs_refused KERNELRELEASE: true if io_uring refuses to register a
# dax mapping as fixed buffers there. Before 6.5, io_uring_register's
# buffer pinning turned away any file-backed VMA but hugetlbfs
# (EOPNOTSUPP); from 6.5 it leaves that to GUP's FOLL_LONGTERM rules, which
# allow device-dax.
fixedbufs_refused() {
	fr_maj=${1%%.*}
	fr_min=${1#*.}
	fr_min=${fr_min%%[!0-9]*}
	[ "$fr_maj" -lt 6 ] || { [ "$fr_maj" = 6 ] && [ "$fr_min" -lt 5 ]; }
}
