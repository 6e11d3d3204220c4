#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "make bench-dstack" table: dynamic_stack_bench's RESULT lines from a
# dynamic_stack=off boot and a dynamic_stack=on boot of the same kernel.
#
# usage: dstack-table.sh OFF.log ON.log
. "$(dirname "$0")/lib.sh"

result() {	# LOG NAME -> value
	tr -d '\r' < "$1" | awk -v n="$2" '$1 == "RESULT" && $2 == n { v = $3 } END { print v }'
}

off=$1 on=$2
for f in "$off" "$on"; do
	grep -q 'RESULT ' "$f" || die "no RESULT lines in $f"
done

printf '%-44s %14s %14s %8s\n' "measurement" "off" "on" "on/off"
for n in $(tr -d '\r' < "$on" | awk '$1 == "RESULT" && $2 !~ /_delta$/ { print $2 }'); do
	a=$(result "$off" "$n") b=$(result "$on" "$n")
	ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a + 0) printf "%.4f", b / a; else print "-" }')
	printf '%-44s %14s %14s %8s\n' "$n" "$a" "$b" "$ratio"
done
