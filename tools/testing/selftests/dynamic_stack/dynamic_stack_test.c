// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for dynamic kernel stacks (CONFIG_DYNAMIC_STACK), driven through
 * the debugfs files of the in-kernel test driver (CONFIG_TEST_DYNAMIC_STACK):
 *
 *   run    write a test name, the write succeeds if the in-kernel test passed
 *   deep   write N: the writing thread uses N bytes of its kernel stack
 *   audit  page counts; "leaked" must be 0 on a quiet system
 *
 * See Documentation/mm/dynamic-stack.rst.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "proc_value.h"

#define DEBUGFS		"/sys/kernel/debug"
#define DSTACK_DIR	DEBUGFS "/test_dynamic_stack"
#define FAIL_DIR	DEBUGFS "/fail_dynamic_stack_refill"
#define THREAD_STATUS	"/proc/thread-self/status"
#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CGROUP_TEST	CGROUP_ROOT "/dynamic_stack_test"

#define DEEP_MIN	1024
#define DEEP_MAX	14336
#define STACK_KB	16

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

FIXTURE(dstack) {
	/* fail_dynamic_stack_refill settings to restore in the teardown */
	bool fail_saved;
	char fail_save[NR_FAIL_ATTRS][FAIL_VAL_LEN];
	/* the memcg test made CGROUP_TEST */
	bool cgroup_made;
};

FIXTURE_SETUP(dstack)
{
	char reason[128];

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

/* In the parent: also runs if the test died halfway. */
FIXTURE_TEARDOWN_PARENT(dstack)
{
	restore_fail_attrs(_metadata, &self->fail_saved, self->fail_save);
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
	static const char * const bad[] = { "0", "abc", "14337", "-1" };
	unsigned int i;

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
	char path[128];
	unsigned int i;
	int failures;

	if (access(FAIL_DIR, F_OK))
		SKIP(return, FAIL_DIR " missing: CONFIG_FAULT_INJECTION_DEBUG_FS");

	for (i = 0; i < NR_FAIL_ATTRS; i++) {
		snprintf(path, sizeof(path), FAIL_DIR "/%s", fail_attrs[i]);
		ASSERT_TRUE(read_line(path, self->fail_save[i],
				      sizeof(self->fail_save[i])));
	}
	self->fail_saved = true;

	/* verbose first: no log flood while the others are being set */
	for (i = NR_FAIL_ATTRS; i-- > 0;) {
		snprintf(path, sizeof(path), FAIL_DIR "/%s", fail_attrs[i]);
		ASSERT_EQ(strlen(inject[i]), write_file(path, inject[i])) {
			TH_LOG("%s: %s", path, strerror(errno));
		}
	}

	failures = run_deep_threads(_metadata, 16, 5, DEEP_MAX);

	/* Stop the injection before checking the results. */
	restore_fail_attrs(_metadata, &self->fail_saved, self->fail_save);
	ASSERT_EQ(0, failures);
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
 * memcg: what a cgroup is charged for its thread stacks, in kB: the kernel
 * memory of memory.stat less the parts it itself breaks down that are not
 * stacks.  Read after the periodic stats flush (every 2 s) has run.
 */
static long long cgroup_stack_charge(void)
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
 * so stack faults, which cannot charge, are already paid for.  Nothing stays
 * charged after the threads exit.
 */
#define MEMCG_THREADS	128

TEST_F_TIMEOUT(dstack, memcg_charge, 120)
{
	long long expect = MEMCG_THREADS * STACK_KB, slack = expect / 4;
	long long base, idle, deep, gone;
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
	base = cgroup_stack_charge();
	for (i = 0; i < MEMCG_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, idle_thread_fn, &it));
	idle = cgroup_stack_charge();
	pthread_barrier_wait(&it.step);		/* go deep */
	pthread_barrier_wait(&it.step);		/* all went deep */
	deep = cgroup_stack_charge();
	pthread_barrier_wait(&it.step);		/* exit */
	for (i = 0; i < MEMCG_THREADS; i++) {
		ASSERT_EQ(0, pthread_join(tid[i], &ret));
		ASSERT_EQ(NULL, ret);
	}
	gone = cgroup_stack_charge();
	pthread_barrier_destroy(&it.step);

	TH_LOG("%d threads, stack charge: %lld kB idle, %lld kB after deep use",
	       MEMCG_THREADS, idle - base, deep - base);
	TH_LOG("%lld kB after exit; expected %lld kB while they live",
	       gone - base, expect);
	EXPECT_LE(llabs(idle - base - expect), slack);
	EXPECT_LE(llabs(deep - base - expect), slack);
	EXPECT_LE(llabs(gone - base), slack);
}

TEST_HARNESS_MAIN
