/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compile-time checks of include/uapi/linux/p2pdax.h, for test_uapi.sh,
 * which compiles this file as C89, C99, GNU11 and C++, for 64 and 32 bits,
 * with -Wpadded: it must compile everywhere without a warning. Nothing runs.
 *
 * The layout of the first version is pinned field by field: the structures
 * may only grow at the end (the header's "append-only"), and the ioctl
 * numbers must keep encoding the first version's size whatever a later
 * version appends, because the kernel looks at the size field, not the
 * number, to tell versions apart.
 *
 * The header comes first: it must compile on its own. C89 has no // comments,
 * hence the SPDX line's style.
 */
#include <linux/p2pdax.h>

#include <stddef.h>

#define CHECK_CAT2(a, b)	a##b
#define CHECK_CAT(a, b)		CHECK_CAT2(a, b)
/* A negative array size, i.e. a compile error, where @cond is false. */
#define CHECK(cond)	typedef char CHECK_CAT(check_line_, __LINE__)[(cond) ? 1 : -1]

#define OFF(s, f, off)	CHECK(offsetof(struct s, f) == (off))

/* The first version: every field where it is, every size. */
#define V1_PCI_FN	8
#define V1_INFO		120
#define V1_RESOLVE	104
#define V1_PORT		16
#define V1_ROUTE	328

OFF(p2pdax_pci_fn, domain, 0);
OFF(p2pdax_pci_fn, bus, 4);
OFF(p2pdax_pci_fn, device, 5);
OFF(p2pdax_pci_fn, function, 6);
OFF(p2pdax_pci_fn, bar, 7);
CHECK(sizeof(struct p2pdax_pci_fn) == V1_PCI_FN);

OFF(p2pdax_info, size, 0);
OFF(p2pdax_info, flags, 4);
OFF(p2pdax_info, region_id, 8);
OFF(p2pdax_info, dev_id, 12);
OFF(p2pdax_info, caching, 16);
OFF(p2pdax_info, attrs, 20);
OFF(p2pdax_info, fn, 24);
OFF(p2pdax_info, nr_ranges, 32);
OFF(p2pdax_info, pad, 36);
OFF(p2pdax_info, dev_size, 40);
OFF(p2pdax_info, align, 48);
OFF(p2pdax_info, bar_size, 56);
OFF(p2pdax_info, bar_offset, 64);
OFF(p2pdax_info, bus_addr, 72);
OFF(p2pdax_info, bar_bus_addr, 80);
OFF(p2pdax_info, reserved, 88);

OFF(p2pdax_resolve, size, 0);
OFF(p2pdax_resolve, flags, 4);
OFF(p2pdax_resolve, addr, 8);
OFF(p2pdax_resolve, length, 16);
OFF(p2pdax_resolve, contig, 24);
OFF(p2pdax_resolve, bar_offset, 32);
OFF(p2pdax_resolve, bus_addr, 40);
OFF(p2pdax_resolve, region_id, 48);
OFF(p2pdax_resolve, dev_id, 52);
OFF(p2pdax_resolve, fn, 56);
OFF(p2pdax_resolve, attrs, 64);
OFF(p2pdax_resolve, pad, 68);
OFF(p2pdax_resolve, reserved, 72);

OFF(p2pdax_port, fn, 0);
OFF(p2pdax_port, pcie_type, 8);
OFF(p2pdax_port, flags, 10);
OFF(p2pdax_port, acs_cap, 12);
OFF(p2pdax_port, acs_ctrl, 14);
CHECK(sizeof(struct p2pdax_port) == V1_PORT);

OFF(p2pdax_route, size, 0);
OFF(p2pdax_route, flags, 4);
OFF(p2pdax_route, region_id, 8);
OFF(p2pdax_route, p2pdma_distance, 12);
OFF(p2pdax_route, peer, 16);
OFF(p2pdax_route, type, 24);
OFF(p2pdax_route, attrs, 28);
OFF(p2pdax_route, iommu, 32);
OFF(p2pdax_route, nr_ports, 36);
OFF(p2pdax_route, ports, 40);
OFF(p2pdax_route, reserved, 296);
CHECK(P2PDAX_ROUTE_MAX_PORTS == 16);

/* Later versions append: never shorter than the first. */
CHECK(sizeof(struct p2pdax_info) >= V1_INFO);
CHECK(sizeof(struct p2pdax_resolve) >= V1_RESOLVE);
CHECK(sizeof(struct p2pdax_route) >= V1_ROUTE);
/* The first-form sizes the ioctl numbers encode. */
CHECK(P2PDAX_INFO_SIZE_VER1 == V1_INFO);
CHECK(P2PDAX_RESOLVE_SIZE_VER1 == V1_RESOLVE);
CHECK(P2PDAX_ROUTE_SIZE_VER1 == V1_ROUTE);

/* Multiples of 8: the same layout for 32-bit callers, no implicit tail. */
CHECK(sizeof(struct p2pdax_info) % 8 == 0);
CHECK(sizeof(struct p2pdax_resolve) % 8 == 0);
CHECK(sizeof(struct p2pdax_route) % 8 == 0);
CHECK(sizeof(struct p2pdax_port) % 8 == 0);
CHECK(sizeof(struct p2pdax_pci_fn) % 8 == 0);

/* The ioctl numbers: read-write, type 0xDA, numbers 0-2, first-version sizes. */
#define IOC(cmd, nr, size)					\
	CHECK(_IOC_DIR(cmd) == (_IOC_READ | _IOC_WRITE) &&	\
	      _IOC_TYPE(cmd) == 0xDA && _IOC_NR(cmd) == (nr) &&	\
	      _IOC_SIZE(cmd) == (size))

CHECK(P2PDAX_IOC_MAGIC == 0xDA);
IOC(P2PDAX_IOC_INFO, 0, V1_INFO);
IOC(P2PDAX_IOC_RESOLVE, 1, V1_RESOLVE);
IOC(P2PDAX_IOC_ROUTE, 2, V1_ROUTE);

/* Every flag a distinct bit. */
CHECK(P2PDAX_F_BUS_ADDR == 1);
CHECK((P2PDAX_ATTR_PREFETCHABLE | P2PDAX_ATTR_PERSISTENT | P2PDAX_ATTR_BUS_ADDR) == 7);
CHECK((P2PDAX_ROUTE_ACS_REDIRECT | P2PDAX_ROUTE_TRANSLATED | P2PDAX_ROUTE_TRUNCATED |
       P2PDAX_ROUTE_P2PDMA | P2PDAX_ROUTE_P2PDMA_REFUSED) == 31);
CHECK((P2PDAX_PORT_ACS | P2PDAX_PORT_REDIRECT | P2PDAX_PORT_COMMON |
	P2PDAX_PORT_PEER_SIDE) == 15);
