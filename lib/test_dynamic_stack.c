// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel tests for dynamic kernel stacks, run through debugfs by
 * tools/testing/selftests/dynamic_stack:
 *
 *  run    write a test name ("kthread", "irq", "irq_edge", "uaccess_edge",
 *         "ist_nest", "nmi_reentry", "preempt", "refill", "stack_usage");
 *         the write succeeds if the test passed, fails with EOPNOTSUPP if
 *         it does not apply here, details go to the kernel log
 *  deep   write N: the writing thread uses its kernel stack down to N bytes
 *         below the top, touching every page on the way
 *  audit  read page counts; "leaked" must be 0 on a quiet system
 *  overflow  write anything: the writing thread overflows its stack into
 *         the guard page on purpose, which must be reported as a stack
 *         overflow (for a boot of its own: the kernel dies)
 *  kcore  read "ADDR WORDS BASE": the reading thread has left WORDS words
 *         at ADDR, deep in its stack (which starts at BASE), word i being
 *         0x4b434f5245535441 ^ (ADDR + 8 * i), for a reader of /proc/kcore
 *  stack_size  THREAD_SIZE, in bytes
 *  switch_depth  write 1 to start measuring how deep stacks are used below
 *         the point where their task switched out, before its switch-in
 *         check, 0 to stop; read the deepest use in bytes and the slack
 *  switch_probe  (x86-64) write N: a probe on the x86_fpu_regs_deactivated
 *         tracepoint, which fires in __switch_to() on the incoming task's
 *         stack while current is still the outgoing task, uses N more
 *         bytes of that stack, as a deep tracer callback would; 0 removes
 *         it; read how often it ran, and how often on a stack that was
 *         not current's (in the window)
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
#include <linux/mman.h>
#include <linux/mm.h>
#include <linux/mutex.h>
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
#ifdef CONFIG_X86_64
#include <asm/cpu_entry_area.h>
#include <asm/nmi.h>
#include <asm/processor.h>
#include <asm/trace/fpu.h>
#include <asm/traps.h>
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

/*
 * Not instrumented by KASAN, which would put redzones around the alloca()
 * and so move the stack pointer past the edge (here and in uedge_store()).
 */
static noinline __no_sanitize_address int sit_at_edge(unsigned long edge)
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

