// SPDX-License-Identifier: GPL-2.0
/*
 * clone3() thread benchmark.
 *
 * Default: the rate of creating and joining threads with a
 * CLONE_ARGS_SIZE_VER3 sized struct clone_args against a
 * CLONE_ARGS_SIZE_VER2 sized one, in alternating rounds, and their ratio.
 * Both kinds of thread get the same shadow stack, so that only the size of
 * the structure differs: with -s, shadow stacks are enabled, and the threads
 * run on stacks of -s bytes, from which the kernel sizes the shadow stack of
 * a VER2 thread, while VER3 threads ask for -s bytes in shadow_stack_size.
 *
 * With -c, create that many threads at once, each on a stack of -S bytes,
 * and report the time taken and the address space used by their shadow
 * stacks, once with the default shadow stack size and once with -s bytes.
 * This needs shadow stacks, which are enabled for the whole benchmark when
 * -s is given. For instance, on a CPU with user shadow stacks:
 *
 *   clone3_bench -c 1000 -S 8M -s 64K
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clone3_raw.h"

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		      CLONE_THREAD | CLONE_SYSVSEM | CLONE_PARENT_SETTID | \
		      CLONE_CHILD_CLEARTID)

struct opts {
	unsigned long iterations;
	unsigned int rounds;
	unsigned long concurrent;
	unsigned long stack_size;
	unsigned long shstk_size;
};

static void die(const char *what, long err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err));
	exit(1);
}

static unsigned long parse_size(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	switch (*end) {
	case 'k': case 'K':
		return v << 10;
	case 'm': case 'M':
		return v << 20;
	case 'g': case 'G':
		return v << 30;
	}

	return v;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void futex_wait(int *addr, int val)
{
	syscall(__NR_futex, addr, FUTEX_WAIT, val, NULL, NULL, 0);
}

static void futex_wake(int *addr)
{
	syscall(__NR_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* Wait for a thread created with CLONE_CHILD_CLEARTID to be gone */
static void join(int *tid)
{
	int val;

	while ((val = __atomic_load_n(tid, __ATOMIC_ACQUIRE)) != 0)
		futex_wait(tid, val);
}

#ifdef HAVE_RAW_CLONE3

static int empty_thread(void *arg)
{
	return 0;
}

static int go;

static int waiting_thread(void *arg)
{
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		futex_wait(&go, 0);
	return 0;
}

static long create_thread(size_t size, void *stack, unsigned long stack_size,
			  unsigned long shstk_size, int *tid,
			  int (*fn)(void *))
{
	struct __clone_args args = {
		.flags = THREAD_FLAGS,
		.child_tid = (uintptr_t)tid,
		.parent_tid = (uintptr_t)tid,
		.stack = (uintptr_t)stack,
		.stack_size = stack_size,
		.shadow_stack_size = shstk_size,
	};

	return raw_clone3_fn(&args, size, fn, NULL);
}

/*
 * The shadow_stack_size of a thread created with a struct clone_args of the
 * given size: a VER2 structure has no such field.
 */
static unsigned long shstk_size_of(size_t size, const struct opts *o)
{
	return size >= CLONE_ARGS_SIZE_VER3 ? o->shstk_size : 0;
}

/* Create and join threads one at a time, return the rate per second */
static double create_join(size_t size, const struct opts *o, void *stack)
{
	int tid;
	unsigned long i;
	double start;
	long ret;

	start = now();
	for (i = 0; i < o->iterations; i++) {
		ret = create_thread(size, stack, o->stack_size,
				    shstk_size_of(size, o), &tid, empty_thread);
		if (ret < 0)
			die("clone3", -ret);
		join(&tid);
	}

	return o->iterations / (now() - start);
}

/* Address space of the shadow stacks of the process, in bytes */
static unsigned long shstk_total(void)
{
	unsigned long start, end, total = 0, cur = 0;
	char line[512];
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		die("/proc/self/smaps", errno);

	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			cur = end - start;
		else if (!strncmp(line, "VmFlags:", 8) && strstr(line, " ss"))
			total += cur;
	}
	fclose(f);

	return total;
}

/* The shadow stack a thread created with a struct of this size gets */
static unsigned long thread_shstk(size_t size, const struct opts *o,
				  void *stack)
{
	unsigned long before = shstk_total(), during;
	int tid;
	long ret;

	__atomic_store_n(&go, 0, __ATOMIC_RELEASE);
	ret = create_thread(size, stack, o->stack_size, shstk_size_of(size, o),
			    &tid, waiting_thread);
	if (ret < 0)
		die("clone3", -ret);
	during = shstk_total();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	futex_wake(&go);
	join(&tid);

	return during - before;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);

	return n & 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Rounds of VER2 and VER3 back to back, in alternating order to cancel
 * out drift. The machine may be busy: report the median rate of each and
 * the median of the per-round ratios, which a burst of noise in a few
 * rounds does not move.
 */
