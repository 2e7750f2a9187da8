#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax P2P suite: the ABI of include/uapi/linux/p2pdax.h and the p2pdax
# sysfs attributes, on the "switch" topology of tests/qemu/run-vm.sh (this
# directory's file "topology"). Runs as /tests/run.sh in the QEMU guest,
# prints TAP:
#
#   a) topology: ivshmem (1af4:1110) and the NVMe controller with serial
#      p2pdaxnvme below two downstream ports of one PCIe switch, the one
#      with serial p2pdaxnvme2 below another root port; BARs assigned;
#   b) sysfs: p2pdax/{bar,caching,prefetchable,persistent,bus_address} of the
#      PCI function, p2pdax/{offset,bus_address} of each dax device, before
#      and after daxctl carves a second device; what nobody may read;
#   c) p2ptool info and resolve: BAR offsets and bus addresses as lspci and
#      sysfs give them; data written there is checked by host-post.sh;
#   d) p2ptool route: same-switch and root-complex routes, their ports, and
#      the ACS P2P Request/Completion Redirect bits as setpci sets them on
#      each port of a route that has ACS (in QEMU 7.2 only the root ports
#      have: the same-switch redirect check is a skip that says so);
#   e) no IOMMU in this machine: iommu=none (tests/p2p-iommu has one);
#   f) bus addresses are refused to nobody (EPERM), the rest is not;
#   g) p2pdax_abi_test (kselftest);
#   h) random ioctls (p2ptool fuzz) as root and as nobody, both on a mapped
#      device;
#   i) teardown race: fuzz, sysfs reads and p2ptool calls in the background
#      (race-loop.sh) while daxctl destroys and creates a device and the PCI
#      driver unbinds and binds; afterwards the same answers and data;
#   j) the persistent module parameter.
#
# Bus numbers are whatever the firmware gave out: every function is looked
# up by vendor/device, NVMe serial and sysfs parentage, never by address.

set -u
cd /tests || exit 1
. ./lib.sh
. ./p2plib.sh
. ./daxkernel.sh

M=$((1 << 20))

# Where host-post.sh finds what to check in bar.img (one comment line).
HOSTCHECK="# p2p-host-check:"
DATA_OFF=$((1 * M))	# offset in the carved device of the data written
DATA_LEN=$((64 << 10))
DATA_SEED=61

# ---------------------------------------------------------------- helpers

bind_iv() { echo "$IV" > $DRVDIR/bind; }
unbind_iv() { echo "$IV" > $DRVDIR/unbind; }

# ------------------------------------------------------------ a) topology

echo "# kernel $(uname -r)"
lspci -n -t | diag

IV=$(find_pci 0x1af4 0x1110) || { echo "Bail out! no ivshmem device (1af4:1110)"; exit 1; }
ok "ivshmem (1af4:1110) at $IV"

NVMES=
for d in $PCI/*; do
	if [ "$(cat "$d/vendor")" = 0x1b36 ] && [ "$(cat "$d/device")" = 0x0010 ]; then
		NVMES="$NVMES ${d##*/}"
	fi
done
NVMES=${NVMES# }
set -- $NVMES
expect_eq "two NVMe controllers (1b36:0010): $NVMES" $# 2

switch_nvmes
for v in "nvme p2pdaxnvme $NVME" "nvme2 p2pdaxnvme2 ${NVME2:-}"; do
	set -- $v
	if [ -n "${3:-}" ] && case " $NVMES " in *" $3 "*) true ;; *) false ;; esac; then
		ok "$1: the 1b36:0010 function $3 has serial $2"
	else
		not_ok "$1: a 1b36:0010 function with serial $2 (got '${3:-}')"
		ls -l /sys/class/nvme/ 2>&1 | diag
	fi
done
[ -n "$NVME" ] && [ -n "$NVME2" ] || { echo "Bail out! NVMe controllers missing"; exit 1; }

DS1=$(parent "$IV") DS2=$(parent "$NVME")
UP1=$(parent "$DS1") UP1B=$(parent "$DS2")
RP1=$(parent "$UP1")
RP2=$(parent "$NVME2")
echo "# ivshmem $IV below $DS1 < $UP1 < $RP1; nvme $NVME below $DS2 < $UP1B; nvme2 $NVME2 below $RP2"
if [ -n "$DS1" ] && [ -n "$DS2" ] && [ "$DS1" != "$DS2" ] && [ -n "$UP1" ] &&
	[ "$UP1" = "$UP1B" ] && [ "$(pcie_type "$DS1")" = 6 ] && [ "$(pcie_type "$DS2")" = 6 ] &&
	[ "$(pcie_type "$UP1")" = 5 ]; then
	ok "ivshmem and nvme below two downstream ports ($DS1, $DS2) of one switch (upstream port $UP1)"
else
	echo "Bail out! ivshmem and nvme are not below one PCIe switch: run with --topology switch"
	exit 1
fi
if [ -n "$RP1" ] && [ -n "$RP2" ] && [ "$RP1" != "$RP2" ] && [ -z "$(parent "$RP1")" ] &&
	[ -z "$(parent "$RP2")" ] && [ "$(pcie_type "$RP1")" = 4 ] && [ "$(pcie_type "$RP2")" = 4 ]; then
	ok "the switch below root port $RP1, nvme2 below another root port $RP2"
else
	not_ok "the switch below one root port, nvme2 below another (got '$RP1', '$RP2')"
fi

