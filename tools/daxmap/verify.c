// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap verify: write the seeded position-dependent pattern of
 * lib/pattern.h through a mapping of a device and check it back, or do one
 * half (--fill, --check), so that data can be checked after a rebind, a
 * reboot of a persistent BAR, or from the host (tests/tools/patcheck finds
 * the same words at the same offsets of the file behind the BAR).
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "builtin.h"

static const char usage[] =
"usage: daxmap verify DEVICE [--seed N] [--offset O] [--length L] [--fill|--check]\n"
"\n"
"Write a seeded pattern of 64-bit words to [O, O+L) of DEVICE through a\n"
"MAP_SHARED mapping and check it back. The word at device offset X depends\n"
"on the seed and X, so misplaced data is found as surely as missing data.\n"
"The mapping covers whole alignment units; only [O, O+L) is touched.\n"
"\n"
"  DEVICE            daxX.Y, X.Y or /dev/daxX.Y, of a p2pdax region\n"
"  -s, --seed N      pattern seed (default 1)\n"
"  -o, --offset O    device offset, a multiple of 8 (default 0)\n"
"  -l, --length L    bytes, a multiple of 8 (default: to the end)\n"
"  -f, --fill        only write the pattern\n"
"  -c, --check       only check it (the device is opened read-only)\n"
"  -h, --help        this text\n"
"  -V, --version     version\n"
"\n"
"Numbers: decimal or 0x hex, optional K/M/G suffix.\n"
"JSON on stdout: chardev offset length seed mode (fill+check, fill, check)\n"
"bad (words that differ) first_bad (device offset of the first, or null)\n"
"seconds. Exit 1 if a word differs: \"daxmap: verify: daxX.Y: N bad words,\n"
"first at offset 0x...\".\n";

/* Work in pieces of this size, for the progress bar. */
#define CHUNK	(64ULL << 20)

static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;
static void *volatile bus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!bus_armed) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	bus_addr = si->si_addr;
	siglongjmp(bus_jmp, 1);
}

enum { DO_FILL = 1, DO_CHECK = 2 };

struct verify {
	const char *device;
	uint64_t seed, offset, length;
	bool offset_set, length_set;
	int what;
	/* results */
	uint64_t bad, first_bad;
	double seconds;
};

/*
 * The command line into @v. Return: -1 to go on, else the status to exit
 * with (0 after -h or -V, 2 after a usage error).
 */
static int parse(int argc, char **argv, struct verify *v)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ "fill", no_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'c' },
		DAXMAP_COMMON_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	int c, rc, status, only = 0;

	v->seed = 1;
	while ((c = daxmap_getopt(argc, argv, "s:o:l:fc" DAXMAP_COMMON_SHORT, longopts, usage,
				  &status)) != DAXMAP_OPT_END) {
		rc = 0;
		switch (c) {
		case DAXMAP_OPT_EXIT:
			return status;
		case 's':
			rc = daxmap_get_num("--seed", optarg, &v->seed);
			break;
		case 'o':
			rc = daxmap_get_num("--offset", optarg, &v->offset);
			v->offset_set = true;
			break;
		case 'l':
			rc = daxmap_get_num("--length", optarg, &v->length);
			v->length_set = true;
			break;
		case 'f':
			only |= DO_FILL;
			break;
		case 'c':
			only |= DO_CHECK;
			break;
		}
		if (rc)
			return rc;
	}
	if (only == (DO_FILL | DO_CHECK))
		return cli_usage_error("--fill and --check exclude each other (give neither for both)");
	v->what = only ? only : DO_FILL | DO_CHECK;
	if (optind == argc)
		return cli_usage_error("no DEVICE");
	if (optind + 1 < argc)
		return cli_usage_error("one DEVICE only: unexpected argument '%s'", argv[optind + 1]);
	v->device = argv[optind];
	if (v->offset % 8)
		return cli_usage_error("--offset 0x%" PRIx64 " is not a multiple of 8", v->offset);
	if (v->length_set && !v->length)
		return cli_usage_error("--length must not be 0");
	if (v->length % 8)
		return cli_usage_error("--length 0x%" PRIx64 " is not a multiple of 8", v->length);
	return -1;
}

/* Fill and/or check @m's range. */
static void work(struct verify *v, const struct daxmap *m, struct daxmap_progress *pr)
{
	uint64_t done = 0, pos, n, nb, fb = 0;

	if (v->what & DO_FILL) {
		for (pos = 0; pos < v->length; pos += n) {
			n = v->length - pos < CHUNK ? v->length - pos : CHUNK;
			pattern_fill(m->p + pos, v->offset + pos, n, v->seed);
			done += n;
			daxmap_progress_update(pr, done);
		}
		daxdev_barrier();
	}
	if (v->what & DO_CHECK) {
		pr->label = "check";
		for (pos = 0; pos < v->length; pos += n) {
			n = v->length - pos < CHUNK ? v->length - pos : CHUNK;
			nb = pattern_check(m->p + pos, v->offset + pos, n, v->seed, &fb);
			if (nb && !v->bad)
				v->first_bad = fb;
			v->bad += nb;
			done += n;
			daxmap_progress_update(pr, done);
		}
	}
}

