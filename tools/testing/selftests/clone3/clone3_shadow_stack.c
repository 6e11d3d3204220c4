// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for the shadow_stack_size field of struct clone_args.
 *
 * A size is only valid when the caller runs with a shadow stack, so most
 * tests enable one in a process of their own (see shstk_run()) and skip,
 * with the reason, where that is not possible: no CPU support, or a kernel
 * that refuses user shadow stacks.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "clone3_raw.h"

#define SZ_4G		0x100000000ULL
#define CHILD_STACK	(1024 * 1024)

#ifdef HAVE_RAW_CLONE3

/* Results of a process running with a shadow stack, shared with the test */
struct shstk_result {
	int enable_err;
	bool no_field;
	unsigned long child_ssp;
	char msg[512];
};

static struct shstk_result *result;

#define EXIT_NO_SHSTK 42

static int report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(result->msg, sizeof(result->msg), fmt, ap);
	va_end(ap);

	return 1;
}

/*
 * Run fn(arg) in a new process with a shadow stack, skipping the test if
 * shadow stacks cannot be enabled and failing it if fn() returns non-zero.
 */
static void run_with_shstk(struct __test_metadata *_metadata,
			   int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	if (!result) {
		result = mmap(NULL, sizeof(*result), PROT_READ | PROT_WRITE,
			      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(result, MAP_FAILED);
	}
	memset(result, 0, sizeof(*result));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		shstk_run(fn, arg, &result->enable_err, EXIT_NO_SHSTK);

	ASSERT_EQ(waitpid(pid, &status, 0), pid);

	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_NO_SHSTK &&
	    result->enable_err)
		SKIP(return, "shadow stacks unavailable: ARCH_SHSTK_ENABLE: %s",
		     strerror(result->enable_err));

	if (result->no_field)
		SKIP(return, "kernel lacks clone_args::shadow_stack_size");

	ASSERT_TRUE(WIFEXITED(status)) {
		TH_LOG("process with a shadow stack died, status %#x", status);
	}
	ASSERT_EQ(WEXITSTATUS(status), 0) {
		TH_LOG("%s", result->msg);
	}
}

/* Read a file into a static buffer, without stdio */
static const char *read_file(const char *path)
{
	static char buf[512 * 1024];
	size_t len = 0;
	ssize_t ret;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;

	while (len < sizeof(buf) - 1) {
		ret = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (ret <= 0)
			break;
		len += ret;
	}
	close(fd);
	buf[len] = '\0';

	return buf;
}

/*
 * Find the VMA of /proc/<pid>/smaps containing addr. Returns 0 and fills
 * start, end and whether it is a shadow stack, or -1 if there is none.
 */
static int find_vma(pid_t pid, unsigned long addr, unsigned long *start,
		    unsigned long *end, bool *ss)
{
	const char *line, *next, *flags;
	unsigned long s, e;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	line = read_file(path);

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			next++;

		/* Only the first line of each VMA has this format */
		if (sscanf(line, "%lx-%lx ", &s, &e) != 2 ||
		    addr < s || addr >= e)
			continue;

		/* VmFlags is the last line of each VMA */
		flags = strstr(line, "VmFlags:");
		if (!flags)
			return -1;
		next = strchrnul(flags, '\n');

		*start = s;
		*end = e;
		*ss = false;
		for (; flags < next; flags++)
			if (!strncmp(flags, " ss", 3) &&
			    (flags[3] == ' ' || flags[3] == '\n'))
				*ss = true;
		return 0;
	}

	return -1;
}

static unsigned long page_align(unsigned long size)
{
	unsigned long page = getpagesize();

	return (size + page - 1) & ~(page - 1);
}

/*
 * A call chain of the given depth, each call one shadow stack entry. The
 * calls go through a pointer the compiler cannot follow, so that it can
 * neither inline them nor turn them into a loop.
 */
int (*clone3_recurse)(int depth);

static int recurse(int depth)
{
	int ret;

	if (depth <= 0)
		return 0;

	ret = clone3_recurse(depth - 1);
	/* Not a tail call either */
	asm volatile("" : "+r" (ret) : : "memory");

	return ret;
}

struct child_args {
	unsigned long expected_size;
	int depth;
};

/*
 * The child: its shadow stack must be an "ss" VMA of the expected size,
 * and must hold a call chain of the requested depth.
 */
static int child_fn(void *arg)
{
	struct child_args *ca = arg;
	unsigned long ssp = get_ssp(), start, end;
	bool ss;

	result->child_ssp = ssp;

	if (ca->expected_size) {
		if (!ssp)
			return report("child has no shadow stack");
		if (find_vma(getpid(), ssp - 8, &start, &end, &ss))
			return report("no VMA for the child's SSP %#lx", ssp);
		if (!ss)
			return report("VMA %#lx-%#lx of the child's SSP is not a shadow stack",
				      start, end);
		if (end - start != ca->expected_size)
			return report("child shadow stack is %lu bytes, expected %lu",
				      end - start, ca->expected_size);
	}

	clone3_recurse = recurse;

	return recurse(ca->depth);
}

/*
 * clone3() a child with a shadow stack of the given size and the given
 * flags, wait for it, and return its wait status, or -1 with a report.
 */
