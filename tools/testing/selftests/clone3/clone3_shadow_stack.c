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
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "clone3_filter.h"
#include "clone3_raw.h"

#define SZ_4G		0x100000000ULL
#define CHILD_STACK	(1024 * 1024)
#define SS_ENTRY	8

/* Set in the environment of a child that execs this program */
#define EXEC_ENV	"CLONE3_SHADOW_STACK_EXEC"

/* An exec'ed copy of this program only exits */
static void __attribute__((constructor)) exec_exit(void)
{
	if (getenv(EXEC_ENV))
		_exit(0);
}

/*
 * Without a shadow stack of its own, a caller cannot ask for one. This
 * runs on every architecture: where there are no user shadow stacks, no
 * size is accepted either.
 */
TEST(shadow_stack_needs_shstk)
{
	static const uint64_t sizes[] = { 8, 4096, 65536, SZ_4G, 1, 12 };
	struct __clone_args args = { .exit_signal = SIGCHLD };
	size_t i;
	pid_t pid;

	if (__NR_clone3 < 0)
		SKIP(return, "no clone3() system call on this architecture");
	if (shstk_enabled())
		SKIP(return, "this process already runs with a shadow stack");

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		args.shadow_stack_size = sizes[i];
		pid = sys_clone3(&args, sizeof(args));
		if (pid == 0)
			_exit(EXIT_SUCCESS);
		if (pid > 0)
			waitpid(pid, NULL, 0);
		if (pid < 0 && errno == ENOSYS)
			SKIP(return, "clone3() fails with ENOSYS (seccomp filter?)");
		if (pid < 0 && errno == E2BIG)
			SKIP(return, "kernel lacks clone_args::shadow_stack_size");
		ASSERT_EQ(pid, -1) {
			TH_LOG("size %#llx accepted without a shadow stack",
			       (unsigned long long)sizes[i]);
		}
		ASSERT_EQ(errno, EINVAL);
	}
}

/* ... and says why it skips when clone3() is filtered */
TEST(shadow_stack_needs_shstk_filtered)
{
	run_under_enosys_filter(_metadata, "-t", "shadow_stack_needs_shstk");
}

#ifdef HAVE_RAW_CLONE3

#ifndef NT_X86_SHSTK
#define NT_X86_SHSTK	0x204
#endif

#ifndef SEGV_CPERR
#define SEGV_CPERR	10
#endif

/* A shadow stack VMA: where it is, and whether it is one */
struct vma {
	unsigned long start, end;
	bool ss;
};

/* Results of a process running with a shadow stack, shared with the test */
struct shstk_result {
	int enable_err;
	bool no_field;
	bool skip;
	unsigned long child_ssp;
	struct vma child_vma;
	unsigned long ss_total;
	unsigned int ss_count;
	unsigned long handler_ssp;
	int thread_ret;
	int ready, go;
	char msg[512];
};

static struct shstk_result *result;

#define EXIT_NO_SHSTK 42

