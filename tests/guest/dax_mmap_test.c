// SPDX-License-Identifier: GPL-2.0
/*
 * dax_mmap_test - the mmap contract of a /dev/daxX.Y as device-dax (the stock
 * device_dax driver, drivers/dax/device.c) serves it, checked on the device
 * that dax_pci_p2p made of a PCI BAR. kselftest_harness.h fixture with one
 * variant per alignment; TAP on stdout.
 *
 * Environment:
 *   P2PDAX_DEV   the device under test, e.g. /dev/dax0.0 (required: a run
 *                without it is a harness bug and fails, it does not skip)
 *   P2PDAX_SEED  pattern seed (default 1)
 *
 * A variant whose alignment is not the device's, or does not fit in the
 * device, is skipped with the reason. Each test maps one alignment unit at
 * device offset 0, or two when they fit, and overwrites them.
 *
 * What device-dax refuses at mmap() time, from drivers/dax/device.c in 6.1:
 *
 * dax_mmap() calls check_vma(), which fails with
 *   - ENXIO  if the device is dead (not tested here: run.sh unbinds),
 *   - EINVAL if the vma lacks VM_MAYSHARE, i.e. for any MAP_PRIVATE mapping,
 *   - EINVAL if vm_start or vm_end is not a multiple of the device alignment,
 *   - EINVAL if the vma is not DAX capable (never the case for /dev/dax).
 * It does not look at the file offset (vm_pgoff) and does not compare the
 * range with the device size: offsets past the end are refused only at fault
 * time (SIGBUS).
 *
 * Where the address comes from decides which misalignments are refused:
 * dax_get_unmapped_area() only acts without an address hint (it goes straight
 * to the default allocator when addr != 0, MAP_FIXED included) and only when
 * [off, off + len) contains a whole aligned unit; it then returns an address
 * congruent to the file offset modulo the alignment. Hence, deterministically:
 *   - a length that is not a multiple of the alignment: start and end cannot
 *     both be aligned, whatever the address -> EINVAL;
 *   - MAP_FIXED at an address that is not aligned -> EINVAL;
 *   - no hint, an offset that is not a multiple of the alignment and a length
 *     that spans a whole aligned unit past it: the address inherits the
 *     offset's misalignment -> EINVAL.
 * Not refused: a misaligned offset at an aligned address (MAP_FIXED, or the
 * default allocator happening to return one). check_vma() passes, and the huge
 * fault handlers then look up a misaligned physical address that the PMD/PUD
 * entry truncates to the alignment: the mapping would show the device's data
 * from the aligned-down offset. misaligned_offset_refused reports what the
 * kernel does with that case without asserting it and without touching it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "../lib/pattern.h"
#include "daxdev.h"
#include "numparse.h"

#define SZ_4K	UINT64_C(0x1000)
#define SZ_2M	UINT64_C(0x200000)
#define SZ_1G	UINT64_C(0x40000000)

static uint64_t test_seed(void)
{
	const char *s = getenv("P2PDAX_SEED");
	uint64_t seed;

	if (!s)
		return 1;
	if (parse_u64(s, &seed)) {
		fprintf(stderr, "# P2PDAX_SEED '%s' is not a number (%s)\n", s, PARSE_U64_FORMS);
		exit(KSFT_FAIL);
	}
	return seed;
}

FIXTURE(dax) {
	struct daxdev dev;
	uint64_t chunks;	/* alignment units mapped by each test: 1 or 2 */
	uint64_t len;		/* chunks * align */
	uint64_t seed;
	char skip[256];		/* why this variant does not apply, or "" */
};

FIXTURE_VARIANT(dax) {
	const char *name;
	uint64_t align;
};

FIXTURE_VARIANT_ADD(dax, align_4k) { .name = "align_4k", .align = SZ_4K };
FIXTURE_VARIANT_ADD(dax, align_2m) { .name = "align_2m", .align = SZ_2M };
FIXTURE_VARIANT_ADD(dax, align_1g) { .name = "align_1g", .align = SZ_1G };

