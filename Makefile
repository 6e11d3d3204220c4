# SPDX-License-Identifier: GPL-2.0
#
# Entry point for everything: see README.
#
#   make            build the patched kernel, selftests and initramfs,
#                   boot under QEMU and show the series at work
#   make check      the full verification (exit 0 only if all holds)

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := all

TOP := $(abspath .)
# BASE selects the kernel: 6.12 (default: scripts/base.conf, patches/) or
# 7.2 (scripts/base-7.2.conf, patches-7.2/TOPIC/). Each base has its own
# tree, objects, images and logs; 6.12's keep their historical names.
# TOPIC (send-email, signoff) names a topic series, which only 7.2 has.
BASE ?= $(if $(TOPIC),7.2,6.12)
BASE_CONF := scripts/$(if $(filter 6.12,$(BASE)),base.conf,base-$(BASE).conf)
include $(BASE_CONF)
BUILD ?= $(TOP)/build
TREE := $(BUILD)/$(BASE_DIRNAME)
SFX := $(if $(filter 6.12,$(BASE)),,-$(BASE))
KBUILD := $(BUILD)/kbuild$(SFX)
KSFT_DIR := $(BUILD)/kselftest$(SFX)
INITRAMFS := $(BUILD)/initramfs$(SFX).cpio.gz
LOGS := $(BUILD)$(if $(SFX),/logs$(SFX))
BZIMAGE := $(KBUILD)/arch/x86/boot/bzImage
$(shell mkdir -p $(LOGS))
JOBS ?= $(shell nproc)
export BUILD TREE BASE
# Compiles of the same file in another checkout or scratch tree hit the
# same ccache entries (paths below TOP are hashed relative to the cwd).
export CCACHE_BASEDIR := $(TOP)

# kselftest directories built into the test image, and what make check runs.
# A base whose series lacks a topic has no directory for its tests: they
# are left out, not failed.
KSFT_ALL := clone3 rseq x86 dynamic_stack
KSFT_TARGETS = $(foreach t,$(KSFT_ALL),$(if $(wildcard $(TREE)/tools/testing/selftests/$(t)/Makefile),$(t)))
# rseq: on 6.12 the whole collection (the series reworks rseq there). On
# 7.2 the rseq topic is a uapi header fix and the selftests are mainline's
# own, without the reduced run_param_test.sh matrix (its full matrix and
# the basic_percpu_ops tests take well over an hour under TCG): the
# registration and errno tests only.
KSFT_RSEQ = $(if $(filter 6.12,$(BASE)),-c rseq,-t rseq:basic_test -t rseq:run_syscall_errors_test.sh)
KSFT_RUN = -c clone3 $(KSFT_RSEQ) $(if $(filter dynamic_stack,$(KSFT_TARGETS)),-c dynamic_stack) \
	-t x86:test_shadow_stack_64 -t x86:sigreturn_64 -t x86:sysret_rip_64 -t x86:syscall_nt_64
# Tests left out of the installed list (collection:test), none today.
KSFT_EXCLUDE :=
# Environment for the guest's tests, on the kernel command line (init
# passes NAME=value words it does not know on to the environment): rseq's
# run_param_test.sh runs its reduced matrix, a few minutes under TCG
# instead of well over an hour.
KSFT_ENV := RSEQ_PARAM_TEST_QUICK=1
VM_TIMEOUT ?= 2400

# What the boot targets need built first; make check builds them once and
# runs its boots with IMAGES= (the initramfs step reinstalls the selftests).
IMAGES ?= kernel initramfs

KMAKE = $(MAKE) -s -C $(TREE) O=$(KBUILD) -j$(JOBS) LOCALVERSION= CC="ccache gcc" HOSTCC="ccache gcc"

.PHONY: all deps tree export check-apply check-mirror checkpatch config kernel \
	headers uapi-check selftests initramfs signoff demo bench bench-dstack dstack-workload qemu tcg-check vm-check nmi-check smp-check x2apic-kernel x2apic-check overflow-check refuse-check bochs-check emu cet-check fred-check kasan-kernel kasan-check soak check sparse sparse-each send-email \
	build-each clean distclean

