// SPDX-License-Identifier: GPL-2.0
/*
 * uring_p2p - io_uring (liburing) O_DIRECT I/O between an NVMe namespace and
 * buffers in a /dev/daxX.Y mapping of BAR memory, as the consumers suite
 * (tests/consumers/uring.sh) runs it in the QEMU guest.
 *
 * What it proves:
 *  - IORING_OP_WRITE/READ (and WRITEV/READV with -v) accept buffers in the
 *    mapping: device-dax gives the BAR struct pages (MEMORY_DEVICE_GENERIC),
 *    so the block layer pins them like RAM and the NVMe controller DMAs
 *    straight to and from the BAR. Several requests are in flight at once
 *    (-q), each checked for a full-length completion; the data is the
 *    pattern of tools/daxmap/lib/pattern.h, checked here and by the host in
 *    the NVMe image and in the file behind the BAR.
 *  - What io_uring_register_buffers() does with the mapping ("fixed"), which
 *    depends on the kernel:
 *      6.1: io_pin_pages() (io_uring/rsrc.c) pins the pages with
 *           pin_user_pages(FOLL_WRITE | FOLL_LONGTERM), which succeeds
 *           (vma_is_fsdax() in check_vma_flags() is false for the device-dax
 *           character device, and ZONE_DEVICE pages are long-term
 *           pinnable), then walks the VMAs: "don't support file backed
 *           memory" - any VMA with a vm_file that is neither shmem nor
 *           hugetlbfs makes it unpin everything and return -EOPNOTSUPP. A
 *           device-dax mapping has vm_file /dev/daxX.Y: refused.
 *      6.5 and later (here 6.12): that VMA walk is gone ("io_uring: rsrc:
 *           delegate VMA file-backed check to GUP"); io_pin_pages()
 *           (io_uring/memmap.c) calls pin_user_pages_fast(FOLL_WRITE |
 *           FOLL_LONGTERM) and GUP decides. GUP refuses long-term writable
 *           pins of file mappings that need dirty tracking
 *           (writable_file_mapping_allowed() -> vma_needs_dirty_tracking()
 *           in check_vma_flags(), gup_fast_folio_allowed() on the fast
 *           path), but device-dax's vm_ops have no page_mkwrite/pfn_mkwrite
 *           and its inode's backing_dev_info cannot write back, so the pin
 *           is allowed: registered, and READ_FIXED/WRITE_FIXED work.
 *    Refused, it checks that nothing changed: the mapping still holds what
 *    was there, no buffer is registered (unregister says ENXIO), and plain
 *    READ/WRITE on the same ring do the same I/O the fixed ones would have.
 *    Either way the NVMe image and the BAR end up with the same data, so
 *    the host checks do not depend on the kernel.
 *
 *  - NVMe passthrough through io_uring ("nvme-*"): IORING_OP_URING_CMD
 *    with NVME_URING_CMD_ADMIN (Identify Controller) on /dev/nvmeX and
 *    NVME_URING_CMD_IO (Read, Write) on /dev/ngXnY, data buffer (struct
 *    nvme_uring_cmd.addr) in the mapping, several commands in flight. The
 *    ring needs IORING_SETUP_SQE128 | IORING_SETUP_CQE32 (the command lives
 *    in the SQE, the 64-bit result in the CQE): without them the driver's
 *    nvme_uring_cmd_checks() says EOPNOTSUPP. With -F the commands use the
 *    mapping registered as a fixed buffer (IORING_URING_CMD_FIXED, where
 *    the kernel registers it; the same commands unregistered where it
 *    refuses). The same ioctls without io_uring are nvme_passthru's.
 *
 * Pattern offsets are NVMe byte offsets: the words the host finds at offset
 * X of the image are the words of pattern offset X, wherever they went
 * through in the mapping.
 *
 * Exit status: 0 ok, 1 failure, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <liburing.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/nvme_ioctl.h>

#include "pattern.h"
#include "cli.h"
#include "daxdev.h"
#include "numparse.h"
#include "nvme_common.h"

#define DEF_DEPTH	16
#define DEF_CHUNK	(128u << 10)
#define MAX_DEPTH	64
#define VEC_SEGS	4

static const char usage_text[] =
"usage: uring_p2p COMMAND [OPTIONS] ARGS...\n"
"\n"
"  write [-v] [-q DEPTH] [-c CHUNK] DAXDEV DAXOFF BLKDEV BLKOFF LEN SEED\n"
"        fill [DAXOFF, DAXOFF+LEN) of the mapping with the pattern SEED (at\n"
"        pattern offsets BLKOFF...), then write it to BLKDEV at BLKOFF with\n"
"        IORING_OP_WRITE (-v: IORING_OP_WRITEV, 4 iovecs per request),\n"
"        O_DIRECT, CHUNK bytes per request, up to DEPTH in flight\n"
"  read [-v] [-q DEPTH] [-c CHUNK] DAXDEV DAXOFF BLKDEV BLKOFF LEN SEED\n"
"        zero the mapping range, read BLKDEV at BLKOFF into it with\n"
"        IORING_OP_READ (-v: READV), then check it holds the pattern SEED\n"
"  fixed [-q DEPTH] [-c CHUNK] DAXDEV DAXOFF BLKDEV BLKOFF LEN WSEED RSEED\n"
"        register the mapping range as one fixed buffer\n"
"        (io_uring_register_buffers); print \"register=ok\" or\n"
"        \"register=refused error=ENAME\". Then the first half of the range\n"
"        (pattern WSEED) is written to BLKOFF and the second half read from\n"
"        BLKOFF+LEN/2 and checked (pattern RSEED): with WRITE_FIXED and\n"
"        READ_FIXED if registered, else (after checking that the refusal\n"
"        changed nothing: \"unchanged=ok\") with plain WRITE and READ\n"
"  hold [-q DEPTH] [-c CHUNK] DAXDEV DAXOFF BLKDEV BLKOFF LEN SEED READYFILE\n"
"       RELEASEFILE\n"
"        fill the range with the pattern SEED, register it as a fixed buffer,\n"
"        unmap and close DAXDEV, create READYFILE, wait for RELEASEFILE, then\n"
"        WRITE_FIXED the registered pages to BLKDEV at BLKOFF and unregister\n"
"        (\"pinned data written\", \"unregistered\"); where the kernel refuses\n"
"        the registration, \"register=refused error=ENAME\" and exit 1\n"
"  nvme-id-ctrl CTRLDEV DAXDEV DAXOFF OUTFILE\n"
"        Identify Controller (NVME_URING_CMD_ADMIN on /dev/nvmeX) into the\n"
"        mapping; save its 4096 bytes in OUTFILE; print sn= and mn=\n"
"  nvme-write [-F] [-q DEPTH] [-c CHUNK] [-s LBASIZE] NGDEV DAXDEV DAXOFF NSOFF LEN SEED\n"
"  nvme-read [-F] [-q DEPTH] [-c CHUNK] [-s LBASIZE] NGDEV DAXDEV DAXOFF NSOFF LEN SEED\n"
"        write and read as above, as NVMe Write/Read commands\n"
"        (NVME_URING_CMD_IO) on the namespace's generic device /dev/ngXnY.\n"
"        The block size is the namespace's (Identify Namespace); -s LBASIZE,\n"
"        if given, must be it. -F: register the mapping range as fixed\n"
"        buffer 0 and send the commands with IORING_URING_CMD_FIXED; prints\n"
"        \"register=ok\" or, falling back to unregistered commands,\n"
"        \"register=refused error=ENAME\"\n"
"\n"
"DAXDEV is a /dev/daxX.Y, BLKDEV a block device (opened O_DIRECT). Numbers\n"
"are " PARSE_U64_FORMS ". DAXOFF, BLKOFF, LEN and CHUNK are multiples of\n"
"4096 (O_DIRECT), LEN a multiple of CHUNK (of 2*CHUNK for fixed).\n"
"Defaults: DEPTH 16, CHUNK 128K.\n"
"Exit status: 0 ok, 1 failure, 2 usage error.\n";

struct job {
	struct daxdev dax;
	struct daxmap map;
	int fd;			/* the block device, O_DIRECT */
	uint64_t blkoff, len;
	unsigned int depth;
	uint64_t chunk;
	bool vec;
	struct io_uring ring;
	bool ring_ok;
};