static int clone_child(uint64_t flags, uint64_t size, int depth)
{
	struct child_args ca = {
		.expected_size = page_align(size),
		.depth = depth,
	};
	struct __clone_args args = {
		.flags = flags,
		.exit_signal = SIGCHLD,
		.shadow_stack_size = size,
		.stack_size = CHILD_STACK,
	};
	int status;
	void *stack;
	long pid;

	stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED) {
		report("mmap: %s", strerror(errno));
		return -1;
	}
	args.stack = (uintptr_t)stack;

	pid = raw_clone3_fn(&args, sizeof(args), child_fn, &ca);
	if (pid < 0) {
		if (pid == -E2BIG)
			result->no_field = true;
		report("clone3(flags %#llx, shadow_stack_size %llu): %s",
		       (unsigned long long)flags, (unsigned long long)size,
		       strerror(-pid));
		munmap(stack, CHILD_STACK);
		return -1;
	}

	if (waitpid(pid, &status, __WALL) != pid) {
		report("waitpid: %s", strerror(errno));
		return -1;
	}
	munmap(stack, CHILD_STACK);

	return status;
}

/* A child with a shadow stack that is big enough exits normally */
static int check_child(uint64_t flags, uint64_t size)
{
	unsigned long entries = page_align(size) / 8;
	int status = clone_child(flags, size, entries / 2);

	if (status < 0)
		return 1;
	if (!WIFEXITED(status))
		return report("flags %#llx size %llu: child died, status %#x: %s",
			      (unsigned long long)flags,
			      (unsigned long long)size, status, result->msg);
	if (WEXITSTATUS(status))
		return report("flags %#llx size %llu: %s",
			      (unsigned long long)flags,
			      (unsigned long long)size, result->msg);

	return 0;
}

static const uint64_t good_sizes[] = { 8, 4096, 4096 + 8, 65536 };

static int thread_sizes(void *arg)
{
	uint64_t flags = *(uint64_t *)arg;
	unsigned long start, end;
	size_t i;
	bool ss;

	for (i = 0; i < ARRAY_SIZE(good_sizes); i++) {
		if (check_child(flags, good_sizes[i]))
			return 1;

		/* A child sharing our mm must have unmapped its shadow stack */
		if ((flags & CLONE_VM) &&
		    !find_vma(getpid(), result->child_ssp - 8, &start, &end,
			      &ss) && ss)
			return report("shadow stack %#lx-%#lx of the exited child is still mapped",
				      start, end);
	}

	return 0;
}

TEST(shadow_stack_thread)
{
	uint64_t flags = CLONE_VM;

	run_with_shstk(_metadata, thread_sizes, &flags);
}

TEST(shadow_stack_vfork)
{
	uint64_t flags = CLONE_VM | CLONE_VFORK;

	run_with_shstk(_metadata, thread_sizes, &flags);
}

TEST(shadow_stack_fork)
{
	uint64_t flags = 0;

	run_with_shstk(_metadata, thread_sizes, &flags);
}

/* Overflowing a too small shadow stack kills the child with SIGSEGV */
static int too_small(void *arg)
{
	uint64_t flags = *(uint64_t *)arg;
	int status = clone_child(flags, 4096, 4 * 4096 / 8);

	if (status < 0)
		return 1;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		return report("flags %#llx: shadow stack overflow: status %#x",
			      (unsigned long long)flags, status);

	return 0;
}

TEST(shadow_stack_too_small_thread)
{
	uint64_t flags = CLONE_VM;

	run_with_shstk(_metadata, too_small, &flags);
}

TEST(shadow_stack_too_small_fork)
{
	uint64_t flags = 0;

	run_with_shstk(_metadata, too_small, &flags);
}

static const uint64_t bad_sizes[] = {
	1, 4, 7, 12, 4096 + 4, SZ_4G + 8, SZ_4G + 4096, UINT64_MAX - 7,
	UINT64_MAX,
};

/* Invalid sizes are refused even with shadow stacks enabled */
static int invalid_sizes(void *arg)
{
	struct __clone_args args = { .exit_signal = SIGCHLD };
	size_t i;
	long pid;

	for (i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		args.shadow_stack_size = bad_sizes[i];
		pid = syscall(__NR_clone3, &args, sizeof(args));
		if (pid == 0)
			syscall(__NR_exit_group, 0);
		if (pid > 0) {
			waitpid(pid, NULL, 0);
			return report("size %#llx accepted",
				      (unsigned long long)bad_sizes[i]);
		}
		if (errno == E2BIG) {
			result->no_field = true;
			return 1;
		}
		if (errno != EINVAL)
			return report("size %#llx: %s, expected EINVAL",
				      (unsigned long long)bad_sizes[i],
				      strerror(errno));
	}

	return 0;
}

TEST(shadow_stack_invalid_sizes)
{
	run_with_shstk(_metadata, invalid_sizes, NULL);
}

/* Without a shadow stack of its own, a caller cannot ask for one */
TEST(shadow_stack_needs_shstk)
{
	static const uint64_t sizes[] = { 8, 4096, 65536, SZ_4G, 1, 12 };
	struct __clone_args args = { .exit_signal = SIGCHLD };
	size_t i;
	pid_t pid;

	if (shstk_enabled())
		SKIP(return, "this process already runs with a shadow stack");

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		args.shadow_stack_size = sizes[i];
		pid = sys_clone3(&args, sizeof(args));
		if (pid == 0)
			_exit(EXIT_SUCCESS);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		if (pid < 0 && errno == E2BIG)
			SKIP(return, "kernel lacks clone_args::shadow_stack_size");
		ASSERT_EQ(pid, -1) {
			TH_LOG("size %#llx accepted without a shadow stack",
			       (unsigned long long)sizes[i]);
		}
		ASSERT_EQ(errno, EINVAL);
	}
}

#else /* HAVE_RAW_CLONE3 */

TEST(shadow_stack)
{
	SKIP(return, "clone3() shadow stack tests only support x86_64");
}

#endif /* HAVE_RAW_CLONE3 */

TEST_HARNESS_MAIN
