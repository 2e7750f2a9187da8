// SPDX-License-Identifier: GPL-2.0
/*
 * daxbench - first-touch cost of one MAP_SHARED mapping, for the benchmark
 * suite (tests/bench/run.sh): a /dev/daxX.Y or a raw PCI BAR through
 * /sys/bus/pci/devices/<bdf>/resourceN[_wc]. Both only work through mmap()
 * (read() of a resourceN file fails), so mmap() is all this does:
 *
 *   1. mmap()     [0, SIZE) of FILE, read-write, MAP_SHARED: timed, and the
 *                 minor faults counted (resourceN fills every PTE here, with
 *                 io_remap_pfn_range(), and takes no fault at all)
 *   2. touch      one 8-byte store at the start of each 4 KiB page, in
 *                 address order, so every first access is a write: timed,
 *                 minor and major faults from getrusage()
 *   3. write      memset() of the first BWLEN bytes, all mapped by now: the
 *                 mmap-write bandwidth without faults
 *   4. stamp      TAG ^ offset into the first word of every page, then read
 *                 back: the stores went to the memory, not to a dead BAR;
 *                 the host checks the last stamp in the file behind the BAR
 *   5. munmap()   timed
 *
 * Output, one line on stdout, integers only (ns, bytes, counts):
 *   file=F size=N va_align=N mmap_ns=N mmap_minflt=N touch_ns=N minflt=N
 *   majflt=N write_bytes=N write_ns=N munmap_ns=N
 * va_align is the largest power of two (at most 1 GiB) the mapping's address
 * is a multiple of: a 1 GiB device mapping must get 1 GiB.
 *
 * Exit status: 0 ok, 1 failure (with one message on stderr), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define PAGE		4096u
#define GIB		(1ull << 30)
#define FILL_BYTE	0x5a

static const char usage_text[] =
"usage: daxbench [-s SIZE] [-b BWLEN] [-t TAG] FILE\n"
"\n"
"  Map [0, SIZE) of FILE (a /dev/daxX.Y or a PCI resourceN file) MAP_SHARED,\n"
"  store once into each 4 KiB page (first touch), memset the first BWLEN\n"
"  bytes (write bandwidth), stamp and check every page, unmap; print the\n"
"  timings and fault counts as one line of key=value pairs.\n"
"\n"
"  -s SIZE   bytes to map, a multiple of 4096 (default 1G)\n"
"  -b BWLEN  bytes to memset for the bandwidth figure, at most SIZE\n"
"            (default SIZE; 0 skips it)\n"
"  -t TAG    64-bit stamp: page at offset O gets the word TAG ^ O\n"
"            (default 0x5032504441584245)\n"
"  -h        this text\n"
"\n"
"  Numbers: decimal or 0x hex, optional K/M/G suffix.\n";

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;
static void *volatile fault_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_sig = sig;
	fault_addr = si->si_addr;
	siglongjmp(fault_jmp, 1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock id and pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Minor and major faults of this process so far. */
static int faults(long *minflt, long *majflt)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1;
	*minflt = ru.ru_minflt;
	*majflt = ru.ru_majflt;
	return 0;
}

static uint64_t va_align(const void *p)
{
	uint64_t a = (uintptr_t)p;

	if (!a)
		return 0;
	a &= -a;
	return a > GIB ? GIB : a;
}

/* What is printed; static, so a fault's siglongjmp() cannot clobber it. */
static struct {
	uint64_t va_align, mmap_ns, touch_ns, write_ns, munmap_ns;
	long mmap_minflt, minflt, majflt;
} res;

/*
 * Steps 2 to 4 on the mapping @p of @size bytes. Return: 0, or the exit
 * status after a message.
 */
