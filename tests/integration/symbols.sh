#!/bin/sh
# Every symbol a module exports carries its module's prefix
# (tests/symbols.sh, on the objects of the normal build), in every
# directory that holds modules.
. "$(dirname "$0")/../lib.sh"

command -v nm >/dev/null 2>&1 || { skip "symbols: nm not installed"; finish; }
out=$TMP/symbols.out
B=build sh "$ROOT/tests/symbols.sh" common sensor collector report >"$out" 2>&1
rc=$?
grep '^bad: ' "$out"
if [ "$rc" -eq 0 ] && grep -q '^PASS: symbols$' "$out"; then
	pass "symbols: common, sensor, collector and report modules export only prefixed names"
else
	fail "symbols: $(tail -n 1 "$out")"
fi
finish
