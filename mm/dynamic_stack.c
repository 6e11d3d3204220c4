// SPDX-License-Identifier: GPL-2.0
/*
 * Dynamic kernel stacks.
 *
 * A thread stack keeps THREAD_SIZE of virtual space and the guard page
 * below it, but only its top DYNAMIC_STACK_INIT_PAGES are populated at
 * fork.  The page tables for the whole stack exist from fork, so serving a
 * fault on the rest only writes PTEs, with pages taken from a per-CPU pool.
 * The fault path does not sleep, allocate, lock or cmpxchg.
 *
 * The populated part of a stack is always a contiguous range at its top: a
 * fault populates the faulting page and every unpopulated page above it.
 * vm->pages[] lists the pages from the top of the stack down, so that
 * vm->pages[0 .. vm->nr_pages) are exactly the populated ones.
 *
 * Exhaustion policy: a task is not switched in while its CPU's pool holds
 * fewer pages than its stack can still fault in.  It is sent back into the
 * scheduler instead, and the pool is refilled from an irq_work as soon as
 * interrupts are enabled.  So a stack fault of the current task never finds
 * the pool short.  One in the context-switch window, on the stack of the
 * task being switched in before it was checked (see dynamic_stack_owner()),
 * takes pages nothing reserved for it, and can.
 * When the irq_work's atomic allocation fails, it takes pages from a reserve
 * that a kernel thread refills with GFP_KERNEL, so a waiting task does not
 * depend on atomic allocations; and per-CPU kernel threads, which CPU
 * hotplug and stop_machine() wait for, get fully populated stacks, so that
 * they never wait.
 *
 * See Documentation/mm/dynamic-stack.rst.
 */

#define pr_fmt(fmt) "dynamic_stack: " fmt

#include <linux/atomic.h>
#include <linux/cacheflush.h>
#include <linux/cpuhotplug.h>
#include <linux/dynamic_stack.h>
#include <linux/fault-inject.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/irq_work.h>
#include <linux/kthread.h>
#include <linux/llist.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>
#include <linux/workqueue.h>

#include "internal.h"

DEFINE_STATIC_KEY_FALSE(dynamic_stack_key);

static bool dynamic_stack_param __initdata = true;
static bool dynamic_stack_arch_ok __initdata;
static const char *dynamic_stack_off_reason =
	"the architecture did not install its fault path";

struct dynamic_stack_pool {
	/* pages[0 .. nr) are free, zeroed pages, ptes[] their kernel PTEs */
	unsigned int nr;
	struct page *pages[DYNAMIC_STACK_POOL_PAGES];
	pte_t ptes[DYNAMIC_STACK_POOL_PAGES];
	struct irq_work refill;
};

static DEFINE_PER_CPU(struct dynamic_stack_pool, dynamic_stack_pool);

/*
 * Zeroed pages for the refills to fall back on when their atomic allocation
 * fails, refilled by dynamic_stack_reserve_thread with GFP_KERNEL.
 */
#define DYNAMIC_STACK_RESERVE_PAGES	(2 * DYNAMIC_STACK_POOL_PAGES)

static struct {
	raw_spinlock_t lock;
	unsigned int nr;
	struct page *pages[DYNAMIC_STACK_RESERVE_PAGES];
} dynamic_stack_reserve = {
	.lock = __RAW_SPIN_LOCK_UNLOCKED(dynamic_stack_reserve.lock),
};

static struct task_struct *dynamic_stack_reserve_task;

/*
 * Set while a stack fault or a refill updates this CPU's pool or the
 * current stack.  Both run with interrupts disabled, so only an NMI, #MC or
 * #DB can interrupt them, and a stack fault that such a handler raises
 * meanwhile must not touch either: see dynamic_stack_fault().
 */
static DEFINE_PER_CPU(bool, dynamic_stack_busy);

/* Pages held by dynamic stacks (running, cached or being freed) and pools. */
static atomic_long_t dynamic_stack_owned = ATOMIC_LONG_INIT(0);
/* Pages of the dynamic stacks sitting in fork.c's per-CPU stack cache. */
static atomic_long_t dynamic_stack_cached = ATOMIC_LONG_INIT(0);

#ifdef CONFIG_FAULT_INJECTION
static DECLARE_FAULT_ATTR(fail_dynamic_stack_refill);

static int __init setup_fail_dynamic_stack_refill(char *str)
{
	return setup_fault_attr(&fail_dynamic_stack_refill, str);
}
__setup("fail_dynamic_stack_refill=", setup_fail_dynamic_stack_refill);

static bool dynamic_stack_should_fail(void)
{
	return should_fail(&fail_dynamic_stack_refill, PAGE_SIZE);
}
#else
static inline bool dynamic_stack_should_fail(void)
{
	return false;
}
#endif

static int __init dynamic_stack_setup(char *str)
{
	return kstrtobool(str, &dynamic_stack_param);
}
early_param("dynamic_stack", dynamic_stack_setup);

