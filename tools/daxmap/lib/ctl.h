/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control device /dev/p2pdax (include/uapi/linux/p2pdax.h): INFO,
 * RESOLVE and ROUTE, with the size and version fields filled in, and names
 * for the codes they return.
 */
#ifndef DAXMAP_CTL_H
#define DAXMAP_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/p2pdax.h>

struct daxmap_ctx;

/*
 * daxmap_ctl_open() - open /dev/p2pdax under the root, read-write.
 * Return: the fd, or -errno with the reason in ctx->err ("/dev/p2pdax: No
 * such file or directory (is dax_pci_p2p loaded?)").
 */
int daxmap_ctl_open(struct daxmap_ctx *ctx);

/*
 * daxmap_ctl_info() - P2PDAX_IOC_INFO of daxX.Y (@region_id, @dev_id), with
 * bus addresses if @bus_addr (needs daxmap_is_admin()).
 * Return: 0, or -errno with the reason in ctx->err.
 */
int daxmap_ctl_info(struct daxmap_ctx *ctx, int fd, unsigned int region_id,
		    unsigned int dev_id, bool bus_addr, struct p2pdax_info *out);

/*
 * daxmap_ctl_resolve() - P2PDAX_IOC_RESOLVE of [@addr, @addr + @len) of the
 * caller's own mapping of a /dev/daxX.Y.
 * Return: 0, or -errno with the reason in ctx->err.
 */
int daxmap_ctl_resolve(struct daxmap_ctx *ctx, int fd, const volatile void *addr,
		       uint64_t len, bool bus_addr, struct p2pdax_resolve *out);

/*
 * daxmap_ctl_route() - P2PDAX_IOC_ROUTE from region @region_id's BAR
 * function to @peer.
 * Return: 0, or -errno with the reason in ctx->err.
 */
int daxmap_ctl_route(struct daxmap_ctx *ctx, int fd, unsigned int region_id,
		     const struct p2pdax_pci_fn *peer, struct p2pdax_route *out);

/*
 * daxmap_parse_pci() - "DDDD:BB:DD.F" or "BB:DD.F" (domain 0), hex.
 * Return: 0 with @fn set (@fn->bar 0), or -EINVAL.
 */
int daxmap_parse_pci(const char *s, struct p2pdax_pci_fn *fn);

/* "DDDD:BB:DD.F" of @fn into @buf (at least 16 bytes); returns @buf. */
char *daxmap_pci_name(const struct p2pdax_pci_fn *fn, char *buf, size_t len);

/*
 * Names, or NULL for a code this build does not know (the caller prints
 * the number then):
 * route type: "same-function", "same-switch", "root-complex", "no-common-root"
 * iommu:      "none", "identity", "translated"
 * caching:    "write-combining", "uncached" (as p2pdax/caching in sysfs)
 * PCIe type:  "endpoint", "legacy-endpoint", "root-port", "upstream-port",
 *             "downstream-port", "pcie-to-pci-bridge", "pci-to-pcie-bridge",
 *             "rc-endpoint", "rc-event-collector", "pci-bridge" (0xffff: a
 *             bridge without a PCI Express capability)
 */
const char *daxmap_route_type_name(uint32_t type);
const char *daxmap_iommu_name(uint32_t iommu);
const char *daxmap_caching_name(uint32_t caching);
const char *daxmap_pcie_type_name(uint16_t type);

#endif /* DAXMAP_CTL_H */
