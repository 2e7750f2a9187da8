# SPDX-License-Identifier: GPL-2.0
# Where the stress suite writes in the BAR, shared by run.sh (in the guest)
# and host-post.sh, as a function of the BAR size (any power of two >= 2M,
# run-suite.sh --bar-size). Offsets are bytes into the BAR = into bar.img.
#
# stress_layout BAR_SIZE sets:
#   CARVE       1 if the BAR is large enough for the create/destroy loop
#               (>= 8M: seed and created device at least 2 MiB each), else 0
#   SEED_SIZE   dax0.0 is shrunk to this (half the BAR): [0, SEED_SIZE)
#   NEW_SIZE    each created device (a quarter), placed first-fit right after
#               the seed device: [SEED_SIZE, SEED_SIZE + NEW_SIZE)
#   H_LEN H_SEED  dax0.0 is filled at [0, H_LEN) and [SEED_SIZE - H_LEN,
#               SEED_SIZE) (the two may overlap) before the loop and must
#               still hold it after; the rest of dax0.0 must stay zero
#   C1_OFF C1_LEN C1_SEED  the bind/unbind churn range, in the last 2 MiB of
#               the BAR (no other loop touches it)
#   C2_LEN C2_SEED  the create/destroy churn range, at offset 0 of each
#               created device (BAR offset SEED_SIZE)
# Nothing else in the BAR is written: host-post.sh checks it is still zero.

stress_layout() {
	BAR_SIZE=$1
	M=$((1 << 20))
	if [ "$BAR_SIZE" -ge $((8 * M)) ]; then
		CARVE=1
	else
		CARVE=0
	fi
	SEED_SIZE=$((BAR_SIZE / 2))
	NEW_SIZE=$((BAR_SIZE / 4))
	H_LEN=$((4 * M))
	[ "$H_LEN" -le "$SEED_SIZE" ] || H_LEN=$SEED_SIZE
	H_SEED=0x401d
	C1_OFF=$((BAR_SIZE - 2 * M))
	C1_LEN=$M
	C1_SEED=1000000
	C2_LEN=$M
	C2_SEED=2000000
}
