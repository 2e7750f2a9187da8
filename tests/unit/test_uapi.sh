#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: test_uapi.sh BUILD_DIR
# include/uapi/linux/p2pdax.h as a UAPI header: its license line; that it
# compiles on its own as C89, C99, GNU11 and C++ without a warning; that
# uapi_check.c's compile-time checks hold (the first version's layout field
# by field, the ioctl numbers and the sizes they encode); that no structure
# has implicit padding and every size is a multiple of 8, on 64 and 32
# bits, with the same sizes on both; that every structure has a kerneldoc
# comment and kernel-doc finds nothing to warn about. TAP on stdout.
#
# kernel-doc is BUILD_DIR/kdoc/kernel-doc, which the Makefile extracts from
# the kernel source tarball; 6.1's has no -Wall, its -v turns on the same
# extra warnings. CC and CXX (default gcc, g++) are the compilers.
set -u
here=$(cd "$(dirname "$0")" && pwd)
INC=$(cd "$here/../../include/uapi" && pwd)
H=$INC/linux/p2pdax.h
CHECK_C=$here/uapi_check.c
KDOC=$1/kdoc/kernel-doc
CC=${CC:-gcc}
CXX=${CXX:-g++}
T=$(mktemp -d "${TMPDIR:-/tmp}/p2pdax-uapi.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
. "$here/tap.sh"

WARN="-Wall -Wextra -Werror"

# ------------------------------------------------------------ the file
check "SPDX line: GPL-2.0 WITH Linux-syscall-note" \
	grep -qx '/\* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note \*/' "$H"
# Only the kernel's own UAPI headers: anything else would not be there
# for a program built against the installed headers.
expect "includes only <linux/ioctl.h> and <linux/types.h>" 0 '' \
	sh -c "! grep '^#[[:space:]]*include' '$H' | grep -v -e '<linux/ioctl.h>' -e '<linux/types.h>'"
expect "fixed-size __u8/__u16/__u32/__u64 fields only" 0 '' \
	sh -c "! sed -n '/^struct .* {/,/^};/p' '$H' | grep -Ev '^struct|^};|^[[:space:]]+(__u8|__u16|__u32|__u64|struct p2pdax_[a-z_]+) [a-z_0-9]+(\[[A-Z_0-9]+\])?;'"

# -------------------------------------------------- compiles on its own
printf '#include <linux/p2pdax.h>\n' > "$T/alone.c"
for std in c89 c99 gnu11; do
	check "alone, -std=$std -pedantic $WARN" \
		$CC -std=$std -pedantic $WARN -I"$INC" -fsyntax-only "$T/alone.c"
	check "uapi_check.c, -std=$std -pedantic -Wpadded $WARN" \
		$CC -std=$std -pedantic -Wpadded $WARN -I"$INC" -fsyntax-only "$CHECK_C"
done
check "alone, C++ $WARN" $CXX -x c++ $WARN -I"$INC" -fsyntax-only "$T/alone.c"
check "uapi_check.c, C++ -pedantic -Wpadded $WARN" \
	$CXX -x c++ -pedantic -Wpadded $WARN -I"$INC" -fsyntax-only "$CHECK_C"

# The checks catch what they are meant to: a wrong pinned size, padding.
sed 's/#define V1_INFO[[:space:]]*120/#define V1_INFO 128/' "$CHECK_C" > "$T/wrong.c"
expect "control: uapi_check.c with a wrong size does not compile" 1 'check_line_' \
	$CC -std=gnu11 -I"$INC" -fsyntax-only "$T/wrong.c"
printf '#include <linux/types.h>\nstruct padded { __u32 a; __u64 b; };\nstruct padded x;\n' \
	> "$T/padded.c"
expect "control: -Wpadded -Werror refuses implicit padding" 1 'padding' \
	$CC -std=gnu11 -Wpadded -Werror -c -o "$T/padded.o" "$T/padded.c"

# --------------------------------------------------- sizes, 64 and 32 bits
# One array the size of each structure the header defines, so that nm -S
# shows every size, new structures included.
structs=$(sed -n 's/^struct \([a-z_0-9]*\) {$/\1/p' "$H")
{
	echo '#include <linux/p2pdax.h>'
	for s in $structs; do
		echo "char size_of_$s[sizeof(struct $s)];"
	done
} > "$T/sizes.c"

# sizes OUT CFLAGS...: the structure sizes, "name size" per line, in OUT.
sizes() {
	out=$1
	shift
	$CC "$@" -std=gnu11 -Wpadded $WARN -fno-common -I"$INC" -c -o "$T/sizes.o" "$T/sizes.c" \
		> "$T/cc.out" 2>&1 || return 1
	nm -S "$T/sizes.o" | sed -n 's/^[0-9a-f]* \([0-9a-f]*\) [A-Za-z] size_of_\(.*\)/\2 \1/p' |
		while read -r name hex; do echo "$name $((0x$hex))"; done | sort > "$out"
}

if sizes "$T/s64" -m64; then
	ok "64-bit: no structure has implicit padding (-Wpadded)"
	n=$(wc -l < "$T/s64")
	if [ "$n" -gt 0 ] && [ "$n" = "$(echo "$structs" | wc -w)" ]; then
		ok "64-bit: the size of each of the $n structures"
	else
		not_ok "64-bit: the size of each structure: nm found $n of $(echo $structs)"
	fi
	bad=$(awk '$2 % 8 { printf " %s (%d)", $1, $2 }' "$T/s64")
	if [ -z "$bad" ]; then
		ok "every structure size is a multiple of 8: $(tr '\n' ' ' < "$T/s64")"
	else
		not_ok "structure sizes that are not multiples of 8:$bad"
	fi
else
	not_ok "64-bit: no structure has implicit padding (-Wpadded)"
	diag "$T/cc.out"
fi

# 32 bits: gcc -m32 needs only the compiler for a header-only object, but
# <linux/types.h> needs <asm/types.h>, which gcc-multilib (through
# linux-libc-dev:i386) puts where -m32 looks. Without it, x86's asm UAPI
# headers of the 64-bit installation serve: they are one set for both ABIs
# (arch/x86/include/uapi/asm tests __i386__ / __x86_64__ itself).
m32=
if sizes "$T/s32" -m32; then
	m32="-m32"
else
	ma=$($CC -print-multiarch 2>/dev/null)
	if [ "$ma" = x86_64-linux-gnu ] && [ -d "/usr/include/$ma/asm" ] &&
	   sizes "$T/s32" -m32 -I"/usr/include/$ma"; then
		m32="-m32 -I/usr/include/$ma"
		echo "# -m32 with x86's asm UAPI headers from /usr/include/$ma (no gcc-multilib)"
	fi
fi
if [ -z "$m32" ]; then
	skip "32-bit: no implicit padding, the same sizes" \
		"$CC -m32 cannot compile against <linux/types.h> here (install gcc-multilib)"
	skip "32-bit: uapi_check.c" "no working $CC -m32 (install gcc-multilib)"
else
	ok "32-bit: no structure has implicit padding (-Wpadded, $m32)"
	# shellcheck disable=SC2086
	expect "control: $m32 is i386: struct { __u32 a; __u64 b; } has no padding" 0 '' \
		$CC $m32 -std=gnu11 -Wpadded -Werror -c -o "$T/padded.o" "$T/padded.c"
	if cmp -s "$T/s64" "$T/s32"; then
		ok "32-bit: the same sizes as 64-bit"
	else
		not_ok "32-bit: the same sizes as 64-bit"
		diff "$T/s64" "$T/s32" | sed 's/^/# /'
	fi
	# shellcheck disable=SC2086
	check "32-bit: uapi_check.c, -Wpadded $WARN" \
		$CC $m32 -std=gnu11 -pedantic -Wpadded $WARN -I"$INC" -fsyntax-only "$CHECK_C"
fi

# ------------------------------------------------------------- kerneldoc
# kdoc_own FILE: every "struct NAME {" right after a "/**" comment whose
# first line is " * struct NAME - ..."; prints the ones that are not.
kdoc_own() {
	awk '
		/^\/\*\*$/ { doc = ""; indoc = 1; next }
		indoc && doc == "" && /^ \* struct [a-z_0-9]+ - / { doc = $3 }
		indoc && /^ \*\/$/ { indoc = 0; last = doc; lastline = NR; next }
		/^struct [a-z_0-9]+ \{$/ {
			if (last != $2 || lastline != NR - 1)
				printf "struct %s (line %d) has no kerneldoc comment of its own\n", $2, NR
			n++
		}
		END { if (!n) print "no structures found" }
	' "$1"
}

kdoc_own "$H" > "$T/kdoc-own"
if [ -s "$T/kdoc-own" ]; then
	not_ok "every structure has a kerneldoc comment"
	diag "$T/kdoc-own"
else
	ok "every structure has a kerneldoc comment ($(echo $structs))"
fi
sed 's/^ \* struct p2pdax_port - / * struct p2pdax_ports - /' "$H" > "$T/misnamed.h"
expect "control: a comment naming another structure is no kerneldoc of its own" 0 \
	'^struct p2pdax_port \(line [0-9]+\) has no kerneldoc' kdoc_own "$T/misnamed.h"

if [ ! -r "$KDOC" ]; then
	skip "kernel-doc -v -none: no warnings" "$KDOC not found (the Makefile extracts it from linux-source-6.1)"
	skip "control: kernel-doc sees an undocumented member" "$KDOC not found"
elif ! command -v perl > /dev/null; then
	skip "kernel-doc -v -none: no warnings" "perl not found"
	skip "control: kernel-doc sees an undocumented member" "perl not found"
else
	# -v prints an "info:" line per structure; anything else is a complaint.
	perl "$KDOC" -v -none -Werror "$H" > "$T/kdoc" 2>&1
	rc=$?
	if [ $rc = 0 ] && ! grep -qv ': info: Scanning doc for ' "$T/kdoc"; then
		ok "kernel-doc -v -none: no warnings"
	else
		not_ok "kernel-doc -v -none: no warnings (exit status $rc)"
		diag "$T/kdoc"
	fi
	grep -v '^ \* @contig:' "$H" > "$T/undoc.h"
	expect "control: kernel-doc sees an undocumented member" 1 "contig.*not described" \
		perl "$KDOC" -v -none -Werror "$T/undoc.h"
fi

done_testing
