#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "make dstack-workload" table: KernelStack of the workload's threads
# while the same stress-ng workload runs on a dynamic_stack=off boot and on
# a =on boot of the same kernel. Per thread: the median over the
# one-second samples, and at the high-water mark (the sample in which the
# workload's threads held the most KernelStack); the largest single
# thread; /proc/meminfo's KernelStack at that mark. Saved is 1 - on/off.
#
# usage: dstack-workload-table.sh OFF.log ON.log
. "$(dirname "$0")/lib.sh"

stats() {	# LOG -> "median_per_thread hw_kb hw_threads max_thread hw_meminfo samples"
	tr -d '\r' < "$1" | awk '
		$1 == "WORKLOAD-SAMPLE" && $2 > 0 {
			pt[n++] = $3 / $2
			if ($3 > hw) { hw = $3; hwn = $2; hwk = $5 }
			if ($4 > mx) mx = $4
		}
		END {
			if (!n) exit 1
			# insertion sort: a few dozen samples
			for (i = 1; i < n; i++)
				for (j = i; j > 0 && pt[j - 1] > pt[j]; j--) { t = pt[j]; pt[j] = pt[j - 1]; pt[j - 1] = t }
			med = n % 2 ? pt[(n - 1) / 2] : (pt[n / 2 - 1] + pt[n / 2]) / 2
			printf "%.2f %d %d %d %d %d\n", med, hw, hwn, mx, hwk, n
		}'
}

off=$(stats "$1") || die "no WORKLOAD-SAMPLE lines in $1"
on=$(stats "$2") || die "no WORKLOAD-SAMPLE lines in $2"
read -r o_med o_hw o_hwn o_mx o_k o_n <<< "$off"
read -r n_med n_hw n_hwn n_mx n_k n_n <<< "$on"
pt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
saved() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f%%", b ? 100 * (1 - a / b) : 0 }'; }

row() { printf '%-46s %14s %14s %8s\n' "$@"; }
row "KernelStack of the workload's threads (kB)" "off" "on" "saved"
row "per thread, median of the samples" "$o_med" "$n_med" "$(saved "$n_med" "$o_med")"
row "per thread at the high-water mark" "$(pt "$o_hw" "$o_hwn")" "$(pt "$n_hw" "$n_hwn")" \
	"$(saved "$(pt "$n_hw" "$n_hwn")" "$(pt "$o_hw" "$o_hwn")")"
row "high-water mark: kB / threads" "$o_hw / $o_hwn" "$n_hw / $n_hwn" ""
row "largest single thread" "$o_mx" "$n_mx" ""
row "meminfo KernelStack at the high-water mark" "$o_k" "$n_k" ""
row "samples" "$o_n" "$n_n" ""
tr -d '\r' < "$2" | sed -n 's/^WORKLOAD-STRESS/on: stress-ng/p'