static int measure(const char *file, char *p, uint64_t size, uint64_t bwlen, uint64_t tag)
{
	long min1, maj1, min2, maj2;
	volatile uint64_t *w;
	uint64_t t0, off;

	if (faults(&min1, &maj1))
		return cli_error("getrusage: %s", strerror(errno));
	/* First touch: nothing but one store per page between the samples. */
	t0 = now_ns();
	for (off = 0; off < size; off += PAGE)
		*(volatile uint64_t *)(p + off) = off;
	res.touch_ns = now_ns() - t0;
	if (faults(&min2, &maj2))
		return cli_error("getrusage: %s", strerror(errno));
	res.minflt = min2 - min1;
	res.majflt = maj2 - maj1;

	if (bwlen) {
		t0 = now_ns();
		memset(p, FILL_BYTE, bwlen);
		res.write_ns = now_ns() - t0;
	}

	for (off = 0; off < size; off += PAGE) {
		w = (volatile uint64_t *)(p + off);
		*w = tag ^ off;
	}
	for (off = 0; off < size; off += PAGE) {
		w = (volatile uint64_t *)(p + off);
		if (*w != (tag ^ off))
			return cli_error("%s: offset %#" PRIx64 " reads %#" PRIx64 " after storing %#" PRIx64 ": the stores do not reach memory (BAR disabled?)",
					 file, off, (uint64_t)*w, tag ^ off);
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t size = GIB, bwlen = UINT64_MAX, tag = 0x5032504441584245ull, t0;
	long min0, maj0, min1, maj1;
	struct sigaction sa;
	const char *file;
	char *p;
	int fd, opt, rc;

	cli_prog = "daxbench";
	if (argc > 1 && cli_is_help(argv[1])) {
		fputs(usage_text, stdout);
		return 0;
	}
	while ((opt = getopt(argc, argv, "s:b:t:h")) != -1) {
		switch (opt) {
		case 's':
			rc = cli_get_num("SIZE", optarg, &size);
			break;
		case 'b':
			rc = cli_get_num("BWLEN", optarg, &bwlen);
			break;
		case 't':
			rc = cli_get_num("TAG", optarg, &tag);
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("unknown option");
		}
		if (rc)
			return rc;
	}
	if (optind != argc - 1)
		return cli_usage_error("expected one FILE, got %d arguments", argc - optind);
	file = argv[optind];
	if (!size || size % PAGE || size > SIZE_MAX)
		return cli_usage_error("SIZE %#" PRIx64 " is not a non-zero multiple of 4096", size);
	if (bwlen == UINT64_MAX)
		bwlen = size;
	if (bwlen > size)
		return cli_usage_error("BWLEN %#" PRIx64 " is larger than SIZE %#" PRIx64, bwlen, size);

	fd = open(file, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return cli_error("open %s: %s", file, strerror(errno));

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) || sigaction(SIGSEGV, &sa, NULL))
		return cli_error("sigaction: %s", strerror(errno));

	/*
	 * Only the mapping may fault while measuring: fault in this program's
	 * text, data, libraries and stack now (MCL_CURRENT: not the mapping,
	 * which does not exist yet), and the vDSO by reading the clock once.
	 */
	if (mlockall(MCL_CURRENT))
		return cli_error("mlockall: %s", strerror(errno));
	now_ns();

	if (faults(&min0, &maj0))
		return cli_error("getrusage: %s", strerror(errno));
	t0 = now_ns();
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	res.mmap_ns = now_ns() - t0;
	if (p == MAP_FAILED)
		return cli_error("mmap %s, %#" PRIx64 " bytes, MAP_SHARED read-write: %s",
				 file, size, strerror(errno));
	if (faults(&min1, &maj1))
		return cli_error("getrusage: %s", strerror(errno));
	res.mmap_minflt = min1 - min0;
	res.va_align = va_align(p);

	if (sigsetjmp(fault_jmp, 1))
		return cli_error("%s at offset %#tx of the mapping of %s",
				 fault_sig == SIGBUS ? "SIGBUS" : "SIGSEGV",
				 (char *)fault_addr - p, file);
	rc = measure(file, p, size, bwlen, tag);
	if (rc)
		return rc;

	t0 = now_ns();
	if (munmap(p, size))
		return cli_error("munmap: %s", strerror(errno));
	res.munmap_ns = now_ns() - t0;
	close(fd);

	printf("file=%s size=%" PRIu64 " va_align=%" PRIu64 " mmap_ns=%" PRIu64
	       " mmap_minflt=%ld touch_ns=%" PRIu64 " minflt=%ld majflt=%ld"
	       " write_bytes=%" PRIu64 " write_ns=%" PRIu64 " munmap_ns=%" PRIu64 "\n",
	       file, size, res.va_align, res.mmap_ns, res.mmap_minflt, res.touch_ns,
	       res.minflt, res.majflt, bwlen, res.write_ns, res.munmap_ns);
	return fflush(stdout) ? cli_error("stdout: %s", strerror(errno)) : 0;
}
