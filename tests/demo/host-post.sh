#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# The demo, on the host after the guest powered off: the same bytes, read
# from the file behind the BAR.
set -u
. "$(dirname "$0")/message.sh"
bar=$1/bar.img
echo "# \$ od -A x -t x1z -j $MSG_OFF -N ${#MSG} $bar"
od -A x -t x1z -j $MSG_OFF -N ${#MSG} "$bar" | sed 's/^/#   /'
if [ "$(dd if="$bar" bs=1 skip=$MSG_OFF count=${#MSG} 2>/dev/null)" = "$MSG" ]; then
	echo "ok - host: bar.img holds the guest's message at offset $MSG_OFF"
else
	echo "not ok - host: bar.img holds the guest's message at offset $MSG_OFF"
fi
