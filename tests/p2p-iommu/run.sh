#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# p2pdax P2P suite behind an IOMMU: what P2PDAX_IOC_ROUTE reports of the
# consumer's IOMMU domain and of the ACS redirection the kernel turns on when
# there is an IOMMU, on the "switch-iommu" topology of tests/qemu/run-vm.sh
# (the switch topology behind QEMU's intel-iommu; this directory's file
# "topology"). Runs as /tests/run.sh in the guest, prints TAP:
#
#   a) the vIOMMU: the kernel found a DMAR table and gave the two NVMe
#      controllers (found by serial, as tests/p2p does) IOMMU groups with a
#      DMA domain (type DMA or DMA-FQ);
#   b) the routes from the ivshmem BAR to both: iommu=translated
#      translated=1;
#   c) ACS: with an IOMMU the kernel enables P2P Request and Completion
#      Redirect on every port with ACS (pci_enable_acs(); in QEMU 7.2 the
#      root ports only): the root-complex route to nvme2 has acs_redirect=1
#      and each port's acs_cap and acs_ctrl as setpci reads them, the
#      same-switch route to nvme (no ACS on the switch ports) has none;
#   d) nvme2's group, which holds nvme2 alone, switched at run time to an
#      identity domain (unbind nvme, write the group's type, bind again):
#      iommu=identity translated=0; then back to DMA: translated again;
#   e) O_DIRECT from the BAR (a dax mapping) to each NVMe disk and back, in
#      every domain nvme2 went through; host-post.sh finds the data in the
#      disk images (layout.sh).
#
# Bus numbers are whatever the firmware gave out: every function is looked
# up by vendor/device, NVMe serial and sysfs parentage.

set -u
cd /tests || exit 1
. ./lib.sh
. ./p2plib.sh
. ./daxkernel.sh
. ./layout.sh

GROUPS_DIR=/sys/kernel/iommu_groups
NVME_DRV=/sys/bus/pci/drivers/nvme

# group_type BDF: the type of BDF's IOMMU group ("DMA", "DMA-FQ",
# "identity", ...), empty without one.
group_type() {
	gt_g=$(iommu_group "$1") && cat "$GROUPS_DIR/$gt_g/type"
}

# is_dma TYPE: a DMA API domain, with or without a flush queue.
is_dma() { [ "$1" = DMA ] || [ "$1" = DMA-FQ ]; }

# odirect DESC BDF OFF SEED: O_DIRECT between $DAX0 at OFF and the disk of
# the NVMe controller BDF at OFF, D_LEN bytes each way.
odirect() {
	if ! blk=$(nvme_blk "$2") || ! wait_for 30 test -b "$blk"; then
		not_ok "$1: a disk on $2"
		ls -lR "$PCI/$2/nvme/" 2>&1 | diag
		return
	fi
	check "$1: O_DIRECT of $((D_LEN >> 10)) KiB from $DAX0+$(hex "$3") to $blk and back" \
		daxtool odirect "/dev/$DAX0" "$3" $D_LEN "$blk" "$3" "$4"
}

# rebind_nvme BDF: bind the nvme driver to BDF again and wait for its disk.
rebind_nvme() {
	echo "$1" > $NVME_DRV/bind && wait_for 30 nvme_blk "$1" >/dev/null
}

# ------------------------------------------------------------ a) vIOMMU

echo "# kernel $(uname -r)"
lspci -n -t | diag
dmesg | grep -E 'DMAR|iommu: ' | grep -v 'Adding to iommu group' | diag
if dmesg | grep -q 'DMAR: Host address width'; then
	ok "the kernel found a DMAR table (QEMU intel-iommu)"
else
	echo "Bail out! no DMAR table in the kernel log: run with --topology switch-iommu"
	exit 1
fi
for g in "$GROUPS_DIR"/*; do
	[ -e "$g" ] || continue
	echo "# iommu group ${g##*/}: $(cat "$g/type"): $(ls "$g/devices" | tr '\n' ' ')"
done

IV=$(find_pci 0x1af4 0x1110) || { echo "Bail out! no ivshmem device (1af4:1110)"; exit 1; }
ok "ivshmem (1af4:1110) at $IV"
switch_nvmes
if [ -n "$NVME" ] && [ -n "$NVME2" ]; then
	ok "NVMe controllers by serial: p2pdaxnvme at $NVME, p2pdaxnvme2 at $NVME2"
else
	echo "Bail out! NVMe controllers missing (p2pdaxnvme '$NVME', p2pdaxnvme2 '$NVME2')"
	exit 1
fi
RP1=$(parent "$(parent "$(parent "$IV")")") RP2=$(parent "$NVME2")
echo "# ivshmem $IV below the switch below root port $RP1; nvme $NVME; nvme2 $NVME2 below root port $RP2"
for n in "$NVME" "$NVME2"; do
	t=$(group_type "$n")
	if is_dma "$t"; then
		ok "$n in IOMMU group $(iommu_group "$n") with a DMA domain: $t"
	else
		not_ok "$n in an IOMMU group with a DMA domain (DMA or DMA-FQ): group '$(iommu_group "$n")', type '$t'"
	fi
done

check "modprobe $DRV ids=1af4:1110" modprobe $DRV ids=1af4:1110
check "bound to $IV" wait_for 10 bound_to_us "$IV"
REGION=$(region_id "$IV") || { echo "Bail out! no dax region on $IV"; exit 1; }
DAX0=dax$REGION.0
check "/dev/$DAX0 ready" wait_for 10 dax_ready "$DAX0"
command -v p2ptool >/dev/null || { echo "Bail out! no p2ptool in /tests/bin (build tests/guest)"; exit 1; }

