// SPDX-License-Identifier: GPL-2.0
/*
 * dax_mmap_test - the mmap contract of a /dev/daxX.Y as device-dax (the stock
 * device_dax driver, drivers/dax/device.c) serves it, checked on the device
 * that dax_pci_p2p made of a PCI BAR. kselftest_harness.h fixture with one
 * variant per alignment; TAP on stdout.
 *
 * Environment:
 *   P2PDAX_DEV       the device under test, e.g. /dev/dax0.0 (required: a run
 *                    without it is a harness bug and fails, it does not skip)
 *   P2PDAX_SEED      pattern seed (default 1)
 *   P2PDAX_TEARDOWN  comma-separated destructive tests to run: disable,
 *                    destroy, unbind (default none; the others SKIP; an
 *                    unknown word fails the run)
 *
 * A variant whose alignment is not the device's, or does not fit in the
 * device, is skipped with the reason; it never opens the device. Each test
 * maps one alignment unit at device offset 0, or two when they fit, and
 * overwrites them. Run once per device to cover every variant.
 *
 * Teardown tests and their order. They run last, in this order, and only
 * in the variant of the device's alignment:
 *   disable  disables and re-enables P2PDAX_DEV (daxctl); left enabled.
 *   destroy  creates a scratch device in the same region (daxctl
 *            create-device -s max(alignment, 2M) -a alignment), destroys it,
 *            creates and destroys it once more; the region is left as
 *            found. SKIPs if the region has less free space than that.
 *   unbind   unbinds dax_pci_p2p from the PCI function and binds it again.
 *            Afterwards the region is back as ONE device covering the whole
 *            BAR (region alignment): every device carved with daxctl is
 *            gone, P2PDAX_DEV may name another device or none. Put it in
 *            the last run of the suite, or recreate the devices after it.
 * The disable and unbind tests need root and daxctl in PATH (destroy too).
 *
 * What device-dax refuses at mmap() time, from drivers/dax/device.c in 6.1
 * (6.12 is the same in everything below):
 *
 * dax_mmap() calls check_vma(), which fails with
 *   - ENXIO  if the device is dead (disabled, destroyed, unbound),
 *   - EINVAL if the vma lacks VM_MAYSHARE, i.e. for any MAP_PRIVATE mapping
 *     (a writable private one may be refused with ENOMEM first, by the
 *     commit limit, before the driver is asked: hence MAP_NORESERVE),
 *   - EINVAL if vm_start or vm_end is not a multiple of the device alignment,
 *   - EINVAL if the vma is not DAX capable (never the case for /dev/dax).
 * It does not look at the file offset (vm_pgoff) and does not compare the
 * range with the device size: offsets past the end are refused only at fault
 * time (SIGBUS). The fault handlers call check_vma() again on every fault.
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
 *
 * After mmap (the dax vma: vm_ops with .may_split and .pagesize, VM_HUGEPAGE
 * set, no VM_DONTEXPAND/VM_PFNMAP):
 *   - /proc/self/smaps: KernelPageSize = MMUPageSize = the alignment
 *     (dev_dax_pagesize), Size = the mapped length, VmFlags has sh and hg.
 *   - Splitting the vma (partial munmap, shrinking mremap) at an address that
 *     is not aligned: dev_dax_may_split() -> EINVAL, vma unchanged. Aligned
 *     shrinks work.
 *   - mremap asks the driver nothing about the new range: growing in place
 *     works (the new part maps the next device offsets; past the device end
 *     it SIGBUSes); growing to a misaligned length or moving to a misaligned
 *     address (MREMAP_FIXED) succeeds but leaves a vma that check_vma()
 *     refuses at every fault (SIGBUS) until its ends are aligned again. A
 *     move to an aligned address keeps the data, and at 4K/2M moves the page
 *     table entries (no new fault). A grow that must move gets an aligned
 *     address from dax_get_unmapped_area().
 *   - Kernel bug (6.1 and 6.12, mm/mremap.c): moving a *populated* 1 GiB
 *     mapping (any mremap move, aligned or not) passes the leaf PUD to
 *     get_old_pud()/pud_none_or_clear_bad(): "mm/pgtable-generic.c: bad pud"
 *     in the log, the entry cleared without a TLB flush of the old range
 *     until it is unmapped. The 1 GiB mremap tests therefore move
 *     unpopulated mappings only, but on the kernel of patches/upstream
 *     (P2PDAX_SERIES=1), which fixes it.
 *   - MADV_DONTNEED: allowed, zaps the page tables only; the data stays on the
 *     device and the next access faults again, once per alignment unit. A
 *     range that is not aligned does not split the vma (no .may_split) and
 *     succeeds: the zap drops the whole PMD/PUD entry it touches.
 *
 * When the device goes away (teardown tests): every mapping is zapped and the
 * next access SIGBUSes; mmap through a file opened before fails with ENXIO.
 *   - disable: the /dev node stays; open() fails with ENXIO once no file of
 *     the device is open. While one is, open() succeeds (the inode keeps the
 *     cdev until its last reference goes) with a NULL private_data, and a
 *     mmap() of that fd oopses (NULL dev_dax in check_vma(); kernel bug, seen
 *     in QEMU on 6.1 and 6.12): the test opens such an fd but never maps it.
 *     After enable-device the device opens, maps and holds the data.
 *     No file or mapping may be kept across disable + enable: dev_dax_probe()
 *     re-initialises the embedded cdev and its refcount, so the open file's
 *     final close releases the live cdev (every later open: ENXIO; the next
 *     disable or unbind puts a zero refcount). Seen in QEMU on 6.1.
 *   - destroy: the /dev node and sysfs directory are gone (open: ENOENT),
 *     the space returns to the region and can be allocated again.
 *   - unbind: the region and all its devices are gone (open: ENOENT); bind
 *     brings back one device over the whole BAR with the data in place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "pattern.h"
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

#define DRV_DIR		"/sys/bus/pci/drivers/dax_pci_p2p"

/* The device's alignment, read once in main() before any test runs. */
static uint64_t dev_align;

/* P2PDAX_TEARDOWN: the destructive tests allowed to run. */
static const char *const teardown_kinds[] = { "disable", "destroy", "unbind" };

static bool teardown_allowed(const char *kind)
{
	const char *s = getenv("P2PDAX_TEARDOWN");
	size_t n = strlen(kind);

	while (s && *s) {
		size_t len = strcspn(s, ",");

		if (len == n && !strncmp(s, kind, n))
			return true;
		s += len;
		s += *s == ',';
	}
	return false;
}