/*
 * getopt()'s '?' or ':' for command @cmd as one message (opterr is 0 and the
 * option strings start with ':', so getopt() itself says nothing). Return:
 * CLI_EXIT_USAGE.
 */
static int bad_option(const char *cmd, int c, int argc, char **argv)
{
	if (c == ':')
		return cli_usage_error("%s: -%c needs a value", cmd, optopt);
	/* "--name": getopt() without long options sees a '-' option first. */
	if (optopt == '-' && optind < argc && !strncmp(argv[optind], "--", 2))
		return cli_usage_error("%s: unknown option '%s'", cmd, argv[optind]);
	return cli_usage_error("%s: unknown option '-%c'", cmd, optopt);
}

/*
 * -q DEPTH and -c CHUNK, which the block and the NVMe commands share: the
 * value of option @c ('q' or 'c') into @depth or @chunk, CHUNK at most
 * @max_chunk (@max_name in the message). Return: 0 or CLI_EXIT_USAGE after
 * saying why.
 */
static int get_queue_opt(int c, uint64_t max_chunk, const char *max_name,
			 unsigned int *depth, uint64_t *chunk)
{
	uint64_t v;
	int rc;

	rc = cli_get_num(c == 'q' ? "DEPTH" : "CHUNK", optarg, &v);
	if (rc)
		return rc;
	if (c == 'q') {
		if (!v || v > MAX_DEPTH)
			return cli_usage_error("DEPTH (%s) must be 1..%d", optarg, MAX_DEPTH);
		*depth = v;
	} else {
		if (!v || v % 4096 || v > max_chunk)
			return cli_usage_error("CHUNK (%s) must be a non-zero multiple of 4096, at most %s",
					       optarg, max_name);
		*chunk = v;
	}
	return 0;
}

