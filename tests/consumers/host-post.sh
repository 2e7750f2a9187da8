#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off: each consumer's checks of the files
# behind the devices (post-*.sh in this directory, sourced in name order,
# with the variables of host-hook.sh: $workdir, $bar, $nvme, $nvme2,
# layout.sh's, and host-lib.sh's helpers). Prints TAP lines.
set -u
here=$(dirname "$0")
. "$here/host-hook.sh"

if [ "$(stat -c %s "$bar")" != $BAR_SIZE ]; then
	not_ok "bar.img is $BAR_SIZE bytes (the suite runs with the default 256M BAR)"
	exit 0
fi
run_sections post
