/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Number parsing shared by daxmap and the test tools (daxtool in the guest,
 * patcheck on both sides), so that an offset written in tests/guest/layout.sh
 * means the same bytes to every program that reads it; and the human-readable
 * sizes of daxmap -u.
 */
#ifndef DAXMAP_NUMPARSE_H
#define DAXMAP_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * parse_u64() - parse an unsigned 64-bit number
 * @s:   decimal ("4096") or hexadecimal with a 0x/0X prefix ("0x1000"),
 *       optionally followed by one binary suffix K, M or G (either case:
 *       x 2^10, 2^20, 2^30). No sign, no white space, nothing after the
 *       suffix. A leading 0 does not mean octal: "010" is ten.
 * @out: the value, written only on success
 *
 * Return: 0 on success, -EINVAL for an empty string or one that is not a
 * number of this form, -ERANGE if the value, or the value times its suffix,
 * does not fit in 64 bits.
 */
int parse_u64(const char *s, uint64_t *out);

/* What parse_u64() accepts, for usage and error messages. */
#define PARSE_U64_FORMS "decimal or 0x hex, optional K/M/G suffix"

/*
 * daxmap_fmt_size() - @v bytes for people, as daxmap -u shows sizes: below
 * 1 KiB "512 B", else two decimals of the largest binary unit that is at
 * most @v: "4.00 KiB", "256.00 MiB", "1.50 GiB", "2.00 TiB".
 * Return: @buf (@len bytes; 32 is enough).
 */
char *daxmap_fmt_size(char *buf, size_t len, uint64_t v);

#endif /* DAXMAP_NUMPARSE_H */