/* A test thread's end: sleep, keeping its stack, until kthread_stop(). */
static int sleep_until_stopped(void)
{
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

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
	return sleep_until_stopped();
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

/*
 * A fault that is not a stack fault, raised with the stack pointer just
 * above the unpopulated part of the stack: on x86-64 the #PF IST entry
 * copies pt_regs where the CPU would have pushed them, just above that edge,
 * and the page fault handler runs from there, so its first pushes may be the
 * first writes to the unpopulated page.  The stack fault they raise must not
 * change which address the handler serves.
 *
 * Each thread stores to a fresh page of an anonymous mapping of the writing
 * task, with the stack pointer at a distance of its own from the edge, so
 * that the copied pt_regs land at every place from the edge to UEDGE_SPAN
 * bytes above it.  Every store must succeed and be seen by a later read.
 */
#define UEDGE_SPAN	256
#define UEDGE_STEP	8
#define UEDGE_ROUNDS	3
#define UEDGE_OFFSETS	(UEDGE_SPAN / UEDGE_STEP + 1)
/* One thread for each offset and way of storing, alive at once */
#define UEDGE_THREADS	(2 * UEDGE_OFFSETS)
#define UEDGE_MAGIC	0x5ac4ed9e5ac4ed9eULL
/* Room for this function's own frame above the wanted stack pointer */
#define UEDGE_ROOM	128

struct uedge_arg {
	struct mm_struct *mm;
	u64 __user *uptr;
	unsigned long off;	/* wanted distance of the copy from the edge */
	bool copy;		/* copy_to_user(), else unsafe_put_user() */
	int result;		/* 0, -EFAULT, or 1 when skipped */
	long placed;		/* where the copy goes, relative to the edge */
	struct completion done;
};

/*
 * Move the stack pointer to @want with nothing below it touched, and store
 * to user space from there without a call (or, for copy_to_user(), with
 * the calls it makes).
 */
static noinline __no_sanitize_address int
uedge_store(struct uedge_arg *arg, unsigned long want, unsigned long *sp)
{
	u64 val = UEDGE_MAGIC;
	u8 *below;

	below = __builtin_alloca(current_stack_pointer - want);
	barrier_data(below);
	*sp = current_stack_pointer;

	if (arg->copy)
		return copy_to_user(arg->uptr, &val, sizeof(val)) ? -EFAULT : 0;

	if (!user_access_begin(arg->uptr, sizeof(val)))
		return -EFAULT;
	unsafe_put_user(val, arg->uptr, efault);
	user_access_end();
	return 0;
efault:
	user_access_end();
	return -EFAULT;
}

static int uedge_thread(void *data)
{
	struct uedge_arg *arg = data;
	unsigned long top = (unsigned long)task_stack_page(current) + THREAD_SIZE;
	unsigned int nr = dynamic_stack_populated(current);
	unsigned long edge = top - nr * PAGE_SIZE;
	/* The 16-byte aligned RSP the copy of pt_regs is pushed below */
	unsigned long want = edge + arg->off + sizeof(struct pt_regs);
	unsigned long sp = 0;

	arg->result = 1;
	if (nr < DYNAMIC_STACK_PAGES &&
	    current_stack_pointer > want + UEDGE_ROOM) {
		kthread_use_mm(arg->mm);
		arg->result = uedge_store(arg, want, &sp);
		kthread_unuse_mm(arg->mm);
		arg->placed = (long)(ALIGN_DOWN(sp, 16) - sizeof(struct pt_regs)) -
			      (long)edge;
	}
	complete(&arg->done);

	/* Keep the stack until all have run, as edge_thread() does */
	return sleep_until_stopped();
}

/*
 * One round: a thread per offset and way of storing, each to a page of its
 * own at @map.  Returns the number of failed stores, or an error.
 */
static int uedge_round(struct uedge_arg *args, unsigned long map,
		       unsigned long *placed, unsigned int *tested)
{
	struct task_struct *tasks[UEDGE_THREADS];
	int i, started, failures = 0;

	for (i = 0; i < UEDGE_THREADS; i++) {
		struct uedge_arg *arg = &args[i];

		*arg = (struct uedge_arg){
			.mm = current->mm,
			.uptr = (u64 __user *)(map + i * PAGE_SIZE),
			.off = (i / 2) * UEDGE_STEP,
			.copy = i & 1,
		};
		init_completion(&arg->done);
	}

	/* One at a time, all kept alive: most get a new stack */
	for (started = 0; started < UEDGE_THREADS; started++) {
		tasks[started] = kthread_run(uedge_thread, &args[started],
					     "dstack_uedge/%d", started);
		if (IS_ERR(tasks[started])) {
			failures = PTR_ERR(tasks[started]);
			break;
		}
		wait_for_completion(&args[started].done);
	}
	for (i = 0; i < started; i++)
		kthread_stop(tasks[i]);
	if (failures)
		return failures;

	for (i = 0; i < UEDGE_THREADS; i++) {
		struct uedge_arg *arg = &args[i];
		u64 val = 0;

		if (arg->result == 1)
			continue;
		(*tested)++;
		if (!arg->copy && arg->placed >= 0 && arg->placed <= UEDGE_SPAN)
			__set_bit(arg->placed / 16, placed);
		if (arg->result) {
			pr_err("uaccess_edge: %s returned %d, pt_regs copied %ld bytes above the edge\n",
			       arg->copy ? "copy_to_user()" : "unsafe_put_user()",
			       arg->result, arg->placed);
			failures++;
		} else if (get_user(val, arg->uptr) || val != UEDGE_MAGIC) {
			pr_err("uaccess_edge: the store with pt_regs copied %ld bytes above the edge did not land\n",
			       arg->placed);
			failures++;
		}
	}
	return failures;
}

static int test_uaccess_edge(void)
{
	DECLARE_BITMAP(placed, UEDGE_SPAN / 16 + 1) = { 0 };
	size_t len = UEDGE_THREADS * PAGE_SIZE;
	unsigned int tested = 0, failed = 0, i;
	struct uedge_arg *args;
	int round, ret = 0;
	unsigned long map;

	args = kcalloc(UEDGE_THREADS, sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;

	for (round = 0; round < UEDGE_ROUNDS; round++) {
		/* Fresh pages for every store */
		map = vm_mmap(NULL, 0, len, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, 0);
		if (IS_ERR_VALUE(map)) {
			ret = (int)map;
			break;
		}
		ret = uedge_round(args, map, placed, &tested);
		vm_munmap(map, len);
		if (ret < 0)
			break;
		failed += ret;
		ret = 0;
	}
	kfree(args);
	if (ret)
		return ret;

	pr_info("uaccess_edge: %u stores near the stack edge, %u failed\n",
		tested, failed);
	if (failed)
		return -EFAULT;

	/* The copy of pt_regs is 8 bytes off a 16-byte boundary */
	for (i = 0; i < UEDGE_SPAN / 16; i++) {
		if (!test_bit(i, placed)) {
			pr_err("uaccess_edge: no store with pt_regs copied %u bytes above the edge\n",
			       i * 16 + 8);
			return -EINVAL;
		}
	}
	return 0;
}

#ifdef CONFIG_X86_64
/*
 * Nesting on the #PF IST stack (x86-64 without FRED): a #DB raised in the
 * window where a kernel #PF still runs on its IST stack shifts the #PF IST
 * entry below that frame; an NMI that then hits the #DB handler finds the
 * #PF frame through the #DB frame and shifts the entry again.  Each shift
 * must go below every entry still in use, and the exits must put the entry
 * back exactly where it was.  Played here with pt_regs made up for the #DB
 * and the NMI, on this CPU's real #PF IST stack and TSS, with interrupts
 * off: a real #PF meanwhile is delivered below the shifted entry.
 */
static u64 ist_entry(void)
{
	return this_cpu_read(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF]);
}

static int test_ist_nest(void)
{
	struct pt_regs db_regs = {}, nmi_regs = {}, db_frame_saved;
	unsigned long top, pf_frame, db_entry, nmi_entry, after;
	struct pt_regs *db_frame;
	unsigned long flags;
	int ret = 0;

	if (!pf_ist_enabled)
		return -EOPNOTSUPP;

	/* No stack fault in the middle of it */
	use_stack(2 * PAGE_SIZE);

	local_irq_save(flags);
	top = __this_cpu_ist_top_va(PF);
	if (ist_entry() != top) {
		pr_err("ist_nest: the #PF IST entry is %llx at rest, its top is %lx\n",
		       ist_entry(), top);
		ret = -EINVAL;
		goto out;
	}

	/* The #PF in its window: its pt_regs at the top, a C frame below */
	pf_frame = top - sizeof(struct pt_regs) - 64;

	/* A #DB that hit it: enters with RSP in that frame */
	db_regs.sp = pf_frame;
	pf_ist_enter(&db_regs);
	db_entry = ist_entry();

	/* An NMI that hit the #DB handler: RSP on the #DB stack */
	db_frame = (struct pt_regs *)__this_cpu_ist_top_va(DB) - 1;
	db_frame_saved = *db_frame;
	db_frame->sp = pf_frame;
	nmi_regs.sp = (unsigned long)db_frame - 128;
	pf_ist_enter(&nmi_regs);
	nmi_entry = ist_entry();
	pf_ist_exit();
	pf_ist_exit();
	*db_frame = db_frame_saved;
	after = ist_entry();

	/* Whatever happened, leave the entry at its top */
	this_cpu_write(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF], top);

	if (db_entry >= pf_frame || nmi_entry >= pf_frame ||
	    nmi_entry >= db_entry || after != top) {
		pr_err("ist_nest: #PF frame at %lx, entry %lx in the #DB, %lx in the NMI, %lx after (want %lx)\n",
		       pf_frame, db_entry, nmi_entry, after, top);
		ret = -EINVAL;
	}
out:
	local_irq_restore(flags);
	return ret;
}
#endif

