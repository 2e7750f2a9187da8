#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The single entry point of the p2pdax guest tests: for each kernel, build an
# initramfs with the module and the suite, run the suite's host-side hooks
# around one QEMU boot, judge the logs, and print one combined TAP stream.
#
# The kernels: this system's (/boot/vmlinuz-KVER, /lib/modules/KVER) and
# those scripts/install-deps.sh extracted from their packages without
# installing them ($P2PDAX_KERNELS/KVER/boot/vmlinuz-KVER and
# .../lib/modules/KVER; Debian's 7.3), told apart by common.sh's kernel_root.
# Besides dax_pci_p2p.ko the initramfs gets, in /lib/modules/KVER/extra/, the
# test-only modules built next to it (BUILDROOT/NAME/tests/kmod/*.ko, e.g.
# pteprobe.ko), so a suite can modprobe them.
#
# Per kernel, in build/qemu/SUITE/KVER/ (SUITE: the suite directory's name;
# wiped first; P2PDAX_BUILD overrides build/):
#   initramfs.cpio.gz  mkinitramfs.log  bar.img  nvme.img [nvme2.img]  qemu.cmd
#   console.log (ttyS0)  results.tap (ttyS1)  run-vm.log
#   (console.try1.log, ... of a first boot that never reached the tests)
#   host-pre.log  host-post.log  check-log.log
#
# A suite directory holds:
#   run.sh          runs as /tests/run.sh in the guest (busybox sh), prints TAP
#   host-pre.sh     optional, run on the host before boot: may fill the images
#   host-post.sh    optional, run on the host after QEMU exits: checks them
#   initramfs.list  optional, more for the initramfs, one per line:
#                     kmod NAME          a kernel module and its dependencies
#                     kmod-optional NAME the same where the kernel has it
#                     file PATH|COMMAND  a host file, with its libraries if ELF;
#                                        an absolute PATH may be a shell
#                                        glob, which must match a file
#   topology        optional, one line: the machine's PCI topology (a
#                   run-vm.sh --topology NAME) the suite is written for;
#                   --topology on the command line overrides it
#   memory          optional, one word: the guest's RAM (run-vm.sh
#                   --memory; default 1G)
#   cmdline         optional: kernel command line arguments the suite needs
#                   ('#' comments; they go before those of --append)
#   qemu-trace      optional: QEMU trace events to record (run-vm.sh
#                   --trace; one name or pattern per line, '#' comments)
#                   into WORKDIR/qemu-trace.log, for the host hooks
# and anything else run.sh needs (all of it is copied to /tests/). The
# shared helpers of tests/lib/sh/ (lib.sh for every suite, p2plib.sh for the
# P2P suites) are copied there first.
set -euo pipefail

# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