all: demo

deps:
	@scripts/deps.sh

tree: deps
	@scripts/mktree.sh

export:
	@scripts/export.sh

check-apply: tree
	@scripts/check-apply.sh

check-mirror: tree
	@scripts/mirror.sh check

checkpatch: tree
	@scripts/checkpatch.sh

config: tree
	@scripts/mkconfig.sh $(KBUILD) $(KSFT_TARGETS)

kernel: config
	@echo "kernel: building $(BZIMAGE)"
	@$(KMAKE) bzImage
	@echo "kernel: $$(cat $(KBUILD)/include/config/kernel.release)"

headers: config
	@$(KMAKE) headers

# The uapi headers the series changes, as installed from the tree: gcc and
# clang, C99+ and C++11+, -pedantic-errors, i386 and x86-64, and
# <linux/rseq.h> pinned to mainline 7.2's ABI (scripts/uapi-check.sh).
uapi-check: headers
	@scripts/uapi-check.sh $(KBUILD)/usr/include

selftests: headers
	@rm -rf $(KSFT_DIR)
	@$(MAKE) -s -C $(TREE)/tools/testing/selftests O=$(KBUILD) -j$(JOBS) \
		TARGETS="$(KSFT_TARGETS)" INSTALL_PATH=$(KSFT_DIR) install >$(LOGS)/selftests.log 2>&1 || \
		{ tail -40 $(LOGS)/selftests.log; exit 1; }
	@for t in $(KSFT_EXCLUDE); do sed -i "/^$$t\$$/d" $(KSFT_DIR)/kselftest-list.txt; done
	@echo "selftests: $(KSFT_TARGETS) installed in $(KSFT_DIR)"

initramfs: selftests
	@scripts/mkinitramfs.sh $(INITRAMFS) $(KSFT_DIR) $(TOP)/scripts/demo

# The demo: boot the patched kernel and show what the series adds (the
# kernel's boot messages stay in build/demo.log), then two short boots for
# the dynamic-stack saving: KernelStack of idle threads, off and on.
demo: $(IMAGES)
	@scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode demo --quiet-boot \
		--append quiet --log $(LOGS)/demo.log --timeout 600
	@scripts/check-log.sh $(LOGS)/demo.log demo >/dev/null
	@printf '\n=== dynamic kernel stacks: what idle threads cost ===\n'
	@for m in off on; do \
		scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode dstack-idle --quiet-boot \
			--append "quiet dynamic_stack=$$m" --log $(LOGS)/demo-idle-$$m.log --timeout 600 2>/dev/null | \
			grep '^KernelStack' || { tail -20 $(LOGS)/demo-idle-$$m.log; exit 1; }; \
	done
	@$(MAKE) -s emu
	@printf '\n=== clone3() shadow stacks, enforced: Bochs 3.x "tigerlake" (CET) ===\n'
	@scripts/run-bochs.sh --bochs $(EMU) --cpu tigerlake --kernel $(BZIMAGE) --initrd $(INITRAMFS) \
		--args "-t clone3:clone3_shadow_stack -t x86:test_shadow_stack_64" --log $(LOGS)/demo-cet.log \
		--timeout $(BOCHS_TIMEOUT) 2>/dev/null | tr -d '\r' | \
		grep -E '^KSFT-CPUFLAGS|^(# )?(ok|not ok) [0-9]|^# \[(OK|FAIL|SKIP)\]' | \
		sed 's/^KSFT-CPUFLAGS:.*user_shstk.*/cpu flags: user_shstk/; /^KSFT-CPUFLAGS/d' || true
	@scripts/check-bochs.sh $(LOGS)/demo-cet.log "demo cet" enforced >/dev/null 2>&1 || \
		{ echo "demo: the enforced shadow-stack run failed: make cet-check"; exit 1; }

