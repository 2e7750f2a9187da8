#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off: each consumer's checks of the files
# behind the devices (post-*.sh in this directory, sourced in name order,
# with WORKDIR in $1, layout.sh's variables and host-lib.sh's helpers).
# Prints TAP lines.
set -u
here=$(dirname "$0")
. "$here/layout.sh"
. "$here/kernel.sh"
. "$here/../qemu/host-lib.sh"
workdir=$1
bar=$1/bar.img
nvme=$1/nvme.img
nvme2=$1/nvme2.img
hx() { printf %#x "$1"; }

if [ "$(stat -c %s "$bar")" != $BAR_SIZE ]; then
	not_ok "bar.img is $BAR_SIZE bytes (the suite runs with the default 256M BAR)"
	exit 0
fi
# The sections the guest ran (run.sh: consumers_only=), all by default.
only=$(echo "${P2PDAX_APPEND:-}" | tr ' ' '\n' | sed -n 's/^consumers_only=//p' | tr ',' ' ')
for f in "$here"/post-*.sh; do
	[ -e "$f" ] || continue
	s=${f##*/post-}
	case " ${only:-${s%.sh}} " in *" ${s%.sh} "*) ;; *) continue ;; esac
	. "$f"
done
