// SPDX-License-Identifier: GPL-2.0

/* Based on Christian Brauner's clone3() example */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <linux/types.h>
#include <linux/sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sched.h>

#include "../kselftest.h"
#include "clone3_selftests.h"

enum test_mode {
	CLONE3_ARGS_NO_TEST,
	CLONE3_ARGS_ALL_0,
	CLONE3_ARGS_INVAL_EXIT_SIGNAL_BIG,
	CLONE3_ARGS_INVAL_EXIT_SIGNAL_NEG,
	CLONE3_ARGS_INVAL_EXIT_SIGNAL_CSIG,
	CLONE3_ARGS_INVAL_EXIT_SIGNAL_NSIG,
	CLONE3_ARGS_ZERO_TAIL,
	CLONE3_ARGS_LAST_BYTE_SET,
};

/* Large enough for every size tested, up to a page and a bit */
#define CLONE3_ARGS_BUF_SIZE (2 * 65536)

static int call_clone3(uint64_t flags, size_t size, enum test_mode test_mode)
{
	struct __clone_args args = {
		.flags = flags,
		.exit_signal = SIGCHLD,
	};

	static union {
		struct __clone_args args;
		__aligned_u64 excess_space[CLONE3_ARGS_BUF_SIZE / 8];
	} args_ext;

	pid_t pid = -1;
	int status;

	memset(&args_ext, 0, sizeof(args_ext));
	if (size > sizeof(struct __clone_args))
		args_ext.excess_space[sizeof(struct __clone_args) / 8 + 1] = 1;

	if (size == 0)
		size = sizeof(struct __clone_args);

	switch (test_mode) {
	case CLONE3_ARGS_NO_TEST:
		/*
		 * Uses default 'flags' and 'SIGCHLD'
		 * assignment.
		 */
		break;
	case CLONE3_ARGS_ALL_0:
		args.flags = 0;
		args.exit_signal = 0;
		break;
	case CLONE3_ARGS_INVAL_EXIT_SIGNAL_BIG:
		args.exit_signal = 0xbadc0ded00000000ULL;
		break;
	case CLONE3_ARGS_INVAL_EXIT_SIGNAL_NEG:
		args.exit_signal = 0x0000000080000000ULL;
		break;
	case CLONE3_ARGS_INVAL_EXIT_SIGNAL_CSIG:
		args.exit_signal = 0x0000000000000100ULL;
		break;
	case CLONE3_ARGS_INVAL_EXIT_SIGNAL_NSIG:
		args.exit_signal = 0x00000000000000f0ULL;
		break;
	case CLONE3_ARGS_ZERO_TAIL:
	case CLONE3_ARGS_LAST_BYTE_SET:
		break;
	}

	memcpy(&args_ext.args, &args, sizeof(struct __clone_args));

	/* Nothing, or only the last byte, set past struct __clone_args */
	if (test_mode == CLONE3_ARGS_ZERO_TAIL ||
	    test_mode == CLONE3_ARGS_LAST_BYTE_SET)
		memset((char *)&args_ext + sizeof(struct __clone_args), 0,
		       sizeof(args_ext) - sizeof(struct __clone_args));
	if (test_mode == CLONE3_ARGS_LAST_BYTE_SET)
		((char *)&args_ext)[size - 1] = 1;

	pid = sys_clone3((struct __clone_args *)&args_ext, size);
	if (pid < 0) {
		ksft_print_msg("%s - Failed to create new process\n",
				strerror(errno));
		return -errno;
	}

	if (pid == 0) {
		ksft_print_msg("I am the child, my PID is %d\n", getpid());
		_exit(EXIT_SUCCESS);
	}

	ksft_print_msg("I am the parent (%d). My child's pid is %d\n",
			getpid(), pid);

	if (waitpid(-1, &status, __WALL) < 0) {
		ksft_print_msg("waitpid() returned %s\n", strerror(errno));
		return -errno;
	}
	if (!WIFEXITED(status)) {
		ksft_print_msg("Child did not exit normally, status 0x%x\n",
			       status);
		return EXIT_FAILURE;
	}
	if (WEXITSTATUS(status))
		return WEXITSTATUS(status);

	return 0;
}

