// SPDX-License-Identifier: GPL-2.0
/*
 * memtype - the memory type (WB, WC, UC-, UC, WT, WP) of a user mapping of a
 * /dev/daxX.Y, as the page tables hold it.
 *
 * It maps [OFFSET, OFFSET+LENGTH) of the device MAP_SHARED at an address
 * aligned to the device alignment, touches each alignment unit it probes
 * (at most MAX_PROBES of them, spread over the mapping) and reads the leaf
 * entry that maps it through the test-only module pteprobe
 * (tests/kmod/pteprobe.h: /dev/pteprobe). The type is decoded from the
 * entry's PAT index (PAT << 2 | PCD << 1 | PWT) and the IA32_PAT MSR the
 * module read on the same CPU, never from a table of what Linux usually
 * programs: what the kernel's memtype reservation says
 * (/sys/kernel/debug/x86/pat_memtype_list) is not necessarily what a fault
 * put into the page tables (see KERNEL-NOTES, "Memory type of user
 * mappings").
 *
 * With -m the mapping is then moved with mremap() to another aligned
 * address, touched and probed again: the moved entries must still map the
 * same memory.
 *
 * Exit status: 0 ok, 1 a probe failed or an expectation (-e) was not met,
 * 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "daxdev.h"
#include "numparse.h"
#include "pteprobe.h"

#define MAX_PROBES	4
#define PTEPROBE_DEV	"/dev/" PTEPROBE_NAME

#define SZ_4K		(UINT64_C(1) << 12)
#define SZ_2M		(UINT64_C(1) << 21)
#define SZ_1G		(UINT64_C(1) << 30)

/* x86 page-table entry bits that select the PAT entry (SDM vol. 3, 4.9.2). */
#define ENTRY_PWT	(UINT64_C(1) << 3)
#define ENTRY_PCD	(UINT64_C(1) << 4)
#define PTE_PAT		(UINT64_C(1) << 7)	/* in a 4 KiB PTE */
#define HUGE_PAT	(UINT64_C(1) << 12)	/* in a 2 MiB PMD or 1 GiB PUD leaf */
/* Physical address bits 12 (21, 30) to 51 of a 4 KiB (2 MiB, 1 GiB) leaf. */
#define PHYS_MASK	UINT64_C(0x000ffffffffff000)

static const char usage_text[] =
"usage: memtype [options] DEV\n"
"\n"
"Map DEV (a /dev/daxX.Y) MAP_SHARED read-write at an address aligned to its\n"
"alignment, touch it, and print the memory type of each probed alignment unit\n"
"(at most 4, spread over the mapping) as its page-table entry holds it:\n"
"  dax0.0 offset 0x0 leaf 2M entry 0x... pat-index 1 type WC\n"
"Needs the test-only module pteprobe (" PTEPROBE_DEV ") and root.\n"
"\n"
"  -o, --offset N   device offset to map and probe (default 0); a multiple of\n"
"                   the device alignment\n"
"  -l, --length N   mapping length, a multiple of the alignment (default: the\n"
"                   alignment)\n"
"  -a, --align N    the alignment if sysfs has none for DEV (4K, 2M or 1G;\n"
"                   must agree with /sys/bus/dax/devices/NAME/align if it has)\n"
"  -w, --write      touch by writing back what was read (default: read only)\n"
"  -m, --mremap     then move the mapping with mremap(MREMAP_MAYMOVE |\n"
"                   MREMAP_FIXED) to another aligned address, touch and probe\n"
"                   again (those lines end in \"(after mremap)\"); the entries\n"
"                   must still map the same memory\n"
"  -e, --expect T   fail unless every entry has type T (WB, WC, UC-, UC, WT\n"
"                   or WP) and is a leaf of the alignment's size (4K PTE, 2M\n"
"                   PMD, 1G PUD)\n"
"  -v, --verbose    also print the IA32_PAT MSR and the CPU of each probe\n"
"  -h, --help       this text\n"
"\n"
"Numbers are " PARSE_U64_FORMS ".\n"
"Exit status: 0 ok, 1 a probe failed or an expectation was not met,\n"
"2 usage error.\n";