usage() {
	cat <<EOF
usage: $PROG --suite DIR --module-dir BUILDROOT [--bin DIR]... [--kver KVER]...
       [--kvm] [--timeout S] [--bar-size SIZE] [--topology NAME]
       [--append ARGS] [--keep]

  --suite DIR          guest suite: run.sh [host-pre.sh] [host-post.sh]
                       [initramfs.list] [topology] ..., all copied to /tests/
                       in the guest
  --module-dir ROOT    module build root: ROOT/NAME/dax_pci_p2p.ko,
                       NAME being the kernel release or the kernel.release of
                       its headers (the module's vermagic must match); the
                       test-only modules ROOT/NAME/tests/kmod/*.ko go in too
  --bin DIR            guest programs for /tests/bin/ (repeatable)
  --kver KVER          test this kernel (repeatable); default: every kernel,
                       oldest first, with a module built for it and either
                       /boot/vmlinuz-KVER or
                       \$P2PDAX_KERNELS/KVER/boot/vmlinuz-KVER
  --kvm                boot with KVM instead of TCG
  --timeout S          per-boot timeout in seconds (default 900)
  --bar-size SIZE      ivshmem BAR size (default 256M)
  --topology NAME      the machine's PCI topology, as run-vm.sh --topology:
                       flat, switch or switch-iommu; default: the one word in
                       the suite's file "topology" if it has one, else flat
  --append ARGS        extra kernel command line arguments
  --keep               keep the work directories (always done: they are small,
                       the images are sparse; they are wiped at the next run)
  -h, --help           this text

Environment: P2PDAX_BUILD (default $ROOT/build): work directories go to
\$P2PDAX_BUILD/qemu/SUITE/KVER, SUITE being the suite directory's name.
P2PDAX_KERNELS (default /var/lib/p2pdax/kernels): where the kernels that are
not installed on this system are, one root directory per KVER.

Hooks run as "HOOK WORKDIR" from the suite directory, stdin /dev/null, with
P2PDAX_BUILD (absolute), P2PDAX_KVER, P2PDAX_WORKDIR, P2PDAX_BAR_IMG, P2PDAX_BAR_SIZE (bytes),
P2PDAX_NVME_IMG, P2PDAX_TOPOLOGY, P2PDAX_APPEND (the guest's extra kernel
arguments: the suite's and --append's), with the switch topologies P2PDAX_NVME2_IMG,
and for host-post.sh also P2PDAX_RESULTS (results.tap),
P2PDAX_CONSOLE (console.log) and P2PDAX_QEMU_RC. Their TAP lines are
collected like the guest's.

Output: TAP on stdout, renumbered as "ok N - [KVER] description", then the
plan and "N passed, N failed[, N skipped]". Exit 1 if anything failed.
EOF
}


# abs_dir DIR: DIR as an absolute path; fails if it is not a directory.
abs_dir() {
	[ -d "$1" ] && (cd "$1" && pwd)
}

suite='' module_dir='' kvm=0 timeout=900 bar_size=256M append='' topology=''
kvers=() bin_dirs=()

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--kvm) kvm=1; shift ;;
	--keep) shift ;;
	--suite | --module-dir | --bin | --kver | --timeout | --bar-size | --append | --topology)
		if [ $# -lt 2 ] || [ -z "$2" ]; then
			bad_usage "$1 needs a value"
		fi
		case $1 in
		--suite) suite=$(abs_dir "$2") || bad_usage "--suite $2 is not a directory" ;;
		--module-dir) module_dir=$(abs_dir "$2") || bad_usage "--module-dir $2 is not a directory" ;;
		--bin)
			d=$(abs_dir "$2") || bad_usage "--bin $2 is not a directory"
			bin_dirs+=("$d")
			;;
		--kver) kvers+=("$2") ;;
		--timeout) timeout=$2 ;;
		--bar-size) bar_size=$2 ;;
		--append) append=$2 ;;
		--topology) topology=$2 ;;
		esac
		shift 2
		;;
	*) bad_usage "unknown argument '$1'" ;;
	esac
done

[ -n "$suite" ] || bad_usage "--suite is required"
[ -n "$module_dir" ] || bad_usage "--module-dir is required"
case $timeout in
'' | *[!0-9]* | 0) bad_usage "--timeout '$timeout' is not a positive number of seconds" ;;
esac
[ -e "$suite/run.sh" ] || die "$suite has no run.sh"
# suite_word FILE: the one word of the suite's FILE ('#' comments).
suite_word() {
	sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$suite/$1"
}

# The suite's own topology, unless the command line chose one; the names
# are run-vm.sh's.
if [ -n "$topology" ]; then
	case $topology in
	flat | switch | switch-iommu) ;;
	*) bad_usage "--topology '$topology' is not one of: flat switch switch-iommu" ;;
	esac
elif [ -f "$suite/topology" ]; then
	topology=$(suite_word topology)
	case $topology in
	flat | switch | switch-iommu) ;;
	*) die "$suite/topology: '$topology' is not one of: flat switch switch-iommu" ;;
	esac
else
	topology=flat
fi

build=${P2PDAX_BUILD:-$ROOT/build}
mkdir -p "$build"
build=$(cd "$build" && pwd)
# Absolute, for the hooks: they run from the suite directory and may look
# for host tools under it.
export P2PDAX_BUILD=$build

# ---------------------------------------------------------------- TAP

total=0 passed=0 failed=0 skipped=0

# tap STATUS KVER DESC: print one renumbered test line and count it. A
# "# SKIP" directive (any case) counts as skipped, never as passed.
tap() {
	local status=$1 kver=$2 desc=$3
	total=$((total + 1))
	if [[ $desc =~ \#[[:space:]]*[Ss][Kk][Ii][Pp] ]]; then
		skipped=$((skipped + 1))
	elif [ "$status" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	echo "$status $total - [$kver]${desc:+ $desc}"
}

# collect KVER FILE: pass FILE's TAP through. Test lines ("ok ...", "not
# ok ...", with or without number and dash) are renumbered; "Bail out!" is a
# failure; version and plan lines are dropped (one plan is printed at the
# end); comments pass as they are; anything else becomes a "# " comment so
# error messages are not lost. Sets $found to the number of test lines.
found=0
collect() {
	local kver=$1 file=$2 line
	found=0
	[ -r "$file" ] || return 0
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^(not\ ok|ok)([[:space:]]+[0-9]+)?([[:space:]]+-)?([[:space:]]+(.*))?$ ]]; then
			tap "${BASH_REMATCH[1]}" "$kver" "${BASH_REMATCH[5]}"
			found=$((found + 1))
		elif [[ $line =~ ^Bail\ out! ]]; then
			tap "not ok" "$kver" "$line"
			found=$((found + 1))
		elif [[ $line =~ ^TAP\ version ]] || [[ $line =~ ^[0-9]+\.\.[0-9]+[[:space:]]*$ ]]; then
			:
		elif [[ $line =~ ^# ]]; then
			echo "$line"
		elif [ -n "$line" ]; then
			echo "# $line"
		fi
	done < <(tr -d '\r' <"$file")
}

# comment_file FILE: FILE as "# " comment lines.
comment_file() {
	[ ! -s "$1" ] || sed 's/^/# /' "$1"
}

# ---------------------------------------------------------------- kernels

# module_for KVER: print the dax_pci_p2p.ko built for KVER. The build root
# may name its directory after the kernel release or after the
# kernel.release of the headers (Debian's 6.1 headers say "6.1.N" there), so
# trust the module's vermagic rather than the directory name.
module_for() {
	local kver=$1 ko vm
	for ko in "$module_dir/$kver/dax_pci_p2p.ko" \
		"$module_dir"/*/dax_pci_p2p.ko; do
		[ -f "$ko" ] || continue
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null) || continue
		if [ "${vm%% *}" = "$kver" ]; then
			echo "$ko"
			return 0
		fi
	done
	return 1
}

