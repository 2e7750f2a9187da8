// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap bench: what a p2pdax device's mapping costs and delivers, on this
 * machine and kernel:
 *
 *   first touch  a fresh mapping of the range, one byte stored into each
 *                alignment unit: the minor faults (getrusage) and the time
 *                per fault; once per iteration, each with a new mapping
 *   read         64-bit loads over the range, through the mapping
 *   write        64-bit plain stores over the range
 *   write-nt     64-bit non-temporal stores (movnti) and one sfence
 *   with --peer-dev, between the range and [P, P+S) of a file or block
 *   device opened O_DIRECT, each way:
 *     p2p        the mapping itself is the I/O buffer (the peer's DMA goes
 *                to or from the BAR)
 *     bounce     through a RAM buffer of --bs bytes (memcpy to or from the
 *                mapping)
 *
 * Each figure is the sum over the iterations: bytes moved, wall seconds,
 * user and system CPU seconds of this process (getrusage), MB/s = 10^6
 * bytes per second. The stores leave a word pattern in the range (tag ^
 * device offset), which the copies carry to the peer and back: after each
 * peer-to-dax copy the range is checked, after being cleared before it, so a
 * copy that moved nothing cannot pass.
 *
 * Everything needed to repeat a run (device, range, alignment, block size,
 * iterations, peer, kernel, the command line) is in the output, a table by
 * default, JSON with --json.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/fs.h>

#if defined(__x86_64__) || defined(__i386__)
#include <emmintrin.h>
#define HAVE_MOVNTI	1
#else
#define HAVE_MOVNTI	0
#endif

#include "builtin.h"

#define BENCH_PAGE		4096u
#define BENCH_DEFAULT_SIZE	(256ull << 20)
#define BENCH_DEFAULT_BS	(1ull << 20)
#define BENCH_DEFAULT_ITER	3
#define BENCH_MAX_ITER		1000
#define BENCH_TAG		0x6461786d61706263ull	/* "daxmapbc" */

static const char usage_text[] =
"usage: daxmap bench DEVICE [--json] [--size S] [--offset O]\n"
"                    [--peer-dev PATH] [--peer-offset P] [--iterations N] [--bs SIZE]\n"
"\n"
"  Measure the mapping of DEVICE (daxX.Y, X.Y or /dev/daxX.Y, a p2pdax device):\n"
"  first-touch faults of a fresh mapping (one byte stored per alignment unit),\n"
"  read bandwidth (64-bit loads), write bandwidth with plain and with\n"
"  non-temporal (movnti) stores; with --peer-dev also O_DIRECT copies between\n"
"  the mapping and PATH each way, with the mapping as the I/O buffer (p2p)\n"
"  and through a RAM buffer (bounce), with the CPU time each took.\n"
"\n"
"  THIS OVERWRITES [O, O+S) OF DEVICE, and with --peer-dev [P, P+S) of PATH.\n"
"  A range past the end of either is refused before anything is written.\n"
"\n"
"  --json            JSON on stdout instead of the table\n"
"  --size S          bytes to measure, a multiple of the device's alignment\n"
"                    (default: the device from O on, at most 256 MiB, at\n"
"                    least one alignment unit)\n"
"  --offset O        device offset to start at, a multiple of the alignment\n"
"                    (default 0)\n"
"  --peer-dev PATH   a block device (opened O_EXCL) or regular file to copy to\n"
"                    and from (O_DIRECT)\n"
"  --peer-offset P   offset in PATH, a multiple of 4096 (default 0)\n"
"  --iterations N    runs of each measurement, 1 to 1000 (default 3);\n"
"                    figures are over all of them\n"
"  --bs SIZE         bytes per read/write call of the copies, a multiple of\n"
"                    4096 (default 1M)\n"
"  -h, --help        this text\n"
"  -V, --version     the version\n"
"\n"
"Numbers are " PARSE_U64_FORMS ". MB/s is 10^6 bytes per second;\n"
"CPU seconds are this process's user and system time (getrusage).\n"
"Exit status: 0 done, 1 failure (one line on stderr), 2 usage error.\n";

enum {
	OPT_JSON = 0x100, OPT_SIZE, OPT_OFFSET, OPT_PEER, OPT_PEER_OFFSET,
	OPT_ITER, OPT_BS,
};

