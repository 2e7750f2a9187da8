#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Usage: capture.sh OUTDIR
#
# Save what daxmap list reads of this machine's sysfs into OUTDIR, for
# daxmap --sysroot OUTDIR on another machine (tests/unit/test_daxmap.sh runs
# it against trees saved from QEMU guests, in trees/). For every
# /sys/bus/dax/devices/daxX.Y:
#   - the link itself, and the device's directory: size align target_node
#     dev, the driver link, p2pdax/offset and p2pdax/bus_address;
#   - its parent (the region's device): dax_region/{id,size,align,
#     available_size}, the subsystem and driver links, p2pdax/{bar,caching,
#     prefetchable,persistent,bus_address}.
# Attribute files are copied as text with their modes (bus_address is 0400);
# one that cannot be read (p2pdax/offset of a device of size 0: ENXIO) is
# left out, as daxmap treats both the same. Symlinks are rewritten relative
# to OUTDIR, so the tree works wherever it is put; their targets are not
# saved (daxmap reads only their names). No /dev: device nodes cannot be
# saved, and daxmap list does not need them.
#
# Runs under busybox sh in the guest, as root (to read bus_address).
set -eu

out=${1:?usage: capture.sh OUTDIR}
mkdir -p "$out"

# rel_link PATH: the symlink /PATH, recreated in $out relative to its root.
rel_link() {
	path=$1
	target=$(readlink -f "$path") || return 0
	dir=${path%/*}
	up=
	rest=${dir#/}
	# One ../ per component of the link's directory: back up to the root.
	while [ -n "$rest" ]; do
		up="../$up"
		case $rest in
		*/*) rest=${rest#*/} ;;
		*) rest= ;;
		esac
	done
	mkdir -p "$out$dir"
	ln -sfn "$up${target#/}" "$out$path"
}

# copy_attr DIR NAME...: each readable attribute file DIR/NAME, with its mode.
copy_attr() {
	dir=$1
	shift
	for a in "$@"; do
		[ -f "$dir/$a" ] || continue
		v=$(cat "$dir/$a" 2>/dev/null) || continue
		case $a in
		*/*) mkdir -p "$out$dir/${a%/*}" ;;
		*) mkdir -p "$out$dir" ;;
		esac
		printf '%s\n' "$v" > "$out$dir/$a"
		chmod "$(stat -c %a "$dir/$a")" "$out$dir/$a"
	done
}

for link in /sys/bus/dax/devices/dax*; do
	[ -e "$link" ] || continue
	dev=$(readlink -f "$link")
	parent=${dev%/*}
	rel_link "$link"
	copy_attr "$dev" size align target_node dev p2pdax/offset p2pdax/bus_address
	[ ! -L "$dev/driver" ] || rel_link "$dev/driver"
	copy_attr "$parent" dax_region/id dax_region/size dax_region/align \
		dax_region/available_size p2pdax/bar p2pdax/caching p2pdax/prefetchable \
		p2pdax/persistent p2pdax/bus_address
	[ ! -L "$parent/subsystem" ] || rel_link "$parent/subsystem"
	[ ! -L "$parent/driver" ] || rel_link "$parent/driver"
done
