#!/bin/sh
# Live capture in blocks: a burst on lo, then a quiet interface.
#
# nfsensord reads a live interface through TPACKET_V3 ring blocks with a
# 100 ms block timeout (not immediate mode) and the default 8 MiB buffer.
# In a network namespace of our own, 10,000 UDP datagrams go to 127.0.0.1
# in one burst (python, as fast as it can send; a bound socket that never
# reads takes them, so the kernel answers with no ICMP).  The ring must hold
# the burst whatever the scheduler does (about 3 MB of ring space): every
# datagram counted in one flow, 0 dropped by libpcap, and libpcap's received
# count 2 x sent (each datagram crosses lo twice; the kernel counts the
# outgoing copy, libpcap skips it).  With -B 256k instead the same burst
# lost packets here (9,987 of 10,000 counted, 14 dropped), as immediate mode
# with a whole-packet snap length did before (RELIABILITY.md).  Then the interface stays quiet: the flow must still be
# exported by its idle timeout (-t udp=2, expiry every second), no sooner
# than 2 s and no later than 4 s (3.1 s + the polling) after the burst although no packet and
# so no ring block arrives.  Cost: about 5 s.
. "$(dirname "$0")/../lib.sh"
need sensor_live_burst ip python3 || finish
[ "$(id -u)" = 0 ] || { skip "sensor_live_burst: needs root for a network namespace"; finish; }
RECV=$ROOT/build/tools/sensor_v5recv
N=10000
NS=nfkLB$$
ip netns add "$NS" 2>/dev/null || { skip "sensor_live_burst: cannot create a network namespace"; finish; }
trap 'cleanup; ip netns del "$NS" 2>/dev/null' EXIT INT TERM
ins() { ip netns exec "$NS" "$@"; }
ins ip link set lo up

ins "$RECV" -w "$TMP/port" -t 20000 -i 20000 >"$TMP/recv.out" &
RPID=$!; PIDS="$PIDS $RPID"
wait_for "[ -s '$TMP/port' ]" || fail "sensor_live_burst: receiver did not start"
ins "$NFSENSORD" -d -i lo -c "$TMP/ctl" -p "$TMP/pid" -t udp=2 -t expint=1 \
    -n "127.0.0.1:$(cat "$TMP/port")" "udp dst port 9999" 2>"$TMP/sensor.log" &
SPID=$!; PIDS="$PIDS $SPID"
NFCTL_WRAP=ins
wait_for "ctl_stat '$TMP/ctl' packets" ||
    { fail "sensor_live_burst: no control socket"; finish; }

# One program sends the burst, then polls the statistics until the flow
# is exported and prints how long that took after the last datagram.
ins python3 -c '
import json, socket, subprocess, sys, time
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(("127.0.0.1", 9999))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 41001))
for i in range(int(sys.argv[1])):
    s.sendto(b"z" * 64, ("127.0.0.1", 9999))
t0 = time.time()
while time.time() - t0 < 8:
    out = subprocess.run([sys.argv[2], "-c", sys.argv[3], "-j", "statistics"],
                         capture_output=True).stdout
    if json.loads(out)["flows_exported"] >= 1:
        break
    time.sleep(0.05)
print("%.2f" % (time.time() - t0))
open(sys.argv[4], "wb").write(out)' "$N" "$NFCTL" "$TMP/ctl" "$TMP/st.json" >"$TMP/dt"
dt=$(cat "$TMP/dt")
get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$TMP/st.json" "$1"; }
proc=$(get packets) recv=$(get pcap_received) drop=$(get pcap_dropped) ifd=$(get pcap_ifdropped)
[ "$proc" = "$N" ] && [ "$drop" = 0 ] &&
    pass "live burst on lo: $N of $N datagrams counted, 0 dropped (8 MiB ring, blocks)" ||
    fail "live burst on lo: processed $proc of $N, libpcap dropped $drop, received $recv"
[ "$recv" = $((2 * N)) ] && [ "$ifd" = 0 ] &&
    pass "live burst: received $recv = 2 x $N crossings of lo, 0 dropped by the interface" ||
    fail "live burst accounting: received $recv processed $proc dropped $drop ifdropped $ifd, sent $N"
awk -v d="$dt" 'BEGIN { exit !(d >= 2 && d <= 4) }' &&
    pass "quiet interface: the flow was exported ${dt} s after the burst (udp=2, expint=1)" ||
    fail "quiet interface: flow exported after ${dt} s (want 2 to 4 s: idle timeout 2 s, expiry every 1 s, ring block 0.1 s)"
ins "$NFCTL" -c "$TMP/ctl" shutdown >/dev/null
stop "$SPID"
stop "$RPID"
got=$(awk '$4 == "127.0.0.1:9999" { p += $7 } END { print p + 0 }' "$TMP/recv.out")
[ "$got" = "$N" ] && pass "live burst: the exported flow holds all $N packets" ||
    fail "live burst: exported $got packets to 127.0.0.1:9999, sent $N"
finish
