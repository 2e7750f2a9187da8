/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Opening and mapping a /dev/daxX.Y, for daxmap and the guest test programs
 * (dax_mmap_test, daxtool, p2ptool).
 *
 * A device's alignment and size come from /sys/bus/dax/devices/<name>/align
 * and .../size, <name> being the base name of the device node after symlinks
 * are resolved. daxdev_open_at() takes the sysfs directory to read them from
 * and whether a regular file may stand in for the device node; daxmap passes
 * its --sysroot. daxdev_open() is the test programs' form: the environment
 * variable P2PDAX_SYSFS replaces "/sys" and, when set, also lets DEV be a
 * regular file: this exists only so that host unit tests can run the tools
 * against a file and a saved or faked sysfs tree.
 */
#ifndef DAXMAP_DAXDEV_H
#define DAXMAP_DAXDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DAXDEV_ERRLEN	512

struct daxdev {
	const char *path;	/* as given */
	char name[256];		/* sysfs name, "dax0.0" */
	int fd;			/* O_RDWR (O_RDONLY with DAXDEV_RDONLY) */
	bool rdonly;		/* mapped PROT_READ only */
	uint64_t align;		/* bytes: 4 KiB, 2 MiB or 1 GiB */
	uint64_t size;		/* bytes */
};

/*
 * A MAP_SHARED read-write mapping of the device range [@off, @off + @len),
 * widened to whole alignment units as device-dax requires.
 */
struct daxmap {
	void *base;		/* what mmap() returned */
	uint64_t start;		/* device offset of @base: @off rounded down */
	size_t maplen;		/* mapped bytes: whole alignment units */
	volatile char *p;	/* the byte at device offset @off */
	uint64_t off, len;	/* the range asked for */
};

/*
 * daxdev_open() - open @path read-write and read its alignment and size.
 * Return: 0, or -1 with a one-line reason in @err.
 */
int daxdev_open(struct daxdev *d, const char *path, char err[DAXDEV_ERRLEN]);

#define DAXDEV_RDONLY		(1U << 0)	/* open O_RDONLY: map PROT_READ only */
#define DAXDEV_ALLOW_FILE	(1U << 1)	/* a regular file may stand in (unit tests) */

/*
 * daxdev_open_at() - daxdev_open() with the attributes read from @sysfs
 * ("/sys", or the same under a test root) and @flags (DAXDEV_*).
 * Return: 0, or -1 with a one-line reason in @err and errno set.
 */
int daxdev_open_at(struct daxdev *d, const char *sysfs, const char *path,
		   unsigned int flags, char err[DAXDEV_ERRLEN]);
void daxdev_close(struct daxdev *d);

/*
 * daxdev_map() - map [@off rounded down to the alignment, @off + @len rounded
 * up] MAP_SHARED, PROT_READ | PROT_WRITE (PROT_READ if opened DAXDEV_RDONLY),
 * after checking that it lies within the device.
 * Return: 0, or -1 with a one-line reason in @err.
 */
int daxdev_map(const struct daxdev *d, uint64_t off, uint64_t len,
	       struct daxmap *m, char err[DAXDEV_ERRLEN]);
void daxdev_unmap(struct daxmap *m);

/*
 * daxdev_open_map() - daxdev_open() @path, then daxdev_map() [@off, @off +
 * @len) of it; the device is closed again if the mapping fails.
 * Return: 0, or -1 with a one-line reason in @err.
 */
int daxdev_open_map(struct daxdev *d, const char *path, uint64_t off, uint64_t len,
		    struct daxmap *m, char err[DAXDEV_ERRLEN]);

/*
 * daxdev_read_line() - read the one-line file @path into @buf, newline
 * removed. Return: 0 or an errno.
 */
int daxdev_read_line(const char *path, char *buf, size_t len);

/*
 * daxdev_pci_bdf() - the PCI function dax device @name (daxX.Y) sits under:
 * the parent of its /sys/bus/dax/devices/ directory, as dax_pci_p2p hands
 * the PCI device to the dax core as the region's parent. Return: 0 or an
 * errno.
 */
int daxdev_pci_bdf(const char *name, char *bdf, size_t len);

/* Full barrier: stores to the mapping are issued before anything that follows. */
static inline void daxdev_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif /* DAXMAP_DAXDEV_H */
