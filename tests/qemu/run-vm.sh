#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one p2pdax test guest under QEMU and wait for it to power off.
#
# The machine is a q35 with one of these topologies (--topology):
#
# flat (the default), everything on the root bus:
#   00:04.0 ivshmem-plain (1af4:1110)  BAR2 = WORKDIR/bar.img (share=on)
#   00:05.0 edu           (1234:11e8)  a 1 MiB memory BAR
#   00:06.0 pci-testdev   (1b36:0005)  a small memory BAR and an I/O BAR
#   00:07.0 nvme          (1b36:0010)  disk = WORKDIR/nvme.img, serial p2pdaxnvme
#
# switch, the BAR device and an NVMe controller below one PCIe switch, a
# second NVMe controller below another root port. Bus numbers are what
# SeaBIOS hands out (below, as 6.1 and 6.12 guests see them); tests look
# devices up by vendor/device, NVMe serial and sysfs parentage instead:
#   00:05.0 edu, 00:06.0 pci-testdev      as in flat
#   00:08.0 pcie-root-port rp1 (1b36:000c, chassis 1 slot 1)   ACS
#   01:00.0  x3130-upstream up1 (104c:8232)                     no ACS
#   02:00.0   xio3130-downstream ds1 (104c:8233, chassis 2 slot 1) no ACS
#   03:00.0    ivshmem-plain (1af4:1110)  BAR2 = WORKDIR/bar.img
#   02:01.0   xio3130-downstream ds2 (104c:8233, chassis 2 slot 2) no ACS
#   04:00.0    nvme (1b36:0010)           WORKDIR/nvme.img, serial p2pdaxnvme
#   00:09.0 pcie-root-port rp2 (1b36:000c, chassis 3 slot 1)   ACS
#   05:00.0  nvme (1b36:0010)             WORKDIR/nvme2.img, serial p2pdaxnvme2
# QEMU 7.2 gives an ACS capability (0x5f: SV TB RR CR UF DT) to
# pcie-root-port only. The firmware sizes every bridge window from what is
# behind it: BAR2 gets a 64-bit prefetchable window all the way up.
#
# switch-iommu, the switch topology behind an emulated Intel VT-d IOMMU
# (-device intel-iommu, before every PCI device as QEMU requires, with its
# defaults: interrupt remapping, which works under TCG, and pass-through).
# SeaBIOS then publishes a DMAR table, which the Debian kernels act on by
# default (CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF): every function gets an
# IOMMU group with a DMA-FQ domain (each xio3130 downstream port shares one
# with the function below it, nvme2 has its own), and the kernel turns on
# ACS SV, RR, CR and UF (control 0x001d) in both root ports
# (pci_enable_acs()). Same bus numbers as switch.
#
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
       [--kvm] [--bar-size SIZE] [--memory SIZE] [--topology NAME]
       [--append "kernel args"] [--trace EVENT[,EVENT...]] [--interactive]
       $PROG --workdir DIR [--bar-size SIZE] [--topology NAME] --prepare-only

  --kver KVER       boot /boot/vmlinuz-KVER, or for a kernel that
                    scripts/install-deps.sh extracted from its packages,
                    \$P2PDAX_KERNELS/KVER/boot/vmlinuz-KVER (P2PDAX_KERNELS:
                    default /var/lib/p2pdax/kernels)
  --initrd FILE     initramfs (from mkinitramfs.sh)
  --workdir DIR     created if needed; holds bar.img, nvme.img (and
                    nvme2.img with --topology switch or switch-iommu),
                    console.log, results.tap
  --timeout S       kill QEMU after S seconds and exit 124 (default 900;
                    0 = never)
  --kvm             use KVM instead of TCG (KVM guests hang on some hosts)
  --bar-size SIZE   size of the ivshmem BAR / bar.img, a power of two, with
                    an optional K/M/G suffix (default 256M)
  --memory SIZE     guest RAM, as QEMU's -m takes it (default 1G)
  --topology NAME   the PCI layout, see the top of this script:
                    flat (the default: every device on the root bus),
                    switch (the BAR device and an NVMe controller below one
                    PCIe switch, a second NVMe controller on another root
                    port) or switch-iommu (switch behind an Intel VT-d IOMMU)
  --append ARGS     extra kernel command line arguments
  --trace EVENTS    enable these QEMU trace events (comma-separated names or
                    patterns, as qemu-system-x86_64 -trace help lists them);
                    the trace goes to WORKDIR/qemu-trace.log
  --interactive     console on this terminal and P2PDAX_SHELL=1: a guest shell
                    instead of the tests (no timeout unless --timeout is given)
  --prepare-only    only create DIR and the images, then exit
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

