#!/bin/sh
# NetFlow v9 and IPFIX export of every public capture, read back by
# decoders no one here wrote.
#
# For each capture and each of -v 9 and -v 10, nfsensord -r exports to
# nfcapd while tcpdump records the datagrams on lo; then
#  - tshark decodes every datagram: none malformed or with an expert
#    warning, no data set without its template, sequence numbers as the
#    RFCs say (v9: datagrams before, IPFIX: data records before), the v9
#    header count equal to the records present (tests/tools/cflow_flows.py
#    flattens tshark's JSON and checks these);
#  - tshark's datagrams and records equal the sensor's statistics, and its
#    IPv4 and IPv6 packets and bytes equal the oracle, reference.tsv
#    (ipv4_pkts - ipv4_bad_hdr plus IPv4 under MPLS, ipv4_bytes,
#    ipv6_pkts, ipv6_bytes);
#  - v9 and IPFIX carry the same flows (every field but the times);
#  - with -T vlan, each record's vlanId is its packets' outer VLAN id;
#  - nfdump's totals equal tshark's, and its flows (full IPv6 addresses,
#    packets, bytes) are tshark's flows.
# softflowd 1.1.0 -v 9 and -v 10 on the captures with IPv6, decoded the same
# way: records, packets and bytes per family equal ours, or the difference
# is asserted with its reason.  Then pmacct's nfacctd stores the same
# totals for the IPFIX (and v9) export of the IPv6 captures.
. "$(dirname "$0")/../lib.sh"
have_shared sensor_ipfix || finish
need sensor_ipfix tshark tcpdump nfcapd nfdump softflowd python3 || finish
FLOWS=$ROOT/tests/tools/cflow_flows.py
CAPS=$(awk -F'\t' 'NR > 1 && $2 != "unreadable" { print $1 }' "$SHARED/pcaps/reference.tsv")
NCAPS=$(echo "$CAPS" | wc -l)

# N distinct free UDP ports on 127.0.0.1, all bound at once then released.
ports() {
	python3 -c 'import socket, sys
ss = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(int(sys.argv[1]))]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "$1"
}
# The captures with IPv6 packets also go through softflowd -v 9 and -v 10.
CAPS6=$(awk -F'\t' 'NR > 1 && $2 != "unreadable" && $5 > 0 { print $1 }' "$SHARED/pcaps/reference.tsv")
NCAPS6=$(echo "$CAPS6" | wc -l)
PORTS=$(ports $((2 * NCAPS + 2 * NCAPS6 + 2)))
filter="udp and dst host 127.0.0.1 and ($(echo "$PORTS" | sed 's/ / or /g; s/\([0-9][0-9]*\)/dst port \1/g'))"
tcpdump -i lo -U --immediate-mode -B 8192 -w "$TMP/export.pcap" "$filter" 2>"$TMP/tcpdump.log" &
TPID=$!
PIDS="$PIDS $TPID"
wait_for "grep -q listening '$TMP/tcpdump.log'" || { fail "sensor_ipfix: tcpdump did not start"; finish; }

stat_line() {	# LABEL FILE: the number after a label of the statistics
	awk -v l="$1" 'index($0, l) == 1 { print $NF; exit }' "$2"
}

# Export every capture with both versions, each run to its own nfcapd.
# The nfcapds start together and stop together: one wait for their
# sockets, one for their queues to be read, instead of one per run.
# bound PORT...: true if every UDP PORT has a socket bound on 127.0.0.1.
bound() {
	_ss=$(ss -Hlun | awk '{ print $4 }')
	for _p; do echo "$_ss" | grep -qx "127.0.0.1:$_p" || return 1; done
}
# read_all PORT...: true if nothing is queued on any of these ports.
read_all() {
	ss -Hlun | awk -v ports=" $* " '{ p = $4; sub(/.*:/, "", p) }
	    index(ports, " " p " ") && $2 != 0 { q = 1 } END { exit q }'
}
NFPIDS="" NFPORTS=""
set -- $PORTS
for f in $CAPS; do
	for v in 9 10; do
		o=$TMP/$v.$f
		echo "$1" >"$o.port"
		mkdir -p "$o.nf"
		nfcapd -w "$o.nf" -p "$1" -b 127.0.0.1 -t 300 -B 4194304 >"$o.nflog" 2>&1 &
		NFPIDS="$NFPIDS $!" NFPORTS="$NFPORTS $1"
		shift
	done
done
PIDS="$PIDS $NFPIDS"
wait_for "bound $NFPORTS" || fail "sensor_ipfix: not every nfcapd bound its port"
for f in $CAPS; do
	for v in 9 10; do
		o=$TMP/$v.$f
		"$NFSENSORD" -r "$PCAPS/$f" -v "$v" -n "127.0.0.1:$(cat "$o.port")" >"$o.stats" 2>"$o.err"
		echo $? >"$o.rc"
	done