/* For the architecture: should it install its dynamic-stack fault path? */
bool __init dynamic_stack_wanted(void)
{
	return dynamic_stack_param;
}

/* The architecture's fault path is in place: the feature may be enabled. */
void __init dynamic_stack_arch_ready(void)
{
	dynamic_stack_arch_ok = true;
}

/* The architecture cannot serve stack faults on this machine. */
void __init dynamic_stack_arch_disable(const char *reason)
{
	dynamic_stack_arch_ok = false;
	dynamic_stack_off_reason = reason;
}

static __always_inline unsigned int dynamic_stack_index(unsigned long base,
							unsigned long addr)
{
	return (base + THREAD_SIZE - 1 - addr) >> PAGE_SHIFT;
}

static __always_inline void dynamic_stack_count(enum vm_event_item item)
{
#ifdef CONFIG_VM_EVENT_COUNTERS
	raw_cpu_inc(vm_event_states.event[item]);
#endif
}

static struct page *dynamic_stack_alloc_page(int node, gfp_t gfp)
{
	struct page *page = alloc_pages_node(node, gfp | __GFP_ZERO, 0);

	if (page)
		atomic_long_inc(&dynamic_stack_owned);
	return page;
}

static void dynamic_stack_free_page(struct page *page)
{
	__free_page(page);
	atomic_long_dec(&dynamic_stack_owned);
}

/*
 * The PTE is made here, so that the fault path, which may not call out of
 * line (mk_pte() may be), only has to write it.
 */
static void dynamic_stack_pool_add(struct dynamic_stack_pool *pool,
				   struct page *page)
{
	pool->ptes[pool->nr] = mk_pte(page, PAGE_KERNEL);
	pool->pages[pool->nr++] = page;
}

static struct page *dynamic_stack_reserve_take(void)
{
	struct page *page = NULL;

	raw_spin_lock(&dynamic_stack_reserve.lock);
	if (dynamic_stack_reserve.nr)
		page = dynamic_stack_reserve.pages[--dynamic_stack_reserve.nr];
	raw_spin_unlock(&dynamic_stack_reserve.lock);
	return page;
}

/*
 * Runs in hard interrupt context on the pool's CPU, so neither the fault
 * path nor another refill can run concurrently with it on this pool.
 * Once an atomic allocation fails, the rest comes from the reserve, and the
 * reserve's thread is woken to make up for what was taken.
 */
static void dynamic_stack_refill(struct irq_work *work)
{
	struct dynamic_stack_pool *pool =
		container_of(work, struct dynamic_stack_pool, refill);
	bool atomic = true;

	while (pool->nr < DYNAMIC_STACK_POOL_PAGES) {
		struct page *page = NULL;

		if (atomic && !dynamic_stack_should_fail())
			page = dynamic_stack_alloc_page(numa_node_id(),
							GFP_ATOMIC | __GFP_NOWARN);
		if (!page && atomic) {
			count_vm_event(DYNAMIC_STACK_REFILL_FAIL);
			atomic = false;
		}
		if (!page)
			page = dynamic_stack_reserve_take();
		if (!page)
			break;
		__this_cpu_write(dynamic_stack_busy, true);
		barrier();
		dynamic_stack_pool_add(pool, page);
		barrier();
		__this_cpu_write(dynamic_stack_busy, false);
		count_vm_event(DYNAMIC_STACK_REFILL);
	}

	if (READ_ONCE(dynamic_stack_reserve.nr) < DYNAMIC_STACK_RESERVE_PAGES)
		wake_up_process(dynamic_stack_reserve_task);
}

/*
 * Keeps the reserve full with GFP_KERNEL allocations, which may sleep and
 * reclaim, and do not fail for want of memory that reclaim or the OOM
 * killer can free.  This thread is created before the feature is switched
 * on, so its own stack is fully populated and it never waits for a pool.
 * It is a normal (SCHED_NORMAL) thread on purpose: the fair server runs fair
 * tasks for a share of every second even on a CPU that real-time tasks keep
 * busy, which a real-time thread of any priority would not get.
 */
static int dynamic_stack_reserve_thread(void *unused)
{
	for (;;) {
		struct page *page;

		set_current_state(TASK_IDLE);
		if (READ_ONCE(dynamic_stack_reserve.nr) >=
		    DYNAMIC_STACK_RESERVE_PAGES) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);

		page = dynamic_stack_alloc_page(numa_node_id(), GFP_KERNEL);
		if (!page) {
			schedule_timeout_idle(HZ / 10);
			continue;
		}
		raw_spin_lock_irq(&dynamic_stack_reserve.lock);
		if (dynamic_stack_reserve.nr < DYNAMIC_STACK_RESERVE_PAGES) {
			dynamic_stack_reserve.pages[dynamic_stack_reserve.nr++] = page;
			page = NULL;
		}
		raw_spin_unlock_irq(&dynamic_stack_reserve.lock);
		if (page)
			dynamic_stack_free_page(page);
	}
	return 0;
}

