#!/bin/bash
# SPDX-License-Identifier: GPL-2.0+ or MIT

NR_CPUS=`grep '^processor' /proc/cpuinfo | wc -l`

EXTRA_ARGS=${@}

OLDIFS="$IFS"
IFS=$'\n'
TEST_LIST=(
	"-T s"
	"-T l"
	"-T b"
	"-T b -M"
	"-T m"
	"-T m -M"
	"-T i"
	"-T r"
)

TEST_NAME=(
	"spinlock"
	"list"
	"buffer"
	"buffer with barrier"
	"memcpy"
	"memcpy with barrier"
	"increment"
	"membarrier"
)
IFS="$OLDIFS"

# RSEQ_PARAM_TEST_QUICK=1 selects a reduced matrix for slow machines and
# emulators: fewer repetitions, threads and injected loops, the variants
# (compare-twice, mm_cid) only with default parameters, and one ratio per
# blocking injection. Every test type and every injection point still runs.
QUICK=${RSEQ_PARAM_TEST_QUICK:-0}

if [ "$QUICK" = 1 ]; then
	REPS=${RSEQ_PARAM_TEST_REPS:-100}
	NR_THREADS=${RSEQ_PARAM_TEST_THREADS:-$((2*${NR_CPUS}))}
	INJECT_LOOPS=${RSEQ_PARAM_TEST_LOOPS:-1000}
	INJECT_RATIOS="1"
else
	REPS=${RSEQ_PARAM_TEST_REPS:-1000}
	NR_THREADS=${RSEQ_PARAM_TEST_THREADS:-$((6*${NR_CPUS}))}
	INJECT_LOOPS=${RSEQ_PARAM_TEST_LOOPS:-10000}
	INJECT_RATIOS="4 2 1"
fi
SLOW_REPS=100

# Runs every test type; $1 is "all" to run the variants as well.
function do_tests()
{
	local variants=$1
	local i=0

	shift
	if [ "$QUICK" != 1 ]; then
		variants=all
	fi
	while [ "$i" -lt "${#TEST_LIST[@]}" ]; do
		echo "Running test ${TEST_NAME[$i]}"
		./param_test ${TEST_LIST[$i]} -r ${REPS} -t ${NR_THREADS} ${@} ${EXTRA_ARGS} || exit 1
		if [ "$variants" = all ]; then
			echo "Running compare-twice test ${TEST_NAME[$i]}"
			./param_test_compare_twice ${TEST_LIST[$i]} -r ${REPS} \
				-t ${NR_THREADS} ${@} ${EXTRA_ARGS} || exit 1

			echo "Running mm_cid test ${TEST_NAME[$i]}"
			./param_test_mm_cid ${TEST_LIST[$i]} -r ${REPS} \
				-t ${NR_THREADS} ${@} ${EXTRA_ARGS} || exit 1
			echo "Running mm_cid compare-twice test ${TEST_NAME[$i]}"
			./param_test_mm_cid_compare_twice ${TEST_LIST[$i]} -r ${REPS} \
				-t ${NR_THREADS} ${@} ${EXTRA_ARGS} || exit 1
		fi
		let "i++"
	done
}

echo "Default parameters"
do_tests all

echo "Loop injection: ${INJECT_LOOPS} loops"

OLDIFS="$IFS"
IFS=$'\n'
INJECT_LIST=(
	"1"
	"2"
	"3"
	"4"
	"5"
	"6"
	"7"
	"8"
	"9"
)
IFS="$OLDIFS"

NR_LOOPS=${INJECT_LOOPS}

i=0
while [ "$i" -lt "${#INJECT_LIST[@]}" ]; do
	echo "Injecting at <${INJECT_LIST[$i]}>"
	do_tests some -${INJECT_LIST[i]} ${NR_LOOPS}
	let "i++"
done
NR_LOOPS=

function inject_blocking()
{
	OLDIFS="$IFS"
	IFS=$'\n'
	INJECT_LIST=(
		"7"
		"8"
		"9"
	)
	IFS="$OLDIFS"

	NR_LOOPS=-1

	i=0
	while [ "$i" -lt "${#INJECT_LIST[@]}" ]; do
		echo "Injecting at <${INJECT_LIST[$i]}>"
		do_tests some -${INJECT_LIST[i]} -1 ${@}
		let "i++"
	done
	NR_LOOPS=
}

for m in ${INJECT_RATIOS}; do
	echo "Yield injection ($((100 / m))%)"
	inject_blocking -m $m -y
done

for m in ${INJECT_RATIOS}; do
	echo "Kill injection ($((100 / m))%)"
	inject_blocking -m $m -k
done

for m in ${INJECT_RATIOS}; do
	echo "Sleep injection (1ms, $((100 / m))%)"
	inject_blocking -m $m -s 1
done
