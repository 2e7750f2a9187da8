# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest suites that bind dax devices of BAR regions (after
# lib.sh). What they expect of the running kernel, from its version: the
# tests' own knowledge of the kernels (README, "Supported kernels"), so that
# the driver's behaviour is checked against it rather than against itself.
#   DAX_1G               1 if 1 GiB device pages can be mapped with the BAR's
#                        memory type: not from 6.3 to 6.14, whose
#                        insert_pfn_pud() drops it
#   DAX_OWN              1 from 6.15 on: device_dax maps no size with it, and
#                        dax_pci_p2p's own dax driver serves the devices
#   DAX_DRIVER           the dax driver that serves a region's devices
#   DAX_DEFAULT_ALIGN    a 1 GiB-aligned 2 GiB BAR's default alignment
#   DAX_SERIES           1 on the kernel of patches/upstream (7.3.4-p2pdax,
#                        scripts/upstream-check.sh): device_dax maps every
#                        size with the reserved type, places ranges at the
#                        device alignment, refuses to open a device that is
#                        not alive, and mremap() moves 1 GiB entries;
#                        exported to the test programs as P2PDAX_SERIES
kv=$(uname -r)
kv_major=${kv%%.*}
kv_minor=${kv#*.}
kv_minor=${kv_minor%%[!0-9]*}
kv_num=$((kv_major * 1000 + kv_minor))
DAX_1G=1
DAX_OWN=0
DAX_DRIVER=device_dax
DAX_SERIES=0
if [ $kv_num -ge 6003 ] && [ $kv_num -lt 6015 ]; then
	DAX_1G=0
fi
if [ $kv_num -ge 6015 ]; then
	DAX_OWN=1
	DAX_DRIVER=dax_pci_p2p
fi
# The kernel scripts/upstream-check.sh builds with patches/upstream: its
# device_dax maps every size with the reserved type.
case $kv in
*-p2pdax)
	DAX_1G=1
	DAX_OWN=0
	DAX_DRIVER=device_dax
	DAX_SERIES=1
	;;
esac
export P2PDAX_SERIES=$DAX_SERIES
if [ $DAX_1G = 1 ]; then
	DAX_DEFAULT_ALIGN=$((1 << 30))
else
	DAX_DEFAULT_ALIGN=$((2 << 20))
fi

# Where device_dax is refused for its memory type (DAX_OWN), dax_pci_p2p
# binds its own driver as daxctl's write to device_dax returns: daxctl
# enable-device, create-device and reconfigure-device --mode=devdax succeed,
# and the device is served when they do, as on the kernels before.

# dax_enable DEV: daxctl enable-device succeeds and DEV is served. daxctl's
# output goes to stdout (check's diagnostics).
dax_enable() {
	daxctl enable-device "$1" 2>&1 && dax_ready "$1"
}

# dax_create VAR SIZE [ALIGN]: daxctl create-device in $REGION succeeds and
# prints the new device; VAR gets its name, and it is served. daxctl's
# output is in /tmp/run.out, and on stdout if this fails.
dax_create() {
	daxctl create-device -r "$REGION" -s "$2" ${3:+-a "$3"} >/tmp/run.out 2>&1 &&
		eval "$1=\$(sed -n 's/.*\"chardev\":\"\\(dax[0-9.]*\\)\".*/\\1/p' /tmp/run.out | head -n 1)" &&
		eval "[ -n \"\$$1\" ] && dax_ready \"\$$1\"" && return 0
	cat /tmp/run.out
	return 1
}