static int dynamic_stack_cpu_dead(unsigned int cpu)
{
	struct dynamic_stack_pool *pool = per_cpu_ptr(&dynamic_stack_pool, cpu);

	while (pool->nr)
		dynamic_stack_free_page(pool->pages[--pool->nr]);
	return 0;
}

static int dynamic_stack_cpu_prepare(unsigned int cpu)
{
	struct dynamic_stack_pool *pool = per_cpu_ptr(&dynamic_stack_pool, cpu);

	while (pool->nr < DYNAMIC_STACK_POOL_PAGES) {
		struct page *page = dynamic_stack_alloc_page(cpu_to_node(cpu),
							     GFP_KERNEL);

		if (!page) {
			dynamic_stack_cpu_dead(cpu);
			return -ENOMEM;
		}
		dynamic_stack_pool_add(pool, page);
	}
	return 0;
}

/*
 * vm->pages of a dynamic stack points to the pages member of this, which
 * also keeps where the PTE of each stack page is, so that the fault path
 * does not walk the page tables, and how many of its pages are accounted
 * in NR_KERNEL_STACK_KB: the fault path cannot update statistics, so the
 * pages it adds are accounted when the task switches out.
 */
struct dynamic_stack_map {
	struct page *pages[DYNAMIC_STACK_PAGES];
	pte_t *ptes[DYNAMIC_STACK_PAGES];
	unsigned int nr_accounted;
#ifdef CONFIG_TEST_DYNAMIC_STACK
	/* See dynamic_stack_measure_out() */
	unsigned long switch_sp;
	unsigned long *paint_lo;
	unsigned long measure_gen;
#endif
};

static __always_inline struct dynamic_stack_map *
dynamic_stack_map(struct vm_struct *vm)
{
	return container_of(vm->pages, struct dynamic_stack_map, pages[0]);
}

static int dynamic_stack_map_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct vm_struct *vm = data;
	unsigned int idx = dynamic_stack_index((unsigned long)vm->addr, addr);

	dynamic_stack_map(vm)->ptes[idx] = pte;
	if (idx < vm->nr_pages)
		set_pte_at(&init_mm, addr, pte, mk_pte(vm->pages[idx], PAGE_KERNEL));
	return 0;
}

/* Other VM_SPARSE areas (BPF arenas) have no page array. */
bool is_dynamic_stack(const struct vm_struct *vm)
{
	return (vm->flags & VM_SPARSE) && vm->pages;
}

static void __dynamic_stack_free(struct vm_struct *vm)
{
	unsigned int i;

	remove_vm_area(vm->addr);
	for (i = 0; i < vm->nr_pages; i++)
		dynamic_stack_free_page(vm->pages[i]);
	if (vm->pages)
		kfree(dynamic_stack_map(vm));
	kfree(vm);
}

/*
 * Allocate a thread stack with its top pages populated and page tables for
 * all of it.  The caller charges and accounts vm->pages[0 .. vm->nr_pages).
 */
struct vm_struct *dynamic_stack_alloc(int node)
{
	struct dynamic_stack_map *map;
	unsigned long addr;
	struct vm_struct *vm;

	/* Aligned as any thread stack: some code masks a stack address */
	vm = __get_vm_area_node(THREAD_SIZE, THREAD_ALIGN, PAGE_SHIFT,
				VM_SPARSE | VM_UNINITIALIZED, VMALLOC_START,
				VMALLOC_END, node, GFP_KERNEL,
				__builtin_return_address(0));
	if (!vm)
		return NULL;

	map = kzalloc_node(sizeof(*map), GFP_KERNEL, node);
	if (!map)
		goto fail;
	vm->pages = map->pages;

	while (vm->nr_pages < DYNAMIC_STACK_INIT_PAGES) {
		struct page *page = dynamic_stack_alloc_page(node, GFP_KERNEL);

		if (!page)
			goto fail;
		vm->pages[vm->nr_pages++] = page;
	}

	addr = (unsigned long)vm->addr;
	if (apply_to_page_range(&init_mm, addr, THREAD_SIZE,
				dynamic_stack_map_pte, vm))
		goto fail;
	flush_cache_vmap(addr, addr + THREAD_SIZE);
	/* /proc/vmallocinfo reads vm->pages[] from now on */
	clear_vm_uninitialized_flag(vm);
	return vm;

fail:
	__dynamic_stack_free(vm);
	return NULL;
}

struct dynamic_stack_deferred {
	struct llist_node node;
	struct vm_struct *vm;
};

static LLIST_HEAD(dynamic_stack_free_list);

static void dynamic_stack_free_work(struct work_struct *work)
{
	struct llist_node *head = llist_del_all(&dynamic_stack_free_list);
	struct dynamic_stack_deferred *d, *next;

	llist_for_each_entry_safe(d, next, head, node)
		__dynamic_stack_free(d->vm);
}

