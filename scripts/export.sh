#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export branch "series" of $TREE to patches/ (git format-patch with a cover
# letter taken from the branch description and base-commit info), then
# regenerate the kernel-shaped mirror from it. A base with TOPICS exports
# each branch topic/NAME to $PATCHES_DIR/NAME/ instead.
. "$(dirname "$0")/lib.sh"

cd "$TREE"
git diff --quiet HEAD || die "$TREE has uncommitted changes"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# format_series BRANCH DIR: BRANCH's commits since the base, with its
# description as cover letter, into DIR (replacing DIR's patches).
format_series() {
	local branch=$1 dir=$2
	git config "branch.$branch.description" >/dev/null ||
		die "no cover letter: 'git branch --edit-description $branch' in $TREE"
	rm -rf "$out" && mkdir -p "$out"
	# The cover letter's Date: is the newest commit's, so an unchanged
	# series exports byte for byte the same.
	GIT_COMMITTER_DATE=$(git log -1 --format=%cI "$branch") \
	git format-patch -q --zero-commit --cover-letter --cover-from-description=subject \
		--base="$BASE_COMMIT" -o "$out" "$BASE_COMMIT..$branch"
	mkdir -p "$dir"
	rm -f "$dir"/*.patch
	cp "$out"/*.patch "$dir/"
}

if [ -z "$TOPICS" ]; then
	[ "$(git rev-parse --abbrev-ref HEAD)" = "$BRANCH" ] || die "$TREE is not on branch $BRANCH"
	format_series "$BRANCH" "$PATCHES"
	git config ksft.stamp "$(patches_stamp)"
	git config ksft.head "$(git rev-parse "$BRANCH")"
	echo "export: $(series_patches | wc -l) patches + cover letter in $PATCHES_DIR/"
	"$TOP/scripts/mirror.sh" update
	exit 0
fi

# One series per topic, from its branch topic/NAME; then "series" is
# rebuilt from them (mktree.sh), the stack the test kernel is built from.
for t in $TOPICS; do
	if [ "$(git rev-list --count "$BASE_COMMIT..topic/$t")" = 0 ]; then
		rm -f "$PATCHES/$t"/*.patch
		echo "export: topic $t: empty"
		continue
	fi
	format_series "topic/$t" "$PATCHES/$t"
	git config "ksft.head-$t" "$(git rev-parse "topic/$t")"
	echo "export: topic $t: $(series_patches "$t" | wc -l) patches + cover letter in $PATCHES_DIR/$t/"
done
FORCE=1 "$TOP/scripts/mktree.sh"
"$TOP/scripts/mirror.sh" update
