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
cd "$(dirname "$0")/.." || exit 2
ROOT=$(pwd)
SHARED=${SHARED:-$ROOT/../shared}
PCAPS=$SHARED/pcaps/public
BIN=${NFKIT_BIN:-$ROOT}
RECV=$ROOT/build/tools/sensor_v5recv
G=$ROOT/tests/golden/sensor
mode=${1:-check}
failed=0

if [ ! -d "$PCAPS" ]; then
	echo "SKIP: sensor golden: $PCAPS not present"
	exit 0
fi
[ -x "$RECV" ] || { echo "FAIL: sensor golden: $RECV not built"; exit 1; }
TMP=$(mktemp -d /tmp/nfkit-golden.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
mkdir -p "$G"

# golden FILE OUT: what the expected file holds for one capture.
golden() {
	rm -f "$TMP/port"
	"$RECV" -w "$TMP/port" -t 30000 -i 30000 >"$TMP/recv" &
	rpid=$!
	i=0
	while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	"$BIN/sensor/nfsensord" -r "$1" -n "127.0.0.1:$(cat "$TMP/port")" \
	    >"$TMP/stats" 2>&1
	rc=$?
	kill -TERM "$rpid"
	wait "$rpid"
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
		echo "FAIL: golden $name: no expected file (sh tests/golden.sh regen)"
		failed=1
	elif diff -u "$G/$name.txt" "$TMP/out" >"$TMP/diff"; then
		echo "PASS: golden $name"
	else
		echo "FAIL: golden $name: output differs from tests/golden/sensor/$name.txt"
		head -n 30 "$TMP/diff"
		failed=1
	fi
done

if [ "$mode" = regen ] && [ -z "${SENSOR_ONLY:-}" ] &&
    [ -f "$ROOT/tests/integration/report_golden.sh" ]; then
	REGEN=1 sh "$ROOT/tests/integration/report_golden.sh"
	REGEN=1 sh "$ROOT/tests/integration/report_html.sh"
fi
exit $failed
