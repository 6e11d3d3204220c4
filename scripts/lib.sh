# SPDX-License-Identifier: GPL-2.0
# Common settings for the project's scripts. Source it, don't run it.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# BASE selects the kernel the series is for: 6.12 (the default,
# scripts/base.conf, patches/) or 7.2 (scripts/base-7.2.conf, patches-7.2/
# with one directory per topic). See README, "Two bases".
BASE=${BASE:-6.12}
case "$BASE" in
6.12) BASE_CONF=$TOP/scripts/base.conf ;;
*) BASE_CONF=$TOP/scripts/base-$BASE.conf ;;
esac
[ -r "$BASE_CONF" ] || { echo "${0##*/}: BASE=$BASE: no $BASE_CONF" >&2; exit 1; }
PATCHES_DIR=patches TOPICS= BASE_SUITE=
# shellcheck source=scripts/base.conf
. "$BASE_CONF"
BUILD=${BUILD:-$TOP/build}
case "$BASE_TARBALL" in /*) ;; *) BASE_TARBALL=$BUILD/$BASE_TARBALL ;; esac
TREE=${TREE:-$BUILD/$BASE_DIRNAME}
# Object directories of a base other than 6.12 carry its name (kbuild-7.2),
# as in the Makefile, so that two bases never share one.
KBUILD_SFX=$([ "$BASE" = 6.12 ] || echo "-$BASE")
BRANCH=series
PATCHES=$TOP/$PATCHES_DIR
# Top-level kernel paths mirrored in this repository. scripts/, Makefile and
# README at the top level are the project's own and may not be patched.
MIRROR_ROOTS="arch block certs crypto Documentation drivers fs include init io_uring ipc kernel lib mm net rust samples security sound tools usr virt MAINTAINERS"

die() { echo "${0##*/}: $*" >&2; exit 1; }
# A base with TOPICS keeps one series per topic in $PATCHES/TOPIC/; the
# whole stack is the topics in TOPICS order.
topic_dirs() {
	local t
	if [ -n "$TOPICS" ]; then
		for t in $TOPICS; do echo "$PATCHES/$t"; done
	else
		echo "$PATCHES"
	fi
}
series_patches() {	# [TOPIC]: that topic's patches only
	local d dirs
	if [ -n "${1:-}" ]; then dirs=$PATCHES/$1; else dirs=$(topic_dirs); fi
	for d in $dirs; do
		ls "$d"/[0-9][0-9][0-9][0-9]-*.patch 2>/dev/null | grep -v '/0000-cover-letter.patch$' || true
	done
}
patches_stamp() { { cat $(topic_dirs | sed 's|$|/*.patch|') 2>/dev/null || true; } | sha1sum | cut -d' ' -f1; }

# A scratch worktree of $TREE at REV with its own O= directory, laid out as
# $BUILD/NAME/{linux-source-6.12,kbuild} (7.2: linux-source-7.2,
# kbuild-7.2) so that, with ccache's base_dir, its compiles hit the same
# cache entries as the main build.
scratch_tree() {	# NAME REV -> prints the worktree path
	local dir=$BUILD/$1/$BASE_DIRNAME
	if [ ! -d "$dir" ]; then
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$dir" "$2" >&2
	fi
	git -C "$dir" checkout -q --detach "$2"
	mkdir -p "$BUILD/$1/kbuild$KBUILD_SFX"
	echo "$dir"
}
