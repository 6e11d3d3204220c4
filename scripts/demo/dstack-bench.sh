#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (ksft.mode=dstack-bench, "make bench-dstack"), once
# booted with dynamic_stack=off and once with dynamic_stack=on.
printf '\n=== dynamic kernel stacks: %s ===\n' "$(grep -o 'dynamic_stack=[a-z]*' /proc/cmdline)"
cd /kselftest/dynamic_stack && ./dynamic_stack_bench -r 15
