#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Judge a finished guest run from its two serial logs and print TAP lines
# (unnumbered: run-suite.sh numbers them):
#
#   ok - kernel log has no Call Trace / BUG: / WARNING: / Oops / ...
#       not ok quotes the first offending console line, with the 20 lines
#       around it as "# " comments.
#   ok - guest reached end marker
#       results.tap holds the "P2PDAX-END rc=N" line /init prints after
#       /tests/run.sh; missing if the guest panicked, hung or was killed.
#   ok - guest /tests/run.sh exited 0
#       only when the marker is there: a script that died half-way (say an
#       unset variable under "set -u") stops printing test lines but cannot
#       hide its exit status.
#
# Exits 0 whatever it found (2 on bad usage): the verdict is in the TAP.
set -euo pipefail

PROG=${0##*/}

usage() {
	echo "usage: $PROG CONSOLE_LOG RESULTS_TAP"
}

case ${1:-} in
-h | --help) usage; exit 0 ;;
esac
if [ $# -ne 2 ]; then
	echo "$PROG: expected 2 arguments, got $#" >&2
	usage >&2
	exit 2
fi
console=$1 results=$2

# What a kernel prints when something went wrong. Matched case-sensitively
# as fixed strings, so "oops=panic" on the command line is no match.
patterns=(
	'Call Trace'
	'BUG:'
	'kernel BUG at'
	'WARNING:'
	'Oops'
	'Kernel panic'
	'general protection'
	'hung task'
	'hung_task'
	'blocked for more than'
	'UBSAN:'
	# page table corruption (pgd_clear_bad() and friends), e.g. an
	# mremap of a populated 1 GiB dax mapping on 6.1
	'bad pgd'
	'bad p4d'
	'bad pud'
	'bad pmd'
)
desc='kernel log has no Call Trace / BUG: / WARNING: / Oops / Kernel panic / general protection / hung task / bad page table'

# tap_escape TEXT: a "#" in a description would start a TAP directive.
tap_escape() {
	printf '%s' "$1" | sed 's/#/\\#/g'
}

if [ ! -r "$console" ]; then
	echo "not ok - $desc"
	echo "# console log $console missing"
else
	grep_args=()
	for p in "${patterns[@]}"; do
		grep_args+=(-e "$p")
	done
	first=$(tr -d '\r' <"$console" | grep -n -F "${grep_args[@]}" | head -n 1) || true
	if [ -z "$first" ]; then
		echo "ok - $desc"
	else
		n=${first%%:*}
		line=${first#*:}
		echo "not ok - $desc: \"$(tap_escape "$line")\""
		from=$((n > 10 ? n - 10 : 1))
		echo "# $console lines $from-$((n + 10)):"
		tr -d '\r' <"$console" | sed -n "${from},$((n + 10))p" | sed 's/^/#   /'
	fi
fi

end=''
if [ -r "$results" ]; then
	end=$(tr -d '\r' <"$results" | grep -E '^P2PDAX-END rc=[0-9]+' | tail -n 1) || true
fi
if [ -n "$end" ]; then
	echo "ok - guest reached end marker"
	rc=${end#P2PDAX-END rc=}
	rc=${rc%% *}
	if [ "$rc" = 0 ]; then
		echo "ok - guest /tests/run.sh exited 0"
	else
		echo "not ok - guest /tests/run.sh exited 0 (exit status $rc)"
	fi
elif [ -r "$results" ]; then
	echo "not ok - guest reached end marker"
	echo "# no P2PDAX-END line in $results"
else
	echo "not ok - guest reached end marker"
	echo "# $results missing"
fi
exit 0
