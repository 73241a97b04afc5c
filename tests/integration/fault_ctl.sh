#!/bin/sh
# The sensor's control socket under abuse.  A running nfsensord (live on
# lo, a filter that matches nothing) gets connections that send garbage,
# an oversized length, a bad version or type carrying the shutdown
# command, an unknown command, half a header and then silence, a megabyte
# of zeros, or nothing at all.  Each must be dropped (connection closed)
# without effect: the daemon keeps running and still answers nfctl, and
# none of them shuts it down.  Also: the socket is mode 0600, and a second
# nfsensord on the same socket refuses to start and leaves the first one's
# socket in place.
. "$(dirname "$0")/../lib.sh"
need fault_ctl python3 || finish
need_built fault_ctl "$NFSENSORD" "$NFCTL" || finish
tport=$(free_udp_port)
start_lo_sensor fault_ctl "$tport"

mode=$(stat -c '%a %U' "$CTL")
[ "$mode" = "600 root" ] && pass "fault_ctl: socket mode 0600, owner root" ||
    fail "fault_ctl: socket mode/owner is $mode, expected 600 root"

ino=$(stat -c %i "$CTL")
timeout 10 "$NFSENSORD" -d -i lo -c "$CTL" -p "$TMP/s2.pid" \
    "udp and dst port $tport" >"$TMP/second.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ -S "$CTL" ] &&
    [ "$(stat -c %i "$CTL")" = "$ino" ] && kill -0 "$spid" 2>/dev/null; then
	pass "fault_ctl: second daemon refused (exit $rc: $(head -n 1 "$TMP/second.log"))"
else
	fail "fault_ctl: second daemon: exit $rc, socket inode $ino -> $(stat -c %i "$CTL" 2>/dev/null): $(head -n 2 "$TMP/second.log")"
fi

"$NFCTL" -c "$CTL" statistics >"$TMP/before" 2>&1 ||
    fail "fault_ctl: nfctl statistics failed before the abuse"

# Each attack prints "NAME closed_after_s=T reply_bytes=N".
python3 - "$CTL" >"$TMP/attacks" 2>&1 <<'PY'
import os, socket, struct, sys, time
path = sys.argv[1]
def hdr(ver, typ, flags, ln):
    return struct.pack(">BBHI", ver, typ, flags, ln)
attacks = [
    ("garbage", bytes(range(100))),
    ("oversized-length", hdr(1, 1, 0, 0x7fffffff) + b"\x02" * 65536),
    ("max-payload-not-1", hdr(1, 1, 0, 65536) + b"\x02" * 65536),
    ("bad-version-shutdown", hdr(2, 1, 0, 1) + b"\x02"),
    ("data-type-shutdown", hdr(1, 2, 0, 1) + b"\x02"),
    ("end-type-exit", hdr(1, 3, 0, 1) + b"\x03"),
    ("long-request-shutdown", hdr(1, 1, 0, 2) + b"\x02\x02"),
    ("unknown-command", hdr(1, 1, 0, 1) + b"\xc8"),
    ("command-zero", hdr(1, 1, 0, 1) + b"\x00"),
    ("half-header", hdr(1, 1, 0, 1)[:4]),
    ("header-no-payload", hdr(1, 1, 0, 1)),
    ("megabyte-of-zeros", b"\x00" * (1 << 20)),
    ("empty", b""),
]
for name, data in attacks:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    t0 = time.time()
    try:
        s.sendall(data)
    except OSError:
        pass		# the daemon may close before reading it all
    if name == "empty":
        s.shutdown(socket.SHUT_WR)
    got = 0
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += len(b)
    except OSError:
        pass
    print("%s closed_after_s=%.2f reply_bytes=%d" % (name, time.time() - t0, got))
    s.close()
PY
cat "$TMP/attacks" | sed 's/^/  /'
n=$(grep -c 'closed_after_s=' "$TMP/attacks")
slow=$(awk '{ split($2, a, "="); if (a[2] > 3.0) print $1 }' "$TMP/attacks")
[ "$n" = 13 ] && [ -z "$slow" ] &&
    pass "fault_ctl: 13 malformed connections each closed by the daemon within 3 s" ||
    fail "fault_ctl: $n of 13 attacks completed; slow: $slow"
sleep 0.5
if kill -0 "$spid" 2>/dev/null &&
    "$NFCTL" -c "$CTL" statistics >"$TMP/after" 2>&1 &&
    grep -q '^Packets processed' "$TMP/after"; then
	pass "fault_ctl: daemon alive and answering after the abuse"
else
	fail "fault_ctl: daemon gone or not answering: $(tail -n 3 "$TMP/sensor.log")"
fi
# Nothing the abuse sent may have changed state: same flow counters.
for k in 'Flows created' 'Flows exported' 'Number of active flows'; do
	b=$(grep "^$k " "$TMP/before" | tail -n 1) a=$(grep "^$k " "$TMP/after" | tail -n 1)
	[ "$a" = "$b" ] || fail "fault_ctl: '$k' changed: $b -> $a"
done
"$NFCTL" -c "$CTL" shutdown >/dev/null 2>&1
stop "$spid" TERM
finish
