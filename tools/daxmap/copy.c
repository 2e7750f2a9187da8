// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap copy: between a p2pdax device and a regular file or block device,
 * with O_DIRECT on the file side and the device's own mapping as the I/O
 * buffer: the storage device's DMA goes to or from the BAR, peer to peer,
 * with no copy through system RAM. --bounce does the same I/O through a
 * RAM buffer and memcpy() to or from the mapping instead, for comparison.
 *
 * Everything is checked before the first byte is written: both ranges, the
 * device's state, that the destination can be opened for writing, that it
 * is not the source. A destination file this run created is removed again
 * if the copy is refused before it starts. A write that fails or falls
 * short in the middle, or SIGINT/SIGTERM, is reported with how much was
 * copied, and the destination is left as it is (a regular file is never
 * truncated).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

#include "builtin.h"

static const char usage[] =
"usage: daxmap copy SRC DST [--dax-offset O] [--file-offset F] [--length L]\n"
"                   [--bounce] [--bs SIZE]\n"
"\n"
"Copy L bytes between [O, O+L) of a p2pdax device and [F, F+L) of a regular\n"
"file or block device. Exactly one of SRC and DST is a device (daxX.Y, X.Y or\n"
"/dev/daxX.Y). The file side is read or written with O_DIRECT straight from\n"
"or into the device's mapping: peer-to-peer DMA, no copy through RAM.\n"
"\n"
"  -o, --dax-offset O   device offset (default 0)\n"
"  -f, --file-offset F  file offset (default 0)\n"
"  -l, --length L       bytes (default: the rest of SRC from its offset)\n"
"  -b, --bounce         through a RAM buffer and memcpy() instead (compare)\n"
"  -B, --bs SIZE        bytes per read or write (default 1M)\n"
"  -h, --help           this text\n"
"  -V, --version        version\n"
"\n"
"O, F, L and SIZE: multiples of 4096 (O_DIRECT), decimal or 0x hex, optional\n"
"K/M/G suffix. A regular file DST is created if missing (not under /dev/) and\n"
"never truncated; one this run created is removed if the copy is refused.\n"
"SRC and DST files must be regular files or block devices (no FIFOs); a block\n"
"device DST is opened O_EXCL (EBUSY if mounted or held). Progress on stderr\n"
"when it is a terminal.\n"
"JSON on stdout: source destination mode (p2p, bounce) dax_offset file_offset\n"
"bytes bs seconds mbps user_seconds sys_seconds.\n"
"A write that fails midway: \"daxmap: copy: ...: copied N of M bytes; DST is\n"
"incomplete\", exit 1; SIGINT or SIGTERM: \"daxmap: copy: interrupted: copied N\n"
"of M bytes; DST is incomplete\", exit 1.\n";

#define BLOCK		4096ULL
#define DEFAULT_BS	(1ULL << 20)
#define MAX_BS		(1ULL << 30)

struct copy {
	const char *src, *dst;
	uint64_t dax_off, file_off, length, bs;
	bool length_set, bounce;
	/* resolved */
	bool to_dax;			/* file -> device */
	const char *file;		/* the file side's argument */
	struct daxmap_dev *dev;
	struct daxmap_region *region;
	int fd;				/* the file side, O_DIRECT */
	uint64_t file_size;		/* regular: st_size; block device: its size */
	bool file_is_blk;
	bool created;			/* DST: this run created the file */
	bool started;			/* the transfer has begun */
	char node[PATH_MAX];		/* /dev/daxX.Y under the root */
	struct daxdev d;
	struct daxmap m;
	void *buf;			/* --bounce */
	struct daxmap_progress *pr;	/* ended before an error line */
	/* results */
	uint64_t done;
	struct daxmap_times t;
};

/*
 * The command line into @c. Return: -1 to go on, else the status to exit
 * with (0 after -h or -V, 2 after a usage error).
 */