/* NULL if every word of P2PDAX_TEARDOWN is a known kind, else the bad word. */
static const char *teardown_bad_word(char *buf, size_t buflen)
{
	const char *s = getenv("P2PDAX_TEARDOWN");
	unsigned int i;

	while (s && *s) {
		size_t len = strcspn(s, ",");

		for (i = 0; i < sizeof(teardown_kinds) / sizeof(teardown_kinds[0]); i++)
			if (len == strlen(teardown_kinds[i]) &&
			    !strncmp(s, teardown_kinds[i], len))
				break;
		if (i == sizeof(teardown_kinds) / sizeof(teardown_kinds[0])) {
			snprintf(buf, buflen, "%.*s", (int)len, s);
			return buf;
		}
		s += len;
		s += *s == ',';
	}
	return NULL;
}

/*
 * run() - run @argv[0] (looked up in PATH) and wait for it, its stdout and
 * stderr captured in @out (NUL-terminated, truncated to @outlen).
 * Return: the exit status, or -1 if it could not be run or died of a signal.
 */
static int run(char *out, size_t outlen, const char *const argv[])
{
	size_t used = 0;
	int pfd[2], status;
	ssize_t n;
	char sink[256];
	pid_t pid;

	out[0] = '\0';
	if (pipe(pfd))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (!pid) {
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		if (used + 1 < outlen)
			n = read(pfd[0], out + used, outlen - 1 - used);
		else
			n = read(pfd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (used + 1 < outlen)
			used += (size_t)n;
	}
	out[used] = '\0';
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Write @s to the sysfs file @path. Return: 0 or an errno. */
static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) < 0)
		e = errno;
	if (close(fd) && !e)
		e = errno;
	return e;
}

static int read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	int e = daxdev_read_line(path, buf, sizeof(buf));

	if (e)
		return e;
	return parse_u64(buf, v) ? EINVAL : 0;
}

static int region_attr(const char *bdf, const char *attr, uint64_t *v)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/dax_region/%s", bdf, attr);
	return read_u64(path, v);
}

static int dax_attr(const char *name, const char *attr, uint64_t *v)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/%s", name, attr);
	return read_u64(path, v);
}

/* Whether dax device @name is bound to the dax driver @drv. */
/*
 * P2PDAX_SERIES=1 (tests/lib/sh/daxkernel.sh): the kernel carries the fixes
 * of patches/upstream.
 */
static bool kernel_has_series(void)
{
	const char *s = getenv("P2PDAX_SERIES");

	return s && !strcmp(s, "1");
}

static bool dax_driver_is(const char *name, const char *drv)
{
	char path[PATH_MAX], link[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/driver", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return false;
	link[n] = '\0';
	return !strcmp(strrchr(link, '/') ? strrchr(link, '/') + 1 : link, drv);
}

/* Poll up to 10 s for /dev/@name and its device_dax binding. */
static bool wait_dax_ready(const char *name)
{
	char dev[PATH_MAX], drv[PATH_MAX];
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	int i;

	snprintf(dev, sizeof(dev), "/dev/%s", name);
	snprintf(drv, sizeof(drv), "/sys/bus/dax/devices/%s/driver", name);
	for (i = 0; i < 100; i++) {
		if (!access(dev, F_OK) && !access(drv, F_OK))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* errno of open(@path, O_RDWR), 0 if it opened. */
static int open_errno(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * Access probes: one 64-bit load from @p, catching SIGBUS and SIGSEGV.
 * Return: 0 if the load completed, else the signal that stopped it.
 */
static sigjmp_buf probe_env;
static volatile sig_atomic_t probe_sig;

static void probe_handler(int sig)
{
	probe_sig = sig;
	siglongjmp(probe_env, 1);
}

static __attribute__((noinline)) int probe_read(const volatile void *p)
{
	struct sigaction sa, obus, osegv;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	probe_sig = 0;
	if (sigsetjmp(probe_env, 1) == 0)
		(void)*(const volatile uint64_t *)p;
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return probe_sig;
}

static const char *sig_name(int sig)
{
	return sig == 0 ? "no signal" : sig == SIGBUS ? "SIGBUS" :
	       sig == SIGSEGV ? "SIGSEGV" : "another signal";
}

/*
 * Sampled patterns: the first, middle and last 4 KiB page of every
 * alignment unit of [@p, @p + @len), with pattern offset @off at @p. Cheap
 * at 1 GiB and still catches a unit that maps the wrong device memory.
 */
static uint64_t sample_page(uint64_t unit, uint64_t align, int i)
{
	const uint64_t in_unit[] = { 0, (align / 2) & ~(SZ_4K - 1), align - SZ_4K };

	return unit + in_unit[i];
}

static void sample_fill(volatile char *p, uint64_t off, uint64_t len, uint64_t align,
			uint64_t seed)
{
	uint64_t u, pg;
	int i;

	for (u = 0; u < len; u += align)
		for (i = 0; i < 3; i++) {
			pg = sample_page(u, align, i);
			pattern_fill(p + pg, off + pg, SZ_4K, seed);
		}
	daxdev_barrier();
}

/* Return: mismatching 64-bit words; the first one's offset in @first_bad. */
static size_t sample_check(const volatile char *p, uint64_t off, uint64_t len,
			   uint64_t align, uint64_t seed, uint64_t *first_bad)
{
	uint64_t u, pg, fb = 0;
	size_t bad = 0, b;
	int i;

	*first_bad = 0;
	for (u = 0; u < len; u += align)
		for (i = 0; i < 3; i++) {
			pg = sample_page(u, align, i);
			b = pattern_check(p + pg, off + pg, SZ_4K, seed, &fb);
			if (b && !bad)
				*first_bad = fb;
			bad += b;
		}
	return bad;
}

/* One 64-bit load per 4 KiB page: a fault per page if not mapped huge. */
static __attribute__((noinline)) void read_pages(const volatile char *p, uint64_t len)
{
	uint64_t i;

	for (i = 0; i < len; i += SZ_4K)
		(void)*(const volatile uint64_t *)(p + i);
}

/*
 * Minor faults taken by read_pages(@p, @len), exactly: the code, stack and
 * rusage structs it uses are faulted in first (fork() left the text to be
 * faulted again and the stack copy-on-write).
 */
static long read_faults(const volatile char *p, uint64_t len)
{
	static char warm[2 * SZ_4K] __attribute__((aligned(SZ_4K)));
	struct rusage r0, r1;

	warm[0] = warm[SZ_4K] = 1;
	read_pages(warm, sizeof(warm));
	getrusage(RUSAGE_SELF, &r1);
	getrusage(RUSAGE_SELF, &r0);
	read_pages(p, len);
	getrusage(RUSAGE_SELF, &r1);
	return r1.ru_minflt - r0.ru_minflt;
}

/* The /proc/self/smaps entry of the vma that contains an address. */
struct smaps_vma {
	uintptr_t start, end;
	uint64_t size, kernel_page_size, mmu_page_size;	/* bytes */
	char vmflags[512];
};

/* Return: 0, ENOENT if no vma contains @addr, or another errno. */
static int smaps_find(const void *addr, struct smaps_vma *v)
{
	uintptr_t a = (uintptr_t)addr, s, e;
	FILE *f = fopen("/proc/self/smaps", "re");
	bool in = false, found = false;
	char line[512], perms[8];
	unsigned long long kb;

	if (!f)
		return errno;
	memset(v, 0, sizeof(*v));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &s, &e, perms) == 3) {
			if (found)
				break;
			in = s <= a && a < e;
			if (in) {
				found = true;
				v->start = s;
				v->end = e;
			}
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "Size: %llu kB", &kb) == 1)
			v->size = kb << 10;
		else if (sscanf(line, "KernelPageSize: %llu kB", &kb) == 1)
			v->kernel_page_size = kb << 10;
		else if (sscanf(line, "MMUPageSize: %llu kB", &kb) == 1)
			v->mmu_page_size = kb << 10;
		else if (!strncmp(line, "VmFlags:", 8)) {
			snprintf(v->vmflags, sizeof(v->vmflags), "%s", line + 8);
			v->vmflags[strcspn(v->vmflags, "\n")] = '\0';
		}
	}
	fclose(f);
	return found ? 0 : ENOENT;
}

