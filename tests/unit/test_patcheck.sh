#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: test_patcheck.sh BUILD_DIR
# patcheck as a process against temporary files. TAP on stdout.
set -u
here=$(dirname "$0")
P=$1/tools/patcheck
T=$(mktemp -d "${TMPDIR:-/tmp}/p2pdax-unit.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
. "$here/tap.sh"

f=$T/bar.img
truncate -s 64M "$f"

# --------------------------------------------------------- fill and check
expect "fill 1 MiB of seed 5 at 0x1000" 0 '' "$P" fill "$f" 0x1000 1M 5
check "fill does not change the file size" test "$(filesize "$f")" = $((64 << 20))
expect "check it back (the same range, decimal): ok" 0 '^ok$' "$P" check "$f" 4096 1048576 5
expect "-b: a device at 0x1000 wrote it at its offset 0? no: mismatch" 1 \
	'^mismatch: first bad offset 0x1000, ' "$P" check -b 0x1000 "$f" 0x1000 1M 5
expect "a sub-range checks too" 0 '^ok$' "$P" check "$f" 0x2000 4K 5
expect "another seed: every word bad, from the first" 1 \
	'^mismatch: first bad offset 0x1000, 131072 bad words$' "$P" check "$f" 0x1000 1M 6
expect "one word past the end of the fill: exactly that word is bad" 1 \
	'^mismatch: first bad offset 0x101000, 1 bad words$' "$P" check "$f" 0x1008 1M 5
expect "the word before the fill is bad" 1 \
	'^mismatch: first bad offset 0xff8, 1 bad words$' "$P" check "$f" 0xff8 16 5

flip "$f" $((0x1000 + 0x54321))
expect "one flipped byte: exit 1 at the word that holds it" 1 \
	'^mismatch: first bad offset 0x55320, 1 bad words$' "$P" check "$f" 0x1000 1M 5
flip "$f" $((0x1000 + 0x54321))
expect "flipped back: ok" 0 '^ok$' "$P" check "$f" 0x1000 1M 5

# Ranges across the 1 MiB chunks patcheck streams in, at an odd offset.
expect "fill 3 MiB + 16 at 0x3ff8 (crosses chunks)" 0 '' "$P" fill "$f" 0x3ff8 $(((3 << 20) + 16)) 9
flip "$f" $((0x3ff8 + (2 << 20) + 0x123))
expect "a flipped byte in the third chunk is found at its offset" 1 \
	"^mismatch: first bad offset 0x204118, 1 bad words\$" "$P" check "$f" 0x3ff8 $(((3 << 20) + 16)) 9
flip "$f" $((0x3ff8 + (2 << 20) + 0x123))
expect "a 60 MiB check of mostly holes runs: mismatch from the first hole" 1 \
	'^mismatch: first bad offset 0x3ff8, ' "$P" check "$f" 0x3ff8 60M 5

# ------------------------------------------------ check -b (a device at BASE)
g=$T/dev.img
expect "fill a 64 KiB 'device' of seed 7 from its offset 0" 0 '' "$P" fill -x "$g" 0 64K 7
truncate -s 1M "$T/bar2.img"
dd if="$g" of="$T/bar2.img" bs=64K seek=2 conv=notrunc 2>/dev/null
expect "the device copied to 0x20000 checks with -b 0x20000" 0 '^ok$' \
	"$P" check -b 0x20000 "$T/bar2.img" 0x20000 64K 7
expect "and a sub-range of it, at its file offset" 0 '^ok$' \
	"$P" check --base 0x20000 "$T/bar2.img" 0x28000 0x8000 7
expect "without -b it does not" 1 '^mismatch: first bad offset 0x20000, 8192 bad words$' \
	"$P" check "$T/bar2.img" 0x20000 64K 7
expect "-b reports file offsets: one word changed at 0x20010" 1 \
	'^mismatch: first bad offset 0x20010, 1 bad words$' \
	sh -c 'printf x | dd of="$1" bs=1 seek=$((0x20010)) conv=notrunc 2>/dev/null; "$2" check -b 0x20000 "$1" 0x20000 64K 7' sh "$T/bar2.img" "$P"

# -------------------------------------------------------------------- zero
expect "zero: an untouched range is all zero" 0 '^ok$' "$P" zero "$f" 32M 16M
poke "$f" $(((40 << 20) + 3))
expect "zero: one stray byte is found, at its byte offset" 1 \
	'^nonzero: first non-zero byte at offset 0x2800003, 1 non-zero bytes$' "$P" zero "$f" 32M 16M
expect "zero: a range just before it is still zero" 0 '^ok$' "$P" zero "$f" 32M $((8 << 20))
expect "zero: OFF and LEN need not be multiples of 8" 0 '^ok$' "$P" zero "$f" 3 5
expect "zero: the pattern is not zero" 1 '^nonzero: first non-zero byte at offset 0x10' \
	"$P" zero "$f" 0x1000 1M

# ---------------------------------------------------- the end of the file
expect "fill past the end of the file is refused" 1 'beyond the end of the file.*-x' \
	"$P" fill "$f" 64M 8 1
check "and the file did not grow" test "$(filesize "$f")" = $((64 << 20))
expect "fill -x extends it" 0 '' "$P" fill -x "$f" 64M 8 1
check "by exactly the range" test "$(filesize "$f")" = $(((64 << 20) + 8))
expect "fill --extend creates a new file" 0 '' "$P" fill --extend "$T/new.img" 8 16 3
expect "whose pattern checks" 0 '^ok$' "$P" check "$T/new.img" 8 16 3
expect "check past the end of the file fails clearly" 1 'beyond the end of the file' \
	"$P" check "$f" 64M 16 1
expect "zero past the end of the file fails clearly" 1 'beyond the end of the file' \
	"$P" zero "$f" 64M 16

# ------------------------------------------------------------- bad input
expect "a missing file: exit 1 naming it" 1 "$T/nope: No such file or directory" \
	"$P" check "$T/nope" 0 8 1
expect "fill does not create a missing file without -x" 1 "No such file or directory" \
	"$P" fill "$T/nope" 0 8 1
check "(it was not created)" test ! -e "$T/nope"
expect "no command: exit 2" 2 'no command' "$P"
expect "unknown command: exit 2" 2 "unknown command 'frob'" "$P" frob "$f" 0 8 1
expect "missing SEED: exit 2" 2 'check takes \[-b BASE\] FILE OFF LEN SEED' "$P" check "$f" 0 8
expect "-b past OFF: exit 2" 2 'BASE \(0x10\) is past OFF \(0x8\)' "$P" check -b 16 "$f" 8 8 1
expect "-b not a multiple of 8: exit 2" 2 'BASE \(4\) must be a multiple of 8' "$P" check -b 4 "$f" 8 8 1
expect "extra argument: exit 2" 2 'zero takes FILE OFF LEN' "$P" zero "$f" 0 8 1
expect "garbage OFF: exit 2" 2 "OFF '12abc' is not a number" "$P" check "$f" 12abc 8 1
expect "negative LEN: exit 2" 2 "LEN '-8' is not a number" "$P" check "$f" 0 -8 1
expect "garbage SEED: exit 2" 2 "SEED '0x' is not a number" "$P" fill "$f" 0 8 0x
expect "OFF too large for 64 bits: exit 2" 2 'does not fit in 64 bits' \
	"$P" check "$f" 99999999999999999999 8 1
expect "OFF+LEN beyond any file: exit 2" 2 'beyond the largest file offset' \
	"$P" zero "$f" 0x7fffffffffffffff 2
expect "OFF not a multiple of 8: exit 2" 2 'multiples of 8' "$P" check "$f" 4 8 1
expect "LEN not a multiple of 8: exit 2" 2 'multiples of 8' "$P" fill "$f" 0 12 1
expect "unknown fill option: exit 2" 2 '' "$P" fill -q "$f" 0 8 1
expect "-h: usage on stdout, exit 0" 0 '^usage: patcheck fill' "$P" -h
expect "check -h: usage, exit 0" 0 '^usage: patcheck fill' "$P" check -h
expect "a directory: exit 1" 1 "$T: (read at 0x0: )?Is a directory" "$P" check "$T" 0 8 1

done_testing
