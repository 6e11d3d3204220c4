// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for CLONE_ARGS_CHECK_FIELDS: clone3() reporting the fields of
 * struct clone_args and the flags it supports, without creating a task.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "clone3_filter.h"
#include "clone3_selftests.h"

#define FILL 0xaa

/* clone3() that must not create a task: report one as a failure */
static long probe(void *buf, size_t size)
{
	long ret = syscall(__NR_clone3, buf, size);

	if (ret == 0)
		_exit(EXIT_FAILURE);
	if (ret > 0)
		waitpid(ret, NULL, __WALL);

	return ret;
}

static bool no_children(void)
{
	return waitpid(-1, NULL, __WALL | WNOHANG) == -1 && errno == ECHILD;
}

static bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/*
 * Whether this system has user shadow stacks, as the kernel tells in
 * /proc/cpuinfo: the feature flag is cleared when the kernel or the CPU
 * cannot provide them.
 */
static bool cpu_has_user_shstk(void)
{
	static char buf[65536];
	ssize_t len;
	int fd;

	fd = open("/proc/cpuinfo", O_RDONLY);
	if (fd < 0)
		return false;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return false;
	buf[len] = '\0';

	return strstr(buf, " user_shstk ") || strstr(buf, " user_shstk\n");
}

/* The namespace types, their flags, and the files a built-in one has */
static const struct {
	uint64_t flag;
	const char *path;
} namespaces[] = {
	{ CLONE_NEWNS,		"/proc/self/ns/mnt" },
	{ CLONE_NEWUSER,	"/proc/self/ns/user" },
	{ CLONE_NEWPID,		"/proc/self/ns/pid" },
	{ CLONE_NEWUTS,		"/proc/self/ns/uts" },
	{ CLONE_NEWIPC,		"/proc/self/ns/ipc" },
	{ CLONE_NEWNET,		"/proc/self/ns/net" },
	{ CLONE_NEWTIME,	"/proc/self/ns/time" },
	{ CLONE_NEWCGROUP,	"/proc/self/ns/cgroup" },
	/* Into a cgroup, with cgroups built in */
	{ CLONE_INTO_CGROUP,	"/proc/self/cgroup" },
};

FIXTURE(check_fields) {
	size_t page_size;
	__u64 *buf;
	size_t size;
	uint64_t flags;
};

FIXTURE_SETUP(check_fields)
{
	self->page_size = getpagesize();
	self->buf = mmap(NULL, 2 * self->page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(self->buf, MAP_FAILED);

	if (clone3_check_fields(&self->size, &self->flags)) {
		if (errno == EOPNOTSUPP)
			SKIP(return, "kernel lacks CLONE_ARGS_CHECK_FIELDS");
		if (errno == ENOSYS)
			SKIP(return, "clone3() fails with ENOSYS (seccomp filter?)");
		ASSERT_EQ(errno, 0);
	}
	TH_LOG("clone_args size %zu, flags %#llx", self->size,
	       (unsigned long long)self->flags);
}

FIXTURE_TEARDOWN(check_fields)
{
	munmap(self->buf, 2 * self->page_size);
}

/*
 * The description of the kernel's struct clone_args: every field up to
 * cgroup, and shadow_stack_size only on a system with user shadow stacks.
 */
TEST_F(check_fields, fields)
{
	bool shstk = cpu_has_user_shstk();
	size_t i, size;

	size = shstk ? CLONE_ARGS_SIZE_VER3 : CLONE_ARGS_SIZE_VER2;
	TH_LOG("user shadow stacks: %s", shstk ? "yes" : "no");
	ASSERT_EQ(self->size, size);

	memset(self->buf, FILL, self->page_size);
	ASSERT_EQ(probe(self->buf, CLONE_ARGS_CHECK_FIELDS | self->page_size),
		  -1);
	ASSERT_EQ(errno, E2BIG);

	ASSERT_EQ(self->buf[0], self->flags);
	for (i = 1; i < CLONE_ARGS_SIZE_VER2 / 8; i++)
		EXPECT_EQ(self->buf[i], UINT64_MAX) {
			TH_LOG("field %zu", i);
		}
	EXPECT_EQ(self->buf[CLONE_ARGS_SIZE_VER2 / 8],
		  shstk ? UINT64_MAX : 0) {
		TH_LOG("shadow_stack_size");
	}
	for (i = CLONE_ARGS_SIZE_VER3 / 8; i < self->page_size / 8; i++)
		ASSERT_EQ(self->buf[i], 0) {
			TH_LOG("word %zu past the kernel's clone_args", i);
		}
}

/* A namespace flag is reported if and only if the type is built in */
TEST_F(check_fields, namespaces)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(namespaces); i++) {
		TH_LOG("%s: %s, flag %#llx %s", namespaces[i].path,
		       path_exists(namespaces[i].path) ? "present" : "absent",
		       (unsigned long long)namespaces[i].flag,
		       self->flags & namespaces[i].flag ? "reported" : "not reported");
		EXPECT_EQ(!!(self->flags & namespaces[i].flag),
			  path_exists(namespaces[i].path));
	}
}

