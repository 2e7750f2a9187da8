// SPDX-License-Identifier: GPL-2.0
/* Copyright(c) 2026 The p2pdax authors. */

/**
 * DOC: PCI BAR memory as device-dax
 *
 * PCI devices such as NVMe controller memory buffers, FPGA and accelerator
 * boards and NVRAM cards expose memory through a BAR. Applications want to
 * map that memory and to hand it to other devices (NVMe, RDMA NICs) for
 * peer-to-peer DMA without a bounce through system RAM.
 *
 * This driver turns such a BAR into a device-dax region backed by ZONE_DEVICE
 * pages. The kernel's own device_dax driver serves /dev/daxX.Y: applications
 * mmap raw BAR memory at 4K, 2M or 1G alignment, the pages are accepted by
 * GUP, the block layer and RDMA, and daxctl carves the region into named
 * devices. This driver writes no mmap or fault code of its own.
 *
 * Why not the alternatives:
 *
 * - A block device with a DAX filesystem on top (the 2016 "iopmem"
 *   proposal) spends precious BAR capacity on filesystem metadata, needs a
 *   mkfs on every boot for volatile memory, and answers a memory question
 *   with a file API. Device-dax maps the memory with nothing in between.
 * - mmap of the PCI sysfs resourceN file has no struct pages behind it, so
 *   the mapping cannot be the buffer of O_DIRECT I/O or of an RDMA
 *   registration, and it cannot be carved up or named.
 * - The p2pdma allocate file (CONFIG_PCI_P2PDMA) hands out anonymous
 *   chunks of a BAR to one consumer model, is not built in every
 *   distribution kernel, and offers no 2M/1G mappings.
 *
 * The core is devm_dax_pci_p2p_add(), which any PCI driver that owns device
 * memory can call from its probe. The PCI driver at the end of this file is
 * a generic binder on top of it, for devices that have no driver of their
 * own: it binds only to devices named through driver_override or the "ids"
 * module parameter.
 *
 * Three properties of the dax core on the kernels this supports shape the
 * code:
 *
 * - The memory type of the kernel's own mapping follows the type reserved
 *   for the range when its pages are created. Left alone that depends on
 *   firmware MTRRs, and BAR memory above 4G has come out write-back. The
 *   range is therefore reserved write-combining (prefetchable BARs) or
 *   uncached before any device exists. User mappings get that type only
 *   where device_dax's fault path applies it: at every size up to v6.2, up
 *   to 2M from v6.3 (1 GiB entries drop it), at no size from v6.15. Binds of
 *   device_dax at an alignment it would map write-back are refused, and on
 *   kernels where it maps nothing right a dax driver of this module's own
 *   serves the mappings (compat/dax_mmap.c out of tree; the fix belongs in
 *   device_dax). See dax_pci_p2p_may_bind().
 * - GUP pins (in-flight O_DIRECT, RDMA memory registrations, vmsplice) do not
 *   hold the page map: freeing it under a pin turns the later unpin into a
 *   use-after-free. A dax bus notifier holds the page maps of a region while
 *   one of its devices is being torn down, and lets the teardown free them
 *   only once no page is pinned any more (see dax_pci_p2p_drain_work()).
 * - The core places devices first-fit and checks their sizes, not their
 *   starts, against their alignment, and it would online the memory as
 *   System RAM for kmem. The same notifier vets every bind of a device of a
 *   region: only drivers that map it with its memory type may bind, and
 *   misplaced huge-aligned devices are refused (see dax_pci_p2p_may_bind()).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dax_pci_p2p.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/iommu-dma.h>
#include <linux/kernfs.h>
#include <linux/list.h>
#include <linux/memory_hotplug.h>
#include <linux/memregion.h>
#include <linux/memremap.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/percpu-refcount.h>
#include <linux/pm_domain.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/task_work.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <linux/p2pdax.h>
#include "bus.h"

#ifndef DAX_PCI_P2P_DEVICE_DAX_MAX_ALIGN
/*
 * With the dax-core fixes (in a kernel tree): device_dax maps every
 * alignment with the memory type of the range. Out of tree, compat/compat.h
 * says what the target kernel's device_dax gets right.
 */
#define DAX_PCI_P2P_DEVICE_DAX_MAX_ALIGN	PUD_SIZE
#endif

#ifndef DAX_PCI_P2P_COMPAT_MMAP
/* No dax driver of this module's own (compat/dax_mmap.c): device_dax only. */
static inline int dax_pci_p2p_mmap_prepare(struct device *dev,
					   unsigned long align, bool uncached)
{
	return -EOPNOTSUPP;
}

static inline void dax_pci_p2p_mmap_done(struct device *dev)
{
}

static inline struct device_driver *dax_pci_p2p_mmap_driver(void)
{
	return NULL;
}

static inline int dax_pci_p2p_mmap_register(void)
{
	return 0;
}

static inline void dax_pci_p2p_mmap_unregister(void)
{
}
#endif

/*
 * Refusals are reachable from userspace (bind, new_id, module parameters):
 * ratelimit them.
 */
