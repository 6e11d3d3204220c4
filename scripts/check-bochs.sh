#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Judge the console log of a Bochs run (run-bochs.sh). On top of
# check-log.sh (guest rc=0, no "not ok", no splat) it asserts what the run
# is there to show (EXPECT):
#
#   withdrawn  Bochs 2.7 "tigerlake": CET enumerated without the CET_USER
#              xstate, so (a) the kernel says it withdrew user shadow
#              stacks, (b) the shadow-stack selftest skips with the reason,
#              (c) no task was killed on the way.
#   enforced   Bochs 3.x "tigerlake": user shadow stacks enforced, so the
#              CPU flags have user_shstk, nothing was withdrawn, and
#              x86:test_shadow_stack_64 and clone3_shadow_stack ran: "ok",
#              never SKIP, in the test and in each of its subtests. The
#              tests overflow shadow stacks on purpose; those faults are
#              judged by the tests' own results, not by the kernel's
#              "segfault"/"control protection" lines.
#   fred       Bochs 3.x "wildcat_lake", fred=on: the kernel initialised
#              FRED, dynamic stacks were enabled, and the dynamic_stack
#              selftests ran "ok" (not SKIP).
#
# usage: check-bochs.sh LOG [NAME] [EXPECT]   (EXPECT defaults to withdrawn)
set -uo pipefail
log=$1
name=${2:-bochs}
expect=${3:-withdrawn}
check_log=${CHECK_LOG:-$(dirname "$0")/check-log.sh}
fail=0

bad() { echo "$name: FAIL: $*"; fail=1; }

[ -x "$check_log" ] || { echo "$name: $check_log not found" >&2; exit 2; }

# Bochs 2.7's CPU models enumerate CPUID inconsistently, and the kernel
# says so at boot with warnings that are about the emulator, not about the
# series: the legacy topology leaf (parse_legacy) and the xstate layout
# (misordered xstate, PKRU of size 0, XSAVE consistency problem, after
# which XSAVE is disabled). Drop exactly those boot-time (PID 0) warning
# blocks, list them, and judge the rest with check-log.sh.
known='WARNING: CPU: 0 PID: 0 at .*(arch/x86/kernel/cpu/topology_common\.c:[0-9]+ parse_legacy|arch/x86/kernel/fpu/xstate\.c:[0-9]+ fpu__init_system_xstate)\+'
rm -f "$log.known"
tr -d '\r' < "$log" | awk -v known="$known" -v out="$log.known" '
	/------------\[ cut here \]------------/ { held = $0; n = 1; next }
	n {
		block[n++] = $0
		if ($0 ~ /WARNING: CPU:/) { drop = ($0 ~ known); if (drop) print $0 >> out }
		if ($0 ~ /---\[ end trace/) {
			if (!drop) { print held; for (i = 1; i < n; i++) print block[i] }
			n = 0; drop = 0
		}
		next
	}
	{ print }
	END { if (n) { print held; for (i = 1; i < n; i++) print block[i] } }
' > "$log.bochs"

if [ -s "$log.known" ]; then
	echo "$name: ignoring $(wc -l < "$log.known") boot-time warnings about Bochs' CPUID:"
	sed -E 's/.* at [^ ]*\/(arch\/[^ ]*) ([a-z_]+)\+.*/    \1 \2/' "$log.known" | sort | uniq -c
fi
"$check_log" "$log.bochs" "$name" || fail=1
clean=$log.bochs.clean	# written by check-log.sh: the log without CRs

withdrawn() {
	# (a) The kernel log (between the markers, and the console) must say why
	# user shadow stacks are off. The message comes from the gating patch
	# "x86/fpu: Offer user shadow stacks only with the CET_USER xstate".
	msg='x86/fpu: CET_USER xstate is not enabled, disabling user shadow stacks'
	if ! grep -qF "$msg" "$clean"; then
		bad "no '$msg' in the kernel log"
	fi
	if ! grep -q 'KSFT-DMESG-BEGIN' "$clean"; then
		bad "no kernel log dump (KSFT-DMESG-BEGIN) in the console log"
	fi

	# (b) test_shadow_stack must have run, skipped, and said why.
	if ! grep -qE '^ok [0-9]+ selftests: x86: test_shadow_stack_64 # SKIP' "$clean"; then
		bad "test_shadow_stack_64 did not report a SKIP:"
		grep -E 'selftests: x86: test_shadow_stack_64' "$clean" | sed 's/^/    /'
	fi
	if ! grep -qE '^# \[SKIP\][[:space:]]+Could not enable Shadow stack: Operation not supported' "$clean"; then
		bad "test_shadow_stack_64 did not give the EOPNOTSUPP reason for its skip"
	fi
	# Shadow-stack subtests of clone3 (if this tree has them): report them; a
	# failure among them is already caught by check-log.sh.
	grep -iE '^(# )+(ok|not ok) [0-9]+ .*(shadow|shstk)' "$clean" | sed "s/^/$name: clone3: /"

	# (c) Nothing outside the tests may die. Fatal user signals are logged by
	# the kernel (show_unhandled_signals); a shadow-stack #PF in another task
	# shows as "segfault at ... error 44", a #CP as "control protection".
	killed='segfault at|control protection|Attempted to kill init|traps: .*trap|potentially unexpected fatal signal|exited with irqs disabled|Killed process'
	if grep -En "$killed" "$clean" > "$log.killed"; then
		bad "a task was killed:"
		head -10 "$log.killed" | sed 's/^/    /'
	fi
}

clean_ok() {	# TEST: its top-level TAP line says ok, and not SKIP
	grep -qE "^ok [0-9]+ selftests: $1\$" "$clean" ||
		bad "$1 did not report ok: $(grep -E "^(not )?ok [0-9]+ selftests: $1( |\$)" "$clean" || echo 'not run')"
}
block() {	# TEST: the lines of its output
	awk -v t="selftests: $1" 'index($0, "# " t) == 1 { on = 1; next }
		on && index($0, t) { exit } on' "$clean"
}

case "$expect" in
withdrawn)
	withdrawn
	;;
