/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for clone3() children that start on a stack of their own.
 *
 * A child given a new stack, and possibly a new shadow stack, by clone3()
 * must never return from the function that made the system call: there is
 * no frame of that function on its stacks. The libc syscall() wrapper would
 * return, so make the system call inline and have the child call a function
 * and exit with its return value instead.
 */

#ifndef _CLONE3_RAW_H
#define _CLONE3_RAW_H

#include <stdbool.h>
#include <sys/syscall.h>

#include "clone3_selftests.h"

#ifdef __x86_64__
#define HAVE_RAW_CLONE3 1

#ifndef ARCH_SHSTK_ENABLE
#define ARCH_SHSTK_ENABLE	0x5001
#define ARCH_SHSTK_DISABLE	0x5002
#define ARCH_SHSTK_STATUS	0x5005
#define ARCH_SHSTK_SHSTK	0x1ULL
#endif

/*
 * clone3() with the child running fn(arg) and exiting with its return
 * value. Returns what clone3() returns in the parent: the child's PID or
 * -errno. The child never returns from here, so this need not be inlined.
 */
static inline long raw_clone3_fn(struct __clone_args *args, size_t size,
				 int (*fn)(void *), void *arg)
{
	register long rax asm("rax") = __NR_clone3;
	register long rdi asm("rdi") = (long)args;
	register long rsi asm("rsi") = (long)size;
	register long r12 asm("r12") = (long)fn;
	register long r13 asm("r13") = (long)arg;

	asm volatile("syscall\n\t"
		     "test %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     /* Child: outermost frame, aligned stack */
		     "xor %%ebp, %%ebp\n\t"
		     "and $-16, %%rsp\n\t"
		     "mov %%r13, %%rdi\n\t"
		     "call *%%r12\n\t"
		     "mov %%eax, %%edi\n\t"
		     "mov %[nr_exit], %%eax\n\t"
		     "syscall\n\t"
		     "ud2\n"
		     "1:\n\t"
		     : "+r" (rax)
		     : "r" (rdi), "r" (rsi), "r" (r12), "r" (r13),
		       [nr_exit] "i" (__NR_exit)
		     : "rcx", "r11", "memory");

	return rax;
}

/*
 * arch_prctl() as an inline system call, for ARCH_SHSTK_ENABLE: a function
 * call made before shadow stacks are enabled cannot return after.
 */
#define raw_arch_prctl(option, arg2)					\
({									\
	register long __rax asm("rax") = __NR_arch_prctl;		\
	register long __rdi asm("rdi") = (option);			\
	register long __rsi asm("rsi") = (long)(arg2);			\
									\
	asm volatile("syscall"						\
		     : "+r" (__rax)					\
		     : "r" (__rdi), "r" (__rsi)				\
		     : "rcx", "r11", "memory");				\
	__rax;								\
})

/* The shadow stack pointer, 0 when shadow stacks are not enabled */
static inline unsigned long get_ssp(void)
{
	unsigned long ssp = 0;

	asm volatile("rdsspq %0" : "+r" (ssp));

	return ssp;
}

/*
 * Run fn(arg) with a shadow stack enabled and exit with its return value,
 * or exit with 'err' if shadow stacks cannot be enabled. Enabling shadow
 * stacks leaves the frames below this point without shadow stack entries,
 * so this never returns, wherever the compiler puts it: it must be called
 * in a process of its own.
 */
static inline void __noreturn shstk_run(int (*fn)(void *), void *arg,
					int *enable_err, int err)
{
	long ret = raw_arch_prctl(ARCH_SHSTK_ENABLE, ARCH_SHSTK_SHSTK);

	if (ret) {
		*enable_err = -ret;
		syscall(__NR_exit_group, err);
	}

	syscall(__NR_exit_group, fn(arg));
	__builtin_unreachable();
}

/* Whether the calling process already runs with a shadow stack */
static inline bool shstk_enabled(void)
{
	unsigned long features = 0;

	if (syscall(__NR_arch_prctl, ARCH_SHSTK_STATUS, &features))
		return false;

	return features & ARCH_SHSTK_SHSTK;
}
#else /* __x86_64__ */

#include <sys/prctl.h>

#ifndef PR_GET_SHADOW_STACK_STATUS
#define PR_GET_SHADOW_STACK_STATUS	74
#define PR_SHADOW_STACK_ENABLE		1UL
#endif

/*
 * Whether the calling process already runs with a shadow stack, through
 * the generic prctl(): kernels without it have no shadow stacks here.
 */
static inline bool shstk_enabled(void)
{
	unsigned long status = 0;

	if (prctl(PR_GET_SHADOW_STACK_STATUS, &status, 0, 0, 0))
		return false;

	return status & PR_SHADOW_STACK_ENABLE;
}
#endif /* __x86_64__ */

#endif /* _CLONE3_RAW_H */
