// SPDX-License-Identifier: GPL-2.0
/*
 * rseq registration sizes: the rseq_len rules, RSEQ_FLAG_EXACT_SIZE and
 * the populated size it returns, and RSEQ_FLAG_QUERY.
 *
 * glibc registers every thread, so each test first looks up the calling
 * thread's registration with RSEQ_FLAG_QUERY and unregisters it, which
 * also exercises the query from a thread that did not register itself.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/auxvec.h>

#include "../kselftest_harness.h"
#include "rseq-abi.h"
#include "rseq-thread-pointer.h"

#ifndef __NR_rseq
#error "rseq system call number unknown"
#endif

#ifndef PTRACE_GET_RSEQ_CONFIGURATION
#define PTRACE_GET_RSEQ_CONFIGURATION	0x420f
#endif

#define ORIG_RSEQ_SIZE		32
#define TEST_SIG		0x53053053
#define CANARY			0xa5
#define CANARY32		0xa5a5a5a5U
#define AREA_SIZE		4096
#define EXEC_CHECK_ARG		"--rseq-exec-check"

/* glibc >= 2.35 exports these; looked up so that the test runs without them. */
static const ptrdiff_t *libc_rseq_offset;
static const unsigned int *libc_rseq_size;

struct ptrace_rseq_conf {
	__u64 rseq_abi_pointer;
	__u32 rseq_abi_size;
	__u32 signature;
	__u32 flags;
	__u32 pad;
};

static long sys_rseq(void *rseq, uint32_t len, int flags, uint32_t sig)
{
	return syscall(__NR_rseq, rseq, len, flags, sig);
}

/* Query into a buffer poisoned first, so stale data cannot pass for a result. */
static long query(struct rseq_abi_registration *reg)
{
	memset(reg, 0x5a, sizeof(*reg));
	return sys_rseq(reg, sizeof(*reg), RSEQ_ABI_FLAG_QUERY, 0);
}

static uint32_t feature_size(void)
{
	return getauxval(AT_RSEQ_FEATURE_SIZE);
}

static uint32_t populated_for(uint32_t len)
{
	return len < feature_size() ? len : feature_size();
}

/*
 * Canary the whole buffer except rseq_cs and flags, which the kernel reads
 * and which must be 0 for a thread outside any critical section.
 */
static void fill_canary(uint8_t *area)
{
	memset(area, CANARY, AREA_SIZE);
	memset(area + offsetof(struct rseq_abi, rseq_cs), 0,
	       offsetof(struct rseq_abi, node_id) - offsetof(struct rseq_abi, rseq_cs));
}

/* First byte at or after @from that is not the canary, or -1. */
static long canary_damage(const uint8_t *area, size_t from)
{
	size_t i;

	for (i = from; i < AREA_SIZE; i++)
		if (area[i] != CANARY)
			return i;
	return -1;
}

static void sigusr1_handler(int sig)
{
}

/* Give the kernel every reason to refresh the area: yield, signal, migrate. */
static void exercise(void)
{
	cpu_set_t saved, one;
	int cpu, i;

	for (i = 0; i < 3; i++)
		sched_yield();
	signal(SIGUSR1, sigusr1_handler);
	raise(SIGUSR1);
	if (sched_getaffinity(0, sizeof(saved), &saved))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &saved))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (!sched_setaffinity(0, sizeof(one), &one))
			sched_yield();
	}
	sched_setaffinity(0, sizeof(saved), &saved);
}

/* The populated fields hold real values, nothing past them was written. */
static int area_ok(struct __test_metadata *_metadata, uint8_t *area)
{
	struct rseq_abi *abi = (struct rseq_abi *)area;
	long bad = canary_damage(area, feature_size());

	EXPECT_EQ(-1, bad) {
		TH_LOG("byte %ld past the feature size %u was written",
		       bad, feature_size());
		return 0;
	}
	EXPECT_NE(CANARY32, abi->cpu_id) return 0;
	EXPECT_EQ(abi->cpu_id_start, abi->cpu_id) return 0;
	EXPECT_GT(CPU_SETSIZE, abi->cpu_id) return 0;
	EXPECT_NE(CANARY32, abi->node_id) return 0;
	EXPECT_NE(CANARY32, abi->mm_cid) return 0;
	return 1;
}

