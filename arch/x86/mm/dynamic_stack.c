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
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/fred.h>
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

static noinstr void __noreturn pf_switch_fatal(struct pt_regs *regs,
					       unsigned long address,
					       unsigned long sp)
{
	struct stack_info info;

	irqentry_nmi_enter(regs);
	instrumentation_begin();
	if (get_stack_guard_info((unsigned long *)sp, &info))
		handle_stack_overflow(regs, address, &info);
	if (on_pf_ist_stack(regs->sp))
		panic("#PF raised on the #PF IST stack, at %pS", (void *)regs->ip);
	panic("dynamic stack: no page for %lx, the CPU's pool is empty",
	      address);
}

/*
 * The part of the kernel-mode #PF entry that runs on the dedicated #PF
 * stack, with interrupts disabled.  It must not fault.
 *
 * A fault on an unpopulated page of the current task stack is served, and
 * NULL returned.  For any other fault, return where the @size bytes of its
 * frame go on the interrupted stack, below @sp: the entry copies the frame
 * there and the regular handler runs on that stack, exactly as if #PF had
 * been delivered there, so it may sleep.  If that is the task stack, the
 * page the copy lands on is populated first.  A frame that would land in a
 * stack guard page is a stack overflow, and is reported as such.
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

	sp -= size;
	if (!ret)
		ret = dynamic_stack_fault(sp);
	if (ret < 0 || on_pf_ist_stack(regs->sp) ||
	    get_stack_guard_info((unsigned long *)sp, &info))
		pf_switch_fatal(regs, address, sp);
	return (void *)sp;
}

/**
 * pf_switch_off_ist - the kernel-mode part of the #PF IST entry
 * @regs: pt_regs on the #PF IST stack
 *
 * See pf_switch_stack().  Without IST the CPU would have pushed the frame
 * below the interrupted RSP, aligned to 16 bytes, or at the top of the task
 * stack in the SYSCALL gap, where RSP is still the user's.
 *
 * Return: NULL if the fault was served, else the pt_regs to continue with.
 */
asmlinkage __visible noinstr struct pt_regs *pf_switch_off_ist(struct pt_regs *regs)
{
	unsigned long sp = regs->sp;
	struct pt_regs *regs_ret;

	if (ip_within_syscall_gap(regs))
		sp = current_top_of_stack();

	regs_ret = pf_switch_stack(regs, read_cr2(), ALIGN_DOWN(sp, 16),
				   sizeof(*regs_ret));
	if (regs_ret)
		*regs_ret = *regs;
	return regs_ret;
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

	if (regs->fred_cs.sl)
		return false;

	/* Delivery at the same stack level skips the red zone and aligns */
	sp = (regs->sp - FRED_CONFIG_REDZONE) & FRED_STACK_FRAME_RSP_MASK;
	frame = pf_switch_stack(regs, fred_event_data(regs), sp, sizeof(*frame));
	if (!frame)
		return true;

	*frame = *container_of(regs, struct fred_frame, regs);
	frame->regs.orig_ax = error_code;

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

	regs->orig_ax = -1;
	exc_page_fault(regs, error_code);
}
#endif

/*
 * Shift the #PF IST entry below the interrupted frame if that is on the #PF
 * IST stack, so that a nested #PF does not overwrite it, and keep the old
 * entry just above the new one for __pf_ist_exit().  The CPU aligns RSP down
 * to 16 bytes before pushing an exception frame, which keeps that word.
 */
noinstr void __pf_ist_enter(struct pt_regs *regs)
{
	unsigned long old_ist, new_ist;

	old_ist = __this_cpu_read(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF]);
	new_ist = old_ist;
	if (on_pf_ist_stack(regs->sp))
		new_ist = regs->sp;

	new_ist -= sizeof(old_ist);
	*(unsigned long *)new_ist = old_ist;
	this_cpu_write(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF], new_ist);
}

noinstr void __pf_ist_exit(void)
{
	unsigned long ist = __this_cpu_read(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF]);

	this_cpu_write(cpu_tss_rw.x86_tss.ist[IST_INDEX_PF], *(unsigned long *)ist);
}
