#!/bin/sh
# The whole pipeline on every untagged Ethernet capture of ../shared:
# nfsensord -r -> NetFlow v5 on 127.0.0.1 -> nfcollectd -> flow-tools file ->
# nfreport.  The IPv4 packets and bytes in the report must equal the tshark
# oracle in reference.tsv (ipv4_pkts - ipv4_bad_hdr, ipv4_bytes: bytes are
# the IP header's total length).
. "$(dirname "$0")/../lib.sh"
have_shared pipeline_pcaps || finish

# Untagged Ethernet: link type ether, no 802.1Q and no MPLS in the capture.
for f in $(awk -F'\t' 'NR > 1 && $2 == "ether" { print $1 }' "$SHARED/pcaps/reference.tsv"); do
	case $f in *vlan*|*qinq*|*mixed-tcpreplay*) continue ;; esac
	want_p=$(( $(ref ipv4_pkts "$f") - $(ref ipv4_bad_hdr "$f") ))
	want_b=$(ref ipv4_bytes "$f")
	d=$TMP/${f%.*}
	if ! pipeline "$PCAPS/$f" "$d"; then
		fail "pipeline $f: nfsensord failed: $(tail -n 3 "$d.log.sensor")"
		continue
	fi
	set -- $(report_totals "$d")
	if [ "${2:-x}" = "$want_p" ] && [ "${3:-x}" = "$want_b" ]; then
		pass "pipeline $f: $1 flows, $2 packets, $3 bytes"
	else
		fail "pipeline $f: report has ${2:-?} packets ${3:-?} bytes, reference $want_p packets $want_b bytes"
	fi
done
finish