/* The memory types an IA32_PAT entry (one byte of the MSR) can select. */
static const char *const pat_type_names[8] = {
	[0] = "UC", [1] = "WC", [4] = "WT", [5] = "WP", [6] = "WB", [7] = "UC-",
};

struct opts {
	uint64_t off, len, align;
	bool have_len, have_align, write, mremap, verbose;
	int expect;			/* a PAT type (0-7), or -1: none */
	const char *path;
};

struct target {
	struct daxdev d;
	bool have_size;			/* d.size is known */
	char *addr;			/* the mapping, aligned to d.align */
	int probe_fd;			/* /dev/pteprobe */
};

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static const char *level_name(uint32_t level)
{
	switch (level) {
	case PTEPROBE_LEVEL_PTE:
		return "4K";
	case PTEPROBE_LEVEL_PMD:
		return "2M";
	case PTEPROBE_LEVEL_PUD:
		return "1G";
	default:
		return "none";
	}
}

/* The leaf level a fault of an @align-aligned device-dax maps with. */
static uint32_t level_for_align(uint64_t align)
{
	switch (align) {
	case SZ_4K:
		return PTEPROBE_LEVEL_PTE;
	case SZ_2M:
		return PTEPROBE_LEVEL_PMD;
	case SZ_1G:
		return PTEPROBE_LEVEL_PUD;
	default:
		return PTEPROBE_LEVEL_NONE;
	}
}

static int parse_type(const char *s)
{
	int i;

	for (i = 0; i < 8; i++)
		if (pat_type_names[i] && !strcasecmp(s, pat_type_names[i]))
			return i;
	return -1;
}

/* The PAT index of a leaf entry: PAT << 2 | PCD << 1 | PWT. */
static unsigned int pat_index(uint64_t entry, uint32_t level)
{
	uint64_t pat = level == PTEPROBE_LEVEL_PTE ? PTE_PAT : HUGE_PAT;

	return (entry & pat ? 4 : 0) | (entry & ENTRY_PCD ? 2 : 0) | (entry & ENTRY_PWT ? 1 : 0);
}

/* The physical address an entry maps: bit 12 of a huge leaf is its PAT bit. */
static uint64_t entry_phys(uint64_t entry, uint32_t level)
{
	uint64_t mask = PHYS_MASK;

	if (level == PTEPROBE_LEVEL_PMD)
		mask &= ~(SZ_2M - 1);
	else if (level == PTEPROBE_LEVEL_PUD)
		mask &= ~(SZ_1G - 1);
	return entry & mask;
}

static int get_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "align", required_argument, NULL, 'a' },
		{ "write", no_argument, NULL, 'w' },
		{ "mremap", no_argument, NULL, 'm' },
		{ "expect", required_argument, NULL, 'e' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->expect = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:l:a:wme:vh", longopts, NULL)) != -1) {
		rc = 0;
		switch (c) {
		case 'o':
			rc = cli_get_num("OFFSET", optarg, &o->off);
			break;
		case 'l':
			rc = cli_get_num("LENGTH", optarg, &o->len);
			o->have_len = true;
			break;
		case 'a':
			rc = cli_get_num("ALIGN", optarg, &o->align);
			o->have_align = true;
			break;
		case 'w':
			o->write = true;
			break;
		case 'm':
			o->mremap = true;
			break;
		case 'e':
			o->expect = parse_type(optarg);
			if (o->expect < 0)
				return cli_usage_error("unknown memory type '%s' (WB, WC, UC-, UC, WT or WP)",
						       optarg);
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		case ':':
			return cli_usage_error("option %s needs a value", argv[optind - 1]);
		default:
			if (optopt)
				return cli_usage_error("unknown option '-%c'", optopt);
			return cli_usage_error("unknown option '%s'", argv[optind - 1]);
		}
		if (rc)
			return rc;
	}
	if (optind == argc)
		return cli_usage_error("no device (DEV, a /dev/daxX.Y)");
	if (argc - optind > 1)
		return cli_usage_error("one device only: '%s' after '%s'", argv[optind + 1],
				       argv[optind]);
	o->path = argv[optind];
	if (o->have_len && !o->len)
		return cli_usage_error("LENGTH must not be 0");
	if (o->have_align && (o->align < SZ_4K || !is_pow2(o->align)))
		return cli_usage_error("ALIGN %" PRIu64 " is not a power of two >= 4096 (4K, 2M or 1G)",
				       o->align);
	return 0;
}