/* Record why the test fails; the arguments may include result->msg */
static int report(const char *fmt, ...)
{
	char msg[sizeof(result->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	memcpy(result->msg, msg, sizeof(msg));

	return 1;
}

/* Skip the test, with a reason, from the process with a shadow stack */
static int skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(result->msg, sizeof(result->msg), fmt, ap);
	va_end(ap);
	result->skip = true;

	return 0;
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

	if (result->skip)
		SKIP(return, "%s", result->msg);
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

/* Whether the VmFlags line starting at flags, up to end, has "ss" */
static bool vmflags_ss(const char *flags, const char *end)
{
	for (; flags < end; flags++)
		if (!strncmp(flags, " ss", 3) &&
		    (flags[3] == ' ' || flags[3] == '\n'))
			return true;

	return false;
}

/*
 * Walk the VMAs of /proc/self/smaps. For the one containing addr (if
 * addr), fill *vma and return 0. Count the shadow stack VMAs and their
 * size in *count and *total (if not NULL). Return -1 if addr is in no
 * VMA.
 */
static int walk_smaps(unsigned long addr, struct vma *vma,
		      unsigned int *count, unsigned long *total)
{
	unsigned long s = 0, e = 0, ts, te;
	const char *line, *next, *flags;
	int ret = -1;
	bool ss;

	if (count)
		*count = 0;
	if (total)
		*total = 0;

	line = read_file("/proc/self/smaps");
	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			next++;

		/*
		 * The first line of each VMA has this format. Other lines can
		 * match the first %lx ("FilePmdMapped:"): keep s and e.
		 */
		if (sscanf(line, "%lx-%lx ", &ts, &te) == 2) {
			s = ts;
			e = te;
			continue;
		}

		/* VmFlags is the last line of each VMA */
		if (strncmp(line, "VmFlags:", 8))
			continue;
		flags = line + 8;
		ss = vmflags_ss(flags, next ? next : flags + strlen(flags));
		if (ss && count)
			(*count)++;
		if (ss && total)
			*total += e - s;
		if (addr && addr >= s && addr < e) {
			vma->start = s;
			vma->end = e;
			vma->ss = ss;
			ret = 0;
		}
	}

	return ret;
}

static int find_vma(unsigned long addr, struct vma *vma)
{
	return walk_smaps(addr, vma, NULL, NULL);
}

static unsigned long ss_total(unsigned int *count)
{
	unsigned long total;

	walk_smaps(0, NULL, count, &total);

	return total;
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

static void wait_for(int *flag)
{
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		syscall(__NR_sched_yield);
}

static void set_flag(int *flag)
{
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

struct child_args {
	unsigned long expected_size;
	int depth;
	/* Wait for result->go before the call chain (for a tracer) */
	bool wait_go;
	/* Run a signal handler, on this shadow stack */
	bool signal;
	/* Exec this program instead of returning */
	bool exec;
};

static void handler(int sig)
{
	result->handler_ssp = get_ssp();
	clone3_recurse(16);
}

/*
 * The child: record its shadow stack and the shadow stacks of its mm. With
 * a size, the shadow stack must be an "ss" VMA of the expected size. Then
 * run a call chain of the requested depth on it.
 */
static int child_fn(void *arg)
{
	struct child_args *ca = arg;
	unsigned long ssp = get_ssp();
	struct vma *vma = &result->child_vma;

	clone3_recurse = recurse;
	result->child_ssp = ssp;
	if (!ssp)
		return report("child has no shadow stack");
	if (find_vma(ssp - SS_ENTRY, vma))
		return report("no VMA for the child's SSP %#lx", ssp);
	result->ss_total = ss_total(&result->ss_count);
	if (!vma->ss)
		return report("VMA %#lx-%#lx of the child's SSP is not a shadow stack",
			      vma->start, vma->end);
	if (ca->expected_size && vma->end - vma->start != ca->expected_size)
		return report("child shadow stack is %lu bytes, expected %lu",
			      vma->end - vma->start, ca->expected_size);

	if (ca->signal) {
		struct sigaction sa = { .sa_handler = handler };

		if (sigaction(SIGUSR1, &sa, NULL))
			return report("sigaction: %s", strerror(errno));
		syscall(__NR_kill, syscall(__NR_getpid), SIGUSR1);
		if (result->handler_ssp < vma->start ||
		    result->handler_ssp > vma->end)
			return report("handler SSP %#lx outside the shadow stack %#lx-%#lx",
				      result->handler_ssp, vma->start,
				      vma->end);
	}

	if (ca->wait_go) {
		set_flag(&result->ready);
		wait_for(&result->go);
	}

	if (ca->exec) {
		char *argv[2] = { (char *)"clone3_shadow_stack", NULL };
		char *envp[2] = { (char *)EXEC_ENV "=1", NULL };

		syscall(__NR_execve, "/proc/self/exe", argv, envp);
		return report("execve: %s", strerror(errno));
	}

	return recurse(ca->depth);
}

/*
 * clone3() a child running child_fn(ca) with the given flags and shadow
 * stack size, on a stack of its own, and return its pid or -errno.
 */
static long start_child(uint64_t flags, uint64_t size,
			struct child_args *ca, void **stack)
{
	struct __clone_args args = {
		.flags = flags,
		.exit_signal = (flags & CLONE_THREAD) ? 0 : SIGCHLD,
		.shadow_stack_size = size,
		.stack_size = CHILD_STACK,
	};
	long pid;

	*stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (*stack == MAP_FAILED)
		return -errno;
	args.stack = (uintptr_t)*stack;

	pid = raw_clone3_fn(&args, sizeof(args), child_fn, ca);
	if (pid < 0) {
		if (pid == -E2BIG)
			result->no_field = true;
		munmap(*stack, CHILD_STACK);
	}

	return pid;
}

/*
 * clone3() a child with a shadow stack of the given size and the given
 * flags, wait for it, and return its wait status, or -1 with a report.
 */
static int clone_child(uint64_t flags, uint64_t size, struct child_args *ca)
{
	int status;
	void *stack;
	long pid;

	pid = start_child(flags, size, ca, &stack);
	if (pid < 0) {
		report("clone3(flags %#llx, shadow_stack_size %llu): %s",
		       (unsigned long long)flags, (unsigned long long)size,
		       strerror(-pid));
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
	struct child_args ca = {
		.expected_size = page_align(size),
		.depth = page_align(size) / SS_ENTRY / 2,
	};
	int status = clone_child(flags, size, &ca);

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

/* Whether the child's shadow stack is gone from our mm */
static int child_vma_gone(const char *when)
{
	struct vma vma;

	if (!find_vma(result->child_vma.start, &vma) && vma.ss)
		return report("%s: shadow stack %#lx-%#lx of the child is still mapped",
			      when, vma.start, vma.end);

	return 0;
}

static const uint64_t good_sizes[] = { 8, 4096, 4096 + 8, 65536 };

static int thread_sizes(void *arg)
{
	uint64_t flags = *(uint64_t *)arg;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good_sizes); i++) {
		if (check_child(flags, good_sizes[i]))
			return 1;

		/* A child sharing our mm must have unmapped its shadow stack */
		if (child_vma_gone("after exit"))
			return 1;
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

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
		      CLONE_THREAD | CLONE_SYSVSEM | CLONE_CHILD_CLEARTID)

static int thread_fn(void *arg)
{
	result->thread_ret = child_fn(arg);
	return 0;
}

/* A pthread-style thread: joined through CLONE_CHILD_CLEARTID */
static int pthread_sizes(void *arg)
{
	struct __clone_args args = {
		.flags = THREAD_FLAGS,
		.stack_size = CHILD_STACK,
	};
	struct child_args ca = { 0 };
	static int tid;
	void *stack;
	size_t i;
	long ret;
	int val;

	stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return report("mmap: %s", strerror(errno));
	args.stack = (uintptr_t)stack;
	args.child_tid = (uintptr_t)&tid;

	for (i = 0; i < ARRAY_SIZE(good_sizes); i++) {
		ca.expected_size = page_align(good_sizes[i]);
		ca.depth = ca.expected_size / SS_ENTRY / 2;
		args.shadow_stack_size = good_sizes[i];
		result->thread_ret = -1;
		tid = 1;

		ret = raw_clone3_fn(&args, sizeof(args), thread_fn, &ca);
		if (ret == -E2BIG)
			result->no_field = true;
		if (ret < 0)
			return report("clone3(thread, %llu): %s",
				      (unsigned long long)good_sizes[i],
				      strerror(-ret));

		/* The kernel clears tid and wakes us once the thread is gone */
		while ((val = __atomic_load_n(&tid, __ATOMIC_ACQUIRE)))
			syscall(__NR_futex, &tid, FUTEX_WAIT, val, NULL,
				NULL, 0);

		if (result->thread_ret)
			return report("thread with %llu: %s",
				      (unsigned long long)good_sizes[i],
				      result->msg);
		if (child_vma_gone("after the thread was joined"))
			return 1;
	}

	return 0;
}

TEST(shadow_stack_pthread)
{
	run_with_shstk(_metadata, pthread_sizes, NULL);
}

static bool no_children(void)
{
	return waitpid(-1, NULL, __WALL | WNOHANG) == -1 && errno == ECHILD;
}

static int refused(uint64_t flags, uint64_t stack, uint64_t size,
		   const char *what)
{
	struct __clone_args args = {
		.flags = flags,
		.exit_signal = SIGCHLD,
		.shadow_stack_size = size,
		.stack = stack,
		.stack_size = stack ? CHILD_STACK : 0,
	};
	long pid;

	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0)
		syscall(__NR_exit_group, 0);
	if (pid > 0) {
		waitpid(pid, NULL, __WALL);
		return report("%s: a task was created", what);
	}
	if (errno == E2BIG) {
		result->no_field = true;
		return 1;
	}
	if (errno != EINVAL)
		return report("%s: %s, expected EINVAL", what,
			      strerror(errno));
	if (!no_children())
		return report("%s: a child exists", what);

	return 0;
}

/*
 * A child that does not share our mm gets a copy of our shadow stack:
 * there is no size to choose for it. And a child without a stack of its
 * own would return through our frames on an empty shadow stack. Both are
 * refused, whatever the size, and create nothing.
 */
static int refused_combinations(void *arg)
{
	void *stack;
	uint64_t sp;

	stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return report("mmap: %s", strerror(errno));
	sp = (uintptr_t)stack;

	return refused(0, sp, 65536, "fork with a size") ||
	       refused(0, sp, 1ULL << 30, "fork with 1 GiB") ||
	       refused(0, 0, 65536, "fork with a size, no stack") ||
	       refused(CLONE_VFORK, sp, 65536, "CLONE_VFORK without CLONE_VM") ||
	       refused(CLONE_VM | CLONE_VFORK, 0, 65536, "vfork without a stack") ||
	       refused(CLONE_VM, 0, 65536, "CLONE_VM without a stack");
}

TEST(shadow_stack_refused)
{
	run_with_shstk(_metadata, refused_combinations, NULL);
}

/*
 * Overflowing a too small shadow stack: the CALL that pushes below it
 * faults, a shadow stack access to the page under the shadow stack (a
 * page fault, not a #CP), and the child gets SIGSEGV for that address.
 * Watch it as its tracer to read the cause before it dies.
 */
static int deep_chain(void *arg)
{
	uint64_t flags = *(uint64_t *)arg;
	struct child_args ca = {
		.expected_size = 4096,
		.depth = 4 * 4096 / SS_ENTRY,
		.wait_go = true,
	};
	siginfo_t si;
	void *stack;
	int status;
	long pid;

	pid = start_child(flags, 4096, &ca, &stack);
	if (pid < 0)
		return report("clone3: %s", strerror(-pid));
	wait_for(&result->ready);
	if (ptrace(PTRACE_SEIZE, pid, 0, 0)) {
		report("PTRACE_SEIZE: %s", strerror(errno));
		set_flag(&result->go);
		waitpid(pid, NULL, __WALL);
		return 1;
	}
	set_flag(&result->go);

	if (waitpid(pid, &status, __WALL) != pid)
		return report("waitpid: %s", strerror(errno));
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSEGV) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, __WALL);
		return report("call chain deeper than the shadow stack: status %#x",
			      status);
	}
	if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si))
		return report("PTRACE_GETSIGINFO: %s", strerror(errno));

	/* Let the signal kill it */
	ptrace(PTRACE_CONT, pid, 0, SIGSEGV);
	if (waitpid(pid, &status, __WALL) != pid)
		return report("waitpid: %s", strerror(errno));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		return report("overflowed child: status %#x", status);

	if (si.si_code == SEGV_CPERR)
		return report("overflow reported as a control protection fault");
	if (si.si_code != SEGV_MAPERR && si.si_code != SEGV_ACCERR)
		return report("overflow si_code %d", si.si_code);
	if ((unsigned long)si.si_addr != result->child_vma.start - SS_ENTRY)
		return report("fault at %p, not the entry below the shadow stack %#lx-%#lx",
			      si.si_addr, result->child_vma.start,
			      result->child_vma.end);

	munmap(stack, CHILD_STACK);
	return child_vma_gone("after the fault");
}

