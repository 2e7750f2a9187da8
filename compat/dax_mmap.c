// SPDX-License-Identifier: GPL-2.0
/* Copyright(c) 2026 The p2pdax authors. */
/*
 * Out-of-tree builds only: a dax driver that serves the user mappings of a
 * BAR region's devices with the region's memory type, on kernels whose
 * device_dax cannot.
 *
 * From the ZONE_DEVICE refcount rework on (v6.15), device_dax inserts pages
 * and folios (vmf_insert_page_mkwrite(), vmf_insert_folio_pmd/pud()). Those
 * build the entry from vma->vm_page_prot and look no memory type up, and
 * device_dax never sets one: every user mapping of BAR memory is write-back,
 * whatever was reserved for the range. The fix belongs in device_dax's mmap
 * (a page protection from the region); until a kernel has it, this driver
 * does what device_dax does (the dax core's own page map, character device
 * and liveness), with the page protection set at mmap. Pages stay ordinary
 * ZONE_DEVICE pages, so GUP (O_DIRECT, io_uring, RDMA) works as it does with
 * device_dax.
 *
 * It binds only devices that dax_pci_p2p has vetted for it: the bind
 * notifier of drivers/dax/pci_p2p.c calls dax_pci_p2p_mmap_prepare() for a
 * device of one of its regions right before the driver core probes it, in
 * the probing task. Every other dax device is declined (-ENODEV), so the
 * next driver gets it.
 *
 * scripts/features.sh defines DAX_PCI_P2P_COMPAT_MMAP where the kernel
 * exports what this needs (the folio inserts and dax_pgoff_to_phys());
 * elsewhere this file is empty.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "bus.h"

#ifdef DAX_PCI_P2P_COMPAT_MMAP

/**
 * struct dax_pci_p2p_map - one dax device served by this driver
 * @kref: held by the binding and by every open file
 * @list: entry in dax_pci_p2p_maps while bound, or in the pending list
 *	between dax_pci_p2p_mmap_prepare() and the probe
 * @task: the task that is binding @dev (pending entries only)
 * @dev: the dax device, referenced
 * @dev_dax: the dax core's device, as its probe hands it over
 * @dax_dev: the dax core's liveness and inode for @dev, referenced
 * @align: the device's mapping alignment, fixed while bound
 * @uncached: map uncached (else write-combining)
 */
struct dax_pci_p2p_map {
	struct kref kref;
	struct list_head list;
	struct task_struct *task;
	struct device *dev;
	struct dev_dax *dev_dax;
	struct dax_device *dax_dev;
	unsigned long align;
	bool uncached;
};

static DEFINE_MUTEX(dax_pci_p2p_map_lock);
static LIST_HEAD(dax_pci_p2p_pending);
static LIST_HEAD(dax_pci_p2p_maps);

static void dax_pci_p2p_map_free(struct kref *kref)
{
	struct dax_pci_p2p_map *map =
		container_of(kref, struct dax_pci_p2p_map, kref);

	if (map->dax_dev)
		put_dax(map->dax_dev);
	put_device(map->dev);
	kfree(map);
}

static void dax_pci_p2p_map_put(struct dax_pci_p2p_map *map)
{
	kref_put(&map->kref, dax_pci_p2p_map_free);
}

static int dax_pci_p2p_check_vma(struct dax_pci_p2p_map *map,
				 struct vm_area_struct *vma)
{
	if (!dax_alive(map->dax_dev))
		return -ENXIO;
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		dev_info_ratelimited(map->dev, "%s: private mappings are not supported\n",
				     current->comm);
		return -EINVAL;
	}
	if (!IS_ALIGNED(vma->vm_start | vma->vm_end, map->align) ||
	    !IS_ALIGNED((u64)vma->vm_pgoff << PAGE_SHIFT, map->align)) {
		dev_info_ratelimited(map->dev, "%s: mapping %#lx-%#lx at offset %#llx is not aligned to %#lx\n",
				     current->comm, vma->vm_start, vma->vm_end,
				     (u64)vma->vm_pgoff << PAGE_SHIFT,
				     map->align);
		return -EINVAL;
	}
	return 0;
}

