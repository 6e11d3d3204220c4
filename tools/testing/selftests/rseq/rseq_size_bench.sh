#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark, not a pass/fail test: does RSEQ_FLAG_EXACT_SIZE slow down the
# rseq fast path?  Runs param_test_benchmark's per-cpu list test with a
# sched_yield() per iteration and more threads than CPUs, so that every
# iteration goes through the kernel's rseq return-to-user handling, once
# with the original 32-byte registration and once with an exact-size one.
# Both registrations are made by librseq (glibc's is disabled), runs
# alternate (ABBA) to cancel drift, and the median times give the ratio
# plain/exact: >= 1 means the exact-size registration is not slower.
#
# usage: rseq_size_bench.sh [ROUNDS [REPS [THREADS]]]

ROUNDS=${1:-7}
REPS=${2:-20000}
NR_CPUS=$(grep -c '^processor' /proc/cpuinfo)
THREADS=${3:-$((4 * NR_CPUS))}
BENCH=$(dirname "$0")/param_test_benchmark
export GLIBC_TUNABLES=glibc.pthread.rseq=0

run() {	# $@: extra options; prints elapsed seconds
	local start end

	start=$EPOCHREALTIME
	"$BENCH" -T l -y -t "$THREADS" -r "$REPS" "$@" || return 1
	end=$EPOCHREALTIME
	echo "$start $end" | awk '{ printf "%.6f\n", $2 - $1 }'
}

median() {
	sort -n | awk '{ v[NR] = $1 }
		END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

if ! "$BENCH" -E -T l -t 1 -r 1 >/dev/null 2>&1; then
	echo "rseq_size_bench: RSEQ_FLAG_EXACT_SIZE registration not available"
	exit 4
fi

plain=() exact=()
for ((i = 0; i < ROUNDS; i++)); do
	# Alternate which kind runs first, so that drift favours neither.
	if ((i % 2)); then
		e=$(run -E) || exit 1
		p=$(run) || exit 1
	else
		p=$(run) || exit 1
		e=$(run -E) || exit 1
	fi
	plain+=("$p") exact+=("$e")
	echo "round $i: plain ${p}s exact ${e}s"
done
p=$(printf '%s\n' "${plain[@]}" | median)
e=$(printf '%s\n' "${exact[@]}" | median)
echo "$p $e" | awk -v t="$THREADS" -v r="$REPS" '{
	printf "rseq_size_bench: %d threads x %d reps, median plain %.3fs, ", t, r, $1
	printf "exact %.3fs, ratio plain/exact %.4f\n", $2, $1 / $2 }'
