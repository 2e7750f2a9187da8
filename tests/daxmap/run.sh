#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax daxmap suite: every daxmap command (tools/daxmap/) against the real
# driver, on the "switch" topology of tests/qemu/run-vm.sh (this directory's
# file "topology": the BAR device and the NVMe controller with serial
# p2pdaxnvme below one PCIe switch, the one with serial p2pdaxnvme2 below
# another root port). Runs as /tests/run.sh in the QEMU guest, prints TAP;
# daxmap comes from /tests/bin (run-suite.sh --bin DIR). The layout of what
# is written where is in layout.sh, which host-pre.sh and host-post.sh read
# too; the host checks the copies in nvme.img and bar.img.
#
#   a) setup: bind, carve dax0.0 (64M, 2M), dax0.1 (64M, 4K), dax0.2 (64M, 2M)
#   b) list: the JSON against sysfs and daxctl list -R -D, -u, filters, -r,
#      as nobody (no bus addresses)
#   c) info: the device, and --peer for the same-switch NVMe (same-switch,
#      the switch's ports) and for nvme2 (root-complex)
#   d) verify: --fill, --check, --check after a PCI unbind and rebind, a word
#      overwritten through the device is found at its offset
#   e) copy: dax -> nvme and nvme -> dax, p2p and --bounce, and out of a
#      read-only namespace (the host checks the data)
#   f) errors: a missing device, a device of another driver, a disabled
#      device, ranges past either end, a read-only destination, usage; exit
#      status and one line each, nothing written (the host checks)
#   g) bench: --json with --peer-dev on the NVMe (numbers sane, faults =
#      size/align), refusals, the table
#   h) after an unbind: list is empty, the device is gone for every command
#
# Bus numbers are whatever the firmware gave out: every function is looked
# up by vendor/device, NVMe serial and sysfs parentage.

set -u
cd /tests || exit 1
. ./lib.sh
. ./p2plib.sh
. ./daxkernel.sh
. ./layout.sh
PATH=/tests/bin:$PATH

# ---------------------------------------------------------------- helpers

# dm OUT ARGS...: daxmap ARGS, stdout to OUT, stderr to OUT.err, exit
# status in $rc.
dm() {
	d_out=$1
	shift
	daxmap "$@" >"$d_out" 2>"$d_out.err"
	rc=$?
}

# flat FILE: FILE's JSON flattened by json.awk into FILE.flat (PATH=VALUE
# lines); false if it is not JSON.
flat() { awk -f /tests/json.awk "$1" >"$1.flat" 2>"$1.flat.err"; }

# jv FILE PATH: the value at PATH (".0.devices.1.size") in FILE.flat.
jv() {
	awk -v p="$2=" 'index($0, p) == 1 { print substr($0, length(p) + 1); exit }' "$1.flat"
}

# jn FILE PATH: how many members the array or object at PATH has.
jn() {
	awk -v p="$2." 'index($0, p) == 1 {
		rest = substr($0, length(p) + 1)
		sub(/[.=].*/, "", rest)
		if (!(rest in seen)) { seen[rest] = 1; n++ }
	} END { print n + 0 }' "$1.flat"
}

# jfind FILE KEY VALUE: the path of the object in FILE.flat that has KEY
# equal to VALUE (the first one), without the key.
jfind() {
	awk -v k="$2" -v v="$3" '{
		i = index($0, "=")
		p = substr($0, 1, i - 1)
		if (substr($0, i + 1) == v && (p == "." k || substr(p, length(p) - length(k)) == "." k)) {
			print substr(p, 1, length(p) - length(k) - 1)
			exit
		}
	}' "$1.flat"
}

# ran DESC: daxmap's last run (dm) exited 0 with JSON on stdout and nothing
# on stderr; one test line. False otherwise.
ran_json() {
	if [ $rc = 0 ] && [ ! -s "$d_out.err" ] && flat "$d_out"; then
		ok "$1"
		return 0
	fi
	not_ok "$1 (exit $rc)"
	diag "$d_out" "$d_out.err" "$d_out.flat.err" 2>/dev/null
	return 1
}

