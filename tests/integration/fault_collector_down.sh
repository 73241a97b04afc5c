#!/bin/sh
# Collector down or restarted while the sensor exports.  nfsensord captures
# live on lo (UDP to one test port only), expires UDP flows after 1 s and
# exports to nfcollectd.  Phase A: 40 flows with the collector up, all
# stored.  Then the collector is stopped; phase B: 40 flows exported into
# the void in four bursts, each expired with nfctl expire-all -- the sensor must keep running and count
# the send failures (ECONNREFUSED from the ICMP port unreachable).  Then a
# new collector on the same port; phase C: 40 flows, all stored: the
# sensor exports again without being told.  (Phase B's flows are lost: UDP
# export has no retransmission, like every NetFlow v5 exporter; the
# failures counter is how the loss is made visible.)
. "$(dirname "$0")/../lib.sh"
need fault_collector_down python3 ss || finish
need_built fault_collector_down "$FTDUMP" "$NFSENSORD" "$NFCTL" "$NFCOLLECTD" || finish
[ "$(id -u)" = 0 ] || { skip "fault_collector_down: live capture on lo needs root"; finish; }
K=40

# flows N: N UDP flows (one socket = one source port each, 2 packets) to
# 127.0.0.1:$tport.
flows() {
	python3 - "$tport" "$1" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
# All sockets stay open until the end, so no two share a source port.
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x" * 20, ("127.0.0.1", port))
    s.sendto(b"y" * 20, ("127.0.0.1", port))
    socks.append(s)
for s in socks:
    s.close()
PY
}
stat() { "$NFCTL" -c "$TMP/s.ctl" statistics 2>/dev/null |
    sed -n "s/^$1  *\([0-9][0-9]*\)\$/\1/p" | head -n 1; }
collector() {	# DIR: start a collector on $cport writing into DIR
	mkdir -p "$1"
	start_collector "$cport" "$1.log" -p "$1.pid" -w "$1" "127.0.0.1/0/$cport"
}
stored() { ft_flows "$1"/ft-*; }

cport=$(free_udp_port)
tport=$(free_udp_port)
collector "$TMP/c1"; c1=$LASTPID
start_sensor fault_collector_down -i lo -n "127.0.0.1:$cport" -t udp=1 \
    -t expint=1 "udp and dst port $tport"
sleep 0.5

flows $K
wait_for "[ \"\$(stat 'Flows exported')\" -ge $K ]"
sleep 0.3
stop "$c1" TERM
a=$(stored "$TMP/c1")
[ "$a" = $K ] && pass "fault_collector_down: phase A: $K flows stored" ||
    fail "fault_collector_down: phase A: $a of $K flows stored"

f0=$(stat 'Export failures')
# Four bursts, each expired with nfctl expire-all once the sensor has
# counted its packets: four export datagrams at least, without waiting
# for the 1 s timer between bursts.
pk=$(stat 'Packets processed')
for b in 1 2 3 4; do
	flows $((K / 4))
	wait_for "[ \"\$(stat 'Packets processed')\" -ge $((pk + b * K / 2)) ]"
	"$NFCTL" -c "$TMP/s.ctl" expire-all >/dev/null 2>&1
done
wait_for "[ \"\$(stat 'Flows exported')\" -ge $((2 * K)) ]"
# A datagram after the ICMP port unreachable fails: wait for the count.
wait_for "[ \"\$(stat 'Export failures')\" -gt ${f0:-0} ]"
f1=$(stat 'Export failures')
if kill -0 "$spid" 2>/dev/null && [ "${f1:-0}" -gt "${f0:-0}" ]; then
	pass "fault_collector_down: collector down: sensor running, $((f1 - f0)) send failures counted"
else
	fail "fault_collector_down: collector down: sensor alive=$(kill -0 "$spid" 2>/dev/null && echo yes || echo no), failures $f0 -> $f1"
fi

collector "$TMP/c2"; c2=$LASTPID
flows $K
wait_for "[ \"\$(stat 'Flows exported')\" -ge $((3 * K)) ]"
sleep 0.5
exported=$(stat 'Flows exported') dgrams=$(stat 'Export datagrams')
stop "$c2" TERM
c=$(stored "$TMP/c2")
[ "$c" = $K ] && pass "fault_collector_down: collector back: phase C's $K flows stored" ||
    fail "fault_collector_down: collector back: $c of $K flows stored"
kill -0 "$spid" 2>/dev/null && pass "fault_collector_down: sensor still running" ||
    fail "fault_collector_down: sensor died: $(tail -n 3 "$TMP/sensor.log")"
pdrop=$("$NFCTL" -c "$TMP/s.ctl" statistics 2>/dev/null |
    sed -n 's/^Packets dropped by libpcap: *//p')
echo "MEASURED: fault_collector_down: flows_per_phase=$K stored_before=$a failures_while_down=$((${f1:-0} - ${f0:-0})) stored_after_restart=$c exported=$exported datagrams=$dgrams pcap_drops=$pdrop"
"$NFCTL" -c "$TMP/s.ctl" shutdown >/dev/null 2>&1
stop "$spid" TERM
finish
