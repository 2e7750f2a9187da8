// SPDX-License-Identifier: GPL-2.0
/*
 * daxtool - what the guest shell suite (tests/guest/run.sh) does to a
 * /dev/daxX.Y: write and check the pattern of tools/daxmap/lib/pattern.h
 * through a mapping, hold a mapping across an unbind, hold page references across an
 * unbind, O_DIRECT between the mapping and a block device, and keep writing
 * through a mapping while the device goes away and comes back (churn).
 *
 * Every range [OFF, OFF+LEN) is mapped as [OFF rounded down to the device
 * alignment, OFF+LEN rounded up] MAP_SHARED, and the command works on the
 * sub-range. Pattern offsets are device offsets, so the host finds the same
 * words at the same offsets of the file behind the BAR.
 *
 * Exit status: 0 ok, 1 failure, 2 usage; hold exits 3 on SIGTERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pattern.h"
#include "cli.h"
#include "daxdev.h"
#include "numparse.h"

#define PAGE		4096u
#define EXIT_SIGTERM	3

static const char usage_text[] =
"usage: daxtool COMMAND ARGS...\n"
"\n"
"  fill DEV OFF LEN SEED          write the pattern SEED at [OFF, OFF+LEN)\n"
"  check DEV OFF LEN SEED         compare [OFF, OFF+LEN) with the pattern SEED;\n"
"                                 prints \"ok\" or \"mismatch: first bad offset\n"
"                                 0x..., N bad words\" (exit 1)\n"
"  hold DEV OFF LEN READYFILE     map and touch the range, create READYFILE, then\n"
"                                 read and write it back until the device goes\n"
"                                 away: prints \"SIGBUS at offset 0x...\" and\n"
"                                 exits 0; exits 3 on SIGTERM (it never went away)\n"
"  pin DEV OFF LEN READYFILE RELEASEFILE\n"
"                                 take page references on the range with\n"
"                                 vmsplice() into a pipe, unmap and close the\n"
"                                 device, create READYFILE, wait for RELEASEFILE,\n"
"                                 read the pipe back (checked against the pattern\n"
"                                 $P2PDAX_SEED if set: \"pinned data intact\"),\n"
"                                 drop the references, print \"released\"\n"
"  odirect DEV DEVOFF LEN BLKDEV BLKOFF SEED\n"
"                                 fill the pattern at DEVOFF, pwrite it O_DIRECT\n"
"                                 from the mapping to BLKDEV at BLKOFF, zero\n"
"                                 [DEVOFF+LEN, DEVOFF+2*LEN), pread it back O_DIRECT\n"
"                                 there and check it; all multiples of 4096\n"
"  churn DEV OFF LEN SEED STATUSFILE STOPFILE\n"
"                                 until STOPFILE exists: write the pattern SEED+N\n"
"                                 at [OFF, OFF+LEN) in round N and check it back;\n"
"                                 when the device goes away (SIGBUS, or open or\n"
"                                 mmap failing) reopen and remap DEV (which may\n"
"                                 be a symlink) once a new device is there (never\n"
"                                 the lost one's node: see the source), check\n"
"                                 that the range kept what was written, go on.\n"
"                                 STATUSFILE is replaced after every map and round\n"
"                                 with \"MAPS ROUNDS SIGBUS MAPROUNDS\" (MAPROUNDS:\n"
"                                 rounds since the last map). At the end it\n"
"                                 prints the counts and what the range holds:\n"
"                                 \"final seed N at offset 0x... length 0x...\"\n"
"                                 (two such lines if a round was cut short);\n"
"                                 exit 1 on a mismatch\n"
"  write DEV OFF TEXT             store the bytes of TEXT at OFF\n"
"  dump DEV OFF LEN               print LEN (at most 4096) bytes at OFF in hex\n"
"                                 and ASCII, like hexdump -C\n"
"\n"
"DEV is a /dev/daxX.Y. Numbers are " PARSE_U64_FORMS ".\n"
"OFF and LEN are multiples of 8 (the pattern is made of 64-bit words).\n"
"Exit status: 0 ok, 1 failure, 2 usage error, 3 hold ended by SIGTERM.\n";

/* OFF and LEN: a non-empty range of whole multiples of @unit. */
static int get_range(const char *offname, const char *offs, const char *lens,
		     uint64_t unit, uint64_t *off, uint64_t *len)
{
	int rc;

	rc = cli_get_num(offname, offs, off);
	if (!rc)
		rc = cli_get_num("LEN", lens, len);
	if (rc)
		return rc;
	if (!*len)
		return cli_usage_error("LEN must not be 0");
	if (*off > INT64_MAX || *len > INT64_MAX - *off)
		return cli_usage_error("%s+LEN (%s+%s) is too large", offname, offs, lens);
	if (*off % unit || *len % unit)
		return cli_usage_error("%s (%s) and LEN (%s) must be multiples of %" PRIu64 "%s",
				       offname, offs, lens, unit,
				       unit == 8 ? ": the pattern is made of 64-bit words" :
				       ": O_DIRECT needs whole blocks");
	return 0;
}

