/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Timing: a monotonic clock, wall and CPU time of a stretch of work
 * (getrusage), and a progress bar on stderr that is drawn only on a tty.
 */
#ifndef DAXMAP_TIMING_H
#define DAXMAP_TIMING_H

#include <stdbool.h>
#include <stdint.h>

/* Seconds on CLOCK_MONOTONIC. */
double daxmap_now(void);

/* A stretch of work: started with daxmap_timer_start(), read with _stop(). */
struct daxmap_timer {
	double wall0, user0, sys0;
};

struct daxmap_times {
	double seconds;		/* wall clock */
	double user, sys;	/* CPU time of this process (RUSAGE_SELF) */
};

void daxmap_timer_start(struct daxmap_timer *t);
/* Times since daxmap_timer_start(); the timer keeps running. */
void daxmap_timer_read(const struct daxmap_timer *t, struct daxmap_times *out);

/* MB/s (10^6 bytes per second) of @bytes in @seconds, 0 if @seconds is 0. */
double daxmap_mbps(uint64_t bytes, double seconds);

/*
 * A progress bar on stderr, redrawn at most 10 times a second:
 * "LABEL [#####     ]  42%  120.0 MiB of 256.0 MiB  85.3 MB/s". Nothing
 * at all unless stderr is a tty (daxmap_progress_init() checks).
 */
struct daxmap_progress {
	bool on;
	const char *label;
	uint64_t total;
	double start, last;
};

void daxmap_progress_init(struct daxmap_progress *p, const char *label, uint64_t total);
void daxmap_progress_update(struct daxmap_progress *p, uint64_t done);
/* Erase the bar (the line is left clean for a message). */
void daxmap_progress_end(struct daxmap_progress *p);

#endif /* DAXMAP_TIMING_H */