/* work() with SIGBUS (the device went away) caught and reported. */
static int run(struct verify *v, const struct daxdev *d, const struct daxmap *m)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO }, old;
	static struct daxmap_progress pr;
	static struct daxmap_timer tm;
	struct daxmap_times t;

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &old))
		return cli_error("sigaction: %s", strerror(errno));
	daxmap_progress_init(&pr, v->what & DO_FILL ? "fill" : "check",
			     v->length * (v->what == (DO_FILL | DO_CHECK) ? 2 : 1));
	daxmap_timer_start(&tm);
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		daxmap_progress_end(&pr);
		sigaction(SIGBUS, &old, NULL);
		return cli_error("%s: SIGBUS at device offset 0x%" PRIx64
				 " (the device was disabled, destroyed or unbound meanwhile)",
				 d->name, m->start + (uint64_t)((char *)bus_addr - (char *)m->base));
	}
	bus_armed = 1;
	work(v, m, &pr);
	bus_armed = 0;
	daxmap_progress_end(&pr);
	daxmap_timer_read(&tm, &t);
	v->seconds = t.seconds;
	sigaction(SIGBUS, &old, NULL);
	return 0;
}

static int summary(const struct verify *v, const struct daxmap_dev *dev)
{
	static const char *const modes[] = { "", "fill", "check", "fill+check" };
	struct json_writer w;

	json_init(&w, stdout, 0);
	json_object_begin(&w, NULL);
	json_string(&w, "chardev", dev->name);
	json_u64(&w, "offset", v->offset);
	json_u64(&w, "length", v->length);
	json_u64(&w, "seed", v->seed);
	json_string(&w, "mode", modes[v->what]);
	json_u64(&w, "bad", v->bad);
	if (v->bad)
		json_u64(&w, "first_bad", v->first_bad);
	else
		json_null(&w, "first_bad");
	json_double(&w, "seconds", v->seconds, 6);
	json_object_end(&w);
	if (json_finish(&w))
		return cli_error("writing the JSON output failed");
	return 0;
}

int cmd_verify(int argc, char **argv, struct daxmap_ctx *ctx)
{
	char node[PATH_MAX], sysfs[PATH_MAX], err[DAXDEV_ERRLEN];
	struct verify v = { 0 };
	struct daxmap_region *r;
	struct daxmap_dev *dev;
	struct daxmap_topo t;
	struct daxdev d;
	struct daxmap m;
	unsigned int flags;
	int rc;

	rc = parse(argc, argv, &v);
	if (rc >= 0)
		return rc;
	if (daxmap_scan(ctx, &t))
		return daxmap_lib_error(ctx);
	rc = daxmap_lookup_p2p(ctx, &t, v.device, &dev, &r);
	if (rc) {
		rc = rc == -EINVAL ? cli_usage_error("%s", ctx->err) : daxmap_lib_error(ctx);
		goto out_topo;
	}
	if (daxmap_dev_usable(ctx, dev) || !daxmap_dev_node(ctx, dev, node) ||
	    !daxmap_path(ctx, sysfs, "/sys")) {
		rc = daxmap_lib_error(ctx);
		goto out_topo;
	}
	/* Before anything is mapped, let alone written. */
	if (v.offset >= dev->size) {
		rc = cli_error("%s: offset 0x%" PRIx64 " is at or past the end (size 0x%" PRIx64 ")",
			       dev->name, v.offset, dev->size);
		goto out_topo;
	}
	if (!v.length_set)
		v.length = dev->size - v.offset;
	if (v.length > dev->size - v.offset) {
		rc = cli_error("%s: range 0x%" PRIx64 "+0x%" PRIx64
			       " is past the end of the device (size 0x%" PRIx64 ")",
			       dev->name, v.offset, v.length, dev->size);
		goto out_topo;
	}

	flags = (v.what == DO_CHECK ? DAXDEV_RDONLY : 0) |
		(daxmap_has_root(ctx) ? DAXDEV_ALLOW_FILE : 0);
	if (daxdev_open_at(&d, sysfs, node, flags, err)) {
		rc = cli_error("%s", err);
		goto out_topo;
	}
	if (d.size != dev->size) {
		rc = cli_error("%s: size changed from 0x%" PRIx64 " to 0x%" PRIx64 " meanwhile",
			       dev->name, dev->size, d.size);
		goto out_close;
	}
	if (daxdev_map(&d, v.offset, v.length, &m, err)) {
		rc = cli_error("%s", err);
		goto out_close;
	}
	rc = run(&v, &d, &m);
	daxdev_unmap(&m);
	if (!rc) {
		rc = summary(&v, dev);
		if (!rc && v.bad)
			rc = cli_error("%s: %" PRIu64 " bad words, first at offset 0x%" PRIx64,
				       dev->name, v.bad, v.first_bad);
	}
out_close:
	daxdev_close(&d);
out_topo:
	daxmap_topo_free(&t);
	return rc;
}