# jexpect DESC FILE PATH=VALUE...: each PATH of FILE has VALUE (numbers
# compared as numbers, "-" for absent).
jexpect() {
	j_desc=$1 j_file=$2
	shift 2
	j_bad=
	for kv in "$@"; do
		k=${kv%%=*} v=${kv#*=}
		got=$(jv "$j_file" "$k")
		if [ "$v" = - ]; then
			[ -z "$got" ] || j_bad="$j_bad $k=$got (want none)"
		elif [ -z "$got" ] || ! same "$got" "$v"; then
			j_bad="$j_bad $k=${got:-<none>} (want $v)"
		fi
	done
	if [ -z "$j_bad" ]; then
		ok "$j_desc"
	else
		not_ok "$j_desc"
		echo "# got:$j_bad"
		diag "$j_file"
	fi
}

# fails DESC STATUS REGEX ARGS...: daxmap ARGS exits STATUS with nothing on
# stdout and, on stderr, one line "daxmap: CMD: ..." matching REGEX
# (grep -E, any case), CMD being the first of ARGS; a usage error (2) may
# add the line "(daxmap CMD -h for usage)".
refused() {
	f_desc=$1 f_st=$2 f_re=$3
	shift 3
	dm /tmp/ref "$@"
	case $1 in
	list | info | verify | copy | bench | help | version) f_cmd=$1 f_pre="daxmap: $1: " ;;
	*) f_cmd='' f_pre="daxmap: " ;;
	esac
	f_lines=$(wc -l </tmp/ref.err)
	f_first=$(head -n 1 /tmp/ref.err)
	f_bad=
	[ $rc = "$f_st" ] || f_bad="$f_bad exit $rc, want $f_st;"
	[ -n "${f_allow:-}" ] || [ ! -s /tmp/ref ] || f_bad="$f_bad output on stdout;"
	case $f_st:$f_lines in
	2:2) sed -n 2p /tmp/ref.err | grep -qx "(daxmap ${f_cmd:+$f_cmd }-h for usage)" ||
		f_bad="$f_bad second line not the usage hint;" ;;
	*:1) ;;
	*) f_bad="$f_bad $f_lines lines on stderr;" ;;
	esac
	case $f_first in
	"$f_pre"*) ;;
	*) f_bad="$f_bad not '$f_pre...';" ;;
	esac
	echo "$f_first" | grep -qiE "$f_re" || f_bad="$f_bad no /$f_re/;"
	if [ -z "$f_bad" ]; then
		ok "$f_desc: exit $rc, '$f_first'"
	else
		not_ok "$f_desc:$f_bad"
		diag /tmp/ref /tmp/ref.err
	fi
}

# check_rc DESC: daxmap's last run (dm) exited 0.
check_rc() {
	if [ $rc = 0 ]; then
		ok "$1"
	else
		not_ok "$1 (exit $rc)"
		diag "$d_out" "$d_out.err"
	fi
}

# refused_v DESC STATUS REGEX ARGS...: refused for verify, which prints
# its JSON summary on stdout even when words differ.
refused_v() {
	f_allow=1
	refused "$@"
	f_allow=
}

# Offsets and sizes in messages are often hex: REGEX for N in either form.
numre() { printf '(%d|%#x)' "$1" "$1"; }

bind_iv() { echo "$IV" > $DRVDIR/bind; }
unbind_iv() { echo "$IV" > $DRVDIR/unbind; }

# carve: dax0.0 shrunk to 64M, dax0.1 (4K) and dax0.2 (2M) after it, each
# at its layout.sh offset. False (after saying why) if it did not work.
carve() {
	DAX0=dax$REGION.0 DAX1='' DAX2=''
	check "daxctl disable-device $DAX0" daxctl disable-device "$DAX0"
	check "daxctl reconfigure-device -s 64M $DAX0" daxctl reconfigure-device -s 64M "$DAX0"
	check "daxctl enable-device $DAX0" daxctl enable-device "$DAX0"
	check "daxctl create-device -r $REGION -s 64M -a 4K" dax_create DAX1 64M 4K
	check "daxctl create-device -r $REGION -s 64M -a 2M" dax_create DAX2 64M 2M
	dax_placed "$DAX0 $D0_OFF $D0_SIZE $D0_ALIGN" "$DAX1 $D1_OFF $D1_SIZE $D1_ALIGN" \
		"$DAX2 $D2_OFF $D2_SIZE $D2_ALIGN"
}

# ------------------------------------------------------------- a) setup

echo "# kernel $(uname -r)"
if ! command -v daxmap >/dev/null; then
	echo "Bail out! no daxmap in /tests/bin (run-suite.sh --bin with the directory make -C tools/daxmap built it in)"
	exit 1
fi
echo "# $(daxmap --version)"

IV=$(find_pci 0x1af4 0x1110) || { echo "Bail out! no ivshmem device (1af4:1110)"; exit 1; }
switch_nvmes || { echo "Bail out! NVMe controllers p2pdaxnvme, p2pdaxnvme2 missing"; exit 1; }
wait_for 30 nvme_blk "$NVME" >/dev/null
NVME_BLK=$(nvme_blk "$NVME") || { echo "Bail out! no namespace on $NVME"; exit 1; }
DS1=$(parent "$IV") DS2=$(parent "$NVME")
UP1=$(parent "$DS1") RP1=$(parent "$UP1") RP2=$(parent "$NVME2")
echo "# ivshmem $IV below $DS1 < $UP1 < $RP1; nvme $NVME ($NVME_BLK) below $DS2; nvme2 $NVME2 below $RP2"
if [ "$(parent "$DS2")" = "$UP1" ] && [ "$DS1" != "$DS2" ] && [ -n "$RP2" ] && [ "$RP1" != "$RP2" ]; then
	ok "ivshmem and nvme below one switch ($UP1), nvme2 on another root port ($RP2)"
else
	echo "Bail out! not the switch topology: run with --topology switch"
	exit 1
fi
got=$(blockdev --getsize64 "$NVME_BLK")
expect_eq "$NVME_BLK is $NVME_SIZE bytes (nvme.img)" "$got" $NVME_SIZE

# Another driver's dax region first (see "cmdline"), so that ours is not
# region 0.
if modprobe dax_hmem 2>/tmp/hmem.err; then
	echo "# dax_hmem loaded: $(ls /sys/bus/dax/devices 2>/dev/null | tr '\n' ' ')"
else
	diag /tmp/hmem.err
