#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the Bochs that enforces user shadow stacks (CET with the CET_USER
# xstate in XSAVES' compacted format) and, when its source has it, FRED.
# Installed in $BUILD/emu (bin/bochs) and cached: rebuilt only when the
# source, the patches or the configure line change.
#
# Sources, first that applies:
#   BOCHS_SRC=FILE.tar.xz  a Bochs source tarball you name (its top
#                          directory, or its bochs/ subdirectory, must hold
#                          configure); FRED if it has --enable-fred
#   ../shared/bochs/       an upstream snapshot (checksummed in its
#                          SHA256SUMS): CET and FRED
#   Debian's archive       bochs_3.0+dfsg.orig.tar.xz (trixie), checked
#                          against the SHA256 below, with the XRSTOR fix in
#                          scripts/bochs/: CET only (Bochs 3.0 has no FRED)
#
# A source with FRED emulation (cpu/fred.cc) also gets
# scripts/bochs/fred-delivery-masks-intr.patch: FRED event delivery left
# external interrupts unmasked after clearing RFLAGS.IF.
#
# Prints the path of the binary; $BUILD/emu/features lists "cet" and
# "fred" as built.
. "$(dirname "$0")/lib.sh"

DEBIAN_URL=http://deb.debian.org/debian/pool/main/b/bochs/bochs_3.0+dfsg.orig.tar.xz
DEBIAN_SHA256=78f6c73d4a6472d5130a87ab9dc306d02c7c71ed8e25b3a8ef642e2a7acd282b
SHARED=${SHARED:-$TOP/../shared}
EMU=$BUILD/emu
DL=$BUILD/downloads

# A subset of Debian's configure line: a 64-bit CPU with everything the
# tigerlake and wildcat_lake models need, no GUI, no debugger, no plugins.
CONFIGURE="--enable-x86-64 --enable-cpu-level=6 --enable-cet --enable-avx
	--enable-evex --enable-amx --enable-uintr --enable-protection-keys
	--enable-all-optimizations --enable-a20-pin --enable-pci --enable-cdrom
	--disable-plugins --disable-debugger --disable-docbook --with-nogui"

patches=
if [ -n "${BOCHS_SRC:-}" ]; then
	tarball=$(readlink -f "$BOCHS_SRC")
	[ -r "$tarball" ] || die "BOCHS_SRC=$BOCHS_SRC is not readable"
	origin="$tarball (named by BOCHS_SRC)"
elif [ -r "$SHARED/bochs/SHA256SUMS" ]; then
	(cd "$SHARED/bochs" && sha256sum --quiet -c SHA256SUMS) ||
		die "$SHARED/bochs: checksum mismatch"
	tarball=$(ls "$SHARED"/bochs/bochs-*.tar.xz | head -1)
	origin="$tarball (upstream snapshot)"
else
	tarball=$DL/${DEBIAN_URL##*/}
	if ! echo "$DEBIAN_SHA256  $tarball" | sha256sum --quiet -c >/dev/null 2>&1; then
		mkdir -p "$DL"
		echo "mkbochs: downloading $DEBIAN_URL" >&2
		curl -sSf -o "$tarball.tmp" "$DEBIAN_URL" || die "download failed"
		echo "$DEBIAN_SHA256  $tarball.tmp" | sha256sum --quiet -c ||
			die "$DEBIAN_URL: SHA256 mismatch"
		mv "$tarball.tmp" "$tarball"
	fi
	patches=$TOP/scripts/bochs/3.0-xrstor-compaction-offset.patch
	origin="Debian bochs 3.0+dfsg (trixie) + $(basename "$patches")"
fi

fred_patch=$TOP/scripts/bochs/fred-delivery-masks-intr.patch
key=$( { sha256sum "$tarball" | cut -d' ' -f1; cat $patches "$fred_patch"; echo $CONFIGURE; } |
	sha256sum | cut -d' ' -f1)
if [ -x "$EMU/bin/bochs" ] && [ "$(cat "$EMU/key" 2>/dev/null)" = "$key" ]; then
	echo "$EMU/bin/bochs"
	exit 0
fi

echo "mkbochs: building Bochs from $origin" >&2
start=$(date +%s)
src=$BUILD/bochs-src
rm -rf "$src" "$EMU"
mkdir -p "$src"
tar -xf "$tarball" -C "$src"
dir=$(dirname "$(find "$src" -maxdepth 3 -name configure -path '*/configure' | head -1)")
[ -x "$dir/configure" ] || die "no configure in $tarball"
features=cet
extra=
if grep -q -- '--enable-fred' "$dir/configure"; then
	[ -f "$dir/cpu/fred.cc" ] || die "$tarball: --enable-fred without cpu/fred.cc"
	patches="$patches $fred_patch"
	origin="$origin + $(basename "$fred_patch")"
	extra=--enable-fred
	features="cet fred"
fi
for p in $patches; do
	patch -s -d "$dir" -p1 < "$p" || die "$p does not apply"
done
# shellcheck disable=SC2086
(cd "$dir" && ./configure --prefix="$EMU" $CONFIGURE $extra && make -j"$(nproc)" && make install) \
	> "$BUILD/bochs-build.log" 2>&1 || { tail -30 "$BUILD/bochs-build.log" >&2; die "Bochs build failed"; }
rm -rf "$src"
echo "$features" > "$EMU/features"
echo "$origin" > "$EMU/origin"
echo "$key" > "$EMU/key"
echo "mkbochs: $EMU/bin/bochs ($features) built in $(($(date +%s) - start)) s" >&2
echo "$EMU/bin/bochs"
