#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel + test initramfs under Bochs and report the guest's result.
#
# usage: run-bochs.sh --kernel BZIMAGE --initrd CPIO [--mode check|demo|probe|overflow]
#                     [--args "run_kselftest.sh args"] [--append "cmdline"]
#                     [--log FILE] [--timeout SECONDS] [--cpu MODEL]
#                     [--bochs BINARY]
#
# Bochs boots from an isolinux CD image made with xorriso. The guest's
# serial console (com1) goes to a file, which is copied to --log; the exit
# status is the guest's "KSFT-DONE rc=N", or 1 when the guest did not get
# there (timeout, kernel panic, emulator failure).
#
# Why Bochs: QEMU's TCG emulates neither CET nor FRED. Two Bochs builds:
#  - Debian bookworm's Bochs 2.7 (/usr/bin/bochs, the default): its
#    "tigerlake" model enumerates CET but no CET_USER xstate component
#    (CPUID.(EAX=0xD,ECX=1):ECX is 0), so the kernel must refuse user
#    shadow stacks; a kernel that offers them anyway leaks shadow-stack
#    state between tasks and kills unrelated processes;
#  - the project's Bochs 3.x (scripts/mkbochs.sh, --bochs build/emu/bin/bochs):
#    "tigerlake" with XSAVES of CET_USER, which enforces user shadow stacks,
#    and, when built from a source that has it, "wildcat_lake" with FRED.
#
# Bochs is single-threaded and emulates one CPU here (SMP in Bochs is
# slower still and adds nothing to what this run checks). Keep the test
# list short: a tiny kernel boots to userspace in about 20 seconds.
set -euo pipefail

kernel='' initrd='' mode=check args='' append='' log='' timeout=900
cpu=${BOCHS_CPU:-tigerlake} mem=${BOCHS_MEM:-1024} ips=${BOCHS_IPS:-16000000}
bochs=/usr/bin/bochs
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--mode) mode=$2; shift ;;
	--args) args=$2; shift ;;
	--append) append=$2; shift ;;
	--log) log=$2; shift ;;
	--timeout) timeout=$2; shift ;;
	--cpu) cpu=$2; shift ;;
	--bochs) bochs=$(readlink -f "$2"); shift ;;
	*) echo "run-bochs.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
if [ ! -r "$kernel" ] || [ ! -r "$initrd" ]; then
	echo "run-bochs.sh: need --kernel and --initrd" >&2
	exit 2
fi
case "$mode" in
check|demo|probe|overflow) ;;
*) echo "run-bochs.sh: mode $mode needs a console; use run-vm.sh" >&2; exit 2 ;;
esac

isolinux_bin=/usr/lib/ISOLINUX/isolinux.bin
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
bios=/usr/share/bochs/BIOS-bochs-latest
vgabios=/usr/share/vgabios/vgabios.bin
for f in "$isolinux_bin" "$ldlinux" "$bios" "$vgabios"; do
	[ -r "$f" ] || { echo "run-bochs.sh: $f missing (make deps)" >&2; exit 2; }
done
for t in "$bochs" xorriso; do
	command -v "$t" >/dev/null || { echo "run-bochs.sh: $t missing (make deps, scripts/mkbochs.sh)" >&2; exit 2; }
done
# The project's own build (scripts/mkbochs.sh) has no GUI and no debugger;
# Debian's has both, and its debugger must be told to continue.
own_build=0
[ -r "$(dirname "$bochs")/../features" ] && own_build=1

