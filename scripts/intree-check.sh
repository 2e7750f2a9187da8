#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prove the in-tree form in three kernel trees: splice the drivers/dax
# Kconfig and Makefile entries, pci_p2p.c, include/linux/dax_pci_p2p.h and
# include/uapi/linux/p2pdax.h into the tree, configure it like Debian's
# kernel of that release plus CONFIG_DEV_DAX_PCI_P2P=m, and build the object
# there, against the tree's own drivers/dax/bus.h, with W=1 and sparse.
#
#   7.3   Debian's linux-source-7.3 with the series of patches/upstream
#         applied: the kernel the in-tree form is written for. Nothing of
#         compat/ is used.
#   6.12  Debian's linux-source-6.12 and 6.1 linux-source-6.1, as a backport
#   6.1   would build there: the same driver files, with compat/compat.h
#         force-included and the feature macros scripts/features.sh finds
#         in Debian's headers of that release (compat/include stands in for
#         headers the release lacks).
#
# Then checkpatch --strict on the driver and its headers, and the UAPI
# header exported with headers_install and compiled as C90. Prints TAP.
# The trees are cached in $BUILD/intree, each unpacked (and patched) once.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}/intree
srcdir=${P2PDAX_SRC:-/var/lib/p2pdax/src}
kernels=${P2PDAX_KERNELS:-/var/lib/p2pdax/kernels}
series=$root/patches/upstream

n=0 failed=0
# fail DESC: a "not ok" line.
fail() {
	n=$((n + 1))
	echo "not ok $n - $1"
	failed=$((failed + 1))
}

t() {
	desc=$1
	shift
	if "$@" > "$build/step.log" 2>&1; then
		n=$((n + 1))
		echo "ok $n - $desc"
		return 0
	fi
	fail "$desc"
	sed 's/^/# /' "$build/step.log" | tail -n 40
	return 1
}

# first GLOB...: the first file that exists, or nothing.
first() {
	for f in "$@"; do
		[ -e "$f" ] && { echo "$f"; return; }
	done
}

mkdir -p "$build"

# unpack REL TARBALL [PATCHES...]: the tree of release REL in $build,
# unpacked and patched once (the marker holds what it was made from).
unpack() {
	rel=$1 tarball=$2
	shift 2
	src=$build/linux-source-$rel
	key=$( { echo "$tarball"; stat -c %s.%Y "$tarball"; cat "$@" </dev/null; } | sha256sum | cut -c1-16)
	[ "$(cat "$src/.p2pdax-pristine" 2>/dev/null)" = "$key" ] && return 0
	rm -rf "$src" "$build/unpack" &&
	mkdir -p "$build/unpack" &&
	tar -xf "$tarball" -C "$build/unpack" &&
	mv "$build/unpack/linux-source-$rel" "$src" &&
	rmdir "$build/unpack" || return 1
	for p in "$@"; do
		patch -d "$src" -p1 -s -N < "$p" || { echo "$p does not apply"; return 1; }
	done
	(cd "$src" && cp drivers/dax/Kconfig drivers/dax/Kconfig.orig &&
	 cp drivers/dax/Makefile drivers/dax/Makefile.orig) &&
	echo "$key" > "$src/.p2pdax-pristine"
}

