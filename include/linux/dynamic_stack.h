/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dynamic kernel stacks: thread stacks whose pages are populated on first
 * touch from a per-CPU page pool.  See Documentation/mm/dynamic-stack.rst.
 */
#ifndef _LINUX_DYNAMIC_STACK_H
#define _LINUX_DYNAMIC_STACK_H

#include <linux/jump_label.h>
#include <linux/types.h>
#include <linux/vmalloc.h>

struct task_struct;
struct vm_struct;

#ifdef CONFIG_DYNAMIC_STACK

/* Pages of a thread stack, and how many of them are populated at fork. */
#define DYNAMIC_STACK_PAGES		(THREAD_SIZE >> PAGE_SHIFT)
#define DYNAMIC_STACK_INIT_PAGES	1
/*
 * Stack space below the point where a task switches out that is populated
 * then: its switch-in path uses it before the switch-in check.  1 KiB of a
 * 16 KiB stack; 2 KiB where KASAN doubles the stack for its larger frames.
 */
#define DYNAMIC_STACK_SWITCH_SLACK	(THREAD_SIZE / 16)
/* Enough for two tasks to grow their whole stack between two refills. */
#define DYNAMIC_STACK_POOL_PAGES	\
	(2 * (DYNAMIC_STACK_PAGES - DYNAMIC_STACK_INIT_PAGES))

DECLARE_STATIC_KEY_FALSE(dynamic_stack_key);

static __always_inline bool dynamic_stack_enabled(void)
{
	return static_branch_unlikely(&dynamic_stack_key);
}

bool dynamic_stack_wanted(void);
void dynamic_stack_arch_ready(void);
void dynamic_stack_arch_disable(const char *reason);

struct vm_struct *dynamic_stack_alloc(int node);
void dynamic_stack_free(struct vm_struct *vm);
bool is_dynamic_stack(const struct vm_struct *vm);
void dynamic_stack_clear(struct vm_struct *vm);
void dynamic_stack_cache_account(struct vm_struct *vm, int sign);

int dynamic_stack_fault(unsigned long address);
struct task_struct *dynamic_stack_owner(unsigned long address);
unsigned int dynamic_stack_account_pages(struct vm_struct *vm, int account);
void __dynamic_stack_sched_out(struct task_struct *next);
void __dynamic_stack_sched_in(void);
int dynamic_stack_populate(struct task_struct *tsk);

unsigned int dynamic_stack_populated(struct task_struct *tsk);
unsigned long *dynamic_stack_lowest_word(struct task_struct *tsk);
bool dynamic_stack_end_present(struct task_struct *tsk);

/* For leak checks: see dynamic_stack_get_counts(). */
struct dynamic_stack_counts {
	long owned;
	long cached;
	long pool;
};

void dynamic_stack_get_counts(struct dynamic_stack_counts *counts);
unsigned int dynamic_stack_pool_free(int cpu);
void dynamic_stack_test_busy(bool busy);

/* For the test driver: see dynamic_stack_measure_out() */
struct dynamic_stack_switch_depth {
	unsigned long samples;
	unsigned long overruns;
	unsigned long max;
	unsigned long span;
	unsigned long slack;
};

void dynamic_stack_test_measure(bool on);
void dynamic_stack_test_depth(struct dynamic_stack_switch_depth *d);

/*
 * Called with interrupts disabled when a task stops running on a CPU (with
 * the task that runs next), and when it starts or resumes running on one:
 * see the exhaustion policy in dynamic_stack.c.
 */
static __always_inline void dynamic_stack_sched_out(struct task_struct *next)
{
	if (dynamic_stack_enabled())
		__dynamic_stack_sched_out(next);
}

static __always_inline void dynamic_stack_sched_in(void)
{
	if (dynamic_stack_enabled())
		__dynamic_stack_sched_in();
}

#else /* !CONFIG_DYNAMIC_STACK */

static inline bool dynamic_stack_enabled(void) { return false; }
static inline bool is_dynamic_stack(const struct vm_struct *vm) { return false; }
static inline struct vm_struct *dynamic_stack_alloc(int node) { return NULL; }
static inline void dynamic_stack_free(struct vm_struct *vm) { }
static inline void dynamic_stack_clear(struct vm_struct *vm) { }
static inline void dynamic_stack_cache_account(struct vm_struct *vm, int sign) { }
static inline int dynamic_stack_fault(unsigned long address) { return 0; }
static inline unsigned int dynamic_stack_account_pages(struct vm_struct *vm,
						       int account)
{
	return vm->nr_pages;
}

static inline void dynamic_stack_sched_out(struct task_struct *next) { }
static inline void dynamic_stack_sched_in(void) { }
static inline int dynamic_stack_populate(struct task_struct *tsk) { return 0; }
static inline bool dynamic_stack_end_present(struct task_struct *tsk)
{
	return true;
}

#endif /* CONFIG_DYNAMIC_STACK */

#if defined(CONFIG_DYNAMIC_STACK) && defined(CONFIG_MEMCG)
int dynamic_stack_charge(struct vm_struct *vm);
void dynamic_stack_uncharge(struct vm_struct *vm);
#else
static inline int dynamic_stack_charge(struct vm_struct *vm) { return 0; }
static inline void dynamic_stack_uncharge(struct vm_struct *vm) { }
#endif

#endif /* _LINUX_DYNAMIC_STACK_H */