static int parse(int argc, char **argv, struct copy *c)
{
	static const struct option longopts[] = {
		{ "dax-offset", required_argument, NULL, 'o' },
		{ "file-offset", required_argument, NULL, 'f' },
		{ "length", required_argument, NULL, 'l' },
		{ "bounce", no_argument, NULL, 'b' },
		{ "bs", required_argument, NULL, 'B' },
		DAXMAP_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc, status;

	c->bs = DEFAULT_BS;
	while ((opt = daxmap_getopt(argc, argv, "o:f:l:bB:" DAXMAP_COMMON_SHORT, longopts,
				    usage, &status)) != DAXMAP_OPT_END) {
		rc = 0;
		switch (opt) {
		case DAXMAP_OPT_EXIT:
			return status;
		case 'o':
			rc = daxmap_get_num("--dax-offset", optarg, &c->dax_off);
			break;
		case 'f':
			rc = daxmap_get_num("--file-offset", optarg, &c->file_off);
			break;
		case 'l':
			rc = daxmap_get_num("--length", optarg, &c->length);
			c->length_set = true;
			break;
		case 'b':
			c->bounce = true;
			break;
		case 'B':
			rc = daxmap_get_num("--bs", optarg, &c->bs);
			break;
		}
		if (rc)
			return rc;
	}
	if (argc - optind != 2)
		return argc - optind < 2 ? cli_usage_error("copy takes SRC and DST") :
		       cli_usage_error("unexpected argument '%s'", argv[optind + 2]);
	c->src = argv[optind];
	c->dst = argv[optind + 1];
	if (c->dax_off % BLOCK)
		return cli_usage_error("--dax-offset 0x%" PRIx64 " is not a multiple of 4096",
				       c->dax_off);
	if (c->file_off % BLOCK)
		return cli_usage_error("--file-offset 0x%" PRIx64 " is not a multiple of 4096",
				       c->file_off);
	if (c->length_set && (!c->length || c->length % BLOCK))
		return cli_usage_error("--length 0x%" PRIx64 " is not a non-zero multiple of 4096",
				       c->length);
	if (c->file_off > INT64_MAX || (c->length_set && c->length > INT64_MAX - c->file_off))
		return cli_usage_error("--file-offset 0x%" PRIx64 " + --length 0x%" PRIx64
				       " is past the largest file offset", c->file_off, c->length);
	if (!c->bs || c->bs % BLOCK || c->bs > MAX_BS)
		return cli_usage_error("--bs 0x%" PRIx64
				       " is not a non-zero multiple of 4096 of at most 1G", c->bs);
	return -1;
}

/*
 * Whether @arg names a dax device: daxX.Y and /dev/daxX.Y always, X.Y
 * unless a file of that name exists, and any character device whose real
 * name is daxX.Y (a symlink to one).
 */
static bool is_dax_arg(struct daxmap_ctx *ctx, const char *arg)
{
	struct daxmap_filter f;
	char real[PATH_MAX];
	struct stat st;
	const char *base;

	if (!daxmap_parse_filter(ctx, arg, &f) && !f.all) {
		if (!strncmp(arg, "dax", 3) || !strncmp(arg, "/dev/dax", 8))
			return true;
		return stat(arg, &st) != 0;	/* X.Y */
	}
	if (stat(arg, &st) || !S_ISCHR(st.st_mode) || !realpath(arg, real))
		return false;
	base = strrchr(real, '/');
	return base && !daxmap_parse_filter(ctx, base + 1, &f) && !f.all &&
	       !strncmp(base + 1, "dax", 3);
}

/* The name of a dax argument as daxmap_lookup_p2p() takes it. */
static const char *dax_name(const char *arg, char *buf, size_t len)
{
	char real[PATH_MAX];
	struct stat st;
	const char *base;

	if (strncmp(arg, "/dev/", 5) && !stat(arg, &st) && S_ISCHR(st.st_mode) &&
	    realpath(arg, real) && (base = strrchr(real, '/'))) {
		snprintf(buf, len, "%s", base + 1);
		return buf;
	}
	return arg;
}

/* Size of an open regular file or block device; the kind in c->file_is_blk. */
static int file_kind(struct copy *c, const char *what)
{
	struct stat st;

	if (fstat(c->fd, &st))
		return cli_error("%s %s: fstat: %s", what, c->file, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		c->file_size = (uint64_t)st.st_size;
		c->file_is_blk = false;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(c->fd, BLKGETSIZE64, &c->file_size))
			return cli_error("%s %s: BLKGETSIZE64: %s", what, c->file, strerror(errno));
		c->file_is_blk = true;
	} else {
		return cli_error("%s %s: not a regular file or block device", what, c->file);
	}
	return 0;
}

