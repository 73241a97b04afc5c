#!/bin/sh
# Static analysis in `make check`: runs tests/lint.sh (clang-format, cppcheck and
# clang-tidy with the checked-in .clang-tidy) and passes on its verdict
# line per tool.  Findings listed in tests/lint.baseline are known and do
# not fail; anything new does.
. "$(dirname "$0")/../lib.sh"

for t in cppcheck clang-tidy; do
	command -v "$t" >/dev/null 2>&1 ||
	    { skip "lint: $t not installed (apt-get install cppcheck clang-tidy)"; finish; }
done
out=$TMP/lint.out
sh "$ROOT/tests/lint.sh" >"$out" 2>&1
rc=$?
grep -E '^(NEW|FIXED)' "$out"
grep -E '^(PASS|FAIL|SKIP): ' "$out"
grep -q '^FAIL: ' "$out" && FAILED=1
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$out"; then
	fail "lint: tests/lint.sh exited $rc"; tail -n 20 "$out"
fi
finish
