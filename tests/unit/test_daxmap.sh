#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: test_daxmap.sh DAXMAP
# daxmap on the host: its command line (options, usage, exit statuses),
# list and info against the sysfs trees saved from QEMU guests
# (daxmap/trees/NAME/root, captured by daxmap/capture.sh; the expected JSON
# next to them, compared byte for byte), and the error paths of every
# command, with regular files standing in for /dev/daxX.Y under --sysroot
# (verify and copy then run for real on them, O_DIRECT included). What only
# a real device shows (mappings of BAR memory, peer-to-peer DMA, the ioctls)
# is for the guest tests (tests/daxmap). TAP on stdout.
set -u
here=$(cd "$(dirname "$0")" && pwd)
D=$1
TREES=$here/daxmap/trees
T=$(mktemp -d "${TMPDIR:-/tmp}/daxmap-unit.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
. "$here/tap.sh"
M=1048576

# same DESC FILE WANTFILE: FILE is WANTFILE, byte for byte.
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		diff -u "$3" "$2" | head -40 | diag
	fi
}

# err_is DESC STATUS LINE CMD...: CMD exits STATUS, prints nothing on stdout
# and exactly LINE on stderr.
err_is() {
	desc=$1 want=$2 line=$3
	shift 3
	"$@" > "$T/stdout" 2> "$T/stderr"
	rc=$?
	printf '%s\n' "$line" > "$T/want"
	if [ $rc = "$want" ] && [ ! -s "$T/stdout" ] && cmp -s "$T/stderr" "$T/want"; then
		ok "$desc"
	else
		not_ok "$desc"
		echo "# exit status $rc (want $want); stdout, then stderr (want: $line):"
		diag "$T/stdout" "$T/stderr"
	fi
}

# prep NAME: a copy of tree NAME in $T/NAME with the kernel's modes on the
# files the kernel makes root only (git keeps no modes), readable to all.
prep() {
	rm -rf "${T:?}/$1"
	cp -R "$TREES/$1/root" "$T/$1"
	chmod -R a+rX "$T/$1"
	find "$T/$1" -type f \( -name bus_address -o -path '*/dax_region/align' \) \
		-exec chmod 0400 {} +
}

# as_nobody CMD...: CMD as uid/gid 65534, no groups, no capabilities.
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
can_nobody=0
chmod 0755 "$T"
if [ "$(id -u)" = 0 ] && as_nobody "$D" version >/dev/null 2>&1; then
	can_nobody=1
fi

# ------------------------------------------------------------ usage
expect "no command: exit 2" 2 '^daxmap: no command' "$D"
expect "unknown command: exit 2" 2 "^daxmap: unknown command 'frob'" "$D" frob
expect "unknown global option: exit 2" 2 "^daxmap: unknown option '--frob'" "$D" --frob list
expect "-h: usage, exit 0" 0 '^usage: daxmap \[--sysroot DIR\] COMMAND' "$D" -h
expect "--help: usage, exit 0" 0 '^usage: daxmap \[--sysroot DIR\] COMMAND' "$D" --help
expect "help: usage, exit 0" 0 '^usage: daxmap \[--sysroot DIR\] COMMAND' "$D" help
expect "-V: version, exit 0" 0 '^daxmap [0-9]' "$D" -V
expect "--version: version, exit 0" 0 '^daxmap [0-9]' "$D" --version
expect "version: exit 0" 0 '^daxmap [0-9]' "$D" version
for c in list info verify copy; do
	expect "$c -h: its usage, exit 0" 0 "^usage: daxmap $c" "$D" $c -h
	expect "$c --help: its usage, exit 0" 0 "^usage: daxmap $c" "$D" $c --help
	expect "$c -V: the version, exit 0" 0 '^daxmap [0-9]' "$D" $c -V
	expect "$c --version: the version, exit 0" 0 '^daxmap [0-9]' "$D" $c --version
	"$D" $c --help > "$T/h1" 2>&1
	"$D" help $c > "$T/h2" 2>&1
	same "help $c is $c --help" "$T/h2" "$T/h1"
	expect "$c --frob: exit 2, named, with the hint" 2 \
		"^daxmap: $c: unknown option '--frob'" "$D" $c --frob
	grep -q "daxmap $c -h for usage" "$T/out" && ok "$c: the usage hint names the command" ||
		not_ok "$c: the usage hint names the command"
	# Every long option of the usage text is in the man page.
	missing=
	for o in $(sed -n 's/.*\(--[a-z][a-z-]*\).*/\1/p' "$T/h1" | sort -u); do
		grep -q -- "$(echo "$o" | sed 's/-/\\\\-/g')" "$here/../../tools/daxmap/daxmap.1" ||
			missing="$missing $o"
	done
	[ -z "$missing" ] && ok "$c: every option of its usage is in daxmap.1" ||
		not_ok "$c: options missing from daxmap.1:$missing"
