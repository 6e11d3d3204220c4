// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 fault path of dynamic kernel stacks: #PF on its own IST stack.
 * See Documentation/arch/x86/dynamic-stack.rst.
 */

#include <linux/dynamic_stack.h>
#include <linux/entry-common.h>
#include <linux/init.h>
#include <linux/instrumentation.h>
#include <linux/panic.h>
#include <linux/sched/task_stack.h>
#include <asm/apic.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/fred.h>
#include <asm/i8259.h>
#include <asm/io_apic.h>
#include <asm/ptrace.h>
#include <asm/special_insns.h>
#include <asm/stacktrace.h>
#include <asm/traps.h>

bool pf_ist_enabled __ro_after_init;

static __always_inline bool on_pf_ist_stack(unsigned long sp)
{
	return sp >= __this_cpu_ist_bottom_va(PF) &&
	       sp < __this_cpu_ist_top_va(PF);
}

/*
 * Is @sp in the guard page below a task stack?  In the context-switch
 * window, the stack in use is that of the task being switched in, not
 * current's: see dynamic_stack_owner().
 */
static __always_inline bool pf_stack_guard_info(unsigned long sp,
						struct stack_info *info)
{
	struct task_struct *tsk = dynamic_stack_owner(sp + PAGE_SIZE);

	if (tsk == current)
		return get_stack_guard_info((unsigned long *)sp, info);
	return !get_stack_info_noinstr((unsigned long *)sp, tsk, info) &&
	       get_stack_info_noinstr((unsigned long *)(sp + PAGE_SIZE), tsk,
				      info);
}

static noinstr void __noreturn pf_switch_fatal(struct pt_regs *regs,
					       unsigned long address,
					       unsigned long sp)
{
	struct task_struct *tsk = dynamic_stack_owner(regs->sp);
	struct stack_info info;

	/*
	 * The report reads the interrupted stack, and a fault on it now would
	 * be delivered on top of this frame: populate it all while the pool
	 * has the pages.
	 */
	dynamic_stack_fault((unsigned long)task_stack_page(tsk));

	irqentry_nmi_enter(regs);
	instrumentation_begin();
	if (pf_stack_guard_info(sp, &info))
		handle_stack_overflow(regs, address, &info);
	if (on_pf_ist_stack(regs->sp))
		panic("#PF raised on the #PF IST stack, at %pS", (void *)regs->ip);
	panic("dynamic stack: no page for %lx, the CPU's pool is empty",
	      address);
}

/*
 * Stack populated below the frame moved off the #PF stack, for the first
 * frames of the page fault handler: exc_page_fault() pushes 56 bytes and
 * more before it reads the fault address, and a stack fault there would
 * overwrite CR2.  The IST entry hands the address over anyway; this keeps
 * the handler's entry clear of stack faults.
 */
#define PF_HANDLER_STACK	256

/*
 * The part of the kernel-mode #PF entry that runs on the dedicated #PF
 * stack, with interrupts disabled.  It must not fault.
 *
 * A fault on an unpopulated page of the current task stack is served, and
 * NULL returned.  For any other fault, return where the @size bytes of its
 * frame go on the interrupted stack, below @sp: the entry copies the frame
 * there and the regular handler runs on that stack, exactly as if #PF had
 * been delivered there, so it may sleep.  If that is the task stack, the
 * page the copy lands on is populated first, and so is the page
 * PF_HANDLER_STACK bytes below it.  A frame that would land in a stack
 * guard page is a stack overflow, and is reported as such.
 */
static __always_inline void *pf_switch_stack(struct pt_regs *regs,
					     unsigned long address,
					     unsigned long sp, size_t size)
{
	struct stack_info info;
	int ret;

	ret = dynamic_stack_fault(address);
	if (ret > 0)
		return NULL;
	/* Raised by a handler that interrupted a stack fault: not served */
	if (ret == -EBUSY)
		ret = 0;

	sp -= size;
	if (!ret) {
		/* 0 if below the stack: then populate down to the frame */
		ret = dynamic_stack_fault(sp - PF_HANDLER_STACK);
		if (!ret)
			ret = dynamic_stack_fault(sp);
	}
	if (ret < 0 || on_pf_ist_stack(regs->sp) ||
	    pf_stack_guard_info(sp, &info))
		pf_switch_fatal(regs, address, sp);
	return (void *)sp;
}

