// SPDX-License-Identifier: GPL-2.0
/* See cli.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "numparse.h"

const char *cli_prog;
const char *cli_cmdname;

/*
 * "PROG: MESSAGE\n", or with @usage "PROG: MESSAGE\n(PROG -h for usage)\n";
 * with cli_cmdname set, "PROG: CMD: MESSAGE" and "(PROG CMD -h for usage)".
 */
static void report(const char *fmt, va_list ap, bool usage)
{
	const char *prog = cli_prog ? cli_prog : "?";
	const char *sep = cli_cmdname ? " " : "", *cmd = cli_cmdname ? cli_cmdname : "";

	fprintf(stderr, "%s: %s%s", prog, cmd, cli_cmdname ? ": " : "");
	vfprintf(stderr, fmt, ap);
	if (usage)
		fprintf(stderr, "\n(%s%s%s -h for usage)\n", prog, sep, cmd);
	else
		fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap, true);
	va_end(ap);
	return CLI_EXIT_USAGE;
}

int cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap, false);
	va_end(ap);
	return CLI_EXIT_FAIL;
}

int cli_get_num(const char *what, const char *s, uint64_t *v)
{
	int rc = parse_u64(s, v);

	if (rc == -ERANGE)
		return cli_usage_error("%s '%s' does not fit in 64 bits", what, s);
	if (rc)
		return cli_usage_error("%s '%s' is not a number (%s)", what, s,
				       PARSE_U64_FORMS);
	return 0;
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

bool cli_want_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (cli_is_help(argv[i]))
			return true;
	return false;
}

int cli_ready_wait(const char *ready, const char *release)
{
	int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return cli_error("create %s: %s", ready, strerror(errno));
	close(fd);
	while (release && access(release, F_OK))
		usleep(50 * 1000);
	return 0;
}

int cli_dispatch(const struct cli_cmd *cmds, size_t ncmds, int argc, char **argv)
{
	size_t i;

	if (argc < 2)
		return cli_usage_error("no command");
	for (i = 0; i < ncmds; i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return cli_usage_error("unknown command '%s'", argv[1]);
}
