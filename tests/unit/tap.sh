# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the shell unit tests (sourced). Needs $T, a scratch directory.

tap_n=0
tap_failed=0

ok() { tap_n=$((tap_n + 1)); printf 'ok %d - %s\n' $tap_n "$*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); printf 'not ok %d - %s\n' $tap_n "$*"; }
skip() { tap_n=$((tap_n + 1)); printf 'ok %d - %s # SKIP %s\n' $tap_n "$1" "$2"; }
diag() { sed 's/^/# /' "$@"; }

# expect DESC STATUS PATTERN CMD [ARG...]: CMD must exit with STATUS and its
# output (stdout and stderr together) must match the extended regular
# expression PATTERN ("" matches anything). The output is left in $T/out.
expect() {
	desc=$1 want=$2 pat=$3
	shift 3
	"$@" > "$T/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ] && { [ -z "$pat" ] || grep -Eq -- "$pat" "$T/out"; }; then
		ok "$desc"
	else
		not_ok "$desc"
		printf '# exit status %s (want %s), output (must match /%s/):\n' $rc $want "$pat"
		diag "$T/out"
	fi
}

# check DESC CMD [ARG...]: CMD must succeed.
check() {
	desc=$1
	shift
	if "$@" > "$T/out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "$T/out"
	fi
}

# flip FILE OFF: invert every bit of the byte at OFF.
flip() {
	v=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((v ^ 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# poke FILE OFF: set the byte at OFF to 1.
poke() {
	printf '\001' | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

filesize() { wc -c < "$1" | tr -d ' '; }

# fake_dax_dev: a regular file that the tools take for a 64 MiB, 2 MiB-aligned
# device-dax device: $dev (T/dax5.0), with its sysfs attributes in $attrs
# under P2PDAX_SYSFS=$T/sys (exported).
fake_dax_dev() {
	export P2PDAX_SYSFS="$T/sys"
	dev=$T/dax5.0
	attrs=$P2PDAX_SYSFS/bus/dax/devices/dax5.0
	mkdir -p "$attrs"
	echo 2097152 > "$attrs/align"
	echo 67108864 > "$attrs/size"
	truncate -s 64M "$dev"
}

# wait_for TENTHS CMD...: poll CMD every 0.1 s.
wait_for() {
	n=$1
	shift
	while ! "$@" 2>/dev/null; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.1
	done
}

done_testing() {
	echo "1..$tap_n"
	[ $tap_failed = 0 ]
}