/*
 * The options and the DAXDEV DAXOFF BLKDEV BLKOFF LEN SEED... of a command
 * (@nseeds seeds), then the two files of "hold" if @files is not NULL:
 * parse, map, open, set up the ring. Return: 0 or the exit status after
 * saying why not.
 */
static int setup(int argc, char **argv, bool allow_vec, int nseeds,
		 struct job *j, uint64_t *daxoff, uint64_t *seeds, char **files)
{
	const char *cmd = argv[0];
	char err[DAXDEV_ERRLEN];
	int c, rc, i;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->dax.fd = -1;
	j->depth = DEF_DEPTH;
	j->chunk = DEF_CHUNK;
	optind = 1;
	opterr = 0;
	while ((c = getopt(argc, argv, allow_vec ? ":vq:c:" : ":q:c:")) != -1) {
		switch (c) {
		case 'v':
			j->vec = true;
			break;
		case 'q':
		case 'c':
			rc = get_queue_opt(c, 1u << 30, "1G", &j->depth, &j->chunk);
			if (rc)
				return rc;
			break;
		default:
			return bad_option(cmd, c, argc, argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 5 + nseeds + (files ? 2 : 0))
		return cli_usage_error("%s takes DAXDEV DAXOFF BLKDEV BLKOFF LEN %s%s", cmd,
				       nseeds > 1 ? "WSEED RSEED" : "SEED",
				       files ? " READYFILE RELEASEFILE" : "");
	if (files) {
		files[0] = argv[5 + nseeds];
		files[1] = argv[6 + nseeds];
	}
	rc = cli_get_num("DAXOFF", argv[1], daxoff);
	if (!rc)
		rc = cli_get_num("BLKOFF", argv[3], &j->blkoff);
	if (!rc)
		rc = cli_get_num("LEN", argv[4], &j->len);
	for (i = 0; !rc && i < nseeds; i++)
		rc = cli_get_num("SEED", argv[5 + i], &seeds[i]);
	if (rc)
		return rc;
	if (*daxoff % 4096)
		return cli_usage_error("DAXOFF (%s) must be a multiple of 4096", argv[1]);
	if (j->blkoff % 4096)
		return cli_usage_error("BLKOFF (%s) must be a multiple of 4096", argv[3]);
	if (!j->len)
		return cli_usage_error("LEN must not be 0");
	if (j->len % (j->chunk * (nseeds > 1 ? 2 : 1)))
		return cli_usage_error("LEN (%s) must be a multiple of %sCHUNK (%" PRIu64 ")",
				       argv[4], nseeds > 1 ? "2*" : "", j->chunk);
	if (*daxoff > INT64_MAX || j->len > INT64_MAX - *daxoff)
		return cli_usage_error("DAXOFF+LEN (%s+%s) is too large", argv[1], argv[4]);
	if (j->blkoff > INT64_MAX - j->len)
		return cli_usage_error("BLKOFF+LEN (%s+%s) is too large", argv[3], argv[4]);

	if (daxdev_open_map(&j->dax, argv[0], *daxoff, j->len, &j->map, err))
		return cli_error("%s", err);
	j->fd = open(argv[2], O_RDWR | O_DIRECT);
	if (j->fd < 0) {
		rc = cli_error("open %s O_DIRECT: %s", argv[2], strerror(errno));
		goto fail;
	}
	rc = io_uring_queue_init(j->depth, &j->ring, 0);
	if (rc < 0) {
		rc = cli_error("io_uring_queue_init(%u): %s", j->depth, strerror(-rc));
		goto fail;
	}
	j->ring_ok = true;
	return 0;
fail:
	if (j->fd >= 0)
		close(j->fd);
	daxdev_unmap(&j->map);
	daxdev_close(&j->dax);
	return rc;
}

static void teardown(struct job *j)
{
	if (j->ring_ok)
		io_uring_queue_exit(&j->ring);
	close(j->fd);
	daxdev_unmap(&j->map);
	daxdev_close(&j->dax);
}

enum op { OP_PLAIN, OP_VEC, OP_FIXED };

/* Put a request for chunk @i of [@buf, @buf + @len) on @sqe. */
static void prep(struct job *j, struct io_uring_sqe *sqe, bool write, enum op op,
		 char *buf, uint64_t blkoff, uint64_t i, struct iovec *iov)
{
	char *p = buf + i * j->chunk;
	uint64_t off = blkoff + i * j->chunk;
	unsigned int s;

	switch (op) {
	case OP_VEC:
		for (s = 0; s < VEC_SEGS; s++) {
			iov[s].iov_base = p + s * (j->chunk / VEC_SEGS);
			iov[s].iov_len = j->chunk / VEC_SEGS;
		}
		if (write)
			io_uring_prep_writev(sqe, j->fd, iov, VEC_SEGS, off);
		else
			io_uring_prep_readv(sqe, j->fd, iov, VEC_SEGS, off);
		break;
	case OP_FIXED:
		if (write)
			io_uring_prep_write_fixed(sqe, j->fd, p, j->chunk, off, 0);
		else
			io_uring_prep_read_fixed(sqe, j->fd, p, j->chunk, off, 0);
		break;
	case OP_PLAIN:
		if (write)
			io_uring_prep_write(sqe, j->fd, p, j->chunk, off);
		else
			io_uring_prep_read(sqe, j->fd, p, j->chunk, off);
		break;
	}
	io_uring_sqe_set_data64(sqe, i);
}

/*
 * Move @len bytes between the mapping at @buf and the block device at
 * @blkoff, @j->chunk per request, up to @j->depth requests in flight, each
 * required to complete in full. With OP_FIXED, @buf lies in fixed buffer 0.
 * Return: 0 or -1 after saying why.
 */
static int do_io(struct job *j, bool write, enum op op, char *buf,
		 uint64_t blkoff, uint64_t len)
{
	uint64_t nreq = len / j->chunk, sub = 0, done = 0, inflight_max = 0;
	const char *name = op == OP_FIXED ? (write ? "WRITE_FIXED" : "READ_FIXED") :
			   op == OP_VEC ? (write ? "WRITEV" : "READV") :
			   (write ? "WRITE" : "READ");
	struct io_uring_cqe *cqe;
	struct iovec *iov;
	int rc, ret = -1;

	/* One iovec array per request: they must outlive its submission. */
	iov = calloc(nreq * VEC_SEGS, sizeof(*iov));
	if (!iov) {
		cli_error("out of memory");
		return -1;
	}
	while (done < nreq) {
		unsigned int queued = 0;

		while (sub < nreq && sub - done < j->depth) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&j->ring);

			if (!sqe)
				break;
			prep(j, sqe, write, op, buf, blkoff, sub, iov + sub * VEC_SEGS);
			sub++;
			queued++;
		}
		if (sub - done > inflight_max)
			inflight_max = sub - done;
		if (queued) {
			rc = io_uring_submit(&j->ring);
			if (rc < 0) {
				cli_error("io_uring_submit (%s): %s", name, strerror(-rc));
				goto out;
			}
		}
		/* Reap what is complete, waiting for at least one. */
		rc = io_uring_wait_cqe(&j->ring, &cqe);
		if (rc < 0) {
			cli_error("io_uring_wait_cqe (%s): %s", name, strerror(-rc));
			goto out;
		}
		do {
			uint64_t idx = io_uring_cqe_get_data64(cqe);
			int res = cqe->res;

			io_uring_cqe_seen(&j->ring, cqe);
			done++;
			if (res < 0) {
				cli_error("%s of %" PRIu64 " bytes at device offset 0x%" PRIx64 ": %s (%s)",
					  name, j->chunk, blkoff + idx * j->chunk,
					  strerror(-res), ename(-res));
				goto out;
			}
			if ((uint64_t)res != j->chunk) {
				cli_error("%s at device offset 0x%" PRIx64 ": %d of %" PRIu64 " bytes",
					  name, blkoff + idx * j->chunk, res, j->chunk);
				goto out;
			}
		} while (done < sub && !io_uring_peek_cqe(&j->ring, &cqe));
	}
	printf("%s: %" PRIu64 " requests of %" PRIu64 " bytes, up to %" PRIu64 " in flight\n",
	       name, nreq, j->chunk, inflight_max);
	ret = 0;
out:
	/*
	 * On an error, requests may still be in flight. Nothing waits for
	 * them: io_uring_queue_exit() only starts the ring's teardown, which
	 * the kernel finishes asynchronously, and teardown() then unmaps.
	 * That is safe: each request's bio holds references on the pages it
	 * was given, so a late completion still lands in those BAR pages, not
	 * in memory reused for something else. The iovecs were copied at
	 * submission.
	 */
	free(iov);
	return ret;
}