/* As device_dax: the page map's folios know their file and offset. */
static void dax_pci_p2p_set_mapping(struct vm_fault *vmf, unsigned long pfn,
				    unsigned long size)
{
	struct folio *folio = pfn_folio(pfn);

	/* Folios are as large as the alignment: one per fault. */
	if (folio->mapping)
		return;
	folio->mapping = vmf->vma->vm_file->f_mapping;
	folio->index = linear_page_index(vmf->vma,
					 ALIGN_DOWN(vmf->address, size));
}

static vm_fault_t dax_pci_p2p_huge_fault(struct vm_fault *vmf,
					 unsigned int order)
{
	struct dax_pci_p2p_map *map = vmf->vma->vm_file->private_data;
	unsigned long size = PAGE_SIZE << order;
	unsigned long addr = ALIGN_DOWN(vmf->address, size);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	struct vm_area_struct *vma = vmf->vma;
	vm_fault_t rc = VM_FAULT_SIGBUS;
	phys_addr_t phys;
	int id;

	/* A larger fault than the alignment is retried at the alignment. */
	if (size > map->align)
		return VM_FAULT_FALLBACK;
	if (size < map->align)
		return VM_FAULT_SIGBUS;
	if (addr < vma->vm_start || addr + size > vma->vm_end)
		return VM_FAULT_SIGBUS;

	id = dax_read_lock();
	if (dax_pci_p2p_check_vma(map, vma))
		goto out;
	phys = dax_pgoff_to_phys(map->dev_dax, linear_page_index(vma, addr),
				 size);
	if (phys == (phys_addr_t)-1)
		goto out;
	dax_pci_p2p_set_mapping(vmf, PHYS_PFN(phys), size);

	switch (order) {
	case 0:
		rc = vmf_insert_page_mkwrite(vmf, pfn_to_page(PHYS_PFN(phys)),
					     write);
		break;
	case PMD_ORDER:
		rc = vmf_insert_folio_pmd(vmf, pfn_folio(PHYS_PFN(phys)), write);
		break;
#ifdef CONFIG_HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD
	case PUD_ORDER:
		rc = vmf_insert_folio_pud(vmf, pfn_folio(PHYS_PFN(phys)), write);
		break;
#endif
	}
out:
	dax_read_unlock(id);
	return rc;
}

static vm_fault_t dax_pci_p2p_fault(struct vm_fault *vmf)
{
	return dax_pci_p2p_huge_fault(vmf, 0);
}

static int dax_pci_p2p_may_split(struct vm_area_struct *vma,
				 unsigned long addr)
{
	struct dax_pci_p2p_map *map = vma->vm_file->private_data;

	return IS_ALIGNED(addr, map->align) ? 0 : -EINVAL;
}

static unsigned long dax_pci_p2p_pagesize(struct vm_area_struct *vma)
{
	struct dax_pci_p2p_map *map = vma->vm_file->private_data;

	return map->align;
}

static const struct vm_operations_struct dax_pci_p2p_vm_ops = {
	.fault = dax_pci_p2p_fault,
	.huge_fault = dax_pci_p2p_huge_fault,
	.may_split = dax_pci_p2p_may_split,
	.pagesize = dax_pci_p2p_pagesize,
};

/*
 * @prot with the memory type of the range's reservation, as the PAT code
 * applies a reservation to the pfn inserts (UC, not pgprot_noncached()'s
 * UC-, for an uncached one).
 */
static pgprot_t dax_pci_p2p_pgprot(pgprot_t prot, bool uncached)
{
	enum page_cache_mode pcm = uncached ? _PAGE_CACHE_MODE_UC :
					      _PAGE_CACHE_MODE_WC;

	return __pgprot((pgprot_val(prot) & ~_PAGE_CACHE_MASK) |
			cachemode2protval(pcm));
}

/*
 * The point of this driver: the memory type goes into the page protection,
 * from which every insert, mprotect() and mremap() builds its entries.
 */
