# SPDX-License-Identifier: GPL-2.0
# What the kernel under test decides about buffers in a dax mapping, in one
# place for the guest sections (run.sh sources this) and the host hooks
# (which pass $P2PDAX_KVER). Only 6.1 and 6.12 are run here; the boundaries
# are the upstream releases of the changes named.

# kver_at_least MAJOR MINOR [RELEASE]: kernel RELEASE (default: the running
# one) is MAJOR.MINOR or later.
kver_at_least() {
	kv_r=${3:-$(uname -r)}
	kv_maj=${kv_r%%.*} kv_min=${kv_r#*.}
	kv_min=${kv_min%%[!0-9]*}
	[ $((kv_maj * 1000 + kv_min)) -ge $(($1 * 1000 + $2)) ]
}

# uring_registers_dax [RELEASE]: io_uring_register_buffers() takes a dax
# mapping. Before 6.5 io_pin_pages() refuses every file-backed VMA but
# shmem and hugetlbfs (EOPNOTSUPP); 6.5 ("io_uring: rsrc: delegate VMA
# file-backed check to GUP") leaves it to FOLL_LONGTERM, which allows
# device-dax: no dirty tracking (see uring.sh).
uring_registers_dax() { kver_at_least 6 5 ${1:+"$1"}; }

# nvme_user_passthru [RELEASE]: NVMe passthrough without CAP_SYS_ADMIN for
# whoever may open the node: Identify, and I/O the effects log allows
# (6.2: nvme_cmd_allowed()); before, every command needs CAP_SYS_ADMIN.
nvme_user_passthru() { kver_at_least 6 2 ${1:+"$1"}; }