/* One measurement: totals over the iterations. */
struct bench_fig {
	const char *key;	/* JSON key */
	const char *label;	/* table row */
	bool done;
	uint64_t bytes;
	double seconds, user, sys;
};

enum {
	FIG_TOUCH, FIG_READ, FIG_WRITE, FIG_WRITE_NT,
	FIG_D2P_P2P, FIG_D2P_BOUNCE, FIG_P2D_P2P, FIG_P2D_BOUNCE,
	NR_FIGS
};

struct bench {
	/* What was asked. */
	const char *device_arg;
	bool json, has_size;
	uint64_t size, offset, iterations, bs;
	const char *peer;
	uint64_t peer_offset;
	char *cmdline;
	/* What was found. */
	struct daxmap_dev *dev;
	struct daxmap_region *region;
	char node[PATH_MAX];
	struct utsname uts;
	uint64_t peer_size;
	const char *peer_kind;		/* "block device", "file" */
	bool fault_exact;		/* mlockall() worked: only the mapping faults */
	/* What was measured. */
	long faults_min, faults_max;	/* per touch */
	uint64_t faults_total;
	uint64_t reads_sum;		/* keeps the loads */
	struct bench_fig fig[NR_FIGS];
};

static void bench_init_figs(struct bench *b)
{
	static const char *const keys[NR_FIGS][2] = {
		[FIG_TOUCH] = { "first_touch", "first touch" },
		[FIG_READ] = { "read", "read, 64-bit loads" },
		[FIG_WRITE] = { "write", "write, 64-bit stores" },
		[FIG_WRITE_NT] = { "write_nt", "write, non-temporal" },
		[FIG_D2P_P2P] = { "dax_to_peer_p2p", "dax -> peer, p2p" },
		[FIG_D2P_BOUNCE] = { "dax_to_peer_bounce", "dax -> peer, bounce" },
		[FIG_P2D_P2P] = { "peer_to_dax_p2p", "peer -> dax, p2p" },
		[FIG_P2D_BOUNCE] = { "peer_to_dax_bounce", "peer -> dax, bounce" },
	};
	int i;

	for (i = 0; i < NR_FIGS; i++) {
		b->fig[i].key = keys[i][0];
		b->fig[i].label = keys[i][1];
	}
}

static void fig_add(struct bench_fig *f, uint64_t bytes, const struct daxmap_times *t)
{
	f->done = true;
	f->bytes += bytes;
	f->seconds += t->seconds;
	f->user += t->user;
	f->sys += t->sys;
}

/* ------------------------------------------------------- the command line */