/*
 * DEV without a usable sysfs directory, for -a: what daxdev_open() checks
 * of the node itself, then open it read-write.
 */
static int open_bare(struct daxdev *d, const char *path, uint64_t align)
{
	char real[PATH_MAX];
	struct stat st;
	const char *base;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->path = path;
	if (!realpath(path, real) || stat(real, &st))
		return cli_error("%s: %s", path, strerror(errno));
	if (!S_ISCHR(st.st_mode) && !(getenv("P2PDAX_SYSFS") && S_ISREG(st.st_mode)))
		return cli_error("%s: not a character device (expected /dev/daxX.Y)", path);
	base = strrchr(real, '/') + 1;
	snprintf(d->name, sizeof(d->name), "%s", base);
	d->align = align;
	d->fd = open(real, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return cli_error("%s: open: %s", path, strerror(errno));
	return 0;
}

/*
 * Open DEV and settle the alignment: sysfs's, which -a must agree with, or
 * -a's where sysfs has none (ENOENT from daxdev_open() for a node that
 * exists: no /sys/bus/dax/devices/NAME, or no attribute in it).
 */
static int open_dev(struct opts *o, struct target *t)
{
	char err[DAXDEV_ERRLEN];
	struct stat st;

	if (stat(o->path, &st))
		return cli_error("%s: %s", o->path, strerror(errno));
	if (daxdev_open(&t->d, o->path, err)) {
		if (errno != ENOENT)
			return cli_error("%s", err);
		if (!o->have_align)
			return cli_error("%s; or give the alignment with -a", err);
		if (open_bare(&t->d, o->path, o->align))
			return CLI_EXIT_FAIL;
		fprintf(stderr, "%s: %s: no alignment in sysfs, using -a 0x%" PRIx64 "\n",
			cli_prog, o->path, o->align);
		return 0;
	}
	t->have_size = true;
	if (o->have_align && o->align != t->d.align)
		return cli_error("%s: -a 0x%" PRIx64 ", but sysfs says the alignment is 0x%" PRIx64,
				 o->path, o->align, t->d.align);
	return 0;
}

/* OFFSET and LENGTH against the device: whole units, inside it. */
static int check_range(struct opts *o, const struct target *t)
{
	uint64_t align = t->d.align;

	if (!o->have_len)
		o->len = align;
	if (o->off % align)
		return cli_usage_error("OFFSET 0x%" PRIx64 " is not a multiple of the alignment 0x%"
				       PRIx64 " of %s", o->off, align, o->path);
	if (o->len % align)
		return cli_usage_error("LENGTH 0x%" PRIx64 " is not a multiple of the alignment 0x%"
				       PRIx64 " of %s", o->len, align, o->path);
	if (t->have_size && (o->off > t->d.size || o->len > t->d.size - o->off))
		return cli_usage_error("0x%" PRIx64 "+0x%" PRIx64 " is beyond the size 0x%" PRIx64
				       " of %s", o->off, o->len, t->d.size, o->path);
	if (o->len > SIZE_MAX - align || o->off > (uint64_t)INT64_MAX)
		return cli_usage_error("0x%" PRIx64 "+0x%" PRIx64 " is too large", o->off, o->len);
	return 0;
}

/*
 * An inaccessible anonymous reservation of @len bytes at an @align-aligned
 * address, for a MAP_FIXED mapping or an mremap() to replace: @len + @align
 * bytes, the slack on both sides given back.
 */
static char *reserve_aligned(size_t len, size_t align)
{
	char *res, *p;
	size_t head;

	res = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (res == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)res + align - 1) & ~(uintptr_t)(align - 1));
	head = (size_t)(p - res);
	if (head)
		munmap(res, head);
	if (align - head)
		munmap(p + len, align - head);
	return p;
}

