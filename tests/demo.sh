#!/bin/sh
# make demo: the whole pipeline on tests/data/demo.pcap, on 127.0.0.1, in a
# temporary directory.  nfsensord reads the capture and exports NetFlow v5 to
# nfcollectd, which writes a flow-tools file; nfreport prints it.  Every
# process started here is stopped by PID, whatever happens.
set -u
cd "$(dirname "$0")/.." || exit 1
TMP=$(mktemp -d /tmp/nfkit-demo.XXXXXX)
CPID=""
cleanup() {
	[ -n "$CPID" ] && kill "$CPID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 39155)
mkdir -p "$TMP/flows"

echo "==> nfcollectd -D -w $TMP/flows 127.0.0.1/0/$PORT"
collector/nfcollectd -D -p "$TMP/nfcollectd.pid" -w "$TMP/flows" "127.0.0.1/0/$PORT" \
    2>"$TMP/collector.log" &
CPID=$!
sleep 0.5
if ! kill -0 "$CPID" 2>/dev/null; then
	echo "nfcollectd did not start:"; cat "$TMP/collector.log"; exit 1
fi

echo "==> nfsensord -r tests/data/demo.pcap -n 127.0.0.1:$PORT"
sensor/nfsensord -r tests/data/demo.pcap -n "127.0.0.1:$PORT" -c "$TMP/nfsensord.ctl" \
    -p "$TMP/nfsensord.pid" || { echo "nfsensord failed"; exit 1; }

sleep 0.5
kill -TERM "$CPID"; wait "$CPID"; CPID=""
echo "==> files written by nfcollectd:"
(cd "$TMP/flows" && ls -l)

echo
echo "==> nfreport -U $TMP/flows   (Cflow flowdumper -s lines, UTC)"
report/nfreport -U "$TMP/flows" || exit 1
if report/nfreport -h 2>&1 | grep -q -- '-s'; then
	echo
	echo "==> nfreport -U -s srcip/bytes -n 5 $TMP/flows   (top talkers)"
	report/nfreport -U -s srcip/bytes -n 5 "$TMP/flows"
	echo
	echo "==> nfreport -U -s dstport/flows -n 5 $TMP/flows 'proto tcp'"
	report/nfreport -U -s dstport/flows -n 5 "$TMP/flows" 'proto tcp'
fi
if report/nfreport -h 2>&1 | grep -q -- '--html-dir'; then
	# The page outlives the demo's temporary directory: it is for a browser.
	mkdir -p build
	echo
	echo "==> nfreport -U -o html --local 10.1.1.0/24 $TMP/flows > build/demo.html"
	if report/nfreport -U -o html --local 10.1.1.0/24 "$TMP/flows" >build/demo.html; then
		echo "HTML report of the demo capture: $(pwd)/build/demo.html"
	else
		echo "nfreport -o html failed"; exit 1
	fi
fi
