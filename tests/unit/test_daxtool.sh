#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: test_daxtool.sh BUILD_DIR
# The guest programs on the host: their argument handling and error paths,
# and daxtool's commands against a regular file standing in for /dev/daxX.Y
# (P2PDAX_SYSFS points them at a fake sysfs tree; see tools/daxmap/lib/daxdev.h).
# What only a real device-dax can show (refused mappings, huge faults, SIGBUS
# on unbind, pins across unbind) is for the guest suite. TAP on stdout.
set -u
here=$(dirname "$0")
D=$1/guest/daxtool
M=$1/guest/dax_mmap_test
P=$1/tools/patcheck
T=$(mktemp -d "${TMPDIR:-/tmp}/p2pdax-unit.XXXXXX") || exit 1
. "$here/tap.sh"
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
unset P2PDAX_SYSFS P2PDAX_DEV P2PDAX_SEED

# ------------------------------------------------- without a dax device
expect "daxtool: no command: exit 2" 2 'no command' "$D"
expect "daxtool: unknown command: exit 2" 2 "unknown command 'frob'" "$D" frob
expect "daxtool -h: usage, exit 0" 0 '^usage: daxtool COMMAND' "$D" -h
expect "daxtool fill -h: usage, exit 0" 0 '^usage: daxtool COMMAND' "$D" fill -h
expect "daxtool: a missing device: exit 1 naming it" 1 '/dev/dax97.3: No such file or directory' \
	"$D" check /dev/dax97.3 0 8 1
expect "daxtool: a character device that is not device-dax: exit 1, says so" 1 \
	'/dev/null: cannot open /sys/bus/dax/devices/null/dev.*device-dax' "$D" check /dev/null 0 8 1
truncate -s 4M "$T/plain"
expect "daxtool: a regular file: exit 1, not a character device" 1 'not a character device' \
	"$D" check "$T/plain" 0 8 1
expect "daxtool fill: missing SEED: exit 2" 2 'fill takes DEV OFF LEN SEED' "$D" fill /dev/dax0.0 0 8
expect "daxtool check: garbage OFF: exit 2" 2 "OFF '1x' is not a number" "$D" check /dev/dax0.0 1x 8 1
expect "daxtool fill: LEN 0: exit 2" 2 'LEN must not be 0' "$D" fill /dev/dax0.0 0 0 1
expect "daxtool fill: OFF not a multiple of 8: exit 2" 2 'multiples of 8' "$D" fill /dev/dax0.0 4 8 1
expect "daxtool hold: missing READYFILE: exit 2" 2 'hold takes DEV OFF LEN READYFILE' \
	"$D" hold /dev/dax0.0 0 2M
expect "daxtool pin: missing RELEASEFILE: exit 2" 2 'pin takes DEV OFF LEN READYFILE RELEASEFILE' \
	"$D" pin /dev/dax0.0 0 64K "$T/r"
expect "daxtool pin: garbage P2PDAX_SEED: exit 2" 2 "P2PDAX_SEED 'zz' is not a number" \
	env P2PDAX_SEED=zz "$D" pin /dev/dax0.0 0 64K "$T/r" "$T/q"
expect "daxtool churn: missing STOPFILE: exit 2" 2 'churn takes DEV OFF LEN SEED STATUSFILE STOPFILE' \
	"$D" churn /dev/dax0.0 0 1M 1 "$T/st"
expect "daxtool churn: garbage SEED: exit 2" 2 "SEED 'x' is not a number" \
	"$D" churn /dev/dax0.0 0 1M x "$T/st" "$T/stop"
expect "daxtool odirect: LEN not a multiple of 4096: exit 2" 2 'multiples of 4096' \
	"$D" odirect /dev/dax0.0 0 1000 "$T/plain" 0 1
expect "daxtool odirect: BLKOFF not a multiple of 4096: exit 2" 2 'BLKOFF .* multiple of 4096' \
	"$D" odirect /dev/dax0.0 0 4K "$T/plain" 512 1

