// SPDX-License-Identifier: GPL-2.0
/*
 * daxmap - the operator's tool for p2pdax devices, next to daxctl: list the
 * dax_pci_p2p regions and devices, show where a device is on the bus and how
 * a peer reaches it, check a device's memory, and copy between a device and
 * a file or block device with O_DIRECT straight from the mapping.
 *
 * This file is the dispatch and the global options; each command is in its
 * own file (builtin.h), over the library in lib/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char usage_text[] =
"usage: daxmap [--sysroot DIR] COMMAND [OPTIONS] [ARGS]\n"
"\n"
"  list [-u] [-i] [-r ID] [DEVICE...]   regions and devices of dax_pci_p2p (JSON)\n"
"  info DEVICE [--peer PCI]... [-u]    one device, from sysfs and /dev/p2pdax,\n"
"                                      with the route to each peer (JSON)\n"
"  verify DEVICE [--seed N] [--offset O] [--length L] [--fill|--check]\n"
"                                      write and check a test pattern\n"
"  copy SRC DST [--dax-offset O] [--file-offset F] [--length L]\n"
"       [--bounce] [--bs SIZE]         O_DIRECT between a device's mapping\n"
"                                      and a file or block device\n"
"  bench ...                           measure (see daxmap bench -h)\n"
"  help [COMMAND]                      this text, or the command's\n"
"  version                             the version\n"
"\n"
"  --sysroot DIR   look up /sys and /dev under DIR (before or after COMMAND)\n"
"  -h, --help      usage (of a command: daxmap COMMAND -h)\n"
"  -V, --version   version\n"
"\n"
"DEVICE is daxX.Y, X.Y or /dev/daxX.Y; list also takes \"all\".\n"
"Exit status: 0 success, 1 failure (one line on stderr), 2 usage error.\n"
"See daxmap(1).\n";

static int cmd_version(int argc, char **argv, struct daxmap_ctx *ctx);
static int cmd_help(int argc, char **argv, struct daxmap_ctx *ctx);

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, struct daxmap_ctx *ctx);
} commands[] = {
	{ "list", cmd_list },
	{ "info", cmd_info },
	{ "verify", cmd_verify },
	{ "copy", cmd_copy },
	{ "bench", cmd_bench },
	{ "help", cmd_help },
	{ "version", cmd_version },
};

static int cmd_version(int argc, char **argv, struct daxmap_ctx *ctx)
{
	static const char usage[] = "usage: daxmap version\n";
	static const struct option longopts[] = { DAXMAP_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	int c, status;

	(void)ctx;
	while ((c = daxmap_getopt(argc, argv, DAXMAP_COMMON_SHORT, longopts, usage,
				  &status)) != DAXMAP_OPT_END)
		if (c == DAXMAP_OPT_EXIT)
			return status;
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	printf("daxmap %s\n", DAXMAP_VERSION);
	return 0;
}

static int run(int argc, char **argv, struct daxmap_ctx *ctx);

static int cmd_help(int argc, char **argv, struct daxmap_ctx *ctx)
{
	static const char usage[] = "usage: daxmap help [COMMAND]\n";
	static const struct option longopts[] = { DAXMAP_COMMON_OPTIONS, { NULL, 0, NULL, 0 } };
	char *hargv[] = { NULL, "--help", NULL };
	int c, status;

	while ((c = daxmap_getopt(argc, argv, DAXMAP_COMMON_SHORT, longopts, usage,
				  &status)) != DAXMAP_OPT_END)
		if (c == DAXMAP_OPT_EXIT)
			return status;
	if (optind == argc) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (optind + 1 < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind + 1]);
	if (!strcmp(argv[optind], "help"))
		return cli_usage_error("help takes another command");
	hargv[0] = argv[optind];
	return run(2, hargv, ctx);
}

/* Run the command @argv[0]. */
static int run(int argc, char **argv, struct daxmap_ctx *ctx)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[0], commands[i].name))
			continue;
		cli_cmdname = commands[i].name;
		optind = 0;	/* glibc: start over, at argv[1] */
		return commands[i].fn(argc, argv, ctx);
	}
	return cli_usage_error("unknown command '%s'", argv[0]);
}

/*
 * Take --sysroot DIR (or --sysroot=DIR) out of @argv wherever it stands
 * before "--", so that it may come before or after the command.
 * Return: 0, or the usage error status.
 */
static int take_sysroot(int *argc, char **argv, const char **root)
{
	int i, j = 1;

	for (i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[j++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--sysroot")) {
			if (i + 1 == *argc)
				return cli_usage_error("--sysroot needs a directory");
			*root = argv[++i];
		} else if (!strncmp(argv[i], "--sysroot=", 10)) {
			*root = argv[i] + 10;
		} else {
			argv[j++] = argv[i];
			continue;
		}
		/* Empty would silently mean the real /. */
		if (!**root)
			return cli_usage_error("--sysroot needs a directory");
	}
	*argc = j;
	argv[j] = NULL;
	return 0;
}

int main(int argc, char **argv)
{
	static struct daxmap_ctx ctx;
	const char *root = NULL;
	int rc;

	cli_prog = "daxmap";
	daxmap_ctx_init(&ctx);
	rc = take_sysroot(&argc, argv, &root);
	if (rc)
		return rc;
	if (argc < 2)
		return cli_usage_error("no command");
	if (cli_is_help(argv[1])) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("daxmap %s\n", DAXMAP_VERSION);
		return 0;
	}
	if (argv[1][0] == '-')
		return cli_usage_error("unknown option '%s'", argv[1]);
	if (root && daxmap_set_root(&ctx, root))
		return cli_usage_error("--sysroot: %s", ctx.err);
	return run(argc - 1, argv + 1, &ctx);
}

/* ------------------------------------------------- shared option handling */

int daxmap_getopt(int argc, char **argv, const char *shortopts,
		  const struct option *longopts, const char *usage, int *status)
{
	char opts[64];
	int c;

	/* ':' first: a missing argument is ':', not '?', and getopt is quiet. */
	snprintf(opts, sizeof(opts), ":%s", shortopts);
	c = getopt_long(argc, argv, opts, longopts, NULL);
	switch (c) {
	case -1:
		return DAXMAP_OPT_END;
	case 'h':
		fputs(usage, stdout);
		*status = 0;
		return DAXMAP_OPT_EXIT;
	case 'V':
		printf("daxmap %s\n", DAXMAP_VERSION);
		*status = 0;
		return DAXMAP_OPT_EXIT;
	case ':':
		*status = cli_usage_error("option '%s' needs a value", argv[optind - 1]);
		return DAXMAP_OPT_EXIT;
	case '?':
		/* A long option (unknown, or given a value it does not take) by its text. */
		if (!optopt || !strncmp(argv[optind - 1], "--", 2))
			*status = cli_usage_error("unknown option '%s'", argv[optind - 1]);
		else
			*status = cli_usage_error("unknown option '-%c'", optopt);
		return DAXMAP_OPT_EXIT;
	default:
		return c;
	}
}

int daxmap_get_num(const char *what, const char *s, uint64_t *v)
{
	return cli_get_num(what, s, v);
}

int daxmap_lib_error(const struct daxmap_ctx *ctx)
{
	return cli_error("%s", ctx->err);
}
