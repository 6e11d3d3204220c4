#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (ksft.mode=dstack-idle): the demo's one-line
# KernelStack figure for 500 blocked threads, booted once with
# dynamic_stack=off and once with =on (the idle-stack part of
# dynamic_stack_bench, one round; the rate parts run once, briefly).
cd /kselftest/dynamic_stack || exit 1
./dynamic_stack_bench -n 500 -c 1 -p 1 -r 1 > /tmp/idle.out || { cat /tmp/idle.out; exit 1; }
awk '$1 == "RESULT" { r[$2] = $3 }
	END { printf "KernelStack, 500 idle threads, dynamic_stack=%-3s: %7.0f kB (%.2f kB per thread)\n",
		r["dynamic_stack"], r["idle_stack_kb"], r["idle_stack_kb_per_thread"] }' /tmp/idle.out