work=$(mktemp -d)
bochs_pid=
# shellcheck disable=SC2317	# called through the trap
cleanup() {
	[ -n "$bochs_pid" ] && kill "$bochs_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# Same command line as run-vm.sh, but without page-table isolation: these
# runs are about CET and FRED, Bochs' Intel models do not say they are not
# affected by Meltdown, and PTI turns FRED off. The QEMU runs cover it.
extra="pti=off $append"
[ -n "$args" ] && extra="$extra ksft.args=$(tr ' ' ',' <<<"$args")"
cmdline="console=ttyS0 panic=-1 oops=panic ksft.mode=$mode $extra"

mkdir -p "$work/iso/isolinux"
cp "$isolinux_bin" "$ldlinux" "$work/iso/isolinux/"
cp "$kernel" "$work/iso/vmlinuz"
cp "$initrd" "$work/iso/initrd.gz"
cat > "$work/iso/isolinux/isolinux.cfg" <<EOF
DEFAULT ksft
PROMPT 0
TIMEOUT 0
LABEL ksft
  KERNEL /vmlinuz
  INITRD /initrd.gz
  APPEND $cmdline
EOF
xorriso -as mkisofs -quiet -o "$work/boot.iso" -R -J \
	-b isolinux/isolinux.bin -c isolinux/boot.cat \
	-no-emul-boot -boot-load-size 4 -boot-info-table "$work/iso" 2>"$work/xorriso.log" ||
	{ cat "$work/xorriso.log" >&2; exit 2; }

# Debian's 2.7: "rfb" with timeout=0 does not wait for a VNC client
# (nothing connects), and without a sound card it aborts in its ALSA setup.
# ips only sets how fast guest time runs against emulated instructions
# (clock sync=none keeps runs reproducible). It must leave the guest more
# than its timer interrupt costs: at 4M (16000 instructions per 4 ms tick)
# the early boot of the lockdep test kernel spent nearly all its time in
# the periodic tick (Bochs 2.7's "tigerlake" enumerates APERF/MPERF but
# faults on them, two #GPs per tick), and some builds never got past it.
# From rest_init() to SMP setup took 215 s of guest time at 4M, 0.05 s at 16M.
if [ "$own_build" = 1 ]; then
	display='display_library: nogui'
	rc=()
else
	display='display_library: rfb, options="timeout=0"
speaker: enabled=0
sound: driver=dummy'
	printf 'c\nquit\n' > "$work/bochs.rc"
	rc=(-rc bochs.rc)
fi
cat > "$work/bochsrc" <<EOF
megs: $mem
cpu: model=$cpu, count=1, ips=$ips, reset_on_triple_fault=0
romimage: file=$bios
vgaromimage: file=$vgabios
ata0-master: type=cdrom, path=$work/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$work/serial.out
$display
clock: sync=none, time0=local
log: $work/bochs.log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
EOF
log=${log:-$(mktemp)}
: > "$work/serial.out"
start=$(date +%s)
(cd "$work" && exec "$bochs" -q -f bochsrc "${rc[@]}" </dev/null >"$work/bochs.out" 2>&1) &
bochs_pid=$!

# panic=-1 makes a panicking guest reboot, which Bochs would follow into a
# second boot: stop at the first sign of either ending.
status=exited
while kill -0 "$bochs_pid" 2>/dev/null; do
	if [ $(($(date +%s) - start)) -ge "$timeout" ]; then
		status=timeout
		break
	fi
	if grep -q '^KSFT-DONE rc=' "$work/serial.out"; then
		# poweroff -f ends Bochs through ACPI; give it a moment.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$bochs_pid" 2>/dev/null || break
			sleep 1
		done
		status=finished
		break
	fi
	if grep -qE 'Kernel panic - not syncing|Rebooting in|reboot: Restarting system' "$work/serial.out"; then
		sleep 1
		status=panic
		break
	fi
	sleep 1
done
kill "$bochs_pid" 2>/dev/null || true
wait "$bochs_pid" 2>/dev/null || true
bochs_pid=
elapsed=$(($(date +%s) - start))

tr -d '\r' < "$work/serial.out" > "$log"
# A panicking guest may also end Bochs before the loop above sees it.
if [ "$status" = exited ] && grep -q 'Kernel panic - not syncing' "$log"; then
	status=panic
fi
sed -n '/KSFT-DMESG-BEGIN/,/KSFT-DMESG-END/!p' "$log"
echo "run-bochs: cpu=$cpu ${elapsed}s, $status; log: $log" >&2

if ! grep -q '^KSFT-DONE rc=' "$log"; then
	echo "run-bochs: the guest did not finish ($status)" >&2
	if [ "$status" != panic ]; then
		echo "run-bochs: last Bochs messages:" >&2
		grep -vE 'lt_dlhandle|loaded plugin' "$work/bochs.out" | tail -8 | sed 's/^/    /' >&2
	fi
	exit 1
fi
guest_rc=$(sed -n 's/^KSFT-DONE rc=\([0-9]*\).*/\1/p' "$log" | tail -1)
exit "$guest_rc"
