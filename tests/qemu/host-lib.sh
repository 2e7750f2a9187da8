# SPDX-License-Identifier: GPL-2.0
# Helpers for the suites' host-side hooks (host-post.sh), which run on the
# host with the environment run-suite.sh documents. Source it with
# ". $here/../qemu/host-lib.sh".
#
# $patcheck: the host-side pattern checker, from the build the harness ran
# (P2PDAX_BUILD), or from the project's build/ when only the harness's work
# directories were moved elsewhere.
patcheck=${P2PDAX_BUILD:-}/tests/tools/patcheck
[ -x "$patcheck" ] || patcheck=$(dirname "$0")/../../build/tests/tools/patcheck

ok() { echo "ok - host: $*"; }
not_ok() { echo "not ok - host: $*"; }
# hx N: N in hex, for descriptions.
hx() { printf %#x "$1"; }

# t DESC ARGS...: one test line for "patcheck ARGS...", its output as
# diagnostics when it fails.
t() {
	desc=$1
	shift
	if out=$("$patcheck" "$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		echo "$out" | sed 's/^/# /'
	fi
}
