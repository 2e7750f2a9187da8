// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of daxmap's library (tools/daxmap/lib) where no device is
 * needed: the JSON writer byte for byte (layout, escaping, -u formatting,
 * misuse), human sizes, device filters, PCI names, the names of the ioctl
 * codes, the --sysroot paths, lookups and refusals over a hand-built
 * topology, and the "daxmap: COMMAND: " prefix of messages. TAP on stdout.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libdaxmap.h"
#include "tap.h"

/* ------------------------------------------------------------------ json */

static char jbuf[4096];

/* A writer on a memory stream; json_out() ends it and returns the text. */
static FILE *jfile;

static struct json_writer *jbegin(unsigned int flags)
{
	static struct json_writer w;

	jfile = fmemopen(jbuf, sizeof(jbuf), "w");
	json_init(&w, jfile, flags);
	return &w;
}

static const char *jend(struct json_writer *w, int *rc)
{
	*rc = json_finish(w);
	fclose(jfile);
	return jbuf;
}

static void is_text(const char *got, const char *want, const char *what)
{
	ok(!strcmp(got, want), "%s", what);
	if (strcmp(got, want))
		diag("got:\n%s\nwant:\n%s", got, want);
}

static void test_json(void)
{
	struct json_writer *w;
	int rc;

	w = jbegin(0);
	json_array_begin(w, NULL);
	json_object_begin(w, NULL);
	json_u64(w, "id", 1);
	json_size(w, "size", 268435456);
	json_offset(w, "offset", 134217728);
	json_bool(w, "prefetchable", true);
	json_hex(w, "bus_address", 0xd0000000);
	json_array_begin(w, "devices");
	json_object_begin(w, NULL);
	json_string(w, "chardev", "dax1.0");
	json_object_end(w);
	json_array_end(w);
	json_array_begin(w, "empty");
	json_array_end(w);
	json_object_end(w);
	json_array_end(w);
	is_text(jend(w, &rc),
		"[\n"
		"  {\n"
		"    \"id\":1,\n"
		"    \"size\":268435456,\n"
		"    \"offset\":134217728,\n"
		"    \"prefetchable\":true,\n"
		"    \"bus_address\":\"0xd0000000\",\n"
		"    \"devices\":[\n"
		"      {\n"
		"        \"chardev\":\"dax1.0\"\n"
		"      }\n"
		"    ],\n"
		"    \"empty\":[]\n"
		"  }\n"
		"]\n", "json: daxctl's pretty layout, nested, empty array as []");
	ok(rc == 0, "json: json_finish() of a well-formed document returns 0");

	w = jbegin(JSON_HUMAN);
	json_object_begin(w, NULL);
	json_size(w, "size", 268435456);
	json_size(w, "align", 4096);
	json_size(w, "small", 512);
	json_offset(w, "offset", 134217728);
	json_hex(w, "bus_address", 0xd8000000);
	json_u64(w, "id", 3);
	json_object_end(w);
	is_text(jend(w, &rc),
		"{\n"
		"  \"size\":\"256.00 MiB\",\n"
		"  \"align\":\"4.00 KiB\",\n"
		"  \"small\":\"512 B\",\n"
		"  \"offset\":\"0x8000000\",\n"
		"  \"bus_address\":\"0xd8000000\",\n"
		"  \"id\":3\n"
		"}\n", "json -u: sizes human, offsets hex, nothing else changes");

	w = jbegin(JSON_COMPACT);
	json_object_begin(w, NULL);
	json_string(w, "s", "a\"b\\c\nd\te\x01" "f/\xc3\xa9");
	json_null(w, "n");
	json_i64(w, "neg", -5);
	json_double(w, "d", 12.345, 2);
	json_double(w, "nan", 0.0 / 0.0, 2);
	json_hex_width(w, "acs", 0x1d, 4);
	json_string(w, "null", NULL);
	json_object_end(w);
	is_text(jend(w, &rc),
		"{\"s\":\"a\\\"b\\\\c\\nd\\te\\u0001f/\xc3\xa9\",\"n\":null,\"neg\":-5,"
		"\"d\":12.35,\"nan\":null,\"acs\":\"0x001d\",\"null\":\"\"}\n",
		"json compact: escapes, null, negative, decimals, NaN as null, hex width");
	ok(rc == 0, "json compact: well-formed");

	w = jbegin(0);
	json_array_begin(w, NULL);
	json_u64(w, "key", 1);
	json_array_end(w);
	jend(w, &rc);
	ok(rc == -1, "json: a key inside an array is a misuse, json_finish() fails");

	w = jbegin(0);
	json_object_begin(w, NULL);
	json_u64(w, NULL, 1);
	json_object_end(w);
	jend(w, &rc);
	ok(rc == -1, "json: a value without a key inside an object is a misuse");

	w = jbegin(0);
	json_object_begin(w, NULL);
	jend(w, &rc);
	ok(rc == -1, "json: an object left open fails");

	w = jbegin(0);
	json_object_begin(w, NULL);
	json_array_end(w);
	jend(w, &rc);
	ok(rc == -1, "json: closing an object as an array fails");

	w = jbegin(0);
	json_u64(w, NULL, 1);
	json_u64(w, NULL, 2);
	jend(w, &rc);
	ok(rc == -1, "json: two top-level values fail");

	w = jbegin(0);
	jend(w, &rc);
	ok(rc == -1, "json: an empty document fails");
}

