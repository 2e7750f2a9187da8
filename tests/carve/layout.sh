# SPDX-License-Identifier: GPL-2.0
# The carve suite's layout on its 2 GiB BAR, shared by run.sh (in the guest)
# and host-post.sh, so that each side checks exactly what the other did.
# Offsets are bytes into the BAR (= into bar.img). The dax core allocates
# first-fit, so where each device lands follows from the order of creation;
# the guest checks each device's start against these, the host its data.

M=$((1 << 20))
G=$((1 << 30))
BAR_SIZE=$((2 * G))

# Windows written through each device at its own offsets 0 and SIZE - WIN.
WIN=$((2 * M))

# Lifecycle (guest-checked): dax0.0 shrunk to 1G, then two devices after it.
L0_OFF=0;             L0_SIZE=$G;           L0_ALIGN=$G;    L0_SEED=30
L4_OFF=$G;            L4_SIZE=$((256 * M)); L4_ALIGN=4096;  L4_SEED=31
L2_OFF=$((G + 256 * M)); L2_SIZE=$((512 * M)); L2_ALIGN=$((2 * M)); L2_SEED=32
# Destroyed and created again in the other order.
R2_OFF=$G;            R2_SIZE=$((512 * M))
R4_OFF=$((G + 512 * M)); R4_SIZE=$((256 * M))

# Placement (host-checked): two 256M devices, a refused 1G one, a spacer,
# then the 1G device at 1G.
P1_OFF=0;             P1_SIZE=$((256 * M)); P1_ALIGN=$((2 * M)); P1_SEED=41
P2_OFF=$((256 * M));  P2_SIZE=$((256 * M)); P2_ALIGN=4096;  P2_SEED=42
PX_OFF=$((512 * M))   # where the refused 1G device would have started
SP_OFF=$((512 * M));  SP_SIZE=$((512 * M)); SP_ALIGN=$((2 * M)); SP_SEED=43
PG_OFF=$G;            PG_SIZE=$G;           PG_ALIGN=$G;    PG_SEED=44

# Written by nobody in the whole run: must stay zero.
Z1_OFF=$((G + 8 * M));   Z1_LEN=$((240 * M))
Z2_OFF=$((G + 832 * M)); Z2_LEN=$((190 * M))
