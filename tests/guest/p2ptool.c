// SPDX-License-Identifier: GPL-2.0
/*
 * p2ptool - the /dev/p2pdax ioctls (include/uapi/linux/p2pdax.h) for the
 * guest shell suite: describe a device (INFO), resolve a range of the
 * caller's mapping of one (RESOLVE), report the route from a region's BAR
 * function to a peer function (ROUTE), and throw random ioctls at the
 * control device (fuzz).
 *
 * Output is key=value lines on stdout, one per line, for a script to grep.
 * A failed ioctl prints "error=ENAME" (the errno's name) on stdout and a
 * message on stderr, and exits 1. --nobody drops to uid and gid 65534, with
 * no supplementary groups and no capabilities left, before /dev/p2pdax is
 * opened: after the device is mapped, for resolve and fuzz. The suite uses
 * it to check what an unprivileged caller gets. P2PDAX_CTL, if set, is
 * opened instead of /dev/p2pdax (host unit tests only).
 *
 * fuzz only counts what the kernel answers; whether the kernel survived it
 * is for the harness to judge from the console log.
 *
 * Exit status: 0 ok, 1 failure, 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/p2pdax.h>

#include "cli.h"
#include "ctl.h"
#include "daxdev.h"
#include "numparse.h"

#define CTL_PATH	"/dev/" P2PDAX_CTL_NAME
#define NOBODY		65534
#define PAGE		4096u
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char usage_text[] =
"usage: p2ptool COMMAND ARGS... [OPTIONS]\n"
"\n"
"  info DEV [--addr] [--nobody]   P2PDAX_IOC_INFO of DEV: version= size= region=\n"
"                                 dev= pci= bar= caching= prefetchable=\n"
"                                 persistent= nr_ranges= dev_size= align=\n"
"                                 bar_size= bar_offset=, and with --addr\n"
"                                 bus_addr= bar_bus_addr=\n"
"  resolve DEV OFFSET LENGTH [--addr] [--nobody] [--after CMD]\n"
"                                 map all of /dev/DEV MAP_SHARED, then\n"
"                                 P2PDAX_IOC_RESOLVE of [map+OFFSET,\n"
"                                 map+OFFSET+LENGTH) (not checked against the\n"
"                                 device size): region= dev= pci= bar=\n"
"                                 bar_offset= contig= attrs=, and with --addr\n"
"                                 bus_addr=; --after runs the shell command\n"
"                                 CMD (e.g. daxctl destroy-device) between\n"
"                                 the mmap and the ioctl\n"
"  route REGION PCI [--nobody]    P2PDAX_IOC_ROUTE from region REGION's BAR\n"
"                                 function to PCI: type= acs_redirect=\n"
"                                 translated= iommu= nr_ports= truncated=, then\n"
"                                 one port= line per port listed\n"
"  fuzz N [--seed S] [--nobody] [DEV]\n"
"                                 N random ioctls on /dev/p2pdax, with DEV (if\n"
"                                 given) mapped whole for RESOLVE to aim at:\n"
"                                 calls= seed= ok= (all successes), ok_info=\n"
"                                 ok_resolve= ok_route= (by command) and\n"
"                                 errno_ENAME= per errno;\n"
"                                 SIGTERM or SIGINT ends it early, with the\n"
"                                 same report (calls= those made) and stopped=1\n"
"\n"
"DEV is daxX.Y (or /dev/daxX.Y). PCI is DDDD:BB:DD.F. Numbers are\n"
PARSE_U64_FORMS ".\n"
"--addr asks for bus addresses (P2PDAX_F_BUS_ADDR, needs CAP_SYS_ADMIN).\n"
"--nobody drops to uid/gid 65534 before /dev/p2pdax is opened.\n"
"A failed ioctl prints error=ENAME on stdout.\n"
"Exit status: 0 ok, 1 failure, 2 usage error.\n";

/* ------------------------------------------------------------ errno names */

