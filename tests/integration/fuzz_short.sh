#!/bin/sh
# A short libFuzzer pass for `make check`: every harness in tests/fuzz/
# for FUZZ_SHORT_SECONDS (default 6) each, with ASan and UBSan.  The full
# run is `make fuzz` (FUZZ_SECONDS each, default 60).  One PASS/FAIL/SKIP
# line per harness, as tests/fuzz/run.sh prints them; a crash input is
# left in build/fuzz/crashes/ for tests/fuzz/regress/.
. "$(dirname "$0")/../lib.sh"

if ! command -v clang >/dev/null 2>&1; then
	skip "fuzz_short: clang not installed (apt-get install clang libclang-rt-dev)"
	finish
fi
out=$TMP/fuzz.out
FUZZ_SECONDS=${FUZZ_SHORT_SECONDS:-6} sh "$ROOT/tests/fuzz/run.sh" >"$out" 2>&1
rc=$?
grep -E '^(PASS|FAIL|SKIP): ' "$out"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$out"; then
	fail "fuzz_short: tests/fuzz/run.sh exited $rc"
	tail -n 20 "$out"
fi
grep -q '^FAIL: ' "$out" && FAILED=1
finish