#define p2p_err(pdev, fmt, ...) \
	dev_err_ratelimited(&(pdev)->dev, fmt, ##__VA_ARGS__)

/* Smallest span the memory hotplug core can map: one subsection. */
#define DAX_PCI_P2P_MIN_ALIGN	SZ_2M
#define DAX_PCI_P2P_POLL_MS	100
#define DAX_PCI_P2P_REPORT_MS	10000

enum dax_pci_p2p_caching {
	DAX_PCI_P2P_WC,
	DAX_PCI_P2P_UC,
};

static const char * const dax_pci_p2p_caching_names[] = {
	[DAX_PCI_P2P_WC] = "write-combining",
	[DAX_PCI_P2P_UC] = "uncached",
};

/**
 * struct dax_pci_p2p - one BAR range registered with device-dax
 * @list: entry in dax_pci_p2p_regions
 * @pdev: the PCI function that owns the BAR, and parent of the dax region
 * @bar: BAR index
 * @range: physical range of the region, inside the BAR
 * @id: dax region id, X of its daxX.Y devices
 * @caching: memory type reserved for @range
 * @persistent: the memory is non-volatile (DAX_PCI_P2P_PERSISTENT)
 * @res: non-busy marker claiming @range under the BAR in /proc/iomem
 * @adding_first: devm_create_dev_dax() is adding the region's first device
 */
struct dax_pci_p2p {
	struct list_head list;
	struct pci_dev *pdev;
	int bar;
	struct range range;
	int id;
	enum dax_pci_p2p_caching caching;
	bool persistent;
	struct resource res;
	bool adding_first;
};

/**
 * struct dax_pci_p2p_snap - what the user ABI reports of a region
 * @pdev: the region's PCI function, referenced
 * @id: dax region id
 * @bar: BAR index
 * @caching: memory type reserved for the region
 * @persistent: the memory is non-volatile
 * @prefetchable: the BAR is prefetchable
 * @bar_start: CPU physical start of the BAR
 * @bar_len: length of the BAR
 * @bar_bus: bus address of the BAR, as peers address it
 * @offset: offset of the region in the BAR
 *
 * A region's struct dax_pci_p2p goes away when its PCI driver unbinds;
 * readers that must not hold dax_pci_p2p_lock (it nests inside the dax
 * core's locks) take a copy.
 */
struct dax_pci_p2p_snap {
	struct pci_dev *pdev;
	int id;
	int bar;
	enum dax_pci_p2p_caching caching;
	bool persistent;
	bool prefetchable;
	resource_size_t bar_start;
	resource_size_t bar_len;
	pci_bus_addr_t bar_bus;
	resource_size_t offset;
};

/**
 * struct dax_pci_p2p_drain - page maps held while a dax device goes away
 * @list: entry in dax_pci_p2p_drains
 * @dev: the dax device being unbound from its driver
 * @parent: the PCI function whose BAR backs @dev
 * @bar_start: start of the BAR, to report offsets instead of addresses
 * @bar: BAR index
 * @pgmaps: held page maps, struct dax_pci_p2p_pgmap entries
 * @unbound: completed once @dev has been unbound
 * @work: runs dax_pci_p2p_drain_work()
 */
struct dax_pci_p2p_drain {
	struct list_head list;
	struct device *dev;
	struct device *parent;
	resource_size_t bar_start;
	int bar;
	struct list_head pgmaps;
	struct completion unbound;
	struct work_struct work;
};

struct dax_pci_p2p_pgmap {
	struct list_head list;
	struct dev_pagemap *pgmap;
};

/* Protects the two lists; taken inside the dax bus notifier. */
static DEFINE_MUTEX(dax_pci_p2p_lock);
/*
 * Serializes the notifier registration, which takes the notifier chain's
 * rwsem for writing: never under dax_pci_p2p_lock, which the notifier takes
 * under that rwsem.
 */
static DEFINE_MUTEX(dax_pci_p2p_bus_lock);
static LIST_HEAD(dax_pci_p2p_regions);
static LIST_HEAD(dax_pci_p2p_drains);
/* const in later kernels: take the type of struct device's own pointer */
static typeof_member(struct device, bus) dax_pci_p2p_dax_bus;
/* Major number of the dax character devices, learnt with the bus. */
static unsigned int dax_pci_p2p_dax_major;
static struct workqueue_struct *dax_pci_p2p_wq;

static struct dax_pci_p2p *dax_pci_p2p_lookup(struct device *dev)
{
	struct dax_pci_p2p *p2p;

	lockdep_assert_held(&dax_pci_p2p_lock);
	list_for_each_entry(p2p, &dax_pci_p2p_regions, list)
		if (&p2p->pdev->dev == dev)
			return p2p;
	return NULL;
}

static void dax_pci_p2p_fill_snap(struct dax_pci_p2p *p2p,
				  struct dax_pci_p2p_snap *snap)
{
	struct pci_dev *pdev = p2p->pdev;

	*snap = (struct dax_pci_p2p_snap) {
		.pdev = pci_dev_get(pdev),
		.id = p2p->id,
		.bar = p2p->bar,
		.caching = p2p->caching,
		.persistent = p2p->persistent,
		.prefetchable = !!(pci_resource_flags(pdev, p2p->bar) &
				   IORESOURCE_PREFETCH),
		.bar_start = pci_resource_start(pdev, p2p->bar),
		.bar_len = pci_resource_len(pdev, p2p->bar),
		.bar_bus = pci_bus_address(pdev, p2p->bar),
		.offset = p2p->range.start - pci_resource_start(pdev, p2p->bar),
	};
}

/* Copy the region that @dev (a PCI function) is the parent of: 0 or -ENODEV. */
static int dax_pci_p2p_snap_of(struct device *dev, struct dax_pci_p2p_snap *snap)
{
	struct dax_pci_p2p *p2p;

	mutex_lock(&dax_pci_p2p_lock);
	p2p = dev ? dax_pci_p2p_lookup(dev) : NULL;
	if (p2p)
		dax_pci_p2p_fill_snap(p2p, snap);
	mutex_unlock(&dax_pci_p2p_lock);
	return p2p ? 0 : -ENODEV;
}

/* Copy the region with dax region id @id: 0 or -ENODEV. */
static int dax_pci_p2p_snap_id(u32 id, struct dax_pci_p2p_snap *snap)
{
	struct dax_pci_p2p *p2p;
	int rc = -ENODEV;

	mutex_lock(&dax_pci_p2p_lock);
	list_for_each_entry(p2p, &dax_pci_p2p_regions, list) {
		if (p2p->id == id) {
			dax_pci_p2p_fill_snap(p2p, snap);
			rc = 0;
			break;
		}
	}
	mutex_unlock(&dax_pci_p2p_lock);
	return rc;
}

static void dax_pci_p2p_snap_put(struct dax_pci_p2p_snap *snap)
{
	pci_dev_put(snap->pdev);
}

/*
 * Folios of @pgmap that someone other than the page map itself references;
 * their size in bytes is added to @bytes. A pin of one 4K page of a 2M
 * folio holds all of it: the bytes are what is held, not what was pinned.
 */
static unsigned long dax_pci_p2p_count_pinned(struct dev_pagemap *pgmap,
					      phys_addr_t *first, u64 *bytes)
{
	unsigned long pinned = 0;
	int i;

	for (i = 0; i < pgmap->nr_range; i++) {
		unsigned long pfn = PHYS_PFN(pgmap->ranges[i].start);
		unsigned long end = PHYS_PFN(pgmap->ranges[i].end) + 1;

		while (pfn < end) {
			struct folio *folio = page_folio(pfn_to_page(pfn));

			/*
			 * An idle device-dax folio holds exactly one reference
			 * (__init_zone_device_page()). Mapping it takes another
			 * from v6.15 on, but by now the teardown has zapped
			 * every mapping: any more is a GUP pin or a get_page().
			 */
			if (folio_ref_count(folio) > 1) {
				if (!*first || PFN_PHYS(folio_pfn(folio)) < *first)
					*first = PFN_PHYS(folio_pfn(folio));
				pinned++;
				*bytes += folio_size(folio);
			}
			pfn = folio_pfn(folio) + folio_nr_pages(folio);
			cond_resched();
		}
	}
	return pinned;
}

/**
 * dax_pci_p2p_drain_work() - free page maps only once nothing pins them
 * @work: the drain of one dax device
 *
 * The unbind of a dax device kills it (later faults get SIGBUS), zaps every
 * user mapping, then frees its page map, waiting only for references to the
 * page map itself. The drain holds such a reference on every page map of the
 * region, taken before the kill. A page map that has started to go away
 * (its reference is dying) is released once none of its pages is pinned; the
 * others are released once the unbind is over.
 */
static void dax_pci_p2p_drain_work(struct work_struct *work)
{
	struct dax_pci_p2p_drain *drain =
		container_of(work, struct dax_pci_p2p_drain, work);
	unsigned long start = jiffies, report = start;
	struct dax_pci_p2p_pgmap *ref, *next;
	bool waited = false;

	while (!list_empty(&drain->pgmaps)) {
		unsigned long pinned = 0;
		phys_addr_t first = 0;
		u64 bytes = 0;

		list_for_each_entry_safe(ref, next, &drain->pgmaps, list) {
			if (percpu_ref_is_dying(&ref->pgmap->ref)) {
				unsigned long n;

				n = dax_pci_p2p_count_pinned(ref->pgmap, &first,
							     &bytes);
				if (n) {
					pinned += n;
					continue;
				}
			} else if (!completion_done(&drain->unbound)) {
				continue;
			}
			put_dev_pagemap(ref->pgmap);
			list_del(&ref->list);
			kfree(ref);
		}
		if (list_empty(&drain->pgmaps))
			break;

		if (pinned && time_after_eq(jiffies, report)) {
			dev_warn(drain->parent,
				 "%s: teardown waits for pinned pages in the region: %lu folio(s), %llu KiB, first at BAR%d+%#llx, %u s so far: finish the O_DIRECT, RDMA or pipe I/O that holds them\n",
				 dev_name(drain->dev), pinned,
				 (unsigned long long)(bytes >> 10), drain->bar,
				 (unsigned long long)(first - drain->bar_start),
				 jiffies_to_msecs(jiffies - start) / 1000);
			report = jiffies + msecs_to_jiffies(DAX_PCI_P2P_REPORT_MS);
			waited = true;
		}
		msleep(DAX_PCI_P2P_POLL_MS);
	}

	if (waited)
		dev_info(drain->parent,
			 "%s: pinned pages released after %u ms, teardown continues\n",
			 dev_name(drain->dev), jiffies_to_msecs(jiffies - start));

	wait_for_completion(&drain->unbound);
	put_device(drain->dev);
	put_device(drain->parent);
	kfree(drain);
}

static bool dax_pci_p2p_held(struct dax_pci_p2p_drain *drain,
			     struct dev_pagemap *pgmap)
{
	struct dax_pci_p2p_pgmap *ref;

	list_for_each_entry(ref, &drain->pgmaps, list)
		if (ref->pgmap == pgmap)
			return true;
	return false;
}

/* Take a reference on every live page map in @p2p's range; return how many. */
static int dax_pci_p2p_hold_pgmaps(struct dax_pci_p2p_drain *drain,
				   struct dax_pci_p2p *p2p)
{
	unsigned long pfn = PHYS_PFN(p2p->range.start);
	unsigned long end = PHYS_PFN(p2p->range.end) + 1;
	struct dax_pci_p2p_pgmap *ref;
	struct dev_pagemap *pgmap;
	int i, nr = 0;

	/* Page maps start and end on subsection boundaries. */
	for (; pfn < end; pfn += PHYS_PFN(DAX_PCI_P2P_MIN_ALIGN)) {
		pgmap = get_dev_pagemap(pfn);
		if (!pgmap)
			continue;

		/* A page map of several ranges is met once per range. */
		if (dax_pci_p2p_held(drain, pgmap)) {
			put_dev_pagemap(pgmap);
			continue;
		}

		/* Small, and an unbind cannot fail: no error path here. */
		ref = kzalloc_obj(*ref, GFP_KERNEL | __GFP_NOFAIL);
		ref->pgmap = pgmap;
		list_add_tail(&ref->list, &drain->pgmaps);
		nr++;

		/* Skip to the end of the range that holds pfn. */
		for (i = 0; i < pgmap->nr_range; i++)
			if (PFN_PHYS(pfn) >= pgmap->ranges[i].start &&
			    PFN_PHYS(pfn) <= pgmap->ranges[i].end)
				pfn = PHYS_PFN(pgmap->ranges[i].end + 1) -
				      PHYS_PFN(DAX_PCI_P2P_MIN_ALIGN);
	}
	return nr;
}

/* Called before @dev, a dax device whose parent is @p2p, is unbound. */
static void dax_pci_p2p_drain_start(struct dax_pci_p2p *p2p,
				    struct device *dev)
{
	struct dax_pci_p2p_drain *drain;
	int nr;

	lockdep_assert_held(&dax_pci_p2p_lock);
	drain = kzalloc_obj(*drain, GFP_KERNEL | __GFP_NOFAIL);
	INIT_LIST_HEAD(&drain->pgmaps);
	nr = dax_pci_p2p_hold_pgmaps(drain, p2p);
	if (!nr) {
		/* Nothing mapped, nothing to protect. */
		kfree(drain);
		return;
	}

	drain->dev = get_device(dev);
	drain->parent = get_device(&p2p->pdev->dev);
	drain->bar = p2p->bar;
	drain->bar_start = pci_resource_start(p2p->pdev, p2p->bar);
	init_completion(&drain->unbound);
	INIT_WORK(&drain->work, dax_pci_p2p_drain_work);
	list_add(&drain->list, &dax_pci_p2p_drains);
	queue_work(dax_pci_p2p_wq, &drain->work);
}

/* Called once @dev has been unbound. */
static void dax_pci_p2p_drain_finish(struct device *dev)
{
	struct dax_pci_p2p_drain *drain;

	lockdep_assert_held(&dax_pci_p2p_lock);
	list_for_each_entry(drain, &dax_pci_p2p_drains, list) {
		if (drain->dev == dev) {
			list_del(&drain->list);
			complete(&drain->unbound);
			return;
		}
	}
}

/*
 * Read one of a dax device's numeric sysfs attributes. The dax core keeps a
 * device's placement in structures private to it, and sysfs is its interface
 * for them. "resource" (start of the first range) and "align" take no lock
 * in their show methods, so they can be read here under the device lock that
 * a bind holds. Size and alignment cannot change once the bind has set
 * dev->driver; a "mapping" write can still add a range (the core does not
 * check for a driver there), which only root can do.
 */
static int dax_pci_p2p_dax_attr(struct device *dev, const char *name, u64 *val)
{
	const struct attribute_group *const *groups;
	struct device_attribute *dattr = NULL;
	struct attribute *const *attr;
	char *buf;
	ssize_t len;
	int rc;

	if (!dev->type || !dev->type->groups)
		return -ENOENT;
	for (groups = dev->type->groups; *groups && !dattr; groups++)
		for (attr = (*groups)->attrs; attr && *attr; attr++)
			if (!strcmp((*attr)->name, name)) {
				dattr = container_of(*attr, struct device_attribute, attr);
				break;
			}
	if (!dattr || !dattr->show)
		return -ENOENT;

	/* sysfs_emit() wants a page, as sysfs gives it */
	buf = (char *)get_zeroed_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = dattr->show(dev, dattr, buf);
	rc = len < 0 ? len : kstrtou64(strim(buf), 0, val);
	free_page((unsigned long)buf);
	return rc;
}

static int dax_pci_p2p_count_mapping(struct device *dev, void *data)
{
	if (!strncmp(dev_name(dev), "mapping", strlen("mapping")))
		(*(int *)data)++;
	return 0;
}

static int dax_pci_p2p_nr_mappings(struct device *dev)
{
	int nr = 0;

	device_for_each_child(dev, &nr, dax_pci_p2p_count_mapping);
	return nr;
}

/*
 * The BAR offset of the first byte of @dev, a dax device of @snap's region,
 * or -ENXIO for a device without memory. Reads "resource", which takes no
 * lock (the dax core may hold its own locks while sysfs waits for readers).
 */
static int dax_pci_p2p_dev_offset(struct device *dev,
				  struct dax_pci_p2p_snap *snap, u64 *offset)
{
	u64 start;
	int rc;

	if (!dax_pci_p2p_nr_mappings(dev))
		return -ENXIO;
	rc = dax_pci_p2p_dax_attr(dev, "resource", &start);
	if (rc)
		return rc;
	if (start < snap->bar_start || start - snap->bar_start >= snap->bar_len)
		return -ENXIO;
	*offset = start - snap->bar_start;
	return 0;
}

/* Attributes of the dax devices of a region: /sys/bus/dax/devices/daxX.Y/p2pdax/ */
static ssize_t dax_pci_p2p_dev_show(struct device *dev, char *buf, bool bus)
{
	struct dax_pci_p2p_snap snap;
	u64 offset;
	int rc;

	if (dax_pci_p2p_snap_of(dev->parent, &snap))
		return -ENXIO;
	rc = dax_pci_p2p_dev_offset(dev, &snap, &offset);
	if (!rc)
		rc = sysfs_emit(buf, "%#llx\n",
				bus ? (u64)snap.bar_bus + offset : offset);
	dax_pci_p2p_snap_put(&snap);
	return rc;
}

static ssize_t dax_offset_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	return dax_pci_p2p_dev_show(dev, buf, false);
}