/*
 * apic_read() for noinstr code: the native accessors are only inline, and
 * need not be inlined (they are not with KASAN).
 */
static __always_inline u32 pf_apic_read(u32 reg)
{
	if (x2apic_mode)
		return __rdmsr(APIC_BASE_MSR + (reg >> 4));
	return READ_ONCE(*(u32 *)(APIC_BASE + reg));
}

/* The highest vector the local APIC has in service, or -1 if none. */
static __always_inline int pf_apic_in_service(void)
{
	int i;

	for (i = APIC_ISR_NR - 1; i >= 0; i--) {
		u32 isr = pf_apic_read(APIC_ISR + i * 0x10);

		if (isr)
			return i * 32 + __fls(isr);
	}
	return -1;
}

/*
 * A stack fault can be raised by the CPU pushing the frame of an external
 * interrupt onto the task stack.  The interrupt has been accepted by then:
 * the local APIC has it in service, but its handler never ran, and
 * returning to the interrupted code would lose it and block every interrupt
 * of its priority class or lower on this CPU until the next EOI, which
 * never comes.
 *
 * Interrupt handlers run with interrupts disabled, so if the interrupted
 * context had them enabled, no vector can be in service unless its delivery
 * faulted.  Return that vector, or -1.  A CPU that keeps such an interrupt
 * pending instead has nothing in service, and delivers it after the return.
 */
static __always_inline int pf_lost_vector(struct pt_regs *regs)
{
	int vector;

	if (!(regs->flags & X86_EFLAGS_IF) ||
	    !cpu_feature_enabled(X86_FEATURE_APIC))
		return -1;
	vector = pf_apic_in_service();
	return vector >= FIRST_EXTERNAL_VECTOR ? vector : -1;
}

/* Where an event's frame goes at @sp: populate it, it is the task stack */
static __always_inline void *pf_event_frame(struct pt_regs *regs,
					    unsigned long sp, size_t size)
{
	sp -= size;
	if (dynamic_stack_fault(sp) < 0)
		pf_switch_fatal(regs, sp, sp);
	return (void *)sp;
}

/*
 * See pf_lost_vector().  Deliver the interrupt as the CPU would have: push
 * its frame on the stack, now populated, and return to its IDT entry with
 * IF, TF, NT and RF clear.
 */
static __always_inline void pf_deliver_lost_irq(struct pt_regs *regs)
{
	int vector = pf_lost_vector(regs);
	unsigned long *frame;
	struct desc_ptr idt;

	if (vector < 0)
		return;

	frame = pf_event_frame(regs, ALIGN_DOWN(regs->sp, 16), 5 * sizeof(long));
	frame[0] = regs->ip;
	frame[1] = regs->cs;
	frame[2] = regs->flags;
	frame[3] = regs->sp;
	frame[4] = regs->ss;

	store_idt(&idt);
	regs->ip = gate_offset((gate_desc *)idt.address + vector);
	regs->sp = (unsigned long)frame;
	regs->flags &= ~(X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_NT |
			 X86_EFLAGS_RF);
}

/*
 * The redelivery finds a lost interrupt in the local APIC's in-service
 * register.  An interrupt from the 8259 PIC delivered as ExtINT never gets
 * there: its delivery would be lost to a stack fault, and the PIC would
 * block its line and all below it until an EOI that never comes.  That is
 * the case without a local APIC, and when the boot CPU's LVT0 takes the
 * PIC's output as ExtINT: in virtual wire mode (no I/O APIC, "noapic"),
 * and when check_timer() could get the timer going only that way.  Without
 * an I/O APIC routing them, legacy interrupts go the same way.  Dynamic
 * stacks stay off then.  The interrupt delivery mode is known only now,
 * after the #PF entry is installed and before dynamic_stack_init().
 */
static void __init pf_read_lvt0(void *lvt0)
{
	*(u32 *)lvt0 = apic_read(APIC_LVT0);
}

