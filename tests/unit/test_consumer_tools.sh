#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: test_consumer_tools.sh BUILD_DIR
# The consumers suite's guest programs on the host, where there is no
# dax_pci_p2p BAR, no NVMe and no RDMA device: the command lines and error
# paths of uring_p2p (liburing), nvme_passthru (NVMe ioctls) and rdma_p2p
# (libibverbs), and what they can do against a regular file standing in for
# /dev/daxX.Y (P2PDAX_SYSFS points them at a fake sysfs tree; see
# tools/daxmap/lib/daxdev.h): uring_p2p's I/O to and from a regular file,
# the controller-less failures of the other two. What the kernel does with
# BAR pages is for the guest suite (tests/consumers). TAP on stdout.
set -u
here=$(dirname "$0")
U=$1/guest/uring_p2p
N=$1/guest/nvme_passthru
R=$1/guest/rdma_p2p
P=$1/tools/patcheck
T=$(mktemp -d "${TMPDIR:-/tmp}/p2pdax-unit.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
. "$here/tap.sh"
unset P2PDAX_SYSFS P2PDAX_DEV

# expect_err DESC STATUS PATTERN CMD...: expect, and on top: exactly one
# line on stderr that is not the "(PROG -h for usage)" hint (one clear
# message, not getopt()'s and then ours), matching PATTERN; on stdout
# nothing, or with $out set, that one line ("error=ENOENT").
out=
expect_err() {
	desc=$1 want=$2 pat=$3
	shift 3
	"$@" > "$T/stdout" 2> "$T/stderr"
	rc=$?
	lines=$(grep -vc ' -h for usage)$' "$T/stderr")
	if [ "$rc" = "$want" ] && [ "$(cat "$T/stdout")" = "$out" ] && [ "$lines" = 1 ] &&
	   grep -Eq -- "$pat" "$T/stderr"; then
		ok "$desc"
	else
		not_ok "$desc"
		printf '# exit status %s (want %s), %s message lines (want 1), stdout (want "%s"), stderr must match /%s/:\n' \
			"$rc" "$want" "$lines" "$out" "$pat"
		diag "$T/stdout" "$T/stderr"
	fi
	out=
}

# has DESC ERE / lacks DESC ERE: the output of the last expect (in $T/out,
# which check would overwrite) has a line matching ERE, or has none.
has() {
	if grep -Eq -- "$2" "$T/out"; then ok "$1"; else not_ok "$1"; diag "$T/out"; fi
}
lacks() {
	if grep -Eq -- "$2" "$T/out"; then not_ok "$1"; diag "$T/out"; else ok "$1"; fi
}

# usage_ok NAME CMD ARGS...: -h/--help anywhere: the usage text on stdout,
# nothing on stderr, exit 0.
usage_ok() {
	name=$1 cmd=$2
	shift 2
	"$cmd" "$@" > "$T/stdout" 2> "$T/stderr"
	rc=$?
	if [ $rc = 0 ] && grep -Eq "^usage: $name (COMMAND|\[)" "$T/stdout" &&
	   grep -q '^Exit status: 0 ok, 1 failure' "$T/stdout" && [ ! -s "$T/stderr" ]; then
		ok "$name $*: usage on stdout, exit 0"
	else
		not_ok "$name $*: usage on stdout, exit 0 (exit $rc)"
		diag "$T/stdout" "$T/stderr"
	fi
}

truncate -s 4M "$T/plain"
dax=/dev/dax97.3
missing="$dax: No such file or directory"

# ------------------------------------------------------------- all three
for p in "$U" "$N" "$R"; do
	name=${p##*/}
	usage_ok "$name" "$p" -h
	usage_ok "$name" "$p" --help
	expect_err "$name: no command: exit 2" 2 "^$name: no command$" "$p"
	expect_err "$name: unknown command: exit 2" 2 "^$name: unknown command 'frob'$" "$p" frob
done
usage_ok uring_p2p "$U" write -q 4 -h
usage_ok nvme_passthru "$N" read --help
usage_ok rdma_p2p "$R" -d rxe0 reg "$dax" 0 4K -h

# ------------------------------------------------------------- uring_p2p
set -- "$dax" 0 "$T/plain" 0 256K 1
expect_err "uring_p2p write: no arguments: names what it takes" 2 \
	'write takes DAXDEV DAXOFF BLKDEV BLKOFF LEN SEED$' "$U" write
expect_err "uring_p2p read: one argument short" 2 \
	'read takes DAXDEV DAXOFF BLKDEV BLKOFF LEN SEED$' "$U" read "$dax" 0 "$T/plain" 0 256K
expect_err "uring_p2p write: an extra argument" 2 'write takes DAXDEV' "$U" write "$@" 9
expect_err "uring_p2p hold: without READYFILE RELEASEFILE, names them" 2 \
	'hold takes DAXDEV DAXOFF BLKDEV BLKOFF LEN SEED READYFILE RELEASEFILE$' "$U" hold "$@"
expect_err "uring_p2p hold -v: not a hold option" 2 "hold: unknown option '-v'$" \
	"$U" hold -v "$@" r q
expect_err "uring_p2p fixed: one seed only" 2 \
	'fixed takes DAXDEV DAXOFF BLKDEV BLKOFF LEN WSEED RSEED$' "$U" fixed "$@"
expect_err "uring_p2p write -x: unknown option, one message" 2 "write: unknown option '-x'$" \
	"$U" write -x "$@"
expect_err "uring_p2p write --bogus: named whole" 2 "write: unknown option '--bogus'$" \
	"$U" write --bogus "$@"
expect_err "uring_p2p fixed -v: not a fixed option" 2 "fixed: unknown option '-v'$" \
	"$U" fixed -v "$@" 2
expect_err "uring_p2p write -q without a value" 2 'write: -q needs a value$' "$U" write -q
expect_err "uring_p2p read -c without a value" 2 'read: -c needs a value$' "$U" read "$@" -c
expect_err "uring_p2p write -q x: not a number" 2 "DEPTH 'x' is not a number" "$U" write -q x "$@"
expect_err "uring_p2p write -q 0" 2 'DEPTH \(0\) must be 1\.\.64$' "$U" write -q 0 "$@"
expect_err "uring_p2p write -q 65" 2 'DEPTH \(65\) must be 1\.\.64$' "$U" write -q 65 "$@"
expect_err "uring_p2p write -c 1000: not a multiple of 4096" 2 'CHUNK \(1000\) must be a non-zero multiple of 4096' \
	"$U" write -c 1000 "$@"
expect_err "uring_p2p write -c 2G: over 1G" 2 'CHUNK \(2G\) .* at most 1G$' "$U" write -c 2G "$@"
expect_err "uring_p2p write -c 0" 2 'CHUNK \(0\) must be a non-zero' "$U" write -c 0 "$@"
expect_err "uring_p2p write: garbage DAXOFF" 2 "DAXOFF '1x' is not a number" \
	"$U" write "$dax" 1x "$T/plain" 0 256K 1
expect_err "uring_p2p write: BLKOFF past 64 bits" 2 "BLKOFF '99999999999999999999' does not fit in 64 bits" \
	"$U" write "$dax" 0 "$T/plain" 99999999999999999999 256K 1
expect_err "uring_p2p read: garbage SEED" 2 "SEED 's' is not a number" \
	"$U" read "$dax" 0 "$T/plain" 0 256K s
expect_err "uring_p2p fixed: garbage RSEED" 2 "SEED '1.5' is not a number" \
	"$U" fixed "$dax" 0 "$T/plain" 0 256K 1 1.5
expect_err "uring_p2p fixed: a negative RSEED is an unknown option" 2 "fixed: unknown option '-1'$" \
	"$U" fixed "$dax" 0 "$T/plain" 0 256K 1 -1
expect_err "uring_p2p write: DAXOFF not a multiple of 4096" 2 'DAXOFF \(512\) must be a multiple of 4096$' \
	"$U" write "$dax" 512 "$T/plain" 0 256K 1
expect_err "uring_p2p write: BLKOFF not a multiple of 4096" 2 'BLKOFF \(0x200\) must be a multiple of 4096$' \
	"$U" write "$dax" 0 "$T/plain" 0x200 256K 1
expect_err "uring_p2p write: LEN 0" 2 'LEN must not be 0$' "$U" write "$dax" 0 "$T/plain" 0 0 1
expect_err "uring_p2p write: LEN not a multiple of CHUNK" 2 'LEN \(4K\) must be a multiple of CHUNK \(131072\)$' \
	"$U" write "$dax" 0 "$T/plain" 0 4K 1
expect_err "uring_p2p fixed: LEN not a multiple of 2*CHUNK" 2 'LEN \(128K\) must be a multiple of 2\*CHUNK \(131072\)$' \
	"$U" fixed "$dax" 0 "$T/plain" 0 128K 1 2
expect_err "uring_p2p write: DAXOFF+LEN past 63 bits" 2 'DAXOFF\+LEN \(0x7ffffffffffff000\+8K\) is too large$' \
	"$U" write -c 4K "$dax" 0x7ffffffffffff000 "$T/plain" 0 8K 1
expect_err "uring_p2p write: BLKOFF+LEN past 63 bits" 2 'BLKOFF\+LEN \(0xfffffffffffff000\+4K\) is too large$' \
	"$U" write -c 4K "$dax" 0 "$T/plain" 0xfffffffffffff000 4K 1
expect_err "uring_p2p write: a missing DAXDEV: exit 1 naming it" 1 "^uring_p2p: $missing$" "$U" write "$@"
expect_err "uring_p2p read -v -q 4 -c 64K: options parsed, then the missing DAXDEV" 1 "$missing" \
	"$U" read -v -q 4 -c 64K "$@"
expect_err "uring_p2p fixed: a missing DAXDEV" 1 "$missing" "$U" fixed "$dax" 0 "$T/plain" 0 256K 1 2
expect_err "uring_p2p write: a regular file as DAXDEV: exit 1, not a character device" 1 \
	"$T/plain: not a character device \(expected /dev/daxX.Y\)" "$U" write "$T/plain" 0 "$T/plain" 0 256K 1
expect_err "uring_p2p write: /dev/null as DAXDEV: exit 1, not device-dax" 1 \
	'/dev/null: cannot open /sys/bus/dax/devices/null/dev.*device-dax' "$U" write /dev/null 0 "$T/plain" 0 256K 1

expect_err "uring_p2p nvme-id-ctrl: no arguments" 2 'nvme-id-ctrl takes CTRLDEV DAXDEV DAXOFF OUTFILE$' \
	"$U" nvme-id-ctrl
expect_err "uring_p2p nvme-id-ctrl: an extra argument" 2 'nvme-id-ctrl takes CTRLDEV' \
	"$U" nvme-id-ctrl /dev/nvme9 "$dax" 0 "$T/id" x
expect_err "uring_p2p nvme-id-ctrl -F: takes no option" 2 "nvme-id-ctrl: unknown option '-F'$" \
	"$U" nvme-id-ctrl -F /dev/nvme9 "$dax" 0 "$T/id"
expect_err "uring_p2p nvme-id-ctrl: garbage DAXOFF" 2 "DAXOFF '4k1' is not a number" \
	"$U" nvme-id-ctrl /dev/nvme9 "$dax" 4k1 "$T/id"
expect_err "uring_p2p nvme-id-ctrl: DAXOFF not a multiple of 4096" 2 'DAXOFF \(8\) must be a multiple of 4096$' \
	"$U" nvme-id-ctrl /dev/nvme9 "$dax" 8 "$T/id"
expect_err "uring_p2p nvme-id-ctrl: a missing DAXDEV" 1 "$missing" \
	"$U" nvme-id-ctrl /dev/nvme9 "$dax" 0 "$T/id"

set -- /dev/ng9n1 "$dax" 0 0 256K 1
expect_err "uring_p2p nvme-write: one argument short, names the command" 2 \
	'nvme-write takes NGDEV DAXDEV DAXOFF NSOFF LEN SEED$' "$U" nvme-write /dev/ng9n1 "$dax" 0 0 256K
expect_err "uring_p2p nvme-read: an extra argument" 2 'nvme-read takes NGDEV' "$U" nvme-read "$@" 7
expect_err "uring_p2p nvme-write -v: not an NVMe option" 2 "nvme-write: unknown option '-v'$" \
	"$U" nvme-write -v "$@"
expect_err "uring_p2p nvme-read -s without a value" 2 'nvme-read: -s needs a value$' "$U" nvme-read "$@" -s
expect_err "uring_p2p nvme-write -s 1000: not a power of 2" 2 'LBASIZE \(1000\) must be a power of 2, 512\.\.64K$' \
	"$U" nvme-write -s 1000 "$@"
expect_err "uring_p2p nvme-write -s 256: under 512" 2 'LBASIZE \(256\) must be' "$U" nvme-write -s 256 "$@"
expect_err "uring_p2p nvme-write -s 128K: over 64K" 2 'LBASIZE \(128K\) must be' "$U" nvme-write -s 128K "$@"
expect_err "uring_p2p nvme-write -c 32M: over 16M" 2 'CHUNK \(32M\) .* at most 16M$' "$U" nvme-write -c 32M "$@"
expect_err "uring_p2p nvme-write -q 100" 2 'DEPTH \(100\) must be 1\.\.64$' "$U" nvme-write -q 100 "$@"
expect_err "uring_p2p nvme-write: DAXOFF not a multiple of 4096" 2 'DAXOFF \(2048\) must be a multiple of 4096$' \
	"$U" nvme-write /dev/ng9n1 "$dax" 2048 0 256K 1
expect_err "uring_p2p nvme-write: NSOFF not a multiple of LBASIZE" 2 'NSOFF \(4K\) must be a multiple of LBASIZE \(8192\)$' \
	"$U" nvme-write -s 8K /dev/ng9n1 "$dax" 0 4K 256K 1
expect_err "uring_p2p nvme-write: CHUNK not a multiple of LBASIZE" 2 'CHUNK \(4096\) must be a multiple of LBASIZE \(16384\)$' \
	"$U" nvme-write -s 16K -c 4K /dev/ng9n1 "$dax" 0 0 256K 1
expect_err "uring_p2p nvme-read: LEN 0" 2 'LEN must not be 0$' "$U" nvme-read /dev/ng9n1 "$dax" 0 0 0 1
expect_err "uring_p2p nvme-read: LEN not a multiple of CHUNK" 2 'LEN \(64K\) must be a multiple of CHUNK \(131072\)$' \
	"$U" nvme-read /dev/ng9n1 "$dax" 0 0 64K 1
expect_err "uring_p2p nvme-read: NSOFF+LEN past 63 bits" 2 'NSOFF\+LEN .* is too large$' \
	"$U" nvme-read /dev/ng9n1 "$dax" 0 0x7ffffffffffe0000 256K 1
expect_err "uring_p2p nvme-write -F -q 8: a missing DAXDEV" 1 "$missing" "$U" nvme-write -F -q 8 "$@"

# ------------------------------------------------------------- nvme_passthru
expect_err "nvme_passthru id-ctrl: no arguments" 2 'id-ctrl takes CTRLDEV BUFDEV BUFOFF OUTFILE$' \
	"$N" id-ctrl
expect_err "nvme_passthru id-ctrl: an extra argument" 2 'id-ctrl takes CTRLDEV' \
	"$N" id-ctrl /dev/nvme9 anon 0 - x
expect_err "nvme_passthru id-ctrl -l: I/O only, one message" 2 "id-ctrl: unknown option '-l'$" \
	"$N" id-ctrl -l /dev/nvme9 anon 0 -
expect_err "nvme_passthru id-ctrl -s: I/O only" 2 "id-ctrl: unknown option '-s'$" \
	"$N" id-ctrl -s 512 /dev/nvme9 anon 0 -
expect_err "nvme_passthru id-ctrl: garbage BUFOFF" 2 "BUFOFF '1x' is not a number" \
	"$N" id-ctrl /dev/nvme9 "$dax" 1x -
expect_err "nvme_passthru id-ctrl: BUFOFF not a multiple of 4096" 2 'BUFOFF \(1\) must be a multiple of 4096$' \
	"$N" id-ctrl /dev/nvme9 "$dax" 1 -
out="error=ENOENT at=dax"
expect_err "nvme_passthru id-ctrl: a missing BUFDEV: exit 1, error=ENOENT at=dax, the path on stderr" 1 \
	"^nvme_passthru: $missing$" "$N" id-ctrl /dev/nvme9 "$dax" 0 -
expect "nvme_passthru id-ctrl: a missing CTRLDEV: exit 1, error=ENOENT at=open" 1 '^error=ENOENT at=open$' \
	"$N" id-ctrl /dev/nvme9 anon 0 -
has "  and the path with the reason on stderr" '^nvme_passthru: open /dev/nvme9: No such file or directory$'
expect "nvme_passthru id-ctrl anon: BUFOFF ignored" 1 'open /dev/nvme9: No such file' \
	"$N" id-ctrl /dev/nvme9 anon whatever -
expect "nvme_passthru id-ctrl: /dev/null is no controller: error=ENOTTY at=ioctl" 1 '^error=ENOTTY at=ioctl$' \
	"$N" id-ctrl /dev/null anon 0 "$T/id"
has "  NVME_IOCTL_ADMIN_CMD named" 'NVME_IOCTL_ADMIN_CMD Identify Controller: Inappropriate ioctl'
check "  no OUTFILE written" test ! -e "$T/id"
expect "nvme_passthru id-ctrl -6: NVME_IOCTL_ADMIN64_CMD named" 1 'NVME_IOCTL_ADMIN64_CMD Identify Controller: Inappropriate ioctl' \
	"$N" id-ctrl -6 /dev/null anon 0 -
out="error=ENODEV at=dax"
expect_err "nvme_passthru id-ctrl: a regular file as BUFDEV: error=ENODEV at=dax" 1 "$T/plain: not a character device" \
	"$N" id-ctrl /dev/null "$T/plain" 0 -

set -- /dev/nvme9n1 anon 0 0 256K 1
expect_err "nvme_passthru write: one argument short" 2 'write takes NSDEV BUFDEV BUFOFF NSOFF LEN SEED$' \
	"$N" write /dev/nvme9n1 anon 0 0 256K
expect_err "nvme_passthru read: an extra argument" 2 'read takes NSDEV' "$N" read "$@" 1
expect_err "nvme_passthru write -x: one message" 2 "write: unknown option '-x'$" "$N" write -x "$@"
expect_err "nvme_passthru read --lba: named whole" 2 "read: unknown option '--lba'$" "$N" read --lba "$@"
expect_err "nvme_passthru write -c without a value" 2 'write: -c needs a value$' "$N" write "$@" -c
expect_err "nvme_passthru write -6 -l: exclusive" 2 'write: -6 and -l exclude each other$' "$N" write -6 -l "$@"
expect_err "nvme_passthru read -l -6: exclusive either way" 2 'read: -6 and -l exclude each other$' "$N" read -l -6 "$@"
expect_err "nvme_passthru write -s 768" 2 'LBASIZE \(768\) must be a power of 2, 512\.\.64K$' "$N" write -s 768 "$@"
expect_err "nvme_passthru write -s x" 2 "LBASIZE 'x' is not a number" "$N" write -s x "$@"
expect_err "nvme_passthru write -c 6000" 2 'CHUNK \(6000\) must be a non-zero multiple of 4096, at most 16M$' \
	"$N" write -c 6000 "$@"
expect_err "nvme_passthru write -c 17M" 2 'CHUNK \(17M\) .* at most 16M$' "$N" write -c 17M "$@"
expect_err "nvme_passthru write: LEN 0" 2 'LEN must not be 0$' "$N" write /dev/nvme9n1 anon 0 0 0 1
expect_err "nvme_passthru write: LEN not a multiple of CHUNK" 2 'LEN \(4K\) must be a multiple of CHUNK \(131072\)$' \
	"$N" write /dev/nvme9n1 anon 0 0 4K 1
expect_err "nvme_passthru read: LEN over 4G" 2 'LEN \(8G\) is larger than 4G$' "$N" read /dev/nvme9n1 anon 0 0 8G 1
expect_err "nvme_passthru read: NSOFF+LEN past 63 bits" 2 'NSOFF\+LEN .* is too large$' \
	"$N" read /dev/nvme9n1 anon 0 0xffffffffffff0000 256K 1
expect_err "nvme_passthru write: garbage SEED" 2 "SEED '0xg' is not a number" "$N" write /dev/nvme9n1 anon 0 0 256K 0xg
# Usage errors come first, whatever the devices: none of these exist.
expect_err "nvme_passthru write: garbage BUFOFF, before opening NSDEV" 2 "BUFOFF 'x' is not a number" \
	"$N" write /dev/nvme9n1 "$dax" x 0 256K 1
expect_err "nvme_passthru write: BUFOFF unaligned, before opening NSDEV" 2 'BUFOFF \(2K\) must be a multiple of 4096$' \
	"$N" write /dev/nvme9n1 "$dax" 2K 0 256K 1
expect_err "nvme_passthru write: NSOFF not in 512-byte blocks, before opening NSDEV" 2 \
	'NSOFF \(0x100\) must be a multiple of the block size 512$' "$N" write /dev/nvme9n1 anon 0 256 256K 1
expect_err "nvme_passthru read -s 4096: NSOFF not in its blocks" 2 \
	'NSOFF \(0x200\) must be a multiple of the block size 4096$' "$N" read -s 4096 /dev/nvme9n1 anon 0 512 256K 1
expect_err "nvme_passthru read -s 64K -c 32K: CHUNK not in its blocks" 2 \
	'CHUNK \(0x8000\) must be a multiple of the block size 65536$' "$N" read -s 64K -c 32K /dev/nvme9n1 anon 0 0 256K 1
expect "nvme_passthru write: a missing NSDEV: exit 1, error=ENOENT at=open" 1 '^error=ENOENT at=open$' "$N" write "$@"
has "  the path with the reason on stderr" '^nvme_passthru: open /dev/nvme9n1: No such file or directory$'
expect "nvme_passthru read: a regular file is no namespace: NVME_IOCTL_ID, ENOTTY" 1 \
	'^nvme_passthru: NVME_IOCTL_ID: Inappropriate ioctl' "$N" read "$T/plain" anon 0 0 256K 1
has "  error=ENOTTY at=ioctl on stdout" '^error=ENOTTY at=ioctl$'
expect "nvme_passthru read -l: a regular file NSDEV, the dax BUFDEV missing: the NSDEV first" 1 \
	'NVME_IOCTL_ID: Inappropriate ioctl' "$N" read -l "$T/plain" "$dax" 0 0 256K 1

# ------------------------------------------------------------- rdma_p2p
expect_err "rdma_p2p -d without a value" 2 '^rdma_p2p: -d needs a value$' "$R" -d
expect_err "rdma_p2p -d IBDEV without a command" 2 '^rdma_p2p: no command$' "$R" -d rxe0
expect_err "rdma_p2p -x: unknown option" 2 "^rdma_p2p: unknown option '-x'$" "$R" -x reg "$dax" 0 4K
expect_err "rdma_p2p -g x" 2 "GIDINDEX 'x' is not a number" "$R" -g x reg "$dax" 0 4K
expect_err "rdma_p2p -g 256" 2 'GIDINDEX 256 is too large$' "$R" -g 256 reg "$dax" 0 4K
expect_err "rdma_p2p -l x" 2 "MEMLOCK 'x' is not a number" "$R" -l x reg "$dax" 0 4K
expect_err "rdma_p2p reg: no arguments" 2 'reg takes DEV OFF LEN$' "$R" reg
expect_err "rdma_p2p reg: an extra argument" 2 'reg takes DEV OFF LEN$' "$R" reg "$dax" 0 4K 1
expect_err "rdma_p2p reg -d IBDEV: options go before the command" 2 'reg takes DEV OFF LEN$' \
	"$R" reg -d rxe0 "$dax" 0 4K
expect_err "rdma_p2p remote: SEED missing" 2 'remote takes DEV OFF LEN SEED$' "$R" remote "$dax" 0 4K
expect_err "rdma_p2p local: an extra argument" 2 'local takes DEV OFF LEN SEED$' "$R" local "$dax" 0 4K 1 2
expect_err "rdma_p2p hold: RELEASEFILE missing" 2 'hold takes DEV OFF LEN SEED READYFILE RELEASEFILE$' \
	"$R" hold "$dax" 0 4K 1 "$T/ready"
expect_err "rdma_p2p reg: garbage OFF" 2 "OFF '0x' is not a number" "$R" reg "$dax" 0x 4K
expect_err "rdma_p2p reg: LEN past 64 bits" 2 "LEN '17179869184G' does not fit in 64 bits" \
	"$R" reg "$dax" 0 17179869184G
expect_err "rdma_p2p remote: garbage SEED" 2 "SEED 'x' is not a number" "$R" remote "$dax" 0 4K x
expect_err "rdma_p2p reg: LEN 0" 2 'LEN must not be 0$' "$R" reg "$dax" 0 0
expect_err "rdma_p2p reg: LEN over one work request" 2 'LEN \(4G\) is larger than one work request can move$' \
	"$R" reg "$dax" 0 4G
expect_err "rdma_p2p reg: OFF+LEN past 63 bits" 2 'OFF\+LEN \(0x7ffffffffffff000\+8K\) is too large$' \
	"$R" reg "$dax" 0x7ffffffffffff000 8K
expect_err "rdma_p2p reg: OFF not a multiple of 4096" 2 'OFF \(100\) must be a multiple of 4096$' \
	"$R" reg "$dax" 100 4K
expect_err "rdma_p2p local: LEN not a multiple of 4096" 2 'LEN \(5000\) must be a multiple of 4096$' \
	"$R" local "$dax" 0 5000 1
expect_err "rdma_p2p reg: a missing DEV: exit 1 naming it" 1 "^rdma_p2p: $missing$" "$R" reg "$dax" 0 4K
expect_err "rdma_p2p remote: a missing DEV" 1 "$missing" "$R" remote "$dax" 0 4K 1
expect_err "rdma_p2p hold: a missing DEV" 1 "$missing" "$R" hold "$dax" 0 4K 1 "$T/ready" "$T/release"
check "  and no READYFILE" test ! -e "$T/ready"
expect_err "rdma_p2p reg: a regular file as DEV" 1 "$T/plain: not a character device" "$R" reg "$T/plain" 0 4K
expect_err "rdma_p2p local: /dev/null as DEV: not device-dax" 1 '/dev/null: .*device-dax' \
	"$R" local /dev/null 0 4K 1

# ------------------------------------- a regular file as a 2M-aligned device
fake_dax_dev
truncate -s 8M "$T/blk"

expect_err "uring_p2p write: a range past the device's end" 1 "$dev: range 0x3f00000\+0x200000 is beyond the device size 0x4000000" \
	"$U" write "$dev" 63M "$T/blk" 0 2M 1
expect_err "rdma_p2p reg: a range past the device's end" 1 "$dev: range 0x4000000\+0x1000 is beyond the device size" \
	"$R" reg "$dev" 64M 4K
expect_err "uring_p2p write: a missing BLKDEV: exit 1 naming it" 1 \
	"^uring_p2p: open $T/nonexistent O_DIRECT: No such file or directory$" \
	"$U" write "$dev" 0 "$T/nonexistent" 0 256K 1
expect_err "uring_p2p read: a directory as BLKDEV" 1 "open $T O_DIRECT: Is a directory$" \
	"$U" read "$dev" 0 "$T" 0 256K 1

# uring_p2p's I/O needs O_DIRECT, which not every file system behind TMPDIR has.
if ! dd if=/dev/zero of="$T/blk" bs=4096 count=1 oflag=direct conv=notrunc 2>/dev/null; then
	for d in write read fixed; do
		skip "uring_p2p $d between the file and a regular file" "no O_DIRECT in $T"
	done
else
	expect "uring_p2p write -q 4 -c 64K: file+2M -> blk+1M, 4 in flight" 0 \
		'^WRITE: 8 requests of 65536 bytes, up to 4 in flight$' \
		"$U" write -q 4 -c 64K "$dev" 2M "$T/blk" 1M 512K 21
	check "  the pattern at blk+1M, pattern offsets = BLKOFF" "$P" check "$T/blk" 1M 512K 21
	check "  and in the mapped file at 2M (device offset - 1M)" "$P" check -b 1M "$dev" 2M 512K 21
	expect "uring_p2p read -v: blk+1M -> file+8M with READV" 0 '^READV: 4 requests of 131072 bytes' \
		"$U" read -v "$dev" 8M "$T/blk" 1M 512K 21
	check "  the mapped file holds it at 8M" "$P" check -b 7M "$dev" 8M 512K 21
	expect "uring_p2p read: the wrong SEED is a mismatch, exit 1" 1 \
		'read data in the mapping: mismatch: first bad pattern offset 0x100000' \
		"$U" read "$dev" 8M "$T/blk" 1M 512K 22
	# fixed: the read half must find RSEED at BLKOFF+LEN/2.
	"$P" fill "$T/blk" 0x440000 256K 32 > /dev/null
	expect "uring_p2p fixed: registered or refused, the I/O done either way" 0 \
		'^(fixed_io|plain_io)=ok$' "$U" fixed "$dev" 16M "$T/blk" 4M 512K 31 32
	if grep -qx register=ok "$T/out" ||
	   { grep -q '^register=refused error=E' "$T/out" && grep -qx unchanged=ok "$T/out"; }; then
		ok "  register=ok, or refused with unchanged=ok ($(grep '^register=' "$T/out"))"
	else
		not_ok "  register=ok, or refused with unchanged=ok"
		diag "$T/out"
	fi
	check "  the written half at blk+4M" "$P" check "$T/blk" 4M 256K 31
fi

out=error=ENOENT
expect_err "uring_p2p nvme-id-ctrl: a missing CTRLDEV, after the mapping: error=ENOENT" 1 \
	"open /dev/nvme9: No such file or directory$" "$U" nvme-id-ctrl /dev/nvme9 "$dev" 0 "$T/id"
# /dev/null's ->uring_cmd() completes every command with 0 and does nothing.
expect "uring_p2p nvme-id-ctrl /dev/null: 'completed' but nothing written: exit 1" 1 \
	'/dev/null completed Identify Controller but wrote nothing' \
	"$U" nvme-id-ctrl /dev/null "$dev" 0 "$T/id"
lacks "  no sn= printed" '^sn='
check "  no OUTFILE" test ! -e "$T/id"
expect "uring_p2p nvme-write: a regular file is no namespace: NVME_IOCTL_ID, ENOTTY" 1 \
	"NVME_IOCTL_ID on $T/blk: Inappropriate ioctl" "$U" nvme-write "$T/blk" "$dev" 0 0 256K 1
has "  error=ENOTTY on stdout" '^error=ENOTTY$'

expect "nvme_passthru id-ctrl: /dev/null into the mapped file: error=ENOTTY at=ioctl" 1 '^error=ENOTTY at=ioctl$' \
	"$N" id-ctrl /dev/null "$dev" 0 -
expect_err "nvme_passthru id-ctrl: BUFOFF past the device's end" 1 "$dev: range 0x4000000\+0x1000 is beyond" \
	"$N" id-ctrl /dev/null "$dev" 64M -

# No RDMA device on this host (or, where there is one, not this name).
expect_err "rdma_p2p -d p2pdax-none reg: no such RDMA device, exit 1" 1 'no RDMA device' \
	"$R" -d p2pdax-none reg "$dev" 0 4K
expect_err "rdma_p2p -d p2pdax-none hold: no such RDMA device" 1 'no RDMA device' \
	"$R" -d p2pdax-none hold "$dev" 0 4K 1 "$T/ready" "$T/release"
check "  and no READYFILE" test ! -e "$T/ready"
if ls /sys/class/infiniband/* > /dev/null 2>&1; then
	skip "rdma_p2p remote without any RDMA device: says so" "this host has an RDMA device"
else
	expect_err "rdma_p2p remote without any RDMA device: says so, exit 1" 1 '^rdma_p2p: no RDMA device' \
		"$R" remote "$dev" 0 4K 1
fi
unset P2PDAX_SYSFS

done_testing
