/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dax regions and devices, as sysfs shows them (under the context's root).
 *
 * Every device in /sys/bus/dax/devices/daxX.Y is a child of its region's
 * parent device, whose dax_region/ directory describes the region (id,
 * size, align, available_size). A region of the dax_pci_p2p driver is one
 * whose parent is a PCI function with the driver's p2pdax/ directory (bar,
 * caching, prefetchable, persistent, bus_address), and its devices have
 * p2pdax/offset and p2pdax/bus_address (Documentation/ABI/testing/
 * sysfs-driver-dax-pci-p2p). Bus addresses are read only where the files
 * are readable (root).
 *
 * daxmap_scan() reads everything once: regions of every driver (so that a
 * device of another driver can be named in an error), sorted by id, each
 * with its devices sorted by id, size-0 devices (the seed) included.
 */
#ifndef DAXMAP_DAX_H
#define DAXMAP_DAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct daxmap_ctx;
struct json_writer;

#define DAXMAP_NAMELEN	64

struct daxmap_dev {
	unsigned int region_id;		/* X of daxX.Y */
	unsigned int id;		/* Y of daxX.Y */
	char name[DAXMAP_NAMELEN];	/* "dax0.1" */
	uint64_t size;			/* bytes; 0 for an idle (seed) device */
	uint64_t align;			/* bytes; 0 if the kernel has no align file */
	int target_node;		/* -1 if none */
	bool enabled;			/* bound to a driver */
	char driver[DAXMAP_NAMELEN];	/* "device_dax", "dax_pci_p2p", "kmem", "" if disabled */
	bool system_ram;		/* bound to kmem: mode "system-ram" */
	bool has_offset;		/* p2pdax/offset read (size != 0) */
	uint64_t offset;		/* BAR offset of the first byte */
	bool has_bus_addr;		/* p2pdax/bus_address read (root) */
	uint64_t bus_addr;
};

struct daxmap_region {
	unsigned int id;		/* X of daxX.Y, dax_region/id */
	uint64_t size, available_size;
	uint64_t align;			/* 0: unknown (dax_region/align is root only) */
	char parent[DAXMAP_NAMELEN];	/* parent device name: "0000:01:00.0", "hmem.0" */
	char parent_bus[DAXMAP_NAMELEN];/* its subsystem: "pci", "platform", ... */
	char parent_driver[DAXMAP_NAMELEN]; /* its driver: "dax_pci_p2p", "" if none */
	bool p2pdax;			/* the parent has p2pdax/ */
	/* The rest only for a p2pdax region. */
	int bar;			/* p2pdax/bar */
	char caching[32];		/* p2pdax/caching: "write-combining", "uncached" */
	bool prefetchable, persistent;
	bool has_bus_addr;		/* p2pdax/bus_address read (root) */
	uint64_t bus_addr;
	struct daxmap_dev *devs;
	size_t nr_devs;
};

struct daxmap_topo {
	struct daxmap_region *regions;
	size_t nr_regions;
};

/*
 * daxmap_scan() - read every dax region and device from sysfs into @t.
 * No dax bus (/sys/bus/dax missing) is an empty topology, not an error.
 * Return: 0, or -errno with the reason in ctx->err (an attribute that
 * cannot be read or parsed, out of memory).
 */
int daxmap_scan(struct daxmap_ctx *ctx, struct daxmap_topo *t);
void daxmap_topo_free(struct daxmap_topo *t);

/* The region with id @id, or NULL. */
struct daxmap_region *daxmap_find_region(const struct daxmap_topo *t, unsigned int id);

/* The device daxX.Y, or NULL; its region in *@r if @r is not NULL. */
struct daxmap_dev *daxmap_find_dev(const struct daxmap_topo *t, unsigned int region_id,
				   unsigned int id, struct daxmap_region **r);

/*
 * A device filter of the command line, as daxctl takes them: "all",
 * "daxX.Y", "X.Y" or "/dev/daxX.Y".
 */
struct daxmap_filter {
	bool all;
	unsigned int region_id, id;
};

/*
 * daxmap_parse_filter() - parse @s into @f.
 * Return: 0, or -EINVAL with the reason in ctx->err.
 */
int daxmap_parse_filter(struct daxmap_ctx *ctx, const char *s, struct daxmap_filter *f);

/* Whether @d passes @f. */
bool daxmap_filter_match(const struct daxmap_filter *f, const struct daxmap_dev *d);

/*
 * daxmap_lookup_p2p() - the device that @name (a filter naming one device,
 * not "all") names, which must exist and belong to a p2pdax region.
 * Return: 0 with *@d and *@r set, or -errno with the reason in ctx->err:
 * -EINVAL not a device name, -ENODEV no such device, -EMEDIUMTYPE a device
 * of another driver's region ("dax1.0 is not a p2pdax device (its region
 * belongs to hmem.0, driver hmem)").
 */
int daxmap_lookup_p2p(struct daxmap_ctx *ctx, const struct daxmap_topo *t, const char *name,
		      struct daxmap_dev **d, struct daxmap_region **r);

/*
 * daxmap_dev_usable() - check that @d can be mapped: size not 0, enabled,
 * in devdax mode (bound to device_dax, or to dax_pci_p2p's own dax driver
 * where it serves the devices).
 * Return: 0, or -errno with the reason and the daxctl command that helps in
 * ctx->err (-ENOSPC size 0, -ENXIO disabled, -EBUSY system-ram or another
 * driver).
 */
int daxmap_dev_usable(struct daxmap_ctx *ctx, const struct daxmap_dev *d);

/* The device node "/dev/daxX.Y" under the root, in @buf (PATH_MAX bytes). */
char *daxmap_dev_node(struct daxmap_ctx *ctx, const struct daxmap_dev *d, char *buf);

/*
 * The JSON fields of a device or a region, as daxmap list writes them, into
 * an object the caller has opened (and closes, after adding its own):
 * device: "chardev", "size", "target_node" (if any), "align", "mode",
 * "state" ("disabled", only if so), "offset", "bus_address" (if read);
 * region: "id", "size", "align" (root only: the dax core's file is mode
 * 0400), "available_size", and of a p2pdax region
 * "pci", "bar", "caching", "prefetchable", "persistent", "bus_address" (if
 * read). Sizes and offsets follow the writer's JSON_HUMAN.
 */
void daxmap_dev_json(struct json_writer *w, const struct daxmap_dev *d);
void daxmap_region_json(struct json_writer *w, const struct daxmap_region *r);

/* "DDDD:BB:DD.F" of a p2pdax region (its parent's name). */
static inline const char *daxmap_region_pci(const struct daxmap_region *r)
{
	return r->parent;
}

#endif /* DAXMAP_DAX_H */
