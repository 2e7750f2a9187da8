// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: iomemhold - TEST-ONLY module: hold a physical range busy in iomem
 *
 * This module exists only for the p2pdax guest tests and must never be
 * loaded on a machine that matters. Loaded as
 *
 *   modprobe iomemhold start=0x140000000 size=0x10000000
 *
 * it claims [start, start + size) busy in the iomem resource tree, as a
 * driver does with request_mem_region(), until it is removed. Loading fails
 * with EBUSY if any part of the range is claimed busy already.
 *
 * Why: a probe of device_dax fails when the range of its device is busy.
 * That is the one failure of dev_dax_probe() a test can cause and undo on a
 * stock kernel (which has no fault injection), to see what a failed probe
 * leaves behind: reproducer (c) of patches/upstream/repro.
 */
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static unsigned long long start;
module_param(start, ullong, 0444);
MODULE_PARM_DESC(start, "First byte of the physical range to hold busy");

static unsigned long long size;
module_param(size, ullong, 0444);
MODULE_PARM_DESC(size, "Length of the range in bytes");

static struct resource *held;

static int __init iomemhold_init(void)
{
	if (!size || start + size - 1 < start) {
		pr_err("iomemhold: start=%#llx size=%#llx is no range\n", start, size);
		return -EINVAL;
	}
	held = request_mem_region(start, size, "iomemhold");
	if (!held) {
		pr_err("iomemhold: %#llx-%#llx is busy already\n", start, start + size - 1);
		return -EBUSY;
	}
	pr_info("iomemhold: holding %pR\n", held);
	return 0;
}
module_init(iomemhold_init);

static void __exit iomemhold_exit(void)
{
	release_mem_region(start, size);
}
module_exit(iomemhold_exit);

MODULE_DESCRIPTION("Test-only: hold a physical range busy in iomem");
MODULE_LICENSE("GPL");
