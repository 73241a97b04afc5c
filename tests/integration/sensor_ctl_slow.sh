#!/bin/sh
# The control socket against slow and idle clients.  A python3 client
# drips a request one byte a second, and ten more connect and send
# nothing; meanwhile UDP packets flow past a live nfsensord on lo and
# nfctl asks for statistics.  nfctl must be answered at once (within a 3 s
# timeout, typically milliseconds) every time, the packet count must go on
# rising while the slow clients hold their connections (capture is not
# blocked), and the daemon must close the dripping client about 2 s after
# it connected (its deadline is total, not per byte) and count it.
. "$(dirname "$0")/../lib.sh"
need sensor_ctl_slow python3 || finish
need_built sensor_ctl_slow "$NFSENSORD" "$NFCTL" || finish
PORT=$(free_udp_port)
start_lo_sensor sensor_ctl_slow "$PORT"

packets() {
	timeout 3 "$NFCTL" -c "$CTL" -j statistics |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["packets"])'
}

# The abusers and a steady UDP stream (20 packets a second) for 6 s.
python3 - "$CTL" "$PORT" >"$TMP/slow" 2>&1 <<'PY' &
import socket, struct, sys, time
path, port = sys.argv[1], int(sys.argv[2])
idle = []
for i in range(10):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    idle.append(s)
drip = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
drip.connect(path)
t0 = time.time()
req = struct.pack(">BBHI", 1, 1, 0, 1) + b"\x01"
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
closed_after = None
i = 0
while time.time() - t0 < 6:
    u.sendto(b"x" * 40, ("127.0.0.1", port))
    if closed_after is None and i % 20 == 0:
        try:
            drip.send(req[(i // 20) % len(req):][:1])
            drip.setblocking(False)
            try:
                if drip.recv(1) == b"":
                    closed_after = time.time() - t0
            except BlockingIOError:
                pass
        except OSError:
            closed_after = time.time() - t0
    i += 1
    time.sleep(0.05)
print("drip closed_after_s=%s" % ("%.1f" % closed_after if closed_after else "never"))
PY
ppid=$!
PIDS="$PIDS $ppid"
sleep 1.5

# nfctl three times while the abusers hold their connections.
ok=0 p1= p2=
for i in 1 2 3; do
	t0=$(date +%s%N)
	if timeout 3 "$NFCTL" -c "$CTL" statistics >"$TMP/st$i" 2>&1 &&
	    grep -q '^Packets processed' "$TMP/st$i"; then
		ok=$((ok + 1))
	fi
	echo "  nfctl statistics $i: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
	[ $i = 1 ] && p1=$(packets)
	sleep 1
done
p2=$(packets)
[ "$ok" = 3 ] &&
    pass "sensor_ctl_slow: nfctl statistics answered 3 of 3 times beside a dripping and 10 idle clients" ||
    fail "sensor_ctl_slow: nfctl statistics answered $ok of 3 times: $(cat "$TMP/st1")"
[ -n "$p1" ] && [ -n "$p2" ] && [ "$p2" -gt "$p1" ] &&
    pass "sensor_ctl_slow: capture went on meanwhile ($p1 -> $p2 packets)" ||
    fail "sensor_ctl_slow: packets did not rise: '$p1' -> '$p2'"

wait "$ppid"
sed 's/^/  /' "$TMP/slow"
t=$(sed -n 's/^drip closed_after_s=//p' "$TMP/slow")
case $t in
1.*|2.*|3.*) pass "sensor_ctl_slow: dripping client closed ${t} s after connecting" ;;
*) fail "sensor_ctl_slow: dripping client closed after '$t' s, expected about 2" ;;
esac
line=$(timeout 3 "$NFCTL" -c "$CTL" statistics | grep '^Control connections')
echo "  $line"
to=$(echo "$line" | sed -n 's/.* \([0-9]*\) timed out.*/\1/p')
[ -n "$to" ] && [ "$to" -ge 1 ] &&
    pass "sensor_ctl_slow: timed-out connections counted ($to)" ||
    fail "sensor_ctl_slow: no timed-out connection counted: $line"
kill -0 "$spid" 2>/dev/null || fail "sensor_ctl_slow: daemon died: $(tail -n 3 "$TMP/sensor.log")"
timeout 5 "$NFCTL" -c "$CTL" shutdown >/dev/null 2>&1
stop "$spid" TERM
finish
