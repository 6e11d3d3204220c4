// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for dynamic kernel stacks (CONFIG_DYNAMIC_STACK), driven through
 * the debugfs files of the in-kernel test driver (CONFIG_TEST_DYNAMIC_STACK):
 *
 *   run    write a test name, the write succeeds if the in-kernel test passed
 *   deep   write N: the writing thread uses N bytes of its kernel stack
 *   audit  page counts; "leaked" must be 0 on a quiet system
 *   kcore  where the reading thread left a pattern deep in its stack
 *   stack_size  THREAD_SIZE
 *
 * See Documentation/mm/dynamic-stack.rst.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <linux/elf.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "proc_value.h"

#define DEBUGFS		"/sys/kernel/debug"
#define DSTACK_DIR	DEBUGFS "/test_dynamic_stack"
#define TRACEFS		"/sys/kernel/tracing"
#define FAIL_DIR	DEBUGFS "/fail_dynamic_stack_refill"
#define THREAD_STATUS	"/proc/thread-self/status"
#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CGROUP_TEST	CGROUP_ROOT "/dynamic_stack_test"

/* THREAD_SIZE, from the driver: 16 KiB on x86-64, twice that with KASAN */
static long thread_size = 16384;

#define DEEP_MIN	1024
#define DEEP_MAX	((int)thread_size - 2048)
#define STACK_KB	(thread_size / 1024)
#define PAGE_KB		(sysconf(_SC_PAGESIZE) / 1024)

static long long audit_leaked(void)
{
	return file_value(DSTACK_DIR "/audit", "leaked");
}

/* Write @str to @path; returns what write() returned (errno is kept). */
static ssize_t write_file(const char *path, const char *str)
{
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ret = write(fd, str, strlen(str));
	if (ret < 0) {
		int err = errno;

		close(fd);
		errno = err;
		return ret;
	}
	close(fd);
	return ret;
}

/* Read the first line of @path without its newline; false if unreadable. */
static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, size, f);
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* The "dynamic_stack: disabled (...)" boot message, if still in the log. */
static void disabled_reason(char *buf, size_t size)
{
	const char *tag = "dynamic_stack: disabled";
	char *log, *p;
	int len;

	snprintf(buf, size, "reason unknown");
	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (len <= 0)
		return;
	log = malloc(len + 1);
	if (!log)
		return;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, len);
	if (len > 0) {
		log[len] = '\0';
		p = strstr(log, tag);
		if (p) {
			p += strlen(tag);
			p += strspn(p, " :");
			snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
		}
	}
	free(log);
}

static const char * const fail_attrs[] = {
	"probability", "interval", "times", "verbose",
};

#define NR_FAIL_ATTRS	ARRAY_SIZE(fail_attrs)
#define FAIL_VAL_LEN	32

/* What the switch window tests turned on, for the teardown */
struct switch_state {
	bool tracing_on;
	bool measuring;
	bool probe_on;
};

FIXTURE(dstack) {
	/* fail_dynamic_stack_refill settings to restore in the teardown */
	bool fail_saved;
	char fail_save[NR_FAIL_ATTRS][FAIL_VAL_LEN];
	/* the memcg test made CGROUP_TEST */
	bool cgroup_made;
	struct switch_state sw;
};

FIXTURE_SETUP(dstack)
{
	char reason[128], size[32];

	if (vmstat_read("dynamic_stack_fault") == NO_VALUE)
		SKIP(return, "CONFIG_DYNAMIC_STACK not enabled");
	if (file_value(THREAD_STATUS, "KernelStack") == NO_VALUE)
		SKIP(return, "no KernelStack line in " THREAD_STATUS);

	if (access(DSTACK_DIR "/run", W_OK)) {
		/* EBUSY: debugfs is already mounted there */
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
		if (access(DSTACK_DIR "/run", W_OK))
			SKIP(return, "test_dynamic_stack module not available");
	}
	/* A driver without it has 16 KiB stacks */
	if (read_line(DSTACK_DIR "/stack_size", size, sizeof(size)))
		thread_size = strtol(size, NULL, 0);
	ASSERT_LT(DEEP_MIN, DEEP_MAX);

	/* While the feature is off, "run" fails any name with EOPNOTSUPP. */
	if (write_file(DSTACK_DIR "/run", "?") < 0 && errno == EOPNOTSUPP) {
		disabled_reason(reason, sizeof(reason));
		SKIP(return, "dynamic stacks disabled: %s", reason);
	}
}

/* Put fail_dynamic_stack_refill back as the exhaustion test found it. */
static void restore_fail_attrs(struct __test_metadata *_metadata,
			       bool *saved, char save[][FAIL_VAL_LEN])
{
	char path[128];
	unsigned int i;

	if (!*saved)
		return;
	for (i = 0; i < NR_FAIL_ATTRS; i++) {
		snprintf(path, sizeof(path), FAIL_DIR "/%s", fail_attrs[i]);
		if (write_file(path, save[i]) < 0)
			TH_LOG("restoring %s to %s: %s", path, save[i],
			       strerror(errno));
	}
	*saved = false;
}

static void tracing_stop(struct __test_metadata *_metadata, bool *on);

/* In the parent: also runs if the test died halfway. */
FIXTURE_TEARDOWN_PARENT(dstack)
{
	restore_fail_attrs(_metadata, &self->fail_saved, self->fail_save);
	tracing_stop(_metadata, &self->sw.tracing_on);
	if (self->sw.measuring && write_file(DSTACK_DIR "/switch_depth", "0") < 0)
		TH_LOG("stopping the measurement: %s", strerror(errno));
	if (self->sw.probe_on && write_file(DSTACK_DIR "/switch_probe", "0") < 0)
		TH_LOG("removing the switch probe: %s", strerror(errno));
	/* The test process, the only one in it, has exited. */
	if (self->cgroup_made && rmdir(CGROUP_TEST))
		TH_LOG("rmdir " CGROUP_TEST ": %s", strerror(errno));
}

static void run_in_kernel(struct __test_metadata *_metadata, const char *name)
{
	ssize_t ret = write_file(DSTACK_DIR "/run", name);

	ASSERT_EQ(strlen(name), ret) {
		TH_LOG("run %s: %s (see dmesg, prefix test_dynamic_stack:)",
		       name, strerror(errno));
	}
}

