#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (ksft.mode=ftrace-smp, "make tcg-check"): the
# emulator's check, not the kernel's. Every CPU online and busy, the
# function tracer is switched on and off ksft.toggles times (default 2):
# each switch rewrites the call site of every traced function with
# text_poke_bp() (INT3, sync, tail, sync, first byte, sync) while the
# other CPUs run through those functions. Booted with maxcpus=, the CPUs
# it brings online here are the trigger: bookworm's QEMU 7.2 then executes
# stale code, an INT3 the kernel has already removed ("Oops: int3" in
# pick_task_fair, hrtimer_interrupt) or a half-patched instruction
# ("invalid opcode"). See scripts/run-vm.sh.
n=$(sed -n 's/.*ksft\.toggles=\([0-9]*\).*/\1/p' /proc/cmdline)
n=${n:-2}
t=/sys/kernel/tracing
mount -t tracefs none $t 2>/dev/null
grep -qw function $t/available_tracers || { echo "ftrace-smp: no function tracer"; exit 1; }
for c in /sys/devices/system/cpu/cpu[0-9]*/online; do
	echo 1 > "$c"
done
cpus=$(grep -c ^processor /proc/cpuinfo)
i=0
while [ $i -lt $((2 * cpus)) ]; do
	(while :; do :; done) &
	i=$((i + 1))
done
i=0
while [ $i -lt "$n" ]; do
	echo function > $t/current_tracer || exit 1
	echo nop > $t/current_tracer || exit 1
	i=$((i + 1))
done
echo "ftrace-smp: function tracer switched on and off $n times, $cpus CPUs busy"