/* A reported namespace flag creates a task (needs privilege) */
TEST_F(check_fields, namespaces_work)
{
	struct __clone_args args = { .exit_signal = SIGCHLD };
	int status;
	size_t i;
	pid_t pid;

	if (geteuid())
		SKIP(return, "creating namespaces needs root");

	for (i = 0; i < ARRAY_SIZE(namespaces); i++) {
		if (!(self->flags & namespaces[i].flag) ||
		    namespaces[i].flag == CLONE_INTO_CGROUP)
			continue;
		args.flags = namespaces[i].flag;
		pid = sys_clone3(&args, sizeof(args));
		if (pid == 0)
			_exit(EXIT_SUCCESS);
		ASSERT_GT(pid, 0) {
			TH_LOG("reported flag %#llx: %s",
			       (unsigned long long)args.flags,
			       strerror(errno));
		}
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(WEXITSTATUS(status), 0);
	}
}

/*
 * The reported size covers every field that may be non-zero. The kernel's
 * struct clone_args may be larger, as probing with E2BIG the old way finds:
 * the fields in between are known but cannot be used here, and a non-zero
 * value in them is refused with EINVAL.
 */
TEST_F(check_fields, size_accepted)
{
	struct __clone_args *args = (struct __clone_args *)self->buf;
	size_t probed, i;

	/* Last field non-zero: accepted, then rejected for exit_signal */
	memset(self->buf, 0, self->page_size);
	args->exit_signal = -1;
	self->buf[self->size / 8 - 1] = 1;
	ASSERT_EQ(probe(self->buf, self->size), -1);
	ASSERT_EQ(errno, EINVAL);

	ASSERT_EQ(clone3_probe_size(&probed), 0);
	ASSERT_GE(probed, self->size);
	TH_LOG("reported size %zu, probed size %zu", self->size, probed);

	/* Known, unusable fields: refused with valid arguments otherwise */
	for (i = self->size / 8; i < probed / 8; i++) {
		memset(self->buf, 0, self->page_size);
		args->exit_signal = SIGCHLD;
		self->buf[i] = 4096;
		ASSERT_EQ(probe(self->buf, probed), -1);
		ASSERT_EQ(errno, EINVAL) {
			TH_LOG("word %zu", i);
		}
	}

	/* One more non-zero field past the kernel's struct: too big */
	memset(self->buf, 0, self->page_size);
	args->exit_signal = -1;
	self->buf[probed / 8] = 1;
	ASSERT_EQ(probe(self->buf, probed + 8), -1);
	ASSERT_EQ(errno, E2BIG);

	ASSERT_TRUE(no_children());
}

/* The reported flags are the ones clone3() accepts */
TEST_F(check_fields, flags_accepted)
{
	static const uint64_t harmless[] = {
		CLONE_FS, CLONE_FILES, CLONE_SYSVSEM, CLONE_UNTRACED,
		CLONE_IO, CLONE_CLEAR_SIGHAND,
	};
	struct __clone_args args = { .exit_signal = SIGCHLD };
	int bit, status;
	size_t i;
	pid_t pid;

	EXPECT_TRUE(self->flags & CLONE_VM);
	EXPECT_FALSE(self->flags & CLONE_DETACHED);
	EXPECT_FALSE(self->flags & (CSIGNAL & ~CLONE_NEWTIME));

	/* Every flag not reported is refused */
	for (bit = 0; bit < 64; bit++) {
		if (self->flags & (1ULL << bit))
			continue;
		args.flags = 1ULL << bit;
		EXPECT_EQ(probe(&args, sizeof(args)), -1) {
			TH_LOG("unreported flag bit %d accepted", bit);
		}
		EXPECT_EQ(errno, EINVAL) {
			TH_LOG("flag bit %d", bit);
		}
	}

	/* Reported flags that need nothing else work */
	for (i = 0; i < ARRAY_SIZE(harmless); i++) {
		ASSERT_TRUE(self->flags & harmless[i]);
		args.flags = harmless[i];
		pid = sys_clone3(&args, sizeof(args));
		if (pid == 0)
			_exit(EXIT_SUCCESS);
		ASSERT_GT(pid, 0) {
			TH_LOG("flag %#llx: %s",
			       (unsigned long long)harmless[i],
			       strerror(errno));
		}
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(WEXITSTATUS(status), 0);
	}
}