expect "dax_mmap_test without P2PDAX_DEV: a harness bug, fails" 1 \
	'^Bail out! P2PDAX_DEV is not set' "$M"
expect "dax_mmap_test with a missing device: fails naming it" 1 \
	'^Bail out! /dev/dax97.3: No such file or directory' env P2PDAX_DEV=/dev/dax97.3 "$M"
expect "dax_mmap_test on a device that is not device-dax: fails" 1 \
	'^Bail out! /dev/null: .*device-dax' env P2PDAX_DEV=/dev/null "$M"

# ------------------------------------- a regular file as a 2M-aligned device
fake_dax_dev

expect "fill 60 KiB at 8M+4K (the guest suite's range A)" 0 'filled 0xf000 bytes at offset 0x801000' \
	"$D" fill "$dev" $(((8 << 20) + 4096)) 60K 11
expect "check it back through a mapping" 0 '^ok$' "$D" check "$dev" 0x801000 0xf000 11
expect "patcheck finds it at the same offsets of the file" 0 '^ok$' "$P" check "$dev" 0x801000 60K 11
expect "and nothing in the rest of the 2 MiB unit that was mapped" 0 '^ok$' "$P" zero "$dev" 8M 4K
expect "nor after it" 0 '^ok$' "$P" zero "$dev" $(((8 << 20) + (64 << 10))) $(((2 << 20) - (64 << 10)))
expect "daxtool check of a wider range: mismatch at the first unwritten word" 1 \
	'^mismatch: first bad offset 0x800000, 512 bad words$' "$D" check "$dev" 8M 64K 11
"$P" fill "$dev" 0x2000000 1M 0x5eed > /dev/null
expect "daxtool reads what patcheck wrote (host-pre.sh's direction)" 0 '^ok$' \
	"$D" check "$dev" 32M 1M 0x5eed
expect "a range past the device size: exit 1" 1 'beyond the device size 0x4000000' \
	"$D" check "$dev" 63M 2M 1
expect "a range whose rounding passes the device size: exit 1" 1 'beyond the device size' \
	"$D" check "$dev" 0x3fffff8 16 1
echo 12345 > "$attrs/align"
expect "an alignment that is not a power of two: exit 1" 1 'not a power of two' \
	"$D" check "$dev" 0 8 1
echo 2097152 > "$attrs/align"

# -------------------------------------------------------------------- hold
rm -f "$T/ready"
"$D" hold "$dev" 0 2M "$T/ready" > "$T/hold.out" 2>&1 &
hp=$!
pids="$pids $hp"
if wait_for 100 test -e "$T/ready"; then
	ok "hold: READYFILE appears"
	sleep 0.2
	truncate -s 1M "$dev"	# the file's stand-in for an unbind: SIGBUS past 1M
	wait_for 100 sh -c "! kill -0 $hp" || kill $hp
	wait $hp
	rc=$?
	if [ $rc = 0 ] && grep -q '^SIGBUS at offset 0x100000$' "$T/hold.out"; then
		ok "hold: SIGBUS reported at its device offset, exit 0"
	else
		not_ok "hold: SIGBUS reported at its device offset, exit 0 (exit $rc)"
		diag "$T/hold.out"
	fi
else
	not_ok "hold: READYFILE appears"
	diag "$T/hold.out"
fi
truncate -s 64M "$dev"

rm -f "$T/ready"
"$D" hold "$dev" 2M 2M "$T/ready" > "$T/hold.out" 2>&1 &
hp=$!
pids="$pids $hp"
if wait_for 100 test -e "$T/ready"; then
	kill -TERM $hp
	wait $hp
	rc=$?
	if [ $rc = 3 ] && grep -q 'SIGTERM: the mapping never lost its device' "$T/hold.out"; then
		ok "hold: SIGTERM exits 3 (the device never went away)"
	else
		not_ok "hold: SIGTERM exits 3 (exit $rc)"
		diag "$T/hold.out"
	fi
else
	not_ok "hold: READYFILE appears (second run)"
	diag "$T/hold.out"
fi