static ssize_t dax_bus_address_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	return dax_pci_p2p_dev_show(dev, buf, true);
}

/*
 * Root only, as the dax core's own "resource", which these read: it takes
 * no lock, and a resize (root) can move the ranges under it. Offsets are
 * for everyone through P2PDAX_IOC_INFO.
 */
static struct device_attribute dax_pci_p2p_dax_offset =
	__ATTR(offset, 0400, dax_offset_show, NULL);
static struct device_attribute dax_pci_p2p_dax_bus_address =
	__ATTR(bus_address, 0400, dax_bus_address_show, NULL);

static struct attribute *dax_pci_p2p_dax_attrs[] = {
	&dax_pci_p2p_dax_offset.attr,
	&dax_pci_p2p_dax_bus_address.attr,
	NULL,
};

static const struct attribute_group dax_pci_p2p_dax_group = {
	.name = "p2pdax",
	.attrs = dax_pci_p2p_dax_attrs,
};

/*
 * Give @dev, a dax device of one of the regions, its p2pdax directory. The
 * dax bus notifier does it as the device is added, before its uevent; the
 * first region's first device is added before the notifier exists, and
 * gets it from the probe (see dax_pci_p2p_setup()). The directory goes away
 * with the device.
 */
static bool dax_pci_p2p_add_dax_group(struct device *dev)
{
	struct kernfs_node *kn;
	int rc;

	lockdep_assert_held(&dax_pci_p2p_lock);
	kn = sysfs_get_dirent(dev->kobj.sd, dax_pci_p2p_dax_group.name);
	if (kn) {
		kernfs_put(kn);
		return false;
	}
	rc = device_add_group(dev, &dax_pci_p2p_dax_group);
	if (rc)
		dev_warn(dev, "cannot add the p2pdax attributes (%d)\n", rc);
	return !rc;
}

/* After its "add" uevent: tell udev there is more to see. */
static int dax_pci_p2p_group_child(struct device *dev, void *data)
{
	if (dev->bus && dev->bus == dax_pci_p2p_dax_bus &&
	    dax_pci_p2p_add_dax_group(dev))
		kobject_uevent(&dev->kobj, KOBJ_CHANGE);
	return 0;
}

/*
 * The largest alignment at which a device of a region can be mapped with the
 * region's memory type on this kernel, by device_dax or by the dax driver of
 * compat/dax_mmap.c where there is one.
 */
static unsigned long dax_pci_p2p_max_align(void)
{
	if (dax_pci_p2p_mmap_driver())
		return PUD_SIZE;
	return DAX_PCI_P2P_DEVICE_DAX_MAX_ALIGN;
}

/* Whether @dev is the first device of @p2p's region: daxX.0. */
static bool dax_pci_p2p_first_of(struct dax_pci_p2p *p2p, struct device *dev)
{
	char name[32];

	snprintf(name, sizeof(name), "dax%d.0", p2p->id);
	return !strcmp(dev_name(dev), name);
}

static const char *dax_pci_p2p_size_name(unsigned long align)
{
	return align >= SZ_1G ? "1G" : align >= SZ_2M ? "2M" : "4K";
}

/*
 * Whether @dev may be bound to its driver now: 0, or after saying why,
 * -EPERM (a driver that must never have BAR memory), -EOPNOTSUPP (a driver
 * that would map it write-back on this kernel; *@rebind is set when this
 * module's own dax driver serves it instead) or -EINVAL (misplaced).
 *
 * System RAM (kmem): BAR memory is device memory behind PCIe, not memory the
 * CPU caches coherently. Onlined as System RAM it would be mapped write-back
 * against the range's reserved memory type, the page allocator would hand it
 * to the kernel and to every process, and nothing could take it back out
 * safely. No BAR qualifies, so there is no opt-in. (kmem would also refuse
 * the region's NUMA_NO_NODE target, with a message that does not say why.)
 *
 * Memory type: only drivers known to map the memory with the type reserved
 * for it may bind: device_dax up to the alignment this kernel's device_dax
 * gets right (DAX_PCI_P2P_DEVICE_DAX_MAX_ALIGN), and the dax driver of
 * compat/dax_mmap.c. Any other dax driver (fsdev_dax, a future one) is
 * refused: nothing says how it maps.
 *
 * Placement (device_dax): the dax core checks a device's range lengths
 * against its alignment, but not their starts, and allocates first-fit. A
 * 1 GiB-aligned device can so start at an offset that is only 2 MiB aligned;
 * its 1 GiB faults would then map the aligned-down address, the memory of
 * another device. Starts are always 2 MiB aligned (the region's start and
 * every length are), so only alignments above that can go wrong. The start
 * of a device's first range is all sysfs shows without a lock, so a device
 * in several pieces is refused at such alignments. The pieces are counted
 * by their mapping devices, which the dax core adds after the device: while
 * the region's first device is being added it has none yet, but one piece,
 * at the region's start.
 */
static int dax_pci_p2p_may_bind(struct dax_pci_p2p *p2p, struct device *dev,
				u64 align, bool *rebind)
{
	struct device_driver *own = dax_pci_p2p_mmap_driver();
	struct pci_dev *pdev = p2p->pdev;
	const char *drv = dev->driver->name;
	u64 start;
	int nr;

	if (!strcmp(drv, "kmem")) {
		dev_err_ratelimited(dev, "system-ram mode refused: %s BAR%d is device memory, not coherent System RAM; keep it as devdax: daxctl reconfigure-device --mode=devdax %s\n",
				    pci_name(pdev), p2p->bar, dev_name(dev));
		return -EPERM;
	}
	/*
	 * Without memory (size 0) the dax bus refuses the probe itself. The
	 * region's first device, daxX.0 of a new region, has its memory
	 * before it is added but its mapping device only after: it is bound
	 * while being added, from devm_dax_pci_p2p_add(), and counts as one
	 * piece. (Its probe adds the region's next device, of size 0.)
	 */
	nr = dax_pci_p2p_nr_mappings(dev);
	if (!nr && READ_ONCE(p2p->adding_first) && dax_pci_p2p_first_of(p2p, dev))
		nr = 1;
	if (!nr)
		return 0;
	if (dev->driver != own && strcmp(drv, "device_dax")) {
		dev_err_ratelimited(dev, "%s refused: only %s map %s BAR%d with its memory type; bind that instead\n",
				    drv, own ? own->name : "device_dax",
				    pci_name(pdev), p2p->bar);
		return -EPERM;
	}
	if (dev->driver != own && align > DAX_PCI_P2P_DEVICE_DAX_MAX_ALIGN) {
		if (own) {
			/* Not an error of the user's: said once per bind. */
			dev_info(dev, "device_dax maps BAR memory write-back on this kernel: %s serves it instead\n",
				 own->name);
			*rebind = true;
		} else {
			dev_err_ratelimited(dev, "not enabled: device_dax maps %s pages write-back on this kernel; give it alignment %s or less: daxctl reconfigure-device -a %s %s\n",
					    dax_pci_p2p_size_name(align),
					    dax_pci_p2p_size_name(DAX_PCI_P2P_DEVICE_DAX_MAX_ALIGN),
					    dax_pci_p2p_size_name(DAX_PCI_P2P_DEVICE_DAX_MAX_ALIGN),
					    dev_name(dev));
		}
		return -EOPNOTSUPP;
	}

	if (align <= DAX_PCI_P2P_MIN_ALIGN)
		return 0;
	if (dax_pci_p2p_dax_attr(dev, "resource", &start)) {
		dev_err_ratelimited(dev, "not enabled: cannot read its start from the dax core to check its placement\n");
		return -EINVAL;
	}
	if (nr > 1) {
		dev_err_ratelimited(dev, "not enabled: it is in %d pieces, and only the first one's placement can be checked at alignment %#llx; destroy it and create it again where it fits in one piece\n",
				    nr, align);
		return -EINVAL;
	}
	if (!IS_ALIGNED(start, align)) {
		dev_err_ratelimited(dev, "not enabled: it starts at BAR%d offset %#llx, not a multiple of its alignment %#llx, so its huge pages would map another device's memory; destroy it and create devices of this alignment before smaller ones, or give it a smaller alignment\n",
				    p2p->bar,
				    start - pci_resource_start(pdev, p2p->bar),
				    align);
		return -EINVAL;
	}
	return 0;
}

/*
 * A bus notifier cannot fail a bind, but the device's PM domain can: the
 * driver core activates it after the BIND_DRIVER notification and before
 * the driver's probe, and a failure there ends the bind with that error
 * (really_probe()). A refused bind gets one of these domains for its length
 * only, from BIND_DRIVER to NOT_BOUND, under the device lock; they have no
 * power management operations. The refused driver then does not run at
 * all: no claim, no page map, nothing to undo, and daxctl sees the errno.
 */
static int dax_pci_p2p_refuse_eperm(struct device *dev)
{
	return -EPERM;
}

static int dax_pci_p2p_refuse_einval(struct device *dev)
{
	return -EINVAL;
}

static int dax_pci_p2p_refuse_eopnotsupp(struct device *dev)
{
	return -EOPNOTSUPP;
}

static struct dev_pm_domain dax_pci_p2p_refuse[] = {
	{ .activate = dax_pci_p2p_refuse_eperm },
	{ .activate = dax_pci_p2p_refuse_einval },
	{ .activate = dax_pci_p2p_refuse_eopnotsupp },
	/* The same, and this module's own dax driver binds it afterwards. */
	{ .activate = dax_pci_p2p_refuse_eopnotsupp },
};

#define DAX_PCI_P2P_REBIND	(&dax_pci_p2p_refuse[3])

static bool dax_pci_p2p_refused(struct device *dev)
{
	return dev->pm_domain >= &dax_pci_p2p_refuse[0] &&
	       dev->pm_domain <= &dax_pci_p2p_refuse[ARRAY_SIZE(dax_pci_p2p_refuse) - 1];
}

/* Called before @dev, a dax device of @p2p, is bound to a driver. */
static void dax_pci_p2p_vet_bind(struct dax_pci_p2p *p2p, struct device *dev)
{
	struct dev_pm_domain *refusal;
	bool rebind = false;
	u64 align;
	int rc;

	if (dax_pci_p2p_dax_attr(dev, "align", &align)) {
		dev_err_ratelimited(dev, "not enabled: cannot read its alignment from the dax core\n");
		rc = -EINVAL;
	} else {
		rc = dax_pci_p2p_may_bind(p2p, dev, align, &rebind);
	}
	if (!rc && dev->driver == dax_pci_p2p_mmap_driver())
		rc = dax_pci_p2p_mmap_prepare(dev, align,
					      p2p->caching == DAX_PCI_P2P_UC);
	if (!rc)
		return;
	if (dev->pm_domain) {
		/* Not the case of any dax device today: say so, loudly. */
		dev_err(dev, "cannot refuse the bind: the device has a PM domain\n");
		return;
	}
	if (rebind)
		refusal = DAX_PCI_P2P_REBIND;
	else if (rc == -EPERM)
		refusal = &dax_pci_p2p_refuse[0];
	else if (rc == -EOPNOTSUPP)
		refusal = &dax_pci_p2p_refuse[2];
	else
		refusal = &dax_pci_p2p_refuse[1];
	dev_pm_domain_set(dev, refusal);
}

