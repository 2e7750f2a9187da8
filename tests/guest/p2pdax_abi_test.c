// SPDX-License-Identifier: GPL-2.0
/*
 * p2pdax_abi_test - the /dev/p2pdax ioctls against their contract,
 * include/uapi/linux/p2pdax.h. kselftest_harness.h; TAP on stdout. Run as
 * root (the test of an unprivileged caller drops to nobody by itself).
 *
 * Environment:
 *   P2PDAX_DEV  the device to ask about: daxX.Y or /dev/daxX.Y (default
 *               dax0.0), a device of a dax_pci_p2p region. Everything
 *               SKIPs if it or /dev/p2pdax is missing.
 *
 * Fixture "req" has one variant per ioctl and checks what every request
 * shares: the @size and @version rules, flags, reserved fields, and
 * arguments the kernel cannot read or write back. Fixture "dev" checks what
 * each ioctl answers: INFO against sysfs, RESOLVE against INFO and the
 * mappings the test makes, ROUTE of the BAR's function to itself.
 *
 * Where a device is in more than one piece (nr_ranges > 1), offsets past
 * its first byte are not simply INFO's bar_offset plus the device offset:
 * those checks only look for a sane answer there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/p2pdax.h>

#include "kselftest_harness.h"

#include "daxdev.h"
#include "numparse.h"

#define CTL_PATH	"/dev/" P2PDAX_CTL_NAME
#define PAGE		UINT64_C(4096)
#define NOBODY		65534
#define KERNEL_ADDR	UINT64_C(0xffff888000000000)
/* include/linux/ioport.h, as the PCI resource file shows it */
#define IORESOURCE_PREFETCH	0x00002000

/* The request buffers: room for any request and a page of tail. */
union anyreq {
	struct p2pdax_info info;
	struct p2pdax_resolve resolve;
	struct p2pdax_route route;
	unsigned char bytes[2 * PAGE];
};

/* ------------------------------------------------------------- helpers */

/* The errno of ioctl(), 0 if it succeeded. */
static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

/* "daxX.Y" or "/dev/daxX.Y": X and Y. */
static bool parse_dax_name(const char *s, uint32_t *region, uint32_t *dev)
{
	unsigned int r, d;
	int n = -1;

	if (!strncmp(s, "/dev/", 5))
		s += 5;
	if (strspn(s, "dax0123456789.") != strlen(s))
		return false;
	if (sscanf(s, "dax%u.%u%n", &r, &d, &n) != 2 || n != (int)strlen(s))
		return false;
	*region = r;
	*dev = d;
	return true;
}

static int dax_attr(const char *name, const char *attr, uint64_t *v)
{
	char path[PATH_MAX], buf[64];
	int e;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/%s", name, attr);
	e = daxdev_read_line(path, buf, sizeof(buf));
	if (e)
		return e;
	return parse_u64(buf, v) ? EINVAL : 0;
}

/* Line @bar of /sys/bus/pci/devices/@bdf/resource: start, end, flags. */
static int pci_bar(const char *bdf, unsigned int bar, uint64_t *start, uint64_t *end,
		   uint64_t *flags)
{
	char path[PATH_MAX], line[256];
	unsigned int i = 0;
	int e = ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", bdf);
	f = fopen(path, "re");
	if (!f)
		return errno;
	while (fgets(line, sizeof(line), f))
		if (i++ == bar) {
			e = sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64, start, end,
				   flags) == 3 ? 0 : EINVAL;
			break;
		}
	fclose(f);
	return e;
}

/* Number of mappingN directories of the device, -1 if it has none. */
static int dax_mappings(const char *name)
{
	char path[PATH_MAX];
	int n = 0;

	for (;;) {
		snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/mapping%d", name, n);
		if (access(path, F_OK))
			return n ? n : -1;
		n++;
	}
}

static void fmt_fn(const struct p2pdax_pci_fn *fn, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x.%x", fn->domain, fn->bus, fn->device, fn->function);
}

static bool same_fn(const struct p2pdax_pci_fn *a, const struct p2pdax_pci_fn *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->device == b->device &&
	       a->function == b->function && a->bar == b->bar;
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

/* uid and gid 65534, no groups; the capabilities go with uid 0. */
static int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return errno;
	return geteuid() == NOBODY && getegid() == NOBODY ? 0 : EPERM;
}

/* --------------------------------------------------------- the context */

struct ctx {
	char skip[512];			/* why the tests skip, if they do */
	char name[64];			/* daxX.Y */
	uint32_t region, dev;
	int ctl;			/* /dev/p2pdax */
	struct daxdev dax;
	struct daxmap map;		/* all of the device */
	struct p2pdax_info info;	/* INFO of it, without bus addresses */
};

static void info_req(const struct ctx *c, struct p2pdax_info *in, __u32 flags)
{
	memset(in, 0, sizeof(*in));
	in->size = sizeof(*in);
	in->flags = flags;
	in->region_id = c->region;
	in->dev_id = c->dev;
}

