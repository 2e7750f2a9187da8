#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-pre.sh WORKDIR
# Before boot: write a pattern into the file behind the BAR, for the guest to
# find at the same offset through /dev/daxX.Y.
set -eu
here=$(dirname "$0")
. "$here/layout.sh"
patcheck=${P2PDAX_BUILD:-$here/../../build}/tests/tools/patcheck
"$patcheck" fill "$1/bar.img" $HOST_OFF $HOST_LEN $HOST_SEED