done
expect "bench -h: exit 0 (built or not)" 0 '' "$D" bench -h
expect "help help: exit 2" 2 'help takes another command' "$D" help help
expect "help frob: exit 2" 2 "unknown command 'frob'" "$D" help frob

expect "list -r without ID: exit 2" 2 "^daxmap: list: option '-r' needs a value" "$D" list -r
expect "list --region=x: exit 2" 2 "^daxmap: list: --region 'x' is not a number" \
	"$D" list --region=x
expect "list -r 2^32: exit 2" 2 "^daxmap: list: --region 4294967296: no such region id" \
	"$D" list -r 4294967296
expect "list -z: exit 2" 2 "^daxmap: list: unknown option '-z'" "$D" list -z
expect "list --human=1: exit 2" 2 "^daxmap: list: unknown option '--human=1'" "$D" list --human=1
expect "list foo: not a device, exit 2" 2 \
	"^daxmap: list: 'foo' is not a dax device \(all, daxX.Y, X.Y or /dev/daxX.Y\)" "$D" list foo
expect "info without DEVICE: exit 2" 2 '^daxmap: info: no DEVICE' "$D" info
expect "info with two: exit 2" 2 "unexpected argument 'dax0.1'" "$D" info dax0.0 dax0.1
expect "info --peer garbage: exit 2" 2 "^daxmap: info: --peer '0000:00:20.0' is not a PCI function" \
	"$D" info dax0.0 --peer 0000:00:20.0
expect "info --peer without PCI: exit 2" 2 "^daxmap: info: option '--peer' needs a value" \
	"$D" info dax0.0 --peer
expect "info 'all': exit 2" 2 "'all' names no single device" "$D" info all
expect "verify without DEVICE: exit 2" 2 '^daxmap: verify: no DEVICE' "$D" verify
expect "verify --fill --check: exit 2" 2 'exclude each other' "$D" verify dax0.0 --fill --check
expect "verify --offset 4: exit 2" 2 '^daxmap: verify: --offset 0x4 is not a multiple of 8' \
	"$D" verify dax0.0 --offset 4
expect "verify --length 0: exit 2" 2 'must not be 0' "$D" verify dax0.0 --length 0
expect "verify --length 12: exit 2" 2 'not a multiple of 8' "$D" verify dax0.0 --length 12
expect "verify --seed 2^64: exit 2" 2 "--seed '18446744073709551616' does not fit in 64 bits" \
	"$D" verify dax0.0 --seed 18446744073709551616
expect "verify --seed -1: exit 2" 2 "--seed '-1' is not a number" "$D" verify dax0.0 --seed -1
expect "copy with one argument: exit 2" 2 '^daxmap: copy: copy takes SRC and DST' "$D" copy dax0.0
expect "copy with three: exit 2" 2 "unexpected argument 'c'" "$D" copy a b c
expect "copy --bs 1000: exit 2" 2 '--bs 0x3e8 is not a non-zero multiple of 4096' \
	"$D" copy dax0.0 f --bs 1000
expect "copy --bs 2G: exit 2" 2 'of at most 1G' "$D" copy dax0.0 f --bs 2G
expect "copy --dax-offset 512: exit 2" 2 '--dax-offset 0x200 is not a multiple of 4096' \
	"$D" copy dax0.0 f --dax-offset 512
