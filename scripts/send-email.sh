#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# git send-email --dry-run of one series, every message (cover letter
# included) addressed to the union of what the base tree's
# scripts/get_maintainer.pl says for the series' patches: maintainers and
# reviewers in To:, lists in Cc:. Nothing is sent.
#
# usage: send-email.sh DIR     (a directory of git format-patch output)
. "$(dirname "$0")/lib.sh"

dir=$(cd "${1:?usage: send-email.sh DIR}" && pwd)
mapfile -t p < <(ls "$dir"/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '/0000-cover-letter.patch$' || true)
[ "${#p[@]}" -gt 0 ] || die "$dir holds no patches"
cover=$dir/0000-cover-letter.patch
[ -r "$cover" ] || die "$dir has no cover letter"

cd "$TREE"
gm=(scripts/get_maintainer.pl --norolestats --nogit --nogit-fallback --no-tree --nofixes)
mapfile -t to < <("${gm[@]}" --nol "${p[@]}" | sort -u)
mapfile -t cc < <("${gm[@]}" --nom --nor "${p[@]}" | sort -u)
[ "${#to[@]}" -gt 0 ] || die "get_maintainer.pl found no maintainer for $dir"

args=()
for a in "${to[@]}"; do args+=(--to="$a"); done
for a in "${cc[@]}"; do args+=(--cc="$a"); done
# From: the series' own author line (the signer's, after make signoff).
from=$(python3 -c 'import email,sys; print(" ".join(email.message_from_binary_file(open(sys.argv[1],"rb"))["From"].split()))' "$cover")
echo "send-email: $(basename "$dir"): ${#p[@]} patches + cover letter; To: ${#to[@]}, Cc: ${#cc[@]} (dry run)"
git send-email --dry-run --confirm=never --suppress-cc=self --no-chain-reply-to \
	--from="$from" "${args[@]}" "$cover" "${p[@]}"
