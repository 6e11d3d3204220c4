// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark for dynamic kernel stacks: kernel stack memory of idle threads,
 * thread create+join rate and context switch rate.  Run it on the same
 * kernel booted with dynamic_stack=on and dynamic_stack=off to compare.
 * Needs no test module.  See Documentation/mm/dynamic-stack.rst.
 *
 * Prints "RESULT <name> <value>" lines followed by a table.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "proc_value.h"

#define THREAD_STACK	(64 * 1024)
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct result {
	const char *name;	/* RESULT name */
	const char *what;	/* table label */
	const char *unit;
	double *v;		/* one value per round */
};

static int rounds = 5;

static void die(const char *what, int err)
{
	fprintf(stderr, "dynamic_stack_bench: %s: %s\n", what, strerror(err));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "on" unless the command line has dynamic_stack=off (or another value). */
static void cmdline_setting(char *buf, size_t size)
{
	const char *opt = "dynamic_stack=";
	char line[4096], *p = line;
	FILE *f;

	snprintf(buf, size, "on");
	f = fopen("/proc/cmdline", "r");
	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	while ((p = strstr(p, opt))) {
		if (p == line || p[-1] == ' ') {
			p += strlen(opt);
			snprintf(buf, size, "%.*s", (int)strcspn(p, "\n "), p);
		} else {
			p += strlen(opt);
		}
	}
}

static pthread_t start_thread(void *(*fn)(void *), void *arg, int cpu)
{
	pthread_attr_t attr;
	pthread_t tid;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	err = pthread_create(&tid, &attr, fn, arg);
	if (err)
		die("pthread_create", err);
	pthread_attr_destroy(&attr);
	return tid;
}

struct idle_pipes {
	int ready[2];	/* each thread writes one byte when it starts */
	int block[2];	/* threads block reading this until it is closed */
};

static void *idle_fn(void *data)
{
	struct idle_pipes *p = data;
	char c = 0;

	if (write(p->ready[1], &c, 1) != 1)
		return NULL;
	/* Blocks until the write end is closed, then returns 0. */
	if (read(p->block[0], &c, 1) < 0)
		return NULL;
	return NULL;
}

/* KernelStack growth (kB) with @n threads blocked in read(). */
static double idle_stack_kb(int n)
{
	pthread_t *tid = calloc(n, sizeof(*tid));
	struct idle_pipes p;
	long long before, after;
	int i, got = 0;
	char buf[256];

	if (!tid)
		die("calloc", ENOMEM);
	if (pipe(p.ready) || pipe(p.block))
		die("pipe", errno);

	before = meminfo_kb("KernelStack");
	for (i = 0; i < n; i++)
		tid[i] = start_thread(idle_fn, &p, -1);
	while (got < n) {
		size_t want = n - got;
		ssize_t r;

		if (want > sizeof(buf))
			want = sizeof(buf);
		r = read(p.ready[0], buf, want);

		if (r <= 0)
			die("read", r ? errno : EIO);
		got += r;
	}
	/*
	 * Let the last threads reach read() and the CPUs switch a few times:
	 * stack pages taken by a fault are accounted at the next refill.
	 */
	usleep(200 * 1000);
	after = meminfo_kb("KernelStack");

	close(p.block[1]);
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	close(p.block[0]);
	close(p.ready[0]);
	close(p.ready[1]);
	free(tid);
	return after - before;
}

static void *noop_fn(void *data)
{
	return data;
}

/* Threads created and joined per second, one at a time. */
static double create_join_rate(int n)
{
	double t0 = now();
	int i;

	for (i = 0; i < n; i++)
		pthread_join(start_thread(noop_fn, NULL, -1), NULL);
	return n / (now() - t0);
}

struct pong {
	int to[2];	/* main -> pong thread */
	int from[2];	/* pong thread -> main */
};

static void *pong_fn(void *data)
{
	struct pong *p = data;
	char c;

	while (read(p->to[0], &c, 1) == 1)
		if (write(p->from[1], &c, 1) != 1)
			break;
	return NULL;
}

struct pingpong_arg {
	int n;
	int cpu;
	double rate;
};

static void *ping_fn(void *data)
{
	struct pingpong_arg *arg = data;
	struct pong p;
	pthread_t tid;
	double t0;
	char c = 0;
	int i;

	if (pipe(p.to) || pipe(p.from))
		die("pipe", errno);
	tid = start_thread(pong_fn, &p, arg->cpu);

	t0 = now();
	for (i = 0; i < arg->n; i++) {
		if (write(p.to[1], &c, 1) != 1 || read(p.from[0], &c, 1) != 1)
			die("ping-pong", errno);
	}
	/* Two switches per round trip. */
	arg->rate = 2.0 * arg->n / (now() - t0);

	close(p.to[1]);
	pthread_join(tid, NULL);
	close(p.to[0]);
	close(p.from[0]);
	close(p.from[1]);
	return NULL;
}

/* Context switches per second between two threads on one CPU. */
static double pingpong_rate(int n, int cpu)
{
	struct pingpong_arg arg = { .n = n, .cpu = cpu };

	pthread_join(start_thread(ping_fn, &arg, cpu), NULL);
	return arg.rate;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(const double *v, double *sorted)
{
	memcpy(sorted, v, rounds * sizeof(*v));
	qsort(sorted, rounds, sizeof(*sorted), cmp_double);
	if (rounds % 2)
		return sorted[rounds / 2];
	return (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2;
}

static int first_cpu(void)
{
	cpu_set_t set;
	int cpu;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return -1;
}

static void bad_args(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n threads] [-c creates] [-p round trips] [-r rounds]\n"
		"  -n  threads blocked for the idle stack measurement (2000)\n"
		"  -c  thread create+join iterations per round (2000)\n"
		"  -p  pipe ping-pong round trips per round (20000)\n"
		"  -r  rounds; medians are reported (5)\n", prog);
	exit(2);
}

static int positive(const char *s, const char *prog)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end || v <= 0 || v > INT_MAX)
		bad_args(prog);
	return v;
}