/*
 * Binds this module's own dax driver to a device device_dax was refused.
 *
 * daxctl binds device_dax by writing its new_id and bind attributes and
 * then looks at the device's driver link at once: to be seen, the own
 * driver must be bound before the refused write returns. The refusal runs
 * under the device lock, which the bind needs, so the bind is done as the
 * writing task returns to user space (task_work), after the driver core has
 * let go of the lock. A bind by a kernel thread (deferred or asynchronous
 * probing) has no such return and is left to the workqueue, as is one by an
 * io_uring worker (whose return is not the writer's) or one while this
 * module is loading or going away (see dax_pci_p2p_rebind_resume()).
 */
struct dax_pci_p2p_rebind {
	union {
		struct work_struct work;
		struct callback_head twork;
	};
	struct device *dev;
};

/*
 * Binds this module's own dax driver to @dev. Under the device lock: bound
 * meanwhile (-EBUSY), or gone (-ENODEV), is nothing to report, nor is a
 * refusal of the bind vetting, which said why itself. The driver pointer is
 * not a test outside the lock: another bind attempt sets it for its
 * duration.
 */
static void dax_pci_p2p_bind_own(struct device *dev)
{
	struct device_driver *own = dax_pci_p2p_mmap_driver();
	int rc;

	rc = device_driver_attach(own, dev);
	if (rc && rc != -EBUSY && rc != -ENODEV && rc != -EPERM &&
	    rc != -EINVAL && rc != -EOPNOTSUPP)
		dev_err(dev, "cannot bind %s (%d): bind it by hand: echo %s > /sys/bus/dax/drivers/%s/bind\n",
			own->name, rc, dev_name(dev), own->name);
}

static void dax_pci_p2p_rebind(struct dax_pci_p2p_rebind *rb)
{
	dax_pci_p2p_bind_own(rb->dev);
	put_device(rb->dev);
	kfree(rb);
}

static void dax_pci_p2p_rebind_work(struct work_struct *work)
{
	dax_pci_p2p_rebind(container_of(work, struct dax_pci_p2p_rebind, work));
}

/*
 * No exit can flush or cancel a task_work as it flushes the workqueue: one
 * is queued only while this module is live, and holds a reference to it
 * until its last call. That call is the module_put(), made as a tail call
 * where the compiler optimises sibling calls (as for Debian's kernels, which
 * have no frame pointers): then nothing of this module runs once a
 * delete_module() may begin; otherwise only the return does.
 */
static void dax_pci_p2p_rebind_resume(struct callback_head *twork)
{
	dax_pci_p2p_rebind(container_of(twork, struct dax_pci_p2p_rebind, twork));
	module_put(THIS_MODULE);
}

/* A reference to this module, if it is live: not loading, not going away. */
static bool dax_pci_p2p_get_live(void)
{
#ifdef MODULE
	return READ_ONCE(THIS_MODULE->state) == MODULE_STATE_LIVE &&
	       try_module_get(THIS_MODULE);
#else
	return true;
#endif
}

static void dax_pci_p2p_queue_rebind(struct device *dev)
{
	struct dax_pci_p2p_rebind *rb;

	/* Called from a bus notifier, which has no error path. */
	rb = kzalloc_obj(*rb, GFP_KERNEL | __GFP_NOFAIL);
	rb->dev = get_device(dev);
	if (!(current->flags & (PF_KTHREAD | PF_IO_WORKER)) &&
	    dax_pci_p2p_get_live()) {
		init_task_work(&rb->twork, dax_pci_p2p_rebind_resume);
		if (!task_work_add(current, &rb->twork, TWA_RESUME))
			return;
		/* The task is exiting. */
		module_put(THIS_MODULE);
	}
	INIT_WORK(&rb->work, dax_pci_p2p_rebind_work);
	queue_work(dax_pci_p2p_wq, &rb->work);
}

/* Called once a bind of @dev has ended, with @bound telling how. */
static void dax_pci_p2p_bind_done(struct device *dev, bool bound)
{
	dax_pci_p2p_mmap_done(dev);
	if (!dax_pci_p2p_refused(dev))
		return;
	if (bound)
		dev_err(dev, "bound to %s although refused\n", dev->driver->name);
	if (dev->pm_domain == DAX_PCI_P2P_REBIND && !bound)
		dax_pci_p2p_queue_rebind(dev);
	dev_pm_domain_set(dev, NULL);
}

static int dax_pci_p2p_dax_notify(struct notifier_block *nb,
				  unsigned long action, void *data)
{
	struct device *dev = data;
	struct dax_pci_p2p *p2p;

	mutex_lock(&dax_pci_p2p_lock);
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		if (dax_pci_p2p_lookup(dev->parent))
			dax_pci_p2p_add_dax_group(dev);
		break;
	case BUS_NOTIFY_BIND_DRIVER:
		p2p = dax_pci_p2p_lookup(dev->parent);
		if (p2p)
			dax_pci_p2p_vet_bind(p2p, dev);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
	case BUS_NOTIFY_DRIVER_NOT_BOUND:
		dax_pci_p2p_bind_done(dev, action == BUS_NOTIFY_BOUND_DRIVER);
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		p2p = dax_pci_p2p_lookup(dev->parent);
		if (p2p)
			dax_pci_p2p_drain_start(p2p, dev);
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
		/* By device alone: a drain must end even if its region is gone. */
		dax_pci_p2p_drain_finish(dev);
		break;
	}
	mutex_unlock(&dax_pci_p2p_lock);
	return NOTIFY_DONE;
}

static struct notifier_block dax_pci_p2p_dax_nb = {
	.notifier_call = dax_pci_p2p_dax_notify,
};

static int dax_pci_p2p_first_dax(struct device *dev, void *data)
{
	struct device **found = data;

	if (!dev->bus || strcmp(dev->bus->name, "dax"))
		return 0;
	*found = get_device(dev);
	return 1;
}

/*
 * Watch the binds and unbinds of dax devices from now on. The dax bus type
 * is not exported: it is the bus of this module's own dax driver where there
 * is one, else it is learnt from the first dax device made here (@pdev's),
 * which then predates the notifier.
 */
static int dax_pci_p2p_watch_dax_bus(struct pci_dev *pdev)
{
	struct device_driver *own = dax_pci_p2p_mmap_driver();
	typeof(dax_pci_p2p_dax_bus) bus = NULL;
	struct device *child = NULL;
	int rc = 0;

	mutex_lock(&dax_pci_p2p_bus_lock);
	if (pdev)
		device_for_each_child(&pdev->dev, &child, dax_pci_p2p_first_dax);
	/* Also when watching since module load: the major comes with a device. */
	if (child && !dax_pci_p2p_dax_major)
		WRITE_ONCE(dax_pci_p2p_dax_major, MAJOR(child->devt));
	if (dax_pci_p2p_dax_bus)
		goto out;
	if (child)
		bus = child->bus;
	else if (own)
		bus = own->bus;
	if (!bus) {
		rc = -ENODEV;
		goto out;
	}
	rc = bus_register_notifier(bus, &dax_pci_p2p_dax_nb);
	if (!rc)
		dax_pci_p2p_dax_bus = bus;
out:
	put_device(child);
	mutex_unlock(&dax_pci_p2p_bus_lock);
	return rc;
}

static int dax_pci_p2p_attach_own(struct device *dev, void *data)
{
	if (dev->bus && dev->bus == dax_pci_p2p_dax_bus && !READ_ONCE(dev->driver))
		dax_pci_p2p_bind_own(dev);
	return 0;
}

static void dax_pci_p2p_unlist(void *data)
{
	struct dax_pci_p2p *p2p = data;

	mutex_lock(&dax_pci_p2p_lock);
	list_del(&p2p->list);
	mutex_unlock(&dax_pci_p2p_lock);
}

static void dax_pci_p2p_release_res(void *res)
{
	release_resource(res);
}

static void dax_pci_p2p_memregion_free(void *id)
{
	memregion_free((long)id);
}

static int dax_pci_p2p_check_bar(struct pci_dev *pdev, int bar,
				 resource_size_t offset, resource_size_t *size,
				 unsigned long align)
{
	resource_size_t len, start;
	struct range pluggable;
	unsigned long flags;

	if (bar < 0 || bar >= PCI_STD_NUM_BARS) {
		p2p_err(pdev, "BAR%d does not exist: choose a BAR from 0 to %d\n",
			bar, PCI_STD_NUM_BARS - 1);
		return -EINVAL;
	}
	flags = pci_resource_flags(pdev, bar);
	len = pci_resource_len(pdev, bar);
	if (!len) {
		p2p_err(pdev, "BAR%d is not implemented by this device: choose a memory BAR (see lspci -v)\n",
			bar);
		return -EINVAL;
	}
	if (flags & IORESOURCE_IO) {
		p2p_err(pdev, "BAR%d is an I/O port BAR and cannot be mapped: choose a memory BAR\n",
			bar);
		return -EINVAL;
	}
	if (!(flags & IORESOURCE_MEM) || (flags & IORESOURCE_UNSET) ||
	    !pdev->resource[bar].parent) {
		p2p_err(pdev, "BAR%d has no memory address assigned: check the firmware's or the kernel's BAR allocation (dmesg, lspci -v)\n",
			bar);
		return -EINVAL;
	}

	if (!*size && offset < len)
		*size = len - offset;
	start = pci_resource_start(pdev, bar) + offset;
	if (offset >= len || *size > len - offset) {
		p2p_err(pdev, "BAR%d %pR: offset %#llx size %#llx lies outside the BAR\n",
			bar, &pdev->resource[bar], (unsigned long long)offset,
			(unsigned long long)*size);
		return -EINVAL;
	}
	if (*size < DAX_PCI_P2P_MIN_ALIGN) {
		p2p_err(pdev, "BAR%d %pR is too small: device-dax needs at least 2 MiB\n",
			bar, &pdev->resource[bar]);
		return -EINVAL;
	}
	if (!IS_ALIGNED(start, DAX_PCI_P2P_MIN_ALIGN) ||
	    !IS_ALIGNED(*size, DAX_PCI_P2P_MIN_ALIGN)) {
		p2p_err(pdev, "BAR%d range %#llx+%#llx is not 2 MiB aligned: device-dax maps memory in 2 MiB sections\n",
			bar, (unsigned long long)offset,
			(unsigned long long)*size);
		return -EINVAL;
	}
	if (!IS_ALIGNED(start, align) || !IS_ALIGNED(*size, align)) {
		p2p_err(pdev, "BAR%d range %#llx+%#llx is not aligned to %#lx: choose a smaller alignment\n",
			bar, (unsigned long long)offset,
			(unsigned long long)*size, align);
		return -EINVAL;
	}
	/* Where memory hotplug cannot create pages, device_dax would fail. */
	pluggable = mhp_get_pluggable_range(true);
	if (start < pluggable.start || start + *size - 1 > pluggable.end) {
		p2p_err(pdev, "BAR%d %pR lies outside the physical range the kernel can create pages for (%#llx-%#llx): move the BAR (firmware setting) or boot a kernel with a larger physical address space\n",
			bar, &pdev->resource[bar],
			(unsigned long long)pluggable.start,
			(unsigned long long)pluggable.end);
		return -EINVAL;
	}
	return 0;
}

