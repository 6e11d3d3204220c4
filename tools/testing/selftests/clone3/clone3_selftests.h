/* SPDX-License-Identifier: GPL-2.0 */

#ifndef _CLONE3_SELFTESTS_H
#define _CLONE3_SELFTESTS_H

#define _GNU_SOURCE
#include <sched.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest.h"

#define ptr_to_u64(ptr) ((__u64)((uintptr_t)(ptr)))

#ifndef __NR_clone3
#define __NR_clone3 -1
#endif

#ifndef CLONE_ARGS_SIZE_VER3
#define CLONE_ARGS_SIZE_VER3 96
#endif

#ifndef CLONE_ARGS_CHECK_FIELDS
#define CLONE_ARGS_CHECK_FIELDS 0x80000000U
#endif

struct __clone_args {
	__aligned_u64 flags;
	__aligned_u64 pidfd;
	__aligned_u64 child_tid;
	__aligned_u64 parent_tid;
	__aligned_u64 exit_signal;
	__aligned_u64 stack;
	__aligned_u64 stack_size;
	__aligned_u64 tls;
	__aligned_u64 set_tid;
	__aligned_u64 set_tid_size;
	__aligned_u64 cgroup;
	__aligned_u64 shadow_stack_size;
};

static pid_t sys_clone3(struct __clone_args *args, size_t size)
{
	fflush(stdout);
	fflush(stderr);
	return syscall(__NR_clone3, args, size);
}

static inline void test_clone3_supported(void)
{
	pid_t pid;
	struct __clone_args args = {};

	if (__NR_clone3 < 0)
		ksft_exit_skip("clone3() syscall is not supported\n");

	/* Set to something that will always cause EINVAL. */
	args.exit_signal = -1;
	pid = sys_clone3(&args, sizeof(args));
	if (!pid)
		exit(EXIT_SUCCESS);

	if (pid > 0) {
		wait(NULL);
		ksft_exit_fail_msg(
			"Managed to create child process with invalid exit_signal\n");
	}

	if (errno == ENOSYS)
		ksft_exit_skip("clone3() syscall is not supported\n");

	ksft_print_msg("clone3() syscall supported\n");
}

/*
 * Ask the kernel which struct clone_args it supports, with
 * CLONE_ARGS_CHECK_FIELDS. On success return 0 with the largest size it
 * accepts in *size and the flags it accepts in *flags. Return -1 with errno
 * set to EOPNOTSUPP if the kernel does not support CLONE_ARGS_CHECK_FIELDS,
 * or to the error of clone3().
 */
static inline int clone3_check_fields(size_t *size, uint64_t *flags)
{
	size_t buf_size = getpagesize(), i;
	__u64 *buf;
	long ret;

	buf = calloc(1, buf_size);
	if (!buf)
		return -1;

	ret = syscall(__NR_clone3, buf, CLONE_ARGS_CHECK_FIELDS | buf_size);
	if (ret == 0)
		_exit(EXIT_FAILURE);	/* a child: must never happen */
	if (ret > 0) {
		waitpid(ret, NULL, __WALL);
		free(buf);
		errno = EPROTO;
		return -1;
	}

	/* Older kernels fail with E2BIG too, but leave the buffer alone */
	if (errno != E2BIG || !buf[0]) {
		if (errno == E2BIG)
			errno = EOPNOTSUPP;
		free(buf);
		return -1;
	}

	*flags = buf[0];
	*size = 0;
	for (i = 0; i < buf_size / sizeof(*buf); i++)
		if (buf[i])
			*size = (i + 1) * sizeof(*buf);

	free(buf);
	return 0;
}

/*
 * The traditional way: the largest size, in steps of 8 bytes, for which
 * clone3() does not fail with E2BIG when the last field is non-zero. An
 * invalid exit_signal makes every call fail, so no task is ever created.
 * Return 0, or -1 with errno set.
 */
static inline int clone3_probe_size(size_t *size)
{
	size_t buf_size = getpagesize(), try;
	__u64 *buf;
	long ret;

	buf = calloc(1, buf_size);
	if (!buf)
		return -1;

	for (try = buf_size; try >= CLONE_ARGS_SIZE_VER0; try -= 8) {
		memset(buf, 0, buf_size);
		((struct __clone_args *)buf)->exit_signal = -1;
		buf[try / sizeof(*buf) - 1] |= 1;
		ret = syscall(__NR_clone3, buf, try);
		if (ret == 0)
			_exit(EXIT_FAILURE);	/* a child: must never happen */
		if (ret > 0) {
			waitpid(ret, NULL, __WALL);
			break;
		}
		if (errno != E2BIG) {
			*size = try;
			free(buf);
			return 0;
		}
	}

	free(buf);
	errno = EPROTO;
	return -1;
}

#endif /* _CLONE3_SELFTESTS_H */