BAR=$(res_start "$IV" 2)
BAR_END=$(res_end "$IV" 2)
BAR_SIZE=$((BAR_END + 1 - BAR))
lspci -n -vv -s "$IV" | diag
if [ "$BAR" != 0 ] && [ $BAR_SIZE = $((256 * M)) ] && [ -n "$(lspci_bar "$IV" 2)" ]; then
	ok "ivshmem BAR2 assigned: $(hex $BAR), 256 MiB"
else
	not_ok "ivshmem BAR2 assigned (resource $(hex $BAR)-$(hex $BAR_END))"
fi
# A bridge's resources end with its four windows, the prefetchable one
# next to last: resource 15 where the kernel has SR-IOV (13 + 2), 9 where
# it has none (the kernel of upstream-check).
for b in "$DS1" "$UP1" "$RP1"; do
	w=$(($(wc -l <"$PCI/$b/resource") - 2))
	ws=$(res_start "$b" $w) we=$(res_end "$b" $w)
	if [ "$ws" -le "$BAR" ] && [ "$BAR_END" -le "$we" ]; then
		ok "BAR2 inside the prefetchable window of $b ($(hex $ws)-$(hex $we))"
	else
		not_ok "BAR2 inside the prefetchable window of $b ($(hex $ws)-$(hex $we))"
	fi
done
for n in "$NVME" "$NVME2"; do
	if [ "$(res_start "$n" 0)" != 0 ]; then
		ok "NVMe $n BAR0 assigned: $(hex "$(res_start "$n" 0)")"
	else
		not_ok "NVMe $n BAR0 assigned"
	fi
done
for b in $RP1 $UP1 $DS1 $DS2 $RP2; do
	echo "# ACS of $b: cap $(acs_reg "$b" 4 || echo none), control $(acs_reg "$b" 6 || echo none)"
done

# ------------------------------------------------------ b) bind and sysfs

if ! command -v p2ptool >/dev/null; then
	not_ok "p2ptool in /tests/bin (build tests/guest)"
	P2PTOOL=
else
	P2PTOOL=1
fi
# need_p2ptool DESC: skip DESC without p2ptool (already counted as a failure).
need_p2ptool() {
	[ -n "$P2PTOOL" ] && return 0
	skip "$1" "p2ptool missing"
	return 1
}
if as_nobody true 2>/dev/null; then
	SU=1
else
	SU=
	echo "# busybox su cannot run commands as nobody here"
fi

check "modprobe $DRV ids=1af4:1110" modprobe $DRV ids=1af4:1110
check "bound to $IV" wait_for 10 bound_to_us "$IV"
REGION=$(region_id "$IV") || { echo "Bail out! no dax region on $IV"; exit 1; }
DAX0=dax$REGION.0
check "/dev/$DAX0 ready" wait_for 10 dax_ready "$DAX0"
check "/dev/p2pdax, the control device, present" wait_for 10 test -c /dev/p2pdax

P2P=$PCI/$IV/p2pdax
sysfs_is "p2pdax/bar is 2" $P2P/bar 2
sysfs_is "p2pdax/prefetchable is 1" $P2P/prefetchable 1
sysfs_is "p2pdax/caching is write-combining" $P2P/caching write-combining
sysfs_is "p2pdax/persistent is 0" $P2P/persistent 0
mode_is "p2pdax/bus_address is mode 0400" $P2P/bus_address 400
LSPCI_BAR=$(lspci_bar "$IV" 2)
echo "# lspci: BAR2 of $IV at bus address 0x$LSPCI_BAR; resource file: $(hex $BAR)"
hexattr_is "p2pdax/bus_address is BAR2's bus address as lspci shows it (0x$LSPCI_BAR)" \
	$P2P/bus_address "0x${LSPCI_BAR:-none}"
hexattr_is "p2pdax/bus_address is BAR2's start in the resource file" $P2P/bus_address $BAR
D0=$DAXDEVS/$DAX0/p2pdax
sysfs_is "$DAX0/p2pdax/offset is 0x0" $D0/offset 0x0
mode_is "$DAX0/p2pdax/offset is mode 0400" $D0/offset 400
mode_is "$DAX0/p2pdax/bus_address is mode 0400" $D0/bus_address 400
hexattr_is "$DAX0/p2pdax/bus_address is the BAR's" $D0/bus_address $BAR

if need_p2ptool "p2ptool info $DAX0"; then
	p2p /tmp/info0 info "$DAX0" --addr
	expect "p2ptool info $DAX0 --addr" /tmp/info0 size=120 region=$REGION dev=0 \
		pci="$IV" bar=2 caching=wc prefetchable=1 persistent=0 nr_ranges=1 \
		dev_size=$BAR_SIZE align="$(cat $DAXDEVS/$DAX0/align)" bar_size=$BAR_SIZE \
		bar_offset=0 bus_addr=$BAR bar_bus_addr=$BAR
fi

# Carve: dax0.0 shrunk to 64M, a second 64M device after it.
check "daxctl disable-device $DAX0" daxctl disable-device "$DAX0"
check "daxctl reconfigure-device -s 64M $DAX0" daxctl reconfigure-device -s 64M "$DAX0"
check "daxctl enable-device $DAX0" daxctl enable-device "$DAX0"
DAX1=
check "daxctl create-device -r $REGION -s 64M" dax_create DAX1 64M
diag /tmp/run.out
if [ -z "$DAX1" ] || ! wait_for 10 dax_ready "$DAX1"; then
	echo "Bail out! no second dax device"
	exit 1
