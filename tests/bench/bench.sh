#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The p2pdax benchmark (make bench): one QEMU boot per kernel with a 2 GiB
# ivshmem BAR, running the guest suite in this directory (run.sh), then one
# table of what it measured, then the harness's "N passed, N failed" line.
# Exit status 1 if the harness reported a failure or nothing was measured.
#
# The figures are from an emulated machine (TCG unless --kvm): compare them
# within one run, not with real hardware.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck source=../qemu/common.sh
. "$ROOT/tests/qemu/common.sh"

usage() {
	cat <<EOF
usage: $PROG [--kver KVER]... [--module-dir ROOT] [--bin DIR] [--timeout S] [--kvm]

  --kver KVER        benchmark this kernel (repeatable); default: as for
                     run-suite.sh, every kernel with a module built for it and
                     /boot/vmlinuz-KVER or \$P2PDAX_KERNELS/KVER/boot/vmlinuz-KVER
  --module-dir ROOT  module build root, as for run-suite.sh (default:
                     $ROOT/build)
  --bin DIR          where daxbench is (default: ROOT/tests/bench)
  --timeout S        per-boot timeout in seconds (default 1200)
  --kvm              boot with KVM instead of TCG
  -h, --help         this text

Environment: P2PDAX_BUILD, the harness's work directory root (default
$ROOT/build): the boots run in \$P2PDAX_BUILD/qemu/bench/KVER, and this
script keeps the harness's output in \$P2PDAX_BUILD/qemu/bench/bench.log.
EOF
}

module_dir=$ROOT/build bin='' timeout=1200 kvm=0
kvers=()
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--kvm) kvm=1; shift ;;
	--kver | --module-dir | --bin | --timeout)
		if [ $# -lt 2 ] || [ -z "$2" ]; then
			bad_usage "$1 needs a value"
		fi
		case $1 in
		--kver) kvers+=("$2") ;;
		--module-dir) module_dir=$2 ;;
		--bin) bin=$2 ;;
		--timeout) timeout=$2 ;;
		esac
		shift 2
		;;
	*) bad_usage "unknown argument '$1'" ;;
	esac
done
bin=${bin:-$module_dir/tests/bench}

[ -d "$module_dir" ] || die "module build root $module_dir does not exist: run make first"
[ -x "$bin/daxbench" ] || die "$bin/daxbench not found: build it (make -C tests/bench, or make bench)"

build=${P2PDAX_BUILD:-$ROOT/build}
mkdir -p "$build/qemu/bench"
build=$(cd "$build" && pwd)
export P2PDAX_BUILD=$build
log=$build/qemu/bench/bench.log

args=(--suite "$HERE" --module-dir "$module_dir" --bin "$bin" --bar-size 2G --timeout "$timeout")
[ $kvm = 0 ] || args+=(--kvm)
for k in ${kvers[@]+"${kvers[@]}"}; do
	args+=(--kver "$k")
done

# The harness's TAP as it comes, without the records (the table shows them)
# and without its summary line, which goes last, after the table.
summary_re='^[0-9]+ passed, [0-9]+ failed'
set +e
"$ROOT/tests/qemu/run-suite.sh" "${args[@]}" | tee "$log" |
	grep --line-buffered -Ev "^# bench(-memmap|-stamp)?: |$summary_re"
status=("${PIPESTATUS[@]}")
set -e
rc=${status[0]}

