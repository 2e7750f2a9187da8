#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make upstream-check: the kernel series of patches/upstream/ on the 7.3
# source, proven in QEMU.
#
#   1. Debian's linux-source-7.3 (the tarball scripts/install-deps.sh keeps
#      in $P2PDAX_SRC) becomes a git tree; the series is applied with
#      `git am`, and the kernel is built after the base and after every
#      patch (x86_64_defconfig plus patches/upstream/qemu.config): each
#      patch builds on its own. checkpatch.pl --strict checks every patch.
#   2. The kernel of the whole series (7.3.4-p2pdax) is installed for the
#      guest harness, dax_pci_p2p and the test modules are built against it.
#   3. Every reproducer of patches/upstream/repro runs on Debian's stock
#      7.3 kernel, one boot each, and must fail there; then all of them run
#      in one boot of the patched kernel and must pass. The guest suites
#      (guest, carve, memtype, stress, p2p) run on the patched kernel too.
#
# The kernel build is cached outside the clone, in $P2PDAX_UPSTREAM
# (default /var/lib/p2pdax/upstream): the git tree, the build directory
# (incremental) and the installed kernel, keyed by the source tarball, the
# series and the config. An unchanged key skips step 1 and the install.
#
# Output: TAP, with a final "N passed, N failed" line; exit status 0 only if
# nothing failed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERIES=$ROOT/patches/upstream
CACHE=${P2PDAX_UPSTREAM:-/var/lib/p2pdax/upstream}
SRCDIR=${P2PDAX_SRC:-/var/lib/p2pdax/src}
STOCK_KVERS=${P2PDAX_KERNELS:-/var/lib/p2pdax/kernels}
BUILD=${P2PDAX_BUILD:-$ROOT/build}
JOBS=$(($(nproc) + 1))
# Set, even empty, it keeps setlocalversion from adding "+" for a git tree
# that is not at a release tag: the release is 7.3.4 plus qemu.config's
# CONFIG_LOCALVERSION.
export LOCALVERSION=

TARBALL=$SRCDIR/linux-source-7.3.tar.xz

src=$CACHE/linux-source-7.3
obj=$CACHE/build
kernels=$CACHE/kernels
modules=$CACHE/modules
logs=$CACHE/logs

n=0 pass=0 fail=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
diag() { sed -e 's/^/# /' "$@"; }
die() { echo "upstream-check: $*" >&2; echo "Bail out! $*"; exit 1; }
# step NAME LOG CMD...: run CMD with its output in LOG; ok or not ok, with
# the end of LOG as diagnostics when it failed.
step() {
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		ok "$name"
		return 0
	fi
	not_ok "$name"
	tail -n 30 "$log" | diag
	return 1
}

