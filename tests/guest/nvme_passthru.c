// SPDX-License-Identifier: GPL-2.0
/*
 * nvme_passthru - NVMe passthrough ioctls whose data buffer lies in a
 * /dev/daxX.Y mapping of BAR memory, as the consumers suite
 * (tests/consumers/passthru.sh) runs them in the QEMU guest.
 *
 * What it proves: the kernel's NVMe passthrough ioctls take a user address
 * for the data (struct nvme_passthru_cmd{,64}.addr, struct
 * nvme_user_io.addr) and map it with blk_rq_map_user_io(); a page-aligned
 * buffer in the mapping is pinned like RAM (device-dax pages are
 * MEMORY_DEVICE_GENERIC struct pages) and the controller DMAs straight to
 * and from the BAR: with an aligned buffer, blk_rq_map_user_iov() takes the
 * bio_map_user_iov() path (no bounce copy) and fails, rather than copying,
 * if the pages cannot be pinned.
 *   - id-ctrl: Identify Controller (admin opcode 0x06, CNS 1) through
 *     NVME_IOCTL_ADMIN_CMD or NVME_IOCTL_ADMIN64_CMD (-6) on /dev/nvmeX; the
 *     4096 bytes are saved for comparison with nvme-cli's "id-ctrl -b".
 *   - write/read: NVM Write (0x01) and Read (0x02) through
 *     NVME_IOCTL_IO_CMD (on /dev/nvmeXnY or /dev/ngXnY),
 *     NVME_IOCTL_IO64_CMD (-6) or the old NVME_IOCTL_SUBMIT_IO (-l). The
 *     data is the pattern of tools/daxmap/lib/pattern.h with pattern offsets
 *     = namespace byte offsets, checked here after a read and by the host in
 *     the NVMe image and in the file behind the BAR.
 * The same through io_uring (IORING_OP_URING_CMD) is uring_p2p's nvme-*
 * commands, which link liburing.
 *
 * BUFDEV "anon" puts the buffer in anonymous memory instead: for the
 * permission tests, run as a user that cannot open the dax device.
 *
 * Failures print "error=ENAME at=STEP" (an errno and where it came from:
 * "open" of the NVMe node, "ioctl" on it, "dax" opening or mapping BUFDEV,
 * "mmap" of the anonymous buffer) or "nvme_status=0x..." (the controller's
 * status) on stdout, and one line saying what failed on stderr. The
 * consumers suite tells a node's permissions (at=open) from the ioctls' own
 * policy (at=ioctl) that way.
 * Exit status: 0 ok, 1 failure, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>

#include "pattern.h"
#include "cli.h"
#include "daxdev.h"
#include "numparse.h"
#include "nvme_common.h"

#define DEF_CHUNK	(128u << 10)

static const char usage_text[] =
"usage: nvme_passthru COMMAND [OPTIONS] ARGS...\n"
"\n"
"  id-ctrl [-6] CTRLDEV BUFDEV BUFOFF OUTFILE\n"
"        Identify Controller into the buffer; save its 4096 bytes in OUTFILE\n"
"        (\"-\": do not save); print sn= and mn=\n"
"  write [-6|-l] [-s LBASIZE] [-c CHUNK] NSDEV BUFDEV BUFOFF NSOFF LEN SEED\n"
"        fill the buffer with the pattern SEED (pattern offsets NSOFF...) and\n"
"        write it to the namespace at byte offset NSOFF, CHUNK per command\n"
"  read [-6|-l] [-s LBASIZE] [-c CHUNK] NSDEV BUFDEV BUFOFF NSOFF LEN SEED\n"
"        zero the buffer, read the namespace at NSOFF into it, check the\n"
"        pattern SEED\n"
"\n"
"  -6  NVME_IOCTL_ADMIN64_CMD / NVME_IOCTL_IO64_CMD (default: the 32-bit\n"
"      result forms NVME_IOCTL_ADMIN_CMD / NVME_IOCTL_IO_CMD)\n"
"  -l  NVME_IOCTL_SUBMIT_IO (struct nvme_user_io)\n"
"  -s  logical block size: must be the namespace's (BLKSSZGET of a block\n"
"      device, Identify Namespace of /dev/ngXnY); default: the namespace's\n"
"  -c  bytes per command (default 128K; at most the controller's MDTS)\n"
"\n"
"BUFDEV is a /dev/daxX.Y and BUFOFF a device offset (multiple of 4096), or\n"
"BUFDEV is \"anon\" (anonymous memory; BUFOFF is ignored). NSOFF and LEN are\n"
"multiples of LBASIZE, LEN of CHUNK. Numbers are " PARSE_U64_FORMS ".\n"
"Exit status: 0 ok, 1 failure (\"error=ENAME at=open|ioctl|dax|mmap\" or\n"
"\"nvme_status=0x...\" on stdout), 2 usage error.\n";

enum mode { M_IOCTL, M_IOCTL64, M_LEGACY };

struct opts {
	enum mode mode;
	uint64_t lbasize;	/* 0: ask the device */
	uint64_t chunk;
};

