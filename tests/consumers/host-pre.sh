#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-pre.sh WORKDIR
# Before boot: each consumer's own preparation of the images (pre-*.sh in
# this directory, sourced in name order with the variables of
# host-hook.sh: $workdir, $bar, $nvme, $nvme2, layout.sh's). Prints TAP
# lines for anything that went wrong.
set -eu
here=$(dirname "$0")
. "$here/host-hook.sh"
run_sections pre
