#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel + test initramfs under QEMU and report the guest's result.
#
# usage: run-vm.sh --kernel BZIMAGE --initrd CPIO [--mode check|demo|shell]
#                  [--args "run_kselftest.sh args"] [--append "cmdline"]
#                  [--log FILE] [--timeout SECONDS] [--accel auto|kvm|tcg]
#                  [--icount] [--quiet-boot] [--nmi-every SECONDS]
#
# --icount (TCG only): guest time follows executed instructions
# (-icount shift=0,align=off,sleep=off), so timed benchmarks inside the
# guest no longer depend on how busy the host is. Ignored under KVM.
# --quiet-boot: the terminal shows the guest's output from /init's
# KSFT-BEGIN marker on, not the kernel's boot messages (all of it is in
# the log, and the end of the log is shown when the guest fails).
#
# --nmi-every injects an NMI into every guest CPU from the host (the QEMU
# monitor's "nmi" command) every SECONDS (fractions allowed) from the
# start of /init on (the firmware does not take NMIs): NMIs at random
# points of the tests.
#
# Environment: VM_SMP, VM_MEM (CPUs, memory), VM_CPU (the TCG CPU model,
# "max" by default), QEMU (the QEMU binary), VM_QEMU_ARGS (more QEMU
# arguments).
#
# --accel auto (the default) uses KVM with "-cpu host" when a probe boot
# under it reaches userspace, and TCG with "-cpu max" otherwise. On a host
# whose KVM virtualises CET (host kernel and QEMU with CET support) that
# is what runs the shadow-stack tests with real enforcement.
#
# QEMU is bookworm's 7.2 by default. The boots that bring CPUs online
# after boot (maxcpus=) pass QEMU 10.0 from bookworm-backports instead,
# unpacked in build/qemu-bpo by scripts/fetch-qemu.sh (make deps): once
# such CPUs run, 7.2's TCG executes code the kernel has already patched
# back. With the function tracer switched on under load, a CPU executes an
# INT3 that text_poke_bp() has removed and oopses ("Oops: int3", with
# dynamic_stack=off as well), or an instruction half rewritten ("invalid
# opcode"). make tcg-check fails on 7.2 and passes on 10.0, whose TCG also
# has x2APIC (x2apic-check). The other boots stay on 7.2, where every
# selftest has passed run after run; under 10.0, x86's sigreturn_64 once
# found RF set in the flags its SIGTRAP reported (see README, "Booting").
. "$(dirname "$0")/lib.sh"

kernel= initrd= mode=check args= append= log= timeout=1800 accel=${ACCEL:-auto}
smp=${VM_SMP:-2} mem=${VM_MEM:-2G} icount=0 quiet=0 nmi_every=
qemu_bpo=$BUILD/qemu-bpo
qemu=${QEMU:-qemu-system-x86_64} tcg_cpu=${VM_CPU:-max}
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
	--nmi-every) nmi_every=$2; shift ;;
	*) echo "run-vm.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
[ -r "$kernel" ] && [ -r "$initrd" ] || { echo "run-vm.sh: need --kernel and --initrd" >&2; exit 2; }
command -v "$qemu" >/dev/null || { echo "run-vm.sh: no $qemu (make deps)" >&2; exit 2; }

qemu_cmd() {	# $1: accel, $2: mode, $3: extra cmdline -> sets cmd[]
	local cpu=$tcg_cpu acc=tcg
	if [ "$1" = kvm ]; then cpu=host; acc=kvm; fi
	cmd=("$qemu" -M q35 -accel "$acc" -cpu "$cpu" -smp "$smp" -m "$mem")
	# Its own firmware files, and SeaBIOS from bookworm's package
	case "$qemu" in
	"$qemu_bpo"/*) cmd+=(-L "$qemu_bpo/usr/share/qemu" -L /usr/share/seabios) ;;
	esac
	if [ "$icount" = 1 ] && [ "$acc" = tcg ]; then
		cmd+=(-icount shift=0,align=off,sleep=off)
	fi
	# shellcheck disable=SC2206
	cmd+=(
		-nographic -no-reboot -kernel "$kernel" -initrd "$initrd"
		-append "console=ttyS0 panic=-1 oops=panic ksft.mode=$2 $3"
		${VM_QEMU_ARGS:-})
}

# Send "nmi" to the QEMU monitor at $1 every $2 seconds, once the console
# log $3 shows /init starting, until QEMU goes away.
nmi_injector() {
	python3 - "$1" "$2" "$3" <<'PY'
import socket, sys, time
path, period, log = sys.argv[1], float(sys.argv[2]), sys.argv[3]
for _ in range(6000):
	try:
		if b"Run /init" in open(log, "rb").read():
			break
	except OSError:
		pass
	time.sleep(0.1)
try:
	s = socket.socket(socket.AF_UNIX); s.connect(path)
except OSError:
	sys.exit(0)
sent = 0
try:
	while True:
		time.sleep(period)
		s.sendall(b"nmi\n"); sent += 1
except OSError:
	pass
print(f"run-vm: {sent} NMIs injected", file=sys.stderr)
PY
}

kvm_works() {
	[ -w /dev/kvm ] || return 1
	qemu_cmd kvm probe ""
	# Not grep -q: under pipefail, QEMU killed by SIGPIPE would fail it
	timeout 60 "${cmd[@]}" </dev/null 2>&1 | grep "KSFT-DONE rc=0" >/dev/null
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
nmi_pid=
if [ -n "$nmi_every" ]; then
	mon_dir=$(mktemp -d)
	cmd+=(-monitor "unix:$mon_dir/monitor,server=on,wait=off")
	nmi_injector "$mon_dir/monitor" "$nmi_every" "$log" &
	nmi_pid=$!
fi
timeout --foreground "$timeout" "${cmd[@]}" \
	</dev/null 2>&1 | tee "$log" | show || rc=$?
if [ -n "$nmi_pid" ]; then
	wait "$nmi_pid" || true
	rm -rf "$mon_dir"
fi
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
