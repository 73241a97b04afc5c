#!/bin/sh
# Live capture across two network namespaces joined by a veth pair.
# Namespace A (10.77.0.2) pings namespace B (10.77.0.1) five times and
# sends 20 UDP datagrams of 1028 bytes to it, longer than the default snap
# length.  In B, nfsensord -i on B's end of the veth exports over B's own
# loopback to nfcollectd (and to the test receiver); on shutdown the flows
# must arrive with the right packet and byte counts: echo request 5, echo
# reply 5, UDP 20, each with B's veth ifIndex as input (plus B's ICMP port
# unreachables for the UDP: nobody listens), and nfcollectd must have
# stored as many packets as the test receiver got.  Namespaces and links
# are ours and removed at the end.  Daemons are started with ip netns
# exec directly (it execs), so $! is their PID.
. "$(dirname "$0")/../lib.sh"
need sensor_live ip ping python3 || finish
[ "$(id -u)" = 0 ] || { skip "sensor_live: needs root for network namespaces"; finish; }
NA=nfkA$$ NB=nfkB$$ VA=nvA$$ VB=nvB$$
if ! ip netns add "$NA" 2>/dev/null || ! ip netns add "$NB" 2>/dev/null; then
	ip netns del "$NA" 2>/dev/null
	skip "sensor_live: cannot create network namespaces here"; finish
fi
trap 'cleanup; ip netns del "$NA" 2>/dev/null; ip netns del "$NB" 2>/dev/null' EXIT INT TERM
inb() { ip netns exec "$NB" "$@"; }
ina() { ip netns exec "$NA" "$@"; }
ip link add "$VA" type veth peer name "$VB"
ip link set "$VA" netns "$NA"
ip link set "$VB" netns "$NB"
ina ip addr add 10.77.0.2/24 dev "$VA"
inb ip addr add 10.77.0.1/24 dev "$VB"
ina ip link set "$VA" up; ina ip link set lo up
inb ip link set "$VB" up; inb ip link set lo up
IFX=$(inb cat "/sys/class/net/$VB/ifindex")

ip netns exec "$NB" "$RECV" -w "$TMP/port" -t 60000 -i 60000 >"$TMP/recv" &
RPID=$!; PIDS="$PIDS $RPID"
wait_for "[ -s '$TMP/port' ]"
COLL=""
if [ -x "$NFCOLLECTD" ] && [ -x "$NFREPORT" ]; then
	CPORT=$(inb python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	mkdir -p "$TMP/spool"
	ip netns exec "$NB" "$NFCOLLECTD" -D -p "$TMP/coll.pid" -w "$TMP/spool" "127.0.0.1/0/$CPORT" \
	    2>"$TMP/coll.log" &
	CPID=$!; PIDS="$PIDS $CPID"
	COLL=",127.0.0.1:$CPORT"
	sleep 0.5
fi
ip netns exec "$NB" "$NFSENSORD" -d -i "$VB" -c "$TMP/ctl" -p "$TMP/pid" \
    -n "127.0.0.1:$(cat "$TMP/port")$COLL" "ip and not port 53" \
    >"$TMP/sensor.log" 2>&1 &
SPID=$!; PIDS="$PIDS $SPID"
wait_for "[ -S '$TMP/ctl' ]" || fail "sensor_live: no control socket: $(cat "$TMP/sensor.log")"

ina ping -c 5 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1 || fail "ping across the veth failed"
ina python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.2", 41000))
for i in range(20):
    s.sendto(b"y" * 1000, ("10.77.0.1", 9999))'
NFCTL_WRAP=inb	# ctl_stat runs nfctl in the sensor's namespace
wait_for "[ \"\$(ctl_stat $TMP/ctl ipv4_packets)\" -ge 30 ]" ||
    fail "sensor_live: the sensor did not count 30 packets"
inb "$NFCTL" -c "$TMP/ctl" shutdown >/dev/null
wait "$SPID"
rc=$?
kill -TERM "$RPID"; wait "$RPID"
[ $rc = 0 ] || fail "sensor_live: nfsensord exit $rc: $(cat "$TMP/sensor.log")"

# Record lines: proto src:sport > dst:dport tos flags packets bytes first last in out
req=$(awk '$1 == 1 && $2 == "10.77.0.2:0" && $4 == "10.77.0.1:2048" { print $7, $11 }' "$TMP/recv")
rep=$(awk '$1 == 1 && $2 == "10.77.0.1:0" && $4 == "10.77.0.2:0" { print $7, $11 }' "$TMP/recv")
udp=$(awk '$1 == 17 && $2 == "10.77.0.2:41000" && $4 == "10.77.0.1:9999" { print $7, $8, $11 }' "$TMP/recv")
[ "$req" = "5 $IFX" ] && pass "live: echo requests 5 packets, input ifIndex $IFX" ||
    fail "live: echo request flow '$req' (want '5 $IFX'); $(cat "$TMP/recv")"
[ "$rep" = "5 $IFX" ] && pass "live: echo replies 5 packets" || fail "live: echo reply flow '$rep'"
# 1028-byte packets, captured 256 bytes deep by default: bytes come from
# the IP header's length field, not the capture.
[ "$udp" = "20 $((20 * 1028)) $IFX" ] && pass "live: UDP 20 packets, 20560 bytes (snap length 256)" ||
    fail "live: UDP flow '$udp'"

if [ -n "$COLL" ]; then
	sleep 0.3
	kill -TERM "$CPID"; wait "$CPID"
	tot=$("$NFREPORT" -q -U "$TMP/spool" 2>/dev/null | awk '/ -> / { p += $(NF-1) } END { print p + 0 }')
	want=$(awk '/^TOTAL/ { print $7 }' "$TMP/recv")
	[ "$tot" = "$want" ] && pass "live: nfcollectd stored the same $tot packets as the test receiver (nfreport)" ||
	    fail "live: nfreport counts $tot packets in nfcollectd's files, receiver $want"
else
	skip "live via nfcollectd: collector or reporter not built"
fi
finish