TEST_F_TIMEOUT(dstack, in_kernel_kthread, 120)
{
	run_in_kernel(_metadata, "kthread");
}

TEST_F_TIMEOUT(dstack, in_kernel_irq, 120)
{
	run_in_kernel(_metadata, "irq");
}

TEST_F_TIMEOUT(dstack, in_kernel_irq_edge, 120)
{
#if defined(__x86_64__)
	run_in_kernel(_metadata, "irq_edge");
#else
	SKIP(return, "the stack-edge interrupt test is x86-64 only");
#endif
}

/*
 * Stores to fresh user pages from kernel threads whose stack pointer sits
 * at every distance up to 256 bytes above the unpopulated part of their
 * stack: the page fault is served, not failed with EFAULT, wherever the
 * fault handler's own frame first touches the unpopulated page.
 */
TEST_F_TIMEOUT(dstack, in_kernel_uaccess_edge, 120)
{
	run_in_kernel(_metadata, "uaccess_edge");
}

/*
 * x86-64 without FRED: a #DB in the #PF IST window, then an NMI in the #DB
 * handler, each shift the #PF IST entry below what is in use, and their
 * exits put it back at the top.
 */
TEST_F_TIMEOUT(dstack, in_kernel_ist_nest, 60)
{
#if defined(__x86_64__)
	ssize_t ret = write_file(DSTACK_DIR "/run", "ist_nest");

	if (ret < 0 && errno == EOPNOTSUPP)
		SKIP(return, "#PF is not delivered on an IST stack (FRED)");
	ASSERT_EQ(strlen("ist_nest"), ret) {
		TH_LOG("run ist_nest: %s (see dmesg, prefix test_dynamic_stack:)",
		       strerror(errno));
	}
#else
	SKIP(return, "the #PF IST stack is x86-64 only");
#endif
}

/*
 * An NMI that reads an unpopulated page of the task stack it interrupted
 * while its CPU is in the middle of a stack fault: the read fails, nothing
 * is populated, nothing crashes.
 */
TEST_F_TIMEOUT(dstack, in_kernel_nmi_reentry, 60)
{
#if defined(__x86_64__)
	ssize_t ret = write_file(DSTACK_DIR "/run", "nmi_reentry");

	if (ret < 0 && errno == EOPNOTSUPP)
		SKIP(return, "no local APIC to send an NMI with");
	ASSERT_EQ(strlen("nmi_reentry"), ret) {
		TH_LOG("run nmi_reentry: %s (see dmesg, prefix test_dynamic_stack:)",
		       strerror(errno));
	}
#else
	SKIP(return, "the NMI test is x86-64 only");
#endif
}

TEST_F_TIMEOUT(dstack, in_kernel_preempt, 120)
{
	run_in_kernel(_metadata, "preempt");
}

TEST_F_TIMEOUT(dstack, in_kernel_refill, 120)
{
	run_in_kernel(_metadata, "refill");
}

/*
 * The stack usage that sysrq-t and the hung task report print
 * (CONFIG_DEBUG_STACK_USAGE) is read from another task's stack: its
 * unpopulated pages count as unused, are not read and stay unpopulated.
 */
TEST_F_TIMEOUT(dstack, in_kernel_stack_usage, 60)
{
	ssize_t ret = write_file(DSTACK_DIR "/run", "stack_usage");

	if (ret < 0 && errno == EOPNOTSUPP)
		SKIP(return, "kernel built without CONFIG_DEBUG_STACK_USAGE");
	ASSERT_EQ(strlen("stack_usage"), ret) {
		TH_LOG("run stack_usage: %s (see dmesg, prefix test_dynamic_stack:)",
		       strerror(errno));
	}
}

TEST_F(dstack, deep_grows_status)
{
	long long faults = vmstat_read("dynamic_stack_fault");
	long long before = file_value(THREAD_STATUS, "KernelStack");
	long long after;
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", DEEP_MAX);
	ASSERT_EQ(strlen(buf), write_file(DSTACK_DIR "/deep", buf)) {
		TH_LOG("deep %s: %s", buf, strerror(errno));
	}

	after = file_value(THREAD_STATUS, "KernelStack");
	TH_LOG("KernelStack %lld kB before, %lld kB after", before, after);
	ASSERT_GE(after, STACK_KB);
	if (before != STACK_KB)
		ASSERT_GT(after, before);
	ASSERT_GE(vmstat_read("dynamic_stack_fault"), faults);
}

TEST_F(dstack, deep_rejects_bad_input)
{
	char over[16];
	const char * const bad[] = { "0", "abc", over, "-1" };
	unsigned int i;

	snprintf(over, sizeof(over), "%d", DEEP_MAX + 1);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, write_file(DSTACK_DIR "/deep", bad[i]));
		EXPECT_EQ(EINVAL, errno) {
			TH_LOG("deep %s: %s", bad[i], strerror(errno));
		}
	}
}

struct deep_thread {
	pthread_barrier_t *start;
	unsigned int seed;
	int depth;		/* 0: random depth on every write */
	int iters;
	int failures;
	int err;
};

static void *deep_thread_fn(void *data)
{
	struct deep_thread *t = data;
	char buf[16];
	int fd, i;

	pthread_barrier_wait(t->start);
	fd = open(DSTACK_DIR "/deep", O_WRONLY);
	if (fd < 0) {
		t->failures = t->iters;
		t->err = errno;
		return NULL;
	}
	for (i = 0; i < t->iters; i++) {
		int depth = t->depth ? t->depth :
			DEEP_MIN + rand_r(&t->seed) % (DEEP_MAX - DEEP_MIN + 1);
		int len = snprintf(buf, sizeof(buf), "%d", depth);

		if (write(fd, buf, len) != len) {
			t->failures++;
			t->err = errno;
		}
	}
	close(fd);
	return NULL;
}

/*
 * Run @nr threads that each write to "deep" @iters times (@depth bytes, or
 * a random depth if 0); returns the number of failed writes.
 */
static int run_deep_threads(struct __test_metadata *_metadata, int nr,
			    int iters, int depth)
{
	struct deep_thread *t = calloc(nr, sizeof(*t));
	pthread_barrier_t start;
	pthread_t *tid = calloc(nr, sizeof(*tid));
	int i, failures = 0;

	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, tid);
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, nr));
	for (i = 0; i < nr; i++) {
		t[i] = (struct deep_thread){ .start = &start, .seed = i + 1,
					     .depth = depth, .iters = iters };
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, deep_thread_fn, &t[i]));
	}
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
		if (t[i].failures)
			TH_LOG("thread %d: %d writes failed, last: %s", i,
			       t[i].failures, strerror(t[i].err));
		failures += t[i].failures;
	}
	pthread_barrier_destroy(&start);
	free(tid);
	free(t);
	return failures;
}

