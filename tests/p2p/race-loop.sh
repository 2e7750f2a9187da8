#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Usage: race-loop.sh STOPFILE OUTFILE PHASEFILE ACKFILE IV PEER [DEV]
#
# A background job of the teardown race of tests/p2p/run.sh (busybox sh, as
# root or, through su, as nobody). Until STOPFILE exists, each round:
#  - writes the word in PHASEFILE to ACKFILE (the foreground waits for that
#    to know that no round of the previous phase is still running);
#  - reads every p2pdax attribute there is: each dax device's offset (and,
#    as root, bus_address) and the ivshmem function IV's;
#  - asks P2PDAX_IOC_INFO of every dax device there is (as root with bus
#    addresses, then as nobody), and P2PDAX_IOC_ROUTE from IV's region,
#    whatever its id is now, to the function PEER;
#  - as root and unless PHASEFILE says "nomap", P2PDAX_IOC_RESOLVE of a
#    fresh mapping of DEV (with and without --nobody). Not while devices
#    are unbound: opening and mapping a /dev/daxX.Y while it is torn down
#    can oops in device_dax (README, "Known device-dax problems").
# The reads race the teardown on purpose: they may fail. At the end it
# writes "rounds=N calls=N failed=N" and one "error=ENAME COUNT" line per
# errno name p2ptool printed to OUTFILE, for the caller to judge.
set -u
[ $# -ge 6 ] || { echo "usage: $0 STOPFILE OUTFILE PHASEFILE ACKFILE IV PEER [DEV]" >&2; exit 2; }
stop=$1 out=$2 phase=$3 ack=$4 iv=$5 peer=$6 dev=${7:-}
PATH=/tests/bin:/bin:/sbin:/usr/bin:/usr/sbin
PCI=/sys/bus/pci/devices
DAXDEVS=/sys/bus/dax/devices
me=$(id -u)

rounds=0 calls=0 failed=0 names=''

# ask ARGS...: one p2ptool call; a failure's errno name is counted.
ask() {
	calls=$((calls + 1))
	if r=$(p2ptool "$@" 2>/dev/null); then
		return 0
	fi
	failed=$((failed + 1))
	e=none
	for w in $r; do
		case $w in error=*) e=${w#error=} ;; esac
	done
	case " $names " in
	*" $e "*) ;;
	*) names="$names $e"; eval "n_$e=0" ;;
	esac
	eval "n_$e=\$((n_$e + 1))"
}

while [ ! -e "$stop" ]; do
	rounds=$((rounds + 1))
	p=''
	{ read -r p < "$phase"; } 2>/dev/null
	echo "$p" > "$ack"
	if [ "$me" = 0 ]; then
		cat "$DAXDEVS"/*/p2pdax/offset "$DAXDEVS"/*/p2pdax/bus_address \
			"$PCI/$iv"/p2pdax/* > /dev/null 2>&1
	else
		cat "$DAXDEVS"/*/p2pdax/offset "$PCI/$iv"/p2pdax/bar "$PCI/$iv"/p2pdax/caching \
			"$PCI/$iv"/p2pdax/prefetchable "$PCI/$iv"/p2pdax/persistent > /dev/null 2>&1
	fi
	for d in "$DAXDEVS"/dax*; do
		[ -e "$d" ] || continue
		if [ "$me" = 0 ]; then
			ask info "${d##*/}" --addr
			ask info "${d##*/}" --nobody
		else
			ask info "${d##*/}"
		fi
	done
	# (busybox reports a failed redirection before any 2>/dev/null in the
	# same command applies)
	if { read -r region < "$PCI/$iv/dax_region/id"; } 2>/dev/null; then
		ask route "$region" "$peer"
	fi
	if [ "$me" = 0 ] && [ -n "$dev" ] && [ "$p" != nomap ]; then
		ask resolve "$dev" 0 4096 --addr
		ask resolve "$dev" 4096 8192 --nobody
	fi
done

{
	echo "rounds=$rounds calls=$calls failed=$failed"
	for e in $names; do
		eval "echo \"error=$e \$n_$e\""
	done
} > "$out"