static int open_and_map(const char *path, uint64_t off, uint64_t len,
			struct daxdev *d, struct daxmap *m)
{
	char err[DAXDEV_ERRLEN];

	if (daxdev_open_map(d, path, off, len, m, err))
		return cli_error("%s", err);
	return 0;
}

static void close_and_unmap(struct daxdev *d, struct daxmap *m)
{
	daxdev_unmap(m);
	daxdev_close(d);
}

static void report_mismatch(uint64_t first_bad, size_t bad)
{
	printf("mismatch: first bad offset 0x%" PRIx64 ", %zu bad words\n", first_bad, bad);
}

/* One 64-bit load and store of the same value per 4 KiB page of the range. */
static void touch_pages(volatile char *p, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i += PAGE) {
		volatile uint64_t *w = (volatile uint64_t *)(p + i);

		*w = *w;
	}
}

/*
 * The DEV OFF LEN SEED of fill and check, @argv at DEV: parse them and map
 * the range. Return: 0, or the exit status once it has said why not.
 */
static int map_pattern_range(char **argv, uint64_t *off, uint64_t *len, uint64_t *seed,
			     struct daxdev *d, struct daxmap *m)
{
	int rc;

	rc = get_range("OFF", argv[1], argv[2], 8, off, len);
	if (!rc)
		rc = cli_get_num("SEED", argv[3], seed);
	if (!rc)
		rc = open_and_map(argv[0], *off, *len, d, m);
	return rc;
}

static int cmd_fill(int argc, char **argv)
{
	uint64_t off, len, seed;
	struct daxdev d;
	struct daxmap m;
	int rc;

	if (argc != 5)
		return cli_usage_error("fill takes DEV OFF LEN SEED");
	rc = map_pattern_range(argv + 1, &off, &len, &seed, &d, &m);
	if (rc)
		return rc;
	pattern_fill(m.p, off, len, seed);
	/* device-dax has no page cache to msync: make the stores precede exit. */
	daxdev_barrier();
	close_and_unmap(&d, &m);
	printf("filled 0x%" PRIx64 " bytes at offset 0x%" PRIx64 " with seed %" PRIu64 "\n",
	       len, off, seed);
	return 0;
}

static int cmd_check(int argc, char **argv)
{
	uint64_t off, len, seed, first_bad = 0;
	struct daxdev d;
	struct daxmap m;
	size_t bad;
	int rc;

	if (argc != 5)
		return cli_usage_error("check takes DEV OFF LEN SEED");
	rc = map_pattern_range(argv + 1, &off, &len, &seed, &d, &m);
	if (rc)
		return rc;
	bad = pattern_check(m.p, off, len, seed, &first_bad);
	close_and_unmap(&d, &m);
	if (bad) {
		report_mismatch(first_bad, bad);
		return EXIT_FAILURE;
	}
	printf("ok\n");
	return 0;
}

static sigjmp_buf bus_jmp;
static void *volatile bus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_addr = si->si_addr;
	siglongjmp(bus_jmp, 1);
}

static void on_sigterm(int sig)
{
	static const char msg[] =
		"daxtool: hold: SIGTERM: the mapping never lost its device\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_SIGTERM);
	_exit(EXIT_SIGTERM);
}

