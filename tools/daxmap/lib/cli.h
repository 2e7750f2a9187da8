/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line plumbing shared by daxmap and the test tools (daxtool in the
 * guest, patcheck on both sides): messages on stderr prefixed with the
 * program's name (and the command's, when cli_cmdname is set: "daxmap: copy:
 * ..."), and numbers from the command line read with parse_u64()
 * (numparse.h).
 *
 * Exit status convention: 0 ok, CLI_EXIT_FAIL (1) failure, CLI_EXIT_USAGE (2)
 * usage error. The message functions return the status to exit with, so that
 * a command can end with "return cli_usage_error(...);".
 */
#ifndef DAXMAP_CLI_H
#define DAXMAP_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CLI_EXIT_FAIL	1
#define CLI_EXIT_USAGE	2

/* The program's name, for messages: main() sets it before anything else. */
extern const char *cli_prog;

/*
 * The command being run, or NULL: when set, messages read "PROG: CMD: MESSAGE"
 * and the usage hint "(PROG CMD -h for usage)".
 */
extern const char *cli_cmdname;

/*
 * cli_usage_error() - print "PROG: MESSAGE\n(PROG -h for usage)\n" on stderr.
 * Return: CLI_EXIT_USAGE.
 */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * cli_error() - print "PROG: MESSAGE\n" on stderr.
 * Return: CLI_EXIT_FAIL.
 */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * cli_get_num() - parse the command-line number @s, named @what in messages
 * ("OFF", "SEED"), into @v with parse_u64().
 * Return: 0, or the cli_usage_error() status once it has said why @s is not
 * a number or does not fit in 64 bits (@v is then left untouched).
 */
int cli_get_num(const char *what, const char *s, uint64_t *v);

/* cli_is_help() - whether @arg asks for the usage text: "-h" or "--help". */
bool cli_is_help(const char *arg);

/* cli_want_help() - whether any argument after the program asks for usage. */
bool cli_want_help(int argc, char **argv);

/*
 * cli_ready_wait() - the READYFILE RELEASEFILE handshake of the test tools'
 * commands that hold something for their caller: create the empty file
 * @ready (the caller waits for it), then, if @release is not NULL, wait until
 * the file @release exists (polled every 50 ms).
 * Return: 0, or CLI_EXIT_FAIL once it has said why @ready could not be
 * created.
 */
int cli_ready_wait(const char *ready, const char *release);

/* A command of a "PROG COMMAND ARGS..." program; @fn gets COMMAND ARGS... */
struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/*
 * cli_dispatch() - run the command of @cmds (@ncmds of them) that @argv[1]
 * names, with (@argc - 1, @argv + 1). Usage errors: "no command", "unknown
 * command 'NAME'". -h is for main() to handle first: where it may stand is
 * up to each program.
 * Return: the command's exit status, or CLI_EXIT_USAGE.
 */
int cli_dispatch(const struct cli_cmd *cmds, size_t ncmds, int argc, char **argv);

#endif /* DAXMAP_CLI_H */
