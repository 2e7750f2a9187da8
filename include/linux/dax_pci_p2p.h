/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Register PCI BAR memory with device-dax. See drivers/dax/pci_p2p.c.
 */
#ifndef _LINUX_DAX_PCI_P2P_H
#define _LINUX_DAX_PCI_P2P_H

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/types.h>

struct pci_dev;

/* Map the BAR uncached even if it is prefetchable (default: write-combining). */
#define DAX_PCI_P2P_UNCACHED	BIT(0)
/* The BAR is backed by non-volatile memory (reported, not enforced). */
#define DAX_PCI_P2P_PERSISTENT	BIT(1)

#if IS_ENABLED(CONFIG_DEV_DAX_PCI_P2P)
int devm_dax_pci_p2p_add(struct pci_dev *pdev, int bar, resource_size_t offset,
			 resource_size_t size, unsigned long align,
			 unsigned long flags);
#else
static inline int devm_dax_pci_p2p_add(struct pci_dev *pdev, int bar,
				       resource_size_t offset,
				       resource_size_t size,
				       unsigned long align, unsigned long flags)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _LINUX_DAX_PCI_P2P_H */
