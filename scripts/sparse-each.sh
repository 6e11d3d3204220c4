#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse.sh at every commit of the series against its parent, over the
# kernel C files that commit touches: a warning a patch introduces must be
# fixed in that patch, not by a later one (the head-only comparison of
# "make sparse" cannot see one that a later patch removes again).
#
# usage: sparse-each.sh KBUILD [FIRST]
# FIRST: start at that patch number.
. "$(dirname "$0")/lib.sh"

kbuild=$1
first=${2:-1}
n=0
bad=()
for c in $(git -C "$TREE" rev-list --reverse "$BASE_COMMIT..$BRANCH"); do
	n=$((n + 1))
	[ "$n" -lt "$first" ] && continue
	subj=$(git -C "$TREE" log -1 --format='%h %s' "$c")
	if [ -z "$(git -C "$TREE" diff --name-only --diff-filter=d "$c^" "$c" -- '*.c' |
		   grep -vE '^(tools|Documentation|samples|scripts|usr)/')" ]; then
		echo "sparse-each: $n $subj: no kernel C file"
		continue
	fi
	if out=$(SPARSE_UNBUILT=skip "$TOP/scripts/sparse.sh" "$kbuild" "$c^" "$c" 2>&1); then
		echo "sparse-each: $n $subj: $(grep -E '^sparse: ([0-9]+ gone|not built)' <<< "$out" | tr '\n' ' ')"
	else
		echo "sparse-each: $n $subj: FAIL"
		grep -vE '^  test config' <<< "$out" | sed 's/^/    /'
		bad+=("$n")
	fi
done
[ ${#bad[@]} -eq 0 ] || die "new warnings at patch(es) ${bad[*]}"
echo "sparse-each: every patch adds no sparse / W=1 warning"
