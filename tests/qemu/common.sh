# SPDX-License-Identifier: GPL-2.0
# Sourced by the tests/qemu scripts: their shared error exits. PROG is the
# sourcing script's name.

PROG=${0##*/}

die() {
	echo "$PROG: $*" >&2
	exit 1
}

bad_usage() {
	echo "$PROG: $*" >&2
	echo "Try '$PROG --help'." >&2
	exit 2
}