static const struct {
	int e;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
	{ ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" }, { ECHILD, "ECHILD" },
	{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
	{ EFAULT, "EFAULT" }, { ENOTBLK, "ENOTBLK" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { EXDEV, "EXDEV" }, { ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" }, { EDOM, "EDOM" }, { ERANGE, "ERANGE" },
	{ EDEADLK, "EDEADLK" }, { ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOLCK, "ENOLCK" }, { ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" },
	{ ELOOP, "ELOOP" }, { ENOMSG, "ENOMSG" }, { EIDRM, "EIDRM" },
	{ ENODATA, "ENODATA" }, { ETIME, "ETIME" }, { ENOLINK, "ENOLINK" },
	{ EPROTO, "EPROTO" }, { EBADMSG, "EBADMSG" }, { EOVERFLOW, "EOVERFLOW" },
	{ EBADFD, "EBADFD" }, { EILSEQ, "EILSEQ" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	{ EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ EALREADY, "EALREADY" }, { EINPROGRESS, "EINPROGRESS" },
	{ ESTALE, "ESTALE" }, { EREMOTEIO, "EREMOTEIO" }, { EDQUOT, "EDQUOT" },
	{ ENOMEDIUM, "ENOMEDIUM" }, { ECANCELED, "ECANCELED" },
	{ EOWNERDEAD, "EOWNERDEAD" }, { EHWPOISON, "EHWPOISON" },
	/*
	 * The kernel's own (include/linux/errno.h): never meant to reach user
	 * space, so one that does is a driver bug worth naming.
	 */
	{ 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" }, { 514, "ERESTARTNOHAND" },
	{ 515, "ENOIOCTLCMD" }, { 516, "ERESTART_RESTARTBLOCK" },
	{ 517, "EPROBE_DEFER" }, { 518, "EOPENSTALE" }, { 519, "ENOPARAM" },
	{ 521, "EBADHANDLE" }, { 522, "ENOTSYNC" }, { 523, "EBADCOOKIE" },
	{ 524, "ENOTSUPP" }, { 525, "ETOOSMALL" }, { 526, "ESERVERFAULT" },
	{ 527, "EBADTYPE" }, { 528, "EJUKEBOX" }, { 529, "EIOCBQUEUED" },
	{ 530, "ERECALLCONFLICT" },
};

/* The errno's name ("EINVAL"), or "E<number>" for one not in the table. */
static const char *errno_name(int e)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].e == e)
			return errno_names[i].name;
	snprintf(buf, sizeof(buf), "E%d", e);
	return buf;
}

/* -------------------------------------------------------- argument parsing */

enum {
	OPT_ADDR	= 1 << 0,
	OPT_NOBODY	= 1 << 1,
	OPT_SEED	= 1 << 2,
	OPT_AFTER	= 1 << 3,
};

#define MAX_POS	4

struct opts {
	bool addr;
	bool nobody;
	bool seed_set;
	uint64_t seed;
	const char *after;
	int npos;
	const char *pos[MAX_POS];
};

/*
 * Split the arguments of the command @argv[0] into positionals and the
 * options that @allowed names, which may stand anywhere after it.
 * Return: 0, or the usage error status once it has said what is wrong.
 */
static int parse_opts(int argc, char **argv, unsigned int allowed, int maxpos,
		      struct opts *o)
{
	int i, rc;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if ((allowed & OPT_ADDR) && !strcmp(a, "--addr")) {
			o->addr = true;
		} else if ((allowed & OPT_NOBODY) && !strcmp(a, "--nobody")) {
			o->nobody = true;
		} else if ((allowed & OPT_SEED) && !strcmp(a, "--seed")) {
			if (++i == argc)
				return cli_usage_error("--seed needs a number");
			rc = cli_get_num("SEED", argv[i], &o->seed);
			if (rc)
				return rc;
			o->seed_set = true;
		} else if ((allowed & OPT_AFTER) && !strcmp(a, "--after")) {
			if (++i == argc)
				return cli_usage_error("--after needs a command");
			o->after = argv[i];
		} else if (a[0] == '-') {
			return cli_usage_error("%s: unknown option '%s'", argv[0], a);
		} else if (o->npos == maxpos || o->npos == MAX_POS) {
			return cli_usage_error("%s: unexpected argument '%s'", argv[0], a);
		} else {
			o->pos[o->npos++] = a;
		}
	}
	return 0;
}

/* A decimal number of at most 9 digits at *@s; *@s is moved past it. */
static bool parse_dec(const char **s, uint32_t *v)
{
	const char *p = *s;

	*v = 0;
	while (*p >= '0' && *p <= '9' && p - *s < 9)
		*v = *v * 10 + (uint32_t)(*p++ - '0');
	if (p == *s || (*p >= '0' && *p <= '9'))
		return false;
	*s = p;
	return true;
}

/* "daxX.Y" or "/dev/daxX.Y": X and Y. */
static bool parse_dax_name(const char *s, uint32_t *region, uint32_t *dev)
{
	if (!strncmp(s, "/dev/", 5))
		s += 5;
	if (strncmp(s, "dax", 3))
		return false;
	s += 3;
	return parse_dec(&s, region) && *s++ == '.' && parse_dec(&s, dev) && !*s;
}

static int get_dax_name(const char *s, uint32_t *region, uint32_t *dev)
{
	if (!parse_dax_name(s, region, dev))
		return cli_usage_error("'%s' is not a dax device name (daxX.Y)", s);
	return 0;
}

/* "DDDD:BB:DD.F", or "BB:DD.F" in domain 0. */
static int get_pci(const char *s, struct p2pdax_pci_fn *fn)
{
	unsigned int dom = 0, bus, dev, func;
	size_t colons = 0;
	const char *c;
	char tail;
	int n;

	/* Hex digits and separators only: no sign, no "0x", no spaces. */
	if (strspn(s, "0123456789abcdefABCDEF:.") != strlen(s))
		goto bad;
	for (c = s; *c; c++)
		colons += *c == ':';
	if (colons == 2) {
		if (strcspn(s, ":") > 8)
			goto bad;
		n = sscanf(s, "%x:%x:%x.%x%c", &dom, &bus, &dev, &func, &tail);
		if (n != 4)
			goto bad;
	} else {
		n = sscanf(s, "%x:%x.%x%c", &bus, &dev, &func, &tail);
		if (n != 3)
			goto bad;
	}
	if (bus > 0xff || dev > 0x1f || func > 7)
		goto bad;
	memset(fn, 0, sizeof(*fn));
	fn->domain = dom;
	fn->bus = (__u8)bus;
	fn->device = (__u8)dev;
	fn->function = (__u8)func;
	return 0;
bad:
	return cli_usage_error("'%s' is not a PCI function (DDDD:BB:DD.F)", s);
}

/* ------------------------------------------------------ the control device */

/* Effective and permitted capabilities, as capget() reports them. */
static int caps_left(uint64_t *eff, uint64_t *perm)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return -1;
	*eff = data[0].effective | (uint64_t)data[1].effective << 32;
	*perm = data[0].permitted | (uint64_t)data[1].permitted << 32;
	return 0;
}

/*
 * Become nobody (uid and gid 65534, no supplementary groups). Changing all
 * three uids away from 0 clears the capabilities; check that it did, since
 * the point is to ask the kernel as a caller without CAP_SYS_ADMIN.
 */
static int become_nobody(void)
{
	uint64_t eff, perm;

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return cli_error("--nobody: cannot become uid/gid %d: %s (run as root)",
				 NOBODY, strerror(errno));
	if (geteuid() != NOBODY || getuid() != NOBODY || getegid() != NOBODY)
		return cli_error("--nobody: still uid %u euid %u egid %u after setresuid()",
				 getuid(), geteuid(), getegid());
	if (caps_left(&eff, &perm))
		return cli_error("--nobody: capget: %s", strerror(errno));
	if (eff || perm)
		return cli_error("--nobody: capabilities left as uid %d: effective 0x%" PRIx64
				 ", permitted 0x%" PRIx64, NOBODY, eff, perm);
	return 0;
}

/*
 * Drop privileges if asked, then open /dev/p2pdax, or what P2PDAX_CTL names:
 * host unit tests point it at /dev/null to run the argument handling and
 * the fuzz loop without the driver. Return: the fd or -1.
 */
static int ctl_open(const struct opts *o)
{
	const char *path = getenv("P2PDAX_CTL");
	int fd;

	if (!path)
		path = CTL_PATH;
	if (o->nobody && become_nobody())
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		cli_error("%s: %s%s", path, strerror(errno), errno != ENOENT ? "" :
			  " (is dax_pci_p2p loaded, with the control device?)");
	return fd;
}

static const char *errno_hint(int e)
{
	switch (e) {
	case EPERM:
		return " (bus addresses need CAP_SYS_ADMIN)";
	case ENODEV:
		return " (no such p2pdax device, region or PCI function)";
	case ENOTTY:
		return " (the driver does not know this ioctl)";
	default:
		return "";
	}
}

/* A failed ioctl: "error=ENAME" on stdout, the reason on stderr. */
static int ioctl_error(const char *what, const char *arg)
{
	int e = errno;

	printf("error=%s\n", errno_name(e));
	return cli_error("%s %s: %s%s", what, arg, strerror(e), errno_hint(e));
}

static void print_pci(const char *key, const struct p2pdax_pci_fn *fn)
{
	printf("%s=%04x:%02x:%02x.%x\n", key, fn->domain, fn->bus, fn->device, fn->function);
}

/* ------------------------------------------------------------------ info */

static const char *caching_name(unsigned int c, char *buf, size_t len)
{
	if (c == P2PDAX_CACHING_WC)
		return "wc";
	if (c == P2PDAX_CACHING_UC)
		return "uc";
	snprintf(buf, len, "unknown(%u)", c);
	return buf;
}

static void print_info(const struct p2pdax_info *in, bool addr)
{
	char buf[32];

	printf("size=%u\n", in->size);
	printf("region=%u\n", in->region_id);
	printf("dev=%u\n", in->dev_id);
	print_pci("pci", &in->fn);
	printf("bar=%u\n", in->fn.bar);
	printf("caching=%s\n", caching_name(in->caching, buf, sizeof(buf)));
	printf("prefetchable=%d\n", !!(in->attrs & P2PDAX_ATTR_PREFETCHABLE));
	printf("persistent=%d\n", !!(in->attrs & P2PDAX_ATTR_PERSISTENT));
	printf("nr_ranges=%u\n", in->nr_ranges);
	printf("dev_size=%llu\n", (unsigned long long)in->dev_size);
	printf("align=%llu\n", (unsigned long long)in->align);
	printf("bar_size=%llu\n", (unsigned long long)in->bar_size);
	printf("bar_offset=0x%llx\n", (unsigned long long)in->bar_offset);
	if (addr) {
		printf("bus_addr=0x%llx\n", (unsigned long long)in->bus_addr);
		printf("bar_bus_addr=0x%llx\n", (unsigned long long)in->bar_bus_addr);
	}
}

static int cmd_info(int argc, char **argv)
{
	struct p2pdax_info in;
	uint32_t region, dev;
	struct opts o;
	int rc, fd;

	rc = parse_opts(argc, argv, OPT_ADDR | OPT_NOBODY, 1, &o);
	if (rc)
		return rc;
	if (o.npos != 1)
		return cli_usage_error("info takes DEV (daxX.Y)");
	rc = get_dax_name(o.pos[0], &region, &dev);
	if (rc)
		return rc;
	fd = ctl_open(&o);
	if (fd < 0)
		return CLI_EXIT_FAIL;

	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	in.flags = o.addr ? P2PDAX_F_BUS_ADDR : 0;
	in.region_id = region;
	in.dev_id = dev;
	if (ioctl(fd, P2PDAX_IOC_INFO, &in)) {
		rc = ioctl_error("P2PDAX_IOC_INFO", o.pos[0]);
		close(fd);
		return rc;
	}
	close(fd);
	print_info(&in, o.addr);
	return 0;
}

/* --------------------------------------------------------------- resolve */

/* Open /dev/daxX.Y and map all of it. */
static int map_whole(uint32_t region, uint32_t dev, struct daxdev *d, struct daxmap *m,
		     char *path, size_t pathlen)
{
	char err[DAXDEV_ERRLEN];

	snprintf(path, pathlen, "/dev/dax%u.%u", region, dev);
	if (daxdev_open(d, path, err))
		return cli_error("%s", err);
	if (daxdev_map(d, 0, d->size, m, err)) {
		daxdev_close(d);
		return cli_error("%s", err);
	}
	return 0;
}

static int cmd_resolve(int argc, char **argv)
{
	uint64_t off, len;
	struct p2pdax_resolve r;
	struct daxdev d;
	struct daxmap m;
	uint32_t region, dev;
	char path[64];
	struct opts o;
	int rc, fd;

	rc = parse_opts(argc, argv, OPT_ADDR | OPT_NOBODY | OPT_AFTER, 3, &o);
	if (rc)
		return rc;
	if (o.npos != 3)
		return cli_usage_error("resolve takes DEV OFFSET LENGTH");
	rc = get_dax_name(o.pos[0], &region, &dev);
	if (!rc)
		rc = cli_get_num("OFFSET", o.pos[1], &off);
	if (!rc)
		rc = cli_get_num("LENGTH", o.pos[2], &len);
	if (rc)
		return rc;
	rc = map_whole(region, dev, &d, &m, path, sizeof(path));
	if (rc)
		return rc;
	/* Before any privilege drop: the command is the caller's own. */
	if (o.after) {
		fflush(stdout);
		rc = system(o.after);
		if (rc) {
			rc = cli_error("--after '%s' failed (status %d)", o.after, rc);
			goto out_unmap;
		}
	}
	fd = ctl_open(&o);
	if (fd < 0) {
		rc = CLI_EXIT_FAIL;
		goto out_unmap;
	}

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.flags = o.addr ? P2PDAX_F_BUS_ADDR : 0;
	/* Deliberately unchecked: the kernel is what must refuse a bad range. */
	r.addr = (uint64_t)(uintptr_t)m.base + off;
	r.length = len;
	if (ioctl(fd, P2PDAX_IOC_RESOLVE, &r)) {
		rc = ioctl_error("P2PDAX_IOC_RESOLVE", path);
		goto out_close;
	}
	printf("region=%u\n", r.region_id);
	printf("dev=%u\n", r.dev_id);
	print_pci("pci", &r.fn);
	printf("bar=%u\n", r.fn.bar);
	printf("bar_offset=0x%llx\n", (unsigned long long)r.bar_offset);
	printf("contig=0x%llx\n", (unsigned long long)r.contig);
	printf("attrs=%u\n", r.attrs);
	if (o.addr)
		printf("bus_addr=0x%llx\n", (unsigned long long)r.bus_addr);
	rc = 0;
out_close:
	close(fd);
out_unmap:
	daxdev_unmap(&m);
	daxdev_close(&d);
	return rc;
}

/* ----------------------------------------------------------------- route */

/* The library's name for a value, or FMT with the value for one it lacks. */
static const char *name_or(const char *name, const char *fmt, unsigned int v,
			   char *buf, size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, fmt, v);
	return buf;
}

static const char *route_type_name(unsigned int t, char *buf, size_t len)
{
	return name_or(daxmap_route_type_name(t), "unknown(%u)", t, buf, len);
}

static const char *iommu_name(unsigned int i, char *buf, size_t len)
{
	return name_or(daxmap_iommu_name(i), "unknown(%u)", i, buf, len);
}

static const char *pcie_type_name(unsigned int t, char *buf, size_t len)
{
	return name_or(daxmap_pcie_type_name(t), "other(%u)", t, buf, len);
}

static void print_port(const struct p2pdax_port *p)
{
	char buf[32];

	printf("port=%04x:%02x:%02x.%x pcie_type=%s acs=%d acs_cap=0x%04x acs_ctrl=0x%04x"
	       " redirect=%d common=%d side=%s\n",
	       p->fn.domain, p->fn.bus, p->fn.device, p->fn.function,
	       pcie_type_name(p->pcie_type, buf, sizeof(buf)),
	       !!(p->flags & P2PDAX_PORT_ACS), p->acs_cap, p->acs_ctrl,
	       !!(p->flags & P2PDAX_PORT_REDIRECT), !!(p->flags & P2PDAX_PORT_COMMON),
	       p->flags & P2PDAX_PORT_PEER_SIDE ? "peer" : "bar");
}

static void print_route(const struct p2pdax_route *rt)
{
	unsigned int i, n = rt->nr_ports;
	char buf[32];

	printf("type=%s\n", route_type_name(rt->type, buf, sizeof(buf)));
	printf("acs_redirect=%d\n", !!(rt->attrs & P2PDAX_ROUTE_ACS_REDIRECT));
	printf("translated=%d\n", !!(rt->attrs & P2PDAX_ROUTE_TRANSLATED));
	printf("iommu=%s\n", iommu_name(rt->iommu, buf, sizeof(buf)));
	printf("nr_ports=%u\n", rt->nr_ports);
	printf("truncated=%d\n", !!(rt->attrs & P2PDAX_ROUTE_TRUNCATED));
	printf("p2pdma=%d\n", !!(rt->attrs & P2PDAX_ROUTE_P2PDMA));
	printf("p2pdma_refused=%d\n", !!(rt->attrs & P2PDAX_ROUTE_P2PDMA_REFUSED));
	printf("p2pdma_distance=%u\n", rt->p2pdma_distance);
	if (n > P2PDAX_ROUTE_MAX_PORTS)
		n = P2PDAX_ROUTE_MAX_PORTS;
	for (i = 0; i < n; i++)
		print_port(&rt->ports[i]);
}

static int cmd_route(int argc, char **argv)
{
	struct p2pdax_route rt;
	struct p2pdax_pci_fn peer;
	uint64_t region;
	struct opts o;
	int rc, fd;

	rc = parse_opts(argc, argv, OPT_NOBODY, 2, &o);
	if (rc)
		return rc;
	if (o.npos != 2)
		return cli_usage_error("route takes REGION PCI (DDDD:BB:DD.F)");
	rc = cli_get_num("REGION", o.pos[0], &region);
	if (rc)
		return rc;
	if (region > UINT32_MAX)
		return cli_usage_error("REGION '%s' does not fit in 32 bits", o.pos[0]);
	rc = get_pci(o.pos[1], &peer);
	if (rc)
		return rc;
	fd = ctl_open(&o);
	if (fd < 0)
		return CLI_EXIT_FAIL;

	memset(&rt, 0, sizeof(rt));
	rt.size = sizeof(rt);
	rt.region_id = (__u32)region;
	rt.peer = peer;
	if (ioctl(fd, P2PDAX_IOC_ROUTE, &rt)) {
		rc = ioctl_error("P2PDAX_IOC_ROUTE", o.pos[1]);
		close(fd);
		return rc;
	}
	close(fd);
	print_route(&rt);
	return 0;
}

/* ------------------------------------------------------------------ fuzz */

/*
 * The arguments fuzz hands the kernel: a buffer in its own mapping followed
 * by an unmapped guard page (a huge @size runs into it; so does a request
 * placed against its end), a read-only page of plausible requests (the
 * kernel reads them, and its write-back must fail), anonymous memory for
 * RESOLVE to refuse, and the dax device if one was named.
 */
#define FUZZ_AREA	(16 * PAGE)
#define ANON_LEN	(16 * PAGE)
#define RO_SLOT		1024u
#define REQ_TAIL	64u
#define KERNEL_ADDR	UINT64_C(0xffff888000000000)
#define ERRNO_SLOTS	4096

union fuzz_req {
	struct p2pdax_info info;
	struct p2pdax_resolve resolve;
	struct p2pdax_route route;
	unsigned char bytes[sizeof(struct p2pdax_route) + REQ_TAIL];
};

static const struct {
	unsigned int cmd;
	size_t size;
} fuzz_cmds[] = {
	{ P2PDAX_IOC_INFO, sizeof(struct p2pdax_info) },
	{ P2PDAX_IOC_RESOLVE, sizeof(struct p2pdax_resolve) },
	{ P2PDAX_IOC_ROUTE, sizeof(struct p2pdax_route) },
};

#define NR_CMDS	ARRAY_SIZE(fuzz_cmds)

struct fuzz {
	int ctl;
	unsigned char *area;		/* FUZZ_AREA bytes, then the guard page */
	unsigned char *ro;		/* read-only: one request per RO_SLOT */
	unsigned char *anon;		/* ANON_LEN bytes of anonymous memory */
	uint64_t map, map_size;		/* the dax mapping, 0 if none */
	uint32_t region, dev;		/* its device, or random ids */
	struct p2pdax_pci_fn fn;	/* its PCI function (from INFO) */
	uint64_t ok;
	uint64_t ok_cmd[NR_CMDS];	/* successes by _IOC_NR: INFO, RESOLVE, ROUTE */
	uint64_t errs[ERRNO_SLOTS];	/* the last slot counts any larger errno */
};

static uint64_t rng;

/* Set by SIGTERM and SIGINT: the fuzz loop ends after the current call. */
static volatile sig_atomic_t fuzz_stop;

static void on_stop(int sig)
{
	(void)sig;
	fuzz_stop = 1;
}

/* splitmix64: fast, and every seed (0 included) gives a good sequence. */
static uint64_t rnd(void)
{
	uint64_t z = (rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* A number below @n (0 for n == 0). */
static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static void rnd_bytes(void *p, size_t len)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (unsigned char)rnd();
}

/*
 * Ioctl types the VFS answers itself before the driver sees the call
 * (do_vfs_ioctl(): FIOCLEX, FIONBIO, FIFREEZE, FICLONE, FS_IOC_*, FIBMAP):
 * a random FIFREEZE would freeze the filesystem /dev is on. Never sent.
 */
static bool vfs_ioctl_type(unsigned int type)
{
	return type == 0x00 || type == 0x15 || type == 'T' || type == 'X' ||
	       type == 'f' || type == 0x94;
}

/*
 * A command: mostly the three valid numbers, then the same numbers with
 * other direction and size bits (the kernel ignores the size bits), other
 * numbers of the 0xDA type, and anything at all.
 */
static unsigned int pick_cmd(void)
{
	unsigned int r = (unsigned int)below(8), nr = (unsigned int)below(NR_CMDS), cmd;

	if (r < 5)
		return fuzz_cmds[nr].cmd;
	if (r == 5)
		return (unsigned int)_IOC(below(4), P2PDAX_IOC_MAGIC, nr, below(_IOC_SIZEMASK + 1));
	if (r == 6)
		return (unsigned int)_IOC(below(4), P2PDAX_IOC_MAGIC, below(256),
					  below(_IOC_SIZEMASK + 1));
	do
		cmd = (unsigned int)rnd();
	while (vfs_ioctl_type(_IOC_TYPE(cmd)));
	return cmd;
}

/* Mostly the exact size and version, no flags: most calls get past the checks. */
static uint32_t pick_size(size_t size)
{
	switch (below(16)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return (uint32_t)(1 + below(size - 1));		/* short */
	case 3:
	case 4:
		return (uint32_t)(size + 8);			/* tail zero or not */
	case 5:
		return (uint32_t)(size + 1 + below(REQ_TAIL));	/* odd tail */
	case 6:
		return (uint32_t)(size + below(1 << 20));	/* long */
	case 7:
		return (uint32_t)rnd();				/* huge */
	default:
		return (uint32_t)size;
	}
}

static uint32_t pick_flags(void)
{
	switch (below(12)) {
	case 0:
		return P2PDAX_F_BUS_ADDR;
	case 1:
		return 1U << 31;
	case 2:
		return 1U << below(32);
	case 3:
		return (uint32_t)rnd();
	default:
		return 0;
	}
}

/* A region and device: mostly the mapped one's, else small or any ids. */
static void pick_ids(const struct fuzz *f, __u32 *region, __u32 *dev)
{
	switch (below(4)) {
	case 0:
		*region = (__u32)below(4);
		*dev = (__u32)below(4);
		break;
	case 1:
		*region = (__u32)rnd();
		*dev = (__u32)rnd();
		break;
	default:
		*region = f->region;
		*dev = f->dev;
	}
}

/*
 * A RESOLVE range: inside, across the end of, or outside the dax mapping;
 * anonymous memory; 0 and ~0; anything. Lengths of 0 and ~0 now and then.
 */
static void pick_range(const struct fuzz *f, __u64 *addr, __u64 *len)
{
	uint64_t base = f->map, size = f->map_size, off, k;
	unsigned int r = (unsigned int)below(8);

	if (!size && r < 4)
		r += 4;
	switch (r) {
	case 0:
	case 1:
		off = below(size);
		if (r)
			off &= ~(uint64_t)(PAGE - 1);
		*addr = base + off;
		*len = 1 + below(size - off);
		break;
	case 2:
		k = 1 + below(size < (1 << 20) ? size : 1 << 20);
		*addr = base + size - k;
		*len = k + 1 + below(1 << 20);
		break;
	case 3:
		*addr = below(2) ? base + size + below(1 << 30) : base - 1 - below(1 << 30);
		*len = 1 + below(1 << 20);
		break;
	case 4:
		off = below(ANON_LEN);
		*addr = (uintptr_t)f->anon + off;
		*len = 1 + below(ANON_LEN - off);
		break;
	case 5:
		*addr = 0;
		*len = 1 + below(1 << 20);
		break;
	case 6:
		*addr = ~(uint64_t)0;
		*len = below(2) ? ~(uint64_t)0 : 1 + below(PAGE);
		break;
	default:
		*addr = rnd();
		*len = rnd();
	}
	if (!below(16))
		*len = below(2) ? 0 : ~(uint64_t)0;
}

/* A peer: the BAR's own function, with or without a BAR; one that is not there; any. */
static void pick_peer(const struct fuzz *f, struct p2pdax_pci_fn *peer)
{
	switch (below(4)) {
	case 0:
		*peer = f->fn;
		peer->bar = (__u8)below(8);
		break;
	case 1:
		memset(peer, 0, sizeof(*peer));
		peer->bus = 0xff;
		peer->device = 0x1f;
		peer->function = 7;
		break;
	case 2:
		rnd_bytes(peer, sizeof(*peer));
		break;
	default:
		*peer = f->fn;
		peer->bar = 0;
	}
}

/*
 * Request @nr (0 INFO, 1 RESOLVE, 2 ROUTE) in @rq: a quarter pure noise,
 * the rest plausible, with a bad size, version or flags now and then, a bit
 * flipped anywhere (padding and reserved fields included) and, past a long
 * @size, a tail that is zero or not.
 */
static void fill_request(const struct fuzz *f, union fuzz_req *rq, unsigned int nr)
{
	size_t size = fuzz_cmds[nr].size;
	__u32 unused;

	if (!below(4)) {
		rnd_bytes(rq, sizeof(*rq));
		return;
	}
	memset(rq, 0, sizeof(*rq));
	/* size and flags lead every request. */
	rq->info.size = pick_size(size);
	rq->info.flags = pick_flags();
	switch (nr) {
	case 0:
		pick_ids(f, &rq->info.region_id, &rq->info.dev_id);
		break;
	case 1:
		pick_range(f, &rq->resolve.addr, &rq->resolve.length);
		break;
	default:
		pick_ids(f, &rq->route.region_id, &unused);
		pick_peer(f, &rq->route.peer);
	}
	if (!below(8))
		rq->bytes[below(size)] ^= (unsigned char)(1 << below(8));
	if (rq->info.size > size && below(2))
		rq->bytes[size + below(REQ_TAIL)] = (unsigned char)(1 + below(255));
}

/*
 * Where the request goes: mostly the buffer (now and then misaligned),
 * else NULL, 1, a kernel address, the last bytes before the guard page, or
 * the read-only page.
 */
static void *place_request(struct fuzz *f, const union fuzz_req *rq, unsigned int nr)
{
	size_t k, mis;

	switch (below(16)) {
	case 0:
		return NULL;
	case 1:
		return (void *)1;
	case 2:
		return (void *)(uintptr_t)KERNEL_ADDR;
	case 3:
		k = 1 + below(sizeof(*rq));
		memcpy(f->area + FUZZ_AREA - k, rq, k);
		return f->area + FUZZ_AREA - k;
	case 4:
		return f->ro + nr * RO_SLOT;
	default:
		mis = below(8) ? 0 : 1 + below(7);
		memcpy(f->area + mis, rq, sizeof(*rq));
		return f->area + mis;
	}
}

static void fuzz_one(struct fuzz *f)
{
	unsigned int cmd = pick_cmd(), nr;
	union fuzz_req rq;
	void *arg;

	nr = _IOC_TYPE(cmd) == P2PDAX_IOC_MAGIC && _IOC_NR(cmd) < NR_CMDS ?
	     _IOC_NR(cmd) : (unsigned int)below(NR_CMDS);
	fill_request(f, &rq, nr);
	arg = place_request(f, &rq, nr);
	if (!ioctl(f->ctl, cmd, arg)) {
		f->ok++;
		/* Only the three commands succeed, whatever their size bits. */
		if (_IOC_TYPE(cmd) == P2PDAX_IOC_MAGIC && _IOC_NR(cmd) < NR_CMDS)
			f->ok_cmd[_IOC_NR(cmd)]++;
	} else if (errno > 0 && errno < ERRNO_SLOTS) {
		f->errs[errno]++;
	} else {
		f->errs[ERRNO_SLOTS - 1]++;
	}
}

/* The buffer with its guard page, the anonymous memory, the read-only page. */
static int fuzz_memory(struct fuzz *f)
{
	unsigned char *p;

	p = mmap(NULL, FUZZ_AREA + PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return cli_error("mmap: %s", strerror(errno));
	if (munmap(p + FUZZ_AREA, PAGE))
		return cli_error("munmap of the guard page: %s", strerror(errno));
	f->area = p;
	p = mmap(NULL, ANON_LEN + PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return cli_error("mmap: %s", strerror(errno));
	memset(p, 0x5a, ANON_LEN);
	f->anon = p;
	f->ro = p + ANON_LEN;
	return 0;
}

/* Plausible requests on the read-only page, one of each kind. */
static int fuzz_ro_page(struct fuzz *f)
{
	struct p2pdax_info *in = (void *)f->ro;
	struct p2pdax_resolve *r = (void *)(f->ro + RO_SLOT);
	struct p2pdax_route *rt = (void *)(f->ro + 2 * RO_SLOT);

	memset(f->ro, 0, PAGE);
	in->size = sizeof(*in);
	in->region_id = f->region;
	in->dev_id = f->dev;
	r->size = sizeof(*r);
	r->addr = f->map ? f->map : (uintptr_t)f->anon;
	r->length = PAGE;
	rt->size = sizeof(*rt);
	rt->region_id = f->region;
	rt->peer = f->fn;
	if (mprotect(f->ro, PAGE, PROT_READ))
		return cli_error("mprotect: %s", strerror(errno));
	return 0;
}

/* The device's PCI function, for ROUTE to aim at; zeros if INFO fails. */
static void fuzz_learn_fn(struct fuzz *f)
{
	struct p2pdax_info in;

	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	in.region_id = f->region;
	in.dev_id = f->dev;
	if (!ioctl(f->ctl, P2PDAX_IOC_INFO, &in)) {
		f->fn = in.fn;
		f->fn.bar = 0;
	} else {
		fprintf(stderr, "p2ptool: fuzz: P2PDAX_IOC_INFO dax%u.%u: %s%s\n", f->region,
			f->dev, strerror(errno), "; ROUTE gets no valid region");
	}
}

static void fuzz_report(const struct fuzz *f, uint64_t n, uint64_t seed, bool stopped)
{
	static const char * const ok_cmd_names[NR_CMDS] = { "info", "resolve", "route" };
	size_t i;
	int e;

	printf("calls=%" PRIu64 "\n", n);
	printf("seed=%" PRIu64 "\n", seed);
	if (stopped)
		printf("stopped=1\n");
	printf("ok=%" PRIu64 "\n", f->ok);
	for (i = 0; i < NR_CMDS; i++)
		printf("ok_%s=%" PRIu64 "\n", ok_cmd_names[i], f->ok_cmd[i]);
	for (e = 1; e < ERRNO_SLOTS - 1; e++)
		if (f->errs[e])
			printf("errno_%s=%" PRIu64 "\n", errno_name(e), f->errs[e]);
	if (f->errs[ERRNO_SLOTS - 1])
		printf("errno_EOTHER=%" PRIu64 "\n", f->errs[ERRNO_SLOTS - 1]);
}

static int cmd_fuzz(int argc, char **argv)
{
	static struct fuzz f;
	struct sigaction sa = { .sa_handler = on_stop };
	struct daxdev d = { .fd = -1 };
	struct daxmap m = { .base = MAP_FAILED };
	char path[64];
	uint64_t n, i;
	struct opts o;
	int rc;

	rc = parse_opts(argc, argv, OPT_SEED | OPT_NOBODY, 2, &o);
	if (rc)
		return rc;
	if (o.npos < 1)
		return cli_usage_error("fuzz takes N [--seed S] [--nobody] [DEV]");
	rc = cli_get_num("N", o.pos[0], &n);
	if (!rc && o.npos == 2)
		rc = get_dax_name(o.pos[1], &f.region, &f.dev);
	if (rc)
		return rc;
	rng = o.seed_set ? o.seed : 1;
	if (o.npos == 1) {
		f.region = (uint32_t)rnd();
		f.dev = (uint32_t)rnd();
	}
	rc = fuzz_memory(&f);
	if (rc)
		return rc;
	if (o.npos == 2) {
		rc = map_whole(f.region, f.dev, &d, &m, path, sizeof(path));
		if (rc)
			return rc;
		f.map = (uintptr_t)m.base;
		f.map_size = m.maplen;
	}
	f.ctl = ctl_open(&o);
	if (f.ctl < 0)
		return CLI_EXIT_FAIL;
	if (o.npos == 2)
		fuzz_learn_fn(&f);
	rc = fuzz_ro_page(&f);
	if (rc)
		return rc;
	/* No SA_RESTART: a call the signal interrupts ends with EINTR, counted. */
	if (sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL))
		return cli_error("sigaction: %s", strerror(errno));

	for (i = 0; i < n && !fuzz_stop; i++)
		fuzz_one(&f);
	fuzz_report(&f, i, o.seed_set ? o.seed : 1, i < n);
	close(f.ctl);
	daxdev_unmap(&m);
	daxdev_close(&d);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "info", cmd_info },
		{ "resolve", cmd_resolve },
		{ "route", cmd_route },
		{ "fuzz", cmd_fuzz },
	};

	cli_prog = "p2ptool";
	if (cli_want_help(argc, argv)) {
		fputs(usage_text, stdout);
		return 0;
	}
	return cli_dispatch(cmds, ARRAY_SIZE(cmds), argc, argv);
}
