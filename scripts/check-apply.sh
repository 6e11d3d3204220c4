#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The series must apply with no fuzz, patch after patch: to the recorded
# base and, with KSRC=/path, to another kernel tree. The files the series
# touches are copied to a scratch directory and the patches applied there
# in order with git apply (exact context, no fuzz, no offsets allowed to
# drift silently). With topics (BASE=7.2), each topic alone, then all.
. "$(dirname "$0")/lib.sh"

apply_to() {	# $1: description, $2: what is applied, then a command that prints a file's content
	local what=$1 which=$2; shift 2
	local tmp f
	local -a p touched
	mapfile -t p < <(series_patches $which)
	[ "${#p[@]}" -gt 0 ] || { echo "apply: ${which:-the series} is empty"; return 0; }
	mapfile -t touched < <(sed -n 's|^diff --git a/\([^ ]*\) b/.*|\1|p' "${p[@]}" | sort -u)
	tmp=$(mktemp -d)
	for f in "${touched[@]}"; do
		if "$@" "$f" > "$tmp/.content" 2>/dev/null; then
			mkdir -p "$tmp/$(dirname "$f")"
			mv "$tmp/.content" "$tmp/$f"
		fi
	done
	rm -f "$tmp/.content"
	for f in "${p[@]}"; do
		if ! (cd "$tmp" && git apply --whitespace=nowarn "$f"); then
			rm -rf "$tmp"
			die "${f##*/} does not apply to $what"
		fi
	done
	rm -rf "$tmp"
	echo "apply: ${#p[@]} patches${which:+ of topic $which} apply in order, without fuzz, to $what"
}

base_file() { git -C "$TREE" show "$BASE_COMMIT:$1"; }
ksrc_file() { cat "$KSRC/$1"; }

if [ -n "${KSRC:-}" ]; then
	[ -d "$KSRC" ] || die "KSRC=$KSRC is not a directory"
	KSRC=$(cd "$KSRC" && pwd)
fi
# Each topic on its own (what a maintainer applies), then the whole stack.
for t in $TOPICS; do
	apply_to "base $BASE_COMMIT" "$t" base_file
	[ -z "${KSRC:-}" ] || apply_to "$KSRC" "$t" ksrc_file
done
apply_to "base $BASE_COMMIT" "" base_file
[ -z "${KSRC:-}" ] || apply_to "$KSRC" "" ksrc_file
