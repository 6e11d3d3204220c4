# SPDX-License-Identifier: GPL-2.0
# Common settings for the project's scripts. Source it, don't run it.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/base.conf
. "$TOP/scripts/base.conf"
BUILD=${BUILD:-$TOP/build}
TREE=${TREE:-$BUILD/$BASE_DIRNAME}
BRANCH=series
# Top-level kernel paths mirrored in this repository. scripts/, Makefile and
# README at the top level are the project's own and may not be patched.
MIRROR_ROOTS="arch block certs crypto Documentation drivers fs include init io_uring ipc kernel lib mm net rust samples security sound tools usr virt MAINTAINERS"

die() { echo "${0##*/}: $*" >&2; exit 1; }
series_patches() { ls "$TOP"/patches/[0-9][0-9][0-9][0-9]-*.patch | grep -v '/0000-cover-letter.patch$'; }
patches_stamp() { cat "$TOP"/patches/*.patch | sha1sum | cut -d' ' -f1; }

# A scratch worktree of $TREE at REV with its own O= directory, laid out as
# $BUILD/NAME/{linux-source-6.12,kbuild} so that, with ccache's base_dir, its
# compiles hit the same cache entries as the main build.
scratch_tree() {	# NAME REV -> prints the worktree path
	local dir=$BUILD/$1/$BASE_DIRNAME
	if [ ! -d "$dir" ]; then
		git -C "$TREE" worktree prune
		git -C "$TREE" worktree add -q --detach "$dir" "$2" >&2
	fi
	git -C "$dir" checkout -q --detach "$2"
	mkdir -p "$BUILD/$1/kbuild"
	echo "$dir"
}
