#!/bin/sh
# Static analysis for `make lint`: clang-format (every C source must equal
# its formatted self: tests/format.sh --check), cppcheck and clang-tidy
# (.clang-tidy at the top of the tree) over common/ sensor/ collector/
# report/.
#
# Prints every finding as file:line: [check] message, then one line per
# tool: "PASS: lint_NAME", "FAIL: lint_NAME: N new findings" or "SKIP:".
# Findings listed in tests/lint.baseline (file, check, message text; no
# line numbers, so edits elsewhere do not disturb them) are known, reported
# to their owner and awaiting a fix: they are printed as KNOWN and do not
# fail the run.  A baseline entry that no longer matches is printed as
# FIXED so it can be deleted.  Exit status 1 if any tool has new findings.
set -u
cd "$(dirname "$0")/.." || exit 2
DIRS="common sensor collector report"
OUT=build/lint
BASE=tests/lint.baseline
mkdir -p "$OUT"
rc=0
JOBS=$(nproc 2>/dev/null || echo 2)
DEPS_CFLAGS=$(pkg-config --cflags libpcap zlib 2>/dev/null)

# classify TOOL FILE: FILE holds "path:line<TAB>check<TAB>message" lines
# (cppcheck's checks are prefixed "cppcheck-").  Compares them with the
# baseline's "path<TAB>check<TAB>message" lines.
classify() {
	tool=$1 f=$2
	grep -v '^#' "$BASE" 2>/dev/null | grep . >"$f.base"
	sed 's/^\([^:	]*\):[0-9]*	/\1	/' "$f" | sort -u >"$f.keys"
	sort -u "$f" | while IFS='	' read -r path check msg; do
		key=$(printf '%s\t%s\t%s' "${path%%:*}" "$check" "$msg")
		if grep -qxF "$key" "$f.base"; then
			echo "KNOWN: $path: [$check] $msg"
		else
			echo "NEW: $path: [$check] $msg"
		fi
	done | tee "$f.out"
	# Baseline entries of this tool that no longer occur.
	while IFS='	' read -r bpath bcheck bmsg; do
		case "$tool:$bcheck" in
		cppcheck:cppcheck-*) ;;
		clang-tidy:cppcheck-*|cppcheck:*) continue ;;
		esac
		grep -qxF "$(printf '%s\t%s\t%s' "$bpath" "$bcheck" "$bmsg")" \
		    "$f.keys" ||
		    echo "FIXED (delete it from $BASE): $bpath: [$bcheck] $bmsg"
	done <"$f.base"
	new=$(grep -c '^NEW: ' "$f.out")
	if [ "$new" -gt 0 ]; then
		echo "FAIL: lint_$tool: $new new findings (above, NEW:)"
		rc=1
	else
		echo "PASS: lint_$tool ($(grep -c '^KNOWN: ' "$f.out") known, in $BASE)"
	fi
}

# ---- cppcheck ----
# Suppressed, with reasons:
#  readdirCalled, getpwnamCalled, getpwuidCalled: readdir_r is deprecated
#    (glibc: readdir is safe per DIR stream) and getpwnam/getpwuid run once
#    at start-up before any thread exists.
#  uninitvar in report/obuf.h: obuf_col(p, t, field_fmt_u64(v, t), w)
#    fills t in an argument that is evaluated before the call; cppcheck
#    2.10 misses that.
if command -v cppcheck >/dev/null 2>&1; then
	cppcheck --enable=warning,portability,performance --std=c11 \
	    --platform=unix64 --library=posix --quiet --inline-suppr \
	    -D_GNU_SOURCE -Icommon -Isensor -Icollector -Ireport \
	    --suppress=readdirCalled --suppress=getpwnamCalled \
	    --suppress=getpwuidCalled --suppress=uninitvar:report/obuf.h \
	    --template='{file}:{line}	cppcheck-{id}	{message}' \
	    $DIRS 2>"$OUT/cppcheck.raw" >/dev/null
	grep -v '^$' "$OUT/cppcheck.raw" | grep '	cppcheck-' >"$OUT/cppcheck.tsv"
	classify cppcheck "$OUT/cppcheck.tsv"
else
	echo "SKIP: lint_cppcheck: cppcheck not installed"
fi

# ---- clang-format ----
# One style, applied by `make format`; no baseline: the tree is formatted.
sh tests/format.sh --check || rc=1

# ---- clang-tidy ----
if command -v clang-tidy >/dev/null 2>&1; then
	rm -f "$OUT"/tidy.*.log
	# One process per file, $JOBS at a time.
	ls $(for d in $DIRS; do echo "$d/*.c"; done) 2>/dev/null |
	    xargs -P "$JOBS" -I{} sh -c 'clang-tidy --quiet "$1" -- -std=gnu11 \
		-D_GNU_SOURCE -Icommon -I"$(dirname "$1")" $2 \
		>"$3/tidy.$(echo "$1" | tr / _).log" 2>/dev/null' _ {} \
		"$DEPS_CFLAGS" "$OUT"
	cat "$OUT"/tidy.*.log 2>/dev/null |
	    sed -n "s|^$(pwd)/||; s|^\([^ :]*:[0-9]*\):[0-9]*: warning: \(.*\) \[\([a-zA-Z0-9.,-]*\)\]\$|\1	\3	\2|p" \
	    >"$OUT/tidy.tsv"
	classify clang-tidy "$OUT/tidy.tsv"
else
	echo "SKIP: lint_clang-tidy: clang-tidy not installed"
fi
exit $rc
