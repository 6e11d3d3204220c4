#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test initramfs. What it runs is chosen on the kernel
# command line:
#   ksft.mode=check  run_kselftest.sh with the arguments in ksft.args
#   ksft.mode=demo   /extra/demo.sh (shows the series' features)
#   ksft.mode=bench  /extra/bench.sh (the series' benchmarks)
#   ksft.mode=dstack-bench  /extra/dstack-bench.sh (make bench-dstack)
#   ksft.mode=dstack-idle   /extra/dstack-idle.sh (the demo's KernelStack line)
#   ksft.mode=dstack-workload  /extra/dstack-workload.sh (make dstack-workload)
#   ksft.mode=soak   /extra/soak.sh (make soak: stress-ng and trinity)
#   ksft.mode=ftrace-smp  /extra/ftrace-smp.sh (make tcg-check)
#   ksft.mode=probe  print a marker and power off (accelerator probe)
#   ksft.mode=overflow  overflow a kernel stack on purpose (must panic)
#   ksft.mode=shell  interactive shell on the console
# ksft.args uses ',' for spaces ("-c,clone3,-t,x86:test_shadow_stack_64").
# The host runner looks for "KSFT-DONE rc=N" to learn the result.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# devtmpfs has no /dev/std* links: without them the kselftest runner's
# ">> /dev/stdout" writes every test's output into a regular file.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
hostname ksft

cmdline_param() {
	for w in $(cat /proc/cmdline); do
		case "$w" in
		"$1"=*) echo "${w#*=}" ;;
		esac
	done
}

mode=$(cmdline_param ksft.mode)
# From here on the console carries the test's own output (run-vm.sh
# --quiet-boot shows the terminal nothing before this line).
echo "KSFT-BEGIN mode=$mode"
args=$(cmdline_param ksft.args | tr ',' ' ')

# What the CPU offered this kernel (the judges look for user_shstk, fred).
cpuflags() {
	echo "KSFT-CPUFLAGS:$(sed -n 's/^flags[[:space:]]*://p' /proc/cpuinfo | head -1)"
}

# Let the console transmit what it still buffers before the power goes
# (or the kernel panics): a UART that keeps real baud-rate timing (Bochs)
# is seconds behind. stty re-applying the current settings waits for the
# output to drain (tcsetattr TCSADRAIN).
drain() {
	stty -F /dev/console "$(stty -F /dev/console -g)" 2>/dev/null
}

finish() {
	cpuflags
	echo "KSFT-DMESG-BEGIN"
	dmesg
	echo "KSFT-DMESG-END"
	echo "KSFT-DONE rc=$1"
	drain
	sync
	poweroff -f
}

case "$mode" in
check)
	cd /kselftest
	# shellcheck disable=SC2086
	./run_kselftest.sh $args
	finish $?
	;;
demo|bench|dstack-bench|dstack-idle|dstack-workload|soak|ftrace-smp)
	sh "/extra/$mode.sh"
	finish $?
	;;
probe)
	finish 0
	;;
overflow)
	# Overflow a kernel stack into its guard page on purpose: the kernel
	# must report it and die, so reaching the next line is a failure.
	mount -t debugfs none /sys/kernel/debug
	cpuflags
	drain
	echo 1 > /sys/kernel/debug/test_dynamic_stack/overflow
	finish 1
	;;
*)
	echo "ksft: interactive shell; 'poweroff -f' to leave"
	setsid cttyhack sh
	poweroff -f
	;;
esac
