#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make $TREE: a git tree with the pristine base as one commit (always the
# hash in base.conf) and branch "series" = base + one commit per patch in
# patches/ (git am: no fuzz). Leaves a tree that is already up to date with
# patches/ alone, and refuses to drop commits that were never exported.
. "$(dirname "$0")/lib.sh"

make_base() {
	[ -r "$BASE_TARBALL" ] || die "$BASE_TARBALL missing: run 'make deps'"
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
	[ "$got" = "$BASE_COMMIT" ] ||
		die "base commit is $got, expected $BASE_COMMIT: wrong $BASE_PKG version?"
	mv "$tmp/$BASE_DIRNAME" "$TREE"
	rm -rf "$tmp"
}

cover_description() {	# subject + body of the cover letter, for --cover-from-description
	python3 - "$TOP/patches/0000-cover-letter.patch" <<'PY'
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
fi

git checkout -q -f -B "$BRANCH" "$BASE_COMMIT"
git am -q --committer-date-is-author-date $(series_patches) ||
	{ git am --abort; die "patches/ does not apply to $BASE_COMMIT"; }
cover_description > .git/ksft-description
git config "branch.$BRANCH.description" "$(cat .git/ksft-description)"
git config ksft.stamp "$stamp"
git config ksft.head "$(git rev-parse HEAD)"
echo "tree: $TREE at $(git log --oneline -1) ($(git rev-list --count "$BASE_COMMIT..HEAD") patches)"
