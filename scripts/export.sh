#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Export branch "series" of $TREE to patches/ (git format-patch with a cover
# letter taken from the branch description and base-commit info), then
# regenerate the kernel-shaped mirror from it.
. "$(dirname "$0")/lib.sh"

cd "$TREE"
git diff --quiet HEAD || die "$TREE has uncommitted changes"
[ "$(git rev-parse --abbrev-ref HEAD)" = "$BRANCH" ] || die "$TREE is not on branch $BRANCH"
git config "branch.$BRANCH.description" >/dev/null ||
	die "no cover letter: 'git branch --edit-description $BRANCH' in $TREE"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The cover letter's Date: is the newest commit's, so an unchanged series
# exports byte for byte the same.
GIT_COMMITTER_DATE=$(git log -1 --format=%cI "$BRANCH") \
git format-patch -q --zero-commit --cover-letter --cover-from-description=subject \
	--base="$BASE_COMMIT" -o "$out" "$BASE_COMMIT..$BRANCH"
rm -f "$TOP"/patches/*.patch
mkdir -p "$TOP/patches"
cp "$out"/*.patch "$TOP/patches/"
git config ksft.stamp "$(patches_stamp)"
git config ksft.head "$(git rev-parse "$BRANCH")"
echo "export: $(series_patches | wc -l) patches + cover letter in patches/"
"$TOP/scripts/mirror.sh" update