fi
DAX1_ID=${DAX1#*.}
DAX1_OFF=$(($(cat $DAXDEVS/$DAX1/resource) - BAR))
D1=$DAXDEVS/$DAX1/p2pdax
echo "# $DAX1 at BAR offset $(hex $DAX1_OFF)"
hexattr_is "$DAX1/p2pdax/offset is its resource - BAR start ($(hex $DAX1_OFF))" $D1/offset $DAX1_OFF
hexattr_is "$DAX1/p2pdax/bus_address is BAR + offset" $D1/bus_address $((BAR + DAX1_OFF))
hexattr_is "$DAX0/p2pdax/offset still 0x0" $D0/offset 0
if need_p2ptool "p2ptool info $DAX1"; then
	p2p /tmp/info1 info "$DAX1" --addr
	expect "p2ptool info $DAX1 --addr: its offset, size and bus address" /tmp/info1 \
		region=$REGION dev=$DAX1_ID pci="$IV" bar=2 nr_ranges=1 dev_size=$((64 * M)) \
		bar_size=$BAR_SIZE bar_offset=$DAX1_OFF bus_addr=$((BAR + DAX1_OFF)) bar_bus_addr=$BAR
	p2p /tmp/info0 info "$DAX0"
	expect "p2ptool info $DAX0 after the carve" /tmp/info0 dev_size=$((64 * M)) bar_offset=0
fi

# What nobody may read: everything but the bus addresses.
if [ -n "$SU" ]; then
	nobody_denied "p2pdax/bus_address" $P2P/bus_address
	nobody_denied "$DAX1/p2pdax/bus_address" $D1/bus_address
	nobody_denied "$DAX1/p2pdax/offset" $D1/offset
	got=$(as_nobody "cat $P2P/bar $P2P/caching" 2>&1 | tr '\n' ' ')
	expect_eq "nobody reads p2pdax/bar and caching" "$got" "2 write-combining "
else
	skip "sysfs as nobody" "busybox su cannot run commands as nobody"
fi

# ------------------------------------------------------------- c) resolve

if need_p2ptool "p2ptool resolve"; then
	check "daxtool fill /dev/$DAX1 at $(hex $DATA_OFF) (seed $DATA_SEED)" \
		daxtool fill "/dev/$DAX1" $DATA_OFF $DATA_LEN $DATA_SEED
	p2p /tmp/res resolve "$DAX1" $DATA_OFF $DATA_LEN --addr
	expect "resolve $DAX1+$(hex $DATA_OFF), $(hex $DATA_LEN) bytes: bus address = lspci BAR + device offset + offset" \
		/tmp/res region=$REGION dev=$DAX1_ID pci="$IV" bar=2 \
		bar_offset=$((DAX1_OFF + DATA_OFF)) contig=$DATA_LEN \
		bus_addr=$((0x${LSPCI_BAR:-0} + DAX1_OFF + DATA_OFF))
	got=$(val /tmp/res bar_offset)
	if is_num "$got"; then
		# host-post.sh: the pattern written at device offset DATA_OFF is
		# at file offset bar_offset in bar.img.
		echo "$HOSTCHECK dev_off=$(hex $DATA_OFF) bar_offset=$(hex "$got") len=$(hex $DATA_LEN) seed=$DATA_SEED"
	fi
	at=$((5 * M + 0x123))
	p2p /tmp/res resolve "$DAX1" $at 0x1000 --addr
	expect "resolve an unaligned byte, $DAX1+$(hex $at)" /tmp/res \
		bar_offset=$((DAX1_OFF + at)) contig=0x1000 bus_addr=$((BAR + DAX1_OFF + at))
	p2p /tmp/res resolve "$DAX1" 0 $((64 * M))
	expect "resolve all of $DAX1: one contiguous piece" /tmp/res \
		bar_offset=$DAX1_OFF contig=$((64 * M)) bus_addr=-
	at=$((3 * M))
	p2p /tmp/res resolve "$DAX0" $at 0x2000 --addr
	expect "resolve $DAX0+$(hex $at)" /tmp/res dev=0 bar_offset=$at contig=0x2000 bus_addr=$((BAR + at))
	refused_with "resolve across the end of $DAX1's mapping" EINVAL /tmp/res \
		resolve "$DAX1" $((64 * M - 4096)) 8192
fi

# A mapping outlives its device: RESOLVE of it says ENXIO once the device
# is disabled, and still once it is destroyed (its node gone from the bus).
if need_p2ptool "resolve after the device went away"; then
	GONE=
	if dax_create GONE 32M; then
		refused_with "resolve of a mapping of $GONE after disable-device" ENXIO \
			/tmp/res resolve "$GONE" 0 4096 --after "daxctl disable-device $GONE"
		check "daxctl enable-device $GONE" daxctl enable-device "$GONE"
		refused_with "resolve of a mapping of $GONE after destroy-device" ENXIO \
			/tmp/res resolve "$GONE" 0 4096 \
			--after "daxctl disable-device $GONE && daxctl destroy-device $GONE"
		check "$GONE is gone" fails test -e "$DAXDEVS/$GONE"
	else
		not_ok "create a scratch device for the resolve-after-teardown checks"
		diag /tmp/run.out
	fi
fi

# ------------------------------------------------------------- d) routes

# acs_try NAME PEER PORT BITS WANT: set BITS in PORT's ACS Control, check
# the route to PEER reports redirect WANT (0 or 1) there, restore.
acs_try() {
	a_orig=$(acs_reg "$3" 6)
	setpci -s "$3" "ECAP_ACS+6.w=$(printf %04x $((0x$a_orig | $4)))"
	a_rb=$(acs_reg "$3" 6)
	p2p /tmp/acs route "$REGION" "$2"
	expect "$1: ACS Control of $3 = 0x$a_rb: acs_redirect=$5" /tmp/acs acs_redirect=$5
	expect_port "$1: port $3 redirect=$5, acs_ctrl=0x$a_rb as setpci reads it" /tmp/acs "$3" \
		redirect=$5 acs_ctrl=0x$a_rb
	setpci -s "$3" "ECAP_ACS+6.w=$a_orig"
}

# acs_redirect NAME PEER: the P2P Redirect bits on each port of the route to
# PEER that has ACS; a skip if none has.
acs_redirect() {
	p2p /tmp/acs0 route "$REGION" "$2"
	a_ports=
	for pt in $(ports /tmp/acs0); do
		[ "$(port_val /tmp/acs0 "$pt" acs)" != 1 ] || a_ports="$a_ports $pt"
	done
	if [ -z "$a_ports" ]; then
		skip "$1: ACS P2P Request/Completion Redirect" \
			"no port on the path ($(ports /tmp/acs0)) has an ACS capability (QEMU 7.2 gives one to pcie-root-port, not to the xio3130 switch ports)"
		return
	fi
	for pt in $a_ports; do
		acs_try "$1" "$2" "$pt" 0x04 1
		acs_try "$1" "$2" "$pt" 0x08 1
		acs_try "$1" "$2" "$pt" 0x0c 1
		acs_try "$1" "$2" "$pt" 0x01 0
		p2p /tmp/acs route "$REGION" "$2"
		expect "$1: ACS Control of $pt restored: acs_redirect=0" /tmp/acs acs_redirect=0
		expect_port "$1: port $pt redirect=0 again" /tmp/acs "$pt" redirect=0 \
			acs_ctrl="0x$(acs_reg "$pt" 6)"
	done
}

if need_p2ptool "p2ptool route"; then
	p2p /tmp/route1 route "$REGION" "$NVME"
	diag /tmp/route1
	expect "route to nvme $NVME: same-switch, no redirect, no IOMMU" /tmp/route1 \
		type=same-switch acs_redirect=0 translated=0 iommu=none nr_ports=3 truncated=0
	expect_eq "route to nvme: ports ds1, up1, ds2" "$(ports /tmp/route1)" "$DS1 $UP1 $DS2"
	expect_port "route to nvme: $DS1 downstream, bar side" /tmp/route1 "$DS1" \
		pcie_type=downstream-port common=0 side=bar
	expect_port "route to nvme: $UP1 upstream, the common bridge" /tmp/route1 "$UP1" \
		pcie_type=upstream-port common=1
	expect_port "route to nvme: $DS2 downstream, peer side" /tmp/route1 "$DS2" \
		pcie_type=downstream-port common=0 side=peer
	check_ports "route to nvme" /tmp/route1

	p2p /tmp/route2 route "$REGION" "$NVME2"
	diag /tmp/route2
	expect "route to nvme2 $NVME2: root-complex, no redirect, no IOMMU" /tmp/route2 \
		type=root-complex acs_redirect=0 translated=0 iommu=none nr_ports=4 truncated=0
	expect_eq "route to nvme2: ports ds1, up1, rp1, rp2" "$(ports /tmp/route2)" "$DS1 $UP1 $RP1 $RP2"
	expect_port "route to nvme2: $RP1 root port, bar side" /tmp/route2 "$RP1" \
		pcie_type=root-port common=0 side=bar
	expect_port "route to nvme2: $RP2 root port, peer side" /tmp/route2 "$RP2" \
		pcie_type=root-port common=0 side=peer
	check "route to nvme2: no common bridge" fails grep -q '^port=.*common=1' /tmp/route2
	check_ports "route to nvme2" /tmp/route2

	p2p /tmp/route3 route "$REGION" "$IV"
	expect "route to the BAR's own function: same-function" /tmp/route3 type=same-function nr_ports=0

	# The kernel's own P2PDMA verdict, only where it has CONFIG_PCI_P2PDMA
	# (Debian's 7.3 and the kernel of upstream-check; its symbols say so):
	# the same-switch pair at distance 4 (ivshmem up to the upstream
	# port: 2 hops; the nvme up to it: 2); the pair that meets in the root
	# complex refused, as q35's host bridge is on no list of the kernel's,
	# nor is the TCG CPU (-cpu max: no AMD Zen).
	if grep -q ' pci_p2pdma_distance_many$' /proc/kallsyms; then
		expect "route to nvme: the kernel's P2PDMA lets the pair talk, distance 4" \
			/tmp/route1 p2pdma=1 p2pdma_refused=0 p2pdma_distance=4
		expect "route to nvme2: the kernel's P2PDMA refuses the pair (host bridge)" \
			/tmp/route2 p2pdma=1 p2pdma_refused=1 p2pdma_distance=0
		expect "route to the BAR's own function: the kernel's P2PDMA, distance 0" \
			/tmp/route3 p2pdma=1 p2pdma_refused=0 p2pdma_distance=0
	else
		expect "route to nvme: no P2PDMA verdict without CONFIG_PCI_P2PDMA" /tmp/route1 \
			p2pdma=0 p2pdma_refused=0 p2pdma_distance=0
	fi
	refused "route to a function that does not exist is refused" /tmp/route4 \
		route "$REGION" 0000:ff:1f.7

	acs_redirect "route to nvme (same switch)" "$NVME"
	acs_redirect "route to nvme2 (root complex)" "$NVME2"
	# A redirect above the switch is not on the same-switch path.
	if a_orig=$(acs_reg "$RP1" 6); then
		setpci -s "$RP1" "ECAP_ACS+6.w=$(printf %04x $((0x$a_orig | 0x0c)))"
		p2p /tmp/acs route "$REGION" "$NVME"
		expect "P2P Redirect on $RP1, above the switch: the same-switch route still has acs_redirect=0" \
			/tmp/acs acs_redirect=0
		setpci -s "$RP1" "ECAP_ACS+6.w=$a_orig"
	else
		skip "P2P Redirect above the switch" "$RP1 has no ACS capability"
	fi
fi

# ---------------------------------------------------------------- e) IOMMU

# The routes above said iommu=none; this machine has no vIOMMU at all.
check "no IOMMU groups in this machine (no vIOMMU)" \
	sh -c '[ -z "$(ls /sys/kernel/iommu_groups 2>/dev/null)" ]'

# ------------------------------------------------------------ f) nobody

if need_p2ptool "p2ptool as nobody"; then
	p2p /tmp/nb info "$DAX1" --nobody
	expect "info $DAX1 --nobody: works, no bus address" /tmp/nb \
		bar_offset=$DAX1_OFF pci="$IV" bus_addr=- bar_bus_addr=-
	refused_with "info $DAX1 --nobody --addr" EPERM /tmp/nb info "$DAX1" --nobody --addr
	p2p /tmp/nb resolve "$DAX1" $DATA_OFF $DATA_LEN --nobody
	expect "resolve $DAX1 --nobody: works, no bus address" /tmp/nb \
		bar_offset=$((DAX1_OFF + DATA_OFF)) contig=$DATA_LEN bus_addr=-
	refused_with "resolve $DAX1 --nobody --addr" EPERM /tmp/nb resolve "$DAX1" $DATA_OFF $DATA_LEN --nobody --addr
	p2p /tmp/nb route "$REGION" "$NVME" --nobody
	expect "route --nobody: works" /tmp/nb type=same-switch nr_ports=3
fi

# ------------------------------------------------------ g) kselftest ABI

if ! command -v p2pdax_abi_test >/dev/null; then
	not_ok "p2pdax_abi_test in /tests/bin (build tests/guest)"
else
	P2PDAX_DEV=$DAX0 p2pdax_abi_test >/tmp/abi.tap 2>&1
	rc=$?
	sed -E -n 's/^(not ok|ok) [0-9]+ (.*)$/\1 - p2pdax_abi_test: \2/p' /tmp/abi.tap
	grep -vE '^(not ok|ok) [0-9]+ ' /tmp/abi.tap | diag
	summary=$(grep '^# Totals:' /tmp/abi.tap)
	if [ $rc = 0 ]; then
		ok "p2pdax_abi_test on $DAX0 exits 0: ${summary#\# }"
	else
		not_ok "p2pdax_abi_test on $DAX0 exits 0 (exit $rc, ${summary#\# })"
	fi
fi

# ---------------------------------------------------------------- h) fuzz

# kernel_errnos FILE: the errno names of a fuzz report that the kernel must
# never return to user space (ERESTARTSYS, ENOIOCTLCMD, ENOTSUPP, ...: 512
# and up, which p2ptool names) or that p2ptool could not name (EOTHER).
kernel_errnos() {
	sed -n 's/^errno_\(E[A-Z_]*\)=.*/\1/p' "$1" | grep -xE \
		'ERESTART[A-Z_]*|ENOIOCTLCMD|EPROBE_DEFER|EOPENSTALE|ENOPARAM|EBADHANDLE|ENOTSYNC|EBADCOOKIE|ENOTSUPP|ETOOSMALL|ESERVERFAULT|EBADTYPE|EJUKEBOX|EIOCBQUEUED|ERECALLCONFLICT|EOTHER|E[0-9]+' |
		tr '\n' ' '
}

# fuzz DESC N ARGS...: p2ptool fuzz N ARGS completes all N calls, and no
# call got an errno the kernel keeps to itself. With a device (the last
# argument a daxX.Y), some RESOLVE calls must have succeeded.
fuzz() {
	f_desc=$1 f_n=$2
	shift 2
	f_t0=$(date +%s)
	p2p /tmp/fuzz fuzz "$f_n" --seed $SEED "$@"
	f_rc=$?
	diag /tmp/fuzz /tmp/fuzz.err
	f_calls=$(val /tmp/fuzz calls)
	f_ok=$(val /tmp/fuzz ok) f_res=$(val /tmp/fuzz ok_resolve)
	f_bad=$(kernel_errnos /tmp/fuzz)
	eval "f_dev=\${$#}"
	case $f_dev in dax*) ;; *) f_dev= ;; esac
	if [ $f_rc = 0 ] && [ "$f_calls" = "$f_n" ] && [ -z "$f_bad" ] &&
		{ [ -z "$f_dev" ] || [ "${f_res:-0}" -gt 0 ]; }; then
		ok "$f_desc: calls=$f_calls ok=$f_ok (resolve: $f_res) in $(($(date +%s) - f_t0)) s"
	else
		not_ok "$f_desc (exit $f_rc, calls=${f_calls:-<none>}, ok=${f_ok:-<none>}, resolve ok=${f_res:-<none>}${f_bad:+, kernel-internal errnos: $f_bad})"
	fi
}