/* The query reports exactly this registration. */
static void expect_registration(struct __test_metadata *_metadata, void *area,
				uint32_t len, uint32_t sig, uint32_t flags)
{
	struct rseq_abi_registration reg;

	EXPECT_EQ(RSEQ_ABI_REGISTRATION_SIZE_VER0, query(&reg)) return;
	EXPECT_EQ((uintptr_t)area, reg.rseq_abi_pointer);
	EXPECT_EQ(len, reg.rseq_abi_size);
	EXPECT_EQ(populated_for(len), reg.populated_size);
	EXPECT_EQ(sig, reg.signature);
	EXPECT_EQ(flags, reg.flags);
}

static void expect_unregistered(struct __test_metadata *_metadata)
{
	struct rseq_abi_registration reg, zero = {};

	ASSERT_EQ(RSEQ_ABI_REGISTRATION_SIZE_VER0, query(&reg));
	EXPECT_EQ(0, memcmp(&reg, &zero, sizeof(reg)));
}

/*
 * Register @area with @len and @flags, check the return value, let the
 * kernel update the area, check it, then unregister.
 */
static void register_ok(struct __test_metadata *_metadata, uint8_t *area,
			uint32_t len, int flags)
{
	struct rseq_abi *abi = (struct rseq_abi *)area;
	long expected = flags & RSEQ_ABI_FLAG_EXACT_SIZE ? populated_for(len) : 0;

	fill_canary(area);
	ASSERT_EQ(expected, sys_rseq(area, len, flags, TEST_SIG)) {
		TH_LOG("len %u flags 0x%x: %s", len, flags, strerror(errno));
	}
	exercise();
	ASSERT_TRUE(area_ok(_metadata, area)) TH_LOG("len %u flags 0x%x", len, flags);
	expect_registration(_metadata, area, len, TEST_SIG, flags);
	ASSERT_EQ(0, sys_rseq(area, len, RSEQ_ABI_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(RSEQ_ABI_CPU_ID_UNINITIALIZED, (int32_t)abi->cpu_id);
	EXPECT_EQ(-1, canary_damage(area, feature_size()));
	expect_unregistered(_metadata);
}

static void register_einval(struct __test_metadata *_metadata, uint8_t *area,
			    uint32_t len, int flags)
{
	fill_canary(area);
	EXPECT_EQ(-1, sys_rseq(area, len, flags, TEST_SIG)) {
		TH_LOG("len %u flags 0x%x at %p was accepted", len, flags, area);
		return;
	}
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, canary_damage(area, offsetof(struct rseq_abi, node_id)));
	expect_unregistered(_metadata);
}

FIXTURE(rseq_size) {
	uint8_t *area;		/* AREA_SIZE bytes, page aligned */
	uint8_t *area2;
};

FIXTURE_SETUP(rseq_size)
{
	struct rseq_abi_registration reg;

	if (!feature_size())
		SKIP(return, "no AT_RSEQ_FEATURE_SIZE: kernel without extensible rseq");
	if (query(&reg) < 0) {
		ASSERT_EQ(EINVAL, errno);
		SKIP(return, "RSEQ_FLAG_QUERY not supported by this kernel");
	}
	/* Drop the registration made by libc, whose parameters we just learnt. */
	if (reg.rseq_abi_pointer)
		ASSERT_EQ(0, sys_rseq((void *)(uintptr_t)reg.rseq_abi_pointer,
				      reg.rseq_abi_size, RSEQ_ABI_FLAG_UNREGISTER,
				      reg.signature));
	self->area = mmap(NULL, 2 * AREA_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->area);
	self->area2 = self->area + AREA_SIZE;
}

FIXTURE_TEARDOWN(rseq_size)
{
}

TEST_F(rseq_size, len_below_32_einval)
{
	uint32_t lens[] = { 0, 1, 20, 24, 28, 31 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		register_einval(_metadata, self->area, lens[i], 0);
		register_einval(_metadata, self->area, lens[i], RSEQ_ABI_FLAG_EXACT_SIZE);
	}
}

TEST_F(rseq_size, misaligned_einval)
{
	unsigned int off;

	for (off = 4; off < ORIG_RSEQ_SIZE; off += 4) {
		register_einval(_metadata, self->area + off, ORIG_RSEQ_SIZE, 0);
		register_einval(_metadata, self->area + off, ORIG_RSEQ_SIZE,
				RSEQ_ABI_FLAG_EXACT_SIZE);
		register_einval(_metadata, self->area + off, 64, 0);
		register_einval(_metadata, self->area + off, 64,
				RSEQ_ABI_FLAG_EXACT_SIZE);
	}
}

TEST_F(rseq_size, unknown_flags_einval)
{
	/* Bit 1 is RSEQ_FLAG_SLICE_EXT_DEFAULT_ON in mainline >= 7.0. */
	int flags[] = { 1 << 1, 1 << 2, 1 << 7, 1 << 10, 1 << 30,
			RSEQ_ABI_FLAG_EXACT_SIZE | (1 << 1) };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++)
		register_einval(_metadata, self->area, ORIG_RSEQ_SIZE, flags[i]);
}

