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

static noinstr void __noreturn pf_ist_fatal(struct pt_regs *regs,
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

/**
 * pf_switch_off_ist - the kernel-mode part of the #PF IST entry
 * @regs: pt_regs on the #PF IST stack
 *
 * Runs on the #PF IST stack with interrupts disabled, and must not fault.
 * A fault on an unpopulated page of the current task stack is served here.
 * Any other fault is moved to the interrupted stack, first populating the
 * page that the copied pt_regs land on if that is the task stack, so that
 * the regular handler runs there exactly as without IST, and may sleep.
 * A frame that would land in a stack guard page is a stack overflow, and
 * is reported as such.
 *
 * Return: NULL if the fault was served, else the pt_regs to continue with.
 */
asmlinkage __visible noinstr struct pt_regs *pf_switch_off_ist(struct pt_regs *regs)
{
	unsigned long address = read_cr2();
	struct pt_regs *regs_ret;
	struct stack_info info;
	unsigned long sp;
	int ret;

	ret = dynamic_stack_fault(address);
	if (ret > 0)
		return NULL;

	/* In the SYSCALL gap RSP is the user's: go to the task stack. */
	if (ip_within_syscall_gap(regs))
		sp = current_top_of_stack();
	else
		sp = regs->sp;

	/* Where the CPU would have pushed the frame without IST. */
	sp = ALIGN_DOWN(sp, 16) - sizeof(*regs_ret);

	if (!ret)
		ret = dynamic_stack_fault(sp);
	if (ret < 0 || on_pf_ist_stack(regs->sp) ||
	    get_stack_guard_info((unsigned long *)sp, &info))
		pf_ist_fatal(regs, address, sp);

	regs_ret = (struct pt_regs *)sp;
	*regs_ret = *regs;
	return regs_ret;
}

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
