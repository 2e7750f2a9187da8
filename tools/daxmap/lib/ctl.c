// SPDX-License-Identifier: GPL-2.0
/* See ctl.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libdaxmap.h"

int daxmap_ctl_open(struct daxmap_ctx *ctx)
{
	char path[PATH_MAX];
	int fd;

	if (!daxmap_path(ctx, path, "/dev/%s", P2PDAX_CTL_NAME))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return daxmap_fail(ctx, errno, "%s: %s%s", path, strerror(errno),
				   errno == ENOENT ? " (is dax_pci_p2p loaded?)" : "");
	return fd;
}

/* The reason of a failed ioctl @what, with what the errno means for this ABI. */
static int ioctl_fail(struct daxmap_ctx *ctx, const char *what)
{
	int e = errno;
	const char *hint = "";

	switch (e) {
	case EPERM:
		hint = " (bus addresses need CAP_SYS_ADMIN)";
		break;
	case ENODEV:
		hint = " (no such p2pdax device, region or PCI function)";
		break;
	case ENXIO:
		hint = " (the device is disabled or has been destroyed)";
		break;
	case ENOTTY:
		hint = " (the loaded dax_pci_p2p does not know this ioctl)";
		break;
	}
	return daxmap_fail(ctx, e, "%s: %s%s", what, strerror(e), hint);
}

int daxmap_ctl_info(struct daxmap_ctx *ctx, int fd, unsigned int region_id,
		    unsigned int dev_id, bool bus_addr, struct p2pdax_info *out)
{
	char what[64];

	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->flags = bus_addr ? P2PDAX_F_BUS_ADDR : 0;
	out->region_id = region_id;
	out->dev_id = dev_id;
	if (!ioctl(fd, P2PDAX_IOC_INFO, out))
		return 0;
	snprintf(what, sizeof(what), "P2PDAX_IOC_INFO of dax%u.%u", region_id, dev_id);
	return ioctl_fail(ctx, what);
}

int daxmap_ctl_resolve(struct daxmap_ctx *ctx, int fd, const volatile void *addr,
		       uint64_t len, bool bus_addr, struct p2pdax_resolve *out)
{
	char what[96];

	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->flags = bus_addr ? P2PDAX_F_BUS_ADDR : 0;
	out->addr = (uint64_t)(uintptr_t)addr;
	out->length = len;
	if (!ioctl(fd, P2PDAX_IOC_RESOLVE, out))
		return 0;
	snprintf(what, sizeof(what), "P2PDAX_IOC_RESOLVE of %p+0x%llx", (const void *)addr,
		 (unsigned long long)len);
	return ioctl_fail(ctx, what);
}

int daxmap_ctl_route(struct daxmap_ctx *ctx, int fd, unsigned int region_id,
		     const struct p2pdax_pci_fn *peer, struct p2pdax_route *out)
{
	char pci[32], what[96];

	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->region_id = region_id;
	out->peer = *peer;
	out->peer.bar = 0;
	if (!ioctl(fd, P2PDAX_IOC_ROUTE, out))
		return 0;
	snprintf(what, sizeof(what), "P2PDAX_IOC_ROUTE from region %u to %s", region_id,
		 daxmap_pci_name(peer, pci, sizeof(pci)));
	return ioctl_fail(ctx, what);
}

int daxmap_parse_pci(const char *s, struct p2pdax_pci_fn *fn)
{
	unsigned int dom = 0, bus, dev, func;
	size_t colons = 0;
	const char *c;
	char tail;
	int n;

	/* Hex digits and separators only: no sign, no "0x", no spaces. */
	if (!*s || strspn(s, "0123456789abcdefABCDEF:.") != strlen(s))
		return -EINVAL;
	for (c = s; *c; c++)
		colons += *c == ':';
	if (colons == 2) {
		if (strcspn(s, ":") > 8)
			return -EINVAL;
		n = sscanf(s, "%x:%x:%x.%x%c", &dom, &bus, &dev, &func, &tail);
		if (n != 4)
			return -EINVAL;
	} else if (colons == 1) {
		n = sscanf(s, "%x:%x.%x%c", &bus, &dev, &func, &tail);
		if (n != 3)
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (bus > 0xff || dev > 0x1f || func > 7)
		return -EINVAL;
	memset(fn, 0, sizeof(*fn));
	fn->domain = dom;
	fn->bus = (__u8)bus;
	fn->device = (__u8)dev;
	fn->function = (__u8)func;
	return 0;
}

char *daxmap_pci_name(const struct p2pdax_pci_fn *fn, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", fn->domain, fn->bus, fn->device, fn->function);
	return buf;
}

const char *daxmap_route_type_name(uint32_t type)
{
	switch (type) {
	case P2PDAX_ROUTE_SAME_FUNCTION:
		return "same-function";
	case P2PDAX_ROUTE_SAME_SWITCH:
		return "same-switch";
	case P2PDAX_ROUTE_ROOT_COMPLEX:
		return "root-complex";
	case P2PDAX_ROUTE_NO_COMMON_ROOT:
		return "no-common-root";
	}
	return NULL;
}

const char *daxmap_iommu_name(uint32_t iommu)
{
	switch (iommu) {
	case P2PDAX_IOMMU_NONE:
		return "none";
	case P2PDAX_IOMMU_IDENTITY:
		return "identity";
	case P2PDAX_IOMMU_TRANSLATED:
		return "translated";
	}
	return NULL;
}

const char *daxmap_caching_name(uint32_t caching)
{
	switch (caching) {
	case P2PDAX_CACHING_WC:
		return "write-combining";
	case P2PDAX_CACHING_UC:
		return "uncached";
	}
	return NULL;
}

/* PCI_EXP_TYPE_* of <linux/pci_regs.h>; 0xffff: no PCI Express capability. */
const char *daxmap_pcie_type_name(uint16_t type)
{
	switch (type) {
	case 0x0:
		return "endpoint";
	case 0x1:
		return "legacy-endpoint";
	case 0x4:
		return "root-port";
	case 0x5:
		return "upstream-port";
	case 0x6:
		return "downstream-port";
	case 0x7:
		return "pcie-to-pci-bridge";
	case 0x8:
		return "pci-to-pcie-bridge";
	case 0x9:
		return "rc-endpoint";
	case 0xa:
		return "rc-event-collector";
	case 0xffff:
		return "pci-bridge";
	}
	return NULL;
}
