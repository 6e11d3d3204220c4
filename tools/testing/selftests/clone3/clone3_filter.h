/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a test of the calling program again, in a process whose clone3()
 * calls fail with ENOSYS because of a seccomp filter, as container runtimes
 * install them. The test must then skip, with the reason, not fail.
 */

#ifndef _CLONE3_FILTER_H
#define _CLONE3_FILTER_H

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"

/*
 * Run the named test of this program under a seccomp filter that makes
 * clone3() fail with ENOSYS, as container runtimes do, and check that it
 * skips with a reason instead of failing.
 */
static inline void
run_under_enosys_filter(struct __test_metadata *_metadata, const char *opt,
			const char *name)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(filter),
		.filter = filter,
	};
	static char out[16384];
	size_t len = 0;
	int pipefd[2], status;
	ssize_t ret;
	pid_t pid;

	ASSERT_EQ(pipe(pipefd), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(pipefd[0]);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(100 + errno);
		execl("/proc/self/exe", "clone3_filtered", opt, name, NULL);
		_exit(99);
	}
	close(pipefd[1]);
	while (len < sizeof(out) - 1) {
		ret = read(pipefd[0], out + len, sizeof(out) - 1 - len);
		if (ret <= 0)
			break;
		len += ret;
	}
	out[len] = '\0';
	close(pipefd[0]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) >= 100)
		SKIP(return, "cannot install a seccomp filter: %s",
		     strerror(WEXITSTATUS(status) - 100));

	EXPECT_EQ(WEXITSTATUS(status), 0) {
		TH_LOG("under the filter:\n%s", out);
	}
	EXPECT_EQ(strstr(out, "not ok"), NULL) {
		TH_LOG("under the filter:\n%s", out);
	}
	EXPECT_NE(strstr(out, "# SKIP"), NULL) {
		TH_LOG("under the filter:\n%s", out);
	}
	EXPECT_NE(strstr(out, "ENOSYS"), NULL) {
		TH_LOG("no reason given:\n%s", out);
	}
}

#endif /* _CLONE3_FILTER_H */