expect "copy --file-offset 512: exit 2" 2 '--file-offset 0x200 is not a multiple of 4096' \
	"$D" copy dax0.0 f --file-offset 512
expect "copy --length 0: exit 2" 2 '--length 0x0 is not a non-zero multiple' \
	"$D" copy dax0.0 f --length 0
expect "copy between two files: exit 2" 2 'neither SRC nor DST is a dax device' "$D" copy a b
expect "copy between two devices: exit 2" 2 'both dax devices' "$D" copy dax0.0 0.1
expect "--sysroot without DIR: exit 2" 2 '^daxmap: --sysroot needs a directory' "$D" list --sysroot
expect "--sysroot missing: exit 2" 2 "^daxmap: --sysroot: $T/none: No such file" \
	"$D" --sysroot "$T/none" list
: > "$T/file"
expect "--sysroot a file: exit 2" 2 'not a directory' "$D" --sysroot "$T/file" list
expect "--sysroot= (empty): exit 2, not the real /" 2 '^daxmap: --sysroot needs a directory' \
	"$D" --sysroot= list
expect "--sysroot '' (empty): exit 2" 2 '^daxmap: --sysroot needs a directory' "$D" --sysroot '' list
expect "copy: --file-offset + --length past off_t: exit 2" 2 \
	'^daxmap: copy: --file-offset 0x7ffffffffffff000 \+ --length 0x2000 is past the largest file offset' \
	"$D" copy dax0.0 f --file-offset 0x7ffffffffffff000 --length 8K

# An empty root: no dax bus at all is no region, not an error.
mkdir -p "$T/empty"
expect "list, no dax bus: []" 0 '^\[\]$' "$D" --sysroot "$T/empty" list
err_is "info, no such device" 1 "daxmap: info: dax0.0: no such dax device" \
	"$D" --sysroot "$T/empty" info dax0.0

