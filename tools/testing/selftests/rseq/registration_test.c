// SPDX-License-Identifier: GPL-2.0
/*
 * rseq registration ABI as documented in
 * Documentation/userspace-api/rseq.rst: the feature size and alignment,
 * the lengths and flags rseq() accepts, the feature status the kernel
 * writes to rseq::flags, which bytes of an area the kernel fills and when
 * it stops, re-registration and unregistration errors, inheritance across
 * fork, vfork, threads and exec, areas that are partly unmapped, an area
 * owned by libc, and the PTRACE_GET_RSEQ_CONFIGURATION view that
 * checkpoint/restore tools rely on.  The in-band answer (which fields the
 * kernel fills) is checked against what the kernel is seen to write, and a
 * kernel without the 7.x layout is checked to refuse the new flag cleanly.
 *
 * Only <linux/rseq.h> is used for the ABI, so the test builds unchanged
 * against the uapi header of any kernel with the 7.x struct rseq layout.
 * It is not linked with librseq: besides libc, nothing registers behind
 * its back.  glibc registers every thread, so tests that need a thread of
 * their own first drop libc's registration, with the area, length and
 * signature PTRACE_GET_RSEQ_CONFIGURATION reports for it.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/auxvec.h>
#include <linux/rseq.h>

#include "../kselftest_harness.h"

#ifndef PTRACE_GET_RSEQ_CONFIGURATION
#define PTRACE_GET_RSEQ_CONFIGURATION	0x420f
#endif

/*
 * Mainline 7.2's prctl for time slice extensions.  This kernel does not
 * have it; the number is what a program built against 7.2's headers
 * passes, to check that the in-band status and the prctl agree.
 */
#ifndef PR_RSEQ_SLICE_EXTENSION
#define PR_RSEQ_SLICE_EXTENSION		79
#define PR_RSEQ_SLICE_EXTENSION_GET	1
#define PR_RSEQ_SLICE_EXTENSION_SET	2
#define PR_RSEQ_SLICE_EXT_ENABLE	0x01
#endif

/* The kernel's ENOTSUPP, which that prctl returns when the feature is off. */
#define ENOTSUPP_ERRNO		524

#define ORIG_RSEQ_SIZE		32
#define TEST_SIG		0x53053053
#define CANARY			0xa5
#define AREA_SIZE		4096
#define EXEC_ARG		"--rseq-exec-probe"
#define STATUS_BITS		(RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE | \
				 RSEQ_CS_FLAG_SLICE_EXT_ENABLED)

/* Layout of PTRACE_GET_RSEQ_CONFIGURATION's answer (linux/ptrace.h). */
struct rseq_conf {
	uint64_t rseq_abi_pointer;
	uint32_t rseq_abi_size;
	uint32_t signature;
	uint32_t flags;
	uint32_t pad;
};

static long sys_rseq(void *area, uint32_t len, int flags, uint32_t sig)
{
	return syscall(__NR_rseq, area, len, flags, sig);
}

static uint32_t feature_size(void)
{
	return getauxval(AT_RSEQ_FEATURE_SIZE);
}

static uint32_t feature_align(void)
{
	return getauxval(AT_RSEQ_ALIGN);
}

/* Page-aligned, canaried memory, so any alignment can be picked in it. */
static int map_canaried(uint8_t **area, size_t size)
{
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	memset(p, CANARY, size);
	*area = p;
	return 0;
}

/* Two pages. */
static int new_area(uint8_t **area)
{
	return map_canaried(area, 2 * AREA_SIZE);
}

/* glibc >= 2.35 publishes the size of its registration, 0 when it has none. */
static unsigned int libc_rseq_size(void)
{
	const unsigned int *size = dlsym(RTLD_DEFAULT, "__rseq_size");

	return size ? *size : 0;
}

/*
 * Prepare @area for registration: the fields the kernel reads (rseq_cs) are
 * cleared, every other byte up to @len carries the canary, and rseq::flags
 * carries status bits the kernel must overwrite.
 */
static void prepare(uint8_t *area, uint32_t len)
{
	struct rseq *rs = (struct rseq *)area;

	memset(area, CANARY, len);
	rs->rseq_cs = 0;
	rs->flags = STATUS_BITS;
}

/* First byte in [from, to) that does not hold the canary, or -1. */
static long damage(const uint8_t *area, size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++)
		if (area[i] != CANARY)
			return i;
	return -1;
}

static int nr_cpus_allowed(cpu_set_t *set)
{
	if (sched_getaffinity(0, sizeof(*set), set))
		return 0;
	return CPU_COUNT(set);
}

/* Move to @cpu and come back from the kernel there. */
static int move_to(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return -1;
	sched_yield();
	return 0;
}

static void sig_nop(int sig)
{
}

/* Give the kernel every reason to refresh the area: yield, signal, migrate. */
static void exercise(void)
{
	cpu_set_t saved;
	int cpu;

	sched_yield();
	signal(SIGUSR1, sig_nop);
	raise(SIGUSR1);
	if (!nr_cpus_allowed(&saved))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &saved))
			move_to(cpu);
	sched_setaffinity(0, sizeof(saved), &saved);
}