static DECLARE_WORK(dynamic_stack_free_wq, dynamic_stack_free_work);

/*
 * Free a dynamic stack and its pages.  remove_vm_area() may sleep, so from
 * interrupt context (the RCU callback that frees stacks) the work is
 * deferred, queued through the stack's top page, which is always populated.
 */
void dynamic_stack_free(struct vm_struct *vm)
{
	struct dynamic_stack_deferred *d;

	if (!in_interrupt()) {
		__dynamic_stack_free(vm);
		return;
	}

	d = vm->addr + THREAD_SIZE - sizeof(*d);
	d->vm = vm;
	if (llist_add(&d->node, &dynamic_stack_free_list))
		schedule_work(&dynamic_stack_free_wq);
}

/* Clear the populated pages of a stack taken from the stack cache. */
void dynamic_stack_clear(struct vm_struct *vm)
{
	unsigned long size = vm->nr_pages * PAGE_SIZE;

	memset(vm->addr + THREAD_SIZE - size, 0, size);
}

/* A dynamic stack enters (sign 1) or leaves (sign -1) the stack cache. */
void dynamic_stack_cache_account(struct vm_struct *vm, int sign)
{
	if (is_dynamic_stack(vm))
		atomic_long_add(sign * (long)vm->nr_pages, &dynamic_stack_cached);
}

/*
 * The fault path is noinstr: an architecture whose set_pte() may be a call
 * (paravirt) provides a direct write for the machines it enables dynamic
 * stacks on.
 */
#ifndef arch_dynamic_stack_set_pte
#define arch_dynamic_stack_set_pte(ptep, pte)	set_pte(ptep, pte)
#endif

/*
 * The task this CPU switches to, from the switch-out of the previous task
 * until the switch-in check: __switch_to() and its tracers run on its stack
 * while current is still the previous task.  NULL otherwise.
 */
static DEFINE_PER_CPU(struct task_struct *, dynamic_stack_incoming);

/**
 * dynamic_stack_owner - whose stack is @address on?
 * @address: an address on, or near, the stack in use
 *
 * The task this CPU switches to, if @address is on its stack, else current.
 * No other task's stack is in use on this CPU, and only this CPU populates
 * those two.
 */
noinstr struct task_struct *dynamic_stack_owner(unsigned long address)
{
	struct task_struct *next = raw_cpu_read(dynamic_stack_incoming);

	if (next && address - (unsigned long)next->stack < THREAD_SIZE)
		return next;
	return current;
}

/**
 * dynamic_stack_fault - populate the stack in use up to @address
 * @address: the faulting address
 *
 * The stack is that of the current task, or in the context-switch window,
 * that of the task being switched in if @address is on it: the stack the
 * CPU runs on changes in __switch_to_asm(), current only later in
 * __switch_to().  See dynamic_stack_owner().
 *
 * Called by the architecture's fault entry, on a stack other than the task
 * stack, with interrupts disabled and before anything touches the task
 * stack.  Not-present PTEs are not cached in the TLB, so no flush is needed.
 *
 * A fault raised by an NMI, #MC or #DB handler that interrupted a stack
 * fault or a refill on this CPU is not served: the pool and the stack's
 * page list are half updated.  The caller handles it as any other kernel
 * fault: an access that may fail (copy_from_kernel_nofault()) fails, any
 * other oopses.  Such handlers run on stacks of their own and have no
 * business below the current task's stack pointer.
 *
 * Return: 1 if @address was on an unpopulated page of the current stack and
 * is now populated; 0 if it is not on an unpopulated page of the current
 * stack; -ENOMEM if it is, but the pool cannot cover it, which the switch-in
 * check rules out; -EBUSY if it is, but this CPU is in the middle of a stack
 * fault or a refill.
 */
noinstr int dynamic_stack_fault(unsigned long address)
{
	struct task_struct *tsk = dynamic_stack_owner(address);
	unsigned long base = (unsigned long)tsk->stack;
	struct vm_struct *vm = tsk->stack_vm_area;
	struct dynamic_stack_pool *pool;
	unsigned int idx, nr;
	pte_t **ptes;
	int ret = 0;

	if (!dynamic_stack_enabled() || !vm || address - base >= THREAD_SIZE ||
	    !(vm->flags & VM_SPARSE))
		return 0;

	idx = dynamic_stack_index(base, address);
	if (idx < READ_ONCE(vm->nr_pages))
		return 0;
	if (raw_cpu_read(dynamic_stack_busy))
		return -EBUSY;
	/* An NMI before this completes its own update before we look */
	raw_cpu_write(dynamic_stack_busy, true);
	barrier();

	nr = vm->nr_pages;
	pool = raw_cpu_ptr(&dynamic_stack_pool);
	if (idx < nr)
		goto out;
	ret = -ENOMEM;
	if (idx + 1 - nr > pool->nr)
		goto out;

	ptes = dynamic_stack_map(vm)->ptes;
	for (; nr <= idx; nr++) {
		pool->nr--;
		vm->pages[nr] = pool->pages[pool->nr];
		arch_dynamic_stack_set_pte(ptes[nr], pool->ptes[pool->nr]);
	}
	if (nr == DYNAMIC_STACK_PAGES)
		*end_of_stack(tsk) = STACK_END_MAGIC;
	/* vm->pages[] before vm->nr_pages, for /proc/vmallocinfo */
	smp_store_release(&vm->nr_pages, nr);
	dynamic_stack_count(DYNAMIC_STACK_FAULT);
	ret = 1;
out:
	barrier();
	raw_cpu_write(dynamic_stack_busy, false);
	return ret;
}

