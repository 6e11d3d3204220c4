#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Download a base's kernel source package from another Debian suite
# (BASE_SUITE in its base conf) without touching the machine's apt setup:
# a private sources list and lists directory under $BUILD/apt-$BASE_SUITE,
# `apt-get download` only (the package is arch-all: a tarball, nothing to
# install), the .deb checked against BASE_DEB_SHA256, its tarball unpacked
# below $BUILD/src. Does nothing when the tarball is already there.
. "$(dirname "$0")/lib.sh"

[ -n "${BASE_SUITE:-}" ] || die "base $BASE has no BASE_SUITE"
[ -r "$BASE_TARBALL" ] && { echo "src: $BASE_TARBALL present"; exit 0; }

apt=$BUILD/apt-$BASE_SUITE
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$BUILD/src"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $BASE_SUITE main" \
	> "$apt/sources.list"
opts=(-o APT::Sandbox::User=root -o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Architectures::=amd64)

deb=$BUILD/src/$BASE_DEB
if ! { [ -r "$deb" ] && echo "$BASE_DEB_SHA256  $deb" | sha256sum -c --quiet >/dev/null 2>&1; }; then
	echo "src: fetching $BASE_PKG $BASE_PKG_VERSION from Debian $BASE_SUITE"
	apt-get -q "${opts[@]}" update >/dev/null
	(cd "$BUILD/src" && apt-get -q "${opts[@]}" download "$BASE_PKG=$BASE_PKG_VERSION" >/dev/null)
	echo "$BASE_DEB_SHA256  $deb" | sha256sum -c --quiet ||
		die "$deb does not match the SHA256 pinned in the base conf"
fi
dpkg-deb --fsys-tarfile "$deb" | tar -C "$BUILD/src" -x "./${BASE_TARBALL#"$BUILD"/src/}"
[ -r "$BASE_TARBALL" ] || die "$deb has no ${BASE_TARBALL#"$BUILD"/src/}"
echo "src: $BASE_TARBALL"
