/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Finding, opening and mapping a /dev/daxX.Y for the guest test programs
 * (dax_mmap_test, daxtool).
 *
 * A device's alignment and size come from /sys/bus/dax/devices/<name>/align
 * and .../size, <name> being the base name of the device node after symlinks
 * are resolved. The environment variable P2PDAX_SYSFS replaces "/sys" and, when
 * set, also lets DEV be a regular file: this exists only so that host unit
 * tests can run the tools against a file and a saved or faked sysfs tree.
 */
#ifndef P2PDAX_TEST_DAXDEV_H
#define P2PDAX_TEST_DAXDEV_H

#include <stddef.h>
#include <stdint.h>

#define DAXDEV_ERRLEN	512

struct daxdev {
	const char *path;	/* as given */
	char name[256];		/* sysfs name, "dax0.0" */
	int fd;			/* O_RDWR */
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
void daxdev_close(struct daxdev *d);

/*
 * daxdev_map() - map [@off rounded down to the alignment, @off + @len rounded
 * up] MAP_SHARED, PROT_READ | PROT_WRITE, after checking that it lies within
 * the device. Return: 0, or -1 with a one-line reason in @err.
 */
int daxdev_map(const struct daxdev *d, uint64_t off, uint64_t len,
	       struct daxmap *m, char err[DAXDEV_ERRLEN]);
void daxdev_unmap(struct daxmap *m);

/* Full barrier: stores to the mapping are issued before anything that follows. */
static inline void daxdev_barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif /* P2PDAX_TEST_DAXDEV_H */