/* ------------------------------------------------------------ sizes */

static void test_fmt_size(void)
{
	static const struct {
		uint64_t v;
		const char *want;
	} cases[] = {
		{ 0, "0 B" }, { 1023, "1023 B" }, { 1024, "1.00 KiB" }, { 4096, "4.00 KiB" },
		{ 2097152, "2.00 MiB" }, { 268435456, "256.00 MiB" },
		{ 1610612736, "1.50 GiB" }, { 1ULL << 41, "2.00 TiB" },
		{ UINT64_MAX, "16.00 EiB" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_text(daxmap_fmt_size(buf, sizeof(buf), cases[i].v), cases[i].want,
			cases[i].want);
}

/* ------------------------------------------------------------ filters */

static void test_filters(struct daxmap_ctx *ctx)
{
	static const char *const bad[] = {
		"", "dax", "dax0", "dax0.", "dax.1", "daxa.b", "dax0.1x", "dax 0.1", "dax+1.0",
		"-1.0", "1", "1.", ".1", "dax4294967296.0", "dax0.4294967296", "ALL", "all ",
		"/dev/", "/dev/dax", "nvme0n1", "/dev/nvme0n1", "dax0.1/",
	};
	struct daxmap_filter f;
	struct daxmap_dev d = { .region_id = 12, .id = 34 };
	size_t i;

	ok(!daxmap_parse_filter(ctx, "all", &f) && f.all, "filter: all");
	ok(daxmap_filter_match(&f, &d), "filter: all matches any device");
	ok(!daxmap_parse_filter(ctx, "dax12.34", &f) && !f.all && f.region_id == 12 &&
	   f.id == 34, "filter: dax12.34");
	ok(daxmap_filter_match(&f, &d), "filter: dax12.34 matches dax12.34");
	d.id = 3;
	ok(!daxmap_filter_match(&f, &d), "filter: dax12.34 does not match dax12.3");
	ok(!daxmap_parse_filter(ctx, "12.34", &f) && f.region_id == 12 && f.id == 34,
	   "filter: 12.34 (daxctl's X.Y)");
	ok(!daxmap_parse_filter(ctx, "/dev/dax12.34", &f) && f.region_id == 12 && f.id == 34,
	   "filter: /dev/dax12.34");
	ok(!daxmap_parse_filter(ctx, "dax4294967295.0", &f) && f.region_id == 4294967295U,
	   "filter: the largest region id");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ctx->err[0] = '\0';
		ok(daxmap_parse_filter(ctx, bad[i], &f) == -EINVAL &&
		   strstr(ctx->err, "is not a dax device"), "filter: '%s' refused, saying why",
		   bad[i]);
	}
	is_text(ctx->err, "'dax0.1/' is not a dax device (all, daxX.Y, X.Y or /dev/daxX.Y)",
		"filter: the message names the forms");
}

/* ------------------------------------------------------------ pci, names */

static void test_pci(void)
{
	static const char *const bad[] = {
		"", "0000:03:00", "03:00", "0000:03:20.0", "0000:03:00.8", "0000:100:00.0",
		"000000000:03:00.0", "0x00:03:00.0", " 03:00.0", "03:00.0 ", "03:00.0.1",
		"0000:03:00.0:1", "g3:00.0", "-1:00.0", "3.0",
	};
	struct p2pdax_pci_fn fn;
	char buf[32];
	size_t i;

	ok(!daxmap_parse_pci("0000:03:00.0", &fn) && fn.domain == 0 && fn.bus == 3 &&
	   fn.device == 0 && fn.function == 0 && fn.bar == 0, "pci: 0000:03:00.0");
	ok(!daxmap_parse_pci("abcd:ff:1f.7", &fn) && fn.domain == 0xabcd && fn.bus == 0xff &&
	   fn.device == 0x1f && fn.function == 7, "pci: abcd:ff:1f.7");
	ok(!daxmap_parse_pci("04:00.0", &fn) && fn.domain == 0 && fn.bus == 4,
	   "pci: BB:DD.F is domain 0");
	is_text(daxmap_pci_name(&fn, buf, sizeof(buf)), "0000:04:00.0",
		"pci: printed as DDDD:BB:DD.F");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(daxmap_parse_pci(bad[i], &fn) == -EINVAL, "pci: '%s' refused", bad[i]);
}

static void test_names(void)
{
	ok(!strcmp(daxmap_route_type_name(P2PDAX_ROUTE_SAME_FUNCTION), "same-function") &&
	   !strcmp(daxmap_route_type_name(P2PDAX_ROUTE_SAME_SWITCH), "same-switch") &&
	   !strcmp(daxmap_route_type_name(P2PDAX_ROUTE_ROOT_COMPLEX), "root-complex") &&
	   !strcmp(daxmap_route_type_name(P2PDAX_ROUTE_NO_COMMON_ROOT), "no-common-root") &&
	   !daxmap_route_type_name(0) && !daxmap_route_type_name(5),
	   "names: route types, NULL for unknown codes");
	ok(!strcmp(daxmap_iommu_name(P2PDAX_IOMMU_NONE), "none") &&
	   !strcmp(daxmap_iommu_name(P2PDAX_IOMMU_IDENTITY), "identity") &&
	   !strcmp(daxmap_iommu_name(P2PDAX_IOMMU_TRANSLATED), "translated") &&
	   !daxmap_iommu_name(3), "names: iommu domains");
	ok(!strcmp(daxmap_caching_name(P2PDAX_CACHING_WC), "write-combining") &&
	   !strcmp(daxmap_caching_name(P2PDAX_CACHING_UC), "uncached") &&
	   !daxmap_caching_name(0), "names: caching, as p2pdax/caching says it");
	ok(!strcmp(daxmap_pcie_type_name(4), "root-port") &&
	   !strcmp(daxmap_pcie_type_name(5), "upstream-port") &&
	   !strcmp(daxmap_pcie_type_name(6), "downstream-port") &&
	   !strcmp(daxmap_pcie_type_name(0), "endpoint") &&
	   !strcmp(daxmap_pcie_type_name(0xffff), "pci-bridge") &&
	   !daxmap_pcie_type_name(0xb), "names: PCIe port types");
}

/* ------------------------------------------------------------ sysroot */

static void test_root(struct daxmap_ctx *ctx)
{
	char dir[] = "/tmp/daxmap-unit.XXXXXX", file[PATH_MAX], buf[PATH_MAX], want[PATH_MAX];
	FILE *f;

	if (!mkdtemp(dir)) {
		ok(0, "root: mkdtemp: %s", strerror(errno));
		return;
	}
	ok(!daxmap_has_root(ctx), "root: none by default");
	is_text(daxmap_path(ctx, buf, "/sys/bus/dax/devices/%s", "dax0.1"),
		"/sys/bus/dax/devices/dax0.1", "root: none: paths as they are");
	snprintf(file, sizeof(file), "%s/", dir);
	ok(!daxmap_set_root(ctx, file) && daxmap_has_root(ctx), "root: a directory, with a /");
	snprintf(want, sizeof(want), "%s/dev/p2pdax", dir);
	is_text(daxmap_path(ctx, buf, "/dev/%s", "p2pdax"), want,
		"root: /dev paths under it, the trailing / dropped");
	is_text(daxmap_unroot(ctx, buf), "/dev/p2pdax", "root: unroot() for messages");
	is_text(daxmap_unroot(ctx, "/elsewhere"), "/elsewhere", "root: unroot() of another path");
	ok(!daxmap_set_root(ctx, "/") && !daxmap_has_root(ctx), "root: / is no root");
	ok(!daxmap_set_root(ctx, "") && !daxmap_has_root(ctx), "root: \"\" is no root");
	snprintf(file, sizeof(file), "%s/file", dir);
	f = fopen(file, "w");
	if (f)
		fclose(f);
	ok(daxmap_set_root(ctx, file) == -ENOTDIR && strstr(ctx->err, "not a directory"),
	   "root: a file is refused");
	snprintf(buf, sizeof(buf), "%s/missing", dir);
	ok(daxmap_set_root(ctx, buf) == -ENOENT && strstr(ctx->err, "No such file"),
	   "root: a missing directory is refused");
	ok(!daxmap_has_root(ctx), "root: a refused root leaves none");
	unlink(file);
	rmdir(dir);
}

/* --------------------------------------------------- topology lookups */

static void test_lookup(struct daxmap_ctx *ctx)
{
	struct daxmap_dev p2p_devs[] = {
		{ .region_id = 1, .id = 0, .name = "dax1.0", .size = 1 << 27, .align = 1 << 21,
		  .enabled = true, .driver = "device_dax" },
		{ .region_id = 1, .id = 1, .name = "dax1.1", .size = 1 << 26, .align = 4096,
		  .enabled = false },
		{ .region_id = 1, .id = 2, .name = "dax1.2", .size = 0, .enabled = true,
		  .driver = "device_dax" },
		{ .region_id = 1, .id = 3, .name = "dax1.3", .size = 1 << 21, .enabled = true,
		  .driver = "kmem", .system_ram = true },
		{ .region_id = 1, .id = 4, .name = "dax1.4", .size = 1 << 21, .enabled = true,
		  .driver = "dax_pci_p2p" },
		{ .region_id = 1, .id = 5, .name = "dax1.5", .size = 1 << 21, .enabled = true,
		  .driver = "fsdev_dax" },
	};
	struct daxmap_dev other_devs[] = {
		{ .region_id = 0, .id = 0, .name = "dax0.0", .size = 1 << 26, .enabled = true,
		  .driver = "device_dax" },
	};
	struct daxmap_region regions[] = {
		{ .id = 0, .parent = "hmem.0", .parent_driver = "hmem", .devs = other_devs,
		  .nr_devs = 1 },
		{ .id = 1, .parent = "0000:03:00.0", .parent_driver = "dax_pci_p2p", .p2pdax = true,
		  .devs = p2p_devs, .nr_devs = 6 },
		{ .id = 2, .parent = "ndbus0", .devs = NULL, .nr_devs = 0 },
	};
	struct daxmap_topo t = { .regions = regions, .nr_regions = 3 };
	struct daxmap_region *r = NULL;
	struct daxmap_dev *d = NULL;

	ok(daxmap_find_region(&t, 1) == &regions[1] && !daxmap_find_region(&t, 7),
	   "lookup: regions by id");
	ok(daxmap_find_dev(&t, 1, 1, &r) == &p2p_devs[1] && r == &regions[1] &&
	   !daxmap_find_dev(&t, 1, 9, NULL) && !daxmap_find_dev(&t, 9, 0, NULL),
	   "lookup: devices by region and id");
	ok(!daxmap_lookup_p2p(ctx, &t, "/dev/dax1.0", &d, &r) && d == &p2p_devs[0] &&
	   r == &regions[1], "lookup: /dev/dax1.0 is a p2pdax device");
	ok(daxmap_lookup_p2p(ctx, &t, "dax0.0", &d, &r) == -EMEDIUMTYPE, "lookup: dax0.0 refused");
	is_text(ctx->err, "dax0.0 is not a p2pdax device (its region belongs to hmem.0, driver hmem)",
		"lookup: a device of another driver's region, named");
	ok(daxmap_lookup_p2p(ctx, &t, "9.0", &d, &r) == -ENODEV, "lookup: 9.0 refused");
	is_text(ctx->err, "dax9.0: no such dax device", "lookup: a missing device");
	ok(daxmap_lookup_p2p(ctx, &t, "all", &d, &r) == -EINVAL, "lookup: all names no device");
	ok(daxmap_lookup_p2p(ctx, &t, "nvme0n1", &d, &r) == -EINVAL, "lookup: not a name");

	ok(!daxmap_dev_usable(ctx, &p2p_devs[0]), "usable: enabled devdax of size > 0");
	ok(daxmap_dev_usable(ctx, &p2p_devs[1]) == -ENXIO, "usable: disabled refused");
	is_text(ctx->err, "dax1.1 is disabled (daxctl enable-device dax1.1)",
		"usable: disabled, with the command that helps");
	ok(daxmap_dev_usable(ctx, &p2p_devs[2]) == -ENOSPC &&
	   !strcmp(ctx->err, "dax1.2 has size 0 (daxctl reconfigure-device -s SIZE dax1.2)"),
	   "usable: size 0 refused");
	ok(daxmap_dev_usable(ctx, &p2p_devs[3]) == -EBUSY && strstr(ctx->err, "system-ram"),
	   "usable: system-ram refused");
	ok(!daxmap_dev_usable(ctx, &p2p_devs[4]), "usable: served by dax_pci_p2p's own driver");
	ok(daxmap_dev_usable(ctx, &p2p_devs[5]) == -EBUSY, "usable: another dax driver refused");
	is_text(ctx->err, "dax1.5 is bound to fsdev_dax, not device_dax or dax_pci_p2p",
		"usable: another dax driver, named");
}

/* ------------------------------------------------------------ cli, timing */

static void test_cli_timing(void)
{
	char got[256];
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO), rc1, rc2;
	ssize_t n;
	struct daxmap_timer tm;
	struct daxmap_times t;

	if (!tmp || saved < 0 || dup2(fileno(tmp), STDERR_FILENO) < 0) {
		ok(0, "cli: cannot redirect stderr");
		return;
	}
	cli_prog = "daxmap";
	cli_cmdname = "copy";
	rc1 = cli_error("DST %s is incomplete", "x");
	rc2 = cli_usage_error("bad");
	cli_cmdname = NULL;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fileno(tmp), got, sizeof(got) - 1, 0);
	got[n > 0 ? n : 0] = '\0';
	fclose(tmp);
	ok(rc1 == 1 && rc2 == 2, "cli: exit statuses 1 and 2");
	is_text(got, "daxmap: copy: DST x is incomplete\ndaxmap: copy: bad\n"
		"(daxmap copy -h for usage)\n", "cli: \"daxmap: COMMAND: \" and the command's -h hint");

	ok(daxmap_mbps(10000000, 2.0) == 5.0 && daxmap_mbps(1, 0) == 0,
	   "timing: MB/s is 10^6 bytes per second, 0 for no time");
	daxmap_timer_start(&tm);
	daxmap_timer_read(&tm, &t);
	ok(t.seconds >= 0 && t.seconds < 10 && t.user >= 0 && t.sys >= 0,
	   "timing: a timer reads small non-negative times");
}

int main(void)
{
	static struct daxmap_ctx ctx;

	daxmap_ctx_init(&ctx);
	test_json();
	test_fmt_size();
	test_filters(&ctx);
	test_pci();
	test_names();
	test_root(&ctx);
	test_lookup(&ctx);
	test_cli_timing();
	return tap_done();
}
