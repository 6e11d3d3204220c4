#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (ksft.mode=demo): show what the series adds, using the
# selftests and helper programs installed in the image.
ksft=/kselftest
rc=0

section() { printf '\n=== %s ===\n' "$*"; }

section "kernel"
uname -a
grep -o 'user_shstk' /proc/cpuinfo | head -1 | sed 's/^/cpu flag: /' ||
	echo "cpu flag: no user_shstk (user shadow stacks unavailable on this CPU)"

section "clone3(): size contract and E2BIG-aware selftest"
(cd $ksft/clone3 && ./clone3) | grep -E '^(ok|not ok|# Totals)' || rc=1

section "clone3(): what this kernel accepts (CLONE_ARGS_CHECK_FIELDS, no task created)"
$ksft/clone3/clone3_discover || rc=1

section "clone3(): shadow_stack_size"
(cd $ksft/clone3 && ./clone3_shadow_stack) | grep -E '^(ok|not ok|# SKIP|#.*unavailable|# Totals)' | head -12

section "rseq: feature size, alignment and the in-band status of each registration"
(cd $ksft/rseq && ./registration_test -t auxv -t status_and_fill -t libc_owned_area) |
	grep -E '^(ok|not ok|# Totals)|AT_RSEQ|rseq::flags|registration:' || rc=1

section "x86 shadow stack selftest"
(cd $ksft/x86 && ./test_shadow_stack_64; echo "exit status $?")

exit $rc
