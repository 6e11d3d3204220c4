#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs in the guest (ksft.mode=bench, "make bench"): the series'
# benchmarks, each comparing two variants in the same boot.
ksft=/kselftest
rc=0

printf '\n=== clone3(): thread create+join, VER3-sized vs VER2-sized clone_args ===\n'
(cd $ksft/clone3 && ./clone3_bench) || rc=1

exit $rc