/* Asking creates no task, whatever the buffer holds */
TEST_F(check_fields, no_task)
{
	struct __clone_args *args = (struct __clone_args *)self->buf;

	ASSERT_TRUE(no_children());

	memset(self->buf, 0, self->page_size);
	args->exit_signal = SIGCHLD;
	ASSERT_EQ(probe(self->buf, CLONE_ARGS_CHECK_FIELDS | sizeof(*args)),
		  -1);
	ASSERT_EQ(errno, E2BIG);
	ASSERT_TRUE(no_children());

	memset(self->buf, 0, self->page_size);
	args->flags = CLONE_VM | CLONE_VFORK;
	args->exit_signal = SIGCHLD;
	ASSERT_EQ(probe(self->buf, CLONE_ARGS_CHECK_FIELDS | sizeof(*args)),
		  -1);
	ASSERT_EQ(errno, E2BIG);
	ASSERT_TRUE(no_children());
}

/* Only the buffer size given is written, and only if it is valid */
TEST_F(check_fields, buffer_size)
{
	unsigned char *bytes = (unsigned char *)self->buf;
	size_t i;

	/* The first published size: only that much is written */
	memset(self->buf, FILL, 2 * self->page_size);
	ASSERT_EQ(probe(self->buf,
			CLONE_ARGS_CHECK_FIELDS | CLONE_ARGS_SIZE_VER0), -1);
	ASSERT_EQ(errno, E2BIG);
	ASSERT_EQ(self->buf[0], self->flags);
	for (i = 1; i < CLONE_ARGS_SIZE_VER0 / 8; i++)
		ASSERT_EQ(self->buf[i], UINT64_MAX);
	for (i = CLONE_ARGS_SIZE_VER0; i < 2 * self->page_size; i++)
		ASSERT_EQ(bytes[i], FILL);

	/* An odd size past the kernel's: zeroed up to it, not beyond */
	memset(self->buf, FILL, 2 * self->page_size);
	ASSERT_EQ(probe(self->buf,
			CLONE_ARGS_CHECK_FIELDS | (self->size + 3)), -1);
	ASSERT_EQ(errno, E2BIG);
	for (i = self->size; i < self->size + 3; i++)
		ASSERT_EQ(bytes[i], 0);
	for (i = self->size + 3; i < 2 * self->page_size; i++)
		ASSERT_EQ(bytes[i], FILL);

	/* Too small: EINVAL, nothing written */
	memset(self->buf, FILL, 2 * self->page_size);
	ASSERT_EQ(probe(self->buf,
			CLONE_ARGS_CHECK_FIELDS | (CLONE_ARGS_SIZE_VER0 - 8)),
		  -1);
	ASSERT_EQ(errno, EINVAL);
	for (i = 0; i < 2 * self->page_size; i++)
		ASSERT_EQ(bytes[i], FILL);

	/* Too big: E2BIG, nothing written */
	ASSERT_EQ(probe(self->buf,
			CLONE_ARGS_CHECK_FIELDS | (self->page_size + 8)), -1);
	ASSERT_EQ(errno, E2BIG);
	for (i = 0; i < 2 * self->page_size; i++)
		ASSERT_EQ(bytes[i], FILL);
}

/* A buffer that cannot be written */
TEST_F(check_fields, fault)
{
	ASSERT_EQ(probe(NULL, CLONE_ARGS_CHECK_FIELDS | CLONE_ARGS_SIZE_VER0),
		  -1);
	ASSERT_EQ(errno, EFAULT);

	ASSERT_EQ(mprotect(self->buf, self->page_size, PROT_READ), 0);
	ASSERT_EQ(probe(self->buf,
			CLONE_ARGS_CHECK_FIELDS | CLONE_ARGS_SIZE_VER0), -1);
	ASSERT_EQ(errno, EFAULT);
	ASSERT_TRUE(no_children());
}

/* Under a seccomp filter that fails clone3() with ENOSYS: skip, saying why */
TEST(filtered)
{
	run_under_enosys_filter(_metadata, "-f", "check_fields");
}

TEST_HARNESS_MAIN
