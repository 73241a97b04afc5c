#!/bin/sh
# nfreport walks directories through symbolic links, but reads each
# directory once: links that loop (to ".", to "..") or that point at a
# directory already read neither hang it nor count flows twice.
. "$(dirname "$0")/../lib.sh"
have_shared report_symlinks || finish
mkdir -p "$TMP/d/sub"
cp "$FTDATA"/seed-utc/ft-* "$TMP/d/"
ln -s . "$TMP/d/a"; ln -s . "$TMP/d/b"; ln -s .. "$TMP/d/sub/up"; ln -s "$TMP/d" "$TMP/d/sub/abs"
out=$(timeout 20 "$NFREPORT" -q -U "$TMP/d"); rc=$?
[ $rc -eq 0 ] && pass "symlink loops: nfreport finished (exit 0)" || fail "symlink loops: exit $rc"
n=$(printf '%s\n' "$out" | grep -c ' -> ')
[ "$n" = 16 ] && pass "symlink loops: 16 flows, each file once" || fail "symlink loops: $n flows, want 16"
finish
