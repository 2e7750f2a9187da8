// SPDX-License-Identifier: GPL-2.0
/* See json.h. */
#include <inttypes.h>
#include <stdio.h>

#include "json.h"
#include "numparse.h"

void json_init(struct json_writer *w, FILE *out, unsigned int flags)
{
	int i;

	w->out = out;
	w->flags = flags;
	w->depth = 0;
	w->bad = false;
	for (i = 0; i <= JSON_MAX_DEPTH; i++) {
		w->in_array[i] = false;
		w->count[i] = 0;
	}
	/* The top level takes one value, without a key, like an array. */
	w->in_array[0] = true;
}

static void newline(struct json_writer *w)
{
	int i;

	if (w->flags & JSON_COMPACT)
		return;
	fputc('\n', w->out);
	for (i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

static void put_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

/*
 * Before a value: the separator, the layout, the key. A key where none
 * belongs (in an array, at the top) or none where one must be (in an
 * object) marks the writer bad; a second top-level value too.
 */
static void begin_value(struct json_writer *w, const char *key)
{
	bool array = w->in_array[w->depth];

	if (array == !!key || (w->depth == 0 && w->count[0]))
		w->bad = true;
	if (w->count[w->depth]++)
		fputc(',', w->out);
	if (w->depth)
		newline(w);
	if (key) {
		put_string(w->out, key);
		fputc(':', w->out);
	}
}

static void open_container(struct json_writer *w, const char *key, bool array)
{
	begin_value(w, key);
	fputc(array ? '[' : '{', w->out);
	if (w->depth == JSON_MAX_DEPTH) {
		w->bad = true;
		return;
	}
	w->depth++;
	w->in_array[w->depth] = array;
	w->count[w->depth] = 0;
}

static void close_container(struct json_writer *w, bool array)
{
	unsigned int n;

	if (w->depth == 0 || w->in_array[w->depth] != array) {
		w->bad = true;
		return;
	}
	n = w->count[w->depth];
	w->depth--;
	if (n)
		newline(w);
	fputc(array ? ']' : '}', w->out);
}

void json_object_begin(struct json_writer *w, const char *key)
{
	open_container(w, key, false);
}

void json_object_end(struct json_writer *w)
{
	close_container(w, false);
}

void json_array_begin(struct json_writer *w, const char *key)
{
	open_container(w, key, true);
}

void json_array_end(struct json_writer *w)
{
	close_container(w, true);
}

void json_string(struct json_writer *w, const char *key, const char *s)
{
	begin_value(w, key);
	put_string(w->out, s ? s : "");
}

void json_u64(struct json_writer *w, const char *key, uint64_t v)
{
	begin_value(w, key);
	fprintf(w->out, "%" PRIu64, v);
}

void json_i64(struct json_writer *w, const char *key, int64_t v)
{
	begin_value(w, key);
	fprintf(w->out, "%" PRId64, v);
}

void json_bool(struct json_writer *w, const char *key, bool v)
{
	begin_value(w, key);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w, const char *key)
{
	begin_value(w, key);
	fputs("null", w->out);
}

void json_double(struct json_writer *w, const char *key, double v, int decimals)
{
	begin_value(w, key);
	/* JSON has no NaN or infinity. */
	if (v != v || v > 1e300 || v < -1e300)
		fputs("null", w->out);
	else
		fprintf(w->out, "%.*f", decimals, v);
}

void json_hex_width(struct json_writer *w, const char *key, uint64_t v, int digits)
{
	begin_value(w, key);
	fprintf(w->out, "\"0x%0*" PRIx64 "\"", digits, v);
}

void json_hex(struct json_writer *w, const char *key, uint64_t v)
{
	json_hex_width(w, key, v, 1);
}

void json_size(struct json_writer *w, const char *key, uint64_t v)
{
	char buf[32];

	if (w->flags & JSON_HUMAN)
		json_string(w, key, daxmap_fmt_size(buf, sizeof(buf), v));
	else
		json_u64(w, key, v);
}

void json_offset(struct json_writer *w, const char *key, uint64_t v)
{
	if (w->flags & JSON_HUMAN)
		json_hex(w, key, v);
	else
		json_u64(w, key, v);
}

int json_finish(struct json_writer *w)
{
	if (w->depth || w->count[0] != 1)
		w->bad = true;
	fputc('\n', w->out);
	if (fflush(w->out) || ferror(w->out))
		return -1;
	return w->bad ? -1 : 0;
}
