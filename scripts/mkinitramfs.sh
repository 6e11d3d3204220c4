#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test initramfs: static busybox, the host's bash/timeout (the
# kselftest runner wants them), the installed kselftests with every shared
# library they need, and scripts/guest-init.sh as /init.
#
# usage: mkinitramfs.sh OUTPUT.cpio.gz KSELFTEST_INSTALL_DIR [EXTRA_DIR]
# EXTRA_DIR, if given, is copied to /extra (demo programs, benchmarks).
set -euo pipefail

out=$1
ksft=$2
extra=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc,lib64}
cp /bin/busybox "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list); do
	[ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done

# Host binaries that the kselftest runner and tests call by absolute path
# (busybox's timeout lacks --foreground). Without perl the runner prefixes
# test output with sed, which is all we need.
# trinity and stress-ng are for "make soak" (scripts/demo/soak.sh);
# stress-ng also for "make dstack-workload".
host_bins="/bin/bash /usr/bin/timeout /usr/bin/trinity /usr/bin/stress-ng"
for b in $host_bins; do
	[ -x "$b" ] || continue
	mkdir -p "$stage$(dirname "$b")"
	rm -f "$stage$b"
	cp -L "$b" "$stage$b"
done

cp -a "$ksft" "$stage/kselftest"
[ -n "$extra" ] && [ -d "$extra" ] && cp -a "$extra" "$stage/extra"

# Pull in every shared library any ELF in the image needs (ldd on the
# host resolves against the same glibc the tests were built with).
copy_libs() {
	find "$stage" -type f -perm -u+x -print0 |
	while IFS= read -r -d '' f; do
		file -b "$f" | grep -q 'dynamically linked' || continue
		ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true
	done | sort -u | while read -r lib; do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
copy_libs	# ldd lists libraries of libraries too

install -m 0755 "$here/guest-init.sh" "$stage/init"
echo "root:x:0:0:root:/root:/bin/sh" > "$stage/etc/passwd"
echo "nobody:x:65534:65534:nobody:/nonexistent:/bin/false" >> "$stage/etc/passwd"
echo "root:x:0:" > "$stage/etc/group"
echo "nobody:x:65534:" >> "$stage/etc/group"

(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -h "$out" | cut -f1))"
