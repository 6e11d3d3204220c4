// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel tests for dynamic kernel stacks, run through debugfs by
 * tools/testing/selftests/dynamic_stack:
 *
 *  run    write a test name ("kthread", "irq", "irq_edge", "preempt",
 *         "refill"); the
 *         write succeeds if the test passed, details go to the kernel log
 *  deep   write N: the writing thread uses its kernel stack down to N bytes
 *         below the top, touching every page on the way
 *  audit  read page counts; "leaked" must be 0 on a quiet system
 *  overflow  write anything: the writing thread overflows its stack into
 *         the guard page on purpose, which must be reported as a stack
 *         overflow (for a boot of its own: the kernel dies)
 *
 * See Documentation/mm/dynamic-stack.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dynamic_stack.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/init.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_X86_LOCAL_APIC
#include <asm/apic.h>
#endif

/* Stay this far above the bottom of the stack: room for calls and entries. */
#define DEEP_RESERVE	2048
#define DEEP_MAX	(THREAD_SIZE - DEEP_RESERVE)
#define DEEP_FRAME	256
#define GROW_THREADS	4

static unsigned long stack_depth(void)
{
	return (unsigned long)task_stack_page(current) + THREAD_SIZE -
	       current_stack_pointer;
}

/* Recurse until the stack is @depth bytes deep; each frame touches itself. */
static noinline int use_stack(unsigned long depth)
{
	char frame[DEEP_FRAME];
	int ret = 0;

	frame[0] = 1;
	frame[DEEP_FRAME - 1] = 1;
	barrier_data(frame);
	if (stack_depth() < depth)
		ret = use_stack(depth);
	/* Keep the frame live across the call: no tail call. */
	return ret + frame[0] - 1;
}

/* Pages from the top of the stack that a depth of @depth bytes touches. */
static unsigned int pages_for(unsigned long depth)
{
	return DIV_ROUND_UP(depth, PAGE_SIZE);
}

/*
 * Grow the current stack page by page, checking at each step that the
 * pages above the deepest point are populated, and at the end that the
 * stack is whole and its end marker is in place.
 */
static int grow_in_steps(const char *who, bool yield)
{
	unsigned int before = dynamic_stack_populated(current);
	unsigned long depth;

	if (before < DYNAMIC_STACK_INIT_PAGES) {
		pr_err("%s: %u pages populated at start\n", who, before);
		return -EINVAL;
	}

	for (depth = PAGE_SIZE / 2; depth <= DEEP_MAX; depth += PAGE_SIZE / 2) {
		unsigned int now;

		use_stack(depth);
		now = dynamic_stack_populated(current);
		if (now < pages_for(depth)) {
			pr_err("%s: depth %lu: %u pages populated, want >= %u\n",
			       who, depth, now, pages_for(depth));
			return -EINVAL;
		}
		if (yield)
			cond_resched();
	}

	if (dynamic_stack_populated(current) != DYNAMIC_STACK_PAGES ||
	    task_stack_end_corrupted(current)) {
		pr_err("%s: %u pages populated at the end, end marker %s\n",
		       who, dynamic_stack_populated(current),
		       task_stack_end_corrupted(current) ? "bad" : "ok");
		return -EINVAL;
	}
	return 0;
}

/* After a deep excursion, this CPU's pool must be full again within 1 s. */
static int wait_for_refill(const char *who)
{
	int cpu = raw_smp_processor_id();
	int i;

	/* Every switch back to this thread checks and refills the pool. */
	for (i = 0; i < 50; i++) {
		if (dynamic_stack_pool_free(cpu) == DYNAMIC_STACK_POOL_PAGES)
			return 0;
		msleep(20);
	}
	pr_err("%s: pool of CPU %d holds %u of %lu pages after 1 s\n", who,
	       cpu, dynamic_stack_pool_free(cpu), DYNAMIC_STACK_POOL_PAGES);
	return -EINVAL;
}

struct grow_arg {
	const char *who;
	bool yield;
	bool refill;
	struct completion *start;
	int result;
	struct completion done;
};

static int grow_thread(void *data)
{
	struct grow_arg *arg = data;

	wait_for_completion(arg->start);
	arg->result = grow_in_steps(arg->who, arg->yield);
	if (!arg->result && arg->refill)
		arg->result = wait_for_refill(arg->who);
	complete(&arg->done);
	return 0;
}

/*
 * Run grow_in_steps() in @n new kernel threads on @cpu (or any CPU if < 0),
 * rescheduling between steps if @yield, then checking the refill if @refill.
 */