/* Leaked pages per "audit", retried while other tasks fork and exit. */
static long long audit_wait(void)
{
	long long leaked = audit_leaked();
	int i;

	for (i = 0; i < 20 && leaked; i++) {
		usleep(100 * 1000);
		leaked = audit_leaked();
	}
	return leaked;
}

TEST_F_TIMEOUT(dstack, many_threads, 300)
{
	long long faults = vmstat_read("dynamic_stack_fault");
	long long stack_before = meminfo_kb("KernelStack");
	long long stack_after, slack;

	ASSERT_EQ(0, run_deep_threads(_metadata, 64, 20, 0));
	ASSERT_GT(vmstat_read("dynamic_stack_fault"), faults);
	ASSERT_EQ(0, audit_wait());

	/* Per CPU: cached stacks and pool refills not yet accounted. */
	slack = 64LL * sysconf(_SC_NPROCESSORS_ONLN);
	stack_after = meminfo_kb("KernelStack");
	TH_LOG("KernelStack %lld kB before the threads, %lld kB after (slack %lld kB)",
	       stack_before, stack_after, slack);
	EXPECT_LE(llabs(stack_after - stack_before), slack);
}

/*
 * Save fail_dynamic_stack_refill's settings for the teardown, then set
 * @inject (values for fail_attrs[]).
 */
static void inject_refill_failures(struct __test_metadata *_metadata,
				   bool *saved, char save[][FAIL_VAL_LEN],
				   const char * const inject[])
{
	char path[128];
	unsigned int i;

	for (i = 0; i < NR_FAIL_ATTRS; i++) {
		snprintf(path, sizeof(path), FAIL_DIR "/%s", fail_attrs[i]);
		ASSERT_TRUE(read_line(path, save[i], FAIL_VAL_LEN));
	}
	*saved = true;

	/* verbose first: no log flood while the others are being set */
	for (i = NR_FAIL_ATTRS; i-- > 0;) {
		snprintf(path, sizeof(path), FAIL_DIR "/%s", fail_attrs[i]);
		ASSERT_EQ(strlen(inject[i]), write_file(path, inject[i])) {
			TH_LOG("%s: %s", path, strerror(errno));
		}
	}
}

/* Every atomic refill fails, for as long as the injection is on. */
static const char * const inject_always[NR_FAIL_ATTRS] = {
	"100", "1", "-1", "0",
};

/*
 * Make every refill of the per-CPU pools fail (for a while) and let
 * threads grow their stacks meanwhile.  This exercises the documented
 * exhaustion policy: a task whose stack could need more pages than its
 * CPU's pool holds is not switched in, it waits until the pool is
 * refilled.  The threads must all finish, nothing may leak, and the
 * machine must not crash.
 */
TEST_F_TIMEOUT(dstack, exhaustion, 300)
{
	static const char * const inject[NR_FAIL_ATTRS] = {
		"100", "1", "50", "0",
	};
	long long fails = vmstat_read("dynamic_stack_refill_fail");
	int failures;

	if (access(FAIL_DIR, F_OK))
		SKIP(return, FAIL_DIR " missing: CONFIG_FAULT_INJECTION_DEBUG_FS");

	inject_refill_failures(_metadata, &self->fail_saved, self->fail_save,
			       inject);

	failures = run_deep_threads(_metadata, 16, 5, DEEP_MAX);

	/* Stop the injection before checking the results. */
	restore_fail_attrs(_metadata, &self->fail_saved, self->fail_save);
	ASSERT_EQ(0, failures);
	ASSERT_GT(vmstat_read("dynamic_stack_refill_fail"), fails);
	ASSERT_EQ(0, audit_wait());
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Grow the calling thread's kernel stack to its full size. */
static bool grow_own_stack(void)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", DEEP_MAX);
	return write_file(DSTACK_DIR "/deep", buf) == (ssize_t)strlen(buf);
}

/*
 * CPU hotplug.  The per-CPU threads that CPU hotplug and stop_machine()
 * wait for (the stopper "migration/N", "cpuhp/N", "ksoftirqd/N") must never
 * wait for their CPU's pool, so they have fully populated stacks, also on
 * a CPU that first comes online after boot (booted with maxcpus=).  Then
 * every CPU but the first goes offline and online again, each time through
 * stop_machine(), while threads grow new stacks and every atomic refill
 * fails.
 */
#define HOTPLUG_CYCLES	4
#define HOTPLUG_GROWERS	8
#define SYS_CPU		"/sys/devices/system/cpu"

static const char * const percpu_threads[] = {
	"migration", "cpuhp", "ksoftirqd",
};

/* KernelStack of the kernel thread named @name, in kB; NO_VALUE if none. */
static long long kthread_stack_kb(const char *name)
{
	char path[PATH_MAX], comm[64];
	long long kb = NO_VALUE;
	struct dirent *d;
	DIR *dir = opendir("/proc");

	if (!dir)
		return NO_VALUE;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		if (!read_line(path, comm, sizeof(comm)) || strcmp(comm, name))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", d->d_name);
		kb = file_value(path, "KernelStack");
		break;
	}
	closedir(dir);
	return kb;
}

static bool set_cpu_online(int cpu, bool online)
{
	char path[64];

	snprintf(path, sizeof(path), SYS_CPU "/cpu%d/online", cpu);
	return write_file(path, online ? "1" : "0") == 1;
}

struct hotplug_grower {
	int *stop;
	int rounds;
	int failures;
};

static void *short_grower_fn(void *data)
{
	return grow_own_stack() ? NULL : (void *)1L;
}

/* Start short-lived threads that grow new stacks, until told to stop. */
static void *hotplug_grower_fn(void *data)
{
	struct hotplug_grower *h = data;

	while (!__atomic_load_n(h->stop, __ATOMIC_SEQ_CST)) {
		pthread_t t[4];
		void *ret;
		int i, n;

		for (n = 0; n < 4; n++)
			if (pthread_create(&t[n], NULL, short_grower_fn, NULL))
				break;
		for (i = 0; i < n; i++) {
			pthread_join(t[i], &ret);
			h->failures += !!ret;
		}
		h->failures += n < 4;
		h->rounds++;
	}
	return NULL;
}