# --------------------------------------------------------------------- pin
"$D" fill "$dev" 8M 64K 13 > /dev/null
rm -f "$T/pready" "$T/prelease"
P2PDAX_SEED=13 "$D" pin "$dev" 8M 64K "$T/pready" "$T/prelease" > "$T/pin.out" 2>&1 &
pp=$!
pids="$pids $pp"
if wait_for 100 test -e "$T/pready"; then
	ok "pin: READYFILE appears"
	sleep 0.3
	if kill -0 $pp 2>/dev/null; then
		ok "pin: waits for RELEASEFILE"
	else
		not_ok "pin: waits for RELEASEFILE"
	fi
	touch "$T/prelease"
	wait_for 100 sh -c "! kill -0 $pp" || kill $pp
	wait $pp
	rc=$?
	if [ $rc = 0 ] && grep -q '^pinned data intact$' "$T/pin.out" &&
	   [ "$(tail -n 1 "$T/pin.out")" = released ]; then
		ok "pin: reads the data back through the page references, releases, exit 0"
	else
		not_ok "pin: reads the data back through the page references, releases, exit 0 (exit $rc)"
		diag "$T/pin.out"
	fi
else
	not_ok "pin: READYFILE appears"
	diag "$T/pin.out"
fi

# The pipe holds references to the pages, not copies: data written after the
# pin is what comes out, and a wrong seed is reported.
rm -f "$T/pready" "$T/prelease"
P2PDAX_SEED=13 "$D" pin "$dev" 8M 64K "$T/pready" "$T/prelease" > "$T/pin.out" 2>&1 &
pp=$!
pids="$pids $pp"
if wait_for 100 test -e "$T/pready"; then
	"$P" fill "$dev" 0x808000 8 77 > /dev/null
	touch "$T/prelease"
	wait $pp
	rc=$?
	if [ $rc = 1 ] && grep -q '^mismatch: first bad offset 0x808000, 1 bad words$' "$T/pin.out" &&
	   grep -q '^released$' "$T/pin.out"; then
		ok "pin: page references, not copies: a later write shows, mismatch, exit 1"
	else
		not_ok "pin: page references, not copies (exit $rc)"
		diag "$T/pin.out"
	fi
else
	not_ok "pin: READYFILE appears (second run)"
	diag "$T/pin.out"
fi

# ------------------------------------------------------------------- churn
# status_is FILE MAPS MINROUNDS: FILE says MAPS maps and at least MINROUNDS rounds.
status_is() {
	read -r m r _ mr < "$1" && [ "$m" = "$2" ] && [ "$r" -ge "$3" ] && [ "$mr" -ge 1 ]
}

rm -f "$T/st" "$T/stop"
"$D" churn "$dev" 2M 1M 100 "$T/st" "$T/stop" > "$T/churn.out" 2>&1 &
cp=$!
pids="$pids $cp"
if wait_for 100 status_is "$T/st" 1 3; then
	ok "churn: maps once, rounds go on, STATUSFILE says so"
	touch "$T/stop"
	wait_for 100 sh -c "! kill -0 $cp" || kill $cp
	wait $cp
	rc=$?
	seed=$(sed -n 's/^churn: final seed \([0-9]*\) at offset 0x200000 length 0x100000$/\1/p' "$T/churn.out")
	if [ $rc = 0 ] && grep -Eq '^churn: [0-9]+ rounds, 1 maps, 0 SIGBUS, 0 remaps found the data kept, 0 mismatches$' \
		"$T/churn.out" && [ -n "$seed" ] && [ "$seed" -gt 100 ]; then
		ok "churn: STOPFILE ends it, exit 0, reports the counts and the final seed"
		expect "churn: the range holds the final round's pattern" 0 '^ok$' "$P" check "$dev" 2M 1M "$seed"
		expect "churn: and nothing after it" 0 '^ok$' "$P" zero "$dev" 3M 1M
	else
		not_ok "churn: STOPFILE ends it, exit 0, reports the counts and the final seed (exit $rc)"
		diag "$T/churn.out"
	fi