if need_p2ptool "p2ptool fuzz"; then
	# A new seed each run, printed to repeat it.
	SEED=$(date +%s)
	echo "# fuzz seed $SEED"
	fuzz "fuzz 100000 as root on $DAX1" 100000 "$DAX1"
	fuzz "fuzz 20000 as nobody on $DAX1" 20000 --nobody "$DAX1"
	p2p /tmp/info1 info "$DAX1" --addr
	expect "after the fuzz: info $DAX1 unchanged" /tmp/info1 \
		bar_offset=$DAX1_OFF dev_size=$((64 * M)) bus_addr=$((BAR + DAX1_OFF))
	check "after the fuzz: the data in $DAX1 intact" \
		daxtool check "/dev/$DAX1" $DATA_OFF $DATA_LEN $DATA_SEED
fi

# ------------------------------------------------------ i) teardown race

# The ioctls and the p2pdax attributes read the state of dax devices that
# can go away under them. In the background: a fuzz on a mapped device, and
# loops of sysfs reads and p2ptool calls as root and as nobody
# (race-loop.sh). In the foreground: daxctl destroys and creates a carved
# device RACE_CREATE times, then the PCI driver unbinds and binds RACE_BIND
# times, each time with a fresh fuzz mapping the region's device just before
# the unbind (RESOLVE's success path against the teardown). Every background
# job must end when told (a task stuck in the kernel would not), no ioctl may
# return an errno the kernel keeps to itself, and afterwards the carve done
# again must give the same offsets, addresses and data, with nothing left
# behind. The console check fails the run on any splat.
RACE_CREATE=10
RACE_BIND=5
RACE_WAIT=20		# s, for one operation, or for a job to end
RACE_N=1000000000000	# fuzz calls: the fuzz runs until stopped