/* RESOLVE of [@base + @off, + @len), @base being the whole mapping if NULL. */
static void resolve_req(const struct ctx *c, struct p2pdax_resolve *r, const void *base,
			uint64_t off, uint64_t len, __u32 flags)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->flags = flags;
	r->addr = (uintptr_t)(base ? base : c->map.base) + off;
	r->length = len;
}

/* ROUTE from the device's region to @peer, its own function if NULL. */
static void route_req(const struct ctx *c, struct p2pdax_route *rt,
		      const struct p2pdax_pci_fn *peer)
{
	memset(rt, 0, sizeof(*rt));
	rt->size = sizeof(*rt);
	rt->region_id = c->region;
	rt->peer = peer ? *peer : c->info.fn;
	if (!peer)
		rt->peer.bar = 0;
}

static void ctx_setup(struct __test_metadata *_metadata, struct ctx *c)
{
	const char *env = getenv("P2PDAX_DEV");
	char path[80], err[DAXDEV_ERRLEN];
	int e;

	c->ctl = -1;
	c->dax.fd = -1;
	c->map.base = MAP_FAILED;
	if (!env || !*env)
		env = "dax0.0";
	ASSERT_TRUE(parse_dax_name(env, &c->region, &c->dev))
		TH_LOG("P2PDAX_DEV '%s' is not a dax device (daxX.Y or /dev/daxX.Y)", env);
	snprintf(c->name, sizeof(c->name), "dax%u.%u", c->region, c->dev);
	snprintf(path, sizeof(path), "/dev/%s", c->name);
	if (access(CTL_PATH, F_OK)) {
		snprintf(c->skip, sizeof(c->skip), "%s: %s (dax_pci_p2p not loaded, %s)",
			 CTL_PATH, strerror(errno), "or without the control device");
		return;
	}
	if (access(path, F_OK)) {
		snprintf(c->skip, sizeof(c->skip), "%s: %s (set P2PDAX_DEV to a device %s)",
			 path, strerror(errno), "of a dax_pci_p2p region");
		return;
	}
	c->ctl = open(CTL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, c->ctl) TH_LOG("open %s: %s", CTL_PATH, strerror(errno));
	ASSERT_EQ(0, daxdev_open(&c->dax, path, err)) TH_LOG("%s", err);
	info_req(c, &c->info, 0);
	e = xioctl(c->ctl, P2PDAX_IOC_INFO, &c->info);
	ASSERT_EQ(0, e) TH_LOG("P2PDAX_IOC_INFO %s: %s (not a device of a dax_pci_p2p region?)",
			       c->name, strerror(e));
	ASSERT_EQ(0, daxdev_map(&c->dax, 0, c->dax.size, &c->map, err)) TH_LOG("%s", err);
}

static void ctx_teardown(struct ctx *c)
{
	daxdev_unmap(&c->map);
	daxdev_close(&c->dax);
	if (c->ctl >= 0)
		close(c->ctl);
}

/*
 * SKIP() in FIXTURE_SETUP does not stop the test body in the 6.1 harness,
 * so every test starts with this.
 */
#define REQUIRE_DEV() do {						\
	if (self->c.skip[0])						\
		SKIP(return, "%s", self->c.skip);			\
} while (0)

#define REQUIRE_ROOT() do {						\
	if (geteuid())							\
		SKIP(return, "needs root (CAP_SYS_ADMIN)");		\
} while (0)

/* The device is in one piece: BAR offsets follow device offsets. */
static bool one_piece(const struct ctx *c)
{
	return c->info.nr_ranges == 1;
}

/* =================================================== every request: "req" */

enum { REQ_INFO, REQ_RESOLVE, REQ_ROUTE };

FIXTURE(req) {
	struct ctx c;
};

FIXTURE_VARIANT(req) {
	int kind;
	unsigned long cmd;
	size_t size;		/* sizeof the structure */
	size_t reserved;	/* offset of its reserved[4] */
	size_t pad;		/* offset of its pad, which must be zero */
};

FIXTURE_VARIANT_ADD(req, info) {
	.kind = REQ_INFO,
	.cmd = P2PDAX_IOC_INFO,
	.size = sizeof(struct p2pdax_info),
	.reserved = offsetof(struct p2pdax_info, reserved),
	.pad = offsetof(struct p2pdax_info, pad),
};

FIXTURE_VARIANT_ADD(req, resolve) {
	.kind = REQ_RESOLVE,
	.cmd = P2PDAX_IOC_RESOLVE,
	.size = sizeof(struct p2pdax_resolve),
	.reserved = offsetof(struct p2pdax_resolve, reserved),
	.pad = offsetof(struct p2pdax_resolve, pad),
};

FIXTURE_VARIANT_ADD(req, route) {
	.kind = REQ_ROUTE,
	.cmd = P2PDAX_IOC_ROUTE,
	.size = sizeof(struct p2pdax_route),
	.reserved = offsetof(struct p2pdax_route, reserved),
};