TEST(shadow_stack_overflow)
{
	uint64_t flags = CLONE_VM;

	run_with_shstk(_metadata, deep_chain, &flags);
}

/* A signal handler runs on a small shadow stack of the child's own */
static int signal_small(void *arg)
{
	struct child_args ca = {
		.expected_size = 4096,
		.depth = 64,
		.signal = true,
	};
	int status = clone_child(CLONE_VM, 4096, &ca);

	if (status < 0)
		return 1;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return report("child with a signal handler: status %#x: %s",
			      status, result->msg);

	return child_vma_gone("after exit");
}

TEST(shadow_stack_signal_small)
{
	run_with_shstk(_metadata, signal_small, NULL);
}

/* A tracer sees the child's SSP in the child's new shadow stack */
static int ptrace_ssp(void *arg)
{
	uint64_t flags = *(uint64_t *)arg;
	struct child_args ca = {
		.expected_size = 65536,
		.depth = 8,
		.wait_go = true,
	};
	struct iovec iov;
	struct vma own;
	uint64_t ssp;
	void *stack;
	int status;
	long pid;

	if (find_vma(get_ssp() - SS_ENTRY, &own))
		return report("no VMA for our own SSP");

	pid = start_child(flags, 65536, &ca, &stack);
	if (pid < 0)
		return report("clone3: %s", strerror(-pid));
	wait_for(&result->ready);

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) ||
	    ptrace(PTRACE_INTERRUPT, pid, 0, 0)) {
		report("PTRACE_SEIZE: %s", strerror(errno));
		goto out;
	}
	if (waitpid(pid, &status, __WALL) != pid || !WIFSTOPPED(status)) {
		report("tracee did not stop: status %#x", status);
		goto out;
	}

	iov.iov_base = &ssp;
	iov.iov_len = sizeof(ssp);
	if (ptrace(PTRACE_GETREGSET, pid, NT_X86_SHSTK, &iov)) {
		report("PTRACE_GETREGSET NT_X86_SHSTK: %s", strerror(errno));
		goto out;
	}
	if (ssp <= result->child_vma.start || ssp > result->child_vma.end)
		report("traced SSP %#llx outside the child's shadow stack %#lx-%#lx",
		       (unsigned long long)ssp, result->child_vma.start,
		       result->child_vma.end);
	else if (ssp > own.start && ssp <= own.end)
		report("traced SSP %#llx in the parent's shadow stack",
		       (unsigned long long)ssp);
	else
		result->msg[0] = '\0';

	ptrace(PTRACE_DETACH, pid, 0, 0);