static int dax_pci_p2p_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct dax_pci_p2p_map *map = filp->private_data;
	int rc, id;

	id = dax_read_lock();
	rc = dax_pci_p2p_check_vma(map, vma);
	dax_read_unlock(id);
	if (rc)
		return rc;

	vma->vm_page_prot = dax_pci_p2p_pgprot(vma->vm_page_prot, map->uncached);
	vma->vm_ops = &dax_pci_p2p_vm_ops;
	vm_flags_set(vma, VM_HUGEPAGE);
	return 0;
}

/* An address whose offset in the alignment matches the file offset's. */
static unsigned long dax_pci_p2p_get_unmapped_area(struct file *filp,
						   unsigned long addr,
						   unsigned long len,
						   unsigned long pgoff,
						   unsigned long flags)
{
	struct dax_pci_p2p_map *map = filp->private_data;
	unsigned long off = pgoff << PAGE_SHIFT, align = map->align;
	unsigned long padded;

	if (addr || align <= PAGE_SIZE || len < align || len + align < len)
		return mm_get_unmapped_area(filp, addr, len, pgoff, flags);
	padded = mm_get_unmapped_area(filp, 0, len + align, pgoff, flags);
	if (IS_ERR_VALUE(padded))
		return mm_get_unmapped_area(filp, addr, len, pgoff, flags);
	return padded + ((off - padded) & (align - 1));
}

static const struct address_space_operations dax_pci_p2p_aops = {
	.dirty_folio = noop_dirty_folio,
};

static int dax_pci_p2p_open(struct inode *inode, struct file *filp)
{
	struct dax_device *dax_dev = inode_dax(inode);
	struct inode *dax_inode_ = dax_inode(dax_dev);
	struct dax_pci_p2p_map *map, *found = NULL;

	mutex_lock(&dax_pci_p2p_map_lock);
	list_for_each_entry(map, &dax_pci_p2p_maps, list) {
		if (map->dax_dev == dax_dev) {
			kref_get(&map->kref);
			found = map;
			break;
		}
	}
	mutex_unlock(&dax_pci_p2p_map_lock);
	if (!found)
		return -ENXIO;

	/* One page cache for every open of the device, as device_dax has. */
	inode->i_mapping = dax_inode_->i_mapping;
	inode->i_mapping->host = dax_inode_;
	inode->i_mapping->a_ops = &dax_pci_p2p_aops;
	filp->f_mapping = inode->i_mapping;
	filp->f_wb_err = filemap_sample_wb_err(filp->f_mapping);
	filp->f_sb_err = file_sample_sb_err(filp);
	filp->private_data = found;
	inode->i_flags = S_DAX;
	return 0;
}

static int dax_pci_p2p_release(struct inode *inode, struct file *filp)
{
	dax_pci_p2p_map_put(filp->private_data);
	return 0;
}

static const struct file_operations dax_pci_p2p_map_fops = {
	.owner = THIS_MODULE,
	.llseek = noop_llseek,
	.open = dax_pci_p2p_open,
	.release = dax_pci_p2p_release,
	.get_unmapped_area = dax_pci_p2p_get_unmapped_area,
	.mmap = dax_pci_p2p_mmap,
#ifdef FOP_MMAP_SYNC
	.fop_flags = FOP_MMAP_SYNC,
#endif
};

/*
 * The device's ranges, in file order, from the dax core's own lookup: the
 * longest run from each file offset that dax_pgoff_to_phys() resolves in
 * one piece. Returns the number of ranges, up to @max, written to @ranges.
 */
static int dax_pci_p2p_ranges(struct dev_dax *dev_dax, struct range *ranges,
			      int max)
{
	pgoff_t pgoff = 0;
	int nr = 0;

	while (nr < max) {
		phys_addr_t start = dax_pgoff_to_phys(dev_dax, pgoff, PAGE_SIZE);
		unsigned long lo = 1, hi;

		if (start == (phys_addr_t)-1)
			break;
		/* Pages in this range: grow, then bisect, the resolvable run. */
		for (hi = 2; dax_pgoff_to_phys(dev_dax, pgoff, hi << PAGE_SHIFT) !=
			     (phys_addr_t)-1; hi <<= 1)
			lo = hi;
		while (hi - lo > 1) {
			unsigned long mid = lo + (hi - lo) / 2;

			if (dax_pgoff_to_phys(dev_dax, pgoff, mid << PAGE_SHIFT) !=
			    (phys_addr_t)-1)
				lo = mid;
			else
				hi = mid;
		}
		ranges[nr++] = (struct range) {
			.start = start,
			.end = start + ((phys_addr_t)lo << PAGE_SHIFT) - 1,
		};
		pgoff += lo;
	}
	return nr;
}

