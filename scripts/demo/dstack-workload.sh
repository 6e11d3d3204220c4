#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (ksft.mode=dstack-workload, "make dstack-workload"),
# once booted with dynamic_stack=off and once with =on: KernelStack while
# a workload that goes deep runs (stress-ng stressors that fork, clone,
# recurse, switch and use pipes and sockets).
#
# Every second while it runs, the threads of the workload (named
# stress-ng*) are sampled through the KernelStack line of their
# /proc/PID/task/TID/status. A thread keeps the pages it has populated
# while it lives, so each sample counts the deepest each live thread has
# gone so far:
#   WORKLOAD-SAMPLE <threads> <their kB> <largest thread kB> <meminfo KernelStack kB>
#
# Kernel command line: ksft.workload_secs=N (default 30).
param() { sed -n "s/.*$1=\([0-9]*\).*/\1/p" /proc/cmdline; }
secs=$(param ksft.workload_secs); secs=${secs:-30}

sample() {
	k=$(awk '/^KernelStack:/ { print $2 }' /proc/meminfo)
	# a thread that exits meanwhile is skipped
	cat /proc/[0-9]*/task/[0-9]*/status 2>/dev/null | awk -v k="$k" '
		/^Name:/ { w = ($2 ~ /^stress-ng/) }
		/^KernelStack:/ && w { n++; sum += $2; if ($2 > max) max = $2 }
		END { printf "WORKLOAD-SAMPLE %d %d %d %d\n", n, sum, max, k }'
}

echo "WORKLOAD-START $(grep -o 'dynamic_stack=[a-z]*' /proc/cmdline) secs=$secs"
stress-ng --fork 2 --clone 2 --pthread 2 --stack 2 --pipe 2 --sock 2 \
	--timeout "${secs}s" --metrics-brief --oom-avoid >/tmp/stress.out 2>&1 &
spid=$!
sleep 2
while kill -0 "$spid" 2>/dev/null; do
	sample
	sleep 1
done
rc=0
wait "$spid" || { echo "WORKLOAD-FAIL stress-ng exited $?"; rc=1; }
awk '$2 == "metrc:" && $4 ~ /^[a-z]+$/ && $5 ~ /^[0-9]+$/ { printf "WORKLOAD-STRESS %s %d bogo ops\n", $4, $5 }' /tmp/stress.out
exit $rc