fi
check "modprobe $DRV ids=1af4:1110" modprobe $DRV ids=1af4:1110
check "bound to $IV" wait_for 10 bound_to_us "$IV"
REGION=$(region_id "$IV") || { echo "Bail out! no dax region on $IV"; exit 1; }
check "/dev/dax$REGION.0 ready" wait_for 10 dax_ready "dax$REGION.0"
BAR=$(res_start "$IV" 2)
expect_eq "BAR2 is $BAR_SIZE bytes" $(($(res_end "$IV" 2) + 1 - BAR)) $BAR_SIZE
carve || { echo "Bail out! the carve failed"; exit 1; }
daxctl list -R -D -r "$REGION" > /tmp/daxctl.json 2>&1
diag /tmp/daxctl.json

# ---------------------------------------------------------------- b) list

dm /tmp/list list
if ran_json "daxmap list: exit 0, JSON"; then
	diag /tmp/list
	R=$(jfind /tmp/list pci "$IV")
	if [ -n "$R" ]; then
		ok "list: a region with pci $IV ($R)"
	else
		not_ok "list: a region with pci $IV"
		R=.none
	fi
	expect_eq "list: one region" "$(jn /tmp/list '')" 1
	RS=$PCI/$IV/dax_region
	jexpect "list: region id, size, align, available_size as dax_region/ says" /tmp/list \
		"$R.id=$REGION" "$R.size=$(cat $RS/size)" "$R.align=$(cat $RS/align)" \
		"$R.available_size=$(cat $RS/available_size)"
	jexpect "list: region available_size is $AVAIL (layout)" /tmp/list "$R.available_size=$AVAIL"
	P2=$PCI/$IV/p2pdax
	jexpect "list: region bar, caching, prefetchable, persistent as p2pdax/ says" /tmp/list \
		"$R.bar=$(cat $P2/bar)" "$R.caching=$(cat $P2/caching)" \
		"$R.prefetchable=$([ "$(cat $P2/prefetchable)" = 1 ] && echo true || echo false)" \
		"$R.persistent=$([ "$(cat $P2/persistent)" = 1 ] && echo true || echo false)"
	jexpect "list: region bus_address (root) is p2pdax/bus_address" /tmp/list \
		"$R.bus_address=$(cat $P2/bus_address)"
	expect_eq "list: three devices in the region" "$(jn /tmp/list "$R.devices")" 3
	for d in $DAX0 $DAX1 $DAX2; do
		p=$(jfind /tmp/list chardev "$d")
		S=$DAXDEVS/$d
		if [ -z "$p" ]; then
			not_ok "list: $d listed"
			continue
		fi
		# target_node: hidden by the dax core when the device has none.
		tn=-
		[ ! -e $S/target_node ] || tn=$(cat $S/target_node)
		jexpect "list: $d size, align, offset, bus_address, target_node ($tn) as sysfs says" /tmp/list \
			"$p.size=$(cat $S/size)" "$p.align=$(cat $S/align)" \
			"$p.offset=$(cat $S/p2pdax/offset)" "$p.bus_address=$(cat $S/p2pdax/bus_address)" \
			"$p.target_node=$tn"
		jexpect "list: $d mode devdax, enabled (no state key, as daxctl)" /tmp/list \
			"$p.mode=devdax" "$p.state=-"
	done

	# daxctl's view of the same: the same chardevs with the same sizes.
	if flat /tmp/daxctl.json; then
		pairs() {
			awk '{ i = index($0, "="); p = substr($0, 1, i - 1); v = substr($0, i + 1) }
			     p ~ /\.devices\.[0-9]+\.chardev$/ { sub(/\.chardev$/, "", p); c[p] = v }
			     p ~ /\.devices\.[0-9]+\.size$/ { sub(/\.size$/, "", p); s[p] = v }
			     END { for (k in c) print c[k] ":" s[k] }' "$1" | sort | tr '\n' ' '
		}
		regions() {
			awk '{ i = index($0, "="); p = substr($0, 1, i - 1); v = substr($0, i + 1) }
			     p ~ /^(\.[0-9]+)?\.id$/ { id = v } p ~ /^(\.[0-9]+)?\.size$/ { sz = v }
			     p ~ /^(\.[0-9]+)?\.align$/ { al = v }
			     END { print id ":" sz ":" al }' "$1"
		}
		expect_eq "list vs daxctl list -R -D: the same devices and sizes" \
			"$(pairs /tmp/list.flat)" "$(pairs /tmp/daxctl.json.flat)"
		expect_eq "list vs daxctl list -R -D: the same region id, size, align" \
			"$(regions /tmp/list.flat)" "$(regions /tmp/daxctl.json.flat)"
	else
		not_ok "daxctl list -R -D gives JSON"
	fi

	# -u: sizes as strings, nothing else changes.
	dm /tmp/listu list -u
	if ran_json "list -u: exit 0, JSON"; then
		p=$(jfind /tmp/listu chardev "$DAX1")
		got=$(jv /tmp/listu "$p.size")
		case $got in
		*[!0-9]*) ok "list -u: $DAX1 size is human-readable: '$got'" ;;
		*) not_ok "list -u: $DAX1 size is human-readable (got '$got')" ;;
		esac
		case $got in
		64*MiB*) ok "list -u: $DAX1 size says 64 MiB" ;;
		*) not_ok "list -u: $DAX1 size says 64 MiB (got '$got')" ;;
		esac
		expect_eq "list -u: the same chardevs in the same order" \
			"$(grep '\.chardev=' /tmp/listu.flat | tr '\n' ' ')" \
			"$(grep '\.chardev=' /tmp/list.flat | tr '\n' ' ')"
	fi

	# Filters: one device by each form of its name, all, a region.
	for f in "$DAX1" "${DAX1#dax}" "/dev/$DAX1"; do
		dm /tmp/lf list "$f"
		if ran_json "list $f: exit 0"; then
			expect_eq "list $f: only $DAX1" "$(grep '\.chardev=' /tmp/lf.flat | sed 's/.*=//' | tr '\n' ' ')" "$DAX1 "
		fi
	done
	dm /tmp/lf list "$DAX0" "$DAX2"
	if ran_json "list $DAX0 $DAX2: exit 0"; then
		expect_eq "list $DAX0 $DAX2: those two" "$(grep '\.chardev=' /tmp/lf.flat | sed 's/.*=//' | tr '\n' ' ')" "$DAX0 $DAX2 "
	fi
	dm /tmp/lf list all
	if ran_json "list all: exit 0"; then
		expect_eq "list all: as list" "$(grep '\.chardev=' /tmp/lf.flat | tr '\n' ' ')" \
			"$(grep '\.chardev=' /tmp/list.flat | tr '\n' ' ')"
	fi
	dm /tmp/lf list -r "$REGION"
	if ran_json "list -r $REGION: exit 0"; then
		expect_eq "list -r $REGION: the three devices" "$(grep '\.chardev=' /tmp/lf.flat | sed 's/.*=//' | tr '\n' ' ')" "$DAX0 $DAX1 $DAX2 "
	fi
	refused "list -r $((REGION + 7)) (no such region)" 1 "no such" list -r $((REGION + 7))

	# nobody: everything but the bus addresses.
	if as_nobody true 2>/dev/null; then
		if as_nobody "PATH=$PATH daxmap list" >/tmp/ln 2>/tmp/ln.err && flat /tmp/ln; then
			if grep -q bus_address /tmp/ln.flat; then
				not_ok "list as nobody: no bus_address"
				diag /tmp/ln
			else
				ok "list as nobody: no bus_address"
			fi
			expect_eq "list as nobody: the same devices" "$(grep '\.chardev=' /tmp/ln.flat | tr '\n' ' ')" \
				"$(grep '\.chardev=' /tmp/list.flat | tr '\n' ' ')"
			# p2pdax/offset, like the dax core's resource and
			# dax_region/align, is mode 0400: left out.
			expect_eq "list as nobody: no $DAX1 offset (root only)" \
				"$(jv /tmp/ln "$(jfind /tmp/ln chardev "$DAX1").offset")" ''
			expect_eq "list as nobody: region available_size, size as root sees them" \
				"$(jv /tmp/ln .0.available_size) $(jv /tmp/ln .0.size)" "$AVAIL $BAR_SIZE"
		else
			not_ok "list as nobody: exit 0, JSON"
			diag /tmp/ln /tmp/ln.err
		fi
	else
		skip "list as nobody" "busybox su cannot run commands as nobody"
	fi