#ifdef CONFIG_TEST_DYNAMIC_STACK
/*
 * For the test driver, with interrupts disabled: make this CPU look as if
 * it were in the middle of a stack fault, to check what an NMI sees then.
 */
void dynamic_stack_test_busy(bool busy)
{
	lockdep_assert_irqs_disabled();
	__this_cpu_write(dynamic_stack_busy, busy);
}
#endif

#ifdef CONFIG_MEMCG
/*
 * memcg: a thread stack is charged THREAD_SIZE, dynamic or not.  fork.c
 * charges the populated pages of a dynamic stack one by one, as it does for
 * a vmalloc()ed stack.  A stack fault cannot charge the pages it adds, so the
 * pages a stack does not have yet are charged in advance, in bytes, to the
 * obj_cgroup its top page was charged to, and uncharged when its task exits.
 * A stack fault therefore never takes a cgroup over its limit.
 */
static struct obj_cgroup *dynamic_stack_objcg(struct vm_struct *vm)
{
	struct folio *folio = page_folio(vm->pages[0]);

	if (!is_dynamic_stack(vm) || !folio_memcg_kmem(folio))
		return NULL;
	return __folio_objcg(folio);
}

/*
 * The advance charge is stack memory: memory.stat shows it as kernel_stack,
 * as for a vmalloc()ed stack.  The cgroup's counter only: the node's counts
 * populated pages.
 */
static void dynamic_stack_memcg_stat(struct obj_cgroup *objcg, int pages)
{
	rcu_read_lock();
	mod_memcg_state(obj_cgroup_memcg(objcg),
			(enum memcg_stat_item)NR_KERNEL_STACK_KB,
			pages * (int)(PAGE_SIZE / 1024));
	rcu_read_unlock();
}

/* Called once the populated pages of @vm are charged. */
int dynamic_stack_charge(struct vm_struct *vm)
{
	struct obj_cgroup *objcg = dynamic_stack_objcg(vm);
	unsigned int missing = DYNAMIC_STACK_PAGES - vm->nr_pages;
	int ret;

	if (!objcg || !missing)
		return 0;
	ret = obj_cgroup_charge(objcg, GFP_KERNEL, missing * PAGE_SIZE);
	if (!ret)
		dynamic_stack_memcg_stat(objcg, missing);
	return ret;
}

/*
 * Called before the populated pages of @vm are uncharged.  Pages added by
 * faults since dynamic_stack_charge() are not charged themselves: they are
 * covered by the advance charge, which is what is left uncharged here.
 */
void dynamic_stack_uncharge(struct vm_struct *vm)
{
	struct obj_cgroup *objcg = dynamic_stack_objcg(vm);
	unsigned int i, charged = 0;

	if (!objcg)
		return;
	for (i = 0; i < vm->nr_pages; i++)
		charged += PageMemcgKmem(vm->pages[i]);
	if (charged < DYNAMIC_STACK_PAGES) {
		dynamic_stack_memcg_stat(objcg, -(int)(DYNAMIC_STACK_PAGES - charged));
		obj_cgroup_uncharge(objcg, (DYNAMIC_STACK_PAGES - charged) * PAGE_SIZE);
	}
}
#endif

/* Populated stack pages of @tsk; the caller holds a reference to its stack. */
unsigned int dynamic_stack_populated(struct task_struct *tsk)
{
	struct vm_struct *vm = tsk->stack_vm_area;

	return vm ? READ_ONCE(vm->nr_pages) : DYNAMIC_STACK_PAGES;
}

/**
 * dynamic_stack_populate - populate the whole stack of a task that must run
 * @tsk: a task that is not running, and does not run until this returns
 *
 * For threads that must run whatever their CPU's pool holds: a task whose
 * stack is fully populated never waits at switch-in.  The pages are
 * allocated here, with GFP_KERNEL, and accounted when the task next
 * switches out, as the pages its faults add are.
 *
 * Return: 0, or -ENOMEM.
 */
