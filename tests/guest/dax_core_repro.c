// SPDX-License-Identifier: GPL-2.0
/*
 * dax_core_repro - the steps of the dax-core reproducers
 * (patches/upstream/repro) that a shell cannot take: mmap() at a chosen file
 * offset and address, and an open and mmap() of a device that is not alive.
 * Each command prints one line saying what the kernel did.
 *
 * Exit status: 0 if the kernel refused as a fixed kernel does, 1 if it did
 * what a stock kernel does (or anything else unexpected), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daxdev.h"

#define PAGE	4096u

static const char usage_text[] =
"usage: dax_core_repro COMMAND DEV\n"
"\n"
"  pgoff DEV          map one alignment unit of DEV at file offset 4096 with\n"
"                     MAP_FIXED at an aligned address: \"refused: EINVAL\"\n"
"                     (exit 0), or \"mapped\" and where a word written through\n"
"                     it landed (exit 1)\n"
"  reopen DEV         open DEV, a disabled device: \"refused: ENXIO\" (exit 0),\n"
"                     or \"opened\" (exit 1)\n"
"  reopen-mmap DEV    the same, and if the open succeeds, mmap() one unit of\n"
"                     the file and say what that did (exit 1)\n";

/* An address aligned to @align with @len bytes free after it. */
static void *aligned_hole(uint64_t align, size_t len)
{
	void *p = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	return (void *)(((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1));
}

static int cmd_pgoff(const char *path)
{
	char err[DAXDEV_ERRLEN];
	struct daxmap m;
	struct daxdev d;
	volatile uint64_t *w;
	uint64_t marker = 0x5eed0ff5e7d0c0deULL;
	uint64_t at0, at4k;
	void *hole, *p;

	if (daxdev_open(&d, path, err)) {
		fprintf(stderr, "dax_core_repro: %s\n", err);
		return 1;
	}
	if (d.size < 2 * d.align) {
		fprintf(stderr, "dax_core_repro: %s: needs two alignment units\n", path);
		return 1;
	}
	hole = aligned_hole(d.align, d.align);
	if (!hole) {
		perror("dax_core_repro: mmap");
		return 1;
	}
	p = mmap(hole, d.align, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, d.fd, PAGE);
	if (p == MAP_FAILED) {
		if (errno == EINVAL) {
			printf("refused: EINVAL\n");
			return 0;
		}
		printf("refused: %s (not EINVAL)\n", strerror(errno));
		return 1;
	}
	/* What it maps: compare with a mapping at offset 0. */
	if (daxdev_map(&d, 0, 2 * PAGE, &m, err)) {
		fprintf(stderr, "dax_core_repro: %s\n", err);
		return 1;
	}
	w = (volatile uint64_t *)m.p;
	at0 = w[0];
	at4k = w[PAGE / sizeof(*w)];
	*(volatile uint64_t *)p = marker;
	printf("mapped at file offset %#x; a word written through it landed at device offset %s\n",
	       PAGE, w[PAGE / sizeof(*w)] == marker ? "0x1000" :
	       w[0] == marker ? "0 (the unit's start)" : "neither 0 nor 0x1000");
	/* Put back what was there. */
	w[0] = at0;
	w[PAGE / sizeof(*w)] = at4k;
	return 1;
}

static int cmd_reopen(const char *path, int do_mmap)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *p;

	if (fd < 0) {
		if (errno == ENXIO) {
			printf("refused: ENXIO\n");
			return 0;
		}
		printf("refused: %s (not ENXIO)\n", strerror(errno));
		return 1;
	}
	printf("opened\n");
	fflush(stdout);
	if (!do_mmap)
		return 1;
	/* 2 MiB: a unit of every device of the suite (mmap of a killed device
	 * fails before it looks at the alignment). */
	p = mmap(NULL, 2u << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	printf("mmap: %s\n", p == MAP_FAILED ? strerror(errno) : "mapped");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc != 3) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (!strcmp(argv[1], "pgoff"))
		return cmd_pgoff(argv[2]);
	if (!strcmp(argv[1], "reopen"))
		return cmd_reopen(argv[2], 0);
	if (!strcmp(argv[1], "reopen-mmap"))
		return cmd_reopen(argv[2], 1);
	fprintf(stderr, "dax_core_repro: unknown command '%s'\n%s", argv[1], usage_text);
	return 2;
}