# bounded CMD...: CMD, killed after RACE_WAIT s.
bounded() { timeout -s KILL $RACE_WAIT "$@"; }
unbound() { [ ! -e "$PCI/$IV/driver" ]; }
dax_gone() { [ ! -e "$DAXDEVS/$1" ] && [ ! -e "/dev/$1" ]; }
maps_dev() { grep -q " /dev/$2\$" "/proc/$1/maps" 2>/dev/null; }

# race_fuzz_start OUT DEV [--nobody]: a fuzz of DEV in the background, $fz
# its pid once it has DEV mapped (false if it does not map it in time).
race_fuzz_start() {
	p2ptool fuzz $RACE_N --seed $SEED "$2" ${3:-} > "$1" 2>&1 &
	fz=$!
	wait_for $RACE_WAIT maps_dev $fz "$2"
}

# race_stop PID: wait RACE_WAIT s for PID to end (SIGKILL then) and set
# r_rc to its exit status, r_late to 1 if it had to be killed.
race_stop() {
	r_late=0
	if ! wait_for $RACE_WAIT exited "$1"; then
		r_late=1
		kill -9 "$1" 2>/dev/null
	fi
	wait "$1"
	r_rc=$?
}

# race_fuzz_stop DESC PID OUT: stop a fuzz with SIGTERM; it must end in time
# with its report and no kernel-internal errno. Adds its calls to fz_calls
# and fz_res, and its report line to fz_lines.
race_fuzz_stop() {
	kill -TERM "$2" 2>/dev/null
	race_stop "$2"
	f_calls=$(val "$3" calls) f_ok=$(val "$3" ok) f_res=$(val "$3" ok_resolve)
	f_bad=$(kernel_errnos "$3")
	if [ $r_late = 0 ] && [ $r_rc = 0 ] && [ "$(val "$3" stopped)" = 1 ] &&
		[ -z "$f_bad" ] && [ "${f_calls:-0}" -gt 0 ]; then
		fz_calls=$((fz_calls + f_calls)) fz_res=$((fz_res + f_res))
		fz_lines="$fz_lines $f_calls/$f_ok/$f_res"
		return 0
	fi
	not_ok "$1: the fuzz ends on SIGTERM within $RACE_WAIT s with its report (killed: $r_late, exit $r_rc, calls=${f_calls:-<none>}${f_bad:+, kernel-internal errnos: $f_bad})"
	diag "$3"
	return 1
}