enforced)
	# The two parts of test_shadow_stack_64 that the test kernel leaves
	# out on purpose: userfaultfd (6.12 refuses it on shadow-stack VMAs, so
	# with USERFAULTFD on that part would fail even on hardware) and the
	# uretprobe part (no UPROBE_EVENTS, which needs the tracing core).
	allowed_skips='\[SKIP\][[:space:]]+(Userfaultfd unavailable\.|Uretprobe test, uprobes are not available)$'
	grep -q '^KSFT-CPUFLAGS:.* user_shstk' "$clean" ||
		bad "user_shstk is not in the guest's /proc/cpuinfo flags"
	grep -qF 'disabling user shadow stacks' "$clean" &&
		bad "the kernel withdrew user shadow stacks"
	for t in "x86: test_shadow_stack_64" "clone3: clone3_shadow_stack"; do
		clean_ok "$t"
		if block "$t" | grep -E '# SKIP|\[SKIP\]|\[FAIL\]' | grep -vE "$allowed_skips" > "$log.skip"; then
			bad "$t has skipped or failed parts:"
			sed 's/^/    /' "$log.skip"
		fi
	done
	echo "$name: $(block "x86: test_shadow_stack_64" | grep -c '\[OK\]') test_shadow_stack_64 checks ok," \
		"$(block "clone3: clone3_shadow_stack" | grep -cE '^# (# )?ok ') clone3_shadow_stack subtests ok, enforced"
	;;
fred)
	# 6.12 says so at boot; 7.2 no longer does, but lists it in its flags
	grep -qE 'Initialize FRED on CPU0|^KSFT-CPUFLAGS:.* fred( |$)' "$clean" ||
		bad "the kernel did not initialise FRED"
	grep -q 'dynamic_stack: enabled' "$clean" || bad "dynamic stacks were not enabled"
	grep -E '^(not )?ok [0-9]+ selftests: dynamic_stack: ' "$clean" > "$log.dstack" ||
		bad "no dynamic_stack selftest ran"
	grep -vE '^ok [0-9]+ selftests: dynamic_stack: [a-z_]+$' "$log.dstack" | sed "s/^/$name: not ok: /"
	grep -qvE '^ok [0-9]+ selftests: dynamic_stack: [a-z_]+$' "$log.dstack" &&
		bad "a dynamic_stack selftest did not report ok"
	;;
*)
	echo "check-bochs.sh: unknown EXPECT $expect" >&2
	exit 2
	;;
esac

[ "$fail" = 0 ] && echo "$name: $expect: as expected"
exit "$fail"
