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
#   e) no IOMMU in this machine: iommu=none;
#   f) bus addresses are refused to nobody (EPERM), the rest is not;
#   g) p2pdax_abi_test (kselftest);
#   h) random ioctls (p2ptool fuzz) as root and as nobody;
#   i) the persistent module parameter.
#
# Bus numbers are whatever the firmware gave out: every function is looked
# up by vendor/device, NVMe serial and sysfs parentage, never by address.

set -u
cd /tests || exit 1
. ./lib.sh

M=$((1 << 20))
PCI=/sys/bus/pci/devices
DAXDEVS=/sys/bus/dax/devices

# Where host-post.sh finds what to check in bar.img (one comment line).
HOSTCHECK="# p2p-host-check:"
DATA_OFF=$((1 * M))	# offset in the carved device of the data written
DATA_LEN=$((64 << 10))
DATA_SEED=61

# ---------------------------------------------------------------- helpers

# run CMD...: CMD's output to /tmp/run.out, its exit status returned.
run() { "$@" >/tmp/run.out 2>&1; }

# as_nobody CMD: the shell command CMD as uid/gid 65534 (busybox su; its
# setpriv cannot change uids).
as_nobody() { su -s /bin/sh nobody -c "$1"; }

# is_num WORD: a decimal or 0x-prefixed hex number.
is_num() {
	case $1 in
	0x*) case ${1#0x} in '' | *[!0-9a-fA-F]*) return 1 ;; esac ;;
	'' | *[!0-9]*) return 1 ;;
	esac
}

# same A B: equal numbers (any base) or equal strings.
same() {
	if is_num "$1" && is_num "$2"; then
		[ $(($1)) = $(($2)) ]
	else
		[ "$1" = "$2" ]
	fi
}

hex() { printf '%#x' "$1"; }

# val FILE KEY: KEY's value in p2ptool output FILE (the per-port lines of a
# route excluded).
val() {
	grep -v '^port=' "$1" | tr ' \t' '\n\n' | sed -n "s/^$2=//p" | head -n 1
}

# port_val FILE BDF KEY: KEY's value on the port line of BDF.
port_val() {
	grep "^port=$2\([[:space:]]\|$\)" "$1" | head -n 1 | tr ' \t' '\n\n' |
		sed -n "s/^$3=//p" | head -n 1
}

# ports FILE: the BDFs of a route's port lines, in order, space-separated.
ports() {
	sed -n 's/^port=\([^[:space:]]*\).*/\1/p' "$1" | tr '\n' ' ' | sed 's/ $//'
}

# expect DESC FILE KEY=VALUE...: each KEY has VALUE in p2ptool output FILE
# (numbers compared as numbers); KEY=- means KEY is absent or zero.
expect() {
	e_desc=$1 e_file=$2
	shift 2
	e_bad=
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		got=$(val "$e_file" "$k")
		if [ "$v" = - ]; then
			[ -z "$got" ] || same "$got" 0 || e_bad="$e_bad $k=$got (want none)"
		elif ! same "$got" "$v"; then
			e_bad="$e_bad $k=${got:-<none>} (want $v)"
		fi
	done
	if [ -z "$e_bad" ]; then
		ok "$e_desc"
	else
		not_ok "$e_desc"
		echo "# got:$e_bad"
		diag "$e_file"
	fi
}

# expect_port DESC FILE BDF KEY=VALUE...: the same for one port line.
expect_port() {
	e_desc=$1 e_file=$2 e_bdf=$3
	shift 3
	e_bad=
	if ! grep -q "^port=$e_bdf\([[:space:]]\|$\)" "$e_file"; then
		e_bad=" no port line for $e_bdf"
	fi
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		got=$(port_val "$e_file" "$e_bdf" "$k")
		same "$got" "$v" || e_bad="$e_bad $k=${got:-<none>} (want $v)"
	done
	if [ -z "$e_bad" ]; then
		ok "$e_desc"
	else
		not_ok "$e_desc"
		echo "# got:$e_bad"
		diag "$e_file"
	fi
}

# expect_eq DESC GOT WANT
expect_eq() {
	if same "$2" "$3"; then
		ok "$1"
	else
		not_ok "$1"
		echo "# got '$2', want '$3'"
	fi
}

# p2p OUT ARGS...: p2ptool ARGS, stdout to OUT, stderr to OUT.err.
p2p() {
	p_out=$1
	shift
	p2ptool "$@" >"$p_out" 2>"$p_out.err"
}

# errname OUT: the error=NAME p2ptool printed (stdout or stderr).
errname() {
	cat "$1" "$1.err" >"$1.all"
	val "$1.all" error
}