FIXTURE_SETUP(req)
{
	ctx_setup(_metadata, &self->c);
}

FIXTURE_TEARDOWN(req)
{
	ctx_teardown(&self->c);
}

/*
 * A request that succeeds: INFO of the device, RESOLVE of its second page,
 * ROUTE of its BAR's function to itself. Everything after it is zero.
 */
static void build(const struct ctx *c, int kind, union anyreq *rq)
{
	memset(rq, 0, sizeof(*rq));
	if (kind == REQ_INFO)
		info_req(c, &rq->info, 0);
	else if (kind == REQ_RESOLVE)
		resolve_req(c, &rq->resolve, NULL, PAGE, PAGE, 0);
	else
		route_req(c, &rq->route, NULL);
}

/* The fields every request starts with. */
static __u32 *req_size(union anyreq *rq)
{
	return &rq->info.size;
}

TEST_F(req, valid)
{
	union anyreq rq;
	int e;

	REQUIRE_DEV();
	build(&self->c, variant->kind, &rq);
	/* The kernel writes no byte past @size. */
	memset(rq.bytes + variant->size, 0xa5, 64);
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	ASSERT_EQ(0, e) TH_LOG("%s", strerror(e));
	EXPECT_EQ(variant->size, rq.info.size);
	EXPECT_TRUE(all_zero(rq.bytes + variant->reserved, 4 * sizeof(__u64)))
		TH_LOG("reserved fields not zero on return");
	EXPECT_EQ(64, (int)strspn((char *)rq.bytes + variant->size, "\xa5"))
		TH_LOG("bytes past @size were written");
}

/* A caller built against a longer structure: zero tail, answered in full. */
TEST_F(req, longer_zero_tail)
{
	union anyreq rq;
	int e;

	REQUIRE_DEV();
	build(&self->c, variant->kind, &rq);
	*req_size(&rq) = (__u32)variant->size + 8;
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	ASSERT_EQ(0, e) TH_LOG("size + 8, zero tail: %s", strerror(e));
	EXPECT_EQ(variant->size, rq.info.size);
	EXPECT_TRUE(all_zero(rq.bytes + variant->size, 8)) TH_LOG("the tail was written");

	build(&self->c, variant->kind, &rq);
	*req_size(&rq) = (__u32)PAGE;
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	ASSERT_EQ(0, e) TH_LOG("size 4096, zero tail: %s", strerror(e));
	EXPECT_EQ(variant->size, rq.info.size);
}

TEST_F(req, longer_nonzero_tail)
{
	union anyreq rq;
	int e;

	REQUIRE_DEV();
	build(&self->c, variant->kind, &rq);
	*req_size(&rq) = (__u32)variant->size + 8;
	rq.bytes[variant->size + 7] = 1;
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	EXPECT_EQ(E2BIG, e) TH_LOG("last tail byte 1: %s", strerror(e));

	build(&self->c, variant->kind, &rq);
	*req_size(&rq) = (__u32)PAGE;
	rq.bytes[variant->size] = 0x80;
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	EXPECT_EQ(E2BIG, e) TH_LOG("size 4096, first tail byte 0x80: %s", strerror(e));
}

/* More than a page is refused without looking at it. */
TEST_F(req, too_long)
{
	const __u32 sizes[] = { (__u32)PAGE + 1, (__u32)PAGE + 8, 0x7fffffff, 0xffffffff };
	union anyreq rq;
	unsigned int i;
	int e;

	REQUIRE_DEV();
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		build(&self->c, variant->kind, &rq);
		*req_size(&rq) = sizes[i];
		e = xioctl(self->c.ctl, variant->cmd, &rq);
		EXPECT_EQ(E2BIG, e) TH_LOG("size %u, zero tail: %s", sizes[i], strerror(e));
	}
}

TEST_F(req, short_size)
{
	const __u32 sizes[] = { 0, 1, 4, 12, (__u32)variant->size - 8, (__u32)variant->size - 1 };
	union anyreq rq;
	unsigned int i;
	int e;

	REQUIRE_DEV();
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		build(&self->c, variant->kind, &rq);
		*req_size(&rq) = sizes[i];
		e = xioctl(self->c.ctl, variant->cmd, &rq);
		EXPECT_EQ(EINVAL, e) TH_LOG("size %u: %s", sizes[i], strerror(e));
	}
}

/* There is no version field: the second word is @flags in every request. */
TEST_F(req, flags_second)
{
	union anyreq rq;
	int e;

	REQUIRE_DEV();
	build(&self->c, variant->kind, &rq);
	((__u32 *)rq.bytes)[1] = 1;	/* version 1, as the first ABI had it */
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	if (variant->kind == REQ_ROUTE) {
		EXPECT_EQ(EINVAL, e) TH_LOG("word 1 = 1: %s", strerror(e));
	} else if (geteuid() == 0) {
		EXPECT_EQ(0, e) TH_LOG("word 1 = 1 (P2PDAX_F_BUS_ADDR): %s", strerror(e));
	}
}