# ------------------------------------------------------------ saved trees
ntrees=0
for tree in "$TREES"/*/; do
	[ -d "$tree/root" ] || continue
	n=$(basename "$tree")
	ntrees=$((ntrees + 1))
	prep "$n"
	R=$T/$n
	E=$TREES/$n
	"$D" --sysroot "$R" list > "$T/o" 2>&1
	same "$n: list" "$T/o" "$E/list.json"
	"$D" list --sysroot "$R" > "$T/o" 2>&1
	same "$n: list, --sysroot after the command" "$T/o" "$E/list.json"
	"$D" list --sysroot="$R" all > "$T/o" 2>&1
	same "$n: list all, --sysroot=DIR" "$T/o" "$E/list.json"
	"$D" --sysroot "$R" list -r 1 > "$T/o" 2>&1
	same "$n: list -r 1 (the p2pdax region)" "$T/o" "$E/list.json"
	"$D" --sysroot "$R" list -u > "$T/o" 2>&1
	same "$n: list -u" "$T/o" "$E/list-u.json"
	"$D" --sysroot "$R" list --human > "$T/o" 2>&1
	same "$n: list --human" "$T/o" "$E/list-u.json"
	"$D" --sysroot "$R" list -i > "$T/o" 2>&1
	same "$n: list -i (the idle device too)" "$T/o" "$E/list-i.json"
	for f in dax1.1 1.1 /dev/dax1.1; do
		"$D" --sysroot "$R" list "$f" > "$T/o" 2>&1
		same "$n: list $f" "$T/o" "$E/list-dax1.1.json"
	done
	"$D" --sysroot "$R" list dax1.1 dax1.2 > "$T/o" 2>&1
	same "$n: list dax1.1 dax1.2" "$T/o" "$E/list-dax1.1-dax1.2.json"
	"$D" --sysroot "$R" list dax1.3 > "$T/o" 2>&1
	same "$n: list dax1.3: an idle device named is listed" "$T/o" "$E/list-dax1.3.json"
	if [ $can_nobody = 1 ]; then
		as_nobody "$D" --sysroot "$R" list > "$T/o" 2>&1
		same "$n: list as nobody: no bus addresses, no region align" "$T/o" \
			"$E/list-nobody.json"
	else
		skip "$n: list as nobody" "not root, or setpriv cannot run daxmap as uid 65534"
	fi
	err_is "$n: list dax0.0: another driver's device" 1 \
		"daxmap: list: dax0.0 is not a p2pdax device (its region belongs to hmem.0, driver hmem)" \
		"$D" --sysroot "$R" list dax0.0
	err_is "$n: list -r 0: another driver's region" 1 \
		"daxmap: list: region 0 is not a p2pdax region (it belongs to hmem.0, driver hmem)" \
		"$D" --sysroot "$R" list -r 0
	err_is "$n: list dax1.9: missing" 1 "daxmap: list: dax1.9: no such dax device" \
		"$D" --sysroot "$R" list dax1.9
	err_is "$n: list -r 7: missing" 1 "daxmap: list: region 7: no such dax region" \
		"$D" --sysroot "$R" list -r 7
	err_is "$n: info without /dev/p2pdax" 1 \
		"daxmap: info: $R/dev/p2pdax: No such file or directory (is dax_pci_p2p loaded?)" \
		"$D" --sysroot "$R" info dax1.1
	err_is "$n: info dax0.0: another driver's device" 1 \
		"daxmap: info: dax0.0 is not a p2pdax device (its region belongs to hmem.0, driver hmem)" \
		"$D" --sysroot "$R" info dax0.0
	mkdir -p "$R/dev"
	: > "$R/dev/p2pdax"
	err_is "$n: info: /dev/p2pdax not the driver's: the ioctl fails, said" 1 \
		"daxmap: info: P2PDAX_IOC_INFO of dax1.1: Inappropriate ioctl for device (the loaded dax_pci_p2p does not know this ioctl)" \
		"$D" --sysroot "$R" info dax1.1
	rm -f "$R/dev/p2pdax"
done
# A device destroyed between realpath() and reading its size: skipped.
n=$(ls "$TREES" | head -n 1)
prep "$n"
rm -f "$(realpath "$T/$n/sys/bus/dax/devices/dax1.3")/size"
"$D" --sysroot "$T/$n" list > "$T/o" 2>&1
same "$n: a device gone meanwhile (no size): skipped, not an error" "$T/o" "$TREES/$n/list.json"
err_is "$n: a device gone meanwhile: as if missing" 1 "daxmap: list: dax1.3: no such dax device" \
	"$D" --sysroot "$T/$n" list dax1.3
[ $ntrees -ge 2 ] && ok "saved trees: $ntrees" || not_ok "saved trees: $ntrees (want 2: 6.1 and 6.12)"

# ------------------------------------------- verify and copy on stand-ins
# The first tree, with regular files for /dev/dax1.1 (64M, 4K aligned) and
# /dev/dax1.2 (disabled); daxmap maps them as it maps a device.
n=$(ls "$TREES" | head -n 1)
prep "$n"
R=$T/$n
S="$D --sysroot $R"
mkdir -p "$R/dev"
truncate -s 64M "$R/dev/dax1.1"
truncate -s 32M "$R/dev/dax1.2"
truncate -s 64M "$R/dev/dax0.0"
sum0=$(cksum < "$R/dev/dax1.1")

err_is "verify: past the end, refused" 1 \
	"daxmap: verify: dax1.1: range 0x3c00000+0x800000 is past the end of the device (size 0x4000000)" \
	$S verify dax1.1 --offset 60M --length 8M
err_is "verify: offset at the end, refused" 1 \
	"daxmap: verify: dax1.1: offset 0x4000000 is at or past the end (size 0x4000000)" \
	$S verify dax1.1 --offset 64M
[ "$(cksum < "$R/dev/dax1.1")" = "$sum0" ] && ok "verify: nothing written when refused" ||
	not_ok "verify: nothing written when refused"
err_is "verify: disabled device" 1 "daxmap: verify: dax1.2 is disabled (daxctl enable-device dax1.2)" \
	$S verify dax1.2
err_is "verify: another driver's device" 1 \
	"daxmap: verify: dax0.0 is not a p2pdax device (its region belongs to hmem.0, driver hmem)" \
	$S verify dax0.0
err_is "verify: idle device" 1 \
	"daxmap: verify: dax1.3 has size 0 (daxctl reconfigure-device -s SIZE dax1.3)" \
	$S verify dax1.3
err_is "verify: missing device" 1 "daxmap: verify: dax4.0: no such dax device" $S verify dax4.0
mv "$R/dev/dax1.1" "$R/dev/dax1.1.away"
expect "verify: device node missing: exit 1, named" 1 \
	"^daxmap: verify: $R/dev/dax1.1: No such file or directory" $S verify dax1.1
mv "$R/dev/dax1.1.away" "$R/dev/dax1.1"

expect "verify: fill and check 4M at 8K" 0 '"bad":0' $S verify dax1.1 --offset 8K --length 4M --seed 5
grep -q '"chardev":"dax1.1"' "$T/out" && grep -q '"offset":8192' "$T/out" &&
	grep -q '"length":4194304' "$T/out" && grep -q '"seed":5' "$T/out" &&
	grep -q '"mode":"fill+check"' "$T/out" && grep -q '"first_bad":null' "$T/out" &&
	ok "verify: the JSON summary" || { not_ok "verify: the JSON summary"; diag "$T/out"; }
expect "verify --check of the same" 0 '"mode":"check"' $S verify 1.1 --check --offset 8K --length 4M --seed 5
expect "verify --check, another seed: exit 1" 1 \
	'^daxmap: verify: dax1.1: 524288 bad words, first at offset 0x2000$' \
	$S verify /dev/dax1.1 --check --offset 8K --length 4M --seed 6
grep -q '"bad":524288' "$T/out" && grep -q '"first_bad":8192' "$T/out" &&
	ok "verify: the summary counts them" || not_ok "verify: the summary counts them"
dd if="$R/dev/dax1.1" of="$R/dev/dax1.1" bs=8 count=1 skip=$(( (8192 + 1048576) / 8 )) \
	seek=$(( (8192 + 2097152) / 8 )) conv=notrunc 2>/dev/null
err_is "verify --check: one word moved, found" 1 \
	"daxmap: verify: dax1.1: 1 bad words, first at offset 0x202000" \
	sh -c "$S verify dax1.1 --check --offset 8K --length 4M --seed 5 > /dev/null"
expect "verify --fill" 0 '"mode":"fill"' $S verify dax1.1 --fill --length 16M --seed 9
expect "verify --check, whole 16M" 0 '"bad":0' $S verify dax1.1 --check --length 16M --seed 9

# copy: dax1.1 [0,16M) holds seed 9.
err_is "copy: past the end of the device" 1 \
	"daxmap: copy: dax1.1: range 0x3c00000+0x800000 is past its end (size 0x4000000)" \
	$S copy dax1.1 "$T/out.bin" --dax-offset 60M --length 8M
[ ! -e "$T/out.bin" ] && ok "copy: refused before the destination was created" ||
	not_ok "copy: refused before the destination was created"
err_is "copy: disabled device" 1 "daxmap: copy: dax1.2 is disabled (daxctl enable-device dax1.2)" \
	$S copy dax1.2 "$T/out.bin"
err_is "copy: another driver's device" 1 \
	"daxmap: copy: dax0.0 is not a p2pdax device (its region belongs to hmem.0, driver hmem)" \
	$S copy "$T/out.bin" dax0.0
err_is "copy: DST is SRC (the device's own node, named twice)" 1 \
	"daxmap: copy: DST /dev/dax1.1 is the same device as SRC dax1.1" $S copy dax1.1 /dev/dax1.1
err_is "copy: DST is SRC (the file behind the device)" 1 \
	"daxmap: copy: DST $R/dev/dax1.1 is the same file as SRC dax1.1" \
	$S copy dax1.1 "$R/dev/dax1.1" --length 4K
expect "copy: the device unchanged" 0 '"bad":0' $S verify dax1.1 --check --length 16M --seed 9
truncate -s 1M "$T/small"
err_is "copy: past the end of the source file" 1 \
	"daxmap: copy: SRC $T/small: range 0x0+0x200000 is past its end (size 0x100000)" \
	$S copy "$T/small" dax1.1 --length 2M
truncate -s 12345 "$T/odd"
err_is "copy: the rest of SRC not a multiple of 4096" 1 \
	"daxmap: copy: SRC $T/odd: the rest of it from 0x0 (0x3039 bytes) is not a multiple of 4096: give --length" \
	$S copy "$T/odd" dax1.1
err_is "copy: SRC missing" 1 "daxmap: copy: SRC $T/nothing: No such file or directory" \
	$S copy "$T/nothing" dax1.1
err_is "copy: SRC a directory" 1 "daxmap: copy: SRC $T: not a regular file or block device" \
	$S copy "$T" dax1.1
# Read-only destinations that stay read-only for root: a sysfs attribute
# without a store method (kernfs refuses the open, EACCES), a file on a
# tmpfs mounted read-only (EROFS), and a mode 0444 file as nobody (EACCES).
err_is "copy: DST a read-only sysfs attribute (EACCES even as root)" 1 \
	"daxmap: copy: DST /sys/kernel/uevent_seqnum: cannot open for writing: Permission denied" \
	$S copy dax1.1 /sys/kernel/uevent_seqnum --length 4K
mkdir -p "$T/ro"
if unshare -m sh -c "mount -t tmpfs -o ro none '$T/ro'" 2>/dev/null; then
	err_is "copy: DST on a read-only tmpfs (EROFS)" 1 \
		"daxmap: copy: DST $T/ro/f: cannot open for writing: Read-only file system" \
		unshare -m sh -c "mount -t tmpfs -o ro none '$T/ro' && exec $S copy dax1.1 '$T/ro/f' --length 4K"
else
	skip "copy: DST on a read-only tmpfs (EROFS)" "cannot mount in a new mount namespace here"
fi
if [ $can_nobody = 1 ]; then
	: > "$T/ro444"
	chmod 0444 "$T/ro444"
	err_is "copy: DST mode 0444, as nobody (EACCES)" 1 \
		"daxmap: copy: DST $T/ro444: cannot open for writing: Permission denied" \
		as_nobody $S copy dax1.1 "$T/ro444" --length 4K
else
	skip "copy: DST mode 0444, as nobody" "not root, or setpriv cannot run daxmap as uid 65534"
fi
if dev=$(losetup -f --show -r "$T/small" 2>/dev/null); then
	err_is "copy: DST a read-only loop device" 1 \
		"daxmap: copy: DST $dev is a read-only block device (blockdev --setrw $dev)" \
		$S copy dax1.1 "$dev" --length 4K
	losetup -d "$dev"
else
	skip "copy: DST a read-only loop device" "losetup cannot attach a loop device here"
fi

# The copies themselves (O_DIRECT on the host's file system).
expect "copy dax1.1 -> file, p2p" 0 '"mode":"p2p"' $S copy dax1.1 "$T/out.bin" --length 16M
grep -q '"bytes":16777216' "$T/out" && ok "copy: 16M copied" || not_ok "copy: 16M copied"
for k in source destination mode dax_offset file_offset bytes bs seconds mbps user_seconds \
	 sys_seconds; do
	grep -q "\"$k\":" "$T/out" || missing="$missing $k"
done
[ -z "${missing:-}" ] && ok "copy: the JSON summary has every key" ||
	not_ok "copy: summary keys missing:$missing"
head -c 16777216 "$R/dev/dax1.1" | cmp -s - "$T/out.bin" && ok "copy: the file holds the device's bytes" ||
	not_ok "copy: the file holds the device's bytes"
$S verify dax1.1 --fill --length 16M --seed 77 > /dev/null
expect "copy file -> dax1.1, p2p" 0 '"bytes":16777216' $S copy "$T/out.bin" dax1.1
expect "copy: back in the device" 0 '"bad":0' $S verify dax1.1 --check --length 16M --seed 9
truncate -s 64M "$T/big.bin"
expect "copy dax1.1 -> file, bounce, at offsets" 0 '"mode":"bounce"' \
	$S copy dax1.1 "$T/big.bin" --dax-offset 4M --file-offset 8M --length 4M --bounce --bs 64K
[ "$(wc -c < "$T/big.bin")" = 67108864 ] && ok "copy: a larger DST file is not truncated" ||
	not_ok "copy: a larger DST file is not truncated"
$S verify dax1.1 --fill --offset 4M --length 4M --seed 78 > /dev/null
expect "copy file -> dax1.1, bounce" 0 '"bytes":4194304' \
	$S copy "$T/big.bin" dax1.1 --dax-offset 4M --file-offset 8M --length 4M --bounce
expect "copy: bounced back" 0 '"bad":0' $S verify dax1.1 --check --length 16M --seed 9

# A write that falls short and then fails midway (a 1.5 MiB file size limit,
# SIGXFSZ ignored: the second 1 MiB write is short, the rest of it fails
# with EFBIG): said, exit 1, and the destination left as it is.
if command -v prlimit >/dev/null; then
	expect "copy: a short write midway, then a failure: exit 1, counted" 1 \
		"^daxmap: copy: write $T/short.bin at offset 0x180000: File too large: copied 1572864 of 4194304 bytes; $T/short.bin is incomplete$" \
		sh -c "trap '' XFSZ; exec prlimit --fsize=1572864 $S copy dax1.1 '$T/short.bin' --length 4M"
	[ "$(wc -c < "$T/short.bin")" = 1572864 ] && ok "copy: the incomplete file keeps what was written" ||
		not_ok "copy: the incomplete file keeps what was written ($(wc -c < "$T/short.bin") bytes)"
	lines=$(grep -c . "$T/out")
	[ "$lines" = 1 ] && ok "copy: one line on failure, nothing on stdout" ||
		{ not_ok "copy: one line on failure ($lines lines)"; diag "$T/out"; }
else
	skip "copy: a short write midway" "no prlimit (util-linux)"
fi

# Refused after the destination was opened: a file this run created is removed.
err_is "copy: no memory for the bounce buffer: refused" 1 \
	"daxmap: copy: out of memory for a 0x40000000-byte bounce buffer" \
	sh -c "ulimit -v 300000; exec $S copy dax1.1 '$T/new.bin' --length 4K --bounce --bs 1G"
[ ! -e "$T/new.bin" ] && ok "copy: no bounce buffer: no DST file created" ||
	not_ok "copy: no bounce buffer: no DST file created"
err_is "copy: DST range past the largest file offset: refused" 1 \
	"daxmap: copy: DST $T/new.bin: range 0x7ffffffffffff000+0x4000000 is past the largest file offset" \
	$S copy dax1.1 "$T/new.bin" --file-offset 0x7ffffffffffff000
[ ! -e "$T/new.bin" ] && ok "copy: refused after creating DST: removed again" ||
	not_ok "copy: refused after creating DST: removed again"
: > "$T/kept.bin"
err_is "copy: an existing DST, refused after opening" 1 \
	"daxmap: copy: DST $T/kept.bin: range 0x7ffffffffffff000+0x4000000 is past the largest file offset" \
	$S copy dax1.1 "$T/kept.bin" --file-offset 0x7ffffffffffff000
[ -e "$T/kept.bin" ] && ok "copy: a DST that was there is never removed" ||
	not_ok "copy: a DST that was there is never removed"

# A FIFO hangs in open(): refused before it is opened.
mkfifo "$T/fifo"
err_is "copy: DST a FIFO, refused (no hang)" 1 \
	"daxmap: copy: DST $T/fifo: not a regular file or block device" \
	timeout 10 $S copy dax1.1 "$T/fifo" --length 4K
err_is "copy: SRC a FIFO, refused (no hang)" 1 \
	"daxmap: copy: SRC $T/fifo: not a regular file or block device" \
	timeout 10 $S copy "$T/fifo" dax1.1 --length 4K
expect "bench: --peer-dev a FIFO, refused (no hang)" 1 \
	"^daxmap: bench: --peer-dev $T/fifo: not a block device or a regular file" \
	timeout 10 $S bench dax1.1 --peer-dev "$T/fifo"

# A file size limit (SIGXFSZ not ignored by the caller): EFBIG reported.
if command -v prlimit >/dev/null; then
	err_is "copy: RLIMIT_FSIZE midway: reported, not killed by SIGXFSZ" 1 \
		"daxmap: copy: write $T/fsize.bin at offset 0x200000: File too large: copied 2097152 of 8388608 bytes; $T/fsize.bin is incomplete" \
		sh -c "trap - XFSZ; exec prlimit --fsize=2097152 $S copy dax1.1 '$T/fsize.bin' --length 8M"
else
	skip "copy: RLIMIT_FSIZE midway, SIGXFSZ not ignored" "no prlimit (util-linux)"
fi

# SIGTERM and SIGINT midway: stop after the chunk, said, exit 1.
for sig in TERM INT; do
	rm -f "$T/sig.bin"
	$S copy dax1.1 "$T/sig.bin" --length 64M --bs 4K > "$T/stdout" 2> "$T/stderr" &
	pid=$!
	i=0
	while [ ! -s "$T/sig.bin" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
	kill -$sig $pid
	wait $pid
	rc=$?
	if [ $rc = 1 ] && [ ! -s "$T/stdout" ] && [ "$(grep -c . "$T/stderr")" = 1 ] &&
	   grep -Eq "^daxmap: copy: interrupted: copied [0-9]+ of 67108864 bytes; $T/sig.bin is incomplete$" \
		"$T/stderr"; then
		ok "copy: SIG$sig midway: interrupted, counted, exit 1"
	else
		not_ok "copy: SIG$sig midway: interrupted, counted, exit 1 (exit $rc)"
		diag "$T/stdout" "$T/stderr"
	fi
	n=$(sed -n 's/.*copied \([0-9]*\) of.*/\1/p' "$T/stderr")
	[ "$(wc -c < "$T/sig.bin")" = "${n:-x}" ] && ok "copy: SIG$sig: the file holds what was counted" ||
		not_ok "copy: SIG$sig: the file holds what was counted"
