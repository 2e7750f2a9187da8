#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the stress guest has powered off: check bar.img, the file behind the
# BAR. The guest prints "# bar-expect BASE OFF LEN SEED WHAT" for every range
# it left data in (what each churn process last wrote, dax0.0's head and
# tail); each must hold that pattern (written from offset 0 of a device at
# BAR offset BASE), the ones the layout promises must be there, and every
# byte outside them must still be zero: nothing was written to the wrong
# place through a re-created device or a rebound BAR. Prints TAP lines.
set -u
here=$(dirname "$0")
. "$here/layout.sh"
. "$here/../qemu/host-lib.sh"
bar=$1/bar.img
results=${P2PDAX_RESULTS:-$1/results.tap}
size=${P2PDAX_BAR_SIZE:-$(stat -c %s "$bar")}
stress_layout "$size"


mapfile -t expects < <(tr -d '\r' < "$results" 2>/dev/null | sed -n 's/^# bar-expect //p')

# have WHAT-PATTERN BAR_OFF: the guest reported a range of WHAT at BAR_OFF.
have() {
	local e
	for e in "${expects[@]}"; do
		read -r _ o _ _ w <<<"$e"
		if [ "$o" = "$2" ] && [[ $w == $1 ]]; then
			return 0
		fi
	done
	return 1
}
want() {
	if have "$1" "$2"; then
		ok "the guest reported what it left in $1 at BAR offset $2"
	else
		not_ok "the guest reported what it left in $1 at BAR offset $2"
	fi
}
want "bind/unbind churn" "$C1_OFF"
if [ "$CARVE" = 1 ]; then
	want "create/destroy churn" "$SEED_SIZE"
	want "dax*.0 head" 0
	want "dax*.0 tail" $((SEED_SIZE - H_LEN))
fi

ranges=()
for e in "${expects[@]}"; do
	read -r base o l s w <<<"$e"
	t "bar.img holds $w's seed $s at [$o, $((o + l)))" check -b "$base" "$bar" "$o" "$l" "$s"
	ranges+=("$o $((o + l))")
done

# Every byte outside the reported ranges is zero.
pos=0
while read -r a b; do
	if [ "$a" -gt "$pos" ]; then
		t "bar.img is zero at [$pos, $a)" zero "$bar" "$pos" $((a - pos))
	fi
	[ "$b" -le "$pos" ] || pos=$b
done < <(printf '%s\n' ${ranges[@]+"${ranges[@]}"} | sed '/^$/d' | sort -n -k1,1)
if [ "$pos" -lt "$size" ]; then
	t "bar.img is zero at [$pos, $size)" zero "$bar" "$pos" $((size - pos))
fi