TEST_F_TIMEOUT(dstack, cpu_hotplug, 600)
{
	int cpus[CPU_SETSIZE], nr_cpus = 0, cpu, i, c, failures = 0, rounds = 0;
	long long waits = vmstat_read("dynamic_stack_wait");
	struct hotplug_grower h[HOTPLUG_GROWERS];
	pthread_t tid[HOTPLUG_GROWERS];
	int stop = 0;
	char path[64], name[32];
	double start;

	if (access(FAIL_DIR, F_OK))
		SKIP(return, FAIL_DIR " missing: CONFIG_FAULT_INJECTION_DEBUG_FS");
	for (cpu = 1; cpu < CPU_SETSIZE; cpu++) {
		snprintf(path, sizeof(path), SYS_CPU "/cpu%d/online", cpu);
		if (access(path, F_OK))
			break;
		if (!access(path, W_OK))
			cpus[nr_cpus++] = cpu;
	}
	if (!nr_cpus)
		SKIP(return, "no CPU can go offline (one CPU, or no CONFIG_HOTPLUG_CPU)");

	/* CPUs left offline at boot come online now */
	for (i = 0; i < nr_cpus; i++) {
		ASSERT_TRUE(set_cpu_online(cpus[i], true)) {
			TH_LOG("cpu%d online: %s", cpus[i], strerror(errno));
		}
	}

	for (i = 0; i < nr_cpus; i++) {
		for (c = 0; c < (int)ARRAY_SIZE(percpu_threads); c++) {
			long long kb;

			snprintf(name, sizeof(name), "%s/%d",
				 percpu_threads[c], cpus[i]);
			kb = kthread_stack_kb(name);
			EXPECT_EQ(STACK_KB, kb) {
				TH_LOG("%s: KernelStack %lld kB", name, kb);
			}
		}
	}

	/* Off and on again while new stacks grow and atomic refills fail */
	ASSERT_TRUE(grow_own_stack());
	inject_refill_failures(_metadata, &self->fail_saved, self->fail_save,
			       inject_always);
	for (i = 0; i < HOTPLUG_GROWERS; i++) {
		h[i] = (struct hotplug_grower){ .stop = &stop };
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, hotplug_grower_fn, &h[i]));
	}
	start = now_s();
	for (c = 0; c < HOTPLUG_CYCLES; c++) {
		for (i = 0; i < nr_cpus; i++) {
			EXPECT_TRUE(set_cpu_online(cpus[i], false)) {
				TH_LOG("cycle %d: cpu%d offline: %s", c, cpus[i],
				       strerror(errno));
			}
		}
		for (i = 0; i < nr_cpus; i++) {
			EXPECT_TRUE(set_cpu_online(cpus[i], true)) {
				TH_LOG("cycle %d: cpu%d online: %s", c, cpus[i],
				       strerror(errno));
			}
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	restore_fail_attrs(_metadata, &self->fail_saved, self->fail_save);
	for (i = 0; i < HOTPLUG_GROWERS; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
		failures += h[i].failures;
		rounds += h[i].rounds;
	}

	TH_LOG("%d CPUs offline and online %d times in %.1f s",
	       nr_cpus, HOTPLUG_CYCLES, now_s() - start);
	TH_LOG("%d rounds of new threads, %lld switch-ins deferred", rounds,
	       vmstat_read("dynamic_stack_wait") - waits);
	ASSERT_EQ(0, failures);
	ASSERT_EQ(0, audit_wait());
}

/*
 * Sustained refill failure with real-time tasks: every atomic refill of the
 * per-CPU pools fails, with no end, while SCHED_FIFO threads of the highest
 * priority, RT_PER_CPU of them bound to each CPU, grow their stacks.  They
 * all exist before any of them grows, so that their stacks are distinct:
 * one after the other, each would get the populated stack that the one
 * before left in the stack cache and need no page at all.  Together they
 * need more pages than a pool and the reserve hold (at most two of them on
 * a CPU get a cached stack).  Those that find their CPU's pool short wait,
 * and a waiting real-time task is picked again at once, keeping its CPU
 * from anything but interrupts and higher classes.  Refills that only
 * retry the atomic allocation never get them out; the kernel's way out
 * that does not depend on atomic allocations must let them all finish
 * within RT_DEADLINE seconds while the injection lasts.  The injection is
 * then lifted, so that a kernel without that way out recovers and reports
 * the failure.
 */
#define RT_PER_CPU	16
#define RT_MAX_THREADS	256
#define RT_DEADLINE	60

struct rt_grower {
	int cpu;
	int ok;
	int *finished;
	pthread_barrier_t *start;
};

static void *rt_grower_fn(void *data)
{
	struct rt_grower *g = data;

	pthread_barrier_wait(g->start);
	g->ok = grow_own_stack();
	__atomic_add_fetch(g->finished, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

TEST_F_TIMEOUT(dstack, exhaustion_rt, 240)
{
	long long fails = vmstat_read("dynamic_stack_refill_fail");
	long long waits = vmstat_read("dynamic_stack_wait");
	struct rt_grower *g = calloc(RT_MAX_THREADS, sizeof(*g));
	pthread_t *tid = calloc(RT_MAX_THREADS, sizeof(*tid));
	struct sched_param sp = {
		.sched_priority = sched_get_priority_max(SCHED_FIFO),
	};
	int finished = 0;
	int cpu, i, nr = 0, all, done, ok = 0;
	pthread_barrier_t all_started;
	double start, took;
	pthread_attr_t attr;
	cpu_set_t online;

	if (access(FAIL_DIR, F_OK))
		SKIP(return, FAIL_DIR " missing: CONFIG_FAULT_INJECTION_DEBUG_FS");
	ASSERT_NE(NULL, g);
	ASSERT_NE(NULL, tid);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(online), &online));
	/* RT_PER_CPU on each CPU, as many CPUs as RT_MAX_THREADS allows */
	all = CPU_COUNT(&online) * RT_PER_CPU;
	if (all > RT_MAX_THREADS)
		all = RT_MAX_THREADS / RT_PER_CPU * RT_PER_CPU;
	ASSERT_EQ(0, pthread_barrier_init(&all_started, NULL, all));
	/* This thread must not wait for a pool: it lifts the injection */
	ASSERT_TRUE(grow_own_stack());

	inject_refill_failures(_metadata, &self->fail_saved, self->fail_save,
			       inject_always);

	start = now_s();
	for (cpu = 0; cpu < CPU_SETSIZE && nr < all; cpu++) {
		cpu_set_t one;

		if (!CPU_ISSET(cpu, &online))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		ASSERT_EQ(0, pthread_attr_init(&attr));
		ASSERT_EQ(0, pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED));
		ASSERT_EQ(0, pthread_attr_setschedpolicy(&attr, SCHED_FIFO));
		ASSERT_EQ(0, pthread_attr_setschedparam(&attr, &sp));
		ASSERT_EQ(0, pthread_attr_setaffinity_np(&attr, sizeof(one),
							 &one));
		for (i = 0; i < RT_PER_CPU; i++, nr++) {
			int err;

			g[nr] = (struct rt_grower){ .cpu = cpu,
						    .finished = &finished,
						    .start = &all_started };
			err = pthread_create(&tid[nr], &attr, rt_grower_fn, &g[nr]);
			if (err == EPERM && !nr) {
				restore_fail_attrs(_metadata, &self->fail_saved,
						   self->fail_save);
				SKIP(return, "SCHED_FIFO threads not allowed");
			}
			ASSERT_EQ(0, err);
		}
		pthread_attr_destroy(&attr);
	}

	while ((done = __atomic_load_n(&finished, __ATOMIC_SEQ_CST)) < nr &&
	       now_s() - start < RT_DEADLINE)
		usleep(50 * 1000);
	took = now_s() - start;

	/* Lift the injection: whatever waits now gets its pages */
	restore_fail_attrs(_metadata, &self->fail_saved, self->fail_save);
	for (i = 0; i < nr; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
		ok += g[i].ok;
	}
	free(tid);
	free(g);
	pthread_barrier_destroy(&all_started);

	TH_LOG("%d SCHED_FIFO threads on %d CPUs: %d finished in %.1f s",
	       nr, CPU_COUNT(&online), done, took);
	TH_LOG("%lld refills failed, %lld switch-ins deferred",
	       vmstat_read("dynamic_stack_refill_fail") - fails,
	       vmstat_read("dynamic_stack_wait") - waits);
	ASSERT_EQ(nr, done) {
		TH_LOG("%d real-time threads still waiting after %d s of refill failure",
		       nr - done, RT_DEADLINE);
	}
	ASSERT_EQ(nr, ok);
	/* Refills failed meanwhile (tasks wait unless the reserve keeps up) */
	ASSERT_GT(vmstat_read("dynamic_stack_refill_fail"), fails);
	ASSERT_EQ(0, audit_wait());
}