fi

# ---------------------------------------------------------------- c) info

dm /tmp/info info "$DAX1" --peer "$NVME" --peer "$NVME2"
if ran_json "info $DAX1 --peer $NVME --peer $NVME2: exit 0, JSON"; then
	diag /tmp/info
	jexpect "info $DAX1: chardev, size, align, offset, nr_ranges; its region's id, pci, bar, bar_size" /tmp/info \
		.chardev="$DAX1" .size=$D1_SIZE .align=$D1_ALIGN .offset=$D1_OFF .nr_ranges=1 \
		.region.id=$REGION .region.pci="$IV" .region.bar=2 .region.bar_size=$BAR_SIZE
	jexpect "info $DAX1: bus_address (root) = BAR + offset, the region's = BAR" /tmp/info \
		.bus_address=$((BAR + D1_OFF)) .region.bus_address=$BAR .region.bar_bus_address=$BAR
	expect_eq "info: two routes" "$(jn /tmp/info .routes)" 2
	r1=$(jfind /tmp/info peer "$NVME")
	r2=$(jfind /tmp/info peer "$NVME2")
	if [ -n "$r1" ] && [ -n "$r2" ]; then
		jexpect "info: route to nvme $NVME: same-switch, no ACS redirect, no IOMMU" /tmp/info \
			"$r1.type=same-switch" "$r1.acs_redirect=false" "$r1.iommu=none"
		jexpect "info: route to nvme2 $NVME2: root-complex, no ACS redirect, no IOMMU" /tmp/info \
			"$r2.type=root-complex" "$r2.acs_redirect=false" "$r2.iommu=none"
		ports_of() {
			awk -v p="$2.ports." '{ i = index($0, "="); k = substr($0, 1, i - 1) }
			     index(k, p) == 1 && k ~ /\.(pci|port|name|bdf)$/ { printf "%s ", substr($0, i + 1) }' "$1"
		}
		expect_eq "info: route to nvme: ports $DS1 $UP1 $DS2" "$(ports_of /tmp/info.flat "$r1")" "$DS1 $UP1 $DS2 "
		expect_eq "info: route to nvme2: ports $DS1 $UP1 $RP1 $RP2" "$(ports_of /tmp/info.flat "$r2")" "$DS1 $UP1 $RP1 $RP2 "
	else
		not_ok "info: a route for each peer (got '$r1', '$r2')"
	fi