/* VmFlags holds the two-letter mnemonic @fl. */
static bool vmflag(const struct smaps_vma *v, const char *fl)
{
	const char *s = v->vmflags;

	while ((s = strstr(s, fl))) {
		if ((s == v->vmflags || s[-1] == ' ') && (s[2] == ' ' || s[2] == '\0'))
			return true;
		s += 2;
	}
	return false;
}

/*
 * PROT_NONE address space of @len bytes with an @align-aligned address at
 * *@aligned, for MAP_FIXED placements that must not land on anything else.
 * Return: the reservation (to munmap with @len + @align), or MAP_FAILED.
 */
static char *reserve(uint64_t len, uint64_t align, char **aligned)
{
	char *r = mmap(NULL, len + align, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (r != MAP_FAILED)
		*aligned = (char *)(((uintptr_t)r + align - 1) & ~(uintptr_t)(align - 1));
	return r;
}

FIXTURE(dax) {
	struct daxdev dev;
	uint64_t chunks;	/* alignment units mapped by each test: 1 or 2 */
	uint64_t len;		/* chunks * align */
	uint64_t seed;
	char skip[256];		/* why this variant does not apply, or "" */
	/* What FIXTURE_TEARDOWN must put back if a teardown test stopped early. */
	char reenable[256];	/* a disabled device: daxctl enable-device */
	char scratch[256];	/* a scratch device: disable and destroy it */
	char rebind[256];	/* an unbound PCI function: bind it again */
	void *tmap;		/* a teardown test's mapping, or NULL */
	uint64_t tmaplen;
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
	self->seed = test_seed();
	/*
	 * A variant that does not apply never opens the device: after an
	 * unbind test the device is gone, and the variants after it must
	 * still skip rather than fail.
	 */
	if (variant->align != dev_align) {
		snprintf(self->skip, sizeof(self->skip),
			 "the device's alignment is 0x%" PRIx64 ", not 0x%" PRIx64,
			 dev_align, variant->align);
		return;
	}
	ASSERT_NE(NULL, path) TH_LOG("P2PDAX_DEV is not set: the harness must name the device");
	ASSERT_EQ(0, daxdev_open(&self->dev, path, err)) TH_LOG("%s", err);

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
	char out[1024];

	/*
	 * No mapping and no open file of the device may outlive its disable
	 * into a re-enable: see teardown_disable.
	 */
	if (self->tmap)
		munmap(self->tmap, self->tmaplen);
	daxdev_close(&self->dev);
	if (self->reenable[0]) {
		const char *argv[] = { "daxctl", "enable-device", self->reenable, NULL };

		if (run(out, sizeof(out), argv))
			TH_LOG("restoring: daxctl enable-device %s failed: %s", self->reenable, out);
	}
	if (self->scratch[0]) {
		const char *dis[] = { "daxctl", "disable-device", self->scratch, NULL };
		const char *des[] = { "daxctl", "destroy-device", self->scratch, NULL };

		run(out, sizeof(out), dis);
		if (run(out, sizeof(out), des))
			TH_LOG("restoring: daxctl destroy-device %s failed: %s", self->scratch, out);
	}
	if (self->rebind[0]) {
		int e = write_file(DRV_DIR "/bind", self->rebind);

		if (e)
			TH_LOG("restoring: binding %s to dax_pci_p2p failed: %s", self->rebind,
			       strerror(e));
	}
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
	/*
	 * check_vma(): no VM_MAYSHARE -> EINVAL, whatever the protection.
	 * MAP_NORESERVE for the writable one: a private writable mapping is
	 * charged to the commit limit before the driver is asked, and 1 GiB
	 * can exceed it in a small guest (ENOMEM, "__vm_enough_memory").
	 */
	errno = 0;
	m = map_dev(&self->dev, NULL, variant->align, MAP_PRIVATE | MAP_NORESERVE, 0);
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

/*
 * smaps: dev_dax_pagesize() is the vma's .pagesize, so KernelPageSize and
 * MMUPageSize (the same thing on x86) are the device alignment; dax_mmap()
 * sets VM_HUGEPAGE ("hg"). Nothing is touched: none of it depends on what
 * is mapped.
 */
TEST_F(dax, smaps_pagesize)
{
	struct smaps_vma v;
	char *m;
	int e;

	REQUIRE_VARIANT();
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	e = smaps_find(m, &v);
	ASSERT_EQ(0, e) TH_LOG("no /proc/self/smaps entry for %p: %s", m, strerror(e));
	EXPECT_EQ((uintptr_t)m, v.start);
	EXPECT_EQ((uintptr_t)m + self->len, v.end);
	EXPECT_EQ(self->len, v.size);
	EXPECT_EQ(variant->align, v.kernel_page_size);
	EXPECT_EQ(variant->align, v.mmu_page_size);
	EXPECT_TRUE(vmflag(&v, "sh")) TH_LOG("VmFlags:%s", v.vmflags);
	EXPECT_TRUE(vmflag(&v, "hg")) TH_LOG("VmFlags:%s", v.vmflags);
	ASSERT_EQ(0, munmap(m, self->len));
}

/*
 * Partial munmap and shrinking mremap both go through __split_vma(), where
 * dev_dax_may_split() refuses an address that is not aligned: EINVAL, the
 * vma unchanged. An aligned shrink unmaps the tail and keeps the rest.
 */
TEST_F(dax, mremap_shrink)
{
	uint64_t a = variant->align, fb = 0;
	struct smaps_vma v;
	char *m;
	void *r;

	REQUIRE_VARIANT();
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	sample_fill(m, 0, self->len, a, self->seed);

	if (a > SZ_4K) {
		errno = 0;
		r = mremap(m, self->len, self->len - SZ_4K, 0);
		EXPECT_EQ(MAP_FAILED, r) TH_LOG("shrink by 4 KiB was done");
		EXPECT_EQ(EINVAL, errno) TH_LOG("shrink by 4 KiB: %s", strerror(errno));
		errno = 0;
		EXPECT_EQ(-1, munmap(m + self->len - SZ_4K, SZ_4K));
		EXPECT_EQ(EINVAL, errno) TH_LOG("munmap of the last 4 KiB: %s", strerror(errno));
		ASSERT_EQ(0, smaps_find(m, &v));
		EXPECT_EQ((uintptr_t)m, v.start);
		EXPECT_EQ((uintptr_t)m + self->len, v.end) TH_LOG("the refused calls changed the vma");
	}
	if (self->chunks == 2) {
		r = mremap(m, self->len, a, 0);
		ASSERT_EQ(m, r) TH_LOG("shrink to one unit: %s", strerror(errno));
		ASSERT_EQ(0, smaps_find(m, &v));
		EXPECT_EQ((uintptr_t)m + a, v.end);
		EXPECT_EQ(SIGSEGV, probe_read(m + a)) TH_LOG("the dropped unit is still mapped");
		EXPECT_EQ(0, sample_check(m, 0, a, a, self->seed, &fb))
			TH_LOG("first bad offset 0x%" PRIx64, fb);
		ASSERT_EQ(0, munmap(m, a));
	} else {
		TH_LOG("note: the device holds one unit, no aligned shrink to try");
		EXPECT_EQ(0, sample_check(m, 0, self->len, a, self->seed, &fb))
			TH_LOG("first bad offset 0x%" PRIx64, fb);
		ASSERT_EQ(0, munmap(m, self->len));
	}
}

/*
 * Growing in place asks the driver nothing (no .mmap, no .may_split, no
 * VM_DONTEXPAND on dax vmas): the vma grows and its new part faults like
 * any other. Within the device it shows the next device offsets; past the
 * end, dax_pgoff_to_phys() fails: SIGBUS. A grow to a length that is not a
 * multiple of the alignment succeeds too, but leaves vm_end misaligned, and
 * check_vma() then refuses every fault in the vma: SIGBUS, until an aligned
 * shrink puts the end back.
 */
TEST_F_TIMEOUT(dax, mremap_grow, 120)
{
	uint64_t a = variant->align, off, fb = 0;
	struct smaps_vma v;
	char *resv, *at, *t;
	void *r;

	REQUIRE_VARIANT();
	/* Data for the first two units, or the one there is. */
	t = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, t) TH_LOG("mmap: %s", strerror(errno));
	sample_fill(t, 0, self->len, a, self->seed);
	ASSERT_EQ(0, munmap(t, self->len));

	/* One unit at an aligned address, nothing after it, grown to two. */
	off = self->chunks == 2 ? 0 : self->dev.size - a;
	resv = reserve(2 * a, a, &at);
	ASSERT_NE(MAP_FAILED, resv);
	ASSERT_EQ(at, map_dev(&self->dev, at, a, MAP_SHARED | MAP_FIXED, off))
		TH_LOG("mmap at %p: %s", at, strerror(errno));
	ASSERT_EQ(0, munmap(at + a, a));
	r = mremap(at, a, 2 * a, 0);
	ASSERT_EQ(at, r) TH_LOG("grow in place: %s", strerror(errno));
	ASSERT_EQ(0, smaps_find(at, &v));
	EXPECT_EQ((uintptr_t)at + 2 * a, v.end);
	EXPECT_EQ(a, v.kernel_page_size);
	if (off + 2 * a <= self->dev.size) {
		EXPECT_EQ(0, sample_check(at, 0, 2 * a, a, self->seed, &fb))
			TH_LOG("first bad offset 0x%" PRIx64, fb);
	} else {
		/* The last unit of the device, grown past its end. */
		EXPECT_EQ(0, probe_read(at));
		EXPECT_EQ(SIGBUS, probe_read(at + a))
			TH_LOG("past the device end: %s", sig_name(probe_read(at + a)));
	}
	ASSERT_EQ(0, munmap(resv, 3 * a));

	if (a == SZ_4K)
		return;
	/* Misaligned growth: accepted, and then nothing in the vma faults. */
	resv = reserve(2 * a, a, &at);
	ASSERT_NE(MAP_FAILED, resv);
	ASSERT_EQ(at, map_dev(&self->dev, at, a, MAP_SHARED | MAP_FIXED, 0))
		TH_LOG("mmap at %p: %s", at, strerror(errno));
	ASSERT_EQ(0, munmap(at + a, a));
	r = mremap(at, a, a + SZ_4K, 0);
	ASSERT_EQ(at, r) TH_LOG("grow by 4 KiB: %s", strerror(errno));
	ASSERT_EQ(0, smaps_find(at, &v));
	EXPECT_EQ((uintptr_t)at + a + SZ_4K, v.end);
	EXPECT_EQ(SIGBUS, probe_read(at)) TH_LOG("first unit of a vma with a misaligned end: %s",
						 sig_name(probe_read(at)));
	r = mremap(at, a + SZ_4K, a, 0);
	ASSERT_EQ(at, r) TH_LOG("shrink back to the aligned length: %s", strerror(errno));
	EXPECT_EQ(0, probe_read(at));
	EXPECT_EQ(0, sample_check(at, 0, a, a, self->seed, &fb))
		TH_LOG("first bad offset 0x%" PRIx64, fb);
	ASSERT_EQ(0, munmap(resv, 3 * a));
}

/*
 * A move to an aligned address (MREMAP_FIXED) carries the page table
 * entries along at 4 KiB and 2 MiB (move_ptes, move_huge_pmd): the data is
 * there with no new fault, the old range is gone. A grow that cannot happen
 * in place moves the vma to an address dax_get_unmapped_area() aligns.
 * At 1 GiB the mapping is moved unpopulated: move_page_tables() in 6.1 and
 * 6.12 looks the old PUD up with get_old_pud(), whose
 * pud_none_or_clear_bad() takes a leaf (huge) PUD for a corrupt table:
 * "mm/pgtable-generic.c:NN: bad pud", the entry cleared without a TLB flush,
 * the next access faults it in again. Seen in QEMU on 6.1. The kernel of
 * patches/upstream (P2PDAX_SERIES=1) moves the 1 GiB entry: populated there.
 */
TEST_F_TIMEOUT(dax, mremap_move, 120)
{
	uint64_t a = variant->align, fb = 0;
	bool populate = a <= SZ_2M || kernel_has_series();
	struct smaps_vma v;
	char *m, *resv, *to;
	long faults;
	void *r;

	REQUIRE_VARIANT();
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	sample_fill(m, 0, self->len, a, self->seed);
	ASSERT_EQ(0, munmap(m, self->len));
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	if (populate)
		read_pages(m, self->len);

	/* [to, to + len) for the move, the reservation after it blocks growth. */
	resv = reserve(2 * self->len, a, &to);
	ASSERT_NE(MAP_FAILED, resv);
	r = mremap(m, self->len, self->len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	ASSERT_EQ(to, r) TH_LOG("move to %p: %s", to, strerror(errno));
	EXPECT_EQ(SIGSEGV, probe_read(m)) TH_LOG("the old address is still mapped");
	/*
	 * Before smaps: its page walk has no PUD handler and splits, i.e.
	 * zaps, a 1 GiB entry (walk_pud_range(); patches/upstream/0008 is
	 * the fix), which would cost a fault here.
	 */
	if (populate) {
		faults = read_faults(to, self->len);
		EXPECT_EQ(0, faults) TH_LOG("reading the moved range took %ld faults", faults);
		EXPECT_EQ(0, sample_check(to, 0, self->len, a, self->seed, &fb))
			TH_LOG("first bad offset 0x%" PRIx64, fb);
	}
	ASSERT_EQ(0, smaps_find(to, &v));
	EXPECT_EQ((uintptr_t)to, v.start);
	EXPECT_EQ((uintptr_t)to + self->len, v.end);
	EXPECT_EQ(a, v.kernel_page_size);

	r = mremap(to, self->len, self->len + a, MREMAP_MAYMOVE);
	ASSERT_NE(MAP_FAILED, r) TH_LOG("grow by one unit, may move: %s", strerror(errno));
	EXPECT_NE(to, r) TH_LOG("grew in place over the reservation");
	EXPECT_EQ(0, (uintptr_t)r % a) TH_LOG("moved to %p, not aligned", r);
	EXPECT_EQ(0, sample_check(r, 0, self->len, a, self->seed, &fb))
		TH_LOG("first bad offset 0x%" PRIx64, fb);
	if (self->len + a <= self->dev.size) {
		EXPECT_EQ(0, probe_read((char *)r + self->len));
	} else {
		EXPECT_EQ(SIGBUS, probe_read((char *)r + self->len))
			TH_LOG("past the device end: %s",
			       sig_name(probe_read((char *)r + self->len)));
	}
	ASSERT_EQ(0, munmap(r, self->len + a));
	munmap(resv, 3 * self->len);
}

/*
 * MREMAP_FIXED to an address that is only page aligned: mremap asks the
 * driver nothing about the new address (move_vma() consults .may_split
 * for the old range only), so the move succeeds; the vma is then
 * misaligned and check_vma() turns every fault into SIGBUS. The data stays
 * on the device. At 2 MiB the unit is populated first (move_page_tables()
 * splits, i.e. zaps, the PMD it cannot move); at 1 GiB it is not, for the
 * "bad pud" described at mremap_move, but on the kernel of patches/upstream
 * (which leaves the PUD it cannot move for the unmap of the old range).
 */
TEST_F_TIMEOUT(dax, mremap_move_misaligned, 120)
{
	uint64_t a = variant->align, fb = 0;
	char *m, *resv, *to, *t;
	void *r;

	REQUIRE_VARIANT();
	REQUIRE_ALIGN_ABOVE_4K();
	t = map_dev(&self->dev, NULL, a, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, t) TH_LOG("mmap: %s", strerror(errno));
	sample_fill(t, 0, a, a, self->seed);
	ASSERT_EQ(0, munmap(t, a));

	m = map_dev(&self->dev, NULL, a, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	if (a <= SZ_2M || kernel_has_series())
		read_pages(m, a);
	resv = reserve(2 * a, a, &to);
	ASSERT_NE(MAP_FAILED, resv);
	r = mremap(m, a, a, MREMAP_MAYMOVE | MREMAP_FIXED, to + SZ_4K);
	ASSERT_EQ(to + SZ_4K, r) TH_LOG("move to %p: %s", to + SZ_4K, strerror(errno));
	EXPECT_EQ(SIGBUS, probe_read(to + SZ_4K)) TH_LOG("misaligned vma: %s",
							 sig_name(probe_read(to + SZ_4K)));
	ASSERT_EQ(0, munmap(resv, 3 * a));

	t = map_dev(&self->dev, NULL, a, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, t) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(0, sample_check(t, 0, a, a, self->seed, &fb))
		TH_LOG("first bad offset 0x%" PRIx64, fb);
	ASSERT_EQ(0, munmap(t, a));
}

/*
 * MADV_DONTNEED on device-dax only zaps the page tables: it is allowed
 * (no VM_PFNMAP, no VM_LOCKED), the memory is the device's and keeps its
 * data, and the next access faults again, one fault per alignment unit.
 */
TEST_F_TIMEOUT(dax, madvise_dontneed, 120)
{
	uint64_t fb = 0;
	long faults;
	char *m;

	REQUIRE_VARIANT();
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	sample_fill(m, 0, self->len, variant->align, self->seed);
	read_pages(m, self->len);
	faults = read_faults(m, self->len);
	ASSERT_EQ(0, faults) TH_LOG("populated range took %ld faults", faults);

	ASSERT_EQ(0, madvise(m, self->len, MADV_DONTNEED)) TH_LOG("%s", strerror(errno));
	faults = read_faults(m, self->len);
	EXPECT_EQ((long)self->chunks, faults)
		TH_LOG("reading %" PRIu64 " unit(s) after MADV_DONTNEED took %ld faults",
		       self->chunks, faults);
	EXPECT_EQ(0, sample_check(m, 0, self->len, variant->align, self->seed, &fb))
		TH_LOG("data lost: first bad offset 0x%" PRIx64, fb);
	ASSERT_EQ(0, munmap(m, self->len));
}

/*
 * MADV_DONTNEED of one 4 KiB page inside a huge unit: madvise does not
 * split the vma for it (so .may_split is not asked) and succeeds; the zap
 * cannot take a page out of a PMD/PUD entry and drops the whole entry
 * (__split_huge_pmd / split_huge_pud of a dax vma just clear it). The next
 * read of that unit faults once; the other unit is untouched.
 */
TEST_F_TIMEOUT(dax, madvise_dontneed_misaligned, 120)
{
	uint64_t a = variant->align, fb = 0;
	struct smaps_vma v;
	long faults;
	char *m;

	REQUIRE_VARIANT();
	REQUIRE_ALIGN_ABOVE_4K();
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	sample_fill(m, 0, self->len, a, self->seed);
	read_pages(m, self->len);
	faults = read_faults(m, self->len);
	ASSERT_EQ(0, faults) TH_LOG("populated range took %ld faults", faults);

	ASSERT_EQ(0, madvise(m + SZ_4K, SZ_4K, MADV_DONTNEED)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, smaps_find(m, &v));
	EXPECT_EQ((uintptr_t)m, v.start);
	EXPECT_EQ((uintptr_t)m + self->len, v.end) TH_LOG("the vma was split");
	faults = read_faults(m, a);
	EXPECT_EQ(1, faults) TH_LOG("reading the unit took %ld faults", faults);
	if (self->chunks == 2) {
		faults = read_faults(m + a, a);
		EXPECT_EQ(0, faults) TH_LOG("reading the other unit took %ld faults", faults);
	}
	EXPECT_EQ(0, sample_check(m, 0, self->len, a, self->seed, &fb))
		TH_LOG("data lost: first bad offset 0x%" PRIx64, fb);
	ASSERT_EQ(0, munmap(m, self->len));
}

#define REQUIRE_TEARDOWN(kind) do {					\
	if (!teardown_allowed(kind))					\
		SKIP(return, "%s.%s: destructive, runs only with \"%s\" in P2PDAX_TEARDOWN", \
		     variant->name, _metadata->name, kind);		\
} while (0)

/*
 * daxctl disable-device: kill_dev_dax() zaps every mapping and marks the
 * dax_device dead; check_vma() then fails faults (SIGBUS) and new mmaps
 * through an fd opened before (ENXIO). open() itself still succeeds while
 * any file of the device is open (the devtmpfs inode keeps its i_cdev until
 * the cdev's last reference is gone), but dax_open() then leaves
 * private_data NULL (dax_get_private() of a dead device) and a mmap() of
 * that fd is a NULL dereference in check_vma(): an oops, seen in QEMU on
 * 6.1 and 6.12. Once every file and mapping is gone, open() fails with
 * ENXIO, the /dev node staying. After enable-device the device opens, maps
 * and holds the data again.
 *
 * dax_pci_p2p's own dax driver (where it serves the devices, 6.15 on)
 * refuses that open with ENXIO too: its open finds no bound device.
 *
 * Every file and mapping is dropped before the enable: dev_dax_probe()
 * cdev_init()s the same embedded cdev again, resetting the refcount that
 * open files still hold, so a file kept across disable + enable leaves the
 * cdev released when it closes: the device then fails every open with ENXIO
 * and its next disable puts a zero refcount (seen in QEMU on 6.1).
 */
TEST_F_TIMEOUT(dax, teardown_disable, 300)
{
	const char *dis[] = { "daxctl", "disable-device", self->dev.name, NULL };
	const char *en[] = { "daxctl", "enable-device", self->dev.name, NULL };
	uint64_t a = variant->align, seed = self->seed + 7, fb = 0;
	char out[2048], *m;
	bool device_dax;
	int fd;

	REQUIRE_VARIANT();
	REQUIRE_TEARDOWN("disable");
	device_dax = dax_driver_is(self->dev.name, "device_dax");
	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	self->tmap = m;
	self->tmaplen = self->len;
	sample_fill(m, 0, self->len, a, seed);

	snprintf(self->reenable, sizeof(self->reenable), "%s", self->dev.name);
	ASSERT_EQ(0, run(out, sizeof(out), dis)) TH_LOG("daxctl disable-device: %s", out);
	EXPECT_EQ(SIGBUS, probe_read(m)) TH_LOG("after disable: %s", sig_name(probe_read(m)));
	errno = 0;
	m = map_dev(&self->dev, NULL, a, MAP_SHARED, 0);
	EXPECT_EQ(MAP_FAILED, m) TH_LOG("a disabled device was mapped");
	EXPECT_EQ(ENXIO, errno) TH_LOG("mmap of a disabled device: %s", strerror(errno));
	if (m != MAP_FAILED)
		munmap(m, a);

	/*
	 * Opened while another file of the device is still open: device_dax
	 * lets the open succeed (kernel bug, see above). Never mmap() such an
	 * fd: its private_data is NULL and dax_mmap() oopses in check_vma().
	 * The kernel of patches/upstream (P2PDAX_SERIES=1) refuses the open.
	 */
	fd = open(self->dev.path, O_RDWR | O_CLOEXEC);
	if (device_dax && !kernel_has_series()) {
		EXPECT_LE(0, fd) TH_LOG("open while disabled, another file open: %s",
					strerror(errno));
	} else {
		EXPECT_EQ(-1, fd) TH_LOG("a disabled device was opened");
		EXPECT_EQ(ENXIO, errno) TH_LOG("open while disabled, another file open: %s",
					       strerror(errno));
	}
	if (fd >= 0)
		close(fd);

	/* The last file and mapping gone: open fails. */
	ASSERT_EQ(0, munmap(self->tmap, self->tmaplen));
	self->tmap = NULL;
	daxdev_close(&self->dev);
	EXPECT_EQ(ENXIO, open_errno(self->dev.path))
		TH_LOG("open of a disabled device: %s", strerror(open_errno(self->dev.path)));
	EXPECT_EQ(0, access(self->dev.path, F_OK)) TH_LOG("the /dev node went away");

	ASSERT_EQ(0, run(out, sizeof(out), en)) TH_LOG("daxctl enable-device: %s", out);
	self->reenable[0] = '\0';
	fd = open(self->dev.path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd) TH_LOG("open after enable: %s", strerror(errno));
	m = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT_NE(MAP_FAILED, m) TH_LOG("mmap after enable: %s", strerror(errno));
	if (m != MAP_FAILED) {
		EXPECT_EQ(0, sample_check(m, 0, self->len, a, seed, &fb))
			TH_LOG("after enable: first bad offset 0x%" PRIx64, fb);
		munmap(m, self->len);
	}
	close(fd);
}

/* daxctl create-device in @region; the new device's name in @name. */
static int scratch_create(uint64_t region, uint64_t size, uint64_t align, char *name,
			  size_t namelen, char *out, size_t outlen)
{
	char r[32], s[32], al[32];
	const char *argv[] = { "daxctl", "create-device", "-r", r, "-s", s, "-a", al, NULL };
	const char *p, *key = "\"chardev\":\"";
	size_t n;

	snprintf(r, sizeof(r), "%" PRIu64, region);
	snprintf(s, sizeof(s), "%" PRIu64, size);
	snprintf(al, sizeof(al), "%" PRIu64, align);
	if (run(out, outlen, argv))
		return -1;
	p = strstr(out, key);
	if (!p)
		return -1;
	p += strlen(key);
	n = strcspn(p, "\"");
	if (!n || n >= namelen)
		return -1;
	memcpy(name, p, n);
	name[n] = '\0';
	return wait_dax_ready(name) ? 0 : -1;
}

/* daxctl disable-device, then destroy-device. Return: 0 or -1. */
static int scratch_destroy(const char *name, char *out, size_t outlen)
{
	const char *dis[] = { "daxctl", "disable-device", name, NULL };
	const char *des[] = { "daxctl", "destroy-device", name, NULL };

	if (run(out, outlen, dis))
		return -1;
	return run(out, outlen, des) ? -1 : 0;
}

/*
 * daxctl destroy-device of a scratch device the test creates in the same
 * region (its size: the alignment or 2 MiB, whichever is larger): the
 * mapping SIGBUSes, the /dev node and the sysfs directory are gone (open:
 * ENOENT), an fd opened before cannot map (ENXIO), the space returns to the
 * region, and a device created in it again maps and works.
 */
TEST_F_TIMEOUT(dax, teardown_destroy, 300)
{
	uint64_t a = variant->align, size = a > SZ_2M ? a : SZ_2M, region, avail0, avail;
	uint64_t seed = self->seed + 8, fb = 0;
	char bdf[64], out[4096], name[256], path[PATH_MAX + 16], *m, *m2;
	struct daxdev sd;
	int e;

	REQUIRE_VARIANT();
	REQUIRE_TEARDOWN("destroy");
	e = daxdev_pci_bdf(self->dev.name, bdf, sizeof(bdf));
	ASSERT_EQ(0, e) TH_LOG("PCI function of %s: %s", self->dev.name, strerror(e));
	ASSERT_EQ(0, region_attr(bdf, "id", &region));
	ASSERT_EQ(0, region_attr(bdf, "available_size", &avail0));
	if (avail0 < size)
		SKIP(return, "%s.%s: region %" PRIu64 " has 0x%" PRIx64
		     " bytes free, a scratch device needs 0x%" PRIx64,
		     variant->name, _metadata->name, region, avail0, size);

	ASSERT_EQ(0, scratch_create(region, size, a, self->scratch, sizeof(self->scratch),
				    out, sizeof(out)))
		TH_LOG("daxctl create-device -r %" PRIu64 " -s 0x%" PRIx64 " -a 0x%" PRIx64 ": %s",
		       region, size, a, out);
	snprintf(name, sizeof(name), "%s", self->scratch);
	snprintf(path, sizeof(path), "/dev/%s", name);
	ASSERT_EQ(0, daxdev_open(&sd, path, out)) TH_LOG("%s", out);
	EXPECT_EQ(a, sd.align);
	EXPECT_EQ(size, sd.size);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sd.fd, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap %s: %s", path, strerror(errno));
	sample_fill(m, 0, size, a, seed);
	EXPECT_EQ(0, sample_check(m, 0, size, a, seed, &fb));

	ASSERT_EQ(0, scratch_destroy(name, out, sizeof(out))) TH_LOG("destroying %s: %s", name, out);
	self->scratch[0] = '\0';
	EXPECT_EQ(SIGBUS, probe_read(m)) TH_LOG("after destroy: %s", sig_name(probe_read(m)));
	EXPECT_EQ(ENOENT, open_errno(path)) TH_LOG("open %s: %s", path,
						   strerror(open_errno(path)));
	snprintf(out, sizeof(out), "/sys/bus/dax/devices/%s", name);
	EXPECT_NE(0, access(out, F_OK)) TH_LOG("%s is still there", out);
	errno = 0;
	m2 = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sd.fd, 0);
	EXPECT_EQ(MAP_FAILED, m2) TH_LOG("a destroyed device was mapped");
	EXPECT_EQ(ENXIO, errno) TH_LOG("mmap of a destroyed device: %s", strerror(errno));
	if (m2 != MAP_FAILED)
		munmap(m2, size);
	ASSERT_EQ(0, region_attr(bdf, "available_size", &avail));
	EXPECT_EQ(avail0, avail) TH_LOG("the space did not return to the region");
	munmap(m, size);
	daxdev_close(&sd);

	/* The space can be used again. */
	ASSERT_EQ(0, scratch_create(region, size, a, self->scratch, sizeof(self->scratch),
				    out, sizeof(out)))
		TH_LOG("create again: %s", out);
	snprintf(name, sizeof(name), "%s", self->scratch);
	snprintf(path, sizeof(path), "/dev/%s", name);
	ASSERT_EQ(0, daxdev_open(&sd, path, out)) TH_LOG("%s", out);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sd.fd, 0);
	EXPECT_NE(MAP_FAILED, m) TH_LOG("mmap %s: %s", path, strerror(errno));
	if (m != MAP_FAILED) {
		sample_fill(m, 0, size, a, seed + 1);
		EXPECT_EQ(0, sample_check(m, 0, size, a, seed + 1, &fb));
		munmap(m, size);
	}
	daxdev_close(&sd);
	ASSERT_EQ(0, scratch_destroy(name, out, sizeof(out))) TH_LOG("destroying %s: %s", name, out);
	self->scratch[0] = '\0';
	ASSERT_EQ(0, region_attr(bdf, "available_size", &avail));
	EXPECT_EQ(avail0, avail);
}