splice() {
	# Kconfig: the entry goes before the closing "endif" of "if DAX".
	awk -v entry="$root/drivers/dax/Kconfig" '
		{ lines[NR] = $0; if ($0 ~ /^endif/) last = NR }
		END {
			for (i = 1; i <= NR; i++) {
				if (i == last)
					while ((getline l < entry) > 0)
						if (l !~ /^#/) print l
				print lines[i]
			}
		}' "$src/drivers/dax/Kconfig.orig" > "$src/drivers/dax/Kconfig" &&
	{ cat "$src/drivers/dax/Makefile.orig" &&
	  grep -v '^#' "$root/drivers/dax/Makefile"; } > "$src/drivers/dax/Makefile" &&
	cp "$root/drivers/dax/pci_p2p.c" "$src/drivers/dax/" &&
	cp "$root/include/linux/dax_pci_p2p.h" "$src/include/linux/" &&
	cp "$root/include/uapi/linux/p2pdax.h" "$src/include/uapi/linux/"
}

configure() {
	# Debian's config names its signing keys, which the source does not
	# ship; its gcc-14 options give way to this compiler's.
	cp "$config" "$src/.config" &&
	"$src/scripts/config" --file "$src/.config" \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--module DEV_DAX_PCI_P2P &&
	make -C "$src" -s olddefconfig &&
	grep -qx 'CONFIG_DEV_DAX_PCI_P2P=m' "$src/.config"
}

# compat_for HEADERS: compat/compat.h with the feature macros of the kernel
# whose headers are HEADERS, in $build/compat-$rel, and the flags that
# force-include it.
compat_for() {
	dir=$build/compat-$rel
	mkdir -p "$dir" &&
	cp "$root/compat/compat.h" "$dir/" &&
	"$root/scripts/features.sh" "$1" > "$dir/dax_pci_p2p_features.h" &&
	echo "-include $dir/compat.h -idirafter $root/compat/include"
}

# The object must build, and neither the compiler (W=1) nor sparse may say
# anything about it.
compile() {
	rm -f "$src/drivers/dax/pci_p2p.o"
	make -C "$src" W=1 C=1 KCFLAGS="$kcflags" drivers/dax/pci_p2p.o \
		> "$build/compile.log" 2>&1
	rc=$?
	cat "$build/compile.log"
	[ $rc = 0 ] &&
		! grep -E '(pci_p2p\.c|dax_pci_p2p\.h|compat\.h|iommu-dma\.h):[0-9]+:([0-9]+:)? (warning|error)' \
			"$build/compile.log"
}

# tree REL TARBALL CONFIG HEADERS [PATCHES...]: the in-tree build in the
# tree of release REL; HEADERS "-" for no compat/.
tree() {
	rel=$1 tarball=$2 config=$3 headers=$4
	shift 4
	src=$build/linux-source-$rel
	if [ -z "$tarball" ] || [ -z "$config" ] || { [ "$headers" != - ] && [ ! -d "$headers" ]; }; then
		fail "$rel: its source, Debian's config and headers (make deps)"
		return
	fi
	t "$rel: unpack $(basename "$tarball")${1:+ and apply the series}" unpack "$rel" "$tarball" "$@" &&
	t "$rel: splice the driver into the tree" splice &&
	t "$rel: Kconfig: DEV_DAX_PCI_P2P=m survives olddefconfig" configure &&
	t "$rel: prepare the tree" make -C "$src" -s -j"$(nproc)" modules_prepare ||
		return 0
	kcflags=
	if [ "$headers" != - ]; then
		kcflags=$(compat_for "$headers") || {
			fail "$rel: feature macros from $headers"
			return 0
		}
	fi
	t "$rel: in-tree build of drivers/dax/pci_p2p.o (W=1, sparse${kcflags:+, compat/compat.h})" compile ||
		:
}

# The series, without its cover letter.
patches=$(ls "$series"/0[0-9][0-9][0-9]-*.patch | grep -v '/0000-')
tree 7.3 "$(first "$srcdir"/linux-source-7.3.tar.*)" \
	"$(first "$kernels"/7.3.*/boot/config-7.3.*)" - $patches
src73=$src
tree 6.12 "$(first /usr/src/linux-source-6.12.tar.*)" \
	"$(first /boot/config-6.12.*)" "$(first /usr/src/linux-headers-6.12.*-amd64)"
tree 6.1 "$(first /usr/src/linux-source-6.1.tar.*)" \
	"$(first /boot/config-6.1.*)" "$(first /usr/src/linux-headers-6.1.*-amd64)"

# The UAPI header as the newest kernel exports it (headers_install strips
# and checks it), compiled the way usr/include/Makefile tests exported
# headers.
uapi() {
	make -C "$src73" -s headers &&
	gcc -std=c90 -Wall -Werror -fsyntax-only -I "$src73/usr/include" \
		-include "$src73/usr/include/linux/p2pdax.h" -x c /dev/null
}

# Paths relative to the tree, as checkpatch knows UAPI headers by their path.
checkpatch() (
	cd "$root" &&
	perl "$src73/scripts/checkpatch.pl" --no-tree --strict -q -f \
		drivers/dax/pci_p2p.c include/linux/dax_pci_p2p.h \
		include/uapi/linux/p2pdax.h
)

t "checkpatch --strict (7.3): the driver and its headers" checkpatch || :
t "UAPI: headers_install (7.3) exports linux/p2pdax.h, which compiles as C90" uapi || :

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
