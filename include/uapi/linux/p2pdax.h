/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * p2pdax: where device-dax memory backed by a PCI BAR sits on the bus, and
 * how a peer device reaches it.
 *
 * The memory itself is mapped through /dev/daxX.Y (device_dax). This is the
 * interface of the control device /dev/p2pdax, which the dax_pci_p2p driver
 * registers: ioctls on it describe the devices of the driver's regions,
 * resolve a caller's own mappings of them, and report the route between the
 * BAR's PCI function and a consumer function.
 *
 * Every argument starts with @size and @flags. The structures grow by
 * appending fields, and @size alone says which fields the caller knows,
 * as for openat2() and clone3() (copy_struct_from_user()): it is the
 * caller's sizeof() of the structure, the kernel reads and writes no byte
 * beyond it, refuses a @size shorter than the first form of the structure
 * (%EINVAL), and refuses a longer one whose bytes beyond what the kernel
 * knows are not zero, or that is longer than 4096 bytes (%E2BIG). On return
 * @size holds the number of bytes the kernel filled in: a caller built
 * against a newer header learns which of its fields an older kernel left
 * alone. @flags asks for optional behaviour; an unknown flag is refused
 * (%EINVAL). There is no version number: it would say again what @size
 * says. Fields marked reserved and padding must be zero (%EINVAL). An
 * unknown ioctl gets %ENOTTY, an unreadable or unwritable argument
 * %EFAULT.
 *
 * Bus addresses are returned only with %P2PDAX_F_BUS_ADDR in @flags, which
 * needs CAP_SYS_ADMIN (%EPERM otherwise); without it the address fields are
 * zero. BAR offsets, PCI locations and routes are not secret: they are also
 * in sysfs for every reader.
 *
 * The ioctl numbers encode the size of the first form of each structure
 * (P2PDAX_*_SIZE_VER1), and stay the same when a structure grows: the kernel
 * matches their type, direction and number, and ignores their size bits.
 * The structure's own @size says how long it is.
 *
 * The control device is open to every user (mode 0666): without
 * %P2PDAX_F_BUS_ADDR it answers what sysfs already tells every reader, and
 * %P2PDAX_IOC_RESOLVE resolves only the caller's own mappings.
 */
#ifndef _UAPI_LINUX_P2PDAX_H
#define _UAPI_LINUX_P2PDAX_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* The control device: /dev/P2PDAX_CTL_NAME */
#define P2PDAX_CTL_NAME		"p2pdax"

/* @flags of INFO and RESOLVE: also return bus addresses (CAP_SYS_ADMIN). */
#define P2PDAX_F_BUS_ADDR	(1U << 0)

/* struct p2pdax_info.caching */
#define P2PDAX_CACHING_WC	1	/* write-combining */
#define P2PDAX_CACHING_UC	2	/* uncached */

/* struct p2pdax_info.attrs */
#define P2PDAX_ATTR_PREFETCHABLE (1U << 0)	/* the BAR is prefetchable */
#define P2PDAX_ATTR_PERSISTENT	(1U << 1)	/* bound as non-volatile memory */
#define P2PDAX_ATTR_BUS_ADDR	(1U << 2)	/* the bus address fields are set */

/**
 * struct p2pdax_pci_fn - a PCI function, and one of its BARs
 * @domain: PCI domain (segment)
 * @bus: bus number
 * @device: device number, 0 to 31
 * @function: function number, 0 to 7
 * @bar: BAR index, 0 to 5; 0 where the structure names a function only
 *	(a peer or a port of a route)
 */
struct p2pdax_pci_fn {
	__u32 domain;
	__u8 bus;
	__u8 device;
	__u8 function;
	__u8 bar;
};

/**
 * struct p2pdax_info - describe one dax device of a p2pdax region
 * @size: in: sizeof(struct p2pdax_info); out: bytes filled in
 * @flags: in: %P2PDAX_F_BUS_ADDR or 0
 * @region_id: in: X of daxX.Y
 * @dev_id: in: Y of daxX.Y
 * @caching: out: %P2PDAX_CACHING_WC or %P2PDAX_CACHING_UC
 * @attrs: out: %P2PDAX_ATTR_* flags
 * @fn: out: the PCI function and BAR that hold the memory
 * @nr_ranges: out: number of physical pieces of the device, 0 for a device
 *	of size 0; @bar_offset and @bus_addr describe the first one (see the
 *	device's mappingN directories in sysfs, or %P2PDAX_IOC_RESOLVE, for
 *	the others)
 * @pad: must be zero
 * @dev_size: out: size of the device in bytes
 * @align: out: mapping alignment of the device in bytes
 * @bar_size: out: size of the BAR in bytes
 * @bar_offset: out: offset in the BAR of the device's first byte; 0 for a
 *	device of size 0
 * @bus_addr: out: bus address of the device's first byte, as a peer
 *	device must address it; only with %P2PDAX_F_BUS_ADDR, and 0 for a
 *	device of size 0
 * @bar_bus_addr: out: bus address of the BAR; only with %P2PDAX_F_BUS_ADDR
 * @reserved: must be zero
 */
