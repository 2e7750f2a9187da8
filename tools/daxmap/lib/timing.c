// SPDX-License-Identifier: GPL-2.0
/* See timing.h. */
#include <stdio.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "numparse.h"
#include "timing.h"

double daxmap_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static void cpu_now(double *user, double *sys)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru)) {
		*user = *sys = 0;
		return;
	}
	*user = tv_seconds(&ru.ru_utime);
	*sys = tv_seconds(&ru.ru_stime);
}

void daxmap_timer_start(struct daxmap_timer *t)
{
	cpu_now(&t->user0, &t->sys0);
	t->wall0 = daxmap_now();
}

void daxmap_timer_read(const struct daxmap_timer *t, struct daxmap_times *out)
{
	double user, sys;

	out->seconds = daxmap_now() - t->wall0;
	cpu_now(&user, &sys);
	out->user = user - t->user0;
	out->sys = sys - t->sys0;
}

double daxmap_mbps(uint64_t bytes, double seconds)
{
	return seconds > 0 ? (double)bytes / 1e6 / seconds : 0;
}

void daxmap_progress_init(struct daxmap_progress *p, const char *label, uint64_t total)
{
	p->on = isatty(STDERR_FILENO);
	p->label = label;
	p->total = total;
	p->start = p->last = daxmap_now();
}

#define BAR_WIDTH	30

void daxmap_progress_update(struct daxmap_progress *p, uint64_t done)
{
	char bar[BAR_WIDTH + 1], a[32], b[32];
	double now, frac;
	int i, n;

	if (!p->on)
		return;
	now = daxmap_now();
	if (done < p->total && now - p->last < 0.1)
		return;
	p->last = now;
	frac = p->total ? (double)done / (double)p->total : 1;
	n = (int)(frac * BAR_WIDTH);
	for (i = 0; i < BAR_WIDTH; i++)
		bar[i] = i < n ? '#' : ' ';
	bar[BAR_WIDTH] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%%  %s of %s  %.1f MB/s\033[K", p->label, bar,
		(int)(frac * 100), daxmap_fmt_size(a, sizeof(a), done),
		daxmap_fmt_size(b, sizeof(b), p->total), daxmap_mbps(done, now - p->start));
	fflush(stderr);
}

void daxmap_progress_end(struct daxmap_progress *p)
{
	if (!p->on)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->on = false;	/* once: an error line may follow */
}