/* The original 32-byte registration, as glibc makes it. */
TEST_F(rseq_size, len_32)
{
	register_ok(_metadata, self->area, ORIG_RSEQ_SIZE, 0);
	/* Aligned on 32 but not on 64 is fine for 32 bytes. */
	register_ok(_metadata, self->area + ORIG_RSEQ_SIZE, ORIG_RSEQ_SIZE, 0);
}

/* Exact mode makes 32 mean "32 bytes", and reports what gets populated. */
TEST_F(rseq_size, len_32_exact)
{
	register_ok(_metadata, self->area, ORIG_RSEQ_SIZE, RSEQ_ABI_FLAG_EXACT_SIZE);
	register_ok(_metadata, self->area + ORIG_RSEQ_SIZE, ORIG_RSEQ_SIZE,
		    RSEQ_ABI_FLAG_EXACT_SIZE);
}

/* On 6.12 the feature size, 28, is below 32 and therefore invalid. */
TEST_F(rseq_size, len_feature_size)
{
	uint32_t len = feature_size();
	int flags[] = { 0, RSEQ_ABI_FLAG_EXACT_SIZE };
	unsigned int i;

	TH_LOG("AT_RSEQ_FEATURE_SIZE %u", len);
	for (i = 0; i < 2; i++) {
		if (len < ORIG_RSEQ_SIZE)
			register_einval(_metadata, self->area, len, flags[i]);
		else
			register_ok(_metadata, self->area, len, flags[i]);
	}
}

/* Since 6.3, 32 < len < feature size is invalid. */
TEST_F(rseq_size, len_between_32_and_feature_size)
{
	uint32_t len;

	if (feature_size() <= ORIG_RSEQ_SIZE + 1)
		SKIP(return, "AT_RSEQ_FEATURE_SIZE %u: no length between 32 and it",
		     feature_size());
	for (len = ORIG_RSEQ_SIZE + 1; len < feature_size(); len++) {
		register_einval(_metadata, self->area, len, 0);
		register_einval(_metadata, self->area, len, RSEQ_ABI_FLAG_EXACT_SIZE);
	}
}

/* Larger than the feature size: accepted, nothing past the feature size written. */
TEST_F(rseq_size, len_above_feature_size)
{
	uint32_t lens[] = { 33, 40, 48, 63, 64, 65, 128, 256, 1000, AREA_SIZE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		if (lens[i] <= feature_size())
			continue;
		register_ok(_metadata, self->area, lens[i], 0);
		register_ok(_metadata, self->area, lens[i], RSEQ_ABI_FLAG_EXACT_SIZE);
	}
}

