#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run sparse (C=2) and W=1 (and objtool, which runs in the same compile)
# on every kernel C file the series touches, at the base and at the head
# of the series, each in a scratch worktree with its own O= directory, and
# fail on any warning the head has and the base does not.
#
# Which config: a file is checked under the test kernel's .config when the
# test kernel really builds it (its object is in KBUILD's vmlinux.a);
# otherwise under that config plus the options extra_config() lists for it
# (the options must survive olddefconfig); a .c file that is #included by
# another one is checked through that one. Files left over are reported as
# not covered, and make the check fail.
#
# Comparison: each warning becomes "file: severity: message", with the
# path relative to the kernel tree and every line number, column and
# objtool offset removed, so that a warning that only moved still matches.
# A warning in the compiled file itself counts as often as it occurs; one
# in a header counts as often as the compile that reports it most often
# does (a header's warnings are not multiplied by the number of files
# that include it). Base and head are then compared as multisets.
#
# usage: sparse.sh KBUILD [FROM TO]
#   KBUILD: the test kernel's O= directory, built (its .config and vmlinux.a)
#   FROM TO: compare these two revisions instead of the base and the head
#   (sparse-each.sh runs it on every commit of the series against its parent)
. "$(dirname "$0")/lib.sh"

kbuild=$1
from=${2:-$BASE_COMMIT}
to=${3:-$BRANCH}
jobs=${JOBS:-$(nproc)}
export LC_ALL=C		# the compiler's messages in plain ASCII, as the comparison expects
# Kbuild's "CC" lines mark which compile a message belongs to: a "make -s"
# above us must not silence them.
unset MAKEFLAGS MFLAGS MAKELEVEL
if [ ! -r "$kbuild/.config" ] || [ ! -r "$kbuild/vmlinux.a" ]; then
	die "$kbuild: no .config or vmlinux.a (build the test kernel first)"
fi

# Options a touched file needs on top of the test config to be compiled at
# all. One line per file: path, then the options.
extra_config() {
	case $1 in
	arch/x86/kernel/cpu/mce/core.c)	echo CONFIG_X86_MCE=y ;;
	esac
}

mapfile -t files < <(git -C "$TREE" diff --name-only --diff-filter=d "$from" "$to" -- '*.c' |
	grep -vE '^(tools|Documentation|samples|scripts|usr)/' || true)