static bool dax_pci_p2p_valid_align(unsigned long align)
{
	return align == PAGE_SIZE || align == PMD_SIZE || align == PUD_SIZE;
}

/* The body of devm_dax_pci_p2p_add(), every step device-managed. */
static int dax_pci_p2p_setup(struct pci_dev *pdev, int bar,
			     resource_size_t offset, resource_size_t size,
			     unsigned long align, unsigned long flags)
{
	resource_size_t start = pci_resource_start(pdev, bar) + offset;
	struct device *dev = &pdev->dev;
	struct dax_region *dax_region;
	struct dev_dax_data data;
	struct dax_pci_p2p *p2p;
	struct dev_dax *dev_dax;
	int rc, id;

	p2p = devm_kzalloc(dev, sizeof(*p2p), GFP_KERNEL);
	if (!p2p)
		return -ENOMEM;
	p2p->pdev = pdev;
	p2p->bar = bar;
	p2p->persistent = !!(flags & DAX_PCI_P2P_PERSISTENT);
	p2p->range = (struct range) {
		.start = start,
		.end = start + size - 1,
	};

	p2p->res.name = KBUILD_MODNAME;
	p2p->res.start = start;
	p2p->res.end = start + size - 1;
	p2p->res.flags = IORESOURCE_MEM;
	rc = request_resource(&pdev->resource[bar], &p2p->res);
	if (rc) {
		p2p_err(pdev, "BAR%d range %#llx+%#llx is already in use by another driver: release it first (see /proc/iomem)\n",
			bar, (unsigned long long)offset,
			(unsigned long long)size);
		return -EBUSY;
	}
	rc = devm_add_action_or_reset(dev, dax_pci_p2p_release_res, &p2p->res);
	if (rc)
		return rc;

	/*
	 * Reserve the memory type before any page exists: the page map and
	 * every later user fault take the type already reserved. There is
	 * no exported way to reserve uncached other than holding an uncached
	 * ioremap of the range, which is all this mapping is for.
	 */
	if ((pci_resource_flags(pdev, bar) & IORESOURCE_PREFETCH) &&
	    !(flags & DAX_PCI_P2P_UNCACHED)) {
		p2p->caching = DAX_PCI_P2P_WC;
		rc = devm_arch_io_reserve_memtype_wc(dev, start, size);
	} else {
		p2p->caching = DAX_PCI_P2P_UC;
		rc = devm_ioremap_uc(dev, start, size) ? 0 : -ENOMEM;
	}
	if (rc) {
		p2p_err(pdev, "BAR%d: cannot reserve the range %s (%d): another mapping of it uses a conflicting memory type\n",
			bar, dax_pci_p2p_caching_names[p2p->caching], rc);
		return rc;
	}

	id = memregion_alloc(GFP_KERNEL);
	if (id < 0) {
		p2p_err(pdev, "no free memory region id (%d)\n", id);
		return id;
	}
	rc = devm_add_action_or_reset(dev, dax_pci_p2p_memregion_free,
				      (void *)(long)id);
	if (rc)
		return rc;
	p2p->id = id;

	/*
	 * Listed before the region exists, so that the drain notifier finds
	 * it until every device of the region is gone.
	 */
	mutex_lock(&dax_pci_p2p_lock);
	list_add(&p2p->list, &dax_pci_p2p_regions);
	mutex_unlock(&dax_pci_p2p_lock);
	rc = devm_add_action_or_reset(dev, dax_pci_p2p_unlist, p2p);
	if (rc)
		return rc;

	dax_region = alloc_dax_region(dev, id, &p2p->range, NUMA_NO_NODE, align,
				      0);
	if (!dax_region) {
		p2p_err(pdev, "the dax core cannot create a region over BAR%d\n",
			bar);
		return -ENOMEM;
	}

	data = (struct dev_dax_data) {
		.dax_region = dax_region,
		.id = -1,
		.size = size,
	};
	WRITE_ONCE(p2p->adding_first, true);
	dev_dax = devm_create_dev_dax(&data);
	WRITE_ONCE(p2p->adding_first, false);
	if (IS_ERR(dev_dax)) {
		p2p_err(pdev, "cannot create the dax device: %ld\n",
			PTR_ERR(dev_dax));
		return PTR_ERR(dev_dax);
	}

	rc = dax_pci_p2p_watch_dax_bus(pdev);
	if (rc) {
		p2p_err(pdev, "cannot watch dax device teardown (%d), which pinned pages would not survive\n",
			rc);
		return rc;
	}
	/* The first device may predate the notifier. */
	mutex_lock(&dax_pci_p2p_lock);
	device_for_each_child(dev, NULL, dax_pci_p2p_group_child);
	mutex_unlock(&dax_pci_p2p_lock);
	/*
	 * Where device_dax cannot map the region, it was refused the first
	 * device, or is not loaded: this module's own dax driver serves it.
	 */
	if (dax_pci_p2p_mmap_driver() && align > DAX_PCI_P2P_DEVICE_DAX_MAX_ALIGN)
		device_for_each_child(dev, NULL, dax_pci_p2p_attach_own);

	pci_info(pdev, "BAR%d %pR: dax region %d, %s, align %#lx\n", bar,
		 &p2p->res, id, dax_pci_p2p_caching_names[p2p->caching], align);

	return 0;
}

/**
 * devm_dax_pci_p2p_add() - register PCI BAR memory with device-dax
 * @pdev: PCI function that owns the memory
 * @bar: index of a memory BAR of @pdev
 * @offset: start of the memory inside the BAR, 2 MiB aligned
 * @size: length of the memory, a multiple of 2 MiB; 0 for the rest of the BAR
 * @align: mapping alignment of the region and its first device: %PAGE_SIZE,
 *	%PMD_SIZE or %PUD_SIZE (not where the kernel's device_dax maps 1 GiB
 *	pages write-back and nothing here serves them instead); 0 for 1 GiB
 *	where the range and the kernel allow it and 2 MiB otherwise
 * @flags: %DAX_PCI_P2P_UNCACHED to map a prefetchable BAR uncached;
 *	%DAX_PCI_P2P_PERSISTENT if the memory behind the BAR is non-volatile
 *	(reported to users through sysfs and /dev/p2pdax, nothing else)
 *
 * Creates a dynamic dax region over the range, with @pdev as its parent, and
 * one device (/dev/daxX.Y) that covers all of it; daxctl can then resize the
 * device and carve out more. The range is reserved write-combining when the
 * BAR is prefetchable (and @flags does not ask otherwise), uncached when it
 * is not, and user mappings get that type: only device_dax, where this
 * kernel's device_dax maps the alignment with it, or this module's own dax
 * driver (out-of-tree builds on kernels whose device_dax cannot) may bind a
 * device of the region. User mappings of device memory are never
 * write-back.
 *
 * Every later bind of a device of the region is vetted: binding to kmem
 * (system-ram mode) is refused, as BAR memory is not coherent System RAM
 * (the region's target node is also %NUMA_NO_NODE, which kmem refuses), and
 * so is a device whose alignment is above 2 MiB unless it is in one piece
 * that starts at a multiple of its alignment: the dax core does not check
 * that, and such a device's huge pages would map another device's memory.
 *
 * The range is claimed in /proc/iomem under the BAR by a non-busy
 * "dax_pci_p2p" resource, under which device-dax makes its own claims; a
 * range some other user has claimed is refused.
 *
 * Everything is undone when @pdev's driver unbinds. While a device of the
 * region is torn down, its page map is freed only once no page of it is
 * pinned any more (in-flight O_DIRECT, RDMA registrations, vmsplice), so
 * the unbind waits for such users and says so in the kernel log.
 *
 * The dax core keeps its region in @pdev's driver data: the caller must not
 * use pci_set_drvdata(), and can register one range per PCI function.
 *
 * On failure nothing is left behind: no device, no region, no reservation,
 * and @pdev's driver data is NULL again.
 *
 * A pinned page holds up the teardown for as long as it stays pinned: the
 * unbinding task waits uninterruptibly (the hung-task detector reports it
 * after its timeout) holding the device locks, and on 6.12 the dax core's
 * global region lock, so dax sysfs and daxctl stall meanwhile.
 *
 * Context: Process context, from the probe of the driver bound to @pdev,
 * after pcim_enable_device().
 * Return: 0 on success, or a negative errno (after logging why): -EINVAL for
 * an unusable BAR, range or alignment, -EOPNOTSUPP for an alignment this
 * kernel would map write-back, -EBUSY if the range or the driver
 * data is in use, -EOPNOTSUPP if PAT is disabled (no way to keep the
 * memory from being mapped write-back), -ENOMEM, or an error of the dax
 * core.
 */
int devm_dax_pci_p2p_add(struct pci_dev *pdev, int bar, resource_size_t offset,
			 resource_size_t size, unsigned long align,
			 unsigned long flags)
{
	struct device *dev = &pdev->dev;
	resource_size_t start;
	void *group;
	int rc;

	if (!pat_enabled()) {
		p2p_err(pdev, "PAT is disabled (nopat?): BAR memory would be mapped write-back, refusing\n");
		return -EOPNOTSUPP;
	}
	if (flags & ~(DAX_PCI_P2P_UNCACHED | DAX_PCI_P2P_PERSISTENT)) {
		p2p_err(pdev, "unknown flags %#lx\n", flags);
		return -EINVAL;
	}
	if (align && !dax_pci_p2p_valid_align(align)) {
		p2p_err(pdev, "alignment %#lx is not supported: use 4K, 2M or 1G\n",
			align);
		return -EINVAL;
	}
	if (align > dax_pci_p2p_max_align()) {
		p2p_err(pdev, "alignment %s is not supported on this kernel: device_dax would map its pages write-back; use %s or less\n",
			dax_pci_p2p_size_name(align),
			dax_pci_p2p_size_name(dax_pci_p2p_max_align()));
		return -EOPNOTSUPP;
	}
	rc = dax_pci_p2p_check_bar(pdev, bar, offset, &size,
				   align ?: DAX_PCI_P2P_MIN_ALIGN);
	if (rc)
		return rc;
	start = pci_resource_start(pdev, bar) + offset;
	if (!align)
		align = IS_ALIGNED(start | size, PUD_SIZE) &&
			dax_pci_p2p_max_align() >= PUD_SIZE ? PUD_SIZE : PMD_SIZE;

	if (dev_get_drvdata(dev)) {
		p2p_err(pdev, "driver data is in use: the dax core keeps its region there, so the driver must not use pci_set_drvdata()\n");
		return -EBUSY;
	}

	/* A caller may go on after a failure: undo it all here, not at unbind. */
	group = devres_open_group(dev, NULL, GFP_KERNEL);
	if (!group)
		return -ENOMEM;
	rc = dax_pci_p2p_setup(pdev, bar, offset, size, align, flags);
	if (rc) {
		devres_release_group(dev, group);
		/* alloc_dax_region() leaves its region in the driver data. */
		dev_set_drvdata(dev, NULL);
		return rc;
	}
	devres_remove_group(dev, group);
	return 0;
}
EXPORT_SYMBOL_GPL(devm_dax_pci_p2p_add);

