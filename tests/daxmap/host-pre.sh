#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-pre.sh WORKDIR
# Before boot: the patterns the guest copies out of the NVMe namespace into
# dax0.1 (daxmap copy NVME DAX, p2p, --bounce, and out of a read-only
# namespace), at their own offsets in nvme.img (pattern offset = file
# offset). host-post.sh finds them in bar.img.
set -eu
here=$(dirname "$0")
. "$here/layout.sh"
patcheck=${P2PDAX_BUILD:-$here/../../build}/tests/tools/patcheck
nvme=$1/nvme.img
[ "$(stat -c %s "$nvme")" = $NVME_SIZE ] || {
	echo "not ok - host: nvme.img is $NVME_SIZE bytes ($(stat -c %s "$nvme"))"
	exit 1
}
"$patcheck" fill "$nvme" $N_P2P_NVME $CLEN $N_P2P_SEED
"$patcheck" fill "$nvme" $N_BNC_NVME $CLEN $N_BNC_SEED
"$patcheck" fill "$nvme" $N_RO_NVME $CLEN $N_RO_SEED