static int map_dev(const struct opts *o, struct target *t)
{
	char *p;

	p = reserve_aligned(o->len, t->d.align);
	if (!p)
		return cli_error("reserving 0x%" PRIx64 " bytes of address space: %s", o->len,
				 strerror(errno));
	t->addr = mmap(p, o->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, t->d.fd,
		       (off_t)o->off);
	if (t->addr == MAP_FAILED) {
		int e = errno;

		munmap(p, o->len);
		t->addr = NULL;
		return cli_error("%s: mmap 0x%" PRIx64 "+0x%" PRIx64 " MAP_SHARED at %p: %s",
				 o->path, o->off, o->len, (void *)p, strerror(e));
	}
	return 0;
}

/* Move the mapping to another aligned address; the old one is gone. */
static int move_map(const struct opts *o, struct target *t)
{
	char *p, *n;

	p = reserve_aligned(o->len, t->d.align);
	if (!p)
		return cli_error("reserving 0x%" PRIx64 " bytes of address space: %s", o->len,
				 strerror(errno));
	n = mremap(t->addr, o->len, o->len, MREMAP_MAYMOVE | MREMAP_FIXED, p);
	if (n == MAP_FAILED) {
		int e = errno;

		munmap(p, o->len);
		return cli_error("%s: mremap of 0x%" PRIx64 " bytes from %p to %p: %s", o->path,
				 o->len, (void *)t->addr, (void *)p, strerror(e));
	}
	t->addr = n;
	return 0;
}

static int open_probe(struct target *t)
{
	t->probe_fd = open(PTEPROBE_DEV, O_RDONLY | O_CLOEXEC);
	if (t->probe_fd >= 0)
		return 0;
	return cli_error("%s: %s%s", PTEPROBE_DEV, strerror(errno),
			 errno == ENOENT ? " (modprobe pteprobe)" :
			 errno == EACCES ? " (run as root)" : "");
}

/* Touch the first word of a unit, by reading it or by writing it back. */
static void touch(char *p, bool write)
{
	volatile uint64_t *w = (volatile uint64_t *)p;
	uint64_t v = *w;

	if (write)
		*w = v;
}

struct probe {
	uint64_t off;			/* device offset */
	struct pteprobe_walk w;
	bool ok;
};

/*
 * Probe alignment unit @unit of the mapping: print its line, and say what
 * is wrong with it.
 * Return: 0, or CLI_EXIT_FAIL.
 */