FIXTURE_SETUP(dax)
{
	const char *path = getenv("P2PDAX_DEV");
	char err[DAXDEV_ERRLEN];

	self->dev.fd = -1;
	ASSERT_NE(NULL, path) TH_LOG("P2PDAX_DEV is not set: the harness must name the device");
	ASSERT_EQ(0, daxdev_open(&self->dev, path, err)) TH_LOG("%s", err);
	self->seed = test_seed();

	if (variant->align > self->dev.size)
		snprintf(self->skip, sizeof(self->skip),
			 "alignment 0x%" PRIx64 " exceeds the device size 0x%" PRIx64,
			 variant->align, self->dev.size);
	else if (variant->align != self->dev.align)
		snprintf(self->skip, sizeof(self->skip),
			 "the device's alignment is 0x%" PRIx64 ", not 0x%" PRIx64,
			 self->dev.align, variant->align);
	self->chunks = 2 * variant->align <= self->dev.size ? 2 : 1;
	self->len = self->chunks * variant->align;
}

FIXTURE_TEARDOWN(dax)
{
	daxdev_close(&self->dev);
}

/*
 * SKIP() in FIXTURE_SETUP does not stop the test body in the 6.1 harness,
 * so every test starts with this.
 */
#define REQUIRE_VARIANT() do {						\
	if (self->skip[0])						\
		SKIP(return, "%s.%s: %s", variant->name, _metadata->name,	\
		     self->skip);						\
} while (0)

#define REQUIRE_ALIGN_ABOVE_4K() do {					\
	if (variant->align <= SZ_4K)					\
		SKIP(return, "%s.%s: %s", variant->name, _metadata->name,	\
		     "with 4 KiB alignment every mapping is aligned, nothing to refuse"); \
} while (0)

static void *map_dev(const struct daxdev *d, void *addr, uint64_t len, int flags,
		     uint64_t off)
{
	return mmap(addr, len, PROT_READ | PROT_WRITE, flags, d->fd, (off_t)off);
}

TEST_F_TIMEOUT(dax, shared_rw_roundtrip, 600)
{
	uint64_t first_bad = 0;
	size_t bad;
	void *m;

	REQUIRE_VARIANT();
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap 0x%" PRIx64 " MAP_SHARED: %s", self->len,
					 strerror(errno));
	/* dax_get_unmapped_area() aligns the address to the device alignment. */
	EXPECT_EQ(0, (uintptr_t)m % variant->align);

	pattern_fill(m, 0, self->len, self->seed);
	daxdev_barrier();
	bad = pattern_check(m, 0, self->len, self->seed, &first_bad);
	EXPECT_EQ(0, bad) TH_LOG("through the same mapping: first bad offset 0x%" PRIx64,
				 first_bad);
	ASSERT_EQ(0, munmap(m, self->len));

	/* A new mapping reads it back from the device, not from the old one. */
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("second mmap: %s", strerror(errno));
	bad = pattern_check(m, 0, self->len, self->seed, &first_bad);
	EXPECT_EQ(0, bad) TH_LOG("through a new mapping: first bad offset 0x%" PRIx64,
				 first_bad);
	ASSERT_EQ(0, munmap(m, self->len));
}

TEST_F(dax, private_refused)
{
	void *m;

	REQUIRE_VARIANT();
	/* check_vma(): no VM_MAYSHARE -> EINVAL, whatever the protection. */
	errno = 0;
	m = map_dev(&self->dev, NULL, variant->align, MAP_PRIVATE, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno) TH_LOG("MAP_PRIVATE read-write: %s", strerror(errno));
	if (m != MAP_FAILED)
		munmap(m, variant->align);

	errno = 0;
	m = mmap(NULL, variant->align, PROT_READ, MAP_PRIVATE, self->dev.fd, 0);
	EXPECT_EQ(MAP_FAILED, m);
	EXPECT_EQ(EINVAL, errno) TH_LOG("MAP_PRIVATE read-only: %s", strerror(errno));
	if (m != MAP_FAILED)
		munmap(m, variant->align);
}

TEST_F(dax, misaligned_len_refused)
{
	const uint64_t lens[] = { variant->align / 2, variant->align + SZ_4K };
	unsigned int i;
	void *m;

	REQUIRE_VARIANT();
	REQUIRE_ALIGN_ABOVE_4K();
	/*
	 * A length that is not a multiple of the alignment can never have both
	 * vm_start and vm_end aligned: check_vma() -> EINVAL wherever the
	 * address lands. (align + 4K also goes through the aligning path of
	 * dax_get_unmapped_area: aligned start, misaligned end.)
	 */
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		errno = 0;
		m = map_dev(&self->dev, NULL, lens[i], MAP_SHARED, 0);
		EXPECT_EQ(MAP_FAILED, m) TH_LOG("length 0x%" PRIx64 " was mapped", lens[i]);
		EXPECT_EQ(EINVAL, errno) TH_LOG("length 0x%" PRIx64 ": %s", lens[i],
						 strerror(errno));
		if (m != MAP_FAILED)
			munmap(m, lens[i]);
	}
}