int dynamic_stack_populate(struct task_struct *tsk)
{
	struct vm_struct *vm = tsk->stack_vm_area;
	struct page *pages[DYNAMIC_STACK_PAGES];
	unsigned int i, nr;
	pte_t **ptes;

	might_sleep();
	if (!vm || !is_dynamic_stack(vm))
		return 0;

	nr = vm->nr_pages;
	for (i = nr; i < DYNAMIC_STACK_PAGES; i++) {
		pages[i] = dynamic_stack_alloc_page(page_to_nid(vm->pages[0]),
						    GFP_KERNEL);
		if (!pages[i]) {
			while (i-- > nr)
				dynamic_stack_free_page(pages[i]);
			return -ENOMEM;
		}
	}

	ptes = dynamic_stack_map(vm)->ptes;
	for (i = nr; i < DYNAMIC_STACK_PAGES; i++) {
		vm->pages[i] = pages[i];
		set_pte(ptes[i], mk_pte(pages[i], PAGE_KERNEL));
	}
	if (nr < DYNAMIC_STACK_PAGES)
		*end_of_stack(tsk) = STACK_END_MAGIC;
	/* vm->pages[] before vm->nr_pages, for /proc/vmallocinfo */
	smp_store_release(&vm->nr_pages, DYNAMIC_STACK_PAGES);
	return 0;
}

/**
 * dynamic_stack_account_pages - pages to (un)account at fork or exit
 * @vm: the stack
 * @account: 1 when the stack is given to a task, -1 when its task exits
 *
 * Return: how many of vm->pages[] the caller is to add to, or subtract
 * from, NR_KERNEL_STACK_KB: those populated when the stack is given to its
 * task, and at exit those accounted so far.  Pages added after the exit
 * accounting are not accounted, and are again when the stack is reused.
 */
unsigned int dynamic_stack_account_pages(struct vm_struct *vm, int account)
{
	struct dynamic_stack_map *map;
	unsigned int nr;

	if (!is_dynamic_stack(vm))
		return vm->nr_pages;

	map = dynamic_stack_map(vm);
	/* Exit runs in the task itself: keep its switch-out out of the way */
	preempt_disable();
	nr = account > 0 ? READ_ONCE(vm->nr_pages) : map->nr_accounted;
	map->nr_accounted = account > 0 ? nr : 0;
	preempt_enable();
	return nr;
}

#ifdef CONFIG_TEST_DYNAMIC_STACK
/*
 * For the test driver: how deep is a task's stack used below the point
 * where it switches out, before its switch-in check?  While measuring, a
 * task switching out has its stack populated and painted for
 * DYNAMIC_STACK_MEASURE_SPAN bytes below its stack pointer; at its
 * switch-in check, the lowest word that is no longer paint is the deepest
 * use.  That covers the rest of its switch-out path, __switch_to() and
 * everything that runs before the check, tracers and lockdep included.
 */
#define DYNAMIC_STACK_MEASURE_SPAN	4096
#define DYNAMIC_STACK_PAINT		0x5ac4d1e95ac4d1e9UL
/* Not measured: the words just below the painting function's frame */
#define DYNAMIC_STACK_PAINT_GAP		64

static DEFINE_STATIC_KEY_FALSE(dynamic_stack_measure_key);
static unsigned long dynamic_stack_measure_gen;
static atomic_long_t dynamic_stack_measure_samples;
static atomic_long_t dynamic_stack_measure_overruns;
static atomic_long_t dynamic_stack_measure_max;

static __always_inline unsigned long dynamic_stack_switch_span(void)
{
	if (static_branch_unlikely(&dynamic_stack_measure_key))
		return DYNAMIC_STACK_MEASURE_SPAN;
	return DYNAMIC_STACK_SWITCH_SLACK;
}

/* At switch-out, once the span below @sp is populated: paint it */
static __always_inline void dynamic_stack_measure_out(struct vm_struct *vm,
						      unsigned long sp)
{
	struct dynamic_stack_map *map = dynamic_stack_map(vm);
	unsigned long *lo, *hi, *p;

	if (!static_branch_unlikely(&dynamic_stack_measure_key))
		return;
	lo = dynamic_stack_lowest_word(current);
	if ((unsigned long)lo < sp - DYNAMIC_STACK_MEASURE_SPAN)
		lo = (unsigned long *)(sp - DYNAMIC_STACK_MEASURE_SPAN);
	/* No call from here on: nothing else writes below the stack pointer */
	hi = (unsigned long *)(current_stack_pointer - DYNAMIC_STACK_PAINT_GAP);
	if (lo >= hi)
		return;
	for (p = lo; p < hi; p++)
		*p = DYNAMIC_STACK_PAINT;
	map->paint_lo = lo;
	map->switch_sp = sp;
	map->measure_gen = READ_ONCE(dynamic_stack_measure_gen);
}