out:
	set_flag(&result->go);
	if (waitpid(pid, &status, __WALL) != pid)
		return report("waitpid: %s", strerror(errno));
	if (result->msg[0])
		return 1;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return report("traced child: status %#x: %s", status,
			      result->msg);

	munmap(stack, CHILD_STACK);
	return child_vma_gone("after exit");
}

TEST(shadow_stack_ptrace)
{
	/* Not CLONE_VFORK: the tracer must run while the child waits */
	uint64_t flags = CLONE_VM;

	run_with_shstk(_metadata, ptrace_ssp, &flags);
}

static unsigned long vm_size(void)
{
	const char *s = read_file("/proc/self/status");
	unsigned long kb = 0;

	s = s ? strstr(s, "VmSize:") : NULL;
	if (s)
		sscanf(s, "VmSize: %lu", &kb);

	return kb << 10;
}

/* The number of threads of this process */
static int count_tasks(void)
{
	struct dirent *d;
	int n = 0;
	DIR *dir;

	dir = opendir("/proc/self/task");
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);

	return n;
}

/*
 * A shadow stack that cannot be mapped: the caller of clone3() gets the
 * errno and no task exists, for threads and vfork children alike. A
 * small size under the same limit still works, so it is the size that
 * fails.
 */
static int rlimit_as(void *arg)
{
	static const uint64_t flags[] = {
		CLONE_VM, CLONE_VM | CLONE_VFORK, THREAD_FLAGS & ~CLONE_CHILD_CLEARTID,
	};
	struct rlimit old, rl;
	struct child_args ca = { .depth = 4 };
	int tasks, status, ret = 0;
	void *stack;
	size_t i;
	long pid;

	stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return report("mmap: %s", strerror(errno));
	tasks = count_tasks();

	if (getrlimit(RLIMIT_AS, &old))
		return report("getrlimit: %s", strerror(errno));
	rl = old;
	rl.rlim_cur = vm_size() + (16 << 20);
	if (setrlimit(RLIMIT_AS, &rl))
		return report("setrlimit: %s", strerror(errno));

	for (i = 0; i < ARRAY_SIZE(flags) && !ret; i++) {
		struct __clone_args args = {
			.flags = flags[i],
			.exit_signal = (flags[i] & CLONE_THREAD) ? 0 : SIGCHLD,
			.stack = (uintptr_t)stack,
			.stack_size = CHILD_STACK,
			.shadow_stack_size = 64 << 20,
		};

		pid = raw_clone3_fn(&args, sizeof(args), child_fn, &ca);
		if (pid >= 0) {
			waitpid(pid, NULL, __WALL);
			ret = report("flags %#llx: 64 MiB over RLIMIT_AS: task %ld",
				     (unsigned long long)flags[i], pid);
		} else if (pid != -ENOMEM) {
			ret = report("flags %#llx: %s, expected ENOMEM",
				     (unsigned long long)flags[i],
				     strerror(-pid));
		} else if (!no_children() || count_tasks() != tasks) {
			ret = report("flags %#llx: a task exists after ENOMEM",
				     (unsigned long long)flags[i]);
		}
	}

	if (!ret) {
		ca.expected_size = 65536;
		status = clone_child(CLONE_VM | CLONE_VFORK, 65536, &ca);
		if (status < 0)
			ret = 1;
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			ret = report("64 KiB under RLIMIT_AS: status %#x: %s",
				     status, result->msg);
	}

	setrlimit(RLIMIT_AS, &old);
	munmap(stack, CHILD_STACK);
	return ret;
}