kver='' initrd='' workdir='' timeout='' kvm=0 bar_size=256M memory=1G append='' topology=flat trace=''
interactive=0 prepare_only=0

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--kvm) kvm=1; shift ;;
	--interactive) interactive=1; shift ;;
	--prepare-only) prepare_only=1; shift ;;
	--kver | --initrd | --workdir | --timeout | --bar-size | --memory | --append | --topology | --trace)
		if [ $# -lt 2 ]; then
			bad_usage "$1 needs a value"
		fi
		case $1 in
		--kver) kver=$2 ;;
		--initrd) initrd=$2 ;;
		--workdir) workdir=$2 ;;
		--timeout) timeout=$2 ;;
		--bar-size) bar_size=$2 ;;
		--memory) memory=$2 ;;
		--trace) trace=$2 ;;
		--append) append=$2 ;;
		--topology) topology=$2 ;;
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
mem_bytes=$(to_bytes "$memory")
if [ -z "$mem_bytes" ] || [ "$mem_bytes" -lt $((256 << 20)) ]; then
	bad_usage "--memory '$memory' is not a size of at least 256M (e.g. 4G)"
fi
case $topology in
flat | switch | switch-iommu) ;;
*) bad_usage "--topology '$topology' is not one of: flat switch switch-iommu" ;;
esac
case ${timeout:-x} in
x) if [ $interactive = 1 ]; then timeout=0; else timeout=900; fi ;;
*[!0-9]*) bad_usage "--timeout '$timeout' is not a number of seconds" ;;
esac

mkdir -p "$workdir"
workdir=$(cd "$workdir" && pwd)
bar_img=$workdir/bar.img
nvme_img=$workdir/nvme.img
nvme2_img=$workdir/nvme2.img

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
if [ "$topology" != flat ] && [ ! -e "$nvme2_img" ]; then
	truncate -s "$NVME_SIZE" "$nvme2_img"
fi

[ $prepare_only = 0 ] || exit 0

[ -n "$kver" ] || bad_usage "--kver is required"
[ -n "$initrd" ] || bad_usage "--initrd is required"
kroot=$(kernel_root "$kver") ||
	die "no kernel $kver: neither /boot/vmlinuz-$kver nor $P2PDAX_KERNELS/$kver/boot/vmlinuz-$kver exists"
kernel=$kroot/boot/vmlinuz-$kver
[ -r "$kernel" ] || die "kernel $kernel is not readable"
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

# The devices of each topology (see the top of this script).
# shellcheck disable=SC2054 # the commas are QEMU's option syntax
barmem=(-object "memory-backend-file,id=barmem,mem-path=$bar_img,size=$bar_bytes,share=on")
nvm=(-drive "file=$nvme_img,if=none,id=nvm,format=raw")
case $topology in
flat)
	# shellcheck disable=SC2054
	devices=("${barmem[@]}"
		-device ivshmem-plain,memdev=barmem,addr=0x4
		-device edu,addr=0x5
		-device pci-testdev,addr=0x6
		"${nvm[@]}"
		-device nvme,drive=nvm,serial=p2pdaxnvme,addr=0x7)
	;;
switch | switch-iommu)
	# Each port's (chassis, slot) pair is unique, as QEMU requires of
	# hot-plug slots. No window reservations (pcie-root-port's
	# mem-reserve, pref64-reserve) are needed: the devices are there at
	# boot and SeaBIOS sizes each window from them, BAR2 included.
	# shellcheck disable=SC2054
	devices=("${barmem[@]}" "${nvm[@]}"
		-drive "file=$nvme2_img,if=none,id=nvm2,format=raw"
		-device edu,addr=0x5
		-device pci-testdev,addr=0x6
		-device pcie-root-port,id=rp1,bus=pcie.0,addr=0x8,chassis=1,slot=1,port=1
		-device x3130-upstream,id=up1,bus=rp1
		-device xio3130-downstream,id=ds1,bus=up1,addr=0x0,chassis=2,slot=1,port=1
		-device xio3130-downstream,id=ds2,bus=up1,addr=0x1,chassis=2,slot=2,port=2
		-device ivshmem-plain,memdev=barmem,bus=ds1
		-device nvme,drive=nvm,serial=p2pdaxnvme,bus=ds2
		-device pcie-root-port,id=rp2,bus=pcie.0,addr=0x9,chassis=3,slot=1,port=2
		-device nvme,drive=nvm2,serial=p2pdaxnvme2,bus=rp2)
	if [ "$topology" = switch-iommu ]; then
		# Before every PCI device: QEMU refuses it after one.
		devices=(-device intel-iommu "${devices[@]}")
	fi
	;;
esac

# -cpu max: the guest needs pdpe1gb (1 GiB pages) and PAT under TCG too.
# The NVMe drives use QEMU's default cache mode (writeback): everything is
# in the host files once QEMU has exited.
# shellcheck disable=SC2054 # the commas are QEMU's option syntax
qemu=(qemu-system-x86_64
	-machine q35 -accel "$accel" -cpu max -smp 2 -m "$memory"
	-display none -vga none -monitor none -no-reboot -nodefaults
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	"${console[@]}" -serial "file:$workdir/results.tap"
	"${devices[@]}")
if [ -n "$trace" ]; then
	rm -f "$workdir/qemu-trace.log"
	IFS=, read -ra events <<<"$trace"
	for e in "${events[@]}"; do
		case $e in
		'' | *[!A-Za-z0-9_*]*) bad_usage "--trace: '$e' is not a trace event name or pattern" ;;
		esac
		qemu+=(-trace "enable=$e")
	done
	qemu+=(-D "$workdir/qemu-trace.log")
fi
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
