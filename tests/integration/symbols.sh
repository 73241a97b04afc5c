#!/bin/sh
# Every symbol a module exports carries its module's prefix
# (tests/symbols.sh, on the objects of the normal build).  The directories
# listed here are the ones already converted; add a directory when its
# modules follow the rule.
. "$(dirname "$0")/../lib.sh"

command -v nm >/dev/null 2>&1 || { skip "symbols: nm not installed"; finish; }
out=$TMP/symbols.out
B=build sh "$ROOT/tests/symbols.sh" report >"$out" 2>&1
rc=$?
grep '^bad: ' "$out"
if [ "$rc" -eq 0 ] && grep -q '^PASS: symbols$' "$out"; then
	pass "symbols: report modules export only prefixed names"
else
	fail "symbols: $(tail -n 1 "$out")"
fi
finish
