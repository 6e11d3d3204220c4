#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Judge a guest console log from run-vm.sh / run-bochs.sh: the guest must
# have finished with rc=0, no TAP line may say "not ok", and the kernel log
# must hold no splat. Prints the TAP counts and a closing
# "N passed, N failed, N skipped" line (top-level kselftests).
#
# usage: check-log.sh LOG [NAME]
set -uo pipefail
log=$1
name=${2:-kselftest}
fail=0

tr -d '\r' < "$log" > "$log.clean"
clean=$log.clean

top_ok=$(grep -cE '^ok [0-9]+ ' "$clean" | tr -d ' ')
top_skip=$(grep -cE '^ok [0-9]+ .*# SKIP' "$clean")
top_notok=$(grep -cE '^not ok [0-9]+ ' "$clean")
sub_ok=$(grep -cE '^(# )+ok [0-9]+ ' "$clean")
sub_skip=$(grep -cE '^(# )+ok [0-9]+ .*# SKIP' "$clean")
sub_notok=$(grep -cE '^(# )+not ok [0-9]+ ' "$clean")
# KUnit suites report on the console as KTAP, behind printk timestamps.
kunit_ok=$(grep -cE '^\[ *[0-9.]+\] +ok [0-9]+ ' "$clean")
kunit_notok=$(grep -cE '^\[ *[0-9.]+\] +not ok [0-9]+ ' "$clean")

echo "$name: top-level: $((top_ok - top_skip)) ok, $top_skip skip, $top_notok not ok;" \
	"subtests: $((sub_ok - sub_skip)) ok, $sub_skip skip, $sub_notok not ok;" \
	"kunit: $kunit_ok ok, $kunit_notok not ok"

if [ "$((top_notok + sub_notok + kunit_notok))" -ne 0 ]; then
	echo "$name: FAIL: failing tests:"
	grep -E '^((# )*|\[ *[0-9.]+\] +)not ok [0-9]+ ' "$clean" | sed 's/^/    /'
	# What a failing kselftest-harness test logged, from its RUN line on
	awk '/^(# )+#  RUN  / { n = 0 } /^(# )+# / { held[++n] = $0 }
		/^(# )+#  *FAIL  / { for (i = 1; i <= n; i++) print held[i]; n = 0 }' \
		"$clean" | tail -40 | sed 's/^/    /'
	fail=1
fi

if ! grep -q '^KSFT-DONE rc=0' "$clean"; then
	echo "$name: FAIL: guest did not finish cleanly ($(grep -o 'KSFT-DONE rc=[0-9]*' "$clean" || echo 'no result marker'))"
	fail=1
fi

# Kernel splats, anywhere on the console (the console carries printk).
splat='WARNING: CPU|BUG: |BUG kmalloc|Oops|KASAN|UBSAN|kernel stack overflow|Kernel panic|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|general protection fault|Call Trace:'
if grep -En "$splat" "$clean" > "$log.splat"; then
	echo "$name: FAIL: kernel splat in the log:"
	head -20 "$log.splat" | sed 's/^/    /'
	fail=1
fi

total_fail=$((top_notok))
[ "$fail" -ne 0 ] && [ "$total_fail" -eq 0 ] && total_fail=1
echo "$name: $((top_ok - top_skip)) passed, $total_fail failed, $top_skip skipped"
echo "$((top_ok - top_skip)) $total_fail $top_skip" > "$log.counts"
exit $fail
