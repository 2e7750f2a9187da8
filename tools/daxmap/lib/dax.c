// SPDX-License-Identifier: GPL-2.0
/* See dax.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libdaxmap.h"

/* Copy @src into @dst (@len bytes), cut short if need be. */
static void set_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Read the one-line attribute @dir/@name into @buf, newline removed.
 * Return: 0 or -errno (the file missing, unreadable, or ENXIO as p2pdax
 * offsets give for a device of size 0). Sets no message: callers decide
 * whether a missing attribute is an error.
 */
static int read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, e;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A number attribute (decimal or 0x hex, as sysfs writes them); -EINVAL if not one. */
static int read_num(const char *dir, const char *name, uint64_t *v)
{
	char buf[64];
	int rc = read_attr(dir, name, buf, sizeof(buf));

	if (rc)
		return rc;
	return parse_u64(buf, v) ? -EINVAL : 0;
}

/* A required number: its absence or garbage is an error with a message. */
static int need_num(struct daxmap_ctx *ctx, const char *dir, const char *name, uint64_t *v)
{
	int rc = read_num(dir, name, v);

	if (rc == -EINVAL)
		return daxmap_fail(ctx, EINVAL, "%s/%s: not a number", daxmap_unroot(ctx, dir),
				   name);
	if (rc)
		return daxmap_fail(ctx, -rc, "%s/%s: %s", daxmap_unroot(ctx, dir), name,
				   strerror(-rc));
	return 0;
}

/* The base name of the target of the symlink @dir/@name, "" if there is none. */
static void link_name(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	set_str(buf, len, base ? base + 1 : target);
}