TEST(shadow_stack_rlimit_as)
{
	run_with_shstk(_metadata, rlimit_as, NULL);
}

/*
 * Large shadow stacks need the commit of their whole size. Allow it for
 * the duration of a test with vm.overcommit_memory=1; return the old
 * value, or -1 if it cannot be changed.
 */
static int overcommit_always(void)
{
	char old = 0;
	int fd;

	fd = open("/proc/sys/vm/overcommit_memory", O_RDWR);
	if (fd < 0)
		return -1;
	if (read(fd, &old, 1) != 1 ||
	    pwrite(fd, "1", 1, 0) != 1) {
		close(fd);
		return -1;
	}
	close(fd);

	return old;
}

static void overcommit_restore(int old)
{
	int fd;

	if (old < 0)
		return;
	fd = open("/proc/sys/vm/overcommit_memory", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, &(char){ old }, 1) != 1)
			old = -1;
		close(fd);
	}
}

/*
 * The largest size is accepted, one entry more is not. Without overcommit
 * a 4 GiB shadow stack may not fit in the memory of the machine: then the
 * request passes the argument checks and fails with ENOMEM, creating
 * nothing.
 */
static int upper_limit(void *arg)
{
	struct child_args ca = { .expected_size = SZ_4G, .depth = 64 };
	int old = overcommit_always(), status, ret;
	void *stack;
	long pid;

	ret = refused(CLONE_VM, 4096, SZ_4G + SS_ENTRY, "4 GiB + 8");
	if (!ret) {
		pid = start_child(CLONE_VM, SZ_4G, &ca, &stack);
		if (pid == -ENOMEM && old < 0) {
			if (!no_children())
				ret = report("4 GiB: ENOMEM, yet a child exists");
		} else if (pid < 0) {
			ret = report("4 GiB: %s", strerror(-pid));
		} else if (waitpid(pid, &status, __WALL) != pid) {
			ret = report("waitpid: %s", strerror(errno));
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			ret = report("4 GiB: status %#x: %s", status,
				     result->msg);
		} else {
			ret = child_vma_gone("after exit");
		}
	}

	overcommit_restore(old);
	return ret;
}

