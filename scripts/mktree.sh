#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make $TREE: a git tree with the pristine base as one commit (always the
# hash in the base conf) and branch "series" = base + one commit per patch in
# patches/ (git am: no fuzz). Leaves a tree that is already up to date with
# patches/ alone, and refuses to drop commits that were never exported.
# A base with TOPICS (BASE=7.2) also gets one branch per topic, topic/NAME
# = base + that topic's patches alone; "series" stacks the topics in order.
. "$(dirname "$0")/lib.sh"

make_base() {
	[ -r "$BASE_TARBALL" ] || die "$BASE_TARBALL missing: run 'make deps${BASE_SUITE:+ BASE=$BASE}'"
	local tmp=$BUILD/.base.tmp
	rm -rf "$tmp" && mkdir -p "$tmp"
	tar -C "$tmp" -xf "$BASE_TARBALL"
	(
		cd "$tmp/$BASE_DIRNAME"
		git init -q -b base .
		# Debian's top-level .gitignore ignores "/*": add everything.
		git add -f -A .
		GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
		GIT_COMMITTER_NAME=base GIT_COMMITTER_EMAIL=base@localhost \
		GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
			git commit -q -m "$BASE_DESC"
	)
	local got
	got=$(git -C "$tmp/$BASE_DIRNAME" rev-parse HEAD)
	[ -n "$BASE_COMMIT" ] || die "base commit is $got: record it as BASE_COMMIT in $BASE_CONF"
	[ "$got" = "$BASE_COMMIT" ] ||
		die "base commit is $got, expected $BASE_COMMIT: wrong $BASE_PKG version?"
	mv "$tmp/$BASE_DIRNAME" "$TREE"
	rm -rf "$tmp"
}

cover_description() {	# [DIR]: subject + body of DIR's cover letter, for --cover-from-description
	python3 - "${1:-$PATCHES}/0000-cover-letter.patch" <<'PY'
import email, sys, re
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
subject = re.sub(r"^\[[^]]*\] ", "", " ".join(msg["Subject"].split()))
body = msg.get_payload()
lines = []
for line in body.splitlines():
	if re.match(r"^\S.* \(\d+\):$", line):	# start of the shortlog
		break
	lines.append(line)
print(subject + "\n\n" + "\n".join(lines).strip())
PY
}

[ -d "$TREE/.git" ] || make_base
cd "$TREE"
stamp=$(patches_stamp)
if git rev-parse -q --verify "$BRANCH" >/dev/null; then
	if [ "$(git config ksft.stamp || true)" = "$stamp" ]; then
		echo "tree: $TREE is up to date with patches/"
		exit 0
	fi
	head=$(git rev-parse "$BRANCH")
	if [ "$head" != "$(git config ksft.head || true)" ] && [ -z "${FORCE:-}" ]; then
		die "branch $BRANCH has commits that were never exported; 'make export' first, or FORCE=1 to drop them"
	fi
	for t in $TOPICS; do
		head=$(git rev-parse -q --verify "topic/$t" || true)
		[ -z "$head" ] || [ "$head" = "$(git config "ksft.head-$t" || true)" ] || [ -n "${FORCE:-}" ] ||
			die "branch topic/$t has commits that were never exported; 'make export BASE=$BASE' first, or FORCE=1"
	done
fi

for t in $TOPICS; do
	git checkout -q -f -B "topic/$t" "$BASE_COMMIT"
	mapfile -t tp < <(series_patches "$t")
	if [ "${#tp[@]}" -gt 0 ]; then
		git am -q --committer-date-is-author-date "${tp[@]}" ||
			{ git am --abort; die "$PATCHES_DIR/$t does not apply to $BASE_COMMIT on its own"; }
	fi
	[ -r "$PATCHES/$t/0000-cover-letter.patch" ] &&
		git config "branch.topic/$t.description" "$(cover_description "$PATCHES/$t")"
	git config "ksft.head-$t" "$(git rev-parse HEAD)"
done
git checkout -q -f -B "$BRANCH" "$BASE_COMMIT"
mapfile -t all < <(series_patches)
if [ "${#all[@]}" -gt 0 ]; then
	git am -q --committer-date-is-author-date "${all[@]}" ||
		{ git am --abort; die "$PATCHES_DIR does not apply to $BASE_COMMIT"; }
fi
if [ -z "$TOPICS" ]; then
	cover_description > .git/ksft-description
	git config "branch.$BRANCH.description" "$(cat .git/ksft-description)"
fi
git config ksft.stamp "$stamp"
git config ksft.head "$(git rev-parse HEAD)"
echo "tree: $TREE at $(git log --oneline -1) ($(git rev-list --count "$BASE_COMMIT..HEAD") patches)"