/* Is this thread registered?  A registered area makes a second one EINVAL. */
static int registered(void)
{
	static uint8_t *probe;
	int ret;

	if (!probe && new_area(&probe))
		return -1;
	ret = sys_rseq(probe, ORIG_RSEQ_SIZE, 0, TEST_SIG);
	if (!ret) {
		sys_rseq(probe, ORIG_RSEQ_SIZE, RSEQ_FLAG_UNREGISTER, TEST_SIG);
		return 0;
	}
	return errno == EINVAL ? 1 : -1;
}

/* PTRACE_GET_RSEQ_CONFIGURATION of a stopped tracee. */
static long rseq_conf(pid_t pid, struct rseq_conf *conf)
{
	memset(conf, 0x5a, sizeof(*conf));
	return ptrace(PTRACE_GET_RSEQ_CONFIGURATION, pid, sizeof(*conf), conf);
}

/*
 * The calling thread's registration as a tracer sees it: a fork child
 * inherits it unchanged (same area, length and signature) and stops for
 * its parent to read it.  Returns the size the kernel reports, or -1.
 */
static long own_conf(struct rseq_conf *conf)
{
	long ret = -1;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (!ptrace(PTRACE_TRACEME, 0, 0, 0))
			raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSTOPPED(status)) {
		ret = rseq_conf(pid, conf);
		ptrace(PTRACE_CONT, pid, 0, 0);
		waitpid(pid, &status, 0);
	}
	return ret;
}

/* Drop the registration libc made for this thread, with its parameters. */
static int drop_libc_registration(void)
{
	struct rseq_conf conf;

	if (!libc_rseq_size())
		return 0;
	if (own_conf(&conf) < 0)
		return -1;
	if (!conf.rseq_abi_pointer)
		return 0;
	return sys_rseq((void *)(uintptr_t)conf.rseq_abi_pointer, conf.rseq_abi_size,
			RSEQ_FLAG_UNREGISTER, conf.signature) ? -1 : 0;
}

FIXTURE(reg)
{
	uint8_t *buf;
};

FIXTURE_SETUP(reg)
{
	if (sys_rseq(NULL, 0, 0, 0) != -1 || errno != EINVAL)
		SKIP(return, "rseq() not available: %s", strerror(errno));
	if (feature_size() <= ORIG_RSEQ_SIZE)
		SKIP(return, "kernel without the 7.x struct rseq layout (feature size %u)",
		     feature_size());
	ASSERT_EQ(0, new_area(&self->buf));
	ASSERT_EQ(0, drop_libc_registration()) TH_LOG("cannot drop libc's rseq");
	ASSERT_EQ(0, registered());
}

FIXTURE_TEARDOWN(reg)
{
}

/* The sizes user space sizes and aligns its area with. */
TEST_F(reg, auxv)
{
	uint32_t fs = feature_size(), align = feature_align();

	/* The feature size is never the original 32, and covers mm_cid. */
	EXPECT_NE(ORIG_RSEQ_SIZE, fs);
	EXPECT_LE(offsetof(struct rseq, mm_cid) + sizeof(uint32_t), fs);
	/* It is where this header's struct rseq ends. */
	EXPECT_EQ(offsetof(struct rseq, end), fs);
	/* The alignment is the feature size rounded up to a power of two. */
	EXPECT_EQ(0, align & (align - 1));
	EXPECT_LE(fs, align);
	EXPECT_GT(fs, align / 2);
	TH_LOG("AT_RSEQ_FEATURE_SIZE %u AT_RSEQ_ALIGN %u", fs, align);
}

