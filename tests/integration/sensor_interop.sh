#!/bin/sh
# Interop of the sensor with programs no one here wrote.
#
# 1. tshark decodes our NetFlow v5 export (captured on lo with tcpdump):
#    no malformed packets, and the sum of the datagrams' counts equals the
#    flows our receiver decoded.
# 2. nfcapd receives the same export as our receiver: nfdump's totals
#    (flows, packets, bytes) equal ours.
# 3. Real softflowd on every capture, against nfsensord: packets and bytes
#    must be equal, except where a difference is known and explained (the
#    reasons are in ../shared/pcaps/README.md, each checked here against
#    the oracle's numbers rather than just accepted):
#      wire   softflowd counts frame length minus link header (padding,
#             FCS, bogus total lengths), we count the IP total length
#      mpls   both decode IPv4 directly under MPLS labels, and softflowd's
#             wire bytes include the 4-byte label entries
#      vlan   softflowd strips one 802.1Q tag only: QinQ frames are lost
#      refuse softflowd refuses LINKTYPE_IPV4 and Linux SLL2
#      badhdr softflowd exports IPv4 headers with IHL < 5 or total length
#             < header length; we count them as bad headers
#    Flow counts differ by design (softflowd -r applies no timeouts), so
#    they are printed, not compared.
. "$(dirname "$0")/../lib.sh"
have_shared sensor_interop || finish

# recv_totals LABEL: stop the receiver; its "flows packets bytes" in
# $TMP/LABEL.tot.
recv_totals() {
	stop_recv
	awk '/^TOTAL/ { print $5, $7, $9 }' "$TMP/$1.recv" >"$TMP/$1.tot"
}

