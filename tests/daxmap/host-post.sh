#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Usage: host-post.sh WORKDIR
# After the guest has powered off, from the files behind the devices:
# what daxmap copy moved is in nvme.img and bar.img at the offsets the
# guest gave it, what daxmap verify wrote survived the guest's unbind and
# rebind (except the one word it overwrote to make verify fail), and the
# ranges of every refused copy and bench (past an end, into a read-only
# namespace) are still zero. Prints TAP lines.
set -u
here=$(dirname "$0")
. "$here/layout.sh"
. "$here/../qemu/host-lib.sh"
bar=$1/bar.img
nvme=$1/nvme.img

if [ "$(stat -c %s "$bar")" != $BAR_SIZE ]; then
	echo "not ok - host: bar.img is $BAR_SIZE bytes (the suite runs with the default 256M BAR)"
	exit 0
fi

# dax -> nvme: the words of dax0.1 offset X at NVMe offset X + 3M, and
# still in dax0.1 (BAR offset D1_OFF + X).
for c in "p2p $C_P2P_DAX $C_P2P_NVME $C_P2P_SEED" "--bounce $C_BNC_DAX $C_BNC_NVME $C_BNC_SEED"; do
	set -- $c
	t "copy dax0.1 -> nvme ($1): seed $4 of dax0.1+$(hx $2) at nvme.img $(hx $3)" \
		check -b $(($3 - $2)) "$nvme" $3 $CLEN $4
	t "copy dax0.1 -> nvme ($1): the source still in bar.img at $(hx $((D1_OFF + $2)))" \
		check -b $D1_OFF "$bar" $((D1_OFF + $2)) $CLEN $4
done

# nvme -> dax: what host-pre.sh wrote at NVMe offset X, at dax0.1 offset
# X - 3M, i.e. BAR offset D1_OFF + X - 3M.
for c in "p2p $N_P2P_NVME $N_P2P_DAX $N_P2P_SEED" "--bounce $N_BNC_NVME $N_BNC_DAX $N_BNC_SEED" \
	"read-only-source $N_RO_NVME $N_RO_DAX $N_RO_SEED"; do
	set -- $c
	t "copy nvme -> dax0.1 ($1): seed $4 of nvme.img $(hx $2) at bar.img $(hx $((D1_OFF + $3)))" \
		check -b $((D1_OFF + $3 - $2)) "$bar" $((D1_OFF + $3)) $CLEN $4
	t "copy nvme -> dax0.1 ($1): the source unchanged in nvme.img" \
		check "$nvme" $2 $CLEN $4
done

# verify: dax0.0's range across the rebind; dax0.1's but for one word.
t "verify --fill dax0.0+$(hx $V0_OFF) (seed $V0_SEED) in bar.img" \
	check "$bar" $V0_OFF $CLEN $V0_SEED
t "verify --fill dax0.1+$(hx $V1_OFF) (seed $V1_SEED) in bar.img up to the overwritten word" \
	check -b $D1_OFF "$bar" $((D1_OFF + V1_OFF)) $((CORRUPT_OFF - V1_OFF)) $V1_SEED
t "verify --fill dax0.1+$(hx $V1_OFF) (seed $V1_SEED) in bar.img after the overwritten word" \
	check -b $D1_OFF "$bar" $((D1_OFF + CORRUPT_OFF + 8)) $((V1_OFF + CLEN - CORRUPT_OFF - 8)) $V1_SEED
if out=$("$patcheck" check -b $D1_OFF "$bar" $((D1_OFF + CORRUPT_OFF)) 8 $V1_SEED 2>&1); then
	not_ok "the word overwritten through dax0.1 at $(hx $CORRUPT_OFF) differs from the pattern in bar.img"
else
	ok "the word overwritten through dax0.1 at $(hx $CORRUPT_OFF) differs from the pattern in bar.img ($out)"
fi

# Refused: nothing written.
t "copy into the read-only namespace wrote nothing: nvme.img $(hx $RO_NVME)+$(hx $CLEN) zero" \
	zero "$nvme" $RO_NVME $CLEN
t "copy and bench past the end of the namespace wrote nothing: nvme.img $(hx $PAST_NVME)+$(hx $PAST_NVME_LEN) zero" \
	zero "$nvme" $PAST_NVME $PAST_NVME_LEN
t "copy past the end of dax0.1 wrote nothing: bar.img $(hx $((D1_OFF + PAST_DAX)))+$(hx $PAST_DAX_LEN) zero" \
	zero "$bar" $((D1_OFF + PAST_DAX)) $PAST_DAX_LEN
t "bench refused for its peer range wrote nothing to dax0.2: bar.img $(hx $((D2_OFF + REF_D2)))+$(hx $REF_D2_LEN) zero" \
	zero "$bar" $((D2_OFF + REF_D2)) $REF_D2_LEN
t "nothing in the free part of the region: bar.img $(hx $((D2_OFF + D2_SIZE)))+$(hx $AVAIL) zero" \
	zero "$bar" $((D2_OFF + D2_SIZE)) $AVAIL