/*
 * The control device, /dev/p2pdax (include/uapi/linux/p2pdax.h): device-dax
 * owns /dev/daxX.Y, so what it cannot say (where a device's memory sits on
 * the bus, and how a peer reaches it) is answered here, for the devices of
 * every region this driver made.
 */

/* Every request starts with these. */
struct dax_pci_p2p_req_head {
	__u32 size;
	__u32 flags;
};

static typeof(dax_pci_p2p_dax_bus) dax_pci_p2p_get_dax_bus(void)
{
	typeof(dax_pci_p2p_dax_bus) bus;

	mutex_lock(&dax_pci_p2p_bus_lock);
	bus = dax_pci_p2p_dax_bus;
	mutex_unlock(&dax_pci_p2p_bus_lock);
	return bus;
}

/* Structures only grow; the sizes of their first form are fixed. */
static_assert(sizeof(struct p2pdax_info) >= P2PDAX_INFO_SIZE_VER1);
static_assert(sizeof(struct p2pdax_resolve) >= P2PDAX_RESOLVE_SIZE_VER1);
static_assert(sizeof(struct p2pdax_route) >= P2PDAX_ROUTE_SIZE_VER1);

/* Requests longer than this are refused rather than scanned for zeroes. */
#define DAX_PCI_P2P_MAX_REQ	SZ_4K

/*
 * Copy in a request whose kernel structure is @ksize bytes, @v1size in its
 * first form, the caller's size being its first field. On success @usize is
 * how much of it goes back.
 */
static int dax_pci_p2p_copy_in(void *karg, size_t ksize, size_t v1size,
			       u32 known_flags, const void __user *uarg,
			       size_t *usize)
{
	struct dax_pci_p2p_req_head *head = karg;
	u32 size;
	int rc;

	if (get_user(size, (const u32 __user *)uarg))
		return -EFAULT;
	if (size < v1size)
		return -EINVAL;
	if (size > DAX_PCI_P2P_MAX_REQ)
		return -E2BIG;
	rc = copy_struct_from_user(karg, ksize, uarg, size);
	if (rc)
		return rc;
	if (head->flags & ~known_flags)
		return -EINVAL;
	if ((head->flags & P2PDAX_F_BUS_ADDR) && !capable(CAP_SYS_ADMIN))
		return -EPERM;
	*usize = min_t(size_t, size, ksize);
	head->size = *usize;
	return 0;
}

static int dax_pci_p2p_copy_out(void __user *uarg, const void *karg,
				size_t usize)
{
	return copy_to_user(uarg, karg, usize) ? -EFAULT : 0;
}

static void dax_pci_p2p_fill_fn(struct p2pdax_pci_fn *fn, struct pci_dev *pdev,
				int bar)
{
	fn->domain = pci_domain_nr(pdev->bus);
	fn->bus = pdev->bus->number;
	fn->device = PCI_SLOT(pdev->devfn);
	fn->function = PCI_FUNC(pdev->devfn);
	fn->bar = bar;
}

static u32 dax_pci_p2p_attrs_of(struct dax_pci_p2p_snap *snap, u32 flags)
{
	return (snap->prefetchable ? P2PDAX_ATTR_PREFETCHABLE : 0) |
	       (snap->persistent ? P2PDAX_ATTR_PERSISTENT : 0) |
	       (flags & P2PDAX_F_BUS_ADDR ? P2PDAX_ATTR_BUS_ADDR : 0);
}

/* daxX.Y, if it is a device of one of the regions, referenced; or NULL. */
static struct device *dax_pci_p2p_find_dax(u32 region_id, u32 dev_id,
					   struct dax_pci_p2p_snap *snap)
{
	typeof(dax_pci_p2p_dax_bus) bus = dax_pci_p2p_get_dax_bus();
	char name[32];
	struct device *dev;

	if (!bus)
		return NULL;
	snprintf(name, sizeof(name), "dax%u.%u", region_id, dev_id);
	dev = bus_find_device_by_name(bus, NULL, name);
	if (dev && dax_pci_p2p_snap_of(dev->parent, snap)) {
		put_device(dev);
		dev = NULL;
	}
	return dev;
}

/* A dax device's ranges, summed from its mappingN children. */
struct dax_pci_p2p_extent {
	int nr;
	u64 size;
	bool has_first;
	u64 first;
};

/*
 * The range of @dev, if it is a mappingN child of a dax device: its
 * physical [@start, @end] and the device offset of @start (@pgoff pages).
 * The dax core reads a range through its mappingN child under the lock
 * that the range's removal takes, and says ENXIO once it is gone: unlike
 * the device's own "size" and "resource", which sysfs alone keeps from
 * racing with the removal, these are safe outside sysfs.
 */
static bool dax_pci_p2p_mapping_range(struct device *dev, u64 *start,
				      u64 *end, u64 *pgoff)
{
	return !strncmp(dev_name(dev), "mapping", strlen("mapping")) &&
	       !dax_pci_p2p_dax_attr(dev, "start", start) &&
	       !dax_pci_p2p_dax_attr(dev, "end", end) &&
	       !dax_pci_p2p_dax_attr(dev, "page_offset", pgoff) &&
	       *end >= *start;
}

static int dax_pci_p2p_add_extent(struct device *dev, void *data)
{
	struct dax_pci_p2p_extent *ext = data;
	u64 start, end, pgoff;

	if (!dax_pci_p2p_mapping_range(dev, &start, &end, &pgoff))
		return 0;
	ext->nr++;
	ext->size += end - start + 1;
	if (!pgoff) {
		ext->has_first = true;
		ext->first = start;
	}
	return 0;
}

static int dax_pci_p2p_ioc_info(void __user *uarg)
{
	struct dax_pci_p2p_extent ext = { 0 };
	struct dax_pci_p2p_snap snap;
	struct p2pdax_info info;
	u64 size, align, offset = 0;
	struct device *dev;
	size_t usize;
	int rc, nr;

	rc = dax_pci_p2p_copy_in(&info, sizeof(info), P2PDAX_INFO_SIZE_VER1,
				 P2PDAX_F_BUS_ADDR, uarg, &usize);
	if (rc)
		return rc;
	if (info.pad || memchr_inv(info.reserved, 0, sizeof(info.reserved)))
		return -EINVAL;

	dev = dax_pci_p2p_find_dax(info.region_id, info.dev_id, &snap);
	if (!dev)
		return -ENODEV;
	/* "align" is a plain field of the device, which is referenced. */
	rc = dax_pci_p2p_dax_attr(dev, "align", &align);
	if (rc)
		goto out;
	device_for_each_child(dev, &ext, dax_pci_p2p_add_extent);
	nr = ext.nr;
	size = ext.size;
	if (ext.has_first) {
		if (ext.first < snap.bar_start ||
		    ext.first - snap.bar_start >= snap.bar_len) {
			rc = -ENXIO;
			goto out;
		}
		offset = ext.first - snap.bar_start;
	}

	info.caching = snap.caching == DAX_PCI_P2P_WC ? P2PDAX_CACHING_WC :
							P2PDAX_CACHING_UC;
	dax_pci_p2p_fill_fn(&info.fn, snap.pdev, snap.bar);
	info.attrs = dax_pci_p2p_attrs_of(&snap, info.flags);
	info.nr_ranges = nr;
	info.dev_size = size;
	info.align = align;
	info.bar_size = snap.bar_len;
	info.bar_offset = offset;
	info.bus_addr = 0;
	info.bar_bus_addr = 0;
	if (info.flags & P2PDAX_F_BUS_ADDR) {
		info.bus_addr = nr ? snap.bar_bus + offset : 0;
		info.bar_bus_addr = snap.bar_bus;
	}
	rc = dax_pci_p2p_copy_out(uarg, &info, usize);
out:
	dax_pci_p2p_snap_put(&snap);
	put_device(dev);
	return rc;
}

/*
 * Where the caller's mapping at [@addr, @addr + @len) comes from: the device
 * number of the character device it maps, and the file offset of @addr.
 * -EINVAL unless the range lies in one shared mapping of a character device.
 */
static int dax_pci_p2p_vma_of(u64 addr, u64 len, dev_t *devt, u64 *off)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct inode *inode;
	int rc = -EINVAL;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = vma_lookup(mm, addr);
	if (vma && vma->vm_file && (vma->vm_flags & VM_MAYSHARE) &&
	    len <= vma->vm_end - addr) {
		inode = file_inode(vma->vm_file);
		if (S_ISCHR(inode->i_mode)) {
			*devt = inode->i_rdev;
			*off = ((u64)vma->vm_pgoff << PAGE_SHIFT) +
			       (addr - vma->vm_start);
			rc = 0;
		}
	}
	mmap_read_unlock(mm);
	return rc;
}

/*
 * The physical address the caller's page at @addr maps now, faulting it in
 * if needed; -ENXIO if it cannot (the device is gone: its mappings SIGBUS).
 */
static int dax_pci_p2p_mapped_phys(u64 addr, phys_addr_t *phys)
{
	struct page *page;

	if (get_user_pages_fast(addr & PAGE_MASK, 1, 0, &page) != 1)
		return -ENXIO;
	*phys = page_to_phys(page) + (addr & ~PAGE_MASK);
	put_page(page);
	return 0;
}

/* Looking up file offset @off among a dax device's mappingN children. */
struct dax_pci_p2p_lookup_off {
	u64 off;
	u64 phys;
	u64 left;
	int rc;
};

static int dax_pci_p2p_match_range(struct device *dev, void *data)
{
	struct dax_pci_p2p_lookup_off *l = data;
	u64 start, end, pgoff, first;

	/* Not a mapping, or a range going away. */
	if (!dax_pci_p2p_mapping_range(dev, &start, &end, &pgoff))
		return 0;
	first = pgoff << PAGE_SHIFT;
	if (l->off < first || l->off - first > end - start)
		return 0;
	l->phys = start + (l->off - first);
	l->left = end - l->phys + 1;
	l->rc = 0;
	return 1;
}

