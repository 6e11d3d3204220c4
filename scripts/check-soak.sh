#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Judge a "make soak" log (scripts/demo/soak.sh in the guest): check-log.sh
# (guest rc=0, no splat, no hung task), no SOAK-FAIL line, the audit found
# no leaked stack page, trinity ran, and print the counts.
#
# usage: check-soak.sh LOG
set -uo pipefail
log=$1
here=$(dirname "$0")
fail=0
"$here/check-log.sh" "$log" soak >/dev/null || { "$here/check-log.sh" "$log" soak | grep -v ': top-level'; fail=1; }
clean=$log.clean
grep -E '^SOAK-' "$clean" | grep -vE '^SOAK-(START|END)' | sed 's/^SOAK-/soak: /'
if grep -q '^SOAK-FAIL' "$clean"; then
	fail=1
fi
grep -qE '^SOAK-AUDIT .*leaked 0 ' "$clean" || { echo "soak: FAIL: no clean audit"; fail=1; }
for t in general; do
	grep -qE "^SOAK-TRINITY $t exit=0" "$clean" || { echo "soak: FAIL: trinity $t did not finish"; fail=1; }
done
start=$(sed -n 's/^SOAK-START //p' "$clean") end=$(sed -n 's/^SOAK-END //p' "$clean")
echo "soak: vmstat before: $start"
echo "soak: vmstat after:  $end"
[ "$fail" = 0 ] && echo "soak: ok"
exit "$fail"