#if defined(CONFIG_X86_64) && defined(CONFIG_X86_LOCAL_APIC)
/*
 * An NMI that reads an unpopulated page of the interrupted task's stack.
 * While this CPU is in the middle of a stack fault (or a refill), the NMI's
 * stack fault must not be served: the read fails, and neither the stack nor
 * the pool changes.  Otherwise, with #PF on its IST stack, it is served.
 */
struct nmi_probe {
	unsigned long addr;
	int ret;
	unsigned int populated;
};

static DEFINE_PER_CPU(struct nmi_probe *, nmi_probe);
static atomic_t nmi_probes;

static int nmi_probe_handler(unsigned int type, struct pt_regs *regs)
{
	struct nmi_probe *p = this_cpu_read(nmi_probe);
	unsigned long val;

	if (!p)
		return NMI_DONE;
	this_cpu_write(nmi_probe, NULL);
	p->ret = copy_from_kernel_nofault(&val, (void *)p->addr, sizeof(val));
	p->populated = dynamic_stack_populated(current);
	atomic_inc(&nmi_probes);
	return NMI_HANDLED;
}

/* Send this CPU an NMI that probes @p->addr; -ETIMEDOUT if none came */
static int nmi_probe_self(struct nmi_probe *p, bool busy)
{
	int before = atomic_read(&nmi_probes);
	unsigned long flags, spins;

	local_irq_save(flags);
	if (busy)
		dynamic_stack_test_busy(true);
	this_cpu_write(nmi_probe, p);
	__apic_send_IPI_mask(cpumask_of(smp_processor_id()), NMI_VECTOR);
	for (spins = 0; spins < EDGE_SPINS; spins++) {
		if (atomic_read(&nmi_probes) != before)
			break;
		cpu_relax();
	}
	this_cpu_write(nmi_probe, NULL);
	if (busy)
		dynamic_stack_test_busy(false);
	local_irq_restore(flags);
	return atomic_read(&nmi_probes) != before ? 0 : -ETIMEDOUT;
}