/* At the switch-in check: how deep did the paint get used? */
static __always_inline void dynamic_stack_measure_in(void)
{
	struct vm_struct *vm = current->stack_vm_area;
	struct dynamic_stack_map *map;
	unsigned long depth, max, *p, *hi;

	if (!static_branch_unlikely(&dynamic_stack_measure_key) || !vm ||
	    !is_dynamic_stack(vm))
		return;
	map = dynamic_stack_map(vm);
	if (!map->switch_sp ||
	    map->measure_gen != READ_ONCE(dynamic_stack_measure_gen))
		return;

	hi = (unsigned long *)(map->switch_sp - DYNAMIC_STACK_PAINT_GAP);
	for (p = map->paint_lo; p < hi && *p == DYNAMIC_STACK_PAINT; p++)
		;
	if (p == map->paint_lo)
		atomic_long_inc(&dynamic_stack_measure_overruns);
	depth = map->switch_sp - (unsigned long)p;
	max = atomic_long_read(&dynamic_stack_measure_max);
	while (depth > max &&
	       !atomic_long_try_cmpxchg(&dynamic_stack_measure_max, &max, depth))
		;
	atomic_long_inc(&dynamic_stack_measure_samples);
	map->switch_sp = 0;
}

/* Start (discarding earlier results) or stop measuring. */
void dynamic_stack_test_measure(bool on)
{
	if (!on) {
		static_branch_disable(&dynamic_stack_measure_key);
		return;
	}
	WRITE_ONCE(dynamic_stack_measure_gen, dynamic_stack_measure_gen + 1);
	atomic_long_set(&dynamic_stack_measure_samples, 0);
	atomic_long_set(&dynamic_stack_measure_overruns, 0);
	atomic_long_set(&dynamic_stack_measure_max, 0);
	static_branch_enable(&dynamic_stack_measure_key);
}

void dynamic_stack_test_depth(struct dynamic_stack_switch_depth *d)
{
	d->samples = atomic_long_read(&dynamic_stack_measure_samples);
	d->overruns = atomic_long_read(&dynamic_stack_measure_overruns);
	d->max = atomic_long_read(&dynamic_stack_measure_max);
	d->span = DYNAMIC_STACK_MEASURE_SPAN;
	d->slack = DYNAMIC_STACK_SWITCH_SLACK;
}
#else
static __always_inline unsigned long dynamic_stack_switch_span(void)
{
	return DYNAMIC_STACK_SWITCH_SLACK;
}

static inline void dynamic_stack_measure_out(struct vm_struct *vm,
					     unsigned long sp) { }
static inline void dynamic_stack_measure_in(void) { }
#endif

/*
 * Called in prepare_task_switch() for the task being switched out, which
 * is still current, with interrupts disabled; @next is the task this CPU
 * switches to.
 *
 * The task's stack is also used below the point where it switches out
 * before its switch-in check has run: the rest of its switch-out path, and
 * when it is switched in again, __switch_to() (before current changes) and
 * whatever tracer, perf or lockdep hook runs there.  Populate
 * DYNAMIC_STACK_SWITCH_SLACK bytes below the stack pointer now, out of the
 * task's own budget, so that it does not fault there.  A deeper excursion
 * (a tracer callback that uses more) faults in that window, and the fault
 * is served on the incoming task's stack, from the pool: see
 * dynamic_stack_owner().  Then account the pages its faults added since it
 * last switched out.
 */
void __dynamic_stack_sched_out(struct task_struct *next)
{
	struct task_struct *tsk = current;
	struct vm_struct *vm = tsk->stack_vm_area;
	struct dynamic_stack_map *map;
	unsigned long floor = (unsigned long)tsk->stack;
	unsigned long sp = current_stack_pointer;
	unsigned long span = dynamic_stack_switch_span();
	unsigned int i, nr;

	__this_cpu_write(dynamic_stack_incoming, next);
	if (!vm || !is_dynamic_stack(vm) || READ_ONCE(tsk->__state) == TASK_DEAD)
		return;

	if (sp - floor > span)
		floor = sp - span;
	dynamic_stack_fault(floor);

	map = dynamic_stack_map(vm);
	nr = READ_ONCE(vm->nr_pages);
	if (map->nr_accounted && map->nr_accounted != nr) {
		/* Not charged to a memcg: see dynamic_stack_charge() */
		for (i = map->nr_accounted; i < nr; i++)
			mod_node_page_state(page_pgdat(vm->pages[i]),
					    NR_KERNEL_STACK_KB, PAGE_SIZE / 1024);
		map->nr_accounted = nr;
	}
	dynamic_stack_measure_out(vm, sp);
}

/*
 * The exhaustion policy.  Called first in finish_task_switch() for the
 * incoming task, now current, with interrupts still disabled, before it
 * runs deeper than DYNAMIC_STACK_SWITCH_SLACK below the point where it
 * switched out (or, for a new task, than its populated top page).  While
 * the pool cannot cover every page the task may still fault in, the task
 * is sent straight back into the scheduler.  Other tasks are switched in
 * meanwhile, and the refill runs as soon as interrupts are enabled.
 *
 * Not traced, and no traced call before the pool is read, to keep the
 * window this closes short: its faults are served (see
 * dynamic_stack_owner()), but take pages the check has not budgeted.
 */