/*
 * Before opening @path for I/O: refuse anything but a regular file or a
 * block device (a FIFO would block in open()). Return: 0 (with *@exists
 * false when missing and @missing_ok), else the exit status.
 */
static int check_path(const char *what, const char *path, bool missing_ok, bool *exists,
		      bool *blk)
{
	struct stat st;

	*exists = *blk = false;
	if (stat(path, &st)) {
		if (errno == ENOENT && missing_ok)
			return 0;
		return cli_error("%s %s: %s", what, path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return cli_error("%s %s: not a regular file or block device", what, path);
	*exists = true;
	*blk = S_ISBLK(st.st_mode);
	return 0;
}

/* Turn O_DIRECT on for the open file side. */
static int set_direct(struct copy *c, const char *what)
{
	int fl = fcntl(c->fd, F_GETFL);

	if (fl < 0 || fcntl(c->fd, F_SETFL, fl | O_DIRECT))
		return cli_error("%s %s: O_DIRECT: %s%s", what, c->file, strerror(errno),
				 errno == EINVAL ? " (its file system does not do direct I/O)" : "");
	return 0;
}

/* The file side as the source: open, size, range. */
static int open_src_file(struct copy *c)
{
	bool exists, blk;
	int rc;

	rc = check_path("SRC", c->file, false, &exists, &blk);
	if (rc)
		return rc;
	c->fd = open(c->file, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0)
		return cli_error("SRC %s: %s", c->file, strerror(errno));
	rc = file_kind(c, "SRC");
	if (rc)
		return rc;
	if (c->file_off >= c->file_size)
		return cli_error("SRC %s: --file-offset 0x%" PRIx64
				 " is at or past its end (size 0x%" PRIx64 ")",
				 c->file, c->file_off, c->file_size);
	if (!c->length_set) {
		c->length = c->file_size - c->file_off;
		if (c->length % BLOCK)
			return cli_error("SRC %s: the rest of it from 0x%" PRIx64 " (0x%" PRIx64
					 " bytes) is not a multiple of 4096: give --length",
					 c->file, c->file_off, c->length);
	}
	if (c->length > c->file_size - c->file_off)
		return cli_error("SRC %s: range 0x%" PRIx64 "+0x%" PRIx64
				 " is past its end (size 0x%" PRIx64 ")",
				 c->file, c->file_off, c->length, c->file_size);
	return set_direct(c, "SRC");
}

/*
 * The file side as the destination, opened for writing once everything else
 * is checked (created if it is missing, unless under /dev/, and then
 * c->created; never truncated; a block device O_EXCL: not mounted or held),
 * not the device itself, and the range inside it.
 */
static int open_dst_file(struct copy *c)
{
	struct stat st, dax;
	int flags = O_WRONLY | O_CLOEXEC, rc, ro = 0;
	bool exists, blk;
	long bits;

	rc = check_path("DST", c->file, true, &exists, &blk);
	if (rc)
		return rc;
	if (blk)
		flags |= O_EXCL;
	else if (!exists && strncmp(c->file, "/dev/", 5))
		flags |= O_CREAT | O_EXCL;
	c->fd = open(c->file, flags, 0666);
	if (c->fd < 0)
		return cli_error("DST %s: cannot open for writing: %s%s", c->file, strerror(errno),
				 blk && errno == EBUSY ? " (mounted or held by another user)" : "");
	c->created = flags & O_CREAT;
	rc = file_kind(c, "DST");
	if (rc)
		return rc;
	/* Under --sysroot the device may be a regular file: the same one? */
	if (!fstat(c->fd, &st) && !fstat(c->d.fd, &dax) && st.st_dev == dax.st_dev &&
	    st.st_ino == dax.st_ino)
		return cli_error("DST %s is the same file as SRC %s", c->file, c->dev->name);
	if (c->file_is_blk && !ioctl(c->fd, BLKROGET, &ro) && ro)
		return cli_error("DST %s is a read-only block device (blockdev --setrw %s)",
				 c->file, c->file);
	if (c->file_is_blk && (c->file_off >= c->file_size ||
			       c->length > c->file_size - c->file_off))
		return cli_error("DST %s: range 0x%" PRIx64 "+0x%" PRIx64
				 " is past its end (size 0x%" PRIx64 ")",
				 c->file, c->file_off, c->length, c->file_size);
	if (c->file_off > INT64_MAX || c->length > INT64_MAX - c->file_off)
		return cli_error("DST %s: range 0x%" PRIx64 "+0x%" PRIx64
				 " is past the largest file offset", c->file, c->file_off, c->length);
	/* The file system's largest file, where it says (FILESIZEBITS). */
	bits = c->file_is_blk ? -1 : fpathconf(c->fd, _PC_FILESIZEBITS);
	if (bits > 1 && bits < 64 && c->file_off + c->length > (1ULL << (bits - 1)) - 1)
		return cli_error("DST %s: range 0x%" PRIx64 "+0x%" PRIx64
				 " is past the largest file of its file system (%ld bits)",
				 c->file, c->file_off, c->length, bits);
	return set_direct(c, "DST");
}

/* The device side: a usable p2pdax device, the range, opened and mapped. */
static int find_dev(struct daxmap_ctx *ctx, struct daxmap_topo *t, struct copy *c,
		    const char *arg)
{
	char name[PATH_MAX];
	int rc;

	rc = daxmap_lookup_p2p(ctx, t, dax_name(arg, name, sizeof(name)), &c->dev, &c->region);
	if (rc)
		return rc == -EINVAL ? cli_usage_error("%s", ctx->err) : daxmap_lib_error(ctx);
	if (daxmap_dev_usable(ctx, c->dev) || !daxmap_dev_node(ctx, c->dev, c->node))
		return daxmap_lib_error(ctx);
	if (c->dax_off >= c->dev->size)
		return cli_error("%s: --dax-offset 0x%" PRIx64
				 " is at or past its end (size 0x%" PRIx64 ")",
				 c->dev->name, c->dax_off, c->dev->size);
	return 0;
}

static int check_dax_range(struct copy *c)
{
	if (c->length > c->dev->size - c->dax_off)
		return cli_error("%s: range 0x%" PRIx64 "+0x%" PRIx64
				 " is past its end (size 0x%" PRIx64 ")",
				 c->dev->name, c->dax_off, c->length, c->dev->size);
	return 0;
}

static int map_dev(struct daxmap_ctx *ctx, struct copy *c)
{
	char sysfs[PATH_MAX], err[DAXDEV_ERRLEN];
	unsigned int flags = c->to_dax ? 0 : DAXDEV_RDONLY;

	if (daxmap_has_root(ctx))
		flags |= DAXDEV_ALLOW_FILE;
	if (!daxmap_path(ctx, sysfs, "/sys"))
		return daxmap_lib_error(ctx);
	if (daxdev_open_at(&c->d, sysfs, c->node, flags, err))
		return cli_error("%s", err);
	if (c->d.size != c->dev->size)
		return cli_error("%s: size changed from 0x%" PRIx64 " to 0x%" PRIx64 " meanwhile",
				 c->dev->name, c->dev->size, c->d.size);
	if (daxdev_map(&c->d, c->dax_off, c->length, &c->m, err))
		return cli_error("%s", err);
	return 0;
}

/* ------------------------------------------------------------ the copy */

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;
static volatile sig_atomic_t stop_sig;	/* SIGINT or SIGTERM: stop after this chunk */

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void on_sigbus(int sig)
{
	if (!bus_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	siglongjmp(bus_jmp, 1);
}

/* What a failure midway says: which side, and that it is incomplete. */
static int incomplete(const struct copy *c, const char *what, uint64_t off, int err)
{
	const char *dst = c->to_dax ? c->dev->name : c->dst;

	daxmap_progress_end(c->pr);
	return cli_error("%s at offset 0x%" PRIx64 ": %s: copied %" PRIu64 " of %" PRIu64
			 " bytes; %s is incomplete", what, off, err ? strerror(err) :
			 "unexpected end of file", c->done, c->length, dst);
}

/* Read or write @n bytes at file offset @off from or to @p, all of them. */
static int file_io(struct copy *c, void *p, uint64_t n, uint64_t off)
{
	uint64_t k = 0;
	ssize_t r;

	while (k < n) {
		if (c->to_dax)
			r = pread(c->fd, (char *)p + k, n - k, (off_t)(off + k));
		else
			r = pwrite(c->fd, (char *)p + k, n - k, (off_t)(off + k));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			/* A write of 0 bytes makes no progress: as good as full. */
			int e = r < 0 ? errno : c->to_dax ? 0 : ENOSPC;
			char what[PATH_MAX + 16];

			snprintf(what, sizeof(what), "%s %s", c->to_dax ? "read" : "write", c->file);
			if (!c->to_dax)
				c->done += k;	/* written, if short */
			return incomplete(c, what, off + k, e);
		}
		k += (uint64_t)r;
	}
	return 0;
}

static int transfer(struct copy *c, struct daxmap_progress *pr)
{
	volatile char *dax = c->m.p;
	uint64_t n;
	int rc;

	c->started = true;
	for (c->done = 0; c->done < c->length; c->done += n) {
		void *io = c->bounce ? c->buf : (void *)(dax + c->done);

		n = c->length - c->done < c->bs ? c->length - c->done : c->bs;
		if (c->bounce && !c->to_dax)
			memcpy(c->buf, (const void *)(dax + c->done), n);
		rc = file_io(c, io, n, c->file_off + c->done);
		if (rc)
			return rc;
		if (c->bounce && c->to_dax)
			memcpy((void *)(dax + c->done), c->buf, n);
		daxmap_progress_update(pr, c->done + n);
		if (stop_sig && c->done + n < c->length) {
			c->done += n;
			daxmap_progress_end(pr);
			return cli_error("interrupted: copied %" PRIu64 " of %" PRIu64
					 " bytes; %s is incomplete", c->done, c->length,
					 c->to_dax ? c->dev->name : c->dst);
		}
	}
	daxmap_progress_end(pr);
	if (!c->to_dax && fdatasync(c->fd))
		return cli_error("fdatasync %s: %s: copied %" PRIu64 " of %" PRIu64
				 " bytes; %s is incomplete", c->dst, strerror(errno), c->done,
				 c->length, c->dst);
	if (c->to_dax)
		daxdev_barrier();
	return 0;
}

/*
 * transfer() timed, with SIGBUS (the device went away) reported and
 * SIGINT/SIGTERM turned into a stop after the current chunk.
 */
static int run(struct copy *c)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	struct sigaction st = { .sa_handler = on_stop }, old_int, old_term;
	static struct daxmap_progress pr;
	static struct daxmap_timer tm;
	int rc;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&st.sa_mask);
	if (sigaction(SIGBUS, &sa, &old) || sigaction(SIGINT, &st, &old_int) ||
	    sigaction(SIGTERM, &st, &old_term))
		return cli_error("sigaction: %s", strerror(errno));
	c->pr = &pr;
	daxmap_progress_init(&pr, "copy", c->length);
	daxmap_timer_start(&tm);
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		daxmap_progress_end(&pr);
		sigaction(SIGBUS, &old, NULL);
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		return cli_error("%s: SIGBUS (the device was disabled, destroyed or unbound"
				 " meanwhile): copied %" PRIu64 " of %" PRIu64 " bytes; %s is"
				 " incomplete", c->dev->name, c->done, c->length,
				 c->to_dax ? c->dev->name : c->dst);
	}
	bus_armed = 1;
	rc = transfer(c, &pr);
	bus_armed = 0;
	daxmap_timer_read(&tm, &c->t);
	daxmap_progress_end(&pr);
	sigaction(SIGBUS, &old, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return rc;
}