# test_kmods MODULE: the test-only modules built next to MODULE (the
# dax_pci_p2p.ko of module_for), one per line.
test_kmods() {
	local ko
	for ko in "${1%/dax_pci_p2p.ko}"/tests/kmod/*.ko; do
		[ ! -f "$ko" ] || echo "$ko"
	done
}

echo "TAP version 13"

if [ ${#kvers[@]} = 0 ]; then
	while IFS= read -r k; do
		if module_for "$k" >/dev/null; then
			kvers+=("$k")
		fi
	done < <(kernel_list)
	if [ ${#kvers[@]} = 0 ]; then
		echo "not ok 1 - no kernel with a built module"
		echo "# looked for /boot/vmlinuz-KVER and $P2PDAX_KERNELS/KVER/boot/vmlinuz-KVER" \
			"with $module_dir/KVER/dax_pci_p2p.ko"
		echo "1..1"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi

# The suite's own kernel arguments, then the command line's.
if [ -f "$suite/cmdline" ]; then
	suite_args=$(sed -e 's/#.*//' "$suite/cmdline" | tr -s ' \t\n' '   ')
	suite_args=${suite_args# }
	suite_args=${suite_args% }
	append=$suite_args${append:+ $append}
fi

vm_args=(--bar-size "$bar_size" --topology "$topology")
if [ -f "$suite/memory" ]; then
	vm_args+=(--memory "$(suite_word memory)")
fi
if [ -f "$suite/qemu-trace" ]; then
	trace=$(sed -e 's/#.*//' "$suite/qemu-trace" | tr -s ' \t\n' '   ' | sed -e 's/^ //' -e 's/ $//' | tr ' ' ,)
	[ -z "$trace" ] || vm_args+=(--trace "$trace")
fi
[ $kvm = 0 ] || vm_args+=(--kvm)
[ -z "$append" ] || vm_args+=(--append "$append")

# run_hook NAME DESC KVER WORKDIR: run SUITE/NAME if it exists, collect its
# TAP and add one line for its exit status.
run_hook() {
	local hook=$suite/$1 desc=$2 kver=$3 wd=$4 log=$4/${1%.sh}.log rc=0
	[ -e "$hook" ] || return 0
	local cmd=("$hook" "$wd")
	[ -x "$hook" ] || cmd=(bash "$hook" "$wd")
	(cd "$suite" && timeout "$timeout" "${cmd[@]}") </dev/null >"$log" 2>&1 || rc=$?
	collect "$kver" "$log"
	if [ $rc = 0 ]; then
		tap ok "$kver" "$desc"
	else
		tap "not ok" "$kver" "$desc (exit status $rc)"
	fi
}

# elapsed START: seconds since START (an $EPOCHREALTIME), one decimal.
elapsed() {
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

boot_times=()
for kver in "${kvers[@]}"; do
	echo "# kernel $kver"
	failed_before=$failed
	wd=$build/qemu/$(basename "$suite")/$kver
	rm -rf "$wd"
	mkdir -p "$wd"

	if ! kroot=$(kernel_root "$kver"); then
		tap "not ok" "$kver" "kernel /boot/vmlinuz-$kver or $P2PDAX_KERNELS/$kver/boot/vmlinuz-$kver present"
		continue
	fi
	echo "# kernel image $kroot/boot/vmlinuz-$kver"
	if ! module=$(module_for "$kver"); then
		tap "not ok" "$kver" "dax_pci_p2p.ko built for $kver"
		echo "# none of $module_dir/*/dax_pci_p2p.ko has vermagic $kver"
		continue
	fi

	# Initramfs: modules, guest programs, the suite and its extra contents.
	mk_args=(--kver "$kver" --module "$module" --out "$wd/initramfs.cpio.gz"
		--scripts "$ROOT/tests/lib/sh" --scripts "$suite")
	while IFS= read -r ko; do
		mk_args+=(--module "$ko")
	done < <(test_kmods "$module")
	for d in ${bin_dirs[@]+"${bin_dirs[@]}"}; do
		mk_args+=(--bin "$d")
	done
	if [ -f "$suite/initramfs.list" ]; then
		while read -r kw arg rest; do
			case $kw in
			'' | '#'*) continue ;;
			kmod) mk_args+=(--kmod "$arg") ;;
			kmod-optional) mk_args+=(--kmod-optional "$arg") ;;
			file) mk_args+=(--file "$arg") ;;
			*) die "$suite/initramfs.list: unknown keyword '$kw' (kmod, kmod-optional or file)" ;;
			esac
			[ -z "$rest" ] || die "$suite/initramfs.list: one name per line: '$kw $arg $rest'"
		done <"$suite/initramfs.list"
	fi
	echo "$PROG: [$kver] building initramfs" >&2
	if ! "$HERE/mkinitramfs.sh" "${mk_args[@]}" >"$wd/mkinitramfs.log" 2>&1; then
		tap "not ok" "$kver" "initramfs built"
		comment_file "$wd/mkinitramfs.log"
		continue
	fi

	# Images first, so the pre-boot hook can write into them.
	"$HERE/run-vm.sh" --workdir "$wd" --bar-size "$bar_size" --topology "$topology" --prepare-only
	bar_bytes=$(stat -c %s "$wd/bar.img")
	export P2PDAX_KVER=$kver P2PDAX_WORKDIR=$wd P2PDAX_BAR_IMG=$wd/bar.img \
		P2PDAX_BAR_SIZE=$bar_bytes P2PDAX_NVME_IMG=$wd/nvme.img P2PDAX_TOPOLOGY=$topology \
		P2PDAX_APPEND=$append
	if [ "$topology" != flat ]; then
		export P2PDAX_NVME2_IMG=$wd/nvme2.img
	fi
	run_hook host-pre.sh "host pre-boot hook" "$kver" "$wd"

	echo "$PROG: [$kver] booting ($([ $kvm = 1 ] && echo KVM || echo TCG), topology $topology, timeout $timeout s)" >&2
	start=$EPOCHREALTIME
	# A boot that never reached /tests/run.sh (no P2PDAX-START from the
	# guest's /init on the console) failed before anything of ours ran:
	# under TCG with two vCPUs the kernel has been seen to oops on an int3
	# left by its own code patching, 2.6 s into the boot. Boot once more;
	# the first try's logs stay, as *.try1.*, and are named below.
	for try in 1 2; do
		qemu_rc=0
		"$HERE/run-vm.sh" --kver "$kver" --initrd "$wd/initramfs.cpio.gz" --workdir "$wd" \
			--timeout "$timeout" "${vm_args[@]}" >"$wd/run-vm.log" 2>&1 || qemu_rc=$?
		if [ $try = 2 ] || grep -q 'P2PDAX-START' "$wd/console.log" 2>/dev/null; then
			break
		fi
		for f in console.log results.tap run-vm.log qemu-trace.log; do
			[ ! -e "$wd/$f" ] || mv "$wd/$f" "$wd/${f%.*}.try1.${f##*.}"
		done
		echo "# boot 1 ended (QEMU exit status $qemu_rc) before the guest started its tests: booting again;" \
			"its console: $wd/console.try1.log, last lines:"
		tail -n 5 "$wd/console.try1.log" 2>/dev/null | tr -d '\r' | sed 's/^/#   /'
		echo "$PROG: [$kver] boot 1 never reached the tests (see $wd/console.try1.log); booting again" >&2
	done
	took=$(elapsed "$start")
	boot_times+=("$kver: $took s")
	echo "$PROG: [$kver] boot took $took s (QEMU exit status $qemu_rc)" >&2
	echo "# boot took $took s"
	if [ $qemu_rc = 124 ]; then
		tap "not ok" "$kver" "guest finished within $timeout s"
	elif [ $qemu_rc != 0 ]; then
		tap "not ok" "$kver" "QEMU ran (exit status $qemu_rc)"
		comment_file "$wd/run-vm.log"
	else
		tap ok "$kver" "guest finished within $timeout s"
	fi

	collect "$kver" "$wd/results.tap"
	if [ $found = 0 ]; then
		tap "not ok" "$kver" "guest reported test results"
	fi

	export P2PDAX_RESULTS=$wd/results.tap P2PDAX_CONSOLE=$wd/console.log P2PDAX_QEMU_RC=$qemu_rc
	run_hook host-post.sh "host post-boot hook" "$kver" "$wd"
	unset P2PDAX_RESULTS P2PDAX_CONSOLE P2PDAX_QEMU_RC

	"$HERE/check-log.sh" "$wd/console.log" "$wd/results.tap" >"$wd/check-log.log"
	collect "$kver" "$wd/check-log.log"

	if [ "$failed" != "$failed_before" ]; then
		{
			echo "$PROG: [$kver] FAILED; console log: $wd/console.log (last 40 lines):"
			if [ -r "$wd/console.log" ]; then
				tail -n 40 "$wd/console.log" | tr -d '\r'
			fi
		} >&2
	fi
done

echo "1..$total"
if [ $skipped = 0 ]; then
	echo "$passed passed, $failed failed"
else
	echo "$passed passed, $failed failed, $skipped skipped"
fi
for t in ${boot_times[@]+"${boot_times[@]}"}; do
	echo "$PROG: boot time $t" >&2
done
[ $failed = 0 ]