# Benchmarks (not timed tests): each compares two variants in one boot.
# Under TCG they run with -icount (guest time follows executed
# instructions, so host load does not move the figures);
# BENCH_CLOCK=wall runs them against the host's clock instead.
BENCH_CLOCK ?= icount
BENCH_VM := $(if $(filter icount,$(BENCH_CLOCK)),--icount)

bench: $(IMAGES)
	@scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode bench $(BENCH_VM) \
		--log $(LOGS)/bench.log --timeout 1800

# KernelStack with dynamic stacks off and on while the same stress-ng
# workload (fork, clone, pthread, stack, pipe, sock) runs, and after it:
# per thread, with the high-water mark (scripts/demo/dstack-workload.sh).
WORKLOAD_SECS ?= 30

dstack-workload: $(IMAGES)
	@for m in off on; do \
		scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode dstack-workload \
			--append "dynamic_stack=$$m ksft.workload_secs=$(WORKLOAD_SECS)" \
			--log $(LOGS)/dstack-workload-$$m.log --timeout 900 >/dev/null || exit 1; \
		scripts/check-log.sh $(LOGS)/dstack-workload-$$m.log dstack-workload-$$m >/dev/null || exit 1; \
	done
	@scripts/dstack-workload-table.sh $(LOGS)/dstack-workload-off.log $(LOGS)/dstack-workload-on.log

# Interactive boot of the same image (leave with "poweroff -f").
qemu: $(IMAGES)
	@scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode shell

vm-check: $(IMAGES)
	@scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode check \
		--append "$(KSFT_ENV)" --args "$(KSFT_RUN)" --log $(LOGS)/check.log \
		--timeout $(VM_TIMEOUT) || true
	@scripts/check-log.sh $(LOGS)/check.log "qemu kselftest"

# Dynamic kernel stacks: the same kernel booted with dynamic_stack=off and
# =on, dynamic_stack_bench in each, one table (Documentation/mm/dynamic-stack.rst).
bench-dstack: $(IMAGES)
	@for m in off on; do \
		scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode dstack-bench $(BENCH_VM) \
			--append "dynamic_stack=$$m" --log $(LOGS)/bench-dstack-$$m.log \
			--timeout 1800 >/dev/null || exit 1; \
	done
	@scripts/dstack-table.sh $(LOGS)/bench-dstack-off.log $(LOGS)/bench-dstack-on.log

# Soak (not part of make check, about 20 minutes): stress-ng stressors and
# trinity with a fixed seed, dynamic stacks on; fails on any splat, hung
# task, or leaked stack page. SOAK_SECS per stress-ng group, SOAK_CALLS
# per trinity run, SOAK_SEED.
SOAK_SECS ?= 240
SOAK_CALLS ?= 20000
SOAK_SEED ?= 42

soak: $(IMAGES)
	@scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode soak --quiet-boot \
		--append "ksft.soak_secs=$(SOAK_SECS) ksft.soak_calls=$(SOAK_CALLS) ksft.soak_seed=$(SOAK_SEED)" \
		--log $(LOGS)/soak.log --timeout 1500 >/dev/null || true
	@scripts/check-soak.sh $(LOGS)/soak.log

# The dynamic_stack selftests again, with the host injecting an NMI into
# every CPU every 0.2 s (the QEMU monitor's "nmi"): NMIs land at random
# points of the edge faults, the IST shifts and the refills. With
# page-table isolation on (pti=on: the entry paths switch CR3), like the
# 4-CPU run below; every run has the CPU mitigations and the random kernel
# stack offset of the test config (scripts/config/qemu.config).
PTI_ON := pti=on
nmi-check: $(IMAGES)
	@scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode check --nmi-every 0.2 \
		--append "$(PTI_ON)" --args "-c dynamic_stack" --log $(LOGS)/nmi.log \
		--timeout 1200 >/dev/null || true
	@scripts/check-log.sh $(LOGS)/nmi.log "qemu dynamic_stack + host NMIs, PTI"
	@scripts/check-pti.sh $(LOGS)/nmi.log

# QEMU 10.0 from bookworm-backports (scripts/fetch-qemu.sh, make deps),
# for the boots that bring CPUs online after boot: see scripts/run-vm.sh.
QEMU10 := $(BUILD)/qemu-bpo/usr/bin/qemu-system-x86_64