/* Padding that is input must be zero. */
TEST_F(req, pad_nonzero)
{
	union anyreq rq;
	int e;

	REQUIRE_DEV();
	if (!variant->pad)
		SKIP(return, "no input padding in this request");
	build(&self->c, variant->kind, &rq);
	rq.bytes[variant->pad] = 1;
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	EXPECT_EQ(EINVAL, e) TH_LOG("pad = 1: %s", strerror(e));
}

TEST_F(req, unknown_flags)
{
	const __u32 flags[] = { 1U << 31, 1U << 30, 1U << 1 };
	union anyreq rq;
	unsigned int i;
	int e;

	REQUIRE_DEV();
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		build(&self->c, variant->kind, &rq);
		rq.info.flags = flags[i];
		e = xioctl(self->c.ctl, variant->cmd, &rq);
		EXPECT_EQ(EINVAL, e) TH_LOG("flags 0x%x: %s", flags[i], strerror(e));
	}
}

TEST_F(req, reserved_nonzero)
{
	union anyreq rq;
	int e;

	REQUIRE_DEV();
	build(&self->c, variant->kind, &rq);
	rq.bytes[variant->reserved] = 1;	/* reserved[0] = 1 */
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	EXPECT_EQ(EINVAL, e) TH_LOG("reserved[0] = 1: %s", strerror(e));

	build(&self->c, variant->kind, &rq);
	rq.bytes[variant->reserved + 4 * sizeof(__u64) - 1] = 0x80;
	e = xioctl(self->c.ctl, variant->cmd, &rq);
	EXPECT_EQ(EINVAL, e) TH_LOG("last byte of reserved[3] 0x80: %s", strerror(e));
}

TEST_F(req, null_arg)
{
	int e;

	REQUIRE_DEV();
	e = xioctl(self->c.ctl, variant->cmd, NULL);
	EXPECT_EQ(EFAULT, e) TH_LOG("NULL: %s", strerror(e));
	e = xioctl(self->c.ctl, variant->cmd, (void *)(uintptr_t)KERNEL_ADDR);
	EXPECT_EQ(EFAULT, e) TH_LOG("a kernel address: %s", strerror(e));
}

/* A valid request the kernel can read but not write back to. */
TEST_F(req, read_only_arg)
{
	union anyreq rq;
	char *p;
	int e;

	REQUIRE_DEV();
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	build(&self->c, variant->kind, &rq);
	memcpy(p, &rq, variant->size);
	ASSERT_EQ(0, mprotect(p, PAGE, PROT_READ));
	e = xioctl(self->c.ctl, variant->cmd, p);
	EXPECT_EQ(EFAULT, e) TH_LOG("read-only request: %s", strerror(e));
	EXPECT_EQ(0, memcmp(p, &rq, variant->size));
	munmap(p, PAGE);
}

/* The request's last bytes, or its tail, on an unmapped page. */
TEST_F(req, guard_page)
{
	union anyreq rq;
	char *p, *q;
	int e;

	REQUIRE_DEV();
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + PAGE, PAGE));
	build(&self->c, variant->kind, &rq);

	q = p + PAGE - (variant->size - 8);
	memcpy(q, &rq, variant->size - 8);
	e = xioctl(self->c.ctl, variant->cmd, q);
	EXPECT_EQ(EFAULT, e) TH_LOG("last 8 bytes unmapped: %s", strerror(e));

	*req_size(&rq) = (__u32)variant->size + 8;
	q = p + PAGE - variant->size;
	memcpy(q, &rq, variant->size);
	e = xioctl(self->c.ctl, variant->cmd, q);
	EXPECT_EQ(EFAULT, e) TH_LOG("size + 8, the tail unmapped: %s", strerror(e));
	munmap(p, PAGE);
}

/*
 * The kernel matches the number, not the size bits: a caller whose
 * structure is longer than this one reaches the same ioctl.
 */
TEST_F(req, longer_caller_same_number)
{
	unsigned long cmd = _IOC(_IOC_READ | _IOC_WRITE, P2PDAX_IOC_MAGIC,
				 _IOC_NR(variant->cmd), variant->size + 64);
	union anyreq rq;
	int e;

	REQUIRE_DEV();
	build(&self->c, variant->kind, &rq);
	*req_size(&rq) = (__u32)variant->size + 64;
	e = xioctl(self->c.ctl, cmd, &rq);
	ASSERT_EQ(0, e) TH_LOG("ioctl 0x%lx, size %zu: %s", cmd, variant->size + 64,
			       strerror(e));
	EXPECT_EQ(variant->size, rq.info.size);
}

/* ===================================================== each ioctl: "dev" */

FIXTURE(dev) {
	struct ctx c;
};

FIXTURE_SETUP(dev)
{
	ctx_setup(_metadata, &self->c);
}

