// SPDX-License-Identifier: GPL-2.0
/*
 * patcheck - write or verify the pattern of tools/daxmap/lib/pattern.h in a
 * file or a block device with plain pread/pwrite, on the host (bar.img,
 * nvme.img) or in the guest. The pattern offset of each word is its byte
 * offset in the file, so "seed S at offset X" means the same bytes here and
 * through /dev/daxX.Y.
 *
 *   patcheck fill [-x] FILE OFF LEN SEED
 *   patcheck check [-b BASE] FILE OFF LEN SEED
 *   patcheck zero FILE OFF LEN
 *
 * With -b, the pattern offset is the file offset minus BASE: the check of a
 * dax device that starts at BASE in the file behind the BAR, written through
 * the device at its own offsets.
 *
 * Exit status: 0 ok, 1 the data is not as expected or an I/O error, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "pattern.h"
#include "cli.h"
#include "numparse.h"

#define CHUNK	(1u << 20)	/* bytes per read/write: files are up to 2 GiB */

enum { EXIT_OK = 0, EXIT_FAIL = CLI_EXIT_FAIL };

static const char usage_text[] =
"usage: patcheck fill [-x|--extend] FILE OFF LEN SEED\n"
"       patcheck check [-b|--base BASE] FILE OFF LEN SEED\n"
"       patcheck zero FILE OFF LEN\n"
"\n"
"  fill   write the test pattern SEED into FILE at [OFF, OFF+LEN) with pwrite;\n"
"         refuses to write past the end of a regular file unless -x (which\n"
"         also creates FILE)\n"
"  check  read [OFF, OFF+LEN) and compare it with the pattern SEED; prints\n"
"         \"ok\" or \"mismatch: first bad offset 0x..., N bad words\"; with -b,\n"
"         the pattern as written at offset 0 of a device that starts at BASE\n"
"         in FILE (pattern offset = file offset - BASE; BASE <= OFF)\n"
"  zero   check that [OFF, OFF+LEN) is all zero bytes (nothing landed there)\n"
"\n"
"FILE is a regular file or a block device. Numbers are " PARSE_U64_FORMS ".\n"
"Pattern offsets are file offsets; OFF and LEN of fill/check are multiples of 8.\n"
"Exit status: 0 ok, 1 data not as expected or I/O error, 2 usage error.\n";

static int usage(void)
{
	fputs(usage_text, stdout);
	return EXIT_OK;
}

/* OFF and LEN from the command line: [OFF, OFF+LEN) must be a valid off_t range. */
static int get_range(char **argv, uint64_t *off, uint64_t *len, bool words)
{
	int rc;

	rc = cli_get_num("OFF", argv[0], off);
	if (!rc)
		rc = cli_get_num("LEN", argv[1], len);
	if (rc)
		return rc;
	if (*off > INT64_MAX || *len > INT64_MAX - *off)
		return cli_usage_error("OFF+LEN (%s+%s) is beyond the largest file offset",
				       argv[0], argv[1]);
	if (words && (*off % 8 || *len % 8))
		return cli_usage_error("OFF (%s) and LEN (%s) must be multiples of 8: %s",
				       argv[0], argv[1], "the pattern is made of 64-bit words");
	return 0;
}

/*
 * The FILE OFF LEN [SEED] of every command, @argv at FILE: fill and check
 * pass @seed and work on the pattern, in whole 64-bit words; zero passes
 * NULL and takes any byte range.
 */
static int get_args(char **argv, uint64_t *off, uint64_t *len, uint64_t *seed)
{
	int rc = get_range(argv + 1, off, len, seed != NULL);

	if (!rc && seed)
		rc = cli_get_num("SEED", argv[3], seed);
	return rc;
}

/*
 * Size of a regular file or block device; -1 (no limit known) for anything
 * else, whose reads and writes then simply report where they stop.
 */
static int64_t file_size(int fd, const char *path)
{
	struct stat st;
	uint64_t bytes;

	if (fstat(fd, &st)) {
		cli_error("%s: fstat: %s", path, strerror(errno));
		return -2;
	}
	if (S_ISREG(st.st_mode))
		return st.st_size;
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &bytes)) {
			cli_error("%s: BLKGETSIZE64: %s", path, strerror(errno));
			return -2;
		}
		return (int64_t)bytes;
	}
	return -1;
}

static int open_range(const char *path, int flags, uint64_t off, uint64_t len,
		      bool may_extend)
{
	int64_t size;
	int fd;

	fd = open(path, flags | O_CLOEXEC, 0644);
	if (fd < 0) {
		cli_error("%s: %s", path, strerror(errno));
		return -1;
	}
	size = file_size(fd, path);
	if (size == -2 || (!may_extend && size >= 0 && off + len > (uint64_t)size)) {
		if (size != -2)
			cli_error("%s: range 0x%" PRIx64 "+0x%" PRIx64
				  " ends beyond the end of the file (size 0x%" PRIx64 ")%s",
				  path, off, len, (uint64_t)size,
				  flags & O_WRONLY ? "; use fill -x to extend it" : "");
		close(fd);
		return -1;
	}
	return fd;
}

