#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "make bench-dstack" table: dynamic_stack_bench's results from a
# dynamic_stack=off boot and a dynamic_stack=on boot of the same kernel:
# for each measurement the median and the min..max over the rounds, the
# on/off ratio of the medians, and the range that ratio can take given
# the spread (on min / off max .. on max / off min).
#
# usage: dstack-table.sh OFF.log ON.log
. "$(dirname "$0")/lib.sh"

rows() {	# LOG -> "name median min max" per measurement
	tr -d '\r' < "$1" | awk '
		$1 == "RESULT" && $2 !~ /_delta$/ && $3 ~ /^[0-9.]+$/ && $2 != "vmstat_counters" { name[n++] = $2 }
		$1 == "measurement" && $2 == "median" { t = 1; i = 0; next }
		t && NF >= 5 && $(NF - 3) ~ /^[0-9.]+$/ && i < n {
			print name[i++], $(NF - 3), $(NF - 2), $(NF - 1)
		}'
}

off=$1 on=$2
for f in "$off" "$on"; do
	grep -q 'RESULT ' "$f" || die "no RESULT lines in $f"
done

printf '%-26s %24s %24s %8s %17s\n' "measurement" "off: median (min..max)" \
	"on: median (min..max)" "on/off" "on/off range"
join <(rows "$off" | sort) <(rows "$on" | sort) | sort -k1,1 |
	awk '{ r = $2 ? $5 / $2 : 0; lo = $4 ? $6 / $4 : 0; hi = $3 ? $7 / $3 : 0
		printf "%-26s %10.2f %-13s %10.2f %-13s %8.4f %8.4f..%.4f\n",
			$1, $2, sprintf("(%.0f..%.0f)", $3, $4), $5, sprintf("(%.0f..%.0f)", $6, $7), r, lo, hi }'