/* The data buffer: a dax mapping or anonymous memory. */
struct buf {
	struct daxdev dax;
	struct daxmap map;
	bool anon;
	char *p;
	uint64_t len;
};

/*
 * Say that @what failed with @err at step @at (see the top of this file):
 * "error=ENAME at=STEP" on stdout, why on stderr.
 */
static int fail_errno(int err, const char *at, const char *what)
{
	printf("error=%s at=%s\n", ename(err), at);
	return cli_error("%s: %s", what, strerror(err));
}

/* Say that the controller completed @what with status @status. */
static int fail_status(int status, const char *what)
{
	printf("nvme_status=0x%x\n", status);
	return cli_error("%s: NVMe status 0x%x", what, status);
}

/*
 * BUFOFF (@offs) of BUFDEV @dev, read before any device is opened so that a
 * usage error is one whatever the devices: ignored (0) for "anon".
 * Return: 0 or CLI_EXIT_USAGE after saying why.
 */
static int get_bufoff(const char *dev, const char *offs, uint64_t *off)
{
	int rc;

	*off = 0;
	if (!strcmp(dev, "anon"))
		return 0;
	rc = cli_get_num("BUFOFF", offs, off);
	if (rc)
		return rc;
	if (*off % 4096)
		return cli_usage_error("BUFOFF (%s) must be a multiple of 4096", offs);
	return 0;
}

/* @len bytes at @off of BUFDEV @dev (get_bufoff()), or anonymous memory. */
static int buf_get(struct buf *b, const char *dev, uint64_t off, uint64_t len)
{
	char err[DAXDEV_ERRLEN];

	memset(b, 0, sizeof(*b));
	b->len = len;
	if (!strcmp(dev, "anon")) {
		b->anon = true;
		b->p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (b->p == MAP_FAILED)
			return fail_errno(errno, "mmap", "mmap anonymous buffer");
		return 0;
	}
	/*
	 * daxdev_open() sets errno where a call failed, not where the
	 * attributes make no sense: then the errno would be whatever an
	 * earlier call left.
	 */
	errno = 0;
	if (daxdev_open(&b->dax, dev, err)) {
		printf("error=%s at=dax\n", ename(errno ? errno : EINVAL));
		return cli_error("%s", err);
	}
	if (daxdev_map(&b->dax, off, len, &b->map, err)) {
		daxdev_close(&b->dax);
		return cli_error("%s", err);
	}
	b->p = (char *)b->map.p;
	return 0;
}

static void buf_put(struct buf *b)
{
	if (b->anon) {
		munmap(b->p, b->len);
		return;
	}
	daxdev_unmap(&b->map);
	daxdev_close(&b->dax);
}

/*
 * The options of every command; -l, -s and -c only for I/O. getopt() says
 * nothing itself (opterr 0, ":" first): one message here for an unknown
 * option or a missing value. Return: 0 or exit status.
 */
