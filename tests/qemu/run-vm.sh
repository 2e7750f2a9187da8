#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one p2pdax test guest under QEMU and wait for it to power off.
#
# The machine (q35) has, on the root bus:
#   00:04.0 ivshmem-plain (1af4:1110)  BAR2 = WORKDIR/bar.img (share=on)
#   00:05.0 edu           (1234:11e8)  a 1 MiB memory BAR
#   00:06.0 pci-testdev   (1b36:0005)  a small memory BAR and an I/O BAR
#   00:07.0 nvme          (1b36:0010)  disk = WORKDIR/nvme.img, serial p2pdaxnvme
# ttyS0 (the console) is written to WORKDIR/console.log and ttyS1 (the results
# channel of the initramfs /init) to WORKDIR/results.tap.
#
# The backing images are created (sparse, zero) only if missing, so a caller
# can fill them before boot: run with --prepare-only first, write into the
# images, then boot. run-suite.sh does exactly that around its host-pre hook.
set -euo pipefail

# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

usage() {
	cat <<EOF
usage: $PROG --kver KVER --initrd FILE --workdir DIR [--timeout SECONDS]
       [--kvm] [--bar-size SIZE] [--append "kernel args"] [--interactive]
       $PROG --workdir DIR [--bar-size SIZE] --prepare-only

  --kver KVER       boot /boot/vmlinuz-KVER
  --initrd FILE     initramfs (from mkinitramfs.sh)
  --workdir DIR     created if needed; holds bar.img, nvme.img, console.log,
                    results.tap
  --timeout S       kill QEMU after S seconds and exit 124 (default 900;
                    0 = never)
  --kvm             use KVM instead of TCG (KVM guests hang on some hosts)
  --bar-size SIZE   size of the ivshmem BAR / bar.img, a power of two, with
                    an optional K/M/G suffix (default 256M)
  --append ARGS     extra kernel command line arguments
  --interactive     console on this terminal and P2PDAX_SHELL=1: a guest shell
                    instead of the tests (no timeout unless --timeout is given)
  --prepare-only    only create DIR, bar.img and nvme.img, then exit
  -h, --help        this text

Exit status: QEMU's own status when it exits by itself (0 after a guest
poweroff or a guest panic, see console.log), 124 on timeout, 2 on bad usage.
EOF
}


# to_bytes SIZE: "256M" -> 268435456; empty output if SIZE is malformed.
to_bytes() {
	local n=${1%[kKmMgG]} shift=0
	case $1 in
	*[kK]) shift=10 ;;
	*[mM]) shift=20 ;;
	*[gG]) shift=30 ;;
	esac
	case $n in
	'' | *[!0-9]*) return 0 ;;
	esac
	echo $((n << shift))
}

NVME_SIZE=$((64 << 20))

kver='' initrd='' workdir='' timeout='' kvm=0 bar_size=256M append=''
interactive=0 prepare_only=0

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--kvm) kvm=1; shift ;;
	--interactive) interactive=1; shift ;;
	--prepare-only) prepare_only=1; shift ;;
	--kver | --initrd | --workdir | --timeout | --bar-size | --append)
		if [ $# -lt 2 ]; then
			bad_usage "$1 needs a value"
		fi
		case $1 in
		--kver) kver=$2 ;;
		--initrd) initrd=$2 ;;
		--workdir) workdir=$2 ;;
		--timeout) timeout=$2 ;;
		--bar-size) bar_size=$2 ;;
		--append) append=$2 ;;
		esac
		shift 2
		;;
	*) bad_usage "unknown argument '$1'" ;;
	esac
done

[ -n "$workdir" ] || bad_usage "--workdir is required"
bar_bytes=$(to_bytes "$bar_size")
if [ -z "$bar_bytes" ] || [ "$bar_bytes" -lt $((2 << 20)) ] ||
	[ $((bar_bytes & (bar_bytes - 1))) -ne 0 ]; then
	bad_usage "--bar-size '$bar_size' is not a power of two of at least 2M"
fi
case ${timeout:-x} in
x) if [ $interactive = 1 ]; then timeout=0; else timeout=900; fi ;;
*[!0-9]*) bad_usage "--timeout '$timeout' is not a number of seconds" ;;
esac

mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
bar_img=$workdir/bar.img
nvme_img=$workdir/nvme.img

# Images: sparse files, so a big BAR costs no disk. Existing ones are kept
# (a pre-boot hook may have written them); a BAR file that was shortened is
# extended again, keeping its data, since QEMU needs the full size.
if [ ! -e "$bar_img" ]; then
	truncate -s "$bar_bytes" "$bar_img"
else
	cur=$(stat -c %s "$bar_img")
	if [ "$cur" -lt "$bar_bytes" ]; then
		echo "$PROG: extending $bar_img from $cur to $bar_bytes bytes" >&2
		truncate -s "$bar_bytes" "$bar_img"
	elif [ "$cur" -gt "$bar_bytes" ]; then
		die "$bar_img is $cur bytes, larger than --bar-size $bar_size"
	fi
fi
[ -e "$nvme_img" ] || truncate -s "$NVME_SIZE" "$nvme_img"

[ $prepare_only = 0 ] || exit 0

[ -n "$kver" ] || bad_usage "--kver is required"
[ -n "$initrd" ] || bad_usage "--initrd is required"
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || die "no kernel $kernel"
[ -r "$initrd" ] || die "no initramfs $initrd"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (install qemu-system-x86)"
if [ $kvm = 1 ]; then
	accel=kvm
	[ -w /dev/kvm ] || die "--kvm given but /dev/kvm is not usable"
else
	accel=tcg
fi

# panic_on_warn and oops=panic turn any splat into a panic; panic=-1 then
# reboots at once, which -no-reboot turns into a QEMU exit: a broken guest
# ends the run instead of hanging until the timeout.
cmdline="console=ttyS0 ignore_loglevel panic_on_warn=1 panic=-1 oops=panic softlockup_panic=1"
[ $interactive = 0 ] || cmdline="$cmdline P2PDAX_SHELL=1"
[ -z "$append" ] || cmdline="$cmdline $append"

rm -f "$workdir/console.log" "$workdir/results.tap"
if [ $interactive = 1 ]; then
	console=(-serial mon:stdio)
else
	console=(-serial "file:$workdir/console.log")
fi

# -cpu max: the guest needs pdpe1gb (1 GiB pages) and PAT under TCG too.
# The NVMe drive uses QEMU's default cache mode (writeback): everything is
# in the host file once QEMU has exited.
# shellcheck disable=SC2054 # the commas are QEMU's option syntax
qemu=(qemu-system-x86_64
	-machine q35 -accel "$accel" -cpu max -smp 2 -m 1G
	-display none -vga none -monitor none -no-reboot -nodefaults
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	"${console[@]}" -serial "file:$workdir/results.tap"
	-object "memory-backend-file,id=barmem,mem-path=$bar_img,size=$bar_bytes,share=on"
	-device ivshmem-plain,memdev=barmem,addr=0x4
	-device edu,addr=0x5
	-device pci-testdev,addr=0x6
	-drive "file=$nvme_img,if=none,id=nvm,format=raw"
	-device nvme,drive=nvm,serial=p2pdaxnvme,addr=0x7)
printf '%q ' "${qemu[@]}" >"$workdir/qemu.cmd"
echo >>"$workdir/qemu.cmd"

if [ $interactive = 1 ]; then
	if [ "$timeout" = 0 ]; then
		exec "${qemu[@]}"
	fi
	exec timeout --foreground -k 10 "$timeout" "${qemu[@]}"
fi

# No tty needed: stdin is /dev/null and both serial ports go to files.
# timeout(1) exits 124 when it had to kill QEMU (SIGKILL 10 s later if
# SIGTERM is not enough).
rc=0
if [ "$timeout" = 0 ]; then
	"${qemu[@]}" </dev/null || rc=$?
else
	timeout -k 10 "$timeout" "${qemu[@]}" </dev/null || rc=$?
fi
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "$PROG: timeout: QEMU killed after $timeout s (see $workdir/console.log)" >&2
	exit 124
fi
[ $rc = 0 ] || echo "$PROG: QEMU exited with status $rc" >&2
exit $rc