# race_loop_check DESC PID OUT: a race-loop.sh job ends once told, having
# run, and every ioctl it saw fail said ENODEV, ENXIO or EINVAL (the device,
# region or mapping gone) or "none" (resolve could not open the device).
race_loop_check() {
	race_stop "$2"
	l_sum=$(head -n 1 "$3" 2>/dev/null)
	l_odd=$(sed -n 's/^error=\([^ ]*\) .*/\1/p' "$3" 2>/dev/null |
		grep -vxE 'ENODEV|ENXIO|EINVAL|none' | tr '\n' ' ')
	l_rounds=$(echo "$l_sum" | sed -n 's/^rounds=\([0-9]*\) .*/\1/p')
	if [ $r_late = 0 ] && [ $r_rc = 0 ] && [ "${l_rounds:-0}" -gt 0 ] && [ -z "$l_odd" ]; then
		ok "$1: ended when told; $l_sum$(sed -n 's/^error=\(.*\) \(.*\)/, \2 \1/p' "$3" | tr -d '\n')"
	else
		not_ok "$1: ended when told within $RACE_WAIT s (killed: $r_late, exit $r_rc), ran, failures only ENODEV/ENXIO/EINVAL${l_odd:+ (got: $l_odd)}"
		diag "$3"
	fi
}

# stuck_tasks: the names of the processes in uninterruptible sleep (D),
# kernel threads (children of kthreadd, pid 2) left out.
stuck_tasks() {
	for st in /proc/[0-9]*/status; do
		awk '/^Name:/ { n = $2 } /^State:/ { s = $2 } /^PPid:/ { p = $2 }
		     END { if (s == "D" && p != 2 && p != 0) print n }' "$st" 2>/dev/null
	done | tr '\n' ' '
}

