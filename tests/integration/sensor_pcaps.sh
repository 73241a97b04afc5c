#!/bin/sh
# nfsensord -r on every capture of ../shared/pcaps/public, exporting NetFlow
# v5 to a small receiver on 127.0.0.1 (tests/tools/sensor_v5recv.c).
#  - the exported IPv4 packets and bytes equal the tshark oracle:
#    ipv4_pkts - ipv4_bad_hdr and ipv4_bytes (IP total length) in
#    reference.tsv, plus the IPv4 under MPLS labels, which the oracle
#    counts apart (mpls_ip_pkts; their bytes are below, from tshark's
#    ip.len and ../shared/pcaps/README.md);
#  - the IPv6 packets and bytes the sensor counted (v5 cannot carry them)
#    equal ipv6_pkts and ipv6_bytes;
#  - bad headers are counted as such; the datagrams have no sequence gaps;
#  - an unreadable file and an unsupported link type are startup errors
#    that name the problem, exit status 1.
. "$(dirname "$0")/../lib.sh"
have_shared sensor_pcaps || finish
[ -x "$RECV" ] || { fail "sensor_pcaps: $RECV not built"; finish; }

# run_capture FILE OUT: receiver + sensor; "TOTAL ..." in OUT.recv,
# sensor stdout in OUT.stats.  Returns the sensor's exit status.
run_capture() {
	rm -f "$2.port"
	"$RECV" -w "$2.port" -i 300 -q >"$2.recv" &
	_r=$!
	PIDS="$PIDS $_r"
	wait_for "[ -s '$2.port' ]"
	"$NFSENSORD" -r "$1" -n "127.0.0.1:$(cat "$2.port")" >"$2.stats" 2>"$2.err"
	_rc=$?
	kill -TERM "$_r"
	wait "$_r"
	return $_rc
}

# Sum of the IP total lengths of the IPv4 packets under MPLS labels:
# eth-mixed-tcpreplay.pcap has 5 x 100 + 255 (pcaps README, note 2).
mpls_ip_bytes() {
	case $1 in
	eth-mixed-tcpreplay.pcap) echo 755 ;;
	*) echo 0 ;;
	esac
}

stat_line() {	# LABEL FILE: the number after a label of the statistics
	awk -v l="$1" 'index($0, l) == 1 { print $NF; exit }' "$2"
}

for f in $(awk -F'\t' 'NR > 1 && $2 != "unreadable" { print $1 }' "$SHARED/pcaps/reference.tsv"); do
	o=$TMP/${f%.*}
	if ! run_capture "$PCAPS/$f" "$o"; then
		fail "$f: nfsensord exited non-zero: $(head -n 2 "$o.err")"
		continue
	fi
	mp=$(ref mpls_ip_pkts "$f")
	want="$(( $(ref ipv4_pkts "$f") - $(ref ipv4_bad_hdr "$f") + mp )) $(( $(ref ipv4_bytes "$f") + $(mpls_ip_bytes "$f") ))"
	got=$(awk '/^TOTAL/ { print $7, $9 }' "$o.recv")
	seq=$(awk '/^TOTAL/ { print $11 + $13 }' "$o.recv")
	if [ "$got" = "$want" ] && [ "$seq" = 0 ]; then
		pass "$f: IPv4 exported $got (packets bytes) = reference"
	else
		fail "$f: IPv4 exported '$got', reference '$want', malformed+seqerr $seq"
	fi
	want6="$(ref ipv6_pkts "$f") $(ref ipv6_bytes "$f")"
	got6="$(stat_line 'IPv6 packets counted' "$o.stats") $(stat_line 'IPv6 bytes counted' "$o.stats")"
	[ "$got6" = "$want6" ] && pass "$f: IPv6 counted $got6 = reference" ||
	    fail "$f: IPv6 counted '$got6', reference '$want6'"
	got_mp=$(stat_line 'IP packets under MPLS (counted)' "$o.stats")
	[ "$got_mp" = "$mp" ] ||
	    fail "$f: IP under MPLS $got_mp, reference $mp"
	bad=$(stat_line 'Ignored packets: bad IP header' "$o.stats")
	[ "$bad" = "$(ref ipv4_bad_hdr "$f")" ] ||
	    fail "$f: bad headers $bad, reference $(ref ipv4_bad_hdr "$f")"
done

# An unreadable file: one clear line, exit 1.
o=$TMP/garbage
"$NFSENSORD" -r "$PCAPS/garbage-file-bad-version.pcap" >"$o.out" 2>"$o.err"
rc=$?
if [ $rc = 1 ] && grep -q 'garbage-file-bad-version.pcap: ' "$o.err" &&
    [ "$(wc -l <"$o.err")" = 1 ]; then
	pass "unreadable file: exit 1, '$(cat "$o.err")'"
else
	fail "unreadable file: exit $rc, stderr '$(cat "$o.err")'"
fi

# An unsupported link type (105, IEEE 802.11): named at startup, exit 1.
python3 - "$TMP/wlan.pcap" <<'EOF'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 105))
    f.write(struct.pack("<IIII", 1700000000, 0, 24, 24) + bytes(24))
EOF
"$NFSENSORD" -r "$TMP/wlan.pcap" >"$TMP/wlan.out" 2>"$TMP/wlan.err"
rc=$?
if [ $rc = 1 ] && grep -q 'unsupported link type 105' "$TMP/wlan.err"; then
	pass "unsupported link type: exit 1, '$(cat "$TMP/wlan.err")'"
else
	fail "unsupported link type: exit $rc, stderr '$(cat "$TMP/wlan.err")'"
fi
finish