fi
dm /tmp/info info "/dev/$DAX2"
if ran_json "info /dev/$DAX2 (no --peer): exit 0"; then
	jexpect "info /dev/$DAX2: chardev, offset, no routes" /tmp/info .chardev="$DAX2" .offset=$D2_OFF .routes=-
fi

# -------------------------------------------------------------- d) verify

dm /tmp/v verify "$DAX0" --fill --seed $V0_SEED --offset $V0_OFF --length $CLEN
check_rc "verify $DAX0 --fill --seed $V0_SEED at $(hex $V0_OFF)+$(hex $CLEN)"
diag /tmp/v
dm /tmp/v verify "$DAX0" --check --seed $V0_SEED --offset $V0_OFF --length $CLEN
check_rc "verify $DAX0 --check: the same range"
dm /tmp/v verify "$DAX1" --fill --seed $V1_SEED --offset $V1_OFF --length $CLEN
check_rc "verify $DAX1 --fill --seed $V1_SEED at $(hex $V1_OFF)+$(hex $CLEN)"
dm /tmp/v verify "$DAX1" --check --seed $V1_SEED --offset $V1_OFF --length $CLEN
check_rc "verify $DAX1 --check: the same range"
refused_v "verify $DAX1 --check with another seed" 1 "first( bad)?( at)? offset $(numre $V1_OFF)" \
	verify "$DAX1" --check --seed $((V1_SEED + 1)) --offset $V1_OFF --length $CLEN
dm /tmp/v verify "$DAX2" --offset $((D2_SIZE - 2 * M)) --length $((2 * M))
check_rc "verify $DAX2 (fill and check) of its last 2 MiB"

# Across an unbind and rebind the data stays; the rebind makes one device
# over the whole BAR again, then the same carve gives the same offsets.
check "unbind $IV" unbind_iv
check "bind $IV again" bind_iv
REGION=$(region_id "$IV") || REGION=none
check "/dev/dax$REGION.0 ready again" wait_for 10 dax_ready "dax$REGION.0"
dm /tmp/v verify "dax$REGION.0" --check --seed $V0_SEED --offset $V0_OFF --length $CLEN
check_rc "after unbind/bind: verify dax$REGION.0 --check: $DAX0's data at $(hex $V0_OFF) survived"
carve || { echo "Bail out! the carve after the rebind failed"; exit 1; }
dm /tmp/v verify "$DAX1" --check --seed $V1_SEED --offset $V1_OFF --length $CLEN
check_rc "after the carve again: verify $DAX1 --check at $(hex $V1_OFF)"

# One word overwritten through the device: verify names its offset.
check "daxtool write /dev/$DAX1 $(hex $CORRUPT_OFF) XXXXXXXX" \
	daxtool write "/dev/$DAX1" $CORRUPT_OFF XXXXXXXX
dm /tmp/v verify "$DAX1" --check --seed $V1_SEED --offset $V1_OFF --length $CLEN
if [ $rc = 1 ] && [ "$(wc -l </tmp/v.err)" = 1 ] &&
	grep -qiE "^daxmap: verify: .*first( bad)?( at)? offset $(numre $CORRUPT_OFF)([^0-9a-fx]|$)" /tmp/v.err; then
	ok "verify $DAX1 --check after the overwrite: exit 1, one line: $(cat /tmp/v.err)"
else
	not_ok "verify $DAX1 --check after the overwrite: exit 1, one line with the first bad offset $(hex $CORRUPT_OFF) (exit $rc)"
fi
diag /tmp/v /tmp/v.err
if flat /tmp/v; then
	jexpect "verify $DAX1 --check after the overwrite: JSON bad=1, first_bad=$(hex $CORRUPT_OFF)" /tmp/v \
		.bad=1 .first_bad=$CORRUPT_OFF .mode=check
else
	not_ok "verify $DAX1 --check after the overwrite: JSON summary"
fi
dm /tmp/v verify "$DAX1" --check --seed $V1_SEED --offset $V1_OFF --length $((CORRUPT_OFF - V1_OFF))
check_rc "verify $DAX1 --check up to the overwritten word"

# --------------------------------------------------------------- e) copy

copy_ok() {
	c_desc=$1
	shift
	dm /tmp/cp copy "$@"
	if ran_json "$c_desc"; then
		diag /tmp/cp
		jexpect "$c_desc: the summary says $CLEN bytes" /tmp/cp .bytes=$CLEN
	fi
}

dm /tmp/v verify "$DAX1" --fill --seed $C_P2P_SEED --offset $C_P2P_DAX --length $CLEN
check_rc "verify $DAX1 --fill --seed $C_P2P_SEED at $(hex $C_P2P_DAX)"
copy_ok "copy $DAX1 -> $NVME_BLK (p2p): $(hex $C_P2P_DAX) -> $(hex $C_P2P_NVME)" \
	"$DAX1" "$NVME_BLK" --dax-offset $C_P2P_DAX --file-offset $C_P2P_NVME --length $CLEN