/*
 * Under memory pressure: a hog takes all but HOG_SPARE_MB of the available
 * memory, then threads grow their stacks.  Pool refills run with
 * GFP_ATOMIC and may fail; whatever happens, the threads must finish and no
 * page may leak.  The hog is the OOM killer's first choice if it comes to
 * that.
 */
#define HOG_SPARE_MB	32

static pid_t start_hog(struct __test_metadata *_metadata)
{
	long long avail_kb = meminfo_kb("MemAvailable");
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_NE(NO_VALUE, avail_kb);
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		size_t size = (avail_kb - HOG_SPARE_MB * 1024LL) * 1024;
		void *p;

		close(ready[0]);
		write_file("/proc/self/oom_score_adj", "1000");
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (p == MAP_FAILED)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1)) {
		TH_LOG("the hog could not take %lld kB", avail_kb);
	}
	close(ready[0]);
	TH_LOG("hog holds %lld kB, MemFree now %lld kB",
	       avail_kb - HOG_SPARE_MB * 1024LL, meminfo_kb("MemFree"));
	return pid;
}

TEST_F_TIMEOUT(dstack, exhaustion_memory_hog, 300)
{
	long long fails = vmstat_read("dynamic_stack_refill_fail");
	long long refills = vmstat_read("dynamic_stack_refill");
	int failures, status;
	pid_t hog;

	hog = start_hog(_metadata);
	failures = run_deep_threads(_metadata, 32, 5, DEEP_MAX);
	kill(hog, SIGKILL);
	ASSERT_EQ(hog, waitpid(hog, &status, 0));

	TH_LOG("refills %lld, failed refills %lld, hog %s",
	       vmstat_read("dynamic_stack_refill") - refills,
	       vmstat_read("dynamic_stack_refill_fail") - fails,
	       WTERMSIG(status) == SIGKILL ? "killed by the test" : "died");
	ASSERT_EQ(0, failures);
	ASSERT_GT(vmstat_read("dynamic_stack_refill"), refills);
	ASSERT_EQ(0, audit_wait());
}

/*
 * The KernelStack: line of /proc/PID/status is there whatever the kernel's
 * configuration, and whether dynamic stacks are on or off: the populated
 * part of the thread's stack, whole pages, at least one.
 */
TEST(status_kernel_stack)
{
	long long kb = file_value(THREAD_STATUS, "KernelStack");

	ASSERT_NE(NO_VALUE, kb);
	ASSERT_GE(kb, PAGE_KB);
	ASSERT_EQ(0, kb % PAGE_KB);
}

/* Read @len bytes of kernel memory at @addr through /proc/kcore (@fd). */
static int kcore_read(int fd, unsigned long addr, void *buf, size_t len)
{
	struct elf64_hdr eh;
	struct elf64_phdr ph;
	int i;

	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64)
		return -1;
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph),
			  eh.e_phoff + i * eh.e_phentsize) != sizeof(ph))
			return -1;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr ||
		    addr + len > ph.p_vaddr + ph.p_memsz)
			continue;
		if (pread(fd, buf, len, ph.p_offset + addr - ph.p_vaddr) !=
		    (ssize_t)len)
			return -1;
		return 0;
	}
	errno = ENOENT;
	return -1;
}

struct kcore_thread {
	pthread_barrier_t step;
	char line[128];
};

/* Leave the driver's pattern deep in this thread's stack, then wait. */
static void *kcore_thread_fn(void *data)
{
	struct kcore_thread *k = data;
	int fd = open(DSTACK_DIR "/kcore", O_RDONLY);
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, k->line, sizeof(k->line) - 1);
		close(fd);
	}
	k->line[n > 0 ? n : 0] = '\0';
	pthread_barrier_wait(&k->step);		/* the pattern is there */
	pthread_barrier_wait(&k->step);		/* it has been read */
	return NULL;
}

