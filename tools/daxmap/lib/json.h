/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: values are written as they are added, in
 * json-c's pretty layout that daxctl prints (two-space indent, "key":value).
 *
 * Inside an object every value has a key; inside an array and at the top
 * level the key is NULL. A misuse (a key missing or extra, an end without
 * a begin, nesting deeper than JSON_MAX_DEPTH) is remembered and reported
 * by json_finish(), which also writes the final newline.
 *
 * With JSON_HUMAN, json_size() and json_offset() write what daxctl -u
 * writes: sizes as strings with binary units ("256.00 MiB"), offsets in hex
 * ("0x40000000"); without it both are integers. Nothing else changes.
 */
#ifndef DAXMAP_JSON_H
#define DAXMAP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	16

#define JSON_HUMAN	(1U << 0)	/* -u/--human */
#define JSON_COMPACT	(1U << 1)	/* one line, no spaces */

struct json_writer {
	FILE *out;
	unsigned int flags;
	int depth;
	bool in_array[JSON_MAX_DEPTH + 1];
	unsigned int count[JSON_MAX_DEPTH + 1];	/* values so far at each level */
	bool bad;				/* misused; json_finish() fails */
};

void json_init(struct json_writer *w, FILE *out, unsigned int flags);

void json_object_begin(struct json_writer *w, const char *key);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w, const char *key);
void json_array_end(struct json_writer *w);

/* @s escaped as JSON requires (quotes, backslash, control characters). */
void json_string(struct json_writer *w, const char *key, const char *s);
void json_u64(struct json_writer *w, const char *key, uint64_t v);
void json_i64(struct json_writer *w, const char *key, int64_t v);
void json_bool(struct json_writer *w, const char *key, bool v);
void json_null(struct json_writer *w, const char *key);
/* A number with @decimals digits after the point ("12.50"). */
void json_double(struct json_writer *w, const char *key, double v, int decimals);
/* A string "0x..." (bus addresses, registers): hex whatever the flags. */
void json_hex(struct json_writer *w, const char *key, uint64_t v);
/* A hex string of at least @digits digits ("0x001d"). */
void json_hex_width(struct json_writer *w, const char *key, uint64_t v, int digits);
/* A size: integer, or with JSON_HUMAN a string as daxmap_fmt_size() makes. */
void json_size(struct json_writer *w, const char *key, uint64_t v);
/* An offset: integer, or with JSON_HUMAN a hex string. */
void json_offset(struct json_writer *w, const char *key, uint64_t v);

/*
 * json_finish() - end the document: a newline, and a flush.
 * Return: 0, or -1 if the writer was misused, containers are left open, or
 * the stream had an error.
 */
int json_finish(struct json_writer *w);

#endif /* DAXMAP_JSON_H */
