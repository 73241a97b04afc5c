#!/bin/sh
# Live capture with v9 and IPFIX export: nfsensord -i lo sees IPv6 and
# IPv4 UDP and ICMPv6 echo on loopback (our own port, ::1 and 127.0.0.1
# only), and tcpdump records its export to the first of two
# destinations.  Checked:
#  - nfctl send-template sends the templates at once, and statistics then
#    counts them per destination (both) and family;
#  - after stop-gather, the flows of nfctl dump-flows -j are exactly the
#    records tshark decodes from the export that nfctl shutdown sends
#    (addresses, ports or ICMPv6 type/code, protocol, traffic class, TCP
#    flags, packets, bytes, first and last time: IPFIX absolute ms, v9 ms
#    of sysUptime), each with flowEndReason 4 (forced end);
#  - the sampling rate (-s) is announced in the options record: v9
#    SAMPLING_INTERVAL, IPFIX samplingPacketInterval 1 and
#    samplingPacketSpace rate - 1.
. "$(dirname "$0")/../lib.sh"
need sensor_ipfix_live tshark tcpdump python3 ping || finish
[ "$(id -u)" = 0 ] || { skip "sensor_ipfix_live: needs root to capture on lo"; finish; }
FLOWS=$ROOT/tests/tools/cflow_flows.py

run() {	# VERSION RATE
	v=$1 rate=$2 o=$TMP/v$1
	rport=$(free_udp_port) rport2=$(free_udp_port) tport=$(free_udp_port)
	python3 -c 'import select, socket, sys
ss = []
for p in sys.argv[1:]:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", int(p)))
    ss.append(s)
while True:
    for s in select.select(ss, [], [])[0]:
        s.recv(65535)' "$rport" "$rport2" &
	PIDS="$PIDS $!"
	spid_sink=$!
	tcpdump -i lo -U --immediate-mode -w "$o.pcap" "udp and dst port $rport" 2>"$o.tcpdump" &
	tpid=$!
	PIDS="$PIDS $tpid"
	wait_for "grep -q listening '$o.tcpdump'" || { fail "v$v: tcpdump did not start"; return; }
	"$NFSENSORD" -d -i lo -v "$v" -s "$rate" -c "$o.ctl" -p "$o.pid" \
	    -n "127.0.0.1:$rport,127.0.0.1:$rport2" "(udp and port $tport) or icmp6" \
	    >"$o.log" 2>&1 &
	spid=$!
	PIDS="$PIDS $spid"
	wait_for "[ -S '$o.ctl' ]" || { fail "v$v: no control socket: $(cat "$o.log")"; return; }
	python3 -c 'import socket, sys
p = int(sys.argv[1])
a = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
a.bind(("::1", 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.bind(("127.0.0.1", 0))
for i in range(12):
    a.sendto(b"x" * (100 + i), ("::1", p))
    b.sendto(b"y" * 50, ("127.0.0.1", p))' "$tport"
	ping -6 -c 3 -i 0.2 -W 1 ::1 >/dev/null 2>&1
	wait_for "[ \"\$($NFCTL -c $o.ctl -j statistics | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"packets\"])')\" -ge 30 ]" ||
	    fail "v$v: the sensor did not see 30 packets"
	"$NFCTL" -c "$o.ctl" stop-gather >/dev/null
	r=$("$NFCTL" -c "$o.ctl" send-template)
	"$NFCTL" -c "$o.ctl" statistics >"$o.stats"
	t=$(grep -c -e "127.0.0.1:$rport: 1 datagrams, 0 flows, 0 failures, templates sent: 1 IPv4, 1 IPv6" \
	    -e "127.0.0.1:$rport2: 1 datagrams, 0 flows, 0 failures, templates sent: 1 IPv4, 1 IPv6" "$o.stats")
	[ "$r" = "templates sent" ] && [ "$t" = 2 ] &&
	    pass "v$v: nfctl send-template: '$r', statistics count 1 IPv4 and 1 IPv6 template for each of 2 destinations" ||
	    fail "v$v: send-template '$r'; $(grep "127.0.0.1:" "$o.stats")"
	"$NFCTL" -c "$o.ctl" -j dump-flows >"$o.dump"
	"$NFCTL" -c "$o.ctl" -j statistics >"$o.json"
	"$NFCTL" -c "$o.ctl" shutdown >/dev/null
	wait "$spid"
	rc=$?
	sleep 0.5
	stop "$tpid" TERM
	kill "$spid_sink"
	[ $rc = 0 ] || fail "v$v: nfsensord exit $rc: $(cat "$o.log")"
	tshark -r "$o.pcap" -d "udp.port==$rport,cflow" -T json 2>/dev/null |
	    python3 "$FLOWS" >"$o.flows"
	# What tshark decoded, and what dump-flows said, in one form.
	awk '$1 == "F" { print $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }' \
	    "$o.flows" | sort >"$o.got"
	python3 -c 'import json, sys
flows = json.load(open(sys.argv[1]))
boot = json.load(open(sys.argv[2]))["boot_ms"]
rel = 0 if sys.argv[3] == "10" else boot
for f in flows:
    print(f["src"], f["sport"], f["dst"], f["dport"], f["proto"], f["tos"],
          f["tcp_flags"], f["packets"], f["bytes"], f["first_ms"] - rel,
          f["last_ms"] - rel, 4)' "$o.dump" "$o.json" "$v" | sort >"$o.want"
	n6=$(grep -c ':' "$o.want")
	icmp=$(awk '$5 == 58' "$o.want" | wc -l)
	if cmp -s "$o.got" "$o.want" && [ "$n6" -ge 2 ] && [ "$icmp" -ge 1 ]; then
		pass "v$v: the $(wc -l <"$o.want") flows of dump-flows ($n6 IPv6, $icmp ICMPv6) are the records tshark decodes, every field"
	else
		fail "v$v: dump-flows and tshark differ ($n6 IPv6, $icmp ICMPv6): $(diff "$o.want" "$o.got" | head -n 6 | tr '\n' ' ')"
	fi
	sed -n 's/^S //p' "$o.flows" | grep -q 'seqerr=0 counterr=0 notemplate=0 malformed=0' &&
	    pass "v$v: tshark: $(sed -n 's/^S //p' "$o.flows")" ||
	    fail "v$v: tshark: $(sed -n 's/^S //p' "$o.flows")"
	if [ "$v" = 9 ]; then want="O 9 $rate 1 - -"; else want="O 10 - - 1 $((rate - 1))"; fi
	o_lines=$(grep '^O ' "$o.flows" | sort -u)
	[ "$o_lines" = "$want" ] &&
	    pass "v$v: -s $rate announced: $want" ||
	    fail "v$v: options records '$o_lines', want '$want'"
}

run 10 3
run 9 2
finish
