#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel + test initramfs under QEMU and report the guest's result.
#
# usage: run-vm.sh --kernel BZIMAGE --initrd CPIO [--mode check|demo|shell]
#                  [--args "run_kselftest.sh args"] [--append "cmdline"]
#                  [--log FILE] [--timeout SECONDS] [--accel auto|kvm|tcg]
#
# --accel auto (the default) uses KVM with "-cpu host" when a probe boot
# under it reaches userspace, and TCG with "-cpu max" otherwise. On a host
# whose KVM virtualises CET (host kernel and QEMU with CET support) that
# is what runs the shadow-stack tests with real enforcement.
set -euo pipefail

kernel= initrd= mode=check args= append= log= timeout=1800 accel=${ACCEL:-auto}
smp=${VM_SMP:-2} mem=${VM_MEM:-2G}
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
	*) echo "run-vm.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -r "$kernel" ] && [ -r "$initrd" ] || { echo "run-vm.sh: need --kernel and --initrd" >&2; exit 2; }

qemu_cmd() {	# $1: accel, $2: mode, $3: extra cmdline -> sets cmd[]
	local cpu=max acc=tcg
	if [ "$1" = kvm ]; then cpu=host; acc=kvm; fi
	cmd=(qemu-system-x86_64 -M q35 -accel "$acc" -cpu "$cpu" -smp "$smp" -m "$mem"
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
echo "run-vm: accel=$accel mode=$mode" >&2

extra=$append
[ -n "$args" ] && extra="$extra ksft.args=$(tr ' ' ',' <<<"$args")"

if [ "$mode" = shell ]; then
	qemu_cmd "$accel" shell "$extra"
	exec "${cmd[@]}"
fi

log=${log:-$(mktemp)}
rc=0
qemu_cmd "$accel" "$mode" "$extra"
timeout --foreground "$timeout" "${cmd[@]}" \
	</dev/null 2>&1 | tee "$log" | sed -u -n '/KSFT-DMESG-BEGIN/,/KSFT-DMESG-END/!p' || rc=$?
if ! grep -q "^KSFT-DONE rc=" "$log"; then
	echo "run-vm: the guest did not finish (timeout ${timeout}s or crash); log: $log" >&2
	exit 1
fi
guest_rc=$(sed -n 's/^KSFT-DONE rc=\([0-9]*\).*/\1/p' "$log" | tail -1)
exit "$guest_rc"