static int get_opts(int argc, char **argv, bool io, struct opts *o)
{
	const char *cmd = argv[0];
	bool m64 = false, legacy = false;
	uint64_t v;
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->chunk = DEF_CHUNK;
	optind = 1;
	opterr = 0;
	while ((c = getopt(argc, argv, io ? ":6ls:c:" : ":6")) != -1) {
		switch (c) {
		case '6':
			m64 = true;
			o->mode = M_IOCTL64;
			break;
		case 'l':
			legacy = true;
			o->mode = M_LEGACY;
			break;
		case 's':
			rc = cli_get_num("LBASIZE", optarg, &o->lbasize);
			if (rc)
				return rc;
			if (o->lbasize < 512 || o->lbasize > 65536 ||
			    (o->lbasize & (o->lbasize - 1)))
				return cli_usage_error("LBASIZE (%s) must be a power of 2, 512..64K",
						       optarg);
			break;
		case 'c':
			rc = cli_get_num("CHUNK", optarg, &v);
			if (rc)
				return rc;
			if (!v || v % 4096 || v > (16u << 20))
				return cli_usage_error("CHUNK (%s) must be a non-zero multiple of 4096, at most 16M",
						       optarg);
			o->chunk = v;
			break;
		case ':':
			return cli_usage_error("%s: -%c needs a value", cmd, optopt);
		default:
			/* "--name": without long options getopt() sees '-' first. */
			if (optopt == '-' && optind < argc && !strncmp(argv[optind], "--", 2))
				return cli_usage_error("%s: unknown option '%s'", cmd, argv[optind]);
			return cli_usage_error("%s: unknown option '-%c'", cmd, optopt);
		}
	}
	if (m64 && legacy)
		return cli_usage_error("%s: -6 and -l exclude each other", cmd);
	return 0;
}

/*
 * struct nvme_passthru_cmd is struct nvme_passthru_cmd64 up to and with
 * timeout_ms, field for field; only the result that follows differs.
 */
_Static_assert(offsetof(struct nvme_passthru_cmd, timeout_ms) ==
	       offsetof(struct nvme_passthru_cmd64, timeout_ms),
	       "nvme_passthru_cmd and nvme_passthru_cmd64 differ before the result");

/*
 * Command @c64 (admin if @admin, else I/O) through NVME_IOCTL_ADMIN64_CMD /
 * NVME_IOCTL_IO64_CMD in mode M_IOCTL64, else through the 32-bit result
 * forms NVME_IOCTL_ADMIN_CMD / NVME_IOCTL_IO_CMD. Return: what ioctl() did.
 */
static int passthru(int fd, bool admin, enum mode mode, const struct nvme_passthru_cmd64 *c64)
{
	struct nvme_passthru_cmd c;

	if (mode == M_IOCTL64)
		return ioctl(fd, admin ? NVME_IOCTL_ADMIN64_CMD : NVME_IOCTL_IO64_CMD, c64);
	memset(&c, 0, sizeof(c));
	memcpy(&c, c64, offsetof(struct nvme_passthru_cmd, result));
	return ioctl(fd, admin ? NVME_IOCTL_ADMIN_CMD : NVME_IOCTL_IO_CMD, &c);
}

/* ------------------------------------------------------------ id-ctrl */

static int identify(int fd, enum mode mode, char *p)
{
	struct nvme_passthru_cmd64 c = {
		.opcode = NVME_ADMIN_IDENTIFY,
		.addr = (uintptr_t)p,
		.data_len = NVME_ID_LEN,
		.cdw10 = NVME_ID_CNS_CTRL,
	};
	int rc;

	if (mode == M_LEGACY)
		return cli_usage_error("-l is for I/O commands");
	rc = passthru(fd, true, mode, &c);
	if (rc < 0)
		return fail_errno(errno, "ioctl", mode == M_IOCTL64 ?
				  "NVME_IOCTL_ADMIN64_CMD Identify Controller" :
				  "NVME_IOCTL_ADMIN_CMD Identify Controller");
	if (rc > 0)
		return fail_status(rc, "Identify Controller");
	return 0;
}

static int cmd_id_ctrl(int argc, char **argv)
{
	char sn[21], mn[41];
	uint64_t bufoff;
	struct opts o;
	struct buf b;
	int fd, rc;

	rc = get_opts(argc, argv, false, &o);
	if (rc)
		return rc;
	argc -= optind;
	argv += optind;
	if (argc != 4)
		return cli_usage_error("id-ctrl takes CTRLDEV BUFDEV BUFOFF OUTFILE");
	rc = get_bufoff(argv[1], argv[2], &bufoff);
	if (rc)
		return rc;
	rc = buf_get(&b, argv[1], bufoff, NVME_ID_LEN);
	if (rc)
		return rc;
	/* Stale bytes must not pass for an answer. */
	id_fill(b.p);
	fd = open(argv[0], O_RDONLY);
	if (fd < 0) {
		char what[300];

		snprintf(what, sizeof(what), "open %s", argv[0]);
		rc = fail_errno(errno, "open", what);
		goto out;
	}
	rc = identify(fd, o.mode, b.p);
	close(fd);
	if (rc)
		goto out;
	if (id_untouched(b.p)) {
		rc = cli_error("%s completed Identify Controller but wrote nothing into the buffer: is it an NVMe controller (/dev/nvmeX)?",
			       argv[0]);
		goto out;
	}
	id_string(sn, b.p + 4, 20);
	id_string(mn, b.p + 24, 40);
	printf("sn=%s\nmn=%s\n", sn, mn);
	rc = strcmp(argv[3], "-") ? id_save(argv[3], b.p) : 0;
out:
	buf_put(&b);
	return rc;
}