static void dax_pci_p2p_map_unlist(void *data)
{
	struct dax_pci_p2p_map *map = data;

	mutex_lock(&dax_pci_p2p_map_lock);
	list_del(&map->list);
	mutex_unlock(&dax_pci_p2p_map_lock);
	dax_pci_p2p_map_put(map);
}

static void dax_pci_p2p_cdev_del(void *cdev)
{
	cdev_del(cdev);
}

/* Later faults get SIGBUS, and every user mapping goes. */
static void dax_pci_p2p_kill(void *dev_dax)
{
	kill_dev_dax(dev_dax);
}

/* Most ranges a device can be in, as the dax core's mappingN children. */
#define DAX_PCI_P2P_MAX_RANGES	64

static int dax_pci_p2p_map_probe(struct dev_dax *dev_dax)
{
	struct dax_pci_p2p_map *map, *found = NULL;
	struct dev_pagemap *pgmap;
	struct range *ranges;
	struct device *dev;
	struct cdev *cdev;
	void *addr;
	int i, nr, rc;

	/* Only a device that dax_pci_p2p has just prepared, in this task. */
	mutex_lock(&dax_pci_p2p_map_lock);
	list_for_each_entry(map, &dax_pci_p2p_pending, list) {
		if (map->task == current) {
			list_del(&map->list);
			found = map;
			break;
		}
	}
	mutex_unlock(&dax_pci_p2p_map_lock);
	if (!found)
		return -ENODEV;
	map = found;
	map->task = NULL;
	map->dev_dax = dev_dax;
	dev = map->dev;

	/* Owned by the binding from here: devres drops it at unbind. */
	INIT_LIST_HEAD(&map->list);
	rc = devm_add_action_or_reset(dev, dax_pci_p2p_map_unlist, map);
	if (rc)
		return rc;

	ranges = kcalloc(DAX_PCI_P2P_MAX_RANGES, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	nr = dax_pci_p2p_ranges(dev_dax, ranges, DAX_PCI_P2P_MAX_RANGES);
	pgmap = nr ? devm_kzalloc(dev, struct_size(pgmap, ranges, nr - 1),
				  GFP_KERNEL) : NULL;
	if (!pgmap) {
		kfree(ranges);
		return nr ? -ENOMEM : -ENXIO;
	}
	pgmap->nr_range = nr;
	for (i = 0; i < nr; i++) {
		pgmap->ranges[i] = ranges[i];
		if (!devm_request_mem_region(dev, ranges[i].start,
					     range_len(&ranges[i]),
					     dev_name(dev))) {
			dev_warn(dev, "mapping%d: %#llx-%#llx could not reserve range\n",
				 i, ranges[i].start, ranges[i].end);
			kfree(ranges);
			return -EBUSY;
		}
	}
	kfree(ranges);

	pgmap->type = MEMORY_DEVICE_GENERIC;
	if (map->align > PAGE_SIZE)
		pgmap->vmemmap_shift = order_base_2(map->align >> PAGE_SHIFT);
	addr = devm_memremap_pages(dev, pgmap);
	if (IS_ERR(addr))
		return PTR_ERR(addr);

	map->dax_dev = dax_dev_get(dev->devt);
	if (!map->dax_dev)
		return -ENOMEM;
	cdev = dax_inode(map->dax_dev)->i_cdev;
	cdev_init(cdev, &dax_pci_p2p_map_fops);
	cdev->owner = THIS_MODULE;
	cdev_set_parent(cdev, &dev->kobj);
	rc = cdev_add(cdev, dev->devt, 1);
	if (rc)
		return rc;
	rc = devm_add_action_or_reset(dev, dax_pci_p2p_cdev_del, cdev);
	if (rc)
		return rc;

	mutex_lock(&dax_pci_p2p_map_lock);
	list_add(&map->list, &dax_pci_p2p_maps);
	mutex_unlock(&dax_pci_p2p_map_lock);

	run_dax(map->dax_dev);
	return devm_add_action_or_reset(dev, dax_pci_p2p_kill, dev_dax);
}

static struct dax_device_driver dax_pci_p2p_map_driver = {
	.probe = dax_pci_p2p_map_probe,
	.type = DAXDRV_DEVICE_TYPE,
};

/*
 * Drop what was prepared for @dev; with @dev NULL, what this task prepared,
 * or with @all everything.
 */
static void dax_pci_p2p_unpend(struct device *dev, bool all)
{
	struct dax_pci_p2p_map *map, *next;
	LIST_HEAD(stale);

	mutex_lock(&dax_pci_p2p_map_lock);
	list_for_each_entry_safe(map, next, &dax_pci_p2p_pending, list)
		if (all || (dev ? map->dev == dev : map->task == current))
			list_move(&map->list, &stale);
	mutex_unlock(&dax_pci_p2p_map_lock);
	list_for_each_entry_safe(map, next, &stale, list) {
		list_del(&map->list);
		dax_pci_p2p_map_put(map);
	}
}

/**
 * dax_pci_p2p_mmap_prepare() - let the next probe of this driver take @dev
 * @dev: a dax device of a BAR region, being bound to this driver
 * @align: its mapping alignment
 * @uncached: map it uncached rather than write-combining
 *
 * Context: the dax bus's BIND_DRIVER notification of @dev, in the task that
 * binds it, under its device lock.
 * Return: 0, or -ENOMEM (the probe then declines @dev).
 */
int dax_pci_p2p_mmap_prepare(struct device *dev, unsigned long align,
			     bool uncached)
{
	struct dax_pci_p2p_map *map;

	/* Whatever this task prepared before and never probed is stale. */
	dax_pci_p2p_unpend(NULL, false);
	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	kref_init(&map->kref);
	map->task = current;
	map->dev = get_device(dev);
	map->align = align;
	map->uncached = uncached;

	mutex_lock(&dax_pci_p2p_map_lock);
	list_add(&map->list, &dax_pci_p2p_pending);
	mutex_unlock(&dax_pci_p2p_map_lock);
	return 0;
}

/**
 * dax_pci_p2p_mmap_done() - the bind of @dev has ended, one way or another
 * @dev: a device passed to dax_pci_p2p_mmap_prepare() before
 *
 * Context: the BOUND_DRIVER or DRIVER_NOT_BOUND notification of @dev.
 */
void dax_pci_p2p_mmap_done(struct device *dev)
{
	dax_pci_p2p_unpend(dev, false);
}

/**
 * dax_pci_p2p_mmap_driver() - the driver, for binds and for the bind vetting
 * Return: the dax bus driver of this file, registered or not.
 */
struct device_driver *dax_pci_p2p_mmap_driver(void)
{
	return &dax_pci_p2p_map_driver.drv;
}

/**
 * dax_pci_p2p_mmap_register() - register the driver with the dax bus
 *
 * It is named after the module, like every dax driver: /sys/bus/dax/drivers/
 * dax_pci_p2p. daxctl lists its devices in devdax mode; its enable-device
 * binds device_dax by name, which dax_pci_p2p refuses for its regions on
 * such kernels and then binds them here itself (see pci_p2p.c).
 *
 * Return: 0 or a negative errno.
 */
int dax_pci_p2p_mmap_register(void)
{
	/* The probe finds its device by the binding task. */
	dax_pci_p2p_map_driver.drv.probe_type = PROBE_FORCE_SYNCHRONOUS;
	return __dax_driver_register(&dax_pci_p2p_map_driver, THIS_MODULE,
				     KBUILD_MODNAME);
}

void dax_pci_p2p_mmap_unregister(void)
{
	dax_driver_unregister(&dax_pci_p2p_map_driver);
	dax_pci_p2p_unpend(NULL, true);
}

#endif /* DAX_PCI_P2P_COMPAT_MMAP */
