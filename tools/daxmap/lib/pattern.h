/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Position-dependent test pattern of daxmap verify, the guest tests and the
 * host-side checks (tests/tools/patcheck): the 64-bit word at byte offset
 * @off (a multiple of 8) of a pattern with seed @seed depends on both, so
 * data that lands at the wrong offset, or in the wrong device, is detected as
 * surely as data that never arrived.
 * Words are stored little-endian (the only byte order this project runs on).
 */
#ifndef DAXMAP_PATTERN_H
#define DAXMAP_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t pattern_word(uint64_t seed, uint64_t off)
{
	uint64_t z = seed + (off / 8 + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Fill @len bytes at @buf, which holds the pattern's bytes from offset @off on.
 * @off and @len must be multiples of 8. Stores are whole 64-bit words, so this
 * is safe on device memory mapped uncached or write-combining.
 */
static inline void pattern_fill(volatile void *buf, uint64_t off, size_t len,
				uint64_t seed)
{
	volatile uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = pattern_word(seed, off + i * 8);
}

/*
 * Check @len bytes at @buf against the pattern from offset @off on. Returns the
 * number of mismatching 64-bit words; if there are any and @first_bad is not
 * NULL, it gets the pattern offset of the first one.
 */
static inline size_t pattern_check(const volatile void *buf, uint64_t off,
				   size_t len, uint64_t seed,
				   uint64_t *first_bad)
{
	const volatile uint64_t *w = buf;
	size_t i, bad = 0;

	for (i = 0; i < len / 8; i++) {
		if (w[i] == pattern_word(seed, off + i * 8))
			continue;
		if (!bad && first_bad)
			*first_bad = off + i * 8;
		bad++;
	}
	return bad;
}

#endif /* DAXMAP_PATTERN_H */