TEST_F(dax, misaligned_addr_refused)
{
	uint64_t align = variant->align, resv_len = 4 * align;
	char *resv, *aligned;
	void *m;

	REQUIRE_VARIANT();
	REQUIRE_ALIGN_ABOVE_4K();
	/*
	 * Address space to place MAP_FIXED mappings in, never the device's
	 * own: MAP_FIXED over part of a device mapping would first have to
	 * split it, which dev_dax_may_split() refuses at a misaligned
	 * address, also with EINVAL, for a different reason.
	 */
	resv = mmap(NULL, resv_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, resv) TH_LOG("reserving 0x%" PRIx64 ": %s", resv_len,
					    strerror(errno));
	aligned = (char *)(((uintptr_t)resv + align - 1) & ~(uintptr_t)(align - 1));

	/* Control: MAP_FIXED itself is fine at an aligned address. */
	m = map_dev(&self->dev, aligned, align, MAP_SHARED | MAP_FIXED, 0);
	EXPECT_EQ(aligned, m) TH_LOG("MAP_FIXED at aligned %p: %s", aligned, strerror(errno));

	/* check_vma(): vm_start not aligned -> EINVAL. */
	errno = 0;
	m = map_dev(&self->dev, aligned + 2 * align + SZ_4K, align, MAP_SHARED | MAP_FIXED, 0);
	EXPECT_EQ(MAP_FAILED, m) TH_LOG("MAP_FIXED at misaligned %p was mapped",
					 aligned + 2 * align + SZ_4K);
	EXPECT_EQ(EINVAL, errno) TH_LOG("MAP_FIXED at %p: %s", aligned + 2 * align + SZ_4K,
					 strerror(errno));

	/* Drops whatever is left in the reservation, the control included. */
	EXPECT_EQ(0, munmap(resv, resv_len));
}