# The emulator smp-check runs on: 4 CPUs, 2 of them brought online after
# boot as in smp-check, all busy while the function tracer is switched on
# and off twice, so that the kernel rewrites code that the other CPUs run
# (scripts/demo/ftrace-smp.sh). Bookworm's QEMU 7.2 fails it, 6 times in
# 7 (see scripts/run-vm.sh): make tcg-check QEMU10=qemu-system-x86_64.
tcg-check: $(IMAGES)
	@QEMU=$(QEMU10) VM_SMP=4 ACCEL=tcg scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode ftrace-smp \
		--append "maxcpus=2 ksft.toggles=2" --log $(LOGS)/tcg.log --timeout 900 >/dev/null || true
	@scripts/check-log.sh $(LOGS)/tcg.log "qemu 10 TCG, function tracer on 4 busy CPUs"

# The dynamic_stack selftests on 4 CPUs, 2 of them left offline at boot
# (maxcpus=2): the cpu_hotplug test brings them online, so that their
# per-CPU threads (stopper, cpuhp, ksoftirqd) are created with dynamic
# stacks on, and takes CPUs offline and online while atomic refills fail;
# exhaustion_rt runs a SCHED_FIFO thread group on each of the 4 CPUs.
# Under QEMU 10.0, for those CPUs brought online later (see tcg-check).
smp-check: $(IMAGES)
	@QEMU=$(QEMU10) VM_SMP=4 scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode check \
		--append "maxcpus=2 $(PTI_ON)" --args "-c dynamic_stack" --log $(LOGS)/smp.log \
		--timeout 1200 >/dev/null || true
	@scripts/check-log.sh $(LOGS)/smp.log "qemu 10 dynamic_stack, 4 CPUs, hotplug, PTI"
	@scripts/check-pti.sh $(LOGS)/smp.log

# $(call variant_kernel,KBUILD,FRAGMENT): the test kernel's config plus
# scripts/config/FRAGMENT, built in KBUILD.
define variant_kernel
	@EXTRA_FRAGS=$(TOP)/scripts/config/$(2) scripts/mkconfig.sh $(1) $(KSFT_TARGETS)
	@echo "$@: building $(1)/arch/x86/boot/bzImage"
	@$(MAKE) -s -C $(TREE) O=$(1) -j$(JOBS) LOCALVERSION= CC="ccache gcc" \
		HOSTCC="ccache gcc" bzImage
endef

# The dynamic_stack selftests with the local APIC in x2APIC mode, where the
# stack fault path reads the in-service registers by MSR. x2APIC without a
# hypervisor needs interrupt remapping: QEMU emulates the Intel IOMMU's.
# TCG has x2APIC from QEMU 8.1 on: this boots QEMU 10.0. Its kernel
# (build/kbuild-x2apic) adds scripts/config/x2apic.config to the test
# kernel's. Not part of make check: a second kernel build.
X2APIC_KBUILD := $(BUILD)/kbuild-x2apic
x2apic-kernel: tree
	$(call variant_kernel,$(X2APIC_KBUILD),x2apic.config)

x2apic-check: x2apic-kernel initramfs
	@QEMU=$(QEMU10) ACCEL=tcg VM_CPU=max,+x2apic VM_QEMU_ARGS="-device intel-iommu,intremap=on,eim=on" \
		scripts/run-vm.sh --kernel $(X2APIC_KBUILD)/arch/x86/boot/bzImage --initrd $(INITRAMFS) --mode check \
		--args "-c dynamic_stack" --log $(LOGS)/x2apic.log --timeout 1200 >/dev/null || true
	@scripts/check-log.sh $(LOGS)/x2apic.log "qemu 10 dynamic_stack, x2APIC"
	@tr -d '\r' < $(LOGS)/x2apic.log | grep -E 'APIC: Switched APIC routing to: .*x2apic' || \
		{ echo "x2apic: FAIL: the local APIC was not in x2APIC mode"; exit 1; }