TEST_F(rseq_size, reregister_and_unregister_errors)
{
	uint8_t *area = self->area;

	fill_canary(area);
	ASSERT_EQ(populated_for(64),
		  sys_rseq(area, 64, RSEQ_ABI_FLAG_EXACT_SIZE, TEST_SIG));

	/* Same registration again: EBUSY, with or without the flag. */
	EXPECT_EQ(-1, sys_rseq(area, 64, RSEQ_ABI_FLAG_EXACT_SIZE, TEST_SIG));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, sys_rseq(area, 64, 0, TEST_SIG));
	EXPECT_EQ(EBUSY, errno);
	/* Different signature: EPERM. */
	EXPECT_EQ(-1, sys_rseq(area, 64, 0, TEST_SIG + 1));
	EXPECT_EQ(EPERM, errno);
	/* Different length or area: EINVAL. */
	EXPECT_EQ(-1, sys_rseq(area, 32, 0, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(self->area2, 64, 0, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);

	/* Unregister with another length, area or flag: EINVAL. */
	EXPECT_EQ(-1, sys_rseq(area, 32, RSEQ_ABI_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(area, 128, RSEQ_ABI_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(self->area2, 64, RSEQ_ABI_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(area, 64, RSEQ_ABI_FLAG_UNREGISTER |
			       RSEQ_ABI_FLAG_EXACT_SIZE, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	/* Unregister with another signature: EPERM. */
	EXPECT_EQ(-1, sys_rseq(area, 64, RSEQ_ABI_FLAG_UNREGISTER, TEST_SIG + 1));
	EXPECT_EQ(EPERM, errno);

	/* None of that changed the registration. */
	expect_registration(_metadata, area, 64, TEST_SIG, RSEQ_ABI_FLAG_EXACT_SIZE);
	exercise();
	EXPECT_TRUE(area_ok(_metadata, area));

	ASSERT_EQ(0, sys_rseq(area, 64, RSEQ_ABI_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(-1, sys_rseq(area, 64, RSEQ_ABI_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	expect_unregistered(_metadata);
}

TEST_F(rseq_size, fork_child_keeps_registration)
{
	int status;
	pid_t pid;

	fill_canary(self->area);
	ASSERT_EQ(populated_for(64),
		  sys_rseq(self->area, 64, RSEQ_ABI_FLAG_EXACT_SIZE, TEST_SIG));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fill_canary(self->area);
		exercise();
		if (!area_ok(_metadata, self->area))
			_exit(1);
		expect_registration(_metadata, self->area, 64, TEST_SIG,
				    RSEQ_ABI_FLAG_EXACT_SIZE);
		if (sys_rseq(self->area, 64, RSEQ_ABI_FLAG_UNREGISTER, TEST_SIG))
			_exit(2);
		_exit(_metadata->exit_code ? 3 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's unregistration does not affect the parent. */
	expect_registration(_metadata, self->area, 64, TEST_SIG,
			    RSEQ_ABI_FLAG_EXACT_SIZE);
}

struct clone_vm_result {
	long query_ret;
	struct rseq_abi_registration before;
	long register_ret;
	struct rseq_abi_registration after;
	uint8_t *area;
};

static int clone_vm_child(void *arg)
{
	struct clone_vm_result *res = arg;

	res->query_ret = query(&res->before);
	fill_canary(res->area);
	res->register_ret = sys_rseq(res->area, 64, RSEQ_ABI_FLAG_EXACT_SIZE,
				     TEST_SIG);
	query(&res->after);
	return 0;
}

TEST_F(rseq_size, clone_vm_child_starts_unregistered)
{
	static struct clone_vm_result res;
	size_t stack_size = 256 * 1024;
	struct rseq_abi_registration zero = {};
	char *stack;
	int status;
	pid_t pid;

	fill_canary(self->area);
	ASSERT_EQ(populated_for(32),
		  sys_rseq(self->area, 32, RSEQ_ABI_FLAG_EXACT_SIZE, TEST_SIG));
	stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	ASSERT_NE(MAP_FAILED, stack);
	res.area = self->area2;
	pid = clone(clone_vm_child, stack + stack_size, CLONE_VM | SIGCHLD, &res);
	ASSERT_LE(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));

	EXPECT_EQ(RSEQ_ABI_REGISTRATION_SIZE_VER0, res.query_ret);
	EXPECT_EQ(0, memcmp(&res.before, &zero, sizeof(zero)));
	/* The child could register its own area, for itself only. */
	EXPECT_EQ(populated_for(64), res.register_ret);
	EXPECT_EQ((uintptr_t)self->area2, res.after.rseq_abi_pointer);
	EXPECT_EQ(RSEQ_ABI_FLAG_EXACT_SIZE, res.after.flags);
	expect_registration(_metadata, self->area, 32, TEST_SIG,
			    RSEQ_ABI_FLAG_EXACT_SIZE);
	munmap(stack, stack_size);
}

/* Runs in the image exec'ed by exec_resets_registration. */
static int exec_check(const char *old_area)
{
	struct rseq_abi_registration reg;
	uintptr_t old = strtoull(old_area, NULL, 16);

	if (query(&reg) != RSEQ_ABI_REGISTRATION_SIZE_VER0)
		return 10;
	/* Either no registration, or a fresh one made by libc at startup. */
	if (!reg.rseq_abi_pointer)
		return 0;
	if (reg.flags || reg.rseq_abi_pointer == old)
		return 11;
	return 0;
}

TEST_F(rseq_size, exec_resets_registration)
{
	char old_area[32];
	int status;
	pid_t pid;

	fill_canary(self->area);
	ASSERT_EQ(populated_for(64),
		  sys_rseq(self->area, 64, RSEQ_ABI_FLAG_EXACT_SIZE, TEST_SIG));
	snprintf(old_area, sizeof(old_area), "%lx", (unsigned long)self->area);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *const argv[] = { "rseq_size_test", EXEC_CHECK_ARG, old_area, NULL };
		char *const envp[] = { "GLIBC_TUNABLES=glibc.pthread.rseq=0", NULL };

		execve("/proc/self/exe", argv, envp);
		_exit(20);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(rseq_size, ptrace_reports_registration)
{
	struct ptrace_rseq_conf conf;
	int status, i;
	int flags[] = { 0, RSEQ_ABI_FLAG_EXACT_SIZE };
	uint32_t lens[] = { 32, 64 };

	for (i = 0; i < 2; i++) {
		pid_t pid = fork();

		ASSERT_LE(0, pid);
		if (!pid) {
			if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
				_exit(1);
			if (sys_rseq(self->area, lens[i], flags[i], TEST_SIG) < 0)
				_exit(2);
			raise(SIGSTOP);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSTOPPED(status));
		memset(&conf, 0x5a, sizeof(conf));
		EXPECT_EQ(sizeof(conf), ptrace(PTRACE_GET_RSEQ_CONFIGURATION, pid,
					       sizeof(conf), &conf));
		EXPECT_EQ((uintptr_t)self->area, conf.rseq_abi_pointer);
		EXPECT_EQ(lens[i], conf.rseq_abi_size);
		EXPECT_EQ(TEST_SIG, conf.signature);
		EXPECT_EQ(flags[i], conf.flags);
		EXPECT_EQ(0, conf.pad);
		ASSERT_EQ(0, ptrace(PTRACE_CONT, pid, NULL, NULL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

TEST(query_buffer_sizes)
{
	uint8_t buf[64];
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *big;
	long i;

	if (!feature_size())
		SKIP(return, "no AT_RSEQ_FEATURE_SIZE: kernel without extensible rseq");
	if (sys_rseq(buf, RSEQ_ABI_REGISTRATION_SIZE_VER0, RSEQ_ABI_FLAG_QUERY, 0) < 0) {
		ASSERT_EQ(EINVAL, errno);
		SKIP(return, "RSEQ_FLAG_QUERY not supported by this kernel");
	}

	/* Too small for the first version. */
	EXPECT_EQ(-1, sys_rseq(buf, 0, RSEQ_ABI_FLAG_QUERY, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(buf, RSEQ_ABI_REGISTRATION_SIZE_VER0 - 1,
			       RSEQ_ABI_FLAG_QUERY, 0));
	EXPECT_EQ(EINVAL, errno);
	/* sig is reserved, the flag does not combine. */
	EXPECT_EQ(-1, sys_rseq(buf, sizeof(buf), RSEQ_ABI_FLAG_QUERY, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(buf, sizeof(buf), RSEQ_ABI_FLAG_QUERY |
			       RSEQ_ABI_FLAG_EXACT_SIZE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(buf, sizeof(buf), RSEQ_ABI_FLAG_QUERY |
			       RSEQ_ABI_FLAG_UNREGISTER, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(NULL, sizeof(buf), RSEQ_ABI_FLAG_QUERY, 0));
	EXPECT_EQ(EFAULT, errno);

	/* A larger buffer gets zeroes past the kernel's structure. */
	memset(buf, 0xff, sizeof(buf));
	EXPECT_EQ(RSEQ_ABI_REGISTRATION_SIZE_VER0,
		  sys_rseq(buf, sizeof(buf), RSEQ_ABI_FLAG_QUERY, 0));
	for (i = RSEQ_ABI_REGISTRATION_SIZE_VER0; i < (long)sizeof(buf); i++)
		EXPECT_EQ(0, buf[i]);

	/* Up to a page is accepted, beyond is E2BIG. */
	big = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, big);
	memset(big, 0xff, 2 * page);
	EXPECT_EQ(RSEQ_ABI_REGISTRATION_SIZE_VER0,
		  sys_rseq(big, page, RSEQ_ABI_FLAG_QUERY, 0));
	EXPECT_EQ(0, big[page - 1]);
	EXPECT_EQ(0xff, big[page]);
	EXPECT_EQ(-1, sys_rseq(big, page + 1, RSEQ_ABI_FLAG_QUERY, 0));
	EXPECT_EQ(E2BIG, errno);
	munmap(big, 2 * page);
}

struct libc_thread_result {
	long ret;
	struct rseq_abi_registration reg;
	void *expected;
};

static void *libc_thread(void *arg)
{
	struct libc_thread_result *res = arg;

	res->ret = query(&res->reg);
	res->expected = (char *)rseq_thread_pointer() + *libc_rseq_offset;
	return NULL;
}

/*
 * Threads registered by libc, not by this code, learn their registration
 * without ptrace and without libc's help; it matches what libc exports.
 */
TEST(query_libc_registration)
{
	struct libc_thread_result res;
	struct rseq_abi_registration reg;
	pthread_t thread;

	if (!feature_size())
		SKIP(return, "no AT_RSEQ_FEATURE_SIZE: kernel without extensible rseq");
	if (query(&reg) < 0) {
		ASSERT_EQ(EINVAL, errno);
		SKIP(return, "RSEQ_FLAG_QUERY not supported by this kernel");
	}
	libc_rseq_offset = dlsym(RTLD_DEFAULT, "__rseq_offset");
	libc_rseq_size = dlsym(RTLD_DEFAULT, "__rseq_size");
	if (!libc_rseq_offset || !libc_rseq_size || !*libc_rseq_size)
		SKIP(return, "libc did not register rseq (no __rseq_size)");

	ASSERT_NE(0, reg.rseq_abi_pointer);
	EXPECT_EQ((uintptr_t)rseq_thread_pointer() + *libc_rseq_offset,
		  reg.rseq_abi_pointer);
	EXPECT_LE(*libc_rseq_size, reg.rseq_abi_size);
	EXPECT_EQ(populated_for(reg.rseq_abi_size), reg.populated_size);
	EXPECT_EQ(0, reg.flags);
	TH_LOG("libc registration: len %u, populated %u, sig 0x%x",
	       reg.rseq_abi_size, reg.populated_size, reg.signature);

	ASSERT_EQ(0, pthread_create(&thread, NULL, libc_thread, &res));
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(RSEQ_ABI_REGISTRATION_SIZE_VER0, res.ret);
	EXPECT_EQ((uintptr_t)res.expected, res.reg.rseq_abi_pointer);
	EXPECT_NE(reg.rseq_abi_pointer, res.reg.rseq_abi_pointer);
	EXPECT_EQ(reg.rseq_abi_size, res.reg.rseq_abi_size);
	EXPECT_EQ(reg.populated_size, res.reg.populated_size);
	EXPECT_EQ(reg.signature, res.reg.signature);
	EXPECT_EQ(0, res.reg.flags);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], EXEC_CHECK_ARG))
		return exec_check(argv[2]);
	return test_harness_run(argc, argv);
}
