#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (ksft.mode=soak, "make soak"): stress-ng stressors
# that fork, clone, recurse and switch, then trinity (a syscall fuzzer)
# with a fixed seed and a bounded call count, all with dynamic kernel
# stacks on. Ends
# with the dynamic-stack audit, which must find no leaked page once the
# system is quiet. The host (scripts/check-soak.sh) fails the run on any
# splat or hung task in the log.
#
# Kernel command line: ksft.soak_secs=N (stress-ng time per stressor
# group), ksft.soak_calls=N (trinity calls per run), ksft.soak_seed=N.
param() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" /proc/cmdline; }
secs=$(param ksft.soak_secs); secs=${secs:-60}
calls=$(param ksft.soak_calls); calls=${calls:-20000}
seed=$(param ksft.soak_seed); seed=${seed:-42}
dbg=/sys/kernel/debug/test_dynamic_stack
rc=0

mount -t debugfs none /sys/kernel/debug 2>/dev/null
vmstat() { grep -E '^dynamic_stack_' /proc/vmstat | tr '\n' ' '; echo; }
kstack() { awk '/^KernelStack:/ { print $2 }' /proc/meminfo; }
threads() { ls -d /proc/[0-9]*/task/[0-9]* 2>/dev/null | wc -l; }

echo "SOAK-START $(vmstat)"
echo "SOAK-PARAMS secs=$secs calls=$calls seed=$seed"

# Deep, busy stacks: KernelStack sampled while the stressors run (the
# high-water mark) and per thread.
hw=0 hw_threads=0
stress-ng --fork 2 --clone 2 --pthread 2 --stack 2 --pipe 2 --sock 2 \
	--timeout "${secs}s" --metrics-brief --oom-avoid >/tmp/stress.out 2>&1 &
spid=$!
while kill -0 "$spid" 2>/dev/null; do
	k=$(kstack) n=$(threads)
	[ "$k" -gt "$hw" ] && { hw=$k; hw_threads=$n; }
	sleep 2
done
wait "$spid" || { echo "SOAK-FAIL stress-ng exited $?"; rc=1; }
grep -E 'stress-ng: (fail|error)|successful run|unsuccessful' /tmp/stress.out | sed 's/^/  /'
awk '$2 == "metrc:" && $4 ~ /^[a-z]+$/ && $5 ~ /^[0-9]+$/ { printf "SOAK-STRESS %s %d bogo ops\n", $4, $5 }' /tmp/stress.out
echo "SOAK-KERNELSTACK high-water ${hw} kB for ${hw_threads} threads" \
	"($(awk -v k="$hw" -v n="$hw_threads" 'BEGIN { if (n) printf "%.2f", k / n }') kB per thread)"

# trinity refuses to fuzz as root unless it drops privileges (-X: nobody).
# Calls that would end the guest or the run itself are left out, and so
# is socket creation: trinity 2023.01 itself segfaults in its protocol
# table there (a NULL+0x20 read in trinity-main, seen at startup).
cd /tmp || exit 1
excl="-x reboot -x kexec_load -x kexec_file_load -x init_module -x finit_module
	-x delete_module -x swapoff -x swapon -x umount -x pivot_root -x chroot -x acct
	-x syslog -x ptrace -x vhangup -x setsid -x socket -x socketpair
	--disable-fds=sockets"
fuzz() {	# NAME ARGS...
	name=$1; shift
	# shellcheck disable=SC2086
	timeout -s KILL $((secs * 3)) trinity -q -X -l off -s "$seed" -N "$calls" -C 2 $excl "$@" \
		>/tmp/trinity-$name.out 2>&1
	echo "SOAK-TRINITY $name exit=$? $(grep -oE 'Ran [0-9]+ syscalls.*' /tmp/trinity-$name.out | tail -1)"
	tail -3 /tmp/trinity-$name.out | sed 's/^/  /'
}
# Every syscall trinity 2023.01 fuzzes by default. It cannot be aimed at
# the calls this series changes: it marks clone3 AVOID and, named alone
# (-c clone3), stops at once with "No more syscalls enabled"; it lists
# rseq as "rseq,", which -c cannot name; it has no map_shadow_stack. The
# selftests cover those; rseq is in the general run.
fuzz general

# The audit counts pages owned by dynamic stacks that no live task, cache
# or pool holds; stacks of exiting tasks are freed through RCU, so wait
# for the system to go quiet.
sleep 5
leaked=-1
for _ in 1 2 3 4 5 6 7 8 9 10; do
	leaked=$(sed -n 's/^leaked //p' $dbg/audit)
	[ "$leaked" = 0 ] && break
	sleep 2
done
cat $dbg/audit | tr '\n' ' ' | sed 's/^/SOAK-AUDIT /'; echo
[ "$leaked" = 0 ] || { echo "SOAK-FAIL leaked $leaked stack pages"; rc=1; }
echo "SOAK-END $(vmstat)"
exit $rc