static bool is_dir(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return false;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* "daxX.Y": X and Y, decimal, nothing else. */
static bool parse_dax_name(const char *s, unsigned int *region, unsigned int *id)
{
	unsigned long x, y;
	char *end;

	if (strncmp(s, "dax", 3) || s[3] < '0' || s[3] > '9')
		return false;
	x = strtoul(s + 3, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9' || x > 0xffffffffUL)
		return false;
	y = strtoul(end + 1, &end, 10);
	if (*end || y > 0xffffffffUL)
		return false;
	*region = (unsigned int)x;
	*id = (unsigned int)y;
	return true;
}

/* Read the p2pdax/ attributes of a region's parent @parent. */
static int read_p2p_region(struct daxmap_ctx *ctx, const char *parent, struct daxmap_region *r)
{
	char dir[PATH_MAX];
	uint64_t v;
	int rc;

	if ((size_t)snprintf(dir, sizeof(dir), "%s/p2pdax", parent) >= sizeof(dir))
		return daxmap_fail(ctx, ENAMETOOLONG, "%s: path too long", parent);
	rc = need_num(ctx, dir, "bar", &v);
	if (rc)
		return rc;
	r->bar = (int)v;
	rc = read_attr(dir, "caching", r->caching, sizeof(r->caching));
	if (rc)
		return daxmap_fail(ctx, -rc, "%s/caching: %s", daxmap_unroot(ctx, dir),
				   strerror(-rc));
	rc = need_num(ctx, dir, "prefetchable", &v);
	if (rc)
		return rc;
	r->prefetchable = v;
	rc = need_num(ctx, dir, "persistent", &v);
	if (rc)
		return rc;
	r->persistent = v;
	/* Mode 0400: readable by root only. */
	r->has_bus_addr = !read_num(dir, "bus_address", &r->bus_addr);
	return 0;
}

/* Read the region whose parent device is @parent into @r. */
static int read_region(struct daxmap_ctx *ctx, const char *parent, struct daxmap_region *r)
{
	char dir[PATH_MAX];
	const char *base = strrchr(parent, '/');
	uint64_t v;
	int rc;

	memset(r, 0, sizeof(*r));
	r->bar = -1;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/dax_region", parent) >= sizeof(dir))
		return daxmap_fail(ctx, ENAMETOOLONG, "%s: path too long", parent);
	rc = need_num(ctx, dir, "id", &v);
	if (rc)
		return rc;
	r->id = (unsigned int)v;
	rc = need_num(ctx, dir, "size", &r->size);
	if (rc)
		return rc;
	/* Mode 0400 in the dax core: unknown to anyone but root. */
	if (read_num(dir, "align", &r->align))
		r->align = 0;
	/* Not on every kernel (dynamic regions only). */
	if (read_num(dir, "available_size", &r->available_size))
		r->available_size = 0;
	set_str(r->parent, sizeof(r->parent), base ? base + 1 : parent);
	link_name(parent, "subsystem", r->parent_bus, sizeof(r->parent_bus));
	link_name(parent, "driver", r->parent_driver, sizeof(r->parent_driver));
	r->p2pdax = is_dir(parent, "p2pdax");
	if (r->p2pdax)
		return read_p2p_region(ctx, parent, r);
	return 0;
}

/* Read the device at @dir (its real sysfs directory) into @d. */
static int read_dev(struct daxmap_ctx *ctx, const char *dir, struct daxmap_dev *d)
{
	char p2p[PATH_MAX];
	uint64_t v;
	int rc;

	rc = need_num(ctx, dir, "size", &d->size);
	if (rc)
		return rc;
	/* align appeared in 5.10; without it device-dax maps at the region's. */
	if (read_num(dir, "align", &d->align))
		d->align = 0;
	d->target_node = -1;
	if (!read_num(dir, "target_node", &v))
		d->target_node = (int)v;
	link_name(dir, "driver", d->driver, sizeof(d->driver));
	d->enabled = d->driver[0] != '\0';
	d->system_ram = !strcmp(d->driver, "kmem");
	if ((size_t)snprintf(p2p, sizeof(p2p), "%s/p2pdax", dir) >= sizeof(p2p))
		return 0;
	/* ENXIO while the device has no memory; bus_address is root only. */
	d->has_offset = !read_num(p2p, "offset", &d->offset);
	d->has_bus_addr = !read_num(p2p, "bus_address", &d->bus_addr);
	return 0;
}

static int cmp_region(const void *a, const void *b)
{
	const struct daxmap_region *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int cmp_dev(const void *a, const void *b)
{
	const struct daxmap_dev *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The region of @t with parent directory @parent, added if new. */
static struct daxmap_region *region_of(struct daxmap_ctx *ctx, struct daxmap_topo *t,
				       char ***parents, const char *parent, int *rc)
{
	struct daxmap_region *r;
	char **p;
	size_t i;

	for (i = 0; i < t->nr_regions; i++)
		if (!strcmp((*parents)[i], parent))
			return &t->regions[i];
	r = realloc(t->regions, (t->nr_regions + 1) * sizeof(*r));
	p = realloc(*parents, (t->nr_regions + 1) * sizeof(*p));
	if (r)
		t->regions = r;
	if (p)
		*parents = p;
	if (!r || !p || !(p[t->nr_regions] = strdup(parent))) {
		*rc = daxmap_fail(ctx, ENOMEM, "out of memory");
		return NULL;
	}
	*rc = read_region(ctx, parent, &t->regions[t->nr_regions]);
	if (*rc) {
		free(p[t->nr_regions]);
		return NULL;
	}
	return &t->regions[t->nr_regions++];
}

int daxmap_scan(struct daxmap_ctx *ctx, struct daxmap_topo *t)
{
	char devices[PATH_MAX], link[PATH_MAX], real[PATH_MAX];
	char **parents = NULL;
	struct dirent *de;
	DIR *dir;
	size_t i;
	int rc = 0;

	t->regions = NULL;
	t->nr_regions = 0;
	if (!daxmap_path(ctx, devices, "/sys/bus/dax/devices"))
		return -ENAMETOOLONG;
	dir = opendir(devices);
	if (!dir) {
		if (errno == ENOENT)
			return 0;	/* no dax bus: no dax devices */
		return daxmap_fail(ctx, errno, "%s: %s", daxmap_unroot(ctx, devices),
				   strerror(errno));
	}
	while ((de = readdir(dir))) {
		struct daxmap_region *r;
		struct daxmap_dev d, *nd;
		char *slash;

		memset(&d, 0, sizeof(d));
		if (!parse_dax_name(de->d_name, &d.region_id, &d.id))
			continue;
		if ((size_t)snprintf(link, sizeof(link), "%s/%s", devices, de->d_name) >=
		    sizeof(link))
			continue;
		/* Gone since readdir() (destroyed meanwhile): not there. */
		if (!realpath(link, real))
			continue;
		slash = strrchr(real, '/');
		if (!slash || slash == real)
			continue;
		set_str(d.name, sizeof(d.name), de->d_name);
		rc = read_dev(ctx, real, &d);
		/* Destroyed between realpath() and its size: gone, skip it. */
		if (rc == -ENOENT || rc == -ENODEV) {
			rc = 0;
			continue;
		}
		if (rc)
			break;
		*slash = '\0';	/* the parent: the region's device */
		r = region_of(ctx, t, &parents, real, &rc);
		if (!r)
			break;
		nd = realloc(r->devs, (r->nr_devs + 1) * sizeof(*nd));
		if (!nd) {
			rc = daxmap_fail(ctx, ENOMEM, "out of memory");
			break;
		}
		r->devs = nd;
		r->devs[r->nr_devs++] = d;
	}
	closedir(dir);
	for (i = 0; i < t->nr_regions; i++)
		free(parents[i]);
	free(parents);
	if (rc) {
		daxmap_topo_free(t);
		return rc;
	}
	qsort(t->regions, t->nr_regions, sizeof(*t->regions), cmp_region);
	for (i = 0; i < t->nr_regions; i++)
		qsort(t->regions[i].devs, t->regions[i].nr_devs, sizeof(struct daxmap_dev),
		      cmp_dev);
	return 0;
}

void daxmap_topo_free(struct daxmap_topo *t)
{
	size_t i;

	for (i = 0; i < t->nr_regions; i++)
		free(t->regions[i].devs);
	free(t->regions);
	t->regions = NULL;
	t->nr_regions = 0;
}

struct daxmap_region *daxmap_find_region(const struct daxmap_topo *t, unsigned int id)
{
	size_t i;

	for (i = 0; i < t->nr_regions; i++)
		if (t->regions[i].id == id)
			return &t->regions[i];
	return NULL;
}

struct daxmap_dev *daxmap_find_dev(const struct daxmap_topo *t, unsigned int region_id,
				   unsigned int id, struct daxmap_region **rp)
{
	struct daxmap_region *r = daxmap_find_region(t, region_id);
	size_t i;

	if (!r)
		return NULL;
	for (i = 0; i < r->nr_devs; i++) {
		if (r->devs[i].id != id)
			continue;
		if (rp)
			*rp = r;
		return &r->devs[i];
	}
	return NULL;
}

int daxmap_parse_filter(struct daxmap_ctx *ctx, const char *s, struct daxmap_filter *f)
{
	char name[DAXMAP_NAMELEN];
	const char *p = s;

	memset(f, 0, sizeof(*f));
	if (!strcmp(s, "all")) {
		f->all = true;
		return 0;
	}
	if (!strncmp(p, "/dev/", 5))
		p += 5;
	if (strncmp(p, "dax", 3)) {
		if ((size_t)snprintf(name, sizeof(name), "dax%s", p) >= sizeof(name))
			goto bad;
		p = name;
	}
	if (parse_dax_name(p, &f->region_id, &f->id))
		return 0;
bad:
	return daxmap_fail(ctx, EINVAL,
			   "'%s' is not a dax device (all, daxX.Y, X.Y or /dev/daxX.Y)", s);
}

bool daxmap_filter_match(const struct daxmap_filter *f, const struct daxmap_dev *d)
{
	return f->all || (f->region_id == d->region_id && f->id == d->id);
}

int daxmap_lookup_p2p(struct daxmap_ctx *ctx, const struct daxmap_topo *t, const char *name,
		      struct daxmap_dev **dp, struct daxmap_region **rp)
{
	struct daxmap_filter f;
	struct daxmap_region *r;
	struct daxmap_dev *d;
	int rc;

	rc = daxmap_parse_filter(ctx, name, &f);
	if (rc)
		return rc;
	if (f.all)
		return daxmap_fail(ctx, EINVAL, "'all' names no single device: give daxX.Y");
	d = daxmap_find_dev(t, f.region_id, f.id, &r);
	if (!d)
		return daxmap_fail(ctx, ENODEV, "dax%u.%u: no such dax device", f.region_id,
				   f.id);
	if (!r->p2pdax)
		return daxmap_fail(ctx, EMEDIUMTYPE,
				   "%s is not a p2pdax device (its region belongs to %s%s%s)",
				   d->name, r->parent, r->parent_driver[0] ? ", driver " : "",
				   r->parent_driver);
	*dp = d;
	*rp = r;
	return 0;
}

int daxmap_dev_usable(struct daxmap_ctx *ctx, const struct daxmap_dev *d)
{
	/* First: a device of size 0 cannot be enabled either. */
	if (!d->size)
		return daxmap_fail(ctx, ENOSPC,
				   "%s has size 0 (daxctl reconfigure-device -s SIZE %s)",
				   d->name, d->name);
	if (!d->enabled)
		return daxmap_fail(ctx, ENXIO, "%s is disabled (daxctl enable-device %s)",
				   d->name, d->name);
	if (d->system_ram)
		return daxmap_fail(ctx, EBUSY,
				   "%s is in system-ram mode (daxctl reconfigure-device --mode=devdax %s)",
				   d->name, d->name);
	/* dax_pci_p2p: the module's own dax driver, where it serves the devices */
	if (strcmp(d->driver, "device_dax") && strcmp(d->driver, "dax_pci_p2p"))
		return daxmap_fail(ctx, EBUSY,
				   "%s is bound to %s, not device_dax or dax_pci_p2p", d->name,
				   d->driver);
	return 0;
}

char *daxmap_dev_node(struct daxmap_ctx *ctx, const struct daxmap_dev *d, char *buf)
{
	return daxmap_path(ctx, buf, "/dev/%s", d->name);
}

void daxmap_dev_json(struct json_writer *w, const struct daxmap_dev *d)
{
	json_string(w, "chardev", d->name);
	json_size(w, "size", d->size);
	if (d->target_node >= 0)
		json_i64(w, "target_node", d->target_node);
	if (d->align)
		json_size(w, "align", d->align);
	json_string(w, "mode", d->system_ram ? "system-ram" : "devdax");
	if (!d->enabled)
		json_string(w, "state", "disabled");
	if (d->has_offset)
		json_offset(w, "offset", d->offset);
	if (d->has_bus_addr)
		json_hex(w, "bus_address", d->bus_addr);
}

void daxmap_region_json(struct json_writer *w, const struct daxmap_region *r)
{
	json_u64(w, "id", r->id);
	json_size(w, "size", r->size);
	if (r->align)
		json_size(w, "align", r->align);
	json_size(w, "available_size", r->available_size);
	if (!r->p2pdax)
		return;
	json_string(w, "pci", r->parent);
	json_i64(w, "bar", r->bar);
	json_string(w, "caching", r->caching);
	json_bool(w, "prefetchable", r->prefetchable);
	json_bool(w, "persistent", r->persistent);
	if (r->has_bus_addr)
		json_hex(w, "bus_address", r->bus_addr);
}
