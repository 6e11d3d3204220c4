#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bisectability: build the kernel (and, where a patch touches them, the
# selftests) at every commit of the series, in a scratch worktree so the
# main build stays incremental.
#
# usage: build-each.sh KBUILD_WITH_CONFIG JOBS [FIRST [LAST]]
# FIRST: start at that patch number (the commit before it is built first);
# LAST: stop after that patch.
. "$(dirname "$0")/lib.sh"

config=$1/.config
jobs=${2:-$(nproc)}
first=${3:-1}
last=${4:-}
dir=$(scratch_tree bisect "$BASE_COMMIT")
obj=$BUILD/bisect/kbuild$KBUILD_SFX
commits=$(git -C "$TREE" rev-list --reverse "$BASE_COMMIT..$BRANCH")
[ -n "$last" ] && commits=$(head -n "$last" <<<"$commits")
for c in $(tail -n +"$((first > 1 ? first - 1 : 1))" <<<"$commits"); do
	subj=$(git -C "$TREE" log -1 --format=%s "$c")
	git -C "$dir" checkout -q --detach "$c"
	# The test config at every commit: olddefconfig at a commit that
	# lacks a symbol drops it, and it must come back when one adds it.
	cp "$config" "$obj/.config"
	make -s -C "$dir" O="$obj" olddefconfig >/dev/null
	if ! make -s -C "$dir" O="$obj" -j"$jobs" CC="ccache gcc" bzImage > "$obj/build.log" 2>&1; then
		tail -30 "$obj/build.log"
		die "build fails at $(git -C "$TREE" log -1 --format='%h %s' "$c")"
	fi
	if grep -E ': (warning|error):' "$obj/build.log"; then
		die "new compiler warnings at $subj"
	fi
	echo "build-each: ok  $(git -C "$TREE" log -1 --format='%h %s' "$c")"
done
