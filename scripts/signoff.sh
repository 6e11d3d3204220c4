#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Re-sign a series under a person's own identity, for posting. The
# project's identity ("$PROJECT_ID" below) cannot certify the Developer's
# Certificate of Origin for anyone: the person who posts a series must, by
# adding their own Signed-off-by after reviewing every patch.
#
# For each patch of DIR (git format-patch output), in a scratch worktree of
# $TREE at the base: git am, then
#  - a patch written by the project identity gets the person as author;
#  - the project identity's Signed-off-by is replaced by the person's
#    (other people's trailers, e.g. the upstream author of a backport, and
#    their authorship stay);
# and format-patch writes the re-signed series, with the cover letter's
# text and the person's From:, to OUT. patches/ and patches-7.2/ are left
# as they are.
#
# usage: signoff.sh DIR OUT "Full Name <address>"
. "$(dirname "$0")/lib.sh"

dir=$(cd "${1:?usage: signoff.sh DIR OUT IDENT}" && pwd)
out=$(realpath -m "${2:?usage: signoff.sh DIR OUT IDENT}")
ident=${3:?usage: signoff.sh DIR OUT IDENT}
case "$ident" in
*' <'*@*'>') ;;
*) die "identity must look like 'Full Name <address>', got '$ident'" ;;
esac
name=${ident% <*}
email=${ident##*<}; email=${email%>}

mapfile -t p < <(ls "$dir"/[0-9][0-9][0-9][0-9]-*.patch | grep -v '/0000-cover-letter.patch$')
[ "${#p[@]}" -gt 0 ] || die "$dir holds no patches"
PROJECT_ID=$(sed -n 's/^Signed-off-by: \(.*\)$/\1/p' "${p[0]}" | tail -1)
for f in "${p[@]}"; do
	grep -qxF "Signed-off-by: $PROJECT_ID" "$f" ||
		die "${f##*/} is not signed off by the project identity ($PROJECT_ID)"
done

wt=$(scratch_tree signoff "$BASE_COMMIT")
trap 'git -C "$TREE" worktree remove --force "$wt" >/dev/null 2>&1 || true' EXIT
export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
cd "$wt"
git am -q --committer-date-is-author-date "${p[@]}" ||
	{ git am --abort; die "$dir does not apply to $BASE_COMMIT"; }
# One commit at a time: author, then the trailer.
step=$BUILD/signoff/step.sh
cat > "$step" <<'STEP'
set -e
msg=$(git log -1 --format=%B | grep -vxF "Signed-off-by: $PROJECT_ID")
author=$(git log -1 --format="%an <%ae>")
[ "$author" != "$PROJECT_ID" ] || author=$IDENT
printf '%s\n' "$msg" | git commit -q --amend --author="$author" -F -
git commit -q --amend --no-edit -s
STEP
if ! PROJECT_ID=$PROJECT_ID IDENT=$ident git -c core.hooksPath=/dev/null \
	rebase -q "$BASE_COMMIT" --exec "bash $step" > "$BUILD/signoff/rebase.log" 2>&1; then
	cat "$BUILD/signoff/rebase.log"; git rebase --abort || true
	die "re-signing failed"
fi
# The cover letter: its subject and text, without the shortlog and stat
# that format-patch makes anew.
desc=$(python3 - "$dir/0000-cover-letter.patch" <<'PY'
import email, re, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
subject = re.sub(r"^\[[^]]*\] ", "", " ".join(msg["Subject"].split()))
lines = []
for line in msg.get_payload().splitlines():
	if re.match(r"^\S.* \(\d+\):$", line):
		break
	lines.append(line)
print(subject + "\n\n" + "\n".join(lines).strip())
PY
)
git config "branch.signoff-tmp.description" "$desc"
git checkout -q -B signoff-tmp
rm -rf "$out" && mkdir -p "$out"
git format-patch -q --zero-commit --cover-letter --cover-from-description=subject \
	--from="$ident" --base="$BASE_COMMIT" -o "$out" "$BASE_COMMIT..HEAD"
git checkout -q --detach && git branch -q -D signoff-tmp
echo "signoff: ${#p[@]} patches + cover letter re-signed by $ident in $out"
grep -h '^Signed-off-by:' "$out"/*.patch | sort | uniq -c | sed 's/^/    /'