/* ---------------------------------------------------------- read/write */

/* One Read or Write of @len bytes at namespace byte offset @off. */
static int rw_ioctl(int fd, enum mode mode, bool write, __u32 nsid, uint64_t lbasize,
		    char *p, uint64_t off, uint64_t len)
{
	__u8 opc = write ? NVME_CMD_WRITE : NVME_CMD_READ;
	uint64_t slba = off / lbasize;
	__u32 nlb0 = len / lbasize - 1;		/* 0's based */
	const char *name;
	int rc;

	if (mode == M_LEGACY) {
		struct nvme_user_io io = {
			.opcode = opc,
			.nblocks = nlb0,
			.addr = (uintptr_t)p,
			.slba = slba,
		};

		name = "NVME_IOCTL_SUBMIT_IO";
		rc = ioctl(fd, NVME_IOCTL_SUBMIT_IO, &io);
	} else {
		struct nvme_passthru_cmd64 c = {
			.opcode = opc,
			.nsid = nsid,
			.addr = (uintptr_t)p,
			.data_len = len,
			.cdw10 = slba & 0xffffffff,
			.cdw11 = slba >> 32,
			.cdw12 = nlb0,
		};

		name = mode == M_IOCTL64 ? "NVME_IOCTL_IO64_CMD" : "NVME_IOCTL_IO_CMD";
		rc = passthru(fd, false, mode, &c);
	}
	if (rc < 0) {
		char what[128];

		snprintf(what, sizeof(what), "%s %s of %" PRIu64 " bytes at offset 0x%" PRIx64,
			 name, write ? "Write" : "Read", len, off);
		return fail_errno(errno, "ioctl", what);
	}
	if (rc > 0)
		return fail_status(rc, write ? "Write" : "Read");
	return 0;
}

/*
 * The logical block size of namespace @nsid behind @fd (NSDEV @dev):
 * BLKSSZGET of a block device; Identify Namespace otherwise (/dev/ngXnY,
 * which has no BLKSSZGET). -s (@o->lbasize, 0 if not given) must be it: a
 * wrong one would put the data at another offset. Return: 0 with
 * @o->lbasize set, or CLI_EXIT_FAIL after saying why.
 */
static int get_lbasize(int fd, __u32 nsid, const char *dev, struct opts *o)
{
	uint64_t lbasize;
	struct stat st;
	int ss, rc;

	if (fstat(fd, &st))
		return fail_errno(errno, "ioctl", "fstat");
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKSSZGET, &ss))
			return fail_errno(errno, "ioctl", "BLKSSZGET");
		lbasize = ss;
	} else {
		rc = nvme_ns_lbasize(fd, nsid, &lbasize);
		if (rc == -1)
			return fail_errno(errno, "ioctl", "NVME_IOCTL_ADMIN_CMD Identify Namespace");
		if (rc == -2)
			return cli_error("%s: Identify Namespace %u: no usable LBA format in the answer",
					 dev, nsid);
		if (rc)
			return fail_status(rc, "Identify Namespace");
	}
	if (o->lbasize && o->lbasize != lbasize)
		return cli_error("%s: -s %" PRIu64 " is not the namespace's block size %" PRIu64,
				 dev, o->lbasize, lbasize);
	o->lbasize = lbasize;
	return 0;
}

/* NSOFF and CHUNK in whole blocks of @lbasize. Return: 0 or CLI_EXIT_USAGE. */
static int check_blocks(uint64_t nsoff, uint64_t chunk, uint64_t lbasize)
{
	if (nsoff % lbasize)
		return cli_usage_error("NSOFF (0x%" PRIx64 ") must be a multiple of the block size %" PRIu64,
				       nsoff, lbasize);
	if (chunk % lbasize)
		return cli_usage_error("CHUNK (0x%" PRIx64 ") must be a multiple of the block size %" PRIu64,
				       chunk, lbasize);
	return 0;
}