/* Read exactly @len bytes at @off, or say where and why not. */
static int read_full(int fd, const char *path, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("%s: read at 0x%" PRIx64 ": %s",
				  path, off + done, strerror(errno));
			return -1;
		}
		if (n == 0) {
			cli_error("%s: end of file at 0x%" PRIx64, path, off + done);
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const char *path, const void *buf, size_t len,
		      uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(fd, (const char *)buf + done, len - done,
			   (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cli_error("%s: write at 0x%" PRIx64 ": %s",
				  path, off + done, n ? strerror(errno) : "no progress");
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static void *chunk_buf(void)
{
	void *buf = malloc(CHUNK);

	if (!buf)
		cli_error("out of memory");
	return buf;
}

/*
 * Read [@off, @off+@len) of @path a chunk at a time and count what is not as
 * expected: with @seed, the 64-bit words that differ from that pattern;
 * without (NULL), the bytes that are not zero. @first is the offset of the
 * first of them.
 * Return: 0 having read it all, -1 after reporting an error.
 */
static int scan_range(const char *path, uint64_t off, uint64_t len,
		      const uint64_t *seed, uint64_t base, uint64_t *first,
		      uint64_t *count)
{
	unsigned char *buf;
	uint64_t pos;
	int fd, rc = -1;

	*first = *count = 0;
	buf = chunk_buf();
	if (!buf)
		return -1;
	fd = open_range(path, O_RDONLY, off, len, false);
	if (fd < 0)
		goto out_free;
	for (pos = off; pos < off + len; pos += CHUNK) {
		size_t i, n = off + len - pos < CHUNK ? off + len - pos : CHUNK;
		uint64_t fb = 0, bad = 0;

		if (read_full(fd, path, buf, n, pos))
			goto out_close;
		if (seed) {
			bad = pattern_check(buf, pos - base, n, *seed, &fb);
			fb += base;
		} else {
			for (i = 0; i < n; i++)
				if (buf[i] && !bad++)
					fb = pos + i;
		}
		if (bad && !*count)
			*first = fb;
		*count += bad;
	}
	rc = 0;
out_close:
	close(fd);
out_free:
	free(buf);
	return rc;
}

static int cmd_fill(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "extend", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t off, len, seed, pos;
	bool extend = false;
	int c, fd, rc;
	void *buf;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+xh", opts, NULL)) != -1) {
		switch (c) {
		case 'x':
			extend = true;
			break;
		case 'h':
			return usage();
		default:
			return cli_usage_error("fill: bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 4)
		return cli_usage_error("fill takes FILE OFF LEN SEED");
	rc = get_args(argv, &off, &len, &seed);
	if (rc)
		return rc;

	rc = EXIT_FAIL;
	buf = chunk_buf();
	if (!buf)
		return EXIT_FAIL;
	fd = open_range(argv[0], O_WRONLY | (extend ? O_CREAT : 0), off, len, extend);
	if (fd < 0)
		goto out_free;
	for (pos = off; pos < off + len; pos += CHUNK) {
		size_t n = off + len - pos < CHUNK ? off + len - pos : CHUNK;

		pattern_fill(buf, pos, n, seed);
		if (write_full(fd, argv[0], buf, n, pos))
			goto out_close;
	}
	/* Special files may not support fsync; their data is written through. */
	if (fsync(fd) && errno != EINVAL && errno != EROFS) {
		cli_error("%s: fsync: %s", argv[0], strerror(errno));
		goto out_close;
	}
	rc = EXIT_OK;
out_close:
	if (close(fd) && rc == EXIT_OK)
		rc = cli_error("%s: close: %s", argv[0], strerror(errno));
out_free:
	free(buf);
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t off, len, seed, first_bad, bad, base = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			rc = cli_get_num("BASE", optarg, &base);
			if (rc)
				return rc;
			if (base % 8)
				return cli_usage_error("BASE (%s) must be a multiple of 8", optarg);
			break;
		case 'h':
			return usage();
		default:
			return cli_usage_error("check: bad option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 4)
		return cli_usage_error("check takes [-b BASE] FILE OFF LEN SEED");
	rc = get_args(argv, &off, &len, &seed);
	if (rc)
		return rc;
	if (base > off)
		return cli_usage_error("BASE (0x%" PRIx64 ") is past OFF (0x%" PRIx64 ")", base, off);
	if (scan_range(argv[0], off, len, &seed, base, &first_bad, &bad))
		return EXIT_FAIL;
	if (bad) {
		printf("mismatch: first bad offset 0x%" PRIx64 ", %" PRIu64 " bad words\n",
		       first_bad, bad);
		return EXIT_FAIL;
	}
	printf("ok\n");
	return EXIT_OK;
}

static int cmd_zero(int argc, char **argv)
{
	uint64_t off, len, first, nonzero;
	int rc;

	if (argc == 2 && cli_is_help(argv[1]))
		return usage();
	if (argc != 4)
		return cli_usage_error("zero takes FILE OFF LEN");
	rc = get_args(argv + 1, &off, &len, NULL);
	if (rc)
		return rc;
	if (scan_range(argv[1], off, len, NULL, 0, &first, &nonzero))
		return EXIT_FAIL;
	if (nonzero) {
		printf("nonzero: first non-zero byte at offset 0x%" PRIx64 ", %" PRIu64
		       " non-zero bytes\n", first, nonzero);
		return EXIT_FAIL;
	}
	printf("ok\n");
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct cli_cmd cmds[] = {
		{ "fill", cmd_fill },
		{ "check", cmd_check },
		{ "zero", cmd_zero },
	};

	cli_prog = "patcheck";
	/* Here only in place of the command: each command handles its own -h. */
	if (argc >= 2 && cli_is_help(argv[1]))
		return usage();
	return cli_dispatch(cmds, sizeof(cmds) / sizeof(cmds[0]), argc, argv);
}
