// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of tools/daxmap/lib/cli.c: the exact bytes its messages
 * put on stderr (daxtool's and patcheck's tests only match parts of them) and
 * the exit statuses it returns. TAP on stdout.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tap.h"

static int capture_fd = -1;	/* a temporary file that stderr is redirected to */
static char got[1024];

/* Empty the capture file: what stderr gets from now on is in got after end(). */
static void begin(void)
{
	fflush(stderr);
	if (ftruncate(capture_fd, 0) || lseek(capture_fd, 0, SEEK_SET))
		perror("capture");
}

static const char *end(void)
{
	ssize_t n;

	fflush(stderr);
	n = pread(capture_fd, got, sizeof(got) - 1, 0);
	got[n > 0 ? n : 0] = '\0';
	return got;
}

/* One test line: @what printed as expected, byte for byte. */
static void is_output(const char *want, const char *what)
{
	end();
	ok(!strcmp(got, want), "%s", what);
	if (strcmp(got, want))
		diag("got \"%s\", want \"%s\"", got, want);
}

static int fn_argc;
static char **fn_argv;

static int cmd_answer(int argc, char **argv)
{
	fn_argc = argc;
	fn_argv = argv;
	return 42;
}

static int cmd_other(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 7;
}

int main(void)
{
	static const struct cli_cmd cmds[] = {
		{ "answer", cmd_answer },
		{ "other", cmd_other },
	};
	static const char *const not_help[] = { "-help", "--h", "-hh", "h", "help", "--help=1", "" };
	char *argv_none[] = { "tprog", NULL };
	char *argv_frob[] = { "tprog", "frob", "x", NULL };
	char *argv_answer[] = { "tprog", "answer", "a", "b", NULL };
	char dir[] = "/tmp/test_cli.XXXXXX", ready[64], release[64], missing[64], want[128];
	FILE *tmp = tmpfile();
	const uint64_t untouched = 0x5a5a5a5a5a5a5a5aULL;
	uint64_t v;
	size_t i;
	int fd, rc;

	if (!tmp || (capture_fd = dup(fileno(tmp))) < 0 || dup2(capture_fd, STDERR_FILENO) < 0) {
		printf("Bail out! cannot redirect stderr to a temporary file\n");
		return 1;
	}

	/* Before main() sets it, cli_prog is NULL: no crash, a placeholder. */
	begin();
	rc = cli_error("early");
	ok(rc == 1, "cli_error() with cli_prog unset returns 1");
	is_output("?: early\n", "cli_prog unset: \"?\" stands for the name");

	cli_prog = "tprog";

	begin();
	rc = cli_usage_error("bad %s %d", "x", 7);
	ok(rc == 2 && rc == CLI_EXIT_USAGE, "cli_usage_error() returns 2");
	is_output("tprog: bad x 7\n(tprog -h for usage)\n",
		  "cli_usage_error(): PROG: MESSAGE, then the -h hint");

	begin();
	rc = cli_error("%s: %s", "/dev/dax0.0", "No such file or directory");
	ok(rc == 1 && rc == CLI_EXIT_FAIL, "cli_error() returns 1");
	is_output("tprog: /dev/dax0.0: No such file or directory\n",
		  "cli_error(): PROG: MESSAGE, one line");

	begin();
	v = untouched;
	rc = cli_get_num("OFF", "0x10K", &v);
	ok(rc == 0 && v == 16 << 10, "cli_get_num(\"0x10K\") = 16384, returns 0");
	is_output("", "cli_get_num() of a number says nothing");

	begin();
	v = untouched;
	rc = cli_get_num("LEN", "12abc", &v);
	ok(rc == 2 && v == untouched, "cli_get_num(\"12abc\") returns 2, value untouched");
	is_output("tprog: LEN '12abc' is not a number (decimal or 0x hex, optional K/M/G suffix)\n"
		  "(tprog -h for usage)\n", "cli_get_num(): not a number, with the forms it takes");

	begin();
	v = untouched;
	rc = cli_get_num("SEED", "18446744073709551616", &v);
	ok(rc == 2 && v == untouched, "cli_get_num(2^64) returns 2, value untouched");
	is_output("tprog: SEED '18446744073709551616' does not fit in 64 bits\n"
		  "(tprog -h for usage)\n", "cli_get_num(): too large");

	ok(cli_is_help("-h") && cli_is_help("--help"), "cli_is_help(): -h and --help");
	for (i = 0; i < sizeof(not_help) / sizeof(not_help[0]); i++)
		ok(!cli_is_help(not_help[i]), "cli_is_help(\"%s\") is false", not_help[i]);

	begin();
	rc = cli_dispatch(cmds, 2, 1, argv_none);
	ok(rc == 2, "cli_dispatch() without a command returns 2");
	is_output("tprog: no command\n(tprog -h for usage)\n", "cli_dispatch(): no command");

	begin();
	rc = cli_dispatch(cmds, 2, 3, argv_frob);
	ok(rc == 2, "cli_dispatch() of an unknown command returns 2");
	is_output("tprog: unknown command 'frob'\n(tprog -h for usage)\n",
		  "cli_dispatch(): unknown command, named");

	begin();
	rc = cli_dispatch(cmds, 2, 4, argv_answer);
	ok(rc == 42, "cli_dispatch() returns the command's status");
	ok(fn_argc == 3 && fn_argv == argv_answer + 1,
	   "cli_dispatch() passes the command its name and arguments");
	is_output("", "cli_dispatch() of a known command says nothing itself");

	/* The READYFILE RELEASEFILE handshake, in a directory of its own. */
	if (!mkdtemp(dir)) {
		printf("Bail out! mkdtemp: cannot make a directory for cli_ready_wait()\n");
		return 1;
	}
	snprintf(ready, sizeof(ready), "%s/ready", dir);
	snprintf(release, sizeof(release), "%s/release", dir);
	begin();
	rc = cli_ready_wait(ready, NULL);
	ok(rc == 0 && !access(ready, F_OK), "cli_ready_wait(READY, NULL) creates READY, returns 0");
	is_output("", "cli_ready_wait() says nothing when it succeeds");
	unlink(ready);
	fd = open(release, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	rc = cli_ready_wait(ready, release);
	ok(rc == 0 && !access(ready, F_OK),
	   "cli_ready_wait(READY, RELEASE) with RELEASE there: READY created, returns 0");
	unlink(ready);
	unlink(release);
	snprintf(missing, sizeof(missing), "%s/none/ready", dir);
	begin();
	rc = cli_ready_wait(missing, release);
	ok(rc == 1, "cli_ready_wait() returns 1 when READY cannot be created, without waiting");
	snprintf(want, sizeof(want), "tprog: create %s: No such file or directory\n", missing);
	is_output(want, "cli_ready_wait(): READY not created, named with the reason");
	rmdir(dir);

	return tap_done();
}