done

# The JSON on a full stdout: a failure.
err_is "verify: stdout full: exit 1" 1 "daxmap: verify: writing the JSON output failed" \
	sh -c "exec $S verify dax1.1 --check --length 16M --seed 9 > /dev/full"
err_is "copy: stdout full: exit 1" 1 "daxmap: copy: writing the JSON output failed" \
	sh -c "exec $S copy dax1.1 '$T/full.bin' --length 4K > /dev/full"

# A block device DST or --peer-dev held exclusively (as if mounted): EBUSY.
truncate -s 8M "$T/lo.img"
if command -v python3 >/dev/null && dev=$(losetup -f --show "$T/lo.img" 2>/dev/null); then
	err_is "copy: DST a block device held O_EXCL: EBUSY" 1 \
		"daxmap: copy: DST $dev: cannot open for writing: Device or resource busy (mounted or held by another user)" \
		python3 -c 'import os, subprocess, sys; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL); sys.exit(subprocess.call(sys.argv[2:]))' \
		"$dev" $S copy dax1.1 "$dev" --length 4K
	expect "bench: --peer-dev a block device held O_EXCL: EBUSY" 1 \
		"^daxmap: bench: --peer-dev $dev: open O_RDWR\|O_DIRECT\|O_EXCL: Device or resource busy \(mounted or held by another user\)" \
		python3 -c 'import os, subprocess, sys; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL); sys.exit(subprocess.call(sys.argv[2:]))' \
		"$dev" $S bench dax1.1 --size 4K --peer-dev "$dev"
	expect "copy: DST a block device not held: copied" 0 '"bytes":4096' $S copy dax1.1 "$dev" --length 4K
	losetup -d "$dev"
else
	skip "copy: DST a block device held O_EXCL" "no python3, or losetup cannot attach a loop device"
fi

done_testing
