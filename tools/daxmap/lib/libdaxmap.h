/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libdaxmap: the library under the daxmap command (tools/daxmap/), like
 * libdaxctl under daxctl. One context carries what every call needs:
 *
 * - the root under which every /sys and /dev path is looked up (the
 *   --sysroot of the command line, "" for the real root), so that unit tests
 *   can point the library at a saved sysfs tree, as util-linux's
 *   lsmem --sysroot does;
 * - the reason for the last failure, one line without the program name
 *   ("dax1.0 is not a p2pdax device (...)"): functions that can fail return a
 *   negative errno and leave the reason in @err, for the command to print
 *   as "daxmap: COMMAND: REASON".
 *
 * The modules, each with its own header (this one includes them all):
 *   dax.h      regions and devices found in sysfs, device filters
 *   ctl.h      the ioctls of /dev/p2pdax, and names for what they return
 *   daxdev.h   opening and mapping a /dev/daxX.Y (also used by tests/guest)
 *   pattern.h  the seeded position-dependent test pattern
 *   numparse.h numbers from the command line, and human-readable sizes
 *   json.h     a small streaming JSON writer
 *   timing.h   wall clock, CPU time, a progress bar for ttys
 *   cli.h      messages and exit statuses (also used by the test tools)
 */
#ifndef DAXMAP_LIBDAXMAP_H
#define DAXMAP_LIBDAXMAP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DAXMAP_ERRLEN	512

struct daxmap_ctx {
	char root[PATH_MAX];		/* "" or a directory, no trailing '/' */
	char err[DAXMAP_ERRLEN];	/* reason for the last failure */
};

/*
 * daxmap_ctx_init() - an empty root (the real / ) and no error.
 */
void daxmap_ctx_init(struct daxmap_ctx *ctx);

/*
 * daxmap_set_root() - look up /sys and /dev under @dir from now on; NULL or
 * "" or "/" is the real root. @dir must be a directory.
 * Return: 0, or -errno with the reason in ctx->err.
 */
int daxmap_set_root(struct daxmap_ctx *ctx, const char *dir);

/* Whether a root other than / is set (then files may stand in for devices). */
bool daxmap_has_root(const struct daxmap_ctx *ctx);

/*
 * daxmap_path() - the path of the absolute path @fmt... under the root, in
 * @buf (PATH_MAX bytes). "/sys/bus/dax/devices" with root "/tmp/t" is
 * "/tmp/t/sys/bus/dax/devices".
 * Return: @buf, or NULL if it does not fit (ctx->err says so).
 */
char *daxmap_path(struct daxmap_ctx *ctx, char *buf, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * daxmap_unroot() - @path with the root taken off its front, for messages
 * and JSON: what the path is called on the machine the tree came from.
 */
const char *daxmap_unroot(const struct daxmap_ctx *ctx, const char *path);

/*
 * daxmap_fail() - set ctx->err from @fmt and return -@err (@err > 0, an
 * errno), so that library code can end with "return daxmap_fail(...);".
 */
int daxmap_fail(struct daxmap_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Whether the caller may ask for bus addresses: euid 0 or CAP_SYS_ADMIN. */
bool daxmap_is_admin(void);

#include "cli.h"
#include "ctl.h"
#include "dax.h"
#include "daxdev.h"
#include "json.h"
#include "numparse.h"
#include "pattern.h"
#include "timing.h"

#endif /* DAXMAP_LIBDAXMAP_H */
