#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: run.sh BUILD_DIR [NAME...]
# Runs every host unit test (or only those NAMEd, as in the run lines below),
# merges their TAP into one stream (renumbered, each description prefixed
# with its program) and ends with the line
# "N passed, N failed". Skipped tests count as neither and are reported on a
# "# N skipped" line before it. A program that dies, exits non-zero without a
# failing test, or runs other than the tests it planned, counts as a failure.
# Exit status: 0 if nothing failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
B=$1
shift
only=" $* "
out=$(mktemp "${TMPDIR:-/tmp}/p2pdax-unit-run.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT INT TERM

n=0 passed=0 failed=0 skipped=0

run() {
	name=$1
	shift
	case $only in
	"  " | *" $name "*) ;;
	*) return 0 ;;
	esac
	"$@" > "$out" 2>&1
	rc=$?
	ran=0 bad=0 plan=
	while IFS= read -r line; do
		case $line in
		"not ok "*)
			n=$((n + 1)) ran=$((ran + 1)) bad=$((bad + 1)) failed=$((failed + 1))
			printf 'not ok %d - %s: %s\n' $n "$name" "${line#not ok * - }"
			;;
		"ok "*)
			n=$((n + 1)) ran=$((ran + 1))
			case $line in
			*" # SKIP"*) skipped=$((skipped + 1)) ;;
			*) passed=$((passed + 1)) ;;
			esac
			printf 'ok %d - %s: %s\n' $n "$name" "${line#ok * - }"
			;;
		1..*)
			plan=${line#1..}
			;;
		"#"*)
			printf '%s\n' "$line"
			;;
		*)
			printf '# %s\n' "$line"
			;;
		esac
	done < "$out"
	if [ "$plan" != "$ran" ] || { [ $rc != 0 ] && [ $bad = 0 ]; }; then
		n=$((n + 1)) failed=$((failed + 1))
		echo "not ok $n - $name: exit status $rc, planned ${plan:-no} tests, ran $ran"
	fi
}

run pattern "$B/unit/test_pattern"
run numparse "$B/unit/test_numparse"
run cli "$B/unit/test_cli"
run patcheck sh "$here/test_patcheck.sh" "$B"
run memtype sh "$here/test_memtype.sh" "$B"
run guest sh "$here/test_daxtool.sh" "$B"
run uapi sh "$here/test_uapi.sh" "$B"
run p2ptool sh "$here/test_p2ptool.sh" "$B"
run consumers sh "$here/test_consumer_tools.sh" "$B"
run daxmap-lib "$B/unit/test_daxmap_lib"
run daxmap sh "$here/test_daxmap.sh" "${DAXMAP:-$B/daxmap/daxmap}"

echo "1..$n"
echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
