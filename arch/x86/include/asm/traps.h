/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _ASM_X86_TRAPS_H
#define _ASM_X86_TRAPS_H

#include <linux/context_tracking_state.h>
#include <linux/kprobes.h>

#include <asm/debugreg.h>
#include <asm/idtentry.h>
#include <asm/siginfo.h>			/* TRAP_TRACE, ... */
#include <asm/trap_pf.h>

#ifdef CONFIG_X86_64
asmlinkage __visible notrace struct pt_regs *sync_regs(struct pt_regs *eregs);
asmlinkage __visible notrace
struct pt_regs *fixup_bad_iret(struct pt_regs *bad_regs);
asmlinkage __visible noinstr struct pt_regs *vc_switch_off_ist(struct pt_regs *eregs);
#endif

#ifdef CONFIG_DYNAMIC_STACK
/* Returned in %rax and %rdx: see idtentry_pf_ist */
struct pf_ist_switch {
	struct pt_regs *regs;
	unsigned long address;
};

asmlinkage __visible noinstr struct pf_ist_switch pf_switch_off_ist(struct pt_regs *regs);
__visible void exc_page_fault_moved(struct pt_regs *regs,
				    unsigned long error_code,
				    unsigned long address);
void __init idt_setup_dynamic_stack(void);
void __pf_ist_enter(struct pt_regs *regs);
void __pf_ist_exit(void);
extern bool pf_ist_enabled;

/*
 * NMI, #MC and #DB handlers running in kernel mode bracket themselves with
 * these, so that a #PF they raise gets IST space below whatever a #PF they
 * interrupted still has on the #PF IST stack.
 */
static __always_inline void pf_ist_enter(struct pt_regs *regs)
{
	if (pf_ist_enabled)
		__pf_ist_enter(regs);
}

static __always_inline void pf_ist_exit(void)
{
	if (pf_ist_enabled)
		__pf_ist_exit();
}
#else
static inline void idt_setup_dynamic_stack(void) { }
static __always_inline void pf_ist_enter(struct pt_regs *regs) { }
static __always_inline void pf_ist_exit(void) { }
#endif

#if defined(CONFIG_DYNAMIC_STACK) && defined(CONFIG_X86_FRED)
extern bool fred_pf_enabled;
void __init fred_setup_dynamic_stack(void);
bool __fred_pf_kernel(struct pt_regs *regs, unsigned long error_code);
void asm_fred_pf_level_0(void);
__visible void fred_pf_level_0(struct pt_regs *regs);

/* A kernel-mode #PF with FRED: true if handled, see __fred_pf_kernel() */
static __always_inline bool fred_pf_kernel(struct pt_regs *regs,
					   unsigned long error_code)
{
	return fred_pf_enabled && __fred_pf_kernel(regs, error_code);
}
#else
#define fred_pf_enabled false
static inline void fred_setup_dynamic_stack(void) { }
static __always_inline bool fred_pf_kernel(struct pt_regs *regs,
					   unsigned long error_code)
{
	return false;
}
#endif

extern int ibt_selftest(void);
extern int ibt_selftest_noendbr(void);

#ifdef CONFIG_X86_F00F_BUG
/* For handling the FOOF bug */
void handle_invalid_op(struct pt_regs *regs);
#endif

static inline int get_si_code(unsigned long condition)
{
	if (condition & DR_STEP)
		return TRAP_TRACE;
	else if (condition & (DR_TRAP0|DR_TRAP1|DR_TRAP2|DR_TRAP3))
		return TRAP_HWBKPT;
	else
		return TRAP_BRKPT;
}

extern int panic_on_unrecovered_nmi;

void math_emulate(struct math_emu_info *);

bool fault_in_kernel_space(unsigned long address);

#ifdef CONFIG_VMAP_STACK
void __noreturn handle_stack_overflow(struct pt_regs *regs,
				      unsigned long fault_address,
				      struct stack_info *info);
#endif

static inline void cond_local_irq_enable(struct pt_regs *regs)
{
	if (regs->flags & X86_EFLAGS_IF)
		local_irq_enable();
}

static inline void cond_local_irq_disable(struct pt_regs *regs)
{
	if (regs->flags & X86_EFLAGS_IF)
		local_irq_disable();
}

#endif /* _ASM_X86_TRAPS_H */
