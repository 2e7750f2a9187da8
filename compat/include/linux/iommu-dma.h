/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Out-of-tree builds for kernels before v6.11 only: those have no
 * <linux/iommu-dma.h> (compat/include is searched after the kernel's own
 * headers). There the DMA API of a device whose DMA an IOMMU translates is
 * the IOMMU's dma_ops, set on the device; from v6.11 it is a flag of the
 * device that use_dma_iommu() reads, and the device has no dma_ops.
 */
#ifndef __DAX_PCI_P2P_COMPAT_IOMMU_DMA_H__
#define __DAX_PCI_P2P_COMPAT_IOMMU_DMA_H__

#include <linux/dma-map-ops.h>

static inline bool use_dma_iommu(struct device *dev)
{
	return get_dma_ops(dev);
}

#endif /* __DAX_PCI_P2P_COMPAT_IOMMU_DMA_H__ */