static const char * const counters[] = {
	"dynamic_stack_fault", "dynamic_stack_refill",
	"dynamic_stack_refill_fail", "dynamic_stack_wait",
};

#define NR_COUNTERS	ARRAY_SIZE(counters)

int main(int argc, char **argv)
{
	int threads = 2000, creates = 2000, trips = 20000;
	long long count0[NR_COUNTERS];
	struct result res[4];
	double *v, *sorted;
	char setting[32];
	int opt, cpu, r;
	unsigned int i;
	bool have_counters;

	while ((opt = getopt(argc, argv, "n:c:p:r:h")) != -1) {
		switch (opt) {
		case 'n':
			threads = positive(optarg, argv[0]);
			break;
		case 'c':
			creates = positive(optarg, argv[0]);
			break;
		case 'p':
			trips = positive(optarg, argv[0]);
			break;
		case 'r':
			rounds = positive(optarg, argv[0]);
			break;
		default:
			bad_args(argv[0]);
		}
	}

	v = calloc(4 * rounds, sizeof(*v));
	sorted = calloc(rounds, sizeof(*sorted));
	if (!v || !sorted)
		die("calloc", ENOMEM);
	res[0] = (struct result){ "idle_stack_kb", "idle stack, all threads",
				  "kB", v };
	res[1] = (struct result){ "idle_stack_kb_per_thread",
				  "idle stack per thread", "kB", v + rounds };
	res[2] = (struct result){ "create_join_per_sec", "thread create+join",
				  "threads/s", v + 2 * rounds };
	res[3] = (struct result){ "pingpong_switches_per_sec",
				  "pipe ping-pong, one CPU", "switches/s",
				  v + 3 * rounds };

	cmdline_setting(setting, sizeof(setting));
	have_counters = vmstat_read(counters[0]) != NO_VALUE;
	for (i = 0; i < NR_COUNTERS; i++)
		count0[i] = vmstat_read(counters[i]);
	cpu = first_cpu();

	printf("dynamic_stack=%s\n", setting);
	printf("dynamic_stack_fault in /proc/vmstat: %s\n",
	       have_counters ? "yes" : "no");
	printf("threads=%d creates=%d round_trips=%d rounds=%d pingpong_cpu=%d\n",
	       threads, creates, trips, rounds, cpu);
	fflush(stdout);

	for (r = 0; r < rounds; r++) {
		res[0].v[r] = idle_stack_kb(threads);
		res[1].v[r] = res[0].v[r] / threads;
		res[2].v[r] = create_join_rate(creates);
		res[3].v[r] = pingpong_rate(trips, cpu);
	}

	printf("RESULT dynamic_stack %s\n", setting);
	printf("RESULT vmstat_counters %d\n", have_counters);
	for (i = 0; i < 4; i++)
		printf("RESULT %s %.2f\n", res[i].name, median(res[i].v, sorted));
	for (i = 0; have_counters && i < NR_COUNTERS; i++)
		printf("RESULT %s_delta %lld\n", counters[i],
		       vmstat_read(counters[i]) - count0[i]);

	printf("\n%-26s %14s %14s %14s  %s\n", "measurement", "median", "min",
	       "max", "unit");
	for (i = 0; i < 4; i++) {
		double m = median(res[i].v, sorted);

		printf("%-26s %14.2f %14.2f %14.2f  %s\n", res[i].what, m,
		       sorted[0], sorted[rounds - 1], res[i].unit);
	}
	free(sorted);
	free(v);
	return 0;
}
