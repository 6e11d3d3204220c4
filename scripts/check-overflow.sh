#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Check the log of a "ksft.mode=overflow" boot: a kernel stack overflowed
# into its guard page on purpose must be reported as such and kill the
# kernel, through the #PF IST path, never as a double fault.
#
# usage: check-overflow.sh LOG
. "$(dirname "$0")/lib.sh"

log=$1
[ -r "$log" ] || die "check-overflow: no log $log"
clean=$log.clean
tr -d '\r' < "$log" > "$clean"

fail() { echo "overflow: FAIL: $*"; exit 1; }
grep -q 'overflowing the kernel stack of .* on purpose' "$clean" ||
	fail "the test driver did not start the overflow"
grep -q 'BUG: TASK stack guard page was hit' "$clean" ||
	fail "no 'BUG: TASK stack guard page was hit' report"
grep -q 'Kernel panic' "$clean" || fail "the kernel did not die"
grep -q 'double fault' "$clean" && fail "reported as a double fault"
grep -q 'the stack overflow went unnoticed\|KSFT-DONE' "$clean" &&
	fail "the overflow went unnoticed"
echo "overflow: ok: $(grep -m1 -o 'BUG: TASK stack guard page was hit.*' "$clean")"
