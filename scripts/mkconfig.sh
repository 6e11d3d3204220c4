#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make the test kernel's .config: tinyconfig, then the project's fragments
# and the "config" file of every kselftest directory we run (kselftest
# convention), merged with the kernel's own merge_config.sh. The .config is
# replaced only when it changes, so builds stay incremental.
#
# usage: [EXTRA_FRAGS="fragment..."] mkconfig.sh KBUILD_DIR KSFT_TARGET...
# EXTRA_FRAGS are merged last (scripts/config/kasan.config).
. "$(dirname "$0")/lib.sh"

kbuild=$1; shift
frags="$TOP/scripts/config/qemu.config $TOP/scripts/config/debug.config"
for t in "$@"; do
	f=$TREE/tools/testing/selftests/$t/config
	[ -r "$f" ] && frags="$frags $f"
done
frags="$frags ${EXTRA_FRAGS:-}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
make -s -C "$TREE" O="$tmp" tinyconfig >/dev/null
# shellcheck disable=SC2086
"$TREE/scripts/kconfig/merge_config.sh" -m -O "$tmp" "$tmp/.config" $frags >/dev/null
make -s -C "$TREE" O="$tmp" olddefconfig >/dev/null

# Every fragment line must have survived (a typo or unmet dependency
# would otherwise silently drop a test's requirement).
bad=0
for f in $frags; do
	while read -r line; do
		case "$line" in
		CONFIG_*=n) sym=${line%%=*}; grep -q "^$sym=" "$tmp/.config" && { echo "config: $f: $line not honoured"; bad=1; } ;;
		CONFIG_*) grep -qxF "$line" "$tmp/.config" || { echo "config: $f: $line not honoured"; bad=1; } ;;
		esac
	done < "$f"
done
[ "$bad" = 0 ] || die "kernel config does not satisfy the fragments"

mkdir -p "$kbuild"
if ! cmp -s "$tmp/.config" "$kbuild/.config"; then
	cp "$tmp/.config" "$kbuild/.config"
	echo "config: $kbuild/.config updated ($(echo $frags | wc -w) fragments)"
fi
