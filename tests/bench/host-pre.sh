#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-pre.sh WORKDIR
# Before boot: put the memory behind the BAR on tmpfs. QEMU maps bar.img
# shared, so with the file on a disk filesystem every guest store into the
# BAR is a store into the host's page cache: the first one to a page
# allocates a block, and once the host's writeback has cleaned a page
# (dirty_expire_centisecs, 30 s by default) the next store takes a host write
# fault again. Those costs would land on whichever run comes first or comes
# after a writeback, not on what is being measured. On tmpfs there is no
# writeback; the guest's warm-up pass (run.sh) makes QEMU fault in every page
# before the first measurement.
#
# bar.img becomes a symbolic link to $P2PDAX_BENCH_SHM/p2pdax-bench-N.bar
# (default /dev/shm; N from the work directory's name); host-post.sh removes
# that file and leaves a sparse bar.img again. Without a usable tmpfs the BAR
# stays on disk and this says so (a SKIP). Prints TAP lines.
set -u
wd=$1
bar=$wd/bar.img
shm=${P2PDAX_BENCH_SHM:-/dev/shm}
size=$(stat -c %s "$bar") || exit 1
# What the suite touches: the first GiB (run.sh's SIZE).
touched=$((1 << 30))
[ "$size" -ge "$touched" ] || touched=$size

why=''
if [ "$(stat -f -c %T "$shm" 2>/dev/null)" != tmpfs ]; then
	why="$shm is not a tmpfs"
else
	avail=$(df -Pk "$shm" | awk 'NR == 2 { print $4 }')
	[ "${avail:-0}" -gt $((touched / 1024 + 65536)) ] ||
		why="$shm has ${avail:-0} KiB free, the runs need $((touched / 1024)) KiB and some room"
fi
if [ -z "$why" ]; then
	shmfile=$shm/p2pdax-bench-$(printf '%s' "$wd" | cksum | cut -d ' ' -f 1).bar
	rm -f "$shmfile"
	if ! { truncate -s "$size" "$shmfile" && fallocate -l "$touched" "$shmfile"; } 2>/tmp/p2pdax-bench-pre.$$; then
		why="cannot allocate $touched bytes in $shmfile: $(cat /tmp/p2pdax-bench-pre.$$)"
		rm -f "$shmfile"
	fi
	rm -f /tmp/p2pdax-bench-pre.$$
fi
if [ -n "$why" ]; then
	echo "ok - host: BAR memory on tmpfs # SKIP $why: the BAR stays on disk, host writeback may slow some runs"
	exit 0
fi
# Only the zeros of the image: nothing to copy.
rm -f "$bar"
ln -s "$shmfile" "$bar"
echo "ok - host: BAR memory on tmpfs ($shmfile)"