# A KASAN kernel (generic, KASAN_VMALLOC: scripts/config/kasan.config on
# top of the test kernel's config) in a build directory of its own, booted
# with dynamic stacks on to run the dynamic_stack and clone3 selftests; a
# KASAN report fails it (check-log.sh). Not part of make check: it is a
# second full kernel build.
KASAN_KBUILD := $(BUILD)/kbuild-kasan
KASAN_BZIMAGE := $(KASAN_KBUILD)/arch/x86/boot/bzImage
kasan-kernel: tree
	$(call variant_kernel,$(KASAN_KBUILD),kasan.config)

kasan-check: kasan-kernel initramfs
	@scripts/run-vm.sh --kernel $(KASAN_BZIMAGE) --initrd $(INITRAMFS) --mode check \
		--args "-c dynamic_stack -c clone3" --log $(LOGS)/kasan.log \
		--timeout 3600 >/dev/null || true
	@for m in 'KernelAddressSanitizer initialized' 'dynamic_stack: enabled'; do \
		grep -a -m1 "$$m" $(LOGS)/kasan.log | tr -d '\r' || \
			{ echo "kasan: FAIL: no '$$m' in the log"; exit 1; }; \
	done
	@scripts/check-log.sh $(LOGS)/kasan.log "qemu KASAN dynamic_stack + clone3"

# A boot of its own that overflows a kernel stack on purpose: it must die
# with the stack overflow report (dynamic stacks keep the guard page).
overflow-check: $(IMAGES)
	@scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode overflow \
		--log $(LOGS)/overflow.log --timeout 600 >/dev/null || true
	@scripts/check-overflow.sh $(LOGS)/overflow.log

# Bochs 2.7 (Debian) "tigerlake" enumerates CET but no CET_USER xstate:
# the kernel must refuse user shadow stacks there, and the shadow-stack
# tests must SKIP.
BOCHS_RUN := -t clone3:clone3_shadow_stack -t x86:test_shadow_stack_64
BOCHS_TIMEOUT ?= 900
EMU := $(BUILD)/emu/bin/bochs

# A base conf with BOCHS27_BOOTS=no (7.2) SKIPs it: that kernel does not
# boot under Bochs 2.7, vanilla or patched (README, "Two bases").
bochs-check: $(IMAGES)
	@if [ "$(BOCHS27_BOOTS)" = no ]; then \
		echo "bochs 2.7 tigerlake: SKIP: Linux $(BASE) turns XSAVE off under Bochs 2.7 and dies at boot, vanilla too (README)"; \
		echo "0 0 1" > $(LOGS)/bochs.log.bochs.counts; exit 0; fi; \
	scripts/run-bochs.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) \
		--args "$(BOCHS_RUN)" --log $(LOGS)/bochs.log --timeout $(BOCHS_TIMEOUT) >/dev/null || true; \
	scripts/check-bochs.sh $(LOGS)/bochs.log "bochs 2.7 tigerlake" withdrawn

# Boots where a lost interrupt could not be redelivered (see
# pf_check_irq_redelivery()): dynamic stacks must stay off, and the boot
# line must say why. "noapic": the boot CPU's LVT0 takes the 8259's
# ExtINTs (virtual wire); "nolapic": no local APIC at all.
REFUSE_BOOTS := noapic:LVT0.takes.8259.ExtINTs nolapic:no.local.APIC

refuse-check: $(IMAGES)
	@for b in $(REFUSE_BOOTS); do \
		arg=$${b%%:*}; why=$$(echo "$${b#*:}" | tr . ' '); log=$(LOGS)/refuse-$$arg.log; \
		scripts/run-vm.sh --kernel $(BZIMAGE) --initrd $(INITRAMFS) --mode probe --append "$$arg" \
			--log $$log --timeout 600 >/dev/null 2>&1 || true; \
		scripts/check-log.sh $$log "refuse $$arg" >/dev/null || { tail -30 $$log; exit 1; }; \
		if grep -q "dynamic_stack: disabled ($$why" $$log; then \
			echo "refuse $$arg: ok: $$(grep -o 'dynamic_stack: disabled (.*)' $$log)"; \
		else \
			echo "refuse $$arg: FAIL: no 'dynamic_stack: disabled ($$why' in $$log"; exit 1; \
		fi; \
	done