# ---------------------------------------------------- b), c) routes, ACS

for rp in $RP1 $RP2; do
	cap=$(acs_reg "$rp" 4) || cap=
	ctrl=$(acs_reg "$rp" 6) || ctrl=
	echo "# ACS of root port $rp: capability ${cap:-none}, control ${ctrl:-none}"
	if [ -z "$cap" ]; then
		not_ok "root port $rp has an ACS capability (QEMU 7.2's pcie-root-port has)"
	elif [ $((0x$ctrl & 0x0c)) = 12 ]; then
		ok "the kernel turned on P2P Request and Completion Redirect on root port $rp: ACS control 0x$ctrl (capability 0x$cap)"
	else
		not_ok "the kernel turned on P2P Request and Completion Redirect (0x000c) on root port $rp: ACS control 0x$ctrl (capability 0x$cap)"
	fi
done

p2p /tmp/route1 route "$REGION" "$NVME"
diag /tmp/route1
expect "route to nvme $NVME: same-switch, translated, no redirect on the switch" /tmp/route1 \
	type=same-switch iommu=translated translated=1 acs_redirect=0 nr_ports=3
check_ports "route to nvme" /tmp/route1

p2p /tmp/route2 route "$REGION" "$NVME2"
diag /tmp/route2
expect "route to nvme2 $NVME2: root-complex, translated, redirected" /tmp/route2 \
	type=root-complex iommu=translated translated=1 acs_redirect=1 nr_ports=4
for rp in $RP1 $RP2; do
	expect_port "route to nvme2: root port $rp redirect=1, acs_ctrl as setpci reads it" \
		/tmp/route2 "$rp" pcie_type=root-port acs=1 redirect=1 acs_ctrl="0x$(acs_reg "$rp" 6)"
done
check_ports "route to nvme2" /tmp/route2

# --------------------------------------- d), e) domains at run time, DMA

odirect "nvme, DMA domain" "$NVME" $D1_OFF $D1_SEED
odirect "nvme2, DMA domain" "$NVME2" $D2_OFF $D2_SEED

G2=$(iommu_group "$NVME2") || G2=
TYPE0=$(group_type "$NVME2")
members=$(ls "$GROUPS_DIR/$G2/devices" 2>/dev/null | tr '\n' ' ')
if [ -n "$G2" ] && [ "$members" = "$NVME2 " ]; then
	ok "nvme2's IOMMU group $G2 holds nvme2 alone ($TYPE0)"
	check "the group's type cannot change while nvme is bound" \
		fails sh -c "echo identity > $GROUPS_DIR/$G2/type"
	check "unbind nvme from $NVME2" sh -c "echo $NVME2 > $NVME_DRV/unbind"
	check "group $G2 to identity" sh -c "echo identity > $GROUPS_DIR/$G2/type"
	expect_eq "group $G2 type" "$(cat "$GROUPS_DIR/$G2/type")" identity
	check "bind nvme to $NVME2 again, its disk back" rebind_nvme "$NVME2"
	p2p /tmp/route3 route "$REGION" "$NVME2"
	diag /tmp/route3
	expect "route to nvme2, identity domain: iommu=identity translated=0, still redirected" \
		/tmp/route3 type=root-complex iommu=identity translated=0 acs_redirect=1
	odirect "nvme2, identity domain" "$NVME2" $D3_OFF $D3_SEED

	check "unbind nvme from $NVME2" sh -c "echo $NVME2 > $NVME_DRV/unbind"
	check "group $G2 to DMA" sh -c "echo DMA > $GROUPS_DIR/$G2/type"
	expect_eq "group $G2 type" "$(cat "$GROUPS_DIR/$G2/type")" DMA
	check "bind nvme to $NVME2 again, its disk back" rebind_nvme "$NVME2"
	p2p /tmp/route4 route "$REGION" "$NVME2"
	expect "route to nvme2, DMA domain again: iommu=translated translated=1" \
		/tmp/route4 type=root-complex iommu=translated translated=1 acs_redirect=1
	odirect "nvme2, DMA domain again" "$NVME2" $D4_OFF $D4_SEED
	# DMA to DMA-FQ is the one change the kernel makes under a bound driver.
	if [ "$TYPE0" = DMA-FQ ]; then
		check "group $G2 back to DMA-FQ, nvme bound" sh -c "echo DMA-FQ > $GROUPS_DIR/$G2/type"
		expect_eq "group $G2 type" "$(cat "$GROUPS_DIR/$G2/type")" DMA-FQ
		p2p /tmp/route5 route "$REGION" "$NVME2"
		expect "route to nvme2, DMA-FQ: translated" /tmp/route5 iommu=translated translated=1
	fi
else
	not_ok "nvme2's IOMMU group holds nvme2 alone (group '$G2': $members)"
	skip "nvme2's IOMMU domain at run time" "its group is not its own"
fi
dmesg | grep -iE 'DMAR: DRHD: handling fault|DMAR: \[DMA' | head -n 5 | diag
check "no DMA remapping fault in the kernel log" \
	fails sh -c "dmesg | grep -qiE 'DMAR: DRHD: handling fault|DMAR: \[DMA (Read|Write)'"