if [ ${#files[@]} -eq 0 ]; then
	echo "sparse: no kernel C file touched"
	exit 0
fi

# Sort the files into groups by the extra options they need ("" for the
# test config); each group is one scratch O= directory per revision.
built=$(cd "$kbuild" && ar t vmlinux.a)
declare -A group=()	# extra options ("-": none) -> objects to build
declare -A unit=()	# object already queued
uncovered=()
queue() {		# OPTS FILE
	local o=${2%.c}.o
	[ -n "${unit[$o]:-}" ] && return
	unit[$o]=1
	group[$1]="${group[$1]:-} $o"
}
for f in "${files[@]}"; do
	o=${f%.c}.o
	if grep -qxF "$o" <<< "$built"; then
		queue - "$f"
		continue
	fi
	opts=$(extra_config "$f")
	if [ -n "$opts" ]; then
		queue "$opts" "$f"
		continue
	fi
	inc=$(grep -lF "#include \"$(basename "$f")\"" "$TREE/$(dirname "$f")"/*.c 2>/dev/null | head -1 || true)
	inc=${inc#"$TREE"/}
	if [ -n "$inc" ] && grep -qxF "${inc%.c}.o" <<< "$built"; then
		echo "sparse: $f is checked through $inc, which includes it"
		queue - "$inc"
		continue
	fi
	uncovered+=("$f")
done

# NAME REV OPTS OBJS... -> the raw make output of the compiles (C=2 W=1)
run() {
	local name=$1 rev=$2 opts=${3#-} dir obj tag o log failed
	shift 3
	dir=$(scratch_tree "$name" "$rev")
	tag=$(echo "$opts" | tr -c 'A-Za-z0-9\n' _ | tr '[:upper:]' '[:lower:]')
	obj=$BUILD/$name/kbuild$KBUILD_SFX${tag:+-$tag}
	log=$obj/sparse.log
	mkdir -p "$obj"
	cp "$kbuild/.config" "$obj/.config.new"
	for o in $opts; do
		sed -i "/^${o%%=*}=/d; /^# ${o%%=*} is not set/d" "$obj/.config.new"
		echo "$o" >> "$obj/.config.new"
	done
	# olddefconfig at this revision, from the test config every time (a
	# revision without a symbol drops it, the next may need it back); the
	# .config is replaced only when it changes, so builds stay incremental.
	KCONFIG_CONFIG=.config.new make -s -C "$dir" O="$obj" olddefconfig >/dev/null
	cmp -s "$obj/.config.new" "$obj/.config" || cp "$obj/.config.new" "$obj/.config"
	for o in $opts; do
		grep -qxF "$o" "$obj/.config" || die "$name: $o does not survive olddefconfig"
	done
	# Compile each object afresh (ccache replays the compiler's warnings).
	for o in "$@"; do
		rm -f "$obj/$o" "$obj/$(dirname "$o")/.$(basename "$o").cmd"
	done
	# -Otarget keeps each compile's output together, after its "CC" line
	if ! make -k -C "$dir" O="$obj" -j"$jobs" -Otarget LOCALVERSION= CC="ccache gcc" HOSTCC="ccache gcc" \
		C=2 W=1 CHECK=sparse "$@" > "$log" 2>&1; then
		failed=$(sed -nE 's/.*Makefile\.build:[0-9]+: ([^ ]+\.o)\] Error [0-9]+$/\1/p' "$log")
		if [ -z "$failed" ] || [ "${SPARSE_UNBUILT:-}" != skip ]; then
			grep -E ': error:|Error [0-9]' "$log" | head -30 >&2
			die "$name${opts:+ ($opts)}: the files do not compile; see $log"
		fi
		# sparse-each: a file whose config symbol a later patch makes
		# selectable does not build at this commit; it is left out.
		echo "$failed" >> "$BUILD/$name.unbuilt"
	fi
	cat "$log"
}

# DIR OBJS...: raw make output on stdin -> "OBJECT<TAB>file: severity: message"
# for the compiles of OBJS (not for what make prepare compiles on the way)
normalise() {
	local dir=$1
	shift
	awk -v dir="$dir/" -v src="../$BASE_DIRNAME/" -v objs="$*" '
	function rel(p) {
		if (index(p, dir) == 1) p = substr(p, length(dir) + 1)
		if (index(p, src) == 1) p = substr(p, length(src) + 1)
		sub(/^\.\//, "", p)
		return p
	}
	BEGIN { n = split(objs, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
	function flush() { if (cur != "" && unit in want) print unit "\t" cur; cur = "" }
	/^  (CC|CHECK) +[^ ]+$/ { flush(); unit = rel($2); sub(/\.c$/, ".o", unit); next }
	# sparse: "file:line:col:    expected/got ..." continues the warning
	/^[^ :]+:[0-9]+:[0-9]+:    / && cur != "" {
		l = $0; sub(/^[^ :]+:[0-9]+:[0-9]+: +/, "", l); cur = cur " | " l; next
	}
	/^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error): / {
		flush()
		f = $0; sub(/:.*/, "", f)
		m = $0; sub(/^[^ :]+:[0-9]+(:[0-9]+)?: /, "", m)
		cur = rel(f) ": " m; next
	}
	/^[^ :]+\.o: (warning|error): objtool: / {
		flush()
		f = $0; sub(/:.*/, "", f)
		m = $0; sub(/^[^ :]+\.o: /, "", m)
		gsub(/\+0x[0-9a-f]+/, "", m)
		cur = rel(f) ": " m; next
	}
	{ flush() }
	END { flush() }' |
	sed -E 's/([A-Za-z0-9_.-]):[0-9]+(:[0-9]+)?/\1/g'
}

# "OBJECT<TAB>warning" lines -> the multiset of warnings, one per line
aggregate() {
	awk -F'\t' '
	{
		src = $1; sub(/\.o$/, ".c", src)
		f = $2; sub(/: .*/, "", f)
		if (f == src || f == $1) { own[$2]++ } else { n[$1 SUBSEP $2]++ }
	}
	END {
		for (w in own) for (i = 0; i < own[w]; i++) print w
		for (k in n) { split(k, p, SUBSEP); if (n[k] > hdr[p[2]]) hdr[p[2]] = n[k] }
		for (w in hdr) for (i = 0; i < hdr[w]; i++) print w
	}' | sort
}