# The project's Bochs 3.x (scripts/mkbochs.sh), built once into build/emu.
emu:
	@scripts/mkbochs.sh >/dev/null

# Bochs 3.x "tigerlake": user shadow stacks enforced. The clone3 tests and
# the x86 shadow-stack test must run, not SKIP.
CET_RUN := -c clone3 -t x86:test_shadow_stack_64

cet-check: $(IMAGES) emu
	@scripts/run-bochs.sh --bochs $(EMU) --cpu tigerlake --kernel $(BZIMAGE) --initrd $(INITRAMFS) \
		--args "$(CET_RUN)" --log $(LOGS)/cet.log --timeout $(BOCHS_TIMEOUT) >/dev/null || true
	@scripts/check-bochs.sh $(LOGS)/cet.log "bochs cet tigerlake" enforced

# Bochs 3.x "wildcat_lake" with fred=on, when build/emu has FRED: the
# dynamic_stack selftests, then a boot that overflows a kernel stack (the
# fault path on FRED stack level 1). Without a FRED-capable Bochs source
# (../shared/bochs or BOCHS_SRC, see scripts/mkbochs.sh) it SKIPs. Where
# the base conf sets DSTACK_FRED_OPT_IN (7.2: FRED is on by default there,
# so dynamic stacks on FRED are opt-in), a third boot without
# dynamic_stack=on must keep them off and say why.
FRED_RUN := -c dynamic_stack
FRED_APPEND := fred=on dynamic_stack=on

fred-check: $(IMAGES) emu
	@if ! grep -qw fred $(BUILD)/emu/features; then \
		echo "bochs fred: SKIP: $$(cat $(BUILD)/emu/origin) has no FRED emulation (needs Bochs after 3.0)"; \
		echo "0 0 1" > $(LOGS)/fred.log.bochs.counts; exit 0; fi; \
	scripts/run-bochs.sh --bochs $(EMU) --cpu wildcat_lake --append "$(FRED_APPEND)" --kernel $(BZIMAGE) \
		--initrd $(INITRAMFS) --args "$(FRED_RUN)" --log $(LOGS)/fred.log \
		--timeout $(BOCHS_TIMEOUT) >/dev/null || true; \
	scripts/check-bochs.sh $(LOGS)/fred.log "bochs fred wildcat_lake" fred || exit 1; \
	scripts/run-bochs.sh --bochs $(EMU) --cpu wildcat_lake --append "$(FRED_APPEND)" --kernel $(BZIMAGE) \
		--initrd $(INITRAMFS) --mode overflow --log $(LOGS)/fred-overflow.log \
		--timeout 600 >/dev/null || true; \
	grep -qaE 'Initialize FRED on CPU0|^KSFT-CPUFLAGS:.* fred([[:space:]]|$$)' $(LOGS)/fred-overflow.log || \
		{ echo "bochs fred overflow: FAIL: FRED was not initialised"; exit 1; }; \
	scripts/check-overflow.sh $(LOGS)/fred-overflow.log; \
	[ -n "$(DSTACK_FRED_OPT_IN)" ] || exit 0; \
	scripts/run-bochs.sh --bochs $(EMU) --cpu wildcat_lake --append fred=on --kernel $(BZIMAGE) \
		--initrd $(INITRAMFS) --mode probe --log $(LOGS)/fred-optin.log \
		--timeout 600 >/dev/null 2>&1 || true; \
	if grep -a 'dynamic_stack: disabled (FRED: only with dynamic_stack=on)' $(LOGS)/fred-optin.log | tr -d '\r'; then \
		echo "bochs fred opt-in: ok"; \
	else echo "bochs fred opt-in: FAIL: no 'dynamic_stack: disabled (FRED: ...)' in $(LOGS)/fred-optin.log"; exit 1; fi