struct p2pdax_info {
	__u32 size;
	__u32 flags;
	__u32 region_id;
	__u32 dev_id;
	__u32 caching;
	__u32 attrs;
	struct p2pdax_pci_fn fn;
	__u32 nr_ranges;
	__u32 pad;
	__u64 dev_size;
	__u64 align;
	__u64 bar_size;
	__u64 bar_offset;
	__u64 bus_addr;
	__u64 bar_bus_addr;
	__u64 reserved[4];
};

/**
 * struct p2pdax_resolve - where a range of the caller's mapping lives
 * @size: in: sizeof(struct p2pdax_resolve); out: bytes filled in
 * @flags: in: %P2PDAX_F_BUS_ADDR or 0
 * @addr: in: start of the range, a user virtual address of the caller
 * @length: in: length of the range in bytes, not 0; the whole range must
 *	lie in one shared mapping (one VMA, as /proc/self/maps lists it) of
 *	a /dev/daxX.Y of a p2pdax region (%EINVAL otherwise; %ENXIO if the
 *	device has been disabled or destroyed since)
 * @contig: out: bytes from @addr on, at most @length, that are contiguous
 *	in the BAR; resolve @addr + @contig next for the rest
 * @bar_offset: out: offset in the BAR of the byte at @addr
 * @bus_addr: out: bus address of the byte at @addr; only with
 *	%P2PDAX_F_BUS_ADDR
 * @region_id: out: X of the daxX.Y mapped at @addr
 * @dev_id: out: Y of the daxX.Y mapped at @addr
 * @fn: out: the PCI function and BAR that hold the memory
 * @attrs: out: %P2PDAX_ATTR_* flags, as in &struct p2pdax_info
 * @pad: must be zero; zero on return
 * @reserved: must be zero
 */
struct p2pdax_resolve {
	__u32 size;
	__u32 flags;
	__u64 addr;
	__u64 length;
	__u64 contig;
	__u64 bar_offset;
	__u64 bus_addr;
	__u32 region_id;
	__u32 dev_id;
	struct p2pdax_pci_fn fn;
	__u32 attrs;
	__u32 pad;
	__u64 reserved[4];
};

/*
 * struct p2pdax_route.type, what lies between the two functions:
 * SAME_FUNCTION: the consumer is the BAR's own function.
 * SAME_SWITCH: the paths meet at a bridge below the root complex (a PCIe
 *	switch port, or a PCI bridge), where the traffic can turn.
 * ROOT_COMPLEX: the paths meet only at a root port or at the host bridge:
 *	the traffic turns in the root complex, if it forwards peer-to-peer
 *	traffic at all.
 * NO_COMMON_ROOT: the functions are under different host bridges.
 */
#define P2PDAX_ROUTE_SAME_FUNCTION	1
#define P2PDAX_ROUTE_SAME_SWITCH	2
#define P2PDAX_ROUTE_ROOT_COMPLEX	3
#define P2PDAX_ROUTE_NO_COMMON_ROOT	4

/*
 * struct p2pdax_route.attrs:
 * ACS_REDIRECT: a port on the path has ACS P2P Request or Completion
 *	Redirect on: requests go up to the root complex instead of across.
 * TRANSLATED: the consumer's DMA goes through a translating IOMMU domain,
 *	which must map the bus address before the consumer can use it.
 * TRUNCATED: the path has more ports than @ports holds.
 * P2PDMA: the kernel has CONFIG_PCI_P2PDMA and gives its own verdict on
 *	the pair (pci_p2pdma_distance()): P2PDMA_REFUSED, or the distance in
 *	@p2pdma_distance.
 * P2PDMA_REFUSED: with P2PDMA, the kernel's peer-to-peer DMA support would
 *	not let the two functions talk: ACS redirect on the path, or a host
 *	bridge it does not know to forward peer traffic.
 */
#define P2PDAX_ROUTE_ACS_REDIRECT	(1U << 0)
#define P2PDAX_ROUTE_TRANSLATED		(1U << 1)
#define P2PDAX_ROUTE_TRUNCATED		(1U << 2)
#define P2PDAX_ROUTE_P2PDMA		(1U << 3)
#define P2PDAX_ROUTE_P2PDMA_REFUSED	(1U << 4)

/*
 * struct p2pdax_route.iommu, what stands between the consumer's DMA and the
 * bus as the kernel's DMA API sees it: NONE (no IOMMU: bus addresses reach
 * the bus as they are), IDENTITY (an IOMMU that passes them through),
 * TRANSLATED (the DMA API maps the consumer's DMA through its IOMMU). A
 * driver that manages the IOMMU itself (vfio) is not seen.
 */
