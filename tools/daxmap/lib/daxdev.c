// SPDX-License-Identifier: GPL-2.0
/* See daxdev.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "daxdev.h"
#include "numparse.h"

static int fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The reason in @err; errno is left as the failed call set it. */
static int fail(char *err, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, DAXDEV_ERRLEN, fmt, ap);
	va_end(ap);
	errno = e;
	return -1;
}

/* Read a one-line sysfs attribute of the device into @buf, newline removed. */
static int read_attr(const struct daxdev *d, const char *sysfs, const char *attr,
		     char *buf, size_t len, char *err)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/bus/dax/devices/%s/%s", sysfs, d->name, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, "%s: cannot open %s: %s (%s)", d->path, path, strerror(errno),
			    "is it a device-dax device, bound to device_dax or dax_pci_p2p?");
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return fail(err, "%s: read %s: %s", d->path, path, strerror(e));
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int read_num_attr(const struct daxdev *d, const char *sysfs,
			 const char *attr, uint64_t *v, char *err)
{
	char buf[64];

	if (read_attr(d, sysfs, attr, buf, sizeof(buf), err))
		return -1;
	if (parse_u64(buf, v)) {
		errno = EINVAL;
		return fail(err, "%s: %s/bus/dax/devices/%s/%s holds '%s', not a number",
			    d->path, sysfs, d->name, attr, buf);
	}
	return 0;
}

int daxdev_open(struct daxdev *d, const char *path, char err[DAXDEV_ERRLEN])
{
	const char *sysfs = getenv("P2PDAX_SYSFS");

	return daxdev_open_at(d, sysfs ? sysfs : "/sys", path,
			      sysfs ? DAXDEV_ALLOW_FILE : 0, err);
}

int daxdev_open_at(struct daxdev *d, const char *sysfs, const char *path,
		   unsigned int flags, char err[DAXDEV_ERRLEN])
{
	char real[PATH_MAX], buf[64], want[64];
	struct stat st;
	const char *base;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->path = path;
	d->rdonly = flags & DAXDEV_RDONLY;
	if (!realpath(path, real))
		return fail(err, "%s: %s", path, strerror(errno));
	if (stat(real, &st))
		return fail(err, "%s: %s", path, strerror(errno));
	if (!S_ISCHR(st.st_mode) && !((flags & DAXDEV_ALLOW_FILE) && S_ISREG(st.st_mode))) {
		errno = ENODEV;
		return fail(err, "%s: not a character device (expected /dev/daxX.Y)", path);
	}
	base = strrchr(real, '/') + 1;
	if (strlen(base) >= sizeof(d->name)) {
		errno = ENAMETOOLONG;
		return fail(err, "%s: name too long", path);
	}
	strcpy(d->name, base);

	/* The node must be the device whose attributes we read. */
	if (S_ISCHR(st.st_mode)) {
		if (read_attr(d, sysfs, "dev", buf, sizeof(buf), err))
			return -1;
		snprintf(want, sizeof(want), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
		if (strcmp(buf, want)) {
			errno = ENODEV;
			return fail(err, "%s: device number %s, but %s/bus/dax/devices/%s is %s",
				    path, want, sysfs, d->name, buf);
		}
	}
	if (read_num_attr(d, sysfs, "align", &d->align, err) ||
	    read_num_attr(d, sysfs, "size", &d->size, err))
		return -1;
	if (d->align < 4096 || (d->align & (d->align - 1))) {
		errno = EINVAL;
		return fail(err, "%s: alignment %" PRIu64 " is not a power of two >= 4096",
			    path, d->align);
	}
	if (!d->size) {
		errno = ENOSPC;
		return fail(err, "%s: size is 0", path);
	}

	d->fd = open(real, (d->rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (d->fd < 0)
		return fail(err, "%s: open: %s", path, strerror(errno));
	return 0;
}

void daxdev_close(struct daxdev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int daxdev_map(const struct daxdev *d, uint64_t off, uint64_t len,
	       struct daxmap *m, char err[DAXDEV_ERRLEN])
{
	uint64_t start, end;

	memset(m, 0, sizeof(*m));
	m->base = MAP_FAILED;
	if (!len)
		return fail(err, "%s: empty range", d->path);
	if (off > d->size || len > d->size - off)
		return fail(err, "%s: range 0x%" PRIx64 "+0x%" PRIx64
			    " is beyond the device size 0x%" PRIx64, d->path, off, len, d->size);
	start = off & ~(d->align - 1);
	end = (off + len + d->align - 1) & ~(d->align - 1);
	if (end > d->size)
		return fail(err, "%s: range 0x%" PRIx64 "+0x%" PRIx64
			    " rounded to the alignment 0x%" PRIx64 " (0x%" PRIx64 "-0x%" PRIx64
			    ") is beyond the device size 0x%" PRIx64,
			    d->path, off, len, d->align, start, end, d->size);
	if (end - start > SIZE_MAX)
		return fail(err, "%s: range too large", d->path);
	m->base = mmap(NULL, end - start, d->rdonly ? PROT_READ : PROT_READ | PROT_WRITE,
		       MAP_SHARED, d->fd, (off_t)start);
	if (m->base == MAP_FAILED)
		return fail(err, "%s: mmap 0x%" PRIx64 "-0x%" PRIx64 " MAP_SHARED: %s",
			    d->path, start, end, strerror(errno));
	m->start = start;
	m->maplen = end - start;
	m->p = (volatile char *)m->base + (off - start);
	m->off = off;
	m->len = len;
	return 0;
}

void daxdev_unmap(struct daxmap *m)
{
	if (m->base != MAP_FAILED && m->base)
		munmap(m->base, m->maplen);
	m->base = MAP_FAILED;
}

int daxdev_open_map(struct daxdev *d, const char *path, uint64_t off, uint64_t len,
		    struct daxmap *m, char err[DAXDEV_ERRLEN])
{
	if (daxdev_open(d, path, err))
		return -1;
	if (daxdev_map(d, off, len, m, err)) {
		daxdev_close(d);
		return -1;
	}
	return 0;
}

int daxdev_read_line(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		int e = errno;

		close(fd);
		return e;
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int daxdev_pci_bdf(const char *name, char *bdf, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s", name);
	if (!realpath(path, real))
		return errno;
	slash = strrchr(real, '/');
	if (!slash)
		return EINVAL;
	*slash = '\0';
	slash = strrchr(real, '/');
	if (!slash || strlen(slash + 1) >= len)
		return EINVAL;
	strcpy(bdf, slash + 1);
	return 0;
}
