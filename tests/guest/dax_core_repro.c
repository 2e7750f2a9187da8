// SPDX-License-Identifier: GPL-2.0
/*
 * dax_core_repro - the steps of the dax-core reproducers
 * (patches/upstream/repro) that a shell cannot take: mmap() at a chosen file
 * offset and address, an open and mmap() of a device that is not alive, and
 * an mremap() of a 1 GiB mapping and a read of /proc/self/smaps over one,
 * each seen in the page tables through the test-only module
 * tests/kmod/pteprobe.
 * Each command prints one line saying what the kernel did.
 *
 * Exit status: 0 if the kernel did what a fixed kernel does (refused, or
 * moved the entry), 1 if it did what a stock kernel does (or anything else
 * unexpected), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "daxdev.h"
#include "pteprobe.h"

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
"                     the file and say what that did (exit 1)\n"
"  mremap DEV         map the first 1 GiB of DEV (a 1G device), write to it,\n"
"                     mremap() it to another 1 GiB-aligned address, and read\n"
"                     the entry there before any access (/dev/pteprobe):\n"
"                     \"moved\" if it is the 1 GiB entry and the data reads\n"
"                     back (exit 0), else what was there (exit 1)\n"
"  smaps DEV          map the first 1 GiB of DEV (a 1G device) and write to it,\n"
"                     then read /proc/self/smaps: \"kept\" if the 1 GiB entry\n"
"                     is still mapped after the read and smaps counted it as\n"
"                     resident (exit 0), else what happened (exit 1)\n";

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

/*
 * Open @path, a 1G device of at least 1 GiB, into @d, and /dev/pteprobe.
 * Return: pteprobe's fd, or -1 with the reason on stderr.
 */
static int open_1g(const char *path, struct daxdev *d)
{
	char err[DAXDEV_ERRLEN];
	int fd;

	if (daxdev_open(d, path, err)) {
		fprintf(stderr, "dax_core_repro: %s\n", err);
		return -1;
	}
	if (d->align != 1u << 30 || d->size < 1u << 30) {
		fprintf(stderr, "dax_core_repro: %s: needs a 1G device\n", path);
		return -1;
	}
	fd = open("/dev/" PTEPROBE_NAME, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		perror("dax_core_repro: /dev/" PTEPROBE_NAME " (modprobe pteprobe)");
	return fd;
}

static int cmd_mremap(const char *path)
{
	static const uint64_t offs[] = { 0, PAGE, 512u << 20, (1u << 30) - 8 };
	const uint64_t gib = 1u << 30;
	struct pteprobe_walk w = { 0 };
	struct daxdev d;
	char *p, *q, *dest;
	unsigned int i;
	int fd, rc, bad = 0;

	fd = open_1g(path, &d);
	if (fd < 0)
		return 1;
	p = mmap(NULL, gib, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	dest = aligned_hole(gib, gib);
	if (p == MAP_FAILED || !dest || ((uintptr_t)p & (gib - 1))) {
		fprintf(stderr, "dax_core_repro: mmap: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		*(volatile uint64_t *)(p + offs[i]) = 0xa11ce000 + i;
	q = mremap(p, gib, gib, MREMAP_MAYMOVE | MREMAP_FIXED, dest);
	if (q == MAP_FAILED) {
		printf("mremap: %s\n", strerror(errno));
		return 1;
	}
	w.addr = (uintptr_t)q;
	rc = ioctl(fd, PTEPROBE_IOC_WALK, &w);
	if (rc == 0 && w.level == PTEPROBE_LEVEL_PUD)
		printf("moved: the 1 GiB entry %#llx is at the new address\n",
		       (unsigned long long)w.entry);
	else if (rc < 0 && errno == ENOENT)
		printf("not moved: nothing mapped at the new address (entry %#llx)\n",
		       (unsigned long long)w.entry);
	else
		printf("not moved: walk: %s, level %u, entry %#llx\n",
		       rc < 0 ? strerror(errno) : "ok", w.level,
		       (unsigned long long)w.entry);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		if (*(volatile uint64_t *)(q + offs[i]) != 0xa11ce000 + i) {
			printf("data lost at offset %#llx\n", (unsigned long long)offs[i]);
			bad = 1;
		}
	}
	munmap(q, gib);
	return bad || rc || w.level != PTEPROBE_LEVEL_PUD;
}

/* The smaps "Rss:" of the vma that starts at @start, in kB; -1 if none. */
static long smaps_rss_kb(uintptr_t start)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	unsigned long s, e;
	char line[512];
	long rss = -1;
	int in = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			in = s == start;
			continue;
		}
		if (in && sscanf(line, "Rss: %ld kB", &rss) == 1)
			in = 0;
	}
	fclose(f);
	return rss;
}

/* The level of the entry that maps @p, or -1 with errno. */
static int walk_level(int fd, const void *p, unsigned long long *entry)
{
	struct pteprobe_walk w = { .addr = (uintptr_t)p };
	int rc = ioctl(fd, PTEPROBE_IOC_WALK, &w);

	*entry = w.entry;
	return rc < 0 && errno != ENOENT ? -1 : (int)w.level;
}

static int cmd_smaps(const char *path)
{
	const uint64_t gib = 1u << 30;
	unsigned long long before, after;
	int fd, l0, l1;
	struct daxdev d;
	long rss;
	char *p;

	fd = open_1g(path, &d);
	if (fd < 0)
		return 1;
	p = mmap(NULL, gib, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "dax_core_repro: mmap: %s\n", strerror(errno));
		return 1;
	}
	*(volatile uint64_t *)p = 0x5ad5;
	l0 = walk_level(fd, p, &before);
	rss = smaps_rss_kb((uintptr_t)p);
	l1 = walk_level(fd, p, &after);
	printf("%s: entry %#llx (level %d) before reading smaps, %#llx (level %d) after; smaps Rss %ld kB\n",
	       l0 == PTEPROBE_LEVEL_PUD && l1 == PTEPROBE_LEVEL_PUD && rss == 1024 * 1024 ?
	       "kept" : "not kept", before, l0, after, l1, rss);
	munmap(p, gib);
	return !(l0 == PTEPROBE_LEVEL_PUD && l1 == PTEPROBE_LEVEL_PUD && rss == 1024 * 1024);
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
	if (!strcmp(argv[1], "mremap"))
		return cmd_mremap(argv[2]);
	if (!strcmp(argv[1], "smaps"))
		return cmd_smaps(argv[2]);
	fprintf(stderr, "dax_core_repro: unknown command '%s'\n%s", argv[1], usage_text);
	return 2;
}