jexpect "copy p2p: mode p2p" /tmp/cp .mode=p2p
check "patcheck in the guest: $NVME_BLK holds seed $C_P2P_SEED at $(hex $C_P2P_NVME)" \
	patcheck check -b $((C_P2P_NVME - C_P2P_DAX)) "$NVME_BLK" $C_P2P_NVME $CLEN $C_P2P_SEED

dm /tmp/v verify "$DAX1" --fill --seed $C_BNC_SEED --offset $C_BNC_DAX --length $CLEN
check_rc "verify $DAX1 --fill --seed $C_BNC_SEED at $(hex $C_BNC_DAX)"
copy_ok "copy $DAX1 -> $NVME_BLK --bounce: $(hex $C_BNC_DAX) -> $(hex $C_BNC_NVME)" \
	"$DAX1" "$NVME_BLK" --dax-offset $C_BNC_DAX --file-offset $C_BNC_NVME --length $CLEN --bounce --bs 256K
jexpect "copy --bounce: mode bounce" /tmp/cp .mode=bounce
check "patcheck in the guest: $NVME_BLK holds seed $C_BNC_SEED at $(hex $C_BNC_NVME)" \
	patcheck check -b $((C_BNC_NVME - C_BNC_DAX)) "$NVME_BLK" $C_BNC_NVME $CLEN $C_BNC_SEED

copy_ok "copy $NVME_BLK -> $DAX1 (p2p): $(hex $N_P2P_NVME) -> $(hex $N_P2P_DAX)" \
	"$NVME_BLK" "$DAX1" --file-offset $N_P2P_NVME --dax-offset $N_P2P_DAX --length $CLEN
jexpect "copy nvme -> dax p2p: mode p2p" /tmp/cp .mode=p2p
copy_ok "copy $NVME_BLK -> $DAX1 --bounce: $(hex $N_BNC_NVME) -> $(hex $N_BNC_DAX)" \
	"$NVME_BLK" "$DAX1" --file-offset $N_BNC_NVME --dax-offset $N_BNC_DAX --length $CLEN --bounce
jexpect "copy nvme -> dax --bounce: mode bounce" /tmp/cp .mode=bounce
echo "# the host checks nvme.img and bar.img for these copies (host-post.sh)"

# A read-only namespace: a source, not a destination.
check "blockdev --setro $NVME_BLK" blockdev --setro "$NVME_BLK"
expect_eq "blockdev --getro $NVME_BLK is 1" "$(blockdev --getro "$NVME_BLK")" 1
copy_ok "copy from the read-only $NVME_BLK -> $DAX1: $(hex $N_RO_NVME) -> $(hex $N_RO_DAX)" \
	"$NVME_BLK" "$DAX1" --file-offset $N_RO_NVME --dax-offset $N_RO_DAX --length $CLEN
refused "copy $DAX1 -> the read-only $NVME_BLK (p2p)" 1 "read-only|permission|not permitted" \
	copy "$DAX1" "$NVME_BLK" --dax-offset $C_P2P_DAX --file-offset $RO_NVME --length $CLEN
refused "copy $DAX1 -> the read-only $NVME_BLK --bounce" 1 "read-only|permission|not permitted" \
	copy "$DAX1" "$NVME_BLK" --dax-offset $C_P2P_DAX --file-offset $RO_NVME --length $CLEN --bounce
refused "bench $DAX1 with the read-only $NVME_BLK as peer" 1 "read-only|permission|not permitted" \
	bench "$DAX1" --offset $B_DAX --size $B_SIZE --peer-dev "$NVME_BLK" --peer-offset $RO_NVME
check "blockdev --setrw $NVME_BLK" blockdev --setrw "$NVME_BLK"

# -------------------------------------------------------------- f) errors

NODEV=dax$REGION.9
for c in "info $NODEV" "verify $NODEV" "copy $NODEV $NVME_BLK" "copy $NVME_BLK $NODEV" \
	"bench $NODEV" "info dax$((REGION + 7)).0"; do
	set -- $c
	refused "$c (no such device)" 1 "no such|not found|does not exist" "$@"
done
refused "list $NODEV (no such device)" 1 "no such|not found|does not exist" list "$NODEV"
refused "info foo (not a device name: usage)" 2 "foo" info foo
refused "verify foo (not a device name: usage)" 2 "foo" verify foo
refused "bench foo (not a device name: usage)" 2 "foo" bench foo
refused "list foo (not a device name: usage)" 2 "foo" list foo

