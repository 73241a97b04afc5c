#!/bin/sh
# nfreport -f FILE (issue 11, finding 7): the filter file is read whole,
# whatever its line length, and a filter of 300k terms compiles (the
# compiler once recursed as deep as the filter was long) and gives the
# same flows as its one-term equivalent.  The read time is printed, not
# asserted.
. "$(dirname "$0")/../lib.sh"
have_shared report_filterfile || finish
need report_filterfile python3 || finish
D=$FTDATA/seed-utc

# One line longer than any fixed buffer, with a word across byte 4095.
python3 - "$TMP/long.f" <<'PY'
import sys
open(sys.argv[1], "w").write(" " + "port 53 or " * 409 + "port 53\n")
PY
"$NFREPORT" -q -U "$D" port 53 >"$TMP/want" 2>&1
"$NFREPORT" -q -U -f "$TMP/long.f" "$D" >"$TMP/got" 2>&1; rc=$?
[ $rc = 0 ] && [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got" &&
    pass "long line: a 4.5 kB one-line filter file gives the flows of 'port 53'" ||
    fail "long line: exit $rc; $(head -c 300 "$TMP/got")"

# 300k terms over many short lines.
python3 - "$TMP/big.f" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("port 53\n")
    for i in range(300000):
        f.write("and port 53 # one term a line\n")
PY
start=$(date +%s.%N)
"$NFREPORT" -q -U -f "$TMP/big.f" "$D" >"$TMP/got" 2>&1; rc=$?
end=$(date +%s.%N)
[ $rc = 0 ] && cmp -s "$TMP/want" "$TMP/got" &&
    pass "300k terms: same flows as 'port 53' ($(echo "$end - $start" | bc) s)" ||
    fail "300k terms: exit $rc; $(head -c 300 "$TMP/got")"
finish