static void rate_bench(const struct opts *o)
{
	double *r2, *r3, *ratio;
	unsigned int round;
	void *stack;

	r2 = calloc(o->rounds, sizeof(*r2));
	r3 = calloc(o->rounds, sizeof(*r3));
	ratio = calloc(o->rounds, sizeof(*ratio));
	if (!r2 || !r3 || !ratio)
		die("calloc", ENOMEM);

	stack = mmap(NULL, o->stack_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		die("mmap", errno);

	/* Both kinds of thread must get the same shadow stack */
	if (thread_shstk(CLONE_ARGS_SIZE_VER2, o, stack) !=
	    thread_shstk(CLONE_ARGS_SIZE_VER3, o, stack)) {
		fprintf(stderr, "VER2, VER3 shadow stacks differ: %lu, %lu bytes\n",
			thread_shstk(CLONE_ARGS_SIZE_VER2, o, stack),
			thread_shstk(CLONE_ARGS_SIZE_VER3, o, stack));
		exit(1);
	}

	create_join(CLONE_ARGS_SIZE_VER3, o, stack);
	for (round = 0; round < o->rounds; round++) {
		if (round & 1) {
			r3[round] = create_join(CLONE_ARGS_SIZE_VER3, o, stack);
			r2[round] = create_join(CLONE_ARGS_SIZE_VER2, o, stack);
		} else {
			r2[round] = create_join(CLONE_ARGS_SIZE_VER2, o, stack);
			r3[round] = create_join(CLONE_ARGS_SIZE_VER3, o, stack);
		}
		ratio[round] = r3[round] / r2[round];
	}

	printf("threads per round: %lu, rounds: %u, stack size: %lu, shadow stack size: %lu\n",
	       o->iterations, o->rounds, o->stack_size,
	       thread_shstk(CLONE_ARGS_SIZE_VER3, o, stack));
	printf("CLONE_ARGS_SIZE_VER2: %.0f threads/s (median)\n",
	       median(r2, o->rounds));
	printf("CLONE_ARGS_SIZE_VER3: %.0f threads/s (median)\n",
	       median(r3, o->rounds));
	printf("ratio VER3/VER2: %.4f (median of per-round ratios)\n",
	       median(ratio, o->rounds));

	munmap(stack, o->stack_size);
	free(r2);
	free(r3);
	free(ratio);
}

static void concurrent_run(const struct opts *o, unsigned long shstk_size)
{
	unsigned long i, n = o->concurrent;
	unsigned long before = shstk_total(), during;
	int *tids;
	char **stacks;
	double start, created;
	long ret;

	tids = calloc(n, sizeof(*tids));
	stacks = calloc(n, sizeof(*stacks));
	if (!tids || !stacks)
		die("calloc", ENOMEM);

	__atomic_store_n(&go, 0, __ATOMIC_RELEASE);
	start = now();
	for (i = 0; i < n; i++) {
		stacks[i] = mmap(NULL, o->stack_size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK |
				 MAP_NORESERVE, -1, 0);
		if (stacks[i] == MAP_FAILED)
			die("mmap", errno);
		ret = create_thread(CLONE_ARGS_SIZE_VER3, stacks[i],
				    o->stack_size, shstk_size, &tids[i],
				    waiting_thread);
		if (ret < 0)
			die("clone3", -ret);
	}
	created = now() - start;
	during = shstk_total();

	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	futex_wake(&go);
	for (i = 0; i < n; i++) {
		join(&tids[i]);
		munmap(stacks[i], o->stack_size);
	}

	printf("%lu threads, stack %lu KiB, shadow stack ", n,
	       o->stack_size >> 10);
	if (shstk_size)
		printf("%lu KiB", shstk_size >> 10);
	else
		printf("default");
	printf(": created in %.3f s (%.0f threads/s), shadow stacks %lu MiB\n",
	       created, n / created, (during - before) >> 20);

	free(tids);
	free(stacks);
}

static int bench(void *arg)
{
	const struct opts *o = arg;

	if (o->concurrent) {
		concurrent_run(o, 0);
		concurrent_run(o, o->shstk_size);
	} else {
		rate_bench(o);
	}
	fflush(stdout);

	return 0;
}

static void __noreturn bench_shstk(struct opts *o)
{
	long ret = raw_arch_prctl(ARCH_SHSTK_ENABLE, ARCH_SHSTK_SHSTK);

	if (ret) {
		fprintf(stderr, "cannot enable shadow stacks: %s\n",
			strerror(-ret));
		exit(4);
	}

	/* Never return: the caller has no shadow stack entry */
	exit(bench(o));
}

int main(int argc, char *argv[])
{
	struct opts o = {
		.iterations = 1000,
		.rounds = 31,
		.stack_size = 64 << 10,
	};
	bool stack_given = false;
	int opt;

	while ((opt = getopt(argc, argv, "n:r:c:S:s:")) != -1) {
		switch (opt) {
		case 'n':
			o.iterations = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			o.rounds = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			o.concurrent = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			o.stack_size = parse_size(optarg);
			stack_given = true;
			break;
		case 's':
			o.shstk_size = parse_size(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-n threads per round] [-r rounds] [-S stack size] [-s shadow stack size] [-c concurrent threads]\n",
				argv[0]);
			return 1;
		}
	}

	if (o.concurrent && !o.shstk_size) {
		fprintf(stderr, "-c compares shadow stack sizes: give one with -s\n");
		return 1;
	}

	/*
	 * Rate mode compares VER2 and VER3 threads with the same shadow
	 * stack: a VER2 thread gets one as large as its stack.
	 */
	if (!o.concurrent && o.shstk_size) {
		if (stack_given && o.stack_size != o.shstk_size) {
			fprintf(stderr, "without -c, -s is the stack size: -S differs\n");
			return 1;
		}
		o.stack_size = o.shstk_size;
	}

	if (o.shstk_size)
		bench_shstk(&o);

	return bench(&o);
}

#else /* HAVE_RAW_CLONE3 */

int main(void)
{
	fprintf(stderr, "clone3_bench only supports x86_64\n");
	return 4;
}

#endif /* HAVE_RAW_CLONE3 */
