#!/bin/sh
# nfsensord live on the loopback interface with a control socket, and every
# nfctl command against it: statistics (text and -j JSON), dump-flows,
# timeouts, debug+/debug-, stop-gather/start-gather, expire-all (flows
# arrive at the receiver), delete-all (nothing arrives), shutdown (every
# live flow exported, then exit) and exit (exit at once, nothing
# exported).  Also: the socket is mode 0600, a second daemon on the same
# socket refuses to start, nfctl without a daemon prints one line and
# exits 1, SIGTERM behaves like shutdown, the pidfile comes and goes.
# Traffic is UDP from python3 to a port of our own, and a BPF filter on
# that port keeps other loopback traffic out of the counts.
. "$(dirname "$0")/../lib.sh"
need sensor_ctl python3 || finish
[ "$(id -u)" = 0 ] || { skip "sensor_ctl: needs root to capture on lo"; finish; }

CTL=$TMP/ctl
PORT=$(free_udp_port)

# send N packets of UDP from source port SPORT to 127.0.0.1:$PORT.
send_udp() {
	python3 - "$1" "$2" "$PORT" <<'EOF'
import socket, sys
n, sport, port = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", sport))
for i in range(n):
    s.sendto(b"x" * 50, ("127.0.0.1", port))
EOF
}


totals() {	# label: "flows packets" from the receiver's totals line
	awk '/^TOTAL/ { print $5, $7 }' "$TMP/$1.recv"
}

start_labelled() {	# label [flags]: the sensor, its output in $TMP/label.sensor
	_l=$1; shift
	"$NFSENSORD" -d -i lo -c "$CTL" -p "$TMP/pid" -t expint=3600 \
	    -n "127.0.0.1:$(cat "$TMP/$_l.port")" "$@" "udp and dst port $PORT" \
	    >"$TMP/$_l.sensor" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	# The socket path appears at bind(), before listen() and before the
	# pidfile: the daemon is ready once the pidfile is there too.
	wait_for "[ -S '$CTL' ] && [ -s '$TMP/pid' ]" ||
	    fail "$_l: control socket or pidfile never appeared"
}

# Wait until the sensor has counted N packets.
wait_packets() {
	wait_for "[ \"\$(ctl_stat $CTL packets)\" -ge $1 ]"
}

# nfctl without a daemon.
out=$("$NFCTL" -c "$TMP/nothing.ctl" statistics 2>&1)
rc=$?
if [ $rc = 1 ] && [ "$(echo "$out" | wc -l)" = 1 ]; then
	pass "nfctl without daemon: exit 1, '$out'"
else
	fail "nfctl without daemon: exit $rc, '$out'"
fi
"$NFCTL" -c "$CTL" frobnicate >/dev/null 2>&1 && fail "unknown command accepted" ||
    pass "nfctl unknown command: exit 1"

start_recv a
start_labelled a
mode=$(stat -c %a "$CTL")
[ "$mode" = 600 ] && pass "control socket mode 0600" || fail "control socket mode $mode"
[ "$(cat "$TMP/pid" 2>/dev/null)" = "$SPID" ] && pass "pidfile holds the daemon's pid" ||
    fail "pidfile: '$(cat "$TMP/pid" 2>/dev/null)' vs $SPID"
"$NFSENSORD" -d -i lo -c "$CTL" -p "$TMP/pid2" >"$TMP/second.log" 2>&1
rc=$?
[ $rc = 1 ] && grep -q 'another nfsensord' "$TMP/second.log" &&
    pass "second daemon on the same socket refused: $(cat "$TMP/second.log")" ||
    fail "second daemon: exit $rc, $(cat "$TMP/second.log")"

send_udp 7 40001
send_udp 3 40002
wait_packets 10

out=$("$NFCTL" -c "$CTL" statistics)
echo "$out" | grep -q '^Number of active flows: 2$' &&
    echo "$out" | grep -q '^Packets processed: 10$' &&
    echo "$out" | grep -q '^Flows exported: 0 (0 records) in 0 packets (0 failures)$' &&
    echo "$out" | grep -q '^Packets received by libpcap: ' &&
    pass "statistics: 2 active flows, 10 packets, softflowctl lines" ||
    fail "statistics: $out"