static int cmd_rw(int argc, char **argv, bool write)
{
	static const char *const mode_names[] = {
		[M_IOCTL] = "NVME_IOCTL_IO_CMD", [M_IOCTL64] = "NVME_IOCTL_IO64_CMD",
		[M_LEGACY] = "NVME_IOCTL_SUBMIT_IO",
	};
	uint64_t bufoff, nsoff, len, seed, i, first;
	struct opts o;
	struct buf b;
	size_t bad;
	int fd, rc, nsid;

	rc = get_opts(argc, argv, true, &o);
	if (rc)
		return rc;
	argc -= optind;
	argv += optind;
	if (argc != 6)
		return cli_usage_error("%s takes NSDEV BUFDEV BUFOFF NSOFF LEN SEED",
				       write ? "write" : "read");
	rc = get_bufoff(argv[1], argv[2], &bufoff);
	if (!rc)
		rc = cli_get_num("NSOFF", argv[3], &nsoff);
	if (!rc)
		rc = cli_get_num("LEN", argv[4], &len);
	if (!rc)
		rc = cli_get_num("SEED", argv[5], &seed);
	if (rc)
		return rc;
	if (!len)
		return cli_usage_error("LEN must not be 0");
	if (len % o.chunk)
		return cli_usage_error("LEN (%s) must be a multiple of CHUNK (%" PRIu64 ")",
				       argv[4], o.chunk);
	if (len > (1ULL << 32))
		return cli_usage_error("LEN (%s) is larger than 4G", argv[4]);
	if (nsoff > INT64_MAX - len)
		return cli_usage_error("NSOFF+LEN (%s+%s) is too large", argv[3], argv[4]);
	/* Before any device is opened: the block size is -s's, or at least 512. */
	rc = check_blocks(nsoff, o.chunk, o.lbasize ? o.lbasize : 512);
	if (rc)
		return rc;

	fd = open(argv[0], write ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		char what[300];

		snprintf(what, sizeof(what), "open %s", argv[0]);
		return fail_errno(errno, "open", what);
	}
	nsid = ioctl(fd, NVME_IOCTL_ID);
	if (nsid < 0) {
		rc = fail_errno(errno, "ioctl", "NVME_IOCTL_ID");
		close(fd);
		return rc;
	}
	rc = get_lbasize(fd, nsid, argv[0], &o);
	if (!rc)
		rc = check_blocks(nsoff, o.chunk, o.lbasize);
	if (rc) {
		close(fd);
		return rc;
	}
	rc = buf_get(&b, argv[1], bufoff, len);
	if (rc) {
		close(fd);
		return rc;
	}
	if (write)
		pattern_fill(b.p, nsoff, len, seed);
	else
		memset(b.p, 0, len);
	daxdev_barrier();

	for (i = 0, rc = 0; !rc && i < len; i += o.chunk)
		rc = rw_ioctl(fd, o.mode, write, nsid, o.lbasize, b.p + i,
			      nsoff + i, o.chunk);
	if (!rc && !write) {
		bad = pattern_check(b.p, nsoff, len, seed, &first);
		if (bad) {
			printf("mismatch: first bad offset 0x%" PRIx64 ", %zu bad words\n", first, bad);
			rc = cli_error("the data read is not the pattern %" PRIu64, seed);
		}
	}
	if (!rc)
		printf("ok: %s nsid %d, %" PRIu64 " bytes at namespace offset 0x%" PRIx64
		       " in %" PRIu64 "-byte commands of %" PRIu64 "-byte blocks, buffer %s\n",
		       mode_names[o.mode], nsid, len, nsoff, o.chunk, o.lbasize,
		       b.anon ? "anonymous" : argv[1]);
	buf_put(&b);
	close(fd);
	return rc;
}

static int cmd_write(int argc, char **argv)
{
	return cmd_rw(argc, argv, true);
}

static int cmd_read(int argc, char **argv)
{
	return cmd_rw(argc, argv, false);
}

int main(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "id-ctrl", cmd_id_ctrl },
		{ "write", cmd_write },
		{ "read", cmd_read },
	};

	cli_prog = "nvme_passthru";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cli_want_help(argc, argv)) {
		fputs(usage_text, stdout);
		return 0;
	}
	return cli_dispatch(cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv);
}
