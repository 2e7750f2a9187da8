#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs the p2pdax guest tests boot from: busybox, the kernel
# modules the tests need (plus the project's own: dax_pci_p2p.ko and the
# test-only modules, in /lib/modules/KVER/extra/ so that modprobe finds
# them), daxctl and pciutils with their shared libraries, the guest test
# programs and scripts, and an /init that runs /tests/run.sh with its output
# on the second serial port (/dev/ttyS1, the results channel) and powers the
# machine off.
#
# The kernel's modules come from /lib/modules/KVER for a kernel of this
# system, or from $P2PDAX_KERNELS/KVER/lib/modules/KVER for one extracted
# from its packages (common.sh: kernel_root).
#
# The image is small on purpose: only the dependency closure of a handful of
# modules is copied, never the whole /lib/modules tree.
set -euo pipefail

# shellcheck source=common.sh
. "$(dirname "$0")/common.sh"

usage() {
	cat <<EOF
usage: $PROG --kver KVER --module PATH/dax_pci_p2p.ko [--module PATH.ko]...
       --out FILE.cpio.gz
       [--bin DIR]... [--scripts DIR]... [--kmod NAME]... [--kmod-optional NAME]...
       [--file PATH]...

  --kver KVER     kernel release whose modules go in (/lib/modules/KVER, or
                  \$P2PDAX_KERNELS/KVER/lib/modules/KVER for a kernel
                  extracted from its packages; P2PDAX_KERNELS: default
                  /var/lib/p2pdax/kernels)
  --module PATH   a module built for KVER, out of this project (the driver,
                  a test module): -> /lib/modules/KVER/extra/, with the
                  kernel modules it depends on; at least one, repeatable
  --out FILE      where to write the gzip'd newc cpio
  --bin DIR       every file directly in DIR goes to /tests/bin/ (ELF
                  executables get their shared libraries); repeatable
  --scripts DIR   everything in DIR goes to /tests/, modes kept; repeatable
  --kmod NAME     another kernel module to include with its dependencies
                  (device_dax, kmem, nvme and pci-stub always are); repeatable
  --kmod-optional NAME
                  the same, if this kernel has it; repeatable
  --file PATH     another host file or command (looked up in PATH) to copy at
                  the same path, with its libraries if it is ELF; an absolute
                  PATH may be a shell glob (e.g. /usr/lib/*/libfoo-*.so),
                  which must match at least one file: each match is copied
                  so; repeatable
  -h, --help      this text
EOF
}


kver='' out=''
modules=() bin_dirs=() script_dirs=() extra_kmods=() optional_kmods=() extra_files=()

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) usage; exit 0 ;;
	--kver | --module | --out | --bin | --scripts | --kmod | --kmod-optional | --file)
		if [ $# -lt 2 ] || [ -z "$2" ]; then
			bad_usage "$1 needs a value"
		fi
		case $1 in
		--kver) kver=$2 ;;
		--module) modules+=("$2") ;;
		--out) out=$2 ;;
		--bin) bin_dirs+=("$2") ;;
		--scripts) script_dirs+=("$2") ;;
		--kmod) extra_kmods+=("$2") ;;
		--kmod-optional) optional_kmods+=("$2") ;;
		--file) extra_files+=("$2") ;;
		esac
		shift 2
		;;
	*) bad_usage "unknown argument '$1'" ;;
	esac
done

[ -n "$kver" ] || bad_usage "--kver is required"
[ ${#modules[@]} -gt 0 ] || bad_usage "--module is required"
[ -n "$out" ] || bad_usage "--out is required"
kroot=$(kernel_root "$kver") ||
	die "no kernel $kver: neither /boot/vmlinuz-$kver nor $P2PDAX_KERNELS/$kver/boot/vmlinuz-$kver exists"
[ -d "$kroot/lib/modules/$kver/kernel" ] || die "no modules for kernel $kver in $kroot/lib/modules/$kver"
declare -A module_names=()
for m in "${modules[@]}"; do
	[ -f "$m" ] || die "module $m does not exist (build it first)"
	[ -z "${module_names[${m##*/}]:-}" ] || die "two modules named ${m##*/}: ${module_names[${m##*/}]} and $m"
	module_names[${m##*/}]=$m
done
for d in ${bin_dirs[@]+"${bin_dirs[@]}"} ${script_dirs[@]+"${script_dirs[@]}"}; do
	[ -d "$d" ] || die "directory $d does not exist"
done
for tool in depmod modinfo cpio gzip ldd; do
	command -v "$tool" >/dev/null || die "$tool not found (install busybox-static, kmod, cpio, gzip, libc-bin)"
done

# A module built against other headers would fail to load with a vermagic
# error deep inside the guest: refuse it here, where the message is clear.
for m in "${modules[@]}"; do
	vermagic=$(modinfo -F vermagic "$m")
	[ "${vermagic%% *}" = "$kver" ] ||
		die "$m was built for kernel '${vermagic%% *}', not $kver"
done

staging=$(mktemp -d "${TMPDIR:-/tmp}/p2pdax-initramfs.XXXXXX")
trap 'rm -rf "$staging"' EXIT

mkdir -p "$staging"/{bin,sbin,dev,etc,lib,proc,root,run,sys,tmp,usr/bin,usr/sbin} \
	"$staging/tests/bin"
chmod 1777 "$staging/tmp"

# ---------------------------------------------------------------- helpers

# copy_path PATH: copy a host file to the same path in the image. A symlink
# is copied as a symlink and its target is copied too, so libraries keep
# their canonical paths and the empty ld.so.cache is enough.
copy_path() {
	local src=$1 dst=$staging$1 link
	[ -e "$dst" ] || [ -L "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	if [ -L "$src" ]; then
		link=$(readlink "$src")
		ln -s "$link" "$dst"
		case $link in
		/*) copy_path "$link" ;;
		*) copy_path "$(dirname "$src")/$link" ;;
		esac
	else
		cp -p "$src" "$dst"
	fi
}

is_elf() {
	[ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' \n')" = '177ELF' ]
}

# copy_libs FILE: the shared libraries and the ELF interpreter FILE needs,
# as ldd resolves them on the host. Static executables need none.
copy_libs() {
	local lib
	is_elf "$1" || return 0
	# ldd prints "name => /path (addr)" for libraries and "/path (addr)"
	# for the interpreter; vdso and "not a dynamic executable" have no path.
	ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
		while read -r lib; do
			copy_path "$lib"
		done
	if ldd "$1" 2>/dev/null | grep -q 'not found'; then
		die "$1 needs libraries that are not installed: $(ldd "$1" | grep 'not found' | tr -s ' \n\t' ' ')"
	fi
}

# copy_binary NAME|PATH: a host command at its own path, with its libraries.
copy_binary() {
	local path
	path=$(command -v "$1") || die "$1 not found on the host"
	copy_path "$path"
	copy_libs "$(readlink -f "$path")"
}

# ---------------------------------------------------------------- busybox

# busybox-static installs /bin/busybox; the dynamic "busybox" package would
# need its libraries, so insist on the static one.
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox not found: install busybox-static"
if ! is_elf "$busybox" || ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is not a static executable: install busybox-static"
fi
cp "$busybox" "$staging/bin/busybox"
# Every applet in /bin; those busybox files under sbin also in /sbin, so the
# kernel's /sbin/modprobe (request_module) and poweroff are where expected.
while read -r applet; do
	name=${applet##*/}
	case $name in busybox | linuxrc | '') continue ;; esac
	ln -sf busybox "$staging/bin/$name"
	case $applet in
	sbin/* | usr/sbin/*) ln -sf ../bin/busybox "$staging/sbin/$name" ;;
	esac
done < <(busybox --list-full)

# ---------------------------------------------------------------- modules

moddir=$kroot/lib/modules/$kver
smoddir=$staging/lib/modules/$kver
mkdir -p "$smoddir/extra"
# modinfo looks in /lib/modules, or below the kernel's root.
kmod_root=()
[ -z "$kroot" ] || kmod_root=(-b "$kroot")

# add_kmod NAME: NAME and, recursively, what it depends on. Built-in modules
# need no file (modules.builtin tells libkmod and busybox about them).
declare -A kmod_seen=()
add_kmod() {
	local name=${1//-/_} file rel dep deps
	[ -z "${kmod_seen[$name]:-}" ] || return 0
	kmod_seen[$name]=1
	file=$(modinfo ${kmod_root[@]+"${kmod_root[@]}"} -k "$kver" -F filename "$1" 2>/dev/null) ||
		die "kernel module $1 not found for kernel $kver"
	case $file in
	'(builtin)' | '') return 0 ;;
	esac
	rel=${file#"$moddir"/}
	mkdir -p "$(dirname "$smoddir/$rel")"
	# Decompressed so that busybox insmod/modprobe can load them too.
	case $file in
	*.ko.xz) xz -dc "$file" >"$smoddir/${rel%.xz}" ;;
	*.ko.zst) zstd -qdc "$file" >"$smoddir/${rel%.zst}" ;;
	*.ko.gz) gzip -dc "$file" >"$smoddir/${rel%.gz}" ;;
	*.ko) cp "$file" "$smoddir/$rel" ;;
	*) die "unexpected module file name $file" ;;
	esac
	deps=$(modinfo ${kmod_root[@]+"${kmod_root[@]}"} -k "$kver" -F depends "$1")
	for dep in ${deps//,/ }; do
		add_kmod "$dep"
	done
}

for m in device_dax kmem nvme pci-stub ${extra_kmods[@]+"${extra_kmods[@]}"}; do
	add_kmod "$m"
done
for m in ${optional_kmods[@]+"${optional_kmods[@]}"}; do
	if modinfo ${kmod_root[@]+"${kmod_root[@]}"} -k "$kver" -F filename "$m" >/dev/null 2>&1; then
		add_kmod "$m"
	fi
done
# The project's modules, with their own dependencies (e.g. device_dax).
for m in "${modules[@]}"; do
	cp "$m" "$smoddir/extra/"
	deps=$(modinfo -F depends "$m")
	for dep in ${deps//,/ }; do
		add_kmod "$dep"
	done
done

for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ ! -f "$moddir/$f" ] || cp "$moddir/$f" "$smoddir/"
done
depmod -b "$staging" "$kver" || die "depmod failed for $kver"
[ -s "$smoddir/modules.dep.bin" ] || die "depmod wrote no modules.dep.bin"

# ---------------------------------------------------------------- userspace

# Host commands the tests rely on. Copied to their host paths; busybox
# applets of the same name are removed so the real tools come first in PATH.
host_bins=(daxctl setpci lspci)
for b in "${host_bins[@]}"; do
	copy_binary "$b"
done
[ ! -e /usr/share/misc/pci.ids ] || copy_path /usr/share/misc/pci.ids

# Module tools from kmod, as on a Debian system: busybox's modprobe ignores
# modules.softdep (dax_pci_p2p pulls in device_dax that way) and differs in
# its errors. The kernel's request_module() calls /sbin/modprobe.
copy_binary kmod
kmod_path=$(command -v kmod)
for t in modprobe insmod rmmod lsmod modinfo depmod; do
	rm -f "$staging/bin/$t" "$staging/sbin/$t"
	ln -s "$kmod_path" "$staging/sbin/$t"
done

# copy_file PATH: a host file at its own path, with its libraries if ELF.
copy_file() {
	copy_path "$1"
	[ -d "$1" ] || copy_libs "$(readlink -f "$1")"
}

for f in ${extra_files[@]+"${extra_files[@]}"}; do
	case $f in
	/*[*?[]*)
		# A glob (multiarch directories, versioned names): at least one
		# match. compgen -G expands it without word splitting the result.
		matches=$(compgen -G "$f") || die "--file $f matches no file"
		while IFS= read -r m; do
			copy_file "$m"
		done <<<"$matches" ;;
	/*) [ -e "$f" ] || die "--file $f does not exist"
		copy_file "$f" ;;
	*) copy_binary "$f" ;;
	esac
done

# Drop busybox applets shadowed by a real binary anywhere in the image.
for dir in bin sbin usr/bin usr/sbin; do
	for f in "$staging/$dir"/*; do
		if [ ! -f "$f" ] || [ -L "$f" ]; then
			continue
		fi
		name=${f##*/}
		[ "$name" != busybox ] || continue
		for d in bin sbin; do
			[ "$d" = "$dir" ] || [ ! -L "$staging/$d/$name" ] || rm -f "$staging/$d/$name"
		done
	done
done

# Test programs: the files directly in each --bin directory (a build
# directory may hold subdirectories of objects: those are not copied).
for d in ${bin_dirs[@]+"${bin_dirs[@]}"}; do
	for f in "$d"/*; do
		[ -f "$f" ] || continue
		cp -L "$f" "$staging/tests/bin/"
		[ ! -x "$f" ] || copy_libs "$(readlink -f "$f")"
	done
done

# Test scripts: the whole directory, modes kept.
for d in ${script_dirs[@]+"${script_dirs[@]}"}; do
	cp -RL --preserve=mode "$d/." "$staging/tests/"
done

# ---------------------------------------------------------------- /etc, /dev

cat >"$staging/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$staging/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
: >"$staging/etc/ld.so.cache"
echo p2pdax-guest >"$staging/etc/hostname"

# The kernel opens /dev/console before devtmpfs is mounted. Debian kernels
# carry a built-in initramfs with these nodes anyway; make them if we can.
mknod -m 600 "$staging/dev/console" c 5 1 2>/dev/null || true
mknod -m 666 "$staging/dev/null" c 1 3 2>/dev/null || true

# ---------------------------------------------------------------- /init

cat >"$staging/init" <<'EOF'
#!/bin/sh
# p2pdax guest init (generated by tests/qemu/mkinitramfs.sh).
# Prints "P2PDAX-START" on the console, runs /tests/run.sh with stdout and
# stderr on /dev/ttyS1, the results channel, then prints "P2PDAX-END rc=N"
# there and on the console and powers off. Kernel messages go to the
# console (ttyS0). No "set -e": init must reach poweroff whatever happens, or
# the kernel panics.

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
exec </dev/console >/dev/console 2>&1

export PATH=/tests/bin:/bin:/sbin:/usr/bin:/usr/sbin
export HOME=/root
P2PDAX_KVER=$(uname -r)
export P2PDAX_KVER
hostname -F /etc/hostname
ip link set lo up 2>/dev/null

RESULTS=/dev/ttyS1
# No "\r\n" translation on the results channel: the host reads a plain file.
stty -F "$RESULTS" raw -echo 2>/dev/null

halt_now() {
	sync
	poweroff -f
	# poweroff -f does not return; if it ever does, power off through sysrq.
	echo o >/proc/sysrq-trigger
	sleep 60
}

case " $(cat /proc/cmdline) " in
*" P2PDAX_SHELL=1 "*)
	echo "P2PDAX_SHELL=1: interactive shell; exit it to power off"
	setsid cttyhack sh -l
	halt_now
	;;
esac

# On the console only: the host's harness tells from it that the boot got
# as far as the tests (run-suite.sh boots again once if it did not).
echo "P2PDAX-START"
if [ -e /tests/run.sh ]; then
	cd /tests
	if [ -x /tests/run.sh ]; then
		/tests/run.sh >"$RESULTS" 2>&1
	else
		sh /tests/run.sh >"$RESULTS" 2>&1
	fi
	rc=$?
	cd /
	# Stray background processes would keep ttyS1 open and could still
	# write after the end marker.
	kill -9 -1 2>/dev/null
	echo "P2PDAX-END rc=$rc" >"$RESULTS"
	echo "P2PDAX-END rc=$rc"
else
	echo "not ok - /tests/run.sh missing" >"$RESULTS"
	echo "P2PDAX-END rc=127" >"$RESULTS"
	echo "P2PDAX-END rc=127 (/tests/run.sh missing)"
fi
# Closing the port waited for its output to drain; now make sure.
stty -F "$RESULTS" raw 2>/dev/null
halt_now
EOF
chmod 755 "$staging/init"

# ---------------------------------------------------------------- archive

mkdir -p "$(dirname "$out")"
tmp_out=$out.tmp.$$
(cd "$staging" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --null --create --format=newc --owner=0:0 --reproducible --quiet) |
	gzip -6 -n >"$tmp_out" || { rm -f "$tmp_out"; die "writing $out failed"; }
mv "$tmp_out" "$out"
