#!/bin/sh
# Interop in NetFlow v9 and IPFIX: nfsensord -v 9|10 exports each capture
# with IPv6 in it to real nfcapd and to nfcollectd at once (-n twice);
# nfdump's flows, packets and bytes per family (filters ipv4, ipv6) must
# equal nfreport's (inet, inet6) over the IPFIX files nfcollectd wrote,
# and so must the top 10 IPv6 sources by bytes (-s srcip/bytes -n 10).
. "$(dirname "$0")/../lib.sh"
need pipeline_nfdump_ipfix nfcapd nfdump || finish
have_shared pipeline_nfdump_ipfix || finish

nfd() {	# DIR FILTER: "flows packets bytes" as nfdump counts them
	nfdump -R "$1" -q -N -o 'fmt:%pkt %byt' "$2" 2>/dev/null |
	    awk 'NF == 2 && $1 ~ /^[0-9]+$/ { f++; p += $1; b += $2 }
	    END { printf "%d %d %d", f, p, b }'
}

for f in $(awk -F'\t' 'NR > 1 && $2 == "ether" && $5 != "NA" && $5 > 0 { print $1 }' "$SHARED/pcaps/reference.tsv"); do
	case $f in *vlan*|*qinq*|*mixed-tcpreplay*) continue ;; esac
	for v in 9 10; do
		d=$TMP/${f%.*}-v$v; n=$d.nfcapd
		mkdir -p "$d" "$n"
		nport=$(free_udp_port)
		nfcapd -w "$n" -p "$nport" -b 127.0.0.1 -t 300 -B 4194304 >"$n.log" 2>&1 &
		npid=$!; PIDS="$PIDS $npid"
		wait_udp "$nport"
		if ! pipeline "$PCAPS/$f" "$d" -v "$v" -n "127.0.0.1:$nport"; then
			fail "pipeline_nfdump_ipfix $f -v $v: nfsensord failed: $(tail -n 3 "$d.log.sensor")"
			continue
		fi
		stop "$npid" TERM
		t4=$(nfd "$n" ipv4) t6=$(nfd "$n" ipv6)
		o4=$(report_totals "$d" inet) o6=$(report_totals "$d" inet6)
		[ "$o4" = "$t4" ] && [ "$o6" = "$t6" ] &&
		    pass "pipeline_nfdump_ipfix $f -v $v: nfdump and nfreport agree: IPv4 $o4, IPv6 $o6 (flows packets bytes)" ||
		    fail "pipeline_nfdump_ipfix $f -v $v: nfdump IPv4 '$t4' IPv6 '$t6', nfreport IPv4 '$o4' IPv6 '$o6'"
		# Top 10 IPv6 sources by bytes: address, flows, packets, bytes.
		nfdump -R "$n" -q -o csv -s srcip/bytes -n 10 ipv6 2>/dev/null |
		    awk -F, 'NR > 1 && NF > 10 { print $5, $6, $8, $10 }' | sort >"$d.top.nfdump"
		"$NFREPORT" -s srcip/bytes -n 10 -o csv "$d" inet6 2>/dev/null |
		    awk -F, '$1 == "srcip" && $2 == "bytes" { print $4, $5, $7, $9 }' | sort >"$d.top.ours"
		[ -s "$d.top.ours" ] || [ "$o6" = "0 0 0" ]
		ok=$?
		[ "$ok" = 0 ] && cmp -s "$d.top.ours" "$d.top.nfdump" &&
		    pass "pipeline_nfdump_ipfix $f -v $v: top 10 IPv6 sources by bytes equal nfdump's ($(wc -l <"$d.top.ours") rows)" ||
		    fail "pipeline_nfdump_ipfix $f -v $v: top 10 IPv6 sources differ: $(diff "$d.top.ours" "$d.top.nfdump" | head -n 4 | tr '\n' ' ')"
	done
done
finish
