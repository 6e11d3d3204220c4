#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel + test initramfs under QEMU and report the guest's result.
#
# usage: run-vm.sh --kernel BZIMAGE --initrd CPIO [--mode check|demo|shell]
#                  [--args "run_kselftest.sh args"] [--append "cmdline"]
#                  [--log FILE] [--timeout SECONDS] [--accel auto|kvm|tcg]
#                  [--icount] [--quiet-boot]
#
# --icount (TCG only): guest time follows executed instructions
# (-icount shift=0,align=off,sleep=off), so timed benchmarks inside the
# guest no longer depend on how busy the host is. Ignored under KVM.
# --quiet-boot: the terminal shows the guest's output from /init's
# KSFT-BEGIN marker on, not the kernel's boot messages (all of it is in
# the log, and the end of the log is shown when the guest fails).
#
# --accel auto (the default) uses KVM with "-cpu host" when a probe boot
# under it reaches userspace, and TCG with "-cpu max" otherwise. On a host
# whose KVM virtualises CET (host kernel and QEMU with CET support) that
# is what runs the shadow-stack tests with real enforcement.
set -euo pipefail

kernel= initrd= mode=check args= append= log= timeout=1800 accel=${ACCEL:-auto}
smp=${VM_SMP:-2} mem=${VM_MEM:-2G} icount=0 quiet=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--mode) mode=$2; shift ;;
	--args) args=$2; shift ;;
	--append) append=$2; shift ;;
	--log) log=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--accel) accel=$2; shift ;;
	--icount) icount=1 ;;
	--quiet-boot) quiet=1 ;;
	*) echo "run-vm.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -r "$kernel" ] && [ -r "$initrd" ] || { echo "run-vm.sh: need --kernel and --initrd" >&2; exit 2; }

qemu_cmd() {	# $1: accel, $2: mode, $3: extra cmdline -> sets cmd[]
	local cpu=max acc=tcg
	if [ "$1" = kvm ]; then cpu=host; acc=kvm; fi
	cmd=(qemu-system-x86_64 -M q35 -accel "$acc" -cpu "$cpu" -smp "$smp" -m "$mem")
	if [ "$icount" = 1 ] && [ "$acc" = tcg ]; then
		cmd+=(-icount shift=0,align=off,sleep=off)
	fi
	cmd+=(
		-nographic -no-reboot -kernel "$kernel" -initrd "$initrd"
		-append "console=ttyS0 panic=-1 oops=panic ksft.mode=$2 $3")
}

kvm_works() {
	[ -w /dev/kvm ] || return 1
	qemu_cmd kvm probe ""
	timeout 60 "${cmd[@]}" </dev/null 2>&1 | grep -q "KSFT-DONE rc=0"
}

if [ "$accel" = auto ]; then
	if kvm_works; then accel=kvm; else accel=tcg; fi
fi
echo "run-vm: accel=$accel mode=$mode$([ "$icount" = 1 ] && [ "$accel" = tcg ] && echo ' icount')" >&2

extra=$append
[ -n "$args" ] && extra="$extra ksft.args=$(tr ' ' ',' <<<"$args")"

if [ "$mode" = shell ]; then
	qemu_cmd "$accel" shell "$extra"
	exec "${cmd[@]}"
fi

log=${log:-$(mktemp)}
rc=0
qemu_cmd "$accel" "$mode" "$extra"
show() {	# the console as the terminal shows it
	if [ "$quiet" = 1 ]; then
		sed -u -n '/KSFT-BEGIN/,$p' | sed -u '/KSFT-DMESG-BEGIN/,/KSFT-DMESG-END/d; /KSFT-[A-Z]*/d; /reboot: Power down/d'
	else
		sed -u -n '/KSFT-DMESG-BEGIN/,/KSFT-DMESG-END/!p'
	fi
}
timeout --foreground "$timeout" "${cmd[@]}" \
	</dev/null 2>&1 | tee "$log" | show || rc=$?
if ! grep -q "^KSFT-DONE rc=" "$log"; then
	if [ "$quiet" = 1 ]; then
		echo "run-vm: the end of the console log:" >&2
		tail -40 "$log" | tr -d '\r' | sed 's/^/    /' >&2
	fi
	echo "run-vm: the guest did not finish (timeout ${timeout}s or crash); log: $log" >&2
	exit 1
fi
guest_rc=$(sed -n 's/^KSFT-DONE rc=\([0-9]*\).*/\1/p' "$log" | tail -1)
exit "$guest_rc"