# refused DESC OUT ARGS...: p2ptool ARGS exits 1 with some error=ENAME (an
# ioctl refused, not a usage error).
refused() {
	r_desc=$1 r_out=$2
	shift 2
	p2p "$r_out" "$@"
	r_rc=$?
	r_got=$(errname "$r_out")
	if [ $r_rc = 1 ] && [ -n "$r_got" ]; then
		ok "$r_desc: error=$r_got"
	else
		not_ok "$r_desc (exit $r_rc, error=${r_got:-<none>})"
		diag "$r_out" "$r_out.err"
	fi
}

# refused_with DESC ERRNAME OUT ARGS...: p2ptool ARGS exits 1 and prints
# error=ERRNAME.
refused_with() {
	r_desc=$1 r_err=$2 r_out=$3
	shift 3
	p2p "$r_out" "$@"
	r_rc=$?
	r_got=$(errname "$r_out")
	if [ $r_rc = 1 ] && [ "$r_got" = "$r_err" ]; then
		ok "$r_desc: error=$r_err"
	else
		not_ok "$r_desc: error=$r_err (exit $r_rc, error=${r_got:-<none>})"
		diag "$r_out" "$r_out.err"
	fi
}

# parent BDF: the PCI function BDF sits below, empty below a host bridge.
parent() {
	p=$(basename "$(dirname "$(readlink -f "$PCI/$1")")")
	case $p in
	pci*) ;;
	*) echo "$p" ;;
	esac
}

# pcie_type BDF: the PCIe device/port type (4 root port, 5 upstream, 6
# downstream), from the PCI Express capability.
pcie_type() {
	t=$(setpci -s "$1" CAP_EXP+2.w 2>/dev/null) || return 1
	echo $(((0x$t >> 4) & 0xf))
}

# acs_reg BDF OFF: ACS capability (4) or control (6) register, hex without
# 0x; fails without an ACS capability.
acs_reg() { setpci -s "$1" "ECAP_ACS+$2.w" 2>/dev/null; }

# res_start BDF INDEX / res_end: a line of the sysfs resource file.
res_start() { set -- $(sed -n "$(($2 + 1))p" "$PCI/$1/resource"); echo $(($1)); }
res_end() { set -- $(sed -n "$(($2 + 1))p" "$PCI/$1/resource"); echo $(($2)); }

# lspci_bar BDF N: the bus address of memory region N, as lspci reads it
# from the BAR (-b: bus-centric), hex without 0x.
lspci_bar() {
	lspci -n -b -vv -s "$1" |
		sed -n "s/^[[:space:]]*Region $2: Memory at \([0-9a-f]*\) .*/\1/p"
}

# sysfs_is DESC FILE VALUE: FILE reads exactly VALUE.
sysfs_is() {
	got=$(cat "$2" 2>&1)
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# $2: got '$got', want '$3'"
	fi
}

# hexattr_is DESC FILE VALUE: FILE reads 0x-prefixed hex equal to VALUE.
hexattr_is() {
	got=$(cat "$2" 2>&1)
	case $got in
	0x*) if same "$got" "$3"; then ok "$1"; return; fi ;;
	esac
	not_ok "$1"
	echo "# $2: got '$got', want $(hex "$3") (0x form)"
}

