#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The uapi headers the series changes must build, from the source tree
# ("make headers"), with gcc and clang, as C99 and later and as C++11 and
# later, with -pedantic-errors, for x86-64 and i386; and <linux/rseq.h>
# must have mainline 7.2's ABI (scripts/uapi/rseq-abi.c).  A negative
# control shows the compilers do reject, in C99 and C++, what the header
# guards against, so the check cannot pass by not checking.
#
# usage: uapi-check.sh HEADERS_DIR   (KBUILD/usr/include)
. "$(dirname "$0")/lib.sh"

inc=${1:?usage: uapi-check.sh HEADERS_DIR}
[ -r "$inc/linux/rseq.h" ] || die "$inc/linux/rseq.h: run make headers"
src=$TOP/scripts/uapi
c_stds="c99 c11 c17 c2x"
cxx_stds="c++11 c++14 c++17 c++20"
pass=0 fail=0

# The header under test is reached through -I, so that no diagnostic in
# it is hidden as it would be in a system header; the headers it includes
# (linux/types.h and below, which are not ISO C either: __int128, named
# variadic macros) stay system headers, as they are once installed.
own=$(mktemp -d)
trap 'rm -rf "$own"' EXIT
mkdir "$own/linux"
ln -s "$(cd "$inc" && pwd)/linux/rseq.h" "$own/linux/rseq.h"

compile() {	# COMPILER LANG STD ARCHFLAG FILE
	"$1" -x "$2" -std="$3" "$4" -pedantic-errors -Wall -Wextra -Werror \
		-I"$own" -isystem "$inc" -c -o /dev/null "$5" 2>&1
}

for cc in gcc clang; do
	command -v "$cc" >/dev/null || die "$cc not installed (scripts/deps.sh)"
	for lang in c c++; do
		if [ "$lang" = c ]; then stds=$c_stds; else stds=$cxx_stds; fi
		for std in $stds; do
			for m in -m64 -m32; do
				what="$cc $lang -std=$std $m"
				if out=$(compile "$cc" "$lang" "$std" "$m" "$src/rseq-abi.c"); then
					pass=$((pass + 1))
				else
					echo "uapi: FAIL: $what"; echo "$out" | head -20
					fail=$((fail + 1))
				fi
				case $std in c99|c++*) ;; *) continue ;; esac
				if compile "$cc" "$lang" "$std" "$m" "$src/negative.c" >/dev/null; then
					echo "uapi: FAIL: $what accepts the negative control"
					fail=$((fail + 1))
				fi
			done
		done
	done
done
# With MAINLINE_RSEQ_H=/path/to/7.2/include/uapi/linux/rseq.h (Debian's
# linux-source-7.2, see README): the rseq registration_test built against
# it must have the same code and data as built against the series' header.
if [ -n "${MAINLINE_RSEQ_H:-}" ]; then
	t=$TREE/tools/testing/selftests/rseq
	mkdir "$own/mainline" "$own/mainline/linux"
	cp "$MAINLINE_RSEQ_H" "$own/mainline/linux/rseq.h"
	for m in -m64 -m32; do
		for h in "$own" "$own/mainline"; do
			gcc "$m" -O2 -I"$t" -I"$h" -isystem "$inc" -I"$TREE/tools/include" \
				"$t/registration_test.c" -lpthread -ldl -o "$h/rt" &&
			objcopy -O binary -j .text -j .rodata -j .data "$h/rt" "$h/rt.bin"
		done
		if cmp -s "$own/rt.bin" "$own/mainline/rt.bin"; then
			echo "uapi: registration_test $m: same code and data with $MAINLINE_RSEQ_H"
			pass=$((pass + 1))
		else
			echo "uapi: FAIL: registration_test $m differs when built with $MAINLINE_RSEQ_H"
			fail=$((fail + 1))
		fi
	done
fi

echo "uapi: <linux/rseq.h>: $pass builds with the 7.2 ABI, $fail failed" \
	"(gcc, clang; $c_stds; $cxx_stds; -m64, -m32; -pedantic-errors)"
[ "$fail" = 0 ]