TEST(shadow_stack_upper_limit)
{
	run_with_shstk(_metadata, upper_limit, NULL);
}

/*
 * The shadow stack the kernel sizes from stack_size is capped at the same
 * limit as the sizes callers choose.
 */
static int implicit_limit(void *arg)
{
	const unsigned long stack_size = SZ_4G + (1 << 20);
	struct child_args ca = { .expected_size = SZ_4G, .depth = 64 };
	struct __clone_args args = {
		.flags = CLONE_VM,
		.exit_signal = SIGCHLD,
		.stack_size = stack_size,
	};
	int old = overcommit_always(), status, ret = 0;
	void *stack;
	long pid;

	if (old < 0)
		return skip("cannot set vm.overcommit_memory for a 4 GiB shadow stack");

	stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (stack == MAP_FAILED) {
		ret = report("mmap: %s", strerror(errno));
		goto out;
	}
	args.stack = (uintptr_t)stack;

	pid = raw_clone3_fn(&args, sizeof(args), child_fn, &ca);
	if (pid < 0)
		ret = report("clone3(stack_size 4 GiB + 1 MiB): %s",
			     strerror(-pid));
	else if (waitpid(pid, &status, __WALL) != pid)
		ret = report("waitpid: %s", strerror(errno));
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		ret = report("status %#x: %s", status, result->msg);
	munmap(stack, stack_size);
out:
	overcommit_restore(old);
	return ret;
}