FIXTURE_TEARDOWN(dev)
{
	ctx_teardown(&self->c);
}

TEST_F(dev, ctl_node)
{
	struct stat st;

	REQUIRE_DEV();
	ASSERT_EQ(0, stat(CTL_PATH, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0666, st.st_mode & 07777) TH_LOG("%s has mode %o", CTL_PATH,
						     st.st_mode & 07777);
}

TEST_F(dev, unknown_ioctl)
{
	union anyreq rq;
	int e;

	REQUIRE_DEV();
	e = xioctl(self->c.ctl, _IO(P2PDAX_IOC_MAGIC, 0x7f), NULL);
	EXPECT_EQ(ENOTTY, e) TH_LOG("_IO(0xDA, 0x7f): %s", strerror(e));
	build(&self->c, REQ_INFO, &rq);
	e = xioctl(self->c.ctl, _IOWR(P2PDAX_IOC_MAGIC, 0xff, struct p2pdax_info), &rq);
	EXPECT_EQ(ENOTTY, e) TH_LOG("_IOWR(0xDA, 0xff, info): %s", strerror(e));
	/* The number of INFO under another type is not INFO. */
	e = xioctl(self->c.ctl, _IOWR(P2PDAX_IOC_MAGIC + 1, 0, struct p2pdax_info), &rq);
	EXPECT_EQ(ENOTTY, e) TH_LOG("_IOWR(0xDB, 0, info): %s", strerror(e));
}

TEST_F(dev, info_matches_sysfs)
{
	const struct p2pdax_info *in = &self->c.info;
	uint64_t size, align, res, start, end, flags;
	char bdf[64], fn[32];
	int e, n;

	REQUIRE_DEV();
	EXPECT_EQ(sizeof(struct p2pdax_info), in->size);
	EXPECT_EQ(self->c.region, in->region_id);
	EXPECT_EQ(self->c.dev, in->dev_id);
	ASSERT_EQ(0, dax_attr(self->c.name, "size", &size));
	ASSERT_EQ(0, dax_attr(self->c.name, "align", &align));
	EXPECT_EQ(size, in->dev_size);
	EXPECT_EQ(align, in->align);
	EXPECT_TRUE(in->caching == P2PDAX_CACHING_WC || in->caching == P2PDAX_CACHING_UC)
		TH_LOG("caching %u", in->caching);
	EXPECT_GE(5, in->fn.bar);
	EXPECT_LE(1, in->nr_ranges);
	EXPECT_EQ(0, in->attrs & ~(__u32)(P2PDAX_ATTR_PREFETCHABLE | P2PDAX_ATTR_PERSISTENT));
	EXPECT_EQ(0, in->bus_addr);
	EXPECT_EQ(0, in->bar_bus_addr);
	EXPECT_LE(in->bar_offset + (one_piece(&self->c) ? in->dev_size : 0), in->bar_size);

	e = daxdev_pci_bdf(self->c.name, bdf, sizeof(bdf));
	ASSERT_EQ(0, e) TH_LOG("PCI function of %s: %s", self->c.name, strerror(e));
	fmt_fn(&in->fn, fn, sizeof(fn));
	EXPECT_STREQ(bdf, fn);

	n = dax_mappings(self->c.name);
	if (n > 0)
		EXPECT_EQ(n, (int)in->nr_ranges) TH_LOG("%d mappingN directories", n);

	/* The BAR as the PCI core has it: size, prefetchable, our offset in it. */
	ASSERT_EQ(0, pci_bar(bdf, in->fn.bar, &start, &end, &flags));
	EXPECT_EQ(end - start + 1, in->bar_size);
	EXPECT_EQ(!!(flags & IORESOURCE_PREFETCH), !!(in->attrs & P2PDAX_ATTR_PREFETCHABLE));
	if (!dax_attr(self->c.name, "resource", &res))
		EXPECT_EQ(res - start, in->bar_offset);
}

TEST_F(dev, info_bus_addr)
{
	struct p2pdax_info in;
	int e;

	REQUIRE_DEV();
	REQUIRE_ROOT();
	info_req(&self->c, &in, P2PDAX_F_BUS_ADDR);
	e = xioctl(self->c.ctl, P2PDAX_IOC_INFO, &in);
	ASSERT_EQ(0, e) TH_LOG("%s", strerror(e));
	EXPECT_TRUE(in.attrs & P2PDAX_ATTR_BUS_ADDR);
	EXPECT_NE(0, in.bar_bus_addr);
	EXPECT_EQ(in.bar_bus_addr + in.bar_offset, in.bus_addr);
	EXPECT_EQ(self->c.info.bar_offset, in.bar_offset);
	EXPECT_EQ(self->c.info.dev_size, in.dev_size);
	EXPECT_TRUE(same_fn(&self->c.info.fn, &in.fn));
	EXPECT_EQ(self->c.info.attrs | P2PDAX_ATTR_BUS_ADDR, in.attrs);
}

TEST_F(dev, info_no_such_device)
{
	struct p2pdax_info in;
	int e;

	REQUIRE_DEV();
	info_req(&self->c, &in, 0);
	in.region_id = 0x7fffffff;
	e = xioctl(self->c.ctl, P2PDAX_IOC_INFO, &in);
	EXPECT_EQ(ENODEV, e) TH_LOG("region 0x7fffffff: %s", strerror(e));
	info_req(&self->c, &in, 0);
	in.dev_id = 0x7fffffff;
	e = xioctl(self->c.ctl, P2PDAX_IOC_INFO, &in);
	EXPECT_EQ(ENODEV, e) TH_LOG("dax%u.%u: %s", in.region_id, in.dev_id, strerror(e));
}

/* Without CAP_SYS_ADMIN: everything but the bus addresses. */
TEST_F(dev, unprivileged)
{
	struct p2pdax_resolve r;
	struct p2pdax_info in;
	int fd, e;

	REQUIRE_DEV();
	REQUIRE_ROOT();
	/* Each test runs in a child of its own: nothing else runs as nobody. */
	ASSERT_EQ(0, become_nobody()) TH_LOG("cannot become uid %d", NOBODY);
	fd = open(CTL_PATH, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open %s as nobody: %s", CTL_PATH, strerror(errno));

	info_req(&self->c, &in, P2PDAX_F_BUS_ADDR);
	e = xioctl(fd, P2PDAX_IOC_INFO, &in);
	EXPECT_EQ(EPERM, e) TH_LOG("INFO with P2PDAX_F_BUS_ADDR: %s", strerror(e));
	info_req(&self->c, &in, 0);
	e = xioctl(fd, P2PDAX_IOC_INFO, &in);
	EXPECT_EQ(0, e) TH_LOG("INFO: %s", strerror(e));
	EXPECT_EQ(0, in.bus_addr);
	EXPECT_EQ(0, in.bar_bus_addr);
	EXPECT_EQ(0, in.attrs & P2PDAX_ATTR_BUS_ADDR);
	EXPECT_EQ(self->c.info.bar_offset, in.bar_offset);

	/* The mapping was made as root; it is still this process's. */
	resolve_req(&self->c, &r, NULL, 0, PAGE, P2PDAX_F_BUS_ADDR);
	e = xioctl(fd, P2PDAX_IOC_RESOLVE, &r);
	EXPECT_EQ(EPERM, e) TH_LOG("RESOLVE with P2PDAX_F_BUS_ADDR: %s", strerror(e));
	resolve_req(&self->c, &r, NULL, 0, PAGE, 0);
	e = xioctl(fd, P2PDAX_IOC_RESOLVE, &r);
	EXPECT_EQ(0, e) TH_LOG("RESOLVE: %s", strerror(e));
	EXPECT_EQ(0, r.bus_addr);
	EXPECT_EQ(0, r.attrs & P2PDAX_ATTR_BUS_ADDR);
	close(fd);
}

/* RESOLVE of @len bytes at @off of @base (NULL: the whole mapping). */
static int resolve(const struct ctx *c, const void *base, uint64_t off, uint64_t len,
		   __u32 flags, struct p2pdax_resolve *r)
{
	resolve_req(c, r, base, off, len, flags);
	return xioctl(c->ctl, P2PDAX_IOC_RESOLVE, r);
}

TEST_F(dev, resolve_page)
{
	const struct p2pdax_info *in = &self->c.info;
	struct p2pdax_resolve r;
	int e;

	REQUIRE_DEV();
	ASSERT_LE(2 * PAGE, in->dev_size);
	e = resolve(&self->c, NULL, PAGE, PAGE, 0, &r);
	ASSERT_EQ(0, e) TH_LOG("map+4096, 4096: %s", strerror(e));
	EXPECT_EQ(sizeof(r), r.size);
	EXPECT_EQ(self->c.region, r.region_id);
	EXPECT_EQ(self->c.dev, r.dev_id);
	EXPECT_TRUE(same_fn(&in->fn, &r.fn));
	EXPECT_EQ(in->attrs, r.attrs);
	EXPECT_EQ(0, r.bus_addr);
	EXPECT_EQ(0, r.pad);
	EXPECT_EQ(PAGE, r.contig);
	if (one_piece(&self->c)) {
		EXPECT_EQ(in->bar_offset + PAGE, r.bar_offset);
	} else {
		EXPECT_GT(in->bar_size, r.bar_offset);
	}
}

TEST_F(dev, resolve_bus_addr)
{
	struct p2pdax_info in;
	struct p2pdax_resolve r;
	int e;

	REQUIRE_DEV();
	REQUIRE_ROOT();
	info_req(&self->c, &in, P2PDAX_F_BUS_ADDR);
	ASSERT_EQ(0, xioctl(self->c.ctl, P2PDAX_IOC_INFO, &in));
	e = resolve(&self->c, NULL, PAGE, PAGE, P2PDAX_F_BUS_ADDR, &r);
	ASSERT_EQ(0, e) TH_LOG("%s", strerror(e));
	EXPECT_TRUE(r.attrs & P2PDAX_ATTR_BUS_ADDR);
	EXPECT_EQ(in.bar_bus_addr + r.bar_offset, r.bus_addr);
	if (one_piece(&self->c))
		EXPECT_EQ(in.bus_addr + PAGE, r.bus_addr);
}

/*
 * The whole device, piece by piece: each answer's @contig leads to the
 * next, the first starts at INFO's bar_offset, they add up to the size.
 */
TEST_F(dev, resolve_walk)
{
	const struct p2pdax_info *in = &self->c.info;
	uint64_t off = 0, steps = 0;
	struct p2pdax_resolve r;
	int e;

	REQUIRE_DEV();
	while (off < in->dev_size) {
		e = resolve(&self->c, NULL, off, in->dev_size - off, 0, &r);
		ASSERT_EQ(0, e) TH_LOG("offset 0x%" PRIx64 ": %s", off, strerror(e));
		ASSERT_LT(0, r.contig);
		ASSERT_GE(in->dev_size - off, r.contig);
		EXPECT_GE(in->bar_size, r.bar_offset + r.contig);
		if (!off)
			EXPECT_EQ(in->bar_offset, r.bar_offset);
		off += r.contig;
		steps++;
	}
	EXPECT_GE(in->nr_ranges, steps) TH_LOG("%" PRIu64 " pieces", steps);
	if (one_piece(&self->c))
		EXPECT_EQ(1, steps);
}

TEST_F(dev, resolve_bad_ranges)
{
	uint64_t size = self->c.info.dev_size, base = (uintptr_t)self->c.map.base;
	struct p2pdax_resolve r;
	int e;

	REQUIRE_DEV();
	e = resolve(&self->c, NULL, PAGE, 0, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("length 0: %s", strerror(e));
	e = resolve(&self->c, NULL, size - PAGE, 2 * PAGE, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("across the end of the mapping: %s", strerror(e));
	e = resolve(&self->c, NULL, size, PAGE, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("just past the mapping: %s", strerror(e));
	e = resolve(&self->c, NULL, PAGE, UINT64_MAX, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("length ~0: %s", strerror(e));
	/* addr + length wraps to exactly 0 */
	e = resolve(&self->c, NULL, PAGE, 0 - (base + PAGE), 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("addr + length == 2^64: %s", strerror(e));
	resolve_req(&self->c, &r, NULL, 0, PAGE, 0);
	r.addr = 0;
	e = xioctl(self->c.ctl, P2PDAX_IOC_RESOLVE, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("address 0: %s", strerror(e));
}

TEST_F(dev, resolve_not_dax)
{
	struct p2pdax_resolve r;
	char *anon, *shm;
	int fd, e;

	REQUIRE_DEV();
	anon = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, anon);
	anon[0] = 1;
	e = resolve(&self->c, anon, 0, PAGE, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("anonymous memory: %s", strerror(e));
	munmap(anon, 2 * PAGE);

	/* A shared file mapping, but not of a dax device. */
	fd = memfd_create("p2pdax_abi_test", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 2 * PAGE));
	shm = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, shm);
	e = resolve(&self->c, shm, 0, PAGE, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("a memfd mapping: %s", strerror(e));
	munmap(shm, 2 * PAGE);
	close(fd);
}

TEST_F(dev, resolve_after_munmap)
{
	uint64_t a = self->c.dax.align;
	struct p2pdax_resolve r;
	void *m;
	int e;

	REQUIRE_DEV();
	m = mmap(NULL, a, PROT_READ | PROT_WRITE, MAP_SHARED, self->c.dax.fd, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap one unit: %s", strerror(errno));
	e = resolve(&self->c, m, 0, PAGE, 0, &r);
	EXPECT_EQ(0, e) TH_LOG("while mapped: %s", strerror(e));
	ASSERT_EQ(0, munmap(m, a));
	e = resolve(&self->c, m, 0, PAGE, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("after munmap: %s", strerror(e));
}

/* A mapping of the device's second alignment unit only. */
TEST_F(dev, resolve_partial_mapping)
{
	const struct p2pdax_info *in = &self->c.info;
	uint64_t a = self->c.dax.align;
	struct p2pdax_resolve r;
	char *m;
	int e;

	REQUIRE_DEV();
	if (in->dev_size < 2 * a)
		SKIP(return, "the device (0x%" PRIx64 ") is smaller than two alignment units",
		     (uint64_t)in->dev_size);
	m = mmap(NULL, a, PROT_READ | PROT_WRITE, MAP_SHARED, self->c.dax.fd, (off_t)a);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap at offset 0x%" PRIx64 ": %s", a, strerror(errno));
	e = resolve(&self->c, m, PAGE, PAGE, 0, &r);
	EXPECT_EQ(0, e) TH_LOG("%s", strerror(e));
	if (!e && one_piece(&self->c))
		EXPECT_EQ(in->bar_offset + a + PAGE, r.bar_offset);
	e = resolve(&self->c, m, 0, a, 0, &r);
	EXPECT_EQ(0, e) TH_LOG("the whole mapping: %s", strerror(e));
	if (!e && one_piece(&self->c)) {
		EXPECT_EQ(in->bar_offset + a, r.bar_offset);
		EXPECT_EQ(a, r.contig);
	}
	/* The device goes on, this mapping does not. */
	e = resolve(&self->c, m, a - PAGE, 2 * PAGE, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("past the end of the mapping: %s", strerror(e));
	munmap(m, a);
}

/*
 * Two mappings side by side that show the device's offset 0 twice: a range
 * across their boundary is in two vmas, and the second resolves to offset 0.
 */
TEST_F(dev, resolve_two_vmas)
{
	const struct p2pdax_info *in = &self->c.info;
	uint64_t a = self->c.dax.align;
	struct p2pdax_resolve r;
	char *m, *m2;
	int e;

	REQUIRE_DEV();
	if (in->dev_size < 2 * a)
		SKIP(return, "the device (0x%" PRIx64 ") is smaller than two alignment units",
		     (uint64_t)in->dev_size);
	m = mmap(NULL, 2 * a, PROT_READ | PROT_WRITE, MAP_SHARED, self->c.dax.fd, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	m2 = mmap(m + a, a, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, self->c.dax.fd, 0);
	ASSERT_EQ(m + a, m2) TH_LOG("mmap MAP_FIXED: %s", strerror(errno));
	e = resolve(&self->c, m, a - PAGE, 2 * PAGE, 0, &r);
	EXPECT_EQ(EINVAL, e) TH_LOG("across two vmas: %s", strerror(e));
	e = resolve(&self->c, m, a, PAGE, 0, &r);
	EXPECT_EQ(0, e) TH_LOG("%s", strerror(e));
	if (!e)
		EXPECT_EQ(in->bar_offset, r.bar_offset);
	munmap(m, 2 * a);
}

TEST_F(dev, route_same_function)
{
	struct p2pdax_route rt;
	int e;

	REQUIRE_DEV();
	route_req(&self->c, &rt, NULL);
	e = xioctl(self->c.ctl, P2PDAX_IOC_ROUTE, &rt);
	ASSERT_EQ(0, e) TH_LOG("%s", strerror(e));
	EXPECT_EQ(sizeof(rt), rt.size);
	EXPECT_EQ(P2PDAX_ROUTE_SAME_FUNCTION, rt.type);
	EXPECT_EQ(0, rt.nr_ports);
	EXPECT_EQ(0, rt.attrs & P2PDAX_ROUTE_TRUNCATED);
	EXPECT_GE(P2PDAX_IOMMU_TRANSLATED, rt.iommu);
	EXPECT_TRUE(all_zero(rt.ports, sizeof(rt.ports)));
}

TEST_F(dev, route_peer_bar)
{
	struct p2pdax_route rt;
	int e;

	REQUIRE_DEV();
	route_req(&self->c, &rt, NULL);
	rt.peer.bar = 1;
	e = xioctl(self->c.ctl, P2PDAX_IOC_ROUTE, &rt);
	EXPECT_EQ(EINVAL, e) TH_LOG("peer.bar 1: %s", strerror(e));
}

TEST_F(dev, route_no_such_peer)
{
	struct p2pdax_pci_fn peer = { .domain = 0, .bus = 0xff, .device = 0x1f, .function = 7 };
	struct p2pdax_route rt;
	int e;

	REQUIRE_DEV();
	if (!access("/sys/bus/pci/devices/0000:ff:1f.7", F_OK))
		SKIP(return, "0000:ff:1f.7 exists here");
	route_req(&self->c, &rt, &peer);
	e = xioctl(self->c.ctl, P2PDAX_IOC_ROUTE, &rt);
	EXPECT_EQ(ENODEV, e) TH_LOG("peer 0000:ff:1f.7: %s", strerror(e));
}

TEST_F(dev, route_no_such_region)
{
	struct p2pdax_route rt;
	int e;

	REQUIRE_DEV();
	route_req(&self->c, &rt, NULL);
	rt.region_id = 0x7fffffff;
	e = xioctl(self->c.ctl, P2PDAX_IOC_ROUTE, &rt);
	EXPECT_EQ(ENODEV, e) TH_LOG("region 0x7fffffff: %s", strerror(e));
}

int main(int argc, char **argv)
{
	const char *env = getenv("P2PDAX_DEV");
	uint32_t region, dev;

	/* A name that is not one is the harness's bug: fail once, not per test. */
	if (env && *env && !parse_dax_name(env, &region, &dev)) {
		ksft_print_header();
		ksft_exit_fail_msg("P2PDAX_DEV '%s' is not a dax device (daxX.Y or /dev/daxX.Y)\n",
				   env);
	}
	return test_harness_run(argc, argv);
}