struct nmi_arg {
	int result;		/* 0, 1 if skipped, or an error */
	struct completion done;
};

static int nmi_thread(void *data)
{
	struct nmi_arg *arg = data;
	unsigned long top = (unsigned long)task_stack_page(current) + THREAD_SIZE;
	unsigned int nr = dynamic_stack_populated(current);
	struct nmi_probe p = { .addr = top - nr * PAGE_SIZE - 64 };
	unsigned int pool;
	int ret;

	/* Stay clear of the unpopulated page: no stack fault while busy */
	arg->result = 1;
	if (nr == DYNAMIC_STACK_PAGES || stack_depth() + 2048 > nr * PAGE_SIZE)
		goto out;

	migrate_disable();
	pool = dynamic_stack_pool_free(raw_smp_processor_id());
	ret = nmi_probe_self(&p, true);
	if (ret) {
		pr_err("nmi_reentry: the NMI did not come\n");
	} else if (p.ret != -EFAULT || p.populated != nr ||
		   dynamic_stack_pool_free(raw_smp_processor_id()) != pool) {
		pr_err("nmi_reentry: mid-update: read %d, pages %u -> %u, pool %u -> %u\n",
		       p.ret, nr, p.populated, pool,
		       dynamic_stack_pool_free(raw_smp_processor_id()));
		ret = -EINVAL;
	} else if (pf_ist_enabled) {
		/* Not in the middle of anything: served on the #PF IST stack */
		ret = nmi_probe_self(&p, false);
		if (!ret && (p.ret || p.populated != nr + 1)) {
			pr_err("nmi_reentry: read %d, pages %u -> %u\n",
			       p.ret, nr, p.populated);
			ret = -EINVAL;
		}
	}
	migrate_enable();
	arg->result = ret;
out:
	complete(&arg->done);
	return sleep_until_stopped();
}