static int cmd_hold(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	struct sigaction st = { .sa_handler = on_sigterm };
	static volatile bool ready;	/* static: survives siglongjmp() */
	uint64_t off, len;
	struct daxdev d;
	struct daxmap m;
	char *a;
	int rc;

	if (argc != 5)
		return cli_usage_error("hold takes DEV OFF LEN READYFILE");
	rc = get_range("OFF", argv[2], argv[3], 8, &off, &len);
	if (rc)
		return rc;
	if (open_and_map(argv[1], off, len, &d, &m))
		return EXIT_FAILURE;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&st.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) || sigaction(SIGTERM, &st, NULL))
		return cli_error("sigaction: %s", strerror(errno));

	if (sigsetjmp(bus_jmp, 1)) {
		a = bus_addr;
		if (a < (char *)m.base || a >= (char *)m.base + m.maplen)
			return cli_error("hold: SIGBUS at %p, outside the mapping", bus_addr);
		printf("SIGBUS at offset 0x%" PRIx64 "%s\n",
		       m.start + (uint64_t)(a - (char *)m.base),
		       ready ? "" : " before the range was ready");
		fflush(stdout);
		return ready ? 0 : EXIT_FAILURE;
	}

	touch_pages(m.p, len);
	if (cli_ready_wait(argv[4], NULL))
		return EXIT_FAILURE;
	ready = true;
	printf("holding 0x%" PRIx64 " bytes at offset 0x%" PRIx64 " of %s\n", len, off, argv[1]);
	fflush(stdout);
	for (;;) {
		touch_pages(m.p, len);
		usleep(10000);
	}
}