[ -r "$TARBALL" ] || die "$TARBALL not found: run make deps (scripts/install-deps.sh)"
mapfile -t patches < <(ls "$SERIES"/[0-9][0-9][0-9][0-9]-*.patch | grep -v '/0000-cover-letter\.patch$')
[ ${#patches[@]} -gt 0 ] || die "no patches in $SERIES"
mkdir -p "$CACHE" "$logs"

echo "TAP version 13"

# The git tree of the base, made once per tarball.
tarsum=$(sha256sum "$TARBALL" | cut -c1-16)
if [ "$(cat "$src/.p2pdax-base" 2>/dev/null)" != "$tarsum" ]; then
	echo "# unpacking $TARBALL into a git tree (once per tarball)"
	rm -rf "$src" "$obj"
	mkdir -p "$src"
	tar -xJf "$TARBALL" -C "$src" --strip-components=1
	git -C "$src" init -q
	git -C "$src" add -f -A .  # Debian's .gitignore ignores the top level
	git -C "$src" -c user.name=p2pdax -c user.email=p2pdax@localhost \
		commit -q -m "Debian linux-source-7.3 ($(make -s -C "$src" kernelversion))"
	git -C "$src" tag -f base >/dev/null
	echo "$tarsum" >"$src/.git/p2pdax-base"
	mv "$src/.git/p2pdax-base" "$src/.p2pdax-base"
	# Not part of the tree: git status stays clean.
	echo ".p2pdax-base" >>"$src/.git/info/exclude"
fi

key=$( (echo "$tarsum"; cat "${patches[@]}" "$SERIES/qemu.config") | sha256sum | cut -c1-16)
kver=$(make -s -C "$src" kernelversion)-p2pdax
kroot=$kernels/$kver

if [ "$(cat "$kroot/.p2pdax-key" 2>/dev/null)" = "$key" ]; then
	echo "# the kernel of this series and config is built already ($kroot, key $key)"
else
	rm -rf "$kroot"
	git -C "$src" am --abort >/dev/null 2>&1 || true
	# A branch of its own: the tree may hold other work.
	git -C "$src" checkout -q -f -B upstream-check base
	git -C "$src" clean -qfdx -e .p2pdax-base
	mkdir -p "$obj"
	configure() {
		make -C "$src" O="$obj" x86_64_defconfig &&
			"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
				"$SERIES/qemu.config" &&
			make -C "$src" O="$obj" olddefconfig &&
			# The fragment holds: what it sets is set, what it turns
			# off is not (or not even offered).
			grep -E '^(CONFIG_|# CONFIG_[A-Z0-9_]+ is not set)' "$SERIES/qemu.config" |
			while read -r line; do
				case $line in
				CONFIG_*) grep -qxF "$line" "$obj/.config" ;;
				*) sym=${line#\# }; sym=${sym%% *}; ! grep -q "^$sym=" "$obj/.config" ;;
				esac || { echo "qemu.config does not hold in .config: $line"; exit 1; }
			done
	}
	kbuild() { make -C "$src" O="$obj" -j"$JOBS" bzImage modules; }
	step "configure x86_64_defconfig + qemu.config" "$logs/config.log" configure ||
		die "the kernel cannot be configured: $logs/config.log"
	step "the base builds ($(git -C "$src" log -1 --format=%s))" "$logs/build-base.log" kbuild ||
		die "the base does not build: $logs/build-base.log"
	for p in "${patches[@]}"; do
		name=$(basename "$p" .patch)
		if ! step "$name: git am" "$logs/$name.am.log" \
			git -C "$src" -c user.name=p2pdax -c user.email=p2pdax@localhost am -q "$p"; then
			git -C "$src" am --abort >/dev/null 2>&1 || true
			die "$name does not apply"
		fi
		step "$name: builds on its own" "$logs/$name.build.log" kbuild ||
			die "$name does not build"
	done
	install_kernel() {
		mkdir -p "$kroot/boot" &&
			cp "$obj/arch/x86/boot/bzImage" "$kroot/boot/vmlinuz-$kver" &&
			make -C "$src" O="$obj" INSTALL_MOD_PATH="$kroot" modules_install &&
			rm -f "$kroot/lib/modules/$kver/build" "$kroot/lib/modules/$kver/source"
	}
	step "install $kver into $kroot" "$logs/install.log" install_kernel ||
		die "install failed"
	[ "$(cat "$obj/include/config/kernel.release")" = "$kver" ] ||
		die "the kernel built is $(cat "$obj/include/config/kernel.release"), not $kver"
	echo "$key" >"$kroot/.p2pdax-key"
fi

# checkpatch on every patch of the series. The tree has no history, so a
# Fixes: id cannot be looked up (UNKNOWN_COMMIT_ID): that is the one check
# left out; the ids are mainline's.
for p in "${patches[@]}"; do
	name=$(basename "$p" .patch)
	step "$name: checkpatch.pl --strict" "$logs/$name.checkpatch.log" \
		perl "$src/scripts/checkpatch.pl" --strict --no-tree --ignore UNKNOWN_COMMIT_ID \
		--root="$src" "$p" || true
done

# dax_pci_p2p and the test modules against the patched kernel.
step "dax_pci_p2p builds against $kver" "$logs/module.log" \
	make -C "$ROOT" modules BUILD="$modules" KDIR="$obj" ||
	die "dax_pci_p2p does not build against $kver: $logs/module.log"

# The guest programs (make all built them for make check).
bins=()
for d in guest tools daxmap; do
	[ -d "$BUILD/tests/$d" ] || die "$BUILD/tests/$d not built: run make all first"
	bins+=(--bin "$BUILD/tests/$d")
done

# run_suite KERNELS MODULES KVER SUITE LOG [run-suite args]: one suite, its
# TAP in LOG; returns run-suite's status.
run_suite() {
	local kdir=$1 mdir=$2 k=$3 suite=$4 log=$5
	shift 5
	P2PDAX_KERNELS=$kdir P2PDAX_BUILD=$BUILD "$ROOT/tests/qemu/run-suite.sh" \
		--module-dir "$mdir" "${bins[@]}" --suite "$suite" --kver "$k" "$@" >"$log" 2>&1
}

# The reproducers on stock 7.3: Debian's kernel, as make check tests it,
# with a dax_pci_p2p built to let device_dax serve the BAR at every size
# (compat/bus.h), for (f). A boot that oopses or hangs (a stock kernel may)
# ends at the timeout.
stock=$(ls "$STOCK_KVERS" 2>/dev/null | grep '^7\.3\.' | head -n 1 || true)
repro=$SERIES/repro
mapfile -t cases < <(sed -n 's/^case_\([a-z]\)() *{.*/\1/p' "$repro/run.sh")
[ ${#cases[@]} -gt 0 ] || die "$repro/run.sh defines no case_X()"
stock_kdir=$("$ROOT/scripts/kernels.sh" | awk -v k="/linux-headers-$stock" 'index($1, k)' | head -n 1)
if [ -z "$stock" ] || [ -z "$stock_kdir" ]; then
	not_ok "a stock 7.3 kernel and its headers (make deps)"
elif step "dax_pci_p2p for $stock, device_dax serving every size" "$logs/stock-module.log" \
	make -C "$ROOT" modules BUILD="$CACHE/stock-modules" KDIR="$stock_kdir" \
		KCFLAGS=-DDAX_PCI_P2P_HAVE_DEVICE_DAX_MEMTYPE; then
	for c in "${cases[@]}"; do
		log=$logs/stock-$c.tap
		run_suite "$STOCK_KVERS" "$CACHE/stock-modules" "$stock" "$repro" "$log" \
			--bar-size 2G --timeout 300 --append "p2pdax.repro=$c" || true
		# The case's own checks are tagged "(c)"; a stock kernel must fail
		# one of them (an oops also fails the log checks after it).
		if grep -q "^not ok .*($c) " "$log"; then
			ok "reproducer ($c) fails on stock $stock"
		else
			not_ok "reproducer ($c) fails on stock $stock"
			diag "$log"
		fi
		grep "^\(not \)\?ok .*($c) \|Call Trace\|BUG:\|WARNING:" "$log" | head -n 20 | diag || true
	done
fi

# All of them in one boot of the patched kernel: every line must pass.
log=$logs/patched-repro.tap
# summary LOG: run-suite's "N passed, N failed[, N skipped]" line.
summary() { grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1; }
if run_suite "$kernels" "$modules" "$kver" "$repro" "$log" --bar-size 2G \
	--append "p2pdax.repro=$(IFS=,; echo "${cases[*]}")"; then
	ok "every reproducer passes on $kver ($(summary "$log"))"
else
	not_ok "every reproducer passes on $kver"
	grep '^not ok' "$log" | diag || true
fi

# The guest suites on the patched kernel.
for s in guest carve:2G memtype:2G stress p2p; do
	name=${s%%:*} size=${s#*:}
	[ "$size" != "$s" ] || size=256M
	log=$logs/patched-$name.tap
	if run_suite "$kernels" "$modules" "$kver" "$ROOT/tests/$name" "$log" --bar-size "$size"; then
		ok "suite $name passes on $kver ($(summary "$log"))"
	else
		not_ok "suite $name passes on $kver"
		grep '^not ok' "$log" | diag || true
	fi
done

echo "1..$n"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