"$NFCTL" -c "$CTL" -j statistics | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["active_flows"] == 2 and d["packets"] == 10, d
assert "expired" in d and "pcap_dropped" in d and "protocols" in d' &&
    pass "statistics -j: valid JSON with the same counts" || fail "statistics -j"

out=$("$NFCTL" -c "$CTL" dump-flows)
echo "$out" | grep -q '40001 127.0.0.1 *'"$PORT"'.* 7 ' &&
    pass "dump-flows: the 7-packet flow from port 40001 is listed" ||
    fail "dump-flows: $out"
"$NFCTL" -c "$CTL" -j dump-flows | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert sorted(f["packets"] for f in d) == [3, 7], d' &&
    pass "dump-flows -j: two flows of 3 and 7 packets" || fail "dump-flows -j"

out=$("$NFCTL" -c "$CTL" timeouts)
echo "$out" | grep -q '^tcp.rst *120 s$' && echo "$out" | grep -q '^expint *3600 s$' &&
    pass "timeouts: defaults and -t expint=3600 shown" || fail "timeouts: $out"
"$NFCTL" -c "$CTL" -j timeouts | python3 -c '
import json, sys
d = json.load(sys.stdin); assert d["udp"] == 300 and d["maxlife"] == 604800, d' &&
    pass "timeouts -j" || fail "timeouts -j"

"$NFCTL" -c "$CTL" debug+ | grep -q 'debug level 1' && "$NFCTL" -c "$CTL" debug- |
    grep -q 'debug level 0' && pass "debug+ / debug-: level 1 then 0" || fail "debug+/-"

# stop-gather: packets sent meanwhile are not counted.
"$NFCTL" -c "$CTL" stop-gather >/dev/null
send_udp 5 40003
sleep 0.3
n=$(ctl_stat "$CTL" packets)
[ "$n" = 10 ] && pass "stop-gather: nothing counted while paused" || fail "stop-gather: $n packets"
"$NFCTL" -c "$CTL" start-gather >/dev/null
send_udp 4 40004
wait_packets 14 && pass "start-gather: counting again" || fail "start-gather"

# expire-all: the 3 live flows (7 + 3 + 4 packets) arrive.
"$NFCTL" -c "$CTL" expire-all | grep -q '^3 flows expired' || fail "expire-all reply"
wait_for "grep -c . '$TMP/a.recv' | grep -qx 3" &&
    pass "expire-all: 3 flows arrived at the collector" ||
    fail "expire-all: receiver has $(grep -c . "$TMP/a.recv") lines"

# delete-all: flows are forgotten, nothing sent.
send_udp 2 40005
wait_packets 16
"$NFCTL" -c "$CTL" delete-all | grep -q '^1 flows deleted' &&
    pass "delete-all: 1 flow deleted" || fail "delete-all reply"

# shutdown: the live flow is exported, the daemon exits 0.
send_udp 6 40006
wait_packets 22
"$NFCTL" -c "$CTL" shutdown | grep -q 'exporting 1 flows' || fail "shutdown reply"
wait "$SPID"; rc=$?
stop_recv
got=$(totals a)
[ "$got" = "4 20" ] && [ $rc = 0 ] &&
    pass "shutdown: exit 0, 4 flows / 20 packets exported in all (delete-all's 2 not)" ||
    fail "shutdown: exit $rc, exported '$got', want '4 20'"
[ ! -e "$CTL" ] && [ ! -e "$TMP/pid" ] && pass "shutdown removed socket and pidfile" ||
    fail "socket or pidfile left behind"

# exit: leaves at once, exports nothing.
start_recv b
start_labelled b
send_udp 5 40007
wait_packets 5
"$NFCTL" -c "$CTL" exit >/dev/null
wait "$SPID"; rc=$?
stop_recv
got=$(totals b)
[ "$got" = "0 0" ] && [ $rc = 0 ] && pass "exit: exit 0, nothing exported" ||
    fail "exit: exit $rc, exported '$got'"

# SIGTERM behaves like shutdown.
start_recv c
start_labelled c
send_udp 8 40008
wait_packets 8
kill -TERM "$SPID"
wait "$SPID"; rc=$?
stop_recv
got=$(totals c)
[ "$got" = "1 8" ] && [ $rc = 0 ] && pass "SIGTERM: exit 0, the live flow exported" ||
    fail "SIGTERM: exit $rc, exported '$got'"
finish