/* @s as one shell word: as it is if it needs no quotes, else '...'. */
static size_t shell_word(char *out, const char *s)
{
	size_t n = 0;
	const char *c;
	bool plain = *s != '\0';

	for (c = s; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_-./:=,+@%", *c))
			plain = false;
	if (plain) {
		if (out)
			memcpy(out, s, strlen(s));
		return strlen(s);
	}
	if (out)
		out[n] = '\'';
	n++;
	for (c = s; *c; c++) {
		if (*c == '\'') {
			if (out)
				memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			if (out)
				out[n] = *c;
			n++;
		}
	}
	if (out)
		out[n] = '\'';
	return n + 1;
}

/* "daxmap [--sysroot DIR] bench ARGS...", quoted so a shell can run it again. */
static char *command_line(int argc, char **argv, const struct daxmap_ctx *ctx)
{
	const char *root = daxmap_has_root(ctx) ? ctx->root : NULL;
	size_t len = strlen("daxmap") + 1, at;
	char *s;
	int i;

	if (root)
		len += strlen(" --sysroot ") + shell_word(NULL, root);
	for (i = 0; i < argc; i++)
		len += 1 + shell_word(NULL, argv[i]);
	s = malloc(len);
	if (!s)
		return NULL;
	at = (size_t)sprintf(s, "daxmap");
	if (root) {
		at += (size_t)sprintf(s + at, " --sysroot ");
		at += shell_word(s + at, root);
	}
	for (i = 0; i < argc; i++) {
		s[at++] = ' ';
		at += shell_word(s + at, argv[i]);
	}
	s[at] = '\0';
	return s;
}

/*
 * The options and DEVICE into @b. Return: true if the command ends here
 * (help, version, a usage error) with exit status *@status.
 */
static bool parse_args(struct bench *b, int argc, char **argv, int *status)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ "peer-dev", required_argument, NULL, OPT_PEER },
		{ "peer-offset", required_argument, NULL, OPT_PEER_OFFSET },
		{ "iterations", required_argument, NULL, OPT_ITER },
		{ "bs", required_argument, NULL, OPT_BS },
		DAXMAP_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	bool has_peer_offset = false;
	int c, rc = 0;

	*status = 0;
	b->iterations = BENCH_DEFAULT_ITER;
	b->bs = BENCH_DEFAULT_BS;
	while ((c = daxmap_getopt(argc, argv, DAXMAP_COMMON_SHORT, longopts, usage_text,
				  status)) != DAXMAP_OPT_END) {
		switch (c) {
		case DAXMAP_OPT_EXIT:
			return true;
		case OPT_JSON:
			b->json = true;
			break;
		case OPT_SIZE:
			rc = daxmap_get_num("--size", optarg, &b->size);
			b->has_size = true;
			break;
		case OPT_OFFSET:
			rc = daxmap_get_num("--offset", optarg, &b->offset);
			break;
		case OPT_PEER:
			if (*optarg)
				b->peer = optarg;
			else
				rc = cli_usage_error("--peer-dev needs a path");
			break;
		case OPT_PEER_OFFSET:
			rc = daxmap_get_num("--peer-offset", optarg, &b->peer_offset);
			has_peer_offset = true;
			break;
		case OPT_ITER:
			rc = daxmap_get_num("--iterations", optarg, &b->iterations);
			break;
		case OPT_BS:
			rc = daxmap_get_num("--bs", optarg, &b->bs);
			break;
		default:
			rc = cli_usage_error("unknown option");
			break;
		}
		if (rc)
			goto usage;
	}
	if (optind == argc)
		rc = cli_usage_error("no DEVICE");
	else if (optind + 1 < argc)
		rc = cli_usage_error("one DEVICE only: unexpected argument '%s'", argv[optind + 1]);
	else if (b->has_size && !b->size)
		rc = cli_usage_error("--size must not be 0");
	else if (!b->iterations || b->iterations > BENCH_MAX_ITER)
		rc = cli_usage_error("--iterations %" PRIu64 " is not 1 to %d", b->iterations,
				     BENCH_MAX_ITER);
	else if (!b->bs || b->bs % BENCH_PAGE || b->bs > (1ull << 30))
		rc = cli_usage_error("--bs %" PRIu64 " is not a non-zero multiple of 4096 of at most 1G",
				     b->bs);
	else if (has_peer_offset && !b->peer)
		rc = cli_usage_error("--peer-offset needs --peer-dev");
	else if (b->peer_offset % BENCH_PAGE)
		rc = cli_usage_error("--peer-offset %#" PRIx64 " is not a multiple of 4096 (O_DIRECT)",
				     b->peer_offset);
	if (rc)
		goto usage;
	b->device_arg = argv[optind];
	return false;
usage:
	*status = rc;
	return true;
}

/* ------------------------------------------------------ device and peer */

/* The device, its range and alignment: every refusal before anything is written. */
static int find_device(struct bench *b, struct daxmap_ctx *ctx, struct daxmap_topo *t)
{
	uint64_t align, avail;
	int rc;

	if (daxmap_scan(ctx, t))
		return daxmap_lib_error(ctx);
	rc = daxmap_lookup_p2p(ctx, t, b->device_arg, &b->dev, &b->region);
	/* Not a device name at all is a usage error, as for the other commands. */
	if (rc == -EINVAL)
		return cli_usage_error("%s", ctx->err);
	if (rc || daxmap_dev_usable(ctx, b->dev))
		return daxmap_lib_error(ctx);
	if (!daxmap_dev_node(ctx, b->dev, b->node))
		return daxmap_lib_error(ctx);
	align = b->dev->align ? b->dev->align : BENCH_PAGE;
	if (b->offset % align)
		return cli_error("--offset %#" PRIx64 " is not a multiple of %s's alignment %#" PRIx64,
				 b->offset, b->dev->name, align);
	if (b->offset >= b->dev->size)
		return cli_error("--offset %#" PRIx64 " is at or past the end of %s (size %#" PRIx64 ")",
				 b->offset, b->dev->name, b->dev->size);
	avail = b->dev->size - b->offset;
	if (!b->has_size) {
		b->size = avail < BENCH_DEFAULT_SIZE ? avail : BENCH_DEFAULT_SIZE;
		b->size -= b->size % align;
		if (!b->size)
			b->size = align;
	}
	if (b->size % align)
		return cli_error("--size %#" PRIx64 " is not a multiple of %s's alignment %#" PRIx64,
				 b->size, b->dev->name, align);
	if (b->size > avail)
		return cli_error("range %#" PRIx64 "+%#" PRIx64 " is past the end of %s (size %#" PRIx64 ")",
				 b->offset, b->size, b->dev->name, b->dev->size);
	if (b->size > SIZE_MAX / 2)
		return cli_error("--size %#" PRIx64 " is too large to map", b->size);
	return 0;
}

