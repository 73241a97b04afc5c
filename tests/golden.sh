#!/bin/sh
# Golden-file tests of the sensor: for every capture in ../shared/pcaps/
# public, nfsensord -r exports NetFlow v5 to tests/tools/sensor_v5recv and
# the records it received (in export order, absolute packet-clock times)
# plus the statistics printout are compared with tests/golden/sensor/
# NAME.txt.
#
#   sh tests/golden.sh          compare; one PASS/FAIL line per capture
#   sh tests/golden.sh regen    rewrite the expected files (then review
#                               the diff), and the reporter's goldens
#                               unless SENSOR_ONLY=1
#
# `make golden` runs the second form.
. "$(dirname "$0")/lib.sh"
G=$ROOT/tests/golden/sensor
mode=${1:-check}

if [ ! -d "$PCAPS" ]; then
	skip "sensor golden: $PCAPS not present"
	finish
fi
[ -x "$RECV" ] || { fail "sensor golden: $RECV not built"; finish; }
mkdir -p "$G"

# golden FILE OUT: what the expected file holds for one capture.
golden() {
	rm -f "$TMP/port"
	bg "$RECV" -w "$TMP/port" -t 30000 -i 30000 >"$TMP/recv"
	wait_for "[ -s '$TMP/port' ]"
	"$NFSENSORD" -r "$1" -n "127.0.0.1:$(cat "$TMP/port")" >"$TMP/stats" 2>&1
	rc=$?
	stop "$LASTPID" TERM
	{
		echo "# nfsensord -r $(basename "$1"): exit $rc"
		echo "# proto src:sport > dst:dport tos flags packets bytes first_ms last_ms in out"
		cat "$TMP/recv"
		echo "# statistics"
		# The header names the path, the destination lines the port, and
		# the memory line depends on struct layout: all vary by build.
		grep -v -e '^nfsensord statistics' -e '127\.0\.0\.1:' \
		    -e '^Flow table memory' "$TMP/stats"
	} >"$2"
}

for f in "$PCAPS"/*; do
	name=$(basename "$f")
	case $name in garbage-*) continue ;; esac
	golden "$f" "$TMP/out"
	if [ "$mode" = regen ]; then
		cp "$TMP/out" "$G/$name.txt"
		echo "regenerated $G/$name.txt"
	elif [ ! -f "$G/$name.txt" ]; then
		fail "golden $name: no expected file (sh tests/golden.sh regen)"
	elif diff -u "$G/$name.txt" "$TMP/out" >"$TMP/diff"; then
		pass "golden $name"
	else
		fail "golden $name: output differs from tests/golden/sensor/$name.txt"
		head -n 30 "$TMP/diff"
	fi
done

if [ "$mode" = regen ] && [ -z "${SENSOR_ONLY:-}" ] &&
    [ -f "$ROOT/tests/integration/report_golden.sh" ]; then
	REGEN=1 sh "$ROOT/tests/integration/report_golden.sh"
	REGEN=1 sh "$ROOT/tests/integration/report_html.sh"
fi
finish
