#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the guest suites: tests/qemu/run-suite.sh copies this
# file to /tests/lib.sh in every initramfs; a suite's run.sh sources it
# (busybox sh). TAP output helpers, polling, PCI and dax lookups.

DRV=dax_pci_p2p
DRVDIR=/sys/bus/pci/drivers/$DRV
PARAMS=/sys/module/$DRV/parameters

# Debian's busybox shell runs its own applets before anything in PATH; the
# module tools must be kmod's, as on a real system (softdeps, error messages).
modprobe() { /sbin/modprobe "$@"; }
rmmod() { /sbin/rmmod "$@"; }
fails() { ! "$@"; }

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }
skip() { echo "ok - $1 # SKIP $2"; }
diag() { sed 's/^/# /' "$@"; }

# check DESC CMD [ARG...]: one test line for one command, its output as
# diagnostics when it fails.
check() {
	desc=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		diag /tmp/check.out
	fi
}

# check_out OUT DESC CMD [ARG...]: one test line for one command whose
# output is the point: it goes to OUT (for the caller to read further) and
# is shown as diagnostics either way.
check_out() {
	co_out=$1 co_desc=$2
	shift 2
	if "$@" >"$co_out" 2>&1; then
		ok "$co_desc"
	else
		not_ok "$co_desc"
	fi
	diag "$co_out"
}

# BDF of the first PCI function with vendor $1 and device $2 (0x... form).
find_pci() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = "$1" ] && [ "$(cat "$d/device")" = "$2" ]; then
			basename "$d"
			return 0
		fi
	done
	return 1
}

# wait_for TIMEOUT_S CMD...: poll CMD every 0.1 s.
wait_for() {
	n=$(($1 * 10))
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

# exited PID: true once PID is gone.
exited() { ! kill -0 "$1" 2>/dev/null; }

bound_to_us() { [ "$(basename "$(readlink "/sys/bus/pci/devices/$1/driver")")" = $DRV ]; }

# Region and device names of the dax region on PCI function $1.
region_id() { cat "/sys/bus/pci/devices/$1/dax_region/id"; }
dax_ready() { [ -e "/sys/bus/dax/devices/$1/driver" ] && [ -c "/dev/$1" ]; }

# kernel_log_clean: one test line, that the kernel log so far has no Call
# Trace, WARNING: or BUG: (the log as diagnostics if it has). The harness
# checks the whole console log after the run as well.
kernel_log_clean() {
	dmesg >/tmp/dmesg.out
	if grep -q "Call Trace\|WARNING:\|BUG:" /tmp/dmesg.out; then
		not_ok "kernel log clean"
		diag /tmp/dmesg.out
	else
		ok "kernel log clean"
	fi
}