static int check_pattern(const char *what, volatile char *p, uint64_t off,
			 uint64_t len, uint64_t seed)
{
	uint64_t first;
	size_t bad = pattern_check(p, off, len, seed, &first);

	if (!bad)
		return 0;
	cli_error("%s: mismatch: first bad pattern offset 0x%" PRIx64 ", %zu bad words",
		  what, first, bad);
	return -1;
}

/* Zero with whole 64-bit stores (device memory). */
static void zero_words(volatile char *p, uint64_t len)
{
	volatile uint64_t *w = (volatile uint64_t *)p;
	uint64_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = 0;
}

static bool all_zero(volatile char *p, uint64_t len)
{
	volatile uint64_t *w = (volatile uint64_t *)p;
	uint64_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i])
			return false;
	return true;
}

static int cmd_rw(int argc, char **argv, bool write)
{
	uint64_t daxoff, seed;
	struct job j;
	int rc;

	rc = setup(argc, argv, true, 1, &j, &daxoff, &seed, NULL);
	if (rc)
		return rc;
	if (write)
		pattern_fill(j.map.p, j.blkoff, j.len, seed);
	else
		zero_words(j.map.p, j.len);
	daxdev_barrier();
	rc = do_io(&j, write, j.vec ? OP_VEC : OP_PLAIN, (char *)j.map.p, j.blkoff, j.len);
	if (!rc && !write)
		rc = check_pattern("read data in the mapping", j.map.p, j.blkoff, j.len, seed);
	if (!rc)
		printf("ok: %s %" PRIu64 " bytes, dax offset 0x%" PRIx64 " %s device offset 0x%" PRIx64 "\n",
		       write ? "wrote" : "read", j.len, daxoff, write ? "->" : "<-", j.blkoff);
	teardown(&j);
	return rc ? CLI_EXIT_FAIL : 0;
}