/* The one device of region @region with a non-zero size, under PCI @bdf. */
static int sized_devices(const char *bdf, uint64_t region, char *name, size_t namelen,
			 uint64_t *size)
{
	char dir[PATH_MAX], tail;
	unsigned int id;
	uint64_t r, sz;
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", bdf);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (sscanf(de->d_name, "dax%" SCNu64 ".%u%c", &r, &id, &tail) != 2 || r != region)
			continue;
		if (dax_attr(de->d_name, "size", &sz) || !sz)
			continue;
		if (!n++) {
			snprintf(name, namelen, "%s", de->d_name);
			*size = sz;
		}
	}
	closedir(d);
	return n;
}

/*
 * Unbinding dax_pci_p2p from the PCI function removes the region and all
 * its devices: the mapping SIGBUSes, the /dev node is gone (ENOENT), an fd
 * opened before cannot map (ENXIO). Binding again creates the region anew
 * with one device covering all of it (whatever was carved before is gone),
 * which maps and still holds the data at the same BAR offset.
 */
TEST_F_TIMEOUT(dax, teardown_unbind, 300)
{
	uint64_t a = variant->align, seed = self->seed + 9, fb = 0;
	uint64_t phys, sphys, region, rsize, ssize = 0, off, start, end;
	char bdf[64], path[PATH_MAX], link[PATH_MAX], sname[256], spath[300], *m, *m2;
	struct daxdev sd;
	ssize_t n;
	int e;

	REQUIRE_VARIANT();
	REQUIRE_TEARDOWN("unbind");
	e = daxdev_pci_bdf(self->dev.name, bdf, sizeof(bdf));
	ASSERT_EQ(0, e) TH_LOG("PCI function of %s: %s", self->dev.name, strerror(e));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	ASSERT_LT(0, n) TH_LOG("%s: %s", path, strerror(errno));
	link[n] = '\0';
	ASSERT_STREQ("dax_pci_p2p", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
	ASSERT_EQ(0, dax_attr(self->dev.name, "resource", &phys));
	snprintf(path, sizeof(path), "/sys/bus/dax/devices/%s/mapping1", self->dev.name);
	ASSERT_NE(0, access(path, F_OK)) TH_LOG("%s has more than one range", self->dev.name);

	m = map_dev(&self->dev, NULL, self->len, MAP_SHARED, 0);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap: %s", strerror(errno));
	sample_fill(m, 0, self->len, a, seed);

	snprintf(self->rebind, sizeof(self->rebind), "%s", bdf);
	e = write_file(DRV_DIR "/unbind", bdf);
	ASSERT_EQ(0, e) TH_LOG("unbind %s: %s", bdf, strerror(e));
	EXPECT_EQ(SIGBUS, probe_read(m)) TH_LOG("after unbind: %s", sig_name(probe_read(m)));
	EXPECT_EQ(ENOENT, open_errno(self->dev.path))
		TH_LOG("open after unbind: %s", strerror(open_errno(self->dev.path)));
	errno = 0;
	m2 = map_dev(&self->dev, NULL, a, MAP_SHARED, 0);
	EXPECT_EQ(MAP_FAILED, m2) TH_LOG("a removed device was mapped");
	EXPECT_EQ(ENXIO, errno) TH_LOG("mmap after unbind: %s", strerror(errno));
	if (m2 != MAP_FAILED)
		munmap(m2, a);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/dax_region", bdf);
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s is still there", path);
	munmap(m, self->len);
	daxdev_close(&self->dev);

	e = write_file(DRV_DIR "/bind", bdf);
	ASSERT_EQ(0, e) TH_LOG("bind %s: %s", bdf, strerror(e));
	self->rebind[0] = '\0';
	ASSERT_EQ(0, region_attr(bdf, "id", &region));
	ASSERT_EQ(0, region_attr(bdf, "size", &rsize));
	EXPECT_EQ(1, sized_devices(bdf, region, sname, sizeof(sname), &ssize))
		TH_LOG("region %" PRIu64 " after rebind: not exactly one device", region);
	ASSERT_NE(0, ssize);
	EXPECT_EQ(rsize, ssize) TH_LOG("the device after rebind does not cover the region");
	ASSERT_TRUE(wait_dax_ready(sname));
	snprintf(spath, sizeof(spath), "/dev/%s", sname);
	ASSERT_EQ(0, daxdev_open(&sd, spath, path)) TH_LOG("%s", path);
	ASSERT_EQ(0, dax_attr(sname, "resource", &sphys));
	ASSERT_LE(sphys, phys);
	off = phys - sphys;
	start = off & ~(sd.align - 1);
	end = (off + self->len + sd.align - 1) & ~(sd.align - 1);
	ASSERT_LE(end, sd.size);
	m = mmap(NULL, end - start, PROT_READ | PROT_WRITE, MAP_SHARED, sd.fd, (off_t)start);
	ASSERT_NE(MAP_FAILED, m) TH_LOG("mmap %s: %s", spath, strerror(errno));
	EXPECT_EQ(0, sample_check(m + (off - start), 0, self->len, a, seed, &fb))
		TH_LOG("%s at 0x%" PRIx64 ": first bad offset 0x%" PRIx64, spath, off, fb);
	munmap(m, end - start);
	daxdev_close(&sd);
}

int main(int argc, char **argv)
{
	const char *path = getenv("P2PDAX_DEV");
	char err[DAXDEV_ERRLEN], word[64];
	struct daxdev d;

	/* Missing or broken input is the harness's bug: fail it, loudly, once. */
	if (!path) {
		ksft_print_header();
		ksft_exit_fail_msg("P2PDAX_DEV is not set: %s\n",
				   "name the device under test, e.g. P2PDAX_DEV=/dev/dax0.0");
	}
	if (teardown_bad_word(word, sizeof(word))) {
		ksft_print_header();
		ksft_exit_fail_msg("P2PDAX_TEARDOWN: unknown kind '%s' (%s)\n", word,
				   "a comma-separated list of disable, destroy, unbind");
	}
	if (daxdev_open(&d, path, err)) {
		ksft_print_header();
		ksft_exit_fail_msg("%s\n", err);
	}
	dev_align = d.align;
	/* stderr: stdout must start with the harness's TAP header. */
	fprintf(stderr, "# %s: %s, alignment 0x%" PRIx64 ", size 0x%" PRIx64 ", seed %" PRIu64
		", teardown '%s'\n", path, d.name, d.align, d.size, test_seed(),
		getenv("P2PDAX_TEARDOWN") ? getenv("P2PDAX_TEARDOWN") : "");
	daxdev_close(&d);
	return test_harness_run(argc, argv);
}