# 1. tshark.
if need sensor_interop_tshark tshark tcpdump; then
	start_recv ts
	port=$(cat "$TMP/ts.port")
	tcpdump -i lo -U --immediate-mode -w "$TMP/export.pcap" "udp and dst port $port" \
	    2>"$TMP/tcpdump.log" &
	TPID=$!
	PIDS="$PIDS $TPID"
	wait_for "grep -q listening '$TMP/tcpdump.log'"
	"$NFSENSORD" -r "$PCAPS/eth-ipv4-frag-afs.pcap" -n "127.0.0.1:$port" >/dev/null
	"$NFSENSORD" -r "$PCAPS/eth-ipv4-http-bro-org.pcap" -n "127.0.0.1:$port" >/dev/null
	sleep 0.5
	kill -TERM "$TPID"; wait "$TPID"
	recv_totals ts
	ours=$(cut -d' ' -f1 "$TMP/ts.tot")
	theirs=$(tshark -r "$TMP/export.pcap" -d "udp.port==$port,cflow" -T fields \
	    -e cflow.count 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
	bad=$(tshark -r "$TMP/export.pcap" -d "udp.port==$port,cflow" \
	    -Y '_ws.malformed || _ws.expert.severity >= warning' 2>/dev/null | wc -l)
	[ "$ours" = "$theirs" ] && [ "$bad" = 0 ] && [ "$ours" -gt 0 ] &&
	    pass "tshark decodes the export: $theirs flows, 0 malformed" ||
	    fail "tshark: $theirs flows vs ours $ours, $bad malformed/warnings"
fi

# 2. nfcapd / nfdump.
if need sensor_interop_nfdump nfcapd nfdump; then
	for f in eth-ipv4-frag-afs.pcap eth-ipv4-http-wikipedia.pcap sll-ipv4-tcp.pcap; do
		n=$TMP/nfcapd.$f
		mkdir -p "$n"
		nport=$(free_udp_port)
		nfcapd -w "$n" -p "$nport" -b 127.0.0.1 -t 300 -B 4194304 >"$n.log" 2>&1 &
		NPID=$!
		PIDS="$PIDS $NPID"
		wait_for "ss -Hlun 'sport = :$nport' | grep -q ." || sleep 0.5
		start_recv nf
		"$NFSENSORD" -r "$PCAPS/$f" -n "127.0.0.1:$(cat "$TMP/nf.port"),127.0.0.1:$nport" >/dev/null
		# nfcapd may leave what it has not read yet when stopped.
		wait_udp_read "$nport"
		kill -TERM "$NPID"; wait "$NPID"
		recv_totals nf
		theirs=$(nfdump -R "$n" -I 2>/dev/null | awk '
		    /^Flows:/ { f = $2 } /^Packets:/ { p = $2 } /^Bytes:/ { b = $2 }
		    END { printf "%s %s %s", f, p, b }')
		[ "$theirs" = "$(cat "$TMP/nf.tot")" ] &&
		    pass "nfdump totals of $f equal ours: $theirs (flows packets bytes)" ||
		    fail "$f: nfdump '$theirs', ours '$(cat "$TMP/nf.tot")'"
	done
fi

# 3. softflowd.
need sensor_interop_softflowd softflowd || finish
for f in $(awk -F'\t' 'NR > 1 && $2 != "unreadable" { print $1 }' "$SHARED/pcaps/reference.tsv"); do
	start_recv sf
	softflowd -d -r "$PCAPS/$f" -c none -a -p "$TMP/sf.pid" \
	    -n "127.0.0.1:$(cat "$TMP/sf.port")" >"$TMP/sf.log" 2>&1
	sfrc=$?
	recv_totals sf
	start_recv us
	"$NFSENSORD" -r "$PCAPS/$f" -n "127.0.0.1:$(cat "$TMP/us.port")" >/dev/null 2>&1
	recv_totals us
	set -- $(cat "$TMP/sf.tot"); sf_f=$1 sf_p=$2 sf_b=$3
	set -- $(cat "$TMP/us.tot"); us_f=$1 us_p=$2 us_b=$3
	what="ours $us_f/$us_p/$us_b, softflowd $sf_f/$sf_p/$sf_b (flows/packets/bytes)"
	case $f in
	eth-ipv4-http-bro-org.pcap|eth-trunc-tcphdr.pcap|pcapng-ospf.pcapng|\
	malformed-kday4.pcap|malformed-ipv4-totlen-exceeds.pcap|malformed-babel-oobr.pcap)
		[ "$us_p" = "$sf_p" ] && [ "$sf_b" = "$(ref ipv4_wire_bytes "$f")" ] &&
		    [ "$us_b" = "$(ref ipv4_bytes "$f")" ] &&
		    pass "softflowd $f: wire bytes vs IP length: $what" ||
		    fail "softflowd $f: expected same packets, wire vs IP bytes: $what" ;;
	eth-mixed-tcpreplay.pcap)
		# 6 IPv4 packets under one label: IP lengths 5 x 100 + 255,
		# frames 5 x 104 + 108 after the Ethernet header (pcaps
		# README, note 2).
		[ "$us_p" = "$sf_p" ] &&
		    [ "$us_p" = "$(( $(ref ipv4_pkts "$f") + $(ref mpls_ip_pkts "$f") ))" ] &&
		    [ "$us_b" = "$(( $(ref ipv4_bytes "$f") + 755 ))" ] &&
		    [ "$sf_b" = "$(( $(ref ipv4_wire_bytes "$f") + 628 ))" ] &&
		    pass "softflowd $f: same packets incl. $(ref mpls_ip_pkts "$f") IPv4-under-MPLS, wire (with labels) vs IP bytes: $what" ||
		    fail "softflowd $f: MPLS difference not as explained: $what" ;;
	eth-qinq-udp.pcap|eth-vlan-collisions.pcap)
		[ "$us_p" = "$(ref ipv4_pkts "$f")" ] && [ "$sf_p" -lt "$us_p" ] &&
		    pass "softflowd $f: one 802.1Q tag only, QinQ lost: $what" ||
		    fail "softflowd $f: VLAN difference not as explained: $what" ;;
	ipv4lt-tcp-icmp.pcap|sll2-icmp-arp.pcap)
		[ "$sfrc" != 0 ] && [ "$sf_p" = 0 ] && [ "$us_p" = "$(ref ipv4_pkts "$f")" ] &&
		    pass "softflowd $f: refuses the link type ($(grep -o 'Unsupported datalink type [0-9]*' "$TMP/sf.log")): $what" ||
		    fail "softflowd $f: expected a refusal: rc $sfrc, $what" ;;
	malformed-ipv4-bad-hlen.pcap|malformed-ipv4-bad-totlen.pcap)
		[ "$us_p" = 0 ] && [ "$sf_p" = 1 ] &&
		    pass "softflowd $f: exports a bad IPv4 header, we count it: $what" ||
		    fail "softflowd $f: bad header difference not as explained: $what" ;;
	*)
		[ "$us_p $us_b" = "$sf_p $sf_b" ] &&
		    pass "softflowd $f: same packets and bytes: $what" ||
		    fail "softflowd $f: differs without a known reason: $what" ;;
	esac
done
finish