/* Open the peer O_DIRECT and check [P, P+S) lies inside it. Return: fd or -1. */
static int open_peer(struct bench *b)
{
	struct stat st;
	int fd, ro = 0, excl;

	/* Not a FIFO or the like: open() would wait for a writer. */
	if (stat(b->peer, &st)) {
		cli_error("--peer-dev %s: %s", b->peer, strerror(errno));
		return -1;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
		cli_error("--peer-dev %s: not a block device or a regular file", b->peer);
		return -1;
	}
	/* A block device exclusively: EBUSY if mounted or held. */
	excl = S_ISBLK(st.st_mode) ? O_EXCL : 0;
	fd = open(b->peer, O_RDWR | O_DIRECT | O_CLOEXEC | excl);
	if (fd < 0) {
		cli_error("--peer-dev %s: open O_RDWR|O_DIRECT%s: %s%s", b->peer,
			  excl ? "|O_EXCL" : "", strerror(errno),
			  excl && errno == EBUSY ? " (mounted or held by another user)" : "");
		return -1;
	}
	if (fstat(fd, &st)) {
		cli_error("--peer-dev %s: fstat: %s", b->peer, strerror(errno));
		goto fail;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &b->peer_size)) {
			cli_error("--peer-dev %s: BLKGETSIZE64: %s", b->peer, strerror(errno));
			goto fail;
		}
		b->peer_kind = "block device";
		/*
		 * A read-only block device opens read-write all the same and
		 * fails only the first write: refuse it before the device's
		 * range is overwritten by the measurements that come first.
		 */
		if (ioctl(fd, BLKROGET, &ro)) {
			cli_error("--peer-dev %s: BLKROGET: %s", b->peer, strerror(errno));
			goto fail;
		}
		if (ro) {
			cli_error("--peer-dev %s is read-only (blockdev --setro): bench writes to it",
				  b->peer);
			goto fail;
		}
	} else if (S_ISREG(st.st_mode)) {
		b->peer_size = (uint64_t)st.st_size;
		b->peer_kind = "file";
	} else {
		cli_error("--peer-dev %s: not a block device or a regular file", b->peer);
		goto fail;
	}
	if (b->peer_offset > b->peer_size || b->size > b->peer_size - b->peer_offset) {
		cli_error("--peer-dev %s: range %#" PRIx64 "+%#" PRIx64
			  " is past the end of the %s (size %#" PRIx64 ")",
			  b->peer, b->peer_offset, b->size, b->peer_kind, b->peer_size);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* ------------------------------------------------------------ measuring */

static sigjmp_buf bench_jmp;
static volatile sig_atomic_t bench_sig;
static void *volatile bench_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	bench_sig = sig;
	bench_addr = si->si_addr;
	siglongjmp(bench_jmp, 1);
}