TEST(shadow_stack_implicit_limit)
{
	run_with_shstk(_metadata, implicit_limit, NULL);
}

/*
 * What fork and vfork children own, after the call, after exec and after
 * exit:
 *  - a vfork child with a size runs on a new shadow stack in our mm,
 *    which is unmapped when it execs or exits;
 *  - a vfork child without a size runs on our shadow stack, which stays;
 *  - a fork child (never with a size) runs on its copy of our shadow
 *    stack, in its own mm; ours is untouched.
 */
static int children_own(void *arg)
{
	struct vma own, after;
	unsigned long total, total_after;
	unsigned int count, count_after;
	struct child_args ca = { .depth = 16 };
	int status, exec;

	if (find_vma(get_ssp() - SS_ENTRY, &own) || !own.ss)
		return report("no shadow stack VMA for our own SSP");
	total = ss_total(&count);

	for (exec = 0; exec < 2; exec++) {
		ca.exec = exec;

		/* vfork with a size: a new shadow stack, in our mm */
		ca.expected_size = 65536;
		status = clone_child(CLONE_VM | CLONE_VFORK, 65536, &ca);
		if (status < 0)
			return 1;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return report("vfork, 64 KiB, exec %d: status %#x: %s",
				      exec, status, result->msg);
		if (result->child_vma.start == own.start)
			return report("vfork child with a size ran on our shadow stack");
		if (result->ss_total != total + 65536 ||
		    result->ss_count != count + 1)
			return report("vfork, 64 KiB: %u shstks, %lu bytes; not %u, %lu",
				      result->ss_count, result->ss_total,
				      count + 1, total + 65536);
		if (child_vma_gone(exec ? "after exec" : "after exit"))
			return 1;

		/* vfork without a size: our shadow stack, which stays */
		ca.expected_size = 0;
		status = clone_child(CLONE_VM | CLONE_VFORK, 0, &ca);
		if (status < 0)
			return 1;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return report("vfork, exec %d: status %#x: %s",
				      exec, status, result->msg);
		if (result->child_vma.start != own.start ||
		    result->ss_total != total)
			return report("vfork child without a size does not share our shadow stack");

		/* fork: a copy of our shadow stack in its own mm */
		status = clone_child(0, 0, &ca);
		if (status < 0)
			return 1;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return report("fork, exec %d: status %#x: %s",
				      exec, status, result->msg);
		if (result->child_vma.start != own.start ||
		    result->child_vma.end != own.end ||
		    result->ss_total != total || result->ss_count != count)
			return report("fork: %#lx-%#lx, %u, %lu bytes; ours %#lx-%#lx, %u, %lu",
				      result->child_vma.start,
				      result->child_vma.end,
				      result->ss_count, result->ss_total,
				      own.start, own.end, count, total);

		/* Nothing left behind, ours still here */
		total_after = ss_total(&count_after);
		if (total_after != total || count_after != count)
			return report("exec %d: %u shstks, %lu bytes left; not %u, %lu",
				      exec, count_after, total_after, count,
				      total);
		if (find_vma(own.start, &after) || !after.ss ||
		    after.end != own.end)
			return report("our shadow stack changed");
	}

	return 0;
}

TEST(shadow_stack_children_own)
{
	run_with_shstk(_metadata, children_own, NULL);
}

static const uint64_t bad_sizes[] = {
	1, 4, 7, 12, 4096 + 4, SZ_4G + 8, SZ_4G + 4096, UINT64_MAX - 7,
	UINT64_MAX,
};

/* Invalid sizes are refused even with shadow stacks enabled */
static int invalid_sizes(void *arg)
{
	void *stack;
	size_t i;

	stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return report("mmap: %s", strerror(errno));

	for (i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		char what[64];

		snprintf(what, sizeof(what), "size %#llx",
			 (unsigned long long)bad_sizes[i]);
		if (refused(CLONE_VM | CLONE_VFORK, (uintptr_t)stack,
			    bad_sizes[i], what))
			return 1;
	}

	return 0;
}

TEST(shadow_stack_invalid_sizes)
{
	run_with_shstk(_metadata, invalid_sizes, NULL);
}

#endif /* HAVE_RAW_CLONE3 */

TEST_HARNESS_MAIN