static int cmd_write(int argc, char **argv)
{
	return cmd_rw(argc, argv, true);
}

static int cmd_read(int argc, char **argv)
{
	return cmd_rw(argc, argv, false);
}

static int cmd_fixed(int argc, char **argv)
{
	uint64_t daxoff, seeds[2], half;
	struct iovec iov;
	struct job j;
	enum op op = OP_FIXED;
	char *wbuf, *rbuf;
	int rc, ret = CLI_EXIT_FAIL;

	rc = setup(argc, argv, false, 2, &j, &daxoff, seeds, NULL);
	if (rc)
		return rc;
	half = j.len / 2;
	wbuf = (char *)j.map.p;
	rbuf = wbuf + half;
	pattern_fill(wbuf, j.blkoff, half, seeds[0]);
	zero_words(rbuf, half);
	daxdev_barrier();

	iov.iov_base = (void *)j.map.p;
	iov.iov_len = j.len;
	rc = io_uring_register_buffers(&j.ring, &iov, 1);
	if (!rc) {
		printf("register=ok\n");
	} else {
		printf("register=refused error=%s\n", ename(-rc));
		fprintf(stderr, "uring_p2p: io_uring_register_buffers(%p, %" PRIu64 "): %s\n",
			iov.iov_base, j.len, strerror(-rc));
		/*
		 * Nothing may have changed: the data in the mapping is as it
		 * was, no buffer table exists, the ring still works.
		 */
		if (check_pattern("mapping after the refused registration", wbuf,
				  j.blkoff, half, seeds[0]) ||
		    !all_zero(rbuf, half)) {
			cli_error("the refused registration changed the mapping");
			goto out;
		}
		rc = io_uring_unregister_buffers(&j.ring);
		if (rc != -ENXIO) {
			cli_error("io_uring_unregister_buffers after the refusal: %s, want ENXIO (nothing registered)",
				  rc ? ename(-rc) : "success");
			goto out;
		}
		printf("unchanged=ok\n");
		op = OP_PLAIN;
	}
	if (do_io(&j, true, op, wbuf, j.blkoff, half) ||
	    do_io(&j, false, op, rbuf, j.blkoff + half, half) ||
	    check_pattern("read data in the mapping", rbuf, j.blkoff + half, half, seeds[1]))
		goto out;
	if (op == OP_FIXED) {
		rc = io_uring_unregister_buffers(&j.ring);
		if (rc) {
			cli_error("io_uring_unregister_buffers: %s", strerror(-rc));
			goto out;
		}
	}
	printf("%s=ok\n", op == OP_FIXED ? "fixed_io" : "plain_io");
	ret = 0;
out:
	teardown(&j);
	return ret;
}

/*
 * hold: a fixed-buffer registration as the only thing left holding the
 * pages, across whatever the caller does between READYFILE and RELEASEFILE
 * (the consumers suite: a PCI unbind, which must wait for it). Afterwards
 * the registered pages still hold what was written, and WRITE_FIXED takes
 * it to the block device, where the host checks it.
 */
static int cmd_hold(int argc, char **argv)
{
	char *files[2];
	uint64_t daxoff, seed;
	struct iovec iov;
	struct job j;
	char *buf;
	int rc, ret = CLI_EXIT_FAIL;

	rc = setup(argc, argv, false, 1, &j, &daxoff, &seed, files);
	if (rc)
		return rc;
	buf = (char *)j.map.p;
	pattern_fill(buf, j.blkoff, j.len, seed);
	daxdev_barrier();

	iov.iov_base = buf;
	iov.iov_len = j.len;
	rc = io_uring_register_buffers(&j.ring, &iov, 1);
	if (rc) {
		printf("register=refused error=%s\n", ename(-rc));
		cli_error("io_uring_register_buffers(%p, %" PRIu64 "): %s",
			  iov.iov_base, j.len, strerror(-rc));
		goto out;
	}
	printf("register=ok\n");

	/* Only the registration is left: no mapping, no open device. */
	daxdev_unmap(&j.map);
	daxdev_close(&j.dax);
	if (cli_ready_wait(files[0], files[1]))
		goto out;

	/* @buf is no longer mapped: a fixed buffer is addressed by its pages. */
	if (do_io(&j, true, OP_FIXED, buf, j.blkoff, j.len))
		goto out;
	printf("pinned data written\n");
	rc = io_uring_unregister_buffers(&j.ring);
	if (rc) {
		cli_error("io_uring_unregister_buffers: %s", strerror(-rc));
		goto out;
	}
	printf("unregistered\n");
	ret = 0;
out:
	teardown(&j);
	return ret;
}

