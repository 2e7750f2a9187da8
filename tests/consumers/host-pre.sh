#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-pre.sh WORKDIR
# Before boot: each consumer's own preparation of the images (pre-*.sh in
# this directory, sourced in name order with WORKDIR in $1 and layout.sh's
# variables set). Prints TAP lines for anything that went wrong.
set -eu
here=$(dirname "$0")
. "$here/layout.sh"
. "$here/kernel.sh"
. "$here/../qemu/host-lib.sh"
workdir=$1
bar=$1/bar.img
nvme=$1/nvme.img
nvme2=$1/nvme2.img
# The sections the guest ran (run.sh: consumers_only=), all by default.
only=$(echo "${P2PDAX_APPEND:-}" | tr ' ' '\n' | sed -n 's/^consumers_only=//p' | tr ',' ' ')
for f in "$here"/pre-*.sh; do
	[ -e "$f" ] || continue
	s=${f##*/pre-}
	case " ${only:-${s%.sh}} " in *" ${s%.sh} "*) ;; *) continue ;; esac
	. "$f"
done
