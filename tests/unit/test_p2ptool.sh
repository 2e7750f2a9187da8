#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: test_p2ptool.sh BUILD_DIR
# The /dev/p2pdax guest programs on the host, where there is no driver:
# p2ptool's argument handling and error paths, its fuzz loop against
# /dev/null (P2PDAX_CTL), and p2pdax_abi_test skipping without the device.
# What the ioctls answer is for the guest suite (tests/p2p). TAP on stdout.
set -u
here=$(dirname "$0")
P=$1/guest/p2ptool
A=$1/guest/p2pdax_abi_test
T=$(mktemp -d "${TMPDIR:-/tmp}/p2pdax-unit.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
. "$here/tap.sh"
unset P2PDAX_SYSFS P2PDAX_DEV P2PDAX_CTL

# ------------------------------------------------------------- usage
expect "no command: exit 2" 2 'no command' "$P"
expect "unknown command: exit 2" 2 "unknown command 'frob'" "$P" frob
expect "-h: usage, exit 0" 0 '^usage: p2ptool COMMAND' "$P" -h
expect "route --help: usage, exit 0" 0 '^usage: p2ptool COMMAND' "$P" route --help
expect "info without DEV: exit 2" 2 'info takes DEV' "$P" info
expect "info dax0: not a device name, exit 2" 2 "'dax0' is not a dax device name" "$P" info dax0
expect "info dax0.0x: exit 2" 2 "'dax0.0x' is not a dax device name" "$P" info dax0.0x
expect "info with two devices: exit 2" 2 "unexpected argument 'dax0.1'" "$P" info dax0.0 dax0.1
expect "info --bogus: exit 2" 2 "unknown option '--bogus'" "$P" info dax0.0 --bogus
expect "route --addr: not a route option, exit 2" 2 "unknown option '--addr'" \
	"$P" route 0 0000:00:01.0 --addr
expect "resolve without LENGTH: exit 2" 2 'resolve takes DEV OFFSET LENGTH' "$P" resolve dax0.0 0
expect "resolve: garbage OFFSET, exit 2" 2 "OFFSET '1x' is not a number" \
	"$P" resolve dax0.0 1x 4096
expect "resolve --after without a command: exit 2" 2 '--after needs a command' \
	"$P" resolve dax0.0 0 4096 --after
expect "info --after: not an info option, exit 2" 2 "unknown option '--after'" \
	"$P" info dax0.0 --after true
expect "route without PCI: exit 2" 2 'route takes REGION PCI' "$P" route 0
expect "route: REGION past 32 bits, exit 2" 2 "REGION '0x100000000' does not fit" \
	"$P" route 0x100000000 0000:00:01.0
for bad in 0000:ff:20.7 0000:ff:1f.8 0000:100:00.0 0x0:00:01.0 '0000:00:01.0 ' 1:2:3:4.5 \
	   000000000:00:01.0 00:01 ''; do
	expect "route: '$bad' is not a PCI function, exit 2" 2 "is not a PCI function" \
		"$P" route 0 "$bad"
done
expect "fuzz without N: exit 2" 2 'fuzz takes N' "$P" fuzz
expect "fuzz: garbage N, exit 2" 2 "N 'lots' is not a number" "$P" fuzz lots
expect "fuzz --seed without a number: exit 2" 2 '--seed needs a number' "$P" fuzz 10 --seed

# ------------------------------------------- no driver, or /dev/null for it
export P2PDAX_CTL="$T/p2pdax"
expect "info without the control device: exit 1, naming it" 1 "$T/p2pdax: No such file" \
	"$P" info dax0.0
cp "$T/out" "$T/out.info"
check "  and no error= line: no ioctl was made" sh -c "! grep -q '^error=' '$T/out.info'"
expect "resolve of a missing device: exit 1, naming it" 1 '/dev/dax97.3: No such file' \
	"$P" resolve dax97.3 0 4096
expect "fuzz with a missing device: exit 1" 1 '/dev/dax97.3: No such file' \
	"$P" fuzz 10 dax97.3

export P2PDAX_CTL=/dev/null
"$P" info dax0.0 > "$T/stdout" 2> "$T/stderr"
rc=$?
if [ $rc = 1 ] && [ "$(cat "$T/stdout")" = error=ENOTTY ] &&
   grep -q 'P2PDAX_IOC_INFO dax0.0: Inappropriate ioctl' "$T/stderr"; then
	ok "a failed ioctl: exit 1, error=ENOTTY alone on stdout, the reason on stderr"
else
	not_ok "a failed ioctl: exit 1, error=ENOTTY alone on stdout, the reason on stderr"
	echo "# exit status $rc"
	diag "$T/stdout" "$T/stderr"
fi
expect "route: error=ENOTTY" 1 '^error=ENOTTY$' "$P" route 7 00:1f.7
expect "info --addr: error=ENOTTY" 1 '^error=ENOTTY$' "$P" info /dev/dax3.4 --addr
if [ "$(id -u)" = 0 ]; then
	expect "info --nobody as root: drops, then asks" 1 '^error=ENOTTY$' \
		"$P" info dax0.0 --nobody
	expect "fuzz --nobody as root" 0 '^calls=100$' "$P" fuzz 100 --nobody
else
	expect "info --nobody, not root: exit 1, says why" 1 'cannot become uid/gid 65534' \
		"$P" info dax0.0 --nobody
	skip "fuzz --nobody as root" "not root"
fi

expect "fuzz 20000: every call made, exit 0" 0 '^calls=20000$' "$P" fuzz 20000 --seed 5
cp "$T/out" "$T/fuzz1"
check "  ok=0 and errno_ENOTTY=20000 (nothing on /dev/null answers)" \
	sh -c "grep -qx ok=0 '$T/fuzz1' && grep -qx errno_ENOTTY=20000 '$T/fuzz1'"
"$P" fuzz 20000 --seed 5 > "$T/fuzz2" 2>&1
check "  the same seed, the same report" cmp -s "$T/fuzz1" "$T/fuzz2"
check "  seed=5 reported" grep -qx seed=5 "$T/fuzz1"
check "  no stopped= line when every call was made" sh -c "! grep -q '^stopped=' '$T/fuzz1'"
# SIGTERM ends the loop early with the report: calls= is what was made.
# Sent once the handler is in (SigCgt has SIGTERM, bit 14), at most 10 s on.
"$P" fuzz 1000000000000 --seed 5 > "$T/fuzz3" 2>&1 &
pid=$!
caught() {
	m=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null)
	[ -n "$m" ] && [ $((0x$m & 0x4000)) != 0 ]
}
wait_for 100 caught
kill -TERM $pid
rc=0
wait $pid || rc=$?
calls=$(sed -n 's/^calls=//p' "$T/fuzz3")
if [ $rc = 0 ] && grep -qx stopped=1 "$T/fuzz3" && [ -n "$calls" ] &&
	[ "$calls" -gt 0 ] && [ "$calls" -lt 1000000000000 ] &&
	grep -qx "errno_ENOTTY=$calls" "$T/fuzz3"; then
	ok "fuzz ended by SIGTERM: exit 0, stopped=1, calls=$calls, each one counted"
else
	not_ok "fuzz ended by SIGTERM: exit 0, stopped=1, calls= those made (exit $rc)"
	diag "$T/fuzz3"
fi
unset P2PDAX_CTL

# ------------------------------------------------------- p2pdax_abi_test
if [ -e /dev/p2pdax ]; then
	skip "p2pdax_abi_test without /dev/p2pdax: every test skips" "this host has /dev/p2pdax"
else
	expect "p2pdax_abi_test without /dev/p2pdax: exit 0" 0 \
		'^ok 1 # SKIP /dev/p2pdax: No such file or directory' "$A"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$T/out")
	skips=$(grep -c '^ok [0-9]* # SKIP ' "$T/out")
	if [ -n "$plan" ] && [ "$plan" -gt 0 ] && [ "$plan" = "$skips" ]; then
		ok "  every one of its $plan tests skips, none passes"
	else
		not_ok "  every one of its ${plan:-?} tests skips, none passes: $skips skipped"
	fi
fi
expect "p2pdax_abi_test with P2PDAX_DEV=foo: fails once, naming it" 1 \
	"^Bail out! P2PDAX_DEV 'foo' is not a dax device" env P2PDAX_DEV=foo "$A"

done_testing