static int summary(const struct copy *c)
{
	struct json_writer w;

	json_init(&w, stdout, 0);
	json_object_begin(&w, NULL);
	json_string(&w, "source", c->to_dax ? c->src : c->dev->name);
	json_string(&w, "destination", c->to_dax ? c->dev->name : c->dst);
	json_string(&w, "mode", c->bounce ? "bounce" : "p2p");
	json_u64(&w, "dax_offset", c->dax_off);
	json_u64(&w, "file_offset", c->file_off);
	json_u64(&w, "bytes", c->done);
	json_u64(&w, "bs", c->bs);
	json_double(&w, "seconds", c->t.seconds, 6);
	json_double(&w, "mbps", daxmap_mbps(c->done, c->t.seconds), 1);
	json_double(&w, "user_seconds", c->t.user, 3);
	json_double(&w, "sys_seconds", c->t.sys, 3);
	json_object_end(&w);
	if (json_finish(&w))
		return cli_error("writing the JSON output failed");
	return 0;
}

int cmd_copy(int argc, char **argv, struct daxmap_ctx *ctx)
{
	struct copy c = { .fd = -1, .d = { .fd = -1 } };
	struct daxmap_topo t = { 0 };
	bool src_dax, dst_dax;
	int rc;

	rc = parse(argc, argv, &c);
	if (rc >= 0)
		return rc;
	src_dax = is_dax_arg(ctx, c.src);
	dst_dax = is_dax_arg(ctx, c.dst);
	if (src_dax && dst_dax) {
		char a[PATH_MAX], b[PATH_MAX];
		struct daxmap_filter fa, fb;

		if (!daxmap_parse_filter(ctx, dax_name(c.src, a, sizeof(a)), &fa) &&
		    !daxmap_parse_filter(ctx, dax_name(c.dst, b, sizeof(b)), &fb) &&
		    fa.region_id == fb.region_id && fa.id == fb.id)
			return cli_error("DST %s is the same device as SRC %s", c.dst, c.src);
		return cli_usage_error("SRC and DST are both dax devices: one must be a file"
				       " or block device");
	}
	if (!src_dax && !dst_dax)
		return cli_usage_error("neither SRC nor DST is a dax device (daxX.Y, X.Y or"
				       " /dev/daxX.Y)");
	c.to_dax = dst_dax;
	c.file = c.to_dax ? c.src : c.dst;
	/* A file size limit: EFBIG, reported with the count, not death by SIGXFSZ. */
	signal(SIGXFSZ, SIG_IGN);

	if (daxmap_scan(ctx, &t))
		return daxmap_lib_error(ctx);
	/* The source first: its size is the default length. */
	rc = find_dev(ctx, &t, &c, c.to_dax ? c.dst : c.src);
	if (!rc && c.to_dax)
		rc = open_src_file(&c);
	if (!rc && !c.length_set && !c.to_dax)
		c.length = c.dev->size - c.dax_off;
	if (!rc)
		rc = check_dax_range(&c);
	if (!rc)
		rc = map_dev(ctx, &c);
	if (!rc && c.bounce && posix_memalign(&c.buf, BLOCK, c.bs)) {
		c.buf = NULL;
		rc = cli_error("out of memory for a 0x%" PRIx64 "-byte bounce buffer", c.bs);
	}
	/* The destination last, once nothing else can stop the copy. */
	if (!rc && !c.to_dax)
		rc = open_dst_file(&c);
	if (!rc)
		rc = run(&c);
	/* Refused before the first byte: no empty file left behind. */
	if (rc && c.created && !c.started)
		unlink(c.dst);
	if (!rc)
		rc = summary(&c);
	free(c.buf);
	if (c.fd >= 0)
		close(c.fd);
	daxdev_unmap(&c.m);
	daxdev_close(&c.d);
	daxmap_topo_free(&t);
	return rc;
}