else
	not_ok "churn: maps once, rounds go on, STATUSFILE says so"
	diag "$T/churn.out"
fi

# The file's stand-in for a teardown: truncate it (SIGBUS), then move a new
# file, all zero, in its place (a re-created device that lost the data).
rm -f "$T/st" "$T/stop"
"$D" churn "$dev" 2M 1M 7 "$T/st" "$T/stop" > "$T/churn.out" 2>&1 &
cp=$!
pids="$pids $cp"
if wait_for 100 status_is "$T/st" 1 1; then
	truncate -s 1M "$dev"
	sleep 0.3
	if kill -0 $cp 2>/dev/null && status_is "$T/st" 1 1 && read -r _ _ sb _ < "$T/st" && [ "$sb" = 1 ]; then
		ok "churn: survives SIGBUS and does not remap the node it lost"
	else
		not_ok "churn: survives SIGBUS and does not remap the node it lost"
		diag "$T/st" "$T/churn.out"
	fi
	truncate -s 64M "$dev.new"	# made while $dev exists: another inode
	mv "$dev.new" "$dev"
	if wait_for 100 status_is "$T/st" 2 1; then
		ok "churn: remaps the new node"
	else
		not_ok "churn: remaps the new node"
	fi
	touch "$T/stop"
	wait_for 100 sh -c "! kill -0 $cp" || kill $cp
	wait $cp
	rc=$?
	if [ $rc = 1 ] && grep -Eq '^churn: after a remap, map 2, round seed [0-9]+: mismatch: first bad offset 0x[0-9a-f]+, [0-9]+ bad words$' \
		"$T/churn.out" && grep -Eq ' 2 maps, 1 SIGBUS, 0 remaps found the data kept, 1 mismatches$' "$T/churn.out"; then
		ok "churn: data lost across the remap is a mismatch, exit 1"
	else
		not_ok "churn: data lost across the remap is a mismatch, exit 1 (exit $rc)"
		diag "$T/churn.out"
	fi
else
	not_ok "churn: maps (second run)"
	diag "$T/churn.out"
fi
truncate -s 64M "$dev"

# ----------------------------------------------------------------- odirect
truncate -s 64M "$T/nvme.img"
"$D" odirect "$dev" 16M 1M "$T/nvme.img" 16M 21 > "$T/out" 2>&1
rc=$?
if [ $rc = 1 ] && grep -q 'O_DIRECT: Invalid argument' "$T/out"; then
	skip "odirect: BAR mapping -> file -> BAR mapping" "no O_DIRECT on the file system of $T"
elif [ $rc = 0 ] && grep -q '^moved 1048576 bytes each way' "$T/out"; then
	ok "odirect: BAR mapping -> file -> BAR mapping, data intact"
	expect "odirect: the file holds the pattern at BLKOFF" 0 '^ok$' "$P" check "$T/nvme.img" 16M 1M 21
	expect "odirect: and nothing before it" 0 '^ok$' "$P" zero "$T/nvme.img" 0 16M
	expect "odirect: the first region of the mapping still holds it" 0 '^ok$' \
		"$D" check "$dev" 16M 1M 21
	dd if="$dev" of="$T/a" bs=1M skip=16 count=1 2>/dev/null
	dd if="$dev" of="$T/b" bs=1M skip=17 count=1 2>/dev/null
	check "odirect: the second region holds the same bytes, read back" cmp "$T/a" "$T/b"
else
	not_ok "odirect: BAR mapping -> file -> BAR mapping (exit $rc)"
	diag "$T/out"
fi
expect "odirect: no room for the second region: exit 1, says why" 1 \
	'DEVOFF\+2\*LEN = 0x4100000 is beyond the device size' \
	"$D" odirect "$dev" 63M 1M "$T/nvme.img" 0 1
expect "odirect: a missing BLKDEV: exit 1 naming it" 1 "open $T/nope O_RDWR\\|O_DIRECT: No such file" \
	"$D" odirect "$dev" 0 4K "$T/nope" 0 1

done_testing