# iomem_claims: the driver's claims and device-dax's, one word each.
iomem_claims() {
	sed -n 's/.* : \(dax_pci_p2p\|dax[0-9]*\.[0-9]*\)$/\1/p' /proc/iomem | sort | tr '\n' ' '
}

if need_p2ptool "teardown race"; then
	race_t0=$(date +%s)
	refcnt0=$(cat /sys/module/$DRV/refcnt)
	claims0=$(iomem_claims)
	devs0=$(ls $DAXDEVS | tr '\n' ' ')
	echo "# race: before: module refcnt $refcnt0, /proc/iomem claims: $claims0, dax devices: $devs0"
	rm -f /tmp/race.*
	: > /tmp/race.phase
	fz_calls=0 fz_res=0 fz_lines=''
	race_ok=1

	race_fuzz_start /tmp/race.fz0 "$DAX1" || {
		not_ok "race: a fuzz maps $DAX1 (within $RACE_WAIT s)"
		diag /tmp/race.fz0
	}
	fz0=$fz
	sh ./race-loop.sh /tmp/race.stop /tmp/race.root /tmp/race.phase /tmp/race.ack.root \
		"$IV" "$NVME" "$DAX1" > /tmp/race.root.log 2>&1 &
	lr=$!
	ln=
	if [ -n "$SU" ]; then
		chmod 644 /tmp/race.phase
		su -s /bin/sh nobody -c "sh /tests/race-loop.sh /tmp/race.stop /tmp/race.nobody \
			/tmp/race.phase /tmp/race.ack.nobody $IV $NVME2" > /tmp/race.nobody.log 2>&1 &
		ln=$!
	fi
	wait_for $RACE_WAIT test -s /tmp/race.ack.root

	# Destroy and create a carved device under the loops' feet.
	c_fail='' c_done=0
	while [ -z "$c_fail" ] && [ $c_done -lt $RACE_CREATE ]; do
		i=$((c_done + 1))
		if ! bounded daxctl create-device -r "$REGION" -s 32M > /tmp/race.op 2>&1; then
			c_fail="cycle $i: create-device: $(cat /tmp/race.op)"
			break
		fi
		DAX2=$(sed -n 's/.*"chardev":"\(dax[0-9.]*\)".*/\1/p' /tmp/race.op | head -n 1)
		if [ -z "$DAX2" ] || ! wait_for $RACE_WAIT dax_ready "$DAX2"; then
			c_fail="cycle $i: no device ready after create-device: $(cat /tmp/race.op)"
		elif ! bounded daxctl disable-device "$DAX2" > /tmp/race.op 2>&1; then
			c_fail="cycle $i: disable-device $DAX2: $(cat /tmp/race.op)"
		elif ! bounded daxctl destroy-device "$DAX2" > /tmp/race.op 2>&1; then
			c_fail="cycle $i: destroy-device $DAX2: $(cat /tmp/race.op)"
		elif ! wait_for $RACE_WAIT dax_gone "$DAX2"; then
			c_fail="cycle $i: $DAX2 still there after destroy-device"
		else
			c_done=$i
		fi
	done
	if [ -z "$c_fail" ]; then
		ok "race: $RACE_CREATE cycles of daxctl create-device, disable-device, destroy-device of a 32 MiB $DAX2 in region $REGION"
	else
		not_ok "race: $RACE_CREATE cycles of create/disable/destroy-device ($c_done done; $c_fail)"
		race_ok=
	fi

	# No more mapping by the loops from here on; the root loop says when
	# its rounds of the last phase are over.
	echo nomap > /tmp/race.phase
	wait_for $RACE_WAIT grep -qx nomap /tmp/race.ack.root ||
		echo "# race: the root loop did not see phase nomap within $RACE_WAIT s"

	# Unbind and bind the PCI function, each time with a fresh fuzz on the
	# region's first device, mapped before the unbind.
	b_fail='' b_done=0
	while [ -z "$b_fail" ] && [ $b_done -lt $RACE_BIND ]; do
		i=$((b_done + 1))
		if ! race_fuzz_start "/tmp/race.fz$i" "$DAX0"; then
			b_fail="cycle $i: no fuzz mapping $DAX0 within $RACE_WAIT s"
			kill -TERM $fz 2>/dev/null
			race_stop $fz
			break
		fi
		if ! bounded sh -c "echo $IV > $DRVDIR/unbind" 2> /tmp/race.op; then
			b_fail="cycle $i: unbind: $(cat /tmp/race.op)"
		elif ! unbound || ! wait_for $RACE_WAIT dax_gone "$DAX0"; then
			b_fail="cycle $i: $IV still bound or $DAX0 still there after unbind"
		elif ! bounded sh -c "echo $IV > $DRVDIR/bind" 2> /tmp/race.op; then
			b_fail="cycle $i: bind: $(cat /tmp/race.op)"
		elif ! bound_to_us "$IV" || ! REGION=$(region_id "$IV"); then
			b_fail="cycle $i: $IV not bound to $DRV with a region after bind"
		else
			DAX0=dax$REGION.0
			wait_for $RACE_WAIT dax_ready "$DAX0" ||
				b_fail="cycle $i: /dev/$DAX0 not ready after bind"
		fi
		race_fuzz_stop "race: unbind/bind cycle $i" $fz "/tmp/race.fz$i" || race_ok=
		[ -n "$b_fail" ] || b_done=$i
	done
	if [ -z "$b_fail" ]; then
		ok "race: $RACE_BIND cycles of PCI unbind/bind of $IV, each with a fuzz mapping the device until the unbind"
	else
		not_ok "race: $RACE_BIND cycles of PCI unbind/bind ($b_done done; $b_fail)"
		race_ok=
	fi

	# Stop the rest: the first fuzz, then the loops.
	race_fuzz_stop "race: the fuzz on $DAX1" $fz0 /tmp/race.fz0 || race_ok=
	touch /tmp/race.stop
	race_loop_check "race: the root loop (sysfs, info, route, resolve)" $lr /tmp/race.root
	if [ -n "$ln" ]; then
		race_loop_check "race: the nobody loop (sysfs, info, route)" $ln /tmp/race.nobody
	else
		skip "race: the nobody loop" "busybox su cannot run commands as nobody"
	fi
	expect_eq "race: fuzz processes stopped by SIGTERM, each with its report (calls/ok/resolve ok:$fz_lines)" \
		"$(echo $fz_lines | wc -w)" $((RACE_BIND + 1))
	if [ "$fz_res" -gt 0 ]; then
		ok "race: the fuzzes made $fz_calls calls, $fz_res of them successful RESOLVEs of a mapped device"
	else
		not_ok "race: the fuzzes made successful RESOLVEs of a mapped device ($fz_calls calls, none)"
	fi
	got=$(stuck_tasks)
	expect_eq "race: no task in uninterruptible sleep afterwards" "${got:-none}" none

	# The same carve again: the same offsets, addresses and data.
	check "race: daxctl disable-device $DAX0" bounded daxctl disable-device "$DAX0"
	check "race: daxctl reconfigure-device -s 64M $DAX0" bounded daxctl reconfigure-device -s 64M "$DAX0"
	check "race: daxctl enable-device $DAX0" bounded daxctl enable-device "$DAX0"
	DAX1=
	check "race: daxctl create-device -r $REGION -s 64M" dax_create DAX1 64M
	if [ -n "$DAX1" ] && wait_for $RACE_WAIT dax_ready "$DAX1"; then
		DAX1_ID=${DAX1#*.}
		hexattr_is "race: after: $DAX1/p2pdax/offset is $(hex $DAX1_OFF) again" \
			$DAXDEVS/$DAX1/p2pdax/offset $DAX1_OFF
		p2p /tmp/info1 info "$DAX1" --addr
		expect "race: after: info $DAX1 --addr as before" /tmp/info1 region=$REGION dev=$DAX1_ID \
			pci="$IV" bar=2 nr_ranges=1 dev_size=$((64 * M)) bar_size=$BAR_SIZE \
			bar_offset=$DAX1_OFF bus_addr=$((BAR + DAX1_OFF)) bar_bus_addr=$BAR
		p2p /tmp/res resolve "$DAX1" $DATA_OFF $DATA_LEN --addr
		expect "race: after: resolve $DAX1+$(hex $DATA_OFF) as before" /tmp/res \
			region=$REGION dev=$DAX1_ID bar_offset=$((DAX1_OFF + DATA_OFF)) contig=$DATA_LEN \
			bus_addr=$((BAR + DAX1_OFF + DATA_OFF))
		p2p /tmp/route1 route "$REGION" "$NVME"
		expect "race: after: route to nvme as before" /tmp/route1 type=same-switch nr_ports=3 iommu=none
		check "race: after: the data in $DAX1 intact" \
			daxtool check "/dev/$DAX1" $DATA_OFF $DATA_LEN $DATA_SEED
	else
		not_ok "race: after: a second device ready again"
		race_ok=
	fi
	got=$(cat /sys/module/$DRV/refcnt)
	expect_eq "race: after: module refcnt $refcnt0 as before (no file of /dev/p2pdax left open)" "$got" "$refcnt0"
	expect_eq "race: after: /proc/iomem claims as before" "$(iomem_claims)" "$claims0"
	expect_eq "race: after: dax devices as before" "$(ls $DAXDEVS | tr '\n' ' ')" \
		"$(echo "$devs0" | sed "s/dax[0-9]*\./dax$REGION./g")"
	echo "# race: $(($(date +%s) - race_t0)) s in all"
	diag /tmp/race.root.log /tmp/race.nobody.log 2>/dev/null
fi

# ---------------------------------------------------------- j) persistent

check "unbind $IV" unbind_iv
check "nothing bound" fails bound_to_us "$IV"
if [ -n "$P2PTOOL" ]; then
	refused "info $DAX0 after the unbind is refused" /tmp/gone info "$DAX0"
fi
check "persistent=1" sh -c "echo 1 > $PARAMS/persistent"
check "bind $IV again" bind_iv
REGION=$(region_id "$IV") || REGION=none
DAX0=dax$REGION.0
check "/dev/$DAX0 ready" wait_for 10 dax_ready "$DAX0"
sysfs_is "persistent=1: p2pdax/persistent is 1" $P2P/persistent 1
if need_p2ptool "p2ptool info, persistent=1"; then
	p2p /tmp/info0 info "$DAX0"
	expect "persistent=1: p2ptool info says persistent=1" /tmp/info0 persistent=1 prefetchable=1 caching=wc
fi

check "unbind $IV" unbind_iv
check "persistent=0" sh -c "echo 0 > $PARAMS/persistent"
check "bind $IV again" bind_iv
REGION=$(region_id "$IV") || REGION=none
DAX0=dax$REGION.0
check "/dev/$DAX0 ready" wait_for 10 dax_ready "$DAX0"
sysfs_is "persistent=0 again: p2pdax/persistent is 0" $P2P/persistent 0
if need_p2ptool "p2ptool info, persistent=0"; then
	p2p /tmp/info0 info "$DAX0"
	expect "persistent=0 again: p2ptool info says persistent=0" /tmp/info0 persistent=0
fi