done
wait_for "read_all $NFPORTS" || fail "sensor_ipfix: nfcapd left datagrams unread"
kill -TERM $NFPIDS 2>/dev/null
for p in $NFPIDS; do stop "$p" TERM; done
# softflowd to a sink bound to all its ports (so no port is unreachable).
udp_sink "$@"
SINK=$LASTPID
for f in $CAPS6; do
	for v in 9 10; do
		o=$TMP/sf$v.$f
		echo "$1" >"$o.port"
		softflowd -d -r "$PCAPS/$f" -c none -a -v "$v" -n "127.0.0.1:$1" >"$o.log" 2>&1
		echo $? >"$o.rc"
		shift
	done
done
# -T vlan: the VLAN id in every record (vlanId, 58).
VLANCAP=eth-vlan-collisions.pcap
for v in 9 10; do
	echo "$1" >"$TMP/vlan$v.port"
	"$NFSENSORD" -r "$PCAPS/$VLANCAP" -T vlan -v "$v" -n "127.0.0.1:$1" >/dev/null 2>&1
	shift
done
sleep 0.5
stop "$TPID" TERM
kill "$SINK"

# tshark decodes the whole capture once, every test port as cflow;
# cflow_flows.py --split writes each port's records to $TMP/by/PORT.flows
# as a run on that port alone would (sequence numbers, counts and
# templates per port).  flows PORT FILE: one port's lines into FILE.
mkdir -p "$TMP/by"
dargs=$(for p in $PORTS; do printf ' -d udp.port==%s,cflow' "$p"; done)
# shellcheck disable=SC2086
tshark -r "$TMP/export.pcap" $dargs -T json 2>/dev/null |
    python3 "$FLOWS" --split "$TMP/by" $PORTS ||
    fail "sensor_ipfix: tshark or cflow_flows.py failed on the export"
flows() { cp "$TMP/by/$1.flows" "$2"; }

mpls_ip_bytes() {	# as in sensor_pcaps.sh: pcaps README, note 2
	case $1 in eth-mixed-tcpreplay.pcap) echo 755 ;; *) echo 0 ;; esac
}