static bool __init pf_lvt0_takes_extint(void)
{
	u32 lvt0;

	/*
	 * With every 8259 line masked no ExtINT can come, whatever LVT0 says:
	 * check_timer() leaves LVT0 alone when there is no HPET or PIT.
	 */
	if ((cached_irq_mask & 0xffff) == 0xffff)
		return false;
	/* Only the boot CPU's (0) LVT0 is ever left unmasked for the PIC */
	if (smp_call_function_single(0, pf_read_lvt0, &lvt0, true))
		return true;
	return !(lvt0 & APIC_LVT_MASKED) &&
	       GET_APIC_DELIVERY_MODE(lvt0) == APIC_MODE_EXTINT;
}

static int __init pf_check_irq_redelivery(void)
{
	bool ioapic = false;

	if (!pf_ist_enabled && !fred_pf_enabled)
		return 0;

#ifdef CONFIG_X86_IO_APIC
	ioapic = nr_ioapics && !ioapic_is_disabled;
#endif
	if (!boot_cpu_has(X86_FEATURE_APIC) || apic_is_disabled ||
	    apic_intr_mode == APIC_PIC)
		dynamic_stack_arch_disable("no local APIC: lost interrupts cannot be redelivered");
	else if (pf_lvt0_takes_extint())
		dynamic_stack_arch_disable("LVT0 takes 8259 ExtINTs: they cannot be redelivered");
	else if (!ioapic || (apic_intr_mode != APIC_SYMMETRIC_IO &&
			     apic_intr_mode != APIC_SYMMETRIC_IO_NO_ROUTING))
		dynamic_stack_arch_disable("no I/O APIC: lost ExtINTs cannot be redelivered");
	return 0;
}
arch_initcall(pf_check_irq_redelivery);

/**
 * pf_switch_off_ist - the kernel-mode part of the #PF IST entry
 * @regs: pt_regs on the #PF IST stack
 *
 * See pf_switch_stack().  Without IST the CPU would have pushed the frame
 * below the interrupted RSP, aligned to 16 bytes.  Like the regular #PF
 * entry, this runs with the kernel GSBASE and CR3: a kernel-mode #PF in
 * the SYSCALL gap or under the user CR3 is not supported by either.
 *
 * CR2 is read here, before anything can fault, and handed over with the
 * pt_regs to exc_page_fault_moved(): a stack fault on the way there would
 * overwrite CR2.
 *
 * Return: .regs NULL if the fault was served, else the pt_regs to continue
 * with, and .address the fault address.
 */
asmlinkage __visible noinstr struct pf_ist_switch pf_switch_off_ist(struct pt_regs *regs)
{
	struct pf_ist_switch ret = { .address = read_cr2() };

	ret.regs = pf_switch_stack(regs, ret.address, ALIGN_DOWN(regs->sp, 16),
				   sizeof(*ret.regs));
	if (ret.regs)
		*ret.regs = *regs;
	else
		pf_deliver_lost_irq(regs);
	return ret;
}

#ifdef CONFIG_X86_FRED
/**
 * __fred_pf_kernel - a kernel-mode #PF delivered on its FRED stack level
 * @regs: pt_regs of the FRED frame
 * @error_code: the #PF error code
 *
 * With dynamic kernel stacks, a #PF raised at stack level 0 switches to
 * stack level 1 (FRED_PF_STACK_LEVEL), whose stack is always present.  See
 * pf_switch_stack(): a task stack fault is served here and ERETS returns to
 * the faulting instruction.  Any other fault must leave stack level 1 before
 * exc_page_fault() may sleep: its frame is copied where the CPU would have
 * pushed it at stack level 0, and @regs becomes a return to
 * asm_fred_pf_level_0, which calls fred_pf_level_0() on that copy at stack
 * level 0 and returns from there to the interrupted context.
 *
 * A #PF raised at a higher stack level, in a #DB, NMI or #MC handler, is
 * delivered on that handler's stack and handled in place, as without
 * dynamic stacks.
 *
 * Return: true if the fault was served or moved, false if it is to be
 * handled in place.
 */