static int cmd_pin(int argc, char **argv)
{
	const char *seeds = getenv("P2PDAX_SEED");
	uint64_t off, len, seed = 0, first_bad = 0, span;
	size_t done = 0, bad = 0;
	struct daxdev d;
	struct daxmap m;
	int pfd[2], cur, rc;
	char *buf;

	if (argc != 6)
		return cli_usage_error("pin takes DEV OFF LEN READYFILE RELEASEFILE");
	rc = get_range("OFF", argv[2], argv[3], 8, &off, &len);
	if (!rc && seeds)
		rc = cli_get_num("P2PDAX_SEED", seeds, &seed);
	if (rc)
		return rc;
	if (len > INT32_MAX)
		return cli_usage_error("LEN %s is too large for a pipe", argv[3]);
	buf = malloc(len);
	if (!buf)
		return cli_error("out of memory for 0x%" PRIx64 " bytes", len);
	if (open_and_map(argv[1], off, len, &d, &m))
		return EXIT_FAILURE;
	touch_pages(m.p, len);

	/* One pipe buffer per page the range touches. */
	span = ((off + len + PAGE - 1) & ~(uint64_t)(PAGE - 1)) - (off & ~(uint64_t)(PAGE - 1));
	if (pipe2(pfd, O_CLOEXEC))
		return cli_error("pipe: %s", strerror(errno));
	cur = fcntl(pfd[1], F_GETPIPE_SZ);
	if (cur < 0)
		return cli_error("F_GETPIPE_SZ: %s", strerror(errno));
	if ((uint64_t)cur < span && fcntl(pfd[1], F_SETPIPE_SZ, (int)span) < 0)
		return cli_error("pin: LEN 0x%" PRIx64 " needs a 0x%" PRIx64
				 "-byte pipe: F_SETPIPE_SZ: %s (see /proc/sys/fs/pipe-max-size)",
				 len, span, strerror(errno));

	/*
	 * vmsplice() without SPLICE_F_GIFT takes a reference on each page
	 * (get_user_pages) and keeps it in the pipe until the data is read
	 * or the pipe is closed: a page reference that outlives the mapping.
	 */
	while (done < len) {
		struct iovec iov = {
			.iov_base = (char *)m.p + done,
			.iov_len = len - done,
		};
		ssize_t n = vmsplice(pfd[1], &iov, 1, SPLICE_F_NONBLOCK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cli_error("pin: vmsplice at offset 0x%" PRIx64 ": %s", off + done,
					 n ? strerror(errno) : "no progress");
		done += (size_t)n;
	}
	close(pfd[1]);
	close_and_unmap(&d, &m);

	printf("pinned 0x%" PRIx64 " bytes at offset 0x%" PRIx64 ", mapping and device closed\n",
	       len, off);
	fflush(stdout);
	if (cli_ready_wait(argv[4], argv[5]))
		return EXIT_FAILURE;

	for (done = 0; done < len;) {
		ssize_t n = read(pfd[0], buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = cli_error("pin: reading the pipe back at 0x%zx: %s", done,
				       n ? strerror(errno) : "end of data");
			break;
		}
		done += (size_t)n;
	}
	if (done == len) {
		if (!seeds) {
			printf("pinned data read back (P2PDAX_SEED not set: not checked)\n");
		} else {
			bad = pattern_check(buf, off, len, seed, &first_bad);
			if (bad) {
				report_mismatch(first_bad, bad);
				rc = EXIT_FAILURE;
			} else {
				printf("pinned data intact\n");
			}
		}
	}
	close(pfd[0]);
	free(buf);
	printf("released\n");
	return rc;
}

/* pread/pwrite all of @len, O_DIRECT, between @buf and @fd at @pos. */
static int direct_io(bool write, int fd, const char *path, volatile char *buf,
		     uint64_t len, uint64_t pos)
{
	uint64_t done = 0;
	ssize_t n;

	while (done < len) {
		if (write)
			n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(pos + done));
		else
			n = pread(fd, (char *)buf + done, len - done, (off_t)(pos + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cli_error("odirect: %s %s at 0x%" PRIx64 ": %s",
					 write ? "pwrite to" : "pread from", path, pos + done,
					 n ? strerror(errno) : "end of device");
		done += (uint64_t)n;
	}
	return 0;
}

static int cmd_odirect(int argc, char **argv)
{
	uint64_t devoff, len, blkoff, seed, first_bad = 0, i;
	const char *blkdev;
	volatile char *a, *b;
	struct daxdev d;
	struct daxmap m;
	char err[DAXDEV_ERRLEN];
	int fd, rc;
	size_t bad;

	if (argc != 7)
		return cli_usage_error("odirect takes DEV DEVOFF LEN BLKDEV BLKOFF SEED");
	blkdev = argv[4];
	rc = get_range("DEVOFF", argv[2], argv[3], PAGE, &devoff, &len);
	if (!rc)
		rc = cli_get_num("BLKOFF", argv[5], &blkoff);
	if (!rc)
		rc = cli_get_num("SEED", argv[6], &seed);
	if (rc)
		return rc;
	if (blkoff % PAGE)
		return cli_usage_error("BLKOFF (%s) must be a multiple of %u: O_DIRECT needs whole blocks",
				       argv[5], PAGE);
	if (len > INT64_MAX - devoff - len || blkoff > INT64_MAX - len)
		return cli_usage_error("offsets too large");

	if (daxdev_open(&d, argv[1], err))
		return cli_error("%s", err);
	if (devoff + 2 * len > d.size) {
		daxdev_close(&d);
		return cli_error("odirect: DEVOFF+2*LEN = 0x%" PRIx64 " is beyond the device size 0x%"
				 PRIx64 ": the data is read back into the LEN bytes after DEVOFF+LEN",
				 devoff + 2 * len, d.size);
	}
	if (daxdev_map(&d, devoff, 2 * len, &m, err)) {
		daxdev_close(&d);
		return cli_error("%s", err);
	}
	a = m.p;
	b = m.p + len;

	fd = open(blkdev, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (fd < 0) {
		rc = cli_error("odirect: open %s O_RDWR|O_DIRECT: %s", blkdev, strerror(errno));
		goto out_unmap;
	}
	rc = EXIT_FAILURE;
	pattern_fill(a, devoff, len, seed);
	daxdev_barrier();
	/* The buffer is the device mapping itself: the block layer DMAs from the BAR. */
	if (direct_io(true, fd, blkdev, a, len, blkoff))
		goto out_close;
	if (fsync(fd)) {
		cli_error("odirect: fsync %s: %s", blkdev, strerror(errno));
		goto out_close;
	}
	for (i = 0; i < len; i += 8)
		*(volatile uint64_t *)(b + i) = 0;
	daxdev_barrier();
	if (direct_io(false, fd, blkdev, b, len, blkoff))
		goto out_close;
	bad = pattern_check(b, devoff, len, seed, &first_bad);
	if (bad) {
		report_mismatch(first_bad, bad);
		printf("(read back from %s at 0x%" PRIx64 " into device offset 0x%" PRIx64
		       "; the bad offset is that of the pattern written from 0x%" PRIx64 ")\n",
		       blkdev, blkoff, devoff + len, devoff);
		goto out_close;
	}
	printf("moved %" PRIu64 " bytes each way: %s 0x%" PRIx64 " -> %s 0x%" PRIx64
	       " -> %s 0x%" PRIx64 ", data intact\n",
	       len, argv[1], devoff, blkdev, blkoff, argv[1], devoff + len);
	rc = 0;
out_close:
	if (close(fd) && !rc)
		rc = cli_error("odirect: close %s: %s", blkdev, strerror(errno));
out_unmap:
	close_and_unmap(&d, &m);
	return rc;
}

/*
 * churn: what the range is known to hold, kept across a SIGBUS, so that the
 * next mapping of the device can check that nothing was lost or misplaced.
 * A store that faults does not happen and the pattern is written in
 * ascending order, so a fill cut short at byte S of the range leaves the new
 * round's words before S and the previous round's from S on.
 */
enum churn_phase { CHURN_IDLE, CHURN_FILL, CHURN_READ, CHURN_VERIFY };

#define CHURN_PAUSE_US		2000	/* between rounds: leave the CPU to the test */
#define CHURN_RETRY_US		5000	/* between attempts to reopen the device */
#define CHURN_MAX_REPORTS	10	/* mismatch lines printed at most */

static struct {
	struct daxdev d;
	struct daxmap m;
	volatile enum churn_phase phase;
	volatile uint64_t fill_seed;	/* the round being written */
	volatile bool uniform;		/* the whole range holds uniform_seed */
	volatile uint64_t uniform_seed;
	/* To check after the next map: [0, split) lo_seed, [split, len) hi_seed. */
	volatile bool pending, hi_known;
	volatile uint64_t split, lo_seed, hi_seed;
	volatile uint64_t maps, rounds, sigbus, maprounds, checked, mismatches, reports;
	volatile uint64_t enoent, enxio, same_node, other;
} ch;

static void churn_status(const char *path)
{
	char tmp[4096], line[128];
	int fd, n;

	/* Written aside and renamed: a reader never sees half a line. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	n = snprintf(line, sizeof(line), "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		     ch.maps, ch.rounds, ch.sigbus, ch.maprounds);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) == n)
		(void)!rename(tmp, path);
	close(fd);
}

/* Compare @len bytes at range offset @at with round @seed; count and report. */
static bool churn_check(uint64_t at, uint64_t len, uint64_t seed, const char *what)
{
	uint64_t first_bad = 0;
	size_t bad;

	if (!len)
		return true;
	bad = pattern_check(ch.m.p + at, ch.m.off + at, len, seed, &first_bad);
	if (!bad)
		return true;
	ch.mismatches++;
	if (ch.reports++ < CHURN_MAX_REPORTS) {
		printf("churn: %s, map %" PRIu64 ", round seed %" PRIu64 ": ", what, ch.maps, seed);
		report_mismatch(first_bad, bad);
		fflush(stdout);
	}
	return false;
}

static void churn_final_part(uint64_t seed, uint64_t off, uint64_t len)
{
	if (len)
		printf("churn: final seed %" PRIu64 " at offset 0x%" PRIx64 " length 0x%" PRIx64 "\n",
		       seed, off, len);
}

/* What the range holds at the end, as far as it is known: one line per part. */
static void churn_final(uint64_t off, uint64_t len)
{
	if (ch.pending) {
		churn_final_part(ch.lo_seed, off, ch.split);
		if (ch.split < len && ch.hi_known)
			churn_final_part(ch.hi_seed, off + ch.split, len - ch.split);
	} else if (ch.uniform) {
		churn_final_part(ch.uniform_seed, off, len);
	}
}

/*
 * Whether the node @d was opened through is another than the one whose device
 * went away (@lost: its inode). device_dax (6.1 and 6.12 alike) lets open()
 * succeed on a device that is already dead but not yet deleted (between
 * kill_dev_dax() and the removal of its node), with no device behind the
 * file, and mmap() of that file dereferences NULL in check_vma(): an oops. A
 * process woken by the SIGBUS of the teardown reopens right in that window,
 * so churn reopens only a new node: the one of a re-created device.
 * P2PDAX_CHURN_REOPEN_SAME=1 lets it reopen the old node, to show the bug.
 */
static bool churn_new_node(const struct daxdev *d, const struct stat *lost, struct stat *st)
{
	if (fstat(d->fd, st))
		return false;
	if (getenv("P2PDAX_CHURN_REOPEN_SAME"))
		return true;
	/* devtmpfs numbers its inodes with get_next_ino(): never reused soon. */
	return st->st_dev != lost->st_dev || st->st_ino != lost->st_ino;
}

static int cmd_churn(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	const char *dev, *status, *stop;
	char err[DAXDEV_ERRLEN], last_err[DAXDEV_ERRLEN] = "";
	static struct stat lost, cur;	/* static: survive siglongjmp() */
	uint64_t off, len, seed;
	int rc;

	if (argc != 7)
		return cli_usage_error("churn takes DEV OFF LEN SEED STATUSFILE STOPFILE");
	dev = argv[1];
	status = argv[5];
	stop = argv[6];
	rc = get_range("OFF", argv[2], argv[3], 8, &off, &len);
	if (!rc)
		rc = cli_get_num("SEED", argv[4], &seed);
	if (rc)
		return rc;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		return cli_error("sigaction: %s", strerror(errno));
	ch.d.fd = -1;
	ch.m.base = MAP_FAILED;

	if (sigsetjmp(bus_jmp, 1)) {
		char *a = bus_addr, *p = (char *)ch.m.p;

		if (a < p || a >= p + len) {
			rc = cli_error("churn: SIGBUS at %p, outside [%p, %p) that it touches",
				       bus_addr, (void *)p, (void *)(p + len));
			goto out;
		}
		ch.sigbus++;
		switch (ch.phase) {
		case CHURN_FILL:
			ch.pending = true;
			ch.split = (uint64_t)(a - p) & ~(uint64_t)7;
			ch.lo_seed = ch.fill_seed;
			ch.hi_known = ch.uniform;
			ch.hi_seed = ch.uniform_seed;
			ch.uniform = false;
			break;
		case CHURN_READ:
		case CHURN_IDLE:
			ch.pending = ch.uniform;
			ch.split = len;
			ch.lo_seed = ch.uniform_seed;
			break;
		case CHURN_VERIFY:	/* nothing was written: check it next time */
			break;
		}
		ch.phase = CHURN_IDLE;
		close_and_unmap(&ch.d, &ch.m);
		churn_status(status);
	}

	while (access(stop, F_OK)) {
		if (ch.m.base == MAP_FAILED) {
			/* The device is gone or not back yet: ENOENT, then ENXIO. */
			if (!daxdev_open(&ch.d, dev, err) && !churn_new_node(&ch.d, &lost, &cur)) {
				ch.same_node++;
				close_and_unmap(&ch.d, &ch.m);
				usleep(CHURN_RETRY_US);
				continue;
			}
			if (ch.d.fd < 0 || daxdev_map(&ch.d, off, len, &ch.m, err)) {
				if (errno == ENOENT) {
					ch.enoent++;
				} else if (errno == ENXIO || errno == ENODEV) {
					ch.enxio++;
				} else {
					ch.other++;
					snprintf(last_err, sizeof(last_err), "%s", err);
				}
				close_and_unmap(&ch.d, &ch.m);
				usleep(CHURN_RETRY_US);
				continue;
			}
			ch.maps++;
			ch.maprounds = 0;
			lost = cur;	/* the node to stay away from once this one goes */
			churn_status(status);
			if (ch.pending) {
				ch.phase = CHURN_VERIFY;
				if (churn_check(0, ch.split, ch.lo_seed, "after a remap") &&
				    (!ch.hi_known ||
				     churn_check(ch.split, len - ch.split, ch.hi_seed, "after a remap")))
					ch.checked++;
				ch.phase = CHURN_IDLE;
				ch.pending = false;
				ch.uniform = ch.split == len;
				ch.uniform_seed = ch.lo_seed;
			}
		}
		ch.fill_seed = seed + ch.rounds;
		ch.phase = CHURN_FILL;
		pattern_fill(ch.m.p, off, len, ch.fill_seed);
		daxdev_barrier();
		ch.uniform_seed = ch.fill_seed;
		ch.uniform = true;
		ch.phase = CHURN_READ;
		churn_check(0, len, ch.fill_seed, "read back");
		ch.phase = CHURN_IDLE;
		ch.rounds++;
		ch.maprounds++;
		churn_status(status);
		usleep(CHURN_PAUSE_US);
	}
	rc = ch.mismatches ? EXIT_FAILURE : 0;
	if (!ch.rounds)
		rc = cli_error("churn: no round completed");
out:
	close_and_unmap(&ch.d, &ch.m);
	printf("churn: %" PRIu64 " rounds, %" PRIu64 " maps, %" PRIu64 " SIGBUS, %" PRIu64
	       " remaps found the data kept, %" PRIu64 " mismatches\n",
	       ch.rounds, ch.maps, ch.sigbus, ch.checked, ch.mismatches);
	printf("churn: reopen attempts failed: %" PRIu64 " no device (ENOENT), %" PRIu64
	       " device going or gone (ENXIO/ENODEV), %" PRIu64 " the lost device's node, %"
	       PRIu64 " other%s%s\n", ch.enoent, ch.enxio, ch.same_node, ch.other,
	       ch.other ? ", the last: " : "", last_err);
	churn_final(off, len);
	return rc;
}

/* Text for people to read: the demo writes a message and shows the bytes. */
static int cmd_write(int argc, char **argv)
{
	uint64_t off, len;
	struct daxdev d;
	struct daxmap m;
	size_t i;
	int rc;

	if (argc != 4)
		return cli_usage_error("write takes DEV OFF TEXT");
	len = strlen(argv[3]);
	if (!len)
		return cli_usage_error("write: TEXT is empty");
	rc = cli_get_num("OFF", argv[2], &off);
	if (rc)
		return rc;
	if (open_and_map(argv[1], off, len, &d, &m))
		return EXIT_FAILURE;
	for (i = 0; i < len; i++)
		m.p[i] = argv[3][i];
	daxdev_barrier();
	close_and_unmap(&d, &m);
	printf("wrote %" PRIu64 " bytes at offset 0x%" PRIx64 "\n", len, off);
	return 0;
}

static int cmd_dump(int argc, char **argv)
{
	uint64_t off, len, i;
	struct daxdev d;
	struct daxmap m;
	int rc;

	if (argc != 4)
		return cli_usage_error("dump takes DEV OFF LEN");
	rc = cli_get_num("OFF", argv[2], &off);
	if (!rc)
		rc = cli_get_num("LEN", argv[3], &len);
	if (rc)
		return rc;
	if (!len || len > 4096)
		return cli_usage_error("dump: LEN must be 1 to 4096");
	if (open_and_map(argv[1], off, len, &d, &m))
		return EXIT_FAILURE;
	for (i = 0; i < len; i += 16) {
		uint64_t j;

		printf("%08" PRIx64 " ", off + i);
		for (j = i; j < i + 16; j++)
			j < len ? printf(" %02x", (unsigned char)m.p[j]) :
				  printf("   ");
		printf("  |");
		for (j = i; j < i + 16 && j < len; j++)
			putchar(m.p[j] >= 0x20 && m.p[j] < 0x7f ? m.p[j] : '.');
		printf("|\n");
	}
	close_and_unmap(&d, &m);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "fill", cmd_fill },
		{ "check", cmd_check },
		{ "hold", cmd_hold },
		{ "pin", cmd_pin },
		{ "odirect", cmd_odirect },
		{ "churn", cmd_churn },
		{ "write", cmd_write },
		{ "dump", cmd_dump },
	};

	cli_prog = "daxtool";
	/* -h or --help anywhere on the line, even after an unknown command. */
	if (cli_want_help(argc, argv)) {
		fputs(usage_text, stdout);
		return 0;
	}
	return cli_dispatch(cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv);
}