warnings() {	# NAME REV -> $BUILD/NAME.units
	local name=$1 rev=$2 opts dir
	dir=$BUILD/$name/$BASE_DIRNAME
	for opts in "${!group[@]}"; do
		local objs=() o
		for o in ${group[$opts]}; do
			# a file the series adds is not there at the base
			[ -n "$(git -C "$TREE" ls-tree "$rev" -- "${o%.o}.c")" ] && objs+=("$o")
		done
		[ ${#objs[@]} -eq 0 ] && continue
		run "$name" "$rev" "$opts" "${objs[@]}" | normalise "$dir" "${objs[@]}"
	done > "$BUILD/$name.units"
}

count() {	# FILE -> "N (sparse S, W=1 W, objtool O)"
	local s w o
	o=$(grep -c ': objtool: ' "$1" || true)
	w=$(grep -v ': objtool: ' "$1" | grep -cE ' \[-W[^]]*\]$' || true)
	s=$(($(wc -l < "$1") - w - o))
	echo "$(wc -l < "$1") (sparse $s, W=1 $w, objtool $o)"
}

start=$(date +%s)
# An object that does not build at the head is left out of both sides;
# one that builds at the head only has all its warnings counted as new
# (the base's messages of a failed compile are dropped).
: > "$BUILD/sparse-base.unbuilt"
: > "$BUILD/sparse-head.unbuilt"
warnings sparse-base "$from"
warnings sparse-head "$to"
for name in sparse-base sparse-head; do
	awk -F'\t' -v skip="$(cat "$BUILD/sparse-head.unbuilt" "$BUILD/$name.unbuilt" | tr '\n' ' ')" \
		'BEGIN { n = split(skip, a, " "); for (i = 1; i <= n; i++) s[a[i]] = 1 } !($1 in s)' \
		"$BUILD/$name.units" | aggregate > "$BUILD/$name.txt"
done
new=$(comm -13 "$BUILD/sparse-base.txt" "$BUILD/sparse-head.txt")
gone=$(comm -23 "$BUILD/sparse-base.txt" "$BUILD/sparse-head.txt")

ncfg=${#group[@]}
echo "sparse: ${#files[@]} touched C files, ${#unit[@]} compiled under $ncfg config(s):"
for opts in "${!group[@]}"; do
	if [ "$opts" = - ]; then
		echo "  test config:${group[$opts]}"
	else
		echo "  test config + $opts:${group[$opts]}"
	fi
done
echo "sparse: base $(count "$BUILD/sparse-base.txt") warnings"
echo "sparse: head $(count "$BUILD/sparse-head.txt") warnings"
echo "sparse: $(grep -c . <<< "$gone" || true) gone, $(grep -c . <<< "$new" || true) new ($(( $(date +%s) - start )) s)"
bad=0
if [ -s "$BUILD/sparse-head.unbuilt" ]; then
	echo "sparse: not built by the test config at $to, left out: $(sort -u "$BUILD/sparse-head.unbuilt" | tr '\n' ' ')"
fi
if [ -s "$BUILD/sparse-base.unbuilt" ]; then
	echo "sparse: not built by the test config at $from: $(sort -u "$BUILD/sparse-base.unbuilt" | tr '\n' ' ')"
fi
if [ ${#uncovered[@]} -gt 0 ]; then
	printf 'sparse: not covered (not in the test kernel, no extra_config): %s\n' "${uncovered[@]}"
	bad=1
fi
if [ -n "$new" ]; then
	# show each new warning with the compile that reported it
	while read -r w; do
		grep -F "	$w" "$BUILD/sparse-head.units" | head -1 |
			awk -F'\t' '{ print "  new: " $2 "   [" $1 "]" }'
	done <<< "$(uniq <<< "$new")"
	bad=1
fi
[ "$bad" = 0 ] || die "new sparse / W=1 warnings, or files not covered"
echo "sparse: no new warnings"