static int probe_unit(const struct opts *o, const struct target *t, uint64_t unit,
		      const char *when, struct probe *pr)
{
	uint32_t want_level = level_for_align(t->d.align);
	unsigned int idx, type;
	const char *name;
	int rc = 0;

	memset(pr, 0, sizeof(*pr));
	pr->off = o->off + unit * t->d.align;
	pr->w.addr = (uintptr_t)(t->addr + unit * t->d.align);
	touch(t->addr + unit * t->d.align, o->write);
	if (ioctl(t->probe_fd, PTEPROBE_IOC_WALK, &pr->w)) {
		if (errno == ENOENT)
			return cli_error("%s offset 0x%" PRIx64 "%s: no present entry after touching it "
					 "(entry 0x%" PRIx64 ")", t->d.name, pr->off, when,
					 (uint64_t)pr->w.entry);
		return cli_error("%s: walk of %s offset 0x%" PRIx64 "%s at %p: %s%s", PTEPROBE_DEV,
				 t->d.name, pr->off, when, (void *)(uintptr_t)pr->w.addr,
				 strerror(errno), errno == EPERM ? " (needs CAP_SYS_ADMIN)" : "");
	}
	pr->ok = true;
	idx = pat_index(pr->w.entry, pr->w.level);
	type = (unsigned int)(pr->w.pat >> (8 * idx)) & 0xff;
	name = type < 8 ? pat_type_names[type] : NULL;
	printf("%s offset 0x%" PRIx64 " leaf %s entry 0x%016" PRIx64 " pat-index %u type %s",
	       t->d.name, pr->off, level_name(pr->w.level), (uint64_t)pr->w.entry, idx,
	       name ? name : "reserved");
	if (!name)
		printf("(0x%02x)", type);
	if (o->verbose)
		printf(" pat-msr 0x%016" PRIx64 " cpu %u", (uint64_t)pr->w.pat, pr->w.cpu);
	printf("%s\n", when);

	if (o->expect >= 0 && (int)type != o->expect)
		rc = cli_error("%s offset 0x%" PRIx64 "%s: type %s, expected %s", t->d.name,
			       pr->off, when, name ? name : "reserved", pat_type_names[o->expect]);
	if (o->expect >= 0 && pr->w.level != want_level)
		rc = cli_error("%s offset 0x%" PRIx64 "%s: a %s leaf, expected %s for the "
			       "alignment 0x%" PRIx64, t->d.name, pr->off, when,
			       level_name(pr->w.level), level_name(want_level), t->d.align);
	return rc;
}

/*
 * Probe up to MAX_PROBES units spread over the mapping: the first, the last
 * and evenly between. With @before (after mremap), each must map what it
 * mapped before. Return: 0, or CLI_EXIT_FAIL.
 */
static int probe_all(const struct opts *o, const struct target *t, const char *when,
		     struct probe *probes, const struct probe *before)
{
	uint64_t units = o->len / t->d.align;
	unsigned int n = units < MAX_PROBES ? (unsigned int)units : MAX_PROBES, i;
	int rc = 0;

	for (i = 0; i < n; i++) {
		uint64_t unit = n > 1 ? i * (units - 1) / (n - 1) : 0;
		struct probe *pr = &probes[i];

		if (probe_unit(o, t, unit, when, pr))
			rc = CLI_EXIT_FAIL;
		if (!before || !pr->ok || !before[i].ok)
			continue;
		if (pr->w.level != before[i].w.level ||
		    entry_phys(pr->w.entry, pr->w.level) !=
		    entry_phys(before[i].w.entry, before[i].w.level))
			rc = cli_error("%s offset 0x%" PRIx64 "%s: maps 0x%" PRIx64 " (a %s leaf), "
				       "before mremap 0x%" PRIx64 " (a %s leaf): not the same memory",
				       t->d.name, pr->off, when,
				       entry_phys(pr->w.entry, pr->w.level), level_name(pr->w.level),
				       entry_phys(before[i].w.entry, before[i].w.level),
				       level_name(before[i].w.level));
	}
	fflush(stdout);
	return rc;
}

int main(int argc, char **argv)
{
	struct probe first[MAX_PROBES], moved[MAX_PROBES];
	struct target t = { .probe_fd = -1 };
	struct opts o;
	int rc;

	cli_prog = "memtype";
	rc = get_opts(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = open_dev(&o, &t);
	if (!rc)
		rc = check_range(&o, &t);
	if (!rc)
		rc = map_dev(&o, &t);
	if (!rc)
		rc = open_probe(&t);
	if (rc)
		return rc;

	rc = probe_all(&o, &t, "", first, NULL);
	if (o.mremap) {
		if (move_map(&o, &t))
			rc = CLI_EXIT_FAIL;
		else if (probe_all(&o, &t, " (after mremap)", moved, first))
			rc = CLI_EXIT_FAIL;
	}
	munmap(t.addr, o.len);
	close(t.probe_fd);
	daxdev_close(&t.d);
	return rc;
}
