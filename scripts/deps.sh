#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the project needs from Debian's archive, and nothing twice.
. "$(dirname "$0")/lib.sh"

pkgs="build-essential gcc-multilib libc6-dev-i386 clang bc bison flex libelf-dev libssl-dev
	cpio kmod rsync xz-utils file perl python3 git git-email ccache sparse
	libcap-dev busybox-static qemu-system-x86 libmailtools-perl
	bochs bochsbios vgabios isolinux syslinux-common xorriso
	trinity stress-ng curl"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# The base's kernel source: installed from this machine's suite, or (a
# base with BASE_SUITE, e.g. 7.2 from sid) downloaded by fetch-src.sh.
if [ -z "$BASE_SUITE" ]; then
	want_src="$BASE_PKG=$BASE_PKG_VERSION"
	have_src=$(dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true)
	[ "$have_src" = "$BASE_PKG_VERSION" ] || missing="$missing $want_src"
fi

if [ -z "$missing" ]; then
	echo "deps: all installed"
else
	echo "deps: installing$missing"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		--allow-downgrades $missing
fi
[ -z "$BASE_SUITE" ] || "$TOP/scripts/fetch-src.sh"
# QEMU 10 for smp-check, tcg-check and x2apic-check (bookworm-backports;
# qemu-system-x86 above brings SeaBIOS and the host libraries it runs on)
"$TOP/scripts/fetch-qemu.sh" >/dev/null
