#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: test_memtype.sh BUILD_DIR
# memtype (tests/guest/memtype.c) on the host: its command line, and how it
# fails without a dax device or without the test-only module pteprobe
# (/dev/pteprobe), against a regular file standing in for /dev/daxX.Y
# (P2PDAX_SYSFS points it at a fake sysfs tree; see
# tools/daxmap/lib/daxdev.h). What the page tables hold is for the guest:
# the host never loads pteprobe. TAP on stdout.
set -u
here=$(dirname "$0")
M=$1/guest/memtype
T=$(mktemp -d "${TMPDIR:-/tmp}/p2pdax-unit.XXXXXX") || exit 1
. "$here/tap.sh"
trap 'rm -rf "$T"' EXIT INT TERM
unset P2PDAX_SYSFS

# ------------------------------------------------------- the command line
expect "no DEV: exit 2" 2 'memtype: no device' "$M"
expect "-h: usage on stdout, exit 0" 0 '^usage: memtype \[options\] DEV' "$M" -h
expect "--help after DEV: usage, exit 0" 0 '^usage: memtype' "$M" /dev/dax0.0 --help
expect "two devices: exit 2" 2 "one device only: '/dev/dax0.1' after '/dev/dax0.0'" \
	"$M" /dev/dax0.0 /dev/dax0.1
expect "unknown short option: exit 2" 2 "unknown option '-q'" "$M" -q /dev/dax0.0
expect "unknown long option: exit 2" 2 "unknown option '--frob'" "$M" --frob /dev/dax0.0
expect "-o without a value: exit 2" 2 'option -o needs a value' "$M" /dev/dax0.0 -o
expect "--expect without a value: exit 2" 2 'option --expect needs a value' "$M" /dev/dax0.0 --expect
expect "garbage OFFSET: exit 2" 2 "OFFSET '1x' is not a number" "$M" -o 1x /dev/dax0.0
expect "LENGTH too large for 64 bits: exit 2" 2 "LENGTH '99999999999999999999' does not fit" \
	"$M" -l 99999999999999999999 /dev/dax0.0
expect "LENGTH 0: exit 2" 2 'LENGTH must not be 0' "$M" -l 0 /dev/dax0.0
expect "ALIGN not a power of two: exit 2" 2 'ALIGN 3072 is not a power of two' "$M" -a 3K /dev/dax0.0
expect "ALIGN below 4K: exit 2" 2 'ALIGN 2048 is not a power of two >= 4096' "$M" -a 2K /dev/dax0.0
expect "unknown type: exit 2, lists the types" 2 "unknown memory type 'WX' \(WB, WC, UC-, UC, WT or WP\)" \
	"$M" -e WX /dev/dax0.0
expect "-e uc- (any case) is a type: gets as far as the device" 1 '/dev/dax97.3: No such file' \
	"$M" -e uc- /dev/dax97.3

# ------------------------------------------------------ without a device
expect "a missing device: exit 1, one line naming it" 1 '^memtype: /dev/dax97.3: No such file or directory$' \
	"$M" /dev/dax97.3
expect "a character device that is not device-dax: exit 1, says so and offers -a" 1 \
	'/dev/null: cannot open /sys/bus/dax/devices/null/dev.*device-dax.*give the alignment with -a' \
	"$M" /dev/null
truncate -s 4M "$T/plain"
expect "a regular file: exit 1, not a character device" 1 'not a character device' "$M" "$T/plain"

# --------------------------------- a regular file as a 2M-aligned device
fake_dax_dev

expect "OFFSET not a multiple of the alignment: exit 2" 2 \
	'OFFSET 0x1000 is not a multiple of the alignment 0x200000' "$M" -o 4K "$dev"
expect "LENGTH not a multiple of the alignment: exit 2" 2 \
	'LENGTH 0x300000 is not a multiple of the alignment 0x200000' "$M" -l 3M "$dev"
expect "a range beyond the device: exit 2" 2 '0x3e00000\+0x400000 is beyond the size 0x4000000' \
	"$M" -o 62M -l 4M "$dev"
expect "an OFFSET beyond the device: exit 2" 2 '0x4000000\+0x200000 is beyond the size' "$M" -o 64M "$dev"
expect "-a disagreeing with sysfs: exit 1" 1 '-a 0x1000, but sysfs says the alignment is 0x200000' \
	"$M" -a 4K "$dev"
if [ -e /dev/pteprobe ]; then
	skip "mapped, then /dev/pteprobe missing: exit 1, says modprobe pteprobe" \
		"/dev/pteprobe exists on this host"
	skip "the same with -a where sysfs has no alignment" "/dev/pteprobe exists on this host"
else
	expect "mapped, then /dev/pteprobe missing: exit 1, says modprobe pteprobe" 1 \
		'^memtype: /dev/pteprobe: No such file or directory \(modprobe pteprobe\)$' \
		"$M" -w -m -o 2M -l 8M -e WC "$dev"
	truncate -s 8M "$T/dax6.0"
	expect "the same with -a where sysfs has no alignment" 1 \
		'no alignment in sysfs, using -a 0x200000.*' "$M" -a 2M "$T/dax6.0"
	grep -q '(modprobe pteprobe)$' "$T/out" && ok "... and reaches /dev/pteprobe" ||
		{ not_ok "... and reaches /dev/pteprobe"; diag "$T/out"; }
fi
rm -f "$attrs/align"
expect "no alignment in sysfs and no -a: exit 1, offers -a" 1 \
	'dax5.0/align: No such file or directory.*give the alignment with -a' "$M" "$dev"

done_testing
