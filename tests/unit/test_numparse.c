// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of tools/daxmap/lib/numparse.c. TAP on stdout. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "numparse.h"
#include "tap.h"

static const struct {
	const char *s;
	int rc;
	uint64_t v;
} cases[] = {
	/* decimal */
	{ "0", 0, 0 },
	{ "4096", 0, 4096 },
	{ "010", 0, 10 },			/* not octal */
	{ "18446744073709551615", 0, UINT64_MAX },
	{ "18446744073709551616", -ERANGE, 0 },
	{ "99999999999999999999999", -ERANGE, 0 },
	/* hex */
	{ "0x0", 0, 0 },
	{ "0x1000", 0, 4096 },
	{ "0X5eEd", 0, 0x5eed },
	{ "0xffffffffffffffff", 0, UINT64_MAX },
	{ "0x10000000000000000", -ERANGE, 0 },
	/* suffixes */
	{ "4K", 0, 4096 },
	{ "4k", 0, 4096 },
	{ "60K", 0, 60 << 10 },
	{ "2M", 0, 2 << 20 },
	{ "255m", 0, 255ULL << 20 },
	{ "1G", 0, 1ULL << 30 },
	{ "2g", 0, 2ULL << 30 },
	{ "0x10K", 0, 16 << 10 },
	{ "0K", 0, 0 },
	{ "17179869183G", 0, 17179869183ULL << 30 },
	{ "17179869184G", -ERANGE, 0 },		/* 2^64 */
	{ "0x400000000000M", -ERANGE, 0 },	/* 2^64 */
	{ "16777215T", -EINVAL, 0 },
	/* garbage */
	{ "", -EINVAL, 0 },
	{ "0x", -EINVAL, 0 },
	{ "x10", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },
	{ "+1", -EINVAL, 0 },
	{ " 1", -EINVAL, 0 },
	{ "1 ", -EINVAL, 0 },
	{ "1\n", -EINVAL, 0 },
	{ "K", -EINVAL, 0 },
	{ "1KB", -EINVAL, 0 },
	{ "1KK", -EINVAL, 0 },
	{ "1.5M", -EINVAL, 0 },
	{ "12abc", -EINVAL, 0 },
	{ "0x12g3", -EINVAL, 0 },
	{ "1e6", -EINVAL, 0 },
	{ "0b101", -EINVAL, 0 },
};

/* @s with C escapes for the non-printable characters, for test names. */
static const char *shown(const char *s)
{
	static char buf[64];
	size_t n = 0;

	for (; *s && n < sizeof(buf) - 5; s++) {
		if (*s == '\n')
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\\n");
		else
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

int main(void)
{
	const uint64_t untouched = 0x5a5a5a5a5a5a5a5aULL;
	size_t i;
	uint64_t v;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *s = shown(cases[i].s);
		const char *want = cases[i].rc == -ERANGE ? "ERANGE" : "EINVAL";

		v = untouched;
		rc = parse_u64(cases[i].s, &v);
		if (cases[i].rc)
			ok(rc == cases[i].rc && v == untouched,
			   "parse_u64(\"%s\") refused with %s (got %d, value %s)", s, want, rc,
			   v == untouched ? "untouched" : "written");
		else
			ok(rc == 0 && v == cases[i].v,
			   "parse_u64(\"%s\") = %" PRIu64 " (got %d, %" PRIu64 ")", s,
			   cases[i].v, rc, v);
	}
	v = untouched;
	ok(parse_u64(NULL, &v) == -EINVAL && v == untouched, "parse_u64(NULL) refused");
	return tap_done();
}