# mode_is DESC FILE MODE: FILE's permission bits are MODE (octal).
mode_is() {
	got=$(stat -c %a "$2" 2>&1)
	if [ "$got" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# $2: mode '$got', want $3"
	fi
}

# nobody_denied DESC FILE: root reads FILE, nobody gets EACCES.
nobody_denied() {
	if ! cat "$2" >/dev/null 2>&1; then
		not_ok "nobody cannot read $1 (root cannot either)"
	elif as_nobody "cat $2" >/tmp/nobody.out 2>&1; then
		not_ok "nobody cannot read $1"
		diag /tmp/nobody.out
	elif grep -q "Permission denied" /tmp/nobody.out; then
		ok "nobody cannot read $1 (Permission denied), root can"
	else
		not_ok "nobody cannot read $1: Permission denied"
		diag /tmp/nobody.out
	fi
}

# create VAR SIZE: daxctl create-device in $REGION; VAR gets the name.
create() {
	run daxctl create-device -r "$REGION" -s "$2" || return 1
	eval "$1=\$(sed -n 's/.*\"chardev\":\"\\(dax[0-9.]*\\)\".*/\\1/p' /tmp/run.out)"
	eval "[ -n \"\$$1\" ]"
}

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

modprobe nvme
# nvme_serial SERIAL: the PCI function of the controller with SERIAL (sysfs
# pads serials with blanks).
nvme_serial() {
	for c in /sys/class/nvme/nvme*; do
		[ -r "$c/serial" ] || continue
		s=$(sed 's/[[:space:]]*$//' "$c/serial")
		if [ "$s" = "$1" ]; then
			basename "$(readlink -f "$c/device")"
			return 0
		fi
	done
	return 1
}
wait_for 30 nvme_serial p2pdaxnvme >/dev/null
wait_for 30 nvme_serial p2pdaxnvme2 >/dev/null
NVME=$(nvme_serial p2pdaxnvme) || NVME=
NVME2=$(nvme_serial p2pdaxnvme2) || NVME2=
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
# Bridge resource 13+2: the prefetchable window.
for b in "$DS1" "$UP1" "$RP1"; do
	ws=$(res_start "$b" 15) we=$(res_end "$b" 15)
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
mode_is "$DAX0/p2pdax/offset is mode 0444" $D0/offset 444
mode_is "$DAX0/p2pdax/bus_address is mode 0400" $D0/bus_address 400
hexattr_is "$DAX0/p2pdax/bus_address is the BAR's" $D0/bus_address $BAR

if need_p2ptool "p2ptool info $DAX0"; then
	p2p /tmp/info0 info "$DAX0" --addr
	expect "p2ptool info $DAX0 --addr" /tmp/info0 version=1 region=$REGION dev=0 \
		pci="$IV" bar=2 caching=wc prefetchable=1 persistent=0 nr_ranges=1 \
		dev_size=$BAR_SIZE align="$(cat $DAXDEVS/$DAX0/align)" bar_size=$BAR_SIZE \
		bar_offset=0 bus_addr=$BAR bar_bus_addr=$BAR
fi

# Carve: dax0.0 shrunk to 64M, a second 64M device after it.
check "daxctl disable-device $DAX0" daxctl disable-device "$DAX0"
check "daxctl reconfigure-device -s 64M $DAX0" daxctl reconfigure-device -s 64M "$DAX0"
check "daxctl enable-device $DAX0" daxctl enable-device "$DAX0"
DAX1=
check "daxctl create-device -r $REGION -s 64M" create DAX1 64M
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
	got=$(as_nobody "cat $D1/offset" 2>&1)
	expect_eq "nobody reads $DAX1/p2pdax/offset" "$got" $DAX1_OFF
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

# ------------------------------------------------------------- d) routes

# check_ports NAME FILE: every port line's ACS fields as setpci reads them.
check_ports() {
	c_bad=
	for pt in $(ports "$2"); do
		cap=$(acs_reg "$pt" 4) || cap=
		if [ -n "$cap" ]; then
			want="acs=1 acs_cap=0x$cap acs_ctrl=0x$(acs_reg "$pt" 6)"
		else
			want="acs=0 acs_cap=0 acs_ctrl=0"
		fi
		for kv in $want; do
			k=${kv%%=*} v=${kv#*=}
			got=$(port_val "$2" "$pt" "$k")
			same "$got" "$v" || c_bad="$c_bad $pt $k=${got:-<none>} (want $v)"
		done
	done
	if [ -z "$c_bad" ]; then
		ok "$1: each port's acs, acs_cap and acs_ctrl as setpci reads them"
	else
		not_ok "$1: each port's acs, acs_cap and acs_ctrl as setpci reads them"
		echo "# got:$c_bad"
	fi
}

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
		pcie_type=downstream common=0 side=bar
	expect_port "route to nvme: $UP1 upstream, the common bridge" /tmp/route1 "$UP1" \
		pcie_type=upstream common=1
	expect_port "route to nvme: $DS2 downstream, peer side" /tmp/route1 "$DS2" \
		pcie_type=downstream common=0 side=peer
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

# fuzz DESC N ARGS...: p2ptool fuzz N ARGS completes all N calls.
fuzz() {
	f_desc=$1 f_n=$2
	shift 2
	f_t0=$(date +%s)
	p2p /tmp/fuzz fuzz "$f_n" --seed $SEED "$@"
	f_rc=$?
	diag /tmp/fuzz /tmp/fuzz.err
	f_calls=$(val /tmp/fuzz calls)
	if [ $f_rc = 0 ] && [ "$f_calls" = "$f_n" ]; then
		ok "$f_desc: calls=$f_calls in $(($(date +%s) - f_t0)) s"
	else
		not_ok "$f_desc (exit $f_rc, calls=${f_calls:-<none>})"
	fi
}

if need_p2ptool "p2ptool fuzz"; then
	# A new seed each run, printed to repeat it.
	SEED=$(date +%s)
	echo "# fuzz seed $SEED"
	fuzz "fuzz 100000 as root" 100000
	fuzz "fuzz 20000 as nobody on $DAX1" 20000 --nobody "$DAX1"
	p2p /tmp/info1 info "$DAX1" --addr
	expect "after the fuzz: info $DAX1 unchanged" /tmp/info1 \
		bar_offset=$DAX1_OFF dev_size=$((64 * M)) bus_addr=$((BAR + DAX1_OFF))
	check "after the fuzz: the data in $DAX1 intact" \
		daxtool check "/dev/$DAX1" $DATA_OFF $DATA_LEN $DATA_SEED
fi

# ---------------------------------------------------------- i) persistent

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