static int test_nmi_reentry(void)
{
	struct task_struct *tasks[EDGE_THREADS];
	struct nmi_arg *args;
	int i, started, ret = -EINVAL;

	if (!boot_cpu_has(X86_FEATURE_APIC))
		return -EOPNOTSUPP;
	/* Not on the stack: their completions are large with lockdep */
	args = kcalloc(EDGE_THREADS, sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;
	ret = register_nmi_handler(NMI_LOCAL, nmi_probe_handler, 0, "dstack_test");
	if (ret) {
		kfree(args);
		return ret;
	}

	/* Until a thread has a new stack, with an unpopulated page */
	ret = -EINVAL;
	for (started = 0; started < EDGE_THREADS; started++) {
		init_completion(&args[started].done);
		tasks[started] = kthread_run(nmi_thread, &args[started],
					     "dstack_nmi/%d", started);
		if (IS_ERR(tasks[started])) {
			ret = PTR_ERR(tasks[started]);
			break;
		}
		wait_for_completion(&args[started].done);
		if (args[started].result != 1) {
			ret = args[started].result;
			started++;
			break;
		}
	}
	for (i = 0; i < started; i++)
		kthread_stop(tasks[i]);
	unregister_nmi_handler(NMI_LOCAL, "dstack_test");
	kfree(args);
	if (ret == -EINVAL && started == EDGE_THREADS)
		pr_err("nmi_reentry: no thread had an unpopulated page\n");
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

#ifdef CONFIG_DEBUG_STACK_USAGE
#define STACK_USAGE_THREADS	8

/* Sleeps until stopped, having used little of its stack. */
static int stack_usage_fn(void *arg)
{
	complete(arg);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/* Check one sleeping thread; false if its stack is fully populated. */
static bool stack_usage_check(struct task_struct *t, int *ret)
{
	const unsigned int pages = THREAD_SIZE / PAGE_SIZE;
	unsigned int before, after;
	unsigned long unused;

	before = dynamic_stack_populated(t);
	if (before >= pages)
		return false;
	unused = stack_not_used(t);
	after = dynamic_stack_populated(t);

	pr_info("stack_usage: %lu of %lu bytes unused, %u of %u pages populated\n",
		unused, (unsigned long)THREAD_SIZE, before, pages);
	if (after != before) {
		pr_err("stack_usage: reading it populated %u pages\n",
		       after - before);
		*ret = -EINVAL;
	} else if (unused < (unsigned long)(pages - before) * PAGE_SIZE ||
		   unused >= (unsigned long)THREAD_SIZE) {
		pr_err("stack_usage: %lu bytes unused, expected at least the %u unpopulated pages\n",
		       unused, pages - before);
		*ret = -EINVAL;
	}
	return true;
}

/*
 * stack_not_used(), which sysrq-t and the hung task report print with
 * CONFIG_DEBUG_STACK_USAGE, reads another task's stack: it must count the
 * pages that task has not populated as unused, without reading them (a
 * fault there is not a stack fault of current, so it would oops), and
 * populate nothing.  The threads are alive together, so that most of them
 * get fresh stacks, not fork.c's cached ones.
 */
static int test_stack_usage(void)
{
	struct completion ready[STACK_USAGE_THREADS];
	struct task_struct *t[STACK_USAGE_THREADS];
	unsigned int i, started = 0, tested = 0;
	int ret = 0;

	for (i = 0; i < STACK_USAGE_THREADS; i++) {
		init_completion(&ready[i]);
		t[i] = kthread_run(stack_usage_fn, &ready[i], "dstack_usage/%u", i);
		if (IS_ERR(t[i])) {
			ret = PTR_ERR(t[i]);
			break;
		}
		/* It stays valid for the checks even if it were to exit */
		get_task_struct(t[i]);
		started++;
	}
	for (i = 0; i < started; i++) {
		wait_for_completion(&ready[i]);
		/* Off its CPU, so that its stack stays as it is while read */
		while (!wait_task_inactive(t[i], TASK_INTERRUPTIBLE))
			schedule_timeout_uninterruptible(1);
		if (stack_usage_check(t[i], &ret))
			tested++;
	}
	for (i = 0; i < started; i++) {
		kthread_stop(t[i]);
		put_task_struct(t[i]);
	}
	if (!ret && !tested) {
		pr_err("stack_usage: no thread had an unpopulated page\n");
		ret = -EINVAL;
	}
	return ret;
}
#else
static int test_stack_usage(void)
{
	return -EOPNOTSUPP;
}
#endif

static const struct {
	const char *name;
	int (*fn)(void);
} tests[] = {
	{ "kthread", test_kthread },
	{ "irq", test_irq },
#ifdef CONFIG_X86_LOCAL_APIC
	{ "irq_edge", test_irq_edge },
#endif
	{ "uaccess_edge", test_uaccess_edge },
#ifdef CONFIG_X86_64
	{ "ist_nest", test_ist_nest },
#endif
#if defined(CONFIG_X86_64) && defined(CONFIG_X86_LOCAL_APIC)
	{ "nmi_reentry", test_nmi_reentry },
#endif
	{ "preempt", test_preempt },
	{ "refill", test_refill },
	{ "stack_usage", test_stack_usage },
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
		pr_info("%s: %s\n", name, ret == -EOPNOTSUPP ?
			"not applicable here" : ret ? "FAIL" : "ok");
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

#define KCORE_MAGIC	0x4b434f5245535441ULL	/* "KCORESTA" */
#define KCORE_WORDS	8

/* Recurse @depth bytes deep and leave a pattern there; return where. */
static noinline unsigned long mark_stack(unsigned long depth)
{
	u64 frame[KCORE_WORDS];
	unsigned long ret;
	int i;

	if (stack_depth() < depth) {
		ret = mark_stack(depth);
		/* Keep the frame live across the call: no tail call. */
		barrier_data(frame);
		return ret;
	}
	for (i = 0; i < KCORE_WORDS; i++)
		frame[i] = KCORE_MAGIC ^ (unsigned long)&frame[i];
	barrier_data(frame);
	return (unsigned long)frame;
}

/*
 * Half way down the stack: well below what the rest of this read and a
 * wait in a system call use, so the pattern stays while the thread waits.
 */
static ssize_t kcore_read(struct file *file, char __user *ubuf, size_t count,
			  loff_t *ppos)
{
	unsigned long addr;
	char buf[64];
	int len;

	if (*ppos)
		return 0;
	addr = mark_stack(THREAD_SIZE / 2 + PAGE_SIZE / 2);
	len = scnprintf(buf, sizeof(buf), "%lx %d %lx\n", addr, KCORE_WORDS,
			(unsigned long)task_stack_page(current));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations kcore_fops = {
	.read = kcore_read,
	.llseek = noop_llseek,
};

static unsigned long stack_size = THREAD_SIZE;

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

static ssize_t switch_depth_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	bool on;
	int ret;

	ret = kstrtobool_from_user(ubuf, count, &on);
	if (ret)
		return ret;
	if (!dynamic_stack_enabled())
		return -EOPNOTSUPP;
	dynamic_stack_test_measure(on);
	return count;
}

static int switch_depth_show(struct seq_file *m, void *v)
{
	struct dynamic_stack_switch_depth d;

	dynamic_stack_test_depth(&d);
	seq_printf(m, "samples %lu\nmax %lu\noverruns %lu\nspan %lu\nslack %lu\n",
		   d.samples, d.max, d.overruns, d.span, d.slack);
	return 0;
}

static int switch_depth_open(struct inode *inode, struct file *file)
{
	return single_open(file, switch_depth_show, NULL);
}

static const struct file_operations switch_depth_fops = {
	.open = switch_depth_open,
	.read = seq_read,
	.write = switch_depth_write,
	.llseek = seq_lseek,
	.release = single_release,
};

#ifdef CONFIG_X86_64
/*
 * A probe on a tracepoint in the context-switch window: it runs in
 * __switch_to() on the stack of the task being switched in, while current
 * is still the task being switched out, and uses switch_probe_bytes more
 * of that stack, never closer than DEEP_RESERVE to its end.
 */
static unsigned long switch_probe_bytes;
static atomic_long_t switch_probe_runs;
static atomic_long_t switch_probe_window;
static DEFINE_MUTEX(switch_probe_lock);

static noinline void switch_probe_use(unsigned long bytes)
{
	u8 *below = __builtin_alloca(bytes);

	/* The lowest byte: a stack fault populates every page above it too */
	WRITE_ONCE(below[0], 1);
	barrier_data(below);
}

static void switch_probe(void *data, struct fpu *fpu)
{
	/* Stacks are THREAD_SIZE aligned: this is what is left below sp */
	unsigned long left = current_stack_pointer & (THREAD_SIZE - 1);

	if (left < DEEP_RESERVE + DEEP_FRAME)
		return;
	switch_probe_use(min(READ_ONCE(switch_probe_bytes), left - DEEP_RESERVE));
	atomic_long_inc(&switch_probe_runs);
	/* The tracepoint also fires outside __switch_to(), on current's stack */
	if (current_stack_pointer - (unsigned long)task_stack_page(current) >=
	    THREAD_SIZE)
		atomic_long_inc(&switch_probe_window);
}

static ssize_t switch_probe_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	unsigned long bytes;
	int ret;

	ret = kstrtoul_from_user(ubuf, count, 0, &bytes);
	if (ret)
		return ret;
	if (bytes > DEEP_MAX)
		return -EINVAL;

	mutex_lock(&switch_probe_lock);
	if (bytes && !switch_probe_bytes) {
		atomic_long_set(&switch_probe_runs, 0);
		atomic_long_set(&switch_probe_window, 0);
		WRITE_ONCE(switch_probe_bytes, bytes);
		ret = register_trace_x86_fpu_regs_deactivated(switch_probe, NULL);
		if (ret)
			WRITE_ONCE(switch_probe_bytes, 0);
	} else if (!bytes && switch_probe_bytes) {
		unregister_trace_x86_fpu_regs_deactivated(switch_probe, NULL);
		tracepoint_synchronize_unregister();
		WRITE_ONCE(switch_probe_bytes, 0);
	} else if (bytes) {
		WRITE_ONCE(switch_probe_bytes, bytes);
	}
	mutex_unlock(&switch_probe_lock);
	return ret ? ret : count;
}

static int switch_probe_show(struct seq_file *m, void *v)
{
	seq_printf(m, "bytes %lu\nruns %ld\nwindow %ld\n",
		   READ_ONCE(switch_probe_bytes),
		   atomic_long_read(&switch_probe_runs),
		   atomic_long_read(&switch_probe_window));
	return 0;
}

static int switch_probe_open(struct inode *inode, struct file *file)
{
	return single_open(file, switch_probe_show, NULL);
}

static const struct file_operations switch_probe_fops = {
	.open = switch_probe_open,
	.read = seq_read,
	.write = switch_probe_write,
	.llseek = seq_lseek,
	.release = single_release,
};
#endif

static int __init test_dynamic_stack_init(void)
{
	struct dentry *dir = debugfs_create_dir("test_dynamic_stack", NULL);

	debugfs_create_file("run", 0200, dir, NULL, &run_fops);
	debugfs_create_file("deep", 0200, dir, NULL, &deep_fops);
	debugfs_create_file("audit", 0400, dir, NULL, &audit_fops);
	debugfs_create_file("overflow", 0200, dir, NULL, &overflow_fops);
	debugfs_create_file("kcore", 0400, dir, NULL, &kcore_fops);
	debugfs_create_ulong("stack_size", 0400, dir, &stack_size);
	debugfs_create_file("switch_depth", 0600, dir, NULL, &switch_depth_fops);
#ifdef CONFIG_X86_64
	debugfs_create_file("switch_probe", 0600, dir, NULL, &switch_probe_fops);
#endif
	return 0;
}
late_initcall(test_dynamic_stack_init);