#define P2PDAX_IOMMU_NONE		0
#define P2PDAX_IOMMU_IDENTITY		1
#define P2PDAX_IOMMU_TRANSLATED		2

/* struct p2pdax_port.flags */
#define P2PDAX_PORT_ACS		(1U << 0)	/* has an ACS capability */
#define P2PDAX_PORT_REDIRECT	(1U << 1)	/* P2P Request or Completion Redirect is on */
#define P2PDAX_PORT_COMMON	(1U << 2)	/* the common upstream bridge of the route */
#define P2PDAX_PORT_PEER_SIDE	(1U << 3)	/* on the consumer's side of the common bridge */

#define P2PDAX_ROUTE_MAX_PORTS	16

/**
 * struct p2pdax_port - one bridge or port on a route
 * @fn: the port's PCI location (@fn.bar is zero)
 * @pcie_type: PCIe device/port type (PCI_EXP_TYPE_* of <linux/pci_regs.h>),
 *	or 0xffff for a bridge without a PCI Express capability
 * @flags: %P2PDAX_PORT_* flags
 * @acs_cap: the port's ACS Capability register, 0 without ACS
 * @acs_ctrl: the port's ACS Control register, as read now, 0 without ACS
 */
struct p2pdax_port {
	struct p2pdax_pci_fn fn;
	__u16 pcie_type;
	__u16 flags;
	__u16 acs_cap;
	__u16 acs_ctrl;
};

/**
 * struct p2pdax_route - the path from a region's BAR to a consumer function
 * @size: in: sizeof(struct p2pdax_route); out: bytes filled in
 * @flags: in: must be zero (no bus addresses in a route)
 * @region_id: in: X of daxX.Y, the region whose BAR function is the source
 *	(%ENODEV if it is not a p2pdax region)
 * @p2pdma_distance: out: with %P2PDAX_ROUTE_P2PDMA and without
 *	%P2PDAX_ROUTE_P2PDMA_REFUSED, the distance pci_p2pdma_distance()
 *	gives the pair (the hops from each function up to the bridge they
 *	share: 4 for two functions below one switch); 0 otherwise. Ignored
 *	on input
 * @peer: in: the consumer function, e.g. an NVMe controller (@peer.bar
 *	must be zero, @peer.device below 32, @peer.function below 8: %EINVAL
 *	otherwise; %ENODEV if there is no such function)
 * @type: out: %P2PDAX_ROUTE_* type of the route
 * @attrs: out: %P2PDAX_ROUTE_ACS_REDIRECT, %P2PDAX_ROUTE_TRANSLATED,
 *	%P2PDAX_ROUTE_TRUNCATED, %P2PDAX_ROUTE_P2PDMA,
 *	%P2PDAX_ROUTE_P2PDMA_REFUSED
 * @iommu: out: %P2PDAX_IOMMU_*: whether an IOMMU translates the
 *	consumer's DMA
 * @nr_ports: out: number of bridges and ports on the path, which can be
 *	more than %P2PDAX_ROUTE_MAX_PORTS (then only the first are in @ports)
 * @ports: out: the bridges from the BAR's function up to the common
 *	upstream bridge (if any), then down to the consumer; the two
 *	functions themselves are not listed
 * @reserved: must be zero
 */
struct p2pdax_route {
	__u32 size;
	__u32 flags;
	__u32 region_id;
	__u32 p2pdma_distance;
	struct p2pdax_pci_fn peer;
	__u32 type;
	__u32 attrs;
	__u32 iommu;
	__u32 nr_ports;
	struct p2pdax_port ports[P2PDAX_ROUTE_MAX_PORTS];
	__u64 reserved[4];
};

/* Sizes of the first form of each structure: the smallest @size taken. */
#define P2PDAX_INFO_SIZE_VER1		120
#define P2PDAX_RESOLVE_SIZE_VER1	104
#define P2PDAX_ROUTE_SIZE_VER1		328

#define P2PDAX_IOC_MAGIC	0xDA

/* Describe the device named by region_id and dev_id. */
#define P2PDAX_IOC_INFO		_IOC(_IOC_READ | _IOC_WRITE, P2PDAX_IOC_MAGIC, \
				     0x00, P2PDAX_INFO_SIZE_VER1)
/* Resolve a range of the caller's mapping of a /dev/daxX.Y. */
#define P2PDAX_IOC_RESOLVE	_IOC(_IOC_READ | _IOC_WRITE, P2PDAX_IOC_MAGIC, \
				     0x01, P2PDAX_RESOLVE_SIZE_VER1)
/* Report the route from a region's BAR function to a consumer function. */
#define P2PDAX_IOC_ROUTE	_IOC(_IOC_READ | _IOC_WRITE, P2PDAX_IOC_MAGIC, \
				     0x02, P2PDAX_ROUTE_SIZE_VER1)

#endif /* _UAPI_LINUX_P2PDAX_H */