# The table: one row per run record; a dax row also gets its bind's memmap
# record (same kernel and alignment).
table=$(awk '
function kv(line, a,    n, i, f, k) {
	delete a
	n = split(line, f, " ")
	for (i = 3; i <= n; i++) {
		k = index(f[i], "=")
		if (k)
			a[substr(f[i], 1, k - 1)] = substr(f[i], k + 1)
	}
}
function ms(ns) { return sprintf("%.1f", ns / 1e6) }
function per_gib(kib, bar) { return (kib == "-" || kib == "") ? "-" : sprintf("%.0f", kib * 1073741824 / bar) }
$1 == "#" && $2 == "bench-memmap:" {
	kv($0, m)
	key = m["kver"] SUBSEP m["align"]
	bind_ms[key] = m["bind_ms"]
	bind[key] = per_gib(m["bind_kib"], m["bar"])
	unbind[key] = per_gib(m["unbind_kib"], m["bar"])
	memfree[key] = per_gib(m["memfree_bind_kib"], m["bar"])
	v = m["vmstat_bind_pages"]
	vm[key] = (v == "-" || v == "") ? "-" : per_gib(v * 4, m["bar"])
	next
}
$1 == "#" && $2 == "bench:" {
	kv($0, r)
	n++
	kver[n] = r["kver"]; path[n] = r["path"]; align[n] = r["align"]
	mmap[n] = ms(r["mmap_ns"]); touch[n] = ms(r["touch_ns"])
	# Faults in the touch; any in mmap() or major ones are shown apart.
	flt[n] = r["minflt"]
	if (r["mmap_minflt"] > 0)
		flt[n] = flt[n] "(+" r["mmap_minflt"] ")"
	if (r["majflt"] > 0)
		flt[n] = flt[n] "+" r["majflt"] "maj"
	bw[n] = (r["write_ns"] > 0) ? sprintf("%.0f", r["write_bytes"] / 1048576 / (r["write_ns"] / 1e9)) : "-"
	unmap[n] = ms(r["munmap_ns"])
}
END {
	if (!n)
		exit 1
	fmt = "%-19s %-12s %-5s %7s %8s %6s %8s %6s %7s %6s %6s %7s %9s\n"
	printf "%-88s%s\n", "", "page structures, KiB/GiB of BAR"
	printf fmt, "kernel", "path", "align", "mmap ms", "touch ms", "faults", "unmap ms", "MiB/s", "bind ms",
		"bind", "unbind", "MemFree", "nr_memmap"
	for (i = 1; i <= n; i++) {
		key = kver[i] SUBSEP align[i]
		d = path[i] == "dax" && (key in bind)
		printf fmt, kver[i], path[i] == "dax" ? "/dev/daxX.Y" : path[i], align[i], mmap[i], touch[i],
			flt[i], unmap[i], bw[i], d ? bind_ms[key] : "-",
			d ? bind[key] : "-", d ? unbind[key] : "-", d ? memfree[key] : "-", d ? vm[key] : "-"
	}
}' "$log") || table=''

echo
if [ -n "$table" ]; then
	echo "# p2pdax benchmark, QEMU $([ $kvm = 1 ] && echo KVM || echo "TCG (emulated)"), 2 GiB ivshmem BAR, 1 GiB mappings"
	echo "$table"
	cat <<'EOF'
# Each row: one 1 GiB MAP_SHARED mapping of the BAR. mmap ms: the mmap() call.
#   touch ms: one store into each 4 KiB page, in order (first access is a
#   write). faults: minor faults in the touch (getrusage); resourceN fills its
#   page table inside mmap() (io_remap_pfn_range, 4 KiB PTEs): its cost is in
#   mmap ms, its touch takes none ("(+N)" would be N more in mmap() itself).
#   unmap ms: munmap(). MiB/s: memset() of the whole mapping once mapped.
#   resourceN rows ran before dax_pci_p2p was loaded.
# Page structures (memmap) device-dax allocates for the whole 2 GiB BAR, in
#   KiB per GiB (a flat 64-byte struct page per 4 KiB page is 16384), caches
#   dropped and per-CPU vmstat deltas folded before each reading.
#   bind: free memory before bind minus after, free being MemFree plus the
#   pages on the per-CPU free lists (/proc/zoneinfo "count:"); it includes the
#   few KiB of everything else a bind allocates. unbind: free memory gained
#   by the unbind. MemFree: the bind's drop of MemFree alone, which misses
#   what the per-CPU lists supply. nr_memmap: /proc/vmstat nr_memmap_pages
#   gained by the bind (6.11 and later: the kernel's own count, page tables
#   not included; 6.12.95 counts a flat memmap at every alignment, missing
#   that 2M and 1G devices share the vmemmap pages of their tail pages).
#   bind ms: the bind write (probe, memmap init), 10 ms steps.
# Emulated: compare rows of one run; a busy host moves single figures.
EOF
else
	echo "# no measurements: see $log and $build/qemu/bench/*/results.tap"
	[ "$rc" != 0 ] || rc=1
fi

summary=$(grep -E "$summary_re" "$log" | tail -n 1) || true
if [ -n "$summary" ]; then
	echo "$summary"
else
	echo "$PROG: run-suite.sh printed no summary: see $log" >&2
	[ "$rc" != 0 ] || rc=1
fi
exit "$rc"