static int run_growers(const char *who, unsigned int n, int cpu, bool yield,
		       bool refill)
{
	struct grow_arg args[GROW_THREADS];
	DECLARE_COMPLETION_ONSTACK(start);
	unsigned int i, started = 0;
	int ret = 0;

	for (i = 0; i < n; i++) {
		struct task_struct *t;

		args[i] = (struct grow_arg){ .who = who, .yield = yield,
					     .refill = refill, .start = &start };
		init_completion(&args[i].done);
		t = kthread_create(grow_thread, &args[i], "dstack_%s/%u", who, i);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		if (cpu >= 0)
			kthread_bind(t, cpu);
		wake_up_process(t);
		started++;
	}

	complete_all(&start);
	for (i = 0; i < started; i++) {
		wait_for_completion(&args[i].done);
		if (!ret)
			ret = args[i].result;
	}
	return ret;
}

static int test_kthread(void)
{
	return run_growers("kthread", 1, -1, false, false);
}

static atomic_t timer_fires;

static enum hrtimer_restart irq_timer_fn(struct hrtimer *timer)
{
	atomic_inc(&timer_fires);
	hrtimer_forward_now(timer, ns_to_ktime(20 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* Start a 20 us timer on this CPU, counting in timer_fires; return the CPU */
static int start_irq_timer(struct hrtimer *timer)
{
	int cpu = get_cpu();

	atomic_set(&timer_fires, 0);
	hrtimer_init_on_stack(timer, CLOCK_MONOTONIC,
			      HRTIMER_MODE_REL_PINNED_HARD);
	timer->function = irq_timer_fn;
	hrtimer_start(timer, ns_to_ktime(20 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	put_cpu();
	return cpu;
}

static void stop_irq_timer(struct hrtimer *timer)
{
	hrtimer_cancel(timer);
	destroy_hrtimer_on_stack(timer);
}

/* Grow stacks while a 20 us timer interrupts the CPU they grow on. */
static int test_irq(void)
{
	struct hrtimer timer;
	int cpu, i, ret = 0;

	cpu = start_irq_timer(&timer);
	for (i = 0; i < 8 && !ret; i++)
		ret = run_growers("irq", 1, cpu, false, false);
	stop_irq_timer(&timer);

	if (!ret && !atomic_read(&timer_fires)) {
		pr_err("irq: the timer never fired\n");
		ret = -EINVAL;
	}
	pr_info("irq: %d timer interrupts during the test\n",
		atomic_read(&timer_fires));
	return ret;
}

#ifdef CONFIG_X86_LOCAL_APIC
/*
 * The first write to a stack page can be the CPU pushing the frame of an
 * external interrupt it has already accepted.  Wait for the timer with the
 * stack pointer just above the unpopulated part of the stack, interrupts
 * on and nothing below the stack pointer touched: the frame of the next
 * interrupt (40 bytes below the 16-byte aligned stack pointer) crosses
 * into the unpopulated page.  The interrupt must still reach its handler,
 * and leave nothing in service in the local APIC.
 */
#define EDGE_GAP	16
#define EDGE_SPINS	(200 * 1000 * 1000UL)

static noinline int sit_at_edge(unsigned long edge)
{
	int old = atomic_read(&timer_fires);
	unsigned long spins;
	u8 *below;

	/* No calls from here on: a call's frame would fault in the page. */
	below = __builtin_alloca(current_stack_pointer - edge - EDGE_GAP);
	barrier_data(below);
	if (current_stack_pointer <= edge ||
	    current_stack_pointer > edge + EDGE_GAP + 16)
		return -ERANGE;

	for (spins = 0; spins < EDGE_SPINS; spins++) {
		if (atomic_read(&timer_fires) != old)
			return 0;
		cpu_relax();
	}
	return -ETIMEDOUT;
}

static bool apic_in_service(void)
{
	unsigned int i;

	for (i = 0; i < APIC_ISR_NR; i++) {
		if (apic_read(APIC_ISR + i * 0x10))
			return true;
	}
	return false;
}

struct edge_arg {
	int result;
	unsigned int before;
	unsigned int after;
	bool in_service;
	struct task_struct *task;
	struct completion go;
	struct completion done;
};

static int edge_thread(void *data)
{
	struct edge_arg *arg = data;
	unsigned long top = (unsigned long)task_stack_page(current) + THREAD_SIZE;

	wait_for_completion(&arg->go);
	arg->before = dynamic_stack_populated(current);
	if (arg->before < DYNAMIC_STACK_PAGES)
		arg->result = sit_at_edge(top - arg->before * PAGE_SIZE);
	arg->after = dynamic_stack_populated(current);
	local_irq_disable();
	arg->in_service = apic_in_service();
	local_irq_enable();
	complete(&arg->done);

	/* Keep the stack until all have run: a stack from the cache is grown */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int check_edge(struct edge_arg *arg)
{
	if (arg->before == DYNAMIC_STACK_PAGES)
		return 0;
	if (arg->result == -ETIMEDOUT)
		pr_err("irq_edge: the timer interrupt never arrived\n");
	else if (arg->result)
		pr_err("irq_edge: could not place the stack pointer\n");
	if (arg->result || arg->after != arg->before + 1 || arg->in_service) {
		pr_err("irq_edge: pages %u -> %u, APIC ISR %s\n", arg->before,
		       arg->after, arg->in_service ? "not clear" : "clear");
		return -EINVAL;
	}
	return 1;
}

/*
 * More threads than the stack cache holds are alive at once, so that most
 * get a new stack, with one populated page; the others are skipped.
 */
#define EDGE_THREADS	8

static int test_irq_edge(void)
{
	struct edge_arg *args;
	struct hrtimer timer;
	int cpu, i, started = 0, tested = 0, ret = 0;

	args = kcalloc(EDGE_THREADS, sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;

	cpu = start_irq_timer(&timer);
	for (i = 0; i < EDGE_THREADS; i++) {
		struct task_struct *t;

		init_completion(&args[i].go);
		init_completion(&args[i].done);
		t = kthread_create(edge_thread, &args[i], "dstack_edge/%d", i);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		kthread_bind(t, cpu);
		args[i].task = t;
		wake_up_process(t);
		started++;
	}

	/* One at a time, so that each waits for an interrupt of its own */
	for (i = 0; i < started; i++) {
		int r;

		complete(&args[i].go);
		wait_for_completion(&args[i].done);
		r = check_edge(&args[i]);
		if (r < 0 && !ret)
			ret = r;
		tested += r > 0;
	}
	for (i = 0; i < started; i++)
		kthread_stop(args[i].task);

	stop_irq_timer(&timer);
	kfree(args);

	pr_info("irq_edge: %d of %d threads had an unpopulated page to test\n",
		tested, started);
	if (!ret && !tested)
		ret = -EINVAL;
	return ret;
}
#endif

/* Several threads on one CPU grow in turns, rescheduling between steps. */
static int test_preempt(void)
{
	return run_growers("preempt", GROW_THREADS, raw_smp_processor_id(),
			   true, false);
}

static int test_refill(void)
{
	return run_growers("refill", 1, raw_smp_processor_id(), false, true);
}

static const struct {
	const char *name;
	int (*fn)(void);
} tests[] = {
	{ "kthread", test_kthread },
	{ "irq", test_irq },
#ifdef CONFIG_X86_LOCAL_APIC
	{ "irq_edge", test_irq_edge },
#endif
	{ "preempt", test_preempt },
	{ "refill", test_refill },
};

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	char name[16];
	unsigned int i;
	int ret;

	if (!dynamic_stack_enabled())
		return -EOPNOTSUPP;
	if (count >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, count))
		return -EFAULT;
	name[count] = '\0';
	strim(name);

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (strcmp(name, tests[i].name))
			continue;
		ret = tests[i].fn();
		pr_info("%s: %s\n", name, ret ? "FAIL" : "ok");
		return ret ? ret : count;
	}
	return -EINVAL;
}

static const struct file_operations run_fops = {
	.write = run_write,
	.llseek = noop_llseek,
};

static ssize_t deep_write(struct file *file, const char __user *ubuf,
			  size_t count, loff_t *ppos)
{
	unsigned long depth;
	int ret;

	ret = kstrtoul_from_user(ubuf, count, 0, &depth);
	if (ret)
		return ret;
	if (!depth || depth > DEEP_MAX)
		return -EINVAL;

	use_stack(depth);
	return count;
}

static const struct file_operations deep_fops = {
	.write = deep_write,
	.llseek = noop_llseek,
};

static ssize_t overflow_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	pr_emerg("overflowing the kernel stack of %s/%d on purpose\n",
		 current->comm, task_pid_nr(current));
	use_stack(THREAD_SIZE + PAGE_SIZE);
	pr_err("the stack overflow went unnoticed\n");
	return -EIO;
}

static const struct file_operations overflow_fops = {
	.write = overflow_write,
	.llseek = noop_llseek,
};

static int audit_show(struct seq_file *m, void *v)
{
	struct dynamic_stack_counts counts;
	struct task_struct *g, *t;
	long live = 0;

	dynamic_stack_get_counts(&counts);

	rcu_read_lock();
	for_each_process_thread(g, t) {
		struct vm_struct *vm;

		if (!try_get_task_stack(t))
			continue;
		vm = t->stack_vm_area;
		if (vm && is_dynamic_stack(vm))
			live += READ_ONCE(vm->nr_pages);
		put_task_stack(t);
	}
	rcu_read_unlock();

	seq_printf(m, "owned %ld\nlive %ld\ncached %ld\npool %ld\nleaked %ld\n",
		   counts.owned, live, counts.cached, counts.pool,
		   counts.owned - live - counts.cached - counts.pool);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(audit);

static int __init test_dynamic_stack_init(void)
{
	struct dentry *dir = debugfs_create_dir("test_dynamic_stack", NULL);

	debugfs_create_file("run", 0200, dir, NULL, &run_fops);
	debugfs_create_file("deep", 0200, dir, NULL, &deep_fops);
	debugfs_create_file("audit", 0400, dir, NULL, &audit_fops);
	debugfs_create_file("overflow", 0200, dir, NULL, &overflow_fops);
	return 0;
}
late_initcall(test_dynamic_stack_init);