/* ------------------------------------------------- NVMe through io_uring */

/*
 * A ring for IORING_OP_URING_CMD to NVMe: 128-byte SQEs hold struct
 * nvme_uring_cmd, 32-byte CQEs the 64-bit result.
 */
static int nvme_ring_init(struct io_uring *ring, unsigned int depth)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
	};
	int rc = io_uring_queue_init_params(depth, ring, &p);

	if (rc < 0) {
		printf("error=%s\n", ename(-rc));
		return cli_error("io_uring_queue_init_params(SQE128 | CQE32): %s", strerror(-rc));
	}
	return 0;
}

static void prep_nvme_cmd(struct io_uring_sqe *sqe, int fd, __u32 op,
			  const struct nvme_uring_cmd *cmd, __u64 data)
{
	memset(sqe, 0, 2 * sizeof(*sqe));	/* one 128-byte SQE */
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = op;
	memcpy(sqe->cmd, cmd, sizeof(*cmd));
	io_uring_sqe_set_data64(sqe, data);
}

/*
 * A URING_CMD's completion: res < 0 an errno, > 0 the NVMe status. Says
 * what went wrong ("error=ENAME" or "nvme_status=0x..." on stdout). Return:
 * 0 or -1.
 */
static int nvme_res(int res, const char *what)
{
	if (res < 0) {
		printf("error=%s\n", ename(-res));
		cli_error("%s: %s", what, strerror(-res));
		return -1;
	}
	if (res > 0) {
		printf("nvme_status=0x%x\n", res);
		cli_error("%s: NVMe status 0x%x", what, res);
		return -1;
	}
	return 0;
}

static int cmd_nvme_id_ctrl(int argc, char **argv)
{
	char err[DAXDEV_ERRLEN], sn[21], mn[41];
	struct nvme_uring_cmd c = {
		.opcode = NVME_ADMIN_IDENTIFY,
		.data_len = NVME_ID_LEN,
		.cdw10 = NVME_ID_CNS_CTRL,
	};
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct daxdev d;
	struct daxmap m;
	uint64_t off;
	int opt, fd, rc, ret = CLI_EXIT_FAIL;

	/* No options: getopt() only to refuse them (and take "--"). */
	optind = 1;
	opterr = 0;
	opt = getopt(argc, argv, ":");
	if (opt != -1)
		return bad_option(argv[0], opt, argc, argv);
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 5)
		return cli_usage_error("nvme-id-ctrl takes CTRLDEV DAXDEV DAXOFF OUTFILE");
	rc = cli_get_num("DAXOFF", argv[3], &off);
	if (rc)
		return rc;
	if (off % 4096)
		return cli_usage_error("DAXOFF (%s) must be a multiple of 4096", argv[3]);
	if (daxdev_open_map(&d, argv[2], off, NVME_ID_LEN, &m, err))
		return cli_error("%s", err);
	/* Stale bytes must not pass for an answer. */
	id_fill(m.p);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		printf("error=%s\n", ename(errno));
		cli_error("open %s: %s", argv[1], strerror(errno));
		goto unmap;
	}
	if (nvme_ring_init(&ring, 1))
		goto close_fd;
	c.addr = (uintptr_t)m.p;
	sqe = io_uring_get_sqe(&ring);
	if (!sqe) {
		cli_error("no SQE");
		goto exit_ring;
	}
	prep_nvme_cmd(sqe, fd, NVME_URING_CMD_ADMIN, &c, 0);
	rc = io_uring_submit_and_wait(&ring, 1);
	if (rc >= 0)
		rc = io_uring_wait_cqe(&ring, &cqe);
	if (rc < 0) {
		printf("error=%s\n", ename(-rc));
		cli_error("io_uring_submit_and_wait: %s", strerror(-rc));
		goto exit_ring;
	}
	rc = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	if (nvme_res(rc, "URING_CMD NVME_URING_CMD_ADMIN Identify Controller"))
		goto exit_ring;
	/*
	 * A file whose ->uring_cmd() completes everything with 0 and does
	 * nothing (/dev/null's) is not a controller that answered.
	 */
	if (id_untouched(m.p)) {
		cli_error("%s completed Identify Controller but wrote nothing into the buffer: is it an NVMe controller (/dev/nvmeX)?",
			  argv[1]);
		goto exit_ring;
	}
	id_string(sn, m.p + 4, 20);
	id_string(mn, m.p + 24, 40);
	printf("sn=%s\nmn=%s\n", sn, mn);
	ret = id_save(argv[4], m.p);