noinstr bool __fred_pf_kernel(struct pt_regs *regs, unsigned long error_code)
{
	struct fred_frame *frame;
	unsigned long sp;
	int vector = -1;

	if (regs->fred_cs.sl)
		return false;

	/* Delivery at the same stack level skips the red zone and aligns */
	sp = (regs->sp - FRED_CONFIG_REDZONE) & FRED_STACK_FRAME_RSP_MASK;
	frame = pf_switch_stack(regs, fred_event_data(regs), sp, sizeof(*frame));
	if (!frame) {
		/* A served stack fault; see pf_lost_vector() */
		vector = pf_lost_vector(regs);
		if (vector < 0)
			return true;
		frame = pf_event_frame(regs, sp, sizeof(*frame));
	}

	*frame = *container_of(regs, struct fred_frame, regs);
	frame->regs.orig_ax = error_code;
	if (vector >= 0) {
		/* The frame FRED would have pushed for the interrupt */
		frame->regs.orig_ax = 0;
		frame->regs.fred_ss.type = EVENT_TYPE_EXTINT;
		frame->regs.fred_ss.vector = vector;
		frame->info.edata = 0;
	}

	/* ERETS to the trampoline: stack level 0 (fred_cs.sl), IF clear */
	regs->ip = (unsigned long)asm_fred_pf_level_0;
	regs->sp = (unsigned long)&frame->regs;
	regs->flags = X86_EFLAGS_FIXED;
	regs->fred_cs.wfe = 0;
	return true;
}

__visible noinstr void fred_pf_level_0(struct pt_regs *regs)
{
	unsigned long error_code = regs->orig_ax;

	/* An interrupt whose delivery faulted, see __fred_pf_kernel() */
	if (regs->fred_ss.type == EVENT_TYPE_EXTINT) {
		fred_entry_from_kernel(regs);
		return;
	}
	regs->orig_ax = -1;
	exc_page_fault(regs, error_code);
}
#endif

/*
 * The lowest address in use on the #PF IST stack under the frame at @sp:
 * @sp itself, or, if @sp is on another exception stack (an NMI that hit a
 * #DB that hit the #PF window), the RSP that stack's first frame
 * interrupted, and so on.  0 if the #PF IST stack is not in use.
 */
static __always_inline unsigned long pf_ist_in_use(unsigned long sp)
{
	struct stack_info info;
	int i;

	for (i = 0; i < N_EXCEPTION_STACKS; i++) {
		if (on_pf_ist_stack(sp))
			return sp;
		if (!get_stack_info_noinstr((unsigned long *)sp, current, &info) ||
		    info.type < STACK_TYPE_EXCEPTION)
			return 0;
		sp = (unsigned long)info.next_sp;
	}
	return 0;
}

/*
 * Shift the #PF IST entry below the interrupted frame if the #PF IST stack
 * is in use under it, so that a nested #PF does not overwrite it, and keep
 * the old entry just below both for __pf_ist_exit().  The CPU aligns RSP
 * down to 16 bytes before pushing an exception frame, which keeps that word.
 *
 * The new entry goes below the old one too, even when the frame in use is
 * above it: an NMI that hits a #DB handler which shifted the entry below a
 * #PF frame finds that #PF frame through the #DB frame, and must neither
 * write over the #DB handler's saved entry nor leave it to be restored
 * out of order.  So the saved entries nest, each exit restores the one its
 * entry replaced, and the entry is back at the top when all have exited.
 */
noinstr void __pf_ist_enter(struct pt_regs *regs)
{
	unsigned long old_ist, new_ist, in_use;

	old_ist = __this_cpu_read(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF]);
	new_ist = old_ist;
	in_use = pf_ist_in_use(regs->sp);
	if (in_use && in_use < new_ist)
		new_ist = in_use;

	new_ist -= sizeof(old_ist);
	*(unsigned long *)new_ist = old_ist;
	this_cpu_write(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF], new_ist);
}

/* Undo the __pf_ist_enter() of the same handler; those nested in it are undone */
noinstr void __pf_ist_exit(void)
{
	unsigned long ist = __this_cpu_read(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF]);

	this_cpu_write(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF], *(unsigned long *)ist);
}