static long minflt(void)
{
	struct rusage ru;

	/* Cannot fail with RUSAGE_SELF and a valid pointer. */
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static inline uint64_t stamp(uint64_t off)
{
	return BENCH_TAG ^ off;
}

/*
 * First touch: a new mapping of the range, one byte stored at the start of
 * each alignment unit, in address order. Nothing else may fault in between:
 * the program is mlockall()ed before (see cmd_bench()).
 */
static int bench_touch(struct bench *b, struct daxdev *dd)
{
	struct bench_fig *f = &b->fig[FIG_TOUCH];
	char err[DAXDEV_ERRLEN];
	struct daxmap_timer tm;
	struct daxmap_times t;
	struct daxmap m;
	uint64_t it, off;
	long f0, f1;

	for (it = 0; it < b->iterations; it++) {
		if (daxdev_map(dd, b->offset, b->size, &m, err))
			return cli_error("%s", err);
		f0 = minflt();
		daxmap_timer_start(&tm);
		for (off = 0; off < b->size; off += dd->align)
			m.p[off] = 1;
		daxmap_timer_read(&tm, &t);
		f1 = minflt();
		daxdev_unmap(&m);
		fig_add(f, b->size, &t);
		if (!it || f1 - f0 < b->faults_min)
			b->faults_min = f1 - f0;
		if (!it || f1 - f0 > b->faults_max)
			b->faults_max = f1 - f0;
		b->faults_total += (uint64_t)(f1 - f0);
	}
	return 0;
}

static void bench_read(struct bench *b, volatile char *p)
{
	const volatile uint64_t *w = (const volatile uint64_t *)p;
	uint64_t i, n = b->size / 8, it, sum = 0;
	struct daxmap_timer tm;
	struct daxmap_times t;

	for (it = 0; it < b->iterations; it++) {
		daxmap_timer_start(&tm);
		for (i = 0; i < n; i++)
			sum += w[i];
		daxmap_timer_read(&tm, &t);
		fig_add(&b->fig[FIG_READ], b->size, &t);
	}
	b->reads_sum = sum;
}

static void bench_write(struct bench *b, volatile char *p)
{
	volatile uint64_t *w = (volatile uint64_t *)p;
	uint64_t i, n = b->size / 8, it;
	struct daxmap_timer tm;
	struct daxmap_times t;

	for (it = 0; it < b->iterations; it++) {
		daxmap_timer_start(&tm);
		for (i = 0; i < n; i++)
			w[i] = stamp(b->offset + i * 8);
		daxdev_barrier();
		daxmap_timer_read(&tm, &t);
		fig_add(&b->fig[FIG_WRITE], b->size, &t);
	}
}

static void bench_write_nt(struct bench *b, volatile char *p)
{
#if HAVE_MOVNTI
	long long *w = (long long *)(uintptr_t)p;
	uint64_t i, n = b->size / 8, it;
	struct daxmap_timer tm;
	struct daxmap_times t;

	for (it = 0; it < b->iterations; it++) {
		daxmap_timer_start(&tm);
		for (i = 0; i < n; i++)
			_mm_stream_si64(&w[i], (long long)stamp(b->offset + i * 8));
		_mm_sfence();
		daxmap_timer_read(&tm, &t);
		fig_add(&b->fig[FIG_WRITE_NT], b->size, &t);
	}
#else
	(void)b;
	(void)p;
#endif
}

/* Zero the range (not measured): a copy into it must bring the stamps back. */
static void clear_range(struct bench *b, volatile char *p)
{
	volatile uint64_t *w = (volatile uint64_t *)p;
	uint64_t i;

	for (i = 0; i < b->size / 8; i++)
		w[i] = 0;
	daxdev_barrier();
}

static int check_range(struct bench *b, volatile char *p, const char *what)
{
	const volatile uint64_t *w = (const volatile uint64_t *)p;
	uint64_t i, bad = 0, first = 0;

	for (i = 0; i < b->size / 8; i++) {
		if (w[i] == stamp(b->offset + i * 8))
			continue;
		if (!bad++)
			first = b->offset + i * 8;
	}
	if (bad)
		return cli_error("%s: %s does not hold the words written: first bad offset %#" PRIx64
				 ", %" PRIu64 " bad words", what, b->dev->name, first, bad);
	return 0;
}

/* pwrite or pread all of @len between @buf and the peer at @pos. */
static int peer_io(struct bench *b, int fd, bool to_peer, void *buf, uint64_t len, uint64_t pos)
{
	uint64_t done = 0;
	ssize_t n;

	while (done < len) {
		if (to_peer)
			n = pwrite(fd, (char *)buf + done, len - done, (off_t)(pos + done));
		else
			n = pread(fd, (char *)buf + done, len - done, (off_t)(pos + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cli_error("%s %s at %#" PRIx64 ", %#" PRIx64 " bytes: %s",
					 to_peer ? "pwrite to" : "pread from", b->peer, pos + done,
					 len - done, n ? strerror(errno) : "end of file");
		done += (uint64_t)n;
	}
	return 0;
}

/*
 * One copy figure: dax to peer (@to_peer) or back, p2p (@bounce NULL: the
 * mapping is the buffer) or through @bounce. A copy to the peer ends with
 * fdatasync(), inside the timing.
 */
static int bench_copy(struct bench *b, int fd, volatile char *p, bool to_peer, char *bounce,
		      int fig)
{
	struct daxmap_timer tm;
	struct daxmap_times t;
	uint64_t it, at, n;
	char *dax;

	for (it = 0; it < b->iterations; it++) {
		daxmap_timer_start(&tm);
		for (at = 0; at < b->size; at += n) {
			n = b->size - at < b->bs ? b->size - at : b->bs;
			dax = (char *)(uintptr_t)(p + at);
			if (!bounce) {
				if (peer_io(b, fd, to_peer, dax, n, b->peer_offset + at))
					return CLI_EXIT_FAIL;
			} else if (to_peer) {
				memcpy(bounce, dax, n);
				if (peer_io(b, fd, true, bounce, n, b->peer_offset + at))
					return CLI_EXIT_FAIL;
			} else {
				if (peer_io(b, fd, false, bounce, n, b->peer_offset + at))
					return CLI_EXIT_FAIL;
				memcpy(dax, bounce, n);
			}
		}
		if (to_peer && fdatasync(fd))
			return cli_error("fdatasync %s: %s", b->peer, strerror(errno));
		daxdev_barrier();
		daxmap_timer_read(&tm, &t);
		fig_add(&b->fig[fig], b->size, &t);
	}
	return 0;
}

static int bench_peer(struct bench *b, int fd, volatile char *p)
{
	char *bounce;
	int rc;

	/* In RAM, faulted in before anything is timed. */
	bounce = aligned_alloc(BENCH_PAGE, b->bs);
	if (!bounce)
		return cli_error("out of memory for a %#" PRIx64 "-byte bounce buffer", b->bs);
	memset(bounce, 0, b->bs);

	rc = bench_copy(b, fd, p, true, NULL, FIG_D2P_P2P);
	if (!rc)
		rc = bench_copy(b, fd, p, true, bounce, FIG_D2P_BOUNCE);
	if (!rc) {
		clear_range(b, p);
		rc = bench_copy(b, fd, p, false, NULL, FIG_P2D_P2P);
	}
	if (!rc)
		rc = check_range(b, p, "after the p2p copies");
	if (!rc) {
		clear_range(b, p);
		rc = bench_copy(b, fd, p, false, bounce, FIG_P2D_BOUNCE);
	}
	if (!rc)
		rc = check_range(b, p, "after the bounce copies");
	free(bounce);
	return rc;
}

/* ---------------------------------------------------------------- output */

static double mbps(const struct bench_fig *f)
{
	return daxmap_mbps(f->bytes, f->seconds);
}

static double ns_per_fault(const struct bench *b)
{
	const struct bench_fig *f = &b->fig[FIG_TOUCH];

	return b->faults_total ? f->seconds * 1e9 / (double)b->faults_total : 0;
}

static uint64_t faults_expected(const struct bench *b)
{
	return b->size / (b->dev->align ? b->dev->align : BENCH_PAGE);
}

static void print_json(const struct bench *b)
{
	const struct bench_fig *f;
	struct json_writer w;
	int i;

	json_init(&w, stdout, 0);
	json_object_begin(&w, NULL);
	json_string(&w, "device", b->dev->name);
	json_string(&w, "chardev", b->dev->name);
	json_string(&w, "path", b->node);
	json_u64(&w, "region", b->region->id);
	json_string(&w, "pci", daxmap_region_pci(b->region));
	json_i64(&w, "bar", b->region->bar);
	json_string(&w, "caching", b->region->caching);
	json_u64(&w, "size", b->size);
	json_u64(&w, "offset", b->offset);
	json_u64(&w, "align", b->dev->align);
	json_u64(&w, "bs", b->bs);
	json_u64(&w, "iterations", b->iterations);
	if (b->peer) {
		json_string(&w, "peer_dev", b->peer);
		json_u64(&w, "peer_offset", b->peer_offset);
		json_string(&w, "peer_kind", b->peer_kind);
		json_u64(&w, "peer_size", b->peer_size);
	} else {
		json_null(&w, "peer_dev");
		json_null(&w, "peer_offset");
	}
	json_string(&w, "kernel", b->uts.release);
	json_string(&w, "machine", b->uts.machine);
	json_string(&w, "command", b->cmdline);

	for (i = 0; i < NR_FIGS; i++) {
		f = &b->fig[i];
		if (!f->done)
			continue;
		json_object_begin(&w, f->key);
		json_u64(&w, "bytes", f->bytes);
		json_double(&w, "seconds", f->seconds, 6);
		if (i == FIG_TOUCH) {
			json_u64(&w, "faults", b->faults_total / b->iterations);
			json_u64(&w, "faults_min", (uint64_t)b->faults_min);
			json_u64(&w, "faults_max", (uint64_t)b->faults_max);
			json_u64(&w, "faults_expected", faults_expected(b));
			json_bool(&w, "faults_exact", b->fault_exact);
			json_double(&w, "ns_per_fault", ns_per_fault(b), 1);
			json_double(&w, "seconds_per_touch", f->seconds / (double)b->iterations, 6);
		} else {
			json_double(&w, "mbps", mbps(f), 1);
		}
		json_double(&w, "user_seconds", f->user, 3);
		json_double(&w, "sys_seconds", f->sys, 3);
		json_object_end(&w);
	}
	if (!b->fig[FIG_WRITE_NT].done)
		json_null(&w, "write_nt");
	json_object_end(&w);
	json_finish(&w);
}

static void print_table(const struct bench *b)
{
	static const char fmt[] = "%-22s %12s %10s %9s %8s %8s%s%s\n";
	const struct bench_fig *f;
	char bytes[32], secs[32], rate[32], user[32], sys[32], note[128];
	int i;

	printf("daxmap bench: %s (%s, region %u, %s BAR%d, %s), kernel %s %s\n",
	       b->dev->name, b->node, b->region->id, daxmap_region_pci(b->region), b->region->bar,
	       b->region->caching, b->uts.release, b->uts.machine);
	printf("range: offset %#" PRIx64 " size %#" PRIx64 " (%" PRIu64 " bytes), align %#" PRIx64
	       ", bs %#" PRIx64 ", iterations %" PRIu64 "\n",
	       b->offset, b->size, b->size, b->dev->align, b->bs, b->iterations);
	if (b->peer)
		printf("peer: %s (%s, size %#" PRIx64 ") at offset %#" PRIx64 ", O_DIRECT\n",
		       b->peer, b->peer_kind, b->peer_size, b->peer_offset);
	else
		printf("peer: none (no --peer-dev)\n");
	printf("command: %s\n\n", b->cmdline);
	printf(fmt, "measurement", "bytes", "seconds", "MB/s", "user s", "sys s", "", "");
	for (i = 0; i < NR_FIGS; i++) {
		f = &b->fig[i];
		if (!f->done) {
			if (i == FIG_WRITE_NT)
				printf(fmt, f->label, "-", "-", "-", "-", "-", "  ",
				       "no movnti on this architecture");
			continue;
		}
		snprintf(bytes, sizeof(bytes), "%" PRIu64, f->bytes);
		snprintf(secs, sizeof(secs), "%.4f", f->seconds);
		snprintf(user, sizeof(user), "%.3f", f->user);
		snprintf(sys, sizeof(sys), "%.3f", f->sys);
		note[0] = '\0';
		if (i == FIG_TOUCH) {
			snprintf(rate, sizeof(rate), "-");
			snprintf(note, sizeof(note),
				 "%" PRIu64 " faults per touch (size/align %" PRIu64 "%s), %.0f ns per fault",
				 b->faults_total / b->iterations, faults_expected(b),
				 b->fault_exact ? "" : ", not mlocked: may include others",
				 ns_per_fault(b));
		} else {
			snprintf(rate, sizeof(rate), "%.1f", mbps(f));
		}
		printf(fmt, f->label, bytes, secs, rate, user, sys, note[0] ? "  " : "", note);
	}
	printf("\nFigures are totals over %" PRIu64 " iteration(s); MB/s = 10^6 bytes/s; "
	       "user s, sys s: CPU seconds of daxmap (getrusage).\n", b->iterations);
}

/* --------------------------------------------------------------- command */

int cmd_bench(int argc, char **argv, struct daxmap_ctx *ctx)
{
	struct sigaction sa = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	static struct bench b;	/* static: survives siglongjmp() */
	char err[DAXDEV_ERRLEN], sysfs[PATH_MAX];
	static struct daxmap_topo topo;
	static struct daxdev dd = { .fd = -1 };
	static struct daxmap m = { .base = MAP_FAILED };
	static int peer_fd = -1;
	static int rc;

	memset(&b, 0, sizeof(b));
	bench_init_figs(&b);
	/* Before getopt_long() permutes @argv: the command as it was typed. */
	b.cmdline = command_line(argc, argv, ctx);
	if (!b.cmdline)
		return cli_error("out of memory");
	if (parse_args(&b, argc, argv, &rc)) {
		free(b.cmdline);
		return rc;
	}
	uname(&b.uts);

	/* Every refusal comes before anything is written. */
	rc = find_device(&b, ctx, &topo);
	if (rc)
		goto out;
	if (!daxmap_path(ctx, sysfs, "/sys")) {
		rc = daxmap_lib_error(ctx);
		goto out;
	}
	if (daxdev_open_at(&dd, sysfs, b.node, daxmap_has_root(ctx) ? DAXDEV_ALLOW_FILE : 0,
			   err)) {
		rc = cli_error("%s", err);
		goto out;
	}
	if (dd.size != b.dev->size || (b.dev->align && dd.align != b.dev->align)) {
		rc = cli_error("%s changed while it was being looked up (size %#" PRIx64
			       ", align %#" PRIx64 " now)", b.dev->name, dd.size, dd.align);
		goto out;
	}
	if (b.peer) {
		peer_fd = open_peer(&b);
		if (peer_fd < 0) {
			rc = CLI_EXIT_FAIL;
			goto out;
		}
	}

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) || sigaction(SIGSEGV, &sa, NULL)) {
		rc = cli_error("sigaction: %s", strerror(errno));
		goto out;
	}
	if (sigsetjmp(bench_jmp, 1)) {
		rc = cli_error("%s at %p while measuring %s (the device went away?)",
			       bench_sig == SIGBUS ? "SIGBUS" : "SIGSEGV", bench_addr,
			       b.dev->name);
		goto out;
	}

	/*
	 * Only the mapping may fault while the first touch is counted: lock
	 * this program's text, data, libraries and stack in now (not what is
	 * mapped later), and read the clock once for the vDSO.
	 */
	b.fault_exact = !mlockall(MCL_CURRENT);
	daxmap_now();
	rc = bench_touch(&b, &dd);
	if (rc)
		goto out;

	/* One mapping for the rest, faulted in before anything is timed. */
	if (daxdev_map(&dd, b.offset, b.size, &m, err)) {
		rc = cli_error("%s", err);
		goto out;
	}
	clear_range(&b, m.p);
	bench_read(&b, m.p);
	bench_write(&b, m.p);
	bench_write_nt(&b, m.p);
	rc = check_range(&b, m.p, "after the stores") ? CLI_EXIT_FAIL : 0;
	if (!rc && b.peer)
		rc = bench_peer(&b, peer_fd, m.p);
	if (rc)
		goto out;

	if (b.json)
		print_json(&b);
	else
		print_table(&b);
	if (fflush(stdout) || ferror(stdout))
		rc = cli_error("stdout: %s", strerror(errno));
out:
	/* No jump back into this frame once it is gone. */
	signal(SIGBUS, SIG_DFL);
	signal(SIGSEGV, SIG_DFL);
	daxdev_unmap(&m);
	daxdev_close(&dd);
	if (peer_fd >= 0)
		close(peer_fd);
	peer_fd = -1;
	daxmap_topo_free(&topo);
	free(b.cmdline);
	return rc;
}