# A device of another dax driver: dax_hmem's, over the soft-reserved memory
# of this suite's "cmdline" (without it, a skip: the library's unit tests
# cover it with a saved sysfs tree).
other=
for o in "$DAXDEVS"/dax*; do
	case ${o##*/} in
	"dax$REGION."* | 'dax*') ;;
	*) other=${o##*/}; break ;;
	esac
done
if [ -n "$other" ]; then
	for c in info verify bench; do
		refused "$c $other (a device of another driver)" 1 "not a p2pdax" $c "$other"
	done
	rm -f /tmp/other.out
	refused "copy $other /tmp/other.out (a device of another driver)" 1 "not a p2pdax" \
		copy "$other" /tmp/other.out
	check "copy $other: /tmp/other.out not created" fails test -e /tmp/other.out
else
	skip "a device of another dax driver refused by info, verify, copy, bench" \
		"no other dax driver has a device in this machine (dax_hmem made none of this suite's cmdline memory); the library's unit tests cover it with a saved sysfs tree"
fi

# A disabled device.
check "daxctl disable-device $DAX2" daxctl disable-device "$DAX2"
dm /tmp/ld list "$DAX2"
if ran_json "list $DAX2 while disabled: exit 0"; then
	jexpect "list $DAX2 while disabled: state disabled" /tmp/ld "$(jfind /tmp/ld chardev "$DAX2").state=disabled"
fi
refused "verify $DAX2 (disabled)" 1 "disabled|not enabled" verify "$DAX2"
refused "copy $DAX2 -> nvme (disabled)" 1 "disabled|not enabled" \
	copy "$DAX2" "$NVME_BLK" --file-offset $PAST_NVME --length $CLEN
refused "copy nvme -> $DAX2 (disabled)" 1 "disabled|not enabled" \
	copy "$NVME_BLK" "$DAX2" --file-offset 0 --length $CLEN
refused "bench $DAX2 (disabled)" 1 "disabled|not enabled" bench "$DAX2"
check "daxctl enable-device $DAX2" daxctl enable-device "$DAX2"
check "/dev/$DAX2 ready again" wait_for 10 dax_ready "$DAX2"

# Ranges past an end: refused before anything is written (the host checks
# the zeros in nvme.img and bar.img).
refused "verify $DAX1 past its end" 1 "past|beyond|end|size" \
	verify "$DAX1" --offset $PAST_DAX --length $((PAST_DAX_LEN + 4096))
refused "verify $DAX1 --offset at its size" 1 "past|beyond|end|size" \
	verify "$DAX1" --offset $D1_SIZE --length 4096
refused "copy $DAX1 -> nvme, the dax range past $DAX1's end" 1 "past|beyond|end|size" \
	copy "$DAX1" "$NVME_BLK" --dax-offset $((D1_SIZE - 2 * M)) --file-offset $PAST_NVME --length $CLEN
refused "copy $DAX1 -> nvme, the file range past the namespace's end" 1 "past|beyond|end|size" \
	copy "$DAX1" "$NVME_BLK" --dax-offset 0 --file-offset $PAST_NVME --length $((PAST_NVME_LEN + 4 * M))
refused "copy nvme -> $DAX1, the dax range past $DAX1's end" 1 "past|beyond|end|size" \
	copy "$NVME_BLK" "$DAX1" --file-offset 0 --dax-offset $PAST_DAX --length $((PAST_DAX_LEN + 4 * M))
refused "copy nvme -> $DAX1, the file range past the namespace's end" 1 "past|beyond|end|size" \
	copy "$NVME_BLK" "$DAX1" --file-offset $((NVME_SIZE - 2 * M)) --dax-offset $PAST_DAX --length $CLEN
refused "bench $DAX1, its range past $DAX1's end" 1 "past|beyond|end|size" \
	bench "$DAX1" --offset $PAST_DAX --size $((PAST_DAX_LEN + 4 * M))
refused "bench $DAX2 --peer-dev, the peer range past the namespace's end" 1 "past|beyond|end|size" \
	bench "$DAX2" --offset $REF_D2 --size $REF_D2_LEN --peer-dev "$NVME_BLK" --peer-offset $PAST_NVME
refused "bench --peer-dev that does not exist" 1 "no such" \
	bench "$DAX2" --offset $REF_D2 --size $REF_D2_LEN --peer-dev /dev/nvme9n9
refused "copy $DAX1 -> a file that does not exist" 1 "no such" copy "$DAX1" /nonexistent/file --length $CLEN

# Usage: exit 2.
refused "daxmap with an unknown command" 2 "unknown command" frob
refused "list --bogus" 2 "bogus" list --bogus
refused "verify without DEVICE" 2 "device" verify
refused "verify --fill --check" 2 "fill|check" verify "$DAX1" --fill --check
refused "copy with one argument" 2 "." copy "$DAX1"
refused "copy --length foo" 2 "foo" copy "$DAX1" "$NVME_BLK" --length foo
refused "bench --iterations 0" 2 "iterations" bench "$DAX1" --iterations 0
refused "bench --bs 1000 (not a multiple of 4096)" 2 "bs" bench "$DAX1" --bs 1000
refused "bench --peer-offset without --peer-dev" 2 "peer" bench "$DAX1" --peer-offset 4096
dm /tmp/h bench -h
if [ $rc = 0 ] && grep -q "OVERWRITES" /tmp/h && grep -q -- "--peer-dev" /tmp/h; then
	ok "bench -h: exit 0, says what it overwrites"
else
	not_ok "bench -h: exit 0, says what it overwrites (exit $rc)"
fi

# --------------------------------------------------------------- g) bench

B_ITER=2
B_BS=256K
dm /tmp/b bench "$DAX1" --json --offset $B_DAX --size $B_SIZE --peer-dev "$NVME_BLK" \
	--peer-offset $B_NVME --iterations $B_ITER --bs $B_BS
if ran_json "bench $DAX1 --json --peer-dev $NVME_BLK: exit 0, JSON"; then
	diag /tmp/b
	jexpect "bench --json: the parameters to repeat it" /tmp/b \
		.device="$DAX1" .size=$B_SIZE .offset=$B_DAX .align=$D1_ALIGN .bs=$((256 << 10)) \
		.iterations=$B_ITER .peer_dev="$NVME_BLK" .peer_offset=$B_NVME .kernel="$(uname -r)"
	case $(jv /tmp/b .command) in
	"daxmap bench $DAX1 --json --offset $B_DAX --size $B_SIZE --peer-dev $NVME_BLK --peer-offset $B_NVME --iterations $B_ITER --bs $B_BS")
		ok "bench --json: the command line as given" ;;
	*) not_ok "bench --json: the command line as given (got '$(jv /tmp/b .command)')" ;;
	esac
	jexpect "bench --json: first touch: size/align = $((B_SIZE / D1_ALIGN)) faults in each touch, counted exactly" /tmp/b \
		.first_touch.faults=$((B_SIZE / D1_ALIGN)) .first_touch.faults_min=$((B_SIZE / D1_ALIGN)) \
		.first_touch.faults_max=$((B_SIZE / D1_ALIGN)) .first_touch.faults_expected=$((B_SIZE / D1_ALIGN)) \
		.first_touch.faults_exact=true
	b_bad=
	for m in first_touch read write write_nt dax_to_peer_p2p dax_to_peer_bounce peer_to_dax_p2p peer_to_dax_bounce; do
		jexpect "bench --json: $m moved $B_ITER x $B_SIZE bytes" /tmp/b .$m.bytes=$((B_ITER * B_SIZE))
		for k in seconds mbps ns_per_fault; do
			v=$(jv /tmp/b ".$m.$k")
			[ -n "$v" ] || continue
			awk -v v="$v" 'BEGIN { exit !(v > 0) }' || b_bad="$b_bad $m.$k=$v"
		done
		for k in user_seconds sys_seconds; do
			v=$(jv /tmp/b ".$m.$k")
			awk -v v="${v:--1}" 'BEGIN { exit !(v >= 0) }' || b_bad="$b_bad $m.$k=${v:-<none>}"
		done
		[ "$m" = first_touch ] || [ -n "$(jv /tmp/b ".$m.mbps")" ] || b_bad="$b_bad $m.mbps missing"
	done
	expect_eq "bench --json: every time and rate positive, CPU times not negative${b_bad:+ (bad:$b_bad)}" "${b_bad:-none}" none
	# Sum of CPU time: p2p copies leave the copying to the device, bounce
	# copies do a memcpy: reported, not judged (TCG does not model it).
	echo "# bench: CPU s (user+sys) dax->peer p2p $(jv /tmp/b .dax_to_peer_p2p.user_seconds)+$(jv /tmp/b .dax_to_peer_p2p.sys_seconds), bounce $(jv /tmp/b .dax_to_peer_bounce.user_seconds)+$(jv /tmp/b .dax_to_peer_bounce.sys_seconds)"
