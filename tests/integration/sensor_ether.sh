#!/bin/sh
# -T ether: flows keyed by MAC addresses too, which IPFIX records carry as
# sourceMacAddress (56) and destinationMacAddress (80).
#
# One Ethernet capture goes through nfsensord -T ether -v 10 and through
# softflowd 1.1.0 -T ether -v 10, while tcpdump records both exports on lo;
# tshark then decodes them and checks that
#  - every IPv4 record's (addresses, source MAC, destination MAC) is one
#    the capture's frames have (tshark -e eth.src -e eth.dst on the pcap),
#    and every such tuple of the capture is in some record;
#  - IPv6 records carry zero MACs (an IPv6 key has no room for them, see
#    sensor/meter.c make_key_ether());
#  - nfsensord exports as many records as softflowd does.
. "$(dirname "$0")/../lib.sh"
have_shared sensor_ether || finish
need sensor_ether tshark tcpdump softflowd python3 || finish
CAP=eth-ipv4-http-wikipedia.pcap

set -- $(python3 -c 'import socket
ss = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
OURS=$1 THEIRS=$2
tcpdump -i lo -U --immediate-mode -w "$TMP/export.pcap" \
    "udp and dst host 127.0.0.1 and (dst port $OURS or dst port $THEIRS)" 2>"$TMP/tcpdump.log" &
TPID=$!
PIDS="$PIDS $TPID"
wait_for "grep -q listening '$TMP/tcpdump.log'" || { fail "sensor_ether: tcpdump did not start"; finish; }
udp_sink "$OURS" "$THEIRS" || { fail "sensor_ether: the UDP sink did not start"; finish; }

"$NFSENSORD" -r "$PCAPS/$CAP" -T ether -v 10 -n "127.0.0.1:$OURS" >"$TMP/ours.stats" 2>&1 ||
    fail "sensor_ether: nfsensord -T ether exited $?: $(head -n 2 "$TMP/ours.stats")"
softflowd -d -r "$PCAPS/$CAP" -c none -a -T ether -v 10 -n "127.0.0.1:$THEIRS" >"$TMP/sf.log" 2>&1
wait_udp_read "$OURS"
wait_udp_read "$THEIRS"
n=$(awk '/^Export datagrams[ \t]/ { print $NF; exit }' "$TMP/ours.stats")
wait_for "[ \$(tshark -r '$TMP/export.pcap' -Y 'udp.dstport == $OURS' 2>/dev/null | wc -l) -ge '${n:-1}' ]" ||
    fail "sensor_ether: tcpdump has not seen our $n datagrams"
stop "$TPID" INT

# One line per record: port, IPv4 or IPv6 source and destination, MACs.
tshark -r "$TMP/export.pcap" -d "udp.port==$OURS,cflow" -d "udp.port==$THEIRS,cflow" \
    -T fields -e udp.dstport -e cflow.srcaddr -e cflow.dstaddr -e cflow.srcaddrv6 \
    -e cflow.dstaddrv6 -e cflow.srcmac -e cflow.dstmac -E occurrence=a 2>/dev/null |
    python3 -c 'import sys
for line in sys.stdin:
    f = line.rstrip("\n").split("\t")
    cols = [c.split(",") if c else [] for c in f[1:]]
    s4, d4, s6, d6, sm, dm = cols
    n4 = len(s4)
    for i in range(len(sm)):
        if i < n4:
            print(f[0], 4, s4[i], d4[i], sm[i], dm[i] if i < len(dm) else "-")
        else:
            print(f[0], 6, s6[i - n4], d6[i - n4], sm[i], dm[i] if i < len(dm) else "-")' >"$TMP/records"

awk -v p="$OURS" '$1 == p && $2 == 4 { print $3, $4, $5, $6 }' "$TMP/records" | sort -u >"$TMP/got"
tshark -r "$PCAPS/$CAP" -Y ip -T fields -e ip.src -e ip.dst -e eth.src -e eth.dst \
    -E occurrence=f 2>/dev/null | awk '{ print $1, $2, $3, $4 }' | sort -u >"$TMP/want"
if [ -s "$TMP/want" ] && cmp -s "$TMP/got" "$TMP/want"; then
	pass "sensor_ether: v10 -T ether $CAP: $(wc -l <"$TMP/want") (address, MAC) pairs in the records as in the frames"
else
	fail "sensor_ether: MACs differ from the frames': $(diff "$TMP/want" "$TMP/got" | head -n 4 | tr '\n' ' ')"
fi
bad6=$(awk -v p="$OURS" '$1 == p && $2 == 6 && ($5 != "00:00:00:00:00:00" || $6 != "00:00:00:00:00:00")' "$TMP/records" | wc -l)
n6=$(awk -v p="$OURS" '$1 == p && $2 == 6' "$TMP/records" | wc -l)
[ "$bad6" -eq 0 ] && [ "$n6" -gt 0 ] &&
    pass "sensor_ether: $n6 IPv6 records with zero MACs" ||
    fail "sensor_ether: $bad6 of $n6 IPv6 records with MACs"

ours=$(awk -v p="$OURS" '$1 == p' "$TMP/records" | wc -l)
theirs=$(awk -v p="$THEIRS" '$1 == p' "$TMP/records" | wc -l)
exported=$(awk '/^Flows exported[ \t]/ { print $NF; exit }' "$TMP/ours.stats")
[ "$ours" -gt 0 ] && [ "$ours" -eq "$theirs" ] && [ "$ours" -eq "${exported:-x}" ] &&
    pass "sensor_ether: $ours records, as softflowd -T ether -v 10 exports" ||
    fail "sensor_ether: $ours records (sensor says ${exported:-?}), softflowd $theirs"
finish
