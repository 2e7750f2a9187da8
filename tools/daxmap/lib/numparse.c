// SPDX-License-Identifier: GPL-2.0
/*
 * See numparse.h. parse_u64() is hand-rolled rather than strtoull(), which
 * skips leading white space, accepts a sign ("-1" becomes 2^64 - 1) and
 * treats a leading 0 as octal: all three would turn a typo in a test layout
 * into a valid offset.
 */
#include <errno.h>
#include <stdio.h>

#include "numparse.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10, shift = 0;
	uint64_t v = 0;
	int d, ndigits = 0;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; (d = digit_value(*s)) >= 0 && (unsigned int)d < base; s++) {
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			return -ERANGE;
		v = v * base + (uint64_t)d;
		ndigits++;
	}
	if (!ndigits)
		return -EINVAL;
	switch (*s) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		s++;
		break;
	case 'm': case 'M':
		shift = 20;
		s++;
		break;
	case 'g': case 'G':
		shift = 30;
		s++;
		break;
	default:
		return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

char *daxmap_fmt_size(char *buf, size_t len, uint64_t v)
{
	static const char units[] = "KMGTPE";
	unsigned int i = 0;
	double d;

	if (v < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)v);
		return buf;
	}
	d = (double)v / 1024;
	while (d >= 1024 && units[i + 1]) {
		d /= 1024;
		i++;
	}
	snprintf(buf, len, "%.2f %ciB", d, units[i]);
	return buf;
}
