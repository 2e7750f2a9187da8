/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands of daxmap (one file each, like daxctl/builtin.h in ndctl) and
 * the option handling they share. See HACKING.
 *
 * A command is
 *	int cmd_NAME(int argc, char **argv, struct daxmap_ctx *ctx);
 * called with argv[0] the command's name and the rest its arguments, the
 * global --sysroot already taken out (and applied to @ctx). It returns the
 * exit status: 0 success, 1 failure (after one line on stderr:
 * cli_error("...") prints "daxmap: NAME: ..."), 2 usage error
 * (cli_usage_error()).
 */
#ifndef DAXMAP_BUILTIN_H
#define DAXMAP_BUILTIN_H

#include <getopt.h>

#include "lib/libdaxmap.h"

#ifndef DAXMAP_VERSION
#define DAXMAP_VERSION	"0.1"
#endif

int cmd_list(int argc, char **argv, struct daxmap_ctx *ctx);
int cmd_info(int argc, char **argv, struct daxmap_ctx *ctx);
int cmd_verify(int argc, char **argv, struct daxmap_ctx *ctx);
int cmd_copy(int argc, char **argv, struct daxmap_ctx *ctx);
int cmd_bench(int argc, char **argv, struct daxmap_ctx *ctx);

/*
 * Options every command takes, for its getopt_long() tables:
 * "hV" in the short options, DAXMAP_COMMON_OPTIONS in the long ones.
 */
#define DAXMAP_COMMON_SHORT	"hV"
#define DAXMAP_COMMON_OPTIONS \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

/* What daxmap_getopt() returns besides an option character. */
#define DAXMAP_OPT_END		-1	/* no more options: positionals from optind */
#define DAXMAP_OPT_EXIT		-2	/* return ctx_status (help, version, error) */

/*
 * daxmap_getopt() - getopt_long() over the command's arguments, which
 * handles what every command shares: -h/--help prints @usage on stdout
 * (status 0), -V/--version the version (0), an unknown option or a missing
 * argument is a usage error (2, after saying which). Options may stand
 * before or after the positionals; "--" ends them.
 * @shortopts: the command's short options, DAXMAP_COMMON_SHORT included
 * @status: where the exit status goes when DAXMAP_OPT_EXIT is returned
 * Return: the next option character of the command's own (with optarg
 * set), DAXMAP_OPT_END, or DAXMAP_OPT_EXIT.
 */
int daxmap_getopt(int argc, char **argv, const char *shortopts,
		  const struct option *longopts, const char *usage, int *status);

/*
 * daxmap_get_num() - an option's number (parse_u64(): decimal or 0x hex,
 * K/M/G suffix) into @v, named @what in the message ("--offset").
 * Return: 0, or the usage error status after saying why.
 */
int daxmap_get_num(const char *what, const char *s, uint64_t *v);

/*
 * daxmap_lib_error() - print the library's reason (ctx->err) as the
 * command's one error line. Return: CLI_EXIT_FAIL.
 */
int daxmap_lib_error(const struct daxmap_ctx *ctx);

#endif /* DAXMAP_BUILTIN_H */
