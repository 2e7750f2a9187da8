#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the P2P suites (tests/p2p, tests/p2p-iommu), on top of lib.sh:
# tests/qemu/run-suite.sh copies this directory to /tests/ in every
# initramfs, and a suite's run.sh sources ./lib.sh, then ./p2plib.sh (busybox
# sh). Reading p2ptool's key=value output, judging it as TAP lines, and
# finding functions, ports and registers through sysfs and setpci.

PCI=/sys/bus/pci/devices
DAXDEVS=/sys/bus/dax/devices

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

# nvme_serial SERIAL: the PCI function of the controller with SERIAL (sysfs
# pads serials with blanks). (Its variables are its own: callers loop over
# $c and $s.)
nvme_serial() {
	for ns_c in /sys/class/nvme/nvme*; do
		[ -r "$ns_c/serial" ] || continue
		ns_s=$(sed 's/[[:space:]]*$//' "$ns_c/serial")
		if [ "$ns_s" = "$1" ]; then
			basename "$(readlink -f "$ns_c/device")"
			return 0
		fi
	done
	return 1
}

# nvme_blk BDF: the first namespace block device (/dev/nvmeXnY) of the NVMe
# controller at PCI function BDF; fails if it has none (yet). (Its loop
# variable is its own: wait_for counts in $n.)
nvme_blk() {
	for nb_ns in "$PCI/$1"/nvme/nvme*/nvme*n*; do
		[ -e "$nb_ns" ] || continue
		echo "/dev/${nb_ns##*/}"
		return 0
	done
	return 1
}

# iommu_group BDF: the number of BDF's IOMMU group; fails without one.
iommu_group() {
	[ -e "$PCI/$1/iommu_group" ] || return 1
	basename "$(readlink -f "$PCI/$1/iommu_group")"
}

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

# dax_placed "DEV OFF SIZE ALIGN"...: one test line per device, that DEV
# starts at BAR offset OFF and has SIZE and ALIGN; false if one does not
# (or is missing: fewer than four words).
dax_placed() {
	dp_bad=
	for dp_c in "$@"; do
		set -- $dp_c
		[ $# = 4 ] || { not_ok "a device of the carve is missing ($dp_c)"; dp_bad=1; continue; }
		dp_off=$(cat $DAXDEVS/$1/p2pdax/offset 2>&1)
		dp_got="$dp_off $(cat $DAXDEVS/$1/size) $(cat $DAXDEVS/$1/align)"
		if is_num "$dp_off" && same "$dp_off" "$2" && [ "${dp_got#* }" = "$3 $4" ]; then
			ok "$1 at BAR offset $(hex $2), size $3, align $4"
		else
			not_ok "$1 at BAR offset $(hex $2), size $3, align $4 (got $dp_got)"
			dp_bad=1
		fi
	done
	[ -z "$dp_bad" ]
}

# switch_nvmes: the two NVMe controllers of the switch machines (run-vm.sh
# --topology switch, switch-iommu), by serial: NVME gets the PCI function of
# p2pdaxnvme, NVME2 that of p2pdaxnvme2, each empty if it is missing after
# 30 s (then false). Loads nvme.
switch_nvmes() {
	modprobe nvme
	wait_for 30 nvme_serial p2pdaxnvme >/dev/null
	wait_for 30 nvme_serial p2pdaxnvme2 >/dev/null
	NVME=$(nvme_serial p2pdaxnvme) || NVME=
	NVME2=$(nvme_serial p2pdaxnvme2) || NVME2=
	[ -n "$NVME" ] && [ -n "$NVME2" ]
}
