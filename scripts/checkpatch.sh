#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/checkpatch.pl --strict over every patch of the series: no error,
# warning or check. Exceptions live in scripts/checkpatch.exceptions, one
# per line: "PATCH-FILE TYPE justification" (PATCH-FILE's number is not
# compared); a line without a justification is refused.
. "$(dirname "$0")/lib.sh"

exc=$TOP/scripts/checkpatch.exceptions
bad=0
for p in $(series_patches); do
	name=${p##*/}
	ignore=
	if [ -r "$exc" ]; then
		while read -r file type why; do
			case "$file" in ''|'#'*) continue ;; esac
			[ -n "$why" ] || die "$exc: '$file $type' has no justification"
			# by the patch's name without its number, so that an
			# exception survives patches added or dropped before it
			[ "${file#[0-9][0-9][0-9][0-9]-}" = "${name#[0-9][0-9][0-9][0-9]-}" ] &&
				ignore="$ignore,$type"
		done < "$exc"
	fi
	out=$("$TREE/scripts/checkpatch.pl" --strict --no-tree --show-types --terse \
		${ignore:+--ignore "${ignore#,}"} "$p" 2>&1) || true
	summary=$(printf '%s\n' "$out" | tail -1)
	if printf '%s\n' "$out" | grep -qE '^[^ ]+: (ERROR|WARNING|CHECK):'; then
		printf '%s\n' "$out" | grep -E ': (ERROR|WARNING|CHECK):'
		echo "checkpatch: $name: $summary"
		bad=1
	else
		echo "checkpatch: $name: clean${ignore:+ (ignoring ${ignore#,}, see $exc)}"
	fi
done
[ "$bad" = 0 ] || die "checkpatch --strict is not clean"