exit_ring:
	io_uring_queue_exit(&ring);
close_fd:
	close(fd);
unmap:
	daxdev_unmap(&m);
	daxdev_close(&d);
	return ret;
}

/*
 * NSOFF (@nsoffs, @nsoff) and CHUNK in whole blocks of @lbasize. Return: 0
 * or CLI_EXIT_USAGE after saying why.
 */
static int check_blocks(const char *nsoffs, uint64_t nsoff, uint64_t chunk, uint64_t lbasize)
{
	if (nsoff % lbasize)
		return cli_usage_error("NSOFF (%s) must be a multiple of LBASIZE (%" PRIu64 ")",
				       nsoffs, lbasize);
	if (chunk % lbasize)
		return cli_usage_error("CHUNK (%" PRIu64 ") must be a multiple of LBASIZE (%" PRIu64 ")",
				       chunk, lbasize);
	return 0;
}

static int cmd_nvme_rw(int argc, char **argv, bool write)
{
	uint64_t v, lbasize = 0, chunk = DEF_CHUNK, daxoff, nsoff, len, seed, nslba;
	uint64_t nreq, sub = 0, done = 0, inflight_max = 0;
	unsigned int depth = DEF_DEPTH;
	char err[DAXDEV_ERRLEN];
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct daxdev d;
	struct daxmap m;
	const char *cmd = argv[0];
	int c, fd, rc, nsid, ret = CLI_EXIT_FAIL;
	bool fixed = false;

	optind = 1;
	opterr = 0;
	while ((c = getopt(argc, argv, ":Fq:c:s:")) != -1) {
		switch (c) {
		case 'F':
			fixed = true;
			break;
		case 'q':
		case 'c':
			rc = get_queue_opt(c, 16u << 20, "16M", &depth, &chunk);
			if (rc)
				return rc;
			break;
		case 's':
			rc = cli_get_num("LBASIZE", optarg, &v);
			if (rc)
				return rc;
			if (v < 512 || v > 65536 || (v & (v - 1)))
				return cli_usage_error("LBASIZE (%s) must be a power of 2, 512..64K",
						       optarg);
			lbasize = v;
			break;
		default:
			return bad_option(cmd, c, argc, argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 6)
		return cli_usage_error("%s takes NGDEV DAXDEV DAXOFF NSOFF LEN SEED", cmd);
	rc = cli_get_num("DAXOFF", argv[2], &daxoff);
	if (!rc)
		rc = cli_get_num("NSOFF", argv[3], &nsoff);
	if (!rc)
		rc = cli_get_num("LEN", argv[4], &len);
	if (!rc)
		rc = cli_get_num("SEED", argv[5], &seed);
	if (rc)
		return rc;
	if (daxoff % 4096)
		return cli_usage_error("DAXOFF (%s) must be a multiple of 4096", argv[2]);
	/* Before any device is opened: -s's block size, or at least 512. */
	rc = check_blocks(argv[3], nsoff, chunk, lbasize ? lbasize : 512);
	if (rc)
		return rc;
	if (!len)
		return cli_usage_error("LEN must not be 0");
	if (len % chunk)
		return cli_usage_error("LEN (%s) must be a multiple of CHUNK (%" PRIu64 ")",
				       argv[4], chunk);
	if (daxoff > INT64_MAX - len)
		return cli_usage_error("DAXOFF+LEN (%s+%s) is too large", argv[2], argv[4]);
	if (nsoff > INT64_MAX - len)
		return cli_usage_error("NSOFF+LEN (%s+%s) is too large", argv[3], argv[4]);
	nreq = len / chunk;

	if (daxdev_open_map(&d, argv[1], daxoff, len, &m, err))
		return cli_error("%s", err);
	if (write)
		pattern_fill(m.p, nsoff, len, seed);
	else
		zero_words(m.p, len);
	daxdev_barrier();
	fd = open(argv[0], write ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		printf("error=%s\n", ename(errno));
		cli_error("open %s: %s", argv[0], strerror(errno));
		goto unmap;
	}
	nsid = ioctl(fd, NVME_IOCTL_ID);
	if (nsid < 0) {
		printf("error=%s\n", ename(errno));
		cli_error("NVME_IOCTL_ID on %s: %s", argv[0], strerror(errno));
		goto close_fd;
	}
	/*
	 * The namespace's block size, which the commands count in: a wrong
	 * one would move the data to another offset without any error.
	 */
	rc = nvme_ns_lbasize(fd, nsid, &nslba);
	if (rc == -1) {
		printf("error=%s\n", ename(errno));
		cli_error("NVME_IOCTL_ADMIN_CMD Identify Namespace %d on %s: %s", nsid, argv[0],
			  strerror(errno));
		goto close_fd;
	}
	if (rc == -2) {
		cli_error("%s: Identify Namespace %d: no usable LBA format in the answer",
			  argv[0], nsid);
		goto close_fd;
	}
	if (rc > 0) {
		printf("nvme_status=0x%x\n", rc);
		cli_error("Identify Namespace %d on %s: NVMe status 0x%x", nsid, argv[0], rc);
		goto close_fd;
	}
	if (lbasize && lbasize != nslba) {
		cli_error("%s: -s %" PRIu64 " is not the namespace's block size %" PRIu64,
			  argv[0], lbasize, nslba);
		goto close_fd;
	}
	lbasize = nslba;
	if (check_blocks(argv[3], nsoff, chunk, lbasize))
		goto close_fd;
	if (nvme_ring_init(&ring, depth))
		goto close_fd;
	if (fixed) {
		/* What io_uring_register_buffers() does: see fixed above. */
		struct iovec iov = { .iov_base = (void *)m.p, .iov_len = len };

		rc = io_uring_register_buffers(&ring, &iov, 1);
		if (rc) {
			printf("register=refused error=%s\n", ename(-rc));
			fprintf(stderr, "uring_p2p: io_uring_register_buffers: %s; unregistered commands instead\n",
				strerror(-rc));
			fixed = false;
		} else {
			printf("register=ok\n");
		}
	}
	while (done < nreq) {
		while (sub < nreq && sub - done < depth) {
			uint64_t slba = (nsoff + sub * chunk) / lbasize;
			struct nvme_uring_cmd cmd = {
				.opcode = write ? NVME_CMD_WRITE : NVME_CMD_READ,
				.nsid = nsid,
				.addr = (uintptr_t)(m.p + sub * chunk),
				.data_len = chunk,
				.cdw10 = slba & 0xffffffff,
				.cdw11 = slba >> 32,
				.cdw12 = chunk / lbasize - 1,	/* 0's based */
			};
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			if (!sqe)
				break;
			prep_nvme_cmd(sqe, fd, NVME_URING_CMD_IO, &cmd, sub);
			if (fixed) {
				/* cmd.addr then lies in fixed buffer 0. */
				sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
				sqe->buf_index = 0;
			}
			sub++;
		}
		if (sub - done > inflight_max)
			inflight_max = sub - done;
		rc = io_uring_submit_and_wait(&ring, 1);
		if (rc >= 0)
			rc = io_uring_wait_cqe(&ring, &cqe);
		if (rc < 0) {
			printf("error=%s\n", ename(-rc));
			cli_error("io_uring_submit_and_wait: %s", strerror(-rc));
			goto exit_ring;
		}
		do {
			uint64_t idx = io_uring_cqe_get_data64(cqe);
			int res = cqe->res;
			char what[128];

			io_uring_cqe_seen(&ring, cqe);
			done++;
			snprintf(what, sizeof(what),
				 "URING_CMD NVME_URING_CMD_IO %s of %" PRIu64 " bytes at offset 0x%" PRIx64,
				 write ? "Write" : "Read", chunk, nsoff + idx * chunk);
			if (nvme_res(res, what))
				goto exit_ring;
		} while (done < sub && !io_uring_peek_cqe(&ring, &cqe));
	}
	if (!write && check_pattern("read data in the mapping", m.p, nsoff, len, seed))
		goto exit_ring;
	printf("URING_CMD%s: %" PRIu64 " commands of %" PRIu64 " bytes, up to %" PRIu64 " in flight\n",
	       fixed ? " (IORING_URING_CMD_FIXED)" : "", nreq, chunk, inflight_max);
	printf("ok: %s nsid %d (%" PRIu64 "-byte blocks), %" PRIu64 " bytes, dax offset 0x%" PRIx64
	       " %s namespace offset 0x%" PRIx64 "\n",
	       write ? "wrote" : "read", nsid, lbasize, len, daxoff, write ? "->" : "<-", nsoff);
	ret = 0;
exit_ring:
	io_uring_queue_exit(&ring);
close_fd:
	close(fd);
unmap:
	daxdev_unmap(&m);
	daxdev_close(&d);
	return ret;
}

static int cmd_nvme_write(int argc, char **argv)
{
	return cmd_nvme_rw(argc, argv, true);
}

static int cmd_nvme_read(int argc, char **argv)
{
	return cmd_nvme_rw(argc, argv, false);
}

int main(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "write", cmd_write },
		{ "read", cmd_read },
		{ "fixed", cmd_fixed },
		{ "hold", cmd_hold },
		{ "nvme-id-ctrl", cmd_nvme_id_ctrl },
		{ "nvme-write", cmd_nvme_write },
		{ "nvme-read", cmd_nvme_read },
	};

	cli_prog = "uring_p2p";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (cli_want_help(argc, argv)) {
		fputs(usage_text, stdout);
		return 0;
	}
	return cli_dispatch(cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv);
}
