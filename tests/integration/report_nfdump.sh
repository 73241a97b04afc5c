#!/bin/sh
# Side by side with real nfdump: the same NetFlow v5 datagrams go to real
# nfcapd and to our nfcollectd on loopback; then nfdump and nfreport answer
# the same questions (-s srcip/bytes, -s dstport/flows, -s proto/packets,
# the count of flows matching a set of filters) and must agree exactly.
. "$(dirname "$0")/../lib.sh"
export TZ=UTC
need report_nfdump nfcapd nfdump python3 || finish
if [ ! -x "$NFCOLLECTD" ]; then
	skip "report_nfdump: $NFCOLLECTD not built yet"; finish
fi

cat >"$TMP/send.py" <<'PY'
# 521 deterministic v5 flows from 40 sources, 30 per datagram, sent to
# every port given; totals per source are distinct so rankings have no ties.
import socket, struct, sys, time
ports = [int(p) for p in sys.argv[1:]]
flows, i = [], 0
for k in range(40):
    for j in range((k % 13) + 1 + k // 3):
        i += 1
        proto = (6, 17, 1)[(k + j) % 3]
        dport = (80, 443, 53, 22, 8080, 25)[(k * 7 + j) % 6] if proto != 1 else 0x0800
        sport = 1024 + (i * 37) % 60000 if proto != 1 else 0
        pk = 1 + (i * 13) % 97 + k
        by = pk * (40 + (i * 7) % 1400) + k
        first = 1000 + i * 10
        flows.append(struct.pack('!IIIHHIIIIHHBBBBHHBBH', (10 << 24) | (k + 1),
            (192 << 24) | (168 << 16) | (1 + i % 30), 0, 1, 2, pk, by, first,
            first + (i * 31) % 5000, sport, dport, 0, 0x1b if proto == 6 else 0,
            proto, 0, 0, 0, 24, 16, 0))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for o in range(0, len(flows), 30):
    chunk = flows[o:o + 30]
    d = struct.pack('!HHIIIIBBH', 5, len(chunk), 200000, 1705320000, 0, o,
        0, 0, 0) + b''.join(chunk)
    for p in ports:
        s.sendto(d, ('127.0.0.1', p))
    time.sleep(0.002)
PY

P1=$(free_udp_port)
P2=$(free_udp_port)
mkdir "$TMP/nfd" "$TMP/ncd"
bg nfcapd -w "$TMP/nfd" -p "$P1" -b 127.0.0.1 -t 300 -B 4194304 \
    2>"$TMP/nfcapd.log" >&2
NFCAPD=$LASTPID
bg "$NFCOLLECTD" -D -N 0 -w "$TMP/ncd" "127.0.0.1/0/$P2" 2>"$TMP/ncd.log"
NCD=$LASTPID
{ wait_udp "$P1" && wait_udp "$P2"; } || fail "nfcapd or nfcollectd not listening"
python3 "$TMP/send.py" "$P1" "$P2"
# nfcapd may leave what it has not read yet when stopped (nfcollectd reads
# its queue at SIGTERM).
wait_udp_read "$P1"
stop "$NFCAPD"
stop "$NCD"

n1=$(nfdump -R "$TMP/nfd" -I | awk '/^Flows:/ { print $2 }')
n2=$("$NFREPORT" -q -o csv "$TMP/ncd" | tail -n +2 | wc -l)
if [ "$n1" = 521 ] && [ "$n2" = 521 ]; then pass both_stored_521
else fail both_stored_521 "nfcapd $n1, nfcollectd $n2"; finish; fi

# stat nfdump-stat nfreport-stat [filter]: compare key,flows,packets,bytes.
cmp_stat() {
	name=$1 ns=$2 rs=$3; shift 3
	nfdump -R "$TMP/nfd" -s "$ns" -n 10 -N -q -o csv "$@" |
	    awk -F, 'NR > 1 && NF > 10 { v = $5
		if (v == "TCP") v = 6; if (v == "UDP") v = 17; if (v == "ICMP") v = 1
		print v "," $6 "," $8 "," $10 }' >"$TMP/a"
	"$NFREPORT" -s "$rs" -n 10 -q -o csv "$TMP/ncd" "$@" |
	    awk -F, 'NR > 1 { print $4 "," $5 "," $7 "," $9 }' >"$TMP/b"
	if [ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b"; then pass "$name"
	else fail "$name" "$(diff "$TMP/a" "$TMP/b" | head -n 6)"; fi
}
cmp_stat stat_srcip_bytes srcip/bytes srcip/bytes
cmp_stat stat_dstport_flows dstport/flows dstport/flows
cmp_stat stat_proto_packets proto/packets proto/packets
cmp_stat stat_dstip_packets dstip/packets dstip/packets
cmp_stat stat_srcip_bytes_port80 srcip/bytes srcip/bytes 'proto tcp and dst port 80'

# The same filters, the same number of flows.
for f in 'proto tcp and dst port 80' 'src net 10.0.0.0/28' 'bytes > 50000' \
    'proto udp or proto icmp' 'not port 53' 'packets > 40 and packets < 60' \
    'dst host 192.168.0.5' 'src port > 10000' 'flags S and not flags R' \
    'dst port < 30' 'port >= 443 and port <= 8080' '(src host 10.0.0.7 or src host 10.0.0.9) and not proto icmp' \
    'dst net 192.168.0.16/28 and bytes < 20000'; do
	a=$(nfdump -R "$TMP/nfd" -q -o csv "$f" | grep -c '^[0-9]')
	b=$("$NFREPORT" -q "$TMP/ncd" "$f" | wc -l)
	if [ "$a" = "$b" ] && [ "$a" -gt 0 ]; then pass "filter: $f ($a)"
	else fail "filter: $f" "nfdump $a, nfreport $b"; fi
done
finish
