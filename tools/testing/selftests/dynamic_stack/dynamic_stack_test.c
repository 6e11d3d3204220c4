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
#include <sys/klog.h>
#include <sys/mount.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "proc_value.h"

#define DEBUGFS		"/sys/kernel/debug"
#define DSTACK_DIR	DEBUGFS "/test_dynamic_stack"
#define FAIL_DIR	DEBUGFS "/fail_dynamic_stack_refill"
#define THREAD_STATUS	"/proc/thread-self/status"

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

TEST_HARNESS_MAIN