#define KCORE_MAGIC	0x4b434f5245535441ULL
#define KCORE_WORDS	8
#define END_MAGIC	0x57AC6E9DUL

/*
 * /proc/kcore (drgn, crash) reads a dynamic stack as any vmalloc area: the
 * pattern the driver left in a populated page of a waiting thread's stack
 * reads back, and the bottom page, never used by that thread, reads as
 * zeros (unpopulated, or cleared when the stack was reused), bar the
 * end-of-stack marker.
 */
TEST_F(dstack, kcore_reads_stack)
{
	long page_size = sysconf(_SC_PAGESIZE);
	unsigned long long word[KCORE_WORDS], bad = 0;
	int fd, words = 0, got = 0, rd = -1, rd_bottom = -1, err = 0, i;
	struct kcore_thread k = { .line = "" };
	unsigned long addr = 0, base = 0;
	unsigned long *bottom;
	pthread_t tid;

	fd = open("/proc/kcore", O_RDONLY);
	if (fd < 0)
		SKIP(return, "/proc/kcore: %s (CONFIG_PROC_KCORE)", strerror(errno));
	bottom = malloc(page_size);
	ASSERT_NE(NULL, bottom);
	ASSERT_EQ(0, pthread_barrier_init(&k.step, NULL, 2));
	ASSERT_EQ(0, pthread_create(&tid, NULL, kcore_thread_fn, &k));
	pthread_barrier_wait(&k.step);
	got = sscanf(k.line, "%lx %d %lx", &addr, &words, &base);
	if (got == 3 && words == KCORE_WORDS) {
		rd = kcore_read(fd, addr, word, sizeof(word));
		err = errno;
		rd_bottom = kcore_read(fd, base, bottom, page_size);
	}
	pthread_barrier_wait(&k.step);
	ASSERT_EQ(0, pthread_join(tid, NULL));
	pthread_barrier_destroy(&k.step);
	close(fd);

	ASSERT_EQ(3, got) {
		TH_LOG("kcore: \"%s\"", k.line);
	}
	ASSERT_EQ(KCORE_WORDS, words);
	ASSERT_EQ(0, rd) {
		TH_LOG("/proc/kcore at %#lx: %s", addr, strerror(err));
	}
	for (i = 0; i < KCORE_WORDS; i++) {
		bad = word[i];
		if (bad != (KCORE_MAGIC ^ (addr + 8 * i)))
			break;
	}
	EXPECT_EQ(KCORE_WORDS, i) {
		TH_LOG("word %d at %#lx: %#llx", i, addr + 8 * i, bad);
	}
	ASSERT_EQ(0, rd_bottom);
	EXPECT_TRUE(bottom[0] == 0 || bottom[0] == END_MAGIC);
	for (i = 1; i < page_size / (int)sizeof(*bottom); i++)
		if (bottom[i])
			break;
	EXPECT_EQ(page_size / (int)sizeof(*bottom), i) {
		TH_LOG("bottom page word %d: %#lx", i, bottom[i]);
	}
	free(bottom);
}

/*
 * memcg: what a cgroup is charged for its thread stacks, in kB: the kernel
 * memory of memory.stat less the parts it itself breaks down that are not
 * stacks; and what memory.stat shows as kernel_stack, in kB, in @shown.
 * Read after the periodic stats flush (every 2 s) has run.
 */
static long long cgroup_stack_charge(long long *shown)
{
	static const char * const not_stacks[] = {
		"slab", "pagetables", "sec_pagetables", "percpu", "vmalloc",
	};
	const char *stat = CGROUP_TEST "/memory.stat";
	unsigned int i;
	long long kb;

	usleep(2500 * 1000);
	kb = file_value(stat, "kernel");
	for (i = 0; i < ARRAY_SIZE(not_stacks); i++) {
		long long v = file_value(stat, not_stacks[i]);

		if (v != NO_VALUE)
			kb -= v;
	}
	*shown = file_value(stat, "kernel_stack") / 1024;
	return kb / 1024;
}

struct idle_threads {
	pthread_barrier_t step;
	int depth;
};

/* Wait, use @depth bytes of kernel stack, wait twice, exit. */
static void *idle_thread_fn(void *data)
{
	struct idle_threads *it = data;
	int fd = open(DSTACK_DIR "/deep", O_WRONLY);
	void *ret = (void *)1L;
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", it->depth);

	pthread_barrier_wait(&it->step);
	if (fd >= 0 && write(fd, buf, len) == len)
		ret = NULL;
	if (fd >= 0)
		close(fd);
	pthread_barrier_wait(&it->step);
	pthread_barrier_wait(&it->step);
	return ret;
}

/*
 * A thread stack is charged to the memcg at its full size, as any thread
 * stack is: the pages a dynamic stack does not have yet are charged at fork,
 * so stack faults, which cannot charge, are already paid for.  memory.stat
 * shows all of it as kernel_stack.  Nothing stays charged after the threads
 * exit.
 */
#define MEMCG_THREADS	128

