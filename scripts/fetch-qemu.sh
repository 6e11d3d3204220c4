#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# QEMU 10 from Debian bookworm-backports, for the boots that bring CPUs
# online after boot and for x2APIC (see scripts/run-vm.sh for why not
# bookworm's 7.2 there). Downloaded the way fetch-src.sh gets kernel
# sources: a private sources list and lists directory under
# $BUILD/apt-bookworm-backports, `apt-get download` only, the .debs checked
# against the SHA256s below and unpacked (not installed) below
# $BUILD/qemu-bpo. The binary runs on bookworm's libraries. Does nothing
# when it is already there.
. "$(dirname "$0")/lib.sh"

suite=bookworm-backports
version=1:10.0.2+ds-2+deb13u1~bpo12+1
pkgs=(
	"qemu-system-x86 amd64 4a6b1856c8b0d7df4ff8e70249e12c473ccf8d516aadb4ae14d3d938faed0c65"
	"qemu-system-data all 2d831088187087013b3fcbd19bdfb955b182a2d5a08f6dafa0ad1c6d2007fb4e"
)
root=$BUILD/qemu-bpo
bin=$root/usr/bin/qemu-system-x86_64

if [ ! -x "$bin" ]; then
	apt=$BUILD/apt-$suite
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
		> "$apt/sources.list"
	opts=(-o APT::Sandbox::User=root -o Dir::Etc::sourcelist="$apt/sources.list"
		-o Dir::Etc::sourceparts=/nonexistent -o Dir::State::Lists="$apt/lists"
		-o Dir::Cache="$apt/cache" -o APT::Architectures::=amd64)
	echo "qemu: fetching QEMU $version from Debian $suite"
	apt-get -q "${opts[@]}" update >/dev/null
	rm -rf "$root.tmp" && mkdir -p "$root.tmp"
	for p in "${pkgs[@]}"; do
		read -r name arch sha <<<"$p"
		deb=$apt/debs/${name}_${version/:/%3a}_$arch.deb
		if ! { [ -r "$deb" ] && echo "$sha  $deb" | sha256sum -c --quiet >/dev/null 2>&1; }; then
			(cd "$apt/debs" && apt-get -q "${opts[@]}" download "$name=$version" >/dev/null)
			echo "$sha  $deb" | sha256sum -c --quiet ||
				die "$deb does not match its pinned SHA256"
		fi
		dpkg-deb -x "$deb" "$root.tmp"
	done
	rm -rf "$root" && mv "$root.tmp" "$root"
fi
missing=$(ldd "$bin" | grep 'not found' || true)
[ -z "$missing" ] || die "QEMU $version needs libraries this machine lacks: $missing"
echo "qemu: $("$bin" --version | head -1) in $root"