# On 6.12 it also applies and checkpatches the 7.2 topics (no 7.2 build or
# boot: make check BASE=7.2 runs that pipeline, see README). Their source
# comes from Debian sid: if it cannot be fetched (sid has moved on), that
# part SKIPs and says so; once fetched, it must pass.
CHECK_72 := $(if $(filter 6.12,$(BASE)),{ if $(MAKE) -s deps BASE=7.2; then \
	$(MAKE) -s check-apply checkpatch BASE=7.2; else \
	echo "check: 7.2 topics: SKIP: the 7.2 source could not be fetched (make deps BASE=7.2)"; fi; } &&)

check:
	@start=$$(date +%s); \
	$(MAKE) -s check-apply check-mirror checkpatch && $(CHECK_72) \
	$(MAKE) -s kernel initramfs emu uapi-check && \
	$(MAKE) -s sparse && \
	for t in tcg-check vm-check nmi-check smp-check overflow-check refuse-check bochs-check cet-check fred-check; do \
		$(MAKE) -s $$t IMAGES= || exit 1; \
	done && \
	echo "check: all passed in $$(( $$(date +%s) - start )) s" && \
	cat $(LOGS)/check.log.counts $(LOGS)/nmi.log.counts $(LOGS)/smp.log.counts \
		$(LOGS)/bochs.log.bochs.counts $(LOGS)/cet.log.bochs.counts $(LOGS)/fred.log.bochs.counts | \
		awk '{ p += $$1; f += $$2; s += $$3 } END { printf "kselftest: %d passed, %d failed, %d skipped\n", p, f, s }'

# sparse (C=2) + W=1 over the kernel C files the series touches, each under
# a config that compiles it, base against head: new warnings fail.
sparse: kernel
	@JOBS=$(JOBS) scripts/sparse.sh $(KBUILD)

# The same at every commit against its parent (a warning must be fixed in
# the patch that adds it); FROM=N starts at patch N.
sparse-each: kernel
	@JOBS=$(JOBS) scripts/sparse-each.sh $(KBUILD) $(FROM)

# Address a series with get_maintainer.pl, without sending anything:
# 6.12's whole series, or (BASE=7.2) one topic, TOPIC=x86|clone3|rseq|dstack.
# SERIES=DIR dry-runs another copy, e.g. the output of make signoff.
SERIES ?= $(if $(TOPIC),$(BUILD)/outgoing/$(BASE)/$(TOPIC),$(TOP)/$(PATCHES_DIR))
SERIES_SRC = $(if $(TOPIC),$(TOP)/$(PATCHES_DIR)/$(TOPIC),$(TOP)/$(PATCHES_DIR))

send-email: tree
	@[ -n "$(TOPIC)" ] || [ -z "$(TOPICS)" ] || { echo "send-email: BASE=$(BASE) needs TOPIC= one of $(TOPICS)"; exit 1; }
	@d="$(SERIES)"; [ -d "$$d" ] || d="$(SERIES_SRC)"; scripts/send-email.sh "$$d"

# Re-sign a series under your own identity before posting it (README,
# "Posting a topic"): SIGNER="Full Name <address>" (default: git config
# user.name/user.email); writes build/outgoing/BASE/TOPIC (or .../all).
SIGNER ?= $(shell git config user.name) <$(shell git config user.email)>

signoff: tree
	@[ -n "$(TOPIC)" ] || [ -z "$(TOPICS)" ] || { echo "signoff: BASE=$(BASE) needs TOPIC= one of $(TOPICS)"; exit 1; }
	@scripts/signoff.sh "$(SERIES_SRC)" "$(BUILD)/outgoing/$(BASE)/$(or $(TOPIC),all)" "$(SIGNER)"

# Bisectability: build the kernel at every commit of the series.
build-each: config
	@scripts/build-each.sh $(KBUILD) $(JOBS) $(or $(FROM),1) $(TO)

clean:
	rm -rf $(KBUILD) $(KSFT_DIR) $(INITRAMFS) $(LOGS)/*.log

distclean:
	rm -rf $(BUILD)