fi

# The table (and the README's figures): a 2M device, 16 MiB, 10 iterations.
T_CMD="daxmap bench $DAX2 --size $((T_SIZE >> 20))M --peer-dev $NVME_BLK --peer-offset $((T_NVME >> 20))M --iterations 10"
dm /tmp/t bench "$DAX2" --size $((T_SIZE >> 20))M --peer-dev "$NVME_BLK" --peer-offset $((T_NVME >> 20))M --iterations 10
if [ $rc = 0 ] && [ ! -s /tmp/t.err ]; then
	ok "bench $DAX2 (table): exit 0"
else
	not_ok "bench $DAX2 (table): exit 0 (exit $rc)"
fi
echo "# bench-table: $T_CMD"
sed 's/^/# bench-table: /' /tmp/t
t_bad=
for row in "first touch" "read, 64-bit loads" "write, 64-bit stores" "write, non-temporal" \
	"dax -> peer, p2p" "dax -> peer, bounce" "peer -> dax, p2p" "peer -> dax, bounce"; do
	grep -q "^$row " /tmp/t || t_bad="$t_bad '$row'"
done
grep -q "^command: $T_CMD\$" /tmp/t || t_bad="$t_bad command"
grep -q "$((T_SIZE / D2_ALIGN)) faults per touch (size/align $((T_SIZE / D2_ALIGN))" /tmp/t || t_bad="$t_bad faults"
grep -q "kernel $(uname -r)" /tmp/t || t_bad="$t_bad kernel"
expect_eq "bench table: every row, the command, the kernel, $((T_SIZE / D2_ALIGN)) faults per touch${t_bad:+ (missing:$t_bad)}" "${t_bad:-none}" none

# ------------------------------------------------------ h) after an unbind

check "unbind $IV" unbind_iv
dm /tmp/l0 list
if ran_json "list after the unbind: exit 0"; then
	expect_eq "list after the unbind: no device" "$(grep -c '\.chardev=' /tmp/l0.flat)" 0
fi
refused "info $DAX1 after the unbind" 1 "no such|not found|does not exist" info "$DAX1"
refused "verify $DAX1 after the unbind" 1 "no such|not found|does not exist" verify "$DAX1"
check "rmmod $DRV" rmmod $DRV