TEST_F_TIMEOUT(dstack, memcg_charge, 120)
{
	long long expect = MEMCG_THREADS * STACK_KB, slack = expect / 4;
	long long base, idle, deep, gone;
	long long s_base, s_idle, s_deep, s_gone;
	struct idle_threads it = { .depth = DEEP_MAX };
	pthread_t tid[MEMCG_THREADS];
	char ctl[256] = "";
	void *ret;
	int i;

	if (access(CGROUP_ROOT "/cgroup.controllers", F_OK))
		mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL);
	read_line(CGROUP_ROOT "/cgroup.controllers", ctl, sizeof(ctl));
	if (!strstr(ctl, "memory"))
		SKIP(return, "no cgroup2 memory controller: CONFIG_MEMCG");
	if (write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory") < 0)
		SKIP(return, "cannot enable the memory controller: %s",
		     strerror(errno));

	ASSERT_EQ(0, mkdir(CGROUP_TEST, 0755)) {
		TH_LOG("mkdir " CGROUP_TEST ": %s", strerror(errno));
	}
	self->cgroup_made = true;
	ASSERT_LT(0, write_file(CGROUP_TEST "/cgroup.procs", "0"));

	ASSERT_EQ(0, pthread_barrier_init(&it.step, NULL, MEMCG_THREADS + 1));
	base = cgroup_stack_charge(&s_base);
	for (i = 0; i < MEMCG_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, idle_thread_fn, &it));
	idle = cgroup_stack_charge(&s_idle);
	pthread_barrier_wait(&it.step);		/* go deep */
	pthread_barrier_wait(&it.step);		/* all went deep */
	deep = cgroup_stack_charge(&s_deep);
	pthread_barrier_wait(&it.step);		/* exit */
	for (i = 0; i < MEMCG_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], &ret));
		ASSERT_EQ(NULL, ret);
	}
	gone = cgroup_stack_charge(&s_gone);
	pthread_barrier_destroy(&it.step);

	TH_LOG("%d threads, stack charge: %lld kB idle, %lld kB after deep use",
	       MEMCG_THREADS, idle - base, deep - base);
	TH_LOG("%lld kB after exit; expected %lld kB while they live",
	       gone - base, expect);
	TH_LOG("memory.stat kernel_stack: %lld kB idle, %lld kB deep, %lld kB after exit",
	       s_idle - s_base, s_deep - s_base, s_gone - s_base);
	EXPECT_LE(llabs(idle - base - expect), slack);
	EXPECT_LE(llabs(deep - base - expect), slack);
	EXPECT_LE(llabs(gone - base), slack);
	EXPECT_LE(llabs(s_idle - s_base - expect), slack);
	EXPECT_LE(llabs(s_deep - s_base - expect), slack);
	EXPECT_LE(llabs(s_gone - s_base), slack);
}

/*
 * The context-switch window: __switch_to() runs on the stack of the task
 * being switched in while current is still the task being switched out,
 * and the start of finish_task_switch() runs before the switch-in check.
 * Run it with what hooks into it turned on: the function tracer, every
 * sched and x86_fpu tracepoint, and perf counting each thread (lockdep is
 * on in the test kernel), while new threads, whose stacks have one
 * populated page, switch heavily on one CPU.
 */
static const char * const trace_events[] = {
	"sched/enable", "x86_fpu/enable",
};

/*
 * Turn on the events, and with @function the function tracer; false if
 * tracefs does not have them.
 */
static bool tracing_start(struct __test_metadata *_metadata, bool *on,
			  bool function)
{
	char path[128];
	unsigned int i, events = 0;

	if (access(TRACEFS "/current_tracer", W_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	if (access(TRACEFS "/current_tracer", W_OK))
		return false;

	*on = true;
	if (function && write_file(TRACEFS "/current_tracer", "function") < 0) {
		TH_LOG("no function tracer: %s (CONFIG_FUNCTION_TRACER)",
		       strerror(errno));
		return false;
	}
	for (i = 0; i < ARRAY_SIZE(trace_events); i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/%s",
			 trace_events[i]);
		events += write_file(path, "1") > 0;
	}
	write_file(TRACEFS "/tracing_on", "1");
	return events > 0;
}

static void tracing_stop(struct __test_metadata *_metadata, bool *on)
{
	char path[128];
	unsigned int i;

	if (!*on)
		return;
	for (i = 0; i < ARRAY_SIZE(trace_events); i++) {
		snprintf(path, sizeof(path), TRACEFS "/events/%s",
			 trace_events[i]);
		write_file(path, "0");
	}
	if (write_file(TRACEFS "/current_tracer", "nop") < 0)
		TH_LOG("resetting the tracer: %s", strerror(errno));
	*on = false;
}

#define PING_PAIRS	8
#define PING_ROUNDS	400

struct ping {
	pthread_barrier_t *start;
	pid_t tid;
	int in;			/* read end of this thread's pipe */
	int out;		/* write end of the peer's pipe */
	bool first;		/* sends first */
	long long stack_before;	/* KernelStack, kB */
	long long stack_after;
	long long switches;	/* counted by perf, -1 without perf */
	int errors;
};

static long long perf_counter(unsigned long long config)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = config,
	};

	return syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
}

static void *ping_thread(void *data)
{
	struct ping *p = data;
	int cs, clock, i;
	uint32_t v;

	p->tid = gettid();
	/* Twice: the caller reads stack_before in between */
	pthread_barrier_wait(p->start);
	pthread_barrier_wait(p->start);
	cs = perf_counter(PERF_COUNT_SW_CONTEXT_SWITCHES);
	clock = perf_counter(PERF_COUNT_SW_TASK_CLOCK);
	for (i = 0; i < PING_ROUNDS; i++) {
		if (p->first) {
			v = i;
			p->errors += write(p->out, &v, sizeof(v)) != sizeof(v);
		}
		if (read(p->in, &v, sizeof(v)) != sizeof(v) || v != i)
			p->errors++;
		if (!p->first) {
			v = i;
			p->errors += write(p->out, &v, sizeof(v)) != sizeof(v);
		}
	}
	p->switches = -1;
	if (cs >= 0 && read(cs, &p->switches, sizeof(p->switches)) !=
	    sizeof(p->switches))
		p->errors++;
	if (cs >= 0)
		close(cs);
	if (clock >= 0)
		close(clock);
	p->stack_after = file_value(THREAD_STATUS, "KernelStack");
	return NULL;
}

/*
 * PING_PAIRS pairs of new threads bounce a counter PING_ROUNDS times over
 * pipes on one CPU, so that every round is two switches between them.
 * Each checks every value it reads and, with perf, that it switched out
 * heavily.  @arm, if any, runs once the threads have started
 * and their stacks have been looked at.  Returns the number of threads
 * that started with one populated stack page.
 */
static int ping_pong(struct __test_metadata *_metadata, struct ping *p,
		     bool (*arm)(struct __test_metadata *_metadata,
				 struct switch_state *sw),
		     struct switch_state *sw)
{
	pthread_t tid[2 * PING_PAIRS];
	int fds[2 * PING_PAIRS][2];
	pthread_barrier_t start;
	int i, barely = 0;
	cpu_set_t cpus;
	char path[64];