notrace void __dynamic_stack_sched_in(void)
{
	struct dynamic_stack_pool *pool = this_cpu_ptr(&dynamic_stack_pool);
	struct vm_struct *vm = current->stack_vm_area;
	unsigned int free = READ_ONCE(pool->nr);
	unsigned int missing = vm ? DYNAMIC_STACK_PAGES - READ_ONCE(vm->nr_pages) : 0;

	__this_cpu_write(dynamic_stack_incoming, NULL);
	dynamic_stack_measure_in();

	/* Not on a CPU going down: the refill would never run there */
	if (free < DYNAMIC_STACK_POOL_PAGES && cpu_online(smp_processor_id()))
		irq_work_queue(&pool->refill);

	if (unlikely(free < missing)) {
		count_vm_event(DYNAMIC_STACK_WAIT);
		set_tsk_need_resched(current);
		set_preempt_need_resched();
	}
}

/* The lowest populated word of @tsk's stack. */
unsigned long *dynamic_stack_lowest_word(struct task_struct *tsk)
{
	unsigned int nr = dynamic_stack_populated(tsk);

	return (unsigned long *)((unsigned long)tsk->stack + THREAD_SIZE -
				 nr * PAGE_SIZE);
}

/* Is the word STACK_END_MAGIC lives in populated? */
bool dynamic_stack_end_present(struct task_struct *tsk)
{
	return dynamic_stack_populated(tsk) == DYNAMIC_STACK_PAGES;
}

/**
 * dynamic_stack_get_counts - page counts for leak checks
 * @counts: filled with the pages owned by dynamic stacks and pools, the
 *	    pages of cached stacks, and the free pages in the pools and the
 *	    reserve
 *
 * Waits for stacks already on their way to be freed, so that on a quiet
 * system owned == pages of live tasks' dynamic stacks + cached + pool.
 */
void dynamic_stack_get_counts(struct dynamic_stack_counts *counts)
{
	int cpu;

	rcu_barrier();
	flush_work(&dynamic_stack_free_wq);

	counts->owned = atomic_long_read(&dynamic_stack_owned);
	counts->cached = atomic_long_read(&dynamic_stack_cached);
	counts->pool = 0;
	for_each_possible_cpu(cpu)
		counts->pool += READ_ONCE(per_cpu(dynamic_stack_pool, cpu).nr);
	counts->pool += READ_ONCE(dynamic_stack_reserve.nr);
}

/* The number of free pages in @cpu's pool. */
unsigned int dynamic_stack_pool_free(int cpu)
{
	return READ_ONCE(per_cpu(dynamic_stack_pool, cpu).nr);
}

static int __init dynamic_stack_init(void)
{
	int cpu, ret;

	if (!dynamic_stack_param)
		dynamic_stack_off_reason = "dynamic_stack=off";
	if (!dynamic_stack_param || !dynamic_stack_arch_ok) {
		pr_info("disabled (%s)\n", dynamic_stack_off_reason);
		return 0;
	}

	for_each_possible_cpu(cpu)
		init_irq_work(per_cpu_ptr(&dynamic_stack_pool.refill, cpu),
			      dynamic_stack_refill);

	ret = cpuhp_setup_state(CPUHP_BP_PREPARE_DYN, "mm/dynamic_stack:prepare",
				dynamic_stack_cpu_prepare,
				dynamic_stack_cpu_dead);
	if (ret < 0) {
		pr_err("disabled: cannot fill the per-CPU pools (%d)\n", ret);
		return ret;
	}

	/* Before the feature is on: its own stack is fully populated */
	dynamic_stack_reserve_task = kthread_run(dynamic_stack_reserve_thread,
						 NULL, "kdynstackd");
	if (IS_ERR(dynamic_stack_reserve_task)) {
		pr_err("disabled: cannot start the reserve thread (%ld)\n",
		       PTR_ERR(dynamic_stack_reserve_task));
		/* Frees the pools */
		cpuhp_remove_state(ret);
		return PTR_ERR(dynamic_stack_reserve_task);
	}

#ifdef CONFIG_FAULT_INJECTION_DEBUG_FS
	fault_create_debugfs_attr("fail_dynamic_stack_refill", NULL,
				  &fail_dynamic_stack_refill);
#endif

	static_branch_enable(&dynamic_stack_key);
	pr_info("enabled, %d of %lu stack pages populated at fork, %lu pages per CPU pool\n",
		DYNAMIC_STACK_INIT_PAGES, DYNAMIC_STACK_PAGES,
		DYNAMIC_STACK_POOL_PAGES);
	return 0;
}

/*
 * Late, so that idle threads and the threads created while booting keep
 * fully populated stacks.
 */
late_initcall(dynamic_stack_init);