TEST_F(dax, misaligned_offset_refused)
{
	uint64_t align = variant->align, resv_len = 2 * align;
	char *resv, *aligned;
	void *m;

	REQUIRE_VARIANT();
	REQUIRE_ALIGN_ABOVE_4K();
	/*
	 * No hint, offset 4K, length 2 * align: [4K, 2 * align + 4K) contains
	 * the aligned unit [align, 2 * align), so dax_get_unmapped_area()
	 * returns an address congruent to 4K modulo align, and check_vma()
	 * refuses the misaligned vm_start. (Nothing is faulted: mmap does not
	 * check the range against the device size.)
	 */
	errno = 0;
	m = map_dev(&self->dev, NULL, 2 * align, MAP_SHARED, SZ_4K);
	EXPECT_EQ(MAP_FAILED, m) TH_LOG("offset 0x1000 was mapped at %p", m);
	EXPECT_EQ(EINVAL, errno) TH_LOG("offset 0x1000: %s", strerror(errno));
	if (m != MAP_FAILED)
		munmap(m, 2 * align);

	/* Control: an aligned offset maps (again not touched). */
	m = map_dev(&self->dev, NULL, align, MAP_SHARED, align);
	EXPECT_NE(MAP_FAILED, m) TH_LOG("offset 0x%" PRIx64 ": %s", align, strerror(errno));
	if (m != MAP_FAILED)
		munmap(m, align);

	/*
	 * Not asserted, reported: the same offset at an aligned MAP_FIXED
	 * address passes check_vma() in 6.1, which never looks at vm_pgoff.
	 * Never touched: its faults would map the aligned-down unit.
	 */
	resv = mmap(NULL, resv_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	ASSERT_NE(MAP_FAILED, resv);
	aligned = (char *)(((uintptr_t)resv + align - 1) & ~(uintptr_t)(align - 1));
	errno = 0;
	m = map_dev(&self->dev, aligned, align, MAP_SHARED | MAP_FIXED, SZ_4K);
	if (m == MAP_FAILED)
		TH_LOG("note: offset 0x1000 at an aligned MAP_FIXED address is refused: %s",
		       strerror(errno));
	else
		TH_LOG("note: offset 0x1000 at an aligned MAP_FIXED address is accepted%s",
		       " (check_vma() ignores the file offset); left untouched");
	EXPECT_EQ(0, munmap(resv, resv_len));
}

TEST_F_TIMEOUT(dax, fork_shares, 600)
{
	uint64_t first_bad = 0;
	int status;
	size_t bad;
	pid_t pid;
	void *m;

	REQUIRE_VARIANT();
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	pattern_fill(m, 0, self->len, self->seed);
	daxdev_barrier();

	fflush(NULL);
	pid = fork();
	ASSERT_LE(0, pid) TH_LOG("fork: %s", strerror(errno));
	if (!pid) {
		/* No harness macros here: they belong to the parent's test. */
		if (pattern_check(m, 0, self->len, self->seed, NULL))
			_exit(10);
		pattern_fill(m, 0, self->len, self->seed + 1);
		daxdev_barrier();
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("child status 0x%x", status);
	ASSERT_NE(10, WEXITSTATUS(status)) TH_LOG("the child does not see the parent's data");
	ASSERT_EQ(0, WEXITSTATUS(status));

	bad = pattern_check(m, 0, self->len, self->seed + 1, &first_bad);
	EXPECT_EQ(0, bad) TH_LOG("the parent does not see the child's data: first bad offset 0x%"
				 PRIx64, first_bad);
	ASSERT_EQ(0, munmap(m, self->len));
}

/* One 64-bit store per 4 KiB page: a fault per page if not mapped huge. */
static __attribute__((noinline)) void touch_pages(volatile char *p, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i += SZ_4K)
		*(volatile uint64_t *)(p + i) = i;
}

TEST_F(dax, minor_faults)
{
	struct rusage r0, r1, r2;
	char *warm;
	void *m;

	REQUIRE_VARIANT();
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));

	/*
	 * Fault in, outside the measurement, everything the measured code
	 * uses: the text of touch_pages() and getrusage(), and the stack and
	 * the rusage structs, which fork() left copy-on-write.
	 */
	warm = mmap(NULL, 2 * SZ_4K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, warm);
	touch_pages(warm, 2 * SZ_4K);
	ASSERT_EQ(0, getrusage(RUSAGE_SELF, &r2));
	ASSERT_EQ(0, getrusage(RUSAGE_SELF, &r1));
	ASSERT_EQ(0, getrusage(RUSAGE_SELF, &r0));

	/*
	 * Write faults only: a read fault first would map the unit read-only
	 * and cost a second fault to make it writable. Exact count expected:
	 * nothing else runs in this process between the two getrusage() calls.
	 */
	touch_pages(m, self->len);
	ASSERT_EQ(0, getrusage(RUSAGE_SELF, &r1));
	touch_pages(m, self->len);
	ASSERT_EQ(0, getrusage(RUSAGE_SELF, &r2));

	EXPECT_EQ(0, r1.ru_majflt - r0.ru_majflt);
	EXPECT_EQ((long)self->chunks, r1.ru_minflt - r0.ru_minflt)
		TH_LOG("first touch of %" PRIu64 " unit(s) of 0x%" PRIx64 " (%" PRIu64
		       " pages) cost %ld minor faults: not mapped at the device alignment",
		       self->chunks, variant->align, self->len / SZ_4K,
		       r1.ru_minflt - r0.ru_minflt);
	EXPECT_EQ(0, r2.ru_minflt - r1.ru_minflt) TH_LOG("second touch faulted again");
	munmap(warm, 2 * SZ_4K);
	ASSERT_EQ(0, munmap(m, self->len));
}

int main(int argc, char **argv)
{
	const char *path = getenv("P2PDAX_DEV");
	char err[DAXDEV_ERRLEN];
	struct daxdev d;

	/* Missing or broken input is the harness's bug: fail it, loudly, once. */
	if (!path) {
		ksft_print_header();
		ksft_exit_fail_msg("P2PDAX_DEV is not set: %s\n",
				   "name the device under test, e.g. P2PDAX_DEV=/dev/dax0.0");
	}
	if (daxdev_open(&d, path, err)) {
		ksft_print_header();
		ksft_exit_fail_msg("%s\n", err);
	}
	/* stderr: stdout must start with the harness's TAP header. */
	fprintf(stderr, "# %s: %s, alignment 0x%" PRIx64 ", size 0x%" PRIx64 ", seed %" PRIu64 "\n",
		path, d.name, d.align, d.size, test_seed());
	daxdev_close(&d);
	return test_harness_run(argc, argv);
}