static int dax_pci_p2p_ioc_resolve(void __user *uarg)
{
	typeof(dax_pci_p2p_dax_bus) bus = dax_pci_p2p_get_dax_bus();
	struct dax_pci_p2p_lookup_off l = { .rc = -ENXIO };
	struct dax_pci_p2p_snap snap;
	struct p2pdax_resolve res;
	struct device *dev;
	phys_addr_t mapped;
	const char *dot;
	size_t usize;
	dev_t devt;
	int rc;

	rc = dax_pci_p2p_copy_in(&res, sizeof(res), P2PDAX_RESOLVE_SIZE_VER1,
				 P2PDAX_F_BUS_ADDR, uarg, &usize);
	if (rc)
		return rc;
	if (res.pad || memchr_inv(res.reserved, 0, sizeof(res.reserved)) ||
	    !res.length || res.length > U64_MAX - res.addr ||
	    res.addr + res.length > TASK_SIZE)
		return -EINVAL;

	rc = dax_pci_p2p_vma_of(res.addr, res.length, &devt, &l.off);
	if (rc)
		return rc;
	dev = bus ? bus_find_device_by_devt(bus, devt) : NULL;
	if (!dev) {
		/* A mapping of a dax device that has been destroyed since. */
		if (bus && MAJOR(devt) == READ_ONCE(dax_pci_p2p_dax_major))
			return -ENXIO;
		return -EINVAL;
	}
	if (dax_pci_p2p_snap_of(dev->parent, &snap)) {
		put_device(dev);
		return -EINVAL;
	}
	/* A mapping outlives its device, which can be disabled or destroyed. */
	if (READ_ONCE(dev->driver))
		device_for_each_child(dev, &l, dax_pci_p2p_match_range);
	rc = l.rc;
	if (!rc && (l.phys < snap.bar_start ||
		    l.phys - snap.bar_start >= snap.bar_len))
		rc = -ENXIO;
	/*
	 * A mapping outlives its device, and its device number can belong to
	 * another device by now: what counts is the page it maps.
	 */
	if (!rc && (dax_pci_p2p_mapped_phys(res.addr, &mapped) ||
		    mapped != l.phys))
		rc = -ENXIO;
	if (rc)
		goto out;

	res.contig = min(res.length, l.left);
	res.bar_offset = l.phys - snap.bar_start;
	res.bus_addr = 0;
	if (res.flags & P2PDAX_F_BUS_ADDR)
		res.bus_addr = snap.bar_bus + res.bar_offset;
	res.region_id = snap.id;
	dot = strrchr(dev_name(dev), '.');
	if (!dot || kstrtou32(dot + 1, 10, &res.dev_id))
		res.dev_id = U32_MAX;
	dax_pci_p2p_fill_fn(&res.fn, snap.pdev, snap.bar);
	res.attrs = dax_pci_p2p_attrs_of(&snap, res.flags);
	rc = dax_pci_p2p_copy_out(uarg, &res, usize);
out:
	dax_pci_p2p_snap_put(&snap);
	put_device(dev);
	return rc;
}

/* Whether @bridge is above @pdev. */
static bool dax_pci_p2p_is_above(struct pci_dev *bridge, struct pci_dev *pdev)
{
	while ((pdev = pci_upstream_bridge(pdev)))
		if (pdev == bridge)
			return true;
	return false;
}

/* Append @port to the route, with its ACS state as the hardware says now. */
static void dax_pci_p2p_add_port(struct p2pdax_route *route,
				 struct pci_dev *port, u16 flags)
{
	struct p2pdax_port *p;
	u16 cap = 0, ctrl = 0;
	int pos;

	/* Found at enumeration: no walk of extended config space here. */
	pos = port->acs_cap;
	if (pos && !pci_read_config_word(port, pos + PCI_ACS_CAP, &cap) &&
	    !pci_read_config_word(port, pos + PCI_ACS_CTRL, &ctrl)) {
		flags |= P2PDAX_PORT_ACS;
		if (ctrl & (PCI_ACS_RR | PCI_ACS_CR)) {
			flags |= P2PDAX_PORT_REDIRECT;
			route->attrs |= P2PDAX_ROUTE_ACS_REDIRECT;
		}
	} else {
		cap = 0;
		ctrl = 0;
	}

	if (route->nr_ports >= ARRAY_SIZE(route->ports)) {
		route->attrs |= P2PDAX_ROUTE_TRUNCATED;
		route->nr_ports++;
		return;
	}
	p = &route->ports[route->nr_ports++];
	dax_pci_p2p_fill_fn(&p->fn, port, 0);
	p->pcie_type = pci_is_pcie(port) ? pci_pcie_type(port) : 0xffff;
	p->flags = flags;
	p->acs_cap = cap;
	p->acs_ctrl = ctrl;
}

/*
 * The path from @src up to the first bridge that is also above @peer, then
 * down to @peer: what a peer-to-peer transaction crosses, unless a port on
 * the way redirects it upstream (ACS). Without a common bridge the traffic
 * turns in the root complex, if both sit under the same host bridge.
 * Called with the PCI rescan/remove lock held.
 */
static void dax_pci_p2p_walk(struct pci_dev *src, struct pci_dev *peer,
			     struct p2pdax_route *route)
{
	struct pci_dev *common = NULL, *up;
	int depth = 0, i;

	if (src == peer) {
		route->type = P2PDAX_ROUTE_SAME_FUNCTION;
		return;
	}
	for (up = pci_upstream_bridge(src); up; up = pci_upstream_bridge(up)) {
		/* A bridge above @src as the peer: the path ends there. */
		if (up == peer) {
			common = up;
			break;
		}
		if (dax_pci_p2p_is_above(up, peer)) {
			common = up;
			dax_pci_p2p_add_port(route, up, P2PDAX_PORT_COMMON);
			break;
		}
		dax_pci_p2p_add_port(route, up, 0);
	}
	/* The peer's side, top down. */
	if (common != peer)
		for (up = pci_upstream_bridge(peer); up != common;
		     up = pci_upstream_bridge(up))
			depth++;
	while (depth--) {
		up = peer;
		for (i = 0; i <= depth; i++)
			up = pci_upstream_bridge(up);
		dax_pci_p2p_add_port(route, up, P2PDAX_PORT_PEER_SIDE);
	}

	if (common)
		route->type = pci_is_pcie(common) &&
			      pci_pcie_type(common) == PCI_EXP_TYPE_ROOT_PORT ?
			      P2PDAX_ROUTE_ROOT_COMPLEX : P2PDAX_ROUTE_SAME_SWITCH;
	else if (pci_find_host_bridge(src->bus) ==
		 pci_find_host_bridge(peer->bus))
		route->type = P2PDAX_ROUTE_ROOT_COMPLEX;
	else
		route->type = P2PDAX_ROUTE_NO_COMMON_ROOT;
}

/*
 * What stands between @pdev's DMA and the bus, as the DMA API that its
 * driver uses sees it: no IOMMU, an IOMMU that passes bus addresses
 * through, or a translating one (use_dma_iommu(), a flag of the device,
 * rather than the domain itself, which another driver or a write of the
 * group's "type" can free under a reader that is not @dev's driver). A
 * driver that manages DMA itself (vfio) attaches domains of its own, which
 * this does not see.
 */
static u32 dax_pci_p2p_iommu_of(struct pci_dev *pdev)
{
	struct device *dev = &pdev->dev;

	if (!device_iommu_mapped(dev))
		return P2PDAX_IOMMU_NONE;
	if (use_dma_iommu(dev))
		return P2PDAX_IOMMU_TRANSLATED;
	return P2PDAX_IOMMU_IDENTITY;
}

static int dax_pci_p2p_ioc_route(void __user *uarg)
{
	struct dax_pci_p2p_snap snap;
	struct p2pdax_route *route;
	struct pci_dev *peer;
	size_t usize;
	int rc;

	route = kmalloc_obj(*route);
	if (!route)
		return -ENOMEM;
	rc = dax_pci_p2p_copy_in(route, sizeof(*route), P2PDAX_ROUTE_SIZE_VER1,
				 0, uarg, &usize);
	if (rc)
		goto out_free;
	if (route->peer.bar || route->peer.device >= 32 ||
	    route->peer.function >= 8 ||
	    memchr_inv(route->reserved, 0, sizeof(route->reserved))) {
		rc = -EINVAL;
		goto out_free;
	}
	rc = dax_pci_p2p_snap_id(route->region_id, &snap);
	if (rc)
		goto out_free;
	peer = pci_get_domain_bus_and_slot(route->peer.domain, route->peer.bus,
					   PCI_DEVFN(route->peer.device,
						     route->peer.function));
	if (!peer) {
		rc = -ENODEV;
		goto out_snap;
	}

	route->type = 0;
	route->attrs = 0;
	route->p2pdma_distance = 0;
	route->nr_ports = 0;
	memset(route->ports, 0, sizeof(route->ports));
	pci_lock_rescan_remove();
	dax_pci_p2p_walk(snap.pdev, peer, route);
	/*
	 * The walk shows the path; where the kernel has its own P2P DMA
	 * support, its verdict on the pair is the one that counts: it also
	 * knows the host bridges that forward peer traffic, and is what the
	 * block layer and RDMA consult.
	 */
	if (IS_ENABLED(CONFIG_PCI_P2PDMA)) {
		int dist = pci_p2pdma_distance(snap.pdev, &peer->dev, false);

		route->attrs |= P2PDAX_ROUTE_P2PDMA;
		if (dist < 0)
			route->attrs |= P2PDAX_ROUTE_P2PDMA_REFUSED;
		else
			route->p2pdma_distance = dist;
	}
	pci_unlock_rescan_remove();
	route->iommu = dax_pci_p2p_iommu_of(peer);
	if (route->iommu == P2PDAX_IOMMU_TRANSLATED)
		route->attrs |= P2PDAX_ROUTE_TRANSLATED;
	rc = dax_pci_p2p_copy_out(uarg, route, usize);

	pci_dev_put(peer);
out_snap:
	dax_pci_p2p_snap_put(&snap);
out_free:
	kfree(route);
	return rc;
}

/*
 * Dispatch by type, direction and number: the size bits are those of the
 * structure's first form, and its own size field says how long it is.
 */
static long dax_pci_p2p_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != P2PDAX_IOC_MAGIC ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(P2PDAX_IOC_INFO):
		return dax_pci_p2p_ioc_info(uarg);
	case _IOC_NR(P2PDAX_IOC_RESOLVE):
		return dax_pci_p2p_ioc_resolve(uarg);
	case _IOC_NR(P2PDAX_IOC_ROUTE):
		return dax_pci_p2p_ioc_route(uarg);
	}
	return -ENOTTY;
}

static const struct file_operations dax_pci_p2p_ctl_fops = {
	.owner = THIS_MODULE,
	.open = nonseekable_open,
	.unlocked_ioctl = dax_pci_p2p_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * Open to everyone: without P2PDAX_F_BUS_ADDR it tells what sysfs tells
 * every reader, and resolves only the caller's own mappings.
 */
static struct miscdevice dax_pci_p2p_ctl = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = P2PDAX_CTL_NAME,
	.fops = &dax_pci_p2p_ctl_fops,
	.mode = 0666,
};

/* The generic binder: a PCI driver for devices that have no driver of their own. */

static char ids[1024];
module_param_string(ids, ids, sizeof(ids), 0444);
MODULE_PARM_DESC(ids, "Bind to these devices: \"vendor:device[:bar][,...]\" in hex, BAR in decimal");

