#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every test of the project, as `make check` runs it once everything is
# built: host unit tests, the in-tree build check, and the QEMU guest suites
# (guest: the driver; carve: the daxctl lifecycle on a 2 GiB BAR; memtype:
# the memory type of user mappings, read from the page tables; stress:
# 100 bind/unbind and create/destroy cycles; p2p: the P2P ioctls and sysfs on
# a PCIe switch topology, and their race with teardown; p2p-iommu: the route
# report behind an emulated Intel IOMMU; daxmap: every daxmap command;
# consumers: fio, io_uring, NVMe passthrough and RDMA on BAR buffers) on
# every installed target kernel. Each part prints
# TAP and its own "N passed, N failed" line; this prints them as they come,
# then the sum as the last line. Exit status 0 only if every part ran and
# nothing failed.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
make=${MAKE:-make}
log=$build/check
mkdir -p "$log"

passed=0 failed=0 skipped=0 broken=

part() {
	name=$1
	shift
	echo "# ---- $name"
	"$@" 2>&1 | tee "$log/$name.log"
	# The exit status of "$@" is lost in the pipe: the part's own summary
	# line is what counts, and a part without one failed.
	summary=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log/$name.log" | tail -n 1)
	if [ -z "$summary" ]; then
		echo "not ok - $name printed no summary: see $log/$name.log"
		broken="$broken $name"
		return
	fi
	set -- $(echo "$summary" | sed -E 's/^[A-Za-z]+: //; s/[^0-9]+/ /g')
	passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + ${3:-0}))
}

part unit $make -s -C "$root/tests/unit" O="$build/tests" check
part intree env BUILD="$build" "$root/scripts/intree-check.sh"
guest_suite() {
	suite=$1
	shift
	env P2PDAX_BUILD="$build" "$root/tests/qemu/run-suite.sh" --suite "$root/tests/$suite" \
		--module-dir "$build" --bin "$build/tests/guest" --bin "$build/tests/tools" \
		--bin "$build/tests/daxmap" "$@"
}
part guest guest_suite guest
part carve guest_suite carve --bar-size 2G
part memtype guest_suite memtype --bar-size 2G
part stress guest_suite stress
part p2p guest_suite p2p
part p2p-iommu guest_suite p2p-iommu
part daxmap guest_suite daxmap
part consumers guest_suite consumers

[ -z "$broken" ] || failed=$((failed + 1))
echo "# parts: unit, intree, guest, carve, memtype, stress, p2p, p2p-iommu, daxmap, consumers${broken:+ (no summary from:$broken)}"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