	CPU_ZERO(&cpus);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(cpus), &cpus));
	for (i = 0; i < CPU_SETSIZE && !CPU_ISSET(i, &cpus); i++)
		;
	CPU_ZERO(&cpus);
	CPU_SET(i, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));

	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 2 * PING_PAIRS + 1));
	for (i = 0; i < 2 * PING_PAIRS; i++)
		ASSERT_EQ(0, pipe(fds[i]));
	for (i = 0; i < 2 * PING_PAIRS; i++) {
		p[i] = (struct ping){ .start = &start, .in = fds[i][0],
				      .out = fds[i ^ 1][1], .first = !(i & 1) };
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, ping_thread, &p[i]));
	}
	/* Their stacks as they are before they do anything much */
	pthread_barrier_wait(&start);
	for (i = 0; i < 2 * PING_PAIRS; i++) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/status", p[i].tid);
		p[i].stack_before = file_value(path, "KernelStack");
	}
	if (arm)
		EXPECT_TRUE(arm(_metadata, sw));
	pthread_barrier_wait(&start);
	for (i = 0; i < 2 * PING_PAIRS; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
		close(fds[i][0]);
		close(fds[i][1]);
		EXPECT_EQ(0, p[i].errors);
		/* It blocks in read() in (nearly) every round */
		if (p[i].switches >= 0)
			EXPECT_GE(p[i].switches, PING_ROUNDS / 2);
		barely += p[i].stack_before == PAGE_KB;
	}
	pthread_barrier_destroy(&start);
	TH_LOG("%d of %d threads started with one stack page", barely,
	       2 * PING_PAIRS);
	TH_LOG("thread 0: KernelStack %lld -> %lld kB, %lld switches",
	       p[0].stack_before, p[0].stack_after, p[0].switches);
	return barely;
}

/*
 * How deep is the stack used below the point where a task switches out,
 * before its switch-in check?  With the sched and x86_fpu tracepoints,
 * perf counting each thread and lockdep (on in the test kernel), it must
 * stay within DYNAMIC_STACK_SWITCH_SLACK, which is populated at
 * switch-out.  Then again with the function tracer on as well, which goes
 * deeper: that is only reported, faults beyond the slack are served on
 * the right stack (switch_window_traced).
 */
static long long measure_switch_depth(struct __test_metadata *_metadata,
				      struct switch_state *sw, bool function)
{
	const char *f = DSTACK_DIR "/switch_depth";
	struct ping p[2 * PING_PAIRS];
	long long max;

	if (!tracing_start(_metadata, &sw->tracing_on, function))
		return NO_VALUE;
	sw->measuring = true;
	EXPECT_EQ(1, write_file(f, "1"));
	ping_pong(_metadata, p, NULL, sw);
	EXPECT_EQ(1, write_file(f, "0"));
	sw->measuring = false;
	tracing_stop(_metadata, &sw->tracing_on);

	max = file_value(f, "max");
	TH_LOG("%s: deepest use below the switch-out point %lld bytes",
	       function ? "function tracer, events, perf" : "events, perf", max);
	TH_LOG("in %lld switch-ins, %lld bytes measured",
	       file_value(f, "samples"), file_value(f, "span"));
	EXPECT_GE(file_value(f, "samples"), 2 * PING_PAIRS * PING_ROUNDS);
	EXPECT_EQ(0, file_value(f, "overruns"));
	return max;
}

TEST_F_TIMEOUT(dstack, switch_window_depth, 300)
{
	const char *f = DSTACK_DIR "/switch_depth";
	long long slack, max;

	if (access(f, W_OK))
		SKIP(return, "no %s", f);
	slack = file_value(f, "slack");
	max = measure_switch_depth(_metadata, &self->sw, false);
	if (max == NO_VALUE)
		SKIP(return, "no tracefs events: CONFIG_TRACING");
	EXPECT_LT(max, slack);
	if (measure_switch_depth(_metadata, &self->sw, true) == NO_VALUE)
		TH_LOG("not measured with the function tracer");
}

/*
 * A tracepoint probe in __switch_to() uses 4 KiB of the incoming task's
 * stack, beyond what was populated for it at its switch-out, with the
 * events and the function tracer on: the stack fault comes while current
 * is still the outgoing task.  It must be served on the incoming task's
 * stack, so every thread ends with its stack grown to at least two pages,
 * and all threads finish with correct results.  The probe and the tracing
 * start once the threads have started, with one populated page.  The
 * driver counts the probe's runs on a stack that was not current's: the
 * tracepoint fires there when a thread that ran in user mode switches out.
 */
#define PROBE_BYTES	"4096"

static bool switch_probe_arm(struct __test_metadata *_metadata,
			     struct switch_state *sw)
{
	if (!tracing_start(_metadata, &sw->tracing_on, true))
		return false;
	sw->probe_on = true;
	return write_file(DSTACK_DIR "/switch_probe", PROBE_BYTES) ==
	       strlen(PROBE_BYTES);
}

TEST_F_TIMEOUT(dstack, switch_window_traced, 300)
{
	const char *f = DSTACK_DIR "/switch_probe";
	long long faults = vmstat_read("dynamic_stack_fault");
	struct ping p[2 * PING_PAIRS];
	char tracers[256];
	int i, barely;

	if (access(f, W_OK))
		SKIP(return, "no %s (x86-64 only)", f);
	if (access(TRACEFS "/available_tracers", R_OK))
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	if (!read_line(TRACEFS "/available_tracers", tracers, sizeof(tracers)) ||
	    !strstr(tracers, "function"))
		SKIP(return, "no function tracer: CONFIG_FUNCTION_TRACER");
	barely = ping_pong(_metadata, p, switch_probe_arm, &self->sw);
	ASSERT_EQ(1, write_file(f, "0"));
	self->sw.probe_on = false;
	tracing_stop(_metadata, &self->sw.tracing_on);

	faults = vmstat_read("dynamic_stack_fault") - faults;
	TH_LOG("the probe ran %lld times, %lld in the window; %lld stack faults",
	       file_value(f, "runs"), file_value(f, "window"), faults);
	/* Every thread switches out once a round, at least */
	ASSERT_GE(file_value(f, "runs"), 2 * PING_PAIRS * PING_ROUNDS);
	/* ... and almost always with its FPU registers live */
	ASSERT_GE(file_value(f, "window"), PING_PAIRS * PING_ROUNDS);
	ASSERT_GT(barely, 0);
	/* Each thread that had one page at the start faulted once at least */
	EXPECT_GE(faults, barely);
	for (i = 0; i < 2 * PING_PAIRS; i++)
		EXPECT_GE(p[i].stack_after, 2 * PAGE_KB);
}

TEST_HARNESS_MAIN