static int default_bar = -1;
static unsigned long default_align;
static bool default_uncached;
static bool default_persistent;

static int dax_pci_p2p_set_bar(const char *val, const struct kernel_param *kp)
{
	int n, rc;

	rc = kstrtoint(val, 0, &n);
	if (rc)
		return rc;
	if (n < -1 || n >= PCI_STD_NUM_BARS)
		return -EINVAL;
	*(int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops dax_pci_p2p_bar_ops = {
	.set = dax_pci_p2p_set_bar,
	.get = param_get_int,
};
module_param_cb(bar, &dax_pci_p2p_bar_ops, &default_bar, 0644);
MODULE_PARM_DESC(bar, "BAR for devices bound by driver_override or by ids= entries without one, -1 (default) for the largest suitable memory BAR");

static int dax_pci_p2p_set_align(const char *val, const struct kernel_param *kp)
{
	unsigned long n;
	char *end;

	n = memparse(val, &end);
	if (*end == '\n')
		end++;
	if (*end || (n && !dax_pci_p2p_valid_align(n)))
		return -EINVAL;
	*(unsigned long *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops dax_pci_p2p_align_ops = {
	.set = dax_pci_p2p_set_align,
	.get = param_get_ulong,
};
module_param_cb(align, &dax_pci_p2p_align_ops, &default_align, 0644);
MODULE_PARM_DESC(align, "Region alignment for devices bound from now on: 4K, 2M or 1G; 0 (default) for 1G where the BAR allows it, else 2M");

module_param_named(uncached, default_uncached, bool, 0644);
MODULE_PARM_DESC(uncached, "Map prefetchable BARs uncached instead of write-combining, for devices bound from now on");

module_param_named(persistent, default_persistent, bool, 0644);
MODULE_PARM_DESC(persistent, "Report the BARs of devices bound from now on as non-volatile memory (default: volatile)");

/* The largest memory BAR that device-dax can use, or a negative errno. */
static int dax_pci_p2p_pick_bar(struct pci_dev *pdev)
{
	resource_size_t best_len = 0;
	int i, best = -ENODEV;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		resource_size_t len = pci_resource_len(pdev, i);

		if (!(pci_resource_flags(pdev, i) & IORESOURCE_MEM) ||
		    (pci_resource_flags(pdev, i) & IORESOURCE_UNSET) ||
		    len < DAX_PCI_P2P_MIN_ALIGN ||
		    !IS_ALIGNED(pci_resource_start(pdev, i) | len,
				DAX_PCI_P2P_MIN_ALIGN))
			continue;
		if (len > best_len) {
			best = i;
			best_len = len;
		}
	}
	if (best < 0)
		p2p_err(pdev, "no memory BAR of at least 2 MiB: nothing to map (name a BAR with the bar= or ids= parameter to see why it is unusable)\n");
	return best;
}

static int dax_pci_p2p_probe(struct pci_dev *pdev,
			     const struct pci_device_id *id)
{
	int i = READ_ONCE(default_bar);
	unsigned long flags = 0;
	int rc;

	/*
	 * ids= entries carry their BAR + 1, 0 meaning "pick one"; root can
	 * write any driver_data through new_id.
	 */
	if (id->driver_data > PCI_STD_NUM_BARS) {
		p2p_err(pdev, "driver_data %lu is not a BAR + 1 (0 to %d)\n",
			id->driver_data, PCI_STD_NUM_BARS);
		return -EINVAL;
	}
	if (id->driver_data)
		i = id->driver_data - 1;
	if (i < 0) {
		i = dax_pci_p2p_pick_bar(pdev);
		if (i < 0)
			return i;
	}

	rc = pcim_enable_device(pdev);
	if (rc) {
		p2p_err(pdev, "cannot enable the device (%d)\n", rc);
		return rc;
	}

	if (READ_ONCE(default_uncached))
		flags |= DAX_PCI_P2P_UNCACHED;
	if (READ_ONCE(default_persistent))
		flags |= DAX_PCI_P2P_PERSISTENT;
	return devm_dax_pci_p2p_add(pdev, i, 0, 0, READ_ONCE(default_align),
				    flags);
}

static struct dax_pci_p2p *dax_pci_p2p_get(struct device *dev)
{
	struct dax_pci_p2p *p2p;

	mutex_lock(&dax_pci_p2p_lock);
	p2p = dax_pci_p2p_lookup(dev);
	mutex_unlock(&dax_pci_p2p_lock);
	return p2p;
}

/* Attributes of the binder's devices; the region is bound while they exist. */
static ssize_t bar_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct dax_pci_p2p *p2p = dax_pci_p2p_get(dev);

	return p2p ? sysfs_emit(buf, "%d\n", p2p->bar) : -ENXIO;
}
static DEVICE_ATTR_RO(bar);

static ssize_t caching_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct dax_pci_p2p *p2p = dax_pci_p2p_get(dev);

	return p2p ? sysfs_emit(buf, "%s\n",
				dax_pci_p2p_caching_names[p2p->caching]) :
		     -ENXIO;
}
static DEVICE_ATTR_RO(caching);

static ssize_t prefetchable_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct dax_pci_p2p_snap snap;
	ssize_t rc;

	if (dax_pci_p2p_snap_of(dev, &snap))
		return -ENXIO;
	rc = sysfs_emit(buf, "%d\n", snap.prefetchable);
	dax_pci_p2p_snap_put(&snap);
	return rc;
}
static DEVICE_ATTR_RO(prefetchable);

static ssize_t persistent_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct dax_pci_p2p_snap snap;
	ssize_t rc;

	if (dax_pci_p2p_snap_of(dev, &snap))
		return -ENXIO;
	rc = sysfs_emit(buf, "%d\n", snap.persistent);
	dax_pci_p2p_snap_put(&snap);
	return rc;
}
static DEVICE_ATTR_RO(persistent);

/* Bus address of the region's first byte; root only, like "resource". */
static ssize_t bus_address_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct dax_pci_p2p_snap snap;
	ssize_t rc;

	if (dax_pci_p2p_snap_of(dev, &snap))
		return -ENXIO;
	rc = sysfs_emit(buf, "%#llx\n", (u64)snap.bar_bus + snap.offset);
	dax_pci_p2p_snap_put(&snap);
	return rc;
}
static DEVICE_ATTR_ADMIN_RO(bus_address);

static struct attribute *dax_pci_p2p_attrs[] = {
	&dev_attr_bar.attr,
	&dev_attr_caching.attr,
	&dev_attr_prefetchable.attr,
	&dev_attr_persistent.attr,
	&dev_attr_bus_address.attr,
	NULL,
};

static const struct attribute_group dax_pci_p2p_group = {
	.name = "p2pdax",
	.attrs = dax_pci_p2p_attrs,
};
__ATTRIBUTE_GROUPS(dax_pci_p2p);

static struct pci_driver dax_pci_p2p_driver = {
	.name = KBUILD_MODNAME,
	.id_table = NULL,	/* binds only where it is told to */
	.probe = dax_pci_p2p_probe,
	.dev_groups = dax_pci_p2p_groups,
};

/* One ids= entry, "vendor:device[:bar]"; @bar is -1 without one. */
static int dax_pci_p2p_parse_id(char *entry, u16 *vendor, u16 *device,
				int *bar)
{
	char *v = strsep(&entry, ":"), *d = strsep(&entry, ":");
	char *b = strsep(&entry, ":");

	*bar = -1;
	if (!d || entry || kstrtou16(v, 16, vendor) || kstrtou16(d, 16, device))
		return -EINVAL;
	if (b && (kstrtoint(b, 10, bar) || *bar < 0 ||
		  *bar >= PCI_STD_NUM_BARS))
		return -EINVAL;
	return 0;
}

/* Parse ids=; with @add false only check it. */
static int dax_pci_p2p_parse_ids(bool add)
{
	char *buf, *p, *entry;
	int rc = 0;

	buf = kstrdup(ids, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	p = buf;
	while ((entry = strsep(&p, ",")) && !rc) {
		char *copy;
		u16 vendor, device;
		int bar;

		entry = strim(entry);
		if (!*entry)
			continue;
		copy = kstrdup(entry, GFP_KERNEL);
		if (!copy) {
			rc = -ENOMEM;
			break;
		}
		rc = dax_pci_p2p_parse_id(copy, &vendor, &device, &bar);
		kfree(copy);
		if (rc) {
			pr_err("ids: \"%s\" is not vendor:device[:bar] (hex ids, BAR 0-%d)\n",
			       entry, PCI_STD_NUM_BARS - 1);
			break;
		}
		if (!add)
			continue;
		rc = pci_add_dynid(&dax_pci_p2p_driver, vendor, device,
				   PCI_ANY_ID, PCI_ANY_ID, 0, 0, bar + 1);
		if (rc)
			pr_err("ids: cannot add %04x:%04x (%d)\n", vendor,
			       device, rc);
	}
	kfree(buf);
	return rc;
}

static void dax_pci_p2p_stop_watching(void)
{
	if (dax_pci_p2p_dax_bus)
		bus_unregister_notifier(dax_pci_p2p_dax_bus,
					&dax_pci_p2p_dax_nb);
	/* Every drain has seen its device unbound; let the last ones finish. */
	destroy_workqueue(dax_pci_p2p_wq);
}

static int __init dax_pci_p2p_init(void)
{
	int rc;

	rc = dax_pci_p2p_parse_ids(false);
	if (rc)
		return rc;

	dax_pci_p2p_wq = alloc_workqueue(KBUILD_MODNAME, WQ_UNBOUND, 0);
	if (!dax_pci_p2p_wq)
		return -ENOMEM;

	rc = dax_pci_p2p_mmap_register();
	if (rc)
		goto err_wq;
	/* With a dax driver of its own, the dax bus is known now. */
	if (dax_pci_p2p_mmap_driver()) {
		rc = dax_pci_p2p_watch_dax_bus(NULL);
		if (rc)
			goto err_mmap;
	}

	rc = misc_register(&dax_pci_p2p_ctl);
	if (rc)
		goto err_mmap;

	rc = pci_register_driver(&dax_pci_p2p_driver);
	if (rc)
		goto err_misc;

	rc = dax_pci_p2p_parse_ids(true);
	if (rc)
		goto err_driver;
	return 0;

err_driver:
	pci_unregister_driver(&dax_pci_p2p_driver);
err_misc:
	misc_deregister(&dax_pci_p2p_ctl);
err_mmap:
	dax_pci_p2p_stop_watching();
	dax_pci_p2p_mmap_unregister();
	return rc;
err_wq:
	destroy_workqueue(dax_pci_p2p_wq);
	return rc;
}
module_init(dax_pci_p2p_init);

static void __exit dax_pci_p2p_exit(void)
{
	misc_deregister(&dax_pci_p2p_ctl);
	pci_unregister_driver(&dax_pci_p2p_driver);
	dax_pci_p2p_stop_watching();
	dax_pci_p2p_mmap_unregister();
}
module_exit(dax_pci_p2p_exit);

MODULE_DESCRIPTION("PCI BAR memory as device-dax");
MODULE_AUTHOR("The p2pdax authors");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("post: device_dax");