/* Which lengths, alignments and flags rseq() accepts. */
TEST_F(reg, lengths_and_flags)
{
	uint32_t fs = feature_size(), align = feature_align();
	struct {
		size_t offset;
		uint32_t len;
		int flags;
		int err;
	} c[] = {
		{ 0, 0, 0, EINVAL },
		{ 0, 20, 0, EINVAL },
		{ 0, 28, 0, EINVAL },
		{ 0, ORIG_RSEQ_SIZE - 1, 0, EINVAL },
		{ 0, ORIG_RSEQ_SIZE, 0, 0 },
		{ 32, ORIG_RSEQ_SIZE, 0, 0 },
		{ 16, ORIG_RSEQ_SIZE, 0, EINVAL },
		{ 0, fs, 0, 0 },
		{ align, fs, 0, 0 },
		{ 32, fs, 0, align > 32 ? EINVAL : 0 },
		{ 0, fs - 1, 0, fs - 1 == ORIG_RSEQ_SIZE ? 0 : EINVAL },
		{ 0, 64, 0, 0 },
		{ 0, AREA_SIZE, 0, 0 },
		{ 0, ORIG_RSEQ_SIZE, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, 0 },
		{ 0, fs, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, 0 },
		{ 0, fs, 1 << 2, EINVAL },
		{ 0, fs, 1 << 8, EINVAL },
		{ 0, fs, -1, EINVAL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		uint8_t *area = self->buf + c[i].offset;
		long ret;

		prepare(area, c[i].len);
		ret = sys_rseq(area, c[i].len, c[i].flags, TEST_SIG);
		if (c[i].err) {
			EXPECT_EQ(-1, ret);
			EXPECT_EQ(c[i].err, errno)
				TH_LOG("offset %zu len %u flags %#x: %s", c[i].offset,
				       c[i].len, c[i].flags, strerror(errno));
			EXPECT_EQ(-1, damage(area, 0, 8)) TH_LOG("failed registration wrote");
			continue;
		}
		EXPECT_EQ(0, ret) {
			TH_LOG("offset %zu len %u flags %#x: %s", c[i].offset, c[i].len,
			       c[i].flags, strerror(errno));
			continue;
		}
		EXPECT_EQ(0, sys_rseq(area, c[i].len, RSEQ_FLAG_UNREGISTER, TEST_SIG));
	}
	EXPECT_EQ(0, registered());
}

/*
 * What the kernel fills, read in-band: registration overwrites rseq::flags
 * with the status of this registration, and the fields past mm_cid are only
 * written when the status says so.  The canary is the independent check.
 */
static void check_fill(struct __test_metadata *_metadata, uint8_t *area,
		       uint32_t len, int flags)
{
	struct rseq *rs = (struct rseq *)area;
	size_t ids_end = offsetof(struct rseq, mm_cid) + sizeof(rs->mm_cid);
	uint32_t status;
	long bad;

	prepare(area, AREA_SIZE);
	ASSERT_EQ(0, sys_rseq(area, len, flags, TEST_SIG))
		TH_LOG("len %u flags %#x: %s", len, flags, strerror(errno));
	status = rs->flags;
	/* Only status bits, ENABLED only with AVAILABLE and when asked. */
	EXPECT_EQ(0, status & ~STATUS_BITS) TH_LOG("flags %#x", status);
	if (status & RSEQ_CS_FLAG_SLICE_EXT_ENABLED) {
		EXPECT_TRUE(status & RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE);
		EXPECT_TRUE(flags & RSEQ_FLAG_SLICE_EXT_DEFAULT_ON);
	}
	/* The original 32-byte ABI never gets fields past mm_cid. */
	if (len == ORIG_RSEQ_SIZE)
		EXPECT_EQ(0, status);
	exercise();
	EXPECT_EQ(status, rs->flags);
	EXPECT_EQ(rs->cpu_id_start, rs->cpu_id);
	EXPECT_GT(CPU_SETSIZE, rs->cpu_id);
	EXPECT_NE(0xa5a5a5a5U, rs->node_id);
	EXPECT_GT(CPU_SETSIZE, rs->mm_cid);
	if (status & RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE) {
		/* The kernel owns slice_ctrl: cleared at registration. */
		EXPECT_EQ(0, rs->slice_ctrl.granted);
		bad = damage(area, offsetof(struct rseq, end), AREA_SIZE);
	} else {
		/* No field past mm_cid is filled: not a byte written there. */
		bad = damage(area, ids_end, AREA_SIZE);
	}
	EXPECT_EQ(-1, bad) TH_LOG("len %u flags %#x status %#x: byte %ld written",
				  len, flags, status, bad);
	TH_LOG("len %u (%s) flags %#x: rseq::flags %#x, kernel fills %s",
	       len, len > ORIG_RSEQ_SIZE ? "v2" : "v1", flags, status,
	       status & RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE ?
	       "the ids and slice_ctrl" : "the ids up to mm_cid only");
	ASSERT_EQ(0, sys_rseq(area, len, RSEQ_FLAG_UNREGISTER, TEST_SIG));
}

TEST_F(reg, status_and_fill)
{
	uint32_t fs = feature_size();

	check_fill(_metadata, self->buf, ORIG_RSEQ_SIZE, 0);
	check_fill(_metadata, self->buf, ORIG_RSEQ_SIZE, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON);
	check_fill(_metadata, self->buf, fs, 0);
	check_fill(_metadata, self->buf, fs, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON);
	check_fill(_metadata, self->buf, AREA_SIZE, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON);
}

/*
 * The answer follows what the kernel does: cpu_id follows the thread from
 * CPU to CPU while registered, and reads RSEQ_CPU_ID_UNINITIALIZED, with
 * nothing written any more, once unregistered.
 */
TEST_F(reg, fills_while_registered)
{
	struct rseq *rs = (struct rseq *)self->buf;
	uint8_t snap[64];
	cpu_set_t set;
	int cpu, seen = 0;

	ASSERT_LT(0, nr_cpus_allowed(&set));
	prepare(self->buf, feature_size());
	ASSERT_EQ(0, sys_rseq(rs, feature_size(), 0, TEST_SIG));
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set) || move_to(cpu))
			continue;
		EXPECT_EQ(cpu, rs->cpu_id);
		EXPECT_EQ(cpu, rs->cpu_id_start);
		seen++;
	}
	TH_LOG("cpu_id followed the thread over %d CPUs", seen);
	ASSERT_EQ(0, sys_rseq(rs, feature_size(), RSEQ_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(RSEQ_CPU_ID_UNINITIALIZED, (int32_t)rs->cpu_id);
	memcpy(snap, rs, sizeof(snap));
	exercise();
	EXPECT_EQ(0, memcmp(snap, rs, sizeof(snap))) TH_LOG("written after unregistration");
	sched_setaffinity(0, sizeof(set), &set);
}

/* getcpu(2), the system call: an independent source for cpu_id and node_id. */
static int cpu_and_node(unsigned int *cpu, unsigned int *node)
{
	return syscall(__NR_getcpu, cpu, node, NULL);
}

/*
 * The in-band answer for the thread's area, read as a library would:
 * which fields the kernel fills for this registration.
 */
struct answer {
	int ids;	/* cpu_id_start, cpu_id, node_id, mm_cid */
	int slice;	/* slice_ctrl */
	uint32_t status;
};

static struct answer read_answer(const struct rseq *rs)
{
	struct answer a;

	a.ids = (int32_t)rs->cpu_id >= 0;
	a.status = rs->flags & STATUS_BITS;
	a.slice = a.ids && (a.status & RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE);
	return a;
}

/*
 * What the kernel does, observed without reading the answer: user space
 * overwrites the fields with the canary, gives the kernel every reason to
 * write them (yield, signal, migration), and looks at what changed.  The
 * ids are only overwritten for the original 32-byte ABI, where mainline 7.2
 * documents that the kernel rewrites them after every context switch and
 * before every signal delivery (some users rely on that); a v2 registrant
 * must not write them, so for v2 the ids are only compared with getcpu().
 * slice_ctrl may always be written by user space.  Returns a bit mask:
 * 1 ids written, 2 slice_ctrl written.
 */
static int observe(struct __test_metadata *_metadata, struct rseq *rs,
		   uint32_t len)
{
	uint8_t *slice = (uint8_t *)&rs->slice_ctrl;
	unsigned int cpu, node;
	int written = 0, i;
	cpu_set_t saved;

	if (len == ORIG_RSEQ_SIZE || (int32_t)rs->cpu_id < 0) {
		memset(&rs->cpu_id_start, CANARY, sizeof(rs->cpu_id_start));
		memset(&rs->node_id, CANARY, sizeof(rs->node_id));
		memset(&rs->mm_cid, CANARY, sizeof(rs->mm_cid));
	}
	memset(slice, CANARY, sizeof(rs->slice_ctrl));
	rs->slice_ctrl.request = 1;
	exercise();
	/* Pinned, so that getcpu() and the area speak of the same CPU. */
	ASSERT_LT(0, nr_cpus_allowed(&saved));
	ASSERT_EQ(0, move_to(sched_getcpu()));
	EXPECT_EQ(0, cpu_and_node(&cpu, &node));
	if (rs->cpu_id_start != 0xa5a5a5a5U || rs->node_id != 0xa5a5a5a5U ||
	    rs->mm_cid != 0xa5a5a5a5U) {
		written |= 1;
		EXPECT_EQ(cpu, rs->cpu_id_start);
		EXPECT_EQ(cpu, rs->cpu_id);
		EXPECT_EQ(node, rs->node_id);
		EXPECT_GT(CPU_SETSIZE, rs->mm_cid);
	}
	sched_setaffinity(0, sizeof(saved), &saved);
	for (i = 0; i < (int)sizeof(rs->slice_ctrl); i++)
		if (slice[i] != (i == 0 ? 1 : CANARY))
			written |= 2;
	return written;
}

/*
 * The answer carries information: it changes as what the kernel does for
 * the thread changes, and each time it matches what the kernel was seen to
 * do.  The area starts with a stale status (both bits set, as an area
 * copied from a registration on a kernel with time slice extensions would
 * have); registration must replace it with the truth for this kernel.
 *
 * The states: v2 with RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, unregistered, the
 * original ABI, unregistered again.  On this kernel, which implements no
 * optional feature, the status is 0 throughout and what changes is whether
 * the ids are filled; on a kernel with time slice extensions the v2 state
 * would also answer (and be seen to get) slice_ctrl.  The prctl that
 * mainline 7.2 offers for the feature must agree with the status.
 */
TEST_F(reg, answer_follows_kernel)
{
	struct rseq *rs = (struct rseq *)self->buf;
	struct {
		uint32_t len;
		int flags;
		int registered;
	} step[] = {
		{ feature_size(), RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, 1 },
		{ feature_size(), 0, 0 },
		{ ORIG_RSEQ_SIZE, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, 1 },
		{ ORIG_RSEQ_SIZE, 0, 0 },
	};
	int i, changes = 0, prev = -1;

	prepare(self->buf, AREA_SIZE);
	for (i = 0; i < (int)ARRAY_SIZE(step); i++) {
		struct answer a;
		int seen, want;
		long ret;

		ret = sys_rseq(rs, step[i].len, step[i].registered ? step[i].flags :
			       RSEQ_FLAG_UNREGISTER, TEST_SIG);
		ASSERT_EQ(0, ret) TH_LOG("step %d: %s", i, strerror(errno));
		a = read_answer(rs);
		if (step[i].registered) {
			/* The stale bits are gone: only what this kernel gives. */
			EXPECT_EQ(0, rs->flags & ~STATUS_BITS);
			if (step[i].len == ORIG_RSEQ_SIZE)
				EXPECT_EQ(0, a.status);
		}
		/* Registration fills the ids before the thread is back. */
		EXPECT_EQ(step[i].registered, a.ids);

		seen = observe(_metadata, rs, step[i].len);
		want = (a.ids ? 1 : 0) | (a.slice ? 2 : 0);
		EXPECT_EQ(want, seen)
			TH_LOG("step %d: rseq_len %u %s: answer %#x, kernel wrote %#x",
			       i, step[i].len, step[i].registered ? "registered" :
			       "unregistered", want, seen);

		/*
		 * Mainline's prctl agrees: no status bit, no feature to
		 * enable (EINVAL without the feature, ENOTSUPP when it is off).
		 */
		errno = 0;
		ret = prctl(PR_RSEQ_SLICE_EXTENSION, PR_RSEQ_SLICE_EXTENSION_SET,
			    PR_RSEQ_SLICE_EXT_ENABLE, 0, 0);
		if (a.status & RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE) {
			EXPECT_EQ(0, ret);
		} else {
			EXPECT_EQ(-1, ret);
			EXPECT_TRUE(errno == EINVAL || errno == ENOTSUPP_ERRNO)
				TH_LOG("prctl: %s", strerror(errno));
		}

		TH_LOG("step %d: rseq_len %u %s: rseq::flags %#x, kernel fills %s",
		       i, step[i].len, step[i].registered ? "registered" : "unregistered",
		       a.status, want == 3 ? "ids and slice_ctrl" :
		       want == 1 ? "ids" : "nothing");
		if (prev >= 0 && prev != want)
			changes++;
		prev = want;
	}
	/* The answer did change, each time with what the kernel did. */
	EXPECT_EQ(3, changes);
}

/*
 * What a library built for this interface meets on a kernel without it
 * (6.3 to 6.12 as released, or a later kernel without the 7.x layout):
 * Documentation/userspace-api/rseq.rst tells it to trust the status bits
 * only with a feature size above 32, and to retry without
 * RSEQ_FLAG_SLICE_EXT_DEFAULT_ON on EINVAL.  Check that this degrades
 * cleanly: the flag is refused with nothing written, the retry registers.
 * On a kernel with the layout there is nothing to check here.
 */
TEST(without_the_layout)
{
	uint8_t *area;
	struct rseq *rs;

	if (sys_rseq(NULL, 0, 0, 0) != -1 || errno != EINVAL)
		SKIP(return, "rseq() not available: %s", strerror(errno));
	if (feature_size() > ORIG_RSEQ_SIZE)
		SKIP(return, "kernel with the 7.x struct rseq layout (feature size %u)",
		     feature_size());
	ASSERT_EQ(0, new_area(&area));
	ASSERT_EQ(0, drop_libc_registration());
	rs = (struct rseq *)area;
	prepare(area, ORIG_RSEQ_SIZE);
	EXPECT_EQ(-1, sys_rseq(rs, ORIG_RSEQ_SIZE, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, damage(area, 0, 8));
	EXPECT_EQ(STATUS_BITS, rs->flags);
	ASSERT_EQ(0, sys_rseq(rs, ORIG_RSEQ_SIZE, 0, TEST_SIG));
	exercise();
	EXPECT_EQ(sched_getcpu(), (int)rs->cpu_id);
	TH_LOG("feature size %u: flag refused, plain registration works", feature_size());
	EXPECT_EQ(0, sys_rseq(rs, ORIG_RSEQ_SIZE, RSEQ_FLAG_UNREGISTER, TEST_SIG));
}

/* Re-registration and unregistration rules, every errno. */
TEST_F(reg, reregister_unregister)
{
	uint32_t fs = feature_size();
	uint8_t *a = self->buf, *b = self->buf + AREA_SIZE;
	struct rseq *rs = (struct rseq *)a;

	/* Unregistering with nothing registered. */
	EXPECT_EQ(-1, sys_rseq(a, fs, RSEQ_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);

	prepare(a, fs);
	ASSERT_EQ(0, sys_rseq(a, fs, 0, TEST_SIG));
	/* Same area, length and signature: EBUSY, with any accepted flag. */
	EXPECT_EQ(-1, sys_rseq(a, fs, 0, TEST_SIG));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, sys_rseq(a, fs, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, TEST_SIG));
	EXPECT_EQ(EBUSY, errno);
	/* Same area and length, other signature: EPERM. */
	EXPECT_EQ(-1, sys_rseq(a, fs, 0, TEST_SIG + 1));
	EXPECT_EQ(EPERM, errno);
	/* Other area or length: EINVAL. */
	EXPECT_EQ(-1, sys_rseq(b, fs, 0, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(a, 64, 0, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	/* Unknown flags: EINVAL before anything else. */
	EXPECT_EQ(-1, sys_rseq(a, fs, 1 << 2, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);

	/* Unregistration: other area or length EINVAL, other signature EPERM. */
	EXPECT_EQ(-1, sys_rseq(b, fs, RSEQ_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(a, 64, RSEQ_FLAG_UNREGISTER, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sys_rseq(a, fs, RSEQ_FLAG_UNREGISTER, TEST_SIG + 1));
	EXPECT_EQ(EPERM, errno);
	/* Only RSEQ_FLAG_UNREGISTER may be passed to unregister. */
	EXPECT_EQ(-1, sys_rseq(a, fs, RSEQ_FLAG_UNREGISTER |
			       RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, TEST_SIG));
	EXPECT_EQ(EINVAL, errno);

	/* None of that disturbed the registration. */
	move_to(sched_getcpu());
	EXPECT_EQ(sched_getcpu(), (int)rs->cpu_id);
	EXPECT_EQ(0, rs->flags);
	ASSERT_EQ(0, sys_rseq(a, fs, RSEQ_FLAG_UNREGISTER, TEST_SIG));
	/* Unregistered: another area and length may be registered. */
	prepare(b, ORIG_RSEQ_SIZE);
	ASSERT_EQ(0, sys_rseq(b, ORIG_RSEQ_SIZE, 0, TEST_SIG + 1));
	ASSERT_EQ(0, sys_rseq(b, ORIG_RSEQ_SIZE, RSEQ_FLAG_UNREGISTER, TEST_SIG + 1));
}

/*
 * Areas partly outside the address space or the mapping: registration
 * reads and writes the area, so it fails with EFAULT up front, while the
 * part of rseq_len past the feature size is never touched.
 */
TEST_F(reg, partially_unmapped)
{
	uint32_t fs = feature_size(), align = feature_align();
	uint8_t *p = self->buf, *tail;
	struct rseq *rs;

#ifdef __LP64__
	/* Not in the user address space at all. */
	EXPECT_EQ(-1, sys_rseq((void *)(-(long)AREA_SIZE), ORIG_RSEQ_SIZE, 0, TEST_SIG));
	EXPECT_EQ(EFAULT, errno);
#endif

	/* An area in a page that is not mapped. */
	ASSERT_EQ(0, munmap(p + AREA_SIZE, AREA_SIZE));
	EXPECT_EQ(-1, sys_rseq(p + AREA_SIZE, fs, 0, TEST_SIG));
	EXPECT_EQ(EFAULT, errno);

	/* An area in a read-only page: the kernel cannot fill it. */
	prepare(p, fs);
	ASSERT_EQ(0, mprotect(p, AREA_SIZE, PROT_READ));
	EXPECT_EQ(-1, sys_rseq(p, fs, 0, TEST_SIG));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, mprotect(p, AREA_SIZE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, registered());

	/*
	 * The fields in the last bytes of the mapped page, rseq_len running
	 * into the unmapped one: accepted, and only the fields are touched.
	 */
	tail = p + AREA_SIZE - align;
	rs = (struct rseq *)tail;
	prepare(tail, align);
	ASSERT_EQ(0, sys_rseq(tail, 4 * align, 0, TEST_SIG)) TH_LOG("%s", strerror(errno));
	exercise();
	EXPECT_EQ(sched_getcpu(), (int)rs->cpu_id);
	EXPECT_EQ(-1, damage(tail, offsetof(struct rseq, mm_cid) + 4, align));
	ASSERT_EQ(0, sys_rseq(tail, 4 * align, RSEQ_FLAG_UNREGISTER, TEST_SIG));
}

/* A fork child keeps the registration: same area, length and signature. */
TEST_F(reg, fork_inherits)
{
	uint8_t *a = self->buf;
	struct rseq *rs = (struct rseq *)a;
	uint32_t fs = feature_size();
	int status;
	pid_t pid;

	prepare(a, fs);
	ASSERT_EQ(0, sys_rseq(a, fs, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, TEST_SIG));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* Registered with exactly the parent's parameters. */
		if (sys_rseq(a, fs, 0, TEST_SIG) != -1 || errno != EBUSY)
			_exit(1);
		exercise();
		if ((int)rs->cpu_id != sched_getcpu())
			_exit(2);
		if (sys_rseq(a, fs, RSEQ_FLAG_UNREGISTER, TEST_SIG))
			_exit(3);
		if (rs->cpu_id != (uint32_t)RSEQ_CPU_ID_UNINITIALIZED)
			_exit(4);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The child's unregistration left the parent's alone. */
	EXPECT_EQ(-1, sys_rseq(a, fs, 0, TEST_SIG));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, sys_rseq(a, fs, RSEQ_FLAG_UNREGISTER, TEST_SIG));
}

static int vfork_result;

static int vfork_child(void *arg)
{
	uint8_t *b = arg;

	/* A CLONE_VM child starts unregistered: it may register its own area. */
	if (sys_rseq(b, ORIG_RSEQ_SIZE, 0, TEST_SIG + 1)) {
		vfork_result = errno;
		_exit(1);
	}
	vfork_result = sys_rseq(b, ORIG_RSEQ_SIZE, RSEQ_FLAG_UNREGISTER, TEST_SIG + 1) ?
		       -1 : 0;
	_exit(0);
}

/* vfork (CLONE_VM | CLONE_VFORK): the child does not inherit the registration. */
TEST_F(reg, vfork_unregistered)
{
	uint8_t *a = self->buf, *b = self->buf + AREA_SIZE;
	uint32_t fs = feature_size();
	size_t stack_size = 64 * 1024;
	uint8_t *stack;
	int status;
	pid_t pid;

	ASSERT_EQ(0, map_canaried(&stack, stack_size));
	prepare(a, fs);
	prepare(b, ORIG_RSEQ_SIZE);
	ASSERT_EQ(0, sys_rseq(a, fs, 0, TEST_SIG));
	vfork_result = -2;
	pid = clone(vfork_child, stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, b);
	ASSERT_LE(0, pid);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, vfork_result) TH_LOG("child: %s", strerror(vfork_result));
	/* The parent's registration is untouched. */
	EXPECT_EQ(-1, sys_rseq(a, fs, 0, TEST_SIG));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, sys_rseq(a, fs, RSEQ_FLAG_UNREGISTER, TEST_SIG));
	munmap(stack, stack_size);
}

struct thread_reg {
	uint8_t *area;
	uint32_t len;
	int flags;
	pthread_barrier_t *barrier;
	int err;
};

static int registered_here(struct thread_reg *t)
{
	struct rseq *rs = (struct rseq *)t->area;

	exercise();
	if ((int)rs->cpu_id != sched_getcpu())
		return 0;
	return sys_rseq(t->area, t->len, 0, TEST_SIG) == -1 && errno == EBUSY;
}

/*
 * Three steps, separated by barriers: both threads register, the v1 thread
 * unregisters, the v2 thread checks that its registration is still there.
 * Returns 0 or the number of the failed check; @waits counts the barriers.
 */
static int thread_steps(struct thread_reg *t, int *waits)
{
	if (drop_libc_registration())
		return 1;
	prepare(t->area, t->len);
	if (sys_rseq(t->area, t->len, t->flags, TEST_SIG))
		return 2;
	pthread_barrier_wait(t->barrier);
	(*waits)++;
	if (!registered_here(t))
		return 3;
	pthread_barrier_wait(t->barrier);
	(*waits)++;
	if (t->len == ORIG_RSEQ_SIZE &&
	    sys_rseq(t->area, t->len, RSEQ_FLAG_UNREGISTER, TEST_SIG))
		return 4;
	pthread_barrier_wait(t->barrier);
	(*waits)++;
	if (t->len == ORIG_RSEQ_SIZE)
		return 0;
	if (!registered_here(t))
		return 5;
	if (sys_rseq(t->area, t->len, RSEQ_FLAG_UNREGISTER, TEST_SIG))
		return 6;
	return 0;
}

static void *thread_fn(void *arg)
{
	struct thread_reg *t = arg;
	int waits = 0;

	t->err = thread_steps(t, &waits);
	while (waits++ < 3)
		pthread_barrier_wait(t->barrier);
	return NULL;
}

/* Two threads, a v1 and a v2 registration: each is the thread's own. */
TEST_F(reg, threads)
{
	pthread_barrier_t barrier;
	struct thread_reg t[2] = {
		{ self->buf, ORIG_RSEQ_SIZE, 0, &barrier },
		{ self->buf + AREA_SIZE, feature_size(), RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, &barrier },
	};
	pthread_t th[2];
	int i;

	ASSERT_EQ(0, pthread_barrier_init(&barrier, NULL, 2));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, thread_fn, &t[i]));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_join(th[i], NULL));
		EXPECT_EQ(0, t[i].err) TH_LOG("thread %d (len %u) failed check %d",
					      i, t[i].len, t[i].err);
	}
	/* The main thread was never registered by either. */
	EXPECT_EQ(0, registered());
}

/*
 * Run this program again through execve() in a process without libc's
 * registration (GLIBC_TUNABLES): the new image must start unregistered.
 */
static void exec_probe(void)
{
	static const char exe[] = "/proc/self/exe";
	static const char no_libc_rseq[] = "GLIBC_TUNABLES=glibc.pthread.rseq=0";
	/* execve() does not write to the strings. */
	char *const argv[] = { (char *)exe, (char *)EXEC_ARG, NULL };
	char *const envp[] = { (char *)no_libc_rseq, NULL };

	execve(exe, argv, envp);
	_exit(100);
}

static int exec_probe_main(void)
{
	/* libc did not register: any registration here would be inherited. */
	if (libc_rseq_size())
		return 3;
	return registered();
}

TEST_F(reg, exec_resets)
{
	uint32_t fs = feature_size();
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		prepare(self->buf, fs);
		if (sys_rseq(self->buf, fs, 0, TEST_SIG))
			_exit(101);
		exec_probe();
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("probe: %d", WEXITSTATUS(status));
}

static void *exec_thread(void *arg)
{
	uint8_t *area = arg;

	if (drop_libc_registration())
		_exit(102);
	prepare(area, ORIG_RSEQ_SIZE);
	if (sys_rseq(area, ORIG_RSEQ_SIZE, 0, TEST_SIG))
		_exit(103);
	exec_probe();
	return NULL;
}

/* execve() from a second thread, both threads registered. */
TEST_F(reg, multithreaded_exec)
{
	uint32_t fs = feature_size();
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		pthread_t th;

		prepare(self->buf, fs);
		if (sys_rseq(self->buf, fs, 0, TEST_SIG))
			_exit(101);
		if (pthread_create(&th, NULL, exec_thread, self->buf + AREA_SIZE))
			_exit(104);
		pause();
		_exit(105);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("probe: %d", WEXITSTATUS(status));
}

/* The tracer's view, as CRIU dumps it: flags must read 0. */
TEST_F(reg, ptrace_view)
{
	uint32_t lens[] = { ORIG_RSEQ_SIZE, feature_size(), AREA_SIZE };
	int i;

	for (i = 0; i < 3; i++) {
		struct rseq_conf conf;
		int status;
		pid_t pid;

		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			prepare(self->buf, lens[i]);
			if (sys_rseq(self->buf, lens[i], RSEQ_FLAG_SLICE_EXT_DEFAULT_ON,
				     TEST_SIG))
				_exit(1);
			if (ptrace(PTRACE_TRACEME, 0, 0, 0))
				_exit(2);
			raise(SIGSTOP);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSTOPPED(status)) TH_LOG("child status %#x", status);
		EXPECT_EQ(sizeof(conf), rseq_conf(pid, &conf));
		EXPECT_EQ((uintptr_t)self->buf, conf.rseq_abi_pointer);
		EXPECT_EQ(lens[i], conf.rseq_abi_size);
		EXPECT_EQ(TEST_SIG, conf.signature);
		EXPECT_EQ(0, conf.flags);
		ASSERT_EQ(0, ptrace(PTRACE_CONT, pid, 0, 0));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
}

/*
 * An area libc registered: rseq() refuses to register it, or anything
 * else, again, and refuses to unregister it with the wrong parameters; the
 * registration stays as libc made it.
 */
TEST(libc_owned_area)
{
	struct rseq_conf conf, after;
	struct rseq *rs;
	uint32_t len, sig, flags;

	if (feature_size() <= ORIG_RSEQ_SIZE)
		SKIP(return, "kernel without the 7.x struct rseq layout (feature size %u)",
		     feature_size());
	if (!libc_rseq_size())
		SKIP(return, "libc did not register rseq (no glibc, or disabled)");
	ASSERT_EQ(sizeof(conf), own_conf(&conf));
	ASSERT_NE(0, conf.rseq_abi_pointer);
	rs = (struct rseq *)(uintptr_t)conf.rseq_abi_pointer;
	len = conf.rseq_abi_size;
	sig = conf.signature;
	EXPECT_EQ(0, conf.flags);
	ASSERT_LE(0, (int)rs->cpu_id) TH_LOG("libc's area is not filled");
	flags = rs->flags;

	/* Registering it again, as it is: EBUSY, with any accepted flag. */
	EXPECT_EQ(-1, sys_rseq(rs, len, 0, sig));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, sys_rseq(rs, len, RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, sig));
	EXPECT_EQ(EBUSY, errno);
	/* With another signature EPERM, another length or area EINVAL. */
	EXPECT_EQ(-1, sys_rseq(rs, len, 0, sig + 1));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, sys_rseq(rs, len == ORIG_RSEQ_SIZE ? 64 : ORIG_RSEQ_SIZE, 0, sig));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, registered());
	/* Unregistering it with the wrong signature or length. */
	EXPECT_EQ(-1, sys_rseq(rs, len, RSEQ_FLAG_UNREGISTER, sig + 1));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, sys_rseq(rs, len + 32, RSEQ_FLAG_UNREGISTER, sig));
	EXPECT_EQ(EINVAL, errno);

	/* Untouched: still filled, same status, same registration. */
	exercise();
	EXPECT_EQ(sched_getcpu(), (int)rs->cpu_id);
	EXPECT_EQ(flags, rs->flags);
	ASSERT_EQ(sizeof(after), own_conf(&after));
	EXPECT_EQ(0, memcmp(&conf, &after, sizeof(conf)));
	TH_LOG("libc's registration: %u bytes, rseq::flags %#x", len, flags);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], EXEC_ARG))
		return exec_probe_main();
	return test_harness_run(argc, argv);
}
