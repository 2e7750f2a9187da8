#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prove the in-tree form: splice drivers/dax/{Kconfig,Makefile} entries,
# pci_p2p.c, include/linux/dax_pci_p2p.h and include/uapi/linux/p2pdax.h into
# Debian's linux-source-6.1, configure it like Debian's kernel plus
# CONFIG_DEV_DAX_PCI_P2P=m, and build the object there against the tree's own
# drivers/dax/bus.h, with sparse and W=1; then run checkpatch --strict on the
# driver and its headers, and export the UAPI header with headers_install
# and compile it as C90. Prints TAP.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}/intree
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
config=$(ls /boot/config-6.1.* 2>/dev/null | head -n 1)
[ -n "$tarball" ] || { echo "intree-check: no /usr/src/linux-source-6.1.tar.*: install linux-source-6.1" >&2; exit 1; }
[ -n "$config" ] || { echo "intree-check: no /boot/config-6.1.*: install linux-image-amd64" >&2; exit 1; }

n=0 failed=0
t() {
	desc=$1
	shift
	n=$((n + 1))
	if "$@" > "$build/step.log" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		sed 's/^/# /' "$build/step.log" | tail -n 40
		failed=$((failed + 1))
	fi
}

mkdir -p "$build"
src=$build/linux-source-6.1
if [ ! -f "$src/.p2pdax-pristine" ]; then
	rm -rf "$src"
	tar -xf "$tarball" -C "$build"
	touch "$src/.p2pdax-pristine"
	(cd "$src" && cp drivers/dax/Kconfig drivers/dax/Kconfig.orig &&
	 cp drivers/dax/Makefile drivers/dax/Makefile.orig)
fi

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
	# Debian's config names its signing keys, which the source does not ship.
	cp "$config" "$src/.config" &&
	"$src/scripts/config" --file "$src/.config" \
		--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS "" \
		--module DEV_DAX_PCI_P2P &&
	make -C "$src" -s olddefconfig &&
	grep -qx 'CONFIG_DEV_DAX_PCI_P2P=m' "$src/.config"
}

# The object must build, and neither the compiler (W=1) nor sparse may say
# anything about it.
compile() {
	rm -f "$src/drivers/dax/pci_p2p.o"
	# A v6.1 tree: the caller of alloc_dax_region() drops a reference
	# there, and get_dev_pagemap() takes a page map to start from (the
	# in-tree default follows current kernels).
	make -C "$src" W=1 C=1 \
		KCFLAGS="-DDAX_PCI_P2P_HAVE_DAX_REGION_PUT -DDAX_PCI_P2P_HAVE_GET_DEV_PAGEMAP_PGMAP_ARG" \
		drivers/dax/pci_p2p.o > "$build/compile.log" 2>&1
	rc=$?
	cat "$build/compile.log"
	[ $rc = 0 ] &&
		! grep -E '(pci_p2p\.c|dax_pci_p2p\.h):[0-9]+:([0-9]+:)? (warning|error)' "$build/compile.log"
}

t "splice the driver into linux-source-6.1" splice
t "Kconfig: DEV_DAX_PCI_P2P=m survives olddefconfig" configure
t "prepare the tree" make -C "$src" -s -j"$(nproc)" modules_prepare
t "in-tree build of drivers/dax/pci_p2p.o (W=1, sparse)" compile
# The UAPI header as the kernel exports it (headers_install strips and
# checks it), compiled the way usr/include/Makefile tests exported headers.
uapi() {
	make -C "$src" -s headers &&
	gcc -std=c90 -Wall -Werror -fsyntax-only -I "$src/usr/include" \
		-include "$src/usr/include/linux/p2pdax.h" -x c /dev/null
}

# Paths relative to the tree, as checkpatch knows UAPI headers by their path.
checkpatch() (
	cd "$root" &&
	perl "$src/scripts/checkpatch.pl" --no-tree --strict -q -f \
		drivers/dax/pci_p2p.c include/linux/dax_pci_p2p.h \
		include/uapi/linux/p2pdax.h
)

t "checkpatch --strict: the driver and its headers" checkpatch
t "UAPI: headers_install exports linux/p2pdax.h, which compiles as C90" uapi

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