typedef bool (*filter_function)(void);
typedef size_t (*size_function)(void);

static bool not_root(void)
{
	if (getuid() != 0) {
		ksft_print_msg("Not running as root\n");
		return true;
	}

	return false;
}

static bool no_timenamespace(void)
{
	if (not_root())
		return true;

	if (!access("/proc/self/ns/time", F_OK))
		return false;

	ksft_print_msg("Time namespaces are not supported\n");
	return true;
}

static size_t page_size_plus_8(void)
{
	return getpagesize() + 8;
}

static size_t page_size(void)
{
	return getpagesize();
}

struct test {
	const char *name;
	uint64_t flags;
	size_t size;
	size_function size_function;
	int expected;
	bool e2big_valid;
	enum test_mode test_mode;
	filter_function filter;
};

static const struct test tests[] = {
	{
		.name = "simple clone3()",
		.flags = 0,
		.size = 0,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "clone3() in a new PID_NS",
		.flags = CLONE_NEWPID,
		.size = 0,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
		.filter = not_root,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER0",
		.flags = 0,
		.size = CLONE_ARGS_SIZE_VER0,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER0 - 8",
		.flags = 0,
		.size = CLONE_ARGS_SIZE_VER0 - 8,
		.expected = -EINVAL,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "sizeof(struct clone_args) + 8",
		.flags = 0,
		.size = sizeof(struct __clone_args) + 8,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "exit_signal with highest 32 bits non-zero",
		.flags = 0,
		.size = 0,
		.expected = -EINVAL,
		.test_mode = CLONE3_ARGS_INVAL_EXIT_SIGNAL_BIG,
	},
	{
		.name = "negative 32-bit exit_signal",
		.flags = 0,
		.size = 0,
		.expected = -EINVAL,
		.test_mode = CLONE3_ARGS_INVAL_EXIT_SIGNAL_NEG,
	},
	{
		.name = "exit_signal not fitting into CSIGNAL mask",
		.flags = 0,
		.size = 0,
		.expected = -EINVAL,
		.test_mode = CLONE3_ARGS_INVAL_EXIT_SIGNAL_CSIG,
	},
	{
		.name = "NSIG < exit_signal < CSIG",
		.flags = 0,
		.size = 0,
		.expected = -EINVAL,
		.test_mode = CLONE3_ARGS_INVAL_EXIT_SIGNAL_NSIG,
	},
	{
		.name = "Arguments sizeof(struct clone_args) + 8",
		.flags = 0,
		.size = sizeof(struct __clone_args) + 8,
		.expected = 0,
		.test_mode = CLONE3_ARGS_ALL_0,
	},
	{
		.name = "Arguments sizeof(struct clone_args) + 16",
		.flags = 0,
		.size = sizeof(struct __clone_args) + 16,
		.expected = -E2BIG,
		.test_mode = CLONE3_ARGS_ALL_0,
	},
	{
		.name = "Arguments sizeof(struct clone_arg) * 2",
		.flags = 0,
		.size = sizeof(struct __clone_args) + 16,
		.expected = -E2BIG,
		.test_mode = CLONE3_ARGS_ALL_0,
	},
	{
		.name = "Arguments > page size",
		.flags = 0,
		.size_function = page_size_plus_8,
		.expected = -E2BIG,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER0 in a new PID NS",
		.flags = CLONE_NEWPID,
		.size = CLONE_ARGS_SIZE_VER0,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
		.filter = not_root,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER0 - 8 in a new PID NS",
		.flags = CLONE_NEWPID,
		.size = CLONE_ARGS_SIZE_VER0 - 8,
		.expected = -EINVAL,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "sizeof(struct clone_args) + 8 in a new PID NS",
		.flags = CLONE_NEWPID,
		.size = sizeof(struct __clone_args) + 8,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
		.filter = not_root,
	},
	{
		.name = "Arguments > page size in a new PID NS",
		.flags = CLONE_NEWPID,
		.size_function = page_size_plus_8,
		.expected = -E2BIG,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "New time NS",
		.flags = CLONE_NEWTIME,
		.size = 0,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
		.filter = no_timenamespace,
	},
	{
		.name = "exit signal (SIGCHLD) in flags",
		.flags = SIGCHLD,
		.size = 0,
		.expected = -EINVAL,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER0 - 1",
		.size = CLONE_ARGS_SIZE_VER0 - 1,
		.expected = -EINVAL,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER0 + 4",
		.size = CLONE_ARGS_SIZE_VER0 + 4,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER0 + 8",
		.size = CLONE_ARGS_SIZE_VER0 + 8,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER1",
		.size = CLONE_ARGS_SIZE_VER1,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER1 + 4",
		.size = CLONE_ARGS_SIZE_VER1 + 4,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER2",
		.size = CLONE_ARGS_SIZE_VER2,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER2 + 4",
		.size = CLONE_ARGS_SIZE_VER2 + 4,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER3",
		.size = CLONE_ARGS_SIZE_VER3,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "CLONE_ARGS_SIZE_VER3 + 4",
		.size = CLONE_ARGS_SIZE_VER3 + 4,
		.expected = 0,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
	{
		.name = "Zeroed arguments of page size",
		.size_function = page_size,
		.expected = 0,
		.test_mode = CLONE3_ARGS_ZERO_TAIL,
	},
	{
		.name = "Non-zero byte right after CLONE_ARGS_SIZE_VER3",
		.size = CLONE_ARGS_SIZE_VER3 + 1,
		.expected = -E2BIG,
		.test_mode = CLONE3_ARGS_LAST_BYTE_SET,
	},
	{
		.name = "Non-zero byte at CLONE_ARGS_SIZE_VER3 + 8",
		.size = CLONE_ARGS_SIZE_VER3 + 8,
		.expected = -E2BIG,
		.test_mode = CLONE3_ARGS_LAST_BYTE_SET,
	},
	{
		.name = "Non-zero last byte of page size arguments",
		.size_function = page_size,
		.expected = -E2BIG,
		.test_mode = CLONE3_ARGS_LAST_BYTE_SET,
	},
	{
		.name = "CLONE_ARGS_CHECK_FIELDS creates no task",
		.size = CLONE_ARGS_CHECK_FIELDS | CLONE_ARGS_SIZE_VER3,
		.expected = -E2BIG,
		.test_mode = CLONE3_ARGS_NO_TEST,
	},
};

static void test_clone3(const struct test *test)
{
	size_t size;
	int ret;

	if (test->filter && test->filter()) {
		ksft_test_result_skip("%s\n", test->name);
		return;
	}

	if (test->size_function)
		size = test->size_function();
	else
		size = test->size;

	ksft_print_msg("Running test '%s'\n", test->name);

	ksft_print_msg("[%d] Trying clone3() with flags %#llx (size %zu)\n",
		       getpid(), (unsigned long long)test->flags, size);
	ret = call_clone3(test->flags, size, test->test_mode);
	ksft_print_msg("[%d] clone3() with flags says: %d expected %d\n",
		       getpid(), ret, test->expected);

	/*
	 * A test using a field that an older kernel does not know about
	 * sees -E2BIG from such a kernel: that is not a failure of the
	 * kernel under test, the feature is simply not there.
	 */
	if (test->e2big_valid && ret == -E2BIG) {
		ksft_print_msg("Test reported -E2BIG, kernel lacks the feature\n");
		ksft_test_result_skip("%s\n", test->name);
		return;
	}

	if (ret != test->expected) {
		ksft_print_msg("[%d] Result (%d) is different than expected (%d)\n",
			       getpid(), ret, test->expected);
		ksft_test_result_fail("%s\n", test->name);
		return;
	}

	ksft_test_result_pass("%s\n", test->name);
}

int main(int argc, char *argv[])
{
	size_t i;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(tests));
	test_clone3_supported();

	for (i = 0; i < ARRAY_SIZE(tests); i++)
		test_clone3(&tests[i]);

	ksft_finished();
}
