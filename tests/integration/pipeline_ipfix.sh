#!/bin/sh
# The whole pipeline in NetFlow v9 and IPFIX, on every untagged Ethernet
# capture of ../shared: nfsensord -r -v 9|10 -> 127.0.0.1 -> nfcollectd ->
# IPFIX file -> nfreport.  IPv4 and IPv6 packets and bytes in the report
# (filters inet, inet6) must equal the tshark oracle in reference.tsv
# (IPv4: ipv4_pkts - ipv4_bad_hdr, ipv4_bytes; IPv6: ipv6_pkts,
# ipv6_bytes), and nothing may be left in flow-tools files.
. "$(dirname "$0")/../lib.sh"
have_shared pipeline_ipfix || finish

for f in $(awk -F'\t' 'NR > 1 && $2 == "ether" { print $1 }' "$SHARED/pcaps/reference.tsv"); do
	case $f in *vlan*|*qinq*|*mixed-tcpreplay*) continue ;; esac
	want4="$(( $(ref ipv4_pkts "$f") - $(ref ipv4_bad_hdr "$f") )) $(ref ipv4_bytes "$f")"
	want6="$(ref ipv6_pkts "$f") $(ref ipv6_bytes "$f")"
	for v in 9 10; do
		d=$TMP/${f%.*}-v$v
		if ! pipeline "$PCAPS/$f" "$d" -v "$v"; then
			fail "pipeline_ipfix $f -v $v: nfsensord failed: $(tail -n 3 "$d.log.sensor")"
			continue
		fi
		set -- $(report_totals "$d" inet)
		got4="${2:-x} ${3:-x}" f4=${1:-0}
		set -- $(report_totals "$d" inet6)
		got6="${2:-x} ${3:-x}" f6=${1:-0}
		if [ "$got4" = "$want4" ] && [ "$got6" = "$want6" ] &&
		    ! ls "$d"/ft-* >/dev/null 2>&1; then
			pass "pipeline_ipfix $f -v $v: IPv4 $f4 flows $got4, IPv6 $f6 flows $got6"
		else
			fail "pipeline_ipfix $f -v $v: IPv4 $got4 (want $want4), IPv6 $got6 (want $want6); $(ls "$d")"
		fi
	done
done
finish