for f in $CAPS; do
	mp=$(ref mpls_ip_pkts "$f")
	want="$(( $(ref ipv4_pkts "$f") - $(ref ipv4_bad_hdr "$f") + mp )) $(( $(ref ipv4_bytes "$f") + $(mpls_ip_bytes "$f") )) $(ref ipv6_pkts "$f") $(ref ipv6_bytes "$f")"
	for v in 9 10; do
		o=$TMP/$v.$f
		p=$(cat "$o.port")
		if [ "$(cat "$o.rc")" != 0 ]; then
			fail "v$v $f: nfsensord exit $(cat "$o.rc"): $(head -n 2 "$o.err")"
			continue
		fi
		flows "$p" "$o.flows"
		s=$(awk '/^S / { print }' "$o.flows")
		dg=$(stat_line "Export datagrams " "$o.stats")
		fl=$(stat_line "Flows exported " "$o.stats")
		case "$s" in
		"S datagrams=$dg records=$fl templates="*" seqerr=0 counterr=0 notemplate=0 malformed=0")
			pass "v$v $f: tshark decodes $dg datagrams, $fl records; no malformed, warning, unknown template, sequence or count error" ;;
		*)	fail "v$v $f: tshark '$s', sensor $dg datagrams $fl flows" ;;
		esac
		got=$(awk '$1 == "F" { if (index($3, ":")) { p6 += $10; b6 += $11 } else { p4 += $10; b4 += $11 } }
		    END { printf "%d %d %d %d", p4, b4, p6, b6 }' "$o.flows")
		[ "$got" = "$want" ] &&
		    pass "v$v $f: IPv4 and IPv6 packets, bytes $got = reference" ||
		    fail "v$v $f: tshark's IPv4/IPv6 packets, bytes '$got', reference '$want'"
		# nfdump: totals and the flows themselves.
		nt=$(nfdump -R "$o.nf" -I 2>/dev/null | awk '
		    /^Flows:/ { f = $2 } /^Packets:/ { p = $2 } /^Bytes:/ { b = $2 }
		    END { printf "%s %s %s", f, p, b }')
		tt=$(awk '$1 == "F" { n++; p += $10; b += $11 } END { printf "%d %d %d", n, p, b }' "$o.flows")
		nfdump -R "$o.nf" -q -o csv 2>/dev/null |
		    awk -F, 'NF > 13 { print $4, $5, $12, $13 }' | sort >"$o.nfflows"
		awk '$1 == "F" { print $3, $5, $10, $11 }' "$o.flows" | sort >"$o.tsflows"
		if [ "$nt" = "$tt" ] && cmp -s "$o.nfflows" "$o.tsflows"; then
			pass "v$v $f: nfdump stores the same $nt flows/packets/bytes, addresses included ($(grep -c : "$o.tsflows") IPv6 flows)"
		else
			fail "v$v $f: nfdump '$nt', tshark '$tt'; flows differ: $(diff "$o.nfflows" "$o.tsflows" | head -n 4 | tr '\n' ' ')"
		fi
	done
	# Both versions carry the same flows: all fields but version and times.
	grep '^F ' "$TMP/9.$f.flows" | cut -d' ' -f3-11,14- | sort >"$TMP/9.$f.cmp"
	grep '^F ' "$TMP/10.$f.flows" | cut -d' ' -f3-11,14- | sort >"$TMP/10.$f.cmp"
	cmp -s "$TMP/9.$f.cmp" "$TMP/10.$f.cmp" &&
	    pass "$f: v9 and IPFIX carry the same $(wc -l <"$TMP/9.$f.cmp") flows" ||
	    fail "$f: v9 and IPFIX flows differ: $(diff "$TMP/9.$f.cmp" "$TMP/10.$f.cmp" | head -n 4 | tr '\n' ' ')"
done

# -T vlan: tshark reads, per flow, the outer VLAN id of the capture's
# packets (tshark's own decoding of the capture, 0 for untagged).
tshark -r "$PCAPS/$VLANCAP" -T fields -e vlan.id -e ip.src -e ip.dst -E occurrence=f 2>/dev/null |
    awk -F'\t' '{ print ($1 == "" ? 0 : $1), $2, $3 }' | sort | uniq -c |
    awk '{ print $2, $3, $4, $1 }' >"$TMP/vlan.want"
for v in 9 10; do
	p=$(cat "$TMP/vlan$v.port")
	flows "$p" "$TMP/vlan$v.flows"
	awk '$1 == "F" { print $15, $3, $5, $10 }' "$TMP/vlan$v.flows" | sort >"$TMP/vlan$v.got"
	[ -s "$TMP/vlan.want" ] && cmp -s "$TMP/vlan$v.got" "$TMP/vlan.want" &&
	    pass "v$v -T vlan $VLANCAP: VLAN ids $(cut -d' ' -f1 "$TMP/vlan.want" | sort -u | tr '\n' ' ')in the records as in the capture" ||
	    fail "v$v -T vlan: $(diff "$TMP/vlan.want" "$TMP/vlan$v.got" | head -n 4 | tr '\n' ' ')"
done

# softflowd 1.1.0 on the captures with IPv6, its export decoded by tshark
# like ours: per family, records, packets and bytes equal where both read
# the packets alike; every difference is asserted with its reason
# (../shared/pcaps/README.md notes 2, 4, 5, 7; docs/PEERS.md).
fam() {	# FLOWS-FILE 4|6: "records packets bytes" of one family
	awk -v six="$2" '$1 == "F" && (index($3, ":") > 0) == (six == 6) { n++; p += $10; b += $11 }
	    END { printf "%d %d %d", n, p, b }' "$1"
}
for f in $CAPS6; do
	for v in 10 9; do
		o=$TMP/sf$v.$f
		p=$(cat "$o.port")
		flows "$p" "$o.flows"
		sf6=$(fam "$o.flows" 6) sf4=$(fam "$o.flows" 4)
		us6=$(fam "$TMP/10.$f.flows" 6) us4=$(fam "$TMP/10.$f.flows" 4)
		# softflowd's own count of the records it sent.
		sfrec=$(sed -n 's/^Flows exported: [0-9]* (\([0-9]*\) records).*/\1/p' "$o.log")
		got=$(sed -n 's/^S datagrams=[0-9]* records=\([0-9]*\).*/\1/p' "$o.flows")
		what="ours v4 $us4 v6 $us6, softflowd -v $v v4 $sf4 v6 $sf6 (records packets bytes)"
		if [ "$v" = 9 ] && [ "${got:-0}" -lt "${sfrec:-0}" ]; then
			# Its v9 header count leaves out the templates, and
			# tshark stops a datagram after count records.
			tpl=$(sed -n 's/.* templates=\([0-9]*\).*/\1/p' "$o.flows")
			[ "$((got + tpl))" -ge "$sfrec" ] &&
			    pass "softflowd -v 9 $f: tshark decodes $got of its $sfrec records: its header count excludes the $tpl templates (RFC 3954 5.1)" ||
			    fail "softflowd -v 9 $f: tshark decodes $got of $sfrec records, $tpl templates: not explained"
			continue
		fi
		case $f in
		sll2-icmp-arp.pcap)
			[ "$(cat "$o.rc")" != 0 ] && [ "${us6#* }" = "$(ref ipv6_pkts "$f") $(ref ipv6_bytes "$f")" ] &&
			    pass "softflowd -v $v $f: refuses Linux SLL2: $what" ||
			    fail "softflowd -v $v $f: expected a refusal: $what" ;;
		null-ipv6-quic.pcap|null-ipv6-quic-trunc256.pcap)
			[ "$sf6" = "0 0 0" ] && [ "${us6#* }" = "$(ref ipv6_pkts "$f") $(ref ipv6_bytes "$f")" ] &&
			    pass "softflowd -v $v $f: DLT_NULL AF 30 (Darwin AF_INET6) is non-IP to softflowd: $what" ||
			    fail "softflowd -v $v $f: DLT_NULL difference not as explained: $what" ;;
		eth-mixed-tcpreplay.pcap)
			# IPv4 under one MPLS label: wire bytes with the
			# labels vs IP lengths (as in sensor_interop.sh).
			set -- $sf4; sf4b=$3; set -- $us4
			[ "$us6" = "$sf6" ] && [ "$sf4b" = "$(( $(ref ipv4_wire_bytes "$f") + 628 ))" ] &&
			    [ "$3" = "$(( $(ref ipv4_bytes "$f") + 755 ))" ] &&
			    pass "softflowd -v $v $f: IPv6 equal; IPv4 wire bytes with MPLS labels vs IP lengths: $what" ||
			    fail "softflowd -v $v $f: differs without a known reason: $what" ;;
		*)
			[ "$us6" = "$sf6" ] && [ "$us4" = "$sf4" ] &&
			    pass "softflowd -v $v $f: the same records, packets, bytes per family: $what" ||
			    fail "softflowd -v $v $f: differs without a known reason: $what" ;;
		esac
	done
