#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel-shaped folders of this repository hold the post-series copy of
# every file the series touches, and nothing else.
#   mirror.sh update   rewrite them from branch "series" of $TREE
#   mirror.sh check    fail if they differ from what the series produces
. "$(dirname "$0")/lib.sh"

# The mirror is 6.12's only (README, "Two bases"): a base with topics is
# read from its patches.
if [ -n "$TOPICS" ]; then
	echo "mirror: none for BASE=$BASE (read $PATCHES_DIR/)"
	exit 0
fi

cd "$TREE"
mapfile -t files < <(git diff --no-renames --diff-filter=d --name-only "$BASE_COMMIT" "$BRANCH")
for f in "${files[@]}"; do
	top=${f%%/*}
	case " $MIRROR_ROOTS " in
	*" $top "*) ;;
	*) die "the series touches $f, outside the mirrored paths ($MIRROR_ROOTS)" ;;
	esac
done

expected=$(mktemp -d)
trap 'rm -rf "$expected"' EXIT
for f in "${files[@]}"; do
	mkdir -p "$expected/$(dirname "$f")"
	git show "$BRANCH:$f" > "$expected/$f"
	[ -x "$f" ] && chmod +x "$expected/$f"
done

cd "$TOP"
# shellcheck disable=SC2086
mapfile -t have < <(git ls-files -- $MIRROR_ROOTS; git ls-files --others --exclude-standard -- $MIRROR_ROOTS)

case "${1:-}" in
update)
	for f in "${have[@]}"; do rm -f "$f"; done
	cp -a "$expected"/. "$TOP"/
	echo "mirror: ${#files[@]} files from the series"
	;;
check)
	bad=0
	for f in "${have[@]}"; do
		[ -e "$expected/$f" ] || { echo "mirror: $f is not produced by the series"; bad=1; }
	done
	for f in "${files[@]}"; do
		if [ ! -e "$TOP/$f" ]; then
			echo "mirror: $f is missing"; bad=1
		elif ! cmp -s "$expected/$f" "$TOP/$f"; then
			echo "mirror: $f differs from the series:"
			diff -u "$expected/$f" "$TOP/$f" | head -20 | sed 's/^/    /'
			bad=1
		fi
	done
	[ "$bad" = 0 ] || die "the mirror has drifted from patches/ (edit the tree, then 'make export')"
	echo "mirror: ${#files[@]} files match the series"
	;;
*)
	die "usage: mirror.sh update|check"
	;;
esac
