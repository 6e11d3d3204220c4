#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run sparse (C=2) and W=1 on every kernel C file the series touches, at
# the base and at the head of the series, and report only the warnings
# the base does not have. Line numbers are ignored in the comparison.
#
# usage: sparse.sh KBUILD_WITH_CONFIG
. "$(dirname "$0")/lib.sh"

config=$1/.config
mapfile -t files < <(git -C "$TREE" diff --name-only --diff-filter=d "$BASE_COMMIT" "$BRANCH" -- '*.c' |
	grep -vE '^(tools|Documentation|samples|scripts)/' || true)
if [ ${#files[@]} -eq 0 ]; then
	echo "sparse: the series touches no kernel C file"
	exit 0
fi

warnings() {	# NAME REV -> normalised warnings, one per line
	local dir obj f o
	dir=$(scratch_tree "$1" "$2")
	obj=$BUILD/$1/kbuild
	cp "$config" "$obj/.config"
	make -s -C "$dir" O="$obj" olddefconfig >/dev/null
	make -s -C "$dir" O="$obj" -j"$(nproc)" CC="ccache gcc" prepare >/dev/null 2>&1
	for f in "${files[@]}"; do
		[ -e "$dir/$f" ] || continue
		o=${f%.c}.o
		grep -q "$(basename "$o")" "$dir/$(dirname "$f")/Makefile" 2>/dev/null || continue
		make -C "$dir" O="$obj" C=2 W=1 CHECK="sparse" CC="ccache gcc" "$o" 2>&1 |
			grep -E ': (warning|error):' || true
	done | sed -E 's/:[0-9]+:[0-9]+: /: /; s/:[0-9]+: /: /' | sort
}

warnings sparse-base "$BASE_COMMIT" > "$BUILD/sparse-base.txt"
warnings sparse-head "$BRANCH" > "$BUILD/sparse-head.txt"
new=$(comm -13 "$BUILD/sparse-base.txt" "$BUILD/sparse-head.txt")
echo "sparse: ${#files[@]} files; base $(wc -l < "$BUILD/sparse-base.txt") warnings, head $(wc -l < "$BUILD/sparse-head.txt")"
if [ -n "$new" ]; then
	printf '%s\n' "$new"
	die "new sparse / W=1 warnings"
fi
echo "sparse: no new warnings"