done

# pmacct's nfacctd on the captures with IPv6: the same totals as tshark.
# One nfacctd per version takes the captures one after the other; after
# each, its running totals must reach tshark's running totals.  The two
# nfacctds run side by side: each capture goes to both, then one wait
# covers both print plugins' next purge.
need sensor_ipfix_nfacctd nfacctd || finish
acct_total() {	# JSON-FILE: "flows packets bytes" so far
	python3 -c 'import json, sys
n = p = b = 0
try:
    for l in open(sys.argv[1]):
        d = json.loads(l); n += 1; p += d["packets"]; b += d["bytes"]
except OSError:
    pass
print(n, p, b)' "$1"
}
ACCT=""		# the versions whose nfacctd is up and agrees so far
for v in 10 9; do
	o=$TMP/acct.$v
	port=$(free_udp_port)
	echo "$port" >"$o.port"
	cat >"$o.conf" <<EOF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: $port
plugins: print[json]
print_output[json]: json
print_output_file[json]: $o.json
print_output_file_append[json]: true
print_refresh_time[json]: 1
aggregate[json]: peer_src_ip, src_host, dst_host, src_port, dst_port, proto, tos, tcpflags, timestamp_start, timestamp_end
EOF
	nfacctd -f "$o.conf" >"$o.log" 2>&1 &
	echo $! >"$o.pid"
	PIDS="$PIDS $!"
	echo "0 0 0" >"$o.want"
done
for v in 10 9; do
	o=$TMP/acct.$v
	# Ready when its print plugin has purged once (every second): the
	# socket alone is bound before the plugin takes records.
	wait_for "grep -q 'Purging cache - END' '$o.log'" && ACCT="$ACCT $v" ||
	    fail "nfacctd v$v: not ready: $(tail -n 2 "$o.log")"
done
for f in $CAPS6; do
	for v in $ACCT; do
		o=$TMP/acct.$v
		"$NFSENSORD" -r "$PCAPS/$f" -v "$v" -n "127.0.0.1:$(cat "$o.port")" >/dev/null 2>&1
		set -- $(cat "$o.want") $(awk '$1 == "F" { n++; p += $10; b += $11 }
		    END { printf "%d %d %d", n, p, b }' "$TMP/$v.$f.flows")
		echo "$(($1 + $4)) $(($2 + $5)) $(($3 + $6))" >"$o.want"
	done
	for v in $ACCT; do
		o=$TMP/acct.$v
		# The print plugin writes every second: wait for these flows.
		wait_for "[ \"\$(acct_total $o.json)\" = \"\$(cat $o.want)\" ]"
		got=$(acct_total "$o.json") want=$(cat "$o.want")
		if [ "$got" = "$want" ]; then
			pass "nfacctd v$v $f: running totals $got flows/packets/bytes = tshark's"
		else
			fail "nfacctd v$v $f: running totals '$got', tshark's '$want'"
			ACCT=$(echo "$ACCT" | sed "s/ $v\$//; s/ $v / /")
		fi
	done
done
for v in 10 9; do stop "$(cat "$TMP/acct.$v.pid")" INT; done
finish
