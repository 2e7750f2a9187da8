// SPDX-License-Identifier: GPL-2.0
/* Host unit tests of tools/daxmap/lib/pattern.h. TAP on stdout. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pattern.h"
#include "tap.h"

#define WORDS	65536

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static uint64_t buf[WORDS], sorted[WORDS];
	const uint64_t base = 0x801000;	/* an offset from tests/guest/layout.sh */
	const size_t len = sizeof(buf);
	uint64_t first_bad, i, same;
	size_t bad, dups;

	/*
	 * Golden values: the host checks what the guest wrote, with binaries
	 * built separately; a change to the pattern must be deliberate.
	 */
	ok(pattern_word(1, 0) == 0x910a2dec89025cc1ULL &&
	   pattern_word(1, 8) == 0xbeeb8da1658eec67ULL &&
	   pattern_word(0x5eed, 128 << 20) == 0xf9e27c752f5ec285ULL,
	   "pattern_word matches its golden values");
	ok(pattern_word(42, 4096) == pattern_word(42, 4096),
	   "pattern_word is deterministic");
	ok(pattern_word(42, 4096) == pattern_word(42, 4096 + 7),
	   "pattern_word: offsets within one 64-bit word share the word");

	/* Position dependence: no two words of 512 KiB of pattern are equal. */
	for (i = 0; i < WORDS; i++)
		sorted[i] = pattern_word(7, base + i * 8);
	qsort(sorted, WORDS, sizeof(sorted[0]), cmp_u64);
	for (dups = 0, i = 1; i < WORDS; i++)
		dups += sorted[i] == sorted[i - 1];
	ok(dups == 0, "pattern_word: %d consecutive words are all distinct (%zu equal pairs)",
	   WORDS, dups);

	/* Seed dependence: another seed differs at every offset. */
	for (same = 0, i = 0; i < WORDS; i++)
		same += pattern_word(11, base + i * 8) == pattern_word(13, base + i * 8);
	ok(same == 0, "pattern_word: seeds 11 and 13 differ at every offset (%" PRIu64 " equal)",
	   same);
	for (same = 0, i = 0; i < WORDS; i++)
		same += pattern_word(11, i * 8) == pattern_word(11, i * 8 + (1 << 20));
	ok(same == 0, "pattern_word: the same seed 1 MiB further on differs at every offset");

	/* Round trip. */
	memset(buf, 0, sizeof(buf));
	pattern_fill(buf, base, len, 11);
	first_bad = 0xdead;
	bad = pattern_check(buf, base, len, 11, &first_bad);
	ok(bad == 0 && first_bad == 0xdead,
	   "pattern_fill then pattern_check: 0 bad words, first_bad untouched");
	ok(pattern_check(buf, base, len, 11, NULL) == 0, "pattern_check accepts first_bad NULL");
	ok(buf[0] == pattern_word(11, base) && buf[WORDS - 1] == pattern_word(11, base + len - 8),
	   "pattern_fill stores word i at pattern offset off + 8 * i");
	ok(pattern_check(buf, base, 0, 99, &first_bad) == 0, "an empty range has no bad words");

	/* The wrong seed or the wrong offset fails everywhere, from the start. */
	bad = pattern_check(buf, base, len, 13, &first_bad);
	ok(bad == WORDS && first_bad == base,
	   "wrong seed: all %zu words bad, first at 0x%" PRIx64, bad, first_bad);
	bad = pattern_check(buf, base + 4096, len, 11, &first_bad);
	ok(bad == WORDS && first_bad == base + 4096,
	   "data checked 4 KiB off its offset: all %zu words bad, first at 0x%" PRIx64,
	   bad, first_bad);

	/* One flipped byte: one bad word, at the word that holds it. */
	((unsigned char *)buf)[0x12345] ^= 0x40;
	bad = pattern_check(buf, base, len, 11, &first_bad);
	ok(bad == 1 && first_bad == base + 0x12340,
	   "one flipped byte at 0x%" PRIx64 ": 1 bad word at 0x%" PRIx64 " (got %zu at 0x%"
	   PRIx64 ")", base + 0x12345, base + 0x12340, bad, first_bad);
	((unsigned char *)buf)[0x12345] ^= 0x40;

	/*
	 * A copy that lost one word at byte 0x2000 (everything after it shifted
	 * down by 8): bad from exactly that offset on, up to the last word,
	 * which still holds its old, correct value.
	 */
	memmove((char *)buf + 0x2000, (char *)buf + 0x2008, len - 0x2008);
	bad = pattern_check(buf, base, len, 11, &first_bad);
	ok(bad == (len - 0x2000) / 8 - 1 && first_bad == base + 0x2000,
	   "data shifted by one word from 0x%" PRIx64 ": first bad offset 0x%" PRIx64
	   ", %zu bad words", base + 0x2000, first_bad, bad);

	/* Checking the shifted data at the shifted offset finds it intact. */
	ok(pattern_check((char *)buf + 0x2000, base + 0x2008, len - 0x2008, 11, NULL) == 0,
	   "the shifted data is the pattern of the next word on");

	return tap_done();
}
